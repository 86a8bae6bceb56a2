/*
 * The office's review of the records inspectors send, and the inspector's
 * answer to it.
 *
 * Every record (but an amendment) has a review state: pending until the
 * office decides, then accepted, returned (the office asks a question) or
 * rejected (with the reason).  A decision is a document the office key
 * signs, published on the office branch like the site register
 * (core/office.h):
 *
 *   reviews/<record id>.json
 *     {"type":"review","format":1,"record":"<id>","state":"returned",
 *      "text":"<the question or the reason, or null>",
 *      "reviewed":"<RFC 3339>","office":"<office key id>",
 *      "history":[{"state":..,"text":..,"reviewed":..}, ...]}
 *
 * The newest document of a record replaces the one before it on the
 * branch; it carries the decisions before it (history, oldest first), so
 * a device that missed one still has them all, signed.
 *
 * The inspector answers a returned record with an amendment record (type
 * "amendment", signed and chained like any record; core/inspect.h):
 *
 *   "amends": "<record id>", "review": "<reviewed time of the return>",
 *   "reply": "<the inspector's answer>", "answers": {corrected answers}
 *
 * An amendment that answers the record's latest return puts it back in
 * the queue (pending, amended).  The signed record itself never changes.
 *
 * Every device keeps the state of each record it has (table review_state)
 * and the whole exchange of each record (table reviews: the office's
 * decisions, and the amendments as state "amended"), both kept as records
 * and review documents arrive, whatever their order.
 */
#ifndef LANTIAN_REVIEW_H
#define LANTIAN_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "datadir.h"
#include "key.h"
#include "record.h"

#define REVIEW_FORMAT		1
#define REVIEW_TEXT_MAX		2000	/* bytes of a question, reason or reply */
#define REVIEW_HISTORY_MAX	200	/* decisions a document carries */

#define REVIEW_PENDING		"pending"
#define REVIEW_ACCEPTED		"accepted"
#define REVIEW_RETURNED		"returned"
#define REVIEW_REJECTED		"rejected"
#define REVIEW_AMENDED		"amended"	/* an exchange's step only */

/* The office's decisions, and the states (pending first); NULL ends. */
extern const char *const review_decisions[];
extern const char *const review_states[];

/*
 * A question, reason or reply: at most REVIEW_TEXT_MAX bytes, no control
 * character but a line break; need (e.g. "the reason") when it must be
 * said, NULL when it may be empty.  Errors name what.
 */
int review_text_check(const char *text, const char *need, const char *what);

/* Is s one of the states a record can be in (pending included)? */
int review_state_known(const char *s);

/*
 * The office decides on a record (its full id): state accepted, returned
 * or rejected, text the question or the reason (required for the last two,
 * ignored for accepted).  Signs the document (with the decisions before
 * it), keeps it for the next sync and applies it here.
 */
int review_issue(struct datadir *dd, const struct key_secret *office,
    const char *record, const char *state, const char *text);

/*
 * A review document checked by the office key (core/office.c): keep its
 * decisions and set the record's state.  Inside a transaction.
 */
int review_apply(sqlite3 *db, const char *record, const char *body,
    size_t len);

/*
 * A record just stored (record_store): a new record is pending, unless the
 * office's decision arrived first; an amendment joins its record's
 * exchange and, answering its latest return, puts it back in the queue.
 */
int review_note(sqlite3 *db, const struct record *r);

/* Where a record stands. */
struct review {
	char		 record[65];
	char		 device[17];
	char		 created[32];
	char		 state[16];		/* pending ... rejected */
	char		 reviewed[32];		/* of the latest decision, or "" */
	char		*text;			/* its question or reason, or NULL */
	char		 amendment[65];		/* answering it, or "" */
	char		*site;			/* the record's, or NULL */
	char		*form;
	char		*inspector;		/* the record's inspector's name */
};
void review_clear(struct review *rv);

/* The state of a record; LT_ENOTFOUND when none is kept. */
int review_get(sqlite3 *db, const char *record, struct review *out);

/* One step of a record's exchange, oldest first. */
struct review_step {
	const char	*at;		/* reviewed, or the amendment's created */
	const char	*state;		/* accepted, returned, rejected, amended */
	const char	*text;		/* question, reason, reply; or NULL */
	const char	*amendment;	/* for amended: its record id */
};
typedef int (*review_step_fn)(const struct review_step *, void *arg);
int review_history(sqlite3 *db, const char *record, review_step_fn fn,
    void *arg);

/*
 * Records by state, oldest first (the queue: state pending), or newest
 * decision first for the others; device (may be NULL) narrows them to
 * one device's, since (may be NULL) to decisions made since then.  fn
 * gets each until it returns non-zero; at most limit (0: all).
 */
struct review_filter {
	const char	*state;
	const char	*device;
	const char	*since;
	int		 limit;
};
typedef int (*review_fn)(const struct review *, void *arg);
int review_each(sqlite3 *db, const struct review_filter *f, review_fn fn,
    void *arg);

/* How many records (that are here) are in state: the queue's length. */
int review_count(sqlite3 *db, const char *state, long long *n);

/* The path of a record's review document on the office branch; free it. */
char *review_path(const char *record);

#endif
