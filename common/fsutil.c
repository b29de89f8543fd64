#include "fsutil.h"
#include "encode.h"
#include "err.h"
#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One read(2), retried when a signal interrupts it; *got is 0 at the end. */
static int read_some(int fd, void *p, size_t want, const char *path, size_t *got)
{
	ssize_t n;

	do
		n = read(fd, p, want);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(ERR_IO, "cannot read '%s': %s", path, strerror(errno));
	*got = (size_t)n;
	return 0;
}

int fs_read_file(struct buf *out, const char *path, size_t cap, struct stat *stp)
{
	struct stat st;
	int fd, rc = 0;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer before fstat()
	 * can refuse it; it has no effect on reading a regular file. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return err_set(ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = err_set(ERR_IO, "cannot stat '%s': %s", path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = err_set(ERR_IO, "'%s' is a directory, expected a file", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = err_set(ERR_IO, "'%s' is not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > cap) {
		rc = err_set(ERR_LIMIT, "'%s' is %lld bytes, over the %zu-byte limit",
			     path, (long long)st.st_size, cap);
		goto out;
	}
	if ((rc = buf_grow(out, (size_t)st.st_size)))
		goto out;
	for (;;) {
		size_t n, want;

		if ((rc = buf_grow(out, 65536)))
			goto out;
		want = out->cap - out->len - 1;
		if ((rc = read_some(fd, out->data + out->len, want, path, &n)))
			goto out;
		if (n == 0)
			break;
		out->len += n;
		if (out->len > cap) {
			rc = err_set(ERR_LIMIT, "'%s' grew past the %zu-byte limit", path, cap);
			goto out;
		}
		/* A regular file reads short only at its end: no second read
		 * to see 0 (collect file of many small files). */
		if (n < want)
			break;
	}
	out->data[out->len] = '\0';
	if (stp)
		*stp = st;
out:
	close(fd);
	return rc;
}

int fs_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(ERR_IO, "write failed: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_fd(int fd, const char *path, const void *data, size_t len)
{
	if (fs_write_all(fd, data, len) || fsync(fd) < 0) {
		int e = errno;

		close(fd);
		return err_set(ERR_IO, "cannot write '%s': %s", path, strerror(e));
	}
	if (close(fd) < 0)
		return err_set(ERR_IO, "cannot close '%s': %s", path, strerror(errno));
	return 0;
}

int fs_write_new(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

	if (fd < 0 && errno == EEXIST)
		return err_set(ERR_EXISTS, "'%s' already exists", path);
	if (fd < 0)
		return err_set(ERR_IO, "cannot create '%s': %s", path, strerror(errno));
	return write_fd(fd, path, data, len);
}

int fs_write_replace(const char *path, const void *data, size_t len, mode_t mode)
{
	char tmp[4096];
	int fd, rc;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return err_set(ERR_LIMIT, "path too long: '%s'", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return err_set(ERR_IO, "cannot create '%s': %s", tmp, strerror(errno));
	if ((rc = write_fd(fd, tmp, data, len))) {
		unlink(tmp);
		return rc;
	}
	if (rename(tmp, path) < 0) {
		rc = err_set(ERR_IO, "cannot rename '%s' to '%s': %s", tmp, path,
			     strerror(errno));
		unlink(tmp);
		return rc;
	}
	return 0;
}

int fs_join(char *out, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= cap)
		return err_set(ERR_LIMIT, "path too long: '%s/%s'", dir, name);
	return 0;
}

int fs_join_alloc(char **out, const char *dir, const char *name)
{
	struct buf b = BUF_INIT;
	int rc = buf_printf(&b, "%s/%s", dir, name);

	*out = rc ? NULL : buf_detach(&b, NULL);
	buf_free(&b);
	return rc;
}

int fs_read_full(int fd, void *p, size_t n, size_t *got, const char *path)
{
	char *c = p;

	*got = 0;
	while (*got < n) {
		size_t k;
		int rc = read_some(fd, c + *got, n - *got, path, &k);

		if (rc)
			return rc;
		if (k == 0)
			break;
		*got += k;
	}
	return 0;
}

#define FS_HASH_CHUNK ((size_t)1 << 20)

int fs_hash_file(char hex[HEX_LEN(SHA256_LEN)], struct stat *st, const char *path)
{
	struct sha256_ctx *h = NULL;
	uint8_t digest[SHA256_LEN];
	char *chunk = NULL;
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return err_set(ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		rc = err_set(ERR_IO, "'%s' is not a readable regular file", path);
		goto out;
	}
	if (!(chunk = malloc(FS_HASH_CHUNK))) {
		rc = err_nomem();
		goto out;
	}
	if ((rc = sha256_new(&h)))
		goto out;
	for (;;) {
		size_t n;

		if ((rc = read_some(fd, chunk, FS_HASH_CHUNK, path, &n)))
			goto out;
		if (n == 0)
			break;
		if ((rc = sha256_update(h, chunk, n)))
			goto out;
	}
	rc = sha256_final(h, digest);
	h = NULL;
	if (!rc)
		hex_encode(hex, digest, SHA256_LEN);
out:
	sha256_free(h);
	free(chunk);
	close(fd);
	return rc;
}
