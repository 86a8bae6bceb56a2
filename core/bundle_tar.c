/*
 * Serialized bags: one .tar file holding the bag's directory (RFC 8493,
 * section 4), written and read with libarchive.  Reading trusts nothing:
 * only regular files and directories, every name a relative path that
 * stays under one top directory, sizes bounded.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "bagit.h"
#include "bundle_priv.h"
#include "error.h"
#include "util.h"

#define TAR_FILE_MAX	((int64_t)4 * 1024 * 1024 * 1024)	/* a file */
#define TAR_TOTAL_MAX	((int64_t)256 * 1024 * 1024 * 1024)	/* all */
#define TAR_ENTRIES_MAX	1000000
#define TAR_BUF		(1024 * 1024)

/* Add the file or directory root/rel as name/rel. */
static int
tar_add(struct archive *a, const char *root, const char *name,
    const char *rel, char *buf)
{
	struct archive_entry	*e;
	struct dirent		*de;
	struct stat		 sb;
	DIR			*d;
	char			*path, *aname, *sub;
	ssize_t			 r;
	int			 fd, rc = 0;

	path = *rel != '\0' ? xasprintf("%s/%s", root, rel) : xstrdup(root);
	aname = *rel != '\0' ? xasprintf("%s/%s", name, rel) : xstrdup(name);
	if (lstat(path, &sb) != 0) {
		rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
		rc = error_set(LT_EIO, "%s: not a file or a directory", path);
		goto done;
	}
	e = archive_entry_new();
	archive_entry_set_pathname(e, aname);
	archive_entry_set_mode(e, S_ISDIR(sb.st_mode) ? AE_IFDIR | 0755 :
	    AE_IFREG | 0644);
	archive_entry_set_size(e, S_ISDIR(sb.st_mode) ? 0 : sb.st_size);
	archive_entry_set_mtime(e, sb.st_mtime, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		rc = error_set(LT_EIO, "%s: %s", aname, archive_error_string(a));
	archive_entry_free(e);
	if (rc != 0)
		goto done;
	if (S_ISREG(sb.st_mode)) {
		if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
			rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
			goto done;
		}
		while ((r = read(fd, buf, TAR_BUF)) > 0) {
			if (archive_write_data(a, buf, (size_t)r) != r) {
				rc = error_set(LT_EIO, "%s: %s", aname,
				    archive_error_string(a));
				break;
			}
		}
		if (r < 0 && rc == 0)
			rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
		close(fd);
		goto done;
	}
	if ((d = opendir(path)) == NULL) {
		rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	/* In name order: the same bag makes the same tar file. */
	{
		char	**names = NULL;
		size_t	  n = 0, size = 0, i;

		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (n == size) {
				size = size == 0 ? 64 : size * 2;
				names = xrealloc(names, size * sizeof *names);
			}
			names[n++] = xstrdup(de->d_name);
		}
		closedir(d);
		/* (an empty directory has no list to sort: NULL) */
		if (n > 0)
			qsort(names, n, sizeof *names, util_strcmp_p);
		for (i = 0; i < n; i++) {
			if (rc == 0) {
				sub = *rel != '\0' ? xasprintf("%s/%s", rel,
				    names[i]) : xstrdup(names[i]);
				rc = tar_add(a, root, name, sub, buf);
				free(sub);
			}
			free(names[i]);
		}
		free(names);
	}
done:
	free(path);
	free(aname);
	return rc;
}

int
bundle_tar_write(const char *dir, const char *name, const char *path)
{
	struct archive	*a;
	const char	*base;
	char		*top, *buf;
	size_t		 n;
	int		 rc;

	/* The bag's directory name, without trailing slashes. */
	top = xstrdup(name);
	while ((n = strlen(top)) > 1 && top[n - 1] == '/')
		top[n - 1] = '\0';
	base = strrchr(top, '/') != NULL ? strrchr(top, '/') + 1 : top;
	if (!bagit_path_ok(base)) {
		rc = error_set(LT_EINVAL, "%s: not a name for a bag's "
		    "directory", name);
		free(top);
		return rc;
	}
	a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	if (archive_write_open_filename(a, path) != ARCHIVE_OK) {
		rc = error_set(LT_EIO, "%s: %s", path, archive_error_string(a));
		archive_write_free(a);
		free(top);
		return rc;
	}
	buf = xmalloc(TAR_BUF);
	rc = tar_add(a, dir, base, "", buf);
	free(buf);
	if (archive_write_close(a) != ARCHIVE_OK && rc == 0)
		rc = error_set(LT_EIO, "%s: %s", path, archive_error_string(a));
	archive_write_free(a);
	free(top);
	if (rc != 0)
		unlink(path);
	return rc;
}

