#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/office.h"
#include "core/roster.h"
#include "core/util.h"
#include "core/key.h"

#define OFFICE_SYNOPSIS "office init [--enrol-device [--name N --badge B]] " \
	"[--passphrase-file F|-] | " \
	"office trust FILE [--replace] | " \
	"office publish [--passphrase-file F|-]"

/*
 * Put this machine's own device key on the roster with the new office key
 * (what it exports and signs is then verified), valid from now.
 */
static int
office_enrol_self(struct datadir *dd, const char *pass, size_t passlen,
    const char *name, const char *badge)
{
	struct key_secret	*sk = NULL;
	struct key_public	 pk;
	struct roster_entry	 e;
	int			 rc;

	memset(&e, 0, sizeof e);
	if ((rc = datadir_device_public(dd, &pk)) != 0 ||
	    (rc = roster_office_unlock(dd, pass, passlen, &sk)) != 0)
		return rc;
	key_id_hex(e.key_id, pk.id);
	e.pubkey = key_public_base64(&pk);
	e.name = xstrdup(name);
	e.badge = xstrdup(badge);
	util_rfc3339(e.valid_from, sizeof e.valid_from, util_now());
	if ((rc = roster_issue(dd->db, sk, &e)) == 0) {
		printf("this machine's device key %s on the roster: ",
		    e.key_id);
		cli_put(stdout, e.name);
		printf(" (");
		cli_put(stdout, e.badge);
		printf("), valid from %s\n", e.valid_from);
	}
	roster_entry_clear(&e);
	key_secret_free(sk);
	return rc;
}

