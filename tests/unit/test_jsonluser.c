/*
 * jsonluser: one jsonl line written with its user values replaced.  The
 * exact output in each mode: the value at the path (not a nested or decoy
 * one) replaced in place, every duplicate, numbers, escaped strings
 * tokenised as their text, mentions in other strings (whole words, 4 bytes
 * or more, not inside what the detectors already replaced), damaged lines,
 * and the line's user token.
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

#include "../../collectors/jsonluser.h"

static const uint8_t key[STORE_SECRET_LEN] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };

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

/* The token of a user value, as a static string (two slots). */
static const char *tok(struct pii *p, const char *value)
{
	static char t[2][PII_TOKEN_MAX];
	static int k;

	k ^= 1;
	assert_int_equal(pii_token(p, "user", value, strlen(value), t[k]), 0);
	return t[k];
}

/* line rewritten under mode; *token the line's user token. */
static char *rewrite(struct pii *p, enum pii_mode mode, const char *path, const char *line,
		     char token[PII_TOKEN_MAX])
{
	static char out[4096];
	struct buf b = BUF_INIT;

	assert_int_equal(jsonluser_rewrite(p, mode, path, line, strlen(line), &b, NULL, token), 0);
	assert_true(b.len < sizeof(out));
	memcpy(out, b.data ? b.data : "", b.len);
	out[b.len] = '\0';
	buf_free(&b);
	return out;
}

static void expect(struct pii *p, enum pii_mode mode, const char *path, const char *line,
		   const char *want, const char *want_token)
{
	char token[PII_TOKEN_MAX];
	const char *got = rewrite(p, mode, path, line, token);

	if (strcmp(got, want))
		fail_msg("%s\n  got  %s\n  want %s", line, got, want);
	assert_string_equal(token, want_token);
}

static void test_path(void **state)
{
	struct pii *p = *state;
	char want[512];

	snprintf(want, sizeof(want), "{\"meta\":{\"user_id\":\"svc\"},\"user_id\":\"%s\"}",
		 tok(p, "alice.smith"));
	expect(p, PII_PSEUDONYMISE, "user_id",
	       "{\"meta\":{\"user_id\":\"svc\"},\"user_id\":\"alice.smith\"}", want,
	       tok(p, "alice.smith"));
	snprintf(want, sizeof(want), "{\"sub\":\"decoy\",\"auth\":{\"sub\" : \"%s\"}}",
		 tok(p, "carol"));
	expect(p, PII_PSEUDONYMISE, "auth.sub",
	       "{\"sub\":\"decoy\",\"auth\":{\"sub\" : \"carol\"}}", want, tok(p, "carol"));
	/* Duplicates: each by its own token; the last is the line's user. */
	snprintf(want, sizeof(want), "{\"u\":\"%s\",", tok(p, "ann1"));
	snprintf(want + strlen(want), sizeof(want) - strlen(want), "\"u\":\"%s\"}", tok(p, "ben2"));
	expect(p, PII_PSEUDONYMISE, "u", "{\"u\":\"ann1\",\"u\":\"ben2\"}", want, tok(p, "ben2"));
	/* A number, an object: by their text. */
	snprintf(want, sizeof(want), "{\"u\":\"%s\"}", tok(p, "1409"));
	expect(p, PII_PSEUDONYMISE, "u", "{\"u\":1409}", want, tok(p, "1409"));
	snprintf(want, sizeof(want), "{\"u\":\"%s\"}", tok(p, "{\"id\":7}"));
	expect(p, PII_PSEUDONYMISE, "u", "{\"u\":{\"id\":7}}", want, tok(p, "{\"id\":7}"));
	/* null and "" name nobody. */
	expect(p, PII_PSEUDONYMISE, "u", "{\"u\":null,\"v\":\"\"}", "{\"u\":null,\"v\":\"\"}", "");
	expect(p, PII_PSEUDONYMISE, "u", "{\"u\":\"\"}", "{\"u\":\"\"}", "");
	/* An earlier duplicate is replaced even when the last is null. */
	snprintf(want, sizeof(want), "{\"u\":\"%s\",\"u\":null}", tok(p, "ann1"));
	expect(p, PII_PSEUDONYMISE, "u", "{\"u\":\"ann1\",\"u\":null}", want, tok(p, "ann1"));
	/* No user field in the line: scrubbed only. */
	expect(p, PII_PSEUDONYMISE, "u", "{\"x\":\"a\"}", "{\"x\":\"a\"}", "");
}

