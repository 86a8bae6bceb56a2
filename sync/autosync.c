#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/datadir.h"
#include "core/db.h"
#include "core/error.h"
#include "core/summary.h"
#include "core/util.h"
#include "autosync.h"
#include "sync.h"

#define AUTOSYNC_BACKOFF_MIN	30		/* seconds */
#define AUTOSYNC_BACKOFF_MAX	(30 * 60)
#define AUTOSYNC_INTERVAL	(5 * 60)	/* between good syncs */
#define AUTOSYNC_SOON		30		/* records waiting: again */
#define AUTOSYNC_BUSY		5		/* another sync holds it */
#define AUTOSYNC_PROBE_MS	3000
#define AUTOSYNC_LOOK		1		/* a path remote: look again */
#define AUTOSYNC_IDLE_MAX	30		/* the longest sleep */
#define AUTOSYNC_STOP_WAIT	5		/* for a sync to stop */

/* A remote and what the policy knows of it. */
struct as_remote {
	struct remote	 r;
	int		 prio;
	int		 is_path;
	int		 present;	/* a path: there at the last look */
	int		 failed;	/* the last try failed */
	int		 backoff;	/* seconds, 0 after a success */
	time_t		 next;		/* the next try */
	time_t		 last_try;
	int64_t		 seen;		/* this device's newest seq at the
					   last try: a newer one is sent now */
};

struct autosync {
	char			*path;
	struct datadir		*dd;
	pthread_t		 thread;
	int			 threaded;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	int			 stop;		/* leave the loop */
	int			 now;		/* the user asked: sync now */
	int			 paused;
	volatile sig_atomic_t	*ext_stop;	/* --watch: a signal came */
	struct autosync_status	 st;
	struct as_remote	*rem;
	size_t			 nrem;
	int			 backoff_min, backoff_max, interval;
	int64_t			 head;		/* newest own seq at the last step */
	autosync_log_fn		 log;
	void			*arg;
};

/* The host and port of a URL, for the probe; 0 when it has none. */
static int
as_host_port(const char *url, char *host, size_t hsize, char *port,
    size_t psize)
{
	static const struct { const char *scheme, *port; } schemes[] = {
		{ "git://", "9418" }, { "ssh://", "22" }, { "http://", "80" },
		{ "https://", "443" }
	};
	const char	*p = NULL, *end, *at, *colon, *slash;
	const char	*defport = NULL;
	size_t		 i, n;

	for (i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
		n = strlen(schemes[i].scheme);
		if (strncmp(url, schemes[i].scheme, n) == 0) {
			p = url + n;
			defport = schemes[i].port;
			break;
		}
	}
	if (p == NULL) {
		/* scp-like ssh: [user@]host:path */
		if ((colon = strchr(url, ':')) == NULL ||
		    ((slash = strchr(url, '/')) != NULL && slash < colon))
			return 0;
		p = url;
		defport = "22";
		end = colon;
	} else
		end = p + strcspn(p, "/");
	if ((at = memchr(p, '@', (size_t)(end - p))) != NULL)
		p = at + 1;
	snprintf(port, psize, "%s", defport);
	if (*p == '[') {			/* [::1]:port */
		if ((colon = memchr(p, ']', (size_t)(end - p))) == NULL)
			return 0;
		snprintf(host, hsize, "%.*s", (int)(colon - p - 1), p + 1);
		if (colon + 1 < end && colon[1] == ':')
			snprintf(port, psize, "%.*s", (int)(end - colon - 2),
			    colon + 2);
		return host[0] != '\0';
	}
	if (p != url && (colon = memchr(p, ':', (size_t)(end - p))) != NULL) {
		snprintf(port, psize, "%.*s", (int)(end - colon - 1), colon + 1);
		end = colon;
	}
	snprintf(host, hsize, "%.*s", (int)(end - p), p);
	return host[0] != '\0' && port[0] != '\0';
}

