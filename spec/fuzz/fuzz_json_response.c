/*
 * libFuzzer target: service responses.
 *
 * Input layout:
 *   byte 0   HTTP status (index into a table of interesting statuses, or
 *            with the high bit set, (byte & 0x7f) * 8 spread over 0..1016)
 *   byte 1   max_depth for smk_json_decode (0..79)
 *   byte 2   flags: bit 0 x-amzn-ErrorType header, bit 1 x-amzn-RequestId
 *            header, bit 2 header names in upper case, bit 3 a Content-Type
 *   then     for each header present: a length byte and that many bytes
 *   rest     the response body
 *
 * Checks (abort = a finding):
 *   - smk_json_decode: SMK_OK or SMK_E_JSON only (with an error message);
 *     on success the tree is well formed, no deeper than max_depth, and
 *     decoding with a larger limit gives the same tree; on failure *out is
 *     NULL. Deterministic.
 *   - encode(decode(x)) succeeds, is UTF-8, decodes back to the same tree
 *     (numbers by value), and encoding that again gives the same text.
 *   - smk_client_parse_response: 2xx gives SMK_OK with a MAP, or SMK_E_JSON
 *     with the status and request id recorded; anything else gives
 *     SMK_E_SERVICE with a non-empty code free of ':' and '#', and the status
 *     and request id recorded. smk_aws_json_parse_error agrees and never
 *     fails, also with a NULL body or header.
 *   - no leak, no ASan/UBSan report.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smk/client.h"
#include "smk/json.h"
#include "smk/transport.h"
#include "support.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ARENA_MAX (64u << 20)
#define BODY_MAX (16u << 20)
#define DEEP 100000 /* "no limit" for comparisons (jansson stops at 2048) */

static struct smk_client *client;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct smk_client_config cfg;
    struct smk_error err;

    (void)argc, (void)argv;
    memset(&cfg, 0, sizeof(cfg));
    cfg.region = "us-east-1";
    cfg.credentials.access_key_id = "AKIDEXAMPLE";
    cfg.credentials.secret_access_key = "secret";
    cfg.transport = fz_null_transport();
    smk_error_clear(&err);
    if (smk_client_new(&cfg, &client, &err) != SMK_OK) {
        fprintf(stderr, "fuzz_json_response: smk_client_new: %s\n", err.message);
        abort();
    }
    return 0;
}

/* A record's strings are NUL-terminated inside their arrays. */
static void check_record(const struct smk_error *err)
{
    FZ_REQUIRE(memchr(err->type, '\0', sizeof(err->type)) != NULL, "type not terminated");
    FZ_REQUIRE(memchr(err->message, '\0', sizeof(err->message)) != NULL,
               "message not terminated");
    FZ_REQUIRE(memchr(err->request_id, '\0', sizeof(err->request_id)) != NULL,
               "request id not terminated");
}

static void check_service_code(const struct smk_error *err, int status)
{
    char expect[32];
    size_t n = strlen(err->type);

    FZ_REQUIRE(err->code == SMK_E_SERVICE, "error record code");
    FZ_REQUIRE(err->http_status == status, "error record status");
    FZ_REQUIRE(n > 0, "empty error code");
    snprintf(expect, sizeof(expect), "HTTP%d", status);
    if (strcmp(err->type, expect) == 0 || strcmp(err->type, "UnknownError") == 0)
        return;
    FZ_REQUIRE(strchr(err->type, ':') == NULL, "error code keeps a ':' suffix");
    FZ_REQUIRE(strchr(err->type, '#') == NULL, "error code keeps a namespace");
    FZ_REQUIRE(err->type[0] != ' ' && err->type[0] != '\t', "error code not trimmed");
    if (n >= sizeof(err->type) - 4)
        return; /* cut to fit (at most 3 bytes before the end): may end anywhere */
    FZ_REQUIRE(err->type[n - 1] != ' ' && err->type[n - 1] != '\t' && err->type[n - 1] != '\r' &&
                   err->type[n - 1] != '\n',
               "error code not trimmed");
}

