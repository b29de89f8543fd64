/*
 * common/sign: DSSE PAE and Ed25519, against published vectors:
 *  - the DSSE protocol's worked example (secure-systems-lab/dsse,
 *    protocol.md): PAE("http://example.com/HelloWorld", "hello world");
 *  - RFC 8032 section 7.1, TEST 2: the signature over the one byte 0x72,
 *    which must come out byte for byte (Ed25519 is deterministic).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../common/buf.h"
#include "../../common/encode.h"
#include "../../common/err.h"
#include "../../common/sign.h"

static const char rfc_sk[] =
	"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
static const char rfc_pk[] =
	"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
static const char rfc_sig[] =
	"92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	"085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

static EVP_PKEY *rfc_key(uint8_t pub[SIGN_ED25519_PUB])
{
	uint8_t sk[32];

	assert_int_equal(hex_decode(sk, sizeof(sk), rfc_sk, 64), 0);
	assert_int_equal(hex_decode(pub, SIGN_ED25519_PUB, rfc_pk, 64), 0);
	return EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, sk, sizeof(sk));
}

static void test_pae_vector(void **state)
{
	static const char want[] = "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
	struct buf b = BUF_INIT;
	char head[64];

	(void)state;
	assert_int_equal(sign_pae(&b, "http://example.com/HelloWorld", "hello world", 11), 0);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.data, want, b.len);
	/* The header alone is the same bytes, for a message built in place. */
	assert_int_equal(sign_pae_header(head, sizeof(head), "http://example.com/HelloWorld", 11),
			 strlen(want) - 11);
	assert_memory_equal(head, want, strlen(want) - 11);
	/* A header that does not fit is refused, not cut. */
	assert_int_equal(sign_pae_header(head, 20, "http://example.com/HelloWorld", 11), 0);
	/* An empty body: the length is 0 and the message ends in the space. */
	buf_reset(&b);
	assert_int_equal(sign_pae(&b, "t", "", 0), 0);
	assert_string_equal(b.data, "DSSEv1 1 t 0 ");
	buf_free(&b);
}

static void test_ed25519_rfc8032(void **state)
{
	uint8_t pub[SIGN_ED25519_PUB], got[SIGN_ED25519_PUB], sig[SIGN_ED25519_SIG];
	uint8_t want[SIGN_ED25519_SIG];
	const uint8_t msg = 0x72;
	EVP_PKEY *key = rfc_key(pub);

	(void)state;
	assert_non_null(key);
	assert_int_equal(ed25519_raw_public(got, key), 0);
	assert_memory_equal(got, pub, sizeof(pub));
	assert_int_equal(sign_ed25519(sig, key, &msg, 1), 0);
	assert_int_equal(hex_decode(want, sizeof(want), rfc_sig, 128), 0);
	assert_memory_equal(sig, want, sizeof(want));
	assert_true(sign_ed25519_verify(pub, &msg, 1, sig, sizeof(sig)));
	EVP_PKEY_free(key);
}

static void test_ed25519_round_trip_and_tamper(void **state)
{
	uint8_t pub[SIGN_ED25519_PUB], sig[SIGN_ED25519_SIG];
	struct buf msg = BUF_INIT;
	EVP_PKEY *key = rfc_key(pub);

	(void)state;
	assert_int_equal(sign_pae(&msg, "application/vnd.in-toto+json", "{\"a\":1}", 7), 0);
	assert_int_equal(sign_ed25519(sig, key, msg.data, msg.len), 0);
	assert_true(sign_ed25519_verify(pub, msg.data, msg.len, sig, sizeof(sig)));
	/* Any flipped byte, of the signature or of the message, fails. */
	for (size_t i = 0; i < sizeof(sig); i++) {
		sig[i] ^= 0x01;
		assert_false(sign_ed25519_verify(pub, msg.data, msg.len, sig, sizeof(sig)));
		sig[i] ^= 0x01;
	}
	for (size_t i = 0; i < msg.len; i++) {
		msg.data[i] ^= 0x20;
		assert_false(sign_ed25519_verify(pub, msg.data, msg.len, sig, sizeof(sig)));
		msg.data[i] ^= 0x20;
	}
	/* Another key, a short or long signature: no. */
	pub[0] ^= 0x01;
	assert_false(sign_ed25519_verify(pub, msg.data, msg.len, sig, sizeof(sig)));
	pub[0] ^= 0x01;
	assert_false(sign_ed25519_verify(pub, msg.data, msg.len, sig, sizeof(sig) - 1));
	assert_true(sign_ed25519_verify(pub, msg.data, msg.len, sig, sizeof(sig)));
	EVP_PKEY_free(key);
	buf_free(&msg);
}

static void test_sign_with_public_key_fails(void **state)
{
	uint8_t pub[SIGN_ED25519_PUB], sig[SIGN_ED25519_SIG];
	EVP_PKEY *key = rfc_key(pub), *pk = NULL;

	(void)state;
	assert_int_equal(ed25519_from_raw_public(&pk, pub), 0);
	err_clear();
	assert_int_equal(sign_ed25519(sig, pk, "x", 1), ERR_CRYPTO);
	assert_non_null(strstr(err_msg(), "signing failed"));
	EVP_PKEY_free(pk);
	EVP_PKEY_free(key);
}

static void test_err_nomem(void **state)
{
	(void)state;
	err_set(ERR_IO, "a stale message");
	assert_int_equal(err_nomem(), ERR_NOMEM);
	assert_string_equal(err_msg(), "out of memory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pae_vector),
		cmocka_unit_test(test_ed25519_rfc8032),
		cmocka_unit_test(test_ed25519_round_trip_and_tamper),
		cmocka_unit_test(test_sign_with_public_key_fails),
		cmocka_unit_test(test_err_nomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
