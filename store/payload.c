/*
 * payload.c - payload bytes in the store: written compressed (zstd) when that
 * saves space, read back as a stream of the original bytes in bounded memory.
 *
 * Everything that commits to a payload (the payloads.sha256 key, the entry's
 * commitment and size, the leaf) is over the uncompressed bytes, so proofs,
 * packs and the auditor's procedure are the same whatever the encoding.
 *
 * payloads.encoding (schema version 2): 0 = the bytes as they are, 1 = one
 * zstd frame of them.  A store of schema version 1 (release 0.1.0 and the
 * releases before compression) has no such column and only encoding 0; a
 * writer adds the column when it opens the store (payload_migrate).
 */
#include "store_internal.h"
#include "../common/err.h"
#include "../common/hash.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#define ENC_PLAIN 0
#define ENC_ZSTD 1

/* zstd level 1: on access logs smaller than level 3 (and than gzip -1) and
 * the fastest; decompression runs at GB/s (docs/store-format.md). */
#define PAYLOAD_ZSTD_LEVEL 1
/* Refuse frames that want a larger window than 2^24 (16 MiB): ours use at
 * most 2^19 at level 1, and a doctored frame must not make a reader
 * allocate more. */
#define PAYLOAD_WINDOW_LOG_MAX 24
#define CHUNK (64 * 1024)

struct store_payload {
	struct store *s;
	uint64_t index;
	sqlite3_blob *blob;
	int encoding;
	int blob_len, blob_off;
	ZSTD_DStream *z;
	ZSTD_inBuffer in;
	uint8_t *inbuf;       /* CHUNK bytes of compressed input */
	bool frame_done;
	uint64_t out_total;
};

int payload_refresh(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (s->payload_encoding)
		return 0;
	if ((rc = store_prepare(s, &st, "PRAGMA user_version")))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		s->payload_encoding = sqlite3_column_int(st, 0) >= 2;
	else
		rc = store_db_error(s, "cannot read");
	sqlite3_finalize(st);
	return rc;
}

int payload_migrate(struct store *s)
{
	int rc = 0;

	if (s->payload_encoding)
		return 0;
	/* ADD COLUMN with a constant default rewrites no row: instant at any
	 * size.  One transaction: a killed run leaves version 1 untouched. */
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE;"
			 " ALTER TABLE payloads ADD COLUMN encoding INTEGER NOT NULL DEFAULT 0;"
			 " PRAGMA user_version=2; COMMIT;", NULL, NULL, NULL) != SQLITE_OK) {
		rc = store_db_error(s, "cannot upgrade the store to schema version 2");
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	s->payload_encoding = true;
	return 0;
}

void payload_free(struct store *s)
{
	ZSTD_freeCCtx(s->zstd_cctx);
	s->zstd_cctx = NULL;
	free(s->zbuf);
	s->zbuf = NULL;
	s->zcap = 0;
}

/* The id of the payload stored with this digest. */
static int find_payload(struct store *s, const uint8_t digest[SHA256_LEN], sqlite3_int64 *id)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare_cached(s, &s->get_payload_id,
				       "SELECT id FROM payloads WHERE sha256=?")))
		return rc;
	st = s->get_payload_id;
	if ((rc = sqlite3_bind_blob(st, 1, digest, SHA256_LEN, SQLITE_STATIC)))
		rc = store_bind_error(s, rc);
	else if (sqlite3_step(st) != SQLITE_ROW)
		rc = store_db_error(s, "cannot find a payload");
	else
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
}

/* Payloads shorter than this are stored as they are. */
#define PACK_MIN 64

/* Compress data[0..len) into z (cap bytes, at least ZSTD_compressBound);
 * *n = 0 when that saves nothing. */
