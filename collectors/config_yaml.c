/*
 * config_yaml.c - YAML configuration files: every document of a stream
 * (read through common/yamlutil, which also enforces the alias budget)
 * walked with secret levels and merge keys.
 */
#include "config.h"
#include "config_internal.h"
#include "../common/yamlutil.h"
#include "../common/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

/* ---- YAML ---- */

struct ywalk {
	struct walk *w;
	const struct ydoc *y;
	yaml_document_t *doc;
};

static int yaml_depth(const struct ywalk *y, const yaml_node_t *n)
{
	return ydoc_limit(y->y, n, "nesting deeper than %d levels", CONFIG_MAX_DEPTH);
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
		return yaml_depth(y, n);
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
		return yaml_depth(y, n);
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

static int yaml_document(struct walk *w, const struct ydoc *doc, long idx)
{
	struct ywalk y = { w, doc, (yaml_document_t *)&doc->doc };
	int rc = 0;

	if (idx >= 0)
		rc = config_path_push_index(w, (size_t)idx);
	if (!rc)
		rc = yaml_walk(&y, ydoc_root(doc), 0, S_NONE);
	config_path_pop(w, 0);
	return rc;
}

/* Every document of the stream; when there is more than one, their paths
 * start with the document's index. */
int config_parse_yaml(struct walk *w, const char *buf, size_t len)
{
	struct ydoc cur, next;
	bool have_cur = false, have_next = false;
	struct ystream st;
	long idx = 0;
	int rc;

	if ((rc = ystream_open(&st, w->name, buf, len, YDOC_WIPE)))
		return rc;
	rc = ystream_next(&st, &cur, &have_cur);
	if (!rc && have_cur)
		rc = ystream_next(&st, &next, &have_next);
	for (bool multi = have_next; !rc && have_cur; idx++) {
		rc = yaml_document(w, &cur, multi ? idx : -1);
		ydoc_free(&cur);
		have_cur = false;
		if (!rc && have_next) {
			cur = next;
			have_cur = true;
			have_next = false;
			rc = ystream_next(&st, &next, &have_next);
		}
	}
	if (have_cur)
		ydoc_free(&cur);
	if (have_next)
		ydoc_free(&next);
	ystream_close(&st);
	return rc;
}

_Static_assert(CONFIG_MAX_DEPTH == YDOC_MAX_DEPTH && CONFIG_MAX_NODES == YDOC_MAX_NODES &&
		       CONFIG_ALIAS_GROWTH == YDOC_ALIAS_GROWTH,
	       "config.h documents the limits of common/yamlutil");
