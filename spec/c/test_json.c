/* JSON encoding and decoding of value trees (smk/json.h). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "smk/json.h"

static struct smk_arena arena;
static struct smk_buf out;
static struct smk_error err;

/* Encode `v` into the shared buffer (reset first); returns the text or NULL. */
static const char *enc(const struct smk_value *v)
{
    smk_buf_reset(&out);
    smk_error_clear(&err);
    if (smk_json_encode(v, &out, &err) != SMK_OK)
        return NULL;
    return smk_buf_cstr(&out);
}

static const char *enc_float(double f)
{
    struct smk_value v;

    smk_value_set_float(&v, f);
    return enc(&v);
}

static const char *enc_str(const char *s, size_t n)
{
    struct smk_value v;

    if (smk_value_set_string(&arena, &v, s, n) != SMK_OK)
        return NULL;
    return enc(&v);
}

static enum smk_err dec(const char *text, size_t max_depth, struct smk_value *v)
{
    smk_error_clear(&err);
    return smk_json_decode(text, strlen(text), max_depth, &arena, v, &err);
}

/* encode(decode(text)), or NULL. */
static const char *reencode(const char *text)
{
    struct smk_value v;

    if (dec(text, 64, &v) != SMK_OK)
        return NULL;
    return enc(&v);
}

/* ---- encoding ----------------------------------------------------------- */

static void encode_scalars(void)
{
    struct smk_value v;

    smk_value_set_null(&v);
    CHECK_STR(enc(&v), "null");
    smk_value_set_bool(&v, 1);
    CHECK_STR(enc(&v), "true");
    smk_value_set_bool(&v, 0);
    CHECK_STR(enc(&v), "false");
    smk_value_set_int(&v, 0);
    CHECK_STR(enc(&v), "0");
    smk_value_set_int(&v, -1);
    CHECK_STR(enc(&v), "-1");
    smk_value_set_int(&v, 1234567890);
    CHECK_STR(enc(&v), "1234567890");
    smk_value_set_int(&v, INT64_MAX);
    CHECK_STR(enc(&v), "9223372036854775807");
    smk_value_set_int(&v, INT64_MIN);
    CHECK_STR(enc(&v), "-9223372036854775808");
}

static void encode_floats_shortest(void)
{
    CHECK_STR(enc_float(0.1), "0.1");
    CHECK_STR(enc_float(0.2), "0.2");
    CHECK_STR(enc_float(0.1 + 0.2), "0.30000000000000004");
    CHECK_STR(enc_float(0.30000000000000004), "0.30000000000000004");
    CHECK_STR(enc_float(1e300), "1e+300");
    CHECK_STR(enc_float(5e-324), "5e-324");
    CHECK_STR(enc_float(-0.0), "-0");
    CHECK_STR(enc_float(0.0), "0");
    CHECK_STR(enc_float(10.0), "10");
    CHECK_STR(enc_float(1.5), "1.5");
    CHECK_STR(enc_float(-2.25), "-2.25");
    CHECK_STR(enc_float(DBL_MAX), "1.7976931348623157e+308");
    CHECK_STR(enc_float(DBL_MIN), "2.2250738585072014e-308");
    CHECK_STR(enc_float(1.0 / 3.0), "0.3333333333333333");
}

/* Oracle: the shortest "%.<p>g" (p = 15, 16, 17; from 1 for subnormals) that
 * strtod reads back as f. */
static const char *reference_shortest(double f)
{
    static char tmp[64];
    int prec = (f != 0.0 && f > -DBL_MIN && f < DBL_MIN) ? 1 : 15;

    for (; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*g", prec, f);
        if (strtod(tmp, NULL) == f)
            break;
    }
    return tmp;
}

