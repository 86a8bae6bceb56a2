#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "error.h"
#include "report.h"
#include "util.h"

/* How long after the month a measurement or a fire point of it may be
 * recorded: the records looked at for those are made in the month or in
 * the days after it (a dust-fall report comes the month after). */
#define REPORT_LATE_DAYS	"62"

/* The records a figure counts (see report.h). */
#define REPORT_OK	"r.status IN ('verified', 'signed')"

int
report_month_bounds(const char *month, char from[32], char to[32])
{
	struct tm	tm;
	time_t		t;
	int		y, m;
	char		end;

	if (month == NULL || strlen(month) != 7 ||
	    sscanf(month, "%4d-%2d%c", &y, &m, &end) != 2 || month[4] != '-' ||
	    y < 1970 || y > 9999 || m < 1 || m > 12)
		return error_set(LT_EINVAL, "%s: not a month (YYYY-MM)",
		    month != NULL ? month : "");
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = 1;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	util_rfc3339(from, 32, t);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900 + (m == 12);
	tm.tm_mon = m % 12;
	tm.tm_mday = 1;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	util_rfc3339(to, 32, t);
	return 0;
}

/* The bounds and the month, bound as ?1 from, ?2 to, ?3 month. */
struct report_q {
	sqlite3		*db;
	const char	*from, *to, *month;
};

static int
report_prepare(const struct report_q *q, sqlite3_stmt **st, const char *sql)
{
	const char	*v[3] = { q->from, q->to, q->month };
	int		 i, n, rc;

	if ((rc = db_prepare(q->db, st, sql)) != 0)
		return rc;
	n = sqlite3_bind_parameter_count(*st);
	for (i = 0; i < n && i < 3; i++)
		db_bind_text(*st, i + 1, v[i]);
	return 0;
}

/* The step's end: 0 after the last row, or the store's error. */
static int
report_done(const struct report_q *q, sqlite3_stmt *st, int rc,
    const char *what)
{
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(q->db, what);
}

static json_t *
report_text(sqlite3_stmt *st, int col)
{
	const char	*s = (const char *)sqlite3_column_text(st, col);

	return s != NULL ? json_string(s) : json_null();
}

static json_t *
report_number(sqlite3_stmt *st, int col)
{
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, col));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(st, col));
	default:
		return json_null();
	}
}

/* A single number a query gives (its first column of its first row). */
static int
report_scalar(const struct report_q *q, const char *sql, sqlite3_int64 *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	*out = 0;
	if ((rc = report_prepare(q, &st, sql)) != 0)
		return rc;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	return report_done(q, st, rc, "report");
}

/* Task 7: the restaurants spot-checked with the fume form. */
static int
report_restaurants(const struct report_q *q, json_t *doc)
{
	sqlite3_int64	registered, inspected;
	double		rate;
	int		rc;

	if ((rc = report_scalar(q, "SELECT count(*) FROM sites WHERE "
	    "kind = 'restaurant'", &registered)) != 0 ||
	    (rc = report_scalar(q, "SELECT count(DISTINCT r.site) FROM records "
	    "r INDEXED BY records_form JOIN sites s ON s.id = r.site WHERE "
	    "r.form = 'restaurant-fume' AND r.created >= ?1 AND "
	    "r.created < ?2 AND s.kind = 'restaurant' AND " REPORT_OK,
	    &inspected)) != 0)
		return rc;
	rate = registered > 0 ? (double)inspected / (double)registered : 0;
	json_object_set_new(doc, "restaurants", json_pack("{s:I, s:I, s:o, "
	    "s:f, s:b}", "registered", (json_int_t)registered, "inspected",
	    (json_int_t)inspected, "rate", registered > 0 ? json_real(rate) :
	    json_null(), "target", REPORT_RESTAURANT_TARGET, "met",
	    registered > 0 && rate >= REPORT_RESTAURANT_TARGET));
	return 0;
}

