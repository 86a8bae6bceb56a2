/*
 * What the screens of one inspection (question flow, review,
 * attachments, acknowledgment) share: the draft, its form, the site, and
 * the evaluation of the answers so far.
 *
 * Ownership: flow_state_load() fills a struct flow_state that
 * flow_state_clear() empties; the form is borrowed from the TUI.
 */
#ifndef LANTIAN_FLOW_H
#define LANTIAN_FLOW_H

#include <stdint.h>

#include "core/attach.h"
#include "core/draft.h"
#include "core/form.h"
#include "core/site.h"
#include "tui/tui.h"

struct flow_state {
	struct draft		 d;
	const struct form	*f;
	struct site		 site;
	struct form_eval	 ev;
	int			 have_ev;
	json_t			*last;	/* a follow-up: the answers of the
					   record it follows, or NULL */
};

/* Load draft id with its form and site, and evaluate it. */
int flow_state_load(struct tui *t, int64_t id, struct flow_state *fs);
void flow_state_clear(struct flow_state *fs);
/* Evaluate the draft's answers again (after a change). */
int flow_state_eval(struct flow_state *fs);
/* Save the draft; an error goes to the message line.  0 or the error. */
int flow_state_save(struct tui *t, struct flow_state *fs);
/*
 * The answers a follow-up starts with: those of the record it follows
 * (record) that this form still asks, photos and calculated values left
 * out (a follow-up takes its own photos), into answers.
 */
void flow_prefill_last(struct tui *t, const struct form *f,
    const char *record, json_t *answers);
/* Is question id's answer the one of the last visit (a follow-up)? */
int flow_from_last(const struct flow_state *fs, const char *id);
/*
 * The default of question id from the site register (the question's
 * "default"), or NULL: a new reference, the caller's.
 */
json_t *flow_default(const struct flow_state *fs, const char *id);
/* The questions array of the form. */
const json_t *flow_questions(const struct flow_state *fs);
/* Is question id shown (relevant) with the answers so far? */
int flow_relevant(const struct flow_state *fs, const char *id);
/*
 * The problem with question id's answer, in the current language
 * (the constraint's message, the limits, and "required" when missing is
 * set), or NULL.  Caller frees.
 */
char *flow_problem(const struct flow_state *fs, const char *id,
    int missing);
/* "site name · form title" for the title bar (static buffer). */
const char *flow_title(const struct flow_state *fs);
/*
 * Take the file at path into the store as an attachment: 0 and a
 * message naming it and its type ("Attached IMG_1.jpg (JPEG image,
 * 2.1 MiB)."), or the error on the message line.  The caller frees
 * out->name.
 */
int flow_take_file(struct tui *t, const char *path, struct attach_info *out);
/*
 * Sign: ask the passphrase, finish the inspection (inspect_finish) and
 * show the new record.  Missing answers or acknowledgment are said first.
 */
void flow_sign(struct tui *t, struct flow_state *fs);

#endif
