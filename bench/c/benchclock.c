/*
 * benchclock: a monotonic clock for the Lua benchmarks (Lua itself has only
 * os.clock, which is CPU time). Bench-only; not part of the library.
 *
 *   local clock = require("benchclock")
 *   local t = clock.now()   -- seconds (float) since an arbitrary start
 */
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

int luaopen_benchclock(lua_State *L);

static int bench_now(lua_State *L)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec * 1e-9);
    return 1;
}

int luaopen_benchclock(lua_State *L)
{
    lua_newtable(L);
    lua_pushcfunction(L, bench_now);
    lua_setfield(L, -2, "now");
    return 1;
}
