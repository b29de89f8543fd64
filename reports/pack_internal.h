/*
 * reports/pack_internal.h: what pack.c (choosing and making a pack's files)
 * hands pack_zip.c (writing them into the zip).  Not for other modules.
 */
#ifndef AUDITPACK_PACK_INTERNAL_H
#define AUDITPACK_PACK_INTERNAL_H

#include "pack.h"
#include "report.h"
#include "../common/buf.h"
#include "../common/hash.h"
#include "../common/progress.h"
#include "../store/store.h"

#include <stdbool.h>
#include <stdint.h>

/* Every file of a pack, held until the zip is written; except payloads,
 * which stay in the store and stream into the zip (`stream`). */
struct pfile {
	char *name;
	struct buf data;
	uint8_t sha256[SHA256_LEN];
	bool stream;     /* the payload of entry `index`, `size` bytes */
	uint64_t index, size;
	const struct pack_entry *page; /* an entry's page: not held, made again
					* when written (write_zip) */
};

struct files {
	struct pfile *v;
	size_t n, cap;
};

/*
 * Write fs, in order, as the zip `path`: built beside it as path.tmp and
 * renamed, so a failed run leaves no half pack.  Payloads stream from s
 * and must hash to the digest each pfile carries; entry pages are made
 * again from r.  0 or a negative enum err with its message set.
 */
int pack_write_zip(struct store *s, const struct files *fs, const char *path,
		   const struct report_ctx *r, struct progress *progress);

#endif
