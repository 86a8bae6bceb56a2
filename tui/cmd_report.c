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
#include "core/answer.h"
#include "core/datadir.h"
#include "core/error.h"
#include "core/form.h"
#include "core/record.h"
#include "core/report.h"
#include "core/review.h"
#include "core/util.h"
#include "tui/i18n.h"

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
	return json_is_true(v) ? _("met") : json_is_false(v) ? _("NOT met") :
	    _("no data");
}

/* An integer of the report, for printf's %lld. */
static long long
rl(const json_t *o, const char *key)
{
	return (long long)ri(o, key);
}

/* The text of finding rule in the language shown, from the forms, or
 * NULL (then the rule's id is said). */
static const char *
report_rule_text(struct form **forms, size_t nforms, const char *rule)
{
	const json_t	*f;
	size_t		 i, j;

	for (i = 0; rule != NULL && i < nforms; i++) {
		json_array_foreach(json_object_get(form_doc(forms[i]),
		    "findings"), j, f) {
			if (json_is_string(json_object_get(f, "id")) &&
			    strcmp(json_string_value(json_object_get(f, "id")),
			    rule) == 0)
				return record_text(json_object_get(f, "text"),
				    i18n_lang());
		}
	}
	return NULL;
}

/* The label of a boiler's fuel in the language shown, from the forms. */
static const char *
report_fuel(struct form **forms, size_t nforms, const char *fuel)
{
	const json_t	*q, *c;
	size_t		 i, j;

	for (i = 0; fuel != NULL && i < nforms; i++) {
		q = form_question(forms[i], "fuel");
		json_array_foreach(json_object_get(q, "choices"), j, c) {
			if (json_is_string(json_object_get(c, "value")) &&
			    strcmp(json_string_value(json_object_get(c,
			    "value")), fuel) == 0)
				return answer_choice(q, fuel, i18n_lang());
		}
	}
	return fuel;
}

/*
 * The report for a person, in the language of the command line (its
 * words through gettext, the rules and fuels from the forms); --json and
 * --csv stay as they are for programs.
 */
