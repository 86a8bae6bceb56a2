/*
 * The trust status of stored records: what records.status and
 * records.status_why say.
 *
 *   signed         the signature and chain hold and the record is this
 *                  device's own, on a device that trusts no office key (a
 *                  lone device): there is no roster to judge it by.
 *   verified       the signature and chain hold, and the device key is on
 *                  the roster of the trusted office key, valid at the
 *                  record's created time (valid_from <= created, and not
 *                  revoked at or before it).
 *   unknown-key    the signature holds, but its key is not on the roster,
 *                  the roster entry was not yet valid when the record was
 *                  made, or this device trusts no office key at all.
 *   revoked        the key was revoked at or before the record's created
 *                  time.
 *   bad-signature  the signature does not hold (set by import).
 *   id-mismatch    the bytes do not hash to the record's id (import).
 *   chain-gap      a record before it in its device's chain is missing
 *                  (import).
 *   fork           two records of one device with one seq (import).
 *
 * The first four follow from the roster and the office key, and
 * trust_refresh() recomputes them whenever either changes; the others are
 * facts about the bytes and the chain, which no roster changes, so
 * trust_refresh() leaves them as they are.
 *
 * A record stored as "signed" (record_create() stores a device's own
 * records so) while an office key is trusted, or with another device's
 * key, takes its status from the roster at once: the store does that in
 * the trigger records_trust (migration 5), by the rules of trust_status().
 * Import, which judges others' records, can ask trust_status() itself and
 * store the answer.
 *
 * Times compare as text: created, valid_from and revoked_at are all UTC
 * RFC 3339 with seconds, as util_rfc3339() writes them.
 */
#ifndef LANTIAN_TRUST_H
#define LANTIAN_TRUST_H

#include <stdint.h>

#include <sqlite3.h>

#define TRUST_SIGNED		"signed"
#define TRUST_VERIFIED		"verified"
#define TRUST_UNKNOWN_KEY	"unknown-key"
#define TRUST_REVOKED		"revoked"
#define TRUST_BAD_SIGNATURE	"bad-signature"
#define TRUST_ID_MISMATCH	"id-mismatch"
#define TRUST_CHAIN_GAP		"chain-gap"
#define TRUST_FORK		"fork"

/* The status_why of each roster-derived status (NULL for the good ones). */
#define TRUST_WHY_NO_OFFICE	"no office key is trusted on this device"
#define TRUST_WHY_NOT_ENROLLED	"the key is not on the office's roster"
#define TRUST_WHY_NOT_YET	"made before the key's roster entry is valid"
#define TRUST_WHY_REVOKED	"the key was revoked before this was made"
#define TRUST_WHY_KNEW_REVOKED \
	"made by a device that held its own revocation (it cites the office " \
	"state that revokes its key), whatever its clock said"
#define TRUST_WHY_NOT_ROSTER_KEY \
	"not signed by the key of its roster entry (a key id names a key, " \
	"it never proves one)"
#define TRUST_WHY_BRANCH_KEY \
	"the key is not on the office's roster, and the signature does not " \
	"hold with the key its branch carries"

/*
 * The status of a record of device made at created (a record whose
 * signature and chain hold), from the office key and the roster of the
 * store: *status is one of the TRUST_* constants, *why a TRUST_WHY_*
 * constant or NULL (both static).
 */
int trust_status(sqlite3 *db, const char *device, const char *created,
    int64_t office_state, const char **status, const char **why);

/*
 * The same judgement for many records of one device: what the store says
 * of the device (the office anchor, whether the key is this device's own,
 * its roster entry) read once, then each record's status from its created
 * time alone.  Valid while the roster and the office key do not change.
 */
struct trust_key {
	int	anchor;		/* the store trusts an office key */
	int	own;		/* the device is this store's own */
	int	enrolled;	/* the device has a roster entry */
	char	from[32];	/* its valid_from */
	char	until[32];	/* its revoked_at, or "" */
	int64_t	rev_state;	/* the office state the revoking entry is
				   first part of (0: unsaid) */
};

int trust_key_load(sqlite3 *db, const char *device, struct trust_key *k);
/*
 * office_state: the office state the record cites (its office_head's
 * version, 0 when none): a record citing the state that revokes its key
 * was made by a device that knew, and is revoked whatever its created.
 */
void trust_key_status(const struct trust_key *k, const char *created,
    int64_t office_state, const char **status, const char **why);

/*
 * The whole public key of device's roster entry, as the office signed it:
 * the only key a record of device is ever verified with (a key id is 8
 * bytes anyone can choose; a device.pub on a branch or a key in a bag
 * proves nothing).  LT_ENOTFOUND when device has no roster entry.
 */
struct key_public;
int trust_roster_key(sqlite3 *db, const char *device, struct key_public *out);

/*
 * Recompute the roster-derived status of the stored records of device
 * (all devices when NULL) from the trusted office key and the roster.
 * Only rows whose status changes are written; each device's records are
 * updated by ranges of created through the index records_status.  Must run
 * inside a transaction (db_begin).  A record that was "unknown-key" (its
 * key not yet enrolled, so checked with nothing the office vouches for)
 * has its signature checked with the roster entry's key before it
 * becomes verified or revoked; one that fails becomes bad-signature.
 */
int trust_refresh(sqlite3 *db, const char *device);

#endif
