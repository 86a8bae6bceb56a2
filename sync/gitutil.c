#include "config.h"

#include <stdlib.h>

#include "core/error.h"
#include "core/util.h"
#include "gitutil.h"

int
gitutil_error(const char *what)
{
	const git_error	*e = git_error_last();

	return error_set(LT_EGIT, "%s: %s", what,
	    e != NULL && e->message != NULL ? e->message : "libgit2 error");
}

int
gitutil_tree_update(git_repository *repo, git_tree *base,
    const git_tree_update *up, size_t n, git_oid *out)
{
	git_treebuilder	*tb = NULL;
	git_tree	*empty = NULL;
	git_oid		 eoid;
	int		 rc = 0;

	if (base == NULL) {
		if (git_treebuilder_new(&tb, repo, NULL) < 0 ||
		    git_treebuilder_write(&eoid, tb) < 0 ||
		    git_tree_lookup(&empty, repo, &eoid) < 0) {
			rc = gitutil_error("repo.git: empty tree");
			goto cleanup;
		}
		base = empty;
	}
	if (git_tree_create_updated(out, repo, base, n, up) < 0)
		rc = gitutil_error("repo.git: tree");
cleanup:
	git_tree_free(empty);
	git_treebuilder_free(tb);
	return rc;
}

int
gitutil_open(git_repository **out, const char *datadir)
{
	char	*path = xasprintf("%s/repo.git", datadir);
	int	 rc = 0;

	if (git_repository_open_bare(out, path) < 0 &&
	    git_repository_init(out, path, 1) < 0)
		rc = gitutil_error(path);
	free(path);
	return rc;
}
