/*
 * First run: no device key yet.  Walks the inspector through what
 * `lantian init` asks: name, badge, passphrase twice.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/error.h"
#include "core/util.h"
#include "tui/draw.h"
#include "tui/edit.h"
#include "tui/screens.h"

#define SETUP_FIELDS	4
#define SETUP_PASS_MIN	8

struct setup {
	char		*path;
	struct edit	 f[SETUP_FIELDS];
	int		 focus;
};

static const char *const setup_labels[SETUP_FIELDS] = {
	N_("Your name"),
	N_("Badge number"),
	N_("Passphrase (protects your signing key)"),
	N_("The passphrase again"),
};

static int
setup_open(struct tui *t, void *priv, void *arg)
{
	struct setup	*s = priv;
	int		 i;

	(void)t;
	s->path = xstrdup(arg);
	for (i = 0; i < SETUP_FIELDS; i++)
		edit_init(&s->f[i], NULL, i < 2 ? 64 : 256, i >= 2);
	return 0;
}

static void
setup_close(struct tui *t, void *priv)
{
	struct setup	*s = priv;
	int		 i;

	(void)t;
	for (i = 0; i < SETUP_FIELDS; i++)
		edit_free(&s->f[i]);
	free(s->path);
}

static const char *
setup_title(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return _("First start: your signing key");
}

static void
setup_draw(struct tui *t, void *priv)
{
	struct setup	*s = priv;
	int		 y = TUI_BODY_TOP + 1, i, focus_y = 0;

	y += draw_wrap(y, 2, COLS - 4, 4, _("Welcome. lantian signs every "
	    "inspection record you finish with a key kept on this laptop, "
	    "locked by a passphrase only you know. Fill in the four lines "
	    "(Enter or ↓ for the next one)."), A_NORMAL);
	y++;
	for (i = 0; i < SETUP_FIELDS; i++) {
		draw_str(y, 2, COLS - 4, _(setup_labels[i]),
		    i == s->focus ? A_BOLD : A_NORMAL);
		y++;
		if (i == s->focus)
			focus_y = y;
		edit_draw(&s->f[i], t, y, 4, COLS - 8, 1);
		y += 2;
	}
	draw_wrap(y, 2, COLS - 4, 3, _("The passphrase needs at least 8 "
	    "characters. Nobody can recover it: if it is lost, the office "
	    "enrols a new key."), draw_attr(DRAW_DIM));
	/* Again, so that the cursor is left in the field in focus. */
	edit_draw(&s->f[s->focus], t, focus_y, 4, COLS - 8, 1);
}

/* Check the four lines and create the key. */
static int
setup_finish(struct tui *t, struct setup *s)
{
	struct datadir	*dd = t->dd;
	char		*name, *badge, *p1, *p2;
	size_t		 l1, l2;
	int		 rc = -1;

	name = edit_text(&s->f[0]);
	badge = edit_text(&s->f[1]);
	p1 = edit_secret(&s->f[2], &l1);
	p2 = edit_secret(&s->f[3], &l2);
	if (*name == '\0' || *badge == '\0') {
		tui_msg(t, "%s", _("Your name and badge number are both "
		    "needed."));
		t->msg_error = 1;
		s->focus = *name == '\0' ? 0 : 1;
	} else if (l1 < SETUP_PASS_MIN) {
		tui_msg(t, "%s", _("The passphrase is too short: at least 8 "
		    "characters."));
		t->msg_error = 1;
		s->focus = 2;
	} else if (l1 != l2 || sodium_memcmp(p1, p2, l1) != 0) {
		tui_msg(t, "%s", _("The two passphrases differ: type them "
		    "again."));
		t->msg_error = 1;
		edit_set(&s->f[2], NULL);
		edit_set(&s->f[3], NULL);
		s->focus = 2;
	} else if (dd == NULL && datadir_open(&dd, s->path, 1) != 0) {
		tui_error(t, "%s", s->path);
	} else if (datadir_init_key(dd, name, badge, p1, l1) != 0) {
		tui_error(t, "%s", _("Cannot create the key"));
		if (t->dd == NULL)
			datadir_close(dd);
	} else {
		t->dd = dd;
		rc = 0;
	}
	free(name);
	free(badge);
	edit_secret_free(p1);
	edit_secret_free(p2);
	return rc;
}

static int
setup_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct setup	*s = priv;

	if (TUI_IS(k, '\r') || TUI_IS(k, '\n') || k->code == KEY_ENTER ||
	    TUI_IS(k, '\t') || k->code == KEY_DOWN) {
		if (s->focus < SETUP_FIELDS - 1) {
			s->focus++;
			return TUI_REDRAW;
		}
		if (k->code == KEY_DOWN || TUI_IS(k, '\t'))
			return TUI_HANDLED;
		if (setup_finish(t, s) == 0) {
			tui_load_inspector(t);
			tui_replace(t, &screen_home, NULL);
			tui_msg(t, "%s", _("Your key is ready. Choose a site "
			    "to inspect with s."));
		}
		return TUI_REDRAW;
	}
	if (k->code == KEY_UP || k->code == KEY_BTAB) {
		if (s->focus > 0)
			s->focus--;
		return TUI_REDRAW;
	}
	if (TUI_IS(k, TUI_ESC) || TUI_IS(k, TUI_CTRL('c'))) {
		t->quit = 1;
		return TUI_HANDLED;
	}
	if (k->code == KEY_F(2) || k->code == KEY_F(3) || k->code == KEY_F(1))
		return TUI_UNHANDLED;
	return edit_key(&s->f[s->focus], k) >= 0 ? TUI_REDRAW : TUI_HANDLED;
}

static const struct tui_keyhelp setup_keys[] = {
	{ "Enter", N_("next line / create the key") },
	{ "↑↓", N_("move") },
	{ "Esc", N_("leave") },
	{ "F2", N_("中文/English") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
setup_keys_fn(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return setup_keys;
}

const struct tui_screen screen_setup = {
	.name = "setup",
	.priv_size = sizeof(struct setup),
	.open = setup_open,
	.close = setup_close,
	.title = setup_title,
	.draw = setup_draw,
	.key = setup_key,
	.keys = setup_keys_fn,
};
