/*
 * accesslog.h - the access-log collector: incremental, exactly once,
 * rotation-safe, redacting.
 *
 * Per file it keeps a cursor (device, inode, SHA-256 of the first 4 KiB,
 * byte offset, lines so far) committed with the entries it produced, so a
 * killed run resumes at the last committed byte and a line is never read
 * twice or lost:
 *  - a partial last line waits for the next run;
 *  - rename rotation: the old inode is followed under its new name (or
 *    found again in its directory) and its tail read before the new file;
 *  - copy-truncate: the file shrank under its inode; the unread tail is
 *    read from the copy (same first bytes) and the copy is marked read;
 *  - a reused inode with different first bytes is a new file.
 * One entry per file per run, split at max_entry_bytes; payload = the lines
 * as stored (user ids tokenised and PII scrubbed per the source's mode).
 */
#ifndef AUDITPACK_ACCESSLOG_H
#define AUDITPACK_ACCESSLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "collector.h"
#include "logfmt.h"
#include "pii.h"

#define ACCESSLOG_ENTRY_BYTES ((size_t)16 << 20)

struct accesslog_opts {
	const char *source;
	struct logfmt_opts fmt;   /* year_ref is filled in per file */
	enum pii_mode pii;
	char *const *paths;       /* files or glob patterns */
	size_t npaths;
	size_t max_entry_bytes;   /* 0: ACCESSLOG_ENTRY_BYTES */
	bool complete;            /* the files are finished: a last line without
				   * a newline is taken rather than waited for */
};

int accesslog_collect(struct collect_ctx *c, struct pii *pii,
		      const struct accesslog_opts *o, struct collect_result *r);

#endif
