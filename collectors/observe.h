/*
 * observe.h - unchanged evidence is not stored again.
 *
 * A document, configuration snapshot, command output or model version that
 * reads exactly as the entry last recorded for it (same payload digest, same kind and
 * type) adds no entry and no payload.  What the freshness checks need, that
 * it was seen again and when, goes into one small `observation` entry per
 * collect run, listing every such re-observation:
 *
 *   attrs {"reobserved": [{"source", "kind", "subject", "index", "sha256"}]}
 *
 * where `index` is the entry that holds the evidence and `sha256` the
 * plain SHA-256 of its payload.  A thing is listed at most once an hour
 * (OBSERVE_EVERY after it was last recorded or listed); a run that has
 * nothing to list adds no observation entry.
 * The assessment reads an observation as extending the period of the
 * entries it names up to the observation's time (mappings/assess.c), and
 * prune measures their age the same way.
 *
 * The last entry per thing is remembered in the collector cursor table
 * (key "seen" or "seen:<path>": "<index> <sha256 hex> <identity hex>
 * <time last recorded>"),
 * committed with the run.  An entry whose payload has since been erased or
 * pruned is never re-observed: the next run records the thing afresh.
 */
#ifndef AUDITPACK_OBSERVE_H
#define AUDITPACK_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector.h"
#include "../common/encode.h"
#include "../common/hash.h"

/* How often an unchanged thing is listed in an observation, in seconds. */
#define OBSERVE_EVERY 3600

struct observed {
	const char *source;
	const char *key;      /* the thing within the source: "seen:<path>" */
	const char *kind;     /* the entry kind it is recorded as */
	const char *identity; /* what else must match (e.g. the type label); "" */
	const void *payload;
	size_t payload_len;
};

/*
 * Was o last recorded with this very payload (and identity) in an entry
 * whose payload is still there?  Then *index is that entry, *unchanged is
 * true and, unless it was recorded or listed within OBSERVE_EVERY, the
 * re-observation is queued for the run's observation entry.
 */
int observe_check(struct collect_ctx *c, const struct observed *o, bool *unchanged,
		  uint64_t *index);

/* After appending entry `index` for o: remember it. */
int observe_recorded(struct collect_ctx *c, const struct observed *o, uint64_t index);

/* Append the run's observation entry when anything was re-observed (call
 * once, before store_commit()); frees the queue.  *index (may be NULL) is
 * UINT64_MAX when none was appended. */
int observe_finish(struct collect_ctx *c, uint64_t *index);

/*
 * The same, with the digests kept in *d between the two calls (zero it
 * first; observe_check_digest() fills it), so the payload is hashed once;
 * the caller may use d->sha256 and d->sha256_hex too (its attrs, its
 * entry_input) once observe_check_digest() has returned 0.
 */
struct observe_digest {
	bool done;
	uint8_t sha256[SHA256_LEN];            /* of the payload */
	char sha256_hex[HEX_LEN(SHA256_LEN)];
	char identity_hex[HEX_LEN(SHA256_LEN)];
};

/* Fill *d for o (nothing when d->done): it touches no store, so any thread
 * may compute it ahead of observe_check_digest(). */
int observe_digest(struct observe_digest *d, const struct observed *o);
int observe_check_digest(struct collect_ctx *c, const struct observed *o,
			 struct observe_digest *d, bool *unchanged, uint64_t *index);
int observe_recorded_digest(struct collect_ctx *c, const struct observed *o,
			    struct observe_digest *d, uint64_t index);

/* Free the queue of a run that is rolled back. */
void observe_discard(struct collect_ctx *c);

#endif
