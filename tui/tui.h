/*
 * The TUI: a stack of screens over one curses terminal.
 *
 * Each screen is one file (tui/screen_<name>.c) exporting one const
 * struct tui_screen table; the loop calls it.  Handlers never paint: they
 * change their state and return what changed (TUI_REDRAW); the loop paints
 * the whole terminal once per turn (title bar, the screen's body, message
 * line, key bar) and calls doupdate() once.  Input is never blocked by
 * work: the loop reads keys with a timeout and gives each turn's spare
 * time to the top screen's tick().
 *
 * Layout at 80x24 and larger: row 0 the title bar, rows 1 .. LINES-3 the
 * body (TUI_BODY_TOP, tui_body_rows()), row LINES-2 the message line with
 * the state of automatic sync at its right (sync/autosync.h: it runs on a
 * thread of its own, polled each turn), row LINES-1 the keys of the
 * screen.
 *
 * Ownership: a screen's private state (priv, priv_size bytes, zeroed) is
 * allocated by the loop when it is pushed and freed after close().  The
 * arg given to tui_push() is borrowed for the duration of open() only.
 */
#ifndef LANTIAN_TUI_H
#define LANTIAN_TUI_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <wchar.h>

#include <curses.h>

#include "core/datadir.h"
#include "core/form.h"
#include "tui/i18n.h"

/* What a key handler did (flags). */
#define TUI_UNHANDLED	0x00	/* not mine: the loop tries its own keys */
#define TUI_HANDLED	0x01	/* done, nothing to repaint */
#define TUI_REDRAW	0x03	/* done, repaint */

#define TUI_BODY_TOP	1
#define TUI_MIN_COLS	80
#define TUI_MIN_LINES	24
#define TUI_STACK_MAX	16

/* The character of a key press, or one of curses' KEY_* codes. */
struct tui_key {
	int	 code;		/* KEY_* (e.g. KEY_UP), or 0 for a character */
	wint_t	 ch;		/* the character when code is 0 */
};

/* Does the key press k stand for the character c? */
#define TUI_IS(k, c)	((k)->code == 0 && (k)->ch == (wint_t)(c))
/* Control-x as a character. */
#define TUI_CTRL(x)	((x) & 0x1f)
#define TUI_ESC		0x1b

/* One key of the bottom bar and the help: "Enter" and what it does. */
struct tui_keyhelp {
	const char	*key;	/* as printed: "Enter", "s", "F2" */
	const char	*what;	/* N_() text, translated when shown */
};

struct tui;
struct bgsync;
struct autosync;
struct key_secret;

struct tui_screen {
	const char	*name;		/* "home", "sites" ...: trace, tests */
	size_t		 priv_size;	/* bytes of private state */
	/* Set up; non-zero refuses the screen (message of the error). */
	int		(*open)(struct tui *, void *priv, void *arg);
	/* Free what open() and the screen took (may be NULL). */
	void		(*close)(struct tui *, void *priv);
	/* Title shown in the title bar (translated, may be NULL). */
	const char	*(*title)(struct tui *, void *priv);
	/* Paint the body (rows TUI_BODY_TOP .. LINES-3). */
	void		(*draw)(struct tui *, void *priv);
	/* A key press: TUI_UNHANDLED, TUI_HANDLED or TUI_REDRAW. */
	int		(*key)(struct tui *, void *priv, const struct tui_key *);
	/* The keys the bottom bar names now (ends with {NULL, NULL}). */
	const struct tui_keyhelp *(*keys)(struct tui *, void *priv);
	/* Back on top after the screen above it closed: reload (may be NULL). */
	void		(*resume)(struct tui *, void *priv);
	/* Spare time of a turn (may be NULL): TUI_REDRAW to repaint. */
	int		(*tick)(struct tui *, void *priv);
};

struct tui_frame {
	const struct tui_screen	*screen;
	void			*priv;
};

