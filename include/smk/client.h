/*
 * smk/client.h - a SageMaker client: configuration, request building and
 * calls.
 *
 * A client copies its configuration and credentials at creation and owns its
 * transport. `smk_client_call` runs the whole operation: validate, encode,
 * sign, send (with retries), parse. The two halves are also available alone
 * for hosts that bring their own event loop (OpenResty): build a signed
 * request with `smk_client_build_request`, send it yourself, then turn the
 * answer into a result with `smk_client_parse_response`.
 *
 * Thread-safety: a client must be used by one thread at a time. Different
 * clients may be used concurrently; process-wide state (libcurl, libcrypto,
 * the compiled model patterns) is set up once, thread-safely, at first use.
 */
#ifndef SMK_CLIENT_H
#define SMK_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "smk/buf.h"
#include "smk/credentials.h"
#include "smk/error.h"
#include "smk/model.h"
#include "smk/sigv4.h"
#include "smk/transport.h"
#include "smk/value.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Process-wide initialisation. Nothing is needed any more: libcurl (and its
 * global init) and OpenSSL's libcrypto are loaded at first use, once and
 * thread-safely (the first transfer, the first signature). Kept for
 * compatibility: always SMK_OK. */
SMK_API enum smk_err smk_global_init(struct smk_error *err);

struct smk_client_config {
    /* Region, e.g. "us-east-1". NULL: AWS_REGION, AWS_DEFAULT_REGION, the
     * profile's `region`. */
    const char *region;
    /* Profile of the shared files (smk/config.h). NULL: AWS_PROFILE,
     * AWS_DEFAULT_PROFILE, "default". Files: NULL: AWS_CONFIG_FILE /
     * AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials. */
    const char *profile;
    const char *config_file;
    const char *credentials_file;
    /* Static credentials. access_key_id NULL: `credentials_provider`, else
     * the default chain (smk/credentials.h). */
    struct smk_sigv4_credentials credentials;
    /* A credentials provider; ownership passes to the client (also when
     * smk_client_new fails). Consulted before every attempt is signed. */
    struct smk_credentials_provider *credentials_provider;
    /* Endpoint URL override ("http://127.0.0.1:4566"). NULL: unless
     * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, AWS_ENDPOINT_URL_SAGEMAKER,
     * AWS_ENDPOINT_URL, the profile's services section (sagemaker =
     * endpoint_url = ...), the profile's endpoint_url; else the endpoint
     * rules for the region's partition. Plain http only to a loopback host
     * unless allow_http is set. */
    const char *endpoint;
    int allow_http;
    /* 1: on; -1: off; 0: AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT,
     * else the profile's use_fips_endpoint / use_dualstack_endpoint, else off. */
    int use_fips;
    int use_dualstack;
    long connect_timeout_ms; /* 0: 5000 */
    long read_timeout_ms;    /* per attempt; 0: 60000 */
    /* First try included. 0: AWS_MAX_ATTEMPTS, the profile's max_attempts,
     * else the retry mode's default (3; legacy 5). */
    unsigned max_attempts;
    /* "standard", "legacy" or "standard-2026" (the SDKs' 2026 revision of
     * standard, also chosen by AWS_NEW_RETRIES_2026=true). NULL:
     * AWS_RETRY_MODE, the profile's retry_mode, else "standard". */
    const char *retry_mode;
    /* Seconds for a whole call, retries and backoff included; 0: none.
     * Running out is SMK_E_TIMEOUT with type "DeadlineExceeded". */
    double deadline;
    /* Receives one redacted line per attempt (operation, attempt, status,
     * error code, latency, request id; the delay chosen before a retry).
     * Called on the calling thread; never given a secret. NULL: silent. */
    void (*log)(void *ud, const char *line);
    void *log_ud;
    size_t max_response_bytes; /* 0: 16 MiB */
    const char *ca_bundle;   /* NULL: AWS_CA_BUNDLE, the profile's ca_bundle, else
                                the system trust store */
    int validate;            /* -1: default (on); 0: off; 1: on */
    /* Injectable: transport (ownership passes to the client; NULL: libcurl),
     * clock (seconds since the epoch; NULL: time()), sleep, random in [0,1).
     * The clock and sleep also serve the credential providers. */
    struct smk_transport *transport;
    double (*clock)(void *ud);
    void (*sleep)(void *ud, double seconds);
    double (*random)(void *ud);
    void *hooks_ud;
};

struct smk_client;

