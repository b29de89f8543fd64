#include "yamlutil.h"
#include "err.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

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

/* The one YAML error format: file:line:column: problem (context), then
 * hint ("" for none). */
static int error_hinted(const yaml_parser_t *p, const char *file, const char *buf,
			size_t len, unsigned line_offset, const char *hint)
{
	const char *problem = p->problem ? p->problem : "malformed YAML";
	size_t line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;

	if (p->error == YAML_MEMORY_ERROR)
		return err_set(ERR_NOMEM, "%s: out of memory reading YAML", file);
	/* The reader (decoding) reports a byte offset, not a mark. */
	if (p->error == YAML_READER_ERROR)
		offset_pos(buf, len, p->problem_offset, &line, &col);
	line += line_offset;
	if (p->context)
		return err_set(ERR_PARSE, "%s:%zu:%zu: %s (%s at line %zu)%s", file, line, col,
			       problem, p->context, p->context_mark.line + 1 + line_offset,
			       hint);
	return err_set(ERR_PARSE, "%s:%zu:%zu: %s%s", file, line, col, problem, hint);
}

int ydoc_parser_error(const yaml_parser_t *p, const char *file, const char *buf,
		      size_t len, unsigned line_offset)
{
	return error_hinted(p, file, buf, len, line_offset, "");
}

/* ---- the alias budget ---- */

struct measure {
	const struct ydoc *y;
	uint64_t *size;  /* per node: nodes below it with aliases expanded */
	uint8_t *state;  /* per node: 0 new, 1 being measured, 2 measured */
	uint64_t max;    /* nodes a walk may visit */
};

static int too_big(const struct measure *m, const yaml_node_t *n)
{
	if (m->max == YDOC_MAX_NODES)
		return ydoc_limit(m->y, n, "more than %d YAML nodes with aliases expanded",
				  YDOC_MAX_NODES);
	return ydoc_limit(m->y, n, "YAML aliases expand the document past %" PRIu64
			  " nodes (an alias bomb?)", m->max);
}

/*
 * Count the nodes a walk would visit, aliases expanded, memoised per node
 * so a billion-laughs document is refused after linear work; a node that
 * contains itself (an alias to an enclosing anchor) is refused too.
 */
static int measure(struct measure *m, int id, int depth, uint64_t *out)
{
	yaml_node_t *n = ydoc_node(m->y, id);
	uint64_t total = 1, sub;
	size_t i;
	int rc;

	if (!n)
		return err_set(ERR_PARSE, "%s: damaged YAML document", m->y->file);
	i = (size_t)id - 1;
	if (m->state[i] == 2) {
		*out = m->size[i];
		return 0;
	}
	if (m->state[i] == 1)
		return ydoc_at(m->y, n, "recursive YAML alias");
	if (depth > YDOC_MAX_DEPTH)
		return ydoc_limit(m->y, n, "nesting deeper than %d levels", YDOC_MAX_DEPTH);
	m->state[i] = 1;
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			if ((rc = measure(m, *it, depth + 1, &sub)))
				return rc;
			if ((total += sub) > m->max)
				return too_big(m, n);
		}
	} else if (n->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			if ((rc = measure(m, p->key, depth + 1, &sub)))
				return rc;
			total += sub;
			if ((rc = measure(m, p->value, depth + 1, &sub)))
				return rc;
			if ((total += sub) > m->max)
				return too_big(m, n);
		}
	}
	m->state[i] = 2;
	m->size[i] = total;
	*out = total;
	return 0;
}

/* Aliases may repeat a little (merge keys, shared defaults), not multiply
 * the document. */
static int check_budget(const struct ydoc *y)
{
	size_t n = (size_t)(y->doc.nodes.top - y->doc.nodes.start);
	struct measure m = { y, NULL, NULL, (uint64_t)n * YDOC_ALIAS_GROWTH + 10000 };
	uint64_t total;
	int rc;

	if (!ydoc_root(y))
		return 0;
	if (m.max > YDOC_MAX_NODES)
		m.max = YDOC_MAX_NODES;
	m.size = calloc(n, sizeof(*m.size));
	m.state = calloc(n, 1);
	if (!m.size || !m.state)
		rc = err_nomem();
	else
		rc = measure(&m, 1, 0, &total);
	free(m.size);
	free(m.state);
	return rc;
}

