#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "assign.h"
#include "db.h"
#include "error.h"
#include "report.h"
#include "site.h"
#include "util.h"

#define ASSIGN_FORMAT	1

/* The random stream of a draw: SHA-256 of the prefix and a counter. */
struct assign_rng {
	unsigned char	*prefix;
	size_t		 len;
	uint32_t	 counter;
};

static uint64_t
assign_next(struct assign_rng *g)
{
	crypto_hash_sha256_state	st;
	unsigned char			ctr[4], h[crypto_hash_sha256_BYTES];
	uint64_t			v = 0;
	int				i;

	ctr[0] = (unsigned char)(g->counter >> 24);
	ctr[1] = (unsigned char)(g->counter >> 16);
	ctr[2] = (unsigned char)(g->counter >> 8);
	ctr[3] = (unsigned char)g->counter;
	g->counter++;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, g->prefix, g->len);
	crypto_hash_sha256_update(&st, ctr, sizeof ctr);
	crypto_hash_sha256_final(&st, h);
	for (i = 0; i < 8; i++)
		v = v << 8 | h[i];
	return v;
}

/* A number in [0, n), each equally likely (rejection of the tail). */
static uint64_t
assign_below(struct assign_rng *g, uint64_t n)
{
	uint64_t	limit = UINT64_MAX / n * n, v;

	do
		v = assign_next(g);
	while (v >= limit);
	return v % n;
}

/* The first k of a Fisher-Yates shuffle of idx[0 .. n). */
static void
assign_shuffle(struct assign_rng *g, size_t *idx, size_t n, size_t k)
{
	size_t	i, j, tmp;

	for (i = 0; i < k && i < n; i++) {
		j = i + (size_t)assign_below(g, n - i);
		tmp = idx[i];
		idx[i] = idx[j];
		idx[j] = tmp;
	}
}

/* A pool read from the store: rows of up to three texts. */
struct assign_pool {
	char	*(*row)[3];
	size_t	 n;
	char	 sha[65];	/* of the first column, each with "\n" */
};

static void
assign_pool_free(struct assign_pool *p)
{
	size_t	i, j;

	for (i = 0; i < p->n; i++)
		for (j = 0; j < 3; j++)
			free(p->row[i][j]);
	free(p->row);
}

static int
assign_pool_read(sqlite3 *db, const char *sql, const char *a, const char *b,
    struct assign_pool *p)
{
	crypto_hash_sha256_state	 hs;
	unsigned char			 h[crypto_hash_sha256_BYTES];
	sqlite3_stmt			*st;
	const char			*s;
	size_t				 j;
	int				 rc;

	memset(p, 0, sizeof *p);
	if ((rc = db_prepare(db, &st, sql)) != 0)
		return rc;
	db_bind_text(st, 1, a);
	if (b != NULL)
		db_bind_text(st, 2, b);
	crypto_hash_sha256_init(&hs);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p->row = xrealloc(p->row, (p->n + 1) * sizeof *p->row);
		for (j = 0; j < 3; j++) {
			s = (const char *)sqlite3_column_text(st, (int)j);
			p->row[p->n][j] = s != NULL ? xstrdup(s) : NULL;
		}
		crypto_hash_sha256_update(&hs, (const unsigned char *)
		    p->row[p->n][0], strlen(p->row[p->n][0]));
		crypto_hash_sha256_update(&hs, (const unsigned char *)"\n", 1);
		p->n++;
	}
	crypto_hash_sha256_final(&hs, h);
	util_hex(p->sha, h, sizeof h);
	rc = rc == SQLITE_DONE ? 0 : db_error(db, "assignments");
	sqlite3_finalize(st);
	if (rc != 0)
		assign_pool_free(p);
	return rc;
}

