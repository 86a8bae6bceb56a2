#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/db.h"
#include "core/error.h"
#include "core/history.h"
#include "core/form.h"
#include "core/record.h"
#include "core/site.h"
#include "core/util.h"

#define RECORDS_SYNOPSIS "records list [--site S] [--village V] " \
	"[--inspector KEYID|NAME|BADGE] [--form F] [--task N] [--severity S] " \
	"[--from DATE] [--to DATE] [--status[=STATUS]] [--limit N] " \
	"[--after ID] [--json] | " \
	"records show ID [--raw|--minisig]"

/* A column of the list: sanitized, cut or padded to width bytes. */
static void
records_cell(const char *s, int width)
{
	char	*clean = util_sanitize(s != NULL ? s : "-");
	int	 n = (int)strlen(clean);

	if (n > width) {
		/* Cut on a UTF-8 character boundary. */
		n = width;
		while (n > 0 && ((unsigned char)clean[n] & 0xc0) == 0x80)
			n--;
	}
	printf("%.*s%*s  ", n, clean, width - n, "");
	free(clean);
}

static int
records_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "form", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "status", optional_argument, NULL, 'S' },
		{ "village", required_argument, NULL, 'v' },
		{ "inspector", required_argument, NULL, 'i' },
		{ "task", required_argument, NULL, 't' },
		{ "severity", required_argument, NULL, 'e' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "limit", required_argument, NULL, 'l' },
		{ "after", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct history_filter	 f;
	struct datadir		*dd;
	sqlite3_stmt		*st;
	const char		*after = NULL;
	json_t			*o;
	char			*end, *sql, *where;
	long			 task = 0, limit = -1;
	int			 c, as_json = 0, why = 0, n = 0, rc;

	memset(&f, 0, sizeof f);

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			f.site = optarg;
			break;
		case 'f':
			f.form = optarg;
			break;
		case 'j':
			as_json = 1;
			break;
		case 'S':
			/* --status shows why; --status=S lists only S. */
			why = 1;
			f.status = optarg;
			break;
		case 'v':
			f.village = optarg;
			break;
		case 'i':
			f.inspector = optarg;
			break;
		case 'e':
			f.severity = optarg;
			break;
		case 'a':
			after = optarg;
			break;
		case 'F':
		case 'T':
			if (!util_is_date(optarg))
				return cli_usage(RECORDS_SYNOPSIS, "records list: "
				    "--%s %s: a date (YYYY-MM-DD, UTC)", c == 'F' ?
				    "from" : "to", optarg);
			if (c == 'F')
				f.from = optarg;
			else
				f.to = optarg;
			break;
		case 't':
		case 'l':
			if (c == 't')
				task = strtol(optarg, &end, 10);
			else
				limit = strtol(optarg, &end, 10);
			if (*end != '\0' || (c == 't' ? task < 1 || task > 99 :
			    limit < 1))
				return cli_usage(RECORDS_SYNOPSIS, "records list: "
				    "--%s %s: a number%s", c == 't' ? "task" :
				    "limit", optarg, c == 't' ? " (the plan's "
				    "task, 1 to 22)" : " of records");
			f.task = (int)task;
			break;
		default:
			return cli_usage(RECORDS_SYNOPSIS, "records list: bad "
			    "option");
		}
	}
	if (optind != argc)
		return cli_usage(RECORDS_SYNOPSIS, "records list: unexpected "
		    "argument %s", argv[optind]);
	if (cli_open(cli, &dd) != 0)
		return 1;
	if (after != NULL && (db_prepare(dd->db, &st, "SELECT 1 FROM records "
	    "WHERE id = ?1") != 0 || (db_bind_text(st, 1, after),
	    rc = sqlite3_step(st), sqlite3_finalize(st), rc != SQLITE_ROW))) {
		datadir_close(dd);
		return cli_error("records list: --after %s: no such record (a "
		    "full record id)", after);
	}
	/* Streamed from the cursor: the list never sits in memory.  A page
	 * (--limit, --after ID) goes on from a record's place in the order
	 * (created, then the order records were stored), by keyset.  Only
	 * the filters given are in the statement, so that SQLite takes the
	 * index that serves them (site, form, created); the values are
	 * bound, never written into it.  A village's or an inspector's
	 * records are many: those go along created (+ keeps SQLite from
	 * gathering them all to sort), so a page costs what it takes to
	 * find its records, more for a rare village than for a common one. */
	where = history_where(&f);
	sql = xasprintf("SELECT r.id, r.type, r.device, r.seq, r.site, "
	    "r.form, r.form_version, r.created, r.status, r.status_why FROM "
	    "records r WHERE 1%s%s ORDER BY r.created, r.rowid LIMIT ?3", where,
	    after != NULL ? " AND r.created >= (SELECT created FROM records "
	    "WHERE id = ?13) AND (r.created, r.rowid) > (SELECT created, rowid "
	    "FROM records WHERE id = ?13)" : "");
	free(where);
	rc = db_prepare(dd->db, &st, sql);
	free(sql);
	if (rc != 0) {
		datadir_close(dd);
		return cli_fail();
	}
	history_bind(st, &f);
	sqlite3_bind_int64(st, 3, limit);
	db_bind_text(st, 13, after);
	if (!as_json)
		printf("%-20s  %-12s  %-16s  %6s  %-12s  %-17s  %s%s\n",
		    "created", "id", "device", "seq", "site", "form", "status",
		    why ? "         why" : "");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *col[10];
		for (c = 0; c < 10; c++)
			col[c] = (const char *)sqlite3_column_text(st, c);
		if (as_json) {
			o = json_pack("{s:s, s:s, s:s, s:I, s:s?, s:s?, s:s, "
			    "s:s}", "id", col[0], "type", col[1], "device",
			    col[2], "seq", (json_int_t)sqlite3_column_int64(st,
			    3), "site", col[4], "form", col[5], "created",
			    col[7], "status", col[8]);
			if (col[5] != NULL)
				json_object_set_new(o, "form_version",
				    json_integer(sqlite3_column_int64(st, 6)));
			if (col[9] != NULL)
				json_object_set_new(o, "status_why",
				    json_string(col[9]));
			cli_json_item(&n, o);
			continue;
		} else {
			records_cell(col[7], 20);
			records_cell(col[0], 12);
			records_cell(col[2], 16);
			printf("%6s  ", col[3]);
			records_cell(col[4], 12);
			records_cell(col[5], 17);
			if (why && col[9] != NULL) {
				records_cell(col[8], 13);
				cli_put(stdout, col[9]);
			} else
				cli_put(stdout, col[8]);
			putchar('\n');
		}
		n++;
	}
	if (as_json)
		cli_json_end(n);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		rc = cli_error("records: %s", sqlite3_errmsg(dd->db));
	else
		rc = 0;
	datadir_close(dd);
	return rc;
}

