/*
 * The question flow: one question at a time, with its hint and unit,
 * progress over the questions shown, skip logic applied as answers change,
 * and the problem with an answer right under it.  Every change is saved
 * to the draft at once (text when typing pauses), so nothing is lost.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/attach.h"
#include "core/error.h"
#include "core/record.h"
#include "core/util.h"
#include "core/answer.h"
#include "tui/draw.h"
#include "tui/edit.h"
#include "tui/flow.h"
#include "tui/list.h"
#include "tui/screens.h"
#include "tui/words.h"

enum flow_widget {
	W_NONE,		/* note, calculate: nothing to answer */
	W_LIST,		/* yes_no, choice, multi */
	W_FIELD,	/* integer, decimal, text, date, location */
	W_PHOTO,
};

struct flow {
	struct flow_state	 fs;
	size_t			 qi;		/* the question (form index) */
	const json_t		*q;
	const char		*type;
	enum flow_widget	 w;
	struct list		 l;		/* options of W_LIST */
	struct edit		 e;		/* the field of W_FIELD */
	int			 e_dirty;	/* typed, not saved yet */
	char			*problem;	/* what is wrong, shown under */
	int			 problem_typed;	/* a parse error of the field */
	int			 moved;		/* the highlight was moved */
	json_t			*deflt;		/* the question's default from
						   the site register, or NULL */
	int			 proposed;	/* unanswered: deflt is shown,
						   and taken on moving on */
};

static void flow_enter(struct tui *, struct flow *, size_t);

/* The id of question i. */
static const char *
flow_qid(const struct flow *fl, size_t i)
{
	return json_string_value(json_object_get(json_array_get(
	    flow_questions(&fl->fs), i), "id"));
}

static int
flow_is(const struct flow *fl, const char *type)
{
	return strcmp(fl->type, type) == 0;
}

/* The next (dir 1) or previous (-1) question shown, from i; -1 if none. */
static long
flow_step(const struct flow *fl, size_t i, int dir)
{
	size_t	n = json_array_size(flow_questions(&fl->fs));
	long	j;

	for (j = (long)i + dir; j >= 0 && (size_t)j < n; j += dir) {
		if (flow_relevant(&fl->fs, flow_qid(fl, (size_t)j)))
			return j;
	}
	return -1;
}

/* Position among the questions shown (1-based) and their number. */
static void
flow_progress(const struct flow *fl, size_t *pos, size_t *total)
{
	const char	*id = flow_qid(fl, fl->qi);
	const json_t	*v;
	size_t		 i;

	*pos = 0;
	*total = json_array_size(fl->fs.ev.relevant);
	json_array_foreach(fl->fs.ev.relevant, i, v) {
		if (strcmp(json_string_value(v), id) == 0)
			*pos = i + 1;
	}
}

/* Re-evaluate after a change, save, and refresh the problem line. */
static void
flow_changed(struct tui *t, struct flow *fl)
{
	if (flow_state_eval(&fl->fs) != 0)
		tui_error(t, "%s", _("The answers cannot be evaluated"));
	flow_state_save(t, &fl->fs);
	free(fl->problem);
	fl->problem = flow_problem(&fl->fs, flow_qid(fl, fl->qi), 0);
	fl->problem_typed = 0;
}

static void
flow_set_answer(struct tui *t, struct flow *fl, json_t *v)
{
	const char	*id = flow_qid(fl, fl->qi);

	if (v == NULL)
		json_object_del(fl->fs.d.answers, id);
	else
		json_object_set_new(fl->fs.d.answers, id, v);
	flow_changed(t, fl);
}

/*
 * What a Chinese input method types in full width, in ASCII: the digits
 * ０-９, ＋ － ． ， and the rest of U+FF01..FF5E (ASCII 0x21..0x7E moved
 * by 0xFEE0), the ideographic space, 。 (the "." of Chinese mode) and the
 * minus sign U+2212.  Numbers, dates and places are then parsed as if
 * typed in half width.  Caller frees.
 */
static char *
flow_halfwidth(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out = xmalloc(strlen(s) + 1), *o = out;
	unsigned		 c;

	while (*p != '\0') {
		if (p[0] == 0xef && (p[1] == 0xbc || p[1] == 0xbd) &&
		    p[2] >= 0x80 && p[2] <= 0xbf) {
			/* U+FF00..FF7F: EF BC 80..BF, EF BD 80..BF. */
			c = 0xff00u + ((p[1] == 0xbd) ? 0x40u : 0) +
			    (p[2] - 0x80u);
			if (c >= 0xff01 && c <= 0xff5e) {
				*o++ = (char)(c - 0xfee0);
				p += 3;
				continue;
			}
		} else if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) {
			*o++ = ' ';	/* U+3000 */
			p += 3;
			continue;
		} else if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x82) {
			/* U+3002 。: what "." types in Chinese mode. */
			*o++ = '.';
			p += 3;
			continue;
		} else if (p[0] == 0xe2 && p[1] == 0x88 && p[2] == 0x92) {
			*o++ = '-';	/* U+2212 */
			p += 3;
			continue;
		}
		*o++ = (char)*p++;
	}
	*o = '\0';
	return out;
}

