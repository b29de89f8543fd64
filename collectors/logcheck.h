/*
 * logcheck.h - helpers of the access-log collector for a source whose
 * configuration does not fit its files: the sample line and the expected
 * format shown when a first run parses nothing, and the entries a rescan
 * supersedes.
 *
 * First run: when no cursor of a source has consumed a byte yet (or it is
 * rescanned) and not one
 * line it read parses, accesslog_collect() stores nothing and fails with
 * the first malformed line as a sample (personal data masked: see
 * logcheck_sample()) and the format it expected, so a wrong `fields.time`
 * or `format` never turns a whole log into "malformed" evidence with the
 * cursor moved past it.
 *
 * Rescan (`collect --rescan SOURCE`): every file the source has a cursor
 * for is read again from byte 0.  The entries that held its bytes until
 * now (found by logcheck_chain()) stay in the log, and each new entry
 * names, in attrs `supersedes`, those whose byte range it covers again;
 * assessments count only entries no later entry supersedes.
 */
#ifndef AUDITPACK_LOGCHECK_H
#define AUDITPACK_LOGCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../store/store.h"
#include "logfmt.h"
#include "pii.h"

#define LOGCHECK_SAMPLE_MAX 160

/*
 * A malformed line as it may be shown to a person: when it is a JSON
 * object, the values of the configured user field and of keys that usually
 * name a person (user, sub, uid, login, email, name, ...) are replaced by
 * "<user:redacted>" and the object re-serialised; a line shaped like a
 * common/combined log has its ident and user fields masked; then every PII
 * detector finding is redacted, control characters become '?', and the
 * text is cut to LOGCHECK_SAMPLE_MAX bytes (at a UTF-8 boundary, "..."
 * marking the cut).  *out is malloc'd, NUL-terminated.
 */
int logcheck_sample(char **out, struct pii *pii, const struct logfmt_opts *fmt,
		    const char *line, size_t len);

/* *out: `source` has no access-log entry yet (it never stored a line). */
int logcheck_source_is_new(struct store *s, const char *source, bool *out);

/* What a line of this format looks like, for the message: for jsonl the
 * field map, for the others an example line. */
void logcheck_expected(const struct logfmt_opts *fmt, char *out, size_t cap);

/* One earlier access-log entry that held some of a file's bytes. */
struct logcheck_covered {
	uint64_t index, start, end;
};

struct logcheck_chain {
	struct logcheck_covered *v; /* newest first */
	size_t n;
};

/* The access-log entries of one source (path, byte range, erased, already
 * superseded), read once per rescan and indexed by end offset. */
struct logcheck_index;

int logcheck_index_load(struct logcheck_index **out, struct store *s, const char *source);
void logcheck_index_free(struct logcheck_index *x);

/*
 * The entries of `source` (indexed in x) that together hold bytes
 * [0, offset) of the file a cursor now names `path`: walking back from
 * `offset`, each step the newest entry (preferring `path`, older than the
 * step before) that ends where the next one starts, is not already
 * superseded and no earlier chain of this index claimed, until byte 0.
 * ERR_PARSE when there is no such chain, or when an entry of it was erased
 * or pruned (re-reading would bring back what was removed); the message
 * names the file.  O(length log n).  Free with logcheck_chain_free().
 */
int logcheck_chain(struct logcheck_chain *out, struct logcheck_index *x, const char *source,
		   const char *path, uint64_t offset);
void logcheck_chain_free(struct logcheck_chain *c);

/* The indexes of the chain's entries that overlap [start, end), as a JSON
 * array (NULL when out of memory). */
json_t *logcheck_overlap(const struct logcheck_chain *c, uint64_t start, uint64_t end);

#endif
