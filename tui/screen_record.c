/*
 * One record as a person reads it: who, where, which form and when; whether
 * its signature and chain hold; the answers with the form's labels; the
 * findings and their state now; attachments, notes and the site
 * representative's acknowledgment.  Or, with r, its exact bytes.
 *
 * The view is a list of items (a label and a text, each wrapped in its own
 * column) turned into screen rows for the terminal's width and language;
 * the rows point into the items and are painted a screenful at a time, so
 * scrolling a long record costs one screen.  Everything from the record
 * reaches the terminal through draw_str() only.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/attach.h"
#include "core/error.h"
#include "core/history.h"
#include "core/key.h"
#include "core/record.h"
#include "core/review.h"
#include "core/roster.h"
#include "core/site.h"
#include "core/util.h"
#include "core/answer.h"
#include "tui/draw.h"
#include "tui/screens.h"
#include "tui/viewer.h"
#include "tui/words.h"

#define REC_LABEL	13	/* the label column: a record id fits beside it */

/* A paragraph of the view: a label column and a text beside it. */
struct rec_item {
	char		*label;		/* or NULL */
	char		*text;		/* or NULL (a blank line) */
	enum draw_part	 lpart;
	enum draw_part	 vpart;
	int		 x;		/* where the label (or text) starts */
	int		 lw;		/* label column, 0: no label column */
	int		 bytes;		/* wrap anywhere, keep every space */
};

/* A row on screen: a piece of an item's label and of its text. */
struct rec_row {
	int		 item;
	const char	*l;
	int		 ll;
	const char	*v;
	int		 vl;
};

struct rec {
	struct record		 r;
	struct form		*own;		/* the cited form, from the store */
	const struct form	*f;		/* own, or the TUI's, or NULL */
	char			*site_name;
	char			 title[96];
	json_t			*fs;		/* the findings' state: [{rule,
						   severity, deadline, state,
						   closed_by, task}] */
	int			 open;		/* findings not closed */
	struct history_check	*check;		/* verification running */
	int			 verify;	/* 0 not yet, 1 done, -1 failed */
	char			*verify_err;
	json_t			*ps;		/* problems: [{kind, why}] */
	int			 raw;		/* show the bytes */
	int			 top;		/* first row shown */
	struct rec_item		*items;
	size_t			 nitems;
	struct rec_row		*rows;
	size_t			 nrows;
	int			 built_cols;	/* what the rows were made for */
	char			 built_lang[4];
	int			 stale;		/* make the items again */
	struct review		 rv;		/* the office's review */
	int			 have_rv;
	json_t			*steps;		/* its exchange: [{at, state,
						   text}] */
	int			 mine;		/* made on this device */
	const char		*datadir;	/* the store's (borrowed) */
	json_t			*atts;		/* what o opens: the record's
						   attachments, then those of
						   its answers to the office */
	json_t			*cites;		/* for each of atts: the other
						   records of the site citing
						   it [{id, type, created}] */
};

/* Add an item; label and text are copied. */
static struct rec_item *
rec_add(struct rec *v, int x, int lw, enum draw_part lpart, const char *label,
    enum draw_part vpart, const char *text)
{
	struct rec_item	*it;

	v->items = xrealloc(v->items, (v->nitems + 1) * sizeof *v->items);
	it = &v->items[v->nitems++];
	it->label = label != NULL ? xstrdup(label) : NULL;
	it->text = text != NULL ? xstrdup(text) : NULL;
	it->lpart = lpart;
	it->vpart = vpart;
	it->x = x;
	it->lw = label != NULL ? lw : 0;
	it->bytes = 0;
	return it;
}

/* A header field: label, then the text. */
static void
rec_field(struct rec *v, const char *label, const char *text)
{
	rec_add(v, 2, REC_LABEL, DRAW_DIM, label, DRAW_NORMAL, text);
}

