/*
 * lantian publish --month YYYY-MM --out DIR: "一公开", the month's results
 * for the public (core/publish.h): results-<month>.json and .csv and
 * index.html in DIR.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/publish.h"
#include "core/report.h"

#define PUBLISH_SYNOPSIS "publish --month YYYY-MM --out DIR"

int
cmd_publish(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir	*dd;
	json_t		*doc;
	const char	*month = NULL, *out = NULL;
	char		 from[32], to[32];
	int		 c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			month = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return cli_usage(PUBLISH_SYNOPSIS, "publish: bad option");
		}
	}
	if (optind != argc)
		return cli_usage(PUBLISH_SYNOPSIS, "publish: unexpected argument "
		    "%s", argv[optind]);
	if (month == NULL || out == NULL)
		return cli_usage(PUBLISH_SYNOPSIS, "publish: --month and --out "
		    "are needed");
	if (report_month_bounds(month, from, to) != 0)
		return cli_usage(PUBLISH_SYNOPSIS, "publish: --month %s: not a "
		    "month (YYYY-MM)", month);
	if (cli_open(cli, &dd) != 0)
		return 1;
	if (publish_month(dd->db, month, &doc) != 0)
		rc = cli_fail();
	else {
		if (publish_write(out, doc) != 0)
			rc = cli_fail();
		else {
			printf("%" JSON_INTEGER_FORMAT " result(s) of %s in ",
			    json_integer_value(json_object_get(doc, "count")),
			    month);
			cli_put(stdout, out);
			printf(": results-%s.json, results-%s.csv, index.html\n",
			    month, month);
			printf("only the records the office accepted: %"
			    JSON_INTEGER_FORMAT " other(s) of the month "
			    "(pending review, returned or rejected) not "
			    "published\n", json_integer_value(json_object_get(
			    doc, "not_accepted")));
			rc = 0;
		}
		json_decref(doc);
	}
	datadir_close(dd);
	return rc;
}
