/*
 * sign.h - the signatures auditpack makes and checks: Ed25519 (RFC 8032,
 * through OpenSSL) and the DSSE pre-authentication encoding of an envelope
 * (github.com/secure-systems-lab/dsse, protocol.md).
 *
 * Checkpoint notes (store/note.c), the store's signing of pack manifests
 * (store/store_sign.c) and their offline verification (reports/pack_verify.c)
 * all sign and verify through here, so the bytes signed and the checks made
 * are the same everywhere.
 */
#ifndef AUDITPACK_SIGN_H
#define AUDITPACK_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "buf.h"

#define SIGN_ED25519_PUB 32 /* a raw public key */
#define SIGN_ED25519_SIG 64 /* a signature */

/*
 * The DSSE PAE header: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP, the
 * lengths in ASCII decimal; the signed message is this header followed by
 * the body.  Written to out (cap bytes, NUL-terminated); returns its length
 * without the NUL, or 0 when it does not fit.
 */
size_t sign_pae_header(char *out, size_t cap, const char *type, size_t body_len);

/* Append PAE(type, body) - the header and the body - to out.  0 or ERR_NOMEM. */
int sign_pae(struct buf *out, const char *type, const void *body, size_t len);

/* Sign msg with the Ed25519 private key `priv` (deterministic).  0 or
 * ERR_CRYPTO with OpenSSL's reason. */
int sign_ed25519(uint8_t sig[SIGN_ED25519_SIG], EVP_PKEY *priv, const void *msg, size_t len);

/* Does `sig` (siglen bytes: anything but 64 fails) verify over msg with the
 * raw Ed25519 public key `pub`? */
bool sign_ed25519_verify(const uint8_t pub[SIGN_ED25519_PUB], const void *msg, size_t len,
			 const uint8_t *sig, size_t siglen);

/* The raw 32-byte public key of an Ed25519 key pair or public key.  0 or
 * ERR_CRYPTO. */
int ed25519_raw_public(uint8_t pub[SIGN_ED25519_PUB], EVP_PKEY *key);

/* An EVP_PKEY for a raw Ed25519 public key; the caller frees it with
 * EVP_PKEY_free().  0 or ERR_CRYPTO. */
int ed25519_from_raw_public(EVP_PKEY **out, const uint8_t pub[SIGN_ED25519_PUB]);

#endif
