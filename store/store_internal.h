/*
 * store_internal.h - what the store's files (store.c, store_append.c,
 * store_read.c, store_sign.c, payload.c, verify.c) share.  Not for use
 * outside store/.
 */
#ifndef AUDITPACK_STORE_INTERNAL_H
#define AUDITPACK_STORE_INTERNAL_H

#include <limits.h>

#include <sqlite3.h>

#include "store.h"

/* The database file inside the store directory. */
#define DB_NAME "evidence.db"

struct store {
	char dir[PATH_MAX];
	char origin[NOTE_MAX_NAME];
	sqlite3 *db;
	int lock_fd;
	enum store_mode mode;
	const struct passphrase *pass;
	EVP_PKEY *signer;          /* loaded on first signature */
	uint32_t signer_id;
	struct merkle_acc acc;     /* tree state inside a write transaction */
	bool in_txn;
	unsigned read_depth;       /* store_read_begin() nesting; 0: no snapshot */
	char witness[PATH_MAX];    /* "" when none */
	struct buf signed_note;    /* the checkpoint signed in this transaction */
	struct checkpoint signed_cp;
	/* Statements reused for every append (prepared on first use). */
	sqlite3_stmt *put_payload;
	sqlite3_stmt *put_entry;
	sqlite3_stmt *get_cursor, *put_cursor; /* collect file: one of each a document */
	sqlite3_stmt *get_payload_id;
	bool payload_encoding;     /* payloads has the encoding column (schema 2) */
	void *zstd_cctx;           /* payload.c's compressor, reused for every append */
	void *zbuf;                /* and its output buffer (zcap bytes) */
	/* Salts drawn 64 at a time (RAND_bytes was a visible part of
	 * appending a small document); the unused tail, wiped on close. */
	uint8_t salts[64 * ENTRY_SALT_LEN];
	size_t salts_left;
	size_t zcap;
};

/* Report a failed SQLite call as ERR_DB with the statement's context. */
int store_db_error(struct store *s, const char *what);
/* The error for a failed sqlite3_bind_* returning `code` (ERR_LIMIT for a
 * value over SQLite's length limit). */
int store_bind_error(struct store *s, int code);

/* Prepare, or fail with ERR_DB. */
int store_prepare(struct store *s, sqlite3_stmt **out, const char *sql);

/* Prepare once into *cache and reset it for reuse; the store finalizes it. */
int store_prepare_cached(struct store *s, sqlite3_stmt **cache, const char *sql);

/* Run SQL with no results; a failure is ERR_DB saying `what`. */
int store_exec(struct store *s, const char *sql, const char *what);

/* store_sign.c.  load_acc: the tree state for a write transaction (checked
 * against the entries, rebuilt when they disagree).  sign_checkpoint: sign
 * the current tree state and record the checkpoint.  new_signing_key: write
 * a new key file and make it the active key (inside a transaction).
 * create_secret: the HMAC secret file of a new store (ERR_EXISTS if there). */
int store_load_acc(struct store *s);
int store_sign_checkpoint(struct store *s);
int store_new_signing_key(struct store *s, const struct passphrase *pass, uint32_t *id_out);
int store_create_secret(const char *dir);

/* Every leaf hash in index order (malloc'd); *n receives the count.
 * Fails if the indices are not 0..n-1. */
int store_leaf_hashes(struct store *s, merkle_hash **out, uint64_t *n);

/* The public key with this id, or ERR_NOTFOUND. */
int store_key_lookup(struct store *s, uint32_t key_id, uint8_t pub[NOTE_PUBKEY]);

/* store/payload.c.  migrate: give a schema-1 store the payloads.encoding
 * column (its own transaction; STORE_WRITE).  put: insert (or find) a
 * payload, compressed when that saves space.  open_row: stream payload row
 * `id` stored with `encoding` (index names the entry in messages). */
int payload_migrate(struct store *s);
/* A reader opened on a schema-1 store: has a writer upgraded it since?  Call
 * inside the snapshot that then reads payloads. */
int payload_refresh(struct store *s);
int payload_put(struct store *s, const void *data, size_t len,
		const uint8_t *sha256_or_null, const struct store_packed *packed,
		sqlite3_int64 *id);
void payload_free(struct store *s);
int payload_open_row(struct store *s, uint64_t index, sqlite3_int64 id, int encoding,
		     struct store_payload **out);

#endif
