#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db.h"
#include "error.h"
#include "site.h"
#include "util.h"

#define SITE_CSV_MAX	(16 * 1024 * 1024)
#define SITE_FIELDS	11

static const char *const site_kind_list[] = {
	"household", "shop", "enterprise", "construction", "restaurant",
	"mine", "village", "road", NULL
};

const char *const *
site_kinds(void)
{
	return site_kind_list;
}

int
site_kind_valid(const char *kind)
{
	int	i;

	for (i = 0; site_kind_list[i] != NULL; i++) {
		if (strcmp(kind, site_kind_list[i]) == 0)
			return 1;
	}
	return 0;
}

#define SITE_COLUMNS "id, name, village, kind, address, grid_person, " \
	"credit_code, industry, grade, lat, lon"

/* A text column, copied. */
static char *
site_col(sqlite3_stmt *st, int i)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

/* A text column, borrowed from the statement. */
static char *
site_col_borrowed(sqlite3_stmt *st, int i)
{
	return (char *)sqlite3_column_text(st, i);
}

/* Fill a site from a row of SITE_COLUMNS. */
static void
site_row(sqlite3_stmt *st, struct site *s, char *(*col)(sqlite3_stmt *, int))
{
	s->id = col(st, 0);
	s->name = col(st, 1);
	s->village = col(st, 2);
	s->kind = col(st, 3);
	s->address = col(st, 4);
	s->grid_person = col(st, 5);
	s->credit_code = col(st, 6);
	s->industry = col(st, 7);
	s->grade = col(st, 8);
	s->has_location = sqlite3_column_type(st, 9) != SQLITE_NULL &&
	    sqlite3_column_type(st, 10) != SQLITE_NULL;
	s->lat = sqlite3_column_double(st, 9);
	s->lon = sqlite3_column_double(st, 10);
}

