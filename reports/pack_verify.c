/*
 * pack_verify.c - check an audit pack with nothing but the pack and a key.
 *
 * Memory stays bounded whatever the pack declares: the central directory
 * goes into a hash table of names (duplicates, missing and extra files in
 * O(1) each), every file is streamed through SHA-256 in PACK_READ_CHUNK
 * pieces (a payload through its salted commitment at the same time), and
 * only what must be parsed is held, under the caps of pack.h, checked
 * against both the declared size and the bytes actually read.
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

#define PACK_READ_CHUNK ((size_t)64 << 10)
#define MAX_PROBLEMS 1000

static void problem(struct pack_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct pack_report *r, const char *fmt, ...)
{
	struct pack_problem *v;
	va_list ap;

	if (r->n >= MAX_PROBLEMS) {
		r->dropped++;
		return;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;

		if (!(v = realloc(r->v, cap * sizeof(*v)))) {
			r->dropped++;
			return;
		}
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

/* ---- a set of entry indices (sorted once filled) ---- */

struct u64set {
	uint64_t *v;
	size_t n, cap;
};

static int u64set_add(struct u64set *s, uint64_t x)
{
	uint64_t *v;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;

		if (!(v = realloc(s->v, cap * sizeof(*v))))
			return err_set(ERR_NOMEM, "out of memory");
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

/* ---- the pack: its directory as a hash table of names ---- */

struct member {
	char *name;
	zip_uint64_t index;       /* in the zip */
	uint64_t size;            /* declared, uncompressed */
	uint8_t digest[SHA256_LEN];
	bool refused;             /* over a limit: never read (a problem says why) */
	bool read;                /* read to the end: digest is valid */
	bool failed;              /* reading failed (a problem says why) */
	bool listed;              /* named in the manifest */
	bool wanted;              /* the manifest gives a digest: want */
	bool want_bad;            /* ... that is not 64 lowercase hex digits, or
				   * two subjects name it with different ones */
	uint8_t want[SHA256_LEN];
};

/* An erased entry, decided once every tombstone in the pack is known. */
struct pending {
	uint64_t index;
	bool attrs;               /* false: payload or salt missing; true: empty attrs */
};

struct pack {
	zip_t *za;
	struct member *v;
	size_t n;
	uint32_t *slots;          /* 1 + index into v, 0 when empty */
	size_t nslots;            /* a power of two, at least twice n */
	char *chunk;              /* PACK_READ_CHUNK bytes */
	struct u64set tomb_erased, tomb_attrs, manifest_erased;
	struct pending *pend;
	size_t npend, cappend;
};

static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* The slot holding `name`, or the empty slot where it would go. */
static uint32_t *slot_of(const struct pack *p, const char *name)
{
	size_t mask = p->nslots - 1, i = (size_t)name_hash(name) & mask;

	while (p->slots[i] && strcmp(p->v[p->slots[i] - 1].name, name))
		i = (i + 1) & mask;
	return &p->slots[i];
}

static struct member *member(const struct pack *p, const char *name)
{
	uint32_t *sl = slot_of(p, name);

	return *sl ? &p->v[*sl - 1] : NULL;
}

static void pack_free(struct pack *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].name);
	free(p->v);
	free(p->slots);
	free(p->chunk);
	free(p->tomb_erased.v);
	free(p->tomb_attrs.v);
	free(p->manifest_erased.v);
	free(p->pend);
	if (p->za)
		zip_discard(p->za); /* opened read-only: nothing to write */
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

/* Refused before anything is decompressed: over a size limit, or a
 * compression ratio only a decompression bomb has. */
static bool over_limits(const zip_stat_t *zs, uint64_t *total)
{
	return zs->size > PACK_MAX_FILE || (*total += zs->size) > PACK_MAX_TOTAL ||
	       ((zs->valid & ZIP_STAT_COMP_SIZE) && zs->size > ((zip_uint64_t)1 << 20) &&
		zs->size / (zs->comp_size ? zs->comp_size : 1) > PACK_MAX_RATIO);
}

