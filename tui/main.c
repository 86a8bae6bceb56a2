#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <curses.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <sodium.h>
#include <sqlite3.h>

#include "cli.h"
#include "tui/i18n.h"
#include "tui/tui.h"
#include "core/error.h"
#include "core/util.h"
#include "sync/repo.h"

static const struct {
	const char	*name;
	int		(*fn)(struct cli *, int, char **);
	const char	*synopsis;
} main_commands[] = {
	{ "tui", cmd_tui, "tui                  the terminal UI (the default: "
	  "lantian with no command)" },
	{ "init", cmd_init,
	  "init [--name N --badge B] [--office-key F] "
	  "[--passphrase-file F|-]" },
	{ "demo", cmd_demo, "demo [--data DIR]" },
	{ "forms", cmd_forms,
	  "forms list | forms check FILE... | "
	  "forms try FILE|ID --answers A.json [--json]" },
	{ "inspect", cmd_inspect,
	  "inspect --site S --form ID|FILE --answers A.json [--attach FILE]... "
	  "[--notes TEXT] [--follows ID] [--any-kind] "
	  "(--ack-name N --ack-role R | --ack-refused --ack-witness W) "
	  "[--passphrase-file F|-]" },
	{ "records", cmd_records,
	  "records list [--site S] [--village V] [--inspector K] [--form F] "
	  "[--task N] [--severity S] [--from DATE] [--to DATE] "
	  "[--status[=STATUS]] [--limit N] [--after ID] [--json] | "
	  "records show ID [--raw|--minisig]" },
	{ "findings", cmd_findings,
	  "findings list [--open|--overdue|--closed] [--site S] [--village V] "
	  "[--task N] [--severity S] [--json] | "
	  "findings count --by task|village [--open|--overdue|--closed] "
	  "[--json]" },
	{ "amend", cmd_amend,
	  "amend ID --reply TEXT [--answers A.json] [--attach FILE]... "
	  "[--passphrase-file F|-]" },
	{ "attachments", cmd_attachments,
	  "attachments show ID | attachments extract SHA256 --out FILE" },
	{ "review", cmd_review,
	  "review ID --accept | --return QUESTION | --reject REASON "
	  "[--force] [--passphrase-file F|-] | review list [--state S] [--mine] "
	  "[--limit N] [--json] | review show ID [--json]" },
	{ "verify", cmd_verify, "verify [ID...]" },
	{ "export", cmd_export,
	  "export (--site S | --record ID... | --finding RULE) "
	  "[--from YYYY-MM-DD] [--to YYYY-MM-DD] --case ID --out DIR [--tar] "
	  "[--lang zh|en] [--include-unverified] [--passphrase-file F|-]" },
	{ "verify-bundle", cmd_verify_bundle,
	  "verify-bundle DIR|FILE.tar [--office-key F]" },
	{ "remote", cmd_remote,
	  "remote add NAME URL|PATH [--create] [--priority N] "
	  "[--records-only] [--ssh-key F] "
	  "[--known-hosts F] [--user U --password-file F] [--ca-file F] | "
	  "remote list [--json] | remote remove NAME" },
	{ "sync", cmd_sync, "sync [NAME|URL|PATH] | sync --auto | sync --watch" },
	{ "sites", cmd_sites,
	  "sites import FILE.csv | sites list [--kind K] [--village V] "
	  "[--json]" },
	{ "office", cmd_office,
	  "office init [--enrol-device [--name N --badge B]] "
	  "[--passphrase-file F|-] | "
	  "office trust FILE [--replace] | "
	  "office publish [--passphrase-file F|-]" },
	{ "draw", cmd_draw,
	  "draw --month YYYY-MM --kind K --sites N --inspectors-per-site M "
	  "--seed TEXT [--redraw REASON] [--dry-run] [--json] "
	  "[--passphrase-file F|-] | draw --show --month YYYY-MM [--kind K] "
	  "[--json]" },
	{ "publish", cmd_publish, "publish --month YYYY-MM --out DIR" },
	{ "inspectors", cmd_inspectors, "inspectors [--month YYYY-MM] [--json]" },
	{ "conflicts", cmd_conflicts, "conflicts [--limit N] [--json]" },
	{ "report", cmd_report,
	  "report monthly --month YYYY-MM [--json|--csv]" },
	{ "roster", cmd_roster,
	  "roster add PUB --name N --badge B [--from DATE] [--redate] "
	  "[--passphrase-file F|-] | roster revoke KEYID [--at DATE] "
	  "[--passphrase-file F|-] | roster list [--json] | "
	  "roster show KEYID [--raw|--minisig] | "
	  "roster import ENTRY.json..." },
};

