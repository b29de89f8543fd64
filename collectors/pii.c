/*
 * pii.c - personal data and secret detection; see pii.h.
 *
 * One scrub is three steps.  A byte pass over each line (prefilter())
 * works out which detectors could possibly match there, so that a typical
 * access log line, which has an IPv4 address and nothing else, runs one
 * regex and not ten.  Secrets are found first and always win.  Between them, the
 * other detectors are merged leftmost-first, longest on a tie, so each
 * character belongs to at most one finding.  Checksums (Luhn, Verhoeff,
 * mod 97, inet_pton) run inside the match as PCRE2 callouts: a callout
 * that says no makes PCRE2 backtrack to the next shorter or later
 * candidate, so a value that fails its checksum is simply not found.
 *
 * A struct pii holds the match data, the scratch buffers and a token cache
 * its calls share: one per thread.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "pii.h"
#include "../common/encode.h"
#include "../common/err.h"

#include <arpa/inet.h>
#include <pcre2.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What prefilter() saw; each detector needs one of these bits. */
#define NEED_SECRET 0x01u /* a key prefix, "bearer", "-----BEGIN" */
#define NEED_EMAIL 0x02u  /* '@' or "%40" */
#define NEED_IPV4 0x04u   /* digit '.' digit */
#define NEED_IPV6 0x08u   /* "::", or 7 colons in one hex run */
#define NEED_DIG8 0x10u   /* 8+ digits joined by at most 2 of " -()+",
			   * with a phone or SSN cue */
#define NEED_DIG12 0x20u  /* the same, 12+ digits */
#define NEED_UP2 0x40u    /* 2+ upper-case letters, then a digit */
#define NEED_UP5 0x80u    /* 5+ upper-case letters, then a digit */

/* Callout numbers: the checksum that decides a candidate. */
enum { CO_CARD = 1, CO_AADHAAR, CO_IBAN, CO_IPV6, CO_PHONE };

#define OCTET "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"

