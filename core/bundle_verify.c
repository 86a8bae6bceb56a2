/*
 * Checking an evidence bundle (core/bundle.h), trusting nothing in it but
 * what its hashes and signatures prove.  The bag's files are found by
 * walking it (a symbolic link, a device or anything but a regular file or
 * a directory is refused, never followed); every other read goes through
 * that list, so a name in a manifest or a record cannot reach outside.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "bagit.h"
#include "bundle_priv.h"
#include "error.h"
#include "key.h"
#include "office.h"
#include "record.h"
#include "roster.h"
#include "sig.h"
#include "util.h"

#define V_THREADS	2
#define V_FILES_MAX	2000000
#define V_DEPTH_MAX	16
#define V_MANIFEST_MAX	(256 * 1024 * 1024)
#define V_SMALL_MAX	(16 * 1024 * 1024)

struct vfile {
	char	*path;		/* relative to the bag */
	char	 hex[65];	/* its hash, once checked against a manifest */
	int	 listed;	/* times in manifest-sha256.txt */
	int	 tagged;	/* in tagmanifest-sha256.txt */
	uint64_t size;
};

struct vkey {
	char			 id[KEY_ID_HEX];
	struct key_public	 pk;
};

struct vchain {
	char		 kid[KEY_ID_HEX];
	int64_t		*seq;
	char		(*id)[65];
	char		(*prev)[65];
	size_t		 n;
};

struct vctx {
	bundle_line_fn		 fn;
	void			*arg;
	int			 failed;
	char			*root;
	struct vfile		*files;
	size_t			 nfiles, size;
	struct vkey		*keys;
	size_t			 nkeys;
	struct roster_entry	*roster;
	size_t			 nroster;
	struct key_public	 office;
	int			 have_office;
	char			 office_id[KEY_ID_HEX];
	char			*case_id;
	char			 bagged[32];	/* Lantian-Bagged, or "" */
	char			 bagdate[11];	/* Bagging-Date, or "" */
	int			 records;
};

static void
vline(struct vctx *c, enum bundle_mark mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
vline(struct vctx *c, enum bundle_mark mark, const char *fmt, ...)
{
	va_list	 ap;
	char	*text, *clean;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	/* Names and texts come from the bag: never raw to a terminal. */
	clean = util_sanitize(text);
	if (mark == BUNDLE_FAIL)
		c->failed++;
	c->fn(mark, clean, c->arg);
	free(clean);
	free(text);
}

static int
vfile_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vfile *)a)->path,
	    ((const struct vfile *)b)->path);
}

static struct vfile *
vfind(struct vctx *c, const char *path)
{
	struct vfile	key;

	key.path = (char *)path;
	return bsearch(&key, c->files, c->nfiles, sizeof *c->files, vfile_cmp);
}

/* Every regular file of the bag; anything else is a failure. */
static int
vwalk(struct vctx *c, const char *rel, int depth)
{
	struct dirent	*e;
	struct stat	 sb;
	DIR		*d;
	char		*dir, *sub, *path;
	int		 rc = 0;

	dir = *rel != '\0' ? xasprintf("%s/%s", c->root, rel) :
	    xstrdup(c->root);
	if ((d = opendir(dir)) == NULL) {
		rc = error_set(LT_EIO, "%s: %s", dir, strerror(errno));
		free(dir);
		return rc;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		sub = *rel != '\0' ? xasprintf("%s/%s", rel, e->d_name) :
		    xstrdup(e->d_name);
		path = xasprintf("%s/%s", c->root, sub);
		if (lstat(path, &sb) != 0)
			vline(c, BUNDLE_FAIL, "%s: %s", sub, strerror(errno));
		else if (S_ISDIR(sb.st_mode)) {
			if (depth >= V_DEPTH_MAX)
				vline(c, BUNDLE_FAIL, "%s: directories nested "
				    "deeper than %d", sub, V_DEPTH_MAX);
			else
				rc = vwalk(c, sub, depth + 1);
		} else if (!S_ISREG(sb.st_mode))
			vline(c, BUNDLE_FAIL, "%s: %s: refused, not followed",
			    sub, S_ISLNK(sb.st_mode) ? "a symbolic link" :
			    "not a regular file");
		else if (!bagit_path_ok(sub))
			vline(c, BUNDLE_FAIL, "%s: a name a manifest cannot "
			    "hold", sub);
		else if (c->nfiles >= V_FILES_MAX)
			rc = error_set(LT_ETOOBIG, "more than %d files",
			    V_FILES_MAX);
		else {
			if (c->nfiles == c->size) {
				c->size = c->size == 0 ? 256 : c->size * 2;
				c->files = xrealloc(c->files, c->size *
				    sizeof *c->files);
			}
			memset(&c->files[c->nfiles], 0, sizeof *c->files);
			c->files[c->nfiles].path = xstrdup(sub);
			c->files[c->nfiles].size = (uint64_t)sb.st_size;
			c->nfiles++;
		}
		free(path);
		free(sub);
	}
	closedir(d);
	free(dir);
	return rc;
}

