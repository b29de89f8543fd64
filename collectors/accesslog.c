#include "accesslog.h"
#include "logcheck.h"
#include "logfile.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/hash.h"
#include "../common/json.h"
#include "../common/timeutil.h"
#include "jsonluser.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static struct cursor *cursor_find(struct cursors *cs, uint64_t dev, uint64_t ino)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].dev == dev && cs->v[i].ino == ino)
			return &cs->v[i];
	return NULL;
}

static struct cursor *cursor_add(struct cursors *cs, uint64_t dev, uint64_t ino,
				 const char *path)
{
	struct cursor *c;

	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 16;

		if (!(c = realloc(cs->v, cap * sizeof(*c))))
			return NULL;
		cs->v = c;
		cs->cap = cap;
	}
	c = &cs->v[cs->n++];
	memset(c, 0, sizeof(*c));
	c->dev = dev;
	c->ino = ino;
	snprintf(c->key, sizeof(c->key), "%" PRIu64 ":%" PRIu64, dev, ino);
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->dirty = true;
	return c;
}

/*
 * Plans hold pointers into the cursor array, so it must not move while a
 * run is planned: make room for every file of the run (and a copy of each),
 * and a compressed copy of each tracked file, before planning starts.
 */
static int cursors_reserve(struct cursors *cs, size_t extra)
{
	struct cursor *c;

	if (cs->cap >= cs->n + extra)
		return 0;
	if (!(c = realloc(cs->v, (cs->n + extra) * sizeof(*c))))
		return err_set(ERR_NOMEM, "out of memory");
	cs->v = c;
	cs->cap = cs->n + extra;
	return 0;
}

static int load_one(const char *key, const char *state, void *arg)
{
	struct cursors *cs = arg;
	json_t *j = json_loads(state, 0, NULL);
	const char *path = json_string_value(json_object_get(j, "path"));
	const char *head = json_string_value(json_object_get(j, "head"));
	struct cursor *c;
	uint64_t dev, ino;

	if (!j || !path || !head ||
	    sscanf(key, "%" SCNu64 ":%" SCNu64, &dev, &ino) != 2 ||
	    !(c = cursor_add(cs, dev, ino, path))) {
		json_decref(j);
		return err_set(ERR_DB, "access-log cursor '%s' is damaged", key);
	}
	c->dirty = false;
	c->head_len = (size_t)json_integer_value(json_object_get(j, "head_len"));
	c->offset = (uint64_t)json_integer_value(json_object_get(j, "offset"));
	c->line = (uint64_t)json_integer_value(json_object_get(j, "line"));
	if (json_object_get(j, "format")) {
		const char *fmt = json_string_value(json_object_get(j, "format"));

		for (int f = LOGFILE_GZIP; f <= LOGFILE_BZIP2 && fmt; f++)
			if (!strcmp(fmt, logfile_format_name((enum logfile_format)f)))
				c->format = (enum logfile_format)f;
		c->done = json_is_true(json_object_get(j, "done"));
		c->csize = (uint64_t)json_integer_value(json_object_get(j, "csize"));
		c->cmtime_ns = (int64_t)json_integer_value(json_object_get(j, "mtime_ns"));
	}
	if (hex_decode(c->head, SHA256_LEN, head, strlen(head)) || c->head_len > HEAD_BYTES) {
		json_decref(j);
		return err_set(ERR_DB, "access-log cursor '%s' is damaged", key);
	}
	c->loaded = true;
	memcpy(c->was.head, c->head, SHA256_LEN);
	c->was.head_len = c->head_len;
	c->was.offset = c->offset;
	c->was.line = c->line;
	json_decref(j);
	return 0;
}

static int cursor_save(struct collect_ctx *cx, const char *source, const struct cursor *c)
{
	char head[HEX_LEN(SHA256_LEN)];
	struct buf b = BUF_INIT;
	json_t *j;
	int rc;

	hex_encode(head, c->head, SHA256_LEN);
	j = json_pack("{s:s, s:s, s:I, s:I, s:I}", "path", c->path, "head", head,
		      "head_len", (json_int_t)c->head_len, "offset", (json_int_t)c->offset,
		      "line", (json_int_t)c->line);
	if (j && c->format != LOGFILE_PLAIN &&
	    (json_object_set_new(j, "format", json_string(logfile_format_name(c->format))) ||
	     json_object_set_new(j, "done", json_boolean(c->done)) ||
	     json_object_set_new(j, "csize", json_integer((json_int_t)c->csize)) ||
	     json_object_set_new(j, "mtime_ns", json_integer((json_int_t)c->cmtime_ns)))) {
		json_decref(j);
		j = NULL;
	}
	if (!j)
		return err_set(ERR_NOMEM, "out of memory");
	rc = json_stable(&b, j);
	json_decref(j);
	if (!rc)
		rc = store_cursor_put(cx->store, source, c->key, b.data, b.len);
	buf_free(&b);
	return rc;
}

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

/* Learn the format and first text bytes of f (fd and st set). */
static int file_probe(struct file *f, const char *path)
{
	int rc;

	if ((rc = logfile_format_of(f->fd, path, &f->format)))
		return rc;
	return logfile_head(f->fd, path, f->format, f->head, HEAD_BYTES, &f->head_n);
}

/* Does f's text start with the head_len bytes whose digest is head? */
static bool same_head(const struct file *f, const uint8_t head[SHA256_LEN], size_t head_len)
{
	uint8_t h[SHA256_LEN];

	if (f->head_n < head_len)
		return false;
	if (head_len == 0)
		return true;
	return sha256(h, f->head, head_len) == 0 && !memcmp(h, head, SHA256_LEN);
}

/* Does f's text start with the bytes a cursor's head digest covers? */
static bool same_start(const struct file *f, const struct cursor *cur)
{
	return same_head(f, cur->head, cur->head_len);
}

/* cur now reads the file at path from where `from` stood. */
static void cursor_continue(struct cursor *cur, const struct cursor_state *from,
			    const char *path)
{
	snprintf(cur->path, sizeof(cur->path), "%s", path);
	memcpy(cur->head, from->head, SHA256_LEN);
	cur->head_len = from->head_len;
	cur->offset = from->offset;
	cur->line = from->line;
	cur->done = false;
	cur->seen = cur->dirty = true;
}

/* ---- per-entry statistics ---- */

struct userset {
	uint64_t *v;
	size_t n, cap; /* open addressing; cap a power of two */
};

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ULL;
	return h ? h : 1;
}

static int userset_add(struct userset *u, uint64_t h)
{
	if (2 * (u->n + 1) > u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 256;
		uint64_t *v = calloc(cap, sizeof(*v));

		if (!v)
			return err_set(ERR_NOMEM, "out of memory");
		for (size_t i = 0; i < u->cap; i++)
			if (u->v[i])
				for (size_t k = u->v[i] & (cap - 1);; k = (k + 1) & (cap - 1))
					if (!v[k]) {
						v[k] = u->v[i];
						break;
					}
		free(u->v);
		u->v = v;
		u->cap = cap;
	}
	for (size_t k = h & (u->cap - 1);; k = (k + 1) & (u->cap - 1)) {
		if (u->v[k] == h)
			return 0;
		if (!u->v[k]) {
			u->v[k] = h;
			u->n++;
			return 0;
		}
	}
}

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

