/*
 * Fuzz target: combined and common access-log lines, with the mutations
 * aimed at the time ("[10/Oct/2000:13:55:36 -0700]") and the response size
 * (any run of digits: a 64-bit count, saturating).  Asserts the logfmt
 * contract (logfmt_check.h).  Seeds and regression inputs:
 * tests/fuzz/corpus/clf/.
 */
#include "logfmt_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const tmpls[] = {
	"10.0.0.1 - alice [%] \"GET /a HTTP/1.1\" 200 512 \"-\" \"curl/8\"",
	"10.0.0.1 - alice [28/Nov/2026:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 % \"-\" \"curl/8\"",
	"10.0.0.1 - alice [%] \"GET /a HTTP/1.1\" 200 3000000000",
	"10.0.0.1 - bob [28/Nov/2026:10:00:00 +0000] \"GET /a HTTP/1.1\" % 3000000000",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logfmt_opts o;

	memset(&o, 0, sizeof(o));
	o.format = size && (data[0] & 0x80) ? LOGFMT_COMMON : LOGFMT_COMBINED;
	logfmt_fuzz(&o, tmpls, sizeof(tmpls) / sizeof(tmpls[0]), data, size);
	return 0;
}
