#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "error.h"
#include "history.h"
#include "office.h"
#include "publish.h"
#include "report.h"
#include "review.h"
#include "util.h"

/* The local date of a UTC time: "YYYY-MM-DD". */
static void
publish_date(char out[11], const char *utc)
{
	char	buf[24];

	history_time(buf, sizeof buf, utc);
	snprintf(out, 11, "%.10s", buf);
}

/* A finding's state now: closed (on the date), overdue or open. */
static int
publish_state(sqlite3 *db, const char *record, const char *rule,
    const char *today, json_t *f)
{
	sqlite3_stmt	*st;
	const char	*deadline = json_string_value(json_object_get(f,
	    "deadline"));
	char		 date[11];
	int		 rc;

	if ((rc = db_cached(db, &st, "SELECT c.created FROM findings f JOIN "
	    "records c ON c.id = f.closed_by WHERE f.record = ?1 AND "
	    "f.rule = ?2")) != 0)
		return rc;
	db_bind_text(st, 1, record);
	db_bind_text(st, 2, rule);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		publish_date(date, (const char *)sqlite3_column_text(st, 0));
		json_object_set_new(f, "state", json_string("closed"));
		json_object_set_new(f, "closed", json_string(date));
	} else
		json_object_set_new(f, "state", json_string(deadline != NULL &&
		    strcmp(deadline, today) < 0 ? "overdue" : "open"));
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_error(db,
	    "findings");
	sqlite3_reset(st);
	return rc;
}

/* The findings of a record as the public sees them. */
static int
publish_findings(sqlite3 *db, const char *record, const char *body,
    size_t len, const char *today, json_t **out)
{
	const json_t	*v, *text;
	json_t		*doc, *list, *f;
	const char	*rule, *s;
	size_t		 i;
	int		 rc = 0;

	*out = list = json_array();
	if ((doc = json_loadb(body, len, 0, NULL)) == NULL)
		return 0;
	json_array_foreach(json_object_get(doc, "findings"), i, v) {
		if ((rule = json_string_value(json_object_get(v, "rule"))) ==
		    NULL)
			continue;
		text = json_object_get(v, "text");
		s = json_string_value(json_object_get(text, "zh"));
		if (s == NULL)
			s = json_string_value(json_object_get(text, "en"));
		f = json_pack("{s:O?, s:s?, s:s, s:s?}", "task",
		    json_object_get(v, "task"), "severity",
		    json_string_value(json_object_get(v, "severity")), "text",
		    s != NULL ? s : rule, "deadline",
		    json_string_value(json_object_get(v, "deadline")));
		if (f == NULL)
			continue;
		if ((rc = publish_state(db, record, rule, today, f)) != 0) {
			json_decref(f);
			break;
		}
		json_array_append_new(list, f);
	}
	json_decref(doc);
	return rc;
}

/* One draw of the month (双随机) as the public sees it: its sites, no
 * inspector, and a household by its village only. */
static int
publish_add_draw(const struct assign_drawn *d, void *arg)
{
	const json_t	*a;
	json_t		*sites, *item;
	const char	*village;
	char		 date[11];
	size_t		 i;

	sites = json_array();
	json_array_foreach(d->assignments, i, a) {
		village = json_string_value(json_object_get(a, "village"));
		if (d->kind != NULL && strcmp(d->kind, "household") == 0)
			item = json_pack("{s:n, s:n, s:s?}", "site", "name",
			    "village", village);
		else
			item = json_pack("{s:s?, s:s?, s:s?}", "site",
			    json_string_value(json_object_get(a, "site")),
			    "name", json_string_value(json_object_get(a,
			    "name")), "village", village);
		if (item != NULL)
			json_array_append_new(sites, item);
	}
	publish_date(date, d->issued != NULL ? d->issued : "");
	json_array_append_new(arg, json_pack("{s:s?, s:i, s:b, s:s, s:s?, "
	    "s:s?, s:o}", "kind", d->kind, "draw", d->n, "in_force",
	    d->in_force, "drawn", date, "seed", d->seed, "reason", d->reason,
	    "sites", sites));
	return 0;
}

