/*
 * smk/json.h - JSON for value trees, and awsJson1.1 error responses.
 *
 * Encoding writes a value tree as compact JSON: integers as integers, floats
 * in the shortest form that reads back to the same double, every string
 * escaped per RFC 8259 (control characters as \u00XX), map members in tree
 * order. NaN and infinities cannot be encoded (SMK_E_INVALID_ARG). NULL
 * values inside maps are omitted (an unset member); elsewhere they are null.
 *
 * Decoding uses jansson and builds a tree in a caller-owned arena, refusing
 * input deeper than `max_depth`. JSON numbers without fraction or exponent
 * that fit in int64 become SMK_VALUE_INT, the others SMK_VALUE_FLOAT.
 *
 * Thread-safety: reentrant.
 */
#ifndef SMK_JSON_H
#define SMK_JSON_H

#include <stddef.h>

#include "smk/buf.h"
#include "smk/error.h"
#include "smk/value.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Append the JSON text of `v` to `out`. Errors: SMK_E_INVALID_ARG (NaN/inf,
 * INVALID node), SMK_E_TOO_LARGE (buffer max), SMK_E_NOMEM. */
SMK_API enum smk_err smk_json_encode(const struct smk_value *v, struct smk_buf *out,
                                     struct smk_error *err);

/* Parse `len` bytes of JSON into `*out`, allocating in `arena`.
 * Errors: SMK_E_JSON (malformed, too deep, not UTF-8), SMK_E_NOMEM. */
SMK_API enum smk_err smk_json_decode(const char *text, size_t len, size_t max_depth,
                                     struct smk_arena *arena, struct smk_value *out,
                                     struct smk_error *err);

/* Fill err->type / err->message / err->http_status from an awsJson1.1 error
 * response, per the Smithy protocol tests: the code comes from the
 * X-Amzn-Errortype header (`errortype_header`, may be NULL) or else the
 * body's top-level `code` or `__type`; anything after ':' and up to the last
 * '#' is dropped; nested `__type` members are ignored. The message comes from
 * `message` or `Message`. A body that is not JSON still yields an error
 * record (type from the header, or "HTTP<status>"). err->code is set to
 * SMK_E_SERVICE. Never fails; `body` may be NULL. */
SMK_API void smk_aws_json_parse_error(int http_status, const char *errortype_header,
                                      const char *body, size_t body_len,
                                      struct smk_error *err);

#ifdef __cplusplus
}
#endif
#endif