static const struct det_spec {
	enum pii_type type;
	unsigned need;
	uint32_t opts;
	const char *re;
} det_specs[] = {
	/* Secrets first: they are matched before, and win over, the rest. */
	{ PII_SECRET, NEED_SECRET, 0,
	  "(?<![A-Za-z0-9_-])sk-(?=[A-Za-z_-]*[0-9])[A-Za-z0-9_-]{20,}"
	  "|(?<![A-Za-z0-9_])[sr]k_live_[A-Za-z0-9]{16,}"
	  "|(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])"
	  "|(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{30,}"
	  "|(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,}"
	  "|(?<![A-Za-z0-9_])xox[abprs]-[A-Za-z0-9-]{10,}"
	  "|(?<![A-Za-z0-9_])AIza[A-Za-z0-9_-]{30,}"
	  "|(?<![A-Za-z0-9_])eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}"
	  "\\.[A-Za-z0-9_-]*"
	  /* Only the token: the word Bearer stays. */
	  "|(?<![A-Za-z0-9_])(?i:bearer)[ \\t]+\\K"
	  "(?=[A-Za-z0-9._~+/=-]{16}|[A-Za-z._~+/=-]*[0-9])"
	  "[A-Za-z0-9._~+/-]{8,}=*"
	  /* Without its END line, everything after BEGIN is the key. */
	  "|-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----"
	  "(?s:.*?-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----|.*)" },
	{ PII_EMAIL, NEED_EMAIL, 0,
	  "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}(?:@|%40)"
	  "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.){1,8}"
	  "[A-Za-z]{2,24}(?![A-Za-z0-9-])" },
	{ PII_IPV6, NEED_IPV6, PCRE2_NO_AUTO_POSSESS,
	  "(?<![0-9A-Za-z:.])(?=[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)"
	  "[0-9A-Fa-f:]{2,39}(?:(?<=:)" OCTET "(?:\\." OCTET "){3})?"
	  "(?![0-9A-Za-z]|\\.[0-9]|:[0-9A-Fa-f:])(?C4)" },
	/* n.0.0.0 is a network, not a host (and Chrome/120.0.0.0 a browser). */
	{ PII_IPV4, NEED_IPV4, 0,
	  "(?<![0-9A-Za-z_.])(?=[0-9]{1,3}\\.[0-9])"
	  "(?![0-9]{1,3}\\.0\\.0\\.0(?![0-9]))"
	  "(?:" OCTET "\\.){3}" OCTET "(?![0-9]|\\.[0-9])" },
	{ PII_IBAN, NEED_UP2, PCRE2_NO_AUTO_POSSESS,
	  "(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}"
	  "(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)"
	  "(?![A-Za-z0-9])(?C3)" },
	/* Digit numbers: not inside a word, a hex id, a decimal fraction or a
	 * longer dashed number. */
	{ PII_CARD, NEED_DIG12, PCRE2_NO_AUTO_POSSESS,
	  "(?<![0-9A-Za-z])(?<![0-9]\\.)(?<![0-9]-)"
	  "[0-9](?:[ -]?[0-9]){12,18}"
	  "(?![0-9A-Za-z])(?!\\.[0-9])(?!-[0-9])(?C1)" },
	{ PII_AADHAAR, NEED_DIG12, PCRE2_NO_AUTO_POSSESS,
	  "(?<![0-9A-Za-z])(?<![0-9]\\.)(?<![0-9A-Fa-f]-)"
	  "[2-9][0-9]{3}([ -]?)[0-9]{4}\\1[0-9]{4}"
	  "(?![0-9A-Za-z])(?!\\.[0-9])(?!-[0-9])(?C2)" },
	{ PII_SSN, NEED_DIG8, 0,
	  "(?<![0-9A-Za-z])(?<![0-9]-)"
	  "(?!000|666|9)[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}"
	  "(?![0-9A-Za-z])(?!-[0-9])" },
	{ PII_PAN, NEED_UP5, 0,
	  "(?<![A-Za-z0-9])[A-Z]{3}[ABCFGHLJPT][A-Z][0-9]{4}[A-Z]"
	  "(?![A-Za-z0-9])" },
	/* Phones need a formatting cue: a leading +, a trunk 0 before an
	 * Indian mobile, or US punctuation. */
	{ PII_PHONE, NEED_DIG8, PCRE2_NO_AUTO_POSSESS,
	  "(?<![0-9A-Za-z+])(?<![0-9]-)(?:"
	  "\\+[1-9][0-9]{7,14}"
	  "|\\+[1-9][0-9]{0,3}(?:[ -]?\\([0-9]{1,4}\\)|[ -][0-9]{1,6}"
	  "|(?<=\\))[0-9]{1,6}){1,7}"
	  "|\\+91[ -]?[6-9][0-9]{4}[ -]?[0-9]{5}"
	  "|0[6-9][0-9]{9}"
	  "|(?:\\+?1[ -]?)?\\([2-9][0-9]{2}\\) ?[0-9]{3}[ -]?[0-9]{4}"
	  "|(?:1-)?[2-9][0-9]{2}-[0-9]{3}-[0-9]{4}"
	  ")(?![0-9A-Za-z])(?!-[0-9])(?C5)" },
};

#define NDET (sizeof(det_specs) / sizeof(det_specs[0]))

/* Byte classes for prefilter(); K_TRIG marks a possible secret prefix. */
enum {
	K_QUIET, K_DIGIT, K_UP, K_LO, K_SEP, K_DOT, K_COLON, K_AT, K_PCT,
};
#define K_TRIG 0x80u

#define TOKEN_CACHE 256    /* entries, a power of two */
#define TOKEN_CACHE_VAL 47 /* longest value cached */

struct finding {
	size_t start, end;
	enum pii_type type;
};

struct line {
	size_t start, end;
	unsigned need; /* prefilter() bits, secrets aside */
};

