#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "db.h"
#include "error.h"
#include "history.h"
#include "inspect.h"
#include "review.h"
#include "site.h"
#include "util.h"

/* Marks a string for translation without translating it (the TUI does). */
#define N_(s) s

const char *
inspect_ack_problem(const json_t *ack)
{
	const char	*name, *role, *witness;

	if (!json_is_object(ack))
		return N_("First the site representative's acknowledgment (or "
		    "refusal to sign).");
	if (json_is_true(json_object_get(ack, "refused"))) {
		witness = json_string_value(json_object_get(ack, "witness"));
		if (witness == NULL || *witness == '\0')
			return N_("A refusal needs a witness.");
		return NULL;
	}
	name = json_string_value(json_object_get(ack, "name"));
	role = json_string_value(json_object_get(ack, "role"));
	if (name == NULL || *name == '\0' || role == NULL || *role == '\0')
		return N_("The representative's name and role are both needed "
		    "(or mark the refusal).");
	return NULL;
}

/* Replace photo answers naming an attached file by that file's sha256. */
static int
inspect_map_photos(const struct form *f, json_t *answers,
    const struct attach_info *att, size_t natt)
{
	const char	*qid, *val;
	json_t		*v;
	size_t		 i;
	int		 found;

	json_object_foreach(answers, qid, v) {
		if (!form_is_photo(f, qid) || (val = json_string_value(v)) == NULL)
			continue;
		found = 0;
		for (i = 0; i < natt; i++) {
			if (strcmp(val, att[i].sha256) == 0 ||
			    strcmp(val, att[i].name) == 0) {
				if (!attach_is_media(att[i].mime))
					return error_set(LT_EANSWER, "answer "
					    "%s: %s is a %s, not a photo, video "
					    "or sound recording", qid,
					    att[i].name,
					    attach_kind(att[i].mime) ?
					    attach_kind(att[i].mime) :
					    att[i].mime);
				json_object_set_new(answers, qid,
				    json_string(att[i].sha256));
				found = 1;
				break;
			}
		}
		if (!found)
			return error_set(LT_EANSWER, "answer %s: photo \"%s\" "
			    "is not among the attached files (use --attach "
			    "FILE)", qid, val);
	}
	return 0;
}

/*
 * An attachment a draft already took into the store: hash it again (the
 * store's copy must still be what the draft saw) and keep its name and
 * caption.
 */
static int
inspect_stored(struct datadir *dd, const json_t *a, struct attach_info *out,
    char **src, char **caption)
{
	const char	*sha = json_string_value(json_object_get(a, "sha256"));
	const char	*name = json_string_value(json_object_get(a, "name"));
	const char	*cap = json_string_value(json_object_get(a, "caption"));
	int		 rc;

	if (sha == NULL || strlen(sha) != 64 || !util_is_hex(sha, 64))
		return error_set(LT_EINVAL, "attachment: no valid sha256");
	*src = attach_path(dd->path, sha);
	if (!util_exists(*src))
		return error_set(LT_ENOTFOUND, "attachment %s (%s): no longer "
		    "in the store; attach the file again", name ? name : "",
		    sha);
	if ((rc = attach_add(dd->path, *src, out)) != 0)
		return rc;
	if (strcmp(out->sha256, sha) != 0)
		return error_set(LT_EIO, "attachment %s: the stored copy does "
		    "not match its hash %s", name ? name : "", sha);
	if (name != NULL) {
		free(out->name);
		out->name = xstrdup(name);
	}
	*caption = cap != NULL ? xstrdup(cap) : NULL;
	return 0;
}

/* Every problem of an incomplete evaluation, as one message. */
static int
inspect_refuse(const struct form_eval *ev)
{
	json_t	*v;
	size_t	 i, used = 0;
	char	 buf[900];

	buf[0] = '\0';
	json_array_foreach(ev->missing, i, v) {
		used += (size_t)snprintf(buf + used, used < sizeof buf ?
		    sizeof buf - used : 0, "%s%s: required but not answered",
		    used ? "; " : "", json_string_value(v));
	}
	json_array_foreach(ev->violations, i, v) {
		used += (size_t)snprintf(buf + used, used < sizeof buf ?
		    sizeof buf - used : 0, "%s%s: %s", used ? "; " : "",
		    json_string_value(json_object_get(v, "question")),
		    json_string_value(json_object_get(v, "message")));
	}
	return error_set(LT_EANSWER, "answers: %s", buf);
}

