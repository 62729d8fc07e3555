/*
 * The system's clock, sleep and random source: the defaults behind the
 * injectable hooks of clients and credential providers. Internal.
 * Each takes (and ignores) the hooks' user-data pointer. Thread-safe.
 */
#ifndef SMK_CORE_SYSTEM_HOOKS_H
#define SMK_CORE_SYSTEM_HOOKS_H

/* Seconds since the Unix epoch (CLOCK_REALTIME), with fractions. */
double smk__system_clock(void *ud);
/* Sleep `seconds` (nothing for <= 0 or NaN), resuming after signals. */
void smk__system_sleep(void *ud, double seconds);
/* Uniform in [0, 1) from OpenSSL's CSPRNG (loading libcrypto on first use);
 * 0.5 should it fail or libcrypto be unavailable. */
double smk__system_random(void *ud);

#endif