/* A text of its own, printf-style. */
static void
rec_textf(struct rec *v, int x, enum draw_part part, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
rec_textf(struct rec *v, int x, enum draw_part part, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	rec_add(v, x, 0, DRAW_NORMAL, NULL, part, s);
	free(s);
}

/* A section heading with a blank line before it. */
static void
rec_head(struct rec *v, const char *text)
{
	rec_add(v, 0, 0, DRAW_NORMAL, NULL, DRAW_NORMAL, NULL);
	rec_add(v, 1, 0, DRAW_NORMAL, NULL, DRAW_HEAD, text);
}

/* Forget the items and their rows. */
static void
rec_clear_items(struct rec *v)
{
	size_t	i;

	for (i = 0; i < v->nitems; i++) {
		free(v->items[i].label);
		free(v->items[i].text);
	}
	free(v->items);
	free(v->rows);
	v->items = NULL;
	v->rows = NULL;
	v->nitems = v->nrows = 0;
}

/* A string member of a JSON object, or NULL. */
static const char *
rec_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A record's type in words. */
static const char *
rec_type(const char *type)
{
	if (strcmp(type, "inspection") == 0)
		return _("inspection");
	if (strcmp(type, "site") == 0)
		return _("site registration");
	if (strcmp(type, "amendment") == 0)
		return _("amendment");
	return type;
}

/* Who made it, where, with what form, when. */
static void
rec_build_header(struct rec *v)
{
	const struct record	*r = &v->r;
	const json_t		*insp = json_object_get(r->doc, "inspector");
	const char		*lang = i18n_lang(), *s;
	char			*x, when[32];

	rec_field(v, _("Record"), r->id);
	rec_field(v, _("Type"), rec_type(r->type));
	x = xasprintf("%s (%s)", rec_str(insp, "name") ? rec_str(insp,
	    "name") : "?", rec_str(insp, "badge") ? rec_str(insp, "badge") :
	    "?");
	rec_field(v, _("Inspector"), x);
	free(x);
	if (r->site != NULL) {
		x = v->site_name != NULL ? xasprintf("%s (%s)", v->site_name,
		    r->site) : xstrdup(r->site);
		rec_field(v, _("Site"), x);
		free(x);
	}
	if (r->form != NULL) {
		if (v->f != NULL)
			x = xasprintf("%s v%" PRId64 " (%s)", form_title(v->f,
			    lang), r->form_version, r->form);
		else
			x = xasprintf("%s v%" PRId64, r->form, r->form_version);
		rec_field(v, _("Form"), x);
		free(x);
	}
	history_time(when, sizeof when, r->created);
	rec_field(v, _("Created"), when);
	if ((s = rec_str(r->doc, "started")) != NULL) {
		history_time(when, sizeof when, s);
		rec_field(v, _("Started"), when);
	}
	if ((s = rec_str(r->doc, "finished")) != NULL) {
		history_time(when, sizeof when, s);
		rec_field(v, _("Finished"), when);
	}
	x = xasprintf(_("%s, record %lld of its chain"), r->device,
	    (long long)r->seq);
	rec_field(v, _("Device key"), x);
	free(x);
	if ((s = rec_str(r->doc, "follows")) != NULL)
		rec_field(v, _("Follows up"), s);
	if ((s = rec_str(r->doc, "amends")) != NULL)
		rec_field(v, _("Amends"), s);
	if (r->status != NULL)
		rec_field(v, _("Stored as"), words_status(r->status, NULL));
}

/* A verification problem's kind in words. */
static const char *
rec_kind(const char *kind)
{
	static const struct {
		const char	*kind;
		const char	*text;
	} kinds[] = {
		{ "bad-signature", N_("Bad signature") },
		{ "id-mismatch", N_("Bytes changed") },
		{ "bad-record", N_("Damaged record") },
		{ "unknown-key", N_("Unknown key") },
		{ "fork", N_("Two records at one place of the chain") },
		{ "chain-gap", N_("Records missing from the chain") },
		{ "chain-break", N_("Chain broken") },
		{ "clock-backwards", N_("Clock went backwards") },
		{ "clock-ahead", N_("Made in the future") },
	};
	size_t	i;

	if (kind == NULL)
		return "?";
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(kinds[i].kind, kind) == 0)
			return _(kinds[i].text);
	}
	return kind;
}

/* Whether the signature and chain hold, or what is wrong. */
static void
rec_build_verify(struct rec *v)
{
	const json_t	*p;
	size_t		 i;

	rec_head(v, _("Verification"));
	if (v->verify == 0)
		rec_textf(v, 3, DRAW_DIM, "%s", _("Checking the signature and "
		    "the chain…"));
	else if (v->verify < 0)
		rec_textf(v, 3, DRAW_ERROR, "%s: %s", _("Could not check"),
		    v->verify_err != NULL ? v->verify_err : "?");
	else if (json_array_size(v->ps) == 0)
		rec_textf(v, 3, DRAW_OK, "%s", _("Signature and chain "
		    "verified"));
	json_array_foreach(v->ps, i, p)
		rec_add(v, 3, 22, DRAW_ERROR, rec_kind(rec_str(p, "kind")),
		    DRAW_ERROR, rec_str(p, "why"));
}

