#include "accesslog_internal.h"
#include "../common/err.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		return err_nomem();
	rd->line_no = cur->line;
	rd->in_line = false;
	rd->format = f->format;
	if ((rc = accesslog_stats_init(&rd->st, cur->offset)) ||
	    (rc = logfile_open(&lf, f->fd, rd->path, f->format, cur->offset)))
		goto out;
	if (rd->o->jobs > 1 && !rd->pool && ((rc = accesslog_pool_new(&rd->pool, rd, rd->o->jobs)) ||
					     (rc = accesslog_storer_new(&rd->storer, rd->cx->store))))
		goto out;
	pl = rd->pool;
	for (;;) {
		uint64_t at = logfile_offset(lf);
		size_t n, start = 0;

		/* An error of a line before the one the reader stopped at is
		 * the one a single thread would have reported. */
		if ((rc = logfile_read(lf, chunk, CHUNK, &n)) ||
		    (n && (rc = check_text(rd, chunk, n, at)))) {
			int frc = accesslog_pool_flush(pl);

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
				if ((rc = accesslog_pool_flush(pl)) ||
				    (rc = accesslog_overlong_part(rd, pend.data ? pend.data : "", pend.len)) ||
				    (rc = accesslog_overlong_part(rd, chunk + start, i - start)) ||
				    (rc = accesslog_overlong_end(rd, true)))
					goto out;
				overlong = false;
				buf_reset(&pend);
			} else if (pend.len) {
				if ((rc = buf_append(&pend, chunk + start, i - start)) ||
				    (rc = accesslog_put_line(rd, pl, pend.data, pend.len, true)))
					goto out;
				buf_reset(&pend);
			} else if ((rc = accesslog_put_line(rd, pl, chunk + start, i - start, true))) {
				goto out;
			}
			start = i + 1;
		}
		if ((rc = buf_append(&pend, chunk + start, n - start)))
			goto out;
		if (pend.len >= LINE_MAX_BYTES) {
			size_t cut = piece_end(pend.data, pend.len);

			if ((rc = accesslog_pool_flush(pl)) || (rc = accesslog_overlong_part(rd, pend.data, cut)))
				goto out;
			overlong = true;
			memmove(pend.data, pend.data + cut, pend.len - cut);
			pend.len -= cut;
		}
	}
	if ((rc = accesslog_pool_flush(pl)))
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
			if ((to_eof && (rc = accesslog_overlong_part(rd, pend.data ? pend.data : "", pend.len))) ||
			    (rc = accesslog_overlong_end(rd, false)))
				goto out;
			if (!to_eof) {
				rd->line_no--;
				rd->in_line = true;
			}
		} else if ((rc = accesslog_do_line(rd, pend.data, pend.len, false))) {
			goto out;
		}
		buf_reset(&pend);
	}
	/* The partial last line (pend) waits for the next run. */
	if ((rc = accesslog_emit_entry(rd)))
		goto out;
	cur->offset = rd->st.offset_end;
	cur->line = rd->line_no;
	cur->dirty = true;
out:
	logfile_close(lf);
	accesslog_stats_free(&rd->st);
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
	if ((rc = store_cursor_each(c->store, o->source, accesslog_cursor_load, &cs)))
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
	if ((rc = accesslog_open_files(o, &files, &nfiles)) ||
	    (rc = accesslog_cursors_reserve(&cs, 2 * nfiles + cs.n + 1)) ||
	    (rc = accesslog_make_plan(&plan, &cs, files, nfiles, o->complete)))
		goto out;
	if (o->rescan) {
		if (!(chains = calloc(plan.n + 1, sizeof(*chains)))) {
			rc = err_nomem();
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
	/* The stored entries came before anything read after them: their
	 * failure is the one to report. */
	{
		int src = accesslog_storer_finish(rd.storer);

		rc = src ? src : rc;
	}
	if (!rc && rd.first_run && rd.run_lines && !rd.run_parsed)
		rc = refuse_unparsed(&rd);
	for (size_t i = 0; i < cs.n && !rc; i++) {
		if (!cs.v[i].seen)
			rc = store_cursor_delete(c->store, o->source, cs.v[i].key);
		else if (cs.v[i].dirty)
			rc = accesslog_cursor_save(c, o->source, &cs.v[i]);
		else
			r->unchanged++;
	}
out:
	for (size_t i = 0; chains && i < plan.n; i++)
		logcheck_chain_free(&chains[i]);
	free(chains);
	free(rd.sample);
	accesslog_plan_free(&plan);
	accesslog_close_files(files, nfiles);
	free(cs.v);
	accesslog_pool_free(rd.pool);
	accesslog_storer_free(rd.storer);
	buf_free(&rd.payload);
	return rc;
}
