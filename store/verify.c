/*
 * verify.c - the whole-store check behind `auditpack verify`.
 *
 * Trust comes only from the signed checkpoints: every other column is
 * recomputed from the leaf text, the payload bytes and their salt, and the
 * tree rebuilt from the leaves must reproduce every checkpoint's root.  The
 * stored leaf_hash column only serves to name the first bad entry.
 */
#include "store_internal.h"
#include "../common/array.h"
#include "../common/err.h"
#include "../common/hash.h"
#include "../common/timeutil.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define MAX_PROBLEMS 1000
#define VERIFY_CHUNK (64 * 1024)
/* Every entry row with its payload's row id and encoding (schema 1 has no
 * encoding column: all its payloads are stored as they are). */
#define ENTRY_ROWS(encoding) "SELECT e.idx, e.kind, e.source, e.subject," \
	" e.eff_from, e.eff_to, e.collected, e.attrs, e.commitment," \
	" e.payload_size, e.erased, e.leaf, e.leaf_hash, p.id, e.salt, " encoding \
	" FROM entries e LEFT JOIN payloads p ON p.id = e.payload_id ORDER BY e.idx"

static void problem(struct verify_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct verify_report *r, const char *fmt, ...)
{
	struct verify_problem *p;
	va_list ap;

	if (r->nproblems >= MAX_PROBLEMS)
		return;
	if (r->nproblems == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;

		if (!(p = realloc(r->problems, cap * sizeof(*p)))) {
			r->lost = true;
			return;
		}
		r->problems = p;
		r->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(r->problems[r->nproblems].what, sizeof(p->what), fmt, ap);
	va_end(ap);
	r->nproblems++;
}

void verify_report_free(struct verify_report *r)
{
	free(r->problems);
	free(r->erased_list);
	r->problems = NULL;
	r->erased_list = NULL;
	r->nerased_list = r->erased_cap = 0;
	r->nproblems = r->cap = 0;
	r->lost = false;
}

struct trust {
	struct store *s;
	bool pinned;
	uint32_t pin_id;
	uint8_t pin_pub[NOTE_PUBKEY];
	char pin_name[NOTE_MAX_NAME];
};

/* Does a signed checkpoint note verify?  *cp is filled when it does; when
 * not, `why` says why ("is malformed: ...", "has a bad signature ..."). */
static bool note_verifies(const struct trust *t, const char *msg, size_t len,
			  struct checkpoint *cp, char *why, size_t whylen)
{
	uint8_t pub[NOTE_PUBKEY];
	struct note n;

	if (note_parse(&n, msg, len) || checkpoint_parse(cp, n.text, n.text_len)) {
		snprintf(why, whylen, "is malformed: %s", err_msg());
		return false;
	}
	if (strcmp(cp->origin, t->s->origin)) {
		snprintf(why, whylen, "is for origin '%.100s', not '%.100s'", cp->origin,
			 t->s->origin);
		return false;
	}
	for (size_t i = 0; i < n.nsigs; i++) {
		const struct note_sig *sg = &n.sigs[i];

		if (strcmp(sg->name, t->s->origin))
			continue;
		if (t->pinned) {
			if (sg->key_id != t->pin_id)
				continue;
			memcpy(pub, t->pin_pub, NOTE_PUBKEY);
		} else if (store_key_lookup(t->s, sg->key_id, pub)) {
			continue;
		}
		if (note_sig_verify(&n, sg, pub))
			return true;
		snprintf(why, whylen, "has a bad signature by key %08" PRIx32, sg->key_id);
		return false;
	}
	snprintf(why, whylen, "is not signed by any %s key (key id %08" PRIx32 ")",
		 t->pinned ? "pinned" : "known", n.sigs[0].key_id);
	return false;
}

/* What tombstones say was erased: index -> true (payload) or "attrs"
 * (payload and attrs). */
struct tombstones {
	json_t *erased;
};

static bool tombstoned(const struct tombstones *t, uint64_t idx, bool *attrs_too)
{
	char key[32];
	json_t *v;

	snprintf(key, sizeof(key), "%" PRIu64, idx);
	v = json_object_get(t->erased, key);
	*attrs_too = json_is_string(v);
	return v != NULL;
}

static void mark(json_t *set, json_t *list, bool attrs)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v) {
		char key[32];

		if (!json_is_integer(v))
			continue;
		snprintf(key, sizeof(key), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		if (attrs || !json_object_get(set, key))
			json_object_set_new(set, key, attrs ? json_string("attrs") : json_true());
	}
}

