/*
 * STS (query protocol, XML answers parsed with expat): the endpoint, the
 * signed or unsigned call with retries, the response parser, and the two
 * providers built on it: AssumeRole and AssumeRoleWithWebIdentity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "client/partitions.h"
#include "config/shared.h"
#include "core/wipe.h"
#include "credentials/internal.h"
#include "smk/endpoint.h"
#include "smk/sigv4.h"

#define STS_VERSION "2011-06-15"
#define STS_ATTEMPTS 3
#define MAX_STS_RESPONSE (256u * 1024u)
#define MAX_XML_TEXT (64u * 1024u)
#define MAX_XML_DEPTH 16
#define DEFAULT_STS_TIMEOUT_MS 10000L
#define FORM_CT "application/x-www-form-urlencoded; charset=utf-8"

/* ---- endpoint ---------------------------------------------------------------- */

static int host_label(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > 63 || s[0] == '-')
        return 0;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

enum smk_err smk__sts_endpoint(const struct smk_shared_config *cfg, const char *region,
                               int use_fips, int use_dualstack, char **url,
                               struct smk_error *err)
{
    const struct smk_partition *part = &smk__partitions[0];
    const char *configured = NULL, *name;
    char buf[512];
    size_t i;
    enum smk_err rc;

    *url = NULL;
    rc = smk_config_endpoint_url(cfg, "STS", "sts", &configured, NULL, err);
    if (rc != SMK_OK)
        return rc;
    if (configured) {
        if (use_fips || use_dualstack)
            return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                 "Invalid Configuration: %s and custom endpoint are not "
                                 "supported (STS endpoint)", use_fips ? "FIPS" : "Dualstack");
        snprintf(buf, sizeof(buf), "%s", configured);
    } else if (region == NULL || *region == '\0') {
        snprintf(buf, sizeof(buf), "https://sts.amazonaws.com");
    } else {
        if (!host_label(region))
            return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                 "region \"%.64s\" is not a valid host label", region);
        name = smk_partition_of(region);
        for (i = 0; i < smk__partition_count; i++)
            if (strcmp(smk__partitions[i].name, name) == 0)
                part = &smk__partitions[i];
        if (use_fips && use_dualstack)
            snprintf(buf, sizeof(buf), "https://sts-fips.%s.%s", region,
                     part->dual_stack_dns_suffix);
        else if (use_fips && strcmp(part->name, "aws-us-gov") == 0)
            snprintf(buf, sizeof(buf), "https://sts.%s.amazonaws.com", region);
        else if (use_fips)
            snprintf(buf, sizeof(buf), "https://sts-fips.%s.%s", region, part->dns_suffix);
        else if (use_dualstack)
            snprintf(buf, sizeof(buf), "https://sts.%s.%s", region, part->dual_stack_dns_suffix);
        else
            snprintf(buf, sizeof(buf), "https://sts.%s.%s", region, part->dns_suffix);
    }
    *url = strdup(buf);
    return *url ? SMK_OK : smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
}

/* ---- form encoding -------------------------------------------------------------- */

enum smk_err smk__form_encode(struct smk_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        enum smk_err rc;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            rc = smk_buf_append_char(b, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            rc = smk_buf_append(b, e, 3);
        }
        if (rc != SMK_OK)
            return rc;
    }
    return SMK_OK;
}

/* ---- XML ------------------------------------------------------------------------ */

enum field { F_NONE, F_AKID, F_SECRET, F_TOKEN, F_EXPIRATION, F_CODE, F_MESSAGE, F__COUNT };

struct xml_state {
    XML_Parser parser;
    const char *stack[MAX_XML_DEPTH]; /* local names (pointers into a scratch copy) */
    char names[MAX_XML_DEPTH][64];
    int depth;
    int failed; /* DOCTYPE, too deep */
    int in_result;
    struct smk_buf text;
    char *fields[F__COUNT];
};

