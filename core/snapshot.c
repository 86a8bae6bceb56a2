#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "sig.h"
#include "snapshot.h"
#include "util.h"

int
snapshot_covers(const char *path)
{
	return strcmp(path, SNAPSHOT_PATH) != 0 &&
	    strncmp(path, "reviews/", 8) != 0;
}

/* The listing of the store's office state: path -> sha256. */
static int
snapshot_listing(sqlite3 *db, json_t **out)
{
	sqlite3_stmt	*st = NULL;
	json_t		*files = json_object();
	char		 sha[65], *path;
	int		 rc;

	*out = NULL;
	if ((rc = db_prepare(db, &st, "SELECT key_id, body FROM roster")) != 0)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		util_sha256_hex(sha, sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1));
		path = xasprintf("roster/%s.json", sqlite3_column_text(st, 0));
		json_object_set_new(files, path, json_string(sha));
		free(path);
	}
	if (rc != SQLITE_DONE) {
		rc = db_error(db, "roster");
		goto fail;
	}
	sqlite3_finalize(st);
	if ((rc = db_prepare(db, &st, "SELECT path, sha256 FROM office_docs "
	    "WHERE path <> ?1 AND path NOT LIKE 'reviews/%'")) != 0)
		goto fail;
	db_bind_text(st, 1, SNAPSHOT_PATH);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_object_set_new(files, (const char *)sqlite3_column_text(st,
		    0), json_string((const char *)sqlite3_column_text(st, 1)));
	if (rc != SQLITE_DONE) {
		rc = db_error(db, "office_docs");
		goto fail;
	}
	sqlite3_finalize(st);
	*out = files;
	return 0;
fail:
	sqlite3_finalize(st);
	json_decref(files);
	return rc;
}

