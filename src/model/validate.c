/*
 * Generic validation of a value tree against the model: see smk/model.h.
 *
 * One walk visits every value once, guided by the shapes; each violation
 * becomes an issue with the value's path and a message saying what was
 * expected and what was given. Nothing is allocated per call except issue
 * strings in the caller's arena, and only when there are issues. The
 * reference-page rules (rules.c) run after the walk.
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/shape.h"

#define PATH_CAP 1024 /* paths are short: the model nests a few levels */
#define MSG_CAP 768   /* one message; longer ones are cut */
#define SHOW_MAX 40   /* visible characters of a quoted value */
#define LIST_NAMES_MAX 12 /* member names listed for an unknown member */

/* Reporting is off the hot path: keep it out of line so that the checks'
 * stack frames stay small. */
#if defined(__GNUC__)
#define COLD __attribute__((cold, noinline))
#else
#define COLD
#endif

void smk_issues_init(struct smk_issues *issues)
{
    issues->items = NULL;
    issues->n = 0;
    issues->cap = 0;
    issues->dropped = 0;
}

/* ---- issues --------------------------------------------------------------- */

static int add_issue(struct smk_vctx *ctx, const char *path, const char *msg)
{
    struct smk_issues *is = ctx->issues;
    struct smk_issue *it;

    if (is->n >= SMK_MAX_ISSUES) {
        is->dropped++;
        return 0;
    }
    if (is->n == is->cap) {
        struct smk_issue *items = smk_arena_alloc(ctx->arena, SMK_MAX_ISSUES * sizeof(*items));
        if (items == NULL)
            goto nomem;
        if (is->n)
            memcpy(items, is->items, is->n * sizeof(*items));
        is->items = items;
        is->cap = SMK_MAX_ISSUES;
    }
    it = &is->items[is->n];
    it->path = smk_arena_strndup(ctx->arena, path, strlen(path));
    it->message = smk_arena_strndup(ctx->arena, msg, strlen(msg));
    if (it->path == NULL || it->message == NULL)
        goto nomem;
    is->n++;
    return 0;
nomem:
    ctx->fatal = SMK_E_NOMEM;
    return -1;
}

static int vissue(struct smk_vctx *ctx, const char *path, const char *fmt, va_list ap)
{
    char msg[MSG_CAP];
    size_t off = 0;

    if (ctx->prefix != NULL) {
        size_t n = strlen(ctx->prefix);
        if (n >= sizeof(msg))
            n = sizeof(msg) - 1;
        memcpy(msg, ctx->prefix, n);
        off = n;
    }
    vsnprintf(msg + off, sizeof(msg) - off, fmt, ap);
    return add_issue(ctx, path, msg);
}

int smk_vctx_issue(struct smk_vctx *ctx, const char *path, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vissue(ctx, path, fmt, ap);
    va_end(ap);
    return rc;
}

COLD static void render_path(const struct smk_vctx *ctx, char *out, size_t cap);

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
COLD static int issue_here(struct smk_vctx *ctx, const char *fmt, ...)
{
    char path[PATH_CAP];
    va_list ap;
    int rc;

    render_path(ctx, path, sizeof(path));
    va_start(ap, fmt);
    rc = vissue(ctx, path, fmt, ap);
    va_end(ap);
    return rc;
}

/* ---- text helpers ------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when invalid
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp_out)
{
    uint32_t cp, min;
    size_t need, k;
    unsigned char c = s[0];

    if (c < 0x80) {
        *cp_out = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1, cp = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2, cp = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3, cp = c & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (n - 1 < need)
        return 0;
    for (k = 1; k <= need; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    *cp_out = cp;
    return need + 1;
}

size_t smk_quote(char *out, size_t cap, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, pos = 0, cols = 0, cut = 1;
    char piece[8];

    if (cap < 8) { /* too small to say anything useful */
        if (cap)
            out[0] = '\0';
        return 0;
    }
    out[pos++] = '"';
    while (i < len) {
        size_t plen, width, adv;
        uint32_t cp;
        adv = utf8_seq(u + i, len - i, &cp);
        if (adv == 0 || cp < 0x20 || cp == 0x7F || cp == '"' || cp == '\\') {
            unsigned char c = u[i];
            adv = 1;
            if (c == '"' || c == '\\') {
                piece[0] = '\\', piece[1] = (char)c, plen = 2;
            } else if (c == '\n' || c == '\r' || c == '\t') {
                piece[0] = '\\', piece[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't', plen = 2;
            } else {
                snprintf(piece, sizeof(piece), "\\x%02X", c);
                plen = 4;
            }
            width = plen;
        } else {
            memcpy(piece, u + i, adv);
            plen = adv;
            width = 1;
        }
        if (cols + width > SHOW_MAX || pos + plen + 5 > cap) {
            pos = cut; /* shorten: keep what fits in SHOW_MAX - 3 columns */
            memcpy(out + pos, "...", 3);
            pos += 3;
            break;
        }
        memcpy(out + pos, piece, plen);
        pos += plen;
        cols += width;
        if (cols <= SHOW_MAX - 3)
            cut = pos;
        i += adv;
    }
    out[pos++] = '"';
    out[pos] = '\0';
    return pos;
}

