/*
 * The libcurl transport's own checks on a request, before anything is sent:
 * header lines that CR, LF or NUL would split or cut, and over-long lines,
 * are refused with SMK_E_INVALID_ARG naming the header; the transport stays
 * usable afterwards. The only socket touched is a closed port on 127.0.0.1.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "smk/transport.h"

#include "harness.h"

static struct smk_transport *transport;
static struct smk_http_response response;
static char closed_url[64];

/* A URL on 127.0.0.1 whose port nothing listens on (bound, then closed). */
static void make_closed_url(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        fprintf(stderr, "cannot bind a socket on 127.0.0.1\n");
        exit(2);
    }
    close(fd);
    snprintf(closed_url, sizeof(closed_url), "http://127.0.0.1:%d/", ntohs(a.sin_port));
}

/* Send one POST with the single header name: value (lengths given, so that
 * NULs can be inside); returns the result and leaves the error in *err. */
static enum smk_err send_with_header(const char *name, size_t name_len, const char *value,
                                     size_t value_len, struct smk_error *err)
{
    struct smk_header h;
    struct smk_http_request req;

    memset(&h, 0, sizeof(h));
    h.name = name;
    h.name_len = name_len;
    h.value = value;
    h.value_len = value_len;
    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.url = closed_url;
    req.headers = &h;
    req.n_headers = 1;
    req.body = "{}";
    req.body_len = 2;
    req.connect_timeout_ms = 2000;
    smk_error_clear(err);
    return transport->send(transport, &req, &response, err);
}

/* After a refusal the handle still sends: to the closed port, a connection
 * error (not a leftover of the refused request). */
static void check_still_usable(void)
{
    struct smk_error err;

    CHECK(send_with_header("X-Fine", 6, "yes", 3, &err) == SMK_E_TRANSPORT);
    CHECK(err.retryable);
}

static void refused(const char *name, size_t name_len, const char *value, size_t value_len,
                    const char *want_in_message)
{
    struct smk_error err;

    CHECK(send_with_header(name, name_len, value, value_len, &err) == SMK_E_INVALID_ARG);
    CHECK(strstr(err.message, want_in_message) != NULL);
    if (strstr(err.message, want_in_message) == NULL)
        fprintf(stderr, "  message: %s\n", err.message);
    check_still_usable();
}

static void refuses_crlf_in_value(void)
{
    refused("X-Evil", 6, "a\r\nInjected: 1", 14, "header X-Evil contains CR, LF or NUL");
}

static void refuses_lone_cr_and_lf(void)
{
    refused("X-Cr", 4, "a\rb", 3, "header X-Cr contains CR, LF or NUL");
    refused("X-Lf", 4, "a\nb", 3, "header X-Lf contains CR, LF or NUL");
}

static void refuses_nul_inside_value(void)
{
    refused("X-Nul", 5, "ab\0cd", 5, "header X-Nul contains CR, LF or NUL");
}

static void refuses_break_in_name(void)
{
    refused("X-\nName", 7, "v", 1, "contains CR, LF or NUL");
}

static void refuses_break_at_the_last_byte(void)
{
    char value[300];

    memset(value, 'v', sizeof(value));
    value[sizeof(value) - 1] = '\n';
    refused("X-Long", 6, value, sizeof(value), "header X-Long contains CR, LF or NUL");
}

static void refuses_over_long_line(void)
{
    static char value[9000];

    memset(value, 'v', sizeof(value));
    refused("X-Huge", 6, value, sizeof(value), "header X-Huge is too long");
}

static void sends_a_clean_header(void)
{
    check_still_usable();
}

int main(void)
{
    struct smk_curl_options opts;
    struct smk_error err;

    make_closed_url();
    memset(&opts, 0, sizeof(opts));
    smk_error_clear(&err);
    if (smk_transport_curl_new(&opts, &transport, &err) != SMK_OK) {
        fprintf(stderr, "smk_transport_curl_new: %s\n", err.message);
        return 2;
    }
    smk_http_response_init(&response, 1u << 16);

    RUN(sends_a_clean_header);
    RUN(refuses_crlf_in_value);
    RUN(refuses_lone_cr_and_lf);
    RUN(refuses_nul_inside_value);
    RUN(refuses_break_in_name);
    RUN(refuses_break_at_the_last_byte);
    RUN(refuses_over_long_line);

    smk_http_response_cleanup(&response);
    transport->destroy(transport);
    return harness_report("transport");
}
