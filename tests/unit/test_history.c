#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/datadir.h"
#include "core/db.h"
#include "core/error.h"
#include "core/form.h"
#include "core/history.h"
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

	th_store_free(fx->tmp, fx->dd, fx->sk);
	free(fx);
	unsetenv("LANTIAN_NOW");
	return 0;
}

/* The id of the i-th made-up record. */
static void
fake_id(char id[65], int i)
{
	snprintf(id, 65, "%064x", (unsigned)i);
}

/*
 * n records straight into the table (paging reads no body): record i at
 * site S1 (even i) or S2 (odd), created a minute apart, except that every
 * fifth shares its minute with the one before (the rowid decides).
 */
static void
fake_records(struct fixture *fx, int n, const char *body)
{
	sqlite3_stmt	*st;
	char		 id[65], created[32];
	int		 i, minute = 0;

	assert_int_equal(db_begin(fx->dd->db), 0);
	assert_int_equal(db_prepare(fx->dd->db, &st, "INSERT INTO records "
	    "(id, device, seq, type, site, form, created, body, sig, status) "
	    "VALUES (?1, 'dev', ?2, 'inspection', ?3, 't-boiler', ?4, ?5, "
	    "'sig', 'signed')"), 0);
	for (i = 0; i < n; i++) {
		if (i % 5 != 4)
			minute++;
		fake_id(id, i);
		snprintf(created, sizeof created,
		    "2026-%02d-%02dT%02d:%02d:00Z", 1 + minute / 40000 % 12,
		    1 + minute / 1440 % 28, minute / 60 % 24, minute % 60);
		sqlite3_reset(st);
		db_bind_text(st, 1, id);
		sqlite3_bind_int(st, 2, i + 1);
		db_bind_text(st, 3, i % 2 == 0 ? "S1" : "S2");
		db_bind_text(st, 4, created);
		db_bind_text(st, 5, body != NULL ? body : "{}");
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	}
	sqlite3_finalize(st);
	assert_int_equal(db_commit(fx->dd->db), 0);
}

/* Rows of pages as they come. */
struct seen {
	char			 ids[400][65];
	struct history_pos	 pos[400];
	int			 findings[400];
	int			 open[400];
	char			 site_name[400][64];
	int			 n;
};

static int
see(const struct history_row *row, void *arg)
{
	struct seen	*s = arg;

	assert_true(s->n < 400);
	snprintf(s->ids[s->n], 65, "%s", row->id);
	history_pos_of(row, &s->pos[s->n]);
	s->findings[s->n] = row->findings;
	s->open[s->n] = row->open;
	snprintf(s->site_name[s->n], 64, "%s",
	    row->site_name != NULL ? row->site_name : "(none)");
	s->n++;
	return 0;
}

