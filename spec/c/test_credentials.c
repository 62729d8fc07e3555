/*
 * Credential providers without network: a scripted in-memory transport and a
 * fake clock. Covers the cache (refresh ahead of expiry, keeping valid
 * credentials when a refresh fails, back-off), ISO 8601, the STS XML parser,
 * the requests each provider sends (STS AssumeRole signed for "sts",
 * AssumeRoleWithWebIdentity unsigned, container endpoint with its token,
 * IMDSv2 token + role + credentials), credential_process, and the default
 * chain's order and errors. End-to-end runs against the emulator are in
 * spec/lua/credentials_spec.lua.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "credentials/internal.h"
#include "harness.h"
#include "smk/config.h"
#include "smk/credentials.h"

/* ---- fakes ---------------------------------------------------------------------- */

#define MAX_CALLS 16

struct fake {
    struct smk_transport base;
    int status[MAX_CALLS];
    const char *body[MAX_CALLS];
    enum smk_err fail[MAX_CALLS];
    size_t n, next;
    char method[MAX_CALLS][8];
    char url[MAX_CALLS][512];
    char headers[MAX_CALLS][4096];
    char req_body[MAX_CALLS][4096];
};

static struct fake fk;
static double now_value = 1700000000.0;
static double slept;

static double fake_clock(void *ud)
{
    (void)ud;
    return now_value;
}

static void fake_sleep(void *ud, double s)
{
    (void)ud;
    slept += s;
}

static enum smk_err fake_send(struct smk_transport *self, const struct smk_http_request *req,
                              struct smk_http_response *resp, struct smk_error *err)
{
    struct fake *f = (struct fake *)self;
    size_t i = f->next++, k, off = 0;

    smk_http_response_reset(resp);
    if (i >= MAX_CALLS)
        return smk_error_set(err, SMK_E_TRANSPORT, "NetworkError", "script exhausted");
    snprintf(f->method[i], sizeof(f->method[i]), "%s", req->method);
    snprintf(f->url[i], sizeof(f->url[i]), "%s", req->url);
    f->headers[i][0] = '\0';
    for (k = 0; k < req->n_headers; k++) {
        int n = snprintf(f->headers[i] + off, sizeof(f->headers[i]) - off, "%.*s: %.*s\n",
                         (int)req->headers[k].name_len, req->headers[k].name,
                         (int)req->headers[k].value_len, req->headers[k].value);
        if (n > 0 && (size_t)n < sizeof(f->headers[i]) - off)
            off += (size_t)n;
    }
    snprintf(f->req_body[i], sizeof(f->req_body[i]), "%.*s", (int)req->body_len,
             req->body ? req->body : "");
    if (i >= f->n)
        return smk_error_set(err, SMK_E_TRANSPORT, "NetworkError", "connection refused");
    if (f->fail[i] != SMK_OK)
        return smk_error_set(err, f->fail[i], "NetworkError", "connection refused");
    resp->status = f->status[i];
    smk_buf_append_str(&resp->body, f->body[i]);
    return SMK_OK;
}

static void fake_destroy(struct smk_transport *self)
{
    (void)self;
}

static void script(int status, const char *body)
{
    fk.status[fk.n] = status;
    fk.body[fk.n] = body;
    fk.fail[fk.n] = SMK_OK;
    fk.n++;
}

static void reset_fake(void)
{
    memset(&fk, 0, sizeof(fk));
    fk.base.send = fake_send;
    fk.base.destroy = fake_destroy;
    slept = 0;
}

static char dir[256];

static void write_file(const char *name, const char *text, int mode)
{
    harness_write_file(dir, name, text, mode);
}

static const char *path_of(const char *name)
{
    static char path[4][512];
    static int k;

    k = (k + 1) % 4;
    snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
    return path[k];
}

