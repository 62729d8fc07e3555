/*
 * Validation against the generated model: table-driven valid and invalid
 * requests with the exact list of issue paths and a fragment of the first
 * message, plus normalisation, sorting, limits and lookups.
 *
 * Requests are written in a compact JSON-like notation read by build() below:
 *   {Key: value, 'odd key': value}  structure/map    [a, b]   list
 *   'text' or "text" with \n \t \\ \' \" \xHH escapes; 'ab'*3 repeats a string
 *   12 (INT)  1.5 1e3 (FLOAT)  nan inf -inf  true false null
 *   @function  an SMK_VALUE_INVALID with that description
 *   ~          (in a patch) removes the member from the base request
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "model/shape.h"
#include "smk/json.h"
#include "smk/model.h"
#include "smk/value.h"

/* ---- a tiny builder for value trees -------------------------------------------- */

#define BUILD_MAX_ITEMS 128
static const char DELETE_MARK[] = "\001delete";

struct reader {
    const char *p;
    struct smk_arena *a;
    int bad;
};

static void skip_ws(struct reader *r)
{
    while (*r->p == ' ' || *r->p == '\n' || *r->p == '\t' || *r->p == '\r')
        r->p++;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A quoted string (with an optional *N repeat) into a malloc'ed buffer. */
static char *read_string(struct reader *r, size_t *len_out)
{
    char q = *r->p++, *buf, *out;
    size_t cap = 64, n = 0, reps = 1, total, k;

    buf = malloc(cap);
    while (*r->p && *r->p != q) {
        char c = *r->p++;
        if (c == '\\') {
            c = *r->p++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '0': c = '\0'; break;
            case 'x':
                c = (char)(hexval(r->p[0]) * 16 + hexval(r->p[1]));
                r->p += 2;
                break;
            default: break;
            }
        }
        if (n + 1 >= cap)
            buf = realloc(buf, cap *= 2);
        buf[n++] = c;
    }
    if (*r->p != q)
        r->bad = 1;
    else
        r->p++;
    if (*r->p == '*') {
        r->p++;
        reps = strtoul(r->p, (char **)&r->p, 10);
    }
    total = n * reps;
    out = malloc(total + 1);
    for (k = 0; k < reps; k++)
        memcpy(out + k * n, buf, n);
    out[total] = '\0';
    free(buf);
    *len_out = total;
    return out;
}

static int is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.' || c == '+';
}

static void read_value(struct reader *r, struct smk_value *v)
{
    skip_ws(r);
    if (*r->p == '{' || *r->p == '[') {
        int is_map = *r->p == '{';
        struct smk_value *vals = calloc(BUILD_MAX_ITEMS, sizeof(*vals));
        char **keys = calloc(BUILD_MAX_ITEMS, sizeof(*keys));
        size_t *klens = calloc(BUILD_MAX_ITEMS, sizeof(*klens));
        size_t n = 0, i;
        r->p++;
        skip_ws(r);
        while (*r->p && *r->p != (is_map ? '}' : ']') && n < BUILD_MAX_ITEMS && !r->bad) {
            if (is_map) {
                if (*r->p == '\'' || *r->p == '"') {
                    keys[n] = read_string(r, &klens[n]);
                } else {
                    const char *s = r->p;
                    while (is_ident(*r->p))
                        r->p++;
                    klens[n] = (size_t)(r->p - s);
                    keys[n] = malloc(klens[n] + 1);
                    memcpy(keys[n], s, klens[n]);
                    keys[n][klens[n]] = '\0';
                }
                skip_ws(r);
                if (*r->p++ != ':')
                    r->bad = 1;
            }
            read_value(r, &vals[n++]);
            skip_ws(r);
            if (*r->p == ',')
                r->p++;
            skip_ws(r);
        }
        if (*r->p != (is_map ? '}' : ']'))
            r->bad = 1;
        else
            r->p++;
        if (is_map) {
            smk_value_set_map(r->a, v, n);
            for (i = 0; i < n; i++) {
                smk_value_map_set_key(r->a, v, i, keys[i], klens[i]);
                v->u.map.items[i].value = vals[i];
            }
        } else {
            smk_value_set_list(r->a, v, n);
            for (i = 0; i < n; i++)
                v->u.list.items[i] = vals[i];
        }
        for (i = 0; i < n; i++)
            free(keys[i]);
        free(keys);
        free(klens);
        free(vals);
    } else if (*r->p == '\'' || *r->p == '"') {
        size_t len;
        char *s = read_string(r, &len);
        smk_value_set_string(r->a, v, s, len);
        free(s);
    } else if (*r->p == '@') {
        const char *s = ++r->p;
        char what[64];
        while (is_ident(*r->p))
            r->p++;
        snprintf(what, sizeof(what), "%.*s", (int)(r->p - s), s);
        smk_value_set_invalid(r->a, v, what);
    } else if (*r->p == '~') {
        r->p++;
        smk_value_set_invalid(r->a, v, DELETE_MARK);
    } else if (strncmp(r->p, "true", 4) == 0) {
        r->p += 4;
        smk_value_set_bool(v, 1);
    } else if (strncmp(r->p, "false", 5) == 0) {
        r->p += 5;
        smk_value_set_bool(v, 0);
    } else if (strncmp(r->p, "null", 4) == 0) {
        r->p += 4;
        smk_value_set_null(v);
    } else if (strncmp(r->p, "nan", 3) == 0) {
        r->p += 3;
        smk_value_set_float(v, NAN);
    } else if (strncmp(r->p, "inf", 3) == 0 || strncmp(r->p, "-inf", 4) == 0) {
        smk_value_set_float(v, *r->p == '-' ? -INFINITY : INFINITY);
        r->p += *r->p == '-' ? 4 : 3;
    } else {
        const char *s = r->p;
        int is_float = 0;
        if (*r->p == '-')
            r->p++;
        while ((*r->p >= '0' && *r->p <= '9') || *r->p == '.' || *r->p == 'e' || *r->p == 'E' ||
               ((*r->p == '+' || *r->p == '-') && (r->p[-1] == 'e' || r->p[-1] == 'E'))) {
            if (*r->p == '.' || *r->p == 'e' || *r->p == 'E')
                is_float = 1;
            r->p++;
        }
        if (r->p == s) {
            r->bad = 1;
            smk_value_set_null(v);
        } else if (is_float) {
            smk_value_set_float(v, strtod(s, NULL));
        } else {
            smk_value_set_int(v, strtoll(s, NULL, 10));
        }
    }
}

static int build(struct smk_arena *a, const char *text, struct smk_value *out)
{
    struct reader r = {text, a, 0};

    read_value(&r, out);
    skip_ws(&r);
    if (r.bad || *r.p != '\0') {
        fprintf(stderr, "build: cannot read test input near: %.40s\n", r.p);
        return -1;
    }
    return 0;
}

static int is_delete(const struct smk_value *v)
{
    return v->kind == SMK_VALUE_INVALID && strcmp(v->u.s.ptr, DELETE_MARK) == 0;
}

/* Merge `patch` into `base` (RFC 7396 style, with ~ for removal). */
static void merge(struct smk_arena *a, struct smk_value *base, const struct smk_value *patch)
{
    struct smk_value out;
    size_t i, j, n = 0;

    if (base->kind != SMK_VALUE_MAP || patch->kind != SMK_VALUE_MAP) {
        *base = *patch;
        return;
    }
    smk_value_set_map(a, &out, base->u.map.n + patch->u.map.n);
    for (i = 0; i < base->u.map.n; i++) {
        struct smk_member *bm = &base->u.map.items[i];
        const struct smk_value *pv = smk_value_get(patch, bm->key);
        if (pv != NULL && is_delete(pv))
            continue;
        out.u.map.items[n] = *bm;
        if (pv != NULL)
            merge(a, &out.u.map.items[n].value, pv);
        n++;
    }
    for (j = 0; j < patch->u.map.n; j++) {
        const struct smk_member *pm = &patch->u.map.items[j];
        if (smk_value_get(base, pm->key) != NULL || is_delete(&pm->value))
            continue;
        out.u.map.items[n++] = *pm;
    }
    out.u.map.n = n;
    *base = out;
}

/* ---- requests ------------------------------------------------------------------------ */

#define CHANNEL(type, uri, target)                                                           \
    "{DataSource: {S3DataSource: {S3DataType: 'S3Prefix', S3Uri: '" uri "'}}, "             \
    "TargetAttributeName: '" target "'" type "}"

static const char BASE_CREATE[] =
    "{AutoMLJobName: 'churn-1',"
    " InputDataConfig: [" CHANNEL("", "s3://bucket/train/", "y") "],"
    " OutputDataConfig: {S3OutputPath: 's3://bucket/out/'},"
    " RoleArn: 'arn:aws:iam::123456789012:role/SageMakerRole'}";

