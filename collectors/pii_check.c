/* pii_check.c - checksums and structure of the PII detectors; see
 * pii_internal.h. */

#include "pii_internal.h"

#include <arpa/inet.h>
#include <string.h>

/* Copy the digits of s[a..b) into d (as 0..9); false if more than cap. */
static bool digits_of(const unsigned char *s, size_t a, size_t b, uint8_t *d,
		      size_t cap, size_t *n)
{
	*n = 0;
	for (size_t i = a; i < b; i++) {
		if (!is_digit(s[i]))
			continue;
		if (*n == cap)
			return false;
		d[(*n)++] = (uint8_t)(s[i] - '0');
	}
	return true;
}

static bool luhn_ok(const uint8_t *d, size_t n)
{
	unsigned sum = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned v = d[n - 1 - i];

		if (i & 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

/* Issuer prefixes of the card schemes in use, with their lengths. */
static bool iin_ok(const uint8_t *d, size_t n)
{
	unsigned p2 = d[0] * 10u + d[1], p3 = p2 * 10 + d[2],
		 p4 = p3 * 10 + d[3];

	if (d[0] == 4) /* Visa */
		return n == 13 || n == 16 || n == 19;
	if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
		return n == 16; /* Mastercard */
	if (p4 >= 2200 && p4 <= 2204) /* Mir */
		return n >= 16;
	if (p2 == 34 || p2 == 37) /* American Express */
		return n == 15;
	if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649))
		return n >= 16; /* Discover, RuPay 65 */
	if (p4 >= 3528 && p4 <= 3589) /* JCB */
		return n >= 16;
	if ((p3 >= 300 && p3 <= 305) || p4 == 3095 || p2 == 36 || p2 == 38 ||
	    p2 == 39) /* Diners Club */
		return n >= 14;
	if (p2 == 62 || p2 == 60 || p2 == 81 || p2 == 82 || p3 == 508)
		return n >= 16; /* UnionPay, RuPay */
	if (p4 == 5018 || p4 == 5020 || p4 == 5038 || p4 == 5893 ||
	    p4 == 6304 || p4 == 6759 || (p4 >= 6761 && p4 <= 6763))
		return true; /* Maestro, 12-19 digits */
	return false;
}

static const uint8_t verhoeff_d[10][10] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 2, 3, 4, 0, 6, 7, 8, 9, 5 },
	{ 2, 3, 4, 0, 1, 7, 8, 9, 5, 6 }, { 3, 4, 0, 1, 2, 8, 9, 5, 6, 7 },
	{ 4, 0, 1, 2, 3, 9, 5, 6, 7, 8 }, { 5, 9, 8, 7, 6, 0, 4, 3, 2, 1 },
	{ 6, 5, 9, 8, 7, 1, 0, 4, 3, 2 }, { 7, 6, 5, 9, 8, 2, 1, 0, 4, 3 },
	{ 8, 7, 6, 5, 9, 3, 2, 1, 0, 4 }, { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
};
static const uint8_t verhoeff_p[8][10] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 5, 7, 6, 2, 8, 3, 0, 9, 4 },
	{ 5, 8, 0, 3, 7, 9, 6, 1, 4, 2 }, { 8, 9, 1, 6, 0, 4, 3, 5, 2, 7 },
	{ 9, 4, 5, 3, 1, 2, 6, 8, 7, 0 }, { 4, 2, 8, 6, 5, 7, 3, 9, 0, 1 },
	{ 2, 7, 9, 3, 8, 0, 6, 4, 1, 5 }, { 7, 0, 4, 6, 9, 1, 3, 2, 5, 8 },
};

static bool verhoeff_ok(const uint8_t *d, size_t n)
{
	unsigned c = 0;

	for (size_t i = 0; i < n; i++)
		c = verhoeff_d[c][verhoeff_p[i % 8][d[n - 1 - i]]];
	return c == 0;
}