static int stats_init(struct stats *st, uint64_t offset)
{
	memset(st, 0, sizeof(*st));
	st->offset_start = st->offset_end = offset;
	st->status = json_object();
	st->models = json_object();
	if (!st->status || !st->models)
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

static void stats_free(struct stats *st)
{
	free(st->users.v);
	json_decref(st->status);
	json_decref(st->models);
	memset(st, 0, sizeof(*st));
}

static void count_key(json_t *map, const char *s, size_t n)
{
	char key[256];
	json_t *v;

	if (n >= sizeof(key))
		n = sizeof(key) - 1;
	memcpy(key, s, n);
	key[n] = '\0';
	if (!(v = json_object_get(map, key))) {
		if (json_object_size(map) >= MAP_MAX_KEYS)
			snprintf(key, sizeof(key), "(other)");
		v = json_object_get(map, key);
	}
	json_object_set_new(map, key, json_integer(v ? json_integer_value(v) + 1 : 1));
}

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
	uint64_t read, to_read; /* text bytes read this run, of (0: unknown) */
};

/* A rescanned file's entry: "rescan": true and the earlier entries whose
 * bytes it holds again, "supersedes": [index, ...]. */
static int rescan_attrs(struct reader *rd, json_t *a)
{
	json_t *sup = logcheck_overlap(rd->chain, rd->st.offset_start, rd->st.offset_end);

	if (!sup || json_object_set_new(a, "supersedes", sup) ||
	    json_object_set_new(a, "rescan", json_true()))
		return err_set(ERR_NOMEM, "out of memory");
	rd->r->superseded += json_array_size(sup);
	return 0;
}

static int emit_entry(struct reader *rd)
{
	json_t *a = NULL, *pii = NULL, *ml = NULL;
	struct buf attrs = BUF_INIT;
	struct entry_input in;
	char first[RFC3339_LEN], last[RFC3339_LEN];
	struct stats *st = &rd->st;
	int rc = 0;

	if (st->lines == 0 && rd->payload.len == 0)
		return 0;
	if (!(pii = json_object()) || !(ml = json_array()))
		goto nomem;
	for (int t = 0; t < PII_NTYPES; t++)
		json_object_set_new(pii, pii_type_name((enum pii_type)t),
				    json_integer((json_int_t)st->pii.n[t]));
	for (size_t i = 0; i < st->nmalformed_kept; i++)
		json_array_append_new(ml, json_integer((json_int_t)st->malformed_lines[i]));
	/* Event times are in range (logfmt_parse); never sign a placeholder. */
	if (st->any_time && ((rc = time_format(first, st->first)) ||
			     (rc = time_format(last, st->last))))
		goto out;
	a = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:O, s:o, s:o, s:I, s:I,"
		      " s:I, s:O, s:I, s:O, s:O, s:I}",
		      "format", logfmt_name(rd->fmt.format), "path", rd->path,
		      "offset_start", (json_int_t)st->offset_start,
		      "offset_end", (json_int_t)st->offset_end,
		      "lines", (json_int_t)st->lines, "parsed", (json_int_t)st->parsed,
		      "malformed", (json_int_t)st->malformed, "malformed_lines", ml,
		      "first_event", st->any_time ? json_string(first) : json_null(),
		      "last_event", st->any_time ? json_string(last) : json_null(),
		      "max_gap_seconds", (json_int_t)st->max_gap,
		      "users", (json_int_t)st->users.n,
		      "unattributed", (json_int_t)st->unattributed, "status", st->status,
		      "auth_failures", (json_int_t)st->auth_failures, "models", st->models,
		      "pii", pii, "bytes", (json_int_t)st->bytes);
	if (!a)
		goto nomem;
	json_object_set_new(a, "pii_mode", json_string(rd->o->pii == PII_KEEP ? "keep" :
			    rd->o->pii == PII_REDACT ? "redact" : "pseudonymise"));
	if (rd->in_line)
		json_object_set_new(a, "ends_inside_line", json_true());
	if (rd->format != LOGFILE_PLAIN)
		json_object_set_new(a, "compression", json_string(logfile_format_name(rd->format)));
	if (rd->chain && (rc = rescan_attrs(rd, a)))
		goto out;
	if ((rc = json_stable(&attrs, a)))
		goto out;
	memset(&in, 0, sizeof(in));
	in.kind = "access-log";
	in.source = rd->o->source;
	in.eff_from = st->any_time ? st->first : rd->cx->now;
	in.eff_to = st->any_time ? st->last : rd->cx->now;
	in.collected = rd->cx->now;
	in.attrs = attrs.data;
	in.attrs_len = attrs.len;
	in.payload = rd->payload.data ? rd->payload.data : "";
	in.payload_len = rd->payload.len;
	if ((rc = store_append(rd->cx->store, &in, NULL)))
		goto out;
	rd->r->entries++;
	rd->r->lines += st->lines;
	rd->r->malformed += st->malformed;
	rd->run_lines += st->lines;
	rd->run_parsed += st->parsed;
	buf_reset(&rd->payload);
	{
		uint64_t next = st->offset_end;

		stats_free(st);
		rc = stats_init(st, next);
	}
	goto out;
nomem:
	rc = err_set(ERR_NOMEM, "out of memory");
out:
	json_decref(a);
	json_decref(pii);
	json_decref(ml);
	buf_free(&attrs);
	return rc;
}

/*
 * A piece of an overlong jsonl line: its user values are replaced too,
 * found by name (a piece is no JSON object), with the end of the piece
 * before as context so that a value the cut split is found.
 */
static int put_jsonl_piece(struct reader *rd, const char *text, size_t n)
{
	size_t skip = rd->piece_tail_len, keep;
	char token[PII_TOKEN_MAX], *both;
	int rc;

	if (!(both = malloc(skip + n + 1)))
		return err_set(ERR_NOMEM, "out of memory");
	memcpy(both, rd->piece_tail, skip);
	memcpy(both + skip, text, n);
	rc = jsonluser_rewrite_from(rd->pii, rd->o->pii, rd->fmt.fields.user, both, skip + n,
				    skip, &rd->payload, &rd->st.pii, token);
	keep = skip + n < sizeof(rd->piece_tail) ? skip + n : sizeof(rd->piece_tail);
	memcpy(rd->piece_tail, both + skip + n - keep, keep);
	rd->piece_tail_len = keep;
	free(both);
	return rc;
}

/* Write text[0..n) to the payload, scrubbed per the mode.  In a jsonl log
 * with a user field this is a piece of an overlong line. */
static int put_text(struct reader *rd, const char *text, size_t n)
{
	if (rd->fmt.format == LOGFMT_JSONL && rd->fmt.fields.user)
		return put_jsonl_piece(rd, text, n);
	return pii_scrub(rd->pii, rd->o->pii, text, n, &rd->payload, &rd->st.pii);
}

static int put_user(struct reader *rd, const struct log_event *ev, const char *line,
		    char token[PII_TOKEN_MAX])
{
	const char *u = line + ev->user.off;
	int rc;

	if ((rc = pii_token(rd->pii, "user", u, ev->user.len, token)))
		return rc;
	if (rd->o->pii == PII_KEEP)
		return buf_append(&rd->payload, u, ev->user.len);
	/* (jsonl users are written by put_jsonl()) */
	if (rd->o->pii == PII_REDACT)
		return buf_puts(&rd->payload, "<user:redacted>");
	return buf_puts(&rd->payload, token);
}

