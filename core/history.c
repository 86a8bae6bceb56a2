#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "error.h"
#include "history.h"
#include "util.h"
#include "verify.h"

/*
 * The page queries, one per filter, way and start, so that each is a plain
 * range over an index in the order it keeps (a "?1 IS NULL OR" would make
 * SQLite scan).  The row value (created, rowid) is compared whole: SQLite
 * seeks to it in records_created or records_site.  ?1 ?2 the position,
 * ?3 the limit, ?4 the site.
 *
 * The findings are counted on their primary key (record, rule), which is
 * in the order of the record ids, that is in no order at all: each count
 * reads a page of its own, from the disk when the store is cold.  A
 * record's findings are stored from its "findings" array and from nowhere
 * else (record_store), so a record whose array is empty (most of them)
 * is not looked up: its bytes are on the page the row is read from.
 */
#define HISTORY_NONE "json_valid(CAST(r.body AS TEXT)) AND " \
	"json_array_length(CAST(r.body AS TEXT), '$.findings') = 0"
#define HISTORY_SELECT "SELECT r.rowid, r.id, r.created, r.site, s.name, " \
	"r.form, r.type, r.status, " \
	"CASE WHEN " HISTORY_NONE " THEN 0 ELSE " \
	"(SELECT count(*) FROM findings f WHERE f.record = r.id) END, " \
	"CASE WHEN " HISTORY_NONE " THEN 0 ELSE " \
	"(SELECT count(*) FROM findings f WHERE f.record = r.id " \
	"AND f.closed_by IS NULL) END " \
	"FROM records r LEFT JOIN sites s ON s.id = r.site "
#define HISTORY_DESC " ORDER BY r.created DESC, r.rowid DESC LIMIT ?3"
#define HISTORY_ASC " ORDER BY r.created ASC, r.rowid ASC LIMIT ?3"

static const char *const history_sql[2][2][2] = {
	/* [site][dir][after] */
	{
		{
			HISTORY_SELECT HISTORY_DESC,
			HISTORY_SELECT "WHERE (r.created, r.rowid) < (?1, ?2)"
			    HISTORY_DESC,
		}, {
			HISTORY_SELECT HISTORY_ASC,
			HISTORY_SELECT "WHERE (r.created, r.rowid) > (?1, ?2)"
			    HISTORY_ASC,
		}
	}, {
		{
			HISTORY_SELECT "WHERE r.site = ?4" HISTORY_DESC,
			HISTORY_SELECT "WHERE r.site = ?4 AND "
			    "(r.created, r.rowid) < (?1, ?2)" HISTORY_DESC,
		}, {
			HISTORY_SELECT "WHERE r.site = ?4" HISTORY_ASC,
			HISTORY_SELECT "WHERE r.site = ?4 AND "
			    "(r.created, r.rowid) > (?1, ?2)" HISTORY_ASC,
		}
	}
};

int
history_narrow(const struct history_filter *f)
{
	return f != NULL && (f->form != NULL || f->status != NULL ||
	    f->village != NULL || f->inspector != NULL || f->task != 0 ||
	    f->severity != NULL || f->from != NULL || f->to != NULL);
}

char *
history_where(const struct history_filter *f)
{
	int	findings = f->task != 0 || f->severity != NULL;

	return xasprintf("%s%s%s%s%s%s%s%s%s%s%s",
	    f->site != NULL ? " AND r.site = ?4" : "",
	    f->form != NULL ? " AND r.form = ?5" : "",
	    f->status != NULL ? " AND r.status = ?6" : "",
	    /* A village by what its name starts with: people type
	     * prefixes (东坡 for 东坡村). */
	    f->village != NULL ? " AND +r.site IN (SELECT id FROM sites WHERE "
	    "substr(village, 1, length(?7)) = ?7)" : "",
	    f->inspector != NULL ? " AND (+r.device = ?8 OR +r.device IN "
	    "(SELECT key_id FROM roster WHERE name = ?8 OR badge = ?8))" : "",
	    /* A record's findings by the record (its primary key), not by
	     * the severity index: + on the column. */
	    findings ? " AND EXISTS (SELECT 1 FROM findings f WHERE "
	    "f.record = r.id" : "",
	    f->task != 0 ? " AND +f.task = ?9" : "",
	    f->severity != NULL ? " AND +f.severity = ?10" : "",
	    findings ? ")" : "",
	    f->from != NULL ? " AND r.created >= ?11" : "",
	    f->to != NULL ? " AND r.created < strftime('%Y-%m-%d', ?12, "
	    "'+1 day')" : "");
}

