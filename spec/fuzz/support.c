/* Helpers for the fuzz targets: see support.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

void fz_fail(const char *file, int line, const char *cond, const char *what)
{
    fprintf(stderr, "%s:%d: fuzz invariant failed: %s (%s)\n", file, line, what, cond);
    abort();
}

uint8_t fz_byte(struct fz_reader *r)
{
    uint8_t b;

    if (r->n == 0)
        return 0;
    b = r->p[0];
    r->p++;
    r->n--;
    return b;
}

uint64_t fz_u64(struct fz_reader *r)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < 8; i++)
        v = (v << 8) | fz_byte(r);
    return v;
}

size_t fz_left(const struct fz_reader *r)
{
    return r->n;
}

const uint8_t *fz_bytes(struct fz_reader *r, size_t want, size_t *got)
{
    const uint8_t *p = r->p;

    if (want > r->n)
        want = r->n;
    r->p += want;
    r->n -= want;
    *got = want;
    return p;
}

int fz_contains(const uint8_t *p, size_t n, const char *needle)
{
    size_t m = strlen(needle), i;

    for (i = 0; m <= n && i <= n - m; i++)
        if (memcmp(p + i, needle, m) == 0)
            return 1;
    return 0;
}

int fz_utf8_valid(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        unsigned char c = u[i];
        uint32_t cp;
        size_t extra, k;

        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0)
            extra = 1, cp = c & 0x1F;
        else if ((c & 0xF0) == 0xE0)
            extra = 2, cp = c & 0x0F;
        else if ((c & 0xF8) == 0xF0)
            extra = 3, cp = c & 0x07;
        else
            return 0;
        if (n - i <= extra)
            return 0;
        for (k = 1; k <= extra; k++) {
            if ((u[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (u[i + k] & 0x3F);
        }
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
            (extra == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += extra + 1;
    }
    return 1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int fz_path_cmp(const char *a, const char *b)
{
    for (;;) {
        if (is_digit(*a) && is_digit(*b)) {
            const char *ea, *eb;
            size_t la, lb;
            int c;

            while (*a == '0' && is_digit(a[1]))
                a++;
            while (*b == '0' && is_digit(b[1]))
                b++;
            for (ea = a; is_digit(*ea); ea++)
                ;
            for (eb = b; is_digit(*eb); eb++)
                ;
            la = (size_t)(ea - a);
            lb = (size_t)(eb - b);
            if (la != lb)
                return la < lb ? -1 : 1;
            c = memcmp(a, b, la);
            if (c != 0)
                return c < 0 ? -1 : 1;
            a = ea;
            b = eb;
            continue;
        }
        if (*a == '\0' || *b == '\0' || *a != *b)
            break;
        a++;
        b++;
    }
    if ((unsigned char)*a == (unsigned char)*b)
        return 0;
    return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
}

void fz_check_issues(const struct smk_issues *issues)
{
    size_t i;

    FZ_REQUIRE(issues->n <= SMK_MAX_ISSUES, "more issues kept than SMK_MAX_ISSUES");
    FZ_REQUIRE(issues->n <= issues->cap, "issue count above capacity");
    FZ_REQUIRE(issues->n == 0 || issues->items != NULL, "issues without storage");
    FZ_REQUIRE(issues->dropped == 0 || issues->n == SMK_MAX_ISSUES,
               "issues dropped before the list was full");
    for (i = 0; i < issues->n; i++) {
        const struct smk_issue *it = &issues->items[i];

        FZ_REQUIRE(it->path != NULL, "issue without a path");
        FZ_REQUIRE(it->message != NULL && it->message[0] != '\0', "issue without a message");
        FZ_REQUIRE(fz_utf8_valid(it->path, strlen(it->path)), "issue path is not UTF-8");
        FZ_REQUIRE(fz_utf8_valid(it->message, strlen(it->message)),
                   "issue message is not UTF-8");
        if (i > 0)
            FZ_REQUIRE(fz_path_cmp(issues->items[i - 1].path, it->path) <= 0,
                       "issues not sorted by path");
    }
}

static int is_number(const struct smk_value *v)
{
    return v->kind == SMK_VALUE_INT || v->kind == SMK_VALUE_FLOAT;
}

static int numbers_equal(const struct smk_value *a, const struct smk_value *b)
{
    if (a->kind == SMK_VALUE_INT && b->kind == SMK_VALUE_INT)
        return a->u.i == b->u.i;
    if (a->kind == SMK_VALUE_FLOAT && b->kind == SMK_VALUE_FLOAT)
        return a->u.f == b->u.f;
    if (a->kind == SMK_VALUE_INT)
        return (double)a->u.i == b->u.f;
    return a->u.f == (double)b->u.i;
}

/* Index of the next member at or after `i` whose value is not NULL. */
static size_t next_set(const struct smk_value *map, size_t i)
{
    while (i < map->u.map.n && map->u.map.items[i].value.kind == SMK_VALUE_NULL)
        i++;
    return i;
}