/* Shortest "%g" form of `d` that reads back as `d`. */
static void fmt_double(char *out, size_t cap, double d)
{
    int prec;

    if (isnan(d)) {
        snprintf(out, cap, "nan");
        return;
    }
    if (isinf(d)) {
        snprintf(out, cap, d < 0 ? "-inf" : "inf");
        return;
    }
    for (prec = 1; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, d);
        if (strtod(out, NULL) == d)
            return;
    }
}

/* What was given, for "expected X, got <this>". */
static void describe(char *out, size_t cap, const struct smk_value *v)
{
    char q[200], num[40];
    size_t i, off;

    switch (v->kind) {
    case SMK_VALUE_NULL:
        snprintf(out, cap, "null");
        return;
    case SMK_VALUE_BOOL:
        snprintf(out, cap, "boolean %s", v->u.b ? "true" : "false");
        return;
    case SMK_VALUE_INT:
        snprintf(out, cap, "integer %" PRId64, v->u.i);
        return;
    case SMK_VALUE_FLOAT:
        fmt_double(num, sizeof(num), v->u.f);
        snprintf(out, cap, "number %s", num);
        return;
    case SMK_VALUE_STRING:
        smk_quote(q, sizeof(q), v->u.s.ptr, v->u.s.len);
        snprintf(out, cap, "string %s", q);
        return;
    case SMK_VALUE_LIST:
        snprintf(out, cap, v->u.list.n ? "a list" : "an empty table");
        return;
    case SMK_VALUE_MAP:
        if (v->u.map.n == 0) {
            snprintf(out, cap, "an empty map");
            return;
        }
        off = (size_t)snprintf(out, cap, "a table with keys (");
        for (i = 0; i < v->u.map.n && i < 3 && off < cap; i++) {
            smk_quote(q, sizeof(q), v->u.map.items[i].key, v->u.map.items[i].key_len);
            off += (size_t)snprintf(out + off, cap - off, "%s%s", i ? ", " : "", q);
        }
        if (off < cap)
            snprintf(out + off, cap - off, "%s)", v->u.map.n > 3 ? ", ..." : "");
        return;
    case SMK_VALUE_INVALID:
        snprintf(out, cap, "%s", v->u.s.ptr ? v->u.s.ptr : "an unsupported value");
        return;
    }
    snprintf(out, cap, "an unknown value");
}

static const char *expected_name(const struct smk_shape *sh)
{
    switch (sh->type) {
    case SMK_SHAPE_STRUCTURE: return "a table (structure)";
    case SMK_SHAPE_LIST: return "a list (sequence table)";
    case SMK_SHAPE_MAP: return "a table (map)";
    case SMK_SHAPE_STRING: return "string";
    case SMK_SHAPE_INTEGER:
    case SMK_SHAPE_LONG: return "integer";
    case SMK_SHAPE_FLOAT:
    case SMK_SHAPE_DOUBLE: return "number";
    case SMK_SHAPE_BOOLEAN: return "boolean";
    case SMK_SHAPE_TIMESTAMP:
        return "timestamp (epoch seconds or ISO 8601 like 2024-01-02T03:04:05Z)";
    case SMK_SHAPE_BLOB: return "string (bytes)";
    }
    return "a value";
}

COLD static int type_issue(struct smk_vctx *ctx, const struct smk_shape *sh, const struct smk_value *v)
{
    char got[400];

    describe(got, sizeof(got), v);
    issue_here(ctx, "expected %s, got %s", expected_name(sh), got);
    return 0;
}

/* ---- paths ------------------------------------------------------------------ */

static int is_plain_name(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 64)
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* A bounded path writer: on overflow the text ends in "..." and later
 * steps are dropped. Keeps off + 4 <= cap, so "..." and the NUL always fit. */
struct pathbuf {
    char *out;
    size_t cap, off;
    int full;
};

static void put(struct pathbuf *b, const char *s, size_t n)
{
    if (b->full)
        return;
    if (b->off + n + 4 > b->cap) {
        memcpy(b->out + b->off, "...", 3);
        b->off += 3;
        b->full = 1;
        return;
    }
    memcpy(b->out + b->off, s, n);
    b->off += n;
}

