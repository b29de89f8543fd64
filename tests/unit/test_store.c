/*
 * The evidence store through its API: append and commit, rollback leaves
 * nothing, proofs check against the checkpoint, key permissions and
 * passphrases, rotation keeps old checkpoints verifiable, tampering found.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>
#include <sqlite3.h>

#include "../../common/encode.h"
#include "../../common/err.h"
#include "../../store/store.h"

struct fixture {
	char dir[64];
	struct store_opts o;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/auditpack-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	/* The store lives one level down: init must create it. */
	strncat(f->dir, "/s", sizeof(f->dir) - strlen(f->dir) - 1);
	f->o.dir = f->dir;
	f->o.wait_seconds = 1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strlen(f->dir) - 2), f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void append_docs(struct store *s, int n, const char *tag)
{
	char payload[64], attrs[64];

	assert_int_equal(store_begin(s), 0);
	for (int i = 0; i < n; i++) {
		struct entry_input in = { 0 };

		snprintf(payload, sizeof(payload), "%s payload %d", tag, i);
		snprintf(attrs, sizeof(attrs), "{\"n\":%d}", i);
		in.kind = "document";
		in.source = "unit";
		in.eff_from = in.eff_to = in.collected = 1700000000 + i;
		in.attrs = attrs;
		in.attrs_len = strlen(attrs);
		in.payload = payload;
		in.payload_len = strlen(payload);
		assert_int_equal(store_append(s, &in, NULL), 0);
	}
	assert_int_equal(store_commit(s), 0);
}

static size_t verify_problems(struct store *s)
{
	struct verify_opts vo = { 0 };
	struct verify_report r;
	size_t n;

	assert_int_equal(store_verify(s, &vo, &r), 0);
	n = r.nproblems;
	/* Tests that tamper expect problems; show them only when asked. */
	for (size_t i = 0; getenv("AUDITPACK_TEST_VERBOSE") && i < n; i++)
		fprintf(stderr, "  verify problem: %s\n", r.problems[i].what);
	verify_report_free(&r);
	return n;
}

/* No leaf carries a time time_format() cannot write: store_append refuses
 * it (release 0.1.0 signed "0000-00-00T00:00:00Z"), and a leaf that
 * already holds that placeholder parses with the time unknown. */