/* Read a file the walk found; NULL (and a failure said) otherwise. */
static char *
vread(struct vctx *c, const char *rel, size_t max, size_t *len, int quiet)
{
	char	*path, *body = NULL;

	if (vfind(c, rel) == NULL) {
		if (!quiet)
			vline(c, BUNDLE_FAIL, "%s: missing", rel);
		return NULL;
	}
	path = xasprintf("%s/%s", c->root, rel);
	if (util_read_file(path, max, &body, len) != 0) {
		vline(c, BUNDLE_FAIL, "%s: %s", rel, error_msg());
		body = NULL;
	}
	free(path);
	return body;
}

/* Hash the files of a manifest's entries and compare. */
static void
vcheck_hashes(struct vctx *c, struct bagit_entry *e, size_t n,
    const char *manifest, int tag)
{
	struct vfile	**f;
	char		**src, (*hex)[65], **errs;
	size_t		  i, m = 0, bad = 0;
	uint64_t	  bytes = 0;

	f = xcalloc(n + 1, sizeof *f);
	src = xcalloc(n + 1, sizeof *src);
	hex = xcalloc(n + 1, sizeof *hex);
	errs = xcalloc(n + 1, sizeof *errs);
	for (i = 0; i < n; i++) {
		struct vfile *vf = vfind(c, e[i].path);

		if (vf == NULL) {
			vline(c, BUNDLE_FAIL, "%s: listed in %s (line %d) but "
			    "not in the bag", e[i].path, manifest, e[i].line);
			bad++;
			continue;
		}
		if (tag)
			vf->tagged++;
		else if (++vf->listed > 1) {
			vline(c, BUNDLE_FAIL, "%s: listed more than once in %s",
			    e[i].path, manifest);
			bad++;
			continue;
		}
		f[m] = vf;
		src[m] = xasprintf("%s/%s", c->root, e[i].path);
		memcpy(hex[m], e[i].sha256, 65);	/* what it should be */
		m++;
	}
	{
		char (*got)[65] = xcalloc(m + 1, sizeof *got);

		bagit_hash_files(src, NULL, m, got, errs, V_THREADS, &bytes);
		for (i = 0; i < m; i++) {
			if (errs[i] != NULL) {
				vline(c, BUNDLE_FAIL, "%s: %s", f[i]->path,
				    errs[i]);
				bad++;
			} else if (strcmp(got[i], hex[i]) != 0) {
				vline(c, BUNDLE_FAIL, "%s: altered: its SHA-256 "
				    "is %.16s…, %s says %.16s…", f[i]->path,
				    got[i], manifest, hex[i]);
				bad++;
			} else
				memcpy(f[i]->hex, got[i], 65);
			free(src[i]);
			free(errs[i]);
		}
		free(got);
	}
	if (bad == 0)
		vline(c, BUNDLE_OK, "%s: %zu file(s), %llu bytes, each "
		    "matching its SHA-256", manifest, n,
		    (unsigned long long)bytes);
	free(f);
	free(src);
	free(hex);
	free(errs);
}

/* Read and parse a manifest; NULL entries when it cannot be. */
static struct bagit_entry *
vmanifest(struct vctx *c, const char *name, size_t *n)
{
	struct bagit_entry	*e = NULL;
	char			*text;
	size_t			 len;

	*n = 0;
	if ((text = vread(c, name, V_MANIFEST_MAX, &len, 0)) == NULL)
		return NULL;
	if (bagit_manifest_parse(text, len, &e, n) != 0) {
		vline(c, BUNDLE_FAIL, "%s: %s", name, error_msg());
		e = NULL;
	}
	free(text);
	return e;
}