struct pii {
	uint8_t secret[STORE_SECRET_LEN];
	pcre2_code *re[NDET];
	bool jit[NDET];
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	EVP_MAC_CTX *mac;
	struct finding *f;
	size_t nf, capf;
	struct line *ln;
	size_t nln, capln;
	struct buf norm; /* the normalised value being tokenised */
	unsigned char kind[256];
	/* Recent tokens by normalised value: a client's address recurs on
	 * line after line, and HMAC through EVP costs more than a lookup. */
	struct {
		uint8_t len; /* of val; 0: empty */
		char val[TOKEN_CACHE_VAL];
		char hex[16];
	} cache[TOKEN_CACHE];
};

static const char *const type_names[PII_NTYPES] = {
	"email", "phone", "ipv4", "ipv6", "card", "ssn", "aadhaar", "pan",
	"iban", "secret",
};

const char *pii_type_name(enum pii_type t)
{
	return (unsigned)t < PII_NTYPES ? type_names[t] : "unknown";
}

/* ---- checksums and structure ---- */

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

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
static int validate(pcre2_callout_block *cb, void *data)
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

/* ---- prefilter ---- */

static void init_kinds(unsigned char *k)
{
	memset(k, K_QUIET, 256);
	for (int c = '0'; c <= '9'; c++)
		k[c] = K_DIGIT;
	for (int c = 'A'; c <= 'Z'; c++)
		k[c] = K_UP;
	k[' '] = k['-'] = k['('] = k[')'] = k['+'] = K_SEP;
	k['.'] = K_DOT;
	k[':'] = K_COLON;
	k['@'] = K_AT;
	k['%'] = K_PCT;
	/* first letters of the secret patterns */
	k['s'] = k['r'] = k['g'] = k['x'] = k['e'] = k['b'] = K_LO | K_TRIG;
	k['A'] = k['B'] = K_UP | K_TRIG;
	k['-'] |= K_TRIG;
}

static bool has(const unsigned char *s, size_t n, size_t i, const char *w)
{
	size_t k = strlen(w);

	return n - i >= k && memcmp(s + i, w, k) == 0;
}

/* Could a secret pattern start at s[i]?  A superset of the regex. */
static bool secret_at(const unsigned char *s, size_t n, size_t i)
{
	switch (s[i]) {
	case 's':
		return has(s, n, i, "sk-") || has(s, n, i, "sk_live_");
	case 'r':
		return has(s, n, i, "rk_live_");
	case 'g':
		return (has(s, n, i, "gh") && n - i > 3 && s[i + 3] == '_') ||
		       has(s, n, i, "github_pat_");
	case 'x':
		return has(s, n, i, "xox");
	case 'e':
		return has(s, n, i, "eyJ");
	case 'A':
		return has(s, n, i, "AKIA") || has(s, n, i, "ASIA") ||
		       has(s, n, i, "AIza");
	case 'B':
	case 'b':
		if (n - i < 6)
			return false;
		for (size_t k = 1; k < 6; k++)
			if ((s[i + k] | 0x20) != "bearer"[k])
				return false;
		return true;
	case '-':
		return has(s, n, i, "-----BEGIN ");
	}
	return false;
}

/* At a colon: "::", or 7 colons in the run of hex digits and colons that
 * follows (the full form). */
static bool ipv6_at(const unsigned char *s, size_t n, size_t i)
{
	size_t colons = 0;

	if (i + 1 < n && s[i + 1] == ':')
		return true;
	for (size_t k = i; k < n && k < i + 40; k++) {
		unsigned char c = s[k] | 0x20;

		if (s[k] == ':')
			colons++;
		else if (!is_digit(s[k]) && !(c >= 'a' && c <= 'f'))
			break;
	}
	return colons >= 7;
}

/*
 * One pass over the text: which detectors could match anywhere in it (a
 * superset; the regexes decide).  nd counts the digits of the current
 * number (digits joined by at most two of " -()+"), grp those since the
 * last separator, cue says the number has a "+", "(", ")", a leading 0 or
 * a "-" after a group of three digits (SSN, US phone; not an ISO date),
 * and nu counts the upper-case letters just seen.  Most bytes of a log are quiet: they only end a
 * number or a word, and are skipped in a tight loop.
 */
