/*
 * Remotes: where sync sends and fetches (a bare repository on a USB stick
 * by its path, file://, git://, ssh://, http(s)://), with what a remote
 * needs to get in: an ssh key and known_hosts file, an HTTP user and the
 * file holding the password, a CA file for a private certificate.
 *
 * Ownership: remote_get() fills a struct remote that remote_clear() frees.
 */
#ifndef LANTIAN_REMOTE_H
#define LANTIAN_REMOTE_H

#include <jansson.h>
#include <sqlite3.h>

struct remote {
	char	*name;		/* [A-Za-z0-9_-], at most 64 */
	char	*url;		/* a path or a URL */
	json_t	*opts;		/* ssh_key, known_hosts, user,
				   password_file, ca_file, priority,
				   records_only (object) */
};

/* Automatic sync takes remotes by priority: the lower first. */
#define REMOTE_PRIORITY_DEFAULT	10
#define REMOTE_PRIORITY_MAX	99

/* The remote's priority (0 .. REMOTE_PRIORITY_MAX). */
int remote_priority(const struct remote *r);
/* Does the remote carry records only (never attachment branches)? */
int remote_records_only(const struct remote *r);

/* Is name a remote name (letters, digits, '-', '_')? */
int remote_name_valid(const char *name);
/* Is url a path (a USB stick's bare repository), not a URL? */
int remote_is_path(const char *url);
/* Add a remote; LT_EEXISTS when the name is taken. */
int remote_add(sqlite3 *db, const char *name, const char *url,
    const json_t *opts);
/* Remove a remote; LT_ENOTFOUND when there is none of that name. */
int remote_remove(sqlite3 *db, const char *name);
/* The remote of that name; LT_ENOTFOUND naming it. */
int remote_get(sqlite3 *db, const char *name, struct remote *out);
void remote_clear(struct remote *r);
/* Each remote by name; fn returning non-zero stops. */
int remote_each(sqlite3 *db, int (*fn)(const struct remote *, void *),
    void *arg);
/*
 * Make an empty bare repository at a path (a fresh USB stick); its parent
 * directory must be there already (LT_ENOTFOUND: nothing is created).
 */
int remote_create(const char *path);

#endif
