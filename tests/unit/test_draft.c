/* Drafts: an unfinished inspection saved on every change, and finished. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/attach.h"
#include "core/datadir.h"
#include "core/draft.h"
#include "core/error.h"
#include "core/form.h"
#include "core/inspect.h"
#include "core/record.h"
#include "core/util.h"
#include "testhelp.h"

/* The site representative's acknowledgment every signed record needs
 * (kept for the whole run: reachable, not a leak). */
static const json_t *
test_ack(void)
{
	static json_t	*ack;

	if (ack == NULL)
		ack = json_pack("{s:s, s:s, s:b}", "name", "赵厂长", "role",
		    "负责人", "refused", 0);
	return ack;
}

static const char form_text[] =
	"{\"id\": \"t-draft\", \"version\": 1, \"tasks\": [11],"
	" \"title\": {\"zh\": \"草稿\", \"en\": \"Draft test\"},"
	" \"site_kinds\": [\"enterprise\"],"
	" \"questions\": ["
	"  {\"id\": \"fuel\", \"type\": \"choice\", \"required\": true,"
	"   \"label\": {\"zh\": \"燃料\", \"en\": \"Fuel\"},"
	"   \"choices\": [{\"value\": \"coal\", \"label\": {\"zh\": \"煤\","
	"     \"en\": \"Coal\"}}, {\"value\": \"gas\", \"label\": {\"zh\":"
	"     \"气\", \"en\": \"Gas\"}}]},"
	"  {\"id\": \"plate\", \"type\": \"photo\","
	"   \"label\": {\"zh\": \"铭牌\", \"en\": \"Name plate\"}}"
	" ],"
	" \"findings\": []}";

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
	unsetenv("LANTIAN_NOW");
	return 0;
}

static int
count_each(const struct draft *d, void *arg)
{
	char	**order = arg;

	if (order[0] == NULL)
		order[0] = xstrdup(d->site);
	else if (order[1] == NULL)
		order[1] = xstrdup(d->site);
	return 0;
}

static void
test_saved_draft_comes_back_whole(void **state)
{
	struct fixture	*fx = *state;
	struct draft	 d, e;
	int64_t		 id, n;

	setenv("LANTIAN_NOW", "2026-11-29T08:00:00Z", 1);
	assert_int_equal(draft_create(fx->dd->db, "S1", "boiler", NULL, &id),
	    0);
	assert_int_equal(draft_load(fx->dd->db, id, &d), 0);
	assert_string_equal(d.site, "S1");
	assert_string_equal(d.form, "boiler");
	assert_string_equal(d.started, "2026-11-29T08:00:00Z");
	assert_null(d.position);
	assert_null(d.acknowledged);
	assert_int_equal(json_object_size(d.answers), 0);
	assert_int_equal(json_array_size(d.attachments), 0);

	setenv("LANTIAN_NOW", "2026-11-29T08:05:00Z", 1);
	json_object_set_new(d.answers, "fuel", json_string("coal"));
	json_object_set_new(d.answers, "note", json_string("烟囱 冒黑烟"));
	d.position = xstrdup("capacity_tph");
	d.notes = xstrdup("厂长不在");
	json_array_append_new(d.attachments, json_pack("{s:s, s:s, s:s}",
	    "sha256", "ab", "name", "IMG_1.JPG", "caption", "东侧"));
	d.acknowledged = json_pack("{s:s, s:s, s:b, s:s}", "name", "李强",
	    "role", "", "refused", 1, "witness", "王五");
	assert_int_equal(draft_save(fx->dd->db, &d), 0);
	assert_string_equal(d.updated, "2026-11-29T08:05:00Z");

	assert_int_equal(draft_load(fx->dd->db, id, &e), 0);
	assert_string_equal(e.position, "capacity_tph");
	assert_string_equal(e.notes, "厂长不在");
	assert_string_equal(e.updated, "2026-11-29T08:05:00Z");
	assert_true(json_equal(e.answers, d.answers));
	assert_true(json_equal(e.attachments, d.attachments));
	assert_true(json_equal(e.acknowledged, d.acknowledged));
	assert_int_equal(draft_count(fx->dd->db, &n), 0);
	assert_int_equal(n, 1);
	draft_clear(&e);
	draft_clear(&d);
}

