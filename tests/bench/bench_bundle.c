/*
 * The evidence bundle's budgets (issue 7), figures printed, nothing
 * asserted: a case of 1,000 records with 1,000 photos of 1 MiB
 *   - lantian export (the whole program: passphrase, select, copy and
 *     hash the photos, manifests, report, signature) against sha256sum
 *     over the same payload, in the same run: <= 1.5x;
 *   - lantian verify-bundle of it against sha256sum -c of its manifest:
 *     <= 1.5x;
 * and export in process (core/bundle.h, the key already unlocked), to
 * show what the passphrase's key derivation costs, and cp -r of the bag
 * with a sync, the disk's part: an export is synced to the disk (or the
 * stick) before it says it is done.
 *
 * The store is made once and kept: tests/bench/store-bundle, a data
 * directory that is its own office, 1,000 inspections of one site, each
 * with one photo of 1 MiB of bytes from a fixed seed (xorshift64*, seed
 * 20301129): 1 GiB of attachments.  Every figure is the median of 3 runs
 * with the files in the page cache (each run's bag is removed, and the
 * disk synced, before the next export).
 *
 * Run with `make bench`.  BENCH_BUNDLE_RECORDS overrides the 1,000,
 * BENCH_BUNDLE_PROGRAM the program (./lantian).
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

#include "core/attach.h"
#include "core/bundle.h"
#include "core/datadir.h"
#include "core/db.h"
#include "core/error.h"
#include "core/form.h"
#include "core/key.h"
#include "core/record.h"
#include "core/roster.h"
#include "core/site.h"
#include "core/util.h"
#include "tests/bench/benchutil.h"
#include "tests/bench/scale.h"

#define BB_RECORDS	1000L
#define BB_PHOTO	(1024 * 1024)
#define BB_SEED		20301129ULL
#define BB_REPS		3
#define BB_PASS		"bench"

static uint64_t	bb_state = BB_SEED;

/* Remove a tree, and let the disk settle before the next figure. */
static void
bb_rmtree(const char *dir)
{
	bench_rmtree(dir);
	sync();
}

/* The store: an office enrolling its own inspector, n photo records. */
static void
bb_make_store(const char *dir, long n)
{
	static char		 fixed[64] = "LANTIAN_NOW=";
	struct attach_info	 a;
	struct datadir		*dd;
	struct key_secret	*sk;
	struct record		 rec;
	struct site		 s;
	struct form		*form;
	json_t			*fields;
	uint64_t		*photo;
	char			*tmp;
	long			 i;
	size_t			 j;

	if (bench_store_count(dir, NULL) == n)
		return;
	bb_rmtree(dir);
	fprintf(stderr, "bench_bundle: making %s (%ld records, %ld MiB of "
	    "photos)\n", dir, n, n);
	bench_office_store("bench_bundle", dir, BB_PASS, &dd, &sk);
	memset(&s, 0, sizeof s);
	s.id = "XY-E-101";
	s.name = "下冶镇供热站";
	s.village = "下冶村";
	s.kind = "enterprise";
	if (site_put(dd->db, &s) != 0)
		bench_die("bench_bundle", "site");
	/* The records cite the shipped boiler form, as found here. */
	if (form_open(&form, "boiler", datadir_form_dirs(dd)) != 0)
		bench_die("bench_bundle", "form boiler");
	photo = xmalloc(BB_PHOTO);
	tmp = xasprintf("%s/photo.jpg", dir);
	putenv(fixed);
	for (i = 0; i < n; i++) {
		for (j = 0; j < BB_PHOTO / sizeof *photo; j++)
			photo[j] = bench_rand(&bb_state);
		/* A JPEG's magic bytes: the store takes only photos. */
		memcpy(photo, "\xff\xd8\xff\xe0", 4);
		if (util_write_file(tmp, photo, BB_PHOTO, 0600) != 0 ||
		    attach_add(dd->path, tmp, &a) != 0)
			bench_die("bench_bundle", "photo");
		util_rfc3339(fixed + 12, sizeof fixed - 12, 1867219200 +
		    (time_t)i * 600);	/* from 2029-03-03, ten minutes apart */
		fields = json_pack("{s:{s:s, s:s}, s:s, s:{s:s, s:i, s:s}, "
		    "s:{s:s, s:s, s:i, s:s}, s:[], s:[{s:s, s:s, s:I, s:s, "
		    "s:n}], s:n}", "inspector", "name", "张伟", "badge",
		    "XY-017", "site", "XY-E-101", "form", "id", "boiler",
		    "version", form_version(form), "sha256", form_sha256(form),
		    "answers", "fuel", "gas", "use", "heating", "capacity_tph",
		    12, "status", "running", "findings", "attachments",
		    "sha256", a.sha256, "name", "photo.jpg", "bytes",
		    (json_int_t)a.bytes, "mime", a.mime, "caption", "notes");
		if (db_begin(dd->db) != 0 || attach_register(dd->db, &a) != 0 ||
		    record_create(dd->db, sk, "inspection", fields, &rec) != 0 ||
		    db_commit(dd->db) != 0)
			bench_die("bench_bundle", "record");
		free(a.name);
		record_clear(&rec);
		json_decref(fields);
		if ((i + 1) % 50 == 0 || i + 1 == n)
			fprintf(stderr, "\rbench_bundle: %ld / %ld ", i + 1, n);
	}
	unsetenv("LANTIAN_NOW");
	fputc('\n', stderr);
	unlink(tmp);
	free(tmp);
	free(photo);
	form_free(form);
	key_secret_free(sk);
	datadir_close(dd);
	bench_store_done("bench_bundle", dir, n, 0);
}

