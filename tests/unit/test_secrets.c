/*
 * Secret keys never reach the disk unencrypted, and no core dump is made
 * while one is unlocked: records are signed and exported to the store's
 * git repository, then every file of the data directory (the store, its
 * WAL, the sealed key, the repository's objects) is searched for the
 * key's seed and for the whole secret key.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <git2.h>
#include <jansson.h>

#include "core/datadir.h"
#include "core/db.h"
#include "core/key.h"
#include "core/record.h"
#include "core/util.h"
#include "sync/export.h"
#include "sync/repo.h"
#include "testhelp.h"

/* Does any file under dir hold the n bytes of needle?  Its path, or NULL. */
static char *
find_bytes(const char *dir, const unsigned char *needle, size_t n)
{
	struct dirent	*e;
	struct stat	 sb;
	DIR		*d;
	char		*path, *found = NULL, *body;
	size_t		 len, i;

	if ((d = opendir(dir)) == NULL)
		return NULL;
	while (found == NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			found = find_bytes(path, needle, n);
		else if (S_ISREG(sb.st_mode) && util_read_file(path,
		    256 * 1024 * 1024, &body, &len) == 0) {
			for (i = 0; len >= n && i <= len - n; i++) {
				if (memcmp(body + i, needle, n) == 0) {
					found = xstrdup(path);
					break;
				}
			}
			free(body);
		}
		free(path);
	}
	closedir(d);
	return found;
}

static void
test_no_core_dump_while_a_key_is_unlocked(void **state)
{
	struct key_secret	*a, *b;
	int			 before = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);

	(void)state;
	assert_int_equal(key_live_count(), 0);
	a = key_generate();
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
	b = key_generate();
	key_secret_free(a);
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
	key_secret_free(b);
	assert_int_equal(key_live_count(), 0);
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), before);
}

static void
test_secret_key_never_on_disk(void **state)
{
	struct datadir		*dd;
	struct key_secret	*sk;
	struct record		 r;
	git_repository		*repo;
	json_t			*fields;
	int64_t			 nrec, natt;
	char			*tmp, *repo_path, *hit;
	int			 i;

	(void)state;
	th_store(&tmp, &dd, &sk);
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
	fields = json_pack("{s:{s:s, s:s}}", "inspector", "name", "测试员",
	    "badge", "T-001");
	for (i = 0; i < 20; i++) {
		assert_int_equal(db_begin(dd->db), 0);
		assert_int_equal(record_create(dd->db, sk, "site", fields, &r),
		    0);
		assert_int_equal(db_commit(dd->db), 0);
		record_clear(&r);
	}
	json_decref(fields);
	assert_int_equal(repo_global_init(), 0);
	assert_int_equal(repo_init(dd->path), 0);
	repo_path = xasprintf("%s/repo.git", dd->path);
	assert_int_equal(git_repository_open_bare(&repo, repo_path), 0);
	assert_int_equal(export_device(dd, repo, &nrec, &natt), 0);
	assert_int_equal(nrec, 20);
	git_repository_free(repo);
	free(repo_path);
	/* Everything on disk now, the store's WAL included. */
	if ((hit = find_bytes(tmp, sk->sk, 32)) != NULL)
		fail_msg("the key's seed is in %s", hit);
	if ((hit = find_bytes(tmp, sk->sk, sizeof sk->sk)) != NULL)
		fail_msg("the secret key is in %s", hit);
	/* The search itself finds what is there: device.pub's header. */
	assert_non_null(hit = find_bytes(tmp, (const unsigned char *)"minisign",
	    8));
	free(hit);
	th_store_free(tmp, dd, sk);
	repo_global_shutdown();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_core_dump_while_a_key_is_unlocked),
		cmocka_unit_test(test_secret_key_never_on_disk),
	};

	if (util_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
