/*
 * pack_read.c - an audit pack's zip for pack_verify: the directory as a
 * hash table of names, members streamed through SHA-256, the problems
 * found (pack_read.h).
 */
#include "pack_read.h"
#include "../common/err.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROBLEMS 1000

void pack_problem(struct pack_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void pack_problem(struct pack_report *r, const char *fmt, ...)
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

struct pack_member *pack_member(const struct pack *p, const char *name)
{
	uint32_t *sl = slot_of(p, name);

	return *sl ? &p->v[*sl - 1] : NULL;
}

void pack_close(struct pack *p)
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

int pack_open_zip(struct pack *p, const char *path)
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

int pack_load_directory(struct pack *p, const char *path, struct pack_report *r)
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
		struct pack_member *m = &p->v[p->n];
		uint32_t *sl;
		zip_stat_t zs;

		if (zip_stat_index(p->za, (zip_uint64_t)i, 0, &zs) < 0 ||
		    !(zs.valid & ZIP_STAT_NAME) || !(zs.valid & ZIP_STAT_SIZE))
			return err_set(ERR_PARSE, "pack '%s': unreadable directory entry %" PRId64,
				       path, (int64_t)i);
		if (!safe_name(zs.name)) {
			pack_problem(r, "file name '%.200s' is absolute or escapes the pack: refused",
				zs.name);
			continue;
		}
		if (*(sl = slot_of(p, zs.name))) {
			pack_problem(r, "'%s' appears twice in the pack", zs.name);
			continue;
		}
		if (!(m->name = strdup(zs.name)))
			return err_set(ERR_NOMEM, "out of memory");
		m->index = (zip_uint64_t)i;
		m->size = zs.size;
		if (over_limits(&zs, &total)) {
			pack_problem(r, "'%s' claims %" PRIu64 " bytes from %" PRIu64 " compressed: a "
				"decompression bomb or over the size limit; not read", zs.name,
				(uint64_t)zs.size, (uint64_t)zs.comp_size);
			m->refused = true;
		}
		if (!m->refused)
			p->total += m->size;
		*sl = (uint32_t)(++p->n);
	}
	r->files = p->n;
	return 0;
}

bool pack_read_member(struct pack *p, struct pack_member *m, struct sha256_ctx *also,
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
		pack_problem(r, "%s is %" PRIu64 " bytes, over the %" PRIu64 "-byte limit for %s; "
			"not read", m->name, m->size, cap, what);
		m->failed = true;
		return false;
	}
	/* Room for the declared size at once: no copies while it grows. */
	if (sha256_new(&ctx) || (keep && buf_grow(keep, (size_t)m->size))) {
		pack_problem(r, "cannot read '%s': %s", m->name, err_msg());
		goto fail;
	}
	if (!(zf = zip_fopen_index(p->za, m->index, 0))) {
		pack_problem(r, "cannot open '%s' in the pack: %s", m->name, zip_strerror(p->za));
		goto fail;
	}
	while ((got = zip_fread(zf, p->chunk, PACK_READ_CHUNK)) > 0) {
		if ((total += (uint64_t)got) > m->size)
			break;
		p->done += (uint64_t)got;
		progress_update(p->progress, PROGRESS_BYTES, p->done < p->total ? p->done : p->total,
				p->total);
		if (sha256_update(ctx, p->chunk, (size_t)got) ||
		    (also && sha256_update(also, p->chunk, (size_t)got)) ||
		    (keep && buf_append(keep, p->chunk, (size_t)got))) {
			pack_problem(r, "cannot read '%s': %s", m->name, err_msg());
			goto fail;
		}
	}
	if (got < 0) {
		pack_problem(r, "cannot read '%s' in the pack: %s", m->name, zip_file_strerror(zf));
		goto fail;
	}
	if (total != m->size) {
		pack_problem(r, "'%s' in the pack does not decompress to its stated size (%" PRIu64
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

bool pack_read_small(struct pack *p, const char *name, uint64_t cap, const char *what,
		     struct buf *out, struct pack_report *r)
{
	struct pack_member *m = pack_member(p, name);

	buf_reset(out);
	return m && pack_read_member(p, m, NULL, out, cap, what, r) && !buf_grow(out, 0);
}
