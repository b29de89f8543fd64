/*
 * Fuzz target: the reader of rotated log files (collectors/logfile.h):
 * format detection by magic, and gzip, zstd, xz and bzip2 decompression of
 * concatenated streams, from a text offset.  The first byte picks the
 * starting offset (0..255); the rest is the file.  The text read must come
 * out in order: the offsets add up, and reading stops.  Seeds (each format,
 * two streams concatenated, a stream cut short) and regression inputs:
 * tests/fuzz/corpus/logfile/.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../collectors/logfile.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/fuzz/driver.c: mutations per `make test` run. */
const long fuzz_driver_iterations = 50000;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[4096];
	enum logfile_format f;
	struct logfile *lf = NULL;
	const char *path;
	uint64_t start, total = 0;
	size_t got, nbin;
	int fd;

	if (size < 1)
		return 0;
	start = data[0];
	if (!(path = fuzz_file(data + 1, size - 1)) || (fd = open(path, O_RDONLY)) < 0)
		abort();
	if (logfile_format_of(fd, path, &f) == 0 && logfile_open(&lf, fd, path, f, start) == 0) {
		/* Plain text is at most the input; decompressed text is capped
		 * here so a small bomb does not stall the fuzzer. */
		while (total < ((uint64_t)64 << 20) && logfile_read(lf, text, sizeof(text), &got) == 0 && got) {
			if (got > sizeof(text))
				abort();
			logfile_is_text(text, got, &nbin);
			total += got;
			if (logfile_offset(lf) != start + total)
				abort();
		}
		if (f == LOGFILE_PLAIN && logfile_truncated(lf))
			abort();
		logfile_close(lf);
	}
	logfile_head(fd, path, f, text, sizeof(text), &got);
	close(fd);
	return 0;
}