/* Every id of the store in the order of the list, from SQL itself. */
static void
expected(struct fixture *fx, const char *site, char ids[][65], int *n)
{
	sqlite3_stmt	*st;

	assert_int_equal(db_prepare(fx->dd->db, &st, "SELECT id FROM records "
	    "WHERE ?1 IS NULL OR site = ?1 ORDER BY created DESC, rowid DESC"),
	    0);
	db_bind_text(st, 1, site);
	*n = 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		snprintf(ids[(*n)++], 65, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static void
test_empty_store_has_no_page(void **state)
{
	struct fixture	*fx = *state;
	struct seen	*s = xcalloc(1, sizeof *s);
	int		 count = -1;

	assert_int_equal(history_page(fx->dd->db, NULL, NULL, 20,
	    HISTORY_OLDER, see, s, &count), 0);
	assert_int_equal(count, 0);
	assert_int_equal(history_page(fx->dd->db, NULL, NULL, 20,
	    HISTORY_NEWER, see, s, &count), 0);
	assert_int_equal(s->n, 0);
	free(s);
}

/* Walk the whole list a page at a time both ways, with and without site. */
static void
walk(struct fixture *fx, const char *site, int page)
{
	struct history_filter	 f = { .site = site };
	struct seen		*s = xcalloc(1, sizeof *s);
	char			 (*want)[65] = xcalloc(400, 65);
	int			 nwant, count, i, before;

	expected(fx, site, want, &nwant);
	assert_true(nwant > page);
	/* Older, from the start. */
	assert_int_equal(history_page(fx->dd->db, &f, NULL, page,
	    HISTORY_OLDER, see, s, &count), 0);
	assert_int_equal(count, page);
	for (;;) {
		before = s->n;
		assert_int_equal(history_page(fx->dd->db, &f,
		    &s->pos[s->n - 1], page, HISTORY_OLDER, see, s, &count),
		    0);
		assert_int_equal(count, s->n - before);
		if (count < page)
			break;
	}
	assert_int_equal(s->n, nwant);
	for (i = 0; i < nwant; i++)
		assert_string_equal(s->ids[i], want[i]);
	/* Newer, from the oldest: the same list the other way round. */
	s->n = 0;
	assert_int_equal(history_page(fx->dd->db, &f, NULL, page,
	    HISTORY_NEWER, see, s, &count), 0);
	while (count == page)
		assert_int_equal(history_page(fx->dd->db, &f,
		    &s->pos[s->n - 1], page, HISTORY_NEWER, see, s, &count),
		    0);
	assert_int_equal(s->n, nwant);
	for (i = 0; i < nwant; i++)
		assert_string_equal(s->ids[i], want[nwant - 1 - i]);
	free(want);
	free(s);
}

static void
test_pages_cover_the_list_once_both_ways(void **state)
{
	struct fixture	*fx = *state;

	fake_records(fx, 103, NULL);
	walk(fx, NULL, 7);
	walk(fx, NULL, 1);
	walk(fx, "S1", 10);
	walk(fx, "S2", 3);
}

static void
test_a_row_counts_findings_and_names_its_site(void **state)
{
	struct fixture	*fx = *state;
	struct seen	*s = xcalloc(1, sizeof *s);
	char		 id[65], closer[65], *sql;

	fake_records(fx, 4, NULL);
	fake_id(id, 0);
	fake_id(closer, 3);
	sql = xasprintf("INSERT INTO findings (record, rule, severity, "
	    "deadline, closed_by) VALUES ('%s', 'a', 'violation', "
	    "'2026-12-01', NULL), ('%s', 'b', 'warning', '2026-12-01', '%s'), "
	    "('%s', 'c', 'note', NULL, NULL);"
	    "UPDATE records SET site = 'NOWHERE' WHERE id = '%s'",
	    id, id, closer, id, closer);
	assert_int_equal(db_exec(fx->dd->db, sql), 0);
	free(sql);
	assert_int_equal(history_page(fx->dd->db, NULL, NULL, 10,
	    HISTORY_OLDER, see, s, NULL), 0);
	assert_int_equal(s->n, 4);
	/* Newest first: record 3 (unregistered site), 2, 1, 0. */
	assert_string_equal(s->ids[0], closer);
	assert_string_equal(s->site_name[0], "(none)");
	assert_string_equal(s->site_name[1], "测试企业");
	assert_string_equal(s->site_name[2], "第二企业");
	assert_string_equal(s->ids[3], id);
	assert_int_equal(s->findings[3], 3);
	assert_int_equal(s->open[3], 2);
	assert_int_equal(s->findings[0], 0);
	assert_int_equal(s->open[0], 0);

	/* Bytes that are not JSON still list, their findings counted. */
	sql = xasprintf("UPDATE records SET body = CAST('{\"findings\": [' "
	    "AS BLOB) WHERE id = '%s'", id);
	assert_int_equal(db_exec(fx->dd->db, sql), 0);
	free(sql);
	s->n = 0;
	assert_int_equal(history_page(fx->dd->db, NULL, NULL, 10,
	    HISTORY_OLDER, see, s, NULL), 0);
	assert_int_equal(s->n, 4);
	assert_int_equal(s->findings[3], 3);
	assert_int_equal(s->open[3], 2);
	free(s);
}

static int
stop_at_two(const struct history_row *row, void *arg)
{
	(void)row;
	return ++*(int *)arg == 2;
}

static void
test_callback_stops_the_page(void **state)
{
	struct fixture	*fx = *state;
	int		 seen = 0, count;

	fake_records(fx, 10, NULL);
	assert_int_equal(history_page(fx->dd->db, NULL, NULL, 10,
	    HISTORY_OLDER, stop_at_two, &seen, &count), 0);
	assert_int_equal(seen, 2);
	assert_int_equal(count, 2);
	/* The cached statement was reset: it pages again. */
	seen = 0;
	assert_int_equal(history_page(fx->dd->db, NULL, NULL, 10,
	    HISTORY_OLDER, stop_at_two, &seen, &count), 0);
	assert_int_equal(seen, 2);
}

/* The page statement's counters, reset: full scan steps, sorts, VM steps. */
static void
page_cost(struct fixture *fx, int *fullscan, int *sort, int *steps)
{
	sqlite3_stmt	*st = NULL;

	while ((st = sqlite3_next_stmt(fx->dd->db, st)) != NULL) {
		if (strstr(sqlite3_sql(st), "LEFT JOIN sites") == NULL)
			continue;
		*fullscan += sqlite3_stmt_status(st,
		    SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
		*sort += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_SORT, 1);
		*steps += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 1);
	}
}

/* A page deep in a big store reads that page only: no scan, no sort. */
static void
test_page_reads_only_its_rows(void **state)
{
	struct fixture		*fx = *state;
	struct history_filter	 f = { .site = "S2" };
	struct seen		*s = xcalloc(1, sizeof *s);
	struct history_pos	 mid;
	int			 fullscan, sort, steps, dir, site;

	fake_records(fx, 20000, NULL);
	/* Somewhere in the middle. */
	snprintf(mid.created, sizeof mid.created, "2026-01-07T12:00:00Z");
	mid.rowid = 10000;
	for (site = 0; site < 2; site++) {
		for (dir = 0; dir < 2; dir++) {
			fullscan = sort = steps = 0;
			s->n = 0;
			assert_int_equal(history_page(fx->dd->db, site ? &f :
			    NULL, &mid, 20, dir ? HISTORY_NEWER :
			    HISTORY_OLDER, see, s, NULL), 0);
			assert_int_equal(s->n, 20);
			page_cost(fx, &fullscan, &sort, &steps);
			assert_int_equal(fullscan, 0);
			assert_int_equal(sort, 0);
			/* A few dozen steps a row, not a walk of the table. */
			assert_in_range(steps, 1, 20 * 100);
		}
	}
	free(s);
}

static int
take_finding(const struct finding *f, void *arg)
{
	json_t	*list = arg;

	json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:s?, s:s?}",
	    "rule", f->rule, "state", f->state, "closed_by", f->closed_by,
	    "text", f->text != NULL ? record_text(f->text, "en") : NULL,
	    "action", f->action != NULL ? record_text(f->action, "zh") :
	    NULL));
	return 0;
}

