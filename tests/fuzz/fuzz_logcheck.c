/*
 * Fuzz target for the sample line a refused first run shows
 * (collectors/logcheck.h): any bytes, read as a line of the format the
 * first byte picks, give a bounded, NUL-terminated sample without control
 * characters.
 *
 * libFuzzer:  clang -fsanitize=fuzzer,address,undefined ... (make fuzz)
 * otherwise:  tests/fuzz/driver.c runs it on seeds and random mutations.
 * Seeds and regression inputs: tests/fuzz/corpus/logcheck/ (crash-clf-past-end
 * read one byte past a short common-log-shaped line).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../collectors/logcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Made once and kept (reachable, so not a leak). */
static struct pii *pii;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[STORE_SECRET_LEN];
	struct logfmt_opts o;
	char *s = NULL;

	if (size < 1 || (!pii && pii_new(&pii, key)))
		return 0;
	memset(&o, 0, sizeof(o));
	o.format = (enum logfmt)(data[0] % 5);
	o.fields.time = "ts";
	o.fields.user = data[0] & 0x80 ? "a.b.user" : "user";
	if (logcheck_sample(&s, pii, &o, (const char *)data + 1, size - 1) == 0) {
		if (strlen(s) > LOGCHECK_SAMPLE_MAX + 3)
			abort();
		for (const char *p = s; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
		free(s);
	}
	return 0;
}