/* Parse s (half width) as the answer of the question now. */
static json_t *
flow_parse_ascii(struct flow *fl, const char *s, char **why)
{
	char		*end;
	double		 d, lat, lon;
	long long	 n;

	errno = 0;
	if (flow_is(fl, "integer")) {
		n = strtoll(s, &end, 10);
		if (end != s && *end == '\0' && errno == 0)
			return json_integer(n);
		*why = xstrdup(_("Not a whole number."));
	} else if (flow_is(fl, "decimal")) {
		d = strtod(s, &end);
		if (end != s && *end == '\0' && errno == 0 && isfinite(d))
			return json_real(d);
		*why = xstrdup(_("Not a number (use a point for decimals)."));
	} else if (flow_is(fl, "date")) {
		if (util_is_date(s))
			return json_string(s);
		*why = xstrdup(_("Not a date: write it as YYYY-MM-DD."));
	} else if (flow_is(fl, "location")) {
		int used = -1;
		/* Two numbers and nothing else, by a comma or a space. */
		if ((sscanf(s, " %lf , %lf %n", &lat, &lon, &used) == 2 &&
		    s[used] == '\0') || (used = -1, sscanf(s, " %lf %lf %n",
		    &lat, &lon, &used) == 2 && s[used] == '\0')) {
			if (fabs(lat) <= 90 && fabs(lon) <= 180)
				return json_pack("{s:f, s:f}", "lat", lat,
				    "lon", lon);
		}
		*why = xstrdup(_("Not a location: latitude, longitude in "
		    "degrees, e.g. 36.6123, 114.4987."));
	}
	return NULL;
}

/* Parse what was typed in the field into an answer; NULL and a message
 * when it is not one. */
static json_t *
flow_parse(struct flow *fl, const char *typed, char **why)
{
	char		*s;
	json_t		*v;

	*why = NULL;
	if (flow_is(fl, "text"))
		return json_string(typed);
	s = flow_halfwidth(typed);
	v = flow_parse_ascii(fl, s, why);
	free(s);
	return v;
}

/*
 * Take what is typed in the field as the answer.  0 when it is one (or
 * the field is empty), -1 with the problem shown when it is not.
 */
static int
flow_take_field(struct tui *t, struct flow *fl)
{
	char	*s, *why;
	json_t	*v;

	if (fl->w != W_FIELD)
		return 0;
	s = edit_text(&fl->e);
	fl->e_dirty = 0;
	if (*s == '\0') {
		free(s);
		flow_set_answer(t, fl, NULL);
		return 0;
	}
	v = flow_parse(fl, s, &why);
	free(s);
	if (v == NULL) {
		free(fl->problem);
		fl->problem = why;
		fl->problem_typed = 1;
		return -1;
	}
	flow_set_answer(t, fl, v);
	return 0;
}

/* A default as the field shows it (a number or a text). */
static char *
flow_default_text(const json_t *v)
{
	if (json_is_number(v))
		return answer_number(v);
	return xstrdup(json_is_string(v) ? json_string_value(v) : "");
}

/* The answer of the question now, as the field shows it. */
static char *
flow_field_text(const struct flow *fl)
{
	const json_t	*v = json_object_get(fl->fs.d.answers,
	    flow_qid(fl, fl->qi));

	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_number(v))
		return answer_number(v);
	if (json_is_object(v))
		return xasprintf("%.6f, %.6f",
		    json_number_value(json_object_get(v, "lat")),
		    json_number_value(json_object_get(v, "lon")));
	return xstrdup(json_string_value(v) ? json_string_value(v) : "");
}