static void
test_findings_of_one_record_with_their_state(void **state)
{
	struct fixture	*fx = *state;
	json_t		*list = json_array(), *x;
	char		 id[65], other[65], closer[65], *sql;

	fake_records(fx, 3, "{\"findings\": [{\"rule\": \"late\", \"text\": "
	    "{\"zh\": \"过期\", \"en\": \"Late one\"}, \"action\": {\"zh\": "
	    "\"整改\", \"en\": \"Fix\"}}]}");
	fake_id(id, 0);
	fake_id(other, 1);
	fake_id(closer, 2);
	sql = xasprintf("INSERT INTO findings (record, rule, severity, "
	    "deadline, closed_by) VALUES "
	    "('%s', 'soon', 'warning', '2026-12-01', NULL), "
	    "('%s', 'late', 'violation', '2026-11-01', NULL), "
	    "('%s', 'done', 'violation', '2026-10-01', '%s'), "
	    "('%s', 'today', 'note', '2026-11-28', NULL), "
	    "('%s', 'elsewhere', 'note', '2026-11-01', NULL)",
	    id, id, id, closer, id, other);
	assert_int_equal(db_exec(fx->dd->db, sql), 0);
	free(sql);
	assert_int_equal(history_findings(fx->dd->db, id, take_finding, list),
	    0);
	assert_int_equal(json_array_size(list), 4);
	/* Most urgent deadline first. */
	x = json_array_get(list, 0);
	assert_string_equal(json_string_value(json_object_get(x, "rule")),
	    "done");
	assert_string_equal(json_string_value(json_object_get(x, "state")),
	    "closed");
	assert_string_equal(json_string_value(json_object_get(x,
	    "closed_by")), closer);
	x = json_array_get(list, 1);
	assert_string_equal(json_string_value(json_object_get(x, "rule")),
	    "late");
	assert_string_equal(json_string_value(json_object_get(x, "state")),
	    "overdue");
	assert_string_equal(json_string_value(json_object_get(x, "text")),
	    "Late one");
	assert_string_equal(json_string_value(json_object_get(x, "action")),
	    "整改");
	x = json_array_get(list, 2);
	assert_string_equal(json_string_value(json_object_get(x, "rule")),
	    "today");
	assert_string_equal(json_string_value(json_object_get(x, "state")),
	    "open");
	x = json_array_get(list, 3);
	assert_string_equal(json_string_value(json_object_get(x, "state")),
	    "open");
	assert_true(json_is_null(json_object_get(x, "text")));
	json_decref(list);
	/* A record without findings, and one not stored: nothing. */
	list = json_array();
	assert_int_equal(history_findings(fx->dd->db, closer, take_finding,
	    list), 0);
	assert_int_equal(history_findings(fx->dd->db, "nope", take_finding,
	    list), 0);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
}

