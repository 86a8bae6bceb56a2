/*
 * Pick a file from the import folder (a camera's SD card, a scanner's
 * folder): folders first, then files newest first, with size and time.
 * The folder is remembered in the store's settings.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/db.h"
#include "core/util.h"
#include "tui/draw.h"
#include "tui/list.h"
#include "tui/screens.h"

/* Entries read from one folder at most (a card holds a few thousand). */
#define FILES_MAX	20000

struct files_entry {
	char	*name;
	int	 dir;
	off_t	 size;
	time_t	 mtime;
};

struct files {
	struct files_arg	 arg;
	char			*title;
	char			*dir;
	struct files_entry	*e;
	int			 n;
	int			 more;		/* cut at FILES_MAX */
	struct list		 l;
};

char *
tui_import_dir(struct tui *t)
{
	char		*v = NULL;
	const char	*env;

	if (t->dd != NULL && db_setting_get(t->dd->db, "tui.import_dir",
	    &v) == 0 && v != NULL)
		return v;
	if ((env = getenv("LANTIAN_IMPORT_DIR")) != NULL && *env != '\0')
		return xstrdup(env);
	if ((env = getenv("HOME")) != NULL && *env != '\0')
		return xstrdup(env);
	return xstrdup("/");
}

static int
files_cmp(const void *a, const void *b)
{
	const struct files_entry	*x = a, *y = b;

	if (x->dir != y->dir)
		return y->dir - x->dir;
	if (x->dir)
		return strcmp(x->name, y->name);
	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void
files_free(struct files *f)
{
	int	i;

	for (i = 0; i < f->n; i++)
		free(f->e[i].name);
	free(f->e);
	f->e = NULL;
	f->n = 0;
}

/* Read the folder; an error goes to the message line. */
static void
files_read(struct tui *t, struct files *f)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		*path;
	int		 cap = 0;

	files_free(f);
	f->more = 0;
	memset(&f->l, 0, sizeof f->l);
	if ((d = opendir(f->dir)) == NULL) {
		tui_msg(t, "%s: %s", f->dir, strerror(errno));
		t->msg_error = 1;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (f->n == FILES_MAX) {
			f->more = 1;
			break;
		}
		path = xasprintf("%s/%s", f->dir, de->d_name);
		if (stat(path, &st) != 0 || !(S_ISDIR(st.st_mode) ||
		    S_ISREG(st.st_mode))) {
			free(path);
			continue;
		}
		free(path);
		if (f->n == cap) {
			cap = cap ? cap * 2 : 64;
			f->e = xrealloc(f->e, (size_t)cap * sizeof *f->e);
		}
		f->e[f->n].name = xstrdup(de->d_name);
		f->e[f->n].dir = S_ISDIR(st.st_mode);
		f->e[f->n].size = st.st_size;
		f->e[f->n].mtime = st.st_mtime;
		f->n++;
	}
	closedir(d);
	if (f->n > 0)
		qsort(f->e, (size_t)f->n, sizeof *f->e, files_cmp);
	f->l.n = f->n;
}

static int
files_open(struct tui *t, void *priv, void *arg)
{
	struct files		*f = priv;
	const struct files_arg	*a = arg;

	f->arg = *a;
	f->title = xstrdup(a->title != NULL ? a->title : "");
	f->arg.title = f->title;
	f->dir = tui_import_dir(t);
	files_read(t, f);
	return 0;
}

static void
files_close(struct tui *t, void *priv)
{
	struct files	*f = priv;

	(void)t;
	files_free(f);
	free(f->title);
	free(f->dir);
}

static const char *
files_title(struct tui *t, void *priv)
{
	(void)t;
	return ((struct files *)priv)->title;
}

