#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "draft.h"
#include "error.h"
#include "util.h"

#define DRAFT_COLUMNS \
	"id, site, form, started, updated, position, notes, follows, " \
	"answers, attachments, acknowledged"

int
draft_create(sqlite3 *db, const char *site, const char *form,
    const char *follows, int64_t *id)
{
	sqlite3_stmt	*st;
	char		 now[32];
	int		 rc;

	util_rfc3339(now, sizeof now, util_now());
	if ((rc = db_cached(db, &st, "INSERT INTO drafts (site, form, "
	    "started, updated, follows) VALUES (?1, ?2, ?3, ?3, ?4)")) != 0)
		return rc;
	db_bind_text(st, 1, site);
	db_bind_text(st, 2, form);
	db_bind_text(st, 3, now);
	db_bind_text(st, 4, follows);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "drafts");
	sqlite3_reset(st);
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(db);
	return rc;
}

static char *
draft_col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

/* A JSON column, or def when it is NULL or not what it should be. */
static json_t *
draft_json(sqlite3_stmt *st, int i, int (*is)(const json_t *), json_t *def)
{
	const char	*s = (const char *)sqlite3_column_text(st, i);
	json_t		*v;

	if (s == NULL || (v = json_loads(s, 0, NULL)) == NULL)
		return def;
	if (!is(v)) {
		json_decref(v);
		return def;
	}
	json_decref(def);
	return v;
}

static int
draft_is_object(const json_t *v)
{
	return json_is_object(v);
}

static int
draft_is_array(const json_t *v)
{
	return json_is_array(v);
}

static void
draft_fill(sqlite3_stmt *st, struct draft *d)
{
	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(st, 0);
	d->site = draft_col(st, 1);
	d->form = draft_col(st, 2);
	d->started = draft_col(st, 3);
	d->updated = draft_col(st, 4);
	d->position = draft_col(st, 5);
	d->notes = draft_col(st, 6);
	d->follows = draft_col(st, 7);
	d->answers = draft_json(st, 8, draft_is_object, json_object());
	d->attachments = draft_json(st, 9, draft_is_array, json_array());
	d->acknowledged = draft_json(st, 10, draft_is_object, NULL);
}

int
draft_load(sqlite3 *db, int64_t id, struct draft *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_cached(db, &st, "SELECT " DRAFT_COLUMNS " FROM drafts "
	    "WHERE id = ?1")) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		draft_fill(st, out);
		rc = 0;
		break;
	case SQLITE_DONE:
		rc = error_set(LT_ENOTFOUND, "draft %lld: no such draft",
		    (long long)id);
		break;
	default:
		rc = db_error(db, "drafts");
	}
	sqlite3_reset(st);
	return rc;
}

/* Bind a json value as its compact text, or NULL. */
static void
draft_bind_json(sqlite3_stmt *st, int i, const json_t *v)
{
	char	*s;

	if (v == NULL || json_is_null(v)) {
		sqlite3_bind_null(st, i);
		return;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	sqlite3_bind_text(st, i, s, -1, free);
}

int
draft_save(sqlite3 *db, struct draft *d)
{
	sqlite3_stmt	*st;
	char		 now[32];
	int		 rc;

	util_rfc3339(now, sizeof now, util_now());
	if ((rc = db_cached(db, &st, "UPDATE drafts SET updated = ?2, "
	    "position = ?3, notes = ?4, follows = ?5, answers = ?6, "
	    "attachments = ?7, acknowledged = ?8 WHERE id = ?1")) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, d->id);
	db_bind_text(st, 2, now);
	db_bind_text(st, 3, d->position);
	db_bind_text(st, 4, d->notes);
	db_bind_text(st, 5, d->follows);
	draft_bind_json(st, 6, d->answers);
	draft_bind_json(st, 7, d->attachments);
	draft_bind_json(st, 8, d->acknowledged);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "drafts");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == 0 && sqlite3_changes(db) == 0)
		rc = error_set(LT_ENOTFOUND, "draft %lld: no such draft "
		    "(finished or abandoned elsewhere)", (long long)d->id);
	if (rc == 0) {
		free(d->updated);
		d->updated = xstrdup(now);
	}
	return rc;
}

