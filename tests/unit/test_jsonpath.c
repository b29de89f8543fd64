/*
 * jsonpath: the byte spans of the values at a dotted path in one JSON
 * line.  The path is followed exactly (a nested or decoy member of the
 * same name is not at it), every duplicate is reported, member names are
 * compared unescaped; hostile lines (deep nesting, truncation, bad escapes,
 * lone surrogates, trailing junk) neither crash nor hide a value; and on
 * every well-formed line the last value reported is the one jansson reads.
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

#include <jansson.h>

#include "../../collectors/jsonpath.h"
#include "../../common/buf.h"

struct found {
	const char *line;
	char text[4096]; /* "S:\"a\" N:1409 ..." */
	size_t n;
	size_t last_end;
};

static int collect(const struct jsonpath_value *v, void *arg)
{
	static const char types[] = "SNBZOA";
	struct found *f = arg;
	size_t used = strlen(f->text);

	/* In order, not overlapping, inside the line. */
	assert_true(v->off >= f->last_end);
	assert_true(v->len > 0);
	f->last_end = v->off + v->len;
	snprintf(f->text + used, sizeof(f->text) - used, "%s%s%c%s:%.*s", used ? " " : "",
		 v->guessed ? "?" : "", types[v->type], v->complete ? "" : "~",
		 (int)v->len, f->line + v->off);
	f->n++;
	return 0;
}

/* The values at path in line, as "S:\"x\" N:1 ...", and well-formedness. */
static const char *find(struct found *f, const char *line, size_t len, const char *path,
			bool *ok)
{
	memset(f, 0, sizeof(*f));
	f->line = line;
	assert_int_equal(jsonpath_find(line, len, path, ok, collect, f), 0);
	assert_true(f->last_end <= len);
	return f->text;
}

static int stop_at_first(const struct jsonpath_value *v, void *arg)
{
	(void)v;
	(void)arg;
	return -5;
}

#define FIND(line, path, ok) find(&f, (line), strlen(line), (path), &(ok))

static void test_nested_and_dotted(void **state)
{
	struct found f;
	bool ok;

	(void)state;
	/* The line: the top-level user_id only. */
	assert_string_equal(FIND("{\"meta\":{\"user_id\":\"svc\"},\"user_id\":\"alice.smith\"}",
				 "user_id", ok), "S:\"alice.smith\"");
	assert_true(ok);
	assert_string_equal(FIND("{\"meta\":{\"user_id\":\"svc\"},\"user_id\":\"alice.smith\"}",
				 "meta.user_id", ok), "S:\"svc\"");
	/* A dotted name follows the nesting, never the last component. */
	assert_string_equal(FIND("{\"sub\":\"decoy\",\"auth\":{\"sub\":\"carol\"}}", "auth.sub", ok),
			    "S:\"carol\"");
	assert_string_equal(FIND("{\"auth\":{\"sub\":\"carol\"},\"sub\":\"decoy\"}", "auth.sub", ok),
			    "S:\"carol\"");
	assert_string_equal(FIND("{\"x\":{\"auth\":{\"sub\":\"n\"}},\"auth\":{\"x\":{\"sub\":\"n\"}}}",
				 "auth.sub", ok), "");
	assert_true(ok);
	/* Arrays are not objects: no path runs through them. */
	assert_string_equal(FIND("{\"auth\":[{\"sub\":\"n\"}],\"a\":[{\"auth\":{\"sub\":\"n\"}}]}",
				 "auth.sub", ok), "");
	assert_true(ok);
	/* Three levels, and a value that is itself an object or array. */
	assert_string_equal(FIND("{\"a\":{\"b\":{\"c\":7,\"d\":1},\"c\":2}}", "a.b.c", ok), "N:7");
	assert_string_equal(FIND("{\"auth\":{\"sub\":{\"id\":\"x\",\"n\":[1,{}]}}}", "auth.sub", ok),
			    "O:{\"id\":\"x\",\"n\":[1,{}]}");
	assert_string_equal(FIND("{\"u\":[\"a\",\"b\"]}", "u", ok), "A:[\"a\",\"b\"]");
	assert_true(ok);
	/* The path's object is not reported for a longer path. */
	assert_string_equal(FIND("{\"auth\":\"carol\"}", "auth.sub", ok), "");
}

