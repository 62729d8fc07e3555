/*
 * luawalk: the Lua C API's floor for reading a request table. Bench-only;
 * not part of the library.
 *
 *   local walk = require("luawalk")
 *   local entries, sum = walk(params)
 *
 * Visits every entry of the nested table the way any C consumer of a Lua
 * table must at the least: lua_next over each table, the type of every key
 * and value, and for strings their pointer and length with the first byte
 * read (what a converter needs before it can look at a member name or a
 * value). It builds nothing, checks nothing and encodes nothing, so its
 * time is a lower bound for client:build_request's conversion step on the
 * same table: no binding that reads the table through the public API can
 * be faster. Returns the number of entries and a checksum of the bytes read
 * (so the compiler cannot drop the reads).
 */
#include <stddef.h>

#include <lauxlib.h>
#include <lua.h>

int luaopen_luawalk(lua_State *L);

struct tally {
    size_t entries;
    size_t sum;
};

static void read_string(lua_State *L, int idx, struct tally *t)
{
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);

    t->sum += len + (len ? (unsigned char)s[0] : 0u);
}

/* The table at absolute index `idx`; depth-first. */
static void walk_table(lua_State *L, int idx, struct tally *t)
{
    int top = lua_gettop(L);

    luaL_checkstack(L, 3, "table nested too deeply");
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
        t->entries++;
        if (lua_type(L, top + 1) == LUA_TSTRING)
            read_string(L, top + 1, t);
        switch (lua_type(L, top + 2)) {
        case LUA_TSTRING:
            read_string(L, top + 2, t);
            break;
        case LUA_TTABLE:
            walk_table(L, top + 2, t);
            break;
        default:
            break;
        }
        lua_settop(L, top + 1); /* keep the key for lua_next */
    }
}

static int walk(lua_State *L)
{
    struct tally t = { 0, 0 };

    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    walk_table(L, 1, &t);
    lua_pushinteger(L, (lua_Integer)t.entries);
    lua_pushinteger(L, (lua_Integer)t.sum);
    return 2;
}

int luaopen_luawalk(lua_State *L)
{
    lua_pushcfunction(L, walk);
    return 1;
}
