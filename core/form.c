#include "config.h"

#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "error.h"
#include "expr.h"
#include "form.h"
#include "form_priv.h"
#include "util.h"

_Static_assert(FORM_TEXT_MAX < EXPR_MAX_VALUE,
    "a text answer must fit in an expression value");

static const char *const form_types[] = {
	"yes_no", "choice", "multi", "integer", "decimal", "text", "date",
	"photo", "location", "note", "calculate", NULL
};

/* Sets of types, for the keys a question of each type may have. */
#define T(t)		(1u << (t))
#define T_ALL		(T(FT_INVALID + 1) - 1)
#define T_ANSWERED	(T_ALL & ~(T(FT_NOTE) | T(FT_CALCULATE)))
#define T_NUMBER	(T(FT_INTEGER) | T(FT_DECIMAL))

static const struct {
	const char	*key;
	unsigned	 types;
} form_question_keys[] = {
	{ "id",			T_ALL },
	{ "type",		T_ALL },
	{ "label",		T_ALL },
	{ "hint",		T_ALL },
	{ "relevant",		T_ALL },
	{ "required",		T_ANSWERED },
	{ "constraint",		T_ANSWERED | T(FT_CALCULATE) },
	{ "constraint_message",	T_ANSWERED | T(FT_CALCULATE) },
	{ "unit",		T_NUMBER | T(FT_CALCULATE) },
	{ "min",		T_NUMBER },
	{ "max",		T_NUMBER },
	{ "choices",		T(FT_CHOICE) | T(FT_MULTI) },
	{ "calculation",	T(FT_CALCULATE) },
	{ "default",		T(FT_YES_NO) | T(FT_CHOICE) | T(FT_TEXT) |
				T_NUMBER },
};

/*
 * What a question's "default" sees: the site's entry in the register, as
 * site.id, site.kind, site.village, site.industry, site.grade (the order
 * of struct form_site).
 */
static const char *const form_site_cols[] = {
	"id", "kind", "village", "industry", "grade"
};

static const char *const form_top_keys[] = {
	"id", "version", "tasks", "title", "site_kinds", "questions",
	"findings", NULL
};
static const char *const form_finding_keys[] = {
	"id", "task", "severity", "when", "text", "action", "deadline_days",
	NULL
};
static const char *const form_severities[] = {
	"violation", "warning", "note", NULL
};

/* A form being loaded and every problem found in it so far. */
struct form_loader {
	struct form	*f;
	const char	*name;
	json_t		*problems;	/* array of strings */
	char		**cols;		/* column name of each question */
};

static int
form_in(const char *s, const char *const *list)
{
	size_t	i;

	for (i = 0; list[i] != NULL; i++) {
		if (strcmp(s, list[i]) == 0)
			return 1;
	}
	return 0;
}

/* Does s match [first][rest]* with at least one character? */
static int
form_match(const char *s, const char *first, const char *rest)
{
	if (s == NULL || *s == '\0' || strchr(first, *s) == NULL)
		return 0;
	for (s++; *s != '\0'; s++) {
		if (strchr(rest, *s) == NULL)
			return 0;
	}
	return 1;
}

#define FORM_LOWER	"abcdefghijklmnopqrstuvwxyz"
#define FORM_DIGIT	"0123456789"

static int
form_valid_id(const char *s)
{
	return form_match(s, FORM_LOWER FORM_DIGIT, FORM_LOWER FORM_DIGIT "-");
}

/*
 * A question id names an expression column: [a-z_][a-z0-9_]*, and not an
 * SQL keyword (nobody could write "order = 1"), nor true or false, which
 * SQLite reads as the literals even where a column has the name.
 */
static int
form_valid_question_id(const char *s)
{
	return form_match(s, FORM_LOWER "_", FORM_LOWER FORM_DIGIT "_") &&
	    !sqlite3_keyword_check(s, (int)strlen(s)) &&
	    strcmp(s, "true") != 0 && strcmp(s, "false") != 0;
}

