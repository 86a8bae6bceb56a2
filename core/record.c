#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "oversight.h"
#include "record.h"
#include "review.h"
#include "sig.h"
#include "snapshot.h"
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

/* Fill out from a checked doc and its bytes; out takes the doc. */
static void
record_fill(struct record *out, json_t *doc, const char *body, size_t len)
{
	const char	*s;
	json_t		*v;

	out->doc = doc;
	util_sha256_hex(out->id, body, len);
	snprintf(out->device, sizeof out->device, "%s",
	    record_str(doc, "device"));
	out->seq = json_integer_value(json_object_get(doc, "seq"));
	if (out->seq > 1)
		snprintf(out->prev, sizeof out->prev, "%s",
		    record_str(doc, "prev"));
	snprintf(out->created, sizeof out->created, "%s",
	    record_str(doc, "created"));
	out->type = xstrdup(record_str(doc, "type"));
	if ((s = record_str(doc, "site")) != NULL)
		out->site = xstrdup(s);
	v = json_object_get(doc, "form");
	if (json_is_object(v) && (s = record_str(v, "id")) != NULL) {
		out->form = xstrdup(s);
		out->form_version = json_integer_value(json_object_get(v,
		    "version"));
	}
	v = json_object_get(doc, "office_head");
	out->office_state = json_is_object(v) ? json_integer_value(
	    json_object_get(v, "version")) : 0;
	out->body = xstrndup(body, len);
	out->len = len;
}

/* Check a record's document: the fields every reader relies on. */
static int
record_check(const json_t *doc)
{
	const char	*type, *device, *created, *prev, *s;
	const json_t	*v, *insp;
	json_int_t	 seq;
	time_t		 t;
	int		 i;

	if (!json_is_object(doc))
		return record_bad("not a JSON object");
	if ((type = record_str(doc, "type")) == NULL)
		return record_bad("no type");
	for (i = 0; record_types[i] != NULL; i++) {
		if (strcmp(type, record_types[i]) == 0)
			break;
	}
	if (record_types[i] == NULL)
		return record_bad("unknown type");
	v = json_object_get(doc, "format");
	if (!json_is_integer(v) || json_integer_value(v) != RECORD_FORMAT)
		return record_bad("unknown format");
	device = record_str(doc, "device");
	if (device == NULL || strlen(device) != KEY_ID_HEX - 1 ||
	    strspn(device, "0123456789ABCDEF") != KEY_ID_HEX - 1)
		return record_bad("bad device key id");
	v = json_object_get(doc, "seq");
	if (!json_is_integer(v) || (seq = json_integer_value(v)) < 1)
		return record_bad("bad seq");
	v = json_object_get(doc, "prev");
	if (seq == 1 ? !json_is_null(v) :
	    ((prev = json_string_value(v)) == NULL || !util_is_hex(prev, 64)))
		return record_bad("bad prev");
	v = json_object_get(doc, "office_head");
	if (v != NULL && (!json_is_object(v) ||
	    !json_is_integer(json_object_get(v, "version")) ||
	    json_integer_value(json_object_get(v, "version")) < 1 ||
	    (s = record_str(v, "sha256")) == NULL || strlen(s) != 64 ||
	    !util_is_hex(s, 64)))
		return record_bad("bad office_head");
	created = record_str(doc, "created");
	if (created == NULL || strlen(created) >= 32 ||
	    util_parse_rfc3339(created, &t) != 0)
		return error_set(LT_EINVAL, "record: created %.40s: not a UTC "
		    "time as lantian writes it (YYYY-MM-DDTHH:MM:SSZ, a real "
		    "date and time)", created != NULL ? created : "(none)");
	insp = json_object_get(doc, "inspector");
	if (!json_is_object(insp) || record_str(insp, "name") == NULL ||
	    record_str(insp, "badge") == NULL)
		return record_bad("no inspector");
	if (strcmp(type, "inspection") == 0) {
		v = json_object_get(doc, "form");
		if ((s = record_str(doc, "site")) == NULL || *s == '\0' ||
		    !json_is_object(v) || record_str(v, "id") == NULL ||
		    !json_is_integer(json_object_get(v, "version")) ||
		    !json_is_object(json_object_get(doc, "answers")))
			return record_bad("inspection without site, form or "
			    "answers");
	}
	if (strcmp(type, "amendment") == 0) {
		s = record_str(doc, "amends");
		v = json_object_get(doc, "answers");
		if (s == NULL || !util_is_hex(s, 64) ||
		    !json_is_string(json_object_get(doc, "reply")) ||
		    (v != NULL && !json_is_object(v)))
			return record_bad("amendment without the record it "
			    "amends or the reply");
	}
	return 0;
}