static void test_types_and_space(void **state)
{
	struct found f;
	bool ok;

	(void)state;
	assert_string_equal(FIND(" \t{ \"u\" :\r\n 1409 , \"v\":1}\n ", "u", ok), "N:1409");
	assert_true(ok);
	assert_string_equal(FIND("{\"u\":-1.5e+3}", "u", ok), "N:-1.5e+3");
	assert_string_equal(FIND("{\"u\":true,\"u\":false,\"u\":null}", "u", ok),
			    "B:true B:false Z:null");
	assert_true(ok);
	assert_string_equal(FIND("{\"x\":\"}\\\"{\\\\\",\"u\":\"a\\\"b\"}", "u", ok), "S:\"a\\\"b\"");
	assert_true(ok);
	assert_string_equal(FIND("{}", "u", ok), "");
	assert_true(ok);
	assert_string_equal(FIND("{\"\":1}", "u", ok), "");
	assert_true(ok);
}

static void test_duplicates(void **state)
{
	struct found f;
	bool ok;

	(void)state;
	assert_string_equal(FIND("{\"u\":\"alice\",\"u\":\"bob\"}", "u", ok),
			    "S:\"alice\" S:\"bob\"");
	assert_true(ok);
	/* Duplicate parents: each one's member. */
	assert_string_equal(FIND("{\"auth\":{\"sub\":\"a\"},\"auth\":{\"sub\":\"b\",\"sub\":3}}",
				 "auth.sub", ok), "S:\"a\" S:\"b\" N:3");
	/* A name written with escapes is the same name. */
	assert_string_equal(FIND("{\"user\\u005fid\":\"a\",\"user_id\":\"b\",\"us\\u0065r_id\":\"c\"}",
				 "user_id", ok), "S:\"a\" S:\"b\" S:\"c\"");
	assert_string_equal(FIND("{\"a\\u0075th\":{\"s\\/ub\":1,\"sub\":2}}", "auth.sub", ok), "N:2");
	assert_string_equal(FIND("{\"user_id2\":\"a\",\"user_i\":\"b\",\"user_id\\u0000\":1}",
				 "user_id", ok), "");
}

static void test_truncated(void **state)
{
	struct found f;
	bool ok;

	(void)state;
	/* Cut inside the value: reported to the end, incomplete. */
	assert_string_equal(FIND("{\"a\":1,\"user_id\":\"alic", "user_id", ok), "S~:\"alic");
	assert_false(ok);
	assert_string_equal(FIND("{\"user_id\":\"a\\", "user_id", ok), "S~:\"a\\");
	assert_string_equal(FIND("{\"user_id\":{\"n\":\"x\",", "user_id", ok), "O~:{\"n\":\"x\",");
	assert_string_equal(FIND("{\"auth\":{\"sub\":[1,", "auth.sub", ok), "A~:[1,");
	/* Cut before the value: nothing to report. */
	assert_string_equal(FIND("{\"user_id\":", "user_id", ok), "");
	assert_false(ok);
	assert_string_equal(FIND("{\"user_id\"", "user_id", ok), "");
	assert_string_equal(FIND("{", "user_id", ok), "");
	assert_string_equal(FIND("", "user_id", ok), "");
	assert_false(ok);
	/* Broken before the user: found by its name after the break. */
	assert_string_equal(FIND("{\"a\":1 \"user_id\":\"z\"}", "user_id", ok), "?S:\"z\"");
	assert_string_equal(FIND("{\"a\":01x, \"auth\": {\"sub\" : bare, \"sub\":{\"q\":[\"]\"]}",
				 "auth.sub", ok), "?N:bare ?O:{\"q\":[\"]\"]}");
	assert_false(ok);
	/* Junk after the object, or no object at all. */
	assert_string_equal(FIND("{\"u\":\"a\"} {\"u\":\"b\"}", "u", ok), "S:\"a\" ?S:\"b\"");
	assert_false(ok);
	assert_string_equal(FIND("[{\"u\":\"a\"}]", "u", ok), "?S:\"a\"");
	assert_string_equal(FIND("u=alice \"u\": null \"u\":true,", "u", ok), "?Z:null ?B:true");
	/* A bad bare word at the path is one value, all of it. */
	assert_string_equal(FIND("{\"u\":1409abc}", "u", ok), "N~:1409abc");
	assert_false(ok);
	assert_string_equal(FIND("{\"u\":truex,\"u\":\"b\"}", "u", ok), "N~:truex ?S:\"b\"");
	assert_string_equal(FIND("{\"u\":-,\"v\":1}", "u", ok), "N:-");
	assert_string_equal(FIND("{\"u\":,\"u\":2}", "u", ok), "?N:2");
	assert_string_equal(FIND("{\"u\":\"a\",}", "u", ok), "S:\"a\"");
	assert_false(ok);
	/* NULL with no length is an empty line. */
	memset(&f, 0, sizeof(f));
	assert_int_equal(jsonpath_find(NULL, 0, "u", &ok, collect, &f), 0);
	assert_false(ok);
}

