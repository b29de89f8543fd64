/*
 * A failed sqlite3_bind_* is an error, never a NULL for a constraint to
 * trip over later: the payload bind is made to fail (as SQLite does for a
 * blob over its length limit, SQLITE_TOOBIG) through -Wl,--wrap (see
 * WRAP_test_store_bind in the Makefile).  The append fails with ERR_LIMIT
 * and a message saying why, the run rolls back, and the store still takes
 * the same payload and verifies once the bind works.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../../common/err.h"
#include "../../store/store.h"

static bool fail_blob64;
static int blob64_calls;

int __real_sqlite3_bind_blob64(sqlite3_stmt *st, int i, const void *v, sqlite3_uint64 n,
			       void (*d)(void *));

int __wrap_sqlite3_bind_blob64(sqlite3_stmt *st, int i, const void *v, sqlite3_uint64 n,
			       void (*d)(void *))
{
	blob64_calls++;
	if (fail_blob64)
		return SQLITE_TOOBIG;
	return __real_sqlite3_bind_blob64(st, i, v, n, d);
}

static void append_one(struct store *s, int want)
{
	struct entry_input in = { 0 };

	in.kind = "access-log";
	in.source = "unit";
	in.eff_from = in.eff_to = in.collected = 1700000000;
	in.attrs = "{}";
	in.attrs_len = 2;
	in.payload = "a line\n";
	in.payload_len = 7;
	assert_int_equal(store_append(s, &in, NULL), want);
}

static void test_failed_bind_is_an_error(void **state)
{
	char dir[64] = "/tmp/auditpack-bind-XXXXXX", cmd[128];
	struct store_opts o = { 0 };
	struct verify_report r;
	struct verify_opts vo = { 0 };
	struct store *s = NULL;
	uint64_t size;

	(void)state;
	assert_non_null(mkdtemp(dir));
	strncat(dir, "/s", sizeof(dir) - strlen(dir) - 1);
	o.dir = dir;
	o.wait_seconds = 1;
	assert_int_equal(store_init(&o, "unit.example/bind", NULL), 0);
	assert_int_equal(store_open(&s, &o, STORE_WRITE), 0);

	assert_int_equal(store_begin(s), 0);
	fail_blob64 = true;
	append_one(s, ERR_LIMIT);
	assert_true(blob64_calls > 0);
	assert_non_null(strstr(err_msg(), "cannot pass a value to the store database"));
	assert_non_null(strstr(err_msg(), "too big"));
	store_rollback(s);
	assert_int_equal(store_size(s, &size), 0);
	assert_int_equal(size, 0);

	fail_blob64 = false;
	assert_int_equal(store_begin(s), 0);
	append_one(s, 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_size(s, &size), 0);
	assert_int_equal(size, 1);
	assert_int_equal(store_verify(s, &vo, &r), 0);
	assert_int_equal(r.nproblems, 0);
	verify_report_free(&r);
	store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strlen(dir) - 2), dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failed_bind_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
