#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/attach.h"
#include "core/db.h"
#include "core/error.h"
#include "core/key.h"
#include "core/office.h"
#include "core/roster.h"
#include "core/util.h"
#include "export.h"
#include "gitutil.h"
#include "layout.h"

/* Records per commit: bounds the memory of one run. */
#define EXPORT_BATCH	5000

/* Tree updates being gathered for one commit. */
struct export_tree {
	git_tree_update	*up;
	char		**paths;
	size_t		 n, cap;
	size_t		 uniq;	/* updates to apply, after export_unique() */
};

static void
export_add(struct export_tree *t, const char *path, const git_oid *oid)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->up = xrealloc(t->up, t->cap * sizeof *t->up);
		t->paths = xrealloc(t->paths, t->cap * sizeof *t->paths);
	}
	t->paths[t->n] = xstrdup(path);
	memset(&t->up[t->n], 0, sizeof t->up[t->n]);
	t->up[t->n].action = GIT_TREE_UPDATE_UPSERT;
	git_oid_cpy(&t->up[t->n].id, oid);
	t->up[t->n].filemode = GIT_FILEMODE_BLOB;
	t->up[t->n].path = t->paths[t->n];
	t->n++;
	t->uniq = t->n;
}

static void
export_reset(struct export_tree *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		free(t->paths[i]);
	t->n = t->uniq = 0;
}

static void
export_free(struct export_tree *t)
{
	export_reset(t);
	free(t->up);
	free(t->paths);
}

/* Add the file at path with these bytes. */
static int
export_blob(git_repository *repo, struct export_tree *t, const char *path,
    const void *buf, size_t len)
{
	git_oid	oid;

	if (git_blob_create_from_buffer(&oid, repo, buf, len) < 0)
		return gitutil_error("repo.git: blob");
	export_add(t, path, &oid);
	return 0;
}

/* The attachments a record names, as files of the attachments branch. */
static int
export_attachments(struct datadir *dd, git_repository *repo,
    struct export_tree *t, const char *body, size_t len)
{
	json_t		*doc, *a;
	const char	*sha;
	char		*file, path[96];
	git_oid		 oid;
	size_t		 i;
	int		 rc = 0;

	if ((doc = json_loadb(body, len, 0, NULL)) == NULL)
		return 0;
	json_array_foreach(json_object_get(doc, "attachments"), i, a) {
		sha = json_string_value(json_object_get(a, "sha256"));
		if (sha == NULL || !util_is_hex(sha, 64))
			continue;
		file = attach_path(dd->path, sha);
		if (util_exists(file)) {
			if (git_blob_create_from_disk(&oid, repo, file) < 0)
				rc = gitutil_error(file);
			else {
				layout_attachment_path(path, sizeof path, sha);
				export_add(t, path, &oid);
			}
		}
		free(file);
		if (rc != 0)
			break;
	}
	json_decref(doc);
	return rc;
}

static int
export_cmp(const void *a, const void *b)
{
	const git_tree_update	*x = a, *y = b;

	return strcmp(x->path, y->path);
}

/*
 * Sort the gathered updates by path and keep one of each: a photo cited by
 * two records of one batch is one file of the attachments branch, and
 * libgit2 refuses a tree update that names a path twice.  The paths array
 * keeps every copy for export_reset() to free.
 */
static void
export_unique(struct export_tree *t)
{
	size_t	i, n = 0;

	if (t->n < 2)
		return;
	qsort(t->up, t->n, sizeof *t->up, export_cmp);
	for (i = 0; i < t->n; i++) {
		if (n > 0 && strcmp(t->up[n - 1].path, t->up[i].path) == 0) {
			t->up[n - 1] = t->up[i];	/* the last one wins */
			continue;
		}
		t->up[n++] = t->up[i];
	}
	/*
	 * The dropped entries' path strings stay owned by paths[]; entries
	 * past n are no longer applied but are still freed through paths[].
	 */
	t->uniq = n;
}

/* Commit the gathered updates on ref (a new commit on its tip). */
static int
export_commit(git_repository *repo, const char *ref, struct export_tree *t,
    const char *message)
{
	git_reference	*r = NULL;
	git_commit	*parent = NULL;
	git_tree	*base = NULL, *tree = NULL;
	git_signature	*who = NULL;
	git_oid		 tree_oid, commit_oid;
	int		 rc = 0;

	if (t->n == 0)
		return 0;
	export_unique(t);
	if (git_reference_lookup(&r, repo, ref) == 0) {
		if (git_commit_lookup(&parent, repo,
		    git_reference_target(r)) < 0 ||
		    git_commit_tree(&base, parent) < 0) {
			rc = gitutil_error(ref);
			goto cleanup;
		}
	}
	if ((rc = gitutil_tree_update(repo, base, t->up, t->uniq,
	    &tree_oid)) != 0)
		goto cleanup;
	if (base != NULL && git_oid_equal(&tree_oid, git_tree_id(base)))
		goto cleanup;	/* all there already (a run cut short) */
	if (git_tree_lookup(&tree, repo, &tree_oid) < 0 ||
	    git_signature_now(&who, "lantian", "lantian@localhost") < 0 ||
	    git_commit_create(&commit_oid, repo, ref, who, who, "UTF-8",
	    message, tree, parent != NULL ? 1 : 0,
	    (const git_commit **)&parent) < 0)
		rc = gitutil_error(ref);
cleanup:
	git_signature_free(who);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	git_reference_free(r);
	return rc;
}

