/*
 * PII and secret detection: a generated text with known findings of every
 * type (valid values made here with their own Luhn, Verhoeff and mod-97
 * check digits, next to look-alikes that fail them) must scrub to exactly
 * the expected text in all three modes; secrets are redacted in every
 * mode (tokens: test_pii_tokens.c); real sshd lines
 * and access-log numbers give no false positives; junk does not crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../collectors/pii.h"
#include "../../common/err.h"


#include "pii_fixture.h"

/* ---- a tiny deterministic generator ---- */

static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static char rdig(void)
{
	return (char)('0' + rnd(10));
}

static char rup(void)
{
	return (char)('A' + rnd(26));
}

/* a digit from lo to hi */
static char rd(char lo, char hi)
{
	return (char)(lo + (char)rnd((unsigned)(hi - lo + 1)));
}

static char ralnum(void)
{
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	return a[rnd(sizeof(a) - 1)];
}

/* Check digits, written here independently of pii.c. */
static int luhn_digit(const char *d, size_t n)
{
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		int v = d[n - 1 - i] - '0';

		if (i % 2 == 0) /* the check digit will sit right of these */
			v = v * 2 > 9 ? v * 2 - 9 : v * 2;
		sum += v;
	}
	return (10 - sum % 10) % 10;
}

static const int vd[10][10] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 2, 3, 4, 0, 6, 7, 8, 9, 5 },
	{ 2, 3, 4, 0, 1, 7, 8, 9, 5, 6 }, { 3, 4, 0, 1, 2, 8, 9, 5, 6, 7 },
	{ 4, 0, 1, 2, 3, 9, 5, 6, 7, 8 }, { 5, 9, 8, 7, 6, 0, 4, 3, 2, 1 },
	{ 6, 5, 9, 8, 7, 1, 0, 4, 3, 2 }, { 7, 6, 5, 9, 8, 2, 1, 0, 4, 3 },
	{ 8, 7, 6, 5, 9, 3, 2, 1, 0, 4 }, { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
};
static const int vp[8][10] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 5, 7, 6, 2, 8, 3, 0, 9, 4 },
	{ 5, 8, 0, 3, 7, 9, 6, 1, 4, 2 }, { 8, 9, 1, 6, 0, 4, 3, 5, 2, 7 },
	{ 9, 4, 5, 3, 1, 2, 6, 8, 7, 0 }, { 4, 2, 8, 6, 5, 7, 3, 9, 0, 1 },
	{ 2, 7, 9, 3, 8, 0, 6, 4, 1, 5 }, { 7, 0, 4, 6, 9, 1, 3, 2, 5, 8 },
};
static const int vinv[10] = { 0, 4, 3, 2, 1, 5, 6, 7, 8, 9 };

static int verhoeff_digit(const char *d, size_t n)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c = vd[c][vp[(i + 1) % 8][d[n - 1 - i] - '0']];
	return vinv[c];
}

/* 98 - (BBAN + country + "00") mod 97. */
static int iban_check(const char *cc, const char *bban)
{
	char s[64];
	int r = 0;

	snprintf(s, sizeof(s), "%s%s00", bban, cc);
	for (const char *q = s; *q; q++)
		r = *q >= 'A' ? (r * 100 + (*q - 'A' + 10)) % 97
			      : (r * 10 + (*q - '0')) % 97;
	return 98 - r;
}

/* Write digits d[0..n) into out, grouped as `groups` says (0-terminated
 * list of group sizes) with separator sep, or compact when sep is 0. */
static void grouped(char *out, const char *d, const int *groups, char sep)
{
	size_t k = 0, o = 0;

	for (int g = 0; groups[g]; g++) {
		if (g && sep)
			out[o++] = sep;
		for (int i = 0; i < groups[g]; i++)
			out[o++] = d[k++];
	}
	out[o] = '\0';
}

static void gen_card(char *out, bool valid)
{
	static const struct {
		const char *pfx;
		int len;
	} b[] = {
		{ "4", 16 }, { "4", 13 }, { "51", 16 }, { "55", 16 },
		{ "2221", 16 }, { "2720", 16 }, { "34", 15 }, { "37", 15 },
		{ "6011", 16 }, { "65", 16 }, { "3530", 16 }, { "36", 14 },
		{ "62", 16 }, { "4", 19 },
	};
	static const int g16[] = { 4, 4, 4, 4, 0 }, g15[] = { 4, 6, 5, 0 },
			 g14[] = { 4, 6, 4, 0 };
	char d[20];
	int k = (int)rnd(sizeof(b) / sizeof(b[0])), n = b[k].len, c;
	size_t pl = strlen(b[k].pfx);
	int g[2] = { n, 0 };
	char sep = "\0 -"[rnd(3)];

	memcpy(d, b[k].pfx, pl);
	for (int i = (int)pl; i < n - 1; i++)
		d[i] = rdig();
	c = luhn_digit(d, (size_t)n - 1);
	if (!valid)
		c = (c + 1 + (int)rnd(9)) % 10;
	d[n - 1] = (char)('0' + c);
	d[n] = '\0';
	if (!sep || (n != 16 && n != 15 && n != 14))
		grouped(out, d, g, 0);
	else
		grouped(out, d, n == 16 ? g16 : n == 15 ? g15 : g14, sep);
}

