/*
 * Sync: the remotes, each with what waits for it (the records and
 * attachments it lacks, as far as the last sync with it tells) and its
 * next automatic try, what waits to be sent (this device's records not
 * sent, the attachments stored, the drafts not finished) and the last
 * sync.  Enter syncs with the selected remote on a thread of its own
 * (tui/bgsync.h): its progress is polled each turn, so keys and painting
 * never wait for the network.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/db.h"
#include "core/draft.h"
#include "core/key.h"
#include "core/summary.h"
#include "core/history.h"
#include "core/util.h"
#include "sync/autosync.h"
#include "sync/remote.h"
#include "sync/sync.h"
#include "tui/bgsync.h"
#include "tui/draw.h"
#include "tui/list.h"
#include "tui/screens.h"
#include "tui/words.h"

#define SYNC_REMOTES_MAX	32
#define SYNC_REMOTE_ROWS	3	/* remotes shown at once (2 rows each) */

struct sync {
	char	 device[KEY_ID_HEX];	/* this device's key id, or "" */
	int	 chain_known;
	int64_t	 head;			/* seq of its newest record */
	int64_t	 sent;			/* seq sent up to */
	int	 attach_known;
	int64_t	 attach_count;
	int64_t	 attach_bytes;
	int	 drafts_known;
	int64_t	 drafts;
	char	*last_result;		/* tui_last_sync(), or NULL */
	char	*names[SYNC_REMOTES_MAX];	/* the remotes */
	char	*urls[SYNC_REMOTES_MAX];
	int	 wait_known[SYNC_REMOTES_MAX];
	struct sync_waiting waits[SYNC_REMOTES_MAX];	/* what each lacks */
	struct list l;			/* which remote is selected */
	int	 was_running;		/* a sync ran at the last poll */
	time_t	 auto_when;		/* the automatic sync's last end seen */
	time_t	 drawn;			/* the second last painted */
};

/* Gather one remote for the list. */
static int
sync_remote(const struct remote *r, void *arg)
{
	struct sync	*s = arg;

	if (s->l.n == SYNC_REMOTES_MAX)
		return 1;
	s->names[s->l.n] = xstrdup(r->name);
	s->urls[s->l.n] = xstrdup(r->url);
	s->l.n++;
	return 0;
}

static void
sync_free_remotes(struct sync *s)
{
	int	i;

	for (i = 0; i < s->l.n; i++) {
		free(s->names[i]);
		free(s->urls[i]);
	}
	s->l.n = 0;
}

/* Read what waits; a part that cannot be read is shown as unknown. */
static void
sync_load(struct tui *t, struct sync *s)
{
	struct key_public	 pk;
	sqlite3			*db = t->dd->db;
	int			 i;

	s->device[0] = '\0';
	s->chain_known = s->attach_known = s->drafts_known = 0;
	if (datadir_device_public(t->dd, &pk) != 0)
		tui_error(t, "%s", _("Cannot read this device's key"));
	else {
		key_id_hex(s->device, pk.id);
		if (summary_chain(db, s->device, &s->head, &s->sent) != 0)
			tui_error(t, "%s", _("Cannot tell what waits to sync"));
		else
			s->chain_known = 1;
	}
	if (summary_attachments(db, &s->attach_count, &s->attach_bytes) != 0)
		tui_error(t, "%s", _("Cannot read the attachments"));
	else
		s->attach_known = 1;
	if (draft_count(db, &s->drafts) != 0)
		tui_error(t, "%s", _("Cannot read the drafts"));
	else
		s->drafts_known = 1;
	free(s->last_result);
	s->last_result = NULL;
	s->last_result = tui_last_sync(t);
	sync_free_remotes(s);
	if (remote_each(db, sync_remote, s) != 0)
		tui_error(t, "%s", _("Cannot read the remotes"));
	for (i = 0; i < s->l.n; i++)
		s->wait_known[i] = sync_waiting(t->dd, s->names[i],
		    &s->waits[i]) == 0;
	list_fix(&s->l, SYNC_REMOTE_ROWS);
}

static int
sync_open(struct tui *t, void *priv, void *arg)
{
	(void)arg;
	sync_load(t, priv);
	return 0;
}

static void
sync_close(struct tui *t, void *priv)
{
	(void)t;
	free(((struct sync *)priv)->last_result);
	sync_free_remotes(priv);
}

static void
sync_resume(struct tui *t, void *priv)
{
	sync_load(t, priv);
	t->dirty = 1;
}

static const char *
sync_title(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return _("Sync");
}

/* The line about this device's records. */
static void
sync_draw_records(struct sync *s, int y, int x, int cols)
{
	if (!s->chain_known)
		draw_printf(y, x, cols, A_NORMAL,
		    _("Records of this device not sent: %s"), "?");
	else if (s->head == 0)
		draw_str(y, x, cols, _("Records of this device: none signed "
		    "yet."), A_NORMAL);
	else if (s->sent >= s->head)
		draw_printf(y, x, cols, draw_attr(DRAW_OK), _("Records of "
		    "this device: all %lld sent."), (long long)s->head);
	else
		draw_printf(y, x, cols, A_NORMAL, _("Records of this device "
		    "not sent: %lld (seq %lld to %lld)"),
		    (long long)(s->head - s->sent), (long long)s->sent + 1,
		    (long long)s->head);
}

