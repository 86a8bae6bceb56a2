/*
 * Evidence bundles: the records behind a case, with everything a third
 * party needs to check them without lantian, as a BagIt 1.0 bag (RFC 8493,
 * core/bagit.h):
 *
 *   bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
 *   tagmanifest-sha256.txt.minisig   the exporter's device key signs the
 *                                    tag manifest, which covers the rest
 *   VERIFY.txt                       the commands that check the bag with
 *                                    sha256sum and minisign alone (a
 *                                    shell script: sh VERIFY.txt)
 *   data/records/<id>.json + .minisig    exact signed bytes, signature
 *   data/attachments/<sha256>.<ext>      the photos and files they name
 *   data/keys/<key id>.pub, office.pub   every signer's key, the office's
 *   data/roster/<key id>.json + .minisig the office-signed roster entries
 *   data/forms/<id>-v<version>.json      the exact form files cited
 *   data/chain/<key id>.txt              "seq id prev" of each device's
 *                                        chain as the exporter knows it
 *   data/reviews/<id>.json + .minisig    the office's reviews
 *   data/report.html                     the case for a person to read
 *
 * bundle_export() writes one from the store; bundle_verify() checks one,
 * trusting nothing in it but what the signatures and hashes prove.
 */
#ifndef LANTIAN_BUNDLE_H
#define LANTIAN_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "datadir.h"
#include "key.h"

#define BUNDLE_CASE_MAX		128	/* bytes of a case id */

/* What goes in: one of site, records, finding; and the dates. */
struct bundle_sel {
	const char		*site;		/* every record of a site */
	const char *const	*records;	/* these records (ids or
						   prefixes) */
	size_t			 nrecords;
	const char		*finding;	/* the records that found a rule,
						   and those that closed it */
	const char		*from;		/* YYYY-MM-DD, or NULL */
	const char		*to;		/* YYYY-MM-DD, included, or NULL */
	const char		*case_id;	/* External-Identifier */
	const char		*lang;		/* of report.html: zh or en */
	int			 include_unverified;
	const char		*described;	/* the selection in words, for
						   Internal-Sender-Description */
};

struct bundle_stats {
	int		records;
	int		unverified;
	int		amendments;
	int		attachments;
	int		signers;
	int		forms;
	int		reviews;
	uint64_t	payload_bytes;
	size_t		payload_files;
};

/*
 * Write the bag of the selection to the directory out (which must not
 * exist, or be empty), signed with the device key sk; with tar (may be
 * NULL) also a serialized bag, one .tar file holding the bag's directory.
 * Records not verified are refused unless include_unverified; records
 * whose signature or id failed are never exported.  On failure nothing of
 * the bag is left behind.
 */
int bundle_export(struct datadir *dd, const struct key_secret *sk,
    const struct bundle_sel *sel, const char *out, const char *tar,
    struct bundle_stats *st);

/* One line of a verification: ok, or not, what was checked and how. */
enum bundle_mark { BUNDLE_OK, BUNDLE_FAIL, BUNDLE_NOTE };
typedef void (*bundle_line_fn)(enum bundle_mark mark, const char *text,
    void *arg);

/*
 * Check a bag (a directory, or a .tar file of one): complete and valid
 * (every payload file listed once, every hash, Payload-Oxum, no path
 * leaving the bag, nothing unlisted), the exporter's signature, every
 * record's id, signature and chain, every signer on an office-signed
 * roster valid at the record's time, the office key against office_key
 * (a .pub file, may be NULL: reported as not pinned), attachments and
 * forms present with their hashes, the reviews signed by the office.
 * fn gets one line per check; *failed how many failed.  0 when the
 * checks could run (whatever they found), else an error (the bag cannot
 * be read at all).
 */
int bundle_verify(const char *path, const char *office_key,
    bundle_line_fn fn, void *arg, int *failed);

#endif
