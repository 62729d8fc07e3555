/*
 * INI parsing as Python's configparser (RawConfigParser, strict, no inline
 * comments, '=' and ':' delimiters) plus botocore's sub-section rule, and
 * shlex-style word splitting. See ini.h and smk/config.h.
 *
 * Errors name the file and line, never the text of the line: a malformed
 * line may hold a secret key.
 */
#include <stdlib.h>
#include <string.h>

#include "config/ini.h"
#include "core/wipe.h"
#include "smk/buf.h"

#define MAX_VALUE (1024u * 1024u)

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' || c == '\n';
}

static char *dup_range(const char *p, size_t n)
{
    char *s = malloc(n + 1);

    if (s) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

static void free_secret_str(char *s)
{
    if (s) {
        smk__wipe(s, strlen(s));
        free(s);
    }
}

static void free_entry(struct smk__ini_entry *e)
{
    size_t i;

    free(e->key);
    free_secret_str(e->value);
    for (i = 0; i < e->n_sub; i++)
        free_entry(&e->sub[i]);
    free(e->sub);
}

void smk__ini_free(struct smk__ini *ini)
{
    size_t i, j;

    if (ini == NULL)
        return;
    for (i = 0; i < ini->n; i++) {
        struct smk__ini_section *s = &ini->sections[i];
        for (j = 0; j < s->n; j++)
            free_entry(&s->entries[j]);
        free(s->entries);
        free(s->name);
    }
    free(ini->sections);
    memset(ini, 0, sizeof(*ini));
}

const struct smk__ini_section *smk__ini_section(const struct smk__ini *ini, const char *name)
{
    size_t i;

    for (i = 0; ini && i < ini->n; i++)
        if (strcmp(ini->sections[i].name, name) == 0)
            return &ini->sections[i];
    return NULL;
}

const struct smk__ini_entry *smk__ini_get(const struct smk__ini_section *s, const char *key)
{
    size_t i;

    for (i = 0; s && i < s->n; i++)
        if (strcmp(s->entries[i].key, key) == 0)
            return &s->entries[i];
    return NULL;
}

const struct smk__ini_entry *smk__ini_sub_get(const struct smk__ini_entry *e, const char *key)
{
    size_t i;

    for (i = 0; e && i < e->n_sub; i++)
        if (strcmp(e->sub[i].key, key) == 0)
            return &e->sub[i];
    return NULL;
}

/* ---- parser --------------------------------------------------------------- */

struct parser {
    struct smk__ini *ini;
    const char *path;
    struct smk_error *err;
    long cur_section; /* index, -1 before the first header */
    long cur_entry;   /* index in the current section, -1 when none */
    size_t indent_level;
    struct smk_buf value; /* the current entry's value under construction */
};

static enum smk_err nomem(struct parser *p)
{
    return smk_error_set(p->err, SMK_E_NOMEM, NULL, "out of memory reading %s", p->path);
}

static enum smk_err syntax(struct parser *p, int line, const char *what)
{
    return smk_error_set(p->err, SMK_E_CONFIG, "ConfigParseError",
                         "cannot parse %s, line %d: %s", p->path, line, what);
}

/* Split "k = v" lines of a value that starts with a newline into `e->sub`. */
static enum smk_err parse_nested(struct parser *p, struct smk__ini_entry *e)
{
    const char *s = e->value;
    size_t cap = 0;

    while (*s) {
        const char *end = strchr(s, '\n'), *eq, *a, *b;
        size_t len = end ? (size_t)(end - s) : strlen(s);
        struct smk__ini_entry *sub;

        a = s;
        b = s + len;
        s = end ? end + 1 : s + len;
        while (a < b && is_blank(*a))
            a++;
        while (b > a && is_blank(b[-1]))
            b--;
        if (a == b)
            continue;
        eq = memchr(a, '=', (size_t)(b - a));
        if (eq == NULL)
            return syntax(p, e->line, "a line of an indented sub-section has no '='");
        if (e->n_sub == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            struct smk__ini_entry *grown = realloc(e->sub, ncap * sizeof(*grown));
            if (grown == NULL)
                return nomem(p);
            e->sub = grown;
            cap = ncap;
        }
        sub = &e->sub[e->n_sub];
        memset(sub, 0, sizeof(*sub));
        sub->line = e->line;
        {
            const char *ke = eq, *vs = eq + 1;
            while (ke > a && is_blank(ke[-1]))
                ke--;
            while (vs < b && is_blank(*vs))
                vs++;
            sub->key = dup_range(a, (size_t)(ke - a));
            sub->value = dup_range(vs, (size_t)(b - vs));
        }
        e->n_sub++;
        if (sub->key == NULL || sub->value == NULL)
            return nomem(p);
    }
    return SMK_OK;
}

/* Finish the current entry: trim the value's tail, parse sub-sections. */
static enum smk_err commit_entry(struct parser *p)
{
    struct smk__ini_entry *e;
    size_t n = p->value.len;
    const char *v = smk_buf_cstr(&p->value);

    if (p->cur_section < 0 || p->cur_entry < 0)
        return SMK_OK;
    e = &p->ini->sections[p->cur_section].entries[p->cur_entry];
    p->cur_entry = -1;
    while (n > 0 && is_blank(v[n - 1]))
        n--;
    e->value = dup_range(v, n);
    if (p->value.data)
        smk__wipe(p->value.data, p->value.len);
    smk_buf_reset(&p->value);
    if (e->value == NULL)
        return nomem(p);
    if (e->value[0] == '\n')
        return parse_nested(p, e);
    return SMK_OK;
}

static enum smk_err add_section(struct parser *p, const char *name, size_t n, int line)
{
    struct smk__ini *ini = p->ini;
    struct smk__ini_section *s;
    size_t i;

    for (i = 0; i < ini->n; i++) {
        if (strlen(ini->sections[i].name) == n && memcmp(ini->sections[i].name, name, n) == 0) {
            if (n == 7 && memcmp(name, "DEFAULT", 7) == 0) { /* configparser: not a duplicate */
                p->cur_section = (long)i;
                return SMK_OK;
            }
            return syntax(p, line, "this section is already defined in the file");
        }
    }
    if (ini->n == ini->cap) {
        size_t ncap = ini->cap ? ini->cap * 2 : 8;
        struct smk__ini_section *grown = realloc(ini->sections, ncap * sizeof(*grown));
        if (grown == NULL)
            return nomem(p);
        ini->sections = grown;
        ini->cap = ncap;
    }
    s = &ini->sections[ini->n];
    memset(s, 0, sizeof(*s));
    s->name = dup_range(name, n);
    s->line = line;
    if (s->name == NULL)
        return nomem(p);
    p->cur_section = (long)ini->n++;
    return SMK_OK;
}

static enum smk_err add_entry(struct parser *p, const char *key, size_t key_len, const char *val,
                              size_t val_len, int line)
{
    struct smk__ini_section *s = &p->ini->sections[p->cur_section];
    struct smk__ini_entry *e;
    char *k;
    size_t i;

    k = dup_range(key, key_len);
    if (k == NULL)
        return nomem(p);
    for (i = 0; i < key_len; i++)
        if (k[i] >= 'A' && k[i] <= 'Z')
            k[i] = (char)(k[i] - 'A' + 'a');
    if (smk__ini_get(s, k)) {
        free(k);
        return syntax(p, line, "this key is already set in the section");
    }
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 8;
        struct smk__ini_entry *grown = realloc(s->entries, ncap * sizeof(*grown));
        if (grown == NULL) {
            free(k);
            return nomem(p);
        }
        s->entries = grown;
        s->cap = ncap;
    }
    e = &s->entries[s->n];
    memset(e, 0, sizeof(*e));
    e->key = k;
    e->line = line;
    p->cur_entry = (long)s->n++;
    smk_buf_reset(&p->value);
    if (smk_buf_append(&p->value, val, val_len) != SMK_OK)
        return syntax(p, line, "value too long");
    return SMK_OK;
}