/* Every member of CreateAutoMLJob, 2 channels, 50 tags, 5 security groups,
 * 16 subnets: the lead's benchmark request. */
static char *maximal_create(void)
{
    size_t cap = 16384, off = 0;
    char *b = malloc(cap);
    int i;

    off += (size_t)snprintf(b + off, cap - off,
        "{AutoMLJobName: 'churn-max-1',"
        " InputDataConfig: ["
        "{DataSource: {S3DataSource: {S3DataType: 'S3Prefix', S3Uri: 's3://bucket/train/'}},"
        " CompressionType: 'Gzip', TargetAttributeName: 'churned', ContentType: 'text/csv;header=present',"
        " ChannelType: 'training', SampleWeightAttributeName: 'weight'},"
        "{DataSource: {S3DataSource: {S3DataType: 'ManifestFile', S3Uri: 's3://bucket/valid.manifest'}},"
        " CompressionType: 'None', TargetAttributeName: 'churned', ContentType: 'text/csv;header=present',"
        " ChannelType: 'validation', SampleWeightAttributeName: 'weight'}],"
        " OutputDataConfig: {KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abcd-1234', S3OutputPath: 's3://bucket/out/'},"
        " ProblemType: 'BinaryClassification',"
        " AutoMLJobObjective: {MetricName: 'F1'},"
        " AutoMLJobConfig: {CompletionCriteria: {MaxCandidates: 250, MaxRuntimePerTrainingJobInSeconds: 3600,"
        " MaxAutoMLJobRuntimeInSeconds: 86400},"
        " SecurityConfig: {VolumeKmsKeyId: 'alias/my-key', EnableInterContainerTrafficEncryption: true,"
        " VpcConfig: {SecurityGroupIds: [");
    for (i = 1; i <= 5; i++)
        off += (size_t)snprintf(b + off, cap - off, "%s'sg-0123456789abcdef%d'", i > 1 ? "," : "", i);
    off += (size_t)snprintf(b + off, cap - off, "], Subnets: [");
    for (i = 1; i <= 16; i++)
        off += (size_t)snprintf(b + off, cap - off, "%s'subnet-0123456789abcde%02d'", i > 1 ? "," : "", i);
    off += (size_t)snprintf(b + off, cap - off,
        "]}},"
        " CandidateGenerationConfig: {FeatureSpecificationS3Uri: 's3://bucket/features.json',"
        " AlgorithmsConfig: [{AutoMLAlgorithms: ['xgboost', 'lightgbm', 'catboost']}]},"
        " DataSplitConfig: {ValidationFraction: 0.2}, Mode: 'ENSEMBLING'},"
        " RoleArn: 'arn:aws:iam::123456789012:role/service-role/AmazonSageMaker-ExecutionRole',"
        " GenerateCandidateDefinitionsOnly: false,"
        " Tags: [");
    for (i = 1; i <= 50; i++)
        off += (size_t)snprintf(b + off, cap - off, "%s{Key: 'team-key-%02d', Value: 'value %02d: data/science@example.com'}",
                                i > 1 ? "," : "", i, i);
    snprintf(b + off, cap - off,
             "], ModelDeployConfig: {AutoGenerateEndpointName: false, EndpointName: 'churn-endpoint'}}");
    return b;
}

/* ---- running cases --------------------------------------------------------------------- */

struct vcase {
    const char *op;    /* operation name */
    int patch;         /* 1: `input` is merged into BASE_CREATE */
    const char *input;
    const char *paths; /* expected issue paths joined by '|' ("^" is the root); NULL: valid */
    const char *frag;  /* fragment of the first issue's message */
};

static int run_case(const struct vcase *c, int index)
{
    struct smk_arena a;
    struct smk_value v, patch;
    struct smk_issues is;
    struct smk_error err;
    const struct smk_operation *op = smk_operation_find(c->op);
    char got[2048];
    size_t off = 0, i;
    enum smk_err rc;
    int ok = 1;

    smk_arena_init(&a, 0);
    smk_issues_init(&is);
    smk_error_clear(&err);
    if (op == NULL) {
        fprintf(stderr, "case %d: unknown operation %s\n", index, c->op);
        return 0;
    }
    if (c->patch) {
        if (build(&a, BASE_CREATE, &v) != 0 || build(&a, c->input, &patch) != 0)
            ok = 0;
        else
            merge(&a, &v, &patch);
    } else if (build(&a, c->input, &v) != 0) {
        ok = 0;
    }
    if (!ok) {
        fprintf(stderr, "case %d: bad test input\n", index);
        smk_arena_cleanup(&a);
        return 0;
    }
    rc = smk_validate(op, &v, &a, &is, &err);
    got[0] = '\0';
    for (i = 0; i < is.n && off < sizeof(got); i++)
        off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%s", i ? "|" : "",
                                is.items[i].path[0] ? is.items[i].path : "^");
    if (c->paths == NULL) {
        if (rc != SMK_OK || is.n != 0) {
            fprintf(stderr, "case %d (%s): expected valid, got %s: %s\n", index, c->op,
                    smk_err_name(rc), err.message);
            ok = 0;
        }
    } else {
        if (rc != SMK_E_VALIDATION || strcmp(got, c->paths) != 0) {
            fprintf(stderr, "case %d (%s): paths\n  got:  [%s]\n  want: [%s]\n", index, c->op,
                    got, c->paths);
            ok = 0;
        }
        if (c->frag && (is.n == 0 || strstr(is.items[0].message, c->frag) == NULL)) {
            fprintf(stderr, "case %d (%s): message\n  got:  [%s]\n  want fragment: [%s]\n",
                    index, c->op, is.n ? is.items[0].message : "(none)", c->frag);
            ok = 0;
        }
        if (strcmp(err.type, "ValidationError") != 0 || err.code != SMK_E_VALIDATION) {
            fprintf(stderr, "case %d: error record %s %s\n", index, err.type,
                    smk_err_name(err.code));
            ok = 0;
        }
    }
    if (getenv("SHOW_MESSAGES"))
        for (i = 0; i < is.n; i++)
            printf("  %-60s %s\n", is.items[i].path, is.items[i].message);
    smk_arena_cleanup(&a);
    return ok;
}

#define CH(type, uri, target) CHANNEL(type, uri, target)
#define CREATE "CreateAutoMLJob"
#define LIST_JOBS "ListAutoMLJobs"
#define LIST_CANDS "ListCandidatesForAutoMLJob"
#define ALGS(mode, list)                                                                      \
    "{AutoMLJobConfig: {Mode: '" mode "', CandidateGenerationConfig: {AlgorithmsConfig: " list \
    "}}}"
#define ALGS_PATH "AutoMLJobConfig.CandidateGenerationConfig.AlgorithmsConfig"

