#include "config.h"

#include <stdio.h>

#include "tui/draw.h"
#include "tui/list.h"

void
list_fix(struct list *l, int rows)
{
	if (rows < 1)
		rows = 1;
	if (l->sel >= l->n)
		l->sel = l->n - 1;
	if (l->sel < 0)
		l->sel = 0;
	if (l->top > l->sel)
		l->top = l->sel;
	if (l->sel >= l->top + rows)
		l->top = l->sel - rows + 1;
	if (l->top > l->n - rows)
		l->top = l->n - rows;
	if (l->top < 0)
		l->top = 0;
}

int
list_key(struct list *l, const struct tui_key *k, int rows, int letters)
{
	int	old = l->sel, code = k->code;

	if (code == 0 && letters) {
		switch (k->ch) {
		case 'k': code = KEY_UP; break;
		case 'j': code = KEY_DOWN; break;
		case ' ': code = KEY_NPAGE; break;
		case 'b': code = KEY_PPAGE; break;
		case 'g': code = KEY_HOME; break;
		case 'G': code = KEY_END; break;
		}
	}
	switch (code) {
	case KEY_UP:
		l->sel--;
		break;
	case KEY_DOWN:
		l->sel++;
		break;
	case KEY_PPAGE:
		l->sel -= rows;
		l->top -= rows;
		break;
	case KEY_NPAGE:
		l->sel += rows;
		l->top += rows;
		break;
	case KEY_HOME:
		l->sel = 0;
		break;
	case KEY_END:
		l->sel = l->n - 1;
		break;
	default:
		return TUI_UNHANDLED;
	}
	list_fix(l, rows);
	return l->sel != old ? TUI_REDRAW : TUI_HANDLED;
}

void
list_draw_marks(const struct list *l, int y, int rows)
{
	if (rows < 1)
		return;
	if (l->top > 0)
		draw_str(y, COLS - 1, 1, "↑", draw_attr(DRAW_DIM));
	if (l->top + rows < l->n)
		draw_str(y + rows - 1, COLS - 1, 1, "↓", draw_attr(DRAW_DIM));
}

int
list_draw_where(int y, int pos, int total)
{
	char	buf[32];
	int	w;

	if (total <= 0)
		return 0;
	snprintf(buf, sizeof buf, "%d/%d", pos, total);
	w = draw_width(buf);
	draw_str(y, COLS - 2 - w, w, buf, draw_attr(DRAW_DIM));
	return w;
}
