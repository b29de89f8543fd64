/*
 * reports/pack_zip.c: the zip of a pack.  Files are deflated on every core
 * (pack_deflate.h) in the order libzip writes them; payloads too large for
 * that stream from the store through libzip, hashed on the way.
 */
#include "pack_internal.h"
#include "pack_deflate.h"
#include "../common/err.h"
#include "../common/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

/* ---- the zip ---- */

/* What the zip writer has written, for the progress. */
struct written {
	struct progress *progress;
	uint64_t done, total;
};

static void wrote(struct written *w, uint64_t n)
{
	w->done += n;
	progress_update(w->progress, PROGRESS_BYTES, w->done < w->total ? w->done : w->total,
			w->total);
}

/* A payload streamed from the store into the zip (libzip pulls it while it
 * writes), hashed on the way: it must be the bytes the manifest lists. */
struct stream_src {
	struct store *s;
	const struct pfile *f;
	struct pack_deflater *d; /* job >= 0: deflated ahead by a worker */
	long job;
	bool have;               /* def holds the job's result (its sizes stay) */
	struct pack_deflated def;
	size_t pos;
	struct store_payload *sp;
	struct sha256_ctx *h;
	uint64_t got;
	zip_error_t error;
	int *rc;         /* the first failure, for write_zip's message */
	struct written *w;
};

static zip_int64_t stream_fail(struct stream_src *ss, int rc)
{
	if (!*ss->rc)
		*ss->rc = rc;
	zip_error_set(&ss->error, ZIP_ER_READ, 0);
	return -1;
}

/* A payload a worker deflated (pack_deflate.h): libzip copies the deflate
 * stream as it is, told its method, CRC and sizes; freed once written. */
