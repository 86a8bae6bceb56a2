/* Helpers shared by the cmocka unit tests: each test builds its own data. */
#ifndef LANTIAN_TESTHELP_H
#define LANTIAN_TESTHELP_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* A fresh empty directory under $TMPDIR (or /tmp); the caller frees it. */
char *th_tmpdir(void);
/* Remove a directory tree (as rm -rf). */
void th_rmrf(const char *path);
/* Write a file with this content (creating it). */
void th_write(const char *path, const char *content);
/* The path of a file under the source tree's forms/ directory (static). */
const char *th_forms_dir(void);


struct datadir;
struct key_secret;

/*
 * A data directory in a fresh temp dir with a device key (passphrase
 * TH_PASS, inspector 测试员 / T-001) and two sites, S1 and S2 (enterprise).
 */
#define TH_PASS	"correct horse"
void th_store(char **tmp, struct datadir **dd, struct key_secret **sk);
/* Close and remove what th_store made. */
void th_store_free(char *tmp, struct datadir *dd, struct key_secret *sk);
/* Run a query returning one integer. */
long long th_int(struct datadir *dd, const char *sql);

#endif