static void gen_aadhaar(char *out, bool valid)
{
	static const int g[] = { 4, 4, 4, 0 };
	char d[13];
	int c;

	d[0] = (char)('2' + rnd(8));
	for (int i = 1; i < 11; i++)
		d[i] = rdig();
	c = verhoeff_digit(d, 11);
	if (!valid)
		c = (c + 1 + (int)rnd(9)) % 10;
	d[11] = (char)('0' + c);
	d[12] = '\0';
	grouped(out, d, g, rnd(2) ? ' ' : 0);
}

/* DE (18 digits), NL (4 letters, 10 digits), GB (4 letters, 14 digits),
 * FR (23 with a letter), NO (11), BE (12); look-alikes only DE and NL,
 * whose digit groups cannot be mistaken for a card. */
static void gen_iban(char *out, bool valid)
{
	static const char *const cc[] = { "DE", "NL", "GB", "FR", "NO", "BE" };
	static const int blen[] = { 18, 14, 18, 23, 11, 12 };
	char bban[32], full[48];
	int k = (int)(valid ? rnd(6) : rnd(2)), ck;
	size_t o = 0, n;

	for (int i = 0; i < blen[k]; i++)
		bban[i] = rdig();
	if (k == 1 || k == 2)
		for (int i = 0; i < 4; i++)
			bban[i] = (char)('A' + rnd(26));
	if (k == 3)
		bban[17] = (char)('A' + rnd(26));
	bban[blen[k]] = '\0';
	ck = iban_check(cc[k], bban);
	if (!valid)
		ck = ck == 98 ? 97 : ck + 1;
	snprintf(full, sizeof(full), "%s%02d%s", cc[k], ck, bban);
	n = strlen(full);
	if (rnd(2)) {
		memcpy(out, full, n + 1);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i && i % 4 == 0)
			out[o++] = ' ';
		out[o++] = full[i];
	}
	out[o] = '\0';
}

static void gen_ssn(char *out, bool valid)
{
	int area, group = 1 + (int)rnd(99), serial = 1 + (int)rnd(9999);

	do
		area = 1 + (int)rnd(899);
	while (area == 666);
	if (!valid) {
		switch (rnd(5)) {
		case 0: area = 0; break;
		case 1: area = 666; break;
		case 2: area = 900 + (int)rnd(100); break;
		case 3: group = 0; break;
		default: serial = 0; break;
		}
	}
	snprintf(out, 16, "%03u-%02u-%04u", (unsigned)area % 1000,
		 (unsigned)group % 100, (unsigned)serial % 10000);
}

static void gen_pan(char *out, bool valid)
{
	static const char ok[] = "ABCFGHLJPT", bad[] = "DEIKMNOQRSUVWXYZ";

	for (int i = 0; i < 3; i++)
		out[i] = (char)('A' + rnd(26));
	out[3] = valid ? ok[rnd(sizeof(ok) - 1)] : bad[rnd(sizeof(bad) - 1)];
	out[4] = (char)('A' + rnd(26));
	for (int i = 5; i < 9; i++)
		out[i] = rdig();
	out[9] = (char)('A' + rnd(26));
	out[10] = '\0';
}

static void gen_email(char *out)
{
	static const char *const tld[] = { "com", "org", "co.uk", "in", "io" };
	char local[16], dom[12];
	int nl = 3 + (int)rnd(10), nd = 3 + (int)rnd(8);

	for (int i = 0; i < nl; i++)
		local[i] = ralnum();
	if (nl > 5)
		local[2] = '.';
	local[nl] = '\0';
	for (int i = 0; i < nd; i++)
		dom[i] = (char)((rnd(2) ? 'a' : 'A') + rnd(26));
	dom[nd] = '\0';
	/* an access log writes the '@' of a query string as %40 */
	snprintf(out, 64, "%s%s%s.%s", local, rnd(4) ? "@" : "%40", dom,
		 tld[rnd(5)]);
}

static void gen_phone(char *out)
{
	char d[12];

	for (int i = 0; i < 11; i++)
		d[i] = rdig();
	d[0] = (char)('2' + rnd(8));
	d[3] = (char)('2' + rnd(8));
	d[11] = '\0';
	switch (rnd(7)) {
	case 0: snprintf(out, 32, "+1%.10s", d); break;
	case 1: snprintf(out, 32, "+91 %c%.4s %.5s", rd('6', '9'), d + 1, d + 5); break;
	case 2: snprintf(out, 32, "(%.3s) %.3s-%.4s", d, d + 3, d + 6); break;
	case 3: snprintf(out, 32, "%.3s-%.3s-%.4s", d, d + 3, d + 6); break;
	case 4: snprintf(out, 32, "0%c%.9s", rd('6', '9'), d + 1); break;
	case 5: snprintf(out, 32, "+44 20 %.4s %.4s", d + 1, d + 5); break;
	default: snprintf(out, 32, "+91-%c%.9s", rd('6', '9'), d + 1); break;
	}
}