static const char *local_name(const char *name)
{
    const char *colon = strrchr(name, ':');
    return colon ? colon + 1 : name;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct xml_state *x = ud;

    (void)attrs;
    if (x->depth >= MAX_XML_DEPTH) {
        x->failed = 1;
        XML_StopParser(x->parser, XML_FALSE);
        return;
    }
    snprintf(x->names[x->depth], sizeof(x->names[0]), "%s", local_name(name));
    x->stack[x->depth] = x->names[x->depth];
    x->depth++;
    if (x->text.data)
        smk__wipe(x->text.data, x->text.len);
    smk_buf_reset(&x->text);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct xml_state *x = ud;
    const char *me = local_name(name), *parent, *grand;
    enum field f = F_NONE;

    if (x->depth <= 0)
        return;
    parent = x->depth >= 2 ? x->stack[x->depth - 2] : "";
    grand = x->depth >= 3 ? x->stack[x->depth - 3] : "";
    if (strcmp(parent, "Credentials") == 0 && ends_with(grand, "Result")) {
        if (strcmp(me, "AccessKeyId") == 0)
            f = F_AKID;
        else if (strcmp(me, "SecretAccessKey") == 0)
            f = F_SECRET;
        else if (strcmp(me, "SessionToken") == 0)
            f = F_TOKEN;
        else if (strcmp(me, "Expiration") == 0)
            f = F_EXPIRATION;
    } else if (strcmp(parent, "Error") == 0) {
        if (strcmp(me, "Code") == 0)
            f = F_CODE;
        else if (strcmp(me, "Message") == 0)
            f = F_MESSAGE;
    }
    if (f != F_NONE && x->fields[f] == NULL) {
        x->fields[f] = strdup(smk_buf_cstr(&x->text));
        if (x->fields[f] == NULL) {
            x->failed = 1;
            XML_StopParser(x->parser, XML_FALSE);
        }
    }
    if (x->text.data)
        smk__wipe(x->text.data, x->text.len);
    smk_buf_reset(&x->text);
    x->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct xml_state *x = ud;

    if (len > 0 && smk_buf_append(&x->text, s, (size_t)len) != SMK_OK) {
        x->failed = 1;
        XML_StopParser(x->parser, XML_FALSE);
    }
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    struct xml_state *x = ud;

    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal;
    x->failed = 1; /* no DTDs, no entities */
    XML_StopParser(x->parser, XML_FALSE);
}

static void trim(char *s)
{
    size_t a = 0, n;

    if (s == NULL)
        return;
    while (s[a] == ' ' || s[a] == '\n' || s[a] == '\r' || s[a] == '\t')
        a++;
    n = strlen(s + a);
    memmove(s, s + a, n + 1);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t'))
        s[--n] = '\0';
}

static void sanitize(char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20)
            *s = ' ';
}

enum smk_err smk__sts_parse(const char *xml, size_t len, int http_status, const char *what,
                            struct smk__creds *out, struct smk_error *err)
{
    struct xml_state x;
    enum smk_err rc;
    int ok, i;

