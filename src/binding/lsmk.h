/* Binding-internal declarations (sagemaker.core). */
#ifndef LSMK_H
#define LSMK_H

#include "lsmk_compat.h"
#include "smk/client.h"
#include "smk/model.h"
#include "smk/value.h"

#define LSMK_CLIENT_MT "sagemaker.core.client"
#define LSMK_SCRATCH_MT "sagemaker.core.scratch"
/* Registry key of the error metatable installed by lua/sagemaker/error.lua. */
#define LSMK_ERROR_MT_KEY "sagemaker.error.mt"
/* Deepest Lua table nesting converted; deeper (or cyclic) is INVALID. */
#define LSMK_MAX_DEPTH 32

/* Convert the Lua value at `idx` into `*out` (nodes arena-allocated). Never
 * raises for bad user data (those become SMK_VALUE_INVALID nodes for
 * validation to report); returns SMK_E_NOMEM when the arena is exhausted.
 * Strings and keys are BORROWED from Lua, not copied: the tree is valid only
 * while the value at `idx` stays on the stack (or otherwise reachable) and
 * unmodified, so use it within the same C function, running no Lua code in
 * between. */
enum smk_err lsmk_to_value(lua_State *L, int idx, struct smk_arena *arena, struct smk_value *out);
/* The same with every string and key copied into the arena: for a tree
 * still read after Lua code may have run (client:call, whose hooks -- logger,
 * clock, sleep, random -- run Lua between attempts, and whose reconcile
 * reads the request again), so that no Lua code can free what it points to. */
enum smk_err lsmk_to_value_copy(lua_State *L, int idx, struct smk_arena *arena,
                                struct smk_value *out);

/* Push `v` as a Lua value (tables for MAP/LIST, nil for NULL). */
void lsmk_push_value(lua_State *L, const struct smk_value *v);

/* Push an error object for `err` (and `issues`, may be NULL) with the
 * shared error metatable. */
void lsmk_push_error(lua_State *L, const struct smk_error *err, const struct smk_issues *issues);

/* Find an operation by name, raising a Lua argument error if unknown. */
const struct smk_operation *lsmk_check_operation(lua_State *L, int idx);

/* Lua functions given as client hooks (see lsmk_hooks.c). Refs into the
 * registry; `L` is the running thread, set before every core call. */
struct lsmk_hooks {
    lua_State *L;
    int logger, random, sleep, clock;
};

/* Take the hook functions from the config table at `cfg` (raises for a
 * non-function) and install the matching callbacks into `c`. */
void lsmk_hooks_read(lua_State *L, int cfg, struct lsmk_hooks *h, struct smk_client_config *c);
/* Drop the references; idempotent. */
void lsmk_hooks_release(lua_State *L, struct lsmk_hooks *h);

int lsmk_open_client(lua_State *L);
/* Add parse_response (lsmk_response.c) to the client methods table on top of
 * the stack; the offsets locate the core client pointer and the arena inside
 * the client userdata. */
void lsmk_open_response(lua_State *L, size_t client_offset, size_t arena_offset);
int lsmk_client_new(lua_State *L);

#endif