/* Each answer beside its question's label, as the form words them. */
static void
rec_build_answers(struct rec *v, int cols)
{
	const json_t	*answers = json_object_get(v->r.doc, "answers");
	const json_t	*atts = json_object_get(v->r.doc, "attachments");
	const json_t	*q, *val, *a;
	const char	*lang = i18n_lang(), *qid, *sha;
	json_t		*photo = NULL;
	char		*text, *head;
	size_t		 i;
	int		 lw = (cols - 4) * 2 / 5;

	if (!json_is_object(answers))
		return;
	head = xasprintf(_("Answers (%zu)"), json_object_size(answers));
	rec_head(v, head);
	free(head);
	if (v->f == NULL && v->r.form != NULL)
		rec_textf(v, 3, DRAW_DIM, "%s", _("The form of this record is "
		    "not on this laptop: question ids shown."));
	json_object_foreach((json_t *)answers, qid, val) {
		q = v->f != NULL ? form_question(v->f, qid) : NULL;
		/* Without the form, a photo is known by its attachment. */
		if (q == NULL && json_is_string(val)) {
			json_array_foreach(atts, i, a) {
				sha = rec_str(a, "sha256");
				if (sha != NULL && strcmp(sha,
				    json_string_value(val)) == 0) {
					if (photo == NULL)
						photo = json_pack("{s:s}",
						    "type", "photo");
					q = photo;
				}
			}
		}
		text = answer_text(q, val, atts, lang);
		rec_add(v, 3, lw, DRAW_DIM, q != NULL && q != photo ?
		    answer_label(q, lang) : qid, DRAW_NORMAL, text);
		free(text);
	}
	json_decref(photo);
}

/* The record's own text of a finding (text or action) in lang. */
static const char *
rec_finding_text(const struct rec *v, const char *rule, const char *what)
{
	const json_t	*f;
	const char	*s;
	size_t		 i;

	json_array_foreach(json_object_get(v->r.doc, "findings"), i, f) {
		s = rec_str(f, "rule");
		if (s != NULL && strcmp(s, rule) == 0)
			return record_text(json_object_get(f, what),
			    i18n_lang());
	}
	return NULL;
}

/* The findings with their action, deadline and state now. */
static void
rec_build_findings(struct rec *v)
{
	const json_t	*f;
	enum draw_part	 part;
	const char	*sev, *s, *rule, *deadline;
	char		*x, *state;
	size_t		 i, n = json_array_size(v->fs);

	if (n == 0 && strcmp(v->r.type, "inspection") != 0)
		return;
	x = n == 0 ? xstrdup(_("Findings")) :
	    xasprintf(_("Findings (%zu, %d open)"), n, v->open);
	rec_head(v, x);
	free(x);
	if (n == 0)
		rec_textf(v, 3, DRAW_OK, "%s", _("No findings."));
	json_array_foreach(v->fs, i, f) {
		rule = rec_str(f, "rule");
		sev = words_severity(rec_str(f, "severity"), &part);
		s = rec_finding_text(v, rule, "text");
		x = xasprintf(_("%s: %s"), sev, s != NULL && *s != '\0' ? s :
		    rule);
		rec_add(v, 3, 0, DRAW_NORMAL, NULL, part, x);
		free(x);
		if ((s = rec_finding_text(v, rule, "action")) != NULL &&
		    *s != '\0')
			rec_add(v, 5, 12, DRAW_DIM, _("Action"), DRAW_NORMAL, s);
		s = rec_str(f, "state");
		if (strcmp(s, "closed") == 0) {
			state = xasprintf(_("closed by %.8s"),
			    rec_str(f, "closed_by"));
			part = DRAW_OK;
		} else if (strcmp(s, "overdue") == 0) {
			state = xstrdup(_("open, past its deadline"));
			part = DRAW_ERROR;
		} else {
			state = xstrdup(_("not closed yet"));
			part = DRAW_WARN;
		}
		deadline = rec_str(f, "deadline");
		x = xasprintf(_("%s (task %lld, rule %s)"), deadline != NULL ?
		    deadline : "-", (long long)json_integer_value(
		    json_object_get(f, "task")), rule);
		rec_add(v, 5, 12, DRAW_DIM, _("Deadline"), DRAW_NORMAL, x);
		rec_add(v, 5, 12, DRAW_DIM, _("State"), part, state);
		free(x);
		free(state);
	}
}

