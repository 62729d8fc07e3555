/*
 * libFuzzer target: Lua table -> request.
 *
 * The input is a small program that builds a nested Lua table in a fresh
 * lua_State (Lua 5.4); the table then goes the way client:build_request's
 * params go: lsmk_to_value (the binding's conversion, linked from
 * src/binding/lsmk_convert.c), smk_validate, and when valid smk_json_encode,
 * decoding the JSON back, and smk_client_build_request. The tree may
 * borrow the Lua strings, so the state stays open until the checks end.
 *
 * Input layout:
 *   byte 0   operation: 0-3 CreateAutoMLJob, 4 DescribeAutoMLJob,
 *            5 ListAutoMLJobs, 6 ListCandidatesForAutoMLJob, 7 StopAutoMLJob
 *            (low 3 bits)
 *   byte 1   flags: FLAG_BUILD also signs with smk_client_build_request;
 *            FLAG_SMALL_ARENA gives the arena a small limit (next byte * 64
 *            bytes) to drive the out-of-memory paths; FLAG_BIG_ARENA a
 *            16 MB one (else 1 MB), so that 10 MB strings get converted.
 *            Trees of shared subtables grow until the arena is full: the
 *            smaller default keeps such inputs fast.
 *   rest     instructions, one opcode byte each (opcode % OP_COUNT) with
 *            operands as described at each OP_ below
 *
 * Machine: a stack of open tables (the root first; set/append go into the
 * top one), a list of every table made (for references, so DAGs and
 * cycles), and up to MAX_PENDING pending values on the Lua stack (value
 * opcodes push one; set/append pop one, or use nil when there is none).
 *
 * Invariants checked (abort = a finding):
 *   - conversion never raises, returns SMK_OK or SMK_E_NOMEM, leaves the
 *     Lua stack as it was, and is deterministic; the tree is well formed;
 *   - no metamethod is called (tables are read raw, README "Lua API");
 *   - validation returns OK / VALIDATION / NOMEM; issues obey the documented
 *     contract (sorted by path, at most SMK_MAX_ISSUES, non-empty UTF-8
 *     messages), the error record names the first issue;
 *   - a valid request stays valid when validated again, and its tree has
 *     the wire type of every member (structures and maps are JSON objects);
 *   - its JSON encodes, decodes back to the same tree, still conforms and
 *     validates; build_request gives the same body and a deterministic
 *     signature;
 *   - no leak, no ASan/UBSan report.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "binding/lsmk.h"
#include "model/shape.h"
#include "smk/client.h"
#include "smk/json.h"
#include "smk/model.h"
#include "support.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FLAG_BUILD 0x01u
#define FLAG_SMALL_ARENA 0x02u
#define FLAG_BIG_ARENA 0x04u

#define MAX_PENDING 8          /* pending values kept on the Lua stack */
#define MAX_OPEN 48            /* open tables (deeper than LSMK_MAX_DEPTH) */
#define MAX_TABLES 512         /* tables made per input */
#define BIG_BUDGET (12u << 20) /* bytes of generated long strings per input */
#define ARENA_MAX (1u << 20)      /* plenty for any valid request */
#define BIG_ARENA_MAX (16u << 20) /* room for the 10 MB strings */
#define RECONVERT_MAX (1u << 20) /* larger trees are converted once only */
#define BODY_MAX (8u << 20)

enum {
    OP_STR_DICT,   /* b: dictionary entry b */
    OP_STR_RAW,    /* n, n bytes: that string */
    OP_STR_BIG,    /* u, c: unit u repeated (count table c) */
    OP_INT,        /* sel, ...: an integer */
    OP_FLOAT,      /* sel, ...: a float */
    OP_BOOL,       /* b: b & 1 */
    OP_NIL,        /* nil */
    OP_OTHER,      /* sel: function, userdata, light userdata, thread */
    OP_SET_FIELD,  /* key: current[key] = pending */
    OP_APPEND,     /* current[#current + 1] = pending */
    OP_SET_INT,    /* k: current[int key k] = pending (holes, 0, negatives) */
    OP_SET_ODD,    /* sel: a float/boolean/table/function key */
    OP_OPEN_FIELD, /* key: current[key] = {} and open it */
    OP_OPEN_ITEM,  /* append {} and open it */
    OP_CLOSE,      /* close the current table (never the root) */
    OP_DESCEND,    /* key: open current[key] when it is a table */
    OP_DESCEND_IX, /* i: open current[i] when it is a table */
    OP_REF,        /* i: push an earlier table (DAGs, cycles) */
    OP_METATABLE,  /* sel: give the current table a metatable */
    OP_TEMPLATE,   /* sel: copy a valid request's members into current */
    OP_DUP,        /* push a copy of the top pending value */
    OP_REMOVE,     /* key: current[key] = nil */
    OP_COUNT
};

/* ---- dictionary ------------------------------------------------------------- */

struct dict_entry {
    const char *s;
    size_t len;
};
#define D(lit) {lit, sizeof(lit) - 1}

/* Member names first (keys), then enum values and values of every kind of
 * member, near misses and edge cases. */