static uint64_t xorshift(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Pseudo-random doubles (raw bit patterns, and short decimals m / 10^k):
 * the text is the oracle's, reads back exactly and decodes to the value. */
static void encode_floats_round_trip(void)
{
    uint64_t x = 0x9E3779B97F4A7C15u;
    int i, bad = 0;

    for (i = 0; i < 40000; i++) {
        double f, back;
        const char *s;
        struct smk_value v;
        uint64_t r = xorshift(&x);
        if (i % 2) {
            memcpy(&f, &r, sizeof(f));
        } else {
            int k = (int)(r % 19);
            double m = (double)((r >> 8) % (1 + (r >> 60) * 100000000000000ull));
            static const double p10[19] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                                           1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
            f = m / p10[k];
            if (r & 128)
                f = -f;
        }
        if (isnan(f) || isinf(f))
            continue;
        s = enc_float(f);
        if (s == NULL) {
            bad++;
            continue;
        }
        back = strtod(s, NULL);
        if (memcmp(&back, &f, sizeof(f)) != 0 || strlen(s) > 24) {
            fprintf(stderr, "  %.17g -> %s does not read back\n", f, s);
            bad++;
        }
        if (f != 0.0 && strcmp(s, reference_shortest(f)) != 0) {
            fprintf(stderr, "  %.17g -> %s, oracle %s\n", f, s, reference_shortest(f));
            bad++;
        }
        if (dec(s, 1, &v) != SMK_OK ||
            !((v.kind == SMK_VALUE_FLOAT && v.u.f == f) ||
              (v.kind == SMK_VALUE_INT && (double)v.u.i == f)))
            bad++;
        smk_arena_reset(&arena);
        if (bad > 10)
            break;
    }
    CHECK(bad == 0);
    CHECK_STR(enc_float(0.0001), "0.0001");
    CHECK_STR(enc_float(0.00001), "1e-05");
    CHECK_STR(enc_float(-0.000123), "-0.000123");
    CHECK_STR(enc_float(123456789012345.0), "123456789012345");
    CHECK_STR(enc_float(1e15), "1e+15");
    CHECK_STR(enc_float(1e16), "1e+16");
    CHECK_STR(enc_float(12345.678), "12345.678");
    CHECK_STR(enc_float(0.1234567890123456), "0.1234567890123456");
    CHECK_STR(enc_float(2.5e-10), "2.5e-10");
}

static void encode_rejects_nan_inf(void)
{
    struct smk_value v;
    double vals[3];
    int i;

    vals[0] = NAN;
    vals[1] = INFINITY;
    vals[2] = -INFINITY;
    for (i = 0; i < 3; i++) {
        smk_buf_reset(&out);
        CHECK(smk_buf_append_str(&out, "keep") == SMK_OK);
        smk_value_set_float(&v, vals[i]);
        smk_error_clear(&err);
        CHECK(smk_json_encode(&v, &out, &err) == SMK_E_INVALID_ARG);
        CHECK(err.code == SMK_E_INVALID_ARG);
        CHECK(err.message[0] != '\0');
        CHECK_STR(smk_buf_cstr(&out), "keep");
    }
    CHECK(strstr(err.message, "Infinity") != NULL);

    /* Inside a tree, the message names the path (1-based list index). */
    CHECK(smk_value_set_map(&arena, &v, 2) == SMK_OK);
    CHECK(smk_value_map_set_key(&arena, &v, 0, "Ok", 2) == SMK_OK);
    smk_value_set_int(&v.u.map.items[0].value, 1);
    CHECK(smk_value_map_set_key(&arena, &v, 1, "Ratios", 6) == SMK_OK);
    CHECK(smk_value_set_list(&arena, &v.u.map.items[1].value, 2) == SMK_OK);
    smk_value_set_float(&v.u.map.items[1].value.u.list.items[0], 0.5);
    smk_value_set_float(&v.u.map.items[1].value.u.list.items[1], NAN);
    CHECK(enc(&v) == NULL);
    CHECK(strstr(err.message, "NaN") != NULL);
    CHECK(strstr(err.message, "Ratios[2]") != NULL);
    CHECK(out.len == 0);
}

static void encode_control_chars(void)
{
    static const char *const want[32] = {
        "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
        "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
        "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
        "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
    };
    char in[3], expect[16];
    int c;

    for (c = 0; c < 32; c++) {
        in[0] = 'a';
        in[1] = (char)c;
        in[2] = 'z';
        snprintf(expect, sizeof(expect), "\"a%sz\"", want[c]);
        CHECK_STR(enc_str(in, 3), expect);
    }
}

/* Every escaped byte at every position of a 32-byte string whose other
 * bytes are near misses (0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xff). */
static void encode_escape_positions(void)
{
    static const char fillers[] = " !#[]\x7f\x80\xff";
    static const char specials[] = {'"', '\\', '\n', '\x01', '\x1f', '\0'};
    static const char *const escaped[] = {"\\\"", "\\\\", "\\n", "\\u0001", "\\u001f", "\\u0000"};
    char in[32], want[128];
    size_t pos, k, i, o;

    for (k = 0; k < sizeof(specials); k++) {
        for (pos = 0; pos < sizeof(in); pos++) {
            o = 0;
            want[o++] = '"';
            for (i = 0; i < sizeof(in); i++) {
                if (i == pos) {
                    in[i] = specials[k];
                    memcpy(want + o, escaped[k], strlen(escaped[k]));
                    o += strlen(escaped[k]);
                } else {
                    in[i] = fillers[(i + k) % (sizeof(fillers) - 1)];
                    want[o++] = in[i];
                }
            }
            want[o++] = '"';
            want[o] = '\0';
            CHECK_STR(enc_str(in, sizeof(in)), want);
        }
    }
}

static void encode_string_escapes(void)
{
    CHECK_STR(enc_str("", 0), "\"\"");
    CHECK_STR(enc_str("say \"hi\"", 8), "\"say \\\"hi\\\"\"");
    CHECK_STR(enc_str("C:\\dir\\", 7), "\"C:\\\\dir\\\\\"");
    CHECK_STR(enc_str("a/b", 3), "\"a/b\"");
    CHECK_STR(enc_str("\x7f", 1), "\"\x7f\"");
    /* UTF-8 passes through unchanged (2-, 3- and 4-byte sequences). */
    CHECK_STR(enc_str("h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80", 15),
              "\"h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80\"");
    /* U+2028 is valid in JSON text and is left alone. */
    CHECK_STR(enc_str("\xe2\x80\xa8", 3), "\"\xe2\x80\xa8\"");
    /* Embedded NUL. */
    CHECK_STR(enc_str("a\0b", 3), "\"a\\u0000b\"");
    CHECK_STR(enc_str("\"\\\n", 3), "\"\\\"\\\\\\n\"");
}

/* Strings longer than the encoder's staging area, with escapes at every
 * position class, come out exactly. */
static void encode_long_strings(void)
{
    size_t n = 5000, i, o = 0;
    char *in = malloc(n), *want = malloc(2 * n + 8);

    CHECK(in != NULL && want != NULL);
    if (in == NULL || want == NULL) {
        free(in);
        free(want);
        return;
    }
    want[o++] = '"';
    for (i = 0; i < n; i++) {
        in[i] = (i % 97 == 0) ? '"' : (char)('a' + (int)(i % 26));
        if (in[i] == '"')
            want[o++] = '\\';
        want[o++] = in[i];
    }
    want[o++] = '"';
    want[o] = '\0';
    CHECK_STR(enc_str(in, n), want);
    /* No escapes at all: one long run. */
    memset(in, 'x', n);
    o = 0;
    want[o++] = '"';
    memset(want + o, 'x', n);
    o += n;
    want[o++] = '"';
    want[o] = '\0';
    CHECK_STR(enc_str(in, n), want);
    free(in);
    free(want);
}

static void encode_null_members_omitted(void)
{
    struct smk_value v, *l;

    CHECK(smk_value_set_map(&arena, &v, 4) == SMK_OK);
    CHECK(smk_value_map_set_key(&arena, &v, 0, "A", 1) == SMK_OK);
    CHECK(smk_value_map_set_key(&arena, &v, 1, "B", 1) == SMK_OK);
    CHECK(smk_value_map_set_key(&arena, &v, 2, "C", 1) == SMK_OK);
    CHECK(smk_value_map_set_key(&arena, &v, 3, "D", 1) == SMK_OK);
    smk_value_set_int(&v.u.map.items[1].value, 2);
    CHECK(smk_value_set_list(&arena, &v.u.map.items[3].value, 2) == SMK_OK);
    l = &v.u.map.items[3].value;
    smk_value_set_bool(&l->u.list.items[1], 1);
    CHECK_STR(enc(&v), "{\"B\":2,\"D\":[null,true]}");

    CHECK(smk_value_set_map(&arena, &v, 2) == SMK_OK);
    CHECK(smk_value_map_set_key(&arena, &v, 0, "A", 1) == SMK_OK);
    CHECK(smk_value_map_set_key(&arena, &v, 1, "B", 1) == SMK_OK);
    CHECK_STR(enc(&v), "{}");
}

static void encode_nested(void)
{
    struct smk_value v, *m, *l;

    CHECK(smk_value_set_list(&arena, &v, 0) == SMK_OK);
    CHECK_STR(enc(&v), "[]");
    CHECK(smk_value_set_map(&arena, &v, 0) == SMK_OK);
    CHECK_STR(enc(&v), "{}");

    CHECK(smk_value_set_map(&arena, &v, 3) == SMK_OK);
    CHECK(smk_value_map_set_key(&arena, &v, 0, "Name", 4) == SMK_OK);
    CHECK(smk_value_set_string(&arena, &v.u.map.items[0].value, "job-1", 5) == SMK_OK);
    CHECK(smk_value_map_set_key(&arena, &v, 1, "Channels", 8) == SMK_OK);
    l = &v.u.map.items[1].value;
    CHECK(smk_value_set_list(&arena, l, 2) == SMK_OK);
    m = &l->u.list.items[0];
    CHECK(smk_value_set_map(&arena, m, 1) == SMK_OK);
    CHECK(smk_value_map_set_key(&arena, m, 0, "Uri", 3) == SMK_OK);
    CHECK(smk_value_set_string(&arena, &m->u.map.items[0].value, "s3://b/k", 8) == SMK_OK);
    CHECK(smk_value_set_list(&arena, &l->u.list.items[1], 1) == SMK_OK);
    CHECK(smk_value_set_list(&arena, &l->u.list.items[1].u.list.items[0], 0) == SMK_OK);
    CHECK(smk_value_map_set_key(&arena, &v, 2, "k\"ey", 4) == SMK_OK);
    smk_value_set_float(&v.u.map.items[2].value, 0.25);
    CHECK_STR(enc(&v), "{\"Name\":\"job-1\",\"Channels\":[{\"Uri\":\"s3://b/k\"},[[]]],\"k\\\"ey\":0.25}");
}

static void encode_invalid_node(void)
{
    struct smk_value v;

    CHECK(smk_value_set_map(&arena, &v, 1) == SMK_OK);
    CHECK(smk_value_map_set_key(&arena, &v, 0, "Tags", 4) == SMK_OK);
    CHECK(smk_value_set_list(&arena, &v.u.map.items[0].value, 2) == SMK_OK);
    CHECK(smk_value_set_invalid(&arena, &v.u.map.items[0].value.u.list.items[1], "function") ==
          SMK_OK);
    CHECK(enc(&v) == NULL);
    CHECK(err.code == SMK_E_INVALID_ARG);
    CHECK(strstr(err.message, "function") != NULL);
    CHECK(strstr(err.message, "Tags[2]") != NULL);

    CHECK(smk_value_set_invalid(&arena, &v, "userdata") == SMK_OK);
    CHECK(enc(&v) == NULL);
    CHECK(err.code == SMK_E_INVALID_ARG);
}

/* Nest `levels` single-item lists around an integer. */
static void nest_lists(struct smk_value *v, int levels)
{
    int i;

    for (i = 0; i < levels; i++) {
        CHECK(smk_value_set_list(&arena, v, 1) == SMK_OK);
        v = &v->u.list.items[0];
    }
    smk_value_set_int(v, 1);
}

static void encode_depth_limit(void)
{
    struct smk_value v;
    const char *s;

    nest_lists(&v, 64);
    s = enc(&v);
    CHECK(s != NULL && strlen(s) == 64 * 2 + 1);
    nest_lists(&v, 65);
    CHECK(enc(&v) == NULL);
    CHECK(err.code == SMK_E_INVALID_ARG);
    nest_lists(&v, 10000);
    CHECK(enc(&v) == NULL);
}

static void encode_buffer_max(void)
{
    struct smk_buf small;
    struct smk_value v;
    char big[3000];

    CHECK(smk_value_set_string(&arena, &v, "hello", 5) == SMK_OK);
    smk_buf_init(&small, 7);
    CHECK(smk_json_encode(&v, &small, &err) == SMK_OK);
    CHECK_STR(smk_buf_cstr(&small), "\"hello\"");
    smk_buf_reset(&small);
    CHECK(smk_buf_append_str(&small, "x") == SMK_OK);
    CHECK(smk_json_encode(&v, &small, &err) == SMK_E_TOO_LARGE);
    CHECK(err.code == SMK_E_TOO_LARGE);
    CHECK_STR(smk_buf_cstr(&small), "x");
    smk_buf_cleanup(&small);

    /* Over the limit only after the staging area has been flushed. */
    memset(big, 'q', sizeof(big));
    CHECK(smk_value_set_list(&arena, &v, 3) == SMK_OK);
    CHECK(smk_value_set_string(&arena, &v.u.list.items[0], big, 900) == SMK_OK);
    CHECK(smk_value_set_string(&arena, &v.u.list.items[1], big, 900) == SMK_OK);
    CHECK(smk_value_set_string(&arena, &v.u.list.items[2], big, sizeof(big)) == SMK_OK);
    smk_buf_init(&small, 2000);
    CHECK(smk_buf_append_str(&small, "pre") == SMK_OK);
    CHECK(smk_json_encode(&v, &small, &err) == SMK_E_TOO_LARGE);
    CHECK_STR(smk_buf_cstr(&small), "pre");
    smk_buf_cleanup(&small);
}

static void encode_appends(void)
{
    struct smk_value v;

    smk_buf_reset(&out);
    CHECK(smk_buf_append_str(&out, "[") == SMK_OK);
    smk_value_set_int(&v, 5);
    CHECK(smk_json_encode(&v, &out, &err) == SMK_OK);
    CHECK(smk_buf_append_str(&out, "]") == SMK_OK);
    CHECK_STR(smk_buf_cstr(&out), "[5]");
}

/* ---- decoding ----------------------------------------------------------- */

static void decode_types(void)
{
    struct smk_value v;
    const struct smk_value *x;

    CHECK(dec("{\"i\":-7,\"f\":1.5,\"e\":1e2,\"t\":true,\"F\":false,\"n\":null,\"s\":\"x\\ty\","
              "\"l\":[1,\"2\"],\"m\":{}}",
              8, &v) == SMK_OK);
    CHECK(v.kind == SMK_VALUE_MAP && v.u.map.n == 9);
    x = smk_value_get(&v, "i");
    CHECK(x && x->kind == SMK_VALUE_INT && x->u.i == -7);
    x = smk_value_get(&v, "f");
    CHECK(x && x->kind == SMK_VALUE_FLOAT && x->u.f == 1.5);
    x = smk_value_get(&v, "e");
    CHECK(x && x->kind == SMK_VALUE_FLOAT && x->u.f == 100.0);
    x = smk_value_get(&v, "t");
    CHECK(x && x->kind == SMK_VALUE_BOOL && x->u.b == 1);
    x = smk_value_get(&v, "F");
    CHECK(x && x->kind == SMK_VALUE_BOOL && x->u.b == 0);
    x = smk_value_get(&v, "n");
    CHECK(x && x->kind == SMK_VALUE_NULL);
    x = smk_value_get(&v, "s");
    CHECK(x && x->kind == SMK_VALUE_STRING && x->u.s.len == 3);
    CHECK(x && x->u.s.ptr && strcmp(x->u.s.ptr, "x\ty") == 0);
    x = smk_value_get(&v, "l");
    CHECK(x && x->kind == SMK_VALUE_LIST && x->u.list.n == 2);
    CHECK(x && x->u.list.items[0].kind == SMK_VALUE_INT && x->u.list.items[1].kind == SMK_VALUE_STRING);
    x = smk_value_get(&v, "m");
    CHECK(x && x->kind == SMK_VALUE_MAP && x->u.map.n == 0);

    CHECK(dec("42", 0, &v) == SMK_OK && v.kind == SMK_VALUE_INT && v.u.i == 42);
    CHECK(dec(" \"s\" ", 0, &v) == SMK_OK && v.kind == SMK_VALUE_STRING);
    CHECK(dec("null", 0, &v) == SMK_OK && v.kind == SMK_VALUE_NULL);
    CHECK(dec("\"a\\u0000b\"", 0, &v) == SMK_OK && v.kind == SMK_VALUE_STRING &&
          v.u.s.len == 3 && memcmp(v.u.s.ptr, "a\0b", 4) == 0);
    CHECK(dec("\"\\ud83d\\ude00\"", 0, &v) == SMK_OK && v.u.s.len == 4 &&
          memcmp(v.u.s.ptr, "\xf0\x9f\x98\x80", 4) == 0);
}

static void decode_keeps_order(void)
{
    struct smk_value v;
    static const char *const keys[] = {"zeta", "alpha", "mu", "beta", "omega", "c", "b", "a"};
    size_t i;

    CHECK(dec("{\"zeta\":1,\"alpha\":2,\"mu\":3,\"beta\":4,\"omega\":5,\"c\":6,\"b\":7,\"a\":8}", 4,
              &v) == SMK_OK);
    CHECK(v.kind == SMK_VALUE_MAP && v.u.map.n == 8);
    for (i = 0; i < 8 && i < v.u.map.n; i++) {
        CHECK_STR(v.u.map.items[i].key, keys[i]);
        CHECK(v.u.map.items[i].key_len == strlen(keys[i]));
        CHECK(v.u.map.items[i].value.u.i == (int64_t)i + 1);
    }
}

static void decode_depth_limit(void)
{
    struct smk_value v;
    char deep[2 * 3000 + 1];
    int i;

    CHECK(dec("[[[1]]]", 3, &v) == SMK_OK);
    CHECK(dec("[[[1]]]", 2, &v) == SMK_E_JSON);
    CHECK(err.code == SMK_E_JSON && strstr(err.message, "2") != NULL);
    CHECK(v.kind == SMK_VALUE_NULL);
    CHECK(dec("{\"a\":{\"b\":[]}}", 3, &v) == SMK_OK);
    CHECK(dec("{\"a\":{\"b\":[]}}", 2, &v) == SMK_E_JSON);
    CHECK(dec("1", 0, &v) == SMK_OK);
    CHECK(dec("[]", 0, &v) == SMK_E_JSON);
    /* Deeper than jansson's own parser limit. */
    for (i = 0; i < 3000; i++) {
        deep[i] = '[';
        deep[3000 + i] = ']';
    }
    deep[6000] = '\0';
    CHECK(dec(deep, 100000, &v) == SMK_E_JSON);
}

static void decode_malformed(void)
{
    static const char *const bad[] = {
        "", "   ", "{", "{\"a\":}", "[1,]", "[1 2]", "nul", "tru", "[1] x", "{\"a\":1,}",
        "{'a':1}", "[01]", "[1.]", "[.5]", "[+1]", "\"abc", "[\"a\\x\"]", "{\"a\" 1}", "[NaN]",
        "[Infinity]", "{\"a\":\"b\",\"c\":[1,2,{\"d\":",
    };
    struct smk_value v;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (dec(bad[i], 16, &v) != SMK_E_JSON) {
            fprintf(stderr, "  accepted: [%s]\n", bad[i]);
            CHECK(0);
        }
        CHECK(err.code == SMK_E_JSON);
        CHECK(strstr(err.message, "line") != NULL && strstr(err.message, "column") != NULL);
    }
    /* Truncation at every byte of a valid document. */
    {
        const char *doc = "{\"Jobs\":[{\"Name\":\"a\",\"N\":12,\"R\":0.5,\"T\":true}],\"Next\":null}";
        size_t n = strlen(doc), cut;
        for (cut = 0; cut < n; cut++) {
            smk_error_clear(&err);
            CHECK(smk_json_decode(doc, cut, 16, &arena, &v, &err) == SMK_E_JSON);
        }
        CHECK(smk_json_decode(doc, n, 16, &arena, &v, &err) == SMK_OK);
    }
    CHECK(smk_json_decode(NULL, 0, 4, &arena, &v, &err) == SMK_E_JSON);
}

