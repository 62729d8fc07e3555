/*
 * JSON encoding of value trees: see smk/json.h for the contract.
 *
 * Additional guarantees of this implementation:
 * - On any error the output buffer is restored to the content it had before
 *   the call (nothing partial is left appended).
 * - Containers may nest at most SMK_JSON_ENCODE_MAX_DEPTH (64) levels; a
 *   deeper tree fails with SMK_E_INVALID_ARG.
 * - Error messages name the offending value's path in the caller's terms
 *   (`A.B[2]`, list indices 1-based).
 * - Floats use the shortest of %.15g/%.16g/%.17g that reads back to the same
 *   double (subnormals: the shortest precision overall), written with '.' as
 *   the decimal point whatever the C locale. Integral floats have no ".0"
 *   (10.0 -> 10, -0.0 -> -0), as JSON has one number type.
 * - String bytes >= 0x80 are copied unchanged; callers validate UTF-8.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smk/json.h"

#define SMK_JSON_ENCODE_MAX_DEPTH 64

/* Bytes are staged locally and handed to the buffer in large pieces. */
#define STAGE_SIZE 4096

struct frame {
    const struct smk_member *member; /* set when the value is a map member */
    size_t index;                    /* 0-based list index otherwise */
};

struct writer {
    struct smk_buf *out;
    struct smk_error *err;
    enum smk_err rc;
    size_t n; /* staged bytes */
    size_t depth;
    struct frame path[SMK_JSON_ENCODE_MAX_DEPTH + 1];
    char stage[STAGE_SIZE];
};

/* 1 for bytes that must be escaped inside a JSON string. */
static const unsigned char needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20: '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50: '\\' */
};

/* Second character of the two-character escape of a byte, or 0 for \u00XX. */
static const char short_escape[0x60] = {
    ['"'] = '"', ['\\'] = '\\', ['\b'] = 'b', ['\f'] = 'f',
    ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
};

static const char hex_digits[] = "0123456789abcdef";

static int flush(struct writer *w)
{
    if (w->rc != SMK_OK)
        return 0;
    if (w->n) {
        w->rc = smk_buf_append(w->out, w->stage, w->n);
        w->n = 0;
    }
    return w->rc == SMK_OK;
}

/* Pointer to `need` free staged bytes, or NULL (error, or need > STAGE_SIZE). */
static inline char *room(struct writer *w, size_t need)
{
    if (need > STAGE_SIZE - w->n) {
        if (need > STAGE_SIZE || !flush(w))
            return NULL;
    }
    return w->stage + w->n;
}

static void put(struct writer *w, const char *p, size_t n)
{
    char *d = room(w, n);

    if (d != NULL) {
        memcpy(d, p, n);
        w->n += n;
    } else if (flush(w)) {
        w->rc = smk_buf_append(w->out, p, n);
    }
}

static inline void put_char(struct writer *w, char c)
{
    char *d = room(w, 1);

    if (d != NULL) {
        *d = c;
        w->n++;
    }
}

/* Escaped bytes of s[0..len) at `d` (room for 6 * len); returns the end. */
static char *escape_into(char *d, const unsigned char *p, size_t len)
{
    const unsigned char *end = p + len;
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;

    while (p < end) {
        unsigned char c;
        /* Eight bytes at a time while none is '"', '\\' or below 0x20. */
        while (end - p >= 8) {
            uint64_t x, q, b;
            memcpy(&x, p, 8);
            q = x ^ (ones * '"');
            b = x ^ (ones * '\\');
            if (((x - ones * 0x20) | (q - ones) | (b - ones)) & ~x & highs)
                break;
            memcpy(d, p, 8);
            d += 8;
            p += 8;
        }
        if (p == end)
            break;
        c = *p++;
        if (!needs_escape[c]) {
            *d++ = (char)c;
            continue;
        }
        *d++ = '\\';
        if (short_escape[c]) {
            *d++ = short_escape[c];
        } else {
            d[0] = 'u';
            d[1] = '0';
            d[2] = '0';
            d[3] = hex_digits[c >> 4];
            d[4] = hex_digits[c & 0xf];
            d += 5;
        }
    }
    return d;
}

