/*
 * The error idiom (issue 14): a failed allocation is reported, with its
 * message, and never dropped; arrays grow geometrically.  Linked with
 * --wrap=strdup and --wrap=realloc (WRAP_test_errors in the Makefile) so a
 * test can make the next allocation fail or count them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../../common/array.h"
#include "../../common/err.h"
#include "../../mappings/assess.h"
#include "../../mappings/findings.h"
#include "../../store/store.h"

char *__real_strdup(const char *s);
void *__real_realloc(void *p, size_t n);

static int fail_strdup;     /* fail this many strdup calls */
static size_t realloc_calls;
static size_t fail_realloc_new; /* fail one realloc(NULL, this) */

char *__wrap_strdup(const char *s)
{
	if (fail_strdup > 0) {
		fail_strdup--;
		return NULL;
	}
	return __real_strdup(s);
}

void *__wrap_realloc(void *p, size_t n)
{
	realloc_calls++;
	if (fail_realloc_new && !p && n == fail_realloc_new) {
		fail_realloc_new = 0;
		return NULL;
	}
	return __real_realloc(p, n);
}

/* Appending 100,000 elements one at a time takes a logarithmic number of
 * reallocations, and every element survives the moves. */
static void test_array_grows_geometrically(void **state)
{
	uint64_t *v = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	realloc_calls = 0;
	for (uint64_t i = 0; i < 100000; i++) {
		assert_int_equal(array_grow(&v, n, &cap, sizeof(*v)), 0);
		assert_true(cap > n);
		v[n++] = i * 3;
	}
	assert_in_range(realloc_calls, 10, 14); /* 16, 32, ... 131072 */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i], i * 3);
	/* Room already there: nothing is reallocated. */
	realloc_calls = 0;
	assert_int_equal(array_grow(&v, 10, &cap, sizeof(*v)), 0);
	assert_int_equal(realloc_calls, 0);
	free(v);
}

/* A size that cannot be allocated is ERR_NOMEM with a message, and the
 * array is left as it was. */
static void test_array_overflow(void **state)
{
	char *v = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(array_grow(&v, 0, &cap, 1), 0);
	v[0] = 'x';
	err_clear();
	assert_int_equal(array_grow(&v, SIZE_MAX / 2 + 1, &cap, 1), ERR_NOMEM);
	assert_string_not_equal(err_msg(), "");
	assert_int_equal(cap, 16);
	assert_int_equal(v[0], 'x');
	err_clear();
	assert_int_equal(array_grow(&v, SIZE_MAX / 8, &cap, 16), ERR_NOMEM);
	assert_string_not_equal(err_msg(), "");
	free(v);
}

/* result_set() used to drop a failed strdup: the check kept no detail and
 * the assessment went on as if nothing had happened. */
static void test_result_set_reports_lost_detail(void **state)
{
	struct check_result r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(result_set(&r, ST_PASS, "all %d fine", 3), 0);
	assert_string_equal(r.detail, "all 3 fine");
	assert_int_equal(findings_finish(&r), 0);

	err_set(ERR_IO, "a stale message");
	fail_strdup = 1;
	assert_int_equal(result_set(&r, ST_PASS, "all %d fine", 4), ERR_NOMEM);
	assert_string_equal(err_msg(), "out of memory");
	assert_null(r.detail);
	assert_true(r.lost);
	/* A rule that ignores the result cannot hide it. */
	err_clear();
	assert_int_equal(findings_finish(&r), ERR_NOMEM);
	assert_string_equal(err_msg(), "out of memory");
	findings_free(&r);
}

/* A problem store_verify found but could not record for want of memory
 * was dropped: a tampered store could come out with no problems at all.
 * It is now ERR_NOMEM, never a short report. */
static void test_verify_never_short(void **state)
{
	char dir[64] = "/tmp/auditpack-test-XXXXXX", sdir[80], db[100], cmd[128];
	struct store_opts o;
	struct verify_opts vo;
	struct verify_report r;
	struct entry_input in;
	struct store *s = NULL;
	sqlite3 *h = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sdir, sizeof(sdir), "%s/s", dir);
	snprintf(db, sizeof(db), "%s/evidence.db", sdir);
	memset(&o, 0, sizeof(o));
	memset(&vo, 0, sizeof(vo));
	memset(&in, 0, sizeof(in));
	o.dir = sdir;
	o.wait_seconds = 1;
	in.kind = "document";
	in.source = "unit";
	in.eff_from = in.eff_to = in.collected = 1700000000;
	in.attrs = "{\"n\":1}";
	in.attrs_len = strlen(in.attrs);
	in.payload = "a payload";
	in.payload_len = strlen(in.payload);
	assert_int_equal(store_init(&o, "unit.example/log", NULL), 0);
	assert_int_equal(store_open(&s, &o, STORE_WRITE), 0);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_append(s, &in, NULL), 0);
	assert_int_equal(store_commit(s), 0);
	store_close(s);
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "UPDATE entries SET attrs='{\"n\":9}' WHERE idx=0",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);

	assert_int_equal(store_open(&s, &o, STORE_READ), 0);
	assert_int_equal(store_verify(s, &vo, &r), 0);
	assert_true(r.nproblems > 0);
	verify_report_free(&r);
	/* The problem list's first allocation fails. */
	fail_realloc_new = 16 * sizeof(struct verify_problem);
	err_clear();
	assert_int_equal(store_verify(s, &vo, &r), ERR_NOMEM);
	assert_int_equal(fail_realloc_new, 0);
	assert_non_null(strstr(err_msg(), "could not record all it found"));
	store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_array_grows_geometrically),
		cmocka_unit_test(test_array_overflow),
		cmocka_unit_test(test_result_set_reports_lost_detail),
		cmocka_unit_test(test_verify_never_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
