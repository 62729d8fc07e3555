/* OpenSSL's libcrypto, loaded on first use: see libcrypto_api.h. */
#include "core/libcrypto_api.h"

#include "core/dynlib.h"

struct smk_libcrypto smk__crypto;

static struct smk_dynlib lib = SMK_DYNLIB_INIT(
    "libcrypto.so.3", "OpenSSL's libcrypto is needed to sign requests", SMK_E_CRYPTO);

#define SMK_LIBCRYPTO_CHECK(f)                                                               \
    _Static_assert(sizeof(smk__crypto.f) == sizeof(void *), "function pointers as void *");
SMK_LIBCRYPTO_FUNCTIONS(SMK_LIBCRYPTO_CHECK)

static const struct smk_dynlib_symbol symbols[] = {
#define SMK_LIBCRYPTO_SYMBOL(f) {#f, offsetof(struct smk_libcrypto, f)},
    SMK_LIBCRYPTO_FUNCTIONS(SMK_LIBCRYPTO_SYMBOL)
};

static void load(void)
{
    struct smk_libcrypto t;

    if (smk__dynlib_open(&lib, symbols, sizeof(symbols) / sizeof(symbols[0]), &t)) {
        smk__crypto = t;
        lib.loaded = 1;
    }
}

enum smk_err smk__libcrypto_load(struct smk_error *err)
{
    return smk__dynlib_load(&lib, load, err);
}

void smk__libcrypto_set_file(const char *file)
{
    lib.file = file;
}
