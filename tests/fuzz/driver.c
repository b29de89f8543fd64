/*
 * A stand-in for libFuzzer where clang is not installed: feeds the target
 * every seed and a fixed number of deterministic random mutations of them,
 * so `make test` and `make check` (sanitizers) exercise the parsers on
 * hostile input every run.  Prints a cmocka-style summary.
 *
 * Seeds: the ones below for fuzz_parsers, and for every target the files
 * in tests/fuzz/corpus/<name>/ (name: the binary's without "test_fuzz_"),
 * read from the current directory (tests/run.sh runs from the source tree).
 * Inputs that once crashed a target are kept there as regression inputs:
 * each runs unchanged first.
 */
#include <dirent.h>
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

struct seed {
	uint8_t *data;
	size_t len;
};

/* The files of tests/fuzz/corpus/<name>/ appended to *v (none: fine). */
static size_t load_corpus(const char *name, struct seed **v, size_t n)
{
	char dir[256], path[512];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "tests/fuzz/corpus/%s", name);
	if (!(d = opendir(dir)))
		return n;
	while ((de = readdir(d))) {
		struct seed *nv;
		FILE *f;
		long sz;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!(f = fopen(path, "rb")))
			continue;
		if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 && sz < (1 << 20) &&
		    fseek(f, 0, SEEK_SET) == 0 && (nv = realloc(*v, (n + 1) * sizeof(**v)))) {
			*v = nv;
			nv[n].len = (size_t)sz;
			if ((nv[n].data = malloc(nv[n].len + 1)) &&
			    fread(nv[n].data, 1, nv[n].len, f) == nv[n].len)
				n++;
			else
				free(nv[n].data);
		}
		fclose(f);
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	long iterations = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
	struct seed *v = NULL;
	size_t nseeds = 0, nfiles, cap = 0;
	uint8_t *buf;

	if (!strncmp(name, "test_", 5))
		name += 5;
	if (!strncmp(name, "fuzz_", 5))
		name += 5;
	if (!strcmp(name, "parsers")) {
		nseeds = sizeof(seeds) / sizeof(seeds[0]);
		if (!(v = calloc(nseeds, sizeof(*v))))
			return 1;
		for (size_t i = 0; i < nseeds; i++) {
			v[i].data = (uint8_t *)seeds[i];
			v[i].len = strlen(seeds[i] + 1) + 1;
		}
	}
	nfiles = load_corpus(name, &v, nseeds) - nseeds;
	nseeds += nfiles;
	if (!nseeds) {
		fprintf(stderr, "fuzz_%s: no seeds (run from the source tree)\n", name);
		return 1;
	}
	for (size_t i = 0; i < nseeds; i++) {
		LLVMFuzzerTestOneInput(v[i].data, v[i].len);
		if (v[i].len > cap)
			cap = v[i].len;
	}
	cap += 16 * 8 + 1;
	if (!(buf = malloc(cap)))
		return 1;
	for (long it = 0; it < iterations; it++) {
		const struct seed *sd = &v[next() % nseeds];
		size_t len = sd->len, edits = 1 + next() % 8;

		memcpy(buf, sd->data, len);
		for (size_t e = 0; e < edits; e++) {
			size_t pos = 1 + next() % (len > 1 ? len - 1 : 1);

			if (pos >= len && len)
				pos = len - 1;
			switch (next() % 4) {
			case 0: buf[pos] = (uint8_t)next(); break;           /* flip a byte */
			case 1: buf[pos] ^= (uint8_t)(1u << (next() % 8)); break;
			case 2: len = pos; break;                            /* truncate */
			case 3:                                              /* duplicate a run */
				if (len + 16 < cap && pos <= len) {
					memmove(buf + pos + 16, buf + pos, len - pos);
					len += 16;
				}
				break;
			}
		}
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("[==========] fuzz_%s: %zu seeds (%zu from tests/fuzz/corpus/%s) and %ld "
	       "mutations run.\n", name, nseeds, nfiles, name, iterations);
	printf("[  PASSED  ] 1 test(s).\n");
	free(buf);
	for (size_t i = nseeds - nfiles; i < nseeds; i++)
		free(v[i].data);
	free(v);
	return 0;
}
