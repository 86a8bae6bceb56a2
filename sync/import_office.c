/*
 * The office branch's import: the office's state as a whole (core/
 * snapshot.h) and each roster entry and document it lists, checked
 * against the trusted office key and taken together or not at all.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/error.h"
#include "core/key.h"
#include "core/office.h"
#include "core/roster.h"
#include "core/snapshot.h"
#include "core/util.h"
#include "import_priv.h"
#include "layout.h"

/*
 * The office branch's folder last looked in, parsed once: libgit2 caches
 * no tree bigger than 4 KiB, so git_tree_entry_bypath() inflated the whole
 * roster/ tree again for every file in it, and 5,000 junk entries cost a
 * fresh device 25 s of zlib (20,000: minutes).  Deltas come in path
 * order, so one folder at a time is all it takes.
 */
struct import_dir {
	char		*path;		/* "" for the top, "roster", ... */
	git_tree	*tree;
};

static void
import_dir_clear(struct import_dir *d)
{
	free(d->path);
	git_tree_free(d->tree);
	memset(d, 0, sizeof *d);
}

/* The entry at path of tip (a copy, *out to free), or GIT_ENOTFOUND. */
static int
import_dir_entry(struct import_dir *d, git_tree *tip, const char *path,
    git_tree_entry **out)
{
	const git_tree_entry	*e;
	const char		*slash = strrchr(path, '/');
	char			*dir = slash != NULL ? xstrndup(path,
				    (size_t)(slash - path)) : xstrdup("");
	git_tree_entry		*de = NULL;
	int			 rc;

	*out = NULL;
	if (d->path == NULL || strcmp(d->path, dir) != 0) {
		import_dir_clear(d);
		if (*dir == '\0')
			rc = git_tree_dup(&d->tree, tip);
		else if ((rc = git_tree_entry_bypath(&de, tip, dir)) == 0) {
			rc = git_tree_entry_type(de) == GIT_OBJECT_TREE ?
			    git_tree_lookup(&d->tree, git_tree_owner(tip),
			    git_tree_entry_id(de)) : GIT_ENOTFOUND;
			git_tree_entry_free(de);
		}
		if (rc != 0) {
			free(dir);
			return GIT_ENOTFOUND;
		}
		d->path = dir;
		dir = NULL;
	}
	free(dir);
	if ((e = git_tree_entry_byname(d->tree, slash != NULL ? slash + 1 :
	    path)) == NULL)
		return GIT_ENOTFOUND;
	return git_tree_entry_dup(out, e);
}

/*
 * Is a file the snapshot does not list signed by the office all the same
 * (an older genuine one)?  Then it is refused as mixed in; otherwise it
 * goes on to be refused, as before, for what is wrong with its signature.
 */
static int
import_office_genuine(struct import_ctx *c, enum office_kind kind,
    const char *path, const char *body, size_t len, const char *sig)
{
	struct key_public	 office;
	struct roster_entry	 e;
	char			 issued[32];
	int			 ok;

	if (roster_anchor(c->dd->db, &office) != 0) {
		error_clear();
		return 0;
	}
	if (kind == OFFICE_NONE) {
		ok = roster_verify(&office, body, len, sig, &e) == 0;
		if (ok)
			roster_entry_clear(&e);
	} else
		ok = office_doc_verify(&office, path, body, len, sig,
		    issued) == 0;
	error_clear();
	return ok;
}

/*
 * One signed file of the office branch and its .minisig, read from the
 * tip: a roster entry, or a document the office publishes (sites.json,
 * forms/<id>.json), checked against the trusted office key and taken.
 */
