#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "core/db.h"
#include "core/answer.h"
#include "core/error.h"
#include "core/history.h"
#include "core/key.h"
#include "core/record.h"
#include "core/roster.h"
#include "core/util.h"
#include "sync/autosync.h"
#include "tui/bgsync.h"
#include "tui/draw.h"
#include "tui/edit.h"
#include "tui/screens.h"
#include "tui/tui.h"
#include "tui/words.h"

/* Keys in the spare time of a turn: how long to wait for one (ms). */
#define TUI_TICK_MS	250
#define TUI_IDLE_LOCK	300	/* seconds: see tui_idle() */

static volatile sig_atomic_t	tui_stop;	/* SIGTERM, SIGHUP */
static int			tui_curses;	/* the terminal is ours */

/* Give the terminal back on any fatal path, before the message. */
static void
tui_restore(void)
{
	if (tui_curses) {
		endwin();
		tui_curses = 0;
	}
}

static void
tui_on_signal(int sig)
{
	(void)sig;
	tui_stop = 1;
}

void
tui_trace(struct tui *t, const char *what, const char *detail)
{
	struct timespec	ts;
	char		line[160];
	int		n;

	if (t == NULL || t->trace_fd < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(line, sizeof line, "%s %lld%s%s\n", what,
	    (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec,
	    detail != NULL ? " " : "", detail != NULL ? detail : "");
	if (n > 0 && write(t->trace_fd, line, (size_t)n) < 0)
		t->trace_fd = -1;
}

void
tui_trace_start(void)
{
	struct tui	t;
	const char	*path = getenv("LANTIAN_TUI_TRACE");

	if (path == NULL || *path == '\0')
		return;
	t.trace_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600);
	tui_trace(&t, "start", NULL);
	if (t.trace_fd >= 0)
		close(t.trace_fd);
}

int
tui_body_rows(void)
{
	return LINES - 3 - TUI_BODY_TOP + 1;
}

void
tui_cursor(struct tui *t, int y, int x)
{
	t->cursor_y = y;
	t->cursor_x = x;
}

void
tui_msg(struct tui *t, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof t->msg, fmt, ap);
	va_end(ap);
	t->msg_error = 0;
	t->dirty = 1;
}

void
tui_error(struct tui *t, const char *fmt, ...)
{
	va_list	 ap;
	char	 what[256];

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(t->msg, sizeof t->msg, "%s: %s", what, error_msg());
	t->msg_error = 1;
	t->dirty = 1;
}

const struct form *
tui_form(struct tui *t, const char *id)
{
	size_t	i;

	if (t->forms == NULL && t->dd != NULL)
		form_list(datadir_form_dirs(t->dd), &t->forms, &t->nforms);
	for (i = 0; i < t->nforms; i++) {
		if (strcmp(form_id(t->forms[i]), id) == 0)
			return t->forms[i];
	}
	return NULL;
}

const char *
tui_choice_label(struct tui *t, const char *question, const char *value)
{
	const json_t	*q, *c;
	size_t		 i, j;

	if (value == NULL)
		return NULL;
	tui_form(t, "");
	for (i = 0; i < t->nforms; i++) {
		q = form_question(t->forms[i], question);
		json_array_foreach(json_object_get(q, "choices"), j, c) {
			if (json_is_string(json_object_get(c, "value")) &&
			    strcmp(json_string_value(json_object_get(c,
			    "value")), value) == 0)
				return answer_choice(q, value, i18n_lang());
		}
	}
	return NULL;
}

const char *
tui_rule_text(struct tui *t, const char *rule)
{
	const json_t	*f;
	const char	*text;
	size_t		 i, j;

	if (rule == NULL)
		return "?";
	tui_form(t, "");
	for (i = 0; i < t->nforms; i++) {
		json_array_foreach(json_object_get(form_doc(t->forms[i]),
		    "findings"), j, f) {
			if (!json_is_string(json_object_get(f, "id")) ||
			    strcmp(json_string_value(json_object_get(f, "id")),
			    rule) != 0)
				continue;
			text = record_text(json_object_get(f, "text"),
			    i18n_lang());
			if (text != NULL)
				return text;
		}
	}
	return rule;
}