/* Note a problem: "<form>: <where>: <what>" (where may be NULL). */
static void
form_problem(struct form_loader *ld, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
form_problem(struct form_loader *ld, const char *where, const char *fmt, ...)
{
	va_list	 ap;
	char	*what, *line;

	va_start(ap, fmt);
	what = xvasprintf(fmt, ap);
	va_end(ap);
	if (where != NULL)
		line = xasprintf("%s: %s: %s", ld->name, where, what);
	else
		line = xasprintf("%s: %s", ld->name, what);
	json_array_append_new(ld->problems, json_string(line));
	free(line);
	free(what);
}

/* Keys of obj that are not in keys are typos until proven otherwise. */
static void
form_check_keys(struct form_loader *ld, const char *where, const json_t *obj,
    const char *const *keys)
{
	const char	*key;
	json_t		*v;

	json_object_foreach((json_t *)obj, key, v) {
		if (!form_in(key, keys))
			form_problem(ld, where, "unknown key \"%s\"", key);
	}
}

/* A text in both languages: {"zh": "...", "en": "..."}, nothing else. */
static void
form_check_text(struct form_loader *ld, const char *where, const char *key,
    const json_t *v, int required)
{
	static const char *const langs[] = { "zh", "en", NULL };
	const char		*lang;
	const json_t		*s;
	json_t			*x;
	size_t			 i;

	if (v == NULL) {
		if (required)
			form_problem(ld, where, "%s: missing", key);
		return;
	}
	if (!json_is_object(v)) {
		form_problem(ld, where, "%s: expected {\"zh\": ..., \"en\": ...}",
		    key);
		return;
	}
	for (i = 0; langs[i] != NULL; i++) {
		s = json_object_get(v, langs[i]);
		if (!json_is_string(s) || json_string_length(s) == 0)
			form_problem(ld, where, "%s: %s: missing or empty", key,
			    langs[i]);
	}
	json_object_foreach((json_t *)v, lang, x) {
		if (!form_in(lang, langs))
			form_problem(ld, where,
			    "%s: unknown language \"%s\" (zh and en only)", key,
			    lang);
	}
}

static int
form_positive_int(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) > 0 &&
	    json_integer_value(v) <= 1000000;
}

char *
form_quote_expr(const char *text)
{
	if (strlen(text) > 120)
		return xasprintf("\"%.100s...\"", text);
	return xasprintf("\"%s\"", text);
}

/*
 * Compile the expression under key of obj seeing the first ncols columns;
 * NULL when absent or broken (a problem is noted).
 */
static struct expr *
form_compile(struct form_loader *ld, const char *where, const json_t *obj,
    const char *key, size_t ncols)
{
	const json_t	*v = json_object_get(obj, key);
	struct expr	*e = NULL;
	char		*quoted;

	if (v == NULL)
		return NULL;
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		form_problem(ld, where, "%s: expected an expression (string)",
		    key);
		return NULL;
	}
	if (ld->f->env == NULL)
		return NULL;
	if (expr_compile(ld->f->env, &e, json_string_value(v),
	    (const char *const *)ld->cols, ncols) != 0) {
		quoted = form_quote_expr(json_string_value(v));
		form_problem(ld, where, "%s %s: %s", key, quoted, error_msg());
		free(quoted);
		return NULL;
	}
	return e;
}

/* A question's "default": an expression over the site register only. */
static struct expr *
form_compile_default(struct form_loader *ld, const char *where,
    const json_t *obj)
{
	const json_t	*v = json_object_get(obj, "default");
	struct expr	*e = NULL;
	char		*quoted;

	if (v == NULL)
		return NULL;
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		form_problem(ld, where, "default: expected an expression "
		    "(string) over site.id, site.kind, site.village, "
		    "site.industry, site.grade");
		return NULL;
	}
	if (ld->f->env == NULL)
		return NULL;
	if (expr_compile_as(ld->f->env, &e, json_string_value(v),
	    form_site_cols, sizeof form_site_cols / sizeof form_site_cols[0],
	    "site") != 0) {
		quoted = form_quote_expr(json_string_value(v));
		form_problem(ld, where, "default %s: %s (it sees only site.id, "
		    "site.kind, site.village, site.industry, site.grade)",
		    quoted, error_msg());
		free(quoted);
		return NULL;
	}
	return e;
}

