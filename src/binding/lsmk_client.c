/*
 * The client userdata of sagemaker.core. It owns the core client plus the
 * arena and request buffers reused by every call, so a Lua error raised at
 * any point leaks nothing: __gc frees them all.
 *
 * Stack discipline: every method checks its arguments before touching C
 * memory; errors are raised only after the core call has returned.
 */
#include <string.h>
#include <time.h>

#include "lsmk.h"

struct lsmk_client {
    struct smk_client *client; /* NULL once closed */
    struct smk_arena arena;
    struct smk_request request;
    struct lsmk_hooks hooks;
};

#define ARENA_MAX (64u * 1024u * 1024u)

static struct lsmk_client *check_client(lua_State *L)
{
    struct lsmk_client *u = luaL_checkudata(L, 1, LSMK_CLIENT_MT);

    if (u->client == NULL)
        luaL_error(L, "sagemaker: client is closed");
    return u;
}

/* ---- config ------------------------------------------------------------ */

static const char *opt_string(lua_State *L, int cfg, const char *key)
{
    const char *s;

    lua_getfield(L, cfg, key);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return NULL;
    }
    if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "sagemaker.client: field '%s' must be a string, got %s", key,
                   luaL_typename(L, -1));
    s = lua_tostring(L, -1);
    if (strlen(s) != lsmk_rawlen(L, -1))
        luaL_error(L, "sagemaker.client: field '%s' must not contain NUL bytes", key);
    lua_pop(L, 1); /* still referenced by the config table */
    return s;
}

static int opt_bool(lua_State *L, int cfg, const char *key, int dflt)
{
    int v = dflt;

    lua_getfield(L, cfg, key);
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TBOOLEAN)
            luaL_error(L, "sagemaker.client: field '%s' must be a boolean, got %s", key,
                       luaL_typename(L, -1));
        v = lua_toboolean(L, -1);
    }
    lua_pop(L, 1);
    return v;
}

static double opt_number(lua_State *L, int cfg, const char *key, double lo, double hi)
{
    double v = 0;

    lua_getfield(L, cfg, key);
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TNUMBER)
            luaL_error(L, "sagemaker.client: field '%s' must be a number, got %s", key,
                       luaL_typename(L, -1));
        v = (double)lua_tonumber(L, -1);
        if (!(v >= lo && v <= hi))
            luaL_error(L, "sagemaker.client: field '%s' must be between %f and %f", key, lo, hi);
    }
    lua_pop(L, 1);
    return v;
}

/* nil: 0 (not set: environment / profile decide); true: 1; false: -1. */
static int opt_tristate(lua_State *L, int cfg, const char *key)
{
    int v = 0;

    lua_getfield(L, cfg, key);
    if (!lua_isnil(L, -1)) {
        if (lua_type(L, -1) != LUA_TBOOLEAN)
            luaL_error(L, "sagemaker.client: field '%s' must be a boolean, got %s", key,
                       luaL_typename(L, -1));
        v = lua_toboolean(L, -1) ? 1 : -1;
    }
    lua_pop(L, 1);
    return v;
}

/* core.client_new{ region =, endpoint =, access_key_id =, ... } -> userdata
 * Raises a Lua error object (kind config/credentials) when the core refuses
 * the configuration; raises a plain error for wrong field types. */
