/*
 * note.h - C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and
 * the tlog-checkpoint body carried in them (c2sp.org/tlog-checkpoint).
 *
 * A note is `text` (non-empty lines, each ending in '\n'), a blank line, and
 * signature lines "— <name> <base64(4-byte key id || 64-byte signature)>\n".
 * The key id is the first 4 bytes of SHA-256(name || 0x0A || 0x01 || pubkey).
 */
#ifndef AUDITPACK_NOTE_H
#define AUDITPACK_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "../common/buf.h"
#include "../common/sign.h"
#include "merkle.h"

#define NOTE_PUBKEY SIGN_ED25519_PUB
#define NOTE_SIG SIGN_ED25519_SIG
#define NOTE_MAX_NAME 256
#define NOTE_MAX_SIGS 16
#define NOTE_MAX_LEN 65536

struct note_sig {
	char name[NOTE_MAX_NAME];
	uint32_t key_id;
	uint8_t sig[NOTE_SIG];
};

/* A parsed note: `text` points into the caller's buffer. */
struct note {
	const char *text;
	size_t text_len;
	struct note_sig sigs[NOTE_MAX_SIGS];
	size_t nsigs;
};

struct checkpoint {
	char origin[NOTE_MAX_NAME];
	uint64_t size;
	merkle_hash root;
};

/* A key name is non-empty UTF-8 without spaces, '+' or newlines. */
bool note_name_valid(const char *name);

uint32_t note_key_id(const char *name, const uint8_t pub[NOTE_PUBKEY]);

/* "<name>+<8 hex id>+<base64(0x01 || pub)>" appended to out. */
int note_vkey_format(struct buf *out, const char *name,
		     const uint8_t pub[NOTE_PUBKEY]);

/* Parse a verifier key string; checks that the id matches name and key. */
int note_vkey_parse(const char *vkey, char name[NOTE_MAX_NAME],
		    uint32_t *key_id, uint8_t pub[NOTE_PUBKEY]);

/* Append to `out` the signed note: text, blank line, one signature line by
 * the Ed25519 private key `priv` under `name`. */
int note_sign(struct buf *out, const char *text, size_t text_len,
	      const char *name, EVP_PKEY *priv);

/* Split a note into text and signature lines.  0 or ERR_PARSE. */
int note_parse(struct note *out, const char *msg, size_t len);

/* Does signature `s` over `n->text` verify with the given public key? */
bool note_sig_verify(const struct note *n, const struct note_sig *s,
		     const uint8_t pub[NOTE_PUBKEY]);

/* Checkpoint body: "<origin>\n<size>\n<base64 root>\n". */
int checkpoint_format(struct buf *out, const struct checkpoint *cp);
/* Parse a checkpoint body (extension lines are ignored). */
int checkpoint_parse(struct checkpoint *out, const char *text, size_t len);

/* ed25519_raw_public() and ed25519_from_raw_public(): common/sign.h. */

#endif