/* What waits for remote i, in a few words. */
static void
sync_what_waits(const struct sync *s, int i, char *buf, size_t size)
{
	const struct sync_waiting	*w = &s->waits[i];
	char				 rec[64], att[64];

	if (!s->wait_known[i]) {
		snprintf(buf, size, _("waiting: %s"), "?");
		return;
	}
	snprintf(rec, sizeof rec, ngettext("%lld record", "%lld records",
	    (unsigned long)w->records), (long long)w->records);
	snprintf(att, sizeof att, ngettext("%lld attachment",
	    "%lld attachments", (unsigned long)w->attachments),
	    (long long)w->attachments);
	if (w->records > 0 && w->attachments > 0)
		snprintf(buf, size, _("waiting: %s, %s"), rec, att);
	else if (w->records > 0)
		snprintf(buf, size, _("waiting: %s"), rec);
	else if (w->attachments > 0)
		snprintf(buf, size, _("waiting: %s"), att);
	else
		snprintf(buf, size, "%s", _("nothing waits"));
}

/* The next automatic try with the remote named name, in a few words. */
static void
sync_next_try(struct tui *t, const char *name, char *buf, size_t size)
{
	struct autosync_status	 st;
	const struct autosync_remote *r = NULL;
	char			 in[32];
	size_t			 i;

	if (t->autos == NULL) {
		snprintf(buf, size, "%s", _("automatic sync off"));
		return;
	}
	autosync_poll(t->autos, &st);
	for (i = 0; i < st.nrem && r == NULL; i++) {
		if (strcmp(st.rem[i].name, name) == 0)
			r = &st.rem[i];
	}
	if (st.paused)
		snprintf(buf, size, "%s", _("automatic sync paused (P "
		    "resumes)"));
	else if (st.state == AUTOSYNC_SYNCING && strcmp(st.remote, name) == 0)
		snprintf(buf, size, "%s", _("syncing now"));
	else if (r == NULL)
		snprintf(buf, size, "%s", _("next try: soon"));
	else if (r->is_path && !r->present)
		snprintf(buf, size, "%s", _("not plugged in (syncs when it "
		    "is)"));
	else if (r->next == 0)
		snprintf(buf, size, "%s", _("next try: when a record is "
		    "signed"));
	else {
		tui_until(in, sizeof in, r->next);
		snprintf(buf, size, _("next try in %s"), in);
	}
}

/* The remotes, and the sync running or just done; returns the next row. */
static int
sync_draw_remotes(struct tui *t, struct sync *s, int y, int x, int cols)
{
	struct bgsync_state	 st;
	char			 size[96], waits[160], next[160];
	int			 i, n;

	if (s->l.n == 0) {
		draw_str(y++, x, cols, _("No remote is configured."), A_BOLD);
		y += draw_wrap(y, x, cols, 3, _("Add one from the command "
		    "line: lantian remote add NAME URL (a USB stick: "
		    "lantian remote add usb /media/… --create)."),
		    draw_attr(DRAW_DIM));
	}
	for (i = s->l.top; i < s->l.n && i < s->l.top + SYNC_REMOTE_ROWS;
	    i++) {
		attr_t a = i == s->l.sel ? draw_attr(DRAW_SELECT) : A_NORMAL;
		draw_fill(y, x - 2, cols + 2, a);
		draw_printf(y++, x, cols, a, "%-16s %s", s->names[i],
		    s->urls[i]);
		sync_what_waits(s, i, waits, sizeof waits);
		sync_next_try(t, s->names[i], next, sizeof next);
		draw_printf(y++, x + 2, cols - 2, draw_attr(DRAW_DIM),
		    "%s · %s", waits, next);
	}
	if (s->l.n > SYNC_REMOTE_ROWS)
		draw_printf(y++, x, cols, draw_attr(DRAW_DIM), "%d/%d",
		    s->l.sel + 1, s->l.n);
	if (t->bg == NULL)
		return y;
	bgsync_poll(t->bg, &st);
	if (st.running) {
		words_progress(size, sizeof size, st.stage, st.objects,
		    st.total, st.bytes);
		draw_printf(y++, x, cols, draw_attr(DRAW_WARN), _("Syncing "
		    "with %s: %s"), st.target, size);
	} else if (st.rc != 0)
		y += draw_wrap(y, x, cols, 3, st.error, draw_attr(DRAW_ERROR));
	else
		draw_printf(y++, x, cols, draw_attr(DRAW_OK), _("Synced with "
		    "%s: %lld sent, %lld received (%lld verified), %lld "
		    "refused."), st.target, (long long)st.res.sent,
		    (long long)st.res.imported.records,
		    (long long)st.res.imported.verified,
		    (long long)st.res.imported.rejected);
	n = st.nlog < BGSYNC_LOG ? st.nlog : BGSYNC_LOG;
	for (i = 0; i < n && i < 3; i++)
		draw_str(y++, x + 2, cols - 2, st.log[(st.nlog - 1 - i) %
		    BGSYNC_LOG], draw_attr(DRAW_DIM));
	return y;
}

