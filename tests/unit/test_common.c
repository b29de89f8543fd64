/* common/: encodings, times and durations, the byte buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/encode.h"
#include "../../common/err.h"
#include "../../common/suggest.h"
#include "../../common/timeutil.h"
#include "../../common/fsutil.h"
#include "../../common/fswalk.h"
#include "../../common/utf8.h"
#include "../../common/yamlutil.h"

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
	/* Quads before the last (decoded four digits at a time): no padding, no
	 * stray byte, every digit of the alphabet, the cap. */
	assert_int_not_equal(b64_decode(dec, sizeof(dec), &n, "Zm!vZm9v", 8), 0);
	assert_int_not_equal(b64_decode(dec, sizeof(dec), &n, "Zg==Zm9v", 8), 0);
	assert_int_not_equal(b64_decode(dec, sizeof(dec), &n, "Zm9\nZm9v", 8), 0);
	assert_int_not_equal(b64_decode(dec, 5, &n, "Zm9vYmFy", 8), 0);
	{
		static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		uint8_t back[48];
		char again[72];

		assert_int_equal(b64_decode(back, sizeof(back), &n, digits, 64), 0);
		assert_int_equal(n, 48);
		b64_encode(again, back, n);
		assert_string_equal(again, digits);
	}
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

/* The one UTF-8 decoder: strict, and it locates the first bad byte. */
static void test_utf8(void **state)
{
	uint32_t cp;
	size_t bad = 99;
	int line = 0, col = 0;

	(void)state;
	assert_int_equal(utf8_decode((const unsigned char *)"\xe2\x82\xac", 3, &cp), 3);
	assert_int_equal(cp, 0x20ac);
	/* overlong, surrogate, past U+10FFFF, truncated */
	assert_int_equal(utf8_decode((const unsigned char *)"\xc0\xaf", 2, &cp), 1);
	assert_int_equal(cp, UTF8_INVALID);
	utf8_decode((const unsigned char *)"\xed\xa0\x80", 3, &cp);
	assert_int_equal(cp, UTF8_INVALID);
	utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp);
	assert_int_equal(cp, UTF8_INVALID);
	assert_int_equal(utf8_decode((const unsigned char *)"\xe2\x82", 2, &cp), 2);
	assert_int_equal(cp, UTF8_INVALID);
	/* a bad sequence never swallows the next character */
	assert_int_equal(utf8_decode((const unsigned char *)"\xe2" "a", 2, &cp), 1);

	assert_true(utf8_valid("a\0b\xc3\xa9", 5, NULL));
	assert_false(utf8_valid("ab\xff", 3, &bad));
	assert_int_equal(bad, 2);
	assert_true(utf8_valid_str("caf\xc3\xa9"));
	assert_false(utf8_valid_str("caf\xc3"));

	assert_true(utf8_text("a\nb\n", 4, &line, &col));
	assert_false(utf8_text("a\nbc\xc3(", 6, &line, &col));
	assert_int_equal(line, 2);
	assert_int_equal(col, 3);
	assert_false(utf8_text("ab\0", 3, &line, &col)); /* text has no NUL */
	assert_int_equal(col, 3);
}

/* The one YAML front end: file:line:column everywhere, reader errors at
 * their byte, one alias budget for every document it loads. */
static void test_yaml_front_end(void **state)
{
	struct ydoc y;
	struct ystream st;
	json_t *j = NULL;
	bool got;
	char bomb[512] = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";

	(void)state;
	/* a bad byte on line 2, column 4 (a reader error: libyaml gives an
	 * offset, which used to be reported as line 1) */
	assert_int_equal(ydoc_load(&y, "r.yaml", "a: 1\nb: \xff\n", 10, 0), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "r.yaml:2:4: "));
	/* a syntax error with its context */
	assert_int_equal(ydoc_load(&y, "s.yaml", "a: [1, 2\n", 9, 0), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "s.yaml:2:1: "));
	assert_non_null(strstr(err_msg(), "at line 1)"));
	/* the same format from the YAML-to-JSON conversion, line offset added */
	assert_int_equal(yaml_to_json(&j, "a: b: c\n", 8, "t.yaml", 4), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "t.yaml:5:5: "));
	assert_int_equal(yaml_to_json(&j, "a: [1, x]\n", 10, "t.yaml", 0), 0);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "a"), 0)), 1);
	json_decref(j);

	/* an alias bomb is refused by every loader, after linear work */
	for (char c = 'b'; c <= 'j'; c++) {
		size_t off = strlen(bomb);

		snprintf(bomb + off, sizeof(bomb) - off,
			 "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n",
			 c, c, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
	}
	assert_int_equal(ydoc_load(&y, "b.yaml", bomb, strlen(bomb), 0), ERR_LIMIT);
	assert_non_null(strstr(err_msg(), "alias bomb"));
	assert_int_equal(ystream_open(&st, "b.yaml", bomb, strlen(bomb), YDOC_WIPE), 0);
	assert_int_equal(ystream_next(&st, &y, &got), ERR_LIMIT);
	ystream_close(&st);
	/* ... and so is a document that contains itself */
	assert_int_equal(ydoc_load(&y, "c.yaml", "a: &x [1, *x]\n", 14, 0), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "recursive YAML alias"));

	/* a stream skips empty documents */
	assert_int_equal(ystream_open(&st, "m.yaml", "---\n---\na: 1\n", 13, 0), 0);
	assert_int_equal(ystream_next(&st, &y, &got), 0);
	assert_true(got);
	assert_string_equal(ydoc_scalar(ydoc_node(&y, ydoc_root(&y)->data.mapping.pairs.start->key)),
			    "a");
	ydoc_free(&y);
	assert_int_equal(ystream_next(&st, &y, &got), 0);
	assert_false(got);
	ystream_close(&st);
}

