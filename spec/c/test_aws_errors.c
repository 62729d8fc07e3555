/*
 * awsJson1.1 error-response parsing (smk_aws_json_parse_error): every case of
 * the Smithy protocol tests in $SMK_SHARED_DIR/conformance/awsjson1_1-errors.json,
 * then our own edge cases.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "harness.h"
#include "smk/json.h"

#ifndef SMK_SHARED_DIR
#define SMK_SHARED_DIR "../shared"
#endif

static struct smk_error err;

static void parse(int status, const char *header, const char *body)
{
    smk_error_clear(&err);
    smk_aws_json_parse_error(status, header, body, body ? strlen(body) : 0, &err);
}

/* ---- Smithy conformance ------------------------------------------------- */

static const char *find_header(json_t *headers, const char *name)
{
    const char *key;
    json_t *value;

    json_object_foreach(headers, key, value) {
        if (strcasecmp(key, name) == 0 && json_is_string(value))
            return json_string_value(value);
    }
    return NULL;
}

static void run_conformance(void)
{
    const char *dir = getenv("SMK_SHARED_DIR");
    char path[4096];
    json_error_t jerr;
    json_t *root, *tests, *t;
    size_t i;
    FILE *f;

    if (dir == NULL || dir[0] == '\0')
        dir = SMK_SHARED_DIR;
    snprintf(path, sizeof(path), "%s/conformance/awsjson1_1-errors.json", dir);
    f = fopen(path, "rb");
    if (f == NULL) {
        char why[4200];
        snprintf(why, sizeof(why),
                 "Smithy awsJson1_1 error conformance NOT RUN: %s is missing "
                 "(set SMK_SHARED_DIR)", path);
        harness_skip(why);
        return;
    }
    root = json_loadf(f, 0, &jerr);
    fclose(f);
    tests = json_object_get(root, "tests");
    if (root == NULL || !json_is_array(tests) || json_array_size(tests) == 0) {
        fprintf(stderr, "%s: unreadable or empty (%s)\n", path, root ? "no tests" : jerr.text);
        harness_case_failed = 1;
        harness_end_case("conformance file");
        json_decref(root);
        return;
    }
    json_array_foreach(tests, i, t) {
        const char *id = json_string_value(json_object_get(t, "id"));
        const char *shape = json_string_value(json_object_get(t, "error_shape"));
        json_t *status = json_object_get(t, "status"), *body = json_object_get(t, "body");
        json_t *msg = json_object_get(t, "expected_message");
        const char *header = find_header(json_object_get(t, "headers"), "X-Amzn-Errortype");

        CHECK(id != NULL && shape != NULL && json_is_integer(status));
        smk_error_clear(&err);
        smk_aws_json_parse_error((int)json_integer_value(status), header,
                                 json_is_string(body) ? json_string_value(body) : NULL,
                                 json_is_string(body) ? json_string_length(body) : 0, &err);
        CHECK(err.code == SMK_E_SERVICE);
        CHECK(err.http_status == (int)json_integer_value(status));
        CHECK(err.retryable == 0);
        CHECK_STR(err.type, shape);
        if (json_is_string(msg))
            CHECK_STR(err.message, json_string_value(msg));
        harness_end_case(id ? id : "conformance case without id");
    }
    json_decref(root);
}

/* ---- own cases ---------------------------------------------------------- */

static void non_json_body(void)
{
    parse(502, NULL, "<html><body>502 Bad Gateway</body></html>");
    CHECK(err.code == SMK_E_SERVICE);
    CHECK(err.http_status == 502);
    CHECK_STR(err.type, "HTTP502");
    CHECK_STR(err.message, "");

    parse(503, "ServiceUnavailable", "Service Unavailable");
    CHECK_STR(err.type, "ServiceUnavailable");

    parse(0, NULL, NULL);
    CHECK_STR(err.type, "UnknownError");
    CHECK(err.code == SMK_E_SERVICE);

    /* A JSON body that is not an object contributes nothing. */
    parse(400, NULL, "[{\"__type\":\"X\",\"message\":\"m\"}]");
    CHECK_STR(err.type, "HTTP400");
    CHECK_STR(err.message, "");
    parse(400, NULL, "\"ThrottlingException\"");
    CHECK_STR(err.type, "HTTP400");
}

