/*
 * Open a file with the desktop's viewer (xdg-open), in the background:
 * the TUI keeps its terminal, and the viewer's output never reaches it.
 */
#ifndef LANTIAN_VIEWER_H
#define LANTIAN_VIEWER_H

enum viewer_result {
	VIEWER_OPENED,		/* handed to xdg-open */
	VIEWER_NO_DESKTOP,	/* no DISPLAY nor WAYLAND_DISPLAY */
	VIEWER_NO_TOOL,		/* no xdg-open on PATH */
	VIEWER_FAILED,		/* fork failed (errno) */
};

enum viewer_result viewer_open(const char *path);

#endif
