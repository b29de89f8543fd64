/*
 * fswalk.h - the one recursive directory walker, and the one directory
 * suffix scanner.
 *
 * The policy, the same for every caller:
 *  - a symlink is reported, never followed into: a symlinked directory is
 *    not walked, so a loop cannot make a walk endless; whether a symlink to
 *    a file counts is the caller's choice (FS_WALK_LINK says what it points
 *    at);
 *  - version-control directories (.git, .hg, .svn) are reported as
 *    FS_WALK_VCS and never entered;
 *  - "." and ".." are never reported; nesting past max_depth directories
 *    is ERR_LIMIT;
 *  - a directory's names are read and the directory closed before the walk
 *    goes deeper, so depth does not cost file descriptors.
 * Entries come in readdir order: sort what you collect.
 */
#ifndef AUDITPACK_FSWALK_H
#define AUDITPACK_FSWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

enum fs_walk_kind {
	FS_WALK_FILE,  /* a regular file */
	FS_WALK_DIR,   /* a directory, about to be walked */
	FS_WALK_LINK,  /* a symlink (st is its lstat; target says what it points at) */
	FS_WALK_VCS,   /* .git, .hg or .svn: not walked */
	FS_WALK_OTHER, /* a device, socket, FIFO */
};

enum fs_walk_target {
	FS_TARGET_NONE,  /* dangling, or cannot be stat'ed */
	FS_TARGET_FILE,  /* a regular file (target_st holds its stat) */
	FS_TARGET_OTHER, /* a directory or anything else */
};

struct fs_walk_entry {
	const char *path;     /* the walked path: root + "/" + rel */
	const char *rel;      /* relative to the root */
	const char *name;     /* the last component */
	enum fs_walk_kind kind;
	struct stat st;       /* lstat() of path */
	enum fs_walk_target target; /* FS_WALK_LINK only */
	struct stat target_st;      /* FS_TARGET_FILE only */
	unsigned depth;       /* 0 for the root's own entries */
};

/* A callback returns 0 to go on, FS_WALK_PRUNE (for FS_WALK_DIR) not to
 * enter that directory, or a negative enum err (with err_set) to stop the
 * walk with it. */
#define FS_WALK_PRUNE 1
typedef int (*fs_walk_fn)(void *arg, const struct fs_walk_entry *e);

/*
 * Walk the directory `root` (followed if it is a symlink: the caller named
 * it), calling fn for every entry below it as the policy above says.
 * Directories deeper than max_depth below root are ERR_LIMIT.  0, ERR_IO
 * (naming the directory), ERR_LIMIT, ERR_NOMEM or what fn returned.
 */
int fs_walk(const char *root, unsigned max_depth, fs_walk_fn fn, void *arg);

/*
 * The names in directory `dir` that end in `suffix` (".xml") and are longer
 * than it, sorted bytewise, as a NULL-terminated malloc'd array of
 * malloc'd strings (free with fs_names_free).  Only the names are read:
 * the caller decides what a non-regular entry means.  0, ERR_IO, ERR_NOMEM.
 */
int fs_scan_suffix(char ***out, size_t *n, const char *dir, const char *suffix);
void fs_names_free(char **names);

#endif