static const struct vcase valid_cases[] = {
    {CREATE, 1, "{}", NULL, NULL},
    {CREATE, 1, "{InputDataConfig: [" CH(", ChannelType: 'training'", "s3://b/t", "y") ","
                CH(", ChannelType: 'validation'", "s3://b/v", "y") "]}", NULL, NULL},
    {CREATE, 1, "{InputDataConfig: [" CH(", ChannelType: 'validation', ContentType: 'x-application/vnd.amazon+parquet'", "s3://b/v", "y") ","
                CH(", ContentType: 'x-application/vnd.amazon+parquet'", "s3://b/t", "y") "]}", NULL, NULL},
    {CREATE, 1, ALGS("ENSEMBLING", "[{AutoMLAlgorithms: ['xgboost', 'lightgbm', 'nn-torch']}]"), NULL, NULL},
    {CREATE, 1, ALGS("HYPERPARAMETER_TUNING", "[{AutoMLAlgorithms: []}]"), NULL, NULL},
    {CREATE, 1, "{AutoMLJobConfig: {CandidateGenerationConfig: {AlgorithmsConfig: [{AutoMLAlgorithms: ['mlp', 'catboost']}]}}}", NULL, NULL},
    {CREATE, 1, "{ModelDeployConfig: {AutoGenerateEndpointName: true}}", NULL, NULL},
    {CREATE, 1, "{ModelDeployConfig: {AutoGenerateEndpointName: false, EndpointName: 'ep-1'}}", NULL, NULL},
    {CREATE, 1, "{ModelDeployConfig: {EndpointName: 'ep-1'}}", NULL, NULL},
    {CREATE, 1, "{AutoMLJobConfig: {CompletionCriteria: {MaxCandidates: 10.0}}}", NULL, NULL},
    {CREATE, 1, "{ProblemType: null, Tags: null, AutoMLJobObjective: null}", NULL, NULL},
    {CREATE, 1, "{AutoMLJobConfig: [], ModelDeployConfig: [], Tags: []}", NULL, NULL},
    {CREATE, 1, "{Tags: [{Key: '\xc3\x9cn\xc3\xaf" "code \xe5\x90\x8d\xe5\x89\x8d', Value: '\xc3\xa9'*256}, {Key: 'k', Value: ''}]}", NULL, NULL},
    {CREATE, 1, "{OutputDataConfig: {S3OutputPath: 'https://bucket.s3.amazonaws.com/out', KmsKeyId: ''}}", NULL, NULL},
    {CREATE, 1, "{ProblemType: 'Regression', AutoMLJobObjective: {MetricName: 'RMSE'}}", NULL, NULL},
    {CREATE, 1, "{ProblemType: 'MulticlassClassification', AutoMLJobObjective: {MetricName: 'F1macro'}}", NULL, NULL},
    {CREATE, 1, "{AutoMLJobObjective: {MetricName: 'AUC'}}", NULL, NULL},
    {CREATE, 1, "{AutoMLJobConfig: {Mode: 'ENSEMBLING'}, InputDataConfig: [" CH(", SampleWeightAttributeName: 'w_1'", "s3://b/t", "y") "]}", NULL, NULL},
    {CREATE, 1, "{AutoMLJobName: '" "a-b--c0" "', Tags: [{Key: 'k', Value: 'v'}, {Key: 'K', Value: 'v'}]}", NULL, NULL},
    {CREATE, 1, "{AutoMLJobName: 'a'*32, AutoMLJobConfig: {DataSplitConfig: {ValidationFraction: 0.5}, CompletionCriteria: {MaxCandidates: 750}}}", NULL, NULL},
    {"DescribeAutoMLJob", 0, "{AutoMLJobName: 'job-1'}", NULL, NULL},
    {"stop_auto_ml_job", 0, "{AutoMLJobName: 'job-1'}", NULL, NULL},
    {LIST_JOBS, 0, "{}", NULL, NULL},
    {LIST_JOBS, 0, "[]", NULL, NULL},
    {LIST_JOBS, 0, "{CreationTimeAfter: '2024-01-02T03:04:05Z', CreationTimeBefore: 1704164645,"
                   " LastModifiedTimeAfter: 1704164645.25, LastModifiedTimeBefore: '2024-01-02 03:04:05.123456789+05:30',"
                   " NameContains: 'churn', StatusEquals: 'Completed', SortOrder: 'Descending', SortBy: 'CreationTime',"
                   " MaxResults: 100, NextToken: 'abc=='}", NULL, NULL},
    {LIST_CANDS, 0, "{AutoMLJobName: 'job-1', StatusEquals: 'Failed', CandidateNameEquals: 'cand',"
                    " SortOrder: 'Ascending', SortBy: 'FinalObjectiveMetricValue', MaxResults: 300, NextToken: ''}", NULL, NULL},
};

