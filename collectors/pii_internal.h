/*
 * pii_internal.h - what the files of the PII detector share (pii.h is
 * its interface):
 *   pii.c         struct pii: setup, tokens, pii_scrub(), pii_describe()
 *   pii_detect.c  the detector table, the prefilter and the matching
 *   pii_check.c   checksums and structure, run as PCRE2 callouts
 */
#ifndef AUDITPACK_PII_INTERNAL_H
#define AUDITPACK_PII_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8

#include "pii.h"

#include <openssl/sha.h>
#include <pcre2.h>
#include <stdbool.h>
#include <stdint.h>

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

/* Byte classes for prefilter(); K_TRIG marks a possible secret prefix. */
enum {
	K_QUIET, K_DIGIT, K_UP, K_LO, K_SEP, K_DOT, K_COLON, K_AT, K_PCT,
};
#define K_TRIG 0x80u

/* The detectors (det_specs in pii_detect.c, secrets first). */
#define NDET ((size_t)10)

#define TOKEN_CACHE 2048   /* entries, a power of two: half for named values */
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
	SHA256_CTX hmac_in, hmac_out; /* the key's pads, hashed (pii.c) */
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

static inline bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* ---- pii_check.c ---- */

/* PCRE2 callout at the end of a candidate: 0 accepts it, 1 backtracks. */
int pii_validate(pcre2_callout_block *cb, void *data);

/* ---- pii_detect.c ---- */

/* Compile det_specs into p->re (JIT where it can). */
int pii_compile_all(struct pii *p);
/* The byte classes of prefilter() into k[256]. */
void pii_init_kinds(unsigned char *k);
/* Plan the scrub of s[0..len) line by line into p->ln; *all: what the
 * whole text needs. */
int pii_plan_lines(struct pii *p, const char *s, size_t len, unsigned *all);
/* The secrets in s[0..len), appended to p->f. */
int pii_find_secrets(struct pii *p, const char *s, size_t len);
/* The other findings of the planned lines, around the secrets p->f[0..nsec). */
int pii_find_all_others(struct pii *p, const char *s, size_t nsec);

#endif
