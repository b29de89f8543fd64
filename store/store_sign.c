/*
 * store_sign.c - the tree state kept between appends, signed checkpoints,
 * the store's signing keys (creation, rotation, lookup) and its HMAC secret.
 */
#include "store_internal.h"
#include "../common/array.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/sign.h"
#include "../common/timeutil.h"
#include "witness.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

static int key_path(char *out, size_t cap, const char *dir, uint32_t id)
{
	int n = snprintf(out, cap, "%s/keys/%08" PRIx32 ".key", dir, id);

	if (n < 0 || (size_t)n >= cap)
		return err_set(ERR_LIMIT, "store path too long: '%s'", dir);
	return 0;
}

/* --- tree state and checkpoints --- */

/* Rebuild the tree state from the leaf hashes, O(n). */
static int rebuild_acc(struct store *s)
{
	merkle_hash *leaves = NULL;
	uint64_t n;
	int rc;

	memset(&s->acc, 0, sizeof(s->acc));
	if ((rc = store_leaf_hashes(s, &leaves, &n)))
		return rc;
	for (uint64_t i = 0; i < n && !rc; i++)
		rc = merkle_acc_push(&s->acc, leaves[i]);
	free(leaves);
	return rc;
}

/*
 * The tree state is a cache that saves reading every leaf hash on each
 * append; when it disagrees with the entries (edited by hand, or an older
 * copy restored) it is rebuilt from them rather than trusted.
 */
int store_load_acc(struct store *s)
{
	sqlite3_stmt *st = NULL;
	const uint8_t *p;
	uint64_t count;
	int rc, n;

	memset(&s->acc, 0, sizeof(s->acc));
	if ((rc = store_size(s, &count)) ||
	    (rc = store_prepare(s, &st, "SELECT value FROM meta WHERE key='tree'")))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		p = sqlite3_column_blob(st, 0);
		n = sqlite3_column_bytes(st, 0);
		if (n >= 8 && (n - 8) % MERKLE_HASH == 0 &&
		    (n - 8) / MERKLE_HASH <= MERKLE_MAX_PROOF) {
			for (int i = 0; i < 8; i++)
				s->acc.size = s->acc.size << 8 | p[i];
			s->acc.depth = (n - 8) / MERKLE_HASH;
			memcpy(s->acc.stack, p + 8, (size_t)(n - 8));
		}
	}
	sqlite3_finalize(st);
	if (s->acc.size != count || s->acc.depth != __builtin_popcountll(count))
		return rebuild_acc(s);
	return 0;
}

static int save_acc(struct store *s)
{
	uint8_t blob[8 + MERKLE_MAX_PROOF * MERKLE_HASH];
	size_t n = 8 + (size_t)s->acc.depth * MERKLE_HASH;
	sqlite3_stmt *st = NULL;
	int rc;

	for (int i = 0; i < 8; i++)
		blob[i] = (uint8_t)(s->acc.size >> (56 - 8 * i));
	memcpy(blob + 8, s->acc.stack, n - 8);
	if ((rc = store_prepare(s, &st, "INSERT OR REPLACE INTO meta(key, value) "
				"VALUES('tree', ?)")))
		return rc;
	if ((rc = sqlite3_bind_blob(st, 1, blob, (int)n, SQLITE_TRANSIENT)))
		rc = store_bind_error(s, rc);
	else
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_error(s, "cannot write");
	sqlite3_finalize(st);
	return rc;
}

static int active_key_id(struct store *s, uint32_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(s, &st, "SELECT key_id FROM keys WHERE active=1")))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = err_set(ERR_DB, "store '%s' has no active signing key", s->dir);
	else
		*out = (uint32_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc;
}

static int load_signer(struct store *s)
{
	char path[PATH_MAX];
	uint8_t pub[NOTE_PUBKEY], want[NOTE_PUBKEY];
	uint32_t id;
	int rc;

	if (s->signer)
		return 0;
	if ((rc = active_key_id(s, &id)) || (rc = key_path(path, sizeof(path), s->dir, id)) ||
	    (rc = keys_load_private(&s->signer, path, s->pass)))
		return rc;
	if ((rc = ed25519_raw_public(pub, s->signer)) ||
	    (rc = store_key_lookup(s, id, want)))
		return rc;
	if (memcmp(pub, want, NOTE_PUBKEY))
		return err_set(ERR_CRYPTO, "signing key '%s' does not match the store's "
			       "active public key", path);
	s->signer_id = id;
	return 0;
}

