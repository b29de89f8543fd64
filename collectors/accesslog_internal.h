/*
 * accesslog_internal.h - what the files of the access-log collector share
 * (accesslog.h is its interface):
 *   accesslog.c           accesslog_collect(): a run over the planned files,
 *                         reading each in chunks and cutting it into lines
 *   accesslog_rotation.c  cursors (loaded, saved) and the plan of a run:
 *                         which file continues which cursor across rotation
 *   accesslog_entry.c     a line parsed, scrubbed and counted; entries
 *   accesslog_pool.c      worker threads that parse and scrub batches of
 *                         lines (--jobs), applied in line order
 *   accesslog_storer.c    a thread that stores the entries (--jobs)
 */
#ifndef AUDITPACK_ACCESSLOG_INTERNAL_H
#define AUDITPACK_ACCESSLOG_INTERNAL_H

#include "accesslog.h"
#include "logcheck.h"
#include "logfile.h"
#include "../common/buf.h"
#include "../common/hash.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include <jansson.h>

#define HEAD_BYTES 4096
#define CHUNK ((size_t)1 << 20)
#define LINE_MAX_BYTES ((size_t)1 << 20)
#define MALFORMED_KEPT 20
#define MAP_MAX_KEYS 1000

/* ---- cursors ---- */

/* Where a cursor stood when the run loaded it. */
struct cursor_state {
	uint8_t head[SHA256_LEN];
	size_t head_len;
	uint64_t offset, line;
};

struct cursor {
	char key[64];           /* "<dev>:<ino>" */
	char path[PATH_MAX];
	uint64_t dev, ino;
	uint8_t head[SHA256_LEN];
	size_t head_len;        /* bytes the head digest covers */
	uint64_t offset;        /* next byte to read */
	uint64_t line;          /* lines consumed before offset */
	bool seen;              /* matched a file this run */
	bool dirty;
	/* A compressed generation: offset and head are in its decompressed
	 * text; once read to the end (done) with the compressed file's size
	 * and mtime unchanged, it is not decompressed again. */
	enum logfile_format format;
	bool done;
	uint64_t csize;
	int64_t cmtime_ns;
	bool taken;             /* continued by a compressed generation this run */
	/* What rotation matching compares and continues: the cursor as loaded,
	 * whatever the run has done to it since (an inode number reused by
	 * another file gives that file the cursor). */
	bool loaded;
	struct cursor_state was;
	bool alive;             /* the file it was saved for is read this run */
};

struct cursors {
	struct cursor *v;
	size_t n, cap;
};

/*
 * A file of the run, open, with its format (plain or a compressed rotated
 * generation, told by its magic bytes) and the first bytes of its text.
 */
struct file {
	char *path;
	int fd;
	struct stat st;
	enum logfile_format format;
	uint8_t head[HEAD_BYTES];
	size_t head_n;          /* text bytes in head: fewer when the text is shorter */
};

/* ---- per-entry statistics ---- */

struct userset {
	uint64_t *v;
	size_t n, cap; /* open addressing; cap a power of two */
};

struct stats {
	uint64_t offset_start, offset_end, lines, parsed, malformed, bytes;
	uint64_t malformed_lines[MALFORMED_KEPT];
	size_t nmalformed_kept;
	int64_t first, last, max_gap, prev;
	bool any_time;
	uint64_t unattributed, auth_failures;
	uint64_t last_serial;
	bool have_serial;
	struct userset users;
	json_t *status, *models;
	struct pii_counts pii;
};

/* ---- one run over one file ---- */

struct reader {
	struct collect_ctx *cx;
	struct pii *pii;
	const struct accesslog_opts *o;
	struct logfmt_opts fmt;
	struct collect_result *r;
	const char *path;
	struct stats st;
	struct buf payload;
	uint64_t line_no; /* 1-based number of the line being processed */
	bool in_line;     /* an overlong line is being streamed */
	enum logfile_format format; /* of the file being read */
	/* The run as a whole (logcheck.h): a first run or rescan that parses
	 * nothing stores nothing; a rescan's entries supersede the chain. */
	bool first_run;
	uint64_t run_lines, run_parsed;
	char *sample;                     /* first malformed line, masked */
	char sample_path[PATH_MAX];
	uint64_t sample_line;
	const struct logcheck_chain *chain; /* NULL: not a rescanned file */
	char piece_tail[256]; /* jsonl: the end of the last piece written */
	size_t piece_tail_len;
	struct pool *pool; /* workers (o->jobs > 1), made on first use */
	struct storer *storer; /* stores entries (o->jobs > 1), made with pool */
	uint64_t read, to_read; /* text bytes read this run, of (0: unknown) */
};