static void test_escapes(void **state)
{
	struct pii *p = *state;
	char t1[PII_TOKEN_MAX], t2[PII_TOKEN_MAX], t3[PII_TOKEN_MAX];

	rewrite(p, PII_PSEUDONYMISE, "u", "{\"u\":\"bob\\u0020jones\"}", t1);
	rewrite(p, PII_PSEUDONYMISE, "u", "{\"u\":\"bob jones\"}", t2);
	rewrite(p, PII_PSEUDONYMISE, "u", "{\"u\":\"\\u0062ob\\u0020jone\\u0073\"}", t3);
	assert_string_equal(t1, t2);
	assert_string_equal(t1, t3);
	assert_string_equal(t1, tok(p, "bob jones"));
	rewrite(p, PII_PSEUDONYMISE, "u", "{\"u\":\"\\ud83d\\ude00zoe\"}", t1);
	assert_string_equal(t1, tok(p, "\xf0\x9f\x98\x80zoe"));
	rewrite(p, PII_PSEUDONYMISE, "u", "{\"u\":\"a\\/b\\\\c\\\"\"}", t1);
	assert_string_equal(t1, tok(p, "a/b\\c\""));
}

static void test_mentions(void **state)
{
	struct pii *p = *state;
	char want[512];
	const char *t = tok(p, "alice.smith");

	snprintf(want, sizeof(want), "{\"user_id\":\"%s\",\"msg\":\"reset for %s, not "
		 "alice.smithers or xalice.smith; %s!\"}", t, t, t);
	expect(p, PII_PSEUDONYMISE, "user_id", "{\"user_id\":\"alice.smith\",\"msg\":\"reset for "
	       "alice.smith, not alice.smithers or xalice.smith; alice.smith!\"}", want, t);
	/* After an escape, and as written with escapes. */
	t = tok(p, "bob jones");
	snprintf(want, sizeof(want), "{\"u\":\"%s\",\"m\":[\"\\n%s\",\"%s\"]}", t, t, t);
	expect(p, PII_PSEUDONYMISE, "u", "{\"u\":\"bob\\u0020jones\",\"m\":[\"\\nbob jones\","
	       "\"bob\\u0020jones\"]}", want, t);
	/* Member names are not values; short ids are not searched for. */
	t = tok(p, "abcd");
	snprintf(want, sizeof(want), "{\"abcd\":1,\"u\":\"%s\"}", t);
	expect(p, PII_PSEUDONYMISE, "u", "{\"abcd\":1,\"u\":\"abcd\"}", want, t);
	snprintf(want, sizeof(want), "{\"u\":\"%s\",\"m\":\"bob was here\"}", tok(p, "bob"));
	expect(p, PII_PSEUDONYMISE, "u", "{\"u\":\"bob\",\"m\":\"bob was here\"}", want, tok(p, "bob"));
	/* Numbers outside strings are left; the e-mail keeps its own token. */
	snprintf(want, sizeof(want), "{\"u\":\"%s\",\"n\":1409,\"m\":\"id %s\"}", tok(p, "1409"),
		 tok(p, "1409"));
	expect(p, PII_PSEUDONYMISE, "u", "{\"u\":1409,\"n\":1409,\"m\":\"id 1409\"}", want,
	       tok(p, "1409"));
	{
		char token[PII_TOKEN_MAX];
		const char *got = rewrite(p, PII_PSEUDONYMISE, "u",
					  "{\"u\":\"jane@bank.example\",\"m\":\"mail jane@bank.example\"}",
					  token);

		assert_non_null(strstr(got, "\"m\":\"mail <email:"));
		assert_null(strstr(got, "jane"));
	}
}