/* Sign the current tree state and record the checkpoint. */
int store_sign_checkpoint(struct store *s)
{
	struct checkpoint cp;
	struct buf text = BUF_INIT, note = BUF_INIT;
	char now[RFC3339_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = load_signer(s)))
		return rc;
	snprintf(cp.origin, sizeof(cp.origin), "%s", s->origin);
	cp.size = s->acc.size;
	if ((rc = merkle_acc_root(&s->acc, cp.root)) ||
	    (*s->witness && (rc = witness_check(s->witness, &cp))) ||
	    (rc = checkpoint_format(&text, &cp)) ||
	    (rc = note_sign(&note, text.data, text.len, s->origin, s->signer)))
		goto out;
	time_format(now, time_now());
	if ((rc = store_prepare(s, &st, "INSERT INTO checkpoints(size, key_id, note, "
				"created) VALUES(?, ?, ?, ?)")))
		goto out;
	if ((rc = sqlite3_bind_int64(st, 1, (sqlite3_int64)cp.size)) ||
	    (rc = sqlite3_bind_int64(st, 2, s->signer_id)) ||
	    (rc = sqlite3_bind_text(st, 3, note.data, (int)note.len, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC)))
		rc = store_bind_error(s, rc);
	else if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_db_error(s, "cannot write the checkpoint");
	else
		rc = save_acc(s);
	if (!rc) {
		buf_free(&s->signed_note);
		s->signed_note = note;
		s->signed_cp = cp;
		note = (struct buf)BUF_INIT;
	}
out:
	sqlite3_finalize(st);
	buf_free(&text);
	buf_free(&note);
	return rc;
}

int store_sign(struct store *s, const void *msg, size_t len, uint8_t sig[NOTE_SIG],
	       uint32_t *key_id)
{
	int rc;

	if ((rc = load_signer(s)) || (rc = sign_ed25519(sig, s->signer, msg, len)))
		return rc;
	*key_id = s->signer_id;
	return 0;
}

static int insert_key(struct store *s, EVP_PKEY *key, uint32_t *id_out)
{
	uint8_t pub[NOTE_PUBKEY];
	char now[RFC3339_LEN];
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ed25519_raw_public(pub, key)))
		return rc;
	*id_out = note_key_id(s->origin, pub);
	time_format(now, time_now());
	if ((rc = store_exec(s, "UPDATE keys SET active=0", "cannot write")) ||
	    (rc = store_prepare(s, &st, "INSERT INTO keys(key_id, pub, active, created) "
				"VALUES(?, ?, 1, ?)")))
		return rc;
	if ((rc = sqlite3_bind_int64(st, 1, *id_out)) ||
	    (rc = sqlite3_bind_blob(st, 2, pub, NOTE_PUBKEY, SQLITE_STATIC)) ||
	    (rc = sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC)))
		rc = store_bind_error(s, rc);
	else
		rc = sqlite3_step(st) == SQLITE_DONE ? 0
			: store_db_error(s, "cannot record the new key (a key id collision?)");
	sqlite3_finalize(st);
	return rc;
}

/* Write a new key file and make it the active key (inside a transaction). */
int store_new_signing_key(struct store *s, const struct passphrase *pass,
			   uint32_t *id_out)
{
	char path[PATH_MAX];
	EVP_PKEY *key = NULL;
	int rc;

	if ((rc = keys_generate(&key)) || (rc = insert_key(s, key, id_out)) ||
	    (rc = key_path(path, sizeof(path), s->dir, *id_out)) ||
	    (rc = keys_save_private(path, key, pass))) {
		EVP_PKEY_free(key);
		return rc;
	}
	EVP_PKEY_free(s->signer);
	s->signer = key;
	s->signer_id = *id_out;
	return 0;
}

/* --- the HMAC secret --- */

static int secret_path(char *out, size_t cap, const char *dir)
{
	int n = snprintf(out, cap, "%s/keys/hmac.secret", dir);

	return n < 0 || (size_t)n >= cap ? err_set(ERR_LIMIT, "store path too long") : 0;
}

