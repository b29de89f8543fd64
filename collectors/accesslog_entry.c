/* accesslog_entry.c - a line parsed, scrubbed and counted, and the entries
 * of a run; see accesslog_internal.h. */

#include "accesslog_internal.h"
#include "jsonluser.h"
#include "../common/err.h"
#include "../common/json.h"
#include "../common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- per-entry statistics ---- */

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
			return err_nomem();
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

int accesslog_stats_init(struct stats *st, uint64_t offset)
{
	memset(st, 0, sizeof(*st));
	st->offset_start = st->offset_end = offset;
	st->status = json_object();
	st->models = json_object();
	if (!st->status || !st->models)
		return err_nomem();
	return 0;
}

void accesslog_stats_free(struct stats *st)
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
	/* Counted in place: a new integer for every line cost a malloc. */
	if (v)
		json_integer_set(v, json_integer_value(v) + 1);
	else
		json_object_set_new(map, key, json_integer(1));
}

/* A rescanned file's entry: "rescan": true and the earlier entries whose
 * bytes it holds again, "supersedes": [index, ...]. */
static int rescan_attrs(struct reader *rd, json_t *a)
{
	json_t *sup = logcheck_overlap(rd->chain, rd->st.offset_start, rd->st.offset_end);

	if (!sup || json_object_set_new(a, "supersedes", sup) ||
	    json_object_set_new(a, "rescan", json_true()))
		return err_nomem();
	rd->r->superseded += json_array_size(sup);
	return 0;
}

int accesslog_emit_entry(struct reader *rd)
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
	if ((rc = rd->storer ? accesslog_storer_put(rd->storer, &in, &rd->payload, &attrs)
			     : store_append(rd->cx->store, &in, NULL)))
		goto out;
	rd->r->entries++;
	rd->r->lines += st->lines;
	rd->r->malformed += st->malformed;
	rd->run_lines += st->lines;
	rd->run_parsed += st->parsed;
	buf_reset(&rd->payload);
	{
		uint64_t next = st->offset_end;

		accesslog_stats_free(st);
		rc = accesslog_stats_init(st, next);
	}
	goto out;
nomem:
	rc = err_nomem();
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
		return err_nomem();
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
int accesslog_scrub_line(struct reader *rd, const char *line, size_t len,
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
int accesslog_account_line(struct reader *rd, const char *line, size_t len, bool nl,
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
		return accesslog_emit_entry(rd);
	return 0;
}

/* One complete line (without its newline; `nl` tells whether it had one). */
int accesslog_do_line(struct reader *rd, const char *line, size_t len, bool nl)
{
	struct log_event ev;
	char token[PII_TOKEN_MAX];
	int rc, prc;

	if ((rc = accesslog_scrub_line(rd, line, len, &ev, &prc, token)))
		return rc;
	return accesslog_account_line(rd, line, len, nl, rd->line_no, prc, &ev, token);
}

/*
 * A line longer than LINE_MAX_BYTES is streamed to the payload in pieces
 * instead of being held whole (memory stays flat), and counted once, as
 * malformed, when its newline comes or the run ends.
 */
int accesslog_overlong_part(struct reader *rd, const char *p, size_t n)
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
		return accesslog_emit_entry(rd);
	return 0;
}

int accesslog_overlong_end(struct reader *rd, bool nl)
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
		return accesslog_emit_entry(rd);
	return 0;
}