/* Show question i: its widget set up from the answer it has. */
static void
flow_enter(struct tui *t, struct flow *fl, size_t i)
{
	const json_t	*v;
	char		*text;

	edit_free(&fl->e);
	fl->qi = i;
	fl->q = json_array_get(flow_questions(&fl->fs), i);
	fl->type = json_string_value(json_object_get(fl->q, "type"));
	if (fl->type == NULL)
		fl->type = "";
	memset(&fl->l, 0, sizeof fl->l);
	fl->e_dirty = 0;
	fl->moved = 0;
	/* A default from the register is shown when the question is first
	 * shown unanswered; it is an answer once the inspector moves on. */
	json_decref(fl->deflt);
	fl->deflt = flow_default(&fl->fs, flow_qid(fl, i));
	fl->proposed = fl->deflt != NULL &&
	    json_object_get(fl->fs.d.answers, flow_qid(fl, i)) == NULL;
	if (flow_is(fl, "yes_no") || flow_is(fl, "choice") ||
	    flow_is(fl, "multi")) {
		fl->w = W_LIST;
		fl->l.n = flow_is(fl, "yes_no") ? 2 :
		    (int)json_array_size(json_object_get(fl->q, "choices"));
		v = json_object_get(fl->fs.d.answers, flow_qid(fl, i));
		if (fl->proposed) {
			v = fl->deflt;
			fl->moved = 1;	/* Enter takes it */
		}
		if (json_is_false(v))
			fl->l.sel = 1;
		else if (json_is_string(v)) {
			const json_t *c;
			size_t j;
			json_array_foreach(json_object_get(fl->q, "choices"),
			    j, c) {
				if (json_equal(json_object_get(c, "value"), v))
					fl->l.sel = (int)j;
			}
		}
	} else if (flow_is(fl, "photo"))
		fl->w = W_PHOTO;
	else if (flow_is(fl, "note") || flow_is(fl, "calculate"))
		fl->w = W_NONE;
	else {
		fl->w = W_FIELD;
		text = fl->proposed ? flow_default_text(fl->deflt) :
		    flow_field_text(fl);
		edit_init(&fl->e, text, flow_is(fl, "text") ? FORM_TEXT_MAX /
		    4 : 64, 0);
		free(text);
	}
	free(fl->fs.d.position);
	fl->fs.d.position = xstrdup(flow_qid(fl, i));
	flow_state_save(t, &fl->fs);
	free(fl->problem);
	fl->problem = flow_problem(&fl->fs, flow_qid(fl, i), 0);
	fl->problem_typed = 0;
}

/* The form index of question id, or -1. */
static long
flow_index(const struct flow *fl, const char *id)
{
	size_t	i, n = json_array_size(flow_questions(&fl->fs));

	for (i = 0; id != NULL && i < n; i++) {
		if (strcmp(flow_qid(fl, i), id) == 0)
			return (long)i;
	}
	return -1;
}

/* Question i if it is shown, else the next shown, else the one before. */
static long
flow_nearest(const struct flow *fl, long i)
{
	long	j;

	if (i < 0)
		i = 0;
	if (json_array_size(flow_questions(&fl->fs)) == 0)
		return -1;
	if (flow_relevant(&fl->fs, flow_qid(fl, (size_t)i)))
		return i;
	if ((j = flow_step(fl, (size_t)i, 1)) >= 0)
		return j;
	return flow_step(fl, (size_t)i, -1);
}

/* Go to the question at (or shown after) index i, else the review. */
static void
flow_goto(struct tui *t, struct flow *fl, long i)
{
	if (i >= 0 && !flow_relevant(&fl->fs, flow_qid(fl, (size_t)i)))
		i = flow_step(fl, (size_t)i, 1);
	if (i < 0) {
		/* Past the last question: the review. */
		tui_push(t, &screen_review, &fl->fs.d.id);
		return;
	}
	flow_enter(t, fl, (size_t)i);
}

static int
flow_open(struct tui *t, void *priv, void *arg)
{
	struct flow		*fl = priv;
	const struct flow_arg	*a = arg;
	long			 i;
	int			 rc;

	if ((rc = flow_state_load(t, a->draft, &fl->fs)) != 0) {
		tui_error(t, "%s", _("Cannot open the draft"));
		return rc;
	}
	i = flow_nearest(fl, flow_index(fl, a->question != NULL ?
	    a->question : fl->fs.d.position));
	/* The intro note stays one key back (p). */
	while (a->question == NULL && a->skip_notes && i >= 0 &&
	    strcmp(json_string_value(json_object_get(json_array_get(
	    flow_questions(&fl->fs), (size_t)i), "type")), "note") == 0 &&
	    flow_step(fl, (size_t)i, 1) >= 0)
		i = flow_step(fl, (size_t)i, 1);
	if (i < 0) {
		flow_state_clear(&fl->fs);
		return error_set(LT_EFORM, "form %s: no question to ask",
		    a->question != NULL ? a->question : "");
	}
	flow_enter(t, fl, (size_t)i);
	return 0;
}

static void
flow_close(struct tui *t, void *priv)
{
	struct flow	*fl = priv;

	if (fl->e_dirty)
		flow_take_field(t, fl);
	edit_free(&fl->e);
	free(fl->problem);
	json_decref(fl->deflt);
	flow_state_clear(&fl->fs);
}

