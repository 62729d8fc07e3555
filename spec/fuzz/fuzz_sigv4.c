/*
 * libFuzzer target: SigV4 signing of arbitrary requests.
 *
 * Input layout:
 *   byte 0   flags: low 4 bits SMK_SIGV4_* flags, bit 4 session token,
 *            bit 5 fuzzed region, bit 6 fuzzed service
 *   byte 1   signing time (index into a table; 0xFF: the next 8 bytes)
 *   then     method, path, query (each a length byte and bytes; length 0xFF
 *            means NULL), [region], [service], a header count (0..15), each
 *            header's name and value (length byte and bytes)
 *   rest     body
 *
 * Checks (abort = a finding): SMK_OK, SMK_E_INVALID_ARG or SMK_E_NOMEM only;
 * on success the date, hashes and Authorization header are well formed, the
 * signed headers are lowercase, sorted, unique and include host-independent
 * x-amz-date but none of the never-signed ones; signing again (with a warm
 * cache, and without a cache) gives the same signature; on failure the
 * result is left empty. No leak, no ASan/UBSan report.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "smk/sigv4.h"
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_HEADERS 15

/* A length-prefixed string copied into `dst` (cap 256); NULL for 0xFF. */
static const char *read_str(struct fz_reader *in, char *dst, size_t *len)
{
    uint8_t n = fz_byte(in);
    size_t got;
    const uint8_t *p;

    if (n == 0xFF) {
        *len = 0;
        return NULL;
    }
    p = fz_bytes(in, n, &got);
    memcpy(dst, p, got);
    dst[got] = '\0';
    *len = got;
    return dst;
}

static int is_hex(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[n] == '\0';
}