static void decode_rejects_bad_utf8(void)
{
    static const char *const bad[] = {
        "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xe2\x82\"", "\"\x80\"",
        "\"\\ud800\"", "\"\\udc00\"", "{\"\xfe\":1}", "\"\xf4\x90\x80\x80\"",
    };
    struct smk_value v;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(dec(bad[i], 4, &v) == SMK_E_JSON);
    CHECK(dec("{\"a\\u0000\":1}", 4, &v) == SMK_E_JSON); /* NUL in a key */
}

static void decode_large_integers(void)
{
    struct smk_value v;
    const struct smk_value *it;

    CHECK(dec("9223372036854775807", 0, &v) == SMK_OK);
    CHECK(v.kind == SMK_VALUE_INT && v.u.i == INT64_MAX);
    CHECK(dec("-9223372036854775808", 0, &v) == SMK_OK);
    CHECK(v.kind == SMK_VALUE_INT && v.u.i == INT64_MIN);
    CHECK(dec("9223372036854775808", 0, &v) == SMK_OK);
    CHECK(v.kind == SMK_VALUE_FLOAT && v.u.f == 9223372036854775808.0);
    CHECK(dec("-99999999999999999999", 0, &v) == SMK_OK);
    CHECK(v.kind == SMK_VALUE_FLOAT && v.u.f == -1e20);

    /* Mixed document: the other numbers keep their kinds. */
    CHECK(dec("[1,\"a9\\\"-3\",1e2,99999999999999999999,-5,2.5,{\"k\":3,\"x\\\\\":[-0]},"
              "true,null,-9223372036854775808,12345678901234567890123]",
              4, &v) == SMK_OK);
    CHECK(v.kind == SMK_VALUE_LIST && v.u.list.n == 11);
    if (v.kind == SMK_VALUE_LIST && v.u.list.n == 11) {
        it = v.u.list.items;
        CHECK(it[0].kind == SMK_VALUE_INT && it[0].u.i == 1);
        CHECK(it[1].kind == SMK_VALUE_STRING);
        CHECK(it[2].kind == SMK_VALUE_FLOAT && it[2].u.f == 100.0);
        CHECK(it[3].kind == SMK_VALUE_FLOAT && it[3].u.f == 1e20);
        CHECK(it[4].kind == SMK_VALUE_INT && it[4].u.i == -5);
        CHECK(it[5].kind == SMK_VALUE_FLOAT && it[5].u.f == 2.5);
        CHECK(it[6].kind == SMK_VALUE_MAP && smk_value_get(&it[6], "k") &&
              smk_value_get(&it[6], "k")->kind == SMK_VALUE_INT &&
              smk_value_get(&it[6], "k")->u.i == 3);
        CHECK(smk_value_get(&it[6], "x\\") &&
              smk_value_get(&it[6], "x\\")->u.list.items[0].kind == SMK_VALUE_INT);
        CHECK(it[7].kind == SMK_VALUE_BOOL);
        CHECK(it[8].kind == SMK_VALUE_NULL);
        CHECK(it[9].kind == SMK_VALUE_INT && it[9].u.i == INT64_MIN);
        CHECK(it[10].kind == SMK_VALUE_FLOAT && it[10].u.f == 12345678901234567890123.0);
    }
    /* Numbers too big for a double, and big integers with a repeated key. */
    CHECK(dec("[1e400]", 4, &v) == SMK_E_JSON);
    CHECK(dec("[1" "0000000000000000000000000000000000000000000000000000000000000000000000000"
              "0000000000000000000000000000000000000000000000000000000000000000000000000000"
              "0000000000000000000000000000000000000000000000000000000000000000000000000000"
              "0000000000000000000000000000000000000000000000000000000000000000000000000000"
              "000000000000000000000000]",
              4, &v) == SMK_E_JSON);
    CHECK(dec("{\"a\":1,\"a\":99999999999999999999}", 4, &v) == SMK_E_JSON);
    /* A repeated key alone is fine: the last value wins. */
    CHECK(dec("{\"a\":1,\"b\":2,\"a\":3}", 4, &v) == SMK_OK);
    CHECK(v.u.map.n == 2 && smk_value_get(&v, "a")->u.i == 3);
}