static void gen_ipv4(char *out)
{
	snprintf(out, 16, "%u.%u.%u.%u", 1 + rnd(223), rnd(256), rnd(256),
		 1 + rnd(254));
}

static void gen_ipv6(char *out)
{
	static const char hx[] = "0123456789abcdef0123456789ABCDEF";
	char g[8][5];

	for (int i = 0; i < 8; i++) {
		int n = 1 + (int)rnd(4);

		for (int k = 0; k < n; k++)
			g[i][k] = hx[rnd(32)];
		g[i][n] = '\0';
	}
	switch (rnd(3)) {
	case 0:
		snprintf(out, 48, "2001:db8:%s:%s::%s", g[0], g[1], g[2]);
		break;
	case 1:
		snprintf(out, 48, "2001:%04x:%04x:%04x:%04x:%04x:%04x:%04x",
			 rnd(65536), rnd(65536), rnd(65536), rnd(65536),
			 rnd(65536), rnd(65536), rnd(65536));
		break;
	default:
		snprintf(out, 48, "fe80::%s:%s:%s", g[3], g[4], g[5]);
		break;
	}
}

/* Secrets; *keep is how much of the front stays ("Bearer "). */
static void gen_secret(char *out, size_t *keep)
{
	char r[80];

	for (int i = 0; i < 79; i++)
		r[i] = ralnum();
	r[79] = '\0';
	r[5] = '7'; /* a digit in every key body */
	*keep = 0;
	switch (rnd(9)) {
	case 0: snprintf(out, 256, "sk-proj-%.40s", r); break;
	case 1: snprintf(out, 256, "AKIA%c%c%c%c7EXAMPLE%c%c%c%c", rup(), rup(),
			 rd('2', '9'), rup(), rup(), rup(), rd('0', '9'), rup());
		break;
	case 2: snprintf(out, 256, "ghp_%.36s", r); break;
	case 3: snprintf(out, 256, "xoxb-123456789012-%.24s", r); break;
	case 4: snprintf(out, 256, "AIza%.35s", r); break;
	case 5: snprintf(out, 256, "sk_live_%.24s", r); break;
	case 6:
		snprintf(out, 256, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ%.20s.%.43s",
			 r, r + 20);
		break;
	case 7:
		snprintf(out, 256, "Authorization: Bearer %.32s", r);
		*keep = strlen("Authorization: Bearer ");
		break;
	default:
		snprintf(out, 256,
			 "-----BEGIN RSA PRIVATE KEY-----\n%.40s\n%.30s/+==\n"
			 "-----END RSA PRIVATE KEY-----", r, r + 40);
		break;
	}
}

/* ---- the generated document ---- */

#define NPIECES 1200

struct piece {
	int type;    /* enum pii_type, or -1: text that must stay as it is */
	size_t keep; /* leading bytes a secret keeps ("Bearer ") */
	char text[256];
	const char *filler; /* what follows it */
};

struct doc {
	struct piece p[NPIECES];
	size_t n;
	uint64_t want[PII_NTYPES];
	struct buf in;
};

static const char *const fillers[] = { " | ", "; ", "\n", " note ", ", id=",
				       " and " };

/* Text that looks like data but is no finding, kept verbatim. */
static const char *const plain[] = {
	"999.1.1.1", "256.10.10.10", "1.2.3.4.5", "v1.2.3", "HTTP/1.1 200 2326",
	"1700000000", "0.123456s", "2024-05-06", "12:34:56", "+0530", "10:20:30",
	"[10/Oct/2000:13:55:36 -0700]", "pid=12345", "bytes=1048576",
	"123e4567-e89b-12d3-a456-426614174000", "Chrome/120.0.0.0",
	"da39a3ee5e6b4b0d3255bfef95601890afd80709", "2024-05-06T12:34:56+05:30",
};

static void doc_add(struct doc *d, int type, size_t keep, const char *text)
{
	struct piece *pc = &d->p[d->n++];

	assert_true(d->n <= NPIECES);
	pc->type = type;
	pc->keep = keep;
	snprintf(pc->text, sizeof(pc->text), "%s", text);
	pc->filler = fillers[rnd(sizeof(fillers) / sizeof(fillers[0]))];
	if (type >= 0)
		d->want[type]++;
	assert_int_equal(buf_puts(&d->in, text), 0);
	assert_int_equal(buf_puts(&d->in, pc->filler), 0);
}

