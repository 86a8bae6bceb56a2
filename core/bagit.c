#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bagit.h"
#include "error.h"
#include "util.h"

#define BAGIT_BUF	(1024 * 1024)

int
bagit_path_ok(const char *path)
{
	const char	*p = path, *end;
	size_t		 n;

	if (path == NULL || *path == '\0' || *path == '/')
		return 0;
	for (; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return 0;
	}
	for (p = path; ; p = end + 1) {
		end = strchr(p, '/');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (end == NULL)
			return 1;
	}
}

char *
bagit_path_encode(const char *path)
{
	char	*out, *o;

	out = o = xmalloc(strlen(path) * 3 + 1);
	for (; *path != '\0'; path++) {
		if (*path == '%' || *path == '\r' || *path == '\n') {
			snprintf(o, 4, "%%%02X", (unsigned char)*path);
			o += 3;
		} else
			*o++ = *path;
	}
	*o = '\0';
	return out;
}

/* Decode %0D, %0A and %25 in place; 0, or -1 on another % escape. */
static int
bagit_path_decode(char *s)
{
	char	*o = s;

	for (; *s != '\0'; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		if (strncasecmp(s, "%0D", 3) == 0)
			*o++ = '\r';
		else if (strncasecmp(s, "%0A", 3) == 0)
			*o++ = '\n';
		else if (strncmp(s, "%25", 3) == 0)
			*o++ = '%';
		else
			return -1;
		s += 2;
	}
	*o = '\0';
	return 0;
}

/* Are the first 64 bytes of s hex digits?  They are made lowercase. */
static int
bagit_hex64(char *s)
{
	int	i;

	for (i = 0; i < 64; i++) {
		if (s[i] >= 'A' && s[i] <= 'F')
			s[i] = (char)(s[i] - 'A' + 'a');
		else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

void
bagit_entries_free(struct bagit_entry *e, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(e[i].path);
	free(e);
}

int
bagit_manifest_parse(const char *text, size_t len, struct bagit_entry **out,
    size_t *n)
{
	struct bagit_entry	*e = NULL;
	const char		*p = text, *end = text + len, *nl, *sep;
	char			*line, *path;
	size_t			 size = 0, ll;
	int			 lineno = 0;

	*out = NULL;
	*n = 0;
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		if (ll > BAGIT_LINE_MAX || memchr(p, '\0', ll) != NULL)
			goto bad;
		line = xstrndup(p, ll);
		p = nl != NULL ? nl + 1 : end;
		if (ll < 66 || !bagit_hex64(line)) {
			free(line);
			goto bad;
		}
		/* RFC 8493: one or more spaces or tabs; sha256sum's " *"
		 * (binary mode) too. */
		sep = line + 64;
		if (*sep != ' ' && *sep != '\t') {
			free(line);
			goto bad;
		}
		path = (char *)sep + strspn(sep, " \t");
		if (*path == '*' && path[-1] == ' ' && path - sep == 1)
			path++;
		if (bagit_path_decode(path) != 0 || !bagit_path_ok(path)) {
			free(line);
			bagit_entries_free(e, *n);
			*n = 0;
			return error_set(LT_EINVAL, "line %d: a path that "
			    "leaves the bag or is not a file's", lineno);
		}
		if (*n == size) {
			size = size == 0 ? 64 : size * 2;
			e = xrealloc(e, size * sizeof *e);
		}
		memcpy(e[*n].sha256, line, 64);
		e[*n].sha256[64] = '\0';
		e[*n].path = xstrdup(path);
		e[*n].line = lineno;
		(*n)++;
		free(line);
	}
	*out = e;
	return 0;
bad:
	bagit_entries_free(e, *n);
	*n = 0;
	return error_set(LT_EINVAL, "line %d: not \"<sha256> <path>\"", lineno);
}

struct bagit_job {
	char *const	*src;
	char *const	*dst;
	size_t		 n;
	char		(*hex)[65];
	char		**errs;
	atomic_size_t	 next;
	atomic_size_t	 failed;
	atomic_uint_least64_t bytes;
};

/* Hash (and copy) one file; the reason on failure. */
static char *
bagit_one(const char *src, const char *dst, char hex[65], uint64_t *bytes,
    unsigned char *buf)
{
	struct util_hash	*h;
	ssize_t			 r, w, off;
	char			*why = NULL;
	int			 in, out = -1;

	hex[0] = '\0';
	if ((in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return xasprintf("%s: %s", src, strerror(errno));
	if (dst != NULL && (out = open(dst, O_WRONLY | O_CREAT | O_EXCL |
	    O_CLOEXEC, 0644)) < 0) {
		why = xasprintf("%s: %s", dst, strerror(errno));
		close(in);
		return why;
	}
	h = util_sha256_new();
	while ((r = read(in, buf, BAGIT_BUF)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			why = xasprintf("%s: %s", src, strerror(errno));
			break;
		}
		util_sha256_update(h, buf, (size_t)r);
		*bytes += (uint64_t)r;
		for (off = 0; out >= 0 && off < r; off += w) {
			if ((w = write(out, buf + off, (size_t)(r - off))) < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				why = xasprintf("%s: %s", dst, strerror(errno));
				break;
			}
		}
		if (why != NULL)
			break;
	}
	close(in);
	if (out >= 0 && close(out) != 0 && why == NULL)
		why = xasprintf("%s: %s", dst, strerror(errno));
	if (why == NULL)
		util_sha256_final(h, hex);
	else
		util_sha256_free(h);
	return why;
}

static void *
bagit_worker(void *arg)
{
	struct bagit_job	*j = arg;
	unsigned char		*buf = xmalloc(BAGIT_BUF);
	uint64_t		 bytes = 0;
	size_t			 i;
	char			*why;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->n) {
		why = bagit_one(j->src[i], j->dst != NULL ? j->dst[i] : NULL,
		    j->hex[i], &bytes, buf);
		if (why == NULL)
			continue;
		atomic_fetch_add(&j->failed, 1);
		if (j->errs != NULL)
			j->errs[i] = why;
		else
			free(why);
	}
	atomic_fetch_add(&j->bytes, bytes);
	free(buf);
	return NULL;
}

size_t
bagit_hash_files(char *const *src, char *const *dst, size_t n,
    char (*hex)[65], char **errs, int nthreads, uint64_t *bytes)
{
	struct bagit_job	 j;
	pthread_t		*th;
	int			 i, started = 0;

	memset(&j, 0, sizeof j);
	j.src = src;
	j.dst = dst;
	j.n = n;
	j.hex = hex;
	j.errs = errs;
	atomic_init(&j.next, 0);
	atomic_init(&j.failed, 0);
	atomic_init(&j.bytes, 0);
	if (nthreads < 1)
		nthreads = 1;
	if ((size_t)nthreads > n)
		nthreads = n > 0 ? (int)n : 1;
	th = xcalloc((size_t)nthreads, sizeof *th);
	for (i = 1; i < nthreads; i++) {
		if (pthread_create(&th[i], NULL, bagit_worker, &j) == 0)
			started++;
		else
			break;
	}
	bagit_worker(&j);	/* this thread works too */
	for (i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	free(th);
	if (bytes != NULL)
		*bytes = atomic_load(&j.bytes);
	return atomic_load(&j.failed);
}
