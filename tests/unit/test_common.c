/* common/: encodings, times and durations, the byte buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/encode.h"
#include "../../common/err.h"
#include "../../common/suggest.h"
#include "../../common/timeutil.h"

static void test_base64_rfc4648_vectors(void **state)
{
	/* RFC 4648 section 10. */
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==",
					   "Zm9vYmE=", "Zm9vYmFy" };
	char enc[32];
	uint8_t dec[32];
	size_t n;

	(void)state;
	for (size_t i = 0; i < 7; i++) {
		b64_encode(enc, (const uint8_t *)in[i], strlen(in[i]));
		assert_string_equal(enc, out[i]);
		assert_int_equal(b64_decode(dec, sizeof(dec), &n, out[i], strlen(out[i])), 0);
		assert_int_equal(n, strlen(in[i]));
		assert_memory_equal(dec, in[i], n);
	}
	assert_int_not_equal(b64_decode(dec, sizeof(dec), &n, "Zg=", 3), 0);
	assert_int_not_equal(b64_decode(dec, sizeof(dec), &n, "Zh==", 4), 0); /* stray bits */
	assert_int_not_equal(b64_decode(dec, sizeof(dec), &n, "Z===", 4), 0);
	assert_int_not_equal(b64_decode(dec, sizeof(dec), &n, "Zm9v!A==", 8), 0);
	assert_int_not_equal(b64_decode(dec, 2, &n, "Zm9v", 4), 0); /* overflow */
}

static void test_hex(void **state)
{
	uint8_t b[2];
	char h[5];

	(void)state;
	assert_int_equal(hex_decode(b, 2, "0aFf", 4), 0);
	hex_encode(h, b, 2);
	assert_string_equal(h, "0aff");
	assert_int_not_equal(hex_decode(b, 2, "0aF", 3), 0);
	assert_int_not_equal(hex_decode(b, 2, "0aFg", 4), 0);
}

static void test_time(void **state)
{
	char s[RFC3339_LEN];
	int64_t t;

	(void)state;
	assert_int_equal(time_parse(&t, "1970-01-01T00:00:00Z"), 0);
	assert_int_equal(t, 0);
	assert_int_equal(time_parse(&t, "2024-02-29T23:59:59Z"), 0);
	time_format(s, t);
	assert_string_equal(s, "2024-02-29T23:59:59Z");
	assert_int_equal(time_parse(&t, "2026-11-29T11:30:00.123+05:30"), 0);
	time_format(s, t);
	assert_string_equal(s, "2026-11-29T06:00:00Z");
	time_format(s, -1);
	assert_string_equal(s, "1969-12-31T23:59:59Z");
	assert_int_not_equal(time_parse(&t, "2026-11-29"), 0);
	assert_int_not_equal(time_parse(&t, "2026-13-01T00:00:00Z"), 0);
	assert_int_not_equal(time_parse(&t, "2026-11-29T00:00:00"), 0);
	assert_int_not_equal(time_parse(&t, "2026-11-29T00:00:00Zjunk"), 0);
}

/* time_format never writes a placeholder: out of its range it fails (and
 * writes "unknown", no time); time_parse refuses what it could not write
 * back (issue 10, item 1). */
static void test_time_range(void **state)
{
	char s[RFC3339_LEN];
	int64_t t;

	(void)state;
	assert_int_equal(time_format(s, TIME_MAX), 0);
	assert_string_equal(s, "9999-12-31T23:59:59Z");
	assert_int_equal(time_format(s, TIME_MIN), 0);
	assert_string_equal(s, "1970-01-01T00:00:00Z");
	assert_int_equal(time_format(s, TIME_FORMAT_MIN), 0);
	assert_string_equal(s, "0000-01-01T00:00:00Z");
	assert_int_equal(time_format(s, TIME_MAX + 1), ERR_PARSE);
	assert_string_equal(s, "unknown");
	assert_int_equal(time_format(s, TIME_FORMAT_MIN - 1), ERR_PARSE);
	assert_string_equal(s, "unknown");
	assert_int_equal(time_format(s, TIME_UNKNOWN), ERR_PARSE);
	assert_int_equal(time_format(s, INT64_MAX), ERR_PARSE);
	assert_int_equal(time_format(s, 253402300800000LL), ERR_PARSE);
	assert_string_equal(s, "unknown");

	assert_int_equal(time_parse(&t, "9999-12-31T23:59:59Z"), 0);
	assert_int_equal(t, TIME_MAX);
	assert_int_equal(time_parse(&t, "9999-12-31T23:59:59+23:59"), 0);
	assert_int_not_equal(time_parse(&t, "9999-12-31T23:59:59-23:59"), 0);
	assert_int_not_equal(time_parse(&t, "9999-12-31T23:59:59-00:01"), 0);
	assert_int_equal(time_parse(&t, "0000-01-01T00:00:00Z"), 0);
	assert_int_equal(t, TIME_FORMAT_MIN);
	assert_int_not_equal(time_parse(&t, "0000-01-01T00:00:00+00:01"), 0);
	assert_int_not_equal(time_parse(&t, "0000-00-00T00:00:00Z"), 0);
	assert_true(time_in_range(TIME_MIN) && time_in_range(TIME_MAX));
	assert_false(time_in_range(TIME_MIN - 1) || time_in_range(TIME_MAX + 1) ||
		     time_in_range(TIME_UNKNOWN));
	/* Every time time_parse gives, time_format writes (round trip). */
	for (int64_t x = TIME_FORMAT_MIN; x < TIME_MAX; x += 86399LL * 3659) {
		assert_int_equal(time_format(s, x), 0);
		assert_int_equal(time_parse(&t, s), 0);
		assert_int_equal(t, x);
	}
}

