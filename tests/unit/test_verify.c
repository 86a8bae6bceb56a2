#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/datadir.h"
#include "core/db.h"
#include "core/error.h"
#include "core/record.h"
#include "core/util.h"
#include "core/verify.h"
#include "testhelp.h"

struct seen {
	int	n;
	char	kinds[16][24];
	char	ids[16][65];
};

static void
collect(const struct verify_problem *p, void *arg)
{
	struct seen	*s = arg;

	if (s->n < 16) {
		snprintf(s->kinds[s->n], sizeof s->kinds[0], "%s", p->kind);
		snprintf(s->ids[s->n], sizeof s->ids[0], "%s", p->id);
	}
	s->n++;
}

static void
make(struct datadir *dd, struct key_secret *sk, struct record *r)
{
	json_t	*fields;

	fields = json_pack("{s:{s:s, s:s}}", "inspector", "name", "测试员",
	    "badge", "T-001");
	assert_int_equal(db_begin(dd->db), 0);
	assert_int_equal(record_create(dd->db, sk, "site", fields, r), 0);
	assert_int_equal(db_commit(dd->db), 0);
	json_decref(fields);
}

/* Run one SQL statement with two bound texts. */
static void
exec2(struct datadir *dd, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt	*st;

	assert_int_equal(db_prepare(dd->db, &st, sql), 0);
	db_bind_text(st, 1, a);
	db_bind_text(st, 2, b);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

struct fixture {
	char			*tmp;
	struct datadir		*dd;
	struct key_secret	*sk;
	struct record		 r[3];
};

static int
setup(void **state)
{
	struct fixture	*fx = xcalloc(1, sizeof *fx);
	int		 i;

	th_store(&fx->tmp, &fx->dd, &fx->sk);
	for (i = 0; i < 3; i++)
		make(fx->dd, fx->sk, &fx->r[i]);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;
	int		 i;

	for (i = 0; i < 3; i++)
		record_clear(&fx->r[i]);
	th_store_free(fx->tmp, fx->dd, fx->sk);
	free(fx);
	return 0;
}

static struct seen
check(struct fixture *fx, const char *const *ids, size_t n, int threads)
{
	struct verify_stats	st;
	struct seen		s;

	memset(&s, 0, sizeof s);
	assert_int_equal(verify_store(fx->dd->db, ids, n, threads, collect, &s,
	    &st), 0);
	assert_int_equal(st.problems, s.n);
	return s;
}

static void
test_clean_store_verifies(void **state)
{
	struct fixture	*fx = *state;
	struct seen	 s;

	s = check(fx, NULL, 0, 1);
	assert_int_equal(s.n, 0);
	s = check(fx, NULL, 0, 4);
	assert_int_equal(s.n, 0);
}

static void
test_altered_bytes_show_as_id_mismatch(void **state)
{
	struct fixture	*fx = *state;
	struct seen	 s;
	char		*body;

	body = xstrdup(fx->r[1].body);
	body[strlen(body) - 2] = ' ';		/* the closing brace */
	exec2(fx->dd, "UPDATE records SET body = CAST(?1 AS BLOB) WHERE "
	    "id = ?2", body, fx->r[1].id);
	s = check(fx, NULL, 0, 2);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.kinds[0], "id-mismatch");
	assert_string_equal(s.ids[0], fx->r[1].id);
	free(body);
}

static void
test_missing_record_shows_as_gap(void **state)
{
	struct fixture	*fx = *state;
	struct seen	 s;

	exec2(fx->dd, "DELETE FROM records WHERE id = ?1 OR id = ?2",
	    fx->r[1].id, "none");
	s = check(fx, NULL, 0, 2);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.kinds[0], "chain-gap");
	assert_string_equal(s.ids[0], fx->r[2].id);
}

static void
test_missing_newest_record_shows_as_gap(void **state)
{
	struct fixture	*fx = *state;
	struct seen	 s;

	exec2(fx->dd, "DELETE FROM records WHERE id = ?1 OR id = ?2",
	    fx->r[2].id, NULL);
	s = check(fx, NULL, 0, 2);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.kinds[0], "chain-gap");
	/* The head's record is named: it is the one that is missing. */
	assert_string_equal(s.ids[0], fx->r[2].id);
}

