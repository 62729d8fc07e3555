/* SigV4 canonical URI, query and headers: see sigv4_internal.h for the
 * contracts. Small inputs are handled in stack scratch space; larger ones
 * take one heap allocation per call. */
#include <stdlib.h>
#include <string.h>

#include "sigv4/sigv4_internal.h"

#define STACK_TEXT 1024
#define STACK_ITEMS 24

static const char hex_upper[] = "0123456789ABCDEF";

/* ---- scratch space ------------------------------------------------------ */

/* Return `stack` when `need` bytes fit in it, else a heap block (NULL when
 * out of memory). Release with scratch_release(). */
static void *scratch_get(void *stack, size_t stack_size, size_t need)
{
    return need <= stack_size ? stack : malloc(need ? need : 1);
}

static void scratch_release(void *p, void *stack)
{
    if (p != stack)
        free(p);
}

/* Element count * size without overflow; 0 when it would overflow. */
static size_t checked_size(size_t count, size_t size)
{
    return count > ((size_t)-1) / size ? 0 : count * size;
}

/* ---- character classes -------------------------------------------------- */

static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Byte-order comparison of two counted strings (a shorter prefix first). */
static int compare_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);

    if (c != 0)
        return c;
    return (alen > blen) - (alen < blen);
}

/* Byte-order comparison of two names after ASCII lowercasing. */
static int compare_lower(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i, n = alen < blen ? alen : blen;

    for (i = 0; i < n; i++) {
        unsigned char x = lower((unsigned char)a[i]), y = lower((unsigned char)b[i]);

        if (x != y)
            return x < y ? -1 : 1;
    }
    return (alen > blen) - (alen < blen);
}

static int equals_lower(const char *name, size_t len, const char *lowercase)
{
    size_t n = strlen(lowercase);

    return n == len && compare_lower(name, len, lowercase, n) == 0;
}

/* ---- canonical URI ------------------------------------------------------- */

/* Append `p[0..n)` URI-encoded: unreserved bytes (and '/' when `keep_slash`)
 * as is, every other byte as %XY with uppercase hex. */
static enum smk_err append_uri_encoded(struct smk_buf *out, const char *p, size_t n,
                                       int keep_slash)
{
    size_t i = 0;
    enum smk_err rc = SMK_OK;

    while (i < n && rc == SMK_OK) {
        size_t start = i;
        unsigned char c;

        while (i < n && (is_unreserved((unsigned char)p[i]) || (keep_slash && p[i] == '/')))
            i++;
        rc = smk_buf_append(out, p + start, i - start);
        if (rc != SMK_OK || i == n)
            break;
        c = (unsigned char)p[i++];
        {
            char esc[3] = {'%', hex_upper[c >> 4], hex_upper[c & 15]};

            rc = smk_buf_append(out, esc, 3);
        }
    }
    return rc;
}

/* Write the dot-segment-free, empty-segment-free form of `path[0..n)` to
 * `dst` (room for n + 2 bytes) and return its length. */
static size_t normalize_path(char *dst, const char *path, size_t n)
{
    size_t len = 0, i = 0;

    while (i < n) {
        size_t start, seg;

        while (i < n && path[i] == '/')
            i++;
        start = i;
        while (i < n && path[i] != '/')
            i++;
        seg = i - start;
        if (seg == 0 || (seg == 1 && path[start] == '.'))
            continue;
        if (seg == 2 && path[start] == '.' && path[start + 1] == '.') {
            while (len > 0 && dst[len - 1] != '/')
                len--;
            if (len > 0)
                len--;
            continue;
        }
        dst[len++] = '/';
        memcpy(dst + len, path + start, seg);
        len += seg;
    }
    if (len == 0)
        dst[len++] = '/';
    else if (path[n - 1] == '/')
        dst[len++] = '/';
    return len;
}

enum smk_err smk_sigv4_append_canonical_uri(struct smk_buf *out, const char *path,
                                            unsigned flags)
{
    char stack[STACK_TEXT];
    char *text = NULL;
    const char *p = path;
    size_t n = path ? strlen(path) : 0;
    enum smk_err rc;

    if (n == 0)
        return smk_buf_append_char(out, '/');
    if (flags & SMK_SIGV4_NORMALIZE_PATH) {
        if (n > ((size_t)-1) - 2)
            return SMK_E_TOO_LARGE;
        text = scratch_get(stack, sizeof(stack), n + 2);
        if (text == NULL)
            return SMK_E_NOMEM;
        n = normalize_path(text, path, n);
        p = text;
    }
    if (flags & SMK_SIGV4_DOUBLE_ENCODE_PATH)
        rc = append_uri_encoded(out, p, n, 1);
    else
        rc = smk_buf_append(out, p, n);
    if (text != NULL)
        scratch_release(text, stack);
    return rc;
}

/* ---- canonical query ------------------------------------------------------ */

struct query_pair {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};

