/* AWS retry modes: see retry.h. */
#include <errno.h>
#include <stdlib.h>
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

unsigned smk__retry_default_attempts(enum smk_retry_mode mode)
{
    return mode == SMK_RETRY_LEGACY ? 5u : 3u;
}

enum smk_retry_class smk__retry_classify(enum smk_retry_mode mode, enum smk_err rc,
                                         const struct smk_error *err)
{
    switch (rc) {
    case SMK_E_TIMEOUT:
        return SMK_RETRY_TIMEOUT;
    case SMK_E_TRANSPORT:
        return err->retryable ? SMK_RETRY_TRANSIENT : SMK_RETRY_NO;
    case SMK_E_JSON: /* a 2xx answer that arrived garbled: ask again */
        return SMK_RETRY_TRANSIENT;
    case SMK_E_SERVICE:
        if (in_list(throttling_codes, err->type))
            return SMK_RETRY_THROTTLING;
        if (in_list(transient_codes, err->type))
            return SMK_RETRY_TRANSIENT;
        switch (err->http_status) {
        case 500: case 502: case 503: case 504:
            return SMK_RETRY_TRANSIENT;
        case 429:
            return mode == SMK_RETRY_LEGACY ? SMK_RETRY_THROTTLING : SMK_RETRY_NO;
        case 509:
            return mode == SMK_RETRY_LEGACY ? SMK_RETRY_TRANSIENT : SMK_RETRY_NO;
        default:
            return SMK_RETRY_NO;
        }
    default:
        return SMK_RETRY_NO;
    }
}

/* x-amz-retry-after in seconds, or -1 when absent or not a plain number. */
static double parse_retry_after(const char *s)
{
    char *end;
    long ms;

    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    ms = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || ms < 0)
        return -1;
    return (double)ms / 1000.0;
}

double smk__retry_backoff(enum smk_retry_mode mode, enum smk_retry_class cls, unsigned attempt,
                          double random01, const char *retry_after)
{
    double window = 1.0, t, hint;
    unsigned i;

    if (random01 < 0.0 || random01 >= 1.0)
        random01 = 0.0;
    switch (mode) {
    case SMK_RETRY_LEGACY:
        for (i = 1; i < attempt && i < 60; i++)
            window *= 2.0;
        return random01 * window;
    case SMK_RETRY_STANDARD_2026:
        window = cls == SMK_RETRY_THROTTLING ? 1.0 : 0.05;
        for (i = 1; i < attempt && window < SMK_RETRY_MAX_BACKOFF; i++)
            window *= 2.0;
        if (window > SMK_RETRY_MAX_BACKOFF)
            window = SMK_RETRY_MAX_BACKOFF;
        t = random01 * window;
        hint = parse_retry_after(retry_after);
        if (hint >= 0)
            t = hint < t ? t : (hint > t + SMK_RETRY_AFTER_SLACK ? t + SMK_RETRY_AFTER_SLACK : hint);
        return t;
    case SMK_RETRY_STANDARD:
    default:
        for (i = 1; i < attempt && window < SMK_RETRY_MAX_BACKOFF; i++)
            window *= 2.0;
        if (window > SMK_RETRY_MAX_BACKOFF)
            window = SMK_RETRY_MAX_BACKOFF;
        return random01 * window;
    }
}

void smk__retry_quota_init(struct smk_retry_quota *q)
{
    q->tokens = SMK_RETRY_QUOTA_INITIAL;
    q->last_cost = 0;
}

int smk__retry_quota_acquire(struct smk_retry_quota *q, enum smk_retry_mode mode,
                             enum smk_retry_class cls)
{
    int cost;

    switch (mode) {
    case SMK_RETRY_LEGACY:
        return 1;
    case SMK_RETRY_STANDARD_2026:
        cost = cls == SMK_RETRY_THROTTLING ? 5 : 14;
        break;
    case SMK_RETRY_STANDARD:
    default:
        cost = cls == SMK_RETRY_TIMEOUT ? 10 : 5;
        break;
    }
    if (q->tokens < cost)
        return 0;
    q->tokens -= cost;
    q->last_cost = cost;
    return 1;
}

void smk__retry_quota_success(struct smk_retry_quota *q)
{
    q->tokens += q->last_cost ? q->last_cost : 1;
    if (q->tokens > SMK_RETRY_QUOTA_INITIAL)
        q->tokens = SMK_RETRY_QUOTA_INITIAL;
    q->last_cost = 0;
}
