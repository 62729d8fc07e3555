/* Bounded growable buffer: see smk/buf.h for the contract. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/wipe.h"
#include "smk/buf.h"

void smk_buf_init(struct smk_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

/* Make room for `extra` more bytes plus the terminator. */
static enum smk_err reserve(struct smk_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (extra > b->max || b->len > b->max - extra)
        return SMK_E_TOO_LARGE;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return SMK_OK;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    p = realloc(b->data, cap);
    if (p == NULL)
        return SMK_E_NOMEM;
    b->data = p;
    b->cap = cap;
    return SMK_OK;
}

enum smk_err smk_buf_append(struct smk_buf *b, const void *p, size_t n)
{
    enum smk_err rc = reserve(b, n);

    if (rc != SMK_OK)
        return rc;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return SMK_OK;
}

enum smk_err smk_buf_append_str(struct smk_buf *b, const char *s)
{
    return smk_buf_append(b, s, strlen(s));
}

enum smk_err smk_buf_append_char(struct smk_buf *b, char c)
{
    return smk_buf_append(b, &c, 1);
}

enum smk_err smk_buf_appendf(struct smk_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    enum smk_err rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return SMK_E_INVALID_ARG;
    rc = reserve(b, (size_t)n);
    if (rc != SMK_OK)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return SMK_OK;
}

void smk_buf_reset(struct smk_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void smk_buf_cleanup(struct smk_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void smk_buf_cleanup_secure(struct smk_buf *b)
{
    if (b->data)
        smk__wipe(b->data, b->cap);
    smk_buf_cleanup(b);
}

const char *smk_buf_cstr(const struct smk_buf *b)
{
    return b->data ? b->data : "";
}
