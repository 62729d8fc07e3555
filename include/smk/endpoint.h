/*
 * smk/endpoint.h - endpoint resolution, per the service's endpoint rule set.
 *
 * Order (SageMaker rule set): a custom endpoint wins (and cannot be combined
 * with FIPS or dual-stack); otherwise the region selects a partition (exact
 * region names first, then each partition's region pattern, else "aws") and
 * the URL is built from the partition's DNS suffixes and the FIPS/dual-stack
 * flags. Rule-set errors are SMK_E_CONFIG with the rule set's own message
 * ("Invalid Configuration: Missing Region", ...).
 *
 * Thread-safety: reentrant.
 */
#ifndef SMK_ENDPOINT_H
#define SMK_ENDPOINT_H

#include "smk/buf.h"
#include "smk/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Append the endpoint URL to `url`. `region` and `custom` may be NULL.
 * Errors: SMK_E_CONFIG, SMK_E_TOO_LARGE, SMK_E_NOMEM. */
SMK_API enum smk_err smk_endpoint_resolve(const char *region, int use_fips, int use_dualstack,
                                          const char *custom, struct smk_buf *url,
                                          struct smk_error *err);

/* Name of the partition `region` belongs to ("aws" when none matches). */
SMK_API const char *smk_partition_of(const char *region);

/* Parts of an endpoint URL the client needs. */
struct smk_url_parts {
    int https;
    int loopback;   /* host is localhost, 127.0.0.0/8 or ::1 */
    char host[256]; /* Host header value: host, plus ":port" when given */
    char path[512]; /* "/" when the URL has none */
};

/* Parse and check an endpoint URL (RFC 3986, with uriparser): http or https
 * only, a host (a DNS name, an IPv4 address or an IPv6 address in
 * brackets), an optional port (0-65535), no user info, query or fragment,
 * no control characters. Dot segments are removed from the path. Errors:
 * SMK_E_CONFIG. */
SMK_API enum smk_err smk_url_parse(const char *url, struct smk_url_parts *out,
                                   struct smk_error *err);

#ifdef __cplusplus
}
#endif
#endif
