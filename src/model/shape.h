/*
 * model/shape.h - internal descriptors of the service model's shapes.
 *
 * The tables are generated (tools/gen_model.py -> src/model/model_gen.c) from
 * the official service model; every consumer (validation, JSON encoding,
 * response decoding, Lua conversion) walks the same descriptors. All data
 * here is immutable and may be read from any thread.
 *
 * Not part of the public API: symbols declared here are hidden in the shared
 * library (default visibility is hidden; none of them is SMK_API).
 */
#ifndef SMK_MODEL_SHAPE_H
#define SMK_MODEL_SHAPE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "smk/model.h"

enum smk_shape_type {
    SMK_SHAPE_STRUCTURE = 1,
    SMK_SHAPE_LIST,
    SMK_SHAPE_MAP,
    SMK_SHAPE_STRING,
    SMK_SHAPE_INTEGER, /* 32-bit signed in the model's type system */
    SMK_SHAPE_LONG,    /* 64-bit signed */
    SMK_SHAPE_FLOAT,   /* 32-bit IEEE */
    SMK_SHAPE_DOUBLE,  /* 64-bit IEEE */
    SMK_SHAPE_BOOLEAN,
    SMK_SHAPE_TIMESTAMP, /* epoch seconds on the wire (awsJson default) */
    SMK_SHAPE_BLOB
};

/* A name with its length in bytes (names never contain NUL). */
struct smk_name {
    const char *s;
    size_t len;
};

/* A member of a structure. */
struct smk_shape_member {
    struct smk_name name;           /* wire and caller-facing name */
    const struct smk_shape *shape;  /* target shape */
    unsigned char required;         /* required when the parent is present */
};

/* A compiled-once pattern of the model (see patterns.c). */
struct smk_pattern {
    const char *source; /* the model's regex, verbatim (Java syntax, unanchored) */
    /* When nonzero, the language of the pattern is exactly C* (1) or C+ (2)
     * for a single character class C ("[...]" or "."): an all-ASCII subject
     * may then be decided with a byte table derived from PCRE2 itself. */
    unsigned char class_repeat;
};

struct smk_shape {
    const char *name;          /* the model's shape name, e.g. "AutoMLJobName" */
    enum smk_shape_type type;
    unsigned char has_min;     /* min/fmin present in the model */
    unsigned char has_max;     /* max/fmax present in the model */
    /* STRING: length in code points; BLOB: bytes; LIST/MAP: entry count;
     * INTEGER/LONG: value. */
    int64_t min, max;
    double fmin, fmax;         /* FLOAT/DOUBLE value bounds */
    int pattern;               /* index into smk_model_patterns, -1 when none */
    const struct smk_name *enum_values; /* STRING only; model order */
    size_t n_enum;
    /* STRUCTURE: members sorted by name (byte order); look them up with
     * smk_shape_member_find. */
    const struct smk_shape_member *members;
    size_t n_members;
    uint64_t required_mask; /* bit i: members[i] is required */
    /* A collision-free index of the members, chosen by the generator
     * (hash_mult 0 when it found none; lookups then binary-search). */
    uint32_t hash_mult;
    const unsigned char *member_slots; /* 64 entries: member index + 1, or 0 */
    const struct smk_shape *member; /* LIST: element shape */
    const struct smk_shape *key;    /* MAP: key shape (a STRING shape) */
    const struct smk_shape *value;  /* MAP: value shape */
};

/* Structures never have more members than this (checked by the generator):
 * validation keeps one 64-bit word of flags per structure. */
#define SMK_SHAPE_MAX_MEMBERS 64

/* Whether the n bytes at a and b are equal: word-wise and without a call,
 * for the short names compared on validation's hot path. */
