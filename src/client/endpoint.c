/* Endpoint rule set for SageMaker (see smk/endpoint.h) over the generated
 * partition table. */
#include <pthread.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "client/partitions.h"
#include "smk/endpoint.h"

#define MAX_PARTITIONS 32

static pcre2_code *region_patterns[MAX_PARTITIONS];
static pthread_once_t patterns_once = PTHREAD_ONCE_INIT;

static void compile_patterns(void)
{
    size_t i;
    int errcode;
    PCRE2_SIZE erroff;

    for (i = 0; i < smk__partition_count && i < MAX_PARTITIONS; i++)
        region_patterns[i] = pcre2_compile((PCRE2_SPTR)smk__partitions[i].region_regex,
                                           PCRE2_ZERO_TERMINATED, 0, &errcode, &erroff, NULL);
}

static int region_matches(size_t i, const char *region)
{
    pcre2_match_data *md;
    int rc;

    if (i >= MAX_PARTITIONS || region_patterns[i] == NULL)
        return 0;
    md = pcre2_match_data_create_from_pattern(region_patterns[i], NULL);
    if (md == NULL)
        return 0;
    rc = pcre2_match(region_patterns[i], (PCRE2_SPTR)region, strlen(region), 0, 0, md, NULL);
    pcre2_match_data_free(md);
    return rc >= 0;
}

static const struct smk_partition *partition_for(const char *region)
{
    size_t i;
    const char *const *r;

    for (i = 0; i < smk__partition_count; i++)
        for (r = smk__partitions[i].regions; *r; r++)
            if (strcmp(*r, region) == 0)
                return &smk__partitions[i];
    pthread_once(&patterns_once, compile_patterns);
    for (i = 0; i < smk__partition_count; i++)
        if (region_matches(i, region))
            return &smk__partitions[i];
    return &smk__partitions[0];
}

const char *smk_partition_of(const char *region)
{
    return region ? partition_for(region)->name : smk__partitions[0].name;
}

/* A region goes into a host name: letters, digits and '-' only. */
static int valid_host_label(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > 63 || s[0] == '-')
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-'))
            return 0;
    }
    return 1;
}

enum smk_err smk_endpoint_resolve(const char *region, int use_fips, int use_dualstack,
                                  const char *custom, struct smk_buf *url, struct smk_error *err)
{
    const struct smk_partition *p;
    enum smk_err rc;

    if (custom && *custom) {
        if (use_fips)
            return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                 "Invalid Configuration: FIPS and custom endpoint are not supported");
        if (use_dualstack)
            return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                 "Invalid Configuration: Dualstack and custom endpoint are not supported");
        rc = smk_buf_append_str(url, custom);
        return rc == SMK_OK ? rc : smk_error_set(err, rc, NULL, "endpoint URL too long");
    }
    if (region == NULL || *region == '\0')
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "Invalid Configuration: Missing Region");
    if (!valid_host_label(region))
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "Invalid Configuration: region \"%.64s\" is not a valid host label "
                             "(letters, digits and '-')", region);
    p = partition_for(region);
    if (use_fips && use_dualstack) {
        if (!p->supports_fips || !p->supports_dual_stack)
            return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                 "FIPS and DualStack are enabled, but this partition does not "
                                 "support one or both");
        rc = smk_buf_appendf(url, "https://api.sagemaker-fips.%s.%s", region,
                             p->dual_stack_dns_suffix);
    } else if (use_fips) {
        if (!p->supports_fips)
            return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                 "FIPS is enabled but this partition does not support FIPS");
        if (strcmp(p->name, "aws") == 0 || strcmp(p->name, "aws-us-gov") == 0)
            rc = smk_buf_appendf(url, "https://api-fips.sagemaker.%s.amazonaws.com", region);
        else
            rc = smk_buf_appendf(url, "https://api.sagemaker-fips.%s.%s", region, p->dns_suffix);
    } else if (use_dualstack) {
        if (!p->supports_dual_stack)
            return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                                 "DualStack is enabled but this partition does not support DualStack");
        rc = smk_buf_appendf(url, "https://api.sagemaker.%s.%s", region, p->dual_stack_dns_suffix);
    } else {
        rc = smk_buf_appendf(url, "https://api.sagemaker.%s.%s", region, p->dns_suffix);
    }
    return rc == SMK_OK ? rc : smk_error_set(err, rc, NULL, "endpoint URL too long");
}
