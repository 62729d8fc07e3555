/*
 * Credentials from the shared files' profiles (static keys, assume role
 * through source profiles or a credential source, web identity,
 * credential_process) and the default chain. The order and the checks are
 * botocore's; see smk/credentials.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/shared.h"
#include "credentials/internal.h"

#define MAX_CHAIN 16

struct resolver {
    const struct smk_credentials_options *o;
    const struct smk_shared_config *cfg;
    const char *visited[MAX_CHAIN + 1];
    int n_visited;
};

static const char *get(const struct resolver *r, const char *profile, const char *key)
{
    return smk_shared_config_get(r->cfg, profile, key);
}

static int has_assume_role_vars(const struct resolver *r, const char *profile)
{
    return get(r, profile, "role_arn") && !get(r, profile, "web_identity_token_file");
}

static int has_static_keys(const struct resolver *r, const char *profile)
{
    return get(r, profile, "aws_access_key_id") || get(r, profile, "aws_secret_access_key");
}

static int not_found(enum smk_err rc, const struct smk_error *err)
{
    return rc == SMK_E_CREDENTIALS && err && strcmp(err->type, "CredentialsNotFound") == 0;
}

/* Prefix the provider's description with "profile NAME: ". */
static enum smk_err describe(struct smk_credentials_provider *p, const char *profile,
                             struct smk_error *err)
{
    char old[700];

    snprintf(old, sizeof(old), "%s", smk_credentials_source(p));
    return smk__provider_set_source(p, err, "profile %.100s: %s", profile, old);
}

/* Static keys of `profile` in one file; CredentialsNotFound when absent. */
static enum smk_err static_from_file(const struct resolver *r, const char *profile,
                                     enum smk__config_file which,
                                     struct smk_credentials_provider **out,
                                     struct smk_error *err)
{
    const char *akid = smk__shared_config_get_from(r->cfg, profile, "aws_access_key_id", which);
    const char *secret =
        smk__shared_config_get_from(r->cfg, profile, "aws_secret_access_key", which);
    const char *token = smk__shared_config_get_from(r->cfg, profile, "aws_security_token", which);
    const char *what = which == SMK__CREDENTIALS_FILE ? "shared credentials file" : "config file";
    char src[200];

    *out = NULL;
    if (akid == NULL)
        return smk_error_set(err, SMK_E_CREDENTIALS, "CredentialsNotFound", "no keys");
    if (secret == NULL)
        return smk_error_set(err, SMK_E_CREDENTIALS, "PartialCredentials",
                             "profile \"%.100s\" in the %s %.300s has aws_access_key_id but no "
                             "aws_secret_access_key",
                             profile, what, smk_shared_config_path(r->cfg, which));
    if (token == NULL)
        token = smk__shared_config_get_from(r->cfg, profile, "aws_session_token", which);
    snprintf(src, sizeof(src), "profile %.100s: %s", profile, what);
    return smk__fixed_new(src, akid, secret, token, r->o, out, err);
}

static enum smk_err unsupported_login(const struct resolver *r, const char *profile,
                                      struct smk_error *err)
{
    static const char *const sso_keys[] = {"sso_start_url", "sso_session", "sso_account_id",
                                           "sso_role_name", "sso_region", NULL};
    size_t i;

    for (i = 0; sso_keys[i]; i++)
        if (get(r, profile, sso_keys[i]))
            return smk_error_set(
                err, SMK_E_CREDENTIALS, "UnsupportedCredentialSource",
                "profile \"%.100s\" uses IAM Identity Center (%s), which lua-sagemaker does not "
                "support; use a profile with credential_process = aws configure "
                "export-credentials --profile %.100s --format process",
                profile, sso_keys[i], profile);
    if (get(r, profile, "login_session"))
        return smk_error_set(err, SMK_E_CREDENTIALS, "UnsupportedCredentialSource",
                             "profile \"%.100s\" uses `aws login` (login_session), which "
                             "lua-sagemaker does not support",
                             profile);
    return SMK_OK;
}

/* The web identity settings of `profile`, the environment first when
 * `use_env`. CredentialsNotFound without a token file. */
