#include "datadir.h"
#include "err.h"
#include "fsutil.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef AUDITPACK_DATADIR
#define AUDITPACK_DATADIR "/usr/local/share/auditpack"
#endif

static int is_datadir(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;

	/* Not just any controls/ directory: build trees have one of objects. */
	return !fs_join(p, sizeof(p), dir, "controls/schema/oscal_catalog_schema.xsd") &&
	       stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int datadir(char *out, size_t cap)
{
	const char *env = getenv("AUDITPACK_DATA");
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (env && *env) {
		if (!is_datadir(env))
			return err_set(ERR_NOTFOUND, "AUDITPACK_DATA='%s' holds no controls/", env);
		return snprintf(out, cap, "%s", env) < (int)cap ? 0
			: err_set(ERR_LIMIT, "AUDITPACK_DATA is too long");
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		/* The binary in a build tree (./auditpack, build/san/auditpack), or
		 * installed as PREFIX/bin/auditpack beside PREFIX/share/auditpack. */
		for (int up = 0; up < 3; up++) {
			char share[PATH_MAX];

			if (is_datadir(exe))
				return snprintf(out, cap, "%s", exe) < (int)cap ? 0
					: err_set(ERR_LIMIT, "path too long");
			if (!fs_join(share, sizeof(share), exe, "share/auditpack") &&
			    is_datadir(share))
				return snprintf(out, cap, "%s", share) < (int)cap ? 0
					: err_set(ERR_LIMIT, "path too long");
			if (!(slash = strrchr(exe, '/')))
				break;
			*slash = '\0';
		}
	}
	if (is_datadir(AUDITPACK_DATADIR))
		return snprintf(out, cap, "%s", AUDITPACK_DATADIR) < (int)cap ? 0
			: err_set(ERR_LIMIT, "path too long");
	return err_set(ERR_NOTFOUND, "cannot find auditpack's data (controls/, mappings/): "
		       "set AUDITPACK_DATA or run 'make install'");
}

int datadir_path(char *out, size_t cap, const char *sub)
{
	char dir[PATH_MAX];
	int rc;

	if ((rc = datadir(dir, sizeof(dir))))
		return rc;
	return fs_join(out, cap, dir, sub);
}
