/*
 * Threads: the core keeps no unprotected global state.
 *
 * The test starts the emulator itself (python3
 * spec/emulator/sagemaker_emulator.py --port 0 --port-file F), then:
 *  1. eight threads start together behind a barrier; each calls
 *     smk_global_init (a no-op kept for compatibility), validates a request
 *     (the model's PCRE2 patterns, compiled once on first use), makes its own
 *     client and creates jobs on the emulator, which checks every signature
 *     (libcrypto and libcurl loaded by the first signature and send, once);
 *  2. (when built with a Lua, SMK_TEST_LUA) two lua_States in two threads
 *     require("sagemaker") and create jobs at the same time.
 * Every job must exist afterwards with the right ARN. Without python3 and
 * botocore the cases print SKIP.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "smk/client.h"
#include "smk/json.h"
#include "smk/model.h"

#ifdef SMK_TEST_LUA
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#endif

#define N_THREADS 8
#define JOBS_PER_THREAD 4
#define ACCESS_KEY "AKIDEXAMPLE"
#define SECRET_KEY "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

static pid_t emulator_pid;
static char endpoint[64];
static char port_file[64];

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Start the emulator; 0 on success, -1 (after printing why) otherwise. */
static int start_emulator(void)
{
    const char *python = getenv("SAGEMAKER_EMULATOR_PYTHON");
    char script[4096], parent[32];
    int i, fd;

    if (python == NULL)
        python = "/usr/bin/python3";
    snprintf(script, sizeof(script), "%s/spec/emulator/sagemaker_emulator.py", SMK_SOURCE_DIR);
    snprintf(port_file, sizeof(port_file), "/tmp/smk-threads-XXXXXX");
    fd = mkstemp(port_file);
    if (fd < 0)
        return -1;
    close(fd);
    unlink(port_file); /* the emulator writes it once listening */
    snprintf(parent, sizeof(parent), "%ld", (long)getpid());
    emulator_pid = fork();
    if (emulator_pid < 0)
        return -1;
    if (emulator_pid == 0) {
        /* the emulator is not ours to check with sanitizers */
        unsetenv("LD_PRELOAD");
        if (freopen("/dev/null", "w", stdout) == NULL)
            _exit(127);
        execl(python, python, script, "--port", "0", "--port-file", port_file, "--parent-pid",
              parent, "--job-limit", "1000", (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 200; i++) {
        FILE *f = fopen(port_file, "r");
        int status;

        if (f) {
            int port = 0;
            int ok = fscanf(f, "%d", &port) == 1 && port > 0;
            fclose(f);
            if (ok) {
                snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", port);
                return 0;
            }
        }
        if (waitpid(emulator_pid, &status, WNOHANG) == emulator_pid) {
            emulator_pid = 0;
            break;
        }
        sleep_ms(50);
    }
    fprintf(stderr, "emulator did not start (%s %s; needs python3 with botocore)\n", python,
            script);
    return -1;
}

static void stop_emulator(void)
{
    if (emulator_pid > 0) {
        kill(emulator_pid, SIGTERM);
        waitpid(emulator_pid, NULL, 0);
        emulator_pid = 0;
    }
    unlink(port_file);
}

static const char JOB_JSON[] =
    "{\"AutoMLJobName\":\"%s\","
    "\"InputDataConfig\":[{\"DataSource\":{\"S3DataSource\":{\"S3DataType\":\"S3Prefix\","
    "\"S3Uri\":\"s3://bucket/train/\"}},\"TargetAttributeName\":\"y\"}],"
    "\"OutputDataConfig\":{\"S3OutputPath\":\"s3://bucket/output/\"},"
    "\"RoleArn\":\"arn:aws:iam::123456789012:role/SageMakerRole\","
    "\"Tags\":[{\"Key\":\"team\",\"Value\":\"r\\u00e9gion-%d\"}]}";

struct worker {
    pthread_t thread;
    int index;
    pthread_barrier_t *start;
    int created;  /* jobs created with the expected ARN */
    int rejected; /* invalid requests refused locally, as expected */
    char failure[512];
};

static void *core_worker(void *arg)
{
    struct worker *w = arg;
    const struct smk_operation *op = smk_operation_find("CreateAutoMLJob");
    struct smk_client_config cfg;
    struct smk_client *client = NULL;
    struct smk_arena arena;
    struct smk_error err;
    int j;

    smk_arena_init(&arena, 1u << 20);
    pthread_barrier_wait(w->start);
    if (smk_global_init(&err) != SMK_OK) {
        snprintf(w->failure, sizeof(w->failure), "global init: %.400s", err.message);
        goto out;
    }
    memset(&cfg, 0, sizeof(cfg));
    cfg.region = "us-east-1";
    cfg.endpoint = endpoint;
    cfg.credentials.access_key_id = ACCESS_KEY;
    cfg.credentials.secret_access_key = SECRET_KEY;
    cfg.validate = 1;
    if (smk_client_new(&cfg, &client, &err) != SMK_OK) {
        snprintf(w->failure, sizeof(w->failure), "client: %.400s", err.message);
        goto out;
    }
    for (j = 0; j < JOBS_PER_THREAD; j++) {
        char name[64], json[2048], arn[160];
        struct smk_value input, output;
        struct smk_issues issues;
        struct smk_call_info info;
        const struct smk_value *got;

        smk_arena_reset(&arena);
        /* an invalid name first: the patterns are matched concurrently */
        snprintf(name, sizeof(name), "bad name %d/%d", w->index, j);
        snprintf(json, sizeof(json), JOB_JSON, name, j);
        smk_issues_init(&issues);
        if (smk_json_decode(json, strlen(json), 64, &arena, &input, &err) == SMK_OK &&
            smk_validate(op, &input, &arena, &issues, &err) == SMK_E_VALIDATION && issues.n == 1)
            w->rejected++;

        snprintf(name, sizeof(name), "thread-%d-job-%d", w->index, j);
        snprintf(json, sizeof(json), JOB_JSON, name, j);
        smk_issues_init(&issues);
        if (smk_json_decode(json, strlen(json), 64, &arena, &input, &err) != SMK_OK ||
            smk_client_call(client, op, &input, &arena, &output, &issues, &info, &err) != SMK_OK) {
            snprintf(w->failure, sizeof(w->failure), "%s: %.60s %.300s", name, err.type, err.message);
            break;
        }
        snprintf(arn, sizeof(arn), "arn:aws:sagemaker:us-east-1:123456789012:automl-job/%s", name);
        got = smk_value_get(&output, "AutoMLJobArn");
        if (got && got->kind == SMK_VALUE_STRING && got->u.s.len == strlen(arn) &&
            memcmp(got->u.s.ptr, arn, got->u.s.len) == 0)
            w->created++;
    }
out:
    smk_client_free(client);
    smk_arena_cleanup(&arena);
    return NULL;
}

static void clients_in_threads(void)
{
    struct worker workers[N_THREADS];
    pthread_barrier_t start;
    int i;

    pthread_barrier_init(&start, NULL, N_THREADS);
    memset(workers, 0, sizeof(workers));
    for (i = 0; i < N_THREADS; i++) {
        workers[i].index = i;
        workers[i].start = &start;
        CHECK(pthread_create(&workers[i].thread, NULL, core_worker, &workers[i]) == 0);
    }
    for (i = 0; i < N_THREADS; i++) {
        pthread_join(workers[i].thread, NULL);
        if (workers[i].failure[0])
            fprintf(stderr, "thread %d: %s\n", i, workers[i].failure);
        CHECK(workers[i].failure[0] == '\0');
        CHECK(workers[i].created == JOBS_PER_THREAD);
        CHECK(workers[i].rejected == JOBS_PER_THREAD);
    }
    pthread_barrier_destroy(&start);
}

#ifdef SMK_TEST_LUA
/* Each state: require("sagemaker"), make a client, create jobs, check ARNs. */
static const char LUA_CHUNK[] =
    "local endpoint, prefix = ...\n"
    "local sagemaker = require('sagemaker')\n"
    "local client = sagemaker.client{ region = 'us-east-1', endpoint = endpoint,\n"
    "  credentials = { access_key_id = '" ACCESS_KEY "', secret_access_key = '" SECRET_KEY "' } }\n"
    "for i = 1, 5 do\n"
    "  local name = prefix .. '-' .. i\n"
    "  local out = client:create_auto_ml_job{ AutoMLJobName = name,\n"
    "    InputDataConfig = { { TargetAttributeName = 'y', DataSource = { S3DataSource = {\n"
    "      S3DataType = 'S3Prefix', S3Uri = 's3://bucket/train/' } } } },\n"
    "    OutputDataConfig = { S3OutputPath = 's3://bucket/output/' },\n"
    "    RoleArn = 'arn:aws:iam::123456789012:role/SageMakerRole',\n"
    "    AutoMLJobConfig = { CompletionCriteria = { MaxCandidates = 10 } } }\n"
    "  assert(out.AutoMLJobArn == 'arn:aws:sagemaker:us-east-1:123456789012:automl-job/' .. name,\n"
    "    out.AutoMLJobArn)\n"
    "end\n"
    "local ok, err = pcall(client.create_auto_ml_job, client, { AutoMLJobName = prefix .. '-1' })\n"
    "assert(not ok and err.kind == 'validation', tostring(err))\n"
    "client:close()\n"
    "return 'created 5'\n";

struct lua_worker {
    pthread_t thread;
    const char *prefix;
    pthread_barrier_t *start;
    char result[512];
};

static void *lua_worker(void *arg)
{
    struct lua_worker *w = arg;
    lua_State *L = luaL_newstate();

    if (L == NULL) {
        snprintf(w->result, sizeof(w->result), "luaL_newstate failed");
        return NULL;
    }
    luaL_openlibs(L);
    lua_getglobal(L, "package");
    lua_pushstring(L, SMK_SOURCE_DIR "/lua/?.lua;" SMK_SOURCE_DIR "/lua/?/init.lua");
    lua_setfield(L, -2, "path");
    lua_pushstring(L, SMK_LUA_CPATH);
    lua_setfield(L, -2, "cpath");
    lua_pop(L, 1);
    pthread_barrier_wait(w->start);
    if (luaL_loadstring(L, LUA_CHUNK) != 0) {
        snprintf(w->result, sizeof(w->result), "load: %s", lua_tostring(L, -1));
    } else {
        lua_pushstring(L, endpoint);
        lua_pushstring(L, w->prefix);
        if (lua_pcall(L, 2, 1, 0) != 0) {
            /* an error object: its __tostring is not called by lua_tostring */
            lua_getglobal(L, "tostring");
            lua_insert(L, -2);
            lua_pcall(L, 1, 1, 0);
        }
        snprintf(w->result, sizeof(w->result), "%s",
                 lua_tostring(L, -1) ? lua_tostring(L, -1) : "(no message)");
    }
    lua_close(L);
    return NULL;
}

static void lua_states_in_threads(void)
{
    struct lua_worker workers[2] = {{.prefix = "lua-state-a"}, {.prefix = "lua-state-b"}};
    pthread_barrier_t start;
    int i;

    pthread_barrier_init(&start, NULL, 2);
    for (i = 0; i < 2; i++) {
        workers[i].start = &start;
        CHECK(pthread_create(&workers[i].thread, NULL, lua_worker, &workers[i]) == 0);
    }
    for (i = 0; i < 2; i++) {
        pthread_join(workers[i].thread, NULL);
        if (strcmp(workers[i].result, "created 5") != 0)
            fprintf(stderr, "Lua state %d: %s\n", i, workers[i].result);
        CHECK_STR(workers[i].result, "created 5");
    }
    pthread_barrier_destroy(&start);
}
#endif

int main(void)
{
    if (start_emulator() != 0) {
        harness_skip("clients_in_threads: the emulator did not start");
        harness_skip("lua_states_in_threads: the emulator did not start");
        return harness_report("threads");
    }
    RUN(clients_in_threads);
#ifdef SMK_TEST_LUA
    RUN(lua_states_in_threads);
#else
    harness_skip("lua_states_in_threads: built without a Lua (SMK_TEST_LUA)");
#endif
    stop_emulator();
    return harness_report("threads");
}
