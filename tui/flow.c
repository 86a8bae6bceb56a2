#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/inspect.h"
#include "core/record.h"
#include "core/util.h"
#include "core/answer.h"
#include "tui/draw.h"
#include "tui/flow.h"
#include "tui/screens.h"
#include "tui/words.h"

/* The answers of record id (a new reference), or NULL. */
static json_t *
flow_last_answers(struct tui *t, const char *id)
{
	struct record	 r;
	json_t		*a = NULL;

	if (record_load(t->dd->db, id, &r) != 0)
		return NULL;
	if (json_is_object(json_object_get(r.doc, "answers")))
		a = json_incref(json_object_get(r.doc, "answers"));
	record_clear(&r);
	return a;
}

void
flow_prefill_last(struct tui *t, const struct form *f, const char *record,
    json_t *answers)
{
	json_t		*last = flow_last_answers(t, record), *one;
	const json_t	*q, *v;
	struct form_eval ev;
	const char	*id, *type;
	size_t		 i;

	if (last == NULL)
		return;
	json_array_foreach(json_object_get(form_doc(f), "questions"), i, q) {
		id = json_string_value(json_object_get(q, "id"));
		type = json_string_value(json_object_get(q, "type"));
		if (id == NULL || type == NULL || strcmp(type, "photo") == 0 ||
		    strcmp(type, "calculate") == 0 ||
		    strcmp(type, "note") == 0 ||
		    (v = json_object_get(last, id)) == NULL)
			continue;
		/* Only an answer this version of the form takes. */
		one = json_pack("{s:O}", id, v);
		if (form_eval(f, one, &ev) == 0) {
			form_eval_clear(&ev);
			json_object_set(answers, id, (json_t *)v);
		}
		json_decref(one);
	}
	json_decref(last);
}

int
flow_from_last(const struct flow_state *fs, const char *id)
{
	const json_t	*v = json_object_get(fs->d.answers, id);

	return fs->last != NULL && v != NULL &&
	    json_equal(v, json_object_get(fs->last, id));
}

json_t *
flow_default(const struct flow_state *fs, const char *id)
{
	struct form_site	 s;
	json_t			*v = NULL;

	s.id = fs->site.id;
	s.kind = fs->site.kind;
	s.village = fs->site.village;
	s.industry = fs->site.industry;
	s.grade = fs->site.grade;
	if (form_default(fs->f, id, &s, &v) != 0)
		return NULL;
	return v;
}

int
flow_state_load(struct tui *t, int64_t id, struct flow_state *fs)
{
	int	rc;

	memset(fs, 0, sizeof *fs);
	if ((rc = draft_load(t->dd->db, id, &fs->d)) != 0)
		return rc;
	if ((fs->f = tui_form(t, fs->d.form)) == NULL) {
		rc = error_set(LT_ENOTFOUND, "form %s: not found in the "
		    "forms directories", fs->d.form);
		goto fail;
	}
	if ((rc = site_get(t->dd->db, fs->d.site, &fs->site)) != 0)
		goto fail;
	if ((rc = flow_state_eval(fs)) != 0)
		goto fail;
	if (fs->d.follows != NULL)
		fs->last = flow_last_answers(t, fs->d.follows);
	return 0;
fail:
	flow_state_clear(fs);
	return rc;
}

void
flow_state_clear(struct flow_state *fs)
{
	draft_clear(&fs->d);
	site_clear(&fs->site);
	if (fs->have_ev)
		form_eval_clear(&fs->ev);
	json_decref(fs->last);
	memset(fs, 0, sizeof *fs);
}

int
flow_state_eval(struct flow_state *fs)
{
	struct form_eval	ev;
	int			rc;

	if ((rc = form_eval(fs->f, fs->d.answers, &ev)) != 0)
		return rc;
	if (fs->have_ev)
		form_eval_clear(&fs->ev);
	fs->ev = ev;
	fs->have_ev = 1;
	return 0;
}

int
flow_state_save(struct tui *t, struct flow_state *fs)
{
	int	rc;

	if ((rc = draft_save(t->dd->db, &fs->d)) != 0)
		tui_error(t, "%s", _("The draft could not be saved"));
	return rc;
}

const json_t *
flow_questions(const struct flow_state *fs)
{
	return json_object_get(form_doc(fs->f), "questions");
}

/* Is id in the array of strings? */
static int
flow_in(const json_t *list, const char *id)
{
	const json_t	*v;
	size_t		 i;

	json_array_foreach(list, i, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), id) == 0)
			return 1;
	}
	return 0;
}

int
flow_relevant(const struct flow_state *fs, const char *id)
{
	return fs->have_ev && flow_in(fs->ev.relevant, id);
}

/* Is the number v outside q's min or max? */
static int
flow_out_of_limits(const json_t *q, const json_t *v)
{
	const json_t	*min = json_object_get(q, "min");
	const json_t	*max = json_object_get(q, "max");
	double		 x = json_number_value(v);

	if (!json_is_number(v))
		return 0;
	return (json_is_number(min) && x < json_number_value(min)) ||
	    (json_is_number(max) && x > json_number_value(max));
}

