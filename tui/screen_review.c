/*
 * Review before signing: every answer shown, the findings they imply
 * (task, severity, action, deadline), attachments, notes and the
 * acknowledgment; Enter on a question goes back to it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/record.h"
#include "core/util.h"
#include "core/answer.h"
#include "tui/draw.h"
#include "tui/flow.h"
#include "tui/list.h"
#include "tui/screens.h"
#include "tui/words.h"

enum review_kind {
	R_HEAD,		/* a heading */
	R_QUESTION,	/* idx: index in ev.relevant */
	R_FINDING,	/* idx: index in ev.findings */
	R_ACTION,	/* the finding's action and deadline */
	R_ATTACH,	/* idx: index in d.attachments */
	R_NOTES,
	R_ACK,
	R_TEXT,		/* a line of text: idx into review_texts */
};

struct review_row {
	enum review_kind	kind;
	size_t			idx;
	const char		*text;	/* R_HEAD, R_TEXT */
	int			sub;	/* R_FINDING, R_ACTION: its row of the
					   wrapped text */
};

struct review {
	struct flow_state	 fs;
	struct review_row	*rows;
	size_t			 nrows;
	struct list		 l;
	int			 cols;	/* COLS the rows were laid out for */
	char			 lang[4];	/* and their language */
};

/* Where the findings' rows start, and their width. */
#define REVIEW_FINDING_X	3
#define REVIEW_ACTION_X		5

static void
review_add(struct review *rv, enum review_kind kind, size_t idx,
    const char *text)
{
	rv->rows = xrealloc(rv->rows, (rv->nrows + 1) * sizeof *rv->rows);
	rv->rows[rv->nrows].kind = kind;
	rv->rows[rv->nrows].idx = idx;
	rv->rows[rv->nrows].text = text;
	rv->rows[rv->nrows].sub = 0;
	rv->nrows++;
}

/*
 * Finding i as the representative reads it before acknowledging: task,
 * severity and text, or (action) the deadline and the action; wrapped
 * whole on the screen, never cut.  Caller frees.
 */
static char *
review_finding_text(const struct review *rv, size_t i, int action)
{
	const json_t	*f = json_array_get(rv->fs.ev.findings, i);
	const char	*lang = i18n_lang();
	char		 deadline[16];

	if (action) {
		util_date_after(deadline, sizeof deadline, util_now(),
		    (int)json_integer_value(json_object_get(f,
		    "deadline_days")));
		return xasprintf("→ %s %s · %s", _("by"), deadline,
		    record_text(json_object_get(f, "action"), lang));
	}
	return xasprintf("%s %lld · %s: %s", _("Task"),
	    (long long)json_integer_value(json_object_get(f, "task")),
	    words_severity(json_string_value(json_object_get(f, "severity")),
	    NULL), record_text(json_object_get(f, "text"), lang));
}

/* The rows of finding i's text (or action), each a row of its wrap. */
static void
review_add_wrapped(struct review *rv, enum review_kind kind, size_t i)
{
	char	*text = review_finding_text(rv, i, kind == R_ACTION);
	int	 n, j, x = kind == R_ACTION ? REVIEW_ACTION_X :
	    REVIEW_FINDING_X;

	n = draw_wrap_rows(COLS - x - 1, text);
	for (j = 0; j < (n > 0 ? n : 1); j++) {
		review_add(rv, kind, i, NULL);
		rv->rows[rv->nrows - 1].sub = j;
	}
	free(text);
}

static int
review_selectable(const struct review_row *r)
{
	return r->kind == R_QUESTION || r->kind == R_ATTACH ||
	    r->kind == R_NOTES || r->kind == R_ACK;
}