/* The record's findings: the fired rules with their deadlines. */
static json_t *
inspect_findings(const struct form_eval *ev, time_t finished)
{
	json_t	*out = json_array(), *f, *g;
	char	 deadline[16];
	size_t	 i;

	json_array_foreach(ev->findings, i, f) {
		g = json_object();
		json_object_set(g, "rule", json_object_get(f, "id"));
		json_object_set(g, "task", json_object_get(f, "task"));
		json_object_set(g, "severity", json_object_get(f, "severity"));
		json_object_set(g, "text", json_object_get(f, "text"));
		json_object_set(g, "action", json_object_get(f, "action"));
		util_date_after(deadline, sizeof deadline, finished,
		    (int)json_integer_value(json_object_get(f,
		    "deadline_days")));
		json_object_set_new(g, "deadline", json_string(deadline));
		json_array_append_new(out, g);
	}
	return out;
}

/* Is the form made for this kind of site? */
static int
inspect_check_kind(const struct form *f, const struct site *site)
{
	const json_t	*kinds, *k;
	size_t		 i;

	kinds = json_object_get(form_doc(f), "site_kinds");
	if (!json_is_array(kinds) || json_array_size(kinds) == 0)
		return 0;
	json_array_foreach(kinds, i, k) {
		if (json_is_string(k) && strcmp(json_string_value(k),
		    site->kind) == 0)
			return 0;
	}
	return error_set(LT_EINVAL, "form %s: not made for a site of kind "
	    "%s like %s (use --any-kind to inspect it anyway)", form_id(f),
	    site->kind, site->id);
}

/* Check the record followed up exists and is of the same site. */
static int
inspect_check_follows(sqlite3 *db, const char *follows, const char *site,
    char full[65])
{
	struct record	r;
	int		rc;

	if ((rc = record_load(db, follows, &r)) != 0)
		return error_set(rc, "--follows: %s", error_msg());
	memcpy(full, r.id, 65);
	if (r.site == NULL || strcmp(r.site, site) != 0)
		rc = error_set(LT_EINVAL, "--follows %s: that record is of "
		    "site %s, not %s", follows, r.site ? r.site : "(none)",
		    site);
	record_clear(&r);
	return rc;
}

static int
inspect_store_form(sqlite3 *db, const struct form *f)
{
	sqlite3_stmt	*st;
	const char	*bytes;
	size_t		 len;
	int		 rc;

	bytes = form_bytes(f, &len);
	if ((rc = db_prepare(db, &st, "INSERT OR IGNORE INTO forms (sha256, "
	    "id, version, body) VALUES (?1, ?2, ?3, ?4)")) != 0)
		return rc;
	db_bind_text(st, 1, form_sha256(f));
	db_bind_text(st, 2, form_id(f));
	sqlite3_bind_int(st, 3, form_version(f));
	sqlite3_bind_blob(st, 4, bytes, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "forms");
	sqlite3_finalize(st);
	return rc;
}

static int
inspect_drop_draft(sqlite3 *db, int64_t draft)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_prepare(db, &st, "DELETE FROM drafts WHERE id = ?1")) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, draft);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "drafts");
	sqlite3_finalize(st);
	return rc;
}

