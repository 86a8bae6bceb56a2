/*
 * Sync: the remotes and what waits to be sent.  Replication through git
 * (`lantian remote add`, `lantian sync`) is not built yet; until it is,
 * this screen says so and shows what is waiting: this device's records
 * not sent, the attachments stored, the drafts not finished, and the last
 * sync.  It pretends nothing.  When sync lands, running it goes here, its
 * progress coming a step per tick so that keys are never blocked.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/db.h"
#include "core/draft.h"
#include "core/key.h"
#include "core/summary.h"
#include "core/util.h"
#include "tui/draw.h"
#include "tui/screens.h"

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
	char	 last_time[24];		/* local, or "" never */
	char	*last_result;		/* or NULL */
};

/* A stored RFC 3339 time as local "YYYY-MM-DD HH:MM" (or as it is). */
static void
sync_time(char *buf, size_t size, const char *rfc)
{
	struct tm	tm;
	time_t		t;

	if (util_parse_rfc3339(rfc, &t) != 0 ||
	    localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, size, "%s", rfc);
}

/* Read what waits; a part that cannot be read is shown as unknown. */
static void
sync_load(struct tui *t, struct sync *s)
{
	struct key_public	 pk;
	sqlite3			*db = t->dd->db;
	char			*v = NULL;

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
	s->last_time[0] = '\0';
	if (db_setting_get(db, "sync.last_time", &v) == 0 && v != NULL)
		sync_time(s->last_time, sizeof s->last_time, v);
	free(v);
	free(s->last_result);
	s->last_result = NULL;
	db_setting_get(db, "sync.last_result", &s->last_result);
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
	draw_str(y++, x, cols, _("No remote is configured."), A_BOLD);
	y += draw_wrap(y, x, cols, 4, _("Sync through git comes with "
	    "`lantian remote add NAME URL` and `lantian sync`, which are not "
	    "built yet. Until then nothing leaves this laptop: everything "
	    "below stays in its store, signed and safe."),
	    draw_attr(DRAW_DIM));
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
	if (s->last_time[0] == '\0')
		draw_str(y, x, cols, _("never"), A_NORMAL);
	else
		draw_printf(y, x, cols, A_NORMAL, "%s  %s", s->last_time,
		    s->last_result != NULL ? s->last_result : "");
}

static int
sync_key(struct tui *t, void *priv, const struct tui_key *k)
{
	(void)priv;
	if (TUI_IS(k, 'y') || TUI_IS(k, '\r') || TUI_IS(k, '\n') ||
	    k->code == KEY_ENTER) {
		tui_msg(t, "%s", _("Sync through git is not built yet: "
		    "nothing was sent."));
		return TUI_REDRAW;
	}
	return TUI_UNHANDLED;
}

static const struct tui_keyhelp sync_keys[] = {
	{ "Esc", N_("back") },
	{ "q", N_("quit") },
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
};
