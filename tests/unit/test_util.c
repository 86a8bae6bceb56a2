#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/util.h"
#include "testhelp.h"

static void
test_hex_round_trip(void **state)
{
	unsigned char	in[4] = { 0x00, 0xab, 0x7f, 0xff }, out[4];
	char		hex[9];

	(void)state;
	util_hex(hex, in, 4);
	assert_string_equal(hex, "00ab7fff");
	assert_int_equal(util_unhex(out, 4, hex), 0);
	assert_memory_equal(in, out, 4);
	assert_int_equal(util_unhex(out, 4, "00ab7f"), LT_EINVAL);
	assert_int_equal(util_unhex(out, 4, "00ab7fzz"), LT_EINVAL);
	assert_true(util_is_hex("00ab", 4));
	assert_false(util_is_hex("00AB", 4));
	assert_false(util_is_hex("00ab0", 4));
}

static void
test_sha256_of_known_text(void **state)
{
	char	h[65];

	(void)state;
	util_sha256_hex(h, "abc", 3);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9c"
	    "b410ff61f20015ad");
}

static void
test_write_file_replaces_atomically_with_mode(void **state)
{
	char		*dir = th_tmpdir(), *path, *buf;
	struct stat	 st;
	size_t		 len;

	(void)state;
	path = xasprintf("%s/f", dir);
	assert_int_equal(util_write_file(path, "one", 3, 0600), 0);
	assert_int_equal(util_write_file(path, "second", 6, 0600), 0);
	assert_int_equal(util_read_file(path, 100, &buf, &len), 0);
	assert_int_equal(len, 6);
	assert_string_equal(buf, "second");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(buf);
	/* Nothing left behind but the file itself. */
	char *tmp = xasprintf("%s/f.tmp.%ld", dir, (long)getpid());
	assert_false(util_exists(tmp));
	free(tmp);
	free(path);
	th_rmrf(dir);
	free(dir);
}

static void
test_read_file_limits_and_errors(void **state)
{
	char	*dir = th_tmpdir(), *path, *buf;
	size_t	 len;

	(void)state;
	path = xasprintf("%s/f", dir);
	th_write(path, "0123456789");
	assert_int_equal(util_read_file(path, 9, &buf, &len), LT_ETOOBIG);
	assert_int_equal(util_read_file(path, 10, &buf, &len), 0);
	free(buf);
	free(path);
	path = xasprintf("%s/missing", dir);
	assert_int_equal(util_read_file(path, 10, &buf, &len), LT_ENOTFOUND);
	assert_non_null(strstr(error_msg(), "missing"));
	assert_int_equal(util_read_file(dir, 10, &buf, &len), LT_EINVAL);
	free(path);
	th_rmrf(dir);
	free(dir);
}

static void
test_mkdir_p_makes_parents(void **state)
{
	char	*dir = th_tmpdir(), *path, *file;

	(void)state;
	path = xasprintf("%s/a/b/c", dir);
	assert_int_equal(util_mkdir_p(path, 0700), 0);
	assert_int_equal(util_mkdir_p(path, 0700), 0);
	file = xasprintf("%s/a/file", dir);
	th_write(file, "x");
	free(path);
	path = xasprintf("%s/a/file/d", dir);
	assert_int_not_equal(util_mkdir_p(path, 0700), 0);
	free(file);
	free(path);
	th_rmrf(dir);
	free(dir);
}

static void
test_times_and_dates(void **state)
{
	char	buf[32];
	time_t	t;

	(void)state;
	util_rfc3339(buf, sizeof buf, 0);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	assert_int_equal(util_parse_rfc3339("2026-11-28T23:27:21Z", &t), 0);
	util_rfc3339(buf, sizeof buf, t);
	assert_string_equal(buf, "2026-11-28T23:27:21Z");
	assert_int_equal(util_parse_rfc3339("2026-11-28 23:27", &t), LT_EINVAL);
	assert_true(util_is_date("2024-02-29"));
	assert_false(util_is_date("2023-02-29"));
	assert_false(util_is_date("2023-2-1"));
	assert_false(util_is_date("2023-02-01x"));
	setenv("TZ", "UTC", 1);
	tzset();
	util_date_after(buf, sizeof buf, t, 30);
	assert_string_equal(buf, "2026-12-28");
	setenv("LANTIAN_NOW", "2030-01-01T00:00:00Z", 1);
	assert_int_equal(util_now(), 1893456000);
	unsetenv("LANTIAN_NOW");
}

static void
test_sanitize_drops_control_characters(void **state)
{
	char	*s;

	(void)state;
	s = util_sanitize("ok\x1b[2Jok\t蓝天\xc2\x9b");
	assert_string_equal(s, "ok?[2Jok 蓝天?");
	free(s);
}

static void
test_error_message_can_wrap_itself(void **state)
{
	(void)state;
	error_set(LT_EIO, "inner: why");
	error_set(LT_EINVAL, "outer: %s", error_msg());
	assert_string_equal(error_msg(), "outer: inner: why");
	assert_int_equal(error_code(), LT_EINVAL);
	assert_string_equal(error_str(LT_EPASS), "wrong passphrase");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_round_trip),
		cmocka_unit_test(test_sha256_of_known_text),
		cmocka_unit_test(test_write_file_replaces_atomically_with_mode),
		cmocka_unit_test(test_read_file_limits_and_errors),
		cmocka_unit_test(test_mkdir_p_makes_parents),
		cmocka_unit_test(test_times_and_dates),
		cmocka_unit_test(test_sanitize_drops_control_characters),
		cmocka_unit_test(test_error_message_can_wrap_itself),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
