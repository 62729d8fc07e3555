/*
 * Lua values <-> core value trees.
 *
 * Tables are read with raw access (lua_next/lua_rawgeti): metamethods such as
 * __index and __pairs are NOT consulted, so proxies and lazily-filled tables
 * must be materialised first. This keeps conversion free of user code that
 * could yield, raise or loop. lua-cjson's `cjson.null` (a NULL light
 * userdata) means "unset", like a missing key.
 *
 * Strings are BORROWED, not copied: string values and map keys in the tree
 * point into the Lua strings themselves (Lua keeps a '\0' after every
 * string's last byte, as smk_value_set_string_ref requires). They stay
 * valid while the converted table stays reachable and unmodified, which
 * the binding guarantees by keeping it on the Lua stack (a C function's
 * argument) for the whole C call that validates and encodes the tree, with
 * no Lua code running in between. The arena holds only the nodes. Where
 * Lua code may run while the tree is still in use (client:call's hooks),
 * lsmk_to_value_copy copies strings and keys into the arena instead.
 *
 * Each table is walked once with lua_next: integer keys 1..#t fill a list,
 * string keys a map. A table that is neither (mixed keys, holes, other key
 * types) is walked again only to describe it (scan_table), on the error
 * path.
 */
#include <stdio.h>
#include <string.h>

#include "lsmk.h"

/* Classification of a Lua table as list or map. */
struct table_shape {
    size_t n_keys;
    size_t n_int_keys;  /* positive integer keys */
    size_t max_int_key;
    size_t n_str_keys;
};

static void scan_table(lua_State *L, int idx, struct table_shape *s)
{
    memset(s, 0, sizeof(*s));
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        s->n_keys++;
        if (lua_type(L, -2) == LUA_TSTRING) {
            s->n_str_keys++;
        } else if (lua_type(L, -2) == LUA_TNUMBER) {
            lua_Number k = lua_tonumber(L, -2);
            if (k >= 1 && k <= 1e15 && k == (lua_Number)(size_t)k) {
                s->n_int_keys++;
                if ((size_t)k > s->max_int_key)
                    s->max_int_key = (size_t)k;
            }
        }
        lua_pop(L, 1);
    }
}

/* The tables on the path being converted, outermost first: meeting one of
 * them again is a cycle (reported as such, instead of unrolling it up to
 * LSMK_MAX_DEPTH, which doubles the work per level when a table holds
 * itself twice). */
struct ancestry {
    const void *tables[LSMK_MAX_DEPTH];
    int copy; /* copy strings into the arena instead of borrowing them */
};

static enum smk_err to_value(lua_State *L, int idx, struct smk_arena *a, struct smk_value *out,
                             int depth, struct ancestry *anc);

/* Whether the key at `k` is an integer in 1..n; its 0-based index in *i. */
static int list_slot(lua_State *L, int k, size_t n, size_t *i)
{
    lua_Number d;

#if LUA_VERSION_NUM >= 503
    if (lua_isinteger(L, k)) {
        lua_Integer v = lua_tointeger(L, k);
        if (v < 1 || (lua_Unsigned)v > n)
            return 0;
        *i = (size_t)v - 1;
        return 1;
    }
#endif
    if (lua_type(L, k) != LUA_TNUMBER)
        return 0;
    d = lua_tonumber(L, k);
    if (!(d >= 1 && d <= (lua_Number)n && d == (lua_Number)(size_t)d))
        return 0;
    *i = (size_t)d - 1;
    return 1;
}

/* One lua_next pass over the table at `idx` (a border n = #t > 0 makes it a
 * list candidate, else a map candidate), converting values as they come.
 * Sets *bad (and returns SMK_OK) when the table turns out to be neither a
 * sequence 1..n nor a table of string keys; `out` is then left for the
 * caller to describe. Map members go into an arena array that doubles as
 * needed (the arena is reset per call: the outgrown arrays cost nothing
 * later). */
