#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "db.h"
#include "error.h"
#include "roster.h"
#include "sig.h"
#include "snapshot.h"
#include "trust.h"
#include "util.h"

/* Record "roster entry: <what>" as LT_EINVAL. */
static int
roster_bad(const char *what)
{
	return error_set(LT_EINVAL, "roster entry: %s", what);
}

/* Prefix the last error's message with "roster entry: ", keeping its code. */
static int
roster_wrap(int rc)
{
	char	*m = xstrdup(error_msg());

	rc = error_set(rc, "roster entry: %s", m);
	free(m);
	return rc;
}

/* Free an entry's strings and zero it. */
void
roster_entry_clear(struct roster_entry *e)
{
	free(e->pubkey);
	free(e->name);
	free(e->badge);
	free(e->body);
	free(e->sig);
	memset(e, 0, sizeof *e);
}

/* Is s a UTC time exactly as util_rfc3339() writes it? */
static int
roster_time_ok(const char *s)
{
	char	back[32];
	time_t	t;

	if (s == NULL || strlen(s) >= sizeof back ||
	    util_parse_rfc3339(s, &t) != 0)
		return 0;
	util_rfc3339(back, sizeof back, t);
	return strcmp(back, s) == 0;
}

/* A date or UTC time from the command line, as util_rfc3339() writes it. */
int
roster_parse_time(const char *s, char out[32])
{
	char	buf[32];

	if (util_is_date(s)) {
		snprintf(buf, sizeof buf, "%sT00:00:00Z", s);
		if (roster_time_ok(buf)) {
			memcpy(out, buf, sizeof buf);
			return 0;
		}
	} else if (roster_time_ok(s)) {
		snprintf(out, 32, "%s", s);
		return 0;
	}
	return error_set(LT_EINVAL, "%s: not a date (YYYY-MM-DD) or a UTC "
	    "time (YYYY-MM-DDTHH:MM:SSZ)", s);
}

/* The string member key of o, or NULL. */
static const char *
roster_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Check an entry's document and fill out's fields (not body or sig). */
static int
roster_check(const json_t *doc, struct roster_entry *out)
{
	struct key_public	 pk;
	const char		*s, *id, *pub, *name, *badge, *from, *issued;
	const json_t		*v, *state;
	char			 hex[KEY_ID_HEX], *b64;
	int			 same;

	if (!json_is_object(doc))
		return roster_bad("not a JSON object");
	if ((s = roster_str(doc, "type")) == NULL || strcmp(s, "roster") != 0)
		return roster_bad("not of type roster");
	v = json_object_get(doc, "format");
	if (!json_is_integer(v) || json_integer_value(v) != ROSTER_FORMAT)
		return roster_bad("unknown format");
	id = roster_str(doc, "key_id");
	if (id == NULL || strlen(id) != KEY_ID_HEX - 1 ||
	    strspn(id, "0123456789ABCDEF") != KEY_ID_HEX - 1)
		return roster_bad("bad key_id");
	pub = roster_str(doc, "pubkey");
	if (pub == NULL || key_public_parse(pub, strlen(pub), &pk) != 0)
		return roster_bad("bad pubkey");
	b64 = key_public_base64(&pk);
	same = strcmp(b64, pub) == 0;
	free(b64);
	key_id_hex(hex, pk.id);
	if (!same || strcmp(hex, id) != 0)
		return roster_bad("pubkey is not the key of key_id");
	name = roster_str(doc, "name");
	badge = roster_str(doc, "badge");
	if (name == NULL || *name == '\0' || badge == NULL || *badge == '\0')
		return roster_bad("no name or badge");
	if (!roster_time_ok(from = roster_str(doc, "valid_from")))
		return roster_bad("bad valid_from time");
	v = json_object_get(doc, "revoked_at");
	if (!json_is_null(v) && !roster_time_ok(json_string_value(v)))
		return roster_bad("bad revoked_at time");
	if (!roster_time_ok(issued = roster_str(doc, "issued")))
		return roster_bad("bad issued time");
	state = json_object_get(doc, "state");
	if (state != NULL && (!json_is_integer(state) ||
	    json_integer_value(state) < 1))
		return roster_bad("bad state");
	out->state = state != NULL ? json_integer_value(state) : 0;

	memcpy(out->key_id, id, KEY_ID_HEX);
	out->pubkey = xstrdup(pub);
	out->name = xstrdup(name);
	out->badge = xstrdup(badge);
	snprintf(out->valid_from, sizeof out->valid_from, "%s", from);
	snprintf(out->revoked_at, sizeof out->revoked_at, "%s",
	    json_is_null(v) ? "" : json_string_value(v));
	snprintf(out->issued, sizeof out->issued, "%s", issued);
	return 0;
}

