/*
 * Where the time of one build_request goes, measured on the C core alone
 * (libsmk, no Lua): each phase of smk_client_build_request on its own, then
 * the whole call, for the request bodies our client produced.
 *
 *   validate  smk_validate on the value tree (decoded once from the body)
 *   encode    smk_json_encode of the tree
 *   sign      smk_sigv4_sign of the body with a warm signing-key cache
 *   build     smk_client_build_request: validate + encode + sign
 *   fetch     what a sign paid when it fetched its OpenSSL algorithms each
 *             time (now once per key cache): EVP_MD_fetch + EVP_MAC_fetch +
 *             EVP_MAC_CTX_new + set params + free (no hashing), to size
 *             that overhead alone
 *
 * usage: phases NAME BODY_FILE RUNS CALLS   (NAME labels the rows)
 * prints "R phase_<phase>_NAME v1 .. vRUNS" (per-call microseconds, median
 * of 100-call batches per run).
 */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "smk/client.h"
#include "smk/json.h"
#include "smk/model.h"
#include "smk/sigv4.h"
#include "smk/value.h"

#include "benchutil.h"

#define BATCH 100

static const struct smk_operation *op;
static struct smk_client *client;
static struct smk_value tree;
static struct smk_arena tree_arena, arena;
static struct smk_buf out;
static struct smk_request request;
static struct smk_sigv4_key_cache cache;
static struct smk_sigv4_result result;
static const char *body;
static size_t body_len;

static void fail(const char *what, const struct smk_error *err)
{
    fprintf(stderr, "phases: %s failed: %s\n", what, err ? err->message : "");
    exit(1);
}

static void do_validate(void)
{
    struct smk_issues issues;
    struct smk_error err;

    smk_arena_reset(&arena);
    smk_issues_init(&issues);
    if (smk_validate(op, &tree, &arena, &issues, &err) != SMK_OK)
        fail("smk_validate", &err);
}

static void do_encode(void)
{
    struct smk_error err;

    smk_buf_reset(&out);
    if (smk_json_encode(&tree, &out, &err) != SMK_OK)
        fail("smk_json_encode", &err);
}

static void do_sign(void)
{
    static const struct smk_sigv4_credentials creds = {
        "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL};
    static const struct smk_sigv4_params params = {"us-east-1", "sagemaker", 1700000000, 0};
    static const struct smk_header headers[] = {
        {"host", 4, "api.sagemaker.us-east-1.amazonaws.com", 37},
        {"content-type", 12, "application/x-amz-json-1.1", 26},
        {"x-amz-target", 12, "SageMaker.CreateAutoMLJob", 25},
    };
    struct smk_sigv4_request req = {"POST", "/", NULL, headers, 3, body, body_len};
    struct smk_error err;

    if (smk_sigv4_sign(&req, &creds, &params, &cache, &result, &err) != SMK_OK)
        fail("smk_sigv4_sign", &err);
}

static void do_build(void)
{
    struct smk_issues issues;
    struct smk_error err;

    smk_arena_reset(&arena);
    smk_issues_init(&issues);
    if (smk_client_build_request(client, op, &tree, 1700000000, &arena, &issues, &request, &err) !=
        SMK_OK)
        fail("smk_client_build_request", &err);
}

static void do_fetch(void)
{
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);

    EVP_MAC_free(mac);
    if (md == NULL || ctx == NULL || EVP_MAC_CTX_set_params(ctx, params) != 1)
        fail("OpenSSL fetch", NULL);
    EVP_MAC_CTX_free(ctx);
    EVP_MD_free(md);
}

static void measure(const char *phase, const char *name, void (*f)(void), int runs, int calls)
{
    int batches = calls / BATCH < 1 ? 1 : calls / BATCH;
    double *b = malloc(sizeof(double) * (size_t)batches);
    int r, i, k;

    if (b == NULL)
        fail("malloc", NULL);
    for (i = 0; i < 1000; i++)
        f();
    printf("R phase_%s_%s", phase, name);
    for (r = 0; r < runs; r++) {
        for (k = 0; k < batches; k++) {
            double t0 = bench_now();
            for (i = 0; i < BATCH; i++)
                f();
            b[k] = (bench_now() - t0) * 1e6 / BATCH;
        }
        printf(" %.4f", bench_median(b, (size_t)batches));
    }
    printf("\n");
    fflush(stdout);
    free(b);
}

int main(int argc, char **argv)
{
    struct smk_client_config cfg;
    struct smk_error err;
    int runs, calls;

    if (argc != 5) {
        fprintf(stderr, "usage: phases NAME BODY_FILE RUNS CALLS\n");
        return 2;
    }
    runs = atoi(argv[3]);
    calls = atoi(argv[4]);
    body = bench_slurp(argv[2], &body_len);
    op = smk_operation_find("CreateAutoMLJob");
    if (op == NULL)
        fail("smk_operation_find", NULL);
    smk_arena_init(&tree_arena, 0);
    smk_arena_init(&arena, 0);
    smk_buf_init(&out, 1u << 24);
    smk_request_init(&request);
    smk_sigv4_key_cache_init(&cache);
    smk_sigv4_result_init(&result);
    if (smk_json_decode(body, body_len, 64, &tree_arena, &tree, &err) != SMK_OK)
        fail("smk_json_decode", &err);
    memset(&cfg, 0, sizeof(cfg));
    cfg.region = "us-east-1";
    cfg.credentials.access_key_id = "AKIDEXAMPLE";
    cfg.credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    cfg.validate = 1;
    if (smk_client_new(&cfg, &client, &err) != SMK_OK)
        fail("smk_client_new", &err);

    measure("validate", argv[1], do_validate, runs, calls);
    measure("encode", argv[1], do_encode, runs, calls);
    measure("sign", argv[1], do_sign, runs, calls);
    measure("build", argv[1], do_build, runs, calls);
    measure("fetch", argv[1], do_fetch, runs, calls);

    smk_client_free(client);
    smk_request_cleanup(&request);
    smk_sigv4_result_cleanup(&result);
    smk_sigv4_key_cache_cleanup(&cache);
    smk_buf_cleanup(&out);
    smk_arena_cleanup(&arena);
    smk_arena_cleanup(&tree_arena);
    return 0;
}
