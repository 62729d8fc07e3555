/*
 * The provider object: cache and refresh ahead of expiry, plus the simple
 * sources (static keys, environment, custom callback) and shared helpers.
 * See smk/credentials.h for the contracts.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "config/shared.h"
#include "core/system_hooks.h"
#include "core/wipe.h"
#include "credentials/internal.h"
#include "smk/client.h"

#define DEFAULT_REFRESH_WINDOW 300.0 /* seconds before expiry */
#define KEEP_MARGIN 10.0             /* old credentials kept while this much is left */
#define RETRY_AFTER_FAILURE 30.0     /* between refresh attempts once one failed */
#define MAX_TOKEN_FILE (64u * 1024u)

/* ---- small helpers ------------------------------------------------------------ */

void smk__free_secret(char *s)
{
    if (s) {
        smk__wipe(s, strlen(s));
        free(s);
    }
}

void smk__creds_clear(struct smk__creds *c)
{
    free(c->akid);
    smk__free_secret(c->secret);
    smk__free_secret(c->token);
    memset(c, 0, sizeof(*c));
}

static int has_bad_char(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

enum smk_err smk__creds_set(struct smk__creds *out, const char *akid, const char *secret,
                            const char *token, double expiration, const char *what,
                            struct smk_error *err)
{
    memset(out, 0, sizeof(*out));
    if (akid == NULL || *akid == '\0' || secret == NULL || *secret == '\0')
        return smk_error_set(err, SMK_E_CREDENTIALS, "PartialCredentials",
                             "%s: the access key id or the secret access key is empty", what);
    if (token && *token == '\0')
        token = NULL;
    if (has_bad_char(akid) || has_bad_char(secret) || has_bad_char(token))
        return smk_error_set(err, SMK_E_CREDENTIALS, "InvalidCredentials",
                             "%s: credentials must not contain control characters (CR, LF...)",
                             what);
    out->akid = strdup(akid);
    out->secret = strdup(secret);
    out->token = token ? strdup(token) : NULL;
    out->expiration = expiration;
    if (out->akid == NULL || out->secret == NULL || (token && out->token == NULL)) {
        smk__creds_clear(out);
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    }
    return SMK_OK;
}

void smk__error_prefixf(struct smk_error *err, enum smk_err code, const char *type,
                        const char *fmt, ...)
{
    char msg[sizeof(err->message)], prefix[sizeof(err->message)];
    size_t pn, mn;
    va_list ap;

    if (err == NULL)
        return;
    memcpy(msg, err->message, sizeof(msg));
    msg[sizeof(msg) - 1] = '\0';
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    pn = strlen(prefix);
    mn = strlen(msg);
    if (mn > sizeof(err->message) - 1 - pn)
        mn = sizeof(err->message) - 1 - pn;
    memcpy(err->message, prefix, pn);
    memcpy(err->message + pn, msg, mn);
    err->message[pn + mn] = '\0';
    if (code != SMK_OK)
        err->code = code;
    if (type) {
        size_t tn = strlen(type);
        if (tn >= sizeof(err->type))
            tn = sizeof(err->type) - 1;
        memcpy(err->type, type, tn);
        err->type[tn] = '\0';
    }
}

/* ---- ISO 8601 -------------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    long long era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int smk_parse_iso8601(const char *s, double *epoch)
{
    int Y, M, D, h, m, sec, oh = 0, om = 0, sign = 0;
    double frac = 0;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (s == NULL)
        return -1;
    while (*s == ' ')
        s++;
    if (digits(s, 4, &Y) || s[4] != '-' || digits(s + 5, 2, &M) || s[7] != '-' ||
        digits(s + 8, 2, &D) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &m) || s[16] != ':' ||
        digits(s + 17, 2, &sec))
        return -1;
    s += 19;
    if (*s == '.' || *s == ',') {
        double scale = 0.1;
        s++;
        if (*s < '0' || *s > '9')
            return -1;
        while (*s >= '0' && *s <= '9') {
            frac += (*s - '0') * scale;
            scale /= 10;
            s++;
        }
    }
    if (*s == 'Z' || *s == 'z') {
        s++;
    } else if (*s == '+' || *s == '-') {
        sign = *s == '+' ? 1 : -1;
        if (digits(s + 1, 2, &oh))
            return -1;
        s += 3;
        if (*s == ':')
            s++;
        if (digits(s, 2, &om))
            return -1;
        s += 2;
    }
    while (*s == ' ')
        s++;
    if (*s != '\0' || M < 1 || M > 12 || D < 1 || D > mdays[M - 1] || h > 23 || m > 59 ||
        sec > 60 || oh > 23 || om > 59)
        return -1;
    *epoch = (double)(days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400LL + h * 3600LL +
                      m * 60LL + sec) +
             frac - sign * (oh * 3600.0 + om * 60.0);
    return 0;
}

/* ---- JSON documents ------------------------------------------------------------- */

static const char *json_str(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

enum smk_err smk__creds_from_json(const char *body, size_t len, const char *what,
                                  const char *token_key, int require_token,
                                  int require_expiration, int require_version,
                                  struct smk__creds *out, struct smk_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *akid, *secret, *token, *exp, *code;
    double expiration = 0;
    enum smk_err rc;

    memset(out, 0, sizeof(*out));
    if (!json_is_object(root)) {
        json_decref(root);
        return smk_error_set(err, SMK_E_CREDENTIALS, "InvalidResponse",
                             "%s: the answer is not a JSON object", what);
    }
    if (require_version) {
        json_t *v = json_object_get(root, "Version");
        if (!json_is_integer(v) || json_integer_value(v) != 1) {
            json_decref(root);
            return smk_error_set(err, SMK_E_CREDENTIALS, "InvalidResponse",
                                 "%s: unsupported \"Version\" (expected 1)", what);
        }
    }
    code = json_str(root, "Code");
    if (code && strcmp(code, "Success") != 0) {
        rc = smk_error_set(err, SMK_E_CREDENTIALS, "InvalidResponse", "%s: Code %.64s", what,
                           code);
        json_decref(root);
        return rc;
    }
    akid = json_str(root, "AccessKeyId");
    secret = json_str(root, "SecretAccessKey");
    token = json_str(root, token_key);
    exp = json_str(root, "Expiration");
    if (akid == NULL || secret == NULL || (require_token && token == NULL) ||
        (require_expiration && exp == NULL)) {
        rc = smk_error_set(err, SMK_E_CREDENTIALS, "InvalidResponse",
                           "%s: the answer lacks %s", what,
                           akid == NULL      ? "AccessKeyId"
                           : secret == NULL  ? "SecretAccessKey"
                           : exp == NULL && require_expiration ? "Expiration"
                                                               : token_key);
        json_decref(root);
        return rc;
    }
    if (exp && smk_parse_iso8601(exp, &expiration) != 0) {
        json_decref(root);
        return smk_error_set(err, SMK_E_CREDENTIALS, "InvalidResponse",
                             "%s: \"Expiration\" is not an ISO 8601 time", what);
    }
    rc = smk__creds_set(out, akid, secret, token, expiration, what, err);
    json_decref(root);
    return rc;
}

enum smk_err smk__read_token_file(const char *path, const char *what, char **out,
                                  struct smk_error *err)
{
    char *data = NULL;
    size_t len = 0;
    int r;

    *out = NULL;
    r = smk__read_file(path, MAX_TOKEN_FILE, &data, &len);
    if (r != 0)
        return smk_error_set(err, SMK_E_CREDENTIALS, "TokenFileError", "%s: cannot read %s: %s",
                             what, path,
                             r > 0            ? "no such file"
                             : errno == E2BIG ? "larger than 64 KiB"
                                              : strerror(errno));
    while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r' || data[len - 1] == ' ' ||
                       data[len - 1] == '\t'))
        data[--len] = '\0';
    if (len == 0 || memchr(data, '\n', len) || memchr(data, '\r', len) || strlen(data) != len) {
        smk__wipe(data, len);
        free(data);
        return smk_error_set(err, SMK_E_CREDENTIALS, "TokenFileError",
                             "%s: %s is empty or holds more than one line", what, path);
    }
    *out = data;
    return SMK_OK;
}

