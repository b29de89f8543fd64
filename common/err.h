/*
 * err.h - error codes and the per-thread "what went wrong" message.
 *
 * Every function below cli/ returns 0 on success or a negative enum err, and
 * records a human-readable reason with err_set() before returning.  cli/
 * prints err_msg() and maps the code to an exit status (err_exit_code()).
 * Messages follow git's style: lowercase, no trailing period, the failing
 * thing first ("cannot open 'x': No such file or directory").
 */
#ifndef AUDITPACK_ERR_H
#define AUDITPACK_ERR_H

enum err {
	ERR_OK = 0,
	ERR_IO = -1,      /* a file could not be read or written */
	ERR_PARSE = -2,   /* input is malformed (message names file:line) */
	ERR_DB = -3,      /* SQLite failed or the database is corrupt */
	ERR_CRYPTO = -4,  /* OpenSSL failed, bad key, wrong passphrase */
	ERR_NOMEM = -5,
	ERR_USAGE = -6,   /* the caller asked for something impossible */
	ERR_LOCKED = -7,  /* another run holds the store past --wait */
	ERR_VERIFY = -8,  /* a verification found tampering (negative verdict) */
	ERR_NOTFOUND = -9,
	ERR_EXISTS = -10,
	ERR_LIMIT = -11,  /* input exceeds a size bound */
};

/* Record the reason for the error about to be returned; printf-style.
 * Returns `code` so callers can write `return err_set(ERR_IO, ...)`. */
int err_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Record "out of memory" and return ERR_NOMEM: every allocation failure
 * below cli/ reports through this, so no stale message is ever printed. */
int err_nomem(void);

/* Prefix the current message with more context: "ctx: <old message>". */
int err_wrap(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append OpenSSL's queued errors (drained) to the current message. */
int err_set_openssl(int code, const char *what);

/* The last recorded message (never NULL; "" when none). */
const char *err_msg(void);

void err_clear(void);

/* The process exit status for an error code (docs/architecture.md "Errors"). */
int err_exit_code(int code);

#endif
