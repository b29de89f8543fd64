/*
 * Fuzz target: catalog_load(), the OSCAL catalogue loader (XML checked
 * against the OSCAL catalog schema, then walked for groups, controls,
 * labels and parts).  Run from the source tree (the schema is read from
 * controls/schema/).  Seeds and regression inputs:
 * tests/fuzz/corpus/catalog/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../controls/catalog.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/fuzz/driver.c: mutations per `make test` run. */
const long fuzz_driver_iterations = 5000;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog c;
	const char *path;

	setenv("AUDITPACK_DATA", ".", 0);
	if (!(path = fuzz_file(data, size)))
		abort();
	memset(&c, 0, sizeof(c));
	if (catalog_load(&c, path, "fuzz") == 0) {
		for (size_t i = 0; i < c.n; i++)
			catalog_find(&c, c.v[i].id);
		catalog_find(&c, "A. 5.1");
	}
	catalog_free(&c);
	return 0;
}
