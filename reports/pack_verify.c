/*
 * pack_verify.c - check an audit pack with nothing but the pack and a key.
 */
#include "pack.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/hash.h"
#include "../store/entry.h"
#include "../store/merkle.h"
#include "../store/note.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/pem.h>
#include <zip.h>

static void problem(struct pack_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct pack_report *r, const char *fmt, ...)
{
	struct pack_problem *v;
	va_list ap;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;

		if (!(v = realloc(r->v, cap * sizeof(*v))))
			return;
		r->v = v;
		r->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(r->v[r->n].what, sizeof(r->v[r->n].what), fmt, ap);
	va_end(ap);
	r->n++;
}

static void note_erased(struct pack_report *r, uint64_t index)
{
	uint64_t *v;

	r->erased++;
	if (!(v = realloc(r->erased_list, (r->nerased_list + 1) * sizeof(*v))))
		return; /* the count stays right; the list is for reading */
	r->erased_list = v;
	v[r->nerased_list++] = index;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

void pack_report_free(struct pack_report *r)
{
	free(r->v);
	free(r->erased_list);
	r->erased_list = NULL;
	r->nerased_list = 0;
	r->v = NULL;
	r->n = r->cap = 0;
}

struct member {
	char *name;
	struct buf data;
	bool listed;
};

struct pack {
	struct member *v;
	size_t n;
};

static struct member *member(struct pack *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].name, name))
			return &p->v[i];
	return NULL;
}

static void pack_free(struct pack *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].name);
		buf_free(&p->v[i].data);
	}
	free(p->v);
}

static bool safe_name(const char *n)
{
	if (!*n || n[0] == '/' || strchr(n, '\\') || strlen(n) > 512)
		return false;
	for (const char *p = n; *p; p++) {
		if (p[0] == '.' && p[1] == '.' && (p == n || p[-1] == '/') && (!p[2] || p[2] == '/'))
			return false;
		if ((unsigned char)*p < 0x20)
			return false;
	}
	return true;
}

/* Read one member, never more than its declared size (a bomb stops here). */
static int read_member(zip_t *za, zip_uint64_t i, const zip_stat_t *zs, struct buf *out)
{
	zip_file_t *zf = zip_fopen_index(za, i, 0);
	zip_int64_t n;
	char extra;
	int rc;

	if (!zf)
		return err_set(ERR_PARSE, "cannot open '%s' in the pack: %s", zs->name,
			       zip_strerror(za));
	if ((rc = buf_grow(out, (size_t)zs->size))) {
		zip_fclose(zf);
		return rc;
	}
	n = zip_fread(zf, out->data, zs->size);
	if (n < 0 || (zip_uint64_t)n != zs->size || zip_fread(zf, &extra, 1) != 0) {
		zip_fclose(zf);
		return err_set(ERR_PARSE, "'%s' in the pack does not decompress to its stated "
			       "size", zs->name);
	}
	out->len = (size_t)n;
	out->data[out->len] = '\0';
	zip_fclose(zf);
	return 0;
}

static int load(struct pack *p, const char *path, struct pack_report *r)
{
	zip_t *za;
	zip_int64_t n;
	uint64_t total = 0;
	int zerr, rc = 0;

	if (!(za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr)))
		return err_set(ERR_IO, "cannot open pack '%s' (libzip error %d: not a zip, or "
			       "damaged)", path, zerr);
	n = zip_get_num_entries(za, 0);
	if (n < 0 || n > PACK_MAX_FILES) {
		zip_close(za);
		return err_set(ERR_PARSE, "pack '%s' has too many files", path);
	}
	if (!(p->v = calloc((size_t)n + 1, sizeof(*p->v)))) {
		zip_close(za);
		return err_set(ERR_NOMEM, "out of memory");
	}
	for (zip_int64_t i = 0; i < n && !rc; i++) {
		zip_stat_t zs;

		if (zip_stat_index(za, (zip_uint64_t)i, 0, &zs) < 0 ||
		    !(zs.valid & ZIP_STAT_NAME) || !(zs.valid & ZIP_STAT_SIZE)) {
			rc = err_set(ERR_PARSE, "pack '%s': unreadable directory entry", path);
			break;
		}
		if (!safe_name(zs.name)) {
			problem(r, "file name '%s' is absolute or escapes the pack: refused", zs.name);
			continue;
		}
		if (zs.size > PACK_MAX_FILE || (total += zs.size) > PACK_MAX_TOTAL ||
		    ((zs.valid & ZIP_STAT_COMP_SIZE) && zs.size > ((zip_uint64_t)1 << 20) &&
		     zs.size / (zs.comp_size ? zs.comp_size : 1) > PACK_MAX_RATIO)) {
			problem(r, "'%s' claims %" PRIu64 " bytes from %" PRIu64 " compressed: a "
				"decompression bomb or over the size limit; not read", zs.name,
				(uint64_t)zs.size, (uint64_t)zs.comp_size);
			continue;
		}
		if (member(p, zs.name)) {
			problem(r, "'%s' appears twice in the pack", zs.name);
			continue;
		}
		if (!(p->v[p->n].name = strdup(zs.name))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		if ((rc = read_member(za, (zip_uint64_t)i, &zs, &p->v[p->n].data))) {
			problem(r, "%s", err_msg());
			free(p->v[p->n].name);
			buf_free(&p->v[p->n].data);
			rc = 0;
			continue;
		}
		p->n++;
	}
	zip_close(za);
	return rc;
}

