#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "assign.h"
#include "db.h"
#include "error.h"
#include "form.h"
#include "office.h"
#include "snapshot.h"
#include "review.h"
#include "roster.h"
#include "sig.h"
#include "site.h"
#include "util.h"

#define OFFICE_FORMAT	1

enum office_kind
office_doc_kind(const char *path, char id[OFFICE_ID_MAX])
{
	enum office_kind	 kind;
	size_t			 n;

	if (strcmp(path, OFFICE_SITES) == 0)
		return OFFICE_SITES_DOC;
	if (strncmp(path, "forms/", 6) == 0) {
		kind = OFFICE_FORM_DOC;
		path += 6;
	} else if (strncmp(path, "assignments/", 12) == 0) {
		kind = OFFICE_ASSIGN_DOC;
		path += 12;
	} else if (strncmp(path, "reviews/", 8) == 0) {
		/* A record's id: 64 lowercase hex digits. */
		path += 8;
		if (strlen(path) != 64 + 5 || strcmp(path + 64, ".json") != 0)
			return OFFICE_NONE;
		memcpy(id, path, 64);
		id[64] = '\0';
		return util_is_hex(id, 64) ? OFFICE_REVIEW_DOC : OFFICE_NONE;
	} else
		return OFFICE_NONE;
	n = strlen(path);
	/* An id a form file may have: lowercase letters, digits, - and _;
	 * an assignments file: YYYY-MM-<a kind of site>. */
	if (n <= 5 || n - 5 >= 64 || strcmp(path + n - 5, ".json") != 0 ||
	    strspn(path, "abcdefghijklmnopqrstuvwxyz0123456789-_") != n - 5)
		return OFFICE_NONE;
	if (kind == OFFICE_ASSIGN_DOC && (n - 5 < 9 ||
	    strspn(path, "0123456789") != 4 || path[4] != '-' ||
	    strspn(path + 5, "0123456789") != 2 || path[7] != '-'))
		return OFFICE_NONE;
	memcpy(id, path, n - 5);
	id[n - 5] = '\0';
	return kind;
}

size_t
office_doc_max(enum office_kind kind)
{
	return kind == OFFICE_SITES_DOC ? OFFICE_SITES_MAX : OFFICE_FORM_MAX;
}


static char *
office_trusted(const char *path, const char *sha, const char *issued)
{
	return xasprintf("lantian office path=%s sha256=%s issued=%s", path,
	    sha, issued);
}

/* The stored document's issued time and hash; *found 0 when none. */
static int
office_stored(sqlite3 *db, const char *path, int *found, char issued[32],
    char sha[65])
{
	sqlite3_stmt	*st;
	int		 rc;

	*found = 0;
	issued[0] = sha[0] = '\0';
	if ((rc = db_cached(db, &st, "SELECT issued, sha256 FROM office_docs "
	    "WHERE path = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, path);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*found = 1;
		snprintf(issued, 32, "%s", sqlite3_column_text(st, 0));
		snprintf(sha, 65, "%s", sqlite3_column_text(st, 1));
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    db_error(db, "office_docs");
	sqlite3_reset(st);
	return rc;
}

static int
office_store(sqlite3 *db, const char *path, const char *body, size_t len,
    const char *sig, const char *sha, const char *issued)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_cached(db, &st, "INSERT INTO office_docs (path, body, "
	    "sig, sha256, issued) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT "
	    "(path) DO UPDATE SET body = ?2, sig = ?3, sha256 = ?4, "
	    "issued = ?5")) != 0)
		return rc;
	db_bind_text(st, 1, path);
	sqlite3_bind_blob(st, 2, body, (int)len, SQLITE_STATIC);
	db_bind_text(st, 3, sig);
	db_bind_text(st, 4, sha);
	db_bind_text(st, 5, issued);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "office_docs");
	sqlite3_reset(st);
	return rc;
}

/*
 * Sign one document unless the stored one has the same bytes; issued is
 * now, or a second after the stored one so that the new one is newer.
 */