/* Is there a repository at the path (a USB stick mounted)? */
static int
as_path_present(const char *url)
{
	struct stat	 sb;
	char		*head;
	int		 there;

	if (strncmp(url, "file://", 7) == 0)
		url += 7;
	head = xasprintf("%s/HEAD", url);
	there = stat(head, &sb) == 0 && S_ISREG(sb.st_mode);
	free(head);
	return there;
}

/* One TCP connection attempt, bounded by timeout_ms. */
static int
as_connect(const struct addrinfo *ai, int timeout_ms, int *err)
{
	struct pollfd	 pfd;
	socklen_t	 len = sizeof *err;
	int		 fd, ok = 0;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		*err = errno;
		return 0;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		ok = 1;
	else if (errno == EINPROGRESS) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, timeout_ms) == 1 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) == 0)
			ok = *err == 0;
		else
			*err = ETIMEDOUT;
	} else
		*err = errno;
	close(fd);
	return ok;
}

int
autosync_probe(const struct remote *r, int timeout_ms, char *why,
    size_t size)
{
	struct addrinfo	 hints, *res, *ai;
	char		 host[256], port[16];
	int		 rc, err = 0, ok = 0;

	if (remote_is_path(r->url) || strncmp(r->url, "file://", 7) == 0) {
		if ((ok = as_path_present(r->url)) == 0)
			snprintf(why, size, "%s is not there (is the USB stick "
			    "mounted?)", r->url);
		return ok;
	}
	if (!as_host_port(r->url, host, sizeof host, port, sizeof port)) {
		snprintf(why, size, "%s: no host in the URL", r->url);
		return 0;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(why, size, "%s: %s", host, gai_strerror(rc));
		return 0;
	}
	for (ai = res; ai != NULL && !ok; ai = ai->ai_next)
		ok = as_connect(ai, timeout_ms, &err);
	freeaddrinfo(res);
	if (!ok)
		snprintf(why, size, "connect %s port %s: %s", host, port,
		    strerror(err != 0 ? err : ECONNREFUSED));
	return ok;
}

/* A number of seconds from the environment, or def. */
static int
as_env_secs(const char *s, int def)
{
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0')
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || v < 1 || v > 24 * 3600 ||
	    (*end != '\0' && *end != ','))
		return def;
	return (int)v;
}

static void
as_policy(struct autosync *a)
{
	const char	*b = getenv("LANTIAN_SYNC_BACKOFF"), *comma;

	a->backoff_min = as_env_secs(b, AUTOSYNC_BACKOFF_MIN);
	comma = b != NULL ? strchr(b, ',') : NULL;
	a->backoff_max = as_env_secs(comma != NULL ? comma + 1 : NULL,
	    AUTOSYNC_BACKOFF_MAX);
	if (a->backoff_max < a->backoff_min)
		a->backoff_max = a->backoff_min;
	a->interval = as_env_secs(getenv("LANTIAN_SYNC_INTERVAL"),
	    AUTOSYNC_INTERVAL);
}