/* ---- the provider object --------------------------------------------------------- */

double smk__provider_now(const struct smk_credentials_provider *p)
{
    return p->s.clock ? p->s.clock(p->s.hooks_ud) : smk__system_clock(NULL);
}

void smk__provider_sleep(const struct smk_credentials_provider *p, double seconds)
{
    if (p->s.sleep)
        p->s.sleep(p->s.hooks_ud, seconds);
    else
        smk__system_sleep(NULL, seconds);
}

enum smk_err smk__provider_transport(struct smk_credentials_provider *p,
                                     struct smk_transport **t, struct smk_error *err)
{
    enum smk_err rc;

    if (p->s.borrowed_transport) {
        *t = p->s.borrowed_transport;
        return SMK_OK;
    }
    if (p->own_transport == NULL) {
        struct smk_curl_options copts = {p->s.ca_bundle, 0};
        rc = smk_transport_curl_new(&copts, &p->own_transport, err);
        if (rc != SMK_OK)
            return rc;
    }
    *t = p->own_transport;
    return SMK_OK;
}

void smk_credentials_provider_free(struct smk_credentials_provider *p)
{
    if (p == NULL)
        return;
    if (p->vt && p->vt->destroy)
        p->vt->destroy(p);
    smk__creds_clear(&p->cur);
    if (p->own_transport)
        p->own_transport->destroy(p->own_transport);
    free(p->source);
    free(p->not_found_prefix);
    free(p->s.region);
    free(p->s.ca_bundle);
    smk__wipe(p, sizeof(*p));
    free(p);
}

