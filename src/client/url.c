/* Endpoint URL parsing per RFC 3986 with uriparser (see smk/endpoint.h).
 * No libcurl here: a client parses its endpoint when it is created, and
 * creating a client must not load libcurl (core/libcurl_api.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <uriparser/Uri.h>

#include "smk/endpoint.h"

/* A host name or IPv4 text that is loopback: localhost or 127.0.0.0/8. */
static int is_loopback_name(const char *host)
{
    if (strcasecmp(host, "localhost") == 0)
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

/* ::1, however it is written. */
static int is_loopback_ip6(const UriIp6 *ip)
{
    static const unsigned char one[16] = {[15] = 1};

    return memcmp(ip->data, one, sizeof(one)) == 0;
}

static int has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

static int present(const UriTextRangeA *r)
{
    return r->first != NULL;
}

static size_t range_len(const UriTextRangeA *r)
{
    return r->first ? (size_t)(r->afterLast - r->first) : 0;
}

static int range_is(const UriTextRangeA *r, const char *s)
{
    size_t n = strlen(s);

    return range_len(r) == n && strncasecmp(r->first, s, n) == 0;
}

/* A registered name the client can send as Host: letters, digits, '-',
 * '.', '_' (RFC 3986 would also allow sub-delims and percent-encoding). */
static int is_dns_name(const char *p, size_t n)
{
    size_t i;

    if (n == 0)
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_'))
            return 0;
    }
    return 1;
}

/* Decimal 0..65535 (leading zeros allowed, as RFC 3986 does). */
static int parse_port(const UriTextRangeA *r, unsigned *port)
{
    const char *p;
    unsigned long v = 0;

    for (p = r->first; p < r->afterLast; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > 65535)
            return 0;
    }
    *port = (unsigned)v;
    return 1;
}

/* Append n bytes to out (of `size`, NUL-terminated at *len); 0 when full. */
static int put(char *out, size_t size, size_t *len, const char *p, size_t n)
{
    if (*len + n >= size)
        return 0;
    memcpy(out + *len, p, n);
    *len += n;
    out[*len] = '\0';
    return 1;
}

/* The path from its segments with dot segments removed (RFC 3986 5.2.4):
 * "." is dropped, ".." drops the segment before it, either as the last
 * segment leaves a trailing slash. "/" when nothing is left. 0 when it does
 * not fit in `size`. Not uriNormalizeSyntaxEx(URI_NORMALIZE_PATH): it also
 * upper-cases percent-encodings, and the path we sign must stay the bytes
 * libcurl sends (it removes dot segments, nothing more). */
static int write_path(const UriPathSegmentA *seg, char *out, size_t size)
{
    size_t len = 0;

    out[0] = '\0';
    for (; seg != NULL; seg = seg->next) {
        const UriTextRangeA *t = &seg->text;
        int dot = range_is(t, "."), dotdot = range_is(t, "..");

        if (dotdot) {
            while (len > 0 && out[--len] != '/')
                ;
            out[len] = '\0';
        }
        if (dot || dotdot) {
            if (seg->next == NULL && !put(out, size, &len, "/", 1))
                return 0;
            continue;
        }
        if (!put(out, size, &len, "/", 1) || !put(out, size, &len, t->first, range_len(t)))
            return 0;
    }
    return len > 0 || put(out, size, &len, "/", 1);
}

/* Fill `out` from a parsed absolute http(s) URL; an error message or NULL. */
static const char *fill_parts(const UriUriA *u, struct smk_url_parts *out)
{
    const UriTextRangeA *h = &u->hostText;
    size_t hn = range_len(h);
    int n;

    if (present(&u->userInfo) || present(&u->query) || present(&u->fragment))
        return "endpoint URL must not contain user info, a query or a fragment";
    if (!present(h) || hn == 0)
        return "endpoint URL has no host (expected http(s)://host[:port][/path])";
    if (present(&u->hostData.ipFuture) ||
        (u->hostData.ip4 == NULL && u->hostData.ip6 == NULL && !is_dns_name(h->first, hn)))
        return "endpoint host must be a DNS name, an IPv4 address or an IPv6 address in "
               "brackets";
    out->https = range_is(&u->scheme, "https");
    n = snprintf(out->host, sizeof(out->host), u->hostData.ip6 ? "[%.*s]" : "%.*s", (int)hn,
                 h->first);
    if (n < 0 || (size_t)n >= sizeof(out->host))
        return "endpoint host is too long";
    out->loopback = u->hostData.ip6 ? is_loopback_ip6(u->hostData.ip6)
                                    : is_loopback_name(out->host);
    if (range_len(&u->portText) > 0) {
        unsigned port;
        size_t used = (size_t)n;

        if (!parse_port(&u->portText, &port))
            return "endpoint port must be a number from 0 to 65535";
        n = snprintf(out->host + used, sizeof(out->host) - used, ":%u", port);
        if (n < 0 || (size_t)n >= sizeof(out->host) - used)
            return "endpoint host is too long";
    }
    if (!write_path(u->pathHead, out->path, sizeof(out->path)))
        return "endpoint path is too long";
    return NULL;
}

enum smk_err smk_url_parse(const char *url, struct smk_url_parts *out, struct smk_error *err)
{
    UriUriA u;
    const char *error_pos = NULL, *why;

    memset(out, 0, sizeof(*out));
    if (url == NULL || *url == '\0' || has_ctl(url))
        return smk_error_set(err, SMK_E_CONFIG, "InvalidEndpoint",
                             "endpoint URL is empty or contains control characters");
    memset(&u, 0, sizeof(u));
    if (uriParseSingleUriA(&u, url, &error_pos) != URI_SUCCESS || !present(&u.scheme) ||
        !present(&u.hostText)) {
        uriFreeUriMembersA(&u);
        return smk_error_set(err, SMK_E_CONFIG, "InvalidEndpoint",
                             "endpoint \"%.200s\" is not a valid absolute URL (expected "
                             "http(s)://host[:port][/path])", url);
    }
    if (!range_is(&u.scheme, "https") && !range_is(&u.scheme, "http")) {
        int n = (int)(range_len(&u.scheme) > 32 ? 32 : range_len(&u.scheme));

        smk_error_set(err, SMK_E_CONFIG, "InvalidEndpoint",
                      "endpoint scheme must be http or https, got \"%.*s\"", n, u.scheme.first);
        uriFreeUriMembersA(&u);
        return SMK_E_CONFIG;
    }
    why = fill_parts(&u, out);
    uriFreeUriMembersA(&u);
    if (why != NULL) {
        memset(out, 0, sizeof(*out));
        return smk_error_set(err, SMK_E_CONFIG, "InvalidEndpoint", "%s", why);
    }
    return SMK_OK;
}
