/*
 * A stand-in for libFuzzer where clang is not installed: feeds the target
 * every seed below and a fixed number of deterministic random mutations of
 * them, so `make test` and `make check` (sanitizers) exercise the parsers
 * on hostile input every run.  Prints a cmocka-style summary.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const seeds[] = {
	"\x00" "o.example/log\n3\nTKspzbn8cVwkyICpqBfjeS/zwJoHANA80oNTr9XW9Oo=\n\n"
	"\xe2\x80\x94 o.example/log A/QL/4F9+J4qzs1L1iwCu2F63xFeAC/9Il5LKUfzkbxE5yKVRupUtK/UUwYZLqkxAfq1VyD9nmCmNh9ZgmmUDk1T5A0=\n",
	"\x01" "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
	"\x02" "auditpack/evidence/v1\nindex 4\nkind document\nsource documents\nsubject -\n"
	"effective 2026-11-29T06:03:21Z 2026-11-29T06:05:47Z\ncollected 2026-11-29T06:05:47Z\n"
	"attrs sha256:122842260bcf7e53ffef8b829ece1e14e0cc8a12cc7627a118a68d83055c88e2\n"
	"payload sha256:4b3790f55642a53f96520fda359548df11db9b34d455e5ee35c55cfb7c879812 3254\n",
	"\x03" "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
	"\x04" "Zm9vYmFy",
	"\x05" "2026-11-29T11:30:00.123+05:30",
	"\x06" "15m",
	"\x07" "frameworks: [iso27001, eu-ai-act]\nrequire: [\"hipaa:164.312(b)\", gdpr:art-32]\n"
	"exclude:\n  - control: \"iso27001:A.7.4\"\n    justification: >\n      no premises\n"
	"  - {control: eu-ai-act:art-5, justification: \"none\"}\n"
	"fail-on: [fail, stale, missing, manual]\nmax-age: 7d\nwarn-before: 12h\n",
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int main(int argc, char **argv)
{
	size_t nseeds = sizeof(seeds) / sizeof(seeds[0]);
	long iterations = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
	uint8_t buf[512];

	for (size_t i = 0; i < nseeds; i++) {
		size_t len = strlen(seeds[i] + 1) + 1;

		LLVMFuzzerTestOneInput((const uint8_t *)seeds[i], len);
	}
	for (long it = 0; it < iterations; it++) {
		const char *seed = seeds[next() % nseeds];
		size_t len = strlen(seed + 1) + 1, edits = 1 + next() % 8;

		memcpy(buf, seed, len);
		for (size_t e = 0; e < edits; e++) {
			size_t pos = 1 + next() % (len > 1 ? len - 1 : 1);

			switch (next() % 4) {
			case 0: buf[pos] = (uint8_t)next(); break;           /* flip a byte */
			case 1: buf[pos] ^= (uint8_t)(1u << (next() % 8)); break;
			case 2: len = pos; break;                            /* truncate */
			case 3:                                              /* duplicate a run */
				if (len + 16 < sizeof(buf)) {
					memmove(buf + pos + 16, buf + pos, len - pos);
					len += 16;
				}
				break;
			}
		}
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("[==========] fuzz_parsers: %zu seeds and %ld mutations run.\n", nseeds, iterations);
	printf("[  PASSED  ] 1 test(s).\n");
	return 0;
}