/* bagit.txt, the two manifests, and nothing unlisted. */
static void
vcheck_bag(struct vctx *c)
{
	static const char *const must[] = { "bagit.txt", "bag-info.txt",
	    BAGIT_MANIFEST, NULL };
	struct bagit_entry	*e;
	struct vfile		*vf;
	char			*text;
	size_t			 n, i, len, unlisted = 0;
	int			 j;

	if ((text = vread(c, "bagit.txt", 4096, &len, 0)) != NULL) {
		if (len == strlen(BAGIT_TXT) && memcmp(text, BAGIT_TXT,
		    len) == 0)
			vline(c, BUNDLE_OK, "bagit.txt: BagIt 1.0, UTF-8");
		else
			vline(c, BUNDLE_FAIL, "bagit.txt: not \"BagIt-Version: "
			    "1.0\" and \"Tag-File-Character-Encoding: UTF-8\"");
		free(text);
	}
	if ((e = vmanifest(c, BAGIT_MANIFEST, &n)) != NULL) {
		for (i = 0; i < n; i++) {
			if (strncmp(e[i].path, "data/", 5) != 0)
				vline(c, BUNDLE_FAIL, "%s line %d: %s is not in "
				    "data/", BAGIT_MANIFEST, e[i].line,
				    e[i].path);
		}
		vcheck_hashes(c, e, n, BAGIT_MANIFEST, 0);
		bagit_entries_free(e, n);
	}
	if ((e = vmanifest(c, BAGIT_TAGMANIFEST, &n)) != NULL) {
		vcheck_hashes(c, e, n, BAGIT_TAGMANIFEST, 1);
		bagit_entries_free(e, n);
	}
	for (j = 0; must[j] != NULL; j++) {
		if ((vf = vfind(c, must[j])) != NULL && vf->tagged == 0)
			vline(c, BUNDLE_FAIL, "%s: not covered by %s: a change "
			    "to it would not show", must[j], BAGIT_TAGMANIFEST);
	}
	for (i = 0; i < c->nfiles; i++) {
		vf = &c->files[i];
		if (strncmp(vf->path, "data/", 5) == 0) {
			if (vf->listed == 0) {
				vline(c, BUNDLE_FAIL, "%s: in the payload but not "
				    "in %s (added?)", vf->path, BAGIT_MANIFEST);
				unlisted++;
			}
		} else if (vf->tagged == 0 && strcmp(vf->path,
		    BAGIT_TAGMANIFEST) != 0 && strcmp(vf->path,
		    BAGIT_TAGMANIFEST ".minisig") != 0) {
			vline(c, BUNDLE_FAIL, "%s: not listed in any manifest "
			    "(added?)", vf->path);
			unlisted++;
		}
	}
	if (unlisted == 0)
		vline(c, BUNDLE_OK, "complete: every file of the bag is listed "
		    "in a manifest");
}

/* bag-info.txt: its labels, and Payload-Oxum against the payload. */
static void
vcheck_info(struct vctx *c)
{
	char		*text, *line, *save = NULL, *v, want[64];
	uint64_t	 bytes = 0;
	size_t		 len, i, files = 0;
	int		 oxum = 0;

	for (i = 0; i < c->nfiles; i++) {
		if (strncmp(c->files[i].path, "data/", 5) == 0) {
			bytes += c->files[i].size;
			files++;
		}
	}
	snprintf(want, sizeof want, "%llu.%zu", (unsigned long long)bytes,
	    files);
	if ((text = vread(c, "bag-info.txt", V_SMALL_MAX, &len, 0)) == NULL)
		return;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, "\r")] = '\0';
		if ((v = strchr(line, ':')) == NULL)
			continue;
		*v++ = '\0';
		v += strspn(v, " \t");
		if (strcmp(line, "Payload-Oxum") == 0) {
			oxum = 1;
			if (strcmp(v, want) == 0)
				vline(c, BUNDLE_OK, "bag-info.txt: Payload-Oxum "
				    "%s: %zu payload files, %llu bytes", v,
				    files, (unsigned long long)bytes);
			else
				vline(c, BUNDLE_FAIL, "bag-info.txt: "
				    "Payload-Oxum says %s, the payload is %s",
				    v, want);
		} else if (strcmp(line, "External-Identifier") == 0) {
			free(c->case_id);
			c->case_id = xstrdup(v);
		} else if (strcmp(line, "Source-Organization") == 0)
			vline(c, BUNDLE_NOTE, "source: %s", v);
		else if (strcmp(line, "Bagging-Date") == 0) {
			vline(c, BUNDLE_NOTE, "bagged on %s", v);
			snprintf(c->bagdate, sizeof c->bagdate, "%.10s", v);
		} else if (strcmp(line, "Lantian-Bagged") == 0)
			snprintf(c->bagged, sizeof c->bagged, "%.31s", v);
	}
	if (!oxum)
		vline(c, BUNDLE_FAIL, "bag-info.txt: no Payload-Oxum");
	if (c->case_id != NULL)
		vline(c, BUNDLE_NOTE, "case: %s", c->case_id);
	free(text);
}

static struct vkey *
vkey(struct vctx *c, const char *kid)
{
	size_t	i;

	for (i = 0; i < c->nkeys; i++) {
		if (strcmp(c->keys[i].id, kid) == 0)
			return &c->keys[i];
	}
	return NULL;
}

static const struct roster_entry *
vroster(struct vctx *c, const char *kid)
{
	size_t	i;

	for (i = 0; i < c->nroster; i++) {
		if (strcmp(c->roster[i].key_id, kid) == 0)
			return &c->roster[i];
	}
	return NULL;
}

/*
 * The key of kid's roster entry in the bag, as the office signed it: the
 * only key a record or the exporter's signature is checked with.  A key
 * in data/keys/ is a copy for minisign -p; nothing ties it to the office.
 */
static int
vroster_key(struct vctx *c, const char *kid, struct key_public *out)
{
	const struct roster_entry	*e;

	if ((e = vroster(c, kid)) == NULL)
		return -1;
	return key_public_parse(e->pubkey, strlen(e->pubkey), out) == 0 ? 0 :
	    -1;
}