/* office init: the office key of the supervisor's machine. */
static int
office_init(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "enrol-device", no_argument, NULL, 'e' },
		{ "name", required_argument, NULL, 'n' },
		{ "badge", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir		*dd = NULL;
	struct key_public	 pk;
	const char		*passfile = NULL, *name = NULL, *badge = NULL;
	char			*pass = NULL, id[KEY_ID_HEX];
	char			*dname = NULL, *dbadge = NULL;
	size_t			 passlen;
	int			 c, rc, enrol = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			passfile = optarg;
			break;
		case 'e':
			enrol = 1;
			break;
		case 'n':
			name = optarg;
			break;
		case 'b':
			badge = optarg;
			break;
		default:
			return cli_usage(OFFICE_SYNOPSIS, "office init: bad "
			    "option");
		}
	}
	if (optind != argc)
		return cli_usage(OFFICE_SYNOPSIS, "office init: unexpected "
		    "argument %s", argv[optind]);
	if (!enrol && (name != NULL || badge != NULL))
		return cli_usage(OFFICE_SYNOPSIS, "office init: --name and "
		    "--badge name this machine's device key for "
		    "--enrol-device");
	if (datadir_open(&dd, cli->datadir, 1) != 0)
		return cli_fail();
	if (roster_office_has_key(dd)) {
		rc = cli_error("%s: this data directory already has an office "
		    "key; lantian never overwrites a key", cli->datadir);
		goto cleanup;
	}
	if (enrol) {
		/* Checked before the key is made: all of it or nothing. */
		if (!datadir_has_key(dd)) {
			rc = cli_error("office init: --enrol-device: this "
			    "machine has no device key yet (lantian init "
			    "--name N --badge B first)");
			goto cleanup;
		}
		if (datadir_inspector(dd, &dname, &dbadge) != 0)
			error_clear();
		if (name == NULL)
			name = dname;
		if (badge == NULL)
			badge = dbadge;
		if (name == NULL || *name == '\0' || badge == NULL ||
		    *badge == '\0') {
			rc = cli_usage(OFFICE_SYNOPSIS, "office init: "
			    "--enrol-device needs --name and --badge");
			goto cleanup;
		}
	}
	if (cli_passphrase(passfile, 1, &pass, &passlen) != 0 ||
	    roster_office_init(dd, pass, passlen, &pk) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	key_id_hex(id, pk.id);
	printf("office key %s created\n"
	    "  secret key: %s/keys/office.key (keep it, and its passphrase, "
	    "safe)\n"
	    "  public key: %s/keys/office.pub (each device: lantian init "
	    "--office-key FILE)\n", id, dd->path, dd->path);
	if (enrol && office_enrol_self(dd, pass, passlen, name, badge) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	if (!enrol && datadir_has_key(dd) && !cli_device_enrolled(dd))
		cli_enrol_hint(dd, "what this machine signs and exports (an "
		    "evidence bundle's report.html) says \"exporter not on "
		    "the roster\" until it is");
	else if (!enrol && !datadir_has_key(dd))
		fprintf(stderr, "lantian: this machine has no device key yet: "
		    "after lantian init, enrol it with lantian roster add "
		    "%s/keys/device.pub --name N --badge B\n", dd->path);
	rc = 0;
cleanup:
	free(dname);
	free(dbadge);
	cli_passphrase_free(pass);
	datadir_close(dd);
	return rc;
}

/* office trust FILE: the office key this device trusts, set later. */
static int
office_trust(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "replace", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir		*dd;
	struct key_public	 pk, old;
	char			*text, id[KEY_ID_HEX];
	size_t			 len;
	int			 c, rc, replace = 0, same;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			replace = 1;
			break;
		default:
			return cli_usage(OFFICE_SYNOPSIS, "office trust: bad "
			    "option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage(OFFICE_SYNOPSIS, "office trust: one public "
		    "key file");
	if (util_read_file(argv[optind], 4096, &text, &len) != 0)
		return cli_fail();
	rc = key_public_parse(text, len, &pk);
	free(text);
	if (rc != 0)
		return cli_error("%s: %s", argv[optind], error_msg());
	if (cli_open(cli, &dd) != 0)
		return 1;
	same = roster_anchor(dd->db, &old) == 0 &&
	    memcmp(&old, &pk, sizeof pk) == 0;
	error_clear();
	if (roster_trust(dd, &pk, replace) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	key_id_hex(id, pk.id);
	printf("office key %s %s\n", id, same ? "was trusted already" :
	    "trusted");
	rc = 0;
cleanup:
	datadir_close(dd);
	return rc;
}

/*
 * office publish: sign the site register and the forms for the office
 * branch; devices take them at their next sync.
 */
static int
office_publish_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir		*dd = NULL;
	struct key_secret	*sk = NULL;
	const char		*passfile = NULL;
	int			 c, rc, sites, forms;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			passfile = optarg;
			break;
		default:
			return cli_usage(OFFICE_SYNOPSIS, "office publish: bad "
			    "option");
		}
	}
	if (optind != argc)
		return cli_usage(OFFICE_SYNOPSIS, "office publish: unexpected "
		    "argument %s", argv[optind]);
	if ((rc = cli_office(cli, passfile, &dd, &sk)) != 0)
		return rc;
	if (office_publish(dd, sk, &sites, &forms) != 0)
		rc = cli_fail();
	else if (sites == 0 && forms == 0)
		printf("nothing new to publish: the site register and the "
		    "forms are as signed before\n");
	else
		printf("signed %s and %d form(s); they are published on the "
		    "office branch at the next sync\n", sites > 0 ?
		    "the site register" : "no new site register", forms);
	key_secret_free(sk);
	datadir_close(dd);
	return rc;
}

/* lantian office: the office key. */
int
cmd_office(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(OFFICE_SYNOPSIS, "office: which subcommand?");
	if (strcmp(argv[1], "init") == 0)
		return office_init(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "trust") == 0)
		return office_trust(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "publish") == 0)
		return office_publish_cmd(cli, argc - 1, argv + 1);
	return cli_usage(OFFICE_SYNOPSIS, "office %s: unknown subcommand",
	    argv[1]);
}
