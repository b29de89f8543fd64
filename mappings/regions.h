/*
 * regions.h - cloud region lists per jurisdiction (DATADIR/mappings/regions/
 * <id>.txt: one region name per line, then provider and place; '#'
 * comments).  Data, not code: users add regions by editing the files.
 */
#ifndef AUDITPACK_REGIONS_H
#define AUDITPACK_REGIONS_H

#include <stdbool.h>
#include <stddef.h>

/* Is there a list for this jurisdiction id?  (ids: [a-z0-9-]+) */
bool regions_known(const char *jurisdiction);

/* The known jurisdiction ids, comma-separated, into out. */
void regions_list(char *out, size_t cap);

/*
 * Is `region` in the list of `jurisdiction`?  0 and *in set, or ERR_IO /
 * ERR_NOTFOUND when the list cannot be read.  `place` (may be NULL, cap
 * bytes) receives the rest of the region's line ("aws Mumbai").
 */
int regions_contains(const char *jurisdiction, const char *region, bool *in,
		     char *place, size_t cap);

/* Is `region` listed in buf (a list file's bytes)?  For tests and fuzzing. */
bool regions_parse_contains(const char *buf, size_t len, const char *region,
			    char *place, size_t cap);

#endif
