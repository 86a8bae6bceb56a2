/*
 * The expression sandbox of the form engine: SQLite expressions over a
 * form's answers, compiled once on a private in-memory connection and
 * evaluated many times.
 *
 * An expression is compiled as
 *	SELECT (<expr>) FROM (SELECT ?1 AS "q1", ?2 AS "q2", ...)
 * with the columns the expression may see, in order; evaluation binds the
 * first values of an array to those parameters.  The connection is
 * read-only, behind an authorizer that allows SELECT and a short list of
 * pure functions and nothing else (no table, not even sqlite_master, no
 * PRAGMA, ATTACH, recursive query or load_extension), with tight limits and
 * a progress handler that stops an evaluation after a fixed number of
 * virtual machine steps.  The clock is hidden: date('now') is refused when
 * written out and is NULL however it is reached, so a form gives the same
 * result on every device and every day.
 *
 * Errors are LT_EFORM with only the why as message ("no such column: fuell
 * (unknown field, or one that comes later)"); the caller says which form,
 * question and expression.
 *
 * Ownership: an expr_env and the exprs compiled on it are the caller's;
 * free the exprs with expr_free() before the env with expr_env_free().  A
 * connection is used by one thread at a time, so is everything compiled on
 * it.
 */
#ifndef LANTIAN_EXPR_H
#define LANTIAN_EXPR_H

#include <stddef.h>
#include <stdint.h>

/* Longest expression text accepted. */
#define EXPR_MAX_TEXT		4096
/*
 * The longest string or blob a value in an expression may be: above the
 * longest text answer (FORM_TEXT_MAX), and small enough that no single
 * step over it (where the progress handler cannot stop it) takes long.
 */
#define EXPR_MAX_VALUE		(65 * 1024)
/*
 * Most columns an expression may see: a form's questions.  Loading costs
 * grow with the square of it (each expression is compiled over the
 * questions before it): 500 loads in about a second.
 */
#define EXPR_MAX_COLUMNS	500
/* Virtual machine steps an evaluation may take before it is stopped. */
#define EXPR_MAX_STEPS		1000000UL

struct expr_env;
struct expr;

enum expr_type {
	EXPR_NULL,
	EXPR_INT,
	EXPR_REAL,
	EXPR_TEXT
};

/* A value going into or coming out of an expression. */
struct expr_value {
	enum expr_type	 type;
	int64_t		 i;	/* EXPR_INT */
	double		 r;	/* EXPR_REAL */
	char		*s;	/* EXPR_TEXT: NUL-terminated; owned by whoever
				   filled the struct (see expr_value_clear) */
};

/* Open a sandbox: a private, read-only, in-memory connection. */
int expr_env_open(struct expr_env **out);
void expr_env_free(struct expr_env *env);

/*
 * Compile text seeing the columns cols[0..ncols-1] (valid SQL identifiers,
 * as question ids are).  Checked here, once: that the text is one
 * expression (no ';', comment, parameter or unbalanced parenthesis outside
 * quotes), that every name resolves, and that the authorizer allows it.
 */
int expr_compile(struct expr_env *env, struct expr **out, const char *text,
    const char *const *cols, size_t ncols);
/*
 * The same, the columns seen also as alias.column (alias: an SQL
 * identifier the caller writes, never one from outside): "site.village".
 */
int expr_compile_as(struct expr_env *env, struct expr **out,
    const char *text, const char *const *cols, size_t ncols,
    const char *alias);
void expr_free(struct expr *e);
/* The source text, as given. */
const char *expr_text(const struct expr *e);
/* How many columns the expression sees (values it binds). */
size_t expr_columns(const struct expr *e);

/*
 * Evaluate with vals[0..nvals-1] bound to the first columns (a column with
 * no value is NULL).  *out is filled and its text, if any, is the caller's
 * (expr_value_clear).
 */
int expr_eval(struct expr *e, const struct expr_value *vals, size_t nvals,
    struct expr_value *out);
/*
 * Evaluate as a condition, as SQLite's WHERE would: *out is 1 true, 0 false,
 * -1 NULL.
 */
int expr_eval_bool(struct expr *e, const struct expr_value *vals,
    size_t nvals, int *out);

/* Free the text of a value that expr_eval() filled, and make it NULL. */
void expr_value_clear(struct expr_value *v);

/*
 * For tests: set the step budget of every later evaluation on env (0
 * restores EXPR_MAX_STEPS), so that the progress handler can be exercised
 * without an expression that runs for long.
 */
void expr_env_set_budget(struct expr_env *env, unsigned long steps);

#endif
