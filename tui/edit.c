#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/util.h"
#include "tui/draw.h"
#include "tui/edit.h"

static wchar_t *
edit_alloc(size_t n, int secret)
{
	wchar_t	*p;

	if (!secret)
		return xcalloc(n, sizeof(wchar_t));
	if ((p = sodium_allocarray(n, sizeof(wchar_t))) == NULL)
		util_fatal("out of memory");
	memset(p, 0, n * sizeof(wchar_t));
	return p;
}

void
edit_init(struct edit *e, const char *text, size_t max, int secret)
{
	memset(e, 0, sizeof *e);
	e->max = max > 0 ? max : 1024;
	e->secret = secret;
	e->buf = edit_alloc(e->max + 1, secret);
	edit_set(e, text);
}

void
edit_free(struct edit *e)
{
	if (e->buf == NULL)
		return;
	if (e->secret)
		sodium_free(e->buf);
	else
		free(e->buf);
	e->buf = NULL;
	e->len = e->cur = 0;
}

void
edit_set(struct edit *e, const char *text)
{
	mbstate_t	 ps;
	const char	*p = text;
	wchar_t		 wc;
	size_t		 n;

	e->len = 0;
	memset(&ps, 0, sizeof ps);
	while (p != NULL && *p != '\0' && e->len < e->max) {
		n = mbrtowc(&wc, p, strnlen(p, MB_LEN_MAX), &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&ps, 0, sizeof ps);
			p++;
			continue;
		}
		p += n;
		if (wc >= 0x20 && wc != 0x7f && !(wc >= 0x80 && wc < 0xa0))
			e->buf[e->len++] = wc;
	}
	e->cur = e->len;
	e->top = 0;
}

/* Is the character one a field takes? */
static int
edit_printable(wint_t ch)
{
	if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0))
		return 0;
	return wcwidth((wchar_t)ch) >= 0;
}

int
edit_key(struct edit *e, const struct tui_key *k)
{
	if (k->code == 0 && edit_printable(k->ch)) {
		if (e->len >= e->max)
			return 0;
		memmove(e->buf + e->cur + 1, e->buf + e->cur,
		    (e->len - e->cur) * sizeof(wchar_t));
		e->buf[e->cur++] = (wchar_t)k->ch;
		e->len++;
		return 1;
	}
	switch (k->code != 0 ? k->code : -(int)k->ch) {
	case KEY_LEFT:
	case -TUI_CTRL('b'):
		if (e->cur > 0)
			e->cur--;
		return 0;
	case KEY_RIGHT:
	case -TUI_CTRL('f'):
		if (e->cur < e->len)
			e->cur++;
		return 0;
	case KEY_HOME:
	case -TUI_CTRL('a'):
		e->cur = 0;
		return 0;
	case KEY_END:
	case -TUI_CTRL('e'):
		e->cur = e->len;
		return 0;
	case KEY_BACKSPACE:
	case -0x7f:
	case -TUI_CTRL('h'):
		if (e->cur == 0)
			return 0;
		e->cur--;
		/* FALLTHROUGH */
	case KEY_DC:
	case -TUI_CTRL('d'):
		if (e->cur == e->len)
			return 0;
		memmove(e->buf + e->cur, e->buf + e->cur + 1,
		    (e->len - e->cur - 1) * sizeof(wchar_t));
		e->len--;
		return 1;
	case -TUI_CTRL('u'):
		if (e->cur == 0)
			return 0;
		memmove(e->buf, e->buf + e->cur,
		    (e->len - e->cur) * sizeof(wchar_t));
		e->len -= e->cur;
		e->cur = 0;
		return 1;
	case -TUI_CTRL('k'):
		if (e->cur == e->len)
			return 0;
		e->len = e->cur;
		return 1;
	}
	return -1;
}

/* The UTF-8 of the text into out (size bytes at least len * MB_CUR_MAX). */
static size_t
edit_utf8(const struct edit *e, char *out)
{
	mbstate_t	ps;
	size_t		i, n, used = 0;

	memset(&ps, 0, sizeof ps);
	for (i = 0; i < e->len; i++) {
		if ((n = wcrtomb(out + used, e->buf[i], &ps)) == (size_t)-1) {
			memset(&ps, 0, sizeof ps);
			out[used++] = '?';
		} else
			used += n;
	}
	out[used] = '\0';
	return used;
}

char *
edit_text(const struct edit *e)
{
	char	*out = xmalloc(e->len * MB_LEN_MAX + 1);

	edit_utf8(e, out);
	return out;
}

char *
edit_secret(const struct edit *e, size_t *len)
{
	char	*out;

	if ((out = sodium_malloc(e->len * MB_LEN_MAX + 1)) == NULL)
		util_fatal("out of memory");
	*len = edit_utf8(e, out);
	return out;
}

void
edit_secret_free(char *s)
{
	if (s != NULL)
		sodium_free(s);
}

int
edit_empty(const struct edit *e)
{
	return e->len == 0;
}

/* The width a character takes in the field. */
static int
edit_cw(const struct edit *e, size_t i)
{
	int	w;

	if (e->secret)
		return 1;
	w = wcwidth(e->buf[i]);
	return w < 0 ? 1 : w;
}

void
edit_draw(struct edit *e, struct tui *t, int y, int x, int cols, int rows)
{
	attr_t	 a = draw_attr(DRAW_FIELD);
	size_t	 i;
	int	 row = 0, col = 0, cy = 0, cx = 0, r, w;

	if (cols < 2 || rows < 1)
		return;
	/* Lay out once to find the cursor's row, then scroll to it. */
	for (i = 0; i <= e->len; i++) {
		if (i == e->cur) {
			cy = row;
			cx = col;
		}
		if (i == e->len)
			break;
		w = edit_cw(e, i);
		if (col + w > cols) {
			row++;
			col = 0;
			if (i == e->cur) {
				cy = row;
				cx = 0;
			}
		}
		col += w;
	}
	if (cx >= cols) {
		cy++;
		cx = 0;
	}
	if (cy < e->top)
		e->top = cy;
	if (cy >= e->top + rows)
		e->top = cy - rows + 1;
	for (r = 0; r < rows; r++)
		draw_fill(y + r, x, cols, a);
	row = col = 0;
	for (i = 0; i < e->len; i++) {
		w = edit_cw(e, i);
		if (col + w > cols) {
			row++;
			col = 0;
		}
		if (row >= e->top && row < e->top + rows) {
			cchar_t cc;
			wchar_t ws[2] = { e->secret ? L'*' : e->buf[i], 0 };

			setcchar(&cc, ws, a, (short)PAIR_NUMBER(a), NULL);
			mvadd_wch(y + row - e->top, x + col, &cc);
		}
		col += w;
	}
	tui_cursor(t, y + cy - e->top, x + cx);
}