/* Task 6: the month's measurements, their average, the sites ranked. */
static int
report_dustfall(const struct report_q *q, json_t *doc)
{
	sqlite3_stmt	*st;
	json_t		*ranking = json_array();
	double		 sum = 0, v;
	sqlite3_int64	 n = 0;
	int		 rc;

	/* Each site's measurements of the month (the month measured, as
	 * the answers give it, else the month the record was made). */
	if ((rc = report_prepare(q, &st, "SELECT d.site, s.name, s.village, "
	    "avg(d.v), count(*), sum(d.v) FROM (SELECT r.site AS site, "
	    "json_extract(r.body, '$.answers.dustfall') AS v FROM records r "
	    "INDEXED BY records_form WHERE r.form = 'dustfall' AND " REPORT_OK
	    " AND r.created >= ?1 AND r.created < strftime("
	    "'%Y-%m-%dT%H:%M:%SZ', ?2, '+" REPORT_LATE_DAYS " days') "
	    "AND coalesce(json_extract(r.body, '$.answers.month'), "
	    "substr(r.created, 1, 7)) = ?3 AND typeof(json_extract(r.body, "
	    "'$.answers.dustfall')) IN ('integer', 'real')) d LEFT JOIN sites "
	    "s ON s.id = d.site GROUP BY d.site ORDER BY avg(d.v) DESC, "
	    "d.site")) != 0) {
		json_decref(ranking);
		return rc;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = sqlite3_column_double(st, 3);
		n += sqlite3_column_int64(st, 4);
		sum += sqlite3_column_double(st, 5);
		json_array_append_new(ranking, json_pack("{s:o, s:o, s:o, s:f, "
		    "s:I, s:b}", "site", report_text(st, 0), "name",
		    report_text(st, 1), "village", report_text(st, 2), "value",
		    v, "measurements", (json_int_t)sqlite3_column_int64(st, 4),
		    "above_limit", v > REPORT_DUSTFALL_LIMIT));
	}
	if ((rc = report_done(q, st, rc, "report")) != 0) {
		json_decref(ranking);
		return rc;
	}
	json_object_set_new(doc, "dustfall", json_pack("{s:I, s:o, s:f, s:o, "
	    "s:o}", "measurements", (json_int_t)n, "average", n > 0 ?
	    json_real(sum / (double)n) : json_null(), "limit",
	    REPORT_DUSTFALL_LIMIT, "met", n > 0 ? json_boolean(sum /
	    (double)n <= REPORT_DUSTFALL_LIMIT) : json_null(), "ranking",
	    ranking));
	return 0;
}

/* Task 9: new fire points (not re-checks) by the date found, per village. */
static int
report_fire_points(const struct report_q *q, json_t *doc)
{
	sqlite3_stmt	*st;
	json_t		*villages = json_array();
	sqlite3_int64	 total = 0, yuan = 0, undecided = 0;
	int		 rc;

	if ((rc = report_prepare(q, &st, "SELECT f.village, count(*), "
	    "sum(coalesce(f.yuan, 0)), sum(f.yuan IS NULL) FROM (SELECT "
	    "coalesce(json_extract(r.body, '$.answers.village'), s.village, "
	    "'?') AS village, json_extract(r.body, '$.answers.deduction_yuan') "
	    "AS yuan FROM records r INDEXED BY records_form LEFT JOIN sites s "
	    "ON s.id = r.site WHERE r.form = 'fire-point' AND " REPORT_OK
	    " AND r.created >= ?1 AND r.created < strftime("
	    "'%Y-%m-%dT%H:%M:%SZ', ?2, '+" REPORT_LATE_DAYS " days') "
	    "AND coalesce(json_extract(r.body, '$.answers.recheck'), 0) = 0 "
	    "AND substr(coalesce(json_extract(r.body, '$.answers.found_date'), "
	    "r.created), 1, 7) = ?3) f GROUP BY f.village ORDER BY count(*) "
	    "DESC, f.village")) != 0) {
		json_decref(villages);
		return rc;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		total += sqlite3_column_int64(st, 1);
		yuan += sqlite3_column_int64(st, 2);
		undecided += sqlite3_column_int64(st, 3);
		json_array_append_new(villages, json_pack("{s:o, s:I, s:I, s:I}",
		    "village", report_text(st, 0), "count",
		    (json_int_t)sqlite3_column_int64(st, 1), "deduction_yuan",
		    (json_int_t)sqlite3_column_int64(st, 2), "undecided",
		    (json_int_t)sqlite3_column_int64(st, 3)));
	}
	if ((rc = report_done(q, st, rc, "report")) != 0) {
		json_decref(villages);
		return rc;
	}
	json_object_set_new(doc, "fire_points", json_pack("{s:I, s:I, s:I, "
	    "s:o}", "count", (json_int_t)total, "deduction_yuan",
	    (json_int_t)yuan, "undecided", (json_int_t)undecided, "villages",
	    villages));
	return 0;
}

