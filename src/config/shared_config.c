/*
 * The AWS shared configuration files: location, loading, profiles and
 * services sections, settings lookup. See smk/config.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/ini.h"
#include "config/shared.h"
#include "core/wipe.h"
#include "smk/buf.h"

#define MAX_FILE (1024u * 1024u)

struct named_section {
    char *name;
    const struct smk__ini_section *sec;
};

struct smk_shared_config {
    char *paths[2];
    int found[2];
    struct smk__ini ini[2];
    struct named_section *profiles; /* from the config file */
    size_t n_profiles;
    struct named_section *services;
    size_t n_services;
    char *profile;
    const char *profile_source;
    int explicit_profile;
};

/* ---- environment, paths, files ------------------------------------------------ */

const char *smk__env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

void smk__home_dir(char *out, size_t size)
{
    const char *home = smk__env("HOME");
    struct passwd pw, *res = NULL;
    char buf[4096];

    if (size == 0)
        return;
    out[0] = '\0';
    if (home) {
        snprintf(out, size, "%s", home);
        return;
    }
    if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) == 0 && res && res->pw_dir)
        snprintf(out, size, "%s", res->pw_dir);
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

char *smk__expand_path(const char *path)
{
    struct smk_buf b;
    const char *p = path;
    char *out = NULL;
    int ok = 1;

    smk_buf_init(&b, 64 * 1024);
    /* expandvars first (as botocore does), then expanduser. */
    while (*p && ok) {
        if (p[0] == '$' && p[1] == '{') {
            const char *close = strchr(p + 2, '}');
            if (close) {
                char name[256];
                size_t n = (size_t)(close - (p + 2));
                const char *v = NULL;
                if (n < sizeof(name)) {
                    memcpy(name, p + 2, n);
                    name[n] = '\0';
                    v = getenv(name);
                }
                if (v)
                    ok = smk_buf_append_str(&b, v) == SMK_OK;
                else
                    ok = smk_buf_append(&b, p, n + 3) == SMK_OK;
                p = close + 1;
                continue;
            }
        } else if (p[0] == '$' && is_name_char(p[1])) {
            const char *e = p + 1;
            char name[256];
            size_t n;
            const char *v = NULL;
            while (is_name_char(*e))
                e++;
            n = (size_t)(e - (p + 1));
            if (n < sizeof(name)) {
                memcpy(name, p + 1, n);
                name[n] = '\0';
                v = getenv(name);
            }
            if (v)
                ok = smk_buf_append_str(&b, v) == SMK_OK;
            else
                ok = smk_buf_append(&b, p, n + 1) == SMK_OK;
            p = e;
            continue;
        }
        ok = smk_buf_append_char(&b, *p++) == SMK_OK;
    }
    if (ok) {
        const char *s = smk_buf_cstr(&b);
        if (s[0] == '~' && (s[1] == '/' || s[1] == '\0')) {
            char home[4096];
            size_t hn;
            smk__home_dir(home, sizeof(home));
            hn = strlen(home);
            while (hn > 1 && home[hn - 1] == '/')
                home[--hn] = '\0';
            out = malloc(hn + strlen(s));
            if (out) {
                memcpy(out, home, hn);
                memcpy(out + hn, s + 1, strlen(s)); /* includes the NUL */
            }
        } else {
            out = strdup(s);
        }
    }
    smk_buf_cleanup(&b);
    return out;
}

int smk__read_file(const char *path, size_t max, char **data, size_t *len)
{
    struct stat st;
    size_t got = 0;
    char *buf;
    int fd;

    *data = NULL;
    *len = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return (errno == ENOENT || errno == ENOTDIR) ? 1 : -1;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return 1;
    }
    if ((unsigned long long)st.st_size > max) {
        close(fd);
        errno = E2BIG;
        return -1;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL) {
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    *data = buf;
    *len = got;
    return 0;
}

/* ---- loading ------------------------------------------------------------------ */

