/*
 * Assignments and the "双随机" draw (task 20): a random choice of sites of
 * a kind, and of inspectors for each, that anyone can check by drawing
 * again.
 *
 * The draw (method "lantian-draw-1"): the pool of sites is every site of
 * the kind, by id (bytewise); the pool of inspectors every roster entry
 * valid at some time in the month (valid_from before its end, not revoked
 * before its start), by key id.  Random numbers come from SHA-256 of
 * "lantian-draw-1\0" month "\0" kind "\0" seed "\0" and a 4-byte
 * big-endian counter, one 8-byte big-endian integer per hash, taken by
 * rejection (so each value of [0, n) is equally likely); the sites are
 * the first N of a Fisher-Yates shuffle of their pool, and each site's
 * inspectors the first M of a shuffle of theirs (a shuffle per site, in
 * the order the sites were drawn).  The same pools, month, kind and seed
 * give the same bytes: the document carries the SHA-256 of each pool so
 * that a check knows it drew from the same ones.
 *
 * The document, published by the office as assignments/<month>-<kind>.json
 * (core/office.h) and signed by the office key:
 *
 *   {"type":"assignments","format":1,"month":"2030-01","kind":"restaurant",
 *    "seed":"...","method":"lantian-draw-1","sites_pool":5,
 *    "sites_pool_sha256":"..","inspectors_pool":3,
 *    "inspectors_pool_sha256":"..","assignments":[{"site":"R3",
 *    "name":"..","village":"..","inspectors":[{"key_id":"..","name":"..",
 *    "badge":".."}]}]}
 *
 * A draw is final once signed (core/office.h, office_draw): a second draw
 * of a month and kind is made only with a reason, and its document then
 * ends with a member that keeps the draw it replaces, signature and all:
 *
 *    ...,"redraw":{"reason":"...","previous":{"issued":"<RFC 3339>",
 *    "document":"<the exact bytes of the earlier signed file>",
 *    "minisig":"<its signature file>"}}}
 *
 * (the earlier document may itself end with a redraw member: the chain
 * goes back to the first draw).  Still format 1: a reader that knows no
 * "redraw" takes the draw in force, as it should, and a document without
 * one is the first draw.  `draw --dry-run` gives a draw's bytes without
 * the redraw member.
 *
 * Devices keep what it assigns in the table assignments (migration 9).
 */
#ifndef LANTIAN_ASSIGN_H
#define LANTIAN_ASSIGN_H

#include <stddef.h>

#include <jansson.h>
#include <sqlite3.h>

#define ASSIGN_METHOD	"lantian-draw-1"

struct assign_req {
	const char	*month;		/* YYYY-MM */
	const char	*kind;		/* a site kind */
	const char	*seed;		/* any text, agreed beforehand */
	int		 sites;		/* how many sites */
	int		 per_site;	/* inspectors for each */
};

/*
 * Draw from the store's sites and roster.  LT_EINVAL when the request
 * cannot be met (too few sites or inspectors, a bad month or kind).
 * *body (NUL added, *len bytes: one line of JSON and a newline) is the
 * caller's.
 */
int assign_draw(sqlite3 *db, const struct assign_req *r, char **body,
    size_t *len);

/*
 * A draw that replaces an earlier one: body (of assign_draw, freed here)
 * becomes *out (*outlen bytes, the caller's) with the redraw member that
 * names reason and carries the previous document as signed (prev, its
 * minisig and issued time).  LT_EINVAL for an empty reason.
 */
int assign_redraw(char *body, size_t len, const char *reason,
    const char *prev, size_t prevlen, const char *prevsig,
    const char *previssued, char **out, size_t *outlen);

/* One draw of a month and kind, as a document's redraw chain tells it. */
struct assign_drawn {
	const char	*month;		/* YYYY-MM */
	const char	*kind;		/* of site */
	int		 n;		/* 1: the first draw, 2: the second ... */
	int		 in_force;	/* the last one */
	const char	*issued;	/* RFC 3339, when it was signed */
	const char	*seed;
	const char	*reason;	/* why it replaced the one before;
					   NULL for the first */
	const json_t	*assignments;	/* [{site, name, village,
					   inspectors: [{key_id, name,
					   badge}]}] */
};

/*
 * Each draw of a document (issued: its signed time), the first first; fn
 * returning non-zero stops.  LT_EINVAL for a document that is not one.
 */
int assign_each_drawn(const char *body, size_t len, const char *issued,
    int (*fn)(const struct assign_drawn *, void *), void *arg);

/*
 * Keep the assignments of a published document (checked: type, format,
 * and month and kind as the path names them), replacing those of its month
 * and kind.  Inside the caller's transaction.
 */
int assign_store(sqlite3 *db, const char *month, const char *kind,
    const char *body, size_t len);

/* One site assigned to this device in a month, and whether it has been
 * inspected by it in that month. */
struct assign_site {
	const char	*site;
	const char	*name;		/* or the id */
	const char	*kind;
	int		 done;
};

/*
 * The sites assigned to device in month, those not yet inspected first,
 * then by id; fn returning non-zero stops.
 */
int assign_mine(sqlite3 *db, const char *device, const char *month,
    int (*fn)(const struct assign_site *, void *), void *arg);

#endif
