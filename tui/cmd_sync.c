/*
 * lantian sync [NAME|URL|PATH]: with one remote, or with every remote in
 * turn when none is named.  Progress on stderr; a summary at the end.
 * lantian sync --auto: one pass over every reachable remote by priority
 * (cron, a systemd timer); lantian sync --watch: sync whenever a remote
 * becomes reachable, until stopped (sync/autosync.h).  Exit status 1 when
 * a remote in reach failed (named) or there is no remote, 3: another sync
 * holds the store.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "core/util.h"
#include "sync/autosync.h"
#include "sync/remote.h"
#include "sync/sync.h"

#define SYNC_SYNOPSIS "sync [NAME|URL|PATH] | sync --auto | sync --watch"
#define SYNC_BUSY	3	/* exit status: another sync holds the store */

static volatile sig_atomic_t sync_stop;

struct sync_cli {
	int	tty;		/* stderr is a terminal: redraw one line */
	char	last[16];	/* the stage last printed */
	/* The step of a transfer being reported (not a terminal: its
	 * counts are said once it ends). */
	char	stage[16];
	size_t	objects, total, bytes;
};

/* A size for a person: 512 B, 2.1 KiB, 3.4 MiB. */
static void
sync_cli_size(char *buf, size_t size, size_t bytes)
{
	if (bytes < 1024)
		snprintf(buf, size, "%zu B", bytes);
	else if (bytes < 1024 * 1024)
		snprintf(buf, size, "%.1f KiB", (double)bytes / 1024);
	else
		snprintf(buf, size, "%.1f MiB", (double)bytes / 1048576);
}

/* The counts of a transfer, or "counting" while there is no total. */
static void
sync_cli_counts(char *buf, size_t size, const char *stage, size_t objects,
    size_t total, size_t bytes)
{
	char	sz[32];

	if (strcmp(stage, "fetch") != 0 && strcmp(stage, "push") != 0)
		snprintf(buf, size, "%s", stage);
	else if (total == 0)
		snprintf(buf, size, "%s: counting...", stage);
	else {
		sync_cli_size(sz, sizeof sz, bytes);
		snprintf(buf, size, "%s: %zu/%zu object%s, %s", stage,
		    objects > total ? total : objects, total,
		    total == 1 ? "" : "s", sz);
	}
}

/* Say how the transfer step just ended went (not a terminal). */
static void
sync_cli_flush(struct sync_cli *s)
{
	char	line[128];

	if (s->stage[0] != '\0' && s->total > 0) {
		sync_cli_counts(line, sizeof line, s->stage, s->objects,
		    s->total, s->bytes);
		fprintf(stderr, "lantian: sync: %s\n", line);
	}
	s->stage[0] = '\0';
	s->objects = s->total = s->bytes = 0;
}

static int
sync_cli_progress(const struct sync_progress *p, void *arg)
{
	struct sync_cli	*s = arg;
	char		 line[128];

	if (s->tty) {
		sync_cli_counts(line, sizeof line, p->stage, p->objects,
		    p->total, p->bytes);
		fprintf(stderr, "\r%-60s", line);
		return 0;
	}
	/* A new step: another stage, or the counts started again. */
	if (strcmp(s->stage, p->stage) != 0 || p->total < s->total ||
	    (p->total == s->total && p->objects < s->objects))
		sync_cli_flush(s);
	if (strcmp(s->last, p->stage) != 0) {
		fprintf(stderr, "lantian: sync: %s\n", p->stage);
		snprintf(s->last, sizeof s->last, "%s", p->stage);
	}
	snprintf(s->stage, sizeof s->stage, "%s", p->stage);
	s->objects = p->objects;
	s->total = p->total;
	s->bytes = p->bytes;
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
	struct sync_cli		s;
	struct sync_opts	o = { sync_cli_progress, sync_cli_log, &s, 0 };
	struct sync_result	r;
	int			rc;

	memset(&s, 0, sizeof s);
	s.tty = isatty(STDERR_FILENO);
	rc = sync_run(dd, target, &o, &r);
	if (s.tty)
		fprintf(stderr, "\r%60s\r", "");
	else
		sync_cli_flush(&s);
	if (rc == LT_EBUSY) {
		cli_fail();
		return SYNC_BUSY;
	}
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
	if (r.imported.reviews > 0)
		printf("; %lld review(s) taken", (long long)r.imported.reviews);
	if (r.forks > 0)
		printf("; %d fork(s) kept aside", r.forks);
	printf("\n");
	return 0;
}

