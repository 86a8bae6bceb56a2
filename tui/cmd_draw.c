/*
 * lantian draw --month M --kind K --sites N --inspectors-per-site M
 *     --seed TEXT [--dry-run] [--json] [--passphrase-file F|-]
 * The "双随机" draw of task 20 (core/assign.h): signed by the office key
 * and published as assignments on the office branch at the next sync.
 * --dry-run draws without the key and publishes nothing: anyone holding
 * the same register and roster checks a published draw with it.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/assign.h"
#include "core/error.h"
#include "core/office.h"
#include "core/util.h"

#define DRAW_SYNOPSIS "draw --month YYYY-MM --kind K --sites N " \
	"--inspectors-per-site M --seed TEXT [--dry-run] [--json] " \
	"[--passphrase-file F|-]"

static int
draw_count(const char *opt, const char *s, int *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 10000)
		return cli_usage(DRAW_SYNOPSIS, "draw: --%s %s: a number from 1 "
		    "to 10000", opt, s);
	*out = (int)v;
	return 0;
}

static void
draw_print(const json_t *doc, const char *path, int dry)
{
	const json_t	*a, *p;
	size_t		 i, j;

	printf("draw of %s, %s: %zu of %" JSON_INTEGER_FORMAT " site(s), %zu "
	    "inspector(s) each, from %" JSON_INTEGER_FORMAT " on the roster\n",
	    json_string_value(json_object_get(doc, "month")),
	    json_string_value(json_object_get(doc, "kind")),
	    json_array_size(json_object_get(doc, "assignments")),
	    json_integer_value(json_object_get(doc, "sites_pool")),
	    json_array_size(json_object_get(json_array_get(json_object_get(doc,
	    "assignments"), 0), "inspectors")),
	    json_integer_value(json_object_get(doc, "inspectors_pool")));
	printf("  seed: ");
	cli_put(stdout, json_string_value(json_object_get(doc, "seed")));
	printf("\n  sites drawn from %s\n  inspectors drawn from %s\n",
	    json_string_value(json_object_get(doc, "sites_pool_sha256")),
	    json_string_value(json_object_get(doc, "inspectors_pool_sha256")));
	json_array_foreach(json_object_get(doc, "assignments"), i, a) {
		printf("  ");
		cli_put(stdout, json_string_value(json_object_get(a, "site")));
		printf("  ");
		cli_put(stdout, json_string_value(json_object_get(a, "name")));
		printf(":");
		json_array_foreach(json_object_get(a, "inspectors"), j, p) {
			printf("%s ", j > 0 ? "," : "");
			cli_put(stdout, json_string_value(json_object_get(p,
			    "name")));
			printf(" ");
			cli_put(stdout, json_string_value(json_object_get(p,
			    "badge")));
		}
		printf("\n");
	}
	if (dry)
		printf("(a dry run: nothing signed or published)\n");
	else
		printf("signed by the office key as %s; published on the office "
		    "branch at the next sync\n", path);
}

int
cmd_draw(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "kind", required_argument, NULL, 'k' },
		{ "sites", required_argument, NULL, 's' },
		{ "inspectors-per-site", required_argument, NULL, 'i' },
		{ "seed", required_argument, NULL, 'S' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct assign_req	 r = { NULL, NULL, NULL, 0, 0 };
	struct datadir		*dd = NULL;
	struct key_secret	*sk = NULL;
	json_t			*doc;
	const char		*passfile = NULL;
	char			*body = NULL, *path = NULL;
	size_t			 len;
	int			 c, rc, dry = 0, as_json = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			r.month = optarg;
			break;
		case 'k':
			r.kind = optarg;
			break;
		case 's':
			if (draw_count("sites", optarg, &r.sites) != 0)
				return 2;
			break;
		case 'i':
			if (draw_count("inspectors-per-site", optarg,
			    &r.per_site) != 0)
				return 2;
			break;
		case 'S':
			r.seed = optarg;
			break;
		case 'n':
			dry = 1;
			break;
		case 'j':
			as_json = 1;
			break;
		case 'p':
			passfile = optarg;
			break;
		default:
			return cli_usage(DRAW_SYNOPSIS, "draw: bad option");
		}
	}
	if (optind != argc)
		return cli_usage(DRAW_SYNOPSIS, "draw: unexpected argument %s",
		    argv[optind]);
	if (r.month == NULL || r.kind == NULL || r.sites == 0 ||
	    r.per_site == 0 || r.seed == NULL)
		return cli_usage(DRAW_SYNOPSIS, "draw: --month, --kind, "
		    "--sites, --inspectors-per-site and --seed are all needed");
	if (*r.seed == '\0')
		return cli_usage(DRAW_SYNOPSIS, "draw: the seed is empty");
	if (dry)
		rc = cli_open(cli, &dd);
	else
		rc = cli_office(cli, passfile, &dd, &sk);
	if (rc != 0)
		return rc;
	if (assign_draw(dd->db, &r, &body, &len) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	path = xasprintf("assignments/%s-%s.json", r.month, r.kind);
	if (!dry && office_issue(dd, sk, path, body, len) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	if (as_json)
		fputs(body, stdout);
	else if ((doc = json_loadb(body, len, 0, NULL)) != NULL) {
		draw_print(doc, path, dry);
		json_decref(doc);
	}
	rc = 0;
cleanup:
	free(body);
	free(path);
	key_secret_free(sk);
	datadir_close(dd);
	return rc;
}
