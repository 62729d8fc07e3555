/*
 * credential_process: run a command (split like a shell, not run by one),
 * read its JSON from stdout. See smk/credentials.h.
 *
 * The child gets /dev/null as stdin and two pipes for stdout and stderr; the
 * output is bounded (64 KiB stdout, 4 KiB of stderr kept for the error
 * message) and so is the time it may take (process_timeout_ms, 60 s by
 * default), after which the child (and only it) is killed. When the host
 * reaps children itself (a SIGCHLD handler), a lost exit status is not an
 * error: the output decides.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/ini.h"
#include "core/wipe.h"
#include "credentials/internal.h"

#define MAX_STDOUT (64u * 1024u)
#define MAX_STDERR (4u * 1024u)
#define DEFAULT_TIMEOUT_MS 60000L

extern char **environ;

struct process {
    char *command; /* for messages: the program name only */
    char **argv;   /* one allocation (smk__shlex_split) */
};

static void process_destroy(struct smk_credentials_provider *p)
{
    struct process *pr = p->impl;

    if (pr) {
        free(pr->command);
        free(pr->argv);
        free(pr);
    }
    p->impl = NULL;
}

static double mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int cloexec_pipe(int fds[2])
{
    if (pipe(fds) != 0)
        return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
}

/* Excerpt of stderr for the error message: one line, printable, bounded. */
static void excerpt(const struct smk_buf *b, char *out, size_t size)
{
    const char *s = smk_buf_cstr(b);
    size_t i = 0, j = 0;

    while (s[i] == '\n' || s[i] == '\r' || s[i] == ' ')
        i++;
    for (; s[i] && j + 1 < size && s[i] != '\n'; i++)
        out[j++] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? ' ' : s[i];
    out[j] = '\0';
}

static enum smk_err run(struct smk_credentials_provider *p, struct process *pr,
                        struct smk_buf *out, struct smk_buf *errout, int *status,
                        struct smk_error *err)
{
    posix_spawn_file_actions_t fa;
    int po[2] = {-1, -1}, pe[2] = {-1, -1};
    long timeout = p->s.process_timeout_ms > 0 ? p->s.process_timeout_ms : DEFAULT_TIMEOUT_MS;
    double deadline = mono_ms() + (double)timeout;
    enum smk_err rc = SMK_OK;
    pid_t pid;
    int e, open_fds, killed = 0;

    *status = -1;
    if (cloexec_pipe(po) != 0 || cloexec_pipe(pe) != 0) {
        e = errno;
        if (po[0] >= 0) {
            close(po[0]);
            close(po[1]);
        }
        return smk_error_set(err, SMK_E_CREDENTIALS, "ProcessError",
                             "credential_process %s: pipe: %s", pr->command, strerror(e));
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    e = posix_spawnp(&pid, pr->argv[0], &fa, NULL, pr->argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(po[1]);
    close(pe[1]);
    if (e != 0) {
        close(po[0]);
        close(pe[0]);
        return smk_error_set(err, SMK_E_CREDENTIALS, "ProcessError",
                             "credential_process %s: cannot run it: %s", pr->command,
                             strerror(e));
    }
    open_fds = 2;
    while (open_fds > 0) {
        struct pollfd fds[2];
        double left = deadline - mono_ms();
        int nfds = 0, i, r;

        if (left <= 0) {
            kill(pid, SIGKILL); /* our own child */
            killed = 1;
            break;
        }
        if (po[0] >= 0) {
            fds[nfds].fd = po[0];
            fds[nfds].events = POLLIN;
            nfds++;
        }
        if (pe[0] >= 0) {
            fds[nfds].fd = pe[0];
            fds[nfds].events = POLLIN;
            nfds++;
        }
        r = poll(fds, (nfds_t)nfds, (int)(left < 1000 ? left + 1 : 1000));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        for (i = 0; i < nfds; i++) {
            char buf[4096];
            ssize_t n;
            int is_out = fds[i].fd == po[0];
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            n = read(fds[i].fd, buf, sizeof(buf));
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0) {
                close(fds[i].fd);
                if (is_out)
                    po[0] = -1;
                else
                    pe[0] = -1;
                open_fds--;
                continue;
            }
            if (is_out) {
                if (smk_buf_append(out, buf, (size_t)n) != SMK_OK) {
                    rc = smk_error_set(err, SMK_E_CREDENTIALS, "ProcessError",
                                       "credential_process %s: its output exceeds %u bytes",
                                       pr->command, MAX_STDOUT);
                    kill(pid, SIGKILL);
                    killed = 1;
                }
            } else {
                size_t room = errout->max - errout->len;
                smk_buf_append(errout, buf, (size_t)n < room ? (size_t)n : room);
            }
            smk__wipe(buf, sizeof(buf));
        }
        if (killed)
            break;
    }
    if (po[0] >= 0)
        close(po[0]);
    if (pe[0] >= 0)
        close(pe[0]);
    for (;;) {
        int st;
        pid_t w = waitpid(pid, &st, 0);
        if (w < 0 && errno == EINTR)
            continue;
        if (w == pid)
            *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        break; /* ECHILD: the host reaped it; judge by the output */
    }
    if (rc == SMK_OK && killed)
        rc = smk_error_set(err, SMK_E_CREDENTIALS, "ProcessTimeout",
                           "credential_process %s: no answer within %ld ms; it was killed",
                           pr->command, timeout);
    return rc;
}

static enum smk_err process_fetch(struct smk_credentials_provider *p, struct smk__creds *out,
                                  struct smk_error *err)
{
    struct process *pr = p->impl;
    struct smk_buf so, se;
    char what[300], msg[300];
    enum smk_err rc;
    int status;

