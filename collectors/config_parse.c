/*
 * config_parse.c - config_parse(): the key-path walk every parser feeds
 * (paths, limits, secret hints) and the JSON parser.
 */
#include "config.h"
#include "config_internal.h"
#include "../common/utf8.h"
#include "../common/err.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

/* ---- key paths ---- */

static bool key_needs_quotes(const char *k, size_t n)
{
	if (!n)
		return true;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)k[i];

		if (c < 0x20 || c == 0x7f || c == '.' || c == '[' || c == ']' || c == '"' ||
		    c == '\\')
			return true;
	}
	return false;
}

static int append_quoted(struct buf *b, const char *k, size_t n)
{
	int rc = buf_puts(b, "[\"");

	for (size_t i = 0; !rc && i < n; i++) {
		unsigned char c = (unsigned char)k[i];

		if (c == '"' || c == '\\')
			rc = buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			rc = buf_printf(b, "\\u%04x", c);
		else
			rc = buf_append(b, &k[i], 1);
	}
	return rc ? rc : buf_puts(b, "\"]");
}

/* The key name as it may be stored: personal data in it pseudonymised. */
static int key_text(struct walk *w, const char **k, size_t *n)
{
	int rc;

	if (!w->sink->pii)
		return 0;
	buf_reset(&w->tmp);
	if ((rc = pii_scrub(w->sink->pii, PII_PSEUDONYMISE, *k, *n, &w->tmp, NULL)))
		return rc;
	*k = w->tmp.data ? w->tmp.data : "";
	*n = w->tmp.len;
	return 0;
}

/* Append one key to the path: "a.b", or a["x.y"] when it needs quotes. */
int config_path_push_key(struct walk *w, const char *k, size_t n)
{
	int rc;

	if ((rc = key_text(w, &k, &n)))
		return rc;
	if (key_needs_quotes(k, n))
		return append_quoted(&w->path, k, n);
	if (w->path.len && (rc = buf_append(&w->path, ".", 1)))
		return rc;
	return buf_append(&w->path, k, n);
}

/* Append dotted text as it is ("server.tls" from an INI section). */
int config_path_push_raw(struct walk *w, const char *k, size_t n)
{
	int rc;

	if ((rc = key_text(w, &k, &n)))
		return rc;
	if (w->path.len && (rc = buf_append(&w->path, ".", 1)))
		return rc;
	return buf_append(&w->path, k, n);
}

int config_path_push_index(struct walk *w, size_t i)
{
	return buf_printf(&w->path, "[%zu]", i);
}

void config_path_pop(struct walk *w, size_t len)
{
	w->path.len = len;
	if (w->path.data)
		w->path.data[len] = '\0';
}

/* "name:line" or just "name" when the line is not known (JSON values). */
const char *config_loc(char *out, size_t cap, const char *name, int line)
{
	if (line > 0)
		snprintf(out, cap, "%s:%d", name, line);
	else
		snprintf(out, cap, "%s", name);
	return out;
}

int config_walk_emit(struct walk *w, const char *v, size_t n, bool secret, bool literal,
		     int line)
{
	char where[PATH_MAX + 32];

	w->keys++;
	w->bytes += w->path.len + n;
	if (w->keys > CONFIG_MAX_KEYS)
		return err_set(ERR_LIMIT, "%s: more than %d values in one file",
			       config_loc(where, sizeof(where), w->name, line), CONFIG_MAX_KEYS);
	if (w->bytes > EMIT_MAX_BYTES)
		return err_set(ERR_LIMIT, "%s: key paths and values exceed %zu bytes",
			       config_loc(where, sizeof(where), w->name, line), EMIT_MAX_BYTES);
	return w->sink->emit(w->sink->arg, w->path.data ? w->path.data : "", w->path.len,
			     v, n, secret, literal, line);
}

enum secret_level config_child_level(enum secret_level parent, const struct map_hints *h,
				     const char *k, size_t n)
{
	if (parent == S_ALL)
		return S_ALL;
	if ((h->secret_value && word_is(k, n, "value")) ||
	    (h->secret_data && (word_is(k, n, "data") || word_is(k, n, "stringData"))))
		return S_ALL;
	return config_secret_class(k, n);
}

void config_hint_pair(struct map_hints *h, const char *k, size_t kn, const char *v, size_t vn)
{
	if (word_is(k, kn, "kind") && word_is(v, vn, "Secret"))
		h->secret_data = true;
	if ((word_is(k, kn, "name") || word_is(k, kn, "key")) && config_secret_class(v, vn) != S_NONE)
		h->secret_value = true;
}

/* ---- JSON ---- */