static void
test_foreign_signature_shows_as_bad_signature(void **state)
{
	struct fixture	*fx = *state;
	struct seen	 s;

	exec2(fx->dd, "UPDATE records SET sig = (SELECT sig FROM records "
	    "WHERE id = ?1) WHERE id = ?2", fx->r[0].id, fx->r[1].id);
	s = check(fx, NULL, 0, 2);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.kinds[0], "bad-signature");
	assert_string_equal(s.ids[0], fx->r[1].id);
}

static void
test_unknown_key_is_reported(void **state)
{
	struct fixture	*fx = *state;
	struct seen	 s;

	assert_int_equal(db_exec(fx->dd->db, "DELETE FROM keys"), 0);
	s = check(fx, NULL, 0, 2);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.kinds[0], "unknown-key");
}

static void
test_equivocation_shows_as_fork(void **state)
{
	struct fixture	*fx = *state;
	struct record	 other;
	struct seen	 s;
	char		 later[32];

	/* Rewind the head, sign another seq 3, put the first one back. */
	exec2(fx->dd, "DELETE FROM records WHERE id = ?1 OR id = ?2",
	    fx->r[2].id, NULL);
	exec2(fx->dd, "UPDATE chain SET seq = 2, id = ?1 WHERE ?2 IS NULL",
	    fx->r[1].id, NULL);
	/* A second later: other bytes, and no clock problem of its own. */
	util_rfc3339(later, sizeof later, time(NULL) + 1);
	setenv("LANTIAN_NOW", later, 1);
	make(fx->dd, fx->sk, &other);
	unsetenv("LANTIAN_NOW");
	assert_int_equal(other.seq, 3);
	assert_int_equal(db_begin(fx->dd->db), 0);
	assert_int_equal(record_store(fx->dd->db, &fx->r[2], RECORD_SIGNED,
	    NULL), 0);
	assert_int_equal(db_commit(fx->dd->db), 0);
	s = check(fx, NULL, 0, 2);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.kinds[0], "fork");
	record_clear(&other);
}

static void
test_clock_ahead_is_flagged(void **state)
{
	struct fixture	*fx = *state;
	struct record	 ahead;
	struct seen	 s;
	char		 when[32];

	/* Two days ahead of this machine's clock: a clock set forward. */
	util_rfc3339(when, sizeof when, time(NULL) + 2 * 86400);
	setenv("LANTIAN_NOW", when, 1);
	make(fx->dd, fx->sk, &ahead);
	unsetenv("LANTIAN_NOW");
	s = check(fx, NULL, 0, 2);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.kinds[0], "clock-ahead");
	assert_string_equal(s.ids[0], ahead.id);
	record_clear(&ahead);
}

static void
test_clock_going_backwards_is_flagged(void **state)
{
	struct fixture	*fx = *state;
	struct record	 late;
	struct seen	 s;

	setenv("LANTIAN_NOW", "2001-01-01T00:00:00Z", 1);
	make(fx->dd, fx->sk, &late);
	unsetenv("LANTIAN_NOW");
	s = check(fx, NULL, 0, 2);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.kinds[0], "clock-backwards");
	assert_string_equal(s.ids[0], late.id);
	record_clear(&late);
}

static void
test_named_records_only(void **state)
{
	struct fixture	*fx = *state;
	struct seen	 s;
	const char	*ids[1];
	char		 prefix[13];

	exec2(fx->dd, "UPDATE records SET sig = (SELECT sig FROM records "
	    "WHERE id = ?1) WHERE id = ?2", fx->r[0].id, fx->r[2].id);
	memcpy(prefix, fx->r[1].id, 12);
	prefix[12] = '\0';
	ids[0] = prefix;
	s = check(fx, ids, 1, 2);
	assert_int_equal(s.n, 0);
	ids[0] = fx->r[2].id;
	s = check(fx, ids, 1, 2);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.kinds[0], "bad-signature");
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_clean_store_verifies),
		T(test_altered_bytes_show_as_id_mismatch),
		T(test_missing_record_shows_as_gap),
		T(test_missing_newest_record_shows_as_gap),
		T(test_foreign_signature_shows_as_bad_signature),
		T(test_unknown_key_is_reported),
		T(test_equivocation_shows_as_fork),
		T(test_clock_ahead_is_flagged),
		T(test_clock_going_backwards_is_flagged),
		T(test_named_records_only),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
