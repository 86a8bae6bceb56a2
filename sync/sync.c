#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "core/db.h"
#include "core/error.h"
#include "core/roster.h"
#include "core/summary.h"
#include "core/util.h"
#include "export.h"
#include "gitutil.h"
#include "layout.h"
#include "remote.h"
#include "screen.h"
#include "sync.h"

#define SYNC_NS		"refs/lantian/"
#define SYNC_FORKS	IMPORT_FORKS

struct sync_ctx {
	struct datadir		*dd;
	git_repository		*repo;
	struct remote		 r;
	const struct sync_opts	*opts;
	struct sync_result	*res;
	struct sync_progress	 prog;
	int			 tries;		/* credentials asked */
	char			*refused;	/* refs the server refused */
	char			**skip;		/* forked branches: not pushed */
	size_t			 nskip;
	char			*own;		/* this device's key id, or NULL */
	int			 office;	/* this is the office's machine */
	int			 there;		/* a path: its repository was
						   there at the start */
};

static const char *
sync_opt(const struct sync_ctx *c, const char *key)
{
	return json_string_value(json_object_get(c->r.opts, key));
}

/*
 * A test's hold on the sync (LANTIAN_TEST_SYNC_HOLD=STAGE:FILE): on
 * reaching STAGE the sync creates FILE and waits, at most a minute, until
 * the test removes it, so that a test can act at an exact point of a
 * sync (a USB stick pulled out in the middle of one).  STAGE: fetch,
 * import, push (each push of branches), pack (a stick's repository
 * opened, the pack about to be written).  Unset, nothing.
 */
static void
sync_hold(const char *stage)
{
	const char	*v = getenv("LANTIAN_TEST_SYNC_HOLD"), *file;
	struct timespec	 pause = { 0, 50 * 1000 * 1000 };
	int		 fd, i;

	if (v == NULL || (file = strchr(v, ':')) == NULL ||
	    strncmp(v, stage, (size_t)(file - v)) != 0 ||
	    stage[file - v] != '\0')
		return;
	file++;
	if ((fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return;
	close(fd);
	for (i = 0; i < 1200 && access(file, F_OK) == 0; i++)
		nanosleep(&pause, NULL);
}

/*
 * One sync at a time per store: an flock on <data>/sync.lock, taken
 * without waiting.  The kernel drops it when its process dies, so the
 * lock of a sync that crashed is free again (the process id in the file
 * is only for the message).  The descriptor in *fd holds it.
 */
static int
sync_lock(struct datadir *dd, int *fd)
{
	char	*path, buf[32];
	ssize_t	 n;
	int	 rc = 0;

	path = datadir_file(dd, "sync.lock");
	if ((*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK)
			rc = error_set(LT_EIO, "%s: %s", path, strerror(errno));
		else {
			n = pread(*fd, buf, sizeof buf - 1, 0);
			buf[n > 0 ? n : 0] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			/* The id left by an earlier sync is not the holder's. */
			if (atol(buf) <= 0 || kill((pid_t)atol(buf), 0) != 0)
				buf[0] = '\0';
			rc = error_set(LT_EBUSY, "sync: a sync is already "
			    "running on this store%s%s%s", buf[0] != '\0' ?
			    " (process " : "", buf, buf[0] != '\0' ? ")" : "");
		}
		close(*fd);
		*fd = -1;
		goto cleanup;
	}
	n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(*fd, 0) != 0 || pwrite(*fd, buf, (size_t)n, 0) != n) {
		/* The lock holds all the same: the id is only for messages. */
	}
cleanup:
	free(path);
	return rc;
}

/*
 * Remove from dir the files named prefix* that are older than age
 * seconds (0: whatever their age).
 */
static void
sync_unlink_stale(const char *dir, const char *prefix, time_t age)
{
	struct dirent	*e;
	struct stat	 sb;
	DIR		*d;
	char		*p;
	time_t		 now = time(NULL);

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (age == 0 || sb.st_mtime + age < now))
			unlink(p);
		free(p);
	}
	closedir(d);
}

/*
 * The lock files of refs under dir (name.lock) last changed before since
 * (0: any), removed: a sync killed while it moved a ref leaves one, and
 * git then refuses to move that ref again, for ever.  Only a sync moves
 * refs, and this one holds the lock (the store's, or its own on a stick).
 * Each one removed is said to c when c is not NULL.
 */
static void
sync_unlink_locks(struct sync_ctx *c, const char *dir, int depth,
    time_t since)
{
	struct dirent	*e;
	struct stat	 sb;
	DIR		*d;
	size_t		 len;
	char		*p;

	if (depth > 8 || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		len = strlen(e->d_name);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			sync_unlink_locks(c, p, depth + 1, since);
		else if (S_ISREG(sb.st_mode) && len > 5 &&
		    strcmp(e->d_name + len - 5, ".lock") == 0 &&
		    (since == 0 || sb.st_mtime < since) && unlink(p) == 0 &&
		    c != NULL)
			import_note(c->dd, c->r.name, NULL, p, "stale-lock",
			    "a ref lock older than this sync, left by a sync "
			    "that was cut off: removed", c->opts->log,
			    c->opts->arg);
		free(p);
	}
	closedir(d);
}

/*
 * What syncs that died half-way (a dead battery) left in repo.git, which
 * would pile up or block every sync after: the pack a fetch was receiving
 * and the locks of the refs it was moving (only a sync fetches and moves
 * refs, and this one holds the lock), and objects being written, left
 * alone for a while since any command may be writing one now.
 */
static void
sync_clean(struct datadir *dd)
{
	char	*dir;

	dir = datadir_file(dd, "repo.git/refs");
	sync_unlink_locks(NULL, dir, 0, 0);
	free(dir);
	dir = datadir_file(dd, "repo.git/packed-refs.lock");
	unlink(dir);
	free(dir);

	dir = datadir_file(dd, "repo.git/objects/pack");
	sync_unlink_stale(dir, "pack_git2_", 0);
	free(dir);
	dir = datadir_file(dd, "repo.git/objects");
	sync_unlink_stale(dir, "tmp_object_git2_", 600);
	free(dir);
}

/* Tell where the sync is; non-zero when the caller wants it stopped. */
static int
sync_report(struct sync_ctx *c)
{
	if (c->opts->progress != NULL &&
	    c->opts->progress(&c->prog, c->opts->arg) != 0) {
		git_error_set_str(GIT_ERROR_NONE, "cancelled");
		return GIT_EUSER;
	}
	return 0;
}

