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
