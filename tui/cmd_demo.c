#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "tui/tui.h"
#include "core/db.h"
#include "core/error.h"
#include "core/inspect.h"
#include "core/assign.h"
#include "core/office.h"
#include "core/review.h"
#include "core/roster.h"
#include "core/site.h"
#include "core/util.h"
#include "sync/repo.h"

#define DEMO_PASSPHRASE	"demo"

/*
 * Demo sites of 下冶镇: the town's kinds of site and its villages, 下冶村
 * being the coal-ban zone.  Names, people and codes are invented: this is
 * demo data, and the TUI and lists say so.
 */
#define DEMO_SITE(i, n, v, k, a, g, c, ind, gr, la, lo) \
	{ .id = i, .name = n, .village = v, .kind = k, .address = a, \
	  .grid_person = g, .credit_code = c, .industry = ind, .grade = gr, \
	  .has_location = 1, .lat = la, .lon = lo }
static const struct site demo_sites[] = {
	DEMO_SITE("XY-H-001", "王建国家（演示）", "下冶村", "household",
	    "下冶村三组", "赵丽", NULL, NULL, NULL, 35.0512, 112.3941),
	DEMO_SITE("XY-H-002", "李秀英家（演示）", "下冶村", "household",
	    "下冶村五组", "赵丽", NULL, NULL, NULL, 35.0527, 112.3958),
	DEMO_SITE("XY-H-003", "陈有福家（演示）", "南岭村", "household",
	    "南岭村二组", "孙强", NULL, NULL, NULL, 35.0391, 112.4102),
	DEMO_SITE("XY-S-001", "下冶便民超市（演示）", "下冶村", "shop",
	    "下冶街12号", "赵丽", NULL, "retail", NULL, 35.0501, 112.3967),
	DEMO_SITE("XY-R-001", "老街烩面馆（演示）", "下冶村", "restaurant",
	    "下冶街30号", "赵丽", NULL, "catering", NULL, 35.0498, 112.3972),
	DEMO_SITE("XY-R-002", "南岭农家菜（演示）", "南岭村", "restaurant",
	    "南岭村口", "孙强", NULL, "catering", NULL, 35.0402, 112.4088),
	DEMO_SITE("XY-E-001", "济源市下冶建材有限公司（演示）", "南岭村",
	    "enterprise", "南岭村工业园1号", "孙强", "91410881MA0DEMO01X",
	    "building materials", "C", 35.0377, 112.4125),
	DEMO_SITE("XY-E-002", "下冶镇供热站（演示）", "下冶村", "enterprise",
	    "镇政府东侧", "赵丽", "12410881DEMO00002Y", "heat supply", "B",
	    35.0519, 112.3990),
	DEMO_SITE("XY-E-003", "下冶包装印刷厂（演示）", "东坡村", "enterprise",
	    "东坡村南", "周敏", "91410881MA0DEMO03Z", "printing", "D",
	    35.0612, 112.3811),
	DEMO_SITE("XY-E-004", "石门砖瓦厂（演示）", "石门村", "enterprise",
	    "石门村东", "吴刚", "91410881MA0DEMO04W", "bricks and tiles", "D",
	    35.0288, 112.3702),
	DEMO_SITE("XY-C-001", "南岭村安置房工地（演示）", "南岭村",
	    "construction", "南岭村北", "孙强", NULL, "housing", NULL,
	    35.0418, 112.4119),
	DEMO_SITE("XY-C-002", "下冶至石门道路改建（演示）", "石门村",
	    "construction", "X012线", "吴刚", NULL, "road works", NULL,
	    35.0335, 112.3804),
	DEMO_SITE("XY-M-001", "石门石料厂（演示）", "石门村", "mine",
	    "石门村西山", "吴刚", "91410881MA0DEMO05V", "stone quarry", "C",
	    35.0251, 112.3655),
	DEMO_SITE("XY-V-001", "下冶村（演示）", "下冶村", "village",
	    "下冶村委会", "赵丽", NULL, NULL, NULL, 35.0509, 112.3950),
	DEMO_SITE("XY-V-002", "南岭村（演示）", "南岭村", "village",
	    "南岭村委会", "孙强", NULL, NULL, NULL, 35.0399, 112.4095),
	DEMO_SITE("XY-V-003", "石门村（演示）", "石门村", "village",
	    "石门村委会", "吴刚", NULL, NULL, NULL, 35.0295, 112.3721),
};
#undef DEMO_SITE

