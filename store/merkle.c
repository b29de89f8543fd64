#include "merkle.h"
#include "../common/err.h"
#include "../common/hash.h"

#include <stdlib.h>
#include <string.h>

int merkle_leaf_hash(merkle_hash out, const void *data, size_t len)
{
	static const uint8_t prefix = 0x00;
	const void *p[2] = { &prefix, data };
	size_t l[2] = { 1, len };

	return sha256_parts(out, 2, p, l);
}

int merkle_node_hash(merkle_hash out, const merkle_hash left,
		     const merkle_hash right)
{
	static const uint8_t prefix = 0x01;
	const void *p[3] = { &prefix, left, right };
	size_t l[3] = { 1, MERKLE_HASH, MERKLE_HASH };

	return sha256_parts(out, 3, p, l);
}

/* Largest power of two strictly smaller than n (n >= 2): RFC 6962's k. */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

int merkle_acc_push(struct merkle_acc *acc, const merkle_hash leaf)
{
	uint64_t s;
	int rc;

	if (acc->depth >= MERKLE_MAX_PROOF)
		return err_set(ERR_LIMIT, "merkle tree too large");
	memcpy(acc->stack[acc->depth++], leaf, MERKLE_HASH);
	/* Each trailing 1-bit of the old size is a full subtree to merge. */
	for (s = acc->size; s & 1; s >>= 1) {
		acc->depth--;
		if ((rc = merkle_node_hash(acc->stack[acc->depth - 1],
					   acc->stack[acc->depth - 1],
					   acc->stack[acc->depth])))
			return rc;
	}
	acc->size++;
	return 0;
}

int merkle_acc_root(const struct merkle_acc *acc, merkle_hash out)
{
	merkle_hash r;
	int rc;

	if (acc->depth == 0)
		return sha256(out, "", 0);
	memcpy(r, acc->stack[acc->depth - 1], MERKLE_HASH);
	for (int i = acc->depth - 2; i >= 0; i--)
		if ((rc = merkle_node_hash(r, acc->stack[i], r)))
			return rc;
	memcpy(out, r, MERKLE_HASH);
	return 0;
}

int merkle_root(merkle_hash out, const merkle_hash *leaves, uint64_t n)
{
	struct merkle_acc acc;
	int rc;

	memset(&acc, 0, sizeof(acc));
	for (uint64_t i = 0; i < n; i++)
		if ((rc = merkle_acc_push(&acc, leaves[i])))
			return rc;
	return merkle_acc_root(&acc, out);
}

int merkle_tree_init(struct merkle_tree *t, const merkle_hash *leaves, uint64_t n)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->leaves = leaves;
	t->size = n;
	t->count[0] = n;
	t->nlevels = 1;
	while (t->count[t->nlevels - 1] >= 2) {
		int j = t->nlevels;
		const merkle_hash *below = j == 1 ? leaves : (const merkle_hash *)t->level[j - 1];

		if (j >= MERKLE_MAX_PROOF)
			return err_set(ERR_LIMIT, "merkle tree too large");
		t->count[j] = t->count[j - 1] / 2;
		t->level[j] = calloc(t->count[j], sizeof(merkle_hash));
		if (!t->level[j]) {
			merkle_tree_free(t);
			return err_nomem();
		}
		t->nlevels++;
		for (uint64_t i = 0; i < t->count[j]; i++)
			if ((rc = merkle_node_hash(t->level[j][i], below[2 * i],
						   below[2 * i + 1]))) {
				merkle_tree_free(t);
				return rc;
			}
	}
	return 0;
}

void merkle_tree_free(struct merkle_tree *t)
{
	for (int j = 1; j < MERKLE_MAX_PROOF; j++) {
		free(t->level[j]);
		t->level[j] = NULL;
	}
	t->nlevels = 0;
}

/*
 * MTH(D[a:a+s]) where a is a multiple of the smallest power of two >= s, as
 * every range in RFC 6962's recursions is: the range splits into complete
 * aligned subtrees, one per set bit of s, whose hashes the levels hold.
 */
static int range_root(merkle_hash out, const struct merkle_tree *t,
		      uint64_t a, uint64_t s)
{
	merkle_hash parts[MERKLE_MAX_PROOF];
	int np = 0, rc;

	if (s == 0)
		return sha256(out, "", 0);
	for (int j = MERKLE_MAX_PROOF - 1; j >= 0; j--) {
		if (!(s >> j & 1))
			continue;
		if (j >= t->nlevels || (a >> j) >= t->count[j])
			return err_set(ERR_USAGE, "merkle range outside the tree");
		memcpy(parts[np++], j == 0 ? t->leaves[a] : t->level[j][a >> j],
		       MERKLE_HASH);
		a += (uint64_t)1 << j;
	}
	memcpy(out, parts[np - 1], MERKLE_HASH);
	for (int i = np - 2; i >= 0; i--)
		if ((rc = merkle_node_hash(out, parts[i], out)))
			return rc;
	return 0;
}

