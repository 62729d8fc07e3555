/* AWS SigV4 header-mode signing with OpenSSL (libcrypto loaded on first use,
 * core/libcrypto_api.h): see smk/sigv4.h for the
 * contract. Canonicalisation of the URI, query and headers is in
 * canonical.c; this file validates inputs, hashes, derives keys and
 * assembles the canonical request, string to sign and Authorization value. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>

#include "core/libcrypto_api.h"
#include "core/wipe.h"
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

/* Wipe the key and what identifies it; the OpenSSL objects stay. */
static void forget_key(struct smk_sigv4_key_cache *c)
{
    smk__wipe(c->date, sizeof(c->date));
    smk__wipe(c->region, sizeof(c->region));
    smk__wipe(c->service, sizeof(c->service));
    smk__wipe(c->key, sizeof(c->key));
    smk__wipe(c->secret, sizeof(c->secret));
    c->secret_len = 0;
    c->valid = 0;
}

void smk_sigv4_key_cache_cleanup(struct smk_sigv4_key_cache *c)
{
    /* Freeing a MAC context wipes its key state. The objects exist, all
     * with sha256, only once a signature loaded libcrypto. */
    if (c->sha256 != NULL) {
        smk__crypto.EVP_MAC_CTX_free(c->hmac_signing);
        smk__crypto.EVP_MAC_CTX_free(c->hmac);
        smk__crypto.EVP_MD_CTX_free(c->md_ctx);
        smk__crypto.EVP_MD_free(c->sha256);
    }
    smk__wipe(c, sizeof(*c));
    smk_sigv4_key_cache_init(c);
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

/* The OpenSSL objects one signature uses: SHA-256 fetched from the provider
 * store once, one digest context reused by every hash (EVP_DigestInit_ex2
 * re-initialises it in place), one HMAC-SHA256 context re-keyed by every
 * hmac_sha256(), and, with a key cache, one HMAC context that keeps the
 * cached signing key. They live in the key cache when there is one (created
 * by its first signature, freed by its cleanup), else they are created and
 * freed by the call (`owned`). */
struct crypto {
    EVP_MD *sha256;
    EVP_MD_CTX *md;
    EVP_MAC_CTX *hmac;
    EVP_MAC_CTX *hmac_signing; /* NULL without a cache */
    int owned;
};

static EVP_MAC_CTX *new_hmac_sha256(EVP_MAC *mac)
{
    OSSL_PARAM params[] = {
        smk__crypto.OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256",
                                                     0),
        smk__crypto.OSSL_PARAM_construct_end(),
    };
    EVP_MAC_CTX *ctx = smk__crypto.EVP_MAC_CTX_new(mac);

    if (ctx != NULL && smk__crypto.EVP_MAC_CTX_set_params(ctx, params) != 1) {
        smk__crypto.EVP_MAC_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

static void crypto_free(struct crypto *c)
{
    smk__crypto.EVP_MAC_CTX_free(c->hmac_signing);
    smk__crypto.EVP_MAC_CTX_free(c->hmac);
    smk__crypto.EVP_MD_CTX_free(c->md);
    smk__crypto.EVP_MD_free(c->sha256);
    memset(c, 0, sizeof(*c));
}

/* Fetch and create everything; 0 (nothing left allocated) on failure. */
static int crypto_create(struct crypto *c, int with_signing)
{
    EVP_MAC *mac = smk__crypto.EVP_MAC_fetch(NULL, "HMAC", NULL);

    memset(c, 0, sizeof(*c));
    c->sha256 = smk__crypto.EVP_MD_fetch(NULL, "SHA256", NULL);
    c->md = smk__crypto.EVP_MD_CTX_new();
    c->hmac = mac ? new_hmac_sha256(mac) : NULL;
    if (with_signing)
        c->hmac_signing = mac ? new_hmac_sha256(mac) : NULL;
    smk__crypto.EVP_MAC_free(mac); /* the contexts keep their own references */
    if (c->sha256 == NULL || c->md == NULL || c->hmac == NULL ||
        (with_signing && c->hmac_signing == NULL)) {
        crypto_free(c);
        return 0;
    }
    return 1;
}

static int crypto_open(struct crypto *c, struct smk_sigv4_key_cache *cache)
{
    memset(c, 0, sizeof(*c));
    if (cache == NULL) {
        if (!crypto_create(c, 0))
            return 0;
        c->owned = 1;
        return 1;
    }
    if (cache->sha256 == NULL) {
        struct crypto fresh;
        if (!crypto_create(&fresh, 1))
            return 0;
        cache->sha256 = fresh.sha256;
        cache->md_ctx = fresh.md;
        cache->hmac = fresh.hmac;
        cache->hmac_signing = fresh.hmac_signing;
    }
    c->sha256 = cache->sha256;
    c->md = cache->md_ctx;
    c->hmac = cache->hmac;
    c->hmac_signing = cache->hmac_signing;
    c->owned = 0;
    return 1;
}

/* Frees what the call created; the cache's objects stay for the next call. */
static void crypto_close(struct crypto *c)
{
    if (c->owned)
        crypto_free(c);
    memset(c, 0, sizeof(*c));
}

static int sha256(const struct crypto *c, const void *p, size_t n, unsigned char md[32])
{
    unsigned int len = 0;

    return smk__crypto.EVP_DigestInit_ex2(c->md, c->sha256, NULL) == 1 &&
           smk__crypto.EVP_DigestUpdate(c->md, n ? p : "", n) == 1 &&
           smk__crypto.EVP_DigestFinal_ex(c->md, md, &len) == 1 && len == 32;
}

/* HMAC-SHA256 with `ctx`: keyed with `key` when it is not NULL, else with
 * the key it was last given (EVP_MAC_init re-initialises it without the
 * key schedule). */
static int mac_with(EVP_MAC_CTX *ctx, const void *key, size_t key_len, const void *data,
                    size_t n, unsigned char mac[32])
{
    size_t len = 0;

    return smk__crypto.EVP_MAC_init(ctx, key, key_len, NULL) == 1 &&
           smk__crypto.EVP_MAC_update(ctx, data, n) == 1 &&
           smk__crypto.EVP_MAC_final(ctx, mac, &len, 32) == 1 && len == 32;
}

static int hmac_sha256(const struct crypto *c, const void *key, size_t key_len,
                       const void *data, size_t n, unsigned char mac[32])
{
    return mac_with(c->hmac, key, key_len, data, n, mac);
}

enum smk_err smk_sha256_hex(const void *p, size_t n, char out[65])
{
    unsigned char md[32];
    unsigned int len = 0;

    if (p == NULL && n > 0)
        return SMK_E_INVALID_ARG;
    if (smk__libcrypto_load(NULL) != SMK_OK)
        return SMK_E_CRYPTO;
    if (smk__crypto.EVP_Digest(n ? p : "", n, md, &len, smk__crypto.EVP_sha256(), NULL) != 1 ||
        len != 32)
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
    smk__wipe(ksecret, ksecret_len);
    smk__wipe(k1, sizeof(k1));
    smk__wipe(k2, sizeof(k2));
    smk__wipe(k3, sizeof(k3));
    if (ksecret != stack)
        free(ksecret);
    return rc;
}

/* Whether `cache` may hold the key for these names and this secret. */
static int cacheable(const struct smk_sigv4_key_cache *cache,
                     const struct smk_sigv4_params *params, size_t secret_len)
{
    return cache != NULL && strlen(params->region) < sizeof(cache->region) &&
           strlen(params->service) < sizeof(cache->service) &&
           secret_len <= sizeof(cache->secret);
}

/* Whether the cached key was derived for exactly these inputs. The secret
 * is compared with the stored copy in constant time (its length is not a
 * secret worth hiding: AWS secrets all have 40 bytes). */
static int cache_matches(const struct smk_sigv4_key_cache *c, const char *date8,
                         const char *region, const char *service, const char *secret,
                         size_t secret_len)
{
    return c->valid && c->secret_len == secret_len &&
           smk__crypto.CRYPTO_memcmp(c->secret, secret, secret_len) == 0 &&
           strcmp(c->date, date8) == 0 && strcmp(c->region, region) == 0 &&
           strcmp(c->service, service) == 0;
}

/* Whether HMAC contexts re-initialised without a key (EVP_MAC_init(ctx,
 * NULL, 0, NULL) after a final) compute the MAC of the key they hold, as
 * OpenSSL documents since 3.0.3; earlier 3.0 releases did not reset the
 * state. Checked against a freshly keyed computation whenever a key is
 * derived (two HMACs, once a day); where it fails the context is dropped
 * and the cached key is given again on every signature instead. */
static int reinit_keeps_key(EVP_MAC_CTX *ctx)
{
    static const unsigned char k[32] = {1, 2, 3};
    unsigned char a[32], b[32];

    return mac_with(ctx, k, sizeof(k), "x", 1, a) && mac_with(ctx, NULL, 0, "x", 1, b) &&
           memcmp(a, b, 32) == 0;
}

/* The signature of the string to sign: HMAC-SHA256 under the signing key.
 * With a usable cache the key comes from it, derived and stored first when
 * the cache holds another (replacing and wiping that one); the cache's
 * signing context keeps the key, so a hit costs one HMAC and no key
 * schedule. Without one the key is derived for this call and wiped. */
static enum smk_err sign_string(const struct crypto *c, const char *date8,
                                const struct smk_sigv4_credentials *creds,
                                const struct smk_sigv4_params *params,
                                struct smk_sigv4_key_cache *cache, const struct smk_buf *sts,
                                unsigned char mac[32])
{
    const char *secret = creds->secret_access_key;
    size_t secret_len = strlen(secret);
    unsigned char key[32];
    enum smk_err rc = SMK_OK;
    int keyed = 0; /* the signing context was just given the key */

    if (!cacheable(cache, params, secret_len)) {
        rc = derive_signing_key(c, secret, date8, params->region, params->service, key);
        if (rc == SMK_OK && !hmac_sha256(c, key, 32, sts->data, sts->len, mac))
            rc = SMK_E_CRYPTO;
        smk__wipe(key, sizeof(key));
        return rc;
    }
    if (!cache_matches(cache, date8, params->region, params->service, secret, secret_len)) {
        forget_key(cache);
        rc = derive_signing_key(c, secret, date8, params->region, params->service, key);
        if (rc == SMK_OK && cache->hmac_signing != NULL &&
            !reinit_keeps_key(cache->hmac_signing)) {
            smk__crypto.EVP_MAC_CTX_free(cache->hmac_signing);
            cache->hmac_signing = NULL;
        }
        if (rc == SMK_OK) {
            memcpy(cache->date, date8, 9);
            memcpy(cache->region, params->region, strlen(params->region) + 1);
            memcpy(cache->service, params->service, strlen(params->service) + 1);
            memcpy(cache->key, key, 32);
            memcpy(cache->secret, secret, secret_len);
            cache->secret_len = secret_len;
            cache->valid = 1;
            if (cache->hmac_signing != NULL) {
                keyed = 1;
                if (!mac_with(cache->hmac_signing, key, 32, sts->data, sts->len, mac)) {
                    forget_key(cache);
                    rc = SMK_E_CRYPTO;
                }
            }
        }
        smk__wipe(key, sizeof(key));
        if (rc != SMK_OK || keyed)
            return rc;
    }
    if (cache->hmac_signing != NULL
            ? mac_with(cache->hmac_signing, NULL, 0, sts->data, sts->len, mac)
            : hmac_sha256(c, cache->key, 32, sts->data, sts->len, mac))
        return SMK_OK;
    forget_key(cache); /* the next signature starts again from the secret */
    return SMK_E_CRYPTO;
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
    unsigned char mac[32];
    enum smk_err rc = sign_string(c, date8, creds, params, cache, &out->string_to_sign, mac);

    if (rc == SMK_OK)
        to_hex(mac, sizeof(mac), out->signature);
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
    struct crypto c;
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
    rc = smk__libcrypto_load(err); /* once per process; one check afterwards */
    if (rc != SMK_OK)
        return rc;
    rc = crypto_open(&c, cache) ? sign_validated(&c, req, creds, params, cache, out)
                                : SMK_E_CRYPTO;
    crypto_close(&c);
    if (rc != SMK_OK)
        clear_result(out);
    return report(rc, err);
}
