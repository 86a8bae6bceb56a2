/*
 * The sites: a search field over the register (id, name, village, kind;
 * typing filters at once) and the sites that match, grouped by village
 * under a heading with its count.
 *
 * The register may be large: the screen keeps the villages that match
 * (names and counts, enough to place every row) and a window of sites
 * around what is shown, fetched again as the selection moves.  Rows of
 * the list are the headings and the sites in order: village g's heading
 * is row first(g) + g, its sites the rows after it.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/site.h"
#include "core/util.h"
#include "tui/draw.h"
#include "tui/edit.h"
#include "tui/list.h"
#include "tui/screens.h"
#include "tui/words.h"

#define SITES_SEARCH_MAX	64	/* characters of the search */
#define SITES_WINDOW_MIN	64	/* sites fetched at a time, at least */

/* A village that has matching sites. */
struct sites_village {
	char	*name;		/* NULL: sites without a village */
	int	 first;		/* its first site's place among the sites */
	int	 count;
};

/* A site of the window. */
struct sites_row {
	char	*id;
	char	*name;
	char	*kind;
};

struct sites {
	struct edit		 search;
	struct sites_village	*v;		/* villages that match */
	int			 nv;
	int			 total;		/* sites that match */
	int			 searched;	/* the search ran (no error) */
	struct list		 l;		/* over headings and sites */
	struct sites_row	*win;		/* sites wfirst .. + wn - 1 */
	int			 wfirst;
	int			 wn;
	int			 wsize;		/* rows win has room for */
};

/* Does haystack hold needle, Latin letters in any case? */
static int
sites_contains(const char *haystack, const char *needle)
{
	size_t	i, j, hl = strlen(haystack), nl = strlen(needle);

	for (i = 0; i + nl <= hl; i++) {
		for (j = 0; j < nl; j++) {
			if (tolower((unsigned char)haystack[i + j]) !=
			    tolower((unsigned char)needle[j]))
				break;
		}
		if (j == nl)
			return 1;
	}
	return 0;
}

/* The rows of the list below the search field. */
static int
sites_rows(void)
{
	int	rows = tui_body_rows() - 2;

	return rows > 1 ? rows : 1;
}

/* Forget the window of sites. */
static void
sites_window_free(struct sites *s)
{
	int	i;

	for (i = 0; i < s->wn; i++) {
		free(s->win[i].id);
		free(s->win[i].name);
		free(s->win[i].kind);
	}
	s->wn = 0;
}

/* Forget the villages. */
static void
sites_villages_free(struct sites *s)
{
	int	i;

	for (i = 0; i < s->nv; i++)
		free(s->v[i].name);
	free(s->v);
	s->v = NULL;
	s->nv = s->total = 0;
}

/* Take a village from site_villages(). */
static int
sites_add_village(const char *village, int count, void *arg)
{
	struct sites		*s = arg;
	struct sites_village	*v;

	s->v = xrealloc(s->v, (size_t)(s->nv + 1) * sizeof s->v[0]);
	v = &s->v[s->nv++];
	v->name = village != NULL ? xstrdup(village) : NULL;
	v->first = s->total;
	v->count = count;
	s->total += count;
	return 0;
}

/* Take a site from site_search() into the window. */
static int
sites_add_row(const struct site *site, void *arg)
{
	struct sites		*s = arg;
	struct sites_row	*r;

	if (s->wn >= s->wsize)
		return 1;
	r = &s->win[s->wn++];
	r->id = xstrdup(site->id);
	r->name = xstrdup(site->name != NULL ? site->name : "");
	r->kind = xstrdup(site->kind != NULL ? site->kind : "");
	return 0;
}

/* The kinds whose names (in the language shown) hold text. */
static char *
sites_kinds_for(const char *text)
{
	const char *const	*k;
	char			*out = xstrdup(""), *next;

	if (*text == '\0')
		return out;
	for (k = site_kinds(); *k != NULL; k++) {
		if (!sites_contains(words_kind(*k), text))
			continue;
		next = xasprintf("%s%s%s", out, *out != '\0' ? " " : "", *k);
		free(out);
		out = next;
	}
	return out;
}

/* The query of the search field: text and kinds, to free after. */
static void
sites_query_of(struct sites *s, struct site_query *q)
{
	char	*text = edit_text(&s->search);

	q->text = text;
	q->kinds = sites_kinds_for(text);
}

/* Free what sites_query_of() made. */
static void
sites_query_free(struct site_query *q)
{
	free((char *)q->text);
	free((char *)q->kinds);
}

/* Run the search again: the villages that match, the window emptied. */
static void
sites_search(struct tui *t, struct sites *s)
{
	struct site_query	q;

	sites_window_free(s);
	sites_villages_free(s);
	sites_query_of(s, &q);
	s->searched = site_villages(t->dd->db, &q, sites_add_village, s) == 0;
	if (!s->searched) {
		tui_error(t, "%s", _("Cannot search the sites"));
		sites_villages_free(s);
	}
	sites_query_free(&q);
	s->l.n = s->total + s->nv;
}