static char *repeat(const char *pre, const char *unit, size_t n, const char *post)
{
	size_t ul = strlen(unit), pl = strlen(pre), tl = strlen(post);
	char *s = malloc(pl + ul * n + tl + 1);

	assert_non_null(s);
	memcpy(s, pre, pl);
	for (size_t i = 0; i < n; i++)
		memcpy(s + pl + i * ul, unit, ul);
	memcpy(s + pl + ul * n, post, tl + 1);
	return s;
}

static void test_deep_nesting(void **state)
{
	struct found f;
	bool ok;
	char *deep, *tail, *line;

	(void)state;
	/* 2000 levels (jansson's limit is 2048): a good line. */
	deep = repeat("{\"x\":", "[", 2000, "");
	tail = repeat("", "]", 2000, ",\"u\":\"alice\"}");
	line = malloc(strlen(deep) + strlen(tail) + 1);
	assert_non_null(line);
	memcpy(line, deep, strlen(deep));
	memcpy(line + strlen(deep), tail, strlen(tail) + 1);
	assert_string_equal(FIND(line, "u", ok), "S:\"alice\"");
	assert_true(ok);
	free(deep);
	free(tail);
	free(line);
	/* Deeper than the bound: refused, and the user still found after it. */
	deep = repeat("{\"x\":", "{\"u\":", JSONPATH_MAX_DEPTH + 10, "1");
	tail = repeat(deep, "}", JSONPATH_MAX_DEPTH + 10, ",\"u\":\"bob\"}");
	/* (the member met at the bound is taken for the user: lost structure
	 * errs on the side of replacing too much) */
	FIND(tail, "u", ok);
	assert_false(ok);
	assert_int_equal(f.n, 2);
	assert_memory_equal(f.text, "?O:{\"u\":{\"u\":", 13);
	assert_string_equal(strrchr(f.text, ' '), " ?S:\"bob\"");
	free(deep);
	free(tail);
	/* Nested objects on the path itself: the third level's value is
	 * everything from the third "a"'s brace to its closing brace. */
	deep = repeat("", "{\"a\":", 300, "\"v\"");
	tail = repeat(deep, "}", 300, "");
	FIND(tail, "a.a.a", ok);
	assert_true(ok);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.last_end, strlen(tail) - 3);
	assert_memory_equal(f.text, "O:{\"a\":{", 8);
	FIND(tail, "a.a.b", ok);
	assert_int_equal(f.n, 0);
	free(deep);
	free(tail);
}

