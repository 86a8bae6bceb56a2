/*
 * The office's review queue (core/review.h): the records waiting for a
 * decision, oldest first, those an inspector has answered marked; or the
 * records returned, rejected or accepted, newest decision first (v goes
 * from one to the next).  Enter opens the record; a accepts, r returns it
 * with a question, x rejects it with the reason; Space marks records and
 * A accepts the marked ones (or the selected one) at once.
 *
 * The office's passphrase is asked at the first decision and the key kept
 * unlocked (t->office) until the queue closes.  At most QUEUE_MAX records
 * are read at a time: a decision takes one out and the next comes in.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/history.h"
#include "core/key.h"
#include "core/review.h"
#include "core/site.h"
#include "core/util.h"
#include "tui/draw.h"
#include "tui/list.h"
#include "tui/screens.h"
#include "tui/words.h"

#define QUEUE_MAX	500

struct qrow {
	char	 record[65];
	char	 when[24];	/* created (pending) or decided, local */
	char	*site;		/* its name, else its id */
	char	*who;		/* the inspector */
	char	*form;
	char	*text;		/* the question or reason, or NULL */
	int	 answered;	/* an amendment answers the return */
	int	 marked;
};

struct queue {
	int		 view;		/* index in queue_views */
	struct qrow	*rows;
	int		 more;		/* more than QUEUE_MAX */
	int		 nmarked;
	char		 title[128];
	struct list	 l;
};

static const char *const queue_views[] = {
	REVIEW_PENDING, REVIEW_RETURNED, REVIEW_REJECTED, REVIEW_ACCEPTED
};
#define QUEUE_VIEWS	((int)(sizeof queue_views / sizeof queue_views[0]))

struct queue_walk {
	struct tui	*t;
	struct queue	*q;
};

static void
queue_free(struct queue *q)
{
	int	i;

	for (i = 0; i < q->l.n; i++) {
		free(q->rows[i].site);
		free(q->rows[i].who);
		free(q->rows[i].form);
		free(q->rows[i].text);
	}
	free(q->rows);
	q->rows = NULL;
	q->l.n = 0;
	q->nmarked = 0;
}

static int
queue_take(const struct review *rv, void *arg)
{
	struct queue_walk	*w = arg;
	struct queue		*q = w->q;
	struct qrow		*r;
	struct site		 s;

	if (q->l.n == QUEUE_MAX) {
		q->more = 1;
		return 1;
	}
	if (q->rows == NULL)
		q->rows = xcalloc(QUEUE_MAX, sizeof *q->rows);
	r = &q->rows[q->l.n++];
	snprintf(r->record, sizeof r->record, "%s", rv->record);
	history_time(r->when, sizeof r->when, q->view == 0 ? rv->created :
	    rv->reviewed);
	if (rv->site != NULL && site_get(w->t->dd->db, rv->site, &s) == 0) {
		r->site = xstrdup(s.name != NULL ? s.name : rv->site);
		site_clear(&s);
	} else {
		error_clear();
		r->site = xstrdup(rv->site != NULL ? rv->site : "-");
	}
	r->who = xstrdup(rv->inspector != NULL ? rv->inspector : "?");
	r->form = xstrdup(rv->form != NULL ? rv->form : "-");
	r->text = rv->text != NULL ? xstrdup(rv->text) : NULL;
	r->answered = rv->amendment[0] != '\0';
	return 0;
}

static void
queue_load(struct tui *t, struct queue *q)
{
	struct review_filter	 f = { queue_views[q->view], NULL, NULL,
				       QUEUE_MAX + 1 };
	struct queue_walk	 w = { t, q };

	queue_free(q);
	q->more = 0;
	if (review_each(t->dd->db, &f, queue_take, &w) != 0)
		tui_error(t, "%s", _("Cannot read the review queue"));
	list_fix(&q->l, tui_body_rows() - 1);
	t->dirty = 1;
}

static int
queue_open(struct tui *t, void *priv, void *arg)
{
	(void)arg;
	queue_load(t, priv);
	return 0;
}

static void
queue_close(struct tui *t, void *priv)
{
	queue_free(priv);
	/* The office key is unlocked for the queue only. */
	key_secret_free(t->office);
	t->office = NULL;
}

static void
queue_resume(struct tui *t, void *priv)
{
	struct queue	*q = priv;
	int		 sel = q->l.sel;

	queue_load(t, q);
	q->l.sel = sel;
	list_fix(&q->l, tui_body_rows() - 1);
}

static const char *
queue_view_name(int view)
{
	switch (view) {
	case 0:
		return _("waiting for a decision, oldest first");
	case 1:
		return _("returned to the inspector");
	case 2:
		return _("rejected");
	default:
		return _("accepted");
	}
}

static const char *
queue_title(struct tui *t, void *priv)
{
	struct queue	*q = priv;

	(void)t;
	snprintf(q->title, sizeof q->title, _("Review: %s"),
	    queue_view_name(q->view));
	return q->title;
}