static unsigned prefilter(const struct pii *p, const unsigned char *s,
			  size_t n)
{
	const unsigned char *kind = p->kind;
	unsigned need = 0, k;
	size_t nd = 0, grp = 0, gap = 0, nu = 0, i = 0;
	bool cue = false;

	while (i < n) {
		if ((k = kind[s[i]]) == K_QUIET) {
			nd = grp = nu = 0;
			cue = false;
			while (++i < n && kind[s[i]] == K_QUIET)
				;
			continue;
		}
		if (k == K_DIGIT) { /* a run of them, the commonest after quiet */
			size_t j = i + 1;

			while (j < n && kind[s[j]] == K_DIGIT)
				j++;
			if (gap > 2)
				nd = 0;
			if (nd == 0 && s[i] == '0')
				cue = true;
			gap = 0;
			grp += j - i;
			nd += j - i;
			if (nd >= 8 && cue)
				need |= NEED_DIG8;
			if (nd >= 12)
				need |= NEED_DIG12;
			if (nu >= 2)
				need |= nu >= 5 ? NEED_UP2 | NEED_UP5 : NEED_UP2;
			nu = 0;
			i = j;
			continue;
		}
		if ((k & K_TRIG) && !(need & NEED_SECRET) && secret_at(s, n, i))
			need |= NEED_SECRET;
		switch (k & ~K_TRIG) {
		case K_UP:
			nu++;
			nd = grp = 0;
			cue = false;
			break;
		case K_SEP:
			gap++;
			cue |= s[i] == '+' || s[i] == '(' || s[i] == ')' ||
			       (s[i] == '-' && grp == 3);
			nu = grp = 0;
			break;
		case K_DOT:
			if (i > 0 && i + 1 < n && is_digit(s[i - 1]) &&
			    is_digit(s[i + 1]))
				need |= NEED_IPV4;
			nd = grp = nu = 0;
			cue = false;
			break;
		case K_COLON:
			if (!(need & NEED_IPV6) && ipv6_at(s, n, i))
				need |= NEED_IPV6;
			nd = grp = nu = 0;
			cue = false;
			break;
		case K_AT:
		case K_PCT:
			if (s[i] == '@' || (n - i > 2 && s[i + 1] == '4' &&
					    s[i + 2] == '0'))
				need |= NEED_EMAIL;
			/* fall through */
		default:
			nd = grp = nu = 0;
			cue = false;
			break;
		}
		i++;
	}
	return need;
}

/* ---- matching ---- */

static int add_finding(struct pii *p, size_t start, size_t end,
		       enum pii_type t)
{
	if (p->nf == p->capf) {
		size_t cap = p->capf ? p->capf * 2 : 16;
		struct finding *f = reallocarray(p->f, cap, sizeof(*f));

		if (!f)
			return err_set(ERR_NOMEM, "out of memory");
		p->f = f;
		p->capf = cap;
	}
	p->f[p->nf].start = start;
	p->f[p->nf].end = end;
	p->f[p->nf].type = t;
	p->nf++;
	return 0;
}

/* The leftmost match of detector d in s[from..len): 1 (found), 0, or an
 * error. */
static int det_find(struct pii *p, size_t d, const char *s, size_t len,
		    size_t from, size_t *ms, size_t *me)
{
	PCRE2_SIZE *ov;
	int rc;

	if (p->jit[d])
		rc = pcre2_jit_match(p->re[d], (PCRE2_SPTR)s, len, from, 0, p->md,
				     p->mctx);
	else
		rc = pcre2_match(p->re[d], (PCRE2_SPTR)s, len, from, 0, p->md,
				 p->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		PCRE2_UCHAR msg[120];

		pcre2_get_error_message(rc, msg, sizeof(msg));
		/* Failing open would let the value through: give up instead. */
		return err_set(ERR_LIMIT, "%s detector failed: %s",
			       pii_type_name(det_specs[d].type), (char *)msg);
	}
	ov = pcre2_get_ovector_pointer(p->md);
	*ms = ov[0];
	/* \K can leave start == end; never loop on an empty match. */
	*me = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	return 1;
}