struct seen {
	char kinds[16][64];
	size_t n;
};

static int record(void *arg, const struct fs_walk_entry *e)
{
	struct seen *s = arg;

	if (s->n < 16)
		snprintf(s->kinds[s->n++], sizeof(s->kinds[0]), "%d:%s%s", (int)e->kind, e->rel,
			 e->kind == FS_WALK_LINK && e->target == FS_TARGET_FILE ? ">file" : "");
	return e->kind == FS_WALK_DIR && !strcmp(e->name, "pruned") ? FS_WALK_PRUNE : 0;
}

static int kind_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The one walker's policy: symlinks reported and not followed, version
 * control not entered, prune honoured, depth bounded; the one suffix
 * scanner sorted; the one path join. */
static void test_fswalk(void **state)
{
	char root[] = "/tmp/test_fswalk.XXXXXX", p[256], *joined = NULL, **names = NULL;
	struct seen s = { 0 };
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/sub", root); assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/sub/b.xml", root); fclose(fopen(p, "w"));
	snprintf(p, sizeof(p), "%s/a.xml", root); fclose(fopen(p, "w"));
	snprintf(p, sizeof(p), "%s/.xml", root); fclose(fopen(p, "w"));
	snprintf(p, sizeof(p), "%s/.git", root); assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/.git/config", root); fclose(fopen(p, "w"));
	snprintf(p, sizeof(p), "%s/pruned", root); assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/pruned/x", root); fclose(fopen(p, "w"));
	snprintf(p, sizeof(p), "%s/dirlink", root); assert_int_equal(symlink("sub", p), 0);
	snprintf(p, sizeof(p), "%s/filelink", root); assert_int_equal(symlink("a.xml", p), 0);

	assert_int_equal(fs_walk(root, 8, record, &s), 0);
	qsort(s.kinds, s.n, sizeof(s.kinds[0]), kind_cmp);
	assert_int_equal(s.n, 8);
	assert_string_equal(s.kinds[0], "0:.xml");
	assert_string_equal(s.kinds[1], "0:a.xml");
	assert_string_equal(s.kinds[2], "0:sub/b.xml");
	assert_string_equal(s.kinds[3], "1:pruned");
	assert_string_equal(s.kinds[4], "1:sub");
	assert_string_equal(s.kinds[5], "2:dirlink");
	assert_string_equal(s.kinds[6], "2:filelink>file");
	assert_string_equal(s.kinds[7], "3:.git");
	s.n = 0;
	assert_int_equal(fs_walk(root, 0, record, &s), ERR_LIMIT);
	assert_non_null(strstr(err_msg(), "nested deeper than 0 levels"));

	assert_int_equal(fs_scan_suffix(&names, &n, root, ".xml"), 0);
	assert_int_equal(n, 1); /* ".xml" itself is no name; sub/ is not read */
	assert_string_equal(names[0], "a.xml");
	assert_null(names[1]);
	fs_names_free(names);
	assert_int_equal(fs_scan_suffix(&names, &n, "/nonexistent-dir", ".xml"), ERR_IO);

	assert_int_equal(fs_join_alloc(&joined, root, "sub"), 0);
	assert_int_equal(fs_join(p, sizeof(p), root, "sub"), 0);
	assert_string_equal(joined, p);
	free(joined);
	assert_int_equal(fs_join(p, 8, root, "sub"), ERR_LIMIT);

	snprintf(p, sizeof(p), "rm -rf '%s'", root);
	assert_int_equal(system(p), 0);
}

/* Percent-encoding once (SQLite URIs keep "/", OSCAL href segments do not);
 * the one streamed file hash. */
static void test_uri_escape_and_hash_file(void **state)
{
	struct buf b = BUF_INIT;
	char path[] = "/tmp/test_hash.XXXXXX", hex[65];
	struct stat st;
	int fd;

	(void)state;
	assert_int_equal(uri_escape(&b, "/a b/\xc3\xa9?#%~._-", "/"), 0);
	assert_string_equal(b.data, "/a%20b/%C3%A9%3F%23%25~._-");
	buf_reset(&b);
	assert_int_equal(uri_escape(&b, "x/y", ""), 0);
	assert_string_equal(b.data, "x%2Fy");
	buf_free(&b);

	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_int_equal(fs_hash_file(hex, &st, path), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(st.st_size, 3);
	unlink(path);
	assert_int_equal(fs_hash_file(hex, &st, path), ERR_IO);
	assert_int_equal(fs_hash_file(hex, &st, "/tmp"), ERR_IO);
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
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_yaml_front_end),
		cmocka_unit_test(test_fswalk),
		cmocka_unit_test(test_uri_escape_and_hash_file),
		cmocka_unit_test(test_time_arg),
		cmocka_unit_test(test_suggest),
	};

	return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