/* The form a record cites, from the store (exact bytes), or NULL. */
static struct form *
records_form(sqlite3 *db, const struct record *r)
{
	sqlite3_stmt	*st;
	struct form	*f = NULL;
	const char	*sha;

	sha = json_string_value(json_object_get(json_object_get(r->doc, "form"),
	    "sha256"));
	if (sha == NULL || db_prepare(db, &st, "SELECT body FROM forms "
	    "WHERE sha256 = ?1") != 0)
		return NULL;
	db_bind_text(st, 1, sha);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    form_load_buf(&f, r->form, sqlite3_column_blob(st, 0),
	    (size_t)sqlite3_column_bytes(st, 0)) != 0)
		f = NULL;
	sqlite3_finalize(st);
	error_clear();
	return f;
}

/* An answer as a person reads it: choice labels, yes/no. */
static void
records_put_value(const json_t *q, const json_t *v, const char *lang)
{
	const json_t	*choices, *c, *x;
	size_t		 i, j;
	char		*s;

	choices = q != NULL ? json_object_get(q, "choices") : NULL;
	if (json_is_boolean(v)) {
		fputs(json_is_true(v) ? (strcmp(lang, "zh") == 0 ? "是" :
		    "yes") : (strcmp(lang, "zh") == 0 ? "否" : "no"), stdout);
		return;
	}
	if (json_is_string(v) || json_is_array(v)) {
		const json_t *one = v;
		size_t n = json_is_array(v) ? json_array_size(v) : 1;
		for (j = 0; j < n; j++) {
			if (json_is_array(v))
				one = json_array_get(v, j);
			const char *label = json_string_value(one);
			json_array_foreach(choices, i, c) {
				x = json_object_get(c, "value");
				if (json_is_string(x) && json_equal(x, one))
					label = record_text(json_object_get(c,
					    "label"), lang);
			}
			if (j > 0)
				fputs(", ", stdout);
			cli_put(stdout, label != NULL ? label : "?");
		}
		return;
	}
	s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
	    JSON_REAL_PRECISION(15));
	cli_put(stdout, s);
	free(s);
	if (q != NULL && json_is_string(json_object_get(q, "unit"))) {
		fputc(' ', stdout);
		cli_put(stdout, json_string_value(json_object_get(q, "unit")));
	}
}

/* An attachment's hash, its first 16 hex digits (text of a remote). */
static void
records_sha(const char *sha)
{
	char	 cut[17], *clean;

	snprintf(cut, sizeof cut, "%s", sha != NULL ? sha : "");
	clean = util_sanitize(cut);
	fputs(clean, stdout);
	free(clean);
}

