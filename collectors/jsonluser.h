/*
 * jsonluser.h - one jsonl line written to a payload with its user values
 * replaced by tokens and the rest scrubbed.
 *
 * The values are found by JSON path (jsonpath.h): every value at the
 * user's path, duplicates included, and on a damaged line every value of a
 * member named like the path's last component.  A string is tokenised as
 * the text it stands for (escapes decoded: "bob\u0020jones" is "bob
 * jones"), any other value (a number, true/false, an object or array) as
 * written; null and "" name nobody and stay.
 *
 * With pseudonymise or redact, a user value of 4 bytes or more that is
 * mentioned inside another string value of the line, as a whole word (as
 * written or unescaped), is replaced there too, by the same token (or
 * "<user:redacted>"): the id is not kept in clear in a message field.
 * Shorter ids are not searched for: they would match unrelated text (the
 * same bound as erase's).  A hostile line with many distinct user values
 * has them all replaced, but only the last JSONLUSER_MENTION_VALUES are
 * searched for elsewhere, so a line costs O(length) whatever it holds.
 */
#ifndef AUDITPACK_JSONLUSER_H
#define AUDITPACK_JSONLUSER_H

#include <stddef.h>

#include "../common/buf.h"
#include "collector.h"
#include "pii.h"

/* Shorter user values are not searched for elsewhere in the line. */
#define JSONLUSER_MENTION_MIN 4
#define JSONLUSER_MENTION_VALUES 16

/*
 * Append line[0..len) to out, rewritten as above under `mode`, the rest
 * of the text through pii_scrub() (findings added to *counts, which may be
 * NULL).  token receives the token of the last value at the path ("" when
 * none names anyone): the line's user, as a JSON parser reads the line.
 * Returns 0, ERR_NOMEM or pii's error.
 */
int jsonluser_rewrite(struct pii *pii, enum pii_mode mode, const char *path,
		      const char *line, size_t len, struct buf *out,
		      struct pii_counts *counts, char token[PII_TOKEN_MAX]);

/*
 * The same for text that continues other text: buf[0..skip) is context
 * only (the end of the previous piece of a line too long to parse whole):
 * read to find the user values that start in it, never written.  The part
 * after skip of a value that starts in the context is replaced by the
 * token of that part, so no value is left in clear where a piece cut it.
 */
int jsonluser_rewrite_from(struct pii *pii, enum pii_mode mode, const char *path,
			   const char *buf, size_t len, size_t skip, struct buf *out,
			   struct pii_counts *counts, char token[PII_TOKEN_MAX]);

#endif