static const struct dict_entry dict[] = {
    D("AutoMLJobName"), D("InputDataConfig"), D("OutputDataConfig"), D("ProblemType"),
    D("AutoMLJobObjective"), D("AutoMLJobConfig"), D("RoleArn"),
    D("GenerateCandidateDefinitionsOnly"), D("Tags"), D("ModelDeployConfig"), D("DataSource"),
    D("S3DataSource"), D("S3DataType"), D("S3Uri"), D("CompressionType"),
    D("TargetAttributeName"), D("ContentType"), D("ChannelType"), D("SampleWeightAttributeName"),
    D("KmsKeyId"), D("S3OutputPath"), D("MetricName"), D("CompletionCriteria"),
    D("MaxCandidates"), D("MaxRuntimePerTrainingJobInSeconds"), D("MaxAutoMLJobRuntimeInSeconds"),
    D("SecurityConfig"), D("VolumeKmsKeyId"), D("EnableInterContainerTrafficEncryption"),
    D("VpcConfig"), D("SecurityGroupIds"), D("Subnets"), D("CandidateGenerationConfig"),
    D("FeatureSpecificationS3Uri"), D("AlgorithmsConfig"), D("AutoMLAlgorithms"),
    D("DataSplitConfig"), D("ValidationFraction"), D("Mode"), D("Key"), D("Value"),
    D("AutoGenerateEndpointName"), D("EndpointName"), D("CreationTimeAfter"),
    D("CreationTimeBefore"), D("LastModifiedTimeAfter"), D("LastModifiedTimeBefore"),
    D("NameContains"), D("StatusEquals"), D("SortOrder"), D("SortBy"), D("MaxResults"),
    D("NextToken"), D("CandidateNameEquals"), D("Environment"), D("Message"),
    /* near misses */
    D("AutoMlJobName"), D("autoMLJobName"), D("AUTOMLJOBNAME"), D("InputDataConfigs"),
    D("S3uri"), D("Rolearn"), D(""), D(" "), D("AutoMLJobName\0x"), D("\xc3\xa9"),
    /* enum values */
    D("S3Prefix"), D("ManifestFile"), D("AugmentedManifestFile"), D("None"), D("Gzip"),
    D("training"), D("validation"), D("AUTO"), D("ENSEMBLING"), D("HYPERPARAMETER_TUNING"),
    D("Regression"), D("BinaryClassification"), D("MulticlassClassification"), D("AUC"), D("F1"),
    D("MSE"), D("RMSE"), D("MAE"), D("R2"), D("Accuracy"), D("BalancedAccuracy"),
    D("Precision"), D("Recall"), D("F1macro"), D("PrecisionMacro"), D("RecallMacro"),
    D("MAPE"), D("MASE"), D("WAPE"), D("AverageWeightedQuantileLoss"), D("xgboost"), D("mlp"),
    D("catboost"), D("lightgbm"), D("linear-learner"), D("nn-torch"), D("randomforest"),
    D("extra-trees"), D("fastai"), D("arima"), D("deepar"), D("prophet"), D("npts"), D("ets"),
    D("cnn-qr"), D("Completed"), D("InProgress"), D("Failed"), D("Stopped"), D("Stopping"),
    D("Name"), D("CreationTime"), D("Status"), D("Ascending"), D("Descending"),
    D("FinalObjectiveMetricValue"), D("text/csv;header=present"),
    D("x-application/vnd.amazon+parquet"),
    /* values */
    D("churn"), D("churn-2024"), D("-bad"), D("a"), D("s3://bucket/prefix/"), D("s3://b/o/"),
    D("s3://"), D("s3:///x"), D("https://bucket/x"), D("S3://b/x"), D("s3://b\n/x"),
    D("arn:aws:iam::123456789012:role/R"), D("arn:aws:iam::12345678901:role/R"),
    D("arn:aws:kms:us-east-1:123456789012:key/k"), D("sg-0123456789abcdef0"),
    D("subnet-0123456789abcdef0"), D("2024-01-02T03:04:05Z"), D("2024-02-30"),
    D("2024-01-02T03:04:05.123456789123+01:00"), D("1970-01-01"), D("0000-01-01T00:00:00Z"),
    D("0001-01-01T00:00:00Z"), D("9999-12-31T23:59:60-23:59"), D("2024-01-02T03:04"),
    D("2024-01-02 03:04:05,5z"), D("true"), D("5"), D("5.0"), D("nan"), D("\xff"),
    D("\xed\xa0\x80"), D("\xc0\x80"), D("\xf4\x90\x80\x80"), D("a\0b"), D("\xf0\x9f\x99\x82"),
    D("key with spaces_.:/=+-@"), D("aws:reserved"), D("\"quoted\\\""), D("\t\r\n"),
};
#define DICT_N (sizeof(dict) / sizeof(dict[0]))
#define DICT_MEMBERS 56 /* the first entries are member names */

/* ---- machine ---------------------------------------------------------------- */

struct machine {
    lua_State *L;
    struct fz_reader in;
    int open[MAX_OPEN]; /* indices into the table list (slot 1) */
    int n_open;
    int n_tables;
    size_t big_bytes;
    int base; /* stack top with only the fixed slots */
};

/* Fixed stack slots: 1 = list of tables made, 2 = the root table. */
#define SLOT_TABLES 1
#define SLOT_ROOT 2

static int meta_abort(lua_State *L)
{
    (void)L;
    fz_fail(__FILE__, __LINE__, "metamethod", "a metamethod ran during conversion");
}