/* Credentials: asked again after each failure, so count and give up. */
static int
sync_credentials(git_credential **out, const char *url, const char *user,
    unsigned int allowed, void *payload)
{
	struct sync_ctx	*c = payload;
	const char	*key = sync_opt(c, "ssh_key"), *name = sync_opt(c, "user");
	const char	*pwfile = sync_opt(c, "password_file");
	char		*pub, *pw = NULL;
	size_t		 len;
	int		 rc, max = c->opts->max_auth > 0 ? c->opts->max_auth : 3;

	(void)url;
	if (++c->tries > max) {
		error_set(LT_EPASS, "%s: authentication failed %d times: check "
		    "the credentials of this remote", c->r.url, max);
		git_error_set_str(GIT_ERROR_NET, error_msg());
		return GIT_EUSER;
	}
	if (user == NULL)
		user = name != NULL ? name : getenv("USER");
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user ? user : "git");
	if (allowed & GIT_CREDENTIAL_SSH_KEY) {
		if (key == NULL)
			return git_credential_ssh_key_from_agent(out, user);
		pub = xasprintf("%s.pub", key);
		rc = git_credential_ssh_key_new(out, user, util_exists(pub) ?
		    pub : NULL, key, sync_opt(c, "ssh_passphrase"));
		free(pub);
		return rc;
	}
	if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && name != NULL &&
	    pwfile != NULL) {
		if (util_read_file(pwfile, 4096, &pw, &len) != 0) {
			git_error_set_str(GIT_ERROR_NET, error_msg());
			return GIT_EUSER;
		}
		pw[strcspn(pw, "\r\n")] = '\0';
		rc = git_credential_userpass_plaintext_new(out, name, pw);
		memset(pw, 0, len);
		free(pw);
		return rc;
	}
	error_set(LT_EPASS, "%s: the server asks for credentials this remote "
	    "has none of (lantian remote add --user U --password-file F, or "
	    "--ssh-key F)", c->r.url);
	git_error_set_str(GIT_ERROR_NET, error_msg());
	return GIT_EUSER;
}

/* Does the known_hosts file hold this host key for host (and port)? */
static int
sync_known_host(const char *file, const char *host, int port,
    const git_cert_hostkey *hk)
{
	char	*text = NULL, *line, *save = NULL, *b64, want[300];
	size_t	 len;
	int	 found = 0;

	if (file == NULL || util_read_file(file, 1024 * 1024, &text,
	    &len) != 0)
		return 0;
	if (port > 0 && port != 22)
		snprintf(want, sizeof want, "[%s]:%d", host, port);
	else
		snprintf(want, sizeof want, "%s", host);
	b64 = util_base64((const unsigned char *)hk->hostkey, hk->hostkey_len);
	for (line = strtok_r(text, "\n", &save); line != NULL && !found;
	    line = strtok_r(NULL, "\n", &save)) {
		char *hosts = strtok(line, " \t"), *type = strtok(NULL, " \t");
		char *key = strtok(NULL, " \t"), *h, *hsave = NULL;

		if (hosts == NULL || type == NULL || key == NULL ||
		    strcmp(key, b64) != 0)
			continue;
		for (h = strtok_r(hosts, ",", &hsave); h != NULL;
		    h = strtok_r(NULL, ",", &hsave)) {
			if (strcmp(h, want) == 0)
				found = 1;
		}
	}
	free(b64);
	free(text);
	return found;
}

/* The port of a URL, or 0. */
static int
sync_url_port(const char *url)
{
	const char	*p = strstr(url, "://"), *colon, *slash;

	if (p == NULL)
		return 0;
	p += 3;
	if ((slash = strchr(p, '/')) == NULL)
		slash = p + strlen(p);
	if ((colon = memchr(p, ':', (size_t)(slash - p))) == NULL)
		return 0;
	return atoi(colon + 1);
}

static int
sync_certificate(git_cert *cert, int valid, const char *host, void *payload)
{
	struct sync_ctx	*c = payload;

	if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2) {
		if (sync_known_host(sync_opt(c, "known_hosts"), host,
		    sync_url_port(c->r.url), (const git_cert_hostkey *)cert))
			return 0;
		if (valid)
			return 0;	/* in ~/.ssh/known_hosts */
		error_set(LT_ESIG, "%s: the server's host key is not in the "
		    "known_hosts of this remote (--known-hosts F)", host);
		git_error_set_str(GIT_ERROR_SSH, error_msg());
		return GIT_EUSER;
	}
	if (valid)
		return 0;
	error_set(LT_ESIG, "%s: the server's certificate is not trusted (a "
	    "private CA: --ca-file F)", host);
	git_error_set_str(GIT_ERROR_SSL, error_msg());
	return GIT_EUSER;
}

static int
sync_fetch_progress(const git_indexer_progress *p, void *payload)
{
	struct sync_ctx	*c = payload;

	c->prog.objects = p->received_objects;
	c->prog.total = p->total_objects;
	c->prog.bytes = p->received_bytes;
	c->res->bytes_received = p->received_bytes;
	return sync_report(c);
}

static int
sync_push_progress(unsigned int current, unsigned int total, size_t bytes,
    void *payload)
{
	struct sync_ctx	*c = payload;

	c->prog.objects = current;
	c->prog.total = total;
	c->prog.bytes = bytes;
	if (bytes > c->res->bytes_sent)
		c->res->bytes_sent = bytes;
	return sync_report(c);
}

/*
 * Counting and compressing the objects, before the first byte goes: no
 * count to show yet (total 0 says "counting").
 */
static int
sync_pack_counting(int stage, uint32_t current, uint32_t total,
    void *payload)
{
	struct sync_ctx	*c = payload;

	(void)stage;
	(void)current;
	(void)total;
	c->prog.objects = c->prog.total = c->prog.bytes = 0;
	return sync_report(c);
}

static int
sync_push_ref(const char *ref, const char *status, void *payload)
{
	struct sync_ctx	*c = payload;
	char		*s;

	if (status == NULL) {
		c->res->refs_pushed++;
		return 0;
	}
	s = xasprintf("%s%s%s: %s", c->refused ? c->refused : "",
	    c->refused ? "; " : "", ref, status);
	free(c->refused);
	c->refused = s;
	return 0;
}

