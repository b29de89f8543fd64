#include "pack_deflate.h"
#include "../common/err.h"
#include "../common/hash.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libdeflate.h>

/* Jobs started ahead of the writer: at most WINDOW of them, and at most
 * AHEAD_BYTES of input from the one it waits for on (two access-log
 * entries of a little over 16 MiB: both cores busy).  A worker takes up to
 * BATCH files, BATCH_BYTES of them, at a time (or one larger file): one
 * lock and one wake-up a batch rather than a file, which for thousands of
 * small files cost more than deflating them. */
#define WINDOW 1024
#define AHEAD_BYTES ((uint64_t)40 << 20)
#define BATCH 32
#define BATCH_BYTES ((uint64_t)256 << 10)
#define MAX_THREADS 8

enum slot_state { FREE, READY, WORKING, DONE };

struct slot {
	enum slot_state state;     /* READY: a made job's bytes are in `in` */
	size_t k;                  /* the job it holds */
	int rc;
	char *msg;
	struct buf in;             /* a made job's bytes */
	struct pack_deflated r;
};

struct worker {
	struct pack_deflater *d;
	struct libdeflate_compressor *c, *small; /* PACK_DEFLATE_LEVEL, level 1 */
	uint8_t *in;               /* a payload read whole (reused) */
	size_t cap;
	pthread_t th;
	bool started;
};

struct pack_deflater {
	struct store *s;
	const struct pack_deflate_job *jobs;
	pack_deflate_make_fn make;
	void *make_arg;
	size_t n, next, low;
	size_t made;               /* jobs before this one are made (or need not be) */
	uint64_t ahead;            /* input bytes of jobs [low, next) */
	bool stop;
	unsigned idle;             /* workers waiting on `work` */
	pthread_mutex_t mu;
	pthread_cond_t work;       /* a batch may start (or stop) */
	pthread_cond_t done;       /* a batch is done */
	struct worker w[MAX_THREADS];
	unsigned nth;
	struct slot slots[WINDOW]; /* job k in slots[k % WINDOW] */
};

/* Read payload j whole into w->in and check it against its digest. */
static int read_payload(struct worker *w, const struct pack_deflate_job *j)
{
	struct store_payload *sp = NULL;
	struct sha256_ctx *h = NULL;
	uint8_t digest[SHA256_LEN];
	size_t total = 0, got;
	int rc;

	/* One byte more than the leaf says, to see a payload that is longer. */
	if (w->cap < j->size + 1) {
		free(w->in);
		w->cap = 0;
		if (!(w->in = malloc((size_t)j->size + 1)))
			return err_nomem();
		w->cap = (size_t)j->size + 1;
	}
	if ((rc = store_payload_open(w->d->s, j->index, &sp, NULL, NULL)))
		return rc;
	do {
		if ((rc = store_payload_read(sp, w->in + total, (size_t)j->size + 1 - total, &got)))
			goto out;
		total += got;
	} while (got && total <= j->size);
	/* Not sha256(): its context is kept per thread, and these threads end. */
	if (total == j->size && !(rc = sha256_new(&h)) && !(rc = sha256_update(h, w->in, total))) {
		rc = sha256_final(h, digest);
		h = NULL;
	}
	if (!rc && (total != j->size || memcmp(digest, j->sha256, SHA256_LEN)))
		rc = err_set(ERR_VERIFY, "entry %" PRIu64 ": its payload does not match its "
			     "digest in the store (run 'auditpack verify')", j->index);
out:
	sha256_free(h);
	store_payload_close(sp);
	return rc;
}

/* Deflate one file; on failure the error is set (in this thread). */
static int deflate_one(struct worker *w, const struct pack_deflate_job *j, struct pack_deflated *r)
{
	const uint8_t *src = j->data;
	struct libdeflate_compressor *c = j->size < PACK_DEFLATE_SMALL ? w->small : w->c;
	size_t bound;
	uint8_t *p;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!src) {
		if ((rc = read_payload(w, j)))
			return rc;
		src = w->in;
	}
	r->size = j->size;
	r->crc = libdeflate_crc32(0, src, (size_t)j->size);
	bound = libdeflate_deflate_compress_bound(c, (size_t)j->size);
	/* Pages of the bound not written are never touched. */
	if (!(r->data = malloc(bound)))
		return err_nomem();
	if (!(r->len = libdeflate_deflate_compress(c, src, (size_t)j->size, r->data, bound))) {
		free(r->data);
		r->data = NULL;
		return err_set(ERR_NOMEM, "deflate failed");
	}
	if (r->len < bound && (p = realloc(r->data, r->len)))
		r->data = p;
	return 0;
}

