/* The replication layout: only the paths and branches it names pass. */
#include "config.h"

#include <string.h>

#include "core/office.h"
#include "sync/layout.h"
#include "testhelp.h"

static void
test_record_paths_round_trip(void **state)
{
	char	 buf[64];
	int64_t	 seq;
	int	 sig;

	(void)state;
	layout_record_path(buf, sizeof buf, 1234, 0);
	assert_string_equal(buf, "records/0001/00001234.json");
	assert_true(layout_parse_record_path(buf, &seq, &sig));
	assert_int_equal(seq, 1234);
	assert_int_equal(sig, 0);
	layout_record_path(buf, sizeof buf, 7, 1);
	assert_string_equal(buf, "records/0000/00000007.json.minisig");
	assert_true(layout_parse_record_path(buf, &seq, &sig));
	assert_int_equal(seq, 7);
	assert_int_equal(sig, 1);
	layout_record_path(buf, sizeof buf, 123456789, 0);
	assert_string_equal(buf, "records/123456/123456789.json");
	assert_true(layout_parse_record_path(buf, &seq, &sig));
	assert_int_equal(seq, 123456789);
}

static void
test_other_paths_are_refused(void **state)
{
	static const char *const bad[] = {
		"records/0001/00001234.JSON",
		"records/0000/00001234.json",	/* wrong shard */
		"records/0001/1234.json",
		"records/0001/00001234.json.sig",
		"records/0001/../00001234.json",
		"/records/0001/00001234.json",
		"records/0000/00000000.json",	/* seq 0 */
		"records/0001/00001234.json/x",
		"records/0001/00001234.jsonx",
		"records/0001/+0001234.json",
		"../records/0001/00001234.json",
		"device.pub",
		"",
	};
	int64_t	seq;
	size_t	i;
	int	sig;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (layout_parse_record_path(bad[i], &seq, &sig))
			fail_msg("accepted %s", bad[i]);
	}
}

static void
test_attachment_paths(void **state)
{
	const char	*sha =
	    "ab3f0c9e2d1b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5";
	char		 buf[80], out[65];

	(void)state;
	layout_attachment_path(buf, sizeof buf, sha);
	assert_string_equal(buf, "blobs/ab/ab3f0c9e2d1b4a5968778695a4b3c2d1e0f9"
	    "a8b7c6d5e4f3a2b1c0d9e8f7a6b5");
	assert_true(layout_parse_attachment_path(buf, out));
	assert_string_equal(out, sha);
	buf[6] = 'c';	/* shard does not match the hash */
	assert_false(layout_parse_attachment_path(buf, out));
	assert_false(layout_parse_attachment_path("blobs/AB/AB3F0C9E2D1B4A5968"
	    "778695A4B3C2D1E0F9A8B7C6D5E4F3A2B1C0D9E8F7A6B5", out));
	assert_false(layout_parse_attachment_path("blobs/ab/../../etc", out));
}

static void
test_branches(void **state)
{
	char	id[KEY_ID_HEX];

	(void)state;
	assert_int_equal(layout_branch("devices/DB1B9BAC9C4A0465", id),
	    LAYOUT_DEVICE);
	assert_string_equal(id, "DB1B9BAC9C4A0465");
	assert_int_equal(layout_branch("attachments/DB1B9BAC9C4A0465", id),
	    LAYOUT_ATTACHMENTS);
	assert_int_equal(layout_branch("office", id), LAYOUT_OFFICE);
	assert_int_equal(layout_branch("devices/db1b9bac9c4a0465", id),
	    LAYOUT_NONE);
	assert_int_equal(layout_branch("devices/DB1B9BAC9C4A04", id),
	    LAYOUT_NONE);
	assert_int_equal(layout_branch("devices/../office", id), LAYOUT_NONE);
	assert_int_equal(layout_branch("master", id), LAYOUT_NONE);
	assert_int_equal(layout_branch("office/x", id), LAYOUT_NONE);
}

/* The paths of the office branch: roster entries and published files. */
static void
test_office_paths(void **state)
{
	static const char *const bad[] = { "sites.json.minisig", "site.json",
	    "/sites.json", "forms/Boiler.json", "forms/../sites.json",
	    "forms/.json", "forms/a/b.json", "forms/boiler.json.minisig",
	    "forms/boiler", "assignments/2030-03.json",
	    "forms/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    ".json", "reviews/abc.json", "reviews/../x.json",
	    "reviews/B1AE06EBEF4EC1C7187532658CDF1D8169C3BE86469D5D172CFC09A573E83E88.json",
	    "reviews/b1ae06ebef4ec1c7187532658cdf1d8169c3be86469d5d172cfc09a573e83e88.json.minisig",
	    "reviews/b1ae06ebef4ec1c7187532658cdf1d8169c3be86469d5d172cfc09a573e83e8.json" };
	char	id[OFFICE_ID_MAX];
	size_t	i;

	(void)state;
	assert_true(layout_parse_roster_path("roster/DB1B9BAC9C4A0465.json"));
	assert_false(layout_parse_roster_path("roster/db1b9bac9c4a0465.json"));
	assert_false(layout_parse_roster_path("roster/DB1B9BAC9C4A046.json"));
	assert_false(layout_parse_roster_path("roster/../DB1B9BAC9C4A.json"));
	assert_false(layout_parse_roster_path(
	    "roster/DB1B9BAC9C4A0465.json.minisig"));
	assert_int_equal(office_doc_kind("sites.json", id), OFFICE_SITES_DOC);
	assert_int_equal(office_doc_kind("forms/coal-ban.json", id),
	    OFFICE_FORM_DOC);
	assert_string_equal(id, "coal-ban");
	assert_int_equal(office_doc_kind("forms/restaurant_fume2.json", id),
	    OFFICE_FORM_DOC);
	assert_string_equal(id, "restaurant_fume2");
	assert_int_equal(office_doc_kind("reviews/b1ae06ebef4ec1c7187532658cdf1"
	    "d8169c3be86469d5d172cfc09a573e83e88.json", id), OFFICE_REVIEW_DOC);
	assert_string_equal(id, "b1ae06ebef4ec1c7187532658cdf1d8169c3be86469d5"
	    "d172cfc09a573e83e88");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (office_doc_kind(bad[i], id) != OFFICE_NONE)
			fail_msg("accepted %s", bad[i]);
	}
	assert_true(office_doc_max(OFFICE_SITES_DOC) > office_doc_max(
	    OFFICE_FORM_DOC));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_paths_round_trip),
		cmocka_unit_test(test_other_paths_are_refused),
		cmocka_unit_test(test_attachment_paths),
		cmocka_unit_test(test_branches),
		cmocka_unit_test(test_office_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