static void free_named(struct named_section *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(v[i].name);
    free(v);
}

void smk_shared_config_free(struct smk_shared_config *c)
{
    if (c == NULL)
        return;
    free(c->paths[0]);
    free(c->paths[1]);
    smk__ini_free(&c->ini[0]);
    smk__ini_free(&c->ini[1]);
    free_named(c->profiles, c->n_profiles);
    free_named(c->services, c->n_services);
    free(c->profile);
    free(c);
}

/* Later sections replace earlier ones with the same name (botocore's dict
 * update). Takes ownership of `name`. */
static int add_named(struct named_section **v, size_t *n, char *name,
                     const struct smk__ini_section *sec)
{
    struct named_section *grown;
    size_t i;

    for (i = 0; i < *n; i++) {
        if (strcmp((*v)[i].name, name) == 0) {
            (*v)[i].sec = sec;
            free(name);
            return 1;
        }
    }
    grown = realloc(*v, (*n + 1) * sizeof(*grown));
    if (grown == NULL) {
        free(name);
        return 0;
    }
    *v = grown;
    grown[*n].name = name;
    grown[*n].sec = sec;
    (*n)++;
    return 1;
}

/* botocore's build_profile_map: "[default]", and "[profile X]" /
 * "[services X]" whose shell-split name has exactly two words (the second
 * is the name). */
static enum smk_err build_maps(struct smk_shared_config *c, struct smk_error *err)
{
    const struct smk__ini *ini = &c->ini[SMK__CONFIG_FILE];
    size_t i;

    for (i = 0; i < ini->n; i++) {
        const struct smk__ini_section *s = &ini->sections[i];
        int is_profile = strncmp(s->name, "profile", 7) == 0;
        int is_services = strncmp(s->name, "services", 8) == 0;
        char *name = NULL;
        int ok = 1;

        if (strcmp(s->name, "default") == 0) {
            name = strdup("default");
            ok = name && add_named(&c->profiles, &c->n_profiles, name, s);
        } else if (is_profile || is_services) {
            char **argv;
            size_t argc;
            struct smk_error ignored;
            if (smk__shlex_split(s->name, &argv, &argc, &ignored) != SMK_OK) {
                if (ignored.code == SMK_E_NOMEM)
                    ok = 0;
                continue; /* botocore ignores a section name shlex cannot split */
            }
            if (argc == 2) {
                name = strdup(argv[1]);
                ok = name && (is_profile ? add_named(&c->profiles, &c->n_profiles, name, s)
                                         : add_named(&c->services, &c->n_services, name, s));
            }
            free(argv);
        }
        if (!ok)
            return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    }
    return SMK_OK;
}

static const struct smk__ini_section *find_named(const struct named_section *v, size_t n,
                                                 const char *name)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(v[i].name, name) == 0)
            return v[i].sec;
    return NULL;
}

static enum smk_err load_file(struct smk_shared_config *c, int which, const char *given,
                              const char *env_name, const char *dflt, struct smk_error *err)
{
    const char *path = given ? given : smk__env(env_name);
    char *data = NULL;
    size_t len = 0;
    enum smk_err rc;
    int r;

    c->paths[which] = smk__expand_path(path ? path : dflt);
    if (c->paths[which] == NULL)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    r = smk__read_file(c->paths[which], MAX_FILE, &data, &len);
    if (r == 1)
        return SMK_OK;
    if (r < 0)
        return smk_error_set(err, SMK_E_CONFIG, "ConfigParseError", "cannot read %s: %s",
                             c->paths[which],
                             errno == E2BIG ? "larger than 1 MiB" : strerror(errno));
    c->found[which] = 1;
    rc = smk__ini_parse(data, len, c->paths[which], &c->ini[which], err);
    smk__wipe(data, len);
    free(data);
    return rc;
}

enum smk_err smk_shared_config_load(const struct smk_shared_config_options *opts,
                                    struct smk_shared_config **out, struct smk_error *err)
{
    struct smk_shared_config *c;
    const char *profile = NULL, *source = "default";
    enum smk_err rc;

