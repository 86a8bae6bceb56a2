/*
 * The supervisor's budgets (issue 6), figures printed, nothing asserted.
 * With 1,000,000 records in the store:
 *   - the monthly report (core/report.h) <= 1 s;
 *   - any merged view's first page <= 50 ms: the CLI's records list with
 *     filters (--limit 50), findings list, inspectors; these are timed as
 *     the whole program run (start, open, query, print, exit), so the
 *     figure is an upper bound of the query itself.
 *
 * The store is the scale store of tests/bench/scale.c, made once and
 * kept: tests/bench/store-scale-1m, 1,000,000 records of 50 devices.
 *
 * Run with `make bench`.  BENCH_SCALE_RECORDS overrides the 1,000,000,
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
#include "tests/bench/scale.h"

#define BO_REPS		5
#define BO_MONTH	"2026-06"	/* the month the figures read */

static long
bo_env(const char *name, long def)
{
	const char	*v = getenv(name);

	return v != NULL && atol(v) > 0 ? atol(v) : def;
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
		    "2026-06-01", "--limit", "50", NULL },
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
	double		 t[32], made, med, meds[16];
	char		 rawtxt[48];
	char		 m[64], fig[80];
	long		 n = bench_scale_count();
	int		 reps = (int)bo_env("BENCH_OFFICE_REPS", BO_REPS), i, j;
	int		 cached;
	size_t		 k, a;

	if (reps > 31)
		reps = 31;
	if (prog == NULL)
		prog = "./lantian";
	if (util_init() != 0)
		bench_die("bench_office", "init");
	dir = xstrdup(bench_scale_dir(n));
	made = bench_scale_store("bench_office", dir, n, &cached);
	printf("lantian office benchmarks: %ld records of %d devices in %s, "
	    "made in %.1f s%s\n", n, SCALE_DEVICES, dir, made, cached ?
	    " by an earlier run" : "");

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
	med = bench_median(t, reps);
	printf("%-46s %6.0f ms (median of %d) <= 1 s\n", "monthly report "
	    "(report_monthly)", med * 1000, reps);
	snprintf(m, sizeof m, "%.0f ms", med * 1000);
	bench_table("monthly report", m, "-", "<= 1 s", bench_verdict(med <=
	    1.0));
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
		meds[k] = bench_median(t, reps);
		printf("%-46s %6.1f ms (median of %d) <= 50 ms (whole run)\n",
		    views[k][0], meds[k] * 1000, reps);
	}
	/* The last view is the program alone: the raw floor of the rest. */
	snprintf(rawtxt, sizeof rawtxt, "lantian --version: %.1f ms",
	    meds[k - 1] * 1000);
	for (k = 0; k + 1 < sizeof views / sizeof views[0]; k++) {
		snprintf(m, sizeof m, "%.1f ms", meds[k] * 1000);
		snprintf(fig, sizeof fig, "office: %s", views[k][0]);
		bench_table(fig, m, rawtxt, "<= 50 ms", bench_verdict(
		    meds[k] <= 0.050));
	}
	free(dir);
	return 0;
}