/* Parse and check an entry's bytes. */
int
roster_parse(struct roster_entry *out, const char *body, size_t len)
{
	json_error_t	 jerr;
	json_t		*doc;
	int		 rc;

	memset(out, 0, sizeof *out);
	if (len > ROSTER_MAX)
		return error_set(LT_ETOOBIG, "roster entry: larger than %d "
		    "bytes", ROSTER_MAX);
	doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		return error_set(LT_EINVAL, "roster entry: not JSON: %s",
		    jerr.text);
	rc = roster_check(doc, out);
	json_decref(doc);
	if (rc != 0) {
		roster_entry_clear(out);
		return rc;
	}
	out->body = xstrndup(body, len);
	out->len = len;
	return 0;
}

/* "lantian roster key=<key id> issued=<time>"; caller frees. */
static char *
roster_trusted_comment(const struct roster_entry *e)
{
	return xasprintf("lantian roster key=%s issued=%s", e->key_id,
	    e->issued);
}

/* Serialize an entry and sign it with the office key. */
int
roster_sign(const struct key_secret *office, const struct roster_entry *fields,
    char **body, size_t *len, char **sig)
{
	struct roster_entry	 e;
	struct key_public	 pk;
	char			 id[KEY_ID_HEX], *text, *trusted;
	json_t			*doc;
	size_t			 n;
	int			 rc;

	*body = *sig = NULL;
	*len = 0;
	if ((rc = util_text_check("--name", fields->name)) != 0 ||
	    (rc = util_text_check("--badge", fields->badge)) != 0)
		return rc;
	if (fields->pubkey == NULL ||
	    key_public_parse(fields->pubkey, strlen(fields->pubkey), &pk) != 0)
		return roster_bad("bad pubkey");
	key_id_hex(id, pk.id);
	doc = json_object();
	json_object_set_new(doc, "type", json_string("roster"));
	json_object_set_new(doc, "format", json_integer(ROSTER_FORMAT));
	json_object_set_new(doc, "key_id", json_string(id));
	json_object_set_new(doc, "pubkey", json_string(fields->pubkey));
	json_object_set_new(doc, "name", json_string(fields->name != NULL ?
	    fields->name : ""));
	json_object_set_new(doc, "badge", json_string(fields->badge != NULL ?
	    fields->badge : ""));
	json_object_set_new(doc, "valid_from", json_string(fields->valid_from));
	json_object_set_new(doc, "revoked_at", fields->revoked_at[0] == '\0' ?
	    json_null() : json_string(fields->revoked_at));
	json_object_set_new(doc, "issued", json_string(fields->issued));
	if (fields->state > 0)
		json_object_set_new(doc, "state", json_integer(fields->state));
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (text == NULL)
		return roster_bad("cannot serialize (not UTF-8?)");
	/* A text file, like a record: it ends with a newline. */
	n = strlen(text);
	text = xrealloc(text, n + 2);
	text[n++] = '\n';
	text[n] = '\0';

	/* Check what we made as any reader will. */
	if ((rc = roster_parse(&e, text, n)) != 0) {
		free(text);
		return rc;
	}
	trusted = roster_trusted_comment(&e);
	*sig = sig_sign(office, text, n, trusted,
	    "signature from lantian office key");
	free(trusted);
	roster_entry_clear(&e);
	*body = text;
	*len = n;
	return 0;
}

