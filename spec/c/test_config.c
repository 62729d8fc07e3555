/*
 * The shared configuration files: INI syntax as botocore reads it (comments,
 * whitespace, continuations, sub-sections, duplicates, errors that never show
 * a line's text), shell-style splitting, profile and services lookup, path
 * expansion, booleans and the configured-endpoint order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/ini.h"
#include "config/shared.h"
#include "harness.h"
#include "smk/config.h"

static char dir[256];

static void write_file(const char *name, const char *text)
{
    harness_write_file(dir, name, text, 0644);
}

static void clear_env(void)
{
    static const char *const vars[] = {
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SAGEMAKER", "AWS_ENDPOINT_URL_STS",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_USE_FIPS_ENDPOINT", NULL};

    harness_unsetenv(vars);
}

static struct smk_shared_config *load(const char *profile, struct smk_error *err)
{
    struct smk_shared_config_options o;
    struct smk_shared_config *c = NULL;
    char cfg[512], creds[512];

    snprintf(cfg, sizeof(cfg), "%s/config", dir);
    snprintf(creds, sizeof(creds), "%s/credentials", dir);
    o.config_file = cfg;
    o.credentials_file = creds;
    o.profile = profile;
    smk_error_clear(err);
    if (smk_shared_config_load(&o, &c, err) != SMK_OK)
        return NULL;
    return c;
}

static enum smk_err parse(const char *text, struct smk__ini *ini, struct smk_error *err)
{
    smk_error_clear(err);
    return smk__ini_parse(text, strlen(text), "test.ini", ini, err);
}

static const char *val(const struct smk__ini *ini, const char *section, const char *key)
{
    const struct smk__ini_entry *e = smk__ini_get(smk__ini_section(ini, section), key);
    return e ? e->value : NULL;
}

static void ini_syntax(void)
{
    struct smk__ini ini;
    struct smk_error err;
    const struct smk__ini_entry *e;

    CHECK(parse("\xEF\xBB\xBF# comment\n; another\n  # indented comment\n[default]\r\n"
                "Region = us-west-2 \n"
                "aws_access_key_id: AKID\n"
                "output=json # not a comment\n"
                "empty =\n"
                "\n"
                "multi = first\n"
                "  second\n"
                "\n"
                "  third\n"
                "s3 =\n"
                "  addressing_style = path\n"
                "  # comment inside\n"
                "  Signature_Version=s3v4\n"
                "[profile  \"my dev\"] trailing\n"
                "region = eu-west-1\r"
                "[ spaced ]\n"
                "a = [not a section]\n",
                &ini, &err) == SMK_OK);
    CHECK_STR(val(&ini, "default", "region"), "us-west-2");
    CHECK_STR(val(&ini, "default", "aws_access_key_id"), "AKID");
    CHECK_STR(val(&ini, "default", "output"), "json # not a comment");
    CHECK_STR(val(&ini, "default", "empty"), "");
    CHECK_STR(val(&ini, "default", "multi"), "first\nsecond\n\nthird");
    e = smk__ini_get(smk__ini_section(&ini, "default"), "s3");
    CHECK(e && e->n_sub == 2);
    CHECK(e && smk__ini_sub_get(e, "addressing_style") &&
          strcmp(smk__ini_sub_get(e, "addressing_style")->value, "path") == 0);
    /* Sub-section keys keep their case, as botocore's parser does. */
    CHECK(e && smk__ini_sub_get(e, "Signature_Version") != NULL);
    CHECK_STR(val(&ini, "profile  \"my dev\"", "region"), "eu-west-1");
    CHECK_STR(val(&ini, " spaced ", "a"), "[not a section]");
    smk__ini_free(&ini);
    smk__ini_free(&ini); /* idempotent */
}