/*
 * Read every tombstone first: it comes after the entries it names.  A
 * tombstone whose own attrs were altered fails its leaf check below, so
 * trusting its list here cannot hide tampering.
 */
static int load_tombstones(struct store *s, struct tombstones *t)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	if (!(t->erased = json_object()))
		return err_nomem();
	if ((rc = store_prepare(s, &st, "SELECT attrs FROM entries WHERE kind='tombstone'")))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *a = json_loadb((const char *)sqlite3_column_blob(st, 0),
				       (size_t)sqlite3_column_bytes(st, 0), 0, NULL);

		mark(t->erased, json_object_get(a, "erased"), false);
		mark(t->erased, json_object_get(a, "attrs_erased"), true);
		json_decref(a);
	}
	if (step != SQLITE_DONE)
		rc = store_db_error(s, "cannot read");
	sqlite3_finalize(st);
	return rc;
}

static void note_erased(struct verify_report *r, uint64_t i)
{
	r->erased++;
	if (array_grow(&r->erased_list, r->nerased_list, &r->erased_cap,
		       sizeof(*r->erased_list))) {
		r->lost = true; /* store_verify fails rather than list too few */
		return;
	}
	r->erased_list[r->nerased_list++] = i;
}

/* C over the payload as collected, streamed from its row (decompressed on
 * the fly): bounded memory whatever its size.  *size: its length. */
static int payload_commitment(struct store *s, uint64_t i, sqlite3_int64 id, int encoding,
			      const void *salt, uint8_t c[32], uint64_t *size)
{
	struct store_payload *p = NULL;
	struct sha256_ctx *h = NULL;
	uint8_t *chunk = NULL;
	size_t got;
	int rc;

	*size = 0;
	if ((rc = payload_open_row(s, i, id, encoding, &p)) || (rc = sha256_new(&h)))
		goto out;
	if (!(chunk = malloc(VERIFY_CHUNK))) {
		rc = err_nomem();
		goto out;
	}
	if ((rc = sha256_update(h, ENTRY_PAYLOAD_DOMAIN, sizeof(ENTRY_PAYLOAD_DOMAIN) - 1)) ||
	    (rc = sha256_update(h, salt, ENTRY_SALT_LEN)))
		goto out;
	do {
		if ((rc = store_payload_read(p, chunk, VERIFY_CHUNK, &got)) ||
		    (rc = sha256_update(h, chunk, got)))
			goto out;
		*size += got;
	} while (got);
	rc = sha256_final(h, c);
	h = NULL;
out:
	sha256_free(h);
	free(chunk);
	store_payload_close(p);
	return rc;
}

