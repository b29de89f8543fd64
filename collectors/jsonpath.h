/*
 * jsonpath.h - where a dotted field sits in the bytes of one JSON line.
 *
 * The jsonl collector must rewrite exactly the bytes of the user's value
 * (and nothing else), so it needs the value's byte span, which a parser
 * that builds a tree does not give.  jsonpath_find() walks the raw line
 * without allocating and reports the span of every value at a dotted path
 * ("auth.sub": member "sub" of the member "auth" of the top-level object),
 * following the nesting exactly: a "sub" anywhere else is not at the path.
 *
 * Duplicate member names: every value at the path is reported, in the
 * order of the line (a JSON parser keeps the last one; a rewrite must
 * replace them all, or the others leak).  Member names are compared after
 * unescaping, so "user\u005fid" is the member user_id.
 */
#ifndef AUDITPACK_JSONPATH_H
#define AUDITPACK_JSONPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/buf.h"

/* Deeper nesting than this is a syntax error (jansson stops at 2048). */
#define JSONPATH_MAX_DEPTH 4096

enum jsonpath_type {
	JSONPATH_STRING,
	JSONPATH_NUMBER,
	JSONPATH_BOOL,
	JSONPATH_NULL,
	JSONPATH_OBJECT,
	JSONPATH_ARRAY,
};

struct jsonpath_value {
	size_t off, len;         /* the value's bytes, a string's quotes included */
	enum jsonpath_type type;
	bool complete;           /* false: the line ended or broke inside it */
	bool guessed;            /* found by the key search after a syntax error */
};

/* Called for each value found; a non-zero return stops the walk and is
 * returned by jsonpath_find(). */
typedef int (*jsonpath_fn)(const struct jsonpath_value *v, void *arg);

/*
 * Report to fn, in increasing and non-overlapping byte order, every value
 * at `path` in buf[0..len).  *well_formed says whether buf is one JSON
 * object (whitespace around it allowed).  When it is not, the values at
 * the path before the break are reported as for a good line, and after the
 * break every value that follows a member named like the path's last
 * component ("sub" for "auth.sub") is reported with `guessed` set: a
 * damaged line must not keep a value in clear because its structure is
 * lost.  A value cut off by the end of the line is reported up to the end,
 * with `complete` false.  Returns 0, or what fn returned.
 */
int jsonpath_find(const char *buf, size_t len, const char *path, bool *well_formed,
		  jsonpath_fn fn, void *arg);

/*
 * Report to fn every string literal of buf[0..len) that is not a member
 * name, in order (type JSONPATH_STRING; `complete` false for one the line
 * cuts off).  Exact on a well-formed line; a best effort on a damaged one.
 * Returns 0, or what fn returned.
 */
int jsonpath_strings(const char *buf, size_t len, jsonpath_fn fn, void *arg);

/*
 * Append to out the text of a JSON string's body s[0..n) (without its
 * quotes) with the escapes decoded to UTF-8: \uXXXX, surrogate pairs
 * joined.  Lenient, for damaged lines: a lone surrogate becomes U+FFFD and
 * a bad escape is kept as written.  Returns 0 or ERR_NOMEM.
 */
int jsonpath_unescape(struct buf *out, const char *s, size_t n);

#endif
