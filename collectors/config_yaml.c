/*
 * config_yaml.c - YAML configuration files: every document of a stream
 * walked with secret levels, merge keys and an alias budget.
 */
#include "config.h"
#include "config_internal.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/hash.h"
#include "../common/json.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <yaml.h>

/* ---- YAML ---- */

struct ywalk {
	struct walk *w;
	yaml_document_t *doc;
	uint64_t *size;  /* per node: nodes below it with aliases expanded */
	uint8_t *state;  /* per node: 0 new, 1 being measured, 2 measured */
	uint64_t max;    /* nodes a walk may visit */
};

static int yaml_at(int code, const struct ywalk *y, const yaml_node_t *n, const char *what)
{
	return err_set(code, "%s:%zu:%zu: %s", y->w->name, n->start_mark.line + 1,
		       n->start_mark.column + 1, what);
}

static int yaml_too_big(const struct ywalk *y, const yaml_node_t *n)
{
	char what[160];

	if (y->max == CONFIG_MAX_NODES)
		snprintf(what, sizeof(what), "more than %d YAML nodes with aliases expanded",
			 CONFIG_MAX_NODES);
	else
		snprintf(what, sizeof(what), "YAML aliases expand the document past %" PRIu64
			 " nodes (an alias bomb?)", y->max);
	return yaml_at(ERR_LIMIT, y, n, what);
}

/*
 * Count the nodes a walk would visit, aliases expanded, memoised per node
 * so a billion-laughs document is refused after linear work; a node that
 * contains itself (an alias to an enclosing anchor) is refused too.
 */
static int yaml_measure(struct ywalk *y, int id, int depth, uint64_t *out)
{
	yaml_node_t *n = yaml_document_get_node(y->doc, id);
	uint64_t total = 1, sub;
	size_t i;
	int rc;

	if (!n)
		return err_set(ERR_PARSE, "%s: damaged YAML document", y->w->name);
	i = (size_t)id - 1;
	if (y->state[i] == 2) {
		*out = y->size[i];
		return 0;
	}
	if (y->state[i] == 1)
		return yaml_at(ERR_PARSE, y, n, "recursive YAML alias");
	if (depth > CONFIG_MAX_DEPTH)
		return yaml_at(ERR_LIMIT, y, n, "nesting deeper than 64 levels");
	y->state[i] = 1;
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			if ((rc = yaml_measure(y, *it, depth + 1, &sub)))
				return rc;
			if ((total += sub) > y->max)
				return yaml_too_big(y, n);
		}
	} else if (n->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			if ((rc = yaml_measure(y, p->key, depth + 1, &sub)))
				return rc;
			total += sub;
			if ((rc = yaml_measure(y, p->value, depth + 1, &sub)))
				return rc;
			if ((total += sub) > y->max)
				return yaml_too_big(y, n);
		}
	}
	y->state[i] = 2;
	y->size[i] = total;
	*out = total;
	return 0;
}

static bool yaml_plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static bool yaml_scalar_is(const yaml_node_t *n, const char *const *list)
{
	return yaml_plain(n) && word_in((const char *)n->data.scalar.value,
					n->data.scalar.length, list);
}

static int yaml_scalar(struct ywalk *y, yaml_node_t *n, enum secret_level level)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const trues[] = { "true", "True", "TRUE", NULL };
	static const char *const falses[] = { "false", "False", "FALSE", NULL };
	int line = (int)n->start_mark.line + 1;

	if (yaml_scalar_is(n, nulls))
		return config_walk_emit(y->w, "null", 4, false, true, line);
	if (yaml_scalar_is(n, trues))
		return config_walk_emit(y->w, "true", 4, false, true, line);
	if (yaml_scalar_is(n, falses))
		return config_walk_emit(y->w, "false", 5, false, true, line);
	return config_walk_emit(y->w, (const char *)n->data.scalar.value, n->data.scalar.length,
			 level != S_NONE, false, line);
}

static int yaml_walk(struct ywalk *y, yaml_node_t *n, int depth, enum secret_level level);

/* "<<" with a mapping or a sequence of mappings under it (YAML 1.1 merge
 * key); anything else under "<<" is an ordinary value. */
static bool yaml_is_merge(yaml_document_t *doc, const yaml_node_pair_t *p)
{
	yaml_node_t *k = yaml_document_get_node(doc, p->key);
	yaml_node_t *v = yaml_document_get_node(doc, p->value);

	if (!k || !v || !yaml_plain(k) ||
	    !word_is((const char *)k->data.scalar.value, k->data.scalar.length, "<<"))
		return false;
	if (v->type == YAML_MAPPING_NODE)
		return true;
	if (v->type != YAML_SEQUENCE_NODE)
		return false;
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		yaml_node_t *m = yaml_document_get_node(doc, *it);

		if (!m || m->type != YAML_MAPPING_NODE)
			return false;
	}
	return true;
}

