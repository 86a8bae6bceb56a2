/*
 * Home, the inspector's start screen: the office's assignments of the
 * month (core/assign.h: the sites still to inspect), the drafts in progress, the open findings due soon and
 * what waits to be synced.  The drafts and the findings make one list.
 *
 * Painted first on start, with a store of 1,000,000 records: everything
 * here is read from indexes, chain heads and settings, a screenful at a
 * time, never by counting or scanning records.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/assign.h"
#include "core/db.h"
#include "core/draft.h"
#include "core/error.h"
#include "core/key.h"
#include "core/record.h"
#include "core/review.h"
#include "core/roster.h"
#include "core/site.h"
#include "core/summary.h"
#include "core/history.h"
#include "core/office.h"
#include "core/util.h"
#include "tui/draw.h"
#include "tui/list.h"
#include "tui/screens.h"
#include "tui/words.h"

#define HOME_DRAFTS_MAX	100	/* drafts listed (newest change first) */
#define HOME_DUE_MAX	50	/* findings due soon listed */
#define HOME_DUE_DAYS	14	/* "soon" */
#define HOME_OFFICE_MAX	50	/* records returned or rejected listed */
#define HOME_OFFICE_ROWS 4	/* rows of them shown at a time */
#define HOME_REJECTED_DAYS 30	/* a rejection is shown that long */
/* Rows of the body that are not list lines: the assignments (heading,
 * line, blank), the drafts' heading and a blank, the findings' heading
 * and a blank, the sync (heading and two lines). */
#define HOME_FIXED_ROWS	10

struct home_draft {
	int64_t			 id;
	char			*site;		/* its name, else its id */
	char			*form_id;
	const struct form	*form;		/* or NULL when not loadable */
	char			 updated[24];	/* local time */
};

struct home_due {
	char		*record;
	char		*site;		/* its name, else its id */
	char		*rule;		/* shown when there is no text */
	char		 deadline[11];
	int		 overdue;
	json_t		*text;		/* {zh, en}, or NULL */
};

/* A record the office returned (with its question) or rejected. */
struct home_office {
	char		 record[65];
	char		 state[16];
	char		*site;		/* its name, else its id */
	char		*text;		/* the question or the reason */
};

struct home {
	struct home_office	*office;
	int			 noffice;
	struct home_draft	*drafts;
	int			 ndrafts;
	int64_t			 drafts_total;
	struct home_due		*due;
	int			 ndue;
	int			 due_more;	/* more are due than listed */
	int			 noverdue;	/* of those listed */
	int			 waiting_known;
	int64_t			 waiting;
	char			*last_result;	/* tui_last_sync(), or NULL */
	char			 today[11];
	int			 nassign;	/* sites assigned this month */
	int			 nassign_done;	/* of them, inspected */
	char			*assign_left;	/* the sites still to do */
	int			 qrow;		/* 1: the office's machine: the
						   review line comes first,
						   selectable (Enter opens
						   the queue); else 0 */
	long long		 npending;	/* records waiting for the
						   office's decision */
	char			*redrawn;	/* this month's redraws, with
						   the draws they replaced, or
						   NULL */
	struct list		 list;		/* the office's, drafts, then
						   findings */
	int			 otop, dtop, ftop; /* first shown of each */
	int64_t			 abandon;	/* draft asked about */
};

/* Forget what was loaded. */
static void
home_free(struct home *h)
{
	int	i;

	for (i = 0; i < h->ndrafts; i++) {
		free(h->drafts[i].site);
		free(h->drafts[i].form_id);
	}
	free(h->drafts);
	for (i = 0; i < h->ndue; i++) {
		free(h->due[i].record);
		free(h->due[i].site);
		free(h->due[i].rule);
		json_decref(h->due[i].text);
	}
	free(h->due);
	for (i = 0; i < h->noffice; i++) {
		free(h->office[i].site);
		free(h->office[i].text);
	}
	free(h->office);
	h->office = NULL;
	h->noffice = 0;
	free(h->last_result);
	free(h->assign_left);
	free(h->redrawn);
	h->redrawn = NULL;
	h->drafts = NULL;
	h->due = NULL;
	h->last_result = NULL;
	h->assign_left = NULL;
	h->nassign = h->nassign_done = 0;
	h->ndrafts = h->ndue = h->noverdue = 0;
	h->drafts_total = 0;
	h->due_more = 0;
}

