/*
 * pii.h - personal data and secret detection (PCRE2 with JIT), and the
 * tokens that stand in for what it finds.
 *
 * Detectors, with the checksum where the format has one (a look-alike that
 * fails it is not a finding): e-mail, phone, IPv4, IPv6, payment card
 * (Luhn), US SSN, India Aadhaar (Verhoeff), India PAN (structure), IBAN
 * (mod 97), and secrets (API keys, bearer tokens, JWTs, private-key
 * blocks).
 *
 * Replacement (enum pii_mode in collector.h):
 *   pseudonymise  "<email:3f9a1c0b2d4e5f60>": the type, then the first 16 hex
 *                 digits of HMAC-SHA256(store secret, normalised value), so
 *                 the same person gets the same token in every run and
 *                 source, and can be found again for erasure;
 *   redact        "<email:redacted>";
 *   keep          the text is left as it is (findings are still counted).
 * Secrets are always replaced by "<secret:redacted>", whatever the mode.
 */
#ifndef AUDITPACK_PII_H
#define AUDITPACK_PII_H

#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "collector.h"

enum pii_type {
	PII_EMAIL,
	PII_PHONE,
	PII_IPV4,
	PII_IPV6,
	PII_CARD,
	PII_SSN,
	PII_AADHAAR,
	PII_PAN,
	PII_IBAN,
	PII_SECRET,
	PII_NTYPES
};

/* "email", "phone", "ipv4", "ipv6", "card", "ssn", "aadhaar", "pan", "iban",
 * "secret": the keys of the `pii` attrs object. */
const char *pii_type_name(enum pii_type t);

struct pii_counts {
	uint64_t n[PII_NTYPES];
};

struct pii;

/* Compile the detectors; `secret` (STORE_SECRET_LEN bytes) is copied and
 * wiped by pii_free(). */
int pii_new(struct pii **out, const uint8_t *secret);
void pii_free(struct pii *p);

/*
 * Append to `out` the text of buf[0..len) with every finding replaced as
 * `mode` says, adding the findings to *counts (which may be NULL).  Works
 * on any text: one log line, or a whole document with private-key blocks
 * spanning lines.
 */
int pii_scrub(struct pii *p, enum pii_mode mode, const char *buf, size_t len,
	      struct buf *out, struct pii_counts *counts);

/*
 * Does buf[0..len) contain personal data or a secret?  Returns the number
 * of findings (0: none) or a negative enum err; `names` (cap bytes, may be
 * NULL) receives the detector names found, e.g. "email, phone".  For free
 * text that is kept for ever (erase reasons, policy justifications).
 */
int pii_describe(struct pii *p, const char *buf, size_t len, char *names, size_t cap);

#define PII_TOKEN_MAX 64

/*
 * The token for a raw value: `type` is a detector name above or any other
 * lowercase word ("user" for user ids).  The value is normalised as its
 * detector does (e-mail lowercased, digits only for phone/card/aadhaar/ssn,
 * IBAN and PAN uppercased without spaces), so a token computed here equals
 * the one pii_scrub() wrote.  out receives "<type:16 hex>" (PII_TOKEN_MAX).
 */
int pii_token(struct pii *p, const char *type, const char *value, size_t len,
	      char out[PII_TOKEN_MAX]);

#endif
