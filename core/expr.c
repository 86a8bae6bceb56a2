#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "error.h"
#include "expr.h"
#include "util.h"

#ifdef SQLITE_INNOCUOUS
#define EXPR_INNOCUOUS		SQLITE_INNOCUOUS
#else
#define EXPR_INNOCUOUS		0
#endif

/* The progress handler runs every this many virtual machine steps. */
#define EXPR_PROGRESS_EVERY	1000

struct expr_env {
	sqlite3		*db;
	unsigned long	 ticks;		/* progress calls this evaluation */
	unsigned long	 budget;	/* progress calls allowed */
	char		 why[160];	/* the authorizer's first refusal */
};

struct expr {
	struct expr_env	*env;
	sqlite3_stmt	*stmt;
	size_t		 ncols;
	char		*text;
};

/*
 * The functions an expression may call: pure ones, on values only.  No
 * printf or zeroblob (cheap ways to make huge values), no random(), no
 * load_extension, nothing that reads the database or the session.  The date
 * functions stay, for arithmetic on date answers; the clock is hidden from
 * them (expr_vfs_time) and 'now' is refused in the text.
 */
static const char *const expr_functions[] = {
	"abs", "coalesce", "ifnull", "iif", "nullif", "length", "lower",
	"upper", "max", "min", "round", "substr", "substring", "trim", "ltrim",
	"rtrim", "instr", "replace", "typeof", "like", "glob", "julianday",
	"date", "selected", NULL
};

/*
 * Date-function arguments that would make a result depend on the day or on
 * the device's time zone rather than on the answers.
 */
static const char *const expr_impure_literals[] = {
	"now", "localtime", "utc", NULL
};

static sqlite3_vfs	expr_vfs;
static pthread_once_t	expr_vfs_once = PTHREAD_ONCE_INIT;
static int		expr_vfs_rc = SQLITE_ERROR;

/* There is no clock inside the sandbox: 'now' reached any way is NULL. */
static int
expr_vfs_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	*out = 0;
	return SQLITE_ERROR;
}

static int
expr_vfs_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	*out = 0;
	return SQLITE_ERROR;
}

/*
 * The sandbox's VFS: the default one without a clock.  An in-memory
 * database only uses it for temporary files, randomness and time.
 */
static void
expr_vfs_init(void)
{
	sqlite3_vfs	*base;

	if ((base = sqlite3_vfs_find(NULL)) == NULL)
		return;
	expr_vfs = *base;
	expr_vfs.pNext = NULL;
	expr_vfs.zName = "lantian-expr";
	expr_vfs.xCurrentTime = expr_vfs_time;
	if (expr_vfs.iVersion >= 2)
		expr_vfs.xCurrentTimeInt64 = expr_vfs_time64;
	expr_vfs_rc = sqlite3_vfs_register(&expr_vfs, 0);
}

