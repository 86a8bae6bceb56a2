/*
 * A text field: wide characters (CJK typed through an input method arrive
 * as characters), the cursor moving a character at a time whatever its
 * width, shown wrapped over one or more rows with the cursor where the
 * next character goes.
 *
 * Ownership: edit_init() allocates the buffer, edit_free() wipes and frees
 * it (secret fields are in sodium_malloc'd memory).
 */
#ifndef LANTIAN_EDIT_H
#define LANTIAN_EDIT_H

#include <stddef.h>
#include <wchar.h>

#include "tui/tui.h"

struct edit {
	wchar_t	*buf;		/* the text, not NUL-terminated */
	size_t	 len;		/* characters in buf */
	size_t	 cur;		/* cursor, 0 .. len */
	size_t	 max;		/* characters allowed */
	int	 secret;	/* shown as '*', kept in locked memory */
	int	 top;		/* first row shown when it scrolls */
};

/* Start with text (UTF-8, or NULL) and room for max characters. */
void edit_init(struct edit *e, const char *text, size_t max, int secret);
void edit_free(struct edit *e);
/* Replace the text, cursor at the end. */
void edit_set(struct edit *e, const char *text);
/*
 * A key: 1 when the text changed, 0 when only the cursor moved (handled),
 * -1 when the key is not the field's (Enter, Esc, Tab, function keys).
 */
int edit_key(struct edit *e, const struct tui_key *k);
/* The text as UTF-8 (caller frees; secret text: see edit_secret()). */
char *edit_text(const struct edit *e);
/*
 * Secret text as UTF-8 in sodium_malloc'd memory (*len bytes, NUL added);
 * free with edit_secret_free().
 */
char *edit_secret(const struct edit *e, size_t *len);
void edit_secret_free(char *s);
/* Is the field empty? */
int edit_empty(const struct edit *e);
/*
 * Paint the field at (y, x), cols wide and rows high (wrapping; it
 * scrolls to keep the cursor in sight), and put the terminal cursor in it.
 */
void edit_draw(struct edit *e, struct tui *t, int y, int x, int cols,
    int rows);

#endif
