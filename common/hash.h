/*
 * hash.h - SHA-256 through OpenSSL's EVP (SHA-NI where the CPU has it).
 */
#ifndef AUDITPACK_HASH_H
#define AUDITPACK_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256_ctx;

/* One-shot digest of the concatenation of up to `n` (ptr,len) pieces. */
int sha256_parts(uint8_t out[SHA256_LEN], size_t n, const void *const *ptrs,
		 const size_t *lens);
int sha256(uint8_t out[SHA256_LEN], const void *data, size_t len);

/* Streaming use: new, update..., final (which also frees). */
int sha256_new(struct sha256_ctx **out);
int sha256_update(struct sha256_ctx *c, const void *data, size_t len);
int sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_LEN]);
void sha256_free(struct sha256_ctx *c);

#endif