static int yaml_mapping(struct ywalk *y, yaml_node_t *n, int depth, enum secret_level level);

/* "<<: *base" or "<<: [*a, *b]": the merged keys go first so that the
 * mapping's own keys override them, and *a's override *b's. */
static int yaml_merge(struct ywalk *y, yaml_node_t *v, int depth, enum secret_level level)
{
	yaml_node_item_t *it;
	int rc = 0;

	if (v->type == YAML_MAPPING_NODE)
		return yaml_mapping(y, v, depth + 1, level);
	for (it = v->data.sequence.items.top; !rc && it > v->data.sequence.items.start;)
		rc = yaml_mapping(y, yaml_document_get_node(y->doc, *--it), depth + 1, level);
	return rc;
}

static int yaml_pair(struct ywalk *y, yaml_node_pair_t *p, size_t idx, int depth,
		     enum secret_level level, const struct map_hints *h)
{
	yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
	yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
	size_t save = y->w->path.len;
	const char *kt;
	char alt[32];
	size_t kn;
	int rc;

	if (!k || !v)
		return err_set(ERR_PARSE, "%s: damaged YAML document", y->w->name);
	if (k->type == YAML_SCALAR_NODE) {
		kt = (const char *)k->data.scalar.value;
		kn = k->data.scalar.length;
	} else {
		/* A complex key ("? [a, b]") has no name: number it. */
		snprintf(alt, sizeof(alt), "?%zu", idx);
		kt = alt;
		kn = strlen(alt);
	}
	if (!(rc = config_path_push_key(y->w, kt, kn)))
		rc = yaml_walk(y, v, depth + 1, config_child_level(level, h, kt, kn));
	config_path_pop(y->w, save);
	return rc;
}

static int yaml_mapping(struct ywalk *y, yaml_node_t *n, int depth, enum secret_level level)
{
	yaml_node_pair_t *p, *start = n->data.mapping.pairs.start, *top = n->data.mapping.pairs.top;
	struct map_hints h = { false, false };
	int rc = 0;

	if (depth > CONFIG_MAX_DEPTH)
		return yaml_at(ERR_LIMIT, y, n, "nesting deeper than 64 levels");
	for (p = start; p < top; p++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);

		if (k && v && k->type == YAML_SCALAR_NODE && v->type == YAML_SCALAR_NODE)
			config_hint_pair(&h, (const char *)k->data.scalar.value, k->data.scalar.length,
				  (const char *)v->data.scalar.value, v->data.scalar.length);
	}
	for (p = start; !rc && p < top; p++)
		if (yaml_is_merge(y->doc, p))
			rc = yaml_merge(y, yaml_document_get_node(y->doc, p->value), depth, level);
	for (p = start; !rc && p < top; p++)
		if (!yaml_is_merge(y->doc, p))
			rc = yaml_pair(y, p, (size_t)(p - start), depth, level, &h);
	return rc;
}

static int yaml_walk(struct ywalk *y, yaml_node_t *n, int depth, enum secret_level level)
{
	size_t save = y->w->path.len, i = 0;
	int rc = 0;

	if (depth > CONFIG_MAX_DEPTH)
		return yaml_at(ERR_LIMIT, y, n, "nesting deeper than 64 levels");
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return yaml_scalar(y, n, level);
	case YAML_SEQUENCE_NODE:
		if (n->data.sequence.items.start == n->data.sequence.items.top)
			return config_walk_emit(y->w, "[]", 2, false, true, (int)n->start_mark.line + 1);
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     !rc && it < n->data.sequence.items.top; it++, i++) {
			yaml_node_t *c = yaml_document_get_node(y->doc, *it);

			if (!c)
				return err_set(ERR_PARSE, "%s: damaged YAML document", y->w->name);
			if (!(rc = config_path_push_index(y->w, i)))
				rc = yaml_walk(y, c, depth + 1, level);
			config_path_pop(y->w, save);
		}
		return rc;
	case YAML_MAPPING_NODE:
		if (n->data.mapping.pairs.start == n->data.mapping.pairs.top)
			return config_walk_emit(y->w, "{}", 2, false, true, (int)n->start_mark.line + 1);
		return yaml_mapping(y, n, depth, level == S_ALL ? S_ALL : S_NONE);
	case YAML_NO_NODE:
		break;
	}
	return 0;
}

