#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "error.h"
#include "key.h"
#include "record.h"
#include "sig.h"
#include "util.h"
#include "verify.h"

#define VERIFY_BATCH	1024
#define VERIFY_THREADS	16
#define VERIFY_FORKS	8	/* ids remembered at one seq (a fork) */

struct verify_key {
	char			id[KEY_ID_HEX];
	struct key_public	pk;
};

struct verify_row {
	char		 id[65];
	char		 device[KEY_ID_HEX];
	int64_t		 seq;
	char		 prev[65];	/* from the body when it parses */
	char		 created[32];
	char		*type;
	char		*body;
	size_t		 len;
	char		*sig;
	int		 check;		/* check this row's signature */
	int		 refused;	/* stored as forged by import */
	const char	*kind;		/* set by the worker on a problem */
	char		 why[256];
};

struct verify_ctx {
	struct verify_key	*keys;
	size_t			 nkeys;
	struct verify_row	*rows;
	size_t			 nrows;
	int			 threads;
	char			**only;		/* the ids asked for, sorted */
	size_t			 nonly;
	verify_report_fn	 report;
	void			*arg;
	struct verify_stats	*stats;
	/* The chain walk's state for the current device. */
	char			 device[KEY_ID_HEX];
	int64_t			 last_seq;
	char			 last_ids[VERIFY_FORKS][65];
	int			 nlast;
	char			 last_created[32];
	char			 ahead[32];	/* this machine's clock + a day */
};

struct verify_worker {
	struct verify_ctx	*ctx;
	size_t			 first;
	pthread_t		 thread;
};

static int
verify_keycmp(const void *a, const void *b)
{
	return strcmp(((const struct verify_key *)a)->id,
	    ((const struct verify_key *)b)->id);
}

