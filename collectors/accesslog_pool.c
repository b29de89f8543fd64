/* accesslog_pool.c - lines parsed and scrubbed on every core; see
 * accesslog_internal.h. */

#include "accesslog_internal.h"
#include "../common/err.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		b->rc = accesslog_scrub_line(&w, b->in.data + lr->in_off, lr->len, &lr->ev, &lr->prc,
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

void accesslog_pool_free(struct pool *pl)
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

int accesslog_pool_new(struct pool **out, struct reader *rd, size_t nth)
{
	struct pool *pl = calloc(1, sizeof(*pl));
	int rc = 0;

	*out = NULL;
	if (!pl)
		return err_nomem();
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
		rc = err_nomem();
		goto out;
	}
	for (size_t i = 0; i < pl->nb; i++)
		if (!(pl->b[i].rec = calloc(BATCH_LINES, sizeof(*pl->b[i].rec)))) {
			rc = err_nomem();
			goto out;
		}
	for (size_t i = 0; i < nth; i++)
		if ((rc = pii_new(&pl->pii[i], rd->cx->secret)))
			goto out;
	for (size_t i = 0; i < nth; i++) {
		struct worker_arg *wa = malloc(sizeof(*wa));

		if (!wa) {
			rc = err_nomem();
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
	accesslog_pool_free(pl);
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
		if ((rc = accesslog_account_line(rd, b->in.data + lr->in_off, lr->len, lr->nl,
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
int accesslog_pool_flush(struct pool *pl)
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
int accesslog_put_line(struct reader *rd, struct pool *pl, const char *line, size_t len,
		    bool nl)
{
	struct batch *b;
	struct line_rec *lr;
	int rc;

	if (!pl)
		return accesslog_do_line(rd, line, len, nl);
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