static struct tui_frame *
tui_top(struct tui *t)
{
	return t->depth > 0 ? &t->stack[t->depth - 1] : NULL;
}

int
tui_push(struct tui *t, const struct tui_screen *s, void *arg)
{
	struct tui_frame	*f;
	int			 rc;

	if (t->depth == TUI_STACK_MAX) {
		tui_msg(t, "%s", _("Too many screens open: go back first."));
		return -1;
	}
	f = &t->stack[t->depth];
	f->screen = s;
	f->priv = xcalloc(1, s->priv_size > 0 ? s->priv_size : 1);
	t->depth++;
	t->dirty = 1;
	if (s->open != NULL && (rc = s->open(t, f->priv, arg)) != 0) {
		if (s->close != NULL)
			s->close(t, f->priv);
		free(f->priv);
		t->depth--;
		return rc;
	}
	return 0;
}

/* Close the top screen without resuming the one below. */
static void
tui_drop(struct tui *t)
{
	struct tui_frame	*f = tui_top(t);

	if (f == NULL)
		return;
	if (f->screen->close != NULL)
		f->screen->close(t, f->priv);
	free(f->priv);
	t->depth--;
	t->help = 0;
	t->dirty = 1;
}

static void
tui_resume(struct tui *t)
{
	struct tui_frame	*f = tui_top(t);

	if (f != NULL && f->screen->resume != NULL)
		f->screen->resume(t, f->priv);
}

void
tui_pop(struct tui *t)
{
	tui_drop(t);
	tui_resume(t);
}

int
tui_replace(struct tui *t, const struct tui_screen *s, void *arg)
{
	int	rc;

	tui_drop(t);
	if ((rc = tui_push(t, s, arg)) != 0)
		tui_resume(t);
	return rc;
}

void
tui_close_screen(struct tui *t, void *priv)
{
	struct tui_frame	f;
	int			i;

	for (i = t->depth - 1; i >= 0; i--) {
		if (t->stack[i].priv == priv)
			break;
	}
	if (i < 0)
		return;
	if (i == t->depth - 1) {
		tui_pop(t);
		return;
	}
	f = t->stack[i];
	memmove(&t->stack[i], &t->stack[i + 1],
	    (size_t)(t->depth - i - 1) * sizeof t->stack[0]);
	t->depth--;
	if (f.screen->close != NULL)
		f.screen->close(t, f.priv);
	free(f.priv);
	t->dirty = 1;
}

int
tui_has_screen(const struct tui *t, const struct tui_screen *s)
{
	int	i;

	for (i = 0; i < t->depth; i++)
		if (t->stack[i].screen == s)
			return 1;
	return 0;
}

void
tui_home(struct tui *t)
{
	while (t->depth > 1)
		tui_drop(t);
	tui_resume(t);
}

/* The fewest columns the state of automatic sync is shown in. */
#define TUI_STATUS_MIN	16

/* Keys every screen has, named in the help. */
static const struct tui_keyhelp tui_global_keys[] = {
	{ "? F1", N_("help: the keys of this screen") },
	{ "Esc", N_("back") },
	{ "L F2", N_("中文 / English") },
	{ "T F3", N_("colour / high-contrast monochrome") },
	{ "S F9", N_("sync now with every remote in reach") },
	{ "P F11", N_("pause / resume automatic sync") },
	{ "q", N_("quit (everything is already saved)") },
	{ NULL, NULL }
};

