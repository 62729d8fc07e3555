/* AWS SigV4 header-mode signing with OpenSSL: see smk/sigv4.h for the
 * contract. Canonicalisation of the URI, query and headers is in
 * canonical.c; this file validates inputs, hashes, derives keys and
 * assembles the canonical request, string to sign and Authorization value. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "sigv4/sigv4_internal.h"
#include "smk/sigv4.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define CANONICAL_REQUEST_MAX ((size_t)1 << 20)
#define TEXT_MAX ((size_t)64 << 10)
#define SECRET_STACK 128

/* ---- result and cache lifecycle --------------------------------------------- */

static void clear_result(struct smk_sigv4_result *r)
{
    memset(r->amz_date, 0, sizeof(r->amz_date));
    memset(r->content_sha256, 0, sizeof(r->content_sha256));
    memset(r->signature, 0, sizeof(r->signature));
    smk_buf_reset(&r->authorization);
    smk_buf_reset(&r->canonical_request);
    smk_buf_reset(&r->string_to_sign);
    smk_buf_reset(&r->signed_headers);
}

void smk_sigv4_result_init(struct smk_sigv4_result *r)
{
    smk_buf_init(&r->authorization, TEXT_MAX);
    smk_buf_init(&r->canonical_request, CANONICAL_REQUEST_MAX);
    smk_buf_init(&r->string_to_sign, TEXT_MAX);
    smk_buf_init(&r->signed_headers, TEXT_MAX);
    clear_result(r);
}

void smk_sigv4_result_cleanup(struct smk_sigv4_result *r)
{
    clear_result(r);
    smk_buf_cleanup(&r->authorization);
    smk_buf_cleanup_secure(&r->canonical_request); /* may hold the session token */
    smk_buf_cleanup(&r->string_to_sign);
    smk_buf_cleanup(&r->signed_headers);
}

void smk_sigv4_key_cache_init(struct smk_sigv4_key_cache *c)
{
    memset(c, 0, sizeof(*c));
}

void smk_sigv4_key_cache_cleanup(struct smk_sigv4_key_cache *c)
{
    OPENSSL_cleanse(c, sizeof(*c));
    c->valid = 0;
}

/* ---- primitives ------------------------------------------------------------- */

static void to_hex(const unsigned char *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* SHA-256 and HMAC-SHA256 implementations fetched once per signing, so that
 * the five to seven primitives of one signature share one algorithm lookup.
 * Owned by one smk_sigv4_sign() call. */
struct crypto {
    EVP_MD *sha256;
    EVP_MAC_CTX *hmac; /* digest set; re-keyed by every hmac_sha256() */
};

static int crypto_open(struct crypto *c)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_end(),
    };

    c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    c->hmac = mac ? EVP_MAC_CTX_new(mac) : NULL;
    EVP_MAC_free(mac); /* the context keeps its own reference */
    return c->sha256 != NULL && c->hmac != NULL && EVP_MAC_CTX_set_params(c->hmac, params) == 1;
}

/* Frees the contexts; OpenSSL wipes the HMAC key state. */
static void crypto_close(struct crypto *c)
{
    EVP_MAC_CTX_free(c->hmac);
    EVP_MD_free(c->sha256);
    c->hmac = NULL;
    c->sha256 = NULL;
}

static int sha256(const struct crypto *c, const void *p, size_t n, unsigned char md[32])
{
    unsigned int len = 0;

    return EVP_Digest(n ? p : "", n, md, &len, c->sha256, NULL) == 1 && len == 32;
}

static int hmac_sha256(const struct crypto *c, const void *key, size_t key_len,
                       const void *data, size_t n, unsigned char mac[32])
{
    size_t len = 0;

    return EVP_MAC_init(c->hmac, key, key_len, NULL) == 1 &&
           EVP_MAC_update(c->hmac, data, n) == 1 && EVP_MAC_final(c->hmac, mac, &len, 32) == 1 &&
           len == 32;
}

enum smk_err smk_sha256_hex(const void *p, size_t n, char out[65])
{
    unsigned char md[32];
    unsigned int len = 0;