static const struct vcase invalid_cases[] = {
    /* the root and structures */
    {CREATE, 0, "'hello'", "^", "expected a table (structure), got string \"hello\""},
    {CREATE, 0, "[1, 2]", "^", "expected a table (structure), got a list"},
    {CREATE, 0, "@function", "^", "expected a table (structure), got function"},
    {CREATE, 0, "{}", "AutoMLJobName|InputDataConfig|OutputDataConfig|RoleArn", "missing required member (expected string)"},
    {CREATE, 0, "[]", "AutoMLJobName|InputDataConfig|OutputDataConfig|RoleArn", "missing required member"},
    {CREATE, 1, "{AutoMlJobName: 'x'}", "AutoMlJobName", "unknown member \"AutoMlJobName\" (did you mean \"AutoMLJobName\"?)"},
    {CREATE, 1, "{RoleArm: 'x'}", "RoleArm", "(did you mean \"RoleArn\"?)"},
    {CREATE, 1, "{InputDataconfig: 'x'}", "InputDataconfig", "(did you mean \"InputDataConfig\"?)"},
    {CREATE, 1, "{Foo: 1}", "Foo", "unknown member \"Foo\"; CreateAutoMLJobRequest has: AutoMLJobConfig, AutoMLJobName"},
    {CREATE, 1, "{'odd key': 1}", "[\"odd key\"]", "unknown member \"odd key\""},
    {CREATE, 1, "{AutoMLJobName: null}", "AutoMLJobName", "missing required member"},
    {CREATE, 1, "{RoleArn: ~}", "RoleArn", "missing required member"},
    {CREATE, 1, "{OutputDataConfig: [{S3OutputPath: 's3://b/o'}]}", "OutputDataConfig", "expected a table (structure), got a list"},
    {CREATE, 1, "{OutputDataConfig: []}", "OutputDataConfig.S3OutputPath", "missing required member"},
    {CREATE, 1, "{OutputDataConfig: 's3://b/o'}", "OutputDataConfig", "got string \"s3://b/o\""},
    /* strings */
    {CREATE, 1, "{AutoMLJobName: 'my_job'}", "AutoMLJobName", "must match pattern [a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}, got \"my_job\""},
    {CREATE, 1, "{AutoMLJobName: 'a'*40}", "AutoMLJobName", "expected at most 32 characters, got 40"},
    {CREATE, 1, "{AutoMLJobName: ''}", "AutoMLJobName", "expected at least 1 character, got 0"},
    {CREATE, 1, "{AutoMLJobName: 5}", "AutoMLJobName", "expected string, got integer 5"},
    {CREATE, 1, "{AutoMLJobName: @function}", "AutoMLJobName", "expected string, got function"},
    {CREATE, 1, "{AutoMLJobName: 'ab\\0cd'}", "AutoMLJobName", "contains a NUL byte"},
    {CREATE, 1, "{AutoMLJobName: 'a\\xC0\\xAF'}", "AutoMLJobName", "is not valid UTF-8 (byte 0xC0 at offset 1)"},
    {CREATE, 1, "{AutoMLJobName: '\\xED\\xA0\\x80'}", "AutoMLJobName", "is not valid UTF-8"},
    {CREATE, 1, "{AutoMLJobName: '\\xF4\\x90\\x80\\x80'}", "AutoMLJobName", "is not valid UTF-8"},
    {CREATE, 1, "{AutoMLJobName: 'ab\\xE2\\x82'}", "AutoMLJobName", "is not valid UTF-8 (byte 0xE2 at offset 2)"},
    {CREATE, 1, "{AutoMLJobName: '\xc3\xa9'*20}", "AutoMLJobName", "must match pattern"},
    {CREATE, 1, "{RoleArn: 'arn:aws:iam::12345:role/x'}", "RoleArn", "(expected an IAM role ARN like"},
    {CREATE, 1, "{RoleArn: 'short'}", "RoleArn", "expected at least 20 characters, got 5"},
    {CREATE, 1, "{RoleArn: 'arn:aws:iam::\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5\xd9\xa6\xd9\xa7\xd9\xa8\xd9\xa9\xd9\xa0\xd9\xa1\xd9\xa2:role/x'}", "RoleArn", "must match pattern"},
    {CREATE, 1, "{OutputDataConfig: {S3OutputPath: 's3:///x'}}", "OutputDataConfig.S3OutputPath", "(the bucket name is empty: expected s3://bucket/prefix)"},
    {CREATE, 1, "{OutputDataConfig: {S3OutputPath: 'S3://bucket/x'}}", "OutputDataConfig.S3OutputPath", "(the scheme must be lowercase"},
    {CREATE, 1, "{OutputDataConfig: {S3OutputPath: 'bucket/x'}}", "OutputDataConfig.S3OutputPath", "(expected an S3 URI like s3://bucket/prefix)"},
    {CREATE, 1, "{OutputDataConfig: {S3OutputPath: 'x'*5000}}", "OutputDataConfig.S3OutputPath", "expected at most 1024 characters, got 5000 bytes"},
    {CREATE, 1, "{OutputDataConfig: {S3OutputPath: 's3://b/x\\ny'}}", "OutputDataConfig.S3OutputPath", "got \"s3://b/x\\ny\" (line breaks are not allowed)"},
    {CREATE, 1, "{OutputDataConfig: {S3OutputPath: 's3://b/o', KmsKeyId: 'key id'}}", "OutputDataConfig.KmsKeyId", "must match pattern [a-zA-Z0-9:/_-]*, got \"key id\""},
    {CREATE, 1, "{Tags: [{Key: 'k', Value: '\xc3\xa9'*257}]}", "Tags[1].Value", "expected at most 256 characters, got 257"},
    {CREATE, 1, "{Tags: [{Key: '', Value: 'v'}]}", "Tags[1].Key", "expected at least 1 character, got 0"},
    {CREATE, 1, "{Tags: [{Key: 'k', Value: 'a\\nb'}]}", "Tags[1].Value", "got \"a\\nb\" (letters, digits, spaces"},
    {CREATE, 1, "{Tags: [{Key: 'k'}]}", "Tags[1].Value", "missing required member"},
    /* enums */
    {CREATE, 1, "{InputDataConfig: [{DataSource: {S3DataSource: {S3DataType: 'S3prefix', S3Uri: 's3://b/t'}}, TargetAttributeName: 'y'}]}",
     "InputDataConfig[1].DataSource.S3DataSource.S3DataType",
     "expected one of ManifestFile, S3Prefix, AugmentedManifestFile, got \"S3prefix\" (did you mean \"S3Prefix\"?)"},
    {CREATE, 1, "{ProblemType: 'regression'}", "ProblemType", "(did you mean \"Regression\"?)"},
    {CREATE, 1, "{InputDataConfig: [" CH(", CompressionType: 'zip'", "s3://b/t", "y") "]}", "InputDataConfig[1].CompressionType", "expected one of None, Gzip, got \"zip\" (did you mean \"Gzip\"?)"},
    {CREATE, 1, "{InputDataConfig: [" CH(", ChannelType: 'test'", "s3://b/t", "y") "]}", "InputDataConfig[1].ChannelType", "expected one of training, validation, got \"test\""},
    {CREATE, 1, "{AutoMLJobConfig: {Mode: 'auto'}}", "AutoMLJobConfig.Mode", "(did you mean \"AUTO\"?)"},
    {CREATE, 1, "{AutoMLJobObjective: {MetricName: 'f1-score'}}", "AutoMLJobObjective.MetricName", "expected one of Accuracy, MSE, F1, F1macro"},
    /* lists */
    {CREATE, 1, "{InputDataConfig: " CH("", "s3://b/t", "y") "}", "InputDataConfig",
     "expected a list (sequence table), got a table with keys (\"DataSource\", \"TargetAttributeName\"); for a list of one item, wrap it in another table"},
    {CREATE, 1, "{InputDataConfig: []}", "InputDataConfig", "expected at least 1 item, got 0"},
    {CREATE, 1, "{InputDataConfig: [" CH("", "s3://b/1", "y") "," CH("", "s3://b/2", "y") "," CH("", "s3://b/3", "y") "]}", "InputDataConfig", "expected at most 2 items, got 3"},
    {CREATE, 1, "{InputDataConfig: 'x'}", "InputDataConfig", "expected a list (sequence table), got string \"x\""},
    {CREATE, 1, "{InputDataConfig: [null]}", "InputDataConfig[1]", "expected a table (structure), got null"},
    {CREATE, 1, "{InputDataConfig: [{DataSource: {S3DataSource: {S3DataType: 'S3Prefix', S3Uri: 's3://b/t'}}}]}", "InputDataConfig[1].TargetAttributeName", "missing required member"},
    {CREATE, 1, "{InputDataConfig: [{DataSource: {S3DataSource: {S3DataType: 'S3Prefix'}}, TargetAttributeName: 'y'}]}", "InputDataConfig[1].DataSource.S3DataSource.S3Uri", "missing required member"},
    {CREATE, 1, "{InputDataConfig: [" CH("", "s3://b/t", "y") "," CH(", ChannelType: 'validation'", "s3:/b/v", "y") "]}", "InputDataConfig[2].DataSource.S3DataSource.S3Uri", "must match pattern (https|s3)://([^/]+)/?(.*), got \"s3:/b/v\""},
    {CREATE, 1, "{AutoMLJobConfig: {SecurityConfig: {VpcConfig: {SecurityGroupIds: ['sg-1','sg-2','sg-3','sg-4','sg-5','sg-6'], Subnets: ['s-1']}}}}",
     "AutoMLJobConfig.SecurityConfig.VpcConfig.SecurityGroupIds", "expected at most 5 items, got 6"},
    {CREATE, 1, "{AutoMLJobConfig: {SecurityConfig: {VpcConfig: {SecurityGroupIds: ['sg_1'], Subnets: ['s-1']}}}}",
     "AutoMLJobConfig.SecurityConfig.VpcConfig.SecurityGroupIds[1]", "must match pattern [-0-9a-zA-Z]+, got \"sg_1\""},
    {CREATE, 1, "{AutoMLJobConfig: {SecurityConfig: {VpcConfig: {SecurityGroupIds: ['sg-1']}}}}",
     "AutoMLJobConfig.SecurityConfig.VpcConfig.Subnets", "missing required member (expected a list (sequence table))"},
    {CREATE, 1, "{AutoMLJobConfig: {SecurityConfig: {VpcConfig: {SecurityGroupIds: ['sg-1'], Subnets: {a: 1}}}}}",
     "AutoMLJobConfig.SecurityConfig.VpcConfig.Subnets", "expected a list (sequence table), got a table with keys (\"a\")"},
    /* integers */
    {CREATE, 1, "{AutoMLJobConfig: {CompletionCriteria: {MaxCandidates: 0}}}", "AutoMLJobConfig.CompletionCriteria.MaxCandidates", "expected at least 1, got 0"},
    {CREATE, 1, "{AutoMLJobConfig: {CompletionCriteria: {MaxCandidates: 751}}}", "AutoMLJobConfig.CompletionCriteria.MaxCandidates", "expected at most 750, got 751"},
    {CREATE, 1, "{AutoMLJobConfig: {CompletionCriteria: {MaxCandidates: '5'}}}", "AutoMLJobConfig.CompletionCriteria.MaxCandidates", "expected integer, got string \"5\""},
    {CREATE, 1, "{AutoMLJobConfig: {CompletionCriteria: {MaxCandidates: 1.5}}}", "AutoMLJobConfig.CompletionCriteria.MaxCandidates", "expected integer, got number 1.5"},
    {CREATE, 1, "{AutoMLJobConfig: {CompletionCriteria: {MaxCandidates: nan}}}", "AutoMLJobConfig.CompletionCriteria.MaxCandidates", "expected integer, got number nan"},
    {CREATE, 1, "{AutoMLJobConfig: {CompletionCriteria: {MaxCandidates: 1e300}}}", "AutoMLJobConfig.CompletionCriteria.MaxCandidates", "got number 1e+300 (out of the 64-bit range)"},
    {CREATE, 1, "{AutoMLJobConfig: {CompletionCriteria: {MaxCandidates: true}}}", "AutoMLJobConfig.CompletionCriteria.MaxCandidates", "expected integer, got boolean true"},
    {CREATE, 1, "{AutoMLJobConfig: {CompletionCriteria: {MaxAutoMLJobRuntimeInSeconds: 3000000000}}}", "AutoMLJobConfig.CompletionCriteria.MaxAutoMLJobRuntimeInSeconds", "expected at most 2147483647 (32-bit integer), got 3000000000"},
    {CREATE, 1, "{AutoMLJobConfig: {CompletionCriteria: {MaxRuntimePerTrainingJobInSeconds: -5.0}}}", "AutoMLJobConfig.CompletionCriteria.MaxRuntimePerTrainingJobInSeconds", "expected at least 1, got -5"},
    /* floats and booleans */
    {CREATE, 1, "{AutoMLJobConfig: {DataSplitConfig: {ValidationFraction: 1.5}}}", "AutoMLJobConfig.DataSplitConfig.ValidationFraction", "expected at most 1, got 1.5"},
    {CREATE, 1, "{AutoMLJobConfig: {DataSplitConfig: {ValidationFraction: '0.2'}}}", "AutoMLJobConfig.DataSplitConfig.ValidationFraction", "expected number, got string \"0.2\""},
    {CREATE, 1, "{AutoMLJobConfig: {DataSplitConfig: {ValidationFraction: inf}}}", "AutoMLJobConfig.DataSplitConfig.ValidationFraction", "expected a finite number, got inf"},
    {CREATE, 1, "{GenerateCandidateDefinitionsOnly: 'true'}", "GenerateCandidateDefinitionsOnly", "expected boolean, got string \"true\""},
    {CREATE, 1, "{AutoMLJobConfig: {SecurityConfig: {EnableInterContainerTrafficEncryption: 1}}}", "AutoMLJobConfig.SecurityConfig.EnableInterContainerTrafficEncryption", "expected boolean, got integer 1"},
    /* timestamps and the companion operations */
    {LIST_JOBS, 0, "{CreationTimeAfter: '2024-13-01T00:00:00Z'}", "CreationTimeAfter", "got string \"2024-13-01T00:00:00Z\" (month out of range)"},
    {LIST_JOBS, 0, "{CreationTimeAfter: '2024-01-02T03:04:05'}", "CreationTimeAfter", "(missing time zone: add Z for UTC or an offset like +01:00)"},
    {LIST_JOBS, 0, "{CreationTimeAfter: 'yesterday'}", "CreationTimeAfter", "expected timestamp (epoch seconds or ISO 8601 like 2024-01-02T03:04:05Z), got string \"yesterday\""},
    {LIST_JOBS, 0, "{CreationTimeAfter: '2023-02-29T00:00:00Z'}", "CreationTimeAfter", "(day out of range for the month)"},
    {LIST_JOBS, 0, "{LastModifiedTimeBefore: true}", "LastModifiedTimeBefore", "expected timestamp"},
    {LIST_JOBS, 0, "{CreationTimeBefore: '2024-01-02T25:00:00Z'}", "CreationTimeBefore", "(time out of range)"},
    {LIST_JOBS, 0, "{MaxResults: 101}", "MaxResults", "expected at most 100, got 101"},
    {LIST_JOBS, 0, "{SortBy: 'name'}", "SortBy", "(did you mean \"Name\"?)"},
    {LIST_JOBS, 0, "{NameContains: 'a b'}", "NameContains", "must match pattern [a-zA-Z0-9\\-]+"},
    {LIST_JOBS, 0, "'x'", "^", "expected a table (structure)"},
    {LIST_CANDS, 0, "{MaxResults: 301}", "AutoMLJobName|MaxResults", "missing required member"},
    {LIST_CANDS, 0, "{AutoMLJobName: 'j', SortBy: 'Name'}", "SortBy", "expected one of CreationTime, Status, FinalObjectiveMetricValue, got \"Name\""},
    {"StopAutoMLJob", 0, "{AutoMLJobName: 'x', Force: true}", "Force", "unknown member \"Force\"; StopAutoMLJobRequest has: AutoMLJobName"},
    {"DescribeAutoMLJob", 0, "{}", "AutoMLJobName", "missing required member"},
    /* reference-page rules */
    {CREATE, 1, "{InputDataConfig: [" CH("", "s3://b/1", "y") "," CH("", "s3://b/2", "y") "]}", "InputDataConfig[2]",
     "a second training channel (InputDataConfig[1] is one, and ChannelType defaults to training)"},
    {CREATE, 1, "{InputDataConfig: [" CH(", ChannelType: 'validation'", "s3://b/1", "y") "," CH(", ChannelType: 'validation'", "s3://b/2", "y") "]}",
     "InputDataConfig[1].ChannelType|InputDataConfig[2].ChannelType", "a validation channel needs a training channel"},
    {CREATE, 1, "{InputDataConfig: [" CH(", ChannelType: 'validation'", "s3://b/1", "y") "]}", "InputDataConfig[1].ChannelType", "a validation channel needs a training channel"},
    {CREATE, 1, "{InputDataConfig: [" CH(", ContentType: 'x-application/vnd.amazon+parquet'", "s3://b/1", "y") "," CH(", ChannelType: 'validation'", "s3://b/2", "y") "]}",
     "InputDataConfig[2].ContentType",
     "the validation channel must have the training channel's ContentType \"x-application/vnd.amazon+parquet\" (InputDataConfig[1]), got \"text/csv;header=present\" (the default)"},
    {CREATE, 1, "{InputDataConfig: [" CH(", ChannelType: 'validation'", "s3://b/1", "label") "," CH("", "s3://b/2", "y") "]}",
     "InputDataConfig[1].TargetAttributeName", "TargetAttributeName \"y\" (InputDataConfig[2]), got \"label\""},
    {CREATE, 1, ALGS("AUTO", "[{AutoMLAlgorithms: ['xgboost']}]"), ALGS_PATH, "must not be set when AutoMLJobConfig.Mode is AUTO"},
    {CREATE, 1, ALGS("ENSEMBLING", "[]"), ALGS_PATH, "expected exactly one entry (with its AutoMLAlgorithms), got 0"},
    {CREATE, 1, ALGS("ENSEMBLING", "[{AutoMLAlgorithms: ['xgboost', 'mlp']}]"), ALGS_PATH "[1].AutoMLAlgorithms[2]",
     "\"mlp\" is not available in ENSEMBLING mode; choose from catboost, extra-trees, fastai, lightgbm, linear-learner, nn-torch, randomforest, xgboost"},
    {CREATE, 1, ALGS("HYPERPARAMETER_TUNING", "[{AutoMLAlgorithms: ['catboost']}]"), ALGS_PATH "[1].AutoMLAlgorithms[1]",
     "\"catboost\" is not available in HYPERPARAMETER_TUNING mode; choose from linear-learner, mlp, xgboost"},
    {CREATE, 1, "{AutoMLJobConfig: {CandidateGenerationConfig: {AlgorithmsConfig: [{AutoMLAlgorithms: ['deepar']}]}}}", ALGS_PATH "[1].AutoMLAlgorithms[1]",
     "\"deepar\" is a time-series forecasting algorithm, available only with CreateAutoMLJobV2"},
    {CREATE, 1, ALGS("ENSEMBLING", "[{AutoMLAlgorithms: ['xgboost', 'lightgbm', 'xgboost']}]"), ALGS_PATH "[1].AutoMLAlgorithms[3]",
     "duplicate algorithm \"xgboost\" (also at " ALGS_PATH "[1].AutoMLAlgorithms[1])"},
    {CREATE, 1, ALGS("ENSEMBLING", "[{AutoMLAlgorithms: ['xgboost']}, {AutoMLAlgorithms: ['lightgbm']}]"), ALGS_PATH, "expected at most 1 item, got 2"},
    {CREATE, 1, "{AutoMLJobConfig: {Mode: 'auto', CandidateGenerationConfig: {AlgorithmsConfig: [{AutoMLAlgorithms: ['xgboost']}]}}}", "AutoMLJobConfig.Mode", "did you mean \"AUTO\""},
    {CREATE, 1, "{ModelDeployConfig: {AutoGenerateEndpointName: true, EndpointName: 'ep'}}", "ModelDeployConfig.EndpointName",
     "must be left out when AutoGenerateEndpointName is true"},
    {CREATE, 1, "{ModelDeployConfig: {AutoGenerateEndpointName: false}}", "ModelDeployConfig.EndpointName", "required when AutoGenerateEndpointName is false"},
    {CREATE, 1, "{ProblemType: 'Regression', AutoMLJobObjective: {MetricName: 'AUC'}}", "AutoMLJobObjective.MetricName",
     "\"AUC\" does not fit ProblemType Regression; choose from MAE, MSE, R2, RMSE"},
    {CREATE, 1, "{ProblemType: 'MulticlassClassification', AutoMLJobObjective: {MetricName: 'F1'}}", "AutoMLJobObjective.MetricName", "does not fit ProblemType MulticlassClassification"},
    {CREATE, 1, "{AutoMLJobObjective: {MetricName: 'MAPE'}}", "AutoMLJobObjective.MetricName", "\"MAPE\" is a time-series forecasting metric"},
    {CREATE, 1, "{AutoMLJobConfig: {DataSplitConfig: {ValidationFraction: 0}}}", "AutoMLJobConfig.DataSplitConfig.ValidationFraction", "expected greater than 0 and less than 1, got 0"},
    {CREATE, 1, "{AutoMLJobConfig: {DataSplitConfig: {ValidationFraction: 1.0}}}", "AutoMLJobConfig.DataSplitConfig.ValidationFraction", "expected greater than 0 and less than 1, got 1"},
    {CREATE, 1, "{Tags: [{Key: 'env', Value: 'a'}, {Key: 'team', Value: 'b'}, {Key: 'env', Value: 'c'}]}", "Tags[3].Key", "duplicate tag key \"env\" (already at Tags[1].Key)"},
    {CREATE, 1, "{AutoMLJobConfig: {Mode: 'HYPERPARAMETER_TUNING'}, InputDataConfig: [" CH(", SampleWeightAttributeName: 'w'", "s3://b/t", "y") "]}",
     "InputDataConfig[1].SampleWeightAttributeName", "is supported only in ENSEMBLING mode, but AutoMLJobConfig.Mode is HYPERPARAMETER_TUNING"},
    {CREATE, 1, "{InputDataConfig: [{DataSource: {S3DataSource: {S3DataType: 'AugmentedManifestFile', S3Uri: 's3://b/m'}}, TargetAttributeName: 'y'}]}",
     "InputDataConfig[1].DataSource.S3DataSource.S3DataType", "AugmentedManifestFile is available only with CreateAutoMLJobV2"},
    /* several at once, sorted by path (rule issues are found after the walk) */
    {CREATE, 1, "{RoleArn: 'x', AutoMLJobName: 'bad name', " "AutoMLJobConfig: {Mode: 'AUTO', CandidateGenerationConfig: {AlgorithmsConfig: [{AutoMLAlgorithms: []}]}}}",
     ALGS_PATH "|AutoMLJobName|RoleArn", "must not be set when"},
};