/* The name of a site, else its id. */
static char *
home_site_name(struct tui *t, const char *id)
{
	struct site	 s;
	char		*out;

	if (site_get(t->dd->db, id, &s) != 0) {
		error_clear();
		return xstrdup(id);
	}
	out = xstrdup(s.name != NULL ? s.name : id);
	site_clear(&s);
	return out;
}

struct home_walk {
	struct tui	*t;
	struct home	*h;
};

/* One draft of draft_each(). */
static int
home_add_draft(const struct draft *d, void *arg)
{
	struct home_walk	*w = arg;
	struct home		*h = w->h;
	struct home_draft	*hd;

	h->drafts_total++;
	if (h->ndrafts == HOME_DRAFTS_MAX)
		return 0;
	if (h->drafts == NULL)
		h->drafts = xcalloc(HOME_DRAFTS_MAX, sizeof *h->drafts);
	hd = &h->drafts[h->ndrafts++];
	hd->id = d->id;
	hd->site = home_site_name(w->t, d->site);
	hd->form_id = xstrdup(d->form);
	hd->form = tui_form(w->t, d->form);
	history_time(hd->updated, sizeof hd->updated, d->updated);
	return 0;
}

/* One finding of summary_due(). */
static int
home_add_due(const struct summary_finding *f, void *arg)
{
	struct home_walk	*w = arg;
	struct home		*h = w->h;
	struct home_due		*hd;

	if (h->ndue == HOME_DUE_MAX) {
		h->due_more = 1;
		return 1;
	}
	if (h->due == NULL)
		h->due = xcalloc(HOME_DUE_MAX, sizeof *h->due);
	hd = &h->due[h->ndue++];
	hd->record = xstrdup(f->record);
	hd->site = xstrdup(f->site_name != NULL ? f->site_name :
	    f->site != NULL ? f->site : "?");
	hd->rule = xstrdup(f->rule);
	snprintf(hd->deadline, sizeof hd->deadline, "%s",
	    f->deadline != NULL ? f->deadline : "");
	hd->overdue = strcmp(hd->deadline, h->today) < 0;
	h->noverdue += hd->overdue;
	hd->text = f->text != NULL ? json_deep_copy(f->text) : NULL;
	return 0;
}

/* One site assigned to this device this month. */
static int
home_add_assign(const struct assign_site *a, void *arg)
{
	struct home	*h = arg;
	char		*more;

	h->nassign++;
	if (a->done) {
		h->nassign_done++;
		return 0;
	}
	more = xasprintf("%s%s%s", h->assign_left != NULL ? h->assign_left :
	    "", h->assign_left == NULL ? "" : strcmp(i18n_lang(), "zh") == 0 ?
	    "、" : ", ", a->name);
	free(h->assign_left);
	h->assign_left = more;
	return 0;
}

/* Walking the month's draws: this device's sites of each. */
struct home_draws {
	struct home	*h;
	const char	*device;
	char		*before;	/* the sites of the draw before */
};

/* The sites of a draw assigned to device, by name ("—" for none). */
static char *
home_draw_sites(const struct assign_drawn *d, const char *device)
{
	const json_t	*a, *p;
	const char	*name;
	char		*out = NULL, *more;
	size_t		 i, j;

	json_array_foreach(d->assignments, i, a) {
		json_array_foreach(json_object_get(a, "inspectors"), j, p) {
			if (!json_is_string(json_object_get(p, "key_id")) ||
			    strcmp(json_string_value(json_object_get(p,
			    "key_id")), device) != 0)
				continue;
			if ((name = json_string_value(json_object_get(a,
			    "name"))) == NULL &&
			    (name = json_string_value(json_object_get(a,
			    "site"))) == NULL)
				name = "?";
			more = xasprintf("%s%s%s", out != NULL ? out : "",
			    out != NULL ? ", " : "", name);
			free(out);
			out = more;
			break;
		}
	}
	return out != NULL ? out : xstrdup("—");
}