/* Calendar months: the retention minimums ("six months", "six years"). */
static void test_minus_months(void **state)
{
	static const struct { const char *from; unsigned months; const char *want; } v[] = {
		{ "2026-11-27T06:00:00Z", 6, "2026-05-27T06:00:00Z" },
		{ "2026-03-15T00:00:00Z", 6, "2025-09-15T00:00:00Z" },
		{ "2026-08-31T12:30:00Z", 6, "2026-02-28T12:30:00Z" },
		{ "2028-08-31T00:00:00Z", 6, "2028-02-29T00:00:00Z" }, /* leap year */
		{ "2027-06-30T00:00:00Z", 72, "2021-06-30T00:00:00Z" },
		{ "2026-01-31T23:59:59Z", 1, "2025-12-31T23:59:59Z" },
		{ "2026-01-01T00:00:00Z", 0, "2026-01-01T00:00:00Z" },
	};
	char out[RFC3339_LEN];
	int64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(time_parse(&t, v[i].from), 0);
		time_format(out, time_minus_months(t, v[i].months));
		assert_string_equal(out, v[i].want);
	}
}

static void test_duration(void **state)
{
	int64_t d;

	(void)state;
	assert_int_equal(duration_parse(&d, "30s"), 0);
	assert_int_equal(d, 30);
	assert_int_equal(duration_parse(&d, "7d"), 0);
	assert_int_equal(d, 7 * 86400);
	assert_int_equal(duration_parse(&d, "2w"), 0);
	assert_int_equal(d, 14 * 86400);
	assert_int_equal(duration_parse(&d, "15m"), 0);
	assert_int_equal(d, 15 * 60);
	/* A bare number has no unit: refused, the message naming the units. */
	assert_int_equal(duration_parse(&d, "90"), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "s, m, h, d or w"));
	assert_int_equal(duration_parse(&d, "400"), ERR_PARSE);
	assert_int_not_equal(duration_parse(&d, "0"), 0);
	assert_int_not_equal(duration_parse(&d, "7dd"), 0);
	assert_int_not_equal(duration_parse(&d, "-1s"), 0);
	assert_int_not_equal(duration_parse(&d, "d"), 0);
	assert_int_not_equal(duration_parse(&d, "99999999999999999999w"), 0);
}

/* Command-line times: RFC 3339 or a plain date (midnight UTC). */
static void test_time_arg(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(time_parse_arg(&t, "2026-11-30"), 0);
	assert_int_equal(t, time_from_civil(2026, 11, 30, 0, 0, 0));
	assert_int_equal(time_parse_arg(&t, "2026-11-30T06:00:00Z"), 0);
	assert_int_equal(t, time_from_civil(2026, 11, 30, 6, 0, 0));
	assert_int_equal(time_parse_arg(&t, "2026-13-01"), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "or a date"));
	assert_int_not_equal(time_parse_arg(&t, "2026-1-30"), 0);
	assert_int_not_equal(time_parse_arg(&t, "yesterday"), 0);
	/* Leaves stay strict: time_parse() takes no plain date. */
	assert_int_not_equal(time_parse(&t, "2026-11-30"), 0);
}

/* "Did you mean": a swap or a typo is close, another word is not. */
static void test_suggest(void **state)
{
	static const char *const names[] = { "assess", "attest", "gdpr", "eu-ai-act", "verify" };
	struct suggest sg;

	(void)state;
	assert_int_equal(suggest_distance("gpdr", "gdpr"), 1);
	assert_int_equal(suggest_distance("asses", "assess"), 1);
	assert_int_equal(suggest_distance("EU_AI_ACT", "eu-ai-act"), 0);
	assert_int_equal(suggest_distance("", "abc"), 3);
	suggest_init(&sg, "asses");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		suggest_offer(&sg, names[i]);
	assert_string_equal(sg.best, "assess");
	suggest_init(&sg, "gpdr");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		suggest_offer(&sg, names[i]);
	assert_string_equal(sg.best, "gdpr");
	suggest_init(&sg, "prune");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		suggest_offer(&sg, names[i]);
	assert_null(sg.best);
}

static void test_buf(void **state)
{
	struct buf b = BUF_INIT;
	char *p;
	size_t n;

	(void)state;
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_printf(&b, "%d,", i), 0);
	assert_int_equal(strncmp(b.data, "0,1,2,", 6), 0);
	assert_int_equal(b.data[b.len], '\0');
	p = buf_detach(&b, &n);
	assert_int_equal(strlen(p), n);
	assert_null(b.data);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_rfc4648_vectors),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_time_range),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_minus_months),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_time_arg),
		cmocka_unit_test(test_suggest),
	};

	return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
