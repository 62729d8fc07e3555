/*
 * The model's patterns, compiled once with PCRE2: see model/shape.h.
 *
 * Semantics chosen to follow the service's (Java) regexes as closely as PCRE2
 * allows, and never to be stricter than Java where they differ:
 *  - a FULL match of the subject (PCRE2_ANCHORED | PCRE2_ENDANCHORED): the
 *    model's patterns carry no anchors, and a strict client checks the whole
 *    value, which is the patterns' evident intent;
 *  - PCRE2_UTF: subjects are code points, `\p{L}` etc. are Unicode properties;
 *  - no PCRE2_UCP: `\d`, `\s`, `\w` stay ASCII as in java.util.regex (with UCP
 *    `\d{12}` in RoleArn would accept Arabic-Indic digits);
 *  - newline convention ANYCRLF: `.` excludes only CR and LF, a subset of
 *    Java's line terminators, so `.` never rejects what Java accepts.
 *
 * Thread-safety: compilation runs once under pthread_once; compiled code is
 * read-only afterwards. Each thread keeps one match-data block (thread-specific
 * data, freed at thread exit), so matching allocates nothing after a thread's
 * first match.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "model/shape.h"

struct compiled {
    pcre2_code *code; /* NULL when compilation failed */
    int jit;          /* JIT-compiled: matched with pcre2_jit_match */
    /* class_repeat patterns: see smk_pattern_ascii_tables */
    unsigned char ascii[256];
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static struct compiled *table;      /* smk_model_pattern_count entries */
static size_t failed;               /* patterns that did not compile */
static pcre2_match_context *mctx;   /* limits; shared read-only */
static const unsigned char **ascii_tables; /* per pattern: its table or NULL */
static pthread_key_t md_key;
static int md_key_ok;

/* Bounds on the work of one match: far above what any model pattern needs on
 * a subject within its length limit. */
#define MATCH_LIMIT 1000000u
#define DEPTH_LIMIT 10000u

static void free_match_data(void *p)
{
    pcre2_match_data_free(p);
}

static int raw_match(const struct compiled *c, const char *s, size_t len, pcre2_match_data *md)
{
    /* pcre2_jit_match skips pcre2_match's argument checks: the subject is
     * valid UTF-8 (the caller's contract) and the options are fixed. */
    int rc = c->jit ? pcre2_jit_match(c->code, (PCRE2_SPTR)s, len, 0, 0, md, mctx)
                    : pcre2_match(c->code, (PCRE2_SPTR)s, len, 0, PCRE2_NO_UTF_CHECK, md, mctx);

    if (rc >= 0) /* 0: matched, ovector too small for the groups */
        return 1;
    return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

static void init_patterns(void)
{
    pcre2_compile_context *cctx;
    pcre2_match_data *probe;
    size_t i;

    failed = smk_model_pattern_count;
    table = calloc(smk_model_pattern_count ? smk_model_pattern_count : 1, sizeof(*table));
    ascii_tables = calloc(smk_model_pattern_count ? smk_model_pattern_count : 1,
                          sizeof(*ascii_tables));
    cctx = pcre2_compile_context_create(NULL);
    probe = pcre2_match_data_create(1, NULL);
    mctx = pcre2_match_context_create(NULL);
    if (table == NULL || ascii_tables == NULL || cctx == NULL || probe == NULL || mctx == NULL)
        goto out;
    pcre2_set_match_limit(mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(mctx, DEPTH_LIMIT);
    pcre2_set_newline(cctx, PCRE2_NEWLINE_ANYCRLF);
    md_key_ok = pthread_key_create(&md_key, free_match_data) == 0;

    failed = 0;
    for (i = 0; i < smk_model_pattern_count; i++) {
        const struct smk_pattern *p = &smk_model_patterns[i];
        struct compiled *c = &table[i];
        int errcode;
        PCRE2_SIZE erroffset;
        unsigned ch;

        c->code = pcre2_compile((PCRE2_SPTR)p->source, PCRE2_ZERO_TERMINATED,
                                PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED |
                                    PCRE2_NEVER_BACKSLASH_C,
                                &errcode, &erroffset, cctx);
        if (c->code == NULL) {
            failed++;
            continue;
        }
        c->jit = pcre2_jit_compile(c->code, PCRE2_JIT_COMPLETE) == 0; /* else interpreted */
        if (p->class_repeat) {
            /* The language is C* or C+: a byte is in C iff it matches alone. */
            for (ch = 1; ch < 128; ch++) {
                char one = (char)ch;
                c->ascii[ch] = SMK_ASCII_PLAIN;
                if (raw_match(c, &one, 1, probe) == 1)
                    c->ascii[ch] |= SMK_ASCII_IN_CLASS;
            }
            ascii_tables[i] = c->ascii;
        }
    }
out:
    pcre2_match_data_free(probe);
    pcre2_compile_context_free(cctx);
}

size_t smk_patterns_init(void)
{
    if (pthread_once(&init_once, init_patterns) != 0)
        return smk_model_pattern_count;
    return failed;
}

static pcre2_match_data *thread_match_data(void)
{
    pcre2_match_data *md;

    if (!md_key_ok)
        return NULL;
    md = pthread_getspecific(md_key);
    if (md == NULL) {
        md = pcre2_match_data_create(1, NULL);
        if (md != NULL && pthread_setspecific(md_key, md) != 0) {
            pcre2_match_data_free(md);
            md = NULL;
        }
    }
    return md;
}

const unsigned char *const *smk_pattern_ascii_tables(void)
{
    (void)smk_patterns_init();
    return ascii_tables;
}

int smk_pattern_match(int id, const char *s, size_t len)
{
    const struct compiled *c;
    pcre2_match_data *md;
    unsigned char kind, acc = SMK_ASCII_PLAIN | SMK_ASCII_IN_CLASS;
    size_t i;

    (void)smk_patterns_init();
    if (table == NULL || id < 0 || (size_t)id >= smk_model_pattern_count)
        return -1;
    c = &table[id];
    if (c->code == NULL)
        return -1;

    kind = smk_model_patterns[id].class_repeat;
    if (kind) {
        for (i = 0; i < len; i++)
            acc &= c->ascii[(unsigned char)s[i]];
        if (acc & SMK_ASCII_PLAIN) /* all ASCII without NUL: decided by the table */
            return (acc & SMK_ASCII_IN_CLASS) && (kind == 1 || len > 0);
    }

    md = thread_match_data();
    if (md == NULL)
        return -1;
    return raw_match(c, s, len, md);
}
