#include "document.h"
#include "observe.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/hash.h"
#include "../common/encode.h"
#include "../common/json.h"
#include "../common/timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The path as given, made absolute against cwd (symlinks are not
 * resolved: the attrs record where the document was taken from).  0 or
 * ERR_LIMIT. */
static int absolute_path(char *out, size_t cap, const char *cwd, const char *path)
{
	if (path[0] == '/')
		return snprintf(out, cap, "%s", path) < (int)cap ? 0 : ERR_LIMIT;
	if (!cwd)
		return ERR_LIMIT;
	return fs_join(out, cap, cwd, path);
}

/* hex: the payload's SHA-256 (observe_digest() computed it). */
static int build_attrs(struct buf *out, const struct document_opts *o, const char *cwd,
		       const char *path, const struct buf *data, const char *hex,
		       int64_t mtime)
{
	char abs[PATH_MAX], mt[RFC3339_LEN], *base, *copy;
	json_t *a;
	int rc;

	/* A modification time outside the documented range is not written. */
	if (!time_in_range(mtime) || time_format(mt, mtime))
		mt[0] = '\0';
	if (absolute_path(abs, sizeof(abs), cwd, path))
		return err_set(ERR_LIMIT, "path too long: '%s'", path);
	if (!(copy = strdup(path)))
		return err_nomem();
	base = basename(copy);
	a = json_pack("{s:s, s:s, s:I, s:s, s:o}", "name", base, "path", abs,
		      "size", (json_int_t)data->len, "sha256", hex,
		      "modified", *mt ? json_string(mt) : json_null());
	free(copy);
	if (!a)
		return err_nomem();
	if (o->type)
		json_object_set_new(a, "type", json_string(o->type));
	rc = json_stable(out, a);
	json_decref(a);
	return rc;
}

/*
 * A document read and worked out ahead of the store: everything of it that
 * touches no store (read, digests, attrs), so a reading thread can do it
 * while the calling thread appends the documents before it.
 */
struct prepared {
	struct buf data, attrs;
	char key[PATH_MAX + 8];
	struct stat st;
	struct observe_digest d;
	struct store_packed packed; /* its compressed form, when packed ahead */
	bool have_packed;
	int rc;
	char err[1024];
};

static void prepared_reset(struct prepared *p)
{
	/* A big document's buffer is not kept for the small ones after it. */
	if (p->data.cap > ((size_t)1 << 20))
		buf_free(&p->data);
	buf_reset(&p->data);
	buf_reset(&p->attrs);
	store_packed_clear(&p->packed);
	if (p->packed.zstd.cap > ((size_t)1 << 20))
		store_packed_free(&p->packed);
	p->have_packed = false;
	memset(&p->d, 0, sizeof(p->d));
	p->rc = 0;
}

/* packer: NULL, or compress the payload too (store_packer_pack). */
static int prepare(struct prepared *p, const struct document_opts *o, const char *cwd,
		   const char *path, struct store_packer *packer)
{
	struct observed ob;
	int rc;

	memcpy(p->key, "seen:", 5);
	if (absolute_path(p->key + 5, sizeof(p->key) - 5, cwd, path))
		return err_set(ERR_LIMIT, "path too long: '%s'", path);
	if ((rc = fs_read_file(&p->data, path, DOCUMENT_MAX_BYTES, &p->st)))
		return rc;
	ob = (struct observed){ o->source, p->key, o->kind, o->type ? o->type : "",
				p->data.data ? p->data.data : "", p->data.len };
	if ((rc = observe_digest(&p->d, &ob)))
		return rc;
	if (packer) {
		if ((rc = store_packer_pack(packer, p->data.data, p->data.len, &p->packed)))
			return rc;
		p->have_packed = true;
	}
	return build_attrs(&p->attrs, o, cwd, path, &p->data, p->d.sha256_hex,
			   (int64_t)p->st.st_mtime);
}

