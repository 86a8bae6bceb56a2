#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "oversight.h"
#include "report.h"
#include "util.h"

/* Every status, so that the index records_status(status, device,
 * created) serves a device's records of a time range. */
#define OVERSIGHT_ALL	"('verified', 'signed', 'unknown-key', 'revoked', " \
	"'bad-signature', 'id-mismatch', 'chain-gap', 'fork')"
#define OVERSIGHT_BAD	"('unknown-key', 'revoked', 'bad-signature', " \
	"'id-mismatch', 'chain-gap', 'fork')"

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
	rc = rc == SQLITE_DONE ? 0 : rc < 0 ? rc : db_error(db, "records");
	sqlite3_finalize(st);
	if (rc != 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

/* Do two answer objects contradict: one question, two answers? */
static int
ov_contradict(const char *a, size_t alen, const char *b, size_t blen,
    json_t **which)
{
	json_t		*x, *y, *ax, *bx, *va;
	const char	*key;
	int		 n = 0;

	*which = json_array();
	x = json_loadb(a, alen, 0, NULL);
	y = json_loadb(b, blen, 0, NULL);
	ax = json_object_get(x, "answers");
	bx = json_object_get(y, "answers");
	json_object_foreach(ax, key, va) {
		if (json_object_get(bx, key) != NULL && !json_is_null(va) &&
		    !json_equal(va, json_object_get(bx, key))) {
			json_array_append_new(*which, json_string(key));
			n++;
		}
	}
	json_decref(x);
	json_decref(y);
	return n > 0;
}

int
oversight_conflicts(sqlite3 *db, json_t **out)
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
	    "r.created, p.created FROM records r JOIN records p INDEXED BY "
	    "records_device_seq ON p.device = r.device AND p.seq = r.seq - 1 "
	    "WHERE r.created < p.created AND r.status <> 'fork' AND "
	    "p.status <> 'fork' ORDER BY r.device, r.seq")) != 0)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(list, json_pack("{s:s, s:o, s:I, s:o, "
		    "s:o, s:o}", "kind", "clock-backwards", "device",
		    ov_text(st, 0), "seq", (json_int_t)sqlite3_column_int64(st,
		    1), "record", ov_text(st, 2), "created", ov_text(st, 3),
		    "after", ov_text(st, 4)));
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
