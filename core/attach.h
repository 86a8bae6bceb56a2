/*
 * Attachments (photos, scans) in the content-addressed store:
 * <data>/attachments/<first two hex digits>/<sha256>.
 */
#ifndef LANTIAN_ATTACH_H
#define LANTIAN_ATTACH_H

#include <stdint.h>

#include <sqlite3.h>

#define ATTACH_MAX	(64 * 1024 * 1024)

struct attach_info {
	char		 sha256[65];	/* hex of the content */
	int64_t		 bytes;		/* size */
	char		 mime[48];	/* from the content's magic bytes */
	char		*name;		/* file name it came with (caller frees) */
	int		 fresh;		/* the store did not have it before */
};

/*
 * Copy a file into the store of datadir (hashing as it copies; a file
 * already there is kept) and describe it.  Safe against a crash: the copy
 * is written to a temporary name, synced and renamed.  An empty file, or
 * one whose content is not an image, video, sound recording or PDF (by
 * its magic bytes: attach_kind), is refused (LT_EINVAL) and not stored.
 */
int attach_add(const char *datadir, const char *path, struct attach_info *out);
/*
 * Take back a fresh attachment whose record was not made, unless a stored
 * record names it.
 */
void attach_forget(sqlite3 *db, const char *datadir,
    const struct attach_info *a);
/* Record the attachment in the store's table (inside a transaction). */
int attach_register(sqlite3 *db, const struct attach_info *a);
/* The path of an attachment in the store; caller frees. */
char *attach_path(const char *datadir, const char *sha256);
/*
 * The MIME type of content starting with these bytes (its magic bytes;
 * the name is not trusted), "application/octet-stream" when unknown.
 */
const char *attach_mime(const unsigned char *head, size_t len,
    const char *name);
/* "JPEG image" for image/jpeg, in English; NULL for a type not taken. */
const char *attach_kind(const char *mime);
/* Is it a photo, a video or a sound recording? */
int attach_is_media(const char *mime);

/*
 * The attachment whose SHA-256 is sha or starts with it (hex, any case):
 * registered, or in the store, or (a whole hash) cited though not here.
 * LT_ENOTFOUND when none, LT_EINVAL when the prefix names more than one.
 */
int attach_resolve(sqlite3 *db, const char *datadir, const char *prefix,
    char sha[65]);

/* What the device knows of one attachment (attach_lookup). */
struct attach_stored {
	char		 sha256[65];
	int64_t		 bytes;		/* -1: not known here */
	char		 mime[48];	/* "" when not known */
	char		 added[32];	/* when registered, or "" */
	int		 registered;	/* in the attachments table */
	char		*stored;	/* the store's file, or NULL */
};
int attach_lookup(sqlite3 *db, const char *datadir, const char *sha,
    struct attach_stored *out);
void attach_stored_clear(struct attach_stored *a);

/* A record citing an attachment (borrowed for the callback). */
struct attach_cite {
	const char	*id;
	const char	*type;
	const char	*site;		/* or NULL */
	const char	*created;
	const char	*name;		/* the name the record gives it */
	const char	*caption;	/* or NULL */
};
/*
 * Call fn for each stored record whose attachments name sha, oldest
 * first; fn returning non-zero stops.  There is no index of attachments
 * by record: with site NULL it reads every record's bytes (for the
 * command line); with a site, only that site's records (by its index:
 * for a screen).
 */
int attach_cited(sqlite3 *db, const char *sha, const char *site,
    int (*fn)(const struct attach_cite *, void *), void *arg);
/*
 * Copy the stored attachment sha to the new file out, checking its hash
 * as it copies; an existing out is never replaced.
 */
int attach_extract(const char *datadir, const char *sha, const char *out);

#endif
