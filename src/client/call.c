/*
 * Running an operation: attempts, retries, the overall deadline, clock-skew
 * correction, reconciling an ambiguous CreateAutoMLJob, and the per-attempt
 * log line. See smk_client_call in smk/client.h.
 */
#include <stdio.h>
#include <string.h>

#include "client/client_internal.h"
#include "client/reconcile.h"
#include "client/skew.h"

static double now(const struct smk_client *c)
{
    return c->clock(c->hooks_ud);
}

/* One redacted line per attempt: never a header value, body or key. */
static void log_attempt(const struct smk_client *c, const struct smk_operation *op,
                        unsigned attempt, enum smk_err rc, const struct smk_error *err,
                        const struct smk_http_response *resp, int answered, double latency,
                        const char *extra)
{
    char line[512];

    if (c->log == NULL)
        return;
    snprintf(line, sizeof(line),
             "sagemaker: %s attempt=%u status=%d code=%s latency_ms=%.1f request_id=%s%s%s",
             op->name, attempt, answered ? resp->status : 0, rc == SMK_OK ? "-" : err->type,
             latency * 1000.0, answered && resp->request_id[0] ? resp->request_id : "-",
             extra ? " " : "", extra ? extra : "");
    c->log(c->log_ud, line);
}

/* Did the service perhaps act on a request whose attempt failed? */
static int maybe_processed(enum smk_err rc, const struct smk_error *err)
{
    return rc == SMK_E_TIMEOUT || rc == SMK_E_TRANSPORT || rc == SMK_E_JSON ||
           (rc == SMK_E_SERVICE && err->http_status >= 500);
}

static enum smk_err deadline_exceeded(const struct smk_client *c, unsigned attempts,
                                      struct smk_error *err)
{
    char last[300];

    snprintf(last, sizeof(last), "%.100s: %.180s", err->type, err->message);
    smk_error_set(err, SMK_E_TIMEOUT, "DeadlineExceeded",
                  "deadline of %.3g s exceeded after %u attempt(s) (last: %.250s)", c->deadline,
                  attempts, attempts ? last : "none");
    err->retryable = 1;
    return SMK_E_TIMEOUT;
}

/*
 * The create was retried after an ambiguous failure and the name is taken:
 * describe the job and return its ARN if it is the one this call created.
 * Otherwise keep the ResourceInUse error in `err`.
 */
static enum smk_err reconcile_create(struct smk_client *c, struct smk_value *input,
                                     struct smk_arena *arena, struct smk_value *output,
                                     double first_attempt, struct smk_call_info *info,
                                     struct smk_error *err)
{
    const struct smk_operation *describe = smk_operation_find("DescribeAutoMLJob");
    const struct smk_value *name = smk_value_get(input, "AutoMLJobName");
    const struct smk_value *arn;
    struct smk_value query, desc;
    struct smk_call_info dinfo;
    struct smk_error derr;
    unsigned attempts = info->attempts;
    size_t msg_len;

    if (describe == NULL || name == NULL || name->kind != SMK_VALUE_STRING ||
        smk_value_set_map(arena, &query, 1) != SMK_OK ||
        smk_value_map_set_key(arena, &query, 0, "AutoMLJobName", 13) != SMK_OK)
        return SMK_E_SERVICE;
    query.u.map.items[0].value = *name;
    smk_error_clear(&derr);
    if (smk_client_call(c, describe, &query, arena, &desc, NULL, &dinfo, &derr) != SMK_OK) {
        msg_len = strlen(err->message);
        snprintf(err->message + msg_len, sizeof(err->message) - msg_len,
                 " (an earlier attempt failed ambiguously, and describing the job to check "
                 "whether it is this call's failed too: %.200s)", derr.message);
        return SMK_E_SERVICE;
    }
    arn = smk_value_get(&desc, "AutoMLJobArn");
    if (arn == NULL || !smk__create_matches(input, &desc, first_attempt))
        return SMK_E_SERVICE;
    if (smk_value_set_map(arena, output, 1) != SMK_OK ||
        smk_value_map_set_key(arena, output, 0, "AutoMLJobArn", 12) != SMK_OK)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    output->u.map.items[0].value = *arn;
    *info = dinfo;
    info->attempts = attempts;
    info->reconciled = 1;
    smk_error_clear(err);
    return SMK_OK;
}

enum smk_err smk_client_call(struct smk_client *c, const struct smk_operation *op,
                             struct smk_value *input, struct smk_arena *arena,
                             struct smk_value *output, struct smk_issues *issues,
                             struct smk_call_info *info, struct smk_error *err)
{
    struct smk_request *r = &c->request;
    struct smk_http_response *resp = &c->response;
    const int is_create = strcmp(op->name, "CreateAutoMLJob") == 0;
    int maybe_created = 0, skew_corrected = 0;
    struct smk_error local;
    double start;
    enum smk_err rc;
    unsigned attempt;

