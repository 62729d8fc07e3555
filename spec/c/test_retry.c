/* Retry policy (exact delays, quota, classification), clock-skew
 * detection and the CreateAutoMLJob reconcile check. */
#include <math.h>
#include <string.h>

#include "client/reconcile.h"
#include "client/retry.h"
#include "client/skew.h"
#include "harness.h"
#include "smk/json.h"

static int near(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

static struct smk_error service_error(int status, const char *code, const char *message)
{
    struct smk_error e;

    smk_error_clear(&e);
    smk_error_set(&e, SMK_E_SERVICE, code, "%s", message);
    e.http_status = status;
    return e;
}

static void classic_backoff_is_full_jitter_capped_at_20s(void)
{
    /* random * min(2^(n-1), 20) */
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD, SMK_RETRY_THROTTLING, 1, 0.5, ""), 0.5));
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD, SMK_RETRY_TRANSIENT, 2, 0.5, ""), 1.0));
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD, SMK_RETRY_TRANSIENT, 3, 0.25, ""), 1.0));
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD, SMK_RETRY_TRANSIENT, 6, 0.5, ""), 10.0));
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD, SMK_RETRY_TRANSIENT, 30, 0.5, ""), 10.0));
    /* classic mode ignores x-amz-retry-after */
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD, SMK_RETRY_THROTTLING, 1, 0.5, "3000"), 0.5));
}

static void backoff_2026_uses_50ms_or_1s_bases_and_retry_after(void)
{
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD_2026, SMK_RETRY_TRANSIENT, 1, 0.5, ""), 0.025));
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD_2026, SMK_RETRY_TRANSIENT, 3, 0.5, ""), 0.1));
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD_2026, SMK_RETRY_THROTTLING, 1, 0.5, ""), 0.5));
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD_2026, SMK_RETRY_THROTTLING, 9, 0.5, ""), 10.0));
    /* retry-after clamped to [t, t + 5 s] */
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD_2026, SMK_RETRY_THROTTLING, 1, 0.5, "2000"), 2.0));
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD_2026, SMK_RETRY_THROTTLING, 1, 0.5, "10"), 0.5));
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD_2026, SMK_RETRY_THROTTLING, 1, 0.5, "60000"), 5.5));
    /* bad values ignored */
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD_2026, SMK_RETRY_THROTTLING, 1, 0.5, "-5"), 0.5));
    CHECK(near(smk__retry_backoff(SMK_RETRY_STANDARD_2026, SMK_RETRY_THROTTLING, 1, 0.5, "12abc"), 0.5));
}

static void legacy_backoff_is_uncapped(void)
{
    CHECK(smk__retry_default_attempts(SMK_RETRY_LEGACY) == 5);
    CHECK(smk__retry_default_attempts(SMK_RETRY_STANDARD) == 3);
    CHECK(near(smk__retry_backoff(SMK_RETRY_LEGACY, SMK_RETRY_TRANSIENT, 7, 0.5, ""), 32.0));
}

static void quota_costs_and_refunds(void)
{
    struct smk_retry_quota q;
    int i;

    smk__retry_quota_init(&q);
    CHECK(smk__retry_quota_acquire(&q, SMK_RETRY_STANDARD, SMK_RETRY_THROTTLING) && q.tokens == 495);
    CHECK(smk__retry_quota_acquire(&q, SMK_RETRY_STANDARD, SMK_RETRY_TIMEOUT) && q.tokens == 485);
    smk__retry_quota_success(&q);
    CHECK(q.tokens == 495);
    smk__retry_quota_success(&q); /* no retry in this call: +1, capped at 500 */
    CHECK(q.tokens == 496);
    smk__retry_quota_init(&q);
    CHECK(smk__retry_quota_acquire(&q, SMK_RETRY_STANDARD_2026, SMK_RETRY_TRANSIENT) && q.tokens == 486);
    CHECK(smk__retry_quota_acquire(&q, SMK_RETRY_STANDARD_2026, SMK_RETRY_THROTTLING) && q.tokens == 481);
    for (i = 0; i < 200; i++)
        smk__retry_quota_acquire(&q, SMK_RETRY_STANDARD, SMK_RETRY_TRANSIENT);
    CHECK(q.tokens < 5);
    CHECK(!smk__retry_quota_acquire(&q, SMK_RETRY_STANDARD, SMK_RETRY_TRANSIENT));
    CHECK(smk__retry_quota_acquire(&q, SMK_RETRY_LEGACY, SMK_RETRY_TRANSIENT));
}

