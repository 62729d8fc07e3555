/*
 * Rules that only the API reference states (the model cannot express them),
 * checked after the model walk: see smk_rules_apply in model/shape.h.
 *
 * Sources, quoted by the tag in each rule's comment:
 *  [ref]    the CreateAutoMLJob reference page (../shared/seed/create_auto_ml_job.txt)
 *  [readme] ../shared/aws-model/README.md, "Rules stated only in documentation strings"
 *
 * A rule reads a value only when the walk found that value right in itself,
 * so a value that is already wrong is not reported a second time by a rule.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model/shape.h"

/* ---- the facts, as tables ---------------------------------------------------- */

/* [ref] AutoMLAlgorithmConfig, "In ENSEMBLING mode" / "In HYPERPARAMETER_TUNING
 * (HPO) mode"; [readme] "Which algorithms are allowed depends on Mode". */
static const char *const algos_ensembling[] = {
    "catboost", "extra-trees", "fastai", "lightgbm", "linear-learner", "nn-torch",
    "randomforest", "xgboost", NULL};
static const char *const algos_hpo[] = {"linear-learner", "mlp", "xgboost", NULL};
/* [readme] "The time-series values (cnn-qr, deepar, prophet, arima, npts, ets) are
 * for V2 jobs." */
static const char *const algos_time_series[] = {"cnn-qr", "deepar", "prophet", "npts", "arima",
                                                "ets", NULL};
static const char *const algos_tabular[] = {
    "catboost", "extra-trees", "fastai", "lightgbm", "linear-learner", "mlp", "nn-torch",
    "randomforest", "xgboost", NULL};

/* [readme] "MetricName: which values are valid depends on ProblemType" */
static const struct {
    const char *problem_type;
    const char *const metrics[7];
} metrics_by_problem[] = {
    {"Regression", {"MAE", "MSE", "R2", "RMSE", NULL}},
    {"BinaryClassification", {"Accuracy", "AUC", "BalancedAccuracy", "F1", "Precision", "Recall",
                              NULL}},
    {"MulticlassClassification", {"Accuracy", "BalancedAccuracy", "F1macro", "PrecisionMacro",
                                  "RecallMacro", NULL}},
};
/* [readme] "The forecasting metrics in the enum are for V2 jobs." */
static const char *const metrics_time_series[] = {"MAPE", "MASE", "WAPE",
                                                  "AverageWeightedQuantileLoss", NULL};

/* [ref] ContentType: "The default value is text/csv;header=present." */
#define DEFAULT_CONTENT_TYPE "text/csv;header=present"

/* ---- reading values that passed the walk ------------------------------------- */

/* A value; v is NULL when absent, unset or wrong in itself. The walk has
 * checked every value reachable here, so a value that passed has its shape's
 * kind (a structure may also be an empty LIST). */
struct node {
    struct smk_value *v;
};

enum presence { ABSENT, PRESENT_BAD, PRESENT_OK };

/* Member `name` (`len` bytes) of structure node `parent`: the first with that
 * key, as the walk checked it. */
static enum presence member_of_n(struct smk_vctx *ctx, struct node parent, const char *name,
                                 size_t len, struct node *out)
{
    size_t i;

    out->v = NULL;
    if (parent.v == NULL || parent.v->kind != SMK_VALUE_MAP)
        return ABSENT;
    for (i = 0; i < parent.v->u.map.n; i++) {
        struct smk_member *m = &parent.v->u.map.items[i];
        if (m->key_len == len && smk_same_bytes(m->key, name, len)) {
            if (m->value.kind == SMK_VALUE_NULL)
                return ABSENT;
            if (!smk_vctx_passed(ctx, &m->value))
                return PRESENT_BAD;
            out->v = &m->value;
            return PRESENT_OK;
        }
    }
    return ABSENT;
}

static struct node member_n(struct smk_vctx *ctx, struct node parent, const char *name, size_t len)
{
    struct node r;

    member_of_n(ctx, parent, name, len, &r);
    return r;
}