int
site_get(sqlite3 *db, const char *id, struct site *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(out, 0, sizeof *out);
	if ((rc = db_prepare(db, &st, "SELECT " SITE_COLUMNS " FROM sites "
	    "WHERE id = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		site_row(st, out, site_col);
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = error_set(LT_ENOTFOUND, "site %s: not registered (see "
		    "lantian sites list)", id);
	else
		rc = db_error(db, "sites");
	sqlite3_finalize(st);
	return rc;
}

void
site_clear(struct site *s)
{
	free(s->id);
	free(s->name);
	free(s->village);
	free(s->kind);
	free(s->address);
	free(s->grid_person);
	free(s->credit_code);
	free(s->industry);
	free(s->grade);
	memset(s, 0, sizeof *s);
}

json_t *
site_to_json(const struct site *s)
{
	json_t	*j;

	j = json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:s?, s:s?, s:s?, s:s?}",
	    "id", s->id, "name", s->name, "village", s->village, "kind",
	    s->kind, "address", s->address, "grid_person", s->grid_person,
	    "credit_code", s->credit_code, "industry", s->industry, "grade",
	    s->grade);
	if (j != NULL && s->has_location) {
		json_object_set_new(j, "lat", json_real(s->lat));
		json_object_set_new(j, "lon", json_real(s->lon));
	}
	return j;
}

/* A string member of a site object, copied; NULL when absent or null. */
static int
site_json_str(const json_t *j, const char *key, char **out)
{
	const json_t	*v = json_object_get(j, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return error_set(LT_EINVAL, "site: %s is not a string", key);
	*out = xstrdup(json_string_value(v));
	return 0;
}

int
site_from_json(const json_t *j, struct site *out)
{
	static const char *const keys[] = { "id", "name", "village", "kind",
	    "address", "grid_person", "credit_code", "industry", "grade" };
	char		**fields[] = { &out->id, &out->name, &out->village,
	    &out->kind, &out->address, &out->grid_person, &out->credit_code,
	    &out->industry, &out->grade };
	const json_t	*lat, *lon;
	size_t		 i;
	int		 rc = 0;

	memset(out, 0, sizeof *out);
	if (!json_is_object(j))
		return error_set(LT_EINVAL, "site: not an object");
	for (i = 0; i < sizeof keys / sizeof keys[0] && rc == 0; i++)
		rc = site_json_str(j, keys[i], fields[i]);
	lat = json_object_get(j, "lat");
	lon = json_object_get(j, "lon");
	if (rc == 0 && (lat != NULL || lon != NULL)) {
		if (!json_is_number(lat) || !json_is_number(lon))
			rc = error_set(LT_EINVAL, "site %s: lat and lon must "
			    "both be numbers", out->id != NULL ? out->id : "");
		out->has_location = 1;
		out->lat = json_number_value(lat);
		out->lon = json_number_value(lon);
	}
	if (rc != 0)
		site_clear(out);
	return rc;
}

int
site_put(sqlite3 *db, const struct site *s)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (s->id == NULL || *s->id == '\0' || s->name == NULL ||
	    *s->name == '\0')
		return error_set(LT_EINVAL, "site: id and name are required");
	if (s->kind == NULL || !site_kind_valid(s->kind))
		return error_set(LT_EINVAL, "site %s: unknown kind \"%s\" "
		    "(household, shop, enterprise, construction, restaurant, "
		    "mine, village, road)", s->id, s->kind != NULL ? s->kind : "");
	if (s->grade != NULL && (strlen(s->grade) != 1 ||
	    strchr("ABCD", s->grade[0]) == NULL))
		return error_set(LT_EINVAL, "site %s: grade \"%s\" is not one "
		    "of A, B, C, D", s->id, s->grade);
	if (s->has_location && (!(s->lat >= -90 && s->lat <= 90) ||
	    !(s->lon >= -180 && s->lon <= 180)))
		return error_set(LT_EINVAL, "site %s: lat/lon out of range",
		    s->id);
	if ((rc = db_prepare(db, &st, "INSERT INTO sites (" SITE_COLUMNS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
	    "ON CONFLICT (id) DO UPDATE SET name = ?2, village = ?3, "
	    "kind = ?4, address = ?5, grid_person = ?6, credit_code = ?7, "
	    "industry = ?8, grade = ?9, lat = ?10, lon = ?11")) != 0)
		return rc;
	db_bind_text(st, 1, s->id);
	db_bind_text(st, 2, s->name);
	db_bind_text(st, 3, s->village);
	db_bind_text(st, 4, s->kind);
	db_bind_text(st, 5, s->address);
	db_bind_text(st, 6, s->grid_person);
	db_bind_text(st, 7, s->credit_code);
	db_bind_text(st, 8, s->industry);
	db_bind_text(st, 9, s->grade);
	if (s->has_location) {
		sqlite3_bind_double(st, 10, s->lat);
		sqlite3_bind_double(st, 11, s->lon);
	}
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "sites");
	sqlite3_finalize(st);
	return rc;
}

int
site_each(sqlite3 *db, const char *kind, const char *village,
    int (*fn)(const struct site *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct site	 s;
	int		 rc;

	if ((rc = db_prepare(db, &st, "SELECT " SITE_COLUMNS " FROM sites "
	    "WHERE (?1 IS NULL OR kind = ?1) AND "
	    "(?2 IS NULL OR village = ?2) ORDER BY village, name, id")) != 0)
		return rc;
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, village);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		site_row(st, &s, site_col_borrowed);
		if (fn(&s, arg) != 0)
			break;
	}
	rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 :
	    db_error(db, "sites");
	sqlite3_finalize(st);
	return rc;
}

/*
 * Split one CSV record starting at *p into at most max fields (RFC 4180:
 * quoted fields may hold commas, quotes doubled, and line breaks).  The
 * fields point into buf, which is rewritten in place.  Returns the number
 * of fields, or -1 on a malformed quote.
 */
static int
site_csv_record(char **p, char **fields, int max)
{
	char	*r = *p, *w = *p;
	int	 n = 0;

	if (*r == '\0')
		return 0;
	for (;;) {
		char *start = w;
		if (*r == '"') {
			r++;
			for (;;) {
				if (*r == '\0')
					return -1;
				if (*r == '"' && r[1] == '"') {
					*w++ = '"';
					r += 2;
				} else if (*r == '"') {
					r++;
					break;
				} else
					*w++ = *r++;
			}
			if (*r != ',' && *r != '\n' && *r != '\r' && *r != '\0')
				return -1;
		} else {
			while (*r != ',' && *r != '\n' && *r != '\r' &&
			    *r != '\0')
				*w++ = *r++;
		}
		char sep = *r;
		*w++ = '\0';
		if (n < max)
			fields[n] = start;
		n++;
		if (sep == ',') {
			r++;
			continue;
		}
		/* The separator may have been overwritten by the field's
		 * terminator: go by the copy in sep. */
		if (sep == '\r') {
			r++;
			if (*r == '\n')
				r++;
		} else if (sep == '\n')
			r++;
		break;
	}
	*p = r;
	return n;
}

