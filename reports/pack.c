#include "pack.h"
#include "pack_internal.h"
#include "ocsf.h"
#include "csv.h"
#include "report.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/hash.h"
#include "../common/json.h"
#include "../common/sign.h"
#include "../common/timeutil.h"
#include "../mappings/assess.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static int add_file(struct files *fs, const char *name, struct buf *data)
{
	struct pfile *f;
	char *shrunk;
	int rc;

	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 64;

		if (!(f = realloc(fs->v, cap * sizeof(*f))))
			return err_nomem();
		fs->v = f;
		fs->cap = cap;
	}
	f = &fs->v[fs->n];
	memset(f, 0, sizeof(*f));
	if (!(f->name = strdup(name)))
		return err_nomem();
	f->data = *data; /* takes the buffer */
	f->size = data->len;
	memset(data, 0, sizeof(*data));
	/* Held until the zip is written: without the room it grew into (an
	 * entry's page, 9 KiB, had 16 KiB). */
	if (f->data.cap > f->data.len + 1 && (shrunk = realloc(f->data.data, f->data.len + 1))) {
		f->data.data = shrunk;
		f->data.cap = f->data.len + 1;
	}
	if ((rc = sha256(f->sha256, f->data.data ? f->data.data : "", f->data.len))) {
		free(f->name);
		return rc;
	}
	fs->n++;
	return 0;
}

static int add_text(struct files *fs, const char *name, const char *text, size_t len)
{
	struct buf b = BUF_INIT;
	int rc = buf_append(&b, text, len);

	if (!rc)
		rc = add_file(fs, name, &b);
	buf_free(&b);
	return rc;
}

/* The payload of entry `index`: only its name, size and digest now (the
 * store keys payloads by their SHA-256); its bytes stream into the zip and
 * are hashed again there (write_zip). */
static int add_payload(struct files *fs, struct store *s, uint64_t index,
		       uint8_t sha[SHA256_LEN], uint64_t *size)
{
	struct store_payload *sp = NULL;
	struct buf none = BUF_INIT;
	char name[64];
	int rc;

	if ((rc = store_payload_open(s, index, &sp, size, sha)))
		return rc;
	store_payload_close(sp);
	snprintf(name, sizeof(name), "evidence/%" PRIu64 ".payload", index);
	if ((rc = add_file(fs, name, &none)))
		return rc;
	fs->v[fs->n - 1].stream = true;
	fs->v[fs->n - 1].index = index;
	fs->v[fs->n - 1].size = *size;
	memcpy(fs->v[fs->n - 1].sha256, sha, SHA256_LEN);
	return 0;
}

static void files_free(struct files *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].name);
		buf_free(&fs->v[i].data);
	}
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct pfile *)a)->name, ((const struct pfile *)b)->name);
}

/* ---- evidence ---- */

struct packer {
	struct store *s;
	const struct pack_opts *o;
	struct files files;
	struct evidence_set ev;
	struct pack_entry *entries;
	size_t nentries;
	json_t *erased;
};

static bool in_period(const struct pack_opts *o, const struct evidence *e)
{
	return e->eff_to >= o->from && e->eff_from <= o->to;
}

static int add_entry_files(struct packer *p, const struct evidence *e, struct pack_entry *pe)
{
	char name[64], hex[HEX_LEN(ENTRY_SALT_LEN)];
	uint8_t salt[ENTRY_SALT_LEN];
	struct entry full;
	uint64_t size;
	bool has_salt;
	int rc;

	if ((rc = store_get_entry(p->s, e->index, &full)))
		return rc;
	memcpy(pe->commitment, full.commitment, 32);
	pe->payload_size = full.payload_size;
	snprintf(name, sizeof(name), "evidence/%" PRIu64 ".leaf", e->index);
	if ((rc = add_text(&p->files, name, full.leaf, full.leaf_len)))
		goto out;
	pe->leaf = p->files.v[p->files.n - 1].data.data;
	pe->leaf_len = p->files.v[p->files.n - 1].data.len;
	snprintf(name, sizeof(name), "evidence/%" PRIu64 ".attrs.json", e->index);
	if ((rc = add_text(&p->files, name, full.attrs, full.attrs_len)))
		goto out;
	if (full.erased) {
		json_array_append_new(p->erased, json_integer((json_int_t)e->index));
		goto out;
	}
	if ((rc = add_payload(&p->files, p->s, e->index, pe->payload_sha256, &size)) ||
	    (rc = store_get_salt(p->s, e->index, salt, &has_salt)))
		goto out;
	if (has_salt) {
		hex_encode(hex, salt, sizeof(salt));
		snprintf(name, sizeof(name), "evidence/%" PRIu64 ".salt", e->index);
		rc = add_text(&p->files, name, hex, strlen(hex));
		OPENSSL_cleanse(salt, sizeof(salt));
	}
out:
	entry_free(&full);
	return rc;
}

