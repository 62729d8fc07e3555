/*
 * Endpoint resolution: every case of the official SageMaker endpoint rule
 * tests ($SMK_SHARED_DIR/conformance/sagemaker-endpoint-tests.json) through
 * smk_endpoint_resolve and through smk_client_new (the path a client takes,
 * with the environment and the shared files neutralised), then the endpoint
 * configuration sources in their order, and the endpoint URL parser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "harness.h"
#include "smk/client.h"
#include "smk/endpoint.h"

#ifndef SMK_SHARED_DIR
#define SMK_SHARED_DIR "../shared"
#endif

static char dir[256];

static void write_file(const char *name, const char *text)
{
    harness_write_file(dir, name, text, 0644);
}

static void neutral_env(void)
{
    static const char *const vars[] = {
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SAGEMAKER", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_CA_BUNDLE", NULL};
    char path[512];

    harness_unsetenv(vars);
    snprintf(path, sizeof(path), "%s/config", dir);
    setenv("AWS_CONFIG_FILE", path, 1);
    snprintf(path, sizeof(path), "%s/credentials", dir);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    write_file("config", "");
    write_file("credentials", "");
}

/* A client for these settings; returns its endpoint (copied) or NULL with err. */
static char *client_endpoint(const char *region, int fips, int dualstack, const char *endpoint,
                             struct smk_error *err, struct smk_client_sources *src)
{
    struct smk_client_config cfg;
    struct smk_client *c = NULL;
    char *url = NULL;

    memset(&cfg, 0, sizeof(cfg));
    cfg.region = region;
    cfg.use_fips = fips;
    cfg.use_dualstack = dualstack;
    cfg.endpoint = endpoint;
    cfg.allow_http = 1;
    cfg.credentials.access_key_id = "AKIDEXAMPLE";
    cfg.credentials.secret_access_key = "secret";
    smk_error_clear(err);
    if (smk_client_new(&cfg, &c, err) != SMK_OK)
        return NULL;
    url = strdup(smk_client_endpoint(c));
    if (src)
        smk_client_sources(c, src);
    smk_client_free(c);
    return url;
}

static void conformance(void)
{
    const char *shared = getenv("SMK_SHARED_DIR");
    char path[4096];
    json_error_t jerr;
    json_t *root, *tests, *t;
    size_t i, n_url = 0, n_err = 0;

    if (shared == NULL || *shared == '\0')
        shared = SMK_SHARED_DIR;
    snprintf(path, sizeof(path), "%s/conformance/sagemaker-endpoint-tests.json", shared);
    root = json_load_file(path, 0, &jerr);
    if (root == NULL) {
        char why[4300];
        snprintf(why, sizeof(why),
                 "SageMaker endpoint rule conformance (47 cases) NOT RUN: %s is missing or "
                 "unreadable (set SMK_SHARED_DIR)",
                 path);
        harness_skip(why);
        return;
    }
    tests = json_object_get(root, "tests");
    CHECK(json_is_array(tests) && json_array_size(tests) == 47);
    neutral_env();
    json_array_foreach(tests, i, t) {
        json_t *params = json_object_get(t, "params"), *expect = json_object_get(t, "expect");
        const char *region = json_string_value(json_object_get(params, "Region"));
        const char *custom = json_string_value(json_object_get(params, "Endpoint"));
        int fips = json_is_true(json_object_get(params, "UseFIPS"));
        int ds = json_is_true(json_object_get(params, "UseDualStack"));
        const char *want_url = json_string_value(json_object_get(expect, "url"));
        const char *want_err = json_string_value(json_object_get(expect, "error"));
        struct smk_buf url;
        struct smk_error err;
        enum smk_err rc;
        char name[256];
        char *got;

        smk_buf_init(&url, 4096);
        smk_error_clear(&err);
        rc = smk_endpoint_resolve(region, fips, ds, custom, &url, &err);
        if (want_url) {
            n_url++;
            CHECK(rc == SMK_OK);
            CHECK_STR(smk_buf_cstr(&url), want_url);
        } else {
            n_err++;
            CHECK(rc == SMK_E_CONFIG);
            CHECK_STR(err.message, want_err);
        }
        smk_buf_cleanup(&url);
        /* The same through a client (it needs a region to sign for). */
        got = client_endpoint(region, fips ? 1 : -1, ds ? 1 : -1, custom, &err, NULL);
        if (want_url && region) {
            CHECK_STR(got, want_url);
        } else if (want_url) {
            CHECK(got == NULL && err.code == SMK_E_CONFIG && strcmp(err.type, "MissingRegion") == 0);
        } else if (region) {
            CHECK(got == NULL && err.code == SMK_E_CONFIG);
            CHECK_STR(err.message, want_err);
        } else {
            CHECK(got == NULL && err.code == SMK_E_CONFIG);
        }
        free(got);
        snprintf(name, sizeof(name), "endpoint case %zu (%s%s%s)", i + 1, region ? region : "-",
                 fips ? " fips" : "", ds ? " dualstack" : "");
        harness_end_case(name);
    }
    printf("endpoint rules: %zu URL cases, %zu error cases checked\n", n_url, n_err);
    json_decref(root);
}

