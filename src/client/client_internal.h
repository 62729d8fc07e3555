/*
 * The client's state, shared by client.c (configuration, building, parsing)
 * and call.c (sending with retries). Internal.
 */
#ifndef SMK_CLIENT_INTERNAL_H
#define SMK_CLIENT_INTERNAL_H

#include "client/retry.h"
#include "smk/client.h"
#include "smk/config.h"
#include "smk/credentials.h"
#include "smk/endpoint.h"

struct smk_client {
    char *region;
    char *endpoint;
    struct smk_url_parts url;
    struct smk_credentials_provider *creds; /* asked before each signature */
    struct smk_shared_config *shared;       /* the profile's settings */
    char *ca_bundle;
    struct smk_client_sources sources;
    long connect_timeout_ms;
    long read_timeout_ms;
    unsigned max_attempts;
    enum smk_retry_mode retry_mode;
    double deadline;      /* seconds for a whole call, retries included; 0: none */
    double clock_offset;  /* seconds to add to our clock: learnt from skew errors */
    void (*log)(void *ud, const char *line);
    void *log_ud;
    int validate;
    struct smk_transport *transport;
    double (*clock)(void *ud);
    void (*sleep)(void *ud, double seconds);
    double (*random)(void *ud);
    void *hooks_ud;
    struct smk_sigv4_key_cache key_cache;
    struct smk_retry_quota quota;
    struct smk_http_response response; /* reused by smk_client_call */
    struct smk_request request;        /* reused by smk_client_call */
};

/* Validate (when enabled) and encode `input` into r->body; prepare the URL,
 * host and target of `op`. */
enum smk_err smk__client_encode(struct smk_client *c, const struct smk_operation *op,
                                struct smk_value *input, struct smk_arena *arena,
                                struct smk_issues *issues, struct smk_request *r,
                                struct smk_error *err);
/* Fetch current credentials and sign r at `time` (epoch seconds). */
enum smk_err smk__client_sign(struct smk_client *c, struct smk_request *r, int64_t time,
                              struct smk_error *err);

#endif
