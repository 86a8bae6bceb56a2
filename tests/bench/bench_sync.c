/*
 * Sync's budgets (issue 5), figures printed side by side, nothing asserted:
 *   - bytes and time to sync one new record on top of 1,000 and of 100,000
 *     records of history, to a bare repository on local disk (a USB
 *     stick): at most 16 KiB sent, and the time on 100,000 within 2x of
 *     the time on 1,000 (the cost must not grow with history);
 *   - import of 10,000 fetched records, in records per second, against
 *     libsodium's raw Ed25519 verify rate on one core (>= 0.5x; a record
 *     is two verifies: its signature and the trusted comment);
 *   - a first push of 10,000 records (sync_run to an empty bare
 *     repository) against the git CLI pushing the same branch;
 *   - a fresh device's sync of an office branch that a stick holder
 *     filled with 5,000 and 20,000 junk roster files (unsigned), and of
 *     one with 20,000 genuine roster entries: linear in the files (the
 *     time of 20,000 within 4x1.5 of 5,000's), signatures checked before
 *     any work that grows with the branch (BENCH_SYNC_ROSTER: 20,000).
 *
 * One new record is measured BENCH_SYNC_REPS times (5), each a record
 * created and then synced, and the median taken: first right after the
 * history (a nearly empty shard of records/<seq/1000>), then at the end of
 * a shard (its last records, where the shard's tree has ~2,000 entries
 * and is rewritten whole).  The bytes sent are the size of the pack the
 * push adds to the remote (what would cross a wire; its .idx is not
 * counted), with what libgit2 reports beside them (struct sync_result
 * bytes_sent, from push_transfer_progress: with a path remote, libgit2's
 * local transport reports a few bytes, not the pack).  Each sync is timed
 * in its stages from the progress callback: export, fetch, then import,
 * the count of records sent (sync_count) and libgit2's pack building (all
 * before the first push progress call), then the writing of the pack.
 *
 * The stores are made once and kept under the build directory:
 * tests/bench/sync-1k, sync-10k and sync-100k, real data directories
 * (device key of 张伟, passphrase "bench", no repo.git yet); a .complete
 * file holding the record count and the seconds it took marks a finished
 * one.  Each run copies them into a temporary directory and works there.
 *
 * Run with `make bench` from the build directory.  BENCH_SYNC_BIG
 * overrides the 100,000 records, BENCH_SYNC_SMALL the 1,000,
 * BENCH_SYNC_IMPORT the 10,000 (import and first push), BENCH_SYNC_REPS
 * the 5 repetitions; BENCH_SYNC_KEEP=1 keeps the temporary directory.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <sodium.h>

#include "core/datadir.h"
#include "core/db.h"
#include "core/error.h"
#include "core/key.h"
#include "core/record.h"
#include "core/roster.h"
#include "core/snapshot.h"
#include "core/util.h"
#include "tests/bench/benchutil.h"
#include "tests/bench/scale.h"
#include "sync/gitutil.h"
#include "sync/import.h"
#include "sync/remote.h"
#include "sync/repo.h"
#include "sync/sync.h"

#define BS_BIG		100000L		/* the long history */
#define BS_SMALL	1000L		/* the short one */
#define BS_IMPORT	10000L		/* records imported, first push */
#define BS_REPS		5		/* one-record syncs measured */
#define BS_BATCH	20000		/* records per transaction */
#define BS_SHARD	1000		/* records per shard (sync/layout.h) */
#define BS_MAXREPS	50

#define BS_BUDGET_BYTES		(16 * 1024)
#define BS_BUDGET_TIME_RATIO	2.0
#define BS_BUDGET_IMPORT_RATIO	0.5

#define BS_PASS		"bench"

static double
bs_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
bs_die(const char *what)
{
	fprintf(stderr, "bench_sync: %s: %s\n", what, error_msg());
	exit(1);
}

static long
bs_env_count(const char *name, long def)
{
	const char	*v = getenv(name);

	return v != NULL && atol(v) > 0 ? atol(v) : def;
}

/* n with thousands separators, in static storage (eight at a time). */
static const char *
bs_thousands(long n)
{
	static char	buf[8][32];
	static int	which;
	char		tmp[32], *out;
	int		len, i, o = 0;

	which = (which + 1) % 8;
	out = buf[which];
	len = snprintf(tmp, sizeof tmp, "%ld", n);
	for (i = 0; i < len; i++) {
		if (i > 0 && tmp[i - 1] != '-' && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
	return out;
}

/* "sync-100k" for 100000, "sync-1234" for 1234. */
static char *
bs_store_name(long n)
{
	if (n % 1000 == 0)
		return xasprintf("tests/bench/sync-%ldk", n / 1000);
	return xasprintf("tests/bench/sync-%ld", n);
}

static void
bs_run_cmd(const char *cmd)
{
	int	st = system(cmd);

	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "bench_sync: failed: %s\n", cmd);
		exit(1);
	}
}

static int
bs_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) != 0)
		fprintf(stderr, "bench_sync: %s: %s\n", path, strerror(errno));
	return 0;
}