static void doc_make(struct doc *d, uint64_t seed)
{
	char v[256];
	size_t keep;

	memset(d, 0, sizeof(*d));
	rng_state = seed;
	while (d->n < NPIECES) {
		unsigned k = rnd(24);

		switch (k) {
		case 0: gen_email(v); doc_add(d, PII_EMAIL, 0, v); break;
		case 1: gen_phone(v); doc_add(d, PII_PHONE, 0, v); break;
		case 2: gen_ipv4(v); doc_add(d, PII_IPV4, 0, v); break;
		case 3: gen_ipv6(v); doc_add(d, PII_IPV6, 0, v); break;
		case 4: gen_card(v, true); doc_add(d, PII_CARD, 0, v); break;
		case 5: gen_ssn(v, true); doc_add(d, PII_SSN, 0, v); break;
		case 6: gen_aadhaar(v, true); doc_add(d, PII_AADHAAR, 0, v); break;
		case 7: gen_pan(v, true); doc_add(d, PII_PAN, 0, v); break;
		case 8: gen_iban(v, true); doc_add(d, PII_IBAN, 0, v); break;
		case 9: gen_secret(v, &keep); doc_add(d, PII_SECRET, keep, v); break;
		/* look-alikes that fail their checksum or structure */
		case 10: gen_card(v, false); doc_add(d, -1, 0, v); break;
		case 11: gen_ssn(v, false); doc_add(d, -1, 0, v); break;
		case 12: gen_aadhaar(v, false); doc_add(d, -1, 0, v); break;
		case 13: gen_pan(v, false); doc_add(d, -1, 0, v); break;
		case 14: gen_iban(v, false); doc_add(d, -1, 0, v); break;
		default:
			doc_add(d, -1, 0, plain[rnd(sizeof(plain) / sizeof(plain[0]))]);
			break;
		}
	}
}

/* What pii_scrub() must write for the document in mode m. */
static void doc_expect(struct pii *p, const struct doc *d, enum pii_mode m,
		       struct buf *out)
{
	char tok[PII_TOKEN_MAX];

	for (size_t i = 0; i < d->n; i++) {
		const struct piece *pc = &d->p[i];
		size_t len = strlen(pc->text);

		if (pc->type < 0 || (m == PII_KEEP && pc->type != PII_SECRET)) {
			assert_int_equal(buf_puts(out, pc->text), 0);
		} else if (pc->type == PII_SECRET) {
			assert_int_equal(buf_append(out, pc->text, pc->keep), 0);
			assert_int_equal(buf_puts(out, "<secret:redacted>"), 0);
		} else if (m == PII_REDACT) {
			assert_int_equal(buf_printf(out, "<%s:redacted>",
						    pii_type_name(pc->type)), 0);
		} else {
			assert_int_equal(pii_token(p, pii_type_name(pc->type),
						   pc->text, len, tok), 0);
			assert_int_equal(buf_puts(out, tok), 0);
		}
		assert_int_equal(buf_puts(out, pc->filler), 0);
	}
}

static void check_doc(struct pii *p, uint64_t seed)
{
	static struct doc d;
	enum pii_mode modes[3] = { PII_PSEUDONYMISE, PII_REDACT, PII_KEEP };

	doc_make(&d, seed);
	for (int t = 0; t < PII_NTYPES; t++)
		assert_true(d.want[t] >= 20); /* every type well represented */
	for (int mi = 0; mi < 3; mi++) {
		struct buf got = BUF_INIT, want = BUF_INIT;
		struct pii_counts c = { { 0 } };

		assert_int_equal(pii_scrub(p, modes[mi], d.in.data, d.in.len, &got,
					   &c), 0);
		doc_expect(p, &d, modes[mi], &want);
		for (int t = 0; t < PII_NTYPES; t++)
			if (c.n[t] != d.want[t])
				fail_msg("mode %d seed %llu: %s found %llu, want %llu",
					 modes[mi], (unsigned long long)seed,
					 pii_type_name(t), (unsigned long long)c.n[t],
					 (unsigned long long)d.want[t]);
		if (strcmp(got.data, want.data)) {
			size_t k = 0;

			while (got.data[k] == want.data[k])
				k++;
			fail_msg("mode %d: differs at %zu:\n got: %.80s\nwant: %.80s",
				 modes[mi], k, got.data + (k > 20 ? k - 20 : 0),
				 want.data + (k > 20 ? k - 20 : 0));
		}
		/* No raw value of a finding survives (keep: only secrets). */
		for (size_t i = 0; i < d.n; i++) {
			const struct piece *pc = &d.p[i];
			bool gone = pc->type == PII_SECRET ||
				    (pc->type >= 0 && modes[mi] != PII_KEEP);

			if (gone)
				assert_null(strstr(got.data, pc->text + pc->keep));
			else
				assert_non_null(strstr(got.data, pc->text));
		}
		buf_free(&got);
		buf_free(&want);
	}
	buf_free(&d.in);
}

static void test_generated_document(void **state)
{
	check_doc(*state, 0x5eed0001);
	check_doc(*state, 0x5eed0002);
	check_doc(*state, 0xdecafbad);
}

/* ---- what each detector accepts and rejects ---- */

static void expect_only(struct pii *p, const char *in, int type, uint64_t n)
{
	struct pii_counts c;
	char *out = scrub(p, PII_REDACT, in, &c);

	if (c.n[type] != n || total(&c) != n)
		fail_msg("'%s': want %llu %s, got %s (%llu findings)", in,
			 (unsigned long long)n, pii_type_name(type), out,
			 (unsigned long long)total(&c));
	free(out);
}

static void expect_none(struct pii *p, const char *in)
{
	struct pii_counts c;
	char *out = scrub(p, PII_REDACT, in, &c);

	if (total(&c) != 0)
		fail_msg("'%s': want no finding, got '%s'", in, out);
	assert_string_equal(out, in);
	free(out);
}

