/* accesslog_rotation.c - cursors and the plan of a run across rotation;
 * see accesslog.h and accesslog_internal.h. */

#include "accesslog_internal.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/json.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- cursors ---- */

static struct cursor *cursor_find(struct cursors *cs, uint64_t dev, uint64_t ino)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].dev == dev && cs->v[i].ino == ino)
			return &cs->v[i];
	return NULL;
}

static struct cursor *cursor_add(struct cursors *cs, uint64_t dev, uint64_t ino,
				 const char *path)
{
	struct cursor *c;

	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 16;

		if (!(c = realloc(cs->v, cap * sizeof(*c))))
			return NULL;
		cs->v = c;
		cs->cap = cap;
	}
	c = &cs->v[cs->n++];
	memset(c, 0, sizeof(*c));
	c->dev = dev;
	c->ino = ino;
	snprintf(c->key, sizeof(c->key), "%" PRIu64 ":%" PRIu64, dev, ino);
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->dirty = true;
	return c;
}

/*
 * Plans hold pointers into the cursor array, so it must not move while a
 * run is planned: make room for every file of the run (and a copy of each),
 * and a compressed copy of each tracked file, before planning starts.
 */
int accesslog_cursors_reserve(struct cursors *cs, size_t extra)
{
	struct cursor *c;

	if (cs->cap >= cs->n + extra)
		return 0;
	if (!(c = realloc(cs->v, (cs->n + extra) * sizeof(*c))))
		return err_nomem();
	cs->v = c;
	cs->cap = cs->n + extra;
	return 0;
}

int accesslog_cursor_load(const char *key, const char *state, void *arg)
{
	struct cursors *cs = arg;
	json_t *j = json_loads(state, 0, NULL);
	const char *path = json_string_value(json_object_get(j, "path"));
	const char *head = json_string_value(json_object_get(j, "head"));
	struct cursor *c;
	uint64_t dev, ino;

	if (!j || !path || !head ||
	    sscanf(key, "%" SCNu64 ":%" SCNu64, &dev, &ino) != 2 ||
	    !(c = cursor_add(cs, dev, ino, path))) {
		json_decref(j);
		return err_set(ERR_DB, "access-log cursor '%s' is damaged", key);
	}
	c->dirty = false;
	c->head_len = (size_t)json_integer_value(json_object_get(j, "head_len"));
	c->offset = (uint64_t)json_integer_value(json_object_get(j, "offset"));
	c->line = (uint64_t)json_integer_value(json_object_get(j, "line"));
	if (json_object_get(j, "format")) {
		const char *fmt = json_string_value(json_object_get(j, "format"));

		for (int f = LOGFILE_GZIP; f <= LOGFILE_BZIP2 && fmt; f++)
			if (!strcmp(fmt, logfile_format_name((enum logfile_format)f)))
				c->format = (enum logfile_format)f;
		c->done = json_is_true(json_object_get(j, "done"));
		c->csize = (uint64_t)json_integer_value(json_object_get(j, "csize"));
		c->cmtime_ns = (int64_t)json_integer_value(json_object_get(j, "mtime_ns"));
	}
	if (hex_decode(c->head, SHA256_LEN, head, strlen(head)) || c->head_len > HEAD_BYTES) {
		json_decref(j);
		return err_set(ERR_DB, "access-log cursor '%s' is damaged", key);
	}
	c->loaded = true;
	memcpy(c->was.head, c->head, SHA256_LEN);
	c->was.head_len = c->head_len;
	c->was.offset = c->offset;
	c->was.line = c->line;
	json_decref(j);
	return 0;
}

int accesslog_cursor_save(struct collect_ctx *cx, const char *source, const struct cursor *c)
{
	char head[HEX_LEN(SHA256_LEN)];
	struct buf b = BUF_INIT;
	json_t *j;
	int rc;

	hex_encode(head, c->head, SHA256_LEN);
	j = json_pack("{s:s, s:s, s:I, s:I, s:I}", "path", c->path, "head", head,
		      "head_len", (json_int_t)c->head_len, "offset", (json_int_t)c->offset,
		      "line", (json_int_t)c->line);
	if (j && c->format != LOGFILE_PLAIN &&
	    (json_object_set_new(j, "format", json_string(logfile_format_name(c->format))) ||
	     json_object_set_new(j, "done", json_boolean(c->done)) ||
	     json_object_set_new(j, "csize", json_integer((json_int_t)c->csize)) ||
	     json_object_set_new(j, "mtime_ns", json_integer((json_int_t)c->cmtime_ns)))) {
		json_decref(j);
		j = NULL;
	}
	if (!j)
		return err_nomem();
	rc = json_stable(&b, j);
	json_decref(j);
	if (!rc)
		rc = store_cursor_put(cx->store, source, c->key, b.data, b.len);
	buf_free(&b);
	return rc;
}

