/*
 * The form engine: checklist definitions (forms/<id>.json, see DESIGN.md
 * "Forms") loaded, checked and evaluated against answers.
 *
 * Expressions (relevant, constraint, calculate, finding when) are SQLite
 * expressions over the answers as columns.  Each is compiled once, when the
 * form loads, on the form's own private in-memory connection behind an
 * authorizer (SELECT and a short list of pure functions only) and with a
 * progress handler that stops runaway work.  A question's expressions see
 * the questions before it (its constraint sees itself too); findings see
 * all of them.  So an unknown or later field is an error at load time.
 *
 * Ownership: a struct form from form_load*() is the caller's, freed with
 * form_free().  Strings and json_t returned by accessors are borrowed from
 * the form.  A struct form_eval is filled by form_eval() and emptied with
 * form_eval_clear().
 */
#ifndef LANTIAN_FORM_H
#define LANTIAN_FORM_H

#include <stddef.h>

#include <jansson.h>

#define FORM_MAX_FILE	(1024 * 1024)
/* The longest text answer: a page of notes many times over, and well
 * inside a record's 1 MiB. */
#define FORM_TEXT_MAX	(64 * 1024)

struct form;

/* Load and compile a form file; the first problem is the error. */
int form_load(struct form **out, const char *path);
/* The same from bytes; name is used in messages (usually the path). */
int form_load_buf(struct form **out, const char *name, const char *buf,
    size_t len);
void form_free(struct form *f);

/*
 * Check a form file and list every problem found ("<form>: <question>:
 * <expression kind>: <why>"), not just the first.  Returns 0 when there are
 * none; *problems is a json array of strings (caller's, json_decref).
 */
int form_check(const char *path, json_t **problems);

/*
 * Find a form by file path (contains '/' or ends in ".json") or by id in
 * the NULL-terminated list of directories (first directory that has
 * <id>.json wins).
 */
int form_open(struct form **out, const char *id_or_path,
    const char *const *dirs);
/* Every loadable form in dirs (one per id, first dir wins); caller frees. */
int form_list(const char *const *dirs, struct form ***out, size_t *n);
/* Free what form_list() gave: each form, then the array. */
void form_list_free(struct form **list, size_t n);

const char *form_id(const struct form *f);
int form_version(const struct form *f);
/* Lowercase hex SHA-256 of the exact file bytes. */
const char *form_sha256(const struct form *f);
const char *form_path(const struct form *f);
/* The exact bytes of the file (for storing with the records that cite it). */
const char *form_bytes(const struct form *f, size_t *len);
/* Title in "zh" or "en" (falls back to the other). */
const char *form_title(const struct form *f, const char *lang);
/* The parsed document, for screens that walk the questions. */
const json_t *form_doc(const struct form *f);
/* The question object with this id, or NULL. */
const json_t *form_question(const struct form *f, const char *id);
/* Is the question of this id of type "photo"? */
int form_is_photo(const struct form *f, const char *id);

/* The site's entry in the register, as a question's "default" sees it
 * (any may be NULL). */
struct form_site {
	const char	*id;
	const char	*kind;
	const char	*village;
	const char	*industry;
	const char	*grade;
};

/*
 * The default of question id at this site: its "default" expression over
 * the register, as an answer of the question's type (yes_no true/false, a
 * choice one of its values, a number, a text).  *out is NULL when the
 * question has none, or when the register has nothing that answers it
 * (NULL, or a value the question does not offer).  0, or an error of the
 * evaluation.  *out is the caller's.
 */
int form_default(const struct form *f, const char *id,
    const struct form_site *site, json_t **out);

struct form_eval {
	json_t	*answers;	/* what a record stores: relevant answered
				   questions and calculated values, in form
				   order (object) */
	json_t	*relevant;	/* ids of the questions shown (array) */
	json_t	*missing;	/* required ids relevant but unanswered */
	json_t	*violations;	/* [{question, message}] failed constraints,
				   min/max */
	json_t	*values;	/* calculated values by id (object) */
	json_t	*findings;	/* findings that fire: [{id, task, severity,
				   text{zh,en}, action{zh,en}, deadline_days}] */
};

/*
 * Evaluate answers (a JSON object: question id -> value as DESIGN.md says).
 * An unknown question id, a value of the wrong type, a choice that is not
 * offered, an answer to a note or calculate is LT_EANSWER naming the
 * question.  Missing answers and failed constraints are not errors: they
 * are listed in out for the caller to judge.
 */
int form_eval(const struct form *f, const json_t *answers,
    struct form_eval *out);
void form_eval_clear(struct form_eval *ev);

/* Is the evaluation complete and valid (nothing missing, no violation)? */
int form_eval_ok(const struct form_eval *ev);

#endif
