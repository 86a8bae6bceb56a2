#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftw.h>
#include <unistd.h>

#include "core/datadir.h"
#include "core/key.h"
#include "core/site.h"
#include "core/util.h"
#include "testhelp.h"

char *
th_tmpdir(void)
{
	const char	*base = getenv("TMPDIR");
	char		*path;

	path = xasprintf("%s/lantian-test-XXXXXX", base != NULL ? base : "/tmp");
	if (mkdtemp(path) == NULL)
		fail_msg("mkdtemp %s failed", path);
	return path;
}

static int
th_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
th_rmrf(const char *path)
{
	nftw(path, th_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void
th_write(const char *path, const char *content)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		fail_msg("cannot write %s", path);
	fputs(content, f);
	fclose(f);
}

const char *
th_forms_dir(void)
{
	const char	*dir = getenv("LANTIAN_FORMS_DIR");

	return dir != NULL ? dir : SRCDIR "/forms";
}

void
th_store(char **tmp, struct datadir **dd, struct key_secret **sk)
{
	struct site	s = { .id = "S1", .name = "测试企业", .village = "下冶村",
			    .kind = "enterprise" };

	assert_int_equal(util_init(), 0);
	*tmp = th_tmpdir();
	char *path = xasprintf("%s/data", *tmp);
	assert_int_equal(datadir_open(dd, path, 1), 0);
	free(path);
	assert_int_equal(datadir_init_key(*dd, "测试员", "T-001", TH_PASS,
	    strlen(TH_PASS)), 0);
	assert_int_equal(datadir_device_unlock(*dd, TH_PASS, strlen(TH_PASS),
	    sk), 0);
	assert_int_equal(site_put((*dd)->db, &s), 0);
	s.id = "S2";
	s.name = "第二企业";
	assert_int_equal(site_put((*dd)->db, &s), 0);
}

void
th_store_free(char *tmp, struct datadir *dd, struct key_secret *sk)
{
	key_secret_free(sk);
	datadir_close(dd);
	th_rmrf(tmp);
	free(tmp);
}

long long
th_int(struct datadir *dd, const char *sql)
{
	sqlite3_stmt	*st;
	long long	 v;

	assert_int_equal(sqlite3_prepare_v2(dd->db, sql, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}
