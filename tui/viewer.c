#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"
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
