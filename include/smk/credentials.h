/*
 * smk/credentials.h - where AWS credentials come from.
 *
 * A provider yields credentials on demand. Each source is a provider of its
 * own and can be used alone; smk_credentials_default_chain_new() picks the
 * first configured source in the AWS CLI's order:
 *
 *   1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *      AWS_SESSION_TOKEN (or AWS_SECURITY_TOKEN), AWS_CREDENTIAL_EXPIRATION
 *      (skipped when the profile was passed explicitly, as with --profile);
 *   2. the profile's role_arn with source_profile or credential_source
 *      (STS AssumeRole, chained through source profiles);
 *   3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN /
 *      AWS_ROLE_SESSION_NAME, else the profile's web_identity_token_file /
 *      role_arn / role_session_name (STS AssumeRoleWithWebIdentity);
 *   4. (a profile set up for IAM Identity Center (SSO) or `aws login` is an
 *      error: those are not supported);
 *   5. static keys of the profile in the shared credentials file;
 *   6. the profile's credential_process;
 *   7. static keys of the profile in the config file;
 *   8. container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (http://169.254.170.2)
 *      or AWS_CONTAINER_CREDENTIALS_FULL_URI, with
 *      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or _TOKEN;
 *   9. EC2 instance metadata (IMDSv2 only) unless AWS_EC2_METADATA_DISABLED
 *      is true; endpoint AWS_EC2_METADATA_SERVICE_ENDPOINT or the profile's
 *      ec2_metadata_service_endpoint (else http://169.254.169.254, or
 *      http://[fd00:ec2::254] in IPv6 endpoint mode).
 *
 * Choosing a source reads only the environment and files: nothing is sent
 * over the network and no process runs until the first smk_credentials_get.
 * A source that is configured but fails is an error (the chain does not fall
 * through to the next source), as in the AWS CLI.
 *
 * Temporary credentials are cached and refreshed `refresh_window` seconds
 * (default 300) before they expire. When a refresh fails while the cached
 * credentials still have more than 10 seconds left, they are kept (and the
 * refresh is retried at most every 30 seconds).
 *
 * Errors are SMK_E_CREDENTIALS (type "CredentialsNotFound" when a source is
 * simply not configured; otherwise the STS error code or a stable name) or
 * SMK_E_CONFIG (a malformed configuration). Messages never contain secret
 * keys, session tokens or web identity tokens.
 *
 * Thread-safety: a provider must be used by one thread at a time.
 */
#ifndef SMK_CREDENTIALS_H
#define SMK_CREDENTIALS_H

#include <stddef.h>

#include "smk/config.h"
#include "smk/error.h"
#include "smk/transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Credentials as returned by smk_credentials_get: views owned by the
 * provider, valid until the next smk_credentials_get on it or its free. */
struct smk_credentials {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /* NULL when the credentials are not temporary */
    double expiration;         /* seconds since the epoch; 0: they do not expire */
};

struct smk_credentials_provider;

/* Settings shared by the providers; every field is optional (zero: the
 * default). The struct and its strings are only read during construction. */
struct smk_credentials_options {
    /* The parsed shared files (borrowed during construction). NULL: loaded
     * from `profile` and the environment. */
    const struct smk_shared_config *shared_config;
    const char *profile; /* used only when shared_config is NULL */
    /* STS: region of the regional endpoint and of the signature ("us-east-1"
     * when NULL), FIPS / dual-stack endpoint variants (1: on). The endpoint is
     * AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile's services section
     * or endpoint_url when set (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS). */
    const char *region;
    int use_fips;
    int use_dualstack;
    int allow_http;         /* plain http to a non-loopback STS endpoint */
    const char *ca_bundle;  /* for STS and https container endpoints */
    double refresh_window;  /* seconds; 0: 300 */
    long sts_timeout_ms;    /* per STS attempt; 0: 10000 */
    long process_timeout_ms; /* credential_process; 0: 60000 */
    /* HTTP for STS, IMDS and container requests (borrowed; it must outlive
     * the providers). NULL: each provider that needs one creates its own
     * libcurl transport (proxies from the environment, as libcurl does). */
    struct smk_transport *transport;
    double (*clock)(void *ud);              /* epoch seconds; NULL: real time */
    void (*sleep)(void *ud, double seconds); /* between retries; NULL: nanosleep */
    void *hooks_ud;
};

/* Get credentials: cached ones while they are fresh, else fetched (STS,
 * HTTP, a process). `out` views stay valid until the next call or free. */
SMK_API enum smk_err smk_credentials_get(struct smk_credentials_provider *p,
                                         struct smk_credentials *out, struct smk_error *err);
/* Where the credentials come from, for logs and provenance: e.g.
 * "environment", "profile dev: shared credentials file", "profile dev:
 * assume role arn:aws:iam::123456789012:role/x (source profile base: shared
 * credentials file)", "container (AWS_CONTAINER_CREDENTIALS_FULL_URI)",
 * "EC2 instance metadata". Never a secret. */
