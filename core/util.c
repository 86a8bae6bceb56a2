#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "error.h"
#include "util.h"

static void (*util_fatal_hook)(void);

void
util_set_fatal_hook(void (*hook)(void))
{
	util_fatal_hook = hook;
}

void
util_fatal(const char *fmt, ...)
{
	va_list	ap;

	if (util_fatal_hook != NULL)
		util_fatal_hook();
	fputs("lantian: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *
xmalloc(size_t size)
{
	void	*p;

	if ((p = malloc(size == 0 ? 1 : size)) == NULL)
		util_fatal("out of memory (%zu bytes)", size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		util_fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
xrealloc(void *p, size_t size)
{
	if ((p = realloc(p, size == 0 ? 1 : size)) == NULL)
		util_fatal("out of memory (%zu bytes)", size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list	 copy;
	char	*s;
	int	 n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		util_fatal("bad format");
	s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

char *
util_base64(const unsigned char *bin, size_t len)
{
	size_t	 size = sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_ORIGINAL);
	char	*out = xmalloc(size);

	sodium_bin2base64(out, size, bin, len, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

int
util_unbase64(unsigned char *bin, size_t size, const char *b64, size_t len)
{
	size_t	got;

	if (sodium_base642bin(bin, size, b64, len, NULL, &got, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || got != size)
		return LT_EINVAL;
	return 0;
}

void
util_hex(char *out, const unsigned char *in, size_t len)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

static int
util_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
util_unhex(unsigned char *out, size_t len, const char *hex)
{
	size_t	i;
	int	hi, lo;

	if (strlen(hex) != 2 * len)
		return LT_EINVAL;
	for (i = 0; i < len; i++) {
		hi = util_hexval(hex[2 * i]);
		lo = util_hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return LT_EINVAL;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int
util_is_hex(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return s[n] == '\0';
}

/*
 * SHA-256 through OpenSSL's libcrypto: its implementation uses the CPU's
 * SHA extensions or AVX2 (four to six times libsodium's portable C on the
 * laptops we measured), which decides how fast gigabytes of photos are
 * hashed into an evidence bundle and checked again.
 */
void
util_sha256_hex(char out[65], const void *buf, size_t len)
{
	unsigned char	h[32];
	unsigned int	n;

	if (EVP_Digest(buf, len, h, &n, EVP_sha256(), NULL) != 1 || n != 32)
		util_fatal("SHA-256: libcrypto failed");
	util_hex(out, h, sizeof h);
}

struct util_hash *
util_sha256_new(void)
{
	EVP_MD_CTX	*ctx;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		util_fatal("SHA-256: libcrypto failed");
	return (struct util_hash *)ctx;
}

void
util_sha256_update(struct util_hash *h, const void *buf, size_t len)
{
	if (EVP_DigestUpdate((EVP_MD_CTX *)h, buf, len) != 1)
		util_fatal("SHA-256: libcrypto failed");
}

void
util_sha256_final(struct util_hash *h, char out[65])
{
	unsigned char	md[32];
	unsigned int	n;

	if (EVP_DigestFinal_ex((EVP_MD_CTX *)h, md, &n) != 1 || n != 32)
		util_fatal("SHA-256: libcrypto failed");
	EVP_MD_CTX_free((EVP_MD_CTX *)h);
	util_hex(out, md, sizeof md);
}

void
util_sha256_free(struct util_hash *h)
{
	EVP_MD_CTX_free((EVP_MD_CTX *)h);
}

int
util_read_fd(int fd, const char *what, size_t max, char **out, size_t *len)
{
	char	*buf = NULL;
	size_t	 used = 0, size = 0;
	ssize_t	 n;

	for (;;) {
		if (used == size) {
			if (size > max)
				break;
			size = size == 0 ? 8192 : size * 2;
			buf = xrealloc(buf, size + 1);
		}
		n = read(fd, buf + used, size - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return error_set(LT_EIO, "%s: %s", what, strerror(errno));
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > max) {
		free(buf);
		return error_set(LT_ETOOBIG, "%s: larger than %zu bytes", what,
		    max);
	}
	if (buf == NULL)
		buf = xmalloc(1);
	buf[used] = '\0';
	*out = buf;
	*len = used;
	return 0;
}

int
util_read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct stat	st;
	int		fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		return error_set(errno == ENOENT ? LT_ENOTFOUND : LT_EIO,
		    "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return error_set(LT_EINVAL, "%s: is a directory", path);
	}
	rc = util_read_fd(fd, path, max, out, len);
	close(fd);
	return rc;
}

static int
util_fsync_dir(const char *path)
{
	char	*dir, *slash;
	int	 fd, rc = 0;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		if (fsync(fd) != 0 && errno != EINVAL)
			rc = error_set(LT_EIO, "%s: %s", dir, strerror(errno));
		close(fd);
	}
	free(dir);
	return rc;
}

int
util_write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
	const char	*p = buf;
	char		*tmp;
	ssize_t		 n;
	int		 fd, rc = 0;

	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
			goto cleanup;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0) {
		rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	rc = util_fsync_dir(path);
cleanup:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int
util_mkdir_p(const char *path, mode_t mode)
{
	struct stat	 st;
	char		*copy, *p;
	int		 rc = 0;

	copy = xstrdup(path);
	for (p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(copy, mode) != 0 && errno != EEXIST) {
			rc = error_set(LT_EIO, "%s: %s", copy, strerror(errno));
			break;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	if (rc == 0 && (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)))
		rc = error_set(LT_EIO, "%s: not a directory", path);
	free(copy);
	return rc;
}

int
util_exists(const char *path)
{
	struct stat	st;

	return lstat(path, &st) == 0;
}

void
util_rfc3339(char *buf, size_t size, time_t t)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
util_local_time(char *buf, size_t size, time_t t)
{
	struct tm	tm;
	char		when[48];
	long		off;

	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M %Z", &tm);
	off = tm.tm_gmtoff;
	snprintf(buf, size, "%s (UTC%c%02ld:%02ld)", when, off < 0 ? '-' : '+',
	    (off < 0 ? -off : off) / 3600, (off < 0 ? -off : off) % 3600 / 60);
}

int
util_local_rfc3339(char *buf, size_t size, const char *utc)
{
	time_t	t;

	if (utc == NULL || util_parse_rfc3339(utc, &t) != 0) {
		snprintf(buf, size, "%s", utc != NULL ? utc : "");
		return LT_EINVAL;
	}
	util_local_time(buf, size, t);
	return 0;
}

int
util_parse_rfc3339(const char *s, time_t *out)
{
	struct tm	 tm;
	const char	*end;

	char		 back[32];
	time_t		 t;

	/*
	 * Only the one form util_rfc3339() writes: strptime alone takes
	 * 2030-3-5T8:0:0Z, 2030-02-31 and a 60th second, and times that
	 * are compared as text must have one spelling each.
	 */
	if (strlen(s) != 20)
		return LT_EINVAL;
	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return LT_EINVAL;
	t = timegm(&tm);
	util_rfc3339(back, sizeof back, t);
	if (strcmp(back, s) != 0)
		return LT_EINVAL;
	*out = t;
	return 0;
}

int
util_is_date(const char *s)
{
	struct tm	 tm;
	const char	*end;
	char		 back[11];

	if (strlen(s) != 10)
		return 0;
	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end == NULL || *end != '\0')
		return 0;
	/* Round-trip to refuse 2023-02-30 and the like. */
	tm.tm_hour = 12;
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(back, sizeof back, "%Y-%m-%d", &tm);
	return strcmp(back, s) == 0;
}

void
util_date_after(char *buf, size_t size, time_t t, int days)
{
	struct tm	tm;

	localtime_r(&t, &tm);
	tm.tm_mday += days;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	mktime(&tm);
	strftime(buf, size, "%Y-%m-%d", &tm);
}

time_t
util_now(void)
{
	const char	*fixed;
	time_t		 t;

	if ((fixed = getenv("LANTIAN_NOW")) != NULL &&
	    util_parse_rfc3339(fixed, &t) == 0)
		return t;
	return time(NULL);
}

int
util_is_bidi(unsigned long c)
{
	return c == 0x061c || c == 0x200e || c == 0x200f ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/*
 * The length of the valid UTF-8 sequence at s (its code point in *c), or
 * 0 when s does not start one (overlong forms and surrogates included).
 */
static size_t
util_utf8(const unsigned char *s, unsigned long *c)
{
	size_t	n, i;

	if (s[0] < 0x80) {
		*c = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		*c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		*c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		*c = s[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* the NUL at the end too */
			return 0;
		*c = (*c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && *c < 0x800) || (n == 4 && (*c < 0x10000 ||
	    *c > 0x10ffff)) || (*c >= 0xd800 && *c <= 0xdfff))
		return 0;
	return n;
}

int
util_text_check(const char *what, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned long		 c;
	size_t			 n;

	if (s == NULL)
		return 0;
	while (*p != '\0') {
		if ((n = util_utf8(p, &c)) == 0)
			return error_set(LT_EINVAL, "%s: not valid UTF-8 text "
			    "(byte %zu is not part of a character): nothing "
			    "was taken", what, (size_t)(p -
			    (const unsigned char *)s) + 1);
		p += n;
	}
	return 0;
}

int
util_is_invisible(unsigned long c)
{
	return c == 0x00ad || c == 0x034f || c == 0x115f || c == 0x1160 ||
	    c == 0x17b4 || c == 0x17b5 || (c >= 0x180b && c <= 0x180f) ||
	    (c >= 0x200b && c <= 0x200d) || (c >= 0x2060 && c <= 0x2065) ||
	    (c >= 0x206a && c <= 0x206f) || c == 0x3164 ||
	    (c >= 0xfe00 && c <= 0xfe0f) || c == 0xfeff || c == 0xffa0 ||
	    (c >= 0x1d173 && c <= 0x1d17a) || (c >= 0xe0000 && c <= 0xe0fff);
}

char *
util_sanitize(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned long		 c;
	size_t			 n;
	char			*out, *o;

	/* An invisible character becomes "<U+XXXXX>": at most 9 bytes for
	 * each of at least 2. */
	out = o = xmalloc(strlen(s) * 5 + 1);
	while (*p != '\0') {
		if ((n = util_utf8(p, &c)) == 0) {
			*o++ = '?';	/* not UTF-8: one byte at a time */
			p++;
			continue;
		}
		if (c == '\n' || c == '\t')
			*o++ = ' ';
		else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || util_is_bidi(c) ||
		    c == 0x2028 || c == 0x2029)
			*o++ = '?';
		else if (util_is_invisible(c))
			/* Seen, not hidden: a name with a zero-width space in
			 * it is not the name it looks like. */
			o += sprintf(o, "<U+%04lX>", c);
		else {
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	*o = '\0';
	return out;
}

int
util_init(void)
{
	if (sodium_init() < 0)
		return error_set(LT_ECRYPTO, "libsodium: cannot initialise");
	return 0;
}

void
util_html_text(FILE *f, const char *s)
{
	char		*clean = util_sanitize(s != NULL ? s : "");
	const char	*p;

	for (p = clean; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*p, f);
		}
	}
	free(clean);
}

int
util_strcmp_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
util_uninstalled(void)
{
	static int	 known = -1;
	char		*exe, *build;
	size_t		 n;

	if (known >= 0)
		return known;
	known = 0;
	exe = realpath("/proc/self/exe", NULL);
	build = realpath(BUILDDIR, NULL);
	if (exe != NULL && build != NULL) {
		n = strlen(build);
		known = strncmp(exe, build, n) == 0 && exe[n] == '/';
	}
	free(exe);
	free(build);
	return known;
}

void
util_remove_orphans(const char *dir, const char *prefix,
    void (*remove)(const char *))
{
	struct dirent	*e;
	DIR		*d;
	char		*p, *end;
	size_t		 plen = strlen(prefix);
	long		 pid;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, plen) != 0)
			continue;
		errno = 0;
		pid = strtol(e->d_name + plen, &end, 10);
		if (errno != 0 || *end != '\0' || pid <= 0)
			continue;
		/* Another process at work on it right now is not dead. */
		if (pid != (long)getpid() &&
		    (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		remove(p);
		free(p);
	}
	closedir(d);
}
