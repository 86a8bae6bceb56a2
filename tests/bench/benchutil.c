#include "config.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/datadir.h"
#include "core/error.h"
#include "core/key.h"
#include "core/roster.h"
#include "core/util.h"
#include "tests/bench/benchutil.h"

uint64_t
bench_rand(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 2685821657736338717ULL;
}

double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
bench_die(const char *prog, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, error_msg());
	exit(1);
}

static int
bench_rm_one(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void
bench_rmtree(const char *dir)
{
	struct stat	st;

	if (lstat(dir, &st) == 0)
		nftw(dir, bench_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

long
bench_store_count(const char *dir, double *secs)
{
	char	*path = xasprintf("%s/.complete", dir);
	FILE	*f = fopen(path, "r");
	double	 s = 0;
	long	 n = -1;

	free(path);
	if (f != NULL) {
		if (fscanf(f, "%ld %lf", &n, &s) < 1)
			n = -1;
		fclose(f);
	}
	if (secs != NULL)
		*secs = s;
	return n;
}

void
bench_store_done(const char *prog, const char *dir, long n, double secs)
{
	char	*path = xasprintf("%s/.complete", dir);
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL ||
	    fprintf(f, "%ld %.1f\n", n, secs) < 0 || fclose(f) != 0)
		bench_die(prog, path);
	free(path);
}

static int
bench_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp);
	return v[n / 2];
}

void
bench_office_store(const char *prog, const char *dir, const char *pass,
    struct datadir **dd, struct key_secret **sk)
{
	struct key_secret	*office;
	struct key_public	 pk, dev;
	struct roster_entry	 e;
	size_t			 n = strlen(pass);

	if (datadir_open(dd, dir, 1) != 0 ||
	    datadir_init_key(*dd, "张伟", "XY-017", pass, n) != 0 ||
	    datadir_device_unlock(*dd, pass, n, sk) != 0 ||
	    roster_office_init(*dd, pass, n, &pk) != 0 ||
	    roster_office_unlock(*dd, pass, n, &office) != 0 ||
	    datadir_device_public(*dd, &dev) != 0)
		bench_die(prog, dir);
	memset(&e, 0, sizeof e);
	key_id_hex(e.key_id, dev.id);
	e.pubkey = key_public_base64(&dev);
	e.name = xstrdup("张伟");
	e.badge = xstrdup("XY-017");
	snprintf(e.valid_from, sizeof e.valid_from, "2020-01-01T00:00:00Z");
	if (roster_issue((*dd)->db, office, &e) != 0)
		bench_die(prog, "roster");
	roster_entry_clear(&e);
	key_secret_free(office);
}
