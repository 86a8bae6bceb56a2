#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "record.h"
#include "sig.h"
#include "util.h"

static const char *const record_types[] = {
	"inspection", "site", "amendment", NULL
};

static int
record_bad(const char *what)
{
	return error_set(LT_EINVAL, "record: %s", what);
}

/* The string member key of o, or NULL when absent or not a string. */
static const char *
record_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int
record_parse(struct record *out, const char *body, size_t len)
{
	const char	*type, *device, *created, *prev, *s;
	json_error_t	 jerr;
	json_t		*doc, *v, *insp;
	time_t		 t;
	int		 i;

	memset(out, 0, sizeof *out);
	if (len > RECORD_MAX)
		return error_set(LT_ETOOBIG, "record: larger than %d bytes",
		    RECORD_MAX);
	doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		return error_set(LT_EINVAL, "record: not JSON: %s (line %d)",
		    jerr.text, jerr.line);
	out->doc = doc;
	if (!json_is_object(doc))
		goto bad_object;
	if ((type = record_str(doc, "type")) == NULL)
		return record_clear(out), record_bad("no type");
	for (i = 0; record_types[i] != NULL; i++) {
		if (strcmp(type, record_types[i]) == 0)
			break;
	}
	if (record_types[i] == NULL)
		return record_clear(out), record_bad("unknown type");
	v = json_object_get(doc, "format");
	if (!json_is_integer(v) || json_integer_value(v) != RECORD_FORMAT)
		return record_clear(out), record_bad("unknown format");
	device = record_str(doc, "device");
	if (device == NULL || strlen(device) != KEY_ID_HEX - 1 ||
	    strspn(device, "0123456789ABCDEF") != KEY_ID_HEX - 1)
		return record_clear(out), record_bad("bad device key id");
	v = json_object_get(doc, "seq");
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return record_clear(out), record_bad("bad seq");
	out->seq = json_integer_value(v);
	v = json_object_get(doc, "prev");
	if (out->seq == 1 ? !json_is_null(v) :
	    ((prev = json_string_value(v)) == NULL || !util_is_hex(prev, 64)))
		return record_clear(out), record_bad("bad prev");
	created = record_str(doc, "created");
	if (created == NULL || strlen(created) >= sizeof out->created ||
	    util_parse_rfc3339(created, &t) != 0)
		return record_clear(out), record_bad("bad created time");
	insp = json_object_get(doc, "inspector");
	if (!json_is_object(insp) || record_str(insp, "name") == NULL ||
	    record_str(insp, "badge") == NULL)
		return record_clear(out), record_bad("no inspector");
	if (strcmp(type, "inspection") == 0) {
		v = json_object_get(doc, "form");
		if ((s = record_str(doc, "site")) == NULL || *s == '\0' ||
		    !json_is_object(v) || record_str(v, "id") == NULL ||
		    !json_is_integer(json_object_get(v, "version")) ||
		    !json_is_object(json_object_get(doc, "answers")))
			return record_clear(out), record_bad("inspection "
			    "without site, form or answers");
	}

	util_sha256_hex(out->id, body, len);
	memcpy(out->device, device, KEY_ID_HEX);
	if (out->seq > 1)
		memcpy(out->prev, record_str(doc, "prev"), 65);
	strcpy(out->created, created);
	out->type = xstrdup(type);
	if ((s = record_str(doc, "site")) != NULL)
		out->site = xstrdup(s);
	v = json_object_get(doc, "form");
	if (json_is_object(v) && (s = record_str(v, "id")) != NULL) {
		out->form = xstrdup(s);
		out->form_version = json_integer_value(json_object_get(v,
		    "version"));
	}
	out->body = xstrndup(body, len);
	out->len = len;
	return 0;

bad_object:
	record_clear(out);
	return record_bad("not a JSON object");
}

void
record_clear(struct record *r)
{
	free(r->type);
	free(r->site);
	free(r->form);
	free(r->body);
	free(r->sig);
	free(r->status);
	json_decref(r->doc);
	memset(r, 0, sizeof *r);
}

char *
record_trusted_comment(const struct record *r)
{
	return xasprintf("lantian %s id=%s device=%s seq=%" PRId64, r->type,
	    r->id, r->device, r->seq);
}

