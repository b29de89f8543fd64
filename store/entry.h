/*
 * entry.h - one evidence entry and its leaf text (docs/store-format.md
 * "Entries and leaves").  The leaf text commits to everything about the entry; it is
 * what the Merkle tree hashes.
 */
#ifndef AUDITPACK_ENTRY_H
#define AUDITPACK_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../common/timeutil.h"
#include "merkle.h"

#define ENTRY_KIND_MAX 32
#define ENTRY_FIELD_MAX 1024

/* The evidence kinds of docs/store-format.md, in no particular order. */
bool entry_kind_valid(const char *kind);

/* A field that goes on one leaf line: non-empty, at most ENTRY_FIELD_MAX
 * bytes, no control characters. */
bool entry_field_valid(const char *s);

/*
 * An entry as the store holds it.  Strings are owned by the struct and
 * released by entry_free().  `leaf` is the signed leaf text.
 */
struct entry {
	uint64_t index;
	char kind[ENTRY_KIND_MAX];
	char *source;
	char *subject;      /* "-" when none */
	int64_t eff_from, eff_to, collected;
	char *attrs;        /* JSON object text, exactly as committed */
	size_t attrs_len;
	uint8_t commitment[32]; /* C = SHA-256("auditpack/payload/v1\n" || salt || payload) */
	uint64_t payload_size;
	bool erased;
	char *leaf;
	size_t leaf_len;
	merkle_hash leaf_hash;
};

void entry_free(struct entry *e);

/*
 * The text of an entry time as its leaf holds it: RFC 3339, or
 * TIME_LEGACY_UNKNOWN for TIME_UNKNOWN (a leaf of release 0.1.0 whose event
 * time was out of range).  Returns buf or that constant.
 */
const char *entry_time_text(char buf[RFC3339_LEN], int64_t t);

/* The reverse: TIME_LEGACY_UNKNOWN gives TIME_UNKNOWN, anything else goes
 * to time_parse().  0 or ERR_PARSE. */
int entry_time_parse(int64_t *out, const char *s);

/* Append the leaf text for e's fields to out.  ERR_USAGE when a field is
 * invalid, including a time time_format() cannot write (TIME_UNKNOWN too):
 * no new leaf ever carries an unknown time. */
int entry_leaf_format(struct buf *out, const struct entry *e);

/*
 * Parse leaf text into the fields of `out` (not `leaf`, `attrs` or
 * `erased`); `attrs_digest` receives the committed SHA-256 of the attrs.
 * A time written as TIME_LEGACY_UNKNOWN reads as TIME_UNKNOWN, so leaves
 * of release 0.1.0 stay verifiable.  0 or ERR_PARSE with the offending line
 * named.
 */
int entry_leaf_parse(struct entry *out, uint8_t attrs_digest[32],
		     const char *leaf, size_t len);

/* The domain prefix of a payload commitment C (hash it, then the salt,
 * then the payload, to compute C in pieces). */
#define ENTRY_PAYLOAD_DOMAIN "auditpack/payload/v1\n"

/* C for a payload and its salt. */
int entry_commitment(uint8_t out[32], const uint8_t *salt, size_t salt_len,
		     const void *payload, size_t len);

#define ENTRY_SALT_LEN 32

#endif
