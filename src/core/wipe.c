/* Wiping secrets: see wipe.h. explicit_bzero is a glibc (2.25+), musl and
 * BSD extension, declared by <string.h> with _DEFAULT_SOURCE. */
#define _DEFAULT_SOURCE 1
#include <string.h>

#include "core/wipe.h"

void smk__wipe(void *p, size_t n)
{
    if (n > 0)
        explicit_bzero(p, n);
}
