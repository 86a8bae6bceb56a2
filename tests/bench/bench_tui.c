/*
 * The TUI's budgets (issue 4), figures printed side by side, nothing
 * asserted.  With a store of 1,000,000 records:
 *   - from process start to the first painted home screen, <= 50 ms;
 *   - from a key press to the repainted screen while paging history,
 *     <= 5 ms (200 Page Down, 200 Page Up back, 200 Down arrows);
 *   - resident memory, <= 32 MiB;
 * each measured in one run, against the same program on an empty store.
 *
 * The real program runs in a pseudo-terminal (80x24, xterm-256color) and
 * tells what it does through LANTIAN_TUI_TRACE, a file it appends one line
 * to per event, times in CLOCK_MONOTONIC nanoseconds:
 *   start <ns>                 the first thing in main()
 *   key <ns> <code>            a key was read
 *   paint <ns> <screen>        right after doupdate()
 *   exit <ns> maxrss_kb=<n>    at exit (getrusage)
 *
 * The stores are made once and kept under the build directory:
 * tests/bench/store-1m and tests/bench/store-empty, real data directories
 * (device key of 张伟, passphrase "bench"); a .complete file holding the
 * record count marks a finished one.  The traces of the last run are left
 * in tests/bench/tui-trace-*.txt (those of the extra starts in
 * tui-trace-*-starts.txt).
 *
 * Run with `make bench` from the build directory.  BENCH_TUI_RECORDS
 * overrides the 1,000,000 records (store-<n>), BENCH_TUI_KEYS the 200 keys
 * of each scenario, BENCH_TUI_STARTS the 5 more starts (to the home
 * screen and out) after the run, BENCH_TUI_PROGRAM the program
 * (./lantian).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/datadir.h"
#include "core/db.h"
#include "core/error.h"
#include "core/key.h"
#include "core/record.h"
#include "core/site.h"
#include "core/util.h"
#include "tests/bench/benchutil.h"
#include "tests/bench/scale.h"

#define BT_RECORDS	1000000L	/* the store of the budgets */
#define BT_KEYS		200		/* keys of each paging scenario */
#define BT_STARTS	5		/* starts to home and out, besides */
#define BT_BATCH	20000		/* records per transaction */
#define BT_SITES	200		/* sites of the big store */
#define BT_WAIT_MS	10000		/* for a trace line that must come */
#define BT_PAINT_MS	2000		/* for a paint after a key: it may not */
#define BT_NOPAINT_MS	100		/* the same once keys stopped painting */
#define BT_IDLE_MS	5		/* between looks at what it waits for */

#define BT_BUDGET_START_MS	50.0
#define BT_BUDGET_KEY_MS	5.0
#define BT_BUDGET_RSS_MIB	32.0

static int64_t
bt_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
bt_die(const char *what)
{
	fprintf(stderr, "bench_tui: %s: %s\n", what, error_msg());
	exit(1);
}

static long
bt_env_count(const char *name, long def)
{
	const char	*v = getenv(name);

	return v != NULL && atol(v) > 0 ? atol(v) : def;
}

/* n with thousands separators, in static storage (two at a time). */
static const char *
bt_thousands(long n)
{
	static char	buf[2][32];
	static int	which;
	char		tmp[32], *out = buf[which ^= 1];
	int		len, i, o = 0;

	len = snprintf(tmp, sizeof tmp, "%ld", n);
	for (i = 0; i < len; i++) {
		if (i > 0 && tmp[i - 1] != '-' && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
	return out;
}

/* ---- The stores ---------------------------------------------------- */

static const char *const bt_villages[] = {
	"下冶村", "南岭村", "东坡村", "石门村", "北坡村",
	"西沟村", "大岭村", "小庄村", "河口村", "柏树村",
};
#define BT_NVILLAGES	(sizeof bt_villages / sizeof bt_villages[0])

/* The kinds of site, their id letters and Chinese names, in one order. */
static const char *const bt_kind[] = {
	"household", "shop", "enterprise", "construction", "restaurant",
	"mine", "village", "road",
};
static const char bt_kind_letter[] = "HSECRMVD";
static const char *const bt_kind_zh[] = {
	"住户", "商店", "企业", "工地", "饭店", "矿山", "村委", "道路",
};
#define BT_NKINDS	(sizeof bt_kind / sizeof bt_kind[0])

static const char *const bt_grid[] = { "赵丽", "孙强", "周敏", "吴刚", "郑洁" };

static void
bt_site_id(char *buf, size_t size, long i)
{
	snprintf(buf, size, "XY-%c-%03ld", bt_kind_letter[i % BT_NKINDS],
	    i / (long)BT_NKINDS + 1);
}

/* 200 sites over 10 villages, of every kind. */
static void
bt_make_sites(sqlite3 *db)
{
	struct site	s;
	char		id[32], *name, *address;
	long		i;

	for (i = 0; i < BT_SITES; i++) {
		memset(&s, 0, sizeof s);
		bt_site_id(id, sizeof id, i);
		name = xasprintf("%s%s%ld号", bt_villages[i % BT_NVILLAGES],
		    bt_kind_zh[i % BT_NKINDS], i + 1);
		address = xasprintf("%s%ld组", bt_villages[i % BT_NVILLAGES],
		    i % 9 + 1);
		s.id = id;
		s.name = name;
		s.village = (char *)bt_villages[i % BT_NVILLAGES];
		s.kind = (char *)bt_kind[i % BT_NKINDS];
		s.address = address;
		s.grid_person = (char *)bt_grid[i % 5];
		s.has_location = 1;
		s.lat = 35.03 + (double)(i % 20) * 0.002;
		s.lon = 112.38 + (double)(i / 20) * 0.003;
		if (site_put(db, &s) != 0)
			bt_die("site");
		free(name);
		free(address);
	}
}

/*
 * Fields like those of a real inspection record (about 1.5 KB signed, as
 * in bench.c), at site, finished at t; one record in four has a finding.
 */
static json_t *
bt_fields(const char *site, time_t t, int finding)
{
	char	 started[32], finished[32];
	json_t	*findings;

	util_rfc3339(started, sizeof started, t - 20 * 60);
	util_rfc3339(finished, sizeof finished, t);
	findings = finding ? json_pack("[{s:s, s:i, s:s, s:{s:s, s:s}, "
	    "s:{s:s, s:s}, s:s}]", "rule", "coal-le35", "task", 11,
	    "severity", "violation", "text", "zh",
	    "35蒸吨/小时及以下燃煤锅炉应清零", "en",
	    "Coal boilers up to 35 t/h must be eliminated", "action", "zh",
	    "停用拆除或清洁能源替代", "en",
	    "Shut down and remove, or switch to clean energy", "deadline",
	    "2026-12-28") : json_array();
	return json_pack("{s:{s:s, s:s}, s:s, s:{s:s, s:i, s:s}, s:s, s:s, "
	    "s:{s:s, s:f, s:s, s:s, s:b, s:s}, s:o, s:[], s:s, s:n}",
	    "inspector", "name", "张伟", "badge", "XY-017",
	    "site", site,
	    "form", "id", "boiler", "version", 1, "sha256",
	    "9f2c1d3e4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
	    "started", started, "finished", finished,
	    "answers", "fuel", "coal", "capacity_tph", 20.5, "fgr_valve",
	    "none", "auto_monitoring", "none", "low_nox", 0, "remarks",
	    "锅炉房位于厂区东北角，现场检查时锅炉处于运行状态，燃煤堆放于露天。",
	    "findings", findings,
	    "attachments", "notes", "现场负责人在场，已告知整改要求。",
	    "acknowledged");
}

static int
bt_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) != 0)
		fprintf(stderr, "bench_tui: %s: %s\n", path, strerror(errno));
	return 0;
}