/* The most problems of a CSV file named in one message. */
#define SITE_PROBLEMS_MAX	25

/* The problems of an import, one a line: "FILE:LINE: what". */
struct site_problems {
	const char	*path;
	char		*text;
	int		 n;
};

static void
site_problem(struct site_problems *pr, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
site_problem(struct site_problems *pr, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*what, *more;

	if (++pr->n > SITE_PROBLEMS_MAX)
		return;
	va_start(ap, fmt);
	what = xvasprintf(fmt, ap);
	va_end(ap);
	more = xasprintf("%s%s%s:%d: %s", pr->text != NULL ? pr->text : "",
	    pr->text != NULL ? "\n" : "", pr->path, line, what);
	free(what);
	free(pr->text);
	pr->text = more;
}

/*
 * A coordinate of the CSV into *out: 0, or a problem named (not a
 * number, out of range).
 */
static int
site_coord(struct site_problems *pr, int line, const char *name,
    const char *text, double limit, double *out)
{
	char	*end, *clean;
	double	 v;

	v = strtod(text, &end);
	if (*end != '\0' || end == text || isnan(v)) {
		clean = util_sanitize(text);
		site_problem(pr, line, "%s: \"%s\" is not a number", name,
		    clean);
		free(clean);
		return -1;
	}
	if (!(v >= -limit && v <= limit)) {
		clean = util_sanitize(text);
		site_problem(pr, line, "%s: %s is out of range (-%g to %g)",
		    name, clean, limit, limit);
		free(clean);
		return -1;
	}
	*out = v;
	return 0;
}

/* Optional column i of the current line: NULL when absent or empty. */
#define SITE_OPT(i) (col[i] >= 0 && n > col[i] && *f[col[i]] != '\0' ? \
	f[col[i]] : NULL)

