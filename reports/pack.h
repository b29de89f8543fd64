/*
 * pack.h - audit packs: a zip an auditor can verify offline.
 *
 * pack_build() writes the evidence (payloads as stored, salts, attrs, leaf
 * texts, a tlog-proof per entry), the signed checkpoint, the public key, the
 * reports, the catalogues and check files used, a README, and
 * manifest.dsse.json: a DSSE envelope (Ed25519 over the PAE encoding) of an
 * in-toto Statement v1 whose subjects are every other file with its
 * SHA-256.  The zip is byte-for-byte reproducible for the same store,
 * frameworks and `at`: sorted names, fixed timestamps and modes, stable
 * JSON.
 *
 * pack_verify() checks a pack without the store, in bounded memory: names
 * and sizes (no absolute or `..` names, no name twice, no decompression
 * bombs), the DSSE signature,
 * every digest, no file missing or extra, the checkpoint signature, each
 * entry's inclusion proof and payload commitment, and tombstones for every
 * erased entry.
 */
#ifndef AUDITPACK_PACK_H
#define AUDITPACK_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/progress.h"
#include "../controls/catalog.h"
#include "../mappings/checks.h"
#include "../store/store.h"

#define PACK_PAYLOAD_TYPE "application/vnd.in-toto+json"
#define PACK_PREDICATE_TYPE "https://auditpack.dev/audit-pack/v1"
#define PACK_MAX_FILE ((uint64_t)1 << 30)
#define PACK_MAX_TOTAL ((uint64_t)8 << 30)
#define PACK_MAX_FILES 1000000
#define PACK_MAX_RATIO 200 /* uncompressed / compressed, for files over 1 MiB */
/* What verify-pack holds in memory to parse (every other file, payloads
 * included, is streamed through SHA-256): the manifest, a tombstone's
 * attrs, and each checkpoint, key, leaf, proof and salt.  A file over its
 * cap, by declared size or by the bytes it decompresses to, is refused
 * unread; pack_build refuses to write a manifest over its cap. */
#define PACK_MAX_MANIFEST ((uint64_t)64 << 20)
#define PACK_MAX_TOMBSTONE ((uint64_t)64 << 20)
#define PACK_MAX_SMALL ((uint64_t)1 << 20)

struct pack_opts {
	char *const *frameworks;
	size_t nframeworks;
	int64_t at;
	int64_t from, to;          /* effective period; INT64_MIN / INT64_MAX: all */
	const char *tool_version;
	const struct profile *profile; /* the deployment profile (NULL: none) */
	struct progress *progress; /* entries selected, then bytes written (NULL: none) */
};

struct pack_stats {
	size_t files;
	size_t entries;
	size_t erased;
	uint64_t bytes;
};

int pack_build(struct store *s, const struct catalogs *cs, const struct checkset *ks,
	       const struct pack_opts *o, const char *path, struct pack_stats *st);

struct pack_problem {
	char what[512];
};

struct pack_report {
	struct pack_problem *v;    /* the first 1000 problems */
	size_t n, cap;
	size_t dropped;            /* problems found beyond those */
	size_t files, entries, erased;
	uint64_t *erased_list;     /* the erased entries, ascending (malloc'd) */
	size_t nerased_list;
	uint64_t checkpoint_size;
	char key_fingerprint[80];  /* "<key id hex> <sha256 of the public key>" */
	bool pinned;
};

/*
 * Verify the pack at path.  Trust: `pubkey_pem` (a PEM file's contents) or
 * `vkey` pins the key; with neither, the key shipped in the pack is used and
 * report->pinned is false.  Returns 0 when verification ran (problems in
 * report->v), or an error when it could not run (unreadable file).
 * `progress` (or NULL) hears the bytes read of the pack's total.
 */
int pack_verify(const char *path, const char *pubkey_pem, const char *vkey,
		struct progress *progress, struct pack_report *report);
void pack_report_free(struct pack_report *r);

#endif
