#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/datadir.h"
#include "core/error.h"
#include "core/site.h"
#include "core/util.h"
#include "testhelp.h"

struct fixture {
	char			*tmp;
	struct datadir		*dd;
	struct key_secret	*sk;
};

static int
setup(void **state)
{
	struct fixture	*fx = xcalloc(1, sizeof *fx);

	th_store(&fx->tmp, &fx->dd, &fx->sk);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	th_store_free(fx->tmp, fx->dd, fx->sk);
	free(fx);
	return 0;
}

static int
count_site(const struct site *s, void *arg)
{
	(void)s;
	(*(int *)arg)++;
	return 0;
}

static char *
csv(struct fixture *fx, const char *text)
{
	char	*path = xasprintf("%s/sites.csv", fx->tmp);

	th_write(path, text);
	return path;
}

static void
test_csv_import_reads_quotes_bom_and_crlf(void **state)
{
	struct fixture	*fx = *state;
	struct site	 s;
	char		*path;
	int		 n, listed = 0;

	path = csv(fx, "\xef\xbb\xbfkind,id,name,village,address,grade,lat,lon,"
	    "grid_person,credit_code,industry\r\n"
	    "enterprise,E-1,\"南岭建材,二厂\",南岭村,\"工业园\"\"1\"\"号\",C,"
	    "35.04,112.41,孙强,91410881MA0DEMO01X,building materials\r\n"
	    "household,H-1,王家,下冶村,\r\n"
	    "\r\n"
	    "shop,S-9,\"多行\n名字\",下冶村,\n");
	assert_int_equal(site_import_csv(fx->dd->db, path, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(site_get(fx->dd->db, "E-1", &s), 0);
	assert_string_equal(s.name, "南岭建材,二厂");
	assert_string_equal(s.village, "南岭村");
	assert_string_equal(s.kind, "enterprise");
	assert_string_equal(s.address, "工业园\"1\"号");
	assert_string_equal(s.grade, "C");
	assert_string_equal(s.grid_person, "孙强");
	assert_string_equal(s.credit_code, "91410881MA0DEMO01X");
	assert_string_equal(s.industry, "building materials");
	assert_true(s.has_location);
	assert_true(s.lat > 35.039 && s.lat < 35.041);
	site_clear(&s);
	assert_int_equal(site_get(fx->dd->db, "H-1", &s), 0);
	assert_null(s.address);
	site_clear(&s);
	assert_int_equal(site_get(fx->dd->db, "S-9", &s), 0);
	assert_string_equal(s.name, "多行\n名字");
	site_clear(&s);
	assert_int_equal(site_each(fx->dd->db, "household", NULL, count_site,
	    &listed), 0);
	assert_int_equal(listed, 1);
	listed = 0;
	assert_int_equal(site_each(fx->dd->db, NULL, "下冶村", count_site,
	    &listed), 0);
	assert_int_equal(listed, 4);	/* S1, S2 of the fixture too */
	free(path);
}

static void
test_bad_csv_is_refused_whole(void **state)
{
	struct fixture	*fx = *state;
	char		*path;
	int		 n, listed = 0;

	path = csv(fx, "id,name,village,kind\n"
	    "A-1,甲,下冶村,household\n"
	    "A-2,乙,下冶村,spaceship\n");
	assert_int_equal(site_import_csv(fx->dd->db, path, &n), LT_EINVAL);
	assert_non_null(strstr(error_msg(), "line 3"));
	assert_non_null(strstr(error_msg(), "spaceship"));
	assert_int_equal(n, 0);
	assert_int_equal(site_each(fx->dd->db, NULL, NULL, count_site, &listed),
	    0);
	assert_int_equal(listed, 2);	/* only the fixture's */
	free(path);

	path = csv(fx, "id,name,village,kind,lat,lon\nA-1,甲,下冶村,household,"
	    "north,112\n");
	assert_int_equal(site_import_csv(fx->dd->db, path, &n), LT_EINVAL);
	assert_non_null(strstr(error_msg(), "line 2"));
	free(path);

	path = csv(fx, "id,name,village\nA-1,甲,下冶村\n");
	assert_int_equal(site_import_csv(fx->dd->db, path, &n), LT_EINVAL);
	assert_non_null(strstr(error_msg(), "\"kind\""));
	free(path);

	path = csv(fx, "id,name,village,kind\n\"A-1,甲,下冶村,household\n");
	assert_int_equal(site_import_csv(fx->dd->db, path, &n), LT_EINVAL);
	assert_non_null(strstr(error_msg(), "quote"));
	free(path);
}

static void
test_unknown_site_and_kind(void **state)
{
	struct fixture	*fx = *state;
	struct site	 s = { .id = "X", .name = "名", .kind = "castle" };
	struct site	 none;

	assert_int_equal(site_get(fx->dd->db, "nope", &none), LT_ENOTFOUND);
	assert_int_equal(site_put(fx->dd->db, &s), LT_EINVAL);
	s.kind = "enterprise";
	s.grade = "E";
	assert_int_equal(site_put(fx->dd->db, &s), LT_EINVAL);
	assert_non_null(strstr(error_msg(), "grade"));
	s.grade = "D";
	s.has_location = 1;
	s.lat = 95;
	assert_int_equal(site_put(fx->dd->db, &s), LT_EINVAL);
	s.lat = 35.05;
	s.lon = 112.39;
	assert_int_equal(site_put(fx->dd->db, &s), 0);
	assert_true(site_kind_valid("restaurant"));
	assert_false(site_kind_valid("castle"));
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_csv_import_reads_quotes_bom_and_crlf),
		T(test_bad_csv_is_refused_whole),
		T(test_unknown_site_and_kind),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