/* Answers for the demo's inspections (form id, site, answers JSON). */
static const struct {
	const char	*form;
	const char	*site;
	const char	*answers;
} demo_inspections[] = {
	{ "coal-ban", "XY-H-001", "{\"in_ban_zone\": true, "
	  "\"loose_coal\": [\"storage\", \"use\"], \"coal_kg\": 350, "
	  "\"substituted\": true, \"heating\": \"coal\"}" },
	{ "coal-ban", "XY-H-002", "{\"in_ban_zone\": true, "
	  "\"loose_coal\": [\"none\"], \"substituted\": true, "
	  "\"heating\": \"electric\"}" },
	{ "boiler", "XY-E-002", "{\"boiler_no\": \"1号锅炉\", \"fuel\": "
	  "\"gas\", \"use\": \"heating\", \"capacity_tph\": 12, "
	  "\"status\": \"running\", \"low_nox\": true, \"fgr_valve\": "
	  "\"manual\", \"auto_monitoring\": \"installed\"}" },
	{ "boiler", "XY-E-001", "{\"boiler_no\": \"烘干炉\", \"fuel\": "
	  "\"coal\", \"use\": \"production\", \"capacity_tph\": 4, "
	  "\"status\": \"running\", \"notes\": \"锅炉房露天堆煤约2吨\"}" },
	{ "restaurant-fume", "XY-R-001", "{\"purifier_installed\": true, "
	  "\"purifier_running\": false, \"cleaning_records\": false}" },
	{ "restaurant-fume", "XY-R-002", "{\"purifier_installed\": true, "
	  "\"purifier_running\": true, \"cleaning_records\": true}" },
	{ "construction-dust", "XY-C-001", "{\"project_kind\": \"building\", "
	  "\"acceptance_done\": true, \"three_officers\": true, "
	  "\"onsite_mixing\": false, \"covered\": false, \"wheel_wash\": true, "
	  "\"video\": true}" },
	{ "dustfall", "XY-C-002", "{\"month\": \"2026-10\", "
	  "\"dustfall\": 9.4, \"report_no\": \"JY-2026-10-031\"}" },
	{ "dustfall", "XY-V-001", "{\"month\": \"2026-10\", "
	  "\"dustfall\": 6.2, \"report_no\": \"JY-2026-10-029\"}" },
	{ "fire-point", "XY-V-002", "{\"recheck\": false, \"village\": "
	  "\"南岭村\", \"found_date\": \"2026-10-21\", \"found_by\": "
	  "\"blue_sky_guard\", \"fire_kind\": \"straw\"}" },
	{ "mine", "XY-M-001", "{\"mine_kind\": \"stone_processing\", "
	  "\"video_installed\": true, \"video_running\": false, "
	  "\"dust_control\": false, \"dust_gaps\": [\"haulage\"]}" },
};

/* Has the demo already made its inspection of this site with this form? */
static int
demo_done(struct datadir *dd, const char *site, const char *form)
{
	sqlite3_stmt	*st;
	int		 done = 0;

	if (db_prepare(dd->db, &st, "SELECT 1 FROM records WHERE site = ?1 "
	    "AND form = ?2 LIMIT 1") != 0)
		return 0;
	db_bind_text(st, 1, site);
	db_bind_text(st, 2, form);
	done = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return done;
}

/*
 * Make what is missing of the demo: sites, key, inspections.  A demo run
 * stopped half-way is finished by the next one, never made twice.
 */
/*
 * A camera card's folder with a few pictures (1x1 GIFs, small enough to
 * live in the source) so that attaching a photo can be tried at once; it
 * becomes the demo's import folder.
 */