/* ---- the key ---- */

struct trust {
	uint8_t pub[NOTE_PUBKEY];
	bool have;
};

static void fingerprint(struct pack_report *r, const char *origin, const uint8_t pub[NOTE_PUBKEY])
{
	uint8_t d[SHA256_LEN];
	char hex[HEX_LEN(SHA256_LEN)];

	sha256(d, pub, NOTE_PUBKEY);
	hex_encode(hex, d, SHA256_LEN);
	snprintf(r->key_fingerprint, sizeof(r->key_fingerprint), "%08" PRIx32 " sha256:%.16s",
		 note_key_id(origin, pub), hex);
}

static int pem_public(uint8_t pub[NOTE_PUBKEY], const char *pem, size_t len)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *k = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	int rc;

	BIO_free(bio);
	if (!k || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(k);
		return err_set_openssl(ERR_CRYPTO, "the public key is not an Ed25519 PEM key");
	}
	rc = ed25519_raw_public(pub, k);
	EVP_PKEY_free(k);
	return rc;
}

static bool ed25519_ok(const uint8_t pub[NOTE_PUBKEY], const void *msg, size_t len,
		       const uint8_t *sig, size_t siglen)
{
	EVP_PKEY *k = NULL;
	EVP_MD_CTX *md = NULL;
	bool ok;

	if (siglen != NOTE_SIG || ed25519_from_raw_public(&k, pub))
		return false;
	md = EVP_MD_CTX_new();
	ok = md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, k) == 1 &&
	     EVP_DigestVerify(md, sig, siglen, msg, len) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	return ok;
}

/* ---- checks ---- */

static json_t *check_manifest(struct pack *p, const struct trust *t, struct pack_report *r)
{
	struct member *m = member(p, "manifest.dsse.json");
	json_t *env, *st = NULL, *sig;
	const char *b64, *type, *sig64;
	uint8_t *body = NULL, sigb[NOTE_SIG + 4];
	size_t blen = 0, slen;
	struct buf pae = BUF_INIT;

	if (!m) {
		problem(r, "manifest.dsse.json is missing");
		return NULL;
	}
	m->listed = true;
	env = json_loadb(m->data.data ? m->data.data : "", m->data.len, 0, NULL);
	b64 = json_string_value(json_object_get(env, "payload"));
	type = json_string_value(json_object_get(env, "payloadType"));
	sig = json_array_get(json_object_get(env, "signatures"), 0);
	sig64 = json_string_value(json_object_get(sig, "sig"));
	if (!b64 || !type || !sig64 || strcmp(type, PACK_PAYLOAD_TYPE) ||
	    !(body = malloc(strlen(b64) + 1)) ||
	    b64_decode(body, strlen(b64), &blen, b64, strlen(b64)) ||
	    b64_decode(sigb, sizeof(sigb), &slen, sig64, strlen(sig64))) {
		problem(r, "manifest.dsse.json is not a DSSE envelope of an in-toto statement");
		goto out;
	}
	if (buf_printf(&pae, "DSSEv1 %zu %s %zu ", strlen(type), type, blen) ||
	    buf_append(&pae, body, blen))
		goto out;
	if (!ed25519_ok(t->pub, pae.data, pae.len, sigb, slen))
		problem(r, "the manifest's signature does not verify with the %s key",
			r->pinned ? "pinned" : "shipped");
	st = json_loadb((const char *)body, blen, 0, NULL);
	if (!st || strcmp(json_string_value(json_object_get(st, "predicateType")) ?
			  json_string_value(json_object_get(st, "predicateType")) : "",
			  PACK_PREDICATE_TYPE)) {
		problem(r, "the manifest's statement is not an auditpack audit pack");
		json_decref(st);
		st = NULL;
	}
out:
	json_decref(env);
	free(body);
	buf_free(&pae);
	return st;
}