int
inspect_finish(struct datadir *dd, const struct key_secret *sk,
    const struct inspect *in, struct record *out)
{
	struct attach_info	*att;
	char			**srcs, **captions;
	size_t			 nstored;
	struct form_eval	 ev;
	struct site		 site;
	json_t			*answers, *fields = NULL, *list, *form;
	char			*name = NULL, *badge = NULL, now[32];
	char			 follows[65];
	const char		*ackwhy;
	time_t			 finished = util_now();
	size_t			 i, natt = 0;
	int			 rc, have_ev = 0, in_tx = 0;

	memset(out, 0, sizeof *out);
	/* Text the inspector gave, whole or refused: never signed in part. */
	if ((rc = util_text_check("--notes", in->notes)) != 0 ||
	    (rc = util_text_check("--site", in->site)) != 0 ||
	    (rc = util_text_check("--follows", in->follows)) != 0)
		return rc;
	for (i = 0; i < in->nattach; i++)
		if ((rc = util_text_check("--attach",
		    in->attach[i])) != 0)
			return rc;
	nstored = json_array_size(in->stored);
	att = xcalloc(in->nattach + nstored + 1, sizeof *att);
	srcs = xcalloc(in->nattach + nstored + 1, sizeof *srcs);
	captions = xcalloc(in->nattach + nstored + 1, sizeof *captions);
	answers = json_deep_copy(in->answers);
	if ((rc = datadir_inspector(dd, &name, &badge)) != 0)
		goto cleanup;
	if ((rc = site_get(dd->db, in->site, &site)) != 0)
		goto cleanup;
	rc = in->any_kind ? 0 : inspect_check_kind(in->form, &site);
	site_clear(&site);
	if (rc != 0)
		goto cleanup;
	if (in->follows != NULL &&
	    (rc = inspect_check_follows(dd->db, in->follows, in->site,
	    follows)) != 0)
		goto cleanup;
	if (!json_is_object(answers)) {
		rc = error_set(LT_EANSWER, "answers: not a JSON object");
		goto cleanup;
	}
	for (i = 0; i < in->nattach; i++, natt++) {
		srcs[natt] = xstrdup(in->attach[i]);
		if ((rc = attach_add(dd->path, in->attach[i], &att[i])) != 0)
			goto cleanup;
	}
	for (i = 0; i < nstored; i++, natt++) {
		if ((rc = inspect_stored(dd, json_array_get(in->stored, i),
		    &att[natt], &srcs[natt], &captions[natt])) != 0)
			goto cleanup;
	}
	if ((rc = inspect_map_photos(in->form, answers, att, natt)) != 0)
		goto cleanup;
	if ((rc = form_eval(in->form, answers, &ev)) != 0)
		goto cleanup;
	have_ev = 1;
	if (!form_eval_ok(&ev)) {
		rc = inspect_refuse(&ev);
		goto cleanup;
	}
	if ((ackwhy = inspect_ack_problem(in->acknowledged)) != NULL) {
		rc = error_set(LT_EANSWER, "acknowledgment: %s", ackwhy);
		goto cleanup;
	}

	fields = json_object();
	json_object_set_new(fields, "inspector", json_pack("{s:s, s:s}",
	    "name", name, "badge", badge));
	json_object_set_new(fields, "site", json_string(in->site));
	form = json_pack("{s:s, s:i, s:s}", "id", form_id(in->form),
	    "version", form_version(in->form), "sha256", form_sha256(in->form));
	json_object_set_new(fields, "form", form);
	util_rfc3339(now, sizeof now, finished);
	json_object_set_new(fields, "started",
	    json_string(in->started != NULL ? in->started : now));
	json_object_set_new(fields, "finished", json_string(now));
	json_object_set(fields, "answers", ev.answers);
	json_object_set_new(fields, "findings", inspect_findings(&ev, finished));
	list = json_array();
	for (i = 0; i < natt; i++) {
		json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:s, "
		    "s:o}", "sha256", att[i].sha256, "name", att[i].name,
		    "bytes", (json_int_t)att[i].bytes, "mime", att[i].mime,
		    "caption", captions[i] != NULL && *captions[i] != '\0' ?
		    json_string(captions[i]) : json_null()));
	}
	json_object_set_new(fields, "attachments", list);
	json_object_set_new(fields, "notes", in->notes != NULL ?
	    json_string(in->notes) : json_null());
	json_object_set(fields, "acknowledged", in->acknowledged != NULL ?
	    (json_t *)in->acknowledged : json_null());
	if (in->location != NULL)
		json_object_set(fields, "location", (json_t *)in->location);
	if (in->follows != NULL)
		json_object_set_new(fields, "follows", json_string(follows));

	if ((rc = db_begin(dd->db)) != 0)
		goto cleanup;
	in_tx = 1;
	if ((rc = inspect_store_form(dd->db, in->form)) != 0)
		goto cleanup;
	for (i = 0; i < natt; i++) {
		/* A refused inspection elsewhere may have taken back the same
		 * new file before we held the lock: copy it again. */
		char *path = attach_path(dd->path, att[i].sha256);
		int missing = !util_exists(path);
		free(path);
		if (missing) {
			struct attach_info again;
			if ((rc = attach_add(dd->path, srcs[i],
			    &again)) != 0)
				goto cleanup;
			free(again.name);
			if (strcmp(again.sha256, att[i].sha256) != 0) {
				rc = error_set(LT_EIO, "%s: changed while "
				    "the inspection was being finished",
				    srcs[i]);
				goto cleanup;
			}
		}
		if ((rc = attach_register(dd->db, &att[i])) != 0)
			goto cleanup;
	}
	if ((rc = record_create(dd->db, sk, "inspection", fields, out)) != 0)
		goto cleanup;
	if (in->draft != 0 && (rc = inspect_drop_draft(dd->db, in->draft)) != 0)
		goto cleanup;
	if ((rc = db_commit(dd->db)) != 0)
		goto cleanup;
	in_tx = 0;
