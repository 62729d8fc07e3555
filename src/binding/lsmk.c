/*
 * luaopen_sagemaker_core: the C half of the Lua module. The public API is
 * lua/sagemaker/init.lua, which wraps this table and never writes into it.
 *
 *   core.client_new(config)            -> client userdata (see lsmk_client.c)
 *   core.validate(operation, params)   -> true | false, error object
 *   core.operations()                  -> { {name=, snake_name=, target=}, ... }
 *   core.resolve_endpoint(region, fips, dualstack, endpoint) -> url | nil, error object
 *   core.set_error_metatable(mt)       -- installs the error objects' metatable
 *   core._VERSION
 */
#include <string.h>

#include "lsmk.h"
#include "smk/endpoint.h"

/* Arena for module-level functions, owned by a userdata upvalue (freed by
 * __gc), so raising never leaks it. */
struct lsmk_scratch {
    struct smk_arena arena;
};

static int scratch_gc(lua_State *L)
{
    struct lsmk_scratch *s = luaL_checkudata(L, 1, LSMK_SCRATCH_MT);

    smk_arena_cleanup(&s->arena);
    return 0;
}

static int core_validate(lua_State *L)
{
    struct lsmk_scratch *s = lua_touserdata(L, lua_upvalueindex(1));
    const struct smk_operation *op = lsmk_check_operation(L, 1);
    struct smk_value input;
    struct smk_issues issues;
    struct smk_error err;
    enum smk_err rc;

    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    smk_arena_reset(&s->arena);
    if (lua_isnoneornil(L, 2))
        rc = smk_value_set_map(&s->arena, &input, 0);
    else
        rc = lsmk_to_value(L, 2, &s->arena, &input);
    if (rc != SMK_OK)
        return luaL_error(L, "sagemaker.validate: request too large to convert");
    smk_issues_init(&issues);
    smk_error_clear(&err);
    rc = smk_validate(op, &input, &s->arena, &issues, &err);
    if (rc == SMK_OK) {
        lua_pushboolean(L, 1);
        return 1;
    }
    lua_pushboolean(L, 0);
    lsmk_push_error(L, &err, &issues);
    return 2;
}

static int core_operations(lua_State *L)
{
    size_t i, n = smk_operation_count();

    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        const struct smk_operation *op = smk_operation_at(i);
        lua_createtable(L, 0, 3);
        lua_pushstring(L, op->name);
        lua_setfield(L, -2, "name");
        lua_pushstring(L, op->snake_name);
        lua_setfield(L, -2, "snake_name");
        lua_pushstring(L, op->target);
        lua_setfield(L, -2, "target");
        lua_rawseti(L, -2, (int)(i + 1));
    }
    return 1;
}

static int core_resolve_endpoint(lua_State *L)
{
    const char *region = luaL_optstring(L, 1, NULL);
    int fips = lua_toboolean(L, 2), dualstack = lua_toboolean(L, 3);
    const char *endpoint = luaL_optstring(L, 4, NULL);
    struct smk_error err;
    struct smk_buf url;

    smk_buf_init(&url, 4096);
    smk_error_clear(&err);
    if (smk_endpoint_resolve(region, fips, dualstack, endpoint, &url, &err) != SMK_OK) {
        smk_buf_cleanup(&url);
        lua_pushnil(L);
        lsmk_push_error(L, &err, NULL);
        return 2;
    }
    lua_pushlstring(L, smk_buf_cstr(&url), url.len);
    smk_buf_cleanup(&url);
    return 1;
}

static int core_set_error_metatable(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, LSMK_ERROR_MT_KEY);
    return 0;
}

#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
int luaopen_sagemaker_core(lua_State *L);

int luaopen_sagemaker_core(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"client_new", lsmk_client_new},
        {"operations", core_operations},
        {"resolve_endpoint", core_resolve_endpoint},
        {"set_error_metatable", core_set_error_metatable},
        {NULL, NULL},
    };
    struct lsmk_scratch *s;

    /* No process-wide initialisation here: libcurl's (libssl's) global init
     * costs about a millisecond and 2 MB, and smk_client_new runs it, once,
     * when the first client is made. Validation and endpoint resolution
     * never need it. */
    lsmk_open_client(L);
    lua_newtable(L);
    lsmk_setfuncs(L, functions);

    s = lua_newuserdata(L, sizeof(*s));
    smk_arena_init(&s->arena, 64u * 1024u * 1024u);
    luaL_newmetatable(L, LSMK_SCRATCH_MT);
    lua_pushcfunction(L, scratch_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    lua_pushcclosure(L, core_validate, 1);
    lua_setfield(L, -2, "validate");

    lua_pushliteral(L, "0.1.0");
    lua_setfield(L, -2, "_VERSION");
    return 1;
}
