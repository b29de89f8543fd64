#include "utf8.h"

#include <string.h>

size_t utf8_decode(const unsigned char *p, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t v, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, v = p[0] & 0x1fu, min = 0x80;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, v = p[0] & 0x0fu, min = 0x800;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, v = p[0] & 0x07u, min = 0x10000;
	else {
		*cp = UTF8_INVALID;
		return 1;
	}
	for (i = 1; i < n; i++) {
		if (i >= len || (p[i] & 0xc0) != 0x80) {
			*cp = UTF8_INVALID;
			return i;
		}
		v = v << 6 | (p[i] & 0x3fu);
	}
	*cp = v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) ? UTF8_INVALID : v;
	return n;
}

bool utf8_valid(const char *buf, size_t len, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (cp == UTF8_INVALID) {
			if (bad)
				*bad = i;
			return false;
		}
		i += n;
	}
	return true;
}

bool utf8_valid_str(const char *s)
{
	return utf8_valid(s, strlen(s), NULL);
}

bool utf8_text(const char *buf, size_t len, int *line, int *col)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0, bol = 0;
	int ln = 1;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (cp == UTF8_INVALID || cp == 0) {
			*line = ln;
			*col = (int)(i - bol) + 1;
			return false;
		}
		i += n;
		if (cp == '\n') {
			ln++;
			bol = i;
		}
	}
	return true;
}
