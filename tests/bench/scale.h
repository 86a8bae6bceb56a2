/*
 * The store of the scale budgets (issue 8) and the table of every
 * benchmark's figures (tests/bench/scale.c).
 */
#ifndef LANTIAN_SCALE_H
#define LANTIAN_SCALE_H

#define SCALE_RECORDS	1000000L
#define SCALE_DEVICES	50
#define SCALE_PASS	"bench"		/* every key of the store */

/* tests/bench/store-scale-1m, or store-scale-<n> for another size. */
const char *bench_scale_dir(long n);
/* The size of the scale store: BENCH_SCALE_RECORDS, or 1,000,000. */
long bench_scale_count(void);
/*
 * The store of n records across SCALE_DEVICES devices in dir, made unless
 * a finished one is there (*cached then 1); the seconds it took to make.
 */
double bench_scale_store(const char *prog, const char *dir, long n,
    int *cached);
/*
 * A row of the scale table: appended to the file BENCH_TABLE names (tab
 * separated), when it names one; tests/bench/table.sh prints the table.
 */
void bench_table(const char *figure, const char *measured, const char *raw,
    const char *budget, const char *verdict);
/* "met" or "MISSED". */
const char *bench_verdict(int met);

#endif
