/*
 * The history of inspections: records newest first, read a page at a
 * time by keyset (the position of the last row seen), never by OFFSET and
 * never counted, so a page costs the same with ten records or a million.
 * Records are ordered by (created, rowid), which the indexes
 * records_created(created) and records_site(site, created) hold as they
 * are (an index ends with the rowid).
 *
 * Ownership: the rows and findings handed to the callbacks are borrowed
 * for the call only; a caller that keeps a row copies what it needs.
 * history_form() gives a form the caller frees with form_free().
 */
#ifndef LANTIAN_HISTORY_H
#define LANTIAN_HISTORY_H

#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "finding.h"
#include "form.h"
#include "record.h"

/*
 * Which records a page holds: every field set narrows it (NULL or 0: no
 * narrowing).  Times compare as stored (UTC); from and to are dates
 * "YYYY-MM-DD", to included.
 */
struct history_filter {
	const char	*site;		/* only this site's records */
	const char	*form;		/* form id */
	const char	*status;	/* verified, fork, ... */
	const char	*village;	/* sites of a village whose name
					   starts with this (a prefix) */
	const char	*inspector;	/* device key id, roster name or badge */
	int		 task;		/* with a finding of this task */
	const char	*severity;	/* with a finding of this severity */
	const char	*from;		/* made on or after this date */
	const char	*to;		/* made on or before this date */
};

/*
 * The conditions of a filter as SQL on "records r" (" AND ..." clauses,
 * "" for none; the caller frees it), with the values as parameters ?4 to
 * ?12 that history_bind() binds: for a query of one's own in the order
 * of history (the CLI's records list).  A village's or an inspector's
 * records are many: those conditions keep SQLite on the index of created
 * (the + in "+r.site"), so that a page is found without gathering them
 * all; a rare village costs more than a common one.
 */
char *history_where(const struct history_filter *f);
void history_bind(sqlite3_stmt *st, const struct history_filter *f);
/* Does the filter narrow beyond a site? */
int history_narrow(const struct history_filter *f);

/* Where a page starts: a row's place in the order (see history_pos_of). */
struct history_pos {
	char		created[32];	/* UTC, RFC 3339 */
	int64_t		rowid;
};

/* Which way a page goes from its position. */
enum history_dir {
	HISTORY_OLDER,	/* rows before the position, newest first; from
			   the start (NULL position): the newest rows */
	HISTORY_NEWER	/* rows after it, oldest first (nearest first);
			   from the start: the oldest rows */
};

/* One record as the list shows it. */
struct history_row {
	int64_t		 rowid;
	const char	*id;		/* sha256 hex */
	const char	*created;	/* UTC, RFC 3339 */
	const char	*site;		/* site id, or NULL */
	const char	*site_name;	/* from the sites register, or NULL */
	const char	*form;		/* form id, or NULL */
	const char	*type;		/* inspection, site, amendment */
	const char	*status;	/* signed, verified, or why not */
	int		 findings;	/* findings the record made */
	int		 open;		/* of which not closed yet */
};

/*
 * Call fn for at most limit records (filter may be NULL) from position
 * after (excluded; NULL: from the start) in direction dir; fn returning
 * non-zero stops.  Returns 0, or an error; *count (may be NULL) gets the
 * rows given to fn.
 */
int history_page(sqlite3 *db, const struct history_filter *filter,
    const struct history_pos *after, int limit, enum history_dir dir,
    int (*fn)(const struct history_row *, void *), void *arg, int *count);

/* The position of a row, to page on from it. */
void history_pos_of(const struct history_row *row, struct history_pos *out);

/*
 * A stored UTC time (RFC 3339) as a person reads it: local
 * "YYYY-MM-DD HH:MM" in buf; text that is not such a time is copied.
 */
void history_time(char *buf, size_t size, const char *utc);

/*
 * Call fn for each finding of one record (full id), most urgent deadline
 * first, with its state now ("open", "overdue" past its deadline by the
 * local date, or "closed" with closed_by).  fn returning non-zero stops.
 */
int history_findings(sqlite3 *db, const char *record,
    int (*fn)(const struct finding *, void *), void *arg);

/*
 * The check of one record's signature and chain (verify_store) on a
 * thread of its own, with its own read-only connection to the store: it
 * walks the whole chain of the record's device, seconds in a store of a
 * million records, and a screen stays live meanwhile.
 */
struct history_check;

/* Start checking record id (full id) of the store db is open on. */
int history_check_start(sqlite3 *db, const char *id,
    struct history_check **out);
/*
 * 0 while the check runs; 1 when it is done: *rc is 0 when it ran (with
 * *problems, a JSON array of {kind, why}, borrowed until
 * history_check_free) or the error it could not run for (*err).
 */
int history_check_done(struct history_check *c, int *rc, const char **err,
    const json_t **problems);
/* Let go of a check; one still running finishes, then frees itself. */
void history_check_free(struct history_check *c);

/*
 * The exact form a record cites (id, version, sha256), from the store's
 * forms table; LT_ENOTFOUND when the store does not hold it.
 */
int history_form(sqlite3 *db, const struct record *r, struct form **out);

#endif
