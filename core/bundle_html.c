/*
 * data/report.html of an evidence bundle: the case for a person to read
 * and print, in Chinese (or English).  Self-contained: no script, nothing
 * fetched; the photos are the bag's own files beside it.  Every text from
 * a record, a form or the register is escaped.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "bundle_priv.h"
#include "error.h"
#include "form.h"
#include "record.h"
#include "util.h"

/* The words of the report in its language. */
#define W(en, zh)	(zh_ ? (zh) : (en))

static void
h(FILE *f, const char *s)
{
	util_html_text(f, s);
}

/* The selection in words, in the report's language (bag-info.txt has it
 * in English, as sel->described).  Caller frees. */
static char *
html_described(const struct bundle_sel *sel, int zh_)
{
	char	*out, *more;
	size_t	 i;

	if (sel->site != NULL)
		out = xasprintf(W("the records of site %s", "站点 %s 的记录"),
		    sel->site);
	else if (sel->finding != NULL)
		out = xasprintf(W("the records that found rule %s, and those "
		    "that closed it", "发现规则 %s 所述问题的记录及其销号记录"),
		    sel->finding);
	else {
		out = xstrdup(W("the records", "记录"));
		for (i = 0; i < sel->nrecords; i++) {
			more = xasprintf("%s %s", out, sel->records[i]);
			free(out);
			out = more;
		}
	}
	if (sel->from != NULL || sel->to != NULL) {
		more = xasprintf("%s%s%s%s%s%s", out, W(", made", "，日期"),
		    sel->from != NULL ? W(" from ", "自 ") : "",
		    sel->from != NULL ? sel->from : "",
		    sel->to != NULL ? W(" to ", " 至 ") : "",
		    sel->to != NULL ? sel->to : "");
		free(out);
		out = more;
	}
	if (sel->include_unverified) {
		more = xasprintf("%s%s", out, W(", unverified records included",
		    "，含未经验证的记录"));
		free(out);
		out = more;
	}
	return out;
}

static const char *
hstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A UTC time as "YYYY-MM-DD HH:MM:SS UTC". */
static void
htime(FILE *f, const char *t)
{
	if (t == NULL || strlen(t) < 19) {
		h(f, t != NULL ? t : "-");
		return;
	}
	fprintf(f, "%.10s %.8s UTC", t, t + 11);
}

static const char *
hstate(const char *s, int zh_)
{
	if (s == NULL)
		return "-";
	if (strcmp(s, "pending") == 0)
		return W("waiting for the office's review", "待审核");
	if (strcmp(s, "accepted") == 0)
		return W("accepted", "已通过");
	if (strcmp(s, "returned") == 0)
		return W("returned for clarification", "退回说明");
	if (strcmp(s, "rejected") == 0)
		return W("rejected", "不予采信");
	if (strcmp(s, "amended") == 0)
		return W("answered by the inspector", "检查员答复");
	return s;
}

static const char *
htype(const char *type, int zh_)
{
	if (strcmp(type, "inspection") == 0)
		return W("inspection", "现场检查");
	if (strcmp(type, "site") == 0)
		return W("site registration", "场所登记");
	if (strcmp(type, "amendment") == 0)
		return W("amendment", "更正");
	return type;
}

static const char *
hseverity(const char *s, int zh_)
{
	if (s == NULL)
		return "-";
	if (strcmp(s, "violation") == 0)
		return W("violation", "违法违规");
	if (strcmp(s, "warning") == 0)
		return W("warning", "警示");
	if (strcmp(s, "note") == 0)
		return W("note", "提示");
	return s;
}

/* A row of a two-column table: a label and escaped text. */
static void
hrow(FILE *f, const char *label, const char *text)
{
	fputs("<tr><th>", f);
	h(f, label);
	fputs("</th><td>", f);
	h(f, text != NULL ? text : "-");
	fputs("</td></tr>\n", f);
}