static void ini_errors_never_show_the_line(void)
{
    struct smk__ini ini;
    struct smk_error err;

    CHECK(parse("[default]\naws_secret_access_key wJalrSECRET\n", &ini, &err) == SMK_E_CONFIG);
    CHECK(strstr(err.message, "line 2") != NULL);
    CHECK(strstr(err.message, "wJalrSECRET") == NULL);
    CHECK(parse("key = value\n[default]\n", &ini, &err) == SMK_E_CONFIG);
    CHECK(strstr(err.message, "line 1") != NULL);
    CHECK(parse("[a]\nx = 1\n[b]\n[a]\n", &ini, &err) == SMK_E_CONFIG);
    CHECK(strstr(err.message, "line 4") != NULL);
    CHECK(parse("[a]\nx = 1\nX = 2\n", &ini, &err) == SMK_E_CONFIG);
    CHECK(parse("[a]\n= 1\n", &ini, &err) == SMK_E_CONFIG);
    CHECK(parse("[a]\ns =\n  no_equals_SECRET\n", &ini, &err) == SMK_E_CONFIG);
    CHECK(strstr(err.message, "SECRET") == NULL);
    CHECK(smk__ini_parse("[a]\nx=1\0", 8, "t", &ini, &err) == SMK_E_CONFIG);
    CHECK(parse("[]\n", &ini, &err) == SMK_E_CONFIG); /* "[]" is not a header */
    /* [DEFAULT] may repeat (configparser's special section). */
    CHECK(parse("[DEFAULT]\nx=1\n[DEFAULT]\ny=2\n", &ini, &err) == SMK_OK);
    smk__ini_free(&ini);
}

static void shlex(void)
{
    struct smk_error err;
    char **argv;
    size_t argc;

    CHECK(smk__shlex_split("  /bin/tool --a 'b c' \"d \\\"e\\\" \\f\" g\\ h ''  ", &argv, &argc,
                           &err) == SMK_OK);
    CHECK(argc == 6);
    if (argc == 6) {
        CHECK_STR(argv[0], "/bin/tool");
        CHECK_STR(argv[1], "--a");
        CHECK_STR(argv[2], "b c");
        CHECK_STR(argv[3], "d \"e\" \\f");
        CHECK_STR(argv[4], "g h");
        CHECK_STR(argv[5], "");
        CHECK(argv[6] == NULL);
    }
    free(argv);
    CHECK(smk__shlex_split("a 'b", &argv, &argc, &err) == SMK_E_CONFIG);
    CHECK(smk__shlex_split("a \\", &argv, &argc, &err) == SMK_E_CONFIG);
    CHECK(smk__shlex_split("   ", &argv, &argc, &err) == SMK_OK && argc == 0);
    free(argv);
}

