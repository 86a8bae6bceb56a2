/*
 * Records as import reads them from a remote: record_parse() (the JSON
 * object and its fields) and record_peek() (the fast header reader),
 * which must agree on every record both accept.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/record.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record		r;
	struct record_peek	p;
	int			parsed, peeked;

	parsed = record_parse(&r, (const char *)data, size) == 0;
	peeked = record_peek((const char *)data, size, &p) == 0;
	if (parsed && peeked && (p.seq != r.seq || strcmp(p.device,
	    r.device) != 0 || strcmp(p.type, r.type) != 0 ||
	    strcmp(p.created, r.created) != 0))
		abort();	/* the two readers disagree */
	if (parsed)
		record_clear(&r);
	error_clear();
	return 0;
}
