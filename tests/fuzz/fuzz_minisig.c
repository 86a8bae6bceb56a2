/*
 * The signed files of a remote: minisign signature files, public keys
 * and the office's roster entries.
 */
#include "config.h"

#include <stdlib.h>

#include "core/error.h"
#include "core/key.h"
#include "core/roster.h"
#include "core/sig.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct roster_entry	e;
	struct key_public	pk;
	struct sig		s;
	char			*text = fuzz_str(data, size);

	if (sig_parse(text, size, &s) == 0)
		sig_clear(&s);
	(void)key_public_parse(text, size, &pk);
	if (roster_parse(&e, text, size) == 0)
		roster_entry_clear(&e);
	error_clear();
	free(text);
	return 0;
}