/* ---- focused checks -------------------------------------------------------------------- */

static const struct smk_value *get_path2(const struct smk_value *v, const char *a, const char *b)
{
    v = smk_value_get(v, a);
    return v ? smk_value_get(v, b) : NULL;
}

static void test_tables(void)
{
    size_t i, n = 0;

    for (i = 0; i < sizeof(valid_cases) / sizeof(valid_cases[0]); i++, n++)
        if (!run_case(&valid_cases[i], (int)i))
            harness_case_failed = 1;
    for (i = 0; i < sizeof(invalid_cases) / sizeof(invalid_cases[0]); i++) {
        n++;
        if (!run_case(&invalid_cases[i], 1000 + (int)i))
            harness_case_failed = 1;
    }
    printf("validation tables: %zu valid, %zu invalid cases\n",
           sizeof(valid_cases) / sizeof(valid_cases[0]), n - sizeof(valid_cases) / sizeof(valid_cases[0]));
}

/* 1025 characters: exceeds the max but not 4*max bytes, so it is counted. */
static void test_length_in_code_points(void)
{
    struct smk_arena a;
    struct smk_value v;
    struct smk_issues is;
    struct smk_error err;
    char *big = malloc(1100);
    size_t off;

    smk_arena_init(&a, 0);
    smk_issues_init(&is);
    off = (size_t)snprintf(big, 1100, "{OutputDataConfig: {S3OutputPath: 's3://b/");
    memset(big + off, 'a', 1018);
    snprintf(big + off + 1018, 1100 - off - 1018, "'}}");
    {
        struct smk_value patch;
        CHECK(build(&a, BASE_CREATE, &v) == 0);
        CHECK(build(&a, big, &patch) == 0);
        merge(&a, &v, &patch);
    }
    CHECK(smk_validate(smk_operation_find("CreateAutoMLJob"), &v, &a, &is, &err) == SMK_E_VALIDATION);
    CHECK(is.n == 1);
    if (is.n == 1) {
        CHECK_STR(is.items[0].path, "OutputDataConfig.S3OutputPath");
        CHECK_STR(is.items[0].message, "expected at most 1024 characters, got 1025");
    }
    free(big);
    smk_arena_cleanup(&a);
}

