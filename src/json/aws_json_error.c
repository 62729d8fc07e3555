/*
 * awsJson1.1 error responses: see smk/json.h for the contract.
 *
 * Precedence (Smithy awsJson1_1 protocol tests):
 *   code:    X-Amzn-Errortype header, else top-level body "code", else
 *            top-level body "__type". A source that is absent, not a string
 *            or empty after sanitising is skipped. Sanitising cuts at the
 *            first ':' then keeps what follows the last '#', and trims
 *            surrounding blanks.
 *   message: top-level "message", else "Message" (strings only), else "".
 * With no code anywhere, err->type is "HTTP<status>" (e.g. "HTTP503"), or
 * "UnknownError" when `http_status` is not positive.
 * err->code = SMK_E_SERVICE, err->http_status = http_status,
 * err->retryable = 0; err->attempts and err->request_id are not touched.
 * Bodies over SMK_AWS_ERROR_BODY_MAX bytes, or that are not a JSON object,
 * contribute nothing. Strings are truncated to fit the record, never inside
 * a UTF-8 sequence.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "smk/json.h"

#define SMK_AWS_ERROR_BODY_MAX (1u << 20)

/* Copy `n` bytes of `src` into `dst` (capacity `cap` > 0), truncating at a
 * UTF-8 character boundary, NUL-terminated. Stops at an embedded NUL.
 * Returns the length copied. */
static size_t copy_text(char *dst, size_t cap, const char *src, size_t n)
{
    const char *nul = memchr(src, '\0', n);

    if (nul)
        n = (size_t)(nul - src);
    if (n >= cap) {
        size_t k = cap - 1;
        /* A character cut in the middle starts at most 3 bytes before the
         * cut: drop it. Longer runs of continuation bytes are not UTF-8
         * (header bytes are not checked): cut them where they are. */
        n = k;
        while (k > 0 && n - k < 3 && ((unsigned char)src[k] & 0xC0) == 0x80)
            k--;
        if (((unsigned char)src[k] & 0xC0) != 0x80)
            n = k;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
    return n;
}

/* The shape name in an error code value; sets *len (0 when none). */
static const char *sanitize_code(const char *s, size_t n, size_t *len)
{
    const char *colon = memchr(s, ':', n), *p;

    if (colon)
        n = (size_t)(colon - s);
    for (p = s + n; p > s; p--) {
        if (p[-1] == '#') {
            n -= (size_t)(p - s);
            s = p;
            break;
        }
    }
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    *len = n;
    return s;
}

/* Try `key` of the top-level object as the code; 1 when it gave one. */
static int code_from_member(json_t *root, const char *key, struct smk_error *err)
{
    json_t *v = json_object_get(root, key);
    const char *code;
    size_t len;

    if (!json_is_string(v))
        return 0;
    code = sanitize_code(json_string_value(v), json_string_length(v), &len);
    /* empty also when it starts with "\u0000" */
    return len > 0 && copy_text(err->type, sizeof(err->type), code, len) > 0;
}

static int message_from_member(json_t *root, const char *key, struct smk_error *err)
{
    json_t *v = json_object_get(root, key);

    if (!json_is_string(v))
        return 0;
    copy_text(err->message, sizeof(err->message), json_string_value(v), json_string_length(v));
    return 1;
}

void smk_aws_json_parse_error(int http_status, const char *errortype_header, const char *body,
                              size_t body_len, struct smk_error *err)
{
    json_t *root = NULL;
    json_error_t jerr;
    int have_code = 0;

    if (err == NULL)
        return;
    err->code = SMK_E_SERVICE;
    err->http_status = http_status;
    err->retryable = 0;
    err->type[0] = '\0';
    err->message[0] = '\0';

    if (errortype_header != NULL) {
        size_t len;
        const char *code = sanitize_code(errortype_header, strlen(errortype_header), &len);
        have_code = len > 0 && copy_text(err->type, sizeof(err->type), code, len) > 0;
    }
    if (body != NULL && body_len > 0 && body_len <= SMK_AWS_ERROR_BODY_MAX)
        root = json_loadb(body, body_len, JSON_ALLOW_NUL, &jerr);
    if (json_is_object(root)) {
        if (!have_code)
            have_code = code_from_member(root, "code", err) ||
                        code_from_member(root, "__type", err);
        if (!message_from_member(root, "message", err))
            message_from_member(root, "Message", err);
    }
    json_decref(root);
    if (!have_code) {
        if (http_status > 0)
            snprintf(err->type, sizeof(err->type), "HTTP%d", http_status);
        else
            snprintf(err->type, sizeof(err->type), "UnknownError");
    }
}