int
site_import_csv(sqlite3 *db, const char *path, int *count)
{
	static const char *const names[SITE_FIELDS] = {
		"id", "name", "village", "kind", "address", "grid_person",
		"credit_code", "industry", "grade", "lat", "lon"
	};
	struct site_problems	 pr = { path, NULL, 0 };
	char			*buf, *p, *f[32];
	int			 col[SITE_FIELDS], n, nh, i, j, line = 1, rc;
	int			 bad;
	size_t			 len;
	struct site		 s;

	*count = 0;
	if ((rc = util_read_file(path, SITE_CSV_MAX, &buf, &len)) != 0)
		return rc;
	if (memchr(buf, '\0', len) != NULL) {
		free(buf);
		return error_set(LT_EINVAL, "%s: not a text file", path);
	}
	p = buf;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;		/* spreadsheet programs write a BOM */
	nh = n = site_csv_record(&p, f, 32);
	for (i = 0; i < SITE_FIELDS; i++) {
		col[i] = -1;
		for (j = 0; j < n && j < 32; j++) {
			if (strcmp(f[j], names[i]) == 0)
				col[i] = j;
		}
		if (col[i] < 0 && i < 4) {
			free(buf);
			return error_set(LT_EINVAL, "%s:1: the header names no "
			    "\"%s\" column (needs id, name, village, kind)",
			    path, names[i]);
		}
	}
	if ((rc = db_begin(db)) != 0) {
		free(buf);
		return rc;
	}
	/* Every line is checked: all the problems of a file in one run. */
	while (*p != '\0') {
		line++;
		n = site_csv_record(&p, f, 32);
		if (n < 0) {
			/* What follows cannot be told apart: stop here. */
			site_problem(&pr, line, "unbalanced quote");
			break;
		}
		if (n == 1 && f[0][0] == '\0')
			continue;	/* blank line */
		if (n != nh) {
			site_problem(&pr, line, "%d fields, expected %d", n, nh);
			continue;
		}
		memset(&s, 0, sizeof s);
		s.id = f[col[0]];
		s.name = f[col[1]];
		s.village = f[col[2]];
		s.kind = f[col[3]];
		s.address = SITE_OPT(4);
		s.grid_person = SITE_OPT(5);
		s.credit_code = SITE_OPT(6);
		s.industry = SITE_OPT(7);
		s.grade = SITE_OPT(8);
		bad = 0;
		if (SITE_OPT(9) != NULL || SITE_OPT(10) != NULL) {
			s.has_location = 1;
			if (SITE_OPT(9) == NULL || SITE_OPT(10) == NULL) {
				site_problem(&pr, line, "%s: missing (%s is "
				    "given)", SITE_OPT(9) == NULL ? "lat" :
				    "lon", SITE_OPT(9) == NULL ? "lon" : "lat");
				bad = 1;
			} else {
				bad |= site_coord(&pr, line, "lat",
				    SITE_OPT(9), 90, &s.lat) != 0;
				bad |= site_coord(&pr, line, "lon",
				    SITE_OPT(10), 180, &s.lon) != 0;
			}
		}
		if (bad)
			continue;
		if ((rc = site_put(db, &s)) != 0) {
			if (rc != LT_EINVAL)
				break;	/* the store, not the file */
			site_problem(&pr, line, "%s", error_msg());
			rc = 0;
			continue;
		}
		(*count)++;
	}
	if (rc == 0 && pr.n > SITE_PROBLEMS_MAX)
		rc = error_set(LT_EINVAL, "%s\n%s: and %d more problem(s): "
		    "nothing imported", pr.text, path,
		    pr.n - SITE_PROBLEMS_MAX);
	else if (rc == 0 && pr.n > 0)
		rc = error_set(LT_EINVAL, "%s\n%s: %d problem(s): nothing "
		    "imported", pr.text, path, pr.n);
	if (rc == 0)
		rc = db_commit(db);
	if (rc != 0) {
		db_rollback(db);
		*count = 0;
	}
	free(pr.text);
	free(buf);
	return rc;
}

/* The LIKE pattern that finds text anywhere ('\' escapes), or NULL. */
static char *
site_pattern(const struct site_query *q)
{
	const char	*p;
	char		*out, *w;

	if (q == NULL || q->text == NULL || *q->text == '\0')
		return NULL;
	out = w = xmalloc(strlen(q->text) * 2 + 3);
	*w++ = '%';
	for (p = q->text; *p != '\0'; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			*w++ = '\\';
		*w++ = *p;
	}
	*w++ = '%';
	*w = '\0';
	return out;
}

/* Kinds a query may name (as many as lantian knows). */
#define SITE_QUERY_KINDS	8

/*
 * What a site must pass: ?1 the pattern (NULL: all), ?2 .. ?9 kinds (an
 * IN list of bound values costs nothing when they are NULL).
 */
#define SITE_MATCH "(?1 IS NULL OR id LIKE ?1 ESCAPE '\\' OR " \
	"name LIKE ?1 ESCAPE '\\' OR village LIKE ?1 ESCAPE '\\' OR " \
	"kind LIKE ?1 ESCAPE '\\' OR " \
	"kind IN (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9))"

/* Bind the query's pattern to ?1 and its kinds to ?2 .. ?9. */
static void
site_bind_query(sqlite3_stmt *st, const struct site_query *q,
    const char *pattern)
{
	const char	*p, *end;
	int		 i = 0;

	db_bind_text(st, 1, pattern);
	p = q != NULL ? q->kinds : NULL;
	while (p != NULL && *p != '\0' && i < SITE_QUERY_KINDS) {
		p += strspn(p, " ");
		if ((end = strchr(p, ' ')) == NULL)
			end = p + strlen(p);
		if (end > p)
			sqlite3_bind_text(st, 2 + i++, p, (int)(end - p),
			    SQLITE_TRANSIENT);
		p = end;
	}
}

