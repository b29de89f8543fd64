/*
 * pack_entries.c - an audit pack's evidence entries against its checkpoint
 * (pack_entries.h).
 */
#include "pack_entries.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../store/entry.h"
#include "../store/merkle.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void note_erased(struct pack_report *r, uint64_t index)
{
	uint64_t *v;

	r->erased++;
	if (r->nerased_list % 64 == 0) {
		if (!(v = realloc(r->erased_list, (r->nerased_list + 64) * sizeof(*v))))
			return; /* the count stays right; the list is for reading */
		r->erased_list = v;
	}
	r->erased_list[r->nerased_list++] = index;
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* ---- a set of entry indices (sorted once filled) ---- */

static int u64set_add(struct u64set *s, uint64_t x)
{
	uint64_t *v;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;

		if (!(v = realloc(s->v, cap * sizeof(*v))))
			return err_nomem();
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = x;
	return 0;
}

static void u64set_sort(struct u64set *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), by_value);
}

static bool u64set_has(const struct u64set *s, uint64_t x)
{
	return s->n && bsearch(&x, s->v, s->n, sizeof(*s->v), by_value) != NULL;
}

/* Add every integer of a JSON array. */
static int u64set_add_json(struct u64set *s, json_t *list)
{
	json_t *v;
	size_t i;
	int rc = 0;

	json_array_foreach(list, i, v)
		if (json_is_integer(v) && json_integer_value(v) >= 0 &&
		    (rc = u64set_add(s, (uint64_t)json_integer_value(v))))
			break;
	return rc;
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

static int add_pending(struct pack *p, uint64_t index, bool attrs)
{
	struct pack_pending *v;

	if (p->npend == p->cappend) {
		size_t cap = p->cappend ? p->cappend * 2 : 64;

		if (!(v = realloc(p->pend, cap * sizeof(*v))))
			return err_nomem();
		p->pend = v;
		p->cappend = cap;
	}
	p->pend[p->npend].index = index;
	p->pend[p->npend++].attrs = attrs;
	return 0;
}

/* A tombstone's lists ("erased": the payload went; "attrs_erased": the
 * attrs too), for the erased entries decided at the end. */
static int read_tombstone(struct pack *p, struct pack_member *attrs, struct pack_report *r)
{
	struct buf text = BUF_INIT;
	json_t *a;
	int rc = 0;

	if (!pack_read_member(p, attrs, NULL, &text, PACK_MAX_TOMBSTONE, "a tombstone's attrs", r))
		return 0;
	if ((a = json_loadb(text.data ? text.data : "", text.len, 0, NULL)) &&
	    !(rc = u64set_add_json(&p->tomb_erased, json_object_get(a, "erased"))))
		rc = u64set_add_json(&p->tomb_attrs, json_object_get(a, "attrs_erased"));
	json_decref(a);
	buf_free(&text);
	return rc;
}

static struct pack_member *sibling(struct pack *p, uint64_t index, const char *suffix)
{
	char name[64];

	snprintf(name, sizeof(name), "evidence/%" PRIu64 ".%s", index, suffix);
	return pack_member(p, name);
}

/* The payload through SHA-256 and, with its salt, through its commitment. */
static void check_payload(struct pack *p, const struct entry *e, struct pack_member *payload,
			  const struct buf *salt, struct pack_report *r)
{
	static const char domain[] = ENTRY_PAYLOAD_DOMAIN;
	struct sha256_ctx *c = NULL;
	uint8_t s[ENTRY_SALT_LEN], commit[SHA256_LEN];
	bool ok = false;

	if (!hex_decode(s, sizeof(s), salt->data ? salt->data : "", salt->len) &&
	    !sha256_new(&c) && !sha256_update(c, domain, sizeof(domain) - 1) &&
	    !sha256_update(c, s, sizeof(s)) && pack_read_member(p, payload, c, NULL, 0, NULL, r)) {
		ok = !sha256_final(c, commit) && !memcmp(commit, e->commitment, SHA256_LEN) &&
		     payload->size == e->payload_size;
		c = NULL;
	}
	sha256_free(c);
	if (!ok)
		pack_problem(r, "entry %" PRIu64 ": payload does not match its commitment", e->index);
}

static int check_entry(struct pack *p, const struct checkpoint *cp, struct pack_member *leaf,
		       struct pack_report *r)
{
	uint64_t index = strtoull(leaf->name + 9, NULL, 10);
	struct pack_member *attrs, *payload;
	struct buf text = BUF_INIT, proof = BUF_INIT, salt = BUF_INIT;
	struct entry e;
	uint8_t want_adig[32];
	merkle_hash lh;
	int rc = 0;

	memset(&e, 0, sizeof(e));
	r->entries++;
	if (!pack_read_member(p, leaf, NULL, &text, PACK_MAX_SMALL, "a leaf", r) ||
	    buf_grow(&text, 0) || entry_leaf_parse(&e, want_adig, text.data, text.len) ||
	    e.index != index) {
		pack_problem(r, "entry %" PRIu64 ": its leaf is malformed or names another index", index);
		goto out;
	}
	merkle_leaf_hash(lh, text.data, text.len);
	if (!sibling(p, index, "proof") ||
	    !pack_read_small(p, sibling(p, index, "proof")->name, PACK_MAX_SMALL, "a proof", &proof, r) ||
	    !proof_ok(&proof, index, lh, cp))
		pack_problem(r, "entry %" PRIu64 ": its inclusion proof does not reach the checkpoint", index);
	attrs = sibling(p, index, "attrs.json");
	if (attrs && !strcmp(e.kind, "tombstone") && (rc = read_tombstone(p, attrs, r)))
		goto out;
	if (!attrs || !pack_read_member(p, attrs, NULL, NULL, 0, NULL, r) ||
	    memcmp(attrs->digest, want_adig, 32)) {
		/* Empty attrs are fine once a tombstone says they were erased. */
		if (attrs && attrs->read && attrs->size == 0)
			rc = add_pending(p, index, true);
		else
			pack_problem(r, "entry %" PRIu64 ": attrs do not match the digest in its leaf",
				index);
	}
	payload = sibling(p, index, "payload");
	if (rc || !payload || !sibling(p, index, "salt")) {
		if (!rc)
			rc = add_pending(p, index, false);
		goto out;
	}
	if (!pack_read_small(p, sibling(p, index, "salt")->name, PACK_MAX_SMALL, "a salt", &salt, r))
		pack_problem(r, "entry %" PRIu64 ": payload does not match its commitment", index);
	else
		check_payload(p, &e, payload, &salt, r);
out:
	entry_free(&e);
	buf_free(&text);
	buf_free(&proof);
	buf_free(&salt);
	return rc;
}

/* Entries without a payload or with empty attrs pass only when the
 * manifest lists them as erased and a tombstone in the pack names them. */
static void check_erased(struct pack *p, struct pack_report *r)
{
	u64set_sort(&p->tomb_erased);
	u64set_sort(&p->tomb_attrs);
	u64set_sort(&p->manifest_erased);
	for (size_t i = 0; i < p->npend; i++) {
		uint64_t idx = p->pend[i].index;
		bool listed = u64set_has(&p->manifest_erased, idx);

		if (p->pend[i].attrs) {
			if (!listed || !u64set_has(&p->tomb_attrs, idx))
				pack_problem(r, "entry %" PRIu64 ": attrs do not match the digest in "
					"its leaf", idx);
		} else if (listed && u64set_has(&p->tomb_erased, idx)) {
			note_erased(r, idx);
		} else {
			pack_problem(r, "entry %" PRIu64 ": payload is missing and no tombstone in the "
				"pack records its erasure", idx);
		}
	}
	if (r->nerased_list)
		qsort(r->erased_list, r->nerased_list, sizeof(*r->erased_list), by_value);
}

static bool is_leaf_name(const char *n)
{
	size_t len = strlen(n);

	return !strncmp(n, "evidence/", 9) && len > 14 && !strcmp(n + len - 5, ".leaf");
}

int pack_check_entries(struct pack *p, json_t *st, const struct checkpoint *cp,
		       struct pack_report *r)
{
	int rc = u64set_add_json(&p->manifest_erased,
				 json_object_get(json_object_get(st, "predicate"), "erased"));

	for (size_t i = 0; i < p->n && !rc; i++)
		if (is_leaf_name(p->v[i].name))
			rc = check_entry(p, cp, &p->v[i], r);
	if (!rc)
		check_erased(p, r);
	return rc;
}
