#include "store_internal.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/hash.h"
#include "../common/sign.h"
#include "../common/timeutil.h"
#include "witness.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#define DB_NAME "evidence.db"
/* 1: release 0.1.0 and later; 2: payloads.encoding (store/payload.c).  A
 * writer upgrades 1 to 2 when it opens the store; readers read both. */
#define SCHEMA_VERSION 2
#define SCHEMA_VERSION_MIN 1

static const char schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
	"CREATE TABLE keys(seq INTEGER PRIMARY KEY, key_id INTEGER NOT NULL UNIQUE,"
	" pub BLOB NOT NULL, active INTEGER NOT NULL, created TEXT NOT NULL);"
	"CREATE TABLE payloads(id INTEGER PRIMARY KEY, sha256 BLOB NOT NULL UNIQUE,"
	" data BLOB NOT NULL, encoding INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE entries(idx INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
	" source TEXT NOT NULL, subject TEXT NOT NULL, eff_from TEXT NOT NULL,"
	" eff_to TEXT NOT NULL, collected TEXT NOT NULL, attrs TEXT NOT NULL,"
	" commitment BLOB NOT NULL, payload_size INTEGER NOT NULL,"
	" payload_id INTEGER REFERENCES payloads(id), salt BLOB,"
	" erased INTEGER NOT NULL DEFAULT 0, leaf TEXT NOT NULL,"
	" leaf_hash BLOB NOT NULL);"
	"CREATE INDEX entries_kind ON entries(kind, idx);"
	"CREATE INDEX entries_source ON entries(source, idx);"
	"CREATE TABLE checkpoints(seq INTEGER PRIMARY KEY, size INTEGER NOT NULL,"
	" key_id INTEGER NOT NULL, note TEXT NOT NULL, created TEXT NOT NULL);"
	/* Collector cursors: committed with the entries they produced. */
	"CREATE TABLE cursors(source TEXT NOT NULL, path TEXT NOT NULL,"
	" state TEXT NOT NULL, PRIMARY KEY(source, path)) WITHOUT ROWID;";

int store_db_error(struct store *s, const char *what)
{
	return err_set(ERR_DB, "%s: store database '%s/" DB_NAME "': %s", what,
		       s->dir, sqlite3_errmsg(s->db));
}

/*
 * A failed sqlite3_bind_* (a value over SQLite's length limit, no memory)
 * leaves the parameter NULL: say so here rather than let a NOT NULL
 * constraint, or a silently wrong row, report it later.
 */
int store_bind_error(struct store *s, int code)
{
	return err_set(code == SQLITE_TOOBIG ? ERR_LIMIT : code == SQLITE_NOMEM ? ERR_NOMEM
		       : ERR_DB, "cannot pass a value to the store database '%s/" DB_NAME
		       "': %s", s->dir, sqlite3_errstr(code));
}

int store_prepare(struct store *s, sqlite3_stmt **out, const char *sql)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, out, NULL) != SQLITE_OK)
		return store_db_error(s, "cannot read");
	return 0;
}

int store_prepare_cached(struct store *s, sqlite3_stmt **cache, const char *sql)
{
	if (*cache) {
		sqlite3_reset(*cache);
		sqlite3_clear_bindings(*cache);
		return 0;
	}
	return store_prepare(s, cache, sql);
}

static int exec(struct store *s, const char *sql, const char *what)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_db_error(s, what);
	return 0;
}

const char *store_dir(const struct store *s)
{
	return s->dir;
}

const char *store_origin(const struct store *s)
{
	return s->origin;
}

static int key_path(char *out, size_t cap, const char *dir, uint32_t id)
{
	int n = snprintf(out, cap, "%s/keys/%08" PRIx32 ".key", dir, id);

	if (n < 0 || (size_t)n >= cap)
		return err_set(ERR_LIMIT, "store path too long: '%s'", dir);
	return 0;
}

static int create_secret(const char *dir);

/* --- opening --- */