void
history_bind(sqlite3_stmt *st, const struct history_filter *f)
{
	db_bind_text(st, 4, f->site);
	db_bind_text(st, 5, f->form);
	db_bind_text(st, 6, f->status);
	db_bind_text(st, 7, f->village);
	db_bind_text(st, 8, f->inspector);
	if (f->task != 0)
		sqlite3_bind_int(st, 9, f->task);
	db_bind_text(st, 10, f->severity);
	db_bind_text(st, 11, f->from);
	db_bind_text(st, 12, f->to);
}

/* A page of a narrowed filter: its own statement (not cached). */
static int
history_prepare(sqlite3 *db, const struct history_filter *f,
    enum history_dir dir, int after, sqlite3_stmt **st)
{
	char	*where, *sql;
	int	 rc;

	where = history_where(f);
	sql = xasprintf(HISTORY_SELECT "WHERE 1%s%s%s", where, !after ? "" :
	    dir == HISTORY_NEWER ? " AND (r.created, r.rowid) > (?1, ?2)" :
	    " AND (r.created, r.rowid) < (?1, ?2)", dir == HISTORY_NEWER ?
	    HISTORY_ASC : HISTORY_DESC);
	rc = db_prepare(db, st, sql);
	free(sql);
	free(where);
	if (rc == 0)
		history_bind(*st, f);
	return rc;
}

int
history_page(sqlite3 *db, const struct history_filter *filter,
    const struct history_pos *after, int limit, enum history_dir dir,
    int (*fn)(const struct history_row *, void *), void *arg, int *count)
{
	sqlite3_stmt		*st;
	struct history_row	 row;
	const char		*site = filter != NULL ? filter->site : NULL;
	int			 rc, n = 0, stop = 0;
	int			 own = history_narrow(filter);

	if (count != NULL)
		*count = 0;
	if (limit <= 0)
		return 0;
	if (own)
		rc = history_prepare(db, filter, dir, after != NULL, &st);
	else
		rc = db_cached(db, &st, history_sql[site != NULL]
		    [dir == HISTORY_NEWER][after != NULL]);
	if (rc != 0)
		return rc;
	if (after != NULL) {
		db_bind_text(st, 1, after->created);
		sqlite3_bind_int64(st, 2, after->rowid);
	}
	sqlite3_bind_int(st, 3, limit);
	if (site != NULL && !own)
		db_bind_text(st, 4, site);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		row.rowid = sqlite3_column_int64(st, 0);
		row.id = (const char *)sqlite3_column_text(st, 1);
		row.created = (const char *)sqlite3_column_text(st, 2);
		row.site = (const char *)sqlite3_column_text(st, 3);
		row.site_name = (const char *)sqlite3_column_text(st, 4);
		row.form = (const char *)sqlite3_column_text(st, 5);
		row.type = (const char *)sqlite3_column_text(st, 6);
		row.status = (const char *)sqlite3_column_text(st, 7);
		row.findings = sqlite3_column_int(st, 8);
		row.open = sqlite3_column_int(st, 9);
		n++;
		stop = fn(&row, arg);
	}
	rc = (stop || rc == SQLITE_DONE) ? 0 : db_error(db, "records");
	if (own)
		sqlite3_finalize(st);
	else
		sqlite3_reset(st);
	if (count != NULL)
		*count = n;
	return rc;
}

void
history_pos_of(const struct history_row *row, struct history_pos *out)
{
	snprintf(out->created, sizeof out->created, "%s",
	    row->created != NULL ? row->created : "");
	out->rowid = row->rowid;
}

void
history_time(char *buf, size_t size, const char *utc)
{
	struct tm	tm;
	time_t		t;

	if (utc == NULL || util_parse_rfc3339(utc, &t) != 0 ||
	    localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, size, "%s", utc != NULL ? utc : "-");
}

/* The text and action of rule in a record's findings array. */
static void
history_texts(const json_t *doc, const char *rule, const json_t **text,
    const json_t **action)
{
	const json_t	*f;
	const char	*s;
	size_t		 i;

	*text = *action = NULL;
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		s = json_string_value(json_object_get(f, "rule"));
		if (s != NULL && strcmp(s, rule) == 0) {
			*text = json_object_get(f, "text");
			*action = json_object_get(f, "action");
			return;
		}
	}
}

int
history_findings(sqlite3 *db, const char *record,
    int (*fn)(const struct finding *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct finding	 f;
	json_t		*doc = NULL;
	char		 today[16];
	int		 rc, stop = 0, parsed = 0;

	util_date_after(today, sizeof today, util_now(), 0);
	if ((rc = db_prepare(db, &st, "SELECT f.record, f.rule, f.task, "
	    "f.severity, f.deadline, f.closed_by, r.site, r.form, r.created, "
	    "r.body FROM findings f JOIN records r ON r.id = f.record "
	    "WHERE f.record = ?1 ORDER BY f.deadline, f.rule")) != 0)
		return rc;
	db_bind_text(st, 1, record);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
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
		if (f.closed_by != NULL)
			f.state = "closed";
		else if (f.deadline != NULL && strcmp(f.deadline, today) < 0)
			f.state = "overdue";
		else
			f.state = "open";
		/* Every row is of the one record: its bytes parse once. */
		if (!parsed) {
			doc = json_loadb(sqlite3_column_blob(st, 9),
			    (size_t)sqlite3_column_bytes(st, 9), 0, NULL);
			parsed = 1;
		}
		history_texts(doc, f.rule, &f.text, &f.action);
		stop = fn(&f, arg);
	}
	rc = (stop || rc == SQLITE_DONE) ? 0 : db_error(db, "findings");
	sqlite3_finalize(st);
	json_decref(doc);
	return rc;
}