int
export_device(struct datadir *dd, git_repository *repo, int64_t *records,
    int64_t *attachments)
{
	struct export_tree	 rec = { 0 }, att = { 0 };
	struct key_public	 pk;
	sqlite3_stmt		*st = NULL;
	char			 hex[KEY_ID_HEX], *v = NULL, *pub = NULL;
	char			 recref[64], attref[64], path[64], msg[96];
	int64_t			 from = 0, last = 0, first = 0;
	int			 rc, step = SQLITE_DONE;

	*records = *attachments = 0;
	if (!datadir_has_key(dd))
		return 0;	/* an office machine without a device key */
	if ((rc = datadir_device_public(dd, &pk)) != 0)
		return rc;
	key_id_hex(hex, pk.id);
	snprintf(recref, sizeof recref, "refs/heads/devices/%s", hex);
	snprintf(attref, sizeof attref, "refs/heads/attachments/%s", hex);
	if ((rc = db_setting_get(dd->db, "export.seq", &v)) != 0)
		return rc;
	from = v != NULL ? strtoll(v, NULL, 10) : 0;
	free(v);
	if ((rc = db_prepare(dd->db, &st, "SELECT seq, id, body, sig FROM "
	    "records WHERE device = ?1 AND seq > ?2 ORDER BY seq")) != 0)
		return rc;
	db_bind_text(st, 1, hex);
	for (;;) {
		sqlite3_bind_int64(st, 2, from);
		pub = key_public_format(&pk);
		rc = export_blob(repo, &rec, "device.pub", pub, strlen(pub));
		free(pub);
		first = 0;
		while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t		 seq = sqlite3_column_int64(st, 0);
			const char	*body = sqlite3_column_blob(st, 2);
			size_t		 len = (size_t)sqlite3_column_bytes(st, 2);
			const char	*sig = (const char *)
			    sqlite3_column_text(st, 3);

			if (first == 0)
				first = seq;
			last = seq;
			layout_record_path(path, sizeof path, seq, 0);
			if ((rc = export_blob(repo, &rec, path, body,
			    len)) != 0)
				break;
			layout_record_path(path, sizeof path, seq, 1);
			if ((rc = export_blob(repo, &rec, path, sig,
			    strlen(sig))) != 0)
				break;
			if ((rc = export_attachments(dd, repo, &att, body,
			    len)) != 0)
				break;
			(*records)++;
			if ((seq - from) % EXPORT_BATCH == 0)
				break;
		}
		if (rc == 0 && step != SQLITE_ROW && step != SQLITE_DONE)
			rc = db_error(dd->db, "records");
		if (rc != 0 || first == 0)
			break;
		/* Records first: a weak link carries them before photos. */
		snprintf(msg, sizeof msg, "records %" PRId64 "..%" PRId64,
		    first, last);
		if ((rc = export_commit(repo, recref, &rec, msg)) != 0)
			break;
		snprintf(msg, sizeof msg, "attachments of records %" PRId64
		    "..%" PRId64, first, last);
		if ((rc = export_commit(repo, attref, &att, msg)) != 0)
			break;
		*attachments += (int64_t)att.uniq;
		snprintf(msg, sizeof msg, "%" PRId64, last);
		if ((rc = db_setting_set(dd->db, "export.seq", msg)) != 0)
			break;
		export_reset(&rec);
		export_reset(&att);
		from = last;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	export_free(&rec);
	export_free(&att);
	return rc;
}

struct export_ctx_office {
	git_repository		*repo;
	struct export_tree	 t;
};

/* Add one roster entry, signed, to the office tree being gathered. */
static int
export_roster_entry(const struct roster_entry *e, void *arg)
{
	struct export_ctx_office	*o = arg;
	char				 path[64];
	int				 rc;

	snprintf(path, sizeof path, "roster/%s.json", e->key_id);
	if ((rc = export_blob(o->repo, &o->t, path, e->body, e->len)) != 0)
		return rc;
	snprintf(path, sizeof path, "roster/%s.json.minisig", e->key_id);
	return export_blob(o->repo, &o->t, path, e->sig, strlen(e->sig));
}

/* Add one published document and its signature. */
static int
export_office_doc(const char *path, const char *body, size_t len,
    const char *sig, void *arg)
{
	struct export_ctx_office	*o = arg;
	char				*sigpath;
	int				 rc;

	if ((rc = export_blob(o->repo, &o->t, path, body, len)) != 0)
		return rc;
	sigpath = xasprintf("%s.minisig", path);
	rc = export_blob(o->repo, &o->t, sigpath, sig, strlen(sig));
	free(sigpath);
	return rc;
}

int
export_office(struct datadir *dd, git_repository *repo)
{
	struct export_ctx_office	 o;
	struct key_public		 pk;
	char				*pub;
	int				 rc;

	if (!roster_office_has_key(dd) || roster_anchor(dd->db, &pk) != 0)
		return 0;
	memset(&o, 0, sizeof o);
	o.repo = repo;
	pub = key_public_format(&pk);
	rc = export_blob(repo, &o.t, "office.pub", pub, strlen(pub));
	free(pub);
	if (rc == 0)
		rc = roster_each(dd->db, export_roster_entry, &o);
	if (rc == 0)
		rc = office_each(dd->db, export_office_doc, &o);
	if (rc == 0)
		rc = export_commit(repo, "refs/heads/office", &o.t,
		    "office: roster, sites, forms");
	export_free(&o.t);
	return rc;
}