/*
 * A jsonl line, parsed or not: every value at the user's path is replaced
 * (duplicates too, and mentions of it elsewhere), the rest scrubbed.
 * token receives the token of the line's user.
 */
static int put_jsonl(struct reader *rd, const char *line, size_t len,
		     char token[PII_TOKEN_MAX])
{
	return jsonluser_rewrite(rd->pii, rd->o->pii, rd->fmt.fields.user, line, len,
				 &rd->payload, &rd->st.pii, token);
}

static int record_event(struct reader *rd, const struct log_event *ev,
			const char *line, const char *token)
{
	struct stats *st = &rd->st;
	bool same_event = rd->fmt.format == LOGFMT_AUDITD && st->have_serial &&
			  ev->serial == st->last_serial;

	st->parsed++;
	if (rd->fmt.format == LOGFMT_AUDITD) {
		st->have_serial = true;
		st->last_serial = ev->serial;
	}
	if (ev->has_time) {
		if (!st->any_time) {
			st->first = st->last = st->prev = ev->time;
			st->any_time = true;
		}
		if (ev->time < st->first)
			st->first = ev->time;
		if (ev->time > st->last)
			st->last = ev->time;
		if (ev->time - st->prev > st->max_gap)
			st->max_gap = ev->time - st->prev;
		st->prev = ev->time;
	}
	if (ev->user.len) {
		int rc = userset_add(&st->users, fnv1a(token, strlen(token)));

		if (rc)
			return rc;
	} else if (ev->is_request && !same_event && ev->auth != AUTH_FAILURE) {
		/* A refused login has no user to name; a served request must. */
		st->unattributed++;
	}
	if (ev->status.len)
		count_key(st->status, line + ev->status.off, ev->status.len);
	if (ev->model.len) {
		char key[300];
		size_t n = ev->model.len < 200 ? ev->model.len : 200;

		memcpy(key, line + ev->model.off, n);
		if (ev->version.len && ev->version.len < 64) {
			key[n++] = ':';
			memcpy(key + n, line + ev->version.off, ev->version.len);
			n += ev->version.len;
		}
		count_key(st->models, key, n);
	}
	if (ev->auth == AUTH_FAILURE && !same_event)
		st->auth_failures += ev->auth_count ? ev->auth_count : 1;
	return 0;
}

/* The first malformed line of a first run, for the message if nothing
 * parses. */
static int keep_sample(struct reader *rd, const char *line, size_t len, uint64_t line_no)
{
	snprintf(rd->sample_path, sizeof(rd->sample_path), "%s", rd->path);
	rd->sample_line = line_no;
	return logcheck_sample(&rd->sample, rd->pii, &rd->fmt, line, len);
}

/*
 * Parse one line and write it, scrubbed, to rd->payload, adding its PII
 * findings to rd->st.pii: the part of a line's work that does not depend
 * on the lines before it, so a worker thread can do it (its own reader,
 * pii and payload).  *prc: logfmt_parse()'s verdict; token: the user's.
 */
static int scrub_line(struct reader *rd, const char *line, size_t len,
		      struct log_event *ev, int *prc, char token[PII_TOKEN_MAX])
{
	bool jsonl_user = rd->fmt.format == LOGFMT_JSONL && rd->fmt.fields.user;
	int rc;

	token[0] = '\0';
	/* A line whose time is out of range is malformed, but its user field
	 * is known: it is pseudonymised like an event's.  A damaged JSON line
	 * still has its user values replaced. */
	*prc = logfmt_parse(&rd->fmt, line, len, ev);
	if (jsonl_user)
		return put_jsonl(rd, line, len, token);
	if ((*prc == 0 || *prc == LOGFMT_BAD_TIME) && ev->user.len) {
		if ((rc = put_text(rd, line, ev->user.off)) ||
		    (rc = put_user(rd, ev, line, token)) ||
		    (rc = put_text(rd, line + ev->user.off + ev->user.len,
				   len - ev->user.off - ev->user.len)))
			return rc;
		return 0;
	}
	return put_text(rd, line, len);
}

/* The rest of a line's work, in line order: its statistics, its newline,
 * and the entry it may complete (its scrubbed text is in the payload). */
static int account_line(struct reader *rd, const char *line, size_t len, bool nl,
			uint64_t line_no, int prc, const struct log_event *ev,
			const char *token)
{
	struct stats *st = &rd->st;
	int rc;

	st->lines++;
	st->bytes += len + nl;
	st->offset_end += len + nl;
	rd->piece_tail_len = 0; /* no overlong line continues */
	if (prc) {
		st->malformed++;
		if (st->nmalformed_kept < MALFORMED_KEPT)
			st->malformed_lines[st->nmalformed_kept++] = line_no;
		if (rd->first_run && !rd->sample_line &&
		    (rc = keep_sample(rd, line, len, line_no)))
			return rc;
	}
	if (!prc && (rc = record_event(rd, ev, line, token)))
		return rc;
	if (nl && (rc = buf_append(&rd->payload, "\n", 1)))
		return rc;
	if (rd->payload.len >= (rd->o->max_entry_bytes ? rd->o->max_entry_bytes
						      : ACCESSLOG_ENTRY_BYTES))
		return emit_entry(rd);
	return 0;
}

/* One complete line (without its newline; `nl` tells whether it had one). */
static int do_line(struct reader *rd, const char *line, size_t len, bool nl)
{
	struct log_event ev;
	char token[PII_TOKEN_MAX];
	int rc, prc;

	if ((rc = scrub_line(rd, line, len, &ev, &prc, token)))
		return rc;
	return account_line(rd, line, len, nl, rd->line_no, prc, &ev, token);
}

/* ---- workers: lines parsed and scrubbed on every core ---- */

/*
 * With jobs > 1 the reading thread cuts the text into batches of whole
 * lines; worker threads parse and scrub them (each with its own detectors:
 * PCRE2 match data, JIT stack and HMAC context are per struct pii) into
 * per-batch output; the reading thread applies the batches in their order,
 * so statistics, entry boundaries and payloads are those of one thread.
 * Overlong lines, the end of a file and errors are handled after every
 * batch before them has been applied.
 */
#define BATCH_BYTES ((size_t)256 << 10)
#define BATCH_LINES 1024

struct line_rec {
	size_t in_off, len;   /* the line in batch->in */
	size_t out_len;       /* its scrubbed text in batch->out */
	uint64_t line_no;
	int prc;
	bool nl;
	struct log_event ev;
	struct pii_counts pii;
	char token[PII_TOKEN_MAX];
};

enum batch_state { BATCH_FILLING, BATCH_QUEUED, BATCH_DONE };

struct batch {
	struct buf in, out;
	struct line_rec *rec;
	size_t n;
	enum batch_state state;
	int rc;
	char err[2048];
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	pthread_t *th;
	struct pii **pii;      /* one per worker */
	size_t nth, started;
	struct batch *b;       /* batch number s lives in b[s % nb] */
	size_t nb;
	uint64_t submitted, taken, applied;
	bool stop;
	struct reader *rd;     /* the reading thread's: o and fmt are read */
	size_t next_worker;
};

struct worker_arg {
	struct pool *pl;
	size_t id;
};

