#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "error.h"
#include "oversight.h"
#include "record.h"
#include "report.h"
#include "util.h"

/* Every status, so that the index records_status(status, device,
 * created) serves a device's records of a time range. */
#define OVERSIGHT_ALL	"('verified', 'signed', 'unknown-key', 'revoked', " \
	"'bad-signature', 'id-mismatch', 'chain-gap', 'fork')"
#define OV_SAME_DAY_MAX	"20"
#define OVERSIGHT_BAD	"('unknown-key', 'revoked', 'bad-signature', " \
	"'id-mismatch', 'chain-gap', 'fork')"

/*
 * The end of a query that built list: the list to *out when the rows all
 * came (rc SQLITE_DONE), else the error, the list dropped.
 */
static int
ov_give(sqlite3 *db, sqlite3_stmt *st, int rc, json_t *list, json_t **out,
    const char *what)
{
	rc = rc == SQLITE_DONE ? 0 : rc < 0 ? rc : db_error(db, what);
	sqlite3_finalize(st);
	if (rc != 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

static json_t *
ov_text(sqlite3_stmt *st, int col)
{
	const char	*s = (const char *)sqlite3_column_text(st, col);

	return s != NULL ? json_string(s) : json_null();
}

/* Where the first gaps of a device's chain start (at most 5). */
static int
ov_gaps(sqlite3 *db, const char *device, json_t *list)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_cached(db, &st, "SELECT r.seq + 1 FROM records r "
	    "INDEXED BY records_device_seq WHERE r.device = ?1 AND r.seq < "
	    "(SELECT max(seq) FROM records WHERE device = ?1) AND NOT EXISTS "
	    "(SELECT 1 FROM records n WHERE n.device = ?1 AND "
	    "n.seq = r.seq + 1) GROUP BY r.seq ORDER BY r.seq LIMIT 5")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(list, json_integer(
		    sqlite3_column_int64(st, 0)));
	rc = rc == SQLITE_DONE ? 0 : db_error(db, "records");
	sqlite3_reset(st);
	return rc;
}

int
oversight_inspectors(sqlite3 *db, const char *month, json_t **out)
{
	sqlite3_stmt	*st;
	json_t		*list, *gaps, *item;
	char		 from[32] = "", to[32] = "~";
	int		 rc;

	*out = NULL;
	if (month != NULL && (rc = report_month_bounds(month, from, to)) != 0)
		return rc;
	/* Per device (the chain heads: one row each): the newest seq from
	 * (device, seq), the counts from (status, device, created), and the
	 * seqs held from device_tally (migration 11: a seq is there when a
	 * record holds it that is not a fork nor refused; a seq whose only
	 * record is refused is missing). */
	if ((rc = db_prepare(db, &st, "SELECT d.device, o.name, o.badge, "
	    "(SELECT count(*) FROM records INDEXED BY records_status WHERE "
	    "status IN " OVERSIGHT_ALL " AND device = d.device AND "
	    "created >= ?1 AND created < ?2), "
	    "(SELECT count(*) FROM records INDEXED BY records_status WHERE "
	    "status IN " OVERSIGHT_BAD " AND device = d.device), "
	    "(SELECT max(seq) FROM records WHERE device = d.device), "
	    "(SELECT held FROM device_tally WHERE device = d.device) "
	    "FROM chain d LEFT JOIN roster o ON o.key_id = d.device "
	    "ORDER BY o.name IS NULL, o.name, d.device")) != 0)
		return rc;
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	list = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		gaps = json_array();
		item = json_pack("{s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:o}",
		    "device", ov_text(st, 0), "name", ov_text(st, 1), "badge",
		    ov_text(st, 2), "records", (json_int_t)sqlite3_column_int64(
		    st, 3), "not_verified", (json_int_t)sqlite3_column_int64(st,
		    4), "head", (json_int_t)sqlite3_column_int64(st, 5),
		    "missing", (json_int_t)(sqlite3_column_int64(st, 5) -
		    sqlite3_column_int64(st, 6)), "gaps_after", gaps);
		json_array_append_new(list, item);
		if (sqlite3_column_int64(st, 5) > sqlite3_column_int64(st, 6) &&
		    (rc = ov_gaps(db, (const char *)sqlite3_column_text(st, 0),
		    gaps)) != 0)
			break;
	}
	return ov_give(db, st, rc, list, out, "records");
}