static void test_detectors(void **state)
{
	struct pii *p = *state;

	expect_only(p, "mail John.Doe+x@Example.CO.UK now", PII_EMAIL, 1);
	expect_only(p, "GET /?e=jane%40example.org HTTP/1.1", PII_EMAIL, 1);
	expect_none(p, "x@y, user@localhost, @handle, a@b.c1");

	expect_only(p, "call +14155552671 or +1 415 555 2671", PII_PHONE, 2);
	expect_only(p, "+91 98765 43210, +91-9876543210, 09876543210", PII_PHONE, 3);
	expect_only(p, "(415) 555-2671 and 415-555-2671", PII_PHONE, 2);
	expect_only(p, "+44 (0)20 7946 0958", PII_PHONE, 1);
	expect_none(p, "9876543210 4155552671 +0530 +123 and 2024-05-06 123-456-7890");

	expect_only(p, "[client 192.168.1.10] rhost=5.36.59.76.dynamic.net",
		    PII_IPV4, 2);
	expect_none(p, "999.1.1.1 256.1.2.3 1.2.3.4.5 v1.2.3.4 1.2.3 10.0.0.0");
	expect_none(p, "Mozilla/5.0 (X11) Chrome/120.0.0.0 Safari/537.36");

	expect_only(p, "2001:db8::1 [fe80::1ff:fe23:4567:890a]:443 ::1",
		    PII_IPV6, 3);
	expect_only(p, "2001:0db8:85a3:0000:0000:8a2e:0370:7334", PII_IPV6, 1);
	expect_only(p, "::ffff:192.0.2.1", PII_IPV6, 1);
	expect_none(p, "std::vector a::b 10:20:30 00:1a:2b:3c:4d:5e 1::2::3");

	expect_only(p, "4111 1111 1111 1111, 5500-0000-0000-0004, 378282246310005",
		    PII_CARD, 3);
	expect_only(p, "6011111111111117 3530111333300000 30569309025904",
		    PII_CARD, 3);
	expect_none(p, "4111111111111112 4111 1111 1111 1112");  /* Luhn */
	expect_none(p, "1234567812345670 9111111111111111");       /* no IIN */
	expect_none(p, "94111111111111111 41111111111111119");     /* in a run */
	expect_none(p, "x4111111111111111 0.4111111111111111");   /* hex, decimal */

	expect_only(p, "ssn 123-45-6789", PII_SSN, 1);
	expect_none(p, "000-12-3456 666-12-3456 900-12-3456 999-12-3456");
	expect_none(p, "123-00-4567 123-45-0000 1123-45-6789 123-45-67890");

	expect_only(p, "uid 2341 2341 2346 and 234123412346", PII_AADHAAR, 2);
	expect_none(p, "234123412345 2341 2341 2345");             /* Verhoeff */
	expect_none(p, "134123412348 034123412344");               /* 1st digit */
	expect_none(p, "1234234123412346 a456-234123412346");      /* in a run, uuid */

	expect_only(p, "ABCPD1234F AAAPT9999Z", PII_PAN, 2);
	expect_none(p, "ABCDE1234F ABCZD1234F ABCPD1234 xABCPD1234F");

	expect_only(p, "DE89 3704 0044 0532 0130 00 GB82WEST12345698765432",
		    PII_IBAN, 2);
	expect_only(p, "NL91ABNA0417164300 NO93 8601 1117 947 "
		    "FR14 2004 1010 0505 0001 3M02 606", PII_IBAN, 3);
	expect_none(p, "DE89 3704 0044 0532 0130 01 DE8937040044053201300");
	expect_none(p, "IN12 3456 7890 1234 5678 90");              /* no IBAN */

	expect_only(p, "key sk-proj-abcDEF1234567890abcdefGHIJ", PII_SECRET, 1);
	expect_only(p, "AKIAIOSFODNN7EXAMPLE ASIAIOSFODNN7EXAMPLE",
		    PII_SECRET, 2);
	expect_only(p, "ghp_abcdefghijklmnopqrstuvwxyz0123456789 "
		    "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
		    PII_SECRET, 2);
	expect_only(p, "xoxb-1234567890-abcdefghij "
		    "AIzaSyA1234567890abcdefghijklmnopqrstu "
		    "sk_live_abcdefghijklmnop1234 rk_live_abcdefghijklmnop1234",
		    PII_SECRET, 4);
	expect_only(p, "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0."
		    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", PII_SECRET, 1);
	expect_none(p, "task-scheduler-1234567890abcdefgh disk-0123456789abcdefghij");
	expect_none(p, "bearer token missing; WWW-Authenticate: Bearer realm=x");
}

static void test_word_boundaries(void **state)
{
	struct pii *p = *state;

	/* The 12 digits of an Aadhaar number inside a 16-digit number. */
	expect_none(p, "0000234123412346");
	expect_none(p, "0000 2341 2341 2346");
	/* A card inside a longer digit run, before or after. */
	expect_none(p, "04111111111111111");
	expect_none(p, "41111111111111110");
	/* A whole spaced number is the finding, not a slice of it. */
	expect_only(p, "4111 1111 1111 1111", PII_CARD, 1);
}

static void test_overlaps(void **state)
{
	struct pii *p = *state;
	struct pii_counts c;
	char *out;

	/* Secrets win over anything inside them. */
	out = scrub(p, PII_PSEUDONYMISE,
		    "k=sk-proj-4111111111111111x192x168x1x1abcd end", &c);
	assert_string_equal(out, "k=<secret:redacted> end");
	assert_int_equal(total(&c), 1);
	free(out);
	/* The earliest match wins: an IPv6 with an IPv4 tail is one IPv6. */
	out = scrub(p, PII_REDACT, "from ::ffff:10.1.2.3 ok", &c);
	assert_string_equal(out, "from <ipv6:redacted> ok");
	assert_int_equal(total(&c), 1);
	free(out);
	/* An e-mail at an IP literal is not an e-mail; the IP still is. */
	out = scrub(p, PII_REDACT, "root@192.168.1.1", &c);
	assert_string_equal(out, "root@<ipv4:redacted>");
	free(out);
	/* Bearer keeps the word, the JWT inside is one secret. */
	out = scrub(p, PII_KEEP,
		    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
		    &c);
	assert_string_equal(out, "Authorization: Bearer <secret:redacted>");
	assert_int_equal(c.n[PII_SECRET], 1);
	assert_int_equal(total(&c), 1);
	free(out);
}

static void test_keep_mode(void **state)
{
	struct pii *p = *state;
	const char *in = "mail a.b@example.com from 10.1.2.3 card 4111111111111111 "
			 "ssn 123-45-6789 key AKIAIOSFODNN7EXAMPLE pan ABCPD1234F";
	struct pii_counts c;
	char *out = scrub(p, PII_KEEP, in, &c);

	assert_string_equal(out, "mail a.b@example.com from 10.1.2.3 card "
			    "4111111111111111 ssn 123-45-6789 key "
			    "<secret:redacted> pan ABCPD1234F");
	/* findings are still counted */
	assert_int_equal(c.n[PII_EMAIL], 1);
	assert_int_equal(c.n[PII_IPV4], 1);
	assert_int_equal(c.n[PII_CARD], 1);
	assert_int_equal(c.n[PII_SSN], 1);
	assert_int_equal(c.n[PII_SECRET], 1);
	assert_int_equal(c.n[PII_PAN], 1);
	assert_int_equal(total(&c), 6);
	free(out);
}

static void test_secrets_every_mode(void **state)
{
	static const char *const secrets[] = {
		"sk-abcdefghij0123456789ABCDEFGHIJ",
		"AKIAIOSFODNN7EXAMPLE",
		"ghs_abcdefghijklmnopqrstuvwxyz0123456789",
		"xoxp-1234567890-abcdefghijkl",
		"AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI",
		"sk_live_4eC39HqLyjWDarjtT1zdp7dc",
		"eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl",
	};
	enum pii_mode modes[3] = { PII_PSEUDONYMISE, PII_REDACT, PII_KEEP };
	struct pii *p = *state;

	for (int m = 0; m < 3; m++) {
		for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
			char in[128], want[128];
			struct pii_counts c;
			char *out;

			snprintf(in, sizeof(in), "cfg=%s;", secrets[i]);
			out = scrub(p, modes[m], in, &c);
			snprintf(want, sizeof(want), "cfg=<secret:redacted>;");
			assert_string_equal(out, want);
			assert_int_equal(c.n[PII_SECRET], 1);
			free(out);
		}
	}
}

