/*
 * Findings of the merged log (the supervisor's desk, f): open, overdue
 * (the production-control list of tasks 15 and 19 is the overdue ones of
 * those tasks), closed (with the record that closed them and when), or
 * all, most urgent deadline first; / narrows them by village, task,
 * severity or site.  At most FINDINGS_MAX are read (the state and words
 * narrow them further); Enter opens the finding's record, C the record
 * that closed it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/finding.h"
#include "core/record.h"
#include "core/util.h"
#include "tui/draw.h"
#include "tui/list.h"
#include "tui/screens.h"
#include "tui/words.h"

#define FINDINGS_MAX	500

struct frow {
	char	 record[65];
	char	 closed_by[65];
	char	 deadline[11];
	char	 closed_at[11];
	char	 state[8];
	int	 task;
	char	*site;
	char	*text;
};

struct findings {
	int		 state;		/* 'o' open, 'v' overdue, 'c' closed,
					   'a' all */
	char		*narrow;	/* the / words, or NULL */
	char		*words;
	struct finding_filter filter;
	char		 today[11];
	char		 title[160];
	struct frow	*rows;
	int		 more;		/* more than FINDINGS_MAX matched */
	struct list	 l;
};

static void
fnd_free(struct findings *s)
{
	int	i;

	for (i = 0; i < s->l.n; i++) {
		free(s->rows[i].site);
		free(s->rows[i].text);
	}
	free(s->rows);
	s->rows = NULL;
	s->l.n = 0;
}

static int
fnd_take(const struct finding *f, void *arg)
{
	struct findings	*s = arg;
	struct frow	*r;

	if (s->l.n == FINDINGS_MAX) {
		s->more = 1;
		return 1;
	}
	if (s->rows == NULL)
		s->rows = xcalloc(FINDINGS_MAX, sizeof *s->rows);
	r = &s->rows[s->l.n++];
	snprintf(r->record, sizeof r->record, "%s", f->record);
	snprintf(r->closed_by, sizeof r->closed_by, "%s", f->closed_by != NULL ?
	    f->closed_by : "");
	snprintf(r->deadline, sizeof r->deadline, "%s", f->deadline != NULL ?
	    f->deadline : "");
	snprintf(r->closed_at, sizeof r->closed_at, "%.10s", f->closed_at !=
	    NULL ? f->closed_at : "");
	snprintf(r->state, sizeof r->state, "%s", f->state);
	r->task = (int)f->task;
	r->site = xstrdup(f->site != NULL ? f->site : "?");
	r->text = xstrdup(f->text != NULL ? record_text(f->text, i18n_lang()) :
	    f->rule);
	return 0;
}

static void
fnd_load(struct tui *t, struct findings *s)
{
	struct finding_filter	f = s->filter;

	fnd_free(s);
	s->more = 0;
	util_date_after(s->today, sizeof s->today, util_now(), 0);
	f.today = s->today;
	f.open = s->state == 'o';
	f.overdue = s->state == 'v';
	f.closed = s->state == 'c';
	if (finding_each(t->dd->db, &f, fnd_take, s) != 0)
		tui_error(t, "%s", _("Cannot read the findings"));
	list_fix(&s->l, tui_body_rows() - 1);
	t->dirty = 1;
}

static int
fnd_open(struct tui *t, void *priv, void *arg)
{
	struct findings	*s = priv;

	(void)arg;
	s->state = 'v';
	fnd_load(t, s);
	return 0;
}

static void
fnd_close(struct tui *t, void *priv)
{
	struct findings	*s = priv;

	(void)t;
	fnd_free(s);
	free(s->narrow);
	free(s->words);
}

static const char *
fnd_state_name(int state)
{
	return state == 'o' ? _("not closed") : state == 'v' ? _("overdue") :
	    state == 'c' ? _("closed") : _("all");
}

static const char *
fnd_title(struct tui *t, void *priv)
{
	struct findings	*s = priv;

	(void)t;
	snprintf(s->title, sizeof s->title, _("Findings: %s%s%s"),
	    fnd_state_name(s->state), s->narrow != NULL ? " · " : "",
	    s->narrow != NULL ? s->narrow : "");
	return s->title;
}