/* Lay out the rows from the draft's evaluation. */
static void
review_build(struct review *rv)
{
	const json_t	*q;
	size_t		 i, n;

	free(rv->rows);
	rv->rows = NULL;
	rv->nrows = 0;
	rv->cols = COLS;
	snprintf(rv->lang, sizeof rv->lang, "%s", i18n_lang());
	review_add(rv, R_HEAD, 0, N_("Answers"));
	n = json_array_size(rv->fs.ev.relevant);
	for (i = 0; i < n; i++) {
		q = form_question(rv->fs.f, json_string_value(
		    json_array_get(rv->fs.ev.relevant, i)));
		if (strcmp(json_string_value(json_object_get(q, "type")),
		    "note") == 0)
			continue;
		review_add(rv, R_QUESTION, i, NULL);
	}
	review_add(rv, R_HEAD, 0, N_("Findings these answers imply"));
	n = json_array_size(rv->fs.ev.findings);
	if (n == 0)
		review_add(rv, R_TEXT, 0, N_("None: nothing to rectify."));
	for (i = 0; i < n; i++) {
		review_add_wrapped(rv, R_FINDING, i);
		review_add_wrapped(rv, R_ACTION, i);
	}
	review_add(rv, R_HEAD, 0, N_("Attachments, notes, acknowledgment"));
	n = json_array_size(rv->fs.d.attachments);
	for (i = 0; i < n; i++)
		review_add(rv, R_ATTACH, i, NULL);
	if (n == 0)
		review_add(rv, R_ATTACH, (size_t)-1, NULL);
	review_add(rv, R_NOTES, 0, NULL);
	review_add(rv, R_ACK, 0, NULL);
	rv->l.n = (int)rv->nrows;
}

/* Move the selection to a selectable row, in direction dir. */
static void
review_settle(struct review *rv, int dir)
{
	int	i = rv->l.sel;

	while (i >= 0 && i < (int)rv->nrows && !review_selectable(&rv->rows[i]))
		i += dir;
	if (i < 0 || i >= (int)rv->nrows) {
		i = rv->l.sel;
		while (i >= 0 && i < (int)rv->nrows &&
		    !review_selectable(&rv->rows[i]))
			i -= dir;
	}
	if (i >= 0 && i < (int)rv->nrows)
		rv->l.sel = i;
}

static int
review_load(struct tui *t, struct review *rv, int64_t id)
{
	int	rc;

	flow_state_clear(&rv->fs);
	if ((rc = flow_state_load(t, id, &rv->fs)) != 0)
		return rc;
	review_build(rv);
	review_settle(rv, 1);
	list_fix(&rv->l, tui_body_rows() - 2);
	return 0;
}

static int
review_open(struct tui *t, void *priv, void *arg)
{
	struct review	*rv = priv;
	int		 rc;

	if ((rc = review_load(t, rv, *(int64_t *)arg)) != 0)
		tui_error(t, "%s", _("Cannot open the draft"));
	return rc;
}

static void
review_close(struct tui *t, void *priv)
{
	struct review	*rv = priv;

	(void)t;
	flow_state_clear(&rv->fs);
	free(rv->rows);
}

static void
review_resume(struct tui *t, void *priv)
{
	struct review	*rv = priv;
	int		 sel = rv->l.sel;

	if (review_load(t, rv, rv->fs.d.id) != 0) {
		tui_pop(t);
		return;
	}
	rv->l.sel = sel;
	review_settle(rv, 1);
}

static const char *
review_title(struct tui *t, void *priv)
{
	(void)t;
	return flow_title(&((struct review *)priv)->fs);
}