/* Compare one row with the leaf text it claims to be. */
static void check_entry(struct store *s, struct verify_report *r, sqlite3_stmt *st, uint64_t i,
			merkle_hash leaf_hash, const struct tombstones *tomb)
{
	uint64_t size;
	const char *leaf = (const char *)sqlite3_column_text(st, 11);
	size_t leaf_len = (size_t)sqlite3_column_bytes(st, 11);
	const char *attrs = (const char *)sqlite3_column_text(st, 7);
	size_t attrs_len = (size_t)sqlite3_column_bytes(st, 7);
	uint8_t adig[32], want_adig[32], c[32];
	bool named, attrs_too, erased = sqlite3_column_int(st, 10) != 0;
	struct entry e;
	char t[3][RFC3339_LEN];

	memset(&e, 0, sizeof(e));
	merkle_leaf_hash(leaf_hash, leaf ? leaf : "", leaf_len);
	if (sqlite3_column_bytes(st, 12) != MERKLE_HASH ||
	    memcmp(sqlite3_column_blob(st, 12), leaf_hash, MERKLE_HASH))
		problem(r, "entry %" PRIu64 ": leaf text does not match its recorded "
			"leaf hash (the leaf was edited)", i);
	if (!leaf || entry_leaf_parse(&e, want_adig, leaf, leaf_len)) {
		problem(r, "entry %" PRIu64 ": leaf text is malformed: %s", i, err_msg());
		goto out;
	}
	if (e.index != i)
		problem(r, "entry %" PRIu64 ": its leaf says index %" PRIu64
			" (entries moved or swapped)", i, e.index);
	if (strcmp(e.kind, (const char *)sqlite3_column_text(st, 1)) ||
	    strcmp(e.source, (const char *)sqlite3_column_text(st, 2)) ||
	    strcmp(e.subject, (const char *)sqlite3_column_text(st, 3)) ||
	    strcmp(entry_time_text(t[0], e.eff_from), (const char *)sqlite3_column_text(st, 4)) ||
	    strcmp(entry_time_text(t[1], e.eff_to), (const char *)sqlite3_column_text(st, 5)) ||
	    strcmp(entry_time_text(t[2], e.collected), (const char *)sqlite3_column_text(st, 6)) ||
	    (uint64_t)sqlite3_column_int64(st, 9) != e.payload_size ||
	    sqlite3_column_bytes(st, 8) != 32 ||
	    memcmp(sqlite3_column_blob(st, 8), e.commitment, 32))
		problem(r, "entry %" PRIu64 ": a field (kind, source, subject, times, "
			"size or commitment) differs from its signed leaf", i);
	if (e.eff_from == TIME_UNKNOWN || e.eff_to == TIME_UNKNOWN ||
	    e.collected == TIME_UNKNOWN)
		r->unknown_times++;
	named = tombstoned(tomb, i, &attrs_too);
	sha256(adig, attrs ? attrs : "", attrs_len);
	if (memcmp(adig, want_adig, 32) && !(erased && attrs_too && attrs_len == 0))
		problem(r, "entry %" PRIu64 ": attrs do not match the digest in its leaf%s", i,
			attrs_len == 0 ? " (removed, and no tombstone records it)" : "");
	if (sqlite3_column_type(st, 13) == SQLITE_NULL ||
	    sqlite3_column_type(st, 14) == SQLITE_NULL) {
		if (!(erased && named))
			problem(r, "entry %" PRIu64 ": payload is missing and no tombstone "
				"records its erasure", i);
		note_erased(r, i);
		goto out;
	}
	if (sqlite3_column_bytes(st, 14) != ENTRY_SALT_LEN) {
		problem(r, "entry %" PRIu64 ": payload does not match its commitment "
			"(payload or salt changed)", i);
		goto out;
	}
	if (payload_commitment(s, i, sqlite3_column_int64(st, 13), sqlite3_column_int(st, 15),
			       sqlite3_column_blob(st, 14), c, &size)) {
		problem(r, "entry %" PRIu64 ": payload does not match its commitment "
			"(its stored bytes cannot be read: %s)", i, err_msg());
		goto out;
	}
	if (memcmp(c, e.commitment, 32) || size != e.payload_size)
		problem(r, "entry %" PRIu64 ": payload does not match its commitment "
			"(payload or salt changed)", i);
	r->payload_bytes += size;
out:
	entry_free(&e);
}

struct cp_row {
	uint64_t seq;
	struct checkpoint cp;
	bool ok;
};