static enum smk_err web_identity(const struct resolver *r, const char *profile, int use_env,
                                 struct smk_credentials_provider **out, struct smk_error *err)
{
    const char *file = use_env ? smk__env("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
    const char *arn = use_env ? smk__env("AWS_ROLE_ARN") : NULL;
    const char *name = use_env ? smk__env("AWS_ROLE_SESSION_NAME") : NULL;
    const char *origin = "AWS_WEB_IDENTITY_TOKEN_FILE";
    char origin_buf[160];

    *out = NULL;
    if (file == NULL) {
        file = get(r, profile, "web_identity_token_file");
        snprintf(origin_buf, sizeof(origin_buf), "profile %.100s web_identity_token_file",
                 profile);
        origin = origin_buf;
    }
    if (file == NULL || *file == '\0')
        return smk_error_set(err, SMK_E_CREDENTIALS, "CredentialsNotFound",
                             "web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set)");
    if (arn == NULL)
        arn = get(r, profile, "role_arn");
    if (name == NULL)
        name = get(r, profile, "role_session_name");
    if (arn == NULL || *arn == '\0')
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "a web identity token file is configured (%s) but no role ARN: set "
                             "AWS_ROLE_ARN or role_arn in the profile",
                             origin);
    return smk__web_identity_new(file, arn, name, origin, r->o, r->cfg, out, err);
}

/* Steps 3-7 of the chain for `profile` (web identity, the SSO check, static
 * keys of the credentials file, credential_process, static keys of the
 * config file). CredentialsNotFound when the profile has none. */
static enum smk_err profile_sources(const struct resolver *r, const char *profile, int use_env,
                                    struct smk_credentials_provider **out,
                                    struct smk_error *err)
{
    const char *process;
    enum smk_err rc;

    rc = web_identity(r, profile, use_env, out, err);
    if (!not_found(rc, err))
        return rc;
    rc = unsupported_login(r, profile, err);
    if (rc != SMK_OK)
        return rc;
    rc = static_from_file(r, profile, SMK__CREDENTIALS_FILE, out, err);
    if (!not_found(rc, err))
        return rc;
    process = get(r, profile, "credential_process");
    if (process) {
        rc = smk_credentials_process_new(process, r->o, out, err);
        return rc == SMK_OK ? describe(*out, profile, err) : rc;
    }
    rc = static_from_file(r, profile, SMK__CONFIG_FILE, out, err);
    if (!not_found(rc, err))
        return rc;
    return smk_error_set(err, SMK_E_CREDENTIALS, "CredentialsNotFound",
                         "profile \"%.100s\" (no keys, role_arn, credential_process or "
                         "web_identity_token_file in %.200s%s or %.200s%s)",
                         profile, smk_shared_config_path(r->cfg, 0),
                         smk_shared_config_file_found(r->cfg, 0) ? "" : " (missing)",
                         smk_shared_config_path(r->cfg, 1),
                         smk_shared_config_file_found(r->cfg, 1) ? "" : " (missing)");
}

static enum smk_err from_credential_source(const struct resolver *r, const char *profile,
                                           const char *source,
                                           struct smk_credentials_provider **out,
                                           struct smk_error *err)
{
    enum smk_err rc;

    if (strcasecmp(source, "Environment") == 0)
        rc = smk_credentials_environment_new(r->o, out, err);
    else if (strcasecmp(source, "Ec2InstanceMetadata") == 0)
        rc = smk__imds_new(r->o, r->cfg, out, err);
    else if (strcasecmp(source, "EcsContainer") == 0)
        rc = smk_credentials_container_new(r->o, out, err);
    else
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "profile \"%.100s\": credential_source must be Environment, "
                             "Ec2InstanceMetadata or EcsContainer, not \"%.64s\"",
                             profile, source);
    if (not_found(rc, err)) /* configured but empty: an error, not a reason to go on */
        smk__error_prefixf(err, SMK_E_CREDENTIALS, "CredentialSourceEmpty",
                           "profile \"%.100s\": credential_source %.64s has no credentials: ",
                           profile, source);
    return rc;
}

static enum smk_err assume_role(struct resolver *r, const char *profile,
                                struct smk_credentials_provider **out, struct smk_error *err);

