/*
 * keys.h - the store's Ed25519 signing key on disk.
 *
 * The private key is PKCS#8 PEM, mode 0600, created with O_EXCL|O_NOFOLLOW.
 * With a passphrase it is encrypted (PBKDF2-HMAC-SHA256, KEYS_PBKDF2_ITER
 * iterations, AES-256-CBC); without one it is plain PKCS#8.  A key file
 * readable or writable by group or others is refused, as ssh does.
 *
 * Passphrases are (pointer, length) pairs owned by the caller, who wipes
 * them with OPENSSL_cleanse() (struct passphrase / passphrase_free()).
 */
#ifndef AUDITPACK_KEYS_H
#define AUDITPACK_KEYS_H

#include <stddef.h>

#include <openssl/evp.h>

#include "../common/buf.h"

#define KEYS_PBKDF2_ITER 600000

struct passphrase {
	char *data; /* NULL when none was given */
	size_t len;
};

/* From $AUDITPACK_KEY_PASSPHRASE, or from `file` (first line) when not NULL.
 * An empty passphrase is an error, never "no encryption". */
int passphrase_get(struct passphrase *out, const char *file);
void passphrase_free(struct passphrase *p);

int keys_generate(EVP_PKEY **out);

/* Write a new private key file (fails if `path` exists). */
int keys_save_private(const char *path, EVP_PKEY *key,
		      const struct passphrase *pass);

/* Load the private key; checks permissions first. */
int keys_load_private(EVP_PKEY **out, const char *path,
		      const struct passphrase *pass);

/* SubjectPublicKeyInfo PEM of `key`'s public half, appended to out. */
int keys_public_pem(struct buf *out, EVP_PKEY *key);

#endif