/* Say one line: "HH:MM:SS name: what". */
static void
as_log(struct autosync *a, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
as_log(struct autosync *a, const char *name, const char *fmt, ...)
{
	va_list	 ap;
	char	*what, *line, now[32];

	if (a->log == NULL)
		return;
	va_start(ap, fmt);
	what = xvasprintf(fmt, ap);
	va_end(ap);
	util_rfc3339(now, sizeof now, time(NULL));
	line = xasprintf("%s %s: %s", now, name, what);
	a->log(line, a->arg);
	free(line);
	free(what);
}

static int
as_stopping(struct autosync *a)
{
	int	stop;

	pthread_mutex_lock(&a->lock);
	stop = a->stop || (a->ext_stop != NULL && *a->ext_stop);
	pthread_mutex_unlock(&a->lock);
	return stop;
}

static int
as_collect(const struct remote *r, void *arg)
{
	struct autosync		*a = arg;
	struct as_remote	*n;

	a->rem = xrealloc(a->rem, (a->nrem + 1) * sizeof *a->rem);
	n = &a->rem[a->nrem++];
	memset(n, 0, sizeof *n);
	n->r.name = xstrdup(r->name);
	n->r.url = xstrdup(r->url);
	n->r.opts = json_deep_copy(r->opts);
	n->prio = remote_priority(r);
	n->is_path = remote_is_path(r->url) ||
	    strncmp(r->url, "file://", 7) == 0;
	return 0;
}

static int
as_order(const void *x, const void *y)
{
	const struct as_remote	*a = x, *b = y;

	if (a->prio != b->prio)
		return a->prio - b->prio;
	return strcmp(a->r.name, b->r.name);
}

static void
as_free_remotes(struct as_remote *rem, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		remote_clear(&rem[i].r);
	free(rem);
}

/* The remotes as the store has them now, keeping what is known of each. */
static int
as_load(struct autosync *a)
{
	struct as_remote	*old = a->rem;
	size_t			 nold = a->nrem, i, j;
	int			 rc;

	a->rem = NULL;
	a->nrem = 0;
	if ((rc = remote_each(a->dd->db, as_collect, a)) != 0) {
		as_free_remotes(a->rem, a->nrem);
		a->rem = old;
		a->nrem = nold;
		return rc;
	}
	if (a->nrem > 1)
		qsort(a->rem, a->nrem, sizeof *a->rem, as_order);
	for (i = 0; i < a->nrem; i++) {
		for (j = 0; j < nold; j++) {
			if (strcmp(old[j].r.name, a->rem[i].r.name) != 0 ||
			    strcmp(old[j].r.url, a->rem[i].r.url) != 0)
				continue;
			a->rem[i].present = old[j].present;
			a->rem[i].failed = old[j].failed;
			a->rem[i].backoff = old[j].backoff;
			a->rem[i].next = old[j].next;
			a->rem[i].last_try = old[j].last_try;
			a->rem[i].seen = old[j].seen;
		}
	}
	as_free_remotes(old, nold);
	return 0;
}

/* This device's records not sent yet (0 when it cannot tell). */
static int64_t
as_waiting(struct autosync *a)
{
	char	*device = NULL;
	int64_t	 n = 0;

	if (db_setting_get(a->dd->db, "device", &device) == 0 &&
	    device != NULL && summary_waiting(a->dd->db, device, &n) != 0)
		n = 0;
	free(device);
	return n;
}

/*
 * The seq of this device's newest record (0: none, or it cannot tell): a
 * record signed, or an answer to the office, moves it, and that is a
 * reason to sync at once with every remote in reach.
 */
static int64_t
as_head(struct autosync *a)
{
	char	*device = NULL;
	int64_t	 head = 0, sent;

	if (db_setting_get(a->dd->db, "device", &device) != 0 ||
	    device == NULL || summary_chain(a->dd->db, device, &head,
	    &sent) != 0)
		head = 0;
	free(device);
	return head;
}

static int
as_progress(const struct sync_progress *p, void *arg)
{
	struct autosync	*a = arg;

	pthread_mutex_lock(&a->lock);
	snprintf(a->st.stage, sizeof a->st.stage, "%s", p->stage);
	a->st.objects = p->objects;
	a->st.total = p->total;
	a->st.bytes = p->bytes;
	pthread_mutex_unlock(&a->lock);
	return as_stopping(a);
}

/* A failure: wait before the next try, doubling up to the longest. */
static void
as_failed(struct autosync *a, struct as_remote *r, time_t now)
{
	r->backoff = r->failed && r->backoff > 0 ? r->backoff * 2 :
	    a->backoff_min;
	if (r->backoff > a->backoff_max)
		r->backoff = a->backoff_max;
	r->failed = 1;
	r->next = now + r->backoff;
}

/* Sync with one remote and note how it went. */
static int
as_sync(struct autosync *a, struct as_remote *r)
{
	struct sync_opts	 o;
	struct sync_result	 res;
	time_t			 end;
	char			 why[256];
	int			 rc;

	memset(&o, 0, sizeof o);
	o.progress = as_progress;
	o.arg = a;
	pthread_mutex_lock(&a->lock);
	a->st.state = AUTOSYNC_SYNCING;
	snprintf(a->st.remote, sizeof a->st.remote, "%s", r->r.name);
	snprintf(a->st.stage, sizeof a->st.stage, "export");
	a->st.objects = a->st.total = a->st.bytes = 0;
	pthread_mutex_unlock(&a->lock);
	r->last_try = time(NULL);
	rc = sync_run(a->dd, r->r.name, &o, &res);
	end = time(NULL);
	snprintf(why, sizeof why, "%s", rc != 0 ? error_msg() : "");
	pthread_mutex_lock(&a->lock);
	a->st.when = end;
	if (rc == 0) {
		r->failed = 0;
		r->backoff = 0;
		r->next = end + a->interval;
		a->st.state = AUTOSYNC_SYNCED;
		a->st.synced = end;
		a->st.sent = res.sent;
		a->st.received = res.imported.records;
		a->st.verified = res.imported.verified;
		a->st.rejected = res.imported.rejected;
		a->st.why[0] = '\0';
	} else if (rc == LT_EBUSY) {
		r->next = end + AUTOSYNC_BUSY;
		a->st.state = AUTOSYNC_FAILED;
		snprintf(a->st.why, sizeof a->st.why, "%s", why);
	} else {
		as_failed(a, r, end);
		a->st.state = AUTOSYNC_FAILED;
		snprintf(a->st.why, sizeof a->st.why, "%s", why);
	}
	a->st.next = r->next;
	pthread_mutex_unlock(&a->lock);
	if (rc == 0)
		as_log(a, r->r.name, "synced: %lld sent, %lld received (%lld "
		    "verified), %lld refused", (long long)res.sent,
		    (long long)res.imported.records,
		    (long long)res.imported.verified,
		    (long long)res.imported.rejected);
	else
		as_log(a, r->r.name, "%s: %s; next try in %lld s",
		    rc == LT_EBUSY ? "busy" : "failed", why,
		    (long long)(r->next - end));
	return rc;
}

/* Each remote's state into the status (the caller holds the lock). */
static void
as_tell(struct autosync *a)
{
	struct autosync_remote	*o;
	struct as_remote	*r;
	size_t			 i;

	a->st.nrem = a->nrem < AUTOSYNC_REMOTES ? a->nrem : AUTOSYNC_REMOTES;
	for (i = 0; i < a->st.nrem; i++) {
		r = &a->rem[i];
		o = &a->st.rem[i];
		snprintf(o->name, sizeof o->name, "%s", r->r.name);
		o->is_path = r->is_path;
		o->present = r->present;
		o->failed = r->failed;
		/* A stick that is there and well is synced again at the next
		 * record signed, not at a time. */
		o->next = r->is_path && !r->failed ? 0 : r->next;
	}
}

/*
 * One turn of the policy: every remote that is due and reachable is
 * synced, by priority.  Returns how many seconds to sleep before the next.
 */
static int
as_step(struct autosync *a)
{
	struct as_remote	*r;
	time_t			 now = time(NULL), next = 0;
	int64_t			 waiting, head;
	char			 why[256] = "";
	size_t			 i, offline = 0;
	int			 asked, paused, due, fresh, sleep, paths = 0;
	int			 tried = 0;

	pthread_mutex_lock(&a->lock);
	asked = a->now;
	a->now = 0;
	paused = a->paused;
	a->st.paused = paused;
	pthread_mutex_unlock(&a->lock);
	if (as_load(a) != 0 || a->nrem == 0) {
		pthread_mutex_lock(&a->lock);
		a->st.state = AUTOSYNC_NONE;
		a->st.nrem = 0;
		pthread_mutex_unlock(&a->lock);
		return AUTOSYNC_LOOK * 5;
	}
	if (paused && !asked)
		return AUTOSYNC_IDLE_MAX;
	waiting = as_waiting(a);
	head = a->head = as_head(a);
	for (i = 0; i < a->nrem && !as_stopping(a); i++) {
		r = &a->rem[i];
		if (asked) {
			r->failed = 0;
			r->backoff = 0;
		}
		/* A record signed since the last try goes at once, whatever
		 * the interval or the wait after a failure. */
		fresh = head > r->seen;
		if (r->is_path) {
			paths++;
			if (!autosync_probe(&r->r, 0, why, sizeof why)) {
				if (r->present)
					as_log(a, r->r.name, "gone: %s", why);
				r->present = 0;
				offline++;
				continue;
			}
			due = asked || !r->present || fresh ||
			    (now >= r->next && (r->failed || waiting > 0));
			if (!r->present)
				as_log(a, r->r.name, "there");
			r->present = 1;
		} else {
			due = asked || now >= r->next || fresh ||
			    (!r->failed && waiting > 0 &&
			    now >= r->last_try + AUTOSYNC_SOON);
			if (due)
				r->seen = head;
			if (due && !autosync_probe(&r->r, AUTOSYNC_PROBE_MS, why,
			    sizeof why)) {
				r->last_try = now;
				as_failed(a, r, now);
				as_log(a, r->r.name, "offline: %s; next try in "
				    "%d s", why, r->backoff);
				offline++;
				if (next == 0 || r->next < next)
					next = r->next;
				continue;
			}
		}
		if (!due)
			continue;
		tried++;
		r->seen = head;
		as_sync(a, r);
		waiting = as_waiting(a);
	}
	for (i = 0; i < a->nrem; i++) {
		r = &a->rem[i];
		if ((!r->is_path || r->failed) && (next == 0 || r->next < next))
			next = r->next;
	}
	pthread_mutex_lock(&a->lock);
	as_tell(a);
	if (tried == 0 && offline == a->nrem) {
		a->st.state = AUTOSYNC_OFFLINE;
		snprintf(a->st.why, sizeof a->st.why, "%s", why);
	}
	a->st.next = next;
	pthread_mutex_unlock(&a->lock);
	if (paths > 0)
		return AUTOSYNC_LOOK;
	sleep = next > now ? (int)(next - now) : 1;
	return sleep > AUTOSYNC_IDLE_MAX ? AUTOSYNC_IDLE_MAX : sleep;
}

/*
 * Sleep up to secs, waking for a stop, "sync now", a pause change, or a
 * record signed meanwhile (by this process or another on the store).
 */
static void
as_sleep(struct autosync *a, int secs)
{
	struct timespec	 until;
	int		 paused, fresh = 0;

	pthread_mutex_lock(&a->lock);
	paused = a->paused;
	while (secs-- > 0 && !fresh && !a->stop && !a->now &&
	    a->paused == paused && (a->ext_stop == NULL || !*a->ext_stop)) {
		/* A second at a time: a signal sets ext_stop, not the cond. */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec++;
		pthread_cond_timedwait(&a->cond, &a->lock, &until);
		/* Only this thread uses a->dd: the lock is not needed. */
		pthread_mutex_unlock(&a->lock);
		fresh = !paused && as_head(a) > a->head;
		pthread_mutex_lock(&a->lock);
	}
	pthread_mutex_unlock(&a->lock);
}

static void
as_loop(struct autosync *a)
{
	while (!as_stopping(a))
		as_sleep(a, as_step(a));
}

static int
as_new(struct autosync **out, const char *path, autosync_log_fn log,
    void *arg)
{
	struct autosync	*a = xcalloc(1, sizeof *a);
	int		 rc;

	if ((rc = datadir_open(&a->dd, path, 0)) != 0) {
		free(a);
		return rc;
	}
	a->path = xstrdup(path);
	a->log = log;
	a->arg = arg;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	as_policy(a);
	*out = a;
	return 0;
}

static void
as_free(struct autosync *a)
{
	as_free_remotes(a->rem, a->nrem);
	datadir_close(a->dd);
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
	free(a->path);
	free(a);
}

int
autosync_pass(const char *path, autosync_log_fn log, void *arg)
{
	struct autosync	*a;
	char		 why[256], *failed = NULL, *s;
	size_t		 i;
	int		 rc, last = 0, nfailed = 0;

	if ((rc = as_new(&a, path, log, arg)) != 0)
		return rc;
	if ((rc = as_load(a)) != 0) {
		as_free(a);
		return rc;
	}
	if (a->nrem == 0) {
		as_free(a);
		return error_set(LT_ENOTFOUND, "sync: no remotes: add one with "
		    "lantian remote add NAME URL|PATH");
	}
	for (i = 0; i < a->nrem; i++) {
		if (!autosync_probe(&a->rem[i].r, AUTOSYNC_PROBE_MS, why,
		    sizeof why)) {
			as_log(a, a->rem[i].r.name, "offline: %s", why);
			continue;
		}
		if ((rc = as_sync(a, &a->rem[i])) == LT_EBUSY) {
			last = rc;
			break;
		}
		if (rc != 0) {
			last = rc;
			nfailed++;
			s = xasprintf("%s%s%s", failed != NULL ? failed : "",
			    failed != NULL ? ", " : "", a->rem[i].r.name);
			free(failed);
			failed = s;
		}
	}
	if (last == LT_EBUSY)
		error_set(last, "sync: a sync is already running on this store");
	else if (last != 0)
		error_set(last, "sync --auto: failed with %s (%d of %zu "
		    "remote%s)", failed, nfailed, a->nrem,
		    a->nrem == 1 ? "" : "s");
	free(failed);
	as_free(a);
	return last;
}

int
autosync_watch(const char *path, volatile sig_atomic_t *stop,
    autosync_log_fn log, void *arg)
{
	struct autosync	*a;
	int		 rc;

	if ((rc = as_new(&a, path, log, arg)) != 0)
		return rc;
	a->ext_stop = stop;
	as_loop(a);
	as_free(a);
	return 0;
}

static void *
as_main(void *arg)
{
	as_loop(arg);
	return NULL;
}

int
autosync_start(struct autosync **out, const char *path, int paused)
{
	struct autosync	*a;
	int		 rc;

	if ((rc = as_new(&a, path, NULL, NULL)) != 0)
		return rc;
	a->paused = paused;
	a->st.paused = paused;
	if (pthread_create(&a->thread, NULL, as_main, a) != 0) {
		as_free(a);
		return error_set(LT_EIO, "sync: cannot start a thread");
	}
	a->threaded = 1;
	*out = a;
	return 0;
}

void
autosync_poll(struct autosync *a, struct autosync_status *out)
{
	pthread_mutex_lock(&a->lock);
	*out = a->st;
	out->paused = a->paused;
	pthread_mutex_unlock(&a->lock);
}

void
autosync_now(struct autosync *a)
{
	pthread_mutex_lock(&a->lock);
	a->now = 1;
	pthread_cond_signal(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

void
autosync_pause(struct autosync *a, int paused)
{
	pthread_mutex_lock(&a->lock);
	a->paused = paused;
	pthread_cond_signal(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

void
autosync_stop(struct autosync *a)
{
	struct timespec	until;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = 1;
	pthread_cond_signal(&a->cond);
	pthread_mutex_unlock(&a->lock);
	if (a->threaded) {
		/* A sync stops at its next progress call; one stuck in a
		 * network call is left to the end of the process (the store
		 * stays consistent: each import is one transaction). */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += AUTOSYNC_STOP_WAIT;
		if (pthread_timedjoin_np(a->thread, NULL, &until) != 0)
			return;
	}
	as_free(a);
}