/* The device's chain head: seq 0 and no id when it has no records. */
static int
record_head(sqlite3 *db, const char *device, int64_t *seq, char prev[65],
    char created[32])
{
	sqlite3_stmt	*st;
	int		 rc;

	*seq = 0;
	prev[0] = created[0] = '\0';
	if ((rc = db_prepare(db, &st, "SELECT seq, id, created FROM chain "
	    "WHERE device = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		snprintf(prev, 65, "%s", sqlite3_column_text(st, 1));
		snprintf(created, 32, "%s", sqlite3_column_text(st, 2));
		rc = 0;
	} else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "chain");
	sqlite3_finalize(st);
	return rc;
}

int
record_create(sqlite3 *db, const struct key_secret *sk, const char *type,
    json_t *fields, struct record *out)
{
	struct key_public	 pub;
	char			 device[KEY_ID_HEX], prev[65], last[32];
	char			 created[32], *body = NULL, *trusted;
	const char		*key;
	json_t			*doc, *v;
	int64_t			 seq;
	int			 rc;

	memset(out, 0, sizeof *out);
	key_secret_public(sk, &pub);
	key_id_hex(device, pub.id);
	if ((rc = record_head(db, device, &seq, prev, last)) != 0)
		return rc;
	util_rfc3339(created, sizeof created, util_now());

	doc = json_object();
	json_object_set_new(doc, "type", json_string(type));
	json_object_set_new(doc, "format", json_integer(RECORD_FORMAT));
	json_object_set_new(doc, "device", json_string(device));
	json_object_set_new(doc, "seq", json_integer(seq + 1));
	json_object_set_new(doc, "prev", seq == 0 ? json_null() :
	    json_string(prev));
	json_object_set_new(doc, "created", json_string(created));
	json_object_foreach(fields, key, v)
		json_object_set(doc, key, v);
	body = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(doc);
	if (body == NULL)
		return error_set(LT_EINVAL, "record: cannot serialize");

	/* A record is a text file: it ends with a newline. */
	size_t len = strlen(body);
	body = xrealloc(body, len + 2);
	body[len++] = '\n';
	body[len] = '\0';
	if ((rc = record_parse(out, body, len)) != 0)
		goto cleanup;
	trusted = record_trusted_comment(out);
	out->sig = sig_sign(sk, out->body, out->len, trusted,
	    "signature from lantian secret key");
	free(trusted);
	rc = record_store(db, out, RECORD_SIGNED, NULL);
cleanup:
	free(body);
	if (rc != 0)
		record_clear(out);
	return rc;
}

/* Close the open findings of the followed record that no longer fire. */
static int
record_close_followed(sqlite3 *db, const struct record *r, const char *follows)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_prepare(db, &st, "UPDATE findings SET closed_by = ?1 "
	    "WHERE record = ?2 AND closed_by IS NULL "
	    "AND rule NOT IN (SELECT rule FROM findings WHERE record = ?1) "
	    "AND (SELECT site FROM records WHERE id = ?2) = ?3")) != 0)
		return rc;
	db_bind_text(st, 1, r->id);
	db_bind_text(st, 2, follows);
	db_bind_text(st, 3, r->site);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "findings");
	sqlite3_finalize(st);
	return rc;
}

static int
record_store_findings(sqlite3 *db, const struct record *r)
{
	sqlite3_stmt	*st;
	const char	*follows;
	json_t		*list, *f;
	size_t		 i;
	int		 rc;

	list = json_object_get(r->doc, "findings");
	if (!json_is_array(list) || json_array_size(list) == 0)
		goto follows;
	if ((rc = db_prepare(db, &st, "INSERT OR IGNORE INTO findings "
	    "(record, rule, task, severity, deadline) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)")) != 0)
		return rc;
	json_array_foreach(list, i, f) {
		if (record_str(f, "rule") == NULL ||
		    record_str(f, "severity") == NULL)
			continue;
		sqlite3_reset(st);
		db_bind_text(st, 1, r->id);
		db_bind_text(st, 2, record_str(f, "rule"));
		if (json_is_integer(json_object_get(f, "task")))
			sqlite3_bind_int64(st, 3, json_integer_value(
			    json_object_get(f, "task")));
		else
			sqlite3_bind_null(st, 3);
		db_bind_text(st, 4, record_str(f, "severity"));
		db_bind_text(st, 5, record_str(f, "deadline"));
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = db_error(db, "findings");
			sqlite3_finalize(st);
			return rc;
		}
	}
	sqlite3_finalize(st);