static void test_pem_block(void **state)
{
	struct pii *p = *state;
	const char *in =
		"config loaded\n"
		"-----BEGIN OPENSSH PRIVATE KEY-----\n"
		"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz\n"
		"c2gtZWQyNTUxOQAAACDn1PNIz7i9+test+4111111111111111+10.0.0.1==\n"
		"-----END OPENSSH PRIVATE KEY-----\n"
		"next line from 10.0.0.2\n";
	struct pii_counts c;
	char *out = scrub(p, PII_REDACT, in, &c);

	assert_string_equal(out, "config loaded\n<secret:redacted>\n"
			    "next line from <ipv4:redacted>\n");
	assert_int_equal(c.n[PII_SECRET], 1);
	assert_int_equal(c.n[PII_IPV4], 1);
	assert_int_equal(total(&c), 2);
	free(out);

	/* Cut off before its END line, the rest of the text is the key. */
	out = scrub(p, PII_KEEP, "a\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n", &c);
	assert_string_equal(out, "a\n<secret:redacted>");
	free(out);
	/* Two blocks are two secrets. */
	out = scrub(p, PII_KEEP,
		    "-----BEGIN EC PRIVATE KEY-----\nAAA\n-----END EC PRIVATE KEY-----\n"
		    "-----BEGIN PRIVATE KEY-----\nBBB\n-----END PRIVATE KEY-----", &c);
	assert_string_equal(out, "<secret:redacted>\n<secret:redacted>");
	assert_int_equal(c.n[PII_SECRET], 2);
	free(out);
	/* Findings on the lines where a block starts and ends. */
	out = scrub(p, PII_REDACT,
		    "ip 10.0.0.8 -----BEGIN PRIVATE KEY-----\nAAAA\n"
		    "-----END PRIVATE KEY----- from 10.0.0.9 a@b.io\n", &c);
	assert_string_equal(out, "ip <ipv4:redacted> <secret:redacted> from "
			    "<ipv4:redacted> <email:redacted>\n");
	assert_int_equal(total(&c), 4);
	free(out);
	/* A public key is not a secret. */
	expect_none(p, "-----BEGIN PUBLIC KEY-----\nMFkwEwYH\n-----END PUBLIC KEY-----");
}

