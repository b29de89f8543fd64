#include "sign.h"
#include "err.h"

#include <stdio.h>
#include <string.h>

#define PAE_FORMAT "DSSEv1 %zu %s %zu "

size_t sign_pae_header(char *out, size_t cap, const char *type, size_t body_len)
{
	int n = snprintf(out, cap, PAE_FORMAT, strlen(type), type, body_len);

	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

int sign_pae(struct buf *out, const char *type, const void *body, size_t len)
{
	int rc = buf_printf(out, PAE_FORMAT, strlen(type), type, len);

	return rc ? rc : buf_append(out, body, len);
}

int sign_ed25519(uint8_t sig[SIGN_ED25519_SIG], EVP_PKEY *priv, const void *msg, size_t len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t siglen = SIGN_ED25519_SIG;
	int ok;

	ok = md && EVP_DigestSignInit(md, NULL, NULL, NULL, priv) == 1 &&
	     EVP_DigestSign(md, sig, &siglen, msg, len) == 1 && siglen == SIGN_ED25519_SIG;
	EVP_MD_CTX_free(md);
	return ok ? 0 : err_set_openssl(ERR_CRYPTO, "signing failed");
}

bool sign_ed25519_verify(const uint8_t pub[SIGN_ED25519_PUB], const void *msg, size_t len,
			 const uint8_t *sig, size_t siglen)
{
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *md = NULL;
	bool ok;

	if (siglen != SIGN_ED25519_SIG || ed25519_from_raw_public(&key, pub))
		return false;
	md = EVP_MD_CTX_new();
	ok = md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1 &&
	     EVP_DigestVerify(md, sig, siglen, msg, len) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(key);
	return ok;
}

int ed25519_raw_public(uint8_t pub[SIGN_ED25519_PUB], EVP_PKEY *key)
{
	size_t len = SIGN_ED25519_PUB;

	if (EVP_PKEY_get_raw_public_key(key, pub, &len) != 1 || len != SIGN_ED25519_PUB)
		return err_set_openssl(ERR_CRYPTO, "cannot read the Ed25519 public key");
	return 0;
}

int ed25519_from_raw_public(EVP_PKEY **out, const uint8_t pub[SIGN_ED25519_PUB])
{
	*out = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, SIGN_ED25519_PUB);
	if (!*out)
		return err_set_openssl(ERR_CRYPTO, "bad Ed25519 public key");
	return 0;
}
