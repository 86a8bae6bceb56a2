/*
 * The office's state signed as a whole (issue 19; TUF's snapshot role):
 * snapshot.json on the office branch, beside the files it lists, signed
 * by the office key like every office document (its trusted comment is
 * "lantian office path=snapshot.json sha256=<hex> issued=<time>"):
 *
 *   {"type":"snapshot","format":1,"version":<N>,"issued":"<RFC 3339>",
 *    "files":{"roster/<key id>.json":"<sha256>","sites.json":"<sha256>",
 *             "forms/<id>.json":...,"assignments/<...>.json":...}}
 *
 * Every roster entry and every document but the reviews (one a record:
 * too many to list; each is still newest-wins) is listed with the SHA-256
 * of its exact bytes.  The version grows by one each time the listing
 * changes; the office signs a new snapshot in the same transaction as the
 * entry or document that changes it.
 *
 * A device takes an office branch only as a whole state: the snapshot's
 * signature holds, its version is not older than the one the device
 * holds (rollback), every file it takes is listed with its hash (no
 * older genuine file mixed into a newer state), and once taken, the
 * device holds every listed file as listed (complete).  A branch without
 * a snapshot is refused by a device that holds one (a downgrade); one
 * that never saw a snapshot reads the branch as before (offices of
 * before this format).  What a snapshot cannot answer: a fresh device
 * shown a whole older state, consistent and genuine, takes it (nothing
 * tells it of a newer one); TUF answers that with expiring timestamps,
 * which need a clock lantian does not trust.
 */
#ifndef LANTIAN_SNAPSHOT_H
#define LANTIAN_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "key.h"

#define SNAPSHOT_PATH	"snapshot.json"
#define SNAPSHOT_MAX	(4 * 1024 * 1024)	/* bytes of snapshot.json */
#define SNAPSHOT_FORMAT	1

struct snapshot {
	int64_t	 version;
	char	 issued[32];
	json_t	*files;		/* path -> sha256 (owned) */
};

/*
 * Sign a new snapshot of the store's office state when its listing
 * differs from the stored snapshot's (or there is none), one version
 * above it, and keep it in office_docs.  Inside the caller's transaction.
 */
int snapshot_sign(sqlite3 *db, const struct key_secret *sk);

/* Parse a snapshot's bytes (not its signature). */
int snapshot_parse(const char *body, size_t len, struct snapshot *out);
void snapshot_clear(struct snapshot *s);

/* The version of the snapshot the store holds; 0 when none. */
int snapshot_held(sqlite3 *db, int64_t *version);
/*
 * The office state the store holds, as a record cites it (office_head):
 * its version and the SHA-256 of snapshot.json; version 0 (and sha "")
 * when it holds none.
 */
int snapshot_head(sqlite3 *db, int64_t *version, char sha[65]);

/*
 * Does s list path with this SHA-256?  1 yes, 0 listed with another, -1
 * not listed.  Paths of reviews are not listed (and never asked).
 */
int snapshot_lists(const struct snapshot *s, const char *path,
    const char *sha);

/* Is a path one a snapshot lists (a roster entry, a document but a review)? */
int snapshot_covers(const char *path);

/*
 * Does the store hold every file s lists, with its hash?  When not,
 * *missing names the first that it lacks (caller frees) and the result is
 * 0; 1 when complete; negative on a store error.
 */
int snapshot_complete(sqlite3 *db, const struct snapshot *s, char **missing);

/* Keep a snapshot a device took (already verified and checked). */
int snapshot_store(sqlite3 *db, const char *body, size_t len,
    const char *sig, const char *issued);

#endif
