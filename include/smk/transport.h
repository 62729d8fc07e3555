/*
 * smk/transport.h - how a signed request reaches the service.
 *
 * A transport sends one HTTP request and fills one response. The client owns
 * its transport and calls it sequentially (never concurrently). The libcurl
 * transport is the default; tests and embedders can supply their own (an
 * in-memory fake, a game engine's HTTP stack).
 */
#ifndef SMK_TRANSPORT_H
#define SMK_TRANSPORT_H

#include <stddef.h>

#include "smk/buf.h"
#include "smk/error.h"
#include "smk/sigv4.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One request to send (borrowed views for the duration of `send`). */
struct smk_http_request {
    const char *method;
    const char *url;
    const struct smk_header *headers;
    size_t n_headers;
    const char *body;
    size_t body_len;
    long connect_timeout_ms; /* 0: transport default */
    long timeout_ms;         /* whole attempt; 0: none */
};

/* The response. `body` is bounded by the max its owner chose (exceeding it
 * is SMK_E_TOO_LARGE). The header fields the protocol needs are captured;
 * each is "" when absent. */
struct smk_http_response {
    int status;
    struct smk_buf body;
    char request_id[128];   /* x-amzn-RequestId */
    char error_type[256];   /* x-amzn-ErrorType */
    char content_type[128]; /* Content-Type */
    char date[64];          /* Date */
    char retry_after[32];   /* x-amz-retry-after (milliseconds) */
};

SMK_API void smk_http_response_init(struct smk_http_response *r, size_t max_body);
SMK_API void smk_http_response_reset(struct smk_http_response *r);
SMK_API void smk_http_response_cleanup(struct smk_http_response *r);
/* Record a header line's value if it is one the protocol needs. */
SMK_API void smk_http_response_header(struct smk_http_response *r, const char *name,
                                      size_t name_len, const char *value, size_t value_len);

struct smk_transport {
    /* Send `req`, fill `resp`. Errors: SMK_E_TRANSPORT (connection failed or
     * dropped: err->retryable set), SMK_E_TIMEOUT, SMK_E_TOO_LARGE,
     * SMK_E_NOMEM. An HTTP error status is not an error here. */
    enum smk_err (*send)(struct smk_transport *self, const struct smk_http_request *req,
                         struct smk_http_response *resp, struct smk_error *err);
    /* Free the transport. */
    void (*destroy)(struct smk_transport *self);
};

struct smk_curl_options {
    const char *ca_bundle; /* NULL: system default */
    int verbose;           /* libcurl debug output to stderr (never in tests) */
};

/* A libcurl transport: one easy handle reused across requests (keep-alive),
 * TLS verification on. Creating it does not load libcurl: the first send
 * does (and fails with SMK_E_INTERNAL, type "LibraryUnavailable", naming
 * libcurl.so.4, when it cannot be loaded). */
SMK_API enum smk_err smk_transport_curl_new(const struct smk_curl_options *opts,
                                            struct smk_transport **out,
                                            struct smk_error *err);

#ifdef __cplusplus
}
#endif
#endif