enum smk_err smk__provider_set_source(struct smk_credentials_provider *p, struct smk_error *err,
                                      const char *fmt, ...)
{
    char buf[768];
    char *s;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    s = strdup(buf);
    if (s == NULL)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    free(p->source);
    p->source = s;
    return SMK_OK;
}

enum smk_err smk__provider_new(const struct smk__cred_vtable *vt, const char *source, void *impl,
                               const struct smk_credentials_options *o,
                               struct smk_credentials_provider **out, struct smk_error *err)
{
    struct smk_credentials_provider *p = calloc(1, sizeof(*p));
    int ok = 1;

    *out = NULL;
    if (p == NULL) {
        struct smk_credentials_provider tmp;
        memset(&tmp, 0, sizeof(tmp));
        tmp.impl = impl;
        if (vt->destroy)
            vt->destroy(&tmp);
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    }
    p->vt = vt;
    p->impl = impl;
    p->source = strdup(source);
    ok = p->source != NULL;
    if (o) {
        if (o->region && *o->region)
            ok = ok && (p->s.region = strdup(o->region)) != NULL;
        if (o->ca_bundle && *o->ca_bundle)
            ok = ok && (p->s.ca_bundle = strdup(o->ca_bundle)) != NULL;
        p->s.use_fips = o->use_fips == 1;
        p->s.use_dualstack = o->use_dualstack == 1;
        p->s.allow_http = o->allow_http == 1;
        p->s.refresh_window = o->refresh_window;
        p->s.sts_timeout_ms = o->sts_timeout_ms;
        p->s.process_timeout_ms = o->process_timeout_ms;
        p->s.borrowed_transport = o->transport;
        p->s.clock = o->clock;
        p->s.sleep = o->sleep;
        p->s.hooks_ud = o->hooks_ud;
    }
    if (!(p->s.refresh_window > 0))
        p->s.refresh_window = DEFAULT_REFRESH_WINDOW;
    if (!ok) {
        smk_credentials_provider_free(p);
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    }
    *out = p;
    return SMK_OK;
}

const char *smk_credentials_source(const struct smk_credentials_provider *p)
{
    return p && p->source ? p->source : "none";
}

static void view(const struct smk_credentials_provider *p, struct smk_credentials *out)
{
    out->access_key_id = p->cur.akid;
    out->secret_access_key = p->cur.secret;
    out->session_token = p->cur.token;
    out->expiration = p->cur.expiration;
}

enum smk_err smk_credentials_get(struct smk_credentials_provider *p, struct smk_credentials *out,
                                 struct smk_error *err)
{
    struct smk__creds fresh;
    struct smk_error local;
    double now;
    enum smk_err rc;
    int old_usable;

    memset(out, 0, sizeof(*out));
    if (p == NULL)
        return smk_error_set(err, SMK_E_CREDENTIALS, "CredentialsNotFound", "no provider");
    if (err == NULL)
        err = &local;
    now = smk__provider_now(p);
    if (p->have && (p->cur.expiration == 0 || now < p->cur.expiration - p->s.refresh_window)) {
        view(p, out);
        return SMK_OK;
    }
    old_usable = p->have && now < p->cur.expiration - KEEP_MARGIN;
    if (old_usable && now < p->retry_after) {
        view(p, out);
        return SMK_OK;
    }
    memset(&fresh, 0, sizeof(fresh));
    rc = p->vt->fetch(p, &fresh, err);
    if (rc == SMK_OK && fresh.expiration != 0 && fresh.expiration <= now) {
        smk__creds_clear(&fresh);
        rc = smk_error_set(err, SMK_E_CREDENTIALS, "ExpiredCredentials",
                           "%s: the credentials it gave have already expired", p->source);
    }
    if (rc != SMK_OK) {
        if (old_usable) {
            /* Keep what still works; try again a little later. */
            p->retry_after = now + RETRY_AFTER_FAILURE;
            smk_error_clear(err);
            view(p, out);
            return SMK_OK;
        }
        if (p->not_found_prefix && !p->have) { /* never had any: say what was tried */
            smk__error_prefixf(err, SMK_E_CREDENTIALS, "CredentialsNotFound", "%s",
                               p->not_found_prefix);
            rc = SMK_E_CREDENTIALS;
        }
        return rc;
    }
    smk__creds_clear(&p->cur);
    p->cur = fresh;
    p->have = 1;
    p->retry_after = 0;
    view(p, out);
    return SMK_OK;
}

/* ---- static keys --------------------------------------------------------------- */

