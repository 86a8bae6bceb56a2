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
#include "core/trust.h"
#include "core/util.h"
#include "gitutil.h"
#include "import.h"
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

struct import_ctx {
	struct datadir		*dd;
	git_repository		*repo;
	git_odb			*odb;
	const char		*remote;
	const char		*ref;
	import_log_fn		 log;
	void			*arg;
	struct import_stats	*stats;
};

/* Say why something was refused: to the caller and to sync_log. */
static void
import_refuse(struct import_ctx *c, const char *kind, const char *path,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
import_refuse(struct import_ctx *c, const char *kind, const char *path,
    const char *fmt, ...)
{
	sqlite3_stmt	*st;
	va_list		 ap;
	char		*why, now[32];

	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	c->stats->rejected++;
	if (c->log != NULL)
		c->log(kind, c->ref, path, why, c->arg);
	util_rfc3339(now, sizeof now, util_now());
	if (db_cached(c->dd->db, &st, "INSERT INTO sync_log (time, remote, "
	    "ref, path, kind, why) VALUES (?1, ?2, ?3, ?4, ?5, ?6)") == 0) {
		db_bind_text(st, 1, now);
		db_bind_text(st, 2, c->remote);
		db_bind_text(st, 3, c->ref);
		db_bind_text(st, 4, path);
		db_bind_text(st, 5, kind);
		db_bind_text(st, 6, why);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	free(why);
}

/*
 * Read a blob of at most max bytes (NUL added); a larger one is refused
 * without being loaded.  1 when read, 0 when refused (logged), or an error.
 */
static int
import_read(struct import_ctx *c, const git_oid *oid, const char *path,
    size_t max, char **out, size_t *len)
{
	git_object_t	 type;
	git_blob	*blob;
	size_t		 size;

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
	int		 rc;

	if ((rc = db_cached(db, &st, "SELECT id, created FROM records WHERE "
	    "device = ?1 AND seq = ?2 AND prev = ?3 AND status = "
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
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return 0;
	if ((rc = trust_status(db, device, created, &status, &why)) != 0)
		return rc;
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

/* A record read from the branch, waiting for its signature's verdict. */
struct import_pending {
	struct record			 r;
	const struct import_file	*json;
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
	p->json = json;
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

/* Store a prepared record with its verdict. */
static int
import_commit(struct import_ctx *c, struct import_dev *dev,
    struct import_pending *p)
{
	struct record	*r = &p->r;
	const char	*status, *why;
	char		 prev[65], why_buf[160];
	int		 rc;

	if (r->seq <= dev->start && import_have(c->dd->db, r->id))
		return 0;
	if (!p->sig_ok) {
		import_refuse(c, "bad-signature", p->json->path, "%s", p->why);
		return record_store_row(c->dd->db, r, TRUST_BAD_SIGNATURE,
		    p->why);
	}
	if ((rc = import_dev_id_at(c->dd->db, dev, r->device, r->seq,
	    prev)) != 0)
		return rc;
	if (prev[0] != '\0') {
		snprintf(why_buf, sizeof why_buf, "record %.16s has the same "
		    "seq %" PRId64, prev, r->seq);
		import_refuse(c, "fork", p->json->path, "%s", why_buf);
		return record_store_row(c->dd->db, r, TRUST_FORK, why_buf);
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
	} else
		trust_key_status(&dev->trust, r->created, &status, &why);
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
	if (strcmp(p->r.device, p->keyid) != 0 || p->r.seq != p->json->seq) {
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
			import_refuse(c, p[i].refuse, p[i].json->path, "%s",
			    p[i].why);
		else if (rc == 0)
			rc = import_commit(c, dev, &p[i]);
		import_pending_clear(&p[i]);
	}
	*n = 0;
	return rc;
}

/*
 * Read the next batch of records from files[*next]: up to IMPORT_BATCH
 * pairs of a record and its signature, into p (*n of them).  A file
 * without its other half is refused.
 */
static int
import_read_batch(struct import_ctx *c, const char *keyid,
    const struct key_public *pk, const struct import_file *files,
    size_t nfiles, size_t *next, struct import_pending *p, size_t *n)
{
	size_t	i;
	int	rc = 0;

	*n = 0;
	for (i = *next; i < nfiles && *n < IMPORT_BATCH && rc == 0; i++) {
		if (files[i].sig)
			import_refuse(c, "incomplete", files[i].path, "a "
			    "signature without its record");
		else if (i + 1 == nfiles || files[i + 1].seq != files[i].seq ||
		    !files[i + 1].sig)
			import_refuse(c, "incomplete", files[i].path, "a record "
			    "without its signature");
		else {
			rc = import_prepare(c, keyid, &files[i], &files[i + 1],
			    &p[*n]);
			if (rc == 1) {
				p[(*n)++].pk = pk;
				rc = 0;
			}
			i++;
		}
	}
	*next = i;
	return rc;
}

static int
import_file_cmp(const void *a, const void *b)
{
	const struct import_file	*x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->sig - y->sig;
}

/* The device's public key from the branch's device.pub; 1 when good. */
static int
import_device_key(struct import_ctx *c, git_tree *tree, const char *keyid,
    struct key_public *pk)
{
	git_tree_entry	*e = NULL;
	sqlite3_stmt	*st;
	char		*text = NULL, hex[KEY_ID_HEX], now[32], *b64;
	size_t		 len;
	int		 rc;

	if (git_tree_entry_bypath(&e, tree, "device.pub") < 0) {
		import_refuse(c, "no-key", "device.pub", "the branch has no "
		    "device.pub: nothing on it can be verified");
		return 0;
	}
	rc = import_read(c, git_tree_entry_id(e), "device.pub",
	    LAYOUT_PUB_MAX, &text, &len);
	git_tree_entry_free(e);
	if (rc != 1)
		return rc;
	if (key_public_parse(text, len, pk) != 0) {
		import_refuse(c, "bad-key", "device.pub", "%s", error_msg());
		free(text);
		return 0;
	}
	free(text);
	key_id_hex(hex, pk->id);
	if (strcmp(hex, keyid) != 0) {
		import_refuse(c, "bad-key", "device.pub", "key %s on the branch "
		    "of %s", hex, keyid);
		return 0;
	}
	util_rfc3339(now, sizeof now, util_now());
	if ((rc = db_cached(c->dd->db, &st, "INSERT OR IGNORE INTO keys (id, "
	    "pubkey, added) VALUES (?1, ?2, ?3)")) != 0)
		return rc;
	b64 = key_public_base64(pk);
	db_bind_text(st, 1, hex);
	db_bind_text(st, 2, b64);
	db_bind_text(st, 3, now);
	rc = sqlite3_step(st) == SQLITE_DONE ? 1 : db_error(c->dd->db, "keys");
	sqlite3_reset(st);
	free(b64);
	return rc;
}

/* A delta of the diff that is a plain file, or refused. */
static int
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
static int
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
	struct import_file	*files = NULL;
	struct import_pending	*pending, *buf[3];
	struct import_pool	 pool;
	struct key_public	 pk;
	struct import_dev	 dev;
	const git_diff_delta	*d;
	git_diff		*diff = NULL;
	size_t			 i, n, nfiles = 0, cnt[3];
	int			 rc, rd = 0, ver = 1, st = 2, tmp;

	if ((rc = import_device_key(c, tip, keyid, &pk)) != 1 ||
	    (rc = import_dev_load(c->dd->db, keyid, &dev)) != 0)
		return rc;
	if ((rc = import_diff(c, old, tip, &diff)) != 0)
		return rc;
	n = git_diff_num_deltas(diff);
	files = xcalloc(n + 1, sizeof *files);
	for (i = 0; i < n; i++) {
		d = git_diff_get_delta(diff, i);
		if (!import_plain(c, d) ||
		    strcmp(d->new_file.path, "device.pub") == 0)
			continue;
		if (!layout_parse_record_path(d->new_file.path,
		    &files[nfiles].seq, &files[nfiles].sig)) {
			import_refuse(c, "skipped-path", d->new_file.path,
			    "not a path of the records layout");
			continue;
		}
		git_oid_cpy(&files[nfiles].oid, &d->new_file.id);
		snprintf(files[nfiles].path, sizeof files[nfiles].path, "%s",
		    d->new_file.path);
		nfiles++;
	}
	qsort(files, nfiles, sizeof *files, import_file_cmp);

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
	for (i = 0;;) {
		rc = import_read_batch(c, keyid, &pk, files, nfiles, &i,
		    buf[rd], &cnt[rd]);
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
	free(files);
	git_diff_free(diff);
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

/*
 * One signed file of the office branch and its .minisig, read from the
 * tip: a roster entry, or a document the office publishes (sites.json,
 * forms/<id>.json), checked against the trusted office key and taken.
 */
static int
import_office_file(struct import_ctx *c, git_tree *tip, const char *path)
{
	enum office_kind	 kind;
	git_tree_entry		*e = NULL, *se = NULL;
	char			*body = NULL, *sig = NULL, *sigpath, id[OFFICE_ID_MAX];
	size_t			 len, siglen, max;
	int			 rc, taken = 0;

	kind = office_doc_kind(path, id);
	if (kind == OFFICE_NONE && !layout_parse_roster_path(path)) {
		import_refuse(c, "skipped-path", path, "not a path of the "
		    "office layout");
		return 0;
	}
	max = kind == OFFICE_NONE ? ROSTER_MAX : office_doc_max(kind);
	sigpath = xasprintf("%s.minisig", path);
	if (git_tree_entry_bypath(&e, tip, path) < 0 ||
	    git_tree_entry_bypath(&se, tip, sigpath) < 0) {
		import_refuse(c, "incomplete", path, e == NULL ? "a signature "
		    "without its file" : "a file without its signature");
		rc = 0;
		goto cleanup;
	}
	if ((rc = import_read(c, git_tree_entry_id(e), path, max, &body,
	    &len)) != 1 || (rc = import_read(c, git_tree_entry_id(se), sigpath,
	    LAYOUT_SIG_MAX, &sig, &siglen)) != 1)
		goto cleanup;
	rc = kind == OFFICE_NONE ? roster_accept(c->dd->db, body, len, sig,
	    &taken) : office_accept(c->dd, path, body, len, sig, &taken);
	if (rc != 0)
		import_refuse(c, kind == OFFICE_NONE ? "bad-roster" :
		    "bad-office-file", path, "%s", error_msg());
	else if (taken && kind == OFFICE_NONE)
		c->stats->roster++;
	else if (taken && kind == OFFICE_REVIEW_DOC)
		c->stats->reviews++;
	else if (taken)
		c->stats->office++;
	rc = 0;
cleanup:
	git_tree_entry_free(e);
	git_tree_entry_free(se);
	free(body);
	free(sig);
	free(sigpath);
	return rc < 0 ? rc : 0;
}

/* The office branch: every file new or changed since the last import. */
static int
import_office(struct import_ctx *c, git_tree *old, git_tree *tip)
{
	const git_diff_delta	*d;
	git_diff		*diff = NULL;
	char			*path;
	size_t			 i, n, len;
	int			 rc;

	if ((rc = import_diff(c, old, tip, &diff)) != 0)
		return rc;
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n && rc == 0; i++) {
		d = git_diff_get_delta(diff, i);
		if (!import_plain(c, d) ||
		    strcmp(d->new_file.path, "office.pub") == 0)
			continue;
		/* A changed signature is read with its file; a file whose
		 * signature changed too is read once. */
		len = strlen(d->new_file.path);
		if (len > 8 && strcmp(d->new_file.path + len - 8,
		    ".minisig") == 0) {
			path = xstrndup(d->new_file.path, len - 8);
			if (i > 0 && strcmp(git_diff_get_delta(diff,
			    i - 1)->new_file.path, path) == 0) {
				free(path);
				continue;
			}
		} else
			path = xstrdup(d->new_file.path);
		rc = import_office_file(c, tip, path);
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
	int			 rc;

	c->ref = git_reference_name(ref);
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
	if (rc == 0)
		rc = import_done(c, tip);
	if (rc == 0)
		rc = db_commit(c->dd->db);
	else
		db_rollback(c->dd->db);
cleanup:
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
