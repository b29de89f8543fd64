/*
 * PII tokens: stable for one store secret and different for another,
 * HMAC-SHA256 of the value as earlier releases made them (erasure finds
 * lines by them), equal to what pii_scrub puts in place, one per type.
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

#include "../../collectors/pii.h"
#include "../../common/err.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "pii_fixture.h"

/* ---- tokens ---- */

static void assert_token_shape(const char *tok, const char *type)
{
	size_t tl = strlen(type);

	assert_int_equal(strlen(tok), tl + 19);
	assert_int_equal(tok[0], '<');
	assert_memory_equal(tok + 1, type, tl);
	assert_int_equal(tok[tl + 1], ':');
	for (size_t i = tl + 2; i < tl + 18; i++)
		assert_non_null(strchr("0123456789abcdef", tok[i]));
	assert_int_equal(tok[tl + 18], '>');
}

static void test_tokens_stable_and_keyed(void **state)
{
	struct pii *p = *state, *q = NULL, *r = NULL;
	char a[PII_TOKEN_MAX], b[PII_TOKEN_MAX + 8], c2[PII_TOKEN_MAX];
	const char *v = "alice@example.com";
	struct pii_counts c;
	char *o1, *o2, *o3;

	assert_int_equal(pii_new(&q, key1), 0);
	assert_int_equal(pii_new(&r, key2), 0);
	assert_int_equal(pii_token(p, "email", v, strlen(v), a), 0);
	assert_token_shape(a, "email");
	assert_int_equal(pii_token(p, "email", v, strlen(v), b), 0);
	assert_string_equal(a, b); /* same call twice */
	assert_int_equal(pii_token(q, "email", v, strlen(v), b), 0);
	assert_string_equal(a, b); /* another context, same secret */
	assert_int_equal(pii_token(r, "email", v, strlen(v), c2), 0);
	assert_string_not_equal(a, c2); /* another secret */
	assert_int_equal(pii_token(p, "email", "bob@example.com", 15, b), 0);
	assert_string_not_equal(a, b);

	/* Through pii_scrub, across calls and contexts. */
	o1 = scrub(p, PII_PSEUDONYMISE, "to alice@example.com", &c);
	o2 = scrub(q, PII_PSEUDONYMISE, "to alice@example.com", &c);
	o3 = scrub(r, PII_PSEUDONYMISE, "to alice@example.com", &c);
	assert_string_equal(o1, o2);
	assert_string_not_equal(o1, o3);
	snprintf(b, sizeof(b), "to %s", a);
	assert_string_equal(o1, b);
	free(o1);
	free(o2);
	free(o3);
	pii_free(q);
	pii_free(r);
}

/* A token is the first 16 hex digits of HMAC-SHA256(secret, value), as
 * OpenSSL's HMAC computes it, for values of every length up to several
 * blocks, through the cache and past it; pinned values (computed with
 * Python's hmac) keep tokens equal to those of earlier releases, which
 * erasure looks stores up by. */
static void test_token_is_hmac(void **state)
{
	static const struct {
		const char *type, *value, *token;
	} pinned[] = {
		{ "user", "u-0042", "<user:c12571778cc8333f>" },
		{ "ipv4", "10.1.2.3", "<ipv4:7234cc621453a5ed>" },
		{ "email", "alice@example.com", "<email:77e592888d91244c>" },
	};
	struct pii *p = *state;
	char tok[PII_TOKEN_MAX], want[3], v[200];

	for (size_t i = 0; i < sizeof(pinned) / sizeof(pinned[0]); i++)
		for (int twice = 0; twice < 2; twice++) {
			assert_int_equal(pii_token(p, pinned[i].type, pinned[i].value,
						   strlen(pinned[i].value), tok), 0);
			assert_string_equal(tok, pinned[i].token);
		}
	for (size_t n = 0; n < sizeof(v); n++) {
		uint8_t mac[EVP_MAX_MD_SIZE];
		unsigned ml = 0;

		for (size_t i = 0; i < n; i++)
			v[i] = (char)('a' + (i * 7 + n) % 26);
		assert_non_null(HMAC(EVP_sha256(), key1, sizeof(key1), (const unsigned char *)v,
				     n, mac, &ml));
		assert_int_equal(pii_token(p, "user", v, n, tok), 0);
		for (size_t i = 0; i < 8; i++) {
			snprintf(want, sizeof(want), "%02x", mac[i]);
			assert_memory_equal(tok + 6 + 2 * i, want, 2);
		}
	}
}