static int
expr_function_allowed(const char *name)
{
	size_t	i;

	for (i = 0; expr_functions[i] != NULL; i++) {
		if (strcasecmp(name, expr_functions[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * Allow SELECT and the listed functions, nothing else.  Columns of the
 * FROM-subquery that carries the answers reach no callback at all (checked
 * against SQLite 3.40: resolving them calls the authorizer with nothing but
 * SQLITE_SELECT), so every SQLITE_READ is of a real table (sqlite_master,
 * json_each, pragma_*) or of a recursive query's own rows: both refused.
 */
static int
expr_authorize(void *arg, int op, const char *a, const char *b,
    const char *db, const char *trigger)
{
	struct expr_env	*env = arg;
	char		 why[sizeof env->why];

	(void)db;
	(void)trigger;
	switch (op) {
	case SQLITE_SELECT:
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		if (b != NULL && expr_function_allowed(b))
			return SQLITE_OK;
		snprintf(why, sizeof why, "function not allowed: %s",
		    b != NULL ? b : "?");
		break;
	case SQLITE_READ:
		snprintf(why, sizeof why, "not allowed: reads table %s",
		    a != NULL ? a : "?");
		break;
	case SQLITE_RECURSIVE:
		/*
		 * A recursive query that reads its own rows without naming a
		 * column (SELECT 1 FROM c) is refused earlier, as "reads
		 * table c".
		 */
		snprintf(why, sizeof why, "not allowed: recursive query");
		break;
	case SQLITE_PRAGMA:
		snprintf(why, sizeof why, "not allowed: PRAGMA %s",
		    a != NULL ? a : "?");
		break;
	case SQLITE_ATTACH:
		snprintf(why, sizeof why, "not allowed: ATTACH");
		break;
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
		/*
		 * No statement of these kinds fits in an expression; a
		 * table-valued function (json_each, pragma_*) gets here as
		 * its table is set up.
		 */
		snprintf(why, sizeof why, "not allowed: tables and "
		    "table-valued functions");
		break;
	default:
		snprintf(why, sizeof why, "not allowed: only SELECT and the "
		    "listed functions (SQLite authorizer code %d)", op);
		break;
	}
	if (env->why[0] == '\0')
		memcpy(env->why, why, sizeof why);
	return SQLITE_DENY;
}

/* Stop an evaluation that has taken its budget of steps. */
static int
expr_progress(void *arg)
{
	struct expr_env	*env = arg;

	return ++env->ticks > env->budget;
}

/*
 * selected(field, 'value'): is value one of the words of field, a multi
 * answer's values joined by single spaces?  NULL is nothing selected.
 */
static void
expr_selected(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char	*field, *value, *p, *end;
	size_t		 vlen, flen, wlen;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[1]) == SQLITE_NULL) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	field = (const char *)sqlite3_value_text(argv[0]);
	flen = (size_t)sqlite3_value_bytes(argv[0]);
	value = (const char *)sqlite3_value_text(argv[1]);
	vlen = (size_t)sqlite3_value_bytes(argv[1]);
	if (field == NULL || value == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (p = field, end = field + flen; vlen > 0 && p < end; p += wlen + 1) {
		const char *space = memchr(p, ' ', (size_t)(end - p));

		wlen = space != NULL ? (size_t)(space - p) : (size_t)(end - p);
		if (wlen == vlen && memcmp(p, value, vlen) == 0) {
			sqlite3_result_int(ctx, 1);
			return;
		}
	}
	sqlite3_result_int(ctx, 0);
}

/*
 * SQLite's own trim(X, Y), replace() and instr() compare every position of
 * X with every character (or byte) of Y: one step of the virtual machine,
 * where the progress handler never runs, that took minutes over strings
 * of 100,000 characters.  These are the same functions in linear time
 * (glibc's memmem is the Two-Way algorithm; the characters of Y are
 * sorted once and searched), with SQLite's semantics: NULL in, NULL out;
 * numbers as their text; characters are UTF-8.
 */

/* The code point at *p (advancing it); a bad byte counts as itself. */
static unsigned long
expr_utf8_next(const unsigned char **p, const unsigned char *end)
{
	const unsigned char	*s = *p;
	unsigned long		 c = *s++;
	int			 n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

	if (n > 0)
		c &= 0x3f >> n;
	while (n-- > 0 && s < end && (*s & 0xc0) == 0x80)
		c = (c << 6) | (*s++ & 0x3f);
	*p = s;
	return c;
}

/* The start of the character ending at end (end > start). */
static const unsigned char *
expr_utf8_prev(const unsigned char *start, const unsigned char *end)
{
	const unsigned char	*p = end - 1;

	while (p > start && (*p & 0xc0) == 0x80 && end - p < 4)
		p--;
	return p;
}

static int
expr_cmp_ul(const void *a, const void *b)
{
	unsigned long	x = *(const unsigned long *)a;
	unsigned long	y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* trim, ltrim, rtrim (sqlite3_user_data: 1 left, 2 right, 3 both). */
static void
expr_trim(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char	*x, *y, *p, *end, *q, *t, *ye;
	unsigned long		*set, c;
	size_t			 n = 0;
	int			 mode = (int)(intptr_t)sqlite3_user_data(ctx);

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    (argc == 2 && sqlite3_value_type(argv[1]) == SQLITE_NULL))
		return;
	x = sqlite3_value_text(argv[0]);
	if (x == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	end = x + sqlite3_value_bytes(argv[0]);
	if (argc == 2) {
		if ((y = sqlite3_value_text(argv[1])) == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		ye = y + sqlite3_value_bytes(argv[1]);
	} else {
		y = (const unsigned char *)" ";
		ye = y + 1;
	}
	set = xcalloc((size_t)(ye - y) + 1, sizeof *set);
	for (q = y; q < ye; )
		set[n++] = expr_utf8_next(&q, ye);
	qsort(set, n, sizeof *set, expr_cmp_ul);
	p = x;
	if (mode & 1) {
		while (p < end) {
			q = p;
			c = expr_utf8_next(&q, end);
			if (bsearch(&c, set, n, sizeof *set, expr_cmp_ul) == NULL)
				break;
			p = q;
		}
	}
	if (mode & 2) {
		while (end > p) {
			q = t = expr_utf8_prev(p, end);
			c = expr_utf8_next(&t, end);
			if (bsearch(&c, set, n, sizeof *set, expr_cmp_ul) == NULL)
				break;
			end = q;
		}
	}
	free(set);
	sqlite3_result_text(ctx, (const char *)p, (int)(end - p),
	    SQLITE_TRANSIENT);
}

/* replace(X, Y, Z): every Y in X by Z. */
static void
expr_replace(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char	*x, *y, *z, *p, *hit;
	size_t		 xn, yn, zn, count = 0, outn, left;
	char		*out, *o;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[1]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[2]) == SQLITE_NULL)
		return;
	x = (const char *)sqlite3_value_text(argv[0]);
	xn = (size_t)sqlite3_value_bytes(argv[0]);
	y = (const char *)sqlite3_value_text(argv[1]);
	yn = (size_t)sqlite3_value_bytes(argv[1]);
	z = (const char *)sqlite3_value_text(argv[2]);
	zn = (size_t)sqlite3_value_bytes(argv[2]);
	if (x == NULL || y == NULL || z == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (yn == 0) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	for (p = x, left = xn; (hit = memmem(p, left, y, yn)) != NULL;
	    left = xn - (size_t)(p - x)) {
		count++;
		p = hit + yn;
	}
	outn = xn - count * yn;
	if (zn > 0 && count > (size_t)sqlite3_limit(sqlite3_context_db_handle(
	    ctx), SQLITE_LIMIT_LENGTH, -1) / zn) {
		sqlite3_result_error_toobig(ctx);
		return;
	}
	outn += count * zn;
	if (outn > (size_t)sqlite3_limit(sqlite3_context_db_handle(ctx),
	    SQLITE_LIMIT_LENGTH, -1)) {
		sqlite3_result_error_toobig(ctx);
		return;
	}
	o = out = xmalloc(outn + 1);
	for (p = x, left = xn; (hit = memmem(p, left, y, yn)) != NULL;
	    left = xn - (size_t)(p - x)) {
		memcpy(o, p, (size_t)(hit - p));
		o += hit - p;
		memcpy(o, z, zn);
		o += zn;
		p = hit + yn;
	}
	memcpy(o, p, left);
	o += left;
	sqlite3_result_text(ctx, out, (int)(o - out), free);
}

/* instr(X, Y): the character position of the first Y in X, or 0. */
static void
expr_instr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char	*x, *y, *hit, *p;
	size_t			 xn, yn;
	sqlite3_int64		 pos = 1;
	int			 blob;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	blob = sqlite3_value_type(argv[0]) == SQLITE_BLOB &&
	    sqlite3_value_type(argv[1]) == SQLITE_BLOB;
	if (blob) {
		x = sqlite3_value_blob(argv[0]);
		y = sqlite3_value_blob(argv[1]);
	} else {
		x = sqlite3_value_text(argv[0]);
		y = sqlite3_value_text(argv[1]);
	}
	xn = (size_t)sqlite3_value_bytes(argv[0]);
	yn = (size_t)sqlite3_value_bytes(argv[1]);
	if (yn == 0) {
		sqlite3_result_int(ctx, 1);
		return;
	}
	if ((x == NULL && xn > 0) || y == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (xn == 0 || (hit = memmem(x, xn, y, yn)) == NULL) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	if (blob)
		pos += hit - x;
	else
		for (p = x; p < hit; pos++)
			(void)expr_utf8_next(&p, hit);
	sqlite3_result_int64(ctx, pos);
}

/* The linear replacements of SQLite's own, registered on a sandbox. */
static int
expr_register(sqlite3 *db)
{
	static const struct {
		const char	*name;
		int		 nargs;
		intptr_t	 mode;
		void		(*fn)(sqlite3_context *, int, sqlite3_value **);
	} fns[] = {
		{ "selected", 2, 0, expr_selected },
		{ "trim", 1, 3, expr_trim }, { "trim", 2, 3, expr_trim },
		{ "ltrim", 1, 1, expr_trim }, { "ltrim", 2, 1, expr_trim },
		{ "rtrim", 1, 2, expr_trim }, { "rtrim", 2, 2, expr_trim },
		{ "replace", 3, 0, expr_replace },
		{ "instr", 2, 0, expr_instr },
	};
	size_t	i;

	for (i = 0; i < sizeof fns / sizeof fns[0]; i++)
		if (sqlite3_create_function(db, fns[i].name, fns[i].nargs,
		    SQLITE_UTF8 | SQLITE_DETERMINISTIC | EXPR_INNOCUOUS,
		    (void *)fns[i].mode, fns[i].fn, NULL, NULL) != SQLITE_OK)
			return -1;
	return 0;
}

int
expr_env_open(struct expr_env **out)
{
	struct expr_env	*env;
	int		 rc = 0, flags;

	*out = NULL;
	pthread_once(&expr_vfs_once, expr_vfs_init);
	if (expr_vfs_rc != SQLITE_OK)
		return error_set(LT_EFORM, "expression sandbox: no SQLite VFS");

	env = xcalloc(1, sizeof *env);
	env->budget = EXPR_MAX_STEPS / EXPR_PROGRESS_EVERY;
	/*
	 * Read-only: even a statement that got past the authorizer could not
	 * write.  NOMUTEX: a form is used by one thread at a time (expr.h),
	 * so SQLite's own locking would only cost.
	 */
	flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_MEMORY |
	    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
	if (sqlite3_open_v2(":memory:", &env->db, flags, expr_vfs.zName) !=
	    SQLITE_OK) {
		rc = error_set(LT_EFORM, "expression sandbox: %s",
		    env->db != NULL ? sqlite3_errmsg(env->db) : "out of memory");
		goto cleanup;
	}

	sqlite3_db_config(env->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0,
	    NULL);
#ifdef SQLITE_DBCONFIG_DEFENSIVE
	sqlite3_db_config(env->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
#endif
#ifdef SQLITE_DBCONFIG_TRUSTED_SCHEMA
	sqlite3_db_config(env->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
#endif
	/* "gas" must be an unknown column, not quietly the string 'gas'. */
#ifdef SQLITE_DBCONFIG_DQS_DML
	sqlite3_db_config(env->db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	sqlite3_db_config(env->db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
#endif
	sqlite3_db_config(env->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
#ifdef SQLITE_DBCONFIG_ENABLE_VIEW
	sqlite3_db_config(env->db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
#endif

	/*
	 * Modest limits: a form's expressions are short and shallow.  The
	 * progress handler only runs between steps, and one step (a LIKE on
	 * a long text) can take a while, so values and patterns are kept
	 * small too: at worst such a step costs a fraction of a second.
	 */
	sqlite3_limit(env->db, SQLITE_LIMIT_LENGTH, EXPR_MAX_VALUE);
	sqlite3_limit(env->db, SQLITE_LIMIT_SQL_LENGTH,
	    EXPR_MAX_TEXT + EXPR_MAX_COLUMNS * 80);
	sqlite3_limit(env->db, SQLITE_LIMIT_EXPR_DEPTH, 100);
	sqlite3_limit(env->db, SQLITE_LIMIT_COMPOUND_SELECT, 8);
	sqlite3_limit(env->db, SQLITE_LIMIT_VDBE_OP, 50000);
	sqlite3_limit(env->db, SQLITE_LIMIT_FUNCTION_ARG, 32);
	sqlite3_limit(env->db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_limit(env->db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 100);
	sqlite3_limit(env->db, SQLITE_LIMIT_VARIABLE_NUMBER, EXPR_MAX_COLUMNS);
	sqlite3_limit(env->db, SQLITE_LIMIT_TRIGGER_DEPTH, 1);
	sqlite3_limit(env->db, SQLITE_LIMIT_WORKER_THREADS, 0);

	if (expr_register(env->db) != 0) {
		rc = error_set(LT_EFORM, "expression sandbox: %s",
		    sqlite3_errmsg(env->db));
		goto cleanup;
	}
	sqlite3_set_authorizer(env->db, expr_authorize, env);
	sqlite3_progress_handler(env->db, EXPR_PROGRESS_EVERY, expr_progress,
	    env);

	*out = env;
	env = NULL;
cleanup:
	expr_env_free(env);
	return rc;
}

void
expr_env_free(struct expr_env *env)
{
	if (env == NULL)
		return;
	sqlite3_close_v2(env->db);
	free(env);
}

void
expr_env_set_budget(struct expr_env *env, unsigned long steps)
{
	if (steps == 0)
		steps = EXPR_MAX_STEPS;
	env->budget = steps / EXPR_PROGRESS_EVERY;
}

/* The impure word that the literal at s (len bytes, unquoted) is, or NULL. */
static const char *
expr_impure(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; expr_impure_literals[i] != NULL; i++) {
		if (strlen(expr_impure_literals[i]) == len &&
		    strncasecmp(s, expr_impure_literals[i], len) == 0)
			return expr_impure_literals[i];
	}
	return NULL;
}

/*
 * Check that text can only be one expression inside the parentheses it is
 * pasted into: outside quotes, no ';' and no comment (either could end or
 * hide the rest of the statement), parentheses that never close ours, and
 * no parameter (which could read a column the expression must not see).
 */
static int
expr_scan(const char *text)
{
	const char	*p, *start, *word;
	char		 quote;
	int		 depth = 0, blank = 1;

	if (strlen(text) > EXPR_MAX_TEXT)
		return error_set(LT_EFORM, "longer than %d characters",
		    EXPR_MAX_TEXT);
	for (p = text; *p != '\0'; p++) {
		if (!isspace((unsigned char)*p))
			blank = 0;
		switch (*p) {
		case '\'':
		case '"':
		case '`':
		case '[':
			quote = *p == '[' ? ']' : *p;
			start = ++p;
			for (;; p++) {
				if (*p == '\0')
					return error_set(LT_EFORM,
					    "unterminated quote %c", quote);
				if (*p != quote)
					continue;
				/* '' inside '...' (and "" in "...") is one. */
				if (quote != ']' && p[1] == quote) {
					p++;
					continue;
				}
				break;
			}
			if (quote == '\'' &&
			    (word = expr_impure(start, (size_t)(p - start))) !=
			    NULL)
				return error_set(LT_EFORM, "'%s' is not allowed: "
				    "the result would depend on the clock or the "
				    "time zone, not on the answers", word);
			break;
		case ';':
			return error_set(LT_EFORM,
			    "';' is not allowed: one expression only");
		case '-':
			if (p[1] == '-')
				return error_set(LT_EFORM,
				    "comments are not allowed");
			break;
		case '/':
			if (p[1] == '*')
				return error_set(LT_EFORM,
				    "comments are not allowed");
			break;
		case '?':
		case ':':
		case '@':
		case '$':
			return error_set(LT_EFORM,
			    "parameters are not allowed: '%c'", *p);
		case '(':
			depth++;
			break;
		case ')':
			if (--depth < 0)
				return error_set(LT_EFORM,
				    "unbalanced parentheses");
			break;
		}
	}
	if (blank)
		return error_set(LT_EFORM, "empty expression");
	if (depth != 0)
		return error_set(LT_EFORM, "unbalanced parentheses");
	return 0;
}

/* Explain a failed prepare in a form author's terms. */
static int
expr_prepare_error(struct expr_env *env)
{
	const char	*msg = sqlite3_errmsg(env->db);

	if (env->why[0] != '\0')
		return error_set(LT_EFORM, "%s", env->why);
	if (strncmp(msg, "no such column: ", 16) == 0)
		return error_set(LT_EFORM,
		    "%s (unknown field, or one that comes later)", msg);
	return error_set(LT_EFORM, "%s", msg);
}

int
expr_compile(struct expr_env *env, struct expr **out, const char *text,
    const char *const *cols, size_t ncols)
{
	return expr_compile_as(env, out, text, cols, ncols, NULL);
}

int
expr_compile_as(struct expr_env *env, struct expr **out, const char *text,
    const char *const *cols, size_t ncols, const char *alias)
{
	struct expr	*e = NULL;
	char		*sql = NULL;
	const char	*tail = NULL;
	size_t		 size, used, i;
	int		 rc;

	*out = NULL;
	if ((rc = expr_scan(text)) != 0)
		goto cleanup;
	if (ncols > EXPR_MAX_COLUMNS) {
		rc = error_set(LT_EFORM, "more than %d fields",
		    EXPR_MAX_COLUMNS);
		goto cleanup;
	}

	/*
	 * SELECT (<text>) FROM (SELECT ?1 AS "c1", ...).  Column names are
	 * quoted with '"' doubled, so that no name can end its quotes.
	 */
	size = strlen(text) + 64 + (alias != NULL ? strlen(alias) : 0);
	for (i = 0; i < ncols; i++)
		size += 2 * strlen(cols[i]) + 32;
	sql = xmalloc(size);
	used = (size_t)snprintf(sql, size, "SELECT (%s)", text);
	for (i = 0; i < ncols; i++) {
		const char *c;

		used += (size_t)snprintf(sql + used, size - used, "%s?%zu AS \"",
		    i == 0 ? " FROM (SELECT " : ", ", i + 1);
		for (c = cols[i]; *c != '\0'; c++) {
			if (*c == '"')
				sql[used++] = '"';
			sql[used++] = *c;
		}
		sql[used++] = '"';
	}
	snprintf(sql + used, size - used, "%s%s%s", ncols > 0 ? ")" : "",
	    ncols > 0 && alias != NULL ? " AS " : "",
	    ncols > 0 && alias != NULL ? alias : "");

	e = xcalloc(1, sizeof *e);
	e->env = env;
	e->ncols = ncols;
	e->text = xstrdup(text);
	env->why[0] = '\0';
	if (sqlite3_prepare_v3(env->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &e->stmt, &tail) != SQLITE_OK) {
		rc = expr_prepare_error(env);
		goto cleanup;
	}
	while (tail != NULL && isspace((unsigned char)*tail))
		tail++;
	/*
	 * expr_scan() already keeps the text inside its parentheses; this is
	 * the second lock on the same door.
	 */
	if (e->stmt == NULL || (tail != NULL && *tail != '\0') ||
	    sqlite3_column_count(e->stmt) != 1 ||
	    (size_t)sqlite3_bind_parameter_count(e->stmt) != ncols ||
	    !sqlite3_stmt_readonly(e->stmt)) {
		rc = error_set(LT_EFORM, "not a single expression");
		goto cleanup;
	}
	*out = e;
	e = NULL;
cleanup:
	expr_free(e);
	free(sql);
	return rc;
}

void
expr_free(struct expr *e)
{
	if (e == NULL)
		return;
	sqlite3_finalize(e->stmt);
	free(e->text);
	free(e);
}

const char *
expr_text(const struct expr *e)
{
	return e->text;
}

size_t
expr_columns(const struct expr *e)
{
	return e->ncols;
}

void
expr_value_clear(struct expr_value *v)
{
	if (v->type == EXPR_TEXT)
		free(v->s);
	memset(v, 0, sizeof *v);
	v->type = EXPR_NULL;
}

/* Bind the values and step to the one row; the caller resets. */
static int
expr_run(struct expr *e, const struct expr_value *vals, size_t nvals)
{
	sqlite3		*db = e->env->db;
	sqlite3_stmt	*st = e->stmt;
	size_t		 i;
	int		 rc = SQLITE_OK, step;

	for (i = 0; i < e->ncols && rc == SQLITE_OK; i++) {
		const struct expr_value	*v = i < nvals ? &vals[i] : NULL;
		int			 col = (int)i + 1;

		if (v == NULL || v->type == EXPR_NULL)
			rc = sqlite3_bind_null(st, col);
		else if (v->type == EXPR_INT)
			rc = sqlite3_bind_int64(st, col, v->i);
		else if (v->type == EXPR_REAL)
			rc = sqlite3_bind_double(st, col, v->r);
		else
			rc = sqlite3_bind_text(st, col, v->s, -1,
			    SQLITE_STATIC);
	}
	if (rc != SQLITE_OK)
		return error_set(LT_EFORM, "value %zu: %s", i,
		    sqlite3_errstr(rc));

	e->env->ticks = 0;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		return 0;
	if (step == SQLITE_INTERRUPT)
		return error_set(LT_EFORM,
		    "expression too expensive (stopped after %lu steps)",
		    e->env->budget * EXPR_PROGRESS_EVERY);
	if (step == SQLITE_DONE)
		return error_set(LT_EFORM, "no result");
	return error_set(LT_EFORM, "%s", sqlite3_errmsg(db));
}

/* Forget this evaluation: reset, and drop pointers to the caller's text. */
static void
expr_done(struct expr *e)
{
	sqlite3_reset(e->stmt);
	sqlite3_clear_bindings(e->stmt);
}

int
expr_eval(struct expr *e, const struct expr_value *vals, size_t nvals,
    struct expr_value *out)
{
	int	rc;

	memset(out, 0, sizeof *out);
	out->type = EXPR_NULL;
	if ((rc = expr_run(e, vals, nvals)) != 0)
		goto cleanup;
	switch (sqlite3_column_type(e->stmt, 0)) {
	case SQLITE_NULL:
		break;
	case SQLITE_INTEGER:
		out->type = EXPR_INT;
		out->i = sqlite3_column_int64(e->stmt, 0);
		break;
	case SQLITE_FLOAT:
		out->type = EXPR_REAL;
		out->r = sqlite3_column_double(e->stmt, 0);
		break;
	case SQLITE_TEXT:
		out->type = EXPR_TEXT;
		out->s = xstrndup(
		    (const char *)sqlite3_column_text(e->stmt, 0),
		    (size_t)sqlite3_column_bytes(e->stmt, 0));
		break;
	default:
		rc = error_set(LT_EFORM, "the result is a blob");
		break;
	}
cleanup:
	expr_done(e);
	return rc;
}

int
expr_eval_bool(struct expr *e, const struct expr_value *vals, size_t nvals,
    int *out)
{
	int	rc;

	*out = -1;
	if ((rc = expr_run(e, vals, nvals)) != 0)
		goto cleanup;
	/*
	 * SQLite's own truth: NULL is unknown, a number is true when not zero,
	 * and text counts by its numeric prefix ('1x' true, 'yes' false),
	 * which is what sqlite3_column_double() computes.
	 */
	switch (sqlite3_column_type(e->stmt, 0)) {
	case SQLITE_NULL:
		break;
	case SQLITE_INTEGER:
		*out = sqlite3_column_int64(e->stmt, 0) != 0;
		break;
	default:
		*out = sqlite3_column_double(e->stmt, 0) != 0.0;
		break;
	}
cleanup:
	expr_done(e);
	return rc;
}