static int
demo_camera(struct datadir *dd)
{
	static const unsigned char gif[] = {
		'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0,
		0xff, 0xff, 0xff, 0, 0, 0, '!', 0xf9, 4, 1, 0, 0, 0, 0,
		',', 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 'D', 1, 0, ';'
	};
	static const char *const names[] = { "IMG_0101.GIF", "IMG_0102.GIF",
	    "IMG_0103.GIF" };
	unsigned char	 pic[sizeof gif + 8];
	char		*dir, *path;
	size_t		 i;
	int		 rc;

	dir = datadir_file(dd, "camera/DCIM");
	if ((rc = util_mkdir_p(dir, 0700)) != 0)
		goto done;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		/* Each picture its own bytes (a trailer after the image). */
		memcpy(pic, gif, sizeof gif);
		memcpy(pic + sizeof gif, "lantian", 7);
		pic[sizeof gif + 7] = (unsigned char)('0' + i);
		path = xasprintf("%s/%s", dir, names[i]);
		if (!util_exists(path))
			rc = util_write_file(path, pic, sizeof pic, 0600);
		free(path);
		if (rc != 0)
			goto done;
	}
	free(dir);
	dir = datadir_file(dd, "camera");
	rc = db_setting_set(dd->db, "tui.import_dir", dir);
	if (rc == 0)
		rc = db_setting_set(dd->db, "demo", DEMO_PASSPHRASE);
done:
	free(dir);
	return rc;
}

/*
 * This month's "双随机" draw of the demo office: two of the enterprises,
 * for the one inspector on its roster, shown on the home screen.
 */
static int
demo_draw(struct datadir *dd, const struct key_secret *office)
{
	struct assign_req	 r;
	struct tm		 tm;
	time_t			 now = util_now();
	char			 month[8], *body = NULL;
	size_t			 len;
	int			 rc;

	if (localtime_r(&now, &tm) == NULL)
		return error_set(LT_EIO, "demo: no local time");
	strftime(month, sizeof month, "%Y-%m", &tm);
	r.month = month;
	r.kind = "enterprise";
	r.seed = "下冶镇演示抽签";
	r.sites = 2;
	r.per_site = 1;
	/* Drawn once: a demo made again keeps its month's draw. */
	if ((rc = office_draw(dd, office, &r, NULL, &body, &len)) ==
	    LT_EEXISTS) {
		error_clear();
		rc = 0;
	}
	free(body);
	return rc;
}

/*
 * The demo is its own office too: an office key (passphrase "demo") that
 * the store trusts, with the demo inspector on its roster since 2020, so
 * that the demo's records show as verified.
 */
static int
demo_office(struct datadir *dd)
{
	struct key_secret	*office = NULL;
	struct key_public	 pk, dev;
	struct roster_entry	 e;
	int			 rc;

	if (roster_office_has_key(dd))
		return 0;
	memset(&e, 0, sizeof e);
	if ((rc = roster_office_init(dd, DEMO_PASSPHRASE,
	    strlen(DEMO_PASSPHRASE), &pk)) != 0 ||
	    (rc = roster_office_unlock(dd, DEMO_PASSPHRASE,
	    strlen(DEMO_PASSPHRASE), &office)) != 0 ||
	    (rc = datadir_device_public(dd, &dev)) != 0)
		goto cleanup;
	key_id_hex(e.key_id, dev.id);
	e.pubkey = key_public_base64(&dev);
	e.name = xstrdup("张伟");
	e.badge = xstrdup("XY-017");
	snprintf(e.valid_from, sizeof e.valid_from, "2020-01-01T00:00:00Z");
	if ((rc = roster_issue(dd->db, office, &e)) == 0)
		rc = demo_draw(dd, office);
cleanup:
	roster_entry_clear(&e);
	key_secret_free(office);
	return rc;
}

/*
 * The office's review of the demo's first records: one accepted, one
 * returned with a question, which home shows for the inspector to answer
 * (a).  Once: not again when the demo is opened again.
 */