static void test_out_of_range_time_refused(void **state)
{
	static const int64_t bad[] = { TIME_MAX + 1, TIME_UNKNOWN, INT64_MAX,
				       TIME_FORMAT_MIN - 1, 253402300800000LL };
	struct fixture *f = *state;
	struct store *s = NULL;
	struct entry e;
	struct buf leaf = BUF_INIT;
	uint8_t adig[32];
	uint64_t size;

	assert_int_equal(store_init(&f->o, "unit.example/log", NULL), 0);
	assert_int_equal(store_open(&s, &f->o, STORE_WRITE), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (int field = 0; field < 3; field++) {
			struct entry_input in = { 0 };

			in.kind = "document";
			in.source = "unit";
			in.eff_from = in.eff_to = in.collected = 1700000000;
			*(field == 0 ? &in.eff_from : field == 1 ? &in.eff_to : &in.collected) = bad[i];
			in.attrs = "{}";
			in.attrs_len = 2;
			in.payload = "x";
			in.payload_len = 1;
			assert_int_equal(store_begin(s), 0);
			assert_int_equal(store_append(s, &in, NULL), ERR_USAGE);
			store_rollback(s);
		}
	assert_int_equal(store_size(s, &size), 0);
	assert_int_equal(size, 0);
	append_docs(s, 1, "a");
	assert_int_equal(verify_problems(s), 0);

	/* A 0.1.0 leaf: the placeholder reads as TIME_UNKNOWN, and prints back
	 * as the same text (so verify compares it with its columns). */
	assert_int_equal(store_get_entry(s, 0, &e), 0);
	assert_int_equal(buf_printf(&leaf, "auditpack/evidence/v1\nindex 0\nkind access-log\n"
				    "source gw\nsubject -\neffective " TIME_LEGACY_UNKNOWN
				    " 2026-01-01T00:00:00Z\ncollected 2026-01-02T00:00:00Z\n"
				    "attrs sha256:%064d\npayload sha256:%064d 1\n", 0, 0), 0);
	entry_free(&e);
	memset(&e, 0, sizeof(e));
	assert_int_equal(entry_leaf_parse(&e, adig, leaf.data, leaf.len), 0);
	assert_true(e.eff_from == TIME_UNKNOWN);
	assert_int_equal(e.eff_to, 1767225600);
	{
		char t[RFC3339_LEN];

		assert_string_equal(entry_time_text(t, e.eff_from), TIME_LEGACY_UNKNOWN);
		assert_string_equal(entry_time_text(t, e.eff_to), "2026-01-01T00:00:00Z");
	}
	/* ... but a new leaf with it cannot be formatted. */
	buf_reset(&leaf);
	assert_int_equal(entry_leaf_format(&leaf, &e), ERR_USAGE);
	entry_free(&e);
	buf_free(&leaf);
	store_close(s);
}

static void test_append_commit_verify(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;
	struct checkpoint cp;
	struct buf note = BUF_INIT;
	uint64_t size;

	assert_int_equal(store_init(&f->o, "unit.example/log", NULL), 0);
	assert_int_equal(store_init(&f->o, "unit.example/log", NULL), ERR_EXISTS);
	assert_int_equal(store_open(&s, &f->o, STORE_WRITE), 0);
	append_docs(s, 5, "a");
	append_docs(s, 3, "b");
	assert_int_equal(store_size(s, &size), 0);
	assert_int_equal(size, 8);
	assert_int_equal(store_checkpoint(s, &note, &cp), 0);
	assert_int_equal(cp.size, 8);
	assert_string_equal(cp.origin, "unit.example/log");
	assert_int_equal(verify_problems(s), 0);
	store_close(s);
	buf_free(&note);
}

static void test_rollback_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct entry_input in = { 0 };
	struct store *s = NULL;
	uint64_t size;

	assert_int_equal(store_init(&f->o, "unit.example/log", NULL), 0);
	assert_int_equal(store_open(&s, &f->o, STORE_WRITE), 0);
	append_docs(s, 2, "a");
	assert_int_equal(store_checkpoint(s, &before, NULL), 0);
	assert_int_equal(store_begin(s), 0);
	in.kind = "document";
	in.source = "unit";
	in.attrs = "{}";
	in.attrs_len = 2;
	in.payload = "x";
	in.payload_len = 1;
	assert_int_equal(store_append(s, &in, NULL), 0);
	store_rollback(s);
	assert_int_equal(store_size(s, &size), 0);
	assert_int_equal(size, 2);
	assert_int_equal(store_checkpoint(s, &after, NULL), 0);
	assert_string_equal(before.data, after.data);
	/* Bad input is refused before anything is written. */
	assert_int_equal(store_begin(s), 0);
	in.kind = "no-such-kind";
	assert_int_equal(store_append(s, &in, NULL), ERR_USAGE);
	in.kind = "document";
	in.source = "two\nlines";
	assert_int_equal(store_append(s, &in, NULL), ERR_USAGE);
	store_rollback(s);
	assert_int_equal(verify_problems(s), 0);
	store_close(s);
	buf_free(&before);
	buf_free(&after);
}

/* A reader inside store_read_begin() .. store_read_end() sees one moment:
 * a writer's commit on another connection is invisible until the end. */
