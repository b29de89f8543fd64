/*
 * Fuzz target for the deployment profile's parsers: auditpack.yaml (with
 * its profile: and retention: sections), retention periods, and the region
 * lists of mappings/regions/.  The first byte picks the parser; the rest is
 * its input.
 *
 * libFuzzer:  clang -fsanitize=fuzzer,address,undefined ... (make fuzz)
 * otherwise:  tests/fuzz/driver.c runs it on seeds and random mutations.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../collectors/sources.h"
#include "../../common/profile.h"
#include "../../mappings/regions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sources cfg;
	struct period p;
	char place[64], *s;

	if (size < 1)
		return 0;
	if (!(s = malloc(size)))
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		if (sources_parse(&cfg, "fuzz.yaml", (const char *)data + 1, size - 1) == 0)
			sources_free(&cfg);
		break;
	case 1:
		if (period_parse(&p, s) == 0)
			(void)period_before(0, &p);
		break;
	case 2:
		regions_parse_contains((const char *)data + 1, size - 1, "ap-south-1", place,
				       sizeof(place));
		break;
	}
	free(s);
	return 0;
}