static void compress(ZSTD_CCtx *cctx, const void *data, size_t len, void *z, size_t cap,
		     size_t *n)
{
	size_t r = ZSTD_compressCCtx(cctx, z, cap, data, len, PAYLOAD_ZSTD_LEVEL);

	/* Kept only when it saves space; else the bytes as they are. */
	*n = !ZSTD_isError(r) && r < len ? r : 0;
}

struct store_packer {
	ZSTD_CCtx *cctx;
	uint8_t salts[64 * ENTRY_SALT_LEN]; /* drawn 64 at a time, as the store does */
	size_t salts_left;
};

int store_packer_new(struct store_packer **out)
{
	struct store_packer *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p || !(p->cctx = ZSTD_createCCtx())) {
		free(p);
		return err_nomem();
	}
	*out = p;
	return 0;
}

void store_packer_free(struct store_packer *p)
{
	if (!p)
		return;
	ZSTD_freeCCtx(p->cctx);
	OPENSSL_cleanse(p->salts, sizeof(p->salts));
	free(p);
}

void store_packed_clear(struct store_packed *p)
{
	OPENSSL_cleanse(p->salt, sizeof(p->salt));
	buf_reset(&p->zstd);
}

void store_packed_free(struct store_packed *p)
{
	store_packed_clear(p);
	buf_free(&p->zstd);
}

int store_packer_pack(struct store_packer *p, const void *data, size_t len,
		      struct store_packed *out)
{
	size_t cap, n;
	int rc;

	buf_reset(&out->zstd);
	if (!p->salts_left) {
		if (RAND_bytes(p->salts, sizeof(p->salts)) != 1)
			return err_set_openssl(ERR_CRYPTO, "cannot draw a random salt");
		p->salts_left = sizeof(p->salts) / sizeof(out->salt);
	}
	p->salts_left--;
	memcpy(out->salt, p->salts + p->salts_left * sizeof(out->salt), sizeof(out->salt));
	OPENSSL_cleanse(p->salts + p->salts_left * sizeof(out->salt), sizeof(out->salt));
	if ((rc = entry_commitment(out->commitment, out->salt, sizeof(out->salt), data, len)))
		return rc;
	if (len < PACK_MIN)
		return 0;
	cap = ZSTD_compressBound(len);
	if ((rc = buf_grow(&out->zstd, cap)))
		return rc;
	compress(p->cctx, data, len, out->zstd.data, cap, &n);
	out->zstd.len = n;
	return 0;
}

