/*
 * The site representative's acknowledgment, as on a paper inspection
 * record: their name and role, or "refused to sign" (拒签) with the name
 * of a witness.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/inspect.h"
#include "core/util.h"
#include "tui/draw.h"
#include "tui/edit.h"
#include "tui/flow.h"
#include "tui/screens.h"

#define ACK_FIELDS	3

struct ack {
	struct flow_state	fs;
	struct edit		f[ACK_FIELDS];	/* name, role, witness */
	int			refused;
	int			focus;
};

static int
ack_open(struct tui *t, void *priv, void *arg)
{
	struct ack	*a = priv;
	const json_t	*ak;
	static const char *const keys[ACK_FIELDS] = { "name", "role",
	    "witness" };
	int		 i, rc;

	if ((rc = flow_state_load(t, *(int64_t *)arg, &a->fs)) != 0) {
		tui_error(t, "%s", _("Cannot open the draft"));
		return rc;
	}
	ak = a->fs.d.acknowledged;
	for (i = 0; i < ACK_FIELDS; i++)
		edit_init(&a->f[i], json_string_value(json_object_get(ak,
		    keys[i])), 100, 0);
	a->refused = json_is_true(json_object_get(ak, "refused"));
	return 0;
}

static void
ack_close(struct tui *t, void *priv)
{
	struct ack	*a = priv;
	int		 i;

	(void)t;
	for (i = 0; i < ACK_FIELDS; i++)
		edit_free(&a->f[i]);
	flow_state_clear(&a->fs);
}

static const char *
ack_title(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return _("Acknowledgment");
}

/* The fields shown: witness only when the representative refused. */
static int
ack_nfields(const struct ack *a)
{
	return a->refused ? 3 : 2;
}

static void
ack_draw(struct tui *t, void *priv)
{
	struct ack	*a = priv;
	static const char *const labels[ACK_FIELDS] = {
		N_("Name of the site representative"),
		N_("Their role (owner, manager, ...)"),
		N_("Witness of the refusal (name)"),
	};
	int		 y = TUI_BODY_TOP + 1, i, fy = 0;

	y += draw_wrap(y, 2, COLS - 4, 3, _("Show the findings to the site's "
	    "representative. They acknowledge the record with their name and "
	    "role; if they refuse to sign (拒签), say so and name a "
	    "witness."), A_NORMAL);
	y++;
	draw_printf(y, 2, COLS - 4, a->refused ? draw_attr(DRAW_WARN) : A_BOLD,
	    "[%s] %s", a->refused ? "x" : " ", _("Refused to sign (拒签) — "
	    "F5 or Ctrl-R to change"));
	y += 2;
	for (i = 0; i < ack_nfields(a); i++) {
		draw_str(y, 2, COLS - 4, _(labels[i]),
		    i == a->focus ? A_BOLD : A_NORMAL);
		if (i == a->focus)
			fy = y + 1;
		edit_draw(&a->f[i], t, y + 1, 4, COLS - 8, 1);
		y += 3;
	}
	draw_str(y, 2, COLS - 4, _("Enter on the last line saves."),
	    draw_attr(DRAW_DIM));
	edit_draw(&a->f[a->focus], t, fy, 4, COLS - 8, 1);
}

/* Save the acknowledgment when it is complete; 0 when saved. */
static int
ack_save(struct tui *t, struct ack *a)
{
	char		*v[ACK_FIELDS];
	const char	*why;
	json_t		*ak;
	int		 i, rc = 0;

	for (i = 0; i < ACK_FIELDS; i++)
		v[i] = edit_text(&a->f[i]);
	ak = json_pack("{s:s, s:s, s:b}", "name", v[0], "role", v[1],
	    "refused", a->refused);
	if (a->refused)
		json_object_set_new(ak, "witness", json_string(v[2]));
	/* The rule of core, the same for `lantian inspect`. */
	if ((why = inspect_ack_problem(ak)) != NULL) {
		tui_msg(t, "%s", _(why));
		t->msg_error = 1;
		a->focus = a->refused ? 2 : *v[0] == '\0' ? 0 : 1;
		json_decref(ak);
		rc = -1;
	} else {
		json_decref(a->fs.d.acknowledged);
		a->fs.d.acknowledged = ak;
		rc = flow_state_save(t, &a->fs);
	}
	for (i = 0; i < ACK_FIELDS; i++)
		free(v[i]);
	return rc;
}

static int
ack_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct ack	*a = priv;

	if (k->code == KEY_F(5) || TUI_IS(k, TUI_CTRL('r'))) {
		a->refused = !a->refused;
		if (a->focus >= ack_nfields(a))
			a->focus = ack_nfields(a) - 1;
		return TUI_REDRAW;
	}
	if (TUI_IS(k, '\r') || TUI_IS(k, '\n') || k->code == KEY_ENTER ||
	    TUI_IS(k, '\t') || k->code == KEY_DOWN) {
		if (a->focus < ack_nfields(a) - 1) {
			a->focus++;
			return TUI_REDRAW;
		}
		if (k->code == KEY_DOWN || TUI_IS(k, '\t'))
			return TUI_HANDLED;
		if (ack_save(t, a) == 0) {
			tui_msg(t, "%s", _("Acknowledgment saved."));
			tui_pop(t);
		}
		return TUI_REDRAW;
	}
	if (k->code == KEY_UP || k->code == KEY_BTAB) {
		if (a->focus > 0)
			a->focus--;
		return TUI_REDRAW;
	}
	if (TUI_IS(k, TUI_ESC)) {
		tui_pop(t);
		return TUI_REDRAW;
	}
	if (k->code != 0 && k->code >= KEY_F(0) && k->code <= KEY_F(12))
		return TUI_UNHANDLED;
	return edit_key(&a->f[a->focus], k) >= 0 ? TUI_REDRAW : TUI_HANDLED;
}

static const struct tui_keyhelp ack_keys[] = {
	{ "Enter", N_("next line / save") },
	{ "F5", N_("refused to sign") },
	{ "Esc", N_("back without saving") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
ack_keys_fn(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return ack_keys;
}

const struct tui_screen screen_ack = {
	.name = "ack",
	.priv_size = sizeof(struct ack),
	.open = ack_open,
	.close = ack_close,
	.title = ack_title,
	.draw = ack_draw,
	.key = ack_key,
	.keys = ack_keys_fn,
};
