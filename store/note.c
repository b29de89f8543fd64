#include "note.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/hash.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EM_DASH "\xe2\x80\x94"
#define SIG_ALG_ED25519 0x01

bool note_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= NOTE_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] == ' ' || name[i] == '+' || name[i] == '\n' ||
		    (unsigned char)name[i] < 0x20)
			return false;
	return true;
}

uint32_t note_key_id(const char *name, const uint8_t pub[NOTE_PUBKEY])
{
	static const uint8_t sep[2] = { 0x0a, SIG_ALG_ED25519 };
	const void *p[3] = { name, sep, pub };
	size_t l[3] = { strlen(name), 2, NOTE_PUBKEY };
	uint8_t h[SHA256_LEN];

	if (sha256_parts(h, 3, p, l))
		return 0;
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

int note_vkey_format(struct buf *out, const char *name,
		     const uint8_t pub[NOTE_PUBKEY])
{
	uint8_t raw[1 + NOTE_PUBKEY];
	char b64[B64_LEN(sizeof(raw))];

	raw[0] = SIG_ALG_ED25519;
	memcpy(raw + 1, pub, NOTE_PUBKEY);
	b64_encode(b64, raw, sizeof(raw));
	return buf_printf(out, "%s+%08" PRIx32 "+%s", name,
			  note_key_id(name, pub), b64);
}

int note_vkey_parse(const char *vkey, char name[NOTE_MAX_NAME],
		    uint32_t *key_id, uint8_t pub[NOTE_PUBKEY])
{
	const char *p1 = strchr(vkey, '+'), *p2;
	uint8_t raw[1 + NOTE_PUBKEY + 4], idb[4];
	size_t rawlen;

	if (!p1 || !(p2 = strchr(p1 + 1, '+')) || (size_t)(p1 - vkey) >= NOTE_MAX_NAME)
		goto bad;
	memcpy(name, vkey, (size_t)(p1 - vkey));
	name[p1 - vkey] = '\0';
	if (!note_name_valid(name) || p2 - p1 - 1 != 8 ||
	    hex_decode(idb, 4, p1 + 1, 8) ||
	    b64_decode(raw, sizeof(raw), &rawlen, p2 + 1, strlen(p2 + 1)) ||
	    rawlen != 1 + NOTE_PUBKEY || raw[0] != SIG_ALG_ED25519)
		goto bad;
	memcpy(pub, raw + 1, NOTE_PUBKEY);
	*key_id = (uint32_t)idb[0] << 24 | (uint32_t)idb[1] << 16 |
		  (uint32_t)idb[2] << 8 | idb[3];
	if (*key_id != note_key_id(name, pub))
		return err_set(ERR_PARSE, "verifier key '%s': key id does not match the key", vkey);
	return 0;
bad:
	return err_set(ERR_PARSE, "'%s' is not a verifier key "
		       "(name+keyid+base64 Ed25519 key)", vkey);
}

int note_sign(struct buf *out, const char *text, size_t text_len,
	      const char *name, EVP_PKEY *priv)
{
	uint8_t pub[NOTE_PUBKEY], blob[4 + NOTE_SIG];
	char b64[B64_LEN(sizeof(blob))];
	uint32_t id;
	int rc;

	if (!note_name_valid(name))
		return err_set(ERR_USAGE, "'%s' cannot be a note key name", name);
	if (text_len == 0 || text[text_len - 1] != '\n')
		return err_set(ERR_USAGE, "note text must end in a newline");
	if ((rc = ed25519_raw_public(pub, priv)))
		return rc;
	id = note_key_id(name, pub);
	blob[0] = (uint8_t)(id >> 24);
	blob[1] = (uint8_t)(id >> 16);
	blob[2] = (uint8_t)(id >> 8);
	blob[3] = (uint8_t)id;
	if ((rc = sign_ed25519(blob + 4, priv, text, text_len)))
		return rc;
	b64_encode(b64, blob, sizeof(blob));
	if ((rc = buf_append(out, text, text_len)))
		return rc;
	return buf_printf(out, "\n" EM_DASH " %s %s\n", name, b64);
}

static int parse_sig_line(struct note_sig *s, const char *line, size_t len)
{
	const size_t dash = sizeof(EM_DASH) - 1;
	uint8_t blob[4 + NOTE_SIG + 1];
	const char *sp;
	size_t namelen, bloblen;

	if (len < dash + 1 || memcmp(line, EM_DASH " ", dash + 1))
		return err_set(ERR_PARSE, "signature line does not start with an em dash");
	line += dash + 1;
	len -= dash + 1;
	sp = memchr(line, ' ', len);
	if (!sp || (namelen = (size_t)(sp - line)) == 0 || namelen >= NOTE_MAX_NAME)
		return err_set(ERR_PARSE, "signature line has no key name");
	memcpy(s->name, line, namelen);
	s->name[namelen] = '\0';
	if (b64_decode(blob, sizeof(blob), &bloblen, sp + 1, len - namelen - 1) ||
	    bloblen != 4 + NOTE_SIG)
		return err_set(ERR_PARSE, "signature by '%s' is not a 4-byte key id "
			       "and a 64-byte Ed25519 signature", s->name);
	s->key_id = (uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 |
		    (uint32_t)blob[2] << 8 | blob[3];
	memcpy(s->sig, blob + 4, NOTE_SIG);
	return 0;
}

int note_parse(struct note *out, const char *msg, size_t len)
{
	const char *sigs = NULL, *p, *end = msg + len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > NOTE_MAX_LEN)
		return err_set(ERR_PARSE, "note is larger than %d bytes", NOTE_MAX_LEN);
	if (len == 0 || msg[len - 1] != '\n')
		return err_set(ERR_PARSE, "note does not end in a newline");
	if (memchr(msg, '\0', len))
		return err_set(ERR_PARSE, "note contains a NUL byte");
	/* The signature block follows the last blank line. */
	for (p = msg + len - 1; p > msg; p--)
		if (p[-1] == '\n' && p[0] == '\n') {
			sigs = p + 1;
			break;
		}
	if (!sigs || sigs - 1 == msg || msg[0] == '\n')
		return err_set(ERR_PARSE, "note has no text or no signature block");
	out->text = msg;
	out->text_len = (size_t)(sigs - 1 - msg);
	for (p = sigs; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (out->nsigs == NOTE_MAX_SIGS)
			return err_set(ERR_PARSE, "note has more than %d signatures",
				       NOTE_MAX_SIGS);
		if ((rc = parse_sig_line(&out->sigs[out->nsigs], p, (size_t)(nl - p))))
			return rc;
		out->nsigs++;
		p = nl + 1;
	}
	if (out->nsigs == 0)
		return err_set(ERR_PARSE, "note has no signature");
	return 0;
}

bool note_sig_verify(const struct note *n, const struct note_sig *s,
		     const uint8_t pub[NOTE_PUBKEY])
{
	return s->key_id == note_key_id(s->name, pub) &&
	       sign_ed25519_verify(pub, n->text, n->text_len, s->sig, NOTE_SIG);
}

int checkpoint_format(struct buf *out, const struct checkpoint *cp)
{
	char b64[B64_LEN(MERKLE_HASH)];

	b64_encode(b64, cp->root, MERKLE_HASH);
	return buf_printf(out, "%s\n%" PRIu64 "\n%s\n", cp->origin, cp->size, b64);
}

int checkpoint_parse(struct checkpoint *out, const char *text, size_t len)
{
	const char *l1, *l2, *l3, *end = text + len;
	size_t n, rootlen;
	uint64_t size = 0;

	memset(out, 0, sizeof(*out));
	if (!(l1 = memchr(text, '\n', len)) ||
	    !(l2 = memchr(l1 + 1, '\n', (size_t)(end - l1 - 1))) ||
	    !(l3 = memchr(l2 + 1, '\n', (size_t)(end - l2 - 1))))
		return err_set(ERR_PARSE, "checkpoint has fewer than three lines");
	n = (size_t)(l1 - text);
	if (n == 0 || n >= NOTE_MAX_NAME)
		return err_set(ERR_PARSE, "checkpoint origin is empty or too long");
	memcpy(out->origin, text, n);
	out->origin[n] = '\0';
	n = (size_t)(l2 - l1 - 1);
	if (n == 0 || n > 19 || (n > 1 && l1[1] == '0'))
		return err_set(ERR_PARSE, "checkpoint tree size is not a decimal number");
	for (size_t i = 0; i < n; i++) {
		char c = l1[1 + i];

		if (c < '0' || c > '9')
			return err_set(ERR_PARSE, "checkpoint tree size is not a decimal number");
		size = size * 10 + (uint64_t)(c - '0');
	}
	out->size = size;
	if (b64_decode(out->root, MERKLE_HASH, &rootlen, l2 + 1, (size_t)(l3 - l2 - 1)) ||
	    rootlen != MERKLE_HASH)
		return err_set(ERR_PARSE, "checkpoint root is not a base64 SHA-256 hash");
	return 0;
}