static void work_batch(struct pool *pl, struct pii *pii, struct batch *b)
{
	struct reader w;

	memset(&w, 0, sizeof(w));
	w.cx = pl->rd->cx;
	w.pii = pii;
	w.o = pl->rd->o;
	w.fmt = pl->rd->fmt;
	w.path = pl->rd->path;
	w.payload = b->out;
	b->rc = 0;
	for (size_t i = 0; i < b->n && !b->rc; i++) {
		struct line_rec *lr = &b->rec[i];
		size_t before = w.payload.len;

		memset(&w.st.pii, 0, sizeof(w.st.pii));
		b->rc = scrub_line(&w, b->in.data + lr->in_off, lr->len, &lr->ev, &lr->prc,
				   lr->token);
		lr->out_len = w.payload.len - before;
		lr->pii = w.st.pii;
	}
	if (b->rc)
		snprintf(b->err, sizeof(b->err), "%s", err_msg());
	b->out = w.payload;
}

static void *worker_main(void *arg)
{
	struct worker_arg *wa = arg;
	struct pool *pl = wa->pl;
	struct pii *pii = pl->pii[wa->id];

	free(wa);
	pthread_mutex_lock(&pl->mu);
	for (;;) {
		struct batch *b;

		while (!pl->stop && pl->taken == pl->submitted)
			pthread_cond_wait(&pl->work, &pl->mu);
		if (pl->stop)
			break;
		b = &pl->b[pl->taken++ % pl->nb];
		pthread_mutex_unlock(&pl->mu);
		work_batch(pl, pii, b);
		pthread_mutex_lock(&pl->mu);
		b->state = BATCH_DONE;
		pthread_cond_broadcast(&pl->done);
	}
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

static void pool_free(struct pool *pl)
{
	if (!pl)
		return;
	pthread_mutex_lock(&pl->mu);
	pl->stop = true;
	pthread_cond_broadcast(&pl->work);
	pthread_mutex_unlock(&pl->mu);
	for (size_t i = 0; i < pl->started; i++)
		pthread_join(pl->th[i], NULL);
	for (size_t i = 0; pl->pii && i < pl->nth; i++)
		pii_free(pl->pii[i]);
	for (size_t i = 0; pl->b && i < pl->nb; i++) {
		buf_free(&pl->b[i].in);
		buf_free(&pl->b[i].out);
		free(pl->b[i].rec);
	}
	pthread_mutex_destroy(&pl->mu);
	pthread_cond_destroy(&pl->work);
	pthread_cond_destroy(&pl->done);
	free(pl->th);
	free(pl->pii);
	free(pl->b);
	free(pl);
}

static int pool_new(struct pool **out, struct reader *rd, size_t nth)
{
	struct pool *pl = calloc(1, sizeof(*pl));
	int rc = 0;

	*out = NULL;
	if (!pl)
		return err_set(ERR_NOMEM, "out of memory");
	pthread_mutex_init(&pl->mu, NULL);
	pthread_cond_init(&pl->work, NULL);
	pthread_cond_init(&pl->done, NULL);
	pl->rd = rd;
	pl->nth = nth;
	/* Deep enough that the workers keep going while the reading thread
	 * appends a 16 MiB entry (hashing and writing it). */
	pl->nb = 4 * nth + 4;
	if (!(pl->th = calloc(nth, sizeof(*pl->th))) ||
	    !(pl->pii = calloc(nth, sizeof(*pl->pii))) ||
	    !(pl->b = calloc(pl->nb, sizeof(*pl->b)))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < pl->nb; i++)
		if (!(pl->b[i].rec = calloc(BATCH_LINES, sizeof(*pl->b[i].rec)))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto out;
		}
	for (size_t i = 0; i < nth; i++)
		if ((rc = pii_new(&pl->pii[i], rd->cx->secret)))
			goto out;
	for (size_t i = 0; i < nth; i++) {
		struct worker_arg *wa = malloc(sizeof(*wa));

		if (!wa) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto out;
		}
		wa->pl = pl;
		wa->id = i;
		if (pthread_create(&pl->th[i], NULL, worker_main, wa)) {
			free(wa);
			rc = err_set(ERR_NOMEM, "cannot start a worker thread");
			goto out;
		}
		pl->started++;
	}
	*out = pl;
	pl = NULL;
out:
	pool_free(pl);
	return rc;
}

/* Apply a worked batch to the reading thread's entry, in line order. */
static int apply_batch(struct reader *rd, struct batch *b)
{
	size_t off = 0;
	int rc;

	if (b->rc)
		return err_set(b->rc, "%s", b->err);
	for (size_t i = 0; i < b->n; i++) {
		const struct line_rec *lr = &b->rec[i];

		if ((rc = buf_append(&rd->payload, b->out.data + off, lr->out_len)))
			return rc;
		off += lr->out_len;
		for (int t = 0; t < PII_NTYPES; t++)
			rd->st.pii.n[t] += lr->pii.n[t];
		if ((rc = account_line(rd, b->in.data + lr->in_off, lr->len, lr->nl,
				       lr->line_no, lr->prc, &lr->ev, lr->token)))
			return rc;
	}
	return 0;
}

/* Wait for the oldest queued batch and apply it. */
static int pool_apply_oldest(struct pool *pl)
{
	struct batch *b = &pl->b[pl->applied % pl->nb];
	int rc;

	pthread_mutex_lock(&pl->mu);
	while (b->state != BATCH_DONE)
		pthread_cond_wait(&pl->done, &pl->mu);
	pthread_mutex_unlock(&pl->mu);
	rc = apply_batch(pl->rd, b);
	buf_reset(&b->in);
	buf_reset(&b->out);
	b->n = 0;
	b->state = BATCH_FILLING;
	pl->applied++;
	return rc;
}

/* Hand the batch being filled to the workers. */
static void pool_submit(struct pool *pl)
{
	struct batch *b = &pl->b[pl->submitted % pl->nb];

	if (b->n == 0)
		return;
	pthread_mutex_lock(&pl->mu);
	b->state = BATCH_QUEUED;
	pl->submitted++;
	pthread_cond_signal(&pl->work);
	pthread_mutex_unlock(&pl->mu);
}

/* Every line handed over so far is applied. */
static int pool_flush(struct pool *pl)
{
	int rc = 0;

	if (!pl)
		return 0;
	pool_submit(pl);
	while (pl->applied < pl->submitted)
		if ((rc = pool_apply_oldest(pl)))
			return rc;
	return 0;
}

/* A complete line (numbered rd->line_no) to the workers, or done here. */
static int put_line(struct reader *rd, struct pool *pl, const char *line, size_t len,
		    bool nl)
{
	struct batch *b;
	struct line_rec *lr;
	int rc;

	if (!pl)
		return do_line(rd, line, len, nl);
	if (pl->submitted - pl->applied >= pl->nb && (rc = pool_apply_oldest(pl)))
		return rc;
	b = &pl->b[pl->submitted % pl->nb];
	lr = &b->rec[b->n];
	lr->in_off = b->in.len;
	lr->len = len;
	lr->nl = nl;
	lr->line_no = rd->line_no;
	if ((rc = buf_append(&b->in, line, len)))
		return rc;
	b->n++;
	if (b->n == BATCH_LINES || b->in.len >= BATCH_BYTES)
		pool_submit(pl);
	return 0;
}

/*
 * A line longer than LINE_MAX_BYTES is streamed to the payload in pieces
 * instead of being held whole (memory stays flat), and counted once, as
 * malformed, when its newline comes or the run ends.
 */