/* The village whose heading or site is row (nv > 0). */
static int
sites_village_of(const struct sites *s, int row)
{
	int	lo = 0, hi = s->nv - 1, mid;

	while (lo < hi) {
		mid = (lo + hi + 1) / 2;
		if (s->v[mid].first + mid <= row)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* The place among the sites of row, or -1 for a heading. */
static int
sites_site_of(const struct sites *s, int row, int *village)
{
	int	g;

	if (s->nv == 0)
		return -1;
	g = sites_village_of(s, row);
	if (village != NULL)
		*village = g;
	if (row == s->v[g].first + g)
		return -1;
	return row - g - 1;
}

/* Have the sites of rows top .. top+rows-1 in the window. */
static void
sites_window(struct tui *t, struct sites *s, int top, int rows)
{
	struct site_query	q;
	int			first, last, want, start;

	if (s->total == 0)
		return;
	first = sites_site_of(s, top, NULL);
	if (first < 0)
		first = s->v[sites_village_of(s, top)].first;
	last = first + rows;
	if (last > s->total)
		last = s->total;
	if (first >= s->wfirst && last <= s->wfirst + s->wn)
		return;
	want = rows * 3 > SITES_WINDOW_MIN ? rows * 3 : SITES_WINDOW_MIN;
	start = first - rows;
	if (start < 0)
		start = 0;
	if (want > s->wsize) {
		s->win = xrealloc(s->win, (size_t)want * sizeof s->win[0]);
		s->wsize = want;
	}
	sites_window_free(s);
	s->wfirst = start;
	sites_query_of(s, &q);
	if (site_search(t->dd->db, &q, want, start, sites_add_row, s) != 0)
		tui_error(t, "%s", _("Cannot search the sites"));
	sites_query_free(&q);
}

/* The site of the window at row, or NULL. */
static const struct sites_row *
sites_row_at(const struct sites *s, int row)
{
	int	i = sites_site_of(s, row, NULL);

	if (i < s->wfirst || i >= s->wfirst + s->wn)
		return NULL;
	return &s->win[i - s->wfirst];
}

/* Keep the selection off the headings, going on in direction dir. */
static void
sites_skip_heading(struct sites *s, int dir)
{
	if (s->l.n == 0 || sites_site_of(s, s->l.sel, NULL) >= 0)
		return;
	if (dir < 0 && s->l.sel > 0)
		s->l.sel--;
	else if (s->l.sel + 1 < s->l.n)
		s->l.sel++;
	else if (s->l.sel > 0)
		s->l.sel--;
}

/* Search again and select the first site. */
static void
sites_refresh(struct tui *t, struct sites *s)
{
	sites_search(t, s);
	s->l.sel = s->l.top = 0;
	sites_skip_heading(s, 1);
	list_fix(&s->l, sites_rows());
}

/* Start with an empty search: every site. */
static int
sites_open(struct tui *t, void *priv, void *arg)
{
	struct sites	*s = priv;

	(void)arg;
	edit_init(&s->search, NULL, SITES_SEARCH_MAX, 0);
	sites_refresh(t, s);
	return 0;
}

/* Free the villages, the window and the field. */
static void
sites_close(struct tui *t, void *priv)
{
	struct sites	*s = priv;

	(void)t;
	sites_window_free(s);
	free(s->win);
	sites_villages_free(s);
	edit_free(&s->search);
}

/* Back from a site: search again, the selection where it was. */
static void
sites_resume(struct tui *t, void *priv)
{
	struct sites	*s = priv;
	int		 sel = s->l.sel, top = s->l.top;

	sites_search(t, s);
	s->l.sel = sel;
	s->l.top = top;
	list_fix(&s->l, sites_rows());
	sites_skip_heading(s, -1);
}

/* The title bar's part. */
static const char *
sites_title(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return _("Sites");
}

/* Paint one row of the list at y. */
static void
sites_draw_row(struct sites *s, int row, int y)
{
	const struct sites_row	*r;
	const char *const	*k;
	attr_t			 a;
	char			*head;
	int			 g, w = COLS - 2, kindw = 4, namew;

	if (sites_site_of(s, row, &g) < 0) {
		head = xasprintf("%s (%d)", s->v[g].name != NULL ?
		    s->v[g].name : _("(no village)"), s->v[g].count);
		draw_line(y, 1, w, head, draw_attr(DRAW_HEAD));
		free(head);
		return;
	}
	a = row == s->l.sel ? draw_attr(DRAW_SELECT) : A_NORMAL;
	draw_fill(y, 1, w, a);
	if ((r = sites_row_at(s, row)) == NULL)
		return;
	/* The kinds as wide as their words, the names the rest. */
	for (k = site_kinds(); *k != NULL; k++)
		if (draw_width(words_kind(*k)) > kindw)
			kindw = draw_width(words_kind(*k));
	if (kindw > 18)
		kindw = 18;
	namew = w - 3 - 15 - kindw - 1;
	draw_str(y, 3, 14, r->id, a);
	draw_str(y, 18, namew, r->name, a);
	draw_str(y, COLS - 1 - kindw, kindw, words_kind(r->kind),
	    row == s->l.sel ? a : draw_attr(DRAW_DIM));
}

/* The search field, the count, the rows in sight. */
static void
sites_draw(struct tui *t, void *priv)
{
	struct sites	*s = priv;
	const char	*label = _("Search:");
	char		*text;
	int		 y = TUI_BODY_TOP, rows = sites_rows(), i, lw;

	/* A resize changes the rows: keep the selection in sight. */
	list_fix(&s->l, rows);
	sites_window(t, s, s->l.top, rows);
	for (i = 0; i < rows && s->l.top + i < s->l.n; i++)
		sites_draw_row(s, s->l.top + i, y + 2 + i);
	if (s->searched && s->total == 0) {
		text = edit_text(&s->search);
		if (*text == '\0')
			draw_wrap(y + 3, 3, COLS - 6, 3, _("No sites are "
			    "registered yet. Import the town's register with "
			    "lantian sites import FILE.csv."),
			    draw_attr(DRAW_DIM));
		else
			draw_printf(y + 3, 3, COLS - 6, draw_attr(DRAW_DIM),
			    _("No site matches \"%s\"."), text);
		free(text);
	} else if (s->searched) {
		draw_printf(y + 1, 2, COLS - 4, draw_attr(DRAW_DIM),
		    _("Sites: %d   villages: %d"), s->total, s->nv);
		i = sites_site_of(s, s->l.sel, NULL);
		list_draw_where(y + 1, i >= 0 ? i + 1 : 0, s->total);
		list_draw_marks(&s->l, y + 2, rows);
	}
	lw = draw_str(y, 1, COLS / 3, label, A_BOLD);
	edit_draw(&s->search, t, y, lw + 2, COLS - lw - 4, 1);
}

/* Open the selected site. */
static void
sites_enter(struct tui *t, struct sites *s)
{
	const struct sites_row	*r;
	char			*id;

	if (s->l.n == 0 || (r = sites_row_at(s, s->l.sel)) == NULL)
		return;
	id = xstrdup(r->id);	/* the push may reload the window */
	tui_push(t, &screen_site, id);
	free(id);
}

/* Moving keys move, Enter opens, Esc clears, the rest is typed. */
static int
sites_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct sites	*s = priv;
	int		 rc, dir;

	switch (k->code) {
	case KEY_UP:
	case KEY_DOWN:
	case KEY_PPAGE:
	case KEY_NPAGE:
		dir = k->code == KEY_UP || k->code == KEY_PPAGE ? -1 : 1;
		if ((rc = list_key(&s->l, k, sites_rows(), 0)) == TUI_REDRAW) {
			sites_skip_heading(s, dir);
			list_fix(&s->l, sites_rows());
		}
		return TUI_REDRAW;
	case KEY_ENTER:
		sites_enter(t, s);
		return TUI_REDRAW;
	case KEY_F(1):
	case KEY_F(2):
	case KEY_F(3):
	case KEY_F(10):
	case KEY_RESIZE:
		return TUI_UNHANDLED;
	}
	if (TUI_IS(k, '\r') || TUI_IS(k, '\n')) {
		sites_enter(t, s);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, TUI_ESC)) {
		if (edit_empty(&s->search))
			return TUI_UNHANDLED;
		edit_set(&s->search, NULL);
		sites_refresh(t, s);
		return TUI_REDRAW;
	}
	switch (edit_key(&s->search, k)) {
	case 1:
		sites_refresh(t, s);
		return TUI_REDRAW;
	case 0:
		return TUI_REDRAW;
	}
	return TUI_UNHANDLED;
}

static const struct tui_keyhelp sites_keys[] = {
	{ "Enter", N_("open the site") },
	{ "↑↓", N_("move") },
	{ "abc", N_("type to search") },
	{ "Esc", N_("clear the search / back") },
	{ "PgUp PgDn", N_("a page up / down") },
	{ NULL, NULL }
};

/* The keys the bar names. */
static const struct tui_keyhelp *
sites_keys_fn(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return sites_keys;
}

const struct tui_screen screen_sites = {
	.name = "sites",
	.priv_size = sizeof(struct sites),
	.open = sites_open,
	.close = sites_close,
	.title = sites_title,
	.draw = sites_draw,
	.key = sites_key,
	.keys = sites_keys_fn,
	.resume = sites_resume,
};
