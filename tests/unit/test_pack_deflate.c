/*
 * reports/pack_deflate.c: files deflated on worker threads ahead of the zip
 * writer.  Every result inflates (zlib, as any unzip) back to its input with
 * the CRC-32 zlib computes; the bytes are the same with 1 thread and with 3
 * (the pack is the same whatever the cores); a result skipped by the writer
 * is dropped, not leaked (make check runs this under ASan); jobs wider
 * than the window, and larger than its byte budget, all come through;
 * files the caller makes when their turn comes are made on the taking
 * thread, a failure to make one is that file's error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "../../common/err.h"
#include "../../reports/pack_deflate.h"

#define NJOBS 3000

struct files {
	uint8_t *v[NJOBS];
	struct pack_deflate_job jobs[NJOBS];
};

/* Text-like, random and empty files; a few of several MiB. */
static struct files *make_files(void)
{
	struct files *f = calloc(1, sizeof(*f));
	uint32_t x = 7;

	assert_non_null(f);
	for (size_t i = 0; i < NJOBS; i++) {
		size_t len = i % 500 == 7 ? (size_t)(6 + i % 3) << 20 : i % 3 == 0 ? 0 : i * 13 % 5000;

		f->v[i] = malloc(len + 1);
		assert_non_null(f->v[i]);
		for (size_t k = 0; k < len; k++) {
			x = x * 1103515245 + 12345;
			f->v[i][k] = i % 2 ? (uint8_t)(x >> 16) : (uint8_t)"GET /v1/models 200\n"[k % 19];
		}
		f->jobs[i].data = f->v[i];
		f->jobs[i].size = len;
	}
	return f;
}

static void free_files(struct files *f)
{
	for (size_t i = 0; i < NJOBS; i++)
		free(f->v[i]);
	free(f);
}

static void assert_inflates(const struct pack_deflated *r, const uint8_t *want, size_t len)
{
	z_stream z;
	uint8_t *out = malloc(len + 1);

	assert_non_null(out);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, -MAX_WBITS), Z_OK);
	z.next_in = r->data;
	z.avail_in = (uInt)r->len;
	z.next_out = out;
	z.avail_out = (uInt)len + 1;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, len);
	assert_int_equal(z.avail_in, 0);
	inflateEnd(&z);
	assert_memory_equal(out, want, len);
	assert_int_equal(r->size, len);
	assert_int_equal(r->crc, (uint32_t)crc32(0, want, (uInt)len));
	free(out);
}

static void test_same_bytes_whatever_the_threads(void **state)
{
	struct files *f = make_files();
	struct pack_deflater *one = NULL, *three = NULL;

	(void)state;
	assert_int_equal(pack_deflate_start(&one, NULL, f->jobs, NJOBS, 1, NULL, NULL), 0);
	assert_int_equal(pack_deflate_start(&three, NULL, f->jobs, NJOBS, 3, NULL, NULL), 0);
	for (size_t i = 0; i < NJOBS; i++) {
		struct pack_deflated a, b;

		assert_int_equal(pack_deflate_take(one, i, &a), 0);
		assert_int_equal(pack_deflate_take(three, i, &b), 0);
		assert_inflates(&a, f->v[i], (size_t)f->jobs[i].size);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.data, b.data, a.len);
		assert_int_equal(a.crc, b.crc);
		free(a.data);
		free(b.data);
	}
	pack_deflate_stop(one);
	pack_deflate_stop(three);
	free_files(f);
}

static void test_skipped_results_are_dropped(void **state)
{
	struct files *f = make_files();
	struct pack_deflater *d = NULL;
	struct pack_deflated r;

	(void)state;
	assert_int_equal(pack_deflate_start(&d, NULL, f->jobs, NJOBS, 2, NULL, NULL), 0);
	/* Every 7th file, then far past the window: the rest are dropped. */
	for (size_t i = 0; i < 2000; i += 7) {
		assert_int_equal(pack_deflate_take(d, i, &r), 0);
		assert_inflates(&r, f->v[i], (size_t)f->jobs[i].size);
		free(r.data);
	}
	assert_int_equal(pack_deflate_take(d, NJOBS - 1, &r), 0);
	assert_inflates(&r, f->v[NJOBS - 1], (size_t)f->jobs[NJOBS - 1].size);
	free(r.data);
	/* Taken, or behind: an error, not a hang. */
	assert_int_equal(pack_deflate_take(d, 5, &r), ERR_USAGE);
	assert_int_equal(pack_deflate_take(d, NJOBS, &r), ERR_USAGE);
	pack_deflate_stop(d);
	/* Stopped with most results neither taken nor started. */
	assert_int_equal(pack_deflate_start(&d, NULL, f->jobs, NJOBS, 2, NULL, NULL), 0);
	assert_int_equal(pack_deflate_take(d, 1, &r), 0);
	free(r.data);
	pack_deflate_stop(d);
	free_files(f);
}

/* make(): every third file is given by it, on the taking thread; the one
 * given for job 1500 fails. */
struct maker {
	struct files *f;
	size_t calls;
};

static int make(void *arg, size_t k, struct buf *out)
{
	struct maker *m = arg;

	m->calls++;
	if (k == 1500)
		return err_set(ERR_IO, "cannot make job 1500");
	return buf_append(out, m->f->v[k], (size_t)m->f->jobs[k].size);
}

static void test_made_files(void **state)
{
	struct files *f = make_files();
	struct maker m = { f, 0 };
	struct pack_deflater *d = NULL;
	struct pack_deflated r;
	size_t made = 0;

	(void)state;
	for (size_t i = 0; i < NJOBS; i += 3) {
		f->jobs[i].data = NULL;
		f->jobs[i].make = true;
		made++;
	}
	assert_int_equal(pack_deflate_start(&d, NULL, f->jobs, NJOBS, 2, make, &m), 0);
	for (size_t i = 0; i < 1500; i++) {
		assert_int_equal(pack_deflate_take(d, i, &r), 0);
		assert_inflates(&r, f->v[i], (size_t)f->jobs[i].size);
		free(r.data);
	}
	assert_int_equal(pack_deflate_take(d, 1500, &r), ERR_IO);
	assert_string_equal(err_msg(), "cannot make job 1500");
	assert_null(r.data);
	/* Past it, and past files made but never taken (dropped). */
	for (size_t i = 1501; i < NJOBS; i += 250) {
		assert_int_equal(pack_deflate_take(d, i, &r), 0);
		assert_inflates(&r, f->v[i], (size_t)f->jobs[i].size);
		free(r.data);
	}
	pack_deflate_stop(d);
	/* Each made file made once, at most, and not all of them: skipped
	 * ones beyond the window never were. */
	assert_true(m.calls <= made);
	free_files(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes_whatever_the_threads),
		cmocka_unit_test(test_skipped_results_are_dropped),
		cmocka_unit_test(test_made_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
