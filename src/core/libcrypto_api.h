/*
 * OpenSSL's libcrypto, loaded on first use. Internal.
 *
 * The library (libcrypto.so.3) is not a link-time dependency: requiring the
 * Lua module or creating a client never maps it. The first signature,
 * digest, HMAC or random draw calls smk__libcrypto_load(), which dlopens
 * it and fills `smk__crypto` once per process (core/dynlib.h: thread-safe,
 * one atomic check on later calls, never unloaded).
 *
 * Contract for callers: read `smk__crypto` only after smk__libcrypto_load()
 * returned SMK_OK in the same thread (or in one that happened-before, e.g.
 * the code that created an OpenSSL object being freed now). A failure to
 * load the library or resolve a symbol is reported by every call of
 * smk__libcrypto_load() as SMK_E_CRYPTO, type "LibraryUnavailable", with
 * the file and dlerror()'s text; nothing aborts.
 */
#ifndef SMK_CORE_LIBCRYPTO_API_H
#define SMK_CORE_LIBCRYPTO_API_H

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "smk/error.h"

/* X(function): every libcrypto function the core calls. */
#define SMK_LIBCRYPTO_FUNCTIONS(X)                                                         \
    X(CRYPTO_memcmp)                                                                       \
    X(EVP_Digest)                                                                          \
    X(EVP_DigestFinal_ex)                                                                  \
    X(EVP_DigestInit_ex2)                                                                  \
    X(EVP_DigestUpdate)                                                                    \
    X(EVP_MAC_CTX_free)                                                                    \
    X(EVP_MAC_CTX_new)                                                                     \
    X(EVP_MAC_CTX_set_params)                                                              \
    X(EVP_MAC_fetch)                                                                       \
    X(EVP_MAC_final)                                                                       \
    X(EVP_MAC_free)                                                                        \
    X(EVP_MAC_init)                                                                        \
    X(EVP_MAC_update)                                                                      \
    X(EVP_MD_CTX_free)                                                                     \
    X(EVP_MD_CTX_new)                                                                      \
    X(EVP_MD_fetch)                                                                        \
    X(EVP_MD_free)                                                                         \
    X(EVP_sha256)                                                                          \
    X(OSSL_PARAM_construct_end)                                                            \
    X(OSSL_PARAM_construct_utf8_string)                                                    \
    X(RAND_bytes)

/* One pointer per function, typed from OpenSSL's own declaration and named
 * like it: smk__crypto.EVP_MAC_init(...). */
struct smk_libcrypto {
#define SMK_LIBCRYPTO_MEMBER(f) __typeof__(f) *f;
    SMK_LIBCRYPTO_FUNCTIONS(SMK_LIBCRYPTO_MEMBER)
#undef SMK_LIBCRYPTO_MEMBER
};

extern struct smk_libcrypto smk__crypto;

/* Load once (later calls: one check); SMK_OK when `smk__crypto` is usable. */
enum smk_err smk__libcrypto_load(struct smk_error *err);

/* Tests only: load `file` instead of libcrypto.so.3. Must be called before
 * anything in the process loads libcrypto; the string must stay valid. */
void smk__libcrypto_set_file(const char *file);

#endif