static void
sync_draw(struct tui *t, void *priv)
{
	struct sync	*s = priv;
	attr_t		 head = draw_attr(DRAW_HEAD);
	char		 size[16];
	int		 y = TUI_BODY_TOP, x = 4, cols = COLS - 6;
	int		 last = LINES - 3;

	(void)t;
	draw_str(y++, 1, COLS - 2, _("Remotes"), head);
	y = sync_draw_remotes(t, s, y, x, cols);
	y++;

	draw_str(y++, 1, COLS - 2, _("Waiting to be sent"), head);
	if (s->device[0] != '\0')
		draw_printf(y++, x, cols, A_NORMAL,
		    _("This device's key: %s"), s->device);
	sync_draw_records(s, y++, x, cols);
	if (s->attach_known) {
		draw_size(size, sizeof size, (long long)s->attach_bytes);
		draw_printf(y++, x, cols, A_NORMAL, _("Attachments stored: "
		    "%lld (%s)"), (long long)s->attach_count, size);
	} else
		draw_printf(y++, x, cols, A_NORMAL,
		    _("Attachments stored: %s"), "?");
	if (s->drafts_known)
		draw_printf(y++, x, cols, A_NORMAL, _("Drafts not finished: "
		    "%lld (sent once signed)"), (long long)s->drafts);
	else
		draw_printf(y++, x, cols, A_NORMAL,
		    _("Drafts not finished: %s"), "?");
	y++;

	if (y > last)
		return;
	draw_str(y++, 1, COLS - 2, _("Last sync"), head);
	if (y > last)
		return;
	if (s->last_result == NULL)
		draw_str(y, x, cols, _("never"), A_NORMAL);
	else
		draw_str(y, x, cols, s->last_result, A_NORMAL);
}

/* Start a sync with the selected remote. */
static void
sync_start(struct tui *t, struct sync *s)
{
	struct bgsync_state	st;

	if (t->bg != NULL) {
		bgsync_poll(t->bg, &st);
		if (st.running) {
			tui_msg(t, "%s", _("A sync is already running."));
			return;
		}
		bgsync_free(t->bg);
		t->bg = NULL;
	}
	if (s->l.n == 0) {
		tui_msg(t, "%s", _("No remote to sync with: lantian remote "
		    "add NAME URL."));
		t->msg_error = 1;
		return;
	}
	if (bgsync_start(&t->bg, t->dd->path, s->names[s->l.sel]) != 0)
		tui_error(t, "%s", _("Cannot start the sync"));
	s->was_running = 1;
}

static int
sync_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct sync	*s = priv;

	if (TUI_IS(k, 'y') || TUI_IS(k, '\r') || TUI_IS(k, '\n') ||
	    k->code == KEY_ENTER || k->code == KEY_F(5)) {
		sync_start(t, s);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'c') && t->bg != NULL) {
		bgsync_cancel(t->bg);
		tui_msg(t, "%s", _("Stopping the sync at its next step."));
		return TUI_REDRAW;
	}
	return list_key(&s->l, k, SYNC_REMOTE_ROWS, 1);
}

/*
 * Each turn: repaint while a sync runs, reload when one ends (this
 * screen's or the automatic one), and each second for the next try.
 */
static int
sync_tick(struct tui *t, void *priv)
{
	struct sync		*s = priv;
	struct bgsync_state	 st;
	struct autosync_status	 as;
	time_t			 now = time(NULL);
	int			 ret = TUI_HANDLED;

	if (t->autos != NULL) {
		autosync_poll(t->autos, &as);
		if (as.state != AUTOSYNC_SYNCING && as.when != s->auto_when) {
			s->auto_when = as.when;
			sync_load(t, s);
			ret = TUI_REDRAW;
		}
	}
	if (now != s->drawn) {
		s->drawn = now;
		ret = TUI_REDRAW;
	}
	if (t->bg == NULL)
		return ret;
	bgsync_poll(t->bg, &st);
	if (!st.running && s->was_running) {
		s->was_running = 0;
		sync_load(t, s);
		return TUI_REDRAW;
	}
	return st.running ? TUI_REDRAW : ret;
}

static const struct tui_keyhelp sync_keys[] = {
	{ "Enter", N_("sync now") },
	{ "↑↓", N_("choose the remote") },
	{ "c", N_("stop the sync") },
	{ "Esc", N_("back") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
sync_keys_fn(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return sync_keys;
}

const struct tui_screen screen_sync = {
	.name = "sync",
	.priv_size = sizeof(struct sync),
	.open = sync_open,
	.close = sync_close,
	.title = sync_title,
	.draw = sync_draw,
	.key = sync_key,
	.keys = sync_keys_fn,
	.resume = sync_resume,
	.tick = sync_tick,
};
