#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "key.h"
#include "record.h"
#include "trust.h"
#include "util.h"

/* Above any time: the open end of a range of created. */
#define TRUST_END	"~"

/* What every record's status depends on besides its own roster entry. */
struct trust_ctx {
	int	 anchor;	/* does the store trust an office key? */
	char	*own;		/* this device's key id, or NULL */
};

/* Read the office anchor and the device's own key id. */
static int
trust_ctx_load(sqlite3 *db, struct trust_ctx *ctx)
{
	char	*pub;
	int	 rc;

	memset(ctx, 0, sizeof *ctx);
	if ((rc = db_setting_get(db, "office.pub", &pub)) != 0)
		return rc;
	ctx->anchor = pub != NULL;
	free(pub);
	return db_setting_get(db, "device", &ctx->own);
}

/* The roster's valid_from and revoked_at ("" if none) of device. */
static int
trust_entry(sqlite3 *db, const char *device, int *found, char from[32],
    char until[32], int64_t *rev_state)
{
	sqlite3_stmt	*st;
	const char	*s;
	int		 rc;

	*found = 0;
	*rev_state = 0;
	from[0] = until[0] = '\0';
	if ((rc = db_cached(db, &st, "SELECT valid_from, revoked_at, "
	    "json_extract(CAST(body AS TEXT), '$.state') FROM roster WHERE "
	    "key_id = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		snprintf(from, 32, "%s", sqlite3_column_text(st, 0));
		s = (const char *)sqlite3_column_text(st, 1);
		snprintf(until, 32, "%s", s != NULL ? s : "");
		if (s != NULL)
			*rev_state = sqlite3_column_int64(st, 2);
		rc = 0;
	} else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "roster");
	sqlite3_reset(st);
	return rc;
}

int
trust_key_load(sqlite3 *db, const char *device, struct trust_key *k)
{
	struct trust_ctx	 ctx;
	int			 rc;

	memset(k, 0, sizeof *k);
	if ((rc = trust_ctx_load(db, &ctx)) != 0)
		goto cleanup;
	k->anchor = ctx.anchor;
	k->own = ctx.own != NULL && strcmp(ctx.own, device) == 0;
	if (k->anchor)
		rc = trust_entry(db, device, &k->enrolled, k->from, k->until,
		    &k->rev_state);
cleanup:
	free(ctx.own);
	return rc;
}

void
trust_key_status(const struct trust_key *k, const char *created,
    int64_t office_state, const char **status, const char **why)
{
	*why = NULL;
	if (!k->anchor) {
		*status = k->own ? TRUST_SIGNED : TRUST_UNKNOWN_KEY;
		*why = k->own ? NULL : TRUST_WHY_NO_OFFICE;
	} else if (!k->enrolled) {
		*status = TRUST_UNKNOWN_KEY;
		*why = TRUST_WHY_NOT_ENROLLED;
	} else if (strcmp(created, k->from) < 0) {
		*status = TRUST_UNKNOWN_KEY;
		*why = TRUST_WHY_NOT_YET;
	} else if (k->until[0] != '\0' && strcmp(created, k->until) >= 0) {
		*status = TRUST_REVOKED;
		*why = TRUST_WHY_REVOKED;
	} else if (k->until[0] != '\0' && k->rev_state > 0 &&
	    office_state >= k->rev_state) {
		*status = TRUST_REVOKED;
		*why = TRUST_WHY_KNEW_REVOKED;
	} else
		*status = TRUST_VERIFIED;
}

int
trust_status(sqlite3 *db, const char *device, const char *created,
    int64_t office_state, const char **status, const char **why)
{
	struct trust_key	k;
	int			rc;

	if ((rc = trust_key_load(db, device, &k)) != 0)
		return rc;
	trust_key_status(&k, created, office_state, status, why);
	return 0;
}

/*
 * The verified records of device that cite an office state at or above
 * rev_state (the one that revokes its key) are revoked: their device
 * knew, whatever their created says.  The range updates by created
 * cannot see this; it is rare (a revoked key), so the device's verified
 * records are read through the index for it.
 */
static int
trust_knew_revoked(sqlite3 *db, const char *device, int64_t rev_state)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_cached(db, &st, "UPDATE records INDEXED BY records_status "
	    "SET status = 'revoked', status_why = ?3 WHERE status = "
	    "'verified' AND device = ?1 AND json_extract(CAST(body AS TEXT), "
	    "'$.office_head.version') >= ?2")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	sqlite3_bind_int64(st, 2, rev_state);
	db_bind_text(st, 3, TRUST_WHY_KNEW_REVOKED);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "records");
	sqlite3_reset(st);
	return rc;
}

/*
 * Give status and why to the records of device made in [lo, hi) whose
 * status the roster decides.  The index records_status(status, device,
 * created) finds exactly the rows to change: those with another status
 * (and, for unknown-key, which has several reasons, another why).
 */
