#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/verify.h"

#define VERIFY_SYNOPSIS "verify [ID...]"

static void
verify_print(const struct verify_problem *p, void *arg)
{
	(void)arg;
	if (p->id == NULL) {
		/* The store itself (PRAGMA quick_check). */
		printf("lantian.db: %s: ", p->kind);
		cli_put(stdout, p->why);
		printf("\n");
		return;
	}
	/* Even ids and key ids come from a store someone may have edited. */
	cli_put(stdout, p->id);
	putchar(' ');
	cli_put(stdout, p->device);
	printf(" seq %" PRId64 ": %s: ", p->seq, p->kind);
	cli_put(stdout, p->why);
	printf("\n");
}

int
cmd_verify(struct cli *cli, int argc, char **argv)
{
	struct datadir		*dd;
	struct verify_stats	 st;
	int			 i, rc;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			return cli_usage(VERIFY_SYNOPSIS, "verify: unknown "
			    "option %s", argv[i]);
	}
	if (cli_open(cli, &dd) != 0)
		return 1;
	rc = verify_store(dd->db, (const char *const *)argv + 1,
	    (size_t)argc - 1, 0, verify_print, NULL, &st);
	datadir_close(dd);
	if (rc != 0)
		return cli_fail();
	fprintf(stderr, "lantian: %" PRId64 " record(s) checked, %" PRId64
	    " problem(s)\n", st.records, st.problems);
	return st.problems > 0 ? 1 : 0;
}
