#include "regions.h"
#include "../common/buf.h"
#include "../common/datadir.h"
#include "../common/err.h"
#include "../common/fsutil.h"

#include <dirent.h>
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
	char dir[PATH_MAX], names[32][64];
	const char *sorted[32];
	size_t n = 0, len;
	DIR *d;
	struct dirent *de;

	out[0] = '\0';
	if (datadir_path(dir, sizeof(dir), "mappings/regions") || !(d = opendir(dir)))
		return;
	while ((de = readdir(d)) && n < 32) {
		size_t l = strlen(de->d_name);

		if (l > 4 && l - 4 < sizeof(names[0]) && !strcmp(de->d_name + l - 4, ".txt")) {
			snprintf(names[n], sizeof(names[n]), "%.*s", (int)(l - 4), de->d_name);
			sorted[n] = names[n];
			n++;
		}
	}
	closedir(d);
	qsort(sorted, n, sizeof(sorted[0]), by_name);
	for (size_t i = 0; i < n && (len = strlen(out)) + strlen(sorted[i]) + 3 < cap; i++)
		snprintf(out + len, cap - len, "%s%s", len ? ", " : "", sorted[i]);
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
