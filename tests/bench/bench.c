/*
 * Benchmarks: figures printed side by side, nothing asserted.
 *   - records created per second (sign + chain + durable insert, one
 *     transaction each) against raw durable SQLite inserts of rows the same
 *     size in the same mode (WAL, synchronous=FULL, one transaction each);
 *   - verify over a 10,000-record store, records per second, against
 *     libsodium's raw Ed25519 verify rate on one core.
 * Run with `make bench`; BENCH_RECORDS / BENCH_VERIFY override the counts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/datadir.h"
#include "core/db.h"
#include "core/error.h"
#include "core/key.h"
#include "core/record.h"
#include "core/util.h"
#include "core/verify.h"
#include "tests/bench/benchutil.h"
#include "tests/bench/scale.h"

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, error_msg());
	exit(1);
}

static long
env_count(const char *name, long def)
{
	const char	*v = getenv(name);

	return v != NULL && atol(v) > 0 ? atol(v) : def;
}

/* Fields like those of a real inspection record (about 1.5 KB signed). */
static json_t *
bench_fields(long i)
{
	return json_pack("{s:{s:s, s:s}, s:s, s:{s:s, s:i, s:s}, s:s, s:s, "
	    "s:{s:s, s:f, s:s, s:s, s:b, s:s}, s:[{s:s, s:i, s:s, "
	    "s:{s:s, s:s}, s:{s:s, s:s}, s:s}], s:[], s:s, s:n}",
	    "inspector", "name", "张伟", "badge", "XY-017",
	    "site", i % 2 ? "XY-E-001" : "XY-E-002",
	    "form", "id", "boiler", "version", 1, "sha256",
	    "9f2c1d3e4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
	    "started", "2026-11-28T09:00:00Z", "finished",
	    "2026-11-28T09:20:00Z",
	    "answers", "fuel", "coal", "capacity_tph", 20.5, "fgr_valve",
	    "none", "auto_monitoring", "none", "low_nox", 0, "remarks",
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

/*
 * Raw durable inserts of rows of size bytes, one transaction each: into a
 * bare table (id, body), or into lantian's own records table with its
 * indexes (a fresh store), without signing, chain or findings.
 */
static double
bench_raw_inserts(const char *path, long n, size_t size, int lantian_schema)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		*blob, id[65];
	double		 t0, t;
	long		 i;

	if (lantian_schema) {
		if (db_open(&db, path) != 0)
			die("raw.db");
		if (db_prepare(db, &st, "INSERT INTO records (id, device, seq, "
		    "prev, type, site, form, created, body, sig, status) VALUES "
		    "(?1, ?2, ?3, ?1, 'inspection', 'XY-E-001', 'boiler', "
		    "'2026-11-28T09:20:00Z', ?4, ?5, 'signed')") != 0)
			die("raw.db");
	} else {
		if (sqlite3_open(path, &db) != SQLITE_OK)
			die("raw.db");
		if (db_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous "
		    "= FULL; CREATE TABLE t (id TEXT PRIMARY KEY, device TEXT, "
		    "seq INTEGER, body BLOB, sig TEXT)") != 0 ||
		    db_prepare(db, &st, "INSERT INTO t VALUES (?1, ?2, ?3, ?4, "
		    "?5)") != 0)
			die("raw.db");
	}
	blob = xmalloc(size);
	memset(blob, 'x', size);
	t0 = now();
	for (i = 0; i < n; i++) {
		util_sha256_hex(id, &i, sizeof i);
		id[0] = 'f';	/* apart from the ids of any store */
		db_exec(db, "BEGIN IMMEDIATE");
		sqlite3_reset(st);
		db_bind_text(st, 1, id);
		db_bind_text(st, 2, "ABCDEF0123456789");
		sqlite3_bind_int64(st, 3, i + 1);
		sqlite3_bind_blob(st, 4, blob, (int)size - 300, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, blob, 300, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			die("raw insert");
		if (db_exec(db, "COMMIT") != 0)
			die("raw commit");
	}
	t = now() - t0;
	sqlite3_finalize(st);
	if (lantian_schema)
		db_close(db);
	else
		sqlite3_close(db);
	free(blob);
	return (double)n / t;
}

/* Create n records, each in its own transaction; returns records/s. */
static double
bench_create(struct datadir *dd, struct key_secret *sk, long n, int durable,
    size_t *size)
{
	struct record	r;
	json_t		*fields;
	double		 t0, t;
	long		 i;

	/* The fields are the caller's input: built before the clock starts. */
	fields = bench_fields(0);
	t0 = now();
	if (!durable)
		db_begin(dd->db);
	for (i = 0; i < n; i++) {
		if (durable && db_begin(dd->db) != 0)
			die("begin");
		if (record_create(dd->db, sk, "inspection", fields, &r) != 0)
			die("create");
		if (durable && db_commit(dd->db) != 0)
			die("commit");
		*size = r.len + strlen(r.sig);
		record_clear(&r);
	}
	if (!durable)
		db_commit(dd->db);
	t = now() - t0;
	json_decref(fields);
	return (double)n / t;
}

static double
bench_raw_verify(long n)
{
	unsigned char	pk[32], sk[64], sig[64], msg[64];
	double		t0, t;
	long		i;
	int		bad = 0;

	crypto_sign_keypair(pk, sk);
	randombytes_buf(msg, sizeof msg);
	crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
	t0 = now();
	for (i = 0; i < n; i++)
		bad |= crypto_sign_verify_detached(sig, msg, sizeof msg, pk);
	t = now() - t0;
	if (bad)
		die("raw verify");
	return (double)n / t;
}

static void
bench_no_problem(const struct verify_problem *p, void *arg)
{
	(void)arg;
	fprintf(stderr, "bench: unexpected problem: %s %s\n", p->kind, p->why);
}

static double
bench_verify(struct datadir *dd, int threads, long expect)
{
	struct verify_stats	st;
	double			t0, t;

	t0 = now();
	if (verify_store(dd->db, NULL, 0, threads, bench_no_problem, NULL,
	    &st) != 0)
		die("verify");
	t = now() - t0;
	if (st.records != expect || st.problems != 0)
		die("verify count");
	return (double)st.records / t;
}

/*
 * The same budgets at scale, on the store of 1,000,000 records of 50
 * devices (tests/bench/scale.c): records created into a copy of it (one
 * transaction each) against raw durable inserts into that copy's records
 * table, and the whole store verified against libsodium's verify rate.
 */
static void
bench_scale(const char *tmp, long ncreate, double rawv, long cores)
{
	struct datadir		*dd;
	struct key_secret	*sk;
	long			 n = bench_scale_count();
	const char		*store = bench_scale_dir(n);
	char			*copy, *cmd, *path, m[64], raw[64];
	double			 made, create, rawc, vn, t0;
	size_t			 size = 0;
	int			 cached;

	made = bench_scale_store("bench", store, n, &cached);
	printf("\nat scale: %s (%ld records of %d devices, made in %.0f s%s)"
	    "\n", store, n, SCALE_DEVICES, made, cached ? " by an earlier run"
	    : "");
	copy = xasprintf("%s/scale", tmp);
	cmd = xasprintf("cp -r '%s' '%s'", store, copy);
	t0 = now();
	if (system(cmd) != 0)
		die("copy of the scale store");
	/* The copy's gigabytes written back first: else they are flushed
	 * during the measure, and every fsync of it waits for them. */
	sync();
	printf("         (copied for the writes in %.1f s, synced)\n",
	    now() - t0);
	free(cmd);
	if (datadir_open(&dd, copy, 0) != 0 ||
	    datadir_device_unlock(dd, SCALE_PASS, strlen(SCALE_PASS), &sk) != 0)
		die("scale store");
	create = bench_create(dd, sk, ncreate, 1, &size);
	key_secret_free(sk);
	datadir_close(dd);
	path = xasprintf("%s/lantian.db", copy);
	rawc = bench_raw_inserts(path, ncreate, size, 1);
	free(path);
	bench_rmtree(copy);
	free(copy);
	printf("create   %8.0f records/s  into the store of %ld records\n",
	    create, n);
	printf("raw      %8.0f rows/s     durable insert into its records "
	    "table\n", rawc);
	printf("         ratio %.2f (budget >= 0.60)\n", create / rawc);
	snprintf(m, sizeof m, "%.0f rec/s = %.2fx", create, create / rawc);
	snprintf(raw, sizeof raw, "SQLite durable insert: %.0f/s", rawc);
	bench_table("create a record (sign, chain, durable insert)", m, raw,
	    ">= 0.60x", bench_verdict(create / rawc >= 0.60));

	if (datadir_open(&dd, store, 0) != 0)
		die("scale store");
	vn = bench_verify(dd, 0, n);
	datadir_close(dd);
	printf("verify   %8.0f records/s  all %ld records, %ld threads\n",
	    vn, n, cores);
	printf("         ratio %.2f of libsodium's 1 core (budget >= 0.70)\n",
	    vn / rawv);
	snprintf(m, sizeof m, "%.0f rec/s = %.2fx", vn, vn / rawv);
	snprintf(raw, sizeof raw, "libsodium verify: %.0f/s", rawv);
	cmd = xasprintf("verify the whole store (%ld threads)", cores);
	bench_table(cmd, m, raw, ">= 0.70x", bench_verdict(vn / rawv >=
	    0.70));
	free(cmd);
}

int
main(void)
{
	struct datadir		*dd;
	struct key_secret	*sk;
	const char		*base = getenv("TMPDIR");
	char			*dir, *data, *path;
	long			 ncreate = env_count("BENCH_RECORDS", 2000);
	long			 nverify = env_count("BENCH_VERIFY", 10000);
	double			 create, raw, rawv, v1, vn;
	size_t			 size = 0;
	long			 cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (util_init() != 0)
		die("init");
	dir = xasprintf("%s/lantian-bench-XXXXXX", base ? base : "/tmp");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	data = xasprintf("%s/data", dir);
	if (datadir_open(&dd, data, 1) != 0 ||
	    datadir_init_key(dd, "张伟", "XY-017", "bench", 5) != 0 ||
	    datadir_device_unlock(dd, "bench", 5, &sk) != 0)
		die("setup");

	printf("lantian benchmarks (%ld cores, store in %s)\n\n", cores, dir);
	create = bench_create(dd, sk, ncreate, 1, &size);
	path = xasprintf("%s/raw1.db", dir);
	raw = bench_raw_inserts(path, ncreate, size, 1);
	free(path);
	path = xasprintf("%s/raw0.db", dir);
	double bare = bench_raw_inserts(path, ncreate, size, 0);
	free(path);
	double cpu = bench_create(dd, sk, ncreate, 0, &size);
	printf("create   %8.0f records/s  sign + chain + durable insert, "
	    "%ld records of %zu bytes\n", create, ncreate, size);
	printf("raw      %8.0f rows/s     durable SQLite insert of the same "
	    "size into lantian's records table\n", raw);
	printf("         ratio %.2f (budget >= 0.60)\n", create / raw);
	printf("bare     %8.0f rows/s     the same into a bare (id, body) "
	    "table: ratio %.2f\n", bare, create / bare);
	printf("cpu      %8.0f records/s  the same, all in one transaction "
	    "(no fsync per record)\n\n", cpu);

	/* Fill the store up to nverify records, then verify it all. */
	if (nverify > 2 * ncreate)
		bench_create(dd, sk, nverify - 2 * ncreate, 0, &size);
	nverify = nverify > 2 * ncreate ? nverify : 2 * ncreate;
	rawv = bench_raw_verify(20000);
	v1 = bench_verify(dd, 1, nverify);
	vn = bench_verify(dd, 0, nverify);
	printf("verify   %8.0f records/s  %ld records, 1 thread\n", v1, nverify);
	printf("verify   %8.0f records/s  %ld records, %ld threads\n", vn,
	    nverify, cores);
	printf("raw      %8.0f verifies/s libsodium Ed25519 verify, 1 core\n",
	    rawv);
	printf("         ratio %.2f on 1 thread, %.2f on all cores (budget >= "
	    "0.70)\n", v1 / rawv, vn / rawv);
	printf("         (a record is two Ed25519 verifies: the signature and "
	    "the trusted comment)\n");

	key_secret_free(sk);
	datadir_close(dd);
	bench_scale(dir, ncreate, rawv, cores);
	bench_rmtree(dir);
	free(data);
	free(dir);
	return 0;
}
