/*
 * Secret keys never reach the disk unencrypted, and no core dump is made
 * while one is unlocked: records are signed and exported to the store's
 * git repository, then every file of the data directory (the store, its
 * WAL, the sealed key, the repository's objects) is searched for the
 * key's seed and for the whole secret key; and a process that made a
 * key, unlocked it, signed with it and let it go has nothing of it left
 * in its memory: the whole of it, as a core file would hold it, is read
 * and searched.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <git2.h>
#include <sodium.h>
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

/*
 * The memory image of a stopped process: every readable mapping read
 * through /proc/PID/mem into the file core (what a core dump holds of
 * it).  Its size in bytes.
 */
static size_t
core_image(pid_t pid, const char *core)
{
	FILE		*maps, *out;
	char		*path, line[512], *buf;
	unsigned long	 lo, hi;
	char		 perms[8];
	size_t		 total = 0, want;
	ssize_t		 n;
	int		 mem;

	path = xasprintf("/proc/%d/maps", (int)pid);
	assert_non_null(maps = fopen(path, "r"));
	free(path);
	path = xasprintf("/proc/%d/mem", (int)pid);
	mem = open(path, O_RDONLY);
	free(path);
	if (mem < 0) {		/* not ours to read (dumpable 0) */
		fclose(maps);
		return 0;
	}
	assert_non_null(out = fopen(core, "w"));
	buf = xmalloc(1 << 20);
	while (fgets(line, sizeof line, maps) != NULL) {
		/* (Mappings of more than 1 GiB are ASan's shadow, reserved
		 * and mostly never touched: not the program's memory.) */
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 ||
		    perms[0] != 'r' || strstr(line, "[vvar]") != NULL ||
		    hi - lo > (1UL << 30))
			continue;
		for (; lo < hi; lo += want) {
			want = hi - lo < (1 << 20) ? hi - lo : (1 << 20);
			n = pread(mem, buf, want, (off_t)lo);
			if (n <= 0)
				break;	/* a guard page: nothing there */
			assert_int_equal(fwrite(buf, 1, (size_t)n, out),
			    (size_t)n);
			total += (size_t)n;
		}
	}
	free(buf);
	close(mem);
	fclose(maps);
	assert_int_equal(fclose(out), 0);
	return total;
}

static void test_no_key_in_memory_after_use(void **)
    __attribute__((unused));

static void
test_no_key_in_memory_after_use(void **state)
{
	struct datadir		*dd;
	struct key_secret	*sk;
	struct record		 r;
	json_t			*fields;
	unsigned char		 key[KEY_SK_BYTES];
	char			*tmp, *dir, *core, *hit, *marker;
	int			 fd[2], status, i;
	size_t			 size;
	pid_t			 pid;

	(void)state;
	tmp = th_tmpdir();
	dir = xasprintf("%s/cores", tmp);
	assert_int_equal(util_mkdir_p(dir, 0700), 0);
	assert_int_equal(pipe(fd), 0);
	if ((pid = fork()) == 0) {
		char	*ctmp;

		close(fd[0]);
		/* Made, sealed, unlocked from its file, used, let go. */
		th_store(&ctmp, &dd, &sk);
		if (write(fd[1], sk->sk, sizeof sk->sk) != sizeof sk->sk)
			_exit(2);
		close(fd[1]);
		fields = json_pack("{s:{s:s, s:s}}", "inspector", "name",
		    "测试员", "badge", "T-001");
		for (i = 0; i < 5; i++) {
			if (db_begin(dd->db) != 0 || record_create(dd->db, sk,
			    "site", fields, &r) != 0 || db_commit(dd->db) != 0)
				_exit(3);
			record_clear(&r);
		}
		/* Stopped once with the key unlocked: the search's control. */
		raise(SIGSTOP);
		key_secret_free(sk);
		/* Unlocked again, as at the next signature, and let go. */
		if (datadir_device_unlock(dd, TH_PASS, strlen(TH_PASS),
		    &sk) != 0)
			_exit(4);
		key_secret_free(sk);
		json_decref(fields);
		/* Something the search must find: it does look. */
		marker = xasprintf("%s-%s", "core-scan", "marker");
		raise(SIGSTOP);
		free(marker);
		datadir_close(dd);
		th_rmrf(ctmp);
		free(ctmp);
		_exit(0);
	}
	assert_true(pid > 0);
	close(fd[1]);
	assert_int_equal(read(fd[0], key, sizeof key), (ssize_t)sizeof key);
	close(fd[0]);
	assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
	assert_true(WIFSTOPPED(status));
	/* While the key is unlocked the search finds it in the image, when
	 * this process may read it at all (root may, dumpable 0 or not). */
	core = xasprintf("%s/live.%d", tmp, (int)pid);
	if (core_image(pid, core) > 0) {
		assert_non_null(hit = find_bytes(tmp, key, sizeof key));
		free(hit);
		print_message("# unlocked, the key is in the memory image\n");
	} else
		print_message("# unlocked, the memory image cannot be read "
		    "(dumpable 0): the control is skipped\n");
	unlink(core);
	free(core);
	kill(pid, SIGCONT);
	assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
	assert_true(WIFSTOPPED(status));
	core = xasprintf("%s/core.%d", dir, (int)pid);
	size = core_image(pid, core);
	kill(pid, SIGCONT);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	print_message("# the process's memory image: %zu bytes\n", size);
	assert_true(size > 1024 * 1024);
	assert_non_null(hit = find_bytes(dir, (const unsigned char *)
	    "core-scan-marker", 16));
	free(hit);
	if ((hit = find_bytes(dir, key, 32)) != NULL)
		fail_msg("the key's seed is in the memory image %s", hit);
	if ((hit = find_bytes(dir, key, sizeof key)) != NULL)
		fail_msg("the secret key is in the memory image %s", hit);
	sodium_memzero(key, sizeof key);
	th_rmrf(tmp);
	free(tmp);
	free(dir);
	free(core);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_core_dump_while_a_key_is_unlocked),
		cmocka_unit_test(test_secret_key_never_on_disk),
#ifndef __SANITIZE_ADDRESS__
		/* ASan's heap lies in mappings of terabytes, which no image
		 * holds (they are skipped): searched in the plain build. */
		cmocka_unit_test(test_no_key_in_memory_after_use),
#endif
	};

	if (util_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