static int load_checkpoints(struct store *s, const struct trust *t,
			    struct verify_report *r, struct cp_row **out,
			    size_t *n)
{
	struct cp_row *rows = NULL;
	sqlite3_stmt *st = NULL;
	char why[256];
	size_t cnt = 0, cap = 0;
	int rc, step;

	if ((rc = store_prepare(s, &st, "SELECT seq, size, note FROM checkpoints ORDER BY seq")))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = array_grow(&rows, cnt, &cap, sizeof(*rows))))
			break;
		memset(&rows[cnt], 0, sizeof(rows[cnt]));
		rows[cnt].seq = (uint64_t)sqlite3_column_int64(st, 0);
		rows[cnt].ok = note_verifies(t, (const char *)sqlite3_column_text(st, 2),
					     (size_t)sqlite3_column_bytes(st, 2),
					     &rows[cnt].cp, why, sizeof(why));
		if (!rows[cnt].ok)
			problem(r, "checkpoint %" PRIu64 " %s", rows[cnt].seq, why);
		else if ((uint64_t)sqlite3_column_int64(st, 1) != rows[cnt].cp.size)
			problem(r, "checkpoint %" PRIu64 ": recorded size differs from its "
				"signed size", rows[cnt].seq);
		cnt++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = store_db_error(s, "cannot read the checkpoints");
	sqlite3_finalize(st);
	*out = rows;
	*n = cnt;
	return rc;
}

/* Every checkpoint's root against the tree, and each consistent with the
 * one before it (RFC 9162 2.1.4 proofs from the rebuilt tree). */
static int check_tree(struct verify_report *r, const merkle_hash *leaves,
		      uint64_t n, struct cp_row *cps, size_t ncp)
{
	merkle_hash root, proof[MERKLE_MAX_PROOF];
	struct merkle_tree t;
	const struct cp_row *prev = NULL;
	size_t np;
	int rc;

	if ((rc = merkle_tree_init(&t, leaves, n)))
		return rc;
	for (size_t i = 0; i < ncp; i++) {
		const struct cp_row *c = &cps[i];

		if (!c->ok)
			continue;
		if (c->cp.size > n) {
			problem(r, "checkpoint %" PRIu64 " covers %" PRIu64 " entries but "
				"the store has %" PRIu64 " (entries deleted)", c->seq,
				c->cp.size, n);
			continue;
		}
		if ((rc = merkle_tree_root(root, &t, c->cp.size)))
			break;
		if (memcmp(root, c->cp.root, MERKLE_HASH))
			problem(r, "checkpoint %" PRIu64 " (size %" PRIu64 "): its root does "
				"not match the entries", c->seq, c->cp.size);
		if (prev && prev->cp.size > c->cp.size)
			problem(r, "checkpoint %" PRIu64 " is smaller than the one before it "
				"(the log shrank)", c->seq);
		else if (prev && prev->cp.size > 0) {
			if ((rc = merkle_consistency_proof(proof, &np, &t, prev->cp.size,
							   c->cp.size)))
				break;
			if (!merkle_verify_consistency(prev->cp.size, c->cp.size,
						       prev->cp.root, c->cp.root,
						       (const merkle_hash *)proof, np))
				problem(r, "checkpoint %" PRIu64 " is not consistent with "
					"checkpoint %" PRIu64, c->seq, prev->seq);
		}
		prev = c;
	}
	merkle_tree_free(&t);
	return rc;
}

static int check_against(struct verify_report *r, const struct trust *t,
			 const struct verify_opts *o, const merkle_hash *leaves,
			 uint64_t n)
{
	struct checkpoint w;
	merkle_hash root;
	char why[256];
	int rc;

	if (!note_verifies(t, o->against, o->against_len, &w, why, sizeof(why))) {
		problem(r, "the witness checkpoint %s", why);
		return 0;
	}
	if (w.size > n) {
		problem(r, "the witness checkpoint covers %" PRIu64 " entries but the "
			"store has only %" PRIu64 " (the newest entries were deleted)",
			w.size, n);
		return 0;
	}
	if ((rc = merkle_root(root, leaves, w.size)))
		return rc;
	if (memcmp(root, w.root, MERKLE_HASH))
		problem(r, "the store's first %" PRIu64 " entries do not match the "
			"witness checkpoint (the log was rewritten)", w.size);
	return 0;
}