static void clean_env(void)
{
    static const char *const vars[] = {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "AWS_METADATA_SERVICE_TIMEOUT",
        "AWS_METADATA_SERVICE_NUM_ATTEMPTS", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", NULL};

    harness_unsetenv(vars);
    setenv("AWS_CONFIG_FILE", path_of("config"), 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path_of("credentials"), 1);
    write_file("config", "", 0644);
    write_file("credentials", "", 0644);
}

static struct smk_credentials_options opts(void)
{
    struct smk_credentials_options o;

    memset(&o, 0, sizeof(o));
    o.region = "us-west-2";
    o.transport = &fk.base;
    o.clock = fake_clock;
    o.sleep = fake_sleep;
    return o;
}

/* ---- ISO 8601 and STS XML ------------------------------------------------------- */

static void iso8601(void)
{
    double t;

    CHECK(smk_parse_iso8601("1970-01-01T00:00:00Z", &t) == 0 && t == 0);
    CHECK(smk_parse_iso8601("2023-11-14T22:13:20Z", &t) == 0 && t == 1700000000.0);
    CHECK(smk_parse_iso8601("2023-11-14T22:13:20.500Z", &t) == 0 && t == 1700000000.5);
    CHECK(smk_parse_iso8601("2023-11-15T00:13:20+02:00", &t) == 0 && t == 1700000000.0);
    CHECK(smk_parse_iso8601("2023-11-14 17:13:20-0500", &t) == 0 && t == 1700000000.0);
    CHECK(smk_parse_iso8601("2024-02-29T00:00:00Z", &t) == 0);
    CHECK(smk_parse_iso8601("2023-11-14T22:13:20", &t) == 0 && t == 1700000000.0);
    CHECK(smk_parse_iso8601("2023-13-01T00:00:00Z", &t) == -1);
    CHECK(smk_parse_iso8601("2023-11-14T22:13Z", &t) == -1);
    CHECK(smk_parse_iso8601("2023-11-14T22:13:20Zjunk", &t) == -1);
    CHECK(smk_parse_iso8601("", &t) == -1);
}

#define STS_OK_XML                                                                       \
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"         \
    " <AssumeRoleResult>\n  <AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn>" \
    "</AssumedRoleUser>\n  <Credentials>\n   <AccessKeyId>ASIATEMP</AccessKeyId>\n"       \
    "   <SecretAccessKey>temp/secret+key</SecretAccessKey>\n"                            \
    "   <SessionToken>\n     TOKEN&amp;VALUE\n   </SessionToken>\n"                      \
    "   <Expiration>2023-11-14T23:13:20.000Z</Expiration>\n  </Credentials>\n"            \
    " </AssumeRoleResult>\n <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>\n" \
    "</AssumeRoleResponse>\n"

static void sts_xml(void)
{
    struct smk__creds c;
    struct smk_error err;

    smk_error_clear(&err);
    CHECK(smk__sts_parse(STS_OK_XML, strlen(STS_OK_XML), 200, "AssumeRole", &c, &err) == SMK_OK);
    CHECK_STR(c.akid, "ASIATEMP");
    CHECK_STR(c.secret, "temp/secret+key");
    CHECK_STR(c.token, "TOKEN&VALUE");
    CHECK(c.expiration == 1700003600.0);
    smk__creds_clear(&c);
    {
        const char *x = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                        "<Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is "
                        "not authorized to perform: sts:AssumeRole</Message></Error>"
                        "<RequestId>x</RequestId></ErrorResponse>";
        CHECK(smk__sts_parse(x, strlen(x), 403, "AssumeRole for r", &c, &err) ==
              SMK_E_CREDENTIALS);
        CHECK_STR(err.type, "AccessDenied");
        CHECK(err.http_status == 403);
        CHECK(strstr(err.message, "not authorized") != NULL);
    }
    {
        const char *x = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>";
        CHECK(smk__sts_parse(x, strlen(x), 200, "AssumeRole", &c, &err) == SMK_E_CREDENTIALS);
        CHECK_STR(err.type, "InvalidResponse");
    }
    CHECK(smk__sts_parse("<a><b>", 6, 200, "AssumeRole", &c, &err) == SMK_E_CREDENTIALS);
    CHECK(smk__sts_parse("<AssumeRoleResponse/>", 21, 200, "AssumeRole", &c, &err) ==
          SMK_E_CREDENTIALS);
    CHECK(strstr(err.message, "lacks Credentials") != NULL);
}

/* ---- the cache ------------------------------------------------------------------ */

struct counter {
    int calls;
    int failing;
    double lifetime;
    char akid[32];
};

static enum smk_err count_fetch(void *ud, struct smk_credentials *out, struct smk_error *err)
{
    struct counter *c = ud;

    c->calls++;
    if (c->failing)
        return smk_error_set(err, SMK_E_CREDENTIALS, "Boom", "source down");
    snprintf(c->akid, sizeof(c->akid), "AKID%d", c->calls);
    out->access_key_id = c->akid;
    out->secret_access_key = "secret";
    out->session_token = "token";
    out->expiration = c->lifetime ? now_value + c->lifetime : 0;
    return SMK_OK;
}

static void cache_and_refresh(void)
{
    struct smk_credentials_options o = opts();
    struct smk_credentials_provider *p;
    struct smk_credentials cr;
    struct smk_error err;
    struct counter cnt = {0, 0, 3600, ""};

    now_value = 1700000000.0;
    CHECK(smk_credentials_custom_new("test source", count_fetch, &cnt, NULL, &o, &p, &err) ==
          SMK_OK);
    CHECK_STR(smk_credentials_source(p), "test source");
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK && cnt.calls == 1);
    CHECK_STR(cr.access_key_id, "AKID1");
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK && cnt.calls == 1); /* cached */
    now_value += 3600 - 301;                                               /* not yet */
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK && cnt.calls == 1);
    now_value += 2; /* inside the 5-minute window: refreshed */
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK && cnt.calls == 2);
    CHECK_STR(cr.access_key_id, "AKID2");
    /* A failed refresh keeps the old credentials while they are valid... */
    now_value += 3600 - 200;
    cnt.failing = 1;
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK && cnt.calls == 3);
    CHECK_STR(cr.access_key_id, "AKID2");
    /* ...and does not retry at once... */
    now_value += 10;
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK && cnt.calls == 3);
    /* ...but after 30 s. */
    now_value += 25;
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK && cnt.calls == 4);
    /* Once they are (nearly) expired, the failure is an error. */
    now_value += 200;
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_E_CREDENTIALS && cnt.calls == 5);
    CHECK_STR(err.type, "Boom");
    cnt.failing = 0;
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK && cnt.calls == 6);
    /* Credentials that come back already expired are an error. */
    cnt.lifetime = -5;
    now_value += 3600;
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_E_CREDENTIALS);
    CHECK_STR(err.type, "ExpiredCredentials");
    smk_credentials_provider_free(p);

    /* Without an expiration: fetched once. */
    cnt.calls = 0;
    cnt.lifetime = 0;
    CHECK(smk_credentials_custom_new(NULL, count_fetch, &cnt, NULL, &o, &p, &err) == SMK_OK);
    now_value += 1e6;
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK);
    now_value += 1e6;
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK && cnt.calls == 1);
    smk_credentials_provider_free(p);
}