static void
hstyle(FILE *f)
{
	fputs("<style>\n"
	    "body{font-family:\"Noto Sans CJK SC\",\"Noto Sans SC\","
	    "\"WenQuanYi Micro Hei\",\"Source Han Sans SC\",sans-serif;"
	    "margin:2em auto;max-width:60em;color:#000;background:#fff;"
	    "line-height:1.5}\n"
	    "h1{font-size:1.7em;border-bottom:4px solid #000;"
	    "padding-bottom:.2em}\n"
	    "h2{font-size:1.3em;border-bottom:1px solid #000;margin-top:1.5em}\n"
	    "h3{font-size:1.05em;margin:1em 0 .3em}\n"
	    "table{border-collapse:collapse;width:100%;margin:.3em 0}\n"
	    "th,td{border:1px solid #555;padding:.25em .5em;text-align:left;"
	    "vertical-align:top}\n"
	    "th{background:#eee;width:26%;font-weight:600}\n"
	    "table.list th{width:auto}\n"
	    "code,.id{font-family:monospace;word-break:break-all}\n"
	    ".ok{color:#060;font-weight:bold}\n"
	    ".bad{color:#b00;font-weight:bold}\n"
	    ".warn{border:3px solid #b00;padding:.5em;font-weight:bold}\n"
	    ".banner{position:fixed;top:0;left:0;right:0;background:#b00;"
	    "color:#fff;text-align:center;font-weight:bold;padding:.2em}\n"
	    "section.record{break-before:page;page-break-before:always}\n"
	    "figure{display:inline-block;margin:.5em;max-width:45%;"
	    "vertical-align:top}\n"
	    "figure img{max-width:100%;border:1px solid #555}\n"
	    "figcaption{font-size:.85em}\n"
	    "@media print{body{margin:0;max-width:none}a{color:#000}}\n"
	    "</style>\n", f);
}

/* The case, the exporter and how to verify. */
static void
hhead(FILE *f, const struct bundle_doc *d, int zh_, size_t unverified)
{
	char	n[64], *described;

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>", zh_ ? "zh-CN" : "en");
	h(f, W("Evidence bundle ", "证据包 "));
	h(f, d->sel->case_id);
	fputs("</title>\n", f);
	hstyle(f);
	fputs("</head>\n<body>\n", f);
	if (unverified > 0) {
		fputs("<div class=\"banner\">", f);
		fprintf(f, zh_ ? "本证据包含 %zu 条未经验证的记录，见各记录的标注" :
		    unverified == 1 ? "This bundle holds %zu record that is "
		    "NOT verified: see its mark" : "This bundle holds %zu "
		    "records that are NOT verified: see each record's mark",
		    unverified);
		fputs("</div>\n<p>&nbsp;</p>\n", f);
	}
	fputs("<h1>", f);
	h(f, W("Evidence bundle: case ", "证据包：案件 "));
	h(f, d->sel->case_id);
	fputs("</h1>\n<table>\n", f);
	hrow(f, W("Case", "案件编号"), d->sel->case_id);
	fputs("<tr><th>", f);
	h(f, W("Exported", "导出时间"));
	fputs("</th><td>", f);
	htime(f, d->bagged);
	fputs("</td></tr>\n<tr><th>", f);
	h(f, W("Exported by", "导出者"));
	fputs("</th><td>", f);
	h(f, d->exporter_who != NULL ? d->exporter_who : W("(not on the "
	    "roster)", "（不在人员名册上）"));
	fprintf(f, " · %s <code>%s</code></td></tr>\n", W("device key",
	    "设备密钥"), d->exporter);
	described = html_described(d->sel, zh_);
	hrow(f, W("Selection", "选取范围"), described);
	free(described);
	snprintf(n, sizeof n, "%zu", d->nrecs);
	hrow(f, W("Records", "记录数"), n);
	snprintf(n, sizeof n, "%zu", d->natts);
	hrow(f, W("Photos and files", "照片与附件"), n);
	fprintf(f, "<tr><th>%s</th><td><code>%s</code> (data/keys/office.pub)"
	    "<br><code>%s</code><br>%s</td></tr>\n</table>\n",
	    W("Office key", "办公室公钥"), d->office,
	    d->office_pub != NULL ? d->office_pub : "",
	    W("Compare this key with the one the office publishes by other "
	    "means (its notice board, its letterhead, its web site): "
	    "everything in this bag is checked against it, and the bag "
	    "itself cannot prove it.", "请将此公钥与办公室通过其他途径（公告栏、"
	    "公函、网站）公布的公钥逐字核对：本证据包的一切均以此公钥为准，证据包"
	    "本身无法证明它。"));

	fprintf(f, "<h2>%s</h2>\n<p>%s</p>\n<ol>\n", W("How to verify",
	    "如何核验"), W("Nothing here needs to be trusted on its word: "
	    "the bag's files carry the proof. In the bag's directory:",
	    "本报告的内容无需凭信任接受，证据包中的文件本身即可证明。在证据包目录中："));
	fprintf(f, "<li>%s <code>sha256sum -c manifest-sha256.txt</code></li>\n",
	    W("every file is the one listed:", "每个文件与清单一致："));
	fprintf(f, "<li>%s <code>minisign -V -p data/keys/office.pub -m "
	    "data/roster/&lt;%s&gt;.json</code></li>\n", W("each signer is on "
	    "the roster the office signed (office.pub being the office's "
	    "published key):", "每个签名者都在办公室签署的人员名册上"
	    "（office.pub 须为办公室公布的公钥）："), W("key id", "密钥编号"));
	fprintf(f, "<li>%s <code>minisign -V -P &lt;%s&gt; -m "
	    "data/records/&lt;%s&gt;.json</code></li>\n", W("each record is "
	    "signed by the key its roster entry gives (the \"pubkey\" of "
	    "data/roster/&lt;key id&gt;.json; a key id alone proves nothing):",
	    "每条记录由其名册条目所载的公钥签名（data/roster/&lt;密钥编号&gt;.json 中的 "
	    "\"pubkey\"；仅凭密钥编号不能证明任何事）："), W("pubkey",
	    "公钥"), W("record id", "记录编号"));
	fprintf(f, "<li>%s <code>sh VERIFY.txt</code> %s "
	    "<code>lantian verify-bundle</code></li>\n</ol>\n",
	    W("all of it:", "全部核验："), W("or", "或"));
}

