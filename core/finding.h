/*
 * Findings and their life (task 20: find, rectify, close): born with the
 * record whose answers fire a rule, closed by the follow-up record on which
 * the rule no longer fires (closed_by), never deleted.
 */
#ifndef LANTIAN_FINDING_H
#define LANTIAN_FINDING_H

#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

struct finding_filter {
	int		 open;		/* only findings not closed */
	int		 overdue;	/* only open ones past their deadline */
	const char	*site;		/* only this site, or NULL */
	int		 task;		/* only this task, or 0 */
	const char	*today;		/* "YYYY-MM-DD": what overdue means */
	int		 closed;	/* only findings closed */
	const char	*village;	/* only sites of this village, or NULL */
	const char	*severity;	/* only this severity, or NULL */
};

/* One finding as the lists show it (all borrowed for the callback). */
struct finding {
	const char	*record;	/* the record that found it */
	const char	*rule;		/* the form's finding id */
	int64_t		 task;		/* the plan's task number */
	const char	*severity;	/* violation, warning, note */
	const char	*deadline;	/* YYYY-MM-DD */
	const char	*closed_by;	/* the record that closed it, or NULL */
	const char	*site;		/* the record's site */
	const char	*form;		/* the record's form */
	const char	*created;	/* when the record was made */
	const char	*state;		/* "open", "overdue" or "closed" */
	const char	*village;	/* the site's village, or NULL */
	const char	*closed_at;	/* when the closing record was made */
	const json_t	*text;		/* {zh, en} from the record, or NULL */
	const json_t	*action;	/* {zh, en} from the record, or NULL */
};

/*
 * Call fn for each finding that passes the filter, by deadline then site;
 * fn returning non-zero stops the walk.  Streamed from the store.
 */
int finding_each(sqlite3 *db, const struct finding_filter *filter,
    int (*fn)(const struct finding *, void *), void *arg);

/*
 * The findings of filter tallied by task (by 't') or by the site's village
 * (by 'v'): *out (the caller's) is an array of {"task": N or "village": V,
 * "open": n, "overdue": n, "closed": n}, by task number or village.
 */
int finding_count(sqlite3 *db, const struct finding_filter *filter, int by,
    json_t **out);

#endif