int
publish_month(sqlite3 *db, const char *month, json_t **out)
{
	sqlite3_stmt	*st;
	json_t		*doc, *list, *item, *findings, *draws;
	const char	*kind, *village;
	sqlite3_int64	 withheld;
	char		 from[32], to[32], date[11], today[11], now[32];
	int		 rc;

	*out = NULL;
	if ((rc = report_month_bounds(month, from, to)) != 0)
		return rc;
	util_date_after(today, sizeof today, util_now(), 0);
	util_rfc3339(now, sizeof now, util_now());
	if ((rc = db_prepare(db, &st, "SELECT r.id, r.created, r.site, s.name, "
	    "s.village, s.kind, (SELECT coalesce(json_extract(fo.body, "
	    "'$.title.zh'), json_extract(fo.body, '$.title.en')) FROM forms "
	    "fo WHERE fo.id = r.form AND fo.version = r.form_version LIMIT "
	    "1), r.form, r.body FROM records r INDEXED BY records_created "
	    "LEFT JOIN sites s ON s.id = r.site JOIN review_state v ON "
	    "v.record = r.id AND v.state = ?3 WHERE r.created >= ?1 AND "
	    "r.created < ?2 AND r.type = 'inspection' AND r.status IN "
	    "('verified', 'signed') ORDER BY r.created, r.id")) != 0)
		return rc;
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	/* Only what the office accepted: not pending, returned, rejected. */
	db_bind_text(st, 3, REVIEW_ACCEPTED);
	list = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		publish_date(date, (const char *)sqlite3_column_text(st, 1));
		kind = (const char *)sqlite3_column_text(st, 5);
		village = (const char *)sqlite3_column_text(st, 4);
		if ((rc = publish_findings(db, (const char *)
		    sqlite3_column_text(st, 0), sqlite3_column_blob(st, 8),
		    (size_t)sqlite3_column_bytes(st, 8), today,
		    &findings)) != 0) {
			json_decref(findings);
			break;
		}
		/* A household is a private person: no name, no id. */
		if (kind != NULL && strcmp(kind, "household") == 0)
			item = json_pack("{s:s, s:n, s:n, s:s?, s:s}", "date",
			    date, "site", "name", "village", village, "kind",
			    kind);
		else
			item = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?}", "date",
			    date, "site", (const char *)sqlite3_column_text(st,
			    2), "name", (const char *)sqlite3_column_text(st, 3),
			    "village", village, "kind", kind);
		json_object_set_new(item, "form", json_string(
		    sqlite3_column_text(st, 6) != NULL ? (const char *)
		    sqlite3_column_text(st, 6) : (const char *)
		    sqlite3_column_text(st, 7)));
		json_object_set_new(item, "findings", findings);
		json_array_append_new(list, item);
	}
	rc = rc == SQLITE_DONE ? 0 : rc == SQLITE_ROW ? 0 : rc < 0 ? rc :
	    db_error(db, "records");
	sqlite3_finalize(st);
	if (rc != 0) {
		json_decref(list);
		return rc;
	}
	/* What the office has not accepted, counted, not published. */
	if ((rc = db_prepare(db, &st, "SELECT count(*) FROM records r INDEXED "
	    "BY records_created WHERE r.created >= ?1 AND r.created < ?2 AND "
	    "r.type = 'inspection' AND r.status IN ('verified', 'signed') AND "
	    "NOT EXISTS (SELECT 1 FROM review_state v WHERE v.record = r.id "
	    "AND v.state = ?3)")) != 0) {
		json_decref(list);
		return rc;
	}
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	db_bind_text(st, 3, REVIEW_ACCEPTED);
	withheld = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st,
	    0) : -1;
	sqlite3_finalize(st);
	if (withheld < 0) {
		json_decref(list);
		return db_error(db, "records");
	}
	draws = json_array();
	if ((rc = office_draws(db, month, publish_add_draw, draws)) != 0) {
		json_decref(list);
		json_decref(draws);
		return rc;
	}
	doc = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o, s:o}", "month", month,
	    "published", now, "selection", "accepted", "count",
	    (json_int_t)json_array_size(list), "not_accepted",
	    (json_int_t)withheld, "results", list, "draws", draws);
	*out = doc;
	return 0;
}


