#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datadir.h"
#include "core/error.h"
#include "core/form.h"
#include "core/inspect.h"
#include "core/record.h"
#include "core/site.h"
#include "core/util.h"
#include "testhelp.h"

/* The site representative's acknowledgment every signed record needs
 * (kept for the whole run: reachable, not a leak). */
static const json_t *
test_ack(void)
{
	static json_t	*ack;

	if (ack == NULL)
		ack = json_pack("{s:s, s:s, s:b}", "name", "赵厂长", "role",
		    "负责人", "refused", 0);
	return ack;
}

struct fixture {
	char			*tmp;
	struct datadir		*dd;
	struct key_secret	*sk;
};

static int
setup(void **state)
{
	struct fixture	*fx = xcalloc(1, sizeof *fx);

	th_store(&fx->tmp, &fx->dd, &fx->sk);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	th_store_free(fx->tmp, fx->dd, fx->sk);
	free(fx);
	return 0;
}

static int
count_site(const struct site *s, void *arg)
{
	(void)s;
	(*(int *)arg)++;
	return 0;
}

static char *
csv(struct fixture *fx, const char *text)
{
	char	*path = xasprintf("%s/sites.csv", fx->tmp);

	th_write(path, text);
	return path;
}

static void
test_csv_import_reads_quotes_bom_and_crlf(void **state)
{
	struct fixture	*fx = *state;
	struct site	 s;
	char		*path;
	int		 n, listed = 0;

	path = csv(fx, "\xef\xbb\xbfkind,id,name,village,address,grade,lat,lon,"
	    "grid_person,credit_code,industry\r\n"
	    "enterprise,E-1,\"南岭建材,二厂\",南岭村,\"工业园\"\"1\"\"号\",C,"
	    "35.04,112.41,孙强,91410881MA0DEMO01X,building materials\r\n"
	    "household,H-1,王家,下冶村,,,,,,,\r\n"
	    "\r\n"
	    "shop,S-9,\"多行\n名字\",下冶村,,,,,,,\n");
	assert_int_equal(site_import_csv(fx->dd->db, path, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(site_get(fx->dd->db, "E-1", &s), 0);
	assert_string_equal(s.name, "南岭建材,二厂");
	assert_string_equal(s.village, "南岭村");
	assert_string_equal(s.kind, "enterprise");
	assert_string_equal(s.address, "工业园\"1\"号");
	assert_string_equal(s.grade, "C");
	assert_string_equal(s.grid_person, "孙强");
	assert_string_equal(s.credit_code, "91410881MA0DEMO01X");
	assert_string_equal(s.industry, "building materials");
	assert_true(s.has_location);
	assert_true(s.lat > 35.039 && s.lat < 35.041);
	site_clear(&s);
	assert_int_equal(site_get(fx->dd->db, "H-1", &s), 0);
	assert_null(s.address);
	site_clear(&s);
	assert_int_equal(site_get(fx->dd->db, "S-9", &s), 0);
	assert_string_equal(s.name, "多行\n名字");
	site_clear(&s);
	assert_int_equal(site_each(fx->dd->db, "household", NULL, count_site,
	    &listed), 0);
	assert_int_equal(listed, 1);
	listed = 0;
	assert_int_equal(site_each(fx->dd->db, NULL, "下冶村", count_site,
	    &listed), 0);
	assert_int_equal(listed, 4);	/* S1, S2 of the fixture too */
	free(path);
}

static void
test_bad_csv_is_refused_whole(void **state)
{
	struct fixture	*fx = *state;
	char		*path;
	int		 n, listed = 0;

	path = csv(fx, "id,name,village,kind\n"
	    "A-1,甲,下冶村,household\n"
	    "A-2,乙,下冶村,spaceship\n");
	assert_int_equal(site_import_csv(fx->dd->db, path, &n), LT_EINVAL);
	assert_non_null(strstr(error_msg(), ".csv:3: site A-2: unknown kind"));
	assert_non_null(strstr(error_msg(), "spaceship"));
	assert_int_equal(n, 0);
	assert_int_equal(site_each(fx->dd->db, NULL, NULL, count_site, &listed),
	    0);
	assert_int_equal(listed, 2);	/* only the fixture's */
	free(path);

	path = csv(fx, "id,name,village,kind,lat,lon\nA-1,甲,下冶村,household,"
	    "north,112\n");
	assert_int_equal(site_import_csv(fx->dd->db, path, &n), LT_EINVAL);
	assert_non_null(strstr(error_msg(),
	    ".csv:2: lat: \"north\" is not a number"));
	free(path);

	path = csv(fx, "id,name,village\nA-1,甲,下冶村\n");
	assert_int_equal(site_import_csv(fx->dd->db, path, &n), LT_EINVAL);
	assert_non_null(strstr(error_msg(), "\"kind\""));
	free(path);

	path = csv(fx, "id,name,village,kind\n\"A-1,甲,下冶村,household\n");
	assert_int_equal(site_import_csv(fx->dd->db, path, &n), LT_EINVAL);
	assert_non_null(strstr(error_msg(), "quote"));
	free(path);
}

static void
test_unknown_site_and_kind(void **state)
{
	struct fixture	*fx = *state;
	struct site	 s = { .id = "X", .name = "名", .kind = "castle" };
	struct site	 none;

	assert_int_equal(site_get(fx->dd->db, "nope", &none), LT_ENOTFOUND);
	assert_int_equal(site_put(fx->dd->db, &s), LT_EINVAL);
	s.kind = "enterprise";
	s.grade = "E";
	assert_int_equal(site_put(fx->dd->db, &s), LT_EINVAL);
	assert_non_null(strstr(error_msg(), "grade"));
	s.grade = "D";
	s.has_location = 1;
	s.lat = 95;
	assert_int_equal(site_put(fx->dd->db, &s), LT_EINVAL);
	s.lat = 35.05;
	s.lon = 112.39;
	assert_int_equal(site_put(fx->dd->db, &s), 0);
	assert_true(site_kind_valid("restaurant"));
	assert_false(site_kind_valid("castle"));
}

/* Put a site (borrowed strings). */
static void
put(struct fixture *fx, const char *id, const char *name, const char *village,
    const char *kind)
{
	struct site	s = { .id = (char *)id, .name = (char *)name,
	    .village = (char *)village, .kind = (char *)kind };

	assert_int_equal(site_put(fx->dd->db, &s), 0);
}

/* The ids site_search() gives, joined by spaces. */
struct ids {
	char	buf[512];
};

static int
add_id(const struct site *s, void *arg)
{
	struct ids	*ids = arg;
	size_t		 len = strlen(ids->buf);

	snprintf(ids->buf + len, sizeof ids->buf - len, "%s%s",
	    len > 0 ? " " : "", s->id);
	return 0;
}

static const char *
search(struct fixture *fx, const char *text, const char *kinds, int limit,
    int offset, struct ids *ids)
{
	struct site_query	q = { text, kinds };

	ids->buf[0] = '\0';
	assert_int_equal(site_search(fx->dd->db, &q, limit, offset, add_id,
	    ids), 0);
	return ids->buf;
}

static void
test_search_matches_id_name_village_kind(void **state)
{
	struct fixture	*fx = *state;
	struct ids	 ids;

	put(fx, "XY-R-001", "Old Street Noodles", "下冶村", "restaurant");
	put(fx, "NL-S-001", "南岭超市", "南岭村", "shop");
	put(fx, "NL-H-100", "100%_纯", "Nanling", "household");
	/* Latin letters match whatever their case. */
	assert_string_equal(search(fx, "noodLES", NULL, 10, 0, &ids),
	    "XY-R-001");
	assert_string_equal(search(fx, "xy-r", NULL, 10, 0, &ids),
	    "XY-R-001");
	assert_string_equal(search(fx, "nanLING", NULL, 10, 0, &ids),
	    "NL-H-100");
	/* By village: the fixture's S1 and S2 are in 下冶村 too. */
	assert_string_equal(search(fx, "下冶", NULL, 10, 0, &ids),
	    "XY-R-001 S1 S2");
	assert_string_equal(search(fx, "超市", NULL, 10, 0, &ids),
	    "NL-S-001");
	/* By kind, as stored and as the caller's translated kinds. */
	assert_string_equal(search(fx, "SHOP", NULL, 10, 0, &ids),
	    "NL-S-001");
	assert_string_equal(search(fx, "商户", "shop restaurant", 10, 0,
	    &ids), "XY-R-001 NL-S-001");
	assert_string_equal(search(fx, "商户", "  shop ", 10, 0, &ids),
	    "NL-S-001");
	assert_string_equal(search(fx, "商户", "", 10, 0, &ids), "");
	/* % and _ are plain characters. */
	assert_string_equal(search(fx, "%", NULL, 10, 0, &ids), "NL-H-100");
	assert_string_equal(search(fx, "0%_", NULL, 10, 0, &ids), "NL-H-100");
	assert_string_equal(search(fx, "S_", NULL, 10, 0, &ids), "");
	assert_string_equal(search(fx, "\\", NULL, 10, 0, &ids), "");
	assert_string_equal(search(fx, "nothing like it", NULL, 10, 0, &ids),
	    "");
	/* No text: everything. */
	assert_string_equal(search(fx, "", NULL, 10, 0, &ids),
	    "NL-H-100 XY-R-001 S1 S2 NL-S-001");
	assert_string_equal(search(fx, NULL, NULL, 10, 0, &ids),
	    "NL-H-100 XY-R-001 S1 S2 NL-S-001");
}

/* The villages site_villages() gives, as "village:count" joined. */
static int
add_village(const char *village, int count, void *arg)
{
	struct ids	*ids = arg;
	size_t		 len = strlen(ids->buf);

	snprintf(ids->buf + len, sizeof ids->buf - len, "%s%s:%d",
	    len > 0 ? " " : "", village != NULL ? village : "-", count);
	return 0;
}

static void
test_search_pages_by_village_then_name(void **state)
{
	struct fixture		*fx = *state;
	struct site_query	 q = { "", NULL };
	struct ids		 ids;

	put(fx, "C-2", "乙", "东坡村", "shop");
	put(fx, "C-1", "甲", "东坡村", "shop");
	put(fx, "N-1", "无村", NULL, "household");
	put(fx, "A-9", "丙", "下冶村", "mine");
	ids.buf[0] = '\0';
	assert_int_equal(site_villages(fx->dd->db, &q, add_village, &ids), 0);
	assert_string_equal(ids.buf, "-:1 下冶村:3 东坡村:2");
	ids.buf[0] = '\0';
	assert_int_equal(site_villages(fx->dd->db, NULL, add_village, &ids),
	    0);
	assert_string_equal(ids.buf, "-:1 下冶村:3 东坡村:2");
	assert_string_equal(search(fx, NULL, NULL, 100, 0, &ids),
	    "N-1 A-9 S1 S2 C-2 C-1");
	/* A window anywhere in the list, the same order. */
	assert_string_equal(search(fx, NULL, NULL, 2, 0, &ids), "N-1 A-9");
	assert_string_equal(search(fx, NULL, NULL, 2, 2, &ids), "S1 S2");
	assert_string_equal(search(fx, NULL, NULL, 3, 4, &ids), "C-2 C-1");
	assert_string_equal(search(fx, NULL, NULL, 3, 6, &ids), "");
	q.text = "c-";
	ids.buf[0] = '\0';
	assert_int_equal(site_villages(fx->dd->db, &q, add_village, &ids), 0);
	assert_string_equal(ids.buf, "东坡村:2");
}

static const char boiler_form[] =
	"{\"id\": \"t-boiler\", \"version\": 1, \"tasks\": [11],"
	" \"title\": {\"zh\": \"测试锅炉\", \"en\": \"Test boiler\"},"
	" \"site_kinds\": [\"enterprise\"],"
	" \"questions\": ["
	"  {\"id\": \"fuel\", \"type\": \"choice\", \"required\": true,"
	"   \"label\": {\"zh\": \"燃料\", \"en\": \"Fuel\"},"
	"   \"choices\": [{\"value\": \"coal\", \"label\": {\"zh\": \"煤\","
	"     \"en\": \"Coal\"}}, {\"value\": \"gas\", \"label\": {\"zh\":"
	"     \"气\", \"en\": \"Gas\"}}]}"
	" ],"
	" \"findings\": ["
	"  {\"id\": \"coal\", \"task\": 11, \"severity\": \"violation\","
	"   \"when\": \"fuel = 'coal'\","
	"   \"text\": {\"zh\": \"燃煤\", \"en\": \"Coal\"},"
	"   \"action\": {\"zh\": \"拆除\", \"en\": \"Remove it\"},"
	"   \"deadline_days\": 30}"
	" ]}";

/* Inspect site at time now with fuel; its id into id (65 bytes). */
static void
inspect(struct fixture *fx, const struct form *f, const char *site,
    const char *now, const char *fuel, const char *follows, char *id)
{
	struct inspect	 in;
	struct record	 r;
	json_t		*a = json_pack("{s:s}", "fuel", fuel);

	setenv("LANTIAN_NOW", now, 1);
	memset(&in, 0, sizeof in);
	in.site = site;
	in.form = f;
	in.acknowledged = test_ack();
	in.answers = a;
	in.follows = follows;
	assert_int_equal(inspect_finish(fx->dd, fx->sk, &in, &r), 0);
	memcpy(id, r.id, 65);
	record_clear(&r);
	json_decref(a);
}

struct history {
	int	n;
	char	ids[4][65];
	int	findings[4];
	int	open[4];
	char	form[32];
};

static int
add_record(const struct site_record *r, void *arg)
{
	struct history	*h = arg;

	if (h->n < 4) {
		memcpy(h->ids[h->n], r->id, 65);
		h->findings[h->n] = r->findings;
		h->open[h->n] = r->open;
		snprintf(h->form, sizeof h->form, "%s", r->form);
		assert_string_equal(r->type, "inspection");
		assert_string_equal(r->status, "signed");
		assert_non_null(r->created);
	}
	h->n++;
	return 0;
}

static void
test_site_records_newest_first_with_findings(void **state)
{
	struct fixture	*fx = *state;
	struct form	*f;
	struct history	 h;
	char		 first[65], second[65], third[65];
	int		 n;

	assert_int_equal(form_load_buf(&f, "t-boiler.json", boiler_form,
	    strlen(boiler_form)), 0);
	inspect(fx, f, "S1", "2026-11-01T08:00:00Z", "coal", NULL, first);
	inspect(fx, f, "S2", "2026-11-02T08:00:00Z", "coal", NULL, third);
	inspect(fx, f, "S1", "2026-11-20T08:00:00Z", "gas", first, second);
	unsetenv("LANTIAN_NOW");

	assert_int_equal(site_record_count(fx->dd->db, "S1", &n), 0);
	assert_int_equal(n, 2);
	memset(&h, 0, sizeof h);
	assert_int_equal(site_records(fx->dd->db, "S1", 10, 0, add_record, &h),
	    0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.form, "t-boiler");
	/* The follow-up first; the coal finding it closed stays counted. */
	assert_string_equal(h.ids[0], second);
	assert_int_equal(h.findings[0], 0);
	assert_string_equal(h.ids[1], first);
	assert_int_equal(h.findings[1], 1);
	assert_int_equal(h.open[1], 0);
	/* A page further on. */
	memset(&h, 0, sizeof h);
	assert_int_equal(site_records(fx->dd->db, "S1", 1, 1, add_record, &h),
	    0);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.ids[0], first);
	/* S2's finding is still open. */
	memset(&h, 0, sizeof h);
	assert_int_equal(site_records(fx->dd->db, "S2", 10, 0, add_record, &h),
	    0);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.open[0], 1);
	assert_int_equal(site_record_count(fx->dd->db, "nope", &n), 0);
	assert_int_equal(n, 0);
	form_free(f);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_csv_import_reads_quotes_bom_and_crlf),
		T(test_bad_csv_is_refused_whole),
		T(test_unknown_site_and_kind),
		T(test_search_matches_id_name_village_kind),
		T(test_search_pages_by_village_then_name),
		T(test_site_records_newest_first_with_findings),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
