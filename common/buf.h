/*
 * buf.h - a growable byte buffer, always NUL-terminated (git's strbuf).
 *
 * A zeroed struct buf is a valid empty buffer.  `data` may move on any call
 * that appends; do not keep pointers into it across appends.  buf_free()
 * releases the memory and leaves an empty buffer; buf_detach() hands the
 * memory to the caller (free() it).
 */
#ifndef AUDITPACK_BUF_H
#define AUDITPACK_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* Make room for `extra` more bytes.  0 or ERR_NOMEM. */
int buf_grow(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
char *buf_detach(struct buf *b, size_t *len_out);

#endif
