/*
 * pack_deflate.h - deflating a pack's payloads on every core, ahead of the
 * zip writer (libzip writes one entry at a time, on one core).
 *
 * Workers take payloads in the order the zip will hold them, stream each out
 * of the store (store_payload_*), check it against the SHA-256 and size the
 * manifest lists, and deflate it (raw deflate, level 6, as `zip -6`) into
 * memory with its CRC-32.  At most a few results wait at any time, so memory
 * stays bounded by a few payloads (each at most PACK_DEFLATE_MAX bytes;
 * larger payloads are left to the streaming path).
 */
#ifndef AUDITPACK_PACK_DEFLATE_H
#define AUDITPACK_PACK_DEFLATE_H

#include <stddef.h>
#include <stdint.h>

#include "../store/store.h"

/* Payloads up to this size are deflated ahead (access-log entries are at
 * most 16 MiB). */
#define PACK_DEFLATE_MAX ((uint64_t)16 << 20)

struct pack_deflate_job {
	uint64_t index;            /* the entry */
	uint64_t size;             /* its payload size */
	uint8_t sha256[32];        /* what the payload must hash to */
};

struct pack_deflated {
	uint8_t *data;             /* raw deflate stream (malloc'd; the caller frees) */
	size_t len;
	uint32_t crc;
	uint64_t size;
};

struct pack_deflater;

/* Start workers over jobs[0..n) (copied).  nthreads 0: as many as cores. */
int pack_deflate_start(struct pack_deflater **out, struct store *s,
		       const struct pack_deflate_job *jobs, size_t n, unsigned nthreads);

/* Wait for job k and take its result.  Results before k that were not
 * taken are dropped.  A failed job's error is set again here. */
int pack_deflate_take(struct pack_deflater *d, size_t k, struct pack_deflated *out);

/* Stop the workers and free everything not taken. */
void pack_deflate_stop(struct pack_deflater *d);

#endif