/* Learn the format and first text bytes of f (fd and st set). */
static int file_probe(struct file *f, const char *path)
{
	int rc;

	if ((rc = logfile_format_of(f->fd, path, &f->format)))
		return rc;
	return logfile_head(f->fd, path, f->format, f->head, HEAD_BYTES, &f->head_n);
}

/* Does f's text start with the head_len bytes whose digest is head? */
static bool same_head(const struct file *f, const uint8_t head[SHA256_LEN], size_t head_len)
{
	uint8_t h[SHA256_LEN];

	if (f->head_n < head_len)
		return false;
	if (head_len == 0)
		return true;
	return sha256(h, f->head, head_len) == 0 && !memcmp(h, head, SHA256_LEN);
}

/* Does f's text start with the bytes a cursor's head digest covers? */
static bool same_start(const struct file *f, const struct cursor *cur)
{
	return same_head(f, cur->head, cur->head_len);
}

/* cur now reads the file at path from where `from` stood. */
static void cursor_continue(struct cursor *cur, const struct cursor_state *from,
			    const char *path)
{
	snprintf(cur->path, sizeof(cur->path), "%s", path);
	memcpy(cur->head, from->head, SHA256_LEN);
	cur->head_len = from->head_len;
	cur->offset = from->offset;
	cur->line = from->line;
	cur->done = false;
	cur->seen = cur->dirty = true;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Open every path and glob match; duplicates (same inode) once. */
int accesslog_open_files(const struct accesslog_opts *o, struct file **out, size_t *n)
{
	struct file *v = NULL, *nv;
	size_t cnt = 0;
	int rc = 0;

	for (size_t i = 0; i < o->npaths && !rc; i++) {
		glob_t g;
		int gr = glob(o->paths[i], GLOB_ERR, NULL, &g);

		if (gr == GLOB_NOMATCH) {
			globfree(&g);
			if (o->optional)
				continue; /* the source says it may match nothing yet */
			if (has_glob(o->paths[i]))
				rc = err_set(ERR_IO, "'%s' matches no file (a typo? a source that "
					     "may match nothing yet says 'optional: true')", o->paths[i]);
			else
				rc = err_set(ERR_IO, "cannot open '%s': %s", o->paths[i],
					     strerror(ENOENT));
			break;
		}
		if (gr) {
			globfree(&g);
			rc = err_set(ERR_IO, "cannot expand '%s'", o->paths[i]);
			break;
		}
		for (size_t k = 0; k < g.gl_pathc && !rc; k++) {
			struct file f = { .path = NULL, .fd = -1 };
			bool dup = false;

			f.fd = open(g.gl_pathv[k], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
			if (f.fd < 0) {
				rc = err_set(ERR_IO, "cannot open '%s': %s", g.gl_pathv[k],
					     strerror(errno));
				break;
			}
			if (fstat(f.fd, &f.st) < 0 || !S_ISREG(f.st.st_mode)) {
				rc = err_set(ERR_IO, S_ISDIR(f.st.st_mode) ?
					     "'%s' is a directory, expected a log file" :
					     "'%s' is not a regular file", g.gl_pathv[k]);
				close(f.fd);
				break;
			}
			if ((rc = file_probe(&f, g.gl_pathv[k]))) {
				close(f.fd);
				break;
			}
			for (size_t j = 0; j < cnt; j++)
				dup |= v[j].st.st_dev == f.st.st_dev && v[j].st.st_ino == f.st.st_ino;
			if (dup || !(f.path = strdup(g.gl_pathv[k]))) {
				close(f.fd);
				if (!dup)
					rc = err_nomem();
				continue;
			}
			if (!(nv = realloc(v, (cnt + 1) * sizeof(*v)))) {
				free(f.path);
				close(f.fd);
				rc = err_nomem();
				break;
			}
			v = nv;
			v[cnt++] = f;
		}
		globfree(&g);
	}
	*out = v;
	*n = cnt;
	return rc;
}

/* Oldest first, so rotated generations are read in the order written. */
static int by_mtime(const void *a, const void *b)
{
	const struct file *x = a, *y = b;

	if (x->st.st_mtim.tv_sec != y->st.st_mtim.tv_sec)
		return x->st.st_mtim.tv_sec < y->st.st_mtim.tv_sec ? -1 : 1;
	if (x->st.st_mtim.tv_nsec != y->st.st_mtim.tv_nsec)
		return x->st.st_mtim.tv_nsec < y->st.st_mtim.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

void accesslog_close_files(struct file *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		close(v[i].fd);
		free(v[i].path);
	}
	free(v);
}

static int plan_add(struct plan *p, const struct file *f, bool own_fd,
		    struct cursor *cur, bool to_eof)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct task *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return err_nomem();
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n].f = *f;
	p->v[p->n].own_fd = own_fd;
	p->v[p->n].cur = cur;
	p->v[p->n].to_eof = to_eof;
	p->n++;
	return 0;
}

