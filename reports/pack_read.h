/*
 * pack_read.h - reading an audit pack for pack_verify (internal to
 * reports/pack_verify.c, pack_read.c, pack_scan.c and pack_entries.c).
 *
 * The central directory goes into a hash table of names (duplicates,
 * missing and extra files in O(1) each), every file is streamed through
 * SHA-256 in PACK_READ_CHUNK pieces, and only what must be parsed is held,
 * under the caps of pack.h, checked against both the declared size and the
 * bytes actually read.  What is wrong with the pack is a problem added to
 * the report (pack_problem); an error return is reserved for failures
 * of the verifier itself (memory, an unreadable directory).
 */
#ifndef AUDITPACK_PACK_READ_H
#define AUDITPACK_PACK_READ_H

#include "pack.h"
#include "../common/hash.h"

#include <zip.h>

struct libdeflate_decompressor;

#define PACK_READ_CHUNK ((size_t)64 << 10)

/* ---- a set of entry indices (sorted once filled) ---- */

struct u64set {
	uint64_t *v;
	size_t n, cap;
};

/* ---- the pack: its directory as a hash table of names ---- */

struct pack_member {
	char *name;
	zip_uint64_t index;       /* in the zip */
	uint64_t size;            /* declared, uncompressed */
	uint64_t comp_size;       /* declared, compressed */
	uint32_t crc;             /* declared CRC-32 */
	bool whole;               /* stored or deflated, not encrypted, small
				   * enough to be read whole (pack_read.c) */
	bool stored;              /* ... and stored (method 0) */
	uint8_t digest[SHA256_LEN];
	bool refused;             /* over a limit: never read (a problem says why) */
	bool read;                /* read to the end: digest is valid */
	bool failed;              /* reading failed (a problem says why) */
	bool listed;              /* named in the manifest */
	bool wanted;              /* the manifest gives a digest: want */
	bool want_bad;            /* ... that is not 64 lowercase hex digits, or
				   * two subjects name it with different ones */
	uint8_t want[SHA256_LEN];
};

/* An erased entry, decided once every tombstone in the pack is known. */
struct pack_pending {
	uint64_t index;
	bool attrs;               /* false: payload or salt missing; true: empty attrs */
};

struct pack {
	zip_t *za;
	struct pack_member *v;
	size_t n;
	uint32_t *slots;          /* 1 + index into v, 0 when empty */
	size_t nslots;            /* a power of two, at least twice n */
	char *chunk;              /* PACK_READ_CHUNK bytes */
	struct libdeflate_decompressor *inflater;
	uint8_t *cbuf, *obuf;     /* a member read whole: as stored, inflated */
	size_t ccap, ocap;
	struct u64set tomb_erased, tomb_attrs, manifest_erased;
	struct pack_pending *pend;
	size_t npend, cappend;
	struct progress *progress; /* bytes read of `total` (NULL: none) */
	uint64_t done, total;
};

/* Add a problem to r (the first MAX_PROBLEMS; later ones are counted). */
void pack_problem(struct pack_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Open the zip at path read-only into p (zeroed by the caller). */
int pack_open_zip(struct pack *p, const char *path);

/* Read the central directory into p's table: unsafe names, duplicates and
 * files over the limits are problems (the latter kept, marked refused). */
int pack_load_directory(struct pack *p, const char *path, struct pack_report *r);

/* The member called name, or NULL. */
struct pack_member *pack_member(const struct pack *p, const char *name);

/*
 * Read m from start to end, never past its declared size, into m->digest;
 * `also` (or NULL) hashes the same bytes, `keep` (or NULL) receives them
 * when m is at most `cap` bytes.  False when m could not be read whole (a
 * problem says why).  A member read once is not read again unless its
 * bytes are wanted.
 */
bool pack_read_member(struct pack *p, struct pack_member *m, struct sha256_ctx *also,
		      struct buf *keep, uint64_t cap, const char *what,
		      struct pack_report *r);

/* The bytes of a file that must be parsed, under `cap`, NUL-terminated;
 * false (with a problem, or none when absent) otherwise. */
bool pack_read_small(struct pack *p, const char *name, uint64_t cap, const char *what,
		     struct buf *out, struct pack_report *r);

/* Free everything p holds and close the zip. */
void pack_close(struct pack *p);

#endif
