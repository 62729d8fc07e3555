/*
 * Retry policy: the AWS SDKs' retry modes. Internal.
 *
 * standard (classic numbers, what the SDKs ship today):
 *   throttling codes and transient failures (no response, timeouts, HTTP
 *   500/502/503/504, the transient codes) are retried, matched exactly;
 *   backoff random * min(2^(n-1), 20) s after failed attempt n; a retry
 *   quota of 500 tokens, a retry costs 5 (a timeout retry 10), success
 *   refunds 1 or the last cost.
 * standard, 2026 revision (AWS_NEW_RETRIES_2026=true, as in the SDKs):
 *   backoff random * min(x * 2^i, 20 s), i = retries so far, x = 1 s for
 *   throttling and 50 ms otherwise; a retry costs 14 tokens (5 when
 *   throttled); an `x-amz-retry-after` header (ms) is honoured, clamped to
 *   [t, t + 5 s].
 * legacy (botocore's legacy mode): 5 attempts by default; random *
 *   2^(n-1) s, no cap; also HTTP 429 and 509; no quota.
 *
 * A 2xx answer whose body is not the JSON expected (truncated, not JSON)
 * counts as transient: the request is asked again (CreateAutoMLJob is then
 * reconciled, see reconcile.h).
 *
 * Never retried: anything else, in particular ResourceInUse,
 * ResourceLimitExceeded and validation errors.
 */
#ifndef SMK_CLIENT_RETRY_H
#define SMK_CLIENT_RETRY_H

#include "smk/error.h"

enum smk_retry_class {
    SMK_RETRY_NO = 0,
    SMK_RETRY_THROTTLING,
    SMK_RETRY_TRANSIENT,
    SMK_RETRY_TIMEOUT
};

enum smk_retry_mode {
    SMK_RETRY_STANDARD = 0,
    SMK_RETRY_STANDARD_2026,
    SMK_RETRY_LEGACY
};

struct smk_retry_quota {
    int tokens;    /* available */
    int last_cost; /* taken by the latest retry of the current call, 0: none */
};

#define SMK_RETRY_QUOTA_INITIAL 500
#define SMK_RETRY_MAX_BACKOFF 20.0
#define SMK_RETRY_AFTER_SLACK 5.0

/* Default attempts (first try included) of a mode. */
unsigned smk__retry_default_attempts(enum smk_retry_mode mode);
/* Classify a failed attempt (code and detail record of the attempt). */
enum smk_retry_class smk__retry_classify(enum smk_retry_mode mode, enum smk_err rc,
                                         const struct smk_error *err);
/* 1 when `code` is one of the throttling error codes. */
int smk__is_throttling_code(const char *code);
/* Seconds to wait after failed attempt number `attempt` (1-based) of class
 * `cls`; `retry_after` is the x-amz-retry-after header ("" when absent). */
double smk__retry_backoff(enum smk_retry_mode mode, enum smk_retry_class cls, unsigned attempt,
                          double random01, const char *retry_after);
void smk__retry_quota_init(struct smk_retry_quota *q);
/* Take the cost of a retry of class `cls`; 0 when the quota is exhausted
 * (legacy mode has no quota and always succeeds). */
int smk__retry_quota_acquire(struct smk_retry_quota *q, enum smk_retry_mode mode,
                             enum smk_retry_class cls);
/* Refund after a successful call. */
void smk__retry_quota_success(struct smk_retry_quota *q);

#endif