/* The payload bytes verify will read, for progress (0: unknown). */
static uint64_t payload_total(struct store *s)
{
	sqlite3_stmt *st = NULL;
	uint64_t n = 0;

	if (!store_prepare(s, &st, "SELECT sum(payload_size) FROM entries") &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int check_entries(struct store *s, const struct verify_opts *o,
			 struct verify_report *r, merkle_hash **leaves_out, uint64_t *n_out)
{
	uint64_t total = o->progress ? payload_total(s) : 0, done = 0;
	sqlite3_stmt *st = NULL;
	merkle_hash *leaves = NULL, *nl;
	struct tombstones tomb = { NULL };
	uint64_t i = 0, cap = 0;
	int rc, step;

	if ((rc = payload_refresh(s)) || (rc = load_tombstones(s, &tomb)) ||
	    (rc = store_prepare(s, &st, s->payload_encoding ? ENTRY_ROWS("p.encoding") :
				ENTRY_ROWS("0"))))
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t idx = (uint64_t)sqlite3_column_int64(st, 0);

		if (idx != i) {
			problem(r, idx > i ? "entry %" PRIu64 " is missing (the next is %"
				PRIu64 ")" : "entry %" PRIu64 " appears out of order (%" PRIu64 ")",
				i, idx);
			/* Stop here: later leaves cannot be placed in the tree. */
			break;
		}
		if (i == cap) {
			cap = cap ? cap * 2 : 1024;
			if (!(nl = realloc(leaves, cap * sizeof(*leaves)))) {
				rc = err_nomem();
				goto out;
			}
			leaves = nl;
		}
		check_entry(s, r, st, i, leaves[i], &tomb);
		i++;
		done += (uint64_t)sqlite3_column_int64(st, 9);
		progress_update(o->progress, PROGRESS_BYTES, done, total);
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = store_db_error(s, "cannot read");
out:
	sqlite3_finalize(st);
	json_decref(tomb.erased);
	if (rc) {
		free(leaves);
		return rc;
	}
	r->entries = i;
	*leaves_out = leaves;
	*n_out = i;
	return 0;
}

static int db_integrity(struct store *s, struct verify_report *r)
{
	sqlite3_stmt *st = NULL;
	const char *res;
	int rc;

	if ((rc = store_prepare(s, &st, "PRAGMA quick_check")))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_db_error(s, "cannot check");
	} else {
		res = (const char *)sqlite3_column_text(st, 0);
		if (!res || strcmp(res, "ok"))
			problem(r, "the database file is damaged: %s", res ? res : "?");
	}
	sqlite3_finalize(st);
	return rc;
}

int store_verify(struct store *s, const struct verify_opts *o,
		 struct verify_report *r)
{
	struct trust t = { .s = s };
	struct cp_row *cps = NULL;
	merkle_hash *leaves = NULL;
	size_t ncp = 0;
	uint64_t n = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	if (o->vkey) {
		if ((rc = note_vkey_parse(o->vkey, t.pin_name, &t.pin_id, t.pin_pub)))
			return rc;
		if (strcmp(t.pin_name, s->origin))
			return err_set(ERR_USAGE, "the pinned key is for '%s', the store is '%s'",
				       t.pin_name, s->origin);
		t.pinned = true;
	}
	/* One read transaction: a concurrent collect cannot shift the view. */
	if ((rc = store_read_begin(s)))
		return rc;
	if ((rc = db_integrity(s, r)) || (rc = check_entries(s, o, r, &leaves, &n)) ||
	    (rc = load_checkpoints(s, &t, r, &cps, &ncp)) ||
	    (rc = check_tree(r, (const merkle_hash *)leaves, n, cps, ncp)))
		goto out;
	if (ncp == 0)
		problem(r, "the store has no checkpoint");
	else if (cps[ncp - 1].ok && cps[ncp - 1].cp.size < n)
		problem(r, "entries %" PRIu64 "..%" PRIu64 " are not covered by any "
			"signed checkpoint", cps[ncp - 1].cp.size, n - 1);
	if (ncp)
		r->latest = cps[ncp - 1].cp;
	r->checkpoints = ncp;
	if (o->against)
		rc = check_against(r, &t, o, (const merkle_hash *)leaves, n);
	if (!rc && r->lost)
		rc = err_set(ERR_NOMEM, "out of memory: verification could not record all "
			     "it found");
out:
	store_read_end(s);
	free(cps);
	free(leaves);
	if (rc)
		verify_report_free(r);
	return rc;
}
