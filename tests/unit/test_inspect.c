#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/datadir.h"
#include "core/db.h"
#include "core/error.h"
#include "core/form.h"
#include "core/inspect.h"
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
	"{\"id\": \"t-boiler\", \"version\": 3, \"tasks\": [11],"
	" \"title\": {\"zh\": \"测试锅炉\", \"en\": \"Test boiler\"},"
	" \"site_kinds\": [\"enterprise\"],"
	" \"questions\": ["
	"  {\"id\": \"fuel\", \"type\": \"choice\", \"required\": true,"
	"   \"label\": {\"zh\": \"燃料\", \"en\": \"Fuel\"},"
	"   \"choices\": [{\"value\": \"coal\", \"label\": {\"zh\": \"煤\","
	"     \"en\": \"Coal\"}}, {\"value\": \"gas\", \"label\": {\"zh\":"
	"     \"气\", \"en\": \"Gas\"}}]},"
	"  {\"id\": \"capacity_tph\", \"type\": \"decimal\", \"required\": true,"
	"   \"min\": 0, \"max\": 500, \"unit\": \"t/h\","
	"   \"relevant\": \"fuel IS NOT NULL\","
	"   \"label\": {\"zh\": \"蒸发量\", \"en\": \"Capacity\"}},"
	"  {\"id\": \"plate\", \"type\": \"photo\","
	"   \"label\": {\"zh\": \"铭牌\", \"en\": \"Name plate\"}}"
	" ],"
	" \"findings\": ["
	"  {\"id\": \"coal-le35\", \"task\": 11, \"severity\": \"violation\","
	"   \"when\": \"fuel = 'coal' AND capacity_tph <= 35\","
	"   \"text\": {\"zh\": \"燃煤锅炉应清零\", \"en\": \"Coal boiler\"},"
	"   \"action\": {\"zh\": \"拆除\", \"en\": \"Remove it\"},"
	"   \"deadline_days\": 30}"
	" ]}";

struct fixture {
	char			*tmp;
	struct datadir		*dd;
	struct key_secret	*sk;
	struct form		*form;
};

static int
setup(void **state)
{
	struct fixture	*fx = xcalloc(1, sizeof *fx);

	th_store(&fx->tmp, &fx->dd, &fx->sk);
	assert_int_equal(form_load_buf(&fx->form, "t-boiler.json", form_text,
	    strlen(form_text)), 0);
	setenv("TZ", "UTC", 1);
	tzset();
	setenv("LANTIAN_NOW", "2026-11-28T10:00:00Z", 1);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	form_free(fx->form);
	th_store_free(fx->tmp, fx->dd, fx->sk);
	free(fx);
	unsetenv("LANTIAN_NOW");
	return 0;
}

/* Inspect site with these answers (JSON text). */
static int
run(struct fixture *fx, const char *site, const char *answers,
    const char *follows, struct record *out)
{
	struct inspect	in;
	json_t		*a = json_loads(answers, 0, NULL);
	int		 rc;

	assert_non_null(a);
	memset(&in, 0, sizeof in);
	in.site = site;
	in.form = fx->form;
	in.acknowledged = test_ack();
	in.answers = a;
	in.follows = follows;
	rc = inspect_finish(fx->dd, fx->sk, &in, out);
	json_decref(a);
	return rc;
}

static void
test_finish_stores_record_findings_and_form(void **state)
{
	struct fixture	*fx = *state;
	struct record	 r;
	json_t		*f, *form;

	assert_int_equal(run(fx, "S1", "{\"fuel\": \"coal\", "
	    "\"capacity_tph\": 20}", NULL, &r), 0);
	assert_string_equal(r.type, "inspection");
	assert_string_equal(r.site, "S1");
	assert_string_equal(r.form, "t-boiler");
	assert_int_equal(r.form_version, 3);
	form = json_object_get(r.doc, "form");
	assert_string_equal(json_string_value(json_object_get(form, "sha256")),
	    form_sha256(fx->form));
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(r.doc, "inspector"), "name")), "测试员");
	assert_string_equal(json_string_value(json_object_get(r.doc,
	    "finished")), "2026-11-28T10:00:00Z");
	f = json_array_get(json_object_get(r.doc, "findings"), 0);
	assert_non_null(f);
	assert_string_equal(json_string_value(json_object_get(f, "rule")),
	    "coal-le35");
	assert_int_equal(json_integer_value(json_object_get(f, "task")), 11);
	assert_string_equal(json_string_value(json_object_get(f, "deadline")),
	    "2026-12-28");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    f, "action"), "zh")), "拆除");
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM findings WHERE "
	    "rule = 'coal-le35' AND task = 11 AND deadline = '2026-12-28' AND "
	    "closed_by IS NULL"), 1);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM forms WHERE "
	    "id = 't-boiler' AND version = 3"), 1);
	record_clear(&r);
}

