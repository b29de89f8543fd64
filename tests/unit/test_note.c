/*
 * C2SP signed notes and checkpoints, against published vectors:
 *  - golang.org/x/mod/sumdb/note (note_test.go / example_test.go): the
 *    PeterNeumann key, whose signature over the example text we must
 *    reproduce byte for byte (Ed25519 is deterministic), key id c74f20a3;
 *  - the C2SP signed-note specification's example.com/foo note.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../common/buf.h"
#include "../../common/encode.h"
#include "../../store/note.h"

static const char go_skey_b64[] = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char go_vkey[] =
	"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char go_text[] =
	"If you think cryptography is the answer to your problem,\n"
	"then you don't know what your problem is.\n";
static const char go_note[] =
	"If you think cryptography is the answer to your problem,\n"
	"then you don't know what your problem is.\n"
	"\n"
	"\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

static const char spec_vkey[] =
	"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
static const char spec_note[] =
	"This is an example message.\n"
	"\n"
	"\xe2\x80\x94 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

static EVP_PKEY *go_key(void)
{
	uint8_t raw[33];
	size_t len;

	assert_int_equal(b64_decode(raw, sizeof(raw), &len, go_skey_b64,
				    strlen(go_skey_b64)), 0);
	assert_int_equal(len, 33);
	assert_int_equal(raw[0], 0x01);
	return EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, raw + 1, 32);
}

static void test_go_sign_byte_for_byte(void **state)
{
	EVP_PKEY *key = go_key();
	struct buf out = BUF_INIT, vkey = BUF_INIT;
	uint8_t pub[32];

	(void)state;
	assert_non_null(key);
	assert_int_equal(ed25519_raw_public(pub, key), 0);
	assert_int_equal(note_key_id("PeterNeumann", pub), 0xc74f20a3);
	assert_int_equal(note_vkey_format(&vkey, "PeterNeumann", pub), 0);
	assert_string_equal(vkey.data, go_vkey);
	assert_int_equal(note_sign(&out, go_text, strlen(go_text), "PeterNeumann", key), 0);
	assert_string_equal(out.data, go_note);
	EVP_PKEY_free(key);
	buf_free(&out);
	buf_free(&vkey);
}

static void open_with(const char *vkey, const char *msg, bool want)
{
	char name[NOTE_MAX_NAME];
	uint8_t pub[32];
	uint32_t id;
	struct note n;

	assert_int_equal(note_vkey_parse(vkey, name, &id, pub), 0);
	assert_int_equal(note_parse(&n, msg, strlen(msg)), 0);
	assert_int_equal(n.nsigs, 1);
	assert_string_equal(n.sigs[0].name, name);
	assert_int_equal(n.sigs[0].key_id, id);
	assert_int_equal(note_sig_verify(&n, &n.sigs[0], pub), want);
}

static void test_verify_published_notes(void **state)
{
	char tampered[sizeof(go_note)];

	(void)state;
	open_with(go_vkey, go_note, true);
	open_with(spec_vkey, spec_note, true);
	memcpy(tampered, go_note, sizeof(go_note));
	tampered[3] = 'X';
	open_with(go_vkey, tampered, false);
}

static void test_vkey_rejects_mangling(void **state)
{
	char name[NOTE_MAX_NAME], bad[sizeof(go_vkey)];
	uint8_t pub[32];
	uint32_t id;

	(void)state;
	/* As Go's TestNewVerifier: every character incremented is refused. */
	for (size_t i = 0; i < strlen(go_vkey); i++) {
		memcpy(bad, go_vkey, sizeof(go_vkey));
		bad[i]++;
		assert_int_not_equal(note_vkey_parse(bad, name, &id, pub), 0);
	}
	assert_int_not_equal(note_vkey_parse("PeterNeumann+c74f20a3", name, &id, pub), 0);
	assert_int_not_equal(note_vkey_parse("", name, &id, pub), 0);
}

static void test_note_parse_rejects(void **state)
{
	struct note n;
	static const char *const bad[] = {
		"",
		"text\n",
		"text\n\n",
		"text\n\nno dash sig\n",
		"text\n\n\xe2\x80\x94 name\n",
		"text\n\n\xe2\x80\x94 name AAAA\n",
		"text\n\n\xe2\x80\x94 name x08go/ZJkuBS9UG\n",
		"\n\n\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(note_parse(&n, bad[i], strlen(bad[i])), 0);
}

static void test_checkpoint_roundtrip(void **state)
{
	struct checkpoint cp, back;
	struct buf text = BUF_INIT;

	(void)state;
	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), "example.com/behind-the-sofa");
	cp.size = 20852163;
	assert_int_equal(b64_decode(cp.root, 32, &(size_t){ 0 },
		"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", 44), 0);
	assert_int_equal(checkpoint_format(&text, &cp), 0);
	/* The C2SP tlog-checkpoint specification's example body. */
	assert_string_equal(text.data, "example.com/behind-the-sofa\n20852163\n"
			    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
	assert_int_equal(checkpoint_parse(&back, text.data, text.len), 0);
	assert_memory_equal(&cp, &back, sizeof(cp));
	assert_int_not_equal(checkpoint_parse(&back, "o\n012\nAA==\n", 11), 0);
	assert_int_not_equal(checkpoint_parse(&back, "o\n12\n", 5), 0);
	assert_int_not_equal(checkpoint_parse(&back, "o\n1x\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", 50), 0);
	buf_free(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_sign_byte_for_byte),
		cmocka_unit_test(test_verify_published_notes),
		cmocka_unit_test(test_vkey_rejects_mangling),
		cmocka_unit_test(test_note_parse_rejects),
		cmocka_unit_test(test_checkpoint_roundtrip),
	};

	return cmocka_run_group_tests_name("note", tests, NULL, NULL);
}
