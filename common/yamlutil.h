/*
 * yamlutil.h - reading a YAML document we do not trust with libyaml's
 * document API, and reporting errors at the node that caused them.
 *
 * Every message is "file:line:column: message" (both 1-based) and every
 * error is ERR_PARSE (ERR_NOMEM when memory runs out), so the CLI exits 3
 * naming the place.  Aliases are resolved by libyaml into shared nodes, so
 * a document never grows beyond the nodes written in it; walking it is up
 * to the caller, who should not recurse without bound.
 */
#ifndef AUDITPACK_YAMLUTIL_H
#define AUDITPACK_YAMLUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

/* A loaded document and the file name its messages carry. */
struct ydoc {
	const char *file; /* borrowed: must outlive the struct */
	yaml_document_t doc;
	bool loaded;
};

enum {
	YDOC_ONE = 1, /* refuse a second document ("---") in the stream */
};

/*
 * Parse buf (len bytes; it need not be NUL-terminated) and load its first
 * document.  `file` names it in messages.  With YDOC_ONE a stream with more
 * than one document is an error at the second one.  On failure nothing is
 * left to free; on success call ydoc_free().  0, ERR_PARSE or ERR_NOMEM.
 */
int ydoc_load(struct ydoc *out, const char *file, const char *buf, size_t len,
	      unsigned flags);
void ydoc_free(struct ydoc *y);

/* The root node, or NULL for an empty document. */
yaml_node_t *ydoc_root(const struct ydoc *y);

/* The node with this id (from a sequence item or a mapping pair). */
yaml_node_t *ydoc_node(const struct ydoc *y, int id);

/* Record "file:line:column: <fmt...>" for node n; returns ERR_PARSE. */
int ydoc_at(const struct ydoc *y, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The text of a scalar node, or NULL when n is NULL or not a scalar. */
const char *ydoc_scalar(const yaml_node_t *n);

/* A non-empty string into *out (malloc'd; the old *out is freed). */
int ydoc_want_string(const struct ydoc *y, const yaml_node_t *n, const char *key,
		     char **out);

/*
 * A string or a non-empty list of strings, into a NULL-terminated array of
 * malloc'd strings.  On error *out may hold what was read so far (free
 * each string, then the array).
 */
int ydoc_want_list(const struct ydoc *y, const yaml_node_t *n, const char *key,
		   char ***out);

#define YDOC_MAX_KEYS 32

/*
 * A mapping whose keys are scalars from `allowed` (NULL-terminated, at
 * most YDOC_MAX_KEYS), none repeated; else an error at the first offending
 * key.  `map` must be a mapping node.  `what` names it in messages ("the
 * policy", "an exclude").
 */
int ydoc_check_keys(const struct ydoc *y, const yaml_node_t *map, const char *what,
		    const char *const *allowed);

#endif
