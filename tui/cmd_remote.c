/*
 * lantian remote add NAME URL [--create] [--priority N] [--records-only]
 *     [--ssh-key F] [--known-hosts F] [--user U --password-file F]
 *     [--ca-file F] | remote list [--json] | remote remove NAME
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/util.h"
#include "sync/remote.h"

#define REMOTE_SYNOPSIS "remote add NAME URL|PATH [--create] " \
	"[--priority N] [--records-only] [--ssh-key F] " \
	"[--known-hosts F] [--user U --password-file F] [--ca-file F] | " \
	"remote list [--json] | remote remove NAME"

/* Files named in options are kept by absolute path: sync may run from
 * anywhere (cron, the TUI). */
static int
remote_file_opt(json_t *opts, const char *key, const char *file)
{
	char	real[PATH_MAX];

	if (realpath(file, real) == NULL)
		return cli_error("--%s %s: %s", key, file, strerror(errno));
	json_object_set_new(opts, key, json_string(real));
	return 0;
}

static int
remote_cmd_add(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "create", no_argument, NULL, 'c' },
		{ "ssh-key", required_argument, NULL, 'k' },
		{ "known-hosts", required_argument, NULL, 'h' },
		{ "user", required_argument, NULL, 'u' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "ca-file", required_argument, NULL, 'a' },
		{ "priority", required_argument, NULL, 'P' },
		{ "records-only", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const keys[] = { ['k'] = "ssh_key",
	    ['h'] = "known_hosts", ['p'] = "password_file",
	    ['a'] = "ca_file" };
	struct datadir	*dd;
	json_t		*opts = json_object();
	char		 real[PATH_MAX], *url, *end;
	long		 prio;
	int		 c, create = 0, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			create = 1;
			break;
		case 'u':
			json_object_set_new(opts, "user", json_string(optarg));
			break;
		case 'k': case 'h': case 'p': case 'a':
			if (remote_file_opt(opts, keys[c], optarg) != 0)
				goto out;
			break;
		case 'P':
			errno = 0;
			prio = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    prio < 0 || prio > REMOTE_PRIORITY_MAX) {
				rc = cli_usage(REMOTE_SYNOPSIS, "remote add: "
				    "--priority %s: a number from 0 (first) to "
				    "%d", optarg, REMOTE_PRIORITY_MAX);
				goto out;
			}
			json_object_set_new(opts, "priority", json_integer(
			    prio));
			break;
		case 'r':
			json_object_set_new(opts, "records_only", json_true());
			break;
		default:
			rc = cli_usage(REMOTE_SYNOPSIS, "remote add: bad option");
			goto out;
		}
	}
	if (argc - optind != 2) {
		rc = cli_usage(REMOTE_SYNOPSIS, "remote add: NAME and URL");
		goto out;
	}
	url = argv[optind + 1];
	if (!remote_name_valid(argv[optind])) {
		rc = cli_error("remote %s: a name is letters, digits, '-' and "
		    "'_' (at most 64)", argv[optind]);
		goto out;
	}
	if (remote_is_path(url)) {
		if (create && remote_create(url) != 0) {
			rc = cli_fail();
			goto out;
		}
		if (realpath(url, real) == NULL) {
			rc = cli_error("%s: %s (--create makes a new "
			    "repository there)", url, strerror(errno));
			goto out;
		}
		url = real;
	} else if (create) {
		rc = cli_usage(REMOTE_SYNOPSIS, "remote add: --create is for "
		    "a path (a USB stick), not a URL");
		goto out;
	}
	if (cli_open(cli, &dd) != 0)
		goto out;
	if (remote_add(dd->db, argv[optind], url, opts) != 0)
		rc = cli_fail();
	else {
		printf("remote %s: %s\n", argv[optind], url);
		rc = 0;
	}
	datadir_close(dd);
out:
	json_decref(opts);
	return rc;
}

static int
remote_print(const struct remote *r, void *arg)
{
	int	*as_json = arg;
	json_t	*j;
	char	*o;

	if (*as_json) {
		j = json_pack("{s:s, s:s, s:O}", "name", r->name, "url", r->url,
		    "options", r->opts);
		cli_json_item(&as_json[1], j);
		return 0;
	}
	cli_put(stdout, r->name);
	printf("\t");
	cli_put(stdout, r->url);
	if (json_object_size(r->opts) > 0) {
		o = json_dumps(r->opts, JSON_COMPACT);
		printf("\t");
		cli_put(stdout, o);
		free(o);
	}
	printf("\n");
	return 0;
}

int
cmd_remote(struct cli *cli, int argc, char **argv)
{
	struct datadir	*dd;
	int		 out[2] = { 0, 0 }, rc;

	if (argc < 2)
		return cli_usage(REMOTE_SYNOPSIS, "remote: which subcommand?");
	if (strcmp(argv[1], "add") == 0)
		return remote_cmd_add(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0) {
		if (argc > 3 || (argc == 3 && strcmp(argv[2], "--json") != 0))
			return cli_usage(REMOTE_SYNOPSIS, "remote list: only "
			    "--json");
		out[0] = argc == 3;
		if (cli_open(cli, &dd) != 0)
			return 1;
		rc = remote_each(dd->db, remote_print, out);
		datadir_close(dd);
		if (out[0] && rc == 0)
			cli_json_end(out[1]);
		return rc != 0 ? cli_fail() : 0;
	}
	if (strcmp(argv[1], "remove") == 0) {
		if (argc != 3)
			return cli_usage(REMOTE_SYNOPSIS, "remote remove: NAME");
		if (cli_open(cli, &dd) != 0)
			return 1;
		rc = remote_remove(dd->db, argv[2]);
		datadir_close(dd);
		return rc != 0 ? cli_fail() : 0;
	}
	return cli_usage(REMOTE_SYNOPSIS, "remote: unknown subcommand %s",
	    argv[1]);
}