/* The office key, pinned or not; every key of data/keys/. */
static void
vcheck_keys(struct vctx *c, const char *office_key)
{
	struct key_public	 pin;
	char			*text, kid[KEY_ID_HEX], pid[KEY_ID_HEX];
	size_t			 len, i;

	if ((text = vread(c, "data/keys/office.pub", 4096, &len, 0)) != NULL) {
		if (key_public_parse(text, len, &c->office) != 0)
			vline(c, BUNDLE_FAIL, "data/keys/office.pub: %s",
			    error_msg());
		else {
			c->have_office = 1;
			key_id_hex(c->office_id, c->office.id);
		}
		free(text);
	}
	if (c->have_office && office_key != NULL) {
		if (util_read_file(office_key, 4096, &text, &len) != 0 ||
		    key_public_parse(text, len, &pin) != 0)
			vline(c, BUNDLE_FAIL, "--office-key %s: %s", office_key,
			    error_msg());
		else if (memcmp(&pin, &c->office, sizeof pin) != 0) {
			key_id_hex(pid, pin.id);
			vline(c, BUNDLE_FAIL, "office key: the bag's is %s, not "
			    "the office key given (%s)", c->office_id, pid);
		} else
			vline(c, BUNDLE_OK, "office key %s: the one given "
			    "(--office-key)", c->office_id);
		free(text);
	} else if (c->have_office)
		vline(c, BUNDLE_NOTE, "office key %s: not pinned (compare "
		    "data/keys/office.pub with the office's published key, or "
		    "give it with --office-key)", c->office_id);
	for (i = 0; i < c->nfiles; i++) {
		const char *p = c->files[i].path;
		struct key_public pk;

		if (strncmp(p, "data/keys/", 10) != 0 ||
		    strcmp(p, "data/keys/office.pub") == 0)
			continue;
		if ((text = vread(c, p, 4096, &len, 0)) == NULL)
			continue;
		if (key_public_parse(text, len, &pk) != 0)
			vline(c, BUNDLE_FAIL, "%s: not a minisign public key: %s",
			    p, error_msg());
		else {
			key_id_hex(kid, pk.id);
			if (strlen(p) != 10 + 16 + 4 || strncmp(p + 10, kid,
			    16) != 0 || strcmp(p + 26, ".pub") != 0)
				vline(c, BUNDLE_FAIL, "%s: holds key %s: the "
				    "name does not match", p, kid);
			else {
				c->keys = xrealloc(c->keys, (c->nkeys + 1) *
				    sizeof *c->keys);
				memcpy(c->keys[c->nkeys].id, kid, sizeof kid);
				c->keys[c->nkeys].pk = pk;
				c->nkeys++;
			}
		}
		free(text);
	}
}

/* Each roster entry: signed by the office key, of the key it names. */
static void
vcheck_roster(struct vctx *c)
{
	struct roster_entry	 e;
	struct vkey		*k;
	char			*body, *sig, *sp, kid[KEY_ID_HEX], *b64;
	size_t			 len, slen, i;

	for (i = 0; i < c->nfiles; i++) {
		const char *p = c->files[i].path;

		if (strncmp(p, "data/roster/", 12) != 0 || strlen(p) < 5 ||
		    strcmp(p + strlen(p) - 5, ".json") != 0)
			continue;
		if ((body = vread(c, p, ROSTER_MAX, &len, 0)) == NULL)
			continue;
		sp = xasprintf("%s.minisig", p);
		if ((sig = vread(c, sp, 4096, &slen, 0)) == NULL) {
			free(sp);
			free(body);
			continue;
		}
		snprintf(kid, sizeof kid, "%.16s", p + 12);
		if (!c->have_office)
			vline(c, BUNDLE_FAIL, "%s: no office key to check it "
			    "with", p);
		else if (roster_verify(&c->office, body, len, sig, &e) != 0)
			vline(c, BUNDLE_FAIL, "%s: not signed by the office key "
			    "%s: %s", p, c->office_id, error_msg());
		else if (strlen(p) != 12 + 16 + 5 ||
		    strcmp(e.key_id, kid) != 0) {
			vline(c, BUNDLE_FAIL, "%s: the entry of key %s: the name "
			    "does not match", p, e.key_id);
			roster_entry_clear(&e);
		} else {
			/*
			 * The entry is the office's word; a data/keys/ copy
			 * that differs is a forgery beside it, refused, and
			 * the entry's key is the one every check uses.
			 */
			if ((k = vkey(c, e.key_id)) != NULL) {
				b64 = key_public_base64(&k->pk);
				if (strcmp(b64, e.pubkey) != 0)
					vline(c, BUNDLE_FAIL, "data/keys/%s.pub "
					    "is not the key of the office-signed "
					    "%s (a key id names a key, it never "
					    "proves one): the entry's key is used",
					    e.key_id, p);
				free(b64);
			}
			vline(c, BUNDLE_OK, "roster: %s is %s (%s), valid from "
			    "%s%s%s, signed by the office key", e.key_id,
			    e.name, e.badge, e.valid_from, e.revoked_at[0] ?
			    ", revoked at " : "", e.revoked_at);
			c->roster = xrealloc(c->roster, (c->nroster + 1) *
			    sizeof *c->roster);
			c->roster[c->nroster++] = e;
		}
		free(sp);
		free(sig);
		free(body);
	}
}