static void check_subjects(struct pack *p, json_t *st, struct pack_report *r)
{
	json_t *subjects = json_object_get(st, "subject"), *s;
	size_t i;

	json_array_foreach(subjects, i, s) {
		const char *name = json_string_value(json_object_get(s, "name"));
		const char *want = json_string_value(json_object_get(json_object_get(s, "digest"), "sha256"));
		struct member *m = name ? member(p, name) : NULL;
		uint8_t d[SHA256_LEN];
		char hex[HEX_LEN(SHA256_LEN)];

		if (!name || !want) {
			problem(r, "the manifest lists a subject without a name or digest");
			continue;
		}
		if (!m) {
			problem(r, "%s is listed in the manifest but missing from the pack", name);
			continue;
		}
		m->listed = true;
		sha256(d, m->data.data ? m->data.data : "", m->data.len);
		hex_encode(hex, d, SHA256_LEN);
		if (strcmp(hex, want))
			problem(r, "%s does not match its digest in the manifest (changed)", name);
	}
	for (size_t k = 0; k < p->n; k++)
		if (!p->v[k].listed)
			problem(r, "%s is in the pack but not in the manifest (added)", p->v[k].name);
	r->files = p->n;
}

static bool check_checkpoint(struct pack *p, const struct trust *t, const char *origin,
			     struct checkpoint *cp, struct pack_report *r)
{
	struct member *m = member(p, "checkpoint");
	struct note n;

	if (!m || note_parse(&n, m->data.data ? m->data.data : "", m->data.len) ||
	    checkpoint_parse(cp, n.text, n.text_len)) {
		problem(r, "the checkpoint is missing or malformed");
		return false;
	}
	if (strcmp(cp->origin, origin))
		problem(r, "the checkpoint is for '%s', the manifest for '%s'", cp->origin, origin);
	for (size_t i = 0; i < n.nsigs; i++)
		if (note_sig_verify(&n, &n.sigs[i], t->pub)) {
			r->checkpoint_size = cp->size;
			return true;
		}
	problem(r, "the checkpoint's signature does not verify with the %s key",
		r->pinned ? "pinned" : "shipped");
	return false;
}

/* Parse a tlog-proof and check the leaf against the checkpoint. */
static bool proof_ok(const struct buf *proof, uint64_t index, const merkle_hash leaf,
		     const struct checkpoint *cp)
{
	merkle_hash hashes[MERKLE_MAX_PROOF];
	const char *p = proof->data, *end = p + proof->len, *nl;
	char want[64];
	size_t n = 0, len;

	if (!p)
		return false;
	snprintf(want, sizeof(want), "c2sp.org/tlog-proof@v1\nindex %" PRIu64 "\n", index);
	if (proof->len < strlen(want) || memcmp(p, want, strlen(want)))
		return false;
	for (p += strlen(want); p < end && *p != '\n'; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))) || n == MERKLE_MAX_PROOF ||
		    b64_decode(hashes[n], MERKLE_HASH, &len, p, (size_t)(nl - p)) || len != MERKLE_HASH)
			return false;
		n++;
	}
	return merkle_verify_inclusion(leaf, index, cp->size, (const merkle_hash *)hashes, n, cp->root);
}

static bool erased_listed(json_t *st, uint64_t index)
{
	json_t *v, *erased = json_object_get(json_object_get(st, "predicate"), "erased");
	size_t i;

	json_array_foreach(erased, i, v)
		if ((uint64_t)json_integer_value(v) == index)
			return true;
	return false;
}

/* Does a tombstone entry in the pack name `index` in its list `which`
 * ("erased": the payload went; "attrs_erased": the attrs too)? */
static bool tombstone_names(struct pack *p, uint64_t index, const char *which)
{
	char leafname[64];

	for (size_t i = 0; i < p->n; i++) {
		const char *n = p->v[i].name;
		size_t len = strlen(n);
		struct member *leaf;
		json_t *a, *v;
		size_t k;
		bool found = false;

		if (strncmp(n, "evidence/", 9) || len < 21 || strcmp(n + len - 11, ".attrs.json"))
			continue;
		snprintf(leafname, sizeof(leafname), "%.*s.leaf", (int)(len - 11), n);
		if (!(leaf = member(p, leafname)) || !leaf->data.data ||
		    !strstr(leaf->data.data, "\nkind tombstone\n"))
			continue;
		a = json_loadb(p->v[i].data.data ? p->v[i].data.data : "", p->v[i].data.len, 0, NULL);
		json_array_foreach(json_object_get(a, which), k, v)
			found |= (uint64_t)json_integer_value(v) == index;
		json_decref(a);
		if (found)
			return true;
	}
	return false;
}

