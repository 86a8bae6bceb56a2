/*
 * What the home and sync screens sum up, each answer cheap on a store of
 * 1,000,000 records: read from the chain heads, the settings and the
 * indexes, never by counting records.
 *
 * Sync is not built yet: until it is, what this device has sent is the
 * setting sync.sent_seq (the highest seq of its own records sent; absent
 * means none).
 *
 * Ownership: summary_due() lends each finding to the callback only.
 */
#ifndef LANTIAN_SUMMARY_H
#define LANTIAN_SUMMARY_H

#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

/*
 * The device's chain: *head the seq of its newest record (0: none), *sent
 * the seq it has sent up to (0: nothing).  A sync.sent_seq that is not a
 * number is LT_EINVAL.
 */
int summary_chain(sqlite3 *db, const char *device, int64_t *head,
    int64_t *sent);
/* Records of the device not sent yet: head - sent (never below 0). */
int summary_waiting(sqlite3 *db, const char *device, int64_t *records);

/*
 * The attachments (distinct by hash) that the device's records above seq
 * after cite: what the records not exported yet will carry.  The cost is
 * that of those records.
 */
int summary_cited_after(sqlite3 *db, const char *device, int64_t after,
    int64_t *count);

/* The attachments the store holds: how many and their bytes together. */
int summary_attachments(sqlite3 *db, int64_t *count, int64_t *bytes);

/* An open finding due soon (all borrowed for the callback). */
struct summary_finding {
	const char	*record;	/* the record that found it */
	const char	*rule;		/* the form's finding id */
	const char	*severity;	/* violation, warning, note */
	const char	*deadline;	/* YYYY-MM-DD */
	const char	*site;		/* the record's site id */
	const char	*site_name;	/* its name, or NULL if not registered */
	const json_t	*text;		/* {zh, en} from the record, or NULL */
};

/*
 * Call fn for at most limit open findings whose deadline is on or before
 * until ("YYYY-MM-DD"; overdue ones included), soonest first; fn
 * returning non-zero stops the walk.  A range of the findings_open index:
 * the cost is that of the findings returned, not of those in the store.
 */
int summary_due(sqlite3 *db, const char *until, int limit,
    int (*fn)(const struct summary_finding *, void *), void *arg);

#endif