static void decode_arena_limit(void)
{
    struct smk_arena small;
    struct smk_value v;
    char doc[4096];
    size_t o = 0;
    int i;

    doc[o++] = '[';
    for (i = 0; i < 500; i++)
        o += (size_t)snprintf(doc + o, sizeof(doc) - o, "%s\"s%d\"", i ? "," : "", i);
    doc[o++] = ']';
    doc[o] = '\0';
    smk_arena_init(&small, 1024);
    smk_error_clear(&err);
    CHECK(smk_json_decode(doc, o, 4, &small, &v, &err) == SMK_E_NOMEM);
    CHECK(err.code == SMK_E_NOMEM);
    smk_arena_cleanup(&small);
}

static void round_trips(void)
{
    static const char *const docs[] = {
        "{\"a\":[1,2.5,\"x\\n\",true,false,{}],\"b\":{\"c\":[]}}",
        "[0.1,1e+300,-9223372036854775808,9223372036854775807,\"\\u0001\xc3\xa9\",5e-324]",
        "{\"AutoMLJobName\":\"churn\",\"InputDataConfig\":[{\"DataSource\":{\"S3DataSource\":"
        "{\"S3DataType\":\"S3Prefix\",\"S3Uri\":\"s3://bucket/in/\"}},\"TargetAttributeName\":"
        "\"y\"}],\"OutputDataConfig\":{\"S3OutputPath\":\"s3://bucket/out/\"},\"RoleArn\":"
        "\"arn:aws:iam::123456789012:role/r\",\"AutoMLJobConfig\":{\"DataSplitConfig\":"
        "{\"ValidationFraction\":0.2},\"CompletionCriteria\":{\"MaxCandidates\":10}}}",
        "\"tab\\there \\\"q\\\" back\\\\slash \\u001f\"",
        "[[[[[[]]]]],{\"\":{\"\":\"\"}}]",
        "1.7976931348623157e+308",
    };
    size_t i;

    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
        CHECK_STR(reencode(docs[i]), docs[i]);
    /* Whitespace and escapes normalise; null members disappear. */
    CHECK_STR(reencode(" { \"a\" : null , \"b\" : [ null , \"\\u0041\\/\" ] } "),
              "{\"b\":[null,\"A/\"]}");
    CHECK_STR(reencode("[1.0,1E2,-0.0,0.30000000000000004]"), "[1,100,-0,0.30000000000000004]");
}

int main(void)
{
    smk_arena_init(&arena, 0);
    smk_buf_init(&out, 1u << 20);

    RUN(encode_scalars);
    RUN(encode_floats_shortest);
    RUN(encode_floats_round_trip);
    RUN(encode_rejects_nan_inf);
    RUN(encode_control_chars);
    RUN(encode_escape_positions);
    RUN(encode_string_escapes);
    RUN(encode_long_strings);
    RUN(encode_null_members_omitted);
    RUN(encode_nested);
    RUN(encode_invalid_node);
    RUN(encode_depth_limit);
    RUN(encode_buffer_max);
    RUN(encode_appends);
    RUN(decode_types);
    RUN(decode_keeps_order);
    RUN(decode_depth_limit);
    RUN(decode_malformed);
    RUN(decode_rejects_bad_utf8);
    RUN(decode_large_integers);
    RUN(decode_arena_limit);
    RUN(round_trips);

    smk_buf_cleanup(&out);
    smk_arena_cleanup(&arena);
    return harness_report("json");
}