static int parser_error(const struct ydoc *y, const yaml_parser_t *p, const char *buf,
			size_t len)
{
	/* libyaml's words for a list under a key that already has a value
	 * ("sources: []" above uncommented "- name:" lines), or for items
	 * indented unevenly. */
	bool list_hint = p->problem && (strstr(p->problem, "did not find expected key") ||
					strstr(p->problem, "block end"));

	return error_hinted(p, y->file, buf, len, 0,
			    list_hint ? " (a '- ' list item where none can be: is the key "
			    "above it already given a value, like 'sources: []'? remove the "
			    "'[]'; or indent the items of one list alike)" : "");
}

/* With YDOC_ONE: is there a second document after the first? */
static int check_single(const struct ydoc *y, yaml_parser_t *p, const char *buf,
			size_t len)
{
	yaml_document_t next;
	yaml_node_t *root;
	int rc = 0;

	if (!yaml_parser_load(p, &next))
		return parser_error(y, p, buf, len);
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
		return err_nomem();
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &out->doc)) {
		rc = parser_error(out, &parser, buf, len);
		yaml_parser_delete(&parser);
		return rc;
	}
	out->loaded = true;
	rc = check_budget(out);
	if (!rc && (flags & YDOC_ONE) && ydoc_root(out))
		rc = check_single(out, &parser, buf, len);
	yaml_parser_delete(&parser);
	if (rc)
		ydoc_free(out);
	return rc;
}

void ydoc_free(struct ydoc *y)
{
	if (y->loaded && y->wipe)
		for (yaml_node_t *n = y->doc.nodes.start; n && n < y->doc.nodes.top; n++)
			if (n->type == YAML_SCALAR_NODE && n->data.scalar.value)
				OPENSSL_cleanse(n->data.scalar.value, n->data.scalar.length);
	if (y->loaded)
		yaml_document_delete(&y->doc);
	y->loaded = false;
}

int ystream_open(struct ystream *s, const char *file, const char *buf, size_t len,
		 unsigned flags)
{
	memset(s, 0, sizeof(*s));
	if (!yaml_parser_initialize(&s->parser))
		return err_nomem();
	yaml_parser_set_input_string(&s->parser, (const unsigned char *)buf, len);
	s->file = file;
	s->buf = buf;
	s->len = len;
	s->flags = flags;
	s->open = true;
	return 0;
}

static bool empty_scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       n->data.scalar.length == 0;
}

int ystream_next(struct ystream *s, struct ydoc *out, bool *got)
{
	yaml_node_t *root;
	int rc;

	memset(out, 0, sizeof(*out));
	out->file = s->file;
	out->wipe = s->flags & YDOC_WIPE;
	*got = false;
	for (;;) {
		if (!yaml_parser_load(&s->parser, &out->doc))
			return ydoc_parser_error(&s->parser, s->file, s->buf, s->len, 0);
		out->loaded = true;
		if (!(root = ydoc_root(out))) {
			ydoc_free(out);
			return 0;
		}
		if (!empty_scalar(root))
			break;
		ydoc_free(out);
	}
	if ((rc = check_budget(out))) {
		ydoc_free(out);
		return rc;
	}
	*got = true;
	return 0;
}

void ystream_close(struct ystream *s)
{
	yaml_parser_t *p = &s->parser;

	if (!s->open)
		return;
	if ((s->flags & YDOC_WIPE) && p->buffer.start)
		OPENSSL_cleanse(p->buffer.start, (size_t)(p->buffer.end - p->buffer.start));
	if ((s->flags & YDOC_WIPE) && p->raw_buffer.start)
		OPENSSL_cleanse(p->raw_buffer.start,
				(size_t)(p->raw_buffer.end - p->raw_buffer.start));
	yaml_parser_delete(p);
	s->open = false;
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

static int vat(int code, const struct ydoc *y, const yaml_node_t *n, const char *fmt,
	       va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	return err_set(code, "%s:%zu:%zu: %s", y->file, n->start_mark.line + 1,
		       n->start_mark.column + 1, msg);
}

int ydoc_at(const struct ydoc *y, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vat(ERR_PARSE, y, n, fmt, ap);
	va_end(ap);
	return rc;
}

int ydoc_limit(const struct ydoc *y, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vat(ERR_LIMIT, y, n, fmt, ap);
	va_end(ap);
	return rc;
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
		return err_nomem();
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
		return err_nomem();
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