/* `Name.Member[2]["key"]`: list indices 1-based, odd member names and map
 * keys as quoted, shortened literals. `cap` is at least 8. */
static void render_path(const struct smk_vctx *ctx, char *out, size_t cap)
{
    struct pathbuf b = {out, cap, 0, 0};
    size_t i, n, depth = ctx->depth < SMK_VCTX_MAX_DEPTH ? ctx->depth : SMK_VCTX_MAX_DEPTH;
    char buf[200];

    for (i = 0; i < depth; i++) {
        const struct smk_seg *g = &ctx->segs[i];
        if (g->kind == SMK_SEG_INDEX) {
            n = (size_t)snprintf(buf, sizeof(buf), "[%zu]", g->n + 1);
            put(&b, buf, n);
        } else if (g->kind == SMK_SEG_MEMBER && is_plain_name(g->s, g->n)) {
            if (b.off)
                put(&b, ".", 1);
            put(&b, g->s, g->n);
        } else {
            n = smk_quote(buf, sizeof(buf), g->s, g->n);
            put(&b, "[", 1);
            put(&b, buf, n);
            put(&b, "]", 1);
        }
    }
    if (ctx->depth > SMK_VCTX_MAX_DEPTH)
        put(&b, "...", 3);
    out[b.off] = '\0';
}

static void push(struct smk_vctx *ctx, enum smk_seg_kind kind, const char *s, size_t n)
{
    if (ctx->depth < SMK_VCTX_MAX_DEPTH) {
        ctx->segs[ctx->depth].kind = kind;
        ctx->segs[ctx->depth].s = s;
        ctx->segs[ctx->depth].n = n;
    }
    ctx->depth++;
}

static void pop(struct smk_vctx *ctx)
{
    ctx->depth--;
}

/* ---- checks ------------------------------------------------------------------- */

static int check(struct smk_vctx *ctx, const struct smk_shape *sh, struct smk_value *v);
static int check_string(struct smk_vctx *ctx, const struct smk_shape *sh, struct smk_value *v);

static const struct smk_name *member_name_at(const void *p, size_t i)
{
    return &((const struct smk_shape *)p)->members[i].name;
}

static const struct smk_name *enum_name_at(const void *p, size_t i)
{
    return &((const struct smk_shape *)p)->enum_values[i];
}

COLD static void unknown_member(struct smk_vctx *ctx, const struct smk_shape *sh,
                           const struct smk_member *m)
{
    char given[200], names[600];
    long s;
    size_t i, off = 0;

    smk_quote(given, sizeof(given), m->key, m->key_len);
    s = smk_suggest(m->key, m->key_len, sh->n_members, member_name_at, sh);
    if (s >= 0) {
        issue_here(ctx, "unknown member %s (did you mean \"%s\"?)", given, sh->members[s].name.s);
        return;
    }
    names[0] = '\0';
    for (i = 0; i < sh->n_members && i < LIST_NAMES_MAX && off < sizeof(names); i++)
        off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s", i ? ", " : "",
                                sh->members[i].name.s);
    if (i < sh->n_members && off < sizeof(names))
        snprintf(names + off, sizeof(names) - off, ", ...");
    issue_here(ctx, "unknown member %s; %s has: %s", given, sh->name, names);
}

/* An empty Lua table is an empty LIST; where a structure or map belongs it
 * must reach the wire as {} (the encoder would write []). */
static void empty_list_to_map(struct smk_value *v)
{
    v->kind = SMK_VALUE_MAP;
    v->u.map.items = NULL;
    v->u.map.n = 0;
}

static int check_structure(struct smk_vctx *ctx, const struct smk_shape *sh, struct smk_value *v)
{
    uint64_t given = 0, set = 0; /* bit k: members[k] seen / set (n_members <= 64) */
    size_t i;

    if (v->kind == SMK_VALUE_MAP) {
        for (i = 0; i < v->u.map.n; i++) {
            struct smk_member *m = &v->u.map.items[i];
            const struct smk_shape_member *sm = smk_shape_member_find(sh, m->key, m->key_len);
            uint64_t bit;

            push(ctx, SMK_SEG_MEMBER, m->key, m->key_len);
            if (sm == NULL) {
                unknown_member(ctx, sh, m);
            } else {
                bit = (uint64_t)1 << (sm - sh->members);
                if (given & bit) {
                    issue_here(ctx, "member given more than once; give it once");
                } else {
                    given |= bit;
                    if (m->value.kind != SMK_VALUE_NULL) { /* NULL: unset */
                        set |= bit;
                        check(ctx, sm->shape, &m->value);
                    }
                }
            }
            pop(ctx);
        }
    } else if (v->kind == SMK_VALUE_LIST && v->u.list.n == 0) { /* {}: an empty structure */
        empty_list_to_map(v);
    } else {
        return type_issue(ctx, sh, v);
    }
    if ((set & sh->required_mask) != sh->required_mask) {
        for (i = 0; i < sh->n_members; i++) {
            const struct smk_shape_member *sm = &sh->members[i];
            if (sm->required && !(set & ((uint64_t)1 << i))) {
                push(ctx, SMK_SEG_MEMBER, sm->name.s, sm->name.len);
                issue_here(ctx, "missing required member (expected %s)", expected_name(sm->shape));
                pop(ctx);
            }
        }
    }
    return 1;
}