static void
bs_rm_rf(const char *dir)
{
	struct stat	st;

	if (stat(dir, &st) == 0)
		nftw(dir, bs_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static uint64_t	bs_du_total, bs_du_packs;

static int
bs_du_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	size_t	len = strlen(path);

	if (flag == FTW_F && S_ISREG(st->st_mode)) {
		bs_du_total += (uint64_t)st->st_size;
		if (len > 5 && strcmp(path + len - 5, ".pack") == 0)
			bs_du_packs += (uint64_t)st->st_size;
	}
	return 0;
}

/*
 * The bytes of the files under a repository's objects/; *packs (may be
 * NULL) gets those of its .pack files alone: what a push writes there is
 * one pack, the bytes that would cross a wire, and its index.
 */
static uint64_t
bs_objects_size(const char *repo, uint64_t *packs)
{
	char	*dir = xasprintf("%s/objects", repo);

	bs_du_total = 0;
	bs_du_packs = 0;
	nftw(dir, bs_du_one, 16, FTW_PHYS);
	free(dir);
	if (packs != NULL)
		*packs = bs_du_packs;
	return bs_du_total;
}

static const char *const bs_sites[] = {
	"XY-E-001", "XY-E-002", "XY-H-014", "XY-R-003", "XY-C-007",
	"XY-M-002", "XY-S-021", "XY-E-009",
};

/* Fields like those of a real inspection record (about 1.5 KB signed, as
 * in bench.c), at one of a few sites. */
static json_t *
bs_fields(long i)
{
	return json_pack("{s:{s:s, s:s}, s:s, s:{s:s, s:i, s:s}, s:s, s:s, "
	    "s:{s:s, s:f, s:s, s:s, s:b, s:s}, s:[{s:s, s:i, s:s, "
	    "s:{s:s, s:s}, s:{s:s, s:s}, s:s}], s:[], s:s, s:n}",
	    "inspector", "name", "张伟", "badge", "XY-017",
	    "site", bs_sites[i % (long)(sizeof bs_sites / sizeof bs_sites[0])],
	    "form", "id", "boiler", "version", 1, "sha256",
	    "9f2c1d3e4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
	    "started", "2026-11-28T09:00:00Z", "finished",
	    "2026-11-28T09:20:00Z",
	    "answers", "fuel", i % 3 ? "coal" : "gas", "capacity_tph",
	    (double)(i % 40) + 0.5, "fgr_valve", "none", "auto_monitoring",
	    "none", "low_nox", (int)(i % 2), "remarks",
	    "锅炉房位于厂区东北角，现场检查时锅炉处于运行状态，燃煤堆放于露天。",
	    "findings", "rule", "coal-le35", "task", 11, "severity",
	    "violation", "text", "zh", "35蒸吨/小时及以下燃煤锅炉应清零",
	    "en", "Coal boilers up to 35 t/h must be eliminated", "action",
	    "zh", "停用拆除或清洁能源替代", "en",
	    "Shut down and remove, or switch to clean energy", "deadline",
	    "2026-12-28",
	    "attachments", "notes", "现场负责人在场，已告知整改要求。",
	    "acknowledged");
}

/* Create n records in transactions of BS_BATCH (one each when n is 1). */
static void
bs_create(struct datadir *dd, const struct key_secret *sk, long from, long n)
{
	struct record	 r;
	json_t		*fields;
	long		 i;

	if (db_begin(dd->db) != 0)
		bs_die("begin");
	for (i = 0; i < n; i++) {
		if ((fields = bs_fields(from + i)) == NULL ||
		    record_create(dd->db, sk, "inspection", fields, &r) != 0)
			bs_die("record");
		record_clear(&r);
		json_decref(fields);
		if ((i + 1) % BS_BATCH == 0 && i + 1 < n &&
		    (db_commit(dd->db) != 0 || db_begin(dd->db) != 0))
			bs_die("commit");
	}
	if (db_commit(dd->db) != 0)
		bs_die("commit");
}

/*
 * A data directory with the device key and n records, unless a finished
 * one is there; returns the seconds it took to make (*cached when it was
 * there).  Only bench data: synchronous=OFF while it is made.
 */
static double
bs_make_store(const char *dir, long n, int *cached)
{
	struct datadir		*dd;
	struct key_secret	*sk;
	struct stat		 st;
	double			 t0 = bs_now(), tb = t0, secs;
	long			 done;

	if ((*cached = bench_store_count(dir, &secs) == n))
		return secs;
	if (stat(dir, &st) == 0) {
		fprintf(stderr, "bench_sync: %s: unfinished, made again\n",
		    dir);
		bs_rm_rf(dir);
	}
	fprintf(stderr, "bench_sync: making %s (%s records)\n", dir,
	    bs_thousands(n));
	if (datadir_open(&dd, dir, 1) != 0 ||
	    datadir_init_key(dd, "张伟", "XY-017", BS_PASS,
	    strlen(BS_PASS)) != 0 ||
	    datadir_device_unlock(dd, BS_PASS, strlen(BS_PASS), &sk) != 0)
		bs_die(dir);
	if (db_exec(dd->db, "PRAGMA synchronous = OFF; "
	    "PRAGMA cache_size = -262144") != 0)
		bs_die(dir);
	for (done = 0; done < n; done += BS_BATCH) {
		long	k = n - done < BS_BATCH ? n - done : BS_BATCH;
		double	tn;

		bs_create(dd, sk, done, k);
		tn = bs_now();
		fprintf(stderr, "\rbench_sync: %s: %s / %s records (%.0f/s) ",
		    dir, bs_thousands(done + k), bs_thousands(n),
		    (double)k / (tn - tb));
		tb = tn;
	}
	fputc('\n', stderr);
	if (db_exec(dd->db, "PRAGMA wal_checkpoint(TRUNCATE)") != 0)
		bs_die("checkpoint");
	key_secret_free(sk);
	datadir_close(dd);

	secs = bs_now() - t0;
	bench_store_done("bench_sync", dir, n, secs);
	fprintf(stderr, "bench_sync: made %s in %.1f s\n", dir, secs);
	return secs;
}

/* A copy of a kept store at dst (its .complete left out). */
static void
bs_copy_store(const char *src, const char *dst)
{
	char	*cmd, *mark;

	cmd = xasprintf("cp -a '%s' '%s'", src, dst);
	bs_run_cmd(cmd);
	free(cmd);
	mark = xasprintf("%s/.complete", dst);
	unlink(mark);
	free(mark);
}

/* ---- Timed syncs ---------------------------------------------------- */

enum { BS_ST_EXPORT, BS_ST_FETCH, BS_ST_IMPORT, BS_ST_PUSH, BS_ST_N };

/* One sync_run, timed by stage from the progress callback. */
struct bs_sync {
	double			t0, end;
	double			at[BS_ST_N];	/* first seen (0: never) */
	long			refusals;
	long			push_calls;	/* push progress calls */
	size_t			push_objects;	/* objects they counted */
	uint64_t		grew;		/* the remote's objects/ */
	uint64_t		grew_pack;	/* of it, .pack files */
	struct sync_result	res;
};

static int
bs_progress(const struct sync_progress *p, void *arg)
{
	static const char *const names[BS_ST_N] = {
	    "export", "fetch", "import", "push" };
	struct bs_sync	*s = arg;
	int		 i;

	for (i = 0; i < BS_ST_N; i++) {
		if (strcmp(p->stage, names[i]) == 0 && s->at[i] == 0)
			s->at[i] = bs_now();
	}
	if (strcmp(p->stage, "push") == 0) {
		s->push_calls++;
		if (p->objects > s->push_objects)
			s->push_objects = p->objects;
	}
	return 0;
}

static void
bs_log(const char *kind, const char *ref, const char *path, const char *why,
    void *arg)
{
	struct bs_sync	*s = arg;

	if (s->refusals++ < 5)
		fprintf(stderr, "bench_sync: refused: %s %s %s: %s\n", kind,
		    ref, path ? path : "-", why);
}

/* Sync dd with target; remote is the bare repository (for its growth). */
static void
bs_sync_run(struct datadir *dd, const char *target, const char *remote,
    struct bs_sync *s)
{
	struct sync_opts	opts;
	uint64_t		before, before_pack, after_pack;

	memset(s, 0, sizeof *s);
	memset(&opts, 0, sizeof opts);
	opts.progress = bs_progress;
	opts.log = bs_log;
	opts.arg = s;
	before = bs_objects_size(remote, &before_pack);
	s->t0 = bs_now();
	if (sync_run(dd, target, &opts, &s->res) != 0)
		bs_die("sync");
	s->end = bs_now();
	s->grew = bs_objects_size(remote, &after_pack) - before;
	s->grew_pack = after_pack - before_pack;
}

/* The stage's seconds: from its start to the next stage seen. */
static double
bs_stage(const struct bs_sync *s, int stage)
{
	double	from = stage == BS_ST_EXPORT ? s->t0 : s->at[stage], to = s->end;
	int	i;

	if (stage != BS_ST_EXPORT && from == 0)
		return 0;
	for (i = stage + 1; i < BS_ST_N; i++) {
		if (s->at[i] != 0) {
			to = s->at[i];
			break;
		}
	}
	return to - from;
}

static double
bs_total(const struct bs_sync *s)
{
	return s->end - s->t0;
}

/* "export 1.2 ms, fetch ..., import+pack ..., write ..." */
static void
bs_print_stages(const char *indent, const struct bs_sync *s, double scale,
    const char *unit)
{
	printf("%sexport %.1f, fetch %.1f, import + count + pack %.1f, write "
	    "%.1f%s\n", indent, bs_stage(s, BS_ST_EXPORT) * scale,
	    bs_stage(s, BS_ST_FETCH) * scale, bs_stage(s, BS_ST_IMPORT) * scale,
	    bs_stage(s, BS_ST_PUSH) * scale, unit);
}

static int
bs_cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
bs_median(const double *v, int n)
{
	double	tmp[BS_MAXREPS];

	memcpy(tmp, v, (size_t)n * sizeof *v);
	qsort(tmp, (size_t)n, sizeof *tmp, bs_cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

/* Repetitions of one new record and a sync, summed up. */
struct bs_one {
	long		 first_seq;	/* of the first record measured */
	double		 ms[BS_MAXREPS];
	double		 median_ms, min_ms, max_ms;
	size_t		 max_sent;	/* bytes_sent, the largest */
	uint64_t	 max_grew;	/* the remote's growth, the largest */
	uint64_t	 max_pack;	/* the new pack, the largest */
	struct bs_sync	 median_run;	/* the stages of the median one */
	int		 ok;		/* each one sent one record */
};

static void
bs_one_record(struct datadir *dd, const struct key_secret *sk,
    const char *remote, long *seq, int reps, struct bs_one *o)
{
	struct bs_sync	runs[BS_MAXREPS];
	int		i, best = 0;

	memset(o, 0, sizeof *o);
	o->first_seq = *seq + 1;
	o->ok = 1;
	for (i = 0; i < reps; i++) {
		bs_create(dd, sk, *seq, 1);
		(*seq)++;
		bs_sync_run(dd, "stick", remote, &runs[i]);
		o->ms[i] = bs_total(&runs[i]) * 1e3;
		if (runs[i].res.sent != 1 || runs[i].res.exported != 1)
			o->ok = 0;
		if (runs[i].res.bytes_sent > o->max_sent)
			o->max_sent = runs[i].res.bytes_sent;
		if (runs[i].grew > o->max_grew)
			o->max_grew = runs[i].grew;
		if (runs[i].grew_pack > o->max_pack)
			o->max_pack = runs[i].grew_pack;
	}
	o->median_ms = bs_median(o->ms, reps);
	o->min_ms = o->max_ms = o->ms[0];
	for (i = 0; i < reps; i++) {
		if (o->ms[i] < o->min_ms)
			o->min_ms = o->ms[i];
		if (o->ms[i] > o->max_ms)
			o->max_ms = o->ms[i];
		if (o->ms[i] == o->median_ms ||
		    (o->ms[i] - o->median_ms) * (o->ms[i] - o->median_ms) <
		    (o->ms[best] - o->median_ms) * (o->ms[best] - o->median_ms))
			best = i;
	}
	o->median_run = runs[best];
}

/* The figures of one history: its first sync, one record twice over. */
struct bs_hist {
	long		 n;
	double		 gen_secs;
	int		 cached;
	struct bs_sync	 first;
	uint64_t	 remote_size;
	struct bs_one	 start;		/* right after the history */
	struct bs_one	 end;		/* the last records of a shard */
	double		 fill_secs;	/* syncing the records up to it */
};

static void
bs_print_one(const char *what, const struct bs_one *o, int reps)
{
	printf("  %s (seq %s..%s): median %.1f ms (%.1f..%.1f), pack %s B "
	    "(objects/ grew %s B), libgit2's bytes_sent %s%s\n", what,
	    bs_thousands(o->first_seq), bs_thousands(o->first_seq + reps - 1),
	    o->median_ms, o->min_ms, o->max_ms,
	    bs_thousands((long)o->max_pack), bs_thousands((long)o->max_grew),
	    bs_thousands((long)o->max_sent), o->ok ? "" :
	    " [NOT one record each]");
	bs_print_stages("    median run: ", &o->median_run, 1e3, " ms");
	printf("    (libgit2's push progress: %ld calls, %zu objects, %zu B)\n",
	    o->median_run.push_calls, o->median_run.push_objects,
	    o->median_run.res.bytes_sent);
}

static void
bs_history(const char *tmp, struct bs_hist *h, int reps)
{
	struct datadir		*dd;
	struct key_secret	*sk;
	char			*kept, *dir, *data, *remote;
	long			 seq, next, target;
	double			 t0;

	kept = bs_store_name(h->n);
	h->gen_secs = bs_make_store(kept, h->n, &h->cached);
	dir = xasprintf("%s/hist-%ld", tmp, h->n);
	data = xasprintf("%s/data", dir);
	remote = xasprintf("%s/stick.git", dir);
	if (util_mkdir_p(dir, 0700) != 0)
		bs_die(dir);
	bs_copy_store(kept, data);
	if (datadir_open(&dd, data, 0) != 0 ||
	    datadir_device_unlock(dd, BS_PASS, strlen(BS_PASS), &sk) != 0 ||
	    remote_create(remote) != 0 ||
	    remote_add(dd->db, "stick", remote, NULL) != 0)
		bs_die(data);

	printf("history of %s records (%s %.1f s)\n", bs_thousands(h->n),
	    h->cached ? "kept; made in" : "made in", h->gen_secs);
	bs_sync_run(dd, "stick", remote, &h->first);
	h->remote_size = bs_objects_size(remote, NULL);
	printf("  first sync: %.2f s, %s records sent, %s B (libgit2), "
	    "remote objects %s B\n", bs_total(&h->first),
	    bs_thousands((long)h->first.res.sent),
	    bs_thousands((long)h->first.res.bytes_sent),
	    bs_thousands((long)h->remote_size));
	bs_print_stages("    ", &h->first, 1, " s");
	fflush(stdout);

	seq = h->n;
	bs_one_record(dd, sk, remote, &seq, reps, &h->start);
	bs_print_one("1 new record", &h->start, reps);
	fflush(stdout);

	/* Up to the last records of a shard: its tree is at its largest. */
	next = seq + 1;
	target = next / BS_SHARD * BS_SHARD + BS_SHARD - reps;
	if (target < next)
		target += BS_SHARD;
	bs_create(dd, sk, seq, target - next);
	seq = target - 1;
	t0 = bs_now();
	{
		struct bs_sync	fill;

		bs_sync_run(dd, "stick", remote, &fill);
	}
	h->fill_secs = bs_now() - t0;
	bs_one_record(dd, sk, remote, &seq, reps, &h->end);
	bs_print_one("at a shard's end", &h->end, reps);
	printf("\n");
	fflush(stdout);

	key_secret_free(sk);
	datadir_close(dd);
	free(kept);
	free(dir);
	free(data);
	free(remote);
}

/* ---- Import and first push of 10,000 ------------------------------- */

static double
bs_raw_verify(size_t msglen, long n)
{
	unsigned char	pk[32], sk[64], sig[64], msg[512];
	double		t0, t;
	long		i;
	int		bad = 0;

	crypto_sign_keypair(pk, sk);
	randombytes_buf(msg, msglen);
	crypto_sign_detached(sig, NULL, msg, msglen, sk);
	t0 = bs_now();
	for (i = 0; i < n; i++)
		bad |= crypto_sign_verify_detached(sig, msg, msglen, pk);
	t = bs_now() - t0;
	if (bad)
		bs_die("raw verify");
	return (double)n / t;
}

/* A fresh store of another inspector (no records). */
static struct datadir *
bs_fresh_store(const char *data)
{
	struct datadir	*dd;

	if (datadir_open(&dd, data, 1) != 0 ||
	    datadir_init_key(dd, "李娜", "XY-023", BS_PASS,
	    strlen(BS_PASS)) != 0)
		bs_die(data);
	return dd;
}

struct bs_big {
	long			n;
	double			gen_secs;
	int			cached;
	struct bs_sync		push;		/* A's first sync */
	uint64_t		push_size;	/* the remote's objects then */
	double			git_secs;	/* git push of the same branch */
	uint64_t		git_size;
	struct bs_sync		pull;		/* B's sync from it */
	double			fetch_secs;	/* C: libgit2 fetch alone */
	double			import_secs;	/* C: import_all alone */
	struct import_stats	stats;		/* C's import */
	double			raw64, rawtc;	/* raw verifies/s */
	size_t			tclen;
};

static void
bs_import(const char *tmp, struct bs_big *b)
{
	struct datadir		*dd, *ddb, *ddc;
	struct key_public	 pk;
	struct bs_sync		 nolog;
	git_repository		*repo;
	git_remote		*rem;
	git_fetch_options	 fo;
	git_strarray		 specs;
	char			*kept, *dir, *a, *stick, *cli, *cmd, *b1, *c1;
	char			 hex[KEY_ID_HEX], *spec = "+refs/heads/*:refs/heads/*";
	char			 tc[256];
	double			 t0;

	kept = bs_store_name(b->n);
	b->gen_secs = bs_make_store(kept, b->n, &b->cached);
	dir = xasprintf("%s/import-%ld", tmp, b->n);
	a = xasprintf("%s/a", dir);
	stick = xasprintf("%s/stick.git", dir);
	cli = xasprintf("%s/cli.git", dir);
	b1 = xasprintf("%s/b", dir);
	c1 = xasprintf("%s/c", dir);
	if (util_mkdir_p(dir, 0700) != 0)
		bs_die(dir);
	bs_copy_store(kept, a);

	/* A's first push: everything, to an empty bare repository. */
	if (datadir_open(&dd, a, 0) != 0 || remote_create(stick) != 0 ||
	    remote_add(dd->db, "stick", stick, NULL) != 0 ||
	    datadir_device_public(dd, &pk) != 0)
		bs_die(a);
	key_id_hex(hex, pk.id);
	bs_sync_run(dd, "stick", stick, &b->push);
	b->push_size = bs_objects_size(stick, NULL);
	datadir_close(dd);

	/* The git CLI pushing the same branch from A's repo.git. */
	cmd = xasprintf("git init -q --bare '%s'", cli);
	bs_run_cmd(cmd);
	free(cmd);
	cmd = xasprintf("git -C '%s/repo.git' push -q '%s' "
	    "refs/heads/devices/%s:refs/heads/devices/%s", a, cli, hex, hex);
	t0 = bs_now();
	bs_run_cmd(cmd);
	b->git_secs = bs_now() - t0;
	free(cmd);
	b->git_size = bs_objects_size(cli, NULL);

	/* B, a fresh device, syncs with the stick: fetch, import. */
	ddb = bs_fresh_store(b1);
	bs_sync_run(ddb, stick, stick, &b->pull);
	datadir_close(ddb);

	/* C, another fresh one: libgit2's fetch, then import_all alone. */
	ddc = bs_fresh_store(c1);
	if (gitutil_open(&repo, c1) != 0)
		bs_die(c1);
	if (git_remote_create_anonymous(&rem, repo, stick) < 0) {
		gitutil_error(stick);
		bs_die("remote");
	}
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	specs.strings = &spec;
	specs.count = 1;
	t0 = bs_now();
	if (git_remote_fetch(rem, &specs, &fo, "bench") < 0) {
		gitutil_error(stick);
		bs_die("fetch");
	}
	b->fetch_secs = bs_now() - t0;
	memset(&nolog, 0, sizeof nolog);
	memset(&b->stats, 0, sizeof b->stats);
	t0 = bs_now();
	if (import_all(ddc, repo, "bench", bs_log, &nolog, &b->stats) != 0)
		bs_die("import");
	b->import_secs = bs_now() - t0;
	git_remote_free(rem);
	git_repository_free(repo);
	datadir_close(ddc);

	/* The two verifies of a record: the signature of the 64-byte
	 * BLAKE2b-512 of the body, and the global signature over that
	 * signature and the trusted comment. */
	snprintf(tc, sizeof tc, "lantian inspection id=%064d device=%s "
	    "seq=%ld", 0, hex, b->n);
	b->tclen = 64 + strlen(tc);
	b->raw64 = bs_raw_verify(64, 20000);
	b->rawtc = bs_raw_verify(b->tclen, 20000);

	free(kept);
	free(dir);
	free(a);
	free(stick);
	free(cli);
	free(b1);
	free(c1);
}

/* The office branch's sync by a fresh device (issue 19, item 6). */
struct bs_off {
	long	junk_small, junk_big, genuine;
	double	t_small, t_big, t_genuine;
	long	refused_small, refused_big, roster_genuine;
};

/* n junk files roster/<id>.json + .minisig on top of refs/heads/office. */
static void
bs_junk(const char *bare, long n)
{
	git_repository	*repo;
	git_reference	*ref;
	git_commit	*parent;
	git_tree	*tip, *rtree = NULL;
	git_treebuilder	*rb, *tb;
	git_signature	*who;
	const git_tree_entry *e;
	git_oid		 blob, sig, oid, commit;
	char		 name[64];
	uint64_t	 st = 19;
	long		 i;
	static const char junk[] = "{\"junk\": true}";
	static const char junks[] = "untrusted comment: junk\nRUQAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAA=\ntrusted comment: junk\nAAAA\n";

	if (git_repository_open_bare(&repo, bare) < 0 ||
	    git_reference_lookup(&ref, repo, "refs/heads/office") < 0 ||
	    git_commit_lookup(&parent, repo, git_reference_target(ref)) < 0 ||
	    git_commit_tree(&tip, parent) < 0 ||
	    git_blob_create_from_buffer(&blob, repo, junk, strlen(junk)) < 0 ||
	    git_blob_create_from_buffer(&sig, repo, junks, strlen(junks)) < 0)
		bs_die("junk: the office branch");
	if ((e = git_tree_entry_byname(tip, "roster")) != NULL &&
	    git_tree_lookup(&rtree, repo, git_tree_entry_id(e)) < 0)
		bs_die("junk: roster/");
	if (git_treebuilder_new(&rb, repo, rtree) < 0)
		bs_die("junk: treebuilder");
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "%016llX.json",
		    (unsigned long long)bench_rand(&st));
		if (git_treebuilder_insert(NULL, rb, name, &blob,
		    GIT_FILEMODE_BLOB) < 0)
			bs_die("junk: insert");
		strcat(name, ".minisig");
		if (git_treebuilder_insert(NULL, rb, name, &sig,
		    GIT_FILEMODE_BLOB) < 0)
			bs_die("junk: insert");
	}
	if (git_treebuilder_write(&oid, rb) < 0 ||
	    git_treebuilder_new(&tb, repo, tip) < 0 ||
	    git_treebuilder_insert(NULL, tb, "roster", &oid,
	    GIT_FILEMODE_TREE) < 0 || git_treebuilder_write(&oid, tb) < 0)
		bs_die("junk: trees");
	git_tree_free(tip);
	if (git_tree_lookup(&tip, repo, &oid) < 0 ||
	    git_signature_now(&who, "stick", "stick@example.invalid") < 0 ||
	    git_commit_create(&commit, repo, "refs/heads/office", who, who,
	    NULL, "junk", tip, 1, (const git_commit **)&parent) < 0)
		bs_die("junk: commit");
	git_signature_free(who);
	git_treebuilder_free(tb);
	git_treebuilder_free(rb);
	git_tree_free(rtree);
	git_tree_free(tip);
	git_commit_free(parent);
	git_reference_free(ref);
	git_repository_free(repo);
}

/* An office with n roster entries of random keys, synced to stick. */
static void
bs_office_store(const char *dir, const char *stick, long n,
    struct key_public *office)
{
	struct datadir		*dd;
	struct key_secret	*osk, *k;
	struct key_public	 pk;
	struct roster_entry	 e;
	struct bs_sync		 s;
	long			 i;

	if (datadir_open(&dd, dir, 1) != 0 ||
	    roster_office_init(dd, BS_PASS, strlen(BS_PASS), office) != 0 ||
	    roster_office_unlock(dd, BS_PASS, strlen(BS_PASS), &osk) != 0)
		bs_die(dir);
	/* One transaction and one snapshot for them all, as an office that
	 * enrolled them over months would hold them (roster_issue signs
	 * the office's whole state with each entry). */
	if (db_begin(dd->db) != 0)
		bs_die("begin");
	for (i = 0; i < n; i++) {
		char	*body, *sig;
		size_t	 len;
		int	 stored;

		if ((k = key_generate()) == NULL)
			bs_die("key");
		key_secret_public(k, &pk);
		key_secret_free(k);
		memset(&e, 0, sizeof e);
		key_id_hex(e.key_id, pk.id);
		e.pubkey = key_public_base64(&pk);
		e.name = xasprintf("检查员 %ld", i + 1);
		e.badge = xasprintf("XY-%05ld", i + 1);
		e.state = 1;
		snprintf(e.valid_from, sizeof e.valid_from,
		    "2020-01-01T00:00:00Z");
		if (roster_next_issued(dd->db, e.key_id, e.issued) != 0 ||
		    roster_sign(osk, &e, &body, &len, &sig) != 0 ||
		    roster_accept(dd->db, body, len, sig, &stored) != 0)
			bs_die("roster");
		free(body);
		free(sig);
		roster_entry_clear(&e);
	}
	if (snapshot_sign(dd->db, osk) != 0 || db_commit(dd->db) != 0)
		bs_die("snapshot");
	key_secret_free(osk);
	if (remote_create(stick) != 0 ||
	    remote_add(dd->db, "stick", stick, NULL) != 0)
		bs_die(stick);
	bs_sync_run(dd, "stick", stick, &s);
	datadir_close(dd);
}

/* A fresh device trusting office syncs stick: the seconds it took. */
static double
bs_office_pull(const char *dir, const char *stick,
    const struct key_public *office, struct bs_sync *s)
{
	struct datadir	*dd = bs_fresh_store(dir);

	if (roster_trust(dd, office, 0) != 0)
		bs_die("office trust");
	bs_sync_run(dd, stick, stick, s);
	datadir_close(dd);
	return s->end - s->t0;
}

static void
bs_office(const char *tmp, struct bs_off *o)
{
	struct key_public	 office;
	struct bs_sync		 s;
	char			*dir, *a, *stick, *f;
	long			 counts[2];
	int			 i;

	o->junk_small = 5000;
	o->junk_big = bs_env_count("BENCH_SYNC_ROSTER", 20000);
	o->genuine = o->junk_big;
	counts[0] = o->junk_small;
	counts[1] = o->junk_big;
	for (i = 0; i < 2; i++) {
		dir = xasprintf("%s/office-junk-%ld", tmp, counts[i]);
		a = xasprintf("%s/office", dir);
		stick = xasprintf("%s/stick.git", dir);
		f = xasprintf("%s/fresh", dir);
		if (util_mkdir_p(dir, 0700) != 0)
			bs_die(dir);
		bs_office_store(a, stick, 0, &office);
		bs_junk(stick, counts[i]);
		if (i == 0) {
			o->t_small = bs_office_pull(f, stick, &office, &s);
			o->refused_small = (long)s.res.imported.rejected;
		} else {
			o->t_big = bs_office_pull(f, stick, &office, &s);
			o->refused_big = (long)s.res.imported.rejected;
		}
		free(dir);
		free(a);
		free(stick);
		free(f);
	}
	dir = xasprintf("%s/office-roster-%ld", tmp, o->genuine);
	a = xasprintf("%s/office", dir);
	stick = xasprintf("%s/stick.git", dir);
	f = xasprintf("%s/fresh", dir);
	if (util_mkdir_p(dir, 0700) != 0)
		bs_die(dir);
	bs_office_store(a, stick, o->genuine, &office);
	o->t_genuine = bs_office_pull(f, stick, &office, &s);
	o->roster_genuine = (long)s.res.imported.roster;
	free(dir);
	free(a);
	free(stick);
	free(f);
}

#define BS_ROW(what, ...) do {						\
	char	m_[64];							\
	snprintf(m_, sizeof m_, __VA_ARGS__);				\
	printf("%-46s %-30s ", what, m_);				\
} while (0)

