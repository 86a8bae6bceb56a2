/*
 * One site: what the register knows of it, then one list of three
 * sections: the forms to inspect it with (those made for its kind, or
 * all of them), its history (records newest first, a page at a time) and
 * its open findings.  Headings and notes are rows of the list that the
 * selection steps over.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/finding.h"
#include "core/record.h"
#include "core/site.h"
#include "core/history.h"
#include "core/util.h"
#include "tui/draw.h"
#include "tui/list.h"
#include "tui/screens.h"
#include "tui/words.h"

#define SITE_PAGE		20	/* records fetched at a time */
#define SITE_FINDINGS_MAX	200	/* open findings listed */
#define SITE_ITEMS		6	/* details below the name */
#define SITE_ITEM_ROWS		3	/* rows they may take */

/* What a row of the list is. */
enum site_row_type {
	SITE_ROW_HEAD,		/* a section's heading */
	SITE_ROW_NOTE,		/* "none", in dim text */
	SITE_ROW_BLANK,
	SITE_ROW_FORM,		/* forms[i] */
	SITE_ROW_RECORD,	/* recs[i] */
	SITE_ROW_MORE,		/* older records: fetch another page */
	SITE_ROW_FINDING	/* finds[i] */
};

struct site_row {
	enum site_row_type	 type;
	int			 i;
};

/* A record of the history. */
struct site_rec {
	char	*id;
	char	*type;
	char	*form;		/* or NULL */
	char	 when[24];	/* local time */
	char	*status;
	int	 findings;
	int	 open;
};

/* An open finding. */
struct site_find {
	char	*record;
	char	*form;
	char	*deadline;
	char	*severity;
	json_t	*texts;		/* {zh, en}, or NULL */
	int	 overdue;
};

struct site_screen {
	struct site		  site;
	int			  all_forms;	/* every form, not only the
						   kind's */
	const struct form	**forms;	/* borrowed from the tui */
	int			  nforms;
	struct site_rec		 *recs;
	int			  nrecs;
	int			  rec_total;
	struct site_find	 *finds;
	int			  nfinds;
	int			  finds_more;	/* more than listed */
	struct site_row		 *rows;
	int			  nrows;
	struct list		  l;
	int			  head_rows;	/* rows of the details */
};

/* Is the form made for kind (it names no kinds: for every kind)? */
static int
site_form_fits(const struct form *f, const char *kind)
{
	const json_t	*kinds, *k;
	size_t		 i;

	kinds = json_object_get(form_doc(f), "site_kinds");
	if (!json_is_array(kinds) || json_array_size(kinds) == 0)
		return 1;
	json_array_foreach(kinds, i, k) {
		if (json_is_string(k) && kind != NULL &&
		    strcmp(json_string_value(k), kind) == 0)
			return 1;
	}
	return 0;
}

/* The forms offered: the kind's, or all (loaded once by the tui). */
static void
site_load_forms(struct tui *t, struct site_screen *s)
{
	size_t	i;

	(void)tui_form(t, "");
	free(s->forms);
	s->forms = xcalloc(t->nforms + 1, sizeof s->forms[0]);
	s->nforms = 0;
	for (i = 0; i < t->nforms; i++) {
		if (s->all_forms || site_form_fits(t->forms[i], s->site.kind))
			s->forms[s->nforms++] = t->forms[i];
	}
}

/* Forget the records read. */
static void
site_recs_free(struct site_screen *s)
{
	int	i;

	for (i = 0; i < s->nrecs; i++) {
		free(s->recs[i].id);
		free(s->recs[i].type);
		free(s->recs[i].form);
		free(s->recs[i].status);
	}
	free(s->recs);
	s->recs = NULL;
	s->nrecs = 0;
}