static void
test_invalid_answers_create_nothing(void **state)
{
	struct fixture	*fx = *state;
	struct record	 r;

	assert_int_equal(run(fx, "S1", "{\"fuel\": \"coal\", "
	    "\"capacity_tph\": 600}", NULL, &r), LT_EANSWER);
	assert_non_null(strstr(error_msg(), "capacity_tph"));
	assert_int_equal(run(fx, "S1", "{\"fuel\": \"coal\"}", NULL, &r),
	    LT_EANSWER);
	assert_non_null(strstr(error_msg(), "capacity_tph: required"));
	assert_int_equal(run(fx, "S1", "{\"fuel\": \"wood\", "
	    "\"capacity_tph\": 6}", NULL, &r), LT_EANSWER);
	assert_non_null(strstr(error_msg(), "fuel"));
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM records"), 0);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM chain"), 0);
}

static void
test_unknown_site_is_refused(void **state)
{
	struct fixture	*fx = *state;
	struct record	 r;

	assert_int_equal(run(fx, "NOPE", "{\"fuel\": \"gas\", "
	    "\"capacity_tph\": 6}", NULL, &r), LT_ENOTFOUND);
	assert_non_null(strstr(error_msg(), "NOPE"));
}

static void
test_failure_inside_the_transaction_leaves_no_trace(void **state)
{
	struct fixture	*fx = *state;
	struct inspect	 in;
	struct record	 r;
	json_t		*a;

	/* A draft in progress, and a store that fails at the findings. */
	assert_int_equal(db_exec(fx->dd->db, "INSERT INTO drafts (id, site, "
	    "form, started, updated) VALUES (7, 'S1', 't-boiler', 'x', 'x');"
	    "CREATE TEMP TRIGGER boom BEFORE INSERT ON findings BEGIN "
	    "SELECT RAISE(ABORT, 'disk full'); END"), 0);
	a = json_pack("{s:s, s:i}", "fuel", "coal", "capacity_tph", 10);
	memset(&in, 0, sizeof in);
	in.site = "S1";
	in.form = fx->form;
	in.acknowledged = test_ack();
	in.answers = a;
	in.draft = 7;
	assert_int_equal(inspect_finish(fx->dd, fx->sk, &in, &r), LT_EDB);
	assert_non_null(strstr(error_msg(), "disk full"));
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM records"), 0);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM chain"), 0);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM forms"), 0);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM drafts"), 1);

	/* Once the store works again the same draft finishes, once. */
	assert_int_equal(db_exec(fx->dd->db, "DROP TRIGGER boom"), 0);
	assert_int_equal(inspect_finish(fx->dd, fx->sk, &in, &r), 0);
	assert_int_equal(r.seq, 1);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM drafts"), 0);
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM records"), 1);
	record_clear(&r);
	json_decref(a);
}