/* Back from the review, attachments or a pushed screen: reload. */
static void
flow_resume(struct tui *t, void *priv)
{
	struct flow	*fl = priv;
	int64_t		 id = fl->fs.d.id;
	char		*at = xstrdup(flow_qid(fl, fl->qi));
	long		 i;

	flow_state_clear(&fl->fs);
	if (flow_state_load(t, id, &fl->fs) != 0) {
		/* Signed or abandoned meanwhile. */
		free(at);
		tui_pop(t);
		return;
	}
	i = flow_nearest(fl, flow_index(fl, fl->fs.d.position != NULL ?
	    fl->fs.d.position : at));
	free(at);
	if (i < 0) {
		tui_pop(t);
		return;
	}
	flow_enter(t, fl, (size_t)i);
}

static const char *
flow_screen_title(struct tui *t, void *priv)
{
	(void)t;
	return flow_title(&((struct flow *)priv)->fs);
}

/* The text of option i of the list widget. */
static const char *
flow_option(const struct flow *fl, int i)
{
	const json_t	*c;

	if (flow_is(fl, "yes_no"))
		return i == 0 ? _("Yes") : _("No");
	c = json_array_get(json_object_get(fl->q, "choices"), (size_t)i);
	return answer_choice(fl->q, json_string_value(json_object_get(c,
	    "value")), i18n_lang());
}

/* Is option i chosen? */
static int
flow_chosen(const struct flow *fl, int i)
{
	const json_t	*v = json_object_get(fl->fs.d.answers,
	    flow_qid(fl, fl->qi)), *c, *x;
	size_t		 j;

	if (v == NULL && fl->proposed)
		v = fl->deflt;
	if (v == NULL)
		return 0;
	if (flow_is(fl, "yes_no"))
		return i == 0 ? json_is_true(v) : json_is_false(v);
	c = json_object_get(json_array_get(json_object_get(fl->q, "choices"),
	    (size_t)i), "value");
	if (json_is_array(v)) {
		json_array_foreach(v, j, x) {
			if (json_equal(x, c))
				return 1;
		}
		return 0;
	}
	return json_equal(v, c);
}

static int
flow_draw_list(struct flow *fl, int y, int rows)
{
	char	 mark[8], num[16];
	int	 i, multi = flow_is(fl, "multi");

	list_fix(&fl->l, rows);
	for (i = fl->l.top; i < fl->l.n && i < fl->l.top + rows; i++) {
		attr_t a = i == fl->l.sel ? draw_attr(DRAW_SELECT) : A_NORMAL;
		snprintf(mark, sizeof mark, multi ? "[%s]" : "(%s)",
		    flow_chosen(fl, i) ? (multi ? "x" : "•") : " ");
		if (flow_is(fl, "yes_no"))
			snprintf(num, sizeof num, "%c", i == 0 ? 'y' : 'n');
		else if (i < 9)
			snprintf(num, sizeof num, "%d", i + 1);
		else
			num[0] = '\0';
		draw_fill(y, 2, COLS - 4, a);
		draw_printf(y, 3, COLS - 6, a, "%-2s %s %s", num, mark,
		    flow_option(fl, i));
		y++;
	}
	return fl->l.n < rows ? fl->l.n : rows;
}

static void
flow_draw_photo(struct flow *fl, int y)
{
	const json_t	*v = json_object_get(fl->fs.d.answers,
	    flow_qid(fl, fl->qi)), *a;
	char		*text, size[16];
	size_t		 i;

	if (!json_is_string(v)) {
		draw_str(y, 4, COLS - 8, _("No photo yet: press a to take one "
		    "from the import folder."), draw_attr(DRAW_DIM));
		return;
	}
	text = answer_text(fl->q, v, fl->fs.d.attachments, i18n_lang());
	draw_str(y, 4, COLS - 8, text, A_BOLD);
	free(text);
	json_array_foreach(fl->fs.d.attachments, i, a) {
		if (!json_equal(json_object_get(a, "sha256"), v))
			continue;
		draw_size(size, sizeof size,
		    json_integer_value(json_object_get(a, "bytes")));
		draw_printf(y + 1, 4, COLS - 8, A_NORMAL, "%s  %s  %s", size,
		    json_string_value(json_object_get(a, "mime")),
		    json_string_value(json_object_get(a, "sha256")));
		if (json_is_string(json_object_get(a, "caption")))
			draw_printf(y + 2, 4, COLS - 8, A_NORMAL, "%s %s",
			    _("Caption:"), json_string_value(
			    json_object_get(a, "caption")));
	}
}

