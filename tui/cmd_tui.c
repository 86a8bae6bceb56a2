/*
 * `lantian` with no command: the TUI on the data directory.  A data
 * directory without a key (or none at all) starts with the setup screen.
 */
#include "config.h"

#include <stdlib.h>

#include "core/error.h"
#include "tui/cli.h"
#include "tui/tui.h"

int
cmd_tui(struct cli *cli, int argc, char **argv)
{
	struct datadir	*dd = NULL;
	int		 rc;

	(void)argv;
	if (argc > 1)
		return cli_usage("tui", "tui: no arguments");
	if (datadir_open(&dd, cli->datadir, 0) != 0) {
		if (error_code() != LT_ENOTFOUND)
			return cli_fail();
		dd = NULL;
	}
	rc = tui_main(cli->datadir, dd);
	datadir_close(dd);
	return rc;
}