static int find_secrets(struct pii *p, const char *s, size_t len)
{
	size_t pos = 0, ms, me;
	int rc;

	while (pos < len && (rc = det_find(p, 0, s, len, pos, &ms, &me)) != 0) {
		if (rc < 0 || (rc = add_finding(p, ms, me, PII_SECRET)))
			return rc;
		pos = me;
	}
	return 0;
}

/*
 * The non-secret findings in s[from..to): repeatedly take the detector
 * whose next match starts first (longest, then table order, on a tie) and
 * move past it.  A detector is searched again only when the chosen finding
 * has overlapped its cached match.
 */
static int find_others(struct pii *p, unsigned need, const char *s,
		       size_t from, size_t to)
{
	struct {
		size_t s, e;
		int state; /* 0 stale, 1 cached, 2 none left */
	} c[NDET];
	size_t pos = from, best;
	int rc;

	for (size_t d = 0; d < NDET; d++)
		c[d].state = 0;

	for (;;) {
		best = NDET;
		for (size_t d = 1; d < NDET; d++) {
			if (!(need & det_specs[d].need) || c[d].state == 2)
				continue;
			if (c[d].state == 0 || c[d].s < pos) {
				if (pos >= to)
					rc = 0;
				else if ((rc = det_find(p, d, s, to, pos, &c[d].s,
							&c[d].e)) < 0)
					return rc;
				c[d].state = rc ? 1 : 2;
				if (!rc)
					continue;
			}
			if (best == NDET || c[d].s < c[best].s ||
			    (c[d].s == c[best].s && c[d].e > c[best].e))
				best = d;
		}
		if (best == NDET)
			return 0;
		if ((rc = add_finding(p, c[best].s, c[best].e,
				      det_specs[best].type)))
			return rc;
		pos = c[best].e;
	}
}

/*
 * Plan the scrub line by line: a document's e-mail address on one line
 * should not send every other line through the e-mail regex, and nothing
 * but a secret spans a newline.  p->ln receives the lines that need some
 * non-secret detector; *all is what the whole text needs.
 */
static int plan_lines(struct pii *p, const char *s, size_t len,
		      unsigned *all)
{
	size_t end;
	unsigned need;

	p->nln = 0;
	*all = 0;
	for (size_t from = 0; from < len; from = end) {
		const char *nl = memchr(s + from, '\n', len - from);

		end = nl ? (size_t)(nl - s) + 1 : len;
		need = prefilter(p, (const unsigned char *)s + from, end - from);
		*all |= need;
		if (!(need & ~NEED_SECRET))
			continue;
		if (p->nln == p->capln) {
			size_t cap = p->capln ? p->capln * 2 : 16;
			struct line *l = reallocarray(p->ln, cap, sizeof(*l));

			if (!l)
				return err_set(ERR_NOMEM, "out of memory");
			p->ln = l;
			p->capln = cap;
		}
		p->ln[p->nln].start = from;
		p->ln[p->nln].end = end;
		p->ln[p->nln].need = need & ~NEED_SECRET;
		p->nln++;
	}
	return 0;
}

/* find_others() over each planned line, around the secrets [0..nsec). */
static int find_all_others(struct pii *p, const char *s, size_t nsec)
{
	size_t g = 0, a, b;
	int rc;

	for (size_t i = 0; i < p->nln; i++) {
		for (a = p->ln[i].start; a < p->ln[i].end; a = b) {
			while (g < nsec && p->f[g].end <= a)
				g++;
			if (g < nsec && p->f[g].start <= a) { /* inside a secret */
				b = p->f[g].end;
				continue;
			}
			b = g < nsec && p->f[g].start < p->ln[i].end ? p->f[g].start
								     : p->ln[i].end;
			if ((rc = find_others(p, p->ln[i].need, s, a, b)))
				return rc;
		}
	}
	return 0;
}

/* ---- tokens ---- */

/* Into p->norm, or *v left as it is for types compared as they are
 * (ipv4, secret, and the caller's own such as "user"). */