    if (p == NULL && n > 0)
        return SMK_E_INVALID_ARG;
    if (EVP_Digest(n ? p : "", n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
        return SMK_E_CRYPTO;
    to_hex(md, sizeof(md), out);
    return SMK_OK;
}

static enum smk_err append_parts(struct smk_buf *b, const char *const *parts, size_t n)
{
    enum smk_err rc = SMK_OK;
    size_t i;

    for (i = 0; i < n && rc == SMK_OK; i++)
        rc = smk_buf_append_str(b, parts[i]);
    return rc;
}

/* ---- input validation -------------------------------------------------------- */

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
            return 1;
    return 0;
}

/* RFC 9110 token character. */
static int is_tchar(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int is_token(const char *p, size_t n)
{
    size_t i;

    if (p == NULL || n == 0)
        return 0;
    for (i = 0; i < n; i++)
        if (!is_tchar((unsigned char)p[i]))
            return 0;
    return 1;
}

/* A value may contain LF only as an obs-fold (LF followed by SP or HT). */
static int is_safe_value(const char *p, size_t n)
{
    size_t i;

    if (p == NULL)
        return n == 0;
    for (i = 0; i < n; i++) {
        if (p[i] == '\r' || p[i] == '\0')
            return 0;
        if (p[i] == '\n' && (i + 1 == n || (p[i + 1] != ' ' && p[i + 1] != '\t')))
            return 0;
    }
    return 1;
}

static enum smk_err validate_request(const struct smk_sigv4_request *req, struct smk_error *err)
{
    size_t i;

    if (req == NULL || req->method == NULL || !is_token(req->method, strlen(req->method)))
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL,
                             "SigV4: the request method is missing or not an HTTP token");
    if (req->headers == NULL && req->n_headers > 0)
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL, "SigV4: headers array is NULL");
    if (req->body == NULL && req->body_len > 0)
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL, "SigV4: body is NULL");
    for (i = 0; i < req->n_headers; i++) {
        const struct smk_header *h = &req->headers[i];

        if (!is_token(h->name, h->name_len))
            return smk_error_set(err, SMK_E_INVALID_ARG, NULL,
                                 "SigV4: header %zu has an empty or invalid name", i + 1);
        if (!is_safe_value(h->value, h->value_len))
            return smk_error_set(err, SMK_E_INVALID_ARG, NULL,
                                 "SigV4: value of header '%.*s' contains CR, NUL or a bare LF",
                                 (int)(h->name_len > 128 ? 128 : h->name_len), h->name);
    }
    return SMK_OK;
}

/* Check one printable, non-empty string; `what` names it (never its value). */
static enum smk_err validate_text(const char *s, const char *what, struct smk_error *err)
{
    if (s == NULL || *s == '\0')
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL, "SigV4: %s is missing", what);
    if (has_control(s))
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL,
                             "SigV4: %s contains a control character (CR, LF, ...)", what);
    return SMK_OK;
}

static enum smk_err validate_signing_inputs(const struct smk_sigv4_credentials *creds,
                                            const struct smk_sigv4_params *params,
                                            struct smk_error *err)
{
    enum smk_err rc;

    if (creds == NULL || params == NULL)
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL,
                             "SigV4: credentials and parameters are required");
    if (creds->secret_access_key == NULL || *creds->secret_access_key == '\0')
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL,
                             "SigV4: the secret access key is missing");
    if (creds->session_token && *creds->session_token && has_control(creds->session_token))
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL,
                             "SigV4: the session token contains a control character "
                             "(CR, LF, ...)");
    rc = validate_text(creds->access_key_id, "the access key id", err);
    if (rc == SMK_OK)
        rc = validate_text(params->region, "the region", err);
    if (rc == SMK_OK)
        rc = validate_text(params->service, "the service", err);
    return rc;
}

/* ---- time -------------------------------------------------------------------- */

static void put_digits(char *p, int value, int width)
{
    while (width-- > 0) {
        p[width] = (char)('0' + value % 10);
        value /= 10;
    }
}

