/*
 * Credentials over plain HTTP from the environment the program runs in:
 * the container credentials endpoint (ECS, EKS Pod Identity) and EC2
 * instance metadata (IMDSv2 only). See smk/credentials.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/shared.h"
#include "core/wipe.h"
#include "credentials/internal.h"
#include "smk/endpoint.h"

#define MAX_METADATA_RESPONSE (64u * 1024u)
#define CONTAINER_HOST "http://169.254.170.2"
#define CONTAINER_TIMEOUT_MS 2000L
#define CONTAINER_ATTEMPTS 3
#define IMDS_DEFAULT "http://169.254.169.254/"
#define IMDS_DEFAULT_V6 "http://[fd00:ec2::254]/"
#define IMDS_TOKEN_TTL "21600"
#define IMDS_ROLE_PATH "latest/meta-data/iam/security-credentials/"

static void set_header(struct smk_header *h, const char *name, const char *value)
{
    h->name = name;
    h->name_len = strlen(name);
    h->value = value;
    h->value_len = strlen(value);
}

/* One GET/PUT with `attempts` tries on connection failures and 5xx. Fills
 * `resp`; an HTTP error status is not an error here. */
static enum smk_err http_do(struct smk_credentials_provider *p, const char *method,
                            const char *url, const struct smk_header *h, size_t nh,
                            long timeout_ms, int attempts, struct smk_http_response *resp,
                            const char *what, struct smk_error *err)
{
    struct smk_transport *t;
    struct smk_http_request req;
    enum smk_err rc;
    int attempt;

    rc = smk__provider_transport(p, &t, err);
    if (rc != SMK_OK)
        return rc;
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.url = url;
    req.headers = h;
    req.n_headers = nh;
    req.body = "";
    req.connect_timeout_ms = timeout_ms;
    req.timeout_ms = timeout_ms;
    for (attempt = 1;; attempt++) {
        rc = t->send(t, &req, resp, err);
        if (rc == SMK_OK && resp->status < 500)
            return SMK_OK;
        if (attempt >= attempts)
            break;
        smk__provider_sleep(p, 0.1 * attempt);
    }
    if (rc == SMK_OK)
        return SMK_OK; /* a 5xx: the caller reports the status */
    smk__error_prefixf(err, SMK_E_CREDENTIALS, "CredentialsNotFound", "%s: ", what);
    return SMK_E_CREDENTIALS;
}

static void wipe_response(struct smk_http_response *resp)
{
    if (resp->body.data)
        smk__wipe(resp->body.data, resp->body.cap);
    smk_http_response_cleanup(resp);
}

/* ---- container ----------------------------------------------------------------- */

struct container {
    char *url;
    char *token;      /* AWS_CONTAINER_AUTHORIZATION_TOKEN (secret) */
    char *token_file; /* AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE */
};

static void container_destroy(struct smk_credentials_provider *p)
{
    struct container *c = p->impl;

    if (c) {
        free(c->url);
        smk__free_secret(c->token);
        free(c->token_file);
        free(c);
    }
    p->impl = NULL;
}

static enum smk_err container_fetch(struct smk_credentials_provider *p, struct smk__creds *out,
                                    struct smk_error *err)
{
    struct container *c = p->impl;
    struct smk_http_response resp;
    struct smk_header h[2];
    char *file_token = NULL;
    const char *token = c->token;
    size_t nh = 0;
    enum smk_err rc;

    if (c->token_file) {
        rc = smk__read_token_file(c->token_file, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                                  &file_token, err);
        if (rc != SMK_OK)
            return rc;
        token = file_token;
    }
    set_header(&h[nh++], "Accept", "application/json");
    if (token)
        set_header(&h[nh++], "Authorization", token);
    smk_http_response_init(&resp, MAX_METADATA_RESPONSE);
    rc = http_do(p, "GET", c->url, h, nh, CONTAINER_TIMEOUT_MS, CONTAINER_ATTEMPTS, &resp,
                 "container credentials endpoint", err);
    if (rc == SMK_OK && resp.status != 200)
        rc = smk_error_set(err, SMK_E_CREDENTIALS, "CredentialsEndpointError",
                           "the container credentials endpoint answered HTTP %d", resp.status);
    if (rc == SMK_OK)
        rc = smk__creds_from_json(resp.body.data ? resp.body.data : "", resp.body.len,
                                  "container credentials endpoint", "Token", 1, 1, 0, out, err);
    smk__free_secret(file_token);
    wipe_response(&resp);
    return rc;
}

static const struct smk__cred_vtable container_vt = {container_fetch, container_destroy};

/* Host part of "host[:port]" / "[v6]:port" into `out`. */
static void bare_host(const char *host, char *out, size_t size)
{
    const char *end = NULL;

    if (host[0] == '[') {
        end = strchr(host, ']');
        end = end ? end + 1 : NULL;
    } else {
        end = strchr(host, ':');
    }
    snprintf(out, size, "%.*s", end ? (int)(end - host) : (int)strlen(host), host);
}

