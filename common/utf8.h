/*
 * utf8.h - the one UTF-8 decoder.  Strict, as RFC 3629 and jansson are:
 * no overlong forms, no surrogates (U+D800..U+DFFF), nothing past
 * U+10FFFF, no truncated sequences.
 */
#ifndef AUDITPACK_UTF8_H
#define AUDITPACK_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What utf8_decode() gives for a byte sequence that is not UTF-8. */
#define UTF8_INVALID ((uint32_t)0x110000)

/*
 * Decode the code point at p (len > 0 bytes available) into *cp, or
 * UTF8_INVALID.  Returns the bytes consumed: the whole sequence, or for an
 * invalid one at least 1 and never past the first byte that does not
 * continue it (so a NUL or the next character is not swallowed).
 */
size_t utf8_decode(const unsigned char *p, size_t len, uint32_t *cp);

/* Whether buf[0..len) is UTF-8 (NUL bytes allowed).  On false, *bad (may
 * be NULL) is the offset of the first bad sequence. */
bool utf8_valid(const char *buf, size_t len, size_t *bad);

/* Whether the C string s is UTF-8. */
bool utf8_valid_str(const char *s);

/*
 * Whether buf is UTF-8 text: UTF-8 without NUL bytes.  On false, *line and
 * *col (1-based; col counts bytes) locate the first bad byte.
 */
bool utf8_text(const char *buf, size_t len, int *line, int *col);

#endif