static void
form_parse_choices(struct form_loader *ld, const char *where,
    struct form_question *q)
{
	static const char *const keys[] = { "value", "label", NULL };
	const json_t		*c, *value;
	char			*cwhere;
	size_t			 i, j;

	q->choices = json_object_get(q->json, "choices");
	if (!json_is_array(q->choices) || json_array_size(q->choices) == 0) {
		form_problem(ld, where, "choices: expected a non-empty array");
		q->choices = NULL;
		return;
	}
	json_array_foreach(q->choices, i, c) {
		cwhere = xasprintf("%s: choices[%zu]", where, i);
		if (!json_is_object(c)) {
			form_problem(ld, cwhere, "expected an object");
			free(cwhere);
			continue;
		}
		form_check_keys(ld, cwhere, c, keys);
		value = json_object_get(c, "value");
		if (!form_match(json_string_value(value), FORM_LOWER FORM_DIGIT
		    "_", FORM_LOWER FORM_DIGIT "_"))
			form_problem(ld, cwhere, "value: must match [a-z0-9_]+");
		for (j = 0; j < i && json_is_string(value); j++) {
			if (json_equal(value, json_object_get(
			    json_array_get(q->choices, j), "value")))
				form_problem(ld, cwhere,
				    "value \"%s\" is offered twice",
				    json_string_value(value));
		}
		form_check_text(ld, cwhere, "label", json_object_get(c,
		    "label"), 1);
		free(cwhere);
	}
}

static void
form_parse_limits(struct form_loader *ld, const char *where,
    struct form_question *q)
{
	const char	*names[2] = { "min", "max" };
	const json_t	*v[2];
	int		 i;

	for (i = 0; i < 2; i++) {
		v[i] = json_object_get(q->json, names[i]);
		if (v[i] == NULL)
			continue;
		if (q->type == FT_INTEGER ? !json_is_integer(v[i]) :
		    !json_is_number(v[i])) {
			form_problem(ld, where, "%s: expected %s", names[i],
			    q->type == FT_INTEGER ? "a whole number" :
			    "a number");
			v[i] = NULL;
		}
	}
	q->min = v[0];
	q->max = v[1];
	if (q->min != NULL && q->max != NULL &&
	    json_number_value(q->min) > json_number_value(q->max))
		form_problem(ld, where, "min is greater than max");
}

/* The structure of question i (its expressions come after). */
static void
form_parse_question(struct form_loader *ld, const char *where,
    struct form_question *q)
{
	const json_t	*v;
	const char	*key;
	json_t		*x;
	size_t		 k;

	v = json_object_get(q->json, "type");
	for (q->type = 0; q->type < FT_INVALID; q->type++) {
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), form_types[q->type]) == 0)
			break;
	}
	if (q->type == FT_INVALID)
		form_problem(ld, where, "type: expected one of yes_no, choice, "
		    "multi, integer, decimal, text, date, photo, location, "
		    "note, calculate");

	json_object_foreach((json_t *)q->json, key, x) {
		for (k = 0; k < sizeof form_question_keys /
		    sizeof form_question_keys[0]; k++) {
			if (strcmp(key, form_question_keys[k].key) == 0)
				break;
		}
		if (k == sizeof form_question_keys /
		    sizeof form_question_keys[0])
			form_problem(ld, where, "unknown key \"%s\"", key);
		else if (q->type != FT_INVALID &&
		    !(form_question_keys[k].types & T(q->type)))
			form_problem(ld, where, "%s: not for a %s question",
			    key, form_types[q->type]);
	}

	form_check_text(ld, where, "label", json_object_get(q->json, "label"),
	    1);
	form_check_text(ld, where, "hint", json_object_get(q->json, "hint"), 0);
	v = json_object_get(q->json, "constraint_message");
	form_check_text(ld, where, "constraint_message", v, 0);
	if (v != NULL && json_object_get(q->json, "constraint") == NULL)
		form_problem(ld, where, "constraint_message without constraint");
	q->message = json_string_value(json_object_get(v, "en"));
	v = json_object_get(q->json, "required");
	if (v != NULL && !json_is_boolean(v))
		form_problem(ld, where, "required: expected true or false");
	q->required = json_is_true(v);
	v = json_object_get(q->json, "unit");
	if (v != NULL && (!json_is_string(v) || json_string_length(v) == 0))
		form_problem(ld, where, "unit: expected a string");

	if (q->type == FT_CHOICE || q->type == FT_MULTI)
		form_parse_choices(ld, where, q);
	if (q->type == FT_INTEGER || q->type == FT_DECIMAL)
		form_parse_limits(ld, where, q);
	if (q->type == FT_CALCULATE &&
	    json_object_get(q->json, "calculation") == NULL)
		form_problem(ld, where, "calculation: missing");
}

