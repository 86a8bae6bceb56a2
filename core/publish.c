#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "error.h"
#include "history.h"
#include "publish.h"
#include "report.h"
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

int
publish_month(sqlite3 *db, const char *month, json_t **out)
{
	sqlite3_stmt	*st;
	json_t		*doc, *list, *item, *findings;
	const char	*kind, *village;
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
	    "LEFT JOIN sites s ON s.id = r.site WHERE r.created >= ?1 AND "
	    "r.created < ?2 AND r.type = 'inspection' AND r.status IN "
	    "('verified', 'signed') ORDER BY r.created, r.id")) != 0)
		return rc;
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
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
	doc = json_pack("{s:s, s:s, s:I, s:o}", "month", month, "published",
	    now, "count", (json_int_t)json_array_size(list), "results", list);
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

static int
publish_write_html(FILE *f, const json_t *d)
{
	const json_t	*r, *x;
	size_t		 i, j;
	char		*site;

	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>", f);
	util_html_text(f, publish_str(d, "month"));
	fputs(" 大气污染防治检查结果公示</title>\n<style>\n"
	    "body{font-family:sans-serif;margin:2em}"
	    "table{border-collapse:collapse;width:100%}"
	    "th,td{border:1px solid #888;padding:4px 6px;text-align:left;"
	    "vertical-align:top}th{background:#eee}"
	    ".overdue{color:#b00;font-weight:bold}.closed{color:#060}\n"
	    "</style>\n</head>\n<body>\n<h1>", f);
	util_html_text(f, publish_str(d, "month"));
	fputs(" 大气污染防治检查结果公示</h1>\n<p>“双随机、一公开”：本月经核验的"
	    "检查记录 ", f);
	fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(
	    json_object_get(d, "count")));
	fputs(" 条，发现的问题及整改情况（截至 ", f);
	util_html_text(f, publish_str(d, "published"));
	fputs("）。居民户不公开姓名。</p>\n<table>\n<tr><th>日期</th>"
	    "<th>检查对象</th><th>村</th><th>检查表</th><th>发现的问题"
	    "</th><th>整改期限</th><th>状态</th></tr>\n", f);
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
