/*
 * Wiping secrets from memory. Internal.
 *
 * smk__wipe(p, n) zeroes n bytes at p in a way the compiler may not remove
 * as a dead store (glibc's explicit_bzero: the guarantee OPENSSL_cleanse
 * gives, without needing libcrypto, so secrets are wiped even in a process
 * that never loaded it). NULL-safe when n is 0.
 */
#ifndef SMK_CORE_WIPE_H
#define SMK_CORE_WIPE_H

#include <stddef.h>

void smk__wipe(void *p, size_t n);

#endif
