/*
 * What a misconfigured access-log source shows a person (logcheck.h) and
 * the free-text check of pii_describe(): the sample line of a refused
 * first run never carries a user id, e-mail or other detector finding,
 * control characters or more than LOGCHECK_SAMPLE_MAX bytes (cut at a
 * UTF-8 boundary); the expected format names the field map; free text is
 * told apart from text with personal data in it; a rescan's chain of
 * earlier entries follows byte continuity across renames, skips entries
 * already superseded and refuses gaps and erased ranges.
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
#include <unistd.h>

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

/* ---- rescan chains, on a real store ---- */

struct chainfx {
	char dir[64];
	struct store *s;
};

static void add(struct store *s, const char *path, unsigned start, unsigned end,
		const char *extra)
{
	char attrs[256];
	struct entry_input in = { 0 };

	snprintf(attrs, sizeof(attrs), "{\"path\":\"%s\",\"offset_start\":%u,"
		 "\"offset_end\":%u%s}", path, start, end, extra ? extra : "");
	in.kind = "access-log";
	in.source = "web";
	in.eff_from = in.eff_to = in.collected = 1700000000;
	in.attrs = attrs;
	in.attrs_len = strlen(attrs);
	in.payload = "x";
	in.payload_len = 1;
	assert_int_equal(store_append(s, &in, NULL), 0);
}

static int chain_setup(void **state)
{
	struct chainfx *f = calloc(1, sizeof(*f));
	struct store_opts o = { 0 };

	snprintf(f->dir, sizeof(f->dir), "/tmp/auditpack-logcheck-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	strncat(f->dir, "/s", sizeof(f->dir) - strlen(f->dir) - 1);
	o.dir = f->dir;
	o.wait_seconds = 1;
	if (store_init(&o, "unit.example/log", NULL) || store_open(&f->s, &o, STORE_WRITE) ||
	    store_begin(f->s))
		return -1;
	/* 0 a 0-100, 1 a 100-200, 2 b 0-50 (another file), 3 a.1 200-260
	 * (a renamed), 4 b 50-80, 5 c 0-10, 6 c 10-20 superseded by 7 c 0-20 */
	add(f->s, "a", 0, 100, NULL);
	add(f->s, "a", 100, 200, NULL);
	add(f->s, "b", 0, 50, NULL);
	add(f->s, "a.1", 200, 260, NULL);
	add(f->s, "b", 50, 80, NULL);
	add(f->s, "c", 0, 10, NULL);
	add(f->s, "c", 10, 20, NULL);
	add(f->s, "c", 0, 20, ",\"rescan\":true,\"supersedes\":[5,6]");
	add(f->s, "d", 0, 30, ",\"restates\":9"); /* an erasure's restated copy */
	*state = f;
	return 0;
}

static int chain_teardown(void **state)
{
	struct chainfx *f = *state;
	char cmd[128];

	store_close(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strlen(f->dir) - 2), f->dir);
	free(f);
	return system(cmd) != 0;
}

static void test_chain(void **state)
{
	struct chainfx *f = *state;
	struct logcheck_index *x = NULL;
	struct logcheck_chain c;
	json_t *j;
	char *s;

	assert_int_equal(logcheck_index_load(&x, f->s, "web"), 0);
	/* the renamed file: its tail under the new name, the rest under the old */
	assert_int_equal(logcheck_chain(&c, x, "web", "a.1", 260), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.v[0].index, 3);
	assert_int_equal(c.v[1].index, 1);
	assert_int_equal(c.v[2].index, 0);
	j = logcheck_overlap(&c, 150, 1000);
	s = json_dumps(j, JSON_COMPACT);
	assert_string_equal(s, "[1,3]");
	free(s);
	json_decref(j);
	logcheck_chain_free(&c);
	assert_int_equal(logcheck_chain(&c, x, "web", "b", 80), 0);
	assert_int_equal(c.n, 2);
	logcheck_chain_free(&c);
	/* already superseded entries are not in a chain: the rescan is */
	assert_int_equal(logcheck_chain(&c, x, "web", "c", 20), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].index, 7);
	logcheck_chain_free(&c);
	/* an entry claimed once is not claimed again; a gap is refused */
	assert_int_equal(logcheck_chain(&c, x, "web", "b", 80), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "cannot rescan 'b'"));
	assert_int_equal(logcheck_chain(&c, x, "web", "a", 150), ERR_PARSE);
	assert_int_equal(c.n, 0);
	/* a range an erasure restated is never read again */
	assert_int_equal(logcheck_chain(&c, x, "web", "d", 30), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "was erased or pruned"));
	logcheck_index_free(x);
	/* an empty source has nothing to chain, and byte 0 needs nothing */
	assert_int_equal(logcheck_index_load(&x, f->s, "other"), 0);
	assert_int_equal(logcheck_chain(&c, x, "other", "a", 0), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(logcheck_chain(&c, x, "other", "a", 10), ERR_PARSE);
	logcheck_index_free(x);
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
		cmocka_unit_test_setup_teardown(test_chain, chain_setup, chain_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