/* Percent-decode `src[0..n)` (invalid escapes stay literal) and URI-encode
 * the result into `dst` (room for 3 * n bytes). Returns the length written. */
static size_t recode_component(char *dst, const char *src, size_t n)
{
    size_t i = 0, len = 0;

    while (i < n) {
        unsigned char c = (unsigned char)src[i];
        int hi, lo;

        if (c == '%' && n - i >= 3 && (hi = hex_value((unsigned char)src[i + 1])) >= 0 &&
            (lo = hex_value((unsigned char)src[i + 2])) >= 0) {
            c = (unsigned char)(hi * 16 + lo);
            i += 3;
        } else {
            i++;
        }
        if (is_unreserved(c)) {
            dst[len++] = (char)c;
        } else {
            dst[len++] = '%';
            dst[len++] = hex_upper[c >> 4];
            dst[len++] = hex_upper[c & 15];
        }
    }
    return len;
}

static int compare_pairs(const void *pa, const void *pb)
{
    const struct query_pair *a = pa, *b = pb;
    int c = compare_bytes(a->name, a->name_len, b->name, b->name_len);

    return c != 0 ? c : compare_bytes(a->value, a->value_len, b->value, b->value_len);
}

/* Split `query[0..n)` into recoded pairs stored in `text`; returns the count. */
static size_t split_query(struct query_pair *pairs, char *text, const char *query, size_t n)
{
    size_t count = 0, i = 0, used = 0;

    while (i < n) {
        size_t start = i, eq;

        while (i < n && query[i] != '&')
            i++;
        if (i > start) {
            for (eq = start; eq < i && query[eq] != '='; eq++)
                ;
            pairs[count].name = text + used;
            pairs[count].name_len = recode_component(text + used, query + start, eq - start);
            used += pairs[count].name_len;
            pairs[count].value = text + used;
            pairs[count].value_len =
                eq < i ? recode_component(text + used, query + eq + 1, i - eq - 1) : 0;
            used += pairs[count].value_len;
            count++;
        }
        i++;
    }
    return count;
}

static enum smk_err append_pairs(struct smk_buf *out, const struct query_pair *pairs,
                                 size_t count)
{
    enum smk_err rc = SMK_OK;
    size_t i;

    for (i = 0; i < count && rc == SMK_OK; i++) {
        if (i > 0)
            rc = smk_buf_append_char(out, '&');
        if (rc == SMK_OK)
            rc = smk_buf_append(out, pairs[i].name, pairs[i].name_len);
        if (rc == SMK_OK)
            rc = smk_buf_append_char(out, '=');
        if (rc == SMK_OK)
            rc = smk_buf_append(out, pairs[i].value, pairs[i].value_len);
    }
    return rc;
}

enum smk_err smk_sigv4_append_canonical_query(struct smk_buf *out, const char *query)
{
    char text_stack[STACK_TEXT];
    struct query_pair pair_stack[STACK_ITEMS];
    size_t n = query ? strlen(query) : 0, max_pairs = 1, i, count;
    size_t text_size, pairs_size;
    char *text;
    struct query_pair *pairs;
    enum smk_err rc;

    if (n == 0)
        return SMK_OK;
    for (i = 0; i < n; i++)
        max_pairs += query[i] == '&';
    text_size = checked_size(n, 3);
    pairs_size = checked_size(max_pairs, sizeof(*pairs));
    if (text_size == 0 || pairs_size == 0)
        return SMK_E_TOO_LARGE;
    text = scratch_get(text_stack, sizeof(text_stack), text_size);
    pairs = scratch_get(pair_stack, sizeof(pair_stack), pairs_size);
    if (text == NULL || pairs == NULL) {
        rc = SMK_E_NOMEM;
    } else {
        count = split_query(pairs, text, query, n);
        qsort(pairs, count, sizeof(*pairs), compare_pairs);
        rc = append_pairs(out, pairs, count);
    }
    if (text != NULL)
        scratch_release(text, text_stack);
    if (pairs != NULL)
        scratch_release(pairs, pair_stack);
    return rc;
}

/* ---- canonical headers ---------------------------------------------------- */

struct header_entry {
    const struct smk_header *h;
    size_t order; /* position in the request, to keep repeated values in order */
};

static const char *const never_signed[] = {
    "authorization", "user-agent", "x-amzn-trace-id", "connection",
    "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
    "te", "trailer", "transfer-encoding", "upgrade",
};

static int is_signable(const struct smk_header *h, const char *const *owned, size_t n_owned)
{
    size_t i;

    for (i = 0; i < sizeof(never_signed) / sizeof(never_signed[0]); i++)
        if (equals_lower(h->name, h->name_len, never_signed[i]))
            return 0;
    for (i = 0; i < n_owned; i++)
        if (equals_lower(h->name, h->name_len, owned[i]))
            return 0;
    return 1;
}

static int compare_entries(const void *pa, const void *pb)
{
    const struct header_entry *a = pa, *b = pb;
    int c = compare_lower(a->h->name, a->h->name_len, b->h->name, b->h->name_len);

    if (c != 0)
        return c;
    return (a->order > b->order) - (a->order < b->order);
}