static enum smk_err table_to_value(lua_State *L, int idx, struct smk_arena *a,
                                   struct smk_value *out, int depth, struct ancestry *anc,
                                   int *bad)
{
    size_t n = lsmk_rawlen(L, idx), seen = 0, cap = 0, i, len;
    struct smk_value *items = NULL;
    struct smk_member *members = NULL;
    int top = lua_gettop(L);
    enum smk_err rc = SMK_OK;

    *bad = 0;
    if (n > 0) {
        if (n > ((size_t)-1) / sizeof(*items))
            return SMK_E_NOMEM;
        items = smk_arena_alloc(a, n * sizeof(*items));
        if (items == NULL)
            return SMK_E_NOMEM;
    }
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        if (n > 0) {
            if (!list_slot(L, top + 1, n, &i)) {
                *bad = 1;
                break;
            }
            rc = to_value(L, top + 2, a, &items[i], depth + 1, anc);
        } else {
            if (lua_type(L, top + 1) != LUA_TSTRING) {
                *bad = 1;
                break;
            }
            if (seen == cap) {
                size_t ncap = cap ? 2 * cap : 4;
                struct smk_member *m;
                if (ncap > ((size_t)-1) / sizeof(*m) ||
                    (m = smk_arena_alloc(a, ncap * sizeof(*m))) == NULL) {
                    rc = SMK_E_NOMEM;
                    break;
                }
                if (seen)
                    memcpy(m, members, seen * sizeof(*m));
                members = m;
                cap = ncap;
            }
            members[seen].key = lua_tolstring(L, top + 1, &len);
            members[seen].key_len = len;
            if (anc->copy &&
                (members[seen].key = smk_arena_strndup(a, members[seen].key, len)) == NULL) {
                rc = SMK_E_NOMEM;
                break;
            }
            rc = to_value(L, top + 2, a, &members[seen].value, depth + 1, anc);
        }
        seen++;
        lua_settop(L, top + 1); /* keep the key for lua_next */
        if (rc != SMK_OK)
            break;
    }
    lua_settop(L, top);
    if (*bad || rc != SMK_OK)
        return rc;
    if (n > 0) {
        if (seen != n) { /* a nil below the border: a hole */
            *bad = 1;
            return SMK_OK;
        }
        out->kind = SMK_VALUE_LIST;
        out->u.list.items = items;
        out->u.list.n = n;
    } else if (seen > 0) {
        out->kind = SMK_VALUE_MAP;
        out->u.map.items = members;
        out->u.map.n = seen;
    } else {
        return smk_value_set_list(a, out, 0);
    }
    return SMK_OK;
}

static enum smk_err describe_bad_table(struct smk_arena *a, struct smk_value *out,
                                       const struct table_shape *s)
{
    char what[160];

    if (s->n_str_keys && s->n_int_keys)
        snprintf(what, sizeof(what), "table mixing list items and named keys");
    else if (s->n_str_keys + s->n_int_keys < s->n_keys)
        snprintf(what, sizeof(what), "table with non-string keys");
    else
        snprintf(what, sizeof(what), "table with holes (%zu items, highest index %zu)",
                 s->n_int_keys, s->max_int_key);
    return smk_value_set_invalid(a, out, what);
}

/* A table: depth and cycle checks, then the one-pass conversion. Kept out
 * of line so that converting a scalar (most values) stays a small call. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static enum smk_err table_value(lua_State *L, int idx, struct smk_arena *a, struct smk_value *out,
                                int depth, struct ancestry *anc)
{
    struct table_shape s;
    enum smk_err rc;
    int k, bad;

    if (depth >= LSMK_MAX_DEPTH)
        return smk_value_set_invalid(a, out, "table nested too deeply");
    if (!lua_checkstack(L, 4))
        return smk_value_set_invalid(a, out, "table nested too deeply (Lua stack)");
    anc->tables[depth] = lua_topointer(L, idx);
    for (k = 0; k < depth; k++)
        if (anc->tables[k] == anc->tables[depth])
            return smk_value_set_invalid(a, out, "cyclic table (it contains itself)");
    rc = table_to_value(L, idx, a, out, depth, anc, &bad);
    if (rc == SMK_OK && !bad)
        return SMK_OK;
    /* Not a plain list or map, or out of memory on the way: classify the
     * table as before so that a bad table is always described, whatever
     * the arena's state. */
    scan_table(L, idx, &s);
    if (rc != SMK_OK && (s.n_keys == 0 || s.n_str_keys == s.n_keys ||
                         (s.n_int_keys == s.n_keys && s.max_int_key == s.n_keys)))
        return rc;
    return describe_bad_table(a, out, &s);
}