/*
 * Was e valid when the bag was made (Lantian-Bagged, or else the whole
 * Bagging-Date, for bags of before it)?  *why says what fails.
 */
static int
vexporter_valid(const struct vctx *c, const struct roster_entry *e,
    const char **why)
{
	char	lo[32], hi[32];

	if (c->bagged[0] != '\0')
		snprintf(lo, sizeof lo, "%s", c->bagged);
	else if (c->bagdate[0] != '\0')
		snprintf(lo, sizeof lo, "%sT00:00:00Z", c->bagdate);
	else {
		*why = "the bag does not say when it was made";
		return 0;
	}
	snprintf(hi, sizeof hi, "%s", lo);
	if (c->bagged[0] == '\0')
		snprintf(hi, sizeof hi, "%sT23:59:59Z", c->bagdate);
	if (strcmp(hi, e->valid_from) < 0) {
		*why = "whose roster entry was not yet valid when the bag was "
		    "made";
		return 0;
	}
	if (e->revoked_at[0] != '\0' && strcmp(lo, e->revoked_at) >= 0) {
		*why = "whose key was revoked before the bag was made";
		return 0;
	}
	return 1;
}

/* The exporter's signature of the tag manifest. */
static void
vcheck_exporter(struct vctx *c)
{
	const struct roster_entry	*e;
	struct key_public		 pk;
	struct sig			 s;
	const char			*why = NULL;
	char				*body, *sig, kid[KEY_ID_HEX], *want;
	size_t				 len, slen;
	int				 office;

	if ((body = vread(c, BAGIT_TAGMANIFEST, V_MANIFEST_MAX, &len,
	    1)) == NULL)
		return;		/* said already */
	if ((sig = vread(c, BAGIT_TAGMANIFEST ".minisig", 4096, &slen,
	    0)) == NULL) {
		free(body);
		return;
	}
	if (sig_parse(sig, slen, &s) != 0) {
		vline(c, BUNDLE_FAIL, "%s.minisig: %s", BAGIT_TAGMANIFEST,
		    error_msg());
		goto done;
	}
	key_id_hex(kid, s.id);
	office = c->have_office && strcmp(kid, c->office_id) == 0;
	e = vroster(c, kid);
	if (!office && (e == NULL || vroster_key(c, kid, &pk) != 0)) {
		vline(c, BUNDLE_FAIL, "the exporter's signature: by key %s, "
		    "which is not on the office-signed roster in the bag: "
		    "anyone can make a key and sign a bag", kid);
		goto out;
	}
	if (sig_verify(&s, office ? &c->office : &pk, body, len) != 0) {
		vline(c, BUNDLE_FAIL, "the exporter's signature of %s: %s",
		    BAGIT_TAGMANIFEST, error_msg());
		goto out;
	}
	want = xasprintf("lantian bundle case=%s", c->case_id != NULL ?
	    c->case_id : "");
	if (strcmp(s.trusted, want) != 0)
		vline(c, BUNDLE_FAIL, "the exporter's signature names "
		    "another case: \"%s\"", s.trusted);
	else if (office)
		vline(c, BUNDLE_OK, "the exporter's signature of the tag "
		    "manifest: the office key %s", kid);
	else if (!vexporter_valid(c, e, &why))
		vline(c, BUNDLE_FAIL, "the exporter's signature: key %s, %s "
		    "(%s), %s", kid, e->name, e->badge, why);
	else
		vline(c, BUNDLE_OK, "the exporter's signature of the "
		    "tag manifest: device key %s, %s (%s) on the "
		    "office's roster", kid, e->name, e->badge);
	free(want);
out:
	sig_clear(&s);
done:
	free(sig);
	free(body);
}

/* The payload file of an attachment or form with this hash, or NULL. */
static struct vfile *
vby_hash(struct vctx *c, const char *prefix, const char *sha)
{
	size_t	i, n = strlen(prefix);

	for (i = 0; i < c->nfiles; i++) {
		if (strncmp(c->files[i].path, prefix, n) == 0 &&
		    strcmp(c->files[i].hex, sha) == 0)
			return &c->files[i];
	}
	return NULL;
}

static void
vchain_free_one(struct vchain *ch)
{
	free(ch->seq);
	free(ch->id);
	free(ch->prev);
}

static void
vchain_free(struct vchain *ch, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		vchain_free_one(&ch[i]);
	free(ch);
}