/*
 * The plan of a run: what to read from which file, ordered oldest first by
 * modification time so rotated generations are read in the order written.
 */
struct task {
	struct file f;          /* fd owned by the task when own_fd */
	bool own_fd;
	struct cursor *cur;
	bool to_eof;
};

struct plan {
	struct task *v;
	size_t n, cap;
};

/* ---- accesslog_rotation.c ---- */

/* store_cursor_each() callback: add the saved cursor to arg (struct cursors). */
int accesslog_cursor_load(const char *key, const char *state, void *arg);
int accesslog_cursor_save(struct collect_ctx *cx, const char *source, const struct cursor *c);
/* Room for `extra` more cursors: plans point into the array. */
int accesslog_cursors_reserve(struct cursors *cs, size_t extra);
/* Open every path and glob match of o; duplicates (same inode) once. */
int accesslog_open_files(const struct accesslog_opts *o, struct file **out, size_t *n);
void accesslog_close_files(struct file *v, size_t n);
/* Plan the run over files for the cursors cs (oldest first); `complete`:
 * the files are finished. */
int accesslog_make_plan(struct plan *p, struct cursors *cs, struct file *files,
			size_t nfiles, bool complete);
void accesslog_plan_free(struct plan *p);

/* ---- accesslog_entry.c ---- */

int accesslog_stats_init(struct stats *st, uint64_t offset);
void accesslog_stats_free(struct stats *st);
/* Store the entry rd has gathered (nothing when it is empty) and start the
 * next one where it ended. */
int accesslog_emit_entry(struct reader *rd);
/* Parse and scrub one line into rd->payload (the part a worker can do). */
int accesslog_scrub_line(struct reader *rd, const char *line, size_t len,
			 struct log_event *ev, int *prc, char token[PII_TOKEN_MAX]);
/* The rest of a line's work, in line order: statistics, newline, entry. */
int accesslog_account_line(struct reader *rd, const char *line, size_t len, bool nl,
			   uint64_t line_no, int prc, const struct log_event *ev,
			   const char *token);
/* One complete line (without its newline; `nl` tells whether it had one). */
int accesslog_do_line(struct reader *rd, const char *line, size_t len, bool nl);
/* A piece of an overlong line, and its end. */
int accesslog_overlong_part(struct reader *rd, const char *p, size_t n);
int accesslog_overlong_end(struct reader *rd, bool nl);

/* ---- accesslog_pool.c ---- */

struct pool;

/* Start nth workers that parse and scrub for rd. */
int accesslog_pool_new(struct pool **out, struct reader *rd, size_t nth);
void accesslog_pool_free(struct pool *pl);
/* Every line handed over so far is applied (pl may be NULL). */
int accesslog_pool_flush(struct pool *pl);
/* A complete line (numbered rd->line_no) to the workers, or done here
 * when pl is NULL. */
int accesslog_put_line(struct reader *rd, struct pool *pl, const char *line, size_t len,
		       bool nl);

/* ---- accesslog_storer.c ---- */

struct storer;

int accesslog_storer_new(struct storer **out, struct store *store);
/* Hand an entry over to be stored: *payload and *attrs (which in points
 * into) are taken, and come back empty.  An earlier entry's failure is
 * returned here, or by finish. */
int accesslog_storer_put(struct storer *sr, const struct entry_input *in,
			 struct buf *payload, struct buf *attrs);
/* Every entry handed over is stored (sr may be NULL); the first failure. */
int accesslog_storer_finish(struct storer *sr);
void accesslog_storer_free(struct storer *sr);

#endif
