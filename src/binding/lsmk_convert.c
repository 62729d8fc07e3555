/*
 * Lua values <-> core value trees.
 *
 * Tables are read with raw access (lua_next/lua_rawgeti): metamethods such as
 * __index and __pairs are NOT consulted, so proxies and lazily-filled tables
 * must be materialised first. This keeps conversion free of user code that
 * could yield, raise or loop. lua-cjson's `cjson.null` (a NULL light
 * userdata) means "unset", like a missing key.
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

static enum smk_err to_value(lua_State *L, int idx, struct smk_arena *a, struct smk_value *out,
                             int depth);

static enum smk_err table_to_list(lua_State *L, int idx, struct smk_arena *a,
                                  struct smk_value *out, size_t n, int depth)
{
    enum smk_err rc = smk_value_set_list(a, out, n);
    size_t i;

    for (i = 0; rc == SMK_OK && i < n; i++) {
        lua_rawgeti(L, idx, (int)(i + 1));
        rc = to_value(L, lua_gettop(L), a, &out->u.list.items[i], depth + 1);
        lua_pop(L, 1);
    }
    return rc;
}

static enum smk_err table_to_map(lua_State *L, int idx, struct smk_arena *a,
                                 struct smk_value *out, size_t n, int depth)
{
    enum smk_err rc = smk_value_set_map(a, out, n);
    size_t i = 0, len;
    const char *key;

    lua_pushnil(L);
    while (rc == SMK_OK && lua_next(L, idx) != 0) {
        /* only string keys here (checked by scan_table); no lua_tolstring on
         * a number key, which would confuse lua_next */
        if (i < n) {
            key = lua_tolstring(L, -2, &len);
            rc = smk_value_map_set_key(a, out, i, key, len);
            if (rc == SMK_OK)
                rc = to_value(L, lua_gettop(L), a, &out->u.map.items[i].value, depth + 1);
            i++;
        }
        lua_pop(L, 1);
    }
    return rc; /* an early exit leaves a key on the stack: lsmk_to_value resets it */
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

static enum smk_err to_value(lua_State *L, int idx, struct smk_arena *a, struct smk_value *out,
                             int depth)
{
    struct table_shape s;
    size_t len;
    const char *p;

    switch (lua_type(L, idx)) {
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
    case LUA_TSTRING:
        p = lua_tolstring(L, idx, &len);
        return smk_value_set_string(a, out, p, len);
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == NULL) { /* cjson.null */
            smk_value_set_null(out);
            return SMK_OK;
        }
        return smk_value_set_invalid(a, out, "light userdata");
    case LUA_TTABLE:
        if (depth >= LSMK_MAX_DEPTH)
            return smk_value_set_invalid(a, out, "table nested too deeply (or cyclic)");
        if (!lua_checkstack(L, 4))
            return smk_value_set_invalid(a, out, "table nested too deeply (Lua stack)");
        scan_table(L, idx, &s);
        if (s.n_keys == 0)
            return smk_value_set_list(a, out, 0);
        if (s.n_str_keys == s.n_keys)
            return table_to_map(L, idx, a, out, s.n_keys, depth);
        if (s.n_int_keys == s.n_keys && s.max_int_key == s.n_keys)
            return table_to_list(L, idx, a, out, s.n_keys, depth);
        return describe_bad_table(a, out, &s);
    default:
        return smk_value_set_invalid(a, out, lua_typename(L, lua_type(L, idx)));
    }
}

enum smk_err lsmk_to_value(lua_State *L, int idx, struct smk_arena *arena, struct smk_value *out)
{
    int top = lua_gettop(L);
    enum smk_err rc;

    if (idx < 0)
        idx = top + idx + 1;
    rc = to_value(L, idx, arena, out, 0);
    lua_settop(L, top);
    return rc;
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
