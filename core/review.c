#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "db.h"
#include "error.h"
#include "office.h"
#include "review.h"
#include "util.h"

const char *const review_decisions[] = {
	REVIEW_ACCEPTED, REVIEW_RETURNED, REVIEW_REJECTED, NULL
};

const char *const review_states[] = {
	REVIEW_PENDING, REVIEW_ACCEPTED, REVIEW_RETURNED, REVIEW_REJECTED, NULL
};

static int
review_in(const char *s, const char *const *list)
{
	int	i;

	for (i = 0; s != NULL && list[i] != NULL; i++) {
		if (strcmp(s, list[i]) == 0)
			return 1;
	}
	return 0;
}

int
review_state_known(const char *s)
{
	return review_in(s, review_states);
}

char *
review_path(const char *record)
{
	return xasprintf("reviews/%s.json", record);
}

int
review_text_check(const char *text, const char *need, const char *what)
{
	const unsigned char	*p;

	if (text == NULL || text[strspn(text, " \t\n")] == '\0')
		return need == NULL ? 0 : error_set(LT_EINVAL, "%s: needs %s",
		    what, need);
	if (strlen(text) > REVIEW_TEXT_MAX)
		return error_set(LT_ETOOBIG, "%s: longer than %d bytes", what,
		    REVIEW_TEXT_MAX);
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			return error_set(LT_EINVAL, "%s: a control character",
			    what);
	}
	return util_text_check(what, text);
}

/* The text a decision needs: a return its question, a rejection its
 * reason. */
static int
review_check_text(const char *state, const char *text, const char *what)
{
	return review_text_check(text, strcmp(state, REVIEW_RETURNED) == 0 ?
	    "the question" : strcmp(state, REVIEW_REJECTED) == 0 ?
	    "the reason" : NULL, what);
}

/* One decision of a document: state, text, reviewed. */
static int
review_check_step(const json_t *o, const char *what)
{
	const char	*state, *at;
	json_t		*text;
	time_t		 t;

	state = json_string_value(json_object_get(o, "state"));
	at = json_string_value(json_object_get(o, "reviewed"));
	text = json_object_get(o, "text");
	if (!review_in(state, review_decisions))
		return error_set(LT_EINVAL, "%s: no decision (accepted, "
		    "returned or rejected)", what);
	if (at == NULL || strlen(at) >= 32 || util_parse_rfc3339(at, &t) != 0)
		return error_set(LT_EINVAL, "%s: bad reviewed time", what);
	if (text != NULL && !json_is_null(text) && !json_is_string(text))
		return error_set(LT_EINVAL, "%s: text is not a string", what);
	return review_check_text(state, json_string_value(text), what);
}

static int
review_add_step(sqlite3 *db, const char *record, const json_t *o)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_cached(db, &st, "INSERT OR IGNORE INTO reviews (record, "
	    "at, state, text) VALUES (?1, ?2, ?3, ?4)")) != 0)
		return rc;
	db_bind_text(st, 1, record);
	db_bind_text(st, 2, json_string_value(json_object_get(o, "reviewed")));
	db_bind_text(st, 3, json_string_value(json_object_get(o, "state")));
	db_bind_text(st, 4, json_string_value(json_object_get(o, "text")));
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "reviews");
	sqlite3_reset(st);
	return rc;
}

