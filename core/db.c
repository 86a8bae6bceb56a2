#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "error.h"
#include "util.h"

/*
 * Ordered migrations: migrations[i] takes the store from version i to i+1.
 * Never edit one that has shipped; add another.
 */
static const char *const db_migrations[] = {
	/* 1: keys, settings, records and each device's chain head. */
	"CREATE TABLE settings ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);"
	"CREATE TABLE keys ("
	"  id TEXT PRIMARY KEY,"		/* minisign key id, 16 hex */
	"  pubkey TEXT NOT NULL,"		/* base64 line of the .pub */
	"  name TEXT,"
	"  badge TEXT,"
	"  added TEXT NOT NULL);"
	"CREATE TABLE records ("
	"  id TEXT PRIMARY KEY,"		/* sha256 of body */
	"  device TEXT NOT NULL,"
	"  seq INTEGER NOT NULL,"
	"  prev TEXT,"
	"  type TEXT NOT NULL,"
	"  site TEXT,"
	"  form TEXT,"
	"  created TEXT NOT NULL,"
	"  body BLOB NOT NULL,"		/* the exact signed bytes */
	"  sig TEXT NOT NULL,"		/* the minisign signature file */
	"  status TEXT NOT NULL);"
	"CREATE INDEX records_device_seq ON records(device, seq);"
	"CREATE INDEX records_site ON records(site, created);"
	"CREATE INDEX records_created ON records(created);"
	/* The head outlives its record: a deleted newest record shows, and
	 * its seq is never given to another one. */
	"CREATE TABLE chain ("
	"  device TEXT PRIMARY KEY,"
	"  seq INTEGER NOT NULL,"
	"  id TEXT NOT NULL,"
	"  created TEXT NOT NULL) WITHOUT ROWID;",

	/* 2: forms, findings, attachments, drafts, sites. */
	"ALTER TABLE records ADD COLUMN form_version INTEGER;"
	"ALTER TABLE records ADD COLUMN status_why TEXT;"
	"CREATE TABLE forms ("
	"  sha256 TEXT PRIMARY KEY,"
	"  id TEXT NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  body BLOB NOT NULL);"
	"CREATE TABLE findings ("
	"  record TEXT NOT NULL REFERENCES records(id),"
	"  rule TEXT NOT NULL,"
	"  task INTEGER,"
	"  severity TEXT NOT NULL,"
	"  deadline TEXT,"
	"  closed_by TEXT REFERENCES records(id),"
	"  PRIMARY KEY (record, rule)) WITHOUT ROWID;"
	"CREATE INDEX findings_open ON findings(closed_by, deadline);"
	"CREATE TABLE attachments ("
	"  sha256 TEXT PRIMARY KEY,"
	"  bytes INTEGER NOT NULL,"
	"  mime TEXT NOT NULL,"
	"  added TEXT NOT NULL);"
	"CREATE TABLE drafts ("
	"  id INTEGER PRIMARY KEY,"
	"  site TEXT NOT NULL,"
	"  form TEXT NOT NULL,"
	"  started TEXT NOT NULL,"
	"  updated TEXT NOT NULL,"
	"  answers TEXT NOT NULL DEFAULT '{}',"
	"  notes TEXT);"
	"CREATE TABLE sites ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  village TEXT,"
	"  kind TEXT NOT NULL,"
	"  address TEXT);"
	"CREATE INDEX sites_village ON sites(village, name);",

	/* 3: what the office knows of a site (the town's site register). */
	"ALTER TABLE sites ADD COLUMN grid_person TEXT;"
	"ALTER TABLE sites ADD COLUMN credit_code TEXT;"
	"ALTER TABLE sites ADD COLUMN industry TEXT;"
	"ALTER TABLE sites ADD COLUMN grade TEXT;"
	"ALTER TABLE sites ADD COLUMN lat REAL;"
	"ALTER TABLE sites ADD COLUMN lon REAL;"
	"CREATE INDEX sites_kind ON sites(kind, village);",

	/* 4: a draft holds all an unfinished inspection needs to resume:
	 * the question it was at, the files already taken into the store
	 * with their captions, the representative's acknowledgment, the
	 * record it follows up. */
	"ALTER TABLE drafts ADD COLUMN position TEXT;"
	"ALTER TABLE drafts ADD COLUMN attachments TEXT NOT NULL "
	"  DEFAULT '[]';"
	"ALTER TABLE drafts ADD COLUMN acknowledged TEXT;"
	"ALTER TABLE drafts ADD COLUMN follows TEXT;",

	/* 5: the roster of trust (core/roster.h): the newest entry the
	 * office signed for each device key, alone (older ones are not
	 * kept), and the status of records by it (core/trust.h).  A record
	 * inserted as "signed" takes its status from the roster when an
	 * office key is trusted or the record is another device's: the
	 * rules of trust_status(), which tests hold this trigger to. */
	"CREATE TABLE roster ("
	"  key_id TEXT PRIMARY KEY,"		/* the device key, 16 hex */
	"  issued TEXT NOT NULL,"		/* when the office signed it */
	"  body BLOB NOT NULL,"		/* the exact signed bytes */
	"  sig TEXT NOT NULL,"			/* the minisign signature */
	"  name TEXT NOT NULL,"
	"  badge TEXT NOT NULL,"
	"  pubkey TEXT NOT NULL,"		/* base64 line of the .pub */
	"  valid_from TEXT NOT NULL,"
	"  revoked_at TEXT);"
	"CREATE INDEX records_status ON records(status, device, created);"
	"CREATE TRIGGER records_trust AFTER INSERT ON records "
	"WHEN NEW.status = 'signed' AND ("
	"  EXISTS (SELECT 1 FROM settings WHERE key = 'office.pub') OR"
	"  NEW.device IS NOT (SELECT value FROM settings WHERE key = 'device')) "
	"BEGIN"
	"  UPDATE records SET (status, status_why) = ("
	"    SELECT CASE"
	"      WHEN a.pub IS NULL OR r.key_id IS NULL"
	"        OR NEW.created < r.valid_from THEN 'unknown-key'"
	"      WHEN NEW.created >= r.revoked_at THEN 'revoked'"
	"      ELSE 'verified' END,"
	"    CASE"
	"      WHEN a.pub IS NULL THEN "
	"        'no office key is trusted on this device'"
	"      WHEN r.key_id IS NULL THEN "
	"        'the key is not on the office''s roster'"
	"      WHEN NEW.created < r.valid_from THEN "
	"        'made before the key''s roster entry is valid'"
	"      WHEN NEW.created >= r.revoked_at THEN "
	"        'the key was revoked before this was made'"
	"      END"
	"    FROM (SELECT (SELECT value FROM settings"
	"      WHERE key = 'office.pub') AS pub) a"
	"    LEFT JOIN roster r ON r.key_id = NEW.device)"
	"  WHERE id = NEW.id;"
	"END;",

	/* 6: replication (sync/): the remotes, how far each branch of
	 * repo.git has been imported, and what import refused and why. */
	"CREATE TABLE remotes ("
	"  name TEXT PRIMARY KEY,"
	"  url TEXT NOT NULL,"
	"  added TEXT NOT NULL,"
	"  options TEXT NOT NULL DEFAULT '{}');"	/* JSON: credentials */
	"CREATE TABLE sync_state ("
	"  ref TEXT PRIMARY KEY,"		/* refs/heads/devices/<id> ... */
	"  oid TEXT NOT NULL,"			/* the commit imported last */
	"  updated TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE sync_log ("
	"  id INTEGER PRIMARY KEY,"
	"  time TEXT NOT NULL,"
	"  remote TEXT,"
	"  ref TEXT,"
	"  path TEXT,"
	"  kind TEXT NOT NULL,"		/* skipped-path, too-big, fork ... */
	"  why TEXT NOT NULL);",

	/* 7: what the office publishes besides the roster (core/office.h):
	 * sites.json and forms/<id>.json, each as signed, the newest of its
	 * path alone. */
	"CREATE TABLE office_docs ("
	"  path TEXT PRIMARY KEY,"
	"  body BLOB NOT NULL,"		/* the exact signed bytes */
	"  sig TEXT NOT NULL,"			/* the minisign signature */
	"  sha256 TEXT NOT NULL,"
	"  issued TEXT NOT NULL);",

	/* 8: the supervisor's figures (core/report.h) by form and month. */
	"CREATE INDEX records_form ON records(form, created);",

	/* 9: the office's assignments (core/assign.h), by inspector. */
	"CREATE TABLE assignments ("
	"  month TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  site TEXT NOT NULL,"
	"  key_id TEXT NOT NULL,"
	"  PRIMARY KEY (month, kind, site, key_id)) WITHOUT ROWID;"
	"CREATE INDEX assignments_mine ON assignments(key_id, month);",

	/* 10: a finding knows its record's site and time, and when it was
	 * closed, so that the violations open at a month's end (the
	 * production-control list) are read from an index, not from a
	 * million records. */
	"ALTER TABLE findings ADD COLUMN site TEXT;"
	"ALTER TABLE findings ADD COLUMN created TEXT;"
	"ALTER TABLE findings ADD COLUMN closed_at TEXT;"
	"UPDATE findings SET (site, created) = (SELECT r.site, r.created FROM "
	"  records r WHERE r.id = findings.record);"
	"UPDATE findings SET closed_at = (SELECT c.created FROM records c "
	"  WHERE c.id = findings.closed_by) WHERE closed_by IS NOT NULL;"
	"CREATE INDEX findings_state ON findings(severity, closed_at, site, "
	"  created, task);"
	"CREATE INDEX findings_time ON findings(created, task);"
	"CREATE INDEX findings_closed ON findings(closed_at, task);"
	"CREATE INDEX findings_rule ON findings(rule, created);",

	/* 11: the findings tallied per site, task and severity as they are
	 * stored and closed (open and closed counts), for the desk and
	 * `findings count`: no scan of every finding.  Overdue ones are the
	 * open ones past their deadline, read from findings_open. */
	"DROP INDEX IF EXISTS findings_tally;"
	"CREATE TABLE finding_tally ("
	"  site TEXT NOT NULL,"			/* '' for none */
	"  task INTEGER NOT NULL,"		/* 0 for none */
	"  severity TEXT NOT NULL,"
	"  open INTEGER NOT NULL,"
	"  closed INTEGER NOT NULL,"
	"  PRIMARY KEY (site, task, severity)) WITHOUT ROWID;"
	"INSERT INTO finding_tally SELECT coalesce(site, ''), coalesce(task, 0), "
	"  severity, sum(closed_by IS NULL), sum(closed_by IS NOT NULL) "
	"  FROM findings GROUP BY 1, 2, 3;"
	"CREATE TRIGGER finding_tally_insert AFTER INSERT ON findings BEGIN"
	"  INSERT INTO finding_tally (site, task, severity, open, closed) "
	"  VALUES (coalesce(NEW.site, ''), coalesce(NEW.task, 0), NEW.severity,"
	"    NEW.closed_by IS NULL, NEW.closed_by IS NOT NULL)"
	"  ON CONFLICT (site, task, severity) DO UPDATE SET"
	"    open = open + excluded.open, closed = closed + excluded.closed;"
	"END;"
	"CREATE TRIGGER finding_tally_close AFTER UPDATE OF closed_by ON findings "
	"WHEN OLD.closed_by IS NULL AND NEW.closed_by IS NOT NULL BEGIN"
	"  UPDATE finding_tally SET open = open - 1, closed = closed + 1"
	"  WHERE site = coalesce(NEW.site, '') AND task = coalesce(NEW.task, 0)"
	"  AND severity = NEW.severity;"
	"END;"
	/* And each device's records that hold a seq of its chain (not a
	 * fork, not refused: those statuses are given when a record is
	 * stored and never change), for the gaps of `lantian inspectors`. */
	"CREATE TABLE device_tally ("
	"  device TEXT PRIMARY KEY,"
	"  held INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO device_tally SELECT device, sum(status NOT IN ('fork', "
	"  'bad-signature', 'id-mismatch')) FROM records GROUP BY device;"
	"CREATE TRIGGER device_tally_insert AFTER INSERT ON records BEGIN"
	"  INSERT INTO device_tally (device, held) VALUES (NEW.device,"
	"    NEW.status NOT IN ('fork', 'bad-signature', 'id-mismatch'))"
	"  ON CONFLICT (device) DO UPDATE SET held = held + excluded.held;"
	"END;"
	"CREATE TRIGGER device_tally_delete AFTER DELETE ON records BEGIN"
	"  UPDATE device_tally SET held = held - (OLD.status NOT IN ('fork', "
	"    'bad-signature', 'id-mismatch')) WHERE device = OLD.device;"
	"END;",

	/* 12: the conflicts a supervisor must see, noted as records are
	 * stored (core/oversight.h); a store from before is searched whole
	 * once (setting conflicts.scanned). */
	"CREATE TABLE conflicts ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"		/* fork, clock-backwards, contradiction */
	"  record TEXT NOT NULL,"
	"  other TEXT NOT NULL DEFAULT '',"	/* the record it conflicts with */
	"  device TEXT,"
	"  seq INTEGER,"
	"  site TEXT,"
	"  day TEXT,"
	"  form TEXT,"
	"  detail TEXT,"			/* why, the time before, questions */
	"  rank INTEGER NOT NULL,"		/* 0 fork, 1 clock, 2 answers */
	"  UNIQUE (kind, record, other));"
	"CREATE INDEX conflicts_rank ON conflicts(rank, id);"
	"INSERT OR REPLACE INTO settings (key, value) SELECT "
	"  'conflicts.scanned', '1' WHERE NOT EXISTS (SELECT 1 FROM records);",

	/* 13: the office's review of each record (core/review.h): where
	 * each record stands, and each record's exchange of decisions and
	 * amendments.  The records stored before are all pending. */
	"CREATE TABLE review_state ("
	"  record TEXT PRIMARY KEY,"
	"  device TEXT,"			/* the record's, NULL until it */
	"  created TEXT,"			/* arrives after its review */
	"  state TEXT NOT NULL DEFAULT 'pending',"
	"  reviewed TEXT,"			/* the latest decision's time */
	"  text TEXT,"				/* its question or reason */
	"  amendment TEXT);"			/* answering it: back in queue */
	"CREATE INDEX review_queue ON review_state(state, created);"
	"CREATE INDEX review_mine ON review_state(device, state, reviewed);"
	"CREATE TABLE reviews ("
	"  record TEXT NOT NULL,"
	"  at TEXT NOT NULL,"			/* reviewed, or amendment created */
	"  state TEXT NOT NULL,"		/* accepted ... rejected, amended */
	"  text TEXT,"
	"  amendment TEXT,"			/* amended: the amendment's id */
	"  cites TEXT,"				/* and the return it answers */
	"  PRIMARY KEY (record, at, state));"
	"INSERT INTO review_state (record, device, created) SELECT id, device, "
	"  created FROM records WHERE type <> 'amendment' AND status NOT IN "
	"  ('bad-signature', 'id-mismatch');",
};