static void
sync_callbacks(struct sync_ctx *c, git_remote_callbacks *cb)
{
	git_remote_init_callbacks(cb, GIT_REMOTE_CALLBACKS_VERSION);
	cb->credentials = sync_credentials;
	cb->certificate_check = sync_certificate;
	cb->transfer_progress = sync_fetch_progress;
	cb->push_transfer_progress = sync_push_progress;
	cb->pack_progress = sync_pack_counting;
	cb->push_update_reference = sync_push_ref;
	cb->payload = c;
}

/* An error of a transfer: ours when a callback set one, else libgit2's. */
static int
sync_error(struct sync_ctx *c, const char *what)
{
	const git_error	*e = git_error_last();

	if (c->tries > 0 && error_code() == LT_EPASS)
		return error_set(LT_EPASS, "%s", error_msg());
	return error_set(LT_EIO, "%s: %s: %s", c->r.url, what,
	    e != NULL && e->message != NULL ? e->message : "failed");
}

static int
sync_fetch(struct sync_ctx *c, git_remote *remote)
{
	static const char *const globs[] = { "refs/heads/devices/*",
	    "refs/heads/office", "refs/heads/attachments/*" };
	git_fetch_options	 fo;
	git_strarray		 specs;
	char			**s, **ok = NULL;
	size_t			 i, nglobs, nok = 0;
	int			 rc = 0;

	/* Looking at what the stick holds is part of the fetch: no count
	 * yet ("counting"). */
	c->prog.stage = "fetch";
	c->prog.objects = c->prog.total = c->prog.bytes = 0;
	if (sync_report(c) != 0)
		return error_set(LT_EIO, "sync: cancelled");
	sync_hold("fetch");
	/* A records-only remote (a weak or metered link) never carries
	 * attachments, either way. */
	nglobs = remote_records_only(&c->r) ? 2 : 3;
	if (remote_is_path(c->r.url)) {
		/* The branches whose objects are of sizes we read, each by
		 * its name: the others stay on the stick. */
		if ((rc = screen_path(c->repo, c->r.url, c->r.name, globs,
		    nglobs, c->opts->log, c->opts->arg, c->dd, &ok, &nok,
		    &c->res->imported.rejected)) != 0)
			return rc;
		specs.count = nok;
		s = xcalloc(nok + 1, sizeof *s);
		for (i = 0; i < nok; i++)
			s[i] = xasprintf("+%s:" SYNC_NS "%s/%s", ok[i],
			    c->r.name, ok[i] + strlen("refs/heads/"));
	} else {
		specs.count = nglobs;
		s = xcalloc(nglobs + 1, sizeof *s);
		for (i = 0; i < nglobs; i++)
			s[i] = xasprintf("+%s:" SYNC_NS "%s/%s", globs[i],
			    c->r.name, globs[i] + strlen("refs/heads/"));
	}
	specs.strings = s;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	sync_callbacks(c, &fo.callbacks);
	fo.prune = GIT_FETCH_PRUNE;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	if (sync_report(c) != 0)
		rc = error_set(LT_EIO, "sync: cancelled");
	else if (specs.count > 0 &&
	    git_remote_fetch(remote, &specs, &fo, "lantian sync") < 0)
		rc = sync_error(c, "fetch");
	for (i = 0; i < specs.count; i++)
		free(s[i]);
	free(s);
	for (i = 0; i < nok; i++)
		free(ok[i]);
	free(ok);
	return rc;
}

/* Keep a branch out of the push (it diverged there). */
static void
sync_skip(struct sync_ctx *c, const char *local)
{
	c->skip = xrealloc(c->skip, (c->nskip + 1) * sizeof *c->skip);
	c->skip[c->nskip++] = xstrdup(local);
}

/*
 * Does any commit of them not in mine remove or change a file under
 * records/ of its parent, or the branch's device.pub?  Records are never
 * deleted nor edited: such a commit is a rewrite of the device's history,
 * whoever made it, and the branch is not moved onto it (nor relayed).
 * Only the commits a fast-forward would bring are looked at.
 */
static int
sync_rewrites(git_repository *repo, const git_oid *mine, const git_oid *them,
    int *rewrite)
{
	git_revwalk		*walk = NULL;
	git_commit		*commit = NULL, *parent = NULL;
	git_tree		*tree = NULL, *ptree = NULL;
	git_diff		*diff = NULL;
	git_diff_options	 opts;
	const git_diff_delta	*d;
	git_oid			 id;
	size_t			 i;
	int			 rc = 0;

	*rewrite = 0;
	if (git_revwalk_new(&walk, repo) < 0 || git_revwalk_push(walk, them) < 0 ||
	    git_revwalk_hide(walk, mine) < 0) {
		rc = gitutil_error("repo.git: walk");
		goto cleanup;
	}
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	while (!*rewrite && git_revwalk_next(&id, walk) == 0) {
		if (git_commit_lookup(&commit, repo, &id) < 0 ||
		    git_commit_tree(&tree, commit) < 0) {
			rc = gitutil_error("repo.git: commit");
			goto cleanup;
		}
		if (git_commit_parentcount(commit) > 0 &&
		    (git_commit_parent(&parent, commit, 0) < 0 ||
		    git_commit_tree(&ptree, parent) < 0 ||
		    git_diff_tree_to_tree(&diff, repo, ptree, tree, &opts) < 0)) {
			rc = gitutil_error("repo.git: diff");
			goto cleanup;
		}
		for (i = 0; diff != NULL && i < git_diff_num_deltas(diff); i++) {
			d = git_diff_get_delta(diff, i);
			if (d->status == GIT_DELTA_ADDED)
				continue;
			if (strncmp(d->old_file.path, "records/", 8) == 0 ||
			    strcmp(d->old_file.path, "device.pub") == 0)
				*rewrite = 1;
		}
		git_diff_free(diff);
		git_tree_free(ptree);
		git_commit_free(parent);
		git_tree_free(tree);
		git_commit_free(commit);
		diff = NULL;
		ptree = tree = NULL;
		parent = commit = NULL;
	}
cleanup:
	git_diff_free(diff);
	git_tree_free(ptree);
	git_commit_free(parent);
	git_tree_free(tree);
	git_commit_free(commit);
	git_revwalk_free(walk);
	return rc;
}

/* Bring one fetched branch into the local one: create, fast-forward, or
 * keep a diverged one aside as a fork. */