static void
form_load_questions(struct form_loader *ld, const json_t *questions)
{
	struct form		*f = ld->f;
	struct form_question	*q;
	char			*where;
	size_t			 i, j;

	if (!json_is_array(questions) || json_array_size(questions) == 0) {
		form_problem(ld, NULL, "questions: expected a non-empty array");
		return;
	}
	if (json_array_size(questions) > EXPR_MAX_COLUMNS) {
		form_problem(ld, NULL, "questions: more than %d",
		    EXPR_MAX_COLUMNS);
		return;
	}
	f->nq = json_array_size(questions);
	f->qs = xcalloc(f->nq, sizeof *f->qs);
	ld->cols = xcalloc(f->nq, sizeof *ld->cols);
	for (i = 0; i < f->nq; i++) {
		q = &f->qs[i];
		q->json = json_array_get(questions, i);
		q->id = json_string_value(json_object_get(q->json, "id"));
		if (!json_is_object(q->json)) {
			form_problem(ld, NULL, "questions[%zu]: expected an "
			    "object", i);
			q->type = FT_INVALID;
			q->id = NULL;
		} else if (!form_valid_question_id(q->id)) {
			form_problem(ld, NULL, "questions[%zu]: id%s%s%s: must "
			    "match [a-z_][a-z0-9_]* and not be an SQL keyword",
			    i, q->id != NULL ? " \"" : "",
			    q->id != NULL ? q->id : "", q->id != NULL ? "\"" : "");
			q->id = NULL;
		}
		for (j = 0; j < i && q->id != NULL; j++) {
			if (f->qs[j].id != NULL &&
			    strcmp(f->qs[j].id, q->id) == 0) {
				form_problem(ld, NULL, "question %s: id used "
				    "twice", q->id);
				q->id = NULL;
			}
		}
		/*
		 * A broken id still takes its place, so that later columns
		 * keep their numbers, under a name no question id can have.
		 */
		ld->cols[i] = q->id != NULL ? xstrdup(q->id) :
		    xasprintf("?%zu", i);
		if (!json_is_object(q->json))
			continue;

		where = q->id != NULL ? xasprintf("question %s", q->id) :
		    xasprintf("questions[%zu]", i);
		form_parse_question(ld, where, q);
		/* Earlier questions only; a constraint also sees its own. */
		q->relevant = form_compile(ld, where, q->json, "relevant", i);
		q->calculation = form_compile(ld, where, q->json, "calculation",
		    i);
		q->constraint = form_compile(ld, where, q->json, "constraint",
		    i + 1);
		q->deflt = form_compile_default(ld, where, q->json);
		free(where);
	}
}

static int
form_has_task(const json_t *doc, json_int_t task)
{
	const json_t	*v;
	size_t		 i;

	json_array_foreach(json_object_get(doc, "tasks"), i, v) {
		if (json_integer_value(v) == task)
			return 1;
	}
	return 0;
}