struct fixed {
    struct smk__creds c;
    char *origin; /* names the source in errors */
};

static enum smk_err fixed_fetch(struct smk_credentials_provider *p, struct smk__creds *out,
                                struct smk_error *err)
{
    struct fixed *f = p->impl;

    return smk__creds_set(out, f->c.akid, f->c.secret, f->c.token, f->c.expiration, p->source,
                          err);
}

static void fixed_destroy(struct smk_credentials_provider *p)
{
    struct fixed *f = p->impl;

    if (f) {
        smk__creds_clear(&f->c);
        free(f);
    }
    p->impl = NULL;
}

static const struct smk__cred_vtable fixed_vt = {fixed_fetch, fixed_destroy};

/* A provider of fixed keys described as `source`. */
static enum smk_err fixed_new(const char *source, const char *akid, const char *secret,
                              const char *token, double expiration,
                              const struct smk_credentials_options *o,
                              struct smk_credentials_provider **out, struct smk_error *err)
{
    struct fixed *f;
    enum smk_err rc;

    *out = NULL;
    f = calloc(1, sizeof(*f));
    if (f == NULL)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    rc = smk__creds_set(&f->c, akid, secret, token, expiration, source, err);
    if (rc != SMK_OK) {
        free(f);
        return rc;
    }
    return smk__provider_new(&fixed_vt, source, f, o, out, err);
}

enum smk_err smk__fixed_new(const char *source, const char *akid, const char *secret,
                            const char *token, const struct smk_credentials_options *o,
                            struct smk_credentials_provider **out, struct smk_error *err)
{
    return fixed_new(source, akid, secret, token, 0, o, out, err);
}

enum smk_err smk_credentials_static_new(const char *access_key_id, const char *secret_access_key,
                                        const char *session_token,
                                        struct smk_credentials_provider **out,
                                        struct smk_error *err)
{
    return fixed_new("explicit", access_key_id, secret_access_key, session_token, 0, NULL, out,
                     err);
}

enum smk_err smk_credentials_environment_new(const struct smk_credentials_options *o,
                                             struct smk_credentials_provider **out,
                                             struct smk_error *err)
{
    const char *akid = smk__env("AWS_ACCESS_KEY_ID");
    const char *secret = smk__env("AWS_SECRET_ACCESS_KEY");
    const char *token = smk__env("AWS_SECURITY_TOKEN");
    const char *exp = smk__env("AWS_CREDENTIAL_EXPIRATION");
    double expiration = 0;

    *out = NULL;
    if (token == NULL)
        token = smk__env("AWS_SESSION_TOKEN");
    if (akid == NULL)
        return smk_error_set(err, SMK_E_CREDENTIALS, "CredentialsNotFound",
                             "environment (AWS_ACCESS_KEY_ID not set)");
    if (secret == NULL)
        return smk_error_set(err, SMK_E_CREDENTIALS, "PartialCredentials",
                             "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    if (exp && smk_parse_iso8601(exp, &expiration) != 0)
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time");
    return fixed_new("environment", akid, secret, token, expiration, o, out, err);
}

/* ---- custom ------------------------------------------------------------------ */

struct custom {
    smk_credentials_fetch_fn fetch;
    void *ud;
    void (*destroy)(void *ud);
};

static enum smk_err custom_fetch(struct smk_credentials_provider *p, struct smk__creds *out,
                                 struct smk_error *err)
{
    struct custom *c = p->impl;
    struct smk_credentials got;
    enum smk_err rc;

    memset(&got, 0, sizeof(got));
    rc = c->fetch(c->ud, &got, err);
    if (rc != SMK_OK)
        return rc;
    return smk__creds_set(out, got.access_key_id, got.secret_access_key, got.session_token,
                          got.expiration, p->source, err);
}

static void custom_destroy(struct smk_credentials_provider *p)
{
    struct custom *c = p->impl;

    if (c) {
        if (c->destroy)
            c->destroy(c->ud);
        free(c);
    }
    p->impl = NULL;
}

static const struct smk__cred_vtable custom_vt = {custom_fetch, custom_destroy};

enum smk_err smk_credentials_custom_new(const char *source, smk_credentials_fetch_fn fetch,
                                        void *ud, void (*destroy)(void *ud),
                                        const struct smk_credentials_options *o,
                                        struct smk_credentials_provider **out,
                                        struct smk_error *err)
{
    struct custom *c;

    *out = NULL;
    if (fetch == NULL)
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL, "custom provider needs a fetch");
    c = calloc(1, sizeof(*c));
    if (c == NULL) {
        if (destroy)
            destroy(ud);
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    }
    c->fetch = fetch;
    c->ud = ud;
    c->destroy = destroy;
    return smk__provider_new(&custom_vt, source ? source : "custom", c, o, out, err);
}