static int count_bounds(struct smk_vctx *ctx, const struct smk_shape *sh, size_t n,
                        const char *one, const char *many)
{
    if (sh->has_min && (int64_t)n < sh->min) {
        issue_here(ctx, "expected at least %" PRId64 " %s, got %zu", sh->min,
                   sh->min == 1 ? one : many, n);
        return 0;
    }
    if (sh->has_max && sh->max >= 0 && (uint64_t)n > (uint64_t)sh->max) {
        issue_here(ctx, "expected at most %" PRId64 " %s, got %zu", sh->max,
                   sh->max == 1 ? one : many, n);
        return 0;
    }
    return 1;
}

/* A table with keys where a list belongs; often a single item not wrapped. */
COLD static int map_for_list_issue(struct smk_vctx *ctx, const struct smk_shape *sh,
                                   const struct smk_value *v)
{
    char got[400];
    const struct smk_member *first = &v->u.map.items[0];
    int one_item = sh->member->type == SMK_SHAPE_STRUCTURE &&
                   smk_shape_member_find(sh->member, first->key, first->key_len) != NULL;

    describe(got, sizeof(got), v);
    issue_here(ctx, "expected a list (sequence table), got %s%s", got,
               one_item ? "; for a list of one item, wrap it in another table" : "");
    return 0;
}

static int check_list(struct smk_vctx *ctx, const struct smk_shape *sh, struct smk_value *v)
{
    size_t i;
    int ok;

    if (v->kind == SMK_VALUE_MAP && v->u.map.n > 0)
        return map_for_list_issue(ctx, sh, v);
    if (v->kind != SMK_VALUE_LIST)
        return type_issue(ctx, sh, v);
    ok = count_bounds(ctx, sh, v->u.list.n, "item", "items");
    for (i = 0; i < v->u.list.n; i++) {
        push(ctx, SMK_SEG_INDEX, NULL, i);
        check(ctx, sh->member, &v->u.list.items[i]);
        pop(ctx);
    }
    return ok;
}

static int check_map(struct smk_vctx *ctx, const struct smk_shape *sh, struct smk_value *v)
{
    size_t i;
    int ok;

    if (v->kind == SMK_VALUE_LIST && v->u.list.n == 0) {
        empty_list_to_map(v);
        return count_bounds(ctx, sh, 0, "entry", "entries");
    }
    if (v->kind != SMK_VALUE_MAP)
        return type_issue(ctx, sh, v);
    ok = count_bounds(ctx, sh, v->u.map.n, "entry", "entries");
    for (i = 0; i < v->u.map.n; i++) {
        struct smk_member *m = &v->u.map.items[i];
        struct smk_value key;
        const char *saved = ctx->prefix;

        push(ctx, SMK_SEG_KEY, m->key, m->key_len);
        key.kind = SMK_VALUE_STRING;
        key.u.s.ptr = m->key;
        key.u.s.len = m->key_len;
        ctx->prefix = "key: ";
        check_string(ctx, sh->key, &key);
        ctx->prefix = saved;
        check(ctx, sh->value, &m->value);
        pop(ctx);
    }
    return ok;
}

COLD static void enum_issue(struct smk_vctx *ctx, const struct smk_shape *sh, const char *s, size_t len)
{
    char given[200], list[700];
    size_t i, off = 0;
    long k;

    list[0] = '\0';
    for (i = 0; i < sh->n_enum && off < sizeof(list); i++)
        off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "",
                                sh->enum_values[i].s);
    smk_quote(given, sizeof(given), s, len);
    k = smk_suggest(s, len, sh->n_enum, enum_name_at, sh);
    if (k >= 0)
        issue_here(ctx, "expected one of %s, got %s (did you mean \"%s\"?)", list, given,
                   sh->enum_values[k].s);
    else
        issue_here(ctx, "expected one of %s, got %s", list, given);
}

