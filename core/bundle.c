/*
 * Writing an evidence bundle (core/bundle.h): gather the selection's
 * records and everything that checks them from the store, write the bag,
 * the manifests and the exporter's signature.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "attach.h"
#include "bagit.h"
#include "bundle_priv.h"
#include "db.h"
#include "error.h"
#include "history.h"
#include "review.h"
#include "roster.h"
#include "sig.h"
#include "site.h"
#include "trust.h"
#include "util.h"

#define BUNDLE_THREADS	2

/* The bag being written: the files of data/ and their hashes. */
struct bag {
	char		*root;		/* the bag's directory */
	char		**paths;	/* relative to root */
	char		(*hex)[65];
	size_t		 n, size;
	uint64_t	 bytes;
};

static void
bag_add(struct bag *b, const char *rel, const char *hex, uint64_t bytes)
{
	if (b->n == b->size) {
		b->size = b->size == 0 ? 256 : b->size * 2;
		b->paths = xrealloc(b->paths, b->size * sizeof *b->paths);
		b->hex = xrealloc(b->hex, b->size * sizeof *b->hex);
	}
	b->paths[b->n] = xstrdup(rel);
	memcpy(b->hex[b->n], hex, 65);
	b->n++;
	b->bytes += bytes;
}

/*
 * Write root/rel (a payload file when payload) and note its hash.  A new
 * file, written once: the bag is synced as a whole when it is complete
 * (bundle_export), not file by file.
 */
static int
bag_put(struct bag *b, const char *rel, const void *buf, size_t len,
    int payload)
{
	const char	*p = buf;
	char		*path, hex[65];
	ssize_t		 n;
	size_t		 left = len;
	int		 fd, rc = 0;

	path = xasprintf("%s/%s", b->root, rel);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) < 0)
		rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
	while (rc == 0 && left > 0) {
		if ((n = write(fd, p, left)) < 0) {
			if (errno != EINTR)
				rc = error_set(LT_EIO, "%s: %s", path,
				    strerror(errno));
			continue;
		}
		p += n;
		left -= (size_t)n;
	}
	if (fd >= 0 && close(fd) != 0 && rc == 0)
		rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
	free(path);
	if (rc != 0)
		return rc;
	if (payload) {
		util_sha256_hex(hex, buf, len);
		bag_add(b, rel, hex, len);
	}
	return 0;
}

static void
bag_free(struct bag *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++)
		free(b->paths[i]);
	free(b->paths);
	free(b->hex);
	free(b->root);
}

/* Remove a tree the bundle code made (no link is followed). */
void
bundle_rmtree(const char *path)
{
	struct dirent	*e;
	struct stat	 sb;
	DIR		*d;
	char		*p;

	if (lstat(path, &sb) != 0)
		return;
	if (!S_ISDIR(sb.st_mode)) {
		unlink(path);
		return;
	}
	if ((d = opendir(path)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			p = xasprintf("%s/%s", path, e->d_name);
			bundle_rmtree(p);
			free(p);
		}
		closedir(d);
	}
	rmdir(path);
}

/* The directory out: not there yet, or there and empty. */
static int
bundle_mkout(const char *out)
{
	struct dirent	*e;
	struct stat	 sb;
	DIR		*d;
	int		 empty = 1;

	if (stat(out, &sb) != 0) {
		if (errno == ENOENT)
			return 0;
		return error_set(LT_EIO, "%s: %s", out, strerror(errno));
	}
	if (!S_ISDIR(sb.st_mode))
		return error_set(LT_EEXISTS, "%s: exists and is not a "
		    "directory: a bag is written to a new directory", out);
	if ((d = opendir(out)) == NULL)
		return error_set(LT_EIO, "%s: %s", out, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	}
	closedir(d);
	return empty ? 0 : error_set(LT_EEXISTS, "%s: exists and is not "
	    "empty: a bag is written to a new directory", out);
}

/*
 * A bag is built next to where it goes, in <parent>/.<name>.partial-<pid>
 * (and its .tar likewise), and takes its name by a rename once it is
 * complete and on the disk: an export that dies half-way never leaves
 * anything that passes for a bag, nor anything that stops the next one.
 * *parent and *base (may be NULL) get path's parent and last name.
 */
static char *
bundle_partial(const char *path, long pid, char **parent, char **base)
{
	char	*p, *slash, *dir, *name, *tmp;
	size_t	 n;

	p = xstrdup(path);
	while ((n = strlen(p)) > 1 && p[n - 1] == '/')
		p[n - 1] = '\0';
	if ((slash = strrchr(p, '/')) == NULL) {
		dir = xstrdup(".");
		name = xstrdup(p);
	} else {
		name = xstrdup(slash + 1);
		*slash = '\0';
		dir = xstrdup(slash == p ? "/" : p);
	}
	tmp = xasprintf("%s/.%s.partial-%ld", dir, name, pid);
	free(p);
	if (parent != NULL)
		*parent = dir;
	else
		free(dir);
	if (base != NULL)
		*base = name;
	else
		free(name);
	return tmp;
}

/* Remove what exports of path that died before they were done left. */
static void
bundle_stale(const char *path)
{
	char	*dir, *name, *prefix;

	free(bundle_partial(path, 0, &dir, &name));
	prefix = xasprintf(".%s.partial-", name);
	util_remove_orphans(dir, prefix, bundle_rmtree);
	free(prefix);
	free(dir);
	free(name);
}

/* Flush a directory (after a rename in it). */
static int
bundle_fsync_dir(const char *dir)
{
	int	fd, rc = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return error_set(LT_EIO, "%s: %s", dir, strerror(errno));
	if (fsync(fd) != 0)
		rc = error_set(LT_EIO, "%s: %s", dir, strerror(errno));
	close(fd);
	return rc;
}

/* A list of record ids, each once. */
struct idlist {
	char	(*id)[65];
	size_t	 n, size;
};

