/*
 * Fuzz target: the configuration parsers behind config_parse() - JSON,
 * YAML, INI and .env - with key names scrubbed for personal data or not.
 * The first byte picks the format (low two bits) and whether key names go
 * through pii_scrub (bit 2); the rest is the document.  Every scalar the
 * parser emits must lie in memory it may read: the sink touches each byte.
 * Seeds and regression inputs: tests/fuzz/corpus/config/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../collectors/config.h"
#include "../../collectors/pii.h"
#include "../../store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/fuzz/driver.c: mutations per `make test` run. */
const long fuzz_driver_iterations = 100000;

static int emit(void *arg, const char *path, size_t path_len, const char *value,
		size_t value_len, bool secret, bool literal, int line)
{
	unsigned *sum = arg;

	(void)secret;
	(void)literal;
	if (line < 0)
		abort();
	for (size_t i = 0; i < path_len; i++)
		*sum += (unsigned char)path[i];
	for (size_t i = 0; i < value_len; i++)
		*sum += (unsigned char)value[i];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum config_format fmts[] = { CONFIG_JSON, CONFIG_YAML, CONFIG_INI, CONFIG_ENV };
	static struct pii *pii; /* compiled once, kept */
	static const uint8_t secret[STORE_SECRET_LEN] = { 1, 2, 3 };
	struct config_sink sink;
	unsigned sum = 0;

	if (size < 1)
		return 0;
	if (!pii && pii_new(&pii, secret))
		abort();
	memset(&sink, 0, sizeof(sink));
	sink.emit = emit;
	sink.arg = &sum;
	sink.pii = data[0] & 4 ? pii : NULL;
	config_parse(fmts[data[0] & 3], "fuzz", (const char *)data + 1, size - 1, &sink);
	return 0;
}