static int overlong_part(struct reader *rd, const char *p, size_t n)
{
	int rc;

	rd->st.bytes += n;
	rd->st.offset_end += n;
	rd->in_line = true;
	if ((rc = put_text(rd, p, n)))
		return rc;
	/* A line longer than an entry spans entries: no payload is ever much
	 * bigger than max_entry_bytes, whatever the line. */
	if (rd->payload.len >= (rd->o->max_entry_bytes ? rd->o->max_entry_bytes
						      : ACCESSLOG_ENTRY_BYTES))
		return emit_entry(rd);
	return 0;
}

static int overlong_end(struct reader *rd, bool nl)
{
	struct stats *st = &rd->st;
	int rc;

	if (nl && ((rc = buf_append(&rd->payload, "\n", 1))))
		return rc;
	rd->in_line = false;
	st->bytes += nl;
	st->offset_end += nl;
	st->lines++;
	st->malformed++;
	if (st->nmalformed_kept < MALFORMED_KEPT)
		st->malformed_lines[st->nmalformed_kept++] = rd->line_no;
	if (rd->first_run && !rd->sample_line) {
		snprintf(rd->sample_path, sizeof(rd->sample_path), "%s", rd->path);
		rd->sample_line = rd->line_no;
	}
	if (rd->payload.len >= (rd->o->max_entry_bytes ? rd->o->max_entry_bytes
						      : ACCESSLOG_ENTRY_BYTES))
		return emit_entry(rd);
	return 0;
}

/* Refuse a chunk that is not text (see logfile_is_text), naming the line
 * of its first binary byte. */
static int check_text(struct reader *rd, const char *chunk, size_t n, uint64_t at)
{
	uint64_t line = rd->line_no + 1;
	size_t bad, first = 0;

	if (logfile_is_text(chunk, n, &bad))
		return 0;
	while (first < n && logfile_is_text(chunk + first, 1, NULL))
		line += chunk[first++] == '\n';
	return err_set(ERR_PARSE, "%s:%" PRIu64 ": not text: %zu of the %zu bytes read from "
		       "offset %" PRIu64 " are NUL or control bytes, the first at offset %"
		       PRIu64 " (a binary or damaged file?); nothing was taken from it: take "
		       "it out of the paths, or repair it", rd->path, line, bad, n, at,
		       at + first);
}

/*
 * A line longer than LINE_MAX_BYTES goes to the payload in pieces.  Cut
 * each piece after the last blank, quote or comma near its end, so that an
 * e-mail address or other token is scrubbed whole, not in two halves.
 */
static size_t piece_end(const char *p, size_t n)
{
	for (size_t i = n; i > 0 && n - i < 4096; i--)
		if (p[i - 1] == ' ' || p[i - 1] == '\t' || p[i - 1] == '"' || p[i - 1] == ',')
			return i;
	return n;
}

/*
 * Read f's text from cur->offset to the last complete line (or to the end
 * when `to_eof`: a file known to be finished), in chunks.  A compressed
 * generation is finished unless its compressed stream is cut short (the
 * compressor is still writing it).
 */
static int read_lines(struct reader *rd, const struct file *f, struct cursor *cur, bool to_eof)
{
	struct buf pend = BUF_INIT;
	struct logfile *lf = NULL;
	char *chunk = malloc(CHUNK);
	struct pool *pl = NULL;
	bool overlong = false;
	int rc = 0;

	if (!chunk)
		return err_set(ERR_NOMEM, "out of memory");
	rd->line_no = cur->line;
	rd->in_line = false;
	rd->format = f->format;
	if ((rc = stats_init(&rd->st, cur->offset)) ||
	    (rc = logfile_open(&lf, f->fd, rd->path, f->format, cur->offset)))
		goto out;
	if (rd->o->jobs > 1 && !rd->pool && (rc = pool_new(&rd->pool, rd, rd->o->jobs)))
		goto out;
	pl = rd->pool;
	for (;;) {
		uint64_t at = logfile_offset(lf);
		size_t n, start = 0;

		/* An error of a line before the one the reader stopped at is
		 * the one a single thread would have reported. */
		if ((rc = logfile_read(lf, chunk, CHUNK, &n)) ||
		    (n && (rc = check_text(rd, chunk, n, at)))) {
			int frc = pool_flush(pl);

			rc = frc ? frc : rc;
			goto out;
		}
		if (n == 0)
			break;
		rd->read += n;
		progress_update(rd->cx->progress, PROGRESS_BYTES, rd->read, rd->to_read);
		for (const char *nl; (nl = memchr(chunk + start, '\n', n - start));) {
			size_t i = (size_t)(nl - chunk);

			rd->line_no++;
			if (overlong) {
				if ((rc = pool_flush(pl)) ||
				    (rc = overlong_part(rd, pend.data ? pend.data : "", pend.len)) ||
				    (rc = overlong_part(rd, chunk + start, i - start)) ||
				    (rc = overlong_end(rd, true)))
					goto out;
				overlong = false;
				buf_reset(&pend);
			} else if (pend.len) {
				if ((rc = buf_append(&pend, chunk + start, i - start)) ||
				    (rc = put_line(rd, pl, pend.data, pend.len, true)))
					goto out;
				buf_reset(&pend);
			} else if ((rc = put_line(rd, pl, chunk + start, i - start, true))) {
				goto out;
			}
			start = i + 1;
		}
		if ((rc = buf_append(&pend, chunk + start, n - start)))
			goto out;
		if (pend.len >= LINE_MAX_BYTES) {
			size_t cut = piece_end(pend.data, pend.len);

			if ((rc = pool_flush(pl)) || (rc = overlong_part(rd, pend.data, cut)))
				goto out;
			overlong = true;
			memmove(pend.data, pend.data + cut, pend.len - cut);
			pend.len -= cut;
		}
	}
	if ((rc = pool_flush(pl)))
		goto out;
	if (f->format != LOGFILE_PLAIN) {
		/* Finished, unless the compressor is still writing it. */
		to_eof = !logfile_truncated(lf);
		cur->done = to_eof;
		cur->csize = (uint64_t)f->st.st_size;
		cur->cmtime_ns = (int64_t)f->st.st_mtim.tv_sec * 1000000000 + f->st.st_mtim.tv_nsec;
		cur->format = f->format;
	}
	if (overlong || (to_eof && pend.len)) {
		rd->line_no++;
		if (overlong) {
			/* What was streamed is consumed; the rest of the line, if
			 * it ever comes, starts the next run. */
			if ((to_eof && (rc = overlong_part(rd, pend.data ? pend.data : "", pend.len))) ||
			    (rc = overlong_end(rd, false)))
				goto out;
			if (!to_eof) {
				rd->line_no--;
				rd->in_line = true;
			}
		} else if ((rc = do_line(rd, pend.data, pend.len, false))) {
			goto out;
		}
		buf_reset(&pend);
	}
	/* The partial last line (pend) waits for the next run. */
	if ((rc = emit_entry(rd)))
		goto out;
	cur->offset = rd->st.offset_end;
	cur->line = rd->line_no;
	cur->dirty = true;
out:
	logfile_close(lf);
	stats_free(&rd->st);
	buf_free(&pend);
	free(chunk);
	return rc;
}