static void
form_load_findings(struct form_loader *ld, const json_t *findings)
{
	struct form		*f = ld->f;
	const json_t		*fd, *v;
	const char		*id;
	char			*where;
	size_t			 i, j;

	if (findings == NULL)
		return;
	if (!json_is_array(findings)) {
		form_problem(ld, NULL, "findings: expected an array");
		return;
	}
	f->nf = json_array_size(findings);
	f->fs = xcalloc(f->nf, sizeof *f->fs);
	json_array_foreach(findings, i, fd) {
		f->fs[i].json = fd;
		id = json_string_value(json_object_get(fd, "id"));
		if (!json_is_object(fd)) {
			form_problem(ld, NULL, "findings[%zu]: expected an "
			    "object", i);
			continue;
		}
		if (form_match(id, FORM_LOWER FORM_DIGIT,
		    FORM_LOWER FORM_DIGIT "_-"))
			where = xasprintf("finding %s", id);
		else {
			where = xasprintf("findings[%zu]", i);
			form_problem(ld, where, "id: must match "
			    "[a-z0-9][a-z0-9_-]*");
		}
		for (j = 0; j < i && id != NULL; j++) {
			if (json_equal(json_object_get(fd, "id"),
			    json_object_get(f->fs[j].json, "id")))
				form_problem(ld, where, "id used twice");
		}
		form_check_keys(ld, where, fd, form_finding_keys);

		v = json_object_get(fd, "task");
		if (!form_positive_int(v))
			form_problem(ld, where, "task: expected a positive "
			    "whole number");
		else if (!form_has_task(f->doc, json_integer_value(v)))
			form_problem(ld, where, "task: %" JSON_INTEGER_FORMAT
			    " is not among the form's tasks",
			    json_integer_value(v));
		v = json_object_get(fd, "severity");
		if (!json_is_string(v) ||
		    !form_in(json_string_value(v), form_severities))
			form_problem(ld, where, "severity: expected violation, "
			    "warning or note");
		form_check_text(ld, where, "text", json_object_get(fd, "text"),
		    1);
		form_check_text(ld, where, "action", json_object_get(fd,
		    "action"), 1);
		v = json_object_get(fd, "deadline_days");
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 3650)
			form_problem(ld, where, "deadline_days: expected a whole "
			    "number of days, 0 to 3650");
		if (json_object_get(fd, "when") == NULL)
			form_problem(ld, where, "when: missing");
		f->fs[i].when = form_compile(ld, where, fd, "when", f->nq);
		free(where);
	}
}

static void
form_load_top(struct form_loader *ld)
{
	const json_t	*doc = ld->f->doc, *v;
	size_t		 i;

	form_check_keys(ld, NULL, doc, form_top_keys);
	v = json_object_get(doc, "id");
	if (!form_valid_id(json_string_value(v)))
		form_problem(ld, NULL, "id: must match [a-z0-9][a-z0-9-]*");
	else
		ld->f->id = json_string_value(v);
	v = json_object_get(doc, "version");
	if (!form_positive_int(v))
		form_problem(ld, NULL, "version: expected a positive whole "
		    "number");
	else
		ld->f->version = (int)json_integer_value(v);
	v = json_object_get(doc, "tasks");
	if (!json_is_array(v))
		form_problem(ld, NULL, "tasks: expected an array of task "
		    "numbers");
	for (i = 0; i < json_array_size(v); i++) {
		if (!form_positive_int(json_array_get(v, i)))
			form_problem(ld, NULL, "tasks[%zu]: expected a positive "
			    "whole number", i);
	}
	form_check_text(ld, NULL, "title", json_object_get(doc, "title"), 1);
	v = json_object_get(doc, "site_kinds");
	if (!json_is_array(v) || json_array_size(v) == 0)
		form_problem(ld, NULL, "site_kinds: expected a non-empty array "
		    "of site kinds");
	for (i = 0; i < json_array_size(v); i++) {
		if (!form_match(json_string_value(json_array_get(v, i)),
		    FORM_LOWER, FORM_LOWER FORM_DIGIT "_-"))
			form_problem(ld, NULL, "site_kinds[%zu]: expected a "
			    "site kind such as \"enterprise\"", i);
	}
}

/*
 * Load name's bytes into a new form, noting every problem in
 * ld->problems rather than stopping at the first; the form is whole only
 * when there are none.
 */
