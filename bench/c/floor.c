/*
 * The physical floor of one signed request: the cryptography SigV4 cannot
 * avoid, at OpenSSL's speed, for the exact bytes our client produced.
 *
 *   SHA-256 of the body (hex) -> completes the canonical request
 *   SHA-256 of the canonical request (hex) -> completes the string to sign
 *   HMAC-SHA256(signing key, string to sign) (hex) = the signature
 *
 * The signing key is derived once (as a signing-key cache does). Digest and
 * MAC contexts are fetched once and reused, the fastest OpenSSL 3 usage.
 * Before timing, the signature is computed once and compared with the one
 * our client sent: the floor does the same work, not something similar.
 *
 * usage: floor NAME BODY_FILE CANON_PREFIX_FILE AMZ_DATE SCOPE SECRET EXPECTED_SIG RUNS CALLS
 * prints: "I floor_check_NAME ok|MISMATCH", "I floor_sizes_NAME BODY CANON",
 *         "R floor_NAME v1 .. vRUNS" (per-call microseconds, median of 100-call
 *         batches per run), "R floor_sha_body_NAME ..", "R floor_sha_canon_NAME ..",
 *         "R floor_hmac_NAME .."
 */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "benchutil.h"

#define BATCH 100

static EVP_MD_CTX *md_ctx;
static EVP_MD *sha256;
static EVP_MAC_CTX *mac_ctx;

static void die(const char *what)
{
    fprintf(stderr, "floor: %s failed\n", what);
    exit(2);
}

static void hex(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
}

static void sha(const void *p, size_t n, unsigned char out[32])
{
    unsigned int len = 32;

    if (EVP_DigestInit_ex2(md_ctx, sha256, NULL) != 1 || EVP_DigestUpdate(md_ctx, p, n) != 1 ||
        EVP_DigestFinal_ex(md_ctx, out, &len) != 1)
        die("sha256");
}

static void hmac(const unsigned char *key, size_t key_len, const void *p, size_t n,
                 unsigned char out[32])
{
    size_t len = 0;

    if (EVP_MAC_init(mac_ctx, key, key_len, NULL) != 1 || EVP_MAC_update(mac_ctx, p, n) != 1 ||
        EVP_MAC_final(mac_ctx, out, &len, 32) != 1)
        die("hmac");
}

struct work {
    const char *body;
    size_t body_len;
    char *canon; /* prefix, then room for the 64 hex digits */
    size_t prefix_len;
    char *sts; /* "AWS4-HMAC-SHA256\n<date>\n<scope>\n", then 64 hex digits */
    size_t sts_prefix_len;
    unsigned char key[32];
    char signature[65];
};

/* One request's unavoidable work. `part`: 0 all, 1 body hash, 2 canonical hash, 3 HMAC. */
static void one(struct work *w, int part)
{
    unsigned char d[32];

    if (part == 0 || part == 1) {
        sha(w->body, w->body_len, d);
        hex(d, 32, w->canon + w->prefix_len);
    }
    if (part == 0 || part == 2) {
        sha(w->canon, w->prefix_len + 64, d);
        hex(d, 32, w->sts + w->sts_prefix_len);
    }
    if (part == 0 || part == 3) {
        hmac(w->key, 32, w->sts, w->sts_prefix_len + 64, d);
        hex(d, 32, w->signature);
    }
}

static void measure(struct work *w, int part, const char *what, const char *name, int runs,
                    int calls)
{
    int batches = calls / BATCH < 1 ? 1 : calls / BATCH;
    double *b = malloc(sizeof(double) * (size_t)batches);
    int r, i, k;

    if (b == NULL)
        die("malloc");
    for (i = 0; i < 2000; i++) /* warm up */
        one(w, part);
    printf("R %s_%s", what, name);
    for (r = 0; r < runs; r++) {
        for (k = 0; k < batches; k++) {
            double t0 = bench_now();
            for (i = 0; i < BATCH; i++)
                one(w, part);
            b[k] = (bench_now() - t0) * 1e6 / BATCH;
        }
        printf(" %.4f", bench_median(b, (size_t)batches));
    }
    printf("\n");
    free(b);
}

int main(int argc, char **argv)
{
    struct work w;
    OSSL_PARAM params[2];
    EVP_MAC *mac;
    unsigned char k[32];
    char *prefix, *ksecret;
    const char *name;
    size_t plen;
    int runs, calls;

    if (argc != 10) {
        fprintf(stderr, "usage: floor NAME BODY CANON_PREFIX AMZ_DATE SCOPE SECRET SIG RUNS CALLS\n");
        return 2;
    }
    name = argv[1];
    argv++;
    runs = atoi(argv[7]);
    calls = atoi(argv[8]);
    sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    md_ctx = EVP_MD_CTX_new();
    mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (sha256 == NULL || md_ctx == NULL || mac == NULL || (mac_ctx = EVP_MAC_CTX_new(mac)) == NULL)
        die("OpenSSL fetch");
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_MAC_CTX_set_params(mac_ctx, params) != 1)
        die("HMAC digest");

    memset(&w, 0, sizeof(w));
    w.body = bench_slurp(argv[1], &w.body_len);
    prefix = bench_slurp(argv[2], &plen);
    w.prefix_len = plen;
    w.canon = malloc(plen + 65);
    w.sts = malloc(strlen(argv[3]) + strlen(argv[4]) + 100);
    if (w.canon == NULL || w.sts == NULL)
        die("malloc");
    memcpy(w.canon, prefix, plen);
    w.sts_prefix_len = (size_t)sprintf(w.sts, "AWS4-HMAC-SHA256\n%s\n%s\n", argv[3], argv[4]);

    /* The signing key: HMAC chain over date, region, service, "aws4_request". */
    {
        char date[9], region[64], service[64];
        size_t slen = strlen(argv[5]) + 5;

        if (sscanf(argv[4], "%8[0-9]/%63[^/]/%63[^/]/aws4_request", date, region, service) != 3)
            die("scope parse");
        ksecret = malloc(slen);
        if (ksecret == NULL)
            die("malloc");
        snprintf(ksecret, slen, "AWS4%s", argv[5]);
        hmac((unsigned char *)ksecret, strlen(ksecret), date, strlen(date), k);
        hmac(k, 32, region, strlen(region), k);
        hmac(k, 32, service, strlen(service), k);
        hmac(k, 32, "aws4_request", 12, w.key);
    }
    one(&w, 0);
    w.signature[64] = '\0';
    printf("I floor_check_%s %s\n", name, strcmp(w.signature, argv[6]) == 0 ? "ok" : "MISMATCH");
    printf("I floor_sizes_%s %zu %zu\n", name, w.body_len, w.prefix_len + 64);
    fflush(stdout);

    measure(&w, 0, "floor", name, runs, calls);
    measure(&w, 1, "floor_sha_body", name, runs, calls);
    measure(&w, 2, "floor_sha_canon", name, runs, calls);
    measure(&w, 3, "floor_hmac", name, runs, calls);
    return 0;
}