/*
 * How many jobs from d->next a worker may start now, as one batch (0:
 * wait).  While the window leaves room for less than half a batch, wait
 * for the writer to take more, unless it waits for d->next itself.
 */
static size_t claimable(const struct pack_deflater *d)
{
	uint64_t ahead = d->ahead, bytes = 0;
	size_t k = d->next, c = 0;

	while (k < d->n && k < d->low + WINDOW && k < d->made && c < BATCH) {
		const struct slot *sl = &d->slots[k % WINDOW];
		uint64_t size = d->jobs[k].size;

		if (d->jobs[k].make ? sl->state != READY || sl->k != k : sl->state != FREE)
			break;
		if ((k != d->low && ahead + size > AHEAD_BYTES) || (c && bytes + size > BATCH_BYTES))
			break;
		ahead += size;
		bytes += size;
		c++;
		k++;
	}
	if (c < BATCH / 2 && k == d->low + WINDOW && d->next != d->low)
		return 0;
	return c;
}

/* Wake the workers waiting for work if there is some. */
static void wake_workers(struct pack_deflater *d)
{
	if (d->idle && claimable(d))
		pthread_cond_broadcast(&d->work);
}

static void *worker(void *arg)
{
	struct worker *w = arg;
	struct pack_deflater *d = w->d;
	struct pack_deflated r[BATCH];
	struct pack_deflate_job job[BATCH];
	struct buf in[BATCH];
	char *msg[BATCH];
	int rc[BATCH];

	pthread_mutex_lock(&d->mu);
	while (!d->stop && d->next < d->n) {
		size_t k0 = d->next, c = claimable(d);

		if (!c) {
			d->idle++;
			pthread_cond_wait(&d->work, &d->mu);
			d->idle--;
			continue;
		}
		for (size_t i = 0; i < c; i++) {
			struct slot *sl = &d->slots[(k0 + i) % WINDOW];

			job[i] = d->jobs[k0 + i];
			in[i] = sl->in;
			memset(&sl->in, 0, sizeof(sl->in));
			if (job[i].make)
				job[i].data = in[i].data ? in[i].data : "";
			sl->state = WORKING;
			sl->k = k0 + i;
			d->ahead += d->jobs[k0 + i].size;
		}
		d->next = k0 + c;
		pthread_mutex_unlock(&d->mu);
		for (size_t i = 0; i < c; i++) {
			rc[i] = deflate_one(w, &job[i], &r[i]);
			msg[i] = rc[i] ? strdup(err_msg()) : NULL;
			buf_free(&in[i]);
		}
		pthread_mutex_lock(&d->mu);
		for (size_t i = 0; i < c; i++) {
			struct slot *sl = &d->slots[(k0 + i) % WINDOW];

			if (k0 + i < d->low) { /* dropped meanwhile */
				free(r[i].data);
				free(msg[i]);
				sl->state = FREE;
				continue;
			}
			sl->rc = rc[i];
			sl->msg = msg[i];
			sl->r = r[i];
			sl->state = DONE;
		}
		pthread_cond_broadcast(&d->done);
		wake_workers(d);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

static unsigned cores(void)
{
	long c = sysconf(_SC_NPROCESSORS_ONLN);

	return c < 1 ? 1 : c > MAX_THREADS ? MAX_THREADS : (unsigned)c;
}

int pack_deflate_start(struct pack_deflater **out, struct store *s,
		       const struct pack_deflate_job *jobs, size_t n, unsigned nthreads,
		       pack_deflate_make_fn make, void *make_arg)
{
	struct pack_deflater *d;

	*out = NULL;
	if (!(d = calloc(1, sizeof(*d))))
		return err_nomem();
	d->jobs = jobs;
	d->s = s;
	d->n = n;
	d->make = make;
	d->make_arg = make_arg;
	/* Without make() no job waits to be made. */
	d->made = make ? 0 : n;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->work, NULL);
	pthread_cond_init(&d->done, NULL);
	if (!nthreads || nthreads > MAX_THREADS)
		nthreads = nthreads ? MAX_THREADS : cores();
	for (unsigned i = 0; i < nthreads && n; i++) {
		struct worker *w = &d->w[d->nth];

		w->d = d;
		if (!(w->c = libdeflate_alloc_compressor(PACK_DEFLATE_LEVEL)) ||
		    !(w->small = libdeflate_alloc_compressor(1))) {
			libdeflate_free_compressor(w->c);
			w->c = NULL;
			break;
		}
		d->nth++;
		if (pthread_create(&w->th, NULL, worker, w))
			break;
		w->started = true;
	}
	if (n && (!d->nth || !d->w[0].started)) {
		pack_deflate_stop(d);
		return err_set(ERR_NOMEM, "cannot start a thread");
	}
	*out = d;
	return 0;
}

/* Free what slot j < k holds that nobody will take. */
static void drop(struct pack_deflater *d, size_t j)
{
	struct slot *sl = &d->slots[j % WINDOW];

	if (sl->k != j || (sl->state != DONE && sl->state != READY))
		return; /* not started (or still working: the worker frees it) */
	free(sl->r.data);
	free(sl->msg);
	buf_free(&sl->in);
	memset(sl, 0, sizeof(*sl));
}

/*
 * Make the jobs marked make up to the end of the window (on the caller's
 * thread, the lock released meanwhile).  A job whose slot still holds one
 * dropped a window ago waits for it; a failure is that job's result.
 */
static void make_ahead(struct pack_deflater *d)
{
	while (d->made < d->n && d->made < d->low + WINDOW) {
		size_t j = d->made;
		struct slot *sl = &d->slots[j % WINDOW];
		struct buf b = BUF_INIT;
		int rc;

		if (d->jobs[j].make) {
			if (sl->state != FREE)
				return;
			pthread_mutex_unlock(&d->mu);
			rc = d->make(d->make_arg, j, &b);
			pthread_mutex_lock(&d->mu);
			sl->k = j;
			if (rc) {
				buf_free(&b);
				sl->rc = rc;
				sl->msg = strdup(err_msg());
				sl->state = DONE;
			} else {
				sl->in = b;
				sl->state = READY;
			}
		}
		d->made++;
	}
}

/* Move the writer's position to k. */
static void advance(struct pack_deflater *d, size_t k)
{
	for (; d->low < k; d->low++)
		if (d->low < d->next)
			d->ahead -= d->jobs[d->low].size;
	if (d->next < d->low)
		d->next = d->low;
	if (d->made < d->low)
		d->made = d->low;
}

int pack_deflate_take(struct pack_deflater *d, size_t k, struct pack_deflated *out)
{
	struct slot *sl = &d->slots[k % WINDOW];
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
	for (size_t j = d->low; j < k && j < d->made; j++)
		drop(d, j);
	advance(d, k);
	while (!(sl->k == k && sl->state == DONE)) {
		make_ahead(d);
		wake_workers(d);
		if (sl->k == k && sl->state == DONE)
			break;
		pthread_cond_wait(&d->done, &d->mu);
	}
	if (sl->rc)
		rc = err_set(sl->rc, "%s", sl->msg ? sl->msg : "out of memory");
	else
		*out = sl->r;
	free(sl->msg);
	memset(sl, 0, sizeof(*sl));
	advance(d, k + 1);
	make_ahead(d);
	wake_workers(d);
	pthread_mutex_unlock(&d->mu);
	return rc;
}

void pack_deflate_stop(struct pack_deflater *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->mu);
	d->stop = true;
	pthread_cond_broadcast(&d->work);
	pthread_mutex_unlock(&d->mu);
	for (unsigned i = 0; i < d->nth; i++) {
		if (d->w[i].started)
			pthread_join(d->w[i].th, NULL);
		libdeflate_free_compressor(d->w[i].c);
		libdeflate_free_compressor(d->w[i].small);
		free(d->w[i].in);
	}
	for (size_t j = 0; j < WINDOW; j++) {
		free(d->slots[j].r.data);
		free(d->slots[j].msg);
		buf_free(&d->slots[j].in);
	}
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->work);
	pthread_cond_destroy(&d->done);
	free(d);
}
