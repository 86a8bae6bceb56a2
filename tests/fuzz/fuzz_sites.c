/* The site register's CSV (sites import), into a scratch store. */
#include "config.h"

#include <stdlib.h>

#include "core/datadir.h"
#include "core/db.h"
#include "core/error.h"
#include "core/site.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct datadir	*dd = fuzz_datadir();
	const char	*path = fuzz_scratch(".csv");
	int		 n;

	if (fuzz_write(path, data, size) != 0)
		abort();
	if (db_begin(dd->db) != 0)
		abort();
	(void)site_import_csv(dd->db, path, &n);
	db_rollback(dd->db);
	error_clear();
	return 0;
}