/* Do two records' answers contradict: one question, two answers? */
static int
ov_answers_differ(const json_t *x, const json_t *y, json_t **which)
{
	const json_t	*ax = json_object_get(x, "answers"), *bx, *va;
	const char	*key;
	int		 n = 0;

	bx = json_object_get(y, "answers");
	*which = json_array();
	json_object_foreach((json_t *)ax, key, va) {
		if (json_object_get(bx, key) != NULL && !json_is_null(va) &&
		    !json_equal(va, json_object_get(bx, key))) {
			json_array_append_new(*which, json_string(key));
			n++;
		}
	}
	return n > 0;
}

static int
ov_contradict(const char *a, size_t alen, const char *b, size_t blen,
    json_t **which)
{
	json_t	*x = json_loadb(a, alen, 0, NULL), *y = json_loadb(b, blen, 0,
	    NULL);
	int	 n = ov_answers_differ(x, y, which);

	json_decref(x);
	json_decref(y);
	return n;
}

static int ov_same_day(sqlite3 *, const struct record *, const char *,
    sqlite3_int64);

#define OV_BATCH	5000	/* records a transaction of ov_catch_up() */
#define OV_PAUSE_MS	110	/* the lock left free between them: longer
				   than the 100 ms a busy handler waits */

/*
 * Contradictions among the records of rowid (from, to]: each inspection
 * against the other inspectors' records of its site and day stored
 * before it, so a pair is noted once; then conflicts.rowid = to.  One
 * transaction.
 */
static int
ov_catch_up_batch(sqlite3 *db, sqlite3_int64 from, sqlite3_int64 to)
{
	struct record	 r;
	sqlite3_stmt	*st;
	struct tm	 tm;
	time_t		 t;
	char		 day[11], buf[32];
	int		 rc;

	if ((rc = db_begin(db)) != 0)
		return rc;
	if ((rc = db_prepare(db, &st, "SELECT rowid, body FROM records WHERE "
	    "rowid > ?1 AND rowid <= ?2 AND type = 'inspection' AND site IS "
	    "NOT NULL AND status IN ('verified', 'signed', 'unknown-key') "
	    "ORDER BY rowid")) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (record_parse(&r, sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1)) != 0) {
			error_clear();
			continue;
		}
		rc = 0;
		if (r.site != NULL && r.form != NULL &&
		    util_parse_rfc3339(r.created, &t) == 0 &&
		    localtime_r(&t, &tm) != NULL) {
			strftime(day, sizeof day, "%Y-%m-%d", &tm);
			rc = ov_same_day(db, &r, day, sqlite3_column_int64(st,
			    0));
		}
		record_clear(&r);
		if (rc != 0)
			break;
	}
	sqlite3_finalize(st);
	if (rc != 0 && rc != SQLITE_DONE)
		goto fail;
	snprintf(buf, sizeof buf, "%lld", (long long)to);
	if ((rc = db_setting_set(db, "conflicts.rowid", buf)) != 0)
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return rc < 0 ? rc : db_error(db, "conflicts");
}

/*
 * Contradictions among the records stored since the last look (setting
 * conflicts.rowid), OV_BATCH records a transaction: after an import of a
 * million records the look takes minutes, and the store's other writers
 * (a sync, the TUI signing a decision) get their turn between batches
 * instead of waiting it out and failing "database is locked".
 */