char *
flow_problem(const struct flow_state *fs, const char *id, int missing)
{
	const json_t	*q = form_question(fs->f, id), *v, *min, *max;
	const char	*msg;
	char		*a, *b, *out;
	size_t		 i;

	if (!fs->have_ev)
		return NULL;
	if (missing && flow_in(fs->ev.missing, id))
		return xstrdup(_("An answer is required."));
	json_array_foreach(fs->ev.violations, i, v) {
		if (strcmp(json_string_value(json_object_get(v, "question")),
		    id) != 0)
			continue;
		if (flow_out_of_limits(q, json_object_get(fs->d.answers, id))) {
			min = json_object_get(q, "min");
			max = json_object_get(q, "max");
			a = min != NULL ? answer_number(min) : xstrdup("…");
			b = max != NULL ? answer_number(max) : xstrdup("…");
			out = xasprintf(_("Must be between %s and %s."), a, b);
			free(a);
			free(b);
			return out;
		}
		msg = record_text(json_object_get(q, "constraint_message"),
		    i18n_lang());
		if (msg == NULL || *msg == '\0')
			msg = json_string_value(json_object_get(v, "message"));
		return xstrdup(msg != NULL ? msg : _("Not allowed."));
	}
	return NULL;
}

const char *
flow_title(const struct flow_state *fs)
{
	static char	buf[256];

	snprintf(buf, sizeof buf, "%s · %s", fs->site.name,
	    form_title(fs->f, i18n_lang()));
	return buf;
}

int
flow_take_file(struct tui *t, const char *path, struct attach_info *out)
{
	struct stat	 st;
	const char	*base = strrchr(path, '/');
	char		 size[16];
	int		 rc;

	base = base != NULL ? base + 1 : path;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
		tui_msg(t, _("%s is empty (0 bytes): not attached."), base);
		t->msg_error = 1;
		return LT_EINVAL;
	}
	if ((rc = attach_add(t->dd->path, path, out)) != 0) {
		if (rc == LT_EINVAL && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			tui_msg(t, _("%s is not a photo, video, sound recording "
			    "or PDF (by its content): not attached."), base);
			t->msg_error = 1;
		} else
			tui_error(t, "%s", _("Not attached"));
		return rc;
	}
	draw_size(size, sizeof size, out->bytes);
	tui_msg(t, _("Attached %s (%s, %s)."), out->name,
	    words_media(out->mime), size);
	return 0;
}

/* The passphrase typed at the sign step. */
static int
flow_sign_done(struct tui *t, void *arg, const char *pass)
{
	struct flow_state	*fs = arg;
	struct key_secret	*sk = NULL;
	struct inspect		 in;
	struct record		 r;
	char			 id[65], behind[32];
	int			 rc;

	if (pass == NULL)
		return 0;
	if ((rc = tui_unlock(t, pass, 0, _("Wrong passphrase: nothing was "
	    "signed and nothing is lost. Try again."), &sk)) != 0)
		return rc > 0;
	memset(&in, 0, sizeof in);
	in.site = fs->d.site;
	in.form = fs->f;
	in.answers = fs->d.answers;
	in.stored = fs->d.attachments;
	in.notes = fs->d.notes;
	in.follows = fs->d.follows;
	in.acknowledged = fs->d.acknowledged;
	in.started = fs->d.started;
	in.draft = fs->d.id;
	in.any_kind = 1;	/* chosen on the site screen, on purpose */
	rc = inspect_finish(t->dd, sk, &in, &r);
	key_secret_free(sk);
	if (rc != 0) {
		tui_error(t, "%s", _("Not signed"));
		return 0;
	}
	memcpy(id, r.id, sizeof id);
	memcpy(behind, r.clock_behind, sizeof behind);
	record_clear(&r);
	/* fs belongs to the review screen, gone after this. */
	tui_home(t);
	tui_push(t, &screen_record, id);
	if (behind[0] != '\0') {
		tui_msg(t, _("Signed and stored: record %.12s. This laptop's "
		    "clock is before your last record (%.16s): check the "
		    "clock; the record is flagged."), id, behind);
		t->msg_error = 1;
	} else
		tui_msg(t, _("Signed and stored: record %.12s."), id);
	return 0;
}

void
flow_sign(struct tui *t, struct flow_state *fs)
{
	struct tui_prompt	p;
	const char		*first, *why;

	if (!form_eval_ok(&fs->ev)) {
		first = json_array_size(fs->ev.missing) > 0 ?
		    json_string_value(json_array_get(fs->ev.missing, 0)) :
		    json_string_value(json_object_get(json_array_get(
		    fs->ev.violations, 0), "question"));
		tui_msg(t, _("Not ready to sign: \"%s\" needs an answer or a "
		    "correction (Enter on it in the review)."),
		    answer_label(form_question(fs->f, first), i18n_lang()));
		t->msg_error = 1;
		return;
	}
	if ((why = inspect_ack_problem(fs->d.acknowledged)) != NULL) {
		tui_msg(t, "%s", _(why));
		t->msg_error = 1;
		tui_push(t, &screen_ack, &fs->d.id);
		return;
	}
	memset(&p, 0, sizeof p);
	p.title = _("Sign the record");
	p.label = _("Your passphrase signs this record. Once signed it can "
	    "no longer be changed: corrections are new records.");
	p.secret = 1;
	p.max = 256;
	p.done = flow_sign_done;
	p.arg = fs;
	tui_prompt(t, &p);
}
