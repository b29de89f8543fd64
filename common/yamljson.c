/*
 * yamljson.c - YAML to JSON (yamlutil.h): an event-driven walk, so the JSON
 * is built as the input is read, with libyaml's errors reported through
 * ydoc_parser_error().
 */
#include "yamlutil.h"
#include "err.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct yaml_ctx {
	yaml_parser_t parser;
	const char *name;
	const char *buf;
	size_t len;
	unsigned line_offset;
};

static int yaml_fail(const struct yaml_ctx *y, yaml_mark_t m, const char *what)
{
	return err_set(ERR_PARSE, "%s:%zu:%zu: %s", y->name,
		       m.line + 1 + y->line_offset, m.column + 1, what);
}

static int yaml_next(struct yaml_ctx *y, yaml_event_t *ev)
{
	if (yaml_parser_parse(&y->parser, ev))
		return 0;
	return ydoc_parser_error(&y->parser, y->name, y->buf, y->len, y->line_offset);
}

static bool is_word(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == n && memcmp(s, *words, n) == 0)
			return true;
	return false;
}

/* [-+]?[0-9]+ */
static bool looks_int(const char *s, size_t n)
{
	size_t i = (n && (s[0] == '-' || s[0] == '+')) ? 1 : 0;

	if (i == n)
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool looks_real(const char *s, size_t n)
{
	size_t i = (n && (s[0] == '-' || s[0] == '+')) ? 1 : 0, d = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		d++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			d++;
	if (!d)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = 0;

		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			e++;
		if (!e)
			return false;
	}
	return i == n;
}

/* YAML 1.2 core schema for plain scalars; anything quoted or tagged !!str
 * is a string.  NULL only when the text is not UTF-8 (or out of memory). */
static json_t *yaml_scalar(const yaml_event_t *ev)
{
	static const char *const nulls[] = { "~", "null", "Null", "NULL", NULL };
	static const char *const trues[] = { "true", "True", "TRUE", NULL };
	static const char *const falses[] = { "false", "False", "FALSE", NULL };
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	size_t n = ev->data.scalar.length;
	char *end;

	if ((tag && strcmp(tag, YAML_STR_TAG) == 0) ||
	    ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_stringn(s, n);
	if (n == 0 || is_word(s, n, nulls))
		return json_null();
	if (is_word(s, n, trues))
		return json_true();
	if (is_word(s, n, falses))
		return json_false();
	if (looks_int(s, n)) {
		long long v;

		errno = 0;
		v = strtoll(s, &end, 10);
		if (!errno && end == s + n)
			return json_integer(v);
	} else if (looks_real(s, n)) {
		double v;

		errno = 0;
		v = strtod(s, &end);
		if (!errno && end == s + n)
			return json_real(v);
	}
	return json_stringn(s, n);
}

static int yaml_node(struct yaml_ctx *y, const yaml_event_t *start,
		     unsigned depth, json_t **out);

static int yaml_seq(struct yaml_ctx *y, unsigned depth, json_t **out)
{
	json_t *arr = json_array(), *v = NULL;
	yaml_event_t ev;
	int rc;

	if (!arr)
		return err_nomem();
	for (;;) {
		if ((rc = yaml_next(y, &ev)))
			goto fail;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		rc = yaml_node(y, &ev, depth + 1, &v);
		yaml_event_delete(&ev);
		if (rc)
			goto fail;
		if (json_array_append_new(arr, v)) {
			rc = err_nomem();
			goto fail;
		}
	}
	*out = arr;
	return 0;
fail:
	json_decref(arr);
	return rc;
}

static int yaml_map(struct yaml_ctx *y, unsigned depth, json_t **out)
{
	json_t *obj = json_object(), *v = NULL;
	yaml_event_t key, ev;
	int rc;

	if (!obj)
		return err_nomem();
	for (;;) {
		if ((rc = yaml_next(y, &key)))
			goto fail;
		if (key.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&key);
			break;
		}
		if (key.type != YAML_SCALAR_EVENT) {
			rc = yaml_fail(y, key.start_mark, "mapping keys must be scalars");
			yaml_event_delete(&key);
			goto fail;
		}
		if ((rc = yaml_next(y, &ev))) {
			yaml_event_delete(&key);
			goto fail;
		}
		rc = yaml_node(y, &ev, depth + 1, &v);
		yaml_event_delete(&ev);
		if (!rc && json_object_set_new(obj, (const char *)key.data.scalar.value, v))
			rc = yaml_fail(y, key.start_mark, "mapping key is not valid text");
		yaml_event_delete(&key);
		if (rc)
			goto fail;
	}
	*out = obj;
	return 0;
fail:
	json_decref(obj);
	return rc;
}

static int yaml_node(struct yaml_ctx *y, const yaml_event_t *start,
		     unsigned depth, json_t **out)
{
	switch (start->type) {
	case YAML_SCALAR_EVENT:
		*out = yaml_scalar(start);
		return *out ? 0 : yaml_fail(y, start->start_mark, "scalar is not valid text");
	case YAML_ALIAS_EVENT:
		return yaml_fail(y, start->start_mark, "YAML aliases are not supported");
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (depth >= YDOC_MAX_DEPTH)
			return yaml_fail(y, start->start_mark, "nested too deeply");
		if (start->type == YAML_SEQUENCE_START_EVENT)
			return yaml_seq(y, depth, out);
		return yaml_map(y, depth, out);
	default:
		return yaml_fail(y, start->start_mark, "unexpected YAML structure");
	}
}

int yaml_to_json(json_t **out, const char *buf, size_t len, const char *name,
		 unsigned line_offset)
{
	struct yaml_ctx y = { .name = name, .buf = buf, .len = len, .line_offset = line_offset };
	json_t *doc = NULL;
	yaml_event_t ev;
	int rc;

	*out = NULL;
	if (!yaml_parser_initialize(&y.parser))
		return err_nomem();
	yaml_parser_set_input_string(&y.parser, (const unsigned char *)buf, len);
	/* STREAM-START, then DOCUMENT-START or STREAM-END. */
	do {
		if ((rc = yaml_next(&y, &ev)))
			goto out;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			doc = json_null();
			goto done;
		}
		rc = ev.type == YAML_DOCUMENT_START_EVENT;
		yaml_event_delete(&ev);
	} while (!rc);
	if ((rc = yaml_next(&y, &ev)))
		goto out;
	rc = yaml_node(&y, &ev, 0, &doc);
	yaml_event_delete(&ev);
	if (rc)
		goto out;
	/* DOCUMENT-END: reports anything malformed after the root node. */
	if ((rc = yaml_next(&y, &ev)))
		goto out;
	yaml_event_delete(&ev);
done:
	*out = doc;
	doc = NULL;
out:
	json_decref(doc);
	yaml_parser_delete(&y.parser);
	return rc;
}