/* Credentials of a source profile (botocore's _resolve_credentials_from_profile). */
static enum smk_err from_source_profile(struct resolver *r, const char *parent,
                                        const char *source,
                                        struct smk_credentials_provider **out,
                                        struct smk_error *err)
{
    enum smk_err rc;
    int i;

    if (!smk_shared_config_has_profile(r->cfg, source))
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "the source_profile \"%.100s\" of profile \"%.100s\" does not exist",
                             source, parent);
    for (i = 0; i < r->n_visited; i++) {
        if (strcmp(r->visited[i], source) == 0 &&
            (strcmp(source, parent) != 0 || !has_static_keys(r, source)))
            return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                 "source_profile loop: profile \"%.100s\" is reached again from "
                                 "\"%.100s\"",
                                 source, parent);
    }
    if (r->n_visited >= MAX_CHAIN)
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "more than %d chained source profiles", MAX_CHAIN);
    r->visited[r->n_visited++] = source;
    if (has_static_keys(r, source) || !has_assume_role_vars(r, source)) {
        rc = profile_sources(r, source, 0, out, err);
        if (not_found(rc, err))
            return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                 "the source_profile \"%.100s\" of profile \"%.100s\" has no "
                                 "credentials",
                                 source, parent);
        return rc;
    }
    return assume_role(r, source, out, err);
}

static enum smk_err assume_role(struct resolver *r, const char *profile,
                                struct smk_credentials_provider **out, struct smk_error *err)
{
    const char *arn = get(r, profile, "role_arn");
    const char *source_profile = get(r, profile, "source_profile");
    const char *credential_source = get(r, profile, "credential_source");
    const char *duration = get(r, profile, "duration_seconds");
    struct smk_credentials_provider *src = NULL;
    struct smk_assume_role_params params;
    enum smk_err rc;

    *out = NULL;
    memset(&params, 0, sizeof(params));
    if (source_profile && credential_source)
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "profile \"%.100s\" has both source_profile and credential_source",
                             profile);
    if (!source_profile && !credential_source)
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "profile \"%.100s\" has role_arn but neither source_profile nor "
                             "credential_source",
                             profile);
    if (get(r, profile, "mfa_serial"))
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "profile \"%.100s\" needs an MFA code (mfa_serial), which a library "
                             "cannot prompt for",
                             profile);
    if (duration) {
        char *end;
        long v;
        errno = 0;
        v = strtol(duration, &end, 10);
        if (errno || end == duration || *end != '\0' || v < 1 || v > 43200)
            return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                 "profile \"%.100s\": duration_seconds must be an integer "
                                 "number of seconds (900..43200)",
                                 profile);
        params.duration_seconds = (int)v;
    }
    if (credential_source)
        rc = from_credential_source(r, profile, credential_source, &src, err);
    else
        rc = from_source_profile(r, profile, source_profile, &src, err);
    if (rc != SMK_OK)
        return rc;
    params.role_arn = arn;
    params.session_name = get(r, profile, "role_session_name");
    params.external_id = get(r, profile, "external_id");
    rc = smk__assume_role_new(src, &params, r->o, r->cfg, out, err);
    return rc == SMK_OK ? describe(*out, profile, err) : rc;
}

/* ---- public constructors --------------------------------------------------------- */

/* A resolver over the caller's shared config, or over one loaded here
 * (*owned, for the caller to free whatever the result). */
static enum smk_err resolver_open(struct resolver *r, const struct smk_credentials_options *o,
                                  struct smk_shared_config **owned, struct smk_error *err)
{
    struct smk_shared_config_options so = {NULL, NULL, o ? o->profile : NULL};
    enum smk_err rc;

    memset(r, 0, sizeof(*r));
    r->o = o;
    *owned = NULL;
    if (o && o->shared_config) {
        r->cfg = o->shared_config;
        return SMK_OK;
    }
    rc = smk_shared_config_load(&so, owned, err);
    r->cfg = *owned;
    return rc;
}

enum smk_err smk_credentials_profile_new(const struct smk_credentials_options *o,
                                         struct smk_credentials_provider **out,
                                         struct smk_error *err)
{
    struct smk_shared_config *owned;
    struct resolver r;
    enum smk_err rc;