/* `name` is always a string literal: its length is known at compile time. */
#define member_of(ctx, parent, name, out) member_of_n(ctx, parent, name, sizeof(name) - 1, out)
#define member(ctx, parent, name) member_n(ctx, parent, name, sizeof(name) - 1)

/* Item i (0-based) of list node `list`, or a NULL node. */
static struct node item(struct smk_vctx *ctx, struct node list, size_t i)
{
    struct node r = {NULL};

    if (list.v == NULL || list.v->kind != SMK_VALUE_LIST || i >= list.v->u.list.n)
        return r;
    if (smk_vctx_passed(ctx, &list.v->u.list.items[i]))
        r.v = &list.v->u.list.items[i];
    return r;
}

static size_t items(struct node list)
{
    return list.v != NULL && list.v->kind == SMK_VALUE_LIST ? list.v->u.list.n : 0;
}

/* The string of a conforming STRING node, or NULL. */
static const char *str(struct node n)
{
    return n.v != NULL && n.v->kind == SMK_VALUE_STRING ? n.v->u.s.ptr : NULL;
}

static int str_is(struct node n, const char *s)
{
    const char *p = str(n);

    return p != NULL && strcmp(p, s) == 0;
}

static int in_set(const char *s, const char *const *set)
{
    for (; *set; set++) /* the first byte rules out most names without a call */
        if ((*set)[0] == s[0] && strcmp(s, *set) == 0)
            return 1;
    return 0;
}

/* "a, b, c" into out. */
static const char *join(char *out, size_t cap, const char *const *set)
{
    size_t off = 0;

    out[0] = '\0';
    for (; *set && off < cap; set++)
        off += (size_t)snprintf(out + off, cap - off, "%s%s", off ? ", " : "", *set);
    return out;
}

/* ---- the rules of CreateAutoMLJob -------------------------------------------------- */

/* [ref] ChannelType: "The default value is training. Channels for training and
 * validation must share the same ContentType and TargetAttributeName."
 * [readme] same; a validation channel needs a training channel to validate. */
static void rule_channels(struct smk_vctx *ctx, struct node root)
{
    struct node idc = member(ctx, root, "InputDataConfig");
    size_t i, n = items(idc), train = (size_t)-1, valid = (size_t)-1;
    char path[128];

    for (i = 0; i < n; i++) {
        struct node ch = item(ctx, idc, i), ct;
        enum presence p = member_of(ctx, ch, "ChannelType", &ct);
        size_t *first;
        const char *type;

        if (ch.v == NULL || p == PRESENT_BAD)
            continue;
        type = p == ABSENT ? "training" : str(ct);
        first = strcmp(type, "training") == 0 ? &train : &valid;
        if (*first == (size_t)-1) {
            *first = i;
            continue;
        }
        snprintf(path, sizeof(path), "InputDataConfig[%zu]%s", i + 1,
                 p == ABSENT ? "" : ".ChannelType");
        smk_vctx_issue(ctx, path,
                       "a second %s channel (InputDataConfig[%zu] is one%s); give at most one "
                       "training and one validation channel",
                       type, *first + 1, p == ABSENT ? ", and ChannelType defaults to training" : "");
    }
    if (valid != (size_t)-1 && train == (size_t)-1) {
        snprintf(path, sizeof(path), "InputDataConfig[%zu].ChannelType", valid + 1);
        smk_vctx_issue(ctx, path,
                       "a validation channel needs a training channel: add one (ChannelType "
                       "training, the default)");
    }
    if (valid != (size_t)-1 && train != (size_t)-1) {
        struct node tch = item(ctx, idc, train), vch = item(ctx, idc, valid), tv, vv;
        enum presence tp = member_of(ctx, tch, "ContentType", &tv);
        enum presence vp = member_of(ctx, vch, "ContentType", &vv);

        if (tp != PRESENT_BAD && vp != PRESENT_BAD) {
            const char *ts = tp == ABSENT ? DEFAULT_CONTENT_TYPE : str(tv);
            const char *vs = vp == ABSENT ? DEFAULT_CONTENT_TYPE : str(vv);
            if (strcmp(ts, vs) != 0) {
                char tq[200], vq[200];
                smk_quote(tq, sizeof(tq), ts, strlen(ts));
                smk_quote(vq, sizeof(vq), vs, strlen(vs));
                snprintf(path, sizeof(path), "InputDataConfig[%zu].ContentType", valid + 1);
                smk_vctx_issue(ctx, path,
                               "the validation channel must have the training channel's "
                               "ContentType %s%s (InputDataConfig[%zu]), got %s%s",
                               tq, tp == ABSENT ? " (the default)" : "", train + 1, vq,
                               vp == ABSENT ? " (the default)" : "");
            }
        }
        tv = member(ctx, tch, "TargetAttributeName");
        vv = member(ctx, vch, "TargetAttributeName");
        if (str(tv) && str(vv) &&
            (tv.v->u.s.len != vv.v->u.s.len || memcmp(str(tv), str(vv), tv.v->u.s.len) != 0)) {
            char tq[200], vq[200];
            smk_quote(tq, sizeof(tq), str(tv), tv.v->u.s.len);
            smk_quote(vq, sizeof(vq), str(vv), vv.v->u.s.len);
            snprintf(path, sizeof(path), "InputDataConfig[%zu].TargetAttributeName", valid + 1);
            smk_vctx_issue(ctx, path,
                           "the validation channel must have the training channel's "
                           "TargetAttributeName %s (InputDataConfig[%zu]), got %s",
                           tq, train + 1, vq);
        }
    }
}

