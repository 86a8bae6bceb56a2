#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "expr.h"
#include "form.h"
#include "form_priv.h"
#include "util.h"

/*
 * A number as short as reads back to the same double, with a '.' whatever
 * LC_NUMERIC the TUI runs under (these strings are data, not display).
 */
static void
form_fmt_double(char *buf, size_t size, double d)
{
	const char	*point = localeconv()->decimal_point;
	char		*p;
	size_t		 plen;
	int		 prec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(buf, size, "%.17g", d);
	plen = point != NULL ? strlen(point) : 0;
	if (plen > 0 && strcmp(point, ".") != 0 &&
	    (p = strstr(buf, point)) != NULL) {
		*p = '.';
		memmove(p + 1, p + plen, strlen(p + plen) + 1);
	}
}

static void
form_fmt_number(char *buf, size_t size, const json_t *n)
{
	if (json_is_integer(n))
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(n));
	else
		form_fmt_double(buf, size, json_number_value(n));
}

static int
form_offered(const struct form_question *q, const char *value)
{
	const json_t	*c;
	size_t		 i;

	json_array_foreach(q->choices, i, c) {
		if (strcmp(json_string_value(json_object_get(c, "value")),
		    value) == 0)
			return 1;
	}
	return 0;
}

/* LT_EANSWER: given is not one of q's choices (NULL: not even a string). */
static int
form_not_offered(const struct form_question *q, const char *given)
{
	const json_t	*c;
	char		*list = NULL, *tmp;
	size_t		 i;
	int		 rc;

	json_array_foreach(q->choices, i, c) {
		tmp = xasprintf("%s%s%s", list != NULL ? list : "",
		    list != NULL ? ", " : "",
		    json_string_value(json_object_get(c, "value")));
		free(list);
		list = tmp;
	}
	if (given != NULL)
		rc = error_set(LT_EANSWER, "answer %s: \"%s\" is not one of "
		    "the choices (%s)", q->id, given, list);
	else
		rc = error_set(LT_EANSWER, "answer %s: expected %s (%s)",
		    q->id, q->type == FT_MULTI ? "an array of choices" :
		    "one of the choices", list);
	free(list);
	return rc;
}

/* A multi answer: offered values, each once; [] is no answer. */
static int
form_answer_multi(const struct form_question *q, const json_t *a,
    json_t **norm, struct expr_value *v)
{
	const json_t	*c, *x;
	const char	*value;
	size_t		 i, j, used = 0, size = 1;

	if (!json_is_array(a))
		return form_not_offered(q, NULL);
	json_array_foreach(a, i, x) {
		if (!json_is_string(x) || !form_offered(q, json_string_value(x)))
			return form_not_offered(q, json_string_value(x));
		for (j = 0; j < i; j++) {
			if (json_equal(x, json_array_get(a, j)))
				return error_set(LT_EANSWER, "answer %s: \"%s\" "
				    "is given twice", q->id,
				    json_string_value(x));
		}
		size += json_string_length(x) + 1;
	}
	if (json_array_size(a) == 0)
		return 0;

	/* In the form's order, so equal answers give equal records. */
	*norm = json_array();
	v->type = EXPR_TEXT;
	v->s = xmalloc(size);
	json_array_foreach(q->choices, i, c) {
		value = json_string_value(json_object_get(c, "value"));
		json_array_foreach(a, j, x) {
			if (strcmp(json_string_value(x), value) != 0)
				continue;
			json_array_append_new(*norm, json_string(value));
			used += (size_t)snprintf(v->s + used, size - used,
			    "%s%s", used > 0 ? " " : "", value);
		}
	}
	return 0;
}

static int
form_answer_location(const struct form_question *q, const json_t *a,
    json_t **norm, struct expr_value *v)
{
	const json_t	*lat = json_object_get(a, "lat");
	const json_t	*lon = json_object_get(a, "lon");
	char		 slat[32], slon[32];

	if (!json_is_object(a) || json_object_size(a) != 2 ||
	    !json_is_number(lat) || !json_is_number(lon) ||
	    fabs(json_number_value(lat)) > 90 ||
	    fabs(json_number_value(lon)) > 180)
		return error_set(LT_EANSWER, "answer %s: expected {\"lat\": "
		    "-90..90, \"lon\": -180..180}", q->id);
	*norm = json_pack("{s:f, s:f}", "lat", json_number_value(lat),
	    "lon", json_number_value(lon));
	form_fmt_double(slat, sizeof slat, json_number_value(lat));
	form_fmt_double(slon, sizeof slon, json_number_value(lon));
	v->type = EXPR_TEXT;
	v->s = xasprintf("%s,%s", slat, slon);
	return 0;
}

/*
 * Check an answer (not JSON null) against q's type: *norm is what the
 * record stores and *v what expressions see; both stay empty for an empty
 * answer ("" or []), which counts as unanswered.
 */
