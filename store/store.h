/*
 * store.h - the evidence store: an append-only log of entries in SQLite
 * (STORE/evidence.db), an RFC 6962 Merkle tree over their leaves, and a
 * C2SP checkpoint signed with the store's Ed25519 key after every append.
 *
 * Writers hold STORE/lock (flock) for the whole run and append inside one
 * SQLite transaction that also writes the new checkpoint, so a killed run
 * leaves the store exactly as it was.  Readers need no lock (WAL).
 */
#ifndef AUDITPACK_STORE_H
#define AUDITPACK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../common/progress.h"
#include "entry.h"
#include "keys.h"
#include "note.h"

struct store;

enum store_mode {
	STORE_READ,
	STORE_WRITE, /* takes the lock, waiting up to wait_seconds */
};

struct store_opts {
	const char *dir;
	int wait_seconds;
	const struct passphrase *pass; /* used when a checkpoint is signed */
	const char *witness;           /* NULL, or a directory that receives a copy
					* of every checkpoint (witness.h) */
};

/* Create a store in o->dir (mode 0700) with a fresh signing key and the
 * signed checkpoint of the empty tree.  Refuses when one exists. */
int store_init(const struct store_opts *o, const char *origin,
	       const char *config_template);

int store_open(struct store **out, const struct store_opts *o,
	       enum store_mode mode);
void store_close(struct store *s);

const char *store_dir(const struct store *s);
const char *store_origin(const struct store *s);

/* Number of entries. */
int store_size(struct store *s, uint64_t *out);

/* --- appending (STORE_WRITE only) --- */

/* What a collector hands the store; the store adds index, salt and
 * commitment. */
struct entry_input {
	const char *kind;
	const char *source;
	const char *subject; /* NULL or "" means "-" */
	int64_t eff_from, eff_to, collected;
	const char *attrs;   /* JSON object text; committed as given */
	size_t attrs_len;
	const void *payload;
	size_t payload_len;
	/* NULL, or the SHA-256 of payload[0..payload_len) when the caller has
	 * computed it already (it keys the payload: it must be that digest). */
	const uint8_t *payload_sha256;
	/* NULL, or store_packer_pack()'s result for this payload, made ahead
	 * (on another thread): the store then does not compress it itself. */
	const struct store_packed *payload_packed;
};

/*
 * What store_append() works out from a payload alone, done ahead of it on
 * any thread (a packer per thread; no store needed): the same decision and
 * bytes the store would make.  pack: packed->zstd holds the zstd frame
 * when that is smaller than the payload, else it is empty and the payload
 * is stored as it is (a store of schema version 1 stores it as it is
 * either way); packed->salt is the entry's random salt and
 * packed->commitment the commitment to the payload under it.  clear wipes
 * the salt (keeping the buffer); free releases it too.
 */
struct store_packer;
struct store_packed {
	struct buf zstd;
	uint8_t salt[ENTRY_SALT_LEN];
	uint8_t commitment[32];
};
int store_packer_new(struct store_packer **out);
void store_packer_free(struct store_packer *p);
int store_packer_pack(struct store_packer *p, const void *data, size_t len,
		      struct store_packed *out);
void store_packed_clear(struct store_packed *p);
void store_packed_free(struct store_packed *p);

int store_begin(struct store *s);
int store_append(struct store *s, const struct entry_input *in,
		 uint64_t *index_out);
/* Sign and record the checkpoint for the new size, then commit; then copy
 * the checkpoint to the witness directory.  Signing is refused when the
 * witness already holds a larger tree (entries were removed).  A failed
 * witness write after the commit is reported as an error (the entries
 * stay committed). */
int store_commit(struct store *s);
void store_rollback(struct store *s);

/*
 * Collector cursors: small per-source state (file offsets, digests of what
 * was last seen) written in the same transaction as the entries it
 * describes, so a killed run resumes exactly where the last committed one
 * stopped.  `key` names the thing within the source (a path, a model).
 * get: *found is false (and out untouched) when there is none.
 * put: STORE_WRITE, inside store_begin()/store_commit().
 */