/* [ref] ValidationFraction: "values must be greater than 0 and less than 1"
 * (the model's range [0, 1] is inclusive). */
static void rule_validation_fraction(struct smk_vctx *ctx, struct node root)
{
    struct node vf = member(ctx, member(ctx, member(ctx, root, "AutoMLJobConfig"),
                                        "DataSplitConfig"),
                            "ValidationFraction");
    double d;

    if (vf.v == NULL)
        return;
    d = vf.v->kind == SMK_VALUE_INT ? (double)vf.v->u.i : vf.v->u.f;
    if (d <= 0.0 || d >= 1.0)
        smk_vctx_issue(ctx, "AutoMLJobConfig.DataSplitConfig.ValidationFraction",
                       "expected greater than 0 and less than 1, got %g", d);
}

/* [ref] AlgorithmsConfig: "should not be set in AUTO training mode"; "one
 * AutoMLAlgorithms attribute must be set and one only"; AutoMLAlgorithms:
 * "Selected algorithms must belong to the list corresponding to the training
 * mode". [readme] the time-series algorithms are for V2 jobs.
 * With Mode unset the reference page names no default, so only an explicit
 * AUTO is refused, and the algorithms are checked against both tabular modes. */
#define ALGORITHMS_CONFIG "AutoMLJobConfig.CandidateGenerationConfig.AlgorithmsConfig"

static const char *alg_path(char *buf, size_t cap, size_t k)
{
    snprintf(buf, cap, ALGORITHMS_CONFIG "[1].AutoMLAlgorithms[%zu]", k + 1);
    return buf;
}