    memset(out, 0, sizeof(*out));
    memset(&x, 0, sizeof(x));
    smk_buf_init(&x.text, MAX_XML_TEXT);
    x.parser = XML_ParserCreate("UTF-8");
    if (x.parser == NULL)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    XML_SetUserData(x.parser, &x);
    XML_SetElementHandler(x.parser, on_start, on_end);
    XML_SetCharacterDataHandler(x.parser, on_text);
    XML_SetStartDoctypeDeclHandler(x.parser, on_doctype);
    ok = len <= (size_t)0x7fffffff &&
         XML_Parse(x.parser, xml, (int)len, XML_TRUE) == XML_STATUS_OK && !x.failed;
    XML_ParserFree(x.parser);
    smk_buf_cleanup_secure(&x.text);
    for (i = 0; i < F__COUNT; i++)
        trim(x.fields[i]);
    if (!ok) {
        rc = smk_error_set(err, SMK_E_CREDENTIALS, "InvalidResponse",
                           "STS %s: the answer (HTTP %d) is not well-formed XML", what,
                           http_status);
    } else if (http_status < 200 || http_status >= 300 || x.fields[F_CODE]) {
        sanitize(x.fields[F_CODE]);
        sanitize(x.fields[F_MESSAGE]);
        rc = smk_error_set(err, SMK_E_CREDENTIALS,
                           x.fields[F_CODE] && *x.fields[F_CODE] ? x.fields[F_CODE] : "STSError",
                           "STS %s failed (HTTP %d): %.96s%s%.400s", what, http_status,
                           x.fields[F_CODE] ? x.fields[F_CODE] : "no error code",
                           x.fields[F_MESSAGE] ? ": " : "",
                           x.fields[F_MESSAGE] ? x.fields[F_MESSAGE] : "");
        if (err)
            err->http_status = http_status;
    } else {
        double exp = 0;
        if (x.fields[F_AKID] == NULL || x.fields[F_SECRET] == NULL ||
            x.fields[F_TOKEN] == NULL || x.fields[F_EXPIRATION] == NULL)
            rc = smk_error_set(err, SMK_E_CREDENTIALS, "InvalidResponse",
                               "STS %s: the answer lacks Credentials", what);
        else if (smk_parse_iso8601(x.fields[F_EXPIRATION], &exp) != 0)
            rc = smk_error_set(err, SMK_E_CREDENTIALS, "InvalidResponse",
                               "STS %s: Expiration is not an ISO 8601 time", what);
        else
            rc = smk__creds_set(out, x.fields[F_AKID], x.fields[F_SECRET], x.fields[F_TOKEN],
                                exp, what, err);
    }
    for (i = 0; i < F__COUNT; i++)
        smk__free_secret(x.fields[i]);
    return rc;
}

/* ---- the call ------------------------------------------------------------------ */

static void set_header(struct smk_header *h, const char *name, const char *value)
{
    h->name = name;
    h->name_len = strlen(name);
    h->value = value;
    h->value_len = strlen(value);
}

static int retryable_sts_code(const char *code)
{
    static const char *const codes[] = {"Throttling", "ThrottlingException", "RequestLimitExceeded",
                                        "IDPCommunicationError", "InternalFailure",
                                        "ServiceUnavailable", NULL};
    size_t i;

    for (i = 0; codes[i]; i++)
        if (strcmp(code, codes[i]) == 0)
            return 1;
    return 0;
}

enum smk_err smk__sts_call(struct smk_credentials_provider *p, const char *endpoint,
                           const char *action, const char *const *params, size_t n,
                           const struct smk_credentials *creds, const char *what,
                           struct smk__creds *out, struct smk_error *err)
{
    struct smk_url_parts url;
    struct smk_transport *t;
    struct smk_buf body;
    struct smk_http_response resp;
    struct smk_sigv4_result sig;
    enum smk_err rc;
    long timeout = p->s.sts_timeout_ms > 0 ? p->s.sts_timeout_ms : DEFAULT_STS_TIMEOUT_MS;
    int attempt;
    size_t i;