static void static_and_environment(void)
{
    struct smk_credentials_options o = opts();
    struct smk_credentials_provider *p;
    struct smk_credentials cr;
    struct smk_error err;

    CHECK(smk_credentials_static_new("AK", "SK", "", &p, &err) == SMK_OK);
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK && cr.session_token == NULL);
    CHECK_STR(smk_credentials_source(p), "explicit");
    smk_credentials_provider_free(p);
    CHECK(smk_credentials_static_new("AK", "", NULL, &p, &err) == SMK_E_CREDENTIALS);
    CHECK(smk_credentials_static_new("AK", "S\r\nX: y", NULL, &p, &err) == SMK_E_CREDENTIALS);
    CHECK(strstr(err.message, "X: y") == NULL);

    clean_env();
    CHECK(smk_credentials_environment_new(&o, &p, &err) == SMK_E_CREDENTIALS);
    CHECK_STR(err.type, "CredentialsNotFound");
    setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
    CHECK(smk_credentials_environment_new(&o, &p, &err) == SMK_E_CREDENTIALS);
    CHECK_STR(err.type, "PartialCredentials");
    setenv("AWS_SECRET_ACCESS_KEY", "SKENV", 1);
    setenv("AWS_SESSION_TOKEN", "session", 1);
    setenv("AWS_SECURITY_TOKEN", "security", 1); /* botocore prefers this one */
    setenv("AWS_CREDENTIAL_EXPIRATION", "2023-11-14T22:13:20Z", 1);
    now_value = 1700000000.0 - 3600;
    CHECK(smk_credentials_environment_new(&o, &p, &err) == SMK_OK);
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK);
    CHECK_STR(cr.session_token, "security");
    CHECK(cr.expiration == 1700000000.0);
    now_value = 1700000000.0 + 1;
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_E_CREDENTIALS);
    smk_credentials_provider_free(p);
    clean_env();
}

/* ---- network providers -------------------------------------------------------------- */