static enum smk_err append_lower(struct smk_buf *out, const char *p, size_t n)
{
    char chunk[64];
    enum smk_err rc = SMK_OK;

    while (n > 0 && rc == SMK_OK) {
        size_t k = n < sizeof(chunk) ? n : sizeof(chunk), i;

        for (i = 0; i < k; i++)
            chunk[i] = (char)lower((unsigned char)p[i]);
        rc = smk_buf_append(out, chunk, k);
        p += k;
        n -= k;
    }
    return rc;
}

/* Append `p[0..n)` trimmed, with each internal whitespace run as one space. */
static enum smk_err append_collapsed(struct smk_buf *out, const char *p, size_t n)
{
    size_t i = 0;
    enum smk_err rc = SMK_OK;

    while (n > 0 && is_space((unsigned char)p[n - 1]))
        n--;
    while (i < n && is_space((unsigned char)p[i]))
        i++;
    while (i < n && rc == SMK_OK) {
        size_t start = i;

        while (i < n && !is_space((unsigned char)p[i]))
            i++;
        rc = smk_buf_append(out, p + start, i - start);
        if (i < n && rc == SMK_OK) {
            while (is_space((unsigned char)p[i]))
                i++;
            rc = smk_buf_append_char(out, ' ');
        }
    }
    return rc;
}

/* Append one "name:v1,v2\n" line for the run entries[0..count) sharing a
 * name, and the name to `signed_headers` (preceded by ';' unless first). */
static enum smk_err append_header_line(struct smk_buf *creq, struct smk_buf *signed_headers,
                                       const struct header_entry *entries, size_t count,
                                       int first)
{
    const struct smk_header *h = entries[0].h;
    enum smk_err rc = SMK_OK;
    size_t i;

    if (!first)
        rc = smk_buf_append_char(signed_headers, ';');
    if (rc == SMK_OK)
        rc = append_lower(signed_headers, h->name, h->name_len);
    if (rc == SMK_OK)
        rc = append_lower(creq, h->name, h->name_len);
    if (rc == SMK_OK)
        rc = smk_buf_append_char(creq, ':');
    for (i = 0; i < count && rc == SMK_OK; i++) {
        if (i > 0)
            rc = smk_buf_append_char(creq, ',');
        if (rc == SMK_OK)
            rc = append_collapsed(creq, entries[i].h->value, entries[i].h->value_len);
    }
    if (rc == SMK_OK)
        rc = smk_buf_append_char(creq, '\n');
    return rc;
}

static enum smk_err append_entries(struct smk_buf *creq, struct smk_buf *signed_headers,
                                   const struct header_entry *entries, size_t count)
{
    enum smk_err rc = SMK_OK;
    size_t i = 0;

    while (i < count && rc == SMK_OK) {
        size_t j = i + 1;

        while (j < count && compare_lower(entries[i].h->name, entries[i].h->name_len,
                                          entries[j].h->name, entries[j].h->name_len) == 0)
            j++;
        rc = append_header_line(creq, signed_headers, entries + i, j - i, i == 0);
        i = j;
    }
    return rc;
}

enum smk_err smk_sigv4_append_canonical_headers(struct smk_buf *creq,
                                                struct smk_buf *signed_headers,
                                                const struct smk_header *headers,
                                                size_t n_headers,
                                                const char *const *owned, size_t n_owned,
                                                const struct smk_header *added,
                                                size_t n_added)
{
    struct header_entry stack[STACK_ITEMS];
    struct header_entry *entries;
    size_t i, count = 0, size;
    enum smk_err rc;

    if (n_headers > ((size_t)-1) / 2 - n_added)
        return SMK_E_TOO_LARGE;
    size = checked_size(n_headers + n_added, sizeof(*entries));
    if (size == 0 && n_headers + n_added > 0)
        return SMK_E_TOO_LARGE;
    entries = scratch_get(stack, sizeof(stack), size);
    if (entries == NULL)
        return SMK_E_NOMEM;
    for (i = 0; i < n_headers; i++) {
        if (is_signable(&headers[i], owned, n_owned)) {
            entries[count].h = &headers[i];
            entries[count].order = count;
            count++;
        }
    }
    for (i = 0; i < n_added; i++) {
        entries[count].h = &added[i];
        entries[count].order = count;
        count++;
    }
    if (count <= STACK_ITEMS) { /* the usual few headers: insertion sort, no calls */
        for (i = 1; i < count; i++) {
            struct header_entry e = entries[i];
            size_t j = i;
            for (; j > 0 && compare_entries(&entries[j - 1], &e) > 0; j--)
                entries[j] = entries[j - 1];
            entries[j] = e;
        }
    } else {
        qsort(entries, count, sizeof(*entries), compare_entries);
    }
    rc = append_entries(creq, signed_headers, entries, count);
    scratch_release(entries, stack);
    return rc;
}
