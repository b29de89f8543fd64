/*
 * What a misconfigured access-log source shows a person (logcheck.h) and
 * the free-text check of pii_describe(): the sample line of a refused
 * first run never carries a user id, e-mail or other detector finding,
 * control characters or more than LOGCHECK_SAMPLE_MAX bytes (cut at a
 * UTF-8 boundary); the expected format names the field map; free text is
 * told apart from text with personal data in it.
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

#include "../../collectors/logcheck.h"
#include "../../collectors/pii.h"
#include "../../common/err.h"

static const uint8_t key[STORE_SECRET_LEN] = { 9, 8, 7 };

static int setup(void **state)
{
	struct pii *p = NULL;

	if (pii_new(&p, key))
		return -1;
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	pii_free(*state);
	return 0;
}

static char *sample(struct pii *p, enum logfmt f, const char *user, const char *line)
{
	struct logfmt_opts o;
	char *s = NULL;

	memset(&o, 0, sizeof(o));
	o.format = f;
	o.fields.time = "ts";
	o.fields.user = user;
	assert_int_equal(logcheck_sample(&s, p, &o, line, strlen(line)), 0);
	assert_non_null(s);
	return s;
}

static void test_jsonl_users_masked(void **state)
{
	char *s = sample(*state, LOGFMT_JSONL, "auth.uid",
			 "{\"timestamp\":\"2026-11-27T05:00:00Z\",\"auth\":{\"uid\":\"x9\"},"
			 "\"user_id\":\"alice.smith\",\"who\":{\"login\":\"bob\"},"
			 "\"note\":\"ping carol@bank.example\",\"status\":200}");

	assert_null(strstr(s, "alice"));
	assert_null(strstr(s, "x9"));
	assert_null(strstr(s, "bob"));
	assert_null(strstr(s, "carol"));
	assert_non_null(strstr(s, "\"timestamp\":\"2026-11-27T05:00:00Z\""));
	assert_non_null(strstr(s, "\"user_id\":\"<user:redacted>\""));
	assert_non_null(strstr(s, "<email:redacted>"));
	free(s);
}

static void test_clf_user_masked(void **state)
{
	char *s = sample(*state, LOGFMT_JSONL, "user",
			 "203.0.113.9 ident7 dave.k [27/Nov/2026:05:00:00 +0000] \"GET / HTTP/1.1\" "
			 "200 5");

	assert_null(strstr(s, "dave"));
	assert_null(strstr(s, "ident7"));
	assert_null(strstr(s, "203.0.113.9"));
	assert_non_null(strstr(s, "[27/Nov/2026:05:00:00 +0000]"));
	free(s);
	s = sample(*state, LOGFMT_COMBINED, NULL, "10.0.0.1 - - [27/Nov/2026] x");
	assert_non_null(strstr(s, " - - [27/Nov/2026] x"));
	free(s);
}

/* Three fields and trailing blanks, in a buffer of exactly that size (no
 * NUL after it): found by libFuzzer reading one byte past the line. */
static void test_clf_short_line(void **state)
{
	static const char text[] = "h i u   ";
	struct logfmt_opts o;
	char *line = malloc(sizeof(text) - 1), *s = NULL;

	assert_non_null(line);
	memcpy(line, text, sizeof(text) - 1);
	memset(&o, 0, sizeof(o));
	o.format = LOGFMT_COMMON;
	assert_int_equal(logcheck_sample(&s, *state, &o, line, sizeof(text) - 1), 0);
	assert_string_equal(s, "h i u   ");
	free(s);
	free(line);
}

static void test_control_chars_and_cut(void **state)
{
	char line[1000], *s;
	size_t n = 0;

	n += (size_t)snprintf(line, sizeof(line), "bell\a esc\x1b[31m ");
	while (n + 2 < sizeof(line) - 1) {
		line[n++] = '\xc3'; /* U+00E9, two bytes each */
		line[n++] = '\xa9';
	}
	line[n] = '\0';
	s = sample(*state, LOGFMT_SYSLOG, NULL, line);
	for (const char *p = s; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	assert_true(strlen(s) <= LOGCHECK_SAMPLE_MAX + 3);
	assert_string_equal(s + strlen(s) - 3, "...");
	/* the cut falls between characters, not inside one */
	assert_int_equal((unsigned char)s[strlen(s) - 4], 0xa9);
	free(s);
}

static void test_expected(void **state)
{
	struct logfmt_opts o;
	char out[600];

	(void)state;
	memset(&o, 0, sizeof(o));
	o.format = LOGFMT_JSONL;
	o.fields.time = "ts";
	o.fields.user = "user_id";
	logcheck_expected(&o, out, sizeof(out));
	assert_non_null(strstr(out, "at key \"ts\""));
	assert_non_null(strstr(out, "time=ts user=user_id"));
	o.format = LOGFMT_COMBINED;
	logcheck_expected(&o, out, sizeof(out));
	assert_non_null(strstr(out, "combined"));
	logcheck_expected(&o, out, 8);
	assert_int_equal(strlen(out), 7);
}

static void test_describe(void **state)
{
	char names[128];

	assert_int_equal(pii_describe(*state, "DSR-114", 7, names, sizeof(names)), 0);
	assert_string_equal(names, "");
	assert_int_equal(pii_describe(*state, "request from alice@bank.example", 31, names,
				      sizeof(names)), 1);
	assert_string_equal(names, "email");
	assert_true(pii_describe(*state, "a@b.example or +44 20 7946 0958", 31, names,
				 sizeof(names)) >= 2);
	assert_string_equal(names, "email, phone");
	assert_int_equal(pii_describe(*state, "x@y.example", 11, NULL, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_jsonl_users_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clf_user_masked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clf_short_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_chars_and_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_describe, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
