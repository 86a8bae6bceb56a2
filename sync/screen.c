/*
 * A remote on a path (a USB stick, a folder) is read by libgit2's local
 * transport, which loads each object it sends whole into memory to pack
 * it: a 2 GiB blob on a stick would take 2 GiB before import could refuse
 * it.  So before fetching from a path, the objects each branch would
 * bring (those of its commits this repository lacks) are screened in the
 * stick's own repository by their headers alone (git_odb_read_header:
 * the size without the content).  A branch holding a blob larger than any
 * file lantian takes, a tree as large, or trees nested thousands deep, is
 * not fetched, and the refusal is said and logged like import's
 * (too-big).  What is smaller comes, for import to judge.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "core/attach.h"
#include "core/error.h"
#include "core/util.h"
#include "gitutil.h"
#include "import.h"
#include "screen.h"

/* What would take too much memory to fetch, not what import refuses (it
 * refuses more, itself, with its reasons: trees over 1 MiB, deeper than
 * the layout, ...). */
#define SCREEN_TREE_MAX		ATTACH_MAX
#define SCREEN_COMMIT_MAX	(1024 * 1024)
#define SCREEN_DEPTH		4096
#define SCREEN_OBJECTS		(4 * 1024 * 1024) /* per branch, at most */

/* The objects seen on one branch (open addressing on the id's bytes). */
struct screen_set {
	git_oid		*v;
	size_t		 n, size;
};

struct screen {
	git_odb			*mine;	/* this repository's objects */
	git_odb			*theirs;	/* the stick's */
	git_repository		*repo;	/* the stick's repository */
	struct screen_set	 seen;
	const char		*ref;
	const char		*kind;	/* too-big, or unreadable */
	char			 path[1024];
	char			 why[256];
	int			 refused;
};

static uint64_t
screen_hash(const git_oid *id)
{
	uint64_t	h;

	memcpy(&h, id->id, sizeof h);
	return h;
}

/* Add id; 1 when it was new, 0 when seen before. */
static int
screen_add(struct screen_set *s, const git_oid *id)
{
	git_oid	*old = s->v;
	size_t	 i, osize = s->size;

	if (s->n * 2 >= s->size) {
		s->size = s->size == 0 ? 1024 : s->size * 2;
		s->v = xcalloc(s->size, sizeof *s->v);
		s->n = 0;
		for (i = 0; i < osize; i++) {
			if (!git_oid_is_zero(&old[i]))
				screen_add(s, &old[i]);
		}
		free(old);
	}
	for (i = screen_hash(id) & (s->size - 1); !git_oid_is_zero(&s->v[i]);
	    i = (i + 1) & (s->size - 1)) {
		if (git_oid_equal(&s->v[i], id))
			return 0;
	}
	git_oid_cpy(&s->v[i], id);
	s->n++;
	return 1;
}