static void
flow_draw(struct tui *t, void *priv)
{
	struct flow	*fl = priv;
	const char	*hint, *unit, *lang = i18n_lang();
	const json_t	*v;
	char		*text;
	size_t		 pos, total;
	int		 y = TUI_BODY_TOP + 1, last = LINES - 3, rows, field_y;

	flow_progress(fl, &pos, &total);
	draw_printf(TUI_BODY_TOP, 2, COLS - 4, draw_attr(DRAW_DIM),
	    "%zu/%zu", pos, total);
	if (json_object_size(fl->fs.d.answers) > 0 || fl->fs.d.follows)
		draw_printf(TUI_BODY_TOP, COLS - 30, 28, draw_attr(DRAW_DIM),
		    "%s%s", fl->fs.d.follows ? _("follow-up · ") : "",
		    _("saved as you go"));
	y++;
	y += draw_wrap(y, 2, COLS - 4, 4, answer_label(fl->q, lang),
	    draw_attr(DRAW_HEAD));
	if (json_is_true(json_object_get(fl->q, "required")))
		draw_str(y++, 2, COLS - 4, _("(required)"),
		    draw_attr(DRAW_DIM));
	v = json_object_get(fl->fs.d.answers, flow_qid(fl, fl->qi));
	if (flow_from_last(&fl->fs, flow_qid(fl, fl->qi)))
		draw_str(y++, 2, COLS - 4, _("(from the last visit)"),
		    draw_attr(DRAW_OK));
	else if (fl->deflt != NULL && (fl->proposed ||
	    json_equal(v, fl->deflt)))
		draw_str(y++, 2, COLS - 4, _("(from the site register)"),
		    draw_attr(DRAW_OK));
	hint = record_text(json_object_get(fl->q, "hint"), lang);
	if (hint != NULL)
		y += draw_wrap(y, 2, COLS - 4, 4, hint, draw_attr(DRAW_DIM));
	y++;
	rows = last - y - 2;
	switch (fl->w) {
	case W_LIST:
		y += flow_draw_list(fl, y, rows < 1 ? 1 : rows);
		break;
	case W_FIELD:
		unit = json_string_value(json_object_get(fl->q, "unit"));
		field_y = y;
		rows = flow_is(fl, "text") ? 3 : 1;
		if (flow_is(fl, "date"))
			draw_str(y++, 4, COLS - 8, _("YYYY-MM-DD (Ctrl-T: "
			    "today)"), draw_attr(DRAW_DIM));
		if (flow_is(fl, "location"))
			draw_str(y++, 4, COLS - 8, _("latitude, longitude "
			    "(Ctrl-L: the site's registered place)"),
			    draw_attr(DRAW_DIM));
		field_y = y;
		if (unit != NULL)
			draw_str(y, COLS - 4 - draw_width(unit), 16, unit,
			    A_BOLD);
		edit_draw(&fl->e, t, field_y, 4, COLS - 10 -
		    (unit ? draw_width(unit) : 0), rows);
		y += rows;
		break;
	case W_PHOTO:
		flow_draw_photo(fl, y);
		y += 3;
		break;
	case W_NONE:
		if (flow_is(fl, "calculate")) {
			v = json_object_get(fl->fs.ev.values,
			    flow_qid(fl, fl->qi));
			text = answer_text(fl->q, v, NULL, lang);
			draw_printf(y++, 4, COLS - 8, A_BOLD, "= %s",
			    *text ? text : _("(not computable yet)"));
			free(text);
			draw_str(y++, 4, COLS - 8, _("Calculated from the "
			    "answers; it cannot be changed here."),
			    draw_attr(DRAW_DIM));
		}
		break;
	}
	if (fl->problem != NULL && y + 1 <= last)
		draw_wrap(y + 1, 2, COLS - 4, last - y, fl->problem,
		    draw_attr(DRAW_ERROR));
}

/* Choose option i of the list. */
static void
flow_choose(struct tui *t, struct flow *fl, int i)
{
	const json_t	*c, *v;
	json_t		*arr, *x;
	size_t		 j;

	fl->l.sel = i;
	if (flow_is(fl, "yes_no")) {
		flow_set_answer(t, fl, json_boolean(i == 0));
		return;
	}
	c = json_object_get(json_array_get(json_object_get(fl->q, "choices"),
	    (size_t)i), "value");
	if (flow_is(fl, "choice")) {
		flow_set_answer(t, fl, json_incref((json_t *)c));
		return;
	}
	/* multi: toggle, kept in the form's order of choices. */
	v = json_object_get(fl->fs.d.answers, flow_qid(fl, fl->qi));
	arr = json_array();
	json_array_foreach(json_object_get(fl->q, "choices"), j, x) {
		const json_t *cv = json_object_get(x, "value");
		int on = 0;
		size_t k;
		const json_t *y;
		json_array_foreach(v, k, y) {
			if (json_equal(y, cv))
				on = 1;
		}
		if ((int)j == i)
			on = !on;
		if (on)
			json_array_append(arr, (json_t *)cv);
	}
	flow_set_answer(t, fl, json_array_size(arr) ? arr : NULL);
	if (json_array_size(arr) == 0)
		json_decref(arr);
}

