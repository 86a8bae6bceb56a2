/*
 * History: the records, newest first, of every site or of one.  Only the
 * rows on screen are in memory (the window); moving past either end of it
 * reads the next rows by keyset from the store (history_page), so a key
 * costs the same with a million records as with ten.  The window's two
 * arrays are allocated when the screen opens and when the terminal
 * changes size, never per row.
 *
 * / narrows the records (the supervisor's merged views): words such as
 * "village:南岭村 task:11 from:2030-01-01" (village, inspector, form,
 * status, task, severity, from, to, site), each page still read by keyset
 * (history_where()).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/history.h"
#include "core/site.h"
#include "core/util.h"
#include "tui/draw.h"
#include "tui/screens.h"
#include "tui/words.h"

/* One row of the window, copied out of the store (fixed size). */
struct hist_row {
	struct history_pos	pos;
	char			id[65];
	char			site[64];
	char			site_name[96];
	char			form[64];
	char			type[16];
	char			status[24];
	int			findings;
	int			open;
};

struct hist {
	char		*site;		/* only this site's records, or NULL */
	char		*narrow;	/* the / words, or NULL */
	char		*words;		/* their copy, cut into the filter */
	struct history_filter filter;	/* what the / words say */
	char		*site_name;	/* its name, for the title */
	char		 title[192];
	struct hist_row	*rows;		/* the window, newest first */
	struct hist_row	*tmp;		/* a page as it is read */
	int		 cap;		/* rows of the window (the body's) */
	int		 n;		/* rows in it */
	int		 sel;		/* the selected one */
	int		 fill;		/* rows read into tmp */
	int		 at_top;	/* rows[0] was the newest record */
	char		 probed[65];	/* the last row older ones were
					   looked for after */
	int		 more_older;	/* and there were */
};