struct history_check {
	pthread_mutex_t	 lock;
	int		 refs;		/* the caller's and the thread's */
	int		 done;
	int		 rc;
	char		*path;		/* the store's file */
	char		 id[65];
	char		 err[256];
	json_t		*problems;	/* the thread's until done */
};

/* Drop one reference; the last one frees the check. */
static void
history_check_unref(struct history_check *c)
{
	int	last;

	pthread_mutex_lock(&c->lock);
	last = --c->refs == 0;
	pthread_mutex_unlock(&c->lock);
	if (!last)
		return;
	pthread_mutex_destroy(&c->lock);
	json_decref(c->problems);
	free(c->path);
	free(c);
}

/* A problem, kept whatever its bytes (the screen sanitizes them). */
static void
history_check_report(const struct verify_problem *p, void *arg)
{
	struct history_check	*c = arg;
	json_t			*o = json_object();

	json_object_set_new(o, "kind", json_string_nocheck(p->kind));
	json_object_set_new(o, "why", json_string_nocheck(p->why));
	json_array_append_new(c->problems, o);
}

static void *
history_check_run(void *arg)
{
	struct history_check	*c = arg;
	struct verify_stats	 stats;
	const char		*ids[1] = { c->id };
	sqlite3			*db = NULL;
	int			 rc;

	if (sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		rc = error_set(LT_EDB, "%s: %s", c->path, db != NULL ?
		    sqlite3_errmsg(db) : "cannot open");
	else {
		sqlite3_busy_timeout(db, DB_BUSY_MS);
		rc = verify_store(db, ids, 1, 1, history_check_report, c,
		    &stats);
	}
	if (db != NULL)
		db_close(db);
	pthread_mutex_lock(&c->lock);
	c->rc = rc;
	if (rc != 0)
		snprintf(c->err, sizeof c->err, "%s", error_msg());
	c->done = 1;
	pthread_mutex_unlock(&c->lock);
	history_check_unref(c);
	return NULL;
}

int
history_check_start(sqlite3 *db, const char *id, struct history_check **out)
{
	struct history_check	*c;
	pthread_attr_t		 attr;
	pthread_t		 thread;
	const char		*path = sqlite3_db_filename(db, "main");

	*out = NULL;
	if (path == NULL || *path == '\0')
		return error_set(LT_EDB, "the store has no file to check");
	c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	c->refs = 2;
	c->path = xstrdup(path);
	snprintf(c->id, sizeof c->id, "%s", id);
	c->problems = json_array();
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&thread, &attr, history_check_run, c) != 0) {
		pthread_attr_destroy(&attr);
		c->refs = 1;
		history_check_unref(c);
		return error_set(LT_EIO, "cannot start a thread to verify");
	}
	pthread_attr_destroy(&attr);
	*out = c;
	return 0;
}

int
history_check_done(struct history_check *c, int *rc, const char **err,
    const json_t **problems)
{
	int	done;

	pthread_mutex_lock(&c->lock);
	done = c->done;
	pthread_mutex_unlock(&c->lock);
	if (!done)
		return 0;
	*rc = c->rc;
	*err = c->err;
	*problems = c->problems;
	return 1;
}

void
history_check_free(struct history_check *c)
{
	if (c != NULL)
		history_check_unref(c);
}

int
history_form(sqlite3 *db, const struct record *r, struct form **out)
{
	sqlite3_stmt	*st;
	const char	*sha;
	int		 rc;

	*out = NULL;
	sha = json_string_value(json_object_get(json_object_get(r->doc,
	    "form"), "sha256"));
	if (r->form == NULL || sha == NULL)
		return error_set(LT_ENOTFOUND, "record %.16s: no form cited",
		    r->id);
	if ((rc = db_prepare(db, &st, "SELECT body FROM forms "
	    "WHERE sha256 = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, sha);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = form_load_buf(out, r->form, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
	else if (rc == SQLITE_DONE)
		rc = error_set(LT_ENOTFOUND, "form %s v%lld: not in the store",
		    r->form, (long long)r->form_version);
	else
		rc = db_error(db, "forms");
	sqlite3_finalize(st);
	return rc;
}