/* Paint one row at y. */
static void
review_row(struct review *rv, const struct review_row *r, int y, int sel)
{
	const char	*lang = i18n_lang(), *id;
	const json_t	*q, *f, *a;
	char		*ans, *problem, *text, *line, size[16];
	json_t		*deflt;
	attr_t		 base = sel ? draw_attr(DRAW_SELECT) : A_NORMAL;
	int		 half = COLS / 2 - 2, x;

	draw_fill(y, 1, COLS - 2, base);
	switch (r->kind) {
	case R_HEAD:
		draw_str(y, 1, COLS - 2, _(r->text), draw_attr(DRAW_HEAD));
		break;
	case R_TEXT:
		draw_str(y, 3, COLS - 4, _(r->text), draw_attr(DRAW_DIM));
		break;
	case R_QUESTION:
		x = 0;
		id = json_string_value(json_array_get(rv->fs.ev.relevant,
		    r->idx));
		q = form_question(rv->fs.f, id);
		draw_str(y, 3, half - 1, answer_label(q, lang), base);
		problem = flow_problem(&rv->fs, id, 1);
		if (strcmp(json_string_value(json_object_get(q, "type")),
		    "calculate") == 0)
			ans = answer_text(q, json_object_get(rv->fs.ev.values,
			    id), NULL, lang);
		else
			ans = answer_text(q, json_object_get(rv->fs.d.answers,
			    id), rv->fs.d.attachments, lang);
		if (problem != NULL)
			draw_printf(y, half + 3, COLS - half - 4, sel ? base :
			    draw_attr(DRAW_ERROR), "%s%s! %s", ans,
			    *ans ? " " : "", problem);
		else
			x = draw_str(y, half + 3, COLS - half - 4, *ans ? ans :
			    "—", sel ? base : A_BOLD);
		/* Where an answer came from, when not from the inspector. */
		deflt = problem == NULL ? flow_default(&rv->fs, id) : NULL;
		if (problem == NULL && flow_from_last(&rv->fs, id))
			draw_str(y, half + 4 + x, COLS - half - 5 - x,
			    _("(from the last visit)"), sel ? base :
			    draw_attr(DRAW_DIM));
		else if (deflt != NULL && json_equal(deflt,
		    json_object_get(rv->fs.d.answers, id)))
			draw_str(y, half + 4 + x, COLS - half - 5 - x,
			    _("(from the site register)"), sel ? base :
			    draw_attr(DRAW_DIM));
		json_decref(deflt);
		free(ans);
		free(problem);
		break;
	case R_FINDING:
	case R_ACTION:
		f = json_array_get(rv->fs.ev.findings, r->idx);
		x = r->kind == R_ACTION ? REVIEW_ACTION_X : REVIEW_FINDING_X;
		text = review_finding_text(rv, r->idx, r->kind == R_ACTION);
		line = draw_wrap_line(COLS - x - 1, text, r->sub);
		draw_str(y, x, COLS - x - 1, line != NULL ? line : "",
		    r->kind == R_ACTION ? A_NORMAL : draw_attr(strcmp(
		    json_string_value(json_object_get(f, "severity")),
		    "violation") == 0 ? DRAW_ERROR : DRAW_WARN));
		free(line);
		free(text);
		break;
	case R_ATTACH:
		if (r->idx == (size_t)-1) {
			draw_printf(y, 3, COLS - 4, base, "%s: %s",
			    _("Attachments"), _("none"));
			break;
		}
		a = json_array_get(rv->fs.d.attachments, r->idx);
		draw_size(size, sizeof size,
		    json_integer_value(json_object_get(a, "bytes")));
		draw_printf(y, 3, COLS - 4, base, "%s: %s (%s)%s%s",
		    _("Attachment"), json_string_value(json_object_get(a,
		    "name")), size, json_is_string(json_object_get(a,
		    "caption")) ? " · " : "", json_is_string(json_object_get(a,
		    "caption")) ? json_string_value(json_object_get(a,
		    "caption")) : "");
		break;
	case R_NOTES:
		draw_printf(y, 3, COLS - 4, base, "%s: %s", _("Notes"),
		    rv->fs.d.notes != NULL && *rv->fs.d.notes ?
		    rv->fs.d.notes : _("none (o to write)"));
		break;
	case R_ACK:
		a = rv->fs.d.acknowledged;
		if (a == NULL)
			draw_printf(y, 3, COLS - 4, sel ? base :
			    draw_attr(DRAW_WARN), "%s: %s",
			    _("Acknowledgment"), _("not yet (k)"));
		else if (json_is_true(json_object_get(a, "refused")))
			draw_printf(y, 3, COLS - 4, base, "%s: %s %s, %s %s",
			    _("Acknowledgment"), _("refused to sign (拒签) by"),
			    json_string_value(json_object_get(a, "name")),
			    _("witness"), json_string_value(json_object_get(a,
			    "witness")));
		else
			draw_printf(y, 3, COLS - 4, base, "%s: %s, %s",
			    _("Acknowledgment"), json_string_value(
			    json_object_get(a, "name")), json_string_value(
			    json_object_get(a, "role")));
		break;
	}
}

static void
review_draw(struct tui *t, void *priv)
{
	struct review	*rv = priv;
	int		 rows = tui_body_rows() - 2, i, y;
	size_t		 missing;

	(void)t;
	/* The findings are wrapped to the width and in the language. */
	if (rv->cols != COLS || strcmp(rv->lang, i18n_lang()) != 0) {
		review_build(rv);
		review_settle(rv, 1);
	}
	missing = json_array_size(rv->fs.ev.missing) +
	    json_array_size(rv->fs.ev.violations);
	if (missing > 0)
		draw_printf(TUI_BODY_TOP, 1, COLS - 2, draw_attr(DRAW_ERROR),
		    ngettext("%zu answer missing or to correct before "
		    "signing.", "%zu answers missing or to correct before "
		    "signing.", missing), missing);
	else if (rv->fs.d.acknowledged == NULL)
		draw_str(TUI_BODY_TOP, 1, COLS - 2, _("Complete. Next: the "
		    "representative's acknowledgment (k), then sign (s)."),
		    draw_attr(DRAW_WARN));
	else
		draw_str(TUI_BODY_TOP, 1, COLS - 2, _("Complete and "
		    "acknowledged: press s to sign."), draw_attr(DRAW_OK));
	list_fix(&rv->l, rows);
	y = TUI_BODY_TOP + 2;
	for (i = rv->l.top; i < (int)rv->nrows && i < rv->l.top + rows; i++)
		review_row(rv, &rv->rows[i], y++, i == rv->l.sel);
	list_draw_marks(&rv->l, TUI_BODY_TOP + 2, rows);
}

