/*
 * store_append.c - write transactions: appending entries (each committed
 * with a signed checkpoint) and erasing payloads.
 */
#include "store_internal.h"
#include "../common/err.h"
#include "../common/timeutil.h"
#include "witness.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

/* --- appending --- */

int store_begin(struct store *s)
{
	int rc;

	if (s->mode != STORE_WRITE)
		return err_set(ERR_USAGE, "store opened read-only");
	if (s->read_depth)
		return err_set(ERR_USAGE, "store_begin inside a read snapshot");
	if ((rc = store_exec(s, "BEGIN IMMEDIATE", "cannot start a transaction")))
		return rc;
	s->in_txn = true;
	if ((rc = store_load_acc(s))) {
		store_rollback(s);
		return rc;
	}
	return 0;
}

void store_rollback(struct store *s)
{
	if (s->in_txn)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_txn = false;
}

static int insert_entry(struct store *s, const struct entry *e,
			const uint8_t *salt, sqlite3_int64 payload_id)
{
	char from[RFC3339_LEN], to[RFC3339_LEN], coll[RFC3339_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	/* entry_leaf_format() checked the times; the columns repeat the leaf. */
	if (time_format(from, e->eff_from) || time_format(to, e->eff_to) ||
	    time_format(coll, e->collected))
		return err_wrap(ERR_USAGE, "entry %" PRIu64, e->index);
	if ((rc = store_prepare_cached(s, &s->put_entry, "INSERT INTO entries(idx, kind,"
				       " source, subject, eff_from, eff_to, collected, attrs,"
				       " commitment, payload_size, payload_id, salt, leaf, leaf_hash)"
				       " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")))
		return rc;
	st = s->put_entry;
	if ((rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)e->index)) ||
	    (rc = sqlite3_bind_text(st, 2, e->kind, -1, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_text(st, 3, e->source, -1, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_text(st, 4, e->subject, -1, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_text(st, 5, from, -1, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_text(st, 6, to, -1, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_text(st, 7, coll, -1, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_text64(st, 8, e->attrs, e->attrs_len, SQLITE_STATIC, SQLITE_UTF8)) ||
	    (rc = sqlite3_bind_blob(st, 9, e->commitment, 32, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_int64(st, 10, (sqlite3_int64)e->payload_size)) ||
	    (rc = sqlite3_bind_int64(st, 11, payload_id)) ||
	    (rc = sqlite3_bind_blob(st, 12, salt, ENTRY_SALT_LEN, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_text64(st, 13, e->leaf, e->leaf_len, SQLITE_STATIC, SQLITE_UTF8)) ||
	    (rc = sqlite3_bind_blob(st, 14, e->leaf_hash, MERKLE_HASH, SQLITE_STATIC)))
		rc = store_bind_error(s, rc);
	else
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_error(s, "cannot write an entry");
	sqlite3_reset(st);
	return rc;
}

int store_append(struct store *s, const struct entry_input *in,
		 uint64_t *index_out)
{
	uint8_t salt[ENTRY_SALT_LEN];
	struct entry e;
	struct buf leaf = BUF_INIT;
	sqlite3_int64 pid = 0;
	int rc;

	if (!s->in_txn)
		return err_set(ERR_USAGE, "store_append outside a transaction");
	memset(&e, 0, sizeof(e));
	if (snprintf(e.kind, sizeof(e.kind), "%s", in->kind) >= (int)sizeof(e.kind) ||
	    !entry_kind_valid(e.kind))
		return err_set(ERR_USAGE, "unknown evidence kind '%s'", in->kind);
	e.index = s->acc.size;
	e.source = (char *)in->source;
	e.subject = (char *)(in->subject && *in->subject ? in->subject : "-");
	e.eff_from = in->eff_from;
	e.eff_to = in->eff_to;
	e.collected = in->collected;
	e.attrs = (char *)in->attrs;
	e.attrs_len = in->attrs_len;
	e.payload_size = in->payload_len;
	if (!entry_field_valid(e.source) || !entry_field_valid(e.subject))
		return err_set(ERR_USAGE, "source and subject must be non-empty single "
			       "lines of at most %d bytes", ENTRY_FIELD_MAX);
	if (in->payload_packed) {
		/* Drawn and computed ahead (store_packer_pack). */
		memcpy(salt, in->payload_packed->salt, sizeof(salt));
		memcpy(e.commitment, in->payload_packed->commitment, sizeof(e.commitment));
	} else {
		if (!s->salts_left) {
			if (RAND_bytes(s->salts, sizeof(s->salts)) != 1)
				return err_set_openssl(ERR_CRYPTO, "cannot draw a random salt");
			s->salts_left = sizeof(s->salts) / sizeof(salt);
		}
		s->salts_left--;
		memcpy(salt, s->salts + s->salts_left * sizeof(salt), sizeof(salt));
		OPENSSL_cleanse(s->salts + s->salts_left * sizeof(salt), sizeof(salt));
		if ((rc = entry_commitment(e.commitment, salt, sizeof(salt), in->payload,
					   in->payload_len)))
			goto out;
	}
	if ((rc = entry_leaf_format(&leaf, &e)))
		goto out;
	e.leaf = leaf.data;
	e.leaf_len = leaf.len;
	if ((rc = merkle_leaf_hash(e.leaf_hash, leaf.data, leaf.len)) ||
	    (rc = payload_put(s, in->payload, in->payload_len, in->payload_sha256,
				 in->payload_packed, &pid)) ||
	    (rc = insert_entry(s, &e, salt, pid)) ||
	    (rc = merkle_acc_push(&s->acc, e.leaf_hash)))
		goto out;
	if (index_out)
		*index_out = e.index;
out:
	OPENSSL_cleanse(salt, sizeof(salt));
	buf_free(&leaf);
	return rc;
}

int store_commit(struct store *s)
{
	int rc;

	if (!s->in_txn)
		return err_set(ERR_USAGE, "store_commit outside a transaction");
	if ((rc = store_sign_checkpoint(s)) || (rc = store_exec(s, "COMMIT", "cannot commit"))) {
		store_rollback(s);
		return rc;
	}
	s->in_txn = false;
	if (*s->witness && (rc = witness_put(s->witness, &s->signed_cp, s->signed_note.data,
					     s->signed_note.len)))
		return err_wrap(rc, "checkpoint %" PRIu64 " is committed, but its witness "
				"copy was not written", s->signed_cp.size);
	return 0;
}

/* --- erasure --- */

int store_erase(struct store *s, const uint64_t *indices, const bool *with_attrs, size_t n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!s->in_txn)
		return err_set(ERR_USAGE, "store_erase outside a transaction");
	if ((rc = store_prepare(s, &st, "UPDATE entries SET payload_id=NULL, salt=NULL,"
				" erased=1, attrs=CASE WHEN ? THEN '' ELSE attrs END"
				" WHERE idx=?")))
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_reset(st);
		if ((rc = sqlite3_bind_int(st, 1, with_attrs && with_attrs[i])) ||
		    (rc = sqlite3_bind_int64(st, 2, (sqlite3_int64)indices[i])))
			rc = store_bind_error(s, rc);
		else if (sqlite3_step(st) != SQLITE_DONE)
			rc = store_db_error(s, "cannot erase");
		else if (sqlite3_changes(s->db) != 1)
			rc = err_set(ERR_NOTFOUND, "no entry %" PRIu64, indices[i]);
	}
	sqlite3_finalize(st);
	/* A payload shared by identical entries goes when the last one does. */
	return rc ? rc : store_exec(s, "DELETE FROM payloads WHERE id NOT IN (SELECT payload_id"
			      " FROM entries WHERE payload_id IS NOT NULL)", "cannot erase");
}

int store_purge(struct store *s)
{
	int logged = 0, done = 0;

	if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &logged,
				      &done) != SQLITE_OK)
		return store_db_error(s, "cannot move erased pages out of the write-ahead log");
	if (logged > 0 && done < logged)
		return err_set(ERR_LOCKED, "the change is committed, but a reader kept old "
			       "pages in '%s/" DB_NAME "-wal'; run the command again when "
			       "no reader is active to overwrite them", s->dir);
	return 0;
}
