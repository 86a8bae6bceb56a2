/*
 * Sites: the households, shops, enterprises, construction sites,
 * restaurants and mines an inspector visits.
 *
 * Ownership: site_get() fills a struct site whose strings it owns;
 * site_clear() frees them.
 */
#ifndef LANTIAN_SITE_H
#define LANTIAN_SITE_H

#include <jansson.h>
#include <sqlite3.h>

struct site {
	char	*id;		/* stable id, e.g. "XY-E-003" */
	char	*name;		/* 下冶水泥厂 */
	char	*village;	/* 下冶村 */
	char	*kind;		/* household, shop, enterprise, ... */
	char	*address;	/* or NULL */
	char	*grid_person;	/* 网格员 responsible for it, or NULL */
	char	*credit_code;	/* 统一社会信用代码, or NULL */
	char	*industry;	/* or NULL */
	char	*grade;		/* performance grade A-D (task 18), or NULL */
	int	 has_location;	/* lat and lon are set */
	double	 lat, lon;	/* WGS 84 */
};

/* Is kind one of the kinds lantian knows? */
int site_kind_valid(const char *kind);
/* The known kinds, NULL-terminated. */
const char *const *site_kinds(void);

/* LT_ENOTFOUND names the site when it is not registered. */
int site_get(sqlite3 *db, const char *id, struct site *out);
void site_clear(struct site *s);
/*
 * A site as a JSON object: id, name, village, kind, and address,
 * grid_person, credit_code, industry, grade, lat, lon when set (the shape
 * of `sites list --json` and of the office's sites.json).  site_from_json
 * checks the types only (site_put checks the values); out is the caller's
 * to clear.
 */
json_t *site_to_json(const struct site *s);
int site_from_json(const json_t *j, struct site *out);

/* Insert or update a site (inside or outside a transaction). */
int site_put(sqlite3 *db, const struct site *s);

/*
 * Call fn for each site, ordered by village then name, filtered by kind
 * and village when not NULL; fn returning non-zero stops the walk.
 */
int site_each(sqlite3 *db, const char *kind, const char *village,
    int (*fn)(const struct site *, void *), void *arg);

/*
 * Import a CSV file (RFC 4180 quoting; header line naming at least id,
 * name, kind, village; optional grid_person, address, credit_code,
 * industry, grade, lat, lon) in one transaction.  Every line has the
 * header's number of fields.  Any bad line refuses the whole file, and
 * every problem of every line is named in one message, one a line:
 * "FILE:LINE: lat: \"abc\" is not a number", "FILE:LINE: 8 fields,
 * expected 11" (at most 25, then how many more).  *count gets the sites
 * read.
 */
int site_import_csv(sqlite3 *db, const char *path, int *count);

/*
 * A search of the register.  text is matched anywhere in the id, name,
 * village or kind, case-insensitively for Latin letters ('%' and '_' are
 * plain characters); the sites of kinds, a space-separated list of at most
 * 8 kinds, match the text too (the TUI passes the kinds whose translated
 * names hold it).
 */
struct site_query {
	const char	*text;		/* NULL or "": every site */
	const char	*kinds;		/* "shop mine", or NULL */
};

/*
 * Call fn with each village that has sites matching q (NULL: all), in the
 * order site_search() gives them, and how many it has; a site without a
 * village comes first with village NULL.  fn returning non-zero stops.
 */
int site_villages(sqlite3 *db, const struct site_query *q,
    int (*fn)(const char *village, int count, void *), void *arg);

/*
 * Call fn for at most limit sites matching q (NULL: all) from the offset-th
 * on, ordered by village, name, id; the site is borrowed for the call.
 * fn returning non-zero stops.
 */
int site_search(sqlite3 *db, const struct site_query *q, int limit,
    int offset, int (*fn)(const struct site *, void *), void *arg);

/* One record of a site, as its history lists it (borrowed for the call). */
struct site_record {
	const char	*id;		/* record id */
	const char	*type;		/* inspection, site, amendment */
	const char	*form;		/* form id, or NULL */
	const char	*created;	/* UTC, RFC 3339 */
	const char	*status;	/* signed, verified, ... */
	int		 findings;	/* findings it found */
	int		 open;		/* of them, not closed yet */
};

/*
 * Call fn for at most limit records of the site from the offset-th on,
 * newest first; fn returning non-zero stops.
 */
int site_records(sqlite3 *db, const char *site, int limit, int offset,
    int (*fn)(const struct site_record *, void *), void *arg);
/* How many records the site has. */
int site_record_count(sqlite3 *db, const char *site, int *count);

#endif
