/* libcurl, loaded on first use: see libcurl_api.h. */
#include "core/libcurl_api.h"

#include <stdio.h>

#include "core/dynlib.h"

struct smk_libcurl smk__curl;

static struct smk_dynlib lib =
    SMK_DYNLIB_INIT("libcurl.so.4", "libcurl is needed for HTTP requests", SMK_E_INTERNAL);

#define SMK_LIBCURL_CHECK(member, f)                                                         \
    _Static_assert(sizeof(smk__curl.member) == sizeof(void *), "function pointers as void *");
SMK_LIBCURL_FUNCTIONS(SMK_LIBCURL_CHECK)

static const struct smk_dynlib_symbol symbols[] = {
#define SMK_LIBCURL_SYMBOL(member, f) {#f, offsetof(struct smk_libcurl, member)},
    SMK_LIBCURL_FUNCTIONS(SMK_LIBCURL_SYMBOL)
};

static void load(void)
{
    struct smk_libcurl t;
    CURLcode rc;

    if (!smk__dynlib_open(&lib, symbols, sizeof(symbols) / sizeof(symbols[0]), &t))
        return;
    rc = t.global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
        /* Stays mapped: libcurl may have started initialising its TLS. */
        snprintf(lib.why, sizeof(lib.why), "curl_global_init failed: %s", t.easy_strerror(rc));
        return;
    }
    smk__curl = t;
    lib.loaded = 1;
}

enum smk_err smk__libcurl_load(struct smk_error *err)
{
    return smk__dynlib_load(&lib, load, err);
}

void smk__libcurl_set_file(const char *file)
{
    lib.file = file;
}
