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
/* Tokens are HMAC-SHA256 with the key's pads hashed once (pii_new) and a
 * plain copy of that state per token: through EVP_MAC each token also
 * duplicated two digest contexts (two allocations), which cost a log line
 * more than its two SHA-256 blocks.  The SHA256_* calls doing this are
 * deprecated in OpenSSL 3, not removed; the test compares every token with
 * OpenSSL's HMAC. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "pii_internal.h"
#include "../common/encode.h"
#include "../common/err.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[PII_NTYPES] = {
	"email", "phone", "ipv4", "ipv6", "card", "ssn", "aadhaar", "pan",
	"iban", "secret",
};

const char *pii_type_name(enum pii_type t)
{
	return (unsigned)t < PII_NTYPES ? type_names[t] : "unknown";
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

/* HMAC-SHA256(secret, v[0..n)) from the pads hashed in pii_new(); nonzero
 * on failure. */
static int hmac_sha256(const struct pii *p, const char *v, size_t n,
		       uint8_t out[SHA256_DIGEST_LENGTH])
{
	SHA256_CTX c = p->hmac_in;
	uint8_t inner[SHA256_DIGEST_LENGTH];
	int ok;

	ok = SHA256_Update(&c, v, n) == 1 && SHA256_Final(inner, &c) == 1;
	c = p->hmac_out;
	ok = ok && SHA256_Update(&c, inner, sizeof(inner)) == 1 && SHA256_Final(out, &c) == 1;
	OPENSSL_cleanse(&c, sizeof(c));
	OPENSSL_cleanse(inner, sizeof(inner));
	return !ok;
}

/* The first 16 hex digits of HMAC-SHA256(secret, v[0..n)).  `named`: a
 * value the caller named (a user id), cached apart from what the detectors
 * find, so that a log's client addresses, each seen once, do not push its
 * recurring user ids out of the cache. */
static int token_hex(struct pii *p, const char *v, size_t n, bool named, char hex[16])
{
	uint8_t mac[SHA256_DIGEST_LENGTH];
	char full[HEX_LEN(8)];
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)v[i]) * 16777619u;
	h = (h & (TOKEN_CACHE / 2 - 1)) | (named ? TOKEN_CACHE / 2 : 0);
	if (n && n <= TOKEN_CACHE_VAL && p->cache[h].len == n &&
	    !memcmp(p->cache[h].val, v, n)) {
		memcpy(hex, p->cache[h].hex, 16);
		return 0;
	}
	if (hmac_sha256(p, v, n, mac))
		return err_set(ERR_CRYPTO, "hmac-sha256 failed");
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
	    (rc = token_hex(p, v, n, t < 0, out + tl + 2)))
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
	if ((rc = pii_plan_lines(p, buf, len, &need)))
		goto out;
	if ((need & NEED_SECRET) && (rc = pii_find_secrets(p, buf, len)))
		goto out;
	nsec = p->nf;
	if ((rc = pii_find_all_others(p, buf, nsec)))
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

/* The HMAC key's inner and outer pads, hashed once (RFC 2104; the key is
 * shorter than SHA-256's 64-byte block, so it is used as it is). */
static int mac_setup(struct pii *p)
{
	uint8_t ipad[64], opad[64];
	int ok;

	_Static_assert(STORE_SECRET_LEN <= sizeof(ipad), "the HMAC key fits a block");
	memset(ipad, 0x36, sizeof(ipad));
	memset(opad, 0x5c, sizeof(opad));
	for (size_t i = 0; i < sizeof(p->secret); i++) {
		ipad[i] ^= p->secret[i];
		opad[i] ^= p->secret[i];
	}
	ok = SHA256_Init(&p->hmac_in) == 1 && SHA256_Update(&p->hmac_in, ipad, sizeof(ipad)) == 1 &&
	     SHA256_Init(&p->hmac_out) == 1 &&
	     SHA256_Update(&p->hmac_out, opad, sizeof(opad)) == 1;
	OPENSSL_cleanse(ipad, sizeof(ipad));
	OPENSSL_cleanse(opad, sizeof(opad));
	return ok ? 0 : err_set_openssl(ERR_CRYPTO, "cannot set up hmac-sha256");
}

int pii_new(struct pii **out, const uint8_t *secret)
{
	struct pii *p = NULL;
	int rc;

	if (!out || !secret)
		return err_set(ERR_USAGE, "pii_new: missing argument");
	*out = NULL;
	if (!(p = calloc(1, sizeof(*p))))
		return err_nomem();
	memcpy(p->secret, secret, STORE_SECRET_LEN);
	pii_init_kinds(p->kind);
	if ((rc = pii_compile_all(p)) || (rc = mac_setup(p)))
		goto out;
	p->md = pcre2_match_data_create(4, NULL);
	p->mctx = pcre2_match_context_create(NULL);
	p->jstack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
	if (!p->md || !p->mctx || !p->jstack) {
		rc = err_nomem();
		goto out;
	}
	pcre2_jit_stack_assign(p->mctx, NULL, p->jstack);
	pcre2_set_callout(p->mctx, pii_validate, NULL);
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
	OPENSSL_cleanse(&p->hmac_in, sizeof(p->hmac_in));
	OPENSSL_cleanse(&p->hmac_out, sizeof(p->hmac_out));
	free(p->f);
	free(p->ln);
	if (p->norm.data)
		OPENSSL_cleanse(p->norm.data, p->norm.cap);
	OPENSSL_cleanse(p->cache, sizeof(p->cache));
	buf_free(&p->norm);
	OPENSSL_cleanse(p->secret, sizeof(p->secret));
	free(p);
}