/* A CSV field: quoted when it must be, never a control character. */
static void
publish_csv_field(FILE *f, const char *s, int last)
{
	char		*clean = util_sanitize(s != NULL ? s : "");
	const char	*p;

	if (strpbrk(clean, ",\"\n") == NULL)
		fputs(clean, f);
	else {
		fputc('"', f);
		for (p = clean; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	}
	free(clean);
	fputc(last ? '\n' : ',', f);
}

static const char *
publish_state_zh(const char *state)
{
	if (state == NULL)
		return "";
	if (strcmp(state, "closed") == 0)
		return "已整改销号";
	if (strcmp(state, "overdue") == 0)
		return "逾期未整改";
	return "整改中";
}

static const char *
publish_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A kind of site in Chinese, for the page. */
static const char *
publish_kind_zh(const char *kind)
{
	static const char *const names[][2] = {
		{ "household", "居民户" }, { "shop", "商户" },
		{ "enterprise", "企业" }, { "construction", "建筑工地" },
		{ "restaurant", "餐饮单位" }, { "mine", "矿山" },
		{ "village", "村" }, { "road", "道路" },
	};
	size_t	i;

	for (i = 0; kind != NULL && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(kind, names[i][0]) == 0)
			return names[i][1];
	return kind != NULL ? kind : "";
}

/* The site as the public sees it: "饭店二 (R2)", or a household. */
static char *
publish_site(const json_t *r)
{
	if (json_is_null(json_object_get(r, "site")))
		return xasprintf("%s的一户居民", publish_str(r, "village") !=
		    NULL ? publish_str(r, "village") : "");
	return xasprintf("%s (%s)", publish_str(r, "name") != NULL ?
	    publish_str(r, "name") : "", publish_str(r, "site"));
}

static int
publish_write_csv(FILE *f, const json_t *d)
{
	const json_t	*r, *x;
	size_t		 i, j;
	char		 task[16], *site;

	fputs("date,site,village,kind,form,task,severity,finding,deadline,"
	    "state,closed\n", f);
	json_array_foreach(json_object_get(d, "results"), i, r) {
		site = publish_site(r);
		json_array_foreach(json_object_get(r, "findings"), j, x) {
			publish_csv_field(f, publish_str(r, "date"), 0);
			publish_csv_field(f, site, 0);
			publish_csv_field(f, publish_str(r, "village"), 0);
			publish_csv_field(f, publish_str(r, "kind"), 0);
			publish_csv_field(f, publish_str(r, "form"), 0);
			snprintf(task, sizeof task, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(json_object_get(x, "task")));
			publish_csv_field(f, task, 0);
			publish_csv_field(f, publish_str(x, "severity"), 0);
			publish_csv_field(f, publish_str(x, "text"), 0);
			publish_csv_field(f, publish_str(x, "deadline"), 0);
			publish_csv_field(f, publish_str(x, "state"), 0);
			publish_csv_field(f, publish_str(x, "closed"), 1);
		}
		if (json_array_size(json_object_get(r, "findings")) == 0) {
			publish_csv_field(f, publish_str(r, "date"), 0);
			publish_csv_field(f, site, 0);
			publish_csv_field(f, publish_str(r, "village"), 0);
			publish_csv_field(f, publish_str(r, "kind"), 0);
			publish_csv_field(f, publish_str(r, "form"), 0);
			fputs(",,,,,\n", f);
		}
		free(site);
	}
	return ferror(f) ? -1 : 0;
}

/* The month's draws (双随机): each kind's draws side by side, the one
 * in force last, with the reason it was drawn again. */
static void
publish_html_draws(FILE *f, const json_t *d)
{
	const json_t	*dr, *x, *s;
	const char	*kind;
	size_t		 i, j, k, m, n = json_array_size(json_object_get(d,
	    "draws"));
	char		*site;

	if (n == 0)
		return;
	fputs("<h2>双随机抽取</h2>\n", f);
	for (i = 0; i < n; i = j) {
		dr = json_array_get(json_object_get(d, "draws"), i);
		kind = publish_str(dr, "kind");
		/* The draws of this kind: i .. j. */
		for (j = i + 1; j < n; j++) {
			x = json_array_get(json_object_get(d, "draws"), j);
			if (kind == NULL || publish_str(x, "kind") == NULL ||
			    strcmp(kind, publish_str(x, "kind")) != 0)
				break;
		}
		fputs("<h3>", f);
		util_html_text(f, publish_kind_zh(kind));
		fputs("</h3>\n<table>\n<tr>", f);
		for (k = i; k < j; k++) {
			x = json_array_get(json_object_get(d, "draws"), k);
			fprintf(f, "<th%s>第 %" JSON_INTEGER_FORMAT " 次抽取 ",
			    json_is_true(json_object_get(x, "in_force")) ? "" :
			    " class=\"replaced\"", json_integer_value(
			    json_object_get(x, "draw")));
			util_html_text(f, publish_str(x, "drawn"));
			fputs(json_is_true(json_object_get(x, "in_force")) ?
			    "（有效）" : "（已作废）", f);
			fputs("</th>", f);
		}
		fputs("</tr>\n<tr>", f);
		for (k = i; k < j; k++) {
			x = json_array_get(json_object_get(d, "draws"), k);
			fputs("<td>随机种子：", f);
			util_html_text(f, publish_str(x, "seed"));
			if (publish_str(x, "reason") != NULL) {
				fputs("<br>重新抽取的理由：", f);
				util_html_text(f, publish_str(x, "reason"));
			}
			fputs("<ul>", f);
			json_array_foreach(json_object_get(x, "sites"), m, s) {
				site = publish_site(s);
				fputs("<li>", f);
				util_html_text(f, site);
				fputs("</li>", f);
				free(site);
			}
			fputs("</ul></td>", f);
		}
		fputs("</tr>\n</table>\n", f);
	}
}

static int
publish_write_html(FILE *f, const json_t *d)
{
	const json_t	*r, *x;
	size_t		 i, j;
	char		*site, when[64];

	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>", f);
	util_html_text(f, publish_str(d, "month"));
	/* Printed on A4: columns of fixed widths (the village is never
	 * squeezed to one character by a long finding), text wrapped inside
	 * them, the heading again on each page. */
	fputs(" 大气污染防治检查结果公示</title>\n<style>\n"
	    "@page{size:A4;margin:15mm 12mm}"
	    "body{font-family:sans-serif;margin:2em;font-size:10.5pt}"
	    "@media print{body{margin:0}}"
	    "table{border-collapse:collapse;width:100%;table-layout:fixed}"
	    "th,td{border:1px solid #888;padding:4px 6px;text-align:left;"
	    "vertical-align:top;overflow-wrap:anywhere}th{background:#eee}"
	    "thead{display:table-header-group}tr{page-break-inside:avoid}"
	    "col.date{width:12%}col.site{width:18%}col.village{width:9%}"
	    "col.form{width:14%}col.finding{width:25%}col.deadline{width:11%}"
	    "col.state{width:11%}"
	    ".overdue{color:#b00;font-weight:bold}.closed{color:#060}"
	    ".replaced{color:#555}\n"
	    "</style>\n</head>\n<body>\n<h1>", f);
	util_html_text(f, publish_str(d, "month"));
	fputs(" 大气污染防治检查结果公示</h1>\n<p>“双随机、一公开”：本月经核验、"
	    "并经生态环境办公室审核通过的检查记录 ", f);
	fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(
	    json_object_get(d, "count")));
	fputs(" 条（待审核、退回补正和不予采信的记录不公示），发现的问题及整改情况"
	    "（截至 ", f);
	util_local_rfc3339(when, sizeof when, publish_str(d, "published"));
	util_html_text(f, when);
	fputs("）。居民户不公开姓名。</p>\n", f);
	publish_html_draws(f, d);
	fputs("<h2>检查结果</h2>\n<table>\n<colgroup><col class=\"date\">"
	    "<col class=\"site\"><col class=\"village\"><col class=\"form\">"
	    "<col class=\"finding\"><col class=\"deadline\">"
	    "<col class=\"state\"></colgroup>\n<thead><tr><th>日期</th>"
	    "<th>检查对象</th><th>村</th><th>检查表</th><th>发现的问题"
	    "</th><th>整改期限</th><th>状态</th></tr></thead>\n", f);
	json_array_foreach(json_object_get(d, "results"), i, r) {
		site = publish_site(r);
		json_array_foreach(json_object_get(r, "findings"), j, x) {
			fputs("<tr><td>", f);
			util_html_text(f, publish_str(r, "date"));
			fputs("</td><td>", f);
			util_html_text(f, site);
			fputs("</td><td>", f);
			util_html_text(f, publish_str(r, "village"));
			fputs("</td><td>", f);
			util_html_text(f, publish_str(r, "form"));
			fprintf(f, "</td><td>任务%" JSON_INTEGER_FORMAT "：",
			    json_integer_value(json_object_get(x, "task")));
			util_html_text(f, publish_str(x, "text"));
			fputs("</td><td>", f);
			util_html_text(f, publish_str(x, "deadline"));
			fprintf(f, "</td><td class=\"%s\">", publish_str(x,
			    "state") != NULL ? publish_str(x, "state") : "");
			fputs(publish_state_zh(publish_str(x, "state")), f);
			if (publish_str(x, "closed") != NULL) {
				fputs(" ", f);
				util_html_text(f, publish_str(x, "closed"));
			}
			fputs("</td></tr>\n", f);
		}
		if (json_array_size(json_object_get(r, "findings")) == 0) {
			fputs("<tr><td>", f);
			util_html_text(f, publish_str(r, "date"));
			fputs("</td><td>", f);
			util_html_text(f, site);
			fputs("</td><td>", f);
			util_html_text(f, publish_str(r, "village"));
			fputs("</td><td>", f);
			util_html_text(f, publish_str(r, "form"));
			fputs("</td><td>未发现问题</td><td></td><td></td></tr>\n",
			    f);
		}
		free(site);
	}
	fputs("</table>\n</body>\n</html>\n", f);
	return ferror(f) ? -1 : 0;
}

