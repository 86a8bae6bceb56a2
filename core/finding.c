#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "finding.h"
#include "util.h"
#include "record.h"

/* The text and action of rule in a record's findings array. */
static void
finding_texts(json_t *doc, const char *rule, const json_t **text,
    const json_t **action)
{
	json_t	*f;
	size_t	 i;

	*text = *action = NULL;
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if (json_is_string(json_object_get(f, "rule")) &&
		    strcmp(json_string_value(json_object_get(f, "rule")),
		    rule) == 0) {
			*text = json_object_get(f, "text");
			*action = json_object_get(f, "action");
			return;
		}
	}
}

int
finding_each(sqlite3 *db, const struct finding_filter *filter,
    int (*fn)(const struct finding *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct finding	 f;
	json_t		*doc;
	int		 rc, stop = 0;

	if ((rc = db_prepare(db, &st, "SELECT f.record, f.rule, f.task, "
	    "f.severity, f.deadline, f.closed_by, r.site, r.form, r.created, "
	    "r.body, s.village, (SELECT c.created FROM records c WHERE "
	    "c.id = f.closed_by) FROM findings f JOIN records r ON "
	    "r.id = f.record LEFT JOIN sites s ON s.id = r.site "
	    "WHERE (?1 = 0 OR f.closed_by IS NULL) "
	    "AND (?2 = 0 OR (f.closed_by IS NULL AND f.deadline < ?5)) "
	    "AND (?3 IS NULL OR r.site = ?3) AND (?4 = 0 OR f.task = ?4) "
	    "AND (?6 = 0 OR f.closed_by IS NOT NULL) "
	    "AND (?7 IS NULL OR s.village = ?7) "
	    "AND (?8 IS NULL OR f.severity = ?8) "
	    "ORDER BY f.deadline, r.site, f.rule")) != 0)
		return rc;
	sqlite3_bind_int(st, 1, filter->open || filter->overdue);
	sqlite3_bind_int(st, 2, filter->overdue);
	db_bind_text(st, 3, filter->site);
	sqlite3_bind_int(st, 4, filter->task);
	db_bind_text(st, 5, filter->today);
	sqlite3_bind_int(st, 6, filter->closed);
	db_bind_text(st, 7, filter->village);
	db_bind_text(st, 8, filter->severity);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&f, 0, sizeof f);
		f.record = (const char *)sqlite3_column_text(st, 0);
		f.rule = (const char *)sqlite3_column_text(st, 1);
		f.task = sqlite3_column_int64(st, 2);
		f.severity = (const char *)sqlite3_column_text(st, 3);
		f.deadline = (const char *)sqlite3_column_text(st, 4);
		f.closed_by = (const char *)sqlite3_column_text(st, 5);
		f.site = (const char *)sqlite3_column_text(st, 6);
		f.form = (const char *)sqlite3_column_text(st, 7);
		f.created = (const char *)sqlite3_column_text(st, 8);
		f.village = (const char *)sqlite3_column_text(st, 10);
		f.closed_at = (const char *)sqlite3_column_text(st, 11);
		if (f.closed_by != NULL)
			f.state = "closed";
		else if (f.deadline != NULL && filter->today != NULL &&
		    strcmp(f.deadline, filter->today) < 0)
			f.state = "overdue";
		else
			f.state = "open";
		doc = json_loadb(sqlite3_column_blob(st, 9),
		    (size_t)sqlite3_column_bytes(st, 9), 0, NULL);
		finding_texts(doc, f.rule, &f.text, &f.action);
		stop = fn(&f, arg);
		json_decref(doc);
		if (stop)
			break;
	}
	rc = (stop || rc == SQLITE_DONE) ? 0 : db_error(db, "findings");
	sqlite3_finalize(st);
	return rc;
}

int
finding_count(sqlite3 *db, const struct finding_filter *filter, int by,
    json_t **out)
{
	sqlite3_stmt	*st;
	json_t		*list;
	sqlite3_int64	 open, overdue, closed;
	char		*sql;
	int		 rc;

	*out = NULL;
	/* Open and closed from the tallies kept as findings are stored and
	 * closed (migration 11), overdue from the open ones past their
	 * deadline (the index findings_open): no scan of every finding.
	 * Then per village or task, a site's village looked up once. */
	sql = xasprintf("WITH g AS (SELECT t.site AS site, t.task AS task, "
	    "t.open AS open, 0 AS overdue, t.closed AS closed FROM "
	    "finding_tally t WHERE (?3 IS NULL OR t.site = ?3) AND (?4 = 0 OR "
	    "t.task = ?4) AND (?8 IS NULL OR t.severity = ?8) UNION ALL "
	    "SELECT coalesce(f.site, ''), coalesce(f.task, 0), 0, 1, 0 FROM "
	    "findings f INDEXED BY findings_open WHERE f.closed_by IS NULL AND "
	    "f.deadline < ?5 AND (?3 IS NULL OR f.site = ?3) AND (?4 = 0 OR "
	    "f.task = ?4) AND (?8 IS NULL OR f.severity = ?8)) "
	    "SELECT %s, sum(g.open) - sum(g.overdue), sum(g.overdue), "
	    "sum(g.closed) FROM g LEFT JOIN sites s ON s.id = g.site WHERE "
	    "(?7 IS NULL OR s.village = ?7) GROUP BY 1 ORDER BY 1",
	    by == 't' ? "g.task" : "coalesce(s.village, '?')");
	rc = db_prepare(db, &st, sql);
	free(sql);
	if (rc != 0)
		return rc;
	db_bind_text(st, 3, filter->site);
	sqlite3_bind_int(st, 4, filter->task);
	db_bind_text(st, 5, filter->today != NULL ? filter->today : "");
	db_bind_text(st, 7, filter->village);
	db_bind_text(st, 8, filter->severity);
	list = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		open = sqlite3_column_int64(st, 1);
		overdue = sqlite3_column_int64(st, 2);
		closed = sqlite3_column_int64(st, 3);
		/* The state asked for: the other counts are not its. */
		if (filter->open || filter->overdue || filter->closed) {
			if (!filter->open)
				open = 0;
			if (filter->closed)
				overdue = 0;
			if (!filter->closed)
				closed = 0;
		}
		if (open + overdue + closed == 0)
			continue;
		json_array_append_new(list, json_pack("{s:o, s:I, s:I, s:I}",
		    by == 't' ? "task" : "village", by == 't' ?
		    json_integer(sqlite3_column_int64(st, 0)) :
		    json_string((const char *)sqlite3_column_text(st, 0)),
		    "open", (json_int_t)open, "overdue", (json_int_t)overdue,
		    "closed", (json_int_t)closed));
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, "findings");
	sqlite3_finalize(st);
	if (rc != 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}
