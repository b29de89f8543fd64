/*
 * Fuzz target: sources_parse(), the list of sources in auditpack.yaml
 * (names, types, formats, paths, field maps, PII modes, commands and their
 * timeouts, rotation settings).  Seeds and regression inputs:
 * tests/fuzz/corpus/sources/.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../../collectors/sources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sources s;

	if (sources_parse(&s, "auditpack.yaml", (const char *)data, size) == 0)
		sources_free(&s);
	return 0;
}