/* data/chain/<kid>.txt, parsed and checked against itself. */
static int
vchain_load(struct vctx *c, const char *p, struct vchain *ch)
{
	char	*text, *line, *save = NULL, id[65], prev[65];
	long long seq;
	size_t	 len, size = 0, i, gaps = 0;
	int	 bad = 0, k;
	char	 missing[160];

	memset(ch, 0, sizeof *ch);
	snprintf(ch->kid, sizeof ch->kid, "%.16s", p + 11);
	if ((text = vread(c, p, V_MANIFEST_MAX, &len, 0)) == NULL)
		return -1;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (*line == '#')
			continue;
		if (sscanf(line, "%lld %64s %64s", &seq, id, prev) != 3 ||
		    seq < 1 || !util_is_hex(id, 64) || (strcmp(prev, "-") !=
		    0 && !util_is_hex(prev, 64))) {
			vline(c, BUNDLE_FAIL, "%s: not \"seq id prev\": %.40s", p,
			    line);
			bad = 1;
			break;
		}
		if (ch->n == size) {
			size = size == 0 ? 256 : size * 2;
			ch->seq = xrealloc(ch->seq, size * sizeof *ch->seq);
			ch->id = xrealloc(ch->id, size * sizeof *ch->id);
			ch->prev = xrealloc(ch->prev, size * sizeof *ch->prev);
		}
		ch->seq[ch->n] = seq;
		memcpy(ch->id[ch->n], id, 65);
		snprintf(ch->prev[ch->n], 65, "%s", strcmp(prev, "-") == 0 ?
		    "" : prev);
		ch->n++;
	}
	free(text);
	if (bad)
		return -1;
	missing[0] = '\0';
	for (i = 0; i < ch->n; i++) {
		if (i > 0 && ch->seq[i] < ch->seq[i - 1]) {
			vline(c, BUNDLE_FAIL, "%s: not in seq order", p);
			return -1;
		}
		if (i > 0 && ch->seq[i] == ch->seq[i - 1] + 1 &&
		    strcmp(ch->prev[i], ch->id[i - 1]) != 0) {
			vline(c, BUNDLE_FAIL, "%s: seq %lld names %.16s as its "
			    "prev, but seq %lld is %.16s", p,
			    (long long)ch->seq[i], ch->prev[i],
			    (long long)ch->seq[i - 1], ch->id[i - 1]);
			bad = 1;
		}
		if (i > 0 && ch->seq[i] == ch->seq[i - 1])
			vline(c, BUNDLE_NOTE, "%s: two records at seq %lld (a "
			    "fork the exporter knew of)", p,
			    (long long)ch->seq[i]);
		if ((i == 0 && ch->seq[0] > 1) || (i > 0 &&
		    ch->seq[i] > ch->seq[i - 1] + 1)) {
			gaps++;
			k = (int)strlen(missing);
			if (k < 120)
				snprintf(missing + k, sizeof missing - (size_t)k,
				    "%s%lld", k ? ", " : "", i == 0 ? 1LL :
				    (long long)ch->seq[i - 1] + 1);
		}
	}
	if (bad)
		return -1;
	if (gaps > 0)
		vline(c, BUNDLE_NOTE, "chain of %s: %zu record(s) up to seq "
		    "%lld; missing from the exporter's store: seq %s%s", ch->kid,
		    ch->n, ch->n ? (long long)ch->seq[ch->n - 1] : 0LL, missing,
		    gaps > 8 ? " …" : "");
	else
		vline(c, BUNDLE_OK, "chain of %s: %zu record(s), seq 1 to %lld "
		    "without a gap", ch->kid, ch->n, ch->n ?
		    (long long)ch->seq[ch->n - 1] : 0LL);
	return 0;
}

/* The chain file's id at seq, or NULL; *forked when it has two. */
static const char *
vchain_at(const struct vchain *ch, int64_t seq, const char *want)
{
	const char	*found = NULL;
	size_t		 i;

	for (i = 0; i < ch->n; i++) {
		if (ch->seq[i] != seq)
			continue;
		found = ch->id[i];
		if (want != NULL && strcmp(ch->id[i], want) == 0)
			return ch->id[i];
	}
	return found;
}