static void test_maximal_request_is_valid(void)
{
    struct smk_arena a;
    struct smk_value v;
    struct smk_issues is;
    struct smk_error err;
    char *text = maximal_create();

    smk_arena_init(&a, 0);
    smk_issues_init(&is);
    CHECK(build(&a, text, &v) == 0);
    CHECK(smk_validate(smk_operation_find("CreateAutoMLJob"), &v, &a, &is, &err) == SMK_OK);
    if (is.n)
        fprintf(stderr, "maximal: %s: %s\n", is.items[0].path, is.items[0].message);
    CHECK(is.n == 0);
    free(text);
    smk_arena_cleanup(&a);
}

static void test_normalises_integral_float(void)
{
    struct smk_arena a;
    struct smk_value v, patch;
    struct smk_issues is;
    struct smk_error err;
    const struct smk_value *mc;

    smk_arena_init(&a, 0);
    smk_issues_init(&is);
    CHECK(build(&a, BASE_CREATE, &v) == 0);
    CHECK(build(&a, "{AutoMLJobConfig: {CompletionCriteria: {MaxCandidates: 10.0}}}", &patch) == 0);
    merge(&a, &v, &patch);
    mc = get_path2(smk_value_get(&v, "AutoMLJobConfig"), "CompletionCriteria", "MaxCandidates");
    CHECK(mc != NULL && mc->kind == SMK_VALUE_FLOAT);
    CHECK(smk_validate(smk_operation_find("CreateAutoMLJob"), &v, &a, &is, &err) == SMK_OK);
    CHECK(mc != NULL && mc->kind == SMK_VALUE_INT && mc->u.i == 10);
    smk_arena_cleanup(&a);
}

/* Found by fuzz_lua_request: an empty Lua table (an empty LIST) for a
 * structure was accepted and then sent as JSON [] instead of {}. */
static void test_normalises_empty_table_to_map(void)
{
    struct smk_arena a;
    struct smk_value v, patch;
    struct smk_issues is;
    struct smk_error err;
    struct smk_buf json;
    const struct smk_value *cfg;

    smk_arena_init(&a, 0);
    smk_issues_init(&is);
    smk_buf_init(&json, 1u << 16);
    CHECK(build(&a, BASE_CREATE, &v) == 0);
    CHECK(build(&a, "{AutoMLJobConfig: {SecurityConfig: [], CompletionCriteria: []}, Tags: []}",
                &patch) == 0);
    merge(&a, &v, &patch);
    CHECK(smk_validate(smk_operation_find("CreateAutoMLJob"), &v, &a, &is, &err) == SMK_OK);
    cfg = smk_value_get(&v, "AutoMLJobConfig");
    CHECK(cfg != NULL && cfg->kind == SMK_VALUE_MAP);
    if (cfg != NULL) {
        const struct smk_value *sc = smk_value_get(cfg, "SecurityConfig");
        CHECK(sc != NULL && sc->kind == SMK_VALUE_MAP && sc->u.map.n == 0);
    }
    CHECK(smk_value_get(&v, "Tags") != NULL && smk_value_get(&v, "Tags")->kind == SMK_VALUE_LIST);
    CHECK(smk_json_encode(&v, &json, &err) == SMK_OK);
    CHECK(strstr(smk_buf_cstr(&json), "\"SecurityConfig\":{}") != NULL);
    CHECK(strstr(smk_buf_cstr(&json), "\"CompletionCriteria\":{}") != NULL);
    CHECK(strstr(smk_buf_cstr(&json), "\"Tags\":[]") != NULL);
    smk_buf_cleanup(&json);
    smk_arena_cleanup(&a);
}

static void test_iso_timestamps_become_epoch_seconds(void)
{
    static const struct {
        const char *text;
        int is_int;
        double want;
    } cases[] = {
        {"2024-01-02T03:04:05Z", 1, 1704164645},
        {"2024-01-02t03:04:05z", 1, 1704164645},
        {"2024-01-02T03:04:05.5+01:00", 0, 1704164645.5 - 3600},
        {"2024-01-02T03:04:05,25-0230", 0, 1704164645.25 + 9000},
        {"2024-01-02T03:04-01", 1, 1704164640 + 3600},
        {"1970-01-01", 1, 0},
        {"1969-12-31T23:59:59Z", 1, -1},
        {"2024-02-29T00:00:00Z", 1, 1709164800},
        {"2000-03-01T00:00:00Z", 1, 951868800},
        {"2100-03-01T00:00:00Z", 1, 4107542400},
        {"0001-01-01T00:00:00Z", 1, -62135596800},
        {"9999-12-31T23:59:59Z", 1, 253402300799},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct smk_arena a;
        struct smk_value v;
        struct smk_issues is;
        struct smk_error err;
        char text[128];
        const struct smk_value *t;

        smk_arena_init(&a, 0);
        smk_issues_init(&is);
        snprintf(text, sizeof(text), "{CreationTimeAfter: '%s'}", cases[i].text);
        CHECK(build(&a, text, &v) == 0);
        CHECK(smk_validate(smk_operation_find("ListAutoMLJobs"), &v, &a, &is, &err) == SMK_OK);
        t = smk_value_get(&v, "CreationTimeAfter");
        CHECK(t != NULL);
        if (t == NULL)
            continue;
        if (cases[i].is_int) {
            if (!(t->kind == SMK_VALUE_INT && (double)t->u.i == cases[i].want)) {
                fprintf(stderr, "%s: kind %d value %lld\n", cases[i].text, t->kind, (long long)t->u.i);
                harness_case_failed = 1;
            }
        } else {
            if (!(t->kind == SMK_VALUE_FLOAT && t->u.f - cases[i].want < 1e-6 && cases[i].want - t->u.f < 1e-6)) {
                fprintf(stderr, "%s: kind %d value %f\n", cases[i].text, t->kind, t->u.f);
                harness_case_failed = 1;
            }
        }
        smk_arena_cleanup(&a);
    }
}

static void test_error_record_and_suggestion(void)
{
    struct smk_arena a;
    struct smk_value v, patch;
    struct smk_issues is;
    struct smk_error err;

    smk_arena_init(&a, 0);
    smk_issues_init(&is);
    CHECK(build(&a, BASE_CREATE, &v) == 0);
    CHECK(build(&a, "{AutoMLJobName: ~, AutoMlJobName: 'a'*40}", &patch) == 0);
    merge(&a, &v, &patch);
    CHECK(smk_validate(smk_operation_find("create_auto_ml_job"), &v, &a, &is, &err) == SMK_E_VALIDATION);
    CHECK(is.n == 2);
    if (is.n == 2) {
        CHECK_STR(is.items[0].path, "AutoMLJobName");
        CHECK_STR(is.items[0].message, "missing required member (expected string)");
        CHECK_STR(is.items[1].path, "AutoMlJobName");
        CHECK_STR(is.items[1].message, "unknown member \"AutoMlJobName\" (did you mean \"AutoMLJobName\"?)");
    }
    CHECK_STR(err.message, "AutoMLJobName: missing required member (expected string) (and 1 more)");
    CHECK_STR(err.type, "ValidationError");

    /* one issue: no "(and N more)"; root issues have no path prefix */
    smk_issues_init(&is);
    CHECK(build(&a, "'x'", &v) == 0);
    CHECK(smk_validate(smk_operation_find("DescribeAutoMLJob"), &v, &a, &is, &err) == SMK_E_VALIDATION);
    CHECK_STR(err.message, "expected a table (structure), got string \"x\"");
    smk_arena_cleanup(&a);
}

