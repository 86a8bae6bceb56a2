/*
 * The data directory's bare replication repository, repo.git, written with
 * libgit2 and no work tree (see DESIGN.md "Replication through git").
 */
#ifndef LANTIAN_REPO_H
#define LANTIAN_REPO_H

/* Initialise libgit2; call once before any thread starts. */
int repo_global_init(void);
void repo_global_shutdown(void);

/* Create <datadir>/repo.git as a bare repository if it is not there. */
int repo_init(const char *datadir);

/* The libgit2 version as "1.5.1" (static storage). */
const char *repo_libgit2_version(void);

#endif