/* Write "YYYYMMDDTHHMMSSZ" for `t` (UTC). Fails outside years 0000..9999. */
static int format_amz_date(int64_t t, char out[17])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if ((int64_t)tt != t || gmtime_r(&tt, &tm) == NULL)
        return 0;
    if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
        return 0;
    put_digits(out, tm.tm_year + 1900, 4);
    put_digits(out + 4, tm.tm_mon + 1, 2);
    put_digits(out + 6, tm.tm_mday, 2);
    out[8] = 'T';
    put_digits(out + 9, tm.tm_hour, 2);
    put_digits(out + 11, tm.tm_min, 2);
    put_digits(out + 13, tm.tm_sec, 2);
    out[15] = 'Z';
    out[16] = '\0';
    return 1;
}

/* ---- signing key ------------------------------------------------------------- */

/* kSigning = HMAC chain over "AWS4"+secret, date, region, service,
 * "aws4_request". Every intermediate secret is wiped. */
static enum smk_err derive_signing_key(const struct crypto *c, const char *secret,
                                       const char *date8, const char *region,
                                       const char *service, unsigned char key[32])
{
    unsigned char stack[SECRET_STACK], k1[32], k2[32], k3[32];
    size_t secret_len = strlen(secret), ksecret_len;
    unsigned char *ksecret;
    enum smk_err rc = SMK_E_CRYPTO;

    if (secret_len > ((size_t)-1) - 4)
        return SMK_E_INVALID_ARG;
    ksecret_len = secret_len + 4;
    ksecret = ksecret_len <= sizeof(stack) ? stack : malloc(ksecret_len);
    if (ksecret == NULL)
        return SMK_E_NOMEM;
    memcpy(ksecret, "AWS4", 4);
    memcpy(ksecret + 4, secret, secret_len);
    if (hmac_sha256(c, ksecret, ksecret_len, date8, strlen(date8), k1) &&
        hmac_sha256(c, k1, 32, region, strlen(region), k2) &&
        hmac_sha256(c, k2, 32, service, strlen(service), k3) &&
        hmac_sha256(c, k3, 32, "aws4_request", 12, key))
        rc = SMK_OK;
    OPENSSL_cleanse(ksecret, ksecret_len);
    OPENSSL_cleanse(k1, sizeof(k1));
    OPENSSL_cleanse(k2, sizeof(k2));
    OPENSSL_cleanse(k3, sizeof(k3));
    if (ksecret != stack)
        free(ksecret);
    return rc;
}

static int cache_matches(const struct smk_sigv4_key_cache *c, const char *date8,
                         const char *region, const char *service,
                         const unsigned char digest[32])
{
    return c->valid && strcmp(c->date, date8) == 0 && strcmp(c->region, region) == 0 &&
           strcmp(c->service, service) == 0 &&
           CRYPTO_memcmp(c->secret_digest, digest, 32) == 0;
}

/* The signing key, from `cache` when it holds the key for these inputs;
 * otherwise derived and (when the names fit) stored in `cache`, replacing
 * and wiping what it held. */
static enum smk_err get_signing_key(const struct crypto *c, const char *secret,
                                    const char *date8,
                                    const struct smk_sigv4_params *params,
                                    struct smk_sigv4_key_cache *cache, unsigned char key[32])
{
    unsigned char digest[32];
    enum smk_err rc;

    if (cache == NULL || strlen(params->region) >= sizeof(cache->region) ||
        strlen(params->service) >= sizeof(cache->service))
        return derive_signing_key(c, secret, date8, params->region, params->service, key);
    if (!sha256(c, secret, strlen(secret), digest))
        return SMK_E_CRYPTO;
    if (cache_matches(cache, date8, params->region, params->service, digest)) {
        memcpy(key, cache->key, 32);
        rc = SMK_OK;
    } else {
        rc = derive_signing_key(c, secret, date8, params->region, params->service, key);
        smk_sigv4_key_cache_cleanup(cache);
        if (rc == SMK_OK) {
            memcpy(cache->date, date8, 9);
            memcpy(cache->region, params->region, strlen(params->region) + 1);
            memcpy(cache->service, params->service, strlen(params->service) + 1);
            memcpy(cache->key, key, 32);
            memcpy(cache->secret_digest, digest, 32);
            cache->valid = 1;
        }
    }
    OPENSSL_cleanse(digest, sizeof(digest));
    return rc;
}

