/*
 * report_oscal_json() on XML that does not parse: ERR_PARSE with a message,
 * and nothing written to stderr (libxml2 prints its complaints there unless
 * told not to; nothing below cli/ may print).  Found by
 * tests/fuzz/fuzz_findings.c, whose `make test` run printed 800 000 lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/buf.h"
#include "../../common/err.h"
#include "../../reports/report.h"

/* Run report_oscal_json on xml with stderr sent to a temporary file; the
 * number of bytes written there goes to *printed. */
static int convert_quietly(const char *xml, long *printed)
{
	struct buf out = BUF_INIT;
	FILE *tmp = tmpfile();
	int saved, rc;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	rc = report_oscal_json(&out, xml, strlen(xml));
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	assert_int_equal(fseek(tmp, 0, SEEK_END), 0);
	*printed = ftell(tmp);
	fclose(tmp);
	buf_free(&out);
	return rc;
}

static void test_malformed_xml_is_quiet(void **state)
{
	long printed = -1;

	(void)state;
	assert_int_equal(convert_quietly("<catalog xmlns=\"h\"><metadata></group>", &printed),
			 ERR_PARSE);
	assert_non_null(strstr(err_msg(), "does not parse"));
	assert_int_equal(printed, 0);
}

static void test_namespace_warning_is_quiet(void **state)
{
	long printed = -1;

	(void)state;
	/* A relative namespace URI is a warning, not an error: it converts. */
	assert_int_equal(convert_quietly("<catalog xmlns=\"h\"/>", &printed), 0);
	assert_int_equal(printed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed_xml_is_quiet),
		cmocka_unit_test(test_namespace_warning_is_quiet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