/* Forget the findings read. */
static void
site_finds_free(struct site_screen *s)
{
	int	i;

	for (i = 0; i < s->nfinds; i++) {
		free(s->finds[i].record);
		free(s->finds[i].form);
		free(s->finds[i].deadline);
		free(s->finds[i].severity);
		json_decref(s->finds[i].texts);
	}
	free(s->finds);
	s->finds = NULL;
	s->nfinds = 0;
	s->finds_more = 0;
}

/* Take a record from site_records(). */
static int
site_add_rec(const struct site_record *r, void *arg)
{
	struct site_screen	*s = arg;
	struct site_rec		*c;

	s->recs = xrealloc(s->recs, (size_t)(s->nrecs + 1) * sizeof s->recs[0]);
	c = &s->recs[s->nrecs++];
	c->id = xstrdup(r->id);
	c->type = xstrdup(r->type != NULL ? r->type : "");
	c->form = r->form != NULL ? xstrdup(r->form) : NULL;
	history_time(c->when, sizeof c->when, r->created);
	c->status = xstrdup(r->status != NULL ? r->status : "");
	c->findings = r->findings;
	c->open = r->open;
	return 0;
}

/* Take an open finding from finding_each(). */
static int
site_add_find(const struct finding *f, void *arg)
{
	struct site_screen	*s = arg;
	struct site_find	*c;

	if (s->nfinds >= SITE_FINDINGS_MAX) {
		s->finds_more = 1;
		return 1;
	}
	s->finds = xrealloc(s->finds, (size_t)(s->nfinds + 1) *
	    sizeof s->finds[0]);
	c = &s->finds[s->nfinds++];
	c->record = xstrdup(f->record);
	c->form = f->form != NULL ? xstrdup(f->form) : NULL;
	c->deadline = xstrdup(f->deadline != NULL ? f->deadline : "");
	c->severity = xstrdup(f->severity != NULL ? f->severity : "");
	c->texts = f->text != NULL ? json_deep_copy(f->text) : NULL;
	c->overdue = strcmp(f->state, "overdue") == 0;
	return 0;
}

/* Fetch the next page of the history. */
static void
site_more(struct tui *t, struct site_screen *s)
{
	if (site_records(t->dd->db, s->site.id, SITE_PAGE, s->nrecs,
	    site_add_rec, s) != 0)
		tui_error(t, "%s", _("Cannot read the site's records"));
}

/* Read the history's first page and the open findings again. */
static void
site_load(struct tui *t, struct site_screen *s)
{
	struct finding_filter	filter;
	char			today[16];

	site_recs_free(s);
	site_finds_free(s);
	if (site_record_count(t->dd->db, s->site.id, &s->rec_total) != 0)
		tui_error(t, "%s", _("Cannot read the site's records"));
	else
		site_more(t, s);
	util_date_after(today, sizeof today, util_now(), 0);
	memset(&filter, 0, sizeof filter);
	filter.open = 1;
	filter.site = s->site.id;
	filter.today = today;
	if (finding_each(t->dd->db, &filter, site_add_find, s) != 0)
		tui_error(t, "%s", _("Cannot read the site's findings"));
}

/* Add a row of the list. */
static void
site_row(struct site_screen *s, enum site_row_type type, int i)
{
	s->rows = xrealloc(s->rows, (size_t)(s->nrows + 1) * sizeof s->rows[0]);
	s->rows[s->nrows].type = type;
	s->rows[s->nrows].i = i;
	s->nrows++;
}

/* Lay the sections out as rows. */
static void
site_layout(struct site_screen *s)
{
	int	i;

	s->nrows = 0;
	site_row(s, SITE_ROW_HEAD, 0);
	for (i = 0; i < s->nforms; i++)
		site_row(s, SITE_ROW_FORM, i);
	if (s->nforms == 0)
		site_row(s, SITE_ROW_NOTE, 0);
	site_row(s, SITE_ROW_BLANK, 0);
	site_row(s, SITE_ROW_HEAD, 1);
	for (i = 0; i < s->nrecs; i++)
		site_row(s, SITE_ROW_RECORD, i);
	if (s->nrecs == 0)
		site_row(s, SITE_ROW_NOTE, 1);
	else if (s->nrecs < s->rec_total)
		site_row(s, SITE_ROW_MORE, 0);
	site_row(s, SITE_ROW_BLANK, 0);
	site_row(s, SITE_ROW_HEAD, 2);
	for (i = 0; i < s->nfinds; i++)
		site_row(s, SITE_ROW_FINDING, i);
	if (s->nfinds == 0)
		site_row(s, SITE_ROW_NOTE, 2);
	s->l.n = s->nrows;
}