/* Make the directories of rel under into (each checked already). */
static int
tar_mkdirs(const char *into, const char *rel)
{
	char	*p, *s;
	int	 rc = 0;

	p = xasprintf("%s/%s", into, rel);
	for (s = p + strlen(into) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			rc = error_set(LT_EIO, "%s: %s", p, strerror(errno));
		*s = '/';
		if (rc != 0)
			break;
	}
	free(p);
	return rc;
}

int
bundle_tar_read(const char *path, const char *into, char **bag)
{
	struct archive		*a;
	struct archive_entry	*e;
	const char		*name;
	char			*top = NULL, *clean, *out, *buf;
	int64_t			 total = 0, size;
	ssize_t			 r;
	size_t			 n, entries = 0;
	int			 rc = 0, fd, ar;

	*bag = NULL;
	a = archive_read_new();
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, TAR_BUF) != ARCHIVE_OK) {
		rc = error_set(LT_EIO, "%s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return rc;
	}
	buf = xmalloc(TAR_BUF);
	while ((ar = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		name = archive_entry_pathname(e);
		if (name == NULL || ++entries > TAR_ENTRIES_MAX) {
			rc = error_set(LT_EINVAL, "%s: an entry without a name, "
			    "or too many", path);
			break;
		}
		clean = xstrdup(name);
		while ((n = strlen(clean)) > 1 && clean[n - 1] == '/')
			clean[n - 1] = '\0';
		if (strncmp(clean, "./", 2) == 0)
			memmove(clean, clean + 2, strlen(clean + 2) + 1);
		if (!bagit_path_ok(clean)) {
			rc = error_set(LT_EINVAL, "%s: %s: a path that leaves "
			    "the bag", path, name);
			free(clean);
			break;
		}
		/* One top directory: the bag. */
		n = strcspn(clean, "/");
		if (top == NULL)
			top = xstrndup(clean, n);
		else if (strlen(top) != n || strncmp(top, clean, n) != 0) {
			rc = error_set(LT_EINVAL, "%s: %s: outside the bag's "
			    "directory %s", path, name, top);
			free(clean);
			break;
		}
		size = archive_entry_size(e);
		if (archive_entry_filetype(e) == AE_IFDIR) {
			out = xasprintf("%s/%s", into, clean);
			if ((rc = tar_mkdirs(into, clean)) == 0 &&
			    mkdir(out, 0755) != 0 && errno != EEXIST)
				rc = error_set(LT_EIO, "%s: %s", out,
				    strerror(errno));
			free(out);
			free(clean);
			if (rc != 0)
				break;
			continue;
		}
		if (archive_entry_filetype(e) != AE_IFREG ||
		    archive_entry_hardlink(e) != NULL) {
			rc = error_set(LT_EINVAL, "%s: %s: not a regular file "
			    "(a link or a device): refused", path, name);
			free(clean);
			break;
		}
		if (size < 0 || size > TAR_FILE_MAX ||
		    (total += size) > TAR_TOTAL_MAX) {
			rc = error_set(LT_ETOOBIG, "%s: %s: too large", path,
			    name);
			free(clean);
			break;
		}
		if ((rc = tar_mkdirs(into, clean)) != 0) {
			free(clean);
			break;
		}
		out = xasprintf("%s/%s", into, clean);
		free(clean);
		if ((fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644)) < 0) {
			rc = error_set(errno == EEXIST ? LT_EINVAL : LT_EIO,
			    "%s: %s: %s", path, name, errno == EEXIST ?
			    "twice in the archive" : strerror(errno));
			free(out);
			break;
		}
		while ((r = archive_read_data(a, buf, TAR_BUF)) > 0) {
			if (write(fd, buf, (size_t)r) != r) {
				rc = error_set(LT_EIO, "%s: %s", out,
				    strerror(errno));
				break;
			}
		}
		if (r < 0 && rc == 0)
			rc = error_set(LT_EINVAL, "%s: %s: %s", path, name,
			    archive_error_string(a));
		if (close(fd) != 0 && rc == 0)
			rc = error_set(LT_EIO, "%s: %s", out, strerror(errno));
		free(out);
		if (rc != 0)
			break;
	}
	if (rc == 0 && ar != ARCHIVE_EOF)
		rc = error_set(LT_EINVAL, "%s: not a tar file: %s", path,
		    archive_error_string(a));
	if (rc == 0 && top == NULL)
		rc = error_set(LT_EINVAL, "%s: an empty archive", path);
	archive_read_free(a);
	free(buf);
	if (rc == 0)
		*bag = xasprintf("%s/%s", into, top);
	free(top);
	return rc;
}
