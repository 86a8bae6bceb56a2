/*
 * Sync: the remotes, what waits to be sent (this device's records not
 * sent, the attachments stored, the drafts not finished) and the last
 * sync.  Enter syncs with the selected remote on a thread of its own
 * (tui/bgsync.h): its progress is polled each turn, so keys and painting
 * never wait for the network.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/db.h"
#include "core/draft.h"
#include "core/key.h"
#include "core/summary.h"
#include "core/history.h"
#include "core/util.h"
#include "sync/remote.h"
#include "tui/bgsync.h"
#include "tui/draw.h"
#include "tui/list.h"
#include "tui/screens.h"
#include "tui/words.h"

#define SYNC_REMOTES_MAX	32

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
	struct list l;			/* which remote is selected */
	int	 was_running;		/* a sync ran at the last poll */
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
	list_fix(&s->l, 4);
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

/* The remotes, and the sync running or just done; returns the next row. */
static int
sync_draw_remotes(struct tui *t, struct sync *s, int y, int x, int cols)
{
	struct bgsync_state	 st;
	char			 size[16];
	int			 i, n;

	if (s->l.n == 0) {
		draw_str(y++, x, cols, _("No remote is configured."), A_BOLD);
		y += draw_wrap(y, x, cols, 3, _("Add one from the command "
		    "line: lantian remote add NAME URL (a USB stick: "
		    "lantian remote add usb /media/… --create)."),
		    draw_attr(DRAW_DIM));
	}
	for (i = s->l.top; i < s->l.n && i < s->l.top + 4; i++) {
		attr_t a = i == s->l.sel ? draw_attr(DRAW_SELECT) : A_NORMAL;
		draw_fill(y, x - 2, cols + 2, a);
		draw_printf(y++, x, cols, a, "%-16s %s", s->names[i],
		    s->urls[i]);
	}
	if (t->bg == NULL)
		return y;
	bgsync_poll(t->bg, &st);
	if (st.running) {
		draw_size(size, sizeof size, (long long)st.bytes);
		draw_printf(y++, x, cols, draw_attr(DRAW_WARN), _("Syncing "
		    "with %s: %s, %zu/%zu objects, %s"), st.target,
		    words_stage(st.stage), st.objects, st.total, size);
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
	return list_key(&s->l, k, 4, 1);
}

/* Each turn: repaint while a sync runs, and reload when it ends. */
static int
sync_tick(struct tui *t, void *priv)
{
	struct sync		*s = priv;
	struct bgsync_state	 st;

	if (t->bg == NULL)
		return TUI_HANDLED;
	bgsync_poll(t->bg, &st);
	if (!st.running && s->was_running) {
		s->was_running = 0;
		sync_load(t, s);
		return TUI_REDRAW;
	}
	return st.running ? TUI_REDRAW : TUI_HANDLED;
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
