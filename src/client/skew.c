/* Clock-skew detection: see skew.h. The Date header is parsed with the C
 * library's strptime rather than curl_getdate, so that a client on another
 * transport (nginx) never loads libcurl (core/libcurl_api.h). */
#define _GNU_SOURCE /* strptime_l, timegm */
#include <locale.h>
#include <string.h>
#include <time.h>

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

/* The three forms, as strptime formats (a space matches any run of blanks). */
static const char *const http_date_formats[] = {
    "%a, %d %b %Y %H:%M:%S GMT", /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
    "%a, %d-%b-%y %H:%M:%S GMT", /* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
    "%a %b %e %H:%M:%S %Y",      /* asctime: "Sun Nov  6 08:49:37 1994" */
};

double smk__http_date(const char *value)
{
    locale_t c_locale;
    double result = -1;
    size_t i;

    if (value == NULL || *value == '\0')
        return -1;
    /* Day and month names are English whatever the process's locale: parse
     * in the C locale. Only a skew-correcting retry comes here. */
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (c_locale == (locale_t)0)
        return -1;
    for (i = 0; i < sizeof(http_date_formats) / sizeof(http_date_formats[0]); i++) {
        struct tm tm;
        const char *end;
        time_t t;

        memset(&tm, 0, sizeof(tm));
        end = strptime_l(value, http_date_formats[i], &tm, c_locale);
        if (end == NULL)
            continue;
        while (*end == ' ' || *end == '\t')
            end++;
        if (*end != '\0')
            continue;
        t = timegm(&tm);
        if (t >= 0)
            result = (double)t;
        break;
    }
    freelocale(c_locale);
    return result;
}