int
record_parse(struct record *out, const char *body, size_t len)
{
	json_error_t	 jerr;
	json_t		*doc;
	int		 rc;

	memset(out, 0, sizeof *out);
	if (len > RECORD_MAX)
		return error_set(LT_ETOOBIG, "record: larger than %d bytes",
		    RECORD_MAX);
	doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		return error_set(LT_EINVAL, "record: not JSON: %s (line %d)",
		    jerr.text, jerr.line);
	if ((rc = record_check(doc)) != 0) {
		json_decref(doc);
		return rc;
	}
	record_fill(out, doc, body, len);
	return 0;
}

/* Skip JSON whitespace. */
static const char *
record_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/*
 * Skip one JSON value at p (its syntax only as far as needed to find its
 * end); NULL when malformed.  *plain is cleared when a string in it holds
 * an escape.
 */
static const char *
record_skip(const char *p, const char *end, int *plain)
{
	int	depth = 0;

	do {
		p = record_ws(p, end);
		if (p >= end)
			return NULL;
		if (*p == '"') {
			for (p++; p < end && *p != '"'; p++) {
				if (*p == '\\') {
					*plain = 0;
					p++;
				}
			}
			if (p >= end)
				return NULL;
			p++;
		} else if (*p == '{' || *p == '[') {
			depth++;
			p++;
		} else if (*p == '}' || *p == ']') {
			if (--depth < 0)
				return NULL;
			p++;
		} else if (*p == ',' || *p == ':') {
			if (depth == 0)
				return NULL;
			p++;
		} else {
			/* A bare word (number, true, null); a NUL or any byte
			 * that moves nothing on is malformed (found by
			 * tests/fuzz/fuzz_record: it looped for ever). */
			const char *word = p;

			while (p < end && *p != '\0' &&
			    strchr(",:]} \t\r\n", *p) == NULL)
				p++;
			if (p == word)
				return NULL;
		}
	} while (depth > 0);
	return p;
}