enum smk_err smk_credentials_container_new(const struct smk_credentials_options *o,
                                           struct smk_credentials_provider **out,
                                           struct smk_error *err)
{
    const char *rel = smk__env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = smk__env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    const char *token = smk__env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    const char *token_file = smk__env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    struct smk_url_parts parts;
    struct container *c;
    enum smk_err rc;
    char host[300];

    *out = NULL;
    if (rel == NULL && full == NULL)
        return smk_error_set(err, SMK_E_CREDENTIALS, "CredentialsNotFound",
                             "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
                             "AWS_CONTAINER_CREDENTIALS_FULL_URI not set)");
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    if (rel) {
        size_t n = strlen(CONTAINER_HOST) + strlen(rel) + 2;
        c->url = malloc(n);
        if (c->url)
            snprintf(c->url, n, "%s%s%s", CONTAINER_HOST, rel[0] == '/' ? "" : "/", rel);
    } else {
        c->url = strdup(full);
    }
    if (c->url == NULL) {
        rc = smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
        goto fail;
    }
    rc = smk_url_parse(c->url, &parts, err);
    if (rc != SMK_OK) {
        smk__error_prefixf(err, SMK_OK, NULL, "%s: ",
                           rel ? "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
                               : "AWS_CONTAINER_CREDENTIALS_FULL_URI");
        goto fail;
    }
    bare_host(parts.host, host, sizeof(host));
    if (!rel && !parts.https && !parts.loopback && strcmp(host, "169.254.170.2") != 0 &&
        strcmp(host, "169.254.170.23") != 0 && strcasecmp(host, "[fd00:ec2::23]") != 0) {
        rc = smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                           "AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http is allowed only to a "
                           "loopback host, 169.254.170.2, 169.254.170.23 or [fd00:ec2::23], not "
                           "%.200s",
                           host);
        goto fail;
    }
    if (token_file) {
        c->token_file = strdup(token_file);
        if (c->token_file == NULL) {
            rc = smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
            goto fail;
        }
    } else if (token) {
        if (strchr(token, '\r') || strchr(token, '\n')) {
            rc = smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                               "AWS_CONTAINER_AUTHORIZATION_TOKEN must not contain CR or LF");
            goto fail;
        }
        c->token = strdup(token);
        if (c->token == NULL) {
            rc = smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
            goto fail;
        }
    }
    return smk__provider_new(&container_vt,
                             rel ? "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)"
                                 : "container (AWS_CONTAINER_CREDENTIALS_FULL_URI)",
                             c, o, out, err);
fail : {
    struct smk_credentials_provider tmp;
    memset(&tmp, 0, sizeof(tmp));
    tmp.impl = c;
    container_destroy(&tmp);
    return rc;
}
}

/* ---- EC2 instance metadata ------------------------------------------------------ */

struct imds {
    char *base; /* ends with '/' */
    long timeout_ms;
    int attempts;
};

static void imds_destroy(struct smk_credentials_provider *p)
{
    struct imds *m = p->impl;

    if (m) {
        free(m->base);
        free(m);
    }
    p->impl = NULL;
}

static void trim_body(struct smk_http_response *resp)
{
    char *s = resp->body.data;
    size_t n = resp->body.len;

    if (s == NULL)
        return;
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    resp->body.len = n;
}

static enum smk_err imds_fetch(struct smk_credentials_provider *p, struct smk__creds *out,
                               struct smk_error *err)
{
    struct imds *m = p->impl;
    struct smk_http_response resp;
    struct smk_header h[1];
    char url[1024], *token = NULL, role[256];
    enum smk_err rc;
    char *nl;

