#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/finding.h"
#include "core/record.h"
#include "core/util.h"

#define FINDINGS_SYNOPSIS "findings list [--open|--overdue|--closed] " \
	"[--site S] [--village V] [--task N] [--severity S] [--json] | " \
	"findings count --by task|village [--open|--overdue|--closed]"

struct findings_out {
	int		 as_json;
	int		 n;
	const char	*lang;
	int		 by;		/* findings count: 't' task, 'v' village */
};

/* findings count: the tallies of core/finding.h, as a table or JSON. */
static void
findings_count_print(const json_t *list, int by, int as_json)
{
	const json_t	*v;
	size_t		 i;

	if (as_json) {
		cli_print_json(list);
		return;
	}
	printf("%6s  %7s  %6s  %s\n", "open", "overdue", "closed", by == 't' ?
	    "task" : "village");
	json_array_foreach(list, i, v) {
		printf("%6" JSON_INTEGER_FORMAT "  %7" JSON_INTEGER_FORMAT "  %6"
		    JSON_INTEGER_FORMAT "  ", json_integer_value(
		    json_object_get(v, "open")), json_integer_value(
		    json_object_get(v, "overdue")), json_integer_value(
		    json_object_get(v, "closed")));
		if (by == 't')
			printf("%" JSON_INTEGER_FORMAT "\n", json_integer_value(
			    json_object_get(v, "task")));
		else {
			cli_put(stdout, json_string_value(json_object_get(v,
			    "village")));
			printf("\n");
		}
	}
}

static int
findings_print(const struct finding *f, void *arg)
{
	struct findings_out	*o = arg;
	json_t			*j;
	char			*deadline, *severity;

	if (o->as_json) {
		j = json_pack("{s:s, s:s, s:I, s:s, s:s?, s:s, s:s?, s:s?, "
		    "s:s?, s:s, s:O?, s:O?}", "record", f->record, "rule",
		    f->rule, "task", (json_int_t)f->task, "severity",
		    f->severity, "deadline", f->deadline, "status", f->state,
		    "closed_by", f->closed_by, "site", f->site, "form",
		    f->form, "created", f->created, "text", f->text, "action",
		    f->action);
		if (f->village != NULL)
			json_object_set_new(j, "village", json_string(
			    f->village));
		if (f->closed_at != NULL)
			json_object_set_new(j, "closed_at", json_string(
			    f->closed_at));
		cli_json_item(&o->n, j);
		return 0;
	} else {
		/* The deadline and severity come from the record as signed:
		 * text of a remote, like the rest. */
		deadline = util_sanitize(f->deadline != NULL ? f->deadline :
		    "-");
		severity = util_sanitize(f->severity != NULL ? f->severity :
		    "");
		printf("%-10s  %-7s  task %-2" PRId64 "  %-9s  ", deadline,
		    f->state, f->task, severity);
		free(deadline);
		free(severity);
		cli_put(stdout, f->site);
		printf("  %.12s  ", f->record);
		cli_put(stdout, f->rule);
		printf(": ");
		cli_put(stdout, record_text(f->text, o->lang));
		if (f->closed_by != NULL)
			printf("  (closed by %.12s on %.10s)", f->closed_by,
			    f->closed_at != NULL ? f->closed_at : "?");
		printf("\n");
	}
	o->n++;
	return 0;
}

int
cmd_findings(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "open", no_argument, NULL, 'o' },
		{ "overdue", no_argument, NULL, 'd' },
		{ "closed", no_argument, NULL, 'c' },
		{ "site", required_argument, NULL, 's' },
		{ "village", required_argument, NULL, 'v' },
		{ "task", required_argument, NULL, 't' },
		{ "severity", required_argument, NULL, 'S' },
		{ "by", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct finding_filter	 filter;
	struct findings_out	 out = { 0, 0, cli_lang(), 0 };
	json_t			*counts;
	struct datadir		*dd;
	char			 today[16], *end;
	long			 task;
	int			 c, rc;

	int			 count;

	if (argc < 2 || (strcmp(argv[1], "list") != 0 &&
	    strcmp(argv[1], "count") != 0))
		return cli_usage(FINDINGS_SYNOPSIS, "findings: which "
		    "subcommand?");
	count = strcmp(argv[1], "count") == 0;
	memset(&filter, 0, sizeof filter);
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			filter.open = 1;
			break;
		case 'd':
			filter.overdue = 1;
			break;
		case 'c':
			filter.closed = 1;
			break;
		case 's':
			filter.site = optarg;
			break;
		case 'v':
			filter.village = optarg;
			break;
		case 'S':
			filter.severity = optarg;
			break;
		case 'b':
			if (strcmp(optarg, "task") != 0 &&
			    strcmp(optarg, "village") != 0)
				return cli_usage(FINDINGS_SYNOPSIS, "findings "
				    "count: --by task or --by village");
			out.by = optarg[0];
			break;
		case 't':
			task = strtol(optarg, &end, 10);
			if (*end != '\0' || task < 1 || task > 99)
				return cli_usage(FINDINGS_SYNOPSIS, "findings "
				    "list: --task takes the plan's task number "
				    "(1 to 22)");
			filter.task = (int)task;
			break;
		case 'j':
			out.as_json = 1;
			break;
		default:
			return cli_usage(FINDINGS_SYNOPSIS, "findings list: bad "
			    "option");
		}
	}
	if (optind != argc - 1)
		return cli_usage(FINDINGS_SYNOPSIS, "findings list: unexpected "
		    "argument");
	if (filter.open + filter.overdue + filter.closed > 1)
		return cli_usage(FINDINGS_SYNOPSIS, "findings: --open, "
		    "--overdue or --closed, one of them");
	if (count != (out.by != 0))
		return cli_usage(FINDINGS_SYNOPSIS, count ? "findings count: "
		    "--by task or --by village" : "findings list: --by is for "
		    "findings count");
	util_date_after(today, sizeof today, util_now(), 0);
	filter.today = today;
	if (cli_open(cli, &dd) != 0)
		return 1;
	if (count) {
		if ((rc = finding_count(dd->db, &filter, out.by, &counts)) == 0) {
			findings_count_print(counts, out.by, out.as_json);
			json_decref(counts);
		}
	} else {
		rc = finding_each(dd->db, &filter, findings_print, &out);
		if (out.as_json)
			cli_json_end(out.n);
	}
	datadir_close(dd);
	return rc != 0 ? cli_fail() : 0;
}