static void
files_draw(struct tui *t, void *priv)
{
	struct files	*f = priv;
	struct tm	 tm;
	char		 size[16], when[32], *name;
	int		 y = TUI_BODY_TOP + 2, i, rows = tui_body_rows() - 2;

	(void)t;
	draw_printf(TUI_BODY_TOP, 1, COLS - 2, draw_attr(DRAW_DIM), "%s %s",
	    _("Import folder:"), f->dir);
	if (f->n == 0) {
		draw_str(y, 2, COLS - 4, _("This folder is empty. g: another "
		    "folder, Backspace: the folder above."), A_NORMAL);
		return;
	}
	list_fix(&f->l, rows);
	list_draw_where(TUI_BODY_TOP + 1, f->l.sel + 1, f->n);
	list_draw_marks(&f->l, y, rows);
	for (i = f->l.top; i < f->n && i < f->l.top + rows; i++, y++) {
		attr_t a = i == f->l.sel ? draw_attr(DRAW_SELECT) : A_NORMAL;
		localtime_r(&f->e[i].mtime, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		if (f->e[i].dir)
			snprintf(size, sizeof size, "%s", _("folder"));
		else
			draw_size(size, sizeof size, (long long)f->e[i].size);
		name = f->e[i].dir ? xasprintf("%s/", f->e[i].name) :
		    xstrdup(f->e[i].name);
		draw_fill(y, 1, COLS - 2, a);
		draw_str(y, 2, COLS - 36, name, a);
		draw_printf(y, COLS - 33, 32, a, "%10s  %s", size, when);
		free(name);
	}
	if (f->more)
		draw_printf(LINES - 3, 2, COLS - 4, draw_attr(DRAW_WARN),
		    _("Only the first %d entries are shown."), FILES_MAX);
}

static void
files_chdir(struct tui *t, struct files *f, char *dir)
{
	free(f->dir);
	f->dir = dir;
	files_read(t, f);
}

static int
files_goto_done(struct tui *t, void *arg, const char *text)
{
	struct files	*f = arg;
	struct stat	 st;

	if (text == NULL || *text == '\0')
		return 0;
	if (stat(text, &st) != 0 || !S_ISDIR(st.st_mode)) {
		tui_msg(t, _("%s: not a folder."), text);
		t->msg_error = 1;
		return 1;
	}
	files_chdir(t, f, xstrdup(text));
	db_setting_set(t->dd->db, "tui.import_dir", f->dir);
	tui_msg(t, "%s", _("This folder is now the import folder."));
	return 0;
}

static int
files_key(struct tui *t, void *priv, const struct tui_key *k)
{
	struct files		*f = priv;
	struct tui_prompt	 p;
	char			*path, *slash;
	void			(*done)(struct tui *, void *, const char *);
	void			*arg;

	if (TUI_IS(k, '\r') || TUI_IS(k, '\n') || k->code == KEY_ENTER ||
	    k->code == KEY_RIGHT) {
		if (f->n == 0)
			return TUI_HANDLED;
		path = strcmp(f->dir, "/") == 0 ? xasprintf("/%s",
		    f->e[f->l.sel].name) : xasprintf("%s/%s", f->dir,
		    f->e[f->l.sel].name);
		if (f->e[f->l.sel].dir) {
			files_chdir(t, f, path);
			return TUI_REDRAW;
		}
		done = f->arg.done;
		arg = f->arg.arg;
		tui_pop(t);
		done(t, arg, path);
		free(path);
		return TUI_REDRAW;
	}
	if (k->code == KEY_BACKSPACE || TUI_IS(k, 0x7f) || TUI_IS(k, 'u')) {
		if ((slash = strrchr(f->dir, '/')) == NULL)
			return TUI_HANDLED;
		files_chdir(t, f, slash == f->dir ? xstrdup("/") :
		    xstrndup(f->dir, (size_t)(slash - f->dir)));
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'g') || k->code == KEY_F(5)) {
		memset(&p, 0, sizeof p);
		p.title = _("Import folder");
		p.label = _("The folder to pick files from (a camera's card, "
		    "e.g. /media/inspector/CARD/DCIM):");
		p.initial = f->dir;
		p.max = 1024;
		p.done = files_goto_done;
		p.arg = f;
		tui_prompt(t, &p);
		return TUI_REDRAW;
	}
	if (TUI_IS(k, 'h')) {
		db_setting_set(t->dd->db, "tui.import_dir", f->dir);
		tui_msg(t, "%s", _("This folder is now the import folder."));
		return TUI_REDRAW;
	}
	if (TUI_IS(k, TUI_ESC) || k->code == KEY_LEFT) {
		done = f->arg.done;
		arg = f->arg.arg;
		tui_pop(t);
		done(t, arg, NULL);
		return TUI_REDRAW;
	}
	return list_key(&f->l, k, tui_body_rows() - 2, 0);
}

static const struct tui_keyhelp files_keys[] = {
	{ "Enter", N_("take / open folder") },
	{ "Bksp", N_("folder above") },
	{ "g", N_("go to folder") },
	{ "h", N_("make this the import folder") },
	{ "Esc", N_("cancel") },
	{ NULL, NULL }
};

static const struct tui_keyhelp *
files_keys_fn(struct tui *t, void *priv)
{
	(void)t;
	(void)priv;
	return files_keys;
}

const struct tui_screen screen_files = {
	.name = "files",
	.priv_size = sizeof(struct files),
	.open = files_open,
	.close = files_close,
	.title = files_title,
	.draw = files_draw,
	.key = files_key,
	.keys = files_keys_fn,
};
