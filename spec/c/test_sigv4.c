/*
 * SigV4 header-mode signing.
 *
 * 1. Every case of the official suites in $SMK_SHARED_DIR/sigv4-test-suite
 *    (v4/ from aws-c-auth, aws4_testsuite/ from botocore), one harness case
 *    each; skipped loudly when the directory is absent.
 * 2. Published known-answer vectors (AWS documentation, via
 *    notes/sigv4-facts.md section 12) and one botocore-produced SageMaker
 *    vector.
 * 3. Behaviour: key cache, input refusal, path/query edge cases.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "harness.h"
#include "smk/sigv4.h"

#ifndef SMK_SHARED_DIR
#define SMK_SHARED_DIR "../shared"
#endif

#define SUITE_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define MAX_HEADERS 32

/* ---- small helpers ---------------------------------------------------------- */

struct text {
    char *data; /* NUL-terminated, owned */
    size_t len;
};

static int read_text(const char *path, struct text *t)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 4096, n;

    t->data = NULL;
    t->len = 0;
    if (f == NULL)
        return 0;
    t->data = malloc(cap);
    while (t->data != NULL && (n = fread(t->data + t->len, 1, cap - t->len - 1, f)) > 0) {
        t->len += n;
        if (cap - t->len - 1 == 0) {
            char *p = realloc(t->data, cap * 2);

            if (p == NULL) {
                free(t->data);
                t->data = NULL;
                break;
            }
            t->data = p;
            cap *= 2;
        }
    }
    fclose(f);
    if (t->data == NULL)
        return 0;
    t->data[t->len] = '\0';
    return 1;
}

/* Concatenate a..d into `out`; 0 (and a truncated string) when too long, in
 * which case the file read that follows fails and the case fails. */
static int join(char *out, size_t cap, const char *a, const char *b, const char *c,
                const char *d)
{
    const char *parts[4] = {a, b, c, d};
    size_t len = 0, n;
    int i;

    for (i = 0; i < 4; i++) {
        n = strlen(parts[i]);
        if (n >= cap - len) {
            out[len] = '\0';
            return 0;
        }
        memcpy(out + len, parts[i], n);
        len += n;
    }
    out[len] = '\0';
    return 1;
}

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int equal_ci(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i;

    if (alen != blen)
        return 0;
    for (i = 0; i < alen; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return 0;
    }
    return 1;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n)
{
    int v = 0;

    while (n-- > 0)
        v = v * 10 + (*s++ - '0');
    return v;
}

/* "YYYY-MM-DDTHH:MM:SSZ" to Unix seconds; -1 when malformed. */
static int64_t parse_iso8601(const char *s)
{
    if (s == NULL || strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
        s[13] != ':' || s[16] != ':' || s[19] != 'Z')
        return -1;
    return days_from_civil(digits(s, 4), digits(s + 5, 2), digits(s + 8, 2)) * 86400 +
           digits(s + 11, 2) * 3600 + digits(s + 14, 2) * 60 + digits(s + 17, 2);
}

/* Copy line `index` (0-based) of `s` into `buf`. */
static const char *line_of(const char *s, int index, char *buf, size_t cap)
{
    const char *end;
    size_t n;

    while (index-- > 0 && s != NULL) {
        s = strchr(s, '\n');
        if (s != NULL)
            s++;
    }
    if (s == NULL)
        return "";
    end = strchr(s, '\n');
    n = end ? (size_t)(end - s) : strlen(s);
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

/* ---- request files ------------------------------------------------------------ */

/* A request parsed from a suite file; headers and body are views into the
 * file text (an obs-fold value spans its continuation lines). */
struct parsed_request {
    char method[16];
    char path[1024];
    char query[1024];
    struct smk_header headers[MAX_HEADERS];
    size_t n_headers;
    const char *body;
    size_t body_len;
};

static int parse_request_line(const char *line, size_t n, struct parsed_request *r)
{
    const char *sp = memchr(line, ' ', n), *target, *q;
    size_t target_len, path_len;

    if (sp == NULL || (size_t)(sp - line) >= sizeof(r->method) || n < 10 ||
        memcmp(line + n - 9, " HTTP/1.1", 9) != 0 || sp + 1 > line + n - 9)
        return 0;
    memcpy(r->method, line, (size_t)(sp - line));
    r->method[sp - line] = '\0';
    target = sp + 1;
    target_len = (size_t)(line + n - 9 - target);
    q = memchr(target, '?', target_len);
    path_len = q ? (size_t)(q - target) : target_len;
    if (path_len >= sizeof(r->path) || target_len - path_len >= sizeof(r->query))
        return 0;
    memcpy(r->path, target, path_len);
    r->path[path_len] = '\0';
    r->query[0] = '\0';
    if (q != NULL) {
        memcpy(r->query, q + 1, target_len - path_len - 1);
        r->query[target_len - path_len - 1] = '\0';
    }
    return 1;
}

static int parse_request(const struct text *t, struct parsed_request *r)
{
    const char *p = t->data, *end = t->data + t->len, *eol;

    memset(r, 0, sizeof(*r));
    r->body = "";
    eol = memchr(p, '\n', (size_t)(end - p));
    if (eol == NULL)
        eol = end;
    if (!parse_request_line(p, (size_t)(eol - p), r))
        return 0;
    for (p = eol + 1; p < end; p = eol + 1) {
        const char *colon;

        eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            eol = end;
        if (eol == p) {
            r->body = p + 1 <= end ? p + 1 : end;
            r->body_len = (size_t)(end - r->body);
            break;
        }
        if (*p == ' ' || *p == '\t') {
            if (r->n_headers == 0)
                return 0;
            r->headers[r->n_headers - 1].value_len =
                (size_t)(eol - r->headers[r->n_headers - 1].value);
            continue;
        }
        colon = memchr(p, ':', (size_t)(eol - p));
        if (colon == NULL || r->n_headers == MAX_HEADERS)
            return 0;
        r->headers[r->n_headers].name = p;
        r->headers[r->n_headers].name_len = (size_t)(colon - p);
        r->headers[r->n_headers].value = colon + 1;
        r->headers[r->n_headers].value_len = (size_t)(eol - colon - 1);
        r->n_headers++;
    }
    return 1;
}

static const struct smk_header *find_header(const struct parsed_request *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->n_headers; i++)
        if (equal_ci(r->headers[i].name, r->headers[i].name_len, name, strlen(name)))
            return &r->headers[i];
    return NULL;
}

