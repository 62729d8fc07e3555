/*
 * The client: configuration copied at creation, then operations run as
 * validate -> encode -> sign -> send (with retries) -> parse. See
 * smk/client.h for the contracts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/client_internal.h"
#include "core/system_hooks.h"
#include "core/wipe.h"
#include "smk/json.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 5000L
#define DEFAULT_READ_TIMEOUT_MS 60000L
#define DEFAULT_MAX_RESPONSE (16u * 1024u * 1024u)
#define MAX_REQUEST_BODY (8u * 1024u * 1024u)
#define MAX_RESPONSE_DEPTH 64
#define USER_AGENT "lua-sagemaker/0.1.0"

/* ---- configuration ------------------------------------------------------ */

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

void smk_client_free(struct smk_client *c)
{
    if (c == NULL)
        return;
    if (c->transport)
        c->transport->destroy(c->transport);
    free(c->region);
    free(c->endpoint);
    free(c->ca_bundle);
    smk_credentials_provider_free(c->creds);
    smk_shared_config_free(c->shared);
    smk_sigv4_key_cache_cleanup(&c->key_cache);
    smk_http_response_cleanup(&c->response);
    smk_request_cleanup(&c->request);
    smk__wipe(c, sizeof(*c));
    free(c);
}

/* ---- region, endpoint, TLS and credentials settings ------------------------- */

static enum smk_err resolve_region(struct smk_client *c, const struct smk_client_config *cfg,
                                   struct smk_error *err)
{
    const char *region = cfg->region, *src = "option";

    if (region == NULL && (region = env_nonempty("AWS_REGION")) != NULL)
        src = "AWS_REGION";
    if (region == NULL && (region = env_nonempty("AWS_DEFAULT_REGION")) != NULL)
        src = "AWS_DEFAULT_REGION";
    if (region == NULL) {
        region = smk_shared_config_get(c->shared, NULL, "region");
        src = "profile";
        if (region && *region == '\0')
            region = NULL;
    }
    if (region == NULL)
        return smk_error_set(err, SMK_E_CONFIG, "MissingRegion",
                             "no region: pass region = \"us-east-1\" (for example), set "
                             "AWS_REGION or AWS_DEFAULT_REGION, or set region in the profile "
                             "\"%.100s\" of %.300s",
                             smk_shared_config_profile(c->shared),
                             smk_shared_config_path(c->shared, 0));
    c->sources.region_source = src;
    c->region = strdup(region);
    return c->region ? SMK_OK : smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
}

/* Tri-state option (1 on, -1 off, 0 unset), then environment, then profile. */
static enum smk_err resolve_flag(const struct smk_client *c, int option, const char *env,
                                 const char *key, int *out, struct smk_error *err)
{
    *out = option == 1;
    if (option != 0)
        return SMK_OK;
    return smk_config_bool_setting(c->shared, env, key, out, NULL, err);
}

static enum smk_err resolve_endpoint(struct smk_client *c, const struct smk_client_config *cfg,
                                     struct smk_error *err)
{
    const char *custom = cfg->endpoint, *src = "option";
    struct smk_buf url;
    enum smk_err rc;

    rc = resolve_flag(c, cfg->use_fips, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint",
                      &c->sources.use_fips, err);
    if (rc == SMK_OK)
        rc = resolve_flag(c, cfg->use_dualstack, "AWS_USE_DUALSTACK_ENDPOINT",
                          "use_dualstack_endpoint", &c->sources.use_dualstack, err);
    if (rc == SMK_OK && custom == NULL)
        rc = smk_config_endpoint_url(c->shared, "SAGEMAKER", "sagemaker", &custom, &src, err);
    if (rc != SMK_OK)
        return rc;
    c->sources.endpoint_source = custom ? src : "endpoint rules";
    smk_buf_init(&url, 2048);
    rc = smk_endpoint_resolve(c->region, c->sources.use_fips, c->sources.use_dualstack, custom,
                              &url, err);
    if (rc == SMK_OK)
        rc = smk_url_parse(smk_buf_cstr(&url), &c->url, err);
    if (rc == SMK_OK && !c->url.https && !c->url.loopback && !cfg->allow_http)
        rc = smk_error_set(err, SMK_E_CONFIG, "InsecureEndpoint",
                           "refusing plain http to non-loopback host %s: use https, or set "
                           "allow_http = true", c->url.host);
    if (rc == SMK_OK) {
        c->endpoint = strdup(smk_buf_cstr(&url));
        if (c->endpoint == NULL)
            rc = smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    }
    smk_buf_cleanup(&url);
    return rc;
}

static enum smk_err resolve_ca_bundle(struct smk_client *c, const struct smk_client_config *cfg,
                                      struct smk_error *err)
{
    const char *v = cfg->ca_bundle, *src = "option";