/* Can the selection rest on row i? */
static int
site_selectable(const struct site_screen *s, int i)
{
	switch (s->rows[i].type) {
	case SITE_ROW_FORM:
	case SITE_ROW_RECORD:
	case SITE_ROW_MORE:
	case SITE_ROW_FINDING:
		return 1;
	default:
		return 0;
	}
}

/* The rows of the list (below the details). */
static int
site_list_rows(const struct site_screen *s)
{
	int	rows = tui_body_rows() - s->head_rows - 1;

	return rows > 1 ? rows : 1;
}

/*
 * Move the selection off headings and notes, in direction dir, else the
 * other way; the heading above the first selectable row stays in sight.
 */
static void
site_skip(struct site_screen *s, int dir)
{
	int	i;

	if (s->nrows == 0)
		return;
	for (i = s->l.sel; i >= 0 && i < s->nrows; i += dir) {
		if (site_selectable(s, i)) {
			s->l.sel = i;
			goto done;
		}
	}
	for (i = s->l.sel; i >= 0 && i < s->nrows; i -= dir) {
		if (site_selectable(s, i)) {
			s->l.sel = i;
			goto done;
		}
	}
	return;
done:
	list_fix(&s->l, site_list_rows(s));
	/* Show the section's heading when its first row is selected. */
	if (s->l.sel > 0 && s->l.top == s->l.sel &&
	    s->rows[s->l.sel - 1].type == SITE_ROW_HEAD)
		s->l.top--;
}

/* The selected row's type and index, or -1 when nothing is selected. */
static int
site_selected(const struct site_screen *s, int *i)
{
	if (s->nrows == 0 || !site_selectable(s, s->l.sel))
		return -1;
	*i = s->rows[s->l.sel].i;
	return (int)s->rows[s->l.sel].type;
}

/* Read the site, its forms, records and findings. */
static int
site_open(struct tui *t, void *priv, void *arg)
{
	struct site_screen	*s = priv;

	if (arg == NULL || site_get(t->dd->db, arg, &s->site) != 0) {
		tui_error(t, "%s", _("Cannot open the site"));
		return -1;
	}
	site_load_forms(t, s);
	site_load(t, s);
	site_layout(s);
	s->head_rows = 1 + SITE_ITEM_ROWS;
	site_skip(s, 1);
	return 0;
}

/* Free all the screen read. */
static void
site_close(struct tui *t, void *priv)
{
	struct site_screen	*s = priv;

	(void)t;
	site_recs_free(s);
	site_finds_free(s);
	free(s->forms);
	free(s->rows);
	site_clear(&s->site);
}

/* Back from an inspection or a record: read what may have changed. */
static void
site_resume(struct tui *t, void *priv)
{
	struct site_screen	*s = priv;
	enum site_row_type	 type = SITE_ROW_FORM;
	int			 i, was = 0, n;

	if (s->nrows > 0) {
		type = s->rows[s->l.sel].type;
		was = s->rows[s->l.sel].i;
	}
	/* A new record may have come: reload as many as were shown. */
	n = s->nrecs > SITE_PAGE ? s->nrecs : SITE_PAGE;
	site_load(t, s);
	while (s->nrecs < n && s->nrecs < s->rec_total) {
		i = s->nrecs;
		site_more(t, s);
		if (s->nrecs == i)
			break;
	}
	site_layout(s);
	for (i = 0; i < s->nrows; i++) {
		if (s->rows[i].type == type && s->rows[i].i >= was) {
			s->l.sel = i;
			break;
		}
	}
	site_skip(s, 1);
}