/* Create a client. Copies everything it keeps; reads the environment and
 * the shared files once, here. Credentials from the network (STS, container,
 * instance metadata) or a credential_process are fetched at the first
 * request, not here. Errors: SMK_E_CONFIG (no region, bad endpoint, http to
 * a non-loopback host, CR/LF in a value, a malformed or missing profile),
 * SMK_E_CREDENTIALS (no source configured, bad static keys), SMK_E_NOMEM. On
 * failure `*out` is NULL and a transport or credentials provider passed in
 * config is destroyed. */
SMK_API enum smk_err smk_client_new(const struct smk_client_config *config,
                                    struct smk_client **out, struct smk_error *err);
/* NULL-safe. Wipes credentials and signing keys. */
SMK_API void smk_client_free(struct smk_client *c);

/* The resolved endpoint URL and region (owned by the client). */
SMK_API const char *smk_client_endpoint(const struct smk_client *c);
SMK_API const char *smk_client_region(const struct smk_client *c);

/* Where each setting came from (strings owned by the client; never
 * secrets). */
struct smk_client_sources {
    const char *profile;          /* the profile's name */
    const char *profile_source;   /* "option", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "default" */
    const char *region_source;    /* "option", "AWS_REGION", "AWS_DEFAULT_REGION", "profile" */
    const char *endpoint_source;  /* "option", "AWS_ENDPOINT_URL_SAGEMAKER", "AWS_ENDPOINT_URL",
                                     "profile services section", "profile endpoint_url",
                                     "endpoint rules" */
    const char *credentials;      /* smk_credentials_source() of the provider */
    const char *ca_bundle;        /* path, or NULL: the system trust store */
    const char *ca_bundle_source; /* "option", "AWS_CA_BUNDLE", "profile", "system" */
    int use_fips, use_dualstack;
};
SMK_API void smk_client_sources(const struct smk_client *c, struct smk_client_sources *out);

/* A signed request, ready to send. Owned by the caller: init, reuse across
 * builds, cleanup. Header names/values point into the request itself. */
#define SMK_REQUEST_MAX_HEADERS 8
struct smk_request {
    const char *method; /* "POST" */
    struct smk_buf url;
    struct smk_buf body;
    struct smk_header headers[SMK_REQUEST_MAX_HEADERS];
    size_t n_headers;
    char host[256];
    char target[96];
    struct smk_sigv4_result sig;
    struct smk_buf session_token; /* copy of the token signed with (wiped) */
};

SMK_API void smk_request_init(struct smk_request *r);
SMK_API void smk_request_cleanup(struct smk_request *r);

/* Validate (unless the client was created with validation off), encode and
 * sign `input` for `op` at `time` (epoch seconds). `input` may be normalised
 * in place (see smk_validate). Validation failures are appended to `issues`
 * (may be NULL) and return SMK_E_VALIDATION. */
SMK_API enum smk_err smk_client_build_request(struct smk_client *c,
                                              const struct smk_operation *op,
                                              struct smk_value *input, int64_t time,
                                              struct smk_arena *arena,
                                              struct smk_issues *issues,
                                              struct smk_request *out, struct smk_error *err);

/* Turn an HTTP answer into a result: on 2xx, decode the body into `*output`
 * (an empty MAP for an empty body) in `arena`; otherwise fill `err` with the
 * service error (code, message, status, request id, retryable) and return
 * SMK_E_SERVICE. A 2xx with a malformed body is SMK_E_JSON. */
SMK_API enum smk_err smk_client_parse_response(struct smk_client *c,
                                               const struct smk_http_response *resp,
                                               struct smk_arena *arena,
                                               struct smk_value *output,
                                               struct smk_error *err);

/* What happened during a call. */
struct smk_call_info {
    unsigned attempts;  /* requests sent */
    int http_status;    /* of the last answer, 0 if none */
    char request_id[128];
    /* CreateAutoMLJob only: an attempt failed ambiguously, the retry found
     * the name taken, and DescribeAutoMLJob showed the job is the one this
     * call created; the result is that job's ARN. */
    int reconciled;
};

/* Run `op`: build, send with retries, parse. The result tree lives in
 * `arena`. On error `err` says what happened (err->attempts too). */
SMK_API enum smk_err smk_client_call(struct smk_client *c, const struct smk_operation *op,
                                     struct smk_value *input, struct smk_arena *arena,
                                     struct smk_value *output, struct smk_issues *issues,
                                     struct smk_call_info *info, struct smk_error *err);

#ifdef __cplusplus
}
#endif
#endif