static int
sync_merge_ref(struct sync_ctx *c, git_reference *theirs, const char *tail)
{
	const git_oid		*them = git_reference_target(theirs);
	enum layout_branch	 kind;
	git_reference		*mine = NULL, *out = NULL;
	char			 local[256], fork[300], why[700];
	char			 keyid[KEY_ID_HEX];
	int			 rc = 0, own, ahead, rewrite = 0;

	/* Only this device writes its own branches: commits someone else
	 * added to them on a remote are never taken. */
	kind = layout_branch(tail, keyid);
	own = c->own != NULL && (kind == LAYOUT_DEVICE ||
	    kind == LAYOUT_ATTACHMENTS) && strcmp(keyid, c->own) == 0;
	/* Nor does the office adopt an office branch it did not make. */
	if (kind == LAYOUT_OFFICE && c->office)
		own = 1;
	snprintf(local, sizeof local, "refs/heads/%s", tail);
	if (git_reference_lookup(&mine, c->repo, local) != 0) {
		if (own && kind == LAYOUT_OFFICE) {
			ahead = 1;
			goto aside;
		}
		if (git_reference_create(&out, c->repo, local, them, 0,
		    "lantian sync: new branch") < 0)
			rc = gitutil_error(local);
		goto cleanup;
	}
	if (git_oid_equal(git_reference_target(mine), them) ||
	    git_graph_descendant_of(c->repo, git_reference_target(mine),
	    them) == 1)
		goto cleanup;
	ahead = git_graph_descendant_of(c->repo, them,
	    git_reference_target(mine)) == 1;
	if (ahead && !own && kind == LAYOUT_DEVICE) {
		if ((rc = sync_rewrites(c->repo, git_reference_target(mine),
		    them, &rewrite)) != 0)
			goto cleanup;
	}
	if (ahead && !own && !rewrite) {
		if (git_reference_create_matching(&out, c->repo, local, them,
		    1, git_reference_target(mine), "lantian sync: "
		    "fast-forward") < 0)
			rc = gitutil_error(local);
		goto cleanup;
	}
	/* Diverged, ahead on a branch of this device's own (or the office's
	 * own office branch), or rewriting records: both are kept, nothing
	 * is forced either way. */
aside:
	snprintf(fork, sizeof fork, SYNC_FORKS "%s/%s", c->r.name, tail);
	if (git_reference_create(&out, c->repo, fork, them, 1,
	    "lantian sync: fork") < 0) {
		rc = gitutil_error(fork);
		goto cleanup;
	}
	c->res->forks++;
	sync_skip(c, local);
	snprintf(why, sizeof why, "the remote's %s %s: both kept (theirs as "
	    "%s)", tail, rewrite ? "removes or changes records it held: a "
	    "rewrite, neither taken nor relayed" : ahead ? "has commits this "
	    "device did not make" : "diverged from this one", fork);
	if (c->opts->log != NULL)
		c->opts->log(rewrite ? "rewrite" : "fork", local, NULL, why,
		    c->opts->arg);
cleanup:
	git_reference_free(out);
	git_reference_free(mine);
	return rc;
}

static int
sync_merge(struct sync_ctx *c)
{
	git_reference_iterator	*it;
	git_reference		*ref;
	char			*glob, *prefix, keyid[KEY_ID_HEX];
	const char		*tail;
	int			 rc = 0;

	glob = xasprintf(SYNC_NS "%s/*", c->r.name);
	prefix = xasprintf(SYNC_NS "%s/", c->r.name);
	if (git_reference_iterator_glob_new(&it, c->repo, glob) < 0) {
		rc = gitutil_error("repo.git");
		goto cleanup;
	}
	while (rc == 0 && git_reference_next(&ref, it) == 0) {
		tail = git_reference_name(ref) + strlen(prefix);
		if (layout_branch(tail, keyid) != LAYOUT_NONE &&
		    git_reference_type(ref) == GIT_REFERENCE_DIRECT)
			rc = sync_merge_ref(c, ref, tail);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
cleanup:
	free(glob);
	free(prefix);
	return rc;
}

/*
 * The highest seq on a device branch's commit (0: none), read from the
 * last shard only, so that it costs the same however long the history.
 */
static int64_t
sync_top(git_repository *repo, const git_oid *commit_id)
{
	git_commit		*commit = NULL;
	git_tree		*tree = NULL, *records = NULL, *shard = NULL;
	const git_tree_entry	*e, *last = NULL;
	git_tree_entry		*re = NULL;
	int64_t			 top = 0, n, best = -1;
	size_t			 i;

	if (commit_id == NULL || git_commit_lookup(&commit, repo,
	    commit_id) < 0 || git_commit_tree(&tree, commit) < 0 ||
	    git_tree_entry_bypath(&re, tree, "records") < 0 ||
	    git_tree_lookup(&records, repo, git_tree_entry_id(re)) < 0)
		goto cleanup;
	/* Shards are numbers: the largest, not the last by name. */
	for (i = 0; i < git_tree_entrycount(records); i++) {
		e = git_tree_entry_byindex(records, i);
		if ((n = strtoll(git_tree_entry_name(e), NULL, 10)) > best) {
			best = n;
			last = e;
		}
	}
	if (last == NULL || git_tree_lookup(&shard, repo,
	    git_tree_entry_id(last)) < 0)
		goto cleanup;
	for (i = 0; i < git_tree_entrycount(shard); i++) {
		n = strtoll(git_tree_entry_name(git_tree_entry_byindex(shard, i)),
		    NULL, 10);
		if (n > top)
			top = n;
	}
cleanup:
	git_tree_free(shard);
	git_tree_free(records);
	git_tree_entry_free(re);
	git_tree_free(tree);
	git_commit_free(commit);
	return top;
}

/* Records a device branch gains from old (NULL: none) to new. */
static int64_t
sync_count(git_repository *repo, const git_oid *old, const git_oid *new)
{
	int64_t	n = sync_top(repo, new) - sync_top(repo, old);

	return n > 0 ? n : 0;
}

/* A branch to push: its local tip, and the remote's (zero: none). */
struct sync_out {
	char	*name;
	git_oid	 ours;
	git_oid	 theirs;
	int	 have_theirs;
};

/*
 * A branch the remote took: what this device knows of the remote (its
 * namespace) follows, so that what waits for it is told right until the
 * next fetch says it again.
 */
static void
sync_pushed(struct sync_ctx *c, const struct sync_out *o)
{
	git_reference	*ref = NULL;
	char		*name;

	name = xasprintf(SYNC_NS "%s/%s", c->r.name, o->name +
	    strlen("refs/heads/"));
	if (git_reference_create(&ref, c->repo, name, &o->ours, 1,
	    "lantian sync: pushed") < 0) {
		/* Only a count on the sync screen is off until the next
		 * fetch: the push itself went through. */
	}
	git_reference_free(ref);
	free(name);
}

/* Add tree_id and what it holds, unless the remote has it, to pb. */
static int
sync_pack_tree(git_repository *repo, git_odb *dst, git_packbuilder *pb,
    const git_oid *tree_id)
{
	const git_tree_entry	*e;
	git_tree		*tree;
	size_t			 i;
	int			 rc = 0;

	/* A tree the remote holds comes with all it names. */
	if (git_odb_exists(dst, tree_id))
		return 0;
	if (git_tree_lookup(&tree, repo, tree_id) < 0)
		return gitutil_error("repo.git: tree");
	for (i = 0; i < git_tree_entrycount(tree) && rc == 0; i++) {
		e = git_tree_entry_byindex(tree, i);
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
			rc = sync_pack_tree(repo, dst, pb, git_tree_entry_id(e));
		else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
		    !git_odb_exists(dst, git_tree_entry_id(e)) &&
		    git_packbuilder_insert(pb, git_tree_entry_id(e), NULL) < 0)
			rc = gitutil_error("repo.git: pack");
	}
	git_tree_free(tree);
	if (rc == 0 && git_packbuilder_insert(pb, tree_id, NULL) < 0)
		rc = gitutil_error("repo.git: pack");
	return rc;
}

