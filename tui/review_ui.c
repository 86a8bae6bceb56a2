/*
 * Deciding on records and answering the office from the TUI
 * (core/review.h): the prompts and the signing behind the review queue,
 * the record view and home.
 *
 * The office key, once unlocked for a decision, is kept in sodium memory
 * (t->office) while the review queue is open, so that a supervisor going
 * through the queue types the passphrase once; the queue wipes it when
 * it closes, and a decision made elsewhere wipes it at once.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/inspect.h"
#include "core/key.h"
#include "core/record.h"
#include "core/review.h"
#include "core/roster.h"
#include "core/util.h"
#include "tui/screens.h"
#include "tui/words.h"

/* A decision or an answer on its way through its prompts. */
struct rui {
	char		**records;	/* the decision: these records */
	size_t		  n;
	const char	 *state;	/* accepted, returned, rejected; NULL:
					   the inspector's answer */
	char		 *text;		/* question, reason or reply */
	int		  keep;		/* keep the office key unlocked */
	review_ui_fn	  done;
	void		 *arg;
};

static void
rui_free(struct rui *u)
{
	size_t	i;

	for (i = 0; i < u->n; i++)
		free(u->records[i]);
	free(u->records);
	free(u->text);
	free(u);
}

/* Sign the decision on every record; say how it went. */
static void
rui_issue(struct tui *t, struct rui *u)
{
	size_t	i, made = 0;

	for (i = 0; i < u->n; i++) {
		if (review_issue(t->dd, t->office, u->records[i], u->state,
		    u->text) != 0) {
			tui_error(t, _("Record %.12s: not decided"),
			    u->records[i]);
			break;
		}
		made++;
	}
	if (!u->keep) {
		key_secret_free(t->office);
		t->office = NULL;
	}
	if (made == u->n && u->n == 1)
		tui_msg(t, _("Record %.12s %s; the decision goes out with the "
		    "next sync."), u->records[0], words_review(u->state, NULL));
	else if (made == u->n)
		tui_msg(t, ngettext("%zu record %s; the decision goes out "
		    "with the next sync.", "%zu records %s; the decisions go "
		    "out with the next sync.", made), made,
		    words_review(u->state, NULL));
	if (u->done != NULL)
		u->done(t, u->arg, (int)made);
	rui_free(u);
}

/* The office's passphrase typed. */
static int
rui_office_pass(struct tui *t, void *arg, const char *pass)
{
	struct rui	*u = arg;
	int		 rc;

	if (pass == NULL) {
		tui_msg(t, "%s", _("Nothing was decided."));
		rui_free(u);
		return 0;
	}
	if ((rc = tui_unlock(t, pass, 1, _("Wrong passphrase: nothing was "
	    "decided. Try again."), &t->office)) != 0) {
		if (rc < 0)
			rui_free(u);
		return rc > 0;
	}
	rui_issue(t, u);
	return 0;
}

/* The decision is known: sign it, after the office's passphrase. */
static void
rui_sign(struct tui *t, struct rui *u)
{
	struct tui_prompt	p;

	if (t->office != NULL) {
		rui_issue(t, u);
		return;
	}
	memset(&p, 0, sizeof p);
	p.title = _("The office key");
	p.label = _("The office's passphrase signs the decision.");
	p.secret = 1;
	p.max = 256;
	p.done = rui_office_pass;
	p.arg = u;
	tui_prompt(t, &p);
}

/* The question or the reason typed. */
static int
rui_text(struct tui *t, void *arg, const char *text)
{
	struct rui	*u = arg;

	if (text == NULL) {
		tui_msg(t, "%s", _("Nothing was decided."));
		rui_free(u);
		return 0;
	}
	if (review_text_check(text, "it", "") != 0) {
		tui_msg(t, "%s", strcmp(u->state, REVIEW_RETURNED) == 0 ?
		    _("Say what the inspector should clarify (at most 2000 "
		    "bytes).") : _("Say why the record is rejected (at most "
		    "2000 bytes)."));
		t->msg_error = 1;
		return 1;
	}
	u->text = xstrdup(text);
	rui_sign(t, u);
	return 0;
}