static void
test_drafts_listed_newest_change_first(void **state)
{
	struct fixture	*fx = *state;
	struct draft	 d;
	char		*order[2] = { NULL, NULL };
	int64_t		 a, b;

	setenv("LANTIAN_NOW", "2026-11-29T08:00:00Z", 1);
	assert_int_equal(draft_create(fx->dd->db, "S1", "boiler", NULL, &a),
	    0);
	setenv("LANTIAN_NOW", "2026-11-29T09:00:00Z", 1);
	assert_int_equal(draft_create(fx->dd->db, "S2", "boiler", NULL, &b),
	    0);
	/* A change to the older one brings it to the top. */
	setenv("LANTIAN_NOW", "2026-11-29T10:00:00Z", 1);
	assert_int_equal(draft_load(fx->dd->db, a, &d), 0);
	assert_int_equal(draft_save(fx->dd->db, &d), 0);
	draft_clear(&d);
	assert_int_equal(draft_each(fx->dd->db, count_each, order), 0);
	assert_string_equal(order[0], "S1");
	assert_string_equal(order[1], "S2");
	free(order[0]);
	free(order[1]);
}

static void
test_deleted_draft_is_gone_and_cannot_be_saved(void **state)
{
	struct fixture	*fx = *state;
	struct draft	 d;
	int64_t		 id, n;

	assert_int_equal(draft_create(fx->dd->db, "S1", "boiler", "abc", &id),
	    0);
	assert_int_equal(draft_load(fx->dd->db, id, &d), 0);
	assert_string_equal(d.follows, "abc");
	assert_int_equal(draft_delete(fx->dd->db, id), 0);
	assert_int_equal(draft_save(fx->dd->db, &d), LT_ENOTFOUND);
	draft_clear(&d);
	assert_int_equal(draft_load(fx->dd->db, id, &d), LT_ENOTFOUND);
	assert_int_equal(draft_count(fx->dd->db, &n), 0);
	assert_int_equal(n, 0);
}

/* A draft's photo, taken into the store when picked, ends in the record
 * with its name and caption, and the draft goes in the same transaction. */
static void
test_finishing_a_draft_with_stored_attachments(void **state)
{
	struct fixture		*fx = *state;
	struct attach_info	 a;
	struct form		*f;
	struct inspect		 in;
	struct record		 r;
	struct draft		 d;
	const json_t		*att;
	char			*src;
	int64_t			 id;

	assert_int_equal(form_load_buf(&f, "t-draft.json", form_text,
	    strlen(form_text)), 0);
	src = xasprintf("%s/DSC_0001.JPG", fx->tmp);
	th_write(src, "\xff\xd8\xff\xe0 a name plate");
	assert_int_equal(attach_add(fx->dd->path, src, &a), 0);
	/* The card is gone; the store's copy is what counts. */
	unlink(src);
	assert_int_equal(draft_create(fx->dd->db, "S1", "t-draft", NULL, &id),
	    0);
	assert_int_equal(draft_load(fx->dd->db, id, &d), 0);
	json_object_set_new(d.answers, "fuel", json_string("gas"));
	json_object_set_new(d.answers, "plate", json_string(a.sha256));
	json_array_append_new(d.attachments, json_pack("{s:s, s:s, s:s}",
	    "sha256", a.sha256, "name", "DSC_0001.JPG", "caption",
	    "锅炉铭牌"));
	d.acknowledged = json_pack("{s:s, s:s, s:b}", "name", "李强", "role",
	    "厂长", "refused", 0);
	assert_int_equal(draft_save(fx->dd->db, &d), 0);

	memset(&in, 0, sizeof in);
	in.site = d.site;
	in.form = f;
	in.acknowledged = test_ack();
	in.answers = d.answers;
	in.stored = d.attachments;
	in.acknowledged = d.acknowledged;
	in.started = d.started;
	in.draft = d.id;
	assert_int_equal(inspect_finish(fx->dd, fx->sk, &in, &r), 0);
	att = json_array_get(json_object_get(r.doc, "attachments"), 0);
	assert_string_equal(json_string_value(json_object_get(att, "sha256")),
	    a.sha256);
	assert_string_equal(json_string_value(json_object_get(att, "name")),
	    "DSC_0001.JPG");
	assert_string_equal(json_string_value(json_object_get(att,
	    "caption")), "锅炉铭牌");
	assert_string_equal(json_string_value(json_object_get(att, "mime")),
	    "image/jpeg");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    r.doc, "answers"), "plate")), a.sha256);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    r.doc, "acknowledged"), "role")), "厂长");
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM drafts"), 0);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM attachments"),
	    1);
	record_clear(&r);
	draft_clear(&d);
	free(a.name);
	free(src);
	form_free(f);
}

