/* "Did you mean": the closest known name to a misspelt one. See model/shape.h. */
#include <stddef.h>

#include "model/shape.h"

/* Names longer than this are compared only for case-insensitive equality. */
#define SUGGEST_MAX_LEN 64

static unsigned char fold(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static int equal_ignoring_case(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i;

    if (alen != blen)
        return 0;
    for (i = 0; i < alen; i++)
        if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
            return 0;
    return 1;
}

/* Edit distance ignoring ASCII case, counting insertions, deletions,
 * substitutions and swaps of adjacent characters (optimal string alignment).
 * Both lengths are at most SUGGEST_MAX_LEN. */
static size_t distance(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t rows[3][SUGGEST_MAX_LEN + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    size_t i, j;

    for (j = 0; j <= blen; j++)
        prev[j] = j;
    for (i = 1; i <= alen; i++) {
        unsigned char ca = fold((unsigned char)a[i - 1]);
        size_t *t;
        cur[0] = i;
        for (j = 1; j <= blen; j++) {
            unsigned char cb = fold((unsigned char)b[j - 1]);
            size_t best = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == fold((unsigned char)b[j - 2]) &&
                fold((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[blen];
}

long smk_suggest(const char *given, size_t len, size_t n,
                 const struct smk_name *(*name_at)(const void *ctx, size_t i), const void *ctx)
{
    size_t i, best_d = (size_t)-1;
    long best = -1;

    for (i = 0; i < n; i++) {
        const struct smk_name *c = name_at(ctx, i);
        if (equal_ignoring_case(given, len, c->s, c->len))
            return (long)i;
    }
    if (len > SUGGEST_MAX_LEN)
        return -1;
    for (i = 0; i < n; i++) {
        const struct smk_name *c = name_at(ctx, i);
        size_t d, diff = len > c->len ? len - c->len : c->len - len;
        if (c->len > SUGGEST_MAX_LEN || diff * 3 > c->len)
            continue; /* the distance is at least the length difference */
        d = distance(given, len, c->s, c->len);
        if (d * 3 <= c->len && d < best_d) {
            best_d = d;
            best = (long)i;
        }
    }
    return best;
}
