/*
 * smk/error.h - the one error type of the C core.
 *
 * Every fallible function returns `smk_err` (SMK_OK == 0) and may fill an
 * optional, caller-owned `struct smk_error` detail record. Filling the record
 * never allocates. Values of `enum smk_err` are stable: append only.
 *
 * Thread-safety: all functions here are reentrant.
 */
#ifndef SMK_ERROR_H
#define SMK_ERROR_H

#include <stddef.h>

#include "smk/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X-macro: name, Lua-facing kind, human text. */
#define SMK_ERROR_LIST(X)                                                         \
    X(SMK_OK, "ok", "success")                                                    \
    X(SMK_E_NOMEM, "internal", "out of memory")                                   \
    X(SMK_E_INVALID_ARG, "config", "invalid argument")                            \
    X(SMK_E_VALIDATION, "validation", "request failed validation")                \
    X(SMK_E_TOO_LARGE, "network", "response exceeds the configured size limit")   \
    X(SMK_E_JSON, "network", "malformed JSON in response")                        \
    X(SMK_E_CRYPTO, "internal", "cryptographic primitive failed")                 \
    X(SMK_E_TRANSPORT, "network", "network transport failed")                     \
    X(SMK_E_TIMEOUT, "timeout", "operation timed out")                            \
    X(SMK_E_SERVICE, "service", "service returned an error")                      \
    X(SMK_E_CREDENTIALS, "credentials", "no usable credentials")                  \
    X(SMK_E_CONFIG, "config", "invalid configuration")                            \
    X(SMK_E_INTERNAL, "internal", "internal error")

enum smk_err {
#define SMK_X_ENUM(name, kind, text) name,
    SMK_ERROR_LIST(SMK_X_ENUM)
#undef SMK_X_ENUM
    SMK_E__COUNT
};

/* Fixed-size detail record. Strings are always NUL-terminated and truncated
 * to fit. Never contains secrets. */
struct smk_error {
    enum smk_err code;
    int http_status;       /* 0 when no HTTP response was received */
    int retryable;         /* 1 when retrying the same request may succeed */
    unsigned attempts;     /* attempts made by the operation (0 if none sent) */
    char type[128];        /* service error code, e.g. "ResourceInUse"; or a
                              stable name such as "ValidationError" */
    char message[1024];    /* human-readable, actionable */
    char request_id[128];  /* x-amzn-RequestId when the service sent one */
};

/* "SMK_E_VALIDATION" etc.; never NULL. */
SMK_API const char *smk_err_name(enum smk_err code);
/* Lua-facing category: "validation", "service", "network", "timeout",
 * "credentials", "config" or "internal"; never NULL. */
SMK_API const char *smk_err_kind(enum smk_err code);
/* Static human text; never NULL. */
SMK_API const char *smk_strerror(enum smk_err code);

/* Reset a record to SMK_OK with empty strings. NULL-safe. */
SMK_API void smk_error_clear(struct smk_error *err);

/* Set code, type and printf-style message on `err` (NULL-safe) and return
 * `code`, so callers can write `return smk_error_set(err, SMK_E_CONFIG, ...)`.
 * `type` may be NULL (then the error name is used). */
SMK_API enum smk_err smk_error_set(struct smk_error *err, enum smk_err code,
                                   const char *type, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif
