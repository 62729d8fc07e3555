/*
 * Internal: the provider object shared by every credential source, the
 * cache, and helpers (HTTP, JSON, STS). See smk/credentials.h.
 */
#ifndef SMK_CREDENTIALS_INTERNAL_H
#define SMK_CREDENTIALS_INTERNAL_H

#include <stddef.h>

#include "smk/config.h"
#include "smk/credentials.h"
#include "smk/transport.h"

/* Owned copies of one set of credentials (secrets wiped when freed). */
struct smk__creds {
    char *akid;
    char *secret;
    char *token; /* NULL when none */
    double expiration;
};

struct smk__cred_vtable {
    /* Fetch fresh credentials into `out` (all strings malloc'd). */
    enum smk_err (*fetch)(struct smk_credentials_provider *p, struct smk__creds *out,
                          struct smk_error *err);
    /* Free p->impl. */
    void (*destroy)(struct smk_credentials_provider *p);
};

/* Settings copied from smk_credentials_options. */
struct smk__cred_settings {
    char *region;
    int use_fips, use_dualstack, allow_http;
    char *ca_bundle;
    double refresh_window;
    long sts_timeout_ms, process_timeout_ms;
    struct smk_transport *borrowed_transport;
    double (*clock)(void *ud);
    void (*sleep)(void *ud, double seconds);
    void *hooks_ud;
};

struct smk_credentials_provider {
    const struct smk__cred_vtable *vt;
    char *source;
    char *not_found_prefix; /* default chain: "no credentials found; tried ..." */
    struct smk__creds cur;
    int have;
    double retry_after;
    struct smk__cred_settings s;
    struct smk_transport *own_transport;
    void *impl;
};

/* Create a provider (impl and source owned by it from now on, also on
 * failure: destroy is then called). */
enum smk_err smk__provider_new(const struct smk__cred_vtable *vt, const char *source, void *impl,
                               const struct smk_credentials_options *o,
                               struct smk_credentials_provider **out, struct smk_error *err);
/* Replace the description (a printf format). */
enum smk_err smk__provider_set_source(struct smk_credentials_provider *p, struct smk_error *err,
                                      const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

double smk__provider_now(const struct smk_credentials_provider *p);
void smk__provider_sleep(const struct smk_credentials_provider *p, double seconds);
/* The transport for HTTP requests: borrowed, or created on first use. */
enum smk_err smk__provider_transport(struct smk_credentials_provider *p,
                                     struct smk_transport **t, struct smk_error *err);

void smk__creds_clear(struct smk__creds *c);
/* Copy the given strings into `out` after checking them (non-empty key and
 * secret, no CR/LF/NUL...). `what` names the source in errors. */
enum smk_err smk__creds_set(struct smk__creds *out, const char *akid, const char *secret,
                            const char *token, double expiration, const char *what,
                            struct smk_error *err);

/* Parse a JSON credentials document (container, IMDS, credential_process).
 * `token_key` is "Token" or "SessionToken". Never puts the body in errors. */
enum smk_err smk__creds_from_json(const char *body, size_t len, const char *what,
                                  const char *token_key, int require_token,
                                  int require_expiration, int require_version,
                                  struct smk__creds *out, struct smk_error *err);

/* Put a formatted prefix before err->message (truncating the whole), and
 * set code and type when `code` is not SMK_OK / `type` not NULL. NULL-safe. */
void smk__error_prefixf(struct smk_error *err, enum smk_err code, const char *type,
                        const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Free a malloc'd secret after wiping it. */
void smk__free_secret(char *s);
/* Read a small secret file (token files), trailing blanks removed; CR/LF
 * inside is an error. `what` names it in errors. */
enum smk_err smk__read_token_file(const char *path, const char *what, char **out,
                                  struct smk_error *err);

/* STS -------------------------------------------------------------------- */

/* The STS endpoint for these settings: the configured endpoint (see
 * smk_config_endpoint_url) else the regional one. */
enum smk_err smk__sts_endpoint(const struct smk_shared_config *cfg, const char *region,
                               int use_fips, int use_dualstack, char **url,
                               struct smk_error *err);

/* One STS query call (with retries). `params` are name/value pairs, `n`
 * pairs. `creds` NULL: unsigned (AssumeRoleWithWebIdentity). `what` names
 * the call in errors ("AssumeRole for arn:..."). */
enum smk_err smk__sts_call(struct smk_credentials_provider *p, const char *endpoint,
                           const char *action, const char *const *params, size_t n,
                           const struct smk_credentials *creds, const char *what,
                           struct smk__creds *out, struct smk_error *err);

/* Parse an STS XML answer: credentials on success; on an ErrorResponse
 * fills err (type = STS code) and returns SMK_E_CREDENTIALS. Exposed for
 * tests. */
enum smk_err smk__sts_parse(const char *xml, size_t len, int http_status, const char *what,
                            struct smk__creds *out, struct smk_error *err);

/* Constructors shared by the profile logic (profile.c). `cfg` gives the
 * STS endpoint configuration (may be NULL). */
enum smk_err smk__fixed_new(const char *source, const char *akid, const char *secret,
                            const char *token, const struct smk_credentials_options *o,
                            struct smk_credentials_provider **out, struct smk_error *err);
enum smk_err smk__assume_role_new(struct smk_credentials_provider *source,
                                  const struct smk_assume_role_params *params,
                                  const struct smk_credentials_options *o,
                                  const struct smk_shared_config *cfg,
                                  struct smk_credentials_provider **out, struct smk_error *err);
enum smk_err smk__web_identity_new(const char *token_file, const char *role_arn,
                                   const char *session_name, const char *origin,
                                   const struct smk_credentials_options *o,
                                   const struct smk_shared_config *cfg,
                                   struct smk_credentials_provider **out, struct smk_error *err);
/* IMDS and container with an explicit shared config (profile settings). */
enum smk_err smk__imds_new(const struct smk_credentials_options *o,
                           const struct smk_shared_config *cfg,
                           struct smk_credentials_provider **out, struct smk_error *err);

/* Form-encode `s` (RFC 3986 unreserved kept) onto `b`. */
enum smk_err smk__form_encode(struct smk_buf *b, const char *s);

#endif