/* Copy s into a fixed buffer, cut at a character boundary. */
static void
hist_copy(char *dst, size_t size, const char *s)
{
	size_t	n;

	if (s == NULL)
		s = "";
	n = strlen(s);
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Take one row of a page into tmp. */
static int
hist_take(const struct history_row *row, void *arg)
{
	struct hist	*h = arg;
	struct hist_row	*r;

	if (h->fill >= h->cap)
		return 1;
	r = &h->tmp[h->fill++];
	history_pos_of(row, &r->pos);
	hist_copy(r->id, sizeof r->id, row->id);
	hist_copy(r->site, sizeof r->site, row->site);
	hist_copy(r->site_name, sizeof r->site_name, row->site_name);
	hist_copy(r->form, sizeof r->form, row->form);
	hist_copy(r->type, sizeof r->type, row->type);
	hist_copy(r->status, sizeof r->status, row->status);
	r->findings = row->findings;
	r->open = row->open;
	return 0;
}

/* Read up to limit rows from after in dir into tmp; rows read, or -1. */
static int
hist_fetch(struct tui *t, struct hist *h, const struct history_pos *after,
    enum history_dir dir, int limit)
{
	struct history_filter	f = h->filter;

	if (f.site == NULL)
		f.site = h->site;
	h->fill = 0;
	if (limit > h->cap)
		limit = h->cap;
	if (history_page(t->dd->db, &f, after, limit, dir, hist_take, h,
	    NULL) != 0) {
		tui_error(t, "%s", _("Cannot read the records"));
		return -1;
	}
	return h->fill;
}

/* A row given to a probe: counted only. */
static int
hist_count(const struct history_row *row, void *arg)
{
	(void)row;
	(void)arg;
	return 0;
}

/* Are there records older than the window's last row?  Asked once per
 * last row (one indexed row at most), for the ↓ of the list. */
static int
hist_more_older(struct tui *t, struct hist *h)
{
	struct history_filter	f = h->filter;
	int			n = 0;

	if (h->n == 0)
		return 0;
	if (strcmp(h->probed, h->rows[h->n - 1].id) == 0)
		return h->more_older;
	if (f.site == NULL)
		f.site = h->site;
	if (history_page(t->dd->db, &f, &h->rows[h->n - 1].pos, 1,
	    HISTORY_OLDER, hist_count, NULL, &n) != 0)
		n = 0;
	memcpy(h->probed, h->rows[h->n - 1].id, sizeof h->probed);
	h->more_older = n > 0;
	return h->more_older;
}

/* The newest rows. */
static void
hist_load_start(struct tui *t, struct hist *h)
{
	int	k = hist_fetch(t, h, NULL, HISTORY_OLDER, h->cap);

	if (k < 0)
		return;
	memcpy(h->rows, h->tmp, (size_t)k * sizeof *h->rows);
	h->n = k;
	h->at_top = 1;
}

/* The oldest rows (they come oldest first: turned round). */
static void
hist_load_end(struct tui *t, struct hist *h)
{
	int	k = hist_fetch(t, h, NULL, HISTORY_NEWER, h->cap), i;

	if (k < 0)
		return;
	for (i = 0; i < k; i++)
		h->rows[i] = h->tmp[k - 1 - i];
	h->n = k;
	h->at_top = k < h->cap;
}

/*
 * Add up to want rows older than the window's last at its end, dropping
 * as many from its start as it must; returns the rows dropped, *got the
 * rows added.
 */
static int
hist_older(struct tui *t, struct hist *h, int want, int *got)
{
	int	k, drop;

	*got = 0;
	if (h->n == 0)
		return 0;
	if ((k = hist_fetch(t, h, &h->rows[h->n - 1].pos, HISTORY_OLDER,
	    want)) <= 0)
		return 0;
	drop = h->n + k - h->cap;
	if (drop < 0)
		drop = 0;
	memmove(h->rows, h->rows + drop, (size_t)(h->n - drop) *
	    sizeof *h->rows);
	h->n -= drop;
	memcpy(h->rows + h->n, h->tmp, (size_t)k * sizeof *h->rows);
	h->n += k;
	if (drop > 0)
		h->at_top = 0;
	*got = k;
	return drop;
}

/*
 * Add up to want rows newer than the window's first at its start, dropping
 * from its end what no longer fits; returns the rows added.
 */
static int
hist_newer(struct tui *t, struct hist *h, int want)
{
	int	k, keep, i;

	if (h->n == 0)
		return 0;
	if ((k = hist_fetch(t, h, &h->rows[0].pos, HISTORY_NEWER, want)) < 0)
		return 0;
	if (k < want)
		h->at_top = 1;
	if (k == 0)
		return 0;
	keep = h->n;
	if (keep > h->cap - k)
		keep = h->cap - k;
	memmove(h->rows + k, h->rows, (size_t)keep * sizeof *h->rows);
	for (i = 0; i < k; i++)
		h->rows[i] = h->tmp[k - 1 - i];
	h->n = keep + k;
	return k;
}

/* Rows of the window: the body less the column heads. */
static int
hist_rows(void)
{
	int	n = tui_body_rows() - 1;

	return n < 1 ? 1 : n;
}

/* Fit the window to the body's height (after a resize). */
static void
hist_fit(struct tui *t, struct hist *h)
{
	int	cap = hist_rows(), drop, old, got;

	if (cap == h->cap)
		return;
	old = h->cap;
	if (h->n > cap) {
		/* Keep the selected row in the window. */
		drop = h->sel - cap + 1;
		if (drop > 0) {
			memmove(h->rows, h->rows + drop, (size_t)(h->n - drop) *
			    sizeof *h->rows);
			h->n -= drop;
			h->sel -= drop;
			h->at_top = 0;
		}
		if (h->n > cap)
			h->n = cap;
	}
	h->rows = xrealloc(h->rows, (size_t)cap * sizeof *h->rows);
	h->tmp = xrealloc(h->tmp, (size_t)cap * sizeof *h->tmp);
	h->cap = cap;
	/* A full window may have more around it: fill the new rows. */
	if (h->n == old && h->n < cap) {
		hist_older(t, h, cap - h->n, &got);
		if (h->n < cap)
			h->sel += hist_newer(t, h, cap - h->n);
	}
}

static int
hist_open(struct tui *t, void *priv, void *arg)
{
	struct hist	*h = priv;
	struct site	 s;

	if (arg != NULL) {
		h->site = xstrdup(arg);
		if (site_get(t->dd->db, h->site, &s) == 0) {
			h->site_name = xstrdup(s.name);
			site_clear(&s);
		}
		error_clear();
	}
	h->cap = hist_rows();
	h->rows = xcalloc((size_t)h->cap, sizeof *h->rows);
	h->tmp = xcalloc((size_t)h->cap, sizeof *h->tmp);
	hist_load_start(t, h);
	return 0;
}

static void
hist_close(struct tui *t, void *priv)
{
	struct hist	*h = priv;

	(void)t;
	free(h->site);
	free(h->site_name);
	free(h->narrow);
	free(h->words);
	free(h->rows);
	free(h->tmp);
}

/*
 * The / words into a filter: "key:value" (or key=value) separated by
 * spaces.  0, or an error naming the word; the filter's strings point
 * into *words (the caller's).
 */
static int
hist_parse(const char *text, struct history_filter *f, char **words)
{
	static const char *const keys[] = { "village", "inspector", "form",
	    "status", "task", "severity", "from", "to", "site" };
	const char	**slot[9];
	char		*w, *p, *save = NULL, *v, *end;
	size_t		 i;
	long		 task;

	memset(f, 0, sizeof *f);
	slot[0] = &f->village;
	slot[1] = &f->inspector;
	slot[2] = &f->form;
	slot[3] = &f->status;
	slot[4] = NULL;
	slot[5] = &f->severity;
	slot[6] = &f->from;
	slot[7] = &f->to;
	slot[8] = &f->site;
	*words = w = xstrdup(text);
	for (p = strtok_r(w, " \t", &save); p != NULL;
	    p = strtok_r(NULL, " \t", &save)) {
		if ((v = strpbrk(p, ":=")) == NULL || v[1] == '\0')
			return error_set(LT_EINVAL, _("%s: a word is key:value"),
			    p);
		*v++ = '\0';
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (strcmp(p, keys[i]) == 0)
				break;
		if (i == sizeof keys / sizeof keys[0])
			return error_set(LT_EINVAL, _("%s: not a filter (village, "
			    "inspector, form, status, task, severity, from, to, "
			    "site)"), p);
		if (i == 4) {
			task = strtol(v, &end, 10);
			if (*end != '\0' || task < 1 || task > 99)
				return error_set(LT_EINVAL, _("task:%s: the "
				    "plan's task number"), v);
			f->task = (int)task;
		} else if ((i == 6 || i == 7) && !util_is_date(v))
			return error_set(LT_EINVAL, _("%s:%s: a date "
			    "YYYY-MM-DD"), p, v);
		else if (i != 4)
			*slot[i] = v;
	}
	return 0;
}

/* The / prompt's answer: the new filter, and the newest of its records. */
static int
hist_narrowed(struct tui *t, void *arg, const char *text)
{
	struct history_filter	 f;
	struct hist		*h = arg;
	char			*words = NULL;

	if (text == NULL)
		return 0;	/* Esc: as it was */
	if (hist_parse(text, &f, &words) != 0) {
		free(words);
		tui_error(t, "%s", error_msg());
		return 1;
	}
	free(h->words);
	free(h->narrow);
	h->words = words;
	h->narrow = text[strspn(text, " \t")] != '\0' ? xstrdup(text) : NULL;
	h->filter = f;
	hist_load_start(t, h);
	h->sel = 0;
	return 0;
}

/* Back from a record (or a follow-up): read the window again. */
static void
hist_resume(struct tui *t, void *priv)
{
	struct hist		*h = priv;
	struct history_pos	 from;
	int			 k;

	if (h->n == 0 || h->at_top) {
		hist_load_start(t, h);
	} else {
		/* From the first row, itself included. */
		from = h->rows[0].pos;
		from.rowid++;
		if ((k = hist_fetch(t, h, &from, HISTORY_OLDER, h->cap)) < 0)
			return;
		memcpy(h->rows, h->tmp, (size_t)k * sizeof *h->rows);
		h->n = k;
		if (h->n < h->cap)
			hist_newer(t, h, h->cap - h->n);
	}
	if (h->sel >= h->n)
		h->sel = h->n > 0 ? h->n - 1 : 0;
}

static const char *
hist_title(struct tui *t, void *priv)
{
	struct hist	*h = priv;

	(void)t;
	if (h->site == NULL && h->narrow == NULL)
		return _("History");
	snprintf(h->title, sizeof h->title, "%s · %s%s%s", _("History"),
	    h->site == NULL ? "" : h->site_name != NULL ? h->site_name :
	    h->site, h->site != NULL && h->narrow != NULL ? " · " : "",
	    h->narrow != NULL ? h->narrow : "");
	return h->title;
}

/* What the form column says of a row. */
static const char *
hist_form_text(struct tui *t, const struct hist_row *r)
{
	const struct form	*f;

	if (r->form[0] != '\0') {
		if ((f = tui_form(t, r->form)) != NULL)
			return form_title(f, i18n_lang());
		return r->form;
	}
	if (strcmp(r->type, "site") == 0)
		return _("site registration");
	if (strcmp(r->type, "amendment") == 0)
		return _("amendment");
	return r->type;
}

/* The column widths at this terminal width. */
struct hist_cols {
	int	date, site, form, find, status;
};

/* What the findings column says of a row, into find (of 64). */
static void
hist_find_text(const struct hist_row *r, char *find, size_t size)
{
	if (r->findings == 0)
		snprintf(find, size, "-");
	else if (r->open == 0)
		snprintf(find, size, "%d", r->findings);
	else
		snprintf(find, size, _("%d (open %d)"), r->findings, r->open);
}

static int
hist_max(int a, int b)
{
	return a > b ? a : b;
}

/*
 * The columns for the rows shown: the findings and status as wide as
 * what they say, and the rest of the screen to the site and the form, the
 * site's name first, so that no name is cut while columns stay empty.
 */
static void
hist_layout(struct tui *t, const struct hist *h, struct hist_cols *c)
{
	const struct hist_row	*r;
	char			 find[64];
	int			 rest, i, site, form, form_min;

	c->date = 16;
	c->find = draw_width(_("Findings"));
	c->status = draw_width(_("Status"));
	site = draw_width(_("Site"));
	form = draw_width(_("Form"));
	for (i = 0; i < h->n; i++) {
		r = &h->rows[i];
		hist_find_text(r, find, sizeof find);
		c->find = hist_max(c->find, draw_width(find));
		c->status = hist_max(c->status, draw_width(words_status(
		    r->status, NULL)));
		site = hist_max(site, draw_width(r->site_name[0] != '\0' ?
		    r->site_name : r->site));
		form = hist_max(form, draw_width(hist_form_text(t, r)));
	}
	if (c->find > 12)
		c->find = 12;
	if (c->status > 14)
		c->status = 14;
	/* Margins of one and gaps of two between the five columns. */
	rest = COLS - 2 - 8 - c->date - c->find - c->status;
	if (rest < 16)
		rest = 16;
	if (site + form <= rest) {
		c->site = site;
		c->form = rest - site;
		return;
	}
	/* The name says which site; a form's title is known by its start. */
	form_min = form < 12 ? form : 12;
	c->site = site < rest - form_min ? site : rest - form_min;
	c->form = rest - c->site;
}

/* Paint one row of the window at y. */
static void
hist_paint_row(struct tui *t, const struct hist *h, const struct hist_row *r,
    int y, int selected)
{
	struct hist_cols	c;
	enum draw_part		part;
	const char		*status;
	char			when[32], find[64];
	attr_t			sel = draw_attr(DRAW_SELECT);
	int			x = 1;

	hist_layout(t, h, &c);
	if (selected)
		draw_fill(y, 0, COLS, sel);
	history_time(when, sizeof when, r->pos.created);
	draw_str(y, x, c.date, when, selected ? sel : A_NORMAL);
	x += c.date + 2;
	draw_str(y, x, c.site, r->site_name[0] != '\0' ? r->site_name :
	    r->site[0] != '\0' ? r->site : "-", selected ? sel : A_NORMAL);
	x += c.site + 2;
	draw_str(y, x, c.form, hist_form_text(t, r), selected ? sel : A_NORMAL);
	x += c.form + 2;
	hist_find_text(r, find, sizeof find);
	draw_str(y, x, c.find, find, selected ? sel : draw_attr(r->open > 0 ?
	    DRAW_WARN : DRAW_NORMAL));
	x += c.find + 2;
	status = words_status(r->status, &part);
	draw_str(y, x, c.status, status, selected ? sel : draw_attr(part));
}

static void
hist_draw(struct tui *t, void *priv)
{
	struct hist		*h = priv;
	struct hist_cols	 c;
	attr_t			 head = draw_attr(DRAW_HEAD);
	char			*msg;
	int			 i, x = 1, y = TUI_BODY_TOP;

	hist_fit(t, h);
	if (h->n == 0 && h->narrow != NULL) {
		/* A filter that matches nothing says so, not "no records". */
		msg = xasprintf(_("No records match %s. (/ changes the filter; "
		    "an empty one shows every record.)"), h->narrow);
		draw_wrap(y + 1, 2, COLS - 4, 3, msg, A_NORMAL);
		free(msg);
		return;
	}
	if (h->n == 0) {
		draw_wrap(y + 1, 2, COLS - 4, 3, h->site != NULL ?
		    _("No records of this site yet. A record is made when an "
		    "inspection is signed.") : _("No records yet. A record is "
		    "made when an inspection is signed: choose a site with s "
		    "on the home screen."), A_NORMAL);
		return;
	}
	hist_layout(t, h, &c);
	draw_str(y, x, c.date, _("When"), head);
	x += c.date + 2;
	draw_str(y, x, c.site, _("Site"), head);
	x += c.site + 2;
	draw_str(y, x, c.form, _("Form"), head);
	x += c.form + 2;
	draw_str(y, x, c.find, _("Findings"), head);
	x += c.find + 2;
	draw_str(y, x, c.status, _("Status"), head);
	for (i = 0; i < h->n; i++)
		hist_paint_row(t, h, &h->rows[i], y + 1 + i, i == h->sel);
	/* Where the list is: rows above it, rows below. */
	if (!h->at_top)
		draw_str(y + 1, COLS - 1, 1, "↑", draw_attr(DRAW_DIM));
	if (hist_more_older(t, h))
		draw_str(y + h->n, COLS - 1, 1, "↓", draw_attr(DRAW_DIM));
}

/*
 * Move the selection by delta rows (a page: the window scrolls by a page
 * and the selection keeps its place on screen), reading rows past the
 * window's ends as it must.
 */
static int
hist_move(struct tui *t, struct hist *h, int delta, int page)
{
	int	old = h->sel, want, drop, got;
	char	id[65];

	if (h->n == 0)
		return TUI_HANDLED;
	memcpy(id, h->rows[h->sel].id, sizeof id);
	if (delta > 0) {
		want = page ? delta : h->sel + delta - (h->n - 1);
		drop = want > 0 ? hist_older(t, h, want, &got) : 0;
		h->sel = h->sel - drop + delta;
	} else {
		want = page ? -delta : -(h->sel + delta);
		h->sel = h->sel + delta + (want > 0 ? hist_newer(t, h, want) :
		    0);
	}
	if (h->sel > h->n - 1)
		h->sel = h->n - 1;
	if (h->sel < 0)
		h->sel = 0;
	return h->sel != old || strcmp(id, h->rows[h->sel].id) != 0 ?
	    TUI_REDRAW : TUI_HANDLED;
}

static int
hist_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct hist	*h = priv;
	int		 code = k->code;

	if (code == 0) {
		switch (k->ch) {
		case 'k': code = KEY_UP; break;
		case 'j': code = KEY_DOWN; break;
		case ' ': code = KEY_NPAGE; break;
		case 'b': code = KEY_PPAGE; break;
		case 'g': code = KEY_HOME; break;
		case 'G': code = KEY_END; break;
		case '\r':
		case '\n': code = KEY_ENTER; break;
		}
	}
	switch (code) {
	case KEY_UP:
		return hist_move(t, h, -1, 0);
	case KEY_DOWN:
		return hist_move(t, h, 1, 0);
	case KEY_PPAGE:
		return hist_move(t, h, -h->cap, 1);
	case KEY_NPAGE:
		return hist_move(t, h, h->cap, 1);
	case KEY_HOME:
		hist_load_start(t, h);
		h->sel = 0;
		return TUI_REDRAW;
	case KEY_END:
		hist_load_end(t, h);
		h->sel = h->n > 0 ? h->n - 1 : 0;
		return TUI_REDRAW;
	case KEY_ENTER:
		if (h->n > 0)
			tui_push(t, &screen_record, h->rows[h->sel].id);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, '/')) {
		struct tui_prompt	p = {
			.title = _("Narrow the records"),
			.label = _("Words such as village:南岭村 inspector:张伟 "
			    "task:11 severity:violation status:fork "
			    "from:2030-01-01 to:2030-01-31 form:boiler (empty: "
			    "every record)"),
			.initial = h->narrow,
			.done = hist_narrowed,
			.arg = h,
		};

		tui_prompt(t, &p);
		return TUI_REDRAW;
	}
	return TUI_UNHANDLED;
}

static const struct tui_keyhelp hist_keys[] = {
	{ "Enter", N_("open the record") },
	{ "↑↓", N_("move") },
	{ "PgUp PgDn", N_("page") },
	{ "Home End", N_("newest / oldest") },
	{ "/", N_("narrow") },
	{ "Esc", N_("back") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
hist_keys_fn(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return hist_keys;
}

const struct tui_screen screen_history = {
	.name = "history",
	.priv_size = sizeof(struct hist),
	.open = hist_open,
	.close = hist_close,
	.title = hist_title,
	.draw = hist_draw,
	.key = hist_key,
	.keys = hist_keys_fn,
	.resume = hist_resume,
};
