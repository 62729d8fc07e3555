/*
 * libcurl transport: one easy handle per transport, reused so connections
 * stay alive between calls. TLS peer and host verification stay on; plain
 * http/https only; no redirects; bounded response body. libcurl itself is
 * loaded, and the handle made, by the first send (core/libcurl_api.h):
 * creating the transport with a client costs no library load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/libcurl_api.h"
#include "smk/transport.h"

/* Longest "Name: value" header line sent. */
#define HEADER_LINE_MAX 8192

struct curl_transport {
    struct smk_transport base; /* first: the public vtable */
    CURL *easy; /* NULL until the first send */
    char *ca_bundle;
    int verbose;
    struct smk_http_response *resp; /* the response being filled */
    int body_too_large;             /* set when on_body hit the body max */
    /* The request's header list, rebuilt in place on every call without
     * allocating once warm: the "Name: value" lines are written into `lines`
     * (NUL-separated) and `nodes` is a curl_slist whose entries point into
     * it. libcurl only reads a CURLOPT_HTTPHEADER list, during
     * curl_easy_perform; it is ours to keep and reuse (never given to
     * curl_slist_free_all). */
    struct smk_buf lines;
    struct curl_slist *nodes;
    size_t n_nodes;
    char *url; /* the CURLOPT_URL last set, to set it only when it changes */
    long connect_timeout_ms, timeout_ms; /* last set; -1: not yet */
    char errbuf[CURL_ERROR_SIZE];
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct curl_transport *t = ud;
    size_t n = size * nmemb;
    enum smk_err rc = smk_buf_append(&t->resp->body, ptr, n);

    if (rc != SMK_OK) {
        t->body_too_large = rc == SMK_E_TOO_LARGE;
        return 0; /* libcurl aborts with CURLE_WRITE_ERROR */
    }
    return n;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *ud)
{
    struct smk_http_response *resp = ud;
    size_t n = size * nmemb, name_len, start, end;
    const char *colon;

    if (n >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        /* A new response starts (after 100 Continue): forget older headers. */
        smk_http_response_reset(resp);
        return n;
    }
    colon = memchr(line, ':', n);
    if (colon == NULL)
        return n;
    name_len = (size_t)(colon - line);
    start = name_len + 1;
    end = n;
    while (start < end && (line[start] == ' ' || line[start] == '\t'))
        start++;
    while (end > start && (line[end - 1] == '\r' || line[end - 1] == '\n' ||
                           line[end - 1] == ' ' || line[end - 1] == '\t'))
        end--;
    smk_http_response_header(resp, line, name_len, line + start, end - start);
    return n;
}

/* Map a libcurl failure to the core's error, with retryability. */
static enum smk_err curl_failure(struct curl_transport *t, CURLcode rc,
                                 const struct smk_http_response *resp, struct smk_error *err)
{
    const char *detail = t->errbuf[0] ? t->errbuf : smk__curl.easy_strerror(rc);
    enum smk_err code;

    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        code = smk_error_set(err, SMK_E_TIMEOUT, "RequestTimeout", "request timed out: %s", detail);
        break;
    case CURLE_WRITE_ERROR:
        if (t->body_too_large) {
            code = smk_error_set(err, SMK_E_TOO_LARGE, "ResponseTooLarge",
                                 "response body exceeds the limit of %zu bytes", resp->body.max);
            break;
        }
        /* fall through */
    default:
        code = smk_error_set(err, SMK_E_TRANSPORT, "NetworkError", "%s", detail);
        break;
    }
    if (err) {
        switch (rc) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
            err->retryable = 1;
            break;
        default:
            err->retryable = 0;
        }
    }
    return code;
}

/* 1 for the bytes that would split a header line (CR, LF) or cut it (NUL). */
static const unsigned char line_breaker[256] = {['\0'] = 1, ['\n'] = 1, ['\r'] = 1};

/* Whether p[0..n) holds a byte of line_breaker: one branch-free pass. */
static int breaks_line(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    unsigned acc = 0;
    size_t i;

    for (i = 0; i < n; i++)
        acc |= line_breaker[u[i]];
    return acc != 0;
}

/* Fill t->nodes with req's headers plus "Expect:" (no 100-continue round
 * trip), as one list of NUL-terminated lines in t->lines. Each line is put
 * together in `line` and checked there, then appended once. */
static enum smk_err build_headers(struct curl_transport *t, const struct smk_http_request *req,
                                  struct smk_error *err)
{
    char line[HEADER_LINE_MAX];
    size_t i, n = req->n_headers + 1, off = 0;
    enum smk_err rc = SMK_OK;

    if (n > t->n_nodes) {
        struct curl_slist *nodes = realloc(t->nodes, n * sizeof(*nodes));
        if (nodes == NULL)
            return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory building headers");
        t->nodes = nodes;
        t->n_nodes = n;
    }
    smk_buf_reset(&t->lines);
    for (i = 0; i < req->n_headers && rc == SMK_OK; i++) {
        const struct smk_header *h = &req->headers[i];
        size_t len = h->name_len + 2 + h->value_len;
        if (h->name_len + h->value_len + 2 >= HEADER_LINE_MAX)
            return smk_error_set(err, SMK_E_INVALID_ARG, NULL, "header %.*s is too long",
                                 (int)(h->name_len > 128 ? 128 : h->name_len), h->name);
        memcpy(line, h->name, h->name_len);
        line[h->name_len] = ':';
        line[h->name_len + 1] = ' ';
        memcpy(line + h->name_len + 2, h->value, h->value_len);
        if (breaks_line(line, len))
            return smk_error_set(err, SMK_E_INVALID_ARG, NULL,
                                 "header %.*s contains CR, LF or NUL",
                                 (int)(h->name_len > 128 ? 128 : h->name_len), h->name);
        line[len] = '\0'; /* the terminator of this line */
        rc = smk_buf_append(&t->lines, line, len + 1);
    }
    if (rc == SMK_OK)
        rc = smk_buf_append(&t->lines, "Expect:", 8);
    if (rc != SMK_OK)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory building headers");
    /* Point the nodes at the lines only now: the buffer may have moved. */
    for (i = 0; i < n; i++) {
        t->nodes[i].data = t->lines.data + off;
        t->nodes[i].next = i + 1 < n ? &t->nodes[i + 1] : NULL;
        off += i < req->n_headers ? req->headers[i].name_len + 2 + req->headers[i].value_len + 1
                                  : 0;
    }
    return SMK_OK;
}