/* The figures with their budgets. */
static void
bs_table(const struct bs_hist *small, const struct bs_hist *big,
    const struct bs_big *imp, const struct bs_off *off, int reps)
{
	const struct bs_hist	*hs[2] = { small, big };
	char			 w[96], m[64], raw[64];
	double			 ratio, rec_s, push;
	int			 i;

	printf("%-46s %-30s %s\n", "figure", "measured", "budget");
	printf("%-46s %-30s %s\n", "------", "--------", "------");
	for (i = 0; i < 2; i++) {
		snprintf(w, sizeof w, "1 record on %s: bytes sent",
		    bs_thousands(hs[i]->n));
		BS_ROW(w, "%s B (libgit2 says %s)",
		    bs_thousands((long)hs[i]->start.max_pack),
		    bs_thousands((long)hs[i]->start.max_sent));
		printf("<= 16 KiB (16,384 B)\n");
		BS_ROW("  at a shard's end", "%s B (libgit2 says %s)",
		    bs_thousands((long)hs[i]->end.max_pack),
		    bs_thousands((long)hs[i]->end.max_sent));
		printf("<= 16 KiB\n");
	}
	snprintf(w, sizeof w, "1 record on %s: time (median of %d)",
	    bs_thousands(small->n), reps);
	BS_ROW(w, "%.1f ms", small->start.median_ms);
	printf("(the reference)\n");
	snprintf(w, sizeof w, "1 record on %s: time (median of %d)",
	    bs_thousands(big->n), reps);
	ratio = big->start.median_ms / small->start.median_ms;
	BS_ROW(w, "%.1f ms = %.2fx", big->start.median_ms, ratio);
	printf("<= 2x the %s case\n", bs_thousands(small->n));
	ratio = big->end.median_ms / small->end.median_ms;
	BS_ROW("  at a shard's end", "%.1f ms = %.2fx (vs %.1f)",
	    big->end.median_ms, ratio, small->end.median_ms);
	printf("<= 2x\n");
	rec_s = (double)imp->stats.records / imp->import_secs;
	snprintf(w, sizeof w, "import of %s fetched records",
	    bs_thousands(imp->n));
	BS_ROW(w, "%.0f rec/s = %.2fx raw", rec_s, rec_s / imp->raw64);
	printf(">= 0.5x raw verify (%.0f/s, 1 core)\n", imp->raw64);
	rec_s = (double)imp->pull.res.imported.records / bs_total(&imp->pull);
	BS_ROW("  the whole sync_run (fetch + import)",
	    "%.0f rec/s = %.2fx raw", rec_s, rec_s / imp->raw64);
	printf(">= 0.5x\n");
	snprintf(w, sizeof w, "first push of %s records: sync_run",
	    bs_thousands(imp->n));
	BS_ROW(w, "%.2f s = %.2fx git", bs_total(&imp->push),
	    bs_total(&imp->push) / imp->git_secs);
	printf("git push: %.2f s (no ratio set)\n", imp->git_secs);
	push = bs_stage(&imp->push, BS_ST_IMPORT) + bs_stage(&imp->push,
	    BS_ST_PUSH);
	BS_ROW("  its push alone (pack + write)", "%.2f s = %.2fx git",
	    push, push / imp->git_secs);
	printf("\n");

	snprintf(w, sizeof w, "sync: 1 record on %s records: bytes sent",
	    bs_thousands(big->n));
	snprintf(m, sizeof m, "%s B", bs_thousands((long)(big->start.max_pack >
	    big->end.max_pack ? big->start.max_pack : big->end.max_pack)));
	bench_table(w, m, "-", "<= 16 KiB", bench_verdict(big->start.max_pack
	    <= 16384 && big->end.max_pack <= 16384));
	snprintf(w, sizeof w, "sync: 1 record on %s records: time",
	    bs_thousands(big->n));
	ratio = big->start.median_ms / small->start.median_ms;
	if (big->end.median_ms / small->end.median_ms > ratio)
		ratio = big->end.median_ms / small->end.median_ms;
	snprintf(m, sizeof m, "%.1f ms = %.2fx", big->start.median_ms, ratio);
	snprintf(raw, sizeof raw, "on %s: %.1f ms", bs_thousands(small->n),
	    small->start.median_ms);
	bench_table(w, m, raw, "<= 2x", bench_verdict(ratio <= 2));
	rec_s = (double)imp->stats.records / imp->import_secs;
	snprintf(w, sizeof w, "sync: import of %s records",
	    bs_thousands(imp->n));
	snprintf(m, sizeof m, "%.0f rec/s = %.2fx", rec_s, rec_s /
	    imp->raw64);
	snprintf(raw, sizeof raw, "libsodium verify: %.0f/s", imp->raw64);
	bench_table(w, m, raw, ">= 0.5x", bench_verdict(rec_s / imp->raw64 >=
	    0.5));
	snprintf(w, sizeof w, "sync: first push of %s records",
	    bs_thousands(imp->n));
	snprintf(m, sizeof m, "%.2f s = %.2fx", bs_total(&imp->push),
	    bs_total(&imp->push) / imp->git_secs);
	snprintf(raw, sizeof raw, "git push: %.2f s", imp->git_secs);
	bench_table(w, m, raw, "(no ratio set)", "-");
	ratio = (off->t_big / (double)off->junk_big) /
	    (off->t_small / (double)off->junk_small);
	snprintf(w, sizeof w, "sync: office branch, %s junk roster files",
	    bs_thousands(off->junk_big));
	snprintf(m, sizeof m, "%.2f s = %.2fx per file", off->t_big, ratio);
	snprintf(raw, sizeof raw, "%s files: %.2f s",
	    bs_thousands(off->junk_small), off->t_small);
	bench_table(w, m, raw, "<= 1.5x (linear)", bench_verdict(ratio <=
	    1.5));
	snprintf(w, sizeof w, "sync: office branch, %s roster entries",
	    bs_thousands(off->genuine));
	snprintf(m, sizeof m, "%.2f s = %.0f entries/s", off->t_genuine,
	    (double)off->roster_genuine / off->t_genuine);
	bench_table(w, m, "-", "(no ratio set)", "-");
}

