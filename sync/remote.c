#include "config.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include "core/db.h"
#include "core/error.h"
#include "core/util.h"
#include "gitutil.h"
#include "remote.h"

int
remote_name_valid(const char *name)
{
	size_t	len = strlen(name);

	return len > 0 && len <= 64 && strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == len;
}

int
remote_is_path(const char *url)
{
	return strstr(url, "://") == NULL;
}

int
remote_add(sqlite3 *db, const char *name, const char *url,
    const json_t *opts)
{
	sqlite3_stmt	*st;
	char		 now[32], *o;
	int		 rc;

	if (!remote_name_valid(name))
		return error_set(LT_EINVAL, "remote %s: a name is letters, "
		    "digits, '-' and '_' (at most 64)", name);
	if (*url == '\0')
		return error_set(LT_EINVAL, "remote %s: no URL", name);
	util_rfc3339(now, sizeof now, util_now());
	if ((rc = db_prepare(db, &st, "INSERT INTO remotes (name, url, added, "
	    "options) VALUES (?1, ?2, ?3, ?4)")) != 0)
		return rc;
	o = json_dumps(opts != NULL ? opts : json_object(), JSON_COMPACT);
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, url);
	db_bind_text(st, 3, now);
	db_bind_text(st, 4, o != NULL ? o : "{}");
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	free(o);
	/* Extended result codes are on (db_open): the primary key's. */
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return error_set(LT_EEXISTS, "remote %s: already there (remove "
		    "it first)", name);
	return rc == SQLITE_DONE ? 0 : db_error(db, "remotes");
}

int
remote_remove(sqlite3 *db, const char *name)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_prepare(db, &st, "DELETE FROM remotes WHERE name = ?1"))
	    != 0)
		return rc;
	db_bind_text(st, 1, name);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "remotes");
	sqlite3_finalize(st);
	if (rc == 0 && sqlite3_changes(db) == 0)
		rc = error_set(LT_ENOTFOUND, "remote %s: no such remote", name);
	return rc;
}

static void
remote_fill(sqlite3_stmt *st, struct remote *r)
{
	const char	*o = (const char *)sqlite3_column_text(st, 2);

	r->name = xstrdup((const char *)sqlite3_column_text(st, 0));
	r->url = xstrdup((const char *)sqlite3_column_text(st, 1));
	r->opts = o != NULL ? json_loads(o, 0, NULL) : NULL;
	if (!json_is_object(r->opts)) {
		json_decref(r->opts);
		r->opts = json_object();
	}
}

int
remote_get(sqlite3 *db, const char *name, struct remote *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(out, 0, sizeof *out);
	if ((rc = db_prepare(db, &st, "SELECT name, url, options FROM remotes "
	    "WHERE name = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, name);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		remote_fill(st, out);
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = error_set(LT_ENOTFOUND, "remote %s: no such remote "
		    "(lantian remote list)", name);
	else
		rc = db_error(db, "remotes");
	sqlite3_finalize(st);
	return rc;
}

void
remote_clear(struct remote *r)
{
	free(r->name);
	free(r->url);
	json_decref(r->opts);
	memset(r, 0, sizeof *r);
}

int
remote_each(sqlite3 *db, int (*fn)(const struct remote *, void *), void *arg)
{
	struct remote	 r;
	sqlite3_stmt	*st;
	int		 rc, step;

	if ((rc = db_prepare(db, &st, "SELECT name, url, options FROM remotes "
	    "ORDER BY name")) != 0)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		remote_fill(st, &r);
		rc = fn(&r, arg);
		remote_clear(&r);
		if (rc != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = db_error(db, "remotes");
	sqlite3_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Is path a directory with something in it? */
static int
remote_nonempty(const char *path)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	}
	closedir(d);
	return n > 0;
}

/*
 * The folder a new repository goes in must be there already: a mistyped
 * /media/... path must not put the "stick" on the laptop's own disk, as
 * git_repository_init() would by making every missing directory.
 */
static int
remote_parent(const char *path)
{
	struct stat	 sb;
	char		*dir = xstrdup(path), *slash;
	size_t		 len = strlen(dir);
	int		 rc = 0;

	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		return 0;	/* in the current directory */
	}
	if (slash == dir)
		slash[1] = '\0';	/* under the root */
	else
		*slash = '\0';
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		rc = error_set(LT_ENOTFOUND, "remote add: %s: parent directory "
		    "%s does not exist (is the USB stick mounted?): nothing "
		    "created", path, dir);
	free(dir);
	return rc;
}

int
remote_create(const char *path)
{
	git_repository	*repo = NULL;
	int		 rc = 0;

	if (git_repository_open_bare(&repo, path) == 0) {
		git_repository_free(repo);
		return 0;
	}
	if ((rc = remote_parent(path)) != 0)
		return rc;
	if (remote_nonempty(path))
		return error_set(LT_EEXISTS, "%s: a folder with files in it, "
		    "not a lantian repository: choose an empty or new folder",
		    path);
	if (git_repository_init(&repo, path, 1) < 0)
		rc = gitutil_error(path);
	git_repository_free(repo);
	return rc;
}

int
remote_priority(const struct remote *r)
{
	json_t		*v = json_object_get(r->opts, "priority");
	json_int_t	 n;

	if (!json_is_integer(v))
		return REMOTE_PRIORITY_DEFAULT;
	n = json_integer_value(v);
	return n < 0 ? 0 : n > REMOTE_PRIORITY_MAX ? REMOTE_PRIORITY_MAX :
	    (int)n;
}

int
remote_records_only(const struct remote *r)
{
	return json_is_true(json_object_get(r->opts, "records_only"));
}