static int open_zip(struct pack *p, const char *path)
{
	int zerr;

	p->za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	/* libzip refuses a directory naming one file twice; open it without the
	 * consistency check so that the duplicate can be named (and the pack
	 * fails verification) rather than called "damaged". */
	if (!p->za && zerr == ZIP_ER_EXISTS)
		p->za = zip_open(path, ZIP_RDONLY, &zerr);
	if (!p->za)
		return err_set(ERR_IO, "cannot open pack '%s' (libzip error %d: not a zip, or "
			       "damaged)", path, zerr);
	return 0;
}

static int load_directory(struct pack *p, const char *path, struct pack_report *r)
{
	zip_int64_t n;
	uint64_t total = 0;

	if ((n = zip_get_num_entries(p->za, 0)) < 0 || n > PACK_MAX_FILES)
		return err_set(ERR_LIMIT, "pack '%s' has more than %d files", path,
			       PACK_MAX_FILES);
	for (p->nslots = 16; p->nslots < 2 * (size_t)n; p->nslots *= 2)
		;
	if (!(p->v = calloc((size_t)n + 1, sizeof(*p->v))) ||
	    !(p->slots = calloc(p->nslots, sizeof(*p->slots))) ||
	    !(p->chunk = malloc(PACK_READ_CHUNK)))
		return err_set(ERR_NOMEM, "out of memory");
	for (zip_int64_t i = 0; i < n; i++) {
		struct member *m = &p->v[p->n];
		uint32_t *sl;
		zip_stat_t zs;

		if (zip_stat_index(p->za, (zip_uint64_t)i, 0, &zs) < 0 ||
		    !(zs.valid & ZIP_STAT_NAME) || !(zs.valid & ZIP_STAT_SIZE))
			return err_set(ERR_PARSE, "pack '%s': unreadable directory entry %" PRId64,
				       path, (int64_t)i);
		if (!safe_name(zs.name)) {
			problem(r, "file name '%.200s' is absolute or escapes the pack: refused",
				zs.name);
			continue;
		}
		if (*(sl = slot_of(p, zs.name))) {
			problem(r, "'%s' appears twice in the pack", zs.name);
			continue;
		}
		if (!(m->name = strdup(zs.name)))
			return err_set(ERR_NOMEM, "out of memory");
		m->index = (zip_uint64_t)i;
		m->size = zs.size;
		if (over_limits(&zs, &total)) {
			problem(r, "'%s' claims %" PRIu64 " bytes from %" PRIu64 " compressed: a "
				"decompression bomb or over the size limit; not read", zs.name,
				(uint64_t)zs.size, (uint64_t)zs.comp_size);
			m->refused = true;
		}
		*sl = (uint32_t)(++p->n);
	}
	r->files = p->n;
	return 0;
}

/*
 * Read m from start to end, never past its declared size, into m->digest;
 * `also` (or NULL) hashes the same bytes, `keep` (or NULL) receives them
 * when m is at most `cap` bytes.  False when m could not be read whole (a
 * problem says why).  A member read once is not read again unless its
 * bytes are wanted.
 */
static bool read_member(struct pack *p, struct member *m, struct sha256_ctx *also,
			struct buf *keep, uint64_t cap, const char *what,
			struct pack_report *r)
{
	struct sha256_ctx *ctx = NULL;
	zip_file_t *zf = NULL;
	uint64_t total = 0;
	zip_int64_t got = 0;