void
review_ui_decide(struct tui *t, const char *const *records, size_t n,
    const char *state, int keep, review_ui_fn done, void *arg)
{
	struct tui_prompt	 p;
	struct rui		*u;
	size_t			 i;

	if (!roster_office_has_key(t->dd)) {
		tui_msg(t, "%s", _("Only the office decides: there is no "
		    "office key on this machine."));
		t->msg_error = 1;
		return;
	}
	u = xcalloc(1, sizeof *u);
	u->records = xcalloc(n, sizeof *u->records);
	for (i = 0; i < n; i++)
		u->records[i] = xstrdup(records[i]);
	u->n = n;
	u->state = state;
	u->keep = keep;
	u->done = done;
	u->arg = arg;
	if (strcmp(state, REVIEW_ACCEPTED) == 0) {
		rui_sign(t, u);
		return;
	}
	memset(&p, 0, sizeof p);
	if (strcmp(state, REVIEW_RETURNED) == 0) {
		p.title = _("Return for clarification");
		p.label = _("The question for the inspector:");
	} else {
		p.title = _("Reject the record");
		p.label = _("The reason, for the inspector:");
	}
	p.max = 600;
	p.done = rui_text;
	p.arg = u;
	tui_prompt(t, &p);
}

/* The inspector's passphrase typed: sign the amendment. */
static int
rui_device_pass(struct tui *t, void *arg, const char *pass)
{
	struct rui		*u = arg;
	struct key_secret	*sk = NULL;
	struct amend		 a;
	struct record		 r;
	int			 rc;

	if (pass == NULL) {
		tui_msg(t, "%s", _("Nothing was signed: your answer is not "
		    "sent."));
		rui_free(u);
		return 0;
	}
	if ((rc = tui_unlock(t, pass, 0, _("Wrong passphrase: nothing was "
	    "signed and nothing is lost. Try again."), &sk)) != 0) {
		if (rc < 0)
			rui_free(u);
		return rc > 0;
	}
	memset(&a, 0, sizeof a);
	a.record = u->records[0];
	a.reply = u->text;
	rc = inspect_amend(t->dd, sk, &a, &r);
	key_secret_free(sk);
	if (rc != 0)
		tui_error(t, "%s", _("Not signed"));
	else {
		tui_msg(t, _("Your answer is signed (amendment %.12s); it goes "
		    "to the office with the next sync."), r.id);
		record_clear(&r);
	}
	if (u->done != NULL)
		u->done(t, u->arg, rc == 0);
	rui_free(u);
	return 0;
}

/* The inspector's answer typed. */
static int
rui_reply(struct tui *t, void *arg, const char *text)
{
	struct rui		*u = arg;
	struct tui_prompt	 p;

	if (text == NULL) {
		tui_msg(t, "%s", _("Nothing was signed: your answer is not "
		    "sent."));
		rui_free(u);
		return 0;
	}
	if (review_text_check(text, "it", "") != 0) {
		tui_msg(t, "%s", _("Write your answer to the office's question "
		    "(at most 2000 bytes)."));
		t->msg_error = 1;
		return 1;
	}
	u->text = xstrdup(text);
	memset(&p, 0, sizeof p);
	p.title = _("Sign your answer");
	p.label = _("Your passphrase signs the answer as an amendment of the "
	    "record; the record itself does not change.");
	p.secret = 1;
	p.max = 256;
	p.done = rui_device_pass;
	p.arg = u;
	tui_prompt(t, &p);
	return 0;
}

void
review_ui_answer(struct tui *t, const char *record, const char *question,
    review_ui_fn done, void *arg)
{
	struct tui_prompt	 p;
	struct rui		*u;
	char			*label;

	u = xcalloc(1, sizeof *u);
	u->records = xcalloc(1, sizeof *u->records);
	u->records[0] = xstrdup(record);
	u->n = 1;
	u->done = done;
	u->arg = arg;
	label = xasprintf(_("The office asks: %s\nYour answer:"),
	    question != NULL ? question : "");
	memset(&p, 0, sizeof p);
	p.title = _("Answer the office");
	p.label = label;
	p.max = 600;
	p.done = rui_reply;
	p.arg = u;
	tui_prompt(t, &p);
	free(label);
}