    *out = NULL;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    rc = load_file(c, SMK__CONFIG_FILE, opts ? opts->config_file : NULL, "AWS_CONFIG_FILE",
                   "~/.aws/config", err);
    if (rc == SMK_OK)
        rc = load_file(c, SMK__CREDENTIALS_FILE, opts ? opts->credentials_file : NULL,
                       "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials", err);
    if (rc == SMK_OK)
        rc = build_maps(c, err);
    if (rc != SMK_OK)
        goto fail;
    if (opts && opts->profile && *opts->profile) {
        profile = opts->profile;
        source = "option";
        c->explicit_profile = 1;
    } else if ((profile = smk__env("AWS_PROFILE")) != NULL) {
        source = "AWS_PROFILE";
    } else if ((profile = smk__env("AWS_DEFAULT_PROFILE")) != NULL) {
        source = "AWS_DEFAULT_PROFILE";
    }
    c->profile = strdup(profile ? profile : "default");
    c->profile_source = source;
    if (c->profile == NULL) {
        rc = smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
        goto fail;
    }
    if (profile && !smk_shared_config_has_profile(c, c->profile)) {
        rc = smk_error_set(err, SMK_E_CONFIG, "ProfileNotFound",
                           "the profile \"%.100s\" (from %s) is not defined in %s%s or %s%s",
                           c->profile, source, c->paths[0], c->found[0] ? "" : " (missing)",
                           c->paths[1], c->found[1] ? "" : " (missing)");
        goto fail;
    }
    *out = c;
    return SMK_OK;
fail:
    smk_shared_config_free(c);
    return rc;
}

/* ---- lookups ------------------------------------------------------------------ */

const char *smk_shared_config_profile(const struct smk_shared_config *c)
{
    return c->profile;
}

const char *smk_shared_config_profile_source(const struct smk_shared_config *c)
{
    return c->profile_source;
}

int smk_shared_config_profile_explicit(const struct smk_shared_config *c)
{
    return c->explicit_profile;
}

const char *smk_shared_config_path(const struct smk_shared_config *c, int credentials_file)
{
    return c->paths[credentials_file ? 1 : 0];
}

int smk_shared_config_file_found(const struct smk_shared_config *c, int credentials_file)
{
    return c->found[credentials_file ? 1 : 0];
}

static const struct smk__ini_section *profile_section(const struct smk_shared_config *c,
                                                      const char *profile,
                                                      enum smk__config_file which)
{
    if (which == SMK__CREDENTIALS_FILE)
        return smk__ini_section(&c->ini[1], profile);
    return find_named(c->profiles, c->n_profiles, profile);
}

int smk__shared_config_in_file(const struct smk_shared_config *c, const char *profile,
                               enum smk__config_file which)
{
    return profile_section(c, profile, which) != NULL;
}

int smk_shared_config_has_profile(const struct smk_shared_config *c, const char *profile)
{
    return profile_section(c, profile, SMK__CONFIG_FILE) ||
           profile_section(c, profile, SMK__CREDENTIALS_FILE);
}

const char *smk__shared_config_get_from(const struct smk_shared_config *c, const char *profile,
                                        const char *key, enum smk__config_file which)
{
    const struct smk__ini_entry *e;

    if (c == NULL)
        return NULL;
    e = smk__ini_get(profile_section(c, profile ? profile : c->profile, which), key);
    return e && e->sub == NULL ? e->value : NULL;
}

const char *smk_shared_config_get(const struct smk_shared_config *c, const char *profile,
                                  const char *key)
{
    const struct smk__ini_entry *e;

    if (c == NULL)
        return NULL;
    if (profile == NULL)
        profile = c->profile;
    /* The credentials file's value wins, even a sub-section (botocore's dict
     * update), which then reads as unset. */
    e = smk__ini_get(profile_section(c, profile, SMK__CREDENTIALS_FILE), key);
    if (e == NULL)
        e = smk__ini_get(profile_section(c, profile, SMK__CONFIG_FILE), key);
    return e && e->sub == NULL ? e->value : NULL;
}

