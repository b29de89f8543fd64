/*
 * store_read.c - reading the store: snapshots, entries, the latest
 * checkpoint, leaf hashes and inclusion proofs, and collector cursors.
 */
#include "store_internal.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- reading --- */

int store_read_begin(struct store *s)
{
	if (s->in_txn || s->read_depth++ > 0)
		return 0;
	/* BEGIN alone defers the snapshot to the first read; the SELECT takes
	 * it now, so everything read after this returns is from one moment. */
	if (sqlite3_exec(s->db, "BEGIN; SELECT 1 FROM meta LIMIT 1", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		int rc = store_db_error(s, "cannot start reading");

		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->read_depth = 0;
		return rc;
	}
	/* The schema this snapshot reads (a writer may have upgraded it). */
	return payload_refresh(s);
}

void store_read_end(struct store *s)
{
	if (!s->read_depth || --s->read_depth > 0)
		return;
	/* Nothing was written: ending a read transaction cannot lose data. */
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK &&
	    !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_size(struct store *s, uint64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(s, &st, "SELECT count(*) FROM entries")))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = store_db_error(s, "cannot read");
	else
		*out = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc;
}

#define ENTRY_COLUMNS "idx, kind, source, subject, eff_from, eff_to, collected," \
	" attrs, commitment, payload_size, erased, leaf, leaf_hash"

static char *column_strdup(sqlite3_stmt *st, int col, size_t *len)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, t ? (const char *)t : "", n);
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}

static int row_to_entry(struct store *s, sqlite3_stmt *st, struct entry *e)
{
	memset(e, 0, sizeof(*e));
	e->index = (uint64_t)sqlite3_column_int64(st, 0);
	snprintf(e->kind, sizeof(e->kind), "%s", (const char *)sqlite3_column_text(st, 1));
	/* A release 0.1.0 placeholder reads as TIME_UNKNOWN, not as an error:
	 * such a store stays readable. */
	if (entry_time_parse(&e->eff_from, (const char *)sqlite3_column_text(st, 4)) ||
	    entry_time_parse(&e->eff_to, (const char *)sqlite3_column_text(st, 5)) ||
	    entry_time_parse(&e->collected, (const char *)sqlite3_column_text(st, 6)))
		return err_set(ERR_DB, "entry %" PRIu64 " in '%s' has a malformed time",
			       e->index, s->dir);
	if (sqlite3_column_bytes(st, 8) == 32)
		memcpy(e->commitment, sqlite3_column_blob(st, 8), 32);
	e->payload_size = (uint64_t)sqlite3_column_int64(st, 9);
	e->erased = sqlite3_column_int(st, 10) != 0;
	if (sqlite3_column_bytes(st, 12) == MERKLE_HASH)
		memcpy(e->leaf_hash, sqlite3_column_blob(st, 12), MERKLE_HASH);
	if (!(e->source = column_strdup(st, 2, NULL)) ||
	    !(e->subject = column_strdup(st, 3, NULL)) ||
	    !(e->attrs = column_strdup(st, 7, &e->attrs_len)) ||
	    !(e->leaf = column_strdup(st, 11, &e->leaf_len))) {
		entry_free(e);
		return err_nomem();
	}
	return 0;
}

int store_get_entry(struct store *s, uint64_t index, struct entry *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(s, &st, "SELECT " ENTRY_COLUMNS " FROM entries WHERE idx=?")))
		return rc;
	if ((rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)index))) {
		sqlite3_finalize(st);
		return store_bind_error(s, rc);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = row_to_entry(s, st, out);
	else if (rc == SQLITE_DONE)
		rc = err_set(ERR_NOTFOUND, "no entry %" PRIu64 " in the store", index);
	else
		rc = store_db_error(s, "cannot read");
	sqlite3_finalize(st);
	return rc;
}

int store_each(struct store *s, const struct store_filter *f,
	       int (*fn)(const struct entry *e, void *arg), void *arg)
{
	char since[RFC3339_LEN] = "";
	sqlite3_stmt *st = NULL;
	struct entry e;
	int rc, step;

	if (f->since != INT64_MIN)
		time_format(since, f->since);
	if ((rc = store_prepare(s, &st, "SELECT " ENTRY_COLUMNS " FROM entries"
				" WHERE (?1 IS NULL OR kind=?1) AND (?2 IS NULL OR source=?2)"
				" AND (?3 = '' OR collected >= ?3) ORDER BY idx")))
		return rc;
	if ((f->kind && (rc = sqlite3_bind_text(st, 1, f->kind, -1, SQLITE_STATIC))) ||
	    (f->source && (rc = sqlite3_bind_text(st, 2, f->source, -1, SQLITE_STATIC))) ||
	    (rc = sqlite3_bind_text(st, 3, since, -1, SQLITE_STATIC))) {
		sqlite3_finalize(st);
		return store_bind_error(s, rc);
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = row_to_entry(s, st, &e)))
			break;
		rc = fn(&e, arg);
		entry_free(&e);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = store_db_error(s, "cannot read");
	sqlite3_finalize(st);
	return rc;
}