/* IBAN lengths from the SWIFT IBAN registry. */
static const struct {
	char cc[3];
	uint8_t len;
} iban_lens[] = {
	{ "AD", 24 }, { "AE", 23 }, { "AL", 28 }, { "AT", 20 }, { "AZ", 28 },
	{ "BA", 20 }, { "BE", 16 }, { "BG", 22 }, { "BH", 22 }, { "BI", 27 },
	{ "BR", 29 }, { "BY", 28 }, { "CH", 21 }, { "CR", 22 }, { "CY", 28 },
	{ "CZ", 24 }, { "DE", 22 }, { "DJ", 27 }, { "DK", 18 }, { "DO", 28 },
	{ "EE", 20 }, { "EG", 29 }, { "ES", 24 }, { "FI", 18 }, { "FK", 18 },
	{ "FO", 18 }, { "FR", 27 }, { "GB", 22 }, { "GE", 22 }, { "GI", 23 },
	{ "GL", 18 }, { "GR", 27 }, { "GT", 28 }, { "HN", 28 }, { "HR", 21 },
	{ "HU", 28 }, { "IE", 22 }, { "IL", 23 }, { "IQ", 23 }, { "IS", 26 },
	{ "IT", 27 }, { "JO", 30 }, { "KW", 30 }, { "KZ", 20 }, { "LB", 28 },
	{ "LC", 32 }, { "LI", 21 }, { "LT", 20 }, { "LU", 20 }, { "LV", 21 },
	{ "LY", 25 }, { "MC", 27 }, { "MD", 24 }, { "ME", 22 }, { "MK", 19 },
	{ "MN", 20 }, { "MR", 27 }, { "MT", 31 }, { "MU", 30 }, { "NI", 28 },
	{ "NL", 18 }, { "NO", 15 }, { "OM", 23 }, { "PK", 24 }, { "PL", 28 },
	{ "PS", 29 }, { "PT", 25 }, { "QA", 29 }, { "RO", 24 }, { "RS", 22 },
	{ "RU", 33 }, { "SA", 24 }, { "SC", 31 }, { "SD", 18 }, { "SE", 24 },
	{ "SI", 19 }, { "SK", 24 }, { "SM", 27 }, { "SO", 23 }, { "ST", 25 },
	{ "SV", 28 }, { "TL", 23 }, { "TN", 24 }, { "TR", 26 }, { "UA", 29 },
	{ "VA", 22 }, { "VG", 24 }, { "XK", 20 }, { "YE", 30 },
};

#define IBAN_MAX 34

static bool iban_ok(const unsigned char *s, size_t a, size_t b)
{
	char v[IBAN_MAX];
	size_t n = 0, want = 0;
	unsigned r = 0;

	for (size_t i = a; i < b; i++) {
		if (s[i] == ' ')
			continue;
		if (n == IBAN_MAX)
			return false;
		v[n++] = (char)s[i];
	}
	for (size_t i = 0; i < sizeof(iban_lens) / sizeof(iban_lens[0]); i++)
		if (iban_lens[i].cc[0] == v[0] && iban_lens[i].cc[1] == v[1])
			want = iban_lens[i].len;
	if (n != want)
		return false;
	/* ISO 7064 mod 97-10 over BBAN + country + check digits, letters as
	 * 10..35. */
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)v[(k + 4) % n];

		if (is_digit(c))
			r = (r * 10 + (c - '0')) % 97;
		else
			r = (r * 100 + (c - 'A' + 10)) % 97;
	}
	return r == 1;
}

/*
 * A number written with separators is taken whole: it may not be preceded
 * or followed by one of the separators it uses and another digit (the 12
 * middle digits of a spaced 16-digit number are not an Aadhaar number).
 */
static bool whole_run(const unsigned char *s, size_t len, size_t a, size_t b)
{
	bool sp = false, dash = false;

	for (size_t i = a; i < b; i++) {
		sp |= s[i] == ' ';
		dash |= s[i] == '-';
	}
	if (a >= 2 && is_digit(s[a - 2]) &&
	    ((sp && s[a - 1] == ' ') || (dash && s[a - 1] == '-')))
		return false;
	if (b + 1 < len && is_digit(s[b + 1]) &&
	    ((sp && s[b] == ' ') || (dash && s[b] == '-')))
		return false;
	return true;
}

static bool ipv6_ok(const unsigned char *s, size_t a, size_t b)
{
	char tmp[INET6_ADDRSTRLEN];
	unsigned char addr[16];
	bool dig = false;

	if (b - a >= sizeof(tmp))
		return false;
	/* "::" and "a::b" are C++ or Perl far more often than addresses;
	 * real ones ("::1", "fe80::1", "2001:db8::") have a decimal digit. */
	for (size_t i = a; i < b; i++)
		dig |= is_digit(s[i]);
	if (!dig)
		return false;
	memcpy(tmp, s + a, b - a);
	tmp[b - a] = '\0';
	return inet_pton(AF_INET6, tmp, addr) == 1;
}

/* PCRE2 callout at the end of a candidate: 0 accepts it, 1 backtracks. */
int pii_validate(pcre2_callout_block *cb, void *data)
{
	const unsigned char *s = cb->subject;
	size_t a = cb->start_match, b = cb->current_position, n;
	uint8_t d[19];

	(void)data;
	switch (cb->callout_number) {
	case CO_CARD:
		return digits_of(s, a, b, d, 19, &n) && n >= 13 && iin_ok(d, n) &&
			       luhn_ok(d, n) && whole_run(s, cb->subject_length, a, b)
			       ? 0 : 1;
	case CO_AADHAAR:
		return digits_of(s, a, b, d, 12, &n) && n == 12 &&
			       verhoeff_ok(d, n) &&
			       whole_run(s, cb->subject_length, a, b)
			       ? 0 : 1;
	case CO_IBAN:
		return iban_ok(s, a, b) ? 0 : 1;
	case CO_IPV6:
		return ipv6_ok(s, a, b) ? 0 : 1;
	case CO_PHONE: /* E.164: at most 15 digits; 8 is the shortest we take */
		return digits_of(s, a, b, d, 15, &n) && n >= 8 ? 0 : 1;
	}
	return 1;
}