static int noop(lua_State *L)
{
    (void)L;
    return 0;
}

static int pending(const struct machine *m)
{
    return lua_gettop(m->L) - m->base;
}

/* Make room for one more pending value. */
static void before_push(struct machine *m)
{
    if (pending(m) >= MAX_PENDING)
        lua_remove(m->L, m->base + 1);
}

/* Register the table on top of the stack; 0 when the budget is spent. */
static int register_table(struct machine *m)
{
    if (m->n_tables >= MAX_TABLES)
        return 0;
    lua_pushvalue(m->L, -1);
    lua_rawseti(m->L, SLOT_TABLES, ++m->n_tables);
    return m->n_tables;
}

static void push_current(struct machine *m)
{
    lua_rawgeti(m->L, SLOT_TABLES, m->open[m->n_open - 1]);
}

/* Take the top pending value (or nil) to the top of the stack. */
static void take_value(struct machine *m)
{
    if (pending(m) == 0)
        lua_pushnil(m->L);
}

static void push_key(struct machine *m)
{
    uint8_t b = fz_byte(&m->in);

    if (b < 0xF0) {
        const struct dict_entry *e = &dict[b < DICT_MEMBERS * 3 ? b % DICT_MEMBERS : b % DICT_N];
        lua_pushlstring(m->L, e->s, e->len);
    } else {
        size_t got;
        const uint8_t *p = fz_bytes(&m->in, fz_byte(&m->in) % 80, &got);
        lua_pushlstring(m->L, (const char *)p, got);
    }
}

/* current[key] = value, with key then value on top of the stack. */
static void set_in_current(struct machine *m)
{
    push_current(m);
    lua_insert(m->L, -3);
    lua_rawset(m->L, -3);
    lua_pop(m->L, 1);
}

static void push_int(struct machine *m)
{
    static const int64_t edges[] = {
        0, 1, -1, 2, 5, 10, 49, 50, 51, 100, 250, 3600, 86400, 259200, 2592000,
        INT32_MAX, (int64_t)INT32_MAX + 1, INT32_MIN, (int64_t)INT32_MIN - 1, INT64_MAX,
        INT64_MIN, INT64_MAX - 1, (int64_t)1 << 53, ((int64_t)1 << 53) + 1, 1700000000,
        253402300799, -62135596800, 1000000000000000, 1000000000000001,
    };
    uint8_t sel = fz_byte(&m->in);
    lua_Integer v;

    switch (sel % 4) {
    case 0: v = (int8_t)fz_byte(&m->in); break;
    case 1: v = edges[fz_byte(&m->in) % (sizeof(edges) / sizeof(edges[0]))]; break;
    case 2: v = (lua_Integer)fz_u64(&m->in); break;
    default: v = (int16_t)((fz_byte(&m->in) << 8) | fz_byte(&m->in)); break;
    }
    lua_pushinteger(m->L, v);
}

static void push_float(struct machine *m)
{
    static const double edges[] = {
        0.0, -0.0, 0.5, 1.0, 5.0, 5.5, 0.2, 0.999999, 1e-300, DBL_MIN, 4.9e-324, DBL_MAX,
        -DBL_MAX, INFINITY, -INFINITY, NAN, 9223372036854775808.0, -9223372036854775808.0,
        9223372036854774784.0, 2147483647.0, 2147483648.0, -2147483649.0, 1e15, 1e16,
        FLT_MAX, 3.5e38, 1700000000.5, 0.1, 1e-4, 123456.789, -1.0, 86400.0,
    };
    uint8_t sel = fz_byte(&m->in);
    uint64_t bits;
    double d;

    switch (sel % 4) {
    case 0: d = edges[fz_byte(&m->in) % (sizeof(edges) / sizeof(edges[0]))]; break;
    case 1:
        bits = fz_u64(&m->in);
        memcpy(&d, &bits, sizeof(d));
        break;
    case 2: d = (double)(int8_t)fz_byte(&m->in); break;
    default: d = fz_byte(&m->in) / 256.0; break;
    }
    lua_pushnumber(m->L, (lua_Number)d);
}

static void push_big(struct machine *m)
{
    static const char *const units[] = {"a", "\xc3\xa9", "\xff", "", "0", "s3://b/", "-",
                                        "\xf0\x9f\x99\x82", " "};
    static const size_t counts[] = {0, 1, 2, 31, 32, 33, 62, 63, 64, 65, 127, 128, 129,
                                    255, 256, 257, 1023, 1024, 1025, 2048, 2049, 4096,
                                    65536, 1u << 20, 4u << 20, 10u << 20};
    uint8_t ui = fz_byte(&m->in), ci = fz_byte(&m->in);
    const char *unit = units[ui % (sizeof(units) / sizeof(units[0]))];
    size_t ulen = unit[0] ? strlen(unit) : 1; /* "" stands for a NUL byte */
    size_t count = counts[ci % (sizeof(counts) / sizeof(counts[0]))], total, done;
    luaL_Buffer b;
    char *p;

    if (count > (BIG_BUDGET - m->big_bytes) / ulen)
        count = (BIG_BUDGET - m->big_bytes) / ulen;
    total = count * ulen;
    m->big_bytes += total;
    p = luaL_buffinitsize(m->L, &b, total ? total : 1);
    if (total) { /* one unit, then doubling copies (a loop per byte is slow here) */
        memcpy(p, unit[0] ? unit : "\0", ulen);
        for (done = ulen; done < total; done *= 2)
            memcpy(p + done, p, done < total - done ? done : total - done);
    }
    luaL_pushresultsize(&b, total);
}