static void
queue_draw(struct tui *t, void *priv)
{
	struct queue	*q = priv;
	struct qrow	*r;
	attr_t		 a;
	int		 y = TUI_BODY_TOP, i, rows = tui_body_rows() - 1;
	char		*line, *site, *who;

	(void)t;
	list_fix(&q->l, rows);
	if (q->more)
		draw_printf(y++, 1, COLS - 2, draw_attr(DRAW_HEAD),
		    _("the first %d records"), QUEUE_MAX);
	else if (q->nmarked > 0)
		draw_printf(y++, 1, COLS - 2, draw_attr(DRAW_HEAD),
		    ngettext("%d record, %d marked (A accepts them)",
		    "%d records, %d marked (A accepts them)",
		    (unsigned long)q->l.n), q->l.n, q->nmarked);
	else
		draw_printf(y++, 1, COLS - 2, draw_attr(DRAW_HEAD),
		    ngettext("%d record", "%d records", (unsigned long)q->l.n),
		    q->l.n);
	list_draw_where(TUI_BODY_TOP, q->l.sel + 1, q->l.n);
	list_draw_marks(&q->l, y, rows);
	if (q->l.n == 0)
		draw_str(y, 2, COLS - 4, q->view == 0 ? _("Nothing waits for "
		    "a decision.") : _("None."), draw_attr(DRAW_DIM));
	for (i = q->l.top; i < q->l.n && y <= LINES - 3; i++, y++) {
		r = &q->rows[i];
		site = draw_fit(r->site, 16);
		who = draw_fit(r->who, 8);
		if (q->view == 0)
			line = xasprintf("%c %s  %s  %s  %-12.12s %s",
			    r->marked ? '*' : ' ', r->when, site, who, r->form,
			    r->answered ? _("answered") : "");
		else
			line = xasprintf("%c %s  %s  %s  %s", r->marked ? '*' :
			    ' ', r->when, site, who, r->text != NULL ? r->text :
			    "");
		if (i == q->l.sel)
			a = draw_attr(DRAW_SELECT);
		else
			a = r->answered ? draw_attr(DRAW_WARN) : A_NORMAL;
		draw_str(y, 1, COLS - 2, line, a);
		free(line);
		free(who);
		free(site);
	}
}

static void
queue_decided(struct tui *t, void *arg, int made)
{
	(void)made;
	queue_resume(t, arg);
}

/* Decide on the marked records, or the selected one. */
static int
queue_decide(struct tui *t, struct queue *q, const char *state, int marked)
{
	const char	**ids;
	size_t		  n = 0;
	int		  i;

	if (q->l.n == 0) {
		tui_msg(t, "%s", _("No record to decide on."));
		return TUI_REDRAW;
	}
	ids = xcalloc((size_t)q->l.n, sizeof *ids);
	for (i = 0; marked && i < q->l.n; i++) {
		if (q->rows[i].marked)
			ids[n++] = q->rows[i].record;
	}
	if (n == 0)
		ids[n++] = q->rows[q->l.sel].record;
	review_ui_decide(t, ids, n, state, 1, queue_decided, q);
	free(ids);
	return TUI_REDRAW;
}

static int
queue_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct queue	*q = priv;
	struct qrow	*r;

	if (TUI_IS(k, 'v') || k->code == KEY_F(6)) {
		q->view = (q->view + 1) % QUEUE_VIEWS;
		q->l.sel = q->l.top = 0;
		queue_load(t, q);
		return TUI_REDRAW;
	}
	if ((TUI_IS(k, '\r') || TUI_IS(k, '\n') || k->code == KEY_ENTER) &&
	    q->l.n > 0) {
		tui_push(t, &screen_record, q->rows[q->l.sel].record);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'a') || k->code == KEY_F(2))
		return queue_decide(t, q, REVIEW_ACCEPTED, 0);
	if (TUI_IS(k, 'A'))
		return queue_decide(t, q, REVIEW_ACCEPTED, 1);
	if (TUI_IS(k, 'r') || k->code == KEY_F(3))
		return queue_decide(t, q, REVIEW_RETURNED, 0);
	if (TUI_IS(k, 'x') || k->code == KEY_F(4))
		return queue_decide(t, q, REVIEW_REJECTED, 0);
	if (TUI_IS(k, ' ') && q->l.n > 0) {
		r = &q->rows[q->l.sel];
		r->marked = !r->marked;
		q->nmarked += r->marked ? 1 : -1;
		if (q->l.sel < q->l.n - 1)
			q->l.sel++;
		list_fix(&q->l, tui_body_rows() - 1);
		return TUI_REDRAW;
	}
	return list_key(&q->l, k, tui_body_rows() - 1, 1);
}

static const struct tui_keyhelp queue_keys[] = {
	{ "Enter", N_("the record") },
	{ "a", N_("accept") },
	{ "r", N_("return") },
	{ "x", N_("reject") },
	{ "Space", N_("mark") },
	{ "A", N_("accept marked") },
	{ "v", N_("view") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
queue_keys_fn(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return queue_keys;
}

const struct tui_screen screen_queue = {
	.name = "queue",
	.priv_size = sizeof(struct queue),
	.open = queue_open,
	.close = queue_close,
	.title = queue_title,
	.draw = queue_draw,
	.key = queue_key,
	.keys = queue_keys_fn,
	.resume = queue_resume,
};
