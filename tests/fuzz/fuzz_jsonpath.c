/*
 * Fuzz target for collectors/jsonpath.c, the span scanner that finds the
 * user's value in a jsonl line, and collectors/jsonluser.c, which rewrites
 * the line with it (mode picked by the first byte too).  The first byte picks the path and the
 * mode: raw (the rest is the line) or built (each further byte picks a
 * JSON fragment: brackets, names on and off the path, escapes, lone
 * surrogates, numbers), so mutations keep producing near-JSON.
 *
 * Checked on every input, abort() when broken:
 *   - each value reported lies in the line, in order, without overlap;
 *     a complete string starts and ends with a quote;
 *   - a line jansson parses (as jsonl does) is well-formed to the scanner;
 *   - when jansson also finds no duplicate name, exactly the value jansson
 *     reads at the path is reported, and a string unescapes to its text;
 *   - the rewrite's user token is that of jansson's string at the path.
 *
 * Seeds: tests/fuzz/corpus/jsonpath/.
 * libFuzzer:  clang -fsanitize=fuzzer,address,undefined ... (make fuzz)
 * otherwise:  tests/fuzz/driver.c runs it on seeds and random mutations.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../collectors/jsonluser.h"
#include "../../collectors/jsonpath.h"
#include "../../common/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const paths[] = { "user_id", "auth.sub", "a.b.c", "u" };

static const char *const frags[] = {
	"{", "}", "[", "]", ",", ":", " ", "\"", "\\",
	"\"user_id\"", "\"auth\"", "\"sub\"", "\"u\"", "\"a\"", "\"b\"", "\"c\"", "\"x\"",
	"\"user\\u005fid\"", "\"a\\u0075th\"", "\"s\\/ub\"",
	"\"bob\\u0020jones\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\udc00x\"",
	"\"a\\\"b\"", "\"\\\\\"", "\"\\u12\"", "\"\\x\"", "\"\"", "\"}{][\"",
	"1409", "-1.5e3", "0", "true", "false", "null", "tru",
	"{\"u\":", "{\"auth\":{\"sub\":", "{\"a\":{\"b\":{\"c\":", "\"u\":\"v\"",
	"\t", "\r\n", "\xff", "\xc3\xa9",
};

struct check {
	const char *line;
	size_t len, end, n;
	struct jsonpath_value last;
};

static int check_value(const struct jsonpath_value *v, void *arg)
{
	struct check *c = arg;

	if (v->off < c->end || v->len == 0 || v->off + v->len > c->len)
		abort();
	if (v->type == JSONPATH_STRING && v->complete &&
	    (v->len < 2 || c->line[v->off] != '"' || c->line[v->off + v->len - 1] != '"'))
		abort();
	c->end = v->off + v->len;
	c->last = *v;
	c->n++;
	return 0;
}

static json_t *at_path(json_t *root, const char *path)
{
	char key[16];
	const char *dot;

	while (root && (dot = strchr(path, '.'))) {
		memcpy(key, path, (size_t)(dot - path));
		key[dot - path] = '\0';
		root = json_object_get(root, key);
		path = dot + 1;
	}
	return root ? json_object_get(root, path) : NULL;
}

/* Kept for the whole run (reachable, so not a leak). */
static struct pii *pii;

/* The rewrite's token for the line; jansson's string value at the path. */
static void rewrite(const char *line, size_t len, const char *path, enum pii_mode mode,
		    json_t *v)
{
	static const uint8_t key[STORE_SECRET_LEN] = { 1 };
	char token[PII_TOKEN_MAX], want[PII_TOKEN_MAX];
	struct buf out = BUF_INIT;

	if (!pii && pii_new(&pii, key))
		abort();
	/* As a piece after context: any cut must be safe. */
	buf_reset(&out);
	if (jsonluser_rewrite_from(pii, mode, path, line, len, len / 3, &out, NULL, token))
		abort();
	buf_reset(&out);
	if (jsonluser_rewrite(pii, mode, path, line, len, &out, NULL, token))
		abort();
	if (json_is_string(v) && json_string_length(v) &&
	    (pii_token(pii, "user", json_string_value(v), json_string_length(v), want) ||
	     strcmp(token, want)))
		abort();
	buf_free(&out);
}

static void oracle(const char *line, size_t len, const char *path, const struct check *c,
		   bool well_formed, enum pii_mode mode)
{
	json_t *root = json_loadb(line, len, 0, NULL), *v;
	struct buf dec = BUF_INIT;

	if (!json_is_object(root)) {
		json_decref(root);
		rewrite(line, len, path, mode, NULL);
		return;
	}
	if (!well_formed)
		abort();
	json_decref(root);
	if (!(root = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL))) {
		rewrite(line, len, path, mode, NULL);
		return;
	}
	v = at_path(root, path);
	rewrite(line, len, path, mode, v);
	if (c->n != (v ? 1u : 0u))
		abort();
	if (json_is_string(v)) {
		if (c->last.type != JSONPATH_STRING ||
		    jsonpath_unescape(&dec, line + c->last.off + 1, c->last.len - 2) ||
		    dec.len != json_string_length(v) ||
		    (dec.len && memcmp(dec.data, json_string_value(v), dec.len)))
			abort();
	} else if (v && ((json_is_object(v) && c->last.type != JSONPATH_OBJECT) ||
			 (json_is_array(v) && c->last.type != JSONPATH_ARRAY) ||
			 (json_is_null(v) && c->last.type != JSONPATH_NULL) ||
			 (json_is_number(v) && c->last.type != JSONPATH_NUMBER))) {
		abort();
	}
	buf_free(&dec);
	json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;
	struct buf line = BUF_INIT, dec = BUF_INIT;
	struct check c;
	bool well_formed;

	if (size < 1)
		return 0;
	path = paths[(data[0] >> 1) % (sizeof(paths) / sizeof(paths[0]))];
	if (data[0] & 1) {
		for (size_t i = 1; i < size; i++)
			if (buf_puts(&line, frags[data[i] % (sizeof(frags) / sizeof(frags[0]))]))
				goto out;
	} else if (buf_append(&line, data + 1, size - 1)) {
		goto out;
	}
	memset(&c, 0, sizeof(c));
	c.line = line.data ? line.data : "";
	c.len = line.len;
	if (jsonpath_find(c.line, c.len, path, &well_formed, check_value, &c))
		abort();
	oracle(c.line, c.len, path, &c, well_formed, (enum pii_mode)((data[0] >> 4) % 3));
	/* Unescaping any text must be safe too. */
	if (c.len && jsonpath_unescape(&dec, c.line, c.len))
		abort();
out:
	buf_free(&line);
	buf_free(&dec);
	return 0;
}
