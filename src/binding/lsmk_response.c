/*
 * client:parse_response: the second half of a call, for Lua transports that
 * send the request themselves (the OpenResty cosocket transport,
 * lua/sagemaker/transport/nginx.lua). The first half is client:build_request.
 *
 *   core_client:parse_response(operation, status, headers, body [, attempts])
 *     -> result table with ResponseMetadata, exactly as client:call returns it
 *
 * `headers` maps header names (any case) to string values; other values are
 * ignored. `attempts` (default 1) is the number of requests sent for this
 * call: it becomes ResponseMetadata.RetryAttempts (attempts - 1) and the
 * error object's `attempts`. A non-2xx status raises the service error
 * object (code, message, status, request_id, retryable) that client:call
 * would raise; a 2xx whose body is not a JSON object raises kind "network",
 * code "InvalidResponse". Argument errors raise plain Lua errors.
 *
 * Memory: the only C allocation (the copy of the body the core parses) is
 * made after every argument has been checked and freed before anything can
 * raise. The result tree lives in the client's arena, which the client
 * userdata owns.
 */
#include <string.h>

#include "lsmk.h"

/* Where the core client and arena sit in the client userdata (lsmk_client.c
 * passes the offsets, so this file does not depend on its layout). */
#define UPV_CLIENT_OFFSET 1
#define UPV_ARENA_OFFSET 2

static int client_parse_response(lua_State *L)
{
    char *ud = luaL_checkudata(L, 1, LSMK_CLIENT_MT);
    struct smk_client *client =
        *(struct smk_client **)(ud + (size_t)lua_tointeger(L, lua_upvalueindex(UPV_CLIENT_OFFSET)));
    struct smk_arena *arena =
        (struct smk_arena *)(ud + (size_t)lua_tointeger(L, lua_upvalueindex(UPV_ARENA_OFFSET)));
    struct smk_http_response resp;
    struct smk_value output;
    struct smk_error err;
    char request_id[sizeof(resp.request_id)];
    lua_Integer status, attempts;
    const char *body;
    size_t body_len;
    enum smk_err rc;

    if (client == NULL)
        return luaL_error(L, "sagemaker: client is closed");
    lsmk_check_operation(L, 2); /* the name must be known; the core needs no more */
    status = luaL_checkinteger(L, 3);
    luaL_argcheck(L, status >= 100 && status <= 599, 3, "HTTP status must be 100..599");
    if (!lua_isnoneornil(L, 4))
        luaL_checktype(L, 4, LUA_TTABLE);
    body = luaL_optlstring(L, 5, "", &body_len);
    attempts = luaL_optinteger(L, 6, 1);
    luaL_argcheck(L, attempts >= 1 && attempts <= 1000, 6, "attempts must be 1..1000");

    smk_error_clear(&err);
    smk_http_response_init(&resp, body_len);
    resp.status = (int)status;
    if (lua_istable(L, 4)) {
        lua_pushnil(L);
        while (lua_next(L, 4) != 0) {
            /* type checks first: lua_tolstring would convert a number key in
             * place and confuse lua_next */
            if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING) {
                size_t nlen, vlen;
                const char *name = lua_tolstring(L, -2, &nlen);
                const char *value = lua_tolstring(L, -1, &vlen);
                smk_http_response_header(&resp, name, nlen, value, vlen);
            }
            lua_pop(L, 1);
        }
    }
    /* From here to the cleanup nothing can raise. */
    rc = smk_buf_append(&resp.body, body, body_len);
    if (rc != SMK_OK) {
        smk_error_set(&err, rc, NULL, "out of memory copying a %lu-byte response",
                      (unsigned long)body_len);
    } else {
        smk_arena_reset(arena);
        rc = smk_client_parse_response(client, &resp, arena, &output, &err);
    }
    memcpy(request_id, resp.request_id, sizeof(request_id));
    smk_http_response_cleanup(&resp);

    if (rc != SMK_OK) {
        err.attempts = (unsigned)attempts;
        lsmk_push_error(L, &err, NULL);
        return lua_error(L);
    }
    lsmk_push_value(L, &output);
    lua_createtable(L, 0, 3);
    lua_pushstring(L, request_id);
    lua_setfield(L, -2, "RequestId");
    lua_pushinteger(L, status);
    lua_setfield(L, -2, "HTTPStatusCode");
    lua_pushinteger(L, attempts - 1);
    lua_setfield(L, -2, "RetryAttempts");
    lua_setfield(L, -2, "ResponseMetadata");
    return 1;
}

void lsmk_open_response(lua_State *L, size_t client_offset, size_t arena_offset)
{
    lua_pushinteger(L, (lua_Integer)client_offset);
    lua_pushinteger(L, (lua_Integer)arena_offset);
    lua_pushcclosure(L, client_parse_response, 2);
    lua_setfield(L, -2, "parse_response");
}