static int take_lock(struct store *s, int wait_seconds)
{
	char path[PATH_MAX];
	struct timespec nap = { 0, 100 * 1000 * 1000 }, t0, t;
	int rc;

	if ((rc = fs_join(path, sizeof(path), s->dir, "lock")))
		return rc;
	s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s->lock_fd < 0)
		return err_set(ERR_IO, "cannot open lock '%s': %s", path, strerror(errno));
	/* A monotonic clock to the millisecond: whole seconds of time() gave
	 * up after 1.1 s of a 2 s wait. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return err_set(ERR_IO, "cannot lock '%s': %s", path, strerror(errno));
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((int64_t)(t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >=
		    (int64_t)wait_seconds * 1000)
			return err_set(ERR_LOCKED, "the store '%s' is in use by another run "
				       "(waited %d s; see --wait)", s->dir, wait_seconds);
		nanosleep(&nap, NULL);
	}
	return 0;
}

/*
 * A reader opens the database read-only, so an auditor's copy without write
 * access (chmod -R a-w, a read-only mount) can be verified, listed and
 * packed.  SQLite needs the -shm file of a WAL database, or the right to
 * create it; when neither is there (the directory is not writable and no
 * run left a -wal behind), the file cannot change under us and is opened
 * as immutable.
 */
static int open_db_readonly(struct store *s, const char *path)
{
	char uri[PATH_MAX * 3 + 32], wal[PATH_MAX + 8];
	size_t k = 0;
	bool immutable;

	snprintf(wal, sizeof(wal), "%s-wal", path);
	immutable = access(s->dir, W_OK) < 0 && access(wal, F_OK) < 0;
	if (!immutable) {
		if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW,
				    NULL) != SQLITE_OK)
			return store_db_error(s, "cannot open");
		return 0;
	}
	/* file: URI, the path percent-encoded where it must be. */
	k = (size_t)snprintf(uri, sizeof(uri), "file:");
	for (const char *p = path; *p && k + 4 < sizeof(uri); p++) {
		if (*p == '?' || *p == '#' || *p == '%' || (unsigned char)*p < 0x21 ||
		    (unsigned char)*p >= 0x7f)
			k += (size_t)snprintf(uri + k, sizeof(uri) - k, "%%%02X", (unsigned char)*p);
		else
			uri[k++] = *p;
	}
	if (snprintf(uri + k, sizeof(uri) - k, "?immutable=1") >= (int)(sizeof(uri) - k))
		return err_set(ERR_LIMIT, "store path too long");
	if (sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW |
			    SQLITE_OPEN_URI, NULL) != SQLITE_OK)
		return store_db_error(s, "cannot open");
	return 0;
}

/*
 * A statement inside a write transaction keeps the pages it changes in a
 * statement journal (for an ABORT on a UNIQUE or foreign key), which SQLite
 * writes to a temporary file once it exceeds 64 KiB: four of our 16 KiB
 * pages, so every document collected wrote its statements' pages to
 * /var/tmp, 40 KB of writes for a 2 KiB document.  Kept in memory up to
 * STMT_JOURNAL_SPILL instead (only a statement that changes more spills).
 */
#define STMT_JOURNAL_SPILL (4 << 20)

static void sqlite_setup(void)
{
	/* SQLITE_MISUSE if SQLite is already initialised: the default then. */
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, STMT_JOURNAL_SPILL);
}

static int open_db(struct store *s, bool create)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	char path[PATH_MAX];
	/* FULLMUTEX: pack reads payloads from several threads (pack_deflate.c). */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_FULLMUTEX;
	int rc;

	pthread_once(&once, sqlite_setup);
	if ((rc = fs_join(path, sizeof(path), s->dir, DB_NAME)))
		return rc;
	if (!create && access(path, F_OK) < 0)
		return err_set(ERR_IO, "no evidence store at '%s' (run 'auditpack init' "
			       "or give --store DIR)", s->dir);
	if (!create && s->mode == STORE_READ) {
		if ((rc = open_db_readonly(s, path)))
			return rc;
		sqlite3_busy_timeout(s->db, 60000);
		sqlite3_extended_result_codes(s->db, 1);
		return 0;
	}
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK)
		return store_db_error(s, "cannot open");
	/* SQLite gives the -wal and -shm files the database file's mode. */
	if (create && chmod(path, 0600) < 0)
		return err_set(ERR_IO, "cannot set mode 0600 on '%s': %s", path,
			       strerror(errno));
	sqlite3_busy_timeout(s->db, 60000);
	sqlite3_extended_result_codes(s->db, 1);
	/* Payloads of a few KiB would each take a whole 4 KiB page. */
	if (create && (rc = exec(s, "PRAGMA page_size=16384", "cannot create")))
		return rc;
	/* secure_delete: freed cells and pages are zeroed, so a value that was
	 * in an old cursor state or an erased payload is not left behind. */
	if ((rc = exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		       " PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;", "cannot open")))
		return rc;
	/* A writer's page cache: 16 MiB, not SQLite's 2 MiB, which a
	 * transaction of many small entries spills to the WAL and reads back
	 * (the payload digest index is written at random). */
	if ((rc = exec(s, "PRAGMA cache_size=-16384", "cannot open")))
		return rc;
	return 0;
}