    memset(out, 0, sizeof(*out));
    rc = smk_url_parse(endpoint, &url, err);
    if (rc != SMK_OK)
        return rc;
    if (!url.https && !url.loopback && !p->s.allow_http)
        return smk_error_set(err, SMK_E_CONFIG, "InsecureEndpoint",
                             "refusing plain http to the STS endpoint %s (not a loopback "
                             "host): use https, or set allow_http",
                             url.host);
    rc = smk__provider_transport(p, &t, err);
    if (rc != SMK_OK)
        return rc;
    smk_buf_init(&body, 256 * 1024);
    smk_http_response_init(&resp, MAX_STS_RESPONSE);
    smk_sigv4_result_init(&sig);
    rc = smk_buf_appendf(&body, "Action=%s&Version=%s", action, STS_VERSION);
    for (i = 0; rc == SMK_OK && i < n; i++) {
        if (params[2 * i + 1] == NULL)
            continue;
        rc = smk_buf_appendf(&body, "&%s=", params[2 * i]);
        if (rc == SMK_OK)
            rc = smk__form_encode(&body, params[2 * i + 1]);
    }
    if (rc != SMK_OK) {
        rc = smk_error_set(err, rc, NULL, "STS request too large");
        goto done;
    }
    for (attempt = 1;; attempt++) {
        struct smk_header hdrs[6];
        struct smk_http_request req;
        size_t nh = 0;

        set_header(&hdrs[nh++], "Content-Type", FORM_CT);
        set_header(&hdrs[nh++], "Accept", "text/xml");
        if (creds) {
            struct smk_header to_sign[2];
            struct smk_sigv4_request sreq;
            struct smk_sigv4_credentials sc = {creds->access_key_id, creds->secret_access_key,
                                               creds->session_token};
            struct smk_sigv4_params sp = {p->s.region ? p->s.region : "us-east-1", "sts",
                                          (int64_t)smk__provider_now(p), 0};
            set_header(&to_sign[0], "host", url.host);
            set_header(&to_sign[1], "content-type", FORM_CT);
            memset(&sreq, 0, sizeof(sreq));
            sreq.method = "POST";
            sreq.path = url.path;
            sreq.headers = to_sign;
            sreq.n_headers = 2;
            sreq.body = body.data;
            sreq.body_len = body.len;
            rc = smk_sigv4_sign(&sreq, &sc, &sp, NULL, &sig, err);
            if (rc != SMK_OK)
                goto done;
            set_header(&hdrs[nh++], "X-Amz-Date", sig.amz_date);
            if (creds->session_token && *creds->session_token)
                set_header(&hdrs[nh++], "X-Amz-Security-Token", creds->session_token);
            set_header(&hdrs[nh++], "Authorization", smk_buf_cstr(&sig.authorization));
        }
        memset(&req, 0, sizeof(req));
        req.method = "POST";
        req.url = endpoint;
        req.headers = hdrs;
        req.n_headers = nh;
        req.body = body.data;
        req.body_len = body.len;
        req.connect_timeout_ms = timeout < 5000 ? timeout : 5000;
        req.timeout_ms = timeout;
        rc = t->send(t, &req, &resp, err);
        if (rc != SMK_OK) {
            if (attempt < STS_ATTEMPTS && (rc == SMK_E_TRANSPORT || rc == SMK_E_TIMEOUT)) {
                smk__provider_sleep(p, 0.2 * attempt);
                continue;
            }
            smk__error_prefixf(err, SMK_E_CREDENTIALS, "STSUnreachable", "STS %s at %s: ", what,
                               url.host);
            if (err)
                err->retryable = 0;
            rc = SMK_E_CREDENTIALS;
            goto done;
        }
        rc = smk__sts_parse(resp.body.data ? resp.body.data : "", resp.body.len, resp.status,
                            what, out, err);
        if (rc == SMK_OK)
            goto done;
        if (attempt < STS_ATTEMPTS && err &&
            (resp.status >= 500 || resp.status == 429 || retryable_sts_code(err->type))) {
            smk__provider_sleep(p, 0.2 * attempt);
            continue;
        }
        goto done;
    }
done:
    smk_sigv4_result_cleanup(&sig);
    smk_buf_cleanup_secure(&body);
    if (resp.body.data)
        smk__wipe(resp.body.data, resp.body.cap);
    smk_http_response_cleanup(&resp);
    return rc;
}

/* ---- AssumeRole ------------------------------------------------------------------- */

struct assume_role {
    struct smk_credentials_provider *source;
    char *endpoint;
    char *role_arn;
    char *session_name;
    char *external_id;
    char duration[16];
};

static void assume_role_destroy(struct smk_credentials_provider *p)
{
    struct assume_role *a = p->impl;

    if (a) {
        smk_credentials_provider_free(a->source);
        free(a->endpoint);
        free(a->role_arn);
        free(a->session_name);
        free(a->external_id);
        free(a);
    }
    p->impl = NULL;
}

