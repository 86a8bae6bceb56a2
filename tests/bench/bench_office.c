/*
 * The supervisor's budgets (issue 6), figures printed, nothing asserted.
 * With 1,000,000 records in the store:
 *   - the monthly report (core/report.h) <= 1 s;
 *   - any merged view's first page <= 50 ms: the CLI's records list with
 *     filters (--limit 50), findings list, inspectors; these are timed as
 *     the whole program run (start, open, query, print, exit), so the
 *     figure is an upper bound of the query itself.
 *
 * The store is made once and kept: tests/bench/store-office-1m, a data
 * directory that is its own office (its inspector on its roster, so the
 * records are verified) with 2,000 sites and 1,000,000 records over the
 * 24 months of 2029 and 2030, chosen by a fixed seed (xorshift64*, seed
 * 20301129): boilers at enterprises (40%), restaurant fume checks (20%),
 * dust fall at construction sites (10%), fire points (5%) and the coal ban
 * at households (25%), with the findings the forms' rules give.  The same
 * seed makes the same store, but for the signatures (a new key each
 * time).
 *
 * Run with `make bench`.  BENCH_OFFICE_RECORDS overrides the 1,000,000,
 * BENCH_OFFICE_REPS the 5 runs of each figure (the median is shown),
 * BENCH_OFFICE_PROGRAM the program (./lantian).
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

#include "core/datadir.h"
#include "core/db.h"
#include "core/error.h"
#include "core/key.h"
#include "core/record.h"
#include "core/report.h"
#include "core/roster.h"
#include "core/site.h"
#include "core/util.h"
#include "tests/bench/benchutil.h"

#define BO_RECORDS	1000000L
#define BO_SITES	2000
#define BO_BATCH	20000
#define BO_SEED		20301129ULL
#define BO_REPS		5
#define BO_MONTH	"2030-06"	/* the month the figures read */

static uint64_t	bo_state = BO_SEED;

static long
bo_env(const char *name, long def)
{
	const char	*v = getenv(name);

	return v != NULL && atol(v) > 0 ? atol(v) : def;
}

static const char *const bo_villages[] = { "下冶村", "南岭村", "石门村",
    "东坡村", "西沟村" };
/* Site i's kind: 10% restaurants, 20% enterprises, 10% construction,
 * 55% households, 5% village sites (for fire points). */
static const char *
bo_kind(long i)
{
	long	k = i % 20;

	return k < 2 ? "restaurant" : k < 6 ? "enterprise" : k < 8 ?
	    "construction" : k < 19 ? "household" : "village";
}

static void
bo_site_id(char *buf, size_t size, long i)
{
	snprintf(buf, size, "S%04ld", i);
}

static void
bo_make_sites(sqlite3 *db)
{
	struct site	s;
	char		id[16], *name;
	long		i;

	for (i = 0; i < BO_SITES; i++) {
		memset(&s, 0, sizeof s);
		bo_site_id(id, sizeof id, i);
		name = xasprintf("%s%s%ld", bo_villages[i % 5], bo_kind(i), i);
		s.id = id;
		s.name = name;
		s.village = (char *)bo_villages[i % 5];
		s.kind = (char *)bo_kind(i);
		s.grade = strcmp(s.kind, "enterprise") == 0 ? (char *)(i % 7 ==
		    0 ? "D" : "B") : NULL;
		if (site_put(db, &s) != 0)
			bench_die("bench_office", "site");
		free(name);
	}
}

/* A site of kind, chosen at random. */
static long
bo_site_of(const char *kind)
{
	long	i;

	do
		i = (long)(bench_rand(&bo_state) % BO_SITES);
	while (strcmp(bo_kind(i), kind) != 0);
	return i;
}

static json_t *
bo_finding(const char *rule, int task, const char *severity, time_t t,
    int days)
{
	char	deadline[11];

	util_date_after(deadline, sizeof deadline, t, days);
	return json_pack("{s:s, s:i, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:s}",
	    "rule", rule, "task", task, "severity", severity, "text", "zh",
	    rule, "en", rule, "action", "zh", "整改", "en", "fix it",
	    "deadline", deadline);
}