int store_checkpoint(struct store *s, struct buf *note, struct checkpoint *cp)
{
	sqlite3_stmt *st = NULL;
	struct note n;
	int rc;

	if ((rc = store_prepare(s, &st, "SELECT note FROM checkpoints ORDER BY seq DESC LIMIT 1")))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return err_set(ERR_DB, "store '%s' has no checkpoint", s->dir);
	}
	rc = buf_append(note, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (cp && ((rc = note_parse(&n, note->data, note->len)) ||
		   (rc = checkpoint_parse(cp, n.text, n.text_len))))
		return err_wrap(rc, "latest checkpoint of '%s'", s->dir);
	return 0;
}

int store_leaf_hashes(struct store *s, merkle_hash **out, uint64_t *n)
{
	sqlite3_stmt *st = NULL;
	merkle_hash *h = NULL;
	uint64_t count, i = 0;
	int rc, step;

	*out = NULL;
	*n = 0;
	if ((rc = store_size(s, &count)))
		return rc;
	if (count && !(h = calloc(count, sizeof(*h))))
		return err_nomem();
	if ((rc = store_prepare(s, &st, "SELECT idx, leaf_hash FROM entries ORDER BY idx")))
		goto fail;
	while ((step = sqlite3_step(st)) == SQLITE_ROW && i < count) {
		if ((uint64_t)sqlite3_column_int64(st, 0) != i ||
		    sqlite3_column_bytes(st, 1) != MERKLE_HASH) {
			rc = err_set(ERR_DB, "entry %" PRIu64 " is missing or damaged; "
				     "run 'auditpack verify'", i);
			goto fail;
		}
		memcpy(h[i++], sqlite3_column_blob(st, 1), MERKLE_HASH);
	}
	if (step != SQLITE_DONE && step != SQLITE_ROW) {
		rc = store_db_error(s, "cannot read");
		goto fail;
	}
	sqlite3_finalize(st);
	*out = h;
	*n = i;
	return 0;
fail:
	sqlite3_finalize(st);
	free(h);
	return rc;
}

/* The tlog-proof text of one entry, given the tree and the checkpoint. */
static int format_proof(struct buf *out, const struct merkle_tree *t,
			const struct checkpoint *cp, const struct buf *note, uint64_t index)
{
	merkle_hash proof[MERKLE_MAX_PROOF];
	char b64[B64_LEN(MERKLE_HASH)];
	size_t np;
	int rc;

	if (index >= cp->size)
		return err_set(ERR_NOTFOUND, "entry %" PRIu64 " is not in the latest "
			       "checkpoint (tree size %" PRIu64 ")", index, cp->size);
	if ((rc = merkle_inclusion_proof(proof, &np, t, cp->size, index)) ||
	    (rc = buf_printf(out, "c2sp.org/tlog-proof@v1\nindex %" PRIu64 "\n", index)))
		return rc;
	for (size_t i = 0; i < np; i++) {
		b64_encode(b64, proof[i], MERKLE_HASH);
		if ((rc = buf_printf(out, "%s\n", b64)))
			return rc;
	}
	if ((rc = buf_puts(out, "\n")))
		return rc;
	return buf_append(out, note->data, note->len);
}

int store_proofs(struct store *s, const uint64_t *indices, size_t n,
		 int (*fn)(uint64_t index, const struct buf *proof, void *arg), void *arg)
{
	merkle_hash *leaves = NULL;
	struct merkle_tree t = { 0 };
	struct buf note = BUF_INIT, one = BUF_INIT;
	struct checkpoint cp;
	uint64_t count;
	int rc;

	/* The checkpoint and the leaves from one snapshot: a collect committing
	 * between the two reads cannot pair a proof with the wrong tree. */
	if ((rc = store_read_begin(s)))
		return rc;
	if ((rc = store_checkpoint(s, &note, &cp)) || (rc = store_leaf_hashes(s, &leaves, &count)))
		goto out;
	if (count < cp.size) {
		rc = err_set(ERR_DB, "the store has %" PRIu64 " entries but its checkpoint "
			     "claims %" PRIu64 "; run 'auditpack verify'", count, cp.size);
		goto out;
	}
	if ((rc = merkle_tree_init(&t, (const merkle_hash *)leaves, cp.size)))
		goto out;
	for (size_t i = 0; i < n && !rc; i++) {
		buf_reset(&one);
		if (!(rc = format_proof(&one, &t, &cp, &note, indices[i])))
			rc = fn(indices[i], &one, arg);
	}
out:
	store_read_end(s);
	merkle_tree_free(&t);
	free(leaves);
	buf_free(&note);
	buf_free(&one);
	return rc;
}

static int copy_proof(uint64_t index, const struct buf *proof, void *arg)
{
	(void)index;
	return buf_append(arg, proof->data, proof->len);
}