cleanup:
	if (in_tx) {
		db_rollback(dd->db);
		if (out->body != NULL)
			record_clear(out);
	}
	if (have_ev)
		form_eval_clear(&ev);
	for (i = 0; i < natt; i++) {
		/* Nothing of a refused inspection stays behind. */
		if (rc != 0)
			attach_forget(dd->db, dd->path, &att[i]);
		free(att[i].name);
	}
	for (i = 0; i < in->nattach + nstored; i++) {
		free(srcs[i]);
		free(captions[i]);
	}
	free(att);
	free(srcs);
	free(captions);
	json_decref(answers);
	json_decref(fields);
	free(name);
	free(badge);
	return rc;
}

/* Check corrections against the record's form; *out the normalized ones. */
static int
inspect_corrections(sqlite3 *db, const struct record *orig,
    const json_t *answers, json_t **out)
{
	struct form_eval	 ev;
	struct form		*f = NULL;
	const char		*q;
	json_t			*merged, *v;
	int			 rc;

	*out = NULL;
	if (!json_is_object(answers))
		return error_set(LT_EANSWER, "answers: not a JSON object");
	if (json_object_size(answers) == 0)
		return 0;
	if ((rc = history_form(db, orig, &f)) != 0)
		return error_set(rc, "corrected answers: %s", error_msg());
	merged = json_deep_copy(json_object_get(orig->doc, "answers"));
	if (!json_is_object(merged)) {
		json_decref(merged);
		merged = json_object();
	}
	json_object_foreach((json_t *)answers, q, v) {
		if (form_is_photo(f, q)) {
			rc = error_set(LT_EANSWER, "%s: a photo is not corrected "
			    "by an amendment: attach it to a follow-up "
			    "inspection", q);
			goto cleanup;
		}
		json_object_set(merged, q, v);
	}
	if ((rc = form_eval(f, merged, &ev)) != 0)
		goto cleanup;
	if (!form_eval_ok(&ev))
		rc = inspect_refuse(&ev);
	else {
		*out = json_object();
		json_object_foreach((json_t *)answers, q, v) {
			if (json_object_get(ev.answers, q) != NULL)
				json_object_set(*out, q,
				    json_object_get(ev.answers, q));
			else
				json_object_set_new(*out, q, json_null());
		}
	}
	form_eval_clear(&ev);
cleanup:
	json_decref(merged);
	form_free(f);
	return rc;
}