static void profiles_and_merge(void)
{
    struct smk_shared_config *c;
    struct smk_error err;

    clear_env();
    write_file("config", "[default]\nregion = us-east-1\n"
                         "[profile dev]\nregion = eu-west-1\noutput = json\n"
                         "[profile \"with space\"]\nregion = ap-south-1\n"
                         "[profile]\nregion = nowhere\n"
                         "[dev]\nregion = not-a-profile-in-config\n"
                         "[profile dup]\nregion = first\n"
                         "[profile  dup]\nregion = second\n");
    write_file("credentials", "[dev]\nregion = from-credentials\naws_access_key_id = AK\n"
                              "[only-creds]\nx = 1\n");
    c = load(NULL, &err);
    CHECK(c != NULL);
    if (c) {
        CHECK_STR(smk_shared_config_profile(c), "default");
        CHECK_STR(smk_shared_config_profile_source(c), "default");
        CHECK(!smk_shared_config_profile_explicit(c));
        CHECK_STR(smk_shared_config_get(c, NULL, "region"), "us-east-1");
        /* The credentials file wins key by key. */
        CHECK_STR(smk_shared_config_get(c, "dev", "region"), "from-credentials");
        CHECK_STR(smk_shared_config_get(c, "dev", "output"), "json");
        CHECK_STR(smk__shared_config_get_from(c, "dev", "region", SMK__CONFIG_FILE), "eu-west-1");
        CHECK_STR(smk_shared_config_get(c, "with space", "region"), "ap-south-1");
        CHECK_STR(smk_shared_config_get(c, "dup", "region"), "second");
        CHECK(smk_shared_config_has_profile(c, "only-creds"));
        CHECK(!smk_shared_config_has_profile(c, "profile"));
        CHECK(smk_shared_config_get(c, "missing", "region") == NULL);
        smk_shared_config_free(c);
    }
    c = load("dev", &err);
    CHECK(c && smk_shared_config_profile_explicit(c));
    CHECK(c && strcmp(smk_shared_config_profile_source(c), "option") == 0);
    smk_shared_config_free(c);
    setenv("AWS_DEFAULT_PROFILE", "with space", 1);
    c = load(NULL, &err);
    CHECK(c && strcmp(smk_shared_config_profile(c), "with space") == 0);
    smk_shared_config_free(c);
    setenv("AWS_PROFILE", "dev", 1); /* AWS_PROFILE wins over AWS_DEFAULT_PROFILE */
    c = load(NULL, &err);
    CHECK(c && strcmp(smk_shared_config_profile_source(c), "AWS_PROFILE") == 0);
    smk_shared_config_free(c);
    setenv("AWS_PROFILE", "nope", 1);
    c = load(NULL, &err);
    CHECK(c == NULL && err.code == SMK_E_CONFIG && strcmp(err.type, "ProfileNotFound") == 0);
    CHECK(strstr(err.message, "nope") && strstr(err.message, "AWS_PROFILE"));
    clear_env();
}

static void missing_files_and_paths(void)
{
    struct smk_shared_config_options o = {"/nonexistent/dir/config", "/nonexistent/creds", NULL};
    struct smk_shared_config *c = NULL;
    struct smk_error err;
    char *p;

    clear_env();
    CHECK(smk_shared_config_load(&o, &c, &err) == SMK_OK);
    CHECK(c && !smk_shared_config_file_found(c, 0) && !smk_shared_config_file_found(c, 1));
    smk_shared_config_free(c);
    o.profile = "default"; /* explicit, even "default", must exist */
    CHECK(smk_shared_config_load(&o, &c, &err) == SMK_E_CONFIG);
    setenv("HOME", "/home/tester", 1);
    setenv("SMK_TEST_DIR", "sub", 1);
    p = smk__expand_path("~/.aws/$SMK_TEST_DIR/${SMK_TEST_DIR}/$UNSET_VAR_X/${UNSET_Y}");
    CHECK_STR(p, "/home/tester/.aws/sub/sub/$UNSET_VAR_X/${UNSET_Y}");
    free(p);
    p = smk__expand_path("~user/x");
    CHECK_STR(p, "~user/x");
    free(p);
    setenv("AWS_CONFIG_FILE", "~/cfg", 1);
    o.config_file = NULL;
    o.profile = NULL;
    CHECK(smk_shared_config_load(&o, &c, &err) == SMK_OK);
    CHECK(c && strcmp(smk_shared_config_path(c, 0), "/home/tester/cfg") == 0);
    smk_shared_config_free(c);
    unsetenv("SMK_TEST_DIR");
    clear_env();
}