static int normalise(struct pii *p, int t, const char **v, size_t *n)
{
	const char *s = *v;
	struct buf *b = &p->norm;
	size_t k = 0;
	int rc;

	if (t != PII_EMAIL && t != PII_PHONE && t != PII_CARD &&
	    t != PII_AADHAAR && t != PII_SSN && t != PII_IBAN && t != PII_PAN &&
	    t != PII_IPV6)
		return 0;
	buf_reset(b);
	if ((rc = buf_grow(b, *n < INET6_ADDRSTRLEN ? INET6_ADDRSTRLEN : *n)))
		return rc;
	for (size_t i = 0; i < *n; i++) {
		char c = s[i];

		switch (t) {
		case PII_EMAIL: /* lower case; "%40" in a URL is the '@' */
			if (c == '%' && *n - i > 2 && s[i + 1] == '4' &&
			    s[i + 2] == '0') {
				c = '@';
				i += 2;
			} else if (c >= 'A' && c <= 'Z') {
				c = (char)(c - 'A' + 'a');
			}
			break;
		case PII_IBAN:
		case PII_PAN:
			if (c == ' ' || c == '\t')
				continue;
			if (c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			break;
		case PII_IPV6:
			break;
		default: /* phone, card, aadhaar, ssn: the digits */
			if (!is_digit((unsigned char)c))
				continue;
			break;
		}
		b->data[k++] = c;
	}
	b->data[k] = '\0';
	b->len = k;
	if (t == PII_IPV6) {
		/* One address, one token: "2001:DB8:0::1" is "2001:db8::1". */
		unsigned char addr[16];

		if (k >= INET6_ADDRSTRLEN || inet_pton(AF_INET6, b->data, addr) != 1)
			return 0; /* not an address: taken as it is */
		if (!inet_ntop(AF_INET6, addr, b->data, INET6_ADDRSTRLEN))
			return 0;
		b->len = strlen(b->data);
	}
	*v = b->data;
	*n = b->len;
	return 0;
}

/* The first 16 hex digits of HMAC-SHA256(secret, v[0..n)). */
static int token_hex(struct pii *p, const char *v, size_t n, char hex[16])
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	char full[HEX_LEN(8)];
	uint32_t h = 2166136261u; /* FNV-1a */
	size_t ml = 0;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)v[i]) * 16777619u;
	h &= TOKEN_CACHE - 1;
	if (n && n <= TOKEN_CACHE_VAL && p->cache[h].len == n &&
	    !memcmp(p->cache[h].val, v, n)) {
		memcpy(hex, p->cache[h].hex, 16);
		return 0;
	}
	/* A NULL key re-uses the one set in pii_new(), already hashed into
	 * the HMAC pads. */
	if (EVP_MAC_init(p->mac, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(p->mac, (const unsigned char *)v, n) != 1 ||
	    EVP_MAC_final(p->mac, mac, &ml, sizeof(mac)) != 1 || ml < 8)
		return err_set_openssl(ERR_CRYPTO, "hmac-sha256 failed");
	hex_encode(full, mac, 8);
	memcpy(hex, full, 16);
	if (n && n <= TOKEN_CACHE_VAL) {
		p->cache[h].len = (uint8_t)n;
		memcpy(p->cache[h].val, v, n);
		memcpy(p->cache[h].hex, full, 16);
	}
	return 0;
}

/* "<type:" + token_hex() of the normalised value + ">"; type is at most
 * PII_TOKEN_MAX - 20 characters. */
static int make_token(struct pii *p, const char *type, int t, const char *v,
		      size_t n, char out[PII_TOKEN_MAX])
{
	size_t tl = strlen(type);
	int rc;

	if ((rc = normalise(p, t, &v, &n)) ||
	    (rc = token_hex(p, v, n, out + tl + 2)))
		return rc;
	out[0] = '<';
	memcpy(out + 1, type, tl);
	out[tl + 1] = ':';
	out[tl + 18] = '>';
	out[tl + 19] = '\0';
	return 0;
}

