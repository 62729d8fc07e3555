/*
 * smk/config.h - the AWS shared configuration files, read as the AWS CLI
 * (botocore) reads them, and the settings resolved from them.
 *
 * Files: the config file (AWS_CONFIG_FILE, else ~/.aws/config) and the
 * shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else
 * ~/.aws/credentials). `~` and `$VAR` / `${VAR}` in those paths are expanded.
 * A missing file counts as empty.
 *
 * Syntax (Python configparser as botocore uses it):
 *   - `[section]` headers; in the config file `[default]` and
 *     `[profile NAME]` are profiles (NAME may be quoted, shell style),
 *     `[services NAME]` are endpoint sections; in the credentials file every
 *     `[NAME]` is a profile;
 *   - `key = value` or `key: value`; keys are case-insensitive (lower-cased),
 *     values are trimmed; there are no inline comments (`a = b # c` has the
 *     value `b # c`);
 *   - whole-line comments start with `#` or `;` (after optional blanks);
 *   - a line indented deeper than the key line before it continues that
 *     value; `key =` followed by indented `k = v` lines is a sub-section
 *     (`sagemaker =\n  endpoint_url = ...` in a services section);
 *   - a duplicate section or key in one file, a key before any section, a
 *     line that is neither, are errors naming the file and line (never the
 *     line's text, which could hold a secret).
 * A profile's settings are those of its config-file section, overridden key
 * by key by its credentials-file section.
 *
 * Thread-safety: a loaded configuration is immutable; it may be read from
 * several threads. Loading reads the environment (getenv).
 */
#ifndef SMK_CONFIG_H
#define SMK_CONFIG_H

#include "smk/error.h"
#include "smk/export.h"

#ifdef __cplusplus
extern "C" {
#endif

struct smk_shared_config;

struct smk_shared_config_options {
    const char *config_file;      /* NULL: AWS_CONFIG_FILE, else ~/.aws/config */
    const char *credentials_file; /* NULL: AWS_SHARED_CREDENTIALS_FILE, else
                                     ~/.aws/credentials */
    /* The profile to use. NULL: AWS_PROFILE, else AWS_DEFAULT_PROFILE, else
     * "default". A profile given here is "explicit": the default credential
     * chain then skips the environment's keys, as the AWS CLI does for
     * --profile. */
    const char *profile;
};

/* Load and parse both files. Errors: SMK_E_CONFIG (a parse error, an
 * unreadable or over-large (1 MiB) file, or a profile named by the options
 * or the environment that neither file defines: type "ProfileNotFound"),
 * SMK_E_NOMEM. */
SMK_API enum smk_err smk_shared_config_load(const struct smk_shared_config_options *opts,
                                            struct smk_shared_config **out,
                                            struct smk_error *err);
/* NULL-safe. Wipes the parsed text (it may hold secret keys). */
SMK_API void smk_shared_config_free(struct smk_shared_config *c);

/* The selected profile's name, and where the name came from: "option",
 * "AWS_PROFILE", "AWS_DEFAULT_PROFILE" or "default". */
SMK_API const char *smk_shared_config_profile(const struct smk_shared_config *c);
SMK_API const char *smk_shared_config_profile_source(const struct smk_shared_config *c);
/* Whether the profile was passed in the options (not from the environment). */
SMK_API int smk_shared_config_profile_explicit(const struct smk_shared_config *c);
/* Paths of the two files (after expansion), and whether each exists. */
SMK_API const char *smk_shared_config_path(const struct smk_shared_config *c, int credentials_file);
SMK_API int smk_shared_config_file_found(const struct smk_shared_config *c, int credentials_file);
/* Whether either file defines `profile`. */
SMK_API int smk_shared_config_has_profile(const struct smk_shared_config *c, const char *profile);

/* The value of `key` (lower case) in `profile` (NULL: the selected one), the
 * credentials file winning over the config file; NULL when unset or when the
 * key holds a sub-section. The string lives as long as `c`. */
SMK_API const char *smk_shared_config_get(const struct smk_shared_config *c, const char *profile,
                                          const char *key);

/* `key` under `service` (e.g. "sagemaker", "sts") in the services section
 * that the selected profile names with `services = NAME`. NULL when the
 * profile names none or the section lacks the key. A profile naming a
 * services section that does not exist is SMK_E_CONFIG (`*value` NULL). */
SMK_API enum smk_err smk_shared_config_service_get(const struct smk_shared_config *c,
                                                   const char *service, const char *key,
                                                   const char **value, struct smk_error *err);

/* Parse a boolean setting as the AWS SDKs spell it: "true" or "false", any
 * case, surrounding blanks ignored. Returns 1/0, or -1 when `s` is neither
 * (NULL included). */
SMK_API int smk_config_parse_bool(const char *s);

/* A boolean setting from the environment variable `env_name`, else from the
 * selected profile's `profile_key` (c may be NULL). `*value` is 1 or 0, or
 * left unchanged when neither is set; `*source` (may be NULL) names where the
 * value came from. Errors: SMK_E_CONFIG for a value other than true/false. */
SMK_API enum smk_err smk_config_bool_setting(const struct smk_shared_config *c,
                                             const char *env_name, const char *profile_key,
                                             int *value, const char **source,
                                             struct smk_error *err);

/* Where the SageMaker endpoint URL is configured, in the AWS SDKs' order,
 * unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile's
 * ignore_configured_endpoint_urls) is true: AWS_ENDPOINT_URL_<SERVICE>,
 * AWS_ENDPOINT_URL, the profile's services section (`<service> =
 * endpoint_url = ...`), the profile's `endpoint_url`. `service_env` is the
 * upper-case suffix ("SAGEMAKER", "STS"), `service_key` the services-section
 * key ("sagemaker", "sts"). `*url` is NULL when nothing is configured; the
 * string lives as long as the environment or `c`. `*source` names where it
 * came from. Errors: SMK_E_CONFIG (a bad boolean, a missing services
 * section). */
SMK_API enum smk_err smk_config_endpoint_url(const struct smk_shared_config *c,
                                             const char *service_env, const char *service_key,
                                             const char **url, const char **source,
                                             struct smk_error *err);

#ifdef __cplusplus
}
#endif
#endif
