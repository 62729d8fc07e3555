/*
 * sigv4_internal.h - canonical-request building blocks shared by the SigV4
 * signer (sigv4.c) and its canonicalisation code (canonical.c). Not part of
 * the public API; symbols are hidden from the shared library.
 *
 * Every function appends to a caller-owned bounded buffer and returns
 * SMK_OK, SMK_E_NOMEM or SMK_E_TOO_LARGE (the buffer's maximum was reached;
 * what was appended so far stays in the buffer). Inputs are borrowed for
 * the duration of the call. All functions are reentrant.
 */
#ifndef SMK_SIGV4_INTERNAL_H
#define SMK_SIGV4_INTERNAL_H

#include <stddef.h>

#include "smk/buf.h"
#include "smk/sigv4.h"

/* Append the canonical URI of `path` (NUL-terminated; NULL or "" means "/").
 * SMK_SIGV4_NORMALIZE_PATH in `flags` removes empty and "." segments and
 * resolves "..", keeping a trailing '/' when the input had one.
 * SMK_SIGV4_DOUBLE_ENCODE_PATH URI-encodes every byte except the RFC 3986
 * unreserved set and '/'; without it the path is used as sent. */
enum smk_err smk_sigv4_append_canonical_uri(struct smk_buf *out, const char *path,
                                            unsigned flags);

/* Append the canonical query string of `query` (raw, without '?'; NULL or ""
 * gives nothing): pairs split on '&' (empty pairs dropped) and at the first
 * '=', each name and value percent-decoded then URI-encoded with the RFC 3986
 * unreserved set, sorted by encoded name then encoded value, written as
 * "name=value" joined by '&'. A key without '=' is written "name=". */
enum smk_err smk_sigv4_append_canonical_query(struct smk_buf *out, const char *query);

/* Append the canonical headers block ("name:value\n" per distinct lowercase
 * name, sorted) to `creq`, and the signed-headers list ("a;b;c") to
 * `signed_headers`.
 *
 * The signed set is `added` (headers the signer adds, lowercase names, at
 * most one of each) plus every header of `headers` except: any whose name is
 * in `owned` (lowercase names the signer owns: it supplies the value, or on
 * purpose leaves it unsigned), `authorization`, and the
 * hop-by-hop/proxy-rewritten headers never signed by the AWS SDKs
 * (user-agent, x-amzn-trace-id, connection, expect, keep-alive,
 * proxy-authenticate, proxy-authorization, te, trailer, transfer-encoding,
 * upgrade). Values of a repeated name are joined by ',' in request order;
 * each value is trimmed and its internal whitespace runs collapse to one
 * space. Header names and values must already have been validated. */
enum smk_err smk_sigv4_append_canonical_headers(struct smk_buf *creq,
                                                struct smk_buf *signed_headers,
                                                const struct smk_header *headers,
                                                size_t n_headers,
                                                const char *const *owned, size_t n_owned,
                                                const struct smk_header *added,
                                                size_t n_added);

#endif