static enum smk_err sign_parsed(const struct parsed_request *r,
                                const struct smk_sigv4_credentials *creds, int64_t time,
                                unsigned flags, struct smk_sigv4_result *out)
{
    struct smk_sigv4_request req = {r->method, r->path, r->query, r->headers,
                                    r->n_headers, r->body, r->body_len};
    struct smk_sigv4_params params = {"us-east-1", "service", time, flags};
    struct smk_error err;
    enum smk_err rc = smk_sigv4_sign(&req, creds, &params, NULL, out, &err);

    if (rc != SMK_OK)
        fprintf(stderr, "  sign failed: %s\n", err.message);
    return rc;
}

/* Compare `text` with the whole file `dir/name`, byte for byte. */
static void check_file(const char *dir, const char *name, const char *got)
{
    char path[4096];
    struct text want;

    join(path, sizeof(path), dir, "/", name, "");
    if (!read_text(path, &want)) {
        fprintf(stderr, "  cannot read %s\n", path);
        CHECK(0);
        return;
    }
    CHECK_STR(got, want.data);
    free(want.data);
}

/* ---- v4/ (aws-c-auth) ------------------------------------------------------- */

struct v4_context {
    json_t *root;
    struct smk_sigv4_credentials creds;
    int64_t time;
    unsigned flags;
};

static int json_flag(json_t *root, const char *key)
{
    return json_is_true(json_object_get(root, key));
}

static int load_context(const char *dir, struct v4_context *c)
{
    char path[4096];
    json_error_t jerr;
    json_t *creds;

    join(path, sizeof(path), dir, "/context.json", "", "");
    c->root = json_load_file(path, 0, &jerr);
    if (c->root == NULL) {
        fprintf(stderr, "  %s: %s\n", path, jerr.text);
        return 0;
    }
    creds = json_object_get(c->root, "credentials");
    c->creds.access_key_id = json_string_value(json_object_get(creds, "access_key_id"));
    c->creds.secret_access_key =
        json_string_value(json_object_get(creds, "secret_access_key"));
    c->creds.session_token = json_string_value(json_object_get(creds, "token"));
    c->time = parse_iso8601(json_string_value(json_object_get(c->root, "timestamp")));
    c->flags = SMK_SIGV4_DOUBLE_ENCODE_PATH; /* the aws-c-auth runner always sets it */
    if (json_flag(c->root, "normalize"))
        c->flags |= SMK_SIGV4_NORMALIZE_PATH;
    if (json_flag(c->root, "sign_body"))
        c->flags |= SMK_SIGV4_SIGN_BODY_HEADER;
    if (json_flag(c->root, "omit_session_token"))
        c->flags |= SMK_SIGV4_OMIT_SESSION_TOKEN;
    return c->creds.access_key_id && c->creds.secret_access_key && c->time >= 0;
}

/* The headers the caller sends: its own plus the signer's, token last-added
 * even when it was left out of the signature. */
static size_t sent_headers(const struct parsed_request *r, const struct v4_context *c,
                           const struct smk_sigv4_result *out, struct smk_header *sent)
{
    size_t n = r->n_headers;

    memcpy(sent, r->headers, n * sizeof(*sent));
    sent[n++] = (struct smk_header){"X-Amz-Date", 10, out->amz_date, strlen(out->amz_date)};
    if (c->creds.session_token != NULL)
        sent[n++] = (struct smk_header){"X-Amz-Security-Token", 20, c->creds.session_token,
                                        strlen(c->creds.session_token)};
    if (c->flags & SMK_SIGV4_SIGN_BODY_HEADER)
        sent[n++] = (struct smk_header){"x-amz-content-sha256", 20, out->content_sha256, 64};
    sent[n++] = (struct smk_header){"Authorization", 13, smk_buf_cstr(&out->authorization),
                                    out->authorization.len};
    return n;
}

/* Same method, target and body; same multiset of headers (names compared
 * case-insensitively, values exactly). */
static void check_signed_request(const char *dir, const struct parsed_request *r,
                                 const struct v4_context *c, const struct smk_sigv4_result *out)
{
    char path[4096];
    struct text t;
    struct parsed_request want;
    struct smk_header sent[MAX_HEADERS + 4];
    int used[MAX_HEADERS + 4] = {0};
    size_t n_sent, i, j;

    join(path, sizeof(path), dir, "/header-signed-request.txt", "", "");
    CHECK(read_text(path, &t));
    if (t.data == NULL)
        return;
    CHECK(parse_request(&t, &want));
    CHECK_STR(want.method, r->method);
    CHECK_STR(want.path, r->path);
    CHECK_STR(want.query, r->query);
    CHECK(want.body_len == r->body_len && memcmp(want.body, r->body, r->body_len) == 0);
    n_sent = sent_headers(r, c, out, sent);
    CHECK(want.n_headers == n_sent);
    for (i = 0; i < want.n_headers; i++) {
        const struct smk_header *w = &want.headers[i];
        int found = 0;

        for (j = 0; j < n_sent && !found; j++) {
            if (!used[j] && equal_ci(w->name, w->name_len, sent[j].name, sent[j].name_len) &&
                w->value_len == sent[j].value_len &&
                memcmp(w->value, sent[j].value, w->value_len) == 0)
                used[j] = found = 1;
        }
        if (!found)
            fprintf(stderr, "  signed request header not produced: %.*s:%.*s\n",
                    (int)w->name_len, w->name, (int)w->value_len, w->value);
        CHECK(found);
    }
    free(t.data);
}