#define DB_VERSIONS	((int)(sizeof db_migrations / sizeof db_migrations[0]))

int
db_latest_version(void)
{
	return DB_VERSIONS;
}

/*
 * The last error's message, and for a failed read or write the system's
 * reason, without which a full disk is only "disk I/O error".
 */
static const char *
db_why(sqlite3 *db, const char *msg, char *buf, size_t size)
{
	int	code = sqlite3_errcode(db) & 0xff, ext;
	int	sys = sqlite3_system_errno(db);

	if (msg == NULL)
		msg = sqlite3_errmsg(db);
	if (code != SQLITE_IOERR && code != SQLITE_FULL &&
	    code != SQLITE_CANTOPEN)
		return msg;
	ext = sqlite3_extended_errcode(db);
	if (sys != 0)
		snprintf(buf, size, "%s (%s)", msg, strerror(sys));
	else if (ext == SQLITE_IOERR_WRITE || ext == SQLITE_IOERR_FSYNC ||
	    ext == SQLITE_IOERR_TRUNCATE || ext == SQLITE_IOERR_SHMSIZE ||
	    ext == SQLITE_IOERR_DIR_FSYNC)
		snprintf(buf, size, "%s (a write to the disk failed: is it "
		    "full?)", msg);
	else
		return msg;
	return buf;
}

