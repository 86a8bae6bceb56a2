#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/site.h"

#define SITES_SYNOPSIS "sites import FILE.csv | " \
	"sites list [--kind K] [--village V] [--json]"

struct sites_out {
	int	as_json;
	int	n;
};

static int
sites_print(const struct site *s, void *arg)
{
	struct sites_out	*o = arg;

	if (o->as_json) {
		cli_json_item(&o->n, site_to_json(s));
		return 0;
	} else {
		cli_put(stdout, s->id);
		printf("\t");
		cli_put(stdout, s->kind);
		printf("\t");
		cli_put(stdout, s->village != NULL ? s->village : "-");
		printf("\t");
		cli_put(stdout, s->name);
		if (s->grade != NULL)
			printf("\tgrade %s", s->grade);
		printf("\n");
	}
	o->n++;
	return 0;
}

int
cmd_sites(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "village", required_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir		*dd;
	struct sites_out	 out = { 0, 0 };
	const char		*kind = NULL, *village = NULL;
	int			 c, n, rc;

	if (argc < 2)
		return cli_usage(SITES_SYNOPSIS, "sites: which subcommand?");
	if (strcmp(argv[1], "import") == 0) {
		if (argc != 3)
			return cli_usage(SITES_SYNOPSIS, "sites import: one "
			    "CSV file");
		if (cli_open(cli, &dd) != 0)
			return 1;
		rc = site_import_csv(dd->db, argv[2], &n);
		datadir_close(dd);
		if (rc != 0)
			return cli_fail();
		printf("%d site(s) imported\n", n);
		return 0;
	}
	if (strcmp(argv[1], "list") != 0)
		return cli_usage(SITES_SYNOPSIS, "sites %s: unknown subcommand",
		    argv[1]);
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			kind = optarg;
			break;
		case 'v':
			village = optarg;
			break;
		case 'j':
			out.as_json = 1;
			break;
		default:
			return cli_usage(SITES_SYNOPSIS, "sites list: bad option");
		}
	}
	if (optind != argc - 1)
		return cli_usage(SITES_SYNOPSIS, "sites list: unexpected "
		    "argument");
	if (kind != NULL && !site_kind_valid(kind))
		return cli_usage(SITES_SYNOPSIS, "sites list: unknown kind %s",
		    kind);
	if (cli_open(cli, &dd) != 0)
		return 1;
	rc = site_each(dd->db, kind, village, sites_print, &out);
	if (out.as_json)
		cli_json_end(out.n);
	datadir_close(dd);
	return rc != 0 ? cli_fail() : 0;
}
