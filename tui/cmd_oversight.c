/*
 * lantian inspectors [--month YYYY-MM] [--json]: each inspector's records,
 * those not verified, and the gaps of its chain.
 * lantian conflicts [--json]: forks, clocks gone backwards, and one
 * site's inspections of one day that contradict each other.
 * (core/oversight.h)
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/oversight.h"
#include "core/report.h"

#define INSPECTORS_SYNOPSIS	"inspectors [--month YYYY-MM] [--json]"
#define CONFLICTS_SYNOPSIS	"conflicts [--limit N] [--json]"

static const char *
os(const json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static json_int_t
oi(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Options of both (opts, the caller's table): --json, and --month for
 * inspectors or --limit for conflicts. */
static int
ov_args(int argc, char **argv, const char *synopsis,
    const struct option *opts, int month_ok, const char **month,
    int *as_json, int *limit)
{
	char	from[32], to[32], *end;
	long	n;
	int	c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'j')
			*as_json = 1;
		else if (c == 'm' && month_ok)
			*month = optarg;
		else if (c == 'l' && !month_ok) {
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 1 || n > 1000000)
				return cli_usage(synopsis, "%s: --limit %s: a "
				    "number of conflicts", argv[0], optarg);
			*limit = (int)n;
		} else
			return cli_usage(synopsis, "%s: bad option", argv[0]);
	}
	if (optind != argc)
		return cli_usage(synopsis, "%s: unexpected argument %s", argv[0],
		    argv[optind]);
	if (*month != NULL && report_month_bounds(*month, from, to) != 0)
		return cli_usage(synopsis, "%s: --month %s: not a month "
		    "(YYYY-MM)", argv[0], *month);
	return 0;
}

int
cmd_inspectors(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir	*dd;
	const json_t	*v, *g;
	json_t		*list;
	const char	*month = NULL;
	size_t		 i, j;
	int		 as_json = 0, rc;

	if ((rc = ov_args(argc, argv, INSPECTORS_SYNOPSIS, opts, 1, &month,
	    &as_json, NULL)) != 0)
		return rc;
	if (cli_open(cli, &dd) != 0)
		return 1;
	if (oversight_inspectors(dd->db, month, &list) != 0) {
		datadir_close(dd);
		return cli_fail();
	}
	if (as_json)
		cli_print_json(list);
	else {
		printf("%-16s  %8s  %12s  %6s  %7s  %s\n", "device",
		    month != NULL ? month : "records", "not verified", "head",
		    "missing", "inspector");
		json_array_foreach(list, i, v) {
			printf("%-16s  %8" JSON_INTEGER_FORMAT "  %12"
			    JSON_INTEGER_FORMAT "  %6" JSON_INTEGER_FORMAT
			    "  %7" JSON_INTEGER_FORMAT "  ", os(v, "device"),
			    oi(v, "records"), oi(v, "not_verified"), oi(v,
			    "head"), oi(v, "missing"));
			if (json_is_string(json_object_get(v, "name"))) {
				cli_put(stdout, os(v, "name"));
				printf(" ");
				cli_put(stdout, os(v, "badge"));
			} else
				printf("(not on the roster)");
			json_array_foreach(json_object_get(v, "gaps_after"), j,
			    g)
				printf("%s%" JSON_INTEGER_FORMAT, j == 0 ?
				    "  missing from seq " : ", ",
				    json_integer_value(g));
			printf("\n");
		}
	}
	json_decref(list);
	datadir_close(dd);
	return 0;
}

int
cmd_conflicts(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir	*dd;
	const json_t	*v, *q;
	json_t		*list;
	const char	*month = NULL, *kind;
	size_t		 i, j;
	int		 as_json = 0, rc, limit = 0;

	if ((rc = ov_args(argc, argv, CONFLICTS_SYNOPSIS, opts, 0, &month,
	    &as_json, &limit)) != 0)
		return rc;
	if (cli_open(cli, &dd) != 0)
		return 1;
	if (oversight_conflicts(dd->db, limit, &list, NULL) != 0) {
		datadir_close(dd);
		return cli_fail();
	}
	if (as_json)
		cli_print_json(list);
	else if (json_array_size(list) == 0)
		printf("no conflicts\n");
	json_array_foreach(as_json ? NULL : list, i, v) {
		kind = os(v, "kind");
		printf("%-15s  ", kind);
		if (strcmp(kind, "contradiction") == 0) {
			cli_put(stdout, os(v, "site"));
			printf("  %s  ", os(v, "date"));
			cli_put(stdout, os(v, "form"));
			printf("  %.12s / %.12s differ on", json_string_value(
			    json_array_get(json_object_get(v, "records"), 0)),
			    json_string_value(json_array_get(json_object_get(v,
			    "records"), 1)));
			json_array_foreach(json_object_get(v, "questions"), j, q) {
				printf("%s ", j > 0 ? "," : "");
				cli_put(stdout, json_string_value(q));
			}
		} else {
			printf("%s seq %" JSON_INTEGER_FORMAT "  %.12s  ",
			    os(v, "device"), oi(v, "seq"), os(v, "record"));
			if (strcmp(kind, "fork") == 0)
				cli_put(stdout, os(v, "why"));
			else
				printf("made %s, after one made %s", os(v,
				    "created"), os(v, "after"));
		}
		printf("\n");
	}
	json_decref(list);
	datadir_close(dd);
	return 0;
}
