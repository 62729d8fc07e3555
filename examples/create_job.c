/*
 * Create an Autopilot job from C: the library without Lua, as a game engine
 * or a tool would embed it.
 *
 *   create_job JOB.json [ENDPOINT]
 *
 * JOB.json is the JSON that `aws sagemaker create-auto-ml-job
 * --cli-input-json file://JOB.json` takes (examples/job.json). Region and
 * credentials come from the environment (AWS_REGION, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, ...) as for the Lua client; ENDPOINT overrides the
 * region's endpoint (e.g. http://127.0.0.1:4566 for the emulator).
 *
 * Prints the job's ARN and exits 0; prints the error (every violation with
 * its path, for an invalid job) on stderr and exits 1.
 *
 * Built by CMake as the target example_create_job (linked with libsmk).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smk/client.h"
#include "smk/json.h"
#include "smk/model.h"

#define MAX_JOB_FILE (1024 * 1024)

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;

    if (f == NULL)
        return NULL;
    data = malloc(MAX_JOB_FILE + 1);
    if (data != NULL) {
        *len = fread(data, 1, MAX_JOB_FILE + 1, f);
        if (ferror(f) || *len > MAX_JOB_FILE) {
            free(data);
            data = NULL;
        }
    }
    fclose(f);
    return data;
}

int main(int argc, char **argv)
{
    const struct smk_operation *op = smk_operation_find("CreateAutoMLJob");
    struct smk_client_config cfg;
    struct smk_client *client = NULL;
    struct smk_arena arena;
    struct smk_value input, output;
    struct smk_issues issues;
    struct smk_call_info info;
    struct smk_error err;
    const struct smk_value *arn;
    char *text = NULL;
    size_t len = 0, i;
    int status = 1;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s JOB.json [ENDPOINT]\n", argv[0]);
        return 2;
    }
    smk_error_clear(&err);
    smk_arena_init(&arena, 16u * 1024u * 1024u); /* bounds the request and the response */
    smk_issues_init(&issues);

    /* Everything not set here is resolved as the Lua client resolves it. */
    memset(&cfg, 0, sizeof(cfg));
    cfg.endpoint = argc == 3 ? argv[2] : NULL;
    cfg.validate = -1;
    if (smk_client_new(&cfg, &client, &err) != SMK_OK)
        goto fail;

    text = read_file(argv[1], &len);
    if (text == NULL) {
        fprintf(stderr, "cannot read %s (or it exceeds %d bytes)\n", argv[1], MAX_JOB_FILE);
        goto done;
    }
    if (smk_json_decode(text, len, 64, &arena, &input, &err) != SMK_OK)
        goto fail;

    /* Validate, sign, send with retries, parse. */
    if (smk_client_call(client, op, &input, &arena, &output, &issues, &info, &err) != SMK_OK)
        goto fail;
    arn = smk_value_get(&output, "AutoMLJobArn");
    if (arn != NULL && arn->kind == SMK_VALUE_STRING)
        printf("%.*s\n", (int)arn->u.s.len, arn->u.s.ptr);
    fprintf(stderr, "request id %s, %u attempt(s)\n", info.request_id, info.attempts);
    status = 0;
    goto done;

fail:
    fprintf(stderr, "%s error %s: %s\n", smk_err_kind(err.code),
            err.type[0] ? err.type : smk_err_name(err.code), err.message);
    if (err.http_status)
        fprintf(stderr, "  HTTP %d, request id %s\n", err.http_status, err.request_id);
    for (i = 0; i < issues.n; i++)
        fprintf(stderr, "  %s: %s\n", issues.items[i].path[0] ? issues.items[i].path : "(request)",
                issues.items[i].message);
done:
    free(text);
    smk_client_free(client);
    smk_arena_cleanup(&arena);
    return status;
}