static void push_other(struct machine *m)
{
    static int anchor;
    lua_State *L = m->L;
    uint8_t sel = fz_byte(&m->in);

    switch (sel % 8) {
    case 0: lua_pushcfunction(L, noop); break;
    case 1:
        if (luaL_loadstring(L, "return 1") != LUA_OK)
            fz_fail(__FILE__, __LINE__, "luaL_loadstring", "could not load a chunk");
        break;
    case 2: lua_newuserdatauv(L, 16, 1); break;
    case 3:
        lua_newuserdatauv(L, 8, 0);
        lua_createtable(L, 0, 2);
        lua_pushcfunction(L, meta_abort);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, meta_abort);
        lua_setfield(L, -2, "__len");
        lua_setmetatable(L, -2);
        break;
    case 4: lua_pushlightuserdata(L, NULL); break; /* cjson.null */
    case 5: lua_pushlightuserdata(L, &anchor); break;
    case 6: lua_newthread(L); break;
    default: lua_pushcclosure(L, noop, 0); break;
    }
}

static void set_metatable(struct machine *m)
{
    lua_State *L = m->L;
    uint8_t sel = fz_byte(&m->in);

    push_current(m);
    switch (sel % 5) {
    case 0: /* every metamethod conversion could be tempted to use */
        lua_createtable(L, 0, 6);
        lua_pushcfunction(L, meta_abort);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, meta_abort);
        lua_setfield(L, -2, "__newindex");
        lua_pushcfunction(L, meta_abort);
        lua_setfield(L, -2, "__pairs");
        lua_pushcfunction(L, meta_abort);
        lua_setfield(L, -2, "__len");
        lua_pushcfunction(L, meta_abort);
        lua_setfield(L, -2, "__eq");
        lua_pushcfunction(L, meta_abort);
        lua_setfield(L, -2, "__tostring");
        break;
    case 1: /* a proxy: __index is another table */
        lua_createtable(L, 0, 1);
        lua_rawgeti(L, SLOT_TABLES, 1 + (int)(fz_byte(&m->in) % (unsigned)m->n_tables));
        lua_setfield(L, -2, "__index");
        break;
    case 2: /* weak */
        lua_createtable(L, 0, 1);
        lua_pushstring(L, (fz_byte(&m->in) & 1) ? "k" : "v");
        lua_setfield(L, -2, "__mode");
        break;
    case 3: /* finaliser (runs at lua_close) */
        lua_createtable(L, 0, 2);
        lua_pushcfunction(L, noop);
        lua_setfield(L, -2, "__gc");
        lua_pushliteral(L, "locked");
        lua_setfield(L, -2, "__metatable");
        break;
    default:
        lua_pushnil(L);
        break;
    }
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
}

/* Valid requests, written in Lua (the parser needs no standard library). */
static const char *const templates[] = {
    /* 0: CreateAutoMLJob, the required members */
    ("return { AutoMLJobName = 'churn', RoleArn = 'arn:aws:iam::123456789012:role/R',"
    " InputDataConfig = { { DataSource = { S3DataSource = { S3DataType = 'S3Prefix',"
    " S3Uri = 's3://bucket/train/' } }, TargetAttributeName = 'y' } },"
    " OutputDataConfig = { S3OutputPath = 's3://bucket/out/' } }"),
    /* 1: CreateAutoMLJob, most members and both channels */
    ("return { AutoMLJobName = 'churn-2024', RoleArn = 'arn:aws:iam::123456789012:role/R',"
    " ProblemType = 'BinaryClassification', AutoMLJobObjective = { MetricName = 'F1' },"
    " GenerateCandidateDefinitionsOnly = false,"
    " InputDataConfig = {"
    "  { ChannelType = 'training', ContentType = 'text/csv;header=present',"
    "    CompressionType = 'None', TargetAttributeName = 'y', SampleWeightAttributeName = 'w',"
    "    DataSource = { S3DataSource = { S3DataType = 'S3Prefix', S3Uri = 's3://b/t/' } } },"
    "  { ChannelType = 'validation', ContentType = 'text/csv;header=present',"
    "    TargetAttributeName = 'y',"
    "    DataSource = { S3DataSource = { S3DataType = 'ManifestFile', S3Uri = 's3://b/v' } } } },"
    " OutputDataConfig = { S3OutputPath = 's3://b/o/', KmsKeyId = 'k' },"
    " AutoMLJobConfig = { Mode = 'ENSEMBLING',"
    "  CompletionCriteria = { MaxCandidates = 10, MaxRuntimePerTrainingJobInSeconds = 3600,"
    "    MaxAutoMLJobRuntimeInSeconds = 86400 },"
    "  SecurityConfig = { VolumeKmsKeyId = 'k', EnableInterContainerTrafficEncryption = true,"
    "    VpcConfig = { SecurityGroupIds = { 'sg-0123456789abcdef0' },"
    "      Subnets = { 'subnet-0123456789abcdef0' } } },"
    "  CandidateGenerationConfig = { FeatureSpecificationS3Uri = 's3://b/f.json',"
    "    AlgorithmsConfig = { { AutoMLAlgorithms = { 'xgboost', 'catboost' } } } },"
    "  DataSplitConfig = { ValidationFraction = 0.2 } },"
    " Tags = { { Key = 'team', Value = 'ml' }, { Key = 'env', Value = '' } },"
    " ModelDeployConfig = { AutoGenerateEndpointName = false, EndpointName = 'ep' } }"),
    /* 2: Describe / Stop / ListCandidates */
    ("return { AutoMLJobName = 'churn' }"),
    /* 3: ListAutoMLJobs */
    ("return { CreationTimeAfter = '2024-01-02T03:04:05Z', CreationTimeBefore = 1700000000,"
    " LastModifiedTimeAfter = 1.5, NameContains = 'churn', StatusEquals = 'Completed',"
    " SortOrder = 'Descending', SortBy = 'CreationTime', MaxResults = 50, NextToken = 't' }"),
    /* 4: ListCandidatesForAutoMLJob */
    ("return { AutoMLJobName = 'churn', StatusEquals = 'Completed', CandidateNameEquals = 'c',"
    " SortOrder = 'Ascending', SortBy = 'FinalObjectiveMetricValue', MaxResults = 10 }"),
};