    smk_buf_init(&so, MAX_STDOUT);
    smk_buf_init(&se, MAX_STDERR);
    rc = run(p, pr, &so, &se, &status, err);
    if (rc == SMK_OK && status > 0) {
        excerpt(&se, msg, sizeof(msg));
        rc = smk_error_set(err, SMK_E_CREDENTIALS, "ProcessError",
                           "credential_process %s exited with status %d%s%s", pr->command,
                           status, msg[0] ? ": " : "", msg);
    }
    if (rc == SMK_OK) {
        snprintf(what, sizeof(what), "credential_process %s", pr->command);
        rc = smk__creds_from_json(smk_buf_cstr(&so), so.len, what, "SessionToken", 0, 0, 1, out,
                                  err);
    }
    smk_buf_cleanup_secure(&so);
    smk_buf_cleanup_secure(&se);
    return rc;
}

static const struct smk__cred_vtable process_vt = {process_fetch, process_destroy};

enum smk_err smk_credentials_process_new(const char *command,
                                         const struct smk_credentials_options *o,
                                         struct smk_credentials_provider **out,
                                         struct smk_error *err)
{
    struct process *pr;
    size_t argc;
    enum smk_err rc;
    char src[300];

    *out = NULL;
    if (command == NULL)
        return smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                             "credential_process needs a command");
    pr = calloc(1, sizeof(*pr));
    if (pr == NULL)
        return smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    rc = smk__shlex_split(command, &pr->argv, &argc, err);
    if (rc == SMK_OK && argc == 0)
        rc = smk_error_set(err, SMK_E_CONFIG, "InvalidConfiguration",
                           "credential_process is empty");
    if (rc == SMK_OK) {
        /* Name the program only: arguments may carry secrets. */
        const char *slash = strrchr(pr->argv[0], '/');
        pr->command = strdup(slash ? slash + 1 : pr->argv[0]);
        if (pr->command == NULL)
            rc = smk_error_set(err, SMK_E_NOMEM, NULL, "out of memory");
    }
    if (rc != SMK_OK) {
        struct smk_credentials_provider tmp;
        memset(&tmp, 0, sizeof(tmp));
        tmp.impl = pr;
        process_destroy(&tmp);
        return rc;
    }
    snprintf(src, sizeof(src), "credential_process (%s)", pr->command);
    return smk__provider_new(&process_vt, src, pr, o, out, err);
}
