/*
 * JSON decoding into value trees with jansson: see smk/json.h for the contract.
 *
 * Additional guarantees of this implementation:
 * - Any JSON value is accepted at the top level (not only objects/arrays);
 *   trailing non-whitespace after it is an error.
 * - Depth counts containers: a scalar document has depth 0, `[]` and `{}`
 *   have depth 1, `[[1]]` has depth 2. A document deeper than `max_depth`
 *   fails with SMK_E_JSON. jansson itself refuses more than
 *   JSON_PARSER_MAX_DEPTH (2048) levels whatever `max_depth` says.
 * - Object members keep document order. With duplicate keys the last value
 *   wins, kept at the position of the first occurrence.
 * - Strings may contain "\u0000" (the value's length covers it); object keys
 *   may not (SMK_E_JSON). Invalid UTF-8 anywhere is SMK_E_JSON.
 * - Integers outside int64 become SMK_VALUE_FLOAT (nearest double). Such a
 *   document must not also repeat a key (SMK_E_JSON), because the integers
 *   are then matched to the tree in document order.
 * - Error messages give the line and column jansson reports.
 * - On error `*out` is left as NULL; arena memory already taken stays in the
 *   arena (freed with it). The jansson tree is always freed.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "smk/json.h"

_Static_assert(sizeof(json_int_t) == sizeof(int64_t) && (json_int_t)-1 < 0,
               "jansson integers must be int64");

/* Number tokens of the source text, in document order (big-integer mode). */
struct number_scan {
    const char *p;
    const char *end;
};

struct decoder {
    struct smk_arena *arena;
    struct smk_error *err;
    size_t max_depth;
    struct number_scan *numbers; /* NULL unless integers overflowed jansson */
};

/* Advance to the next number token; its text is [*start, *stop). The text has
 * already been validated by jansson, so a number starts with '-' or a digit
 * outside strings, and keywords hold no digits. */
static int next_number(struct number_scan *s, const char **start, const char **stop)
{
    const char *p = s->p;

    while (p < s->end) {
        char c = *p;
        if (c == '"') {
            for (p++; p < s->end && *p != '"'; p++)
                if (*p == '\\')
                    p++;
            p++;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            *start = p;
            while (p < s->end && ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' ||
                                  *p == '.' || *p == 'e' || *p == 'E'))
                p++;
            *stop = p;
            s->p = p;
            return 1;
        } else {
            p++;
        }
    }
    s->p = p;
    return 0;
}

/* In big-integer mode every number arrives as a real; the source token says
 * whether it was an integer that fits int64. */
static enum smk_err set_number_from_token(struct decoder *d, json_t *j, struct smk_value *out)
{
    const char *start, *stop, *q;
    char tmp[32];
    size_t n;
    long long ll;
    char *endp;

    if (!next_number(d->numbers, &start, &stop))
        return smk_error_set(d->err, SMK_E_JSON, NULL, "JSON number tokens out of step");
    n = (size_t)(stop - start);
    for (q = start; q < stop; q++)
        if (*q == '.' || *q == 'e' || *q == 'E')
            break;
    if (q == stop && n < sizeof(tmp)) {
        memcpy(tmp, start, n);
        tmp[n] = '\0';
        errno = 0;
        ll = strtoll(tmp, &endp, 10);
        if (errno == 0 && *endp == '\0') {
            smk_value_set_int(out, (int64_t)ll);
            return SMK_OK;
        }
    }
    smk_value_set_float(out, json_number_value(j));
    return SMK_OK;
}

static enum smk_err convert(struct decoder *d, json_t *j, size_t depth, struct smk_value *out);

static enum smk_err convert_array(struct decoder *d, json_t *j, size_t depth,
                                  struct smk_value *out)
{
    size_t i, n = json_array_size(j);
    enum smk_err rc;

    if (smk_value_set_list(d->arena, out, n) != SMK_OK)
        return smk_error_set(d->err, SMK_E_NOMEM, NULL, "out of memory decoding JSON");
    for (i = 0; i < n; i++) {
        rc = convert(d, json_array_get(j, i), depth, &out->u.list.items[i]);
        if (rc != SMK_OK)
            return rc;
    }
    return SMK_OK;
}