/* lantian sync with no name: every remote in turn, and how it went. */
struct sync_all {
	struct datadir	*dd;
	int		 n;		/* remotes */
	int		 synced;
	int		 skipped;	/* a stick that is not there */
	int		 busy;		/* another sync holds the store */
	char		*failed;	/* "usb, office", or NULL */
	int		 nfailed;
};

static int
sync_each(const struct remote *r, void *arg)
{
	struct sync_all	*a = arg;
	char		 why[512], *s;
	int		 rc;

	a->n++;
	/* A USB stick that is not plugged in is out of reach, not broken. */
	if ((remote_is_path(r->url) || strncmp(r->url, "file://", 7) == 0) &&
	    !autosync_probe(r, 0, why, sizeof why)) {
		fprintf(stderr, "lantian: sync: ");
		cli_put(stderr, r->name);
		fprintf(stderr, ": not in reach, skipped: ");
		cli_put(stderr, why);
		fprintf(stderr, "\n");
		a->skipped++;
		return 0;
	}
	/* One remote failing does not stop the others. */
	if ((rc = sync_one(a->dd, r->name)) == SYNC_BUSY) {
		a->busy = 1;
		return 1;	/* the others would wait for the same lock */
	}
	if (rc == 0) {
		a->synced++;
		return 0;
	}
	s = xasprintf("%s%s%s", a->failed != NULL ? a->failed : "",
	    a->failed != NULL ? ", " : "", r->name);
	free(a->failed);
	a->failed = s;
	a->nfailed++;
	return 0;
}

/*
 * Every remote in turn: 0 when each one in reach synced (a stick that is
 * not there is skipped, said on stderr), 1 when one failed (named) or
 * none was in reach, 3 when another sync holds the store.
 */
static int
sync_all(struct datadir *dd)
{
	struct sync_all	 a;
	int		 rc;

	memset(&a, 0, sizeof a);
	a.dd = dd;
	if (remote_each(dd->db, sync_each, &a) != 0 && !a.busy)
		return cli_fail();
	if (a.busy)
		rc = SYNC_BUSY;
	else if (a.n == 0)
		rc = cli_error("sync: no remotes: add one with lantian remote "
		    "add NAME URL|PATH");
	else if (a.nfailed > 0) {
		fprintf(stderr, "lantian: sync: failed with ");
		cli_put(stderr, a.failed);
		fprintf(stderr, " (%d of %d remote%s)\n", a.nfailed, a.n,
		    a.n == 1 ? "" : "s");
		rc = 1;
	} else if (a.synced == 0)
		rc = cli_error("sync: no remote in reach (%d skipped): nothing "
		    "synced", a.skipped);
	else
		rc = 0;
	free(a.failed);
	return rc;
}

/* A line of --auto and --watch, on standard output as it happens. */
static void
sync_auto_log(const char *line, void *arg)
{
	(void)arg;
	cli_put(stdout, line);
	printf("\n");
	fflush(stdout);
}

static void
sync_on_signal(int sig)
{
	(void)sig;
	sync_stop = 1;
}

/* --auto and --watch: the policy of sync/autosync.h. */
static int
sync_auto(struct cli *cli, int watch)
{
	struct sigaction	 sa;
	struct datadir		*dd;
	int			 rc;

	/* The data directory must be there: opened once to say so. */
	if (cli_open(cli, &dd) != 0)
		return 1;
	datadir_close(dd);
	if (!watch) {
		rc = autosync_pass(cli->datadir, sync_auto_log, NULL);
		if (rc == LT_EBUSY) {
			cli_fail();
			return SYNC_BUSY;
		}
		return rc != 0 ? cli_fail() : 0;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = sync_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (autosync_watch(cli->datadir, &sync_stop, sync_auto_log, NULL) != 0)
		return cli_fail();
	return 0;
}

int
cmd_sync(struct cli *cli, int argc, char **argv)
{
	struct datadir	*dd;
	int		 rc;

	if (argc == 2 && strcmp(argv[1], "--auto") == 0)
		return sync_auto(cli, 0);
	if (argc == 2 && strcmp(argv[1], "--watch") == 0)
		return sync_auto(cli, 1);
	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		return cli_usage(SYNC_SYNOPSIS, "sync: at most one remote, or "
		    "--auto, or --watch");
	if (cli_open(cli, &dd) != 0)
		return 1;
	if (argc == 2)
		rc = sync_one(dd, argv[1]);
	else
		rc = sync_all(dd);
	datadir_close(dd);
	return rc;
}
