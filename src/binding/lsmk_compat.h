/*
 * One source for Lua 5.1/LuaJIT through 5.4: our own prefixed shims, never
 * definitions of lua_* / luaL_* names.
 */
#ifndef LSMK_COMPAT_H
#define LSMK_COMPAT_H

#include <lauxlib.h>
#include <lua.h>

#if !defined(LUA_VERSION_NUM) || LUA_VERSION_NUM < 501 || LUA_VERSION_NUM > 504
#error "lua-sagemaker supports Lua 5.1 to 5.4 and LuaJIT"
#endif

#if LUA_VERSION_NUM == 501
/* Register `l` into the table on top of the stack (no upvalues needed). */
static inline void lsmk_setfuncs(lua_State *L, const luaL_Reg *l)
{
    for (; l->name; l++) {
        lua_pushcfunction(L, l->func);
        lua_setfield(L, -2, l->name);
    }
}
#define lsmk_rawlen(L, i) lua_objlen((L), (i))
#else
#define lsmk_setfuncs(L, l) luaL_setfuncs((L), (l), 0)
#define lsmk_rawlen(L, i) lua_rawlen((L), (i))
#endif

/* 1 when the number at `i` is an integer subtype (5.3+); 0 before 5.3,
 * where every number is a float and the model check decides. */
#if LUA_VERSION_NUM >= 503
#define lsmk_isinteger(L, i) lua_isinteger((L), (i))
#else
#define lsmk_isinteger(L, i) 0
#endif

/* Userdata check that returns NULL instead of raising. */
static inline void *lsmk_testudata(lua_State *L, int i, const char *tname)
{
    void *p = lua_touserdata(L, i);
    if (p == NULL || !lua_getmetatable(L, i))
        return NULL;
    luaL_getmetatable(L, tname);
    if (!lua_rawequal(L, -1, -2))
        p = NULL;
    lua_pop(L, 2);
    return p;
}

#endif
