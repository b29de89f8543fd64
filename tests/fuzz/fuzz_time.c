/*
 * Fuzz target: common/timeutil -- time_parse() and time_format() agree:
 * every time time_parse() accepts, time_format() writes, and parsing that
 * gives the same time back; time_format() of any 64-bit value either
 * succeeds with an RFC 3339 text in years 0000..9999 or fails with
 * "unknown" (never a placeholder like 0000-00-00T00:00:00Z).  Seeds and
 * regression inputs: tests/fuzz/corpus/time/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void format_any(int64_t t)
{
	char s[RFC3339_LEN];
	int64_t back;

	if (time_format(s, t)) {
		if (strcmp(s, "unknown") || (t >= TIME_FORMAT_MIN && t <= TIME_MAX))
			abort();
		return;
	}
	if (t < TIME_FORMAT_MIN || t > TIME_MAX || strlen(s) != RFC3339_LEN - 1 ||
	    time_parse(&back, s) || back != t)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	int64_t t;

	if (size >= 8) {
		uint64_t r = 0;

		for (int i = 0; i < 8; i++)
			r = r << 8 | data[i];
		format_any((int64_t)r);
	}
	if (!(s = malloc(size + 1)))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (time_parse(&t, s) == 0)
		format_any(t);
	if (duration_parse(&t, s) == 0 && t < 0)
		abort();
	free(s);
	return 0;
}