static int task_by_mtime(const void *a, const void *b)
{
	return by_mtime(&((const struct task *)a)->f, &((const struct task *)b)->f);
}

static void dir_of(char *out, size_t cap, const char *path)
{
	char *slash;

	snprintf(out, cap, "%s", path);
	if ((slash = strrchr(out, '/')))
		*slash = '\0';
	else
		snprintf(out, cap, ".");
}

/* Is this inode one the run already reads as a continuing file? */
static bool is_continuing(const struct plan *p, uint64_t dev, uint64_t ino)
{
	for (size_t i = 0; i < p->n; i++)
		if ((uint64_t)p->v[i].f.st.st_dev == dev && (uint64_t)p->v[i].f.st.st_ino == ino)
			return true;
	return false;
}

/*
 * A tracked file no longer starts with what it started with: truncated in
 * place (copy-truncate) or a reused inode.  Look beside it for the copy: a
 * file with the old first bytes and at least the old offset.  Its unread
 * tail is the rest of the old file; it becomes the copy's cursor (replacing
 * any stale cursor the copy's inode had).  *claimed receives the copy's
 * inode so the run does not read it again.
 */
static int find_copy(struct plan *p, struct cursors *cs, struct cursor *old,
		     uint64_t *claimed_dev, uint64_t *claimed_ino)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	*claimed_ino = 0;
	if (!old->loaded)
		return 0;
	dir_of(dir, sizeof(dir), old->path);
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		struct file f = { .path = NULL, .fd = -1 };
		struct cursor *cp;
		char path[PATH_MAX];

		if (fs_join(path, sizeof(path), dir, de->d_name) ||
		    (f.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
			continue;
		if (fstat(f.fd, &f.st) < 0 || !S_ISREG(f.st.st_mode) ||
		    ((uint64_t)f.st.st_dev == old->dev && (uint64_t)f.st.st_ino == old->ino) ||
		    is_continuing(p, (uint64_t)f.st.st_dev, (uint64_t)f.st.st_ino) ||
		    file_probe(&f, path) ||
		    (f.format == LOGFILE_PLAIN && (uint64_t)f.st.st_size < old->was.offset) ||
		    !same_head(&f, old->was.head, old->was.head_len)) {
			close(f.fd);
			continue;
		}
		cp = cursor_find(cs, (uint64_t)f.st.st_dev, (uint64_t)f.st.st_ino);
		if (!cp && !(cp = cursor_add(cs, (uint64_t)f.st.st_dev, (uint64_t)f.st.st_ino, path))) {
			close(f.fd);
			rc = err_nomem();
			break;
		}
		cursor_continue(cp, &old->was, path);
		old->taken = true;
		if (!(f.path = strdup(path)) || (rc = plan_add(p, &f, true, cp, true))) {
			free(f.path);
			close(f.fd);
			rc = rc ? rc : err_nomem();
			break;
		}
		*claimed_dev = (uint64_t)f.st.st_dev;
		*claimed_ino = (uint64_t)f.st.st_ino;
		break;
	}
	closedir(d);
	return rc;
}

/* A tracked inode no current path names: renamed out of the globs.  Find
 * it in its directory to read what was added since; forget it once gone. */
static int find_renamed(struct plan *p, struct cursor *cur)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	dir_of(dir, sizeof(dir), cur->path);
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		struct file f = { .path = NULL, .fd = -1 };

		if ((uint64_t)de->d_ino != cur->ino ||
		    fs_join(path, sizeof(path), dir, de->d_name) ||
		    (f.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
			continue;
		if (fstat(f.fd, &f.st) == 0 && S_ISREG(f.st.st_mode) &&
		    (uint64_t)f.st.st_dev == cur->dev && !file_probe(&f, path) &&
		    f.format == cur->format &&
		    (f.format != LOGFILE_PLAIN || (uint64_t)f.st.st_size >= cur->offset) &&
		    same_start(&f, cur) && (f.path = strdup(path))) {
			cur->seen = cur->dirty = cur->alive = true;
			snprintf(cur->path, sizeof(cur->path), "%s", path);
			if ((rc = plan_add(p, &f, true, cur, false))) {
				free(f.path);
				close(f.fd);
			}
		} else {
			close(f.fd);
		}
		break;
	}
	closedir(d);
	return rc;
}