static void rule_algorithms(struct smk_vctx *ctx, struct node root)
{
    static const char base[] = ALGORITHMS_CONFIG;
    struct node cfg = member(ctx, root, "AutoMLJobConfig");
    struct node mode = member(ctx, cfg, "Mode");
    struct node ac = member(ctx, member(ctx, cfg, "CandidateGenerationConfig"), "AlgorithmsConfig");
    struct node algs;
    const char *const *allowed = NULL;
    char path[160], list[200];
    size_t k, j, n;

    if (ac.v == NULL)
        return;
    if (str_is(mode, "AUTO")) {
        smk_vctx_issue(ctx, base,
                       "must not be set when AutoMLJobConfig.Mode is AUTO; set Mode to ENSEMBLING "
                       "or HYPERPARAMETER_TUNING, or leave AlgorithmsConfig out");
        return;
    }
    if (items(ac) != 1) {
        smk_vctx_issue(ctx, base, "expected exactly one entry (with its AutoMLAlgorithms), got %zu",
                       items(ac));
        return;
    }
    if (str_is(mode, "ENSEMBLING"))
        allowed = algos_ensembling;
    else if (str_is(mode, "HYPERPARAMETER_TUNING"))
        allowed = algos_hpo;
    algs = member(ctx, item(ctx, ac, 0), "AutoMLAlgorithms");
    n = items(algs);
    for (k = 0; k < n; k++) {
        struct node a = item(ctx, algs, k);
        const char *s = str(a);

        if (s == NULL)
            continue;
        if (in_set(s, algos_time_series)) {
            smk_vctx_issue(ctx, alg_path(path, sizeof(path), k),
                           "\"%s\" is a time-series forecasting algorithm, available only with "
                           "CreateAutoMLJobV2; choose from %s", s,
                           join(list, sizeof(list), allowed ? allowed : algos_tabular));
            continue;
        }
        if (allowed != NULL && !in_set(s, allowed)) {
            smk_vctx_issue(ctx, alg_path(path, sizeof(path), k),
                           "\"%s\" is not available in %s mode; choose from %s", s, str(mode),
                           join(list, sizeof(list), allowed));
            continue;
        }
        for (j = 0; j < k; j++) {
            if (str_is(item(ctx, algs, j), s)) {
                smk_vctx_issue(ctx, alg_path(path, sizeof(path), k),
                               "duplicate algorithm \"%s\" (also at %s[1].AutoMLAlgorithms[%zu])",
                               s, ALGORITHMS_CONFIG, j + 1);
                break;
            }
        }
    }
}

/* [ref] ModelDeployConfig: "If you set AutoGenerateEndpointName to True, do not
 * specify the EndpointName"; "Specify the EndpointName if and only if you set
 * AutoGenerateEndpointName to False". An unset AutoGenerateEndpointName (its
 * documented default is False) is not treated as an explicit False. */
static void rule_endpoint_name(struct smk_vctx *ctx, struct node root)
{
    struct node mdc = member(ctx, root, "ModelDeployConfig"), ep;
    struct node gen = member(ctx, mdc, "AutoGenerateEndpointName");
    enum presence p = member_of(ctx, mdc, "EndpointName", &ep);

    if (gen.v == NULL)
        return;
    if (gen.v->u.b && p == PRESENT_OK)
        smk_vctx_issue(ctx, "ModelDeployConfig.EndpointName",
                       "must be left out when AutoGenerateEndpointName is true; remove "
                       "EndpointName or set AutoGenerateEndpointName to false");
    else if (!gen.v->u.b && p == ABSENT)
        smk_vctx_issue(ctx, "ModelDeployConfig.EndpointName",
                       "missing: required when AutoGenerateEndpointName is false");
}

/* [readme] "MetricName: which values are valid depends on ProblemType ... The
 * forecasting metrics in the enum are for V2 jobs." [ref] MetricName options. */
static void rule_metric(struct smk_vctx *ctx, struct node root)
{
    static const char path[] = "AutoMLJobObjective.MetricName";
    struct node metric = member(ctx, member(ctx, root, "AutoMLJobObjective"), "MetricName");
    struct node pt = member(ctx, root, "ProblemType");
    const char *m = str(metric);
    char list[200];
    size_t i;

    if (m == NULL)
        return;
    if (in_set(m, metrics_time_series)) {
        smk_vctx_issue(ctx, path,
                       "\"%s\" is a time-series forecasting metric, available only with "
                       "CreateAutoMLJobV2", m);
        return;
    }
    if (str(pt) == NULL)
        return;
    for (i = 0; i < sizeof(metrics_by_problem) / sizeof(metrics_by_problem[0]); i++) {
        if (str_is(pt, metrics_by_problem[i].problem_type) &&
            !in_set(m, metrics_by_problem[i].metrics)) {
            smk_vctx_issue(ctx, path, "\"%s\" does not fit ProblemType %s; choose from %s", m,
                           str(pt), join(list, sizeof(list), metrics_by_problem[i].metrics));
            return;
        }
    }
}

/* Tag keys must be unique within a request (AWS tagging rules; the service
 * refuses duplicates). Keys are compared exactly: tag keys are case-sensitive. */
#define TAG_SLOTS 128 /* > 2 * the model's 50 tags */

