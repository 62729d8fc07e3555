/* Process-wide initialisation: libcurl's global state, exactly once, when
 * the first client (or credentials provider with its own transport) is
 * made -- not when the library or the Lua module is loaded, so that a
 * program that only validates or builds requests never pays for it. */
#include <pthread.h>

#include <curl/curl.h>

#include "smk/client.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static CURLcode init_result = CURLE_FAILED_INIT;

static void init_curl(void)
{
    init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

enum smk_err smk_global_init(struct smk_error *err)
{
    pthread_once(&init_once, init_curl);
    if (init_result != CURLE_OK)
        return smk_error_set(err, SMK_E_INTERNAL, NULL, "curl_global_init failed: %s",
                             curl_easy_strerror(init_result));
    return SMK_OK;
}