/* Nonzero bits in 0x80 positions when a byte of `x` is '"', '\\' or below
 * 0x20. Exact as a yes/no (the has-zero-byte test on x, x ^ '"' and
 * x ^ '\\', which share x's high bits; below 0x20 is the has-less test). */
static inline uint64_t escape_bits(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;

    return ((x - ones * 0x20) | ((x ^ (ones * '"')) - ones) | ((x ^ (ones * '\\')) - ones)) & ~x &
           highs;
}

/* Whether p[0..len) goes into a JSON string unchanged: eight bytes at a
 * time, the last (partial) word checked as the overlapping final eight
 * bytes; short strings through the table. Most strings are clean. */
static int is_clean(const unsigned char *p, size_t len)
{
    uint64_t x, acc = 0;
    size_t i;

    if (len < 8) {
        for (i = 0; i < len; i++)
            if (needs_escape[p[i]])
                return 0;
        return 1;
    }
    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&x, p + i, 8);
        acc |= escape_bits(x);
    }
    memcpy(&x, p + len - 8, 8);
    return (acc | escape_bits(x)) == 0;
}

/* is_clean and the copy in one pass: copies p[0..len) to d (room for len
 * bytes; nothing written outside d[0..len)) and returns 1 when no byte
 * needs escaping; returns 0 otherwise, d's bytes then being scratch. */
static int copy_clean(char *d, const unsigned char *p, size_t len)
{
    uint64_t x, acc = 0;
    size_t i;

    if (len < 8) {
        for (i = 0; i < len; i++) {
            if (needs_escape[p[i]])
                return 0;
            d[i] = (char)p[i];
        }
        return 1;
    }
    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&x, p + i, 8);
        acc |= escape_bits(x);
        memcpy(d + i, &x, 8);
    }
    memcpy(&x, p + len - 8, 8); /* the last, overlapping word */
    acc |= escape_bits(x);
    memcpy(d + len - 8, &x, 8);
    return acc == 0;
}

/* A JSON string, followed by `suffix` when it is not NUL (a map key's ':'). */
static void put_string(struct writer *w, const char *s, size_t len, char suffix)
{
    const unsigned char *p = (const unsigned char *)s;
    char *d;

    /* Most strings need no escaping: copied while checked, no per-byte work. */
    if (len <= STAGE_SIZE - 3 && (d = room(w, len + 3)) != NULL && copy_clean(d + 1, p, len)) {
        size_t n = len + 2;
        d[0] = '"';
        d[len + 1] = '"';
        if (suffix)
            d[n++] = suffix;
        w->n += n;
        return;
    }
    if (len > STAGE_SIZE - 3 && is_clean(p, len)) {
        put_char(w, '"');
        put(w, s, len);
        put_char(w, '"');
        if (suffix)
            put_char(w, suffix);
        return;
    }
    if (len <= (STAGE_SIZE - 3) / 6 && (d = room(w, 6 * len + 3)) != NULL) {
        char *start = d;
        *d++ = '"';
        d = escape_into(d, p, len);
        *d++ = '"';
        if (suffix)
            *d++ = suffix;
        w->n += (size_t)(d - start);
        return;
    }
    /* Long string: escape it piece by piece. */
    put_char(w, '"');
    while (len > 0 && w->rc == SMK_OK) {
        size_t piece = len < STAGE_SIZE / 6 ? len : STAGE_SIZE / 6;
        d = room(w, 6 * piece);
        if (d == NULL)
            break;
        w->n += (size_t)(escape_into(d, p, piece) - d);
        p += piece;
        len -= piece;
    }
    put_char(w, '"');
    if (suffix)
        put_char(w, suffix);
}