/* Whether s[0..n) is ASCII without NUL (then valid UTF-8 of n code points).
 * Eight bytes at a time: a word fails when a byte has its high bit set or
 * is zero (the classic has-zero-byte test, exact for existence). */
static int plain_ascii(const unsigned char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if ((w | ((w - ones) & ~w)) & highs)
            return 0;
    }
    for (; i < n; i++)
        if (s[i] == 0 || s[i] >= 0x80)
            return 0;
    return 1;
}

/* Code points of s[0..len) into *cps; 0 (and an issue) when it is not valid
 * UTF-8 or contains NUL. */
static int count_code_points(struct smk_vctx *ctx, const unsigned char *s, size_t len,
                             size_t *cps)
{
    size_t i, n;

    *cps = 0;
    for (i = 0; i < len; i += n) {
        uint32_t cp;
        n = utf8_seq(s + i, len - i, &cp);
        if (n == 0) {
            issue_here(ctx, "is not valid UTF-8 (byte 0x%02X at offset %zu)", s[i], i);
            return 0;
        }
        if (cp == 0) {
            issue_here(ctx, "contains a NUL byte (at offset %zu)", i);
            return 0;
        }
        (*cps)++;
    }
    return 1;
}

COLD static int pattern_issue(struct smk_vctx *ctx, const struct smk_shape *sh, const char *s,
                              size_t len, int rc)
{
    char given[200];

    smk_quote(given, sizeof(given), s, len);
    if (rc == 0)
        issue_here(ctx, "must match pattern %s, got %s%s", smk_model_patterns[sh->pattern].source,
                   given, smk_rules_pattern_hint(sh, s, len));
    else
        issue_here(ctx, "could not be checked against pattern %s (match limit), got %s",
                   smk_model_patterns[sh->pattern].source, given);
    return 0;
}

static int check_string(struct smk_vctx *ctx, const struct smk_shape *sh, struct smk_value *v)
{
    const unsigned char *s, *table = NULL;
    size_t len, i, cps;
    int plain, matched = -1; /* -1: the pattern (if any) is still to be matched */

    if (v->kind != SMK_VALUE_STRING)
        return type_issue(ctx, sh, v);
    s = (const unsigned char *)v->u.s.ptr;
    len = v->u.s.len;

    /* A code point takes 1 to 4 bytes: more than 4*max bytes is too long for
     * sure, and is refused before any scan of a huge string. */
    if (sh->has_max && sh->max >= 0 && (uint64_t)sh->max <= UINT64_MAX / 4 &&
        (uint64_t)len > 4 * (uint64_t)sh->max) {
        issue_here(ctx, "expected at most %" PRId64 " characters, got %zu bytes", sh->max, len);
        return 0;
    }
    if (sh->pattern >= 0)
        table = ctx->ascii_tables[sh->pattern];
    if (table != NULL) { /* one pass: plain ASCII? and in the pattern's class? */
        unsigned acc = SMK_ASCII_PLAIN | SMK_ASCII_IN_CLASS, acc2 = acc;
        for (i = 0; i + 4 <= len; i += 4) { /* two chains: the loads overlap */
            acc &= table[s[i]] & table[s[i + 1]];
            acc2 &= table[s[i + 2]] & table[s[i + 3]];
        }
        for (; i < len; i++)
            acc &= table[s[i]];
        acc &= acc2;
        plain = (acc & SMK_ASCII_PLAIN) != 0;
        if (plain)
            matched = (acc & SMK_ASCII_IN_CLASS) &&
                      (smk_model_patterns[sh->pattern].class_repeat == 1 || len > 0);
    } else {
        plain = plain_ascii(s, len);
    }
    if (plain)
        cps = len;
    else if (!count_code_points(ctx, s, len, &cps))
        return 0;
    if (sh->has_min && (int64_t)cps < sh->min) {
        issue_here(ctx, "expected at least %" PRId64 " character%s, got %zu", sh->min,
                   sh->min == 1 ? "" : "s", cps);
        return 0;
    }
    if (sh->has_max && sh->max >= 0 && (uint64_t)cps > (uint64_t)sh->max) {
        issue_here(ctx, "expected at most %" PRId64 " characters, got %zu", sh->max, cps);
        return 0;
    }
    if (sh->n_enum) {
        for (i = 0; i < sh->n_enum; i++)
            if (sh->enum_values[i].len == len && memcmp(sh->enum_values[i].s, s, len) == 0)
                break;
        if (i == sh->n_enum) {
            enum_issue(ctx, sh, (const char *)s, len);
            return 0;
        }
    }
    if (sh->pattern >= 0) {
        int rc = matched >= 0 ? matched : smk_pattern_match(sh->pattern, (const char *)s, len);
        if (rc != 1)
            return pattern_issue(ctx, sh, (const char *)s, len, rc);
    }
    return 1;
}