static void
fnd_draw(struct tui *t, void *priv)
{
	struct findings	*s = priv;
	struct frow	*r;
	enum draw_part	 part;
	int		 y = TUI_BODY_TOP, i, rows = tui_body_rows() - 1;
	char		*line;

	(void)t;
	list_fix(&s->l, rows);
	if (s->more)
		draw_printf(y++, 1, COLS - 2, draw_attr(DRAW_HEAD), _("the "
		    "first %d findings (/ narrows them)"), FINDINGS_MAX);
	else
		draw_printf(y++, 1, COLS - 2, draw_attr(DRAW_HEAD),
		    ngettext("%d finding", "%d findings",
		    (unsigned long)s->l.n), s->l.n);
	list_draw_where(TUI_BODY_TOP, s->l.sel + 1, s->l.n);
	list_draw_marks(&s->l, y, rows);
	if (s->l.n == 0)
		draw_str(y, 2, COLS - 4, _("None."), draw_attr(DRAW_DIM));
	for (i = s->l.top; i < s->l.n && y <= LINES - 3; i++, y++) {
		r = &s->rows[i];
		part = strcmp(r->state, "overdue") == 0 ? DRAW_WARN :
		    strcmp(r->state, "closed") == 0 ? DRAW_OK : DRAW_NORMAL;
		if (r->closed_by[0] != '\0')
			line = xasprintf(_("%-10s  task %-2d  %-10s  %s  "
			    "(closed %s by %.8s)"), r->deadline, r->task,
			    r->site, r->text, r->closed_at, r->closed_by);
		else
			line = xasprintf("%-10s  %s %-2d  %-10s  %s",
			    r->deadline, _("task"), r->task, r->site, r->text);
		draw_str(y, 1, COLS - 2, line, i == s->l.sel ?
		    draw_attr(DRAW_SELECT) : draw_attr(part));
		free(line);
	}
}

/* The / words: village, task, severity, site. */
static int
fnd_narrowed(struct tui *t, void *arg, const char *text)
{
	struct findings	*s = arg;
	struct finding_filter f;
	char		*words, *p, *save = NULL, *v, *end;
	long		 task;

	if (text == NULL)
		return 0;
	memset(&f, 0, sizeof f);
	words = xstrdup(text);
	for (p = strtok_r(words, " \t", &save); p != NULL;
	    p = strtok_r(NULL, " \t", &save)) {
		if ((v = strpbrk(p, ":=")) == NULL || v[1] == '\0')
			goto bad;
		*v++ = '\0';
		if (strcmp(p, "village") == 0)
			f.village = v;
		else if (strcmp(p, "site") == 0)
			f.site = v;
		else if (strcmp(p, "severity") == 0)
			f.severity = v;
		else if (strcmp(p, "task") == 0) {
			task = strtol(v, &end, 10);
			if (*end != '\0' || task < 1 || task > 99)
				goto bad;
			f.task = (int)task;
		} else
			goto bad;
	}
	free(s->words);
	free(s->narrow);
	s->words = words;
	s->narrow = text[strspn(text, " \t")] != '\0' ? xstrdup(text) : NULL;
	s->filter = f;
	s->l.sel = s->l.top = 0;
	fnd_load(t, s);
	return 0;
bad:
	free(words);
	tui_error(t, "%s", _("Words are village:V, task:N, severity:S or "
	    "site:S."));
	return 1;
}

static int
fnd_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct findings	*s = priv;
	int		 i;

	for (i = 0; "ovca"[i] != '\0'; i++) {
		if (TUI_IS(k, "ovca"[i])) {
			s->state = "ovca"[i];
			s->l.sel = s->l.top = 0;
			fnd_load(t, s);
			return TUI_REDRAW;
		}
	}
	if ((TUI_IS(k, '\r') || TUI_IS(k, '\n') || k->code == KEY_ENTER) &&
	    s->l.n > 0) {
		tui_push(t, &screen_record, s->rows[s->l.sel].record);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'C') && s->l.n > 0) {
		if (s->rows[s->l.sel].closed_by[0] == '\0')
			tui_msg(t, "%s", _("This finding is not closed."));
		else
			tui_push(t, &screen_record,
			    s->rows[s->l.sel].closed_by);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, '/')) {
		struct tui_prompt	p = {
			.title = _("Narrow the findings"),
			.label = _("Words such as village:南岭村 task:15 "
			    "severity:violation site:XY-E-101 (empty: all)"),
			.initial = s->narrow,
			.done = fnd_narrowed,
			.arg = s,
		};

		tui_prompt(t, &p);
		return TUI_REDRAW;
	}
	return list_key(&s->l, k, tui_body_rows() - 1, 1);
}

static const struct tui_keyhelp fnd_keys[] = {
	{ "o", N_("not closed") },
	{ "v", N_("overdue") },
	{ "c", N_("closed") },
	{ "a", N_("all") },
	{ "/", N_("narrow") },
	{ "Enter", N_("the record") },
	{ "C", N_("the closing record") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
fnd_keys_fn(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return fnd_keys;
}

const struct tui_screen screen_findings = {
	.name = "findings",
	.priv_size = sizeof(struct findings),
	.open = fnd_open,
	.close = fnd_close,
	.title = fnd_title,
	.draw = fnd_draw,
	.key = fnd_key,
	.keys = fnd_keys_fn,
};
