/*
 * RFC 6962 Merkle tree: the published roots of the Certificate Transparency
 * 8-leaf test set, and every inclusion and consistency proof for every
 * tree size up to 64, checked against a naive implementation written here
 * straight from RFC 6962 section 2.1 (recursion on D[n], no caching).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../common/encode.h"
#include "../../common/hash.h"
#include "../../store/merkle.h"

#define MAXN 64

/* RFC 6962 test data as used by certificate-transparency and Trillian. */
static const char *const ct_leaves[8] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};
static const char *const ct_roots[9] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

/* ---- naive reference: RFC 6962 2.1 literally ---- */

static void naive_hash(uint8_t out[32], uint8_t prefix, const void *a, size_t al,
		       const void *b, size_t bl)
{
	const void *p[3] = { &prefix, a, b };
	size_t l[3] = { 1, al, bl };

	assert_int_equal(sha256_parts(out, 3, p, l), 0);
}

static void naive_mth(uint8_t out[32], merkle_hash *d, uint64_t n)
{
	uint8_t l[32], r[32];
	uint64_t k = 1;

	if (n == 0) {
		sha256(out, "", 0);
		return;
	}
	if (n == 1) {
		memcpy(out, d[0], 32);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	naive_mth(l, d, k);
	naive_mth(r, d + k, n - k);
	naive_hash(out, 1, l, 32, r, 32);
}

static void naive_path(merkle_hash *out, size_t *cnt, uint64_t m,
		       merkle_hash *d, uint64_t n)
{
	uint64_t k = 1;

	if (n <= 1)
		return;
	while (k * 2 < n)
		k *= 2;
	if (m < k) {
		naive_path(out, cnt, m, d, k);
		naive_mth(out[(*cnt)++], d + k, n - k);
	} else {
		naive_path(out, cnt, m - k, d + k, n - k);
		naive_mth(out[(*cnt)++], d, k);
	}
}

static void naive_subproof(merkle_hash *out, size_t *cnt, uint64_t m,
			   merkle_hash *d, uint64_t n, int b)
{
	uint64_t k = 1;

	if (m == n) {
		if (!b)
			naive_mth(out[(*cnt)++], d, n);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	if (m <= k) {
		naive_subproof(out, cnt, m, d, k, b);
		naive_mth(out[(*cnt)++], d + k, n - k);
	} else {
		naive_subproof(out, cnt, m - k, d + k, n - k, 0);
		naive_mth(out[(*cnt)++], d, k);
	}
}

/* ---- tests ---- */

static void test_ct_vectors(void **state)
{
	merkle_hash leaves[8];
	uint8_t data[16], root[32], want[32];
	size_t len;

	(void)state;
	for (int i = 0; i < 8; i++) {
		len = strlen(ct_leaves[i]) / 2;
		assert_int_equal(hex_decode(data, len, ct_leaves[i], 2 * len), 0);
		assert_int_equal(merkle_leaf_hash(leaves[i], data, len), 0);
	}
	for (int n = 0; n <= 8; n++) {
		assert_int_equal(hex_decode(want, 32, ct_roots[n], 64), 0);
		assert_int_equal(merkle_root(root, (const merkle_hash *)leaves, (uint64_t)n), 0);
		assert_memory_equal(root, want, 32);
	}
}

static void make_leaves(merkle_hash *leaves, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		uint8_t b[2] = { (uint8_t)i, (uint8_t)(i * 7 + 1) };

		merkle_leaf_hash(leaves[i], b, sizeof(b));
	}
}

static void test_roots_and_streaming(void **state)
{
	merkle_hash leaves[MAXN];
	struct merkle_acc acc;
	struct merkle_tree t;
	uint8_t a[32], b[32], c[32];

	(void)state;
	make_leaves(leaves, MAXN);
	memset(&acc, 0, sizeof(acc));
	assert_int_equal(merkle_tree_init(&t, (const merkle_hash *)leaves, MAXN), 0);
	for (uint64_t n = 0; n <= MAXN; n++) {
		naive_mth(a, leaves, n);
		assert_int_equal(merkle_acc_root(&acc, b), 0);
		assert_memory_equal(a, b, 32);
		assert_int_equal(merkle_tree_root(c, &t, n), 0);
		assert_memory_equal(a, c, 32);
		if (n < MAXN)
			assert_int_equal(merkle_acc_push(&acc, leaves[n]), 0);
	}
	merkle_tree_free(&t);
}

static void test_inclusion_every_size(void **state)
{
	merkle_hash leaves[MAXN], got[MERKLE_MAX_PROOF], want[MERKLE_MAX_PROOF];
	struct merkle_tree t;
	uint8_t root[32];
	size_t ng, nw;

	(void)state;
	make_leaves(leaves, MAXN);
	assert_int_equal(merkle_tree_init(&t, (const merkle_hash *)leaves, MAXN), 0);
	for (uint64_t n = 1; n <= MAXN; n++) {
		naive_mth(root, leaves, n);
		for (uint64_t m = 0; m < n; m++) {
			nw = 0;
			naive_path(want, &nw, m, leaves, n);
			assert_int_equal(merkle_inclusion_proof(got, &ng, &t, n, m), 0);
			assert_int_equal(ng, nw);
			assert_memory_equal(got, want, ng * 32);
			assert_true(merkle_verify_inclusion(leaves[m], m, n,
				(const merkle_hash *)got, ng, root));
			/* The proof proves this leaf at this place only. */
			assert_false(merkle_verify_inclusion(leaves[(m + 1) % n], m, n,
				(const merkle_hash *)got, ng, root) && n > 1);
			if (ng) {
				got[ng / 2][5] ^= 1;
				assert_false(merkle_verify_inclusion(leaves[m], m, n,
					(const merkle_hash *)got, ng, root));
				assert_false(merkle_verify_inclusion(leaves[m], m, n,
					(const merkle_hash *)want, ng - 1, root));
			}
		}
	}
	assert_int_not_equal(merkle_inclusion_proof(got, &ng, &t, 4, 4), 0);
	merkle_tree_free(&t);
}

static void test_consistency_every_size(void **state)
{
	merkle_hash leaves[MAXN], got[MERKLE_MAX_PROOF], want[MERKLE_MAX_PROOF];
	struct merkle_tree t;
	uint8_t r1[32], r2[32];
	size_t ng, nw;

	(void)state;
	make_leaves(leaves, MAXN);
	assert_int_equal(merkle_tree_init(&t, (const merkle_hash *)leaves, MAXN), 0);
	for (uint64_t n = 1; n <= MAXN; n++) {
		naive_mth(r2, leaves, n);
		for (uint64_t m = 1; m <= n; m++) {
			naive_mth(r1, leaves, m);
			nw = 0;
			naive_subproof(want, &nw, m, leaves, n, 1);
			assert_int_equal(merkle_consistency_proof(got, &ng, &t, m, n), 0);
			assert_int_equal(ng, nw);
			assert_memory_equal(got, want, ng * 32);
			assert_true(merkle_verify_consistency(m, n, r1, r2,
				(const merkle_hash *)got, ng));
			if (m < n) {
				/* A different old root is not consistent. */
				uint8_t bad[32];

				memcpy(bad, r1, 32);
				bad[0] ^= 0x80;
				assert_false(merkle_verify_consistency(m, n, bad, r2,
					(const merkle_hash *)got, ng));
				got[0][31] ^= 1;
				assert_false(merkle_verify_consistency(m, n, r1, r2,
					(const merkle_hash *)got, ng));
				assert_false(merkle_verify_consistency(m, n, r1, r2,
					(const merkle_hash *)want, 0));
			}
		}
	}
	merkle_tree_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ct_vectors),
		cmocka_unit_test(test_roots_and_streaming),
		cmocka_unit_test(test_inclusion_every_size),
		cmocka_unit_test(test_consistency_every_size),
	};

	return cmocka_run_group_tests_name("merkle", tests, NULL, NULL);
}
