#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tui/draw.h"
#include "tui/edit.h"
#include "tui/screens.h"

struct prompt {
	struct tui_prompt	 p;
	char			*title;
	char			*label;
	struct edit		 edit;
};

static int
prompt_open(struct tui *t, void *priv, void *arg)
{
	struct prompt		*pr = priv;
	const struct tui_prompt	*p = arg;

	(void)t;
	pr->p = *p;
	pr->title = xstrdup(p->title != NULL ? p->title : "");
	pr->label = xstrdup(p->label != NULL ? p->label : "");
	pr->p.title = pr->title;
	pr->p.label = pr->label;
	pr->p.initial = NULL;
	edit_init(&pr->edit, p->initial, p->max, p->secret);
	return 0;
}

static void
prompt_close(struct tui *t, void *priv)
{
	struct prompt	*pr = priv;

	(void)t;
	edit_free(&pr->edit);
	free(pr->title);
	free(pr->label);
}

static const char *
prompt_title(struct tui *t, void *priv)
{
	(void)t;
	return ((struct prompt *)priv)->title;
}

static void
prompt_draw(struct tui *t, void *priv)
{
	struct prompt	*pr = priv;
	int		 y = TUI_BODY_TOP + 1, rows;

	y += draw_wrap(y, 2, COLS - 4, 8, pr->label, A_BOLD);
	y++;
	rows = pr->edit.secret ? 1 : 3;
	edit_draw(&pr->edit, t, y, 2, COLS - 4, rows);
	y += rows + 1;
	if (pr->edit.secret)
		draw_str(y, 2, COLS - 4, _("(what you type is not shown)"),
		    draw_attr(DRAW_DIM));
}

static int
prompt_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct prompt	*pr = priv;
	char		*text;
	size_t		 len;
	int		 rc, secret;

	if (TUI_IS(k, '\r') || TUI_IS(k, '\n') || k->code == KEY_ENTER) {
		secret = pr->edit.secret;
		text = secret ? edit_secret(&pr->edit, &len) :
		    edit_text(&pr->edit);
		/* done() may close this screen: pr is not to be touched
		 * after it unless it says to stay. */
		rc = pr->p.done(t, pr->p.arg, text);
		if (secret)
			edit_secret_free(text);
		else
			free(text);
		if (rc == 0)
			tui_close_screen(t, priv);
		else if (pr->edit.secret)
			edit_set(&pr->edit, NULL);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, TUI_ESC)) {
		pr->p.done(t, pr->p.arg, NULL);
		tui_close_screen(t, priv);
		return TUI_REDRAW;
	}
	if (k->code == KEY_F(2) || k->code == KEY_F(3) || k->code == KEY_F(1))
		return TUI_UNHANDLED;
	if (edit_key(&pr->edit, k) >= 0)
		return TUI_REDRAW;
	return TUI_HANDLED;
}

static const struct tui_keyhelp prompt_keys[] = {
	{ "Enter", N_("done") },
	{ "Esc", N_("cancel") },
	{ "←→", N_("move") },
	{ "F2", N_("中文/English") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
prompt_keys_fn(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return prompt_keys;
}

const struct tui_screen screen_prompt = {
	.name = "prompt",
	.priv_size = sizeof(struct prompt),
	.open = prompt_open,
	.close = prompt_close,
	.title = prompt_title,
	.draw = prompt_draw,
	.key = prompt_key,
	.keys = prompt_keys_fn,
};

int
tui_prompt(struct tui *t, const struct tui_prompt *p)
{
	return tui_push(t, &screen_prompt, (void *)p);
}

struct confirm {
	char	*question;
	void	(*done)(struct tui *, void *, int);
	void	*arg;
};

struct confirm_arg {
	const char	*question;
	void		(*done)(struct tui *, void *, int);
	void		*arg;
};

static int
confirm_open(struct tui *t, void *priv, void *arg)
{
	struct confirm			*c = priv;
	const struct confirm_arg	*a = arg;

	(void)t;
	c->question = xstrdup(a->question);
	c->done = a->done;
	c->arg = a->arg;
	return 0;
}

static void
confirm_close(struct tui *t, void *priv)
{
	(void)t;
	free(((struct confirm *)priv)->question);
}

static void
confirm_draw(struct tui *t, void *priv)
{
	struct confirm	*c = priv;
	int		 y = TUI_BODY_TOP + 2;

	(void)t;
	y += draw_wrap(y, 4, COLS - 8, 10, c->question, A_BOLD);
	draw_str(y + 1, 4, COLS - 8, _("y  yes        n  no"), A_NORMAL);
}

static int
confirm_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct confirm	*c = priv;
	void		(*done)(struct tui *, void *, int) = c->done;
	void		*arg = c->arg;
	int		 yes;

	if (TUI_IS(k, 'y') || TUI_IS(k, 'Y'))
		yes = 1;
	else if (TUI_IS(k, 'n') || TUI_IS(k, 'N') || TUI_IS(k, TUI_ESC))
		yes = 0;
	else if (k->code == KEY_F(2) || k->code == KEY_F(3) ||
	    TUI_IS(k, 'L') || TUI_IS(k, 'T'))
		return TUI_UNHANDLED;
	else
		return TUI_HANDLED;
	tui_pop(t);
	done(t, arg, yes);
	return TUI_REDRAW;
}

static const struct tui_keyhelp confirm_keys[] = {
	{ "y", N_("yes") },
	{ "n", N_("no") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
confirm_keys_fn(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return confirm_keys;
}

static const char *
confirm_title(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return _("Please confirm");
}

const struct tui_screen screen_confirm = {
	.name = "confirm",
	.priv_size = sizeof(struct confirm),
	.open = confirm_open,
	.close = confirm_close,
	.title = confirm_title,
	.draw = confirm_draw,
	.key = confirm_key,
	.keys = confirm_keys_fn,
};

int
tui_confirm(struct tui *t, const char *question,
    void (*done)(struct tui *, void *arg, int yes), void *arg)
{
	struct confirm_arg	a = { question, done, arg };

	return tui_push(t, &screen_confirm, &a);
}
