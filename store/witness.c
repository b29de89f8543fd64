#include "witness.h"
#include "../common/err.h"
#include "../common/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "<size>.checkpoint" with a canonical decimal size, or false. */
static bool checkpoint_name(const char *name, uint64_t *size)
{
	char *end;

	if (name[0] < '0' || name[0] > '9' || (name[0] == '0' && name[1] != '.'))
		return false;
	errno = 0;
	*size = strtoull(name, &end, 10);
	return errno == 0 && !strcmp(end, ".checkpoint");
}

/* The largest size in dir; *found false when there is none. */
static int largest(const char *dir, uint64_t *size, bool *found)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	uint64_t n;

	*found = false;
	if (!d)
		return err_set(ERR_IO, "cannot read the witness directory '%s': %s", dir,
			       strerror(errno));
	while ((de = readdir(d)))
		if (checkpoint_name(de->d_name, &n) && (!*found || n > *size)) {
			*size = n;
			*found = true;
		}
	closedir(d);
	return 0;
}

static int read_body(const char *path, struct buf *note, struct checkpoint *cp)
{
	struct note n;
	int rc;

	if ((rc = fs_read_file(note, path, NOTE_MAX_LEN, NULL)))
		return rc;
	if (note_parse(&n, note->data ? note->data : "", note->len) ||
	    checkpoint_parse(cp, n.text, n.text_len))
		return err_set(ERR_PARSE, "%s: not a signed checkpoint", path);
	return 0;
}

int witness_check(const char *dir, const struct checkpoint *cp)
{
	char path[PATH_MAX], name[40];
	struct buf note = BUF_INIT;
	struct checkpoint w;
	uint64_t size;
	bool found;
	int rc;

	if ((rc = largest(dir, &size, &found)) || !found)
		return rc;
	if (size > cp->size) {
		rc = err_set(ERR_VERIFY, "the witness '%s' holds a checkpoint of %" PRIu64
			     " entries but the store has only %" PRIu64 ": entries were "
			     "removed; refusing to sign (run 'auditpack verify')", dir, size,
			     cp->size);
		goto out;
	}
	snprintf(name, sizeof(name), "%" PRIu64 ".checkpoint", cp->size);
	if (size < cp->size || (rc = fs_join(path, sizeof(path), dir, name)) ||
	    (rc = read_body(path, &note, &w)))
		goto out;
	if (strcmp(w.origin, cp->origin) || memcmp(w.root, cp->root, MERKLE_HASH))
		rc = err_set(ERR_VERIFY, "the witness checkpoint '%s' has another origin or "
			     "root for %" PRIu64 " entries: the log was rewritten; refusing to "
			     "sign", path, cp->size);
out:
	buf_free(&note);
	return rc;
}

int witness_put(const char *dir, const struct checkpoint *cp, const char *note, size_t len)
{
	char path[PATH_MAX], name[40];
	int rc;

	snprintf(name, sizeof(name), "%" PRIu64 ".checkpoint", cp->size);
	if ((rc = fs_join(path, sizeof(path), dir, name)))
		return rc;
	rc = fs_write_new(path, note, len, 0644);
	if (rc == ERR_EXISTS)
		return witness_check(dir, cp); /* same body: a re-signature, fine */
	return rc ? err_wrap(rc, "witness") : 0;
}

int witness_latest(const char *path, struct buf *note, bool *found)
{
	char file[PATH_MAX], name[40];
	struct checkpoint cp;
	DIR *d;
	uint64_t size;
	int rc;

	if (!(d = opendir(path))) {
		*found = true;
		return fs_read_file(note, path, NOTE_MAX_LEN, NULL);
	}
	closedir(d);
	if ((rc = largest(path, &size, found)) || !*found)
		return rc;
	snprintf(name, sizeof(name), "%" PRIu64 ".checkpoint", size);
	if ((rc = fs_join(file, sizeof(file), path, name)))
		return rc;
	return read_body(file, note, &cp);
}