int merkle_tree_root(merkle_hash out, const struct merkle_tree *t, uint64_t size)
{
	if (size > t->size)
		return err_set(ERR_USAGE, "tree size %llu is beyond the tree",
			       (unsigned long long)size);
	return range_root(out, t, 0, size);
}

static int append_hash(merkle_hash *proof, size_t *n, const merkle_hash h)
{
	if (*n >= MERKLE_MAX_PROOF)
		return err_set(ERR_LIMIT, "merkle proof too long");
	memcpy(proof[(*n)++], h, MERKLE_HASH);
	return 0;
}

/* PATH(m, D[a:a+size]) of RFC 6962 2.1.1, emitted bottom-up. */
static int path(merkle_hash *proof, size_t *n, const struct merkle_tree *t,
		uint64_t a, uint64_t size, uint64_t m)
{
	merkle_hash h;
	uint64_t k;
	int rc;

	if (size <= 1)
		return 0;
	k = split_point(size);
	if (m < k) {
		if ((rc = path(proof, n, t, a, k, m)) ||
		    (rc = range_root(h, t, a + k, size - k)))
			return rc;
	} else {
		if ((rc = path(proof, n, t, a + k, size - k, m - k)) ||
		    (rc = range_root(h, t, a, k)))
			return rc;
	}
	return append_hash(proof, n, h);
}

int merkle_inclusion_proof(merkle_hash *proof, size_t *n,
			   const struct merkle_tree *t, uint64_t size,
			   uint64_t index)
{
	*n = 0;
	if (index >= size || size > t->size)
		return err_set(ERR_USAGE, "index %llu is outside a tree of size %llu",
			       (unsigned long long)index, (unsigned long long)size);
	return path(proof, n, t, 0, size, index);
}

/* SUBPROOF(m, D[a:a+n], b) of RFC 6962 2.1.2. */
static int subproof(merkle_hash *proof, size_t *cnt, const struct merkle_tree *t,
		    uint64_t a, uint64_t m, uint64_t n, int b)
{
	merkle_hash h;
	uint64_t k;
	int rc;

	if (m == n) {
		if (b)
			return 0;
		if ((rc = range_root(h, t, a, n)))
			return rc;
		return append_hash(proof, cnt, h);
	}
	k = split_point(n);
	if (m <= k) {
		if ((rc = subproof(proof, cnt, t, a, m, k, b)) ||
		    (rc = range_root(h, t, a + k, n - k)))
			return rc;
	} else {
		if ((rc = subproof(proof, cnt, t, a + k, m - k, n - k, 0)) ||
		    (rc = range_root(h, t, a, k)))
			return rc;
	}
	return append_hash(proof, cnt, h);
}

int merkle_consistency_proof(merkle_hash *proof, size_t *count,
			     const struct merkle_tree *t, uint64_t m, uint64_t n)
{
	*count = 0;
	if (m == 0 || m > n || n > t->size)
		return err_set(ERR_USAGE, "no consistency proof from size %llu to %llu",
			       (unsigned long long)m, (unsigned long long)n);
	return subproof(proof, count, t, 0, m, n, 1);
}

bool merkle_verify_inclusion(const merkle_hash leaf, uint64_t index,
			     uint64_t size, const merkle_hash *proof,
			     size_t n, const merkle_hash root)
{
	uint64_t fn = index, sn = size - 1;
	merkle_hash r;

	if (index >= size)
		return false;
	memcpy(r, leaf, MERKLE_HASH);
	for (size_t i = 0; i < n; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			if (merkle_node_hash(r, proof[i], r))
				return false;
			if (!(fn & 1))
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else if (merkle_node_hash(r, r, proof[i])) {
			return false;
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(r, root, MERKLE_HASH) == 0;
}

bool merkle_verify_consistency(uint64_t size1, uint64_t size2,
			       const merkle_hash root1, const merkle_hash root2,
			       const merkle_hash *proof, size_t n)
{
	merkle_hash fr, sr;
	uint64_t fn, sn;
	size_t i = 0;

	if (size1 > size2)
		return false;
	if (size1 == size2)
		return n == 0 && memcmp(root1, root2, MERKLE_HASH) == 0;
	if (size1 == 0)
		return n == 0;
	if (n == 0)
		return false;
	/* A size1 that is a power of two is itself the first proof node. */
	if ((size1 & (size1 - 1)) == 0) {
		memcpy(fr, root1, MERKLE_HASH);
	} else {
		memcpy(fr, proof[0], MERKLE_HASH);
		i = 1;
	}
	memcpy(sr, fr, MERKLE_HASH);
	fn = size1 - 1;
	sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < n; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			if (merkle_node_hash(fr, proof[i], fr) ||
			    merkle_node_hash(sr, proof[i], sr))
				return false;
			if (!(fn & 1))
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else if (merkle_node_hash(sr, sr, proof[i])) {
			return false;
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(fr, root1, MERKLE_HASH) == 0 &&
	       memcmp(sr, root2, MERKLE_HASH) == 0;
}