static int add_proof(uint64_t index, const struct buf *proof, void *arg)
{
	struct packer *p = arg;
	char name[64];
	size_t lo = 0, hi = p->nentries;
	int rc;

	snprintf(name, sizeof(name), "evidence/%" PRIu64 ".proof", index);
	if ((rc = add_text(&p->files, name, proof->data, proof->len)))
		return rc;
	while (lo < hi) { /* entries are in log order */
		size_t mid = lo + (hi - lo) / 2;

		if (p->entries[mid].e->index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->nentries && p->entries[lo].e->index == index) {
		p->entries[lo].proof = p->files.v[p->files.n - 1].data.data;
		p->entries[lo].proof_len = p->files.v[p->files.n - 1].data.len;
	}
	return 0;
}

static int select_evidence(struct packer *p)
{
	uint64_t *idx;
	int rc = 0;

	if (!(p->entries = calloc(p->ev.n + 1, sizeof(*p->entries))) ||
	    !(idx = calloc(p->ev.n + 1, sizeof(*idx))))
		return err_nomem();
	for (size_t i = 0; i < p->ev.n && !rc; i++) {
		const struct evidence *e = &p->ev.v[i];

		progress_update(p->o->progress, PROGRESS_ITEMS, i, p->ev.n);
		/* Tombstones always travel: they explain what is missing. */
		if (!in_period(p->o, e) && strcmp(e->kind, "tombstone"))
			continue;
		p->entries[p->nentries].e = e;
		idx[p->nentries] = e->index;
		rc = add_entry_files(p, e, &p->entries[p->nentries]);
		p->nentries++;
	}
	if (!rc)
		rc = store_proofs(p->s, idx, p->nentries, add_proof, p);
	free(idx);
	return rc;
}

static int index_csv(struct packer *p, const struct assessment *a)
{
	struct buf b = BUF_INIT;
	int rc = buf_puts(&b, "index,kind,source,subject,effective_from,effective_to,"
			  "collected,sha256,size,controls\n");

	for (size_t i = 0; i < p->nentries && !rc; i++) {
		const struct pack_entry *pe = &p->entries[i];
		const struct evidence *e = pe->e;
		char f[RFC3339_LEN], t[RFC3339_LEN], c[RFC3339_LEN], hex[HEX_LEN(32)];
		bool first = true;

		time_format(f, e->eff_from);
		time_format(t, e->eff_to);
		time_format(c, e->collected);
		hex_encode(hex, pe->commitment, 32);
		rc = buf_printf(&b, "%" PRIu64 ",%s,\"%s\",\"%s\",%s,%s,%s,%s,%" PRIu64 ",\"",
				e->index, e->kind, e->source, e->subject, f, t, c, hex, pe->payload_size);
		/* The controls whose checks cite this entry. */
		for (size_t fw = 0; fw < a->nfw && !rc; fw++)
			for (size_t k = 0; k < a->fw[fw].n && !rc; k++) {
				const struct control_result *cr = &a->fw[fw].v[k];
				bool cites = false;

				for (size_t x = 0; x < cr->nchecks && !cites; x++) {
					json_t *evs = a->checks[cr->checks[x]].evidence, *v;
					size_t j;

					json_array_foreach(evs, j, v)
						cites |= (uint64_t)json_integer_value(v) == e->index;
				}
				if (cites) {
					rc = buf_printf(&b, "%s%s:%s", first ? "" : " ",
							a->fw[fw].cat->framework, cr->control->label);
					first = false;
				}
			}
		if (!rc)
			rc = buf_puts(&b, "\"\n");
	}
	if (!rc)
		rc = add_file(&p->files, "evidence/index.csv", &b);
	buf_free(&b);
	return rc;
}

/* ---- reports, catalogues, README ---- */

static int add_reports(struct packer *p, const struct report_ctx *r)
{
	struct buf b = BUF_INIT, j = BUF_INIT;
	json_t *doc;
	int rc;

	if (!(doc = assess_json(r->a)))
		return err_nomem();
	rc = json_stable(&b, doc) ? ERR_NOMEM : 0;
	json_decref(doc);
	if (rc || (rc = add_file(&p->files, "reports/assessment.json", &b)) ||
	    (rc = report_controls_csv(&b, r->a)) ||
	    (rc = add_file(&p->files, "reports/controls.csv", &b)) ||
	    (rc = report_crosswalk_csv(&b, r->ks)) ||
	    (rc = add_file(&p->files, "reports/crosswalk.csv", &b)) ||
	    (rc = report_html(&b, r)) ||
	    (rc = add_file(&p->files, "reports/summary.html", &b)) ||
	    (rc = report_ocsf_findings(&b, r->a, r->tool_version)) ||
	    (rc = add_file(&p->files, "reports/findings.jsonl", &b)) ||
	    (rc = report_oscal_ar(&b, r)))
		goto out;
	if ((rc = report_oscal_json(&j, b.data, b.len)) ||
	    (rc = add_file(&p->files, "reports/assessment-results.xml", &b)) ||
	    (rc = add_file(&p->files, "reports/assessment-results.json", &j)) ||
	    (rc = report_oscal_poam(&b, r)) || (rc = report_oscal_json(&j, b.data, b.len)) ||
	    (rc = add_file(&p->files, "reports/poam.xml", &b)) ||
	    (rc = add_file(&p->files, "reports/poam.json", &j)))
		goto out;
	for (size_t i = 0; i < r->nentries && !rc; i++) {
		char name[64];

		snprintf(name, sizeof(name), "reports/entries/%" PRIu64 ".html", r->entries[i].e->index);
		if (!(rc = report_entry_html(&b, r, &r->entries[i])) &&
		    !(rc = add_file(&p->files, name, &b))) {
			/* Half of what a pack holds for an entry: its name and
			 * digest are enough until the zip is written. */
			p->files.v[p->files.n - 1].page = &r->entries[i];
			buf_free(&p->files.v[p->files.n - 1].data);
		}
	}
out:
	buf_free(&b);
	buf_free(&j);
	return rc;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int add_sources(struct packer *p, const struct assessment *a, const struct checkset *ks)
{
	struct buf b = BUF_INIT;
	char name[512];
	int rc = 0;

	for (size_t f = 0; f < a->nfw && !rc; f++) {
		snprintf(name, sizeof(name), "catalogs/%s.xml", a->fw[f].cat->framework);
		if (!(rc = fs_read_file(&b, a->fw[f].cat->path, (size_t)64 << 20, NULL)))
			rc = add_file(&p->files, name, &b);
	}
	for (size_t i = 0; i < ks->nfiles && !rc; i++) {
		snprintf(name, sizeof(name), "mappings/%s", base_name(ks->files[i]));
		if (!(rc = fs_read_file(&b, ks->files[i], (size_t)16 << 20, NULL)))
			rc = add_file(&p->files, name, &b);
	}
	buf_free(&b);
	return rc;
}

static const char readme[] =
	"AUDIT PACK\n"
	"==========\n"
	"\n"
	"This zip is evidence from the auditpack log \"%s\", cut at signed checkpoint\n"
	"%" PRIu64 " (root %s), assessed as of %s against: %s.\n"
	"\n"
	"What is inside\n"
	"  manifest.dsse.json   DSSE envelope (Ed25519) of an in-toto Statement listing\n"
	"                       every other file with its SHA-256\n"
	"  checkpoint           the signed tree head (C2SP tlog-checkpoint)\n"
	"  keys/                the signing key (PEM) and verifier key, for information:\n"
	"                       check them against the key the organisation gave you\n"
	"  evidence/index.csv   one row per entry: kind, source, times, commitment, size,\n"
	"                       and the controls whose checks cite it\n"
	"  evidence/N.*         per entry N: .leaf (what the log signed), .attrs.json,\n"
	"                       .payload (as stored, personal data pseudonymised),\n"
	"                       .salt, .proof (inclusion proof against the checkpoint)\n"
	"  reports/             summary.html (open in a browser), assessment.json,\n"
	"                       findings.jsonl (OCSF), controls.csv, crosswalk.csv,\n"
	"                       assessment-results.xml and .json (OSCAL), poam.xml and\n"
	"                       .json (OSCAL plan of action: one item per open finding),\n"
	"                       entries/N.html (one page\n"
	"                       per evidence entry, linked from the summary)\n"
	"  catalogs/, mappings/ the control catalogues and checks the assessment used\n"
	"\n"
	"Verify with auditpack\n"
	"  auditpack verify-pack THIS.zip --vkey '%s'\n"
	"\n"
	"Verify by hand (bash, openssl, python3)\n"
	"  1. Unzip.  For every subject in the manifest's statement, sha256sum the file\n"
	"     and compare; no file may be missing or extra:\n"
	"       python3 -c 'import json,base64; s=json.loads(base64.b64decode(json.load(open(\"manifest.dsse.json\"))[\"payload\"]))\n"
	"       [print(x[\"digest\"][\"sha256\"]+\"  \"+x[\"name\"]) for x in s[\"subject\"]]' | sha256sum -c\n"
	"  2. The manifest signature is Ed25519 over PAE = \"DSSEv1\" SP len(type) SP type\n"
	"     SP len(payload) SP payload, with type \"" PACK_PAYLOAD_TYPE "\" and\n"
	"     payload the base64-decoded statement:\n"
	"       openssl pkeyutl -verify -pubin -inkey keys/signing-key.pem -rawin \\\n"
	"         -in pae.bin -sigfile sig.bin\n"
	"  3. The checkpoint signature: the first three lines are the signed text; the\n"
	"     last field of the line starting with an em dash is base64(4-byte key id ||\n"
	"     64-byte signature) (docs/auditor-guide.md in auditpack, step by step).\n"
	"  4. Each entry: SHA-256(0x00 || N.leaf) with N.proof's hashes must give the\n"
	"     checkpoint root (RFC 9162 2.1.3.2); the leaf's payload line must equal\n"
	"     SHA-256(\"auditpack/payload/v1\\n\" || salt || payload) and its attrs line\n"
	"     the SHA-256 of N.attrs.json.  Entries without a payload were erased: a\n"
	"     tombstone entry lists them (\"erased\"; an empty N.attrs.json only when\n"
	"     it also lists the entry under \"attrs_erased\").\n";

static int add_readme(struct packer *p, const struct report_ctx *r)
{
	char at[RFC3339_LEN], root[B64_LEN(MERKLE_HASH)];
	struct buf b = BUF_INIT, fws = BUF_INIT;
	int rc = 0;

	time_format(at, r->a->at);
	b64_encode(root, r->cp->root, MERKLE_HASH);
	for (size_t i = 0; i < r->a->nfw && !rc; i++)
		rc = buf_printf(&fws, "%s%s", i ? ", " : "", r->a->fw[i].cat->framework);
	if (!rc)
		rc = buf_printf(&b, readme, r->origin, r->cp->size, root, at, fws.data, r->vkey);
	if (!rc)
		rc = add_file(&p->files, "README.txt", &b);
	buf_free(&b);
	buf_free(&fws);
	return rc;
}

static int add_keys(struct packer *p, struct buf *vkey)
{
	struct store_key *keys = NULL;
	struct buf pem = BUF_INIT;
	EVP_PKEY *pk = NULL;
	size_t n;
	int rc;

	if ((rc = store_keys(p->s, &keys, &n)))
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		if (!keys[i].active)
			continue;
		if (!(rc = note_vkey_format(vkey, store_origin(p->s), keys[i].pub)) &&
		    !(rc = ed25519_from_raw_public(&pk, keys[i].pub)) &&
		    !(rc = keys_public_pem(&pem, pk)) &&
		    !(rc = add_file(&p->files, "keys/signing-key.pem", &pem)))
			rc = add_text(&p->files, "keys/vkey.txt", vkey->data, vkey->len);
	}
	EVP_PKEY_free(pk);
	buf_free(&pem);
	free(keys);
	return rc;
}

/* ---- manifest ---- */

/* A file's name as JSON (json_stable's bytes): most are plain ASCII and
 * written as they are; anything else goes through jansson. */
static int put_name(struct buf *b, const char *name)
{
	const unsigned char *c = (const unsigned char *)name;
	json_t *v;
	char *s;
	int rc;

	while (*c >= 0x20 && *c < 0x7f && *c != '"' && *c != '\\')
		c++;
	if (!*c) {
		if ((rc = buf_puts(b, "\"")) || (rc = buf_puts(b, name)))
			return rc;
		return buf_puts(b, "\"");
	}
	if (!(v = json_string(name)))
		return err_nomem();
	s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	json_decref(v);
	if (!s)
		return err_nomem();
	rc = buf_puts(b, s);
	free(s);
	return rc;
}

/* The statement's "subject" array (its last key), written straight into
 * `body` after the rest of the statement: one json_t per file cost ~2 KiB
 * each, with the dumps of it. */
static int put_subjects(struct buf *body, const struct files *fs)
{
	char hex[HEX_LEN(SHA256_LEN)];
	size_t need = body->len + 16;
	char *p;
	int rc;

	/* Exactly the room the plain names take (+ slack for escapes). */
	for (size_t i = 0; i < fs->n; i++)
		need += strlen(fs->v[i].name) + SHA256_LEN * 2 + 40;
	if (need > body->cap) {
		if (!(p = realloc(body->data, need + 1)))
			return err_nomem();
		body->data = p;
		body->cap = need + 1;
	}
	if (!body->len || body->data[body->len - 1] != '}')
		return err_set(ERR_USAGE, "the statement is not a JSON object");
	body->data[--body->len] = '\0';
	if ((rc = buf_puts(body, ",\"subject\":[")))
		return rc;
	for (size_t i = 0; i < fs->n && !rc; i++) {
		hex_encode(hex, fs->v[i].sha256, SHA256_LEN);
		if (!(rc = buf_printf(body, "%s{\"digest\":{\"sha256\":\"%s\"},\"name\":",
				      i ? "," : "", hex)) &&
		    !(rc = put_name(body, fs->v[i].name)))
			rc = buf_puts(body, "}");
	}
	return rc ? rc : buf_puts(body, "]}");
}

static int add_manifest(struct packer *p, const struct report_ctx *r, int64_t from, int64_t to)
{
	json_t *st = NULL, *env = NULL;
	struct buf body = BUF_INIT, msg = BUF_INIT, out = BUF_INIT, tail = BUF_INIT;
	char root[B64_LEN(MERKLE_HASH)], at[RFC3339_LEN];
	char f[RFC3339_LEN], t[RFC3339_LEN], kid[9], sig64[B64_LEN(NOTE_SIG)];
	static const char head[] = "{\"payload\":\"";
	uint8_t sig[NOTE_SIG];
	uint32_t key_id;
	json_t *fws = json_array();
	size_t b64len;
	int rc = 0;

	qsort(p->files.v, p->files.n, sizeof(*p->files.v), by_name);
	for (size_t i = 0; i < r->a->nfw; i++)
		json_array_append_new(fws, json_string(r->a->fw[i].cat->framework));
	b64_encode(root, r->cp->root, MERKLE_HASH);
	time_format(at, r->a->at);
	time_format(f, from == INT64_MIN ? 0 : from);
	time_format(t, to == INT64_MAX ? r->a->at : to);
	/* Everything but "subject", which sorts last: put_subjects. */
	st = json_pack("{s:s, s:s, s:{s:s, s:{s:I, s:s}, s:o, s:s, s:{s:s?, s:s?}, s:O, "
		       "s:I, s:{s:s, s:s}}}",
		       "_type", "https://in-toto.io/Statement/v1",
		       "predicateType", PACK_PREDICATE_TYPE, "predicate",
		       "origin", r->origin, "checkpoint", "size", (json_int_t)r->cp->size,
		       "root", root, "frameworks", fws, "at", at,
		       "period", "from", from == INT64_MIN ? NULL : f, "to", to == INT64_MAX ? NULL : t,
		       "erased", p->erased, "entries", (json_int_t)p->nentries,
		       "tool", "name", "auditpack", "version", r->tool_version);
	if (!st || (rc = json_stable(&body, st)) || (rc = put_subjects(&body, &p->files)))
		goto out;
	/* Refused before the envelope is made: it is 4/3 of the statement. */
	b64len = B64_LEN(body.len) - 1;
	if (b64len > PACK_MAX_MANIFEST) {
		rc = err_set(ERR_LIMIT, "the pack would hold %zu files, a manifest of over %zu bytes: "
			     "over the %" PRIu64 "-byte limit of verify-pack; cut it into periods "
			     "with --from and --to", p->files.n, b64len, PACK_MAX_MANIFEST);
		goto out;
	}
	if ((rc = sign_pae(&msg, PACK_PAYLOAD_TYPE, body.data, body.len)) ||
	    (rc = store_sign(p->s, msg.data, msg.len, sig, &key_id)))
		goto out;
	buf_free(&msg);
	b64_encode(sig64, sig, NOTE_SIG);
	snprintf(kid, sizeof(kid), "%08" PRIx32, key_id);
	/* The envelope with an empty payload, the statement's base64 spliced
	 * in: no second and third copy of it in jansson. */
	env = json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "payload", "", "payloadType",
			PACK_PAYLOAD_TYPE, "signatures", "keyid", kid, "sig", sig64);
	if (!env || (rc = json_stable(&tail, env)) || (rc = buf_puts(&tail, "\n")))
		goto out;
	if (tail.len < sizeof(head) - 1 || memcmp(tail.data, head, sizeof(head) - 1)) {
		rc = err_set(ERR_USAGE, "the envelope does not start with its payload");
		goto out;
	}
	if (!(out.data = malloc(b64len + tail.len + 1))) {
		rc = err_nomem();
		goto out;
	}
	out.cap = b64len + tail.len + 1;
	memcpy(out.data, head, sizeof(head) - 1);
	b64_encode(out.data + sizeof(head) - 1, (const uint8_t *)body.data, body.len);
	out.len = sizeof(head) - 1 + b64len;
	buf_free(&body);
	if ((rc = buf_append(&out, tail.data + sizeof(head) - 1, tail.len - (sizeof(head) - 1))))
		goto out;
	if (out.len > PACK_MAX_MANIFEST) {
		rc = err_set(ERR_LIMIT, "the pack would hold %zu files, a manifest of %zu bytes: "
			     "over the %" PRIu64 "-byte limit of verify-pack; cut it into periods "
			     "with --from and --to", p->files.n, out.len, PACK_MAX_MANIFEST);
		goto out;
	}
	rc = add_file(&p->files, "manifest.dsse.json", &out);
out:
	if (!st && !rc)
		rc = err_nomem();
	json_decref(st);
	json_decref(env);
	buf_free(&body);
	buf_free(&msg);
	buf_free(&out);
	buf_free(&tail);
	return rc;
}

