/* Internal accessors of the shared configuration (see smk/config.h). */
#ifndef SMK_CONFIG_SHARED_H
#define SMK_CONFIG_SHARED_H

#include "smk/config.h"

enum smk__config_file { SMK__CONFIG_FILE = 0, SMK__CREDENTIALS_FILE = 1 };

/* `key` in `profile` from one file only (NULL when unset or a sub-section).
 * The credential providers need this: botocore reads static keys file by
 * file, so a key id in one file never pairs with a secret from the other. */
const char *smk__shared_config_get_from(const struct smk_shared_config *c, const char *profile,
                                        const char *key, enum smk__config_file which);

/* Whether `profile` exists in one file. */
int smk__shared_config_in_file(const struct smk_shared_config *c, const char *profile,
                               enum smk__config_file which);

/* Non-empty environment variable, else NULL. */
const char *smk__env(const char *name);

/* The user's home directory (HOME, else the password database), copied
 * into `out`; "" when unknown. */
void smk__home_dir(char *out, size_t size);

/* Expand $VAR, ${VAR} (unknown variables stay as written) and a
 * leading `~` like Python's expandvars + expanduser. Returns a malloc'd
 * string or NULL (out of memory). */
char *smk__expand_path(const char *path);

/* Read a whole file of at most `max` bytes into a malloc'd, NUL-terminated
 * buffer. Returns 0 and sets `*data` and `*len`; 1 when the file does not exist (or
 * is not a regular file); -1 with errno set otherwise (E2BIG: too large). */
int smk__read_file(const char *path, size_t max, char **data, size_t *len);

#endif
