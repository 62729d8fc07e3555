/*
 * Retry policy: AWS "standard" mode (classic numbers). Internal.
 *
 * Which failures are retried: throttling error codes and transient failures
 * (no response, timeouts, HTTP 500/502/503/504, the transient codes), matched
 * exactly, never by substring. Backoff: full jitter, random * min(2^(n-1),
 * 20) seconds after the n-th failed attempt. A retry quota (500 tokens; a
 * retry costs 5, a timeout retry 10; success refunds 1, or the last cost)
 * stops retry storms.
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

struct smk_retry_quota {
    int tokens;    /* available */
    int last_cost; /* taken by the latest retry of the current call, 0: none */
};

#define SMK_RETRY_QUOTA_INITIAL 500
#define SMK_RETRY_COST 5
#define SMK_RETRY_TIMEOUT_COST 10
#define SMK_RETRY_NO_RETRY_REFUND 1
#define SMK_RETRY_MAX_BACKOFF 20.0

/* Classify a failed attempt (code and detail record of the attempt). */
enum smk_retry_class smk__retry_classify(enum smk_err rc, const struct smk_error *err);
/* 1 when `code` is one of the throttling error codes. */
int smk__is_throttling_code(const char *code);
/* Seconds to wait after failed attempt number `attempt` (1-based). */
double smk__retry_backoff(unsigned attempt, double random01);
void smk__retry_quota_init(struct smk_retry_quota *q);
/* Take the cost of a retry of class `cls`; 0 when the quota is exhausted. */
int smk__retry_quota_acquire(struct smk_retry_quota *q, enum smk_retry_class cls);
/* Refund after a successful call. */
void smk__retry_quota_success(struct smk_retry_quota *q);

#endif
