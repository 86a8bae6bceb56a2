/*
 * The selection of a list on screen: which line is selected and which is
 * first shown, moved by the usual keys.  The rows themselves belong to the
 * screen (in memory, or a window over a paged query).
 */
#ifndef LANTIAN_LIST_H
#define LANTIAN_LIST_H

#include "tui/tui.h"

struct list {
	int	n;	/* lines */
	int	sel;	/* selected, 0 .. n-1 (0 when empty) */
	int	top;	/* first shown */
};

/*
 * Up/Down (and k/j), PgUp/PgDn (and b/space), Home/End (and g/G) over a
 * list shown in rows rows: TUI_REDRAW when the selection moved,
 * TUI_HANDLED when it could not move, TUI_UNHANDLED for other keys.
 * letters: whether the letter keys are the list's (no search field).
 */
int list_key(struct list *l, const struct tui_key *k, int rows, int letters);
/* Keep the selection in 0 .. n-1 and in sight of rows rows. */
void list_fix(struct list *l, int rows);
/*
 * Every list shows where it is: "↑" right of its first row (y) when rows
 * are above it, "↓" right of its last row when more follow, in the last
 * column of the screen, which a list's rows leave blank.
 */
void list_draw_marks(const struct list *l, int y, int rows);
/*
 * "pos/total" (the selection's place among what the list counts: sites,
 * not headings) right-aligned on row y, ending two columns from the
 * edge; nothing when total is 0.  Returns the columns it took.
 */
int list_draw_where(int y, int pos, int total);

#endif
