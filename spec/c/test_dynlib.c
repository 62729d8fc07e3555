/*
 * libcurl and libcrypto are loaded at first use (src/core/libcurl_api.h,
 * libcrypto_api.h): creating a client maps neither, the first signature
 * maps libcrypto, the first transfer libcurl; a library that cannot be
 * loaded, or lacks a symbol, fails the operation that needed it with a
 * clear error, never a crash. Each case runs in a child process: a library
 * is loaded (or fails to load) once per process.
 */
#define _GNU_SOURCE /* RTLD_NOLOAD */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/libcrypto_api.h"
#include "core/libcurl_api.h"
#include "core/system_hooks.h"
#include "harness.h"
#include "smk/client.h"
#include "smk/json.h"
#include "smk/model.h"

/* Whether the process has mapped `soname` (without loading it). */
static int mapped(const char *soname)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_NOLOAD);

    if (h == NULL)
        return 0;
    dlclose(h); /* drops only the reference just taken */
    return 1;
}

/* Run `scenario` in a child; its CHECK failures fail this case. */
static void in_child(void (*scenario)(void))
{
    pid_t pid;
    int status = 0;

    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        perror("fork");
        CHECK(0);
        return;
    }
    if (pid == 0) {
        scenario();
        fflush(NULL);
        _exit(harness_case_failed ? 1 : 0);
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A loopback port that refuses connections: bound, never listening. */
static int closed_port(int *fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *fd = socket(AF_INET, SOCK_STREAM, 0);
    if (*fd < 0 || bind(*fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        getsockname(*fd, (struct sockaddr *)&a, &len) != 0)
        return 0;
    return ntohs(a.sin_port);
}

static struct smk_client *new_client(const char *endpoint)
{
    struct smk_client_config cfg;
    struct smk_client *c = NULL;
    struct smk_error err;

    memset(&cfg, 0, sizeof(cfg));
    cfg.region = "us-east-1";
    cfg.endpoint = endpoint;
    cfg.max_attempts = 1;
    cfg.credentials.access_key_id = "AKIDEXAMPLE";
    cfg.credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    smk_error_clear(&err);
    if (smk_client_new(&cfg, &c, &err) != SMK_OK)
        fprintf(stderr, "client: %s\n", err.message);
    return c;
}

#define DESCRIBE "{\"AutoMLJobName\": \"job\"}"

static enum smk_err build(struct smk_client *c, struct smk_error *err)
{
    const struct smk_operation *op = smk_operation_find("DescribeAutoMLJob");
    struct smk_request req;
    struct smk_arena arena;
    struct smk_value input;
    enum smk_err rc;

    smk_arena_init(&arena, 1u << 20);
    smk_request_init(&req);
    rc = smk_json_decode(DESCRIBE, strlen(DESCRIBE), 16, &arena, &input, err);
    if (rc == SMK_OK)
        rc = smk_client_build_request(c, op, &input, 1700000000, &arena, NULL, &req, err);
    smk_request_cleanup(&req);
    smk_arena_cleanup(&arena);
    return rc;
}

static enum smk_err call(struct smk_client *c, struct smk_error *err)
{
    const struct smk_operation *op = smk_operation_find("DescribeAutoMLJob");
    struct smk_arena arena;
    struct smk_value input, output;
    struct smk_call_info info;
    enum smk_err rc;

    smk_arena_init(&arena, 1u << 20);
    rc = smk_json_decode(DESCRIBE, strlen(DESCRIBE), 16, &arena, &input, err);
    if (rc == SMK_OK)
        rc = smk_client_call(c, op, &input, &arena, &output, NULL, &info, err);
    smk_arena_cleanup(&arena);
    return rc;
}

static int contains(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle) != NULL)
        return 1;
    fprintf(stderr, "[%s] lacks [%s]\n", haystack, needle);
    return 0;
}

/* ---- the libraries are mapped at first use, not before ----------------- */