static void classification_matches_codes_exactly(void)
{
    struct smk_error e = service_error(400, "ThrottlingException", "Rate exceeded");

    CHECK(smk__retry_classify(SMK_RETRY_STANDARD, SMK_E_SERVICE, &e) == SMK_RETRY_THROTTLING);
    e = service_error(400, "LimitExceededException", "");
    CHECK(smk__retry_classify(SMK_RETRY_STANDARD, SMK_E_SERVICE, &e) == SMK_RETRY_THROTTLING);
    e = service_error(400, "ResourceLimitExceeded", ""); /* the name trap */
    CHECK(smk__retry_classify(SMK_RETRY_STANDARD, SMK_E_SERVICE, &e) == SMK_RETRY_NO);
    e = service_error(400, "ResourceInUse", "");
    CHECK(smk__retry_classify(SMK_RETRY_STANDARD, SMK_E_SERVICE, &e) == SMK_RETRY_NO);
    e = service_error(400, "ValidationException", "");
    CHECK(smk__retry_classify(SMK_RETRY_STANDARD, SMK_E_SERVICE, &e) == SMK_RETRY_NO);
    e = service_error(503, "ServiceUnavailable", "");
    CHECK(smk__retry_classify(SMK_RETRY_STANDARD, SMK_E_SERVICE, &e) == SMK_RETRY_TRANSIENT);
    e = service_error(500, "InternalFailure", "");
    CHECK(smk__retry_classify(SMK_RETRY_STANDARD, SMK_E_SERVICE, &e) == SMK_RETRY_TRANSIENT);
    e = service_error(429, "HTTP429", "");
    CHECK(smk__retry_classify(SMK_RETRY_STANDARD, SMK_E_SERVICE, &e) == SMK_RETRY_NO);
    CHECK(smk__retry_classify(SMK_RETRY_LEGACY, SMK_E_SERVICE, &e) == SMK_RETRY_THROTTLING);
    e = service_error(400, "RequestTimeoutException", "");
    CHECK(smk__retry_classify(SMK_RETRY_STANDARD, SMK_E_SERVICE, &e) == SMK_RETRY_TRANSIENT);
    smk_error_clear(&e);
    CHECK(smk__retry_classify(SMK_RETRY_STANDARD, SMK_E_TIMEOUT, &e) == SMK_RETRY_TIMEOUT);
    e.retryable = 1;
    CHECK(smk__retry_classify(SMK_RETRY_STANDARD, SMK_E_TRANSPORT, &e) == SMK_RETRY_TRANSIENT);
    e.retryable = 0;
    CHECK(smk__retry_classify(SMK_RETRY_STANDARD, SMK_E_TRANSPORT, &e) == SMK_RETRY_NO);
    CHECK(smk__retry_classify(SMK_RETRY_STANDARD, SMK_E_VALIDATION, &e) == SMK_RETRY_NO);
}

static void clock_skew_errors_and_http_dates(void)
{
    struct smk_error e = service_error(400, "InvalidSignatureException",
                                       "Signature expired: 20260101T000000Z is now earlier than ...");

    CHECK(smk__is_clock_skew_error(&e));
    e = service_error(400, "InvalidSignatureException", "The request signature we calculated does not match");
    CHECK(!smk__is_clock_skew_error(&e));
    e = service_error(403, "RequestTimeTooSkewed", "");
    CHECK(smk__is_clock_skew_error(&e));
    e = service_error(400, "ValidationException", "Signature expired");
    CHECK(!smk__is_clock_skew_error(&e));
    CHECK(near(smk__http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777.0));
    CHECK(smk__http_date("not a date") < 0);
    CHECK(smk__http_date("") < 0);
}