static int
demo_reviews(struct datadir *dd)
{
	struct key_secret	*office = NULL;
	sqlite3_stmt		*st;
	char			 ids[2][65];
	int			 rc, n = 0;

	if ((rc = db_prepare(dd->db, &st, "SELECT id FROM records WHERE "
	    "type = 'inspection' AND NOT EXISTS (SELECT 1 FROM reviews) "
	    "ORDER BY created, id LIMIT 2")) != 0)
		return rc;
	while (n < 2 && sqlite3_step(st) == SQLITE_ROW)
		snprintf(ids[n++], 65, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (n < 2)
		return 0;
	if ((rc = roster_office_unlock(dd, DEMO_PASSPHRASE,
	    strlen(DEMO_PASSPHRASE), &office)) != 0)
		return rc;
	if ((rc = review_issue(dd, office, ids[0], REVIEW_ACCEPTED, NULL)) == 0)
		rc = review_issue(dd, office, ids[1], REVIEW_RETURNED,
		    "请补充现场照片，并说明整改期限是否已告知现场负责人。");
	key_secret_free(office);
	return rc;
}

static int
demo_prepare(struct datadir *dd)
{
	struct key_secret	*sk = NULL;
	struct form		*f = NULL;
	struct inspect		 in;
	struct record		 rec;
	json_error_t		 jerr;
	json_t			*answers, *ack;
	size_t			 i;
	int			 rc;

	if ((rc = db_begin(dd->db)) != 0)
		return rc;
	for (i = 0; i < sizeof demo_sites / sizeof demo_sites[0]; i++) {
		if ((rc = site_put(dd->db, &demo_sites[i])) != 0) {
			db_rollback(dd->db);
			return rc;
		}
	}
	if ((rc = db_commit(dd->db)) != 0)
		return rc;
	if (!datadir_has_key(dd) &&
	    (rc = datadir_init_key(dd, "张伟", "XY-017", DEMO_PASSPHRASE,
	    strlen(DEMO_PASSPHRASE))) != 0)
		return rc;
	if ((rc = demo_camera(dd)) != 0 || (rc = demo_office(dd)) != 0)
		return rc;
	if ((rc = repo_init(dd->path)) != 0 ||
	    (rc = datadir_device_unlock(dd, DEMO_PASSPHRASE,
	    strlen(DEMO_PASSPHRASE), &sk)) != 0)
		return rc;
	for (i = 0; i < sizeof demo_inspections / sizeof demo_inspections[0];
	    i++) {
		if (demo_done(dd, demo_inspections[i].site,
		    demo_inspections[i].form))
			continue;
		memset(&in, 0, sizeof in);
		if ((rc = form_open(&f, demo_inspections[i].form,
		    datadir_form_dirs(dd))) != 0)
			break;
		answers = json_loads(demo_inspections[i].answers, 0, &jerr);
		/* Signed, as in the field, with the site's acknowledgment. */
		ack = json_pack("{s:s, s:s, s:b}", "name", "李建国", "role",
		    "现场负责人", "refused", 0);
		in.site = demo_inspections[i].site;
		in.form = f;
		in.answers = answers;
		in.acknowledged = ack;
		rc = inspect_finish(dd, sk, &in, &rec);
		json_decref(ack);
		json_decref(answers);
		form_free(f);
		if (rc != 0)
			break;
		record_clear(&rec);
	}
	key_secret_free(sk);
	if (rc == 0)
		rc = demo_reviews(dd);
	return rc;
}

int
cmd_demo(struct cli *cli, int argc, char **argv)
{
	struct datadir	*dd = NULL;
	char		*dir, *list[] = { "records", "list", NULL };
	int		 rc;

	(void)argv;
	if (argc != 1)
		return cli_usage("demo [--data DIR]", "demo: no arguments");
	/* Never the real data: the demo has its own directory. */
	dir = cli->data_opt != NULL ? xstrdup(cli->data_opt) :
	    xasprintf("%s-demo", cli->datadir);
	free(cli->datadir);
	cli->datadir = dir;
	if (datadir_open(&dd, dir, 1) != 0)
		return cli_fail();
	if (demo_prepare(dd) != 0) {
		rc = cli_fail();
		datadir_close(dd);
		return rc;
	}
	/* On a terminal the demo opens in the TUI, ready to inspect; the
	 * line stays on the terminal when the TUI ends, and the TUI says the
	 * directory too. */
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		printf("demo data in %s (inspector 张伟, badge XY-017, "
		    "passphrase \"%s\")\n", dir, DEMO_PASSPHRASE);
		fflush(stdout);
		rc = tui_main(dir, dd);
		datadir_close(dd);
		return rc;
	}
	datadir_close(dd);
	printf("demo data in %s (inspector 张伟, badge XY-017, passphrase "
	    "\"%s\")\n\n", dir, DEMO_PASSPHRASE);
	return cmd_records(cli, 2, list);
}