static enum smk_err assume_role_fetch(struct smk_credentials_provider *p, struct smk__creds *out,
                                      struct smk_error *err)
{
    struct assume_role *a = p->impl;
    struct smk_credentials src;
    const char *params[8];
    char what[400];
    enum smk_err rc;

    rc = smk_credentials_get(a->source, &src, err);
    if (rc != SMK_OK) {
        smk__error_prefixf(err, SMK_OK, NULL, "assume role %.200s: its source credentials failed: ",
                           a->role_arn);
        return rc;
    }
    params[0] = "RoleArn";
    params[1] = a->role_arn;
    params[2] = "RoleSessionName";
    params[3] = a->session_name;
    params[4] = "ExternalId";
    params[5] = a->external_id;
    params[6] = "DurationSeconds";
    params[7] = a->duration[0] ? a->duration : NULL;
    snprintf(what, sizeof(what), "AssumeRole for %.300s", a->role_arn);
    return smk__sts_call(p, a->endpoint, "AssumeRole", params, 4, &src, what, out, err);
}

static const struct smk__cred_vtable assume_role_vt = {assume_role_fetch, assume_role_destroy};

static enum smk_err default_session_name(const struct smk_credentials_provider *p, char **out)
{
    char buf[64];

    snprintf(buf, sizeof(buf), "lua-sagemaker-%lld", (long long)smk__provider_now(p));
    *out = strdup(buf);
    return *out ? SMK_OK : SMK_E_NOMEM;
}

enum smk_err smk__assume_role_new(struct smk_credentials_provider *source,
                                  const struct smk_assume_role_params *params,
                                  const struct smk_credentials_options *o,
                                  const struct smk_shared_config *cfg,
                                  struct smk_credentials_provider **out, struct smk_error *err)
{
    struct assume_role *a;
    enum smk_err rc;
    int ok;

    *out = NULL;
    if (params == NULL || params->role_arn == NULL || *params->role_arn == '\0') {
        smk_credentials_provider_free(source);
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "assume role needs a role ARN");
    }
    if (params->duration_seconds < 0) {
        smk_credentials_provider_free(source);
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "duration_seconds must be positive");
    }
    a = calloc(1, sizeof(*a));
    if (a == NULL) {
        smk_credentials_provider_free(source);
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    }
    a->source = source;
    a->role_arn = strdup(params->role_arn);
    a->session_name = params->session_name && *params->session_name
                          ? strdup(params->session_name)
                          : NULL;
    a->external_id = params->external_id ? strdup(params->external_id) : NULL;
    if (params->duration_seconds > 0)
        snprintf(a->duration, sizeof(a->duration), "%d", params->duration_seconds);
    ok = a->role_arn && (a->session_name || !(params->session_name && *params->session_name)) &&
         (a->external_id || !params->external_id);
    if (!ok) {
        struct smk_credentials_provider tmp;
        memset(&tmp, 0, sizeof(tmp));
        tmp.impl = a;
        assume_role_destroy(&tmp);
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    }
    rc = smk__provider_new(&assume_role_vt, "assume role", a, o, out, err);
    if (rc != SMK_OK)
        return rc;
    if (a->session_name == NULL && default_session_name(*out, &a->session_name) != SMK_OK)
        rc = smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    if (rc == SMK_OK)
        rc = smk__sts_endpoint(cfg, (*out)->s.region, (*out)->s.use_fips,
                               (*out)->s.use_dualstack, &a->endpoint, err);
    if (rc == SMK_OK)
        rc = smk__provider_set_source(*out, err, "assume role %.300s (source: %.400s)",
                                      a->role_arn, smk_credentials_source(source));
    if (rc != SMK_OK) {
        smk_credentials_provider_free(*out);
        *out = NULL;
    }
    return rc;
}