/* The site's name in the title bar. */
static const char *
site_title(struct tui *t, void *priv)
{
	struct site_screen	*s = priv;

	(void)t;
	return s->site.name;
}

/*
 * Put "label: value" items on the rows from y (draw: 0 only counts), as
 * many a row as fit, at most rows rows.  Returns the rows used.
 */
static int
site_items_put(int y, int rows, char *const *items, int n, int draw)
{
	int	x = 2, row = 0, i, w;

	for (i = 0; i < n; i++) {
		w = draw_width(items[i]);
		if (x > 2 && x + w > COLS - 2) {
			if (++row >= rows)
				return rows;
			x = 2;
		}
		if (draw)
			draw_str(y + row, x, COLS - 2 - x, items[i], A_NORMAL);
		x += (w < COLS - 2 - x ? w : COLS - 2 - x) + 3;
	}
	return row + 1;
}

/* The details of the site as "label: value" items (n of them). */
static int
site_items(struct tui *t, const struct site *st, char **items)
{
	int	n = 0;

	items[n++] = xasprintf("%s %s", _("Village:"),
	    st->village != NULL ? st->village : "-");
	if (st->address != NULL)
		items[n++] = xasprintf("%s %s", _("Address:"), st->address);
	if (st->grid_person != NULL)
		items[n++] = xasprintf("%s %s", _("Grid person:"),
		    st->grid_person);
	if (st->credit_code != NULL)
		items[n++] = xasprintf("%s %s", _("Credit code:"),
		    st->credit_code);
	if (st->industry != NULL)
		items[n++] = xasprintf("%s %s", _("Industry:"),
		    tui_choice_label(t, "industry", st->industry) != NULL ?
		    tui_choice_label(t, "industry", st->industry) :
		    words_industry(st->industry));
	if (st->grade != NULL)
		items[n++] = xasprintf("%s %s", _("Grade:"), st->grade);
	return n;
}

/*
 * The details of the site from TUI_BODY_TOP: its name, id and kind, then
 * the rest on at most SITE_ITEM_ROWS rows; head_rows gets the rows used.
 */
static void
site_draw_details(struct tui *t, struct site_screen *s)
{
	const struct site	*st = &s->site;
	char			*items[SITE_ITEMS];
	int			 y = TUI_BODY_TOP, x, n, i;

	x = 2 + draw_str(y, 2, COLS - 4, st->name, A_BOLD);
	draw_printf(y, x + 2, COLS - x - 4, draw_attr(DRAW_DIM), "%s · %s",
	    st->id, words_kind(st->kind));
	n = site_items(t, st, items);
	s->head_rows = 1 + site_items_put(y + 1, SITE_ITEM_ROWS, items, n, 1);
	for (i = 0; i < n; i++)
		free(items[i]);
}

/* What a record is, for its line: its form's title, else its type. */
static const char *
site_rec_what(struct tui *t, const struct site_rec *r)
{
	const struct form	*f;

	if (r->form != NULL && (f = tui_form(t, r->form)) != NULL)
		return form_title(f, i18n_lang());
	if (r->form != NULL)
		return r->form;
	if (strcmp(r->type, "site") == 0)
		return _("Site registered");
	if (strcmp(r->type, "amendment") == 0)
		return _("Amendment");
	return r->type;
}

/* The heading of section i. */
static char *
site_heading(struct site_screen *s, int i)
{
	switch (i) {
	case 0:
		if (s->all_forms)
			return xasprintf("%s", _("Inspect with (all forms)"));
		return xasprintf(_("Inspect with (forms for %s)"),
		    words_kind(s->site.kind));
	case 1:
		return xasprintf(ngettext("History (%d record)",
		    "History (%d records)", (unsigned long)s->rec_total),
		    s->rec_total);
	default:
		return xasprintf(_("Open findings (%d%s)"), s->nfinds,
		    s->finds_more ? "+" : "");
	}
}