int
inspect_amend(struct datadir *dd, const struct key_secret *sk,
    const struct amend *a, struct record *out)
{
	struct key_public	 pk;
	struct review		 rv;
	struct record		 orig;
	struct attach_info	*att;
	json_t			*fields = NULL, *fixed = NULL, *list;
	char			*name = NULL, *badge = NULL, dev[KEY_ID_HEX];
	char			**srcs, **captions;
	size_t			 i, natt = 0, nstored;
	int			 rc, in_tx = 0;

	memset(out, 0, sizeof *out);
	nstored = json_array_size(a->stored);
	att = xcalloc(a->nattach + nstored + 1, sizeof *att);
	srcs = xcalloc(a->nattach + nstored + 1, sizeof *srcs);
	captions = xcalloc(a->nattach + nstored + 1, sizeof *captions);
	memset(&orig, 0, sizeof orig);
	if ((rc = review_text_check(a->reply, "the reply to the office",
	    "amendment")) != 0)
		goto cleanup;
	if ((rc = record_load(dd->db, a->record, &orig)) != 0)
		goto cleanup;
	if ((rc = datadir_device_public(dd, &pk)) != 0 ||
	    (rc = datadir_inspector(dd, &name, &badge)) != 0)
		goto cleanup;
	key_id_hex(dev, pk.id);
	if (strcmp(orig.type, "amendment") == 0) {
		rc = error_set(LT_EINVAL, "record %.16s is an amendment: amend "
		    "the record it amends", orig.id);
		goto cleanup;
	}
	if (strcmp(orig.device, dev) != 0) {
		rc = error_set(LT_EINVAL, "record %.16s was made on another "
		    "device (%s): only its inspector amends it", orig.id,
		    orig.device);
		goto cleanup;
	}
	if (a->answers != NULL &&
	    (rc = inspect_corrections(dd->db, &orig, a->answers, &fixed)) != 0)
		goto cleanup;

	fields = json_object();
	json_object_set_new(fields, "inspector", json_pack("{s:s, s:s}",
	    "name", name, "badge", badge));
	if (orig.site != NULL)
		json_object_set_new(fields, "site", json_string(orig.site));
	if (json_is_object(json_object_get(orig.doc, "form")))
		json_object_set(fields, "form", json_object_get(orig.doc,
		    "form"));
	json_object_set_new(fields, "amends", json_string(orig.id));
	if (review_get(dd->db, orig.id, &rv) == 0) {
		if (strcmp(rv.state, REVIEW_RETURNED) == 0)
			json_object_set_new(fields, "review",
			    json_string(rv.reviewed));
		review_clear(&rv);
	} else
		error_clear();
	json_object_set_new(fields, "reply", json_string(a->reply));
	if (fixed != NULL)
		json_object_set(fields, "answers", fixed);
	for (i = 0; i < a->nattach; i++, natt++) {
		srcs[natt] = xstrdup(a->attach[i]);
		if ((rc = attach_add(dd->path, a->attach[i], &att[natt])) != 0)
			goto cleanup;
	}
	for (i = 0; i < nstored; i++, natt++) {
		if ((rc = inspect_stored(dd, json_array_get(a->stored, i),
		    &att[natt], &srcs[natt], &captions[natt])) != 0)
			goto cleanup;
	}
	if (natt > 0) {
		list = json_array();
		for (i = 0; i < natt; i++)
			json_array_append_new(list, json_pack("{s:s, s:s, s:I, "
			    "s:s, s:o}", "sha256", att[i].sha256, "name",
			    att[i].name, "bytes", (json_int_t)att[i].bytes,
			    "mime", att[i].mime, "caption", captions[i] !=
			    NULL && *captions[i] != '\0' ?
			    json_string(captions[i]) : json_null()));
		json_object_set_new(fields, "attachments", list);
	}

	if ((rc = db_begin(dd->db)) != 0)
		goto cleanup;
	in_tx = 1;
	for (i = 0; i < natt; i++) {
		/* Taken back by a refused inspection meanwhile: again. */
		char *path = attach_path(dd->path, att[i].sha256);
		int missing = !util_exists(path);
		free(path);
		if (missing) {
			struct attach_info again;
			if ((rc = attach_add(dd->path, srcs[i], &again)) != 0)
				goto cleanup;
			free(again.name);
		}
		if ((rc = attach_register(dd->db, &att[i])) != 0)
			goto cleanup;
	}
	if ((rc = record_create(dd->db, sk, "amendment", fields, out)) != 0)
		goto cleanup;
	if ((rc = db_commit(dd->db)) != 0)
		goto cleanup;
	in_tx = 0;
cleanup:
	if (in_tx) {
		db_rollback(dd->db);
		if (out->body != NULL)
			record_clear(out);
	}
	for (i = 0; i < natt; i++) {
		if (rc != 0)
			attach_forget(dd->db, dd->path, &att[i]);
		free(att[i].name);
	}
	for (i = 0; i < a->nattach + nstored; i++) {
		free(srcs[i]);
		free(captions[i]);
	}
	free(att);
	free(srcs);
	free(captions);
	json_decref(fields);
	json_decref(fixed);
	record_clear(&orig);
	free(name);
	free(badge);
	return rc;
}
