/*
 * The screens of the TUI, one file each (tui/screen_<name>.c), and the
 * ways into the ones that need more than a push.
 */
#ifndef LANTIAN_SCREENS_H
#define LANTIAN_SCREENS_H

#include <stddef.h>
#include <stdint.h>

#include "tui/tui.h"

/* First run: create the device key (name, badge, passphrase twice).
 * arg: the data directory's path (const char *). */
extern const struct tui_screen screen_setup;
/* Assignments, drafts, records waiting to sync, findings due soon. */
extern const struct tui_screen screen_home;
/* The sites, searchable, grouped by village. */
extern const struct tui_screen screen_sites;
/* One site: the forms for its kind, its records and open findings.
 * arg: the site id (const char *). */
extern const struct tui_screen screen_site;
/* The question flow of a draft.  arg: struct flow_arg *. */
extern const struct tui_screen screen_flow;
/* All answers, the findings they imply, notes; sign from here.
 * arg: the draft id (int64_t *). */
extern const struct tui_screen screen_review;
/* The files attached to a draft, with captions.  arg: int64_t *draft. */
extern const struct tui_screen screen_attach;
/* Pick a file from the import folder.  arg: struct files_arg *. */
extern const struct tui_screen screen_files;
/* The site representative's acknowledgment.  arg: int64_t *draft. */
extern const struct tui_screen screen_ack;
/* Records, newest first, paged from the store.
 * arg: a site id to show only its records, or NULL. */
extern const struct tui_screen screen_history;
/* One record: answers, findings and their state, verification.
 * arg: the record id (const char *). */
extern const struct tui_screen screen_record;
/* The plan's monthly figures with bar charts (core/report.h). */
extern const struct tui_screen screen_report;
/* Findings by village and task, the inspectors, conflicts. */
extern const struct tui_screen screen_desk;
/* The findings of the merged log: open, overdue, closed; narrowed. */
extern const struct tui_screen screen_findings;
/* Remotes and what waits to be sent. */
extern const struct tui_screen screen_sync;
/* Modal text prompt and yes/no question (tui_prompt, tui_confirm). */
extern const struct tui_screen screen_prompt;
extern const struct tui_screen screen_confirm;

struct flow_arg {
	int64_t		 draft;		/* the draft to work on */
	const char	*question;	/* start at this question, or NULL:
					   where the draft was left */
	int		 skip_notes;	/* no question given: start at the
					   first one that is not a note */
};

/*
 * Start an inspection of site with form (following up the record follows,
 * or NULL): a new draft, saved at once, and the question flow on it.  A
 * follow-up starts with the answers of the record it follows.
 */
int flow_start(struct tui *t, const char *site, const char *form,
    const char *follows);
/* The same, at the first question past the form's notes (skip_notes). */
int flow_start_at(struct tui *t, const char *site, const char *form,
    const char *follows, int skip_notes);

/* A file picked from the import folder goes to done() (path, or NULL). */
struct files_arg {
	const char	*title;		/* translated */
	void		(*done)(struct tui *, void *arg, const char *path);
	void		*arg;
};

/*
 * The office decides on records (core/review.h): asks the question or the
 * reason when the decision needs one, then the office's passphrase unless
 * t->office is unlocked, and signs.  keep leaves the office key unlocked
 * (the review queue).  done (may be NULL) gets how many were decided.
 */
typedef void (*review_ui_fn)(struct tui *, void *arg, int made);
void review_ui_decide(struct tui *t, const char *const *records, size_t n,
    const char *state, int keep, review_ui_fn done, void *arg);
/*
 * The inspector answers the office's question on one of this device's
 * records: the answer typed, then the passphrase, then an amendment.
 * done gets 1 when it was signed.
 */
void review_ui_answer(struct tui *t, const char *record,
    const char *question, review_ui_fn done, void *arg);
/* The office's review queue: pending records, oldest first. */
extern const struct tui_screen screen_queue;

/* Load the inspector's name and badge for the title bar. */
void tui_load_inspector(struct tui *t);

/* The import folder: setting tui.import_dir, $LANTIAN_IMPORT_DIR, ~. */
char *tui_import_dir(struct tui *t);

#endif