int store_proof(struct store *s, uint64_t index, struct buf *out)
{
	return store_proofs(s, &index, 1, copy_proof, out);
}

int store_get_salt(struct store *s, uint64_t index, uint8_t *salt, bool *present)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*present = false;
	if ((rc = store_prepare(s, &st, "SELECT salt FROM entries WHERE idx=?")))
		return rc;
	if ((rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)index))) {
		sqlite3_finalize(st);
		return store_bind_error(s, rc);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = 0;
		if (sqlite3_column_bytes(st, 0) == ENTRY_SALT_LEN) {
			memcpy(salt, sqlite3_column_blob(st, 0), ENTRY_SALT_LEN);
			*present = true;
		}
	} else {
		rc = rc == SQLITE_DONE ? err_set(ERR_NOTFOUND, "no entry %" PRIu64, index)
				       : store_db_error(s, "cannot read");
	}
	sqlite3_finalize(st);
	return rc;
}

/* --- cursors --- */

int store_cursor_get(struct store *s, const char *source, const char *key,
		     struct buf *out, bool *found)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*found = false;
	if ((rc = store_prepare_cached(s, &s->get_cursor,
				       "SELECT state FROM cursors WHERE source=? AND path=?")))
		return rc;
	st = s->get_cursor;
	if ((rc = sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC))) {
		sqlite3_reset(st);
		return store_bind_error(s, rc);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = true;
		rc = buf_append(out, sqlite3_column_text(st, 0),
				(size_t)sqlite3_column_bytes(st, 0));
	} else {
		rc = rc == SQLITE_DONE ? 0 : store_db_error(s, "cannot read a cursor");
	}
	sqlite3_reset(st);
	return rc;
}

int store_cursor_put(struct store *s, const char *source, const char *key,
		     const char *state, size_t len)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!s->in_txn)
		return err_set(ERR_USAGE, "store_cursor_put outside a transaction");
	if ((rc = store_prepare_cached(s, &s->put_cursor, "INSERT OR REPLACE INTO cursors(source,"
				       " path, state) VALUES(?, ?, ?)")))
		return rc;
	st = s->put_cursor;
	if ((rc = sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_text64(st, 3, state, len, SQLITE_STATIC, SQLITE_UTF8)))
		rc = store_bind_error(s, rc);
	else
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_error(s, "cannot write a cursor");
	sqlite3_reset(st);
	return rc;
}

int store_cursor_delete(struct store *s, const char *source, const char *key)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!s->in_txn)
		return err_set(ERR_USAGE, "store_cursor_delete outside a transaction");
	if ((rc = store_prepare(s, &st, "DELETE FROM cursors WHERE source=? AND path=?")))
		return rc;
	if ((rc = sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC)))
		rc = store_bind_error(s, rc);
	else
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_error(s, "cannot write a cursor");
	sqlite3_finalize(st);
	return rc;
}

int store_cursor_each(struct store *s, const char *source,
		      int (*fn)(const char *key, const char *state, void *arg),
		      void *arg)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	if ((rc = store_prepare(s, &st, "SELECT path, state FROM cursors WHERE source=?"
				" ORDER BY path")))
		return rc;
	if ((rc = sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC))) {
		sqlite3_finalize(st);
		return store_bind_error(s, rc);
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = fn((const char *)sqlite3_column_text(st, 0),
			     (const char *)sqlite3_column_text(st, 1), arg)))
			break;
	if (!rc && step != SQLITE_DONE)
		rc = store_db_error(s, "cannot read cursors");
	sqlite3_finalize(st);
	return rc;
}

int store_cursor_forget_if(struct store *s,
			   bool (*match)(const char *state, size_t len, void *arg),
			   void *arg, size_t *forgotten)
{
	sqlite3_stmt *st = NULL;
	struct buf keys = BUF_INIT; /* "source\0path\0" of each match */
	int rc, step;

	*forgotten = 0;
	if ((rc = store_prepare(s, &st, "SELECT source, path, state FROM cursors")))
		return rc;
	/* Found first, deleted after: rows deleted under a running SELECT may be
	 * skipped by it. */
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *src = (const char *)sqlite3_column_text(st, 0);
		const char *path = (const char *)sqlite3_column_text(st, 1);

		if (match((const char *)sqlite3_column_blob(st, 2),
			  (size_t)sqlite3_column_bytes(st, 2), arg) &&
		    ((rc = buf_append(&keys, src, strlen(src) + 1)) ||
		     (rc = buf_append(&keys, path, strlen(path) + 1))))
			goto out;
	}
	if (step != SQLITE_DONE) {
		rc = store_db_error(s, "cannot read cursors");
		goto out;
	}
	for (const char *k = keys.data; k && k < keys.data + keys.len; (*forgotten)++) {
		const char *path = k + strlen(k) + 1;

		if ((rc = store_cursor_delete(s, k, path)))
			goto out;
		k = path + strlen(path) + 1;
	}
out:
	sqlite3_finalize(st);
	buf_free(&keys);
	return rc;
}