static zip_int64_t deflated_cb(struct stream_src *ss, void *data, zip_uint64_t len,
			       zip_source_cmd_t cmd)
{
	int rc;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
	case ZIP_SOURCE_STAT:
		if (!ss->have) {
			if ((rc = pack_deflate_take(ss->d, (size_t)ss->job, &ss->def)))
				return stream_fail(ss, rc);
			ss->have = true;
		}
		if (cmd == ZIP_SOURCE_OPEN) {
			if (!ss->def.data && ss->def.len)
				return stream_fail(ss, err_set(ERR_USAGE, "'%s' read twice",
							       ss->f->name));
			ss->pos = 0;
			return 0;
		} else {
			zip_stat_t *st = data;

			if (len < sizeof(*st))
				return -1;
			zip_stat_init(st);
			st->size = ss->def.size;
			st->comp_size = ss->def.len;
			st->comp_method = ZIP_CM_DEFLATE;
			st->crc = ss->def.crc;
			st->mtime = 0;
			st->valid |= ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD |
				ZIP_STAT_CRC | ZIP_STAT_MTIME;
			return sizeof(*st);
		}
	case ZIP_SOURCE_READ:
		if (len > ss->def.len - ss->pos)
			len = ss->def.len - ss->pos;
		if (len)
			memcpy(data, ss->def.data + ss->pos, len);
		ss->pos += len;
		return (zip_int64_t)len;
	case ZIP_SOURCE_CLOSE:
		if (ss->def.data)
			wrote(ss->w, ss->def.size);
		free(ss->def.data);
		ss->def.data = NULL;
		return 0;
	case ZIP_SOURCE_GET_FILE_ATTRIBUTES: {
		/* What libzip's own deflate says of level 6. */
		zip_file_attributes_t *a = data;

		if (len < sizeof(*a))
			return -1;
		zip_file_attributes_init(a);
		a->valid |= ZIP_FILE_ATTRIBUTES_VERSION_NEEDED |
			ZIP_FILE_ATTRIBUTES_GENERAL_PURPOSE_BIT_FLAGS;
		a->version_needed = 20;
		a->general_purpose_bit_flags = 0;
		a->general_purpose_bit_mask = 0x0006;
		return sizeof(*a);
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&ss->error, data, len);
	case ZIP_SOURCE_FREE:
		free(ss->def.data);
		zip_error_fini(&ss->error);
		free(ss);
		return 0;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
						      ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
						      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
						      ZIP_SOURCE_GET_FILE_ATTRIBUTES, -1);
	default:
		zip_error_set(&ss->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

static zip_int64_t stream_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct stream_src *ss = ud;
	uint8_t digest[SHA256_LEN];
	size_t got;
	int rc;

	if (ss->job >= 0)
		return deflated_cb(ss, data, len, cmd);
	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		/* Also a second time, should libzip read the data again. */
		store_payload_close(ss->sp);
		sha256_free(ss->h);
		ss->sp = NULL;
		ss->h = NULL;
		ss->got = 0;
		if ((rc = store_payload_open(ss->s, ss->f->index, &ss->sp, NULL, NULL)) ||
		    (rc = sha256_new(&ss->h)))
			return stream_fail(ss, rc);
		return 0;
	case ZIP_SOURCE_READ:
		if ((rc = store_payload_read(ss->sp, data, len, &got)) ||
		    (rc = sha256_update(ss->h, data, got)))
			return stream_fail(ss, rc);
		ss->got += got;
		wrote(ss->w, got);
		if (got == 0) {
			rc = sha256_final(ss->h, digest);
			ss->h = NULL;
			if (rc)
				return stream_fail(ss, rc);
			if (ss->got != ss->f->size || memcmp(digest, ss->f->sha256, SHA256_LEN))
				return stream_fail(ss, err_set(ERR_VERIFY, "entry %" PRIu64
					": its payload does not match its digest in the store "
					"(run 'auditpack verify')", ss->f->index));
		}
		return (zip_int64_t)got;
	case ZIP_SOURCE_CLOSE:
		store_payload_close(ss->sp);
		sha256_free(ss->h);
		ss->sp = NULL;
		ss->h = NULL;
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;

		if (len < sizeof(*st))
			return -1;
		zip_stat_init(st);
		st->size = ss->f->size;
		st->mtime = 0;
		st->valid |= ZIP_STAT_SIZE | ZIP_STAT_MTIME;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&ss->error, data, len);
	case ZIP_SOURCE_FREE:
		store_payload_close(ss->sp);
		sha256_free(ss->h);
		zip_error_fini(&ss->error);
		free(ss);
		return 0;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
						      ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
						      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		zip_error_set(&ss->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

static zip_source_t *stream_source(zip_t *za, struct store *s, const struct pfile *f,
				   struct pack_deflater *d, long job, int *rc, struct written *w)
{
	struct stream_src *ss = calloc(1, sizeof(*ss));
	zip_source_t *src;

	if (!ss)
		return NULL;
	ss->s = s;
	ss->f = f;
	ss->d = d;
	ss->job = job;
	ss->rc = rc;
	ss->w = w;
	zip_error_init(&ss->error);
	if (!(src = zip_source_function(za, stream_cb, ss))) {
		zip_error_fini(&ss->error);
		free(ss);
	}
	return src;
}

/* An entry's page, made again for the zip writer (pack_deflate_make_fn):
 * the same bytes as when its digest was taken, or an error. */
struct page_maker {
	const struct files *fs;
	const size_t *file_of;   /* of each job */
	const struct report_ctx *r;
};

static int make_page(void *arg, size_t k, struct buf *out)
{
	const struct page_maker *m = arg;
	const struct pfile *f = &m->fs->v[m->file_of[k]];
	uint8_t d[SHA256_LEN];
	char *p;
	int rc;

	if ((rc = report_entry_html(out, m->r, f->page)) ||
	    (rc = sha256(d, out->data ? out->data : "", out->len)))
		return rc;
	if (out->len != f->size || memcmp(d, f->sha256, SHA256_LEN))
		return err_set(ERR_USAGE, "'%s' came out different when made again", f->name);
	/* Up to a window of pages wait for a worker: without the room they
	 * grew into (9 KiB in 16 KiB). */
	if (out->cap > out->len + 1 && (p = realloc(out->data, out->len + 1))) {
		out->data = p;
		out->cap = out->len + 1;
	}
	return 0;
}

int pack_write_zip(struct store *s, const struct files *fs, const char *path,
		   const struct report_ctx *r, struct progress *progress)
{
	struct page_maker maker = { fs, NULL, r };
	struct written w = { progress, 0, 0 };
	char tmp[4096];
	zip_t *za;
	struct pack_deflater *d = NULL;
	struct pack_deflate_job *jobs = NULL;
	long *job_of = NULL;
	size_t *file_of = NULL, njobs = 0;
	int zerr, rc = 0, stream_rc = 0;

	/* Built beside the target and renamed: a failed run leaves no half pack. */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return err_set(ERR_LIMIT, "path too long");
	/* Every file, payloads of up to PACK_DEFLATE_MAX bytes included, is
	 * deflated on every core, in the order libzip writes them; larger
	 * payloads stream through libzip. */
	if (!(jobs = calloc(fs->n + 1, sizeof(*jobs))) || !(job_of = calloc(fs->n + 1, sizeof(*job_of))) ||
	    !(file_of = calloc(fs->n + 1, sizeof(*file_of)))) {
		free(jobs);
		free(job_of);
		return err_nomem();
	}
	for (size_t i = 0; i < fs->n; i++) {
		const struct pfile *f = &fs->v[i];

		job_of[i] = -1;
		w.total += f->size;
		if (f->stream && f->size > PACK_DEFLATE_MAX)
			continue;
		jobs[njobs].data = f->stream || f->page ? NULL :
			f->data.data ? (const void *)f->data.data : "";
		jobs[njobs].make = f->page != NULL;
		jobs[njobs].index = f->index;
		jobs[njobs].size = f->size;
		jobs[njobs].sha256 = f->sha256;
		file_of[njobs] = i;
		job_of[i] = (long)njobs++;
	}
	maker.file_of = file_of;
	if ((rc = pack_deflate_start(&d, s, jobs, njobs, 0, make_page, &maker)))
		goto out;
	if (!(za = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &zerr))) {
		rc = err_set(ERR_IO, "cannot create '%s' (libzip error %d)", tmp, zerr);
		goto out;
	}
	for (size_t i = 0; i < fs->n && !rc; i++) {
		zip_source_t *src = stream_source(za, s, &fs->v[i], d, job_of[i], &stream_rc, &w);
		zip_int64_t idx;

		if (!src || (idx = zip_file_add(za, fs->v[i].name, src, ZIP_FL_ENC_UTF_8)) < 0) {
			zip_source_free(src);
			rc = err_set(ERR_IO, "cannot add '%s' to the pack: %s", fs->v[i].name,
				     zip_strerror(za));
			break;
		}
		/* Fixed time, mode and compression: the same inputs, the same bytes. */
		if (zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 6) < 0 ||
		    zip_file_set_dostime(za, (zip_uint64_t)idx, 0, (1 << 5) | 1, 0) < 0 ||
		    zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
						     (zip_uint32_t)0100644 << 16) < 0)
			rc = err_set(ERR_IO, "cannot set attributes of '%s': %s", fs->v[i].name,
				     zip_strerror(za));
	}
	if (rc) {
		zip_discard(za);
		remove(tmp);
		goto out;
	}
	if (zip_close(za) < 0) {
		/* A payload that failed to stream has said why. */
		rc = stream_rc ? err_wrap(stream_rc, "cannot write '%s'", tmp) :
			err_set(ERR_IO, "cannot write '%s': %s", tmp, zip_strerror(za));
		zip_discard(za);
		remove(tmp);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		remove(tmp);
		rc = err_set(ERR_IO, "cannot write '%s'", path);
	}
out:
	pack_deflate_stop(d);
	free(jobs);
	free(job_of);
	free(file_of);
	return rc;
}
