#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/datadir.h"
#include "core/error.h"
#include "core/util.h"
#include "tests/fuzz/fuzz.h"

static char		*fuzz_dir;
static struct datadir	*fuzz_dd;

static void
fuzz_cleanup(void)
{
	char	*cmd;

	if (fuzz_dd != NULL)
		datadir_close(fuzz_dd);
	if (fuzz_dir != NULL) {
		cmd = xasprintf("rm -rf '%s'", fuzz_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "fuzz: cannot remove %s\n", fuzz_dir);
		free(cmd);
	}
}

static const char *
fuzz_tmp(void)
{
	const char	*base = getenv("TMPDIR");

	if (fuzz_dir == NULL) {
		if (util_init() != 0)
			abort();
		fuzz_dir = xasprintf("%s/lantian-fuzz.XXXXXX", base != NULL &&
		    *base != '\0' ? base : "/tmp");
		if (mkdtemp(fuzz_dir) == NULL)
			abort();
		atexit(fuzz_cleanup);
	}
	return fuzz_dir;
}

struct datadir *
fuzz_datadir(void)
{
	char	*path;

	if (fuzz_dd == NULL) {
		path = xasprintf("%s/data", fuzz_tmp());
		if (datadir_open(&fuzz_dd, path, 1) != 0) {
			fprintf(stderr, "fuzz: %s\n", error_msg());
			abort();
		}
		free(path);
	}
	return fuzz_dd;
}

const char *
fuzz_scratch(const char *suffix)
{
	static char	buf[4096];

	snprintf(buf, sizeof buf, "%s/input%s", fuzz_tmp(), suffix);
	return buf;
}

int
fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	FILE	*f;
	int	 rc = 0;

	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	if (size > 0 && fwrite(data, 1, size, f) != size)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

char *
fuzz_str(const uint8_t *data, size_t size)
{
	char	*s = xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