/* Forward: with check (Enter) or without (Tab, PgDn). */
static int
flow_next(struct tui *t, struct flow *fl, int check)
{
	/* Moving on past a default from the register answers it. */
	if (fl->proposed && fl->w != W_FIELD && json_object_get(
	    fl->fs.d.answers, flow_qid(fl, fl->qi)) == NULL)
		flow_set_answer(t, fl, json_incref(fl->deflt));
	fl->proposed = 0;
	if (flow_take_field(t, fl) != 0 && check)
		return TUI_REDRAW;
	if (check) {
		free(fl->problem);
		fl->problem = flow_problem(&fl->fs, flow_qid(fl, fl->qi), 1);
		if (fl->problem != NULL)
			return TUI_REDRAW;
	} else if (fl->problem_typed) {
		/* What was typed is not an answer: it is not kept. */
		fl->problem_typed = 0;
	}
	flow_goto(t, fl, flow_step(fl, fl->qi, 1));
	return TUI_REDRAW;
}

static int
flow_prev(struct tui *t, struct flow *fl)
{
	long	i;

	if (flow_take_field(t, fl) != 0)
		return TUI_REDRAW;
	if ((i = flow_step(fl, fl->qi, -1)) < 0) {
		tui_msg(t, "%s", _("This is the first question."));
		return TUI_REDRAW;
	}
	flow_enter(t, fl, (size_t)i);
	return TUI_REDRAW;
}

/* A photo picked for the photo question: it replaces the answer's file,
 * which leaves the draft unless something else still attaches it. */
static void
flow_photo_picked(struct tui *t, void *arg, const char *path)
{
	struct flow		*fl = arg;
	struct attach_info	 a;
	char			 msg[sizeof t->msg];

	if (path == NULL)
		return;
	if (flow_take_file(t, path, &a) != 0)
		return;
	if (!attach_is_media(a.mime)) {
		tui_msg(t, _("%s is a %s, not a photo: attach it on the "
		    "attachments screen (a on another question)."), a.name,
		    words_media(a.mime));
		t->msg_error = 1;
		attach_forget(t->dd->db, t->dd->path, &a);
		free(a.name);
		return;
	}
	draft_attach(&fl->fs.d, a.sha256, a.name, a.bytes, a.mime, 0);
	draft_set_photo(&fl->fs.d, flow_qid(fl, fl->qi), a.sha256);
	free(a.name);
	/* The message names the file; saving must not lose it. */
	memcpy(msg, t->msg, sizeof msg);
	flow_changed(t, fl);
	if (!t->msg_error)
		memcpy(t->msg, msg, sizeof msg);
}

/* The site's registered place as the location answer. */
static void
flow_site_location(struct tui *t, struct flow *fl)
{
	char	buf[64];

	if (!fl->fs.site.has_location) {
		tui_msg(t, "%s", _("The site has no registered location."));
		return;
	}
	snprintf(buf, sizeof buf, "%.6f, %.6f", fl->fs.site.lat,
	    fl->fs.site.lon);
	edit_set(&fl->e, buf);
	fl->e_dirty = 1;
}

/* Keys every widget shares (F-keys and controls; letters only for
 * widgets without a field). */
static int
flow_key_common(struct tui *t, struct flow *fl, const struct tui_key *k,
    int letters)
{
	struct files_arg	fa;

	if (TUI_IS(k, '\r') || TUI_IS(k, '\n') || k->code == KEY_ENTER)
		return flow_next(t, fl, 1);
	/* n is "No" on a yes/no question, and nothing else anywhere: one
	 * meaning a key across the question types. */
	if (TUI_IS(k, '\t') || k->code == KEY_NPAGE ||
	    TUI_IS(k, TUI_CTRL('n')) || (letters && k->code == KEY_RIGHT))
		return flow_next(t, fl, 0);
	if (k->code == KEY_BTAB || k->code == KEY_PPAGE ||
	    TUI_IS(k, TUI_CTRL('p')) || (letters && (TUI_IS(k, 'p') ||
	    k->code == KEY_LEFT)))
		return flow_prev(t, fl);
	if (k->code == KEY_F(4) || (letters && TUI_IS(k, 'r'))) {
		if (flow_take_field(t, fl) == 0)
			tui_push(t, &screen_review, &fl->fs.d.id);
		return TUI_REDRAW;
	}
	if (k->code == KEY_F(6) || (letters && TUI_IS(k, 'a'))) {
		if (flow_take_field(t, fl) != 0)
			return TUI_REDRAW;
		if (fl->w == W_PHOTO) {
			fa.title = answer_label(fl->q, i18n_lang());
			fa.done = flow_photo_picked;
			fa.arg = fl;
			tui_push(t, &screen_files, &fa);
		} else
			tui_push(t, &screen_attach, &fl->fs.d.id);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, TUI_ESC) || k->code == KEY_F(10)) {
		if (flow_take_field(t, fl) != 0) {
			/* Leave anyway: the draft keeps the last answer. */
			fl->e_dirty = 0;
		}
		tui_msg(t, "%s", _("Draft saved: resume it from the home "
		    "screen."));
		tui_pop(t);
		return TUI_REDRAW;
	}
	return TUI_UNHANDLED;
}

