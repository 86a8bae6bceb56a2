/*
 * Painting text on the terminal: every string goes through here, so text
 * from records and remotes is stripped of control characters (C0, DEL, C1,
 * and anything wcwidth() calls unprintable become '?') and measured in
 * columns by wcwidth(), so Chinese (two columns a character) never breaks
 * the layout.  Strings are UTF-8; invalid bytes are shown as '?'.
 */
#ifndef LANTIAN_DRAW_H
#define LANTIAN_DRAW_H

#include <curses.h>

/* The theme's parts. */
enum draw_part {
	DRAW_NORMAL,
	DRAW_TITLE,	/* the title bar */
	DRAW_BAR,	/* the key bar */
	DRAW_KEY,	/* a key's name in the key bar */
	DRAW_SELECT,	/* the selected line */
	DRAW_HEAD,	/* a heading */
	DRAW_DIM,	/* hints, secondary text */
	DRAW_ERROR,	/* error messages, violations */
	DRAW_WARN,	/* warnings, overdue */
	DRAW_OK,	/* good news */
	DRAW_FIELD,	/* a text field */
	DRAW_NPARTS
};

/* Set up colours (unless mono) after initscr(). */
void draw_theme(int mono);
/* The attributes of a part in the current theme. */
attr_t draw_attr(enum draw_part part);

/* Columns the text takes on the terminal. */
int draw_width(const char *s);
/*
 * Put s at (y, x) in at most cols columns, cutting it with "…" when it
 * does not fit.  Returns the columns used.
 */
int draw_str(int y, int x, int cols, const char *s, attr_t a);
/* The same, then pad with blanks to cols (a whole line of a list). */
void draw_line(int y, int x, int cols, const char *s, attr_t a);
/* printf into draw_str(). */
int draw_printf(int y, int x, int cols, attr_t a, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Paint cols blanks. */
void draw_fill(int y, int x, int cols, attr_t a);
/*
 * Put s wrapped to cols columns from row y, at most maxrows rows (the last
 * one cut with "…" if there is more).  Latin text breaks at spaces when it
 * can, Chinese anywhere; '\n' breaks a line.  Returns the rows used.
 */
int draw_wrap(int y, int x, int cols, int maxrows, const char *s, attr_t a);
/* Rows draw_wrap() would use with no limit. */
int draw_wrap_rows(int cols, const char *s);
/* Row n (0-based) of s wrapped as draw_wrap() does, or NULL past the
 * last (caller frees). */
char *draw_wrap_line(int cols, const char *s, int n);
/* s cut or padded to exactly cols columns, as a new string (caller frees). */
char *draw_fit(const char *s, int cols);
/* A human size: "812 B", "3.4 KiB", "12.0 MiB" (buf of 16). */
void draw_size(char *buf, size_t size, long long bytes);

#endif
