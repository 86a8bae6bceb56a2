/*
 * The SQLite store: WAL, synchronous=FULL, foreign keys, a busy timeout,
 * and ordered migrations recorded in PRAGMA user_version.  Every statement
 * binds its values.
 */
#ifndef LANTIAN_DB_H
#define LANTIAN_DB_H

#include <sqlite3.h>

/* How long a writer waits for another process's transaction (ms). */
#define DB_BUSY_MS	30000

/* Open (creating) the store at path and migrate it to the latest schema. */
int db_open(sqlite3 **out, const char *path);
/* Open without migrating past version (tests of migration use it). */
int db_open_at(sqlite3 **out, const char *path, int version);
void db_close(sqlite3 *db);

/* The schema version this build writes. */
int db_latest_version(void);
/* The store's schema version. */
int db_version(sqlite3 *db);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK; errors are LT_EDB. */
int db_begin(sqlite3 *db);
int db_commit(sqlite3 *db);
void db_rollback(sqlite3 *db);

/* Run SQL without values (schema, pragmas). */
int db_exec(sqlite3 *db, const char *sql);
/* Prepare a statement; LT_EDB naming the SQL on failure. */
int db_prepare(sqlite3 *db, sqlite3_stmt **out, const char *sql);
/*
 * A statement for a hot path, prepared once per connection and kept until
 * db_close(): the caller resets it (sqlite3_reset) when done, never
 * finalizes it.  Bindings are cleared on each fetch.
 */
int db_cached(sqlite3 *db, sqlite3_stmt **out, const char *sql);
/* Record the connection's last error as LT_EDB with what. */
int db_error(sqlite3 *db, const char *what);
/*
 * A damaged store (SQLite said SQLITE_CORRUPT, or PRAGMA quick_check
 * failed) is marked so by a file beside it, <db>.damaged, holding why;
 * db_begin() then refuses every write transaction with what to do, until
 * a clean quick_check (lantian verify) clears the mark.
 */
void db_mark_corrupt(sqlite3 *db, const char *why);
void db_mark_sound(sqlite3 *db);
/* 0, or LT_EDB saying the store is damaged and what to do. */
int db_check_sound(sqlite3 *db);
/* PRAGMA quick_check: 1 and *why (to free) when it finds damage. */
int db_quick_check(sqlite3 *db, char **why);

/* Bind a NUL-terminated text (NULL binds NULL). */
int db_bind_text(sqlite3_stmt *st, int i, const char *s);

/* Settings (key, value) of the store; *out is the caller's, NULL if unset. */
int db_setting_get(sqlite3 *db, const char *key, char **out);
int db_setting_set(sqlite3 *db, const char *key, const char *value);

#endif