/* The new commits of one branch, and their new trees and files. */
static int
sync_pack_branch(struct sync_ctx *c, git_odb *dst, git_packbuilder *pb,
    const struct sync_out *o)
{
	git_revwalk	*walk = NULL;
	git_commit	*commit;
	git_oid		 id;
	int		 rc = 0;

	if (git_revwalk_new(&walk, c->repo) < 0 ||
	    git_revwalk_push(walk, &o->ours) < 0 ||
	    (o->have_theirs && git_odb_exists(dst, &o->theirs) &&
	    git_revwalk_hide(walk, &o->theirs) < 0)) {
		rc = gitutil_error(o->name);
		goto cleanup;
	}
	while (rc == 0 && git_revwalk_next(&id, walk) == 0) {
		if (git_odb_exists(dst, &id))
			continue;
		if (git_commit_lookup(&commit, c->repo, &id) < 0) {
			rc = gitutil_error(o->name);
			break;
		}
		rc = sync_pack_tree(c->repo, dst, pb, git_commit_tree_id(commit));
		git_commit_free(commit);
		if (rc == 0 && git_packbuilder_insert(pb, &id, NULL) < 0)
			rc = gitutil_error("repo.git: pack");
	}
cleanup:
	git_revwalk_free(walk);
	return rc;
}

/* A pack being written to the stick: the indexer there, and the bytes. */
struct sync_pack_out {
	struct sync_ctx		*c;
	git_indexer		*idx;
	git_indexer_progress	 stats;
	size_t			 bytes;		/* written so far */
};

/*
 * The indexer's progress as the pack reaches the stick.  Its count of
 * objects is right; its received_bytes is not (git_packbuilder_write()
 * of libgit2 1.5 hands the indexer stats it never initialised, hence a
 * push of 8 objects shown as 2207646876162.0 MiB): the bytes are those
 * counted here.
 */
static int
sync_pack_progress(const git_indexer_progress *p, void *payload)
{
	struct sync_pack_out	*w = payload;
	struct sync_ctx		*c = w->c;

	c->prog.objects = p->received_objects;
	c->prog.total = p->total_objects;
	c->prog.bytes = w->bytes;
	return sync_report(c);
}

static int
sync_pack_write(void *buf, size_t size, void *payload)
{
	struct sync_pack_out	*w = payload;

	w->bytes += size;
	return git_indexer_append(w->idx, buf, size, &w->stats);
}

/* Write the objects of pb as one pack into packdir, with progress. */
static int
sync_pack_write_to(struct sync_ctx *c, git_packbuilder *pb,
    const char *packdir)
{
	git_indexer_options	 io;
	struct sync_pack_out	 w;
	int			 rc = 0;

	memset(&w, 0, sizeof w);
	w.c = c;
	git_indexer_options_init(&io, GIT_INDEXER_OPTIONS_VERSION);
	io.progress_cb = sync_pack_progress;
	io.progress_cb_payload = &w;
	if (git_indexer_new(&w.idx, packdir, 0, NULL, &io) < 0)
		return sync_error(c, "push");
	if (git_packbuilder_foreach(pb, sync_pack_write, &w) < 0 ||
	    git_indexer_commit(w.idx, &w.stats) < 0)
		rc = sync_error(c, "push");
	else {
		/* What crossed to the stick: the pack's size. */
		c->res->bytes_sent += w.bytes;
		c->prog.objects = c->prog.total = w.stats.total_objects;
		c->prog.bytes = w.bytes;
		if (sync_report(c) != 0)
			rc = error_set(LT_EIO, "sync: cancelled");
	}
	git_indexer_free(w.idx);
	return rc;
}

/*
 * A repository by its path (the USB stick): write one pack of exactly the
 * objects it lacks into it, then move its branches by compare-and-swap.
 * git_remote_push() would walk the remote's whole tree to find them.
 */