static void assume_role_request(void)
{
    struct smk_credentials_options o = opts();
    struct smk_credentials_provider *src, *p;
    struct smk_assume_role_params ar = {"arn:aws:iam::123456789012:role/r", "sess", NULL, 900};
    struct smk_credentials cr;
    struct smk_error err;

    clean_env();
    reset_fake();
    now_value = 1700000000.0;
    CHECK(smk_credentials_static_new("AKIDSRC", "source-secret", NULL, &src, &err) == SMK_OK);
    CHECK(smk_credentials_assume_role_new(src, &ar, &o, &p, &err) == SMK_OK);
    script(500, "<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>");
    script(200, STS_OK_XML);
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK);
    CHECK_STR(cr.access_key_id, "ASIATEMP");
    CHECK(fk.next == 2 && slept > 0); /* one retry after the 500 */
    CHECK_STR(fk.url[1], "https://sts.us-west-2.amazonaws.com");
    CHECK_STR(fk.method[1], "POST");
    CHECK_STR(fk.req_body[1], "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%"
                              "3A123456789012%3Arole%2Fr&RoleSessionName=sess&DurationSeconds=900");
    CHECK(strstr(fk.headers[1], "Credential=AKIDSRC/20231114/us-west-2/sts/aws4_request") !=
          NULL);
    CHECK(strstr(fk.headers[1], "Content-Type: application/x-www-form-urlencoded") != NULL);
    CHECK(strstr(fk.headers[1], "source-secret") == NULL);
    CHECK(strstr(smk_credentials_source(p), "assume role arn:aws:iam::123456789012:role/r") !=
          NULL);
    smk_credentials_provider_free(p);

    /* An STS refusal names the role and the code, never a secret. */
    reset_fake();
    CHECK(smk_credentials_static_new("AKIDSRC", "source-secret", "src-token", &src, &err) ==
          SMK_OK);
    setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9", 1);
    ar.session_name = NULL;
    ar.duration_seconds = 0;
    CHECK(smk_credentials_assume_role_new(src, &ar, &o, &p, &err) == SMK_OK);
    script(403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error>"
                "</ErrorResponse>");
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_E_CREDENTIALS);
    CHECK_STR(err.type, "AccessDenied");
    CHECK(strstr(err.message, "role/r") != NULL);
    CHECK(strstr(err.message, "source-secret") == NULL);
    CHECK(fk.next == 1);
    CHECK_STR(fk.url[0], "http://127.0.0.1:9");
    CHECK(strstr(fk.req_body[0], "RoleSessionName=lua-sagemaker-1700000000") != NULL);
    CHECK(strstr(fk.headers[0], "X-Amz-Security-Token: src-token") != NULL);
    smk_credentials_provider_free(p);

    /* Plain http to a non-loopback STS endpoint is refused. */
    reset_fake();
    setenv("AWS_ENDPOINT_URL_STS", "http://sts.example.com", 1);
    CHECK(smk_credentials_static_new("AKIDSRC", "s", NULL, &src, &err) == SMK_OK);
    CHECK(smk_credentials_assume_role_new(src, &ar, &o, &p, &err) == SMK_OK);
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_E_CONFIG);
    CHECK(fk.next == 0);
    smk_credentials_provider_free(p);
    clean_env();
}

static void sts_endpoints(void)
{
    char *url = NULL;
    struct smk_error err;

    clean_env();
    CHECK(smk__sts_endpoint(NULL, "eu-west-1", 0, 0, &url, &err) == SMK_OK);
    CHECK_STR(url, "https://sts.eu-west-1.amazonaws.com");
    free(url);
    CHECK(smk__sts_endpoint(NULL, "cn-north-1", 0, 0, &url, &err) == SMK_OK);
    CHECK_STR(url, "https://sts.cn-north-1.amazonaws.com.cn");
    free(url);
    CHECK(smk__sts_endpoint(NULL, "us-east-1", 1, 0, &url, &err) == SMK_OK);
    CHECK_STR(url, "https://sts-fips.us-east-1.amazonaws.com");
    free(url);
    CHECK(smk__sts_endpoint(NULL, "us-gov-west-1", 1, 0, &url, &err) == SMK_OK);
    CHECK_STR(url, "https://sts.us-gov-west-1.amazonaws.com");
    free(url);
    CHECK(smk__sts_endpoint(NULL, "us-east-1", 0, 1, &url, &err) == SMK_OK);
    CHECK_STR(url, "https://sts.us-east-1.api.aws");
    free(url);
    CHECK(smk__sts_endpoint(NULL, NULL, 0, 0, &url, &err) == SMK_OK);
    CHECK_STR(url, "https://sts.amazonaws.com");
    free(url);
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1", 1);
    CHECK(smk__sts_endpoint(NULL, "us-east-1", 1, 0, &url, &err) == SMK_E_CONFIG);
    clean_env();
}