/* pii_token() of any spelling equals what pii_scrub() wrote. */
static void same_token(struct pii *p, const char *type, const char *text,
		       const char *const *spellings)
{
	char tok[PII_TOKEN_MAX], want[PII_TOKEN_MAX];
	struct pii_counts c;
	char *out = scrub(p, PII_PSEUDONYMISE, text, &c);

	assert_int_equal(total(&c), 1);
	for (; *spellings; spellings++) {
		assert_int_equal(pii_token(p, type, *spellings, strlen(*spellings),
					   tok), 0);
		snprintf(want, sizeof(want), "%s", tok);
		assert_string_equal(out, want);
	}
	free(out);
}

static void test_token_equals_scrub(void **state)
{
	struct pii *p = *state;

	same_token(p, "email", "John.Doe@Example.COM",
		   (const char *const[]){ "John.Doe@Example.COM",
					  "john.doe@example.com",
					  "john.doe%40example.com", NULL });
	same_token(p, "email", "JOHN.DOE%40EXAMPLE.COM",
		   (const char *const[]){ "john.doe@example.com", NULL });
	same_token(p, "phone", "+91 98765 43210",
		   (const char *const[]){ "+91-98765-43210", "919876543210", NULL });
	same_token(p, "card", "4111 1111 1111 1111",
		   (const char *const[]){ "4111-1111-1111-1111",
					  "4111111111111111", NULL });
	same_token(p, "aadhaar", "2341 2341 2346",
		   (const char *const[]){ "234123412346", NULL });
	same_token(p, "ssn", "123-45-6789",
		   (const char *const[]){ "123456789", NULL });
	same_token(p, "iban", "GB82 WEST 1234 5698 7654 32",
		   (const char *const[]){ "gb82 west 1234 5698 7654 32",
					  "GB82WEST12345698765432", NULL });
	same_token(p, "pan", "ABCPD1234F",
		   (const char *const[]){ "abcpd1234f", NULL });
	same_token(p, "ipv6", "2001:DB8:0:0::1",
		   (const char *const[]){ "2001:db8::1", "2001:0db8::0:1", NULL });
	same_token(p, "ipv4", "10.1.2.3",
		   (const char *const[]){ "10.1.2.3", NULL });
}

static void test_token_types(void **state)
{
	struct pii *p = *state;
	char a[PII_TOKEN_MAX], b[PII_TOKEN_MAX];
	char longtype[64];

	assert_int_equal(pii_token(p, "user", "Alice", 5, a), 0);
	assert_token_shape(a, "user");
	/* Types of the caller's own are taken as they are: no folding. */
	assert_int_equal(pii_token(p, "user", "alice", 5, b), 0);
	assert_string_not_equal(a, b);
	/* The HMAC covers the value only: the type just labels it. */
	assert_int_equal(pii_token(p, "user_id", "Alice", 5, b), 0);
	assert_string_equal(a + 6, b + 9);
	assert_int_equal(pii_token(p, "user", "", 0, a), 0);
	assert_int_equal(pii_token(p, "user", NULL, 0, a), 0);

	assert_int_equal(pii_token(p, NULL, "x", 1, a), ERR_USAGE);
	assert_int_equal(pii_token(p, "", "x", 1, a), ERR_USAGE);
	assert_int_equal(pii_token(p, "Email", "x", 1, a), ERR_USAGE);
	assert_int_equal(pii_token(p, "a b", "x", 1, a), ERR_USAGE);
	assert_int_equal(pii_token(p, "<x>", "x", 1, a), ERR_USAGE);
	memset(longtype, 'a', 44);
	longtype[44] = '\0';
	assert_int_equal(pii_token(p, longtype, "x", 1, a), 0);
	assert_int_equal(strlen(a), PII_TOKEN_MAX - 1);
	longtype[44] = 'a';
	longtype[45] = '\0';
	assert_int_equal(pii_token(p, longtype, "x", 1, a), ERR_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tokens_stable_and_keyed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_equals_scrub, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_is_hmac, setup, teardown),
	};

	return cmocka_run_group_tests_name("pii_tokens", tests, NULL, NULL);
}