int
review_apply(sqlite3 *db, const char *record, const char *body, size_t len)
{
	sqlite3_stmt	*st;
	json_error_t	 jerr;
	json_t		*doc, *hist, *step;
	const char	*type, *id, *state;
	size_t		 i;
	int		 rc;

	if ((doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL)
		return error_set(LT_EINVAL, "review: not JSON: %s", jerr.text);
	type = json_string_value(json_object_get(doc, "type"));
	id = json_string_value(json_object_get(doc, "record"));
	hist = json_object_get(doc, "history");
	if (type == NULL || strcmp(type, "review") != 0 ||
	    json_integer_value(json_object_get(doc, "format")) !=
	    REVIEW_FORMAT) {
		rc = error_set(LT_EINVAL, "review: not a review of format %d",
		    REVIEW_FORMAT);
		goto done;
	}
	if (id == NULL || strcmp(id, record) != 0) {
		rc = error_set(LT_EINVAL, "review: of another record than its "
		    "file names");
		goto done;
	}
	if ((rc = review_check_step(doc, "review")) != 0)
		goto done;
	if (hist != NULL && (!json_is_array(hist) ||
	    json_array_size(hist) > REVIEW_HISTORY_MAX)) {
		rc = error_set(LT_EINVAL, "review: history is not a list of at "
		    "most %d decisions", REVIEW_HISTORY_MAX);
		goto done;
	}
	json_array_foreach(hist, i, step) {
		if ((rc = review_check_step(step, "review history")) != 0)
			goto done;
	}
	json_array_foreach(hist, i, step) {
		if ((rc = review_add_step(db, record, step)) != 0)
			goto done;
	}
	if ((rc = review_add_step(db, record, doc)) != 0)
		goto done;

	/* The record's state: this decision, unless it is a return the
	 * inspector has answered already (the amendment came first). */
	state = json_string_value(json_object_get(doc, "state"));
	if ((rc = db_cached(db, &st, "INSERT INTO review_state (record, state, "
	    "reviewed, text, amendment) VALUES (?1, ?2, ?3, ?4, NULL) "
	    "ON CONFLICT (record) DO UPDATE SET state = ?2, reviewed = ?3, "
	    "text = ?4, amendment = NULL")) != 0)
		goto done;
	db_bind_text(st, 1, record);
	db_bind_text(st, 2, state);
	db_bind_text(st, 3, json_string_value(json_object_get(doc,
	    "reviewed")));
	db_bind_text(st, 4, json_string_value(json_object_get(doc, "text")));
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db,
	    "review_state");
	sqlite3_reset(st);
	if (rc != 0 || strcmp(state, REVIEW_RETURNED) != 0)
		goto done;
	if ((rc = db_cached(db, &st, "UPDATE review_state SET state = "
	    "'pending', amendment = (SELECT a.amendment FROM reviews a "
	    "WHERE a.record = ?1 AND a.state = 'amended' AND a.cites = ?2 "
	    "ORDER BY a.at LIMIT 1) WHERE record = ?1 AND EXISTS (SELECT 1 "
	    "FROM reviews a WHERE a.record = ?1 AND a.state = 'amended' AND "
	    "a.cites = ?2)")) != 0)
		goto done;
	db_bind_text(st, 1, record);
	db_bind_text(st, 2, json_string_value(json_object_get(doc,
	    "reviewed")));
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db,
	    "review_state");
	sqlite3_reset(st);
done:
	json_decref(doc);
	return rc;
}

int
review_note(sqlite3 *db, const struct record *r)
{
	sqlite3_stmt	*st;
	const char	*amends, *cites;
	int		 rc;

	if (strcmp(r->type, "amendment") != 0) {
		if ((rc = db_cached(db, &st, "INSERT INTO review_state "
		    "(record, device, created) VALUES (?1, ?2, ?3) "
		    "ON CONFLICT (record) DO UPDATE SET device = ?2, "
		    "created = ?3")) != 0)
			return rc;
		db_bind_text(st, 1, r->id);
		db_bind_text(st, 2, r->device);
		db_bind_text(st, 3, r->created);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db,
		    "review_state");
		sqlite3_reset(st);
		return rc;
	}
	amends = json_string_value(json_object_get(r->doc, "amends"));
	cites = json_string_value(json_object_get(r->doc, "review"));
	if ((rc = db_cached(db, &st, "INSERT OR IGNORE INTO reviews (record, "
	    "at, state, text, amendment, cites) VALUES (?1, ?2, 'amended', "
	    "?3, ?4, ?5)")) != 0)
		return rc;
	db_bind_text(st, 1, amends);
	db_bind_text(st, 2, r->created);
	db_bind_text(st, 3, json_string_value(json_object_get(r->doc,
	    "reply")));
	db_bind_text(st, 4, r->id);
	db_bind_text(st, 5, cites);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "reviews");
	sqlite3_reset(st);
	if (rc != 0 || cites == NULL)
		return rc;
	/* Back in the queue: an answer to the latest return, by the device
	 * that made the record. */
	if ((rc = db_cached(db, &st, "UPDATE review_state SET state = "
	    "'pending', amendment = ?2 WHERE record = ?1 AND state = "
	    "'returned' AND reviewed = ?3 AND device = ?4")) != 0)
		return rc;
	db_bind_text(st, 1, amends);
	db_bind_text(st, 2, r->id);
	db_bind_text(st, 3, cites);
	db_bind_text(st, 4, r->device);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db,
	    "review_state");
	sqlite3_reset(st);
	return rc;
}