/* Rule issues come after the walk; sorting compares list indices as numbers. */
static void test_sorted_with_numeric_indices(void)
{
    struct smk_arena a;
    struct smk_value v, patch;
    struct smk_issues is;
    struct smk_error err;
    char text[2048];
    size_t off, i;

    smk_arena_init(&a, 0);
    smk_issues_init(&is);
    off = (size_t)snprintf(text, sizeof(text), "{Tags: [");
    for (i = 1; i <= 12; i++)
        off += (size_t)snprintf(text + off, sizeof(text) - off, "%s{Key: '%s', Value: '%s'}",
                                i > 1 ? "," : "", i == 10 ? "k2" : i == 11 ? "k11" : "", i == 9 ? "\\n" : "v");
    snprintf(text + off, sizeof(text) - off, "]}");
    /* keys: Tags[1..12].Key are "" except [10] = "k2", [11] = "k11"; make [2] "k2" too */
    CHECK(build(&a, BASE_CREATE, &v) == 0);
    CHECK(build(&a, text, &patch) == 0);
    merge(&a, &v, &patch);
    {
        struct smk_value *tags = (struct smk_value *)smk_value_get(&v, "Tags");
        struct smk_value *k2 = (struct smk_value *)smk_value_get(&tags->u.list.items[1], "Key");
        smk_value_set_string(&a, k2, "k2", 2);
    }
    CHECK(smk_validate(smk_operation_find("CreateAutoMLJob"), &v, &a, &is, &err) == SMK_E_VALIDATION);
    {
        static const char *const want[] = {
            "Tags[1].Key", "Tags[3].Key", "Tags[4].Key", "Tags[5].Key", "Tags[6].Key",
            "Tags[7].Key", "Tags[8].Key", "Tags[9].Key", "Tags[9].Value", "Tags[10].Key",
            "Tags[12].Key"};
        CHECK(is.n == sizeof(want) / sizeof(want[0]));
        for (i = 0; i < is.n && i < sizeof(want) / sizeof(want[0]); i++)
            CHECK_STR(is.items[i].path, want[i]);
        if (is.n > 9)
            CHECK_STR(is.items[9].message, "duplicate tag key \"k2\" (already at Tags[2].Key)");
    }
    smk_arena_cleanup(&a);
}

static void test_dropped_issues_are_counted(void)
{
    struct smk_arena a;
    struct smk_value v, patch;
    struct smk_issues is;
    struct smk_error err;
    char text[4096], want[64];
    size_t off, i;

    smk_arena_init(&a, 0);
    smk_issues_init(&is);
    /* 50 tags with 2 issues each, 5 + 16 bad ids, 1 bad role: 122 issues */
    off = (size_t)snprintf(text, sizeof(text), "{RoleArn: 'x', Tags: [");
    for (i = 1; i <= 50; i++)
        off += (size_t)snprintf(text + off, sizeof(text) - off, "%s{Key: '', Value: '\\t'}", i > 1 ? "," : "");
    off += (size_t)snprintf(text + off, sizeof(text) - off,
                            "], AutoMLJobConfig: {SecurityConfig: {VpcConfig: {SecurityGroupIds: [");
    for (i = 1; i <= 5; i++)
        off += (size_t)snprintf(text + off, sizeof(text) - off, "%s'sg_%zu'", i > 1 ? "," : "", i);
    off += (size_t)snprintf(text + off, sizeof(text) - off, "], Subnets: [");
    for (i = 1; i <= 16; i++)
        off += (size_t)snprintf(text + off, sizeof(text) - off, "%s'subnet_%zu'", i > 1 ? "," : "", i);
    snprintf(text + off, sizeof(text) - off, "]}}}}");
    CHECK(build(&a, BASE_CREATE, &v) == 0);
    CHECK(build(&a, text, &patch) == 0);
    merge(&a, &v, &patch);
    CHECK(smk_validate(smk_operation_find("CreateAutoMLJob"), &v, &a, &is, &err) == SMK_E_VALIDATION);
    CHECK(is.n == SMK_MAX_ISSUES);
    CHECK(is.dropped == 122 - SMK_MAX_ISSUES);
    snprintf(want, sizeof(want), "(and %d more)", 122 - 1);
    CHECK(strstr(err.message, want) != NULL);
    for (i = 1; i < is.n; i++) {
        /* sorted: a later path never sorts before an earlier one */
        CHECK(strcmp(is.items[i - 1].path, is.items[i].path) != 0 ||
              strcmp(is.items[i - 1].message, is.items[i].message) != 0);
    }
    smk_arena_cleanup(&a);
}

static void test_long_values_are_shortened(void)
{
    struct smk_arena a;
    struct smk_value v;
    struct smk_issues is;
    struct smk_error err;
    const char *q, *e;

    smk_arena_init(&a, 0);
    smk_issues_init(&is);
    CHECK(build(&a, "{AutoMLJobName: 'x', SortBy: 'abcdefghij'*100}", &v) == 0);
    CHECK(smk_validate(smk_operation_find("ListCandidatesForAutoMLJob"), &v, &a, &is, &err) ==
          SMK_E_VALIDATION);
    CHECK(is.n == 1);
    if (is.n == 1) {
        q = strstr(is.items[0].message, "got \"");
        CHECK(q != NULL);
        if (q) {
            q += 5;
            e = strchr(q, '"');
            CHECK(e != NULL && e - q == 40 && memcmp(e - 3, "...", 3) == 0);
        }
    }
    /* a 10 MB string is refused by its byte length */
    {
        size_t n = 10u * 1024 * 1024;
        char *big = malloc(n);
        struct smk_value *name;
        memset(big, 'a', n);
        smk_issues_init(&is);
        CHECK(build(&a, "{AutoMLJobName: 'x'}", &v) == 0);
        name = (struct smk_value *)smk_value_get(&v, "AutoMLJobName");
        smk_value_set_string(&a, name, big, n);
        CHECK(smk_validate(smk_operation_find("DescribeAutoMLJob"), &v, &a, &is, &err) == SMK_E_VALIDATION);
        CHECK_STR(err.message, "AutoMLJobName: expected at most 32 characters, got 10485760 bytes");
        free(big);
    }
    smk_arena_cleanup(&a);
}

static void test_out_of_memory(void)
{
    struct smk_arena a;
    struct smk_value v;
    struct smk_issues is;
    struct smk_error err;
    struct smk_arena tiny;

    smk_arena_init(&a, 0);
    smk_arena_init(&tiny, 64);
    smk_issues_init(&is);
    CHECK(build(&a, "{AutoMLJobName: 'bad name'}", &v) == 0);
    CHECK(smk_validate(smk_operation_find("DescribeAutoMLJob"), &v, &tiny, &is, &err) == SMK_E_NOMEM);
    CHECK(smk_validate(NULL, &v, &a, &is, &err) == SMK_E_INVALID_ARG);

    /* Found by fuzz_lua_request: the issues kept before the arena ran out
     * were returned unsorted. Unknown members are met in reverse order. */
    {
        char text[1024];
        size_t off = 0, i;
        int k;

        off += (size_t)snprintf(text + off, sizeof(text) - off, "{");
        for (k = 29; k >= 0; k--)
            off += (size_t)snprintf(text + off, sizeof(text) - off, "%sUnknown%d: 1",
                                    k == 29 ? "" : ", ", k);
        snprintf(text + off, sizeof(text) - off, "}");
        smk_arena_cleanup(&tiny);
        smk_arena_init(&tiny, 4096);
        smk_issues_init(&is);
        CHECK(build(&a, text, &v) == 0);
        CHECK(smk_validate(smk_operation_find("ListAutoMLJobs"), &v, &tiny, &is, &err) ==
              SMK_E_NOMEM);
        CHECK(is.n >= 2 && is.n < 30);
        for (i = 1; i < is.n; i++)
            CHECK(strcmp(is.items[i - 1].path, is.items[i].path) < 0);
    }
    smk_arena_cleanup(&a);
    smk_arena_cleanup(&tiny);
}