static int
form_answer(const struct form_question *q, const json_t *a, json_t **norm,
    struct expr_value *v)
{
	const char	*s = json_string_value(a);

	switch (q->type) {
	case FT_YES_NO:
		if (!json_is_boolean(a))
			return error_set(LT_EANSWER, "answer %s: expected true "
			    "or false", q->id);
		*norm = json_boolean(json_is_true(a));
		v->type = EXPR_INT;
		v->i = json_is_true(a);
		return 0;
	case FT_CHOICE:
		if (s == NULL || !form_offered(q, s))
			return form_not_offered(q, s);
		break;
	case FT_MULTI:
		return form_answer_multi(q, a, norm, v);
	case FT_INTEGER:
		if (!json_is_integer(a))
			return error_set(LT_EANSWER, "answer %s: expected a "
			    "whole number", q->id);
		*norm = json_integer(json_integer_value(a));
		v->type = EXPR_INT;
		v->i = json_integer_value(a);
		return 0;
	case FT_DECIMAL:
		if (!json_is_number(a))
			return error_set(LT_EANSWER, "answer %s: expected a "
			    "number", q->id);
		*norm = json_real(json_number_value(a));
		v->type = EXPR_REAL;
		v->r = json_number_value(a);
		return 0;
	case FT_TEXT:
		if (s == NULL || strlen(s) != json_string_length(a))
			return error_set(LT_EANSWER, "answer %s: expected text "
			    "(a string without NUL)", q->id);
		if (*s == '\0')
			return 0;
		if (strlen(s) > FORM_TEXT_MAX)
			return error_set(LT_EANSWER, "answer %s: too long (%zu "
			    "bytes; at most %d)", q->id, strlen(s),
			    FORM_TEXT_MAX);
		break;
	case FT_DATE:
		if (s == NULL || !util_is_date(s))
			return error_set(LT_EANSWER, "answer %s: expected a date "
			    "YYYY-MM-DD", q->id);
		break;
	case FT_PHOTO:
		if (s == NULL || !util_is_hex(s, 64))
			return error_set(LT_EANSWER, "answer %s: expected the "
			    "photo's SHA-256 (64 lowercase hex digits)", q->id);
		break;
	case FT_LOCATION:
		return form_answer_location(q, a, norm, v);
	case FT_NOTE:
		return error_set(LT_EANSWER, "answer %s: a note takes no "
		    "answer", q->id);
	case FT_CALCULATE:
		return error_set(LT_EANSWER, "answer %s: a calculated field "
		    "takes no answer", q->id);
	case FT_INVALID:
		return error_set(LT_EANSWER, "answer %s: invalid question",
		    q->id);
	}
	*norm = json_string(s);
	v->type = EXPR_TEXT;
	v->s = xstrdup(s);
	return 0;
}

/* An expression failed while evaluating: say where, as the loader does. */
static int
form_eval_failed(const struct form *f, const char *where, const char *kind,
    const struct expr *e)
{
	char	*why, *quoted;
	int	 rc;

	why = xstrdup(error_msg());
	quoted = form_quote_expr(expr_text(e));
	rc = error_set(LT_EFORM, "%s: %s: %s %s: %s", f->path, where, kind,
	    quoted, why);
	free(quoted);
	free(why);
	return rc;
}

static int
form_eval_bool(const struct form *f, const struct form_question *q,
    const char *kind, struct expr *e, const struct expr_value *vals,
    int *truth)
{
	char	*where;
	int	 rc;

	if ((rc = expr_eval_bool(e, vals, expr_columns(e), truth)) != 0) {
		where = xasprintf("question %s", q->id);
		rc = form_eval_failed(f, where, kind, e);
		free(where);
	}
	return rc;
}

/* A calculate question's value: NULL stays unanswered. */
static int
form_calculate(const struct form *f, const struct form_question *q,
    const struct expr_value *vals, json_t **norm, struct expr_value *v)
{
	char	*where;
	int	 rc;

	if ((rc = expr_eval(q->calculation, vals,
	    expr_columns(q->calculation), v)) != 0)
		goto failed;
	if (v->type == EXPR_INT)
		*norm = json_integer(v->i);
	else if (v->type == EXPR_REAL && isfinite(v->r))
		*norm = json_real(v->r);
	else if (v->type == EXPR_TEXT)
		*norm = json_string(v->s);
	if (v->type != EXPR_NULL && *norm == NULL) {
		rc = error_set(LT_EFORM, "the result is %s",
		    v->type == EXPR_TEXT ? "not valid UTF-8" :
		    "not a finite number");
		goto failed;
	}
	return 0;
failed:
	where = xasprintf("question %s", q->id);
	rc = form_eval_failed(f, where, "calculation", q->calculation);
	free(where);
	return rc;
}