static enum smk_err convert_object(struct decoder *d, json_t *j, size_t depth,
                                   struct smk_value *out)
{
    size_t i = 0, n = json_object_size(j);
    void *it;
    enum smk_err rc;

    if (smk_value_set_map(d->arena, out, n) != SMK_OK)
        return smk_error_set(d->err, SMK_E_NOMEM, NULL, "out of memory decoding JSON");
    for (it = json_object_iter(j); it != NULL && i < n; it = json_object_iter_next(j, it), i++) {
        if (smk_value_map_set_key(d->arena, out, i, json_object_iter_key(it),
                                  json_object_iter_key_len(it)) != SMK_OK)
            return smk_error_set(d->err, SMK_E_NOMEM, NULL, "out of memory decoding JSON");
        rc = convert(d, json_object_iter_value(it), depth, &out->u.map.items[i].value);
        if (rc != SMK_OK)
            return rc;
    }
    out->u.map.n = i;
    return SMK_OK;
}

static enum smk_err convert(struct decoder *d, json_t *j, size_t depth, struct smk_value *out)
{
    switch (json_typeof(j)) {
    case JSON_NULL:
        smk_value_set_null(out);
        return SMK_OK;
    case JSON_TRUE:
        smk_value_set_bool(out, 1);
        return SMK_OK;
    case JSON_FALSE:
        smk_value_set_bool(out, 0);
        return SMK_OK;
    case JSON_INTEGER:
        smk_value_set_int(out, (int64_t)json_integer_value(j));
        return SMK_OK;
    case JSON_REAL:
        if (d->numbers)
            return set_number_from_token(d, j, out);
        smk_value_set_float(out, json_real_value(j));
        return SMK_OK;
    case JSON_STRING:
        if (smk_value_set_string(d->arena, out, json_string_value(j), json_string_length(j)) !=
            SMK_OK)
            return smk_error_set(d->err, SMK_E_NOMEM, NULL, "out of memory decoding JSON");
        return SMK_OK;
    case JSON_ARRAY:
    case JSON_OBJECT:
        if (depth >= d->max_depth)
            return smk_error_set(d->err, SMK_E_JSON, NULL,
                                 "JSON nested deeper than the limit of %zu levels", d->max_depth);
        return json_is_array(j) ? convert_array(d, j, depth + 1, out)
                                : convert_object(d, j, depth + 1, out);
    }
    return smk_error_set(d->err, SMK_E_JSON, NULL, "unexpected JSON value type");
}

enum smk_err smk_json_decode(const char *text, size_t len, size_t max_depth,
                             struct smk_arena *arena, struct smk_value *out,
                             struct smk_error *err)
{
    const size_t base_flags = JSON_DECODE_ANY | JSON_ALLOW_NUL;
    struct decoder d;
    struct number_scan scan;
    json_error_t jerr;
    json_t *root;
    enum smk_err rc;

    if (out != NULL)
        smk_value_set_null(out);
    if ((text == NULL && len > 0) || arena == NULL || out == NULL)
        return smk_error_set(err, SMK_E_INVALID_ARG, NULL, "smk_json_decode: NULL argument");
    d.arena = arena;
    d.err = err;
    d.max_depth = max_depth;
    d.numbers = NULL;

    root = json_loadb(text ? text : "", len, base_flags, &jerr);
    if (root == NULL && json_error_code(&jerr) == json_error_numeric_overflow) {
        /* An integer beyond int64: read every number as a double and recover
         * which ones were integers from the source text. */
        root = json_loadb(text, len, base_flags | JSON_DECODE_INT_AS_REAL | JSON_REJECT_DUPLICATES,
                          &jerr);
        scan.p = text;
        scan.end = text + len;
        d.numbers = &scan;
    }
    if (root == NULL)
        return smk_error_set(err, SMK_E_JSON, NULL, "malformed JSON at line %d, column %d: %s",
                             jerr.line, jerr.column, jerr.text);
    rc = convert(&d, root, 0, out);
    json_decref(root);
    if (rc != SMK_OK)
        smk_value_set_null(out);
    return rc;
}
