/*
 * The names a remote's trees and refs hold, as import reads them: branch
 * names, record, attachment and roster paths, and the office's document
 * paths.  Whatever a path accepted is, it must be the one the layout
 * writes for what it names (a round trip), and never leave its folder.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bagit.h"
#include "core/office.h"
#include "sync/layout.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = fuzz_str(data, size), buf[256], sha[65];
	char	 keyid[KEY_ID_HEX], id[OFFICE_ID_MAX];
	int64_t	 seq;
	int	 sig;

	(void)layout_branch(s, keyid);
	if (layout_parse_record_path(s, &seq, &sig)) {
		layout_record_path(buf, sizeof buf, seq, sig);
		if (strcmp(buf, s) != 0)
			abort();	/* two names for one record */
	}
	if (layout_parse_attachment_path(s, sha)) {
		layout_attachment_path(buf, sizeof buf, sha);
		if (strcmp(buf, s) != 0)
			abort();
	}
	if ((layout_parse_roster_path(s) || office_doc_kind(s, id) !=
	    OFFICE_NONE) && !bagit_path_ok(s))
		abort();	/* a name that leaves its folder */
	free(s);
	return 0;
}