int lsmk_client_new(lua_State *L)
{
    struct smk_client_config cfg;
    struct smk_error err;
    struct lsmk_client *u;
    enum smk_err rc;

    luaL_checktype(L, 1, LUA_TTABLE);
    memset(&cfg, 0, sizeof(cfg));
    cfg.region = opt_string(L, 1, "region");
    cfg.profile = opt_string(L, 1, "profile");
    cfg.config_file = opt_string(L, 1, "config_file");
    cfg.credentials_file = opt_string(L, 1, "credentials_file");
    cfg.endpoint = opt_string(L, 1, "endpoint");
    cfg.credentials.access_key_id = opt_string(L, 1, "access_key_id");
    cfg.credentials.secret_access_key = opt_string(L, 1, "secret_access_key");
    cfg.credentials.session_token = opt_string(L, 1, "session_token");
    cfg.ca_bundle = opt_string(L, 1, "ca_bundle");
    cfg.allow_http = opt_bool(L, 1, "allow_http", 0);
    cfg.use_fips = opt_tristate(L, 1, "use_fips");
    cfg.use_dualstack = opt_tristate(L, 1, "use_dualstack");
    cfg.validate = opt_bool(L, 1, "validate", 1);
    cfg.connect_timeout_ms = (long)(opt_number(L, 1, "connect_timeout", 0.001, 86400) * 1000);
    cfg.read_timeout_ms = (long)(opt_number(L, 1, "read_timeout", 0.001, 86400) * 1000);
    cfg.max_attempts = (unsigned)opt_number(L, 1, "max_attempts", 1, 100);
    cfg.max_response_bytes = (size_t)opt_number(L, 1, "max_response_bytes", 1024, 1e9);
    cfg.retry_mode = opt_string(L, 1, "retry_mode");
    cfg.deadline = opt_number(L, 1, "deadline", 0.001, 86400 * 7);

    u = lua_newuserdata(L, sizeof(*u));
    memset(u, 0, sizeof(*u));
    smk_arena_init(&u->arena, ARENA_MAX);
    smk_request_init(&u->request);
    u->hooks.logger = u->hooks.random = u->hooks.sleep = u->hooks.clock = LUA_NOREF;
    luaL_getmetatable(L, LSMK_CLIENT_MT);
    lua_setmetatable(L, -2);
    lsmk_hooks_read(L, 1, &u->hooks, &cfg); /* the userdata's __gc releases them */

    smk_error_clear(&err);
    rc = smk_client_new(&cfg, &u->client, &err);
    if (rc != SMK_OK) {
        lsmk_push_error(L, &err, NULL);
        return lua_error(L);
    }
    return 1;
}

/* ---- methods ------------------------------------------------------------- */

static void check_params(lua_State *L, int idx)
{
    if (!lua_isnoneornil(L, idx) && !lua_istable(L, idx))
        luaL_argerror(L, idx, lua_pushfstring(L, "request parameters must be a table, got %s",
                                              luaL_typename(L, idx)));
}

/* Convert params at `idx` (nil: empty) into a tree in the client's arena:
 * borrowing Lua's strings, or with `copy` copying them (see lsmk.h). */
static void params_to_value(lua_State *L, struct lsmk_client *u, int idx, struct smk_value *v,
                            int copy)
{
    smk_arena_reset(&u->arena);
    if (lua_isnoneornil(L, idx)) {
        smk_value_set_map(&u->arena, v, 0);
        return;
    }
    if ((copy ? lsmk_to_value_copy : lsmk_to_value)(L, idx, &u->arena, v) != SMK_OK)
        luaL_error(L, "sagemaker: request too large to convert (arena limit %d bytes)",
                   (int)ARENA_MAX);
}

/* client:call(operation, params) -> result table (raises error objects) */
static int client_call(lua_State *L)
{
    struct lsmk_client *u = check_client(L);
    const struct smk_operation *op = lsmk_check_operation(L, 2);
    struct smk_value input, output;
    struct smk_issues issues;
    struct smk_call_info info;
    struct smk_error err;
    enum smk_err rc;

    check_params(L, 3);
    /* Copied when the client has Lua hooks: they run Lua code while the call
     * may still read the request (reconcile). Without hooks no Lua runs
     * until the call returns, and the strings are borrowed. */
    params_to_value(L, u, 3, &input,
                    u->hooks.logger != LUA_NOREF || u->hooks.random != LUA_NOREF ||
                        u->hooks.sleep != LUA_NOREF || u->hooks.clock != LUA_NOREF);
    smk_issues_init(&issues);
    u->hooks.L = L;
    rc = smk_client_call(u->client, op, &input, &u->arena, &output, &issues, &info, &err);
    if (rc != SMK_OK) {
        lsmk_push_error(L, &err, &issues);
        return lua_error(L);
    }
    lsmk_push_value(L, &output);
    lua_createtable(L, 0, 3);
    lua_pushstring(L, info.request_id);
    lua_setfield(L, -2, "RequestId");
    lua_pushinteger(L, info.http_status);
    lua_setfield(L, -2, "HTTPStatusCode");
    lua_pushinteger(L, info.attempts ? (lua_Integer)info.attempts - 1 : 0);
    lua_setfield(L, -2, "RetryAttempts");
    if (info.reconciled) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, "Reconciled");
    }
    lua_setfield(L, -2, "ResponseMetadata");
    return 1;
}