static enum smk_err to_value(lua_State *L, int idx, struct smk_arena *a, struct smk_value *out,
                             int depth, struct ancestry *anc)
{
    size_t len;
    const char *p;

    switch (lua_type(L, idx)) {
    case LUA_TSTRING:
        p = lua_tolstring(L, idx, &len);
        if (anc->copy)
            return smk_value_set_string(a, out, p, len);
        smk_value_set_string_ref(out, p, len); /* borrowed: see the top of this file */
        return SMK_OK;
    case LUA_TTABLE:
        return table_value(L, idx, a, out, depth, anc);
    case LUA_TNIL:
        smk_value_set_null(out);
        return SMK_OK;
    case LUA_TBOOLEAN:
        smk_value_set_bool(out, lua_toboolean(L, idx));
        return SMK_OK;
    case LUA_TNUMBER:
        if (lsmk_isinteger(L, idx))
            smk_value_set_int(out, (int64_t)lua_tointeger(L, idx));
        else
            smk_value_set_float(out, (double)lua_tonumber(L, idx));
        return SMK_OK;
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == NULL) { /* cjson.null */
            smk_value_set_null(out);
            return SMK_OK;
        }
        return smk_value_set_invalid(a, out, "light userdata");
    default:
        return smk_value_set_invalid(a, out, lua_typename(L, lua_type(L, idx)));
    }
}

static enum smk_err convert(lua_State *L, int idx, struct smk_arena *arena, struct smk_value *out,
                            int copy)
{
    int top = lua_gettop(L);
    struct ancestry anc;
    enum smk_err rc;

    if (idx < 0)
        idx = top + idx + 1;
    anc.copy = copy;
    rc = to_value(L, idx, arena, out, 0, &anc);
    lua_settop(L, top);
    return rc;
}

enum smk_err lsmk_to_value(lua_State *L, int idx, struct smk_arena *arena, struct smk_value *out)
{
    return convert(L, idx, arena, out, 0);
}

enum smk_err lsmk_to_value_copy(lua_State *L, int idx, struct smk_arena *arena,
                                struct smk_value *out)
{
    return convert(L, idx, arena, out, 1);
}

void lsmk_push_value(lua_State *L, const struct smk_value *v)
{
    size_t i;

    luaL_checkstack(L, 3, "response nested too deeply");
    switch (v->kind) {
    case SMK_VALUE_BOOL:
        lua_pushboolean(L, v->u.b);
        break;
    case SMK_VALUE_INT:
        lua_pushinteger(L, (lua_Integer)v->u.i);
        break;
    case SMK_VALUE_FLOAT:
        lua_pushnumber(L, (lua_Number)v->u.f);
        break;
    case SMK_VALUE_STRING:
        lua_pushlstring(L, v->u.s.ptr, v->u.s.len);
        break;
    case SMK_VALUE_LIST:
        lua_createtable(L, (int)v->u.list.n, 0);
        for (i = 0; i < v->u.list.n; i++) {
            lsmk_push_value(L, &v->u.list.items[i]);
            lua_rawseti(L, -2, (int)(i + 1));
        }
        break;
    case SMK_VALUE_MAP:
        lua_createtable(L, 0, (int)v->u.map.n);
        for (i = 0; i < v->u.map.n; i++) {
            const struct smk_member *m = &v->u.map.items[i];
            if (m->value.kind == SMK_VALUE_NULL)
                continue;
            lua_pushlstring(L, m->key, m->key_len);
            lsmk_push_value(L, &m->value);
            lua_rawset(L, -3);
        }
        break;
    default:
        lua_pushnil(L);
        break;
    }
}