/* Check an entry's signature, trusted comment and document. */
int
roster_verify(const struct key_public *office, const char *body, size_t len,
    const char *sig, struct roster_entry *out)
{
	struct roster_entry	 e;
	struct sig		 s;
	char			*want;
	int			 rc;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (len > ROSTER_MAX)
		return error_set(LT_ETOOBIG, "roster entry: larger than %d "
		    "bytes", ROSTER_MAX);
	if (sig == NULL)
		return roster_bad("no signature");
	if ((rc = sig_parse(sig, strlen(sig), &s)) != 0)
		return roster_wrap(rc);
	if ((rc = sig_verify(&s, office, body, len)) != 0) {
		sig_clear(&s);
		return roster_wrap(rc);
	}
	if ((rc = roster_parse(&e, body, len)) != 0) {
		sig_clear(&s);
		return rc;
	}
	want = roster_trusted_comment(&e);
	if (strcmp(want, s.trusted) != 0)
		rc = error_set(LT_ESIG, "roster entry: the trusted comment "
		    "does not name this entry");
	free(want);
	sig_clear(&s);
	if (rc != 0 || out == NULL) {
		roster_entry_clear(&e);
		return rc;
	}
	e.sig = xstrdup(sig);
	*out = e;
	return 0;
}

/* The office key this store trusts. */
int
roster_anchor(sqlite3 *db, struct key_public *out)
{
	char	*b64;
	int	 rc;

	if ((rc = db_setting_get(db, "office.pub", &b64)) != 0)
		return rc;
	if (b64 == NULL)
		return error_set(LT_ENOTFOUND, "no office key is trusted on "
		    "this device (lantian office trust FILE)");
	rc = key_public_parse(b64, strlen(b64), out);
	free(b64);
	return rc;
}

/* Is the new entry e newer than the one stored for its key (if any)? */
static int
roster_is_newer(sqlite3 *db, const struct roster_entry *e, int *newer)
{
	sqlite3_stmt	*st;
	const void	*old;
	size_t		 oldlen, n;
	int		 rc, c;

	*newer = 1;
	if ((rc = db_prepare(db, &st, "SELECT issued, body FROM roster "
	    "WHERE key_id = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, e->key_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c = strcmp(e->issued, (const char *)sqlite3_column_text(st, 0));
		if (c == 0) {
			/* The same time: the greater bytes win, everywhere. */
			old = sqlite3_column_blob(st, 1);
			oldlen = (size_t)sqlite3_column_bytes(st, 1);
			n = e->len < oldlen ? e->len : oldlen;
			c = n > 0 ? memcmp(e->body, old, n) : 0;
			if (c == 0)
				c = e->len > oldlen ? 1 : e->len < oldlen ? -1 :
				    0;
		}
		*newer = c > 0;
		rc = 0;
	} else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "roster");
	sqlite3_finalize(st);
	return rc;
}

/* Insert or replace the stored entry of e's key. */
static int
roster_put(sqlite3 *db, const struct roster_entry *e)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_prepare(db, &st, "INSERT INTO roster (key_id, issued, "
	    "body, sig, name, badge, pubkey, valid_from, revoked_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
	    "ON CONFLICT (key_id) DO UPDATE SET issued = ?2, body = ?3, "
	    "sig = ?4, name = ?5, badge = ?6, pubkey = ?7, valid_from = ?8, "
	    "revoked_at = ?9")) != 0)
		return rc;
	db_bind_text(st, 1, e->key_id);
	db_bind_text(st, 2, e->issued);
	sqlite3_bind_blob(st, 3, e->body, (int)e->len, SQLITE_STATIC);
	db_bind_text(st, 4, e->sig);
	db_bind_text(st, 5, e->name);
	db_bind_text(st, 6, e->badge);
	db_bind_text(st, 7, e->pubkey);
	db_bind_text(st, 8, e->valid_from);
	db_bind_text(st, 9, e->revoked_at[0] != '\0' ? e->revoked_at : NULL);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "roster");
	sqlite3_finalize(st);
	if (rc != 0)
		return rc;
	/*
	 * The key a record of this id is checked with (verify, bundles) is
	 * the entry's, whatever a branch's device.pub put there before.
	 */
	if ((rc = db_prepare(db, &st, "INSERT INTO keys (id, pubkey, name, "
	    "badge, added) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO "
	    "UPDATE SET pubkey = ?2, name = ?3, badge = ?4")) != 0)
		return rc;
	db_bind_text(st, 1, e->key_id);
	db_bind_text(st, 2, e->pubkey);
	db_bind_text(st, 3, e->name);
	db_bind_text(st, 4, e->badge);
	db_bind_text(st, 5, e->issued);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "keys");
	sqlite3_finalize(st);
	return rc;
}