static void
form_violation(struct form_eval *out, const char *id, const char *message)
{
	json_array_append_new(out->violations, json_pack("{s:s, s:s}",
	    "question", id, "message", message));
}

/* min and max of a number answer. */
static void
form_check_limits(const struct form_question *q, const struct expr_value *v,
    struct form_eval *out)
{
	char	num[32], *msg;
	double	d = v->type == EXPR_INT ? (double)v->i : v->r;

	if (q->min != NULL && (v->type == EXPR_INT ?
	    v->i < json_integer_value(q->min) : d < json_number_value(q->min))) {
		form_fmt_number(num, sizeof num, q->min);
		msg = xasprintf("must be at least %s", num);
		form_violation(out, q->id, msg);
		free(msg);
	}
	if (q->max != NULL && (v->type == EXPR_INT ?
	    v->i > json_integer_value(q->max) : d > json_number_value(q->max))) {
		form_fmt_number(num, sizeof num, q->max);
		msg = xasprintf("must be at most %s", num);
		form_violation(out, q->id, msg);
		free(msg);
	}
}

static int
form_eval_findings(const struct form *f, const struct expr_value *vals,
    struct form_eval *out)
{
	const json_t	*fd;
	char		*where;
	size_t		 i;
	int		 rc, truth;

	for (i = 0; i < f->nf; i++) {
		fd = f->fs[i].json;
		if ((rc = expr_eval_bool(f->fs[i].when, vals, f->nq,
		    &truth)) != 0) {
			where = xasprintf("finding %s", json_string_value(
			    json_object_get(fd, "id")));
			rc = form_eval_failed(f, where, "when", f->fs[i].when);
			free(where);
			return rc;
		}
		if (truth != 1)
			continue;
		/* Copies: what the caller does with them is not the form's. */
		json_array_append_new(out->findings, json_pack(
		    "{s:s, s:I, s:s, s:o, s:o, s:I}",
		    "id", json_string_value(json_object_get(fd, "id")),
		    "task", json_integer_value(json_object_get(fd, "task")),
		    "severity", json_string_value(json_object_get(fd,
		    "severity")),
		    "text", json_deep_copy(json_object_get(fd, "text")),
		    "action", json_deep_copy(json_object_get(fd, "action")),
		    "deadline_days", json_integer_value(json_object_get(fd,
		    "deadline_days"))));
	}
	return 0;
}

/* The most problems of an answers file said in one message. */
#define FORM_PROBLEMS_MAX	50

/*
 * Every answer that cannot be one of the form's (an unknown question, a
 * value of the wrong type, a choice not offered ...), all in one message,
 * so that one run names them all.
 */
static int
form_check_answers(const struct form *f, const json_t *answers)
{
	const struct form_question	*q;
	struct expr_value		 v;
	const char			*key;
	json_t				*x, *norm;
	char				*all = NULL, *more;
	int				 n = 0, rc;

	json_object_foreach((json_t *)answers, key, x) {
		if ((q = form_find(f, key)) == NULL)
			error_set(LT_EANSWER, "answer %s: no such question in "
			    "form %s", key, f->id);
		else if (json_is_null(x))
			continue;
		else {
			norm = NULL;
			memset(&v, 0, sizeof v);
			rc = form_answer(q, x, &norm, &v);
			json_decref(norm);
			expr_value_clear(&v);
			if (rc == 0)
				continue;
		}
		if (++n > FORM_PROBLEMS_MAX)
			continue;
		more = xasprintf("%s%s%s", all != NULL ? all : "",
		    all != NULL ? "; " : "", error_msg());
		free(all);
		all = more;
	}
	if (n == 0)
		return 0;
	if (n > FORM_PROBLEMS_MAX)
		error_set(LT_EANSWER, "%s; and %d more", all,
		    n - FORM_PROBLEMS_MAX);
	else
		error_set(LT_EANSWER, "%s", all);
	free(all);
	return LT_EANSWER;
}