/* A quick hash of a short string: its first and last eight bytes (fewer when
 * shorter) and its length, mixed by multiplications and shifts. */
static size_t hash_bytes(const unsigned char *s, size_t len)
{
    uint64_t head = 0, tail = 0;
    size_t i;

    if (len >= 8) {
        memcpy(&head, s, 8);
        memcpy(&tail, s + len - 8, 8);
    } else {
        for (i = 0; i < len; i++)
            head = head << 8 | s[i];
    }
    head = (head ^ len) * 0x9E3779B97F4A7C15u ^ tail * 0xC2B2AE3D27D4EB4Fu;
    head ^= head >> 32; /* a product's high bits depend on every input bit */
    head *= 0x165667B19E3779F9u;
    return (size_t)(head ^ (head >> 29));
}
static void rule_tag_keys(struct smk_vctx *ctx, struct node root)
{
    struct node tags = member(ctx, root, "Tags");
    const struct smk_value *keys[TAG_SLOTS / 2];
    unsigned char slot[TAG_SLOTS]; /* 1 + index into keys; 0: free */
    size_t i, n = items(tags);
    char path[64], q[200];

    if (n == 0 || n > TAG_SLOTS / 2)
        return;
    memset(slot, 0, sizeof(slot));
    for (i = 0; i < n; i++) {
        const struct smk_value *key = member(ctx, item(ctx, tags, i), "Key").v;
        const char *s;
        size_t len, at;

        keys[i] = key;
        if (key == NULL)
            continue;
        s = key->u.s.ptr;
        len = key->u.s.len;
        for (at = hash_bytes((const unsigned char *)s, len) % TAG_SLOTS; slot[at];
             at = (at + 1) % TAG_SLOTS) {
            const struct smk_value *other = keys[slot[at] - 1];
            if (other->u.s.len == len && smk_same_bytes(other->u.s.ptr, s, len))
                break;
        }
        if (slot[at] == 0) {
            slot[at] = (unsigned char)(i + 1);
            continue;
        }
        smk_quote(q, sizeof(q), s, len);
        snprintf(path, sizeof(path), "Tags[%zu].Key", i + 1);
        smk_vctx_issue(ctx, path, "duplicate tag key %s (already at Tags[%zu].Key)", q,
                       (size_t)slot[at]);
    }
}

/* [readme] "SampleWeightAttributeName works only in ENSEMBLING mode." Checked
 * when Mode is set to another mode (AUTO may choose either). */
static void rule_sample_weight(struct smk_vctx *ctx, struct node root)
{
    struct node mode = member(ctx, member(ctx, root, "AutoMLJobConfig"), "Mode");
    struct node idc = member(ctx, root, "InputDataConfig");
    size_t i, n = items(idc);
    char path[96];

    if (str(mode) == NULL || str_is(mode, "ENSEMBLING"))
        return;
    for (i = 0; i < n; i++) {
        if (member(ctx, item(ctx, idc, i), "SampleWeightAttributeName").v == NULL)
            continue;
        snprintf(path, sizeof(path), "InputDataConfig[%zu].SampleWeightAttributeName", i + 1);
        smk_vctx_issue(ctx, path,
                       "is supported only in ENSEMBLING mode, but AutoMLJobConfig.Mode is %s",
                       str(mode));
    }
}

/* [ref] S3DataType: "AugmentedManifestFile is available for V2 API jobs only
 * (for example, for jobs created by calling CreateAutoMLJobV2)." */
static void rule_augmented_manifest(struct smk_vctx *ctx, struct node root)
{
    struct node idc = member(ctx, root, "InputDataConfig");
    size_t i, n = items(idc);
    char path[96];

    for (i = 0; i < n; i++) {
        struct node t = member(
            ctx, member(ctx, member(ctx, item(ctx, idc, i), "DataSource"), "S3DataSource"),
            "S3DataType");
        if (!str_is(t, "AugmentedManifestFile"))
            continue;
        snprintf(path, sizeof(path), "InputDataConfig[%zu].DataSource.S3DataSource.S3DataType",
                 i + 1);
        smk_vctx_issue(ctx, path,
                       "AugmentedManifestFile is available only with CreateAutoMLJobV2; use "
                       "S3Prefix or ManifestFile");
    }
}