static int check_blob(struct smk_vctx *ctx, const struct smk_shape *sh, struct smk_value *v)
{
    if (v->kind != SMK_VALUE_STRING)
        return type_issue(ctx, sh, v);
    return count_bounds(ctx, sh, v->u.s.len, "byte", "bytes");
}

static int check_integer(struct smk_vctx *ctx, const struct smk_shape *sh, struct smk_value *v)
{
    /* The type's own range applies where the model states no tighter bound. */
    int64_t lo = sh->type == SMK_SHAPE_INTEGER ? INT32_MIN : INT64_MIN;
    int64_t hi = sh->type == SMK_SHAPE_INTEGER ? INT32_MAX : INT64_MAX;
    const char *lo_note = sh->type == SMK_SHAPE_INTEGER ? " (32-bit integer)" : "";
    const char *hi_note = lo_note;
    int64_t i;

    if (v->kind == SMK_VALUE_FLOAT) {
        double d = v->u.f;
        char num[40];
        /* 2^63 is exact in a double; [-2^63, 2^63) converts without overflow. */
        int in_range = isfinite(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0;
        if (!in_range || (double)(int64_t)d != d) {
            fmt_double(num, sizeof(num), d);
            issue_here(ctx, "expected integer, got number %s%s", num,
                       isfinite(d) && !in_range ? " (out of the 64-bit range)" : "");
            return 0;
        }
        v->kind = SMK_VALUE_INT; /* lossless: JSON decoders give numbers as floats */
        v->u.i = (int64_t)d;
    } else if (v->kind != SMK_VALUE_INT) {
        return type_issue(ctx, sh, v);
    }
    i = v->u.i;
    if (sh->has_min && sh->min >= lo)
        lo = sh->min, lo_note = "";
    if (sh->has_max && sh->max <= hi)
        hi = sh->max, hi_note = "";
    if (i < lo) {
        issue_here(ctx, "expected at least %" PRId64 "%s, got %" PRId64, lo, lo_note, i);
        return 0;
    }
    if (i > hi) {
        issue_here(ctx, "expected at most %" PRId64 "%s, got %" PRId64, hi, hi_note, i);
        return 0;
    }
    return 1;
}

static int check_float(struct smk_vctx *ctx, const struct smk_shape *sh, struct smk_value *v)
{
    char num[40], bound[40];
    double d;
    int low;

    if (v->kind == SMK_VALUE_INT)
        d = (double)v->u.i;
    else if (v->kind == SMK_VALUE_FLOAT)
        d = v->u.f;
    else
        return type_issue(ctx, sh, v);
    if (!isfinite(d) || (sh->type == SMK_SHAPE_FLOAT && (d > FLT_MAX || d < -FLT_MAX))) {
        fmt_double(num, sizeof(num), d);
        if (isfinite(d))
            issue_here(ctx, "expected a number within the 32-bit float range, got %s", num);
        else
            issue_here(ctx, "expected a finite number, got %s", num);
        return 0;
    }
    low = sh->has_min && d < sh->fmin;
    if (low || (sh->has_max && d > sh->fmax)) {
        /* formatted only on failure: valid input costs no printf */
        fmt_double(num, sizeof(num), d);
        fmt_double(bound, sizeof(bound), low ? sh->fmin : sh->fmax);
        issue_here(ctx, "expected at %s %s, got %s", low ? "least" : "most", bound, num);
        return 0;
    }
    return 1;
}

/* ---- ISO 8601 timestamps ------------------------------------------------------ */

static int read_digits(const char *s, size_t n, int *out)
{
    int v = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar, for
 * 1 <= y <= 9999 and a valid month and day. */
static int64_t days_since_epoch(int y, int m, int d)
{
    static const int before_month[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int64_t py = y - 1; /* whole years before y, counted from year 1 */
    int64_t days = 365 * py + py / 4 - py / 100 + py / 400; /* 0001-01-01 .. y-01-01 */

    days += before_month[m - 1] + (m > 2 && is_leap(y)) + (d - 1);
    return days - 719162; /* 0001-01-01 .. 1970-01-01 */
}

/* Parse `YYYY-MM-DD[(T|t| )hh:mm[:ss[(.|,)fraction]](Z|z|+hh[:mm]|-hh[:mm])]`
 * into epoch seconds plus nanoseconds. A date alone means midnight UTC.
 * Returns NULL, or why the text is not such a timestamp. */
static const char *parse_iso8601(const char *s, size_t len, int64_t *secs, long *nanos)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
    long ns = 0, scale = 100000000;
    size_t p;

    if (len < 10 || !read_digits(s, 4, &y) || s[4] != '-' || !read_digits(s + 5, 2, &mo) ||
        s[7] != '-' || !read_digits(s + 8, 2, &d))
        return "expected a date as YYYY-MM-DD";
    if (y < 1)
        return "year out of range";
    if (mo < 1 || mo > 12)
        return "month out of range";
    if (d < 1 || d > mdays[mo - 1] + (mo == 2 && is_leap(y)))
        return "day out of range for the month";
    p = 10;
    if (p < len) {
        if (s[p] != 'T' && s[p] != 't' && s[p] != ' ')
            return "expected T between the date and the time";
        p++;
        if (len - p < 5 || !read_digits(s + p, 2, &h) || s[p + 2] != ':' ||
            !read_digits(s + p + 3, 2, &mi))
            return "expected a time as hh:mm:ss";
        p += 5;
        if (p < len && s[p] == ':') {
            if (len - p < 3 || !read_digits(s + p + 1, 2, &sec))
                return "expected seconds as two digits";
            p += 3;
            if (p < len && (s[p] == '.' || s[p] == ',')) {
                size_t start = ++p;
                for (; p < len && s[p] >= '0' && s[p] <= '9'; p++) {
                    if (scale) {
                        ns += (s[p] - '0') * scale;
                        scale /= 10;
                    }
                }
                if (p == start)
                    return "expected digits after the decimal mark";
            }
        }
        if (h > 23 || mi > 59 || sec > 60) /* 60: a leap second */
            return "time out of range";
        if (p == len)
            return "missing time zone: add Z for UTC or an offset like +01:00";
        if (s[p] == 'Z' || s[p] == 'z') {
            p++;
        } else if (s[p] == '+' || s[p] == '-') {
            sign = s[p] == '-' ? -1 : 1;
            p++;
            if (len - p < 2 || !read_digits(s + p, 2, &oh))
                return "expected a time zone offset as +hh:mm";
            p += 2;
            if (p < len && s[p] == ':')
                p++;
            if (p < len) {
                if (len - p < 2 || !read_digits(s + p, 2, &om))
                    return "expected a time zone offset as +hh:mm";
                p += 2;
            }
            if (oh > 23 || om > 59)
                return "time zone offset out of range";
        } else {
            return "expected a time zone (Z or +hh:mm)";
        }
        if (p != len)
            return "unexpected text after the time zone";
    }
    *secs = days_since_epoch(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
            sign * (oh * 3600 + om * 60);
    *nanos = ns;
    return NULL;
}

static int check_timestamp(struct smk_vctx *ctx, const struct smk_shape *sh, struct smk_value *v)
{
    if (v->kind == SMK_VALUE_INT)
        return 1;
    if (v->kind == SMK_VALUE_FLOAT) {
        if (isfinite(v->u.f))
            return 1;
        return type_issue(ctx, sh, v);
    }
    if (v->kind == SMK_VALUE_STRING) {
        int64_t secs;
        long nanos;
        const char *why = NULL;
        if (memchr(v->u.s.ptr, '\0', v->u.s.len) != NULL)
            why = "contains a NUL byte";
        else
            why = parse_iso8601(v->u.s.ptr, v->u.s.len, &secs, &nanos);
        if (why != NULL) {
            char got[400];
            describe(got, sizeof(got), v);
            issue_here(ctx, "expected %s, got %s (%s)", expected_name(sh), got, why);
            return 0;
        }
        if (nanos == 0) /* normalise in place: the wire wants epoch seconds */
            smk_value_set_int(v, secs);
        else
            smk_value_set_float(v, (double)secs + (double)nanos / 1e9);
        return 1;
    }
    return type_issue(ctx, sh, v);
}

static int check_node(struct smk_vctx *ctx, const struct smk_shape *sh, struct smk_value *v)
{
    if (v->kind == SMK_VALUE_INVALID || v->kind == SMK_VALUE_NULL)
        return type_issue(ctx, sh, v);
    switch (sh->type) {
    case SMK_SHAPE_STRUCTURE: return check_structure(ctx, sh, v);
    case SMK_SHAPE_LIST: return check_list(ctx, sh, v);
    case SMK_SHAPE_MAP: return check_map(ctx, sh, v);
    case SMK_SHAPE_STRING: return check_string(ctx, sh, v);
    case SMK_SHAPE_INTEGER:
    case SMK_SHAPE_LONG: return check_integer(ctx, sh, v);
    case SMK_SHAPE_FLOAT:
    case SMK_SHAPE_DOUBLE: return check_float(ctx, sh, v);
    case SMK_SHAPE_BOOLEAN:
        return v->kind == SMK_VALUE_BOOL ? 1 : type_issue(ctx, sh, v);
    case SMK_SHAPE_TIMESTAMP: return check_timestamp(ctx, sh, v);
    case SMK_SHAPE_BLOB: return check_blob(ctx, sh, v);
    }
    return 1;
}

/* Check `v` and everything under it; 1 when `v` itself is right. Values
 * found wrong in themselves are remembered for the rules. */
static int check(struct smk_vctx *ctx, const struct smk_shape *sh, struct smk_value *v)
{
    /* strings are most of the leaves: skip the dispatch for them */
    int ok = sh->type == SMK_SHAPE_STRING ? check_string(ctx, sh, v) : check_node(ctx, sh, v);

    if (!ok) {
        if (ctx->n_failed < SMK_VCTX_FAILED_MAX)
            ctx->failed[ctx->n_failed] = v;
        ctx->n_failed++;
    }
    return ok;
}

/* ---- sorting and the entry point ------------------------------------------------ */

/* Path order with numbers compared by value, so [2] sorts before [10]. */
static int path_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
            const char *ea = a, *eb = b;
            size_t la, lb;
            while (*a == '0' && a[1] >= '0' && a[1] <= '9')
                a++;
            while (*b == '0' && b[1] >= '0' && b[1] <= '9')
                b++;
            for (ea = a; *ea >= '0' && *ea <= '9'; ea++)
                ;
            for (eb = b; *eb >= '0' && *eb <= '9'; eb++)
                ;
            la = (size_t)(ea - a), lb = (size_t)(eb - b);
            if (la != lb)
                return la < lb ? -1 : 1;
            for (; a < ea; a++, b++)
                if (*a != *b)
                    return *a < *b ? -1 : 1;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++, b++;
    }
    return *a ? 1 : *b ? -1 : 0;
}

static void sort_issues(struct smk_issues *is)
{
    size_t i, j;

    for (i = 1; i < is->n; i++) { /* stable insertion sort; n <= SMK_MAX_ISSUES */
        struct smk_issue t = is->items[i];
        for (j = i; j > 0 && path_cmp(is->items[j - 1].path, t.path) > 0; j--)
            is->items[j] = is->items[j - 1];
        is->items[j] = t;
    }
}

enum smk_err smk_validate(const struct smk_operation *op, struct smk_value *input,
                          struct smk_arena *arena, struct smk_issues *issues,
                          struct smk_error *err)
{
    struct smk_vctx ctx;
    size_t more;

    if (op == NULL || op->input == NULL || input == NULL || arena == NULL || issues == NULL)
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL, "smk_validate: NULL argument");
    if (smk_patterns_init() != 0)
        return smk_error_set(err, SMK_E_INTERNAL, NULL,
                             "a model pattern failed to compile (PCRE2 without Unicode support?)");
    ctx.arena = arena;
    ctx.issues = issues;
    ctx.fatal = SMK_OK;
    ctx.prefix = NULL;
    ctx.depth = 0;
    ctx.n_failed = 0;
    ctx.ascii_tables = smk_pattern_ascii_tables();

    check(&ctx, op->input, input);
    if (ctx.fatal == SMK_OK && ctx.n_failed <= SMK_VCTX_FAILED_MAX)
        smk_rules_apply(&ctx, op, input);
    sort_issues(issues); /* also the ones kept before running out of memory */
    if (ctx.fatal != SMK_OK)
        return smk_error_set(err, ctx.fatal, NULL, "out of memory while reporting violations");
    if (issues->n == 0 && issues->dropped == 0)
        return SMK_OK;
    more = issues->n + issues->dropped - 1;
    if (issues->n == 0) /* every issue dropped: only a caller-made list can do this */
        return smk_error_set(err, SMK_E_VALIDATION, "ValidationError",
                             "%zu validation errors", issues->dropped);
    if (more)
        return smk_error_set(err, SMK_E_VALIDATION, "ValidationError", "%s%s%s (and %zu more)",
                             issues->items[0].path, issues->items[0].path[0] ? ": " : "",
                             issues->items[0].message, more);
    return smk_error_set(err, SMK_E_VALIDATION, "ValidationError", "%s%s%s",
                         issues->items[0].path, issues->items[0].path[0] ? ": " : "",
                         issues->items[0].message);
}
