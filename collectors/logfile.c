#include "logfile.h"
#include "../common/err.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#define IN_BYTES ((size_t)64 << 10)
#define MAGIC_BYTES 10

struct logfile {
	int fd;
	const char *path;
	enum logfile_format f;
	uint64_t in_pos;        /* next compressed byte to read */
	uint64_t out_pos;       /* text offset of the next byte given */
	uint8_t *in;            /* compressed input buffer */
	size_t in_len;
	bool in_eof, done, truncated, started;
	z_stream gz;
	ZSTD_DCtx *zs;
	size_t zs_ret;          /* of the last call that moved: 0 at a frame's end */
	ZSTD_inBuffer zin;
	lzma_stream xz;
	bz_stream bz;
};

enum logfile_format logfile_detect(const uint8_t *b, size_t n)
{
	if (n >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8)
		return LOGFILE_GZIP;
	if (n >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
		return LOGFILE_ZSTD;
	if (n >= 6 && !memcmp(b, "\xfd" "7zXZ\0", 6))
		return LOGFILE_XZ;
	/* "BZh", the block size, then a block's or the end's magic (a text
	 * line starting "BZh91AY&SY" is not worth worrying about). */
	if (n >= 10 && !memcmp(b, "BZh", 3) && b[3] >= '1' && b[3] <= '9' &&
	    (!memcmp(b + 4, "\x31\x41\x59\x26\x53\x59", 6) ||
	     !memcmp(b + 4, "\x17\x72\x45\x38\x50\x90", 6)))
		return LOGFILE_BZIP2;
	return LOGFILE_PLAIN;
}

const char *logfile_format_name(enum logfile_format f)
{
	static const char *const names[] = {
		[LOGFILE_PLAIN] = "plain", [LOGFILE_GZIP] = "gzip", [LOGFILE_ZSTD] = "zstd",
		[LOGFILE_XZ] = "xz", [LOGFILE_BZIP2] = "bzip2",
	};

	return names[f];
}

int logfile_format_of(int fd, const char *path, enum logfile_format *out)
{
	uint8_t b[MAGIC_BYTES];
	ssize_t n = pread(fd, b, sizeof(b), 0);

	if (n < 0)
		return err_set(ERR_IO, "cannot read '%s': %s", path, strerror(errno));
	*out = logfile_detect(b, (size_t)n);
	return 0;
}

static int corrupt(const struct logfile *lf, const char *why)
{
	return err_set(ERR_PARSE, "cannot decompress '%s' (%s): %s at compressed byte %llu",
		       lf->path, logfile_format_name(lf->f), why,
		       (unsigned long long)lf->in_pos);
}

/* Refill the input buffer once the decoder has used it up (left == 0):
 * *refilled says the decoder must start again at lf->in; in_eof at the end. */
static int fill(struct logfile *lf, size_t left, bool *refilled)
{
	ssize_t n;

	*refilled = false;
	if (left || lf->in_eof)
		return 0;
	n = pread(lf->fd, lf->in, IN_BYTES, (off_t)lf->in_pos);
	if (n < 0)
		return err_set(ERR_IO, "cannot read '%s': %s", lf->path, strerror(errno));
	lf->in_pos += (uint64_t)n;
	lf->in_len = (size_t)n;
	lf->in_eof = n == 0;
	*refilled = true;
	return 0;
}

/* Do the n input bytes at p start another stream of the same format? */
static bool next_stream(const struct logfile *lf, const uint8_t *p, size_t n)
{
	return logfile_detect(p, n) == lf->f;
}

static int gz_fill(struct logfile *lf)
{
	bool refilled;
	int rc = fill(lf, lf->gz.avail_in, &refilled);

	if (refilled) {
		lf->gz.next_in = lf->in;
		lf->gz.avail_in = (uInt)lf->in_len;
	}
	return rc;
}

static int gz_step(struct logfile *lf, uint8_t *out, size_t cap, size_t *got)
{
	z_stream *z = &lf->gz;
	int rc, zr;

	z->next_out = out;
	z->avail_out = (uInt)cap;
	while (z->avail_out == cap && !lf->done) {
		if ((rc = gz_fill(lf)))
			return rc;
		zr = inflate(z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END) {
			/* Another member may follow (gzip files concatenate); the
			 * magic needs 3 bytes, which may straddle a refill. */
			if ((rc = gz_fill(lf)))
				return rc;
			if (z->avail_in < 3 && z->avail_in && !lf->in_eof) {
				ssize_t n;

				memmove(lf->in, z->next_in, z->avail_in);
				n = pread(lf->fd, lf->in + z->avail_in, IN_BYTES - z->avail_in,
						  (off_t)lf->in_pos);

				if (n < 0)
					return err_set(ERR_IO, "cannot read '%s': %s", lf->path,
						       strerror(errno));
				lf->in_pos += (uint64_t)n;
				lf->in_eof = n == 0;
				z->next_in = lf->in;
				z->avail_in += (uInt)n;
			}
			if (z->avail_in >= 3 && next_stream(lf, z->next_in, z->avail_in))
				inflateReset(z);
			else
				lf->done = true; /* the end, or trailing padding */
		} else if (zr == Z_BUF_ERROR || zr == Z_OK) {
			if (z->avail_out == cap && z->avail_in == 0 && lf->in_eof)
				lf->done = lf->truncated = true;
		} else {
			return corrupt(lf, z->msg ? z->msg : "bad data");
		}
	}
	*got = cap - z->avail_out;
	return 0;
}

static int zs_step(struct logfile *lf, uint8_t *out, size_t cap, size_t *got)
{
	ZSTD_outBuffer o = { out, cap, 0 };
	int rc;

	while (o.pos == 0 && !lf->done) {
		size_t r, in_before;
		bool refilled;

		if ((rc = fill(lf, lf->zin.size - lf->zin.pos, &refilled)))
			return rc;
		if (refilled) {
			lf->zin.src = lf->in;
			lf->zin.size = lf->in_len;
			lf->zin.pos = 0;
		}
		in_before = lf->zin.pos;
		r = ZSTD_decompressStream(lf->zs, &o, &lf->zin);
		if (ZSTD_isError(r))
			return corrupt(lf, ZSTD_getErrorName(r));
		if (o.pos || lf->zin.pos != in_before)
			lf->zs_ret = r;
		if (o.pos == 0 && lf->in_eof && lf->zin.pos == lf->zin.size) {
			lf->done = true;
			lf->truncated = lf->zs_ret != 0;
		}
	}
	*got = o.pos;
	return 0;
}

static int xz_step(struct logfile *lf, uint8_t *out, size_t cap, size_t *got)
{
	lzma_stream *x = &lf->xz;
	int rc;

	x->next_out = out;
	x->avail_out = cap;
	while (x->avail_out == cap && !lf->done) {
		bool refilled;
		lzma_ret r;

		if ((rc = fill(lf, x->avail_in, &refilled)))
			return rc;
		if (refilled) {
			x->next_in = lf->in;
			x->avail_in = lf->in_len;
		}
		r = lzma_code(x, lf->in_eof ? LZMA_FINISH : LZMA_RUN);
		if (r == LZMA_STREAM_END)
			lf->done = true;
		else if (r == LZMA_BUF_ERROR && lf->in_eof)
			lf->done = lf->truncated = true;
		else if (r == LZMA_MEMLIMIT_ERROR || r == LZMA_MEM_ERROR)
			return corrupt(lf, "needs more memory to decompress than allowed (64 MiB)");
		else if (r != LZMA_OK && r != LZMA_BUF_ERROR)
			return corrupt(lf, "bad data");
	}
	*got = cap - x->avail_out;
	return 0;
}

static int bz_fill(struct logfile *lf)
{
	bool refilled;
	int rc = fill(lf, lf->bz.avail_in, &refilled);

	if (refilled) {
		lf->bz.next_in = (char *)lf->in;
		lf->bz.avail_in = (unsigned)lf->in_len;
	}
	return rc;
}

/* After a bzip2 stream: start the next one if one follows. */
static int bz_next(struct logfile *lf)
{
	bz_stream *b = &lf->bz, keep;
	int rc;

	if ((rc = bz_fill(lf)))
		return rc;
	if (b->avail_in && b->avail_in < 10 && !lf->in_eof) {
		ssize_t n;

		memmove(lf->in, b->next_in, b->avail_in);
		n = pread(lf->fd, lf->in + b->avail_in, IN_BYTES - b->avail_in, (off_t)lf->in_pos);
		if (n < 0)
			return err_set(ERR_IO, "cannot read '%s': %s", lf->path, strerror(errno));
		lf->in_pos += (uint64_t)n;
		lf->in_eof = n == 0;
		b->next_in = (char *)lf->in;
		b->avail_in += (unsigned)n;
	}
	if (b->avail_in < 10 || !next_stream(lf, (const uint8_t *)b->next_in, b->avail_in)) {
		lf->done = true; /* the end, or trailing padding */
		return 0;
	}
	keep = *b;
	BZ2_bzDecompressEnd(b);
	memset(b, 0, sizeof(*b));
	if (BZ2_bzDecompressInit(b, 0, 0) != BZ_OK) {
		lf->started = false;
		return err_nomem();
	}
	b->next_in = keep.next_in;
	b->avail_in = keep.avail_in;
	b->next_out = keep.next_out;
	b->avail_out = keep.avail_out;
	return 0;
}

static int bz_step(struct logfile *lf, uint8_t *out, size_t cap, size_t *got)
{
	bz_stream *b = &lf->bz;
	int rc, r;

	b->next_out = (char *)out;
	b->avail_out = (unsigned)cap;
	while (b->avail_out == cap && !lf->done) {
		if ((rc = bz_fill(lf)))
			return rc;
		r = BZ2_bzDecompress(b);
		if (r == BZ_STREAM_END) {
			if ((rc = bz_next(lf)))
				return rc;
		} else if (r == BZ_OK) {
			if (b->avail_out == cap && b->avail_in == 0 && lf->in_eof)
				lf->done = lf->truncated = true;
		} else {
			return corrupt(lf, r == BZ_MEM_ERROR ? "out of memory" : "bad data");
		}
	}
	*got = cap - b->avail_out;
	return 0;
}

static int step(struct logfile *lf, void *buf, size_t cap, size_t *got)
{
	switch (lf->f) {
	case LOGFILE_GZIP: return gz_step(lf, buf, cap, got);
	case LOGFILE_ZSTD: return zs_step(lf, buf, cap, got);
	case LOGFILE_XZ: return xz_step(lf, buf, cap, got);
	case LOGFILE_BZIP2: return bz_step(lf, buf, cap, got);
	case LOGFILE_PLAIN: break;
	}
	{
		ssize_t n = pread(lf->fd, buf, cap, (off_t)lf->out_pos);

		if (n < 0)
			return err_set(ERR_IO, "cannot read '%s': %s", lf->path, strerror(errno));
		*got = (size_t)n;
	}
	return 0;
}

int logfile_read(struct logfile *lf, void *buf, size_t cap, size_t *got)
{
	int rc;

	*got = 0;
	if (cap > (size_t)1 << 30)
		cap = (size_t)1 << 30; /* the decoders count in unsigned int */
	if (cap == 0 || (lf->f != LOGFILE_PLAIN && lf->done))
		return 0;
	if ((rc = step(lf, buf, cap, got)))
		return rc;
	lf->out_pos += *got;
	return 0;
}

static int decoder_init(struct logfile *lf)
{
	switch (lf->f) {
	case LOGFILE_GZIP:
		if (inflateInit2(&lf->gz, 15 + 16) != Z_OK)
			return err_nomem();
		break;
	case LOGFILE_ZSTD:
		if (!(lf->zs = ZSTD_createDCtx()) ||
		    ZSTD_isError(ZSTD_DCtx_setParameter(lf->zs, ZSTD_d_windowLogMax, 26)))
			return err_nomem();
		lf->zin.src = lf->in;
		break;
	case LOGFILE_XZ:
		if (lzma_stream_decoder(&lf->xz, LOGFILE_WINDOW_MAX + ((uint64_t)8 << 20),
					LZMA_CONCATENATED) != LZMA_OK)
			return err_nomem();
		break;
	case LOGFILE_BZIP2:
		if (BZ2_bzDecompressInit(&lf->bz, 0, 0) != BZ_OK)
			return err_nomem();
		break;
	case LOGFILE_PLAIN:
		return 0;
	}
	lf->started = true;
	return 0;
}

int logfile_open(struct logfile **out, int fd, const char *path,
		 enum logfile_format f, uint64_t offset)
{
	struct logfile *lf = calloc(1, sizeof(*lf));
	int rc = 0;

