/* pii_detect.c - the detectors, the prefilter and the matching; see
 * pii.c for how a scrub works. */

#include "pii_internal.h"
#include "../common/err.h"

#include <stdlib.h>
#include <string.h>

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

_Static_assert(sizeof(det_specs) / sizeof(det_specs[0]) == NDET, "NDET counts det_specs");

/* ---- prefilter ---- */

void pii_init_kinds(unsigned char *k)
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
			return err_nomem();
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

int pii_find_secrets(struct pii *p, const char *s, size_t len)
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
int pii_plan_lines(struct pii *p, const char *s, size_t len,
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
				return err_nomem();
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
int pii_find_all_others(struct pii *p, const char *s, size_t nsec)
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

/* ---- setup ---- */

int pii_compile_all(struct pii *p)
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