/* Read one file for its cursor; the cursor's head is brought up to date. */
static int read_file(struct reader *rd, const struct file *f, struct cursor *cur,
		     bool to_eof)
{
	const struct stat *st = &f->st;
	uint64_t known;
	int rc;

	rd->path = cur->path;
	/* RFC 3164 lines carry no year: none can be later than the file. */
	rd->fmt.year_ref = (int64_t)st->st_mtime > rd->cx->now ? (int64_t)st->st_mtime
								: rd->cx->now;
	if (f->format == LOGFILE_PLAIN) {
		if ((uint64_t)st->st_size > cur->offset && (rc = read_lines(rd, f, cur, to_eof)))
			return rc;
		cur->format = LOGFILE_PLAIN;
		known = (uint64_t)st->st_size;
	} else {
		/* A compressed generation read to its end before is left alone
		 * while it stays the same file (and its cursor was not taken
		 * back to the start). */
		if (!(cur->done && cur->offset > 0 && cur->format == f->format &&
		      cur->csize == (uint64_t)st->st_size &&
		      cur->cmtime_ns == (int64_t)st->st_mtim.tv_sec * 1000000000 +
					st->st_mtim.tv_nsec) &&
		    (rc = read_lines(rd, f, cur, true)))
			return rc;
		known = cur->offset;
	}
	if (cur->head_len < HEAD_BYTES && f->head_n > cur->head_len && known > cur->head_len) {
		cur->head_len = known < f->head_n ? (size_t)known : f->head_n;
		if ((rc = sha256(cur->head, f->head, cur->head_len)))
			return rc;
		cur->dirty = true;
	}
	return 0;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Open every path and glob match; duplicates (same inode) once. */
static int open_files(const struct accesslog_opts *o, struct file **out, size_t *n)
{
	struct file *v = NULL, *nv;
	size_t cnt = 0;
	int rc = 0;

	for (size_t i = 0; i < o->npaths && !rc; i++) {
		glob_t g;
		int gr = glob(o->paths[i], GLOB_ERR, NULL, &g);

		if (gr == GLOB_NOMATCH) {
			globfree(&g);
			if (o->optional)
				continue; /* the source says it may match nothing yet */
			if (has_glob(o->paths[i]))
				rc = err_set(ERR_IO, "'%s' matches no file (a typo? a source that "
					     "may match nothing yet says 'optional: true')", o->paths[i]);
			else
				rc = err_set(ERR_IO, "cannot open '%s': %s", o->paths[i],
					     strerror(ENOENT));
			break;
		}
		if (gr) {
			globfree(&g);
			rc = err_set(ERR_IO, "cannot expand '%s'", o->paths[i]);
			break;
		}
		for (size_t k = 0; k < g.gl_pathc && !rc; k++) {
			struct file f = { .path = NULL, .fd = -1 };
			bool dup = false;

			f.fd = open(g.gl_pathv[k], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
			if (f.fd < 0) {
				rc = err_set(ERR_IO, "cannot open '%s': %s", g.gl_pathv[k],
					     strerror(errno));
				break;
			}
			if (fstat(f.fd, &f.st) < 0 || !S_ISREG(f.st.st_mode)) {
				rc = err_set(ERR_IO, S_ISDIR(f.st.st_mode) ?
					     "'%s' is a directory, expected a log file" :
					     "'%s' is not a regular file", g.gl_pathv[k]);
				close(f.fd);
				break;
			}
			if ((rc = file_probe(&f, g.gl_pathv[k]))) {
				close(f.fd);
				break;
			}
			for (size_t j = 0; j < cnt; j++)
				dup |= v[j].st.st_dev == f.st.st_dev && v[j].st.st_ino == f.st.st_ino;
			if (dup || !(f.path = strdup(g.gl_pathv[k]))) {
				close(f.fd);
				if (!dup)
					rc = err_set(ERR_NOMEM, "out of memory");
				continue;
			}
			if (!(nv = realloc(v, (cnt + 1) * sizeof(*v)))) {
				free(f.path);
				close(f.fd);
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			v = nv;
			v[cnt++] = f;
		}
		globfree(&g);
	}
	*out = v;
	*n = cnt;
	return rc;
}

/* Oldest first, so rotated generations are read in the order written. */
static int by_mtime(const void *a, const void *b)
{
	const struct file *x = a, *y = b;

	if (x->st.st_mtim.tv_sec != y->st.st_mtim.tv_sec)
		return x->st.st_mtim.tv_sec < y->st.st_mtim.tv_sec ? -1 : 1;
	if (x->st.st_mtim.tv_nsec != y->st.st_mtim.tv_nsec)
		return x->st.st_mtim.tv_nsec < y->st.st_mtim.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

static void close_files(struct file *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		close(v[i].fd);
		free(v[i].path);
	}
	free(v);
}

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

static int plan_add(struct plan *p, const struct file *f, bool own_fd,
		    struct cursor *cur, bool to_eof)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct task *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return err_set(ERR_NOMEM, "out of memory");
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n].f = *f;
	p->v[p->n].own_fd = own_fd;
	p->v[p->n].cur = cur;
	p->v[p->n].to_eof = to_eof;
	p->n++;
	return 0;
}

static int task_by_mtime(const void *a, const void *b)
{
	return by_mtime(&((const struct task *)a)->f, &((const struct task *)b)->f);
}

static void dir_of(char *out, size_t cap, const char *path)
{
	char *slash;

	snprintf(out, cap, "%s", path);
	if ((slash = strrchr(out, '/')))
		*slash = '\0';
	else
		snprintf(out, cap, ".");
}

/* Is this inode one the run already reads as a continuing file? */
static bool is_continuing(const struct plan *p, uint64_t dev, uint64_t ino)
{
	for (size_t i = 0; i < p->n; i++)
		if ((uint64_t)p->v[i].f.st.st_dev == dev && (uint64_t)p->v[i].f.st.st_ino == ino)
			return true;
	return false;
}

/*
 * A tracked file no longer starts with what it started with: truncated in
 * place (copy-truncate) or a reused inode.  Look beside it for the copy: a
 * file with the old first bytes and at least the old offset.  Its unread
 * tail is the rest of the old file; it becomes the copy's cursor (replacing
 * any stale cursor the copy's inode had).  *claimed receives the copy's
 * inode so the run does not read it again.
 */
static int find_copy(struct plan *p, struct cursors *cs, struct cursor *old,
		     uint64_t *claimed_dev, uint64_t *claimed_ino)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	*claimed_ino = 0;
	if (!old->loaded)
		return 0;
	dir_of(dir, sizeof(dir), old->path);
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		struct file f = { .path = NULL, .fd = -1 };
		struct cursor *cp;
		char path[PATH_MAX];

		if (fs_join(path, sizeof(path), dir, de->d_name) ||
		    (f.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
			continue;
		if (fstat(f.fd, &f.st) < 0 || !S_ISREG(f.st.st_mode) ||
		    ((uint64_t)f.st.st_dev == old->dev && (uint64_t)f.st.st_ino == old->ino) ||
		    is_continuing(p, (uint64_t)f.st.st_dev, (uint64_t)f.st.st_ino) ||
		    file_probe(&f, path) ||
		    (f.format == LOGFILE_PLAIN && (uint64_t)f.st.st_size < old->was.offset) ||
		    !same_head(&f, old->was.head, old->was.head_len)) {
			close(f.fd);
			continue;
		}
		cp = cursor_find(cs, (uint64_t)f.st.st_dev, (uint64_t)f.st.st_ino);
		if (!cp && !(cp = cursor_add(cs, (uint64_t)f.st.st_dev, (uint64_t)f.st.st_ino, path))) {
			close(f.fd);
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		cursor_continue(cp, &old->was, path);
		old->taken = true;
		if (!(f.path = strdup(path)) || (rc = plan_add(p, &f, true, cp, true))) {
			free(f.path);
			close(f.fd);
			rc = rc ? rc : err_set(ERR_NOMEM, "out of memory");
			break;
		}
		*claimed_dev = (uint64_t)f.st.st_dev;
		*claimed_ino = (uint64_t)f.st.st_ino;
		break;
	}
	closedir(d);
	return rc;
}

/* A tracked inode no current path names: renamed out of the globs.  Find
 * it in its directory to read what was added since; forget it once gone. */
static int find_renamed(struct plan *p, struct cursor *cur)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	dir_of(dir, sizeof(dir), cur->path);
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		struct file f = { .path = NULL, .fd = -1 };

		if ((uint64_t)de->d_ino != cur->ino ||
		    fs_join(path, sizeof(path), dir, de->d_name) ||
		    (f.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
			continue;
		if (fstat(f.fd, &f.st) == 0 && S_ISREG(f.st.st_mode) &&
		    (uint64_t)f.st.st_dev == cur->dev && !file_probe(&f, path) &&
		    f.format == cur->format &&
		    (f.format != LOGFILE_PLAIN || (uint64_t)f.st.st_size >= cur->offset) &&
		    same_start(&f, cur) && (f.path = strdup(path))) {
			cur->seen = cur->dirty = cur->alive = true;
			snprintf(cur->path, sizeof(cur->path), "%s", path);
			if ((rc = plan_add(p, &f, true, cur, false))) {
				free(f.path);
				close(f.fd);
			}
		} else {
			close(f.fd);
		}
		break;
	}
	closedir(d);
	return rc;
}

/*
 * A compressed generation with no cursor of its own: find the cursor of the
 * file it was compressed from (the same first text bytes) and continue that
 * cursor's offset in the decompressed text, so an unread tail is read and
 * nothing is read twice.  While that file is still read this run (the
 * compressor has not removed it yet), or another copy continues it, the
 * compressed copy is left for a later run (*claimed, no task).  No match:
 * *claimed stays false and the caller reads it from its start, once.
 */
static int match_compressed(struct plan *p, struct cursors *cs, struct file *f,
			    bool *claimed)
{
	struct cursor *from = NULL, *cur;

	for (size_t i = 0; i < cs->n; i++) {
		struct cursor *c = &cs->v[i];

		/* (The cursor at f's own inode too: a file deleted, its inode
		 * number reused for its compressed copy.) */
		if (!c->loaded || c->was.head_len == 0 ||
		    !same_head(f, c->was.head, c->was.head_len))
			continue;
		/* That file is read this run, itself or through another copy:
		 * f holds nothing more. */
		if (c->alive || c->taken) {
			*claimed = true;
			return 0;
		}
		if (!from || c->was.offset > from->was.offset)
			from = c;
	}
	if (!from)
		return 0;
	cur = cursor_find(cs, (uint64_t)f->st.st_dev, (uint64_t)f->st.st_ino);
	if (!cur && !(cur = cursor_add(cs, (uint64_t)f->st.st_dev, (uint64_t)f->st.st_ino,
				       f->path)))
		return err_set(ERR_NOMEM, "out of memory");
	from->taken = true;
	cursor_continue(cur, &from->was, f->path);
	cur->format = f->format;
	*claimed = true;
	return plan_add(p, f, false, cur, true);
}

static bool in_files(const struct file *files, size_t n, const struct stat *st)
{
	for (size_t k = 0; k < n; k++)
		if (files[k].st.st_dev == st->st_dev && files[k].st.st_ino == st->st_ino)
			return true;
	return false;
}

/*
 * A tracked file gone from its directory, with no compressed generation in
 * the paths continuing it: `compress` without `delaycompress` and paths
 * without the glob.  Its compressed copy beside it (same first text bytes)
 * supplies the unread tail, once.
 */
static int find_compressed(struct plan *p, struct cursors *cs, struct cursor *old,
			   const struct file *files, size_t nfiles)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	int rc = 0;
	DIR *d;

	dir_of(dir, sizeof(dir), old->path);
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d)) && !rc) {
		struct file f = { .path = NULL, .fd = -1 };
		struct cursor *cur;

		if (fs_join(path, sizeof(path), dir, de->d_name) ||
		    (f.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
			continue;
		if (fstat(f.fd, &f.st) < 0 || !S_ISREG(f.st.st_mode) ||
		    in_files(files, nfiles, &f.st) ||
		    is_continuing(p, (uint64_t)f.st.st_dev, (uint64_t)f.st.st_ino) ||
		    logfile_format_of(f.fd, path, &f.format) || f.format == LOGFILE_PLAIN ||
		    file_probe(&f, path) || !same_head(&f, old->was.head, old->was.head_len)) {
			close(f.fd);
			continue;
		}
		cur = cursor_find(cs, (uint64_t)f.st.st_dev, (uint64_t)f.st.st_ino);
		if ((!cur && !(cur = cursor_add(cs, (uint64_t)f.st.st_dev, (uint64_t)f.st.st_ino,
						path))) || !(f.path = strdup(path))) {
			close(f.fd);
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		old->taken = true;
		cursor_continue(cur, &old->was, path);
		cur->format = f.format;
		if ((rc = plan_add(p, &f, true, cur, true))) {
			free(f.path);
			close(f.fd);
		}
		break;
	}
	closedir(d);
	return rc;
}

static int make_plan(struct plan *p, struct cursors *cs, struct file *files,
		     size_t nfiles, bool complete)
{
	bool *mismatch = calloc(nfiles + 1, sizeof(*mismatch));
	bool *claimed = calloc(nfiles + 1, sizeof(*claimed));
	int rc = 0;

	if (!mismatch || !claimed) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Files that simply continue where their cursor stopped. */
	for (size_t k = 0; k < nfiles && !rc; k++) {
		struct file *f = &files[k];
		struct cursor *cur = cursor_find(cs, (uint64_t)f->st.st_dev, (uint64_t)f->st.st_ino);

		if (!cur)
			continue;
		if ((f->format != LOGFILE_PLAIN || (uint64_t)f->st.st_size >= cur->offset) &&
		    f->format == cur->format && same_start(f, cur)) {
			cur->seen = cur->alive = true;
			if (strcmp(cur->path, f->path)) {
				snprintf(cur->path, sizeof(cur->path), "%s", f->path);
				cur->dirty = true;
			}
			rc = plan_add(p, f, false, cur, complete || f->format != LOGFILE_PLAIN);
		} else {
			mismatch[k] = true;
		}
	}
	/* Inodes renamed out of the paths. */
	for (size_t i = 0; i < cs->n && !rc; i++) {
		bool current = false;

		for (size_t k = 0; k < nfiles; k++)
			current |= (uint64_t)files[k].st.st_dev == cs->v[i].dev &&
				   (uint64_t)files[k].st.st_ino == cs->v[i].ino;
		if (!current && !cs->v[i].seen)
			rc = find_renamed(p, &cs->v[i]);
	}
	/* Truncated in place: claim each one's copy before anything is taken
	 * for a new file (a copy may sit on a reused inode with a stale cursor). */
	for (size_t k = 0; k < nfiles && !rc; k++) {
		struct cursor *cur;
		uint64_t dev, ino;

		if (!mismatch[k] || claimed[k] || files[k].format != LOGFILE_PLAIN)
			continue;
		cur = cursor_find(cs, (uint64_t)files[k].st.st_dev, (uint64_t)files[k].st.st_ino);
		if ((rc = find_copy(p, cs, cur, &dev, &ino)) || !ino)
			continue;
		for (size_t j = 0; j < nfiles; j++)
			if ((uint64_t)files[j].st.st_dev == dev && (uint64_t)files[j].st.st_ino == ino)
				claimed[j] = true;
	}
	/* Compressed generations continue the cursor of the file they were
	 * compressed from. */
	for (size_t k = 0; k < nfiles && !rc; k++)
		if (!claimed[k] && files[k].format != LOGFILE_PLAIN &&
		    (mismatch[k] || !cursor_find(cs, (uint64_t)files[k].st.st_dev,
						 (uint64_t)files[k].st.st_ino)))
			rc = match_compressed(p, cs, &files[k], &claimed[k]);
	for (size_t i = 0, n = cs->n; i < n && !rc; i++)
		if (cs->v[i].loaded && !cs->v[i].alive && !cs->v[i].taken && cs->v[i].was.head_len)
			rc = find_compressed(p, cs, &cs->v[i], files, nfiles);
	/* What is left is read from its start: a truncated file's new content,
	 * a reused inode, or a new file (a compressed one read once, whole). */
	for (size_t k = 0; k < nfiles && !rc; k++) {
		struct file *f = &files[k];
		struct cursor *cur;

		if (claimed[k] || (!mismatch[k] &&
				   cursor_find(cs, (uint64_t)f->st.st_dev, (uint64_t)f->st.st_ino)))
			continue;
		cur = cursor_find(cs, (uint64_t)f->st.st_dev, (uint64_t)f->st.st_ino);
		if (!cur && !(cur = cursor_add(cs, (uint64_t)f->st.st_dev,
					       (uint64_t)f->st.st_ino, f->path))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		snprintf(cur->path, sizeof(cur->path), "%s", f->path);
		cur->offset = cur->line = 0;
		cur->head_len = 0;
		cur->seen = cur->dirty = true;
		cur->format = f->format;
		cur->done = false;
		rc = plan_add(p, f, false, cur, complete || f->format != LOGFILE_PLAIN);
	}
	if (!rc && p->n > 1)
		qsort(p->v, p->n, sizeof(*p->v), task_by_mtime);
out:
	free(mismatch);
	free(claimed);
	return rc;
}

static void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].own_fd) {
			close(p->v[i].f.fd);
			free(p->v[i].f.path);
		}
	free(p->v);
}