int
db_error(sqlite3 *db, const char *what)
{
	char	buf[512], *msg;
	int	rc;

	msg = xasprintf("%s: %s", what, db_why(db, NULL, buf, sizeof buf));
	if ((sqlite3_errcode(db) & 0xff) == SQLITE_CORRUPT)
		db_mark_corrupt(db, msg);
	rc = error_set(LT_EDB, "%s", msg);
	free(msg);
	return rc;
}

/* The marker beside the store's file that says it is damaged. */
static char *
db_marker(sqlite3 *db)
{
	const char	*path = sqlite3_db_filename(db, "main");

	return path != NULL && *path != '\0' ? xasprintf("%s.damaged",
	    path) : NULL;
}

void
db_mark_corrupt(sqlite3 *db, const char *why)
{
	char	*marker = db_marker(db), *text;

	if (marker == NULL)
		return;
	text = xasprintf("%s\n", why);
	(void)util_write_file(marker, text, strlen(text), 0600);
	free(text);
	free(marker);
}

void
db_mark_sound(sqlite3 *db)
{
	char	*marker = db_marker(db);

	if (marker != NULL)
		(void)unlink(marker);
	free(marker);
}

int
db_check_sound(sqlite3 *db)
{
	char	*marker = db_marker(db), *text = NULL;
	size_t	 len;
	int	 rc = 0;

	/* Not a word when sound: a caller's pending message stays. */
	if (marker != NULL && access(marker, F_OK) == 0 &&
	    util_read_file(marker, 4096, &text, &len) == 0) {
		text[strcspn(text, "\n")] = '\0';
		rc = error_set(LT_EDB, "the store is damaged (%s), so nothing "
		    "more is written into it: move %s aside, make a new one "
		    "(lantian init) and sync, and the records come back from "
		    "the office and the other devices; lantian verify clears "
		    "this once the store checks sound", text,
		    sqlite3_db_filename(db, "main"));
		free(text);
	}
	free(marker);
	return rc;
}