	if (m->refused || m->failed)
		return false;
	if (m->read && !also && !keep)
		return true;
	if (keep && m->size > cap) {
		problem(r, "%s is %" PRIu64 " bytes, over the %" PRIu64 "-byte limit for %s; "
			"not read", m->name, m->size, cap, what);
		m->failed = true;
		return false;
	}
	/* Room for the declared size at once: no copies while it grows. */
	if (sha256_new(&ctx) || (keep && buf_grow(keep, (size_t)m->size))) {
		problem(r, "cannot read '%s': %s", m->name, err_msg());
		goto fail;
	}
	if (!(zf = zip_fopen_index(p->za, m->index, 0))) {
		problem(r, "cannot open '%s' in the pack: %s", m->name, zip_strerror(p->za));
		goto fail;
	}
	while ((got = zip_fread(zf, p->chunk, PACK_READ_CHUNK)) > 0) {
		if ((total += (uint64_t)got) > m->size)
			break;
		if (sha256_update(ctx, p->chunk, (size_t)got) ||
		    (also && sha256_update(also, p->chunk, (size_t)got)) ||
		    (keep && buf_append(keep, p->chunk, (size_t)got))) {
			problem(r, "cannot read '%s': %s", m->name, err_msg());
			goto fail;
		}
	}
	if (got < 0) {
		problem(r, "cannot read '%s' in the pack: %s", m->name, zip_file_strerror(zf));
		goto fail;
	}
	if (total != m->size) {
		problem(r, "'%s' in the pack does not decompress to its stated size (%" PRIu64
			" bytes)", m->name, m->size);
		goto fail;
	}
	zip_fclose(zf);
	sha256_final(ctx, m->digest);
	m->read = true;
	return true;
fail:
	if (zf)
		zip_fclose(zf);
	sha256_free(ctx);
	m->failed = true;
	if (keep)
		buf_reset(keep);
	return false;
}

/* The bytes of a file that must be parsed, under `cap`; false (with a
 * problem, or none when absent) otherwise. */
static bool read_small(struct pack *p, const char *name, uint64_t cap, const char *what,
		       struct buf *out, struct pack_report *r)
{
	struct member *m = member(p, name);

	buf_reset(out);
	return m && read_member(p, m, NULL, out, cap, what, r) && !buf_grow(out, 0);
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

/*
 * The statement's subject list, read in place.  A pack lists every file in
 * its manifest, hundreds of thousands of small objects that as a JSON tree
 * would take about a kilobyte each; the subject array is scanned instead,
 * each name looked up in the pack and its digest kept beside the file.
 * Every other member of the statement is small and parsed by jansson.
 */
struct scan {
	const char *p, *end;
	struct buf a, b;         /* a subject's name and digest */
	struct buf skip;         /* what \u escapes decode to in skipped strings */
};

#define SCAN_MAX_DEPTH 64

static void scan_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

static bool scan_lit(struct scan *s, char c)
{
	scan_ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return true;
	}
	return false;
}

static bool scan_peek(struct scan *s, char c)
{
	scan_ws(s);
	return s->p < s->end && *s->p == c;
}

static int hex4(const char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v = v << 4 | (c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			      c >= 'A' && c <= 'F' ? c - 'A' + 10 : -256);
		if (v < 0)
			return -1;
	}
	return v;
}

static bool put_utf8(struct buf *out, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return !buf_append(out, u, n);
}

/* A \u escape (s->p after the 'u'), surrogate pairs joined. */
static bool scan_unicode(struct scan *s, struct buf *out)
{
	int hi, lo;

	if (s->end - s->p < 4 || (hi = hex4(s->p)) < 0)
		return false;
	s->p += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return false;
	if (hi < 0xd800 || hi > 0xdbff)
		return put_utf8(out, (unsigned long)hi);
	if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' ||
	    (lo = hex4(s->p + 2)) < 0xdc00 || lo > 0xdfff)
		return false;
	s->p += 6;
	return put_utf8(out, 0x10000 + (((unsigned long)hi - 0xd800) << 10) +
			((unsigned long)lo - 0xdc00));
}

/* A JSON string, decoded into out (NUL-terminated); out may be NULL to skip. */
static bool scan_string(struct scan *s, struct buf *out)
{
	static const char esc[] = "\"\"\\\\//b\bf\fn\nr\rt\t";

	if (out)
		buf_reset(out);
	if (!scan_lit(s, '"'))
		return false;
	for (;;) {
		const char *run = s->p, *e;

		while (s->p < s->end && *s->p != '"' && *s->p != '\\' && (unsigned char)*s->p >= 0x20)
			s->p++;
		if (out && buf_append(out, run, (size_t)(s->p - run)))
			return false;
		if (s->p >= s->end || (unsigned char)*s->p < 0x20)
			return false;
		if (*s->p++ == '"')
			return !out || !buf_grow(out, 0);
		if (s->p >= s->end)
			return false;
		if (*s->p == 'u') {
			s->p++;
			if (!scan_unicode(s, out ? out : &s->skip))
				return false;
			continue;
		}
		for (e = esc; *e && *e != *s->p; e += 2)
			;
		if (!*e || (out && buf_append(out, e + 1, 1)))
			return false;
		s->p++;
	}
}