static void
tui_paint_title(struct tui *t)
{
	struct tui_frame	*f = tui_top(t);
	const char		*title = NULL;
	char			*who;
	int			 used;

	draw_fill(0, 0, COLS, draw_attr(DRAW_TITLE));
	if (f != NULL && f->screen->title != NULL)
		title = f->screen->title(t, f->priv);
	used = 0;
	if (t->name != NULL) {
		who = xasprintf("%s %s", t->name, t->badge ? t->badge : "");
		used = draw_width(who);
		if (used > COLS / 3)
			used = COLS / 3;
		draw_str(0, COLS - used - 1, used, who, draw_attr(DRAW_TITLE));
		free(who);
	}
	draw_printf(0, 1, COLS - used - 3, draw_attr(DRAW_TITLE),
	    "%s%s%s", _("Lantian 蓝天"), title != NULL ? " · " : "",
	    title != NULL ? title : "");
}

/* The key bar: "key what" pairs, as many as fit. */
static void
tui_paint_keys(struct tui *t)
{
	static const struct tui_keyhelp	 none[] = { { NULL, NULL } };
	struct tui_frame		*f = tui_top(t);
	const struct tui_keyhelp	*k;
	int				 x = 0, y = LINES - 1, w;
	char				*what;

	draw_fill(y, 0, COLS, draw_attr(DRAW_BAR));
	k = f != NULL && f->screen->keys != NULL ? f->screen->keys(t, f->priv) :
	    none;
	for (; k->key != NULL; k++) {
		what = xasprintf(" %s ", _(k->what));
		w = draw_width(k->key) + draw_width(what);
		if (x + w > COLS - 7) {
			free(what);
			break;
		}
		x += draw_str(y, x, COLS - x, k->key, draw_attr(DRAW_KEY));
		x += draw_str(y, x, COLS - x, what, draw_attr(DRAW_BAR));
		free(what);
	}
	/* In a text field '?' is typed: F1 is the help there. */
	draw_str(y, COLS - 6, 6, t->cursor_y >= 0 ? "F1" : "? ",
	    draw_attr(DRAW_KEY));
	draw_str(y, COLS - 4, 4, _("help"), draw_attr(DRAW_BAR));
}

/* The help over the body: the screen's keys, then everyone's. */
static void
tui_paint_help(struct tui *t)
{
	struct tui_frame		*f = tui_top(t);
	const struct tui_keyhelp	*lists[2], *k;
	int				 y = TUI_BODY_TOP, i, last = LINES - 3;

	lists[0] = f != NULL && f->screen->keys != NULL ?
	    f->screen->keys(t, f->priv) : NULL;
	lists[1] = tui_global_keys;
	for (i = TUI_BODY_TOP; i <= last; i++)
		draw_fill(i, 0, COLS, A_NORMAL);
	draw_str(y++, 2, COLS - 4, _("Keys of this screen (any key closes "
	    "this help)"), draw_attr(DRAW_HEAD));
	for (i = 0; i < 2; i++) {
		if (lists[i] == NULL)
			continue;
		if (i == 1 && y <= last) {
			y++;
			if (y <= last)
				draw_str(y++, 2, COLS - 4, _("Everywhere"),
				    draw_attr(DRAW_HEAD));
		}
		for (k = lists[i]; k->key != NULL && y <= last; k++, y++) {
			draw_str(y, 4, 12, k->key, A_BOLD);
			draw_str(y, 18, COLS - 20, _(k->what), A_NORMAL);
		}
	}
}

/*
 * The message line: the message at the left, the state of automatic
 * sync at the right, cut short when a message needs the room.
 */
static void
tui_paint_status(struct tui *t)
{
	int	w = t->status[0] != '\0' ? draw_width(t->status) : 0;
	int	room = COLS;

	if (w > 0) {
		/* A message first (it lasts until the next key): the state
		 * takes the room left, and steps aside when that is too
		 * little to say anything. */
		if (t->msg[0] != '\0' && w > COLS - draw_width(t->msg) - 2)
			w = COLS - draw_width(t->msg) - 2;
		if (w > COLS - 2)
			w = COLS - 2;
		if (w >= TUI_STATUS_MIN) {
			draw_str(LINES - 2, COLS - w, w, t->status,
			    draw_attr(DRAW_DIM));
			room = COLS - w - 1;
		}
	}
	if (t->msg[0] != '\0')
		draw_line(LINES - 2, 0, room, t->msg,
		    draw_attr(t->msg_error ? DRAW_ERROR : DRAW_OK));
}

