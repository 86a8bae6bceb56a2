/*
 * Export: this device's signed records (and the attachments they name)
 * written from the store into repo.git, on refs/heads/devices/<key id> and
 * refs/heads/attachments/<key id>, in the layout of sync/layout.h.  Each
 * run adds one commit per branch with only the new files, so the trees it
 * rewrites stay small however long the history.
 */
#ifndef LANTIAN_EXPORT_H
#define LANTIAN_EXPORT_H

#include <stdint.h>

#include <git2.h>

#include "core/datadir.h"

/*
 * Write the device's records above the last exported seq.  *records and
 * *attachments get how many were added.  Safe to repeat after a crash: a
 * file already on the branch is written again with the same content.
 */
int export_device(struct datadir *dd, git_repository *repo,
    int64_t *records, int64_t *attachments);

/*
 * On the supervisor's machine (it holds the office key): the office
 * branch with office.pub and every roster entry the office signed.  A
 * commit only when something changed.
 */
int export_office(struct datadir *dd, git_repository *repo);

#endif
