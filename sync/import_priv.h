/*
 * What import.c and import_office.c share: the context of one branch's
 * import and the helpers every kind of branch uses.  Not for outside
 * sync/import*.c.
 */
#ifndef LANTIAN_IMPORT_PRIV_H
#define LANTIAN_IMPORT_PRIV_H

#include <stddef.h>

#include <git2.h>

#include "core/datadir.h"
#include "import.h"

/*
 * Refusals of one kind on one branch listed one by one (stderr and
 * sync_log); past them, one line and one row say how many more there
 * were: a remote of a million bad files floods neither the terminal nor
 * the store, and one kind of them does not hide the others.
 */
#define IMPORT_LOG_MAX	100
#define IMPORT_KINDS	16

/* import_office(): the branch's office state was refused whole (said). */
#define IMPORT_STATE_REFUSED	1

struct import_ctx {
	struct datadir		*dd;
	git_repository		*repo;
	git_odb			*odb;
	const char		*remote;
	const char		*ref;
	import_log_fn		 log;
	void			*arg;
	struct import_stats	*stats;
	/* The refusals of the branch by kind: listed, and not. */
	struct {
		const char	*kind;
		size_t		 logged;
		size_t		 unlisted;
	}			 kinds[IMPORT_KINDS];
	/* Refusals held back while a savepoint may be rolled back. */
	int			 deferring;
	struct {
		const char	*kind;	/* a literal */
		char		*path;
		char		*why;
	}			*deferred;
	size_t			 ndeferred;
};

/* Say what was refused and why (stderr through the log, and sync_log). */
void import_refuse(struct import_ctx *c, const char *kind, const char *path,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The refusals held back in a savepoint (c->deferring), said now. */
void import_log_deferred(struct import_ctx *c);
/*
 * Read a blob of at most max bytes (NUL added) into *out: 1 when read,
 * 0 when refused (said), < 0 on an error.
 */
int import_read(struct import_ctx *c, const git_oid *oid, const char *path,
    size_t max, char **out, size_t *len);
/* Is a delta of the diff a plain file?  Refused (said) when not. */
int import_plain(struct import_ctx *c, const git_diff_delta *d);
/* The diff from the last imported tree (NULL: none) to the tip. */
int import_diff(struct import_ctx *c, git_tree *old, git_tree *tip,
    git_diff **out);
/*
 * The office branch: its signed state (snapshot.json) first, then every
 * file new or changed since the last import; IMPORT_STATE_REFUSED when
 * the state is refused whole.
 */
int import_office(struct import_ctx *c, git_tree *old, git_tree *tip);

#endif
