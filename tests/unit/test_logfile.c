/*
 * collectors/logfile: compressed generations told by their magic and read
 * decompressed (gzip, zstd, xz, bzip2), concatenated streams, a stream cut
 * short (still being written), reading from a text offset, damaged input,
 * and the text check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "../../collectors/logfile.h"
#include "../../common/err.h"

#define TEXT_MAX (1 << 20)

static char *text;
static size_t text_len;

static int setup(void **state)
{
	size_t n = 0;

	(void)state;
	text = malloc(TEXT_MAX);
	for (int i = 0; n < 300000; i++)
		n += (size_t)snprintf(text + n, TEXT_MAX - n,
				      "10.0.%d.%d - u%d [28/Nov/2026:10:00:00 +0000] \"GET /?i=%d\" 200 %d\n",
				      i / 256 % 256, i % 256, i % 97, i, i * 7);
	text_len = n;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(text);
	return 0;
}

/* Compress text[0..n) in format f into out (capacity cap); returns the size. */
static size_t compress_as(enum logfile_format f, const char *in, size_t n, uint8_t *out, size_t cap)
{
	switch (f) {
	case LOGFILE_GZIP: {
		z_stream z;

		memset(&z, 0, sizeof(z));
		assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
		z.next_in = (Bytef *)in;
		z.avail_in = (uInt)n;
		z.next_out = out;
		z.avail_out = (uInt)cap;
		assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
		n = cap - z.avail_out;
		deflateEnd(&z);
		return n;
	}
	case LOGFILE_ZSTD: {
		size_t r = ZSTD_compress(out, cap, in, n, 3);

		assert_false(ZSTD_isError(r));
		return r;
	}
	case LOGFILE_XZ: {
		size_t pos = 0;

		assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (const uint8_t *)in,
							 n, out, &pos, cap), LZMA_OK);
		return pos;
	}
	case LOGFILE_BZIP2: {
		unsigned int len = (unsigned int)cap;

		assert_int_equal(BZ2_bzBuffToBuffCompress((char *)out, &len, (char *)in,
							  (unsigned int)n, 9, 0, 0), BZ_OK);
		return len;
	}
	case LOGFILE_PLAIN:
		break;
	}
	memcpy(out, in, n);
	return n;
}

static int tmpfile_with(const uint8_t *data, size_t n)
{
	char path[] = "/tmp/auditpack-logfile-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	return fd;
}

/* Read all of fd's text from offset into a new buffer; *n its length. */
static int read_all(int fd, enum logfile_format f, uint64_t offset, char **out, size_t *n,
		    bool *truncated)
{
	struct logfile *lf = NULL;
	char *b = malloc(TEXT_MAX * 2);
	size_t got = 1;
	int rc;

	*n = 0;
	if ((rc = logfile_open(&lf, fd, "test.log", f, offset))) {
		free(b);
		return rc;
	}
	while (got && *n + 7777 <= TEXT_MAX * 2 && !(rc = logfile_read(lf, b + *n, 7777, &got)))
		*n += got;
	*truncated = logfile_truncated(lf);
	logfile_close(lf);
	*out = b;
	return rc;
}

static void test_formats(void **state)
{
	static const enum logfile_format fs[] = {
		LOGFILE_PLAIN, LOGFILE_GZIP, LOGFILE_ZSTD, LOGFILE_XZ, LOGFILE_BZIP2,
	};
	uint8_t *z = malloc(TEXT_MAX * 2);

	(void)state;
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++) {
		enum logfile_format f = fs[i], got_f;
		size_t zn, n, half = text_len / 2;
		char *out = NULL, head[4096];
		bool trunc;
		int fd;

		/* Two streams back to back, as `cat a.gz b.gz` makes. */
		zn = compress_as(f, text, half, z, TEXT_MAX * 2);
		zn += compress_as(f, text + half, text_len - half, z + zn, TEXT_MAX * 2 - zn);
		assert_int_equal(logfile_detect(z, zn), f);
		fd = tmpfile_with(z, zn);
		assert_int_equal(logfile_format_of(fd, "test.log", &got_f), 0);
		assert_int_equal(got_f, f);
		assert_int_equal(read_all(fd, f, 0, &out, &n, &trunc), 0);
		assert_int_equal(n, text_len);
		assert_memory_equal(out, text, text_len);
		if (trunc)
			fail_msg("%s: a whole stream is flagged as cut short", logfile_format_name(f));
		free(out);
		/* From a text offset: the rest. */
		assert_int_equal(read_all(fd, f, 123457, &out, &n, &trunc), 0);
		assert_int_equal(n, text_len - 123457);
		assert_memory_equal(out, text + 123457, n);
		free(out);
		/* The head. */
		assert_int_equal(logfile_head(fd, "test.log", f, head, sizeof(head), &n), 0);
		assert_int_equal(n, sizeof(head));
		assert_memory_equal(head, text, sizeof(head));
		close(fd);
		if (f == LOGFILE_PLAIN)
			continue;
		/* Cut short (the compressor is still writing): a prefix, flagged. */
		fd = tmpfile_with(z, zn / 3);
		assert_int_equal(read_all(fd, f, 0, &out, &n, &trunc), 0);
		if (!trunc)
			fail_msg("%s: a stream cut short is not flagged", logfile_format_name(f));
		assert_true(n < text_len);
		assert_memory_equal(out, text, n);
		free(out);
		close(fd);
		/* Damaged in the middle: an error naming the file and format. */
		memset(z + zn / 2, 0x55, 64);
		fd = tmpfile_with(z, zn);
		if (read_all(fd, f, 0, &out, &n, &trunc) == 0) {
			/* A decoder may only notice at the end (checksum): then the
			 * text must differ, never silently equal. */
			assert_true(n != text_len || memcmp(out, text, n));
			fail_msg("%s: damaged input read without error", logfile_format_name(f));
		}
		assert_non_null(strstr(err_msg(), "cannot decompress 'test.log'"));
		assert_non_null(strstr(err_msg(), logfile_format_name(f)));
		free(out);
		close(fd);
	}
	free(z);
}

