/*
 * Fuzz target for the parsers of untrusted text in store/ and common/:
 * signed notes, checkpoints, leaf texts, verifier keys, base64, times and
 * durations; and the gate policy (YAML, checked against the built-in
 * catalogues when they are found: run from the source tree).  The first
 * byte picks the parser; the rest is its input.
 *
 * libFuzzer:  clang -fsanitize=fuzzer,address,undefined ... (make fuzz)
 * otherwise:  tests/fuzz/driver.c runs it on seeds and random mutations.
 * Seeds and regression inputs: tests/fuzz/corpus/parsers/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../collectors/sources.h"
#include "../../common/encode.h"
#include "../../common/timeutil.h"
#include "../../controls/catalog.h"
#include "../../mappings/policy.h"
#include "../../store/entry.h"
#include "../../store/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loaded once and kept (reachable, so not a leak). */
static struct catalogs cs;

static void policy(const uint8_t *data, size_t size)
{
	static int loaded;
	struct gate_policy p;

	if (!loaded++) {
		setenv("AUDITPACK_DATA", ".", 0);
		if (catalogs_load(&cs, NULL))
			memset(&cs, 0, sizeof(cs));
	}
	if (policy_parse(&p, &cs, "fuzz.yaml", (const char *)data, size) == 0)
		policy_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	struct note n;
	struct checkpoint cp;
	struct entry e;
	uint8_t out[256], digest[32], pub[32];
	char name[NOTE_MAX_NAME];
	uint32_t id;
	size_t len;
	int64_t t;

	if (size < 1)
		return 0;
	/* A NUL-terminated copy for the string parsers; the (buf, len) ones get
	 * the exact bytes. */
	if (!(s = malloc(size)))
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 8) {
	case 0:
		if (note_parse(&n, (const char *)data + 1, size - 1) == 0)
			checkpoint_parse(&cp, n.text, n.text_len);
		break;
	case 1:
		checkpoint_parse(&cp, (const char *)data + 1, size - 1);
		break;
	case 2:
		memset(&e, 0, sizeof(e));
		entry_leaf_parse(&e, digest, (const char *)data + 1, size - 1);
		entry_free(&e);
		break;
	case 3:
		note_vkey_parse(s, name, &id, pub);
		break;
	case 4:
		b64_decode(out, sizeof(out), &len, (const char *)data + 1, size - 1);
		break;
	case 5:
		time_parse(&t, s);
		time_parse_arg(&t, s);
		break;
	case 6: {
		char w[64];

		duration_parse(&t, s);
		sources_witness_line((const char *)data + 1, size - 1, w, sizeof(w));
		break;
	}
	case 7:
		policy(data + 1, size - 1);
		break;
	}
	free(s);
	return 0;
}