/* Write one file through fn, atomically (a temporary file renamed). */
static int
publish_file(const char *dir, const char *name, const json_t *d,
    int (*fn)(FILE *, const json_t *))
{
	char	*path, *buf = NULL;
	size_t	 len = 0;
	FILE	*f;
	int	 rc;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return error_set(LT_EIO, "publish: out of memory");
	rc = fn(f, d);
	if (fclose(f) != 0 || rc != 0) {
		free(buf);
		return error_set(LT_EIO, "publish: cannot write %s", name);
	}
	path = xasprintf("%s/%s", dir, name);
	rc = util_write_file(path, buf, len, 0644);
	free(path);
	free(buf);
	return rc;
}

static int
publish_write_json(FILE *f, const json_t *d)
{
	if (json_dumpf(d, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
		return -1;
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}

int
publish_write(const char *dir, const json_t *results)
{
	const char	*month = publish_str(results, "month");
	char		*name;
	int		 rc;

	if ((rc = util_mkdir_p(dir, 0755)) != 0)
		return rc;
	name = xasprintf("results-%s.json", month);
	rc = publish_file(dir, name, results, publish_write_json);
	free(name);
	if (rc != 0)
		return rc;
	name = xasprintf("results-%s.csv", month);
	rc = publish_file(dir, name, results, publish_write_csv);
	free(name);
	if (rc != 0)
		return rc;
	return publish_file(dir, "index.html", results, publish_write_html);
}