static int
flow_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct flow	*fl = priv;
	int		 rc, rows = LINES - 12;

	switch (fl->w) {
	case W_LIST:
		if (TUI_IS(k, ' ')) {
			flow_choose(t, fl, fl->l.sel);
			return TUI_REDRAW;
		}
		if (TUI_IS(k, '\r') || TUI_IS(k, '\n') ||
		    k->code == KEY_ENTER) {
			/* Enter takes the highlighted option only once it
			 * was chosen or moved to: a quick Enter on a fresh
			 * question never answers it by itself. */
			if (!flow_is(fl, "multi") && (fl->moved ||
			    json_object_get(fl->fs.d.answers,
			    flow_qid(fl, fl->qi)) != NULL))
				flow_choose(t, fl, fl->l.sel);
			return flow_next(t, fl, 1);
		}
		if (k->code == KEY_PPAGE || k->code == KEY_NPAGE)
			return flow_key_common(t, fl, k, 1);
		if (flow_is(fl, "yes_no") && (TUI_IS(k, 'y') ||
		    TUI_IS(k, 'n'))) {
			flow_choose(t, fl, TUI_IS(k, 'y') ? 0 : 1);
			return flow_next(t, fl, 1);
		}
		if (k->code == 0 && k->ch >= '1' && k->ch <= '9' &&
		    (int)(k->ch - '1') < fl->l.n) {
			flow_choose(t, fl, (int)(k->ch - '1'));
			if (flow_is(fl, "multi"))
				return TUI_REDRAW;
			return flow_next(t, fl, 1);
		}
		if ((rc = list_key(&fl->l, k, rows, 0)) != TUI_UNHANDLED) {
			fl->moved = 1;
			return rc;
		}
		return flow_key_common(t, fl, k, 1);
	case W_FIELD:
		if (flow_is(fl, "date") && TUI_IS(k, TUI_CTRL('t'))) {
			char today[16];
			util_date_after(today, sizeof today, util_now(), 0);
			edit_set(&fl->e, today);
			fl->e_dirty = 1;
			return TUI_REDRAW;
		}
		if (flow_is(fl, "location") && TUI_IS(k, TUI_CTRL('l'))) {
			flow_site_location(t, fl);
			return TUI_REDRAW;
		}
		if ((rc = edit_key(&fl->e, k)) >= 0) {
			if (rc == 1) {
				fl->e_dirty = 1;
				if (fl->problem_typed) {
					free(fl->problem);
					fl->problem = NULL;
					fl->problem_typed = 0;
				}
			}
			return TUI_REDRAW;
		}
		if (k->code == KEY_UP)
			return flow_prev(t, fl);
		if (k->code == KEY_DOWN)
			return flow_next(t, fl, 0);
		return flow_key_common(t, fl, k, 0);
	case W_PHOTO:
		/* Enter is "next", as the bar says: choosing a file is a. */
		if ((TUI_IS(k, 'x') || k->code == KEY_DC) &&
		    json_object_get(fl->fs.d.answers,
		    flow_qid(fl, fl->qi)) != NULL) {
			draft_set_photo(&fl->fs.d, flow_qid(fl, fl->qi), NULL);
			flow_changed(t, fl);
			if (!t->msg_error)
				tui_msg(t, "%s", _("Photo removed from this "
				    "answer."));
			return TUI_REDRAW;
		}
		return flow_key_common(t, fl, k, 1);
	case W_NONE:
		if (k->code == KEY_DOWN)
			return flow_next(t, fl, 0);
		if (k->code == KEY_UP)
			return flow_prev(t, fl);
		return flow_key_common(t, fl, k, 1);
	}
	return TUI_UNHANDLED;
}

/* Typing paused: save what the field holds when it is an answer. */
static int
flow_tick(struct tui *t, void *priv)
{
	struct flow	*fl = priv;
	char		*s, *why;
	json_t		*v;

	if (fl->w != W_FIELD || !fl->e_dirty)
		return TUI_HANDLED;
	s = edit_text(&fl->e);
	v = *s == '\0' ? NULL : flow_parse(fl, s, &why);
	if (*s != '\0' && v == NULL) {
		/* Not an answer yet (half typed): said on Enter. */
		free(why);
		free(s);
		return TUI_HANDLED;
	}
	free(s);
	fl->e_dirty = 0;
	flow_set_answer(t, fl, v);
	return TUI_REDRAW;
}