	*out = NULL;
	if (!lf)
		return err_nomem();
	lf->fd = fd;
	lf->path = path;
	lf->f = f;
	if (f != LOGFILE_PLAIN && !(lf->in = malloc(IN_BYTES))) {
		free(lf);
		return err_nomem();
	}
	if ((rc = decoder_init(lf)))
		goto fail;
	if (f == LOGFILE_PLAIN) {
		lf->out_pos = offset;
	} else if (offset) {
		/* The text before the offset was read by an earlier run. */
		uint8_t *skip = malloc(IN_BYTES);

		if (!skip) {
			rc = err_nomem();
			goto fail;
		}
		while (lf->out_pos < offset && !rc) {
			uint64_t want = offset - lf->out_pos;
			size_t got;

			rc = logfile_read(lf, skip, want < IN_BYTES ? (size_t)want : IN_BYTES, &got);
			if (!rc && got == 0)
				break; /* shorter than the offset: nothing more to read */
		}
		free(skip);
		if (rc)
			goto fail;
	}
	*out = lf;
	return 0;
fail:
	logfile_close(lf);
	return rc;
}

uint64_t logfile_offset(const struct logfile *lf)
{
	return lf->out_pos;
}

bool logfile_truncated(const struct logfile *lf)
{
	return lf->truncated;
}

void logfile_close(struct logfile *lf)
{
	if (!lf)
		return;
	if (lf->started) {
		switch (lf->f) {
		case LOGFILE_GZIP: inflateEnd(&lf->gz); break;
		case LOGFILE_ZSTD: break;
		case LOGFILE_XZ: lzma_end(&lf->xz); break;
		case LOGFILE_BZIP2: BZ2_bzDecompressEnd(&lf->bz); break;
		case LOGFILE_PLAIN: break;
		}
	}
	ZSTD_freeDCtx(lf->zs);
	free(lf->in);
	free(lf);
}

int logfile_head(int fd, const char *path, enum logfile_format f, void *buf,
		 size_t cap, size_t *got)
{
	struct logfile *lf = NULL;
	size_t n = 0, k = 1;
	int rc;

	if ((rc = logfile_open(&lf, fd, path, f, 0)))
		return rc;
	while (n < cap && k && !(rc = logfile_read(lf, (uint8_t *)buf + n, cap - n, &k)))
		n += k;
	logfile_close(lf);
	*got = n;
	return rc;
}

static size_t binary_bytes(const uint8_t *p, size_t n)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];

		bad += (c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' &&
			c != '\r' && c != 0x1b) || c == 0x7f;
	}
	return bad;
}

bool logfile_is_text(const void *buf, size_t len, size_t *nbinary)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	const uint8_t *p = buf;
	size_t bad = 0, i = 0;

	/* Eight bytes at a time: most words of a log hold no byte below 0x20
	 * and no DEL, and only those that do are looked at byte by byte (the
	 * reading thread checks every byte it reads). */
	for (; i + 8 <= len; i += 8) {
		uint64_t x, y;

		memcpy(&x, p + i, 8);
		y = x ^ (ones * 0x7f);
		if ((((x - ones * 0x20) & ~x) | ((y - ones) & ~y)) & highs)
			bad += binary_bytes(p + i, 8);
	}
	bad += binary_bytes(p + i, len - i);
	if (nbinary)
		*nbinary = bad;
	return bad * LOGFILE_BINARY_SHARE <= len;
}
