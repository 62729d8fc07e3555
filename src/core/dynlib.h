/*
 * Loading a shared library at run time (dlopen) into a table of function
 * pointers, once per process. Internal; libcrypto_api.c and libcurl_api.c
 * each describe their library with one `struct smk_dynlib`.
 *
 * Contract: smk__dynlib_load() runs the library's loader under
 * pthread_once, so the first caller loads it and every caller, in any
 * thread, sees the finished table afterwards (one atomic check per call
 * once loaded). A library whose symbols all resolved is never closed: its
 * function pointers stay valid for the life of the process. Failures never
 * abort: every later call reports the same error (`code`, type
 * "LibraryUnavailable"), naming the file and quoting dlerror().
 */
#ifndef SMK_CORE_DYNLIB_H
#define SMK_CORE_DYNLIB_H

#include <pthread.h>
#include <stddef.h>

#include "smk/error.h"

/* One function of a table: its symbol and where its pointer goes. */
struct smk_dynlib_symbol {
    const char *name;
    size_t offset; /* offsetof(table, member); the member is a function pointer */
};

struct smk_dynlib {
    const char *file;            /* "libcrypto.so.3"; tests may point it elsewhere */
    const char *needed_for;      /* "OpenSSL's libcrypto is needed to sign requests" */
    enum smk_err code;           /* reported when loading failed */
    pthread_once_t once;
    int loaded;                  /* 1 once the table is filled */
    char why[768];               /* why it is not, e.g. dlerror()'s text */
};

#define SMK_DYNLIB_INIT(file, needed_for, code)                                            \
    {(file), (needed_for), (code), PTHREAD_ONCE_INIT, 0, ""}

/* For a loader (run once, under pthread_once): dlopen lib->file
 * (RTLD_NOW | RTLD_LOCAL) and resolve every symbol into `table`. 1 on
 * success (the library stays open for good); 0 with lib->why filled and the
 * library closed again. */
int smk__dynlib_open(struct smk_dynlib *lib, const struct smk_dynlib_symbol *symbols, size_t n,
                     void *table);

/* The error for a library that did not load (see the contract above). */
enum smk_err smk__dynlib_failure(const struct smk_dynlib *lib, struct smk_error *err);

/* Load `lib` with `loader` unless done; SMK_OK when its table is usable. */
static inline enum smk_err smk__dynlib_load(struct smk_dynlib *lib, void (*loader)(void),
                                            struct smk_error *err)
{
    pthread_once(&lib->once, loader);
    return lib->loaded ? SMK_OK : smk__dynlib_failure(lib, err);
}

#endif