int
record_peek(const char *body, size_t len, struct record_peek *out)
{
	const char	*p = body, *end = body + len, *key, *val, *next;
	size_t		 klen, vlen;
	int		 plain = 1, seen = 0;

	memset(out, 0, sizeof *out);
	p = record_ws(p, end);
	if (p >= end || *p++ != '{')
		return LT_EINVAL;
	for (;;) {
		p = record_ws(p, end);
		if (p < end && *p == '}' && seen == 0)
			break;
		key = p;
		if ((p = record_skip(p, end, &plain)) == NULL || *key != '"')
			return LT_EINVAL;
		klen = (size_t)(p - key);
		p = record_ws(p, end);
		if (p >= end || *p++ != ':')
			return LT_EINVAL;
		val = record_ws(p, end);
		if ((next = record_skip(val, end, &plain)) == NULL)
			return LT_EINVAL;
		vlen = (size_t)(next - val);
		seen++;
#define PEEK_KEY(k) (klen == sizeof(k) + 1 && memcmp(key + 1, k, klen - 2) == 0)
#define PEEK_STR(dst) do {						\
		if (vlen < 2 || *val != '"' || vlen - 2 >= sizeof(dst) ||	\
		    (dst)[0] != '\0')						\
			return LT_EINVAL;					\
		memcpy(dst, val + 1, vlen - 2);				\
	} while (0)
		if (PEEK_KEY("type"))
			PEEK_STR(out->type);
		else if (PEEK_KEY("device"))
			PEEK_STR(out->device);
		else if (PEEK_KEY("created"))
			PEEK_STR(out->created);
		else if (PEEK_KEY("prev")) {
			if (vlen == 4 && memcmp(val, "null", 4) == 0) {
				if (out->prev_null++)
					return LT_EINVAL;
			} else
				PEEK_STR(out->prev);
		} else if (PEEK_KEY("seq")) {
			char num[24];
			if (vlen == 0 || vlen >= sizeof num || out->seq != 0)
				return LT_EINVAL;
			memcpy(num, val, vlen);
			num[vlen] = '\0';
			out->seq = strtoll(num, NULL, 10);
		}
#undef PEEK_STR
#undef PEEK_KEY
		p = record_ws(next, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == '}')
			break;
		return LT_EINVAL;
	}
	/* Escapes could spell a key in another way: let jansson judge. */
	return plain ? 0 : LT_EINVAL;
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
	if ((rc = db_cached(db, &st, "SELECT seq, id, created FROM chain "
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
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "records");
	sqlite3_reset(st);
	return rc;
}

/*
 * A device that knows the office revoked its key signs nothing more,
 * whatever its clock says: a record dated before the revocation on a
 * clock set back is exactly what the revocation is there to stop.
 */
static int
record_not_revoked(sqlite3 *db, const char *device)
{
	sqlite3_stmt	*st;
	char		 at[32];
	int		 rc;

	if ((rc = db_cached(db, &st, "SELECT revoked_at FROM roster WHERE "
	    "key_id = ?1 AND revoked_at IS NOT NULL")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(at, sizeof at, "%s", sqlite3_column_text(st, 0));
		rc = error_set(LT_EINVAL, "this device's key %s was revoked by "
		    "the office (at %s): it signs nothing more; ask the office "
		    "for a new key (lantian init in a new data directory, then "
		    "roster add)", device, at);
	} else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "roster");
	sqlite3_reset(st);
	return rc;
}

int
record_create(sqlite3 *db, const struct key_secret *sk, const char *type,
    json_t *fields, struct record *out)
{
	struct key_public	 pub;
	char			 device[KEY_ID_HEX], prev[65], last[32];
	char			 created[32], *body = NULL, *trusted;
	char			 state_sha[65];
	const char		*key;
	json_t			*doc, *v;
	int64_t			 seq, state;
	int			 rc;

	memset(out, 0, sizeof *out);
	key_secret_public(sk, &pub);
	key_id_hex(device, pub.id);
	if ((rc = record_head(db, device, &seq, prev, last)) != 0)
		return rc;
	util_rfc3339(created, sizeof created, util_now());
	if ((rc = record_not_revoked(db, device)) != 0)
		return rc;

	doc = json_object();
	json_object_set_new(doc, "type", json_string(type));
	json_object_set_new(doc, "format", json_integer(RECORD_FORMAT));
	json_object_set_new(doc, "device", json_string(device));
	json_object_set_new(doc, "seq", json_integer(seq + 1));
	json_object_set_new(doc, "prev", seq == 0 ? json_null() :
	    json_string(prev));
	json_object_set_new(doc, "created", json_string(created));
	/* The newest office state this device holds: a "not before" that
	 * no clock can move, and what a revocation is judged by. */
	if ((rc = snapshot_head(db, &state, state_sha)) != 0) {
		json_decref(doc);
		return rc;
	}
	if (state > 0)
		json_object_set_new(doc, "office_head", json_pack("{s:I, s:s}",
		    "version", (json_int_t)state, "sha256", state_sha));
	json_object_foreach(fields, key, v)
		json_object_set(doc, key, v);
	body = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15));
	if (body == NULL) {
		json_decref(doc);
		return error_set(LT_EINVAL, "record: cannot serialize");
	}

	/* A record is a text file: it ends with a newline. */
	size_t len = strlen(body);
	body = xrealloc(body, len + 2);
	body[len++] = '\n';
	body[len] = '\0';
	if (len > RECORD_MAX)
		rc = error_set(LT_ETOOBIG, "record: larger than %d bytes",
		    RECORD_MAX);
	else
		rc = record_check(doc);
	if (rc != 0) {
		json_decref(doc);
		goto cleanup;
	}
	/* We built the header ourselves: no need to parse our own bytes. */
	record_fill(out, doc, body, len);
	/* The chain keeps its order whatever the clock says; the caller
	 * tells the user, and verify flags the record (clock-backwards). */
	if (strcmp(created, last) < 0)
		memcpy(out->clock_behind, last, sizeof out->clock_behind);
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