static int
verify_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
verify_load_keys(sqlite3 *db, struct verify_ctx *ctx)
{
	sqlite3_stmt	*st;
	size_t		 size = 0;
	int		 rc;

	if ((rc = db_prepare(db, &st, "SELECT id, pubkey FROM keys")) != 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *b64 = (const char *)sqlite3_column_text(st, 1);
		struct verify_key k;
		if (b64 == NULL || key_public_parse(b64, strlen(b64),
		    &k.pk) != 0)
			continue;
		key_id_hex(k.id, k.pk.id);
		if (ctx->nkeys == size) {
			size = size == 0 ? 16 : size * 2;
			ctx->keys = xrealloc(ctx->keys, size * sizeof k);
		}
		ctx->keys[ctx->nkeys++] = k;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(db, "keys");
	if (ctx->nkeys > 1)
		qsort(ctx->keys, ctx->nkeys, sizeof *ctx->keys, verify_keycmp);
	error_clear();
	return 0;
}

static const struct key_public *
verify_find_key(const struct verify_ctx *ctx, const char *device)
{
	struct verify_key	want, *k;

	if (ctx->nkeys == 0)
		return NULL;
	snprintf(want.id, sizeof want.id, "%s", device);
	k = bsearch(&want, ctx->keys, ctx->nkeys, sizeof *ctx->keys,
	    verify_keycmp);
	return k != NULL ? &k->pk : NULL;
}

/* The header of a stored record: fast scan, or a full parse if need be. */
static int
verify_header(const struct verify_row *r, struct record_peek *h)
{
	struct record	rec;

	if (record_peek(r->body, r->len, h) == 0 && h->type[0] != '\0' &&
	    h->device[0] != '\0' && h->seq > 0 &&
	    (h->seq == 1 ? h->prev_null == 1 : h->prev[0] != '\0'))
		return 0;
	if (record_parse(&rec, r->body, r->len) != 0)
		return LT_EINVAL;
	memset(h, 0, sizeof *h);
	snprintf(h->type, sizeof h->type, "%s", rec.type);
	memcpy(h->device, rec.device, sizeof h->device);
	h->seq = rec.seq;
	memcpy(h->prev, rec.prev, sizeof h->prev);
	memcpy(h->created, rec.created, sizeof h->created);
	record_clear(&rec);
	return 0;
}

/* Check one record's id, body and signature; note the first problem. */
static void
verify_row(const struct verify_ctx *ctx, struct verify_row *r)
{
	const struct key_public	*pk;
	struct record_peek	 h;
	char			 id[65];

	util_sha256_hex(id, r->body, r->len);
	if (strcmp(id, r->id) != 0) {
		r->kind = "id-mismatch";
		snprintf(r->why, sizeof r->why, "the bytes hash to %.16s..., "
		    "not to the id they are stored under", id);
		return;
	}
	if (verify_header(r, &h) != 0) {
		r->kind = "bad-record";
		snprintf(r->why, sizeof r->why, "%s", error_msg());
		return;
	}
	memcpy(r->prev, h.prev, sizeof r->prev);
	if (strcmp(h.device, r->device) != 0 || h.seq != r->seq ||
	    strcmp(h.type, r->type) != 0) {
		r->kind = "bad-record";
		snprintf(r->why, sizeof r->why, "the store's index disagrees "
		    "with the record's bytes (device %s seq %" PRId64 ")",
		    h.device, h.seq);
		return;
	}
	if ((pk = verify_find_key(ctx, r->device)) == NULL) {
		r->kind = "unknown-key";
		snprintf(r->why, sizeof r->why, "no public key for device %s",
		    r->device);
		return;
	}
	if (record_check_sig(r->id, h.type, h.device, h.seq, r->body, r->len,
	    r->sig, pk) != 0) {
		r->kind = "bad-signature";
		snprintf(r->why, sizeof r->why, "%s", error_msg());
	}
}

static void *
verify_work(void *p)
{
	struct verify_worker	*w = p;
	struct verify_ctx	*ctx = w->ctx;
	size_t			 i;

	for (i = w->first; i < ctx->nrows; i += (size_t)ctx->threads) {
		if (ctx->rows[i].check)
			verify_row(ctx, &ctx->rows[i]);
	}
	return NULL;
}

static int
verify_wanted(const struct verify_ctx *ctx, const char *id)
{
	const char	*key = id;

	if (ctx->only == NULL)
		return 1;
	return bsearch(&key, ctx->only, ctx->nonly, sizeof *ctx->only,
	    verify_strcmp) != NULL;
}

static void
verify_say(struct verify_ctx *ctx, const struct verify_row *r,
    const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
verify_say(struct verify_ctx *ctx, const struct verify_row *r,
    const char *kind, const char *fmt, ...)
{
	struct verify_problem	p;
	char			why[512];
	va_list			ap;

	if (!verify_wanted(ctx, r->id))
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	p.id = r->id;
	p.device = r->device;
	p.seq = r->seq;
	p.kind = kind;
	p.why = why;
	ctx->stats->problems++;
	ctx->report(&p, ctx->arg);
}

/* Walk the chain through one record (rows come in device, seq order). */
static void
verify_chain(struct verify_ctx *ctx, const struct verify_row *r)
{
	int	i, linked;

	if (strcmp(ctx->device, r->device) != 0) {
		snprintf(ctx->device, sizeof ctx->device, "%s", r->device);
		ctx->last_seq = 0;
		ctx->nlast = 0;
		ctx->last_created[0] = '\0';
	}
	if (r->seq == ctx->last_seq) {
		verify_say(ctx, r, "fork", "two records with seq %" PRId64
		    " from one device (also %.16s...)", r->seq,
		    ctx->last_ids[0]);
		if (ctx->nlast < VERIFY_FORKS)
			memcpy(ctx->last_ids[ctx->nlast++], r->id, 65);
		return;
	}
	if (r->seq > ctx->last_seq + 1) {
		if (r->seq == ctx->last_seq + 2)
			verify_say(ctx, r, "chain-gap", "record seq %" PRId64
			    " is missing before this one", r->seq - 1);
		else
			verify_say(ctx, r, "chain-gap", "records seq %" PRId64
			    " to %" PRId64 " are missing before this one",
			    ctx->last_seq + 1, r->seq - 1);
	} else if (r->seq > 1) {
		for (linked = 0, i = 0; i < ctx->nlast; i++) {
			if (strcmp(ctx->last_ids[i], r->prev) == 0)
				linked = 1;
		}
		if (!linked)
			verify_say(ctx, r, "chain-break", "prev %.16s... is not "
			    "the device's record seq %" PRId64, r->prev,
			    r->seq - 1);
	}
	if (ctx->last_created[0] != '\0' &&
	    strcmp(r->created, ctx->last_created) < 0)
		verify_say(ctx, r, "clock-backwards", "created %s, before "
		    "the device's previous record (%s)", r->created,
		    ctx->last_created);
	/* A record made a day or more after this machine's now: a clock
	 * set forward (the records after it will go back in time). */
	if (strcmp(r->created, ctx->ahead) > 0)
		verify_say(ctx, r, "clock-ahead", "created %s, after this "
		    "machine's clock", r->created);
	ctx->last_seq = r->seq;
	ctx->nlast = 1;
	memcpy(ctx->last_ids[0], r->id, 65);
	snprintf(ctx->last_created, sizeof ctx->last_created, "%s",
	    r->created);
}

static void
verify_free_rows(struct verify_ctx *ctx)
{
	size_t	i;

	for (i = 0; i < ctx->nrows; i++) {
		free(ctx->rows[i].type);
		free(ctx->rows[i].body);
		free(ctx->rows[i].sig);
	}
	ctx->nrows = 0;
}

/* Verify a batch of rows on the worker threads, then walk their chain. */
static void
verify_batch(struct verify_ctx *ctx)
{
	struct verify_worker	w[VERIFY_THREADS];
	size_t			i;
	int			t, started = 0;

	for (t = 0; t < ctx->threads; t++) {
		w[t].ctx = ctx;
		w[t].first = (size_t)t;
		if (t > 0 && pthread_create(&w[t].thread, NULL, verify_work,
		    &w[t]) == 0)
			started |= 1 << t;
		else if (t > 0)
			verify_work(&w[t]);
	}
	verify_work(&w[0]);
	for (t = 1; t < ctx->threads; t++) {
		if (started & (1 << t))
			pthread_join(w[t].thread, NULL);
	}
	for (i = 0; i < ctx->nrows; i++) {
		struct verify_row *r = &ctx->rows[i];
		if (r->check) {
			ctx->stats->records++;
			if (r->kind != NULL)
				verify_say(ctx, r, r->kind, "%s", r->why);
		}
		/* A forged copy is no link of the chain: the genuine record
		 * at its seq is not a fork of it. */
		if (r->refused)
			continue;
		verify_chain(ctx, r);
	}
	verify_free_rows(ctx);
}

/* Walk the records of one device (or all when device is NULL). */
static int
verify_walk(sqlite3 *db, struct verify_ctx *ctx, const char *device)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_prepare(db, &st, "SELECT id, device, seq, prev, type, "
	    "created, body, sig, status IN ('bad-signature', 'id-mismatch') "
	    "FROM records WHERE ?1 IS NULL OR device = ?1 ORDER BY device, seq")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	ctx->device[0] = '\0';
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct verify_row *r = &ctx->rows[ctx->nrows++];
		const char *s;

		memset(r, 0, sizeof *r);
		snprintf(r->id, sizeof r->id, "%s", sqlite3_column_text(st, 0));
		snprintf(r->device, sizeof r->device, "%s",
		    sqlite3_column_text(st, 1));
		r->seq = sqlite3_column_int64(st, 2);
		if ((s = (const char *)sqlite3_column_text(st, 3)) != NULL)
			snprintf(r->prev, sizeof r->prev, "%s", s);
		r->type = xstrdup((const char *)sqlite3_column_text(st, 4));
		snprintf(r->created, sizeof r->created, "%s",
		    sqlite3_column_text(st, 5));
		r->len = (size_t)sqlite3_column_bytes(st, 6);
		r->body = xstrndup(sqlite3_column_blob(st, 6) != NULL ?
		    sqlite3_column_blob(st, 6) : "", r->len);
		if ((s = (const char *)sqlite3_column_text(st, 7)) != NULL)
			r->sig = xstrdup(s);
		r->check = verify_wanted(ctx, r->id);
		r->refused = sqlite3_column_int(st, 8);
		if (ctx->nrows == VERIFY_BATCH)
			verify_batch(ctx);
	}
	if (rc == SQLITE_DONE) {
		verify_batch(ctx);
		rc = 0;
	} else {
		verify_free_rows(ctx);
		rc = db_error(db, "records");
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * Each device's chain head must be a stored record: a head past the last
 * stored record means the newest records went missing.
 */
static int
verify_heads(sqlite3 *db, struct verify_ctx *ctx)
{
	sqlite3_stmt		*st, *mx;
	struct verify_row	 r;
	int64_t			 last;
	int			 rc;

	if ((rc = db_prepare(db, &st, "SELECT device, seq, id FROM chain "
	    "WHERE NOT EXISTS (SELECT 1 FROM records WHERE records.id = "
	    "chain.id) ORDER BY device")) != 0)
		return rc;
	if ((rc = db_prepare(db, &mx, "SELECT max(seq) FROM records WHERE "
	    "device = ?1")) != 0) {
		sqlite3_finalize(st);
		return rc;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		snprintf(r.device, sizeof r.device, "%s",
		    sqlite3_column_text(st, 0));
		r.seq = sqlite3_column_int64(st, 1);
		snprintf(r.id, sizeof r.id, "%s", sqlite3_column_text(st, 2));
		sqlite3_reset(mx);
		db_bind_text(mx, 1, r.device);
		last = sqlite3_step(mx) == SQLITE_ROW ?
		    sqlite3_column_int64(mx, 0) : 0;
		if (last < r.seq)
			verify_say(ctx, &r, "chain-gap", "records seq %" PRId64
			    " to %" PRId64 " are missing at the end of the "
			    "chain (the chain head names this one)", last + 1,
			    r.seq);
		else
			verify_say(ctx, &r, "chain-break", "the chain head "
			    "names a record that is not in the store");
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, "chain");
	sqlite3_finalize(st);
	sqlite3_finalize(mx);
	return rc;
}

int
verify_store(sqlite3 *db, const char *const *ids, size_t nids, int threads,
    verify_report_fn report, void *arg, struct verify_stats *stats)
{
	struct verify_ctx	 ctx;
	struct record		 rec;
	char			**devices = NULL;
	size_t			 i, ndev = 0;
	long			 cores;
	int			 rc = 0;

	memset(&ctx, 0, sizeof ctx);
	memset(stats, 0, sizeof *stats);
	if (threads <= 0) {
		cores = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cores > 0 ? (int)cores : 1;
	}
	ctx.threads = threads > VERIFY_THREADS ? VERIFY_THREADS : threads;
	ctx.report = report;
	ctx.arg = arg;
	ctx.stats = stats;
	util_rfc3339(ctx.ahead, sizeof ctx.ahead, util_now() + 86400);
	ctx.rows = xcalloc(VERIFY_BATCH, sizeof *ctx.rows);
	/*
	 * The whole store: its pages first.  A damaged index answers
	 * lookups wrongly without a word, and the store is marked damaged
	 * so that nothing more is signed into it (db_begin); a clean check
	 * clears the mark.
	 */
	if (nids == 0) {
		struct verify_problem	 sp;
		char			*why;

		if (db_quick_check(db, &why)) {
			memset(&sp, 0, sizeof sp);
			sp.kind = "store-damaged";
			sp.why = why;
			stats->problems++;
			report(&sp, arg);
			db_mark_corrupt(db, why);
		} else
			db_mark_sound(db);
		free(why);
	}
	if ((rc = verify_load_keys(db, &ctx)) != 0)
		goto cleanup;

	if (nids == 0) {
		if ((rc = verify_walk(db, &ctx, NULL)) == 0)
			rc = verify_heads(db, &ctx);
		goto cleanup;
	}
	/* Named records: resolve prefixes, then walk only their devices. */
	ctx.only = xcalloc(nids, sizeof *ctx.only);
	devices = xcalloc(nids, sizeof *devices);
	for (i = 0; i < nids; i++) {
		if ((rc = record_load(db, ids[i], &rec)) != 0) {
			/* A stored row whose bytes no longer parse still has
			 * an id: fall back to the id as given. */
			if (rc != LT_EINVAL || strlen(ids[i]) != 64)
				goto cleanup;
			ctx.only[ctx.nonly++] = xstrdup(ids[i]);
			continue;
		}
		ctx.only[ctx.nonly++] = xstrdup(rec.id);
		size_t j;
		for (j = 0; j < ndev && strcmp(devices[j], rec.device) != 0; j++)
			;
		if (j == ndev)
			devices[ndev++] = xstrdup(rec.device);
		record_clear(&rec);
	}
	qsort(ctx.only, ctx.nonly, sizeof *ctx.only, verify_strcmp);
	for (i = 0; i < ndev && rc == 0; i++)
		rc = verify_walk(db, &ctx, devices[i]);
cleanup:
	for (i = 0; i < ctx.nonly; i++)
		free(ctx.only[i]);
	for (i = 0; i < ndev; i++)
		free(devices[i]);
	free(ctx.only);
	free(devices);
	free(ctx.keys);
	free(ctx.rows);
	return rc;
}