/* ---- assembly ---------------------------------------------------------------- */

struct signer_headers {
    const char *owned[3];       /* caller copies of these are never signed */
    size_t n_owned;
    struct smk_header added[3]; /* signed with the signer's values */
    size_t n_added;
};

static void add_header(struct signer_headers *s, const char *name, const char *value,
                       size_t value_len)
{
    struct smk_header *h = &s->added[s->n_added++];

    h->name = name;
    h->name_len = strlen(name);
    h->value = value;
    h->value_len = value_len;
}

static void collect_signer_headers(struct signer_headers *s, const struct smk_sigv4_result *out,
                                   const struct smk_sigv4_credentials *creds, unsigned flags)
{
    const char *token = creds->session_token;

    s->n_owned = 0;
    s->n_added = 0;
    s->owned[s->n_owned++] = "x-amz-date";
    add_header(s, "x-amz-date", out->amz_date, 16);
    if (token != NULL && *token != '\0') {
        s->owned[s->n_owned++] = "x-amz-security-token";
        if (!(flags & SMK_SIGV4_OMIT_SESSION_TOKEN))
            add_header(s, "x-amz-security-token", token, strlen(token));
    }
    if (flags & SMK_SIGV4_SIGN_BODY_HEADER) {
        s->owned[s->n_owned++] = "x-amz-content-sha256";
        add_header(s, "x-amz-content-sha256", out->content_sha256, 64);
    }
}

static enum smk_err build_canonical_request(const struct smk_sigv4_request *req,
                                            const struct signer_headers *s, unsigned flags,
                                            struct smk_sigv4_result *out)
{
    struct smk_buf *creq = &out->canonical_request;
    enum smk_err rc;

    rc = smk_buf_append_str(creq, req->method);
    if (rc == SMK_OK)
        rc = smk_buf_append_char(creq, '\n');
    if (rc == SMK_OK)
        rc = smk_sigv4_append_canonical_uri(creq, req->path, flags);
    if (rc == SMK_OK)
        rc = smk_buf_append_char(creq, '\n');
    if (rc == SMK_OK)
        rc = smk_sigv4_append_canonical_query(creq, req->query);
    if (rc == SMK_OK)
        rc = smk_buf_append_char(creq, '\n');
    if (rc == SMK_OK)
        rc = smk_sigv4_append_canonical_headers(creq, &out->signed_headers, req->headers,
                                                req->n_headers, s->owned, s->n_owned,
                                                s->added, s->n_added);
    if (rc == SMK_OK) {
        const char *tail[] = {"\n", smk_buf_cstr(&out->signed_headers), "\n",
                              out->content_sha256};

        rc = append_parts(creq, tail, 4);
    }
    return rc;
}

static enum smk_err build_string_to_sign(const struct crypto *c, struct smk_sigv4_result *out,
                                         const char *date8,
                                         const struct smk_sigv4_params *params)
{
    unsigned char md[32];
    char creq_hash[65];

    if (!sha256(c, out->canonical_request.data, out->canonical_request.len, md))
        return SMK_E_CRYPTO;
    to_hex(md, sizeof(md), creq_hash);
    {
        const char *parts[] = {ALGORITHM "\n", out->amz_date, "\n", date8, "/",
                               params->region, "/", params->service, "/aws4_request\n",
                               creq_hash};

        return append_parts(&out->string_to_sign, parts, sizeof(parts) / sizeof(parts[0]));
    }
}