static bool type_ok(const char *t)
{
	size_t n = 0;

	if (!t || !(t[0] >= 'a' && t[0] <= 'z'))
		return false;
	for (; t[n]; n++)
		if (!((t[n] >= 'a' && t[n] <= 'z') || is_digit((unsigned char)t[n]) ||
		      t[n] == '_'))
			return false;
	return n + 20 <= PII_TOKEN_MAX;
}

int pii_token(struct pii *p, const char *type, const char *value, size_t len,
	      char out[PII_TOKEN_MAX])
{
	int t = -1;

	if (!p || !out || (!value && len))
		return err_set(ERR_USAGE, "pii_token: missing argument");
	if (!type_ok(type))
		return err_set(ERR_USAGE, "bad token type '%s'",
			       type ? type : "(null)");
	for (int i = 0; i < PII_NTYPES; i++)
		if (!strcmp(type, type_names[i]))
			t = i;
	return make_token(p, type, t, value ? value : "", len, out);
}

/* ---- scrub ---- */

static int put_finding(struct pii *p, enum pii_mode mode, const char *s,
		       const struct finding *f, struct buf *out)
{
	char tok[PII_TOKEN_MAX];
	const char *name = pii_type_name(f->type);
	int rc;

	if (f->type == PII_SECRET)
		return buf_puts(out, "<secret:redacted>");
	if (mode == PII_KEEP)
		return buf_append(out, s + f->start, f->end - f->start);
	if (mode == PII_REDACT)
		return (rc = buf_puts(out, "<")) || (rc = buf_puts(out, name)) ||
				       (rc = buf_puts(out, ":redacted>"))
			       ? rc : 0;
	if ((rc = make_token(p, name, (int)f->type, s + f->start,
			      f->end - f->start, tok)))
		return rc;
	return buf_puts(out, tok);
}

/* Write the text with the findings, secrets [0..nsec) and the rest
 * [nsec..nf), both in order, merged by position. */
static int emit(struct pii *p, enum pii_mode mode, const char *s, size_t len,
		size_t nsec, struct buf *out, struct pii_counts *counts)
{
	size_t i = 0, j = nsec, pos = 0;
	const struct finding *f;
	int rc;

	while (i < nsec || j < p->nf) {
		if (j == p->nf || (i < nsec && p->f[i].start < p->f[j].start))
			f = &p->f[i++];
		else
			f = &p->f[j++];
		if ((rc = buf_append(out, s + pos, f->start - pos)) ||
		    (rc = put_finding(p, mode, s, f, out)))
			return rc;
		if (counts)
			counts->n[f->type]++;
		pos = f->end;
	}
	return buf_append(out, s + pos, len - pos);
}

int pii_scrub(struct pii *p, enum pii_mode mode, const char *buf, size_t len,
	      struct buf *out, struct pii_counts *counts)
{
	struct pii_counts add = { { 0 } };
	size_t oldlen, nsec;
	unsigned need;
	int rc = 0;

	if (!p || !out || (!buf && len))
		return err_set(ERR_USAGE, "pii_scrub: missing argument");
	if (mode != PII_PSEUDONYMISE && mode != PII_REDACT && mode != PII_KEEP)
		return err_set(ERR_USAGE, "bad pii mode %d", (int)mode);
	oldlen = out->len;
	if (!len)
		return buf_append(out, "", 0);
	p->nf = 0;
	if ((rc = plan_lines(p, buf, len, &need)))
		goto out;
	if ((need & NEED_SECRET) && (rc = find_secrets(p, buf, len)))
		goto out;
	nsec = p->nf;
	if ((rc = find_all_others(p, buf, nsec)))
		goto out;
	if ((rc = emit(p, mode, buf, len, nsec, out, &add)))
		goto out;
	if (counts)
		for (int t = 0; t < PII_NTYPES; t++)
			counts->n[t] += add.n[t];
out:
	if (rc && out->data) {
		/* Never leave half a scrubbed text behind. */
		OPENSSL_cleanse(out->data + oldlen, out->len - oldlen);
		out->len = oldlen;
		out->data[oldlen] = '\0';
	}
	return rc;
}

