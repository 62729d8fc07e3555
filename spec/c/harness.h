/*
 * Minimal C test harness. A test program calls CHECK()/CHECK_STR() inside
 * test functions registered with RUN(); main() ends with `return
 * harness_report("name")`, which prints "name: N passed, M failed" and
 * returns non-zero when anything failed. A case that needs files from
 * ../shared prints "SKIP: <why>" loudly and counts as skipped, never passed.
 */
#ifndef SMK_TEST_HARNESS_H
#define SMK_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int harness_passed __attribute__((unused)), harness_failed, harness_skipped, harness_case_failed;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            harness_case_failed = 1;                                                  \
        }                                                                             \
    } while (0)

#define CHECK_STR(got, want)                                                          \
    do {                                                                              \
        const char *g_ = (got), *w_ = (want);                                         \
        if (g_ == NULL || w_ == NULL || strcmp(g_, w_) != 0) {                        \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s\n  got:  [%s]\n  want: [%s]\n", \
                    __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");  \
            harness_case_failed = 1;                                                  \
        }                                                                             \
    } while (0)

/* Record the outcome of one case named `name` (a printf argument). */
static inline void harness_end_case(const char *name)
{
    if (harness_case_failed) {
        harness_failed++;
        fprintf(stderr, "FAIL: %s\n", name);
    } else {
        harness_passed++;
    }
    harness_case_failed = 0;
}

static inline void harness_skip(const char *why)
{
    harness_skipped++;
    fprintf(stderr, "SKIP: %s\n", why);
}

#define RUN(fn)                 \
    do {                        \
        fn();                   \
        harness_end_case(#fn);  \
    } while (0)

static inline int harness_report(const char *suite)
{
    if (harness_skipped)
        printf("%s: %d passed, %d failed, %d skipped\n", suite, harness_passed, harness_failed,
               harness_skipped);
    else
        printf("%s: %d passed, %d failed\n", suite, harness_passed, harness_failed);
    return harness_failed ? 1 : 0;
}

/* Write `text` to dir/name with permission bits `mode`; exits the test
 * program (status 2) when the file cannot be written. */
static inline void harness_write_file(const char *dir, const char *name, const char *text,
                                      int mode)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
    chmod(path, (mode_t)mode);
}

/* Make a fresh directory /tmp/smk-test-<name>-XXXXXX into dir[size]; exits
 * the test program (status 2) when it cannot. */
static inline void harness_tmpdir(char *dir, size_t size, const char *name)
{
    snprintf(dir, size, "/tmp/smk-test-%s-XXXXXX", name);
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        exit(2);
    }
}

/* Unset every variable of the NULL-terminated list. */
static inline void harness_unsetenv(const char *const *vars)
{
    size_t i;

    for (i = 0; vars[i]; i++)
        unsetenv(vars[i]);
}

#endif