    if (v == NULL && (v = env_nonempty("AWS_CA_BUNDLE")) != NULL)
        src = "AWS_CA_BUNDLE";
    if (v == NULL && (v = smk_shared_config_get(c->shared, NULL, "ca_bundle")) != NULL) {
        src = "profile";
        if (*v == '\0')
            v = NULL;
    }
    c->sources.ca_bundle_source = v ? src : "system";
    if (v == NULL)
        return SMK_OK;
    c->ca_bundle = strdup(v);
    return c->ca_bundle ? SMK_OK : smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
}

static enum smk_err resolve_credentials(struct smk_client *c,
                                        const struct smk_client_config *cfg,
                                        struct smk_credentials_provider **given,
                                        struct smk_error *err)
{
    const struct smk_sigv4_credentials *in = &cfg->credentials;
    struct smk_credentials_options o;

    if (in->access_key_id != NULL) {
        if (*given) { /* both: the explicit keys win; the provider is still ours to free */
            smk_credentials_provider_free(*given);
            *given = NULL;
        }
        return smk_credentials_static_new(in->access_key_id, in->secret_access_key,
                                          in->session_token, &c->creds, err);
    }
    if (*given) {
        c->creds = *given;
        *given = NULL;
        return SMK_OK;
    }
    memset(&o, 0, sizeof(o));
    o.shared_config = c->shared;
    o.region = c->region;
    o.use_fips = c->sources.use_fips;
    o.use_dualstack = c->sources.use_dualstack;
    o.allow_http = cfg->allow_http;
    o.ca_bundle = c->ca_bundle;
    o.clock = cfg->clock;
    o.sleep = cfg->sleep;
    o.hooks_ud = cfg->hooks_ud;
    return smk_credentials_default_chain_new(&o, &c->creds, err);
}

/* Retry mode and attempts: option, environment, profile, default. */
static enum smk_err resolve_retries(struct smk_client *c, const struct smk_client_config *cfg,
                                    struct smk_error *err)
{
    const char *mode = cfg->retry_mode, *attempts, *new2026;
    char *end;
    long n;

    if (mode == NULL)
        mode = env_nonempty("AWS_RETRY_MODE");
    if (mode == NULL)
        mode = smk_shared_config_get(c->shared, NULL, "retry_mode");
    if (mode == NULL || *mode == '\0')
        mode = "standard";
    new2026 = env_nonempty("AWS_NEW_RETRIES_2026");
    if (strcmp(mode, "standard") == 0)
        c->retry_mode = new2026 && smk_config_parse_bool(new2026) == 1 ? SMK_RETRY_STANDARD_2026
                                                                        : SMK_RETRY_STANDARD;
    else if (strcmp(mode, "standard-2026") == 0)
        c->retry_mode = SMK_RETRY_STANDARD_2026;
    else if (strcmp(mode, "legacy") == 0)
        c->retry_mode = SMK_RETRY_LEGACY;
    else
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "retry mode \"%.32s\" is not supported: use standard, legacy or "
                             "standard-2026 (adaptive is not implemented)", mode);
    c->max_attempts = cfg->max_attempts;
    if (c->max_attempts == 0) {
        attempts = env_nonempty("AWS_MAX_ATTEMPTS");
        if (attempts == NULL)
            attempts = smk_shared_config_get(c->shared, NULL, "max_attempts");
        if (attempts && *attempts) {
            n = strtol(attempts, &end, 10);
            if (*end != '\0' || n < 1 || n > 100)
                return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                     "max_attempts must be a whole number from 1 to 100, got "
                                     "\"%.16s\"", attempts);
            c->max_attempts = (unsigned)n;
        }
    }
    if (c->max_attempts == 0)
        c->max_attempts = smk__retry_default_attempts(c->retry_mode);
    return SMK_OK;
}

static enum smk_err resolve_settings(struct smk_client *c, const struct smk_client_config *cfg,
                                     struct smk_credentials_provider **given,
                                     struct smk_error *err)
{
    struct smk_shared_config_options so;
    enum smk_err rc;

    so.config_file = cfg->config_file;
    so.credentials_file = cfg->credentials_file;
    so.profile = cfg->profile;
    rc = smk_shared_config_load(&so, &c->shared, err);
    if (rc == SMK_OK) {
        c->sources.profile = smk_shared_config_profile(c->shared);
        c->sources.profile_source = smk_shared_config_profile_source(c->shared);
        rc = resolve_region(c, cfg, err);
    }
    if (rc == SMK_OK)
        rc = resolve_endpoint(c, cfg, err);
    if (rc == SMK_OK)
        rc = resolve_ca_bundle(c, cfg, err);
    if (rc == SMK_OK)
        rc = resolve_retries(c, cfg, err);
    if (rc == SMK_OK)
        rc = resolve_credentials(c, cfg, given, err);
    if (rc == SMK_OK) {
        c->sources.credentials = smk_credentials_source(c->creds);
        c->sources.ca_bundle = c->ca_bundle;
    }
    return rc;
}

