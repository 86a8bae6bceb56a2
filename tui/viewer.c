#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/attach.h"
#include "core/util.h"
#include "tui/screens.h"
#include "tui/viewer.h"

/* Is there an executable xdg-open on PATH? */
static int
viewer_found(void)
{
	const char	*path = getenv("PATH"), *p, *end;
	char		*file;
	struct stat	 st;
	int		 ok = 0;

	for (p = path != NULL ? path : "/usr/bin:/bin"; !ok && *p != '\0';
	    p = *end != '\0' ? end + 1 : end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		file = xasprintf("%.*s/xdg-open", (int)(end - p),
		    end == p ? "." : p);
		ok = stat(file, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(file, X_OK) == 0;
		free(file);
	}
	return ok;
}

enum viewer_result
viewer_open(const char *path)
{
	const char	*d = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
	pid_t		 pid;
	int		 fd, status;

	/* Without a desktop xdg-open would start a text browser on our
	 * terminal, under curses. */
	if ((d == NULL || *d == '\0') && (w == NULL || *w == '\0'))
		return VIEWER_NO_DESKTOP;
	if (!viewer_found())
		return VIEWER_NO_TOOL;
	if ((pid = fork()) < 0)
		return VIEWER_FAILED;
	if (pid == 0) {
		/* A grandchild of its own session: never our zombie, never
		 * on our terminal. */
		setsid();
		if ((fd = open("/dev/null", O_RDWR)) >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
		if (fork() == 0) {
			execlp("xdg-open", "xdg-open", path, (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return VIEWER_OPENED;
}

/* Open attachment n (1-based, as the view numbers them). */
static void
viewer_attachment(struct tui *t, const json_t *atts, size_t n)
{
	const json_t	*a = json_array_get(atts, n - 1);
	const char	*sha = json_string_value(json_object_get(a, "sha256"));
	const char	*name = json_string_value(json_object_get(a, "name"));
	char		*path;

	if (a == NULL || sha == NULL || strlen(sha) != 64 ||
	    !util_is_hex(sha, 64)) {
		tui_msg(t, _("No attachment %zu."), n);
		t->msg_error = 1;
		return;
	}
	if (name == NULL)
		name = "?";
	path = attach_path(t->dd->path, sha);
	if (!util_exists(path)) {
		tui_msg(t, _("%s is not on this laptop: it stays with the device "
		    "that took it, or the office."), name);
		t->msg_error = 1;
	} else {
		switch (viewer_open(path)) {
		case VIEWER_OPENED:
			tui_msg(t, _("%s opened with the desktop's viewer."),
			    name);
			break;
		case VIEWER_NO_DESKTOP:
			tui_msg(t, _("No desktop here: lantian attachments "
			    "extract %.12s --out FILE copies it."), sha);
			t->msg_error = 1;
			break;
		case VIEWER_NO_TOOL:
			tui_msg(t, _("No xdg-open here: lantian attachments "
			    "extract %.12s --out FILE copies it."), sha);
			t->msg_error = 1;
			break;
		case VIEWER_FAILED:
			tui_msg(t, _("%s could not be opened: %s"), name,
			    strerror(errno));
			t->msg_error = 1;
			break;
		}
	}
	free(path);
}

/* The number typed for o. */
static int
viewer_number(struct tui *t, void *arg, const char *text)
{
	const json_t	*atts = arg;
	char		*end;
	long		 n;

	if (text == NULL || *text == '\0')
		return 0;
	n = strtol(text, &end, 10);
	if (*end != '\0' || n < 1 || (size_t)n > json_array_size(atts)) {
		tui_msg(t, _("A number from 1 to %zu."),
		    json_array_size(atts));
		t->msg_error = 1;
		return 1;
	}
	viewer_attachment(t, atts, (size_t)n);
	return 0;
}

void
viewer_key(struct tui *t, const json_t *atts)
{
	struct tui_prompt	 p;
	char			*label;
	size_t			 n = json_array_size(atts);

	if (n == 0) {
		tui_msg(t, "%s", _("This record has no attachments."));
		return;
	}
	if (n == 1) {
		viewer_attachment(t, atts, 1);
		return;
	}
	label = xasprintf(_("Which attachment (1-%zu, as numbered in the "
	    "view)?"), n);
	memset(&p, 0, sizeof p);
	p.title = _("Open an attachment");
	p.label = label;
	p.max = 8;
	p.done = viewer_number;
	p.arg = (void *)atts;
	tui_prompt(t, &p);
	free(label);
}