/* The rest, in document order: observed before?  Else its entry. */
static int finish(struct collect_ctx *c, const struct document_opts *o,
		  struct prepared *p, uint64_t *index, bool *unchanged)
{
	struct observed ob;
	struct entry_input in;
	uint64_t idx;
	int rc;

	/* The same bytes as last time: no second copy, one re-observation. */
	ob = (struct observed){ o->source, p->key, o->kind, o->type ? o->type : "",
				p->data.data ? p->data.data : "", p->data.len };
	if ((rc = observe_check_digest(c, &ob, &p->d, unchanged, &idx)))
		return rc;
	if (*unchanged) {
		if (index)
			*index = idx;
		return 0;
	}
	memset(&in, 0, sizeof(in));
	in.kind = o->kind;
	in.source = o->source;
	in.subject = NULL;
	/* A document speaks for itself as last modified, up to when we took it. */
	in.eff_from = time_in_range((int64_t)p->st.st_mtime) && (int64_t)p->st.st_mtime < c->now
		      ? (int64_t)p->st.st_mtime : c->now;
	in.eff_to = c->now;
	in.collected = c->now;
	in.attrs = p->attrs.data;
	in.attrs_len = p->attrs.len;
	in.payload = p->data.data ? p->data.data : "";
	in.payload_len = p->data.len;
	in.payload_sha256 = p->d.sha256;
	in.payload_packed = p->have_packed ? &p->packed : NULL;
	if (!(rc = store_append(c->store, &in, &idx)) && index)
		*index = idx;
	if (!rc)
		rc = observe_recorded_digest(c, &ob, &p->d, idx);
	return rc;
}

/* ---- reading ahead ---- */

/*
 * With more than one core, a thread reads and prepares the documents ahead
 * of the calling thread, which appends them in order: up to AHEAD of them
 * and AHEAD_BYTES of their bytes (one document of any size at least).  A
 * document that fails to be read fails the run when its turn comes, with
 * its message, as it would have without the thread.
 */
#define AHEAD 64
#define AHEAD_BYTES ((size_t)64 << 20)

struct ahead {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const struct document_opts *o;
	const char *cwd;
	char *const *paths;
	size_t n;
	struct prepared slot[AHEAD];  /* document i in slot[i % AHEAD] */
	size_t made, used;            /* documents prepared, and taken */
	size_t bytes;                 /* of the prepared, not yet taken */
	bool stop;
	/* Who sleeps: each side wakes the other only then (a wake-up for
	 * every 2 KiB document cost more than the document's SQLite work). */
	bool reader_waits, caller_waits;
	bool reader_done;             /* it made its last (or failed) */
	/* The last document taken was seen before: compressing the next ones
	 * ahead would likely be wasted (a run of unchanged documents); the
	 * store compresses what turns out new itself. */
	bool last_unchanged;
	struct store_packer *packer;
};