static void configured_endpoints(void)
{
    struct smk_client_sources src;
    struct smk_error err;
    char *got;

    neutral_env();
    write_file("config", "[default]\nregion = eu-west-1\nservices = emu\n"
                         "use_dualstack_endpoint = true\n"
                         "[services emu]\nsagemaker =\n  endpoint_url = http://127.0.0.1:4566\n"
                         "[profile plain]\nregion = eu-west-2\nendpoint_url = http://127.0.0.1:1\n"
                         "[profile fips]\nregion = us-east-1\nuse_fips_endpoint = true\n");
    /* Profile: region, dual-stack + services section -> the rule set's error. */
    got = client_endpoint(NULL, 0, 0, NULL, &err, &src);
    CHECK(got == NULL && err.code == SMK_E_CONFIG);
    CHECK_STR(err.message, "Invalid Configuration: Dualstack and custom endpoint are not supported");
    got = client_endpoint(NULL, 0, -1, NULL, &err, &src);
    CHECK_STR(got, "http://127.0.0.1:4566");
    CHECK_STR(src.endpoint_source, "profile services section");
    CHECK_STR(src.region_source, "profile");
    free(got);
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    got = client_endpoint(NULL, 0, 0, NULL, &err, &src);
    CHECK_STR(got, "https://api.sagemaker.eu-west-1.api.aws");
    CHECK_STR(src.endpoint_source, "endpoint rules");
    free(got);
    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:2", 1);
    got = client_endpoint(NULL, 0, -1, NULL, &err, &src);
    CHECK_STR(got, "http://127.0.0.1:2");
    CHECK_STR(src.endpoint_source, "AWS_ENDPOINT_URL");
    free(got);
    setenv("AWS_ENDPOINT_URL_SAGEMAKER", "http://127.0.0.1:3", 1);
    got = client_endpoint(NULL, 0, -1, NULL, &err, &src);
    CHECK_STR(got, "http://127.0.0.1:3");
    CHECK_STR(src.endpoint_source, "AWS_ENDPOINT_URL_SAGEMAKER");
    free(got);
    got = client_endpoint(NULL, 0, -1, "http://127.0.0.1:9", &err, &src); /* the option wins */
    CHECK_STR(got, "http://127.0.0.1:9");
    CHECK_STR(src.endpoint_source, "option");
    free(got);
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_SAGEMAKER");
    setenv("AWS_PROFILE", "plain", 1);
    got = client_endpoint(NULL, 0, 0, NULL, &err, &src);
    CHECK_STR(got, "http://127.0.0.1:1");
    CHECK_STR(src.endpoint_source, "profile endpoint_url");
    free(got);
    setenv("AWS_PROFILE", "fips", 1);
    got = client_endpoint(NULL, 0, 0, NULL, &err, &src);
    CHECK_STR(got, "https://api-fips.sagemaker.us-east-1.amazonaws.com");
    CHECK(src.use_fips == 1);
    free(got);
    setenv("AWS_USE_FIPS_ENDPOINT", "false", 1); /* the environment beats the profile */
    got = client_endpoint(NULL, 0, 0, NULL, &err, &src);
    CHECK_STR(got, "https://api.sagemaker.us-east-1.amazonaws.com");
    free(got);
    got = client_endpoint(NULL, 1, 0, NULL, &err, &src); /* the option beats both */
    CHECK_STR(got, "https://api-fips.sagemaker.us-east-1.amazonaws.com");
    free(got);
    setenv("AWS_USE_FIPS_ENDPOINT", "1", 1);
    got = client_endpoint(NULL, 0, 0, NULL, &err, &src);
    CHECK(got == NULL && err.code == SMK_E_CONFIG && strstr(err.message, "true or false"));
    neutral_env();
}