/* Attachment n (as o counts them): name, type, size, hash, where. */
static void
rec_build_attachment(struct rec *v, size_t n, const json_t *a)
{
	const char	*sha = rec_str(a, "sha256"), *s;
	const json_t	*c;
	char		 size[16], when[32], *path;
	size_t		 i;

	draw_size(size, sizeof size, (long long)json_integer_value(
	    json_object_get(a, "bytes")));
	rec_textf(v, 3, DRAW_NORMAL, "%zu  %s", n, rec_str(a, "name") !=
	    NULL ? rec_str(a, "name") : "?");
	rec_textf(v, 6, DRAW_DIM, "%s · %s", words_media(rec_str(a, "mime")),
	    size);
	rec_textf(v, 6, DRAW_DIM, "SHA-256 %s", sha != NULL ? sha : "?");
	path = sha != NULL && util_is_hex(sha, 64) && strlen(sha) == 64 ?
	    attach_path(v->datadir, sha) : NULL;
	if (path != NULL && util_exists(path))
		rec_add(v, 6, 0, DRAW_NORMAL, NULL, DRAW_DIM, path);
	else
		rec_textf(v, 6, DRAW_WARN, "%s", _("not on this laptop (it "
		    "stays with the device that took it, or the office)"));
	free(path);
	if ((s = rec_str(a, "caption")) != NULL && *s != '\0')
		rec_add(v, 6, 0, DRAW_NORMAL, NULL, DRAW_NORMAL, s);
	json_array_foreach(json_array_get(v->cites, n - 1), i, c) {
		history_time(when, sizeof when, rec_str(c, "created"));
		rec_textf(v, 6, DRAW_DIM, _("also in record %.12s (%s, %s)"),
		    rec_str(c, "id"), rec_type(rec_str(c, "type")), when);
	}
}

/* Attachments, notes, location, the representative's acknowledgment. */
static void
rec_build_rest(struct rec *v)
{
	const json_t	*list, *a, *ack, *w, *loc;
	const char	*s;
	char		*x;
	size_t		 i;

	list = json_object_get(v->r.doc, "attachments");
	if (json_array_size(list) > 0) {
		x = xasprintf(_("Attachments (%zu; o opens one)"),
		    json_array_size(list));
		rec_head(v, x);
		free(x);
	}
	json_array_foreach(list, i, a)
		rec_build_attachment(v, i + 1, a);
	if ((s = rec_str(v->r.doc, "reply")) != NULL) {
		rec_head(v, _("Answer to the office"));
		rec_add(v, 3, 0, DRAW_NORMAL, NULL, DRAW_NORMAL, s);
	}
	if ((s = rec_str(v->r.doc, "notes")) != NULL && *s != '\0') {
		rec_head(v, _("Notes"));
		rec_add(v, 3, 0, DRAW_NORMAL, NULL, DRAW_NORMAL, s);
	}
	if ((loc = json_object_get(v->r.doc, "location")) != NULL &&
	    json_is_number(json_object_get(loc, "lat"))) {
		rec_head(v, _("Location"));
		rec_textf(v, 3, DRAW_NORMAL, "%.6f, %.6f",
		    json_number_value(json_object_get(loc, "lat")),
		    json_number_value(json_object_get(loc, "lon")));
	}
	if (strcmp(v->r.type, "inspection") != 0)
		return;
	rec_head(v, _("Acknowledgment"));
	ack = json_object_get(v->r.doc, "acknowledged");
	if (!json_is_object(ack)) {
		rec_textf(v, 3, DRAW_DIM, "%s", _("Not acknowledged."));
		return;
	}
	rec_add(v, 3, REC_LABEL - 1, DRAW_DIM, _("Name"), DRAW_NORMAL,
	    rec_str(ack, "name") != NULL ? rec_str(ack, "name") : "-");
	rec_add(v, 3, REC_LABEL - 1, DRAW_DIM, _("Role"), DRAW_NORMAL,
	    rec_str(ack, "role") != NULL ? rec_str(ack, "role") : "-");
	if (json_is_true(json_object_get(ack, "refused"))) {
		rec_textf(v, 3, DRAW_WARN, "%s", _("Refused to sign (拒签)."));
		/* The witness: a name, or {name, role}. */
		w = json_object_get(ack, "witness");
		s = json_is_string(w) ? json_string_value(w) : rec_str(w, "name");
		rec_add(v, 3, REC_LABEL - 1, DRAW_DIM, _("Witness"),
		    DRAW_NORMAL, s != NULL ? s : _("none named"));
		if ((s = rec_str(w, "role")) != NULL)
			rec_add(v, 3, REC_LABEL - 1, DRAW_DIM, "", DRAW_NORMAL, s);
	} else
		rec_textf(v, 3, DRAW_OK, "%s", _("Signed for the site."));
}

