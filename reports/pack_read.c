/*
 * pack_read.c - an audit pack's zip for pack_verify: the directory as a
 * hash table of names, members streamed through SHA-256, the problems
 * found (pack_read.h).
 */
#include "pack_read.h"
#include "../common/err.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>

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
	free(p->cbuf);
	free(p->obuf);
	libdeflate_free_decompressor(p->inflater);
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

/*
 * The pack file as libzip's source: pread() through a buffer of SRC_BUF
 * bytes.  libzip's own file source seeks and reads 4 KiB through stdio for
 * each file's header and data, four system calls a file; reading a pack's
 * files in order, this takes one per SRC_BUF bytes.
 */
#define SRC_BUF ((size_t)256 << 10)

struct src {
	int fd;
	uint64_t size, pos;
	uint8_t *buf;             /* the file's bytes [boff, boff + blen) */
	uint64_t boff;
	size_t blen;
	zip_error_t error;
};

static zip_int64_t src_read(struct src *s, uint8_t *data, zip_uint64_t len)
{
	zip_uint64_t done = 0;
	ssize_t got;

	if (len > s->size - s->pos)
		len = s->size - s->pos;
	while (done < len) {
		uint64_t at = s->pos + done;
		size_t n;

		if (at >= s->boff && at < s->boff + s->blen) {
			n = (size_t)(s->boff + s->blen - at);
			if (n > len - done)
				n = (size_t)(len - done);
			memcpy(data + done, s->buf + (at - s->boff), n);
			done += n;
			continue;
		}
		/* Large reads go straight to the caller. */
		if (len - done >= SRC_BUF) {
			got = pread(s->fd, data + done, (size_t)(len - done), (off_t)at);
		} else {
			got = pread(s->fd, s->buf, SRC_BUF, (off_t)at);
			s->boff = at;
			s->blen = got > 0 ? (size_t)got : 0;
			if (got > 0)
				continue;
		}
		if (got < 0) {
			zip_error_set(&s->error, ZIP_ER_READ, errno);
			return -1;
		}
		if (got == 0)
			break; /* shorter than it was */
		done += (zip_uint64_t)got;
	}
	s->pos += done;
	return (zip_int64_t)done;
}

static zip_int64_t src_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct src *s = ud;
	zip_int64_t off;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		s->pos = 0;
		return 0;
	case ZIP_SOURCE_READ:
		return src_read(s, data, len);
	case ZIP_SOURCE_CLOSE:
		return 0;
	case ZIP_SOURCE_SEEK:
		if ((off = zip_source_seek_compute_offset(s->pos, s->size, data, len, &s->error)) < 0)
			return -1;
		s->pos = (uint64_t)off;
		return 0;
	case ZIP_SOURCE_TELL:
		return (zip_int64_t)s->pos;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;

		if (len < sizeof(*st))
			return -1;
		zip_stat_init(st);
		st->size = s->size;
		st->valid |= ZIP_STAT_SIZE;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&s->error, data, len);
	case ZIP_SOURCE_FREE:
		close(s->fd);
		free(s->buf);
		zip_error_fini(&s->error);
		free(s);
		return 0;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
						      ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
						      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
						      ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL,
						      ZIP_SOURCE_SUPPORTS, -1);
	default:
		zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

static int src_new(zip_source_t **out, const char *path)
{
	struct src *s;
	struct stat sb;
	int rc;

	*out = NULL;
	if (!(s = calloc(1, sizeof(*s))))
		return err_nomem();
	s->fd = -1;
	zip_error_init(&s->error);
	if (!(s->buf = malloc(SRC_BUF))) {
		rc = err_nomem();
		goto fail;
	}
	if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(s->fd, &sb) < 0) {
		rc = err_set(ERR_IO, "cannot open pack '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = err_set(ERR_IO, "cannot open pack '%s': not a regular file", path);
		goto fail;
	}
	s->size = (uint64_t)sb.st_size;
	if ((*out = zip_source_function_create(src_cb, s, NULL)))
		return 0;
	rc = err_nomem();
fail:
	if (s->fd >= 0)
		close(s->fd);
	zip_error_fini(&s->error);
	free(s->buf);
	free(s);
	return rc;
}