static void test_modes(void **state)
{
	struct pii *p = *state;
	const char *line = "{\"u\":\"carl.k\",\"n\":7,\"m\":\"carl.k at 10.1.2.3\",\"u\":99}";
	char token[PII_TOKEN_MAX];

	expect(p, PII_REDACT, "u", line,
	       "{\"u\":\"<user:redacted>\",\"n\":7,\"m\":\"<user:redacted> at <ipv4:redacted>\","
	       "\"u\":\"<user:redacted>\"}", tok(p, "99"));
	/* keep: the bytes as they were; the token still counted. */
	expect(p, PII_KEEP, "u", line, line, tok(p, "99"));
	/* Secrets go whatever the mode. */
	assert_null(strstr(rewrite(p, PII_KEEP, "u",
				   "{\"u\":\"x\",\"k\":\"-----BEGIN PRIVATE KEY-----\\nMIIE\\n"
				   "-----END PRIVATE KEY-----\"}", token), "MIIE"));
}

static void test_damaged(void **state)
{
	struct pii *p = *state;
	char want[512];

	/* Cut inside the value. */
	snprintf(want, sizeof(want), "{\"ts\":1,\"u\":\"%s\"", tok(p, "gina"));
	expect(p, PII_PSEUDONYMISE, "u", "{\"ts\":1,\"u\":\"gina", want, tok(p, "gina"));
	/* Broken before it: found by name, bare words too. */
	snprintf(want, sizeof(want), "{\"ts\":1 \"u\":\"%s\"}", tok(p, "hank"));
	expect(p, PII_PSEUDONYMISE, "u", "{\"ts\":1 \"u\":\"hank\"}", want, tok(p, "hank"));
	snprintf(want, sizeof(want), "u: \"u\":\"%s\", \"u\": \"%s\",", tok(p, "ivan"), tok(p, "x"));
	expect(p, PII_PSEUDONYMISE, "u", "u: \"u\":ivan, \"u\": x,", want, tok(p, "x"));
	/* Nothing at all like it: scrubbed only. */
	expect(p, PII_PSEUDONYMISE, "u", "not json at all", "not json at all", "");
	expect(p, PII_PSEUDONYMISE, "u", "", "", "");
}

/* Pieces of an overlong line: the context is read, never written. */
static void test_pieces(void **state)
{
	struct pii *p = *state;
	struct buf b = BUF_INIT;
	char token[PII_TOKEN_MAX], want[256];
	static const struct {
		const char *ctx, *piece, *value, *fmt;
	} cases[] = {
		/* Cut inside the value: its rest becomes the token. */
		{ "{\"ts\":1,\"user_id\":\"", "alice.long\",\"x\":1}", "alice.long",
		  "%s\",\"x\":1}" },
		{ "{\"user_id\":\"ali", "ce\\u0020b\"}", "ce b", "%s\"}" },
		{ "\"user_id\":12", "34,", "34", "%s," },
		/* Cut after the name or the colon: the value is all in the piece. */
		{ "\"user_id\": ", "\"bob\"}", "bob", "\"%s\"}" },
		{ "\"user_id\"", " : \"bob\"}", "bob", " : \"%s\"}" },
		/* A value all in the context was written with it. */
		{ "\"user_id\":\"carl\"", ",\"x\":\"carl\"}", NULL, ",\"x\":\"carl\"}" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char both[256];
		size_t skip = strlen(cases[i].ctx);

		snprintf(both, sizeof(both), "%s%s", cases[i].ctx, cases[i].piece);
		if (cases[i].value)
			snprintf(want, sizeof(want), cases[i].fmt, tok(p, cases[i].value));
		else
			snprintf(want, sizeof(want), "%s", cases[i].fmt);
		buf_reset(&b);
		assert_int_equal(jsonluser_rewrite_from(p, PII_PSEUDONYMISE, "user_id", both,
							strlen(both), skip, &b, NULL, token), 0);
		if (b.len != strlen(want) || memcmp(b.data, want, b.len))
			fail_msg("case %zu: got %.*s, want %s", i, (int)b.len, b.data, want);
	}
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mentions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pieces, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
