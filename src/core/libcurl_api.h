/*
 * libcurl, loaded on first use. Internal.
 *
 * The library (libcurl.so.4, with its TLS, Kerberos, LDAP, SSH ...
 * dependencies) is not a link-time dependency: requiring the Lua module,
 * creating a client or building requests never maps it, and neither does a
 * client whose transport is another one (nginx's cosockets). The first
 * transfer of the libcurl transport calls smk__libcurl_load(), which
 * dlopens it, fills `smk__curl` and runs curl_global_init, once per process
 * (core/dynlib.h: thread-safe, one atomic check on later calls, never
 * unloaded; curl_global_cleanup never runs).
 *
 * Contract for callers: read `smk__curl` only after smk__libcurl_load()
 * returned SMK_OK in the same thread (or in one that happened-before, e.g.
 * the code that created the easy handle being freed now). A failure to
 * load the library, resolve a symbol or initialise libcurl is reported by
 * every call of smk__libcurl_load() as SMK_E_INTERNAL, type
 * "LibraryUnavailable", with the file and dlerror()'s text; nothing aborts.
 */
#ifndef SMK_CORE_LIBCURL_API_H
#define SMK_CORE_LIBCURL_API_H

#include <curl/curl.h>

#include "smk/error.h"

/* X(member, function): every libcurl function the core calls. The members
 * drop the "curl_" prefix because curl.h defines curl_easy_setopt and
 * curl_easy_getinfo as type-checking macros with GCC, which would expand
 * at a call through a member of the same name. */
#define SMK_LIBCURL_FUNCTIONS(X)                                                           \
    X(global_init, curl_global_init)                                                       \
    X(easy_init, curl_easy_init)                                                           \
    X(easy_setopt, curl_easy_setopt)                                                       \
    X(easy_perform, curl_easy_perform)                                                     \
    X(easy_getinfo, curl_easy_getinfo)                                                     \
    X(easy_cleanup, curl_easy_cleanup)                                                     \
    X(easy_strerror, curl_easy_strerror)

/* One pointer per function, typed from libcurl's own declaration. */
struct smk_libcurl {
#define SMK_LIBCURL_MEMBER(member, f) __typeof__(f) *member;
    SMK_LIBCURL_FUNCTIONS(SMK_LIBCURL_MEMBER)
#undef SMK_LIBCURL_MEMBER
};

extern struct smk_libcurl smk__curl;

/* Load once (later calls: one check); SMK_OK when `smk__curl` is usable. */
enum smk_err smk__libcurl_load(struct smk_error *err);

/* Tests only: load `file` instead of libcurl.so.4. Must be called before
 * anything in the process loads libcurl; the string must stay valid. */
void smk__libcurl_set_file(const char *file);

#endif
