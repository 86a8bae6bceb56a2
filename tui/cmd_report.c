/*
 * lantian report monthly --month YYYY-MM [--json|--csv]: the plan's
 * monthly figures (core/report.h), as text, as the JSON document, or as
 * CSV rows "figure,subject,name,value" a spreadsheet takes.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/report.h"
#include "core/review.h"
#include "core/util.h"

#define REPORT_SYNOPSIS "report monthly --month YYYY-MM [--json|--csv]"

static const char *
rs(const json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static json_int_t
ri(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static double
rf(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

/* A CSV field: quoted when it must be, never a control character. */
static void
csv_field(const char *s)
{
	char		*clean = util_sanitize(s != NULL ? s : "");
	const char	*p;

	if (strpbrk(clean, ",\"\n") == NULL && clean[0] != ' ')
		fputs(clean, stdout);
	else {
		putchar('"');
		for (p = clean; *p != '\0'; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	}
	free(clean);
}

static void
csv_row(const char *figure, const char *subject, const char *name,
    const char *value)
{
	csv_field(figure);
	putchar(',');
	csv_field(subject);
	putchar(',');
	csv_field(name);
	putchar(',');
	csv_field(value);
	putchar('\n');
}

static void
csv_num(const char *figure, const char *subject, const char *name,
    const json_t *v)
{
	char	buf[64];

	if (json_is_integer(v))
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	else if (json_is_number(v))
		snprintf(buf, sizeof buf, "%.4g", json_number_value(v));
	else
		buf[0] = '\0';
	csv_row(figure, subject, name, buf);
}

static void
report_csv(const json_t *d)
{
	const json_t	*o, *v, *r;
	size_t		 i, j;
	char		 task[32], *why;

	csv_row("figure", "subject", "name", "value");
	csv_num("records", "total", "", json_object_get(d, "records"));
	json_array_foreach(json_object_get(d, "inspectors"), i, v)
		csv_num("inspector_records", rs(v, "device"), rs(v, "name"),
		    json_object_get(v, "records"));
	o = json_object_get(d, "reviews");
	for (i = 0; review_states[i] != NULL; i++)
		csv_num("reviews", review_states[i], "", json_object_get(o,
		    review_states[i]));
	o = json_object_get(d, "restaurants");
	csv_num("restaurants", "registered", "", json_object_get(o,
	    "registered"));
	csv_num("restaurants", "inspected", "", json_object_get(o,
	    "inspected"));
	csv_num("restaurants", "rate", "", json_object_get(o, "rate"));
	o = json_object_get(d, "dustfall");
	csv_num("dustfall", "average", "", json_object_get(o, "average"));
	csv_num("dustfall", "measurements", "", json_object_get(o,
	    "measurements"));
	json_array_foreach(json_object_get(o, "ranking"), i, v)
		csv_num("dustfall_site", rs(v, "site"), rs(v, "name"),
		    json_object_get(v, "value"));
	o = json_object_get(d, "fire_points");
	csv_num("fire_points", "total", "", json_object_get(o, "count"));
	csv_num("fire_points_yuan", "total", "", json_object_get(o,
	    "deduction_yuan"));
	json_array_foreach(json_object_get(o, "villages"), i, v) {
		csv_num("fire_points", rs(v, "village"), "",
		    json_object_get(v, "count"));
		csv_num("fire_points_yuan", rs(v, "village"), "",
		    json_object_get(v, "deduction_yuan"));
	}
	o = json_object_get(d, "boilers");
	json_array_foreach(json_object_get(o, "coal_le35"), i, v)
		csv_num("boiler_coal_le35", rs(v, "site"), rs(v, "name"),
		    json_object_get(v, "capacity_tph"));
	json_array_foreach(json_object_get(o, "monitoring_not_networked"), i,
	    v)
		csv_num("boiler_not_networked", rs(v, "site"), rs(v, "name"),
		    json_object_get(v, "capacity_tph"));
	o = json_object_get(d, "production_control");
	json_array_foreach(json_object_get(o, "sites"), i, v) {
		json_array_foreach(json_object_get(v, "reasons"), j, r) {
			if (json_is_string(r))
				why = xstrdup(json_string_value(r));
			else
				why = xasprintf("%s (task %" JSON_INTEGER_FORMAT
				    ")", rs(r, "rule"), ri(r, "task"));
			csv_row("production_control", rs(v, "site"),
			    rs(v, "name"), why);
			free(why);
		}
	}
	json_array_foreach(json_object_get(d, "findings"), i, v) {
		snprintf(task, sizeof task, "%" JSON_INTEGER_FORMAT, ri(v,
		    "task"));
		csv_num("findings_opened", task, "", json_object_get(v,
		    "opened"));
		csv_num("findings_closed", task, "", json_object_get(v,
		    "closed"));
	}
}

/* "met" / "not met" / "no data" of a target. */
static const char *
report_met(const json_t *v)
{
	return json_is_true(v) ? "met" : json_is_false(v) ? "NOT met" :
	    "no data";
}

static void
report_text(const json_t *d)
{
	const json_t	*o, *v, *r, *list;
	size_t		 i, j;

	printf("Monthly report %s (%s .. %s; counted: %s)\n", rs(d, "month"),
	    rs(d, "from"), rs(d, "to"), rs(d, "counted"));
	printf("Records: %" JSON_INTEGER_FORMAT " by %zu inspector(s)\n",
	    ri(d, "records"), json_array_size(json_object_get(d,
	    "inspectors")));
	o = json_object_get(d, "reviews");
	printf("Reviewed by the office: %" JSON_INTEGER_FORMAT " accepted, %"
	    JSON_INTEGER_FORMAT " returned, %" JSON_INTEGER_FORMAT " rejected, %"
	    JSON_INTEGER_FORMAT " pending\n", ri(o, "accepted"), ri(o,
	    "returned"), ri(o, "rejected"), ri(o, "pending"));

	o = json_object_get(d, "restaurants");
	printf("\nRestaurant fume purifiers (task 7): %" JSON_INTEGER_FORMAT
	    " of %" JSON_INTEGER_FORMAT " restaurants inspected", ri(o,
	    "inspected"), ri(o, "registered"));
	if (json_is_number(json_object_get(o, "rate")))
		printf(" = %.1f%%", 100 * rf(o, "rate"));
	printf(" (target >= %.0f%%: %s)\n", 100 * rf(o, "target"),
	    report_met(json_object_get(o, "met")));

	o = json_object_get(d, "dustfall");
	printf("Dust fall (task 6): ");
	if (json_is_number(json_object_get(o, "average")))
		printf("average %.2f t/km2/month over %" JSON_INTEGER_FORMAT
		    " measurement(s)", rf(o, "average"), ri(o, "measurements"));
	else
		printf("no measurement");
	printf(" (limit <= %.0f: %s)\n", rf(o, "limit"),
	    report_met(json_object_get(o, "met")));
	json_array_foreach(json_object_get(o, "ranking"), i, v) {
		printf("  %2zu. ", i + 1);
		cli_put(stdout, rs(v, "site"));
		printf("  ");
		cli_put(stdout, rs(v, "name"));
		printf("  %.2f%s\n", rf(v, "value"), json_is_true(
		    json_object_get(v, "above_limit")) ? "  above the limit" :
		    "");
	}

	o = json_object_get(d, "fire_points");
	printf("Fire points (task 9): %" JSON_INTEGER_FORMAT ", deductions %"
	    JSON_INTEGER_FORMAT " yuan", ri(o, "count"), ri(o,
	    "deduction_yuan"));
	if (ri(o, "undecided") > 0)
		printf(" (%" JSON_INTEGER_FORMAT " amount(s) for the town to "
		    "decide)", ri(o, "undecided"));
	printf("\n");
	json_array_foreach(json_object_get(o, "villages"), i, v) {
		printf("  ");
		cli_put(stdout, rs(v, "village"));
		printf("  %" JSON_INTEGER_FORMAT " fire point(s), %"
		    JSON_INTEGER_FORMAT " yuan\n", ri(v, "count"), ri(v,
		    "deduction_yuan"));
	}

	o = json_object_get(d, "boilers");
	printf("Boilers (task 11): coal <= 35 t/h still found: %zu; gas or "
	    "biomass without networked monitoring: %zu\n", json_array_size(
	    json_object_get(o, "coal_le35")), json_array_size(
	    json_object_get(o, "monitoring_not_networked")));
	for (j = 0; j < 2; j++) {
		list = json_object_get(o, j == 0 ? "coal_le35" :
		    "monitoring_not_networked");
		json_array_foreach(list, i, v) {
			printf("  %s  ", j == 0 ? "coal" : rs(v, "fuel"));
			cli_put(stdout, rs(v, "site"));
			printf("  ");
			cli_put(stdout, rs(v, "name"));
			if (json_is_number(json_object_get(v, "capacity_tph")))
				printf("  %g t/h", rf(v, "capacity_tph"));
			printf("  %.10s  record %.8s%s\n", rs(v, "created"),
			    rs(v, "record"), json_is_true(json_object_get(v,
			    "closed")) ? "  (closed since)" : "");
		}
	}

	o = json_object_get(d, "production_control");
	if (!json_is_true(json_object_get(o, "in_season")))
		printf("Production control (task 19): outside the season "
		    "(15 November to 15 March)\n");
	else {
		printf("Production control (task 19, season %s): %zu "
		    "enterprise(s)\n", rs(o, "season"), json_array_size(
		    json_object_get(o, "sites")));
		json_array_foreach(json_object_get(o, "sites"), i, v) {
			printf("  ");
			cli_put(stdout, rs(v, "site"));
			printf("  ");
			cli_put(stdout, rs(v, "name"));
			printf(" ");
			json_array_foreach(json_object_get(v, "reasons"), j, r) {
				printf("%s ", j > 0 ? ";" : "");
				if (json_is_string(r))
					printf("grade D");
				else {
					printf("open violation ");
					cli_put(stdout, rs(r, "rule"));
					printf(" (task %" JSON_INTEGER_FORMAT ")",
					    ri(r, "task"));
				}
			}
			printf("\n");
		}
	}

	printf("Findings, opened / closed by the month's records:\n");
	if (json_array_size(json_object_get(d, "findings")) == 0)
		printf("  none\n");
	json_array_foreach(json_object_get(d, "findings"), i, v)
		printf("  task %-3" JSON_INTEGER_FORMAT " %" JSON_INTEGER_FORMAT
		    " / %" JSON_INTEGER_FORMAT "\n", ri(v, "task"), ri(v,
		    "opened"), ri(v, "closed"));
	printf("Inspections per inspector:\n");
	if (json_array_size(json_object_get(d, "inspectors")) == 0)
		printf("  none\n");
	json_array_foreach(json_object_get(d, "inspectors"), i, v) {
		printf("  ");
		cli_put(stdout, json_is_string(json_object_get(v, "name")) ?
		    rs(v, "name") : "(not on the roster)");
		printf(" ");
		cli_put(stdout, rs(v, "badge"));
		printf("  %s  %" JSON_INTEGER_FORMAT " record(s), %"
		    JSON_INTEGER_FORMAT " site(s)\n", rs(v, "device"), ri(v,
		    "records"), ri(v, "sites"));
	}
}

static int
report_monthly_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir	*dd;
	json_t		*doc;
	const char	*month = NULL;
	char		 from[32], to[32];
	int		 c, fmt = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			month = optarg;
			break;
		case 'j':
		case 'c':
			if (fmt != 0 && fmt != c)
				return cli_usage(REPORT_SYNOPSIS, "report: "
				    "--json or --csv, not both");
			fmt = c;
			break;
		default:
			return cli_usage(REPORT_SYNOPSIS, "report: bad option");
		}
	}
	if (optind != argc)
		return cli_usage(REPORT_SYNOPSIS, "report: unexpected argument "
		    "%s", argv[optind]);
	if (month == NULL)
		return cli_usage(REPORT_SYNOPSIS, "report monthly: --month "
		    "YYYY-MM is required");
	if (report_month_bounds(month, from, to) != 0)
		return cli_usage(REPORT_SYNOPSIS, "report monthly: --month %s: "
		    "not a month (YYYY-MM)", month);
	if (cli_open(cli, &dd) != 0)
		return 1;
	if ((rc = report_monthly(dd->db, month, &doc)) != 0)
		rc = cli_fail();
	else {
		if (fmt == 'j')
			cli_print_json(doc);
		else if (fmt == 'c')
			report_csv(doc);
		else
			report_text(doc);
		json_decref(doc);
	}
	datadir_close(dd);
	return rc;
}

int
cmd_report(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(REPORT_SYNOPSIS, "report: which report? "
		    "(monthly)");
	if (strcmp(argv[1], "monthly") == 0)
		return report_monthly_cmd(cli, argc - 1, argv + 1);
	return cli_usage(REPORT_SYNOPSIS, "report %s: unknown report",
	    argv[1]);
}