static int
ov_catch_up(sqlite3 *db)
{
	sqlite3_stmt	*st;
	sqlite3_int64	 from = 0, to = 0, upto;
	char		*v = NULL;
	int		 rc;

	if ((rc = db_setting_get(db, "conflicts.rowid", &v)) != 0)
		return rc;
	if (v != NULL)
		from = atoll(v);
	free(v);
	if ((rc = db_prepare(db, &st, "SELECT max(rowid) FROM records")) != 0)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		to = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	for (; from < to; from = upto) {
		upto = to - from > OV_BATCH ? from + OV_BATCH : to;
		if ((rc = ov_catch_up_batch(db, from, upto)) != 0)
			return rc;
		/* A moment with the lock free, for a writer waiting. */
		if (upto < to)
			sqlite3_sleep(OV_PAUSE_MS);
	}
	return 0;
}

/* The whole log searched for conflicts (a store from before they were
 * noted as records arrive). */
static int
ov_scan(sqlite3 *db, json_t **out)
{
	sqlite3_stmt	*st;
	json_t		*list = json_array(), *which;
	int		 rc;

	*out = NULL;
	/* Forks: the records kept with their seq taken. */
	if ((rc = db_prepare(db, &st, "SELECT r.device, r.seq, r.id, "
	    "r.status_why, r.site FROM records r INDEXED BY records_status "
	    "WHERE r.status = 'fork' ORDER BY r.device, r.seq")) != 0)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(list, json_pack("{s:s, s:o, s:I, s:o, "
		    "s:o, s:o}", "kind", "fork", "device", ov_text(st, 0),
		    "seq", (json_int_t)sqlite3_column_int64(st, 1), "record",
		    ov_text(st, 2), "why", ov_text(st, 3), "site",
		    ov_text(st, 4)));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto dberr;

	/* A clock that went backwards along a device's chain. */
	if ((rc = db_prepare(db, &st, "SELECT r.device, r.seq, r.id, "
	    "r.created, p.created, p.id FROM records r JOIN records p INDEXED BY "
	    "records_device_seq ON p.device = r.device AND p.seq = r.seq - 1 "
	    "WHERE r.created < p.created AND r.status <> 'fork' AND "
	    "p.status <> 'fork' ORDER BY r.device, r.seq")) != 0)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(list, json_pack("{s:s, s:o, s:I, s:o, "
		    "s:o, s:o, s:o}", "kind", "clock-backwards", "device",
		    ov_text(st, 0), "seq", (json_int_t)sqlite3_column_int64(st,
		    1), "record", ov_text(st, 2), "created", ov_text(st, 3),
		    "after", ov_text(st, 4), "other", ov_text(st, 5)));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto dberr;

	/* One site, one form, one day: answers that contradict, unless one
	 * is a follow-up of the other. */
	/* (The day is the local one: its bounds in UTC for the index.) */
	if ((rc = db_prepare(db, &st, "SELECT a.site, date(a.created, "
	    "'localtime'), a.form, a.id, b.id, a.body, b.body FROM records a "
	    "JOIN records b INDEXED BY records_site ON b.site = a.site AND "
	    "b.created >= strftime('%Y-%m-%dT%H:%M:%SZ', date(a.created, "
	    "'localtime'), 'utc') AND b.created < strftime("
	    "'%Y-%m-%dT%H:%M:%SZ', date(a.created, 'localtime'), '+1 day', "
	    "'utc') AND b.form = a.form "
	    "AND b.rowid > a.rowid WHERE a.site IS NOT NULL AND a.type = "
	    "'inspection' AND b.type = 'inspection' AND a.status IN "
	    "('verified', 'signed', 'unknown-key') AND b.status IN "
	    "('verified', 'signed', 'unknown-key') AND coalesce(json_extract("
	    "b.body, '$.follows'), '') <> a.id AND coalesce(json_extract("
	    "a.body, '$.follows'), '') <> b.id ORDER BY a.site, a.created")) != 0)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!ov_contradict(sqlite3_column_blob(st, 5),
		    (size_t)sqlite3_column_bytes(st, 5),
		    sqlite3_column_blob(st, 6), (size_t)sqlite3_column_bytes(st,
		    6), &which)) {
			json_decref(which);
			continue;
		}
		json_array_append_new(list, json_pack("{s:s, s:o, s:o, s:o, "
		    "s:[o, o], s:o}", "kind", "contradiction", "site",
		    ov_text(st, 0), "date", ov_text(st, 1), "form",
		    ov_text(st, 2), "records", ov_text(st, 3), ov_text(st, 4),
		    "questions", which));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto dberr;
	*out = list;
	return 0;
