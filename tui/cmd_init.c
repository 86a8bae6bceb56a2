#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "core/roster.h"
#include "core/util.h"
#include "sync/repo.h"

#define INIT_SYNOPSIS "init [--name N --badge B] [--office-key F] " \
	"[--passphrase-file F|-]"

/* Ask for a line on the terminal (echo on); caller frees. */
static char *
init_ask(const char *prompt)
{
	char	buf[256];
	size_t	n;

	fputs(prompt, stderr);
	if (fgets(buf, sizeof buf, stdin) == NULL)
		return NULL;
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return n > 0 ? xstrdup(buf) : NULL;
}

int
cmd_init(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "badge", required_argument, NULL, 'b' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "office-key", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct datadir		*dd = NULL;
	struct key_public	 pk, office;
	char			*name = NULL, *badge = NULL, *pass = NULL;
	char			 id[KEY_ID_HEX], *text;
	const char		*passfile = NULL, *officefile = NULL;
	size_t			 len;
	size_t			 passlen;
	int			 c, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			free(name);
			name = xstrdup(optarg);
			break;
		case 'b':
			free(badge);
			badge = xstrdup(optarg);
			break;
		case 'p':
			passfile = optarg;
			break;
		case 'o':
			officefile = optarg;
			break;
		case 'h':
			printf("usage: lantian %s\n", INIT_SYNOPSIS);
			rc = 0;
			goto cleanup;
		default:
			rc = cli_usage(INIT_SYNOPSIS, "init: bad option");
			goto cleanup;
		}
	}
	if (optind != argc) {
		rc = cli_usage(INIT_SYNOPSIS, "init: unexpected argument %s",
		    argv[optind]);
		goto cleanup;
	}
	if ((name == NULL || badge == NULL) && isatty(STDIN_FILENO) &&
	    passfile == NULL) {
		if (name == NULL)
			name = init_ask("Inspector's name: ");
		if (badge == NULL)
			badge = init_ask("Badge number: ");
	}
	if (name == NULL || *name == '\0' || badge == NULL || *badge == '\0') {
		rc = cli_usage(INIT_SYNOPSIS, "init: --name and --badge are "
		    "required");
		goto cleanup;
	}
	/* The office key is read before anything is made. */
	if (officefile != NULL) {
		if (util_read_file(officefile, 4096, &text, &len) != 0) {
			rc = cli_fail();
			goto cleanup;
		}
		rc = key_public_parse(text, len, &office);
		free(text);
		if (rc != 0) {
			rc = cli_error("%s: %s", officefile, error_msg());
			goto cleanup;
		}
	}
	if (datadir_open(&dd, cli->datadir, 1) != 0) {
		rc = cli_fail();
		goto cleanup;
	}
	if (datadir_has_key(dd)) {
		rc = cli_error("%s: this data directory already has a device "
		    "key; lantian never overwrites a key", cli->datadir);
		goto cleanup;
	}
	if (cli_passphrase(passfile, 1, &pass, &passlen) != 0 ||
	    datadir_init_key(dd, name, badge, pass, passlen) != 0 ||
	    repo_init(dd->path) != 0 ||
	    datadir_device_public(dd, &pk) != 0 ||
	    (officefile != NULL && roster_trust(dd, &office, 0) != 0)) {
		rc = cli_fail();
		goto cleanup;
	}
	key_id_hex(id, pk.id);
	printf("device key %s created for ", id);
	cli_put(stdout, name);
	printf(" (");
	cli_put(stdout, badge);
	printf(")\n  data:       %s\n  public key: %s/keys/device.pub\n",
	    dd->path, dd->path);
	if (officefile != NULL) {
		key_id_hex(id, office.id);
		printf("  office key: %s (trusted: %s/keys/office.pub)\n", id,
		    dd->path);
	}
	rc = 0;
cleanup:
	cli_passphrase_free(pass);
	datadir_close(dd);
	free(name);
	free(badge);
	return rc;
}
