/*
 * Between the parts of core/bundle.h: what an export gathered, for
 * report.html (core/bundle_html.c), and the tar files (core/bundle_tar.c).
 */
#ifndef LANTIAN_BUNDLE_PRIV_H
#define LANTIAN_BUNDLE_PRIV_H

#include <stddef.h>

#include <jansson.h>

#include "bundle.h"
#include "form.h"
#include "key.h"
#include "record.h"

/* One record of the bag, as the exporter's store knows it. */
struct bundle_rec {
	struct record	 r;		/* bytes, signature, status */
	char		*why;		/* why it is not verified, or NULL */
	int		 verified;
	struct form	*form;		/* the cited form, or NULL */
	char		*site_name;	/* from the register, or NULL */
	char		*village;
	char		*signer;	/* "name (badge)" from the roster, or
					   NULL when not on it */
	json_t		*review;	/* {state, reviewed, text, steps:
					   [{at, state, text}]}, or NULL */
};

/* An attachment of the bag: data/attachments/<sha256>.<ext>. */
struct bundle_att {
	char	 sha256[65];
	char	*file;		/* relative to data/ */
	char	*mime;
};

struct bundle_doc {
	const struct bundle_sel	*sel;
	struct bundle_rec	*recs;
	size_t			 nrecs;
	struct bundle_att	*atts;
	size_t			 natts;
	char			 exporter[KEY_ID_HEX];
	char			*exporter_who;	/* "name (badge)", or NULL */
	char			*exporter_pub;	/* its roster entry's key */
	char			 office[KEY_ID_HEX];
	char			*office_pub;	/* the office key's base64 line */
	char			 bagged[32];	/* UTC, RFC 3339 */
};

/* data/report.html of the bag; *len bytes, caller frees. */
char *bundle_html(const struct bundle_doc *d, size_t *len);

/* The attachment of the doc with this hash, or NULL. */
const struct bundle_att *bundle_att_find(const struct bundle_doc *d,
    const char *sha256);

/*
 * A serialized bag: the directory dir written as the tar file path, its
 * entries under name (the bag's directory name; a bag built in a
 * temporary directory is named as the one it becomes).  LT_EIO on
 * failure (the file is removed).
 */
int bundle_tar_write(const char *dir, const char *name, const char *path);
/*
 * Unpack a serialized bag into the new directory into (regular files and
 * directories only, every name checked): *bag gets the bag's directory
 * in it (caller frees).  LT_EINVAL names what was refused.
 */
int bundle_tar_read(const char *path, const char *into, char **bag);

/* Remove a directory tree the bundle code made (no link is followed). */
void bundle_rmtree(const char *path);

#endif
