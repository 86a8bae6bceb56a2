/*
 * The objects a remote on a path would send, screened by their sizes
 * before the fetch (sync/screen.c).
 */
#ifndef LANTIAN_SCREEN_H
#define LANTIAN_SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "import.h"

struct datadir;

/*
 * The branches of the repository at path matching globs whose new objects
 * (those mine lacks) are all of sizes lantian reads: their names in *ok
 * (*nok of them, each and the array to free).  The others are refused:
 * said to log, in sync_log (remote names the remote) and counted in
 * *refused.
 */
int screen_path(git_repository *mine, const char *path, const char *remote,
    const char *const *globs, size_t nglobs, import_log_fn log, void *arg,
    struct datadir *dd, char ***ok, size_t *nok, int64_t *refused);

#endif