static int
sync_push_path(struct sync_ctx *c, struct sync_out *out, size_t n)
{
	git_repository	*dst = NULL;
	git_odb		*odb = NULL;
	git_packbuilder	*pb = NULL;
	git_reference	*ref = NULL;
	char		*packdir = NULL;
	const char	*path = c->r.url;
	size_t		 i;
	int		 rc = 0;

	if (strncmp(path, "file://", 7) == 0)
		path += 7;
	if (git_repository_open_bare(&dst, path) < 0 ||
	    git_repository_odb(&odb, dst) < 0 ||
	    git_packbuilder_new(&pb, c->repo) < 0) {
		rc = sync_error(c, "push");
		goto cleanup;
	}
	git_packbuilder_set_callbacks(pb, sync_pack_counting, c);
	for (i = 0; i < n && rc == 0; i++)
		rc = sync_pack_branch(c, odb, pb, &out[i]);
	if (rc != 0)
		goto cleanup;
	packdir = xasprintf("%s/objects/pack", git_repository_path(dst));
	/* What a push cut short (the stick pulled out) left there. */
	sync_unlink_stale(packdir, "pack_git2_", 600);
	sync_hold("pack");
	if (git_packbuilder_object_count(pb) > 0 &&
	    (rc = sync_pack_write_to(c, pb, packdir)) != 0)
		goto cleanup;
	/* The objects are all there: now the refs, last. */
	for (i = 0; i < n && rc == 0; i++) {
		if (out[i].have_theirs)
			rc = git_reference_create_matching(&ref, dst,
			    out[i].name, &out[i].ours, 1, &out[i].theirs,
			    "lantian sync");
		else
			rc = git_reference_create(&ref, dst, out[i].name,
			    &out[i].ours, 0, "lantian sync");
		git_reference_free(ref);
		ref = NULL;
		if (rc == GIT_ELOCKED)
			/* Not a stale one: sync_stick_lock() took those. */
			rc = error_set(LT_EIO, "%s/%s.lock: a ref lock on the "
			    "stick, left by a sync that was cut off or held by "
			    "a git command running now: when nothing else uses "
			    "the stick, remove that file and sync again",
			    c->r.url, out[i].name);
		else if (rc < 0)
			rc = error_set(LT_EIO, "%s: %s moved meanwhile (another "
			    "sync?): sync again", c->r.url, out[i].name);
		else {
			c->res->refs_pushed++;
			sync_pushed(c, &out[i]);
		}
	}
cleanup:
	free(packdir);
	git_packbuilder_free(pb);
	git_odb_free(odb);
	git_repository_free(dst);
	return rc;
}