static void check_decode(const char *body, size_t len, size_t max_depth)
{
    struct smk_arena a, b;
    struct smk_value v, deep, back, again;
    struct smk_buf text, text2;
    struct smk_error err;
    enum smk_err rc;

    smk_arena_init(&a, ARENA_MAX);
    smk_arena_init(&b, ARENA_MAX);
    smk_error_clear(&err);
    rc = smk_json_decode(body, len, max_depth, &a, &v, &err);
    FZ_REQUIRE(rc == SMK_OK || rc == SMK_E_JSON || rc == SMK_E_NOMEM,
               "smk_json_decode: undocumented error");
    if (rc != SMK_OK) {
        FZ_REQUIRE(v.kind == SMK_VALUE_NULL, "failed decode left a value");
        FZ_REQUIRE(err.code == rc && err.message[0] != '\0', "decode error record");
    }
    /* The same document without a depth limit. */
    smk_error_clear(&err);
    if (smk_json_decode(body, len, DEEP, &b, &deep, &err) == SMK_OK) {
        size_t depth = fz_value_depth(&deep);
        fz_check_tree(&deep);
        if (depth <= max_depth)
            FZ_REQUIRE(rc == SMK_OK, "a document within the depth limit was refused");
        else
            FZ_REQUIRE(rc == SMK_E_JSON, "a document over the depth limit was accepted");
    } else {
        FZ_REQUIRE(rc != SMK_OK, "decoding depends on the depth limit beyond the depth");
    }
    if (rc != SMK_OK)
        goto out;
    fz_check_tree(&v);
    FZ_REQUIRE(fz_value_depth(&v) <= max_depth, "decoded tree deeper than the limit");
    FZ_REQUIRE(fz_value_equal(&v, &deep), "the depth limit changed the tree");

    /* Round trip: encode, decode, encode again. */
    smk_buf_init(&text, BODY_MAX * 4);
    smk_buf_init(&text2, BODY_MAX * 4);
    smk_error_clear(&err);
    rc = smk_json_encode(&v, &text, &err);
    /* Decoded numbers are finite, strings UTF-8; only nesting beyond the
     * encoder's 64 levels can fail. */
    FZ_REQUIRE(rc == SMK_OK || (rc == SMK_E_INVALID_ARG && fz_value_depth(&v) > 64),
               "a decoded document could not be encoded");
    if (rc == SMK_OK) {
        FZ_REQUIRE(fz_utf8_valid(smk_buf_cstr(&text), text.len), "encoded JSON is not UTF-8");
        smk_arena_reset(&b);
        rc = smk_json_decode(smk_buf_cstr(&text), text.len, DEEP, &b, &back, &err);
        FZ_REQUIRE(rc == SMK_OK, "encoded JSON does not decode");
        FZ_REQUIRE(fz_value_equal(&v, &back), "JSON round trip changed the tree");
        rc = smk_json_encode(&back, &text2, &err);
        FZ_REQUIRE(rc == SMK_OK, "re-encoding failed");
        rc = smk_json_decode(smk_buf_cstr(&text2), text2.len, DEEP, &b, &again, &err);
        FZ_REQUIRE(rc == SMK_OK && fz_value_equal(&back, &again), "second round trip");
    }
    smk_buf_cleanup(&text);
    smk_buf_cleanup(&text2);
out:
    smk_arena_cleanup(&a);
    smk_arena_cleanup(&b);
}