int store_create_secret(const char *dir)
{
	uint8_t secret[STORE_SECRET_LEN];
	char path[PATH_MAX];
	int rc;

	if ((rc = secret_path(path, sizeof(path), dir)))
		return rc;
	if (RAND_priv_bytes(secret, sizeof(secret)) != 1)
		return err_set_openssl(ERR_CRYPTO, "cannot draw the store secret");
	rc = fs_write_new(path, secret, sizeof(secret), 0600);
	OPENSSL_cleanse(secret, sizeof(secret));
	return rc;
}

int store_secret(struct store *s, uint8_t out[STORE_SECRET_LEN])
{
	struct buf b = BUF_INIT;
	char path[PATH_MAX];
	struct stat st;
	int rc;

	if ((rc = secret_path(path, sizeof(path), s->dir)))
		return rc;
	/* Stores made before the secret existed get one on first use. */
	if (lstat(path, &st) < 0 && errno == ENOENT && (rc = store_create_secret(s->dir)) &&
	    rc != ERR_EXISTS)
		return rc;
	if (lstat(path, &st) < 0)
		return err_set(ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077))
		return err_set(ERR_CRYPTO, "store secret '%s' must be a regular file "
			       "with mode 0600", path);
	if ((rc = fs_read_file(&b, path, 1024, NULL)))
		goto out;
	if (b.len != STORE_SECRET_LEN) {
		rc = err_set(ERR_CRYPTO, "store secret '%s' is damaged (%zu bytes)", path, b.len);
		goto out;
	}
	memcpy(out, b.data, STORE_SECRET_LEN);
out:
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	buf_free(&b);
	return rc;
}

/* --- keys --- */

int store_key_lookup(struct store *s, uint32_t key_id, uint8_t pub[NOTE_PUBKEY])
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(s, &st, "SELECT pub FROM keys WHERE key_id=?")))
		return rc;
	if ((rc = sqlite3_bind_int64(st, 1, key_id)))
		rc = store_bind_error(s, rc);
	else if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == NOTE_PUBKEY)
		memcpy(pub, sqlite3_column_blob(st, 0), NOTE_PUBKEY);
	else
		rc = err_set(ERR_NOTFOUND, "no key %08" PRIx32 " in the store", key_id);
	sqlite3_finalize(st);
	return rc;
}

int store_keys(struct store *s, struct store_key **out, size_t *n)
{
	struct store_key *k = NULL;
	sqlite3_stmt *st = NULL;
	size_t cnt = 0, cap = 0;
	int rc, step;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, &st, "SELECT key_id, pub, active, created FROM keys "
				"ORDER BY seq")))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = array_grow(&k, cnt, &cap, sizeof(*k)))) {
			free(k);
			sqlite3_finalize(st);
			return rc;
		}
		memset(&k[cnt], 0, sizeof(k[cnt]));
		k[cnt].key_id = (uint32_t)sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == NOTE_PUBKEY)
			memcpy(k[cnt].pub, sqlite3_column_blob(st, 1), NOTE_PUBKEY);
		k[cnt].active = sqlite3_column_int(st, 2) != 0;
		snprintf(k[cnt].created, sizeof(k[cnt].created), "%s",
			 (const char *)sqlite3_column_text(st, 3));
		cnt++;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		free(k);
		return store_db_error(s, "cannot read the keys");
	}
	*out = k;
	*n = cnt;
	return 0;
}

int store_key_rotate(struct store *s, const struct passphrase *newpass,
		     uint32_t *new_id)
{
	char oldpath[PATH_MAX], newpath[PATH_MAX];
	uint32_t old_id;
	int rc;

	if ((rc = store_begin(s)))
		return rc;
	if ((rc = active_key_id(s, &old_id)) ||
	    (rc = key_path(oldpath, sizeof(oldpath), s->dir, old_id)) ||
	    (rc = store_new_signing_key(s, newpass, new_id)) ||
	    (rc = key_path(newpath, sizeof(newpath), s->dir, *new_id)))
		goto fail;
	if ((rc = store_commit(s))) {
		unlink(newpath);
		return rc;
	}
	/* The old private key signs nothing any more; its public half stays in
	 * the keys table so its checkpoints still verify. */
	unlink(oldpath);
	return 0;
fail:
	store_rollback(s);
	return rc;
}