enum smk_err smk_credentials_assume_role_new(struct smk_credentials_provider *source,
                                             const struct smk_assume_role_params *params,
                                             const struct smk_credentials_options *o,
                                             struct smk_credentials_provider **out,
                                             struct smk_error *err)
{
    struct smk_shared_config *cfg = NULL;
    enum smk_err rc;

    if (o == NULL || o->shared_config == NULL) {
        struct smk_shared_config_options so = {NULL, NULL, o ? o->profile : NULL};
        rc = smk_shared_config_load(&so, &cfg, err);
        if (rc != SMK_OK) {
            smk_credentials_provider_free(source);
            *out = NULL;
            return rc;
        }
    }
    rc = smk__assume_role_new(source, params, o, cfg ? cfg : o->shared_config, out, err);
    smk_shared_config_free(cfg);
    return rc;
}

/* ---- AssumeRoleWithWebIdentity ------------------------------------------------------ */

struct web_identity {
    char *endpoint;
    char *token_file;
    char *role_arn;
    char *session_name;
};

static void web_identity_destroy(struct smk_credentials_provider *p)
{
    struct web_identity *w = p->impl;

    if (w) {
        free(w->endpoint);
        free(w->token_file);
        free(w->role_arn);
        free(w->session_name);
        free(w);
    }
    p->impl = NULL;
}

static enum smk_err web_identity_fetch(struct smk_credentials_provider *p,
                                       struct smk__creds *out, struct smk_error *err)
{
    struct web_identity *w = p->impl;
    const char *params[6];
    char what[400], *token = NULL;
    enum smk_err rc;

    snprintf(what, sizeof(what), "AssumeRoleWithWebIdentity for %.300s", w->role_arn);
    rc = smk__read_token_file(w->token_file, "web identity token file", &token, err);
    if (rc != SMK_OK)
        return rc;
    params[0] = "RoleArn";
    params[1] = w->role_arn;
    params[2] = "RoleSessionName";
    params[3] = w->session_name;
    params[4] = "WebIdentityToken";
    params[5] = token;
    rc = smk__sts_call(p, w->endpoint, "AssumeRoleWithWebIdentity", params, 3, NULL, what, out,
                       err);
    smk__free_secret(token);
    return rc;
}

static const struct smk__cred_vtable web_identity_vt = {web_identity_fetch,
                                                        web_identity_destroy};

enum smk_err smk__web_identity_new(const char *token_file, const char *role_arn,
                                   const char *session_name, const char *origin,
                                   const struct smk_credentials_options *o,
                                   const struct smk_shared_config *cfg,
                                   struct smk_credentials_provider **out, struct smk_error *err)
{
    struct web_identity *w;
    enum smk_err rc;

    *out = NULL;
    w = calloc(1, sizeof(*w));
    if (w == NULL)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    w->token_file = strdup(token_file);
    w->role_arn = strdup(role_arn);
    w->session_name = session_name && *session_name ? strdup(session_name) : NULL;
    if (w->token_file == NULL || w->role_arn == NULL ||
        (session_name && *session_name && w->session_name == NULL)) {
        struct smk_credentials_provider tmp;
        memset(&tmp, 0, sizeof(tmp));
        tmp.impl = w;
        web_identity_destroy(&tmp);
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    }
    rc = smk__provider_new(&web_identity_vt, "web identity", w, o, out, err);
    if (rc != SMK_OK)
        return rc;
    if (w->session_name == NULL && default_session_name(*out, &w->session_name) != SMK_OK)
        rc = smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    if (rc == SMK_OK)
        rc = smk__sts_endpoint(cfg, (*out)->s.region, (*out)->s.use_fips,
                               (*out)->s.use_dualstack, &w->endpoint, err);
    if (rc == SMK_OK)
        rc = smk__provider_set_source(*out, err, "web identity %.300s (%s)", w->role_arn,
                                      origin);
    if (rc != SMK_OK) {
        smk_credentials_provider_free(*out);
        *out = NULL;
    }
    return rc;
}
