/*
 * Sites: the households, shops, enterprises, construction sites,
 * restaurants and mines an inspector visits.
 *
 * Ownership: site_get() fills a struct site whose strings it owns;
 * site_clear() frees them.
 */
#ifndef LANTIAN_SITE_H
#define LANTIAN_SITE_H

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
 * industry, grade, lat, lon) in one transaction.  Any bad line
 * refuses the whole file, naming the line.  *count gets the sites read.
 */
int site_import_csv(sqlite3 *db, const char *path, int *count);

#endif