/* One draw of the month: a redraw is said beside the draw it replaced. */
static int
home_add_drawn(const struct assign_drawn *d, void *arg)
{
	struct home_draws	*w = arg;
	char			*now, *line, when[24] = "";

	now = home_draw_sites(d, w->device);
	/* Said where it concerns this device: in either draw. */
	if (d->n > 1 && d->in_force && (strcmp(now, "—") != 0 ||
	    (w->before != NULL && strcmp(w->before, "—") != 0))) {
		history_time(when, sizeof when, d->issued);
		/* The date only: the line is short of room. */
		when[10] = '\0';
		line = xasprintf(_("%s redrawn %s (%s): %s → %s"),
		    words_kind(d->kind), when,
		    d->reason != NULL ? d->reason : "", w->before != NULL ?
		    w->before : "—", now);
		if (w->h->redrawn != NULL) {
			char *both = xasprintf("%s; %s", w->h->redrawn, line);
			free(line);
			line = both;
		}
		free(w->h->redrawn);
		w->h->redrawn = line;
	}
	free(w->before);
	/* The next draw of this kind replaces this one; the next kind's
	 * first draw replaces nothing. */
	if (d->in_force) {
		free(now);
		now = NULL;
	}
	w->before = now;
	return 0;
}

/* The office's assignments of this month for this device. */
static void
home_load_assign(struct tui *t, struct home *h, time_t now)
{
	struct key_public	 pk;
	struct home_draws	 w;
	struct tm		 tm;
	char			 device[KEY_ID_HEX], month[8];

	if (datadir_device_public(t->dd, &pk) != 0 ||
	    localtime_r(&now, &tm) == NULL)
		return;
	key_id_hex(device, pk.id);
	strftime(month, sizeof month, "%Y-%m", &tm);
	if (assign_mine(t->dd->db, device, month, home_add_assign, h) != 0)
		tui_error(t, "%s", _("Cannot read the assignments"));
	memset(&w, 0, sizeof w);
	w.h = h;
	w.device = device;
	if (office_draws(t->dd->db, month, home_add_drawn, &w) != 0)
		tui_error(t, "%s", _("Cannot read the assignments"));
	free(w.before);
}

/* One record of this device returned or rejected by the office. */
static int
home_add_office(const struct review *rv, void *arg)
{
	struct home_walk	*w = arg;
	struct home		*h = w->h;
	struct home_office	*o;

	if (h->noffice == HOME_OFFICE_MAX)
		return 1;
	if (h->office == NULL)
		h->office = xcalloc(HOME_OFFICE_MAX, sizeof *h->office);
	o = &h->office[h->noffice++];
	snprintf(o->record, sizeof o->record, "%s", rv->record);
	snprintf(o->state, sizeof o->state, "%s", rv->state);
	o->site = rv->site != NULL ? home_site_name(w->t, rv->site) :
	    xstrdup("-");
	o->text = xstrdup(rv->text != NULL ? rv->text : "");
	return 0;
}

/* The records the office returned (all) or rejected (of late). */
static void
home_load_office(struct tui *t, struct home *h, time_t now)
{
	struct home_walk	 w = { t, h };
	struct key_public	 pk;
	struct review_filter	 f;
	char			 device[KEY_ID_HEX], since[32];

	if (datadir_device_public(t->dd, &pk) != 0)
		return;
	key_id_hex(device, pk.id);
	memset(&f, 0, sizeof f);
	f.state = REVIEW_RETURNED;
	f.device = device;
	f.limit = HOME_OFFICE_MAX;
	if (review_each(t->dd->db, &f, home_add_office, &w) != 0)
		tui_error(t, "%s", _("Cannot read the office's reviews"));
	util_rfc3339(since, sizeof since, now - HOME_REJECTED_DAYS * 86400);
	f.state = REVIEW_REJECTED;
	f.since = since;
	if (review_each(t->dd->db, &f, home_add_office, &w) != 0)
		tui_error(t, "%s", _("Cannot read the office's reviews"));
}