static void test_model_lookups(void)
{
    const struct smk_service_info *si = smk_service_info();
    const struct smk_operation *op;
    const struct smk_shape *sh;
    size_t i;

    CHECK(smk_operation_count() == 5);
    CHECK(smk_operation_at(5) == NULL);
    for (i = 0; i < smk_operation_count(); i++) {
        op = smk_operation_at(i);
        CHECK(op != NULL && smk_operation_find(op->name) == op && smk_operation_find(op->snake_name) == op);
        CHECK(op->input != NULL && op->input->type == SMK_SHAPE_STRUCTURE);
    }
    op = smk_operation_find("list_candidates_for_auto_ml_job");
    CHECK(op != NULL && strcmp(op->target, "SageMaker.ListCandidatesForAutoMLJob") == 0);
    CHECK(smk_operation_find("StopAutoMLJob")->output == NULL);
    CHECK(smk_operation_find("CreateAutoMLJobV2") == NULL);
    CHECK(smk_operation_find(NULL) == NULL);
    CHECK_STR(si->signing_name, "sagemaker");
    CHECK_STR(si->endpoint_prefix, "api.sagemaker");
    CHECK_STR(si->target_prefix, "SageMaker");
    CHECK_STR(si->content_type, "application/x-amz-json-1.1");
    CHECK_STR(si->api_version, "2017-07-24");

    CHECK(smk_patterns_init() == 0);
    CHECK(smk_model_shape_count == 112);
    for (i = 1; i < smk_model_shape_count; i++)
        CHECK(strcmp(smk_model_shapes[i - 1].name, smk_model_shapes[i].name) < 0);
    for (i = 0; i < smk_model_shape_count; i++) {
        size_t k;
        sh = &smk_model_shapes[i];
        CHECK(smk_shape_find(sh->name) == sh);
        for (k = 0; k < sh->n_members; k++) {
            CHECK(smk_shape_member_find(sh, sh->members[k].name.s, sh->members[k].name.len) == &sh->members[k]);
            if (k)
                CHECK(strcmp(sh->members[k - 1].name.s, sh->members[k].name.s) < 0);
        }
    }
    sh = smk_shape_find("AutoMLChannel");
    CHECK(sh != NULL && smk_shape_member_find(sh, "TargetAttributeName", 19)->required);
    CHECK(smk_shape_member_find(sh, "targetattributename", 19) == NULL);
    sh = smk_shape_find("AutoMLJobName");
    CHECK(sh && sh->has_min && sh->min == 1 && sh->has_max && sh->max == 32 && sh->pattern >= 0);
    sh = smk_shape_find("ValidationFraction");
    CHECK(sh && sh->type == SMK_SHAPE_FLOAT && sh->fmin == 0.0 && sh->fmax == 1.0);
    CHECK(smk_shape_find("NoSuchShape") == NULL);
}

static void test_patterns(void)
{
    const struct smk_shape *key = smk_shape_find("TagKey");
    const struct smk_shape *ct = smk_shape_find("ContentType");
    const struct smk_shape *arn = smk_shape_find("RoleArn");

    CHECK(key && ct && arn);
    if (!(key && ct && arn))
        return;
    /* the class fast path (ASCII) and PCRE2 (non-ASCII) agree */
    CHECK(smk_pattern_match(key->pattern, "team_a:b/c=d+e-f@g.h", 20) == 1);
    CHECK(smk_pattern_match(key->pattern, "team a", 6) == 1);
    CHECK(smk_pattern_match(key->pattern, "\xc3\xa9quipe \xe5\x90\x8d", 11) == 1);
    CHECK(smk_pattern_match(key->pattern, "a#b", 3) == 0);
    CHECK(smk_pattern_match(key->pattern, "\xc3\xa9#", 3) == 0);
    CHECK(smk_pattern_match(key->pattern, "\xe2\x80\x83", 3) == 1); /* EM SPACE is \p{Z} */
    CHECK(smk_pattern_match(key->pattern, "", 0) == 1);
    /* `.` excludes only CR and LF */
    CHECK(smk_pattern_match(ct->pattern, "text/csv;header=present", 23) == 1);
    CHECK(smk_pattern_match(ct->pattern, "a\nb", 3) == 0);
    CHECK(smk_pattern_match(ct->pattern, "a\tb\xe2\x80\xa8", 6) == 1);
    /* full match, and \d is ASCII only */
    CHECK(smk_pattern_match(arn->pattern, "arn:aws:iam::123456789012:role/R", 32) == 1);
    CHECK(smk_pattern_match(arn->pattern, "xarn:aws:iam::123456789012:role/R", 33) == 0);
    CHECK(smk_pattern_match(arn->pattern, "arn:aws:iam::123456789012:role/R x", 34) == 0);
    CHECK(smk_pattern_match(-1, "", 0) == -1);
}

/* Map shapes occur only in responses: check them through a test operation
 * whose input is AutoMLCandidate.InferenceContainerDefinitions. */
static void test_map_shapes(void)
{
    struct smk_operation op = {"Test", "test", "SageMaker.Test", NULL, NULL};
    struct smk_arena a;
    struct smk_value v;
    struct smk_issues is;
    struct smk_error err;
    size_t i;
    static const char *const want[][2] = {
        {"[\"GPU\"][1].Environment[\"1bad\"]", "key: must match pattern [a-zA-Z_][a-zA-Z0-9_]*, got \"1bad\""},
        {"[\"GPU\"][1].Environment[\"OK\"]", "expected string, got integer 1"},
        {"[\"GPU\"][1].ModelDataUrl", "missing required member"},
        {"[\"TPU\"]", "key: expected one of CPU, GPU, got \"TPU\" (did you mean \"CPU\"?)"},
        {"[\"TPU\"][1].Image", "expected at most 255 characters"},
    };

    op.input = smk_shape_find("AutoMLInferenceContainerDefinitions");
    CHECK(op.input != NULL && op.input->type == SMK_SHAPE_MAP);
    if (op.input == NULL)
        return;
    smk_arena_init(&a, 0);
    smk_issues_init(&is);
    CHECK(build(&a, "{CPU: [{Image: 'img', ModelDataUrl: 's3://b/m', Environment: {A_B: 'v w'}}],"
                    " GPU: [{Image: 'img', Environment: {'1bad': 'x', OK: 1}}],"
                    " TPU: [{Image: 'x'*300, ModelDataUrl: 's3://b/m'}]}", &v) == 0);
    CHECK(smk_validate(&op, &v, &a, &is, &err) == SMK_E_VALIDATION);
    CHECK(is.n == sizeof(want) / sizeof(want[0]) + 1); /* + the entry count: 3 > max 2 */
    CHECK_STR(is.items[0].path, "");
    CHECK(strstr(is.items[0].message, "expected at most 2 entries, got 3") != NULL);
    for (i = 0; i + 1 < is.n && i < sizeof(want) / sizeof(want[0]); i++) {
        CHECK_STR(is.items[i + 1].path, want[i][0]);
        if (strstr(is.items[i + 1].message, want[i][1]) == NULL) {
            fprintf(stderr, "map: %s: %s\n", is.items[i + 1].path, is.items[i + 1].message);
            harness_case_failed = 1;
        }
    }
    smk_arena_cleanup(&a);
}

static void *validate_in_thread(void *arg)
{
    const char *text = arg;
    int i, *ok = malloc(sizeof(int));

    *ok = 1;
    for (i = 0; i < 50; i++) {
        struct smk_arena a;
        struct smk_value v;
        struct smk_issues is;
        struct smk_error err;
        smk_arena_init(&a, 0);
        smk_issues_init(&is);
        if (build(&a, text, &v) != 0 ||
            smk_validate(smk_operation_find("CreateAutoMLJob"), &v, &a, &is, &err) != SMK_OK)
            *ok = 0;
        smk_arena_cleanup(&a);
    }
    return ok;
}

static void test_threads(void)
{
    pthread_t t[4];
    char *text = maximal_create();
    int i;

    for (i = 0; i < 4; i++)
        CHECK(pthread_create(&t[i], NULL, validate_in_thread, text) == 0);
    for (i = 0; i < 4; i++) {
        void *res = NULL;
        CHECK(pthread_join(t[i], &res) == 0);
        CHECK(res != NULL && *(int *)res == 1);
        free(res);
    }
    free(text);
}

int main(void)
{
    RUN(test_threads); /* first: the patterns compile under concurrent first use */
    RUN(test_model_lookups);
    RUN(test_patterns);
    RUN(test_tables);
    RUN(test_length_in_code_points);
    RUN(test_maximal_request_is_valid);
    RUN(test_normalises_integral_float);
    RUN(test_normalises_empty_table_to_map);
    RUN(test_iso_timestamps_become_epoch_seconds);
    RUN(test_error_record_and_suggestion);
    RUN(test_sorted_with_numeric_indices);
    RUN(test_dropped_issues_are_counted);
    RUN(test_long_values_are_shortened);
    RUN(test_out_of_memory);
    RUN(test_map_shapes);
    return harness_report("test_validate");
}