int payload_put(struct store *s, const void *data, size_t len,
		const uint8_t *sha256_or_null, const struct store_packed *packed,
		sqlite3_int64 *id)
{
	uint8_t digest[SHA256_LEN];
	sqlite3_stmt *st = NULL;
	const void *stored = len ? data : "";
	size_t stored_len = len;
	int rc, enc = ENC_PLAIN;

	if (sha256_or_null)
		memcpy(digest, sha256_or_null, SHA256_LEN);
	else if ((rc = sha256(digest, data, len)))
		return rc;
	if (packed && s->payload_encoding) {
		if (packed->zstd.len) {
			stored = packed->zstd.data;
			stored_len = packed->zstd.len;
			enc = ENC_ZSTD;
		}
	} else if (len >= PACK_MIN && s->payload_encoding) {
		size_t cap = ZSTD_compressBound(len), n;

		/* One context for every append: making one costs more than
		 * compressing a 2 KiB document. */
		if (!s->zstd_cctx && !(s->zstd_cctx = ZSTD_createCCtx()))
			return err_nomem();
		/* Its output buffer too: a fresh one for every 16 MiB access-log
		 * entry was mapped and faulted in page by page again. */
		if (cap > s->zcap) {
			free(s->zbuf);
			s->zcap = 0;
			if (!(s->zbuf = malloc(cap)))
				return err_nomem();
			s->zcap = cap;
		}
		compress(s->zstd_cctx, data, len, s->zbuf, cap, &n);
		if (n) {
			stored = s->zbuf;
			stored_len = n;
			enc = ENC_ZSTD;
		}
	}
	/* A new payload is inserted; one the store holds already (the same
	 * digest) is found.  No RETURNING: it built an ephemeral table for
	 * every entry. */
	if ((rc = store_prepare_cached(s, &s->put_payload, s->payload_encoding ?
				       "INSERT INTO payloads(sha256, data, encoding) VALUES(?, ?, ?)"
				       " ON CONFLICT(sha256) DO NOTHING" :
				       "INSERT INTO payloads(sha256, data) VALUES(?, ?)"
				       " ON CONFLICT(sha256) DO NOTHING")))
		return rc;
	st = s->put_payload;
	if ((rc = sqlite3_bind_blob(st, 1, digest, SHA256_LEN, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_blob64(st, 2, stored, stored_len, SQLITE_STATIC)) ||
	    (s->payload_encoding && (rc = sqlite3_bind_int(st, 3, enc))))
		rc = store_bind_error(s, rc);
	else if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_db_error(s, "cannot write a payload");
	else if (sqlite3_changes(s->db) == 1)
		*id = sqlite3_last_insert_rowid(s->db);
	else
		rc = find_payload(s, digest, id);
	sqlite3_reset(st);
	return rc;
}

int payload_open_row(struct store *s, uint64_t index, sqlite3_int64 id, int encoding,
		     struct store_payload **out)
{
	struct store_payload *p;
	int rc;

	*out = NULL;
	if (encoding != ENC_PLAIN && encoding != ENC_ZSTD)
		return err_set(ERR_DB, "entry %" PRIu64 ": payload has an unknown "
			       "encoding %d", index, encoding);
	if (!(p = calloc(1, sizeof(*p))))
		return err_nomem();
	p->s = s;
	p->index = index;
	p->encoding = encoding;
	if (sqlite3_blob_open(s->db, "main", "payloads", "data", id, 0, &p->blob) != SQLITE_OK) {
		rc = store_db_error(s, "cannot read a payload");
		goto fail;
	}
	p->blob_len = sqlite3_blob_bytes(p->blob);
	if (encoding == ENC_ZSTD) {
		if (!(p->inbuf = malloc(CHUNK)) || !(p->z = ZSTD_createDStream())) {
			rc = err_nomem();
			goto fail;
		}
		ZSTD_DCtx_setParameter(p->z, ZSTD_d_windowLogMax, PAYLOAD_WINDOW_LOG_MAX);
		p->in.src = p->inbuf;
	}
	*out = p;
	return 0;
fail:
	store_payload_close(p);
	return rc;
}

static int fill(struct store_payload *p, void *dst, size_t want, size_t *got)
{
	int n = p->blob_len - p->blob_off;

	if ((size_t)n > want)
		n = (int)want;
	*got = 0;
	if (n > 0 && sqlite3_blob_read(p->blob, dst, n, p->blob_off) != SQLITE_OK)
		return store_db_error(p->s, "cannot read a payload");
	p->blob_off += n;
	*got = (size_t)n;
	return 0;
}

int store_payload_read(struct store_payload *p, void *buf, size_t cap, size_t *got)
{
	ZSTD_outBuffer o = { buf, cap, 0 };
	int rc;

	*got = 0;
	if (p->encoding == ENC_PLAIN) {
		rc = fill(p, buf, cap, got);
		p->out_total += *got;
		return rc;
	}
	while (o.pos == 0 && cap) {
		size_t r;

		if (p->in.pos == p->in.size && p->blob_off < p->blob_len) {
			if ((rc = fill(p, p->inbuf, CHUNK, &p->in.size)))
				return rc;
			p->in.pos = 0;
		}
		if (p->in.pos == p->in.size && p->frame_done)
			break; /* the end */
		r = ZSTD_decompressStream(p->z, &o, &p->in);
		if (ZSTD_isError(r))
			return err_set(ERR_DB, "entry %" PRIu64 ": compressed payload is "
				       "damaged: %s", p->index, ZSTD_getErrorName(r));
		if (r == 0)
			p->frame_done = true;
		else if (o.pos == 0 && p->in.pos == p->in.size && p->blob_off == p->blob_len)
			return err_set(ERR_DB, "entry %" PRIu64 ": compressed payload is "
				       "damaged: it ends early", p->index);
		/* A frame that ended and more bytes after it: refuse them. */
		if (p->frame_done && o.pos == 0 &&
		    (p->in.pos < p->in.size || p->blob_off < p->blob_len))
			return err_set(ERR_DB, "entry %" PRIu64 ": compressed payload is "
				       "damaged: bytes after its end", p->index);
	}
	*got = o.pos;
	p->out_total += o.pos;
	return 0;
}

void store_payload_close(struct store_payload *p)
{
	if (!p)
		return;
	sqlite3_blob_close(p->blob);
	ZSTD_freeDStream(p->z);
	free(p->inbuf);
	free(p);
}

int store_payload_open(struct store *s, uint64_t index, struct store_payload **out,
		       uint64_t *size, uint8_t sha256_out[SHA256_LEN])
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 id;
	int rc, enc;

	*out = NULL;
	/* Inside a snapshot store_read_begin() has looked (and pack's workers
	 * open payloads from several threads: they must not write *s). */
	if (!s->read_depth && !s->in_txn && (rc = payload_refresh(s)))
		return rc;
	if ((rc = store_prepare(s, &st, s->payload_encoding ?
				"SELECT p.id, p.encoding, p.sha256, e.payload_size FROM entries e"
				" JOIN payloads p ON p.id = e.payload_id WHERE e.idx=? AND e.erased=0" :
				"SELECT p.id, 0, p.sha256, e.payload_size FROM entries e"
				" JOIN payloads p ON p.id = e.payload_id WHERE e.idx=? AND e.erased=0")))
		return rc;
	if ((rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)index))) {
		rc = store_bind_error(s, rc);
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		rc = err_set(ERR_NOTFOUND, "entry %" PRIu64 " has no payload "
			     "(no such entry, or erased)", index);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		rc = store_db_error(s, "cannot read");
		goto out;
	}
	id = sqlite3_column_int64(st, 0);
	enc = sqlite3_column_int(st, 1);
	if (sha256_out) {
		if (sqlite3_column_bytes(st, 2) != SHA256_LEN) {
			rc = err_set(ERR_DB, "entry %" PRIu64 ": payload digest is damaged", index);
			goto out;
		}
		memcpy(sha256_out, sqlite3_column_blob(st, 2), SHA256_LEN);
	}
	if (size)
		*size = (uint64_t)sqlite3_column_int64(st, 3);
	rc = payload_open_row(s, index, id, enc, out);
out:
	sqlite3_finalize(st);
	return rc;
}

int store_get_payload(struct store *s, uint64_t index, struct buf *out)
{
	struct store_payload *p = NULL;
	uint64_t size;
	size_t got, start = out->len;
	bool had = out->data != NULL;
	int rc;

	if ((rc = store_payload_open(s, index, &p, &size, NULL)))
		return rc;
	for (;;) {
		/* Grow by what the entry says, in steps: a wrong size costs steps,
		 * never a huge allocation. */
		if ((rc = buf_grow(out, size > CHUNK ? CHUNK : (size_t)size + 1)))
			break;
		if ((rc = store_payload_read(p, out->data + out->len, out->cap - out->len - 1,
					     &got)))
			break;
		out->len += got;
		out->data[out->len] = '\0';
		if (!got)
			break;
	}
	store_payload_close(p);
	/* On failure out is as it was (callers need not free what they did
	 * not have). */
	if (rc && !had)
		buf_free(out);
	else if (rc) {
		out->len = start;
		out->data[start] = '\0';
	}
	return rc;
}