dberr:
	rc = db_error(db, "records");
fail:
	json_decref(list);
	return rc;
}

/* Keep one conflict (INSERT OR IGNORE: noted once). */
static int
ov_store(sqlite3 *db, const char *kind, const char *record, const char *other,
    const char *device, sqlite3_int64 seq, const char *site, const char *day,
    const char *form, const char *detail)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_cached(db, &st, "INSERT OR IGNORE INTO conflicts (kind, "
	    "record, other, device, seq, site, day, form, detail, rank) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")) != 0)
		return rc;
	/* Forks first, then clocks, then answers: the order they are
	 * listed in, by the index conflicts_rank. */
	sqlite3_bind_int(st, 10, strcmp(kind, "fork") == 0 ? 0 :
	    strcmp(kind, "clock-backwards") == 0 ? 1 : 2);
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, record);
	db_bind_text(st, 3, other != NULL ? other : "");
	db_bind_text(st, 4, device);
	if (seq > 0)
		sqlite3_bind_int64(st, 5, seq);
	else
		sqlite3_bind_null(st, 5);
	db_bind_text(st, 6, site);
	db_bind_text(st, 7, day);
	db_bind_text(st, 8, form);
	db_bind_text(st, 9, detail);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "conflicts");
	sqlite3_reset(st);
	return rc;
}

/* The questions of a contradiction as one text: "a,b". */
static char *
ov_join(const json_t *which)
{
	const json_t	*q;
	char		*out = xstrdup(""), *more;
	size_t		 i;

	json_array_foreach(which, i, q) {
		more = xasprintf("%s%s%s", out, i > 0 ? "," : "",
		    json_string_value(q));
		free(out);
		out = more;
	}
	return out;
}

/* The rule of the scan a store's conflicts.scanned names. */
#define OV_SCANNED	"2"

/* The conflicts the whole log holds, kept once (conflicts.scanned). */
static int
ov_backfill(sqlite3 *db)
{
	const json_t	*v, *recs;
	json_t		*list;
	char		*v_scanned = NULL, *q;
	size_t		 i;
	int		 rc;

	if ((rc = db_setting_get(db, "conflicts.scanned", &v_scanned)) != 0)
		return rc;
	/* "2": scanned since one inspector's records count too; a store
	 * scanned before ("1") is scanned again, once (what it noted
	 * stays). */
	rc = v_scanned != NULL && strcmp(v_scanned, OV_SCANNED) == 0;
	free(v_scanned);
	if (rc)
		return 0;
	if ((rc = db_begin(db)) != 0)
		return rc;
	if ((rc = ov_scan(db, &list)) != 0) {
		db_rollback(db);
		return rc;
	}
	json_array_foreach(list, i, v) {
		const char *kind = json_string_value(json_object_get(v, "kind"));

		recs = json_object_get(v, "records");
		if (strcmp(kind, "contradiction") == 0) {
			q = ov_join(json_object_get(v, "questions"));
			rc = ov_store(db, kind, json_string_value(
			    json_array_get(recs, 0)), json_string_value(
			    json_array_get(recs, 1)), NULL, 0,
			    json_string_value(json_object_get(v, "site")),
			    json_string_value(json_object_get(v, "date")),
			    json_string_value(json_object_get(v, "form")), q);
			free(q);
		} else
			rc = ov_store(db, kind, json_string_value(
			    json_object_get(v, "record")), json_string_value(
			    json_object_get(v, "other")),
			    json_string_value(json_object_get(v, "device")),
			    json_integer_value(json_object_get(v, "seq")),
			    json_string_value(json_object_get(v, "site")), NULL,
			    NULL, json_string_value(json_object_get(v,
			    strcmp(kind, "fork") == 0 ? "why" : "after")));
		if (rc != 0)
			break;
	}
	json_decref(list);
	if (rc == 0)
		rc = db_setting_set(db, "conflicts.scanned", OV_SCANNED);
	/* The scan saw every record: contradictions go on from the last. */
	if (rc == 0)
		rc = db_exec(db, "INSERT OR REPLACE INTO settings (key, value) "
		    "SELECT 'conflicts.rowid', coalesce(max(rowid), 0) FROM "
		    "records");
	if (rc == 0)
		return db_commit(db);
	db_rollback(db);
	return rc;
}