static int read_meta(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int rc, version;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_db_error(s, "cannot read");
	}
	version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version < SCHEMA_VERSION_MIN || version > SCHEMA_VERSION)
		return err_set(ERR_DB, "store database '%s/" DB_NAME "' has schema "
			       "version %d; this auditpack reads versions %d to %d",
			       s->dir, version, SCHEMA_VERSION_MIN, SCHEMA_VERSION);
	s->payload_encoding = version >= 2;
	if ((rc = store_prepare(s, &st, "SELECT value FROM meta WHERE key='origin'")))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return err_set(ERR_DB, "store database '%s/" DB_NAME "' has no origin", s->dir);
	}
	snprintf(s->origin, sizeof(s->origin), "%s",
		 (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return 0;
}

int store_open(struct store **out, const struct store_opts *o,
	       enum store_mode mode)
{
	struct store *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (!s)
		return err_set(ERR_NOMEM, "out of memory");
	s->lock_fd = -1;
	s->mode = mode;
	s->pass = o->pass;
	if (snprintf(s->dir, sizeof(s->dir), "%s", o->dir) >= (int)sizeof(s->dir)) {
		rc = err_set(ERR_LIMIT, "store path too long");
		goto fail;
	}
	if (o->witness && snprintf(s->witness, sizeof(s->witness), "%s", o->witness) >=
	    (int)sizeof(s->witness)) {
		rc = err_set(ERR_LIMIT, "witness path too long");
		goto fail;
	}
	if (mode == STORE_WRITE) {
		struct stat st;

		if (stat(s->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			rc = err_set(ERR_IO, "no evidence store at '%s' (run 'auditpack "
				     "init' or give --store DIR)", s->dir);
			goto fail;
		}
		if ((rc = take_lock(s, o->wait_seconds)))
			goto fail;
	}
	if ((rc = open_db(s, false)) || (rc = read_meta(s)) ||
	    (mode == STORE_WRITE && (rc = payload_migrate(s))))
		goto fail;
	*out = s;
	return 0;
fail:
	store_close(s);
	return rc;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	if (s->in_txn)
		store_rollback(s);
	if (s->read_depth) {
		s->read_depth = 1;
		store_read_end(s);
	}
	OPENSSL_cleanse(s->salts, sizeof(s->salts));
	sqlite3_finalize(s->put_payload);
	sqlite3_finalize(s->put_entry);
	sqlite3_finalize(s->get_cursor);
	sqlite3_finalize(s->put_cursor);
	sqlite3_finalize(s->get_payload_id);
	payload_free(s);
	sqlite3_close_v2(s->db);
	EVP_PKEY_free(s->signer);
	buf_free(&s->signed_note);
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* releases the flock */
	free(s);
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
static int load_acc(struct store *s)
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
static int sign_checkpoint(struct store *s)
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

/* --- creating --- */

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
	if ((rc = exec(s, "UPDATE keys SET active=0", "cannot write")) ||
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
static int new_signing_key(struct store *s, const struct passphrase *pass,
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

static int make_dirs(const char *dir)
{
	char keys[PATH_MAX];
	int rc;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_set(ERR_IO, "cannot create '%s': %s", dir, strerror(errno));
	if (chmod(dir, 0700) < 0)
		return err_set(ERR_IO, "cannot set mode 0700 on '%s': %s", dir, strerror(errno));
	if ((rc = fs_join(keys, sizeof(keys), dir, "keys")))
		return rc;
	if (mkdir(keys, 0700) < 0 && errno != EEXIST)
		return err_set(ERR_IO, "cannot create '%s': %s", keys, strerror(errno));
	return 0;
}

int store_init(const struct store_opts *o, const char *origin,
	       const char *config_template)
{
	char path[PATH_MAX];
	struct store *s = NULL;
	uint32_t id;
	int rc;

	if (!note_name_valid(origin))
		return err_set(ERR_USAGE, "origin '%s' must be non-empty with no spaces "
			       "or '+'", origin);
	if ((rc = fs_join(path, sizeof(path), o->dir, DB_NAME)))
		return rc;
	if (access(path, F_OK) == 0)
		return err_set(ERR_EXISTS, "a store already exists at '%s'; "
			       "refusing to overwrite it", o->dir);
	if ((rc = make_dirs(o->dir)))
		return rc;
	if (!(s = calloc(1, sizeof(*s))))
		return err_set(ERR_NOMEM, "out of memory");
	s->lock_fd = -1;
	s->mode = STORE_WRITE;
	snprintf(s->dir, sizeof(s->dir), "%s", o->dir);
	snprintf(s->origin, sizeof(s->origin), "%s", origin);
	if ((rc = take_lock(s, o->wait_seconds)) || (rc = open_db(s, true)) ||
	    (rc = exec(s, "BEGIN IMMEDIATE", "cannot write")))
		goto out;
	s->in_txn = true;
	s->payload_encoding = true;
	if ((rc = exec(s, schema_sql, "cannot create the schema")))
		goto out;
	{
		sqlite3_stmt *st = NULL;

		if ((rc = store_prepare(s, &st, "INSERT INTO meta(key, value) "
					"VALUES('origin', ?)")))
			goto out;
		if ((rc = sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC)))
			rc = store_bind_error(s, rc);
		else
			rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_error(s, "cannot write");
		sqlite3_finalize(st);
		if (rc)
			goto out;
	}
	if ((rc = exec(s, "PRAGMA user_version=2", "cannot write")) ||
	    (rc = new_signing_key(s, o->pass, &id)) || (rc = sign_checkpoint(s)))
		goto out;
	if ((rc = create_secret(o->dir)) == ERR_EXISTS)
		rc = 0;
	if (rc)
		goto out;
	if (config_template) {
		if ((rc = fs_join(path, sizeof(path), o->dir, "auditpack.yaml")))
			goto out;
		rc = fs_write_new(path, config_template, strlen(config_template), 0600);
		if (rc == ERR_EXISTS)
			rc = 0; /* keep the user's own configuration */
		if (rc)
			goto out;
	}
	rc = exec(s, "COMMIT", "cannot commit");
	s->in_txn = rc != 0;
out:
	store_close(s);
	return rc;
}

/* --- appending --- */

int store_begin(struct store *s)
{
	int rc;

	if (s->mode != STORE_WRITE)
		return err_set(ERR_USAGE, "store opened read-only");
	if (s->read_depth)
		return err_set(ERR_USAGE, "store_begin inside a read snapshot");
	if ((rc = exec(s, "BEGIN IMMEDIATE", "cannot start a transaction")))
		return rc;
	s->in_txn = true;
	if ((rc = load_acc(s))) {
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
	if ((rc = sign_checkpoint(s)) || (rc = exec(s, "COMMIT", "cannot commit"))) {
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
	return rc ? rc : exec(s, "DELETE FROM payloads WHERE id NOT IN (SELECT payload_id"
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
		return err_set(ERR_NOMEM, "out of memory");
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
		return err_set(ERR_NOMEM, "out of memory");
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

/* --- the HMAC secret --- */

static int secret_path(char *out, size_t cap, const char *dir)
{
	int n = snprintf(out, cap, "%s/keys/hmac.secret", dir);

	return n < 0 || (size_t)n >= cap ? err_set(ERR_LIMIT, "store path too long") : 0;
}

static int create_secret(const char *dir)
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
	if (lstat(path, &st) < 0 && errno == ENOENT && (rc = create_secret(s->dir)) &&
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
	struct store_key *k = NULL, *nk;
	sqlite3_stmt *st = NULL;
	size_t cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = store_prepare(s, &st, "SELECT key_id, pub, active, created FROM keys "
				"ORDER BY seq")))
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!(nk = realloc(k, (cnt + 1) * sizeof(*k)))) {
			free(k);
			sqlite3_finalize(st);
			return err_set(ERR_NOMEM, "out of memory");
		}
		k = nk;
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
	    (rc = new_signing_key(s, newpass, new_id)) ||
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