/* The stored document of a record's review, parsed; NULL when none. */
static json_t *
review_stored_doc(sqlite3 *db, const char *path)
{
	sqlite3_stmt	*st;
	json_t		*doc = NULL;

	if (db_cached(db, &st, "SELECT body FROM office_docs WHERE path = ?1")
	    != 0)
		return NULL;
	db_bind_text(st, 1, path);
	if (sqlite3_step(st) == SQLITE_ROW)
		doc = json_loadb(sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), 0, NULL);
	sqlite3_reset(st);
	return doc;
}

int
review_issue(struct datadir *dd, const struct key_secret *office,
    const char *record, const char *state, const char *text)
{
	sqlite3_stmt		*st;
	json_t			*old, *hist, *doc, *v;
	const char		*last;
	char			*path, *body, now[32], kid[KEY_ID_HEX];
	time_t			 t, lt;
	size_t			 len;
	int			 rc;

	if (!review_in(state, review_decisions))
		return error_set(LT_EINVAL, "%s: not a decision (accepted, "
		    "returned or rejected)", state);
	if (strcmp(state, REVIEW_ACCEPTED) == 0 && text != NULL &&
	    *text == '\0')
		text = NULL;
	if ((rc = review_check_text(state, text, "review")) != 0)
		return rc;
	if ((rc = db_prepare(dd->db, &st, "SELECT type FROM records WHERE "
	    "id = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, record);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st,
	    0), "amendment") == 0)
		rc = error_set(LT_EINVAL, "record %.16s is an amendment: the "
		    "record it amends is the one reviewed", record);
	else if (rc == SQLITE_ROW)
		rc = 0;
	else if (rc == SQLITE_DONE)
		rc = error_set(LT_ENOTFOUND, "record %.16s: not in the store",
		    record);
	else
		rc = db_error(dd->db, "records");
	sqlite3_finalize(st);
	if (rc != 0)
		return rc;

	path = review_path(record);
	hist = json_array();
	t = util_now();
	if ((old = review_stored_doc(dd->db, path)) != NULL) {
		json_array_extend(hist, json_object_get(old, "history"));
		json_array_append_new(hist, json_pack("{s:O, s:O, s:O}",
		    "state", json_object_get(old, "state"), "text",
		    json_object_get(old, "text"), "reviewed",
		    json_object_get(old, "reviewed")));
		/* A decision is newer than the one before, whatever the
		 * clock says. */
		last = json_string_value(json_object_get(old, "reviewed"));
		if (last != NULL && util_parse_rfc3339(last, &lt) == 0 &&
		    lt >= t)
			t = lt + 1;
		json_decref(old);
	}
	while (json_array_size(hist) > REVIEW_HISTORY_MAX - 1)
		json_array_remove(hist, 0);
	util_rfc3339(now, sizeof now, t);
	key_id_hex(kid, office->id);
	v = text != NULL ? json_string(text) : json_null();
	doc = json_pack("{s:s, s:i, s:s, s:s, s:o, s:s, s:s, s:o}", "type",
	    "review", "format", REVIEW_FORMAT, "record", record, "state",
	    state, "text", v, "reviewed", now, "office", kid, "history", hist);
	body = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (body == NULL) {
		free(path);
		return error_set(LT_EINVAL, "review: cannot serialize");
	}
	len = strlen(body);
	body = xrealloc(body, len + 2);
	body[len++] = '\n';
	body[len] = '\0';
	rc = office_issue(dd, office, path, body, len);
	free(body);
	free(path);
	return rc;
}

void
review_clear(struct review *rv)
{
	free(rv->text);
	free(rv->site);
	free(rv->form);
	free(rv->inspector);
	memset(rv, 0, sizeof *rv);
}

#define REVIEW_COLUMNS \
	"s.record, s.device, s.created, s.state, s.reviewed, s.text, " \
	"s.amendment, r.site, r.form, " \
	"json_extract(CAST(r.body AS TEXT), '$.inspector.name')"