int
draft_delete(sqlite3 *db, int64_t id)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_cached(db, &st, "DELETE FROM drafts WHERE id = ?1")) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "drafts");
	sqlite3_reset(st);
	return rc;
}

void
draft_clear(struct draft *d)
{
	free(d->site);
	free(d->form);
	free(d->started);
	free(d->updated);
	free(d->position);
	free(d->notes);
	free(d->follows);
	json_decref(d->answers);
	json_decref(d->attachments);
	json_decref(d->acknowledged);
	memset(d, 0, sizeof *d);
}

void
draft_attach(struct draft *d, const char *sha256, const char *name,
    int64_t bytes, const char *mime, int listed)
{
	json_t	*a;
	size_t	 i;

	json_array_foreach(d->attachments, i, a) {
		if (json_is_string(json_object_get(a, "sha256")) &&
		    strcmp(json_string_value(json_object_get(a, "sha256")),
		    sha256) == 0) {
			if (listed)
				json_object_set_new(a, "listed", json_true());
			return;
		}
	}
	a = json_pack("{s:s, s:s, s:I, s:s, s:n}", "sha256", sha256, "name",
	    name, "bytes", (json_int_t)bytes, "mime", mime, "caption");
	if (listed)
		json_object_set_new(a, "listed", json_true());
	json_array_append_new(d->attachments, a);
}

/* Does an answer other than qid's cite sha256? */
static int
draft_cited(const struct draft *d, const char *qid, const char *sha256)
{
	const char	*k;
	json_t		*v;

	json_object_foreach(d->answers, k, v) {
		if (strcmp(k, qid) != 0 && json_is_string(v) &&
		    strcmp(json_string_value(v), sha256) == 0)
			return 1;
	}
	return 0;
}

void
draft_set_photo(struct draft *d, const char *qid, const char *sha256)
{
	const char	*old;
	char		*was = NULL;
	json_t		*a;
	size_t		 i;

	old = json_string_value(json_object_get(d->answers, qid));
	if (old != NULL)
		was = xstrdup(old);
	if (sha256 != NULL)
		json_object_set_new(d->answers, qid, json_string(sha256));
	else
		json_object_del(d->answers, qid);
	if (was == NULL || (sha256 != NULL && strcmp(was, sha256) == 0) ||
	    draft_cited(d, qid, was))
		goto done;
	json_array_foreach(d->attachments, i, a) {
		if (json_is_string(json_object_get(a, "sha256")) &&
		    strcmp(json_string_value(json_object_get(a, "sha256")),
		    was) == 0) {
			if (!json_is_true(json_object_get(a, "listed")))
				json_array_remove(d->attachments, i);
			break;
		}
	}
done:
	free(was);
}

int
draft_count(sqlite3 *db, int64_t *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_cached(db, &st, "SELECT count(*) FROM drafts")) != 0)
		return rc;
	rc = sqlite3_step(st) == SQLITE_ROW ? 0 : db_error(db, "drafts");
	*n = rc == 0 ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc;
}

int
draft_each(sqlite3 *db, int (*fn)(const struct draft *, void *), void *arg)
{
	struct draft	 d;
	sqlite3_stmt	*st;
	int		 rc, step;

	/* Not cached: the callback may save or load drafts meanwhile. */
	if ((rc = db_prepare(db, &st, "SELECT " DRAFT_COLUMNS " FROM drafts "
	    "ORDER BY updated DESC, id DESC")) != 0)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		draft_fill(st, &d);
		rc = fn(&d, arg);
		draft_clear(&d);
		if (rc != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_error(db, "drafts");
	sqlite3_finalize(st);
	return rc < 0 ? rc : 0;
}
