/*
 * The store of the scale budgets (issue 8): 1,000,000 records across 50
 * devices, made once by a fixed seed and kept, and the table every
 * benchmark adds its figures to.
 *
 * The store is a data directory that is its own office: 2,000 sites in 5
 * villages; 50 device keys, the data directory's own (张伟, XY-017) and 49
 * more, each an inspector enrolled on the office's roster from 2020; and
 * the records of the 24 months from November 2024 to October 2026 (in
 * the past, so that no record is made ahead of the clock), each signed
 * by a device the seed chooses and chained on that device's chain, of
 * the form the seed chooses: boilers at enterprises (40%), restaurant
 * fume checks (20%), dust fall at construction sites (10%), fire points
 * (5%) and the coal ban at households (25%), at 20,000 sites, with the
 * answers of a real visit and the findings the forms' rules give; 85% of
 * the findings are put right by a follow-up visit before their deadline,
 * which closes them.  The same seed makes the same store, but for the
 * signatures (new keys each time).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/datadir.h"
#include "core/db.h"
#include "core/error.h"
#include "core/key.h"
#include "core/record.h"
#include "core/roster.h"
#include "core/site.h"
#include "core/util.h"
#include "tests/bench/benchutil.h"
#include "tests/bench/scale.h"

#define SC_SITES	20000
#define SC_FOLLOWED	85	/* % of findings put right by a follow-up */
#define SC_BATCH	20000
#define SC_SEED		20301129ULL

static uint64_t	sc_state = SC_SEED;

/*
 * Follow-ups waiting for their day, in the order they are due: one queue
 * per deadline (3 days, 30 days), each in time order as visits are.
 */
struct sc_due {
	time_t		 due;
	int		 device;
	char		 site[16];
	const char	*form;
	char		 follows[65];
};

struct sc_queue {
	struct sc_due	*v;
	size_t		 head, n, size;
};

/* A device of the store: its key, unlocked while the store is made. */
struct sc_device {
	struct key_secret	*sk;
	char			 name[32];
	char			 badge[16];
};

static const char *const sc_villages[] = { "下冶村", "南岭村", "石门村",
    "东坡村", "西沟村" };
/* Site i's kind: 10% restaurants, 20% enterprises, 10% construction,
 * 55% households, 5% village sites (for fire points). */
static const char *
sc_kind(long i)
{
	long	k = i % 20;

	return k < 2 ? "restaurant" : k < 6 ? "enterprise" : k < 8 ?
	    "construction" : k < 19 ? "household" : "village";
}

static void
sc_site_id(char *buf, size_t size, long i)
{
	snprintf(buf, size, "S%04ld", i);
}

static void
sc_make_sites(const char *prog, sqlite3 *db)
{
	struct site	s;
	char		id[16], *name;
	long		i;

	for (i = 0; i < SC_SITES; i++) {
		memset(&s, 0, sizeof s);
		sc_site_id(id, sizeof id, i);
		name = xasprintf("%s%s%ld", sc_villages[i % 5], sc_kind(i), i);
		s.id = id;
		s.name = name;
		s.village = (char *)sc_villages[i % 5];
		s.kind = (char *)sc_kind(i);
		s.grade = strcmp(s.kind, "enterprise") == 0 ? (char *)(i % 7 ==
		    0 ? "D" : "B") : NULL;
		if (site_put(db, &s) != 0)
			bench_die(prog, "site");
		free(name);
	}
}

/* A site of kind, chosen at random. */
static long
sc_site_of(const char *kind)
{
	long	i;

	do
		i = (long)(bench_rand(&sc_state) % SC_SITES);
	while (strcmp(sc_kind(i), kind) != 0);
	return i;
}

static json_t *
sc_finding(const char *rule, int task, const char *severity, time_t t,
    int days)
{
	char	deadline[11];

	util_date_after(deadline, sizeof deadline, t, days);
	return json_pack("{s:s, s:i, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:s}",
	    "rule", rule, "task", task, "severity", severity, "text", "zh",
	    rule, "en", rule, "action", "zh", "整改", "en", "fix it",
	    "deadline", deadline);
}

/* The fields of one record made at t, of the form the seed chooses. */
/* What a visit found: its site and form, and the days to its findings'
 * deadline (0: nothing found). */
struct sc_visit {
	char		 site[16];
	const char	*form;
	int		 days;
};

static json_t *sc_record(time_t, const struct sc_device *, const char *,
    const char *, json_t *, json_t *, const char *);

