/*
 * The roster of trust: the office key (the supervisor's) signs one entry
 * per enrolled device key, a small JSON document in minisign's format like
 * a record, so that `minisign -V -p office.pub -m entry.json` checks it:
 *
 *   {"type":"roster","format":1,"key_id":"<16 hex>","pubkey":"<base64>",
 *    "name":"...","badge":"...","valid_from":"<RFC 3339>",
 *    "revoked_at":null|"<RFC 3339>","issued":"<RFC 3339>"}
 *
 * signed with the trusted comment "lantian roster key=<key id>
 * issued=<time>".  Revoking is a new entry with revoked_at set.  Of the
 * entries for one key the newest wins: the later issued, then (same
 * issued) the greater bytes; the store keeps that one alone (table
 * roster, migration 5).  Sync publishes it as roster/<key id>.json and
 * .minisig on the office branch.
 *
 * A device trusts one office key, its anchor: the settings "office.pub"
 * (the base64 line of the minisign public key) and "office.key_id", and
 * keys/office.pub.  The office itself holds keys/office.key, sealed with a
 * passphrase as the device key is (key_secret_seal()).
 *
 * Ownership: a struct roster_entry filled by roster_get(), roster_parse()
 * or roster_verify() owns its strings; roster_entry_clear() frees them.
 * The entries given to a roster_each() callback are borrowed for the call.
 */
#ifndef LANTIAN_ROSTER_H
#define LANTIAN_ROSTER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <sqlite3.h>

#include "datadir.h"
#include "key.h"

#define ROSTER_MAX	(16 * 1024)	/* bytes of an entry */
#define ROSTER_FORMAT	1

struct roster_entry {
	char	 key_id[KEY_ID_HEX];	/* the enrolled device key */
	char	*pubkey;		/* its minisign base64 line */
	char	*name;			/* the inspector */
	char	*badge;
	char	 valid_from[32];	/* UTC, RFC 3339 */
	char	 revoked_at[32];	/* UTC, RFC 3339; "" when not revoked */
	char	 issued[32];		/* when the office signed it */
	int64_t	 state;			/* the office state (snapshot version)
					   it is first part of; 0: unsaid
					   (entries of before) */
	char	*body;			/* the exact signed bytes, NUL added */
	size_t	 len;			/* bytes in body */
	char	*sig;			/* the minisign signature file */
};

void roster_entry_clear(struct roster_entry *e);

/*
 * "YYYY-MM-DD" (midnight UTC) or UTC RFC 3339 with seconds, written back
 * as util_rfc3339() writes times; LT_EINVAL otherwise.
 */
int roster_parse_time(const char *s, char out[32]);

/*
 * Sign an entry with the office key: the pubkey, name, badge, valid_from,
 * revoked_at ("" for null) and issued of fields (its key_id, body and sig
 * are ignored: the key id comes from pubkey).  *body (*len bytes, NUL
 * added) and *sig are the caller's.
 */
int roster_sign(const struct key_secret *office,
    const struct roster_entry *fields, char **body, size_t *len, char **sig);

/* Parse and check an entry's bytes (no signature); out owns a copy. */
int roster_parse(struct roster_entry *out, const char *body, size_t len);

/*
 * Check an entry against an office key: the signature, the trusted
 * comment (which must name the entry's key id and issued time) and the
 * document.  LT_ESIG or LT_EINVAL; out (may be NULL) gets the entry.
 */
int roster_verify(const struct key_public *office, const char *body,
    size_t len, const char *sig, struct roster_entry *out);

/*
 * Verify an entry against the trusted office key and store it when it is
 * newer than the stored entry of its key (the same entry again, or an
 * older one, changes nothing); then recompute the status of that key's
 * records (trust_refresh()).  *stored (may be NULL) says whether it was
 * stored.  LT_ENOTFOUND when no office key is trusted, LT_ESIG, LT_EINVAL.
 * Must run inside a transaction (db_begin).
 */
int roster_accept(sqlite3 *db, const char *body, size_t len, const char *sig,
    int *stored);

/*
 * Call fn with each stored entry, ordered by name and key id, until fn
 * returns non-zero (which roster_each returns).
 */
typedef int (*roster_each_fn)(const struct roster_entry *e, void *arg);
int roster_each(sqlite3 *db, roster_each_fn fn, void *arg);

/* The stored entry of a key id (16 hex); LT_ENOTFOUND when none. */
int roster_get(sqlite3 *db, const char *key_id, struct roster_entry *out);

/* Is the entry valid at t: valid_from <= t, and not revoked at or before t? */
int roster_valid_at(const struct roster_entry *e, time_t t);

/*
 * The issued time for a new entry of key_id: now, or one second after the
 * stored entry's issued when that is not before now, so that the new
 * entry is always the newest.
 */
int roster_next_issued(sqlite3 *db, const char *key_id, char out[32]);

/*
 * May the office sign e?  Never for the office key itself, a revocation
 * before the entry is valid, or a live entry with the badge of another
 * key's live entry; and a key already enrolled keeps its valid_from
 * unless flags has ROSTER_REDATE.  LT_EINVAL or LT_EEXISTS saying why.
 */
#define ROSTER_REDATE	0x1
int roster_admit(sqlite3 *db, const struct roster_entry *e, int flags);

/*
 * Sign e with the office key as its key's newest entry and store it, in
 * one transaction of its own; e->issued is set.  LT_EEXISTS when a newer
 * entry is stored.  The rules of roster_admit() hold (re-dating allowed:
 * the caller asked).
 */
int roster_issue(sqlite3 *db, const struct key_secret *sk,
    struct roster_entry *e);

/* The trusted office key; LT_ENOTFOUND when this store trusts none. */
int roster_anchor(sqlite3 *db, struct key_public *out);

/*
 * Trust office as the anchor: the settings and keys/office.pub, then the
 * status of every record again.  The same key again is fine; another one
 * is LT_EEXISTS unless replace, and replacing drops the roster entries
 * the new key did not sign.
 */
int roster_trust(struct datadir *dd, const struct key_public *office,
    int replace);

/* Does the data directory hold the office's secret key? */
int roster_office_has_key(const struct datadir *dd);

/*
 * Create the office key: keys/office.key (sealed with the passphrase,
 * 0600) and keys/office.pub, and trust it (roster_trust()).  Refuses to
 * overwrite a key file, or to replace another trusted office key.
 */
int roster_office_init(struct datadir *dd, const char *pass, size_t passlen,
    struct key_public *out);

/*
 * Unlock keys/office.key; LT_EPASS on a wrong passphrase, LT_ECRYPTO when
 * it is not the office key the store trusts.
 */
int roster_office_unlock(const struct datadir *dd, const char *pass,
    size_t passlen, struct key_secret **out);

#endif
