#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "attach.h"
#include "db.h"
#include "error.h"
#include "util.h"

char *
attach_path(const char *datadir, const char *sha256)
{
	return xasprintf("%s/attachments/%.2s/%s", datadir, sha256, sha256);
}

/* An ISO base media file (MP4, MOV, HEIF, M4A): its major brand. */
static const char *
attach_ftyp(const unsigned char *h, size_t len)
{
	static const struct {
		const char	*brand;
		const char	*mime;
	} brands[] = {
		{ "heic", "image/heic" }, { "heix", "image/heic" },
		{ "heim", "image/heic" }, { "heis", "image/heic" },
		{ "hevc", "image/heic" }, { "hevx", "image/heic" },
		{ "mif1", "image/heif" }, { "msf1", "image/heif" },
		{ "avif", "image/avif" },
		{ "M4A ", "audio/mp4" }, { "M4B ", "audio/mp4" },
		{ "qt  ", "video/quicktime" },
		{ "3gp4", "video/3gpp" }, { "3gp5", "video/3gpp" },
		{ "3gp6", "video/3gpp" }, { "3g2a", "video/3gpp2" },
	};
	size_t	i;

	if (len < 12 || memcmp(h + 4, "ftyp", 4) != 0)
		return NULL;
	for (i = 0; i < sizeof brands / sizeof brands[0]; i++) {
		if (memcmp(h + 8, brands[i].brand, 4) == 0)
			return brands[i].mime;
	}
	return "video/mp4";
}