/* What waits to be sent and when the last sync was. */
static void
home_load_sync(struct tui *t, struct home *h)
{
	struct key_public	 pk;
	char			 device[KEY_ID_HEX];

	h->waiting_known = 0;
	if (datadir_device_public(t->dd, &pk) != 0) {
		tui_error(t, "%s", _("Cannot read this device's key"));
		return;
	}
	key_id_hex(device, pk.id);
	if (summary_waiting(t->dd->db, device, &h->waiting) != 0)
		tui_error(t, "%s", _("Cannot tell what waits to sync"));
	else
		h->waiting_known = 1;
	h->last_result = tui_last_sync(t);
}

/* (Re)load everything, keeping the selection where it can. */
static void
home_load(struct tui *t, struct home *h)
{
	struct home_walk	w = { t, h };
	char			until[11];
	time_t			now = util_now();

	home_free(h);
	util_date_after(h->today, sizeof h->today, now, 0);
	util_date_after(until, sizeof until, now, HOME_DUE_DAYS);
	if (draft_each(t->dd->db, home_add_draft, &w) != 0)
		tui_error(t, "%s", _("Cannot read the drafts"));
	if (summary_due(t->dd->db, until, HOME_DUE_MAX + 1, home_add_due,
	    &w) != 0)
		tui_error(t, "%s", _("Cannot read the findings"));
	home_load_sync(t, h);
	home_load_assign(t, h, now);
	home_load_office(t, h, now);
	h->qrow = roster_office_has_key(t->dd);
	h->npending = 0;
	if (h->qrow && review_count(t->dd->db, REVIEW_PENDING,
	    &h->npending) != 0)
		tui_error(t, "%s", _("Cannot read the review queue"));
	h->list.n = h->qrow + h->noffice + h->ndrafts + h->ndue;
	list_fix(&h->list, tui_body_rows());
	t->dirty = 1;
}

static int
home_open(struct tui *t, void *priv, void *arg)
{
	(void)arg;
	home_load(t, priv);
	return 0;
}

static void
home_close(struct tui *t, void *priv)
{
	(void)t;
	home_free(priv);
}

static void
home_resume(struct tui *t, void *priv)
{
	home_load(t, priv);
}

static const char *
home_title(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return _("Home");
}

/* Rows of the office's lines: none without them, else a few. */
static int
home_office_rows(const struct home *h)
{
	return h->noffice < HOME_OFFICE_ROWS ? h->noffice : HOME_OFFICE_ROWS;
}

/* Rows for the drafts' and the findings' lines in rows of body. */
static void
home_split(const struct home *h, int *drows, int *frows)
{
	int	avail = tui_body_rows() - HOME_FIXED_ROWS - (h->noffice > 0 ?
		    home_office_rows(h) + 2 : 0) - (h->redrawn != NULL) -
		    2 * h->qrow;
	int	dn = h->ndrafts > 0 ? h->ndrafts : 1;
	int	fn = h->ndue > 0 ? h->ndue : 1;

	if (avail < 2)
		avail = 2;
	*drows = avail - fn > avail / 2 ? avail - fn : avail / 2;
	if (*drows > dn)
		*drows = dn;
	*frows = avail - *drows;
	if (*frows > fn)
		*frows = fn;
}

/* Keep the selection in sight of its section. */
static void
home_scroll(int sel, int n, int rows, int *top)
{
	if (sel >= 0 && sel < n) {
		if (sel < *top)
			*top = sel;
		if (sel >= *top + rows)
			*top = sel - rows + 1;
	}
	if (*top > n - rows)
		*top = n - rows;
	if (*top < 0)
		*top = 0;
}

/* A list line: "  " c1 (w1 columns) "  " c2 (w2 columns) "  " c3. */
static void
home_row(int y, attr_t a, const char *c1, int w1, const char *c2, int w2,
    const char *c3)
{
	char	*f1, *f2, *line;

	f1 = draw_fit(c1, w1);
	f2 = draw_fit(c2, w2);
	line = xasprintf("  %s  %s  %s", f1, f2, c3);
	draw_line(y, 0, COLS, line, a);
	free(line);
	free(f2);
	free(f1);
}

/*
 * The width of a name column: as wide as the widest name (and at least
 * min), at most max; the columns to its right take the rest, so no name
 * is cut while the screen has room for it.
 */
static int
home_name_width(int widest, int min, int max)
{
	if (widest < min)
		widest = min;
	return widest < max ? widest : max;
}