static void
report_text(struct datadir *dd, const json_t *d)
{
	const json_t	*o, *v, *r, *list;
	struct form	**forms = NULL;
	const char	*text;
	size_t		 i, j, n, nforms = 0;

	if (form_list(datadir_form_dirs(dd), &forms, &nforms) != 0) {
		forms = NULL;
		nforms = 0;
	}
	/* What is counted, in words of this language (the --json text is
	 * core's, in English). */
	printf(_("Monthly report %s (%s .. %s; counted: %s)\n"), rs(d,
	    "month"), rs(d, "from"), rs(d, "to"), strcmp(rs(d, "counted"),
	    "records verified (or signed: a lone device's own)") == 0 ?
	    _("records verified (or signed: a lone device's own)") : rs(d,
	    "counted"));
	n = json_array_size(json_object_get(d, "inspectors"));
	printf(ngettext("Records: %lld by %zu inspector\n",
	    "Records: %lld by %zu inspectors\n", n), rl(d, "records"), n);
	o = json_object_get(d, "reviews");
	printf(_("Reviewed by the office: %lld accepted, %lld returned, "
	    "%lld rejected, %lld pending\n"), rl(o, "accepted"), rl(o,
	    "returned"), rl(o, "rejected"), rl(o, "pending"));

	o = json_object_get(d, "restaurants");
	printf(_("\nRestaurant fume purifiers (task 7): %lld of %lld "
	    "restaurants inspected"), rl(o, "inspected"), rl(o,
	    "registered"));
	if (json_is_number(json_object_get(o, "rate")))
		printf(" = %.1f%%", 100 * rf(o, "rate"));
	printf(_(" (target >= %.0f%%: %s)\n"), 100 * rf(o, "target"),
	    report_met(json_object_get(o, "met")));

	o = json_object_get(d, "dustfall");
	printf("%s", _("Dust fall (task 6): "));
	if (json_is_number(json_object_get(o, "average")))
		printf(ngettext("average %.2f t/km2/month over %lld "
		    "measurement", "average %.2f t/km2/month over %lld "
		    "measurements", (unsigned long)ri(o, "measurements")),
		    rf(o, "average"), rl(o, "measurements"));
	else
		printf("%s", _("no measurement"));
	printf(_(" (limit <= %.0f: %s)\n"), rf(o, "limit"),
	    report_met(json_object_get(o, "met")));
	json_array_foreach(json_object_get(o, "ranking"), i, v) {
		printf("  %2zu. ", i + 1);
		cli_put(stdout, rs(v, "site"));
		printf("  ");
		cli_put(stdout, rs(v, "name"));
		printf("  %.2f%s\n", rf(v, "value"), json_is_true(
		    json_object_get(v, "above_limit")) ? _("  above the limit") :
		    "");
	}

	o = json_object_get(d, "fire_points");
	printf(_("Fire points (task 9): %lld, deductions %lld yuan"), rl(o,
	    "count"), rl(o, "deduction_yuan"));
	if (ri(o, "undecided") > 0)
		printf(ngettext(" (%lld amount for the town to decide)",
		    " (%lld amounts for the town to decide)",
		    (unsigned long)ri(o, "undecided")), rl(o, "undecided"));
	printf("\n");
	json_array_foreach(json_object_get(o, "villages"), i, v) {
		printf("  ");
		cli_put(stdout, rs(v, "village"));
		printf(ngettext("  %lld fire point, %lld yuan\n",
		    "  %lld fire points, %lld yuan\n", (unsigned long)ri(v,
		    "count")), rl(v, "count"), rl(v, "deduction_yuan"));
	}

	o = json_object_get(d, "boilers");
	printf(_("Boilers (task 11): coal <= 35 t/h still found: %zu; gas or "
	    "biomass without networked monitoring: %zu\n"), json_array_size(
	    json_object_get(o, "coal_le35")), json_array_size(
	    json_object_get(o, "monitoring_not_networked")));
	for (j = 0; j < 2; j++) {
		list = json_object_get(o, j == 0 ? "coal_le35" :
		    "monitoring_not_networked");
		json_array_foreach(list, i, v) {
			printf("  ");
			cli_put(stdout, j == 0 ? _("coal") : report_fuel(forms,
			    nforms, rs(v, "fuel")));
			printf("  ");
			cli_put(stdout, rs(v, "site"));
			printf("  ");
			cli_put(stdout, rs(v, "name"));
			if (json_is_number(json_object_get(v, "capacity_tph")))
				printf("  %g t/h", rf(v, "capacity_tph"));
			printf(_("  %.10s  record %.8s%s\n"), rs(v, "created"),
			    rs(v, "record"), json_is_true(json_object_get(v,
			    "closed")) ? _("  (closed since)") : "");
		}
	}

	o = json_object_get(d, "production_control");
	if (!json_is_true(json_object_get(o, "in_season")))
		printf("%s", _("Production control (task 19): outside the "
		    "season (15 November to 15 March)\n"));
	else {
		n = json_array_size(json_object_get(o, "sites"));
		printf(ngettext("Production control (task 19, season %s): "
		    "%zu enterprise\n", "Production control (task 19, season "
		    "%s): %zu enterprises\n", n), rs(o, "season"), n);
		json_array_foreach(json_object_get(o, "sites"), i, v) {
			printf("  ");
			cli_put(stdout, rs(v, "site"));
			printf("  ");
			cli_put(stdout, rs(v, "name"));
			printf(" ");
			json_array_foreach(json_object_get(v, "reasons"), j, r) {
				printf("%s ", j > 0 ? _(";") : "");
				if (json_is_string(r)) {
					printf("%s", _("grade D"));
					continue;
				}
				printf("%s", _("open violation "));
				text = report_rule_text(forms, nforms, rs(r,
				    "rule"));
				/* The rule's words, its id after them. */
				if (text != NULL) {
					cli_put(stdout, text);
					printf(" [");
					cli_put(stdout, rs(r, "rule"));
					printf("]");
				} else
					cli_put(stdout, rs(r, "rule"));
				printf(_(" (task %lld)"), rl(r, "task"));
			}
			printf("\n");
		}
	}

	printf("%s", _("Findings, opened / closed by the month's records:\n"));
	if (json_array_size(json_object_get(d, "findings")) == 0)
		printf("%s", _("  none\n"));
	json_array_foreach(json_object_get(d, "findings"), i, v)
		printf(_("  task %-3lld %lld / %lld\n"), rl(v, "task"), rl(v,
		    "opened"), rl(v, "closed"));
	printf("%s", _("Inspections per inspector:\n"));
	if (json_array_size(json_object_get(d, "inspectors")) == 0)
		printf("%s", _("  none\n"));
	json_array_foreach(json_object_get(d, "inspectors"), i, v) {
		printf("  ");
		cli_put(stdout, json_is_string(json_object_get(v, "name")) ?
		    rs(v, "name") : _("(not on the roster)"));
		printf(" ");
		cli_put(stdout, rs(v, "badge"));
		printf("  %s  ", rs(v, "device"));
		printf(ngettext("%lld record", "%lld records",
		    (unsigned long)ri(v, "records")), rl(v, "records"));
		printf("%s", _(", "));
		printf(ngettext("%lld site", "%lld sites",
		    (unsigned long)ri(v, "sites")), rl(v, "sites"));
		printf("\n");
	}
	form_list_free(forms, nforms);
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
			report_text(dd, doc);
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
