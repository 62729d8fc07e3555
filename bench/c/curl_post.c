/*
 * The ceiling for end-to-end calls: plain libcurl posting the bytes our
 * client sends (same URL, headers and body), one reused easy handle
 * (keep-alive), header list built once, response body discarded after its
 * size is checked. No validation, encoding, signing or parsing.
 *
 * usage: curl_post NAME REQUEST_FILE RUNS CALLS
 *   REQUEST_FILE: the URL on line 1, then "Name: value" lines, an empty
 *   line, then the body to the end of the file.
 * prints: "R curl_NAME v1 .. vRUNS" (calls per second per run)
 */
#include <curl/curl.h>

#include "benchutil.h"

static size_t sink(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    *(size_t *)ud += size * n;
    return size * n;
}

int main(int argc, char **argv)
{
    struct curl_slist *headers = NULL;
    char *req, *line, *body, *url;
    size_t len, got;
    CURL *easy;
    const char *name;
    int runs, calls, r, i;

    if (argc != 5) {
        fprintf(stderr, "usage: curl_post NAME REQUEST_FILE RUNS CALLS\n");
        return 2;
    }
    name = argv[1];
    argv++;
    runs = atoi(argv[2]);
    calls = atoi(argv[3]);
    req = bench_slurp(argv[1], &len);
    body = strstr(req, "\n\n");
    if (body == NULL) {
        fprintf(stderr, "curl_post: malformed request file\n");
        return 2;
    }
    *body = '\0';
    body += 2;
    url = strtok(req, "\n");
    while ((line = strtok(NULL, "\n")) != NULL)
        headers = curl_slist_append(headers, line);
    headers = curl_slist_append(headers, "Expect:");

    curl_global_init(CURL_GLOBAL_DEFAULT);
    easy = curl_easy_init();
    if (easy == NULL || headers == NULL)
        return 2;
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(len - (size_t)(body - req)));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &got);

    for (i = 0; i < 200 + calls / 10; i++) { /* warm up; open the connection */
        long status = 0;
        got = 0;
        if (curl_easy_perform(easy) != CURLE_OK ||
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200 ||
            got == 0) {
            fprintf(stderr, "curl_post: request failed (status %ld)\n", status);
            return 1;
        }
    }
    printf("R curl_%s", name);
    for (r = 0; r < runs; r++) {
        double t0 = bench_now();
        for (i = 0; i < calls; i++) {
            got = 0;
            if (curl_easy_perform(easy) != CURLE_OK || got == 0) {
                fprintf(stderr, "curl_post: request failed\n");
                return 1;
            }
        }
        printf(" %.1f", calls / (bench_now() - t0));
        fflush(stdout);
    }
    printf("\n");
    curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
    curl_global_cleanup();
    return 0;
}
