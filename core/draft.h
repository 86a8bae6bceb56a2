/*
 * Drafts: an inspection in progress, saved on every change so that a
 * laptop that dies (battery, kill -9) loses nothing.  A draft holds the
 * answers so far, the question the inspector was at, the files already
 * taken into the attachment store with their captions, the notes, the
 * site representative's acknowledgment and the record it follows up.
 * Finishing the inspection (inspect_finish) drops the draft in the same
 * transaction that stores the record.
 *
 * Ownership: draft_load() fills a struct draft whose strings and json
 * belong to it; draft_clear() frees them.  draft_each() lends each draft
 * to the callback only.
 */
#ifndef LANTIAN_DRAFT_H
#define LANTIAN_DRAFT_H

#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

struct draft {
	int64_t	 id;		/* rowid */
	char	*site;		/* site id */
	char	*form;		/* form id */
	char	*started;	/* RFC 3339 */
	char	*updated;	/* RFC 3339, last save */
	char	*position;	/* question id it was at, or NULL */
	char	*notes;		/* or NULL */
	char	*follows;	/* record id followed up, or NULL */
	json_t	*answers;	/* question id -> value (object) */
	json_t	*attachments;	/* [{sha256, name, bytes, mime, caption,
				   listed}]: listed is true for a file put
				   on the attachments screen; any other is
				   there for the photo answer citing it */
	json_t	*acknowledged;	/* {name, role, refused, witness} or NULL */
};

/* Start a draft for site and form (follows may be NULL); *id gets it. */
int draft_create(sqlite3 *db, const char *site, const char *form,
    const char *follows, int64_t *id);
/* Load a draft; LT_ENOTFOUND when it is gone. */
int draft_load(sqlite3 *db, int64_t id, struct draft *out);
/* Save everything of d (one durable statement), stamping updated. */
int draft_save(sqlite3 *db, struct draft *d);
/* Forget a draft (the inspector abandoned it). */
int draft_delete(sqlite3 *db, int64_t id);
void draft_clear(struct draft *d);
/*
 * Attach a file already in the store to d (unless there): listed for the
 * attachments screen (it stays until taken off there), else for a photo
 * answer (it goes with the last answer citing it).
 */
void draft_attach(struct draft *d, const char *sha256, const char *name,
    int64_t bytes, const char *mime, int listed);
/*
 * Answer photo question qid with the file sha256 (attached with
 * draft_attach first), or take the answer away (sha256 NULL).  The file
 * the answer cited before leaves the draft unless another answer cites
 * it or it is listed.
 */
void draft_set_photo(struct draft *d, const char *qid, const char *sha256);
/* Count the drafts. */
int draft_count(sqlite3 *db, int64_t *n);
/*
 * Call fn for each draft, newest change first; fn returning non-zero
 * stops the walk.
 */
int draft_each(sqlite3 *db, int (*fn)(const struct draft *, void *),
    void *arg);

#endif
