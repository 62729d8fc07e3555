/* Endpoint URL parsing with libcurl's URL API (see smk/endpoint.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "smk/endpoint.h"

static int is_loopback(const char *host)
{
    if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
        return 1;
    if (strncmp(host, "127.", 4) == 0) {
        /* 127.0.0.0/8: digits and dots only, so "127.evil.com" is not. */
        const char *p;
        for (p = host; *p; p++)
            if (!((*p >= '0' && *p <= '9') || *p == '.'))
                return 0;
        return 1;
    }
    return 0;
}

static int has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

enum smk_err smk_url_parse(const char *url, struct smk_url_parts *out, struct smk_error *err)
{
    CURLU *u;
    char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *extra = NULL;
    enum smk_err rc = SMK_OK;

    memset(out, 0, sizeof(*out));
    if (url == NULL || *url == '\0' || has_ctl(url))
        return smk_error_set(err, SMK_E_CONFIG, "InvalidEndpoint",
                             "endpoint URL is empty or contains control characters");
    u = curl_url();
    if (u == NULL)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        rc = smk_error_set(err, SMK_E_CONFIG, "InvalidEndpoint",
                           "endpoint \"%.200s\" is not a valid absolute URL (expected "
                           "http(s)://host[:port][/path])", url);
        goto done;
    }
    if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) {
        rc = smk_error_set(err, SMK_E_CONFIG, "InvalidEndpoint",
                           "endpoint scheme must be http or https, got \"%.32s\"", scheme);
        goto done;
    }
    if (curl_url_get(u, CURLUPART_USER, &extra, 0) == CURLUE_OK ||
        curl_url_get(u, CURLUPART_QUERY, &extra, 0) == CURLUE_OK ||
        curl_url_get(u, CURLUPART_FRAGMENT, &extra, 0) == CURLUE_OK) {
        rc = smk_error_set(err, SMK_E_CONFIG, "InvalidEndpoint",
                           "endpoint URL must not contain user info, a query or a fragment");
        goto done;
    }
    out->https = strcmp(scheme, "https") == 0;
    out->loopback = is_loopback(host);
    if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
        snprintf(out->host, sizeof(out->host), "%s:%s", host, port);
    else
        snprintf(out->host, sizeof(out->host), "%s", host);
    if (curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && path[0])
        snprintf(out->path, sizeof(out->path), "%s", path);
    else
        snprintf(out->path, sizeof(out->path), "/");
done:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_free(extra);
    curl_url_cleanup(u);
    return rc;
}
