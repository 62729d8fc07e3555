/* Core error records -> Lua error objects (tables sharing one metatable,
 * installed by lua/sagemaker/error.lua under LSMK_ERROR_MT_KEY). */
#include "lsmk.h"

static void set_string(lua_State *L, const char *key, const char *value)
{
    if (value && *value) {
        lua_pushstring(L, value);
        lua_setfield(L, -2, key);
    }
}

void lsmk_push_error(lua_State *L, const struct smk_error *err, const struct smk_issues *issues)
{
    size_t i;

    lua_createtable(L, 0, 9);
    set_string(L, "kind", smk_err_kind(err->code));
    set_string(L, "code", err->type[0] ? err->type : smk_err_name(err->code));
    lua_pushstring(L, err->message[0] ? err->message : smk_strerror(err->code));
    lua_setfield(L, -2, "message");
    if (err->http_status) {
        lua_pushinteger(L, err->http_status);
        lua_setfield(L, -2, "status");
    }
    set_string(L, "request_id", err->request_id);
    lua_pushboolean(L, err->retryable);
    lua_setfield(L, -2, "retryable");
    lua_pushinteger(L, (lua_Integer)err->attempts);
    lua_setfield(L, -2, "attempts");
    if (issues && err->code == SMK_E_VALIDATION) {
        lua_createtable(L, (int)issues->n, 0);
        for (i = 0; i < issues->n; i++) {
            lua_createtable(L, 0, 2);
            lua_pushstring(L, issues->items[i].path);
            lua_setfield(L, -2, "path");
            lua_pushstring(L, issues->items[i].message);
            lua_setfield(L, -2, "message");
            lua_rawseti(L, -2, (int)(i + 1));
        }
        lua_setfield(L, -2, "errors");
        if (issues->dropped) {
            lua_pushinteger(L, (lua_Integer)issues->dropped);
            lua_setfield(L, -2, "dropped");
        }
    }
    lua_getfield(L, LUA_REGISTRYINDEX, LSMK_ERROR_MT_KEY);
    if (lua_istable(L, -1))
        lua_setmetatable(L, -2);
    else
        lua_pop(L, 1);
}

const struct smk_operation *lsmk_check_operation(lua_State *L, int idx)
{
    const char *name = luaL_checkstring(L, idx);
    const struct smk_operation *op = smk_operation_find(name);

    if (op == NULL)
        luaL_argerror(L, idx, lua_pushfstring(L, "unknown operation '%s'", name));
    return op;
}