const char *
attach_mime(const unsigned char *h, size_t len, const char *name)
{
	const char	*m;

	(void)name;	/* the content says what a file is, not its name */
	if (len >= 3 && h[0] == 0xff && h[1] == 0xd8 && h[2] == 0xff)
		return "image/jpeg";
	if (len >= 8 && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (len >= 6 && (memcmp(h, "GIF87a", 6) == 0 ||
	    memcmp(h, "GIF89a", 6) == 0))
		return "image/gif";
	if (len >= 12 && memcmp(h, "RIFF", 4) == 0 &&
	    memcmp(h + 8, "WEBP", 4) == 0)
		return "image/webp";
	if (len >= 12 && memcmp(h, "RIFF", 4) == 0 &&
	    memcmp(h + 8, "WAVE", 4) == 0)
		return "audio/wav";
	if (len >= 4 && (memcmp(h, "II*\0", 4) == 0 ||
	    memcmp(h, "MM\0*", 4) == 0))
		return "image/tiff";
	if (len >= 5 && memcmp(h, "%PDF-", 5) == 0)
		return "application/pdf";
	if ((m = attach_ftyp(h, len)) != NULL)
		return m;
	if (len >= 5 && memcmp(h, "#!AMR", 5) == 0)
		return "audio/amr";
	if (len >= 3 && memcmp(h, "ID3", 3) == 0)
		return "audio/mpeg";
	/* ADTS AAC (layer bits 00) before an MPEG audio frame (layer 1-3). */
	if (len >= 2 && h[0] == 0xff && (h[1] & 0xf6) == 0xf0)
		return "audio/aac";
	if (len >= 2 && h[0] == 0xff && (h[1] & 0xe0) == 0xe0 &&
	    (h[1] & 0x06) != 0)
		return "audio/mpeg";
	return "application/octet-stream";
}

/* What a person calls each type taken (tui/words.c has them translated). */
static const struct {
	const char	*mime;
	const char	*what;
} attach_kinds[] = {
	{ "image/jpeg", "JPEG image" },
	{ "image/png", "PNG image" },
	{ "image/gif", "GIF image" },
	{ "image/webp", "WebP image" },
	{ "image/tiff", "TIFF image" },
	{ "image/heic", "HEIC image" },
	{ "image/heif", "HEIF image" },
	{ "image/avif", "AVIF image" },
	{ "video/mp4", "MP4 video" },
	{ "video/quicktime", "QuickTime video" },
	{ "video/3gpp", "3GP video" },
	{ "video/3gpp2", "3GP video" },
	{ "audio/mp4", "M4A audio" },
	{ "audio/aac", "AAC audio" },
	{ "audio/amr", "AMR audio" },
	{ "audio/wav", "WAV audio" },
	{ "audio/mpeg", "MP3 audio" },
	{ "application/pdf", "PDF document" },
};

const char *
attach_kind(const char *mime)
{
	size_t	i;

	for (i = 0; mime != NULL &&
	    i < sizeof attach_kinds / sizeof attach_kinds[0]; i++) {
		if (strcmp(mime, attach_kinds[i].mime) == 0)
			return attach_kinds[i].what;
	}
	return NULL;
}

int
attach_is_media(const char *mime)
{
	return mime != NULL && (strncmp(mime, "image/", 6) == 0 ||
	    strncmp(mime, "video/", 6) == 0 ||
	    strncmp(mime, "audio/", 6) == 0);
}

/* Remove a copy a process killed half-way through one left in the
 * store (.incoming.<pid>), so that crashes do not fill the disk. */
static void
attach_unlink(const char *path)
{
	unlink(path);
}

int
attach_add(const char *datadir, const char *path, struct attach_info *out)
{
	crypto_hash_sha256_state	 h;
	unsigned char			 digest[crypto_hash_sha256_BYTES];
	unsigned char			 buf[65536], head[16];
	const char			*base;
	char				*dir = NULL, *tmp = NULL, *final = NULL;
	size_t				 headlen = 0;
	ssize_t				 n, w;
	int				 in = -1, outfd = -1, rc = 0;
	struct stat			 st;

	memset(out, 0, sizeof *out);
	if ((in = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return error_set(LT_ENOTFOUND, "%s: %s", path, strerror(errno));
	if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = error_set(LT_EINVAL, "%s: not a regular file", path);
		goto cleanup;
	}
	if (st.st_size > ATTACH_MAX) {
		rc = error_set(LT_ETOOBIG, "%s: larger than %d MiB", path,
		    ATTACH_MAX / (1024 * 1024));
		goto cleanup;
	}
	/* What it is, by its content, before anything is copied. */
	while ((n = pread(in, head, sizeof head, 0)) < 0 && errno == EINTR)
		;
	if (n < 0) {
		rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (n == 0) {
		rc = error_set(LT_EINVAL, "%s: an empty file (0 bytes), not a "
		    "photo", path);
		goto cleanup;
	}
	if (attach_kind(attach_mime(head, (size_t)n, path)) == NULL) {
		rc = error_set(LT_EINVAL, "%s: not a photo, video, sound "
		    "recording or PDF (its content is none of JPEG, PNG, HEIC, "
		    "WebP, GIF, TIFF, MP4/MOV, M4A/AAC, AMR, WAV, MP3, PDF)",
		    path);
		goto cleanup;
	}
	dir = xasprintf("%s/attachments", datadir);
	if ((rc = util_mkdir_p(dir, 0700)) != 0)
		goto cleanup;
	util_remove_orphans(dir, ".incoming.", attach_unlink);
	tmp = xasprintf("%s/.incoming.%ld", dir, (long)getpid());
	if ((outfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0) {
		rc = error_set(LT_EIO, "%s: %s", tmp, strerror(errno));
		goto cleanup;
	}
	crypto_hash_sha256_init(&h);
	for (;;) {
		if ((n = read(in, buf, sizeof buf)) < 0) {
			if (errno == EINTR)
				continue;
			rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
			goto cleanup;
		}
		if (n == 0)
			break;
		if (out->bytes + n > ATTACH_MAX) {
			rc = error_set(LT_ETOOBIG, "%s: larger than %d MiB",
			    path, ATTACH_MAX / (1024 * 1024));
			goto cleanup;
		}
		if (headlen < sizeof head) {
			size_t take = sizeof head - headlen;
			if (take > (size_t)n)
				take = (size_t)n;
			memcpy(head + headlen, buf, take);
			headlen += take;
		}
		crypto_hash_sha256_update(&h, buf, (unsigned long long)n);
		out->bytes += n;
		for (ssize_t off = 0; off < n; off += w) {
			if ((w = write(outfd, buf + off, (size_t)(n - off))) < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				rc = error_set(LT_EIO, "%s: copying it into "
				    "the store: %s", path, strerror(errno));
				goto cleanup;
			}
		}
	}
	if (fsync(outfd) != 0) {
		rc = error_set(LT_EIO, "%s: copying it into the store: %s",
		    path, strerror(errno));
		goto cleanup;
	}
	close(outfd);
	outfd = -1;
	crypto_hash_sha256_final(&h, digest);
	util_hex(out->sha256, digest, sizeof digest);

	final = attach_path(datadir, out->sha256);
	*strrchr(final, '/') = '\0';
	if ((rc = util_mkdir_p(final, 0700)) != 0)
		goto cleanup;
	final[strlen(final)] = '/';
	out->fresh = !util_exists(final);
	if (rename(tmp, final) != 0) {
		rc = error_set(LT_EIO, "%s: %s", final, strerror(errno));
		goto cleanup;
	}
	base = strrchr(path, '/');
	out->name = xstrdup(base != NULL ? base + 1 : path);
	snprintf(out->mime, sizeof out->mime, "%s",
	    attach_mime(head, headlen, out->name));
cleanup:
	if (in >= 0)
		close(in);
	if (outfd >= 0)
		close(outfd);
	if (tmp != NULL && rc != 0)
		unlink(tmp);
	free(tmp);
	free(dir);
	free(final);
	return rc;
}

void
attach_forget(sqlite3 *db, const char *datadir, const struct attach_info *a)
{
	sqlite3_stmt	*st;
	char		*path;
	int		 named = 1;

	if (!a->fresh)
		return;
	/* Under the write lock: a record that names the file and committed
	 * keeps it; one still to commit checks the file is there (in its
	 * own transaction) and copies it again if not. */
	if (db_begin(db) != 0)
		return;
	if (db_prepare(db, &st, "SELECT 1 FROM attachments WHERE sha256 = "
	    "?1") == 0) {
		db_bind_text(st, 1, a->sha256);
		named = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	if (!named) {
		path = attach_path(datadir, a->sha256);
		unlink(path);
		free(path);
	}
	db_rollback(db);
}

int
attach_register(sqlite3 *db, const struct attach_info *a)
{
	sqlite3_stmt	*st;
	char		 now[32];
	int		 rc;

	util_rfc3339(now, sizeof now, util_now());
	if ((rc = db_prepare(db, &st, "INSERT OR IGNORE INTO attachments "
	    "(sha256, bytes, mime, added) VALUES (?1, ?2, ?3, ?4)")) != 0)
		return rc;
	db_bind_text(st, 1, a->sha256);
	sqlite3_bind_int64(st, 2, a->bytes);
	db_bind_text(st, 3, a->mime);
	db_bind_text(st, 4, now);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "attachments");
	sqlite3_finalize(st);
	return rc;
}

int
attach_resolve(sqlite3 *db, const char *datadir, const char *prefix,
    char sha[65])
{
	sqlite3_stmt	*st;
	struct dirent	*de;
	DIR		*d;
	char		 lo[65], hi[66], *dir;
	size_t		 i, n = strlen(prefix);
	int		 found = 0, rc, step;

	for (i = 0; i < n && i < 64; i++)
		lo[i] = (char)(prefix[i] >= 'A' && prefix[i] <= 'F' ?
		    prefix[i] - 'A' + 'a' : prefix[i]);
	lo[i] = '\0';
	if (n == 0 || n > 64 || !util_is_hex(lo, n))
		return error_set(LT_EINVAL, "attachment %s: not a SHA-256 or "
		    "a prefix of one (hex digits)", prefix);
	snprintf(hi, sizeof hi, "%sg", lo);
	if ((rc = db_prepare(db, &st, "SELECT sha256 FROM attachments WHERE "
	    "sha256 >= ?1 AND sha256 < ?2 ORDER BY sha256 LIMIT 2")) != 0)
		return rc;
	db_bind_text(st, 1, lo);
	db_bind_text(st, 2, hi);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (found++ == 0)
			snprintf(sha, 65, "%s", sqlite3_column_text(st, 0));
	}
	rc = step == SQLITE_DONE ? 0 : db_error(db, "attachments");
	sqlite3_finalize(st);
	if (rc != 0)
		return rc;
	/* A file a draft took is in the store before any record names it. */
	if (found == 0 && n >= 2) {
		dir = xasprintf("%s/attachments/%.2s", datadir, lo);
		if ((d = opendir(dir)) != NULL) {
			while ((de = readdir(d)) != NULL) {
				if (strlen(de->d_name) != 64 ||
				    !util_is_hex(de->d_name, 64) ||
				    strncmp(de->d_name, lo, n) != 0)
					continue;
				if (found++ == 0)
					snprintf(sha, 65, "%s", de->d_name);
			}
			closedir(d);
		}
		free(dir);
	}
	if (found == 0 && n == 64) {
		/* Cited by a record, perhaps, though not here. */
		memcpy(sha, lo, 65);
		return 0;
	}
	if (found == 0)
		return error_set(LT_ENOTFOUND, "attachment %s: no such "
		    "attachment on this device", prefix);
	if (found > 1)
		return error_set(LT_EINVAL, "attachment %s: more than one "
		    "attachment starts so: give more digits", prefix);
	return 0;
}

int
attach_lookup(sqlite3 *db, const char *datadir, const char *sha,
    struct attach_stored *out)
{
	sqlite3_stmt	*st;
	unsigned char	 head[16];
	char		*path;
	ssize_t		 n;
	struct stat	 sb;
	int		 rc, fd;

	memset(out, 0, sizeof *out);
	snprintf(out->sha256, sizeof out->sha256, "%s", sha);
	out->bytes = -1;
	if ((rc = db_prepare(db, &st, "SELECT bytes, mime, added FROM "
	    "attachments WHERE sha256 = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, sha);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		out->registered = 1;
		out->bytes = sqlite3_column_int64(st, 0);
		snprintf(out->mime, sizeof out->mime, "%s",
		    (const char *)sqlite3_column_text(st, 1));
		snprintf(out->added, sizeof out->added, "%s",
		    (const char *)sqlite3_column_text(st, 2));
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = db_error(db, "attachments");
	}
	sqlite3_finalize(st);
	if (rc != 0)
		return rc;
	path = attach_path(datadir, sha);
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
		out->stored = path;
		out->bytes = sb.st_size;
		if (out->mime[0] == '\0' &&
		    (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
			n = read(fd, head, sizeof head);
			close(fd);
			snprintf(out->mime, sizeof out->mime, "%s",
			    attach_mime(head, n > 0 ? (size_t)n : 0, NULL));
		}
	} else
		free(path);
	return 0;
}

void
attach_stored_clear(struct attach_stored *a)
{
	free(a->stored);
	memset(a, 0, sizeof *a);
}

int
attach_cited(sqlite3 *db, const char *sha, const char *site,
    int (*fn)(const struct attach_cite *, void *), void *arg)
{
	struct attach_cite	 c;
	sqlite3_stmt		*st;
	const json_t		*a;
	json_t			*doc;
	size_t			 i;
	int			 rc, step, stop = 0;

	/* The bytes are searched first: a record names the hash in it. */
	if ((rc = db_prepare(db, &st, site != NULL ?
	    "SELECT id, type, site, created, body FROM records WHERE "
	    "site = ?2 AND instr(body, ?1) > 0 ORDER BY created, id" :
	    "SELECT id, type, site, created, body FROM records WHERE "
	    "instr(body, ?1) > 0 ORDER BY created, id")) != 0)
		return rc;
	sqlite3_bind_blob(st, 1, sha, (int)strlen(sha), SQLITE_TRANSIENT);
	if (site != NULL)
		db_bind_text(st, 2, site);
	while (!stop && (step = sqlite3_step(st)) == SQLITE_ROW) {
		doc = json_loadb(sqlite3_column_blob(st, 4),
		    (size_t)sqlite3_column_bytes(st, 4), 0, NULL);
		json_array_foreach(json_object_get(doc, "attachments"), i, a) {
			if (!json_is_string(json_object_get(a, "sha256")) ||
			    strcmp(json_string_value(json_object_get(a,
			    "sha256")), sha) != 0)
				continue;
			memset(&c, 0, sizeof c);
			c.id = (const char *)sqlite3_column_text(st, 0);
			c.type = (const char *)sqlite3_column_text(st, 1);
			c.site = (const char *)sqlite3_column_text(st, 2);
			c.created = (const char *)sqlite3_column_text(st, 3);
			c.name = json_string_value(json_object_get(a, "name"));
			c.caption = json_string_value(json_object_get(a,
			    "caption"));
			if (fn(&c, arg) != 0)
				stop = 1;
			break;
		}
		json_decref(doc);
	}
	rc = stop || step == SQLITE_DONE ? 0 : db_error(db, "records");
	sqlite3_finalize(st);
	return rc;
}

int
attach_extract(const char *datadir, const char *sha, const char *out)
{
	crypto_hash_sha256_state	 h;
	unsigned char			 digest[crypto_hash_sha256_BYTES];
	unsigned char			 buf[65536];
	char				 hex[65], *src, *tmp = NULL;
	ssize_t				 n, w;
	int				 in = -1, fd = -1, rc = 0;

	src = attach_path(datadir, sha);
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = error_set(LT_ENOTFOUND, "attachment %.16s: not stored on "
		    "this device (%s)", sha, strerror(errno));
		goto cleanup;
	}
	if (util_exists(out)) {
		rc = error_set(LT_EINVAL, "%s: already exists (not replaced)",
		    out);
		goto cleanup;
	}
	tmp = xasprintf("%s.lantian-%ld", out, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) < 0) {
		rc = error_set(LT_EIO, "%s: %s", out, strerror(errno));
		goto cleanup;
	}
	crypto_hash_sha256_init(&h);
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = error_set(LT_EIO, "%s: %s", src, strerror(errno));
			goto cleanup;
		}
		crypto_hash_sha256_update(&h, buf, (unsigned long long)n);
		for (ssize_t off = 0; off < n; off += w) {
			if ((w = write(fd, buf + off, (size_t)(n - off))) < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				rc = error_set(LT_EIO, "%s: %s", out,
				    strerror(errno));
				goto cleanup;
			}
		}
	}
	crypto_hash_sha256_final(&h, digest);
	util_hex(hex, digest, sizeof digest);
	if (strcmp(hex, sha) != 0) {
		rc = error_set(LT_EIO, "attachment %.16s: the stored copy is "
		    "damaged (its content hashes to %.16s)", sha, hex);
		goto cleanup;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		rc = error_set(LT_EIO, "%s: %s", out, strerror(errno));
		goto cleanup;
	}
	fd = -1;
	if (link(tmp, out) != 0) {
		/* link() refuses to replace a file that appeared meanwhile. */
		rc = error_set(errno == EEXIST ? LT_EINVAL : LT_EIO, "%s: %s",
		    out, errno == EEXIST ? "already exists (not replaced)" :
		    strerror(errno));
		goto cleanup;
	}
cleanup:
	if (in >= 0)
		close(in);
	if (fd >= 0)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(src);
	return rc;
}