static int
import_office_file(struct import_ctx *c, struct import_dir *dir,
    git_tree *tip, const char *path, const struct snapshot *snap)
{
	enum office_kind	 kind;
	git_tree_entry		*e = NULL, *se = NULL;
	char			*body = NULL, *sig = NULL, *sigpath, id[OFFICE_ID_MAX];
	size_t			 len, siglen, max;
	int			 rc, taken = 0;

	kind = office_doc_kind(path, id);
	if (kind == OFFICE_NONE && !layout_parse_roster_path(path)) {
		import_refuse(c, "skipped-path", path, "not a path of the "
		    "office layout");
		return 0;
	}
	max = kind == OFFICE_NONE ? ROSTER_MAX : office_doc_max(kind);
	sigpath = xasprintf("%s.minisig", path);
	if (import_dir_entry(dir, tip, path, &e) < 0 ||
	    import_dir_entry(dir, tip, sigpath, &se) < 0) {
		import_refuse(c, "incomplete", path, e == NULL ? "a signature "
		    "without its file" : "a file without its signature");
		rc = 0;
		goto cleanup;
	}
	/* A gitlink (a submodule) or a tree where a file should be. */
	if (git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB) {
		import_refuse(c, "not-a-file", path, "mode %o: only plain "
		    "files are read", (unsigned)git_tree_entry_filemode(e));
		rc = 0;
		goto cleanup;
	}
	if (git_tree_entry_filemode(se) != GIT_FILEMODE_BLOB) {
		import_refuse(c, "incomplete", path, "its signature is not a "
		    "plain file (mode %o)",
		    (unsigned)git_tree_entry_filemode(se));
		rc = 0;
		goto cleanup;
	}
	if ((rc = import_read(c, git_tree_entry_id(e), path, max, &body,
	    &len)) != 1 || (rc = import_read(c, git_tree_entry_id(se), sigpath,
	    LAYOUT_SIG_MAX, &sig, &siglen)) != 1)
		goto cleanup;
	/* Only the bytes the office's state lists: no older genuine file
	 * (an entry before its revocation) mixed into a newer state. */
	if (snap != NULL && snapshot_covers(path)) {
		char	sha[65];

		util_sha256_hex(sha, body, len);
		if (snapshot_lists(snap, path, sha) != 1 &&
		    import_office_genuine(c, kind, path, body, len, sig)) {
			import_refuse(c, "not-in-snapshot", path, "the office's "
			    "state (snapshot version %" PRId64 ") does not "
			    "list these bytes: an older or a stranger's file "
			    "mixed in, not taken", snap->version);
			rc = 0;
			goto cleanup;
		}
		/* A forgery goes on to be refused for its signature. */
	}
	rc = kind == OFFICE_NONE ? roster_accept(c->dd->db, body, len, sig,
	    &taken) : office_accept(c->dd, path, body, len, sig, &taken);
	/* The store failing (a full disk) is no fault of the file: the
	 * branch's import stops there, and the next sync does it again. */
	if (rc == LT_EDB)
		goto cleanup;
	if (rc != 0)
		import_refuse(c, kind == OFFICE_NONE ? "bad-roster" :
		    "bad-office-file", path, "%s", error_msg());
	else if (taken && kind == OFFICE_NONE)
		c->stats->roster++;
	else if (taken && kind == OFFICE_REVIEW_DOC)
		c->stats->reviews++;
	else if (taken)
		c->stats->office++;
	rc = 0;
cleanup:
	git_tree_entry_free(e);
	git_tree_entry_free(se);
	free(body);
	free(sig);
	free(sigpath);
	return rc < 0 ? rc : 0;
}

/* The office branch: every file new or changed since the last import. */
/*
 * The office's state as the branch's snapshot.json says it (core/
 * snapshot.h), checked before any file of the branch is taken: 1 and
 * *snap (with its bytes) when there is one to hold the branch to, 0 when
 * the branch is read as before (no snapshot, and this device never held
 * one), 2 when the whole branch is refused (said), < 0 on an error.
 */
static int
import_snapshot(struct import_ctx *c, struct import_dir *dir, git_tree *tip,
    struct snapshot *snap, char **body, size_t *len, char **sig,
    char issued[32])
{
	struct key_public	 office;
	git_tree_entry		*e = NULL, *se = NULL;
	size_t			 siglen;
	int64_t			 held;
	int			 rc;

	*body = *sig = NULL;
	memset(snap, 0, sizeof *snap);
	if (roster_anchor(c->dd->db, &office) != 0) {
		error_clear();
		return 0;	/* nothing here to check it with */
	}
	if ((rc = snapshot_held(c->dd->db, &held)) != 0)
		return rc;
	if (import_dir_entry(dir, tip, SNAPSHOT_PATH, &e) < 0 ||
	    import_dir_entry(dir, tip, SNAPSHOT_PATH ".minisig", &se) < 0) {
		git_tree_entry_free(e);
		if (held == 0)
			return 0;
		import_refuse(c, "no-snapshot", SNAPSHOT_PATH, "this device "
		    "holds the office's state of version %" PRId64 ", and this "
		    "branch has no signed state at all (a downgrade): none of "
		    "it is taken", held);
		return 2;
	}
	rc = git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB &&
	    git_tree_entry_filemode(se) == GIT_FILEMODE_BLOB ? 1 : 0;
	if (rc == 1)
		rc = import_read(c, git_tree_entry_id(e), SNAPSHOT_PATH,
		    SNAPSHOT_MAX, body, len);
	if (rc == 1)
		rc = import_read(c, git_tree_entry_id(se), SNAPSHOT_PATH
		    ".minisig", LAYOUT_SIG_MAX, sig, &siglen);
	git_tree_entry_free(e);
	git_tree_entry_free(se);
	if (rc < 0)
		goto fail;
	if (rc == 0)
		import_refuse(c, "bad-snapshot", SNAPSHOT_PATH, "not a plain "
		    "file, or too big: none of the branch is taken");
	else if (office_doc_verify(&office, SNAPSHOT_PATH, *body, *len, *sig,
	    issued) != 0 || snapshot_parse(*body, *len, snap) != 0)
		import_refuse(c, "bad-snapshot", SNAPSHOT_PATH, "%s: none of "
		    "the branch is taken", error_msg());
	else if (snap->version < held)
		import_refuse(c, "rollback", SNAPSHOT_PATH, "the office's state "
		    "of version %" PRId64 ", older than the %" PRId64 " this "
		    "device holds: none of it is taken", snap->version, held);
	else
		return 1;
	rc = 2;
fail:
	snapshot_clear(snap);
	free(*body);
	free(*sig);
	*body = *sig = NULL;
	return rc;
}

