#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <git2.h>

#include "core/error.h"
#include "core/util.h"
#include "repo.h"

int
repo_global_init(void)
{
	if (git_libgit2_init() < 0)
		return error_set(LT_EIO, "libgit2: cannot initialise");
	/*
	 * Objects are not hashed again on every read: fetching indexes and
	 * checks each pack once, and what lantian reads from a tree is
	 * judged by its own SHA-256 and signature anyway (records, roster
	 * entries, attachments).  Reading every shard of a long history
	 * again would otherwise cost more than the new records.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	return 0;
}

void
repo_global_shutdown(void)
{
	git_libgit2_shutdown();
}

/* The last libgit2 error as an lantian error. */
static int
repo_error(const char *what)
{
	const git_error	*e = git_error_last();

	return error_set(LT_EIO, "%s: %s", what,
	    e != NULL && e->message != NULL ? e->message : "libgit2 error");
}

int
repo_init(const char *datadir)
{
	git_repository	*repo = NULL;
	char		*path;
	int		 rc = 0;

	path = xasprintf("%s/repo.git", datadir);
	if (git_repository_open_bare(&repo, path) == 0)
		goto cleanup;
	if (git_repository_init(&repo, path, 1) < 0)
		rc = repo_error(path);
cleanup:
	git_repository_free(repo);
	free(path);
	return rc;
}

const char *
repo_libgit2_version(void)
{
	static char	buf[32];
	int		major, minor, rev;

	git_libgit2_version(&major, &minor, &rev);
	snprintf(buf, sizeof buf, "%d.%d.%d", major, minor, rev);
	return buf;
}