int
db_quick_check(sqlite3 *db, char **why)
{
	sqlite3_stmt	*st;
	const char	*row;
	int		 rc, n = 0;

	*why = NULL;
	if ((rc = db_prepare(db, &st, "PRAGMA quick_check")) != 0) {
		*why = xstrdup(error_msg());
		return 1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row = (const char *)sqlite3_column_text(st, 0);
		if (row == NULL)
			row = "?";
		if (strcmp(row, "ok") == 0)
			continue;
		/* "*** in database main ***\nPage 10: ...": a heading. */
		if (strncmp(row, "*** ", 4) == 0 && strchr(row, '\n') != NULL)
			row = strchr(row, '\n') + 1;
		if (n++ == 0) {
			*why = xstrdup(row);
			(*why)[strcspn(*why, "\n")] = '\0';
		}
	}
	if (rc != SQLITE_DONE && *why == NULL) {
		*why = xstrdup(sqlite3_errmsg(db));
		n++;
	}
	sqlite3_finalize(st);
	if (n > 1) {
		char *more = xasprintf("%s (and %d more)", *why, n - 1);

		free(*why);
		*why = more;
	}
	return n > 0;
}

int
db_exec(sqlite3 *db, const char *sql)
{
	char	*err = NULL, buf[512];
	int	 rc;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		rc = error_set(LT_EDB, "database: %s", db_why(db, err, buf,
		    sizeof buf));
		sqlite3_free(err);
		return rc;
	}
	return 0;
}