/*
 * A rescan: each planned file the source has read before goes back to byte
 * 0, and the entries that held those bytes are found (chains[i] for task
 * i) so the new entries can name what they supersede.
 */
static int plan_rescan(struct collect_ctx *c, const struct accesslog_opts *o,
		       struct plan *p, struct logcheck_chain *chains, struct collect_result *r)
{
	struct logcheck_index *x = NULL;
	int rc;

	if ((rc = logcheck_index_load(&x, c->store, o->source)))
		return rc;
	for (size_t i = 0; i < p->n && !rc; i++) {
		struct cursor *cur = p->v[i].cur;

		if (cur->offset == 0)
			continue;
		if ((rc = logcheck_chain(&chains[i], x, o->source, cur->path, cur->offset)))
			break;
		cur->offset = cur->line = 0;
		cur->dirty = true;
		r->rescanned++;
	}
	logcheck_index_free(x);
	return rc;
}

/* A first run (or rescan) that read lines and parsed none stores nothing:
 * the configuration does not fit the files. */
static int refuse_unparsed(const struct reader *rd)
{
	char expected[600];

	logcheck_expected(&rd->fmt, expected, sizeof(expected));
	return err_set(ERR_PARSE, "%s:%" PRIu64 ": not one of the %" PRIu64 " lines read parses as "
		       "%s, so nothing was stored and the files will be read from the start "
		       "once the configuration of source '%s' is fixed; the first line reads "
		       "(personal data masked) '%s'; expected %s", rd->sample_path,
		       rd->sample_line, rd->run_lines, logfmt_name(rd->fmt.format),
		       rd->o->source, rd->sample ? rd->sample : "(a line too long to show)",
		       expected);
}