static void run_v4_case(const char *dir)
{
    char path[4096];
    struct text req_text;
    struct parsed_request r;
    struct v4_context c = {0};
    struct smk_sigv4_result out;

    smk_sigv4_result_init(&out);
    join(path, sizeof(path), dir, "/request.txt", "", "");
    CHECK(read_text(path, &req_text));
    CHECK(load_context(dir, &c));
    if (req_text.data != NULL && c.root != NULL && parse_request(&req_text, &r) &&
        sign_parsed(&r, &c.creds, c.time, c.flags, &out) == SMK_OK) {
        check_file(dir, "header-canonical-request.txt", smk_buf_cstr(&out.canonical_request));
        check_file(dir, "header-string-to-sign.txt", smk_buf_cstr(&out.string_to_sign));
        check_file(dir, "header-signature.txt", out.signature);
        check_signed_request(dir, &r, &c, &out);
    } else {
        CHECK(!"case could not be parsed or signed");
    }
    smk_sigv4_result_cleanup(&out);
    json_decref(c.root);
    free(req_text.data);
}

/* ---- aws4_testsuite/ (botocore) --------------------------------------------- */

/* Inputs are fixed by the suite. The session token is taken from the signed
 * request (.sreq); it was signed when the canonical request lists it. */
static void run_aws4_case(const char *dir, const char *name)
{
    char path[4096], file[512], token[4096] = "";
    struct text req_text, sreq_text, creq;
    struct parsed_request r, sreq;
    struct smk_sigv4_credentials creds = {"AKIDEXAMPLE", SUITE_SECRET, NULL};
    struct smk_sigv4_result out;
    unsigned flags = SMK_SIGV4_NORMALIZE_PATH | SMK_SIGV4_DOUBLE_ENCODE_PATH;
    const struct smk_header *tok;

    smk_sigv4_result_init(&out);
    join(path, sizeof(path), dir, "/", name, ".req");
    CHECK(read_text(path, &req_text));
    join(path, sizeof(path), dir, "/", name, ".sreq");
    CHECK(read_text(path, &sreq_text));
    join(path, sizeof(path), dir, "/", name, ".creq");
    CHECK(read_text(path, &creq));
    if (req_text.data && sreq_text.data && creq.data && parse_request(&req_text, &r) &&
        parse_request(&sreq_text, &sreq)) {
        tok = find_header(&sreq, "X-Amz-Security-Token");
        if (tok != NULL && tok->value_len < sizeof(token)) {
            memcpy(token, tok->value, tok->value_len);
            token[tok->value_len] = '\0';
            creds.session_token = token;
            if (strstr(creq.data, "\nx-amz-security-token:") == NULL)
                flags |= SMK_SIGV4_OMIT_SESSION_TOKEN;
        }
        CHECK(sign_parsed(&r, &creds, parse_iso8601("2015-08-30T12:36:00Z"), flags, &out) ==
              SMK_OK);
        CHECK_STR(smk_buf_cstr(&out.canonical_request), creq.data);
        join(file, sizeof(file), name, ".sts", "", "");
        check_file(dir, file, smk_buf_cstr(&out.string_to_sign));
        join(file, sizeof(file), name, ".authz", "", "");
        check_file(dir, file, smk_buf_cstr(&out.authorization));
    } else {
        CHECK(!"case files could not be read or parsed");
    }
    smk_sigv4_result_cleanup(&out);
    free(req_text.data);
    free(sreq_text.data);
    free(creq.data);
}

/* ---- suite walking ---------------------------------------------------------- */