/* Push the local branches matching glob the remote does not have yet. */
static int
sync_push(struct sync_ctx *c, git_remote *remote, const char *glob)
{
	git_reference_iterator	*it;
	git_reference		*ref, *theirs;
	git_push_options	 po;
	git_strarray		 specs = { NULL, 0 };
	struct sync_out		*out = NULL;
	char			 keyid[KEY_ID_HEX], *name;
	const char		*tail;
	size_t			 i, n = 0;
	int			 rc = 0, skip;

	if (git_reference_iterator_glob_new(&it, c->repo, glob) < 0)
		return gitutil_error("repo.git");
	while (git_reference_next(&ref, it) == 0) {
		tail = git_reference_name(ref) + strlen("refs/heads/");
		skip = layout_branch(tail, keyid) == LAYOUT_NONE;
		for (i = 0; i < c->nskip && !skip; i++)
			skip = strcmp(c->skip[i], git_reference_name(ref)) == 0;
		name = xasprintf(SYNC_NS "%s/%s", c->r.name, tail);
		theirs = NULL;
		if (!skip && git_reference_lookup(&theirs, c->repo, name) == 0 &&
		    git_oid_equal(git_reference_target(theirs),
		    git_reference_target(ref)))
			skip = 1;	/* they have it */
		if (!skip) {
			if (strncmp(tail, "devices/", 8) == 0)
				c->res->sent += sync_count(c->repo, theirs ?
				    git_reference_target(theirs) : NULL,
				    git_reference_target(ref));
			out = xrealloc(out, (n + 1) * sizeof *out);
			memset(&out[n], 0, sizeof out[n]);
			out[n].name = xstrdup(git_reference_name(ref));
			git_oid_cpy(&out[n].ours, git_reference_target(ref));
			if (theirs != NULL) {
				git_oid_cpy(&out[n].theirs,
				    git_reference_target(theirs));
				out[n].have_theirs = 1;
			}
			n++;
		}
		git_reference_free(theirs);
		free(name);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	c->prog.stage = "push";
	c->prog.objects = c->prog.total = c->prog.bytes = 0;
	if (n > 0)
		sync_hold("push");
	if (n > 0 && (remote_is_path(c->r.url) ||
	    strncmp(c->r.url, "file://", 7) == 0))
		rc = sync_push_path(c, out, n);
	else if (n > 0) {
		specs.strings = xcalloc(n, sizeof *specs.strings);
		for (i = 0; i < n; i++)
			specs.strings[i] = xasprintf("%s:%s", out[i].name,
			    out[i].name);
		specs.count = n;
		git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
		sync_callbacks(c, &po.callbacks);
		if (git_remote_push(remote, &specs, &po) < 0)
			rc = sync_error(c, "push");
		else if (c->refused != NULL)
			rc = error_set(LT_EIO, "%s: the server refused: %s",
			    c->r.url, c->refused);
		for (i = 0; i < n && rc == 0; i++)
			sync_pushed(c, &out[i]);
		for (i = 0; i < specs.count; i++)
			free(specs.strings[i]);
		free(specs.strings);
	}
	for (i = 0; i < n; i++)
		free(out[i].name);
	free(out);
	return rc;
}

/*
 * Note the outcome where the home and sync screens read it: when and how
 * it went, and (after a push that went through) how far this device's
 * records have been sent.  The error being returned is kept.
 */
static void
sync_note(struct datadir *dd, const char *remote, int rc,
    const struct sync_result *res)
{
	char	 now[32], *msg, *seq = NULL, *err = NULL;

	if (rc != 0)
		err = xstrdup(error_msg());
	util_rfc3339(now, sizeof now, util_now());
	if (rc == 0)
		msg = xasprintf("ok with %s: %lld sent, %lld received, %lld "
		    "verified, %lld refused", remote, (long long)res->sent,
		    (long long)res->imported.records,
		    (long long)res->imported.verified,
		    (long long)res->imported.rejected);
	else
		msg = xasprintf("failed with %s: %s", remote, err);
	db_setting_set(dd->db, "sync.last_time", now);
	db_setting_set(dd->db, "sync.last_result", msg);
	/* The same in parts, for a screen to say in its language. */
	db_setting_set(dd->db, "sync.last_remote", remote);
	free(msg);
	msg = rc == 0 ? xasprintf("%lld %lld %lld %lld", (long long)res->sent,
	    (long long)res->imported.records,
	    (long long)res->imported.verified,
	    (long long)res->imported.rejected) : xstrdup("");
	db_setting_set(dd->db, "sync.last_counts", msg);
	db_setting_set(dd->db, "sync.last_error", err != NULL ? err : "");
	if (rc == 0 && db_setting_get(dd->db, "export.seq", &seq) == 0 &&
	    seq != NULL)
		db_setting_set(dd->db, "sync.sent_seq", seq);
	if (err != NULL)
		error_set(rc, "%s", err);
	free(seq);
	free(err);
	free(msg);
}

/*
 * After a failure with a path remote: did the USB stick go away (its
 * repository no longer there, or no longer writable: pulled out, or
 * mounted read-only after an error)?  Then say so, in place of what
 * libgit2 said about a file it could not create.  Nothing is lost: the
 * refs on the stick move last, so the stick holds the old state or the
 * new one, and the next sync sends what is missing.
 */
static int
sync_path_there(const char *path)
{
	struct stat	 sb;
	char		*head, *objects;
	int		 there;

	if (strncmp(path, "file://", 7) == 0)
		path += 7;
	head = xasprintf("%s/HEAD", path);
	objects = xasprintf("%s/objects", path);
	there = stat(head, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    stat(objects, &sb) == 0 && S_ISDIR(sb.st_mode);
	free(objects);
	free(head);
	return there;
}

/*
 * lantian's own lock on a stick for the length of a sync: an flock on
 * <repo>/lantian-sync.lock, taken without waiting (two stores of one
 * laptop syncing one stick take turns).  Under it, ref locks left by cut
 * syncs are stale and go.  A stick that cannot hold the file (read-only)
 * is synced without it, and a ref lock there is then named with what to
 * do (sync_push_path).  *fd is -1 when no lock was taken.
 */
static int
sync_stick_lock(struct sync_ctx *c, int *fd)
{
	const char	*path = c->r.url;
	char		*lock, *refs, *packed;
	struct stat	 sb;
	time_t		 since = time(NULL);
	int		 rc = 0;

	*fd = -1;
	if (!c->there)
		return 0;
	if (strncmp(path, "file://", 7) == 0)
		path += 7;
	lock = xasprintf("%s/lantian-sync.lock", path);
	if ((*fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		goto cleanup;	/* read-only: said if a ref lock is met */
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		close(*fd);
		*fd = -1;
		rc = error_set(LT_EBUSY, "%s: another lantian sync is using "
		    "this stick now", path);
		goto cleanup;
	}
	/* A ref lock older than this sync was left by a sync cut off. */
	refs = xasprintf("%s/refs", path);
	sync_unlink_locks(c, refs, 0, since);
	free(refs);
	packed = xasprintf("%s/packed-refs.lock", path);
	if (lstat(packed, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_mtime < since && unlink(packed) == 0)
		import_note(c->dd, c->r.name, NULL, packed, "stale-lock",
		    "a ref lock older than this sync, left by a sync that was "
		    "cut off: removed", c->opts->log, c->opts->arg);
	free(packed);
cleanup:
	free(lock);
	return rc;
}

static void
sync_gone(const struct sync_ctx *c, int rc)
{
	struct statvfs	 vfs;
	const char	*path = c->r.url;
	char		*objects;
	int		 gone, ro = 0;

	if (rc == 0 || rc == LT_EBUSY || !c->there)
		return;
	if (strncmp(path, "file://", 7) == 0)
		path += 7;
	objects = xasprintf("%s/objects", path);
	if (!(gone = !sync_path_there(path)))
		ro = access(objects, W_OK) != 0 || (statvfs(objects,
		    &vfs) == 0 && (vfs.f_flag & ST_RDONLY));
	if (gone)
		error_set(LT_ENOTFOUND, "%s: the USB stick went away during "
		    "the sync (its repository is no longer there): nothing is "
		    "lost, and the next sync with it finishes the job", path);
	else if (ro)
		error_set(LT_EIO, "%s: the USB stick can no longer be written "
		    "(pulled out, or mounted read-only): nothing is lost, and "
		    "the next sync with it finishes the job", path);
	free(objects);
}

/* The remote by name, or an anonymous one for a URL or path. */
static int
sync_target(struct sync_ctx *c, const char *target)
{
	char	hash[65];

	if (remote_name_valid(target) && remote_get(c->dd->db, target,
	    &c->r) == 0)
		return 0;
	if (remote_name_valid(target) && !util_exists(target))
		return remote_get(c->dd->db, target, &c->r);
	/* A URL or path given as is: its own namespace by its hash. */
	util_sha256_hex(hash, target, strlen(target));
	c->r.name = xasprintf("url-%.12s", hash);
	c->r.url = xstrdup(target);
	c->r.opts = json_object();
	return 0;
}

int
sync_run(struct datadir *dd, const char *target, const struct sync_opts *opts,
    struct sync_result *res)
{
	struct sync_ctx	 c;
	git_remote	*remote = NULL;
	const char	*ca;
	int64_t		 files;
	size_t		 i;
	int		 rc, lock, stick = -1;

	memset(&c, 0, sizeof c);
	memset(res, 0, sizeof *res);
	c.dd = dd;
	c.opts = opts;
	c.res = res;
	c.office = roster_office_has_key(dd);
	if ((rc = sync_lock(dd, &lock)) != 0)
		return rc;
	sync_clean(dd);
	if ((rc = sync_target(&c, target)) != 0) {
		close(lock);
		return rc;
	}
	if (remote_is_path(c.r.url) && !util_exists(c.r.url)) {
		rc = error_set(LT_ENOTFOUND, "%s: no repository there (is the "
		    "USB stick mounted? lantian remote add NAME PATH --create "
		    "makes one)", c.r.url);
		goto cleanup;
	}
	c.there = (remote_is_path(c.r.url) || strncmp(c.r.url, "file://",
	    7) == 0) && sync_path_there(c.r.url);
	if ((rc = sync_stick_lock(&c, &stick)) != 0)
		goto cleanup;
	if ((ca = sync_opt(&c, "ca_file")) != NULL &&
	    git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, ca, NULL) < 0) {
		rc = gitutil_error(ca);
		goto cleanup;
	}
	if ((rc = gitutil_open(&c.repo, dd->path)) != 0 ||
	    (rc = db_setting_get(dd->db, "device", &c.own)) != 0)
		goto cleanup;
	c.prog.stage = "export";
	if (sync_report(&c) != 0) {
		rc = error_set(LT_EIO, "sync: cancelled");
		goto cleanup;
	}
	if ((rc = export_device(dd, c.repo, &res->exported, &files)) != 0 ||
	    (rc = export_office(dd, c.repo)) != 0)
		goto cleanup;
	if (git_remote_create_anonymous(&remote, c.repo, c.r.url) < 0) {
		rc = gitutil_error(c.r.url);
		goto cleanup;
	}
	if ((rc = sync_fetch(&c, remote)) != 0 || (rc = sync_merge(&c)) != 0)
		goto cleanup;
	c.prog.stage = "import";
	c.prog.objects = c.prog.total = c.prog.bytes = 0;
	sync_hold("import");
	if (sync_report(&c) != 0) {
		rc = error_set(LT_EIO, "sync: cancelled");
		goto cleanup;
	}
	if ((rc = import_all(dd, c.repo, c.r.name, opts->log, opts->arg,
	    &res->imported)) != 0)
		goto cleanup;
	/* Records (and the office) before attachments. */
	if ((rc = sync_push(&c, remote, "refs/heads/devices/*")) != 0 ||
	    (rc = sync_push(&c, remote, "refs/heads/office")) != 0 ||
	    (!remote_records_only(&c.r) && (rc = sync_push(&c, remote,
	    "refs/heads/attachments/*")) != 0))
		goto cleanup;
cleanup:
	sync_gone(&c, rc);
	if (stick >= 0)
		close(stick);
	if (c.r.name != NULL)
		sync_note(dd, c.r.name, rc, res);
	git_remote_free(remote);
	git_repository_free(c.repo);
	for (i = 0; i < c.nskip; i++)
		free(c.skip[i]);
	free(c.skip);
	free(c.refused);
	free(c.own);
	remote_clear(&c.r);
	close(lock);
	return rc;
}

/* The files a remote lacks, gathered over branches: each counts once. */
struct sync_files {
	git_oid	*ids;
	size_t	 n;
};

static int
sync_oid_cmp(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

/* Add the files of an attachments branch that the remote's tip lacks. */
static void
sync_new_files(git_repository *repo, const git_oid *theirs,
    const git_oid *ours, struct sync_files *f)
{
	git_commit	*a = NULL, *b = NULL;
	git_tree	*ta = NULL, *tb = NULL;
	git_diff	*diff = NULL;
	git_diff_options opts;
	const git_diff_delta *d;
	size_t		 i;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if ((theirs != NULL && (git_commit_lookup(&a, repo, theirs) < 0 ||
	    git_commit_tree(&ta, a) < 0)) ||
	    git_commit_lookup(&b, repo, ours) < 0 ||
	    git_commit_tree(&tb, b) < 0 ||
	    git_diff_tree_to_tree(&diff, repo, ta, tb, &opts) < 0)
		goto cleanup;
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		d = git_diff_get_delta(diff, i);
		if (d->status != GIT_DELTA_ADDED)
			continue;
		f->ids = xrealloc(f->ids, (f->n + 1) * sizeof *f->ids);
		git_oid_cpy(&f->ids[f->n++], &d->new_file.id);
	}
cleanup:
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(a);
	git_commit_free(b);
}

/* How many different files were gathered. */
static int64_t
sync_files_count(struct sync_files *f)
{
	size_t	i, n = 0;

	if (f->n > 1)
		qsort(f->ids, f->n, sizeof *f->ids, sync_oid_cmp);
	for (i = 0; i < f->n; i++) {
		if (i == 0 || git_oid_cmp(&f->ids[i - 1], &f->ids[i]) != 0)
			n++;
	}
	return (int64_t)n;
}

int
sync_waiting(struct datadir *dd, const char *name, struct sync_waiting *out)
{
	git_repository		*repo = NULL;
	git_reference_iterator	*it = NULL;
	git_reference		*ref, *theirs;
	struct remote		 r;
	struct sync_files	 files = { NULL, 0 };
	enum layout_branch	 kind;
	char			 keyid[KEY_ID_HEX], *ns, *device = NULL;
	char			*v = NULL;
	const char		*tail;
	const git_oid		*t;
	int64_t			 head = 0, sent, exported = 0, n;
	int			 rc, records_only;

	memset(out, 0, sizeof *out);
	memset(&r, 0, sizeof r);
	if ((rc = remote_get(dd->db, name, &r)) != 0)
		return rc;
	records_only = remote_records_only(&r);
	remote_clear(&r);
	/* This device's records not exported yet wait for every remote. */
	if ((rc = db_setting_get(dd->db, "device", &device)) != 0 ||
	    (rc = db_setting_get(dd->db, "export.seq", &v)) != 0)
		goto cleanup;
	exported = v != NULL ? strtoll(v, NULL, 10) : 0;
	if (device != NULL && (rc = summary_chain(dd->db, device, &head,
	    &sent)) != 0)
		goto cleanup;
	if (head > exported) {
		out->records += head - exported;
		if (!records_only && (rc = summary_cited_after(dd->db, device,
		    exported, &n)) != 0)
			goto cleanup;
		if (!records_only)
			out->attachments += n;
	}
	if ((rc = gitutil_open(&repo, dd->path)) != 0)
		goto cleanup;
	if (git_reference_iterator_glob_new(&it, repo, "refs/heads/*") < 0) {
		rc = gitutil_error("repo.git");
		goto cleanup;
	}
	while (git_reference_next(&ref, it) == 0) {
		tail = git_reference_name(ref) + strlen("refs/heads/");
		kind = layout_branch(tail, keyid);
		if (git_reference_type(ref) != GIT_REFERENCE_DIRECT ||
		    (kind != LAYOUT_DEVICE && (kind != LAYOUT_ATTACHMENTS ||
		    records_only))) {
			git_reference_free(ref);
			continue;
		}
		ns = xasprintf(SYNC_NS "%s/%s", name, tail);
		theirs = NULL;
		t = git_reference_lookup(&theirs, repo, ns) == 0 ?
		    git_reference_target(theirs) : NULL;
		if (t == NULL || !git_oid_equal(t, git_reference_target(ref))) {
			if (kind == LAYOUT_DEVICE)
				out->records += sync_count(repo, t,
				    git_reference_target(ref));
			else
				sync_new_files(repo, t,
				    git_reference_target(ref), &files);
		}
		git_reference_free(theirs);
		free(ns);
		git_reference_free(ref);
	}
	out->attachments += sync_files_count(&files);
cleanup:
	free(files.ids);
	git_reference_iterator_free(it);
	git_repository_free(repo);
	free(device);
	free(v);
	return rc;
}