int
assign_draw(sqlite3 *db, const struct assign_req *r, char **body,
    size_t *len)
{
	struct assign_pool	 sites, people;
	struct assign_rng	 g;
	json_t			*doc, *list, *who;
	size_t			*si = NULL, *pi = NULL, i, k, n;
	char			 from[32], to[32], *text;
	int			 rc;

	*body = NULL;
	*len = 0;
	if ((rc = report_month_bounds(r->month, from, to)) != 0)
		return rc;
	if (!site_kind_valid(r->kind))
		return error_set(LT_EINVAL, "draw: %s: not a kind of site",
		    r->kind);
	if (r->sites < 1 || r->per_site < 1)
		return error_set(LT_EINVAL, "draw: at least one site and one "
		    "inspector for each");
	if ((rc = assign_pool_read(db, "SELECT id, name, village FROM sites "
	    "WHERE kind = ?1 ORDER BY id", r->kind, NULL, &sites)) != 0)
		return rc;
	if ((rc = assign_pool_read(db, "SELECT key_id, name, badge FROM "
	    "roster WHERE valid_from < ?2 AND (revoked_at IS NULL OR "
	    "revoked_at > ?1) ORDER BY key_id", from, to, &people)) != 0) {
		assign_pool_free(&sites);
		return rc;
	}
	if (sites.n < (size_t)r->sites)
		rc = error_set(LT_EINVAL, "draw: %d site(s) asked, the register "
		    "has %zu of kind %s", r->sites, sites.n, r->kind);
	else if (people.n < (size_t)r->per_site)
		rc = error_set(LT_EINVAL, "draw: %d inspector(s) per site "
		    "asked, the roster has %zu valid in %s", r->per_site,
		    people.n, r->month);
	if (rc != 0)
		goto cleanup;

	g.prefix = (unsigned char *)xasprintf("%s%c%s%c%s%c%s%c",
	    ASSIGN_METHOD, 0, r->month, 0, r->kind, 0, r->seed, 0);
	g.len = strlen(ASSIGN_METHOD) + strlen(r->month) + strlen(r->kind) +
	    strlen(r->seed) + 4;
	g.counter = 0;
	si = xcalloc(sites.n, sizeof *si);
	pi = xcalloc(people.n, sizeof *pi);
	for (i = 0; i < sites.n; i++)
		si[i] = i;
	assign_shuffle(&g, si, sites.n, (size_t)r->sites);
	list = json_array();
	for (i = 0; i < (size_t)r->sites; i++) {
		for (n = 0; n < people.n; n++)
			pi[n] = n;
		assign_shuffle(&g, pi, people.n, (size_t)r->per_site);
		who = json_array();
		for (k = 0; k < (size_t)r->per_site; k++)
			json_array_append_new(who, json_pack("{s:s, s:s?, "
			    "s:s?}", "key_id", people.row[pi[k]][0], "name",
			    people.row[pi[k]][1], "badge", people.row[pi[k]][2]));
		json_array_append_new(list, json_pack("{s:s, s:s?, s:s?, s:o}",
		    "site", sites.row[si[i]][0], "name", sites.row[si[i]][1],
		    "village", sites.row[si[i]][2], "inspectors", who));
	}
	free(g.prefix);
	doc = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:s, "
	    "s:o}", "type", "assignments", "format", ASSIGN_FORMAT, "month",
	    r->month, "kind", r->kind, "seed", r->seed, "method",
	    ASSIGN_METHOD, "sites_pool", (json_int_t)sites.n,
	    "sites_pool_sha256", sites.sha, "inspectors_pool",
	    (json_int_t)people.n, "inspectors_pool_sha256", people.sha,
	    "assignments", list);
	text = doc != NULL ? json_dumps(doc, JSON_COMPACT |
	    JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	if (text == NULL) {
		rc = error_set(LT_EINVAL, "draw: cannot serialize (the seed "
		    "is not UTF-8?)");
		goto cleanup;
	}
	*len = strlen(text);
	*body = xrealloc(text, *len + 2);
	(*body)[(*len)++] = '\n';
	(*body)[*len] = '\0';
cleanup:
	free(si);
	free(pi);
	assign_pool_free(&sites);
	assign_pool_free(&people);
	return rc;
}