enum smk_err smk_client_new(const struct smk_client_config *cfg, struct smk_client **out,
                            struct smk_error *err)
{
    struct smk_credentials_provider *given = cfg->credentials_provider;
    struct smk_client *c;
    enum smk_err rc;

    *out = NULL;
    c = calloc(1, sizeof(*c));
    if (c == NULL) {
        rc = smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
        goto fail_transport;
    }
    c->transport = cfg->transport;
    smk_sigv4_key_cache_init(&c->key_cache);
    smk__retry_quota_init(&c->quota);
    smk_http_response_init(&c->response,
                           cfg->max_response_bytes ? cfg->max_response_bytes : DEFAULT_MAX_RESPONSE);
    smk_request_init(&c->request);
    c->connect_timeout_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms
                                                        : DEFAULT_CONNECT_TIMEOUT_MS;
    c->read_timeout_ms = cfg->read_timeout_ms > 0 ? cfg->read_timeout_ms : DEFAULT_READ_TIMEOUT_MS;
    c->validate = cfg->validate != 0;
    c->clock = cfg->clock ? cfg->clock : smk__system_clock;
    c->sleep = cfg->sleep ? cfg->sleep : smk__system_sleep;
    c->random = cfg->random ? cfg->random : smk__system_random;
    c->hooks_ud = cfg->hooks_ud;
    c->deadline = cfg->deadline > 0 ? cfg->deadline : 0;
    c->log = cfg->log;
    c->log_ud = cfg->log_ud;

    rc = resolve_settings(c, cfg, &given, err);
    if (rc != SMK_OK)
        goto fail;
    if (c->transport == NULL) {
        struct smk_curl_options copts = {c->ca_bundle, 0};
        rc = smk_transport_curl_new(&copts, &c->transport, err);
        if (rc != SMK_OK)
            goto fail;
    }
    *out = c;
    return SMK_OK;
fail:
    smk_credentials_provider_free(given);
    smk_client_free(c); /* destroys cfg->transport too: it was handed over */
    return rc;
fail_transport:
    smk_credentials_provider_free(given);
    if (cfg->transport)
        cfg->transport->destroy(cfg->transport);
    return rc;
}

const char *smk_client_endpoint(const struct smk_client *c)
{
    return c->endpoint;
}

const char *smk_client_region(const struct smk_client *c)
{
    return c->region;
}

void smk_client_sources(const struct smk_client *c, struct smk_client_sources *out)
{
    *out = c->sources;
}

/* ---- requests ------------------------------------------------------------ */

void smk_request_init(struct smk_request *r)
{
    memset(r, 0, sizeof(*r));
    r->method = "POST";
    smk_buf_init(&r->url, 4096);
    smk_buf_init(&r->body, MAX_REQUEST_BODY);
    smk_sigv4_result_init(&r->sig);
    smk_buf_init(&r->session_token, 64 * 1024);
}

void smk_request_cleanup(struct smk_request *r)
{
    smk_buf_cleanup(&r->url);
    smk_buf_cleanup(&r->body);
    smk_sigv4_result_cleanup(&r->sig);
    smk_buf_cleanup_secure(&r->session_token);
    r->n_headers = 0;
}

static void set_header(struct smk_header *h, const char *name, const char *value)
{
    h->name = name;
    h->name_len = strlen(name);
    h->value = value;
    h->value_len = strlen(value);
}

enum smk_err smk__client_sign(struct smk_client *c, struct smk_request *r, int64_t time,
                              struct smk_error *err)
{
    const struct smk_service_info *svc = smk_service_info();
    struct smk_sigv4_credentials creds;
    struct smk_sigv4_params params = {c->region, svc->signing_name, time, 0};
    struct smk_sigv4_request sreq;
    struct smk_header to_sign[3];
    struct smk_credentials cur;
    enum smk_err rc;
    size_t n = 0;

    /* Cheap while cached; fetches or refreshes temporary credentials. */
    rc = smk_credentials_get(c->creds, &cur, err);
    if (rc != SMK_OK)
        return rc;
    if (r->session_token.data)
        smk__wipe(r->session_token.data, r->session_token.len);
    smk_buf_reset(&r->session_token);
    if (cur.session_token &&
        smk_buf_append_str(&r->session_token, cur.session_token) != SMK_OK)
        return smk_error_set(err, SMK_E_CREDENTIALS, "InvalidCredentials",
                             "the session token is too long");
    creds.access_key_id = cur.access_key_id;
    creds.secret_access_key = cur.secret_access_key;
    creds.session_token = cur.session_token;

