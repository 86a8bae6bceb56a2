/*
 * What the benchmarks share: a fixed-seed generator, a clock, the stores
 * they make once and keep (marked finished by a .complete file holding
 * their size), medians.
 */
#ifndef LANTIAN_BENCHUTIL_H
#define LANTIAN_BENCHUTIL_H

#include <stdint.h>

struct datadir;
struct key_secret;

/* xorshift64*: the same choices every run from the same seed. */
uint64_t bench_rand(uint64_t *state);
/* Monotonic seconds. */
double bench_now(void);
/* "<prog>: <what>: <the last error>", exit 1. */
void bench_die(const char *prog, const char *what)
    __attribute__((noreturn));
/* Remove a tree (no link followed). */
void bench_rmtree(const char *dir);
/*
 * The size a finished store was made with, or -1; *secs (may be NULL) the
 * seconds it took to make.
 */
long bench_store_count(const char *dir, double *secs);
/* Mark a store finished with its size and the seconds it took. */
void bench_store_done(const char *prog, const char *dir, long n,
    double secs);
/* The median of n figures (sorts them). */
double bench_median(double *v, int n);
/*
 * A new data directory that is its own office: a device key for 张伟
 * (XY-017) enrolled on its roster from 2020, both keys sealed with pass;
 * *sk the unlocked device key.
 */
void bench_office_store(const char *prog, const char *dir, const char *pass,
    struct datadir **dd, struct key_secret **sk);

#endif
