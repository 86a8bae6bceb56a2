#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "datadir.h"
#include "db.h"
#include "error.h"
#include "util.h"

char *
datadir_resolve(const char *opt)
{
	const char	*env;

	if (opt != NULL && *opt != '\0')
		return xstrdup(opt);
	if ((env = getenv("LANTIAN_HOME")) != NULL && *env != '\0')
		return xstrdup(env);
	if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/')
		return xasprintf("%s/lantian", env);
	if ((env = getenv("HOME")) != NULL && *env != '\0')
		return xasprintf("%s/.local/share/lantian", env);
	return xstrdup(".lantian");
}

char *
datadir_file(const struct datadir *dd, const char *rel)
{
	return xasprintf("%s/%s", dd->path, rel);
}

int
datadir_open(struct datadir **out, const char *path, int create)
{
	struct datadir	*dd;
	char		*dbpath;
	int		 rc;

	dbpath = xasprintf("%s/lantian.db", path);
	if (!create && !util_exists(dbpath)) {
		free(dbpath);
		return error_set(LT_ENOTFOUND, "%s: no lantian data here (run "
		    "lantian init, or pass --data DIR)", path);
	}
	if (create && (rc = util_mkdir_p(path, 0700)) != 0) {
		free(dbpath);
		return rc;
	}
	dd = xcalloc(1, sizeof *dd);
	dd->path = xstrdup(path);
	if ((rc = db_open(&dd->db, dbpath)) != 0) {
		free(dbpath);
		datadir_close(dd);
		return rc;
	}
	free(dbpath);
	*out = dd;
	return 0;
}

void
datadir_close(struct datadir *dd)
{
	if (dd == NULL)
		return;
	if (dd->db != NULL)
		db_close(dd->db);
	free(dd->path);
	free(dd);
}

int
datadir_has_key(const struct datadir *dd)
{
	char	*p = datadir_file(dd, "keys/device.key");
	int	 yes = util_exists(p);

	free(p);
	return yes;
}

/* Add a public key to the store's table of known keys. */
static int
datadir_add_key(sqlite3 *db, const struct key_public *pk, const char *name,
    const char *badge)
{
	sqlite3_stmt	*st;
	char		 id[KEY_ID_HEX], now[32], *b64;
	int		 rc;

	key_id_hex(id, pk->id);
	util_rfc3339(now, sizeof now, util_now());
	if ((rc = db_prepare(db, &st, "INSERT OR REPLACE INTO keys (id, "
	    "pubkey, name, badge, added) VALUES (?1, ?2, ?3, ?4, ?5)")) != 0)
		return rc;
	b64 = key_public_base64(pk);
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, b64);
	db_bind_text(st, 3, name);
	db_bind_text(st, 4, badge);
	db_bind_text(st, 5, now);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "keys");
	sqlite3_finalize(st);
	free(b64);
	return rc;
}

int
datadir_init_key(struct datadir *dd, const char *name, const char *badge,
    const char *pass, size_t passlen)
{
	struct key_secret	*sk;
	struct key_public	 pk;
	char			*keys, *pubpath, *secpath, *pubtext = NULL;
	char			*sealed = NULL, id[KEY_ID_HEX];
	int			 rc;

	/* Every record the key signs carries them: refused now, not then. */
	if ((rc = util_text_check("--name", name)) != 0 ||
	    (rc = util_text_check("--badge", badge)) != 0)
		return rc;
	keys = datadir_file(dd, "keys");
	pubpath = datadir_file(dd, "keys/device.pub");
	secpath = datadir_file(dd, "keys/device.key");
	sk = key_generate();
	if (util_exists(secpath) || util_exists(pubpath)) {
		rc = error_set(LT_EEXISTS, "%s: a device key already exists; "
		    "lantian never overwrites a key", secpath);
		goto cleanup;
	}
	if ((rc = util_mkdir_p(keys, 0700)) != 0)
		goto cleanup;
	if (chmod(keys, 0700) != 0) {
		rc = error_set(LT_EIO, "%s: %s", keys, strerror(errno));
		goto cleanup;
	}
	key_secret_public(sk, &pk);
	if ((rc = key_secret_seal(sk, pass, passlen, &sealed)) != 0)
		goto cleanup;
	pubtext = key_public_format(&pk);

	if ((rc = db_begin(dd->db)) != 0)
		goto cleanup;
	key_id_hex(id, pk.id);
	if ((rc = datadir_add_key(dd->db, &pk, name, badge)) != 0 ||
	    (rc = db_setting_set(dd->db, "device", id)) != 0 ||
	    (rc = db_setting_set(dd->db, "name", name)) != 0 ||
	    (rc = db_setting_set(dd->db, "badge", badge)) != 0) {
		db_rollback(dd->db);
		goto cleanup;
	}
	/* Key files before the commit: a crash leaves files without the
	 * settings row (init can tell), never settings without a key. */
	if ((rc = util_write_file(secpath, sealed, strlen(sealed), 0600)) != 0 ||
	    (rc = util_write_file(pubpath, pubtext, strlen(pubtext), 0644)) != 0) {
		db_rollback(dd->db);
		goto cleanup;
	}
	rc = db_commit(dd->db);
cleanup:
	key_secret_free(sk);
	free(sealed);
	free(pubtext);
	free(keys);
	free(pubpath);
	free(secpath);
	return rc;
}