static void test_unescape(void **state)
{
	static const struct {
		const char *in, *out;
		size_t out_len;
	} cases[] = {
		{ "bob\\u0020jones", "bob jones", 9 },
		{ "plain", "plain", 5 },
		{ "\\\"\\\\\\/\\b\\f\\n\\r\\t", "\"\\/\b\f\n\r\t", 8 },
		{ "\\u00e9\\u20AC", "\xc3\xa9\xe2\x82\xac", 5 },
		/* A surrogate pair is one character. */
		{ "\\ud83d\\ude00!", "\xf0\x9f\x98\x80!", 5 },
		{ "\\uD834\\uDD1E", "\xf0\x9d\x84\x9e", 4 },
		/* Lone surrogates: U+FFFD, and what follows is kept. */
		{ "\\ud800", "\xef\xbf\xbd", 3 },
		{ "\\udc00x", "\xef\xbf\xbdx", 4 },
		{ "\\ud800\\u0041", "\xef\xbf\xbd" "A", 4 },
		{ "\\ud800\\ud800", "\xef\xbf\xbd\xef\xbf\xbd", 6 },
		{ "\\udbff", "\xef\xbf\xbd", 3 },
		/* Bad escapes are kept as written. */
		{ "a\\x", "a\\x", 3 },
		{ "\\u12", "\\u12", 4 },
		{ "\\u12G4", "\\u12G4", 6 },
		{ "tail\\", "tail\\", 5 },
		{ "\\ud83d\\u", "\xef\xbf\xbd\\u", 5 },
		{ "\\u0000", "\0", 1 },
		{ "", "", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b = BUF_INIT;

		assert_int_equal(jsonpath_unescape(&b, cases[i].in, strlen(cases[i].in)), 0);
		if (b.len != cases[i].out_len || memcmp(b.data ? b.data : "", cases[i].out, b.len))
			fail_msg("case %zu '%s': got %zu bytes '%.*s'", i, cases[i].in, b.len,
				 (int)b.len, b.data ? b.data : "");
		buf_free(&b);
	}
}

/* On good lines the last value reported is the one a JSON parser keeps. */
static void check_against_jansson(const char *line, const char *path)
{
	json_error_t e;
	json_t *root = json_loads(line, JSON_ALLOW_NUL, &e), *v = root;
	struct found f;
	struct buf dec = BUF_INIT;
	char key[64];
	const char *p = path, *dot;
	bool ok;
	size_t last_off;

	if (!root)
		fail_msg("jansson rejects %s: %s", line, e.text);
	while (v && (dot = strchr(p, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - p), p);
		v = json_object_get(v, key);
		p = dot + 1;
	}
	v = v ? json_object_get(v, p) : NULL;
	FIND(line, path, ok);
	assert_true(ok);
	if (!v) {
		json_decref(root);
		return;
	}
	assert_true(f.n >= 1);
	last_off = f.last_end;
	/* The last value's text: after the last space of the summary. */
	{
		const char *t = strrchr(f.text, ' ') ? strrchr(f.text, ' ') + 1 : f.text;

		if (json_is_string(v)) {
			size_t n = strlen(t + 2);

			assert_memory_equal(t, "S:\"", 3);
			assert_int_equal(jsonpath_unescape(&dec, t + 3, n - 2), 0);
			assert_int_equal(dec.len, json_string_length(v));
			assert_memory_equal(dec.data ? dec.data : "", json_string_value(v), dec.len);
		} else if (json_is_integer(v)) {
			assert_int_equal(strtoll(t + 2, NULL, 10), json_integer_value(v));
		} else if (json_is_object(v)) {
			assert_int_equal(t[0], 'O');
		}
	}
	(void)last_off;
	buf_free(&dec);
	json_decref(root);
}

static void test_agrees_with_jansson(void **state)
{
	(void)state;
	check_against_jansson("{\"meta\":{\"user_id\":\"svc\"},\"user_id\":\"alice.smith\"}", "user_id");
	check_against_jansson("{\"user_id\":\"bob\\u0020jones\"}", "user_id");
	check_against_jansson("{\"user_id\":\"\\ud83d\\ude00\\\"q\\\\\"}", "user_id");
	check_against_jansson("{\"sub\":\"d\",\"auth\":{\"sub\":\"carol\"}}", "auth.sub");
	check_against_jansson("{\"u\":1,\"u\":2}", "u");
	check_against_jansson("{\"a\":{\"b\":{\"c\":{\"d\":1}}}}", "a.b");
	check_against_jansson("{\"a\":[],\"b\":{},\"c\":[[{}]],\"u\":-0.5E-7}", "u");
	check_against_jansson("{\"u\\u0041\":1,\"\\u0075\":\"\"}", "u");
	check_against_jansson("{\"auth\":{\"sub\":1},\"auth\":{\"x\":2}}", "auth.x");
}

static void test_callback_stops(void **state)
{
	bool ok;

	(void)state;
	assert_int_equal(jsonpath_find("{\"u\":1,\"u\":2}", 13, "u", &ok, stop_at_first, NULL),
			 -5);
	assert_int_equal(jsonpath_find("{\"u\":{\"a\":1}}", 15, "u", &ok, stop_at_first, NULL), -5);
	assert_int_equal(jsonpath_find("x \"u\":1", 8, "u", &ok, stop_at_first, NULL), -5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_and_dotted),
		cmocka_unit_test(test_types_and_space),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_agrees_with_jansson),
		cmocka_unit_test(test_callback_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