static void check_entry(struct pack *p, json_t *st, const struct checkpoint *cp,
			const char *leafname, struct pack_report *r)
{
	char name[128];
	uint64_t index = strtoull(leafname + 9, NULL, 10);
	struct member *leaf = member(p, leafname), *attrs, *payload, *salt, *proof;
	struct entry e;
	uint8_t adig[32], want_adig[32], c[32], s[ENTRY_SALT_LEN];
	merkle_hash lh;

	memset(&e, 0, sizeof(e));
	r->entries++;
	merkle_leaf_hash(lh, leaf->data.data ? leaf->data.data : "", leaf->data.len);
	if (entry_leaf_parse(&e, want_adig, leaf->data.data ? leaf->data.data : "", leaf->data.len) ||
	    e.index != index) {
		problem(r, "entry %" PRIu64 ": its leaf is malformed or names another index", index);
		goto out;
	}
	snprintf(name, sizeof(name), "evidence/%" PRIu64 ".proof", index);
	if (!(proof = member(p, name)) || !proof_ok(&proof->data, index, lh, cp))
		problem(r, "entry %" PRIu64 ": its inclusion proof does not reach the checkpoint", index);
	snprintf(name, sizeof(name), "evidence/%" PRIu64 ".attrs.json", index);
	attrs = member(p, name);
	if (!attrs || (sha256(adig, attrs->data.data ? attrs->data.data : "", attrs->data.len),
		       memcmp(adig, want_adig, 32))) {
		if (!attrs || attrs->data.len || !erased_listed(st, index) ||
		    !tombstone_names(p, index, "attrs_erased"))
			problem(r, "entry %" PRIu64 ": attrs do not match the digest in its leaf",
				index);
	}
	snprintf(name, sizeof(name), "evidence/%" PRIu64 ".payload", index);
	payload = member(p, name);
	snprintf(name, sizeof(name), "evidence/%" PRIu64 ".salt", index);
	salt = member(p, name);
	if (!payload || !salt) {
		if (erased_listed(st, index) && tombstone_names(p, index, "erased"))
			note_erased(r, index);
		else
			problem(r, "entry %" PRIu64 ": payload is missing and no tombstone in the "
				"pack records its erasure", index);
		goto out;
	}
	if (hex_decode(s, sizeof(s), salt->data.data ? salt->data.data : "", salt->data.len) ||
	    entry_commitment(c, s, sizeof(s), payload->data.data ? payload->data.data : "",
			     payload->data.len) ||
	    memcmp(c, e.commitment, 32) || payload->data.len != e.payload_size)
		problem(r, "entry %" PRIu64 ": payload does not match its commitment", index);
out:
	entry_free(&e);
}

int pack_verify(const char *path, const char *pubkey_pem, const char *vkey,
		struct pack_report *r)
{
	struct pack p = { NULL, 0 };
	struct trust t = { { 0 }, false };
	struct checkpoint cp;
	char name[NOTE_MAX_NAME];
	const char *origin;
	json_t *st = NULL;
	uint32_t id;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = load(&p, path, r)))
		goto out;
	if (vkey) {
		if ((rc = note_vkey_parse(vkey, name, &id, t.pub)))
			goto out;
		r->pinned = true;
	} else if (pubkey_pem) {
		if ((rc = pem_public(t.pub, pubkey_pem, strlen(pubkey_pem))))
			goto out;
		r->pinned = true;
	} else {
		struct member *k = member(&p, "keys/signing-key.pem");

		if (!k || pem_public(t.pub, k->data.data, k->data.len)) {
			problem(r, "no key given and none usable in the pack (keys/signing-key.pem)");
			goto out;
		}
	}
	if (!(st = check_manifest(&p, &t, r)))
		goto out;
	origin = json_string_value(json_object_get(json_object_get(st, "predicate"), "origin"));
	fingerprint(r, origin ? origin : "", t.pub);
	check_subjects(&p, st, r);
	if (!check_checkpoint(&p, &t, origin ? origin : "", &cp, r))
		goto out;
	for (size_t i = 0; i < p.n; i++) {
		size_t len = strlen(p.v[i].name);

		if (!strncmp(p.v[i].name, "evidence/", 9) && len > 14 &&
		    !strcmp(p.v[i].name + len - 5, ".leaf"))
			check_entry(&p, st, &cp, p.v[i].name, r);
	}
out:
	if (r->nerased_list)
		qsort(r->erased_list, r->nerased_list, sizeof(*r->erased_list), by_value);
	json_decref(st);
	pack_free(&p);
	return rc;
}