int pack_open_zip(struct pack *p, const char *path)
{
	zip_source_t *zs;
	zip_error_t ze;
	int zerr, rc;

	if ((rc = src_new(&zs, path)))
		return rc;
	zip_error_init(&ze);
	p->za = zip_open_from_source(zs, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	/* libzip refuses a directory naming one file twice; open it without the
	 * consistency check so that the duplicate can be named (and the pack
	 * fails verification) rather than called "damaged". */
	if (!p->za && zip_error_code_zip(&ze) == ZIP_ER_EXISTS) {
		zip_error_fini(&ze);
		zip_error_init(&ze);
		p->za = zip_open_from_source(zs, ZIP_RDONLY, &ze);
	}
	zerr = zip_error_code_zip(&ze);
	zip_error_fini(&ze);
	if (!p->za) {
		zip_source_free(zs);
		return err_set(ERR_IO, "cannot open pack '%s' (libzip error %d: not a zip, or "
			       "damaged)", path, zerr);
	}
	return 0;
}

/*
 * Members up to WHOLE_MAX bytes, stored or deflated, are read as stored and
 * inflated whole by libdeflate, their CRC-32 checked by it too: several
 * times faster than zlib's inflate and CRC behind libzip's layers, whose
 * setup costs more than the bytes of a small file.  Larger ones stream in
 * PACK_READ_CHUNK pieces; so does a member whose compressed size no
 * deflate stream of its size has.
 */
#define WHOLE_MAX ((uint64_t)24 << 20)

static void whole_or_not(struct pack_member *m, const zip_stat_t *zs)
{
	const zip_uint64_t need = ZIP_STAT_COMP_SIZE | ZIP_STAT_CRC | ZIP_STAT_COMP_METHOD |
				  ZIP_STAT_ENCRYPTION_METHOD;

	if ((zs->valid & need) != need || zs->encryption_method != ZIP_EM_NONE ||
	    zs->size > WHOLE_MAX || zs->comp_size > zs->size + zs->size / 16 + 1024 ||
	    (zs->comp_method != ZIP_CM_STORE && zs->comp_method != ZIP_CM_DEFLATE))
		return;
	m->whole = true;
	m->comp_size = zs->comp_size;
	m->crc = zs->crc;
	m->stored = zs->comp_method == ZIP_CM_STORE;
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
		return err_nomem();
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
			return err_nomem();
		m->index = (zip_uint64_t)i;
		m->size = zs.size;
		whole_or_not(m, &zs);
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

static bool room(uint8_t **b, size_t *cap, uint64_t need)
{
	uint8_t *v;

	if (need + 1 <= *cap)
		return true;
	free(*b);
	*cap = 0;
	if (!(v = malloc((size_t)need + 1)))
		return false;
	*b = v;
	*cap = (size_t)need + 1;
	return true;
}

/* m's bytes, read whole (m->whole): inflated into `into` (m->size bytes)
 * or, when NULL, into p's buffers until the next member is read; NULL
 * with a problem. */
static const uint8_t *read_whole(struct pack *p, struct pack_member *m, uint8_t *into,
				 struct pack_report *r)
{
	zip_file_t *zf;
	zip_int64_t got = 0;
	uint64_t total = 0;
	size_t actual = 0;
	enum libdeflate_result lr = LIBDEFLATE_SUCCESS;
	const uint8_t *out;

	if (!room(&p->cbuf, &p->ccap, m->comp_size) ||
	    (!m->stored && !into && !room(&p->obuf, &p->ocap, m->size)) ||
	    (!p->inflater && !(p->inflater = libdeflate_alloc_decompressor()))) {
		pack_problem(r, "cannot read '%s': out of memory", m->name);
		return NULL;
	}
	if (!(zf = zip_fopen_index(p->za, m->index, ZIP_FL_COMPRESSED))) {
		pack_problem(r, "cannot open '%s' in the pack: %s", m->name, zip_strerror(p->za));
		return NULL;
	}
	while (total < m->comp_size &&
	       (got = zip_fread(zf, p->cbuf + total, m->comp_size - total)) > 0)
		total += (uint64_t)got;
	if (got < 0 || total != m->comp_size) {
		pack_problem(r, "cannot read '%s' in the pack: %s", m->name,
			     got < 0 ? zip_file_strerror(zf) : "it ends early");
		zip_fclose(zf);
		return NULL;
	}
	zip_fclose(zf);
	if (m->stored) {
		out = p->cbuf;
		actual = (size_t)total;
	} else {
		out = into ? into : p->obuf;
		lr = libdeflate_deflate_decompress_ex(p->inflater, p->cbuf, (size_t)total,
						      (uint8_t *)out, (size_t)m->size, NULL, &actual);
	}
	if (lr == LIBDEFLATE_BAD_DATA) {
		pack_problem(r, "cannot read '%s' in the pack: damaged deflate data", m->name);
		return NULL;
	}
	if (lr != LIBDEFLATE_SUCCESS || actual != m->size) {
		pack_problem(r, "'%s' in the pack does not decompress to its stated size (%" PRIu64
			     " bytes)", m->name, m->size);
		return NULL;
	}
	if (libdeflate_crc32(0, out, actual) != m->crc) {
		pack_problem(r, "cannot read '%s' in the pack: CRC error", m->name);
		return NULL;
	}
	return out;
}

static void read_some(struct pack *p, uint64_t n)
{
	p->done += n;
	progress_update(p->progress, PROGRESS_BYTES, p->done < p->total ? p->done : p->total,
			p->total);
}

/* pack_read_member for m->whole. */
static bool member_whole(struct pack *p, struct pack_member *m, struct sha256_ctx *also,
			 struct buf *keep, struct pack_report *r)
{
	uint8_t *into = NULL;
	const uint8_t *b;

	/* What is kept is inflated where it is kept: no second copy (a
	 * manifest is megabytes). */
	if (keep) {
		if (buf_grow(keep, (size_t)m->size)) {
			pack_problem(r, "cannot read '%s': %s", m->name, err_msg());
			goto fail;
		}
		into = (uint8_t *)keep->data + keep->len;
	}
	if (!(b = read_whole(p, m, into, r)))
		goto fail;
	read_some(p, m->size);
	if (keep) {
		if (b != into)
			memcpy(into, b, (size_t)m->size);
		keep->len += (size_t)m->size;
		keep->data[keep->len] = '\0';
	}
	if (sha256(m->digest, b, (size_t)m->size) ||
	    (also && sha256_update(also, b, (size_t)m->size))) {
		pack_problem(r, "cannot read '%s': %s", m->name, err_msg());
		goto fail;
	}
	m->read = true;
	return true;
fail:
	m->failed = true;
	if (keep)
		buf_reset(keep);
	return false;
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
	if (m->whole)
		return member_whole(p, m, also, keep, r);
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
		read_some(p, (uint64_t)got);
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