static void
test_photo_answer_names_an_attached_file(void **state)
{
	struct fixture	*fx = *state;
	struct inspect	 in;
	struct record	 r;
	json_t		*a, *att;
	const char	*files[1];
	char		*photo, h[65];

	photo = xasprintf("%s/plate.jpg", fx->tmp);
	th_write(photo, "\xff\xd8\xff\xe0 jpeg bytes");
	util_sha256_hex(h, "\xff\xd8\xff\xe0 jpeg bytes", 15);
	files[0] = photo;
	a = json_pack("{s:s, s:i, s:s}", "fuel", "gas", "capacity_tph", 6,
	    "plate", "plate.jpg");
	memset(&in, 0, sizeof in);
	in.site = "S1";
	in.form = fx->form;
	in.acknowledged = test_ack();
	in.answers = a;
	in.attach = files;
	in.nattach = 1;
	assert_int_equal(inspect_finish(fx->dd, fx->sk, &in, &r), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    r.doc, "answers"), "plate")), h);
	att = json_array_get(json_object_get(r.doc, "attachments"), 0);
	assert_string_equal(json_string_value(json_object_get(att, "sha256")),
	    h);
	assert_string_equal(json_string_value(json_object_get(att, "mime")),
	    "image/jpeg");
	assert_int_equal(th_int(fx->dd, "SELECT bytes FROM attachments"), 15);
	record_clear(&r);
	json_decref(a);

	/* A photo answer naming no attached file is refused. */
	a = json_pack("{s:s, s:i, s:s}", "fuel", "gas", "capacity_tph", 6,
	    "plate", "other.jpg");
	in.answers = a;
	in.nattach = 0;
	assert_int_equal(inspect_finish(fx->dd, fx->sk, &in, &r), LT_EANSWER);
	assert_non_null(strstr(error_msg(), "plate"));
	json_decref(a);
	free(photo);
}

static void
test_follow_up_closes_what_no_longer_fires(void **state)
{
	struct fixture	*fx = *state;
	struct record	 first, second;
	char		*sql;

	assert_int_equal(run(fx, "S1", "{\"fuel\": \"coal\", "
	    "\"capacity_tph\": 20}", NULL, &first), 0);
	/* Following up a record of another site is refused. */
	assert_int_equal(run(fx, "S2", "{\"fuel\": \"gas\", "
	    "\"capacity_tph\": 20}", first.id, &second), LT_EINVAL);
	assert_int_equal(run(fx, "S1", "{\"fuel\": \"gas\", "
	    "\"capacity_tph\": 20}", first.id, &second), 0);
	assert_string_equal(json_string_value(json_object_get(second.doc,
	    "follows")), first.id);
	sql = xasprintf("SELECT count(*) FROM findings WHERE record = '%s' "
	    "AND closed_by = '%s'", first.id, second.id);
	assert_int_equal(th_int(fx->dd, sql), 1);
	free(sql);
	record_clear(&first);
	record_clear(&second);
}

/* One rule for the TUI and the CLI: an acknowledgment, or a witnessed
 * refusal; without it nothing is signed. */
static void
test_no_acknowledgment_signs_nothing(void **state)
{
	struct fixture	*fx = *state;
	struct inspect	 in;
	struct record	 r;
	json_t		*a, *ack;

	assert_non_null(inspect_ack_problem(NULL));
	ack = json_pack("{s:s, s:s, s:b}", "name", "赵", "role", "", "refused",
	    0);
	assert_non_null(inspect_ack_problem(ack));
	json_decref(ack);
	ack = json_pack("{s:s, s:s, s:b}", "name", "", "role", "", "refused",
	    1);
	assert_string_equal(inspect_ack_problem(ack),
	    "A refusal needs a witness.");
	json_object_set_new(ack, "witness", json_string("王村长"));
	assert_null(inspect_ack_problem(ack));
	json_decref(ack);
	assert_null(inspect_ack_problem(test_ack()));

	a = json_pack("{s:s, s:i}", "fuel", "gas", "capacity_tph", 6);
	memset(&in, 0, sizeof in);
	in.site = "S1";
	in.form = fx->form;
	in.answers = a;
	assert_int_equal(inspect_finish(fx->dd, fx->sk, &in, &r), LT_EANSWER);
	assert_non_null(strstr(error_msg(), "acknowledgment"));
	assert_int_equal(th_int(fx->dd, "SELECT count(*) FROM records"), 0);
	json_decref(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_finish_stores_record_findings_and_form, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_invalid_answers_create_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unknown_site_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_failure_inside_the_transaction_leaves_no_trace, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_photo_answer_names_an_attached_file, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_follow_up_closes_what_no_longer_fires, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_no_acknowledgment_signs_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
