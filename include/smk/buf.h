/*
 * smk/buf.h - bounded growable byte buffer.
 *
 * A buffer owns its bytes and never grows past the maximum its owner chose at
 * init (SMK_E_TOO_LARGE otherwise; the content is then left unchanged). The
 * data is always NUL-terminated (the terminator is not counted in `len` and
 * does not count against `max`). A buffer may be reused after
 * smk_buf_reset(); smk_buf_cleanup() frees it (and may be called twice).
 * Use smk_buf_cleanup_secure() for buffers that held secrets.
 *
 * Thread-safety: a buffer must not be shared between threads without locking.
 */
#ifndef SMK_BUF_H
#define SMK_BUF_H

#include <stddef.h>

#include "smk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct smk_buf {
    char *data;  /* NULL until the first append */
    size_t len;
    size_t cap;
    size_t max;  /* maximum len */
};

SMK_API void smk_buf_init(struct smk_buf *b, size_t max);
SMK_API enum smk_err smk_buf_append(struct smk_buf *b, const void *p, size_t n);
SMK_API enum smk_err smk_buf_append_str(struct smk_buf *b, const char *s);
SMK_API enum smk_err smk_buf_append_char(struct smk_buf *b, char c);
SMK_API enum smk_err smk_buf_appendf(struct smk_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Empty the buffer, keeping its memory. */
SMK_API void smk_buf_reset(struct smk_buf *b);
/* Free the memory; the buffer is empty and reusable afterwards. */
SMK_API void smk_buf_cleanup(struct smk_buf *b);
/* Wipe the bytes (explicit_bzero) then free. */
SMK_API void smk_buf_cleanup_secure(struct smk_buf *b);
/* Pointer to the NUL-terminated data ("" when empty); never NULL. */
SMK_API const char *smk_buf_cstr(const struct smk_buf *b);

#ifdef __cplusplus
}
#endif
#endif
