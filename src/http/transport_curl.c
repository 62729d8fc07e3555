/*
 * libcurl transport: one easy handle per transport, reused so connections
 * stay alive between calls. TLS peer and host verification stay on; plain
 * http/https only; no redirects; bounded response body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "smk/transport.h"

struct curl_transport {
    struct smk_transport base; /* first: the public vtable */
    CURL *easy;
    char *ca_bundle;
    struct smk_http_response *resp; /* the response being filled */
    int body_too_large;             /* set when on_body hit the body max */
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
    const char *detail = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
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

static enum smk_err curl_send(struct smk_transport *self, const struct smk_http_request *req,
                              struct smk_http_response *resp, struct smk_error *err)
{
    struct curl_transport *t = (struct curl_transport *)self;
    struct curl_slist *headers = NULL, *next;
    char line[8192];
    enum smk_err rc = SMK_OK;
    CURLcode cc;
    long status = 0;
    size_t i;

    smk_http_response_reset(resp);
    t->errbuf[0] = '\0';
    for (i = 0; i < req->n_headers; i++) {
        const struct smk_header *h = &req->headers[i];
        int n = snprintf(line, sizeof(line), "%.*s: %.*s", (int)h->name_len, h->name,
                         (int)h->value_len, h->value);
        if (n < 0 || (size_t)n >= sizeof(line)) {
            rc = smk_error_set(err, SMK_E_INVALID_ARG, NULL, "header %.*s is too long",
                               (int)h->name_len, h->name);
            goto done;
        }
        next = curl_slist_append(headers, line);
        if (next == NULL)
            goto nomem;
        headers = next;
    }
    /* No "Expect: 100-continue" round trip; no default Accept header. */
    next = curl_slist_append(headers, "Expect:");
    if (next == NULL)
        goto nomem;
    headers = next;

    curl_easy_setopt(t->easy, CURLOPT_URL, req->url);
    curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, headers);
    if (strcmp(req->method, "POST") == 0) {
        curl_easy_setopt(t->easy, CURLOPT_POST, 1L);
        curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    } else {
        curl_easy_setopt(t->easy, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(t->easy, CURLOPT_CUSTOMREQUEST,
                         strcmp(req->method, "GET") == 0 ? NULL : req->method);
    }
    curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS,
                     req->connect_timeout_ms > 0 ? req->connect_timeout_ms : 5000L);
    curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : 0L);
    t->resp = resp;
    t->body_too_large = 0;
    curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, resp);

    cc = curl_easy_perform(t->easy);
    if (cc != CURLE_OK) {
        rc = curl_failure(t, cc, resp, err);
        goto done;
    }
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    resp->status = (int)status;
done:
    curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(headers);
    return rc;
nomem:
    rc = smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory building headers");
    goto done;
}

static void curl_destroy(struct smk_transport *self)
{
    struct curl_transport *t = (struct curl_transport *)self;

    if (t == NULL)
        return;
    curl_easy_cleanup(t->easy);
    free(t->ca_bundle);
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
    t->easy = curl_easy_init();
    if (t->easy == NULL) {
        free(t);
        return smk_error_set(err, SMK_E_NOMEM, NULL, "curl_easy_init failed");
    }
    if (opts && opts->ca_bundle) {
        t->ca_bundle = strdup(opts->ca_bundle);
        if (t->ca_bundle == NULL) {
            curl_destroy(&t->base);
            return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
        }
        curl_easy_setopt(t->easy, CURLOPT_CAINFO, t->ca_bundle);
    }
    curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(t->easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(t->easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(t->easy, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(t->easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(t->easy, CURLOPT_USERAGENT, NULL);
    curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, on_header);
    if (opts && opts->verbose)
        curl_easy_setopt(t->easy, CURLOPT_VERBOSE, 1L);
    *out = &t->base;
    return SMK_OK;
}
