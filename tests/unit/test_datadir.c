#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/datadir.h"
#include "core/error.h"
#include "core/util.h"
#include "testhelp.h"

static void
test_data_dir_resolution_order(void **state)
{
	char	*d;

	(void)state;
	setenv("LANTIAN_HOME", "/lh", 1);
	setenv("XDG_DATA_HOME", "/xdg", 1);
	setenv("HOME", "/home/u", 1);
	d = datadir_resolve("/opt");
	assert_string_equal(d, "/opt");
	free(d);
	d = datadir_resolve(NULL);
	assert_string_equal(d, "/lh");
	free(d);
	unsetenv("LANTIAN_HOME");
	d = datadir_resolve(NULL);
	assert_string_equal(d, "/xdg/lantian");
	free(d);
	unsetenv("XDG_DATA_HOME");
	d = datadir_resolve(NULL);
	assert_string_equal(d, "/home/u/.local/share/lantian");
	free(d);
}

static void
test_init_makes_private_sealed_keys(void **state)
{
	struct datadir		*dd;
	struct key_secret	*sk;
	struct key_public	 pk, pk2;
	struct stat		 st;
	char			*tmp = th_tmpdir(), *path, *name, *badge;

	(void)state;
	assert_int_equal(util_init(), 0);
	path = xasprintf("%s/d", tmp);
	/* Opening a directory with no store is a clear error. */
	assert_int_equal(datadir_open(&dd, path, 0), LT_ENOTFOUND);
	assert_non_null(strstr(error_msg(), "lantian init"));
	assert_int_equal(datadir_open(&dd, path, 1), 0);
	assert_false(datadir_has_key(dd));
	assert_int_equal(datadir_init_key(dd, "张伟", "XY-017", "pw", 2), 0);
	assert_true(datadir_has_key(dd));
	free(path);

	path = datadir_file(dd, "keys");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(path);
	path = datadir_file(dd, "keys/device.key");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(path);

	/* A second key is refused and the first stays. */
	assert_int_equal(datadir_device_public(dd, &pk), 0);
	assert_int_equal(datadir_init_key(dd, "李", "X", "pw", 2), LT_EEXISTS);
	assert_int_equal(datadir_device_public(dd, &pk2), 0);
	assert_memory_equal(&pk, &pk2, sizeof pk);

	assert_int_equal(datadir_device_unlock(dd, "wrong", 5, &sk), LT_EPASS);
	assert_int_equal(datadir_device_unlock(dd, "pw", 2, &sk), 0);
	key_secret_public(sk, &pk2);
	assert_memory_equal(&pk, &pk2, sizeof pk);
	key_secret_free(sk);

	assert_int_equal(datadir_inspector(dd, &name, &badge), 0);
	assert_string_equal(name, "张伟");
	assert_string_equal(badge, "XY-017");
	free(name);
	free(badge);
	datadir_close(dd);
	th_rmrf(tmp);
	free(tmp);
}

static void
test_form_dirs_in_order(void **state)
{
	const char *const	*dirs;

	(void)state;
	setenv("LANTIAN_FORMS_DIR", "/f", 1);
	dirs = datadir_form_dirs(NULL);
	assert_string_equal(dirs[0], "/f");
	assert_string_equal(dirs[1], PKGDATADIR "/forms");
	assert_string_equal(dirs[2], SRCDIR "/forms");
	assert_null(dirs[3]);
	unsetenv("LANTIAN_FORMS_DIR");
	dirs = datadir_form_dirs(NULL);
	assert_string_equal(dirs[0], PKGDATADIR "/forms");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_dir_resolution_order),
		cmocka_unit_test(test_init_makes_private_sealed_keys),
		cmocka_unit_test(test_form_dirs_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
