/*
 * Fuzz target: pack_verify(), reading an audit pack (zip) and everything
 * in it: the DSSE manifest, the signed checkpoint note, leaf texts,
 * tlog-proofs, tombstones and the shipped key.
 *
 * First byte odd: the rest is the zip file itself (the zip reader's own
 * checks).  Even: the rest is a list of members, each starting with a line
 * "@@ <name>" and running, less one final newline, to the next such line;
 * they are written into a fresh (stored, uncompressed) zip first, so that
 * mutations reach the parsers of the members rather than stopping at the
 * zip's checksums.  Seeds (a small
 * real pack in both forms) and regression inputs: tests/fuzz/corpus/pack/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "../../reports/pack.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/fuzz/driver.c: mutations per `make test` run. */
const long fuzz_driver_iterations = 5000;

/* The start of the next "@@ " line at or after p, or end. */
static const char *next_member(const char *p, const char *end)
{
	for (const char *q = p; q + 3 <= end; q++)
		if ((q == p || q[-1] == '\n') && !memcmp(q, "@@ ", 3))
			return q;
	return end;
}

/* Build a zip of the members in data[0..size) in memory: 0 or -1. */
static int members_zip(const char *data, size_t size, void **zbuf, size_t *zlen)
{
	const char *p = data, *end = data + size;
	zip_source_t *src;
	zip_error_t ze;
	zip_stat_t zs;
	zip_t *za;
	int rc = -1;

	zip_error_init(&ze);
	if (!(src = zip_source_buffer_create(NULL, 0, 0, &ze)))
		return -1;
	zip_source_keep(src);
	if (!(za = zip_open_from_source(src, ZIP_TRUNCATE, &ze)))
		goto out;
	for (p = next_member(p, end); p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *body, *stop;
		char name[256];
		size_t nlen;
		zip_source_t *s;
		zip_int64_t i;

		nl = nl ? nl : end;
		body = nl < end ? nl + 1 : end;
		stop = next_member(body, end);
		nlen = (size_t)(nl - p - 3);
		if (nlen >= sizeof(name))
			nlen = sizeof(name) - 1;
		memcpy(name, p + 3, nlen);
		name[nlen] = '\0';
		/* The body's last newline ends the member, not its contents. */
		if ((s = zip_source_buffer(za, body, (zip_uint64_t)(stop - body -
		     (stop > body && stop[-1] == '\n')), 0))) {
			if ((i = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8)) < 0)
				zip_source_free(s);
			else
				zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_STORE, 0);
		}
		p = stop;
	}
	if (zip_close(za) < 0) {
		zip_discard(za);
		goto out;
	}
	if (zip_source_stat(src, &zs) < 0 || !(zs.valid & ZIP_STAT_SIZE) ||
	    zip_source_open(src) < 0)
		goto out;
	if ((*zbuf = malloc(zs.size ? zs.size : 1)) &&
	    zip_source_read(src, *zbuf, zs.size) == (zip_int64_t)zs.size) {
		*zlen = zs.size;
		rc = 0;
	} else {
		free(*zbuf);
		*zbuf = NULL;
	}
	zip_source_close(src);
out:
	zip_source_free(src);
	zip_error_fini(&ze);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pack_report r;
	const char *path;
	void *z = NULL;
	size_t zlen = 0;

	if (size < 1)
		return 0;
	if (data[0] & 1)
		path = fuzz_file(data + 1, size - 1);
	else if (members_zip((const char *)data + 1, size - 1, &z, &zlen) == 0)
		path = fuzz_file(z, zlen);
	else
		return 0;
	free(z);
	if (!path)
		abort();
	if (pack_verify(path, NULL, NULL, NULL, &r) == 0 && r.n == 0 && !r.files)
		abort(); /* a pack that verifies has files */
	pack_report_free(&r);
	return 0;
}