/* The fields of a first visit made at t, of the form the seed chooses. */
static json_t *
sc_fields(time_t t, const struct sc_device *who, struct sc_visit *v)
{
	json_t		*answers, *findings = json_array();
	const char	*form, *kind;
	char		 site[16], month[8], day[11];
	uint64_t	 r = bench_rand(&sc_state) % 100;
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(month, sizeof month, "%Y-%m", &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	if (r < 40) {
		form = "boiler", kind = "enterprise";
		r = bench_rand(&sc_state) % 10;
		answers = json_pack("{s:s, s:s, s:f, s:s, s:s}", "fuel", r < 2 ?
		    "coal" : "gas", "use", "heating", "capacity_tph", r < 2 ?
		    4.0 : 12.0, "status", "running", "auto_monitoring", r < 5 ?
		    "installed" : "networked");
		if (r < 2)
			json_array_append_new(findings, sc_finding("coal-le35",
			    11, "violation", t, 30));
		else if (r < 5)
			json_array_append_new(findings, sc_finding(
			    "monitoring-not-networked", 11, "violation", t, 30));
	} else if (r < 60) {
		form = "restaurant-fume", kind = "restaurant";
		r = bench_rand(&sc_state) % 10;
		answers = json_pack("{s:b, s:b, s:b}", "purifier_installed", 1,
		    "purifier_running", r != 0, "cleaning_records", 1);
		if (r == 0)
			json_array_append_new(findings, sc_finding(
			    "purifier-not-running", 7, "violation", t, 3));
	} else if (r < 70) {
		form = "dustfall", kind = "construction";
		r = bench_rand(&sc_state) % 100;
		answers = json_pack("{s:s, s:f, s:s}", "month", month,
		    "dustfall", 3.0 + (double)r / 10.0, "report_no", "DF");
		if (3.0 + (double)r / 10.0 > 8)
			json_array_append_new(findings, sc_finding(
			    "dustfall-above-8", 6, "warning", t, 30));
	} else if (r < 75) {
		form = "fire-point", kind = "village";
		answers = json_pack("{s:b, s:s, s:s, s:s, s:s, s:i}", "recheck",
		    0, "village", sc_villages[bench_rand(&sc_state) % 5], "found_by",
		    "onsite", "fire_kind", "straw", "found_date", day,
		    "deduction_yuan", 300);
		json_array_append_new(findings, sc_finding("fire-point", 9,
		    "violation", t, 3));
	} else {
		form = "coal-ban", kind = "household";
		answers = json_pack("{s:b, s:[s], s:b, s:s}", "in_ban_zone", 1,
		    "loose_coal", "none", "substituted", 1, "heating",
		    "electric");
	}
	sc_site_id(site, sizeof site, sc_site_of(kind));
	v->form = form;
	memcpy(v->site, site, sizeof v->site);
	v->days = json_array_size(findings) == 0 ? 0 : strcmp(form,
	    "restaurant-fume") == 0 || strcmp(form, "fire-point") == 0 ? 3 :
	    30;
	return sc_record(t, who, site, form, answers, findings, NULL);
}

/* The fields of a record of site and form made at t. */
static json_t *
sc_record(time_t t, const struct sc_device *who, const char *site,
    const char *form, json_t *answers, json_t *findings, const char *follows)
{
	json_t	*fields;
	char	 started[32];

	util_rfc3339(started, sizeof started, t - 900);
	fields = json_pack("{s:{s:s, s:s}, s:s, s:{s:s, s:i, s:s}, s:s, s:s, "
	    "s:o, s:o, s:[], s:n, s:n}", "inspector", "name", who->name,
	    "badge", who->badge, "site", site, "form", "id", form, "version",
	    1, "sha256", "00000000000000000000000000000000000000000000000000"
	    "00000000000000", "started", started, "finished", started,
	    "answers", answers, "findings", findings, "attachments", "notes",
	    "acknowledged");
	if (follows != NULL)
		json_object_set_new(fields, "follows", json_string(follows));
	return fields;
}

/* A follow-up of a visit that found something: what was found is put
 * right, nothing fires, and the findings of the visit close. */
static json_t *
sc_followup(time_t t, const struct sc_device *who, const char *site,
    const char *form, const char *follows)
{
	json_t	*answers;
	char	 month[8], day[11];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(month, sizeof month, "%Y-%m", &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	if (strcmp(form, "boiler") == 0)
		answers = json_pack("{s:s, s:s, s:f, s:s, s:s}", "fuel", "gas",
		    "use", "heating", "capacity_tph", 12.0, "status",
		    "running", "auto_monitoring", "networked");
	else if (strcmp(form, "restaurant-fume") == 0)
		answers = json_pack("{s:b, s:b, s:b}", "purifier_installed", 1,
		    "purifier_running", 1, "cleaning_records", 1);
	else if (strcmp(form, "dustfall") == 0)
		answers = json_pack("{s:s, s:f, s:s}", "month", month,
		    "dustfall", 5.0, "report_no", "DF");
	else
		answers = json_pack("{s:b, s:s, s:s, s:s}", "recheck", 1,
		    "found_by", "onsite", "fire_kind", "straw", "found_date",
		    day);
	return sc_record(t, who, site, form, answers, json_array(), follows);
}

static const char *const sc_surnames[] = { "张", "李", "王", "刘", "陈",
    "杨", "赵", "黄", "周", "吴" };
static const char *const sc_given[] = { "伟", "娜", "强", "敏", "磊" };

/* Device i: the data directory's own (张伟, XY-017), or a new key
 * enrolled on the roster as inspector i. */
static void
sc_device(const char *prog, struct datadir *dd, struct key_secret *office,
    struct sc_device *d, int i)
{
	struct roster_entry	e;
	struct key_public	pub;
	sqlite3_stmt		*st;

	if (i == 0) {
		snprintf(d->name, sizeof d->name, "张伟");
		snprintf(d->badge, sizeof d->badge, "XY-017");
		return;
	}
	snprintf(d->name, sizeof d->name, "%s%s%d", sc_surnames[i % 10],
	    sc_given[(i / 10) % 5], i);
	snprintf(d->badge, sizeof d->badge, "XY-%03d", 100 + i);
	d->sk = key_generate();
	key_secret_public(d->sk, &pub);
	memset(&e, 0, sizeof e);
	key_id_hex(e.key_id, pub.id);
	e.pubkey = key_public_base64(&pub);
	e.name = xstrdup(d->name);
	e.badge = xstrdup(d->badge);
	snprintf(e.valid_from, sizeof e.valid_from, "2020-01-01T00:00:00Z");
	if (roster_issue(dd->db, office, &e) != 0)
		bench_die(prog, "roster");
	/* Its device.pub, as a sync brings it with its branch (the roster
	 * entry put its key there already). */
	if (db_prepare(dd->db, &st, "INSERT OR IGNORE INTO keys (id, pubkey, "
	    "added) VALUES (?1, ?2, '2020-01-01T00:00:00Z')") != 0)
		bench_die(prog, "keys");
	db_bind_text(st, 1, e.key_id);
	db_bind_text(st, 2, e.pubkey);
	if (sqlite3_step(st) != SQLITE_DONE)
		bench_die(prog, "keys");
	sqlite3_finalize(st);
	roster_entry_clear(&e);
}

static void
sc_queue_add(struct sc_queue *q, time_t due, int device,
    const struct sc_visit *v, const char *follows)
{
	struct sc_due	*e;

	if (q->head > 0 && q->head == q->n)
		q->head = q->n = 0;
	if (q->n == q->size) {
		q->size = q->size == 0 ? 1024 : q->size * 2;
		q->v = xrealloc(q->v, q->size * sizeof *q->v);
	}
	e = &q->v[q->n++];
	e->due = due;
	e->device = device;
	memcpy(e->site, v->site, sizeof e->site);
	e->form = v->form;
	snprintf(e->follows, sizeof e->follows, "%s", follows);
}

const char *
bench_scale_dir(long n)
{
	static char	dir[64];

	if (n == SCALE_RECORDS)
		snprintf(dir, sizeof dir, "tests/bench/store-scale-1m");
	else
		snprintf(dir, sizeof dir, "tests/bench/store-scale-%ld", n);
	return dir;
}

long
bench_scale_count(void)
{
	const char	*v = getenv("BENCH_SCALE_RECORDS");

	return v != NULL && atol(v) > 0 ? atol(v) : SCALE_RECORDS;
}

double
bench_scale_store(const char *prog, const char *dir, long n, int *cached)
{
	static char		 fixed[64] = "LANTIAN_NOW=";
	struct datadir		*dd;
	struct key_secret	*office;
	struct sc_device	 dev[SCALE_DEVICES];
	struct record		 rec;
	json_t			*fields;
	time_t			 t0 = 1730419200;	/* 2024-11-01T00:00Z */
	time_t			 span = 730L * 86400;	/* to 2026-10-31 */
	time_t			 t;
	double			 start = bench_now(), secs;
	struct sc_queue		 q[2];
	struct sc_due		*due;
	struct sc_visit		 visit;
	long			 i, followups = 0;
	int			 d, k;

	if ((*cached = bench_store_count(dir, &secs) == n))
		return secs;
	sc_state = SC_SEED;
	bench_rmtree(dir);
	fprintf(stderr, "%s: making %s (%ld records, %d devices)\n", prog,
	    dir, n, SCALE_DEVICES);
	memset(dev, 0, sizeof dev);
	bench_office_store(prog, dir, SCALE_PASS, &dd, &dev[0].sk);
	if (roster_office_unlock(dd, SCALE_PASS, strlen(SCALE_PASS),
	    &office) != 0)
		bench_die(prog, "office key");
	for (d = 0; d < SCALE_DEVICES; d++)
		sc_device(prog, dd, office, &dev[d], d);
	key_secret_free(office);
	if (db_exec(dd->db, "PRAGMA synchronous = OFF; "
	    "PRAGMA cache_size = -262144") != 0 || db_begin(dd->db) != 0)
		bench_die(prog, dir);
	sc_make_sites(prog, dd->db);
	putenv(fixed);
	memset(q, 0, sizeof q);
	for (i = 0; i < n; i++) {
		t = t0 + (time_t)((double)span * (double)i / (double)n);
		util_rfc3339(fixed + 12, sizeof fixed - 12, t);
		/* A follow-up due by now comes first, else a new visit. */
		due = NULL;
		for (k = 0; k < 2; k++) {
			if (q[k].head < q[k].n && q[k].v[q[k].head].due <= t &&
			    (due == NULL || q[k].v[q[k].head].due < due->due))
				due = &q[k].v[q[k].head];
		}
		if (due != NULL) {
			d = due->device;
			fields = sc_followup(t, &dev[d], due->site, due->form,
			    due->follows);
			q[due == &q[0].v[q[0].head] ? 0 : 1].head++;
			visit.days = 0;
		} else {
			d = (int)(bench_rand(&sc_state) % SCALE_DEVICES);
			fields = sc_fields(t, &dev[d], &visit);
		}
		if (record_create(dd->db, dev[d].sk, "inspection", fields,
		    &rec) != 0)
			bench_die(prog, "record");
		/* Most findings are put right before their deadline. */
		if (visit.days > 0 && bench_rand(&sc_state) % 100 <
		    SC_FOLLOWED) {
			sc_queue_add(&q[visit.days == 3 ? 0 : 1], t +
			    visit.days * 86400L * 2 / 3, d, &visit, rec.id);
			followups++;
		}
		record_clear(&rec);
		json_decref(fields);
		if ((i + 1) % SC_BATCH == 0 || i + 1 == n) {
			if (db_commit(dd->db) != 0 || (i + 1 < n &&
			    db_begin(dd->db) != 0))
				bench_die(prog, "commit");
			fprintf(stderr, "\r%s: %ld / %ld ", prog, i + 1, n);
		}
	}
	free(q[0].v);
	free(q[1].v);
	unsetenv("LANTIAN_NOW");
	fprintf(stderr, "(%ld of them follow-ups)\n", followups);
	if (db_exec(dd->db, "PRAGMA wal_checkpoint(TRUNCATE)") != 0)
		bench_die(prog, "checkpoint");
	for (d = 0; d < SCALE_DEVICES; d++)
		key_secret_free(dev[d].sk);
	datadir_close(dd);
	secs = bench_now() - start;
	bench_store_done(prog, dir, n, secs);
	return secs;
}

void
bench_table(const char *figure, const char *measured, const char *raw,
    const char *budget, const char *verdict)
{
	const char	*path = getenv("BENCH_TABLE");
	FILE		*f;

	if (path == NULL || *path == '\0')
		return;
	if ((f = fopen(path, "a")) == NULL) {
		fprintf(stderr, "bench: %s: cannot append\n", path);
		return;
	}
	fprintf(f, "%s\t%s\t%s\t%s\t%s\n", figure, measured, raw, budget,
	    verdict);
	fclose(f);
}

const char *
bench_verdict(int met)
{
	return met ? "met" : "MISSED";
}