/* Step over one value of any kind. */
static bool scan_skip(struct scan *s, int depth)
{
	scan_ws(s);
	if (s->p >= s->end || depth > SCAN_MAX_DEPTH)
		return false;
	if (*s->p == '"') {
		buf_reset(&s->skip);
		return scan_string(s, NULL);
	}
	if (*s->p == '{' || *s->p == '[') {
		char close = *s->p++ == '{' ? '}' : ']';

		if (scan_lit(s, close))
			return true;
		do {
			if (close == '}' && (!scan_string(s, NULL) || !scan_lit(s, ':')))
				return false;
			if (!scan_skip(s, depth + 1))
				return false;
		} while (scan_lit(s, ','));
		return scan_lit(s, close);
	}
	if (!strchr("-0123456789tfn", *s->p))
		return false;
	while (s->p < s->end && strchr("+-.0123456789eEtruefalsn", *s->p))
		s->p++;
	return true;
}

/* One subject: mark its file listed and keep the digest it should have. */
static void subject(struct pack *p, const char *name, const char *want, struct pack_report *r)
{
	uint8_t d[SHA256_LEN];
	struct member *m;
	bool bad;

	if (!name || !want) {
		problem(r, "the manifest lists a subject without a name or digest");
		return;
	}
	if (!(m = member(p, name))) {
		problem(r, "%s is listed in the manifest but missing from the pack", name);
		return;
	}
	bad = strlen(want) != 2 * SHA256_LEN || strspn(want, "0123456789abcdef") != 2 * SHA256_LEN ||
	      hex_decode(d, sizeof(d), want, strlen(want));
	m->want_bad |= bad || (m->wanted && memcmp(m->want, d, SHA256_LEN));
	if (!bad)
		memcpy(m->want, d, SHA256_LEN);
	m->listed = m->wanted = true;
}

/* {"sha256": "...", ...}: *want when there is a sha256 string. */
static bool scan_digest(struct scan *s, struct buf *key, bool *want)
{
	if (!scan_lit(s, '{'))
		return false;
	if (scan_lit(s, '}'))
		return true;
	do {
		if (!scan_string(s, key) || !scan_lit(s, ':'))
			return false;
		if (!strcmp(key->data, "sha256") && scan_peek(s, '"')) {
			if (!(*want = scan_string(s, &s->b)))
				return false;
		} else if (!scan_skip(s, 2)) {
			return false;
		}
	} while (scan_lit(s, ','));
	return scan_lit(s, '}');
}

/* {"name": "...", "digest": {"sha256": "..."}, ...} */
static bool scan_subject(struct scan *s, struct pack *p, struct pack_report *r)
{
	struct buf key = BUF_INIT;
	bool name = false, want = false, ok = false;

	if (!scan_lit(s, '{'))
		return false;
	if (!scan_lit(s, '}')) {
		do {
			if (!scan_string(s, &key) || !scan_lit(s, ':'))
				goto out;
			if (!strcmp(key.data, "name") && scan_peek(s, '"')) {
				if (!(name = scan_string(s, &s->a)))
					goto out;
			} else if (!strcmp(key.data, "digest") && scan_peek(s, '{')) {
				if (!scan_digest(s, &key, &want))
					goto out;
			} else if (!scan_skip(s, 1)) {
				goto out;
			}
		} while (scan_lit(s, ','));
		if (!scan_lit(s, '}'))
			goto out;
	}
	subject(p, name ? s->a.data : NULL, want ? s->b.data : NULL, r);
	ok = true;
out:
	buf_free(&key);
	return ok;
}

