#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/datadir.h"
#include "core/db.h"
#include "core/error.h"
#include "core/key.h"
#include "core/record.h"
#include "core/summary.h"
#include "core/util.h"
#include "testhelp.h"

struct fixture {
	char			*tmp;
	struct datadir		*dd;
	struct key_secret	*sk;
	char			 device[KEY_ID_HEX];
};

static int
setup(void **state)
{
	struct fixture		*fx = xcalloc(1, sizeof *fx);
	struct key_public	 pk;

	th_store(&fx->tmp, &fx->dd, &fx->sk);
	key_secret_public(fx->sk, &pk);
	key_id_hex(fx->device, pk.id);
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

/*
 * Make the device's next inspection record at site, with one finding of
 * rule due on deadline (none when rule is NULL); out gets its id.
 */
static void
make(struct fixture *fx, const char *site, const char *rule,
    const char *deadline, char out[65])
{
	struct record	 r;
	json_t		*fields, *findings;

	findings = json_array();
	if (rule != NULL)
		json_array_append_new(findings, json_pack("{s:s, s:i, s:s, "
		    "s:{s:s, s:s}, s:s}", "rule", rule, "task", 11,
		    "severity", "violation", "text", "zh", rule, "en",
		    "text of the rule", "deadline", deadline));
	fields = json_pack("{s:{s:s, s:s}, s:s, s:{s:s, s:i}, s:{}, s:o}",
	    "inspector", "name", "测试员", "badge", "T-001", "site", site,
	    "form", "id", "boiler", "version", 1, "answers",
	    "findings", findings);
	assert_non_null(fields);
	assert_int_equal(db_begin(fx->dd->db), 0);
	assert_int_equal(record_create(fx->dd->db, fx->sk, "inspection",
	    fields, &r), 0);
	assert_int_equal(db_commit(fx->dd->db), 0);
	if (out != NULL)
		memcpy(out, r.id, 65);
	record_clear(&r);
	json_decref(fields);
}

static void
test_waiting_is_head_minus_sent(void **state)
{
	struct fixture	*fx = *state;
	sqlite3		*db = fx->dd->db;
	int64_t		 n, head, sent;

	assert_int_equal(summary_waiting(db, fx->device, &n), 0);
	assert_int_equal(n, 0);
	make(fx, "S1", NULL, NULL, NULL);
	make(fx, "S1", NULL, NULL, NULL);
	make(fx, "S2", NULL, NULL, NULL);
	assert_int_equal(summary_waiting(db, fx->device, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(db_setting_set(db, "sync.sent_seq", "2"), 0);
	assert_int_equal(summary_chain(db, fx->device, &head, &sent), 0);
	assert_int_equal(head, 3);
	assert_int_equal(sent, 2);
	assert_int_equal(summary_waiting(db, fx->device, &n), 0);
	assert_int_equal(n, 1);
	/* Sent past the head (a store restored from an old copy): none. */
	assert_int_equal(db_setting_set(db, "sync.sent_seq", "9"), 0);
	assert_int_equal(summary_waiting(db, fx->device, &n), 0);
	assert_int_equal(n, 0);
}

static void
test_waiting_counts_only_this_device(void **state)
{
	struct fixture	*fx = *state;
	sqlite3		*db = fx->dd->db;
	int64_t		 n;

	make(fx, "S1", NULL, NULL, NULL);
	/* Another device's head, as an import would leave it. */
	assert_int_equal(db_exec(db, "INSERT INTO chain (device, seq, id, "
	    "created) VALUES ('00112233445566FF', 500, 'x', "
	    "'2026-01-01T00:00:00Z')"), 0);
	assert_int_equal(summary_waiting(db, fx->device, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(summary_waiting(db, "00112233445566FF", &n), 0);
	assert_int_equal(n, 500);
	assert_int_equal(summary_waiting(db, "FFFFFFFFFFFFFFFF", &n), 0);
	assert_int_equal(n, 0);
}

static void
test_waiting_refuses_a_bad_sent_seq(void **state)
{
	struct fixture	*fx = *state;
	sqlite3		*db = fx->dd->db;
	int64_t		 n;

	assert_int_equal(db_setting_set(db, "sync.sent_seq", "12x"), 0);
	assert_int_equal(summary_waiting(db, fx->device, &n), LT_EINVAL);
	assert_non_null(strstr(error_msg(), "sync.sent_seq"));
	assert_int_equal(db_setting_set(db, "sync.sent_seq", "-1"), 0);
	assert_int_equal(summary_waiting(db, fx->device, &n), LT_EINVAL);
	assert_int_equal(db_setting_set(db, "sync.sent_seq", ""), 0);
	assert_int_equal(summary_waiting(db, fx->device, &n), LT_EINVAL);
}

static void
test_attachments_count_and_bytes(void **state)
{
	struct fixture	*fx = *state;
	sqlite3		*db = fx->dd->db;
	int64_t		 count, bytes;

	assert_int_equal(summary_attachments(db, &count, &bytes), 0);
	assert_int_equal(count, 0);
	assert_int_equal(bytes, 0);
	assert_int_equal(db_exec(db, "INSERT INTO attachments (sha256, "
	    "bytes, mime, added) VALUES ('a', 1000, 'image/jpeg', "
	    "'2026-01-01T00:00:00Z'), ('b', 5000000000, 'image/jpeg', "
	    "'2026-01-01T00:00:00Z')"), 0);
	assert_int_equal(summary_attachments(db, &count, &bytes), 0);
	assert_int_equal(count, 2);
	assert_int_equal(bytes, 5000001000LL);
}

struct seen {
	int	 n;
	int	 stop_at;
	char	 line[8][160];
};

static int
collect(const struct summary_finding *f, void *arg)
{
	struct seen	*s = arg;

	snprintf(s->line[s->n], sizeof s->line[0], "%s %s %s %s %s %s",
	    f->deadline, f->rule, f->site, f->site_name != NULL ?
	    f->site_name : "-", f->severity, record_text(f->text, "en"));
	s->n++;
	return s->n == s->stop_at;
}

static void
test_due_lists_open_findings_soonest_first(void **state)
{
	struct fixture	*fx = *state;
	sqlite3		*db = fx->dd->db;
	struct seen	 s;
	char		 closed[65], closer[65], *sql;

	make(fx, "S2", "later", "2026-12-10", NULL);
	make(fx, "S1", "overdue", "2026-11-01", NULL);
	make(fx, "S1", "too-late", "2026-12-31", NULL);
	make(fx, "S1", "closed", "2026-11-15", closed);
	make(fx, "GONE", "unknown-site", "2026-12-01", NULL);
	make(fx, "S1", NULL, NULL, closer);
	sql = xasprintf("UPDATE findings SET closed_by = '%s' WHERE "
	    "record = '%s'", closer, closed);
	assert_int_equal(db_exec(db, sql), 0);
	free(sql);

	memset(&s, 0, sizeof s);
	assert_int_equal(summary_due(db, "2026-12-13", 10, collect, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.line[0], "2026-11-01 overdue S1 测试企业 "
	    "violation text of the rule");
	assert_string_equal(s.line[1], "2026-12-01 unknown-site GONE - "
	    "violation text of the rule");
	assert_string_equal(s.line[2], "2026-12-10 later S2 第二企业 "
	    "violation text of the rule");

	/* The limit, and the callback stopping the walk. */
	memset(&s, 0, sizeof s);
	assert_int_equal(summary_due(db, "2026-12-31", 2, collect, &s), 0);
	assert_int_equal(s.n, 2);
	memset(&s, 0, sizeof s);
	s.stop_at = 1;
	assert_int_equal(summary_due(db, "2026-12-31", 10, collect, &s), 0);
	assert_int_equal(s.n, 1);
	/* The deadline itself is due. */
	memset(&s, 0, sizeof s);
	assert_int_equal(summary_due(db, "2026-12-31", 10, collect, &s), 0);
	assert_int_equal(s.n, 4);
	assert_non_null(strstr(s.line[3], "too-late"));
}

struct grab {
	sqlite3	*db;
	char	*sql;
};

/* Keep the SQL of the statement walking the findings. */
static int
grab_sql(const struct summary_finding *f, void *arg)
{
	struct grab	*g = arg;
	sqlite3_stmt	*st = NULL;

	(void)f;
	while ((st = sqlite3_next_stmt(g->db, st)) != NULL) {
		if (sqlite3_stmt_busy(st) &&
		    strstr(sqlite3_sql(st), "findings") != NULL)
			g->sql = xstrdup(sqlite3_sql(st));
	}
	return 1;
}

static void
test_due_walks_the_open_index_in_order(void **state)
{
	struct fixture	*fx = *state;
	struct grab	 g = { fx->dd->db, NULL };
	sqlite3_stmt	*st;
	char		 plan[2048] = "", *sql;
	size_t		 len = 0;

	make(fx, "S1", "overdue", "2026-11-01", NULL);
	assert_int_equal(summary_due(fx->dd->db, "2026-12-13", 10, grab_sql,
	    &g), 0);
	assert_non_null(g.sql);
	/* Its plan: a range of findings_open, rows by key, no sort. */
	sql = xasprintf("EXPLAIN QUERY PLAN %s", g.sql);
	assert_int_equal(sqlite3_prepare_v2(fx->dd->db, sql, -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && len < sizeof plan - 2)
		len += (size_t)snprintf(plan + len, sizeof plan - len, "%s\n",
		    sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	assert_non_null(strstr(plan, "SEARCH f USING INDEX findings_open"));
	assert_null(strstr(plan, "TEMP B-TREE"));
	assert_null(strstr(plan, "SCAN"));
	free(sql);
	free(g.sql);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_waiting_is_head_minus_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_waiting_counts_only_this_device, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_waiting_refuses_a_bad_sent_seq, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_attachments_count_and_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_due_lists_open_findings_soonest_first, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_due_walks_the_open_index_in_order, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
