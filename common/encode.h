/*
 * encode.h - hex, standard base64 (RFC 4648 section 4, with padding) and
 * percent-encoding (RFC 3986).
 *
 * Encoders write a NUL-terminated string into a caller buffer whose size
 * must be at least HEX_LEN(n) / B64_LEN(n).  Decoders are strict: they
 * reject bad characters, bad padding and output overflow.
 */
#ifndef AUDITPACK_ENCODE_H
#define AUDITPACK_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HEX_LEN(n) (2 * (n) + 1)
#define B64_LEN(n) (4 * (((n) + 2) / 3) + 1)

void hex_encode(char *out, const uint8_t *in, size_t n);
/* Decode exactly `outlen` bytes from a string of exactly 2*outlen hex
 * digits.  0 or ERR_PARSE. */
int hex_decode(uint8_t *out, size_t outlen, const char *in, size_t inlen);

/* The value of one hex digit (either case), or -1 when c is not one. */
int hex_digit_value(char c);

void b64_encode(char *out, const uint8_t *in, size_t n);
/* Decode into out (capacity `cap`); *outlen receives the length.
 * 0 or ERR_PARSE. */
int b64_decode(uint8_t *out, size_t cap, size_t *outlen, const char *in,
	       size_t inlen);

struct buf;

/* Percent-encode s (RFC 3986) onto out: unreserved characters (letters,
 * digits, "-._~") and those in `keep` ("/" for a path) stay, every other
 * byte becomes %XX.  0 or ERR_NOMEM. */
int uri_escape(struct buf *out, const char *s, const char *keep);

#endif