/*
 * Close the open findings that no longer fire: those of the followed
 * record and of the records it followed in turn (a finding re-found by a
 * follow-up is closed with it), all of the same site.
 */
static int
record_close_followed(sqlite3 *db, const struct record *r, const char *follows)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_prepare(db, &st, "WITH RECURSIVE followed(id) AS ("
	    "  SELECT ?2"
	    "  UNION SELECT json_extract(CAST(p.body AS TEXT), '$.follows') "
	    "  FROM records p JOIN followed ON p.id = followed.id "
	    "  WHERE p.site = ?3) "
	    "UPDATE findings SET closed_by = ?1, closed_at = ?4 "
	    "WHERE record IN (SELECT followed.id FROM followed JOIN records q "
	    "  ON q.id = followed.id WHERE q.site = ?3) "
	    "AND closed_by IS NULL "
	    "AND rule NOT IN (SELECT rule FROM findings WHERE record = ?1)")) != 0)
		return rc;
	db_bind_text(st, 1, r->id);
	db_bind_text(st, 2, follows);
	db_bind_text(st, 3, r->site);
	db_bind_text(st, 4, r->created);
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
	if ((rc = db_cached(db, &st, "INSERT OR IGNORE INTO findings "
	    "(record, rule, task, severity, deadline, site, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")) != 0)
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
		db_bind_text(st, 6, r->site);
		db_bind_text(st, 7, r->created);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = db_error(db, "findings");
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
follows:
	if ((follows = record_str(r->doc, "follows")) != NULL)
		return record_close_followed(db, r, follows);
	return 0;
}

int
record_store_row(sqlite3 *db, const struct record *r, const char *status,
    const char *why)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_cached(db, &st, "INSERT INTO records (id, device, seq, "
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
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return error_set(LT_EEXISTS, "record %s: already stored", r->id);
	if (rc != SQLITE_DONE)
		return db_error(db, "records");
	return oversight_note(db, r, status, why);
}

int
record_set_status(sqlite3 *db, const char *id, const char *status,
    const char *why)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_cached(db, &st, "UPDATE records SET status = ?2, "
	    "status_why = ?3 WHERE id = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, status);
	db_bind_text(st, 3, why);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "records");
	sqlite3_reset(st);
	return rc;
}

int
record_store(sqlite3 *db, const struct record *r, const char *status,
    const char *why)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = record_store_row(db, r, status, why)) != 0)
		return rc;
	if ((rc = record_store_findings(db, r)) != 0)
		return rc;
	if ((rc = review_note(db, r)) != 0)
		return rc;

	if ((rc = db_cached(db, &st, "INSERT INTO chain (device, seq, id, "
	    "created) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (device) DO UPDATE "
	    "SET seq = ?2, id = ?3, created = ?4 WHERE ?2 > chain.seq")) != 0)
		return rc;
	db_bind_text(st, 1, r->device);
	sqlite3_bind_int64(st, 2, r->seq);
	db_bind_text(st, 3, r->id);
	db_bind_text(st, 4, r->created);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "chain");
	sqlite3_reset(st);
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

int
record_check_sig(const char *id, const char *type, const char *device,
    int64_t seq, const char *body, size_t len, const char *sig,
    const struct key_public *pk)
{
	struct sig	 s;
	char		 want[256];
	int		 rc;

	if (sig == NULL)
		return error_set(LT_ESIG, "no signature");
	if (sig_parse(sig, strlen(sig), &s) != 0)
		return error_set(LT_ESIG, "%s", error_msg());
	if ((rc = sig_verify(&s, pk, body, len)) == 0) {
		snprintf(want, sizeof want, "lantian %s id=%s device=%s seq=%"
		    PRId64, type, id, device, seq);
		if (strcmp(want, s.trusted) != 0)
			rc = error_set(LT_ESIG, "the trusted comment does not "
			    "name this record");
	}
	sig_clear(&s);
	return rc;
}
