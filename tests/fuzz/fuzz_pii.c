/*
 * Fuzz target: pii_scrub() on any text (a log line, a document with
 * private-key blocks), in each mode.  The first byte picks the mode; the
 * rest is the text.  In "keep" mode the output must equal the input
 * unless a secret was found (secrets are redacted in every mode).
 * Seeds and regression inputs: tests/fuzz/corpus/pii/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../collectors/collector.h"
#include "../../collectors/pii.h"
#include "../../common/buf.h"
#include "../../store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pii *pii; /* compiled once, kept */
	static const uint8_t secret[STORE_SECRET_LEN] = { 7 };
	enum pii_mode mode;
	struct pii_counts c;
	struct buf out = { 0 };

	if (size < 1)
		return 0;
	if (!pii && pii_new(&pii, secret))
		abort();
	mode = data[0] % 3 == 0 ? PII_PSEUDONYMISE : data[0] % 3 == 1 ? PII_REDACT : PII_KEEP;
	memset(&c, 0, sizeof(c));
	if (pii_scrub(pii, mode, (const char *)data + 1, size - 1, &out, &c) == 0 &&
	    mode == PII_KEEP && !c.n[PII_SECRET] &&
	    (out.len != size - 1 || (out.len && memcmp(out.data, data + 1, out.len))))
		abort();
	buf_free(&out);
	return 0;
}
