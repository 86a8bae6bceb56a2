#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/util.h"
#include "tui/draw.h"

static int	draw_mono;

/* Colour pairs, one per part. */
static const struct {
	short	fg, bg;
	attr_t	extra;		/* added in colour */
	attr_t	mono;		/* the monochrome high-contrast look */
} draw_parts[DRAW_NPARTS] = {
	[DRAW_NORMAL] = { -1, -1, 0, A_NORMAL },
	[DRAW_TITLE] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD },
	[DRAW_BAR] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[DRAW_KEY] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_BOLD },
	[DRAW_SELECT] = { COLOR_BLACK, COLOR_YELLOW, 0, A_REVERSE | A_BOLD },
	[DRAW_HEAD] = { COLOR_BLUE, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[DRAW_DIM] = { COLOR_CYAN, -1, 0, A_NORMAL },
	[DRAW_ERROR] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_REVERSE },
	[DRAW_WARN] = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
	[DRAW_OK] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[DRAW_FIELD] = { -1, -1, A_UNDERLINE, A_UNDERLINE },
};

void
draw_theme(int mono)
{
	int	i;

	draw_mono = mono || !has_colors();
	if (draw_mono)
		return;
	start_color();
	use_default_colors();
	for (i = 1; i < DRAW_NPARTS; i++)
		init_pair((short)i, draw_parts[i].fg, draw_parts[i].bg);
}

attr_t
draw_attr(enum draw_part part)
{
	if (part <= DRAW_NORMAL || part >= DRAW_NPARTS)
		return A_NORMAL;
	if (draw_mono)
		return draw_parts[part].mono;
	return COLOR_PAIR(part) | draw_parts[part].extra;
}

/*
 * The next character of s as it will be shown, and its width; *s moves
 * past it.  Control and unprintable characters come out as '?', so
 * nothing from a record can reach the terminal raw; so do bidi controls,
 * which would turn what follows them around.
 */
static wchar_t
draw_next(const char **s, int *width)
{
	mbstate_t	 ps;
	wchar_t		 wc;
	size_t		 n;
	int		 w;

	memset(&ps, 0, sizeof ps);
	n = mbrtowc(&wc, *s, strnlen(*s, MB_LEN_MAX), &ps);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		(*s)++;
		*width = 1;
		return L'?';
	}
	*s += n;
	if (wc == L'\t')
		wc = L' ';
	if (wc < 0x20 || wc == 0x7f || (wc >= 0x80 && wc < 0xa0) ||
	    util_is_bidi((unsigned long)wc) ||
	    util_is_invisible((unsigned long)wc) || (w = wcwidth(wc)) < 0) {
		*width = 1;
		return L'?';
	}
	*width = w;
	return wc;
}

int
draw_width(const char *s)
{
	int	w, total = 0;

	if (s == NULL)
		return 0;
	while (*s != '\0') {
		draw_next(&s, &w);
		total += w;
	}
	return total;
}

/* Put one character at the cursor (wide characters as they are). */
static void
draw_put(wchar_t wc, attr_t a)
{
	cchar_t	cc;
	wchar_t	wstr[2] = { wc, L'\0' };

	setcchar(&cc, wstr, a, (short)PAIR_NUMBER(a), NULL);
	add_wch(&cc);
}

int
draw_str(int y, int x, int cols, const char *s, attr_t a)
{
	const char	*p;
	wchar_t		 wc;
	int		 w, used = 0, total;

	if (s == NULL || cols <= 0)
		return 0;
	total = draw_width(s);
	move(y, x);
	for (p = s; *p != '\0';) {
		wc = draw_next(&p, &w);
		if (w == 0 && used == 0)
			continue;
		/* Leave a column for "…" when the rest does not fit. */
		if (total > cols && used + w > cols - 1) {
			draw_put(L'…', a);
			used++;
			break;
		}
		if (used + w > cols)
			break;
		draw_put(wc, a);
		used += w;
	}
	return used;
}

void
draw_line(int y, int x, int cols, const char *s, attr_t a)
{
	int	used = draw_str(y, x, cols, s, a);

	draw_fill(y, x + used, cols - used, a);
}

int
draw_printf(int y, int x, int cols, attr_t a, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 used;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	used = draw_str(y, x, cols, s, a);
	free(s);
	return used;
}

