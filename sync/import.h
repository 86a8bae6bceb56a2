/*
 * Import: what fetching brought into repo.git, read into the store.  For
 * each branch of the layout (sync/layout.h), the commits since the last
 * import are compared tree to tree; only the paths the layout names are
 * read, blobs are size-checked before they are loaded, every record is
 * verified against its branch's device key, and everything goes in one
 * transaction with the new import state.  Importing twice changes
 * nothing; a crash leaves the old state or the new one.
 *
 * What is refused is logged (table sync_log, and the log callback) and
 * skipped, or kept with its reason as the record's status: a record whose
 * signature fails, or a second record for one seq (a fork), is stored but
 * never verified and founds no findings.
 */
#ifndef LANTIAN_IMPORT_H
#define LANTIAN_IMPORT_H

#include <stdint.h>

#include <git2.h>

#include "core/datadir.h"

/*
 * Where sync keeps a remote's branch that diverged from ours (a fork):
 * refs/lantian-forks/<remote>/<branch>.  Import reads those too, so that
 * the records only the fork holds are stored, each marked with why.
 */
#define IMPORT_FORKS	"refs/lantian-forks/"

struct import_stats {
	int64_t	records;	/* new records stored */
	int64_t	verified;	/* of them, verified */
	int64_t	rejected;	/* refused: kept with a reason, or skipped */
	int64_t	attachments;	/* files new to the attachment store */
	int64_t	roster;		/* roster entries taken */
	int64_t	office;		/* sites.json and forms taken (core/office.h) */
	int64_t	reviews;	/* the office's reviews taken (core/review.h) */
};

/* A refusal: kind (skipped-path, too-big, bad-record, bad-signature, fork,
 * ...), the branch, the path in it (or NULL) and why. */
typedef void (*import_log_fn)(const char *kind, const char *ref,
    const char *path, const char *why, void *arg);

/*
 * Import every branch of repo.git that moved since its last import, and
 * every fork kept under IMPORT_FORKS.
 * remote names where the objects came from in the log (may be NULL).
 */
int import_all(struct datadir *dd, git_repository *repo, const char *remote,
    import_log_fn log, void *arg, struct import_stats *stats);

/* Say a refusal: to log (when not NULL) and as a row of sync_log. */
void import_note(struct datadir *dd, const char *remote, const char *ref,
    const char *path, const char *kind, const char *why, import_log_fn log,
    void *arg);

#endif
