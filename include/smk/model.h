/*
 * smk/model.h - the service model as data, and validation against it.
 *
 * The operations and their shapes are generated from the official service
 * model (tools/gen_model.py -> src/model/model_gen.c); nothing here is
 * written per field. `smk_validate` checks a request value tree against an
 * operation's input shape (every model constraint, plus the rules that only
 * the API reference states) and reports ALL violations, each with the path of
 * the offending value in the caller's terms: `InputDataConfig[2].DataSource.
 * S3DataSource.S3Uri`, list indices 1-based as in a Lua table.
 *
 * Thread-safety: reentrant; compiled patterns are shared read-only after a
 * thread-safe one-time initialisation.
 */
#ifndef SMK_MODEL_H
#define SMK_MODEL_H

#include <stddef.h>

#include "smk/error.h"
#include "smk/value.h"

#ifdef __cplusplus
extern "C" {
#endif

struct smk_shape; /* opaque: see src/model/shape.h */

struct smk_operation {
    const char *name;       /* "CreateAutoMLJob" */
    const char *snake_name; /* "create_auto_ml_job" */
    const char *target;     /* X-Amz-Target: "SageMaker.CreateAutoMLJob" */
    const struct smk_shape *input;
    const struct smk_shape *output; /* NULL when the operation has no output */
};

/* Metadata of the service (from the model). */
struct smk_service_info {
    const char *signing_name;   /* "sagemaker" */
    const char *endpoint_prefix;/* "api.sagemaker" */
    const char *target_prefix;  /* "SageMaker" */
    const char *content_type;   /* "application/x-amz-json-1.1" */
    const char *api_version;    /* "2017-07-24" */
};

SMK_API const struct smk_service_info *smk_service_info(void);

/* Number of operations, and the i-th (0-based) or NULL. */
SMK_API size_t smk_operation_count(void);
SMK_API const struct smk_operation *smk_operation_at(size_t i);
/* Find by "CreateAutoMLJob" or "create_auto_ml_job"; NULL if unknown. */
SMK_API const struct smk_operation *smk_operation_find(const char *name);

/* The first required top-level member of `op`'s output shape that `output`
 * (a decoded response) lacks, or NULL when none is missing (or the operation
 * has no output). A 2xx answer without them is not the service's answer. */
SMK_API const char *smk_output_missing_member(const struct smk_operation *op,
                                              const struct smk_value *output);

/* One violation. Both strings live in the arena passed to smk_validate. */
struct smk_issue {
    const char *path;    /* "InputDataConfig[1].TargetAttributeName"; "" for the root */
    const char *message; /* what was expected and what was given */
};

/* Violations, sorted by path after smk_validate. Arena-backed. */
struct smk_issues {
    struct smk_issue *items;
    size_t n;
    size_t cap;
    size_t dropped; /* violations beyond SMK_MAX_ISSUES, counted not kept */
};

#define SMK_MAX_ISSUES 100

SMK_API void smk_issues_init(struct smk_issues *issues);

/*
 * Validate `input` against `op`'s input shape.
 *
 * `input` is normalised in place where the model allows a lossless change:
 * an integral float for an integer member becomes SMK_VALUE_INT, an ISO
 * 8601 string for a timestamp member becomes epoch seconds, and an empty LIST
 * for a structure or map member becomes an empty MAP (encoded as {}).
 * Violations are appended to `issues` (strings allocated in `arena`) and
 * sorted by path.
 *
 * A member whose value is SMK_VALUE_NULL counts as unset; an empty LIST (an
 * empty Lua table) is accepted as an empty structure or map. Strings are
 * checked as UTF-8 without NUL, lengths count code points, patterns must
 * match the whole string. Past SMK_MAX_ISSUES violations the rest are only
 * counted in issues->dropped. Paths sort with list indices compared as
 * numbers ([2] before [10]).
 *
 * Returns SMK_OK when there is none; SMK_E_VALIDATION when there is at least
 * one (err->type "ValidationError", err->message naming the first violation
 * and the count); SMK_E_NOMEM.
 */
SMK_API enum smk_err smk_validate(const struct smk_operation *op, struct smk_value *input,
                                  struct smk_arena *arena, struct smk_issues *issues,
                                  struct smk_error *err);

#ifdef __cplusplus
}
#endif
#endif