/* ---- the table ------------------------------------------------------------------- */

typedef void (*rule_fn)(struct smk_vctx *ctx, struct node root);

static const struct {
    const char *operation;
    rule_fn rule;
} rules[] = {
    {"CreateAutoMLJob", rule_channels},
    {"CreateAutoMLJob", rule_sample_weight},
    {"CreateAutoMLJob", rule_augmented_manifest},
    {"CreateAutoMLJob", rule_validation_fraction},
    {"CreateAutoMLJob", rule_algorithms},
    {"CreateAutoMLJob", rule_endpoint_name},
    {"CreateAutoMLJob", rule_metric},
    {"CreateAutoMLJob", rule_tag_keys},
};

void smk_rules_apply(struct smk_vctx *ctx, const struct smk_operation *op, struct smk_value *input)
{
    struct node root;
    size_t i;

    root.v = input;
    if (input->kind != SMK_VALUE_MAP || !smk_vctx_passed(ctx, input))
        return; /* not a structure, or an empty one: nothing for the rules */
    for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        if (strcmp(rules[i].operation, op->name) == 0)
            rules[i].rule(ctx, root);
}

/* ---- hints for pattern failures ---------------------------------------------------- */

static int starts_with(const char *s, size_t len, const char *prefix, int fold)
{
    size_t i, n = strlen(prefix);

    if (len < n)
        return 0;
    for (i = 0; i < n; i++) {
        char a = s[i], b = prefix[i];
        if (fold && a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

/* Model pattern (https|s3)://([^/]+)/?(.*): the bucket is required. */
static const char *s3_hint(const char *s, size_t len)
{
    size_t rest;

    if (starts_with(s, len, "s3://", 0) || starts_with(s, len, "https://", 0)) {
        rest = s[0] == 's' ? 5 : 8;
        if (rest == len || s[rest] == '/')
            return " (the bucket name is empty: expected s3://bucket/prefix)";
        if (memchr(s, '\n', len) != NULL || memchr(s, '\r', len) != NULL)
            return " (line breaks are not allowed)";
        return "";
    }
    if (starts_with(s, len, "s3://", 1) || starts_with(s, len, "https://", 1))
        return " (the scheme must be lowercase: s3:// or https://)";
    return " (expected an S3 URI like s3://bucket/prefix)";
}

static const char *name_hint(const char *s, size_t len)
{
    (void)s, (void)len;
    return " (letters, digits and hyphens, starting and ending with a letter or digit)";
}

static const char *role_hint(const char *s, size_t len)
{
    (void)s, (void)len;
    return " (expected an IAM role ARN like arn:aws:iam::123456789012:role/MyRole)";
}

static const char *security_group_hint(const char *s, size_t len)
{
    (void)s, (void)len;
    return " (letters, digits and hyphens, like sg-0123456789abcdef0)";
}

static const char *subnet_hint(const char *s, size_t len)
{
    (void)s, (void)len;
    return " (letters, digits and hyphens, like subnet-0123456789abcdef0)";
}

static const char *tag_hint(const char *s, size_t len)
{
    (void)s, (void)len;
    return " (letters, digits, spaces and _ . : / = + - @ only)";
}

static const struct {
    const char *shape;
    const char *(*hint)(const char *s, size_t len);
} pattern_hints[] = {
    {"AutoMLJobName", name_hint},
    {"EndpointName", name_hint},
    {"RoleArn", role_hint},
    {"S3Uri", s3_hint},
    {"SecurityGroupId", security_group_hint},
    {"SubnetId", subnet_hint},
    {"TagKey", tag_hint},
    {"TagValue", tag_hint},
};

const char *smk_rules_pattern_hint(const struct smk_shape *shape, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < sizeof(pattern_hints) / sizeof(pattern_hints[0]); i++)
        if (strcmp(pattern_hints[i].shape, shape->name) == 0)
            return pattern_hints[i].hint(s, len);
    return "";
}