static const struct tui_keyhelp flow_keys_list[] = {
	{ "Enter", N_("answer, next") },
	{ "↑↓", N_("choose") },
	{ "p", N_("previous") },
	{ "Tab", N_("skip") },
	{ "r", N_("review") },
	{ "a", N_("attachments") },
	{ "Esc", N_("pause") },
	{ NULL, NULL }
};

static const struct tui_keyhelp flow_keys_yes_no[] = {
	{ "y/n", N_("yes / no, next") },
	{ "Enter", N_("next") },
	{ "p", N_("previous") },
	{ "Tab", N_("skip") },
	{ "r", N_("review") },
	{ "a", N_("attachments") },
	{ "Esc", N_("pause") },
	{ NULL, NULL }
};

static const struct tui_keyhelp flow_keys_multi[] = {
	{ "Space", N_("tick") },
	{ "Enter", N_("next") },
	{ "p", N_("previous") },
	{ "Tab", N_("skip") },
	{ "r", N_("review") },
	{ "a", N_("attachments") },
	{ "Esc", N_("pause") },
	{ NULL, NULL }
};

static const struct tui_keyhelp flow_keys_field[] = {
	{ "Enter", N_("next") },
	{ "PgUp", N_("previous") },
	{ "F4", N_("review") },
	{ "F6", N_("attachments") },
	{ "Esc", N_("pause") },
	{ "F2", N_("中文/English") },
	/* The rest in the help only, past what the bar holds. */
	{ "↑ ↓", N_("previous / next question") },
	{ "Ctrl-T", N_("today (a date)") },
	{ "Ctrl-L", N_("the site's registered place (a location)") },
	{ "Tab", N_("skip") },
	{ NULL, NULL }
};

static const struct tui_keyhelp flow_keys_photo[] = {
	{ "a", N_("take a photo") },
	{ "x", N_("remove") },
	{ "Enter", N_("next") },
	{ "p", N_("previous") },
	{ "r", N_("review") },
	{ "Esc", N_("pause") },
	{ NULL, NULL }
};

static const struct tui_keyhelp flow_keys_none[] = {
	{ "Enter", N_("next") },
	{ "p", N_("previous") },
	{ "r", N_("review") },
	{ "a", N_("attachments") },
	{ "Esc", N_("pause") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
flow_keys(struct tui *t, void *priv)
{
	struct flow	*fl = priv;

	(void)t;
	switch (fl->w) {
	case W_LIST:
		if (flow_is(fl, "yes_no"))
			return flow_keys_yes_no;
		return flow_is(fl, "multi") ? flow_keys_multi : flow_keys_list;
	case W_FIELD:
		return flow_keys_field;
	case W_PHOTO:
		return flow_keys_photo;
	case W_NONE:
		break;
	}
	return flow_keys_none;
}

const struct tui_screen screen_flow = {
	.name = "flow",
	.priv_size = sizeof(struct flow),
	.open = flow_open,
	.close = flow_close,
	.title = flow_screen_title,
	.draw = flow_draw,
	.key = flow_key,
	.keys = flow_keys,
	.resume = flow_resume,
	.tick = flow_tick,
};

int
flow_start(struct tui *t, const char *site, const char *form,
    const char *follows)
{
	return flow_start_at(t, site, form, follows, 0);
}

int
flow_start_at(struct tui *t, const char *site, const char *form,
    const char *follows, int skip_notes)
{
	const struct form	*f;
	struct flow_arg		 a;
	struct draft		 d;
	int64_t			 id;
	int			 rc;

	if ((rc = draft_create(t->dd->db, site, form, follows, &id)) != 0) {
		tui_error(t, "%s", _("Cannot start the inspection"));
		return rc;
	}
	if (follows != NULL && (f = tui_form(t, form)) != NULL &&
	    draft_load(t->dd->db, id, &d) == 0) {
		/* A follow-up starts from the last visit: only what changed
		 * is to be answered again. */
		flow_prefill_last(t, f, follows, d.answers);
		if (json_object_size(d.answers) > 0)
			draft_save(t->dd->db, &d);
		draft_clear(&d);
	}
	a.draft = id;
	a.question = NULL;
	a.skip_notes = skip_notes;
	if ((rc = tui_push(t, &screen_flow, &a)) != 0) {
		tui_error(t, "%s", _("Cannot start the inspection"));
		draft_delete(t->dd->db, id);
	}
	return rc;
}