static int
office_sign_doc(sqlite3 *db, const struct key_secret *sk, const char *path,
    const char *body, size_t len, int *count)
{
	char	 issued[32], old[32], sha[65], oldsha[65], *trusted, *sig;
	time_t	 t;
	int	 rc, found;

	/* What devices would refuse is refused here, not published. */
	{
		char	id[OFFICE_ID_MAX];
		size_t	max = office_doc_max(office_doc_kind(path, id));

		if (len > max)
			return error_set(LT_ETOOBIG, "%s: %zu bytes, over the "
			    "%zu a device takes: devices would refuse it, so "
			    "it is not published (split the register, or "
			    "shorten its longest fields)", path, len, max);
	}
	util_sha256_hex(sha, body, len);
	if ((rc = office_stored(db, path, &found, old, oldsha)) != 0)
		return rc;
	if (found && strcmp(sha, oldsha) == 0)
		return 0;
	util_rfc3339(issued, sizeof issued, util_now());
	if (found && strcmp(old, issued) >= 0 &&
	    util_parse_rfc3339(old, &t) == 0)
		util_rfc3339(issued, sizeof issued, t + 1);
	trusted = office_trusted(path, sha, issued);
	sig = sig_sign(sk, body, len, trusted,
	    "signature from lantian office key");
	free(trusted);
	rc = office_store(db, path, body, len, sig, sha, issued);
	free(sig);
	/* The office's whole state, signed again with what changed it. */
	if (rc == 0 && snapshot_covers(path))
		rc = snapshot_sign(db, sk);
	if (rc == 0 && count != NULL)
		(*count)++;
	return rc;
}

static int
office_site_add(const struct site *s, void *arg)
{
	json_array_append_new(arg, site_to_json(s));
	return 0;
}

/* The register as sites.json: one line per site, ordered as listed. */
static char *
office_sites_body(sqlite3 *db, size_t *len)
{
	json_t	*doc, *list;
	char	*text;
	size_t	 n;

	list = json_array();
	if (site_each(db, NULL, NULL, office_site_add, list) != 0) {
		json_decref(list);
		return NULL;
	}
	doc = json_pack("{s:s, s:i, s:o}", "type", "sites", "format",
	    OFFICE_FORMAT, "sites", list);
	text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (text == NULL) {
		error_set(LT_EINVAL, "sites.json: cannot serialize");
		return NULL;
	}
	n = strlen(text);
	text = xrealloc(text, n + 2);
	text[n++] = '\n';
	text[n] = '\0';
	*len = n;
	return text;
}

int
office_publish(struct datadir *dd, const struct key_secret *sk, int *sites,
    int *forms)
{
	struct form	**list = NULL;
	const char	 *bytes;
	char		 *body, *path;
	size_t		  len, n = 0, i;
	int		  rc, nsites = 0, nforms = 0;

	if ((rc = db_begin(dd->db)) != 0)
		return rc;
	if ((body = office_sites_body(dd->db, &len)) == NULL)
		rc = error_code();
	else {
		rc = office_sign_doc(dd->db, sk, OFFICE_SITES, body, len,
		    &nsites);
		free(body);
	}
	if (rc == 0)
		rc = form_list(datadir_form_dirs(dd), &list, &n);
	for (i = 0; i < n && rc == 0; i++) {
		path = xasprintf("forms/%s.json", form_id(list[i]));
		bytes = form_bytes(list[i], &len);
		rc = office_sign_doc(dd->db, sk, path, bytes, len, &nforms);
		free(path);
	}
	form_list_free(list, n);
	/* A store of before snapshots gets its first one at a publish. */
	if (rc == 0)
		rc = snapshot_sign(dd->db, sk);
	if (rc == 0)
		rc = db_commit(dd->db);
	else
		db_rollback(dd->db);
	if (sites != NULL)
		*sites = rc == 0 ? nsites : 0;
	if (forms != NULL)
		*forms = rc == 0 ? nforms : 0;
	return rc;
}