static void json_number_text(char out[64], const json_t *v)
{
	double d;

	if (json_is_integer(v)) {
		snprintf(out, 64, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return;
	}
	d = json_real_value(v);
	/* The shortest text that reads back as the same double. */
	snprintf(out, 64, "%.15g", d);
	if (strtod(out, NULL) != d)
		snprintf(out, 64, "%.17g", d);
	if (!strpbrk(out, ".eEn")) {
		size_t n = strlen(out);

		snprintf(out + n, 64 - n, ".0");
	}
}

static int json_walk(struct walk *w, json_t *v, int depth, enum secret_level level);

static int json_walk_object(struct walk *w, json_t *v, int depth, enum secret_level level)
{
	struct map_hints h = { false, false };
	size_t save = w->path.len;
	const char *k;
	json_t *child;
	int rc = 0;

	if (!json_object_size(v))
		return config_walk_emit(w, "{}", 2, false, true, 0);
	json_object_foreach(v, k, child)
		if (json_is_string(child))
			config_hint_pair(&h, k, strlen(k), json_string_value(child),
				  json_string_length(child));
	/* An "auth" key's reach stops at its own scalars. */
	if (level != S_ALL)
		level = S_NONE;
	json_object_foreach(v, k, child) {
		size_t kn = strlen(k);

		if ((rc = config_path_push_key(w, k, kn)) ||
		    (rc = json_walk(w, child, depth + 1, config_child_level(level, &h, k, kn))))
			break;
		config_path_pop(w, save);
	}
	config_path_pop(w, save);
	return rc;
}

static int json_walk(struct walk *w, json_t *v, int depth, enum secret_level level)
{
	size_t save = w->path.len;
	const char *s;
	char num[64];
	int rc = 0;

	if (depth > CONFIG_MAX_DEPTH)
		return err_set(ERR_LIMIT, "%s: nesting deeper than %d levels", w->name,
			       CONFIG_MAX_DEPTH);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return json_walk_object(w, v, depth, level);
	case JSON_ARRAY:
		if (!json_array_size(v))
			return config_walk_emit(w, "[]", 2, false, true, 0);
		for (size_t i = 0; !rc && i < json_array_size(v); i++) {
			if (!(rc = config_path_push_index(w, i)))
				rc = json_walk(w, json_array_get(v, i), depth + 1, level);
			config_path_pop(w, save);
		}
		return rc;
	case JSON_STRING:
		s = json_string_value(v);
		rc = config_walk_emit(w, s, json_string_length(v), level != S_NONE, false, 0);
		/* jansson's copy of the raw value is ours to wipe. */
		OPENSSL_cleanse((char *)(uintptr_t)s, json_string_length(v));
		return rc;
	case JSON_INTEGER:
	case JSON_REAL:
		json_number_text(num, v);
		return config_walk_emit(w, num, strlen(num), level != S_NONE, false, 0);
	case JSON_TRUE:
		return config_walk_emit(w, "true", 4, false, true, 0);
	case JSON_FALSE:
		return config_walk_emit(w, "false", 5, false, true, 0);
	case JSON_NULL:
		return config_walk_emit(w, "null", 4, false, true, 0);
	}
	return 0;
}

static int parse_json(struct walk *w, const char *buf, size_t len)
{
	json_error_t e;
	json_t *root = json_loadb(buf, len, JSON_DECODE_ANY, &e);
	int rc;

	if (!root)
		return err_set(ERR_PARSE, "%s:%d:%d: invalid JSON: %s", w->name,
			       e.line > 0 ? e.line : 1, e.column > 0 ? e.column : 1, e.text);
	rc = json_walk(w, root, 0, S_NONE);
	json_decref(root);
	return rc;
}

int config_parse(enum config_format f, const char *name, const char *buf, size_t len,
		 const struct config_sink *sink)
{
	struct walk w;
	int line, col, rc;

	memset(&w, 0, sizeof(w));
	w.sink = sink;
	w.name = name;
	config_strip_bom(&buf, &len);
	if (!utf8_text(buf, len, &line, &col))
		return err_set(ERR_PARSE, "%s:%d:%d: not UTF-8 text", name, line, col);
	switch (f) {
	case CONFIG_JSON:
		rc = parse_json(&w, buf, len);
		break;
	case CONFIG_YAML:
		rc = config_parse_yaml(&w, buf, len);
		break;
	case CONFIG_INI:
		rc = config_parse_ini(&w, buf, len);
		break;
	case CONFIG_ENV:
		rc = config_parse_env(&w, buf, len);
		break;
	default:
		rc = err_set(ERR_USAGE, "%s: %s files are not parsed", name, config_format_name(f));
	}
	buf_free(&w.path);
	buf_free(&w.tmp);
	return rc;
}