/* Paint row i of the list at y. */
static void
site_draw_row(struct tui *t, struct site_screen *s, int i, int y)
{
	const struct site_row	*row = &s->rows[i];
	const struct form	*f;
	const struct site_rec	*r;
	const struct site_find	*fd;
	attr_t			 a, dim;
	char			*text;
	int			 x, w = COLS - 2, cw;

	a = i == s->l.sel ? draw_attr(DRAW_SELECT) : A_NORMAL;
	dim = i == s->l.sel ? a : draw_attr(DRAW_DIM);
	switch (row->type) {
	case SITE_ROW_HEAD:
		text = site_heading(s, row->i);
		draw_line(y, 1, w, text, draw_attr(DRAW_HEAD));
		free(text);
		return;
	case SITE_ROW_BLANK:
		return;
	case SITE_ROW_NOTE:
		draw_str(y, 4, COLS - 6, row->i == 0 ? _("No form is made "
		    "for this kind of site: a shows all forms.") :
		    row->i == 1 ? _("No records yet.") :
		    _("No open findings."), draw_attr(DRAW_DIM));
		return;
	default:
		break;
	}
	draw_fill(y, 1, w, a);
	switch (row->type) {
	case SITE_ROW_FORM:
		f = s->forms[row->i];
		x = 4 + draw_str(y, 4, COLS - 30, form_title(f, i18n_lang()),
		    a);
		text = xasprintf("%s v%d%s", form_id(f), form_version(f),
		    site_form_fits(f, s->site.kind) ? "" : "  *");
		draw_str(y, x + 2, COLS - x - 4, text, dim);
		free(text);
		break;
	case SITE_ROW_RECORD:
		r = &s->recs[row->i];
		cw = COLS - 54;
		draw_str(y, 4, 16, r->when, a);
		draw_str(y, 22, cw, site_rec_what(t, r), a);
		if (r->findings == 0)
			text = xstrdup(_("no findings"));
		else if (r->open == 0)
			text = xasprintf(_("%d found, all closed"),
			    r->findings);
		else
			text = xasprintf(_("%d found, %d open"), r->findings,
			    r->open);
		draw_str(y, 23 + cw, 20, text, r->open > 0 && i != s->l.sel ?
		    draw_attr(DRAW_WARN) : a);
		free(text);
		draw_str(y, COLS - 10, 9, words_status(r->status, NULL), dim);
		break;
	case SITE_ROW_MORE:
		text = xasprintf(ngettext("%d older record: Enter shows it",
		    "%d older records: Enter shows more",
		    (unsigned long)(s->rec_total - s->nrecs)),
		    s->rec_total - s->nrecs);
		draw_str(y, 4, COLS - 6, text, dim);
		free(text);
		break;
	case SITE_ROW_FINDING:
		fd = &s->finds[row->i];
		if (fd->overdue && i != s->l.sel)
			a = draw_attr(DRAW_WARN);
		draw_str(y, 4, 10, fd->deadline, a);
		text = xasprintf("%s%s", words_severity(fd->severity, NULL),
		    fd->overdue ? _(", overdue") : "");
		draw_str(y, 16, 18, text, a);
		free(text);
		draw_str(y, 35, COLS - 37, fd->texts != NULL ?
		    record_text(fd->texts, i18n_lang()) : "", a);
		break;
	default:
		break;
	}
}

/* The details, then the rows of the list in sight. */
static void
site_draw(struct tui *t, void *priv)
{
	struct site_screen	*s = priv;
	int			 rows, i, y;

	site_draw_details(t, s);
	rows = site_list_rows(s);
	list_fix(&s->l, rows);
	y = TUI_BODY_TOP + s->head_rows + 1;
	for (i = 0; i < rows && s->l.top + i < s->nrows; i++)
		site_draw_row(t, s, s->l.top + i, y + i);
	list_draw_marks(&s->l, y, rows);
}

