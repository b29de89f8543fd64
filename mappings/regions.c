#include "regions.h"
#include "../common/buf.h"
#include "../common/datadir.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/fswalk.h"

#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define REGIONS_MAX_BYTES ((size_t)1 << 20)

static bool id_valid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

static int list_path(char *out, size_t cap, const char *jurisdiction)
{
	char sub[128];

	if (!id_valid(jurisdiction) ||
	    snprintf(sub, sizeof(sub), "mappings/regions/%s.txt", jurisdiction) >= (int)sizeof(sub))
		return err_set(ERR_NOTFOUND, "no region list for '%s'", jurisdiction);
	return datadir_path(out, cap, sub);
}

bool regions_known(const char *jurisdiction)
{
	char path[PATH_MAX];
	FILE *f;

	if (list_path(path, sizeof(path), jurisdiction) || !(f = fopen(path, "r")))
		return false;
	fclose(f);
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void regions_list(char *out, size_t cap)
{
	char dir[PATH_MAX], **names;
	size_t n, len, k = 0;

	out[0] = '\0';
	if (datadir_path(dir, sizeof(dir), "mappings/regions") ||
	    fs_scan_suffix(&names, &n, dir, ".txt"))
		return;
	/* The ids without ".txt", in their own order ("eu" before "eu-adequacy"):
	 * at most 32, each under 64 bytes. */
	for (size_t i = 0; i < n; i++)
		names[i][strlen(names[i]) - 4] = '\0';
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n && k < 32; i++) {
		if (strlen(names[i]) >= 64)
			continue;
		k++;
		if ((len = strlen(out)) + strlen(names[i]) + 3 >= cap)
			break;
		snprintf(out + len, cap - len, "%s%s", len ? ", " : "", names[i]);
	}
	fs_names_free(names);
}

bool regions_parse_contains(const char *buf, size_t len, const char *region,
			    char *place, size_t cap)
{
	size_t rl = strlen(region);

	for (size_t i = 0; i < len;) {
		const char *line = buf + i, *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) : len - i, w = 0, p;

		i += ll + 1;
		while (w < ll && line[w] != ' ' && line[w] != '\t' && line[w] != '#' &&
		       line[w] != '\r')
			w++;
		if (w == 0 || w != rl || memcmp(line, region, rl))
			continue;
		for (p = w; p < ll && (line[p] == ' ' || line[p] == '\t'); p++)
			;
		if (place && cap) {
			/* "aws     Mumbai" -> "aws Mumbai": runs of blanks are one space */
			size_t o = 0;

			for (size_t q = p; q < ll && line[q] != '\r' && o + 1 < cap; q++) {
				bool blank = line[q] == ' ' || line[q] == '\t';

				if (!blank || (o && place[o - 1] != ' '))
					place[o++] = blank ? ' ' : line[q];
			}
			while (o && place[o - 1] == ' ')
				o--;
			place[o] = '\0';
		}
		return true;
	}
	return false;
}

int regions_contains(const char *jurisdiction, const char *region, bool *in,
		     char *place, size_t cap)
{
	char path[PATH_MAX];
	struct buf b = BUF_INIT;
	int rc;

	*in = false;
	if ((rc = list_path(path, sizeof(path), jurisdiction)) ||
	    (rc = fs_read_file(&b, path, REGIONS_MAX_BYTES, NULL)))
		return rc;
	*in = regions_parse_contains(b.data ? b.data : "", b.len, region, place, cap);
	buf_free(&b);
	return 0;
}