int
site_villages(sqlite3 *db, const struct site_query *q,
    int (*fn)(const char *, int, void *), void *arg)
{
	sqlite3_stmt	*st;
	char		*pattern;
	int		 rc;

	pattern = site_pattern(q);
	/* Filtered, a scan of the table and a sort of what matched beats
	 * going through the index to every row; unfiltered, the index
	 * alone answers. */
	if (pattern != NULL)
		rc = db_cached(db, &st, "SELECT village, count(*) FROM sites "
		    "NOT INDEXED WHERE " SITE_MATCH " GROUP BY village "
		    "ORDER BY village");
	else
		rc = db_cached(db, &st, "SELECT village, count(*) FROM sites "
		    "WHERE " SITE_MATCH " GROUP BY village ORDER BY village");
	if (rc != 0) {
		free(pattern);
		return rc;
	}
	site_bind_query(st, q, pattern);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn((const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int(st, 1), arg) != 0)
			break;
	}
	rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 :
	    db_error(db, "sites");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	free(pattern);
	return rc;
}

int
site_search(sqlite3 *db, const struct site_query *q, int limit, int offset,
    int (*fn)(const struct site *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct site	 s;
	char		*pattern;
	int		 rc;

	pattern = site_pattern(q);
	/* As site_villages(): when few sites match, walking the index
	 * would visit every row of the table in its order. */
	if (pattern != NULL)
		rc = db_cached(db, &st, "SELECT " SITE_COLUMNS " FROM sites "
		    "NOT INDEXED WHERE " SITE_MATCH " ORDER BY village, name, "
		    "id LIMIT ?10 OFFSET ?11");
	else
		rc = db_cached(db, &st, "SELECT " SITE_COLUMNS " FROM sites "
		    "WHERE " SITE_MATCH " ORDER BY village, name, id "
		    "LIMIT ?10 OFFSET ?11");
	if (rc != 0) {
		free(pattern);
		return rc;
	}
	site_bind_query(st, q, pattern);
	sqlite3_bind_int(st, 10, limit);
	sqlite3_bind_int(st, 11, offset > 0 ? offset : 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		site_row(st, &s, site_col_borrowed);
		if (fn(&s, arg) != 0)
			break;
	}
	rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 :
	    db_error(db, "sites");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	free(pattern);
	return rc;
}

int
site_records(sqlite3 *db, const char *site, int limit, int offset,
    int (*fn)(const struct site_record *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct site_record	 r;
	int			 rc;

	/* records_site (site, created) gives the order; the findings'
	 * primary key (record, rule) counts them. */
	if ((rc = db_cached(db, &st, "SELECT r.id, r.type, r.form, "
	    "r.created, r.status, "
	    "(SELECT count(*) FROM findings f WHERE f.record = r.id), "
	    "(SELECT count(*) FROM findings f WHERE f.record = r.id "
	    "AND f.closed_by IS NULL) "
	    "FROM records r WHERE r.site = ?1 "
	    "ORDER BY r.created DESC, r.id DESC LIMIT ?2 OFFSET ?3")) != 0)
		return rc;
	db_bind_text(st, 1, site);
	sqlite3_bind_int(st, 2, limit);
	sqlite3_bind_int(st, 3, offset > 0 ? offset : 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.id = (const char *)sqlite3_column_text(st, 0);
		r.type = (const char *)sqlite3_column_text(st, 1);
		r.form = (const char *)sqlite3_column_text(st, 2);
		r.created = (const char *)sqlite3_column_text(st, 3);
		r.status = (const char *)sqlite3_column_text(st, 4);
		r.findings = sqlite3_column_int(st, 5);
		r.open = sqlite3_column_int(st, 6);
		if (fn(&r, arg) != 0)
			break;
	}
	rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 :
	    db_error(db, "records");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

int
site_record_count(sqlite3 *db, const char *site, int *count)
{
	sqlite3_stmt	*st;
	int		 rc;

	*count = 0;
	if ((rc = db_cached(db, &st, "SELECT count(*) FROM records "
	    "WHERE site = ?1")) != 0)
		return rc;
	db_bind_text(st, 1, site);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*count = sqlite3_column_int(st, 0);
		rc = 0;
	} else
		rc = db_error(db, "records");
	sqlite3_reset(st);
	return rc;
}