/*
 * A compressed generation with no cursor of its own: find the cursor of the
 * file it was compressed from (the same first text bytes) and continue that
 * cursor's offset in the decompressed text, so an unread tail is read and
 * nothing is read twice.  While that file is still read this run (the
 * compressor has not removed it yet), or another copy continues it, the
 * compressed copy is left for a later run (*claimed, no task).  No match:
 * *claimed stays false and the caller reads it from its start, once.
 */
static int match_compressed(struct plan *p, struct cursors *cs, struct file *f,
			    bool *claimed)
{
	struct cursor *from = NULL, *cur;

	for (size_t i = 0; i < cs->n; i++) {
		struct cursor *c = &cs->v[i];

		/* (The cursor at f's own inode too: a file deleted, its inode
		 * number reused for its compressed copy.) */
		if (!c->loaded || c->was.head_len == 0 ||
		    !same_head(f, c->was.head, c->was.head_len))
			continue;
		/* That file is read this run, itself or through another copy:
		 * f holds nothing more. */
		if (c->alive || c->taken) {
			*claimed = true;
			return 0;
		}
		if (!from || c->was.offset > from->was.offset)
			from = c;
	}
	if (!from)
		return 0;
	cur = cursor_find(cs, (uint64_t)f->st.st_dev, (uint64_t)f->st.st_ino);
	if (!cur && !(cur = cursor_add(cs, (uint64_t)f->st.st_dev, (uint64_t)f->st.st_ino,
				       f->path)))
		return err_nomem();
	from->taken = true;
	cursor_continue(cur, &from->was, f->path);
	cur->format = f->format;
	*claimed = true;
	return plan_add(p, f, false, cur, true);
}

static bool in_files(const struct file *files, size_t n, const struct stat *st)
{
	for (size_t k = 0; k < n; k++)
		if (files[k].st.st_dev == st->st_dev && files[k].st.st_ino == st->st_ino)
			return true;
	return false;
}

/*
 * A tracked file gone from its directory, with no compressed generation in
 * the paths continuing it: `compress` without `delaycompress` and paths
 * without the glob.  Its compressed copy beside it (same first text bytes)
 * supplies the unread tail, once.
 */
