/*
 * Records: one UTF-8 JSON object, at most 1 MiB, signed as its exact bytes
 * in minisign's format and identified by the SHA-256 of those bytes.  Each
 * device numbers its records (seq 1, 2, 3 ...) and each names the id of the
 * one before (prev), so a missing, reordered or duplicated record shows.
 *
 * Ownership: record_parse(), record_create() and record_load() fill a
 * struct record whose strings and doc belong to it; record_clear() frees
 * them.
 */
#ifndef LANTIAN_RECORD_H
#define LANTIAN_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "key.h"

#define RECORD_MAX	(1024 * 1024)
#define RECORD_FORMAT	1

/* Status of a stored record (why it is not verified goes in status_why). */
#define RECORD_SIGNED	"signed"	/* our own: signature and chain hold */
#define RECORD_VERIFIED	"verified"	/* and its key is on the roster */

struct record {
	char		 id[65];		/* sha256 of body, hex */
	char		 device[KEY_ID_HEX];	/* signer's key id */
	int64_t		 seq;			/* position in the chain */
	char		 prev[65];		/* id of seq-1, "" for seq 1 */
	char		 created[32];		/* UTC, RFC 3339 */
	char		*type;			/* inspection, site, amendment */
	char		*site;			/* site id, or NULL */
	char		*form;			/* form id, or NULL */
	int64_t		 form_version;		/* 0 when no form */
	char		*body;			/* exact signed bytes, NUL added */
	size_t		 len;			/* bytes in body */
	char		*sig;			/* minisign signature file, or NULL */
	char		*status;		/* from the store, or NULL */
	json_t		*doc;			/* the parsed body */
	int64_t		 office_state;		/* office_head's version: the
						   office state its device held
						   (0: none cited) */
	/* Set by record_create(): the created time of the device's record
	 * before, when this machine's clock stood before it ("" if not). */
	char		 clock_behind[32];
};

/*
 * Parse and check a record's bytes: JSON object, format 1, known type,
 * device key id, seq >= 1, prev (null exactly for seq 1), created, inspector.
 */
int record_parse(struct record *out, const char *body, size_t len);
void record_clear(struct record *r);

/*
 * The header fields of a record's bytes, read without building the JSON
 * tree: the fast path of verification, for bytes that were checked by
 * record_parse() when they were stored.  LT_EINVAL when the bytes are not
 * a plain object (any escape in a string included): parse them instead.
 */
struct record_peek {
	char	type[16];
	char	device[KEY_ID_HEX];
	int64_t	seq;
	char	prev[65];
	int	prev_null;
	char	created[32];
};
int record_peek(const char *body, size_t len, struct record_peek *out);

/* "lantian <type> id=<id> device=<key id> seq=<n>"; caller frees. */
char *record_trusted_comment(const struct record *r);

/*
 * Make, sign and store the device's next record.  fields holds what
 * follows the header (inspector, site, form, answers ...), in order; the
 * header (type, format, device, seq, prev, created) comes from the store's
 * chain head and the clock.  Must run inside a transaction (db_begin) so
 * that the chain cannot fork under two writers.
 */
int record_create(sqlite3 *db, const struct key_secret *sk, const char *type,
    json_t *fields, struct record *out);

/*
 * Insert a parsed record with its signature: the records row, its findings
 * (closing those of the record it follows that no longer fire), and the
 * device's chain head.  Inside a transaction.  LT_EEXISTS if the id is stored.
 */
int record_store(sqlite3 *db, const struct record *r, const char *status,
    const char *why);
/*
 * Only the records row: a record import refused (bad signature, a fork)
 * is kept with its reason, but it founds no findings and moves no chain.
 */
int record_store_row(sqlite3 *db, const struct record *r, const char *status,
    const char *why);
/* Judge a stored record again: its status and status_why (why may be NULL). */
int record_set_status(sqlite3 *db, const char *id, const char *status,
    const char *why);

/*
 * Load a record by id or by a unique prefix of at least 8 hex digits.
 * LT_ENOTFOUND, or LT_EINVAL when the prefix is ambiguous.
 */
int record_load(sqlite3 *db, const char *id, struct record *out);

/*
 * Check a record's minisign signature file against its device's public
 * key: the signature over the exact bytes and a trusted comment naming
 * this record (type, id, device, seq).  0, or LT_ESIG with why in
 * error_msg().
 */
int record_check_sig(const char *id, const char *type, const char *device,
    int64_t seq, const char *body, size_t len, const char *sig,
    const struct key_public *pk);
/* The text of a bilingual {zh, en} object in lang, else the other one. */
const char *record_text(const json_t *obj, const char *lang);

#endif
