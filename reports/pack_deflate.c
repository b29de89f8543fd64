#include "pack_deflate.h"
#include "../common/err.h"
#include "../common/hash.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#define CHUNK (64 * 1024)
/* Results that may wait to be taken, beyond the one being written: with
 * 16 MiB payloads deflating 5:1, about 10 MiB. */
#define AHEAD 3
#define MAX_THREADS 8

enum slot_state { TODO, WORKING, DONE, TAKEN };

struct slot {
	enum slot_state state;
	int rc;
	char *msg;
	struct pack_deflated r;
};

struct pack_deflater {
	struct store *s;
	struct pack_deflate_job *jobs;
	struct slot *slots;
	size_t n, next, low;
	bool stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th[MAX_THREADS];
	unsigned nth;
};

/* Deflate one payload; on failure the error is set (in this thread). */
static int deflate_one(struct store *s, const struct pack_deflate_job *j, struct pack_deflated *r)
{
	struct store_payload *sp = NULL;
	struct sha256_ctx *h = NULL;
	uint8_t digest[SHA256_LEN], *chunk = NULL;
	z_stream z;
	bool zinit = false;
	size_t got, cap;
	int rc, zr;

	memset(r, 0, sizeof(*r));
	memset(&z, 0, sizeof(z));
	r->crc = (uint32_t)crc32(0, Z_NULL, 0);
	if ((rc = store_payload_open(s, j->index, &sp, NULL, NULL)) || (rc = sha256_new(&h)))
		goto out;
	/* Raw deflate, level 6, zlib's defaults otherwise: what `zip -6` and
	 * libzip write. */
	if (deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto out;
	}
	zinit = true;
	cap = deflateBound(&z, (uLong)j->size) + 64;
	if (!(chunk = malloc(CHUNK)) || !(r->data = malloc(cap))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto out;
	}
	z.next_out = r->data;
	z.avail_out = (uInt)cap;
	for (;;) {
		if ((rc = store_payload_read(sp, chunk, CHUNK, &got)))
			goto out;
		if (r->size + got > j->size) { /* longer than the leaf says */
			rc = err_set(ERR_VERIFY, "entry %" PRIu64 ": its payload does not match "
				     "its digest in the store (run 'auditpack verify')", j->index);
			goto out;
		}
		if ((rc = sha256_update(h, chunk, got)))
			goto out;
		r->crc = (uint32_t)crc32(r->crc, chunk, (uInt)got);
		r->size += got;
		z.next_in = chunk;
		z.avail_in = (uInt)got;
		do {
			if (z.avail_out == 0) {
				uint8_t *p = realloc(r->data, cap * 2);

				if (!p) {
					rc = err_set(ERR_NOMEM, "out of memory");
					goto out;
				}
				r->data = p;
				z.next_out = p + cap;
				z.avail_out = (uInt)cap;
				cap *= 2;
			}
			zr = deflate(&z, got ? Z_NO_FLUSH : Z_FINISH);
			if (zr == Z_STREAM_ERROR) {
				rc = err_set(ERR_NOMEM, "deflate failed");
				goto out;
			}
		} while (z.avail_in || z.avail_out == 0 || (!got && zr != Z_STREAM_END));
		if (!got)
			break;
	}
	rc = sha256_final(h, digest);
	h = NULL;
	if (rc)
		goto out;
	if (r->size != j->size || memcmp(digest, j->sha256, SHA256_LEN)) {
		rc = err_set(ERR_VERIFY, "entry %" PRIu64 ": its payload does not match its "
			     "digest in the store (run 'auditpack verify')", j->index);
		goto out;
	}
	r->len = z.total_out;
out:
	if (zinit)
		deflateEnd(&z);
	sha256_free(h);
	free(chunk);
	store_payload_close(sp);
	if (rc) {
		free(r->data);
		r->data = NULL;
	}
	return rc;
}

static void *worker(void *arg)
{
	struct pack_deflater *d = arg;

	pthread_mutex_lock(&d->mu);
	while (!d->stop && d->next < d->n) {
		size_t k;
		struct pack_deflated r;
		int rc;

		if (d->next >= d->low + AHEAD) {
			pthread_cond_wait(&d->cv, &d->mu);
			continue;
		}
		k = d->next++;
		d->slots[k].state = WORKING;
		pthread_mutex_unlock(&d->mu);
		rc = deflate_one(d->s, &d->jobs[k], &r);
		pthread_mutex_lock(&d->mu);
		d->slots[k].rc = rc;
		if (rc)
			d->slots[k].msg = strdup(err_msg());
		if (k < d->low) { /* dropped meanwhile */
			free(r.data);
			d->slots[k].state = TAKEN;
		} else {
			d->slots[k].r = r;
			d->slots[k].state = DONE;
		}
		pthread_cond_broadcast(&d->cv);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

int pack_deflate_start(struct pack_deflater **out, struct store *s,
		       const struct pack_deflate_job *jobs, size_t n, unsigned nthreads)
{
	struct pack_deflater *d;

	*out = NULL;
	if (!(d = calloc(1, sizeof(*d))) || !(d->jobs = malloc((n + 1) * sizeof(*jobs))) ||
	    !(d->slots = calloc(n + 1, sizeof(*d->slots)))) {
		if (d)
			free(d->jobs);
		free(d);
		return err_set(ERR_NOMEM, "out of memory");
	}
	if (n)
		memcpy(d->jobs, jobs, n * sizeof(*jobs));
	d->s = s;
	d->n = n;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	if (!nthreads) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		nthreads = c < 1 ? 1 : c > MAX_THREADS ? MAX_THREADS : (unsigned)c;
	}
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	for (unsigned i = 0; i < nthreads && n; i++) {
		if (pthread_create(&d->th[d->nth], NULL, worker, d))
			break;
		d->nth++;
	}
	if (n && !d->nth) {
		pack_deflate_stop(d);
		return err_set(ERR_NOMEM, "cannot start a thread");
	}
	*out = d;
	return 0;
}

int pack_deflate_take(struct pack_deflater *d, size_t k, struct pack_deflated *out)
{
	struct slot *sl;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (k >= d->n)
		return err_set(ERR_USAGE, "pack_deflate_take: no job %zu", k);
	pthread_mutex_lock(&d->mu);
	if (k < d->low) {
		pthread_mutex_unlock(&d->mu);
		return err_set(ERR_USAGE, "pack_deflate_take: job %zu already taken", k);
	}
	/* Jobs skipped are dropped: nobody will ask for them. */
	for (size_t j = d->low; j < k; j++)
		if (d->slots[j].state == DONE) {
			free(d->slots[j].r.data);
			d->slots[j].r.data = NULL;
			d->slots[j].state = TAKEN;
		}
	d->low = k;
	pthread_cond_broadcast(&d->cv);
	sl = &d->slots[k];
	while (sl->state != DONE)
		pthread_cond_wait(&d->cv, &d->mu);
	if (sl->rc)
		rc = err_set(sl->rc, "%s", sl->msg ? sl->msg : "out of memory");
	else
		*out = sl->r;
	sl->r.data = NULL;
	sl->state = TAKEN;
	d->low = k + 1;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	return rc;
}

void pack_deflate_stop(struct pack_deflater *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->mu);
	d->stop = true;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	for (unsigned i = 0; i < d->nth; i++)
		pthread_join(d->th[i], NULL);
	for (size_t j = 0; j < d->n; j++) {
		free(d->slots[j].r.data);
		free(d->slots[j].msg);
	}
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d->slots);
	free(d->jobs);
	free(d);
}
