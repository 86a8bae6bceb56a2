/*
 * Open a file with the desktop's viewer (xdg-open), in the background:
 * the TUI keeps its terminal, and the viewer's output never reaches it.
 */
#ifndef LANTIAN_VIEWER_H
#define LANTIAN_VIEWER_H

#include <jansson.h>

#include "tui/tui.h"

enum viewer_result {
	VIEWER_OPENED,		/* handed to xdg-open */
	VIEWER_NO_DESKTOP,	/* no DISPLAY nor WAYLAND_DISPLAY */
	VIEWER_NO_TOOL,		/* no xdg-open on PATH */
	VIEWER_FAILED,		/* fork failed (errno) */
};

enum viewer_result viewer_open(const char *path);

/*
 * o on a view listing attachments (record attachment objects, numbered
 * from 1 as shown): open the one there is, or ask which; every outcome
 * is said on the message line.  atts is borrowed and must outlive the
 * question.
 */
void viewer_key(struct tui *t, const json_t *atts);

#endif