static void
form_build(struct form_loader *ld, const char *buf, size_t len)
{
	struct form	*f;
	json_error_t	 jerr;
	size_t		 i;

	f = ld->f = xcalloc(1, sizeof *f);
	f->path = xstrdup(ld->name);
	f->bytes = xstrndup(buf, len);
	f->len = len;
	util_sha256_hex(f->sha256, buf, len);
	if (len > FORM_MAX_FILE) {
		form_problem(ld, NULL, "larger than %d bytes", FORM_MAX_FILE);
		return;
	}
	f->doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (f->doc == NULL) {
		form_problem(ld, NULL, "line %d column %d: %s", jerr.line,
		    jerr.column, jerr.text);
		return;
	}
	if (!json_is_object(f->doc)) {
		form_problem(ld, NULL, "expected a JSON object");
		return;
	}
	if (expr_env_open(&f->env) != 0)
		form_problem(ld, NULL, "%s", error_msg());

	form_load_top(ld);
	form_load_questions(ld, json_object_get(f->doc, "questions"));
	form_load_findings(ld, json_object_get(f->doc, "findings"));

	for (i = 0; ld->cols != NULL && i < f->nq; i++)
		free(ld->cols[i]);
	free(ld->cols);
	ld->cols = NULL;
}

int
form_load_buf(struct form **out, const char *name, const char *buf,
    size_t len)
{
	struct form_loader	ld = { NULL, name, json_array(), NULL };
	int			rc = 0;

	*out = NULL;
	form_build(&ld, buf, len);
	if (json_array_size(ld.problems) > 0) {
		rc = error_set(LT_EFORM, "%s",
		    json_string_value(json_array_get(ld.problems, 0)));
		goto cleanup;
	}
	*out = ld.f;
	ld.f = NULL;
cleanup:
	form_free(ld.f);
	json_decref(ld.problems);
	return rc;
}

int
form_load(struct form **out, const char *path)
{
	char	*buf = NULL;
	size_t	 len;
	int	 rc;

	*out = NULL;
	if ((rc = util_read_file(path, FORM_MAX_FILE, &buf, &len)) != 0)
		goto cleanup;
	rc = form_load_buf(out, path, buf, len);
cleanup:
	free(buf);
	return rc;
}

int
form_check(const char *path, json_t **problems)
{
	struct form_loader	 ld = { NULL, path, NULL, NULL };
	char			*buf = NULL;
	size_t			 len;
	int			 rc;

	*problems = json_array();
	if ((rc = util_read_file(path, FORM_MAX_FILE, &buf, &len)) != 0) {
		json_array_append_new(*problems, json_string(error_msg()));
		goto cleanup;
	}
	ld.problems = *problems;
	form_build(&ld, buf, len);
	if (json_array_size(*problems) > 0)
		rc = error_set(LT_EFORM, "%s",
		    json_string_value(json_array_get(*problems, 0)));
cleanup:
	form_free(ld.f);
	free(buf);
	return rc;
}

void
form_free(struct form *f)
{
	size_t	i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nq; i++) {
		expr_free(f->qs[i].relevant);
		expr_free(f->qs[i].constraint);
		expr_free(f->qs[i].calculation);
		expr_free(f->qs[i].deflt);
	}
	for (i = 0; i < f->nf; i++)
		expr_free(f->fs[i].when);
	expr_env_free(f->env);
	free(f->qs);
	free(f->fs);
	json_decref(f->doc);
	free(f->bytes);
	free(f->path);
	free(f);
}

static int
form_is_path(const char *s)
{
	size_t	len = strlen(s);

	return strchr(s, '/') != NULL ||
	    (len >= 5 && strcmp(s + len - 5, ".json") == 0);
}