    smk_http_response_init(&resp, MAX_METADATA_RESPONSE);
    snprintf(url, sizeof(url), "%slatest/api/token", m->base);
    set_header(&h[0], "X-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL);
    rc = http_do(p, "PUT", url, h, 1, m->timeout_ms, m->attempts, &resp,
                 "EC2 instance metadata (IMDSv2 token)", err);
    if (rc != SMK_OK)
        goto done;
    trim_body(&resp);
    if (resp.status != 200 || resp.body.len == 0 ||
        strpbrk(smk_buf_cstr(&resp.body), "\r\n") != NULL) {
        rc = smk_error_set(err, SMK_E_CREDENTIALS, "CredentialsNotFound",
                           "EC2 instance metadata at %s gave no IMDSv2 session token (HTTP %d); "
                           "IMDSv1 is not used",
                           m->base, resp.status);
        goto done;
    }
    token = strdup(smk_buf_cstr(&resp.body));
    if (token == NULL) {
        rc = smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
        goto done;
    }
    set_header(&h[0], "X-aws-ec2-metadata-token", token);
    snprintf(url, sizeof(url), "%s%s", m->base, IMDS_ROLE_PATH);
    rc = http_do(p, "GET", url, h, 1, m->timeout_ms, m->attempts, &resp,
                 "EC2 instance metadata (role name)", err);
    if (rc != SMK_OK)
        goto done;
    trim_body(&resp);
    nl = resp.body.data ? strchr(resp.body.data, '\n') : NULL;
    if (nl)
        *nl = '\0';
    if (resp.status != 200 || resp.body.len == 0 || strlen(smk_buf_cstr(&resp.body)) >= sizeof(role) ||
        strpbrk(smk_buf_cstr(&resp.body), "/?#%\r ") != NULL) {
        rc = smk_error_set(err, SMK_E_CREDENTIALS, "CredentialsNotFound",
                           "EC2 instance metadata at %s: no IAM role is attached to this "
                           "instance (HTTP %d)",
                           m->base, resp.status);
        goto done;
    }
    snprintf(role, sizeof(role), "%s", smk_buf_cstr(&resp.body));
    snprintf(url, sizeof(url), "%s%s%s", m->base, IMDS_ROLE_PATH, role);
    rc = http_do(p, "GET", url, h, 1, m->timeout_ms, m->attempts, &resp,
                 "EC2 instance metadata (credentials)", err);
    if (rc == SMK_OK && resp.status != 200)
        rc = smk_error_set(err, SMK_E_CREDENTIALS, "CredentialsNotFound",
                           "EC2 instance metadata at %s answered HTTP %d for the credentials of "
                           "role %s",
                           m->base, resp.status, role);
    if (rc == SMK_OK)
        rc = smk__creds_from_json(resp.body.data ? resp.body.data : "", resp.body.len,
                                  "EC2 instance metadata", "Token", 1, 1, 0, out, err);
done:
    smk__free_secret(token);
    wipe_response(&resp);
    return rc;
}

static const struct smk__cred_vtable imds_vt = {imds_fetch, imds_destroy};

static const char *setting(const struct smk_shared_config *cfg, const char *env,
                           const char *key)
{
    const char *v = smk__env(env);
    return v ? v : smk_shared_config_get(cfg, NULL, key);
}

enum smk_err smk__imds_new(const struct smk_credentials_options *o,
                           const struct smk_shared_config *cfg,
                           struct smk_credentials_provider **out, struct smk_error *err)
{
    const char *disabled = smk__env("AWS_EC2_METADATA_DISABLED");
    const char *endpoint = setting(cfg, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                   "ec2_metadata_service_endpoint");
    const char *mode = setting(cfg, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                               "ec2_metadata_service_endpoint_mode");
    const char *timeout = setting(cfg, "AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout");
    const char *attempts = setting(cfg, "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
                                   "metadata_service_num_attempts");
    struct smk_url_parts parts;
    struct imds *m;
    enum smk_err rc;
    size_t n;

    *out = NULL;
    if (disabled && smk_config_parse_bool(disabled) == 1)
        return smk_error_set(err, SMK_E_CREDENTIALS, "CredentialsNotFound",
                             "EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)");
    if (endpoint == NULL) {
        if (mode && strcasecmp(mode, "IPv6") == 0)
            endpoint = IMDS_DEFAULT_V6;
        else if (mode == NULL || strcasecmp(mode, "IPv4") == 0)
            endpoint = IMDS_DEFAULT;
        else
            return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                 "the EC2 metadata endpoint mode must be IPv4 or IPv6");
    }
    rc = smk_url_parse(endpoint, &parts, err);
    if (rc != SMK_OK)
        return rc;
    m = calloc(1, sizeof(*m));
    if (m == NULL)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    n = strlen(endpoint);
    m->base = malloc(n + 2);
    if (m->base == NULL) {
        free(m);
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    }
    snprintf(m->base, n + 2, "%s%s", endpoint, n > 0 && endpoint[n - 1] == '/' ? "" : "/");
    m->timeout_ms = 1000;
    m->attempts = 1;
    if (timeout) {
        char *end;
        double v;
        errno = 0;
        v = strtod(timeout, &end);
        if (errno || end == timeout || *end != '\0' || !(v > 0) || v > 3600) {
            free(m->base);
            free(m);
            return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                 "metadata_service_timeout must be a number of seconds");
        }
        m->timeout_ms = (long)(v * 1000);
    }
    if (attempts) {
        char *end;
        long v;
        errno = 0;
        v = strtol(attempts, &end, 10);
        if (errno || end == attempts || *end != '\0' || v < 1 || v > 10) {
            free(m->base);
            free(m);
            return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                 "metadata_service_num_attempts must be an integer 1..10");
        }
        m->attempts = (int)v;
    }
    return smk__provider_new(&imds_vt, "EC2 instance metadata", m, o, out, err);
}

enum smk_err smk_credentials_imds_new(const struct smk_credentials_options *o,
                                      struct smk_credentials_provider **out,
                                      struct smk_error *err)
{
    struct smk_shared_config *cfg = NULL;
    enum smk_err rc;

    if (o == NULL || o->shared_config == NULL) {
        struct smk_shared_config_options so = {NULL, NULL, o ? o->profile : NULL};
        rc = smk_shared_config_load(&so, &cfg, err);
        if (rc != SMK_OK) {
            *out = NULL;
            return rc;
        }
    }
    rc = smk__imds_new(o, cfg ? cfg : o->shared_config, out, err);
    smk_shared_config_free(cfg);
    return rc;
}
