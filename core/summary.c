#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "summary.h"

/* The seq this device has sent up to: sync.sent_seq, 0 when absent. */
static int
summary_sent(sqlite3 *db, int64_t *sent)
{
	char		*v = NULL, *end;
	long long	 n;
	int		 rc;

	*sent = 0;
	if ((rc = db_setting_get(db, "sync.sent_seq", &v)) != 0)
		return rc;
	if (v == NULL)
		return 0;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < 0)
		rc = error_set(LT_EINVAL, "setting sync.sent_seq: \"%s\" is "
		    "not a record number", v);
	else
		*sent = n;
	free(v);
	return rc;
}

int
summary_chain(sqlite3 *db, const char *device, int64_t *head, int64_t *sent)
{
	sqlite3_stmt	*st;
	int		 rc;

	*head = *sent = 0;
	if ((rc = db_cached(db, &st, "SELECT seq FROM chain "
	    "WHERE device = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*head = sqlite3_column_int64(st, 0);
		rc = 0;
	} else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "chain");
	sqlite3_reset(st);
	if (rc != 0)
		return rc;
	return summary_sent(db, sent);
}

int
summary_waiting(sqlite3 *db, const char *device, int64_t *records)
{
	int64_t	head, sent;
	int	rc;

	*records = 0;
	if ((rc = summary_chain(db, device, &head, &sent)) != 0)
		return rc;
	*records = head > sent ? head - sent : 0;
	return 0;
}

int
summary_cited_after(sqlite3 *db, const char *device, int64_t after,
    int64_t *count)
{
	sqlite3_stmt	*st;
	int		 rc;

	*count = 0;
	if ((rc = db_cached(db, &st, "SELECT count(DISTINCT json_extract("
	    "a.value, '$.sha256')) FROM records AS r, json_each(CAST(r.body "
	    "AS TEXT), '$.attachments') AS a WHERE r.device = ?1 AND "
	    "r.seq > ?2")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	sqlite3_bind_int64(st, 2, after);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		rc = 0;
	} else
		rc = db_error(db, "records");
	sqlite3_reset(st);
	return rc;
}

int
summary_attachments(sqlite3 *db, int64_t *count, int64_t *bytes)
{
	sqlite3_stmt	*st;
	int		 rc;

	*count = *bytes = 0;
	if ((rc = db_cached(db, &st, "SELECT count(*), "
	    "coalesce(sum(bytes), 0) FROM attachments")) != 0)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		*bytes = sqlite3_column_int64(st, 1);
		rc = 0;
	} else
		rc = db_error(db, "attachments");
	sqlite3_reset(st);
	return rc;
}

/* The text of rule in a record's findings array, or NULL. */
static const json_t *
summary_text(const json_t *doc, const char *rule)
{
	const json_t	*f, *r;
	size_t		 i;

	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		r = json_object_get(f, "rule");
		if (json_is_string(r) && strcmp(json_string_value(r), rule) == 0)
			return json_object_get(f, "text");
	}
	return NULL;
}

int
summary_due(sqlite3 *db, const char *until, int limit,
    int (*fn)(const struct summary_finding *, void *), void *arg)
{
	struct summary_finding	 f;
	sqlite3_stmt		*st;
	json_t			*doc;
	int			 rc, step, stop = 0;

	/*
	 * findings_open is (closed_by, deadline) over the primary key
	 * (record, rule): the open ones due by until, in this order, are one
	 * range of it, and LIMIT ends the walk.  Not cached: the callback
	 * may query the store.
	 */
	if ((rc = db_prepare(db, &st, "SELECT f.record, f.rule, f.severity, "
	    "f.deadline, r.site, s.name, r.body "
	    "FROM findings f INDEXED BY findings_open "
	    "JOIN records r ON r.id = f.record "
	    "LEFT JOIN sites s ON s.id = r.site "
	    "WHERE f.closed_by IS NULL AND f.deadline <= ?1 "
	    "ORDER BY f.deadline, f.record, f.rule LIMIT ?2")) != 0)
		return rc;
	db_bind_text(st, 1, until);
	sqlite3_bind_int(st, 2, limit);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&f, 0, sizeof f);
		f.record = (const char *)sqlite3_column_text(st, 0);
		f.rule = (const char *)sqlite3_column_text(st, 1);
		f.severity = (const char *)sqlite3_column_text(st, 2);
		f.deadline = (const char *)sqlite3_column_text(st, 3);
		f.site = (const char *)sqlite3_column_text(st, 4);
		f.site_name = (const char *)sqlite3_column_text(st, 5);
		doc = json_loadb(sqlite3_column_blob(st, 6),
		    (size_t)sqlite3_column_bytes(st, 6), 0, NULL);
		f.text = summary_text(doc, f.rule);
		stop = fn(&f, arg);
		json_decref(doc);
		if (stop)
			break;
	}
	rc = (stop || step == SQLITE_DONE) ? 0 : db_error(db, "findings");
	sqlite3_finalize(st);
	return rc;
}