int
assign_redraw(char *body, size_t len, const char *reason, const char *prev,
    size_t prevlen, const char *prevsig, const char *previssued, char **out,
    size_t *outlen)
{
	json_t	*doc, *old;
	char	*text;
	int	 rc = 0;

	*out = NULL;
	*outlen = 0;
	if (reason == NULL || *reason == '\0') {
		free(body);
		return error_set(LT_EINVAL, "draw: a redraw needs its reason");
	}
	doc = json_loadb(body, len, 0, NULL);
	free(body);
	old = json_object();
	json_object_set_new(old, "issued", json_string(previssued));
	json_object_set_new(old, "document", json_stringn(prev, prevlen));
	json_object_set_new(old, "minisig", json_string(prevsig));
	if (doc == NULL || json_object_set_new(doc, "redraw", json_pack(
	    "{s:s, s:o}", "reason", reason, "previous", old)) != 0 ||
	    (text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER)) ==
	    NULL)
		rc = error_set(LT_EINVAL, "draw: cannot serialize the redraw "
		    "(the reason or the earlier draw is not UTF-8?)");
	json_decref(doc);
	if (rc != 0)
		return rc;
	*outlen = strlen(text);
	*out = xrealloc(text, *outlen + 2);
	(*out)[(*outlen)++] = '\n';
	(*out)[*outlen] = '\0';
	return 0;
}

/* The depth of redraw chains read: more than any office draws again. */
#define ASSIGN_REDRAWS_MAX	64

int
assign_each_drawn(const char *body, size_t len, const char *issued,
    int (*fn)(const struct assign_drawn *, void *), void *arg)
{
	json_t			*docs[ASSIGN_REDRAWS_MAX];
	const char		*when[ASSIGN_REDRAWS_MAX];
	struct assign_drawn	 d;
	const json_t		*prev, *rd;
	const char		*text;
	int			 n = 0, i, rc = 0;

	docs[0] = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	when[0] = issued;
	if (docs[0] == NULL)
		return error_set(LT_EINVAL, "assignments: not JSON");
	for (n = 1; ; n++) {
		rd = json_object_get(docs[n - 1], "redraw");
		prev = json_object_get(rd, "previous");
		if (prev == NULL)
			break;
		text = json_string_value(json_object_get(prev, "document"));
		if (n == ASSIGN_REDRAWS_MAX || text == NULL ||
		    (docs[n] = json_loadb(text, json_string_length(
		    json_object_get(prev, "document")), JSON_REJECT_DUPLICATES,
		    NULL)) == NULL) {
			rc = error_set(LT_EINVAL, "assignments: a redraw whose "
			    "earlier draw cannot be read");
			goto cleanup;
		}
		when[n] = json_string_value(json_object_get(prev, "issued"));
	}
	/* docs[n - 1] is the first draw, docs[0] the one in force. */
	for (i = n - 1; i >= 0 && rc == 0; i--) {
		memset(&d, 0, sizeof d);
		d.month = json_string_value(json_object_get(docs[i], "month"));
		d.kind = json_string_value(json_object_get(docs[i], "kind"));
		d.n = n - i;
		d.in_force = i == 0;
		d.issued = when[i];
		d.seed = json_string_value(json_object_get(docs[i], "seed"));
		d.reason = json_string_value(json_object_get(json_object_get(
		    docs[i], "redraw"), "reason"));
		d.assignments = json_object_get(docs[i], "assignments");
		if (!json_is_array(d.assignments)) {
			rc = error_set(LT_EINVAL, "assignments: draw %d lists "
			    "no assignments", d.n);
			break;
		}
		rc = fn(&d, arg);
	}
cleanup:
	for (i = 0; i < n; i++)
		json_decref(docs[i]);
	return rc;
}

