/*
 * Deciding on records and answering the office from the TUI
 * (core/review.h): the prompts and the signing behind the review queue,
 * the record view and home.
 *
 * The office key, once unlocked for a decision, is kept in sodium memory
 * (t->office) while the review queue is open, so that a supervisor going
 * through the queue types the passphrase once, whether deciding in the
 * queue or in a record view opened from it; the queue wipes it when it
 * closes, the idle lock after LANTIAN_IDLE_LOCK seconds without a key,
 * and a decision made elsewhere wipes it at once.
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
#include "tui/flow.h"
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
	json_t		 *stored;	/* the answer's photos, taken into
					   the store: [{sha256, name,
					   caption}] */
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
	json_decref(u->stored);
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

/* Ask for the question or the reason of u's decision. */
static void
rui_ask_text(struct tui *t, struct rui *u)
{
	struct tui_prompt	 p;

	memset(&p, 0, sizeof p);
	if (strcmp(u->state, REVIEW_RETURNED) == 0) {
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

/* How many of u's records the office has accepted. */
static size_t
rui_accepted(struct tui *t, struct rui *u)
{
	struct review	rv;
	size_t		i, n = 0;

	for (i = 0; i < u->n; i++) {
		if (review_get(t->dd->db, u->records[i], &rv) != 0) {
			error_clear();
			continue;
		}
		n += strcmp(rv.state, REVIEW_ACCEPTED) == 0;
		review_clear(&rv);
	}
	return n;
}

/* The rejection of an accepted record confirmed, or not. */
static void
rui_confirmed(struct tui *t, void *arg, int yes)
{
	struct rui	*u = arg;

	if (!yes) {
		tui_msg(t, "%s", _("Nothing was decided."));
		rui_free(u);
		return;
	}
	rui_ask_text(t, u);
}

void
review_ui_decide(struct tui *t, const char *const *records, size_t n,
    const char *state, int keep, review_ui_fn done, void *arg)
{
	struct rui		*u;
	char			*q;
	size_t			 i, accepted;

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
	if (strcmp(state, REVIEW_REJECTED) == 0 && (accepted =
	    rui_accepted(t, u)) > 0) {
		/* It takes back what the office accepted: asked first. */
		if (u->n == 1)
			q = xasprintf(_("Record %.12s was accepted by the "
			    "office. Reject it all the same?"), u->records[0]);
		else
			q = xasprintf(ngettext("%zu of the marked records was "
			    "accepted by the office. Reject them all the same?",
			    "%zu of the marked records were accepted by the "
			    "office. Reject them all the same?", accepted),
			    accepted);
		tui_confirm(t, q, rui_confirmed, u);
		free(q);
		return;
	}
	rui_ask_text(t, u);
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
	a.stored = u->stored;
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

static void rui_ask_photo(struct tui *, struct rui *);

/* Then the passphrase, which signs the answer and its photos. */
static void
rui_ask_pass(struct tui *t, struct rui *u)
{
	struct tui_prompt	 p;

	memset(&p, 0, sizeof p);
	p.title = _("Sign your answer");
	p.label = _("Your passphrase signs the answer as an amendment of the "
	    "record; the record itself does not change.");
	p.secret = 1;
	p.max = 256;
	p.done = rui_device_pass;
	p.arg = u;
	tui_prompt(t, &p);
}

/* A file picked for the answer (NULL: none after all). */
static void
rui_photo_picked(struct tui *t, void *arg, const char *path)
{
	struct rui		*u = arg;
	struct attach_info	 info;

	if (path == NULL) {
		rui_ask_pass(t, u);
		return;
	}
	if (flow_take_file(t, path, &info) == 0) {
		json_array_append_new(u->stored, json_pack("{s:s, s:s, s:n}",
		    "sha256", info.sha256, "name", info.name, "caption"));
		free(info.name);
	}
	rui_ask_photo(t, u);
}

static void
rui_photo_yes(struct tui *t, void *arg, int yes)
{
	struct rui		*u = arg;
	struct files_arg	 fa;

	if (!yes) {
		rui_ask_pass(t, u);
		return;
	}
	fa.title = _("A photo for the office");
	fa.done = rui_photo_picked;
	fa.arg = u;
	tui_push(t, &screen_files, &fa);
}

/* The office often asks for a photo: offer one (another) before signing. */
static void
rui_ask_photo(struct tui *t, struct rui *u)
{
	size_t	n = json_array_size(u->stored);

	if (n == 0)
		tui_confirm(t, _("Add a photo to your answer (from the import "
		    "folder)?"), rui_photo_yes, u);
	else
		tui_confirm(t, _("Add another photo?"), rui_photo_yes, u);
}

/* The inspector's answer typed. */
static int
rui_reply(struct tui *t, void *arg, const char *text)
{
	struct rui		*u = arg;

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
	u->stored = json_array();
	rui_ask_photo(t, u);
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