/* Enter on the selected row. */
static void
site_enter(struct tui *t, struct site_screen *s)
{
	int	i;

	switch (site_selected(s, &i)) {
	case SITE_ROW_FORM:
		flow_start(t, s->site.id, form_id(s->forms[i]), NULL);
		break;
	case SITE_ROW_RECORD:
		tui_push(t, &screen_record, s->recs[i].id);
		break;
	case SITE_ROW_MORE:
		site_more(t, s);
		site_layout(s);
		site_skip(s, 1);
		break;
	case SITE_ROW_FINDING:
		tui_push(t, &screen_record, s->finds[i].record);
		break;
	}
}

/* f: follow up the selected record (or the record of a finding). */
static void
site_follow_up(struct tui *t, struct site_screen *s)
{
	const char	*form = NULL, *record = NULL;
	int		 i;

	switch (site_selected(s, &i)) {
	case SITE_ROW_RECORD:
		if (s->recs[i].open > 0) {
			form = s->recs[i].form;
			record = s->recs[i].id;
		}
		break;
	case SITE_ROW_FINDING:
		form = s->finds[i].form;
		record = s->finds[i].record;
		break;
	}
	if (record == NULL || form == NULL) {
		tui_msg(t, "%s", _("Choose a record with open findings (or a "
		    "finding) to follow it up."));
		return;
	}
	flow_start(t, s->site.id, form, record);
}

/* a: all forms, or back to the kind's. */
static void
site_toggle_forms(struct tui *t, struct site_screen *s)
{
	s->all_forms = !s->all_forms;
	site_load_forms(t, s);
	site_layout(s);
	s->l.sel = s->l.top = 0;
	site_skip(s, 1);
	if (s->all_forms)
		tui_msg(t, "%s", _("All forms: those marked * are not made for "
		    "this kind of site."));
}

/* Enter, a, f; the list's keys; the rest is the loop's. */
static int
site_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct site_screen	*s = priv;
	int			 rc, dir, i;

	if (TUI_IS(k, '\r') || TUI_IS(k, '\n') || k->code == KEY_ENTER) {
		site_enter(t, s);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'a')) {
		site_toggle_forms(t, s);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'f')) {
		site_follow_up(t, s);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'i') || k->code == KEY_RIGHT) {
		/* A trained hand knows the form's note: the first question
		 * at once, the note one key (p) back. */
		if (site_selected(s, &i) == SITE_ROW_FORM)
			flow_start_at(t, s->site.id, form_id(s->forms[i]),
			    NULL, 1);
		else
			tui_msg(t, "%s", _("Choose a form to start at its "
			    "first question (i)."));
		return TUI_REDRAW;
	}
	dir = k->code == KEY_UP || k->code == KEY_PPAGE ||
	    k->code == KEY_HOME || TUI_IS(k, 'k') || TUI_IS(k, 'b') ||
	    TUI_IS(k, 'g') ? -1 : 1;
	rc = list_key(&s->l, k, site_list_rows(s), 1);
	if (rc == TUI_UNHANDLED)
		return TUI_UNHANDLED;
	if (rc == TUI_REDRAW)
		site_skip(s, dir);
	return TUI_REDRAW;
}

static const struct tui_keyhelp site_keys[] = {
	{ "Enter", N_("inspect / open the record") },
	{ "i →", N_("skip the note") },
	{ "f", N_("follow up") },
	{ "a", N_("all forms / the kind's") },
	{ "↑↓", N_("move") },
	{ "Esc", N_("back") },
	{ NULL, NULL }
};

/* The keys the bar names. */
static const struct tui_keyhelp *
site_keys_fn(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return site_keys;
}

const struct tui_screen screen_site = {
	.name = "site",
	.priv_size = sizeof(struct site_screen),
	.open = site_open,
	.close = site_close,
	.title = site_title,
	.draw = site_draw,
	.key = site_key,
	.keys = site_keys_fn,
	.resume = site_resume,
};