static void merge_template(struct machine *m)
{
    lua_State *L = m->L;
    const char *src = templates[fz_byte(&m->in) % (sizeof(templates) / sizeof(templates[0]))];

    if (luaL_loadstring(L, src) != LUA_OK)
        fz_fail(__FILE__, __LINE__, "luaL_loadstring", lua_tostring(L, -1));
    lua_call(L, 0, 1);
    push_current(m);
    lua_pushnil(L);
    while (lua_next(L, -3) != 0) { /* template, current, key, value */
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    lua_pop(L, 2);
}

/* Open the table on top of the stack (popping it), when it is one. */
static void open_top(struct machine *m)
{
    int k;

    if (lua_type(m->L, -1) == LUA_TTABLE && m->n_open < MAX_OPEN &&
        (k = register_table(m)) != 0)
        m->open[m->n_open++] = k;
    lua_pop(m->L, 1);
}

static void run_program(struct machine *m)
{
    lua_State *L = m->L;
    size_t steps = 0;

    while (fz_left(&m->in) > 0 && steps++ < 4096) {
        uint8_t op = fz_byte(&m->in) % OP_COUNT;
        size_t got;
        const uint8_t *p;

        if (op <= OP_OTHER || op == OP_REF || op == OP_DUP)
            before_push(m);
        switch (op) {
        case OP_STR_DICT: {
            const struct dict_entry *e = &dict[fz_byte(&m->in) % DICT_N];
            lua_pushlstring(L, e->s, e->len);
            break;
        }
        case OP_STR_RAW:
            p = fz_bytes(&m->in, fz_byte(&m->in), &got);
            lua_pushlstring(L, (const char *)p, got);
            break;
        case OP_STR_BIG: push_big(m); break;
        case OP_INT: push_int(m); break;
        case OP_FLOAT: push_float(m); break;
        case OP_BOOL: lua_pushboolean(L, fz_byte(&m->in) & 1); break;
        case OP_NIL: lua_pushnil(L); break;
        case OP_OTHER: push_other(m); break;
        case OP_SET_FIELD:
            take_value(m);
            push_key(m);
            lua_insert(L, -2);
            set_in_current(m);
            break;
        case OP_APPEND:
            take_value(m);
            push_current(m);
            lua_insert(L, -2);
            lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
            lua_pop(L, 1);
            break;
        case OP_SET_INT: {
            static const lua_Integer keys[] = {0, -1, 64, 65, 100, (lua_Integer)1 << 31,
                                               (lua_Integer)1 << 53, 1000000000000000,
                                               1000000000000001, LUA_MAXINTEGER, LUA_MININTEGER};
            uint8_t b = fz_byte(&m->in);
            lua_Integer k = b < sizeof(keys) / sizeof(keys[0]) ? keys[b] : (lua_Integer)(b & 31);
            take_value(m);
            push_current(m);
            lua_insert(L, -2);
            lua_rawseti(L, -2, k);
            lua_pop(L, 1);
            break;
        }
        case OP_SET_ODD: {
            uint8_t sel = fz_byte(&m->in);
            take_value(m);
            switch (sel % 8) {
            case 0: lua_pushnumber(L, 1.5); break;
            case 1: lua_pushnumber(L, 2.0); break; /* becomes the integer key 2 */
            case 2: lua_pushnumber(L, 1e16); break;
            case 3: lua_pushnumber(L, 9223372036854775808.0); break; /* stays a float */
            case 4: lua_pushboolean(L, sel & 8); break;
            case 5: push_current(m); break;
            case 6: lua_pushcfunction(L, noop); break;
            default: lua_pushnumber(L, -0.5); break;
            }
            lua_insert(L, -2);
            set_in_current(m);
            break;
        }
        case OP_OPEN_FIELD:
            push_key(m);
            lua_newtable(L);
            lua_pushvalue(L, -1);
            lua_insert(L, -3); /* T key T */
            set_in_current(m);
            open_top(m);
            break;
        case OP_OPEN_ITEM:
            lua_newtable(L);
            push_current(m);
            lua_pushvalue(L, -2);
            lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
            lua_pop(L, 1);
            open_top(m);
            break;
        case OP_CLOSE:
            if (m->n_open > 1)
                m->n_open--;
            break;
        case OP_DESCEND:
            push_current(m);
            push_key(m);
            lua_rawget(L, -2);
            lua_remove(L, -2);
            open_top(m);
            break;
        case OP_DESCEND_IX:
            push_current(m);
            lua_rawgeti(L, -1, 1 + fz_byte(&m->in) % 8);
            lua_remove(L, -2);
            open_top(m);
            break;
        case OP_REF:
            lua_rawgeti(L, SLOT_TABLES, 1 + (int)(fz_byte(&m->in) % (unsigned)m->n_tables));
            break;
        case OP_METATABLE: set_metatable(m); break;
        case OP_TEMPLATE: merge_template(m); break;
        case OP_DUP:
            if (pending(m) > 0)
                lua_pushvalue(L, -1);
            break;
        case OP_REMOVE:
            lua_pushnil(L);
            push_key(m);
            lua_insert(L, -2);
            set_in_current(m);
            break;
        }
    }
}

/* ---- checks after conversion ---------------------------------------------------------- */

/* Whether `v` (a valid, normalised request) has the wire type of `sh`
 * everywhere: what the service reads from the JSON. */
static void check_wire(const struct smk_shape *sh, const struct smk_value *v)
{
    size_t i;

    switch (sh->type) {
    case SMK_SHAPE_STRUCTURE:
        FZ_REQUIRE(v->kind == SMK_VALUE_MAP, "a structure is not sent as a JSON object");
        for (i = 0; i < v->u.map.n; i++) {
            const struct smk_member *mm = &v->u.map.items[i];
            const struct smk_shape_member *sm;
            if (mm->value.kind == SMK_VALUE_NULL)
                continue;
            sm = smk_shape_member_find(sh, mm->key, mm->key_len);
            FZ_REQUIRE(sm != NULL, "a valid request has an unknown member");
            check_wire(sm->shape, &mm->value);
        }
        return;
    case SMK_SHAPE_LIST:
        FZ_REQUIRE(v->kind == SMK_VALUE_LIST, "a list is not sent as a JSON array");
        for (i = 0; i < v->u.list.n; i++)
            check_wire(sh->member, &v->u.list.items[i]);
        return;
    case SMK_SHAPE_MAP:
        FZ_REQUIRE(v->kind == SMK_VALUE_MAP, "a map is not sent as a JSON object");
        for (i = 0; i < v->u.map.n; i++)
            check_wire(sh->value, &v->u.map.items[i].value);
        return;
    case SMK_SHAPE_STRING:
    case SMK_SHAPE_BLOB:
        FZ_REQUIRE(v->kind == SMK_VALUE_STRING, "a string member is not a string");
        return;
    case SMK_SHAPE_INTEGER:
    case SMK_SHAPE_LONG:
        FZ_REQUIRE(v->kind == SMK_VALUE_INT, "an integer member is not an integer");
        return;
    case SMK_SHAPE_FLOAT:
    case SMK_SHAPE_DOUBLE:
    case SMK_SHAPE_TIMESTAMP:
        FZ_REQUIRE((v->kind == SMK_VALUE_INT) ||
                       (v->kind == SMK_VALUE_FLOAT && isfinite(v->u.f)),
                   "a number member is not a finite number");
        return;
    case SMK_SHAPE_BOOLEAN:
        FZ_REQUIRE(v->kind == SMK_VALUE_BOOL, "a boolean member is not a boolean");
        return;
    }
    FZ_REQUIRE(0, "shape of unknown type");
}

/* FUZZ_EXPLAIN=1 in the environment: print what each input led to (to check
 * what a seed exercises: ./fuzz_lua_request corpus/fuzz_lua_request/x). */
static int explain;

static void explain_issues(const struct smk_operation *op, enum smk_err rc,
                           const struct smk_issues *issues)
{
    size_t i;

    fprintf(stderr, "%s: %s, %zu issue(s) kept, %zu dropped\n", op->name, smk_err_name(rc),
            issues->n, issues->dropped);
    for (i = 0; i < issues->n && i < 8; i++)
        fprintf(stderr, "  %s: %s\n", issues->items[i].path, issues->items[i].message);
}

static enum smk_err validate_checked(const struct smk_operation *op, struct smk_value *v,
                                     struct smk_arena *arena)
{
    struct smk_issues issues;
    struct smk_error err;
    enum smk_err rc;

    smk_issues_init(&issues);
    smk_error_clear(&err);
    rc = smk_validate(op, v, arena, &issues, &err);
    FZ_REQUIRE(rc == SMK_OK || rc == SMK_E_VALIDATION || rc == SMK_E_NOMEM,
               "smk_validate returned an undocumented error");
    if (explain)
        explain_issues(op, rc, &issues);
    fz_check_issues(&issues);
    if (rc == SMK_OK) {
        FZ_REQUIRE(issues.n == 0 && issues.dropped == 0, "valid, yet issues were recorded");
    } else if (rc == SMK_E_VALIDATION) {
        FZ_REQUIRE(issues.n >= 1, "invalid, yet no issue was recorded");
        FZ_REQUIRE(err.code == SMK_E_VALIDATION && strcmp(err.type, "ValidationError") == 0,
                   "validation error record");
        FZ_REQUIRE(strncmp(err.message, issues.items[0].path, strlen(issues.items[0].path)) ==
                       0 || strlen(issues.items[0].path) >= sizeof(err.message) - 1,
                   "the error message does not name the first issue's path");
        FZ_REQUIRE(fz_utf8_valid(err.message, strlen(err.message)),
                   "the error message is not UTF-8");
    }
    return rc;
}

/* ---- the client used for build_request ---------------------------------------------- */

static struct smk_client *client;
static struct smk_request request;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct smk_client_config cfg;
    struct smk_error err;

    (void)argc, (void)argv;
    explain = getenv("FUZZ_EXPLAIN") != NULL;
    memset(&cfg, 0, sizeof(cfg));
    cfg.region = "us-east-1";
    cfg.credentials.access_key_id = "AKIDEXAMPLE";
    cfg.credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    cfg.credentials.session_token = "token";
    cfg.validate = 1;
    cfg.transport = fz_null_transport();
    smk_error_clear(&err);
    if (smk_client_new(&cfg, &client, &err) != SMK_OK) {
        fprintf(stderr, "fuzz_lua_request: smk_client_new: %s\n", err.message);
        abort();
    }
    smk_request_init(&request);
    return 0;
}

