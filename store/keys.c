#include "keys.h"
#include "../common/buf.h"
#include "../common/err.h"
#include "../common/fsutil.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#define KEY_FILE_MAX 16384

static int set_passphrase(struct passphrase *out, char *data, size_t len)
{
	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (len == 0) {
		OPENSSL_cleanse(data, strlen(data));
		free(data);
		return err_set(ERR_CRYPTO, "the key passphrase is empty; "
			       "an empty passphrase does not protect the key");
	}
	data[len] = '\0';
	out->data = data;
	out->len = len;
	return 0;
}

int passphrase_get(struct passphrase *out, const char *file)
{
	struct buf b = BUF_INIT;
	const char *env;
	char *nl, *copy;
	int rc;

	out->data = NULL;
	out->len = 0;
	if (file) {
		size_t len;

		if ((rc = fs_read_file(&b, file, 4096, NULL)) || (rc = buf_grow(&b, 0))) {
			if (b.data)
				OPENSSL_cleanse(b.data, b.cap);
			buf_free(&b);
			return err_wrap(rc, "cannot read the passphrase file");
		}
		if ((nl = memchr(b.data, '\n', b.len)))
			*nl = '\0';
		len = strlen(b.data);
		return set_passphrase(out, buf_detach(&b, NULL), len);
	}
	env = getenv("AUDITPACK_KEY_PASSPHRASE");
	if (!env)
		return 0;
	if (!(copy = strdup(env)))
		return err_nomem();
	return set_passphrase(out, copy, strlen(copy));
}

void passphrase_free(struct passphrase *p)
{
	if (p->data) {
		OPENSSL_cleanse(p->data, p->len);
		free(p->data);
	}
	p->data = NULL;
	p->len = 0;
}

int keys_generate(EVP_PKEY **out)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);

	*out = NULL;
	if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, out) != 1) {
		EVP_PKEY_CTX_free(ctx);
		return err_set_openssl(ERR_CRYPTO, "cannot generate an Ed25519 key");
	}
	EVP_PKEY_CTX_free(ctx);
	return 0;
}

static int encrypted_pem(BIO *bio, EVP_PKEY *key, const struct passphrase *pass)
{
	PKCS8_PRIV_KEY_INFO *p8inf = NULL;
	X509_ALGOR *pbe = NULL;
	X509_SIG *p8 = NULL;
	int rc = 0;

	/* OpenSSL's PEM writer would use 2048 PBKDF2 iterations: far too few
	 * for a key that protects every checkpoint, so build PBES2 by hand. */
	if (!(p8inf = EVP_PKEY2PKCS8(key)) ||
	    !(pbe = PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), KEYS_PBKDF2_ITER, NULL, 0,
				      NULL, NID_hmacWithSHA256)) ||
	    !(p8 = PKCS8_set0_pbe(pass->data, (int)pass->len, p8inf, pbe)) ||
	    PEM_write_bio_PKCS8(bio, p8) != 1)
		rc = err_set_openssl(ERR_CRYPTO, "cannot encrypt the private key");
	if (!p8)
		X509_ALGOR_free(pbe);
	X509_SIG_free(p8);
	PKCS8_PRIV_KEY_INFO_free(p8inf);
	return rc;
}

int keys_save_private(const char *path, EVP_PKEY *key,
		      const struct passphrase *pass)
{
	BIO *bio = BIO_new(BIO_s_secmem());
	BUF_MEM *mem = NULL;
	int rc;

	if (!bio)
		return err_set_openssl(ERR_NOMEM, "out of memory");
	if (pass && pass->data)
		rc = encrypted_pem(bio, key, pass);
	else if (PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) != 1)
		rc = err_set_openssl(ERR_CRYPTO, "cannot encode the private key");
	else
		rc = 0;
	if (!rc) {
		BIO_get_mem_ptr(bio, &mem);
		rc = fs_write_new(path, mem->data, mem->length, 0600);
	}
	BIO_free(bio); /* secmem BIO wipes its buffer */
	return rc;
}

static int check_key_mode(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return err_set(ERR_IO, "cannot open signing key '%s': %s", path,
			       strerror(errno));
	if (S_ISLNK(st.st_mode))
		return err_set(ERR_CRYPTO, "signing key '%s' is a symbolic link; "
			       "refusing to follow it", path);
	if (st.st_mode & 077)
		return err_set(ERR_CRYPTO, "signing key '%s' is accessible by group or "
			       "others (mode %04o); it must be 0600: chmod 600 '%s'",
			       path, (unsigned)(st.st_mode & 07777), path);
	return 0;
}

struct pass_cb {
	const struct passphrase *pass;
	int asked;
};

static int pem_pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass_cb *cb = u;

	(void)rwflag;
	cb->asked = 1;
	if (!cb->pass || !cb->pass->data || cb->pass->len > (size_t)size)
		return -1;
	memcpy(buf, cb->pass->data, cb->pass->len);
	return (int)cb->pass->len;
}

int keys_load_private(EVP_PKEY **out, const char *path,
		      const struct passphrase *pass)
{
	struct pass_cb cb = { pass, 0 };
	struct buf b = BUF_INIT;
	bool encrypted;
	BIO *bio = NULL;
	int rc;

	*out = NULL;
	if ((rc = check_key_mode(path)) || (rc = fs_read_file(&b, path, KEY_FILE_MAX, NULL)))
		goto out;
	encrypted = b.data && strstr(b.data, "-----BEGIN ENCRYPTED PRIVATE KEY-----");
	if (encrypted && (!pass || !pass->data)) {
		rc = err_set(ERR_CRYPTO, "signing key '%s' is encrypted: set "
			     "AUDITPACK_KEY_PASSPHRASE or use --passphrase-file", path);
		goto out;
	}
	if (!(bio = BIO_new_mem_buf(b.data, (int)b.len))) {
		rc = err_set_openssl(ERR_NOMEM, "out of memory");
		goto out;
	}
	*out = PEM_read_bio_PrivateKey(bio, NULL, pem_pass_cb, &cb);
	if (!*out) {
		ERR_clear_error();
		rc = encrypted ? err_set(ERR_CRYPTO, "cannot decrypt signing key '%s': "
					 "wrong passphrase", path)
			       : err_set(ERR_CRYPTO, "signing key '%s' is not a PKCS#8 "
					 "PEM private key", path);
		goto out;
	}
	if (EVP_PKEY_get_id(*out) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(*out);
		*out = NULL;
		rc = err_set(ERR_CRYPTO, "signing key '%s' is not an Ed25519 key", path);
	}
out:
	BIO_free(bio);
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	buf_free(&b);
	return rc;
}

int keys_public_pem(struct buf *out, EVP_PKEY *key)
{
	BIO *bio = BIO_new(BIO_s_mem());
	BUF_MEM *mem;
	int rc;

	if (!bio)
		return err_set_openssl(ERR_NOMEM, "out of memory");
	if (PEM_write_bio_PUBKEY(bio, key) != 1) {
		BIO_free(bio);
		return err_set_openssl(ERR_CRYPTO, "cannot encode the public key");
	}
	BIO_get_mem_ptr(bio, &mem);
	rc = buf_append(out, mem->data, mem->length);
	BIO_free(bio);
	return rc;
}