int
db_prepare(sqlite3 *db, sqlite3_stmt **out, const char *sql)
{
	if (sqlite3_prepare_v2(db, sql, -1, out, NULL) != SQLITE_OK)
		return db_error(db, "database");
	return 0;
}

int
db_cached(sqlite3 *db, sqlite3_stmt **out, const char *sql)
{
	sqlite3_stmt	*st = NULL;

	/* The connection's own list of statements is the cache. */
	while ((st = sqlite3_next_stmt(db, st)) != NULL) {
		if (!sqlite3_stmt_busy(st) && strcmp(sqlite3_sql(st), sql) == 0) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			*out = st;
			return 0;
		}
	}
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, out,
	    NULL) != SQLITE_OK)
		return db_error(db, "database");
	return 0;
}

int
db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

int
db_begin(sqlite3 *db)
{
	int	rc;

	/* A damaged store takes nothing more: what it would sign is lost. */
	if ((rc = db_check_sound(db)) != 0)
		return rc;
	return db_exec(db, "BEGIN IMMEDIATE");
}

int
db_commit(sqlite3 *db)
{
	return db_exec(db, "COMMIT");
}

void
db_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int
db_version(sqlite3 *db)
{
	sqlite3_stmt	*st;
	int		 v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Apply migrations up to target, each in its own transaction. */
static int
db_migrate(sqlite3 *db, const char *path, int target)
{
	char	*sql;
	int	 v, rc;

	for (;;) {
		/* Not db_begin(): a damaged store still opens, to be read
		 * and checked. */
		if ((rc = db_exec(db, "BEGIN IMMEDIATE")) != 0)
			return rc;
		/* Read the version inside the transaction: another process
		 * may have migrated while we waited for the lock. */
		v = db_version(db);
		if (v < 0) {
			db_rollback(db);
			return db_error(db, path);
		}
		if (v > DB_VERSIONS) {
			db_rollback(db);
			return error_set(LT_EDB, "%s: schema version %d is newer "
			    "than this lantian knows (%d): upgrade lantian",
			    path, v, DB_VERSIONS);
		}
		if (v >= target) {
			db_rollback(db);
			return 0;
		}
		sql = xasprintf("%s PRAGMA user_version = %d;",
		    db_migrations[v], v + 1);
		rc = db_exec(db, sql);
		free(sql);
		if (rc != 0 || (rc = db_commit(db)) != 0) {
			db_rollback(db);
			return error_set(LT_EDB, "%s: migration to version %d "
			    "failed: %s", path, v + 1, error_msg());
		}
	}
}

int
db_open_at(sqlite3 **out, const char *path, int version)
{
	sqlite3	*db = NULL;
	int	 rc;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = error_set(LT_EDB, "%s: %s", path,
		    db != NULL ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return rc;
	}
	sqlite3_busy_timeout(db, DB_BUSY_MS);
	sqlite3_extended_result_codes(db, 1);
	if ((rc = db_exec(db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON;")) != 0 ||
	    (rc = db_migrate(db, path, version)) != 0) {
		sqlite3_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

int
db_open(sqlite3 **out, const char *path)
{
	return db_open_at(out, path, DB_VERSIONS);
}

void
db_close(sqlite3 *db)
{
	sqlite3_stmt	*st;

	while ((st = sqlite3_next_stmt(db, NULL)) != NULL)
		sqlite3_finalize(st);
	sqlite3_close(db);
}

int
db_setting_get(sqlite3 *db, const char *key, char **out)
{
	sqlite3_stmt	*st;
	int		 rc;

	*out = NULL;
	if ((rc = db_cached(db, &st,
	    "SELECT value FROM settings WHERE key = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = xstrdup((const char *)sqlite3_column_text(st, 0));
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = db_error(db, "settings");
	sqlite3_reset(st);
	return rc;
}

int
db_setting_set(sqlite3 *db, const char *key, const char *value)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_prepare(db, &st, "INSERT INTO settings (key, value) "
	    "VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2")) != 0)
		return rc;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, value);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "settings");
	sqlite3_finalize(st);
	return rc;
}
