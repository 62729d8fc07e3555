/*
 * Reconciling an ambiguous CreateAutoMLJob. Internal.
 *
 * CreateAutoMLJob has no idempotency token. When an attempt fails without a
 * clear answer (connection lost after sending, a timeout, a 5xx) the
 * service may have created the job anyway, and the retry then answers
 * ResourceInUse. The client describes the job and decides with this check
 * whether it is the one this call created.
 */
#ifndef SMK_CLIENT_RECONCILE_H
#define SMK_CLIENT_RECONCILE_H

#include "smk/value.h"

/* Allowed difference between our clock and the service's when comparing
 * the job's CreationTime with the time the first attempt began. */
#define SMK_RECONCILE_CLOCK_SLACK 300.0

/* 1 when `description` (a DescribeAutoMLJob result) matches `request` (the
 * CreateAutoMLJob input): same RoleArn, same output path, the same input
 * channels' S3 URIs in order, and created no earlier than `first_attempt`
 * (epoch seconds, on the service's clock) minus the slack. */
int smk__create_matches(const struct smk_value *request, const struct smk_value *description,
                        double first_attempt);

#endif
