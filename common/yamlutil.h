/*
 * yamlutil.h - reading a YAML document we do not trust with libyaml's
 * document API, and reporting errors at the node that caused them.
 *
 * This is the one YAML front end: sources, policies, configuration files
 * and model metadata all read YAML through it.
 *
 * Every message is "file:line:column: message" (both 1-based; a libyaml
 * error adds "(context at line N)") and every error is ERR_PARSE, except
 * ERR_NOMEM when memory runs out (libyaml's YAML_MEMORY_ERROR too) and
 * ERR_LIMIT for a document past the alias budget, so the CLI exits 3
 * naming the place.  Reader errors (bad encoding) are placed at the byte
 * they were found at.
 *
 * The alias budget: libyaml resolves aliases into shared nodes, so a
 * walker that recurses would visit a shared node once per reference.
 * Every document loaded here is measured first: with aliases expanded it
 * may hold at most YDOC_ALIAS_GROWTH times its own nodes (+10000) and never
 * more than YDOC_MAX_NODES, nest at most YDOC_MAX_DEPTH levels, and not
 * contain itself.  Walkers may then recurse freely.
 */
#ifndef AUDITPACK_YAMLUTIL_H
#define AUDITPACK_YAMLUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include <jansson.h>

#define YDOC_MAX_DEPTH 64       /* nesting of a document */
#define YDOC_MAX_NODES 2000000  /* nodes of a document, aliases expanded */
#define YDOC_ALIAS_GROWTH 10    /* ... and at most 10x its own nodes (+10000) */

/* A loaded document and the file name its messages carry. */
struct ydoc {
	const char *file; /* borrowed: must outlive the struct */
	yaml_document_t doc;
	bool loaded;
	bool wipe;        /* cleanse scalars on free (they may hold secrets) */
};

enum {
	YDOC_ONE = 1,  /* refuse a second document ("---") in the stream */
	YDOC_WIPE = 2, /* cleanse every copy of the input when done with it */
};

/*
 * Record libyaml's error in p as "file:line:column: problem (context at
 * line N)"; buf/len is the input (to place reader errors, which libyaml
 * gives as a byte offset) and line_offset is added to every line (for
 * YAML cut out of a larger file).  Returns ERR_NOMEM for a memory error,
 * else ERR_PARSE.
 */
int ydoc_parser_error(const yaml_parser_t *p, const char *file, const char *buf,
		      size_t len, unsigned line_offset);

/*
 * A stream of documents: ystream_open(), then ystream_next() until *got is
 * false, then ystream_close() (always, also after an error).  Documents
 * that are empty ("---" with nothing under it) are skipped; every document
 * returned has passed the alias budget.  buf must outlive the stream.
 */
struct ystream {
	yaml_parser_t parser;
	const char *file;
	const char *buf;
	size_t len;
	unsigned flags;
	bool open;
};

int ystream_open(struct ystream *s, const char *file, const char *buf, size_t len,
		 unsigned flags);
/* The next non-empty document into *out (free it with ydoc_free()). */
int ystream_next(struct ystream *s, struct ydoc *out, bool *got);
void ystream_close(struct ystream *s);

/*
 * YAML to JSON: the first document of buf[0..len) with mappings as objects
 * (scalar keys only; a repeated key keeps the last value), sequences as
 * arrays, plain scalars as null, bools, integers, reals or strings (YAML
 * 1.2 core schema), quoted or !!str scalars as strings.  Aliases are
 * refused (a budget of none: metadata has no use for them), nesting is
 * capped at YDOC_MAX_DEPTH.  Errors name "file:line:column" with
 * line_offset added to the line.  An empty stream gives JSON null.  *out
 * is owned by the caller.  0, ERR_PARSE or ERR_NOMEM.
 */
int yaml_to_json(json_t **out, const char *buf, size_t len, const char *file,
		 unsigned line_offset);

/*
 * Parse buf (len bytes; it need not be NUL-terminated) and load its first
 * document.  `file` names it in messages.  With YDOC_ONE a stream with more
 * than one document is an error at the second one.  On failure nothing is
 * left to free; on success call ydoc_free().  0, ERR_PARSE, ERR_LIMIT (past
 * the alias budget) or ERR_NOMEM.  An empty stream loads with no root.
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

/* The same with ERR_LIMIT: the node is past a bound. */
int ydoc_limit(const struct ydoc *y, const yaml_node_t *n, const char *fmt, ...)
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