/* The office's review and the exchange with the inspector. */
static void
rec_build_review(struct rec *v)
{
	const json_t	*step, *a;
	enum draw_part	 part;
	const char	*state, *text;
	char		 when[32];
	size_t		 i, j, n = json_array_size(json_object_get(v->r.doc,
			    "attachments"));

	if (strcmp(v->r.type, "amendment") == 0 || !v->have_rv)
		return;
	rec_head(v, _("Office review"));
	state = words_review(v->rv.state, &part);
	if (v->rv.amendment[0] != '\0')
		rec_textf(v, 3, part, _("%s: answered by the inspector, waiting "
		    "for the office"), state);
	else if (strcmp(v->rv.state, REVIEW_RETURNED) == 0 && v->mine)
		rec_textf(v, 3, part, _("%s: the office asks a question (a "
		    "answers it)"), state);
	else
		rec_textf(v, 3, part, "%s", state);
	json_array_foreach(v->steps, i, step) {
		history_time(when, sizeof when, rec_str(step, "at"));
		state = words_review(rec_str(step, "state"), &part);
		rec_textf(v, 3, DRAW_DIM, "%s  %s", when, state);
		if ((text = rec_str(step, "text")) != NULL && *text != '\0')
			rec_add(v, 5, 0, DRAW_NORMAL, NULL, part ==
			    DRAW_ERROR || part == DRAW_WARN ? part :
			    DRAW_NORMAL, text);
		json_array_foreach(json_object_get(step, "attachments"), j, a)
			rec_build_attachment(v, ++n, a);
	}
}

/* Make the items of the view for the current language. */
static void
rec_build(struct rec *v, int cols)
{
	char	*x;

	rec_clear_items(v);
	if (v->raw) {
		x = xasprintf(_("The exact signed bytes (%zu bytes):"),
		    v->r.len);
		rec_add(v, 1, 0, DRAW_NORMAL, NULL, DRAW_HEAD, x);
		free(x);
		rec_add(v, 1, 0, DRAW_NORMAL, NULL, DRAW_NORMAL,
		    v->r.body)->bytes = 1;
		return;
	}
	rec_build_header(v);
	rec_build_review(v);
	rec_build_verify(v);
	rec_build_answers(v, cols);
	rec_build_findings(v);
	rec_build_rest(v);
}

/* The columns of the next character of *p (as draw_str shows it). */
static int
rec_char(const char **p)
{
	mbstate_t	ps;
	wchar_t		wc;
	size_t		n;
	int		w;

	memset(&ps, 0, sizeof ps);
	n = mbrtowc(&wc, *p, strnlen(*p, MB_CUR_MAX), &ps);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		(*p)++;
		return 1;
	}
	*p += n;
	if (wc < 0x20 || wc == 0x7f || (wc >= 0x80 && wc < 0xa0) ||
	    (w = wcwidth(wc)) < 0)
		return 1;
	return w;
}

/*
 * Where the row of s that fits in cols ends (*end) and the next one
 * starts (returned): at a space when a word would be cut (unless bytes),
 * anywhere in Chinese, at '\n'.
 */
static const char *
rec_break(const char *s, int cols, int bytes, const char **end)
{
	const char	*p = s, *q, *space = NULL;
	int		 w, used = 0;

	while (*p != '\0' && *p != '\n') {
		q = p;
		w = rec_char(&q);
		if (used + w > cols && used > 0) {
			if (bytes) {
				*end = p;
				return p;
			}
			if (space != NULL && *p != ' ') {
				*end = space;
				p = space;
			} else
				*end = p;
			while (*p == ' ')
				p++;
			return p;
		}
		if (*p == ' ')
			space = p;
		used += w;
		p = q;
	}
	*end = p;
	return *p == '\n' ? p + 1 : p;
}

/* Append the rows of one item. */
static void
rec_rows_of(struct rec *v, size_t item, int cols, size_t *size)
{
	const struct rec_item	*it = &v->items[item];
	const char		*l = it->label, *t = it->text, *end;
	struct rec_row		*row;
	int			 lcols, tcols;

	lcols = it->lw > 1 ? it->lw - 1 : 1;
	tcols = cols - it->x - it->lw - 1;
	if (tcols < 8)
		tcols = 8;
	do {
		if (v->nrows == *size) {
			*size = *size ? *size * 2 : 64;
			v->rows = xrealloc(v->rows, *size * sizeof *v->rows);
		}
		row = &v->rows[v->nrows++];
		memset(row, 0, sizeof *row);
		row->item = (int)item;
		if (l != NULL && *l != '\0') {
			row->l = l;
			l = rec_break(l, lcols, 0, &end);
			row->ll = (int)(end - row->l);
		}
		if (t != NULL && *t != '\0') {
			row->v = t;
			t = rec_break(t, tcols, it->bytes, &end);
			row->vl = (int)(end - row->v);
		}
	} while ((l != NULL && *l != '\0') || (t != NULL && *t != '\0'));
}

/* Make the rows for this width and language when they are out of date. */
static void
rec_layout(struct rec *v)
{
	size_t	i, size = 0;

	if (!v->stale && v->built_cols == COLS &&
	    strcmp(v->built_lang, i18n_lang()) == 0)
		return;
	rec_build(v, COLS);
	for (i = 0; i < v->nitems; i++)
		rec_rows_of(v, i, COLS, &size);
	v->built_cols = COLS;
	snprintf(v->built_lang, sizeof v->built_lang, "%s", i18n_lang());
	v->stale = 0;
}