static void empty_body_with_header(void)
{
    parse(400, "ThrottlingException", "");
    CHECK_STR(err.type, "ThrottlingException");
    CHECK_STR(err.message, "");
    smk_error_clear(&err);
    smk_aws_json_parse_error(429, "ThrottlingException", NULL, 0, &err);
    CHECK_STR(err.type, "ThrottlingException");
    CHECK(err.http_status == 429);
}

static void message_precedence(void)
{
    parse(400, NULL, "{\"__type\":\"ResourceInUse\",\"Message\":\"upper\",\"message\":\"lower\"}");
    CHECK_STR(err.type, "ResourceInUse");
    CHECK_STR(err.message, "lower");
    parse(400, NULL, "{\"__type\":\"ResourceInUse\",\"message\":\"lower\",\"Message\":\"upper\"}");
    CHECK_STR(err.message, "lower");
    parse(400, NULL, "{\"__type\":\"ResourceInUse\",\"message\":5,\"Message\":\"upper\"}");
    CHECK_STR(err.message, "upper");
    parse(400, NULL, "{\"__type\":\"ResourceInUse\",\"message\":null,\"Message\":[\"x\"]}");
    CHECK_STR(err.message, "");
    parse(400, NULL, "{\"__type\":\"ResourceInUse\",\"MESSAGE\":\"no\"}");
    CHECK_STR(err.message, "");
    parse(400, NULL, "{\"message\":\"Job churn already exists\"}");
    CHECK_STR(err.type, "HTTP400");
    CHECK_STR(err.message, "Job churn already exists");
}

static void header_name_and_url(void)
{
    parse(400, "ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/",
          "{\"message\":\"bad\"}");
    CHECK_STR(err.type, "ValidationException");
    CHECK_STR(err.message, "bad");
    parse(400, "ValidationException:", NULL);
    CHECK_STR(err.type, "ValidationException");
}

static void header_with_namespace(void)
{
    parse(400, "com.amazonaws.sagemaker#ResourceLimitExceeded", "");
    CHECK_STR(err.type, "ResourceLimitExceeded");
    parse(400, "a#b#ResourceInUse:x#y", "");
    CHECK_STR(err.type, "ResourceInUse");
    parse(400, "  ResourceNotFound ", "");
    CHECK_STR(err.type, "ResourceNotFound");
}

static void source_precedence(void)
{
    /* Header over body. */
    parse(400, "FromHeader", "{\"code\":\"FromCode\",\"__type\":\"FromType\"}");
    CHECK_STR(err.type, "FromHeader");
    /* code over __type, whatever the member order. */
    parse(400, NULL, "{\"__type\":\"FromType\",\"code\":\"FromCode\"}");
    CHECK_STR(err.type, "FromCode");
    /* A source that is not a string, or empty once sanitised, is skipped. */
    parse(400, NULL, "{\"code\":42,\"__type\":\"ns#FromType\"}");
    CHECK_STR(err.type, "FromType");
    parse(400, NULL, "{\"code\":\"ns#\",\"__type\":\"FromType\"}");
    CHECK_STR(err.type, "FromType");
    parse(400, "", "{\"__type\":\"FromType\"}");
    CHECK_STR(err.type, "FromType");
    parse(400, ":only-a-url", "{\"__type\":\"FromType\"}");
    CHECK_STR(err.type, "FromType");
    /* Only the top level counts. */
    parse(400, NULL, "{\"Details\":{\"__type\":\"Nested\",\"code\":\"Nested\"}}");
    CHECK_STR(err.type, "HTTP400");
}

static void broken_bodies(void)
{
    static const char *const bodies[] = {
        "{\"__type\":\"ResourceInUse\",\"message\":\"trunc",
        "{\"__type\":",
        "{",
        "\xff\xfe{\"__type\":\"X\"}",
        "{\"__type\":\"\xff\"}",
        "null",
        "   ",
    };
    size_t i;

    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        parse(500, NULL, bodies[i]);
        CHECK_STR(err.type, "HTTP500");
        CHECK(err.code == SMK_E_SERVICE);
    }
    /* Pseudo-random bytes, some JSON-ish: never crash, always a record. */
    {
        uint32_t x = 12345;
        char buf[64];
        int n, k;
        for (n = 0; n < 2000; n++) {
            int len = n % 64;
            for (k = 0; k < len; k++) {
                x = x * 1103515245u + 12345u;
                buf[k] = "{}[]\":,#a_1 \\nulx\xc3\xa9"[(x >> 16) % 20];
            }
            smk_error_clear(&err);
            smk_aws_json_parse_error(400, NULL, buf, (size_t)len, &err);
            CHECK(err.code == SMK_E_SERVICE && err.type[0] != '\0');
        }
    }
    /* Embedded NUL in the body and in a message. */
    smk_error_clear(&err);
    smk_aws_json_parse_error(400, NULL, "{\"__type\":\"A\"}\0garbage", 22, &err);
    CHECK_STR(err.type, "HTTP400");
    parse(400, NULL, "{\"__type\":\"A\",\"message\":\"x\\u0000y\"}");
    CHECK_STR(err.type, "A");
    CHECK_STR(err.message, "x");
}

