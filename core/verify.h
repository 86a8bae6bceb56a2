/*
 * Verification of the local store: every record's id (SHA-256 of its
 * bytes), its minisign signature and trusted comment against its device's
 * key, and every device's chain (gaps, forks, broken links, a clock that
 * went backwards).  Signatures are checked on several threads; the chain
 * walk reads the records in (device, seq) order through the index, a batch
 * at a time, so memory stays flat however large the store.
 */
#ifndef LANTIAN_VERIFY_H
#define LANTIAN_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* What is wrong, one per problem found. */
struct verify_problem {
	const char	*id;		/* record id (as stored) */
	const char	*device;	/* its device key id */
	int64_t		 seq;		/* its seq */
	const char	*kind;		/* bad-signature, id-mismatch, ... */
	const char	*why;		/* a sentence for a person */
};

struct verify_stats {
	int64_t		records;	/* records checked */
	int64_t		problems;	/* problems reported */
};

typedef void (*verify_report_fn)(const struct verify_problem *p, void *arg);

/*
 * Check the records named by ids (all records when nids is 0) using up to
 * threads threads (0: one per core).  Each problem goes to report.  Returns
 * 0 when the check ran (problems or not), an error when it could not.
 */
int verify_store(sqlite3 *db, const char *const *ids, size_t nids,
    int threads, verify_report_fn report, void *arg,
    struct verify_stats *stats);

#endif