static void web_identity_request(void)
{
    struct smk_credentials_options o = opts();
    struct smk_credentials_provider *p;
    struct smk_credentials cr;
    struct smk_error err;

    clean_env();
    reset_fake();
    CHECK(smk_credentials_web_identity_new(&o, &p, &err) == SMK_E_CREDENTIALS);
    CHECK_STR(err.type, "CredentialsNotFound");
    write_file("token", "eyJhbGciOi.JWT+/=\n", 0600);
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", path_of("token"), 1);
    CHECK(smk_credentials_web_identity_new(&o, &p, &err) == SMK_E_CONFIG); /* no role ARN */
    setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/wi", 1);
    setenv("AWS_ROLE_SESSION_NAME", "pod-1", 1);
    CHECK(smk_credentials_web_identity_new(&o, &p, &err) == SMK_OK);
    script(200, STS_OK_XML);
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK);
    CHECK_STR(fk.req_body[0], "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%"
                              "3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fwi&RoleSessionName=pod-1&"
                              "WebIdentityToken=eyJhbGciOi.JWT%2B%2F%3D");
    CHECK(strstr(fk.headers[0], "Authorization") == NULL); /* unsigned */
    smk_credentials_provider_free(p);
    /* The token file is read at each fetch; a missing one is an error. */
    CHECK(smk_credentials_web_identity_new(&o, &p, &err) == SMK_OK);
    unlink(path_of("token"));
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_E_CREDENTIALS);
    CHECK_STR(err.type, "TokenFileError");
    smk_credentials_provider_free(p);
    clean_env();
}

#define META_JSON                                                                            \
    "{\"Code\": \"Success\", \"Type\": \"AWS-HMAC\", \"AccessKeyId\": \"ASIAMETA\", "        \
    "\"SecretAccessKey\": \"meta-secret\", \"Token\": \"meta-token\", \"Expiration\": "      \
    "\"2023-11-15T04:13:20Z\"}"

static void container_requests(void)
{
    struct smk_credentials_options o = opts();
    struct smk_credentials_provider *p;
    struct smk_credentials cr;
    struct smk_error err;

    clean_env();
    reset_fake();
    now_value = 1700000000.0;
    CHECK(smk_credentials_container_new(&o, &p, &err) == SMK_E_CREDENTIALS);
    CHECK_STR(err.type, "CredentialsNotFound");
    setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc", 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "static-token", 1);
    write_file("ctoken", "file-token\n", 0600);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path_of("ctoken"), 1);
    CHECK(smk_credentials_container_new(&o, &p, &err) == SMK_OK);
    fk.fail[0] = SMK_E_TRANSPORT; /* one connection failure, then success */
    fk.n = 1;
    script(200, META_JSON);
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK);
    CHECK_STR(cr.access_key_id, "ASIAMETA");
    CHECK(cr.expiration == 1700021600.0);
    CHECK(fk.next == 2);
    CHECK_STR(fk.url[1], "http://169.254.170.2/v2/credentials/abc");
    CHECK(strstr(fk.headers[1], "Authorization: file-token\n") != NULL); /* the file wins */
    smk_credentials_provider_free(p);

    unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds", 1);
    CHECK(smk_credentials_container_new(&o, &p, &err) == SMK_E_CONFIG);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials", 1);
    CHECK(smk_credentials_container_new(&o, &p, &err) == SMK_OK);
    smk_credentials_provider_free(p);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "https://creds.example.com/x", 1);
    CHECK(smk_credentials_container_new(&o, &p, &err) == SMK_OK);
    reset_fake();
    script(401, "{\"Code\":\"AccessDenied\"}");
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_E_CREDENTIALS);
    CHECK(strstr(err.message, "HTTP 401") != NULL);
    CHECK(strstr(fk.headers[0], "Authorization: static-token") != NULL);
    smk_credentials_provider_free(p);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "bad\r\nX-Injected: 1", 1);
    CHECK(smk_credentials_container_new(&o, &p, &err) == SMK_E_CONFIG);
    clean_env();
}

