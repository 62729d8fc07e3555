/* Reconciling an ambiguous CreateAutoMLJob: see reconcile.h. */
#include <string.h>

#include "client/reconcile.h"

static int same_string(const struct smk_value *a, const struct smk_value *b)
{
    return a && b && a->kind == SMK_VALUE_STRING && b->kind == SMK_VALUE_STRING &&
           a->u.s.len == b->u.s.len && memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0;
}

/* value at `a.b.c` (structure members only), or NULL */
static const struct smk_value *dig(const struct smk_value *v, const char *const *keys)
{
    for (; v && *keys; keys++)
        v = smk_value_get(v, *keys);
    return v;
}

static const char *const S3URI[] = {"DataSource", "S3DataSource", "S3Uri", NULL};
static const char *const OUTPUT[] = {"OutputDataConfig", "S3OutputPath", NULL};

static int same_channels(const struct smk_value *a, const struct smk_value *b)
{
    size_t i;

    if (!a || !b || a->kind != SMK_VALUE_LIST || b->kind != SMK_VALUE_LIST ||
        a->u.list.n != b->u.list.n)
        return 0;
    for (i = 0; i < a->u.list.n; i++)
        if (!same_string(dig(&a->u.list.items[i], S3URI), dig(&b->u.list.items[i], S3URI)))
            return 0;
    return 1;
}

static double number(const struct smk_value *v)
{
    if (v && v->kind == SMK_VALUE_INT)
        return (double)v->u.i;
    if (v && v->kind == SMK_VALUE_FLOAT)
        return v->u.f;
    return -1;
}

int smk__create_matches(const struct smk_value *request, const struct smk_value *description,
                        double first_attempt)
{
    double created = number(smk_value_get(description, "CreationTime"));

    return same_string(smk_value_get(request, "RoleArn"), smk_value_get(description, "RoleArn")) &&
           same_string(dig(request, OUTPUT), dig(description, OUTPUT)) &&
           same_channels(smk_value_get(request, "InputDataConfig"),
                         smk_value_get(description, "InputDataConfig")) &&
           created >= 0 && created >= first_attempt - SMK_RECONCILE_CLOCK_SLACK;
}