/* Hostile compressed input: random damage never crashes the reader (run
 * under the sanitizers by make check); it is read, or refused as ERR_PARSE. */
static void test_damage(void **state)
{
	static const enum logfile_format fs[] = {
		LOGFILE_GZIP, LOGFILE_ZSTD, LOGFILE_XZ, LOGFILE_BZIP2,
	};
	uint8_t *z = malloc(TEXT_MAX), *m = malloc(TEXT_MAX);
	uint64_t rng = 0x9e3779b97f4a7c15ULL;

	(void)state;
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++) {
		size_t zn = compress_as(fs[i], text, 20000, z, TEXT_MAX);

		for (int it = 0; it < 150; it++) {
			size_t mn = zn, n;
			char *out = NULL;
			bool trunc;
			int fd, rc;

			memcpy(m, z, zn);
			for (int e = 0; e < 1 + it % 4; e++) {
				rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
				if (rng % 5 == 0)
					mn = 1 + rng / 5 % mn;
				else
					m[rng / 5 % mn] ^= (uint8_t)(1 + rng / 7 % 255);
			}
			fd = tmpfile_with(m, mn);
			rc = read_all(fd, fs[i], 0, &out, &n, &trunc);
			assert_true(rc == 0 || rc == ERR_PARSE);
			assert_true(n <= TEXT_MAX * 2);
			free(out);
			close(fd);
		}
	}
	free(z);
	free(m);
}

static void test_detect_is_by_magic(void **state)
{
	(void)state;
	assert_int_equal(logfile_detect((const uint8_t *)"BZh9 a log line", 15), LOGFILE_PLAIN);
	assert_int_equal(logfile_detect((const uint8_t *)"\x1f\x8b", 2), LOGFILE_PLAIN);
	assert_int_equal(logfile_detect((const uint8_t *)"", 0), LOGFILE_PLAIN);
}

/* The word-at-a-time count equals a byte-by-byte one, for every byte
 * value at every position and random mixes of text and control bytes. */
static size_t oracle_binary(const uint8_t *p, size_t n)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += (p[i] < 0x20 && (!p[i] || !strchr("\t\n\v\f\r\x1b", p[i]))) || p[i] == 0x7f;
	return bad;
}

static void test_is_text_counts(void **state)
{
	uint8_t b[67];
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	size_t bad;

	(void)state;
	for (int c = 0; c < 256; c++)
		for (size_t at = 0; at < sizeof(b); at++) {
			memset(b, 'x', sizeof(b));
			b[at] = (uint8_t)c;
			logfile_is_text(b, sizeof(b), &bad);
			assert_int_equal(bad, oracle_binary(b, sizeof(b)));
		}
	for (int k = 0; k < 2000; k++) {
		size_t n = (size_t)k % sizeof(b);

		for (size_t i = 0; i < n; i++) {
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			b[i] = (uint8_t)(rng & 1 ? 0x20 + (rng >> 8) % 0x60 : (rng >> 8) % 0x21);
			if ((rng >> 20) % 50 == 0)
				b[i] = (uint8_t)(0x7f + (rng >> 30) % 0x81);
		}
		logfile_is_text(b, n, &bad);
		assert_int_equal(bad, oracle_binary(b, n));
	}
}

static void test_is_text(void **state)
{
	char b[1000];
	size_t bad;

	(void)state;
	memset(b, 0, sizeof(b));
	assert_false(logfile_is_text(b, sizeof(b), &bad));
	assert_int_equal(bad, 1000);
	memset(b, 'a', sizeof(b));
	assert_true(logfile_is_text(b, sizeof(b), &bad));
	/* tab, CR, LF, FF, VT, ESC (colours) and UTF-8 are text */
	memcpy(b, "\t\r\n\f\v\x1b[31m\xc3\xa9", 12);
	assert_true(logfile_is_text(b, sizeof(b), &bad));
	assert_int_equal(bad, 0);
	/* a few stray control bytes: still text; more than one in 32: not */
	memset(b, 1, 31);
	assert_true(logfile_is_text(b, sizeof(b), NULL));
	memset(b, 1, 32);
	assert_false(logfile_is_text(b, sizeof(b), NULL));
	/* random bytes (an lz4 or encrypted file): not text, even a little */
	{
		uint64_t rng = 88172645463325252ULL;

		for (int k = 0; k < 20; k++) {
			for (size_t i = 0; i < 512; i++) {
				rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
				b[i] = (char)(rng >> 24);
			}
			assert_false(logfile_is_text(b, 512, NULL));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_detect_is_by_magic),
		cmocka_unit_test(test_is_text),
		cmocka_unit_test(test_is_text_counts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
