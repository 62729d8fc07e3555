/* Standard retry mode: see retry.h. */
#include <string.h>

#include "client/retry.h"

static const char *const throttling_codes[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException", NULL,
};

static const char *const transient_codes[] = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", NULL,
};

static int in_list(const char *const *list, const char *code)
{
    for (; *list; list++)
        if (strcmp(*list, code) == 0)
            return 1;
    return 0;
}

int smk__is_throttling_code(const char *code)
{
    return in_list(throttling_codes, code);
}

enum smk_retry_class smk__retry_classify(enum smk_err rc, const struct smk_error *err)
{
    switch (rc) {
    case SMK_E_TIMEOUT:
        return SMK_RETRY_TIMEOUT;
    case SMK_E_TRANSPORT:
        return err->retryable ? SMK_RETRY_TRANSIENT : SMK_RETRY_NO;
    case SMK_E_SERVICE:
        if (in_list(throttling_codes, err->type))
            return SMK_RETRY_THROTTLING;
        if (in_list(transient_codes, err->type))
            return SMK_RETRY_TRANSIENT;
        switch (err->http_status) {
        case 500: case 502: case 503: case 504:
            return SMK_RETRY_TRANSIENT;
        default:
            return SMK_RETRY_NO;
        }
    default:
        return SMK_RETRY_NO;
    }
}

double smk__retry_backoff(unsigned attempt, double random01)
{
    double cap = 1.0;
    unsigned i;

    for (i = 1; i < attempt && cap < SMK_RETRY_MAX_BACKOFF; i++)
        cap *= 2.0;
    if (cap > SMK_RETRY_MAX_BACKOFF)
        cap = SMK_RETRY_MAX_BACKOFF;
    if (random01 < 0.0 || random01 >= 1.0)
        random01 = 0.0;
    return random01 * cap;
}

void smk__retry_quota_init(struct smk_retry_quota *q)
{
    q->tokens = SMK_RETRY_QUOTA_INITIAL;
    q->last_cost = 0;
}

int smk__retry_quota_acquire(struct smk_retry_quota *q, enum smk_retry_class cls)
{
    int cost = cls == SMK_RETRY_TIMEOUT ? SMK_RETRY_TIMEOUT_COST : SMK_RETRY_COST;

    if (q->tokens < cost)
        return 0;
    q->tokens -= cost;
    q->last_cost = cost;
    return 1;
}

void smk__retry_quota_success(struct smk_retry_quota *q)
{
    q->tokens += q->last_cost ? q->last_cost : SMK_RETRY_NO_RETRY_REFUND;
    if (q->tokens > SMK_RETRY_QUOTA_INITIAL)
        q->tokens = SMK_RETRY_QUOTA_INITIAL;
    q->last_cost = 0;
}