static void services_and_endpoints(void)
{
    struct smk_shared_config *c;
    struct smk_error err;
    const char *url, *src;
    int b = -5;

    clear_env();
    write_file("config", "[default]\nservices = local\nendpoint_url = http://global:1\n"
                         "use_fips_endpoint = TRUE\n"
                         "[services local]\nsagemaker =\n  endpoint_url = http://sm:2\n"
                         "sts =\n  endpoint_url = http://sts:3\n"
                         "[profile broken]\nservices = missing\nuse_fips_endpoint = yes\n"
                         "[profile plain]\nendpoint_url = http://plain:4\n");
    write_file("credentials", "");
    c = load(NULL, &err);
    CHECK(c != NULL);
    if (c == NULL)
        return;
    CHECK(smk_config_endpoint_url(c, "SAGEMAKER", "sagemaker", &url, &src, &err) == SMK_OK);
    CHECK_STR(url, "http://sm:2");
    CHECK_STR(src, "profile services section");
    CHECK(smk_config_endpoint_url(c, "STS", "sts", &url, &src, &err) == SMK_OK);
    CHECK_STR(url, "http://sts:3");
    CHECK(smk_config_endpoint_url(c, "KMS", "kms", &url, &src, &err) == SMK_OK);
    CHECK_STR(url, "http://global:1");
    CHECK_STR(src, "profile endpoint_url");
    setenv("AWS_ENDPOINT_URL", "http://env-global:5", 1);
    CHECK(smk_config_endpoint_url(c, "SAGEMAKER", "sagemaker", &url, &src, &err) == SMK_OK);
    CHECK_STR(url, "http://env-global:5");
    CHECK_STR(src, "AWS_ENDPOINT_URL");
    setenv("AWS_ENDPOINT_URL_SAGEMAKER", "http://env-sm:6", 1);
    CHECK(smk_config_endpoint_url(c, "SAGEMAKER", "sagemaker", &url, &src, &err) == SMK_OK);
    CHECK_STR(url, "http://env-sm:6");
    CHECK_STR(src, "AWS_ENDPOINT_URL_SAGEMAKER");
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    CHECK(smk_config_endpoint_url(c, "SAGEMAKER", "sagemaker", &url, &src, &err) == SMK_OK);
    CHECK(url == NULL);
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "maybe", 1);
    CHECK(smk_config_endpoint_url(c, "SAGEMAKER", "sagemaker", &url, &src, &err) ==
          SMK_E_CONFIG);
    clear_env();
    CHECK(smk_config_bool_setting(c, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint", &b, &src,
                                  &err) == SMK_OK);
    CHECK(b == 1);
    setenv("AWS_USE_FIPS_ENDPOINT", "False", 1);
    CHECK(smk_config_bool_setting(c, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint", &b, &src,
                                  &err) == SMK_OK);
    CHECK(b == 0);
    CHECK_STR(src, "AWS_USE_FIPS_ENDPOINT");
    clear_env();
    smk_shared_config_free(c);

    c = load("broken", &err);
    CHECK(c != NULL);
    if (c) {
        CHECK(smk_config_endpoint_url(c, "SAGEMAKER", "sagemaker", &url, &src, &err) ==
              SMK_E_CONFIG);
        CHECK(strstr(err.message, "missing") != NULL);
        CHECK(smk_config_bool_setting(c, NULL, "use_fips_endpoint", &b, NULL, &err) ==
              SMK_E_CONFIG);
        smk_shared_config_free(c);
    }
    c = load("plain", &err);
    CHECK(c != NULL);
    if (c) {
        CHECK(smk_config_endpoint_url(c, "SAGEMAKER", "sagemaker", &url, &src, &err) == SMK_OK);
        CHECK_STR(url, "http://plain:4");
        smk_shared_config_free(c);
    }
    CHECK(smk_config_parse_bool(" true ") == 1);
    CHECK(smk_config_parse_bool("1") == -1);
    CHECK(smk_config_parse_bool(NULL) == -1);
}

int main(void)
{
    harness_tmpdir(dir, sizeof(dir), "config");
    RUN(ini_syntax);
    RUN(ini_errors_never_show_the_line);
    RUN(shlex);
    RUN(profiles_and_merge);
    RUN(missing_files_and_paths);
    RUN(services_and_endpoints);
    {
        char path[512];
        snprintf(path, sizeof(path), "%s/config", dir);
        unlink(path);
        snprintf(path, sizeof(path), "%s/credentials", dir);
        unlink(path);
        rmdir(dir);
    }
    return harness_report("config");
}