int
assign_store(sqlite3 *db, const char *month, const char *kind,
    const char *body, size_t len)
{
	sqlite3_stmt	*st = NULL;
	json_error_t	 jerr;
	json_t		*doc, *list, *a, *who, *p;
	const char	*site, *key;
	size_t		 i, j;
	int		 rc;

	if ((doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL)
		return error_set(LT_EINVAL, "assignments: not JSON: %s",
		    jerr.text);
	list = json_object_get(doc, "assignments");
	if (!json_is_string(json_object_get(doc, "type")) ||
	    strcmp(json_string_value(json_object_get(doc, "type")),
	    "assignments") != 0 || json_integer_value(json_object_get(doc,
	    "format")) != ASSIGN_FORMAT || !json_is_array(list) ||
	    !json_is_string(json_object_get(doc, "month")) ||
	    strcmp(json_string_value(json_object_get(doc, "month")),
	    month) != 0 || !json_is_string(json_object_get(doc, "kind")) ||
	    strcmp(json_string_value(json_object_get(doc, "kind")), kind) != 0) {
		json_decref(doc);
		return error_set(LT_EINVAL, "assignments: not the assignments "
		    "of %s for %s its path names", month, kind);
	}
	if ((rc = db_prepare(db, &st, "DELETE FROM assignments WHERE "
	    "month = ?1 AND kind = ?2")) != 0)
		goto cleanup;
	db_bind_text(st, 1, month);
	db_bind_text(st, 2, kind);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "assignments");
	sqlite3_finalize(st);
	st = NULL;
	if (rc != 0 || (rc = db_prepare(db, &st, "INSERT OR IGNORE INTO "
	    "assignments (month, kind, site, key_id) VALUES (?1, ?2, ?3, "
	    "?4)")) != 0)
		goto cleanup;
	json_array_foreach(list, i, a) {
		site = json_string_value(json_object_get(a, "site"));
		who = json_object_get(a, "inspectors");
		if (site == NULL || !json_is_array(who)) {
			rc = error_set(LT_EINVAL, "assignments: entry %zu has "
			    "no site or no inspectors", i + 1);
			goto cleanup;
		}
		json_array_foreach(who, j, p) {
			if ((key = json_string_value(json_object_get(p,
			    "key_id"))) == NULL) {
				rc = error_set(LT_EINVAL, "assignments: site "
				    "%s: an inspector without a key id", site);
				goto cleanup;
			}
			sqlite3_reset(st);
			db_bind_text(st, 1, month);
			db_bind_text(st, 2, kind);
			db_bind_text(st, 3, site);
			db_bind_text(st, 4, key);
			if (sqlite3_step(st) != SQLITE_DONE) {
				rc = db_error(db, "assignments");
				goto cleanup;
			}
		}
	}
cleanup:
	sqlite3_finalize(st);
	json_decref(doc);
	return rc;
}

int
assign_mine(sqlite3 *db, const char *device, const char *month,
    int (*fn)(const struct assign_site *, void *), void *arg)
{
	struct assign_site	 a;
	sqlite3_stmt		*st;
	char			 from[32], to[32];
	int			 rc, stop = 0;

	if ((rc = report_month_bounds(month, from, to)) != 0)
		return rc;
	if ((rc = db_prepare(db, &st, "SELECT a.site, coalesce(s.name, "
	    "a.site), a.kind, EXISTS (SELECT 1 FROM records r INDEXED BY "
	    "records_site WHERE r.site = a.site AND r.created >= ?3 AND "
	    "r.created < ?4 AND r.device = ?1) AS done FROM assignments a "
	    "LEFT JOIN sites s ON s.id = a.site WHERE a.key_id = ?1 AND "
	    "a.month = ?2 ORDER BY done, a.site")) != 0)
		return rc;
	db_bind_text(st, 1, device);
	db_bind_text(st, 2, month);
	db_bind_text(st, 3, from);
	db_bind_text(st, 4, to);
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		a.site = (const char *)sqlite3_column_text(st, 0);
		a.name = (const char *)sqlite3_column_text(st, 1);
		a.kind = (const char *)sqlite3_column_text(st, 2);
		a.done = sqlite3_column_int(st, 3);
		stop = fn(&a, arg);
	}
	if (stop != 0)
		rc = stop;
	else
		rc = rc == SQLITE_DONE ? 0 : db_error(db, "assignments");
	sqlite3_finalize(st);
	return rc;
}
