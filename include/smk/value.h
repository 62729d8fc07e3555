/*
 * smk/value.h - a generic, arena-allocated value tree.
 *
 * Requests and responses travel through the core as `struct smk_value` trees:
 * the Lua binding builds one from a Lua table, a C program builds one with
 * the constructors below (or parses JSON), the core validates it against the
 * service model, encodes it as JSON, and decodes responses into one.
 *
 * Every node, string and array of a tree lives in one `struct smk_arena`;
 * freeing (or resetting) the arena frees the whole tree at once. Strings are
 * stored with an explicit length and may contain NUL bytes; the arena copies
 * always add a NUL terminator after the last byte. A producer may instead
 * BORROW string bytes it keeps alive itself (smk_value_set_string_ref; the
 * Lua binding borrows Lua strings): such a tree is only valid while the
 * borrowed bytes are. Consumers (validation, JSON encoding) only read
 * strings, never write or free them.
 *
 * SMK_VALUE_INVALID marks a value the producer could not represent (a Lua
 * function, a table with holes, ...). It carries a short description in
 * `u.s` ("function", "table with non-sequence keys") so that validation can
 * report it at the right path instead of the producer failing early.
 *
 * Thread-safety: an arena and its trees must not be shared between threads
 * without locking.
 */
#ifndef SMK_VALUE_H
#define SMK_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "smk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum smk_value_kind {
    SMK_VALUE_NULL = 0,
    SMK_VALUE_BOOL,
    SMK_VALUE_INT,
    SMK_VALUE_FLOAT,
    SMK_VALUE_STRING,
    SMK_VALUE_LIST,   /* ordered items; an empty Lua table is an empty LIST */
    SMK_VALUE_MAP,    /* string keys, in insertion order */
    SMK_VALUE_INVALID /* unrepresentable input; description in u.s */
};

struct smk_member;

struct smk_value {
    enum smk_value_kind kind;
    union {
        int b;
        int64_t i;
        double f;
        struct {
            const char *ptr; /* NUL-terminated: arena copy or borrowed */
            size_t len;
        } s;
        struct {
            struct smk_value *items;
            size_t n;
        } list;
        struct {
            struct smk_member *items;
            size_t n;
        } map;
    } u;
};

struct smk_member {
    const char *key; /* NUL-terminated: arena copy or borrowed */
    size_t key_len;
    struct smk_value value;
};

/* ---- arena ------------------------------------------------------------ */

struct smk_arena_chunk;

struct smk_arena {
    struct smk_arena_chunk *head; /* current chunk; older chunks chained */
    size_t total;                 /* bytes handed out since the last reset */
    size_t max;                   /* limit on `total`; 0 means unlimited */
};

/* Start an empty arena that will refuse to hand out more than `max` bytes
 * in total (0: no limit). Never fails; memory is taken on first use. */
SMK_API void smk_arena_init(struct smk_arena *a, size_t max);
/* Forget every allocation but keep the largest chunk for reuse, so a
 * steady-state caller makes no malloc calls. */
SMK_API void smk_arena_reset(struct smk_arena *a);
/* Free everything. The arena is empty and reusable afterwards. */
SMK_API void smk_arena_cleanup(struct smk_arena *a);
/* `n` bytes aligned for any type, or NULL (out of memory / over max). */
SMK_API void *smk_arena_alloc(struct smk_arena *a, size_t n);
/* NUL-terminated copy of `n` bytes of `p`, or NULL. */
SMK_API char *smk_arena_strndup(struct smk_arena *a, const char *p, size_t n);

/* ---- constructors (all fill `*v`; those that allocate return an error) -- */

SMK_API void smk_value_set_null(struct smk_value *v);
SMK_API void smk_value_set_bool(struct smk_value *v, int b);
SMK_API void smk_value_set_int(struct smk_value *v, int64_t i);
SMK_API void smk_value_set_float(struct smk_value *v, double f);
/* Copies `n` bytes of `p` into the arena. */
SMK_API enum smk_err smk_value_set_string(struct smk_arena *a, struct smk_value *v,
                                          const char *p, size_t n);
/* Borrows `n` bytes at `p` as the string value: nothing is copied and
 * nothing can fail. Contract, on the caller: p[n] is '\0' (consumers may
 * read a string as a C string, as they may an arena copy), and the bytes
 * stay valid and unchanged for as long as the tree is used (validated,
 * encoded, read) -- typically until the caller's function returns. Map keys
 * may be borrowed the same way by storing them in `smk_member.key` directly
 * under the same contract. */
SMK_API void smk_value_set_string_ref(struct smk_value *v, const char *p, size_t n);
/* `what` is copied; it describes the unrepresentable input. */
SMK_API enum smk_err smk_value_set_invalid(struct smk_arena *a, struct smk_value *v,
                                           const char *what);
/* Allocate `n` NULL items; fill them through v->u.list.items[i]. */
SMK_API enum smk_err smk_value_set_list(struct smk_arena *a, struct smk_value *v, size_t n);
/* Allocate `n` members with NULL values; set each key with
 * smk_value_map_set_key() and fill v->u.map.items[i].value. */
SMK_API enum smk_err smk_value_set_map(struct smk_arena *a, struct smk_value *v, size_t n);
SMK_API enum smk_err smk_value_map_set_key(struct smk_arena *a, struct smk_value *map,
                                           size_t i, const char *key, size_t key_len);

/* ---- accessors --------------------------------------------------------- */

/* Member of a MAP by key (exact, case-sensitive), or NULL. */
SMK_API const struct smk_value *smk_value_get(const struct smk_value *map, const char *key);
/* "null", "boolean", "integer", "number", "string", "list", "table"/"map",
 * or the INVALID description. Static or arena storage; never NULL. */
SMK_API const char *smk_value_kind_name(const struct smk_value *v);

#ifdef __cplusplus
}
#endif
#endif
