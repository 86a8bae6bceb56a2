/*
 * The files attached to a draft: taken into the content-addressed store
 * the moment they are picked (a camera's card may leave), each with its
 * size, type, hash and a caption.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/attach.h"
#include "core/util.h"
#include "tui/draw.h"
#include "tui/flow.h"
#include "tui/list.h"
#include "tui/screens.h"

struct attach {
	struct flow_state	fs;
	struct list		l;
};

static int
attach_screen_load(struct tui *t, struct attach *a, int64_t id)
{
	int	rc;

	flow_state_clear(&a->fs);
	if ((rc = flow_state_load(t, id, &a->fs)) != 0)
		return rc;
	a->l.n = (int)json_array_size(a->fs.d.attachments);
	list_fix(&a->l, tui_body_rows() - 4);
	return 0;
}

static int
attach_open(struct tui *t, void *priv, void *arg)
{
	int	rc;

	if ((rc = attach_screen_load(t, priv, *(int64_t *)arg)) != 0)
		tui_error(t, "%s", _("Cannot open the draft"));
	return rc;
}

static void
attach_close(struct tui *t, void *priv)
{
	(void)t;
	flow_state_clear(&((struct attach *)priv)->fs);
}

static const char *
attach_title(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return _("Attachments");
}

static void
attach_draw(struct tui *t, void *priv)
{
	struct attach	*a = priv;
	const json_t	*x;
	char		 size[16];
	int		 y = TUI_BODY_TOP + 1, i, rows = tui_body_rows() - 4;

	(void)t;
	draw_str(TUI_BODY_TOP, 1, COLS - 2, flow_title(&a->fs),
	    draw_attr(DRAW_DIM));
	if (a->l.n == 0) {
		draw_wrap(y + 1, 2, COLS - 4, 3, _("No files attached. Press "
		    "a to pick photos or scans from the import folder."),
		    A_NORMAL);
		return;
	}
	list_fix(&a->l, rows / 2);
	for (i = a->l.top; i < a->l.n && y + 1 < LINES - 2; i++) {
		attr_t at = i == a->l.sel ? draw_attr(DRAW_SELECT) : A_NORMAL;
		x = json_array_get(a->fs.d.attachments, (size_t)i);
		draw_size(size, sizeof size,
		    json_integer_value(json_object_get(x, "bytes")));
		draw_fill(y, 1, COLS - 2, at);
		draw_printf(y, 2, COLS - 4, at, "%-36s %10s  %s",
		    json_string_value(json_object_get(x, "name")), size,
		    json_string_value(json_object_get(x, "mime")));
		draw_fill(y + 1, 1, COLS - 2, at);
		draw_printf(y + 1, 4, COLS - 6, at, "%.16s…  %s",
		    json_string_value(json_object_get(x, "sha256")),
		    json_is_string(json_object_get(x, "caption")) ?
		    json_string_value(json_object_get(x, "caption")) :
		    _("(no caption: c to write one)"));
		y += 2;
	}
}

/* A file picked: into the store, then into the draft. */
static void
attach_picked(struct tui *t, void *arg, const char *path)
{
	struct attach		*a = arg;
	struct attach_info	 info;

	if (path == NULL)
		return;
	if (flow_take_file(t, path, &info) != 0)
		return;
	draft_attach(&a->fs.d, info.sha256, info.name, info.bytes, info.mime,
	    1);
	flow_state_save(t, &a->fs);
	free(info.name);
	a->l.n = (int)json_array_size(a->fs.d.attachments);
	a->l.sel = a->l.n - 1;
}

static int
attach_caption_done(struct tui *t, void *arg, const char *text)
{
	struct attach	*a = arg;
	json_t		*x;

	if (text == NULL)
		return 0;
	x = json_array_get(a->fs.d.attachments, (size_t)a->l.sel);
	json_object_set_new(x, "caption", *text ? json_string(text) :
	    json_null());
	flow_state_save(t, &a->fs);
	return 0;
}

/* Is the attachment the answer to a photo question? */
static const char *
attach_used(const struct attach *a, const char *sha)
{
	const char	*qid;
	json_t		*v;

	json_object_foreach(a->fs.d.answers, qid, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), sha) == 0)
			return qid;
	}
	return NULL;
}

static void
attach_remove_done(struct tui *t, void *arg, int yes)
{
	struct attach	*a = arg;

	if (!yes)
		return;
	json_array_remove(a->fs.d.attachments, (size_t)a->l.sel);
	flow_state_save(t, &a->fs);
	a->l.n = (int)json_array_size(a->fs.d.attachments);
	list_fix(&a->l, tui_body_rows() / 2);
}

static int
attach_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct attach		*a = priv;
	struct files_arg	 fa;
	struct tui_prompt	 p;
	const json_t		*x;
	const char		*q;
	int			 rc;

	if (TUI_IS(k, 'a') || k->code == KEY_F(6) || k->code == KEY_IC) {
		fa.title = _("Attach a file");
		fa.done = attach_picked;
		fa.arg = a;
		tui_push(t, &screen_files, &fa);
		return TUI_REDRAW;
	}
	if (a->l.n == 0)
		return TUI_UNHANDLED;
	x = json_array_get(a->fs.d.attachments, (size_t)a->l.sel);
	if (TUI_IS(k, 'c') || TUI_IS(k, '\r') || TUI_IS(k, '\n') ||
	    k->code == KEY_ENTER) {
		memset(&p, 0, sizeof p);
		p.title = _("Caption");
		p.label = _("What the file shows (where, what, which "
		    "direction):");
		p.initial = json_string_value(json_object_get(x, "caption"));
		p.max = 500;
		p.done = attach_caption_done;
		p.arg = a;
		tui_prompt(t, &p);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'x') || k->code == KEY_DC) {
		if ((q = attach_used(a, json_string_value(json_object_get(x,
		    "sha256")))) != NULL) {
			tui_msg(t, _("It is the answer to question %s: "
			    "remove it there."), q);
			t->msg_error = 1;
			return TUI_REDRAW;
		}
		tui_confirm(t, _("Take this file off the inspection?"),
		    attach_remove_done, a);
		return TUI_REDRAW;
	}
	rc = list_key(&a->l, k, tui_body_rows() / 2, 1);
	return rc;
}

static const struct tui_keyhelp attach_keys[] = {
	{ "a", N_("add a file") },
	{ "c", N_("caption") },
	{ "x", N_("remove") },
	{ "Esc", N_("back") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
attach_keys_fn(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return attach_keys;
}

const struct tui_screen screen_attach = {
	.name = "attach",
	.priv_size = sizeof(struct attach),
	.open = attach_open,
	.close = attach_close,
	.title = attach_title,
	.draw = attach_draw,
	.key = attach_key,
	.keys = attach_keys_fn,
};