/* Store a verified entry when it is the newest of its key. */
int
roster_accept(sqlite3 *db, const char *body, size_t len, const char *sig,
    int *stored)
{
	struct roster_entry	 e;
	struct key_public	 office;
	int			 rc, newer;

	if (stored != NULL)
		*stored = 0;
	if ((rc = roster_anchor(db, &office)) != 0)
		return rc == LT_ENOTFOUND ? roster_wrap(rc) : rc;
	if ((rc = roster_verify(&office, body, len, sig, &e)) != 0)
		return rc;
	if ((rc = roster_is_newer(db, &e, &newer)) != 0 || !newer)
		goto cleanup;
	if ((rc = roster_put(db, &e)) != 0 ||
	    (rc = trust_refresh(db, e.key_id)) != 0)
		goto cleanup;
	if (stored != NULL)
		*stored = 1;
cleanup:
	roster_entry_clear(&e);
	return rc;
}

#define ROSTER_COLUMNS	"key_id, issued, body, sig, name, badge, pubkey, " \
	"valid_from, revoked_at"

/* Fill e from a row of ROSTER_COLUMNS; e owns copies. */
static void
roster_row(sqlite3_stmt *st, struct roster_entry *e)
{
	const char	*s;

	memset(e, 0, sizeof *e);
	snprintf(e->key_id, sizeof e->key_id, "%s", sqlite3_column_text(st, 0));
	snprintf(e->issued, sizeof e->issued, "%s", sqlite3_column_text(st, 1));
	e->len = (size_t)sqlite3_column_bytes(st, 2);
	e->body = xstrndup(sqlite3_column_blob(st, 2), e->len);
	e->sig = xstrdup((const char *)sqlite3_column_text(st, 3));
	e->name = xstrdup((const char *)sqlite3_column_text(st, 4));
	e->badge = xstrdup((const char *)sqlite3_column_text(st, 5));
	e->pubkey = xstrdup((const char *)sqlite3_column_text(st, 6));
	snprintf(e->valid_from, sizeof e->valid_from, "%s",
	    sqlite3_column_text(st, 7));
	s = (const char *)sqlite3_column_text(st, 8);
	snprintf(e->revoked_at, sizeof e->revoked_at, "%s", s != NULL ? s : "");
}

/* Call fn with each stored entry. */
int
roster_each(sqlite3 *db, roster_each_fn fn, void *arg)
{
	struct roster_entry	 e;
	sqlite3_stmt		*st;
	int			 rc, stop = 0;

	if ((rc = db_prepare(db, &st, "SELECT " ROSTER_COLUMNS " FROM roster "
	    "ORDER BY name, key_id")) != 0)
		return rc;
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		roster_row(st, &e);
		stop = fn(&e, arg);
		roster_entry_clear(&e);
	}
	if (stop != 0)
		rc = stop;
	else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "roster");
	sqlite3_finalize(st);
	return rc;
}