int
oversight_conflicts(sqlite3 *db, int limit, json_t **out, long long *total)
{
	sqlite3_stmt	*st;
	json_t		*list, *item, *qs;
	const char	*kind, *detail;
	char		*copy, *p, *save = NULL;
	int		 rc;

	*out = NULL;
	if ((rc = ov_backfill(db)) != 0 || (rc = ov_catch_up(db)) != 0)
		return rc;
	if (total != NULL) {
		if ((rc = db_prepare(db, &st, "SELECT count(*) FROM "
		    "conflicts")) != 0)
			return rc;
		*total = sqlite3_step(st) == SQLITE_ROW ?
		    sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
	}
	if ((rc = db_prepare(db, &st, "SELECT c.kind, c.record, c.other, "
	    "c.device, c.seq, c.site, c.day, c.form, c.detail, r.created FROM "
	    "conflicts c INDEXED BY conflicts_rank LEFT JOIN records r ON "
	    "r.id = c.record ORDER BY c.rank, c.id LIMIT ?1")) != 0)
		return rc;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
	list = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		kind = (const char *)sqlite3_column_text(st, 0);
		detail = (const char *)sqlite3_column_text(st, 8);
		if (strcmp(kind, "contradiction") == 0) {
			qs = json_array();
			copy = xstrdup(detail != NULL ? detail : "");
			for (p = strtok_r(copy, ",", &save); p != NULL;
			    p = strtok_r(NULL, ",", &save))
				json_array_append_new(qs, json_string(p));
			free(copy);
			item = json_pack("{s:s, s:o, s:o, s:o, s:[o, o], s:o}",
			    "kind", kind, "site", ov_text(st, 5), "date",
			    ov_text(st, 6), "form", ov_text(st, 7), "records",
			    ov_text(st, 1), ov_text(st, 2), "questions", qs);
		} else if (strcmp(kind, "fork") == 0)
			item = json_pack("{s:s, s:o, s:I, s:o, s:o, s:o}", "kind",
			    kind, "device", ov_text(st, 3), "seq",
			    (json_int_t)sqlite3_column_int64(st, 4), "record",
			    ov_text(st, 1), "why", ov_text(st, 8), "site",
			    ov_text(st, 5));
		else
			item = json_pack("{s:s, s:o, s:I, s:o, s:o, s:o}", "kind",
			    kind, "device", ov_text(st, 3), "seq",
			    (json_int_t)sqlite3_column_int64(st, 4), "record",
			    ov_text(st, 1), "created", ov_text(st, 9), "after",
			    ov_text(st, 8));
		json_array_append_new(list, item);
	}
	return ov_give(db, st, rc, list, out, "conflicts");
}