/* The stored snapshot, parsed; found 0 when there is none. */
static int
snapshot_stored(sqlite3 *db, struct snapshot *s, int *found)
{
	sqlite3_stmt	*st;
	int		 rc;

	*found = 0;
	memset(s, 0, sizeof *s);
	if ((rc = db_cached(db, &st, "SELECT body FROM office_docs WHERE "
	    "path = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, SNAPSHOT_PATH);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = snapshot_parse(sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), s);
		*found = rc == 0;
	} else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "office_docs");
	sqlite3_reset(st);
	return rc;
}

int
snapshot_parse(const char *body, size_t len, struct snapshot *out)
{
	json_t		*doc, *v, *files;
	json_error_t	 jerr;
	const char	*key, *t;
	int		 rc = 0;

	memset(out, 0, sizeof *out);
	if (len > SNAPSHOT_MAX)
		return error_set(LT_ETOOBIG, "snapshot: larger than %d bytes",
		    SNAPSHOT_MAX);
	if ((doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL)
		return error_set(LT_EINVAL, "snapshot: not JSON: %s",
		    jerr.text);
	v = json_object_get(doc, "version");
	files = json_object_get(doc, "files");
	t = json_string_value(json_object_get(doc, "issued"));
	if (!json_is_string(json_object_get(doc, "type")) ||
	    strcmp(json_string_value(json_object_get(doc, "type")),
	    "snapshot") != 0 ||
	    json_integer_value(json_object_get(doc, "format")) !=
	    SNAPSHOT_FORMAT)
		rc = error_set(LT_EINVAL, "snapshot: not a snapshot of format "
		    "%d", SNAPSHOT_FORMAT);
	else if (!json_is_integer(v) || json_integer_value(v) < 1)
		rc = error_set(LT_EINVAL, "snapshot: no version");
	else if (t == NULL || strlen(t) >= sizeof out->issued)
		rc = error_set(LT_EINVAL, "snapshot: no issued time");
	else if (!json_is_object(files))
		rc = error_set(LT_EINVAL, "snapshot: no files");
	else {
		json_object_foreach(files, key, v) {
			if (!json_is_string(v) ||
			    !util_is_hex(json_string_value(v), 64) ||
			    strlen(json_string_value(v)) != 64 ||
			    !snapshot_covers(key)) {
				rc = error_set(LT_EINVAL, "snapshot: a file "
				    "listed without its SHA-256");
				break;
			}
		}
	}
	if (rc == 0) {
		out->version = json_integer_value(json_object_get(doc,
		    "version"));
		snprintf(out->issued, sizeof out->issued, "%s", t);
		out->files = json_incref(files);
	}
	json_decref(doc);
	return rc;
}

void
snapshot_clear(struct snapshot *s)
{
	json_decref(s->files);
	memset(s, 0, sizeof *s);
}

int
snapshot_held(sqlite3 *db, int64_t *version)
{
	struct snapshot	s;
	int		rc, found;

	*version = 0;
	if ((rc = snapshot_stored(db, &s, &found)) != 0)
		return rc;
	if (found)
		*version = s.version;
	snapshot_clear(&s);
	return 0;
}

int
snapshot_head(sqlite3 *db, int64_t *version, char sha[65])
{
	sqlite3_stmt	*st;
	struct snapshot	 s;
	int		 rc;

	*version = 0;
	sha[0] = '\0';
	if ((rc = db_cached(db, &st, "SELECT body, sha256 FROM office_docs "
	    "WHERE path = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, SNAPSHOT_PATH);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (snapshot_parse(sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), &s) == 0) {
			*version = s.version;
			snprintf(sha, 65, "%s", sqlite3_column_text(st, 1));
			snapshot_clear(&s);
		}
		error_clear();
		rc = 0;
	} else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "office_docs");
	sqlite3_reset(st);
	return rc;
}

int
snapshot_lists(const struct snapshot *s, const char *path, const char *sha)
{
	const char	*want = json_string_value(json_object_get(s->files,
			    path));

	if (want == NULL)
		return -1;
	return strcmp(want, sha) == 0;
}

int
snapshot_complete(sqlite3 *db, const struct snapshot *s, char **missing)
{
	json_t		*held;
	const char	*path;
	json_t		*v;
	const char	*have;
	int		 rc;

	*missing = NULL;
	if ((rc = snapshot_listing(db, &held)) != 0)
		return rc;
	json_object_foreach(s->files, path, v) {
		have = json_string_value(json_object_get(held, path));
		if (have == NULL || strcmp(have, json_string_value(v)) != 0) {
			*missing = xstrdup(path);
			break;
		}
	}
	json_decref(held);
	return *missing == NULL;
}

int
snapshot_store(sqlite3 *db, const char *body, size_t len, const char *sig,
    const char *issued)
{
	sqlite3_stmt	*st;
	char		 sha[65];
	int		 rc;

	util_sha256_hex(sha, body, len);
	if ((rc = db_cached(db, &st, "INSERT INTO office_docs (path, body, "
	    "sig, sha256, issued) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT "
	    "(path) DO UPDATE SET body = ?2, sig = ?3, sha256 = ?4, "
	    "issued = ?5")) != 0)
		return rc;
	db_bind_text(st, 1, SNAPSHOT_PATH);
	sqlite3_bind_blob(st, 2, body, (int)len, SQLITE_STATIC);
	db_bind_text(st, 3, sig);
	db_bind_text(st, 4, sha);
	db_bind_text(st, 5, issued);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "office_docs");
	sqlite3_reset(st);
	return rc;
}

int
snapshot_sign(sqlite3 *db, const struct key_secret *sk)
{
	struct snapshot	 old;
	json_t		*files = NULL, *doc;
	char		 issued[32], sha[65], *body = NULL, *trusted, *sig;
	time_t		 t;
	size_t		 len;
	int		 rc, found;

	if ((rc = snapshot_stored(db, &old, &found)) != 0 ||
	    (rc = snapshot_listing(db, &files)) != 0)
		goto cleanup;
	if (found && json_equal(files, old.files))
		goto cleanup;		/* nothing changed */
	util_rfc3339(issued, sizeof issued, util_now());
	if (found && strcmp(old.issued, issued) >= 0 &&
	    util_parse_rfc3339(old.issued, &t) == 0)
		util_rfc3339(issued, sizeof issued, t + 1);
	doc = json_pack("{s:s, s:i, s:I, s:s, s:O}", "type", "snapshot",
	    "format", SNAPSHOT_FORMAT, "version", (json_int_t)(found ?
	    old.version + 1 : 1), "issued", issued, "files", files);
	body = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(doc);
	if (body == NULL) {
		rc = error_set(LT_EINVAL, "snapshot: cannot serialize");
		goto cleanup;
	}
	len = strlen(body);
	body = xrealloc(body, len + 2);
	body[len++] = '\n';
	body[len] = '\0';
	if (len > SNAPSHOT_MAX) {
		rc = error_set(LT_ETOOBIG, "snapshot: %zu bytes, over the %d a "
		    "device takes", len, SNAPSHOT_MAX);
		goto cleanup;
	}
	util_sha256_hex(sha, body, len);
	trusted = xasprintf("lantian office path=%s sha256=%s issued=%s",
	    SNAPSHOT_PATH, sha, issued);
	sig = sig_sign(sk, body, len, trusted,
	    "signature from lantian office key");
	free(trusted);
	rc = snapshot_store(db, body, len, sig, issued);
	free(sig);
cleanup:
	free(body);
	json_decref(files);
	if (found)
		snapshot_clear(&old);
	return rc;
}