/* The statement, its subjects applied to the pack, the rest as JSON
 * (NULL when it is not a JSON object). */
static json_t *scan_statement(struct pack *p, const char *body, size_t len,
			      struct pack_report *r)
{
	struct scan s = { body, body + len, BUF_INIT, BUF_INIT, BUF_INIT };
	struct buf key = BUF_INIT;
	json_t *st = json_object(), *v;
	bool ok = false;

	if (!st || !scan_lit(&s, '{'))
		goto out;
	if (!scan_lit(&s, '}')) {
		do {
			const char *start;

			if (!scan_string(&s, &key) || !scan_lit(&s, ':'))
				goto out;
			if (!strcmp(key.data, "subject")) {
				if (!scan_lit(&s, '['))
					goto out;
				if (scan_lit(&s, ']'))
					continue;
				do {
					if (!scan_subject(&s, p, r))
						goto out;
				} while (scan_lit(&s, ','));
				if (!scan_lit(&s, ']'))
					goto out;
				continue;
			}
			scan_ws(&s);
			start = s.p;
			if (!scan_skip(&s, 0) ||
			    !(v = json_loadb(start, (size_t)(s.p - start), JSON_DECODE_ANY, NULL)) ||
			    json_object_set_new(st, key.data, v))
				goto out;
		} while (scan_lit(&s, ','));
		if (!scan_lit(&s, '}'))
			goto out;
	}
	scan_ws(&s);
	ok = s.p == s.end;
out:
	buf_free(&key);
	buf_free(&s.a);
	buf_free(&s.b);
	buf_free(&s.skip);
	if (!ok) {
		json_decref(st);
		st = NULL;
	}
	return st;
}

/* The DSSE envelope's fields, read in place: the payload is most of the
 * manifest and is decoded straight from the file's bytes. */
struct envelope {
	const char *payload;      /* base64, as in the file (or in `unescaped`) */
	size_t payload_len;
	struct buf unescaped, type, sig;
};

/* A string value: where it is, decoded into `out` only if it has escapes. */
static bool scan_span(struct scan *s, struct buf *out, const char **at, size_t *len)
{
	const char *start;

	scan_ws(s);
	start = s->p;
	if (!scan_string(s, NULL))
		return false;
	*at = start + 1;
	*len = (size_t)(s->p - start - 2);
	if (!memchr(*at, '\\', *len))
		return true;
	s->p = start;
	if (!scan_string(s, out))
		return false;
	*at = out->data;
	*len = out->len;
	return true;
}

/* signatures: [{"sig": "...", ...}, ...]: the first one's sig. */
static bool scan_signatures(struct scan *s, struct buf *key, struct envelope *e)
{
	bool first = true;

	if (!scan_lit(s, '['))
		return false;
	if (scan_lit(s, ']'))
		return true;
	do {
		if (!first || !scan_peek(s, '{')) {
			if (!scan_skip(s, 1))
				return false;
			continue;
		}
		first = false;
		s->p++;
		if (scan_lit(s, '}'))
			continue;
		do {
			if (!scan_string(s, key) || !scan_lit(s, ':'))
				return false;
			if (!strcmp(key->data, "sig") && scan_peek(s, '"')) {
				if (!scan_string(s, &e->sig))
					return false;
			} else if (!scan_skip(s, 2)) {
				return false;
			}
		} while (scan_lit(s, ','));
		if (!scan_lit(s, '}'))
			return false;
	} while (scan_lit(s, ','));
	return scan_lit(s, ']');
}

