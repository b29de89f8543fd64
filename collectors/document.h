/*
 * document.h - the document / attestation collector: any file, hashed and
 * kept whole as one entry.
 */
#ifndef AUDITPACK_DOCUMENT_H
#define AUDITPACK_DOCUMENT_H

#include <stddef.h>

#include "collector.h"

#define DOCUMENT_MAX_BYTES ((size_t)256 << 20)

struct document_opts {
	const char *kind;   /* "document" or "attestation" */
	const char *type;   /* free label kept in attrs ("dpia", "policy"), or NULL */
	const char *source; /* source name of the entries */
};

/*
 * Append one entry per path (a regular file within DOCUMENT_MAX_BYTES).
 * Inside the caller's transaction: one unreadable path fails the run and
 * so records none of them.  indices (may be NULL) receives each entry's
 * index.
 */
int document_collect(struct collect_ctx *c, const struct document_opts *o,
		     char *const *paths, size_t n, uint64_t *indices,
		     struct collect_result *r);

#endif