int
form_eval(const struct form *f, const json_t *answers, struct form_eval *out)
{
	const struct form_question	*q;
	struct expr_value		*vals, v;
	const json_t			*a;
	json_t				*norm = NULL;
	const char			*msg;
	char				*generated = NULL, *quoted;
	size_t				 i;
	int				 rc = 0, truth;

	memset(out, 0, sizeof *out);
	memset(&v, 0, sizeof v);
	if (!json_is_object(answers))
		return error_set(LT_EANSWER, "answers: expected a JSON object "
		    "of question id: answer");
	if (form_check_answers(f, answers) != 0)
		return LT_EANSWER;

	out->answers = json_object();
	out->relevant = json_array();
	out->missing = json_array();
	out->violations = json_array();
	out->values = json_object();
	out->findings = json_array();
	vals = xcalloc(f->nq, sizeof *vals);
	/*
	 * One pass in form order: a question's expressions see only the
	 * questions before it, so their values are final when it comes.
	 */
	for (i = 0; i < f->nq; i++) {
		q = &f->qs[i];
		a = json_object_get(answers, q->id);
		if (a != NULL && !json_is_null(a) &&
		    (rc = form_answer(q, a, &norm, &v)) != 0)
			goto cleanup;
		truth = 1;
		if (q->relevant != NULL && (rc = form_eval_bool(f, q,
		    "relevant", q->relevant, vals, &truth)) != 0)
			goto cleanup;
		if (truth != 1) {
			/* Hidden: its answer is dropped and it is NULL. */
			json_decref(norm);
			norm = NULL;
			expr_value_clear(&v);
			continue;
		}
		json_array_append_new(out->relevant, json_string(q->id));
		if (q->type == FT_CALCULATE &&
		    (rc = form_calculate(f, q, vals, &norm, &v)) != 0)
			goto cleanup;
		if (norm == NULL) {
			if (q->required)
				json_array_append_new(out->missing,
				    json_string(q->id));
			continue;
		}
		if (q->type == FT_CALCULATE)
			json_object_set(out->values, q->id, norm);
		json_object_set_new(out->answers, q->id, norm);
		norm = NULL;
		vals[i] = v;
		memset(&v, 0, sizeof v);

		if (q->type == FT_INTEGER || q->type == FT_DECIMAL)
			form_check_limits(q, &vals[i], out);
		if (q->constraint == NULL)
			continue;
		if ((rc = form_eval_bool(f, q, "constraint", q->constraint,
		    vals, &truth)) != 0)
			goto cleanup;
		/* NULL passes, as in an SQL CHECK: only false is a failure. */
		if (truth != 0)
			continue;
		if ((msg = q->message) == NULL) {
			quoted = form_quote_expr(expr_text(q->constraint));
			msg = generated = xasprintf("does not satisfy %s",
			    quoted);
			free(quoted);
		}
		form_violation(out, q->id, msg);
		free(generated);
		generated = NULL;
	}
	rc = form_eval_findings(f, vals, out);
cleanup:
	for (i = 0; i < f->nq; i++)
		expr_value_clear(&vals[i]);
	free(vals);
	expr_value_clear(&v);
	json_decref(norm);
	if (rc != 0)
		form_eval_clear(out);
	return rc;
}

void
form_eval_clear(struct form_eval *ev)
{
	json_decref(ev->answers);
	json_decref(ev->relevant);
	json_decref(ev->missing);
	json_decref(ev->violations);
	json_decref(ev->values);
	json_decref(ev->findings);
	memset(ev, 0, sizeof *ev);
}

int
form_eval_ok(const struct form_eval *ev)
{
	return ev->answers != NULL && json_array_size(ev->missing) == 0 &&
	    json_array_size(ev->violations) == 0;
}

int
form_default(const struct form *f, const char *id,
    const struct form_site *site, json_t **out)
{
	const struct form_question	*q = form_find(f, id);
	const char			*fields[5];
	struct expr_value		 in[5], v;
	const json_t			*c;
	size_t				 i;
	int				 rc;

	*out = NULL;
	if (q == NULL || q->deflt == NULL)
		return 0;
	fields[0] = site->id;
	fields[1] = site->kind;
	fields[2] = site->village;
	fields[3] = site->industry;
	fields[4] = site->grade;
	for (i = 0; i < 5; i++) {
		memset(&in[i], 0, sizeof in[i]);
		in[i].type = fields[i] != NULL ? EXPR_TEXT : EXPR_NULL;
		in[i].s = (char *)fields[i];
	}
	memset(&v, 0, sizeof v);
	if ((rc = expr_eval(q->deflt, in, 5, &v)) != 0)
		return rc;
	switch (q->type) {
	case FT_YES_NO:
		if (v.type == EXPR_INT)
			*out = json_boolean(v.i != 0);
		break;
	case FT_CHOICE:
		if (v.type != EXPR_TEXT)
			break;
		/* Only a value the question offers. */
		json_array_foreach(q->choices, i, c) {
			if (json_is_string(json_object_get(c, "value")) &&
			    strcmp(json_string_value(json_object_get(c,
			    "value")), v.s) == 0)
				*out = json_string(v.s);
		}
		break;
	case FT_TEXT:
		if (v.type == EXPR_TEXT && *v.s != '\0')
			*out = json_string(v.s);
		break;
	case FT_INTEGER:
		if (v.type == EXPR_INT)
			*out = json_integer(v.i);
		break;
	case FT_DECIMAL:
		if (v.type == EXPR_INT)
			*out = json_real((double)v.i);
		else if (v.type == EXPR_REAL)
			*out = json_real(v.r);
		break;
	default:
		break;
	}
	expr_value_clear(&v);
	return 0;
}