static void test_read_snapshot(void **state)
{
	struct fixture *f = *state;
	struct store *w = NULL, *r = NULL;
	struct checkpoint cp, cp2;
	struct buf note = BUF_INIT, proof = BUF_INIT;
	uint64_t size;

	assert_int_equal(store_init(&f->o, "unit.example/log", NULL), 0);
	assert_int_equal(store_open(&w, &f->o, STORE_WRITE), 0);
	assert_int_equal(store_open(&r, &f->o, STORE_READ), 0);
	append_docs(w, 3, "a");
	assert_int_equal(store_read_begin(r), 0);
	assert_int_equal(store_read_begin(r), 0); /* nests */
	assert_int_equal(store_size(r, &size), 0);
	assert_int_equal(size, 3);
	append_docs(w, 2, "b");
	store_read_end(r); /* inner: still the same snapshot */
	assert_int_equal(store_size(r, &size), 0);
	assert_int_equal(size, 3);
	assert_int_equal(store_checkpoint(r, &note, &cp), 0);
	assert_int_equal(cp.size, 3);
	assert_int_equal(store_proof(r, 2, &proof), 0);
	assert_non_null(strstr(proof.data, note.data)); /* against that checkpoint */
	assert_int_equal(store_proof(r, 3, &proof), ERR_NOTFOUND);
	assert_int_equal(verify_problems(r), 0);
	store_read_end(r);
	store_read_end(r); /* unbalanced: does nothing */
	assert_int_equal(store_size(r, &size), 0);
	assert_int_equal(size, 5);
	buf_reset(&note);
	assert_int_equal(store_checkpoint(r, &note, &cp2), 0);
	assert_int_equal(cp2.size, 5);
	/* A writer cannot start appending inside a snapshot of its own. */
	assert_int_equal(store_read_begin(w), 0);
	assert_int_equal(store_begin(w), ERR_USAGE);
	store_read_end(w);
	append_docs(w, 1, "c");
	/* Closing with a snapshot open ends it. */
	assert_int_equal(store_read_begin(r), 0);
	store_close(r);
	store_close(w);
	buf_free(&note);
	buf_free(&proof);
}

/* Parse our own tlog-proof text and check it with the RFC 9162 verifier. */
static void test_proof_checks_against_checkpoint(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;

	assert_int_equal(store_init(&f->o, "unit.example/log", NULL), 0);
	assert_int_equal(store_open(&s, &f->o, STORE_WRITE), 0);
	append_docs(s, 13, "p");
	for (uint64_t idx = 0; idx < 13; idx++) {
		struct buf proof = BUF_INIT;
		merkle_hash hashes[MERKLE_MAX_PROOF];
		struct checkpoint cp;
		struct entry e;
		struct note n;
		char *line, *save = NULL, *cp_text;
		size_t nh = 0, len;

		assert_int_equal(store_proof(s, idx, &proof), 0);
		cp_text = strstr(proof.data, "\n\n") + 2;
		assert_int_equal(note_parse(&n, cp_text, strlen(cp_text)), 0);
		assert_int_equal(checkpoint_parse(&cp, n.text, n.text_len), 0);
		cp_text[-1] = '\0';
		line = strtok_r(proof.data, "\n", &save);
		assert_string_equal(line, "c2sp.org/tlog-proof@v1");
		line = strtok_r(NULL, "\n", &save);
		assert_int_equal(strtoull(line + 6, NULL, 10), idx);
		while ((line = strtok_r(NULL, "\n", &save)))
			assert_int_equal(b64_decode(hashes[nh++], 32, &len, line, strlen(line)), 0);
		assert_int_equal(store_get_entry(s, idx, &e), 0);
		assert_true(merkle_verify_inclusion(e.leaf_hash, idx, cp.size,
						    (const merkle_hash *)hashes, nh, cp.root));
		entry_free(&e);
		buf_free(&proof);
	}
	store_close(s);
}