static const char form_text[] =
	"{\"id\": \"t-hist\", \"version\": 2, \"tasks\": [11],"
	" \"title\": {\"zh\": \"历史测试\", \"en\": \"History test\"},"
	" \"site_kinds\": [\"enterprise\"],"
	" \"questions\": ["
	"  {\"id\": \"fuel\", \"type\": \"choice\", \"required\": true,"
	"   \"label\": {\"zh\": \"燃料\", \"en\": \"Fuel\"},"
	"   \"choices\": [{\"value\": \"coal\", \"label\": {\"zh\": \"煤\","
	"     \"en\": \"Coal\"}}, {\"value\": \"gas\", \"label\": {\"zh\":"
	"     \"气\", \"en\": \"Gas\"}}]}"
	" ],"
	" \"findings\": ["
	"  {\"id\": \"coal\", \"task\": 11, \"severity\": \"violation\","
	"   \"when\": \"fuel = 'coal'\","
	"   \"text\": {\"zh\": \"燃煤\", \"en\": \"Coal\"},"
	"   \"action\": {\"zh\": \"拆除\", \"en\": \"Remove it\"},"
	"   \"deadline_days\": 30}"
	" ]}";

/* A signed inspection: its form comes back from the store; a finding. */
static void
test_form_of_a_record_from_the_store(void **state)
{
	struct fixture	*fx = *state;
	struct inspect	 in;
	struct record	 r, fake, other;
	struct form	*form, *back;
	struct seen	*seen;
	json_t		*answers = json_pack("{s:s}", "fuel", "coal");
	json_t		*list = json_array();

	assert_int_equal(form_load_buf(&form, "t-hist.json", form_text,
	    strlen(form_text)), 0);
	memset(&in, 0, sizeof in);
	in.site = "S1";
	in.form = form;
	in.acknowledged = test_ack();
	in.answers = answers;
	assert_int_equal(inspect_finish(fx->dd, fx->sk, &in, &r), 0);
	assert_int_equal(history_form(fx->dd->db, &r, &back), 0);
	assert_string_equal(form_id(back), "t-hist");
	assert_int_equal(form_version(back), 2);
	assert_string_equal(form_sha256(back), form_sha256(form));
	assert_non_null(form_question(back, "fuel"));
	form_free(back);
	assert_int_equal(history_findings(fx->dd->db, r.id, take_finding,
	    list), 0);
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 0), "text")), "Coal");
	/* Signed bytes as they are: the list counts from them. */
	json_decref(answers);
	answers = json_pack("{s:s}", "fuel", "gas");
	in.answers = answers;
	assert_int_equal(inspect_finish(fx->dd, fx->sk, &in, &other), 0);
	seen = xcalloc(1, sizeof *seen);
	assert_int_equal(history_page(fx->dd->db, NULL, NULL, 10,
	    HISTORY_OLDER, see, seen, NULL), 0);
	assert_int_equal(seen->n, 2);
	assert_string_equal(seen->ids[0], other.id);
	assert_int_equal(seen->findings[0], 0);
	assert_int_equal(seen->findings[1], 1);
	assert_int_equal(seen->open[1], 1);
	free(seen);
	record_clear(&other);
	/* A record citing a form the store does not hold. */
	memset(&fake, 0, sizeof fake);
	snprintf(fake.id, sizeof fake.id, "%s", r.id);
	fake.form = "t-hist";
	fake.doc = json_pack("{s:{s:s}}", "form", "sha256",
	    "0000000000000000000000000000000000000000000000000000000000000000");
	assert_int_equal(history_form(fx->dd->db, &fake, &back),
	    LT_ENOTFOUND);
	assert_null(back);
	json_decref(fake.doc);
	record_clear(&r);
	form_free(form);
	json_decref(answers);
	json_decref(list);
}