static bool scan_envelope(const char *text, size_t len, struct envelope *e)
{
	struct scan s = { text, text + len, BUF_INIT, BUF_INIT, BUF_INIT };
	struct buf key = BUF_INIT;
	bool ok = false;

	if (!scan_lit(&s, '{'))
		goto out;
	if (!scan_lit(&s, '}')) {
		do {
			if (!scan_string(&s, &key) || !scan_lit(&s, ':'))
				goto out;
			if (!strcmp(key.data, "payload") && scan_peek(&s, '"')) {
				if (!scan_span(&s, &e->unescaped, &e->payload, &e->payload_len))
					goto out;
			} else if (!strcmp(key.data, "payloadType") && scan_peek(&s, '"')) {
				if (!scan_string(&s, &e->type))
					goto out;
			} else if (!strcmp(key.data, "signatures") && scan_peek(&s, '[')) {
				if (!scan_signatures(&s, &key, e))
					goto out;
			} else if (!scan_skip(&s, 0)) {
				goto out;
			}
		} while (scan_lit(&s, ','));
		if (!scan_lit(&s, '}'))
			goto out;
	}
	scan_ws(&s);
	ok = s.p == s.end && e->payload && e->type.data && e->sig.data;
out:
	buf_free(&key);
	buf_free(&s.skip);
	return ok;
}

static void envelope_free(struct envelope *e)
{
	buf_free(&e->unescaped);
	buf_free(&e->type);
	buf_free(&e->sig);
}

/* Room before the decoded statement for the PAE header, so that the signed
 * message is built in place rather than copied. */
#define PAE_ROOM (64 + sizeof(PACK_PAYLOAD_TYPE))

static json_t *check_manifest(struct pack *p, const struct trust *t, struct pack_report *r)
{
	struct member *m = member(p, "manifest.dsse.json");
	struct envelope e;
	json_t *st = NULL;
	uint8_t *room = NULL, *body, sigb[NOTE_SIG + 4];
	char head[PAE_ROOM];
	size_t blen = 0, slen, hlen;
	struct buf text = BUF_INIT;

	memset(&e, 0, sizeof(e));
	if (!m) {
		problem(r, "manifest.dsse.json is missing");
		return NULL;
	}
	m->listed = true;
	if (!read_small(p, m->name, PACK_MAX_MANIFEST, "the manifest", &text, r))
		goto out; /* text may hold what was read before it failed */
	if (!scan_envelope(text.data, text.len, &e) || strcmp(e.type.data, PACK_PAYLOAD_TYPE) ||
	    !(room = malloc(PAE_ROOM + e.payload_len / 4 * 3 + 3)) ||
	    b64_decode(room + PAE_ROOM, e.payload_len / 4 * 3 + 3, &blen, e.payload, e.payload_len) ||
	    b64_decode(sigb, sizeof(sigb), &slen, e.sig.data, e.sig.len)) {
		problem(r, "manifest.dsse.json is not a DSSE envelope of an in-toto statement");
		goto out;
	}
	buf_free(&text); /* the statement is all that is needed from here */
	envelope_free(&e);
	body = room + PAE_ROOM;
	hlen = (size_t)snprintf(head, sizeof(head), "DSSEv1 %zu %s %zu ",
				strlen(PACK_PAYLOAD_TYPE), PACK_PAYLOAD_TYPE, blen);
	memcpy(body - hlen, head, hlen);
	if (!ed25519_ok(t->pub, body - hlen, hlen + blen, sigb, slen))
		problem(r, "the manifest's signature does not verify with the %s key",
			r->pinned ? "pinned" : "shipped");
	st = scan_statement(p, (const char *)body, blen, r);
	if (!st || strcmp(json_string_value(json_object_get(st, "predicateType")) ?
			  json_string_value(json_object_get(st, "predicateType")) : "",
			  PACK_PREDICATE_TYPE)) {
		problem(r, "the manifest's statement is not an auditpack audit pack");
		json_decref(st);
		st = NULL;
	}
out:
	buf_free(&text);
	envelope_free(&e);
	free(room);
	return st;
}

/* Every listed file's digest against the manifest (read now if no check
 * has read it yet); every file the manifest does not list. */
static void check_subjects(struct pack *p, struct pack_report *r)
{
	for (size_t k = 0; k < p->n; k++) {
		struct member *m = &p->v[k];

		if (!m->listed)
			problem(r, "%s is in the pack but not in the manifest (added)", m->name);
		else if (m->wanted && read_member(p, m, NULL, NULL, 0, NULL, r) &&
			 (m->want_bad || memcmp(m->digest, m->want, SHA256_LEN)))
			problem(r, "%s does not match its digest in the manifest (changed)", m->name);
	}
}