static void imds_requests(void)
{
    struct smk_credentials_options o = opts();
    struct smk_credentials_provider *p;
    struct smk_credentials cr;
    struct smk_error err;

    clean_env();
    reset_fake();
    CHECK(smk_credentials_imds_new(&o, &p, &err) == SMK_OK);
    script(200, "IMDS-TOKEN\n");
    script(200, "my-role\n");
    script(200, META_JSON);
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK);
    CHECK_STR(cr.session_token, "meta-token");
    CHECK_STR(fk.method[0], "PUT");
    CHECK_STR(fk.url[0], "http://169.254.169.254/latest/api/token");
    CHECK(strstr(fk.headers[0], "X-aws-ec2-metadata-token-ttl-seconds: 21600") != NULL);
    CHECK_STR(fk.url[1], "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
    CHECK(strstr(fk.headers[1], "X-aws-ec2-metadata-token: IMDS-TOKEN") != NULL);
    CHECK_STR(fk.url[2],
              "http://169.254.169.254/latest/meta-data/iam/security-credentials/my-role");
    smk_credentials_provider_free(p);

    /* IMDSv2 only: no token, no credentials (and no IMDSv1 request). */
    reset_fake();
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1234", 1);
    CHECK(smk_credentials_imds_new(&o, &p, &err) == SMK_OK);
    script(403, "Forbidden");
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_E_CREDENTIALS);
    CHECK(strstr(err.message, "IMDSv1 is not used") != NULL);
    CHECK(fk.next == 1);
    CHECK_STR(fk.url[0], "http://127.0.0.1:1234/latest/api/token");
    smk_credentials_provider_free(p);

    /* No role attached. */
    reset_fake();
    unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6", 1);
    setenv("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2", 1);
    CHECK(smk_credentials_imds_new(&o, &p, &err) == SMK_OK);
    script(200, "T");
    script(404, "Not Found");
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_E_CREDENTIALS);
    CHECK(strstr(err.message, "no IAM role") != NULL);
    CHECK_STR(fk.url[0], "http://[fd00:ec2::254]/latest/api/token");
    smk_credentials_provider_free(p);
    setenv("AWS_METADATA_SERVICE_TIMEOUT", "soon", 1);
    CHECK(smk_credentials_imds_new(&o, &p, &err) == SMK_E_CONFIG);
    setenv("AWS_EC2_METADATA_DISABLED", "TRUE", 1);
    CHECK(smk_credentials_imds_new(&o, &p, &err) == SMK_E_CREDENTIALS);
    CHECK_STR(err.type, "CredentialsNotFound");
    clean_env();
}

/* ---- credential_process ------------------------------------------------------------ */

static void process(void)
{
    struct smk_credentials_options o = opts();
    struct smk_credentials_provider *p;
    struct smk_credentials cr;
    struct smk_error err;
    char cmd[1024];

    now_value = 1700000000.0;
    write_file("ok.sh",
               "#!/bin/sh\n[ \"$1\" = 'a b' ] || exit 9\n"
               "echo '{\"Version\": 1, \"AccessKeyId\": \"AKPROC\", \"SecretAccessKey\": \"sk\","
               " \"SessionToken\": \"tok\", \"Expiration\": \"2023-11-15T00:00:00+00:00\"}'\n",
               0755);
    snprintf(cmd, sizeof(cmd), "%s 'a b'", path_of("ok.sh"));
    CHECK(smk_credentials_process_new(cmd, &o, &p, &err) == SMK_OK);
    CHECK_STR(smk_credentials_source(p), "credential_process (ok.sh)");
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_OK);
    CHECK_STR(cr.access_key_id, "AKPROC");
    CHECK_STR(cr.session_token, "tok");
    CHECK(cr.expiration == 1700006400.0);
    smk_credentials_provider_free(p);

    write_file("fail.sh", "#!/bin/sh\necho 'token expired; run login' >&2\nexit 3\n", 0755);
    CHECK(smk_credentials_process_new(path_of("fail.sh"), &o, &p, &err) == SMK_OK);
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_E_CREDENTIALS);
    CHECK(strstr(err.message, "exited with status 3: token expired; run login") != NULL);
    smk_credentials_provider_free(p);

    write_file("v2.sh", "#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"A\"}'\n", 0755);
    CHECK(smk_credentials_process_new(path_of("v2.sh"), &o, &p, &err) == SMK_OK);
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_E_CREDENTIALS);
    CHECK(strstr(err.message, "Version") != NULL);
    smk_credentials_provider_free(p);

    write_file("slow.sh", "#!/bin/sh\nexec sleep 5\n", 0755);
    o.process_timeout_ms = 200;
    CHECK(smk_credentials_process_new(path_of("slow.sh"), &o, &p, &err) == SMK_OK);
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_E_CREDENTIALS);
    CHECK_STR(err.type, "ProcessTimeout");
    smk_credentials_provider_free(p);

    CHECK(smk_credentials_process_new("/nonexistent/helper --secret-arg", &o, &p, &err) ==
          SMK_OK);
    CHECK(smk_credentials_get(p, &cr, &err) == SMK_E_CREDENTIALS);
    CHECK(strstr(err.message, "secret-arg") == NULL);
    smk_credentials_provider_free(p);
    CHECK(smk_credentials_process_new("'unclosed", &o, &p, &err) == SMK_E_CONFIG);
}