static void
records_print(sqlite3 *db, const struct record *r)
{
	static const char *const links[] = { "follows", "amends", "review",
	    "reply" };
	const char	*lang = cli_lang(), *qid;
	struct form	*f;
	struct site	 site;
	const json_t	*insp, *v, *q, *list, *x;
	size_t		 i;

	printf("record     %s\n", r->id);
	printf("type       %s    status: %s\n", r->type,
	    r->status != NULL ? r->status : "?");
	printf("device     %s    seq %" PRId64 "    prev %s\n", r->device,
	    r->seq, r->seq > 1 ? r->prev : "-");
	printf("created    %s\n", r->created);
	insp = json_object_get(r->doc, "inspector");
	printf("inspector  ");
	cli_put(stdout, json_string_value(json_object_get(insp, "name")));
	printf(" (");
	cli_put(stdout, json_string_value(json_object_get(insp, "badge")));
	printf(")\n");
	if (r->site != NULL) {
		printf("site       ");
		cli_put(stdout, r->site);
		if (site_get(db, r->site, &site) == 0) {
			printf("  ");
			cli_put(stdout, site.name);
			printf(", ");
			cli_put(stdout, site.village);
			site_clear(&site);
		}
		error_clear();
		printf("\n");
	}
	f = r->form != NULL ? records_form(db, r) : NULL;
	if (r->form != NULL) {
		printf("form       ");
		cli_put(stdout, r->form);
		printf(" v%" PRId64, r->form_version);
		if (f != NULL) {
			printf("  ");
			cli_put(stdout, form_title(f, lang));
		}
		printf("\n");
	}
	/* What the record follows up, or (an amendment) answers. */
	for (i = 0; i < sizeof links / sizeof links[0]; i++) {
		if ((v = json_object_get(r->doc, links[i])) == NULL ||
		    !json_is_string(v))
			continue;
		printf("%-11s", links[i]);
		cli_put(stdout, json_string_value(v));
		printf("\n");
	}
	if (json_object_size(json_object_get(r->doc, "answers")) > 0)
		printf("answers\n");
	json_object_foreach(json_object_get(r->doc, "answers"), qid, v) {
		q = f != NULL ? form_question(f, qid) : NULL;
		printf("  ");
		if (q != NULL) {
			cli_put(stdout, record_text(json_object_get(q, "label"),
			    lang));
			printf(" [%s]: ", qid);
		} else {
			cli_put(stdout, qid);
			printf(": ");
		}
		records_put_value(q, v, lang);
		printf("\n");
	}
	list = json_object_get(r->doc, "findings");
	printf("findings   %zu\n", json_array_size(list));
	json_array_foreach(list, i, x) {
		printf("  ");
		cli_put(stdout, json_string_value(json_object_get(x, "rule")));
		printf(" (task %" JSON_INTEGER_FORMAT ", ",
		    json_integer_value(json_object_get(x, "task")));
		cli_put(stdout, json_string_value(json_object_get(x,
		    "severity")));
		printf(", by ");
		cli_put(stdout, json_string_value(json_object_get(x,
		    "deadline")));
		printf("): ");
		cli_put(stdout, record_text(json_object_get(x, "text"), lang));
		printf("\n    action: ");
		cli_put(stdout, record_text(json_object_get(x, "action"), lang));
		printf("\n");
	}
	list = json_object_get(r->doc, "attachments");
	json_array_foreach(list, i, x) {
		printf("%s  ", i == 0 ? "attachments\n" : "");
		records_sha(json_string_value(json_object_get(x, "sha256")));
		printf("...  ");
		cli_put(stdout, json_string_value(json_object_get(x, "name")));
		printf("  %" JSON_INTEGER_FORMAT " bytes  ",
		    json_integer_value(json_object_get(x, "bytes")));
		cli_put(stdout, json_string_value(json_object_get(x, "mime")));
		printf("\n");
	}
	if ((v = json_object_get(r->doc, "acknowledged")) != NULL &&
	    json_is_object(v)) {
		printf("acknowledged  ");
		cli_put(stdout, json_string_value(json_object_get(v, "name")));
		printf(" (");
		cli_put(stdout, json_string_value(json_object_get(v, "role")));
		printf(")");
		if (json_is_true(json_object_get(v, "refused"))) {
			printf(", refused to sign (拒签); witness ");
			cli_put(stdout, json_string_value(json_object_get(v,
			    "witness")));
		}
		printf("\n");
	}
	if ((v = json_object_get(r->doc, "notes")) != NULL &&
	    json_is_string(v)) {
		printf("notes      ");
		cli_put(stdout, json_string_value(v));
		printf("\n");
	}
	form_free(f);
}

static int
records_show(struct cli *cli, int argc, char **argv)
{
	struct datadir	*dd;
	struct record	 r;
	int		 mode, rc;

	if ((rc = cli_show_args(argc, argv, RECORDS_SYNOPSIS, "records show",
	    &mode)) != 0)
		return rc;
	if (cli_open(cli, &dd) != 0)
		return 1;
	if (record_load(dd->db, argv[optind], &r) != 0) {
		datadir_close(dd);
		return cli_fail();
	}
	if (mode != 0)
		rc = cli_show_signed(mode, r.body, r.len, r.sig, r.id);
	else
		records_print(dd->db, &r);
	record_clear(&r);
	datadir_close(dd);
	return rc;
}

int
cmd_records(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(RECORDS_SYNOPSIS, "records: which subcommand?");
	if (strcmp(argv[1], "list") == 0)
		return records_list(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return records_show(cli, argc - 1, argv + 1);
	return cli_usage(RECORDS_SYNOPSIS, "records %s: unknown subcommand",
	    argv[1]);
}