int
form_open(struct form **out, const char *id_or_path,
    const char *const *dirs)
{
	char	*path = NULL, *looked = NULL, *tmp;
	size_t	 i;
	int	 rc;

	*out = NULL;
	if (form_is_path(id_or_path))
		return form_load(out, id_or_path);
	if (!form_valid_id(id_or_path))
		return error_set(LT_EINVAL, "form %s: neither a form id nor a "
		    "file (*.json)", id_or_path);

	for (i = 0; dirs != NULL && dirs[i] != NULL; i++) {
		path = xasprintf("%s/%s.json", dirs[i], id_or_path);
		if (util_exists(path))
			break;
		tmp = xasprintf("%s%s%s", looked != NULL ? looked : "",
		    looked != NULL ? ", " : "", dirs[i]);
		free(looked);
		looked = tmp;
		free(path);
		path = NULL;
	}
	if (path == NULL) {
		rc = error_set(LT_ENOTFOUND, "form %s: not found (looked in %s)",
		    id_or_path, looked != NULL ? looked : "no directory");
		goto cleanup;
	}
	if ((rc = form_load(out, path)) != 0)
		goto cleanup;
	/* <id>.json must be that form, or form_list would disagree. */
	if (strcmp(form_id(*out), id_or_path) != 0) {
		rc = error_set(LT_EFORM, "%s: its id is \"%s\", not \"%s\"",
		    path, form_id(*out), id_or_path);
		form_free(*out);
		*out = NULL;
	}
cleanup:
	free(looked);
	free(path);
	return rc;
}

static int
form_cmp_id(const void *a, const void *b)
{
	const struct form	*fa = *(struct form *const *)a;
	const struct form	*fb = *(struct form *const *)b;

	return strcmp(fa->id, fb->id);
}

int
form_list(const char *const *dirs, struct form ***out, size_t *n)
{
	struct form	**list = NULL, *f;
	struct dirent	 *de;
	DIR		 *d;
	char		 *path;
	size_t		  used = 0, i, j, len;

	for (i = 0; dirs != NULL && dirs[i] != NULL; i++) {
		if ((d = opendir(dirs[i])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			if (de->d_name[0] == '.' || len <= 5 ||
			    strcmp(de->d_name + len - 5, ".json") != 0)
				continue;
			path = xasprintf("%s/%s", dirs[i], de->d_name);
			/*
			 * Only <id>.json, what form_open() would find by id;
			 * the first directory holding an id wins.
			 */
			if (form_load(&f, path) == 0 &&
			    strlen(f->id) == len - 5 &&
			    strncmp(f->id, de->d_name, len - 5) == 0) {
				for (j = 0; j < used; j++) {
					if (strcmp(list[j]->id, f->id) == 0)
						break;
				}
				if (j == used) {
					list = xrealloc(list, (used + 1) *
					    sizeof *list);
					list[used++] = f;
					f = NULL;
				}
			}
			form_free(f);
			free(path);
		}
		closedir(d);
	}
	if (used > 0)
		qsort(list, used, sizeof *list, form_cmp_id);
	error_clear();
	*out = list;
	*n = used;
	return 0;
}

void
form_list_free(struct form **list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		form_free(list[i]);
	free(list);
}

const char *
form_id(const struct form *f)
{
	return f->id;
}

int
form_version(const struct form *f)
{
	return f->version;
}

const char *
form_sha256(const struct form *f)
{
	return f->sha256;
}

const char *
form_path(const struct form *f)
{
	return f->path;
}

const char *
form_bytes(const struct form *f, size_t *len)
{
	if (len != NULL)
		*len = f->len;
	return f->bytes;
}

const char *
form_title(const struct form *f, const char *lang)
{
	const json_t	*title = json_object_get(f->doc, "title");
	const char	*s;

	if ((s = json_string_value(json_object_get(title, lang))) != NULL)
		return s;
	return json_string_value(json_object_get(title,
	    strcmp(lang, "zh") == 0 ? "en" : "zh"));
}

const json_t *
form_doc(const struct form *f)
{
	return f->doc;
}

const struct form_question *
form_find(const struct form *f, const char *id)
{
	size_t	i;

	for (i = 0; i < f->nq; i++) {
		if (strcmp(f->qs[i].id, id) == 0)
			return &f->qs[i];
	}
	return NULL;
}

const json_t *
form_question(const struct form *f, const char *id)
{
	const struct form_question	*q = form_find(f, id);

	return q != NULL ? q->json : NULL;
}

int
form_is_photo(const struct form *f, const char *id)
{
	const struct form_question	*q = form_find(f, id);

	return q != NULL && q->type == FT_PHOTO;
}