/* The stored entry of one key. */
int
roster_get(sqlite3 *db, const char *key_id, struct roster_entry *out)
{
	unsigned char	 id[KEY_ID_BYTES];
	char		 hex[KEY_ID_HEX];
	sqlite3_stmt	*st;
	int		 rc;

	memset(out, 0, sizeof *out);
	if (strlen(key_id) != KEY_ID_HEX - 1 || key_id_parse(id, key_id) != 0)
		return error_set(LT_EINVAL, "%s: not a key id (16 hex digits)",
		    key_id);
	key_id_hex(hex, id);
	if ((rc = db_prepare(db, &st, "SELECT " ROSTER_COLUMNS " FROM roster "
	    "WHERE key_id = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, hex);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		roster_row(st, out);
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = error_set(LT_ENOTFOUND, "key %s: not on the roster", hex);
	else
		rc = db_error(db, "roster");
	sqlite3_finalize(st);
	return rc;
}

/* Is the entry valid at t? */
int
roster_valid_at(const struct roster_entry *e, time_t t)
{
	time_t	from, until;

	if (util_parse_rfc3339(e->valid_from, &from) != 0 || t < from)
		return 0;
	if (e->revoked_at[0] != '\0' &&
	    (util_parse_rfc3339(e->revoked_at, &until) != 0 || t >= until))
		return 0;
	return 1;
}

/* An issued time later than the stored entry's. */
int
roster_next_issued(sqlite3 *db, const char *key_id, char out[32])
{
	sqlite3_stmt	*st;
	const char	*last;
	time_t		 t;
	int		 rc;

	util_rfc3339(out, 32, util_now());
	if ((rc = db_prepare(db, &st, "SELECT issued FROM roster "
	    "WHERE key_id = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, key_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		last = (const char *)sqlite3_column_text(st, 0);
		if (strcmp(last, out) >= 0 && util_parse_rfc3339(last, &t) == 0)
			util_rfc3339(out, 32, t + 1);
		rc = 0;
	} else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "roster");
	sqlite3_finalize(st);
	return rc;
}

/* Drop the stored entries that office did not sign. */
static int
roster_drop_unsigned(sqlite3 *db, const struct key_public *office)
{
	sqlite3_stmt	*st;
	char		(*drop)[KEY_ID_HEX] = NULL;
	size_t		 n = 0, i;
	int		 rc;

	/* Collect first: no row is deleted under a running SELECT. */
	if ((rc = db_prepare(db, &st, "SELECT key_id, body, sig FROM roster"))
	    != 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (roster_verify(office, sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1),
		    (const char *)sqlite3_column_text(st, 2), NULL) == 0)
			continue;
		drop = xrealloc(drop, (n + 1) * sizeof *drop);
		snprintf(drop[n++], KEY_ID_HEX, "%s",
		    sqlite3_column_text(st, 0));
	}
	error_clear();
	rc = rc == SQLITE_DONE ? 0 : db_error(db, "roster");
	sqlite3_finalize(st);
	if (rc != 0 || n == 0)
		goto cleanup;
	if ((rc = db_prepare(db, &st, "DELETE FROM roster WHERE key_id = ?1"))
	    != 0)
		goto cleanup;
	for (i = 0; i < n && rc == 0; i++) {
		sqlite3_reset(st);
		db_bind_text(st, 1, drop[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_error(db, "roster");
	}
	sqlite3_finalize(st);
cleanup:
	free(drop);
	return rc;
}

/* Make keys/ (0700) in the data directory. */
static int
roster_keys_dir(const struct datadir *dd)
{
	char	*keys = datadir_file(dd, "keys");
	int	 rc;

	if ((rc = util_mkdir_p(keys, 0700)) == 0 && chmod(keys, 0700) != 0)
		rc = error_set(LT_EIO, "%s: %s", keys, strerror(errno));
	free(keys);
	return rc;
}

/* Make office the trusted office key. */
int
roster_trust(struct datadir *dd, const struct key_public *office, int replace)
{
	struct key_public	 old;
	char			 id[KEY_ID_HEX], oldid[KEY_ID_HEX];
	char			*b64 = NULL, *pubtext = NULL, *pubpath;
	int			 rc, had;

	pubpath = datadir_file(dd, "keys/office.pub");
	key_id_hex(id, office->id);
	rc = roster_anchor(dd->db, &old);
	if (rc != 0 && rc != LT_ENOTFOUND)
		goto cleanup;
	had = rc == 0;
	error_clear();
	if (had && memcmp(&old, office, sizeof old) == 0 &&
	    util_exists(pubpath)) {
		rc = 0;
		goto cleanup;
	}
	if (had && memcmp(&old, office, sizeof old) != 0) {
		key_id_hex(oldid, old.id);
		if (!replace || roster_office_has_key(dd)) {
			rc = error_set(LT_EEXISTS, "this device already trusts "
			    "office key %s, not %s%s", oldid, id,
			    roster_office_has_key(dd) ? " (it holds that "
			    "office key)" : " (--replace to change it)");
			goto cleanup;
		}
	}
	if ((rc = roster_keys_dir(dd)) != 0)
		goto cleanup;
	b64 = key_public_base64(office);
	pubtext = key_public_format(office);
	if ((rc = db_begin(dd->db)) != 0)
		goto cleanup;
	if ((rc = db_setting_set(dd->db, "office.pub", b64)) != 0 ||
	    (rc = db_setting_set(dd->db, "office.key_id", id)) != 0 ||
	    (rc = roster_drop_unsigned(dd->db, office)) != 0 ||
	    (rc = trust_refresh(dd->db, NULL)) != 0 ||
	    (rc = util_write_file(pubpath, pubtext, strlen(pubtext),
	    0644)) != 0) {
		db_rollback(dd->db);
		goto cleanup;
	}
	rc = db_commit(dd->db);
cleanup:
	free(b64);
	free(pubtext);
	free(pubpath);
	return rc;
}

/* Is keys/office.key here? */
int
roster_office_has_key(const struct datadir *dd)
{
	char	*p = datadir_file(dd, "keys/office.key");
	int	 yes = util_exists(p);

	free(p);
	return yes;
}

/* Create the office key and trust it. */
int
roster_office_init(struct datadir *dd, const char *pass, size_t passlen,
    struct key_public *out)
{
	struct key_secret	*sk = NULL;
	struct key_public	 pk, old;
	char			*secpath, *pubpath, *sealed = NULL;
	char			 id[KEY_ID_HEX];
	int			 rc;

	secpath = datadir_file(dd, "keys/office.key");
	pubpath = datadir_file(dd, "keys/office.pub");
	if (util_exists(secpath)) {
		rc = error_set(LT_EEXISTS, "%s: an office key already exists; "
		    "lantian never overwrites a key", secpath);
		goto cleanup;
	}
	if ((rc = roster_anchor(dd->db, &old)) == 0) {
		key_id_hex(id, old.id);
		rc = error_set(LT_EEXISTS, "%s: this data directory already "
		    "trusts office key %s; lantian never overwrites a key",
		    dd->path, id);
		goto cleanup;
	}
	if (rc != LT_ENOTFOUND)
		goto cleanup;
	error_clear();
	if (util_exists(pubpath)) {
		rc = error_set(LT_EEXISTS, "%s: exists; lantian never "
		    "overwrites a key", pubpath);
		goto cleanup;
	}
	if ((rc = roster_keys_dir(dd)) != 0)
		goto cleanup;
	sk = key_generate();
	key_secret_public(sk, &pk);
	if ((rc = key_secret_seal(sk, pass, passlen, &sealed)) != 0 ||
	    (rc = util_write_file(secpath, sealed, strlen(sealed), 0600)) != 0)
		goto cleanup;
	/* The secret key first: a crash leaves a key that is not trusted
	 * yet (and init refuses to overwrite it), never a trusted key
	 * whose secret half is lost. */
	if ((rc = roster_trust(dd, &pk, 0)) != 0) {
		unlink(secpath);
		goto cleanup;
	}
	*out = pk;
cleanup:
	key_secret_free(sk);
	free(sealed);
	free(secpath);
	free(pubpath);
	return rc;
}

/* Open keys/office.key with the passphrase. */
int
roster_office_unlock(const struct datadir *dd, const char *pass,
    size_t passlen, struct key_secret **out)
{
	struct key_public	 anchor;
	char			*path;
	int			 rc;

	path = datadir_file(dd, "keys/office.key");
	rc = util_exists(path) ? 0 : error_set(LT_ENOTFOUND, "%s: no office "
	    "key here (run lantian office init on the office's machine)",
	    path);
	free(path);
	if (rc != 0 || (rc = roster_anchor(dd->db, &anchor)) != 0)
		return rc;
	return datadir_unlock(dd, "keys/office.key", &anchor, pass, passlen,
	    out);
}

/* Another key's live entry with badge, if any (*other owns copies). */
static int
roster_badge_taken(sqlite3 *db, const struct roster_entry *e,
    struct roster_entry *other, int *taken)
{
	sqlite3_stmt	*st;
	int		 rc;

	*taken = 0;
	if ((rc = db_prepare(db, &st, "SELECT " "key_id, issued, body, sig, "
	    "name, badge, pubkey, valid_from, revoked_at FROM roster WHERE "
	    "badge = ?1 AND key_id <> ?2 AND revoked_at IS NULL LIMIT 1"))
	    != 0)
		return rc;
	db_bind_text(st, 1, e->badge);
	db_bind_text(st, 2, e->key_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		roster_row(st, other);
		*taken = 1;
		rc = 0;
	} else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "roster");
	sqlite3_finalize(st);
	return rc;
}

int
roster_admit(sqlite3 *db, const struct roster_entry *e, int flags)
{
	struct roster_entry	 old, other;
	struct key_public	 office;
	char			 hex[KEY_ID_HEX];
	int			 rc, had, taken;

	memset(&old, 0, sizeof old);
	memset(&other, 0, sizeof other);
	if (roster_anchor(db, &office) == 0) {
		key_id_hex(hex, office.id);
		if (strcmp(hex, e->key_id) == 0)
			return error_set(LT_EINVAL, "key %s is the office key: "
			    "it signs the roster and is never on it (enrol the "
			    "office machine's keys/device.pub)", e->key_id);
	}
	error_clear();
	if (e->revoked_at[0] != '\0' && e->valid_from[0] != '\0' &&
	    strcmp(e->revoked_at, e->valid_from) < 0)
		return error_set(LT_EINVAL, "key %s: revoked at %s, before its "
		    "entry is valid (from %s)", e->key_id, e->revoked_at,
		    e->valid_from);
	if ((rc = roster_get(db, e->key_id, &old)) != 0 && rc != LT_ENOTFOUND)
		return rc;
	had = rc == 0;
	error_clear();
	rc = 0;
	if (had && (flags & ROSTER_REDATE) == 0 &&
	    strcmp(old.valid_from, e->valid_from) != 0) {
		rc = error_set(LT_EINVAL, "key %s is on the roster from %s: "
		    "giving it %s would change what its records made in "
		    "between count as (say --redate to do so)", e->key_id,
		    old.valid_from, e->valid_from);
		goto cleanup;
	}
	if (e->revoked_at[0] == '\0' && e->badge != NULL) {
		if ((rc = roster_badge_taken(db, e, &other, &taken)) != 0)
			goto cleanup;
		if (taken)
			rc = error_set(LT_EEXISTS, "badge %s is on the roster "
			    "already, of key %s (%s): one badge, one live key "
			    "(revoke that key first when a device is "
			    "replaced)", e->badge, other.key_id, other.name);
	}
cleanup:
	roster_entry_clear(&old);
	roster_entry_clear(&other);
	return rc;
}

int
roster_issue(sqlite3 *db, const struct key_secret *sk, struct roster_entry *e)
{
	char	*body = NULL, *sig = NULL;
	size_t	 len;
	int	 rc, stored;

	if ((rc = db_begin(db)) != 0)
		return rc;
	/* The entry enters the office state one above the one held: the
	 * snapshot signed with it below (a changed listing). */
	if ((rc = roster_admit(db, e, ROSTER_REDATE)) != 0 ||
	    (rc = snapshot_held(db, &e->state)) != 0)
		goto fail;
	e->state++;
	if ((rc = roster_next_issued(db, e->key_id, e->issued)) != 0 ||
	    (rc = roster_sign(sk, e, &body, &len, &sig)) != 0 ||
	    (rc = roster_accept(db, body, len, sig, &stored)) != 0)
		goto fail;
	if (!stored) {
		rc = error_set(LT_EEXISTS, "key %s: a newer roster entry is "
		    "stored", e->key_id);
		goto fail;
	}
	if ((rc = snapshot_sign(db, sk)) != 0)
		goto fail;
	rc = db_commit(db);
	goto cleanup;
fail:
	db_rollback(db);
cleanup:
	free(body);
	free(sig);
	return rc;
}
