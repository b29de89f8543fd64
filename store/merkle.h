/*
 * merkle.h - RFC 6962 / RFC 9162 section 2.1 Merkle tree hashing and proofs.
 *
 * Leaf hash SHA-256(0x00 || data), node hash SHA-256(0x01 || left || right),
 * the empty tree hashes to SHA-256("").  Trees are given as arrays of leaf
 * hashes (MERKLE_HASH bytes each); the caller owns every array.
 */
#ifndef AUDITPACK_MERKLE_H
#define AUDITPACK_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH 32
#define MERKLE_MAX_PROOF 64 /* enough for any tree size that fits in uint64 */

typedef uint8_t merkle_hash[MERKLE_HASH];

int merkle_leaf_hash(merkle_hash out, const void *data, size_t len);
int merkle_node_hash(merkle_hash out, const merkle_hash left,
		     const merkle_hash right);

/* Root of the first n leaves. */
int merkle_root(merkle_hash out, const merkle_hash *leaves, uint64_t n);

/*
 * Streaming root: feed leaf hashes in order; merkle_acc_root() gives the root
 * of everything fed so far at any point, without storing the leaves (memory
 * is O(log n)).  Zero-initialise the struct to start.
 */
struct merkle_acc {
	merkle_hash stack[MERKLE_MAX_PROOF];
	uint64_t size;
	int depth;
};
int merkle_acc_push(struct merkle_acc *acc, const merkle_hash leaf);
int merkle_acc_root(const struct merkle_acc *acc, merkle_hash out);

/*
 * A tree kept for proof generation: every complete aligned subtree hash, so
 * that any proof costs O(log n) hashes instead of O(n).  `leaves` stays
 * owned by the caller and must outlive the tree; the upper levels (about n
 * hashes more) are owned by the tree.
 */
struct merkle_tree {
	const merkle_hash *leaves;
	merkle_hash *level[MERKLE_MAX_PROOF]; /* level[0] unused: leaves */
	uint64_t count[MERKLE_MAX_PROOF];
	int nlevels;
	uint64_t size;
};

int merkle_tree_init(struct merkle_tree *t, const merkle_hash *leaves, uint64_t n);
void merkle_tree_free(struct merkle_tree *t);

/* Root of the first `size` leaves of the tree, in O(log n). */
int merkle_tree_root(merkle_hash out, const struct merkle_tree *t, uint64_t size);

/* Inclusion proof of leaf `index` in the tree of the first `size` leaves.
 * Writes up to MERKLE_MAX_PROOF hashes to proof, their count to *n. */
int merkle_inclusion_proof(merkle_hash *proof, size_t *n,
			   const struct merkle_tree *t, uint64_t size,
			   uint64_t index);

/* Consistency proof between the trees of the first m and first n leaves,
 * 0 < m <= n. */
int merkle_consistency_proof(merkle_hash *proof, size_t *count,
			     const struct merkle_tree *t, uint64_t m, uint64_t n);

/* RFC 9162 2.1.3.2: does `proof` show `leaf` at `index` under `root`? */
bool merkle_verify_inclusion(const merkle_hash leaf, uint64_t index,
			     uint64_t size, const merkle_hash *proof,
			     size_t n, const merkle_hash root);

/* RFC 9162 2.1.4.2: is the tree (size2, root2) an append-only extension of
 * (size1, root1)? */
bool merkle_verify_consistency(uint64_t size1, uint64_t size2,
			       const merkle_hash root1, const merkle_hash root2,
			       const merkle_hash *proof, size_t n);

#endif