int pack_build(struct store *s, const struct catalogs *cs, const struct checkset *ks,
	       const struct pack_opts *o, const char *path, struct pack_stats *stats)
{
	struct packer p;
	struct assessment a;
	struct report_ctx r;
	struct buf note = BUF_INIT, vkey = BUF_INIT;
	struct checkpoint cp;
	struct assess_policy ap;
	int rc;

	memset(&p, 0, sizeof(p));
	memset(&a, 0, sizeof(a));
	memset(&r, 0, sizeof(r));
	p.s = s;
	p.o = o;
	/* One snapshot for everything the pack says about the store: the
	 * checkpoint, the assessment, the entries and their proofs. */
	if ((rc = store_read_begin(s)))
		return rc;
	if (!(p.erased = json_array())) {
		store_read_end(s);
		return err_nomem();
	}
	memset(&ap, 0, sizeof(ap));
	ap.profile = o->profile;
	if ((rc = assess_run(&a, s, cs, ks, o->frameworks, o->nframeworks, o->at, &ap)) ||
	    (rc = evidence_load(&p.ev, s, o->at)) || (rc = store_checkpoint(s, &note, &cp)) ||
	    (rc = select_evidence(&p)) || (rc = add_keys(&p, &vkey)))
		goto out;
	r.a = &a;
	r.cs = cs;
	r.ks = ks;
	r.origin = store_origin(s);
	r.checkpoint_note = note.data;
	r.cp = &cp;
	r.vkey = vkey.data;
	r.entries = p.entries;
	r.nentries = p.nentries;
	r.from = o->from;
	r.to = o->to;
	r.tool_version = o->tool_version;
	if ((rc = add_text(&p.files, "checkpoint", note.data, note.len)) ||
	    (rc = index_csv(&p, &a)) || (rc = add_reports(&p, &r)) ||
	    (rc = add_sources(&p, &a, ks)) || (rc = add_readme(&p, &r)) ||
	    (rc = add_manifest(&p, &r, o->from, o->to)))
		goto out;
	qsort(p.files.v, p.files.n, sizeof(*p.files.v), by_name);
	if ((rc = pack_write_zip(s, &p.files, path, &r, o->progress)))
		goto out;
	if (stats) {
		stats->files = p.files.n;
		stats->entries = p.nentries;
		stats->erased = json_array_size(p.erased);
		stats->bytes = 0;
		for (size_t i = 0; i < p.files.n; i++)
			stats->bytes += p.files.v[i].size;
	}
out:
	store_read_end(s);
	files_free(&p.files);
	evidence_free(&p.ev);
	free(p.entries);
	json_decref(p.erased);
	assess_free(&a);
	buf_free(&note);
	buf_free(&vkey);
	return rc;
}