static enum smk_err parse_line(struct parser *p, const char *line, size_t len, int lineno)
{
    const char *a = line, *b = line + len;
    size_t indent;
    int comment;

    while (a < b && is_blank(*a))
        a++;
    while (b > a && is_blank(b[-1]))
        b--;
    indent = (size_t)(a - line);
    comment = a < b && (*a == '#' || *a == ';');
    if (comment || a == b) {
        /* configparser keeps blank lines inside a value (not comment lines). */
        if (!comment && p->cur_section >= 0 && p->cur_entry >= 0 &&
            smk_buf_append_char(&p->value, '\n') != SMK_OK)
            return syntax(p, lineno, "value too long");
        return SMK_OK;
    }
    if (p->cur_section >= 0 && p->cur_entry >= 0 && indent > p->indent_level) {
        if (smk_buf_append_char(&p->value, '\n') != SMK_OK ||
            smk_buf_append(&p->value, a, (size_t)(b - a)) != SMK_OK)
            return syntax(p, lineno, "value too long");
        return SMK_OK;
    }
    p->indent_level = indent;
    if (*a == '[') {
        const char *close = b;
        /* "\[(.+)\]" matched from the start: the header runs to the last ']'. */
        while (close > a + 1 && close[-1] != ']')
            close--;
        if (close - a >= 3) {
            enum smk_err rc = commit_entry(p);
            if (rc != SMK_OK)
                return rc;
            return add_section(p, a + 1, (size_t)(close - 1 - (a + 1)), lineno);
        }
    }
    if (p->cur_section < 0)
        return syntax(p, lineno, "a setting appears before any [section] header");
    {
        const char *d = a, *ke, *vs;
        enum smk_err rc;

        while (d < b && *d != '=' && *d != ':')
            d++;
        if (d == b)
            return syntax(p, lineno, "expected 'key = value', a [section] header or a comment");
        ke = d;
        while (ke > a && is_blank(ke[-1]))
            ke--;
        if (ke == a)
            return syntax(p, lineno, "a setting has no name before its '=' or ':'");
        vs = d + 1;
        while (vs < b && is_blank(*vs))
            vs++;
        rc = commit_entry(p);
        if (rc != SMK_OK)
            return rc;
        return add_entry(p, a, (size_t)(ke - a), vs, (size_t)(b - vs), lineno);
    }
}