static void check_build_request(const struct smk_operation *op, struct smk_value *v,
                                struct smk_arena *arena, const struct smk_buf *body,
                                uint8_t time_sel)
{
    static const int64_t times[] = {1700000000, 0, 253402300799, -62167219200, 1440938160,
                                    253402300800 /* year 10000: refused */};
    int64_t when = times[time_sel % (sizeof(times) / sizeof(times[0]))];
    struct smk_issues issues;
    struct smk_error err;
    char auth[512];
    enum smk_err rc;

    smk_issues_init(&issues);
    smk_error_clear(&err);
    rc = smk_client_build_request(client, op, v, when, arena, &issues, &request, &err);
    if (rc == SMK_E_NOMEM)
        return;
    if (when > 253402300799) {
        FZ_REQUIRE(rc == SMK_E_INVALID_ARG, "a signing time after year 9999 was accepted");
        return;
    }
    FZ_REQUIRE(rc == SMK_OK, "build_request failed on a valid request");
    FZ_REQUIRE(request.body.len == body->len &&
                   memcmp(smk_buf_cstr(&request.body), smk_buf_cstr(body), body->len) == 0,
               "build_request's body differs from smk_json_encode's");
    FZ_REQUIRE(strncmp(smk_buf_cstr(&request.sig.authorization),
                       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", 40) == 0,
               "Authorization header");
    snprintf(auth, sizeof(auth), "%s", smk_buf_cstr(&request.sig.authorization));
    rc = smk_client_build_request(client, op, v, when, arena, &issues, &request, &err);
    FZ_REQUIRE(rc == SMK_OK, "build_request failed the second time");
    FZ_REQUIRE(strcmp(auth, smk_buf_cstr(&request.sig.authorization)) == 0,
               "signing is not deterministic");
}

/* ---- the target -------------------------------------------------------------------- */

struct run {
    struct machine m;
    const struct smk_operation *op;
    struct smk_arena *arena, *arena2;
    struct smk_value v, v2;
    enum smk_err rc, rc2;
};

/* Build the table and convert it, in protected mode. */
static int build_and_convert(lua_State *L)
{
    struct run *r = lua_touserdata(L, 1);
    int top;

    lua_settop(L, 0);
    lua_newtable(L); /* SLOT_TABLES */
    lua_newtable(L); /* SLOT_ROOT */
    r->m.L = L;
    r->m.base = 2;
    r->m.n_tables = 0;
    lua_pushvalue(L, SLOT_ROOT);
    r->m.open[0] = register_table(&r->m);
    lua_pop(L, 1);
    r->m.n_open = 1;
    run_program(&r->m);

    top = lua_gettop(L);
    r->rc = lsmk_to_value(L, SLOT_ROOT, r->arena, &r->v);
    FZ_REQUIRE(lua_gettop(L) == top, "lsmk_to_value changed the Lua stack");
    /* Again, by a negative index, to check determinism; skipped for big
     * trees (shared subtables can fill the arena), which only cost time. */
    r->rc2 = SMK_E_NOMEM;
    if (r->arena->total < RECONVERT_MAX) {
        r->rc2 = lsmk_to_value(L, -(top - 1), r->arena2, &r->v2);
        FZ_REQUIRE(lua_gettop(L) == top, "lsmk_to_value changed the Lua stack");
    }
    /* The trees borrow the tables' strings (lsmk.h): return the root so it
     * stays anchored on the stack until after_conversion is done. */
    lua_pushvalue(L, SLOT_ROOT);
    return 1;
}

static int same_tree(const struct smk_value *a, const struct smk_value *b)
{
    size_t i;

    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case SMK_VALUE_INVALID:
        return strcmp(a->u.s.ptr, b->u.s.ptr) == 0;
    case SMK_VALUE_FLOAT:
        return memcmp(&a->u.f, &b->u.f, sizeof(double)) == 0;
    case SMK_VALUE_LIST:
        if (a->u.list.n != b->u.list.n)
            return 0;
        for (i = 0; i < a->u.list.n; i++)
            if (!same_tree(&a->u.list.items[i], &b->u.list.items[i]))
                return 0;
        return 1;
    case SMK_VALUE_MAP:
        if (a->u.map.n != b->u.map.n)
            return 0;
        for (i = 0; i < a->u.map.n; i++)
            if (a->u.map.items[i].key_len != b->u.map.items[i].key_len ||
                memcmp(a->u.map.items[i].key, b->u.map.items[i].key,
                       a->u.map.items[i].key_len) != 0 ||
                !same_tree(&a->u.map.items[i].value, &b->u.map.items[i].value))
                return 0;
        return 1;
    default:
        return fz_value_equal(a, b);
    }
}

