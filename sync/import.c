#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/attach.h"
#include "core/db.h"
#include "core/error.h"
#include "core/key.h"
#include "core/office.h"
#include "core/record.h"
#include "core/roster.h"
#include "core/snapshot.h"
#include "core/trust.h"
#include "core/util.h"
#include "gitutil.h"
#include "import.h"
#include "import_priv.h"
#include "layout.h"

/* Records whose signatures are verified together. */
#define IMPORT_BATCH	256

/* One file of a record: seq and which half. */
struct import_file {
	int64_t	seq;
	int	sig;
	git_oid	oid;
	char	path[64];
};

void
import_note(struct datadir *dd, const char *remote, const char *ref,
    const char *path, const char *kind, const char *why, import_log_fn log,
    void *arg)
{
	sqlite3_stmt	*st;
	char		 now[32];

	if (log != NULL)
		log(kind, ref, path, why, arg);
	util_rfc3339(now, sizeof now, util_now());
	if (db_cached(dd->db, &st, "INSERT INTO sync_log (time, remote, "
	    "ref, path, kind, why) VALUES (?1, ?2, ?3, ?4, ?5, ?6)") == 0) {
		db_bind_text(st, 1, now);
		db_bind_text(st, 2, remote);
		db_bind_text(st, 3, ref);
		db_bind_text(st, 4, path);
		db_bind_text(st, 5, kind);
		db_bind_text(st, 6, why);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

/* A refusal's line and sync_log row (kept for later while deferred). */
static void
import_log(struct import_ctx *c, const char *kind, const char *path,
    const char *why)
{
	if (c->deferring) {
		c->deferred = xrealloc(c->deferred, (c->ndeferred + 1) *
		    sizeof *c->deferred);
		c->deferred[c->ndeferred].kind = kind;
		c->deferred[c->ndeferred].path = path != NULL ? xstrdup(path) :
		    NULL;
		c->deferred[c->ndeferred].why = xstrdup(why);
		c->ndeferred++;
		return;
	}
	import_note(c->dd, c->remote, c->ref, path, kind, why, c->log, c->arg);
}

/*
 * The refusals deferred while the office's state was taken inside a
 * savepoint, said now: a rollback of the state must not take their
 * sync_log rows with it.
 */
void
import_log_deferred(struct import_ctx *c)
{
	size_t	i;

	c->deferring = 0;
	for (i = 0; i < c->ndeferred; i++) {
		import_log(c, c->deferred[i].kind, c->deferred[i].path,
		    c->deferred[i].why);
		free(c->deferred[i].path);
		free(c->deferred[i].why);
	}
	free(c->deferred);
	c->deferred = NULL;
	c->ndeferred = 0;
}

/* Say why something was refused: to the caller and to sync_log. */
void
import_refuse(struct import_ctx *c, const char *kind, const char *path,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

void
import_refuse(struct import_ctx *c, const char *kind, const char *path,
    const char *fmt, ...)
{
	va_list		 ap;
	char		*why;
	size_t		 i;

	c->stats->rejected++;
	for (i = 0; i < IMPORT_KINDS && c->kinds[i].kind != NULL &&
	    strcmp(c->kinds[i].kind, kind) != 0; i++)
		;
	if (i < IMPORT_KINDS) {
		c->kinds[i].kind = kind;	/* a literal, always */
		if (c->kinds[i].logged >= IMPORT_LOG_MAX) {
			c->kinds[i].unlisted++;
			return;
		}
		c->kinds[i].logged++;
	}
	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	import_log(c, kind, path, why);
	free(why);
}

/* The refusals of the branch not listed, a line for each kind. */
static void
import_unlisted(struct import_ctx *c)
{
	char	*why;
	size_t	 i;

	for (i = 0; i < IMPORT_KINDS && c->kinds[i].kind != NULL; i++) {
		if (c->kinds[i].unlisted == 0)
			continue;
		why = xasprintf("%zu more like these on this branch, not "
		    "listed one by one", c->kinds[i].unlisted);
		import_log(c, c->kinds[i].kind, NULL, why);
		free(why);
	}
}

/*
 * Read a blob of at most max bytes (NUL added); a larger one is refused
 * without being loaded.  1 when read, 0 when refused (logged), or an error.
 */
int
import_read(struct import_ctx *c, const git_oid *oid, const char *path,
    size_t max, char **out, size_t *len)
{
	git_object_t	 type;
	git_blob	*blob;
	size_t		 size;

	/* A gitlink names a commit of another repository: nothing to read. */
	if (!git_odb_exists(c->odb, oid)) {
		import_refuse(c, "missing", path, "object %.12s is not in the "
		    "repository", git_oid_tostr_s(oid));
		return 0;
	}
	if (git_odb_read_header(&size, &type, c->odb, oid) < 0)
		return gitutil_error(path);
	if (type != GIT_OBJECT_BLOB) {
		import_refuse(c, "not-a-file", path, "not a file");
		return 0;
	}
	if (size > max) {
		import_refuse(c, "too-big", path, "%zu bytes, more than the "
		    "%zu allowed", size, max);
		return 0;
	}
	if (git_blob_lookup(&blob, c->repo, oid) < 0)
		return gitutil_error(path);
	*len = (size_t)git_blob_rawsize(blob);
	*out = xmalloc(*len + 1);
	memcpy(*out, git_blob_rawcontent(blob), *len);
	(*out)[*len] = '\0';
	git_blob_free(blob);
	return 1;
}

/* The id stored for (device, seq), or "" (id of 65). */
static int
import_id_at(sqlite3 *db, const char *device, int64_t seq, char id[65])
{
	sqlite3_stmt	*st;
	int		 rc;

	/* A record whose signature fails is not the device's: it neither
	 * takes a seq from the genuine record nor links a chain. */
	id[0] = '\0';
	if ((rc = db_cached(db, &st, "SELECT id FROM records WHERE device = ?1 "
	    "AND seq = ?2 AND status NOT IN ('bad-signature', 'id-mismatch') "
	    "ORDER BY status = 'fork' LIMIT 1")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	sqlite3_bind_int64(st, 2, seq);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(id, 65, "%s", sqlite3_column_text(st, 0));
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    db_error(db, "records");
	sqlite3_reset(st);
	return rc;
}

static int
import_have(sqlite3 *db, const char *id)
{
	sqlite3_stmt	*st;
	int		 have = 0;

	if (db_cached(db, &st, "SELECT 1 FROM records WHERE id = ?1") == 0) {
		db_bind_text(st, 1, id);
		have = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
	}
	return have;
}

/*
 * A record after a gap that the new record (seq, id) fills is judged
 * again, when it links to that record.
 */
static int
import_fill_gap(sqlite3 *db, const char *device, int64_t seq,
    const char *filler)
{
	const char	*status, *why;
	sqlite3_stmt	*st;
	char		 created[32], id[65];
	int64_t		 state = 0;
	int		 rc;

	if ((rc = db_cached(db, &st, "SELECT id, created, "
	    "json_extract(CAST(body AS TEXT), '$.office_head.version') FROM "
	    "records WHERE device = ?1 AND seq = ?2 AND prev = ?3 AND status = "
	    "'chain-gap'")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	sqlite3_bind_int64(st, 2, seq + 1);
	db_bind_text(st, 3, filler);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(id, sizeof id, "%s", sqlite3_column_text(st, 0));
		snprintf(created, sizeof created, "%s",
		    sqlite3_column_text(st, 1));
		state = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return 0;
	if ((rc = trust_status(db, device, created, state, &status,
	    &why)) != 0)
		return rc;
	return record_set_status(db, id, status, why);
}

/* A record read from the branch, waiting for its signature's verdict. */
struct import_pending {
	struct record			 r;
	struct import_file		 json;	/* where it was read */
	const struct key_public		*pk;
	const char			*keyid;	/* the branch's device */
	char				*body;	/* as read, NUL added */
	size_t				 len;
	char				*sig;
	const char			*refuse;	/* kind, when refused */
	int				 sig_ok;
	char				 why[256];
};

/*
 * Read a record's two files (the verifier threads judge them): 1 with p
 * filled, 0 when refused (logged), or an error.
 */
static int
import_prepare(struct import_ctx *c, const char *keyid,
    const struct import_file *json, const struct import_file *sigf,
    struct import_pending *p)
{
	size_t	siglen;
	int	rc;

	memset(p, 0, sizeof *p);
	p->json = *json;
	p->keyid = keyid;
	if ((rc = import_read(c, &json->oid, json->path, RECORD_MAX, &p->body,
	    &p->len)) != 1 || (rc = import_read(c, &sigf->oid, sigf->path,
	    LAYOUT_SIG_MAX, &p->sig, &siglen)) != 1) {
		free(p->body);
		p->body = NULL;
		return rc;
	}
	if (strlen(p->sig) != siglen) {
		import_refuse(c, "bad-signature", sigf->path, "not a "
		    "signature file");
		free(p->body);
		free(p->sig);
		p->body = p->sig = NULL;
		return 0;
	}
	return 1;
}

/* Free what a pending record holds. */
static void
import_pending_clear(struct import_pending *p)
{
	record_clear(&p->r);
	free(p->body);
	free(p->sig);
	p->body = p->sig = NULL;
}

/*
 * What one device branch's import knows of the device: the highest seq
 * stored before it began (every record above it comes from this import,
 * in seq order, one per seq), the last record it stored that links a
 * chain, and the roster's judgement of the key.  Above start, nothing
 * needs asking of the store: no record is there yet, seq-1 is the last
 * one stored or missing, and no chain gap waits to be filled.
 */
struct import_dev {
	int64_t			start;
	int64_t			last_seq;
	char			last_id[65];
	struct trust_key	trust;
};

static int
import_dev_load(sqlite3 *db, const char *device, struct import_dev *dev)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(dev, 0, sizeof *dev);
	if ((rc = db_cached(db, &st, "SELECT max(seq) FROM records WHERE "
	    "device = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		dev->start = sqlite3_column_int64(st, 0);
	rc = rc == SQLITE_ROW ? 0 : db_error(db, "records");
	sqlite3_reset(st);
	if (rc != 0)
		return rc;
	return trust_key_load(db, device, &dev->trust);
}

/* The id of the record linking the chain at seq, or "" (id of 65). */
static int
import_dev_id_at(sqlite3 *db, const struct import_dev *dev,
    const char *device, int64_t seq, char id[65])
{
	if (seq <= dev->start)
		return import_id_at(db, device, seq, id);
	snprintf(id, 65, "%s", seq == dev->last_seq ? dev->last_id : "");
	return 0;
}

/* The office state the stored record id cites (0 when none, or none). */
static int
import_state_before(sqlite3 *db, const char *id, int64_t *state)
{
	sqlite3_stmt	*st;
	int		 rc;

	*state = 0;
	if (id[0] == '\0')
		return 0;
	if ((rc = db_cached(db, &st, "SELECT json_extract(CAST(body AS TEXT), "
	    "'$.office_head.version') FROM records WHERE id = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*state = sqlite3_column_int64(st, 0);
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_error(db,
	    "records");
	sqlite3_reset(st);
	return rc;
}

/* Store a prepared record with its verdict. */
static int
import_commit(struct import_ctx *c, struct import_dev *dev,
    struct import_pending *p)
{
	struct record	*r = &p->r;
	const char	*status, *why;
	char		 prev[65], why_buf[160];
	int64_t		 before;
	int		 rc;

	if (r->seq <= dev->start && import_have(c->dd->db, r->id))
		return 0;
	if (!p->sig_ok && dev->trust.enrolled) {
		import_refuse(c, "bad-signature", p->json.path, "%s", p->why);
		return record_store_row(c->dd->db, r, TRUST_BAD_SIGNATURE,
		    p->why);
	}
	if (!p->sig_ok)
		import_refuse(c, "unknown-key", p->json.path, "%s (checked "
		    "with the branch's own key; kept as unknown-key until "
		    "the office enrols the key)", p->why);
	if ((rc = import_dev_id_at(c->dd->db, dev, r->device, r->seq,
	    prev)) != 0)
		return rc;
	if (prev[0] != '\0') {
		/*
		 * An equivocation: the device signed two records of one seq.
		 * Neither is evidence of anything, the first one stored
		 * included; both stay, marked fork, each naming the other.
		 */
		snprintf(why_buf, sizeof why_buf, "record %.16s has the same "
		    "seq %" PRId64, prev, r->seq);
		import_refuse(c, "fork", p->json.path, "%s", why_buf);
		if ((rc = record_store_row(c->dd->db, r, TRUST_FORK,
		    why_buf)) != 0)
			return rc;
		snprintf(why_buf, sizeof why_buf, "record %.16s has the same "
		    "seq %" PRId64, r->id, r->seq);
		return record_set_status(c->dd->db, prev, TRUST_FORK, why_buf);
	}
	if ((rc = import_dev_id_at(c->dd->db, dev, r->device, r->seq - 1,
	    prev)) != 0)
		return rc;
	if (r->seq > 1 && prev[0] == '\0') {
		status = TRUST_CHAIN_GAP;
		snprintf(why_buf, sizeof why_buf, "seq %" PRId64 " (before it) "
		    "is missing", r->seq - 1);
		why = why_buf;
	} else if (r->seq > 1 && strcmp(prev, r->prev) != 0) {
		status = TRUST_FORK;
		snprintf(why_buf, sizeof why_buf, "prev names %.16s, but seq %"
		    PRId64 " is %.16s", r->prev, r->seq - 1, prev);
		why = why_buf;
	} else if (!p->sig_ok) {
		status = TRUST_UNKNOWN_KEY;
		why = TRUST_WHY_BRANCH_KEY;
	} else if ((rc = import_state_before(c->dd->db, prev,
	    &before)) != 0)
		return rc;
	else if (r->office_state < before) {
		/* A device never unlearns: a later record citing an older
		 * office state than the one before it comes from a store
		 * put back or edited. */
		status = TRUST_FORK;
		snprintf(why_buf, sizeof why_buf, "cites office state %" PRId64
		    ", older than the %" PRId64 " its record seq %" PRId64
		    " cites", r->office_state, before, r->seq - 1);
		why = why_buf;
	} else
		trust_key_status(&dev->trust, r->created, r->office_state,
		    &status, &why);
	if ((rc = record_store(c->dd->db, r, status, why)) != 0)
		return rc;
	if (r->seq + 1 <= dev->start && (rc = import_fill_gap(c->dd->db,
	    r->device, r->seq, r->id)) != 0)
		return rc;
	if (r->seq > dev->start) {
		dev->last_seq = r->seq;
		snprintf(dev->last_id, sizeof dev->last_id, "%s", r->id);
	}
	c->stats->records++;
	if (strcmp(status, TRUST_VERIFIED) == 0)
		c->stats->verified++;
	return 0;
}

/*
 * The verifier threads and the batch they share.  Each takes the next
 * record not yet taken, so the threads finish together, and the import's
 * own thread takes what is left once it has read and stored its batches.
 */
struct import_pool {
	pthread_t		 thread[2];
	size_t			 started;
	struct import_pending	*p;
	size_t			 n;
	atomic_size_t		 next;
};

/* Parse a record, check it is where the branch says, verify it. */
static void
import_verify_one(struct import_pending *p)
{
	if (record_parse(&p->r, p->body, p->len) != 0) {
		p->refuse = "bad-record";
		snprintf(p->why, sizeof p->why, "%s", error_msg());
		return;
	}
	if (strcmp(p->r.device, p->keyid) != 0 || p->r.seq != p->json.seq) {
		p->refuse = "misplaced";
		snprintf(p->why, sizeof p->why, "record of device %s seq %"
		    PRId64 " on the branch of %s", p->r.device, p->r.seq,
		    p->keyid);
		return;
	}
	p->r.sig = p->sig;
	p->sig = NULL;
	p->sig_ok = record_check_sig(p->r.id, p->r.type, p->r.device,
	    p->r.seq, p->r.body, p->r.len, p->r.sig, p->pk) == 0;
	if (!p->sig_ok)
		snprintf(p->why, sizeof p->why, "%s", error_msg());
}

static void *
import_verify(void *arg)
{
	struct import_pool	*pool = arg;
	size_t			 i;

	while ((i = atomic_fetch_add(&pool->next, 1)) < pool->n)
		import_verify_one(&pool->p[i]);
	return NULL;
}

/* Start verifying the batch p of n records (nothing when n is 0). */
static void
import_pool_start(struct import_pool *pool, struct import_pending *p,
    size_t n)
{
	size_t	i;

	pool->p = p;
	pool->n = n;
	atomic_store(&pool->next, 0);
	for (pool->started = 0, i = 0; i < 2 && n > i; i++) {
		if (pthread_create(&pool->thread[i], NULL, import_verify,
		    pool) != 0)
			break;
		pool->started++;
	}
}

/* Help with what is left of the batch, then wait for it. */
static void
import_pool_join(struct import_pool *pool)
{
	size_t	i;

	import_verify(pool);
	for (i = 0; i < pool->started; i++)
		pthread_join(pool->thread[i], NULL);
	pool->started = 0;
	pool->n = 0;
}

/* Store a verified batch in seq order, clearing it. */
static int
import_store(struct import_ctx *c, struct import_dev *dev,
    struct import_pending *p, size_t *n)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < *n; i++) {
		if (rc == 0 && p[i].refuse != NULL)
			import_refuse(c, p[i].refuse, p[i].json.path, "%s",
			    p[i].why);
		else if (rc == 0)
			rc = import_commit(c, dev, &p[i]);
		import_pending_clear(&p[i]);
	}
	*n = 0;
	return rc;
}

/*
 * The walk of a device branch's tree against the tree imported last, in
 * git's order of names (which is seq order for the layout's paths), one
 * changed file at a time: nothing of it is gathered in memory, so a
 * branch of a million files costs what its largest tree costs, and no
 * tree larger than a device branch ever needs is read at all.  A tree
 * deeper than the layout is refused whole.
 */
#define WALK_DEPTH	4		/* root, records/, a shard, one more */
#define WALK_TREE_MAX	(1024 * 1024)	/* a shard of 1000 records: 50 kB */

struct walk_frame {
	git_tree	*old, *new;	/* either may be NULL */
	size_t		 i, j;		/* the next entry of each */
	size_t		 plen;		/* the path of the tree, with its / */
};

struct walk {
	struct import_ctx	*c;
	struct walk_frame	 f[WALK_DEPTH];
	int			 depth;
	char			*path;
	size_t			 size;
	/* One file looked at ahead (a record's signature follows it). */
	struct import_file	 next;
	int			 have;
	/* 2 seq + sig + 1 of the last record file given (0: none): git's
	 * order gives each once, in seq order, which import_dev relies on. */
	int64_t			 order;
};

/* Set the path to its first plen bytes and name after them. */
static void
walk_path(struct walk *w, size_t plen, const char *name)
{
	size_t	n = strlen(name);

	if (plen + n + 2 > w->size) {
		w->size = plen + n + 64;
		w->path = xrealloc(w->path, w->size);
	}
	memcpy(w->path + plen, name, n + 1);
}

/*
 * The tree oid names, into *out, when it is one a device branch may hold;
 * else *out is NULL (and the tree refused when refuse is set).
 */
static int
walk_tree(struct walk *w, const git_oid *oid, int refuse, git_tree **out)
{
	git_object_t	 type;
	size_t		 size;

	*out = NULL;
	if (!git_odb_exists(w->c->odb, oid)) {
		if (refuse)
			import_refuse(w->c, "missing", w->path, "tree %.12s is "
			    "not in the repository", git_oid_tostr_s(oid));
		return 0;
	}
	if (git_odb_read_header(&size, &type, w->c->odb, oid) < 0)
		return gitutil_error(w->path);
	if (size > WALK_TREE_MAX) {
		if (refuse)
			import_refuse(w->c, "too-big", w->path, "a tree of %zu "
			    "bytes, more than the %d a device branch needs: "
			    "not read", size, WALK_TREE_MAX);
		return 0;
	}
	if (git_tree_lookup(out, w->c->repo, oid) < 0)
		return gitutil_error(w->path);
	return 0;
}

/* Go into the tree at the path (its old and new side; either NULL). */
static int
walk_push(struct walk *w, const git_tree_entry *eo, const git_tree_entry *en)
{
	struct walk_frame	*f;
	size_t			 plen = strlen(w->path);
	int			 rc;

	if (w->depth == WALK_DEPTH) {
		if (en != NULL)
			import_refuse(w->c, "skipped-path", w->path, "a tree "
			    "deeper than the records layout: not read");
		return 0;
	}
	f = &w->f[w->depth];
	memset(f, 0, sizeof *f);
	if (en != NULL && (rc = walk_tree(w, git_tree_entry_id(en), 1,
	    &f->new)) != 0)
		return rc;
	if (en != NULL && f->new == NULL)
		return 0;
	if (eo != NULL && (rc = walk_tree(w, git_tree_entry_id(eo), 0,
	    &f->old)) != 0) {
		git_tree_free(f->new);
		f->new = NULL;
		return rc;
	}
	if (f->old == NULL && f->new == NULL)
		return 0;
	walk_path(w, plen, "/");
	f->plen = plen + 1;
	w->depth++;
	return 0;
}

/* git's order of a tree's entries: a tree's name as if it ended in /. */
static int
walk_cmp(const git_tree_entry *a, const git_tree_entry *b)
{
	const char	*x = git_tree_entry_name(a), *y = git_tree_entry_name(b);
	size_t		 n = 0;
	int		 cx, cy;

	while (x[n] != '\0' && x[n] == y[n])
		n++;
	cx = (unsigned char)x[n];
	cy = (unsigned char)y[n];
	if (cx == '\0' && git_tree_entry_type(a) == GIT_OBJECT_TREE)
		cx = '/';
	if (cy == '\0' && git_tree_entry_type(b) == GIT_OBJECT_TREE)
		cy = '/';
	return cx - cy;
}

/*
 * The next changed file: 1 with its path in w->path, its status (added,
 * modified, deleted), mode and oid (the old ones when deleted); 0 at the
 * end; or an error.
 */
static int
walk_next(struct walk *w, git_delta_t *status, git_filemode_t *mode,
    git_oid *oid)
{
	const git_tree_entry	*eo, *en, *e;
	struct walk_frame	*f;
	int			 cmp, rc;

	while (w->depth > 0) {
		f = &w->f[w->depth - 1];
		eo = f->old != NULL && f->i < git_tree_entrycount(f->old) ?
		    git_tree_entry_byindex(f->old, f->i) : NULL;
		en = f->new != NULL && f->j < git_tree_entrycount(f->new) ?
		    git_tree_entry_byindex(f->new, f->j) : NULL;
		if (eo == NULL && en == NULL) {
			git_tree_free(f->old);
			git_tree_free(f->new);
			w->depth--;
			continue;
		}
		cmp = eo == NULL ? 1 : en == NULL ? -1 : walk_cmp(eo, en);
		if (cmp <= 0)
			f->i++;
		if (cmp >= 0)
			f->j++;
		if (cmp < 0)
			en = NULL;
		else if (cmp > 0)
			eo = NULL;
		else if (git_tree_entry_filemode(eo) ==
		    git_tree_entry_filemode(en) && git_oid_equal(
		    git_tree_entry_id(eo), git_tree_entry_id(en)))
			continue;
		e = en != NULL ? en : eo;
		walk_path(w, f->plen, git_tree_entry_name(e));
		if (git_tree_entry_filemode(e) == GIT_FILEMODE_TREE) {
			if ((rc = walk_push(w, eo, en)) != 0)
				return rc;
			continue;
		}
		*status = en == NULL ? GIT_DELTA_DELETED : eo == NULL ?
		    GIT_DELTA_ADDED : GIT_DELTA_MODIFIED;
		*mode = git_tree_entry_filemode(e);
		git_oid_cpy(oid, git_tree_entry_id(e));
		return 1;
	}
	return 0;
}

static void
walk_free(struct walk *w)
{
	while (w->depth > 0) {
		w->depth--;
		git_tree_free(w->f[w->depth].old);
		git_tree_free(w->f[w->depth].new);
	}
	free(w->path);
	w->path = NULL;
}

/*
 * The next file of a record (anything else on the way refused): 1 with
 * *out, 0 at the end, or an error.
 */
static int
walk_file(struct walk *w, struct import_file *out)
{
	git_delta_t	 status = GIT_DELTA_UNMODIFIED;
	git_filemode_t	 mode = GIT_FILEMODE_UNREADABLE;
	git_oid		 oid;
	int		 rc;

	if (w->have) {
		*out = w->next;
		w->have = 0;
		return 1;
	}
	while ((rc = walk_next(w, &status, &mode, &oid)) == 1) {
		if (status == GIT_DELTA_DELETED) {
			import_refuse(w->c, "removed", w->path, "a file was "
			    "removed from the branch: records are never "
			    "deleted");
			continue;
		}
		if (mode != GIT_FILEMODE_BLOB) {
			import_refuse(w->c, "not-a-file", w->path, "mode %o: "
			    "only plain files are read", (unsigned)mode);
			continue;
		}
		if (strcmp(w->path, "device.pub") == 0)
			continue;
		if (!layout_parse_record_path(w->path, &out->seq, &out->sig)) {
			import_refuse(w->c, "skipped-path", w->path, "not a "
			    "path of the records layout");
			continue;
		}
		/*
		 * A record file again, or behind one of a later seq: a tree
		 * out of git's order, one holding a name twice, or a name with
		 * a '/' in it.  Taken, it would be judged as if its seq were
		 * new (a fork stored as the chain, or an import failing on a
		 * record stored twice).
		 */
		if (2 * out->seq + out->sig < w->order) {
			import_refuse(w->c, "skipped-path", w->path, "out of "
			    "the order of the records layout, or there twice");
			continue;
		}
		w->order = 2 * out->seq + out->sig + 1;
		git_oid_cpy(&out->oid, &oid);
		snprintf(out->path, sizeof out->path, "%s", w->path);
		return 1;
	}
	return rc;
}

/* The next file, which walk_file gives again. */
static int
walk_peek(struct walk *w, const struct import_file **out)
{
	int	rc;

	if (!w->have) {
		if ((rc = walk_file(w, &w->next)) != 1)
			return rc;
		w->have = 1;
	}
	*out = &w->next;
	return 1;
}

/*
 * Read the next batch of records from the walk: up to IMPORT_BATCH pairs
 * of a record and its signature, into p (*n of them).  A file without its
 * other half is refused.
 */
static int
import_read_batch(struct import_ctx *c, const char *keyid,
    const struct key_public *pk, struct walk *w, struct import_pending *p,
    size_t *n)
{
	const struct import_file	*sigf;
	struct import_file		 json, sig;
	int				 rc = 0;

	*n = 0;
	while (*n < IMPORT_BATCH && (rc = walk_file(w, &json)) == 1) {
		if (json.sig) {
			import_refuse(c, "incomplete", json.path, "a signature "
			    "without its record");
			continue;
		}
		if ((rc = walk_peek(w, &sigf)) < 0)
			break;
		if (rc == 0 || sigf->seq != json.seq || !sigf->sig) {
			import_refuse(c, "incomplete", json.path, "a record "
			    "without its signature");
			continue;
		}
		walk_file(w, &sig);
		if ((rc = import_prepare(c, keyid, &json, &sig, &p[*n])) < 0)
			break;
		if (rc == 1)
			p[(*n)++].pk = pk;
	}
	return rc < 0 ? rc : 0;
}

/*
 * The key that the records of keyid's branch are checked with; 1 when
 * there is one.  An enrolled device's key is the whole public key of its
 * roster entry, never the branch's device.pub: a key id is 8 bytes anyone
 * can choose, so a device.pub that differs from the entry is a key
 * substitution, refused and logged.  For a key the roster does not hold,
 * the branch's device.pub is all there is; its records stay unknown-key
 * whatever it says, and are checked again with the roster's key when the
 * office enrols it (trust_refresh).
 */
static int
import_device_key(struct import_ctx *c, git_tree *tree, const char *keyid,
    struct key_public *pk)
{
	git_tree_entry		*e = NULL;
	sqlite3_stmt		*st;
	struct key_public	 roster, branch;
	char			*text = NULL, hex[KEY_ID_HEX], now[32], *b64;
	size_t			 len;
	int			 rc, enrolled, have = 0;

	if ((rc = trust_roster_key(c->dd->db, keyid, &roster)) == 0)
		enrolled = 1;
	else if (rc == LT_ENOTFOUND)
		enrolled = 0;
	else
		return rc;
	if (git_tree_entry_bypath(&e, tree, "device.pub") < 0) {
		if (!enrolled)
			import_refuse(c, "no-key", "device.pub", "the branch "
			    "has no device.pub: nothing on it can be "
			    "verified");
	} else if (git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB) {
		import_refuse(c, "not-a-file", "device.pub", "mode %o: only "
		    "plain files are read", (unsigned)git_tree_entry_filemode(e));
	} else {
		rc = import_read(c, git_tree_entry_id(e), "device.pub",
		    LAYOUT_PUB_MAX, &text, &len);
		if (rc < 0) {
			git_tree_entry_free(e);
			return rc;
		}
		if (rc == 1 && key_public_parse(text, len, &branch) != 0)
			import_refuse(c, "bad-key", "device.pub", "%s",
			    error_msg());
		else if (rc == 1) {
			key_id_hex(hex, branch.id);
			if (strcmp(hex, keyid) != 0)
				import_refuse(c, "bad-key", "device.pub", "key "
				    "%s on the branch of %s", hex, keyid);
			else
				have = 1;
		}
		free(text);
	}
	git_tree_entry_free(e);
	if (enrolled) {
		if (have && memcmp(branch.pk, roster.pk, sizeof roster.pk) != 0)
			import_refuse(c, "key-substitution", "device.pub", "not "
			    "the key of %s's roster entry: its records are "
			    "checked with the roster's key", keyid);
		*pk = roster;
		return 1;
	}
	if (!have)
		return 0;
	*pk = branch;
	util_rfc3339(now, sizeof now, util_now());
	if ((rc = db_cached(c->dd->db, &st, "INSERT OR IGNORE INTO keys (id, "
	    "pubkey, added) VALUES (?1, ?2, ?3)")) != 0)
		return rc;
	b64 = key_public_base64(pk);
	db_bind_text(st, 1, keyid);
	db_bind_text(st, 2, b64);
	db_bind_text(st, 3, now);
	rc = sqlite3_step(st) == SQLITE_DONE ? 1 : db_error(c->dd->db, "keys");
	sqlite3_reset(st);
	free(b64);
	return rc;
}

/* A delta of the diff that is a plain file, or refused. */
int
import_plain(struct import_ctx *c, const git_diff_delta *d)
{
	if (d->status == GIT_DELTA_DELETED) {
		import_refuse(c, "removed", d->old_file.path, "a file was "
		    "removed from the branch: records are never deleted");
		return 0;
	}
	if (d->new_file.mode != GIT_FILEMODE_BLOB) {
		import_refuse(c, "not-a-file", d->new_file.path, "mode %o: "
		    "only plain files are read", (unsigned)d->new_file.mode);
		return 0;
	}
	return 1;
}

/* The diff from the last imported commit (NULL: none) to the tip. */
int
import_diff(struct import_ctx *c, git_tree *old, git_tree *tip,
    git_diff **out)
{
	git_diff_options	opts;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags = GIT_DIFF_SKIP_BINARY_CHECK;
	if (git_diff_tree_to_tree(out, c->repo, old, tip, &opts) < 0)
		return gitutil_error(c->ref);
	return 0;
}

static int
import_device(struct import_ctx *c, const char *keyid, git_tree *old,
    git_tree *tip)
{
	struct import_pending	*pending, *buf[3];
	struct import_pool	 pool;
	struct key_public	 pk;
	struct import_dev	 dev;
	struct walk		 w;
	size_t			 i, cnt[3];
	int			 rc, rd = 0, ver = 1, st = 2, tmp;

	if ((rc = import_device_key(c, tip, keyid, &pk)) != 1 ||
	    (rc = import_dev_load(c->dd->db, keyid, &dev)) != 0)
		return rc;
	/* The walk frees the trees it holds: the roots are the caller's. */
	memset(&w, 0, sizeof w);
	w.c = c;
	walk_path(&w, 0, "");
	if ((old != NULL && git_tree_dup(&w.f[0].old, old) < 0) ||
	    git_tree_dup(&w.f[0].new, tip) < 0) {
		git_tree_free(w.f[0].old);
		free(w.path);
		return gitutil_error(c->ref);
	}
	w.depth = 1;

	/*
	 * A pipeline of three batches: while the verifier threads check one,
	 * this thread reads the next from git and stores the one checked
	 * before, so reading and storing overlap the signatures.
	 */
	pending = xcalloc(3 * IMPORT_BATCH, sizeof *pending);
	for (i = 0; i < 3; i++) {
		buf[i] = pending + i * IMPORT_BATCH;
		cnt[i] = 0;
	}
	memset(&pool, 0, sizeof pool);
	atomic_init(&pool.next, 0);
	for (;;) {
		rc = import_read_batch(c, keyid, &pk, &w, buf[rd], &cnt[rd]);
		if (rc == 0)
			rc = import_store(c, &dev, buf[st], &cnt[st]);
		import_pool_join(&pool);
		if (rc != 0 || (cnt[rd] == 0 && cnt[ver] == 0))
			break;
		tmp = st;
		st = ver;
		ver = rd;
		rd = tmp;
		import_pool_start(&pool, buf[ver], cnt[ver]);
	}
	for (i = 0; i < 3 * IMPORT_BATCH; i++)
		import_pending_clear(&pending[i]);
	free(pending);
	walk_free(&w);
	return rc;
}

/* Attachment files new to the store, checked against their names. */
static int
import_attachments(struct import_ctx *c, git_tree *old, git_tree *tip)
{
	struct attach_info	 a;
	const git_diff_delta	*d;
	git_diff		*diff = NULL;
	char			 sha[65], got[65], *path, *dir, *buf;
	size_t			 i, n, len;
	int			 rc;

	if ((rc = import_diff(c, old, tip, &diff)) != 0)
		return rc;
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n && rc == 0; i++) {
		d = git_diff_get_delta(diff, i);
		if (!import_plain(c, d))
			continue;
		if (!layout_parse_attachment_path(d->new_file.path, sha)) {
			import_refuse(c, "skipped-path", d->new_file.path,
			    "not a path of the attachments layout");
			continue;
		}
		path = attach_path(c->dd->path, sha);
		if (util_exists(path)) {
			free(path);
			continue;
		}
		if ((rc = import_read(c, &d->new_file.id, d->new_file.path,
		    ATTACH_MAX, &buf, &len)) != 1) {
			free(path);
			continue;
		}
		rc = 0;
		util_sha256_hex(got, buf, len);
		if (strcmp(got, sha) != 0)
			import_refuse(c, "bad-attachment", d->new_file.path,
			    "the content hashes to %.16s...", got);
		else {
			dir = xstrndup(path, strlen(path) - 65);
			if ((rc = util_mkdir_p(dir, 0700)) == 0)
				rc = util_write_file(path, buf, len, 0600);
			free(dir);
			memset(&a, 0, sizeof a);
			memcpy(a.sha256, sha, sizeof a.sha256);
			a.bytes = (int64_t)len;
			snprintf(a.mime, sizeof a.mime, "%s", attach_mime(
			    (const unsigned char *)buf, len, NULL));
			if (rc == 0 && (rc = attach_register(c->dd->db,
			    &a)) == 0)
				c->stats->attachments++;
		}
		free(buf);
		free(path);
	}
	git_diff_free(diff);
	return rc;
}

/* The commit imported last on ref, or NULL. */
static git_tree *
import_last_tree(struct import_ctx *c, const git_oid *tip)
{
	sqlite3_stmt	*st;
	git_commit	*commit = NULL;
	git_tree	*tree = NULL;
	git_oid		 oid;
	int		 found = 0;

	if (db_cached(c->dd->db, &st, "SELECT oid FROM sync_state WHERE "
	    "ref = ?1") != 0)
		return NULL;
	db_bind_text(st, 1, c->ref);
	if (sqlite3_step(st) == SQLITE_ROW && git_oid_fromstr(&oid,
	    (const char *)sqlite3_column_text(st, 0)) == 0)
		found = 1;
	sqlite3_reset(st);
	/* A last import that is not behind the tip (a fork taken over):
	 * read everything again, which stores nothing twice. */
	if (!found || (!git_oid_equal(&oid, tip) &&
	    git_graph_descendant_of(c->repo, tip, &oid) != 1))
		return NULL;
	if (git_commit_lookup(&commit, c->repo, &oid) == 0)
		git_commit_tree(&tree, commit);
	git_commit_free(commit);
	return tree;
}

static int
import_done(struct import_ctx *c, const git_oid *tip)
{
	sqlite3_stmt	*st;
	char		 hex[GIT_OID_HEXSZ + 1], now[32];
	int		 rc;

	git_oid_tostr(hex, sizeof hex, tip);
	util_rfc3339(now, sizeof now, util_now());
	if ((rc = db_cached(c->dd->db, &st, "INSERT INTO sync_state (ref, oid, "
	    "updated) VALUES (?1, ?2, ?3) ON CONFLICT (ref) DO UPDATE SET "
	    "oid = ?2, updated = ?3")) != 0)
		return rc;
	db_bind_text(st, 1, c->ref);
	db_bind_text(st, 2, hex);
	db_bind_text(st, 3, now);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(c->dd->db,
	    "sync_state");
	sqlite3_reset(st);
	return rc;
}

/* Is ref's tip what was imported last? */
static int
import_current(struct import_ctx *c, const git_oid *tip)
{
	sqlite3_stmt	*st;
	char		 hex[GIT_OID_HEXSZ + 1];
	int		 same = 0;

	git_oid_tostr(hex, sizeof hex, tip);
	if (db_cached(c->dd->db, &st, "SELECT 1 FROM sync_state WHERE "
	    "ref = ?1 AND oid = ?2") == 0) {
		db_bind_text(st, 1, c->ref);
		db_bind_text(st, 2, hex);
		same = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
	}
	return same;
}

/* The branch name of a ref: after refs/heads/, or after the remote's name
 * in a fork's ref; "" for any other ref. */
static const char *
import_branch_name(const char *ref)
{
	const char	*p;

	if (strncmp(ref, "refs/heads/", 11) == 0)
		return ref + 11;
	if (strncmp(ref, IMPORT_FORKS, strlen(IMPORT_FORKS)) == 0 &&
	    (p = strchr(ref + strlen(IMPORT_FORKS), '/')) != NULL)
		return p + 1;
	return "";
}

/* Import one branch in one transaction. */
static int
import_branch(struct import_ctx *c, git_reference *ref, const char *own)
{
	enum layout_branch	 kind;
	const git_oid		*tip = git_reference_target(ref);
	git_commit		*commit = NULL;
	git_tree		*tree = NULL, *old = NULL;
	char			 keyid[KEY_ID_HEX];
	int			 rc, refused = 0;

	c->ref = git_reference_name(ref);
	memset(c->kinds, 0, sizeof c->kinds);
	kind = layout_branch(import_branch_name(c->ref), keyid);
	if (kind == LAYOUT_NONE || tip == NULL || import_current(c, tip))
		return 0;
	if (git_commit_lookup(&commit, c->repo, tip) < 0 ||
	    git_commit_tree(&tree, commit) < 0) {
		rc = gitutil_error(c->ref);
		goto cleanup;
	}
	old = import_last_tree(c, tip);
	if ((rc = db_begin(c->dd->db)) != 0)
		goto cleanup;
	if (kind == LAYOUT_DEVICE && (own == NULL || strcmp(keyid, own) != 0))
		rc = import_device(c, keyid, old, tree);
	else if (kind == LAYOUT_ATTACHMENTS)
		rc = import_attachments(c, old, tree);
	else if (kind == LAYOUT_OFFICE)
		rc = import_office(c, old, tree);
	/* An office state refused whole is not imported: the next import
	 * of the branch starts from the last state taken, not from it (else
	 * what it held unchanged would never be read again). */
	if (rc == IMPORT_STATE_REFUSED) {
		refused = 1;
		rc = 0;
	}
	if (rc == 0)
		import_unlisted(c);
	if (rc == 0 && !refused)
		rc = import_done(c, tip);
	if (rc == 0)
		rc = db_commit(c->dd->db);
	else
		db_rollback(c->dd->db);
cleanup:
	/* Objects of the branch git cannot read (a tree that does not
	 * parse, an object missing): the branch is refused, the others
	 * still come.  The store's own errors stop the import. */
	if (rc == LT_EGIT) {
		import_refuse(c, "unreadable", NULL, "%s", error_msg());
		rc = 0;
	}
	git_tree_free(old);
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}

int
import_all(struct datadir *dd, git_repository *repo, const char *remote,
    import_log_fn log, void *arg, struct import_stats *stats)
{
	static const char *const globs[] = { "refs/heads/office",
	    "refs/heads/devices/*", "refs/heads/attachments/*",
	    IMPORT_FORKS "*" };
	struct import_ctx	 c;
	git_reference_iterator	*it;
	git_reference		*ref;
	char			*own = NULL;
	size_t			 i;
	int			 rc = 0;

	memset(&c, 0, sizeof c);
	c.dd = dd;
	c.repo = repo;
	c.remote = remote;
	c.log = log;
	c.arg = arg;
	c.stats = stats;
	if (git_repository_odb(&c.odb, repo) < 0)
		return gitutil_error("repo.git");
	db_setting_get(dd->db, "device", &own);
	/* The office first: its roster judges the records after it. */
	for (i = 0; i < sizeof globs / sizeof globs[0] && rc == 0; i++) {
		if (git_reference_iterator_glob_new(&it, repo, globs[i]) < 0) {
			rc = gitutil_error("repo.git");
			break;
		}
		while (rc == 0 && git_reference_next(&ref, it) == 0) {
			rc = import_branch(&c, ref, own);
			git_reference_free(ref);
		}
		git_reference_iterator_free(it);
	}
	free(own);
	git_odb_free(c.odb);
	return rc;
}