    if (err == NULL)
        err = &local;
    smk_error_clear(err);
    memset(info, 0, sizeof(*info));
    c->quota.last_cost = 0;
    rc = smk__client_encode(c, op, input, arena, issues, r, err);
    if (rc != SMK_OK)
        return rc;
    start = now(c);
    for (attempt = 1;; attempt++) {
        struct smk_http_request hreq;
        enum smk_retry_class cls;
        double t0 = now(c), delay, latency;
        long timeout_ms = c->read_timeout_ms;
        int answered = 0;
        const char *missing;
        char note[64];

        if (c->deadline > 0) {
            double left = start + c->deadline - t0;
            if (left <= 0) {
                rc = deadline_exceeded(c, attempt - 1, err);
                break;
            }
            if (left * 1000.0 < (double)timeout_ms)
                timeout_ms = (long)(left * 1000.0) + 1;
        }
        rc = smk__client_sign(c, r, (int64_t)(t0 + c->clock_offset), err);
        if (rc != SMK_OK)
            break;
        hreq.method = r->method;
        hreq.url = smk_buf_cstr(&r->url);
        hreq.headers = r->headers;
        hreq.n_headers = r->n_headers;
        hreq.body = r->body.data;
        hreq.body_len = r->body.len;
        hreq.connect_timeout_ms = c->connect_timeout_ms < timeout_ms ? c->connect_timeout_ms
                                                                     : timeout_ms;
        hreq.timeout_ms = timeout_ms;
        smk_error_clear(err);
        info->attempts = attempt;
        rc = c->transport->send(c->transport, &hreq, resp, err);
        if (rc == SMK_OK) {
            answered = 1;
            info->http_status = resp->status;
            snprintf(info->request_id, sizeof(info->request_id), "%s", resp->request_id);
            rc = smk_client_parse_response(c, resp, arena, output, err);
            if (rc == SMK_OK && (missing = smk_output_missing_member(op, output)) != NULL) {
                rc = smk_error_set(err, SMK_E_JSON, "InvalidResponse",
                                   "HTTP %d answer lacks the required member %s (content type "
                                   "\"%.60s\")", resp->status, missing, resp->content_type);
                err->http_status = resp->status;
            }
        }
        latency = now(c) - t0;
        if (rc == SMK_OK) {
            smk__retry_quota_success(&c->quota);
            log_attempt(c, op, attempt, rc, err, resp, answered, latency, NULL);
            break;
        }
        if (rc == SMK_E_TIMEOUT && c->deadline > 0 && now(c) >= start + c->deadline) {
            log_attempt(c, op, attempt, rc, err, resp, answered, latency, NULL);
            rc = deadline_exceeded(c, attempt, err);
            break;
        }
        if (is_create && maybe_created && rc == SMK_E_SERVICE &&
            strcmp(err->type, "ResourceInUse") == 0) {
            log_attempt(c, op, attempt, rc, err, resp, answered, latency, "reconciling=1");
            rc = reconcile_create(c, input, arena, output, start + c->clock_offset, info, err);
            break;
        }
        if (rc == SMK_E_SERVICE && !skew_corrected && smk__is_clock_skew_error(err) &&
            attempt < c->max_attempts) {
            double server = smk__http_date(resp->date);
            if (server > 0) {
                /* Sign again at the server's time; later calls keep the offset. */
                c->clock_offset = server - (t0 + latency / 2);
                skew_corrected = 1;
                snprintf(note, sizeof(note), "clock_offset=%.0fs", c->clock_offset);
                log_attempt(c, op, attempt, rc, err, resp, answered, latency, note);
                continue;
            }
        }
        maybe_created |= maybe_processed(rc, err);
        cls = smk__retry_classify(c->retry_mode, rc, err);
        if (cls == SMK_RETRY_NO || attempt >= c->max_attempts ||
            !smk__retry_quota_acquire(&c->quota, c->retry_mode, cls)) {
            log_attempt(c, op, attempt, rc, err, resp, answered, latency, NULL);
            break;
        }
        delay = smk__retry_backoff(c->retry_mode, cls, attempt, c->random(c->hooks_ud),
                                   answered ? resp->retry_after : "");
        if (c->deadline > 0 && now(c) + delay >= start + c->deadline) {
            log_attempt(c, op, attempt, rc, err, resp, answered, latency, NULL);
            rc = deadline_exceeded(c, attempt, err);
            break;
        }
        snprintf(note, sizeof(note), "retry_in=%.3fs", delay);
        log_attempt(c, op, attempt, rc, err, resp, answered, latency, note);
        c->sleep(c->hooks_ud, delay);
    }
    err->attempts = info->attempts;
    return rc;
}