static void after_conversion(struct run *r, uint8_t flags, uint8_t time_sel)
{
    struct smk_buf body;
    struct smk_value back;
    struct smk_error err;
    enum smk_err rc;

    FZ_REQUIRE(r->rc == SMK_OK || r->rc == SMK_E_NOMEM, "lsmk_to_value: undocumented error");
    if (explain && r->rc != SMK_OK)
        fprintf(stderr, "%s: conversion %s\n", r->op->name, smk_err_name(r->rc));
    if (r->rc != SMK_OK)
        return;
    fz_check_tree(&r->v);
    FZ_REQUIRE(r->v.kind == SMK_VALUE_MAP || r->v.kind == SMK_VALUE_LIST ||
                   r->v.kind == SMK_VALUE_INVALID,
               "a table converted to a scalar");
    if (r->rc2 == SMK_OK)
        FZ_REQUIRE(same_tree(&r->v, &r->v2), "conversion is not deterministic");

    rc = validate_checked(r->op, &r->v, r->arena);
    if (rc != SMK_OK)
        return;
    check_wire(r->op->input, &r->v);
    FZ_REQUIRE(validate_checked(r->op, &r->v, r->arena) == SMK_OK ||
                   !(flags & FLAG_SMALL_ARENA),
               "a normalised valid request is no longer valid");

    smk_buf_init(&body, BODY_MAX);
    smk_error_clear(&err);
    rc = smk_json_encode(&r->v, &body, &err);
    FZ_REQUIRE(rc == SMK_OK || rc == SMK_E_TOO_LARGE || rc == SMK_E_NOMEM,
               "a valid request could not be encoded");
    if (rc == SMK_OK) {
        FZ_REQUIRE(fz_utf8_valid(smk_buf_cstr(&body), body.len), "request JSON is not UTF-8");
        rc = smk_json_decode(smk_buf_cstr(&body), body.len, 64, r->arena2, &back, &err);
        FZ_REQUIRE(rc == SMK_OK || rc == SMK_E_NOMEM, "request JSON does not decode");
        if (rc == SMK_OK) {
            FZ_REQUIRE(fz_value_equal(&r->v, &back), "JSON round trip changed the request");
            check_wire(r->op->input, &back);
            FZ_REQUIRE(validate_checked(r->op, &back, r->arena2) == SMK_OK ||
                           !(flags & FLAG_SMALL_ARENA),
                       "the decoded request JSON is not valid");
        }
        if (flags & FLAG_BUILD)
            check_build_request(r->op, &r->v, r->arena, &body, time_sel);
    }
    smk_buf_cleanup(&body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ops[] = {
        "CreateAutoMLJob", "CreateAutoMLJob", "CreateAutoMLJob", "CreateAutoMLJob",
        "DescribeAutoMLJob", "ListAutoMLJobs", "ListCandidatesForAutoMLJob", "StopAutoMLJob"};
    struct smk_arena arena, arena2;
    struct run r;
    lua_State *L;
    uint8_t flags, time_sel = 0;
    size_t limit = ARENA_MAX;

    if (size < 2)
        return 0;
    memset(&r, 0, sizeof(r));
    r.op = smk_operation_find(ops[data[0] & 7]);
    FZ_REQUIRE(r.op != NULL, "operation lookup");
    flags = data[1];
    r.m.in.p = data + 2;
    r.m.in.n = size - 2;
    if (flags & FLAG_SMALL_ARENA)
        limit = 64u * (1u + fz_byte(&r.m.in));
    else if (flags & FLAG_BIG_ARENA)
        limit = BIG_ARENA_MAX;
    if (flags & FLAG_BUILD)
        time_sel = fz_byte(&r.m.in);
    smk_arena_init(&arena, limit);
    smk_arena_init(&arena2, BIG_ARENA_MAX);
    r.arena = &arena;
    r.arena2 = &arena2;

    L = luaL_newstate();
    FZ_REQUIRE(L != NULL, "luaL_newstate");
    lua_pushcfunction(L, build_and_convert);
    lua_pushlightuserdata(L, &r);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        fprintf(stderr, "Lua error: %s\n", lua_tostring(L, -1));
        FZ_REQUIRE(0, "building or converting the table raised a Lua error");
    }
    /* The tree's strings are borrowed from the Lua state: close it after. */
    after_conversion(&r, flags, time_sel);
    lua_close(L);
    smk_arena_cleanup(&arena);
    smk_arena_cleanup(&arena2);
    return 0;
}