/* The drafts' lines from y in rows rows. */
static void
home_draw_drafts(struct home *h, int y, int rows)
{
	struct home_draft	*d;
	const char		*title;
	int			 i, sel, wsite, wform;

	if (h->ndrafts == 0) {
		draw_str(y, 4, COLS - 6, _("No drafts. Choose a site (s) to "
		    "start an inspection."), draw_attr(DRAW_DIM));
		return;
	}
	/* "  " site "  " form "  " YYYY-MM-DD HH:MM (16) */
	for (i = wsite = 0; i < h->ndrafts; i++)
		if (draw_width(h->drafts[i].site) > wsite)
			wsite = draw_width(h->drafts[i].site);
	wsite = home_name_width(wsite, 8, (COLS - 22) * 3 / 5);
	wform = COLS - 22 - wsite;
	home_scroll(h->list.sel - h->qrow - h->noffice, h->ndrafts, rows,
	    &h->dtop);
	for (i = 0; i < rows && h->dtop + i < h->ndrafts; i++) {
		sel = h->noffice + h->dtop + i;
		d = &h->drafts[h->dtop + i];
		title = d->form != NULL ? form_title(d->form, i18n_lang()) :
		    d->form_id;
		home_row(y + i, sel == h->list.sel - h->qrow ?
		    draw_attr(DRAW_SELECT) :
		    A_NORMAL, d->site, wsite, title, wform, d->updated);
	}
}

/* The findings' lines from y in rows rows. */
static void
home_draw_due(struct home *h, int y, int rows)
{
	struct home_due	*f;
	attr_t		 a;
	char		 when[16];
	int		 i, sel, wsite;

	if (h->ndue == 0) {
		draw_printf(y, 4, COLS - 6, draw_attr(DRAW_DIM),
		    _("No open findings due within %d days."), HOME_DUE_DAYS);
		return;
	}
	/* "  " deadline " !" "  " site "  " text */
	for (i = wsite = 0; i < h->ndue; i++)
		if (draw_width(h->due[i].site) > wsite)
			wsite = draw_width(h->due[i].site);
	wsite = home_name_width(wsite, 8, (COLS - 16) / 2);
	home_scroll(h->list.sel - h->qrow - h->noffice - h->ndrafts, h->ndue,
	    rows,
	    &h->ftop);
	for (i = 0; i < rows && h->ftop + i < h->ndue; i++) {
		sel = h->noffice + h->ndrafts + h->ftop + i;
		f = &h->due[h->ftop + i];
		if (sel == h->list.sel - h->qrow)
			a = draw_attr(DRAW_SELECT);
		else
			a = f->overdue ? draw_attr(DRAW_WARN) : A_NORMAL;
		snprintf(when, sizeof when, "%s%s", f->deadline,
		    f->overdue ? " !" : "");
		home_row(y + i, a, when, 12, f->site, wsite, f->text != NULL ?
		    record_text(f->text, i18n_lang()) : f->rule);
	}
}

/* The office's lines from y: the returned records and the rejected. */
static void
home_draw_office(struct home *h, int y, int rows)
{
	struct home_office	*o;
	enum draw_part		 part;
	const char		*state;
	int			 i, sel, wsite;

	for (i = wsite = 0; i < h->noffice; i++)
		if (draw_width(h->office[i].site) > wsite)
			wsite = draw_width(h->office[i].site);
	wsite = home_name_width(wsite, 8, (COLS - 16) / 2);
	home_scroll(h->list.sel - h->qrow, h->noffice, rows, &h->otop);
	for (i = 0; i < rows && h->otop + i < h->noffice; i++) {
		sel = h->otop + i;
		o = &h->office[sel];
		state = words_review(o->state, &part);
		home_row(y + i, sel == h->list.sel - h->qrow ?
		    draw_attr(DRAW_SELECT) :
		    draw_attr(part), state, 8, o->site, wsite, o->text);
	}
}

