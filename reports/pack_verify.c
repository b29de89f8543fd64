/*
 * pack_verify.c - check an audit pack with nothing but the pack and a key.
 *
 * Memory stays bounded whatever the pack declares: the central directory
 * goes into a hash table of names (duplicates, missing and extra files in
 * O(1) each), every file is streamed through SHA-256 in PACK_READ_CHUNK
 * pieces (a payload through its salted commitment at the same time), and
 * only what must be parsed is held, under the caps of pack.h, checked
 * against both the declared size and the bytes actually read.
 *
 * Here: the key, the manifest's signature, the checkpoint, every digest.
 * Reading the zip is pack_read.c, the manifest's JSON pack_scan.c, the
 * evidence entries pack_entries.c.
 */
#include "pack.h"
#include "pack_entries.h"
#include "pack_read.h"
#include "pack_scan.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/hash.h"
#include "../common/sign.h"
#include "../store/entry.h"
#include "../store/merkle.h"
#include "../store/note.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/pem.h>
#include <zip.h>

void pack_report_free(struct pack_report *r)
{
	free(r->v);
	free(r->erased_list);
	r->erased_list = NULL;
	r->nerased_list = 0;
	r->v = NULL;
	r->n = r->cap = 0;
	r->dropped = 0;
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

/* ---- checks ---- */

/* Room before the decoded statement for the PAE header, so that the signed
 * message is built in place rather than copied. */
#define PAE_ROOM (64 + sizeof(PACK_PAYLOAD_TYPE))

static json_t *check_manifest(struct pack *p, const struct trust *t, struct pack_report *r)
{
	struct pack_member *m = pack_member(p, "manifest.dsse.json");
	struct pack_envelope e;
	json_t *st = NULL;
	uint8_t *room = NULL, *body, sigb[NOTE_SIG + 4];
	char head[PAE_ROOM];
	size_t blen = 0, slen, hlen;
	struct buf text = BUF_INIT;

	memset(&e, 0, sizeof(e));
	if (!m) {
		pack_problem(r, "manifest.dsse.json is missing");
		return NULL;
	}
	m->listed = true;
	if (!pack_read_small(p, m->name, PACK_MAX_MANIFEST, "the manifest", &text, r))
		goto out; /* text may hold what was read before it failed */
	if (!pack_scan_envelope(text.data, text.len, &e) || strcmp(e.type.data, PACK_PAYLOAD_TYPE) ||
	    !(room = malloc(PAE_ROOM + e.payload_len / 4 * 3 + 3)) ||
	    b64_decode(room + PAE_ROOM, e.payload_len / 4 * 3 + 3, &blen, e.payload, e.payload_len) ||
	    b64_decode(sigb, sizeof(sigb), &slen, e.sig.data, e.sig.len)) {
		pack_problem(r, "manifest.dsse.json is not a DSSE envelope of an in-toto statement");
		goto out;
	}
	buf_free(&text); /* the statement is all that is needed from here */
	pack_envelope_free(&e);
	body = room + PAE_ROOM;
	hlen = sign_pae_header(head, sizeof(head), PACK_PAYLOAD_TYPE, blen);
	memcpy(body - hlen, head, hlen);
	if (!sign_ed25519_verify(t->pub, body - hlen, hlen + blen, sigb, slen))
		pack_problem(r, "the manifest's signature does not verify with the %s key",
			r->pinned ? "pinned" : "shipped");
	st = pack_scan_statement(p, (const char *)body, blen, r);
	if (!st || strcmp(json_string_value(json_object_get(st, "predicateType")) ?
			  json_string_value(json_object_get(st, "predicateType")) : "",
			  PACK_PREDICATE_TYPE)) {
		pack_problem(r, "the manifest's statement is not an auditpack audit pack");
		json_decref(st);
		st = NULL;
	}
out:
	buf_free(&text);
	pack_envelope_free(&e);
	free(room);
	return st;
}

/* Every listed file's digest against the manifest (read now if no check
 * has read it yet); every file the manifest does not list. */
static void check_subjects(struct pack *p, struct pack_report *r)
{
	for (size_t k = 0; k < p->n; k++) {
		struct pack_member *m = &p->v[k];

		if (!m->listed)
			pack_problem(r, "%s is in the pack but not in the manifest (added)", m->name);
		else if (m->wanted && pack_read_member(p, m, NULL, NULL, 0, NULL, r) &&
			 (m->want_bad || memcmp(m->digest, m->want, SHA256_LEN)))
			pack_problem(r, "%s does not match its digest in the manifest (changed)", m->name);
	}
}

static bool check_checkpoint(struct pack *p, const struct trust *t, const char *origin,
			     struct checkpoint *cp, struct pack_report *r)
{
	struct buf text = BUF_INIT;
	struct note n;
	bool ok = false;

	if (!pack_read_small(p, "checkpoint", PACK_MAX_SMALL, "a checkpoint", &text, r) ||
	    note_parse(&n, text.data, text.len) || checkpoint_parse(cp, n.text, n.text_len)) {
		pack_problem(r, "the checkpoint is missing or malformed");
		goto out;
	}
	if (strcmp(cp->origin, origin))
		pack_problem(r, "the checkpoint is for '%s', the manifest for '%s'", cp->origin, origin);
	for (size_t i = 0; i < n.nsigs && !ok; i++)
		ok = note_sig_verify(&n, &n.sigs[i], t->pub);
	if (ok)
		r->checkpoint_size = cp->size;
	else
		pack_problem(r, "the checkpoint's signature does not verify with the %s key",
			r->pinned ? "pinned" : "shipped");
out:
	buf_free(&text);
	return ok;
}

static int load_trust(struct pack *p, const char *pubkey_pem, const char *vkey,
		      struct trust *t, struct pack_report *r)
{
	char name[NOTE_MAX_NAME];
	struct buf pem = BUF_INIT;
	uint32_t id;
	int rc;

	if (vkey) {
		if ((rc = note_vkey_parse(vkey, name, &id, t->pub)))
			return rc;
		r->pinned = t->have = true;
		return 0;
	}
	if (pubkey_pem) {
		if ((rc = pem_public(t->pub, pubkey_pem, strlen(pubkey_pem))))
			return rc;
		r->pinned = t->have = true;
		return 0;
	}
	if (!pack_read_small(p, "keys/signing-key.pem", PACK_MAX_SMALL, "a key", &pem, r) ||
	    pem_public(t->pub, pem.data, pem.len))
		pack_problem(r, "no key given and none usable in the pack (keys/signing-key.pem)");
	else
		t->have = true;
	buf_free(&pem);
	return 0;
}

int pack_verify(const char *path, const char *pubkey_pem, const char *vkey,
		struct progress *progress, struct pack_report *r)
{
	struct pack p;
	struct trust t = { { 0 }, false };
	struct checkpoint cp;
	const char *origin;
	json_t *st = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	p.progress = progress;
	if ((rc = pack_open_zip(&p, path)) || (rc = pack_load_directory(&p, path, r)) ||
	    (rc = load_trust(&p, pubkey_pem, vkey, &t, r)) || !t.have)
		goto out;
	if (!(st = check_manifest(&p, &t, r)))
		goto out;
	origin = json_string_value(json_object_get(json_object_get(st, "predicate"), "origin"));
	fingerprint(r, origin ? origin : "", t.pub);
	if (check_checkpoint(&p, &t, origin ? origin : "", &cp, r) &&
	    (rc = pack_check_entries(&p, st, &cp, r)))
		goto out;
	check_subjects(&p, r);
out:
	json_decref(st);
	pack_close(&p);
	return rc;
}
