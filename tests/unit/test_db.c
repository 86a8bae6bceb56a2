#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/error.h"
#include "core/util.h"
#include "testhelp.h"

static long long
db_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;
	long long	 v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
test_new_store_is_durable_and_current(void **state)
{
	char		*dir = th_tmpdir(), *path;
	sqlite3		*db;
	sqlite3_stmt	*st;

	(void)state;
	path = xasprintf("%s/lantian.db", dir);
	assert_int_equal(db_open(&db, path), 0);
	assert_int_equal(db_version(db), db_latest_version());
	assert_int_equal(db_int(db, "PRAGMA synchronous"), 2);	/* FULL */
	assert_int_equal(db_int(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	db_close(db);
	/* Opening again changes nothing. */
	assert_int_equal(db_open(&db, path), 0);
	assert_int_equal(db_version(db), db_latest_version());
	db_close(db);
	free(path);
	th_rmrf(dir);
	free(dir);
}

static void
test_old_store_is_migrated_keeping_its_records(void **state)
{
	char	*dir = th_tmpdir(), *path;
	sqlite3	*db;

	(void)state;
	path = xasprintf("%s/lantian.db", dir);
	/* A store as version 1 of lantian left it, with a record. */
	assert_int_equal(db_open_at(&db, path, 1), 0);
	assert_int_equal(db_version(db), 1);
	assert_int_equal(db_exec(db, "INSERT INTO records (id, device, seq, "
	    "type, created, body, sig, status) VALUES ('r1', 'D', 1, "
	    "'inspection', '2026-01-01T00:00:00Z', '{}', 'sig', 'signed')"), 0);
	db_close(db);

	assert_int_equal(db_open(&db, path), 0);
	assert_int_equal(db_version(db), db_latest_version());
	assert_int_equal(db_int(db, "SELECT count(*) FROM records WHERE id = "
	    "'r1' AND status = 'signed' AND status_why IS NULL"), 1);
	/* Tables of later versions are there and usable. */
	assert_int_equal(db_exec(db, "INSERT INTO findings (record, rule, "
	    "severity) VALUES ('r1', 'x', 'note')"), 0);
	/* Foreign keys hold on the migrated store. */
	assert_int_not_equal(db_exec(db, "INSERT INTO findings (record, rule, "
	    "severity) VALUES ('nope', 'x', 'note')"), 0);
	db_close(db);
	free(path);
	th_rmrf(dir);
	free(dir);
}

static void
test_newer_store_is_refused(void **state)
{
	char	*dir = th_tmpdir(), *path, *sql;
	sqlite3	*db;

	(void)state;
	path = xasprintf("%s/lantian.db", dir);
	assert_int_equal(db_open(&db, path), 0);
	sql = xasprintf("PRAGMA user_version = %d", db_latest_version() + 1);
	assert_int_equal(db_exec(db, sql), 0);
	db_close(db);
	assert_int_equal(db_open(&db, path), LT_EDB);
	assert_non_null(strstr(error_msg(), "newer"));
	free(sql);
	free(path);
	th_rmrf(dir);
	free(dir);
}

static void
test_settings_round_trip(void **state)
{
	char	*dir = th_tmpdir(), *path, *v;
	sqlite3	*db;

	(void)state;
	path = xasprintf("%s/lantian.db", dir);
	assert_int_equal(db_open(&db, path), 0);
	assert_int_equal(db_setting_get(db, "name", &v), 0);
	assert_null(v);
	assert_int_equal(db_setting_set(db, "name", "张伟"), 0);
	assert_int_equal(db_setting_set(db, "name", "张伟'; DROP TABLE x"), 0);
	assert_int_equal(db_setting_get(db, "name", &v), 0);
	assert_string_equal(v, "张伟'; DROP TABLE x");
	free(v);
	db_close(db);
	free(path);
	th_rmrf(dir);
	free(dir);
}

static void
test_rollback_leaves_nothing(void **state)
{
	char	*dir = th_tmpdir(), *path, *v;
	sqlite3	*db;

	(void)state;
	path = xasprintf("%s/lantian.db", dir);
	assert_int_equal(db_open(&db, path), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_setting_set(db, "k", "v"), 0);
	db_rollback(db);
	assert_int_equal(db_setting_get(db, "k", &v), 0);
	assert_null(v);
	db_close(db);
	free(path);
	th_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_store_is_durable_and_current),
		cmocka_unit_test(test_old_store_is_migrated_keeping_its_records),
		cmocka_unit_test(test_newer_store_is_refused),
		cmocka_unit_test(test_settings_round_trip),
		cmocka_unit_test(test_rollback_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