static void key_file(struct fixture *f, char *out, size_t cap)
{
	char cmd[256];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ls %s/keys/*.key", f->dir);
	p = popen(cmd, "r");
	assert_non_null(fgets(out, (int)cap, p));
	out[strcspn(out, "\n")] = '\0';
	pclose(p);
}

static void test_group_readable_key_refused(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;
	char path[256];
	struct entry_input in = { .kind = "document", .source = "u", .attrs = "{}",
				  .attrs_len = 2, .payload = "", .payload_len = 0 };

	assert_int_equal(store_init(&f->o, "unit.example/log", NULL), 0);
	key_file(f, path, sizeof(path));
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(store_open(&s, &f->o, STORE_WRITE), 0);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_append(s, &in, NULL), 0);
	assert_int_equal(store_commit(s), ERR_CRYPTO);
	assert_non_null(strstr(err_msg(), "group or others"));
	store_close(s);
}

static void test_passphrases(void **state)
{
	struct fixture *f = *state;
	struct passphrase good = { "correct horse", 13 }, bad = { "wrong", 5 };
	struct store *s = NULL;

	f->o.pass = &good;
	assert_int_equal(store_init(&f->o, "unit.example/log", NULL), 0);
	f->o.pass = NULL;
	assert_int_equal(store_open(&s, &f->o, STORE_WRITE), 0);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_commit(s), ERR_CRYPTO);
	assert_non_null(strstr(err_msg(), "encrypted"));
	store_close(s);
	f->o.pass = &bad;
	assert_int_equal(store_open(&s, &f->o, STORE_WRITE), 0);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_commit(s), ERR_CRYPTO);
	assert_non_null(strstr(err_msg(), "wrong passphrase"));
	store_close(s);
	f->o.pass = &good;
	assert_int_equal(store_open(&s, &f->o, STORE_WRITE), 0);
	append_docs(s, 1, "e");
	assert_int_equal(verify_problems(s), 0);
	store_close(s);
}

static void test_rotation_keeps_old_checkpoints(void **state)
{
	struct fixture *f = *state;
	struct store_key *keys = NULL;
	struct store *s = NULL;
	uint32_t id;
	size_t n;

	assert_int_equal(store_init(&f->o, "unit.example/log", NULL), 0);
	assert_int_equal(store_open(&s, &f->o, STORE_WRITE), 0);
	append_docs(s, 3, "r");
	assert_int_equal(store_key_rotate(s, NULL, &id), 0);
	append_docs(s, 2, "r2");
	assert_int_equal(store_keys(s, &keys, &n), 0);
	assert_int_equal(n, 2);
	assert_false(keys[0].active);
	assert_true(keys[1].active);
	assert_int_equal(keys[1].key_id, id);
	assert_int_equal(verify_problems(s), 0);
	free(keys);
	store_close(s);
}

static void test_tampering_found(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;
	char db[128];
	sqlite3 *h;

	assert_int_equal(store_init(&f->o, "unit.example/log", NULL), 0);
	assert_int_equal(store_open(&s, &f->o, STORE_WRITE), 0);
	append_docs(s, 4, "t");
	store_close(s);
	snprintf(db, sizeof(db), "%s/evidence.db", f->dir);
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "UPDATE entries SET attrs='{\"n\":9}' WHERE idx=2",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(store_open(&s, &f->o, STORE_READ), 0);
	assert_int_equal(verify_problems(s), 1);
	store_close(s);
}

/* Payloads stored compressed read back whole and as a stream, in pieces of
 * any size, with the size and digest the store keeps; an empty payload and
 * an incompressible one too. */
static void test_payload_stream(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;
	size_t big_len = 3 * 1024 * 1024 + 17;
	char *big = malloc(big_len), *back = malloc(big_len + 1), rnd[5000];
	struct buf b = BUF_INIT;
	uint8_t sha[32], want[32];
	const char *payloads[3];
	size_t lens[3];

	assert_non_null(big);
	assert_non_null(back);
	for (size_t i = 0; i < big_len; i++)
		big[i] = "GET /v1/models 200\n"[i % 19] + (char)(i / 100000 % 3);
	srand(7);
	for (size_t i = 0; i < sizeof(rnd); i++)
		rnd[i] = (char)rand();
	payloads[0] = big, lens[0] = big_len;
	payloads[1] = "", lens[1] = 0;
	payloads[2] = rnd, lens[2] = sizeof(rnd);
	assert_int_equal(store_init(&f->o, "unit.example/log", NULL), 0);
	assert_int_equal(store_open(&s, &f->o, STORE_WRITE), 0);
	assert_int_equal(store_begin(s), 0);
	for (int i = 0; i < 3; i++) {
		struct entry_input in = { 0 };

		in.kind = "document";
		in.source = "unit";
		in.eff_from = in.eff_to = in.collected = 1700000000;
		in.attrs = "{}";
		in.attrs_len = 2;
		in.payload = payloads[i];
		in.payload_len = lens[i];
		assert_int_equal(store_append(s, &in, NULL), 0);
	}
	assert_int_equal(store_commit(s), 0);
	for (int i = 0; i < 3; i++) {
		size_t steps[] = { 1, 7, 65536, 1 << 22 };

		buf_reset(&b);
		assert_int_equal(store_get_payload(s, (uint64_t)i, &b), 0);
		assert_int_equal(b.len, lens[i]);
		assert_memory_equal(b.data ? b.data : "", payloads[i], lens[i]);
		for (size_t k = 0; k < 4; k++) {
			struct store_payload *p = NULL;
			uint64_t size;
			size_t got, off = 0;

			/* One byte at a time over 3 MiB is slow: only for the small ones. */
			if (steps[k] < 16 && lens[i] > 10000)
				continue;
			assert_int_equal(store_payload_open(s, (uint64_t)i, &p, &size, sha), 0);
			assert_int_equal(size, lens[i]);
			do {
				/* Never more room than there is: the reader may use all of it. */
				size_t room = big_len + 1 - off;

				assert_int_equal(store_payload_read(p, back + off, steps[k] < room ?
								    steps[k] : room, &got), 0);
				off += got;
				assert_true(off <= lens[i]);
			} while (got);
			store_payload_close(p);
			assert_int_equal(off, lens[i]);
			assert_memory_equal(back, payloads[i], lens[i]);
			SHA256((const unsigned char *)payloads[i], lens[i], want);
			assert_memory_equal(sha, want, 32);
		}
	}
	assert_int_equal(verify_problems(s), 0);
	store_close(s);
	buf_free(&b);
	free(big);
	free(back);
}

/* A reader that opened a schema-1 store (release 0.1.0) while a writer
 * upgrades it and appends compressed payloads reads them decompressed. */
static void test_reader_sees_upgrade(void **state)
{
	struct fixture *f = *state;
	struct store *r = NULL, *w = NULL;
	char path[128], big[8192];
	sqlite3 *db = NULL;
	struct buf b = BUF_INIT;
	struct entry_input in = { 0 };
	uint64_t idx;

	memset(big, 'x', sizeof(big));
	assert_int_equal(store_init(&f->o, "unit.example/log", NULL), 0);
	assert_int_equal(store_open(&w, &f->o, STORE_WRITE), 0);
	append_docs(w, 2, "old");
	store_close(w);
	/* Back to what 0.1.0 wrote: no encoding column, version 1. */
	snprintf(path, sizeof(path), "%s/evidence.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "ALTER TABLE payloads DROP COLUMN encoding;"
				      " PRAGMA user_version=1;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(&r, &f->o, STORE_READ), 0);
	assert_int_equal(verify_problems(r), 0);
	assert_int_equal(store_open(&w, &f->o, STORE_WRITE), 0);
	assert_int_equal(store_begin(w), 0);
	in.kind = "document";
	in.source = "unit";
	in.eff_from = in.eff_to = in.collected = 1700000000;
	in.attrs = "{}";
	in.attrs_len = 2;
	in.payload = big;
	in.payload_len = sizeof(big);
	assert_int_equal(store_append(w, &in, &idx), 0);
	assert_int_equal(store_commit(w), 0);
	store_close(w);
	assert_int_equal(store_get_payload(r, idx, &b), 0);
	assert_int_equal(b.len, sizeof(big));
	assert_memory_equal(b.data, big, sizeof(big));
	assert_int_equal(verify_problems(r), 0);
	store_close(r);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_commit_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_range_time_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proof_checks_against_checkpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_readable_key_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passphrases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation_keeps_old_checkpoints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tampering_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_payload_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_sees_upgrade, setup, teardown),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