static int find_compressed(struct plan *p, struct cursors *cs, struct cursor *old,
			   const struct file *files, size_t nfiles)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	int rc = 0;
	DIR *d;

	dir_of(dir, sizeof(dir), old->path);
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d)) && !rc) {
		struct file f = { .path = NULL, .fd = -1 };
		struct cursor *cur;

		if (fs_join(path, sizeof(path), dir, de->d_name) ||
		    (f.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
			continue;
		if (fstat(f.fd, &f.st) < 0 || !S_ISREG(f.st.st_mode) ||
		    in_files(files, nfiles, &f.st) ||
		    is_continuing(p, (uint64_t)f.st.st_dev, (uint64_t)f.st.st_ino) ||
		    logfile_format_of(f.fd, path, &f.format) || f.format == LOGFILE_PLAIN ||
		    file_probe(&f, path) || !same_head(&f, old->was.head, old->was.head_len)) {
			close(f.fd);
			continue;
		}
		cur = cursor_find(cs, (uint64_t)f.st.st_dev, (uint64_t)f.st.st_ino);
		if ((!cur && !(cur = cursor_add(cs, (uint64_t)f.st.st_dev, (uint64_t)f.st.st_ino,
						path))) || !(f.path = strdup(path))) {
			close(f.fd);
			rc = err_nomem();
			break;
		}
		old->taken = true;
		cursor_continue(cur, &old->was, path);
		cur->format = f.format;
		if ((rc = plan_add(p, &f, true, cur, true))) {
			free(f.path);
			close(f.fd);
		}
		break;
	}
	closedir(d);
	return rc;
}

int accesslog_make_plan(struct plan *p, struct cursors *cs, struct file *files,
		     size_t nfiles, bool complete)
{
	bool *mismatch = calloc(nfiles + 1, sizeof(*mismatch));
	bool *claimed = calloc(nfiles + 1, sizeof(*claimed));
	int rc = 0;

	if (!mismatch || !claimed) {
		rc = err_nomem();
		goto out;
	}
	/* Files that simply continue where their cursor stopped. */
	for (size_t k = 0; k < nfiles && !rc; k++) {
		struct file *f = &files[k];
		struct cursor *cur = cursor_find(cs, (uint64_t)f->st.st_dev, (uint64_t)f->st.st_ino);

		if (!cur)
			continue;
		if ((f->format != LOGFILE_PLAIN || (uint64_t)f->st.st_size >= cur->offset) &&
		    f->format == cur->format && same_start(f, cur)) {
			cur->seen = cur->alive = true;
			if (strcmp(cur->path, f->path)) {
				snprintf(cur->path, sizeof(cur->path), "%s", f->path);
				cur->dirty = true;
			}
			rc = plan_add(p, f, false, cur, complete || f->format != LOGFILE_PLAIN);
		} else {
			mismatch[k] = true;
		}
	}
	/* Inodes renamed out of the paths. */
	for (size_t i = 0; i < cs->n && !rc; i++) {
		bool current = false;

		for (size_t k = 0; k < nfiles; k++)
			current |= (uint64_t)files[k].st.st_dev == cs->v[i].dev &&
				   (uint64_t)files[k].st.st_ino == cs->v[i].ino;
		if (!current && !cs->v[i].seen)
			rc = find_renamed(p, &cs->v[i]);
	}
	/* Truncated in place: claim each one's copy before anything is taken
	 * for a new file (a copy may sit on a reused inode with a stale cursor). */
	for (size_t k = 0; k < nfiles && !rc; k++) {
		struct cursor *cur;
		uint64_t dev, ino;

		if (!mismatch[k] || claimed[k] || files[k].format != LOGFILE_PLAIN)
			continue;
		cur = cursor_find(cs, (uint64_t)files[k].st.st_dev, (uint64_t)files[k].st.st_ino);
		if ((rc = find_copy(p, cs, cur, &dev, &ino)) || !ino)
			continue;
		for (size_t j = 0; j < nfiles; j++)
			if ((uint64_t)files[j].st.st_dev == dev && (uint64_t)files[j].st.st_ino == ino)
				claimed[j] = true;
	}
	/* Compressed generations continue the cursor of the file they were
	 * compressed from. */
	for (size_t k = 0; k < nfiles && !rc; k++)
		if (!claimed[k] && files[k].format != LOGFILE_PLAIN &&
		    (mismatch[k] || !cursor_find(cs, (uint64_t)files[k].st.st_dev,
						 (uint64_t)files[k].st.st_ino)))
			rc = match_compressed(p, cs, &files[k], &claimed[k]);
	for (size_t i = 0, n = cs->n; i < n && !rc; i++)
		if (cs->v[i].loaded && !cs->v[i].alive && !cs->v[i].taken && cs->v[i].was.head_len)
			rc = find_compressed(p, cs, &cs->v[i], files, nfiles);
	/* What is left is read from its start: a truncated file's new content,
	 * a reused inode, or a new file (a compressed one read once, whole). */
	for (size_t k = 0; k < nfiles && !rc; k++) {
		struct file *f = &files[k];
		struct cursor *cur;

		if (claimed[k] || (!mismatch[k] &&
				   cursor_find(cs, (uint64_t)f->st.st_dev, (uint64_t)f->st.st_ino)))
			continue;
		cur = cursor_find(cs, (uint64_t)f->st.st_dev, (uint64_t)f->st.st_ino);
		if (!cur && !(cur = cursor_add(cs, (uint64_t)f->st.st_dev,
					       (uint64_t)f->st.st_ino, f->path))) {
			rc = err_nomem();
			break;
		}
		snprintf(cur->path, sizeof(cur->path), "%s", f->path);
		cur->offset = cur->line = 0;
		cur->head_len = 0;
		cur->seen = cur->dirty = true;
		cur->format = f->format;
		cur->done = false;
		rc = plan_add(p, f, false, cur, complete || f->format != LOGFILE_PLAIN);
	}
	if (!rc && p->n > 1)
		qsort(p->v, p->n, sizeof(*p->v), task_by_mtime);
out:
	free(mismatch);
	free(claimed);
	return rc;
}

void accesslog_plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].own_fd) {
			close(p->v[i].f.fd);
			free(p->v[i].f.path);
		}
	free(p->v);
}
