/*
 * BagIt building blocks (core/bagit.h): which paths stay in a bag, how a
 * manifest is read and written, and the hashing of files several at once
 * (against sha256 values of known content).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bagit.h"
#include "core/error.h"
#include "core/util.h"
#include "testhelp.h"

/* SHA-256 of "abc" and of the empty string (FIPS 180-2). */
#define ABC	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define EMPTY	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void
test_paths(void **state)
{
	static const char *const good[] = { "data/a.json",
	    "data/attachments/x.jpg", "bag-info.txt", "data/..a", "data/a..",
	    "data/中文.txt", "data/a b" };
	static const char *const bad[] = { "", "/etc/passwd", "data/../x",
	    "..", ".", "data/./x", "data//x", "data/", "data\\x", "data/a\nb",
	    "data/a\rb", "a/b/..", "data/\x7f" };
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (!bagit_path_ok(good[i]))
			fail_msg("refused %s", good[i]);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (bagit_path_ok(bad[i]))
			fail_msg("accepted %s", bad[i]);
	}
}

static void
test_encode(void **state)
{
	char	*s;

	(void)state;
	s = bagit_path_encode("data/100%\r\nx");
	assert_string_equal(s, "data/100%25%0D%0Ax");
	free(s);
	s = bagit_path_encode("data/plain.txt");
	assert_string_equal(s, "data/plain.txt");
	free(s);
}

static void
test_manifest_parse(void **state)
{
	struct bagit_entry	*e;
	size_t			 n;
	char			*text;

	(void)state;
	/* Two spaces, one, a tab, " *", CRLF, an encoded name, upper case. */
	text = xasprintf("%s  data/a.txt\n%s data/b c.txt\r\n%s\tdata/c.txt\n"
	    "%s *data/d%%25.txt\n%s  data/e.txt", ABC, EMPTY, ABC, EMPTY,
	    "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
	assert_int_equal(bagit_manifest_parse(text, strlen(text), &e, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(e[0].path, "data/a.txt");
	assert_string_equal(e[0].sha256, ABC);
	assert_string_equal(e[1].path, "data/b c.txt");
	assert_string_equal(e[2].path, "data/c.txt");
	assert_string_equal(e[3].path, "data/d%.txt");
	assert_string_equal(e[4].sha256, ABC);
	assert_int_equal(e[4].line, 5);
	bagit_entries_free(e, n);
	free(text);

	text = xasprintf("%s  data/a.txt\n%s  data/../../etc/passwd\n", ABC,
	    ABC);
	assert_int_not_equal(bagit_manifest_parse(text, strlen(text), &e, &n),
	    0);
	assert_non_null(strstr(error_msg(), "line 2: a path that leaves the "
	    "bag"));
	free(text);
	text = xstrdup("abc  data/a.txt\n");
	assert_int_not_equal(bagit_manifest_parse(text, strlen(text), &e, &n),
	    0);
	assert_non_null(strstr(error_msg(), "line 1"));
	free(text);
	/* RFC 8493 allows any run of spaces and tabs (sha256sum does not:
	 * lantian writes two). */
	text = xasprintf("%s   data/three-spaces.txt\n", ABC);
	assert_int_equal(bagit_manifest_parse(text, strlen(text), &e, &n), 0);
	assert_string_equal(e[0].path, "data/three-spaces.txt");
	bagit_entries_free(e, n);
	free(text);
	text = xasprintf("%sdata/no-space.txt\n", ABC);
	assert_int_not_equal(bagit_manifest_parse(text, strlen(text), &e, &n),
	    0);
	free(text);
	text = xasprintf("%s  data/%%41.txt\n", ABC);
	assert_int_not_equal(bagit_manifest_parse(text, strlen(text), &e, &n),
	    0);
	free(text);
}

static void
test_hash_files(void **state)
{
	char	*dir, *src[4], *dst[4], (*hex)[65], *errs[4] = { 0 };
	uint64_t bytes;
	int	 i;

	(void)state;
	dir = th_tmpdir();
	hex = calloc(4, sizeof *hex);
	for (i = 0; i < 4; i++) {
		src[i] = xasprintf("%s/src%d", dir, i);
		dst[i] = xasprintf("%s/dst%d", dir, i);
		th_write(src[i], i % 2 == 0 ? "abc" : "");
	}
	unlink(src[3]);		/* one that cannot be read */
	assert_int_equal(bagit_hash_files(src, dst, 4, hex, errs, 2, &bytes),
	    1);
	assert_string_equal(hex[0], ABC);
	assert_string_equal(hex[1], EMPTY);
	assert_string_equal(hex[2], ABC);
	assert_string_equal(hex[3], "");
	assert_non_null(errs[3]);
	assert_int_equal(bytes, 6);
	for (i = 0; i < 3; i++) {
		char	*body;
		size_t	 len;

		assert_int_equal(util_read_file(dst[i], 64, &body, &len), 0);
		assert_int_equal(len, i % 2 == 0 ? 3 : 0);
		free(body);
	}
	/* Without copies: hashes only. */
	assert_int_equal(bagit_hash_files(src, NULL, 3, hex, NULL, 4, NULL), 0);
	assert_string_equal(hex[2], ABC);
	for (i = 0; i < 4; i++) {
		free(src[i]);
		free(dst[i]);
		free(errs[i]);
	}
	free(hex);
	th_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_manifest_parse),
		cmocka_unit_test(test_hash_files),
	};

	if (util_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
