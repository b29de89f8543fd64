/*
 * progress.h - how long work tells its caller how far it has got.
 *
 * Modules below cli/ never print: a long loop calls progress_update() with
 * what is done so far and the total (0: not known), and the caller (cli/)
 * decides whether and how to show it.  A NULL progress is allowed and does
 * nothing, so a module can always call it.  The callback runs on the
 * calling thread, between units of work; it must be cheap (cli/'s redraws
 * at most a few times a second).
 */
#ifndef AUDITPACK_PROGRESS_H
#define AUDITPACK_PROGRESS_H

#include <stdint.h>

enum progress_unit {
	PROGRESS_BYTES,   /* done and total are bytes */
	PROGRESS_ITEMS,   /* entries, files, documents */
};

struct progress {
	void (*update)(struct progress *p, enum progress_unit unit, uint64_t done,
		       uint64_t total);
	void *arg;        /* the caller's */
};

static inline void progress_update(struct progress *p, enum progress_unit unit,
				   uint64_t done, uint64_t total)
{
	if (p && p->update)
		p->update(p, unit, done, total);
}

#endif