void
draw_fill(int y, int x, int cols, attr_t a)
{
	int	i;

	if (cols <= 0)
		return;
	move(y, x);
	for (i = 0; i < cols; i++)
		draw_put(L' ', a);
}

/*
 * Where the line that starts at s ends when wrapped to cols columns: the
 * returned pointer is the start of the next line (spaces at the break
 * skipped); *end is where this line's text ends.
 */
static const char *
draw_break(const char *s, int cols, const char **end)
{
	const char	*p = s, *last_space = NULL, *last_wide = NULL, *q;
	wchar_t		 wc;
	int		 w, used = 0;

	while (*p != '\0' && *p != '\n') {
		q = p;
		wc = draw_next(&q, &w);
		if (used + w > cols && used > 0) {
			/* Chinese breaks before or after any of its
			 * characters, Latin text at a space. */
			if (w < 2 && wc != L' ' && (last_space != NULL ||
			    last_wide != NULL)) {
				*end = last_space != NULL && (last_wide == NULL
				    || last_space > last_wide) ? last_space :
				    last_wide;
				p = *end;
			} else
				*end = p;
			while (*p == ' ')
				p++;
			return p;
		}
		if (wc == L' ')
			last_space = p;
		else if (w == 2)
			last_wide = q;
		used += w;
		p = q;
	}
	*end = p;
	return *p == '\n' ? p + 1 : p;
}

int
draw_wrap(int y, int x, int cols, int maxrows, const char *s, attr_t a)
{
	const char	*end, *next;
	char		*line;
	int		 rows = 0;

	if (s == NULL)
		return 0;
	while (*s != '\0' && rows < maxrows) {
		next = draw_break(s, cols, &end);
		if (rows == maxrows - 1 && *next != '\0') {
			/* The last row we may use: cut the rest with "…". */
			const char *stop = strchr(s, '\n');
			line = stop != NULL ? xstrndup(s, (size_t)(stop - s)) :
			    xstrdup(s);
			if (draw_width(line) <= cols) {
				free(line);
				line = xasprintf("%.*s …", (int)(end - s), s);
			}
		} else
			line = xstrndup(s, (size_t)(end - s));
		draw_str(y + rows, x, cols, line, a);
		free(line);
		rows++;
		if (next == s)
			break;
		s = next;
	}
	return rows;
}

int
draw_wrap_rows(int cols, const char *s)
{
	const char	*end, *next;
	int		 rows = 0;

	if (s == NULL)
		return 0;
	while (*s != '\0') {
		next = draw_break(s, cols, &end);
		rows++;
		if (next == s)
			break;
		s = next;
	}
	return rows;
}

char *
draw_wrap_line(int cols, const char *s, int n)
{
	const char	*end, *next;

	if (s == NULL)
		return NULL;
	while (*s != '\0') {
		next = draw_break(s, cols, &end);
		if (n-- == 0)
			return xstrndup(s, (size_t)(end - s));
		if (next == s)
			break;
		s = next;
	}
	return NULL;
}

char *
draw_fit(const char *s, int cols)
{
	const char	*p = s != NULL ? s : "", *q;
	char		*out;
	size_t		 len = 0;
	int		 w, used = 0, total = draw_width(p);

	out = xmalloc(strlen(p) + (size_t)cols + 8);
	while (*p != '\0') {
		mbstate_t	ps;
		wchar_t		wc;
		size_t		n;

		q = p;
		wc = draw_next(&q, &w);
		if (total > cols && used + w > cols - 1) {
			memcpy(out + len, "…", 3);
			len += 3;
			used++;
			break;
		}
		if (used + w > cols)
			break;
		memset(&ps, 0, sizeof ps);
		/* The character as shown: never longer than its source. */
		if ((n = wcrtomb(out + len, wc, &ps)) == (size_t)-1)
			out[len++] = '?';
		else
			len += n;
		used += w;
		p = q;
	}
	while (used++ < cols)
		out[len++] = ' ';
	out[len] = '\0';
	return out;
}

void
draw_size(char *buf, size_t size, long long bytes)
{
	if (bytes < 1024)
		snprintf(buf, size, "%lld B", bytes);
	else if (bytes < 1024 * 1024)
		snprintf(buf, size, "%.1f KiB", (double)bytes / 1024);
	else
		snprintf(buf, size, "%.1f MiB", (double)bytes / 1048576);
}
