/*
 * What the office publishes besides the roster (core/roster.h): the site
 * register and the forms, each a file on the office branch signed by the
 * office key in minisign's format, so that `minisign -V -p office.pub -m
 * FILE` checks it:
 *
 *   sites.json        {"type":"sites","format":1,"issued":"<RFC 3339>",
 *                      "sites":[{"id":...,"name":...,"kind":...,
 *                      "village":...,  the columns of `sites list --json`}]}
 *   forms/<id>.json   the exact bytes of a form file
 *   assignments/<YYYY-MM>-<kind>.json
 *                     the draw of a month's inspections of a kind of site
 *                     (core/assign.h)
 *   reviews/<record id>.json
 *                     the office's decision on a record (core/review.h)
 *
 * with <path>.minisig beside each, whose trusted comment is "lantian
 * office path=<path> sha256=<hex of the file> issued=<time>": a signature
 * cannot be moved to another path, and the newer of two documents of one
 * path is the one issued later.
 *
 * The supervisor signs them with `lantian office publish` (office_publish):
 * they are kept in the table office_docs (migration 7) and written to the
 * office branch at the next sync.  A device importing the branch checks
 * each against its trusted office key (office_accept) and, when it is
 * newer than the one it has, keeps it and applies it: sites.json updates
 * the register (sites it does not name are kept: records cite them), a
 * form is written to the data directory's forms/ where every form list
 * finds it.
 */
#ifndef LANTIAN_OFFICE_H
#define LANTIAN_OFFICE_H

#include <stddef.h>

#include "assign.h"
#include "datadir.h"
#include "key.h"

#define OFFICE_SITES		"sites.json"
#define OFFICE_SITES_MAX	(8 * 1024 * 1024)	/* bytes of sites.json */
#define OFFICE_FORM_MAX		(1024 * 1024)		/* bytes of a form */

/* What a published document is, from its path; OFFICE_NONE otherwise. */
enum office_kind {
	OFFICE_NONE,
	OFFICE_SITES_DOC,
	OFFICE_FORM_DOC,
	OFFICE_ASSIGN_DOC,
	OFFICE_REVIEW_DOC
};

#define OFFICE_ID_MAX	72	/* bytes of a document's id, NUL included */

/*
 * The kind of path; id gets a form's id, an assignments file's
 * "YYYY-MM-kind", or the record id a review is of.
 */
enum office_kind office_doc_kind(const char *path, char id[OFFICE_ID_MAX]);
/* The most bytes a document of that kind may have. */
size_t office_doc_max(enum office_kind kind);

/*
 * Sign the store's whole site register and every form the data
 * directory's form list holds, as documents issued now, and keep them
 * for the next sync.  A document whose bytes did not change is not signed
 * again.  *sites and *forms (may be NULL) get how many were (re)signed.
 */
int office_publish(struct datadir *dd, const struct key_secret *sk,
    int *sites, int *forms);

/*
 * Sign one document (path, body) issued now, keep it for the next sync and
 * apply it here too, in one transaction.  (A draw goes through
 * office_draw, which keeps it final.)
 */
int office_issue(struct datadir *dd, const struct key_secret *sk,
    const char *path, const char *body, size_t len);

/*
 * The 双随机 draw of a month and kind (core/assign.h), signed and kept as
 * office_issue does.  A draw is final once signed: when the month and kind
 * were drawn before, a second draw is LT_EEXISTS (saying when the first
 * was signed) unless reason (else NULL) says why it is drawn again; then
 * the new document carries the one it replaces with the reason.  A reason
 * with nothing drawn yet is LT_EINVAL.  *body (*len bytes) gets what was
 * signed, the caller's.
 */
int office_draw(struct datadir *dd, const struct key_secret *sk,
    const struct assign_req *r, const char *reason, char **body,
    size_t *len);

/*
 * Every draw of a month the store holds (the office's, or what a device
 * took from the office branch), kind by kind, each kind's first draw
 * first: fn returning non-zero stops.
 */
int office_draws(sqlite3 *db, const char *month,
    int (*fn)(const struct assign_drawn *, void *), void *arg);

/*
 * A document read from the office branch: check it against the trusted
 * office key (the signature, and the trusted comment naming path, the
 * file's hash and the issued time), then keep and apply it when it is
 * newer than the stored one of its path.  *applied (may be NULL) says
 * whether it was.  LT_ESIG, LT_EINVAL (a bad document: nothing of it is
 * applied), LT_ENOTFOUND when no office key is trusted.  Must run inside a
 * transaction (db_begin).
 */
int office_accept(struct datadir *dd, const char *path, const char *body,
    size_t len, const char *sig, int *applied);

/*
 * Check a document against an office key: the signature, and the trusted
 * comment naming path, the file's hash and the issued time (into issued).
 * LT_ESIG with why.
 */
int office_doc_verify(const struct key_public *office, const char *path,
    const char *body, size_t len, const char *sig, char issued[32]);

/* Call fn with each stored document until it returns non-zero. */
typedef int (*office_each_fn)(const char *path, const char *body,
    size_t len, const char *sig, void *arg);
int office_each(sqlite3 *db, office_each_fn fn, void *arg);

#endif
