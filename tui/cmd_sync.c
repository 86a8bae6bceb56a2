/*
 * lantian sync [NAME|URL|PATH]: with one remote, or with every remote in
 * turn when none is named.  Progress on stderr; a summary at the end.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "core/util.h"
#include "sync/remote.h"
#include "sync/sync.h"

#define SYNC_SYNOPSIS "sync [NAME|URL|PATH]"

struct sync_cli {
	int	tty;		/* stderr is a terminal: redraw one line */
	char	last[16];	/* the stage last printed */
};

static int
sync_cli_progress(const struct sync_progress *p, void *arg)
{
	struct sync_cli	*s = arg;

	if (s->tty) {
		fprintf(stderr, "\r%-7s %zu/%zu objects, %zu bytes   ",
		    p->stage, p->objects, p->total, p->bytes);
		return 0;
	}
	if (strcmp(s->last, p->stage) != 0) {
		fprintf(stderr, "lantian: sync: %s\n", p->stage);
		snprintf(s->last, sizeof s->last, "%s", p->stage);
	}
	return 0;
}

static void
sync_cli_log(const char *kind, const char *ref, const char *path,
    const char *why, void *arg)
{
	struct sync_cli	*s = arg;

	fprintf(stderr, "%slantian: sync: %s: ", s->tty ? "\r" : "", kind);
	cli_put(stderr, ref != NULL ? ref : "");
	if (path != NULL) {
		fprintf(stderr, " ");
		cli_put(stderr, path);
	}
	fprintf(stderr, ": ");
	cli_put(stderr, why);
	fprintf(stderr, "\n");
}

static int
sync_one(struct datadir *dd, const char *target)
{
	struct sync_cli		s = { 0, "" };
	struct sync_opts	o = { sync_cli_progress, sync_cli_log, &s, 0 };
	struct sync_result	r;
	int			rc;

	s.tty = isatty(STDERR_FILENO);
	rc = sync_run(dd, target, &o, &r);
	if (s.tty)
		fprintf(stderr, "\r%60s\r", "");
	if (rc != 0)
		return cli_fail();
	printf("sync with %s: %lld record(s) sent, %lld received (%lld "
	    "verified), %lld refused; %lld attachment(s) received; %d "
	    "branch(es) pushed", target, (long long)r.sent,
	    (long long)r.imported.records, (long long)r.imported.verified,
	    (long long)r.imported.rejected, (long long)r.imported.attachments,
	    r.refs_pushed);
	if (r.imported.roster > 0)
		printf("; %lld roster entr%s taken", (long long)
		    r.imported.roster, r.imported.roster == 1 ? "y" : "ies");
	if (r.imported.office > 0)
		printf("; %lld office file(s) taken (sites, forms)",
		    (long long)r.imported.office);
	if (r.forks > 0)
		printf("; %d fork(s) kept aside", r.forks);
	printf("\n");
	return 0;
}

static int
sync_each(const struct remote *r, void *arg)
{
	struct datadir	*dd = arg;

	/* One remote failing does not stop the others. */
	sync_one(dd, r->name);
	return 0;
}

int
cmd_sync(struct cli *cli, int argc, char **argv)
{
	struct datadir	*dd;
	int		 rc;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		return cli_usage(SYNC_SYNOPSIS, "sync: at most one remote");
	if (cli_open(cli, &dd) != 0)
		return 1;
	if (argc == 2)
		rc = sync_one(dd, argv[1]);
	else
		rc = remote_each(dd->db, sync_each, dd) != 0 ? cli_fail() : 0;
	datadir_close(dd);
	return rc;
}
