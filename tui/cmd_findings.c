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

#define FINDINGS_SYNOPSIS "findings list [--open] [--overdue] [--site S] " \
	"[--task N] [--json]"

struct findings_out {
	int		 as_json;
	int		 n;
	const char	*lang;
};

static int
findings_print(const struct finding *f, void *arg)
{
	struct findings_out	*o = arg;
	json_t			*j;

	if (o->as_json) {
		j = json_pack("{s:s, s:s, s:I, s:s, s:s?, s:s, s:s?, s:s?, "
		    "s:s?, s:s, s:O?, s:O?}", "record", f->record, "rule",
		    f->rule, "task", (json_int_t)f->task, "severity",
		    f->severity, "deadline", f->deadline, "status", f->state,
		    "closed_by", f->closed_by, "site", f->site, "form",
		    f->form, "created", f->created, "text", f->text, "action",
		    f->action);
		cli_json_item(&o->n, j);
		return 0;
	} else {
		printf("%-10s  %-7s  task %-2" PRId64 "  %-9s  ", f->deadline ?
		    f->deadline : "-", f->state, f->task, f->severity);
		cli_put(stdout, f->site);
		printf("  %.12s  ", f->record);
		cli_put(stdout, f->rule);
		printf(": ");
		cli_put(stdout, record_text(f->text, o->lang));
		if (f->closed_by != NULL)
			printf("  (closed by %.12s)", f->closed_by);
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
		{ "site", required_argument, NULL, 's' },
		{ "task", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct finding_filter	 filter;
	struct findings_out	 out = { 0, 0, cli_lang() };
	struct datadir		*dd;
	char			 today[16], *end;
	long			 task;
	int			 c, rc;

	if (argc < 2 || strcmp(argv[1], "list") != 0)
		return cli_usage(FINDINGS_SYNOPSIS, "findings: which "
		    "subcommand?");
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
		case 's':
			filter.site = optarg;
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
	util_date_after(today, sizeof today, util_now(), 0);
	filter.today = today;
	if (cli_open(cli, &dd) != 0)
		return 1;
	rc = finding_each(dd->db, &filter, findings_print, &out);
	if (out.as_json)
		cli_json_end(out.n);
	datadir_close(dd);
	return rc != 0 ? cli_fail() : 0;
}
