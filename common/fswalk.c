#include "fswalk.h"
#include "buf.h"
#include "err.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void fs_names_free(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

/* The names in dir except "." and "..", NULL-terminated, unsorted, read
 * and closed before the walk goes deeper. */
static int read_names(const char *dir, char ***out, size_t *n)
{
	size_t cap = 0;
	struct dirent *de;
	char **v = NULL, **grown;
	DIR *d = opendir(dir);
	int rc = 0;

	*n = 0;
	*out = NULL;
	if (!d)
		return err_set(ERR_IO, "cannot open directory '%s': %s", dir, strerror(errno));
	for (errno = 0; !rc && (de = readdir(d)); errno = 0) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n + 1 >= cap) {
			cap = cap ? cap * 2 : 32;
			if (!(grown = reallocarray(v, cap, sizeof(*v)))) {
				rc = err_nomem();
				break;
			}
			v = grown;
		}
		if (!(v[*n] = strdup(de->d_name)))
			rc = err_nomem();
		else
			v[++*n] = NULL;
	}
	if (!rc && errno)
		rc = err_set(ERR_IO, "cannot read directory '%s': %s", dir, strerror(errno));
	closedir(d);
	if (rc) {
		fs_names_free(v);
		*n = 0;
		return rc;
	}
	if (!v && !(v = calloc(1, sizeof(*v))))
		return err_nomem();
	*out = v;
	return 0;
}

static bool is_vcs(const char *name)
{
	return !strcmp(name, ".git") || !strcmp(name, ".hg") || !strcmp(name, ".svn");
}

struct walker {
	fs_walk_fn fn;
	void *arg;
	unsigned max_depth;
	struct buf path; /* root + "/" + rel of the directory being read */
	size_t root_len; /* bytes of path that are the root and its "/" */
};

static int walk_dir(struct walker *w, unsigned depth);

static int visit(struct walker *w, const char *name, unsigned depth)
{
	struct fs_walk_entry e = { 0 };
	size_t save = w->path.len;
	int rc;

	if ((rc = buf_puts(&w->path, name)))
		return rc;
	e.path = w->path.data;
	e.rel = w->path.data + w->root_len;
	e.name = name;
	e.depth = depth;
	if (lstat(e.path, &e.st) < 0) {
		rc = err_set(ERR_IO, "cannot stat '%s': %s", e.path, strerror(errno));
	} else if (S_ISLNK(e.st.st_mode)) {
		e.kind = FS_WALK_LINK;
		if (stat(e.path, &e.target_st) < 0)
			e.target = FS_TARGET_NONE;
		else
			e.target = S_ISREG(e.target_st.st_mode) ? FS_TARGET_FILE : FS_TARGET_OTHER;
		rc = w->fn(w->arg, &e);
	} else if (S_ISDIR(e.st.st_mode)) {
		e.kind = is_vcs(name) ? FS_WALK_VCS : FS_WALK_DIR;
		rc = w->fn(w->arg, &e);
		if (rc == FS_WALK_PRUNE)
			rc = 0;
		else if (!rc && e.kind == FS_WALK_DIR)
			rc = walk_dir(w, depth + 1);
	} else {
		e.kind = S_ISREG(e.st.st_mode) ? FS_WALK_FILE : FS_WALK_OTHER;
		rc = w->fn(w->arg, &e);
	}
	w->path.len = save;
	w->path.data[save] = '\0';
	return rc > 0 ? 0 : rc;
}

static int walk_dir(struct walker *w, unsigned depth)
{
	char **names = NULL;
	size_t n, save = w->path.len;
	int rc;

	if (depth > w->max_depth)
		return err_set(ERR_LIMIT, "'%s': directories nested deeper than %u levels",
			       w->path.data, w->max_depth);
	if ((rc = read_names(w->path.data, &names, &n)))
		return rc;
	if (save && w->path.data[save - 1] != '/')
		rc = buf_append(&w->path, "/", 1);
	if (!rc)
		for (size_t i = 0; !rc && i < n; i++)
			rc = visit(w, names[i], depth);
	w->path.len = save;
	w->path.data[save] = '\0';
	fs_names_free(names);
	return rc;
}

int fs_walk(const char *root, unsigned max_depth, fs_walk_fn fn, void *arg)
{
	struct walker w = { fn, arg, max_depth, BUF_INIT, 0 };
	size_t n = strlen(root);
	int rc;

	if (!n)
		return err_set(ERR_IO, "cannot open directory '': empty path");
	/* "dir/" walks as "dir": no "dir//name" in the paths. */
	while (n > 1 && root[n - 1] == '/')
		n--;
	w.root_len = n + (root[n - 1] == '/' ? 0 : 1);
	if (!(rc = buf_append(&w.path, root, n)))
		rc = walk_dir(&w, 0);
	buf_free(&w.path);
	return rc;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int fs_scan_suffix(char ***out, size_t *n, const char *dir, const char *suffix)
{
	size_t all, k = 0, sl = strlen(suffix);
	char **names;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = read_names(dir, &names, &all)))
		return rc;
	for (size_t i = 0; i < all; i++) {
		size_t len = strlen(names[i]);

		if (len > sl && !strcmp(names[i] + len - sl, suffix))
			names[k++] = names[i];
		else
			free(names[i]);
	}
	names[k] = NULL;
	qsort(names, k, sizeof(*names), name_cmp);
	*out = names;
	*n = k;
	return 0;
}