static int visible(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Subdirectory names of `dir`, sorted; returns the count (-1 on error). */
static int list_dirs(const char *dir, struct dirent ***names)
{
    return scandir(dir, names, visible, alphasort);
}

static void free_list(struct dirent **names, int n)
{
    while (n-- > 0)
        free(names[n]);
    free(names);
}

static int run_v4_suite(const char *root)
{
    struct dirent **names;
    int n = list_dirs(root, &names), i, cases = 0;
    char dir[4096], label[512];

    for (i = 0; i < n; i++) {
        join(dir, sizeof(dir), root, "/", names[i]->d_name, "");
        if (!is_dir(dir))
            continue;
        run_v4_case(dir);
        join(label, sizeof(label), "v4/", names[i]->d_name, "", "");
        harness_end_case(label);
        cases++;
    }
    if (n >= 0)
        free_list(names, n);
    return cases;
}

/* A case is a directory D holding D.req; other directories are groups. */
static int run_aws4_dir(const char *root, const char *prefix, int depth)
{
    struct dirent **names;
    int n = list_dirs(root, &names), i, cases = 0;
    char dir[4096], req[4096], label[512];

    for (i = 0; i < n; i++) {
        const char *name = names[i]->d_name;

        join(dir, sizeof(dir), root, "/", name, "");
        if (!is_dir(dir))
            continue;
        join(req, sizeof(req), dir, "/", name, ".req");
        join(label, sizeof(label), prefix, "/", name, "");
        if (is_file(req)) {
            run_aws4_case(dir, name);
            harness_end_case(label);
            cases++;
        } else if (depth == 0) {
            cases += run_aws4_dir(dir, label, 1);
        }
    }
    if (n >= 0)
        free_list(names, n);
    return cases;
}

static void run_official_suites(void)
{
    const char *shared = getenv("SMK_SHARED_DIR");
    char v4[4096], aws4[4096], why[4200];
    int n;

    if (shared == NULL || *shared == '\0')
        shared = SMK_SHARED_DIR;
    join(v4, sizeof(v4), shared, "/sigv4-test-suite/v4", "", "");
    join(aws4, sizeof(aws4), shared, "/sigv4-test-suite/aws4_testsuite", "", "");
    if (!is_dir(v4)) {
        join(why, sizeof(why), "SigV4 suite v4/ not found at ", v4, " (set SMK_SHARED_DIR)", "");
        harness_skip(why);
    } else {
        n = run_v4_suite(v4);
        fprintf(stderr, "v4 suite: %d cases from %s\n", n, v4);
        CHECK(n > 0);
        if (n == 0)
            harness_end_case("v4 suite has no cases");
    }
    if (!is_dir(aws4)) {
        join(why, sizeof(why), "SigV4 suite aws4_testsuite/ not found at ", aws4, "", "");
        harness_skip(why);
    } else {
        n = run_aws4_dir(aws4, "aws4_testsuite", 0);
        fprintf(stderr, "aws4_testsuite: %d cases from %s\n", n, aws4);
        CHECK(n > 0);
        if (n == 0)
            harness_end_case("aws4_testsuite has no cases");
    }
}

/* ---- known-answer vectors ---------------------------------------------------- */

static void hex32(const unsigned char *p, char out[65])
{
    static const char d[] = "0123456789abcdef";
    int i;

    for (i = 0; i < 32; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[64] = '\0';
}

#define HDR(n, v) {n, sizeof(n) - 1, v, sizeof(v) - 1}

static void sha256_hex_known_answers(void)
{
    char hex[65];

    CHECK(smk_sha256_hex("", 0, hex) == SMK_OK);
    CHECK_STR(hex, EMPTY_SHA256);
    CHECK(smk_sha256_hex(NULL, 0, hex) == SMK_OK);
    CHECK_STR(hex, EMPTY_SHA256);
    CHECK(smk_sha256_hex("Param1=value1", 13, hex) == SMK_OK);
    CHECK_STR(hex, "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
    CHECK(smk_sha256_hex(NULL, 1, hex) == SMK_E_INVALID_ARG);
}

/* AWS docs "derive a signing key" example (facts 12.1); read through the
 * key cache, which holds kSigning. */
static void docs_signing_key_derivation(void)
{
    struct smk_header h[] = {HDR("Host", "iam.amazonaws.com")};
    struct smk_sigv4_request req = {"GET", "/", "", h, 1, NULL, 0};
    struct smk_sigv4_credentials creds = {"AKIDEXAMPLE", SUITE_SECRET, NULL};
    struct smk_sigv4_params params = {"us-east-1", "iam", parse_iso8601("2012-02-15T00:00:00Z"),
                                      SMK_SIGV4_NORMALIZE_PATH | SMK_SIGV4_DOUBLE_ENCODE_PATH};
    struct smk_sigv4_key_cache cache;
    struct smk_sigv4_result out;
    char hex[65];

    smk_sigv4_key_cache_init(&cache);
    smk_sigv4_result_init(&out);
    CHECK(smk_sigv4_sign(&req, &creds, &params, &cache, &out, NULL) == SMK_OK);
    CHECK(cache.valid);
    CHECK_STR(cache.date, "20120215");
    hex32(cache.key, hex);
    CHECK_STR(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    smk_sigv4_result_cleanup(&out);
    smk_sigv4_key_cache_cleanup(&cache);
}

/* AWS docs IAM ListUsers GET, 2015-08-30 (facts 12.2). The caller's own
 * X-Amz-Date is replaced by the computed one, not duplicated. */
static void docs_iam_list_users_get(void)
{
    struct smk_header h[] = {
        HDR("Host", "iam.amazonaws.com"),
        HDR("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        HDR("X-Amz-Date", "20150830T123600Z"),
    };
    struct smk_sigv4_request req = {"GET", "/", "Action=ListUsers&Version=2010-05-08", h, 3,
                                    NULL, 0};
    struct smk_sigv4_credentials creds = {"AKIDEXAMPLE", SUITE_SECRET, ""};
    struct smk_sigv4_params params = {"us-east-1", "iam", parse_iso8601("2015-08-30T12:36:00Z"),
                                      SMK_SIGV4_NORMALIZE_PATH | SMK_SIGV4_DOUBLE_ENCODE_PATH};
    struct smk_sigv4_key_cache cache;
    struct smk_sigv4_result out;
    char hex[65];

    smk_sigv4_key_cache_init(&cache);
    smk_sigv4_result_init(&out);
    CHECK(smk_sigv4_sign(&req, &creds, &params, &cache, &out, NULL) == SMK_OK);
    CHECK_STR(smk_buf_cstr(&out.canonical_request),
              "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
              "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
              "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
              "content-type;host;x-amz-date\n" EMPTY_SHA256);
    CHECK_STR(smk_buf_cstr(&out.string_to_sign),
              "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
              "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
    hex32(cache.key, hex);
    CHECK_STR(hex, "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
    CHECK_STR(out.signature, "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    CHECK_STR(smk_buf_cstr(&out.authorization),
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
              "SignedHeaders=content-type;host;x-amz-date, "
              "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    CHECK_STR(smk_buf_cstr(&out.signed_headers), "content-type;host;x-amz-date");
    CHECK_STR(out.amz_date, "20150830T123600Z");
    smk_sigv4_result_cleanup(&out);
    smk_sigv4_key_cache_cleanup(&cache);
}

/* Older AWS docs IAM ListUsers POST, 2011-09-09 (facts 12.3). */
static void docs_iam_list_users_post(void)
{
    static const char body[] = "Action=ListUsers&Version=2010-05-08";
    struct smk_header h[] = {
        HDR("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        HDR("Host", "iam.amazonaws.com"),
    };
    struct smk_sigv4_request req = {"POST", "/", NULL, h, 2, body, sizeof(body) - 1};
    struct smk_sigv4_credentials creds = {"AKIDEXAMPLE", SUITE_SECRET, NULL};
    struct smk_sigv4_params params = {"us-east-1", "iam", parse_iso8601("2011-09-09T23:36:00Z"),
                                      SMK_SIGV4_NORMALIZE_PATH | SMK_SIGV4_DOUBLE_ENCODE_PATH};
    struct smk_sigv4_key_cache cache;
    struct smk_sigv4_result out;
    char hex[65], line[128];

    smk_sigv4_key_cache_init(&cache);
    smk_sigv4_result_init(&out);
    CHECK(smk_sigv4_sign(&req, &creds, &params, &cache, &out, NULL) == SMK_OK);
    CHECK_STR(out.content_sha256,
              "b6359072c78d70ebee1e81adcbab4f01bf2c23245fa365ef83fe8f1f955085e2");
    CHECK_STR(line_of(smk_buf_cstr(&out.string_to_sign), 3, line, sizeof(line)),
              "3511de7e95d28ecd39e9513b642aee07e54f4941150d8df8bf94b328ef7e55e2");
    hex32(cache.key, hex);
    CHECK_STR(hex, "98f1d889fec4f4421adc522bab0ce1f82e6929c262ed15e5a94c90efd1e3b0e7");
    CHECK_STR(out.signature, "ced6826de92d2bdeed8f846f0bf508e8559e98e4b0199114b84c54174deb456c");
    smk_sigv4_result_cleanup(&out);
    smk_sigv4_key_cache_cleanup(&cache);
}

/* S3 API reference GET Object example (facts 12.4): S3 rules, i.e. no path
 * normalization, no second encoding, x-amz-content-sha256 signed. */
static void docs_s3_get_object(void)
{
    struct smk_header h[] = {
        HDR("Host", "examplebucket.s3.amazonaws.com"),
        HDR("Range", "bytes=0-9"),
    };
    struct smk_sigv4_request req = {"GET", "/test.txt", NULL, h, 2, NULL, 0};
    struct smk_sigv4_credentials creds = {"AKIAIOSFODNN7EXAMPLE",
                                          "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL};
    struct smk_sigv4_params params = {"us-east-1", "s3", parse_iso8601("2013-05-24T00:00:00Z"),
                                      SMK_SIGV4_SIGN_BODY_HEADER};
    struct smk_sigv4_result out;
    char line[128];

    smk_sigv4_result_init(&out);
    CHECK(smk_sigv4_sign(&req, &creds, &params, NULL, &out, NULL) == SMK_OK);
    CHECK_STR(smk_buf_cstr(&out.canonical_request),
              "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
              "x-amz-content-sha256:" EMPTY_SHA256 "\nx-amz-date:20130524T000000Z\n\n"
              "host;range;x-amz-content-sha256;x-amz-date\n" EMPTY_SHA256);
    CHECK_STR(line_of(smk_buf_cstr(&out.string_to_sign), 3, line, sizeof(line)),
              "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    CHECK_STR(out.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    CHECK_STR(out.content_sha256, EMPTY_SHA256);
    smk_sigv4_result_cleanup(&out);
}

/* A SageMaker JSON 1.1 POST as our client sends it, with a session token and
 * a User-Agent (which must not be signed). Expected values were produced
 * with python3-botocore 1.43.11, not by this project's signer:
 *   botocore.auth.SigV4Auth(Credentials("AKIDEXAMPLE", SUITE_SECRET,
 *   "IQoJb3JpZ2luX2VjEXAMPLE/token+with=chars"), "sagemaker", "us-east-1")
 *   .add_auth() on AWSRequest("POST", "https://api.sagemaker.us-east-1.amazonaws.com/",
 *   the headers and body below), with botocore.auth.get_current_datetime
 *   patched to return 2023-11-14 22:13:20 (Unix 1700000000); the canonical
 *   request and string to sign were captured by overriding string_to_sign. */
static void botocore_sagemaker_create_auto_ml_job(void)
{
    static const char body[] = "{\"AutoMLJobName\":\"churn-2023\",\"RoleArn\":"
                               "\"arn:aws:iam::111122223333:role/SageMakerRole\"}";
    struct smk_header h[] = {
        HDR("Host", "api.sagemaker.us-east-1.amazonaws.com"),
        HDR("Content-Type", "application/x-amz-json-1.1"),
        HDR("X-Amz-Target", "SageMaker.CreateAutoMLJob"),
        HDR("User-Agent", "lua-sagemaker/0.1"),
    };
    struct smk_sigv4_request req = {"POST", "/", "", h, 4, body, sizeof(body) - 1};
    struct smk_sigv4_credentials creds = {"AKIDEXAMPLE", SUITE_SECRET,
                                          "IQoJb3JpZ2luX2VjEXAMPLE/token+with=chars"};
    struct smk_sigv4_params params = {"us-east-1", "sagemaker", 1700000000,
                                      SMK_SIGV4_NORMALIZE_PATH | SMK_SIGV4_DOUBLE_ENCODE_PATH};
    struct smk_sigv4_result out;

    smk_sigv4_result_init(&out);
    CHECK(smk_sigv4_sign(&req, &creds, &params, NULL, &out, NULL) == SMK_OK);
    CHECK_STR(smk_buf_cstr(&out.canonical_request),
              "POST\n/\n\ncontent-type:application/x-amz-json-1.1\n"
              "host:api.sagemaker.us-east-1.amazonaws.com\nx-amz-date:20231114T221320Z\n"
              "x-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLE/token+with=chars\n"
              "x-amz-target:SageMaker.CreateAutoMLJob\n\n"
              "content-type;host;x-amz-date;x-amz-security-token;x-amz-target\n"
              "c85b7f2236f139d50f80b0dc5d14e1da378bb85ea568480d37c59ffa04ddf45b");
    CHECK_STR(smk_buf_cstr(&out.string_to_sign),
              "AWS4-HMAC-SHA256\n20231114T221320Z\n20231114/us-east-1/sagemaker/aws4_request\n"
              "89e4e7dc417a68d3dd601fcb836975ce35f03dde2c8a764427f5acafc7a9265c");
    CHECK_STR(smk_buf_cstr(&out.authorization),
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/sagemaker/"
              "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;"
              "x-amz-target, "
              "Signature=da1c482240692a752c4511b094954d133e4321d4858071e1a9ca16661c9d5540");
    CHECK_STR(out.amz_date, "20231114T221320Z");
    smk_sigv4_result_cleanup(&out);
}

/* ---- behaviour ---------------------------------------------------------------- */

static struct smk_header vanilla_headers[] = {HDR("Host", "example.amazonaws.com")};

static enum smk_err sign_simple(const char *path, const char *query, const char *secret,
                                int64_t time, unsigned flags,
                                struct smk_sigv4_key_cache *cache, struct smk_sigv4_result *out)
{
    struct smk_sigv4_request req = {"GET", path, query, vanilla_headers, 1, NULL, 0};
    struct smk_sigv4_credentials creds = {"AKIDEXAMPLE", secret, NULL};
    struct smk_sigv4_params params = {"us-east-1", "service", time, flags};

    return smk_sigv4_sign(&req, &creds, &params, cache, out, NULL);
}

static void key_cache_reuse_and_replacement(void)
{
    static const char other_secret[] = "AnotherSecretKeyEXAMPLEEXAMPLEEXAMPLE000";
    const int64_t day1 = parse_iso8601("2015-08-30T12:36:00Z"), day2 = day1 + 86400;
    const unsigned flags = SMK_SIGV4_NORMALIZE_PATH | SMK_SIGV4_DOUBLE_ENCODE_PATH;
    struct smk_sigv4_key_cache cache;
    struct smk_sigv4_result plain, cached;
    unsigned char first_key[32];
    char hex[65];
    size_t i;
    int zero = 1;

    smk_sigv4_key_cache_init(&cache);
    smk_sigv4_result_init(&plain);
    smk_sigv4_result_init(&cached);

    CHECK(sign_simple("/", NULL, SUITE_SECRET, day1, flags, NULL, &plain) == SMK_OK);
    CHECK_STR(plain.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    CHECK(sign_simple("/", NULL, SUITE_SECRET, day1, flags, &cache, &cached) == SMK_OK);
    CHECK_STR(cached.signature, plain.signature);
    hex32(cache.key, hex);
    CHECK_STR(hex, "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75");
    memcpy(first_key, cache.key, 32);

    /* A hit: same key, same signature, result record reused. */
    CHECK(sign_simple("/", NULL, SUITE_SECRET, day1 + 60, flags, &cache, &cached) == SMK_OK);
    CHECK(sign_simple("/", NULL, SUITE_SECRET, day1 + 60, flags, NULL, &plain) == SMK_OK);
    CHECK_STR(cached.signature, plain.signature);
    CHECK(memcmp(cache.key, first_key, 32) == 0);

    /* A new UTC day replaces the entry. */
    CHECK(sign_simple("/", NULL, SUITE_SECRET, day2, flags, &cache, &cached) == SMK_OK);
    CHECK(sign_simple("/", NULL, SUITE_SECRET, day2, flags, NULL, &plain) == SMK_OK);
    CHECK_STR(cached.signature, plain.signature);
    CHECK_STR(cache.date, "20150831");
    CHECK(memcmp(cache.key, first_key, 32) != 0);

    /* Rotated credentials replace the entry for the same day. */
    CHECK(sign_simple("/", NULL, other_secret, day2, flags, &cache, &cached) == SMK_OK);
    CHECK(sign_simple("/", NULL, other_secret, day2, flags, NULL, &plain) == SMK_OK);
    CHECK_STR(cached.signature, plain.signature);
    CHECK(sign_simple("/", NULL, SUITE_SECRET, day1, flags, &cache, &cached) == SMK_OK);
    CHECK_STR(cached.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

    smk_sigv4_key_cache_cleanup(&cache);
    CHECK(!cache.valid);
    for (i = 0; i < sizeof(cache.key); i++)
        zero &= cache.key[i] == 0;
    CHECK(zero);
    smk_sigv4_result_cleanup(&plain);
    smk_sigv4_result_cleanup(&cached);
}

/* The cache never signs with a key derived from another secret: not when
 * the secret changes inside the same buffer (same pointer, same length),
 * not for secrets too long to remember (which bypass it), and it works
 * again after cleanup. Each cached signature must equal an uncached one. */
static void key_cache_secret_changes(void)
{
    const int64_t t = parse_iso8601("2015-08-30T12:36:00Z");
    const unsigned flags = SMK_SIGV4_NORMALIZE_PATH | SMK_SIGV4_DOUBLE_ENCODE_PATH;
    struct smk_sigv4_key_cache cache;
    struct smk_sigv4_result plain, cached;
    char secret[sizeof(SUITE_SECRET)], first[65], longer[301];
    int round;

    smk_sigv4_key_cache_init(&cache);
    smk_sigv4_result_init(&plain);
    smk_sigv4_result_init(&cached);
    memcpy(secret, SUITE_SECRET, sizeof(secret));
    CHECK(sign_simple("/", NULL, secret, t, flags, &cache, &cached) == SMK_OK);
    snprintf(first, sizeof(first), "%s", cached.signature);
    secret[3] ^= 1; /* rotated in place */
    CHECK(sign_simple("/", NULL, secret, t, flags, &cache, &cached) == SMK_OK);
    CHECK(sign_simple("/", NULL, secret, t, flags, NULL, &plain) == SMK_OK);
    CHECK_STR(cached.signature, plain.signature);
    CHECK(strcmp(cached.signature, first) != 0);
    secret[3] ^= 1;
    CHECK(sign_simple("/", NULL, secret, t, flags, &cache, &cached) == SMK_OK);
    CHECK_STR(cached.signature, first);

    memset(longer, 'k', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    for (round = 0; round < 2; round++) {
        CHECK(sign_simple("/", NULL, longer, t, flags, &cache, &cached) == SMK_OK);
        CHECK(sign_simple("/", NULL, longer, t, flags, NULL, &plain) == SMK_OK);
        CHECK_STR(cached.signature, plain.signature);
        longer[0] = 'j';
    }
    CHECK(sign_simple("/", NULL, secret, t, flags, &cache, &cached) == SMK_OK);
    CHECK_STR(cached.signature, first);

    smk_sigv4_key_cache_cleanup(&cache);
    CHECK(sign_simple("/", NULL, secret, t, flags, &cache, &cached) == SMK_OK);
    CHECK_STR(cached.signature, first);
    smk_sigv4_key_cache_cleanup(&cache);
    smk_sigv4_result_cleanup(&plain);
    smk_sigv4_result_cleanup(&cached);
}

static enum smk_err sign_with(const char *akid, const char *token, const char *region,
                              const struct smk_header *h, size_t n, struct smk_error *err)
{
    struct smk_sigv4_request req = {"GET", "/", NULL, h, n, NULL, 0};
    struct smk_sigv4_credentials creds = {akid, SUITE_SECRET, token};
    struct smk_sigv4_params params = {region, "service", 1440938160, 0};
    struct smk_sigv4_result out;
    enum smk_err rc;

    smk_sigv4_result_init(&out);
    rc = smk_sigv4_sign(&req, &creds, &params, NULL, &out, err);
    if (rc != SMK_OK)
        CHECK(out.canonical_request.len == 0 && out.signature[0] == '\0');
    smk_sigv4_result_cleanup(&out);
    return rc;
}

static void refuses_control_characters(void)
{
    struct smk_header ok[] = {HDR("Host", "h"), HDR("X-Fold", "a\n  b")};
    struct smk_header cr[] = {HDR("X-Bad", "a\r\n b")};
    struct smk_header bare_lf[] = {HDR("X-Bad", "a\nb")};
    struct smk_header end_lf[] = {HDR("X-Bad", "a\n")};
    struct smk_header nul[] = {{"X-Bad", 5, "a\0b", 3}};
    struct smk_header bad_name[] = {HDR("X Bad", "v")};
    struct smk_header colon_name[] = {HDR("X:Bad", "v")};
    struct smk_error err;

    CHECK(sign_with("AKIDEXAMPLE", "tok", "us-east-1", ok, 2, &err) == SMK_OK);
    CHECK(sign_with("AKIDEXAMPLE", "tok\r\nX-Injected: 1", "us-east-1", ok, 1, &err) ==
          SMK_E_INVALID_ARG);
    CHECK(strstr(err.message, "Injected") == NULL);
    CHECK(sign_with("AKIDEXAMPLE", "tok\nmore", "us-east-1", ok, 1, &err) == SMK_E_INVALID_ARG);
    CHECK(sign_with("AKIDEXAMPLE", "tok\rmore", "us-east-1", ok, 1, &err) == SMK_E_INVALID_ARG);
    CHECK(sign_with("AKID\nEXAMPLE", NULL, "us-east-1", ok, 1, &err) == SMK_E_INVALID_ARG);
    CHECK(sign_with("AKIDEXAMPLE", NULL, "us-east-1\r", ok, 1, &err) == SMK_E_INVALID_ARG);
    CHECK(sign_with("AKIDEXAMPLE", NULL, "", ok, 1, &err) == SMK_E_INVALID_ARG);
    CHECK(sign_with("AKIDEXAMPLE", NULL, "us-east-1", cr, 1, &err) == SMK_E_INVALID_ARG);
    CHECK(strstr(err.message, "X-Bad") != NULL);
    CHECK(sign_with("AKIDEXAMPLE", NULL, "us-east-1", bare_lf, 1, &err) == SMK_E_INVALID_ARG);
    CHECK(sign_with("AKIDEXAMPLE", NULL, "us-east-1", end_lf, 1, &err) == SMK_E_INVALID_ARG);
    CHECK(sign_with("AKIDEXAMPLE", NULL, "us-east-1", nul, 1, &err) == SMK_E_INVALID_ARG);
    CHECK(sign_with("AKIDEXAMPLE", NULL, "us-east-1", bad_name, 1, &err) == SMK_E_INVALID_ARG);
    CHECK(sign_with("AKIDEXAMPLE", NULL, "us-east-1", colon_name, 1, &err) ==
          SMK_E_INVALID_ARG);
    CHECK(err.code == SMK_E_INVALID_ARG);
}

static void refuses_missing_inputs(void)
{
    struct smk_sigv4_request req = {"GET", "/", NULL, NULL, 0, NULL, 0};
    struct smk_sigv4_credentials creds = {"AKIDEXAMPLE", SUITE_SECRET, NULL};
    struct smk_sigv4_credentials no_secret = {"AKIDEXAMPLE", "", NULL};
    struct smk_sigv4_params params = {"us-east-1", "service", 0, 0};
    struct smk_sigv4_params far_future = {"us-east-1", "service", INT64_C(253402300800), 0};
    struct smk_sigv4_request bad_method = {"GE T", "/", NULL, NULL, 0, NULL, 0};
    struct smk_sigv4_request null_body = {"POST", "/", NULL, NULL, 0, NULL, 5};
    struct smk_sigv4_result out;

    smk_sigv4_result_init(&out);
    CHECK(smk_sigv4_sign(NULL, &creds, &params, NULL, &out, NULL) == SMK_E_INVALID_ARG);
    CHECK(smk_sigv4_sign(&req, NULL, &params, NULL, &out, NULL) == SMK_E_INVALID_ARG);
    CHECK(smk_sigv4_sign(&req, &creds, NULL, NULL, &out, NULL) == SMK_E_INVALID_ARG);
    CHECK(smk_sigv4_sign(&req, &creds, &params, NULL, NULL, NULL) == SMK_E_INVALID_ARG);
    CHECK(smk_sigv4_sign(&req, &no_secret, &params, NULL, &out, NULL) == SMK_E_INVALID_ARG);
    CHECK(smk_sigv4_sign(&bad_method, &creds, &params, NULL, &out, NULL) == SMK_E_INVALID_ARG);
    CHECK(smk_sigv4_sign(&null_body, &creds, &params, NULL, &out, NULL) == SMK_E_INVALID_ARG);
    CHECK(smk_sigv4_sign(&req, &creds, &far_future, NULL, &out, NULL) == SMK_E_INVALID_ARG);
    CHECK(smk_sigv4_sign(&req, &creds, &params, NULL, &out, NULL) == SMK_OK);
    CHECK_STR(out.amz_date, "19700101T000000Z");
    params.time = -1;
    CHECK(smk_sigv4_sign(&req, &creds, &params, NULL, &out, NULL) == SMK_OK);
    CHECK_STR(out.amz_date, "19691231T235959Z");
    smk_sigv4_result_cleanup(&out);
}

/* Line 1 of the canonical request (the canonical URI) for `path`. */
static const char *canonical_uri(const char *path, unsigned flags, char *buf, size_t cap)
{
    struct smk_sigv4_result out;

    smk_sigv4_result_init(&out);
    buf[0] = '\0';
    if (sign_simple(path, NULL, SUITE_SECRET, 0, flags, NULL, &out) == SMK_OK)
        line_of(smk_buf_cstr(&out.canonical_request), 1, buf, cap);
    smk_sigv4_result_cleanup(&out);
    return buf;
}

static void path_encoding_and_normalization(void)
{
    const unsigned both = SMK_SIGV4_NORMALIZE_PATH | SMK_SIGV4_DOUBLE_ENCODE_PATH;
    char b[256];

    /* AWS docs: "/documents and settings/" sent encoded once. */
    CHECK_STR(canonical_uri("/documents%20and%20settings/", both, b, sizeof(b)),
              "/documents%2520and%2520settings/");
    CHECK_STR(canonical_uri("/a%2Fb", SMK_SIGV4_DOUBLE_ENCODE_PATH, b, sizeof(b)), "/a%252Fb");
    CHECK_STR(canonical_uri("/documents%20and%20settings/", 0, b, sizeof(b)),
              "/documents%20and%20settings/");
    CHECK_STR(canonical_uri("/a//b/./../c/", both, b, sizeof(b)), "/a/c/");
    CHECK_STR(canonical_uri("/a//b/./../c/", SMK_SIGV4_DOUBLE_ENCODE_PATH, b, sizeof(b)),
              "/a//b/./../c/");
    CHECK_STR(canonical_uri("/../..", both, b, sizeof(b)), "/");
    CHECK_STR(canonical_uri("", both, b, sizeof(b)), "/");
    CHECK_STR(canonical_uri(NULL, 0, b, sizeof(b)), "/");
    CHECK_STR(canonical_uri("/example/$delete", both, b, sizeof(b)), "/example/%24delete");
}

/* Line 2 of the canonical request (the canonical query) for `query`. */
static const char *canonical_query(const char *query, char *buf, size_t cap)
{
    struct smk_sigv4_result out;

    smk_sigv4_result_init(&out);
    buf[0] = '\0';
    if (sign_simple("/", query, SUITE_SECRET, 0, 0, NULL, &out) == SMK_OK)
        line_of(smk_buf_cstr(&out.canonical_request), 2, buf, cap);
    smk_sigv4_result_cleanup(&out);
    return buf;
}

static void query_empty_value_and_bare_key(void)
{
    char b[256];

    CHECK_STR(canonical_query("a=", b, sizeof(b)), "a=");
    CHECK_STR(canonical_query("acl", b, sizeof(b)), "acl=");
    CHECK_STR(canonical_query("b=&acl", b, sizeof(b)), "acl=&b=");
    CHECK_STR(canonical_query("&&x=1&", b, sizeof(b)), "x=1");
    CHECK_STR(canonical_query("x=a%2fb&y=c d+e&z=%zz", b, sizeof(b)),
              "x=a%2Fb&y=c%20d%2Be&z=%25zz");
    CHECK_STR(canonical_query("k=v=w", b, sizeof(b)), "k=v%3Dw");
    CHECK_STR(canonical_query("", b, sizeof(b)), "");
}

static void signer_owned_and_unsigned_headers(void)
{
    struct smk_header h[] = {
        HDR("Host", "example.amazonaws.com"),  HDR("x-amz-date", "19990101T000000Z"),
        HDR("Authorization", "old"),           HDR("User-Agent", "ua"),
        HDR("X-Amz-Security-Token", "stale"),  HDR("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
    };
    struct smk_sigv4_request req = {"GET", "/", NULL, h, 6, NULL, 0};
    struct smk_sigv4_credentials creds = {"AKIDEXAMPLE", SUITE_SECRET, "tok"};
    struct smk_sigv4_params params = {"us-east-1", "service", 1440938160,
                                      SMK_SIGV4_OMIT_SESSION_TOKEN};
    struct smk_sigv4_result out;

    smk_sigv4_result_init(&out);
    CHECK(smk_sigv4_sign(&req, &creds, &params, NULL, &out, NULL) == SMK_OK);
    /* The caller's x-amz-content-sha256 is signed as given when the signer
     * does not own it (S3 UNSIGNED-PAYLOAD style). */
    CHECK_STR(smk_buf_cstr(&out.canonical_request),
              "GET\n/\n\nhost:example.amazonaws.com\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n"
              "x-amz-date:20150830T123600Z\n\nhost;x-amz-content-sha256;x-amz-date\n"
              EMPTY_SHA256);
    params.flags = SMK_SIGV4_SIGN_BODY_HEADER;
    CHECK(smk_sigv4_sign(&req, &creds, &params, NULL, &out, NULL) == SMK_OK);
    CHECK_STR(smk_buf_cstr(&out.signed_headers),
              "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
    CHECK(strstr(smk_buf_cstr(&out.canonical_request), "x-amz-security-token:tok\n") != NULL);
    CHECK(strstr(smk_buf_cstr(&out.canonical_request), "UNSIGNED") == NULL);
    smk_sigv4_result_cleanup(&out);
}

int main(void)
{
    run_official_suites();
    RUN(sha256_hex_known_answers);
    RUN(docs_signing_key_derivation);
    RUN(docs_iam_list_users_get);
    RUN(docs_iam_list_users_post);
    RUN(docs_s3_get_object);
    RUN(botocore_sagemaker_create_auto_ml_job);
    RUN(key_cache_reuse_and_replacement);
    RUN(key_cache_secret_changes);
    RUN(refuses_control_characters);
    RUN(refuses_missing_inputs);
    RUN(path_encoding_and_normalization);
    RUN(query_empty_value_and_bare_key);
    RUN(signer_owned_and_unsigned_headers);
    return harness_report("test_sigv4");
}