/* A string kept whatever its bytes (draw_str() shows bad ones as '?'). */
static json_t *
rec_json(const char *s)
{
	return s != NULL ? json_string_nocheck(s) : json_null();
}

/* Take a finding's state. */
static int
rec_take_finding(const struct finding *f, void *arg)
{
	struct rec	*v = arg;

	json_array_append_new(v->fs, json_pack("{s:o, s:o, s:o, s:o, s:o, "
	    "s:I}", "rule", rec_json(f->rule), "severity",
	    rec_json(f->severity), "deadline", rec_json(f->deadline), "state",
	    rec_json(f->state), "closed_by", rec_json(f->closed_by), "task",
	    (json_int_t)f->task));
	if (f->closed_by == NULL)
		v->open++;
	return 0;
}

static int
rec_take_step(const struct review_step *st, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s?, s:s?}", "at",
	    st->at, "state", st->state, "text", st->text, "amendment",
	    st->amendment));
	return 0;
}

/* A record citing an attachment, unless it is the one shown. */
static int
rec_take_cite(const struct attach_cite *c, void *arg)
{
	json_t	*list = arg;

	if (json_array_size(list) >= 6)
		return 1;
	json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "id", c->id,
	    "type", c->type, "created", c->created));
	return 0;
}

/* Which other records of the site cite each attachment (by the site's
 * index: a few records, not the store). */
static void
rec_load_cites(struct tui *t, struct rec *v)
{
	const json_t	*a;
	json_t		*list, *c;
	const char	*sha;
	size_t		 i, j;

	json_decref(v->cites);
	v->cites = json_array();
	json_array_foreach(v->atts, i, a) {
		list = json_array();
		sha = rec_str(a, "sha256");
		if (sha != NULL && v->r.site != NULL &&
		    attach_cited(t->dd->db, sha, v->r.site, rec_take_cite,
		    list) != 0)
			error_clear();
		/* Not the record shown. */
		for (j = json_array_size(list); j-- > 0;) {
			c = json_array_get(list, j);
			if (strcmp(rec_str(c, "id"), v->r.id) == 0)
				json_array_remove(list, j);
		}
		json_array_append_new(v->cites, list);
	}
}

/*
 * What o opens, numbered as the view lists them: the record's own
 * attachments, then the photos of each answer to the office (an
 * amendment's attachments, kept in its step).
 */
static void
rec_load_attachments(struct tui *t, struct rec *v)
{
	struct record	 am;
	json_t		*step, *a;
	const char	*id;
	size_t		 i, j;

	json_decref(v->atts);
	v->atts = json_array();
	json_array_foreach(json_object_get(v->r.doc, "attachments"), i, a)
		json_array_append(v->atts, a);
	json_array_foreach(v->steps, i, step) {
		if ((id = rec_str(step, "amendment")) == NULL)
			continue;
		if (record_load(t->dd->db, id, &am) != 0) {
			error_clear();
			continue;
		}
		json_array_foreach(json_object_get(am.doc, "attachments"), j,
		    a) {
			json_array_append(v->atts, a);
			if (!json_is_array(json_object_get(step, "attachments")))
				json_object_set_new(step, "attachments",
				    json_array());
			json_array_append(json_object_get(step, "attachments"),
			    a);
		}
		record_clear(&am);
	}
	rec_load_cites(t, v);
}

/* Read where the record stands with the office. */
static void
rec_load_review(struct tui *t, struct rec *v)
{
	review_clear(&v->rv);
	json_decref(v->steps);
	v->steps = json_array();
	v->have_rv = review_get(t->dd->db, v->r.id, &v->rv) == 0;
	if (!v->have_rv)
		error_clear();
	else if (review_history(t->dd->db, v->r.id, rec_take_step,
	    v->steps) != 0)
		tui_error(t, "%s", _("Cannot read the review"));
	rec_load_attachments(t, v);
	v->stale = 1;
}

/* Read the findings' state from the store. */
static void
rec_load_findings(struct tui *t, struct rec *v)
{
	json_decref(v->fs);
	v->fs = json_array();
	v->open = 0;
	if (history_findings(t->dd->db, v->r.id, rec_take_finding, v) != 0)
		tui_error(t, "%s", _("Cannot read the findings"));
	v->stale = 1;
}