/* Decimal digits of `i` ending at `end`; returns the first character. */
static char *format_int(char *end, int64_t i)
{
    /* Negate in unsigned arithmetic so INT64_MIN is representable. */
    uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;

    do {
        *--end = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (i < 0)
        *--end = '-';
    return end;
}

static void put_int(struct writer *w, int64_t i)
{
    char tmp[24], *p = format_int(tmp + sizeof(tmp), i);

    put(w, p, (size_t)(tmp + sizeof(tmp) - p));
}

static const double pow10_exact[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

/* Common case without libc formatting: 1e-4 <= |f| < 1e15 and f reads back
 * from m * 10^-k with |m| < 1e15. Both the division and strtod round the
 * same exact quotient correctly, so the check is exact. The result is what
 * %.15g would print. Returns the length, or 0 when the case does not apply. */
static int format_double_fast(double f, char *tmp)
{
    double a = f < 0 ? -f : f;
    int k;

    if (!(a >= 1e-4 && a < 1e15))
        return 0;
    for (k = 0; k <= 15; k++) {
        double x = a * pow10_exact[k], r;
        int64_t m;
        char digits[24], *p, *end = digits + sizeof(digits), *o = tmp;
        size_t nd;

        if (x >= 1e15)
            return 0;
        m = (int64_t)(x + 0.5);
        r = (double)m / pow10_exact[k];
        if (r != a)
            continue;
        p = format_int(end, m);
        nd = (size_t)(end - p);
        if (f < 0)
            *o++ = '-';
        if (nd <= (size_t)k) {
            *o++ = '0';
            *o++ = '.';
            memset(o, '0', (size_t)k - nd);
            o += (size_t)k - nd;
            memcpy(o, p, nd);
            o += nd;
        } else {
            memcpy(o, p, nd - (size_t)k);
            o += nd - (size_t)k;
            if (k) {
                *o++ = '.';
                memcpy(o, end - k, (size_t)k);
                o += k;
            }
        }
        return (int)(o - tmp);
    }
    return 0;
}

/* Shortest %.<prec>g text of `f` that reads back as `f`, in `tmp`. */
static int format_double(double f, char *tmp, size_t cap)
{
    int prec, first = 15, n = 0;

    if (f != 0.0 && f > -DBL_MIN && f < DBL_MIN)
        first = 1; /* subnormal: fewer significant bits than DBL_DIG implies */
    for (prec = first; prec <= 17; prec++) {
        n = snprintf(tmp, cap, "%.*g", prec, f);
        if (n < 0 || (size_t)n >= cap)
            return -1;
        if (strtod(tmp, NULL) == f)
            break;
    }
    return n;
}

static int is_number_char(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e' || c == 'E';
}

static void put_double(struct writer *w, double f)
{
    char tmp[64], out[64];
    size_t i, o = 0;
    int n;

    if (f == 0.0) {
        if (signbit(f))
            put(w, "-0", 2);
        else
            put_char(w, '0');
        return;
    }
    n = format_double_fast(f, out);
    if (n > 0) {
        put(w, out, (size_t)n);
        return;
    }
    n = format_double(f, tmp, sizeof(tmp));
    if (n < 0) {
        w->rc = SMK_E_INTERNAL;
        return;
    }
    /* Whatever the locale's radix character is, JSON wants '.'. */
    for (i = 0; i < (size_t)n;) {
        if (is_number_char(tmp[i])) {
            out[o++] = tmp[i++];
        } else {
            out[o++] = '.';
            while (i < (size_t)n && !is_number_char(tmp[i]))
                i++;
        }
    }
    put(w, out, o);
}

/* Render the path of the value at w->path[1..depth] into `dst`. */
static void format_path(const struct writer *w, char *dst, size_t cap)
{
    size_t d, len = 0;
    int n;

    dst[0] = '\0';
    for (d = 1; d <= w->depth && len < cap; d++) {
        const struct frame *f = &w->path[d];
        if (f->member)
            n = snprintf(dst + len, cap - len, "%s%.*s", len ? "." : "", (int)f->member->key_len,
                         f->member->key);
        else
            n = snprintf(dst + len, cap - len, "[%zu]", f->index + 1);
        if (n < 0)
            break;
        len += (size_t)n;
    }
    if (len == 0)
        snprintf(dst, cap, "(top level)");
}

static void fail(struct writer *w, const char *what)
{
    char path[512];

    if (w->rc != SMK_OK)
        return;
    w->rc = SMK_E_INVALID_ARG;
    format_path(w, path, sizeof(path));
    smk_error_set(w->err, SMK_E_INVALID_ARG, NULL, "cannot encode %s as JSON at %s", what, path);
}

static void encode_value(struct writer *w, const struct smk_value *v);

static void encode_list(struct writer *w, const struct smk_value *v)
{
    size_t i;
    struct frame *f = &w->path[w->depth];

    put_char(w, '[');
    for (i = 0; i < v->u.list.n && w->rc == SMK_OK; i++) {
        if (i)
            put_char(w, ',');
        f->member = NULL;
        f->index = i;
        encode_value(w, &v->u.list.items[i]);
    }
    put_char(w, ']');
}

static void encode_map(struct writer *w, const struct smk_value *v)
{
    size_t i;
    int first = 1;
    struct frame *f = &w->path[w->depth];

    put_char(w, '{');
    for (i = 0; i < v->u.map.n && w->rc == SMK_OK; i++) {
        const struct smk_member *m = &v->u.map.items[i];
        if (m->value.kind == SMK_VALUE_NULL)
            continue; /* an unset member */
        if (!first)
            put_char(w, ',');
        first = 0;
        put_string(w, m->key, m->key_len, ':');
        f->member = m;
        encode_value(w, &m->value);
    }
    put_char(w, '}');
}

static void encode_value(struct writer *w, const struct smk_value *v)
{
    if (w->rc != SMK_OK)
        return;
    switch (v->kind) {
    case SMK_VALUE_NULL:
        put(w, "null", 4);
        break;
    case SMK_VALUE_BOOL:
        if (v->u.b)
            put(w, "true", 4);
        else
            put(w, "false", 5);
        break;
    case SMK_VALUE_INT:
        put_int(w, v->u.i);
        break;
    case SMK_VALUE_FLOAT:
        if (isnan(v->u.f))
            fail(w, "NaN");
        else if (isinf(v->u.f))
            fail(w, v->u.f > 0 ? "Infinity" : "-Infinity");
        else
            put_double(w, v->u.f);
        break;
    case SMK_VALUE_STRING:
        put_string(w, v->u.s.ptr, v->u.s.len, 0);
        break;
    case SMK_VALUE_LIST:
    case SMK_VALUE_MAP:
        if (w->depth >= SMK_JSON_ENCODE_MAX_DEPTH) {
            fail(w, "a value nested more than 64 levels deep");
            return;
        }
        w->depth++;
        if (v->kind == SMK_VALUE_LIST)
            encode_list(w, v);
        else
            encode_map(w, v);
        w->depth--;
        break;
    case SMK_VALUE_INVALID:
        fail(w, v->u.s.ptr ? v->u.s.ptr : "an invalid value");
        break;
    default:
        fail(w, "a value of unknown kind");
        break;
    }
}

enum smk_err smk_json_encode(const struct smk_value *v, struct smk_buf *out,
                             struct smk_error *err)
{
    struct writer w;
    size_t start;

    if (v == NULL || out == NULL)
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL, "smk_json_encode: NULL argument");
    start = out->len;
    w.out = out;
    w.err = err;
    w.rc = SMK_OK;
    w.n = 0;
    w.depth = 0;
    encode_value(&w, v);
    flush(&w);
    if (w.rc == SMK_OK)
        return SMK_OK;
    if (out->data) {
        out->len = start;
        out->data[start] = '\0';
    }
    if (w.rc == SMK_E_TOO_LARGE)
        return smk_error_set(err, w.rc, NULL, "JSON text exceeds the buffer limit of %zu bytes",
                             out->max);
    if (w.rc == SMK_E_NOMEM)
        return smk_error_set(err, w.rc, NULL, "out of memory encoding JSON");
    if (w.rc != SMK_E_INVALID_ARG)
        return smk_error_set(err, w.rc, NULL, "JSON encoding failed");
    return w.rc; /* message already set by fail() */
}
