/* Clock-skew detection: see skew.h. */
#include <string.h>

#include <curl/curl.h>

#include "client/skew.h"

int smk__is_clock_skew_error(const struct smk_error *err)
{
    static const char *const codes[] = {"RequestTimeTooSkewed", "RequestExpired",
                                        "RequestInTheFuture", NULL};
    const char *const *c;

    for (c = codes; *c; c++)
        if (strcmp(err->type, *c) == 0)
            return 1;
    return strcmp(err->type, "InvalidSignatureException") == 0 &&
           (strncmp(err->message, "Signature expired", 17) == 0 ||
            strncmp(err->message, "Signature not yet current", 25) == 0);
}

double smk__http_date(const char *value)
{
    time_t t;

    if (value == NULL || *value == '\0')
        return -1;
    t = curl_getdate(value, NULL);
    return t < 0 ? -1 : (double)t;
}