struct tui {
	struct datadir		*dd;		/* the data directory */
	char			*name;		/* inspector's name, or NULL */
	char			*badge;		/* and badge */
	struct tui_frame	 stack[TUI_STACK_MAX];
	int			 depth;
	char			 msg[512];	/* the message line */
	int			 msg_error;	/* it is an error */
	int			 msg_keep;	/* (unused: a message lasts
						   until the next key) */
	int			 mono;		/* monochrome theme */
	int			 help;		/* help shown over the screen */
	int			 dirty;		/* repaint this turn */
	int			 quit;		/* leave the loop */
	int			 cursor_y;	/* where the cursor goes, or -1 */
	int			 cursor_x;
	struct form		**forms;	/* every form, loaded once */
	size_t			 nforms;
	int			 trace_fd;	/* LANTIAN_TUI_TRACE, or -1 */
	struct bgsync		*bg;		/* a sync running, or NULL */
	struct autosync		*autos;		/* automatic sync, or NULL */
	int			 autos_off;	/* LANTIAN_AUTOSYNC=0 */
	char			 status[160];	/* its state, on the message
						   line's right */
	struct key_secret	*office;	/* unlocked while the review
						   queue is open, or NULL */
	time_t			 last_key;	/* when a key was last read
						   (monotonic seconds) */
	long			 idle_lock;	/* seconds without a key
						   before office is wiped */
};

/*
 * Run the TUI on the data directory (opened by the caller, or NULL when
 * there is none yet: the first screen then walks through creating it).
 * path is where the data directory is or will be.  Returns the exit status.
 */
int tui_main(const char *path, struct datadir *dd);

/* Put a screen on top; its open() gets arg.  0, or the error shown. */
int tui_push(struct tui *t, const struct tui_screen *s, void *arg);
/* Close the top screen (the one below is resumed). */
void tui_pop(struct tui *t);
/* Close the top screen and put s in its place. */
int tui_replace(struct tui *t, const struct tui_screen *s, void *arg);
/*
 * Close the screen whose private state is priv wherever it is in the
 * stack (a prompt whose done() pushed the next screen); the top is
 * resumed when it was the one closed.
 */
void tui_close_screen(struct tui *t, void *priv);
/* Is s open, on top or below? */
int tui_has_screen(const struct tui *t, const struct tui_screen *s);
/* Close screens down to the bottom one (home) and resume it. */
void tui_home(struct tui *t);
/*
 * The last sync as the home and sync screens say it, in the language
 * shown: its time, the remote, what was sent and received or why it
 * failed.  NULL when there was none.  Caller frees.
 */
char *tui_last_sync(struct tui *t);

/* Show a message (translated by the caller) on the message line. */
void tui_msg(struct tui *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Show an error: fmt's text, ": ", and the last error's message. */
void tui_error(struct tui *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "45 s", "3 min", "2 h": how long until a time (size bytes into buf). */
void tui_until(char *buf, size_t size, time_t when);

/* Rows of the body. */
int tui_body_rows(void);
/* Put the terminal's cursor there after painting (a text field). */
void tui_cursor(struct tui *t, int y, int x);

/* The form of this id, or NULL (loaded once per run). */
const struct form *tui_form(struct tui *t, const char *id);
/*
 * The label, in the language shown, of value as a choice of the question
 * of that id in any form (the register's industry "printing" as the VOC
 * form names it); NULL when no form has it.  Borrowed from the forms.
 */
const char *tui_choice_label(struct tui *t, const char *question,
    const char *value);
/* The text of the finding rule (its id) in the language shown, from the
 * form that has it; the id itself when no form does. */
const char *tui_rule_text(struct tui *t, const char *rule);

/*
 * Modal prompts, pushed as screens.  done() gets the text typed (NULL when
 * the prompt was left with Esc) and returns 0 to close the prompt or
 * non-zero to keep it open (a wrong passphrase: say why with tui_msg()).
 * Secret text lives in sodium_malloc'd memory and is wiped after done().
 */
struct tui_prompt {
	const char	*title;		/* translated */
	const char	*label;		/* translated, may be several lines */
	const char	*initial;	/* text to start with, or NULL */
	int		 secret;	/* no echo */
	size_t		 max;		/* characters, 0: 1024 */
	int		(*done)(struct tui *, void *arg, const char *text);
	void		*arg;
};
int tui_prompt(struct tui *t, const struct tui_prompt *p);

/*
 * Unlock the device key (or, with office, the office key) with the
 * passphrase typed in a prompt: 0 with *sk; 1 after a wrong passphrase
 * (wrong, translated, is shown: the prompt's done() returns 1 to keep it
 * open); -1 after another failure (shown).
 */
int tui_unlock(struct tui *t, const char *pass, int office,
    const char *wrong, struct key_secret **sk);

/* Ask a yes/no question; done() gets 1 for yes, 0 for no or Esc. */
int tui_confirm(struct tui *t, const char *question,
    void (*done)(struct tui *, void *arg, int yes), void *arg);

/* The first trace line, as the process starts (from main()). */
void tui_trace_start(void);
/* Record a trace line (LANTIAN_TUI_TRACE) for the benchmarks. */
void tui_trace(struct tui *t, const char *what, const char *detail);

#endif