/* ---- real logs ---- */

static const char sshd_lines[] =
	"Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!\n"
	"Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186\n"
	"Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): check pass; user unknown\n"
	"Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.186 \n"
	"Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for invalid user webmaster from 173.234.31.186 port 38926 ssh2\n"
	"Dec 10 06:55:48 LabSZ sshd[24200]: Connection closed by 173.234.31.186 [preauth]\n"
	"Dec 10 07:02:47 LabSZ sshd[24203]: Connection closed by 212.47.254.145 [preauth]\n"
	"Dec 10 07:07:38 LabSZ sshd[24206]: Invalid user test9 from 52.80.34.196\n"
	"Dec 10 07:07:45 LabSZ sshd[24206]: Failed password for invalid user test9 from 52.80.34.196 port 36060 ssh2\n"
	"Dec 10 07:07:45 LabSZ sshd[24206]: Received disconnect from 52.80.34.196: 11: Bye Bye [preauth]\n"
	"Dec 10 07:08:28 LabSZ sshd[24208]: input_userauth_request: invalid user webmaster [preauth]\n"
	"Dec 10 07:08:28 LabSZ sshd[24208]: pam_unix(sshd:auth): check pass; user unknown\n"
	"Dec 10 07:13:31 LabSZ sshd[24227]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=5.36.59.76.dynamic-dsl-ip.omantel.net.om  user=root\n"
	"Dec 10 07:13:43 LabSZ sshd[24227]: Failed password for root from 5.36.59.76 port 42393 ssh2\n"
	"Dec 10 07:13:56 LabSZ sshd[24227]: message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]\n"
	"Dec 10 07:34:33 LabSZ sshd[24301]: Did not receive identification string from 123.235.32.19\n"
	"Dec 10 07:48:00 LabSZ sshd[24321]: reverse mapping checking getaddrinfo for 191-210-223-172.user.vivozap.com.br [191.210.223.172] failed - POSSIBLE BREAK-IN ATTEMPT!\n"
	"Dec 10 07:51:12 LabSZ sshd[24324]: reverse mapping checking getaddrinfo for 195-154-37-122.rev.poneytelecom.eu [195.154.37.122] failed - POSSIBLE BREAK-IN ATTEMPT!\n"
	"Dec 10 07:51:15 LabSZ sshd[24324]: error: Received disconnect from 195.154.37.122: 3: com.jcraft.jsch.JSchException: Auth fail [preauth]\n"
	"Dec 10 09:32:20 LabSZ sshd[24680]: Accepted password for fztu from 119.137.62.142 port 49116 ssh2\n"
	"Dec 10 09:32:20 LabSZ sshd[24680]: pam_unix(sshd:session): session opened for user fztu by (uid=0)\n";

static void test_loghub_sshd(void **state)
{
	struct pii *p = *state;
	struct pii_counts c, all = { { 0 } };
	const char *line = sshd_lines, *nl;
	char *out;

	/* Line by line, as the access-log collector calls it... */
	while ((nl = strchr(line, '\n'))) {
		struct buf o = BUF_INIT;

		memset(&c, 0, sizeof(c));
		assert_int_equal(pii_scrub(p, PII_REDACT, line,
					   (size_t)(nl - line + 1), &o, &c), 0);
		for (int t = 0; t < PII_NTYPES; t++)
			all.n[t] += c.n[t];
		buf_free(&o);
		line = nl + 1;
	}
	assert_int_equal(all.n[PII_IPV4], 17);
	assert_int_equal(total(&all), 17);

	/* ...and as one document. */
	out = scrub(p, PII_REDACT, sshd_lines, &c);
	assert_int_equal(c.n[PII_IPV4], 17);
	assert_int_equal(total(&c), 17);
	assert_null(strstr(out, "173.234.31.186"));
	assert_non_null(strstr(out, "Failed password for root from <ipv4:redacted> "
				    "port 42393 ssh2\n"));
	assert_non_null(strstr(out, "rhost=<ipv4:redacted>.dynamic-dsl-ip"));
	assert_non_null(strstr(out, "sshd[24680]: Accepted password for fztu"));
	free(out);
}

