/* Error names, kinds and texts from the one X-macro table; record helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "smk/error.h"

static const struct {
    const char *name;
    const char *kind;
    const char *text;
} error_info[] = {
#define SMK_X_INFO(name, kind, text) {#name, kind, text},
    SMK_ERROR_LIST(SMK_X_INFO)
#undef SMK_X_INFO
};

static int in_range(enum smk_err code)
{
    return (int)code >= 0 && code < SMK_E__COUNT;
}

const char *smk_err_name(enum smk_err code)
{
    return in_range(code) ? error_info[code].name : "SMK_E_UNKNOWN";
}

const char *smk_err_kind(enum smk_err code)
{
    return in_range(code) ? error_info[code].kind : "internal";
}

const char *smk_strerror(enum smk_err code)
{
    return in_range(code) ? error_info[code].text : "unknown error";
}

void smk_error_clear(struct smk_error *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof(*err));
    err->code = SMK_OK;
}

enum smk_err smk_error_set(struct smk_error *err, enum smk_err code, const char *type,
                           const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return code;
    err->code = code;
    snprintf(err->type, sizeof(err->type), "%s", type ? type : smk_err_name(code));
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return code;
}