static void region_order(void)
{
    struct smk_client_sources src;
    struct smk_error err;
    char *got;

    neutral_env();
    write_file("config", "[default]\nregion = ap-south-1\n");
    got = client_endpoint(NULL, 0, 0, NULL, &err, &src);
    CHECK_STR(got, "https://api.sagemaker.ap-south-1.amazonaws.com");
    CHECK_STR(src.region_source, "profile");
    free(got);
    setenv("AWS_DEFAULT_REGION", "sa-east-1", 1);
    got = client_endpoint(NULL, 0, 0, NULL, &err, &src);
    CHECK_STR(src.region_source, "AWS_DEFAULT_REGION");
    free(got);
    setenv("AWS_REGION", "eu-north-1", 1);
    got = client_endpoint(NULL, 0, 0, NULL, &err, &src);
    CHECK_STR(got, "https://api.sagemaker.eu-north-1.amazonaws.com");
    CHECK_STR(src.region_source, "AWS_REGION");
    free(got);
    got = client_endpoint("us-west-1", 0, 0, NULL, &err, &src);
    CHECK_STR(src.region_source, "option");
    free(got);
    neutral_env();
    got = client_endpoint(NULL, 0, 0, NULL, &err, &src);
    CHECK(got == NULL && err.code == SMK_E_CONFIG && strcmp(err.type, "MissingRegion") == 0);
    CHECK(strstr(err.message, "AWS_REGION") != NULL);
}

/* smk_url_parse: what a client keeps of its endpoint URL. */
static void check_url(const char *url, int https, int loopback, const char *host,
                      const char *path)
{
    struct smk_url_parts u;
    struct smk_error err;

    smk_error_clear(&err);
    if (smk_url_parse(url, &u, &err) != SMK_OK) {
        fprintf(stderr, "url %s: unexpected error: %s\n", url, err.message);
        CHECK(0);
        return;
    }
    CHECK(u.https == https);
    CHECK(u.loopback == loopback);
    CHECK_STR(u.host, host);
    CHECK_STR(u.path, path);
}

static void check_bad_url(const char *url, const char *why)
{
    struct smk_url_parts u;
    struct smk_error err;

    smk_error_clear(&err);
    if (smk_url_parse(url, &u, &err) != SMK_E_CONFIG) {
        fprintf(stderr, "url %s: accepted\n", url);
        CHECK(0);
        return;
    }
    CHECK_STR(err.type, "InvalidEndpoint");
    if (strstr(err.message, why) == NULL) {
        fprintf(stderr, "url %s: message [%s] lacks [%s]\n", url, err.message, why);
        CHECK(0);
    }
}

