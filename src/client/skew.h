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

/* Seconds since the epoch of an HTTP Date header value (RFC 9110
 * IMF-fixdate and the obsolete forms libcurl accepts), or -1. */
double smk__http_date(const char *value);

#endif
