/*
 * lantian draw --month M --kind K --sites N --inspectors-per-site M
 *     --seed TEXT [--redraw REASON] [--dry-run] [--json]
 *     [--passphrase-file F|-]
 * lantian draw --show --month M [--kind K] [--json]
 * The "双随机" draw of task 20 (core/assign.h): signed by the office key
 * and published as assignments on the office branch at the next sync.
 * A draw is final: a second one of a month and kind needs --redraw
 * REASON, and then both travel, with the reason (core/office.h).
 * --dry-run draws without the key and publishes nothing: anyone holding
 * the same register and roster checks a published draw with it.  --show
 * lists the month's draws, each kind's draws together.
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
	"--inspectors-per-site M --seed TEXT [--redraw REASON] [--dry-run] " \
	"[--json] [--passphrase-file F|-] | draw --show --month YYYY-MM " \
	"[--kind K] [--json]"

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

/* One site's line of a draw: site, name, its inspectors. */
static void
draw_print_site(const json_t *a)
{
	const json_t	*p;
	size_t		 j;

	cli_put(stdout, json_string_value(json_object_get(a, "site")));
	printf("  ");
	cli_put(stdout, json_string_value(json_object_get(a, "name")));
	printf(":");
	json_array_foreach(json_object_get(a, "inspectors"), j, p) {
		printf("%s ", j > 0 ? "," : "");
		cli_put(stdout, json_string_value(json_object_get(p, "name")));
		printf(" ");
		cli_put(stdout, json_string_value(json_object_get(p, "badge")));
	}
	printf("\n");
}

static void
draw_print(const json_t *doc, const char *path, int dry)
{
	const json_t	*a;
	size_t		 i;

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
		draw_print_site(a);
	}
	if (dry)
		printf("(a dry run: nothing signed or published)\n");
	else
		printf("signed by the office key as %s; published on the office "
		    "branch at the next sync\n", path);
}

struct draw_show {
	const char	*kind;		/* only this kind, or NULL */
	json_t		*list;		/* --json: the draws, or NULL */
	int		 n;		/* draws shown */
};

/* One draw of a month's draws, after those it replaced. */
static int
draw_show_one(const struct assign_drawn *d, void *arg)
{
	struct draw_show	*sh = arg;
	const json_t		*a;
	char			 when[64];
	size_t			 i;

	if (sh->kind != NULL && (d->kind == NULL ||
	    strcmp(d->kind, sh->kind) != 0))
		return 0;
	sh->n++;
	if (sh->list != NULL) {
		json_array_append_new(sh->list, json_pack("{s:s?, s:s?, s:i, "
		    "s:b, s:s?, s:s?, s:s?, s:O}", "month", d->month, "kind",
		    d->kind, "draw", d->n, "in_force", d->in_force, "issued",
		    d->issued, "seed", d->seed, "reason", d->reason,
		    "assignments", d->assignments));
		return 0;
	}
	util_local_rfc3339(when, sizeof when, d->issued);
	printf("%s %s, draw %d%s, signed %s\n  seed: ", d->month, d->kind,
	    d->n, d->in_force ? " (in force)" : " (replaced)", when);
	cli_put(stdout, d->seed);
	printf("\n");
	if (d->reason != NULL) {
		printf("  drawn again because: ");
		cli_put(stdout, d->reason);
		printf("\n");
	}
	json_array_foreach(d->assignments, i, a) {
		printf("    ");
		draw_print_site(a);
	}
	return 0;
}

/* draw --show: the month's draws, a replaced draw beside its redraw. */
static int
draw_show(struct cli *cli, const char *month, const char *kind, int as_json)
{
	struct datadir		*dd = NULL;
	struct draw_show	 sh;
	int			 rc;

	memset(&sh, 0, sizeof sh);
	sh.kind = kind;
	if (as_json)
		sh.list = json_array();
	if ((rc = cli_open(cli, &dd)) != 0)
		goto cleanup;
	if (office_draws(dd->db, month, draw_show_one, &sh) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	if (as_json)
		cli_print_json(sh.list);
	else if (sh.n == 0)
		printf("no draw of %s%s%s\n", month, kind != NULL ? ", " : "",
		    kind != NULL ? kind : "");
cleanup:
	json_decref(sh.list);
	datadir_close(dd);
	return rc;
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
		{ "redraw", required_argument, NULL, 'R' },
		{ "show", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	struct assign_req	 r = { NULL, NULL, NULL, 0, 0 };
	struct datadir		*dd = NULL;
	struct key_secret	*sk = NULL;
	json_t			*doc;
	const char		*passfile = NULL, *reason = NULL;
	char			*body = NULL, *path = NULL;
	size_t			 len;
	int			 c, rc, dry = 0, as_json = 0, show = 0;

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
		case 'R':
			reason = optarg;
			break;
		case 'w':
			show = 1;
			break;
		default:
			return cli_usage(DRAW_SYNOPSIS, "draw: bad option");
		}
	}
	if (optind != argc)
		return cli_usage(DRAW_SYNOPSIS, "draw: unexpected argument %s",
		    argv[optind]);
	if (show) {
		if (r.month == NULL || r.sites != 0 || r.per_site != 0 ||
		    r.seed != NULL || reason != NULL || dry)
			return cli_usage(DRAW_SYNOPSIS, "draw: --show takes "
			    "--month, and --kind and --json only");
		return draw_show(cli, r.month, r.kind, as_json);
	}
	if (r.month == NULL || r.kind == NULL || r.sites == 0 ||
	    r.per_site == 0 || r.seed == NULL)
		return cli_usage(DRAW_SYNOPSIS, "draw: --month, --kind, "
		    "--sites, --inspectors-per-site and --seed are all needed");
	if (*r.seed == '\0')
		return cli_usage(DRAW_SYNOPSIS, "draw: the seed is empty");
	if (reason != NULL && *reason == '\0')
		return cli_usage(DRAW_SYNOPSIS, "draw: --redraw needs its "
		    "reason");
	if (dry)
		rc = cli_open(cli, &dd);
	else
		rc = cli_office(cli, passfile, &dd, &sk);
	if (rc != 0)
		return rc;
	if ((dry ? assign_draw(dd->db, &r, &body, &len) :
	    office_draw(dd, sk, &r, reason, &body, &len)) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	path = xasprintf("assignments/%s-%s.json", r.month, r.kind);
	if (as_json)
		fputs(body, stdout);
	else if ((doc = json_loadb(body, len, 0, NULL)) != NULL) {
		draw_print(doc, path, dry);
		json_decref(doc);
		/* A redraw: the draw it replaces is shown with it. */
		if (reason != NULL && !dry) {
			printf("\n");
			rc = draw_show(cli, r.month, r.kind, 0);
			goto cleanup;
		}
	}
	rc = 0;
cleanup:
	free(body);
	free(path);
	key_secret_free(sk);
	datadir_close(dd);
	return rc;
}