int pii_describe(struct pii *p, const char *buf, size_t len, char *names, size_t cap)
{
	struct pii_counts c = { { 0 } };
	struct buf scratch = BUF_INIT;
	uint64_t total = 0;
	size_t at = 0;
	int rc = pii_scrub(p, PII_REDACT, buf, len, &scratch, &c);

	if (scratch.data)
		OPENSSL_cleanse(scratch.data, scratch.len);
	buf_free(&scratch);
	if (rc)
		return rc;
	if (names && cap)
		names[0] = '\0';
	for (int t = 0; t < PII_NTYPES; t++) {
		if (!c.n[t])
			continue;
		total += c.n[t];
		if (names && at < cap) {
			int w = snprintf(names + at, cap - at, "%s%s", at ? ", " : "",
					 pii_type_name((enum pii_type)t));

			at = w < 0 ? cap : at + (size_t)w;
		}
	}
	return total > INT32_MAX ? INT32_MAX : (int)total;
}

/* ---- setup ---- */

static int compile_all(struct pii *p)
{
	PCRE2_SIZE off;
	int ec;

	for (size_t d = 0; d < NDET; d++) {
		p->re[d] = pcre2_compile((PCRE2_SPTR)det_specs[d].re,
					 PCRE2_ZERO_TERMINATED, det_specs[d].opts,
					 &ec, &off, NULL);
		if (!p->re[d]) {
			PCRE2_UCHAR msg[120];

			pcre2_get_error_message(ec, msg, sizeof(msg));
			return err_set(ERR_USAGE,
				       "cannot compile the %s pattern at %zu: %s",
				       pii_type_name(det_specs[d].type), (size_t)off,
				       (char *)msg);
		}
		/* Without JIT support pcre2_match() is used: slower, same
		 * results. */
		p->jit[d] = pcre2_jit_compile(p->re[d], PCRE2_JIT_COMPLETE) == 0;
	}
	return 0;
}

static int mac_setup(struct pii *p)
{
	EVP_MAC *mac = NULL;
	OSSL_PARAM params[2];
	int rc = 0;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!(mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) ||
	    !(p->mac = EVP_MAC_CTX_new(mac)) ||
	    EVP_MAC_init(p->mac, p->secret, sizeof(p->secret), params) != 1)
		rc = err_set_openssl(ERR_CRYPTO, "cannot set up hmac-sha256");
	EVP_MAC_free(mac);
	return rc;
}

int pii_new(struct pii **out, const uint8_t *secret)
{
	struct pii *p = NULL;
	int rc;

	if (!out || !secret)
		return err_set(ERR_USAGE, "pii_new: missing argument");
	*out = NULL;
	if (!(p = calloc(1, sizeof(*p))))
		return err_set(ERR_NOMEM, "out of memory");
	memcpy(p->secret, secret, STORE_SECRET_LEN);
	init_kinds(p->kind);
	if ((rc = compile_all(p)) || (rc = mac_setup(p)))
		goto out;
	p->md = pcre2_match_data_create(4, NULL);
	p->mctx = pcre2_match_context_create(NULL);
	p->jstack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
	if (!p->md || !p->mctx || !p->jstack) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto out;
	}
	pcre2_jit_stack_assign(p->mctx, NULL, p->jstack);
	pcre2_set_callout(p->mctx, validate, NULL);
	*out = p;
	p = NULL;
out:
	pii_free(p);
	return rc;
}

void pii_free(struct pii *p)
{
	if (!p)
		return;
	for (size_t d = 0; d < NDET; d++)
		pcre2_code_free(p->re[d]);
	pcre2_match_data_free(p->md);
	pcre2_match_context_free(p->mctx);
	pcre2_jit_stack_free(p->jstack);
	EVP_MAC_CTX_free(p->mac);
	free(p->f);
	free(p->ln);
	if (p->norm.data)
		OPENSSL_cleanse(p->norm.data, p->norm.cap);
	OPENSSL_cleanse(p->cache, sizeof(p->cache));
	buf_free(&p->norm);
	OPENSSL_cleanse(p->secret, sizeof(p->secret));
	free(p);
}