static void
review_notes_done_save(struct tui *t, struct review *rv, const char *text)
{
	free(rv->fs.d.notes);
	rv->fs.d.notes = *text != '\0' ? xstrdup(text) : NULL;
	flow_state_save(t, &rv->fs);
}

static int
review_notes_done(struct tui *t, void *arg, const char *text)
{
	if (text != NULL)
		review_notes_done_save(t, arg, text);
	return 0;
}

static int
review_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct review		*rv = priv;
	struct review_row	*r = &rv->rows[rv->l.sel];
	struct tui_prompt	 p;
	int			 rows = tui_body_rows() - 2, rc, dir;

	if (k->code == KEY_UP || k->code == KEY_DOWN || k->code == KEY_PPAGE ||
	    k->code == KEY_NPAGE || k->code == KEY_HOME || k->code == KEY_END ||
	    TUI_IS(k, ' ')) {
		dir = k->code == KEY_UP || k->code == KEY_PPAGE ||
		    k->code == KEY_HOME ? -1 : 1;
		rc = list_key(&rv->l, k, rows, 1);
		review_settle(rv, dir);
		list_fix(&rv->l, rows);
		return rc == TUI_UNHANDLED ? TUI_HANDLED : TUI_REDRAW;
	}
	if (TUI_IS(k, '\r') || TUI_IS(k, '\n') || k->code == KEY_ENTER) {
		switch (r->kind) {
		case R_QUESTION:
			free(rv->fs.d.position);
			rv->fs.d.position = xstrdup(json_string_value(
			    json_array_get(rv->fs.ev.relevant, r->idx)));
			flow_state_save(t, &rv->fs);
			tui_pop(t);
			return TUI_REDRAW;
		case R_ATTACH:
			tui_push(t, &screen_attach, &rv->fs.d.id);
			return TUI_REDRAW;
		case R_ACK:
			tui_push(t, &screen_ack, &rv->fs.d.id);
			return TUI_REDRAW;
		case R_NOTES:
			break;
		default:
			return TUI_HANDLED;
		}
	}
	if (TUI_IS(k, 'o') || k->code == KEY_F(5) ||
	    ((TUI_IS(k, '\r') || TUI_IS(k, '\n') || k->code == KEY_ENTER) &&
	    r->kind == R_NOTES)) {
		memset(&p, 0, sizeof p);
		p.title = _("Notes");
		p.label = _("Notes for the record (what you saw that the "
		    "questions do not say):");
		p.initial = rv->fs.d.notes;
		p.max = 4000;
		p.done = review_notes_done;
		p.arg = rv;
		tui_prompt(t, &p);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'a') || k->code == KEY_F(6)) {
		tui_push(t, &screen_attach, &rv->fs.d.id);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'k') || k->code == KEY_F(7)) {
		tui_push(t, &screen_ack, &rv->fs.d.id);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 's') || k->code == KEY_F(8)) {
		flow_sign(t, &rv->fs);
		return TUI_REDRAW;
	}
	return TUI_UNHANDLED;
}

static const struct tui_keyhelp review_keys[] = {
	{ "Enter", N_("go to / edit") },
	{ "o", N_("notes") },
	{ "a", N_("attachments") },
	{ "k", N_("acknowledgment") },
	{ "s", N_("sign") },
	{ "Esc", N_("back") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
review_keys_fn(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return review_keys;
}

const struct tui_screen screen_review = {
	.name = "review",
	.priv_size = sizeof(struct review),
	.open = review_open,
	.close = review_close,
	.title = review_title,
	.draw = review_draw,
	.key = review_key,
	.keys = review_keys_fn,
	.resume = review_resume,
};