int fz_value_equal(const struct smk_value *a, const struct smk_value *b)
{
    size_t i, j;

    if (is_number(a) && is_number(b))
        return numbers_equal(a, b);
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case SMK_VALUE_NULL:
        return 1;
    case SMK_VALUE_BOOL:
        return !a->u.b == !b->u.b;
    case SMK_VALUE_STRING:
        return a->u.s.len == b->u.s.len &&
               (a->u.s.len == 0 || memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0);
    case SMK_VALUE_LIST:
        if (a->u.list.n != b->u.list.n)
            return 0;
        for (i = 0; i < a->u.list.n; i++)
            if (!fz_value_equal(&a->u.list.items[i], &b->u.list.items[i]))
                return 0;
        return 1;
    case SMK_VALUE_MAP:
        i = next_set(a, 0);
        j = next_set(b, 0);
        while (i < a->u.map.n && j < b->u.map.n) {
            const struct smk_member *ma = &a->u.map.items[i], *mb = &b->u.map.items[j];
            if (ma->key_len != mb->key_len || memcmp(ma->key, mb->key, ma->key_len) != 0 ||
                !fz_value_equal(&ma->value, &mb->value))
                return 0;
            i = next_set(a, i + 1);
            j = next_set(b, j + 1);
        }
        return i == a->u.map.n && j == b->u.map.n;
    default:
        return 0;
    }
}

size_t fz_value_depth(const struct smk_value *v)
{
    size_t i, d, best = 0;

    if (v->kind == SMK_VALUE_LIST) {
        for (i = 0; i < v->u.list.n; i++)
            if ((d = fz_value_depth(&v->u.list.items[i])) > best)
                best = d;
        return best + 1;
    }
    if (v->kind == SMK_VALUE_MAP) {
        for (i = 0; i < v->u.map.n; i++)
            if ((d = fz_value_depth(&v->u.map.items[i].value)) > best)
                best = d;
        return best + 1;
    }
    return 0;
}

void fz_check_tree(const struct smk_value *v)
{
    size_t i;

    switch (v->kind) {
    case SMK_VALUE_NULL:
    case SMK_VALUE_BOOL:
    case SMK_VALUE_INT:
    case SMK_VALUE_FLOAT:
        return;
    case SMK_VALUE_STRING:
    case SMK_VALUE_INVALID:
        FZ_REQUIRE(v->u.s.ptr != NULL, "string without storage");
        FZ_REQUIRE(v->u.s.ptr[v->u.s.len] == '\0', "string not NUL-terminated");
        return;
    case SMK_VALUE_LIST:
        FZ_REQUIRE(v->u.list.n == 0 || v->u.list.items != NULL, "list without storage");
        for (i = 0; i < v->u.list.n; i++)
            fz_check_tree(&v->u.list.items[i]);
        return;
    case SMK_VALUE_MAP:
        FZ_REQUIRE(v->u.map.n == 0 || v->u.map.items != NULL, "map without storage");
        for (i = 0; i < v->u.map.n; i++) {
            const struct smk_member *m = &v->u.map.items[i];
            FZ_REQUIRE(m->key != NULL && m->key[m->key_len] == '\0', "key not NUL-terminated");
            fz_check_tree(&m->value);
        }
        return;
    }
    FZ_REQUIRE(0, "value of unknown kind");
}

static void null_destroy(struct smk_transport *self)
{
    free(self);
}

static enum smk_err null_send(struct smk_transport *self, const struct smk_http_request *req,
                              struct smk_http_response *resp, struct smk_error *err)
{
    (void)self, (void)req, (void)resp;
    return smk_error_set(err, SMK_E_TRANSPORT, NULL, "the fuzz transport sends nothing");
}

struct smk_transport *fz_null_transport(void)
{
    struct smk_transport *t = calloc(1, sizeof(*t));

    if (t == NULL)
        abort();
    t->send = null_send;
    t->destroy = null_destroy;
    return t;
}