int
main(void)
{
	struct bs_hist	 small, big;
	struct bs_big	 imp;
	struct bs_off	 off;
	const char	*base = getenv("TMPDIR");
	char		*tmp, *cmd;
	int		 reps = (int)bs_env_count("BENCH_SYNC_REPS", BS_REPS);
	double		 t_all = bs_now(), rec_s, pair;
	long		 cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (reps > BS_MAXREPS)
		reps = BS_MAXREPS;
	if (util_init() != 0 || repo_global_init() != 0)
		bs_die("init");
	memset(&small, 0, sizeof small);
	memset(&big, 0, sizeof big);
	memset(&imp, 0, sizeof imp);
	small.n = bs_env_count("BENCH_SYNC_SMALL", BS_SMALL);
	big.n = bs_env_count("BENCH_SYNC_BIG", BS_BIG);
	imp.n = bs_env_count("BENCH_SYNC_IMPORT", BS_IMPORT);
	if (util_mkdir_p("tests/bench", 0755) != 0)
		bs_die("tests/bench");
	tmp = xasprintf("%s/lantian-bench-sync-XXXXXX", base ? base : "/tmp");
	if (mkdtemp(tmp) == NULL)
		bs_die("mkdtemp");

	printf("lantian sync benchmarks (%ld cores, libgit2 %s, work in %s)\n"
	    "remote: a bare repository on local disk (a USB stick's path)\n\n",
	    cores, repo_libgit2_version(), tmp);
	bs_history(tmp, &small, reps);
	bs_history(tmp, &big, reps);
	bs_import(tmp, &imp);
	memset(&off, 0, sizeof off);
	bs_office(tmp, &off);

	printf("first push of %s records (A, fresh, to an empty bare "
	    "repository)\n", bs_thousands(imp.n));
	printf("  sync_run %.2f s (%s B libgit2, remote objects %s B)\n",
	    bs_total(&imp.push), bs_thousands((long)imp.push.res.bytes_sent),
	    bs_thousands((long)imp.push_size));
	bs_print_stages("    ", &imp.push, 1, " s");
	printf("  git push %.2f s (git CLI, the same branch from A's repo.git, "
	    "remote objects %s B)\n\n", imp.git_secs,
	    bs_thousands((long)imp.git_size));

	rec_s = (double)imp.stats.records / imp.import_secs;
	pair = 1.0 / (1.0 / imp.raw64 + 1.0 / imp.rawtc);
	printf("import of %s fetched records (a fresh device B)\n",
	    bs_thousands(imp.n));
	printf("  sync_run %.2f s: %s records, %s verified, %s refused, "
	    "%s B received\n", bs_total(&imp.pull),
	    bs_thousands((long)imp.pull.res.imported.records),
	    bs_thousands((long)imp.pull.res.imported.verified),
	    bs_thousands((long)imp.pull.res.imported.rejected),
	    bs_thousands((long)imp.pull.res.bytes_received));
	bs_print_stages("    ", &imp.pull, 1, " s");
	printf("  alone (device C): libgit2 fetch %.2f s, import_all %.2f s "
	    "= %.0f records/s (%s records, %s verified, %s refused)\n",
	    imp.fetch_secs, imp.import_secs, rec_s,
	    bs_thousands((long)imp.stats.records),
	    bs_thousands((long)imp.stats.verified),
	    bs_thousands((long)imp.stats.rejected));
	printf("  raw libsodium verify, 1 core: %.0f/s (64 B: the "
	    "signature), %.0f/s (%zu B: the trusted comment); both: %.0f "
	    "records/s\n\n", imp.raw64, imp.rawtc, imp.tclen, pair);

	printf("the office branch, synced by a fresh device from a stick\n");
	printf("  %s junk roster files: %.2f s (%s refused)\n",
	    bs_thousands(off.junk_small), off.t_small,
	    bs_thousands(off.refused_small));
	printf("  %s junk roster files: %.2f s (%s refused)\n",
	    bs_thousands(off.junk_big), off.t_big,
	    bs_thousands(off.refused_big));
	printf("  %s genuine roster entries: %.2f s (%s taken)\n\n",
	    bs_thousands(off.genuine), off.t_genuine,
	    bs_thousands(off.roster_genuine));

	bs_table(&small, &big, &imp, &off, reps);
	printf("\nstores: %s made in %.1f s, %s in %.1f s, %s in %.1f s "
	    "(kept in tests/bench/sync-*); this run %.1f s\n",
	    bs_thousands(small.n), small.gen_secs, bs_thousands(big.n),
	    big.gen_secs, bs_thousands(imp.n), imp.gen_secs,
	    bs_now() - t_all);
	if (getenv("BENCH_SYNC_KEEP") == NULL) {
		/* Some 250,000 loose objects of the long history: a while. */
		fprintf(stderr, "bench_sync: removing %s\n", tmp);
		cmd = xasprintf("rm -rf '%s'", tmp);
		bs_run_cmd(cmd);
		free(cmd);
	}
	free(tmp);
	repo_global_shutdown();
	return 0;
}