static void *ahead_main(void *arg)
{
	struct ahead *a = arg;

	for (size_t i = 0; i < a->n; i++) {
		struct prepared *p = &a->slot[i % AHEAD];
		bool pack;

		pthread_mutex_lock(&a->mu);
		/* Full: wait until half is free again, not for every slot. */
		if (i - a->used >= AHEAD || (i > a->used && a->bytes >= AHEAD_BYTES))
			while (!a->stop && (i - a->used > AHEAD / 2 ||
					    (i > a->used && a->bytes >= AHEAD_BYTES / 2))) {
				a->reader_waits = true;
				pthread_cond_wait(&a->cv, &a->mu);
			}
		a->reader_waits = false;
		pack = !a->last_unchanged;
		pthread_mutex_unlock(&a->mu);
		if (a->stop)
			break;
		prepared_reset(p);
		if ((p->rc = prepare(p, a->o, a->cwd, a->paths[i], pack ? a->packer : NULL)))
			snprintf(p->err, sizeof(p->err), "%s", err_msg());
		pthread_mutex_lock(&a->mu);
		a->made++;
		a->bytes += p->data.len;
		if (a->caller_waits && (a->made - a->used > AHEAD / 4 || a->made == a->n ||
					a->bytes >= AHEAD_BYTES / 2))
			pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		if (p->rc)
			break; /* the run stops there */
	}
	pthread_mutex_lock(&a->mu);
	a->reader_done = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

static int collect_ahead(struct collect_ctx *c, const struct document_opts *o,
			 const char *cwd, char *const *paths, size_t n, uint64_t *indices,
			 struct collect_result *r)
{
	struct ahead *a = calloc(1, sizeof(*a));
	pthread_t th;
	int rc = 0;

	if (!a)
		return err_nomem();
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	a->o = o;
	a->cwd = cwd;
	a->paths = paths;
	a->n = n;
	if ((rc = store_packer_new(&a->packer)))
		goto out;
	if (pthread_create(&th, NULL, ahead_main, a)) {
		rc = err_set(ERR_NOMEM, "cannot start a thread");
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		struct prepared *p = &a->slot[i % AHEAD];
		bool unchanged = false;

		pthread_mutex_lock(&a->mu);
		/* Behind: wait for a few more than this one (or the end). */
		if (a->made <= i) {
			size_t want = i + AHEAD / 4 < n ? i + AHEAD / 4 : n - 1;

			while (!a->reader_done && (a->made <= i ||
						   (a->made <= want && a->bytes < AHEAD_BYTES / 2))) {
				a->caller_waits = true;
				pthread_cond_wait(&a->cv, &a->mu);
			}
		}
		a->caller_waits = false;
		pthread_mutex_unlock(&a->mu);
		if (p->rc)
			rc = err_set(p->rc, "%s", p->err);
		else if (!(rc = finish(c, o, p, indices ? &indices[i] : NULL, &unchanged)))
			*(unchanged ? &r->unchanged : &r->entries) += 1;
		pthread_mutex_lock(&a->mu);
		a->last_unchanged = !rc && unchanged;
		a->used++;
		a->bytes -= p->data.len;
		if (a->reader_waits && (a->made - a->used <= AHEAD / 2 || a->made == a->used) &&
		    (a->bytes < AHEAD_BYTES / 2 || a->made == a->used))
			pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
	pthread_mutex_lock(&a->mu);
	a->stop = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(th, NULL);
out:
	for (size_t i = 0; i < AHEAD; i++) {
		buf_free(&a->slot[i].data);
		buf_free(&a->slot[i].attrs);
		store_packed_free(&a->slot[i].packed);
	}
	store_packer_free(a->packer);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
	return rc;
}

int document_collect(struct collect_ctx *c, const struct document_opts *o,
		     char *const *paths, size_t n, uint64_t *indices,
		     struct collect_result *r)
{
	struct prepared p;
	char cwd[PATH_MAX];
	const char *wd;
	int rc = 0;

	if (strcmp(o->kind, "document") && strcmp(o->kind, "attestation"))
		return err_set(ERR_USAGE, "--kind must be document or attestation, not '%s'",
			       o->kind);
	/* Relative paths are made absolute against the directory of the run
	 * (asked once, not for every document). */
	wd = getcwd(cwd, sizeof(cwd));
	if (n > 1 && sysconf(_SC_NPROCESSORS_ONLN) > 1)
		return collect_ahead(c, o, wd, paths, n, indices, r);
	memset(&p, 0, sizeof(p));
	for (size_t i = 0; i < n && !rc; i++) {
		bool unchanged;

		prepared_reset(&p);
		if (!(rc = prepare(&p, o, wd, paths[i], NULL)) &&
		    !(rc = finish(c, o, &p, indices ? &indices[i] : NULL, &unchanged)))
			*(unchanged ? &r->unchanged : &r->entries) += 1;
	}
	buf_free(&p.data);
	buf_free(&p.attrs);
	return rc;
}