/* ---- the default chain ----------------------------------------------------------------- */

static struct smk_credentials_provider *chain(const char *profile, struct smk_error *err)
{
    struct smk_credentials_options o = opts();
    struct smk_credentials_provider *p = NULL;

    o.profile = profile;
    smk_error_clear(err);
    if (smk_credentials_default_chain_new(&o, &p, err) != SMK_OK)
        return NULL;
    return p;
}

static void chain_order(void)
{
    struct smk_credentials_provider *p;
    struct smk_credentials cr;
    struct smk_error err;

    clean_env();
    write_file("config",
               "[default]\nregion = us-west-2\n"
               "[profile dev]\naws_access_key_id = AKCONFIG\naws_secret_access_key = s\n"
               "credential_process = /bin/false\n"
               "[profile proc]\ncredential_process = /bin/true\n"
               "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
               "source_profile = dev\n"
               "[profile self]\nrole_arn = arn:aws:iam::123456789012:role/self\n"
               "source_profile = self\naws_access_key_id = AKSELF\naws_secret_access_key = s\n"
               "[profile loop-a]\nrole_arn = arn:aws:iam::123456789012:role/a\n"
               "source_profile = loop-b\n"
               "[profile loop-b]\nrole_arn = arn:aws:iam::123456789012:role/b\n"
               "source_profile = loop-a\n"
               "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/top\n"
               "source_profile = role\n"
               "[profile both]\nrole_arn = arn:aws:iam::123456789012:role/x\n"
               "source_profile = dev\ncredential_source = Environment\n"
               "[profile envsrc]\nrole_arn = arn:aws:iam::123456789012:role/e\n"
               "credential_source = environment\n"
               "[profile badsrc]\nrole_arn = arn:aws:iam::123456789012:role/e\n"
               "credential_source = Magic\n"
               "[profile nosrc]\nrole_arn = arn:aws:iam::123456789012:role/e\n"
               "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/e\n"
               "source_profile = dev\nmfa_serial = arn:aws:iam::1:mfa/u\n"
               "[profile sso]\nsso_start_url = https://x.awsapps.com/start\n"
               "aws_access_key_id = AK\naws_secret_access_key = s\n"
               "[profile wid]\nweb_identity_token_file = /tmp/token\n"
               "role_arn = arn:aws:iam::123456789012:role/w\n"
               "[profile missing-src]\nrole_arn = arn:aws:iam::123456789012:role/e\n"
               "source_profile = ghost\n"
               "[profile empty]\nregion = eu-west-1\n",
               0644);
    write_file("credentials",
               "[dev]\naws_access_key_id = AKCREDS\naws_secret_access_key = s\n"
               "aws_session_token = t\n"
               "[partial]\naws_access_key_id = AKONLY\n",
               0644);

    /* Environment first... */
    setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "SKENV", 1);
    setenv("AWS_PROFILE", "dev", 1);
    p = chain(NULL, &err);
    CHECK(p && strcmp(smk_credentials_source(p), "environment") == 0);
    smk_credentials_provider_free(p);
    /* ...unless a profile is passed explicitly. */
    p = chain("dev", &err);
    CHECK(p && strcmp(smk_credentials_source(p), "profile dev: shared credentials file") == 0);
    CHECK(p && smk_credentials_get(p, &cr, &err) == SMK_OK &&
          strcmp(cr.access_key_id, "AKCREDS") == 0 && strcmp(cr.session_token, "t") == 0);
    smk_credentials_provider_free(p);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_PROFILE");

    p = chain("proc", &err);
    CHECK(p && strcmp(smk_credentials_source(p), "profile proc: credential_process (true)") == 0);
    smk_credentials_provider_free(p);
    /* Assume role comes before web identity from the environment. */
    setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "/tmp/token", 1);
    setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/env", 1);
    setenv("AWS_PROFILE", "role", 1);
    p = chain(NULL, &err);
    CHECK(p && strstr(smk_credentials_source(p), "profile role: assume role "
                                                 "arn:aws:iam::123456789012:role/r (source: "
                                                 "profile dev: shared credentials file)") != NULL);
    smk_credentials_provider_free(p);
    /* Web identity from the environment before the profile's keys. */
    setenv("AWS_PROFILE", "dev", 1);
    p = chain(NULL, &err);
    CHECK(p && strstr(smk_credentials_source(p), "web identity arn:aws:iam::123456789012:role/env "
                                                 "(AWS_WEB_IDENTITY_TOKEN_FILE)") != NULL);
    smk_credentials_provider_free(p);
    unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
    unsetenv("AWS_ROLE_ARN");
    unsetenv("AWS_PROFILE");
    p = chain("wid", &err);
    CHECK(p && strstr(smk_credentials_source(p), "profile wid web_identity_token_file") != NULL);
    smk_credentials_provider_free(p);

    p = chain("self", &err);
    CHECK(p && strstr(smk_credentials_source(p), "(source: profile self: config file)") != NULL);
    smk_credentials_provider_free(p);
    p = chain("chained", &err);
    CHECK(p && strstr(smk_credentials_source(p), "role/top (source: profile role: assume role "
                                                 "arn:aws:iam::123456789012:role/r") != NULL);
    smk_credentials_provider_free(p);

    CHECK(chain("loop-a", &err) == NULL && err.code == SMK_E_CONFIG);
    CHECK(strstr(err.message, "loop") != NULL);
    CHECK(chain("both", &err) == NULL && err.code == SMK_E_CONFIG);
    CHECK(chain("nosrc", &err) == NULL && err.code == SMK_E_CONFIG);
    CHECK(chain("mfa", &err) == NULL && err.code == SMK_E_CONFIG);
    CHECK(chain("badsrc", &err) == NULL && err.code == SMK_E_CONFIG);
    CHECK(chain("missing-src", &err) == NULL && err.code == SMK_E_CONFIG);
    CHECK(chain("envsrc", &err) == NULL && strcmp(err.type, "CredentialSourceEmpty") == 0);
    setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "SKENV", 1);
    p = chain("envsrc", &err);
    CHECK(p && strstr(smk_credentials_source(p), "(source: environment)") != NULL);
    smk_credentials_provider_free(p);
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    CHECK(chain("sso", &err) == NULL && strcmp(err.type, "UnsupportedCredentialSource") == 0);
    CHECK(strstr(err.message, "export-credentials") != NULL);
    CHECK(chain("partial", &err) == NULL && strcmp(err.type, "PartialCredentials") == 0);
    CHECK(chain("ghost", &err) == NULL && strcmp(err.type, "ProfileNotFound") == 0);

    /* Nothing configured, instance metadata disabled: the list of what was tried. */
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    CHECK(chain("empty", &err) == NULL && strcmp(err.type, "CredentialsNotFound") == 0);
    CHECK(strstr(err.message, "environment (skipped") != NULL);
    CHECK(strstr(err.message, "profile \"empty\"") != NULL);
    CHECK(strstr(err.message, "container (") != NULL);
    CHECK(strstr(err.message, "disabled by AWS_EC2_METADATA_DISABLED") != NULL);
    unsetenv("AWS_EC2_METADATA_DISABLED");
    /* Instance metadata left: chosen now, its failure reported at the first get. */
    reset_fake();
    p = chain("empty", &err);
    CHECK(p && strcmp(smk_credentials_source(p), "EC2 instance metadata") == 0);
    CHECK(fk.next == 0); /* nothing sent yet */
    if (p) {
        CHECK(smk_credentials_get(p, &cr, &err) == SMK_E_CREDENTIALS);
        CHECK_STR(err.type, "CredentialsNotFound");
        CHECK(strstr(err.message, "no credentials found; tried: environment") == err.message);
        CHECK(strstr(err.message, "then EC2 instance metadata") != NULL);
    }
    smk_credentials_provider_free(p);
    clean_env();
}

int main(void)
{
    harness_tmpdir(dir, sizeof(dir), "creds");
    reset_fake();
    RUN(iso8601);
    RUN(sts_xml);
    RUN(cache_and_refresh);
    RUN(static_and_environment);
    RUN(assume_role_request);
    RUN(sts_endpoints);
    RUN(web_identity_request);
    RUN(container_requests);
    RUN(imds_requests);
    RUN(process);
    RUN(chain_order);
    {
        static const char *const files[] = {"config", "credentials", "token", "ctoken", "ok.sh",
                                            "fail.sh", "v2.sh", "slow.sh", NULL};
        size_t i;
        for (i = 0; files[i]; i++)
            unlink(path_of(files[i]));
        rmdir(dir);
    }
    return harness_report("credentials");
}
