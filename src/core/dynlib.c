/* Run-time loading of shared libraries: see dynlib.h. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "core/dynlib.h"

int smk__dynlib_open(struct smk_dynlib *lib, const struct smk_dynlib_symbol *symbols, size_t n,
                     void *table)
{
    const char *detail;
    void *handle, *sym;
    size_t i;

    dlerror(); /* forget an older error of this thread */
    handle = dlopen(lib->file, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        detail = dlerror();
        snprintf(lib->why, sizeof(lib->why), "cannot load %s: %s", lib->file,
                 detail ? detail : "unknown error");
        return 0;
    }
    for (i = 0; i < n; i++) {
        dlerror();
        sym = dlsym(handle, symbols[i].name);
        if (sym == NULL) {
            detail = dlerror();
            snprintf(lib->why, sizeof(lib->why), "cannot use %s, symbol %s: %s", lib->file,
                     symbols[i].name, detail ? detail : "unknown error");
            dlclose(handle);
            return 0;
        }
        /* POSIX: a function pointer has the representation of the void *. */
        memcpy((char *)table + symbols[i].offset, &sym, sizeof(sym));
    }
    return 1;
}

enum smk_err smk__dynlib_failure(const struct smk_dynlib *lib, struct smk_error *err)
{
    return smk_error_set(err, lib->code, "LibraryUnavailable", "%s but %s", lib->needed_for,
                         lib->why);
}