int
import_office(struct import_ctx *c, git_tree *old, git_tree *tip)
{
	const git_diff_delta	*d;
	struct import_dir	 dir = { NULL, NULL };
	struct import_stats	 before = *c->stats;
	struct snapshot		 snap;
	git_diff		*diff = NULL;
	char			*path, *sbody = NULL, *ssig = NULL, *missing;
	char			 issued[32];
	size_t			 i, n, len, slen = 0;
	int			 rc, held, refused = 0;

	if ((held = import_snapshot(c, &dir, tip, &snap, &sbody, &slen,
	    &ssig, issued)) < 0 || held == 2) {
		import_dir_clear(&dir);
		return held == 2 ? IMPORT_STATE_REFUSED : held;
	}
	if ((rc = import_diff(c, old, tip, &diff)) != 0)
		goto done;
	/* The state whole or not at all. */
	if (held && (rc = db_exec(c->dd->db, "SAVEPOINT office_state")) != 0)
		goto done;
	c->deferring = held;
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n && rc == 0; i++) {
		d = git_diff_get_delta(diff, i);
		if (strncmp(d->new_file.path, SNAPSHOT_PATH,
		    strlen(SNAPSHOT_PATH)) == 0)
			continue;	/* read first, above */
		if (!import_plain(c, d) ||
		    strcmp(d->new_file.path, "office.pub") == 0)
			continue;
		/* A changed signature is read with its file; a file whose
		 * signature changed too is read once. */
		len = strlen(d->new_file.path);
		if (len > 8 && strcmp(d->new_file.path + len - 8,
		    ".minisig") == 0) {
			path = xstrndup(d->new_file.path, len - 8);
			if (i > 0 && strcmp(git_diff_get_delta(diff,
			    i - 1)->new_file.path, path) == 0) {
				free(path);
				continue;
			}
		} else
			path = xstrdup(d->new_file.path);
		rc = import_office_file(c, &dir, tip, path, held ? &snap :
		    NULL);
		free(path);
	}
	if (!held)
		goto done;
	if (rc == 0 && (rc = snapshot_complete(c->dd->db, &snap,
	    &missing)) == 0) {
		/* Something it lists is not here as listed: nothing of it. */
		sqlite3_exec(c->dd->db, "ROLLBACK TO office_state", NULL, NULL,
		    NULL);
		*c->stats = before;
		import_refuse(c, "incomplete", SNAPSHOT_PATH, "the office's "
		    "state of version %" PRId64 " lists %s, which is not here "
		    "as listed: none of it is taken", snap.version, missing);
		free(missing);
		refused = 1;
	} else if (rc == 1)
		rc = snapshot_store(c->dd->db, sbody, slen, ssig, issued);
	if (rc == 0)
		rc = db_exec(c->dd->db, "RELEASE office_state");
	else
		sqlite3_exec(c->dd->db, "ROLLBACK TO office_state; RELEASE "
		    "office_state", NULL, NULL, NULL);
	import_log_deferred(c);
done:
	snapshot_clear(&snap);
	free(sbody);
	free(ssig);
	import_dir_clear(&dir);
	git_diff_free(diff);
	return rc == 0 && refused ? IMPORT_STATE_REFUSED : rc;
}