void
tui_until(char *buf, size_t size, time_t when)
{
	time_t	d = when - time(NULL);

	if (d < 1)
		d = 1;
	if (d < 120)
		snprintf(buf, size, _("%lld s"), (long long)d);
	else if (d < 2 * 3600)
		snprintf(buf, size, _("%lld min"), (long long)(d + 59) / 60);
	else
		snprintf(buf, size, _("%lld h"), (long long)(d + 1799) / 3600);
}

/* The state of automatic sync in a few words; 1 when it changed. */
static int
tui_autosync_text(struct tui *t)
{
	struct autosync_status	 st;
	struct tm		 tm;
	char			 text[sizeof t->status], hm[8] = "", next[32];
	char			 size[96];

	if (t->autos == NULL) {
		snprintf(text, sizeof text, "%s", t->autos_off ?
		    _("auto sync off") : "");
		goto done;
	}
	autosync_poll(t->autos, &st);
	if (st.synced != 0 && localtime_r(&st.synced, &tm) != NULL)
		strftime(hm, sizeof hm, "%H:%M", &tm);
	tui_until(next, sizeof next, st.next);
	if (st.state == AUTOSYNC_SYNCING) {
		words_progress(size, sizeof size, st.stage, st.objects,
		    st.total, st.bytes);
		snprintf(text, sizeof text, _("syncing %s: %s"), st.remote,
		    size);
	} else if (st.paused)
		snprintf(text, sizeof text, _("auto sync paused (P resumes)"));
	else if (st.state == AUTOSYNC_NONE)
		text[0] = '\0';	/* nothing to say: no remote yet */
	else if (st.state == AUTOSYNC_OFFLINE && hm[0] != '\0')
		snprintf(text, sizeof text, _("offline, next try in %s; "
		    "synced at %s"), next, hm);
	else if (st.state == AUTOSYNC_OFFLINE)
		snprintf(text, sizeof text, _("offline, next try in %s"), next);
	else if (st.state == AUTOSYNC_SYNCED)
		snprintf(text, sizeof text, _("synced at %s with %s: %lld "
		    "sent, %lld received"), hm, st.remote, (long long)st.sent,
		    (long long)st.received);
	else
		snprintf(text, sizeof text, _("sync failed, next try in %s: "
		    "%s"), next, st.why);
done:
	if (strcmp(text, t->status) == 0)
		return 0;
	snprintf(t->status, sizeof t->status, "%s", text);
	return 1;
}

char *
tui_last_sync(struct tui *t)
{
	char		 when[32], *time = NULL, *remote = NULL, *counts = NULL;
	char		*err = NULL, *old = NULL, *out = NULL;
	long long	 sent, received, verified, refused;

	if (db_setting_get(t->dd->db, "sync.last_time", &time) != 0 ||
	    time == NULL)
		goto cleanup;
	history_time(when, sizeof when, time);
	db_setting_get(t->dd->db, "sync.last_remote", &remote);
	db_setting_get(t->dd->db, "sync.last_counts", &counts);
	db_setting_get(t->dd->db, "sync.last_error", &err);
	if (remote != NULL && counts != NULL && sscanf(counts,
	    "%lld %lld %lld %lld", &sent, &received, &verified,
	    &refused) == 4 && refused > 0)
		out = xasprintf(_("%s  with %s: %lld sent, %lld received, "
		    "%lld refused"), when, remote, sent, received, refused);
	else if (remote != NULL && counts != NULL && sscanf(counts,
	    "%lld %lld %lld %lld", &sent, &received, &verified,
	    &refused) == 4)
		out = xasprintf(_("%s  with %s: %lld sent, %lld received"),
		    when, remote, sent, received);
	else if (remote != NULL && err != NULL && *err != '\0')
		out = xasprintf(_("%s  failed with %s: %s"), when, remote, err);
	else {
		/* Written by a lantian that kept it only in English. */
		db_setting_get(t->dd->db, "sync.last_result", &old);
		out = xasprintf("%s  %s", when, old != NULL ? old : "");
	}
cleanup:
	free(time);
	free(remote);
	free(counts);
	free(err);
	free(old);
	return out;
}

