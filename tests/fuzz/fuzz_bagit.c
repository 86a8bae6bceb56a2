/*
 * BagIt manifests as verify-bundle reads them: every path a parsed
 * manifest gives must stay in the bag.
 */
#include "config.h"

#include <stdlib.h>

#include "core/bagit.h"
#include "core/error.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bagit_entry	*e;
	size_t			 n, i;

	if (bagit_manifest_parse((const char *)data, size, &e, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (!bagit_path_ok(e[i].path))
				abort();
		}
		bagit_entries_free(e, n);
	}
	error_clear();
	return 0;
}