/* The sync's two lines from y. */
static void
home_draw_sync(struct home *h, int y)
{
	char	*when;

	if (h->waiting_known)
		draw_printf(y, 4, COLS - 6, A_NORMAL,
		    _("Records waiting to sync: %lld"),
		    (long long)h->waiting);
	else
		draw_printf(y, 4, COLS - 6, A_NORMAL,
		    _("Records waiting to sync: %s"), "?");
	if (h->last_result == NULL)
		when = xstrdup(_("never"));
	else
		when = xstrdup(h->last_result);
	draw_printf(y + 1, 4, COLS - 6, A_NORMAL, _("Last sync: %s"), when);
	free(when);
}

static void
home_draw(struct tui *t, void *priv)
{
	struct home	*h = priv;
	attr_t		 head = draw_attr(DRAW_HEAD);
	int		 y = TUI_BODY_TOP, drows, frows, used;

	(void)t;
	home_split(h, &drows, &frows);
	list_fix(&h->list, h->qrow + home_office_rows(h) + drows + frows);

	if (h->qrow) {
		/* The office's machine: its queue first, Enter opens it. */
		draw_printf(y++, 1, COLS - 2, h->list.sel == 0 ?
		    draw_attr(DRAW_SELECT) : h->npending > 0 ?
		    draw_attr(DRAW_WARN) : draw_attr(DRAW_HEAD),
		    ngettext("Review: %lld record waits for the office's "
		    "decision (Enter opens the queue)", "Review: %lld records "
		    "wait for the office's decision (Enter opens the queue)",
		    (unsigned long)h->npending), h->npending);
		y++;
	}
	if (h->noffice > 0) {
		draw_printf(y++, 1, COLS - 2, draw_attr(DRAW_WARN),
		    _("From the office (%d): Enter opens the record, a answers "
		    "a question"), h->noffice);
		home_draw_office(h, y, home_office_rows(h));
		y += home_office_rows(h) + 1;
	}
	draw_str(y++, 1, COLS - 2, _("This month's assignments"), head);
	if (h->nassign == 0)
		draw_str(y++, 4, COLS - 6, _("No assignments published by "
		    "the office."), draw_attr(DRAW_DIM));
	else if (h->assign_left == NULL)
		draw_printf(y++, 4, COLS - 6, draw_attr(DRAW_OK),
		    ngettext("The %d site is inspected.", "All %d sites are "
		    "inspected.", (unsigned long)h->nassign), h->nassign);
	else
		draw_printf(y++, 4, COLS - 6, A_NORMAL, _("%d of %d to do: %s"),
		    h->nassign - h->nassign_done, h->nassign, h->assign_left);
	if (h->redrawn != NULL)
		draw_str(y++, 4, COLS - 6, h->redrawn, draw_attr(DRAW_WARN));
	y++;

	if (h->drafts_total > h->ndrafts)
		draw_printf(y++, 1, COLS - 2, head, _("Drafts in progress "
		    "(%lld, the %d newest shown)"), (long long)h->drafts_total,
		    h->ndrafts);
	else
		draw_printf(y++, 1, COLS - 2, head, _("Drafts in progress "
		    "(%d)"), h->ndrafts);
	home_draw_drafts(h, y, drows);
	y += drows + 1;

	if (h->due_more)
		used = draw_printf(y, 1, COLS - 2, head, _("Open findings "
		    "due within %d days (the %d soonest)"), HOME_DUE_DAYS,
		    h->ndue);
	else
		used = draw_printf(y, 1, COLS - 2, head, _("Open findings "
		    "due within %d days (%d)"), HOME_DUE_DAYS, h->ndue);
	if (h->noverdue > 0 && used + 4 < COLS - 2)
		draw_str(y, 1 + used + 2, COLS - used - 4, _("! overdue"),
		    draw_attr(DRAW_WARN));
	y++;
	home_draw_due(h, y, frows);
	y += frows + 1;

	draw_str(y++, 1, COLS - 2, _("Sync"), head);
	home_draw_sync(h, y);
}

/* The confirmation of abandoning a draft. */
static void
home_abandoned(struct tui *t, void *arg, int yes)
{
	struct home	*h = arg;

	if (!yes)
		return;
	if (draft_delete(t->dd->db, h->abandon) != 0) {
		tui_error(t, "%s", _("Cannot abandon the draft"));
		return;
	}
	home_load(t, h);
	tui_msg(t, "%s", _("The draft was abandoned."));
}