/* Stored UTC times are shown in local time; other text as it is. */
static void
test_time_in_local_time(void **state)
{
	char	buf[32];

	(void)state;
	history_time(buf, sizeof buf, "2026-11-28T23:27:21Z");
	assert_string_equal(buf, "2026-11-28 23:27");
	setenv("TZ", "CST-8", 1);
	tzset();
	history_time(buf, sizeof buf, "2026-11-28T23:27:21Z");
	assert_string_equal(buf, "2026-11-29 07:27");
	setenv("TZ", "UTC", 1);
	tzset();
	history_time(buf, sizeof buf, "yesterday");
	assert_string_equal(buf, "yesterday");
	history_time(buf, sizeof buf, NULL);
	assert_string_equal(buf, "-");
}

/* Wait for a check to finish (at most a few seconds). */
static int
check_wait(struct history_check *c, int *rc, const char **err,
    const json_t **problems)
{
	struct timespec	ts = { 0, 10 * 1000 * 1000 };
	int		i;

	for (i = 0; i < 1000; i++) {
		if (history_check_done(c, rc, err, problems))
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* The check runs on its thread: it holds, then it finds the bytes changed. */
static void
test_check_on_a_thread(void **state)
{
	struct fixture		*fx = *state;
	struct history_check	*c;
	struct inspect		 in;
	struct record		 r;
	struct form		*form;
	const json_t		*problems;
	const char		*err;
	json_t			*answers = json_pack("{s:s}", "fuel", "gas");
	char			*sql;
	int			 rc;

	assert_int_equal(form_load_buf(&form, "t-hist.json", form_text,
	    strlen(form_text)), 0);
	memset(&in, 0, sizeof in);
	in.site = "S1";
	in.form = form;
	in.acknowledged = test_ack();
	in.answers = answers;
	assert_int_equal(inspect_finish(fx->dd, fx->sk, &in, &r), 0);
	assert_int_equal(history_check_start(fx->dd->db, r.id, &c), 0);
	assert_true(check_wait(c, &rc, &err, &problems));
	assert_int_equal(rc, 0);
	assert_int_equal(json_array_size(problems), 0);
	history_check_free(c);

	/* Let go while it may still run: it frees itself. */
	assert_int_equal(history_check_start(fx->dd->db, r.id, &c), 0);
	history_check_free(c);

	sql = xasprintf("UPDATE records SET body = CAST(replace(CAST(body AS "
	    "TEXT), '\"gas\"', '\"coal\"') AS BLOB) WHERE id = '%s'", r.id);
	assert_int_equal(db_exec(fx->dd->db, sql), 0);
	free(sql);
	assert_int_equal(history_check_start(fx->dd->db, r.id, &c), 0);
	assert_true(check_wait(c, &rc, &err, &problems));
	assert_int_equal(rc, 0);
	assert_int_equal(json_array_size(problems), 1);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(problems, 0), "kind")), "id-mismatch");
	history_check_free(c);

	/* A record the store does not hold: the check says why it cannot. */
	assert_int_equal(history_check_start(fx->dd->db, "0123456789abcdef",
	    &c), 0);
	assert_true(check_wait(c, &rc, &err, &problems));
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(err, "not found"));
	history_check_free(c);
	record_clear(&r);
	form_free(form);
	json_decref(answers);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_store_has_no_page,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pages_cover_the_list_once_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_a_row_counts_findings_and_names_its_site, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_callback_stops_the_page,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_reads_only_its_rows,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_findings_of_one_record_with_their_state, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_form_of_a_record_from_the_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_on_a_thread,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_in_local_time,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