static void huge_and_long_values(void)
{
    size_t n = 3u << 20, i, o;
    char *big = malloc(n + 64);

    CHECK(big != NULL);
    if (big == NULL)
        return;
    /* A body over the parse limit contributes nothing but does no harm. */
    o = (size_t)snprintf(big, 64, "{\"__type\":\"Big\",\"message\":\"");
    memset(big + o, 'm', n - o - 2);
    memcpy(big + n - 2, "\"}", 3);
    smk_error_clear(&err);
    smk_aws_json_parse_error(400, "FromHeader", big, n, &err);
    CHECK_STR(err.type, "FromHeader");
    smk_error_clear(&err);
    smk_aws_json_parse_error(400, NULL, big, n, &err);
    CHECK_STR(err.type, "HTTP400");

    /* A long message is truncated on a UTF-8 boundary; a long code to fit. */
    o = (size_t)snprintf(big, 64, "{\"__type\":\"");
    for (i = 0; i < 300; i++)
        big[o++] = 'T';
    o += (size_t)snprintf(big + o, 64, "\",\"message\":\"x");
    for (i = 0; i < 1000; i++) {
        memcpy(big + o, "\xe2\x9c\x93", 3); /* 3-byte character */
        o += 3;
    }
    memcpy(big + o, "\"}", 3);
    o += 2;
    smk_error_clear(&err);
    smk_aws_json_parse_error(400, NULL, big, o, &err);
    CHECK(strlen(err.type) == sizeof(err.type) - 1);
    CHECK(strlen(err.message) == 1 + 3 * ((sizeof(err.message) - 2) / 3));
    CHECK(memcmp(err.message + strlen(err.message) - 3, "\xe2\x9c\x93", 3) == 0);
    free(big);
}

/* Found by fuzz_json_response: a code that copies to "" (a header of
 * continuation bytes longer than the record, a code starting with \u0000)
 * was kept as an empty err->type instead of falling back. */
static void codes_that_copy_empty(void)
{
    char header[300];

    memset(header, 0x80, sizeof(header) - 1);
    header[sizeof(header) - 1] = '\0';
    parse(500, header, "{\"__type\":\"FromBody\"}");
    CHECK(strlen(err.type) == sizeof(err.type) - 1); /* not UTF-8: cut to fit */
    parse(500, NULL, "{\"__type\":\"\\u0000X\",\"message\":\"m\"}");
    CHECK_STR(err.type, "HTTP500");
    CHECK_STR(err.message, "m");
    parse(500, NULL, "{\"code\":\"\\u0000X\",\"__type\":\"FromType\"}");
    CHECK_STR(err.type, "FromType");
}

static void record_fields(void)
{
    smk_error_clear(&err);
    snprintf(err.request_id, sizeof(err.request_id), "req-1");
    err.attempts = 3;
    err.retryable = 1;
    snprintf(err.message, sizeof(err.message), "stale");
    smk_aws_json_parse_error(400, NULL, "{\"__type\":\"X\"}", 14, &err);
    CHECK_STR(err.request_id, "req-1");
    CHECK(err.attempts == 3);
    CHECK(err.retryable == 0);
    CHECK_STR(err.message, "");
    CHECK_STR(err.type, "X");
    smk_aws_json_parse_error(400, "X", "{}", 2, NULL); /* NULL record: no effect */
}

int main(void)
{
    run_conformance();
    RUN(non_json_body);
    RUN(empty_body_with_header);
    RUN(message_precedence);
    RUN(header_name_and_url);
    RUN(header_with_namespace);
    RUN(source_precedence);
    RUN(broken_bodies);
    RUN(huge_and_long_values);
    RUN(codes_that_copy_empty);
    RUN(record_fields);
    return harness_report("aws_errors");
}