    set_header(&to_sign[0], "host", r->host);
    set_header(&to_sign[1], "content-type", svc->content_type);
    set_header(&to_sign[2], "x-amz-target", r->target);
    sreq.method = r->method;
    sreq.path = c->url.path;
    sreq.query = NULL;
    sreq.headers = to_sign;
    sreq.n_headers = 3;
    sreq.body = r->body.data ? r->body.data : "";
    sreq.body_len = r->body.len;
    rc = smk_sigv4_sign(&sreq, &creds, &params, &c->key_cache, &r->sig, err);
    if (rc != SMK_OK)
        return rc;
    /* libcurl adds Host itself from the URL; everything signed is sent. */
    set_header(&r->headers[n++], "Content-Type", svc->content_type);
    set_header(&r->headers[n++], "X-Amz-Target", r->target);
    set_header(&r->headers[n++], "X-Amz-Date", r->sig.amz_date);
    if (cur.session_token)
        set_header(&r->headers[n++], "X-Amz-Security-Token", smk_buf_cstr(&r->session_token));
    set_header(&r->headers[n++], "Authorization", smk_buf_cstr(&r->sig.authorization));
    set_header(&r->headers[n++], "User-Agent", USER_AGENT);
    r->n_headers = n;
    return SMK_OK;
}

enum smk_err smk__client_encode(struct smk_client *c, const struct smk_operation *op,
                                struct smk_value *input, struct smk_arena *arena,
                                struct smk_issues *issues, struct smk_request *r,
                                struct smk_error *err)
{
    struct smk_issues local;
    enum smk_err rc;

    if (c->validate) {
        if (issues == NULL) {
            smk_issues_init(&local);
            issues = &local;
        }
        rc = smk_validate(op, input, arena, issues, err);
        if (rc != SMK_OK)
            return rc;
    }
    smk_buf_reset(&r->body);
    smk_buf_reset(&r->url);
    if (input->kind == SMK_VALUE_LIST && input->u.list.n == 0)
        rc = smk_buf_append_str(&r->body, "{}");
    else
        rc = smk_json_encode(input, &r->body, err);
    if (rc != SMK_OK)
        return rc == SMK_E_TOO_LARGE
                   ? smk_error_set(err, rc, "RequestTooLarge", "request body exceeds %u bytes",
                                   MAX_REQUEST_BODY)
                   : rc;
    if (smk_buf_append_str(&r->url, c->endpoint) != SMK_OK)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    snprintf(r->host, sizeof(r->host), "%s", c->url.host);
    snprintf(r->target, sizeof(r->target), "%s", op->target);
    r->method = "POST";
    return SMK_OK;
}

enum smk_err smk_client_build_request(struct smk_client *c, const struct smk_operation *op,
                                      struct smk_value *input, int64_t time,
                                      struct smk_arena *arena, struct smk_issues *issues,
                                      struct smk_request *out, struct smk_error *err)
{
    enum smk_err rc = smk__client_encode(c, op, input, arena, issues, out, err);

    return rc == SMK_OK ? smk__client_sign(c, out, time, err) : rc;
}

/* ---- responses ------------------------------------------------------------ */

enum smk_err smk_client_parse_response(struct smk_client *c, const struct smk_http_response *resp,
                                       struct smk_arena *arena, struct smk_value *output,
                                       struct smk_error *err)
{
    enum smk_err rc;

    (void)c;
    if (resp->status >= 200 && resp->status < 300) {
        if (resp->body.len == 0)
            return smk_value_set_map(arena, output, 0);
        rc = smk_json_decode(resp->body.data, resp->body.len, MAX_RESPONSE_DEPTH, arena, output,
                             err);
        if (rc == SMK_OK && output->kind != SMK_VALUE_MAP)
            rc = smk_error_set(err, SMK_E_JSON, "InvalidResponse",
                               "response body is JSON but not an object");
        if (rc != SMK_OK && err) {
            err->http_status = resp->status;
            snprintf(err->request_id, sizeof(err->request_id), "%s", resp->request_id);
        }
        return rc;
    }
    smk_aws_json_parse_error(resp->status, resp->error_type[0] ? resp->error_type : NULL,
                             resp->body.data, resp->body.len, err);
    if (err) {
        err->code = SMK_E_SERVICE;
        err->http_status = resp->status;
        snprintf(err->request_id, sizeof(err->request_id), "%s", resp->request_id);
        err->retryable = smk__retry_classify(c->retry_mode, SMK_E_SERVICE, err) != SMK_RETRY_NO;
    }
    return SMK_E_SERVICE;
}