/* Monotonic seconds: the idle lock must not move with the wall clock. */
static time_t
tui_clock(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * The idle lock: an office key left unlocked (the review queue open) is
 * wiped after LANTIAN_IDLE_LOCK seconds (300) without a key pressed; the
 * next decision asks for the passphrase again.
 */
static void
tui_idle(struct tui *t)
{
	if (t->office == NULL || tui_clock() - t->last_key < t->idle_lock)
		return;
	key_secret_free(t->office);
	t->office = NULL;
	tui_msg(t, _("Office key locked after %ld s idle; "
	    "the next decision asks for its passphrase."), t->idle_lock);
	t->dirty = 1;
}

/* Start automatic sync once there is a store with a key. */
static void
tui_autosync_start(struct tui *t)
{
	const char	*env = getenv("LANTIAN_AUTOSYNC");
	char		*v = NULL;
	int		 paused;

	if (t->autos != NULL || t->autos_off || t->dd == NULL ||
	    !datadir_has_key(t->dd))
		return;
	if (env != NULL && strcmp(env, "0") == 0) {
		t->autos_off = 1;
		return;
	}
	paused = db_setting_get(t->dd->db, "sync.auto", &v) == 0 &&
	    v != NULL && strcmp(v, "paused") == 0;
	free(v);
	if (autosync_start(&t->autos, t->dd->path, paused) != 0) {
		tui_error(t, "%s", error_msg());
		t->autos_off = 1;
	}
}

static void
tui_autosync_key(struct tui *t, int pause)
{
	struct autosync_status	st;

	if (t->autos == NULL) {
		tui_error(t, "%s", t->autos_off ? _("Automatic sync is off "
		    "(LANTIAN_AUTOSYNC=0).") : _("Nothing to sync yet: "
		    "create the inspector's key first."));
		return;
	}
	if (!pause) {
		autosync_now(t->autos);
		tui_msg(t, "%s", _("Syncing now with every remote in reach."));
		return;
	}
	autosync_poll(t->autos, &st);
	autosync_pause(t->autos, !st.paused);
	db_setting_set(t->dd->db, "sync.auto", st.paused ? "on" : "paused");
	tui_msg(t, "%s", st.paused ? _("Automatic sync resumed.") :
	    _("Automatic sync paused: S or F9 still syncs now."));
}

static void
tui_paint(struct tui *t)
{
	struct tui_frame	*f = tui_top(t);
	char			 size[64];

	erase();
	t->cursor_y = -1;
	if (COLS < TUI_MIN_COLS || LINES < TUI_MIN_LINES) {
		snprintf(size, sizeof size, "%dx%d", COLS, LINES);
		draw_wrap(0, 0, COLS, LINES, _("The terminal is too small: "
		    "lantian needs 80 columns and 24 lines."), A_BOLD);
		draw_str(LINES > 2 ? 2 : 0, 0, COLS, size, A_NORMAL);
	} else {
		tui_paint_title(t);
		if (t->help)
			tui_paint_help(t);
		else if (f != NULL && f->screen->draw != NULL)
			f->screen->draw(t, f->priv);
		tui_paint_status(t);
		tui_paint_keys(t);
	}
	if (t->cursor_y >= 0 && !t->help) {
		move(t->cursor_y, t->cursor_x);
		curs_set(1);
	} else
		curs_set(0);
	wnoutrefresh(stdscr);
	doupdate();
	t->dirty = 0;
	tui_trace(t, "paint", f != NULL ? f->screen->name : "none");
}

/* How long the rest of an escape sequence may take to come (ms): a
 * sequence split by a slow link still arrives whole within this. */
#define TUI_SEQ_MS	250
/* Bytes of one escape sequence at most; a longer one is noise. */
#define TUI_SEQ_MAX	32

/* A key read and put back: the one after a lone ESC. */
static struct tui_key	tui_pending;
static int		tui_has_pending;

/* A key as curses gives it, within ms (-1: the loop's tick); 0 if none. */
static int
tui_read_raw(struct tui_key *k, int ms)
{
	wint_t	ch;
	int	rc;

	if (tui_has_pending) {
		*k = tui_pending;
		tui_has_pending = 0;
		return 1;
	}
	if (ms >= 0)
		timeout(ms);
	rc = get_wch(&ch);
	if (ms >= 0)
		timeout(TUI_TICK_MS);
	if (rc == ERR)
		return 0;
	if (rc == KEY_CODE_YES) {
		k->code = (int)ch;
		k->ch = 0;
	} else {
		k->code = 0;
		k->ch = ch;
	}
	return 1;
}

/*
 * The rest of a CSI (ESC [) or SS3 (ESC O) sequence that curses could not
 * decode (a key the terminfo entry does not know: xterm's F9 under
 * TERM=vt100), read and dropped whole: its bytes must never reach a
 * screen as keys, where "2" would tick a choice.  CSI: parameters
 * 0x30-0x3f, intermediates 0x20-0x2f, a final byte 0x40-0x7e (and the
 * linux console's ESC [ [ A: one more byte); SS3: digits, then one byte.
 */
static void
tui_drop_sequence(int csi)
{
	struct tui_key	k;
	int		n;

	for (n = 0; n < TUI_SEQ_MAX; n++) {
		if (!tui_read_raw(&k, TUI_SEQ_MS))
			return;
		if (k.code != 0) {
			/* A key curses decoded: a new key, not ours. */
			tui_pending = k;
			tui_has_pending = 1;
			return;
		}
		if (csi && n == 0 && k.ch == '[') {
			tui_read_raw(&k, TUI_SEQ_MS);
			if (k.code != 0) {
				tui_pending = k;
				tui_has_pending = 1;
			}
			return;
		}
		if (k.ch >= 0x20 && k.ch <= 0x3f)
			continue;
		/* The final byte; or a control or wide character, which no
		 * sequence holds: either way the sequence ends here. */
		return;
	}
}

/* Read a key; 0 on timeout (or when what came was dropped). */
static int
tui_read(struct tui_key *k)
{
	struct tui_key	next;

	if (!tui_read_raw(k, -1))
		return 0;
	if (!TUI_IS(k, TUI_ESC))
		return 1;
	/* ESC: a key of its own, or the start of a sequence curses did not
	 * decode (then what follows came with it, within ESCDELAY). */
	if (!tui_read_raw(&next, ESCDELAY))
		return 1;
	if (TUI_IS(&next, '[') || TUI_IS(&next, 'O')) {
		tui_drop_sequence(TUI_IS(&next, '['));
		return 0;
	}
	tui_pending = next;
	tui_has_pending = 1;
	return 1;
}

static void
tui_toggle_lang(struct tui *t)
{
	i18n_set_lang(strcmp(i18n_lang(), "zh") == 0 ? "en" : "zh");
	if (t->dd != NULL)
		db_setting_set(t->dd->db, "tui.lang", i18n_lang());
	t->dirty = 1;
}

static void
tui_toggle_theme(struct tui *t)
{
	t->mono = !t->mono;
	draw_theme(t->mono);
	if (t->dd != NULL)
		db_setting_set(t->dd->db, "tui.theme", t->mono ? "mono" :
		    "colour");
	clearok(curscr, TRUE);
	t->dirty = 1;
}

/* The keys the loop handles when the screen did not. */
static void
tui_global_key(struct tui *t, const struct tui_key *k)
{
	if (TUI_IS(k, '?') || k->code == KEY_F(1))
		t->help = 1;
	else if (TUI_IS(k, 'L') || k->code == KEY_F(2))
		tui_toggle_lang(t);
	else if (TUI_IS(k, 'T') || k->code == KEY_F(3))
		tui_toggle_theme(t);
	else if (TUI_IS(k, 'S') || k->code == KEY_F(9))
		tui_autosync_key(t, 0);
	else if (TUI_IS(k, 'P') || k->code == KEY_F(11))
		tui_autosync_key(t, 1);
	else if (TUI_IS(k, TUI_ESC) || k->code == KEY_LEFT) {
		if (t->depth > 1)
			tui_pop(t);
	} else if (TUI_IS(k, 'q') || TUI_IS(k, TUI_CTRL('c')) ||
	    k->code == KEY_F(10))
		t->quit = 1;
	t->dirty = 1;
}

static void
tui_loop(struct tui *t)
{
	struct tui_frame	*f;
	struct tui_key		 k;
	char			 code[32];
	int			 rc;

	t->dirty = 1;
	while (!t->quit && !tui_stop && t->depth > 0) {
		tui_autosync_start(t);
		if (tui_autosync_text(t))
			t->dirty = 1;
		if (t->dirty)
			tui_paint(t);
		if (!tui_read(&k)) {
			tui_idle(t);
			f = tui_top(t);
			if (f->screen->tick != NULL &&
			    f->screen->tick(t, f->priv) == TUI_REDRAW)
				t->dirty = 1;
			continue;
		}
		t->last_key = tui_clock();
		snprintf(code, sizeof code, "%d", k.code ? k.code : -(int)k.ch);
		tui_trace(t, "key", code);
		if (k.code == KEY_RESIZE) {
			t->dirty = 1;
			continue;
		}
		/* A message lasts until the next key. */
		t->msg[0] = '\0';
		if (t->help) {
			t->help = 0;
			t->dirty = 1;
			continue;
		}
		if (COLS < TUI_MIN_COLS || LINES < TUI_MIN_LINES) {
			if (TUI_IS(&k, 'q') || TUI_IS(&k, TUI_CTRL('c')))
				t->quit = 1;
			continue;
		}
		f = tui_top(t);
		rc = f->screen->key != NULL ? f->screen->key(t, f->priv, &k) :
		    TUI_UNHANDLED;
		if (rc == TUI_REDRAW)
			t->dirty = 1;
		else if (rc == TUI_UNHANDLED)
			tui_global_key(t, &k);
		if (t->msg[0] != '\0')
			t->dirty = 1;
	}
}

/* Settings of the store that shape the screen: language, theme. */
static void
tui_settings(struct tui *t)
{
	char	*v = NULL;

	if (t->dd == NULL)
		return;
	if (getenv("LANTIAN_LANG") == NULL &&
	    db_setting_get(t->dd->db, "tui.lang", &v) == 0 && v != NULL)
		i18n_set_lang(v);
	free(v);
	v = NULL;
	if (db_setting_get(t->dd->db, "tui.theme", &v) == 0 && v != NULL)
		t->mono = strcmp(v, "mono") == 0;
	free(v);
	if (getenv("LANTIAN_THEME") != NULL)
		t->mono = strcmp(getenv("LANTIAN_THEME"), "mono") == 0;
	if (getenv("NO_COLOR") != NULL && *getenv("NO_COLOR") != '\0')
		t->mono = 1;
}

/* Load who the inspector is (after init, too). */
void
tui_load_inspector(struct tui *t)
{
	free(t->name);
	free(t->badge);
	t->name = t->badge = NULL;
	if (t->dd != NULL && datadir_has_key(t->dd))
		datadir_inspector(t->dd, &t->name, &t->badge);
}

/* On the demo data, say what the passphrase is and where the data is
 * (the directory last: a long one is cut, never the passphrase). */
static void
tui_demo_hint(struct tui *t)
{
	char	*pass = NULL;

	if (db_setting_get(t->dd->db, "demo", &pass) == 0 && pass != NULL)
		tui_msg(t, _("Demo of 下冶镇: passphrase \"%s\"; data in %s"),
		    pass, t->dd->path);
	free(pass);
}

int
tui_main(const char *path, struct datadir *dd)
{
	struct sigaction	 sa;
	struct tui		 t;
	const char		*trace, *env;
	struct rusage		 ru;
	char			 detail[64];
	int			 rc;

	memset(&t, 0, sizeof t);
	t.dd = dd;
	t.trace_fd = -1;
	if ((trace = getenv("LANTIAN_TUI_TRACE")) != NULL && *trace != '\0')
		t.trace_fd = open(trace, O_WRONLY | O_CREAT | O_APPEND |
		    O_CLOEXEC, 0600);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "lantian: the TUI needs a terminal (use a "
		    "command: lantian --help)\n");
		return 1;
	}
	tui_settings(&t);
	tui_load_inspector(&t);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tui_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	util_set_fatal_hook(tui_restore);

	/* Chinese needs a UTF-8 terminal; a bare C locale gets C.UTF-8. */
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0 &&
	    setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "C.utf8");
	if (initscr() == NULL) {
		fprintf(stderr, "lantian: cannot set up the terminal "
		    "(TERM=%s)\n", getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	tui_curses = 1;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	timeout(TUI_TICK_MS);
	draw_theme(t.mono);
	t.last_key = tui_clock();
	t.idle_lock = TUI_IDLE_LOCK;
	if ((env = getenv("LANTIAN_IDLE_LOCK")) != NULL && atol(env) > 0)
		t.idle_lock = atol(env);

	if (dd == NULL || !datadir_has_key(dd))
		rc = tui_push(&t, &screen_setup, (void *)path);
	else {
		rc = tui_push(&t, &screen_home, NULL);
		tui_demo_hint(&t);
	}
	if (rc == 0)
		tui_loop(&t);
	while (t.depth > 0)
		tui_drop(&t);
	if (t.bg != NULL) {
		/* Stopped at its next step; the store stays consistent. */
		bgsync_cancel(t.bg);
		bgsync_free(t.bg);
	}
	autosync_stop(t.autos);
	tui_restore();
	util_set_fatal_hook(NULL);
	if (rc != 0)
		fprintf(stderr, "lantian: %s\n", error_msg());
	if (t.dd != dd)
		datadir_close(t.dd);
	form_list_free(t.forms, t.nforms);
	key_secret_free(t.office);
	free(t.name);
	free(t.badge);
	getrusage(RUSAGE_SELF, &ru);
	snprintf(detail, sizeof detail, "maxrss_kb=%ld", ru.ru_maxrss);
	tui_trace(&t, "exit", detail);
	if (t.trace_fd >= 0)
		close(t.trace_fd);
	return rc != 0;
}

int
tui_unlock(struct tui *t, const char *pass, int office, const char *wrong,
    struct key_secret **sk)
{
	int	rc;

	rc = office ? roster_office_unlock(t->dd, pass, strlen(pass), sk) :
	    datadir_device_unlock(t->dd, pass, strlen(pass), sk);
	if (rc == 0)
		return 0;
	if (rc == LT_EPASS) {
		tui_msg(t, "%s", wrong);
		t->msg_error = 1;
		return 1;
	}
	tui_error(t, "%s", office ? _("Cannot unlock the office key") :
	    _("Cannot unlock the key"));
	return -1;
}