/* The fields of one record made at t, of the form the seed chooses. */
static json_t *
bo_fields(time_t t)
{
	json_t		*answers, *findings = json_array();
	const char	*form, *kind;
	char		 site[16], month[8], day[11], started[32];
	uint64_t	 r = bench_rand(&bo_state) % 100;
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(month, sizeof month, "%Y-%m", &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	if (r < 40) {
		form = "boiler", kind = "enterprise";
		r = bench_rand(&bo_state) % 10;
		answers = json_pack("{s:s, s:s, s:f, s:s, s:s}", "fuel", r < 2 ?
		    "coal" : "gas", "use", "heating", "capacity_tph", r < 2 ?
		    4.0 : 12.0, "status", "running", "auto_monitoring", r < 5 ?
		    "installed" : "networked");
		if (r < 2)
			json_array_append_new(findings, bo_finding("coal-le35",
			    11, "violation", t, 30));
		else if (r < 5)
			json_array_append_new(findings, bo_finding(
			    "monitoring-not-networked", 11, "violation", t, 30));
	} else if (r < 60) {
		form = "restaurant-fume", kind = "restaurant";
		r = bench_rand(&bo_state) % 10;
		answers = json_pack("{s:b, s:b, s:b}", "purifier_installed", 1,
		    "purifier_running", r != 0, "cleaning_records", 1);
		if (r == 0)
			json_array_append_new(findings, bo_finding(
			    "purifier-not-running", 7, "violation", t, 3));
	} else if (r < 70) {
		form = "dustfall", kind = "construction";
		r = bench_rand(&bo_state) % 100;
		answers = json_pack("{s:s, s:f, s:s}", "month", month,
		    "dustfall", 3.0 + (double)r / 10.0, "report_no", "DF");
		if (3.0 + (double)r / 10.0 > 8)
			json_array_append_new(findings, bo_finding(
			    "dustfall-above-8", 6, "warning", t, 30));
	} else if (r < 75) {
		form = "fire-point", kind = "village";
		answers = json_pack("{s:b, s:s, s:s, s:s, s:s, s:i}", "recheck",
		    0, "village", bo_villages[bench_rand(&bo_state) % 5], "found_by",
		    "onsite", "fire_kind", "straw", "found_date", day,
		    "deduction_yuan", 300);
		json_array_append_new(findings, bo_finding("fire-point", 9,
		    "violation", t, 3));
	} else {
		form = "coal-ban", kind = "household";
		answers = json_pack("{s:b, s:[s], s:b, s:s}", "in_ban_zone", 1,
		    "loose_coal", "none", "substituted", 1, "heating",
		    "electric");
	}
	bo_site_id(site, sizeof site, bo_site_of(kind));
	util_rfc3339(started, sizeof started, t - 900);
	return json_pack("{s:{s:s, s:s}, s:s, s:{s:s, s:i, s:s}, s:s, s:s, "
	    "s:o, s:o, s:[], s:n, s:n}", "inspector", "name", "张伟", "badge",
	    "XY-017", "site", site, "form", "id", form, "version", 1,
	    "sha256", "0000000000000000000000000000000000000000000000000000"
	    "000000000000", "started", started, "finished", started,
	    "answers", answers, "findings", findings, "attachments", "notes",
	    "acknowledged");
}

/* The store, made unless a finished one is there; seconds it took. */
static double
bo_make_store(const char *dir, long n)
{
	static char		 fixed[64] = "LANTIAN_NOW=";
	struct datadir		*dd;
	struct key_secret	*sk;
	struct record		 rec;
	json_t			*fields;
	time_t			 t0 = 1861920000;	/* 2029-01-01T00:00Z */
	time_t			 span = 730L * 86400;	/* to 2030-12-31 */
	double			 start = bench_now();
	long			 i;

	if (bench_store_count(dir, NULL) == n)
		return 0;
	bench_rmtree(dir);
	fprintf(stderr, "bench_office: making %s (%ld records)\n", dir, n);
	bench_office_store("bench_office", dir, "bench", &dd, &sk);
	if (db_exec(dd->db, "PRAGMA synchronous = OFF; "
	    "PRAGMA cache_size = -262144") != 0 || db_begin(dd->db) != 0)
		bench_die("bench_office", dir);
	bo_make_sites(dd->db);
	putenv(fixed);
	for (i = 0; i < n; i++) {
		util_rfc3339(fixed + 12, sizeof fixed - 12, t0 + (time_t)(
		    (double)span * (double)i / (double)n));
		fields = bo_fields(t0 + (time_t)((double)span * (double)i /
		    (double)n));
		if (record_create(dd->db, sk, "inspection", fields, &rec) != 0)
			bench_die("bench_office", "record");
		record_clear(&rec);
		json_decref(fields);
		if ((i + 1) % BO_BATCH == 0 || i + 1 == n) {
			if (db_commit(dd->db) != 0 || (i + 1 < n &&
			    db_begin(dd->db) != 0))
				bench_die("bench_office", "commit");
			fprintf(stderr, "\rbench_office: %ld / %ld ", i + 1, n);
		}
	}
	unsetenv("LANTIAN_NOW");
	fputc('\n', stderr);
	if (db_exec(dd->db, "PRAGMA wal_checkpoint(TRUNCATE)") != 0)
		bench_die("bench_office", "checkpoint");
	key_secret_free(sk);
	datadir_close(dd);
	bench_store_done("bench_office", dir, n, bench_now() - start);
	return bench_now() - start;
}

/* One run of the program, output discarded; its wall time. */
static double
bo_run(const char *prog, char *const argv[])
{
	double	t;
	pid_t	pid;
	int	status;

	fflush(stdout);
	t = bench_now();
	if ((pid = fork()) == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(127);
		execv(prog, argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_office: %s %s failed\n", prog, argv[3]);
		exit(1);
	}
	return bench_now() - t;
}

int
main(void)
{
	static const char *const views[][12] = {
		{ "records list, first page of 50", "records", "list",
		    "--limit", "50", NULL },
		{ "records of a village, a task, a month (50)", "records",
		    "list", "--village", "石门村", "--task", "11", "--from",
		    "2030-06-01", "--limit", "50", NULL },
		{ "records of one site (50)", "records", "list", "--site",
		    "S0001", "--limit", "50", NULL },
		{ "records with a warning (50)", "records", "list",
		    "--severity", "warning", "--limit", "50", NULL },
		{ "records of an inspector (50)", "records", "list",
		    "--inspector", "张伟", "--limit", "50", NULL },
		{ "findings counted by village", "findings", "count", "--by",
		    "village", NULL },
		{ "inspectors of the month", "inspectors", "--month",
		    BO_MONTH, NULL },
		{ "conflicts, the first 50", "conflicts", "--limit", "50",
		    NULL },
		{ "the program alone (lantian --version)", "--version", NULL },
	};
	struct datadir	*dd;
	json_t		*doc;
	const char	*prog = getenv("BENCH_OFFICE_PROGRAM");
	char		*dir, *argv[16];
	double		 t[32], made;
	long		 n = bo_env("BENCH_OFFICE_RECORDS", BO_RECORDS);
	int		 reps = (int)bo_env("BENCH_OFFICE_REPS", BO_REPS), i, j;
	size_t		 k, a;

	if (reps > 31)
		reps = 31;
	if (prog == NULL)
		prog = "./lantian";
	if (util_init() != 0)
		bench_die("bench_office", "init");
	dir = n == BO_RECORDS ? xstrdup("tests/bench/store-office-1m") :
	    xasprintf("tests/bench/store-office-%ld", n);
	made = bo_make_store(dir, n);
	printf("lantian office benchmarks: %ld records in %s%s\n", n, dir,
	    made > 0 ? "" : " (kept from an earlier run)");
	if (made > 0)
		printf("  made in %.1f s\n", made);

	if (datadir_open(&dd, dir, 0) != 0)
		bench_die("bench_office", dir);
	for (i = 0; i < reps; i++) {
		t[i] = bench_now();
		if (report_monthly(dd->db, BO_MONTH, &doc) != 0)
			bench_die("bench_office", "report");
		t[i] = bench_now() - t[i];
		if (i == 0)
			printf("  the month %s: %lld records, %lld restaurants "
			    "inspected, %lld dust-fall measurements\n",
			    BO_MONTH, (long long)json_integer_value(
			    json_object_get(doc, "records")),
			    (long long)json_integer_value(json_object_get(
			    json_object_get(doc, "restaurants"), "inspected")),
			    (long long)json_integer_value(json_object_get(
			    json_object_get(doc, "dustfall"), "measurements")));
		json_decref(doc);
	}
	datadir_close(dd);
	printf("\n%-46s %-24s %s\n", "figure", "measured", "budget");
	printf("%-46s %-24s %s\n", "------", "--------", "------");
	printf("%-46s %6.0f ms (median of %d) <= 1 s\n", "monthly report "
	    "(report_monthly)", bench_median(t, reps) * 1000, reps);
	for (k = 0; k < sizeof views / sizeof views[0]; k++) {
		a = 0;
		argv[a++] = (char *)"lantian";
		if (strcmp(views[k][1], "--version") != 0) {
			argv[a++] = (char *)"--data";
			argv[a++] = dir;
		}
		for (j = 1; views[k][j] != NULL; j++)
			argv[a++] = (char *)views[k][j];
		argv[a] = NULL;
		for (i = 0; i < reps; i++)
			t[i] = bo_run(prog, argv);
		printf("%-46s %6.1f ms (median of %d) <= 50 ms (whole run)\n",
		    views[k][0], bench_median(t, reps) * 1000, reps);
	}
	free(dir);
	return 0;
}
