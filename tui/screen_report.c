/*
 * The plan's monthly figures (core/report.h) with bar charts drawn in the
 * terminal: the restaurants' spot-check rate against its 20% target, the
 * dust fall of each site against the 8 t/km²/month limit, fire points and
 * deductions per village, the boilers found, the production-control list,
 * findings opened and closed per task, and inspections per inspector.
 * p and n (or PgUp, PgDn) go a month back and forward; the figures of a
 * month are read once, when it is shown.
 *
 * The supervisor's desk (screen_desk) shares the way of drawing: the
 * findings of the merged log by village and by task (open, overdue,
 * closed), each inspector's records of the month, those not verified and
 * the seqs missing from the chain, and, on c (it reads the whole log),
 * the conflicts (core/oversight.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/db.h"
#include "core/error.h"
#include "core/finding.h"
#include "core/oversight.h"
#include "core/report.h"
#include "core/util.h"
#include "tui/draw.h"
#include "tui/screens.h"

#define REPORT_BAR	20		/* columns of a full bar */
#define REPORT_LABEL	24		/* columns of a bar's label */
#define DESK_CONFLICTS	100		/* conflicts listed on the desk */

struct rline {
	char		*text;		/* the words, or the bar's label */
	enum draw_part	 part;
	int		 bar;		/* a bar: this many of REPORT_BAR */
	int		 mark;		/* a target's column in the bar, or -1 */
	char		*value;		/* after the bar */
};

struct report {
	char		 month[8];
	int		 desk;		/* the desk, not the report */
	int		 conflicts;	/* the desk: conflicts asked for */
	json_t		*doc;		/* the month's figures */
	char		 lang[8];	/* the language the lines are in */
	struct rline	*l;
	int		 n;
	int		 top;		/* first line shown */
};

static void
report_free_lines(struct report *r)
{
	int	i;

	for (i = 0; i < r->n; i++) {
		free(r->l[i].text);
		free(r->l[i].value);
	}
	free(r->l);
	r->l = NULL;
	r->n = 0;
}

static void
report_free(struct report *r)
{
	report_free_lines(r);
	json_decref(r->doc);
	r->doc = NULL;
}

static struct rline *
report_add(struct report *r, enum draw_part part, char *text)
{
	struct rline	*l;

	r->l = xrealloc(r->l, (size_t)(r->n + 1) * sizeof *r->l);
	l = &r->l[r->n++];
	memset(l, 0, sizeof *l);
	l->text = text;
	l->part = part;
	l->mark = -1;
	return l;
}

/* A bar of value out of max, with its label and what follows it. */
static void
report_bar(struct report *r, const char *label, double value, double max,
    double mark, char *after)
{
	struct rline	*l = report_add(r, DRAW_NORMAL, xstrdup(label));

	l->bar = max > 0 ? (int)(value / max * REPORT_BAR + 0.5) : 0;
	if (l->bar > REPORT_BAR)
		l->bar = REPORT_BAR;
	if (value > 0 && l->bar == 0)
		l->bar = 1;
	l->mark = mark > 0 && max > 0 ? (int)(mark / max * REPORT_BAR + 0.5) :
	    -1;
	l->value = after;
}

