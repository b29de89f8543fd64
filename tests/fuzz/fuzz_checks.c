/*
 * Fuzz target: checks_load_file(), the check-file loader (XML checked
 * against mappings/checks.xsd, then rules, params and control mappings
 * resolved against the built-in catalogues).  Run from the source tree.
 * Seeds and regression inputs: tests/fuzz/corpus/checks/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../controls/catalog.h"
#include "../../mappings/checks.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/fuzz/driver.c: mutations per `make test` run. */
const long fuzz_driver_iterations = 5000;

/* Loaded once and kept (reachable, so not a leak). */
static struct catalogs cs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int loaded;
	struct checkset ks;
	const char *path;

	if (!loaded++) {
		setenv("AUDITPACK_DATA", ".", 0);
		if (catalogs_load(&cs, NULL))
			memset(&cs, 0, sizeof(cs));
	}
	if (!(path = fuzz_file(data, size)))
		abort();
	if (checks_load_file(&ks, &cs, path) == 0)
		checks_free(&ks);
	return 0;
}