/* One run of a shell command line, output discarded; its wall time. */
static double
bb_sh(const char *cmd)
{
	double	t;
	char	*full = xasprintf("%s >/dev/null", cmd);
	int	 rc;

	t = bench_now();
	rc = system(full);
	t = bench_now() - t;
	if (rc != 0) {
		fprintf(stderr, "bench_bundle: failed: %s\n", cmd);
		exit(1);
	}
	free(full);
	return t;
}

int
main(void)
{
	struct bundle_sel	 sel;
	struct bundle_stats	 st;
	struct datadir		*dd;
	struct key_secret	*sk;
	const char		*prog = getenv("BENCH_BUNDLE_PROGRAM");
	char			*store, *out, *pass, *cmd;
	double			 te[BB_REPS], ti[BB_REPS], ts[BB_REPS];
	double			 tv[BB_REPS], tc[BB_REPS], tp[BB_REPS], r;
	char			 m[64], raw[64];
	long			 n = BB_RECORDS;
	int			 i;

	if (getenv("BENCH_BUNDLE_RECORDS") != NULL)
		n = strtol(getenv("BENCH_BUNDLE_RECORDS"), NULL, 10);
	if (prog == NULL)
		prog = "./lantian";
	if (util_init() != 0)
		bench_die("bench_bundle", "init");
	store = xasprintf("tests/bench/store-bundle%s", n == BB_RECORDS ? "" :
	    "-small");
	out = xasprintf("%s.bag", store);
	pass = xasprintf("%s.pass", store);
	bb_make_store(store, n);
	if (util_write_file(pass, BB_PASS "\n", 6, 0600) != 0)
		bench_die("bench_bundle", pass);

	memset(&sel, 0, sizeof sel);
	sel.site = "XY-E-101";
	sel.case_id = "bench";
	sel.lang = "zh";
	sel.described = "the records of site XY-E-101";
	if (datadir_open(&dd, store, 0) != 0 ||
	    datadir_device_unlock(dd, BB_PASS, 5, &sk) != 0)
		bench_die("bench_bundle", store);
	for (i = 0; i < BB_REPS; i++) {
		bb_rmtree(out);
		ti[i] = bench_now();
		if (bundle_export(dd, sk, &sel, out, NULL, &st) != 0)
			bench_die("bench_bundle", "export");
		ti[i] = bench_now() - ti[i];
	}
	key_secret_free(sk);
	datadir_close(dd);
	for (i = 0; i < BB_REPS; i++) {
		bb_rmtree(out);
		cmd = xasprintf("%s --data %s export --site XY-E-101 --case "
		    "bench --out %s --passphrase-file %s 2>/dev/null", prog,
		    store, out, pass);
		te[i] = bb_sh(cmd);
		free(cmd);
		cmd = xasprintf("cd %s && find data -type f -print0 | xargs -0 "
		    "sha256sum", out);
		ts[i] = bb_sh(cmd);
		free(cmd);
		cmd = xasprintf("rm -rf %s.copy && sync && cp -r %s %s.copy && "
		    "sync && rm -rf %s.copy", out, out, out, out);
		tp[i] = bb_sh(cmd);
		free(cmd);
		sync();
		cmd = xasprintf("%s verify-bundle %s", prog, out);
		tv[i] = bb_sh(cmd);
		free(cmd);
		cmd = xasprintf("cd %s && sha256sum -c --quiet "
		    "manifest-sha256.txt", out);
		tc[i] = bb_sh(cmd);
		free(cmd);
	}
	printf("evidence bundle: %d records, %d photos, %zu payload files, "
	    "%.1f MiB (median of %d, files in the page cache)\n", st.records,
	    st.attachments, st.payload_files, (double)st.payload_bytes /
	    1048576.0, BB_REPS);
	printf("%-44s %7.2f s\n", "sha256sum over the payload", bench_median(ts,
	    BB_REPS));
	printf("%-44s %7.2f s  = %.2fx sha256sum (<= 1.5x)\n",
	    "lantian export (whole program)", bench_median(te, BB_REPS),
	    bench_median(te, BB_REPS) / bench_median(ts, BB_REPS));
	printf("%-44s %7.2f s  = %.2fx sha256sum\n",
	    "bundle_export in process (key unlocked)", bench_median(ti, BB_REPS),
	    bench_median(ti, BB_REPS) / bench_median(ts, BB_REPS));
	printf("%-44s %7.2f s  (the disk's share: the export syncs its "
	    "bag)\n", "cp -r of the bag, then sync", bench_median(tp, BB_REPS));
	printf("%-44s %7.2f s\n", "sha256sum -c manifest-sha256.txt",
	    bench_median(tc, BB_REPS));
	printf("%-44s %7.2f s  = %.2fx sha256sum -c (<= 1.5x)\n",
	    "lantian verify-bundle", bench_median(tv, BB_REPS),
	    bench_median(tv, BB_REPS) / bench_median(tc, BB_REPS));
	r = bench_median(te, BB_REPS) / bench_median(ts, BB_REPS);
	snprintf(m, sizeof m, "%.2f s = %.2fx", bench_median(te, BB_REPS), r);
	snprintf(raw, sizeof raw, "sha256sum: %.2f s", bench_median(ts,
	    BB_REPS));
	bench_table("bundle: export of 1,000 records, 1,003 MiB", m, raw,
	    "<= 1.5x sha256sum", bench_verdict(r <= 1.5));
	r = bench_median(tv, BB_REPS) / bench_median(tc, BB_REPS);
	snprintf(m, sizeof m, "%.2f s = %.2fx", bench_median(tv, BB_REPS), r);
	snprintf(raw, sizeof raw, "sha256sum -c: %.2f s", bench_median(tc,
	    BB_REPS));
	bench_table("bundle: verify-bundle of it", m, raw,
	    "<= 1.5x sha256sum -c", bench_verdict(r <= 1.5));
	bb_rmtree(out);
	unlink(pass);
	free(store);
	free(out);
	free(pass);
	return 0;
}
