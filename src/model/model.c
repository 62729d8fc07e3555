/* Operation and shape lookups over the generated tables: see smk/model.h and
 * model/shape.h. Everything here reads immutable data: thread-safe. */
#include <string.h>

#include "model/shape.h"

const struct smk_service_info *smk_service_info(void)
{
    return &smk_model_service;
}

size_t smk_operation_count(void)
{
    return smk_model_operation_count;
}

const struct smk_operation *smk_operation_at(size_t i)
{
    return i < smk_model_operation_count ? &smk_model_operations[i] : NULL;
}

const struct smk_operation *smk_operation_find(const char *name)
{
    size_t i;

    if (name == NULL)
        return NULL;
    for (i = 0; i < smk_model_operation_count; i++) {
        const struct smk_operation *op = &smk_model_operations[i];
        if (strcmp(op->name, name) == 0 || strcmp(op->snake_name, name) == 0)
            return op;
    }
    return NULL;
}

/* Byte order, shorter first on a common prefix: the generator's sort order. */
static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i, n = alen < blen ? alen : blen;

    for (i = 0; i < n; i++) /* names are short: a loop beats a memcmp call */
        if (a[i] != b[i])
            return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
    return alen < blen ? -1 : alen > blen;
}

const struct smk_shape_member *smk_shape_member_find(const struct smk_shape *st, const char *name,
                                                     size_t len)
{
    const unsigned char *p = (const unsigned char *)name;
    const struct smk_shape_member *m;
    size_t lo = 0, hi;

    if (st == NULL || st->type != SMK_SHAPE_STRUCTURE || len == 0)
        return NULL;
    if (st->hash_mult) {
        /* The generator chose hash_mult so that no two members share a slot
         * (tools/gen_model.py: member_slot); a name in an empty slot, or not
         * equal to its slot's member, is not a member. */
        uint32_t k = (uint32_t)p[0] | (uint32_t)p[len / 2] << 8 | (uint32_t)p[len - 1] << 16 |
                     (uint32_t)(len & 0xFF) << 24;
        unsigned char idx = st->member_slots[(uint32_t)(k * st->hash_mult) >> 26];
        if (idx == 0)
            return NULL;
        m = &st->members[idx - 1];
        return m->name.len == len && smk_same_bytes(name, m->name.s, len) ? m : NULL;
    }
    hi = st->n_members;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c;
        m = &st->members[mid];
        c = name_cmp(name, len, m->name.s, m->name.len);
        if (c == 0)
            return m;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const struct smk_shape *smk_shape_find(const char *name)
{
    size_t lo = 0, hi = smk_model_shape_count, len;

    if (name == NULL)
        return NULL;
    len = strlen(name);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *s = smk_model_shapes[mid].name;
        int c = name_cmp(name, len, s, strlen(s));
        if (c == 0)
            return &smk_model_shapes[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const char *smk_shape_type_name(enum smk_shape_type t)
{
    switch (t) {
    case SMK_SHAPE_STRUCTURE: return "structure";
    case SMK_SHAPE_LIST: return "list";
    case SMK_SHAPE_MAP: return "map";
    case SMK_SHAPE_STRING: return "string";
    case SMK_SHAPE_INTEGER: return "integer";
    case SMK_SHAPE_LONG: return "long";
    case SMK_SHAPE_FLOAT: return "float";
    case SMK_SHAPE_DOUBLE: return "double";
    case SMK_SHAPE_BOOLEAN: return "boolean";
    case SMK_SHAPE_TIMESTAMP: return "timestamp";
    case SMK_SHAPE_BLOB: return "blob";
    }
    return "unknown";
}

const char *smk_output_missing_member(const struct smk_operation *op,
                                      const struct smk_value *output)
{
    const struct smk_shape *sh = op->output;
    size_t i;

    if (sh == NULL || sh->type != SMK_SHAPE_STRUCTURE)
        return NULL;
    for (i = 0; i < sh->n_members; i++) {
        const struct smk_value *v;
        if (!(sh->required_mask & ((uint64_t)1 << i)))
            continue;
        v = smk_value_get(output, sh->members[i].name.s);
        if (v == NULL || v->kind == SMK_VALUE_NULL)
            return sh->members[i].name.s;
    }
    return NULL;
}