int store_cursor_get(struct store *s, const char *source, const char *key,
		     struct buf *out, bool *found);
int store_cursor_put(struct store *s, const char *source, const char *key,
		     const char *state, size_t len);

/* Forget a cursor (the thing it tracked is gone). */
int store_cursor_delete(struct store *s, const char *source, const char *key);

/* Every cursor key of a source, in key order: fn(key, state, arg). */
int store_cursor_each(struct store *s, const char *source,
		      int (*fn)(const char *key, const char *state, void *arg),
		      void *arg);

/* Forget every cursor (of any source) whose state match() accepts; erasure
 * uses it, as a cursor may remember what a collector last saw. */
int store_cursor_forget_if(struct store *s,
			   bool (*match)(const char *state, size_t len, void *arg),
			   void *arg, size_t *forgotten);

#define STORE_SECRET_LEN 32

/*
 * The store's HMAC secret (STORE/keys/hmac.secret, 0600, created with the
 * store): the key of pseudonymisation tokens and of the keyed hashes that
 * stand in for secrets in configuration snapshots.  It never enters the
 * log.  Wipe `out` with OPENSSL_cleanse() after use.
 */
int store_secret(struct store *s, uint8_t out[STORE_SECRET_LEN]);

/*
 * Erasure (STORE_WRITE, inside store_begin()/store_commit()): delete the
 * payload bytes and salt of each entry (and its attrs where with_attrs[i],
 * which may be NULL), marking it erased.  Leaves stay, so the tree and every
 * checkpoint still verify; the caller appends a tombstone entry naming the
 * indices in the same transaction ("erased", and "attrs_erased" for those
 * whose attrs went), else verify reports tampering.  Freed bytes are zeroed.
 */
int store_erase(struct store *s, const uint64_t *indices, const bool *with_attrs,
		size_t n);

/* After an erasure commits: copy the write-ahead log into the database and
 * truncate it, so no image of an erased page stays under STORE/. */
int store_purge(struct store *s);

/* --- reading --- */

/*
 * Read snapshots.  Between store_read_begin() and store_read_end() every
 * read through `s` (store_size, store_checkpoint, store_each, store_get_*,
 * store_proof(s), store_keys, store_verify, ...) sees the store as it was
 * when store_read_begin() returned: one SQLite read transaction (WAL), so
 * the latest checkpoint, the tree size, the leaves, payloads, salts and
 * proofs all agree even while another process commits a collect.  Commits
 * made meanwhile become visible after store_read_end().
 *
 * Pairs nest: only the outermost pair opens and closes the transaction, so
 * a function that needs consistency (store_proofs, store_verify) wraps its
 * own reads and still joins a caller's snapshot.  Inside a write
 * transaction (store_begin() .. store_commit()) they do nothing: the writer
 * already reads one consistent view, its own.  store_begin() is refused
 * while a snapshot is open (end it first).  store_read_end() without an
 * open snapshot does nothing; store_close() ends one left open.
 *
 * Keep snapshots short-lived (one command): while one is open the
 * write-ahead log cannot be checkpointed past it, and store_purge() (after
 * an erasure) reports that a reader kept old pages.
 */
int store_read_begin(struct store *s);
void store_read_end(struct store *s);

int store_get_entry(struct store *s, uint64_t index, struct entry *out);
/* Append the payload bytes as collected to out (fails for erased entries;
 * on failure out is as it was).  The whole payload in memory: for large
 * ones, stream with store_payload_open(). */
int store_get_payload(struct store *s, uint64_t index, struct buf *out);

/*
 * A payload as a stream (store/payload.c), in bounded memory whatever its
 * size: the bytes as collected, decompressed on the fly when the store keeps
 * them compressed.  open: *size is the entry's payload size and sha256 (may
 * be NULL) the SHA-256 the store keys the payload by; neither is checked
 * here (store_verify does).  read: up to cap bytes into buf (all of
 * buf[0..cap) may be written); *got is 0 at the end; a damaged
 * compressed payload fails with ERR_DB naming the entry.  Use inside one read snapshot
 * (or write transaction); fails for erased entries like store_get_payload.
 */