/* client:build_request(operation, params, time) -> { method, url, headers, body } */
static int client_build_request(lua_State *L)
{
    struct lsmk_client *u = check_client(L);
    const struct smk_operation *op = lsmk_check_operation(L, 2);
    struct smk_value input;
    struct smk_issues issues;
    struct smk_error err;
    int64_t when;
    enum smk_err rc;
    size_t i;

    check_params(L, 3);
    if (lua_isnoneornil(L, 4))
        when = (int64_t)time(NULL);
    else
        when = (int64_t)luaL_checknumber(L, 4);
    /* borrowed: the tree is encoded before any hook can run (signing) */
    params_to_value(L, u, 3, &input, 0);
    smk_issues_init(&issues);
    smk_error_clear(&err);
    u->hooks.L = L;
    rc = smk_client_build_request(u->client, op, &input, when, &u->arena, &issues, &u->request,
                                  &err);
    if (rc != SMK_OK) {
        lsmk_push_error(L, &err, &issues);
        return lua_error(L);
    }
    lua_createtable(L, 0, 4);
    lua_pushstring(L, u->request.method);
    lua_setfield(L, -2, "method");
    lua_pushlstring(L, u->request.url.data, u->request.url.len);
    lua_setfield(L, -2, "url");
    lua_pushlstring(L, smk_buf_cstr(&u->request.body), u->request.body.len);
    lua_setfield(L, -2, "body");
    lua_createtable(L, 0, (int)u->request.n_headers + 1);
    lua_pushstring(L, u->request.host);
    lua_setfield(L, -2, "Host");
    for (i = 0; i < u->request.n_headers; i++) {
        const struct smk_header *h = &u->request.headers[i];
        lua_pushlstring(L, h->name, h->name_len);
        lua_pushlstring(L, h->value, h->value_len);
        lua_rawset(L, -3);
    }
    lua_setfield(L, -2, "headers");
    return 1;
}

static int client_endpoint(lua_State *L)
{
    lua_pushstring(L, smk_client_endpoint(check_client(L)->client));
    return 1;
}

static int client_region(lua_State *L)
{
    lua_pushstring(L, smk_client_region(check_client(L)->client));
    return 1;
}

static void set_string(lua_State *L, const char *key, const char *value)
{
    if (value) {
        lua_pushstring(L, value);
        lua_setfield(L, -2, key);
    }
}

/* client:config() -> where region, endpoint, credentials... came from
 * (never a secret). */
static int client_config(lua_State *L)
{
    struct lsmk_client *u = check_client(L);
    struct smk_client_sources s;

    smk_client_sources(u->client, &s);
    lua_createtable(L, 0, 12);
    set_string(L, "region", smk_client_region(u->client));
    set_string(L, "region_source", s.region_source);
    set_string(L, "endpoint", smk_client_endpoint(u->client));
    set_string(L, "endpoint_source", s.endpoint_source);
    set_string(L, "profile", s.profile);
    set_string(L, "profile_source", s.profile_source);
    set_string(L, "credentials_source", s.credentials);
    set_string(L, "ca_bundle", s.ca_bundle);
    set_string(L, "ca_bundle_source", s.ca_bundle_source);
    lua_pushboolean(L, s.use_fips);
    lua_setfield(L, -2, "use_fips");
    lua_pushboolean(L, s.use_dualstack);
    lua_setfield(L, -2, "use_dualstack");
    return 1;
}

/* Free everything; idempotent. Also __gc. */
static int client_close(lua_State *L)
{
    struct lsmk_client *u = luaL_checkudata(L, 1, LSMK_CLIENT_MT);

    smk_client_free(u->client);
    u->client = NULL;
    smk_arena_cleanup(&u->arena);
    smk_request_cleanup(&u->request);
    lsmk_hooks_release(L, &u->hooks);
    return 0;
}

static int client_is_closed(lua_State *L)
{
    struct lsmk_client *u = luaL_checkudata(L, 1, LSMK_CLIENT_MT);

    lua_pushboolean(L, u->client == NULL);
    return 1;
}

/* Never shows credentials. */
static int client_tostring(lua_State *L)
{
    struct lsmk_client *u = luaL_checkudata(L, 1, LSMK_CLIENT_MT);

    if (u->client == NULL)
        lua_pushstring(L, "sagemaker.core.client (closed)");
    else
        lua_pushfstring(L, "sagemaker.core.client (%s, %s)", smk_client_region(u->client),
                        smk_client_endpoint(u->client));
    return 1;
}

int lsmk_open_client(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"call", client_call},
        {"build_request", client_build_request},
        {"endpoint", client_endpoint},
        {"region", client_region},
        {"config", client_config},
        {"close", client_close},
        {"is_closed", client_is_closed},
        {NULL, NULL},
    };

    luaL_newmetatable(L, LSMK_CLIENT_MT);
    lua_newtable(L);
    lsmk_setfuncs(L, methods);
    lsmk_open_response(L, offsetof(struct lsmk_client, client), offsetof(struct lsmk_client, arena));
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, client_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, client_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, client_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "sagemaker.core.client");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    return 0;
}
