/*
 * Clock skew: recognising the service's "your clock is off" answers and
 * reading the server's clock from the HTTP Date header. Internal.
 */
#ifndef SMK_CLIENT_SKEW_H
#define SMK_CLIENT_SKEW_H

#include "smk/error.h"

/* 1 when `err` says the signature's time was too far from the server's:
 * RequestTimeTooSkewed, RequestExpired, RequestInTheFuture, or
 * InvalidSignatureException "Signature expired" / "Signature not yet
 * current". Matched exactly, never by substring of the code. */
int smk__is_clock_skew_error(const struct smk_error *err);

/* Seconds since the epoch of an HTTP Date header value, or -1: the three
 * forms RFC 9110 (5.6.7) requires recipients to accept, IMF-fixdate
 * ("Sun, 06 Nov 1994 08:49:37 GMT"), RFC 850 ("Sunday, 06-Nov-94 08:49:37
 * GMT") and asctime ("Sun Nov  6 08:49:37 1994"), all in GMT. Dates before
 * 1970 give -1. */
double smk__http_date(const char *value);

#endif