static void test_access_log_numbers(void **state)
{
	struct pii *p = *state;

	/* Status codes, byte counts, epoch times, durations, versions, dates,
	 * times, ids and hashes are not phones, cards or national ids. */
	expect_only(p, "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET "
		    "/apache_pb.gif HTTP/1.0\" 200 2326 \"-\" \"Mozilla/5.0 "
		    "(Windows NT 10.0; Win64; x64) Chrome/120.0.0.0\" 0.004 "
		    "1700000000", PII_IPV4, 1);
	expect_none(p, "ts=1700000000 ts_ms=1700000000123 ts_us=1700000000123456 "
		       "ts_ns=1700000000123456789 dur=0.123456s rt=12.5ms");
	expect_none(p, "status=503 bytes=1048576 len=4294967296 size=12345678901");
	expect_none(p, "ver=1.2.3 kernel 2.6.5-1.358 build 10.0.19045.3693 v2.14.1");
	expect_none(p, "2024-05-06 12:34:56,789 2024-05-06T12:34:56.123456+05:30 "
		       "20171223-22:15:29:606 06/05/2024 12:00");
	expect_none(p, "req=123e4567-e89b-12d3-a456-426614174000 "
		       "trace=4bf92f3577b34da6a3ce929d0e0e4736 "
		       "sha=da39a3ee5e6b4b0d3255bfef95601890afd80709");
	expect_none(p, "Step_LSC|30002312|onExtend:1514038530000 14 0 4");
	expect_none(p, "pid 24200 port 38926 uid=0 ratio=0.4111111111111111 "
		       "order 2024-0001-0002 seq 000123456789");
}

/* ---- robustness ---- */

static void test_empty_and_args(void **state)
{
	struct pii *p = *state;
	struct buf out = BUF_INIT;
	struct pii_counts c = { { 0 } };

	assert_int_equal(pii_scrub(p, PII_PSEUDONYMISE, NULL, 0, &out, &c), 0);
	assert_int_equal(out.len, 0);
	assert_non_null(out.data);
	assert_string_equal(out.data, "");
	assert_int_equal(pii_scrub(p, PII_PSEUDONYMISE, "", 0, &out, NULL), 0);
	assert_int_equal(total(&c), 0);

	/* Appends; counts accumulate; NULL counts are fine. */
	assert_int_equal(pii_scrub(p, PII_REDACT, "a 10.0.0.1", 10, &out, &c), 0);
	assert_int_equal(pii_scrub(p, PII_REDACT, " b 10.0.0.2", 11, &out, &c), 0);
	assert_int_equal(pii_scrub(p, PII_REDACT, " c 10.0.0.3", 11, &out, NULL), 0);
	assert_string_equal(out.data, "a <ipv4:redacted> b <ipv4:redacted> c "
				      "<ipv4:redacted>");
	assert_int_equal(c.n[PII_IPV4], 2);

	assert_int_equal(pii_scrub(p, (enum pii_mode)7, "x", 1, &out, &c), ERR_USAGE);
	assert_int_equal(pii_scrub(p, PII_KEEP, NULL, 3, &out, &c), ERR_USAGE);
	assert_int_equal(pii_scrub(NULL, PII_KEEP, "x", 1, &out, &c), ERR_USAGE);
	assert_string_equal(out.data, "a <ipv4:redacted> b <ipv4:redacted> c "
				      "<ipv4:redacted>");
	buf_free(&out);

	assert_int_equal(pii_new(NULL, key1), ERR_USAGE);
	pii_free(NULL);
}

static void test_binary_junk(void **state)
{
	struct pii *p = *state;
	size_t n = 1 << 18;
	char *junk = malloc(n);

	assert_non_null(junk);
	for (uint64_t seed = 1; seed <= 4; seed++) {
		rng_state = seed * 0x9e3779b97f4a7c15ull;
		for (size_t i = 0; i < n; i++)
			junk[i] = (char)rnd(256);
		for (int m = 0; m < 3; m++) {
			struct buf out = BUF_INIT;
			struct pii_counts c = { { 0 } };

			assert_int_equal(pii_scrub(p, (enum pii_mode)m, junk, n, &out,
						   &c), 0);
			if (m == PII_KEEP && c.n[PII_SECRET] == 0) {
				assert_int_equal(out.len, n);
				assert_memory_equal(out.data, junk, n);
			}
			buf_free(&out);
		}
	}
	free(junk);
}

/* Inputs built to make a regex engine backtrack or a scanner loop. */
static void test_pathological(void **state)
{
	static const char *const units[] = {
		"1 ", "1-", "9", "a@", "@a.", "::", "1:", "f:", "1.", "+1 ",
		"-----BEGIN PRIVATE KEY-----", "Bearer ", "eyJa.", "sk-", "AB12",
		"%40", "(1) ", "DE89 ", "\n", "\0",
	};
	size_t n = 1 << 20;
	char *s = malloc(n);

	assert_non_null(s);
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t ul = strlen(units[u]) ? strlen(units[u]) : 1;
		struct buf out = BUF_INIT;
		struct pii_counts c = { { 0 } };

		for (size_t i = 0; i < n; i++)
			s[i] = units[u][i % ul];
		assert_int_equal(pii_scrub(*state, PII_PSEUDONYMISE, s, n,
					   &out, &c), 0);
		buf_free(&out);
	}
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_generated_document, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_word_boundaries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlaps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keep_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secrets_every_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pem_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loghub_sshd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_log_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_binary_junk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pathological, setup, teardown),
	};

	return cmocka_run_group_tests_name("pii", tests, NULL, NULL);
}