static bool check_checkpoint(struct pack *p, const struct trust *t, const char *origin,
			     struct checkpoint *cp, struct pack_report *r)
{
	struct buf text = BUF_INIT;
	struct note n;
	bool ok = false;

	if (!read_small(p, "checkpoint", PACK_MAX_SMALL, "a checkpoint", &text, r) ||
	    note_parse(&n, text.data, text.len) || checkpoint_parse(cp, n.text, n.text_len)) {
		problem(r, "the checkpoint is missing or malformed");
		goto out;
	}
	if (strcmp(cp->origin, origin))
		problem(r, "the checkpoint is for '%s', the manifest for '%s'", cp->origin, origin);
	for (size_t i = 0; i < n.nsigs && !ok; i++)
		ok = note_sig_verify(&n, &n.sigs[i], t->pub);
	if (ok)
		r->checkpoint_size = cp->size;
	else
		problem(r, "the checkpoint's signature does not verify with the %s key",
			r->pinned ? "pinned" : "shipped");
out:
	buf_free(&text);
	return ok;
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
	struct pending *v;

	if (p->npend == p->cappend) {
		size_t cap = p->cappend ? p->cappend * 2 : 64;

		if (!(v = realloc(p->pend, cap * sizeof(*v))))
			return err_set(ERR_NOMEM, "out of memory");
		p->pend = v;
		p->cappend = cap;
	}
	p->pend[p->npend].index = index;
	p->pend[p->npend++].attrs = attrs;
	return 0;
}

/* A tombstone's lists ("erased": the payload went; "attrs_erased": the
 * attrs too), for the erased entries decided at the end. */
static int read_tombstone(struct pack *p, struct member *attrs, struct pack_report *r)
{
	struct buf text = BUF_INIT;
	json_t *a;
	int rc = 0;

	if (!read_member(p, attrs, NULL, &text, PACK_MAX_TOMBSTONE, "a tombstone's attrs", r))
		return 0;
	if ((a = json_loadb(text.data ? text.data : "", text.len, 0, NULL)) &&
	    !(rc = u64set_add_json(&p->tomb_erased, json_object_get(a, "erased"))))
		rc = u64set_add_json(&p->tomb_attrs, json_object_get(a, "attrs_erased"));
	json_decref(a);
	buf_free(&text);
	return rc;
}

static struct member *sibling(struct pack *p, uint64_t index, const char *suffix)
{
	char name[64];

	snprintf(name, sizeof(name), "evidence/%" PRIu64 ".%s", index, suffix);
	return member(p, name);
}

/* The payload through SHA-256 and, with its salt, through its commitment. */
static void check_payload(struct pack *p, const struct entry *e, struct member *payload,
			  const struct buf *salt, struct pack_report *r)
{
	static const char domain[] = ENTRY_PAYLOAD_DOMAIN;
	struct sha256_ctx *c = NULL;
	uint8_t s[ENTRY_SALT_LEN], commit[SHA256_LEN];
	bool ok = false;

	if (!hex_decode(s, sizeof(s), salt->data ? salt->data : "", salt->len) &&
	    !sha256_new(&c) && !sha256_update(c, domain, sizeof(domain) - 1) &&
	    !sha256_update(c, s, sizeof(s)) && read_member(p, payload, c, NULL, 0, NULL, r)) {
		ok = !sha256_final(c, commit) && !memcmp(commit, e->commitment, SHA256_LEN) &&
		     payload->size == e->payload_size;
		c = NULL;
	}
	sha256_free(c);
	if (!ok)
		problem(r, "entry %" PRIu64 ": payload does not match its commitment", e->index);
}

static int check_entry(struct pack *p, const struct checkpoint *cp, struct member *leaf,
		       struct pack_report *r)
{
	uint64_t index = strtoull(leaf->name + 9, NULL, 10);
	struct member *attrs, *payload;
	struct buf text = BUF_INIT, proof = BUF_INIT, salt = BUF_INIT;
	struct entry e;
	uint8_t want_adig[32];
	merkle_hash lh;
	int rc = 0;

