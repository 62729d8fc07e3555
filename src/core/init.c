/* Process-wide initialisation: nothing is left to do up front. libcurl
 * (with its global init) and libcrypto are loaded, once and thread-safely,
 * at their first real use (core/libcurl_api.h, core/libcrypto_api.h), so a
 * program that only validates or builds requests, or talks through another
 * transport, never pays for libcurl. Kept for API compatibility. */
#include "smk/client.h"

enum smk_err smk_global_init(struct smk_error *err)
{
    (void)err;
    return SMK_OK;
}
