/*
 * Internal: INI parsing with the semantics of Python's configparser as
 * botocore uses it (see smk/config.h for the syntax), and POSIX shell-style
 * word splitting (Python's shlex.split), which botocore applies to section
 * names and to credential_process.
 */
#ifndef SMK_CONFIG_INI_H
#define SMK_CONFIG_INI_H

#include <stddef.h>

#include "smk/error.h"

struct smk__ini_entry {
    char *key;                  /* lower-cased */
    char *value;                /* trimmed; lines joined with '\n' */
    struct smk__ini_entry *sub; /* "key =" + indented "k = v" lines; else NULL */
    size_t n_sub;
    int line;
};

struct smk__ini_section {
    char *name; /* as written between the brackets */
    struct smk__ini_entry *entries;
    size_t n, cap;
    int line;
};

struct smk__ini {
    struct smk__ini_section *sections;
    size_t n, cap;
};

/* Parse `len` bytes of `text`. `path` only names the file in errors. On
 * error `out` is freed and empty. Errors: SMK_E_CONFIG, SMK_E_NOMEM. */
enum smk_err smk__ini_parse(const char *text, size_t len, const char *path, struct smk__ini *out,
                            struct smk_error *err);
/* Wipes values (they may be secrets) and frees. Idempotent. */
void smk__ini_free(struct smk__ini *ini);

const struct smk__ini_section *smk__ini_section(const struct smk__ini *ini, const char *name);
const struct smk__ini_entry *smk__ini_get(const struct smk__ini_section *s, const char *key);
/* `key` in a sub-section (exact, case-sensitive, as botocore compares). */
const struct smk__ini_entry *smk__ini_sub_get(const struct smk__ini_entry *e, const char *key);

/* Split `s` like shlex.split(s) (POSIX mode, no comments): blanks separate
 * words; '...' is literal; in "..." a backslash escapes only '"' and '\';
 * outside quotes a backslash escapes any character. `*argv` is a
 * NULL-terminated array of `*argc` strings in one allocation (free with
 * free()). Errors: SMK_E_CONFIG (an unclosed quote, a trailing backslash),
 * SMK_E_NOMEM. */
enum smk_err smk__shlex_split(const char *s, char ***argv, size_t *argc, struct smk_error *err);

#endif
