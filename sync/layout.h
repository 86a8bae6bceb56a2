/*
 * The layout of the replication branches (DESIGN.md "Replication through
 * git"): which refs exist and which paths a tree may hold.  Import reads
 * only what these functions accept; anything else in a fetched tree is
 * logged and skipped, so a hostile remote cannot name a path of its own.
 *
 *   refs/heads/devices/<key id>      device.pub,
 *                                    records/<seq/1000, 4 digits>/
 *                                      <seq, 8 digits>.json[.minisig]
 *   refs/heads/attachments/<key id>  blobs/<aa>/<sha256>
 *   refs/heads/office                office.pub, roster/<key id>.json[.minisig],
 *                                    sites.json[.minisig],
 *                                    forms/<id>.json[.minisig] (core/office.h)
 */
#ifndef LANTIAN_LAYOUT_H
#define LANTIAN_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "core/key.h"

/* The largest blobs import reads: a record, its signature, a public key. */
#define LAYOUT_SIG_MAX		4096
#define LAYOUT_PUB_MAX		1024

enum layout_branch {
	LAYOUT_NONE,		/* not one of ours */
	LAYOUT_DEVICE,		/* devices/<key id> */
	LAYOUT_ATTACHMENTS,	/* attachments/<key id> */
	LAYOUT_OFFICE,		/* office */
};

/*
 * What a branch name (after refs/heads/, or a remote's namespace prefix
 * stripped) is; the key id (16 uppercase hex, as key_id_hex prints it) goes
 * to keyid for the device and attachment branches.
 */
enum layout_branch layout_branch(const char *name, char keyid[KEY_ID_HEX]);

/* "records/0001/00001234.json" (sig: ".json.minisig") into buf (64). */
void layout_record_path(char *buf, size_t size, int64_t seq, int sig);
/*
 * Is path a record file of the layout?  *seq gets its seq and *sig whether
 * it is the signature.  Anything else (other names, leading zeros missing,
 * a seq in the wrong shard, "..", absolute paths) is refused.
 */
int layout_parse_record_path(const char *path, int64_t *seq, int *sig);
/* "blobs/ab/<sha256>" into buf (80). */
void layout_attachment_path(char *buf, size_t size, const char *sha256);
/* Is path an attachment of the layout?  sha256 gets its hash. */
int layout_parse_attachment_path(const char *path, char sha256[65]);
/* Is path a roster entry of the office branch, roster/<key id>.json? */
int layout_parse_roster_path(const char *path);

#endif