static void check_parse_response(int status, const char *errortype, const char *request_id,
                                 int upper, const char *content_type, const char *body,
                                 size_t len)
{
    struct smk_http_response resp;
    struct smk_arena arena;
    struct smk_value out;
    struct smk_error err, direct;
    enum smk_err rc;

    smk_http_response_init(&resp, BODY_MAX);
    resp.status = status;
    if (errortype)
        smk_http_response_header(&resp, upper ? "X-AMZN-ERRORTYPE" : "x-amzn-ErrorType", 16,
                                 errortype, strlen(errortype));
    if (request_id)
        smk_http_response_header(&resp, upper ? "X-AMZN-REQUESTID" : "x-amzn-RequestId", 16,
                                 request_id, strlen(request_id));
    if (content_type)
        smk_http_response_header(&resp, "Content-Type", 12, content_type, strlen(content_type));
    if (len > 0 && smk_buf_append(&resp.body, body, len) != SMK_OK) {
        smk_http_response_cleanup(&resp);
        return;
    }
    smk_arena_init(&arena, ARENA_MAX);
    smk_error_clear(&err);
    rc = smk_client_parse_response(client, &resp, &arena, &out, &err);
    check_record(&err);
    if (status >= 200 && status < 300) {
        FZ_REQUIRE(rc == SMK_OK || rc == SMK_E_JSON || rc == SMK_E_NOMEM,
                   "2xx: undocumented error");
        if (rc == SMK_OK) {
            FZ_REQUIRE(out.kind == SMK_VALUE_MAP, "2xx result is not a map");
            fz_check_tree(&out);
        } else if (rc == SMK_E_JSON) {
            FZ_REQUIRE(err.http_status == status, "2xx JSON error without the status");
            FZ_REQUIRE(strcmp(err.request_id, resp.request_id) == 0,
                       "2xx JSON error without the request id");
        }
    } else {
        FZ_REQUIRE(rc == SMK_E_SERVICE, "non-2xx is not a service error");
        check_service_code(&err, status);
        FZ_REQUIRE(strcmp(err.request_id, resp.request_id) == 0, "request id not recorded");
        FZ_REQUIRE(err.retryable == 0 || err.retryable == 1, "retryable is not a flag");
        /* The parser alone agrees on code and message, deterministically. */
        smk_error_clear(&direct);
        smk_aws_json_parse_error(status, resp.error_type[0] ? resp.error_type : NULL,
                                 resp.body.data, resp.body.len, &direct);
        check_record(&direct);
        FZ_REQUIRE(strcmp(direct.type, err.type) == 0, "error code differs");
        FZ_REQUIRE(strcmp(direct.message, err.message) == 0, "error message differs");
        FZ_REQUIRE(fz_utf8_valid(direct.message, strlen(direct.message)),
                   "error message from the body is not UTF-8");
    }
    /* NULL body / header and a NULL record are accepted. */
    smk_aws_json_parse_error(status, NULL, NULL, 0, &direct);
    check_service_code(&direct, status);
    smk_aws_json_parse_error(status, errortype, body, len, NULL);
    smk_arena_cleanup(&arena);
    smk_http_response_cleanup(&resp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int statuses[] = {200, 201, 204, 299, 300, 400, 403, 404, 408, 413, 429, 500,
                                   502, 503, 504, 0, -1, 199, 100, 999, 2147483647, -2147483647 - 1};
    struct fz_reader in = {data, size};
    char errortype[256], request_id[256], content_type[256];
    uint8_t s, depth, flags;
    int status;
    const uint8_t *body;
    size_t len;

    if (size < 3)
        return 0;
    s = fz_byte(&in);
    depth = fz_byte(&in) % 80;
    flags = fz_byte(&in);
    status = (s & 0x80) ? (s & 0x7f) * 8 : statuses[s % (sizeof(statuses) / sizeof(statuses[0]))];
    if (flags & 1) {
        body = fz_bytes(&in, fz_byte(&in), &len);
        memcpy(errortype, body, len);
        errortype[len] = '\0';
    }
    if (flags & 2) {
        body = fz_bytes(&in, fz_byte(&in), &len);
        memcpy(request_id, body, len);
        request_id[len] = '\0';
    }
    if (flags & 8) {
        body = fz_bytes(&in, fz_byte(&in), &len);
        memcpy(content_type, body, len);
        content_type[len] = '\0';
    }
    body = fz_bytes(&in, fz_left(&in), &len);

    check_decode((const char *)body, len, depth);
    check_parse_response(status, (flags & 1) ? errortype : NULL, (flags & 2) ? request_id : NULL,
                         (flags & 4) != 0, (flags & 8) ? content_type : NULL, (const char *)body,
                         len);
    return 0;
}