static enum smk_err set_url(struct curl_transport *t, const char *url, struct smk_error *err)
{
    char *copy;

    if (t->url != NULL && strcmp(t->url, url) == 0)
        return SMK_OK;
    copy = strdup(url);
    if (copy == NULL)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    if (smk__curl.easy_setopt(t->easy, CURLOPT_URL, url) != CURLE_OK) {
        free(copy);
        free(t->url);
        t->url = NULL;
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    }
    free(t->url);
    t->url = copy;
    return SMK_OK;
}

/* Load libcurl (once per process) and make this transport's handle with
 * the options every request shares. */
static enum smk_err open_handle(struct curl_transport *t, struct smk_error *err)
{
    enum smk_err rc = smk__libcurl_load(err);
    CURL *easy;

    if (rc != SMK_OK)
        return rc;
    easy = smk__curl.easy_init();
    if (easy == NULL)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "curl_easy_init failed");
    if (t->ca_bundle)
        smk__curl.easy_setopt(easy, CURLOPT_CAINFO, t->ca_bundle);
    smk__curl.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    smk__curl.easy_setopt(easy, CURLOPT_ERRORBUFFER, t->errbuf);
    smk__curl.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    smk__curl.easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    smk__curl.easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    smk__curl.easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    smk__curl.easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    smk__curl.easy_setopt(easy, CURLOPT_USERAGENT, NULL);
    smk__curl.easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    smk__curl.easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    smk__curl.easy_setopt(easy, CURLOPT_WRITEDATA, t);
    if (t->verbose)
        smk__curl.easy_setopt(easy, CURLOPT_VERBOSE, 1L);
    t->easy = easy;
    return SMK_OK;
}

static enum smk_err curl_send(struct smk_transport *self, const struct smk_http_request *req,
                              struct smk_http_response *resp, struct smk_error *err)
{
    struct curl_transport *t = (struct curl_transport *)self;
    long connect_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms : 5000L;
    long timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : 0L;
    enum smk_err rc;
    CURLcode cc;
    long status = 0;

    smk_http_response_reset(resp);
    t->errbuf[0] = '\0';
    if (t->easy == NULL && (rc = open_handle(t, err)) != SMK_OK)
        return rc;
    rc = build_headers(t, req, err);
    if (rc == SMK_OK)
        rc = set_url(t, req->url, err);
    if (rc != SMK_OK)
        return rc;
    smk__curl.easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->nodes);
    if (strcmp(req->method, "POST") == 0) {
        smk__curl.easy_setopt(t->easy, CURLOPT_CUSTOMREQUEST, NULL); /* forget an earlier method */
        smk__curl.easy_setopt(t->easy, CURLOPT_POST, 1L);
        smk__curl.easy_setopt(t->easy, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        smk__curl.easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    } else {
        smk__curl.easy_setopt(t->easy, CURLOPT_HTTPGET, 1L);
        smk__curl.easy_setopt(t->easy, CURLOPT_CUSTOMREQUEST,
                              strcmp(req->method, "GET") == 0 ? NULL : req->method);
    }
    if (connect_ms != t->connect_timeout_ms) {
        smk__curl.easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
        t->connect_timeout_ms = connect_ms;
    }
    if (timeout_ms != t->timeout_ms) {
        smk__curl.easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, timeout_ms);
        t->timeout_ms = timeout_ms;
    }
    t->resp = resp;
    t->body_too_large = 0;
    smk__curl.easy_setopt(t->easy, CURLOPT_HEADERDATA, resp);

    cc = smk__curl.easy_perform(t->easy);
    if (cc != CURLE_OK) {
        rc = curl_failure(t, cc, resp, err);
    } else {
        smk__curl.easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
        resp->status = (int)status;
    }
    /* The header list stays set: it lives as long as the handle, and
     * libcurl reads it (and the body) only inside curl_easy_perform. */
    return rc;
}

static void curl_destroy(struct smk_transport *self)
{
    struct curl_transport *t = (struct curl_transport *)self;

    if (t == NULL)
        return;
    if (t->easy != NULL) /* libcurl was loaded to make it */
        smk__curl.easy_cleanup(t->easy);
    free(t->ca_bundle);
    free(t->url);
    free(t->nodes);
    /* the lines held the Authorization and session token headers */
    smk_buf_cleanup_secure(&t->lines);
    free(t);
}

enum smk_err smk_transport_curl_new(const struct smk_curl_options *opts,
                                    struct smk_transport **out, struct smk_error *err)
{
    struct curl_transport *t;

    *out = NULL;
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    t->base.send = curl_send;
    t->base.destroy = curl_destroy;
    smk_buf_init(&t->lines, 64u * 1024u);
    t->connect_timeout_ms = -1;
    t->timeout_ms = -1;
    t->verbose = opts && opts->verbose;
    if (opts && opts->ca_bundle) {
        t->ca_bundle = strdup(opts->ca_bundle);
        if (t->ca_bundle == NULL) {
            curl_destroy(&t->base);
            return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
        }
    }
    *out = &t->base;
    return SMK_OK;
}