#define MAIN_NCOMMANDS	(sizeof main_commands / sizeof main_commands[0])

static void
main_usage(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: lantian [--data DIR] COMMAND [OPTIONS]\n\n"
	    "lantian (蓝天) records environmental field inspections, signs "
	    "them and keeps them.\n\ncommands:\n");
	for (i = 0; i < MAIN_NCOMMANDS; i++)
		fprintf(f, "  lantian %s\n", main_commands[i].synopsis);
	fprintf(f, "\n  lantian --version | --help\n\n"
	    "The data directory is --data DIR, else $LANTIAN_HOME, else "
	    "$XDG_DATA_HOME/lantian,\nelse ~/.local/share/lantian.\n"
	    "Exit status: 0 done, 1 failed, 2 usage.\n");
}

static void
main_version(void)
{
	printf("lantian %s\n", PACKAGE_VERSION);
	printf("  SQLite %s, libgit2 %s, libsodium %s, jansson %s, %s,\n"
	    "  %s, %s\n", sqlite3_libversion(), repo_libgit2_version(),
	    sodium_version_string(), jansson_version_str(), curses_version(),
	    archive_version_string(), OpenSSL_version(OPENSSL_VERSION));
}

/* Take --data DIR / --data=DIR out of argv wherever it stands. */
static int
main_take_data(int *argc, char **argv, const char **data)
{
	int	i, j;

	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--data") == 0) {
			if (i + 1 >= *argc)
				return -1;
			*data = argv[i + 1];
			for (j = i; j + 2 <= *argc; j++)
				argv[j] = argv[j + 2];
			*argc -= 2;
			i--;
		} else if (strncmp(argv[i], "--data=", 7) == 0) {
			*data = argv[i] + 7;
			for (j = i; j + 1 <= *argc; j++)
				argv[j] = argv[j + 1];
			*argc -= 1;
			i--;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct cli	 cli;
	const char	*cmd;
	size_t		 i;
	int		 rc;

	tui_trace_start();
	setlocale(LC_ALL, "");
	i18n_init();
	memset(&cli, 0, sizeof cli);
	if (main_take_data(&argc, argv, &cli.data_opt) != 0) {
		fprintf(stderr, "lantian: --data: needs a directory\n");
		return EXIT_USAGE;
	}
	cmd = argc < 2 ? "tui" : argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		main_usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		main_version();
		return 0;
	}
	if (util_init() != 0 || repo_global_init() != 0)
		return cli_fail();

	for (i = 0; i < MAIN_NCOMMANDS; i++) {
		if (strcmp(cmd, main_commands[i].name) == 0)
			break;
	}
	if (i == MAIN_NCOMMANDS) {
		fprintf(stderr, "lantian: %s: unknown command\n", cmd);
		main_usage(stderr);
		return EXIT_USAGE;
	}
	if (argc > 2 && (strcmp(argv[2], "--help") == 0 ||
	    strcmp(argv[2], "-h") == 0)) {
		printf("usage: lantian %s\n", main_commands[i].synopsis);
		return 0;
	}
	cli.datadir = datadir_resolve(cli.data_opt);
	if (argc < 2) {
		char *tui_argv[] = { "tui", NULL };
		rc = cmd_tui(&cli, 1, tui_argv);
	} else
		rc = main_commands[i].fn(&cli, argc - 1, argv + 1);
	free(cli.datadir);
	repo_global_shutdown();
	return rc;
}