enum smk_err smk__ini_parse(const char *text, size_t len, const char *path, struct smk__ini *out,
                            struct smk_error *err)
{
    struct parser p;
    enum smk_err rc = SMK_OK;
    size_t pos = 0;
    int lineno = 0;

    memset(out, 0, sizeof(*out));
    memset(&p, 0, sizeof(p));
    p.ini = out;
    p.path = path ? path : "(config)";
    p.err = err;
    p.cur_section = -1;
    p.cur_entry = -1;
    smk_buf_init(&p.value, MAX_VALUE);
    if (memchr(text, '\0', len)) {
        rc = smk_error_set(err, SMK_E_CONFIG, "ConfigParseError",
                           "cannot parse %s: it contains a NUL byte", p.path);
        goto done;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte order mark */
        pos = 3;
    while (pos < len && rc == SMK_OK) {
        size_t start = pos;
        while (pos < len && text[pos] != '\n' && text[pos] != '\r')
            pos++;
        lineno++;
        rc = parse_line(&p, text + start, pos - start, lineno);
        if (pos < len && text[pos] == '\r') {
            pos++;
            if (pos < len && text[pos] == '\n')
                pos++;
        } else if (pos < len && text[pos] == '\n') {
            pos++;
        }
    }
    if (rc == SMK_OK)
        rc = commit_entry(&p);
done:
    smk_buf_cleanup_secure(&p.value);
    if (rc != SMK_OK)
        smk__ini_free(out);
    return rc;
}

/* ---- shlex ------------------------------------------------------------------ */

enum smk_err smk__shlex_split(const char *s, char ***argv_out, size_t *argc_out,
                              struct smk_error *err)
{
    size_t n = strlen(s), words = 0, i, cap;
    char *w, **argv;
    char quote = 0;
    int in_word = 0;

    *argv_out = NULL;
    *argc_out = 0;
    /* At most n/2+1 words, each at most n bytes in total plus NULs. */
    cap = n / 2 + 2;
    argv = malloc(cap * sizeof(char *) + 2 * n + 2);
    if (argv == NULL)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    w = (char *)(argv + cap);
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (quote == '\'') {
            if (c == '\'')
                quote = 0;
            else
                *w++ = c;
        } else if (quote == '"') {
            if (c == '"') {
                quote = 0;
            } else if (c == '\\' && (s[i + 1] == '"' || s[i + 1] == '\\')) {
                *w++ = s[++i];
            } else {
                *w++ = c;
            }
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            if (in_word) {
                *w++ = '\0';
                in_word = 0;
            }
        } else {
            if (!in_word) {
                argv[words++] = w;
                in_word = 1;
            }
            if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '\\') {
                if (s[i + 1] == '\0') {
                    free(argv);
                    return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                         "a command line ends with a lone backslash");
                }
                *w++ = s[++i];
            } else {
                *w++ = c;
            }
        }
    }
    if (quote) {
        free(argv);
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "a command line has an unclosed %s quote",
                             quote == '"' ? "double" : "single");
    }
    if (in_word)
        *w++ = '\0';
    argv[words] = NULL;
    *argv_out = argv;
    *argc_out = words;
    return SMK_OK;
}
