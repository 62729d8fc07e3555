/*
 * Lua functions as the core client's hooks: logger(line), random() -> [0,1),
 * sleep(seconds), clock() -> epoch seconds. Each is called in the Lua
 * thread of the method that is running (lsmk_hooks.L, set before every core
 * call) with lua_pcall: an error raised by a hook is swallowed (the logger's
 * line is dropped; random falls back to 0, clock to the system clock; sleep
 * does not sleep), so no Lua error ever unwinds through the core's frames.
 */
#include "core/system_hooks.h"
#include "lsmk.h"

static int take_ref(lua_State *L, int cfg, const char *key)
{
    lua_getfield(L, cfg, key);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return LUA_NOREF;
    }
    if (lua_type(L, -1) != LUA_TFUNCTION)
        luaL_error(L, "sagemaker.client: field '%s' must be a function, got %s", key,
                   luaL_typename(L, -1));
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* Call the function of `ref` with `nargs` arguments already pushed; leaves
 * one result (or nil on error) on the stack. */
static void call_ref(lua_State *L, int ref, int nargs)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_insert(L, -(nargs + 1));
    if (lua_pcall(L, nargs, 1, 0) != 0) {
        lua_pop(L, 1);
        lua_pushnil(L);
    }
}

static void hook_log(void *ud, const char *line)
{
    struct lsmk_hooks *h = ud;

    if (h->L == NULL || !lua_checkstack(h->L, 3))
        return;
    lua_pushstring(h->L, line);
    call_ref(h->L, h->logger, 1);
    lua_pop(h->L, 1);
}

static double hook_random(void *ud)
{
    struct lsmk_hooks *h = ud;
    double r = 0;

    if (h->L == NULL || !lua_checkstack(h->L, 3))
        return 0;
    call_ref(h->L, h->random, 0);
    if (lua_type(h->L, -1) == LUA_TNUMBER)
        r = (double)lua_tonumber(h->L, -1);
    lua_pop(h->L, 1);
    return r >= 0 && r < 1 ? r : 0;
}

static void hook_sleep(void *ud, double seconds)
{
    struct lsmk_hooks *h = ud;

    if (h->L == NULL || !lua_checkstack(h->L, 3))
        return;
    lua_pushnumber(h->L, (lua_Number)seconds);
    call_ref(h->L, h->sleep, 1);
    lua_pop(h->L, 1);
}

static double hook_clock(void *ud)
{
    struct lsmk_hooks *h = ud;
    double t = -1;

    if (h->L != NULL && lua_checkstack(h->L, 3)) {
        call_ref(h->L, h->clock, 0);
        if (lua_type(h->L, -1) == LUA_TNUMBER)
            t = (double)lua_tonumber(h->L, -1);
        lua_pop(h->L, 1);
    }
    return t < 0 ? smk__system_clock(NULL) : t;
}

void lsmk_hooks_read(lua_State *L, int cfg, struct lsmk_hooks *h, struct smk_client_config *c)
{
    h->L = L;
    h->logger = take_ref(L, cfg, "logger");
    h->random = take_ref(L, cfg, "random");
    h->sleep = take_ref(L, cfg, "sleep");
    h->clock = take_ref(L, cfg, "clock");
    c->hooks_ud = h;
    c->log_ud = h;
    if (h->logger != LUA_NOREF)
        c->log = hook_log;
    if (h->random != LUA_NOREF)
        c->random = hook_random;
    if (h->sleep != LUA_NOREF)
        c->sleep = hook_sleep;
    if (h->clock != LUA_NOREF)
        c->clock = hook_clock;
}

void lsmk_hooks_release(lua_State *L, struct lsmk_hooks *h)
{
    luaL_unref(L, LUA_REGISTRYINDEX, h->logger);
    luaL_unref(L, LUA_REGISTRYINDEX, h->random);
    luaL_unref(L, LUA_REGISTRYINDEX, h->sleep);
    luaL_unref(L, LUA_REGISTRYINDEX, h->clock);
    h->logger = h->random = h->sleep = h->clock = LUA_NOREF;
    h->L = NULL;
}
