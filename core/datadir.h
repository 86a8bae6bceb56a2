/*
 * The data directory: lantian.db, repo.git, attachments/, keys/ (0700,
 * secret key files 0600).  Chosen by --data, else $LANTIAN_HOME, else
 * $XDG_DATA_HOME/lantian, else ~/.local/share/lantian.
 *
 * Ownership: datadir_open() hands out a struct datadir the caller closes
 * with datadir_close(); its members are borrowed.
 */
#ifndef LANTIAN_DATADIR_H
#define LANTIAN_DATADIR_H

#include <sqlite3.h>

#include "key.h"

struct datadir {
	char	*path;		/* the directory */
	sqlite3	*db;		/* the store, migrated */
};

/* The data directory to use given --data (NULL if absent); caller frees. */
char *datadir_resolve(const char *opt);
/* path/rel; caller frees. */
char *datadir_file(const struct datadir *dd, const char *rel);

/*
 * Open the data directory.  With create, make it (0700) and the store;
 * without, a directory with no store is LT_ENOTFOUND ("run lantian init").
 */
int datadir_open(struct datadir **out, const char *path, int create);
void datadir_close(struct datadir *dd);

/* Does the data directory have a device key? */
int datadir_has_key(const struct datadir *dd);

/*
 * Create the device key: keys/device.pub (minisign public key) and
 * keys/device.key (sealed with the passphrase, 0600); record the key and
 * the inspector's name and badge in the store.  Refuses to overwrite a key.
 */
int datadir_init_key(struct datadir *dd, const char *name, const char *badge,
    const char *pass, size_t passlen);

/* The device's public key, from keys/device.pub. */
int datadir_device_public(const struct datadir *dd, struct key_public *out);
/*
 * Unlock the sealed secret key file rel (under the data directory) and
 * check that it is the key want; LT_EPASS on a wrong passphrase,
 * LT_ECRYPTO when it is another key.
 */
int datadir_unlock(const struct datadir *dd, const char *rel,
    const struct key_public *want, const char *pass, size_t passlen,
    struct key_secret **out);
/* Unlock the device's secret key; LT_EPASS on a wrong passphrase. */
int datadir_device_unlock(const struct datadir *dd, const char *pass,
    size_t passlen, struct key_secret **out);

/* The inspector of this device (name and badge); caller frees both. */
int datadir_inspector(const struct datadir *dd, char **name, char **badge);

/*
 * Directories searched for forms, NULL-terminated, in order:
 * $LANTIAN_FORMS_DIR, <data>/forms (published by the office), the
 * installed $(pkgdatadir)/forms, the source tree's forms/ (uninstalled
 * builds).  Static storage, rebuilt on each call.
 */
const char *const *datadir_form_dirs(const struct datadir *dd);

#endif