static void
review_col(char *buf, size_t size, sqlite3_stmt *st, int i)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	snprintf(buf, size, "%s", s != NULL ? (const char *)s : "");
}

static char *
review_col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

static void
review_row(sqlite3_stmt *st, struct review *rv)
{
	memset(rv, 0, sizeof *rv);
	review_col(rv->record, sizeof rv->record, st, 0);
	review_col(rv->device, sizeof rv->device, st, 1);
	review_col(rv->created, sizeof rv->created, st, 2);
	review_col(rv->state, sizeof rv->state, st, 3);
	review_col(rv->reviewed, sizeof rv->reviewed, st, 4);
	rv->text = review_col_dup(st, 5);
	review_col(rv->amendment, sizeof rv->amendment, st, 6);
	rv->site = review_col_dup(st, 7);
	rv->form = review_col_dup(st, 8);
	rv->inspector = review_col_dup(st, 9);
}

int
review_get(sqlite3 *db, const char *record, struct review *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(out, 0, sizeof *out);
	if ((rc = db_cached(db, &st, "SELECT " REVIEW_COLUMNS " FROM "
	    "review_state s LEFT JOIN records r ON r.id = s.record "
	    "WHERE s.record = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, record);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		review_row(st, out);
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = error_set(LT_ENOTFOUND, "record %.16s: no review state",
		    record);
	else
		rc = db_error(db, "review_state");
	sqlite3_reset(st);
	return rc;
}

int
review_history(sqlite3 *db, const char *record, review_step_fn fn, void *arg)
{
	struct review_step	 s;
	sqlite3_stmt		*st;
	int			 rc, stop = 0;

	/* An answer comes after the return it answers, whatever the two
	 * clocks said. */
	if ((rc = db_prepare(db, &st, "SELECT at, state, text, amendment "
	    "FROM reviews WHERE record = ?1 ORDER BY coalesce(cites, at), "
	    "state = 'amended', at")) != 0)
		return rc;
	db_bind_text(st, 1, record);
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		s.at = (const char *)sqlite3_column_text(st, 0);
		s.state = (const char *)sqlite3_column_text(st, 1);
		s.text = (const char *)sqlite3_column_text(st, 2);
		s.amendment = (const char *)sqlite3_column_text(st, 3);
		stop = fn(&s, arg);
	}
	if (stop != 0)
		rc = stop;
	else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "reviews");
	sqlite3_finalize(st);
	return rc;
}

int
review_each(sqlite3 *db, const struct review_filter *f, review_fn fn,
    void *arg)
{
	struct review	 rv;
	sqlite3_stmt	*st;
	char		*sql;
	int		 rc, stop = 0, pending;

	pending = strcmp(f->state, REVIEW_PENDING) == 0;
	sql = xasprintf("SELECT " REVIEW_COLUMNS " FROM review_state s "
	    "JOIN records r ON r.id = s.record WHERE s.state = ?1%s%s "
	    "ORDER BY %s LIMIT ?4", f->device != NULL ? " AND s.device = ?2" :
	    "", f->since != NULL ? " AND s.reviewed >= ?3" : "", pending ?
	    "s.created, s.record" : "s.reviewed DESC, s.record");
	rc = db_prepare(db, &st, sql);
	free(sql);
	if (rc != 0)
		return rc;
	db_bind_text(st, 1, f->state);
	db_bind_text(st, 2, f->device);
	db_bind_text(st, 3, f->since);
	sqlite3_bind_int(st, 4, f->limit > 0 ? f->limit : -1);
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		review_row(st, &rv);
		stop = fn(&rv, arg);
		review_clear(&rv);
	}
	if (stop != 0)
		rc = stop > 0 ? 0 : stop;
	else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "review_state");
	sqlite3_finalize(st);
	return rc;
}

int
review_count(sqlite3 *db, const char *state, long long *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	*n = 0;
	if ((rc = db_prepare(db, &st, "SELECT count(*) FROM review_state s "
	    "INDEXED BY review_queue JOIN records r ON r.id = s.record WHERE "
	    "s.state = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, state);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		rc = 0;
	} else
		rc = db_error(db, "review_state");
	sqlite3_finalize(st);
	return rc;
}