/* The list of records at the start. */
static void
hindex(FILE *f, const struct bundle_doc *d, int zh_)
{
	const struct bundle_rec	*b;
	size_t			 i;

	fprintf(f, "<h2>%s</h2>\n<table class=\"list\">\n<tr><th>#</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th></tr>\n", W("The records", "记录一览"), W("Time",
	    "时间"), W("Site", "场所"), W("Type", "类型"), W("Inspector",
	    "检查员"), W("Findings", "问题"), W("Review", "审核"));
	for (i = 0; i < d->nrecs; i++) {
		b = &d->recs[i];
		fprintf(f, "<tr><td><a href=\"#r-%s\">%zu</a>%s</td><td>", b->r.id,
		    i + 1, b->verified ? "" : " <span class=\"bad\">!</span>");
		htime(f, b->r.created);
		fputs("</td><td>", f);
		h(f, b->site_name != NULL ? b->site_name : b->r.site);
		fputs("</td><td>", f);
		h(f, htype(b->r.type, zh_));
		fputs("</td><td>", f);
		h(f, hstr(json_object_get(b->r.doc, "inspector"), "name"));
		fprintf(f, "</td><td>%zu</td><td>", json_array_size(
		    json_object_get(b->r.doc, "findings")));
		h(f, b->review != NULL ? hstate(hstr(b->review, "state"),
		    zh_) : "-");
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Who signed, and whether the exporter's store verified it. */
static void
hverify(FILE *f, const struct bundle_rec *b, int zh_)
{
	fprintf(f, "<h3>%s</h3>\n", W("Signature", "签名核验"));
	if (b->verified) {
		fprintf(f, "<p class=\"ok\">%s ", W("Verified:", "已验证："));
		h(f, W("the signature holds, and device key ", "签名有效，设备密钥 "));
		fprintf(f, "<code>%s</code> ", b->r.device);
		h(f, W("was on the office's roster at the record's time: ",
		    "在记录时间属于办公室人员名册："));
		h(f, b->signer != NULL ? b->signer : "?");
		fputs("</p>\n", f);
	} else {
		fprintf(f, "<p class=\"warn\">%s ", W("NOT VERIFIED:",
		    "未经验证："));
		h(f, b->r.status != NULL ? b->r.status : "?");
		if (b->why != NULL) {
			fputs(" — ", f);
			h(f, b->why);
		}
		fputs("</p>\n", f);
	}
	fprintf(f, "<p>%s <code>minisign -V -p data/keys/%s.pub -m "
	    "data/records/%s.json</code></p>\n", W("Check it:", "核验命令："),
	    b->r.device, b->r.id);
}

/* The office's review and the exchange with the inspector. */
static void
hreview(FILE *f, const struct bundle_doc *d, const struct bundle_rec *b,
    int zh_)
{
	const json_t	*s;
	const char	*state, *text;
	size_t		 i;

	if (strcmp(b->r.type, "amendment") == 0)
		return;
	fprintf(f, "<h3>%s</h3>\n", W("The office's review", "办公室审核"));
	state = b->review != NULL ? hstr(b->review, "state") : "pending";
	fputs("<p>", f);
	fprintf(f, "<span class=\"%s\">", strcmp(state, "accepted") == 0 ?
	    "ok" : strcmp(state, "pending") == 0 ? "" : "bad");
	h(f, hstate(state, zh_));
	fputs("</span>", f);
	if (b->review != NULL && hstr(b->review, "reviewed") != NULL) {
		fputs(" — ", f);
		h(f, W("decided ", "决定时间 "));
		htime(f, hstr(b->review, "reviewed"));
		fprintf(f, ", %s <code>%s</code> (data/reviews/%s.json)",
		    W("signed by the office key", "由办公室密钥签署"), d->office,
		    b->r.id);
	}
	fputs("</p>\n", f);
	if (b->review == NULL || json_array_size(json_object_get(b->review,
	    "steps")) == 0)
		return;
	fputs("<table class=\"list\">\n", f);
	json_array_foreach(json_object_get(b->review, "steps"), i, s) {
		fputs("<tr><td>", f);
		htime(f, hstr(s, "at"));
		fputs("</td><td>", f);
		h(f, hstate(hstr(s, "state"), zh_));
		fputs("</td><td>", f);
		text = hstr(s, "text");
		h(f, text != NULL ? text : "");
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* The answers, with the form's labels. */
static void
hanswers(FILE *f, const struct bundle_rec *b, int zh_, const char *lang)
{
	const json_t	*answers = json_object_get(b->r.doc, "answers");
	const json_t	*atts = json_object_get(b->r.doc, "attachments");
	const json_t	*q, *v;
	const char	*qid;
	char		*text;

	if (!json_is_object(answers) || json_object_size(answers) == 0)
		return;
	fprintf(f, "<h3>%s</h3>\n<table>\n", strcmp(b->r.type,
	    "amendment") == 0 ? W("Corrected answers", "更正的回答") :
	    W("Answers", "回答"));
	json_object_foreach((json_t *)answers, qid, v) {
		q = b->form != NULL ? form_question(b->form, qid) : NULL;
		text = answer_text(q, v, atts, lang);
		hrow(f, q != NULL ? answer_label(q, lang) : qid, text);
		free(text);
	}
	fputs("</table>\n", f);
}

static void
hfindings(FILE *f, const struct bundle_rec *b, int zh_, const char *lang)
{
	const json_t	*list = json_object_get(b->r.doc, "findings"), *x;
	const char	*s;
	size_t		 i;

	if (strcmp(b->r.type, "inspection") != 0)
		return;
	fprintf(f, "<h3>%s</h3>\n", W("Findings", "发现的问题"));
	if (json_array_size(list) == 0) {
		fprintf(f, "<p>%s</p>\n", W("None.", "无。"));
		return;
	}
	fprintf(f, "<table class=\"list\">\n<tr><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th></tr>\n", W("Severity", "性质"),
	    W("Finding", "问题"), W("Action", "整改要求"), W("Deadline",
	    "整改期限"), W("Rule", "规则"));
	json_array_foreach(list, i, x) {
		fputs("<tr><td>", f);
		h(f, hseverity(hstr(x, "severity"), zh_));
		fputs("</td><td>", f);
		s = record_text(json_object_get(x, "text"), lang);
		h(f, s != NULL ? s : "");
		fputs("</td><td>", f);
		s = record_text(json_object_get(x, "action"), lang);
		h(f, s != NULL ? s : "");
		fputs("</td><td>", f);
		h(f, hstr(x, "deadline"));
		fputs("</td><td>", f);
		h(f, hstr(x, "rule"));
		fprintf(f, " (%s %lld)</td></tr>\n", W("task", "任务"),
		    (long long)json_integer_value(json_object_get(x, "task")));
	}
	fputs("</table>\n", f);
}

static void
hattachments(FILE *f, const struct bundle_doc *d, const struct bundle_rec *b,
    int zh_)
{
	const json_t		*list = json_object_get(b->r.doc, "attachments");
	const json_t		*a;
	const struct bundle_att	*att;
	const char		*cap;
	size_t			 i;

	if (json_array_size(list) == 0)
		return;
	fprintf(f, "<h3>%s</h3>\n<div>\n", W("Photos and files",
	    "照片与附件"));
	json_array_foreach(list, i, a) {
		if ((att = bundle_att_find(d, hstr(a, "sha256"))) == NULL)
			continue;
		fputs("<figure>", f);
		/*
		 * Only the raster images a browser shows without running
		 * anything are shown; any other file (an .html, an .svg) is
		 * named with its type and size, never linked, so that no
		 * page of the bag's own making opens beside the report.
		 */
		if (strcmp(att->mime, "image/jpeg") == 0 ||
		    strcmp(att->mime, "image/png") == 0 ||
		    strcmp(att->mime, "image/gif") == 0 ||
		    strcmp(att->mime, "image/webp") == 0) {
			fputs("<img src=\"", f);
			h(f, att->file);
			fputs("\" alt=\"", f);
			h(f, hstr(a, "name"));
			fputs("\">", f);
		} else {
			fputs("<p class=\"file\">", f);
			h(f, W("A file, not shown: ", "附件（不在此显示）："));
			h(f, att->file);
			fprintf(f, " (");
			h(f, att->mime);
			fprintf(f, ", %" JSON_INTEGER_FORMAT " %s)</p>",
			    json_integer_value(json_object_get(a, "bytes")),
			    W("bytes", "字节"));
		}
		fputs("<figcaption>", f);
		if ((cap = hstr(a, "caption")) != NULL && *cap != '\0') {
			h(f, cap);
			fputs("<br>", f);
		}
		h(f, hstr(a, "name"));
		fprintf(f, "<br><span class=\"id\">SHA-256 %s</span>"
		    "</figcaption></figure>\n", att->sha256);
	}
	fputs("</div>\n", f);
}

/* Notes, the representative's acknowledgment, an amendment's reply. */
static void
hrest(FILE *f, const struct bundle_rec *b, int zh_)
{
	const json_t	*ack, *w;
	const char	*s;

	if ((s = hstr(b->r.doc, "reply")) != NULL) {
		fprintf(f, "<h3>%s</h3>\n<p>", W("The inspector's answer to the "
		    "office", "检查员对办公室的答复"));
		h(f, s);
		fputs("</p>\n", f);
	}
	if ((s = hstr(b->r.doc, "notes")) != NULL && *s != '\0') {
		fprintf(f, "<h3>%s</h3>\n<p>", W("Notes", "备注"));
		h(f, s);
		fputs("</p>\n", f);
	}
	if (strcmp(b->r.type, "inspection") != 0)
		return;
	fprintf(f, "<h3>%s</h3>\n", W("The site representative's "
	    "acknowledgment", "现场负责人确认"));
	ack = json_object_get(b->r.doc, "acknowledged");
	if (!json_is_object(ack)) {
		fprintf(f, "<p>%s</p>\n", W("Not acknowledged.", "未确认。"));
		return;
	}
	fputs("<table>\n", f);
	hrow(f, W("Name", "姓名"), hstr(ack, "name"));
	hrow(f, W("Role", "职务"), hstr(ack, "role"));
	if (json_is_true(json_object_get(ack, "refused"))) {
		hrow(f, W("Signature", "签字"), W("refused to sign",
		    "拒绝签字（拒签）"));
		w = json_object_get(ack, "witness");
		s = json_is_string(w) ? json_string_value(w) : hstr(w, "name");
		hrow(f, W("Witness", "见证人"), s);
	} else
		hrow(f, W("Signature", "签字"), W("signed for the site",
		    "已签字确认"));
	fputs("</table>\n", f);
}

static void
hrecord(FILE *f, const struct bundle_doc *d, size_t i, int zh_,
    const char *lang)
{
	const struct bundle_rec	*b = &d->recs[i];
	const json_t		*insp = json_object_get(b->r.doc, "inspector");
	const json_t		*loc;
	char			*x;

	fprintf(f, "<section class=\"record\" id=\"r-%s\">\n<h2>", b->r.id);
	fprintf(f, zh_ ? "记录 %zu：" : "Record %zu: ", i + 1);
	h(f, b->site_name != NULL ? b->site_name : b->r.site != NULL ?
	    b->r.site : "-");
	fputs(" · ", f);
	h(f, b->form != NULL ? form_title(b->form, lang) : htype(b->r.type,
	    zh_));
	fputs("</h2>\n", f);
	if (!b->verified) {
		fprintf(f, "<p class=\"warn\">%s</p>\n", W("This record is NOT "
		    "verified.", "本记录未经验证。"));
	}
	fputs("<table>\n", f);
	fprintf(f, "<tr><th>%s</th><td class=\"id\">%s</td></tr>\n",
	    W("Record id (SHA-256)", "记录编号 (SHA-256)"), b->r.id);
	hrow(f, W("Type", "类型"), htype(b->r.type, zh_));
	x = xasprintf("%s (%s)", hstr(insp, "name") != NULL ? hstr(insp,
	    "name") : "?", hstr(insp, "badge") != NULL ? hstr(insp, "badge") :
	    "?");
	hrow(f, W("Inspector", "检查员"), x);
	free(x);
	fprintf(f, "<tr><th>%s</th><td><code>%s</code>, %s %lld</td></tr>\n",
	    W("Device key", "设备密钥"), b->r.device, W("record", "链序号"),
	    (long long)b->r.seq);
	if (b->r.site != NULL) {
		x = xasprintf("%s (%s)%s%s", b->site_name != NULL ?
		    b->site_name : "", b->r.site, b->village != NULL ? ", " :
		    "", b->village != NULL ? b->village : "");
		hrow(f, W("Site", "场所"), x);
		free(x);
	}
	if (b->r.form != NULL) {
		x = xasprintf("%s v%lld (%s)", b->form != NULL ?
		    form_title(b->form, lang) : b->r.form,
		    (long long)b->r.form_version, b->r.form);
		hrow(f, W("Form", "检查表"), x);
		free(x);
	}
	fprintf(f, "<tr><th>%s</th><td>", W("Started · finished", "开始 · 结束"));
	htime(f, hstr(b->r.doc, "started"));
	fputs(" · ", f);
	htime(f, hstr(b->r.doc, "finished") != NULL ? hstr(b->r.doc,
	    "finished") : b->r.created);
	fputs("</td></tr>\n", f);
	if ((loc = json_object_get(b->r.doc, "location")) != NULL &&
	    json_is_number(json_object_get(loc, "lat"))) {
		x = xasprintf("%.6f, %.6f", json_number_value(json_object_get(
		    loc, "lat")), json_number_value(json_object_get(loc,
		    "lon")));
		hrow(f, W("Location", "位置"), x);
		free(x);
	}
	if (hstr(b->r.doc, "follows") != NULL)
		fprintf(f, "<tr><th>%s</th><td class=\"id\">%s</td></tr>\n",
		    W("Follows up", "复查的记录"), hstr(b->r.doc, "follows"));
	if (hstr(b->r.doc, "amends") != NULL)
		fprintf(f, "<tr><th>%s</th><td class=\"id\">"
		    "<a href=\"#r-%s\">%s</a></td></tr>\n", W("Amends", "更正的记录"),
		    hstr(b->r.doc, "amends"), hstr(b->r.doc, "amends"));
	fputs("</table>\n", f);
	hverify(f, b, zh_);
	hreview(f, d, b, zh_);
	hanswers(f, b, zh_, lang);
	hfindings(f, b, zh_, lang);
	hattachments(f, d, b, zh_);
	hrest(f, b, zh_);
	fputs("</section>\n", f);
}

char *
bundle_html(const struct bundle_doc *d, size_t *len)
{
	const char	*lang = d->sel->lang != NULL && strcmp(d->sel->lang,
			    "en") == 0 ? "en" : "zh";
	char		*buf = NULL;
	size_t		 i, unverified = 0;
	int		 zh_ = strcmp(lang, "zh") == 0;
	FILE		*f;

	if ((f = open_memstream(&buf, len)) == NULL)
		util_fatal("report.html: %s", strerror(errno));
	for (i = 0; i < d->nrecs; i++)
		unverified += !d->recs[i].verified;
	hhead(f, d, zh_, unverified);
	hindex(f, d, zh_);
	for (i = 0; i < d->nrecs; i++)
		hrecord(f, d, i, zh_, lang);
	fprintf(f, "<p><small>%s lantian %s</small></p>\n</body>\n</html>\n",
	    W("Made by", "生成软件"), PACKAGE_VERSION);
	fclose(f);
	return buf;
}
