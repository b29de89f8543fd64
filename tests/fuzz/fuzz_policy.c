/*
 * Fuzz target: policy_parse(), the gate policy (YAML: frameworks, require,
 * exclude with justifications, fail-on, max-age, warn-before), checked
 * against the built-in catalogues (run from the source tree).  Seeds and
 * regression inputs: tests/fuzz/corpus/policy/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../controls/catalog.h"
#include "../../mappings/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/fuzz/driver.c: mutations per `make test` run. */
const long fuzz_driver_iterations = 50000;

/* Loaded once and kept (reachable, so not a leak). */
static struct catalogs cs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int loaded;
	struct gate_policy p;

	if (!loaded++) {
		setenv("AUDITPACK_DATA", ".", 0);
		if (catalogs_load(&cs, NULL))
			memset(&cs, 0, sizeof(cs));
	}
	if (policy_parse(&p, &cs, "gate.yaml", (const char *)data, size) == 0) {
		policy_check_scope(&p);
		policy_free(&p);
	}
	return 0;
}
