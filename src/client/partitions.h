/* AWS partitions (generated data, src/client/partitions_gen.c). Internal. */
#ifndef SMK_CLIENT_PARTITIONS_H
#define SMK_CLIENT_PARTITIONS_H

#include <stddef.h>

struct smk_partition {
    const char *name;                  /* "aws", "aws-cn", ... */
    const char *region_regex;          /* PCRE2 syntax, anchored */
    const char *dns_suffix;            /* "amazonaws.com" */
    const char *dual_stack_dns_suffix; /* "api.aws" */
    int supports_fips;
    int supports_dual_stack;
    const char *const *regions;        /* NULL-terminated explicit names */
};

/* smk__partitions[0] is "aws", the fallback for unknown regions. */
extern const struct smk_partition smk__partitions[];
extern const size_t smk__partition_count;

#endif
