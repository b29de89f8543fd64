/*
 * store.c - the store's database: the schema, SQL helpers shared by store/,
 * opening and closing (the lock, read-only and immutable readers), and
 * creating a store.  Appending is in store_append.c, reading in
 * store_read.c, the tree state, checkpoints, keys and secret in store_sign.c.
 */
#include "store_internal.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

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

int store_exec(struct store *s, const char *sql, const char *what)
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
	char wal[PATH_MAX + 8];
	struct buf uri = BUF_INIT;
	bool immutable;
	int rc;

	snprintf(wal, sizeof(wal), "%s-wal", path);
	immutable = access(s->dir, W_OK) < 0 && access(wal, F_OK) < 0;
	if (!immutable) {
		if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW,
				    NULL) != SQLITE_OK)
			return store_db_error(s, "cannot open");
		return 0;
	}
	/* file: URI, the path percent-encoded (SQLite decodes it). */
	if (!(rc = buf_puts(&uri, "file:")) && !(rc = uri_escape(&uri, path, "/")) &&
	    !(rc = buf_puts(&uri, "?immutable=1")) &&
	    sqlite3_open_v2(uri.data, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW |
			    SQLITE_OPEN_URI, NULL) != SQLITE_OK)
		rc = store_db_error(s, "cannot open");
	buf_free(&uri);
	return rc;
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
	if (create && (rc = store_exec(s, "PRAGMA page_size=16384", "cannot create")))
		return rc;
	/* secure_delete: freed cells and pages are zeroed, so a value that was
	 * in an old cursor state or an erased payload is not left behind. */
	if ((rc = store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		       " PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;", "cannot open")))
		return rc;
	/* A writer's page cache: 16 MiB, not SQLite's 2 MiB, which a
	 * transaction of many small entries spills to the WAL and reads back
	 * (the payload digest index is written at random). */
	if ((rc = store_exec(s, "PRAGMA cache_size=-16384", "cannot open")))
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
		return err_nomem();
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

/* --- creating --- */

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
		return err_nomem();
	s->lock_fd = -1;
	s->mode = STORE_WRITE;
	snprintf(s->dir, sizeof(s->dir), "%s", o->dir);
	snprintf(s->origin, sizeof(s->origin), "%s", origin);
	if ((rc = take_lock(s, o->wait_seconds)) || (rc = open_db(s, true)) ||
	    (rc = store_exec(s, "BEGIN IMMEDIATE", "cannot write")))
		goto out;
	s->in_txn = true;
	s->payload_encoding = true;
	if ((rc = store_exec(s, schema_sql, "cannot create the schema")))
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
	if ((rc = store_exec(s, "PRAGMA user_version=2", "cannot write")) ||
	    (rc = store_new_signing_key(s, o->pass, &id)) || (rc = store_sign_checkpoint(s)))
		goto out;
	if ((rc = store_create_secret(o->dir)) == ERR_EXISTS)
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
	rc = store_exec(s, "COMMIT", "cannot commit");
	s->in_txn = rc != 0;
out:
	store_close(s);
	return rc;
}