static int
rec_open(struct tui *t, void *priv, void *arg)
{
	struct rec		*v = priv;
	struct key_public	 pk;
	struct site		 s;
	char			 dev[KEY_ID_HEX];
	int			 rc;

	if ((rc = record_load(t->dd->db, arg, &v->r)) != 0) {
		tui_error(t, "%s", _("Cannot open the record"));
		return rc;
	}
	v->datadir = t->dd->path;
	if (v->r.site != NULL && site_get(t->dd->db, v->r.site, &s) == 0) {
		v->site_name = xstrdup(s.name);
		site_clear(&s);
	}
	if (v->r.form != NULL) {
		if (history_form(t->dd->db, &v->r, &v->own) == 0)
			v->f = v->own;
		else
			v->f = tui_form(t, v->r.form);
	}
	error_clear();
	if (datadir_device_public(t->dd, &pk) == 0) {
		key_id_hex(dev, pk.id);
		v->mine = strcmp(dev, v->r.device) == 0;
	} else
		error_clear();
	rec_load_findings(t, v);
	rec_load_review(t, v);
	if (history_check_start(t->dd->db, v->r.id, &v->check) != 0) {
		v->verify = -1;
		v->verify_err = xstrdup(error_msg());
	}
	return 0;
}

static void
rec_close(struct tui *t, void *priv)
{
	struct rec	*v = priv;

	(void)t;
	history_check_free(v->check);
	rec_clear_items(v);
	json_decref(v->fs);
	json_decref(v->ps);
	json_decref(v->steps);
	json_decref(v->atts);
	json_decref(v->cites);
	review_clear(&v->rv);
	free(v->verify_err);
	free(v->site_name);
	form_free(v->own);
	record_clear(&v->r);
}

/* Back from a follow-up: the findings may be closed now. */
static void
rec_resume(struct tui *t, void *priv)
{
	rec_load_findings(t, priv);
	rec_load_review(t, priv);
}

/* In the spare time: has the verification (on its thread) finished? */
static int
rec_tick(struct tui *t, void *priv)
{
	struct rec	*v = priv;
	const json_t	*problems;
	const char	*err;
	int		 rc;

	(void)t;
	if (v->check == NULL ||
	    !history_check_done(v->check, &rc, &err, &problems))
		return TUI_HANDLED;
	if (rc != 0) {
		v->verify = -1;
		v->verify_err = xstrdup(err);
	} else {
		v->verify = 1;
		v->ps = json_deep_copy(problems);
	}
	history_check_free(v->check);
	v->check = NULL;
	v->stale = 1;
	return TUI_REDRAW;
}

static const char *
rec_title(struct tui *t, void *priv)
{
	struct rec	*v = priv;

	(void)t;
	snprintf(v->title, sizeof v->title, "%s %.8s", _("Record"), v->r.id);
	return v->title;
}

/* Keep the first row shown within the rows. */
static void
rec_clamp(struct rec *v)
{
	int	max = (int)v->nrows - tui_body_rows();

	if (v->top > max)
		v->top = max;
	if (v->top < 0)
		v->top = 0;
}

static void
rec_draw(struct tui *t, void *priv)
{
	struct rec		*v = priv;
	const struct rec_row	*row;
	const struct rec_item	*it;
	int			 y, body = tui_body_rows(), x, w;
	char			*s;

	(void)t;
	rec_layout(v);
	rec_clamp(v);
	for (y = 0; y < body && v->top + y < (int)v->nrows; y++) {
		row = &v->rows[v->top + y];
		it = &v->items[row->item];
		x = it->x;
		if (row->l != NULL) {
			s = xstrndup(row->l, (size_t)row->ll);
			draw_str(TUI_BODY_TOP + y, x, it->lw - 1, s,
			    draw_attr(it->lpart));
			free(s);
		}
		x += it->lw;
		if (row->v != NULL) {
			s = xstrndup(row->v, (size_t)row->vl);
			w = COLS - x - 1;
			draw_str(TUI_BODY_TOP + y, x, w, s,
			    draw_attr(it->vpart));
			free(s);
		}
	}
	/* Arrows at the right edge when there is more. */
	if (v->top > 0)
		draw_str(TUI_BODY_TOP, COLS - 1, 1, "↑", draw_attr(DRAW_DIM));
	if (v->top + body < (int)v->nrows)
		draw_str(TUI_BODY_TOP + body - 1, COLS - 1, 1, "↓",
		    draw_attr(DRAW_DIM));
}

static void
rec_reviewed(struct tui *t, void *arg, int made)
{
	if (made > 0)
		rec_load_review(t, arg);
}

/* a: the inspector answers the office's question. */
static void
rec_answer(struct tui *t, struct rec *v)
{
	if (!v->have_rv || strcmp(v->rv.state, REVIEW_RETURNED) != 0) {
		tui_msg(t, "%s", _("The office asks nothing about this record."));
		return;
	}
	if (!v->mine) {
		tui_msg(t, "%s", _("Only the inspector who made the record "
		    "answers for it."));
		return;
	}
	review_ui_answer(t, v->r.id, v->rv.text, rec_reviewed, v);
}