	memset(&e, 0, sizeof(e));
	r->entries++;
	if (!read_member(p, leaf, NULL, &text, PACK_MAX_SMALL, "a leaf", r) ||
	    buf_grow(&text, 0) || entry_leaf_parse(&e, want_adig, text.data, text.len) ||
	    e.index != index) {
		problem(r, "entry %" PRIu64 ": its leaf is malformed or names another index", index);
		goto out;
	}
	merkle_leaf_hash(lh, text.data, text.len);
	if (!sibling(p, index, "proof") ||
	    !read_small(p, sibling(p, index, "proof")->name, PACK_MAX_SMALL, "a proof", &proof, r) ||
	    !proof_ok(&proof, index, lh, cp))
		problem(r, "entry %" PRIu64 ": its inclusion proof does not reach the checkpoint", index);
	attrs = sibling(p, index, "attrs.json");
	if (attrs && !strcmp(e.kind, "tombstone") && (rc = read_tombstone(p, attrs, r)))
		goto out;
	if (!attrs || !read_member(p, attrs, NULL, NULL, 0, NULL, r) ||
	    memcmp(attrs->digest, want_adig, 32)) {
		/* Empty attrs are fine once a tombstone says they were erased. */
		if (attrs && attrs->read && attrs->size == 0)
			rc = add_pending(p, index, true);
		else
			problem(r, "entry %" PRIu64 ": attrs do not match the digest in its leaf",
				index);
	}
	payload = sibling(p, index, "payload");
	if (rc || !payload || !sibling(p, index, "salt")) {
		if (!rc)
			rc = add_pending(p, index, false);
		goto out;
	}
	if (!read_small(p, sibling(p, index, "salt")->name, PACK_MAX_SMALL, "a salt", &salt, r))
		problem(r, "entry %" PRIu64 ": payload does not match its commitment", index);
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
				problem(r, "entry %" PRIu64 ": attrs do not match the digest in "
					"its leaf", idx);
		} else if (listed && u64set_has(&p->tomb_erased, idx)) {
			note_erased(r, idx);
		} else {
			problem(r, "entry %" PRIu64 ": payload is missing and no tombstone in the "
				"pack records its erasure", idx);
		}
	}
}

static bool is_leaf_name(const char *n)
{
	size_t len = strlen(n);

	return !strncmp(n, "evidence/", 9) && len > 14 && !strcmp(n + len - 5, ".leaf");
}

static int check_entries(struct pack *p, json_t *st, const struct checkpoint *cp,
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
	if (!read_small(p, "keys/signing-key.pem", PACK_MAX_SMALL, "a key", &pem, r) ||
	    pem_public(t->pub, pem.data, pem.len))
		problem(r, "no key given and none usable in the pack (keys/signing-key.pem)");
	else
		t->have = true;
	buf_free(&pem);
	return 0;
}

int pack_verify(const char *path, const char *pubkey_pem, const char *vkey,
		struct pack_report *r)
{
	struct pack p;
	struct trust t = { { 0 }, false };
	struct checkpoint cp;
	const char *origin;
	json_t *st = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	if ((rc = open_zip(&p, path)) || (rc = load_directory(&p, path, r)) ||
	    (rc = load_trust(&p, pubkey_pem, vkey, &t, r)) || !t.have)
		goto out;
	if (!(st = check_manifest(&p, &t, r)))
		goto out;
	origin = json_string_value(json_object_get(json_object_get(st, "predicate"), "origin"));
	fingerprint(r, origin ? origin : "", t.pub);
	if (check_checkpoint(&p, &t, origin ? origin : "", &cp, r) &&
	    (rc = check_entries(&p, st, &cp, r)))
		goto out;
	check_subjects(&p, r);
out:
	if (r->nerased_list)
		qsort(r->erased_list, r->nerased_list, sizeof(*r->erased_list), by_value);
	json_decref(st);
	pack_free(&p);
	return rc;
}