static void offset_pos(const char *buf, size_t len, size_t off, size_t *line, size_t *col)
{
	size_t bol = 0;

	*line = 1;
	for (size_t i = 0; i < off && i < len; i++)
		if (buf[i] == '\n') {
			(*line)++;
			bol = i + 1;
		}
	*col = (off > len ? len : off) - bol + 1;
}

static int yaml_fail(const yaml_parser_t *p, const char *name, const char *buf, size_t len)
{
	const char *problem = p->problem ? p->problem : "syntax error";
	size_t line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;

	if (p->error == YAML_MEMORY_ERROR)
		return err_set(ERR_NOMEM, "%s: out of memory reading YAML", name);
	if (p->error == YAML_READER_ERROR)
		offset_pos(buf, len, p->problem_offset, &line, &col);
	if (p->context)
		return err_set(ERR_PARSE, "%s:%zu:%zu: invalid YAML: %s %s (line %zu)", name,
			       line, col, p->problem ? p->problem : "syntax error", p->context,
			       p->context_mark.line + 1);
	return err_set(ERR_PARSE, "%s:%zu:%zu: invalid YAML: %s", name, line, col, problem);
}

/* The next document that is not empty ("---" with nothing under it);
 * *got is false at the end of the stream. */
static int yaml_next(yaml_parser_t *p, yaml_document_t *doc, bool *got, const char *name,
		     const char *buf, size_t len)
{
	for (;;) {
		yaml_node_t *root;

		if (!yaml_parser_load(p, doc))
			return yaml_fail(p, name, buf, len);
		if (!(root = yaml_document_get_root_node(doc))) {
			yaml_document_delete(doc);
			*got = false;
			return 0;
		}
		if (!(yaml_plain(root) && root->data.scalar.length == 0)) {
			*got = true;
			return 0;
		}
		yaml_document_delete(doc);
	}
}

/* Wipe the raw scalars (they include any secrets) and free the document. */
static void yaml_drop(yaml_document_t *doc)
{
	for (yaml_node_t *n = doc->nodes.start; n && n < doc->nodes.top; n++)
		if (n->type == YAML_SCALAR_NODE && n->data.scalar.value)
			OPENSSL_cleanse(n->data.scalar.value, n->data.scalar.length);
	yaml_document_delete(doc);
}

static int yaml_document(struct walk *w, yaml_document_t *doc, long idx)
{
	struct ywalk y = { w, doc, NULL, NULL, 0 };
	size_t n = (size_t)(doc->nodes.top - doc->nodes.start);
	uint64_t total;
	int rc;

	/* Aliases may repeat a little (merge keys, shared defaults), not
	 * multiply the document. */
	y.max = (uint64_t)n * CONFIG_ALIAS_GROWTH + 10000;
	if (y.max > CONFIG_MAX_NODES)
		y.max = CONFIG_MAX_NODES;

	y.size = calloc(n, sizeof(*y.size));
	y.state = calloc(n, 1);
	if (!y.size || !y.state) {
		rc = err_nomem();
		goto out;
	}
	if ((rc = yaml_measure(&y, 1, 0, &total)))
		goto out;
	if (idx >= 0 && (rc = config_path_push_index(w, (size_t)idx)))
		goto out;
	rc = yaml_walk(&y, yaml_document_get_root_node(doc), 0, S_NONE);
out:
	config_path_pop(w, 0);
	free(y.size);
	free(y.state);
	return rc;
}

/* Every document of the stream; when there is more than one, their paths
 * start with the document's index. */
int config_parse_yaml(struct walk *w, const char *buf, size_t len)
{
	yaml_document_t cur, next;
	bool have_cur = false, have_next = false;
	yaml_parser_t p;
	long idx = 0;
	int rc;

	if (!yaml_parser_initialize(&p))
		return err_nomem();
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	rc = yaml_next(&p, &cur, &have_cur, w->name, buf, len);
	if (!rc && have_cur)
		rc = yaml_next(&p, &next, &have_next, w->name, buf, len);
	for (bool multi = have_next; !rc && have_cur; idx++) {
		rc = yaml_document(w, &cur, multi ? idx : -1);
		yaml_drop(&cur);
		have_cur = false;
		if (!rc && have_next) {
			cur = next;
			have_cur = true;
			have_next = false;
			rc = yaml_next(&p, &next, &have_next, w->name, buf, len);
		}
	}
	if (have_cur)
		yaml_drop(&cur);
	if (have_next)
		yaml_drop(&next);
	if (p.buffer.start)
		OPENSSL_cleanse(p.buffer.start, (size_t)(p.buffer.end - p.buffer.start));
	if (p.raw_buffer.start)
		OPENSSL_cleanse(p.raw_buffer.start,
				(size_t)(p.raw_buffer.end - p.raw_buffer.start));
	yaml_parser_delete(&p);
	return rc;
}
