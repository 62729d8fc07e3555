/* Value tree constructors and accessors: see smk/value.h. */
#include <string.h>

#include "smk/value.h"

void smk_value_set_null(struct smk_value *v)
{
    memset(v, 0, sizeof(*v));
    v->kind = SMK_VALUE_NULL;
}

void smk_value_set_bool(struct smk_value *v, int b)
{
    v->kind = SMK_VALUE_BOOL;
    v->u.b = b != 0;
}

void smk_value_set_int(struct smk_value *v, int64_t i)
{
    v->kind = SMK_VALUE_INT;
    v->u.i = i;
}

void smk_value_set_float(struct smk_value *v, double f)
{
    v->kind = SMK_VALUE_FLOAT;
    v->u.f = f;
}

static enum smk_err set_text(struct smk_arena *a, struct smk_value *v, enum smk_value_kind kind,
                             const char *p, size_t n)
{
    char *s = smk_arena_strndup(a, p, n);

    if (s == NULL)
        return SMK_E_NOMEM;
    v->kind = kind;
    v->u.s.ptr = s;
    v->u.s.len = n;
    return SMK_OK;
}

enum smk_err smk_value_set_string(struct smk_arena *a, struct smk_value *v, const char *p,
                                  size_t n)
{
    return set_text(a, v, SMK_VALUE_STRING, p, n);
}

void smk_value_set_string_ref(struct smk_value *v, const char *p, size_t n)
{
    v->kind = SMK_VALUE_STRING;
    v->u.s.ptr = p;
    v->u.s.len = n;
}

enum smk_err smk_value_set_invalid(struct smk_arena *a, struct smk_value *v, const char *what)
{
    return set_text(a, v, SMK_VALUE_INVALID, what, strlen(what));
}

enum smk_err smk_value_set_list(struct smk_arena *a, struct smk_value *v, size_t n)
{
    struct smk_value *items = NULL;

    if (n) {
        if (n > ((size_t)-1) / sizeof(*items))
            return SMK_E_NOMEM;
        items = smk_arena_alloc(a, n * sizeof(*items));
        if (items == NULL)
            return SMK_E_NOMEM;
        memset(items, 0, n * sizeof(*items));
    }
    v->kind = SMK_VALUE_LIST;
    v->u.list.items = items;
    v->u.list.n = n;
    return SMK_OK;
}

enum smk_err smk_value_set_map(struct smk_arena *a, struct smk_value *v, size_t n)
{
    struct smk_member *items = NULL;

    if (n) {
        if (n > ((size_t)-1) / sizeof(*items))
            return SMK_E_NOMEM;
        items = smk_arena_alloc(a, n * sizeof(*items));
        if (items == NULL)
            return SMK_E_NOMEM;
        memset(items, 0, n * sizeof(*items));
    }
    v->kind = SMK_VALUE_MAP;
    v->u.map.items = items;
    v->u.map.n = n;
    return SMK_OK;
}

enum smk_err smk_value_map_set_key(struct smk_arena *a, struct smk_value *map, size_t i,
                                   const char *key, size_t key_len)
{
    char *k;

    if (map->kind != SMK_VALUE_MAP || i >= map->u.map.n)
        return SMK_E_INVALID_ARG;
    k = smk_arena_strndup(a, key, key_len);
    if (k == NULL)
        return SMK_E_NOMEM;
    map->u.map.items[i].key = k;
    map->u.map.items[i].key_len = key_len;
    return SMK_OK;
}

const struct smk_value *smk_value_get(const struct smk_value *map, const char *key)
{
    size_t i, n = strlen(key);

    if (map == NULL || map->kind != SMK_VALUE_MAP)
        return NULL;
    for (i = 0; i < map->u.map.n; i++) {
        const struct smk_member *m = &map->u.map.items[i];
        if (m->key_len == n && memcmp(m->key, key, n) == 0)
            return &m->value;
    }
    return NULL;
}

const char *smk_value_kind_name(const struct smk_value *v)
{
    switch (v->kind) {
    case SMK_VALUE_NULL: return "null";
    case SMK_VALUE_BOOL: return "boolean";
    case SMK_VALUE_INT: return "integer";
    case SMK_VALUE_FLOAT: return "number";
    case SMK_VALUE_STRING: return "string";
    case SMK_VALUE_LIST: return v->u.list.n ? "list" : "empty table";
    case SMK_VALUE_MAP: return "table";
    case SMK_VALUE_INVALID: return v->u.s.ptr;
    }
    return "unknown";
}