static int screen_refuse(struct screen *, const char *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
screen_refuse(struct screen *sc, const char *kind, const char *fmt, ...)
{
	va_list	ap;

	sc->kind = kind;
	va_start(ap, fmt);
	vsnprintf(sc->why, sizeof sc->why, fmt, ap);
	va_end(ap);
	sc->refused = 1;
	return 1;
}

/* An object to screen: 0 when it is ours already or seen, 1 when new
 * and its size is in *len; -1 when the stick lacks it. */
static int
screen_new(struct screen *sc, const git_oid *id, size_t *len)
{
	git_object_t	type;

	if (git_odb_exists(sc->mine, id) || !screen_add(&sc->seen, id))
		return 0;
	if (sc->seen.n > SCREEN_OBJECTS) {
		screen_refuse(sc, "too-big", "more than %d new objects on "
		    "one branch", SCREEN_OBJECTS);
		return -1;
	}
	if (git_odb_read_header(len, &type, sc->theirs, id) != 0) {
		screen_refuse(sc, "unreadable", "object %.12s missing",
		    git_oid_tostr_s(id));
		return -1;
	}
	return 1;
}

/* The tree id at sc->path (its length at plen), depth deep. */
static int
screen_tree(struct screen *sc, const git_oid *id, size_t plen, int depth)
{
	const git_tree_entry	*e;
	git_tree		*tree;
	size_t			 len, i, n, at;
	int			 rc;

	if ((rc = screen_new(sc, id, &len)) <= 0)
		return rc < 0;
	if (len > SCREEN_TREE_MAX)
		return screen_refuse(sc, "too-big", "a tree of %zu bytes", len);
	if (depth > SCREEN_DEPTH)
		return screen_refuse(sc, "too-big", "trees deeper than %d",
		    SCREEN_DEPTH);
	if (git_tree_lookup(&tree, sc->repo, id) != 0)
		return screen_refuse(sc, "unreadable", "tree %.12s unreadable",
		    git_oid_tostr_s(id));
	n = git_tree_entrycount(tree);
	for (i = 0; i < n && !sc->refused; i++) {
		e = git_tree_entry_byindex(tree, i);
		at = plen;
		if (at + 1 + strlen(git_tree_entry_name(e)) < sizeof sc->path) {
			at += (size_t)snprintf(sc->path + plen, sizeof sc->path -
			    plen, "%s%s", plen > 0 ? "/" : "",
			    git_tree_entry_name(e));
		}
		switch (git_tree_entry_type(e)) {
		case GIT_OBJECT_TREE:
			screen_tree(sc, git_tree_entry_id(e), at, depth + 1);
			break;
		case GIT_OBJECT_BLOB:
			if ((rc = screen_new(sc, git_tree_entry_id(e),
			    &len)) > 0 && len > ATTACH_MAX)
				screen_refuse(sc, "too-big", "%zu bytes", len);
			break;
		default:	/* a gitlink: no object comes with it */
			break;
		}
		if (!sc->refused)
			sc->path[plen] = '\0';
	}
	git_tree_free(tree);
	return sc->refused;
}

/* The refusal's consequence, said after its reason. */
static void
strlcat_why(struct screen *sc)
{
	size_t	len = strlen(sc->why);

	snprintf(sc->why + len, sizeof sc->why - len, "; the branch is not "
	    "fetched from this path");
}

/* The commits of the branch this repository lacks, and their trees. */
static int
screen_branch(struct screen *sc, const git_oid *tip)
{
	git_oid		*stack = NULL, id;
	git_commit	*commit;
	size_t		 n = 0, size = 0, len;
	unsigned int	 i;
	int		 rc;

	stack = xmalloc(sizeof *stack);
	size = 1;
	git_oid_cpy(&stack[n++], tip);
	while (n > 0 && !sc->refused) {
		git_oid_cpy(&id, &stack[--n]);
		if ((rc = screen_new(sc, &id, &len)) <= 0)
			continue;
		sc->path[0] = '\0';
		if (len > SCREEN_COMMIT_MAX) {
			screen_refuse(sc, "too-big", "a commit of %zu bytes", len);
			break;
		}
		if (git_commit_lookup(&commit, sc->repo, &id) != 0) {
			screen_refuse(sc, "unreadable", "commit %.12s unreadable",
			    git_oid_tostr_s(&id));
			break;
		}
		for (i = 0; i < git_commit_parentcount(commit); i++) {
			if (n == size) {
				size *= 2;
				stack = xrealloc(stack, size * sizeof *stack);
			}
			git_oid_cpy(&stack[n++], git_commit_parent_id(commit, i));
		}
		screen_tree(sc, git_commit_tree_id(commit), 0, 0);
		git_commit_free(commit);
	}
	free(stack);
	return sc->refused;
}

int
screen_path(git_repository *mine, const char *path, const char *remote,
    const char *const *globs, size_t nglobs, import_log_fn log, void *arg,
    struct datadir *dd, char ***ok, size_t *nok, int64_t *refused)
{
	git_reference_iterator	*it;
	git_reference		*ref;
	struct screen		 sc;
	const git_oid		*tip;
	size_t			 g;
	int			 rc = 0;

	*ok = NULL;
	*nok = 0;
	memset(&sc, 0, sizeof sc);
	if (git_repository_open_bare(&sc.repo, path) != 0)
		return gitutil_error(path);
	if (git_repository_odb(&sc.theirs, sc.repo) != 0 ||
	    git_repository_odb(&sc.mine, mine) != 0) {
		rc = gitutil_error(path);
		goto done;
	}
	for (g = 0; g < nglobs && rc == 0; g++) {
		if (git_reference_iterator_glob_new(&it, sc.repo, globs[g]) != 0) {
			rc = gitutil_error(path);
			break;
		}
		while (git_reference_next(&ref, it) == 0) {
			sc.ref = git_reference_name(ref);
			sc.refused = 0;
			sc.path[0] = '\0';
			free(sc.seen.v);
			memset(&sc.seen, 0, sizeof sc.seen);
			if ((tip = git_reference_target(ref)) == NULL)
				screen_refuse(&sc, "unreadable", "not a branch");
			else
				screen_branch(&sc, tip);
			if (sc.refused) {
				strlcat_why(&sc);
				import_note(dd, remote, sc.ref, sc.path[0] !=
				    '\0' ? sc.path : NULL, sc.kind, sc.why,
				    log, arg);
				(*refused)++;
			} else {
				*ok = xrealloc(*ok, (*nok + 1) * sizeof **ok);
				(*ok)[(*nok)++] = xstrdup(sc.ref);
			}
			git_reference_free(ref);
		}
		git_reference_iterator_free(it);
	}
done:
	free(sc.seen.v);
	git_odb_free(sc.mine);
	git_odb_free(sc.theirs);
	git_repository_free(sc.repo);
	return rc;
}