/*
 * Check a document's signature and trusted comment; issued from it.  The
 * messages do not name the path: the caller says which file it was.
 */
int
office_doc_verify(const struct key_public *office, const char *path,
    const char *body, size_t len, const char *sig, char issued[32])
{
	struct sig	 s;
	const char	*t;
	char		 sha[65], *want;
	size_t		 n;
	int		 rc;

	if (sig == NULL || sig_parse(sig, strlen(sig), &s) != 0)
		return error_set(LT_ESIG, "not a signature file");
	if ((rc = sig_verify(&s, office, body, len)) != 0)
		goto cleanup;
	util_sha256_hex(sha, body, len);
	want = office_trusted(path, sha, "");
	n = strlen(want);
	t = s.trusted + (strncmp(s.trusted, want, n) == 0 ? n : 0);
	free(want);
	if (t == s.trusted || roster_parse_time(t, issued) != 0 ||
	    strcmp(t, issued) != 0)
		rc = error_set(LT_ESIG, "the trusted comment does not name "
		    "this file");
cleanup:
	sig_clear(&s);
	return rc;
}

/* Every site of sites.json into the register; any bad one refuses all. */
static int
office_apply_sites(sqlite3 *db, const char *body, size_t len)
{
	struct site	 s;
	json_error_t	 jerr;
	json_t		*doc, *list, *v;
	size_t		 i;
	int		 rc = 0;

	if ((doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL)
		return error_set(LT_EINVAL, "sites.json: not JSON: %s",
		    jerr.text);
	list = json_object_get(doc, "sites");
	if (!json_is_string(json_object_get(doc, "type")) ||
	    strcmp(json_string_value(json_object_get(doc, "type")),
	    "sites") != 0 || json_integer_value(json_object_get(doc,
	    "format")) != OFFICE_FORMAT || !json_is_array(list))
		rc = error_set(LT_EINVAL, "sites.json: not a site register "
		    "of format %d", OFFICE_FORMAT);
	json_array_foreach(list, i, v) {
		if (rc != 0)
			break;
		if ((rc = site_from_json(v, &s)) == 0) {
			rc = site_put(db, &s);
			site_clear(&s);
		}
		if (rc != 0)
			rc = error_set(rc, "sites.json: site %zu: %s", i + 1,
			    error_msg());
	}
	json_decref(doc);
	return rc;
}

/* A form into the data directory's forms/, where form lists find it. */
static int
office_apply_form(struct datadir *dd, const char *path, const char *id,
    const char *body, size_t len)
{
	struct form	*f;
	sqlite3_stmt	*st;
	char		*dir, *file;
	int		 rc;

	if ((rc = form_load_buf(&f, path, body, len)) != 0)
		return rc;
	if (strcmp(form_id(f), id) != 0) {
		rc = error_set(LT_EINVAL, "%s: the form's id is %s", path,
		    form_id(f));
		goto cleanup;
	}
	if ((rc = db_cached(dd->db, &st, "INSERT OR IGNORE INTO forms "
	    "(sha256, id, version, body) VALUES (?1, ?2, ?3, ?4)")) != 0)
		goto cleanup;
	db_bind_text(st, 1, form_sha256(f));
	db_bind_text(st, 2, id);
	sqlite3_bind_int(st, 3, form_version(f));
	sqlite3_bind_blob(st, 4, body, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(dd->db, "forms");
	sqlite3_reset(st);
	if (rc != 0)
		goto cleanup;
	dir = datadir_file(dd, "forms");
	file = xasprintf("%s/%s.json", dir, id);
	if ((rc = util_mkdir_p(dir, 0700)) == 0)
		rc = util_write_file(file, body, len, 0644);
	free(file);
	free(dir);
cleanup:
	form_free(f);
	return rc;
}

/* Apply a document here: the register, a form, a month's assignments. */
static int
office_apply(struct datadir *dd, enum office_kind kind, const char *path,
    const char *id, const char *body, size_t len)
{
	char	month[8];

	switch (kind) {
	case OFFICE_SITES_DOC:
		return office_apply_sites(dd->db, body, len);
	case OFFICE_FORM_DOC:
		return office_apply_form(dd, path, id, body, len);
	case OFFICE_ASSIGN_DOC:
		snprintf(month, sizeof month, "%.7s", id);
		return assign_store(dd->db, month, id + 8, body, len);
	case OFFICE_REVIEW_DOC:
		return review_apply(dd->db, id, body, len);
	default:
		return error_set(LT_EINVAL, "%s: not a file the office "
		    "publishes", path);
	}
}

int
office_accept(struct datadir *dd, const char *path, const char *body,
    size_t len, const char *sig, int *applied)
{
	struct key_public	 office;
	enum office_kind	 kind;
	char			 id[OFFICE_ID_MAX], issued[32], old[32], sha[65];
	char			*why;
	int			 rc, found;

	if (applied != NULL)
		*applied = 0;
	if ((kind = office_doc_kind(path, id)) == OFFICE_NONE)
		return error_set(LT_EINVAL, "%s: not a file the office "
		    "publishes", path);
	if (len > office_doc_max(kind))
		return error_set(LT_ETOOBIG, "%s: larger than %zu bytes", path,
		    office_doc_max(kind));
	if ((rc = roster_anchor(dd->db, &office)) != 0 ||
	    (rc = office_doc_verify(&office, path, body, len, sig,
	    issued)) != 0 ||
	    (rc = office_stored(dd->db, path, &found, old, sha)) != 0)
		return rc;
	if (found && strcmp(issued, old) <= 0)
		return 0;	/* this one again, or an older one */
	/* All of it or nothing: a savepoint inside the caller's transaction. */
	if ((rc = db_exec(dd->db, "SAVEPOINT office_doc")) != 0)
		return rc;
	rc = office_apply(dd, kind, path, id, body, len);
	if (rc == 0) {
		util_sha256_hex(sha, body, len);
		rc = office_store(dd->db, path, body, len, sig, sha, issued);
	}
	if (rc != 0) {
		/* Keep the reason: the rollback must not replace it. */
		why = xstrdup(error_msg());
		sqlite3_exec(dd->db, "ROLLBACK TO office_doc; "
		    "RELEASE office_doc", NULL, NULL, NULL);
		rc = error_set(rc, "%s", why);
		free(why);
		return rc;
	}
	if ((rc = db_exec(dd->db, "RELEASE office_doc")) == 0 &&
	    applied != NULL)
		*applied = 1;
	return rc;
}

int
office_each(sqlite3 *db, office_each_fn fn, void *arg)
{
	sqlite3_stmt	*st;
	int		 rc, stop = 0;

	if ((rc = db_prepare(db, &st, "SELECT path, body, sig FROM office_docs "
	    "ORDER BY path")) != 0)
		return rc;
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn((const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1),
		    (const char *)sqlite3_column_text(st, 2), arg);
	if (stop != 0)
		rc = stop;
	else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "office_docs");
	sqlite3_finalize(st);
	return rc;
}

int
office_issue(struct datadir *dd, const struct key_secret *sk,
    const char *path, const char *body, size_t len)
{
	enum office_kind	kind;
	char			id[OFFICE_ID_MAX];
	int			rc;

	if ((kind = office_doc_kind(path, id)) == OFFICE_NONE)
		return error_set(LT_EINVAL, "%s: not a file the office "
		    "publishes", path);
	if ((rc = db_begin(dd->db)) != 0)
		return rc;
	if ((rc = office_apply(dd, kind, path, id, body, len)) == 0)
		rc = office_sign_doc(dd->db, sk, path, body, len, NULL);
	if (rc == 0)
		return db_commit(dd->db);
	db_rollback(dd->db);
	return rc;
}

/* The stored document of path, with its signature and issued time. */
static int
office_get(sqlite3 *db, const char *path, char **body, size_t *len,
    char **sig, char issued[32])
{
	sqlite3_stmt	*st;
	int		 rc;

	*body = *sig = NULL;
	*len = 0;
	issued[0] = '\0';
	if ((rc = db_prepare(db, &st, "SELECT body, sig, issued FROM "
	    "office_docs WHERE path = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, path);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(st, 0);
		*body = xmalloc(*len + 1);
		if (*len > 0)
			memcpy(*body, sqlite3_column_blob(st, 0), *len);
		(*body)[*len] = '\0';
		*sig = xstrdup((const char *)sqlite3_column_text(st, 1));
		snprintf(issued, 32, "%s", sqlite3_column_text(st, 2));
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = LT_ENOTFOUND;
	else
		rc = db_error(db, "office_docs");
	sqlite3_finalize(st);
	return rc;
}

int
office_draw(struct datadir *dd, const struct key_secret *sk,
    const struct assign_req *r, const char *reason, char **body,
    size_t *len)
{
	enum office_kind	 kind;
	char			 id[OFFICE_ID_MAX], issued[32], when[64];
	char			*path, *draw = NULL, *prev = NULL, *prevsig = NULL;
	size_t			 drawlen, prevlen;
	int			 rc;

	*body = NULL;
	*len = 0;
	if ((rc = assign_draw(dd->db, r, &draw, &drawlen)) != 0)
		return rc;
	path = xasprintf("assignments/%s-%s.json", r->month, r->kind);
	if ((kind = office_doc_kind(path, id)) != OFFICE_ASSIGN_DOC) {
		rc = error_set(LT_EINVAL, "%s: not a file the office "
		    "publishes", path);
		goto cleanup;
	}
	/* The check and the signature in one transaction: two draws at
	 * once cannot both be first. */
	if ((rc = db_begin(dd->db)) != 0)
		goto cleanup;
	rc = office_get(dd->db, path, &prev, &prevlen, &prevsig, issued);
	if (rc == LT_ENOTFOUND) {
		if (reason != NULL)
			rc = error_set(LT_EINVAL, "draw: %s %s: not drawn yet: "
			    "nothing to draw again", r->month, r->kind);
		else {
			*body = draw;
			*len = drawlen;
			draw = NULL;
			rc = 0;
		}
	} else if (rc == 0 && reason == NULL) {
		util_local_rfc3339(when, sizeof when, issued);
		rc = error_set(LT_EEXISTS, "draw: %s %s: already drawn on %s: "
		    "give --redraw REASON to draw again", r->month, r->kind,
		    when);
	} else if (rc == 0) {
		rc = assign_redraw(draw, drawlen, reason, prev, prevlen,
		    prevsig, issued, body, len);
		draw = NULL;
	}
	if (rc == 0 && (rc = office_apply(dd, kind, path, id, *body,
	    *len)) == 0)
		rc = office_sign_doc(dd->db, sk, path, *body, *len, NULL);
	if (rc == 0)
		rc = db_commit(dd->db);
	else
		db_rollback(dd->db);
	if (rc != 0) {
		free(*body);
		*body = NULL;
		*len = 0;
	}
cleanup:
	free(draw);
	free(prev);
	free(prevsig);
	free(path);
	return rc;
}

int
office_draws(sqlite3 *db, const char *month,
    int (*fn)(const struct assign_drawn *, void *), void *arg)
{
	sqlite3_stmt	*st;
	char		*from, *to;
	int		 rc, stop = 0;

	/* The paths assignments/<month>-*.json: '-' + 1 is '.'. */
	from = xasprintf("assignments/%s-", month);
	to = xasprintf("assignments/%s.", month);
	if ((rc = db_prepare(db, &st, "SELECT body, issued FROM office_docs "
	    "WHERE path >= ?1 AND path < ?2 ORDER BY path")) != 0)
		goto cleanup;
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = assign_each_drawn(sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0),
		    (const char *)sqlite3_column_text(st, 1), fn, arg);
	if (stop != 0)
		rc = stop;
	else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "office_docs");
	sqlite3_finalize(st);
cleanup:
	free(from);
	free(to);
	return rc;
}