    *out = NULL;
    rc = resolver_open(&r, o, &owned, err);
    if (rc == SMK_OK) {
        const char *profile = smk_shared_config_profile(r.cfg);
        r.visited[r.n_visited++] = profile;
        if (has_assume_role_vars(&r, profile))
            rc = assume_role(&r, profile, out, err);
        else
            rc = profile_sources(&r, profile, 0, out, err);
    }
    smk_shared_config_free(owned);
    return rc;
}

enum smk_err smk_credentials_web_identity_new(const struct smk_credentials_options *o,
                                              struct smk_credentials_provider **out,
                                              struct smk_error *err)
{
    struct smk_shared_config *owned;
    struct resolver r;
    enum smk_err rc;

    *out = NULL;
    rc = resolver_open(&r, o, &owned, err);
    if (rc == SMK_OK)
        rc = web_identity(&r, smk_shared_config_profile(r.cfg), 1, out, err);
    smk_shared_config_free(owned);
    return rc;
}

/* Append "; <what>" to the tried list. */
static void tried_add(char *buf, size_t size, const char *what)
{
    size_t n = strlen(buf), m = strlen(what);

    if (n > 0 && n + 2 < size) {
        memcpy(buf + n, "; ", 2);
        n += 2;
    }
    if (m > size - 1 - n)
        m = size - 1 - n;
    memcpy(buf + n, what, m);
    buf[n + m] = '\0';
}

enum smk_err smk_credentials_default_chain_new(const struct smk_credentials_options *o,
                                               struct smk_credentials_provider **out,
                                               struct smk_error *err)
{
    struct smk_shared_config *owned;
    struct smk_error local;
    struct resolver r;
    const char *profile;
    char tried[900];
    enum smk_err rc;
    int explicit_profile;

    *out = NULL;
    tried[0] = '\0';
    if (err == NULL)
        err = &local;
    rc = resolver_open(&r, o, &owned, err);
    if (rc != SMK_OK)
        return rc;
    profile = smk_shared_config_profile(r.cfg);
    r.visited[r.n_visited++] = profile;
    explicit_profile = smk_shared_config_profile_explicit(r.cfg);

    /* 1. environment (not when a profile was passed explicitly) */
    if (!explicit_profile) {
        rc = smk_credentials_environment_new(o, out, err);
        if (!not_found(rc, err))
            goto done;
        tried_add(tried, sizeof(tried), err->message);
    } else {
        tried_add(tried, sizeof(tried), "environment (skipped: a profile was given)");
    }
    /* 2. assume role from the profile */
    if (has_assume_role_vars(&r, profile)) {
        rc = assume_role(&r, profile, out, err);
        goto done;
    }
    /* 3-7. web identity, static keys, credential_process */
    rc = profile_sources(&r, profile, !explicit_profile, out, err);
    if (!not_found(rc, err))
        goto done;
    tried_add(tried, sizeof(tried), err->message);
    if (explicit_profile || smk__env("AWS_WEB_IDENTITY_TOKEN_FILE") == NULL)
        tried_add(tried, sizeof(tried), "web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set)");
    /* 8. container */
    rc = smk_credentials_container_new(o, out, err);
    if (!not_found(rc, err))
        goto done;
    tried_add(tried, sizeof(tried), err->message);
    /* 9. instance metadata */
    rc = smk__imds_new(o, r.cfg, out, err);
    if (not_found(rc, err)) {
        tried_add(tried, sizeof(tried), err->message);
        rc = smk_error_set(err, SMK_E_CREDENTIALS, "CredentialsNotFound",
                           "no credentials found; tried: %s", tried);
        goto done;
    }
    if (rc == SMK_OK) {
        size_t n = strlen(tried) + 64;
        (*out)->not_found_prefix = malloc(n);
        if ((*out)->not_found_prefix == NULL) {
            smk_credentials_provider_free(*out);
            *out = NULL;
            rc = smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
        } else {
            snprintf((*out)->not_found_prefix, n, "no credentials found; tried: %s; then ", tried);
        }
    }
done:
    smk_shared_config_free(owned);
    return rc;
}
