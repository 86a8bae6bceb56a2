/*
 * A whole serialized bag (a .tar file) given to verify-bundle: unpacked
 * into a private directory with every name checked, then verified.
 * Whatever the input, nothing may be written outside the scratch
 * directory and the verification must end with a verdict or an error.
 */
#include "config.h"

#include <stdlib.h>

#include "core/bundle.h"
#include "core/error.h"
#include "tests/fuzz/fuzz.h"

static void
fuzz_line(enum bundle_mark mark, const char *text, void *arg)
{
	(void)mark;
	(void)text;
	(void)arg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*path = fuzz_scratch(".tar");
	int		 failed;

	fuzz_datadir();		/* the scratch directory, once */
	if (fuzz_write(path, data, size) != 0)
		abort();
	(void)bundle_verify(path, NULL, fuzz_line, NULL, &failed);
	error_clear();
	return 0;
}