/* The record of device at seq that holds it (not a fork, not refused). */
static int
ov_at(sqlite3 *db, const char *device, sqlite3_int64 seq, char id[65],
    char created[32])
{
	sqlite3_stmt	*st;
	int		 rc;

	id[0] = created[0] = '\0';
	if ((rc = db_cached(db, &st, "SELECT id, created FROM records WHERE "
	    "device = ?1 AND seq = ?2 AND status NOT IN ('fork', "
	    "'bad-signature', 'id-mismatch') LIMIT 1")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	sqlite3_bind_int64(st, 2, seq);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(id, 65, "%s", sqlite3_column_text(st, 0));
		snprintf(created, 32, "%s", sqlite3_column_text(st, 1));
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_error(db, "records");
	sqlite3_reset(st);
	return rc;
}

/*
 * The inspections of the site, form and local day of r, among the site's
 * newest OV_SAME_DAY_MAX records of that day (so that storing a record
 * costs the same however busy the site was), whoever made them: one
 * inspector's records of a site that answer a question two ways on one
 * day contradict as much as two inspectors' do.  (Two records of two
 * things of one site, a record per boiler, differ in what names the
 * thing, boiler_no, which the conflict's questions show.)
 */
static int
ov_same_day(sqlite3 *db, const struct record *r, const char *day,
    sqlite3_int64 rowid)
{
	sqlite3_stmt	*st;
	json_t		*doc, *which;
	const char	*id, *follows = json_string_value(json_object_get(r->doc,
	    "follows"));
	char		*q;
	int		 rc;

	/* The newest OV_SAME_DAY_MAX of the site's records of that day,
	 * through records_site: a bounded look, however many there are. */
	if ((rc = db_cached(db, &st, "SELECT b.id, b.body FROM (SELECT id, "
	    "body, device, form, type, status FROM records INDEXED BY "
	    "records_site WHERE site = ?1 AND created >= strftime("
	    "'%Y-%m-%dT%H:%M:%SZ', ?2, 'utc') AND created < strftime("
	    "'%Y-%m-%dT%H:%M:%SZ', ?2, '+1 day', 'utc') AND rowid < ?5 "
	    "ORDER BY created DESC "
	    "LIMIT " OV_SAME_DAY_MAX ") b WHERE b.form = ?3 AND b.id <> ?4 AND "
	    "b.type = 'inspection' AND b.status IN "
	    "('verified', 'signed', 'unknown-key') AND coalesce(json_extract("
	    "b.body, '$.follows'), '') <> ?4")) != 0)
		return rc;
	db_bind_text(st, 1, r->site);
	db_bind_text(st, 2, day);
	db_bind_text(st, 3, r->form);
	db_bind_text(st, 4, r->id);
	sqlite3_bind_int64(st, 5, rowid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = (const char *)sqlite3_column_text(st, 0);
		if (follows != NULL && strcmp(follows, id) == 0)
			continue;
		doc = json_loadb(sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1), 0, NULL);
		if (ov_answers_differ(doc, r->doc, &which)) {
			q = ov_join(which);
			rc = ov_store(db, "contradiction", id, r->id, NULL, 0,
			    r->site, day, r->form, q);
			free(q);
		} else
			rc = 0;
		json_decref(which);
		json_decref(doc);
		if (rc != 0)
			break;
	}
	rc = rc == SQLITE_DONE ? 0 : rc == SQLITE_ROW ? 0 : rc < 0 ? rc :
	    db_error(db, "records");
	sqlite3_reset(st);
	return rc;
}

int
oversight_note(sqlite3 *db, const struct record *r, const char *status,
    const char *why)
{
	char		id[65], created[32];
	int		rc;

	if (strcmp(status, "bad-signature") == 0 ||
	    strcmp(status, "id-mismatch") == 0)
		return 0;
	if (strcmp(status, "fork") == 0)
		return ov_store(db, "fork", r->id, NULL, r->device, r->seq,
		    r->site, NULL, NULL, why);
	/* The clock along the chain: the record before, and the one after
	 * when it arrived first. */
	if ((rc = ov_at(db, r->device, r->seq - 1, id, created)) != 0)
		return rc;
	if (id[0] != '\0' && strcmp(r->created, created) < 0 &&
	    (rc = ov_store(db, "clock-backwards", r->id, id, r->device, r->seq,
	    r->site, NULL, NULL, created)) != 0)
		return rc;
	if ((rc = ov_at(db, r->device, r->seq + 1, id, created)) != 0)
		return rc;
	if (id[0] != '\0' && strcmp(created, r->created) < 0 &&
	    (rc = ov_store(db, "clock-backwards", id, r->id, r->device,
	    r->seq + 1, NULL, NULL, NULL, r->created)) != 0)
		return rc;
	/* Contradictions are looked for when conflicts are asked for
	 * (ov_catch_up()): storing a record stays cheap. */
	return 0;
}