enum smk_err smk_shared_config_service_get(const struct smk_shared_config *c, const char *service,
                                           const char *key, const char **value,
                                           struct smk_error *err)
{
    const struct smk__ini_section *sec;
    const struct smk__ini_entry *e;
    const char *name;

    *value = NULL;
    if (c == NULL)
        return SMK_OK;
    name = smk_shared_config_get(c, NULL, "services");
    if (name == NULL)
        return SMK_OK;
    sec = find_named(c->services, c->n_services, name);
    if (sec == NULL)
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "the profile \"%.100s\" uses the services section \"%.100s\" "
                             "(services = %.100s), which %s does not define",
                             c->profile, name, name, c->paths[0]);
    e = smk__ini_sub_get(smk__ini_get(sec, service), key);
    if (e)
        *value = e->value;
    return SMK_OK;
}

/* ---- settings ------------------------------------------------------------------- */

int smk_config_parse_bool(const char *s)
{
    size_t n;

    if (s == NULL)
        return -1;
    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 4 && strncasecmp(s, "true", 4) == 0)
        return 1;
    if (n == 5 && strncasecmp(s, "false", 5) == 0)
        return 0;
    return -1;
}

enum smk_err smk_config_bool_setting(const struct smk_shared_config *c, const char *env_name,
                                     const char *profile_key, int *value, const char **source,
                                     struct smk_error *err)
{
    const char *v = env_name ? smk__env(env_name) : NULL;
    const char *src = env_name;
    int b;

    if (v == NULL && c && profile_key) {
        v = smk_shared_config_get(c, NULL, profile_key);
        src = "profile";
    }
    if (v == NULL)
        return SMK_OK;
    b = smk_config_parse_bool(v);
    if (b < 0) {
        if (src == env_name)
            return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                 "%s must be true or false", env_name);
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "%s in profile \"%.100s\" must be true or false", profile_key,
                             c->profile);
    }
    *value = b;
    if (source)
        *source = src;
    return SMK_OK;
}

enum smk_err smk_config_endpoint_url(const struct smk_shared_config *c, const char *service_env,
                                     const char *service_key, const char **url,
                                     const char **source, struct smk_error *err)
{
    char name[128];
    int ignore = 0;
    const char *v;
    enum smk_err rc;

    *url = NULL;
    if (source)
        *source = NULL;
    rc = smk_config_bool_setting(c, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                                 "ignore_configured_endpoint_urls", &ignore, NULL, err);
    if (rc != SMK_OK || ignore)
        return rc;
    snprintf(name, sizeof(name), "AWS_ENDPOINT_URL_%s", service_env);
    if ((v = smk__env(name)) != NULL) {
        *url = v;
        if (source)
            *source = strcmp(service_env, "SAGEMAKER") == 0 ? "AWS_ENDPOINT_URL_SAGEMAKER"
                      : strcmp(service_env, "STS") == 0     ? "AWS_ENDPOINT_URL_STS"
                                                            : "AWS_ENDPOINT_URL_<SERVICE>";
        return SMK_OK;
    }
    if ((v = smk__env("AWS_ENDPOINT_URL")) != NULL) {
        *url = v;
        if (source)
            *source = "AWS_ENDPOINT_URL";
        return SMK_OK;
    }
    rc = smk_shared_config_service_get(c, service_key, "endpoint_url", &v, err);
    if (rc != SMK_OK)
        return rc;
    if (v && *v) {
        *url = v;
        if (source)
            *source = "profile services section";
        return SMK_OK;
    }
    v = smk_shared_config_get(c, NULL, "endpoint_url");
    if (v && *v) {
        *url = v;
        if (source)
            *source = "profile endpoint_url";
    }
    return SMK_OK;
}