static void check_signed_headers(const char *sh)
{
    static const char *const never[] = {"authorization", "user-agent", "x-amzn-trace-id",
                                        "connection", "expect", "keep-alive",
                                        "proxy-authorization", "te", "transfer-encoding",
                                        "upgrade"};
    const char *p = sh, *prev = NULL;
    size_t prev_len = 0, i;
    int has_date = 0;

    FZ_REQUIRE(*sh != '\0', "no signed headers");
    while (*p) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);

        FZ_REQUIRE(n > 0, "empty signed header name");
        for (i = 0; i < n; i++)
            FZ_REQUIRE(!(p[i] >= 'A' && p[i] <= 'Z'), "signed header name not lowercase");
        if (prev) {
            size_t m = prev_len < n ? prev_len : n;
            int c = memcmp(prev, p, m);
            FZ_REQUIRE(c < 0 || (c == 0 && prev_len < n), "signed headers not sorted/unique");
        }
        if (n == 10 && memcmp(p, "x-amz-date", 10) == 0)
            has_date = 1;
        for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
            FZ_REQUIRE(!(strlen(never[i]) == n && memcmp(p, never[i], n) == 0),
                       "a never-signed header was signed");
        prev = p;
        prev_len = n;
        p += n;
        if (*p == ';')
            p++;
    }
    FZ_REQUIRE(has_date, "x-amz-date not signed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t times[] = {1440938160, 0, 1700000000, 253402300799, 253402300800,
                                    -62167219200, -62167219201, INT64_MAX, INT64_MIN, -1};
    static char strs[5][256], names[MAX_HEADERS][256], values[MAX_HEADERS][256];
    struct fz_reader in = {data, size};
    struct smk_header headers[MAX_HEADERS];
    struct smk_sigv4_request req;
    struct smk_sigv4_credentials creds = {"AKIDEXAMPLE",
                                          "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL};
    struct smk_sigv4_params params = {"us-east-1", "sagemaker", 0, 0};
    struct smk_sigv4_key_cache cache;
    struct smk_sigv4_result out, again;
    struct smk_error err;
    char sig[65], auth[2048], expect[65], prefix[512];
    uint8_t flags, t;
    size_t len, n, i;
    enum smk_err rc;
    int secret_in_input; /* then the caller put it there (a header name, region, ...) */

    if (size < 2)
        return 0;
    secret_in_input = fz_contains(data, size, creds.secret_access_key);
    flags = fz_byte(&in);
    t = fz_byte(&in);
    params.flags = flags & 0x0F;
    params.time = t == 0xFF ? (int64_t)fz_u64(&in) : times[t % (sizeof(times) / sizeof(times[0]))];
    if (flags & 0x10)
        creds.session_token = "FQoGZXIvYXdzEXAMPLE";
    memset(&req, 0, sizeof(req));
    req.method = read_str(&in, strs[0], &len);
    req.path = read_str(&in, strs[1], &len);
    req.query = read_str(&in, strs[2], &len);
    if (flags & 0x20)
        params.region = read_str(&in, strs[3], &len);
    if (flags & 0x40)
        params.service = read_str(&in, strs[4], &len);
    n = fz_byte(&in) % (MAX_HEADERS + 1);
    for (i = 0; i < n; i++) {
        headers[i].name = read_str(&in, names[i], &headers[i].name_len);
        headers[i].value = read_str(&in, values[i], &headers[i].value_len);
        if (headers[i].name == NULL)
            headers[i].name = "";
        if (headers[i].value == NULL)
            headers[i].value = "";
    }
    req.headers = headers;
    req.n_headers = n;
    req.body = fz_bytes(&in, fz_left(&in), &req.body_len);

    smk_sigv4_key_cache_init(&cache);
    smk_sigv4_result_init(&out);
    smk_sigv4_result_init(&again);
    smk_error_clear(&err);
    rc = smk_sigv4_sign(&req, &creds, &params, &cache, &out, &err);
    FZ_REQUIRE(rc == SMK_OK || rc == SMK_E_INVALID_ARG || rc == SMK_E_NOMEM,
               "smk_sigv4_sign: undocumented error");
    if (rc != SMK_OK) {
        FZ_REQUIRE(err.code == rc && err.message[0] != '\0', "error record");
        FZ_REQUIRE(out.authorization.len == 0 && out.signature[0] == '\0',
                   "a failed signing left a result");
        FZ_REQUIRE(secret_in_input || strstr(err.message, creds.secret_access_key) == NULL,
                   "secret in a message");
        goto done;
    }
    FZ_REQUIRE(strlen(out.amz_date) == 16 && out.amz_date[8] == 'T' && out.amz_date[15] == 'Z',
               "x-amz-date format");
    FZ_REQUIRE(is_hex(out.signature, 64), "signature is not 64 hex digits");
    FZ_REQUIRE(is_hex(out.content_sha256, 64), "content hash is not 64 hex digits");
    FZ_REQUIRE(smk_sha256_hex(req.body, req.body_len, expect) == SMK_OK &&
                   strcmp(expect, out.content_sha256) == 0,
               "content hash is not the body's SHA-256");
    check_signed_headers(smk_buf_cstr(&out.signed_headers));
    snprintf(prefix, sizeof(prefix), "AWS4-HMAC-SHA256 Credential=%s/%.8s/%s/%s/aws4_request, ",
             creds.access_key_id, out.amz_date, params.region ? params.region : "(null)",
             params.service ? params.service : "(null)");
    FZ_REQUIRE(strncmp(smk_buf_cstr(&out.authorization), prefix, strlen(prefix)) == 0,
               "Authorization credential scope");
    FZ_REQUIRE(strstr(smk_buf_cstr(&out.authorization), out.signature) != NULL,
               "Authorization lacks the signature");
    FZ_REQUIRE(secret_in_input ||
                   strstr(smk_buf_cstr(&out.authorization), creds.secret_access_key) == NULL,
               "secret in the Authorization header");

    memcpy(sig, out.signature, sizeof(sig));
    snprintf(auth, sizeof(auth), "%s", smk_buf_cstr(&out.authorization));
    rc = smk_sigv4_sign(&req, &creds, &params, &cache, &again, &err); /* warm cache */
    FZ_REQUIRE(rc == SMK_OK && strcmp(again.signature, sig) == 0, "not deterministic (cache)");
    rc = smk_sigv4_sign(&req, &creds, &params, NULL, &again, &err);
    FZ_REQUIRE(rc == SMK_OK && strcmp(again.signature, sig) == 0, "not deterministic (no cache)");
    FZ_REQUIRE(strcmp(smk_buf_cstr(&again.authorization), auth) == 0 || strlen(auth) >= 2047,
               "Authorization not deterministic");
done:
    smk_sigv4_result_cleanup(&out);
    smk_sigv4_result_cleanup(&again);
    smk_sigv4_key_cache_cleanup(&cache);
    return 0;
}
