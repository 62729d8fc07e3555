/*
 * Helpers shared by the libFuzzer targets (spec/fuzz/fuzz_*.c): a byte
 * reader over the fuzz input, invariant checks on value trees and issue
 * lists, and a failure macro that aborts with a message (libFuzzer then
 * saves the input as a crash).
 */
#ifndef SMK_FUZZ_SUPPORT_H
#define SMK_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "smk/model.h"
#include "smk/transport.h"
#include "smk/value.h"

/* Abort with "fuzz invariant failed: <what>" and the location. */
#define FZ_REQUIRE(cond, what)                                 \
    do {                                                       \
        if (!(cond))                                           \
            fz_fail(__FILE__, __LINE__, #cond, (what));        \
    } while (0)

void fz_fail(const char *file, int line, const char *cond, const char *what)
    __attribute__((noreturn));

/* Sequential reads from the fuzz input; past the end every read yields 0
 * and `fz_left` is 0. */
struct fz_reader {
    const uint8_t *p;
    size_t n;
};

uint8_t fz_byte(struct fz_reader *r);
uint64_t fz_u64(struct fz_reader *r);
size_t fz_left(const struct fz_reader *r);
/* Up to `want` bytes (fewer at the end); returns a pointer into the input. */
const uint8_t *fz_bytes(struct fz_reader *r, size_t want, size_t *got);

/* Whether the NUL-terminated `needle` occurs in p[0..n). */
int fz_contains(const uint8_t *p, size_t n, const char *needle);

/* Whether s[0..n) is well-formed UTF-8 (no overlongs, surrogates or code
 * points above U+10FFFF). */
int fz_utf8_valid(const char *s, size_t n);

/* Path order as smk_validate documents it: byte order, except that runs of
 * digits compare by numeric value ([2] before [10]). */
int fz_path_cmp(const char *a, const char *b);

/* The documented contract of an issue list filled by smk_validate: at most
 * SMK_MAX_ISSUES kept, each with a path and a non-empty message, both valid
 * UTF-8, sorted by path. Aborts on a violation. */
void fz_check_issues(const struct smk_issues *issues);

/* Structural equality of two trees as JSON sees them: members whose value
 * is NULL are skipped (the encoder omits them), numbers compare by value
 * whatever their kind (10.0 is written as 10 and reads back as INT). */
int fz_value_equal(const struct smk_value *a, const struct smk_value *b);

/* Container nesting depth of a tree (a scalar is 0, [] is 1). */
size_t fz_value_depth(const struct smk_value *v);

/* Every node well formed: known kind, strings NUL-terminated at their
 * length, keys NUL-terminated, item arrays present when non-empty. */
void fz_check_tree(const struct smk_value *v);

/* A transport whose every send fails with SMK_E_TRANSPORT (the targets
 * never reach the network); freed by the client that owns it. Aborts when
 * out of memory. */
struct smk_transport *fz_null_transport(void);

#endif