/* A, R, X: the office decides on the record. */
static void
rec_decide(struct tui *t, struct rec *v, const char *state)
{
	const char	*id = v->r.id;

	if (strcmp(v->r.type, "amendment") == 0) {
		tui_msg(t, "%s", _("An amendment is decided with the record it "
		    "amends."));
		return;
	}
	/* Opened from the review queue: the key stays for the queue's
	 * session (and its idle lock), as it does for decisions made there. */
	review_ui_decide(t, &id, 1, state, t->office != NULL ||
	    tui_has_screen(t, &screen_queue), rec_reviewed, v);
}

/* f: follow up the open findings with a new inspection. */
static void
rec_follow_up(struct tui *t, struct rec *v)
{
	if (strcmp(v->r.type, "inspection") != 0 || v->r.site == NULL ||
	    v->r.form == NULL || v->open == 0) {
		tui_msg(t, "%s", _("No open findings: nothing to follow up."));
		return;
	}
	flow_start(t, v->r.site, v->r.form, v->r.id);
}

static int
rec_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct rec	*v = priv;
	int		 old = v->top, body = tui_body_rows(), code = k->code;

	if (code == 0) {
		switch (k->ch) {
		case 'k': code = KEY_UP; break;
		case 'j': code = KEY_DOWN; break;
		case ' ': code = KEY_NPAGE; break;
		case 'b': code = KEY_PPAGE; break;
		case 'g': code = KEY_HOME; break;
		case 'G': code = KEY_END; break;
		case 'f':
			rec_follow_up(t, v);
			return TUI_REDRAW;
		case 'a':
			rec_answer(t, v);
			return TUI_REDRAW;
		case 'o':
			viewer_key(t, v->atts);
			return TUI_REDRAW;
		case 'A':
			rec_decide(t, v, REVIEW_ACCEPTED);
			return TUI_REDRAW;
		case 'R':
			rec_decide(t, v, REVIEW_RETURNED);
			return TUI_REDRAW;
		case 'X':
			rec_decide(t, v, REVIEW_REJECTED);
			return TUI_REDRAW;
		case 'r':
			v->raw = !v->raw;
			v->top = 0;
			v->stale = 1;
			return TUI_REDRAW;
		}
	}
	switch (code) {
	case KEY_UP:
		v->top--;
		break;
	case KEY_DOWN:
		v->top++;
		break;
	case KEY_PPAGE:
		v->top -= body - 1;
		break;
	case KEY_NPAGE:
		v->top += body - 1;
		break;
	case KEY_HOME:
		v->top = 0;
		break;
	case KEY_END:
		v->top = (int)v->nrows;
		break;
	default:
		return TUI_UNHANDLED;
	}
	rec_clamp(v);
	return v->top != old ? TUI_REDRAW : TUI_HANDLED;
}

static const struct tui_keyhelp rec_keys_all[] = {
	{ "↑↓", N_("scroll") },
	{ "o", N_("open an attachment") },
	{ "f", N_("follow up the open findings") },
	{ "r", N_("the exact bytes / readable") },
	{ "PgUp PgDn", N_("page") },
	{ "Esc", N_("back") },
	{ NULL, NULL }
};

static const struct tui_keyhelp rec_keys_answer[] = {
	{ "↑↓", N_("scroll") },
	{ "a", N_("answer the office") },
	{ "o", N_("open an attachment") },
	{ "f", N_("follow up the open findings") },
	{ "r", N_("the exact bytes / readable") },
	{ "Esc", N_("back") },
	{ NULL, NULL }
};

static const struct tui_keyhelp rec_keys_office[] = {
	{ "↑↓", N_("scroll") },
	{ "A", N_("accept") },
	{ "R", N_("return") },
	{ "X", N_("reject") },
	{ "o", N_("open an attachment") },
	{ "r", N_("the exact bytes / readable") },
	{ "Esc", N_("back") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
rec_keys_fn(struct tui *t, void *priv)
{
	struct rec	*v = priv;

	if (v->mine && v->have_rv && strcmp(v->rv.state, REVIEW_RETURNED) == 0)
		return rec_keys_answer;
	if (v->have_rv && roster_office_has_key(t->dd))
		return rec_keys_office;
	return rec_keys_all;
}

const struct tui_screen screen_record = {
	.name = "record",
	.priv_size = sizeof(struct rec),
	.open = rec_open,
	.close = rec_close,
	.title = rec_title,
	.draw = rec_draw,
	.key = rec_key,
	.keys = rec_keys_fn,
	.resume = rec_resume,
	.tick = rec_tick,
};
