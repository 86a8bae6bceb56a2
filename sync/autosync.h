/*
 * Sync by itself when a link appears (issue 9): lantian notices a USB
 * stick or a network coming back and syncs, records first, without the
 * inspector asking.
 *
 * The policy, for each remote in order of priority (the lower first, then
 * by name; remote add --priority):
 *   - a path remote (a USB stick's bare repository) is looked at every
 *     second or two (a stat: is the repository there?) and synced when it
 *     appears, and again while it stays when records wait to be sent
 *     after a failed try, or when the user asks (sync now);
 *   - a network remote is probed cheaply, a TCP connect to the host and
 *     port of its URL with a 3 s timeout, and synced when the probe
 *     succeeds; after a success it is synced again when records wait to be
 *     sent (30 s after the last try at the soonest) and every 5 minutes;
 *   - a record this device signs (an inspection, an answer to the office:
 *     its newest seq moves, whichever process signed it) wakes the policy
 *     within a second and is sent at once to every remote in reach, the
 *     interval and the wait after a failure notwithstanding (once per new
 *     record);
 *   - a failure (the probe or the sync) waits before the next try: 30 s,
 *     doubling up to 30 minutes; a success or the user's "sync now" resets
 *     it.  A remote another sync holds (LT_EBUSY) is tried again in 5 s,
 *     without counting as a failure.
 * LANTIAN_SYNC_BACKOFF="MIN,MAX" and LANTIAN_SYNC_INTERVAL=S (seconds)
 * change the waits (tests use short ones).
 *
 * One engine serves three callers: `lantian sync --auto` (one pass over
 * every remote: autosync_pass()), `lantian sync --watch` (the policy until
 * stopped: autosync_watch()) and the TUI (the same on a thread of its own
 * with its own connection to the store: autosync_start(), whose status the
 * screen polls each turn, so input and painting never wait for it).
 * Syncs never overlap: sync_run() takes the store's sync lock.
 */
#ifndef LANTIAN_AUTOSYNC_H
#define LANTIAN_AUTOSYNC_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sync/remote.h"

enum autosync_state {
	AUTOSYNC_NONE,		/* no remote to sync with */
	AUTOSYNC_OFFLINE,	/* none reachable: next try at next */
	AUTOSYNC_SYNCING,	/* with remote: stage, objects, bytes */
	AUTOSYNC_SYNCED,	/* at when, with counts */
	AUTOSYNC_FAILED		/* at when, why; next try at next */
};

#define AUTOSYNC_REMOTES	16	/* remotes told of one by one */

/* One remote as the policy sees it, for the sync screen. */
struct autosync_remote {
	char			name[65];
	int			is_path;	/* a USB stick's repository */
	int			present;	/* a path: there at the last look */
	int			failed;		/* the last try failed */
	time_t			next;		/* its next try (a path that is
						   there and well: 0, at the
						   next record signed) */
};

struct autosync_status {
	enum autosync_state	state;
	int			paused;		/* no automatic tries */
	char			remote[65];	/* the remote it is about */
	char			stage[16];	/* SYNCING: export, fetch ... */
	size_t			objects, total, bytes;
	time_t			when;		/* SYNCED, FAILED: the end */
	time_t			synced;		/* the last success, or 0 */
	time_t			next;		/* the next try, or 0 */
	int64_t			sent, received, verified, rejected;
	char			why[256];	/* OFFLINE, FAILED */
	struct autosync_remote	rem[AUTOSYNC_REMOTES];	/* by priority */
	size_t			nrem;
};

/* One line for --watch and --auto: the remote and what happened. */
typedef void (*autosync_log_fn)(const char *line, void *arg);

/*
 * Is the remote reachable now?  A path: its repository is there.  A URL:
 * a TCP connection to its host and port opens within timeout_ms.  1 or 0,
 * with why (size bytes) saying what failed.
 */
int autosync_probe(const struct remote *r, int timeout_ms, char *why,
    size_t size);

/*
 * One pass over every remote by priority: each reachable one is synced,
 * each other said to be offline (not a failure).  0 when no sync failed,
 * LT_EBUSY when another sync holds the store, LT_ENOTFOUND when there is
 * no remote at all, else an error naming every remote that failed.
 */
int autosync_pass(const char *path, autosync_log_fn log, void *arg);

/* The policy until *stop is set (by a signal handler). */
int autosync_watch(const char *path, volatile sig_atomic_t *stop,
    autosync_log_fn log, void *arg);

struct autosync;

/* The policy on a thread of its own; paused from the start if paused. */
int autosync_start(struct autosync **out, const char *path, int paused);
/* Where it is now. */
void autosync_poll(struct autosync *a, struct autosync_status *out);
/* Sync every reachable remote now, waits forgotten (and even if paused). */
void autosync_now(struct autosync *a);
/* Stop (1) or resume (0) the automatic tries. */
void autosync_pause(struct autosync *a, int paused);
/*
 * Stop the thread (a sync running is cancelled at its next step) and free
 * everything; a sync stuck in a network call for more than 5 s is left to
 * the end of the process.
 */
void autosync_stop(struct autosync *a);

#endif