struct store_payload;
int store_payload_open(struct store *s, uint64_t index, struct store_payload **out,
		       uint64_t *size, uint8_t sha256[32]);
int store_payload_read(struct store_payload *p, void *buf, size_t cap, size_t *got);
void store_payload_close(struct store_payload *p);

struct store_filter {
	const char *kind;   /* NULL: any */
	const char *source; /* NULL: any */
	int64_t since;      /* collected at or after; INT64_MIN: any */
};

/* Call fn for each matching entry in index order; a non-zero return from
 * fn stops the walk and is returned. */
int store_each(struct store *s, const struct store_filter *f,
	       int (*fn)(const struct entry *e, void *arg), void *arg);

/* An entry's salt (ENTRY_SALT_LEN bytes); *present is false once erased. */
int store_get_salt(struct store *s, uint64_t index, uint8_t *salt, bool *present);

/* The latest signed checkpoint note (and its parsed body). */
int store_checkpoint(struct store *s, struct buf *note, struct checkpoint *cp);

/* The C2SP tlog-proof@v1 text for entry `index` against the latest
 * checkpoint. */
int store_proof(struct store *s, uint64_t index, struct buf *out);

/*
 * tlog-proofs for many entries against the latest checkpoint, building the
 * tree once: fn(index, proof text, arg) for each of indices[0..n).
 */
int store_proofs(struct store *s, const uint64_t *indices, size_t n,
		 int (*fn)(uint64_t index, const struct buf *proof, void *arg), void *arg);

/* --- keys --- */

struct store_key {
	uint32_t key_id;
	uint8_t pub[NOTE_PUBKEY];
	bool active;
	char created[32];
};

/* All keys the store has ever signed with, oldest first; *out is
 * malloc'd. */
int store_keys(struct store *s, struct store_key **out, size_t *n);

/* Generate a new signing key, retire the old one (its public key stays so
 * old checkpoints verify), and sign a checkpoint with the new key. */
int store_key_rotate(struct store *s, const struct passphrase *newpass,
		     uint32_t *new_id);

/*
 * Sign msg with the store's active Ed25519 key (for DSSE envelopes of audit
 * packs); *key_id is the note key id of the signing key.
 */
int store_sign(struct store *s, const void *msg, size_t len, uint8_t sig[NOTE_SIG],
	       uint32_t *key_id);

/* --- verification --- */

struct verify_problem {
	char what[512];
};

struct verify_report {
	uint64_t entries;
	uint64_t checkpoints;
	uint64_t erased;          /* entries whose payload was erased */
	uint64_t *erased_list;    /* their indices (malloc'd) */
	size_t nerased_list, erased_cap;
	uint64_t payload_bytes;
	uint64_t unknown_times;   /* entries of release 0.1.0 with an unknown time */
	struct checkpoint latest;
	struct verify_problem *problems; /* malloc'd, in discovery order */
	size_t nproblems;
	size_t cap;
	bool lost;                /* a problem or erased index could not be
				   * recorded (no memory): store_verify fails */
};

struct verify_opts {
	const char *against;   /* a checkpoint note kept elsewhere, or NULL */
	size_t against_len;
	const char *vkey;      /* pin: only this key is trusted, or NULL */
	struct progress *progress; /* payload bytes checked, or NULL */
};

/*
 * Check everything: every leaf against its columns, attrs and payload
 * commitment; the tree against every checkpoint's signature, root and
 * consistency with the one before; and the optional witness checkpoint.
 * Returns 0 when verification ran (look at report->nproblems), or an error
 * when it could not run at all (ERR_NOMEM too when it ran out of memory to
 * record what it found: a report is never silently short).
 */
int store_verify(struct store *s, const struct verify_opts *o,
		 struct verify_report *report);
void verify_report_free(struct verify_report *r);

#endif