/* One record: id, signature, roster, attachments, form, chain. */
static void
vcheck_record(struct vctx *c, const char *p, struct vchain *chains,
    size_t nchains)
{
	const struct roster_entry	*e;
	const json_t			*a, *form;
	struct record			 r;
	struct key_public		 pk;
	struct vfile			*vf;
	const char			*sha, *at, *pid;
	char				*body, *sig, *sp, id[65], hex[65];
	size_t				 len, slen, i;
	time_t				 t;
	int				 ok = 1;

	snprintf(id, sizeof id, "%.64s", p + 13);
	if (strlen(p) != 13 + 64 + 5 || !util_is_hex(id, 64)) {
		vline(c, BUNDLE_FAIL, "%s: not data/records/<id>.json", p);
		return;
	}
	if ((body = vread(c, p, RECORD_MAX, &len, 0)) == NULL)
		return;
	c->records++;
	sp = xasprintf("%s.minisig", p);
	sig = vread(c, sp, 4096, &slen, 0);
	free(sp);
	util_sha256_hex(hex, body, len);
	if (strcmp(hex, id) != 0) {
		vline(c, BUNDLE_FAIL, "record %.16s: altered: its bytes hash "
		    "to %.16s…, not its id", id, hex);
		free(body);
		free(sig);
		return;
	}
	if (record_parse(&r, body, len) != 0) {
		vline(c, BUNDLE_FAIL, "record %.16s: %s", id, error_msg());
		free(body);
		free(sig);
		return;
	}
	if (sig == NULL)
		ok = 0;
	else if (vroster_key(c, r.device, &pk) != 0) {
		vline(c, BUNDLE_FAIL, "record %.16s: no office-signed roster "
		    "entry in the bag gives the key of device %s", id,
		    r.device);
		ok = 0;
	} else if (record_check_sig(r.id, r.type, r.device, r.seq, body, len,
	    sig, &pk) != 0) {
		vline(c, BUNDLE_FAIL, "record %.16s: signature: %s", id,
		    error_msg());
		ok = 0;
	}
	e = vroster(c, r.device);
	if (util_parse_rfc3339(r.created, &t) != 0)
		t = 0;
	if (e == NULL) {
		vline(c, BUNDLE_FAIL, "record %.16s: device %s is not on an "
		    "office-signed roster in the bag", id, r.device);
		ok = 0;
	} else if (!roster_valid_at(e, t)) {
		vline(c, BUNDLE_FAIL, "record %.16s: made %s, when device %s "
		    "(%s) was not on the roster (valid from %s%s%s)", id,
		    r.created, r.device, e->name, e->valid_from,
		    e->revoked_at[0] ? ", revoked at " : "", e->revoked_at);
		ok = 0;
	}
	json_array_foreach(json_object_get(r.doc, "attachments"), i, a) {
		sha = json_string_value(json_object_get(a, "sha256"));
		if (sha == NULL || (vf = vby_hash(c, "data/attachments/",
		    sha)) == NULL) {
			vline(c, BUNDLE_FAIL, "record %.16s: attachment %.16s "
			    "(%s) is not in the bag with its hash", id,
			    sha != NULL ? sha : "?", json_string_value(
			    json_object_get(a, "name")) != NULL ?
			    json_string_value(json_object_get(a, "name")) : "?");
			ok = 0;
		}
	}
	form = json_object_get(r.doc, "form");
	if ((sha = json_string_value(json_object_get(form, "sha256"))) !=
	    NULL && vby_hash(c, "data/forms/", sha) == NULL) {
		vline(c, BUNDLE_FAIL, "record %.16s: form %s v%lld (sha256 "
		    "%.16s…) is not in data/forms/", id, r.form != NULL ?
		    r.form : "?", (long long)r.form_version, sha);
		ok = 0;
	}
	for (i = 0; i < nchains && strcmp(chains[i].kid, r.device) != 0; i++)
		;
	if (i == nchains) {
		vline(c, BUNDLE_FAIL, "record %.16s: no chain file for device "
		    "%s", id, r.device);
		ok = 0;
	} else if ((at = vchain_at(&chains[i], r.seq, r.id)) == NULL ||
	    strcmp(at, r.id) != 0) {
		vline(c, BUNDLE_FAIL, "record %.16s: seq %lld, but the chain "
		    "file has %s there", id, (long long)r.seq, at != NULL ?
		    at : "nothing");
		ok = 0;
	} else if (r.seq > 1 && (pid = vchain_at(&chains[i], r.seq - 1,
	    r.prev)) != NULL && strcmp(pid, r.prev) != 0) {
		vline(c, BUNDLE_FAIL, "record %.16s: its prev is %.16s, the "
		    "chain file's seq %lld is %.16s", id, r.prev,
		    (long long)r.seq - 1, pid);
		ok = 0;
	}
	if (ok)
		vline(c, BUNDLE_OK, "record %.16s: %s of %s, %s by %s (%s), seq "
		    "%lld: id, signature, roster, chain%s hold", id, r.type,
		    r.site != NULL ? r.site : "-", r.created, e->name,
		    e->badge, (long long)r.seq, json_array_size(
		    json_object_get(r.doc, "attachments")) > 0 ?
		    ", attachments" : "");
	record_clear(&r);
	free(body);
	free(sig);
}

