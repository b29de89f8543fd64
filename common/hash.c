#include "hash.h"
#include "err.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include <openssl/evp.h>

struct sha256_ctx {
	EVP_MD_CTX *md;
};

/* Fetch once: an implicit fetch per digest costs more than hashing a
 * short leaf.  Once for every thread (collect hashes on several). */
static EVP_MD *fetched_md;
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_md(void)
{
	fetched_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static EVP_MD *sha256_md(void)
{
	pthread_once(&fetch_once, fetch_md);
	return fetched_md;
}

int sha256_new(struct sha256_ctx **out)
{
	struct sha256_ctx *c = malloc(sizeof(*c));

	*out = NULL;
	if (!c)
		return err_nomem();
	c->md = EVP_MD_CTX_new();
	if (!c->md || EVP_DigestInit_ex(c->md, sha256_md(), NULL) != 1) {
		EVP_MD_CTX_free(c->md);
		free(c);
		return err_set_openssl(ERR_CRYPTO, "sha256 init failed");
	}
	*out = c;
	return 0;
}

int sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	if (len && EVP_DigestUpdate(c->md, data, len) != 1)
		return err_set_openssl(ERR_CRYPTO, "sha256 update failed");
	return 0;
}

int sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_LEN])
{
	int rc = 0;

	if (EVP_DigestFinal_ex(c->md, out, NULL) != 1)
		rc = err_set_openssl(ERR_CRYPTO, "sha256 final failed");
	sha256_free(c);
	return rc;
}

void sha256_free(struct sha256_ctx *c)
{
	if (!c)
		return;
	EVP_MD_CTX_free(c->md);
	free(c);
}

/* Each thread's context is freed when the thread ends (collect's worker
 * threads hash too); the main thread's lives until exit. */
static pthread_key_t md_key;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static bool md_key_made;

static void md_free(void *md)
{
	EVP_MD_CTX_free(md);
}

static void md_key_init(void)
{
	md_key_made = pthread_key_create(&md_key, md_free) == 0;
}

int sha256_parts(uint8_t out[SHA256_LEN], size_t n, const void *const *ptrs,
		 const size_t *lens)
{
	static _Thread_local EVP_MD_CTX *md;

	if (!md) {
		pthread_once(&md_once, md_key_init);
		if (!(md = EVP_MD_CTX_new()))
			return err_nomem();
		if (md_key_made)
			pthread_setspecific(md_key, md);
	}
	if (EVP_DigestInit_ex(md, sha256_md(), NULL) != 1)
		return err_set_openssl(ERR_CRYPTO, "sha256 init failed");
	for (size_t i = 0; i < n; i++)
		if (lens[i] && EVP_DigestUpdate(md, ptrs[i], lens[i]) != 1)
			return err_set_openssl(ERR_CRYPTO, "sha256 update failed");
	if (EVP_DigestFinal_ex(md, out, NULL) != 1)
		return err_set_openssl(ERR_CRYPTO, "sha256 final failed");
	return 0;
}

int sha256(uint8_t out[SHA256_LEN], const void *data, size_t len)
{
	const void *p[1] = { data };
	size_t l[1] = { len };

	return sha256_parts(out, 1, p, l);
}