/* Task 11: the boiler form's rules that fired on the month's records. */
static int
report_boilers(const struct report_q *q, json_t *doc)
{
	sqlite3_stmt	*st;
	json_t		*coal = json_array(), *mon = json_array(), *item;
	int		 rc;

	if ((rc = report_prepare(q, &st, "SELECT f.rule, r.site, s.name, "
	    "s.village, r.id, r.created, json_extract(r.body, "
	    "'$.answers.fuel'), json_extract(r.body, '$.answers.capacity_tph'), "
	    "json_extract(r.body, '$.answers.boiler_no'), f.closed_by IS NOT "
	    "NULL FROM findings f INDEXED BY findings_rule JOIN records r ON "
	    "r.id = f.record LEFT JOIN sites s ON s.id = r.site WHERE "
	    "f.rule IN ('coal-le35', 'monitoring-not-networked') AND "
	    "f.created >= ?1 AND f.created < ?2 AND r.form = 'boiler' AND "
	    REPORT_OK " ORDER BY r.created, r.id")) != 0)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		item = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
		    "s:b}", "site", report_text(st, 1), "name",
		    report_text(st, 2), "village", report_text(st, 3), "record",
		    report_text(st, 4), "created", report_text(st, 5), "fuel",
		    report_text(st, 6), "capacity_tph", report_number(st, 7),
		    "boiler_no", report_text(st, 8), "closed",
		    sqlite3_column_int(st, 9));
		json_array_append_new(strcmp((const char *)
		    sqlite3_column_text(st, 0), "coal-le35") == 0 ? coal : mon,
		    item);
	}
	if ((rc = report_done(q, st, rc, "report")) != 0)
		goto fail;
	json_object_set_new(doc, "boilers", json_pack("{s:o, s:o}",
	    "coal_le35", coal, "monitoring_not_networked", mon));
	return 0;
fail:
	json_decref(coal);
	json_decref(mon);
	return rc;
}

/*
 * Does the month meet the staggered-production season, 15 November to
 * 15 March?  The season's bounds as "YYYY-MM-DD..YYYY-MM-DD" in season.
 */
static int
report_in_season(const char *month, char *season, size_t size)
{
	int	y = atoi(month), m = atoi(month + 5);

	if (m >= 11)
		snprintf(season, size, "%04d-11-15..%04d-03-15", y, y + 1);
	else
		snprintf(season, size, "%04d-11-15..%04d-03-15", y - 1, y);
	return m >= 11 || m <= 3;
}

/* Task 19: grade-D enterprises, and enterprises with a violation open at
 * the month's end. */