static void
idlist_add(struct idlist *l, const char *id)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->id[i], id) == 0)
			return;
	}
	if (l->n == l->size) {
		l->size = l->size == 0 ? 64 : l->size * 2;
		l->id = xrealloc(l->id, l->size * sizeof *l->id);
	}
	snprintf(l->id[l->n++], 65, "%s", id);
}

/* The ids a query gives (column 0), its parameters bound by the caller. */
static int
idlist_query(sqlite3 *db, sqlite3_stmt *st, struct idlist *l)
{
	int	rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		idlist_add(l, (const char *)sqlite3_column_text(st, 0));
	rc = rc == SQLITE_DONE ? 0 : db_error(db, "records");
	sqlite3_finalize(st);
	return rc;
}

/* The dates as times: [from, to + 1 day). */
static int
bundle_bounds(const struct bundle_sel *sel, char from[32], char to[32])
{
	time_t	t;

	from[0] = to[0] = '\0';
	if (sel->from != NULL) {
		if (!util_is_date(sel->from))
			return error_set(LT_EINVAL, "--from %s: not a date "
			    "(YYYY-MM-DD)", sel->from);
		snprintf(from, 32, "%sT00:00:00Z", sel->from);
	}
	if (sel->to != NULL) {
		char	day[32];

		if (!util_is_date(sel->to))
			return error_set(LT_EINVAL, "--to %s: not a date "
			    "(YYYY-MM-DD)", sel->to);
		snprintf(day, sizeof day, "%sT00:00:00Z", sel->to);
		if (util_parse_rfc3339(day, &t) != 0)
			return error_set(LT_EINVAL, "--to %s: not a date",
			    sel->to);
		util_rfc3339(to, 32, t + 86400);
	}
	return 0;
}

/* The selection's record ids, oldest first, amendments after. */
static int
bundle_select(sqlite3 *db, const struct bundle_sel *sel, struct idlist *l)
{
	sqlite3_stmt	*st;
	struct record	 r;
	char		 from[32], to[32];
	size_t		 i, n;
	int		 rc;

	if ((rc = bundle_bounds(sel, from, to)) != 0)
		return rc;
	if (sel->site != NULL) {
		if ((rc = db_prepare(db, &st, "SELECT id FROM records WHERE "
		    "site = ?1 AND type <> 'amendment' AND created >= ?2 AND "
		    "created < ?3 ORDER BY created, id")) != 0)
			return rc;
		db_bind_text(st, 1, sel->site);
		db_bind_text(st, 2, from);
		db_bind_text(st, 3, to[0] != '\0' ? to : "9999");
		if ((rc = idlist_query(db, st, l)) != 0)
			return rc;
	}
	if (sel->finding != NULL) {
		/* The records that found it, and those that closed it. */
		if ((rc = db_prepare(db, &st, "SELECT r.id FROM records r "
		    "WHERE r.id IN (SELECT record FROM findings WHERE rule = ?1 "
		    "UNION SELECT closed_by FROM findings WHERE rule = ?1) AND "
		    "r.created >= ?2 AND r.created < ?3 ORDER BY r.created, "
		    "r.id")) != 0)
			return rc;
		db_bind_text(st, 1, sel->finding);
		db_bind_text(st, 2, from);
		db_bind_text(st, 3, to[0] != '\0' ? to : "9999");
		if ((rc = idlist_query(db, st, l)) != 0)
			return rc;
	}
	for (i = 0; i < sel->nrecords; i++) {
		if ((rc = record_load(db, sel->records[i], &r)) != 0)
			return rc;
		idlist_add(l, r.id);
		record_clear(&r);
	}
	if (l->n == 0)
		return error_set(LT_ENOTFOUND, "no record is selected");
	/* The amendments of the records: their corrections belong too. */
	if ((rc = db_prepare(db, &st, "SELECT amendment FROM reviews WHERE "
	    "record = ?1 AND state = 'amended' AND amendment IN (SELECT id "
	    "FROM records) ORDER BY at")) != 0)
		return rc;
	for (i = 0, n = l->n; i < n && rc == 0; i++) {
		sqlite3_reset(st);
		db_bind_text(st, 1, l->id[i]);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			idlist_add(l, (const char *)sqlite3_column_text(st, 0));
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "reviews");
	}
	sqlite3_finalize(st);
	return rc;
}

static char *
bundle_col(sqlite3_stmt *st, int i)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

static int
bundle_step_json(const struct review_step *s, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s?}", "at", s->at,
	    "state", s->state, "text", s->text));
	return 0;
}

/* The form folders' forms, read once per export. */
struct bundle_forms {
	struct form	**list;
	size_t		  n;
	int		  read;
};

/* The form a record cites from the form folders, by its sha256. */
static int
bundle_form_file(struct datadir *dd, struct bundle_forms *ff,
    const struct record *r, struct form **out)
{
	const char	*sha, *bytes;
	size_t		 i, len;

	*out = NULL;
	if (!ff->read) {
		ff->read = 1;
		if (form_list(datadir_form_dirs(dd), &ff->list, &ff->n) != 0)
			error_clear();
	}
	sha = json_string_value(json_object_get(json_object_get(r->doc,
	    "form"), "sha256"));
	for (i = 0; sha != NULL && i < ff->n; i++) {
		if (strcmp(form_sha256(ff->list[i]), sha) == 0) {
			bytes = form_bytes(ff->list[i], &len);
			return form_load_buf(out, r->form, bytes, len);
		}
	}
	return LT_ENOTFOUND;
}

/* What the report says of one record besides its bytes. */
static int
bundle_load_rec(struct datadir *dd, struct bundle_forms *ff, const char *id,
    struct bundle_rec *b, int include_unverified)
{
	struct roster_entry	 e;
	struct review		 rv;
	struct site		 s;
	sqlite3_stmt		*st;
	json_t			*steps;
	int			 rc;

