/*
 * The form engine's insides, shared by form.c (loading, checking, finding
 * forms) and form_eval.c (answers and evaluation).  Not for other modules.
 */
#ifndef LANTIAN_FORM_PRIV_H
#define LANTIAN_FORM_PRIV_H

#include <stddef.h>

#include <jansson.h>

#include "expr.h"
#include "form.h"

enum form_type {
	FT_YES_NO,
	FT_CHOICE,
	FT_MULTI,
	FT_INTEGER,
	FT_DECIMAL,
	FT_TEXT,
	FT_DATE,
	FT_PHOTO,
	FT_LOCATION,
	FT_NOTE,
	FT_CALCULATE,
	FT_INVALID
};

struct form_question {
	const char	*id;		/* from the document */
	enum form_type	 type;
	const json_t	*json;
	int		 required;
	const json_t	*min, *max;	/* numbers, or NULL */
	const json_t	*choices;	/* choice, multi: array */
	const char	*message;	/* constraint_message.en, or NULL */
	struct expr	*relevant;
	struct expr	*constraint;
	struct expr	*calculation;
	struct expr	*deflt;		/* "default": over the site register */
};

struct form_finding {
	const json_t	*json;
	struct expr	*when;
};

struct form {
	char			*path;
	char			*bytes;
	size_t			 len;
	char			 sha256[65];
	json_t			*doc;
	const char		*id;
	int			 version;
	struct form_question	*qs;
	size_t			 nq;
	struct form_finding	*fs;
	size_t			 nf;
	struct expr_env		*env;
};

/* The question of this id, or NULL. */
const struct form_question *form_find(const struct form *f, const char *id);

/* Quote an expression for a message, cut short if it is long; freed by
 * the caller. */
char *form_quote_expr(const char *text);

#endif