/* Each review: signed by the office key for its path. */
static void
vcheck_review(struct vctx *c, const char *p)
{
	json_t	*doc;
	char	*body, *sig, *sp, issued[32];
	size_t	 len, slen;

	if ((body = vread(c, p, 1024 * 1024, &len, 0)) == NULL)
		return;
	sp = xasprintf("%s.minisig", p);
	sig = vread(c, sp, 4096, &slen, 0);
	free(sp);
	if (sig != NULL && !c->have_office)
		vline(c, BUNDLE_FAIL, "%s: no office key to check it with", p);
	else if (sig != NULL && office_doc_verify(&c->office, p + 5, body, len,
	    sig, issued) != 0)
		vline(c, BUNDLE_FAIL, "%s: not the office's: %s", p,
		    error_msg());
	else if (sig != NULL) {
		doc = json_loadb(body, len, 0, NULL);
		vline(c, BUNDLE_OK, "review of record %.16s: %s on %s, signed "
		    "by the office key", p + 13, json_string_value(
		    json_object_get(doc, "state")) != NULL ?
		    json_string_value(json_object_get(doc, "state")) : "?",
		    issued);
		json_decref(doc);
	}
	free(body);
	free(sig);
}

static void
vcheck_payload(struct vctx *c)
{
	struct vchain	*chains = NULL;
	size_t		 i, n = 0, plen;
	const char	*p;

	for (i = 0; i < c->nfiles; i++) {
		p = c->files[i].path;
		plen = strlen(p);
		if (strncmp(p, "data/chain/", 11) == 0 && plen == 11 + 16 + 4 &&
		    strcmp(p + 27, ".txt") == 0) {
			chains = xrealloc(chains, (n + 1) * sizeof *chains);
			if (vchain_load(c, p, &chains[n]) == 0)
				n++;
			else	/* what it read before it failed (found by
				   tests/fuzz/fuzz_bundle: it leaked) */
				vchain_free_one(&chains[n]);
		}
	}
	for (i = 0; i < c->nfiles; i++) {
		p = c->files[i].path;
		plen = strlen(p);
		if (strncmp(p, "data/records/", 13) == 0 && plen > 5 &&
		    strcmp(p + plen - 5, ".json") == 0)
			vcheck_record(c, p, chains, n);
		else if (strncmp(p, "data/reviews/", 13) == 0 && plen > 5 &&
		    strcmp(p + plen - 5, ".json") == 0)
			vcheck_review(c, p);
	}
	vchain_free(chains, n);
	if (c->records == 0)
		vline(c, BUNDLE_FAIL, "no record in data/records/");
	if (vfind(c, "data/report.html") != NULL)
		vline(c, BUNDLE_OK, "data/report.html: the report for a person "
		    "to read");
	else
		vline(c, BUNDLE_FAIL, "data/report.html: missing");
}

/* The directory a .tar file unpacks to, in a new temporary directory. */
static int
vunpack(const char *path, char **tmp, char **bag)
{
	const char	*base = getenv("TMPDIR");
	int		 rc;

	*tmp = xasprintf("%s/lantian-bag.XXXXXX", base != NULL && *base !=
	    '\0' ? base : "/tmp");
	if (mkdtemp(*tmp) == NULL) {
		rc = error_set(LT_EIO, "%s: %s", *tmp, strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return rc;
	}
	return bundle_tar_read(path, *tmp, bag);
}

int
bundle_verify(const char *path, const char *office_key, bundle_line_fn fn,
    void *arg, int *failed)
{
	struct vctx	 c;
	struct stat	 sb;
	char		*tmp = NULL, *bag = NULL;
	size_t		 i;
	int		 rc;

	memset(&c, 0, sizeof c);
	c.fn = fn;
	c.arg = arg;
	*failed = 0;
	if (stat(path, &sb) != 0)
		return error_set(LT_ENOTFOUND, "%s: %s", path, strerror(errno));
	if (S_ISREG(sb.st_mode)) {
		if ((rc = vunpack(path, &tmp, &bag)) != 0)
			goto done;
		c.root = bag;
		bag = NULL;
	} else if (S_ISDIR(sb.st_mode))
		c.root = xstrdup(path);
	else
		return error_set(LT_EINVAL, "%s: not a directory or a .tar "
		    "file", path);
	if ((rc = vwalk(&c, "", 0)) != 0)
		goto done;
	qsort(c.files, c.nfiles, sizeof *c.files, vfile_cmp);
	vcheck_bag(&c);
	vcheck_info(&c);
	vcheck_keys(&c, office_key);
	vcheck_roster(&c);
	vcheck_exporter(&c);
	vcheck_payload(&c);
	*failed = c.failed;
	if (c.failed == 0)
		vline(&c, BUNDLE_OK, "verdict: VALID: the bag is complete and "
		    "unaltered, and every signature and roster entry holds (%d "
		    "record(s))", c.records);
	else
		vline(&c, BUNDLE_FAIL, "verdict: NOT VALID: %d check(s) failed",
		    c.failed);
	rc = 0;
done:
	if (tmp != NULL) {
		bundle_rmtree(tmp);
		free(tmp);
	}
	free(bag);
	for (i = 0; i < c.nfiles; i++)
		free(c.files[i].path);
	free(c.files);
	free(c.keys);
	for (i = 0; i < c.nroster; i++)
		roster_entry_clear(&c.roster[i]);
	free(c.roster);
	free(c.case_id);
	free(c.root);
	return rc;
}
