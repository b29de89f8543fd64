/*
 * logfile.h - the text of a log file, whatever logrotate did to it.
 *
 * A rotated generation may be compressed (logrotate's `compress`: gzip by
 * default, or zstd, xz, bzip2 through `compresscmd`).  The format is told by
 * the file's first bytes (its magic), never by its name, and the reader
 * gives the decompressed text: raw compressed bytes never reach a payload.
 * Concatenated streams (gzip members, zstd frames, xz streams, bzip2
 * streams) are read one after another, as the command-line tools do.
 * Memory is bounded whatever the input: fixed buffers, and decoders whose
 * window is capped (xz and zstd refuse a stream asking for more than
 * LOGFILE_WINDOW_MAX).
 */
#ifndef AUDITPACK_LOGFILE_H
#define AUDITPACK_LOGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOGFILE_WINDOW_MAX ((uint64_t)64 << 20)

enum logfile_format {
	LOGFILE_PLAIN,
	LOGFILE_GZIP,
	LOGFILE_ZSTD,
	LOGFILE_XZ,
	LOGFILE_BZIP2,
};

/* The format that buf[0..len) (a file's first bytes) announces. */
enum logfile_format logfile_detect(const uint8_t *buf, size_t len);

/* "plain", "gzip", "zstd", "xz" or "bzip2". */
const char *logfile_format_name(enum logfile_format f);

/* The format of the file open on fd (its first bytes, read with pread). */
int logfile_format_of(int fd, const char *path, enum logfile_format *out);

struct logfile;

/*
 * A sequential reader of the text of the file open on fd (borrowed, read
 * with pread, so its file offset is not used), starting at text offset
 * `offset`: a byte offset in a plain file, an offset in the decompressed
 * text of a compressed one (what comes before is decompressed and
 * discarded).  `path` names the file in messages and must outlive the
 * reader.  Free with logfile_close().
 */
int logfile_open(struct logfile **out, int fd, const char *path,
		 enum logfile_format f, uint64_t offset);

/* Up to cap bytes of text into buf; *got == 0 at the end. */
int logfile_read(struct logfile *lf, void *buf, size_t cap, size_t *got);

/* The text offset of the next byte logfile_read() gives. */
uint64_t logfile_offset(const struct logfile *lf);

/* At the end, whether the compressed input stopped inside a stream (the
 * compressor is still writing it): its last text may be cut short.
 * Always false for plain files. */
bool logfile_truncated(const struct logfile *lf);

void logfile_close(struct logfile *lf);

/* The first (up to) cap bytes of the file's text into buf; *got says how
 * many (fewer only when the text is shorter). */
int logfile_head(int fd, const char *path, enum logfile_format f, void *buf,
		 size_t cap, size_t *got);

/*
 * Does buf[0..len) look like text?  False when more than one byte in
 * LOGFILE_BINARY_SHARE is NUL or another control byte that text does not
 * use (all of C0 and DEL except tab, newline, vertical tab, form feed,
 * carriage return and escape).  UTF-8 and other 8-bit encodings are text.
 * Random bytes (compressed or encrypted data of a format not read here) are
 * about one in ten such bytes: far over the line.
 */
#define LOGFILE_BINARY_SHARE 32
bool logfile_is_text(const void *buf, size_t len, size_t *nbinary);

#endif
