/*
 * A sync running on its own thread, with its own connection to the store,
 * so that the TUI keeps taking keys and painting while it runs.  The
 * screen polls a snapshot of where it is; a cancel stops it at the next
 * progress callback (the store is left as a crash would leave it: the old
 * state or the new one).
 *
 * Ownership: bgsync_start() hands out a struct bgsync the caller frees with
 * bgsync_free(), which waits for the thread.
 */
#ifndef LANTIAN_BGSYNC_H
#define LANTIAN_BGSYNC_H

#include <stddef.h>

#include "sync/sync.h"

#define BGSYNC_LOG	6

struct bgsync;

struct bgsync_state {
	int			running;	/* not finished yet */
	int			rc;		/* when finished: 0 or error */
	char			target[80];	/* the remote */
	char			stage[16];	/* export, fetch, import, push */
	size_t			objects, total, bytes;
	char			error[512];	/* the failure, when rc != 0 */
	struct sync_result	res;		/* when finished */
	char			log[BGSYNC_LOG][200];	/* last refusals */
	int			nlog;		/* refusals in all */
};

/* Start syncing the data directory at path with target (a remote). */
int bgsync_start(struct bgsync **out, const char *path, const char *target);
/* Where it is now. */
void bgsync_poll(struct bgsync *b, struct bgsync_state *out);
/* Ask it to stop at the next chance. */
void bgsync_cancel(struct bgsync *b);
/* Wait for the thread and free everything. */
void bgsync_free(struct bgsync *b);

#endif