/* The three forms of RFC 9110 (5.6.7), parsed without libcurl. */
static void http_date_forms(void)
{
    CHECK(near(smk__http_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777.0));
    CHECK(near(smk__http_date("Sun Nov  6 08:49:37 1994"), 784111777.0));
    CHECK(near(smk__http_date("Sun Nov 16 08:49:37 1994"), 784111777.0 + 10 * 86400));
    CHECK(near(smk__http_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0.0));
    CHECK(near(smk__http_date("Tue, 14 Nov 2023 22:13:20 GMT"), 1700000000.0));
    CHECK(near(smk__http_date("Thu, 29 Feb 2024 12:00:00 GMT"), 1709208000.0));
    CHECK(near(smk__http_date("Fri, 01 Mar 2024 00:00:00 GMT"), 1709251200.0));
    CHECK(near(smk__http_date("Sat, 01 Jan 2000 00:00:00 GMT"), 946684800.0));
    CHECK(near(smk__http_date("Wed, 31 Dec 2099 23:59:59 GMT"), 4102444799.0));
    CHECK(near(smk__http_date("Tuesday, 14-Nov-23 22:13:20 GMT"), 1700000000.0));
    CHECK(near(smk__http_date("Tue, 14 Nov 2023 22:13:20 GMT  "), 1700000000.0));
    CHECK(smk__http_date("Tue, 14 Nov 2023 22:13:20") < 0);       /* no zone */
    CHECK(smk__http_date("Tue, 14 Nov 2023 22:13:20 PST") < 0);   /* not GMT */
    CHECK(smk__http_date("Tue, 14 Foo 2023 22:13:20 GMT") < 0);   /* month */
    CHECK(smk__http_date("Tue, 32 Nov 2023 22:13:20 GMT") < 0);   /* day */
    CHECK(smk__http_date("Tue, 14 Nov 2023 24:00:00 GMT") < 0);   /* hour */
    CHECK(smk__http_date("Tue, 14 Nov 2023 22:13:20 GMT x") < 0); /* trailing text */
    CHECK(near(smk__http_date("Sat, 4 Nov 2023 22:13:20 GMT"), 1699136000.0)); /* lenient */
    CHECK(smk__http_date("Thu, 01 Jan 1969 00:00:00 GMT") < 0);   /* before the epoch */
    CHECK(smk__http_date(", 14 Nov 2023 22:13:20 GMT") < 0);      /* no day name */
    CHECK(smk__http_date(NULL) < 0);
}

static int decode(const char *json, struct smk_arena *a, struct smk_value *v)
{
    return smk_json_decode(json, strlen(json), 32, a, v, NULL) == SMK_OK;
}

static void reconcile_matches_only_our_job(void)
{
    struct smk_arena a;
    struct smk_value req, same, other_role, older, other_input;
    const char *request = "{\"AutoMLJobName\":\"j\",\"RoleArn\":\"arn:aws:iam::1:role/r\","
                          "\"OutputDataConfig\":{\"S3OutputPath\":\"s3://b/o/\"},"
                          "\"InputDataConfig\":[{\"DataSource\":{\"S3DataSource\":{\"S3Uri\":\"s3://b/t/\"}}}]}";

    smk_arena_init(&a, 0);
    CHECK(decode(request, &a, &req));
    CHECK(decode("{\"RoleArn\":\"arn:aws:iam::1:role/r\",\"CreationTime\":1000.5,"
                 "\"OutputDataConfig\":{\"S3OutputPath\":\"s3://b/o/\"},"
                 "\"InputDataConfig\":[{\"DataSource\":{\"S3DataSource\":{\"S3Uri\":\"s3://b/t/\"}}}]}",
                 &a, &same));
    CHECK(decode("{\"RoleArn\":\"arn:aws:iam::1:role/other\",\"CreationTime\":1000.5,"
                 "\"OutputDataConfig\":{\"S3OutputPath\":\"s3://b/o/\"},"
                 "\"InputDataConfig\":[{\"DataSource\":{\"S3DataSource\":{\"S3Uri\":\"s3://b/t/\"}}}]}",
                 &a, &other_role));
    CHECK(decode("{\"RoleArn\":\"arn:aws:iam::1:role/r\",\"CreationTime\":10,"
                 "\"OutputDataConfig\":{\"S3OutputPath\":\"s3://b/o/\"},"
                 "\"InputDataConfig\":[{\"DataSource\":{\"S3DataSource\":{\"S3Uri\":\"s3://b/t/\"}}}]}",
                 &a, &older));
    CHECK(decode("{\"RoleArn\":\"arn:aws:iam::1:role/r\",\"CreationTime\":1000.5,"
                 "\"OutputDataConfig\":{\"S3OutputPath\":\"s3://b/o/\"},"
                 "\"InputDataConfig\":[{\"DataSource\":{\"S3DataSource\":{\"S3Uri\":\"s3://b/x/\"}}}]}",
                 &a, &other_input));
    CHECK(smk__create_matches(&req, &same, 1000.0));
    CHECK(smk__create_matches(&req, &same, 1200.0)); /* within the clock slack */
    CHECK(!smk__create_matches(&req, &other_role, 1000.0));
    CHECK(!smk__create_matches(&req, &older, 1000.0));
    CHECK(!smk__create_matches(&req, &other_input, 1000.0));
    smk_arena_cleanup(&a);
}

int main(void)
{
    RUN(classic_backoff_is_full_jitter_capped_at_20s);
    RUN(backoff_2026_uses_50ms_or_1s_bases_and_retry_after);
    RUN(legacy_backoff_is_uncapped);
    RUN(quota_costs_and_refunds);
    RUN(classification_matches_codes_exactly);
    RUN(clock_skew_errors_and_http_dates);
    RUN(http_date_forms);
    RUN(reconcile_matches_only_our_job);
    return harness_report("retry");
}