static const char *
jstr(const json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static json_int_t
jint(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static double
jnum(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

/* The largest number of key in the objects of list (at least min). */
static double
report_max(const json_t *list, const char *key, double min)
{
	const json_t	*v;
	double		 m = min;
	size_t		 i;

	json_array_foreach(list, i, v)
		if (jnum(v, key) > m)
			m = jnum(v, key);
	return m;
}

/* "3 records, 2 sites", each count with its plural. */
static char *
report_records_sites(json_int_t records, json_int_t sites)
{
	char	*a, *b, *out;

	a = xasprintf(ngettext("%lld record", "%lld records",
	    (unsigned long)records), (long long)records);
	b = xasprintf(ngettext("%lld site", "%lld sites",
	    (unsigned long)sites), (long long)sites);
	/* TRANSLATORS: "3 records" and "2 sites" joined. */
	out = xasprintf(_("%s, %s"), a, b);
	free(a);
	free(b);
	return out;
}

static void
report_build(struct tui *t, struct report *r, const json_t *d)
{
	const json_t	*o, *v, *list, *why;
	char		*label;
	double		 max;
	size_t		 i, j, n;

	n = json_array_size(json_object_get(d, "inspectors"));
	report_add(r, DRAW_DIM, xasprintf(ngettext("%lld records counted "
	    "(verified), by %zu inspector", "%lld records counted (verified), "
	    "by %zu inspectors", n), (long long)jint(d, "records"), n));
	o = json_object_get(d, "reviews");
	report_add(r, jint(o, "pending") > 0 ? DRAW_WARN : DRAW_DIM,
	    xasprintf(_("Reviewed by the office: %lld accepted, %lld returned, "
	    "%lld rejected, %lld pending"), (long long)jint(o, "accepted"),
	    (long long)jint(o, "returned"), (long long)jint(o, "rejected"),
	    (long long)jint(o, "pending")));

	o = json_object_get(d, "restaurants");
	report_add(r, DRAW_HEAD, xasprintf(_("Restaurant fume purifiers "
	    "(task 7): %lld of %lld inspected"), (long long)jint(o,
	    "inspected"), (long long)jint(o, "registered")));
	report_bar(r, _("spot-check rate"), jnum(o, "rate"), 1.0,
	    jnum(o, "target"), xasprintf(_("%.0f%% (target %.0f%%: %s)"),
	    100 * jnum(o, "rate"), 100 * jnum(o, "target"), json_is_true(
	    json_object_get(o, "met")) ? _("met") : _("NOT met")));

	o = json_object_get(d, "dustfall");
	if (json_is_number(json_object_get(o, "average")))
		report_add(r, json_is_true(json_object_get(o, "met")) ?
		    DRAW_HEAD : DRAW_WARN, xasprintf(_("Dust fall (task 6): "
		    "average %.2f t/km²/month, limit %.0f: %s"), jnum(o,
		    "average"), jnum(o, "limit"), json_is_true(json_object_get(o,
		    "met")) ? _("met") : _("NOT met")));
	else
		report_add(r, DRAW_HEAD, xstrdup(_("Dust fall (task 6): no "
		    "measurement this month")));
	list = json_object_get(o, "ranking");
	max = report_max(list, "value", 2 * jnum(o, "limit"));
	json_array_foreach(list, i, v) {
		label = xasprintf("%s %s", jstr(v, "site"), jstr(v, "name"));
		report_bar(r, label, jnum(v, "value"), max, jnum(o, "limit"),
		    xasprintf("%.2f%s", jnum(v, "value"), json_is_true(
		    json_object_get(v, "above_limit")) ? " !" : ""));
		free(label);
	}

	o = json_object_get(d, "fire_points");
	report_add(r, DRAW_HEAD, xasprintf(_("Fire points (task 9): %lld, "
	    "deductions %lld yuan"), (long long)jint(o, "count"),
	    (long long)jint(o, "deduction_yuan")));
	list = json_object_get(o, "villages");
	max = report_max(list, "count", 1);
	json_array_foreach(list, i, v)
		report_bar(r, jstr(v, "village"), jnum(v, "count"), max, 0,
		    xasprintf(_("%lld, %lld yuan"), (long long)jint(v, "count"),
		    (long long)jint(v, "deduction_yuan")));

	o = json_object_get(d, "boilers");
	report_add(r, DRAW_HEAD, xasprintf(_("Boilers (task 11): coal ≤ 35 t/h "
	    "found %zu, without networked monitoring %zu"), json_array_size(
	    json_object_get(o, "coal_le35")), json_array_size(
	    json_object_get(o, "monitoring_not_networked"))));
	for (j = 0; j < 2; j++)
		json_array_foreach(json_object_get(o, j == 0 ? "coal_le35" :
		    "monitoring_not_networked"), i, v)
			report_add(r, DRAW_WARN, xasprintf("  %s  %s %s  %g t/h",
			    j == 0 ? _("coal") : tui_choice_label(t, "fuel",
			    jstr(v, "fuel")) != NULL ? tui_choice_label(t,
			    "fuel", jstr(v, "fuel")) : jstr(v, "fuel"), jstr(v,
			    "site"), jstr(v, "name"), jnum(v, "capacity_tph")));

	o = json_object_get(d, "production_control");
	if (json_is_true(json_object_get(o, "in_season"))) {
		n = json_array_size(json_object_get(o, "sites"));
		report_add(r, DRAW_HEAD, xasprintf(ngettext("Production "
		    "control (task 19, %s): %zu enterprise", "Production "
		    "control (task 19, %s): %zu enterprises", n), jstr(o,
		    "season"), n));
		json_array_foreach(json_object_get(o, "sites"), i, v) {
			why = json_array_get(json_object_get(v, "reasons"), 0);
			report_add(r, DRAW_NORMAL, xasprintf("  %s %s: %s%s",
			    jstr(v, "site"), jstr(v, "name"), json_is_string(why)
			    ? _("grade D") : tui_rule_text(t, jstr(why, "rule")),
			    json_array_size(
			    json_object_get(v, "reasons")) > 1 ? " …" : ""));
		}
	} else
		report_add(r, DRAW_HEAD, xstrdup(_("Production control (task "
		    "19): outside its season (15 November to 15 March)")));

	list = json_object_get(d, "findings");
	report_add(r, DRAW_HEAD, xstrdup(_("Findings opened / closed, per "
	    "task")));
	max = report_max(list, "opened", report_max(list, "closed", 1));
	json_array_foreach(list, i, v) {
		label = xasprintf(_("task %lld"), (long long)jint(v, "task"));
		report_bar(r, label, jnum(v, "opened"), max, 0, xasprintf(
		    "%lld / %lld", (long long)jint(v, "opened"),
		    (long long)jint(v, "closed")));
		free(label);
	}

	list = json_object_get(d, "inspectors");
	report_add(r, DRAW_HEAD, xstrdup(_("Inspections per inspector")));
	max = report_max(list, "records", 1);
	json_array_foreach(list, i, v) {
		label = xasprintf("%s %s", json_is_string(json_object_get(v,
		    "name")) ? jstr(v, "name") : jstr(v, "device"), jstr(v,
		    "badge"));
		report_bar(r, label, jnum(v, "records"), max, 0,
		    report_records_sites(jint(v, "records"), jint(v,
		    "sites")));
		free(label);
	}
}

/* Tallies of findings as bars: open and overdue, closed after. */
static void
desk_tally(struct report *r, const json_t *list, const char *key)
{
	const json_t	*v;
	char		*label;
	double		 max = 1;
	size_t		 i;

	json_array_foreach(list, i, v)
		if (jnum(v, "open") + jnum(v, "overdue") > max)
			max = jnum(v, "open") + jnum(v, "overdue");
	json_array_foreach(list, i, v) {
		label = json_is_integer(json_object_get(v, key)) ?
		    xasprintf(_("task %lld"), (long long)jint(v, key)) :
		    xstrdup(jstr(v, key));
		report_bar(r, label, jnum(v, "open") + jnum(v, "overdue"), max,
		    0, xasprintf(_("%lld open, %lld overdue, %lld closed"),
		    (long long)jint(v, "open"), (long long)jint(v, "overdue"),
		    (long long)jint(v, "closed")));
		free(label);
	}
}

/* The desk: findings by village and task, the inspectors, conflicts. */
static void
desk_build(struct report *r, const json_t *d)
{
	const json_t	*v, *g;
	char		*label;
	double		 max;
	size_t		 i;

	report_add(r, DRAW_HEAD, xstrdup(_("Findings by village")));
	if (json_array_size(json_object_get(d, "villages")) == 0)
		report_add(r, DRAW_DIM, xstrdup(_("  no findings")));
	desk_tally(r, json_object_get(d, "villages"), "village");
	report_add(r, DRAW_HEAD, xstrdup(_("Findings by task")));
	desk_tally(r, json_object_get(d, "tasks"), "task");
	report_add(r, DRAW_HEAD, xasprintf(_("Inspectors, records of %s"),
	    r->month));
	max = report_max(json_object_get(d, "inspectors"), "records", 1);
	json_array_foreach(json_object_get(d, "inspectors"), i, v) {
		label = xasprintf("%s %s", json_is_string(json_object_get(v,
		    "name")) ? jstr(v, "name") : jstr(v, "device"), jstr(v,
		    "badge"));
		g = json_array_get(json_object_get(v, "gaps_after"), 0);
		report_bar(r, label, jnum(v, "records"), max, 0, xasprintf(
		    _("%lld; %lld not verified; %lld missing%s"), (long long)jint(
		    v, "records"), (long long)jint(v, "not_verified"),
		    (long long)jint(v, "missing"), g != NULL ? " !" : ""));
		free(label);
	}
	if (!json_is_array(json_object_get(d, "conflicts"))) {
		report_add(r, DRAW_DIM, xstrdup(_("Conflicts: press c to look "
		    "for them (the first time reads the whole log)")));
		return;
	}
	if (jint(d, "conflicts_total") > (json_int_t)json_array_size(
	    json_object_get(d, "conflicts")))
		report_add(r, DRAW_HEAD, xasprintf(_("Conflicts (%lld; the "
		    "first %zu: lantian conflicts lists them all)"),
		    (long long)jint(d, "conflicts_total"), json_array_size(
		    json_object_get(d, "conflicts"))));
	else
		report_add(r, DRAW_HEAD, xasprintf(_("Conflicts (%zu)"),
		    json_array_size(json_object_get(d, "conflicts"))));
	json_array_foreach(json_object_get(d, "conflicts"), i, v) {
		if (strcmp(jstr(v, "kind"), "contradiction") == 0)
			report_add(r, DRAW_WARN, xasprintf(_("  %s %s: two "
			    "inspections that contradict each other"), jstr(v,
			    "date"), jstr(v, "site")));
		else if (strcmp(jstr(v, "kind"), "fork") == 0)
			report_add(r, DRAW_ERROR, xasprintf(_("  fork: %s seq "
			    "%lld"), jstr(v, "device"), (long long)jint(v,
			    "seq")));
		else
			report_add(r, DRAW_WARN, xasprintf(_("  clock went "
			    "backwards: %s seq %lld"), jstr(v, "device"),
			    (long long)jint(v, "seq")));
	}
}

/* Are the conflicts kept already (no whole search needed)? */
static int
desk_conflicts_kept(struct tui *t)
{
	char	*v = NULL;
	int	 kept;

	kept = db_setting_get(t->dd->db, "conflicts.scanned", &v) == 0 &&
	    v != NULL;
	free(v);
	return kept;
}

/* The desk's figures: what desk_build() draws. */
static int
desk_load(struct tui *t, struct report *r)
{
	struct finding_filter	 f;
	json_t			*doc = json_object(), *v;
	long long		 total = 0;
	char			 today[11];
	int			 rc;

	memset(&f, 0, sizeof f);
	util_date_after(today, sizeof today, util_now(), 0);
	f.today = today;
	if ((rc = finding_count(t->dd->db, &f, 'v', &v)) == 0) {
		json_object_set_new(doc, "villages", v);
		rc = finding_count(t->dd->db, &f, 't', &v);
	}
	if (rc == 0) {
		json_object_set_new(doc, "tasks", v);
		rc = oversight_inspectors(t->dd->db, r->month, &v);
	}
	if (rc == 0) {
		json_object_set_new(doc, "inspectors", v);
		/* Kept as records arrive: read at once, unless the store is
		 * from before that and must be searched whole the first time. */
		if ((r->conflicts || desk_conflicts_kept(t)) &&
		    (rc = oversight_conflicts(t->dd->db, DESK_CONFLICTS, &v,
		    &total)) == 0) {
			json_object_set_new(doc, "conflicts", v);
			json_object_set_new(doc, "conflicts_total",
			    json_integer(total));
		}
	}
	if (rc != 0) {
		json_decref(doc);
		return rc;
	}
	r->doc = doc;
	return 0;
}

static void
report_load(struct tui *t, struct report *r)
{
	report_free(r);
	r->top = 0;
	r->lang[0] = '\0';
	if ((r->desk ? desk_load(t, r) : report_monthly(t->dd->db, r->month,
	    &r->doc)) != 0)
		tui_error(t, "%s", error_msg());
	t->dirty = 1;
}

/* Go a month back (-1) or forward (1). */
static void
report_step(struct report *r, int dir)
{
	int	y = atoi(r->month), m = atoi(r->month + 5) + dir;

	if (m < 1) {
		m = 12;
		y--;
	} else if (m > 12) {
		m = 1;
		y++;
	}
	if (y < 1970 || y > 9999)
		return;
	snprintf(r->month, sizeof r->month, "%04d-%02d", y % 10000, m % 100);
}

static int
report_open(struct tui *t, void *priv, void *arg)
{
	struct report	*r = priv;
	struct tm	 tm;
	time_t		 now = util_now();

	(void)arg;
	if (localtime_r(&now, &tm) == NULL)
		return error_set(LT_EIO, "no local time");
	strftime(r->month, sizeof r->month, "%Y-%m", &tm);
	report_load(t, r);
	return 0;
}

static void
report_close(struct tui *t, void *priv)
{
	(void)t;
	report_free(priv);
}

static const char *
report_title(struct tui *t, void *priv)
{
	static char	 buf[64];
	struct report	*r = priv;

	(void)t;
	snprintf(buf, sizeof buf, r->desk ? _("Supervisor's desk %s") :
	    _("Monthly report %s"), r->month);
	return buf;
}

static int
desk_open(struct tui *t, void *priv, void *arg)
{
	struct report	*r = priv;

	r->desk = 1;
	return report_open(t, priv, arg);
}

static void
report_draw(struct tui *t, void *priv)
{
	struct report	*r = priv;
	struct rline	*l;
	int		 y, i, x, b;

	/* The lines in the language of the moment (L switches it). */
	if (r->doc != NULL && strcmp(r->lang, i18n_lang()) != 0) {
		report_free_lines(r);
		if (r->desk)
			desk_build(r, r->doc);
		else
			report_build(t, r, r->doc);
		snprintf(r->lang, sizeof r->lang, "%s", i18n_lang());
	}
	for (y = TUI_BODY_TOP, i = r->top; i < r->n && y <= LINES - 3;
	    i++, y++) {
		l = &r->l[i];
		if (l->value == NULL) {
			draw_str(y, 1, COLS - 2, l->text, draw_attr(l->part));
			continue;
		}
		draw_str(y, 3, REPORT_LABEL, l->text, A_NORMAL);
		x = 3 + REPORT_LABEL + 1;
		for (b = 0; b < REPORT_BAR; b++)
			draw_str(y, x + b, 1, b < l->bar ? "█" : b == l->mark ?
			    "|" : "·", b < l->bar ? draw_attr(l->mark >= 0 &&
			    b >= l->mark ? DRAW_WARN : DRAW_OK) : draw_attr(
			    DRAW_DIM));
		draw_str(y, x + REPORT_BAR + 1, COLS - x - REPORT_BAR - 2,
		    l->value, A_NORMAL);
	}
}

static int
report_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct report	*r = priv;
	int		 rows = tui_body_rows();

	if (r->desk && TUI_IS(k, 'c')) {
		r->conflicts = 1;
		report_load(t, r);
		return TUI_REDRAW;
	}
	if (r->desk && TUI_IS(k, 'v')) {
		tui_push(t, &screen_queue, NULL);
		return TUI_REDRAW;
	}
	if (r->desk && TUI_IS(k, 'f')) {
		tui_push(t, &screen_findings, NULL);
		return TUI_REDRAW;
	}

	if (TUI_IS(k, 'p') || k->code == KEY_PPAGE) {
		report_step(r, -1);
		report_load(t, r);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'n') || k->code == KEY_NPAGE) {
		report_step(r, 1);
		report_load(t, r);
		return TUI_REDRAW;
	}
	if ((k->code == KEY_DOWN || TUI_IS(k, 'j')) && r->top + rows < r->n) {
		r->top++;
		return TUI_REDRAW;
	}
	if ((k->code == KEY_UP || TUI_IS(k, 'k')) && r->top > 0) {
		r->top--;
		return TUI_REDRAW;
	}
	return TUI_UNHANDLED;
}

static const struct tui_keyhelp report_keys[] = {
	{ "p", N_("month before") },
	{ "n", N_("month after") },
	{ "↑↓", N_("scroll") },
	{ "Esc", N_("back") },
	{ NULL, NULL }
};

static const struct tui_keyhelp desk_keys[] = {
	{ "f", N_("findings") },
	{ "v", N_("review queue") },
	{ "c", N_("conflicts") },
	{ "p", N_("month before") },
	{ "n", N_("month after") },
	{ "↑↓", N_("scroll") },
	{ "Esc", N_("back") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
report_keys_fn(struct tui *t, void *priv)
{
	struct report	*r = priv;

	(void)t;
	return r->desk ? desk_keys : report_keys;
}

const struct tui_screen screen_report = {
	.name = "report",
	.priv_size = sizeof(struct report),
	.open = report_open,
	.close = report_close,
	.title = report_title,
	.draw = report_draw,
	.key = report_key,
	.keys = report_keys_fn,
};

const struct tui_screen screen_desk = {
	.name = "desk",
	.priv_size = sizeof(struct report),
	.open = desk_open,
	.close = report_close,
	.title = report_title,
	.draw = report_draw,
	.key = report_key,
	.keys = report_keys_fn,
};
