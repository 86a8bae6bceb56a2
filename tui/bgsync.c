#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/util.h"
#include "tui/bgsync.h"

struct bgsync {
	pthread_t		thread;
	pthread_mutex_t		lock;
	char			*path;
	struct bgsync_state	st;
	int			cancel;
};

static int
bgsync_progress(const struct sync_progress *p, void *arg)
{
	struct bgsync	*b = arg;
	int		 stop;

	pthread_mutex_lock(&b->lock);
	snprintf(b->st.stage, sizeof b->st.stage, "%s", p->stage);
	b->st.objects = p->objects;
	b->st.total = p->total;
	b->st.bytes = p->bytes;
	stop = b->cancel;
	pthread_mutex_unlock(&b->lock);
	return stop;
}

static void
bgsync_log(const char *kind, const char *ref, const char *path,
    const char *why, void *arg)
{
	struct bgsync	*b = arg;
	int		 i;

	(void)ref;
	pthread_mutex_lock(&b->lock);
	i = b->st.nlog++ % BGSYNC_LOG;
	snprintf(b->st.log[i], sizeof b->st.log[i], "%s: %s%s%s", kind,
	    path != NULL ? path : "", path != NULL ? ": " : "", why);
	pthread_mutex_unlock(&b->lock);
}

static void *
bgsync_main(void *arg)
{
	struct bgsync		*b = arg;
	struct sync_opts	 o = { bgsync_progress, bgsync_log, b, 0 };
	struct sync_result	 res;
	struct datadir		*dd = NULL;
	int			 rc;

	memset(&res, 0, sizeof res);
	if ((rc = datadir_open(&dd, b->path, 0)) == 0)
		rc = sync_run(dd, b->st.target, &o, &res);
	pthread_mutex_lock(&b->lock);
	b->st.rc = rc;
	if (rc != 0)
		snprintf(b->st.error, sizeof b->st.error, "%s", error_msg());
	b->st.res = res;
	b->st.running = 0;
	pthread_mutex_unlock(&b->lock);
	datadir_close(dd);
	return NULL;
}

int
bgsync_start(struct bgsync **out, const char *path, const char *target)
{
	struct bgsync	*b = xcalloc(1, sizeof *b);

	b->path = xstrdup(path);
	snprintf(b->st.target, sizeof b->st.target, "%s", target);
	snprintf(b->st.stage, sizeof b->st.stage, "export");
	b->st.running = 1;
	pthread_mutex_init(&b->lock, NULL);
	if (pthread_create(&b->thread, NULL, bgsync_main, b) != 0) {
		pthread_mutex_destroy(&b->lock);
		free(b->path);
		free(b);
		return error_set(LT_EIO, "sync: cannot start a thread");
	}
	*out = b;
	return 0;
}

void
bgsync_poll(struct bgsync *b, struct bgsync_state *out)
{
	pthread_mutex_lock(&b->lock);
	*out = b->st;
	pthread_mutex_unlock(&b->lock);
}

void
bgsync_cancel(struct bgsync *b)
{
	pthread_mutex_lock(&b->lock);
	b->cancel = 1;
	pthread_mutex_unlock(&b->lock);
}

void
bgsync_free(struct bgsync *b)
{
	if (b == NULL)
		return;
	pthread_join(b->thread, NULL);
	pthread_mutex_destroy(&b->lock);
	free(b->path);
	free(b);
}