/* A stored copy that went missing stops the signing and keeps the draft. */
static void
test_missing_stored_attachment_keeps_the_draft(void **state)
{
	struct fixture	*fx = *state;
	struct form	*f;
	struct inspect	 in;
	struct record	 r;
	struct draft	 d;
	int64_t		 id;

	assert_int_equal(form_load_buf(&f, "t-draft.json", form_text,
	    strlen(form_text)), 0);
	assert_int_equal(draft_create(fx->dd->db, "S1", "t-draft", NULL, &id),
	    0);
	assert_int_equal(draft_load(fx->dd->db, id, &d), 0);
	json_object_set_new(d.answers, "fuel", json_string("gas"));
	json_array_append_new(d.attachments, json_pack("{s:s, s:s}", "sha256",
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    "name", "lost.jpg"));
	memset(&in, 0, sizeof in);
	in.site = d.site;
	in.form = f;
	in.acknowledged = test_ack();
	in.answers = d.answers;
	in.stored = d.attachments;
	in.draft = d.id;
	assert_int_equal(inspect_finish(fx->dd, fx->sk, &in, &r),
	    LT_ENOTFOUND);
	assert_non_null(strstr(error_msg(), "lost.jpg"));
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM drafts"), 1);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM records"), 0);
	draft_clear(&d);
	form_free(f);
}

/* The names of a draft's attachments, comma separated. */
static char *
attached_names(const struct draft *d)
{
	const json_t	*a;
	char		*out = xstrdup(""), *x;
	size_t		 i;

	json_array_foreach(d->attachments, i, a) {
		x = xasprintf("%s%s%s", out, i ? "," : "",
		    json_string_value(json_object_get(a, "name")));
		free(out);
		out = x;
	}
	return out;
}

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"
#define H3 "3333333333333333333333333333333333333333333333333333333333333333"

/* A photo answer replaced or removed takes its file off the draft, but
 * not a file another answer cites or the attachments screen listed. */
static void
test_photo_answers_hold_their_files(void **state)
{
	struct draft	 d;
	char		*names;

	(void)state;
	memset(&d, 0, sizeof d);
	d.answers = json_object();
	d.attachments = json_array();
	draft_attach(&d, H1, "one.jpg", 10, "image/jpeg", 0);
	draft_set_photo(&d, "front", H1);
	draft_attach(&d, H2, "two.jpg", 10, "image/jpeg", 0);
	draft_set_photo(&d, "front", H2);
	names = attached_names(&d);
	assert_string_equal(names, "two.jpg");
	free(names);
	draft_set_photo(&d, "front", NULL);
	assert_int_equal(json_array_size(d.attachments), 0);
	assert_null(json_object_get(d.answers, "front"));
	/* Cited by two answers: it stays while one does. */
	draft_attach(&d, H1, "one.jpg", 10, "image/jpeg", 0);
	draft_set_photo(&d, "front", H1);
	draft_set_photo(&d, "back", H1);
	draft_set_photo(&d, "front", NULL);
	names = attached_names(&d);
	assert_string_equal(names, "one.jpg");
	free(names);
	draft_set_photo(&d, "back", NULL);
	assert_int_equal(json_array_size(d.attachments), 0);
	/* Listed on the attachments screen: it stays. */
	draft_attach(&d, H3, "permit.jpg", 10, "image/jpeg", 1);
	draft_set_photo(&d, "front", H3);
	draft_set_photo(&d, "front", NULL);
	names = attached_names(&d);
	assert_string_equal(names, "permit.jpg");
	free(names);
	/* Listed after it was an answer's: it stays too. */
	draft_attach(&d, H1, "one.jpg", 10, "image/jpeg", 0);
	draft_set_photo(&d, "front", H1);
	draft_attach(&d, H1, "one.jpg", 10, "image/jpeg", 1);
	draft_set_photo(&d, "front", NULL);
	names = attached_names(&d);
	assert_string_equal(names, "permit.jpg,one.jpg");
	free(names);
	draft_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_saved_draft_comes_back_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_drafts_listed_newest_change_first, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_deleted_draft_is_gone_and_cannot_be_saved, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_finishing_a_draft_with_stored_attachments, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_missing_stored_attachment_keeps_the_draft, setup,
		    teardown),
		cmocka_unit_test(test_photo_answers_hold_their_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