/* Open what is selected: resume a draft, or a finding's record. */
static int
home_enter(struct tui *t, struct home *h)
{
	struct flow_arg	 a = { .draft = 0, .question = NULL };
	int		 rc, sel;

	if (h->list.n == 0) {
		tui_msg(t, "%s", _("Nothing to open here: choose a site with "
		    "s."));
		return TUI_REDRAW;
	}
	sel = h->list.sel - h->qrow;
	if (sel < 0)
		rc = tui_push(t, &screen_queue, NULL);
	else if (sel < h->noffice)
		rc = tui_push(t, &screen_record,
		    (void *)h->office[sel].record);
	else if (sel < h->noffice + h->ndrafts) {
		a.draft = h->drafts[sel - h->noffice].id;
		rc = tui_push(t, &screen_flow, &a);
	} else
		rc = tui_push(t, &screen_record, (void *)h->due[sel -
		    h->noffice - h->ndrafts].record);
	if (rc != 0 && !t->msg_keep)
		tui_error(t, "%s", _("Cannot open it"));
	return TUI_REDRAW;
}

static void
home_answered(struct tui *t, void *arg, int made)
{
	if (made)
		home_load(t, arg);
}

/* a: answer the office's question on the selected record. */
static int
home_answer(struct tui *t, struct home *h)
{
	struct home_office	*o;
	int			 sel = h->list.sel - h->qrow;

	if (sel < 0 || sel >= h->noffice || strcmp(h->office[sel].state,
	    REVIEW_RETURNED) != 0) {
		tui_msg(t, "%s", _("a answers the office: select a returned "
		    "record first."));
		return TUI_REDRAW;
	}
	o = &h->office[sel];
	review_ui_answer(t, o->record, o->text, home_answered, h);
	return TUI_REDRAW;
}

/* x: abandon the selected draft, once confirmed. */
static int
home_abandon(struct tui *t, struct home *h)
{
	int	sel = h->list.sel - h->qrow;

	if (sel < h->noffice || sel >= h->noffice + h->ndrafts) {
		tui_msg(t, "%s", _("x abandons a draft: select one first."));
		return TUI_REDRAW;
	}
	h->abandon = h->drafts[sel - h->noffice].id;
	tui_confirm(t, _("Abandon this draft? Its answers will be deleted."),
	    home_abandoned, h);
	return TUI_REDRAW;
}

static int
home_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct home	*h = priv;
	int		 drows, frows, rc;

	if (TUI_IS(k, '\r') || TUI_IS(k, '\n') || k->code == KEY_ENTER ||
	    k->code == KEY_RIGHT)
		return home_enter(t, h);
	if (TUI_IS(k, 's')) {
		tui_push(t, &screen_sites, NULL);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'h')) {
		tui_push(t, &screen_history, NULL);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'y')) {
		tui_push(t, &screen_sync, NULL);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'm')) {
		tui_push(t, &screen_report, NULL);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'd')) {
		tui_push(t, &screen_desk, NULL);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'v')) {
		tui_push(t, &screen_queue, NULL);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'a'))
		return home_answer(t, h);
	if (TUI_IS(k, 'x') || k->code == KEY_DC)
		return home_abandon(t, h);
	home_split(h, &drows, &frows);
	rc = list_key(&h->list, k, h->qrow + home_office_rows(h) + drows +
	    frows, 1);
	return rc;
}

static const struct tui_keyhelp home_keys[] = {
	{ "Enter", N_("open") },
	{ "s", N_("sites") },
	{ "h", N_("history") },
	{ "y", N_("sync") },
	{ "x", N_("abandon draft") },
	{ "q", N_("quit") },
	{ "m", N_("monthly report") },
	{ "d", N_("supervisor's desk") },
	{ "v", N_("review queue") },
	{ "a", N_("answer the office") },
	{ "↑↓", N_("move") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
home_keys_fn(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return home_keys;
}

const struct tui_screen screen_home = {
	.name = "home",
	.priv_size = sizeof(struct home),
	.open = home_open,
	.close = home_close,
	.title = home_title,
	.draw = home_draw,
	.key = home_key,
	.keys = home_keys_fn,
	.resume = home_resume,
};