static enum smk_err build_authorization(struct smk_sigv4_result *out, const char *date8,
                                        const struct smk_sigv4_credentials *creds,
                                        const struct smk_sigv4_params *params)
{
    const char *parts[] = {ALGORITHM " Credential=", creds->access_key_id, "/", date8, "/",
                           params->region, "/", params->service,
                           "/aws4_request, SignedHeaders=", smk_buf_cstr(&out->signed_headers),
                           ", Signature=", out->signature};

    return append_parts(&out->authorization, parts, sizeof(parts) / sizeof(parts[0]));
}

static enum smk_err compute_signature(const struct crypto *c, struct smk_sigv4_result *out,
                                      const char *date8,
                                      const struct smk_sigv4_credentials *creds,
                                      const struct smk_sigv4_params *params,
                                      struct smk_sigv4_key_cache *cache)
{
    unsigned char key[32], mac[32];
    enum smk_err rc;

    rc = get_signing_key(c, creds->secret_access_key, date8, params, cache, key);
    if (rc == SMK_OK && !hmac_sha256(c, key, sizeof(key), out->string_to_sign.data,
                                     out->string_to_sign.len, mac))
        rc = SMK_E_CRYPTO;
    if (rc == SMK_OK)
        to_hex(mac, sizeof(mac), out->signature);
    OPENSSL_cleanse(key, sizeof(key));
    return rc;
}

static enum smk_err report(enum smk_err rc, struct smk_error *err)
{
    switch (rc) {
    case SMK_OK:
        return SMK_OK;
    case SMK_E_TOO_LARGE:
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL,
                             "SigV4: the request is too large to sign");
    case SMK_E_NOMEM:
        return smk_error_set(err, SMK_E_NOMEM, NULL, "SigV4: out of memory");
    case SMK_E_CRYPTO:
        return smk_error_set(err, SMK_E_CRYPTO, NULL, "SigV4: OpenSSL hashing failed");
    default:
        return smk_error_set(err, rc, NULL, "SigV4: signing failed");
    }
}

/* Every step after validation; `out` is filled in order. */
static enum smk_err sign_validated(const struct crypto *c, const struct smk_sigv4_request *req,
                                   const struct smk_sigv4_credentials *creds,
                                   const struct smk_sigv4_params *params,
                                   struct smk_sigv4_key_cache *cache,
                                   struct smk_sigv4_result *out)
{
    struct signer_headers signer;
    unsigned char body_hash[32];
    char date8[9];
    enum smk_err rc;

    memcpy(date8, out->amz_date, 8);
    date8[8] = '\0';
    if (!sha256(c, req->body, req->body_len, body_hash))
        return SMK_E_CRYPTO;
    to_hex(body_hash, sizeof(body_hash), out->content_sha256);
    collect_signer_headers(&signer, out, creds, params->flags);
    rc = build_canonical_request(req, &signer, params->flags, out);
    if (rc == SMK_OK)
        rc = build_string_to_sign(c, out, date8, params);
    if (rc == SMK_OK)
        rc = compute_signature(c, out, date8, creds, params, cache);
    if (rc == SMK_OK)
        rc = build_authorization(out, date8, creds, params);
    return rc;
}

enum smk_err smk_sigv4_sign(const struct smk_sigv4_request *req,
                            const struct smk_sigv4_credentials *creds,
                            const struct smk_sigv4_params *params,
                            struct smk_sigv4_key_cache *cache, struct smk_sigv4_result *out,
                            struct smk_error *err)
{
    struct crypto c = {NULL, NULL};
    enum smk_err rc;

    if (out == NULL)
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL, "SigV4: no result record");
    clear_result(out);
    rc = validate_request(req, err);
    if (rc == SMK_OK)
        rc = validate_signing_inputs(creds, params, err);
    if (rc != SMK_OK)
        return rc;
    if (!format_amz_date(params->time, out->amz_date))
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL,
                             "SigV4: the signing time is outside years 0000-9999");
    rc = crypto_open(&c) ? sign_validated(&c, req, creds, params, cache, out) : SMK_E_CRYPTO;
    crypto_close(&c);
    if (rc != SMK_OK)
        clear_result(out);
    return report(rc, err);
}