/*
 * Make a data directory with the device key and n records, unless a
 * finished one is there; returns the seconds it took (*cached when it was
 * there).
 * Records are one minute apart, the last one now, each at one of the
 * sites.  Only bench data: synchronous=OFF while it is made.
 */
static double
bt_make_store(const char *dir, long n, int *cached)
{
	static char		 fixed[64] = "LANTIAN_NOW=";
	struct datadir		*dd;
	struct key_secret	*sk;
	struct record		 r;
	struct stat		 st;
	json_t			*fields;
	char			 site[32];
	time_t			 end = time(NULL);
	int64_t			 t0 = bt_now(), tb = t0;
	long			 i, ib = 0;
	double			 secs;

	if ((*cached = bench_store_count(dir, &secs) == n))
		return secs;
	if (stat(dir, &st) == 0) {
		fprintf(stderr, "bench_tui: %s: unfinished, made again\n",
		    dir);
		nftw(dir, bt_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
	fprintf(stderr, "bench_tui: making %s (%s records)\n", dir,
	    bt_thousands(n));
	if (datadir_open(&dd, dir, 1) != 0 ||
	    datadir_init_key(dd, "张伟", "XY-017", "bench", 5) != 0 ||
	    datadir_device_unlock(dd, "bench", 5, &sk) != 0)
		bt_die(dir);
	if (n > 0) {
		if (db_exec(dd->db, "PRAGMA synchronous = OFF; "
		    "PRAGMA cache_size = -262144") != 0 ||
		    db_begin(dd->db) != 0)
			bt_die(dir);
		bt_make_sites(dd->db);
		/* record_create() takes its clock from LANTIAN_NOW. */
		putenv(fixed);
	}
	for (i = 0; i < n; i++) {
		time_t	t = end - (time_t)(n - 1 - i) * 60;

		util_rfc3339(fixed + 12, sizeof fixed - 12, t);
		bt_site_id(site, sizeof site, (i * 7) % BT_SITES);
		fields = bt_fields(site, t, i % 4 == 0);
		if (fields == NULL || record_create(dd->db, sk, "inspection",
		    fields, &r) != 0)
			bt_die("record");
		record_clear(&r);
		json_decref(fields);
		if ((i + 1) % BT_BATCH == 0 || i + 1 == n) {
			int64_t	tn = bt_now();

			if (db_commit(dd->db) != 0 ||
			    (i + 1 < n && db_begin(dd->db) != 0))
				bt_die("commit");
			fprintf(stderr, "\rbench_tui: %s: %s / %s records "
			    "(%.0f/s) ", dir, bt_thousands(i + 1),
			    bt_thousands(n), (double)(i + 1 - ib) * 1e9 /
			    (double)(tn - tb));
			tb = tn;
			ib = i + 1;
		}
	}
	if (n > 0) {
		unsetenv("LANTIAN_NOW");
		fputc('\n', stderr);
		if (db_exec(dd->db, "PRAGMA wal_checkpoint(TRUNCATE)") != 0)
			bt_die("checkpoint");
	}
	key_secret_free(sk);
	datadir_close(dd);

	secs = (double)(bt_now() - t0) / 1e9;
	bench_store_done("bench_tui", dir, n, secs);
	fprintf(stderr, "bench_tui: made %s in %.1f s\n", dir, secs);
	return secs;
}

/*
 * Bring a store made by an earlier build up to this build's schema, so
 * that the program's start is not a migration of 1,000,000 records.
 */
static void
bt_migrate(const char *dir)
{
	struct datadir	*dd;
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		*path = xasprintf("%s/lantian.db", dir);
	int		 version = -1;
	int64_t		 t0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, "PRAGMA user_version", -1,
	    &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			version = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	free(path);
	if (version >= db_latest_version())
		return;
	t0 = bt_now();
	if (datadir_open(&dd, dir, 0) != 0)
		bt_die(dir);
	datadir_close(dd);
	fprintf(stderr, "bench_tui: %s: schema %d -> %d in %.1f s\n", dir,
	    version, db_latest_version(), (double)(bt_now() - t0) / 1e9);
}

/* ---- The program in a pseudo-terminal ------------------------------ */

struct bt_ev {
	char	kind;		/* 's'tart, 'k'ey, 'p'aint, 'x' exit */
	int64_t	ns;
	char	what[32];	/* the key code or the screen */
	long	maxrss_kb;	/* of an exit line */
};

struct bt_run {
	const char	*name;		/* of the store, for messages */
	pid_t		 pid;
	int		 master;	/* -1 once the program has gone */
	int		 trace;		/* the trace file, read as it grows */
	int		 inotify;	/* wakes us when the trace grows */
	int		 exited;
	int		 status;
	int64_t		 t0;		/* our clock just before forkpty */
	char		 line[512];	/* a trace line being read */
	size_t		 linelen;
	struct bt_ev	*ev;
	size_t		 nev, evcap;
	long		 odd;		/* trace lines we could not read */
	char		 tail[4096];	/* the last of the program's output */
	size_t		 taillen;
	int		 appcursor;	/* it asked for application cursor keys */
};

static void
bt_trace_line(struct bt_run *run, const char *s)
{
	struct bt_ev	e;
	long long	ns;
	int		k = 0;

	memset(&e, 0, sizeof e);
	if (sscanf(s, "start %lld%n", &ns, &k) == 1 && k > 0)
		e.kind = 's';
	else if (sscanf(s, "key %lld %31s", &ns, e.what) == 2)
		e.kind = 'k';
	else if (sscanf(s, "paint %lld %31s", &ns, e.what) == 2)
		e.kind = 'p';
	else if (sscanf(s, "exit %lld maxrss_kb=%ld", &ns, &e.maxrss_kb) == 2)
		e.kind = 'x';
	else {
		run->odd++;
		return;
	}
	e.ns = ns;
	if (run->nev == run->evcap) {
		run->evcap = run->evcap ? 2 * run->evcap : 1024;
		run->ev = xrealloc(run->ev, run->evcap * sizeof *run->ev);
	}
	run->ev[run->nev++] = e;
}

/* Read what the trace has grown by, line by line. */
static void
bt_trace_read(struct bt_run *run)
{
	char	buf[4096];
	ssize_t	n, i;

	while ((n = read(run->trace, buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (run->linelen < sizeof run->line - 1)
					run->line[run->linelen++] = buf[i];
				continue;
			}
			run->line[run->linelen] = '\0';
			bt_trace_line(run, run->line);
			run->linelen = 0;
		}
	}
}

/*
 * Follow DECCKM (ESC [ ? 1 h / l, part of curses' keypad transmit mode)
 * in the n bytes just added to the tail, as a terminal would: in
 * application mode the cursor keys send ESC O A..D instead of ESC [ A..D.
 */
static void
bt_decckm(struct bt_run *run, size_t n)
{
	size_t	i = run->taillen > n + 4 ? run->taillen - n - 4 : 0;

	for (; i + 5 <= run->taillen; i++) {
		if (memcmp(run->tail + i, "\033[?1", 4) != 0)
			continue;
		if (run->tail[i + 4] == 'h')
			run->appcursor = 1;
		else if (run->tail[i + 4] == 'l')
			run->appcursor = 0;
	}
}

/* Drain the terminal, keeping its last output; note when the program ends. */
static void
bt_drain(struct bt_run *run)
{
	char	buf[8192];
	ssize_t	n;
	size_t	keep;

	while (run->master >= 0) {
		n = read(run->master, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {		/* EIO: the program has gone */
			close(run->master);
			run->master = -1;
			break;
		}
		if ((size_t)n >= sizeof run->tail) {
			memcpy(run->tail, buf + n - sizeof run->tail,
			    sizeof run->tail);
			run->taillen = sizeof run->tail;
			continue;
		}
		keep = sizeof run->tail - (size_t)n;
		if (run->taillen > keep) {
			memmove(run->tail, run->tail + run->taillen - keep,
			    keep);
			run->taillen = keep;
		}
		memcpy(run->tail + run->taillen, buf, (size_t)n);
		run->taillen += (size_t)n;
		bt_decckm(run, (size_t)n);
	}
	if (!run->exited && waitpid(run->pid, &run->status, WNOHANG) ==
	    run->pid)
		run->exited = 1;
}

/* Wait up to ms for the terminal or the trace, then read both. */
static void
bt_pump(struct bt_run *run, int ms)
{
	struct pollfd	pfd[2];
	char		buf[4096];

	pfd[0].fd = run->master;
	pfd[0].events = POLLIN;
	pfd[1].fd = run->inotify;
	pfd[1].events = POLLIN;
	/*
	 * Without inotify, or once the terminal is closed and the program
	 * not yet reaped, look again every few milliseconds.
	 */
	if ((run->inotify < 0 || run->master < 0) && ms > 5)
		ms = 5;
	if (poll(pfd, 2, ms) > 0 && pfd[1].revents & POLLIN)
		while (read(run->inotify, buf, sizeof buf) > 0)
			;
	bt_drain(run);
	bt_trace_read(run);
}

/*
 * The index of the first event of kind (any of kinds) at or after from,
 * of that screen when screen is not NULL, waiting up to ms for it; -1 if
 * it did not come.
 */
static long
bt_wait(struct bt_run *run, size_t from, const char *kinds,
    const char *screen, int ms)
{
	int64_t	deadline = bt_now() + (int64_t)ms * 1000000;
	int64_t	left;
	size_t	i = from;

	for (;;) {
		for (; i < run->nev; i++) {
			if (strchr(kinds, run->ev[i].kind) != NULL &&
			    (screen == NULL || strcmp(run->ev[i].what,
			    screen) == 0))
				return (long)i;
		}
		left = (deadline - bt_now()) / 1000000;
		if (left <= 0)
			return -1;
		if (run->exited && run->master < 0) {
			/* Gone: whatever it wrote is all there is. */
			bt_trace_read(run);
			if (i == run->nev)
				return -1;
			continue;
		}
		bt_pump(run, (int)left);
	}
}

static void
bt_send(struct bt_run *run, const char *keys)
{
	size_t	len = strlen(keys), off = 0;
	ssize_t	n;

	while (run->master >= 0 && off < len) {
		n = write(run->master, keys + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			bt_pump(run, 10);
			continue;
		}
		if (n <= 0)
			break;
		off += (size_t)n;
	}
}

/* Say what did not come, with the last thing the program showed. */
static void
bt_missing(struct bt_run *run, const char *what)
{
	char	text[4096];
	size_t	i, o = 0;
	int	space = 0;

	bt_pump(run, 50);
	fprintf(stderr, "bench_tui: %s: no %s", run->name, what);
	if (!run->exited)
		fprintf(stderr, " within %d s", BT_WAIT_MS / 1000);
	else if (WIFEXITED(run->status))
		fprintf(stderr, " (the program exited with status %d)",
		    WEXITSTATUS(run->status));
	else if (WIFSIGNALED(run->status))
		fprintf(stderr, " (the program was killed by signal %d)",
		    WTERMSIG(run->status));
	fprintf(stderr, "; %zu trace events", run->nev);
	if (run->odd > 0)
		fprintf(stderr, ", %ld unreadable trace lines", run->odd);
	/* The screen's text without its escape sequences. */
	for (i = 0; i < run->taillen && o < sizeof text - 2; i++) {
		unsigned char c = (unsigned char)run->tail[i];

		if (c == 0x1b && i + 1 < run->taillen) {
			if (run->tail[++i] == '[' || run->tail[i] == ']' ||
			    run->tail[i] == '(' || run->tail[i] == ')') {
				while (i + 1 < run->taillen &&
				    !((unsigned char)run->tail[i + 1] >= 0x40 &&
				    (unsigned char)run->tail[i + 1] <= 0x7e))
					i++;
				i++;
			}
			c = ' ';
		}
		if (c < 0x20 || c == 0x7f)
			c = ' ';
		if (c == ' ' && space)
			continue;
		space = c == ' ';
		text[o++] = (char)c;
	}
	text[o] = '\0';
	fprintf(stderr, "; the screen's last text: \"%s\"\n",
	    o > 400 ? text + o - 400 : text);
}

static void
bt_start(struct bt_run *run, const char *prog, const char *dir,
    const char *trace)
{
	struct winsize	ws = { .ws_row = 24, .ws_col = 80 };
	int		fd;

	if ((fd = open(trace, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		fprintf(stderr, "bench_tui: %s: %s\n", trace, strerror(errno));
		exit(1);
	}
	close(fd);
	if ((run->trace = open(trace, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "bench_tui: %s: %s\n", trace, strerror(errno));
		exit(1);
	}
	run->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (run->inotify >= 0 &&
	    inotify_add_watch(run->inotify, trace, IN_MODIFY) < 0) {
		close(run->inotify);
		run->inotify = -1;
	}

	run->t0 = bt_now();
	run->pid = forkpty(&run->master, NULL, NULL, &ws);
	if (run->pid < 0) {
		fprintf(stderr, "bench_tui: forkpty: %s\n", strerror(errno));
		exit(1);
	}
	if (run->pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		setenv("LANTIAN_LANG", "en", 1);
		setenv("LANTIAN_TUI_TRACE", trace, 1);
		unsetenv("LC_ALL");
		unsetenv("LANGUAGE");
		unsetenv("LINES");
		unsetenv("COLUMNS");
		unsetenv("LANTIAN_NOW");
		execl(prog, prog, "--data", dir, (char *)NULL);
		fprintf(stderr, "bench_tui: %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	fcntl(run->master, F_SETFL, fcntl(run->master, F_GETFL) | O_NONBLOCK);
}

/* Make sure the program is gone and reaped: it may be on its way out. */
static void
bt_stop(struct bt_run *run)
{
	int64_t	deadline = bt_now() + 2000000000;

	while (!run->exited && bt_now() < deadline)
		bt_pump(run, 50);
	if (!run->exited) {
		fprintf(stderr, "bench_tui: %s: still running: SIGTERM\n",
		    run->name);
		kill(run->pid, SIGTERM);
	}
	deadline = bt_now() + 2000000000;
	while (!run->exited && bt_now() < deadline)
		bt_pump(run, 50);
	if (!run->exited) {
		kill(run->pid, SIGKILL);
		waitpid(run->pid, &run->status, 0);
		run->exited = 1;
	}
	if (run->master >= 0)
		close(run->master);
	run->master = -1;
	close(run->trace);
	if (run->inotify >= 0)
		close(run->inotify);
	free(run->ev);
	run->ev = NULL;
	run->nev = run->evcap = 0;
}

/* ---- Figures --------------------------------------------------------- */

struct bt_lat {
	int	 n;		/* keys that were painted after */
	double	 median, p95, max;	/* ms */
	int	 sent;		/* keys sent */
	int	 nopaint;	/* keys read but not painted after */
	int	 keylines;	/* key lines for the keys sent */
	int	 extra;		/* keys painted more than once */
	int	 late;		/* paints after the wait for them */
	int	 elsewhere;	/* paints of another screen */
};

struct bt_figures {
	double		start_ms;	/* bench clock: before forkpty to home */
	double		start_trace_ms;	/* trace start line to home */
	double		history_ms;	/* 'h' read to history painted */
	struct bt_lat	pgdn, pgup, down;
	double		vmrss_mib, vmhwm_mib;
	double		maxrss_mib;	/* from the exit line */
	int		appcursor;	/* Down was sent as ESC O B */
};

static int
bt_cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Is the program waiting for the terminal (poll, select or a read of
 * standard input, from /proc/PID/syscall)?  Then a key it has read and
 * not painted after will not be painted.  -1 when this cannot be told.
 */
static int
bt_idle(pid_t pid)
{
	char	path[64];
	long	nr, arg0;
	FILE	*f;
	int	n;

	snprintf(path, sizeof path, "/proc/%ld/syscall", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fscanf(f, "%ld %lx", &nr, &arg0);
	fclose(f);
	if (n < 1)
		return -1;	/* "running", or not allowed */
#ifdef SYS_poll
	if (nr == SYS_poll)
		return 1;
#endif
#ifdef SYS_select
	if (nr == SYS_select)
		return 1;
#endif
#ifdef SYS_ppoll
	if (nr == SYS_ppoll)
		return 1;
#endif
#ifdef SYS_pselect6
	if (nr == SYS_pselect6)
		return 1;
#endif
	return nr == SYS_read && n == 2 && arg0 == 0;
}

/*
 * The index of the first paint after the key line k, or -1 when none
 * came: as soon as the program is back waiting for the terminal without
 * one, else after a timeout (short once keys stopped painting).
 */
static long
bt_paint_after(struct bt_run *run, long k, int nopaint)
{
	int64_t	deadline, t0 = bt_now();
	long	p;
	int	idle;

	deadline = t0 + (int64_t)(nopaint ? BT_NOPAINT_MS : BT_PAINT_MS) *
	    1000000;
	for (;;) {
		if ((p = bt_wait(run, (size_t)k + 1, "px", NULL,
		    BT_IDLE_MS)) >= 0)
			return run->ev[p].kind == 'p' ? p : -1;
		if (run->exited)
			return -1;
		if ((idle = bt_idle(run->pid)) == 1) {
			/* It wrote any paint line before it went back. */
			bt_trace_read(run);
			p = bt_wait(run, (size_t)k + 1, "px", NULL, 0);
			return p >= 0 && run->ev[p].kind == 'p' ? p : -1;
		}
		/* Busy: as long as it takes, up to the generous wait. */
		if (bt_now() > (idle == 0 ? t0 + (int64_t)BT_WAIT_MS *
		    1000000 : deadline))
			return -1;
	}
}

/*
 * Send keys n times, each after the paint that followed the one before,
 * and figure the time from each key read to the first paint after it.
 * A key that changes nothing (the end of the list) may not be painted:
 * once one was not, the next ones are waited for only briefly.
 */
static void
bt_keys(struct bt_run *run, const char *keys, int n, const char *screen,
    struct bt_lat *out, const char *what)
{
	double	*ms = xcalloc((size_t)n, sizeof *ms);
	size_t	 from, j;
	long	 k, p, q;
	int	 i, nopaint = 0;
	char	 msg[128];

	memset(out, 0, sizeof *out);
	out->median = out->p95 = out->max = NAN;
	for (i = 0; i < n; i++) {
		from = run->nev;
		bt_send(run, keys);
		out->sent++;
		if ((k = bt_wait(run, from, "kx", NULL, BT_WAIT_MS)) < 0 ||
		    run->ev[k].kind == 'x') {
			snprintf(msg, sizeof msg, "key line after %s #%d",
			    what, i + 1);
			bt_missing(run, msg);
			break;
		}
		p = bt_paint_after(run, k, nopaint);
		nopaint = p < 0;
		/* Paints before this key's line came after their wait. */
		for (j = from; j < (size_t)k; j++)
			out->late += run->ev[j].kind == 'p';
		/* Count the key lines and paints of this key so far. */
		for (j = (size_t)k, q = 0; j < run->nev; j++) {
			if (run->ev[j].kind == 'k')
				out->keylines++;
			else if (run->ev[j].kind == 'p' && q++ == 0 &&
			    strcmp(run->ev[j].what, screen) != 0)
				out->elsewhere++;
		}
		if (q > 1)
			out->extra++;
		if (p < 0) {
			out->nopaint++;
			if (run->exited)
				break;
			continue;
		}
		ms[out->n++] = (double)(run->ev[p].ns - run->ev[k].ns) / 1e6;
	}
	if (out->n > 0) {
		qsort(ms, (size_t)out->n, sizeof *ms, bt_cmp_double);
		out->median = out->n % 2 ? ms[out->n / 2] :
		    (ms[out->n / 2 - 1] + ms[out->n / 2]) / 2;
		out->p95 = ms[(int)ceil(0.95 * out->n) - 1];
		out->max = ms[out->n - 1];
	}
	free(ms);
}

/* VmRSS and VmHWM of the process, in MiB. */
static void
bt_proc_rss(pid_t pid, double *rss, double *hwm)
{
	char	path[64], line[256];
	long	kb;
	FILE	*f;

	*rss = *hwm = NAN;
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			*rss = (double)kb / 1024;
		else if (sscanf(line, "VmHWM: %ld", &kb) == 1)
			*hwm = (double)kb / 1024;
	}
	fclose(f);
}

/*
 * Quit: 'q' (again on another screen, 'y' to a question); the index of
 * the exit line, or -1.
 */
static long
bt_quit(struct bt_run *run)
{
	static const char *const keys[] = { "q", "q", "q", "y", "q" };
	size_t	from, i;
	long	x = -1;

	for (i = 0; i < sizeof keys / sizeof keys[0] && x < 0; i++) {
		from = run->nev;
		bt_send(run, keys[i]);
		/* A paint means another screen (or a question): go on. */
		if (bt_wait(run, from, "px", NULL, BT_WAIT_MS) < 0)
			break;
		x = bt_wait(run, from, "x", NULL, 200);
	}
	if (x < 0 && (x = bt_wait(run, 0, "x", NULL, 0)) < 0)
		bt_missing(run, "\"exit\" line after q");
	return x;
}

/* The ms from before forkpty to the first home paint, or NAN. */
static double
bt_home(struct bt_run *run, struct bt_figures *fig)
{
	long	home, s;

	if ((home = bt_wait(run, 0, "p", "home", BT_WAIT_MS)) < 0) {
		bt_missing(run, "\"paint ... home\" line");
		return NAN;
	}
	if (fig != NULL && (s = bt_wait(run, 0, "s", NULL, 0)) >= 0 &&
	    s < home)
		fig->start_trace_ms = (double)(run->ev[home].ns -
		    run->ev[s].ns) / 1e6;
	else if (fig != NULL)
		fprintf(stderr, "bench_tui: %s: no \"start\" line before the "
		    "first home paint\n", run->name);
	return (double)(run->ev[home].ns - run->t0) / 1e6;
}

/* The program's exit status, when it was not 0. */
static void
bt_status(const struct bt_run *run)
{
	if (run->exited && WIFEXITED(run->status) &&
	    WEXITSTATUS(run->status) != 0)
		fprintf(stderr, "bench_tui: %s: the program exited with "
		    "status %d\n", run->name, WEXITSTATUS(run->status));
}

/* One run of the program against the store in dir. */
static void
bt_measure(const char *name, const char *prog, const char *dir,
    const char *trace, int nkeys, struct bt_figures *fig)
{
	struct bt_run	run;
	size_t		from;
	long		k, h, x;

	memset(&run, 0, sizeof run);
	run.name = name;
	fig->start_ms = fig->start_trace_ms = fig->history_ms = NAN;
	fig->vmrss_mib = fig->vmhwm_mib = fig->maxrss_mib = NAN;
	memset(&fig->pgdn, 0, sizeof fig->pgdn);
	fig->pgdn.median = fig->pgdn.p95 = fig->pgdn.max = NAN;
	fig->pgup = fig->down = fig->pgdn;

	bt_start(&run, prog, dir, trace);
	if (isnan(fig->start_ms = bt_home(&run, fig)))
		goto done;

	from = run.nev;
	bt_send(&run, "h");
	if ((k = bt_wait(&run, from, "k", NULL, BT_WAIT_MS)) < 0) {
		bt_missing(&run, "key line after 'h'");
		goto done;
	}
	if ((h = bt_wait(&run, (size_t)k + 1, "p", "history",
	    BT_WAIT_MS)) < 0) {
		bt_missing(&run, "\"paint ... history\" line after 'h'");
		goto done;
	}
	fig->history_ms = (double)(run.ev[h].ns - run.ev[k].ns) / 1e6;
	/* Let any paint that follows the first one come first. */
	bt_pump(&run, 20);

	bt_keys(&run, "\033[6~", nkeys, "history", &fig->pgdn, "Page Down");
	if (!run.exited)
		bt_keys(&run, "\033[5~", nkeys, "history", &fig->pgup,
		    "Page Up");
	fig->appcursor = run.appcursor;
	if (!run.exited)
		bt_keys(&run, run.appcursor ? "\033OB" : "\033[B", nkeys,
		    "history", &fig->down, "Down");
	if (run.exited)
		goto done;

	bt_proc_rss(run.pid, &fig->vmrss_mib, &fig->vmhwm_mib);
	if ((x = bt_quit(&run)) >= 0)
		fig->maxrss_mib = (double)run.ev[x].maxrss_kb / 1024;
done:
	bt_stop(&run);
	bt_status(&run);
}

/*
 * More starts, each to the home screen and out again: their median and
 * their best, in ms (NAN when none painted home).
 */
static void
bt_starts(const char *name, const char *prog, const char *dir,
    const char *trace, int count, double *median, double *best)
{
	struct bt_run	run;
	double		*ms = xcalloc((size_t)count + 1, sizeof *ms);
	char		*path = xasprintf("%.*s-starts.txt",
			    (int)strlen(trace) - 4, trace);
	int		 i, n = 0;

	for (i = 0; i < count; i++) {
		memset(&run, 0, sizeof run);
		run.name = name;
		bt_start(&run, prog, dir, path);
		if (!isnan(ms[n] = bt_home(&run, NULL))) {
			n++;
			bt_quit(&run);
		}
		bt_stop(&run);
		bt_status(&run);
		if (i >= n)
			break;
	}
	*median = *best = NAN;
	if (n > 0) {
		qsort(ms, (size_t)n, sizeof *ms, bt_cmp_double);
		*median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
		*best = ms[0];
	}
	free(path);
	free(ms);
}

/*
 * Make (or find) the store and bring it to this build's schema in a child
 * process: Linux carries a process's peak RSS over fork and exec into its
 * children's ru_maxrss, so this process must stay small.  Returns the
 * seconds the store took to make; *cached when an earlier run made it.
 */
static double
bt_prepare(const char *dir, long n, int *cached)
{
	double	secs;
	pid_t	pid;
	int	status;

	*cached = bench_store_count(dir, &secs) == n;
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		fprintf(stderr, "bench_tui: fork: %s\n", strerror(errno));
		exit(1);
	}
	if (pid == 0) {
		int	c;

		/* The store of 1,000,000 is the scale store of 50 devices
		 * (tests/bench/scale.c); other sizes are the TUI's own. */
		if (n == SCALE_RECORDS)
			bench_scale_store("bench_tui", dir, n, &c);
		else
			bt_make_store(dir, n, &c);
		bt_migrate(dir);
		fflush(stderr);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || bench_store_count(dir, &secs) != n) {
		fprintf(stderr, "bench_tui: %s: could not make the store\n",
		    dir);
		exit(1);
	}
	return secs;
}

/* ---- The table ------------------------------------------------------- */

static void
bt_cell(double v, const char *unit)
{
	char	buf[32];

	if (isnan(v))
		snprintf(buf, sizeof buf, "-");
	else
		snprintf(buf, sizeof buf, "%.*f %s", v < 10 ? 2 : 1, v, unit);
	printf(" %14s", buf);
}

static void
bt_row(const char *label, double a, double b, const char *unit,
    const char *budget)
{
	printf("%-34s", label);
	bt_cell(a, unit);
	bt_cell(b, unit);
	printf("   %s\n", budget);
}

static void
bt_lat_rows(const char *what, const struct bt_lat *a,
    const struct bt_lat *b)
{
	char	label[64], budget[32];

	snprintf(budget, sizeof budget, "<= %.0f ms", BT_BUDGET_KEY_MS);
	snprintf(label, sizeof label, "%s  median", what);
	bt_row(label, a->median, b->median, "ms", budget);
	bt_row("                             p95", a->p95, b->p95, "ms",
	    budget);
	bt_row("                             max", a->max, b->max, "ms",
	    budget);
}

/* A row of the scale table: the big store's figure against the empty
 * store's, the program's own floor. */
static void
bt_table(const char *figure, double big, double empty, const char *unit,
    double budget)
{
	char	m[32], raw[48], b[32];

	snprintf(m, sizeof m, "%.*f %s", big < 10 ? 2 : 1, big, unit);
	snprintf(raw, sizeof raw, "empty store: %.*f %s", empty < 10 ? 2 : 1,
	    empty, unit);
	snprintf(b, sizeof b, "<= %.0f %s", budget, unit);
	bench_table(figure, m, raw, b, isnan(big) ? "not measured" :
	    bench_verdict(big <= budget));
}

/* Notes on keys whose trace did not have the expected shape. */
static void
bt_lat_notes(const char *store, const char *what, const struct bt_lat *l)
{
	if (l->sent == 0)
		return;
	if (l->n != l->sent)
		printf("  note: %s, %s: %d of %d keys painted after (%d read "
		    "but not painted, e.g. at an end of the list)\n", store,
		    what, l->n, l->sent, l->nopaint);
	if (l->late > 0)
		printf("  note: %s, %s: %d paints came later than that\n",
		    store, what, l->late);
	if (l->keylines != l->sent && l->keylines > 0)
		printf("  note: %s, %s: %d key lines for %d keys sent\n", store,
		    what, l->keylines, l->sent);
	if (l->extra > 0)
		printf("  note: %s, %s: %d keys were painted more than once "
		    "(the first paint counts)\n", store, what, l->extra);
	if (l->elsewhere > 0)
		printf("  note: %s, %s: %d first paints were not of the "
		    "history screen\n", store, what, l->elsewhere);
}

int
main(void)
{
	struct bt_figures	 fe, fb;
	const char		*prog = getenv("BENCH_TUI_PROGRAM");
	long			 n = bt_env_count("BENCH_TUI_RECORDS",
				     BT_RECORDS);
	int			 nkeys = (int)bt_env_count("BENCH_TUI_KEYS",
				     BT_KEYS);
	int			 nstarts = (int)bt_env_count(
				     "BENCH_TUI_STARTS", BT_STARTS);
	char			*big, *empty, *bigabs, *emptyabs, *tbig, *tempty;
	char			*db, bigname[32], head[48], what[48], budget[32];
	double			 gen, me, self, med[2], best[2];
	int			 cached;
	struct stat		 st;

	if (prog == NULL)
		prog = "./lantian";
	if (access(prog, X_OK) != 0) {
		fprintf(stderr, "bench_tui: %s: %s (run it from the build "
		    "directory, or set BENCH_TUI_PROGRAM)\n", prog,
		    strerror(errno));
		return 1;
	}
	if (util_init() != 0)
		bt_die("init");
	if (util_mkdir_p("tests/bench", 0755) != 0)
		bt_die("tests/bench");
	if (n == SCALE_RECORDS) {
		snprintf(bigname, sizeof bigname, "1m");
		big = xstrdup(bench_scale_dir(n));
	} else {
		snprintf(bigname, sizeof bigname, "%ld", n);
		big = xasprintf("tests/bench/store-%s", bigname);
	}
	empty = xstrdup("tests/bench/store-empty");
	tbig = xasprintf("tests/bench/tui-trace-%s.txt", bigname);
	tempty = xstrdup("tests/bench/tui-trace-empty.txt");

	bt_prepare(empty, 0, &cached);
	gen = bt_prepare(big, n, &cached);
	if ((bigabs = realpath(big, NULL)) == NULL ||
	    (emptyabs = realpath(empty, NULL)) == NULL)
		bt_die("realpath");

	printf("lantian TUI budgets: %s --data STORE in an 80x24 pty "
	    "(TERM=xterm-256color, LANG=C.UTF-8, LANTIAN_LANG=en)\n", prog);
	printf("stores: %s (no records), %s (%s records", empty, big,
	    bt_thousands(n));
	db = xasprintf("%s/lantian.db", big);
	if (stat(db, &st) == 0)
		printf(", lantian.db %.2f GB", (double)st.st_size / 1e9);
	free(db);
	printf(", made in %.1f s%s)\n", gen, cached ? " by an earlier run" :
	    "");

	bt_measure("empty store", prog, emptyabs, tempty, nkeys, &fe);
	snprintf(head, sizeof head, "%s records", bt_thousands(n));
	bt_measure(head, prog, bigabs, tbig, nkeys, &fb);
	bt_starts("empty store", prog, emptyabs, tempty, nstarts, &med[0],
	    &best[0]);
	bt_starts(head, prog, bigabs, tbig, nstarts, &med[1], &best[1]);
	bt_proc_rss(getpid(), &me, &self);

	printf("\n%-34s %14s %14s   %s\n", "", "empty store", head, "budget");
	snprintf(budget, sizeof budget, "<= %.0f ms", BT_BUDGET_START_MS);
	bt_row("start -> first home paint", fe.start_ms, fb.start_ms, "ms",
	    budget);
	bt_row("  (from the trace's start line)", fe.start_trace_ms,
	    fb.start_trace_ms, "ms", "");
	snprintf(what, sizeof what, "  median of %d more starts", nstarts);
	bt_row(what, med[0], med[1], "ms", budget);
	bt_row("  best of them", best[0], best[1], "ms", budget);
	bt_row("'h' -> history painted", fe.history_ms, fb.history_ms, "ms",
	    "");
	snprintf(what, sizeof what, "Page Down x%d, key->paint", nkeys);
	bt_lat_rows(what, &fe.pgdn, &fb.pgdn);
	snprintf(what, sizeof what, "Page Up x%d,   key->paint", nkeys);
	bt_lat_rows(what, &fe.pgup, &fb.pgup);
	snprintf(what, sizeof what, "Down x%d,      key->paint", nkeys);
	bt_lat_rows(what, &fe.down, &fb.down);
	printf("%-34s %14s %14s\n", "  (Down sent as)",
	    fe.down.sent == 0 ? "-" : fe.appcursor ? "ESC O B" : "ESC [ B",
	    fb.down.sent == 0 ? "-" : fb.appcursor ? "ESC O B" : "ESC [ B");
	snprintf(budget, sizeof budget, "<= %.0f MiB", BT_BUDGET_RSS_MIB);
	bt_row("VmRSS before quitting", fe.vmrss_mib, fb.vmrss_mib, "MiB",
	    budget);
	bt_row("VmHWM before quitting", fe.vmhwm_mib, fb.vmhwm_mib, "MiB",
	    budget);
	bt_row("maxrss at exit (trace)", fe.maxrss_mib, fb.maxrss_mib, "MiB",
	    budget);

	bt_table("TUI: start to the first home paint (median)", med[1],
	    med[0], "ms", BT_BUDGET_START_MS);
	bt_table("TUI: Page Down, key to paint (p95)", fb.pgdn.p95,
	    fe.pgdn.p95, "ms", BT_BUDGET_KEY_MS);
	bt_table("TUI: Page Up, key to paint (p95)", fb.pgup.p95,
	    fe.pgup.p95, "ms", BT_BUDGET_KEY_MS);
	bt_table("TUI: Down, key to paint (p95)", fb.down.p95, fe.down.p95,
	    "ms", BT_BUDGET_KEY_MS);
	bt_table("TUI: resident memory (VmHWM)", fb.vmhwm_mib, fe.vmhwm_mib,
	    "MiB", BT_BUDGET_RSS_MIB);

	bt_lat_notes("empty store", "Page Down", &fe.pgdn);
	bt_lat_notes("empty store", "Page Up", &fe.pgup);
	bt_lat_notes("empty store", "Down", &fe.down);
	bt_lat_notes(head, "Page Down", &fb.pgdn);
	bt_lat_notes(head, "Page Up", &fb.pgup);
	bt_lat_notes(head, "Down", &fb.down);
	printf("  note: maxrss at exit is never below the benchmark's own "
	    "resident size at fork\n  (%.2f MiB now, %.2f at most): Linux "
	    "carries it over fork and exec into\n  ru_maxrss; VmHWM is "
	    "the program's alone\n", me, self);
	printf("(traces: %s, %s)\n", tempty, tbig);

	free(big);
	free(empty);
	free(bigabs);
	free(emptyabs);
	free(tbig);
	free(tempty);
	return 0;
}