follows:
	if ((follows = record_str(r->doc, "follows")) != NULL)
		return record_close_followed(db, r, follows);
	return 0;
}

int
record_store(sqlite3 *db, const struct record *r, const char *status,
    const char *why)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_prepare(db, &st, "INSERT INTO records (id, device, seq, "
	    "prev, type, site, form, form_version, created, body, sig, status, "
	    "status_why) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	    "?12, ?13)")) != 0)
		return rc;
	db_bind_text(st, 1, r->id);
	db_bind_text(st, 2, r->device);
	sqlite3_bind_int64(st, 3, r->seq);
	db_bind_text(st, 4, r->seq > 1 ? r->prev : NULL);
	db_bind_text(st, 5, r->type);
	db_bind_text(st, 6, r->site);
	db_bind_text(st, 7, r->form);
	if (r->form != NULL)
		sqlite3_bind_int64(st, 8, r->form_version);
	db_bind_text(st, 9, r->created);
	sqlite3_bind_blob(st, 10, r->body, (int)r->len, SQLITE_STATIC);
	db_bind_text(st, 11, r->sig);
	db_bind_text(st, 12, status);
	db_bind_text(st, 13, why);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return error_set(LT_EEXISTS, "record %s: already stored", r->id);
	if (rc != SQLITE_DONE)
		return db_error(db, "records");

	if ((rc = record_store_findings(db, r)) != 0)
		return rc;

	if ((rc = db_prepare(db, &st, "INSERT INTO chain (device, seq, id, "
	    "created) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (device) DO UPDATE "
	    "SET seq = ?2, id = ?3, created = ?4 WHERE ?2 > chain.seq")) != 0)
		return rc;
	db_bind_text(st, 1, r->device);
	sqlite3_bind_int64(st, 2, r->seq);
	db_bind_text(st, 3, r->id);
	db_bind_text(st, 4, r->created);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "chain");
	sqlite3_finalize(st);
	return rc;
}

int
record_load(sqlite3 *db, const char *id, struct record *out)
{
	sqlite3_stmt	*st;
	char		*hi;
	size_t		 n = strlen(id);
	int		 rc;

	memset(out, 0, sizeof *out);
	if (n < 8 || n > 64 || !util_is_hex(id, n))
		return error_set(LT_EINVAL, "%s: not a record id (8 to 64 "
		    "lowercase hex digits)", id);
	/* A prefix range scan on the primary key: id >= p AND id < p"g". */
	hi = xasprintf("%sg", id);
	if ((rc = db_prepare(db, &st, "SELECT body, sig, status, id FROM records "
	    "WHERE id >= ?1 AND id < ?2 LIMIT 2")) != 0) {
		free(hi);
		return rc;
	}
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, hi);
	free(hi);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? error_set(LT_ENOTFOUND,
		    "record %s: not found", id) : db_error(db, "records");
		goto cleanup;
	}
	rc = record_parse(out, sqlite3_column_blob(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0));
	if (rc != 0)
		goto cleanup;
	/* The id the store knows it by; verify tells when the bytes differ. */
	snprintf(out->id, sizeof out->id, "%s", sqlite3_column_text(st, 3));
	if (sqlite3_column_text(st, 1) != NULL)
		out->sig = xstrdup((const char *)sqlite3_column_text(st, 1));
	out->status = xstrdup((const char *)sqlite3_column_text(st, 2));
	if (sqlite3_step(st) == SQLITE_ROW) {
		record_clear(out);
		rc = error_set(LT_EINVAL, "record %s: ambiguous prefix", id);
	}
cleanup:
	sqlite3_finalize(st);
	return rc;
}

const char *
record_text(const json_t *obj, const char *lang)
{
	const char	*s;

	if (json_is_string(obj))
		return json_string_value(obj);
	if ((s = record_str(obj, lang)) != NULL)
		return s;
	if ((s = record_str(obj, strcmp(lang, "zh") == 0 ? "en" : "zh")) != NULL)
		return s;
	return "";
}
