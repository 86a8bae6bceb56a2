#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/attach.h"
#include "core/error.h"
#include "core/util.h"
#include "testhelp.h"

static void
test_attachment_is_stored_by_its_hash(void **state)
{
	struct attach_info	 a, b;
	char			*dir = th_tmpdir(), *src, *stored, *buf, h[65];
	const char		 png[] = "\x89PNG\r\n\x1a\n0000IHDR";
	size_t			 len;

	(void)state;
	src = xasprintf("%s/photo 1.png", dir);
	th_write(src, png);
	assert_int_equal(attach_add(dir, src, &a), 0);
	util_sha256_hex(h, png, strlen(png));
	assert_string_equal(a.sha256, h);
	assert_int_equal(a.bytes, (int64_t)strlen(png));
	assert_string_equal(a.mime, "image/png");
	assert_string_equal(a.name, "photo 1.png");
	stored = attach_path(dir, h);
	assert_non_null(strstr(stored, "/attachments/"));
	assert_int_equal(util_read_file(stored, 1024, &buf, &len), 0);
	assert_int_equal(len, strlen(png));
	assert_memory_equal(buf, png, len);
	free(buf);
	/* The same content again is the same file. */
	assert_int_equal(attach_add(dir, src, &b), 0);
	assert_string_equal(b.sha256, a.sha256);
	free(a.name);
	free(b.name);
	free(stored);
	free(src);
	th_rmrf(dir);
	free(dir);
}

static void
test_attachment_errors(void **state)
{
	struct attach_info	 a;
	char			*dir = th_tmpdir(), *src;

	(void)state;
	src = xasprintf("%s/none.jpg", dir);
	assert_int_equal(attach_add(dir, src, &a), LT_ENOTFOUND);
	assert_non_null(strstr(error_msg(), "none.jpg"));
	assert_int_equal(attach_add(dir, dir, &a), LT_EINVAL);
	free(src);
	th_rmrf(dir);
	free(dir);
}

static void
test_mime_from_content(void **state)
{
	(void)state;
	assert_string_equal(attach_mime((const unsigned char *)"\xff\xd8\xff\xe0",
	    4, "x.png"), "image/jpeg");
	assert_string_equal(attach_mime((const unsigned char *)"%PDF-1.7", 8,
	    NULL), "application/pdf");
	/* The content decides, not the name. */
	assert_string_equal(attach_mime((const unsigned char *)"hello", 5,
	    "n.txt"), "application/octet-stream");
	assert_string_equal(attach_mime((const unsigned char *)"hello", 5,
	    "n.jpg"), "application/octet-stream");
	assert_string_equal(attach_mime((const unsigned char *)
	    "\0\0\0\x18" "ftypheic", 12, NULL), "image/heic");
	assert_string_equal(attach_mime((const unsigned char *)
	    "\0\0\0\x14" "ftypqt  ", 12, NULL), "video/quicktime");
	assert_string_equal(attach_mime((const unsigned char *)
	    "\0\0\0\x20" "ftypM4A ", 12, NULL), "audio/mp4");
	assert_string_equal(attach_mime((const unsigned char *)
	    "\0\0\0\x20" "ftypisom", 12, NULL), "video/mp4");
	assert_string_equal(attach_mime((const unsigned char *)"#!AMR\n", 6,
	    NULL), "audio/amr");
	assert_string_equal(attach_mime((const unsigned char *)
	    "RIFF\0\0\0\0WAVEfmt ", 16, NULL), "audio/wav");
	assert_string_equal(attach_mime((const unsigned char *)"ID3\4", 4,
	    NULL), "audio/mpeg");
	assert_string_equal(attach_mime((const unsigned char *)"\xff\xfb\x90",
	    3, NULL), "audio/mpeg");
	assert_string_equal(attach_mime((const unsigned char *)"\xff\xf1\x50",
	    3, NULL), "audio/aac");
	assert_string_equal(attach_kind("image/jpeg"), "JPEG image");
	assert_null(attach_kind("application/octet-stream"));
	assert_true(attach_is_media("video/mp4"));
	assert_false(attach_is_media("application/pdf"));
}

/* An empty file or one that is no photo is refused and not stored. */
static void
test_attachment_refuses_what_is_no_photo(void **state)
{
	struct attach_info	 a;
	char			*dir = th_tmpdir(), *src;

	(void)state;
	src = xasprintf("%s/empty.jpg", dir);
	th_write(src, "");
	assert_int_equal(attach_add(dir, src, &a), LT_EINVAL);
	assert_non_null(strstr(error_msg(), "empty"));
	free(src);
	src = xasprintf("%s/notes.jpg", dir);
	th_write(src, "meeting notes, not a picture\n");
	assert_int_equal(attach_add(dir, src, &a), LT_EINVAL);
	assert_non_null(strstr(error_msg(), "not a photo"));
	free(src);
	/* Nothing was copied: the store was not even made. */
	src = xasprintf("%s/attachments", dir);
	assert_false(util_exists(src));
	free(src);
	th_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attachment_is_stored_by_its_hash),
		cmocka_unit_test(test_attachment_errors),
		cmocka_unit_test(test_attachment_refuses_what_is_no_photo),
		cmocka_unit_test(test_mime_from_content),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