static inline int smk_same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    size_t i;

    if (n >= 8) {
        for (i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return 0;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t u, v;
        memcpy(&u, a, 4);
        memcpy(&v, b, 4);
        if (u != v)
            return 0;
        memcpy(&u, a + n - 4, 4);
        memcpy(&v, b + n - 4, 4);
        return u == v;
    }
    for (i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

/* ---- generated tables (model_gen.c) ------------------------------------ */

extern const struct smk_shape smk_model_shapes[];       /* sorted by name */
extern const size_t smk_model_shape_count;
extern const struct smk_pattern smk_model_patterns[];
extern const size_t smk_model_pattern_count;
extern const struct smk_operation smk_model_operations[]; /* sorted by name */
extern const size_t smk_model_operation_count;
extern const struct smk_service_info smk_model_service;

/* ---- lookups (model.c) -------------------------------------------------- */

/* The member of structure `st` named by `len` bytes at `name` (exact,
 * case-sensitive), or NULL. O(1) through the generated member index. */
const struct smk_shape_member *smk_shape_member_find(const struct smk_shape *st, const char *name,
                                                     size_t len);
/* The shape named `name` (NUL-terminated), or NULL. O(log n). */
const struct smk_shape *smk_shape_find(const char *name);
/* "structure", "list", "map", "string", "integer", ...; never NULL. */
const char *smk_shape_type_name(enum smk_shape_type t);

/* ---- patterns (patterns.c) ---------------------------------------------- */

/* Whether the UTF-8 string `s` (`len` bytes, already known to be valid UTF-8)
 * matches pattern `id` in full. All patterns are compiled on first use, once,
 * thread-safely (pthread_once), with JIT where the platform has it.
 * Returns 1 (match), 0 (no match), -1 (the pattern could not be compiled or
 * matched: a library defect or an exhausted match limit). Thread-safe;
 * allocates nothing after the first call in each thread. */
int smk_pattern_match(int id, const char *s, size_t len);
/* Per pattern id: for a pattern whose language is C* or C+
 * (smk_pattern.class_repeat), a 256-entry table in which entry b has
 * SMK_ASCII_PLAIN when b is ASCII other than NUL (entries for NUL and bytes
 * >= 0x80 are 0), plus SMK_ASCII_IN_CLASS when b is in C; NULL for other
 * patterns. ANDing the entries of a subject's bytes tells in one pass whether
 * the subject is plain ASCII and, if so, whether it matches. Compiles the
 * patterns first if needed; NULL when they could not be compiled. */
#define SMK_ASCII_PLAIN 1u
#define SMK_ASCII_IN_CLASS 2u
const unsigned char *const *smk_pattern_ascii_tables(void);
/* Compile every pattern now; returns the number that failed to compile
 * (0 on success). Lets tests and startup code surface a defect early. */
size_t smk_patterns_init(void);

/* ---- suggestions (suggest.c) ---------------------------------------------- */

/* The candidate most like the `len` bytes at `given`: one equal ignoring
 * ASCII case, else the nearest by edit distance when that distance is at most
 * a third of the candidate's length. `name_at(ctx, i)` yields candidate i of
 * `n`. Returns the index, or -1 when nothing is close. Pure; no allocation. */
long smk_suggest(const char *given, size_t len, size_t n,
                 const struct smk_name *(*name_at)(const void *ctx, size_t i), const void *ctx);

/* ---- validation internals shared by validate.c and rules.c -------------- */

/* One step of the path to the value being checked. The text of a path is
 * rendered only when an issue is recorded. */
enum smk_seg_kind { SMK_SEG_MEMBER, SMK_SEG_INDEX, SMK_SEG_KEY };
struct smk_seg {
    enum smk_seg_kind kind;
    const char *s; /* SMK_SEG_MEMBER, SMK_SEG_KEY */
    size_t n;      /* length, or the 0-based index */
};

#define SMK_VCTX_MAX_DEPTH 64 /* deeper steps are rendered as "..." */
#define SMK_VCTX_FAILED_MAX 128

/* A validation in progress: owned by smk_validate's stack frame, used by
 * validate.c and rules.c only. */
struct smk_vctx {
    struct smk_arena *arena;
    struct smk_issues *issues;
    enum smk_err fatal;   /* first resource failure, reported by smk_validate */
    const char *prefix;   /* prepended to messages ("key: " for map keys) */
    /* Values the walk found wrong in themselves (kind, bounds, enum,
     * pattern), so that rules can skip them without checking again. With
     * more than SMK_VCTX_FAILED_MAX of them the issue list is long full and
     * the rules are not run (their issues could only be counted as dropped). */
    size_t n_failed;
    const struct smk_value *failed[SMK_VCTX_FAILED_MAX];
    const unsigned char *const *ascii_tables; /* smk_pattern_ascii_tables() */
    size_t depth;         /* steps in segs (may exceed SMK_VCTX_MAX_DEPTH) */
    struct smk_seg segs[SMK_VCTX_MAX_DEPTH];
};

/* Whether the walk found `v` (a value it visited) right in itself: kind,
 * bounds, enum, pattern for scalars; kind and entry count for lists and
 * maps; kind for structures (its members do not count). */
static inline int smk_vctx_passed(const struct smk_vctx *ctx, const struct smk_value *v)
{
    size_t i;

    for (i = 0; i < ctx->n_failed && i < SMK_VCTX_FAILED_MAX; i++)
        if (ctx->failed[i] == v)
            return 0;
    return 1;
}

/* Record an issue at `path` (copied). Returns 0, or -1 when out of memory
 * (the failure is remembered and smk_validate returns SMK_E_NOMEM). */
int smk_vctx_issue(struct smk_vctx *ctx, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Write `len` bytes of `s` to `out` (capacity `cap`, always NUL-terminated)
 * as a double-quoted, escaped literal of at most 40 visible characters plus
 * "..." when shortened. Returns the length written. */
size_t smk_quote(char *out, size_t cap, const char *s, size_t len);

/* Apply the operation's reference-page rules (rules.c) to `input`, which has
 * already been walked against the model. Rules consider only values that
 * passed the walk (smk_vctx_passed). */
void smk_rules_apply(struct smk_vctx *ctx, const struct smk_operation *op, struct smk_value *input);

/* A hint to append to a pattern failure of a `shape` value (rules.c), e.g.
 * " (the bucket name is empty)"; "" when there is none. Never NULL. */
const char *smk_rules_pattern_hint(const struct smk_shape *shape, const char *s, size_t len);

#endif
