/* Small helpers over libgit2 shared by export, import and sync. */
#ifndef LANTIAN_GITUTIL_H
#define LANTIAN_GITUTIL_H

#include <stddef.h>

#include <git2.h>

/*
 * The last libgit2 error as an LT_EIO "<what>: <why>" (libgit2 may have
 * none: a callback that gave up leaves git_error_last() NULL).
 */
int gitutil_error(const char *what);
/* Apply updates to base (NULL: the empty tree); *out gets the new tree. */
int gitutil_tree_update(git_repository *repo, git_tree *base,
    const git_tree_update *up, size_t n, git_oid *out);
/* Open <datadir>/repo.git, creating it when missing. */
int gitutil_open(git_repository **out, const char *datadir);

#endif
