/*
 * A stand-in for libFuzzer where clang is not installed: feeds the target
 * every seed and a fixed number of deterministic random mutations of them,
 * so `make test` and `make check` (sanitizers) exercise the parsers on
 * hostile input every run.  Prints a cmocka-style summary.
 *
 * Seeds: the files in tests/fuzz/corpus/<name>/ (name: the binary's
 * without "test_fuzz_"), read from the current directory (tests/run.sh runs
 * from the source tree); libFuzzer (`make fuzz`) starts from the same.
 * Inputs that once crashed a target are kept there as regression inputs:
 * each runs unchanged first.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A target whose inputs are slow to run (a file, an XML schema) defines a
 * smaller number of mutations for `make test`; the default is 200000. */
extern const long fuzz_driver_iterations __attribute__((weak));

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

/* The files of tests/fuzz/corpus/<name>/ appended to *v (none: fine), in
 * name order, so the mutations are the same on every machine. */
static size_t load_corpus(const char *name, struct seed **v, size_t n)
{
	char dir[256], path[512];
	struct dirent **de = NULL;
	int nde;

	snprintf(dir, sizeof(dir), "tests/fuzz/corpus/%s", name);
	if ((nde = scandir(dir, &de, NULL, alphasort)) < 0)
		return n;
	for (int i = 0; i < nde; free(de[i]), i++) {
		struct seed *nv;
		FILE *f;
		long sz;

		if (de[i]->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de[i]->d_name);
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
	free(de);
	return n;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	long iterations = argc > 1 ? strtol(argv[1], NULL, 10) :
			  &fuzz_driver_iterations ? fuzz_driver_iterations : 200000;
	struct seed *v = NULL;
	size_t nseeds = 0, nfiles, cap = 0;
	uint8_t *buf;

	if (!strncmp(name, "test_", 5))
		name += 5;
	if (!strncmp(name, "fuzz_", 5))
		name += 5;
	nfiles = nseeds = load_corpus(name, &v, 0);
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
	for (size_t i = 0; i < nseeds; i++)
		free(v[i].data);
	free(v);
	return 0;
}
