/*
 * A sync with one remote: export this device's new records into repo.git,
 * fetch every devices/<id>, attachments/<id> and office branch the remote has
 * into a namespace of its own, fast-forward the local branches (a branch
 * that diverged is a fork: kept aside, reported, never forced), import,
 * and push every branch held here (its own and relayed ones) that the
 * remote lacks, records before attachments.  A ref the server refuses is a
 * failure (libgit2 returns 0 there; push_update_reference tells).
 */
#ifndef LANTIAN_SYNC_H
#define LANTIAN_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "core/datadir.h"
#include "sync/import.h"

/* Where a sync is, for a progress line. */
struct sync_progress {
	const char	*stage;		/* "export", "fetch", "import", "push" */
	size_t		 objects;	/* objects received / sent so far */
	size_t		 total;		/* of how many (0: unknown) */
	size_t		 bytes;		/* bytes received / sent */
};

struct sync_opts {
	/* Called often during transfers (may be NULL); non-zero stops the
	 * sync (it fails, cancelled, and the store stays consistent). */
	int		(*progress)(const struct sync_progress *, void *arg);
	/* Each refusal of import or a fork (may be NULL). */
	import_log_fn	 log;
	void		*arg;
	int		 max_auth;	/* tries at credentials (0: 3) */
};

struct sync_result {
	int64_t			exported;	/* own records put in repo.git */
	int64_t			sent;		/* records the remote lacked */
	struct import_stats	imported;	/* received, verified ... */
	int			refs_pushed;	/* branches updated there */
	int			forks;		/* branches that diverged */
	size_t			bytes_received;
	size_t			bytes_sent;
};

/* What waits to go to one remote. */
struct sync_waiting {
	int64_t	records;	/* records of any device it lacks */
	int64_t	attachments;	/* files it lacks (0 for records-only) */
};

/*
 * What the remote named name lacks, as far as the last sync with it tells
 * (what it held then, and what was pushed to it since): the records and
 * attachments of every branch held here, this device's records not
 * exported yet included.  Read from repo.git and the store only; nothing
 * is written, nothing goes over the network.
 */
int sync_waiting(struct datadir *dd, const char *name,
    struct sync_waiting *out);

/*
 * Sync with the remote named target, or with target as a URL or path.
 * A failure (cannot connect, authentication, a refused push) is an error
 * with the reason; what was fetched and imported before it stays.
 */
int sync_run(struct datadir *dd, const char *target,
    const struct sync_opts *opts, struct sync_result *res);

#endif