static int
report_production_control(const struct report_q *q, json_t *doc)
{
	sqlite3_stmt	*st;
	json_t		*list = json_array(), *item, *reasons;
	const char	*site;
	char		 season[32], *prev = NULL;
	int		 rc, in;

	in = report_in_season(q->month, season, sizeof season);
	if (!in)
		goto done;
	/* Grade D, and the violations open at the month's end: made before
	 * it, and open now or closed after it (the index findings_state
	 * holds them: severity, closed_at, site, created, task). */
	if ((rc = report_prepare(q, &st, "SELECT s.id, s.name, s.village, "
	    "s.grade, NULL, NULL FROM sites s INDEXED BY sites_kind WHERE "
	    "s.kind = 'enterprise' AND s.grade = 'D' UNION ALL SELECT s.id, "
	    "s.name, s.village, s.grade, v.rule, v.task FROM (SELECT f.site "
	    "AS site, f.rule AS rule, f.task AS task FROM findings f INDEXED "
	    "BY findings_state WHERE f.severity = 'violation' AND f.closed_at "
	    "IS NULL AND f.created < ?2 UNION SELECT f.site, f.rule, f.task "
	    "FROM findings f INDEXED BY findings_state WHERE f.severity = "
	    "'violation' AND f.closed_at >= ?2 AND f.created < ?2) v JOIN "
	    "sites s ON s.id = v.site WHERE s.kind = 'enterprise' "
	    "ORDER BY 1, 5")) != 0) {
		json_decref(list);
		return rc;
	}
	item = reasons = NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		site = (const char *)sqlite3_column_text(st, 0);
		if (prev == NULL || strcmp(prev, site) != 0) {
			reasons = json_array();
			item = json_pack("{s:s, s:o, s:o, s:o, s:o}", "site",
			    site, "name", report_text(st, 1), "village",
			    report_text(st, 2), "grade", report_text(st, 3),
			    "reasons", reasons);
			json_array_append_new(list, item);
			free(prev);
			prev = xstrdup(site);
		}
		if (sqlite3_column_type(st, 4) == SQLITE_NULL)
			json_array_append_new(reasons, json_string("grade D"));
		else
			json_array_append_new(reasons, json_pack("{s:o, s:o}",
			    "rule", report_text(st, 4), "task",
			    report_number(st, 5)));
	}
	free(prev);
	if ((rc = report_done(q, st, rc, "report")) != 0) {
		json_decref(list);
		return rc;
	}
done:
	json_object_set_new(doc, "production_control", json_pack("{s:b, s:s, "
	    "s:o}", "in_season", in, "season", season, "sites", list));
	return 0;
}