SMK_API const char *smk_credentials_source(const struct smk_credentials_provider *p);
/* NULL-safe. Wipes every cached secret. */
SMK_API void smk_credentials_provider_free(struct smk_credentials_provider *p);

/* Fixed keys (copied). `session_token` may be NULL. Errors: SMK_E_CREDENTIALS
 * (an empty key, CR or LF in a value), SMK_E_NOMEM. */
SMK_API enum smk_err smk_credentials_static_new(const char *access_key_id,
                                                const char *secret_access_key,
                                                const char *session_token,
                                                struct smk_credentials_provider **out,
                                                struct smk_error *err);

/* The AWS_* variables, read now. "CredentialsNotFound" when
 * AWS_ACCESS_KEY_ID is unset; "PartialCredentials" without the secret. */
SMK_API enum smk_err smk_credentials_environment_new(const struct smk_credentials_options *o,
                                                     struct smk_credentials_provider **out,
                                                     struct smk_error *err);

/* Everything the shared files say for the profile, in the chain's order
 * (2-7 above, with web identity from the profile only). */
SMK_API enum smk_err smk_credentials_profile_new(const struct smk_credentials_options *o,
                                                 struct smk_credentials_provider **out,
                                                 struct smk_error *err);

/* Web identity from the environment, else the profile (3 above). */
SMK_API enum smk_err smk_credentials_web_identity_new(const struct smk_credentials_options *o,
                                                      struct smk_credentials_provider **out,
                                                      struct smk_error *err);

/* Run `command` (split like a POSIX shell, not run through one; stdin is
 * /dev/null) and read its JSON: {"Version": 1, "AccessKeyId", "SecretAccessKey",
 * "SessionToken"?, "Expiration"? (ISO 8601; without it the credentials never
 * expire)}. */
SMK_API enum smk_err smk_credentials_process_new(const char *command,
                                                 const struct smk_credentials_options *o,
                                                 struct smk_credentials_provider **out,
                                                 struct smk_error *err);

/* The container credentials endpoint (8 above). A full URI must be https,
 * or http to a loopback host, 169.254.170.2, 169.254.170.23 or
 * [fd00:ec2::23]. */
SMK_API enum smk_err smk_credentials_container_new(const struct smk_credentials_options *o,
                                                   struct smk_credentials_provider **out,
                                                   struct smk_error *err);

/* EC2 instance metadata, IMDSv2 (9 above). Timeout and attempts:
 * AWS_METADATA_SERVICE_TIMEOUT / metadata_service_timeout (seconds, default
 * 1) and AWS_METADATA_SERVICE_NUM_ATTEMPTS / metadata_service_num_attempts
 * (default 1). */
SMK_API enum smk_err smk_credentials_imds_new(const struct smk_credentials_options *o,
                                              struct smk_credentials_provider **out,
                                              struct smk_error *err);

/* STS AssumeRole with credentials from `source` (ownership passes to the new
 * provider, also on failure). `session_name` NULL: "lua-sagemaker-<time>";
 * `external_id` may be NULL; `duration_seconds` 0: STS's default. */
struct smk_assume_role_params {
    const char *role_arn;
    const char *session_name;
    const char *external_id;
    int duration_seconds;
};
SMK_API enum smk_err smk_credentials_assume_role_new(struct smk_credentials_provider *source,
                                                     const struct smk_assume_role_params *params,
                                                     const struct smk_credentials_options *o,
                                                     struct smk_credentials_provider **out,
                                                     struct smk_error *err);

/* Your own source: `fetch` fills `out` (its strings are copied right after
 * the call) or returns an error. `destroy` (may be NULL) gets `ud` on free.
 * The result is cached and refreshed like any temporary credentials. */
typedef enum smk_err (*smk_credentials_fetch_fn)(void *ud, struct smk_credentials *out,
                                                 struct smk_error *err);
SMK_API enum smk_err smk_credentials_custom_new(const char *source, smk_credentials_fetch_fn fetch,
                                                void *ud, void (*destroy)(void *ud),
                                                const struct smk_credentials_options *o,
                                                struct smk_credentials_provider **out,
                                                struct smk_error *err);

/* The default chain (see the top of this file). When no source is
 * configured: SMK_E_CREDENTIALS "CredentialsNotFound", listing what was
 * tried. When only instance metadata is left, the provider is returned and
 * a failure to reach it is reported (with the same list) by the first
 * smk_credentials_get. */
SMK_API enum smk_err smk_credentials_default_chain_new(const struct smk_credentials_options *o,
                                                       struct smk_credentials_provider **out,
                                                       struct smk_error *err);

/* Parse an ISO 8601 / RFC 3339 UTC timestamp ("2024-05-01T12:00:00Z",
 * optional fraction, "Z" or "+hh:mm" offset, 'T' or ' ' separator) into
 * epoch seconds. Returns 0 on success, -1 when malformed. */
SMK_API int smk_parse_iso8601(const char *s, double *epoch);

#ifdef __cplusplus
}
#endif
#endif