int
datadir_device_public(const struct datadir *dd, struct key_public *out)
{
	char	*path, *text;
	size_t	 len;
	int	 rc;

	path = datadir_file(dd, "keys/device.pub");
	rc = util_read_file(path, 4096, &text, &len);
	if (rc == LT_ENOTFOUND)
		rc = error_set(LT_ENOTFOUND, "%s: no device key (run lantian "
		    "init)", path);
	free(path);
	if (rc != 0)
		return rc;
	rc = key_public_parse(text, len, out);
	free(text);
	return rc;
}

int
datadir_unlock(const struct datadir *dd, const char *rel,
    const struct key_public *want, const char *pass, size_t passlen,
    struct key_secret **out)
{
	struct key_public	 check;
	struct key_secret	*sk;
	char			*path, *text, id[KEY_ID_HEX];
	size_t			 len;
	int			 rc;

	path = datadir_file(dd, rel);
	rc = util_read_file(path, 4096, &text, &len);
	free(path);
	if (rc != 0)
		return rc;
	rc = key_secret_open(text, len, pass, passlen, &sk);
	sodium_memzero(text, len);
	free(text);
	if (rc == LT_EPASS) {
		/* Say which key: a supervisor holds two. */
		key_id_hex(id, want->id);
		return error_set(rc, "%s key %s: wrong passphrase",
		    strcmp(rel, "keys/office.key") == 0 ? "office" :
		    strcmp(rel, "keys/device.key") == 0 ? "device" : rel, id);
	}
	if (rc != 0)
		return rc;
	key_secret_public(sk, &check);
	if (memcmp(&check, want, sizeof check) != 0) {
		key_secret_free(sk);
		return error_set(LT_ECRYPTO, "%s does not match the public "
		    "key this store expects", rel);
	}
	*out = sk;
	return 0;
}

int
datadir_device_unlock(const struct datadir *dd, const char *pass,
    size_t passlen, struct key_secret **out)
{
	struct key_public	pk;
	int			rc;

	if ((rc = datadir_device_public(dd, &pk)) != 0)
		return rc;
	return datadir_unlock(dd, "keys/device.key", &pk, pass, passlen, out);
}

int
datadir_inspector(const struct datadir *dd, char **name, char **badge)
{
	int	rc;

	*name = *badge = NULL;
	if ((rc = db_setting_get(dd->db, "name", name)) != 0 ||
	    (rc = db_setting_get(dd->db, "badge", badge)) != 0)
		goto fail;
	if (*name == NULL || *badge == NULL) {
		rc = error_set(LT_ENOTFOUND, "%s: no inspector on this device "
		    "(run lantian init)", dd->path);
		goto fail;
	}
	return 0;
fail:
	free(*name);
	free(*badge);
	*name = *badge = NULL;
	return rc;
}

const char *const *
datadir_form_dirs(const struct datadir *dd)
{
	static char		*own;
	static const char	*dirs[5];
	const char		*env;
	int			 n = 0;

	free(own);
	own = NULL;
	if ((env = getenv("LANTIAN_FORMS_DIR")) != NULL && *env != '\0')
		dirs[n++] = env;
	if (dd != NULL) {
		own = datadir_file(dd, "forms");
		dirs[n++] = own;
	}
	dirs[n++] = PKGDATADIR "/forms";
	if (util_uninstalled())
		dirs[n++] = SRCDIR "/forms";
	dirs[n] = NULL;
	return dirs;
}