/* The text bytes the plan will read, for progress; 0 when a compressed
 * file makes it unknown. */
static uint64_t bytes_to_read(const struct plan *p)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct file *f = &p->v[i].f;

		if (f->format != LOGFILE_PLAIN)
			return 0;
		if ((uint64_t)f->st.st_size > p->v[i].cur->offset)
			sum += (uint64_t)f->st.st_size - p->v[i].cur->offset;
	}
	return sum;
}

int accesslog_collect(struct collect_ctx *c, struct pii *pii,
		      const struct accesslog_opts *o, struct collect_result *r)
{
	struct reader rd;
	struct cursors cs = { NULL, 0, 0 };
	struct plan plan = { NULL, 0, 0 };
	struct logcheck_chain *chains = NULL;
	struct file *files = NULL;
	size_t nfiles = 0;
	int rc;

	memset(&rd, 0, sizeof(rd));
	rd.cx = c;
	rd.pii = pii;
	rd.o = o;
	rd.fmt = o->fmt;
	rd.r = r;
	if ((rc = store_cursor_each(c->store, o->source, load_one, &cs)))
		goto out;
	/* A first run: no cursor has consumed a byte yet (a log that was
	 * still empty when the source was first collected counts too) and
	 * the source never stored a line (its files may all have rotated
	 * away since). */
	rd.first_run = true;
	for (size_t i = 0; i < cs.n; i++)
		rd.first_run &= cs.v[i].offset == 0;
	if (rd.first_run && !o->rescan &&
	    (rc = logcheck_source_is_new(c->store, o->source, &rd.first_run)))
		goto out;
	rd.first_run |= o->rescan;
	if ((rc = open_files(o, &files, &nfiles)) ||
	    (rc = cursors_reserve(&cs, 2 * nfiles + cs.n + 1)) ||
	    (rc = make_plan(&plan, &cs, files, nfiles, o->complete)))
		goto out;
	if (o->rescan) {
		if (!(chains = calloc(plan.n + 1, sizeof(*chains)))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			goto out;
		}
		if ((rc = plan_rescan(c, o, &plan, chains, r)))
			goto out;
	}
	rd.to_read = bytes_to_read(&plan);
	for (size_t i = 0; i < plan.n && !rc; i++) {
		rd.chain = chains && chains[i].n ? &chains[i] : NULL;
		rc = read_file(&rd, &plan.v[i].f, plan.v[i].cur, plan.v[i].to_eof);
	}
	if (!rc && rd.first_run && rd.run_lines && !rd.run_parsed)
		rc = refuse_unparsed(&rd);
	for (size_t i = 0; i < cs.n && !rc; i++) {
		if (!cs.v[i].seen)
			rc = store_cursor_delete(c->store, o->source, cs.v[i].key);
		else if (cs.v[i].dirty)
			rc = cursor_save(c, o->source, &cs.v[i]);
		else
			r->unchanged++;
	}
out:
	for (size_t i = 0; chains && i < plan.n; i++)
		logcheck_chain_free(&chains[i]);
	free(chains);
	free(rd.sample);
	plan_free(&plan);
	close_files(files, nfiles);
	free(cs.v);
	pool_free(rd.pool);
	buf_free(&rd.payload);
	return rc;
}