/* Findings opened and closed by the month's records, per task. */
static int
report_findings(const struct report_q *q, json_t *doc)
{
	sqlite3_stmt	*st;
	json_t		*list = json_array();
	int		 rc;

	/* The month's findings by their own times (migration 10: created,
	 * closed_at, each with an index), the record's status checked for
	 * those alone. */
	if ((rc = report_prepare(q, &st, "SELECT task, sum(opened), "
	    "sum(closed) FROM (SELECT f.task AS task, 1 AS opened, 0 AS closed "
	    "FROM findings f INDEXED BY findings_time JOIN records r ON "
	    "r.id = f.record WHERE f.created >= ?1 AND f.created < ?2 AND "
	    REPORT_OK " UNION ALL SELECT f.task, 0, 1 FROM findings f INDEXED "
	    "BY findings_closed JOIN records r ON r.id = f.closed_by WHERE "
	    "f.closed_at >= ?1 AND f.closed_at < ?2 AND " REPORT_OK ") "
	    "GROUP BY task ORDER BY task")) != 0) {
		json_decref(list);
		return rc;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(list, json_pack("{s:o, s:I, s:I}", "task",
		    report_number(st, 0), "opened",
		    (json_int_t)sqlite3_column_int64(st, 1), "closed",
		    (json_int_t)sqlite3_column_int64(st, 2)));
	if ((rc = report_done(q, st, rc, "report")) != 0) {
		json_decref(list);
		return rc;
	}
	json_object_set_new(doc, "findings", list);
	return 0;
}

/* Records per inspector: the device key and its roster entry. */
static int
report_inspectors(const struct report_q *q, json_t *doc)
{
	sqlite3_stmt	*st;
	json_t		*list = json_array();
	sqlite3_int64	 total = 0;
	int		 rc;

	if ((rc = report_prepare(q, &st, "SELECT r.device, o.name, o.badge, "
	    "count(*), count(DISTINCT r.site) FROM records r INDEXED BY "
	    "records_created LEFT JOIN roster o ON o.key_id = r.device WHERE "
	    "r.created >= ?1 AND r.created < ?2 AND " REPORT_OK " GROUP BY "
	    "r.device ORDER BY count(*) DESC, o.name, r.device")) != 0) {
		json_decref(list);
		return rc;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		total += sqlite3_column_int64(st, 3);
		json_array_append_new(list, json_pack("{s:o, s:o, s:o, s:I, "
		    "s:I}", "device", report_text(st, 0), "name",
		    report_text(st, 1), "badge", report_text(st, 2), "records",
		    (json_int_t)sqlite3_column_int64(st, 3), "sites",
		    (json_int_t)sqlite3_column_int64(st, 4)));
	}
	if ((rc = report_done(q, st, rc, "report")) != 0) {
		json_decref(list);
		return rc;
	}
	json_object_set_new(doc, "records", json_integer(total));
	json_object_set_new(doc, "inspectors", list);
	return 0;
}

/*
 * The month's records by the office's review (core/review.h): pending,
 * accepted, returned, rejected; amendments are not reviewed themselves.
 */
static int
report_reviews(const struct report_q *q, json_t *doc)
{
	sqlite3_stmt	*st;
	json_t		*o;
	int		 rc;

	o = json_pack("{s:i, s:i, s:i, s:i}", "pending", 0, "accepted", 0,
	    "returned", 0, "rejected", 0);
	if ((rc = report_prepare(q, &st, "SELECT s.state, count(*) FROM "
	    "review_state s INDEXED BY review_queue JOIN records r ON r.id = "
	    "s.record WHERE s.state IN ('pending', 'accepted', 'returned', "
	    "'rejected') AND s.created >= ?1 AND s.created < ?2 AND " REPORT_OK
	    " GROUP BY s.state")) != 0) {
		json_decref(o);
		return rc;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_object_set_new(o, (const char *)sqlite3_column_text(st, 0),
		    json_integer(sqlite3_column_int64(st, 1)));
	if ((rc = report_done(q, st, rc, "report")) != 0) {
		json_decref(o);
		return rc;
	}
	json_object_set_new(doc, "reviews", o);
	return 0;
}

int
report_monthly(sqlite3 *db, const char *month, json_t **out)
{
	struct report_q	 q;
	json_t		*doc;
	char		 from[32], to[32];
	int		 rc;

	*out = NULL;
	if ((rc = report_month_bounds(month, from, to)) != 0)
		return rc;
	q.db = db;
	q.from = from;
	q.to = to;
	q.month = month;
	doc = json_pack("{s:s, s:s, s:s, s:s}", "month", month, "from", from,
	    "to", to, "counted", "records verified (or signed: a lone "
	    "device's own)");
	/* One read transaction: every figure sees the same store. */
	if ((rc = db_exec(db, "BEGIN")) != 0) {
		json_decref(doc);
		return rc;
	}
	if ((rc = report_inspectors(&q, doc)) != 0 ||
	    (rc = report_reviews(&q, doc)) != 0 ||
	    (rc = report_restaurants(&q, doc)) != 0 ||
	    (rc = report_dustfall(&q, doc)) != 0 ||
	    (rc = report_fire_points(&q, doc)) != 0 ||
	    (rc = report_boilers(&q, doc)) != 0 ||
	    (rc = report_production_control(&q, doc)) != 0 ||
	    (rc = report_findings(&q, doc)) != 0) {
		db_exec(db, "ROLLBACK");
		json_decref(doc);
		return rc;
	}
	db_exec(db, "COMMIT");
	*out = doc;
	return 0;
}
