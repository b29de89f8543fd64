/*
 * fuzz_file.h - for targets whose parser takes a path (catalogues, check
 * files, packs): the input is written to one anonymous in-memory file
 * (memfd, so nothing is left behind when a fuzzer is killed) and the
 * parser is given its /proc/self/fd path.
 */
#ifndef AUDITPACK_FUZZ_FILE_H
#define AUDITPACK_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The path of a file now holding data[0..size), or NULL. */
static const char *fuzz_file(const void *data, size_t size)
{
	static char path[64];
	static int fd = -1;
	const char *p = data;

	if (fd < 0) {
		if ((fd = memfd_create("auditpack-fuzz", 0)) < 0)
			return NULL;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0)
		return NULL;
	for (size_t off = 0; off < size;) {
		ssize_t n = pwrite(fd, p + off, size - off, (off_t)off);

		if (n <= 0)
			return NULL;
		off += (size_t)n;
	}
	return path;
}

#endif
