/*
 * accesslog_storer.c - entries stored on a thread of their own (--jobs > 1).
 *
 * Storing an entry (its two SHA-256 passes, its compression and the SQLite
 * insert; a fifth of collect's CPU time) no longer stops the reading thread:
 * the entry's payload and attrs buffers are handed over whole (swapped, not
 * copied) and stored while the next entry is read.  One entry is in flight
 * at a time and entries are stored in the order they are handed over, so
 * the store receives exactly the appends of one thread, in its
 * transaction; the caller waits for the last (accesslog_storer_finish)
 * before it writes the cursors.
 */
#include "accesslog_internal.h"
#include "../common/err.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct storer {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	bool started, stop;
	bool busy;               /* an entry is handed over, not yet stored */
	struct store *store;
	struct entry_input in;   /* its payload and attrs point into the bufs */
	struct buf payload, attrs;
	int rc;                  /* the first failure; nothing is stored after it */
	char err[2048];
};

static void *storer_main(void *arg)
{
	struct storer *sr = arg;

	pthread_mutex_lock(&sr->mu);
	for (;;) {
		while (!sr->busy && !sr->stop)
			pthread_cond_wait(&sr->cv, &sr->mu);
		if (!sr->busy)
			break;
		pthread_mutex_unlock(&sr->mu);
		if (!sr->rc && (sr->rc = store_append(sr->store, &sr->in, NULL)))
			snprintf(sr->err, sizeof(sr->err), "%s", err_msg());
		pthread_mutex_lock(&sr->mu);
		sr->busy = false;
		pthread_cond_broadcast(&sr->cv);
	}
	pthread_mutex_unlock(&sr->mu);
	return NULL;
}

int accesslog_storer_new(struct storer **out, struct store *store)
{
	struct storer *sr = calloc(1, sizeof(*sr));

	*out = NULL;
	if (!sr)
		return err_nomem();
	pthread_mutex_init(&sr->mu, NULL);
	pthread_cond_init(&sr->cv, NULL);
	sr->store = store;
	if (pthread_create(&sr->th, NULL, storer_main, sr)) {
		accesslog_storer_free(sr);
		return err_set(ERR_NOMEM, "cannot start a thread");
	}
	sr->started = true;
	*out = sr;
	return 0;
}

/* Wait until the entry in flight is stored; its result. */
static int wait_idle(struct storer *sr)
{
	int rc;

	pthread_mutex_lock(&sr->mu);
	while (sr->busy)
		pthread_cond_wait(&sr->cv, &sr->mu);
	rc = sr->rc;
	pthread_mutex_unlock(&sr->mu);
	return rc ? err_set(rc, "%s", sr->err) : 0;
}

int accesslog_storer_put(struct storer *sr, const struct entry_input *in,
			 struct buf *payload, struct buf *attrs)
{
	struct buf t;
	int rc;

	if ((rc = wait_idle(sr)))
		return rc;
	/* The storer is idle: its buffers are free to take back. */
	t = sr->payload, sr->payload = *payload, *payload = t;
	t = sr->attrs, sr->attrs = *attrs, *attrs = t;
	buf_reset(payload);
	buf_reset(attrs);
	sr->in = *in;
	sr->in.payload = sr->payload.data ? sr->payload.data : "";
	sr->in.payload_len = sr->payload.len;
	sr->in.attrs = sr->attrs.data;
	sr->in.attrs_len = sr->attrs.len;
	pthread_mutex_lock(&sr->mu);
	sr->busy = true;
	pthread_cond_broadcast(&sr->cv);
	pthread_mutex_unlock(&sr->mu);
	return 0;
}

int accesslog_storer_finish(struct storer *sr)
{
	return sr ? wait_idle(sr) : 0;
}

void accesslog_storer_free(struct storer *sr)
{
	if (!sr)
		return;
	if (sr->started) {
		pthread_mutex_lock(&sr->mu);
		sr->stop = true;
		pthread_cond_broadcast(&sr->cv);
		pthread_mutex_unlock(&sr->mu);
		pthread_join(sr->th, NULL);
	}
	pthread_mutex_destroy(&sr->mu);
	pthread_cond_destroy(&sr->cv);
	buf_free(&sr->payload);
	buf_free(&sr->attrs);
	free(sr);
}
