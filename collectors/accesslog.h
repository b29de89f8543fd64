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
 *  - a reused inode with different first bytes is a new file;
 *  - a compressed generation (gzip, zstd, xz, bzip2: logfile.h) is read
 *    decompressed; it continues the cursor of the file whose first 4 KiB of
 *    text it starts with (the unread tail of a file compressed away between
 *    runs), or is read once from its start, and is then remembered by
 *    inode, compressed size and mtime.
 * Input that is not text (logfile_is_text) is an ERR_PARSE naming file:line.
 * One entry per file per run, split at max_entry_bytes, also inside a line
 * longer than that; payload = the lines as stored (user ids tokenised and
 * PII scrubbed per the source's mode).
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
	bool optional;            /* a pattern or path may match nothing; else
				   * a pattern matching no file is an error */
	size_t max_entry_bytes;   /* 0: ACCESSLOG_ENTRY_BYTES */
	bool complete;            /* the files are finished: a last line without
				   * a newline is taken rather than waited for */
	bool rescan;              /* read every tracked file again from byte 0;
				   * the new entries supersede the old (logcheck.h) */
	unsigned jobs;            /* threads that parse and scrub lines: 0 or 1
				   * reads on the calling thread; any number
				   * gives the same entries, byte for byte */
};

/*
 * Collect the source's files.  On a first run (no cursor of the source
 * has consumed a byte yet and it has no entry) or a rescan, when lines were read and not one parsed, nothing is
 * kept and ERR_PARSE is returned naming the file, the line, a masked
 * sample of it and the format expected (logcheck.h): the caller's
 * transaction rolls back, so the cursors stay where they were.
 */
int accesslog_collect(struct collect_ctx *c, struct pii *pii,
		      const struct accesslog_opts *o, struct collect_result *r);

#endif
