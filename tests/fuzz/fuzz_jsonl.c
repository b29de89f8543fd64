/*
 * Fuzz target: JSON-lines access logs, with the mutations aimed at the time
 * field: epoch seconds or milliseconds as integers or floats (1e300,
 * -9223372036854775808) and RFC 3339 strings with offsets.  Asserts the
 * logfmt contract (logfmt_check.h).  Seeds and regression inputs:
 * tests/fuzz/corpus/jsonl/.
 */
#include "logfmt_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const tmpls[] = {
	"{\"ts\":%,\"user\":\"alice\",\"status\":200}",
	"{\"ts\":\"%\",\"user\":\"alice\",\"status\":403}",
	"{\"meta\":{\"t\":%},\"user\":\"alice\"}",
	"{\"ts\":1764324000,\"user\":%,\"status\":200}",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logfmt_opts o;

	memset(&o, 0, sizeof(o));
	o.format = LOGFMT_JSONL;
	o.fields.time = size && (data[0] & 0x80) ? "meta.t" : "ts";
	o.fields.user = "user";
	o.fields.status = "status";
	logfmt_fuzz(&o, tmpls, sizeof(tmpls) / sizeof(tmpls[0]), data, size);
	return 0;
}