static void loads_on_first_use(void)
{
    struct smk_client *c;
    struct smk_error err;
    char endpoint[64], hex[65];
    int fd = -1, port = closed_port(&fd);

    CHECK(port > 0);
    snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", port);
    CHECK(!mapped("libcurl.so.4") && !mapped("libcrypto.so.3"));
    c = new_client(endpoint);
    CHECK(c != NULL);
    if (c == NULL)
        return;
    CHECK(!mapped("libcurl.so.4") && !mapped("libcrypto.so.3")); /* client creation */
    CHECK(build(c, &err) == SMK_OK);
    CHECK(mapped("libcrypto.so.3") && !mapped("libcurl.so.4")); /* a signature */
    CHECK(smk_sha256_hex("", 0, hex) == SMK_OK);
    CHECK(call(c, &err) == SMK_E_TRANSPORT); /* refused: libcurl did the transfer */
    CHECK(contains(err.type, "NetworkError"));
    CHECK(mapped("libcurl.so.4"));
    smk_client_free(c);
    close(fd);
}

/* A client that never sent anything frees without loading libcurl, and a
 * key cache that never signed without loading libcrypto. */
static void unused_objects_free_without_loading(void)
{
    struct smk_client *c = new_client("https://example.com");
    struct smk_transport *t = NULL;
    struct smk_sigv4_key_cache cache;
    struct smk_error err;

    CHECK(c != NULL);
    smk_client_free(c);
    CHECK(smk_transport_curl_new(NULL, &t, &err) == SMK_OK);
    if (t)
        t->destroy(t);
    smk_sigv4_key_cache_init(&cache);
    smk_sigv4_key_cache_cleanup(&cache);
    CHECK(!mapped("libcurl.so.4") && !mapped("libcrypto.so.3"));
}

/* ---- a library missing, or lacking a symbol ------------------------------ */

/* `step` on a new client fails as an unavailable library, twice alike:
 * `code`, type LibraryUnavailable, not retryable, `what` and `detail` in
 * the message. */
static void check_unavailable(enum smk_err (*step)(struct smk_client *, struct smk_error *),
                              enum smk_err code, const char *what, const char *detail)
{
    struct smk_client *c = new_client("https://example.com");
    struct smk_error err;
    int i;

    CHECK(c != NULL); /* creating a client needs neither library */
    for (i = 0; c != NULL && i < 2; i++) {
        smk_error_clear(&err);
        CHECK(step(c, &err) == code);
        CHECK_STR(err.type, "LibraryUnavailable");
        CHECK(contains(err.message, what));
        CHECK(contains(err.message, detail));
        CHECK(err.retryable == 0);
    }
    smk_client_free(c);
}

static void libcrypto_missing(void)
{
    char hex[65];

    smk__libcrypto_set_file("/nonexistent/libcrypto.so.3");
    check_unavailable(build, SMK_E_CRYPTO, "OpenSSL's libcrypto is needed",
                      "/nonexistent/libcrypto.so.3: cannot open shared object file");
    CHECK(smk_sha256_hex("", 0, hex) == SMK_E_CRYPTO);
    CHECK(smk__system_random(NULL) == 0.5);
}

static void libcrypto_symbol_missing(void)
{
    smk__libcrypto_set_file("libc.so.6");
    check_unavailable(build, SMK_E_CRYPTO, "libc.so.6, symbol CRYPTO_memcmp",
                      "undefined symbol: CRYPTO_memcmp");
}

static void libcurl_missing(void)
{
    smk__libcurl_set_file("/nonexistent/libcurl.so.4");
    check_unavailable(call, SMK_E_INTERNAL, "libcurl is needed for HTTP requests",
                      "/nonexistent/libcurl.so.4: cannot open shared object file");
}

static void libcurl_symbol_missing(void)
{
    smk__libcurl_set_file("libc.so.6");
    check_unavailable(call, SMK_E_INTERNAL, "libc.so.6, symbol curl_global_init",
                      "undefined symbol: curl_global_init");
}

#define RUN_CHILD(fn)             \
    do {                          \
        in_child(fn);             \
        harness_end_case(#fn);    \
    } while (0)

int main(void)
{
    /* No shared files or environment settings from the machine. */
    setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_SAGEMAKER");
    unsetenv("AWS_MAX_ATTEMPTS");
    RUN_CHILD(loads_on_first_use);
    RUN_CHILD(unused_objects_free_without_loading);
    RUN_CHILD(libcrypto_missing);
    RUN_CHILD(libcrypto_symbol_missing);
    RUN_CHILD(libcurl_missing);
    RUN_CHILD(libcurl_symbol_missing);
    return harness_report("dynlib");
}
