#include "yamlutil.h"
#include "err.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parser_error(const struct ydoc *y, const yaml_parser_t *p)
{
	/* libyaml's words for a list under a key that already has a value
	 * ("sources: []" above uncommented "- name:" lines), or for items
	 * indented unevenly. */
	bool list_hint = p->problem && (strstr(p->problem, "did not find expected key") ||
					strstr(p->problem, "block end"));

	return err_set(ERR_PARSE, "%s:%zu:%zu: %s%s", y->file, p->problem_mark.line + 1,
		       p->problem_mark.column + 1,
		       p->problem ? p->problem : "malformed YAML",
		       list_hint ? " (a '- ' list item where none can be: is the key above "
		       "it already given a value, like 'sources: []'? remove the '[]'; or "
		       "indent the items of one list alike)" : "");
}

/* With YDOC_ONE: is there a second document after the first? */
static int check_single(const struct ydoc *y, yaml_parser_t *p)
{
	yaml_document_t next;
	yaml_node_t *root;
	int rc = 0;

	if (!yaml_parser_load(p, &next))
		return parser_error(y, p);
	if ((root = yaml_document_get_root_node(&next)))
		rc = ydoc_at(y, root, "a second YAML document; only one is allowed here");
	yaml_document_delete(&next);
	return rc;
}

int ydoc_load(struct ydoc *out, const char *file, const char *buf, size_t len,
	      unsigned flags)
{
	yaml_parser_t parser;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->file = file;
	if (!yaml_parser_initialize(&parser))
		return err_set(ERR_NOMEM, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &out->doc)) {
		rc = parser_error(out, &parser);
		yaml_parser_delete(&parser);
		return rc;
	}
	out->loaded = true;
	if ((flags & YDOC_ONE) && ydoc_root(out))
		rc = check_single(out, &parser);
	yaml_parser_delete(&parser);
	if (rc)
		ydoc_free(out);
	return rc;
}

void ydoc_free(struct ydoc *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	y->loaded = false;
}

/* libyaml's getters take a non-const document but only read it. */
yaml_node_t *ydoc_root(const struct ydoc *y)
{
	return y->loaded ? yaml_document_get_root_node((yaml_document_t *)&y->doc) : NULL;
}

yaml_node_t *ydoc_node(const struct ydoc *y, int id)
{
	return yaml_document_get_node((yaml_document_t *)&y->doc, id);
}

int ydoc_at(const struct ydoc *y, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(ERR_PARSE, "%s:%zu:%zu: %s", y->file, n->start_mark.line + 1,
		       n->start_mark.column + 1, msg);
}

const char *ydoc_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int ydoc_want_string(const struct ydoc *y, const yaml_node_t *n, const char *key,
		     char **out)
{
	const char *s = ydoc_scalar(n);

	if (!s || !*s)
		return ydoc_at(y, n, "'%s' must be a non-empty string", key);
	free(*out);
	if (!(*out = strdup(s)))
		return err_set(ERR_NOMEM, "out of memory");
	return 0;
}

int ydoc_want_list(const struct ydoc *y, const yaml_node_t *n, const char *key,
		   char ***out)
{
	size_t cnt, i = 0;
	char **v;

	if (n->type == YAML_SCALAR_NODE) {
		cnt = 1;
	} else if (n->type == YAML_SEQUENCE_NODE) {
		cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	} else {
		return ydoc_at(y, n, "'%s' must be a string or a list of strings", key);
	}
	if (cnt == 0)
		return ydoc_at(y, n, "'%s' is an empty list", key);
	if (!(v = calloc(cnt + 1, sizeof(*v))))
		return err_set(ERR_NOMEM, "out of memory");
	*out = v;
	if (n->type == YAML_SCALAR_NODE)
		return ydoc_want_string(y, n, key, &v[0]);
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++, i++) {
		int rc = ydoc_want_string(y, ydoc_node(y, *it), key, &v[i]);

		if (rc)
			return rc;
	}
	return 0;
}

int ydoc_check_keys(const struct ydoc *y, const yaml_node_t *map, const char *what,
		    const char *const *allowed)
{
	size_t first[YDOC_MAX_KEYS] = { 0 }, nallowed = 0;
	char expected[256] = "";

	while (allowed[nallowed] && nallowed < YDOC_MAX_KEYS)
		nallowed++;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = ydoc_node(y, p->key);
		const char *key = ydoc_scalar(k);
		size_t i = 0;

		if (!key)
			return ydoc_at(y, k, "keys of %s must be strings", what);
		while (i < nallowed && strcmp(key, allowed[i]))
			i++;
		if (i == nallowed) {
			for (size_t j = 0; j < nallowed; j++)
				snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected),
					 "%s%s", j ? ", " : "", allowed[j]);
			return ydoc_at(y, k, "unknown key '%s' in %s (expected %s)", key, what,
				       expected);
		}
		if (first[i])
			return ydoc_at(y, k, "'%s' is given twice in %s (first at line %zu)",
				       key, what, first[i]);
		first[i] = k->start_mark.line + 1;
	}
	return 0;
}
