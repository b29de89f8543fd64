#include "encode.h"
#include "buf.h"
#include "err.h"

#include <string.h>

static const char hexdig[] = "0123456789abcdef";
static const char b64dig[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void hex_encode(char *out, const uint8_t *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexdig[in[i] >> 4];
		out[2 * i + 1] = hexdig[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(uint8_t *out, size_t outlen, const char *in, size_t inlen)
{
	if (inlen != 2 * outlen)
		return err_set(ERR_PARSE, "hex string has length %zu, expected %zu",
			       inlen, 2 * outlen);
	for (size_t i = 0; i < outlen; i++) {
		int hi = hex_digit_value(in[2 * i]), lo = hex_digit_value(in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return err_set(ERR_PARSE, "bad hex digit");
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void b64_encode(char *out, const uint8_t *in, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		out[o++] = b64dig[v >> 18];
		out[o++] = b64dig[(v >> 12) & 63];
		out[o++] = b64dig[(v >> 6) & 63];
		out[o++] = b64dig[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		out[o++] = b64dig[v >> 18];
		out[o++] = b64dig[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64dig[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int b64_decode(uint8_t *out, size_t cap, size_t *outlen, const char *in,
	       size_t inlen)
{
	size_t o = 0;

	if (inlen % 4)
		return err_set(ERR_PARSE, "base64 length is not a multiple of 4");
	for (size_t i = 0; i < inlen; i += 4) {
		int v[4], pad = 0;
		uint32_t w;

		for (int k = 0; k < 4; k++) {
			if (in[i + k] == '=' && i + 4 == inlen && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad || (v[k] = b64val(in[i + k])) < 0) {
				return err_set(ERR_PARSE, "bad base64");
			}
		}
		w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
		    (uint32_t)v[2] << 6 | (uint32_t)v[3];
		/* Non-canonical encodings (stray low bits) are rejected. */
		if ((pad == 1 && (w & 0xff)) || (pad == 2 && (w & 0xffff)))
			return err_set(ERR_PARSE, "non-canonical base64");
		if (o + 3 - (size_t)pad > cap)
			return err_set(ERR_PARSE, "base64 value too long");
		out[o++] = (uint8_t)(w >> 16);
		if (pad < 2)
			out[o++] = (uint8_t)(w >> 8);
		if (pad < 1)
			out[o++] = (uint8_t)w;
	}
	*outlen = o;
	return 0;
}

int uri_escape(struct buf *out, const char *s, const char *keep)
{
	int rc = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++)
		rc = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		     (*p >= '0' && *p <= '9') || strchr("-._~", *p) || strchr(keep, *p) ?
			     buf_append(out, p, 1) : buf_printf(out, "%%%02X", *p);
	return rc;
}
