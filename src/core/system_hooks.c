/* The system's clock, sleep and random source: see system_hooks.h. */
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "core/libcrypto_api.h"
#include "core/system_hooks.h"

double smk__system_clock(void *ud)
{
    struct timespec ts;

    (void)ud;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void smk__system_sleep(void *ud, double seconds)
{
    struct timespec ts;

    (void)ud;
    if (!(seconds > 0))
        return;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

double smk__system_random(void *ud)
{
    uint32_t r;

    (void)ud;
    if (smk__libcrypto_load(NULL) != SMK_OK ||
        smk__crypto.RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
        return 0.5;
    return (double)r / 4294967296.0;
}
