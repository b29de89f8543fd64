/*
 * pack_deflate.h - deflating a pack's files on every core, ahead of the zip
 * writer (libzip writes one entry at a time, on one core).
 *
 * Workers take the files in the order the zip will hold them and deflate
 * each whole (libdeflate, raw deflate at PACK_DEFLATE_LEVEL) into memory with
 * its CRC-32: a file already in memory as it is, one the caller makes again
 * (an entry's page) once it is in the window, a payload after reading it
 * out of the store (store_payload_*) and checking it against the SHA-256 and
 * size the manifest lists.  Each file is deflated alone, so the bytes are
 * the same whatever the number of threads.  Results wait for the writer
 * within a window of PACK_DEFLATE_AHEAD bytes of input (at least the file it
 * waits for), so memory stays bounded by a few payloads (each at most
 * PACK_DEFLATE_MAX bytes; larger payloads are left to the streaming path).
 */
#ifndef AUDITPACK_PACK_DEFLATE_H
#define AUDITPACK_PACK_DEFLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../store/store.h"

/* Payloads up to this size are deflated ahead (an access-log entry is
 * 16 MiB of lines, and the line that crosses that mark). */
#define PACK_DEFLATE_MAX ((uint64_t)24 << 20)
/* libdeflate's level 5: smaller than zlib's (and `zip`'s) level 6 on logs
 * and documents, at about a third of its CPU time.  Files under
 * PACK_DEFLATE_SMALL bytes (leaves, proofs, attrs, small documents) take
 * level 1, as small, and at half the fixed cost a file (clearing the
 * match finder's tables costs more than the bytes). */
#define PACK_DEFLATE_LEVEL 5
#define PACK_DEFLATE_SMALL 4096

struct pack_deflate_job {
	const void *data;          /* a file in memory (borrowed), or NULL: */
	bool make;                 /* a file the caller's make() gives, or */
	uint64_t index;            /* the payload of this entry */
	uint64_t size;             /* its size */
	const uint8_t *sha256;     /* a payload: what it must hash to (borrowed) */
};

/* Append the bytes of job k (make) to out.  Called on the thread that
 * calls pack_deflate_take(), for the jobs a window ahead of it: files the
 * caller need not hold all at once. */
typedef int (*pack_deflate_make_fn)(void *arg, size_t k, struct buf *out);

struct pack_deflated {
	uint8_t *data;             /* raw deflate stream (malloc'd; the caller frees) */
	size_t len;
	uint32_t crc;
	uint64_t size;
};

struct pack_deflater;

/* Start workers over jobs[0..n), which (with what they point to) must stay
 * until pack_deflate_stop.  nthreads 0: as many as cores.  make (with
 * make_arg) gives the jobs marked make; NULL when there are none. */
int pack_deflate_start(struct pack_deflater **out, struct store *s,
		       const struct pack_deflate_job *jobs, size_t n, unsigned nthreads,
		       pack_deflate_make_fn make, void *make_arg);

/* Wait for job k and take its result.  Results before k that were not
 * taken are dropped.  A failed job's error is set again here. */
int pack_deflate_take(struct pack_deflater *d, size_t k, struct pack_deflated *out);

/* Stop the workers and free everything not taken. */
void pack_deflate_stop(struct pack_deflater *d);

#endif