	if ((rc = record_load(dd->db, id, &b->r)) != 0)
		return rc;
	if ((rc = db_prepare(dd->db, &st, "SELECT status_why FROM records "
	    "WHERE id = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, b->r.id);
	if (sqlite3_step(st) == SQLITE_ROW)
		b->why = bundle_col(st, 0);
	sqlite3_finalize(st);
	b->verified = b->r.status != NULL && strcmp(b->r.status,
	    TRUST_VERIFIED) == 0;
	if (b->r.status != NULL && (strcmp(b->r.status, TRUST_BAD_SIGNATURE) ==
	    0 || strcmp(b->r.status, TRUST_ID_MISMATCH) == 0))
		return error_set(LT_ESIG, "record %.16s: stored as %s: it is "
		    "not evidence and is never exported", b->r.id,
		    b->r.status);
	if (!b->verified && !include_unverified)
		return error_set(LT_ESIG, "record %.16s is not verified (%s%s%s):"
		    " --include-unverified exports it, marked so", b->r.id,
		    b->r.status != NULL ? b->r.status : "?", b->why != NULL ?
		    ": " : "", b->why != NULL ? b->why : "");
	if (b->r.form != NULL && history_form(dd->db, &b->r, &b->form) != 0 &&
	    bundle_form_file(dd, ff, &b->r, &b->form) != 0)
		return error_set(LT_ENOTFOUND, "record %.16s: form %s v%lld "
		    "with the sha256 the record cites is neither in the store "
		    "nor in the form folders", b->r.id, b->r.form,
		    (long long)b->r.form_version);
	if (b->r.site != NULL && site_get(dd->db, b->r.site, &s) == 0) {
		b->site_name = s.name != NULL ? xstrdup(s.name) : NULL;
		b->village = s.village != NULL ? xstrdup(s.village) : NULL;
		site_clear(&s);
	}
	error_clear();
	if (roster_get(dd->db, b->r.device, &e) == 0) {
		b->signer = xasprintf("%s (%s)", e.name, e.badge);
		roster_entry_clear(&e);
	}
	error_clear();
	if (review_get(dd->db, b->r.id, &rv) == 0) {
		steps = json_array();
		if ((rc = review_history(dd->db, b->r.id, bundle_step_json,
		    steps)) != 0) {
			json_decref(steps);
			review_clear(&rv);
			return rc;
		}
		b->review = json_pack("{s:s, s:s?, s:s?, s:o}", "state",
		    rv.state, "reviewed", rv.reviewed[0] != '\0' ?
		    rv.reviewed : NULL, "text", rv.text, "steps", steps);
		review_clear(&rv);
	}
	error_clear();
	return 0;
}

static void
bundle_doc_free(struct bundle_doc *d)
{
	size_t	i;

	for (i = 0; i < d->nrecs; i++) {
		record_clear(&d->recs[i].r);
		free(d->recs[i].why);
		form_free(d->recs[i].form);
		free(d->recs[i].site_name);
		free(d->recs[i].village);
		free(d->recs[i].signer);
		json_decref(d->recs[i].review);
	}
	free(d->recs);
	for (i = 0; i < d->natts; i++) {
		free(d->atts[i].file);
		free(d->atts[i].mime);
	}
	free(d->atts);
	free(d->exporter_who);
	free(d->exporter_pub);
	free(d->office_pub);
}

const struct bundle_att *
bundle_att_find(const struct bundle_doc *d, const char *sha256)
{
	size_t	i;

	for (i = 0; sha256 != NULL && i < d->natts; i++) {
		if (strcmp(d->atts[i].sha256, sha256) == 0)
			return &d->atts[i];
	}
	return NULL;
}

/* The extension of an attachment's file: from its name, else its type. */
static const char *
bundle_ext(const char *name, const char *mime, char buf[8])
{
	const char	*dot = name != NULL ? strrchr(name, '.') : NULL;
	size_t		 n, i;

	if (dot != NULL && (n = strlen(dot + 1)) >= 1 && n <= 5 &&
	    strspn(dot + 1, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == n) {
		for (i = 0; i < n; i++)
			buf[i] = (char)((dot[1 + i] >= 'A' && dot[1 + i] <= 'Z') ?
			    dot[1 + i] - 'A' + 'a' : dot[1 + i]);
		buf[n] = '\0';
		return buf;
	}
	if (mime == NULL)
		return "bin";
	if (strcmp(mime, "image/jpeg") == 0)
		return "jpg";
	if (strcmp(mime, "image/png") == 0)
		return "png";
	if (strcmp(mime, "application/pdf") == 0)
		return "pdf";
	return "bin";
}

/* Copy every attachment the records name, hashing what is written. */
static int
bundle_attachments(struct datadir *dd, struct bundle_doc *d, struct bag *b)
{
	const json_t	*list, *a;
	const char	*sha, *name, *mime;
	char		**src, **dst, (*hex)[65], **errs, ext[8];
	uint64_t	 bytes = 0;
	size_t		 i, j, n = 0, size = 0;
	int		 rc = 0;

	for (i = 0; i < d->nrecs; i++) {
		list = json_object_get(d->recs[i].r.doc, "attachments");
		json_array_foreach(list, j, a) {
			sha = json_string_value(json_object_get(a, "sha256"));
			name = json_string_value(json_object_get(a, "name"));
			mime = json_string_value(json_object_get(a, "mime"));
			if (sha == NULL || !util_is_hex(sha, 64))
				return error_set(LT_EINVAL, "record %.16s: an "
				    "attachment without its sha256",
				    d->recs[i].r.id);
			if (bundle_att_find(d, sha) != NULL)
				continue;
			if (d->natts == size) {
				size = size == 0 ? 64 : size * 2;
				d->atts = xrealloc(d->atts, size *
				    sizeof *d->atts);
			}
			snprintf(d->atts[d->natts].sha256, 65, "%s", sha);
			d->atts[d->natts].file = xasprintf("attachments/%s.%s",
			    sha, bundle_ext(name, mime, ext));
			d->atts[d->natts].mime = xstrdup(mime != NULL ? mime :
			    "application/octet-stream");
			d->natts++;
		}
	}
	n = d->natts;
	src = xcalloc(n + 1, sizeof *src);
	dst = xcalloc(n + 1, sizeof *dst);
	errs = xcalloc(n + 1, sizeof *errs);
	hex = xcalloc(n + 1, sizeof *hex);
	for (i = 0; i < n; i++) {
		src[i] = attach_path(dd->path, d->atts[i].sha256);
		dst[i] = xasprintf("%s/data/%s", b->root, d->atts[i].file);
		if (!util_exists(src[i]) && rc == 0)
			rc = error_set(LT_ENOTFOUND, "attachment %.16s is not in "
			    "this store (synced records only?): sync its "
			    "attachments first", d->atts[i].sha256);
	}
	if (rc == 0 && bagit_hash_files(src, dst, n, hex, errs,
	    BUNDLE_THREADS, &bytes) > 0) {
		for (i = 0; i < n && errs[i] == NULL; i++)
			;
		rc = error_set(LT_EIO, "%s", i < n ? errs[i] : "copy failed");
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (strcmp(hex[i], d->atts[i].sha256) != 0) {
			rc = error_set(LT_EIO, "attachment %.16s: the store's "
			    "copy does not hash to its name: the store is "
			    "damaged", d->atts[i].sha256);
			break;
		}
	}
	for (i = 0; i < n && rc == 0; i++) {
		char *rel = xasprintf("data/%s", d->atts[i].file);
		bag_add(b, rel, hex[i], 0);
		free(rel);
	}
	if (rc == 0)
		b->bytes += bytes;
	for (i = 0; i < n; i++) {
		free(src[i]);
		free(dst[i]);
		free(errs[i]);
	}
	free(src);
	free(dst);
	free(errs);
	free(hex);
	return rc;
}

/* data/keys/<key id>.pub of a key the store has. */
static int
bundle_key(sqlite3 *db, struct bag *b, const char *kid)
{
	struct key_public	 pk;
	struct roster_entry	 e;
	sqlite3_stmt		*st;
	char			*text = NULL, *rel, *b64 = NULL;
	int			 rc;

	if ((rc = db_prepare(db, &st, "SELECT pubkey FROM keys WHERE id = ?1"))
	    != 0)
		return rc;
	db_bind_text(st, 1, kid);
	if (sqlite3_step(st) == SQLITE_ROW)
		b64 = bundle_col(st, 0);
	sqlite3_finalize(st);
	if (b64 == NULL && roster_get(db, kid, &e) == 0) {
		b64 = xstrdup(e.pubkey);
		roster_entry_clear(&e);
	}
	if (b64 == NULL || key_public_parse(b64, strlen(b64), &pk) != 0) {
		free(b64);
		return error_set(LT_ENOTFOUND, "the public key of device %s is "
		    "not in this store", kid);
	}
	free(b64);
	text = key_public_format(&pk);
	rel = xasprintf("data/keys/%s.pub", kid);
	rc = bag_put(b, rel, text, strlen(text), 1);
	free(rel);
	free(text);
	return rc;
}

/* data/roster/<key id>.json and .minisig; *found whether there is one. */
static int
bundle_roster(sqlite3 *db, struct bag *b, const char *kid, int *found)
{
	struct roster_entry	 e;
	char			*rel, *srel;
	int			 rc;

	*found = 0;
	if (roster_get(db, kid, &e) != 0) {
		error_clear();
		return 0;
	}
	*found = 1;
	rel = xasprintf("data/roster/%s.json", kid);
	srel = xasprintf("data/roster/%s.json.minisig", kid);
	if ((rc = bag_put(b, rel, e.body, e.len, 1)) == 0)
		rc = bag_put(b, srel, e.sig, strlen(e.sig), 1);
	free(rel);
	free(srel);
	roster_entry_clear(&e);
	return rc;
}

/* data/chain/<key id>.txt: the device's chain as this store knows it. */
static int
bundle_chain(sqlite3 *db, struct bag *b, const char *kid, const char *now)
{
	sqlite3_stmt	*st;
	char		*buf = NULL, *rel;
	size_t		 len = 0;
	FILE		*f;
	int		 rc;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return error_set(LT_EIO, "memory: %s", strerror(errno));
	fprintf(f, "# The chain of device %s as the exporter's store knew it "
	    "on %s:\n# seq id prev (\"-\": none).  A seq missing here is a "
	    "record the exporter never had.\n", kid, now);
	if ((rc = db_prepare(db, &st, "SELECT seq, id, prev FROM records "
	    "WHERE device = ?1 AND status NOT IN ('bad-signature', "
	    "'id-mismatch') ORDER BY seq, id")) != 0) {
		fclose(f);
		free(buf);
		return rc;
	}
	db_bind_text(st, 1, kid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fprintf(f, "%lld %s %s\n", (long long)sqlite3_column_int64(st,
		    0), sqlite3_column_text(st, 1), sqlite3_column_text(st,
		    2) != NULL ? (const char *)sqlite3_column_text(st, 2) : "-");
	rc = rc == SQLITE_DONE ? 0 : db_error(db, "records");
	sqlite3_finalize(st);
	fclose(f);
	if (rc == 0) {
		rel = xasprintf("data/chain/%s.txt", kid);
		rc = bag_put(b, rel, buf, len, 1);
		free(rel);
	}
	free(buf);
	return rc;
}

/* data/reviews/<id>.json and .minisig, when the office reviewed it. */
static int
bundle_review(sqlite3 *db, struct bag *b, const char *id, int *found)
{
	sqlite3_stmt	*st;
	char		*path, *rel, *srel;
	int		 rc = 0;

	*found = 0;
	path = review_path(id);
	if ((rc = db_prepare(db, &st, "SELECT body, sig FROM office_docs "
	    "WHERE path = ?1")) != 0) {
		free(path);
		return rc;
	}
	db_bind_text(st, 1, path);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*found = 1;
		rel = xasprintf("data/%s", path);
		srel = xasprintf("data/%s.minisig", path);
		rc = bag_put(b, rel, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), 1);
		if (rc == 0)
			rc = bag_put(b, srel, sqlite3_column_text(st, 1),
			    (size_t)sqlite3_column_bytes(st, 1), 1);
		free(rel);
		free(srel);
	}
	sqlite3_finalize(st);
	free(path);
	return rc;
}

/* data/forms/<id>-v<version>.json of every form cited, once each. */
static int
bundle_forms(struct bundle_doc *d, struct bag *b, int *nforms)
{
	const char	*bytes, *sha;
	char		*rel, **seen;
	size_t		 i, j, len, n = 0;
	int		 rc = 0;

	seen = xcalloc(d->nrecs + 1, sizeof *seen);
	for (i = 0; i < d->nrecs && rc == 0; i++) {
		if (d->recs[i].form == NULL)
			continue;
		sha = form_sha256(d->recs[i].form);
		for (j = 0; j < n && strcmp(seen[j], sha) != 0; j++)
			;
		if (j < n)
			continue;
		seen[n++] = xstrdup(sha);
		/* One name per id and version; another file of the same
		 * version (edited in place) gets its hash in the name. */
		rel = xasprintf("data/forms/%s-v%d.json",
		    form_id(d->recs[i].form), form_version(d->recs[i].form));
		for (j = 0; j < b->n && strcmp(b->paths[j], rel) != 0; j++)
			;
		if (j < b->n) {
			free(rel);
			rel = xasprintf("data/forms/%s-v%d-%.12s.json",
			    form_id(d->recs[i].form),
			    form_version(d->recs[i].form), sha);
		}
		bytes = form_bytes(d->recs[i].form, &len);
		rc = bag_put(b, rel, bytes, len, 1);
		free(rel);
	}
	for (j = 0; j < n; j++)
		free(seen[j]);
	free(seen);
	*nforms = (int)n;
	return rc;
}

/* Manifest lines by their paths (after the hash and two spaces). */
static int
bundle_cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 66, *(char *const *)b + 66);
}

/* manifest-sha256.txt, sorted by path. */
static int
bundle_manifest(struct bag *b, char sha_out[65])
{
	char	**lines, *buf = NULL, *enc;
	size_t	  i, len = 0;
	FILE	 *f;
	int	  rc;

	lines = xcalloc(b->n + 1, sizeof *lines);
	for (i = 0; i < b->n; i++) {
		enc = bagit_path_encode(b->paths[i]);
		lines[i] = xasprintf("%s  %s\n", b->hex[i], enc);
		free(enc);
	}
	qsort(lines, b->n, sizeof *lines, bundle_cmp_line);
	if ((f = open_memstream(&buf, &len)) == NULL)
		return error_set(LT_EIO, "memory: %s", strerror(errno));
	for (i = 0; i < b->n; i++) {
		fputs(lines[i], f);
		free(lines[i]);
	}
	free(lines);
	fclose(f);
	util_sha256_hex(sha_out, buf, len);
	rc = bag_put(b, BAGIT_MANIFEST, buf, len, 0);
	free(buf);
	return rc;
}

/* "1.2 GiB" for Bag-Size. */
static void
bundle_size(char *buf, size_t size, uint64_t n)
{
	if (n >= 1024ULL * 1024 * 1024)
		snprintf(buf, size, "%.1f GiB", (double)n / (1024.0 * 1024 *
		    1024));
	else if (n >= 1024 * 1024)
		snprintf(buf, size, "%.1f MiB", (double)n / (1024.0 * 1024));
	else if (n >= 1024)
		snprintf(buf, size, "%.1f KiB", (double)n / 1024.0);
	else
		snprintf(buf, size, "%llu bytes", (unsigned long long)n);
}

/* bag-info.txt: a label's value on one line. */
static void
bundle_label(FILE *f, const char *label, const char *value)
{
	char	*clean = util_sanitize(value != NULL ? value : "");

	fprintf(f, "%s: %s\n", label, clean);
	free(clean);
}

static int
bundle_bag_info(sqlite3 *db, const struct bundle_doc *d, struct bag *b,
    const struct bundle_stats *st)
{
	char	*buf = NULL, *org = NULL, oxum[64], size[32], date[11];
	size_t	 len = 0;
	FILE	*f;
	int	 rc;

	if (db_setting_get(db, "office.name", &org) != 0 || org == NULL) {
		error_clear();
		free(org);
		org = xstrdup("下冶镇人民政府 生态环境办公室 (Xiaye Town, "
		    "Blue Sky plan)");
	}
	snprintf(oxum, sizeof oxum, "%llu.%zu", (unsigned long long)b->bytes,
	    b->n);
	bundle_size(size, sizeof size, b->bytes);
	util_date_after(date, sizeof date, util_now(), 0);
	if ((f = open_memstream(&buf, &len)) == NULL) {
		free(org);
		return error_set(LT_EIO, "memory: %s", strerror(errno));
	}
	bundle_label(f, "Source-Organization", org);
	bundle_label(f, "External-Identifier", d->sel->case_id);
	bundle_label(f, "External-Description", "lantian evidence bundle: "
	    "signed inspection records, their photos, keys, roster and forms");
	bundle_label(f, "Bagging-Date", date);
	bundle_label(f, "Bag-Size", size);
	bundle_label(f, "Payload-Oxum", oxum);
	bundle_label(f, "Bag-Software-Agent", "lantian " PACKAGE_VERSION);
	fprintf(f, "Internal-Sender-Identifier: %s\n", d->exporter);
	fprintf(f, "Lantian-Bagged: %s\n", d->bagged);
	bundle_label(f, "Internal-Sender-Description", d->sel->described);
	fprintf(f, "Lantian-Records: %d (%d not verified)\n", st->records,
	    st->unverified);
	fclose(f);
	rc = bag_put(b, "bag-info.txt", buf, len, 0);
	free(buf);
	free(org);
	return rc;
}

/* The shell variable VERIFY.txt keeps the roster key of kid in. */
static void
bundle_verify_var(FILE *f, const char *kid)
{
	fprintf(f, "K_%s", kid);
}

/*
 * VERIFY.txt: the checks with sh, sha256sum and minisign alone, as a
 * shell script.  Every key it checks a signature with comes from a
 * roster entry that the office key signed (minisign -P takes the key on
 * the command line), never from data/keys/, which nothing ties to the
 * office: a key id names a key, it never proves one.
 */
static char *
bundle_verify_txt(const struct bundle_doc *d, const char *case_id,
    size_t *len)
{
	char		*buf = NULL, *clean;
	const char	*dev;
	size_t		 i, j;
	FILE		*f;

	if ((f = open_memstream(&buf, len)) == NULL)
		return NULL;
	clean = util_sanitize(case_id);
	fprintf(f, "# 核验本证据包 / How to check this evidence bundle, case ");
	fputs(clean, f);
	free(clean);
	fprintf(f, "\n#\n"
	    "# Run it in the bag's directory (the one holding this file): "
	    "sh VERIFY.txt\n"
	    "# It needs sh, sha256sum (GNU coreutils) and minisign "
	    "(https://jedisct1.github.io/minisign/)\n# and nothing of lantian; "
	    "it stops at the first check that fails.\n#\n"
	    "# 在本文件所在目录运行 sh VERIFY.txt。只需要 sh、sha256sum 与 "
	    "minisign，\n# 不需要 lantian；任何一项核验失败即停止。\n#\n"
	    "# Everything below rests on one key, the office's.  Compare it, "
	    "character\n# for character, with the key the office publishes by "
	    "other means (its\n# notice board, letterhead or web site): this "
	    "file and this bag cannot prove it.\n"
	    "# 以下一切均以办公室公钥为准。请将其与办公室通过其他途径（公告栏、"
	    "公函、\n# 网站）公布的公钥逐字核对：本文件与本证据包本身无法证明它。\n"
	    "#\n#   office key / 办公室公钥 %s:\n#   %s\n#\n"
	    "# What this does not check: the times (a roster entry's valid_from "
	    "and\n# revoked_at against each record's created); lantian "
	    "verify-bundle does.\n"
	    "# 本脚本不核对时间（名册有效期与记录时间），lantian verify-bundle "
	    "会核对。\n"
	    "set -e\n\n", d->office, d->office_pub != NULL ? d->office_pub : "");
	fprintf(f, "# 0. The office key of this bag is the one above.\n"
	    "#    本证据包的办公室公钥即上述公钥。\n"
	    "{ read -r _c; read -r office; } <data/keys/office.pub\n"
	    "[ \"$office\" = \"%s\" ]\n"
	    "echo \"office key: $office\"\n\n",
	    d->office_pub != NULL ? d->office_pub : "");
	fprintf(f, "# 1. Every file is what the manifests say (the bag is "
	    "complete and unaltered).\n#    每个文件与清单一致。\n"
	    "sha256sum -c --quiet manifest-sha256.txt\n"
	    "sha256sum -c --quiet tagmanifest-sha256.txt\n\n");
	fprintf(f, "# 2. The office key signed the roster entry of each "
	    "signer; the public key\n#    in that entry is the one each "
	    "signature below is checked with.\n"
	    "#    办公室密钥签署了每位签名者的名册条目；以下签名均以条目中的公钥核验。\n"
	    "roster_key() {\n"
	    "\tminisign -V -q -p data/keys/office.pub -m \"data/roster/$1.json\" "
	    ">&2\n"
	    "\tIFS= read -r _entry <\"data/roster/$1.json\" || [ -n \"$_entry\" ]\n"
	    "\t_k=${_entry#*'\"pubkey\":\"'}\n"
	    "\t_k=${_k%%%%'\"'*}\n"
	    "\t[ -n \"$_k\" ]\n"
	    "\t[ \"$_k\" != \"$_entry\" ]\n"
	    "\tprintf '%%s\\n' \"$_k\"\n"
	    "}\n");
	bundle_verify_var(f, d->exporter);
	fprintf(f, "=$(roster_key %s)\n", d->exporter);
	for (i = 0; i < d->nrecs; i++) {
		dev = d->recs[i].r.device;
		for (j = 0; j < i && strcmp(d->recs[j].r.device, dev) != 0; j++)
			;
		if (j < i || strcmp(dev, d->exporter) == 0)
			continue;
		bundle_verify_var(f, dev);
		fprintf(f, "=$(roster_key %s)\n", dev);
	}
	fprintf(f, "\n# 3. The exporter, on the roster, signed the tag "
	    "manifest (which covers the\n#    manifest).  导出者（在名册上）"
	    "对标签清单的签名。\n"
	    "minisign -V -q -P \"$");
	bundle_verify_var(f, d->exporter);
	fprintf(f, "\" -m tagmanifest-sha256.txt\n\n");
	fprintf(f, "# 4. Each record is signed by the key of its device's "
	    "roster entry, and its\n#    id is the SHA-256 of its file.\n"
	    "#    每条记录由其设备名册条目中的公钥签名，记录编号即文件的 SHA-256。\n");
	for (i = 0; i < d->nrecs; i++) {
		fprintf(f, "minisign -V -q -P \"$");
		bundle_verify_var(f, d->recs[i].r.device);
		fprintf(f, "\" -m data/records/%s.json\n", d->recs[i].r.id);
		fprintf(f, "echo \"%s  data/records/%s.json\" | sha256sum -c "
		    "--quiet\n", d->recs[i].r.id, d->recs[i].r.id);
	}
	fprintf(f, "\n# 5. The office's reviews of the records.\n"
	    "#    办公室对记录的审核意见。\n");
	for (i = 0; i < d->nrecs; i++) {
		if (d->recs[i].review != NULL &&
		    json_object_get(d->recs[i].review, "reviewed") != NULL &&
		    !json_is_null(json_object_get(d->recs[i].review,
		    "reviewed")))
			fprintf(f, "minisign -V -q -p data/keys/office.pub -m "
			    "data/reviews/%s.json\n", d->recs[i].r.id);
	}
	fprintf(f, "\n# The chain of each device is in data/chain/: seq, id, "
	    "prev.\n#    各设备的记录链见 data/chain/。\n"
	    "echo \"VERIFY.txt: every check passed / 全部核验通过\"\n");
	fclose(f);
	return buf;
}

/* tagmanifest-sha256.txt and the exporter's signature of it. */
static int
bundle_tagmanifest(struct bag *b, const struct key_secret *sk,
    const char *case_id)
{
	static const char *const tags[] = { "bag-info.txt", "bagit.txt",
	    BAGIT_MANIFEST, "VERIFY.txt", NULL };
	char		*buf = NULL, *path, *body, *sig, *trusted, hex[65];
	size_t		 len = 0, blen;
	FILE		*f;
	int		 i, rc = 0;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return error_set(LT_EIO, "memory: %s", strerror(errno));
	for (i = 0; tags[i] != NULL && rc == 0; i++) {
		path = xasprintf("%s/%s", b->root, tags[i]);
		if ((rc = util_read_file(path, 16 * 1024 * 1024, &body,
		    &blen)) == 0) {
			util_sha256_hex(hex, body, blen);
			fprintf(f, "%s  %s\n", hex, tags[i]);
			free(body);
		}
		free(path);
	}
	fclose(f);
	if (rc == 0)
		rc = bag_put(b, BAGIT_TAGMANIFEST, buf, len, 0);
	if (rc == 0) {
		trusted = xasprintf("lantian bundle case=%s", case_id);
		sig = sig_sign(sk, buf, len, trusted,
		    "signature from lantian secret key");
		rc = bag_put(b, BAGIT_TAGMANIFEST ".minisig", sig,
		    strlen(sig), 0);
		free(sig);
		free(trusted);
	}
	free(buf);
	return rc;
}

static int
bundle_mkdirs(const char *root)
{
	static const char *const dirs[] = { "data", "data/records",
	    "data/attachments", "data/keys", "data/roster", "data/forms",
	    "data/chain", "data/reviews", NULL };
	char	*p;
	int	 i, rc = 0;

	for (i = 0; dirs[i] != NULL && rc == 0; i++) {
		p = xasprintf("%s/%s", root, dirs[i]);
		if (mkdir(p, 0755) != 0)
			rc = error_set(LT_EIO, "%s: %s", p, strerror(errno));
		free(p);
	}
	return rc;
}

/* Flush the filesystem holding the bag (one call, not one per file). */
static int
bundle_sync(const char *out)
{
	int	fd, rc = 0;

	if ((fd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return error_set(LT_EIO, "%s: %s", out, strerror(errno));
	if (syncfs(fd) != 0)
		rc = error_set(LT_EIO, "%s: %s", out, strerror(errno));
	close(fd);
	return rc;
}

/* Is the case id one line of printable text? */
static int
bundle_case_ok(const char *id)
{
	const unsigned char	*p;

	if (id == NULL || *id == '\0' || strlen(id) > BUNDLE_CASE_MAX)
		return 0;
	for (p = (const unsigned char *)id; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	}
	return 1;
}

/* The records, the keys, roster entries, chains and reviews behind them. */
static int
bundle_payload(struct datadir *dd, struct bundle_doc *d, struct bag *b,
    struct bundle_stats *st)
{
	struct key_public	 office;
	char			*rel, *srel, *text, **kids;
	size_t			 i, j, nk = 0;
	int			 rc = 0, found;

	kids = xcalloc(d->nrecs + 2, sizeof *kids);
	kids[nk++] = xstrdup(d->exporter);
	for (i = 0; i < d->nrecs && rc == 0; i++) {
		struct record *r = &d->recs[i].r;

		rel = xasprintf("data/records/%s.json", r->id);
		srel = xasprintf("data/records/%s.json.minisig", r->id);
		if ((rc = bag_put(b, rel, r->body, r->len, 1)) == 0)
			rc = bag_put(b, srel, r->sig, strlen(r->sig), 1);
		free(rel);
		free(srel);
		for (j = 0; j < nk && strcmp(kids[j], r->device) != 0; j++)
			;
		if (j == nk)
			kids[nk++] = xstrdup(r->device);
		if (rc == 0 && strcmp(r->type, "amendment") != 0 &&
		    (rc = bundle_review(dd->db, b, r->id, &found)) == 0)
			st->reviews += found;
		st->records++;
		st->unverified += !d->recs[i].verified;
		st->amendments += strcmp(r->type, "amendment") == 0;
	}
	for (i = 0; i < nk && rc == 0; i++) {
		if ((rc = bundle_key(dd->db, b, kids[i])) != 0)
			break;
		if ((rc = bundle_roster(dd->db, b, kids[i], &found)) != 0)
			break;
		st->signers++;
		/* A chain for each device that signed a record. */
		for (j = 0; j < d->nrecs && strcmp(d->recs[j].r.device,
		    kids[i]) != 0; j++)
			;
		if (j < d->nrecs)
			rc = bundle_chain(dd->db, b, kids[i], d->bagged);
	}
	for (i = 0; i < nk; i++)
		free(kids[i]);
	free(kids);
	if (rc == 0 && (rc = roster_anchor(dd->db, &office)) != 0)
		rc = error_set(rc, "no office key is trusted here: a bag's "
		    "roster is checked against it");
	if (rc == 0) {
		key_id_hex(d->office, office.id);
		free(d->office_pub);
		d->office_pub = key_public_base64(&office);
		text = key_public_format(&office);
		rc = bag_put(b, "data/keys/office.pub", text, strlen(text), 1);
		free(text);
	}
	if (rc == 0)
		rc = bundle_forms(d, b, &st->forms);
	return rc;
}

int
bundle_export(struct datadir *dd, const struct key_secret *sk,
    const struct bundle_sel *sel, const char *out, const char *tar,
    struct bundle_stats *st)
{
	struct bundle_doc	 d;
	struct bundle_forms	 ff = { NULL, 0, 0 };
	struct idlist		 ids = { NULL, 0, 0 };
	struct key_public	 pk;
	struct roster_entry	 e;
	struct bag		 b;
	char			*html, *verify, mhex[65];
	char			*root = NULL, *parent = NULL, *tartmp = NULL;
	size_t			 i, len;
	int			 rc, made = 0, tar_done = 0;

	memset(st, 0, sizeof *st);
	memset(&d, 0, sizeof d);
	memset(&b, 0, sizeof b);
	if (!bundle_case_ok(sel->case_id))
		return error_set(LT_EINVAL, "--case: one line of text, at most "
		    "%d bytes", BUNDLE_CASE_MAX);
	d.sel = sel;
	util_rfc3339(d.bagged, sizeof d.bagged, util_now());
	key_secret_public(sk, &pk);
	key_id_hex(d.exporter, pk.id);
	/*
	 * A bag is worth the exporter's signature only when the office
	 * vouches for the exporter's key: verify-bundle and VERIFY.txt
	 * refuse any other, so a bag signed by one is refused here first.
	 */
	if (roster_get(dd->db, d.exporter, &e) != 0) {
		error_clear();
		return error_set(LT_EINVAL, "this device's key %s is not on the "
		    "office's roster, so a bag it signs would not verify: at "
		    "the office, lantian roster add %s/keys/device.pub --name "
		    "NAME --badge BADGE, then sync", d.exporter, dd->path);
	}
	if (strcmp(d.bagged, e.valid_from) < 0 || (e.revoked_at[0] != '\0' &&
	    strcmp(d.bagged, e.revoked_at) >= 0)) {
		rc = error_set(LT_EINVAL, "this device's key %s (%s) is %s on "
		    "the office's roster, so a bag it signs would not verify",
		    d.exporter, e.name, e.revoked_at[0] != '\0' &&
		    strcmp(d.bagged, e.revoked_at) >= 0 ? "revoked" :
		    "not yet valid");
		roster_entry_clear(&e);
		return rc;
	}
	d.exporter_who = xasprintf("%s (%s)", e.name, e.badge);
	d.exporter_pub = xstrdup(e.pubkey);
	roster_entry_clear(&e);
	if ((rc = bundle_select(dd->db, sel, &ids)) != 0)
		goto cleanup;
	d.recs = xcalloc(ids.n, sizeof *d.recs);
	for (i = 0; i < ids.n; i++, d.nrecs++) {
		if ((rc = bundle_load_rec(dd, &ff, ids.id[i], &d.recs[i],
		    sel->include_unverified)) != 0) {
			d.nrecs++;
			goto cleanup;
		}
	}
	if ((rc = bundle_mkout(out)) != 0)
		goto cleanup;
	bundle_stale(out);
	if (tar != NULL)
		bundle_stale(tar);
	root = bundle_partial(out, (long)getpid(), &parent, NULL);
	if (mkdir(root, 0755) != 0) {
		rc = error_set(LT_EIO, "%s: %s", out, strerror(errno));
		goto cleanup;
	}
	made = 1;
	b.root = xstrdup(root);
	if ((rc = bundle_mkdirs(root)) != 0 ||
	    (rc = bundle_payload(dd, &d, &b, st)) != 0 ||
	    (rc = bundle_attachments(dd, &d, &b)) != 0)
		goto cleanup;
	st->attachments = (int)d.natts;
	html = bundle_html(&d, &len);
	rc = bag_put(&b, "data/report.html", html, len, 1);
	free(html);
	if (rc != 0)
		goto cleanup;
	st->payload_bytes = b.bytes;
	st->payload_files = b.n;
	if ((rc = bundle_manifest(&b, mhex)) != 0 ||
	    (rc = bag_put(&b, "bagit.txt", BAGIT_TXT, strlen(BAGIT_TXT),
	    0)) != 0 || (rc = bundle_bag_info(dd->db, &d, &b, st)) != 0)
		goto cleanup;
	if ((verify = bundle_verify_txt(&d, sel->case_id, &len)) == NULL) {
		rc = error_set(LT_EIO, "VERIFY.txt: %s", strerror(errno));
		goto cleanup;
	}
	rc = bag_put(&b, "VERIFY.txt", verify, len, 0);
	free(verify);
	if (rc != 0 || (rc = bundle_tagmanifest(&b, sk, sel->case_id)) != 0)
		goto cleanup;
	if (tar != NULL) {
		tartmp = bundle_partial(tar, (long)getpid(), NULL, NULL);
		rc = bundle_tar_write(root, out, tartmp);
	}
	/* On the disk (or the stick) before it is said to be done. */
	if (rc == 0)
		rc = bundle_sync(root);
	/* The .tar first: a bag directory in place means all is done. */
	if (rc == 0 && tar != NULL) {
		if (rename(tartmp, tar) != 0)
			rc = error_set(LT_EIO, "%s: %s", tar, strerror(errno));
		else
			tar_done = 1;
	}
	if (rc == 0 && rename(root, out) != 0)
		rc = error_set(LT_EIO, "%s: %s", out, strerror(errno));
	if (rc == 0)
		rc = bundle_fsync_dir(parent);
cleanup:
	if (rc != 0 && made) {
		/* Keep the reason: removing must not replace it.  It names
		 * the bag's files where they were going, not the directory
		 * they were built in. */
		char *why = xstrdup(error_msg()), *at, *named;
		if ((at = strstr(why, root)) != NULL) {
			named = xasprintf("%.*s%s%s", (int)(at - why), why, out,
			    at + strlen(root));
			free(why);
			why = named;
		}
		if (tar_done)
			unlink(tar);
		else if (tartmp != NULL)
			unlink(tartmp);
		bundle_rmtree(util_exists(root) ? root : out);
		rc = error_set(rc, "%s", why);
		free(why);
	}
	free(root);
	free(parent);
	free(tartmp);
	bundle_doc_free(&d);
	form_list_free(ff.list, ff.n);
	bag_free(&b);
	free(ids.id);
	return rc;
}