static void url_parsing(void)
{
    const char *invalid = "is not a valid absolute URL";
    const char *no_extras = "must not contain user info, a query or a fragment";
    const char *bad_host = "must be a DNS name, an IPv4 address or an IPv6 address";

    check_url("https://api.sagemaker.us-east-1.amazonaws.com", 1, 0,
              "api.sagemaker.us-east-1.amazonaws.com", "/");
    check_url("HTTPS://Example.COM/", 1, 0, "Example.COM", "/");
    check_url("http://127.0.0.1:8080/base/", 0, 1, "127.0.0.1:8080", "/base/");
    check_url("http://127.0.0.1:08080", 0, 1, "127.0.0.1:8080", "/");
    check_url("http://127.1", 0, 1, "127.1", "/");
    check_url("http://localhost:4566/", 0, 1, "localhost:4566", "/");
    check_url("http://LOCALHOST", 0, 1, "LOCALHOST", "/");
    check_url("http://127.evil.com", 0, 0, "127.evil.com", "/");
    check_url("http://[::1]:9000", 0, 1, "[::1]:9000", "/");
    check_url("http://[0:0::1]", 0, 1, "[0:0::1]", "/");
    check_url("http://[::ffff:127.0.0.1]", 0, 0, "[::ffff:127.0.0.1]", "/");
    check_url("https://[2001:db8::7]:443/p", 1, 0, "[2001:db8::7]:443", "/p");
    check_url("https://h:", 1, 0, "h", "/");
    check_url("https://h:0", 1, 0, "h:0", "/");
    check_url("https://h:65535", 1, 0, "h:65535", "/");
    check_url("https://h_x.com", 1, 0, "h_x.com", "/");
    check_url("https://h.com.", 1, 0, "h.com.", "/");
    /* dot segments removed (RFC 3986 5.2.4), as libcurl sends the path */
    check_url("https://h/a/../b", 1, 0, "h", "/b");
    check_url("https://h/a/./b/", 1, 0, "h", "/a/b/");
    check_url("https://h/a/b/..", 1, 0, "h", "/a/");
    check_url("https://h/a/.", 1, 0, "h", "/a/");
    check_url("https://h/..", 1, 0, "h", "/");
    check_url("https://h//x", 1, 0, "h", "//x");
    check_url("https://h/%7Efoo/p:q@r", 1, 0, "h", "/%7Efoo/p:q@r");

    check_bad_url("", "empty or contains control characters");
    check_bad_url("https://h/\r\nX: y", "control characters");
    check_bad_url("https://h\t", "control characters");
    check_bad_url("ftp://h", "scheme must be http or https, got \"ftp\"");
    check_bad_url("file:///etc/passwd", "scheme must be http or https");
    check_bad_url("https://user:pw@h", no_extras);
    check_bad_url("https://@h", no_extras);
    check_bad_url("https://h?x=1", no_extras);
    check_bad_url("https://h/?", no_extras);
    check_bad_url("https://h#f", no_extras);
    check_bad_url("https://h/#", no_extras);
    check_bad_url("https://h:99999", "port must be a number from 0 to 65535");
    check_bad_url("https://h:65536", "port must be a number");
    check_bad_url("https://h:abc", invalid);
    check_bad_url("https://h:+80", invalid);
    check_bad_url("https://h:80:90", invalid);
    check_bad_url("https://", "has no host");
    check_bad_url("https:///x", "has no host");
    check_bad_url("//h/x", invalid);
    check_bad_url("not a url", invalid);
    check_bad_url("https:/h", invalid);
    check_bad_url("https:h", invalid);
    check_bad_url("https://h/a b", invalid);
    check_bad_url("https://exa mple.com", invalid);
    check_bad_url("https://h\\x", invalid);
    check_bad_url("https://h/{x}", invalid);
    check_bad_url("https://h/%zz", invalid);
    check_bad_url("https://h/\xc3\xbc", invalid);
    check_bad_url("https://[v7.x]/", bad_host);
    check_bad_url("https://h;x", bad_host);
    check_bad_url("https://%41.com", bad_host);
    {
        char long_host[300];
        memset(long_host, 'a', sizeof(long_host));
        memcpy(long_host, "https://", 8);
        long_host[sizeof(long_host) - 1] = '\0';
        check_bad_url(long_host, "host is too long");
    }
    {
        char long_path[600];
        memset(long_path, 'a', sizeof(long_path));
        memcpy(long_path, "https://h/", 10);
        long_path[sizeof(long_path) - 1] = '\0';
        check_bad_url(long_path, "path is too long");
    }
}

int main(void)
{
    harness_tmpdir(dir, sizeof(dir), "endpoints");
    conformance();
    RUN(url_parsing);
    RUN(configured_endpoints);
    RUN(region_order);
    {
        char path[512];
        snprintf(path, sizeof(path), "%s/config", dir);
        unlink(path);
        snprintf(path, sizeof(path), "%s/credentials", dir);
        unlink(path);
        rmdir(dir);
    }
    return harness_report("endpoints");
}