static int
trust_set(sqlite3 *db, const char *device, const char *lo, const char *hi,
    const char *status, const char *why)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (strcmp(lo, hi) >= 0)
		return 0;
	if ((rc = db_cached(db, &st, "UPDATE records INDEXED BY records_status "
	    "SET status = ?2, status_why = ?3 "
	    "WHERE status IN ('signed', 'verified', 'unknown-key', 'revoked') "
	    "AND status <> ?2 AND device = ?1 "
	    "AND created >= ?4 AND created < ?5")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	db_bind_text(st, 2, status);
	db_bind_text(st, 3, why);
	db_bind_text(st, 4, lo);
	db_bind_text(st, 5, hi);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "records");
	sqlite3_reset(st);
	if (rc != 0 || strcmp(status, TRUST_UNKNOWN_KEY) != 0)
		return rc;

	if ((rc = db_cached(db, &st, "UPDATE records INDEXED BY records_status "
	    "SET status_why = ?3 WHERE status = ?2 AND device = ?1 "
	    "AND created >= ?4 AND created < ?5 "
	    "AND status_why IS NOT ?3")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	db_bind_text(st, 2, status);
	db_bind_text(st, 3, why);
	db_bind_text(st, 4, lo);
	db_bind_text(st, 5, hi);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "records");
	sqlite3_reset(st);
	return rc;
}

int
trust_roster_key(sqlite3 *db, const char *device, struct key_public *out)
{
	sqlite3_stmt	*st;
	const char	*b64;
	char		 hex[KEY_ID_HEX];
	int		 rc;

	if ((rc = db_cached(db, &st, "SELECT pubkey FROM roster WHERE "
	    "key_id = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		b64 = (const char *)sqlite3_column_text(st, 0);
		rc = key_public_parse(b64, strlen(b64), out);
		if (rc == 0) {
			key_id_hex(hex, out->id);
			if (strcmp(hex, device) != 0)
				rc = error_set(LT_EINVAL, "roster entry %s: "
				    "its key is %s", device, hex);
		}
	} else if (rc == SQLITE_DONE)
		rc = error_set(LT_ENOTFOUND, "%s: not on the roster", device);
	else
		rc = db_error(db, "roster");
	sqlite3_reset(st);
	return rc;
}

/*
 * Check, with the roster entry's key, the signatures of device's records
 * made at or after from that are unknown-key: they were stored before
 * the key was enrolled, checked with no key the office vouches for.  A
 * record whose signature fails is bad-signature from now on.
 */
static int
trust_check_unchecked(sqlite3 *db, const char *device, const char *from)
{
	struct key_public	 pk;
	sqlite3_stmt		*st = NULL, *up = NULL;
	int			 rc;

	if ((rc = trust_roster_key(db, device, &pk)) != 0)
		return rc;
	if ((rc = db_prepare(db, &st, "SELECT id, type, seq, body, sig FROM "
	    "records INDEXED BY records_status WHERE status = 'unknown-key' "
	    "AND device = ?1 AND created >= ?2")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	db_bind_text(st, 2, from);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (record_check_sig((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1), device,
		    sqlite3_column_int64(st, 2), sqlite3_column_blob(st, 3),
		    (size_t)sqlite3_column_bytes(st, 3),
		    (const char *)sqlite3_column_text(st, 4), &pk) == 0)
			continue;
		if (up == NULL && (rc = db_prepare(db, &up, "UPDATE records "
		    "SET status = 'bad-signature', status_why = ?2 "
		    "WHERE id = ?1")) != 0)
			goto cleanup;
		db_bind_text(up, 1, (const char *)sqlite3_column_text(st, 0));
		db_bind_text(up, 2, TRUST_WHY_NOT_ROSTER_KEY);
		rc = sqlite3_step(up);
		sqlite3_reset(up);
		if (rc != SQLITE_DONE) {
			rc = db_error(db, "records");
			goto cleanup;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, "records");
cleanup:
	sqlite3_finalize(up);
	sqlite3_finalize(st);
	return rc;
}

/* Recompute the status of one device's records. */
static int
trust_refresh_device(sqlite3 *db, const struct trust_ctx *ctx,
    const char *device)
{
	char	from[32], until[32];
	int64_t	rev_state;
	int	rc, found;

	if (!ctx->anchor) {
		if (ctx->own != NULL && strcmp(ctx->own, device) == 0)
			return trust_set(db, device, "", TRUST_END,
			    TRUST_SIGNED, NULL);
		return trust_set(db, device, "", TRUST_END, TRUST_UNKNOWN_KEY,
		    TRUST_WHY_NO_OFFICE);
	}
	if ((rc = trust_entry(db, device, &found, from, until,
	    &rev_state)) != 0)
		return rc;
	if (!found)
		return trust_set(db, device, "", TRUST_END, TRUST_UNKNOWN_KEY,
		    TRUST_WHY_NOT_ENROLLED);
	if ((rc = trust_set(db, device, "", from, TRUST_UNKNOWN_KEY,
	    TRUST_WHY_NOT_YET)) != 0)
		return rc;
	if ((rc = trust_check_unchecked(db, device, from)) != 0)
		return rc;
	if (until[0] == '\0')
		return trust_set(db, device, from, TRUST_END, TRUST_VERIFIED,
		    NULL);
	if ((rc = trust_set(db, device, from, until, TRUST_VERIFIED,
	    NULL)) != 0)
		return rc;
	if ((rc = trust_set(db, device, strcmp(from, until) > 0 ? from : until,
	    TRUST_END, TRUST_REVOKED, TRUST_WHY_REVOKED)) != 0)
		return rc;
	return rev_state > 0 ? trust_knew_revoked(db, device, rev_state) : 0;
}

/* Recompute the roster-derived status of stored records. */
int
trust_refresh(sqlite3 *db, const char *device)
{
	struct trust_ctx	 ctx;
	sqlite3_stmt		*st = NULL;
	int			 rc;

	if ((rc = trust_ctx_load(db, &ctx)) != 0)
		goto cleanup;
	if (device != NULL) {
		rc = trust_refresh_device(db, &ctx, device);
		goto cleanup;
	}
	/* Every device with records has its chain head. */
	if ((rc = db_prepare(db, &st, "SELECT device FROM chain")) != 0)
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = trust_refresh_device(db, &ctx,
		    (const char *)sqlite3_column_text(st, 0))) != 0)
			goto cleanup;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, "chain");
cleanup:
	sqlite3_finalize(st);
	free(ctx.own);
	return rc;
}
