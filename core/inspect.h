/*
 * Finishing an inspection: validate the answers against the form, compute
 * the findings, take the attachments into the store, and sign and store
 * the record, all or nothing.  The CLI's `lantian inspect` and the TUI's
 * sign step both come here.
 */
#ifndef LANTIAN_INSPECT_H
#define LANTIAN_INSPECT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "datadir.h"
#include "form.h"
#include "key.h"
#include "record.h"

struct inspect {
	const char		*site;		/* site id (must be known) */
	const struct form	*form;		/* the checklist */
	const json_t		*answers;	/* question id -> value */
	const char *const	*attach;	/* files to attach */
	size_t			 nattach;
	const json_t		*stored;	/* attachments already taken
						   into the store (a draft's):
						   [{sha256, name, caption}],
						   or NULL */
	const char		*notes;		/* free text, or NULL */
	const char		*follows;	/* record followed up, or NULL */
	const json_t		*acknowledged;	/* {name, role, refused} or NULL */
	const json_t		*location;	/* {lat, lon} or NULL */
	const char		*started;	/* RFC 3339, NULL: now */
	int64_t			 draft;		/* draft to drop, 0: none */
	int			 any_kind;	/* allow a form not made for the
						   site's kind */
};

/*
 * The one rule of the site representative's acknowledgment, for the TUI's
 * sign step and `lantian inspect` alike: a record is signed only with an
 * acknowledgment {name, role} (both not empty), or a refusal to sign
 * {refused: true} with a witness.  NULL when ack passes, else why not: an
 * English sentence marked for translation (the TUI shows it translated,
 * the CLI as it is).
 */
const char *inspect_ack_problem(const json_t *ack);

/*
 * Do it.  A photo answer may name an attached file (its name as given) in
 * place of its sha256.  Incomplete or invalid answers are LT_EANSWER with
 * every problem named, and nothing is created; so is an acknowledgment
 * that inspect_ack_problem() refuses.
 */
int inspect_finish(struct datadir *dd, const struct key_secret *sk,
    const struct inspect *in, struct record *out);

/*
 * An amendment of one of this device's records (core/review.h): the
 * inspector's reply to the office (required) and any corrected answers,
 * checked against the record's form together with the answers they do
 * not correct.  A photo is not corrected this way.  The amendment cites
 * the office's latest return of the record, if any, so that it goes back
 * in the queue.  The record's findings stand: only a follow-up inspection
 * closes a finding.  Files given (attach, stored) become the amendment's
 * "attachments", as an inspection's: exported, synced and shown with it.
 */
struct amend {
	const char	*record;	/* the record amended (id or prefix) */
	const char	*reply;		/* the inspector's answer */
	const json_t	*answers;	/* corrected answers, or NULL */
	const char *const *attach;	/* files to attach (a photo the office
					   asked for), taken into the store */
	size_t		 nattach;
	const json_t	*stored;	/* attachments already in the store
					   (the TUI's): [{sha256, name,
					   caption}], or NULL */
};
int inspect_amend(struct datadir *dd, const struct key_secret *sk,
    const struct amend *a, struct record *out);

#endif
