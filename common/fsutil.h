/*
 * fsutil.h - file helpers with size caps and safe creation modes.
 */
#ifndef AUDITPACK_FSUTIL_H
#define AUDITPACK_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "buf.h"

/* Read a whole regular file into `out` (appending).  Refuses directories,
 * devices and files larger than `cap` bytes.  `st` (may be NULL) receives
 * the file's status as opened.  0, ERR_IO or ERR_LIMIT. */
int fs_read_file(struct buf *out, const char *path, size_t cap, struct stat *st);

/* Create `path` exclusively (O_EXCL|O_NOFOLLOW) with `mode`, write all of
 * data, fsync.  Fails with ERR_EXISTS if it is already there. */
int fs_write_new(const char *path, const void *data, size_t len, mode_t mode);

/* Replace `path` atomically: write a temporary file beside it with `mode`,
 * fsync, rename over. */
int fs_write_replace(const char *path, const void *data, size_t len, mode_t mode);

/* Read up to n bytes from fd into p, retrying short and interrupted
 * reads; *got says how many (less than n only at end of file).  `path`
 * names the file in the message.  0 or ERR_IO. */
int fs_read_full(int fd, void *p, size_t n, size_t *got, const char *path);

/* The SHA-256 of the regular file at path, streamed (any size), as hex;
 * *st receives its status as opened.  0, ERR_IO (not a readable regular
 * file), ERR_CRYPTO or ERR_NOMEM. */
int fs_hash_file(char hex[65], struct stat *st, const char *path);

/* Write to a FILE-like fd until done, retrying short writes. */
int fs_write_all(int fd, const void *data, size_t len);

/* The one path join: dir + "/" + name.  fs_join writes into out (cap
 * bytes; ERR_LIMIT when too long), fs_join_alloc into a new string
 * (*out, free() it; ERR_NOMEM). */
int fs_join(char *out, size_t cap, const char *dir, const char *name);
int fs_join_alloc(char **out, const char *dir, const char *name);

#endif
