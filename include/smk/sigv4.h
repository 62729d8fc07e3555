/*
 * smk/sigv4.h - AWS Signature Version 4 (header mode).
 *
 * Signing is a pure function of its inputs: the request, the credentials,
 * region, service and the timestamp passed in. No clock, environment or
 * network is consulted. Stage functions are exposed so that tests can check
 * the canonical request and string to sign separately.
 *
 * Thread-safety: all functions are reentrant; a `struct smk_sigv4_key_cache`
 * must not be shared between threads without locking.
 */
#ifndef SMK_SIGV4_H
#define SMK_SIGV4_H

#include <stddef.h>
#include <stdint.h>

#include "smk/buf.h"
#include "smk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One request header: borrowed views. Names are compared case-insensitively;
 * repeated names are merged in order, as SigV4 prescribes. */
struct smk_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

/* The request to sign (borrowed views, valid for the duration of a call).
 * `path` is the raw path as sent (e.g. "/"; NULL or "" means "/"), `query`
 * the raw query string without '?', or NULL/"" when there is none. Query
 * names and values are percent-decoded then re-encoded for signing ('+' is
 * a literal plus, a key without '=' signs as "key="). `body` may be NULL
 * only when `body_len` is 0.
 *
 * Header names must be HTTP tokens. Values may not contain CR or NUL, and
 * LF only as an obs-fold (LF followed by space or tab). Which headers are
 * signed: all of them, except
 *   - headers the signer owns, whose caller copies are ignored and never
 *     duplicated: x-amz-date (always; the computed value is signed and must
 *     be sent), x-amz-security-token (when the credentials carry a token),
 *     x-amz-content-sha256 (with SMK_SIGV4_SIGN_BODY_HEADER);
 *   - authorization, and headers that proxies and HTTP stacks add or
 *     rewrite, which the AWS SDKs never sign: user-agent, x-amzn-trace-id,
 *     connection, expect, keep-alive, proxy-authenticate,
 *     proxy-authorization, te, trailer, transfer-encoding, upgrade. */
struct smk_sigv4_request {
    const char *method;
    const char *path;
    const char *query;
    const struct smk_header *headers;
    size_t n_headers;
    const void *body;
    size_t body_len;
};

struct smk_sigv4_credentials {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL or "" when not temporary */
};

/* Flags for smk_sigv4_params.flags. */
#define SMK_SIGV4_NORMALIZE_PATH 0x1u     /* remove dot segments and "//" */
#define SMK_SIGV4_DOUBLE_ENCODE_PATH 0x2u /* non-S3: encode the path once more;
                                             without it (S3) the path is signed as sent */
#define SMK_SIGV4_SIGN_BODY_HEADER 0x4u   /* add + sign x-amz-content-sha256 */
#define SMK_SIGV4_OMIT_SESSION_TOKEN 0x8u /* add the token after signing */

struct smk_sigv4_params {
    const char *region;
    const char *service;
    int64_t time;   /* seconds since the Unix epoch, UTC */
    unsigned flags; /* SMK_SIGV4_* */
};

/* Headers the signer adds (x-amz-date, x-amz-security-token,
 * x-amz-content-sha256, authorization) with the values to send; the caller
 * sends X-Amz-Security-Token with the credentials' token (also under
 * SMK_SIGV4_OMIT_SESSION_TOKEN) and x-amz-content-sha256 only with
 * SMK_SIGV4_SIGN_BODY_HEADER. `content_sha256` is always filled. The
 * buffers are reused across calls (no allocation once warm); the canonical
 * request may reach 1 MiB, the other texts 64 KiB. */
struct smk_sigv4_result {
    char amz_date[17];             /* "20150830T123600Z" */
    char content_sha256[65];       /* hex SHA-256 of the body */
    char signature[65];            /* hex */
    struct smk_buf authorization;  /* "AWS4-HMAC-SHA256 Credential=..." */
    struct smk_buf canonical_request;
    struct smk_buf string_to_sign;
    struct smk_buf signed_headers; /* "host;x-amz-date" */
};

/* Longest secret access key the cache remembers (longer ones are signed
 * correctly, deriving the key every time). AWS secrets are 40 bytes. */
#define SMK_SIGV4_CACHE_SECRET_MAX 128

/* State kept between signatures: the derived signing key for one (date,
 * region, service, secret), so repeated signing costs one HMAC instead of
 * five, and the OpenSSL algorithms and contexts, fetched and created once
 * instead of on every call.
 *
 * Holds one key; a different date, region, service or secret replaces it,
 * wiping the old one. The secret is detected by comparing it, in constant
 * time, with a copy of the one the key was derived from (kept here, wiped
 * with the key): a key is never used for another secret, whatever pointer
 * or buffer the secret arrives in. Regions or services of 64 bytes or more
 * and secrets over SMK_SIGV4_CACHE_SECRET_MAX bytes bypass the key cache.
 *
 * Initialise with smk_sigv4_key_cache_init (no allocation); the OpenSSL
 * objects are created by the first signature and freed, with everything
 * wiped, by smk_sigv4_key_cache_cleanup, after which the cache may be used
 * again. Owns memory once used: never copy the struct (copies would share
 * and double-free the contexts). One thread at a time. */
struct smk_sigv4_key_cache {
    char date[9];
    char region[64];
    char service[64];
    unsigned char key[32];
    int valid;
    size_t secret_len;
    unsigned char secret[SMK_SIGV4_CACHE_SECRET_MAX]; /* the key's secret */
    /* OpenSSL objects (opaque here to keep OpenSSL out of this header):
     * EVP_MD * SHA-256, EVP_MD_CTX * reused by every hash, EVP_MAC_CTX *
     * HMAC-SHA256 re-keyed for each derivation step, and EVP_MAC_CTX *
     * HMAC-SHA256 holding `key`, which signs without re-keying. NULL until
     * the first signature. */
    void *sha256;
    void *md_ctx;
    void *hmac;
    void *hmac_signing;
};

SMK_API void smk_sigv4_result_init(struct smk_sigv4_result *r);
SMK_API void smk_sigv4_result_cleanup(struct smk_sigv4_result *r);
SMK_API void smk_sigv4_key_cache_init(struct smk_sigv4_key_cache *c);
SMK_API void smk_sigv4_key_cache_cleanup(struct smk_sigv4_key_cache *c);

/* Sign `req` at `params->time`. Fills every field of `out` (which must have
 * been initialised); on error `out` is left empty. `cache` may be NULL.
 * Errors: SMK_E_INVALID_ARG (missing inputs; an invalid header name; CR,
 * NUL or a bare LF in a header value; a control character in the access
 * key id, session token, region or service; a time outside years
 * 0000-9999; a canonical request over its size limit), SMK_E_NOMEM,
 * SMK_E_CRYPTO. Error messages never contain secrets or header values. */
SMK_API enum smk_err smk_sigv4_sign(const struct smk_sigv4_request *req,
                                    const struct smk_sigv4_credentials *creds,
                                    const struct smk_sigv4_params *params,
                                    struct smk_sigv4_key_cache *cache,
                                    struct smk_sigv4_result *out,
                                    struct smk_error *err);

/* Hex SHA-256 of `n` bytes (65 bytes including the NUL). */
SMK_API enum smk_err smk_sha256_hex(const void *p, size_t n, char out[65]);

#ifdef __cplusplus
}
#endif
#endif
