#include "config.h"
#include "observe.h"
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

#define EMIT_MAX_BYTES ((size_t)128 << 20) /* key paths + values of one file */
#define VALUE_ATTR_MAX 1024               /* longer values are summarised in attrs */
#define SKIPPED_MAX 100

/* How far a secret key reaches: nothing, the scalars right under it (an
 * "auth" key), or everything below it. */
enum secret_level { S_NONE, S_SCALAR, S_ALL };

/* ---- names, tokens, formats ---- */

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || is_upper(c) || (c >= '0' && c <= '9');
}

static bool is_name_char(char c)
{
	return is_alnum(c) || c == '_' || c == '-' || c == '.';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && !memcmp(w, s, n);
}

static bool word_in(const char *w, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (word_is(w, n, *list))
			return true;
	return false;
}

static bool word_ends(const char *w, size_t n, const char *const *list)
{
	for (; *list; list++) {
		size_t m = strlen(*list);

		if (n >= m && !memcmp(w + n - m, *list, m))
			return true;
	}
	return false;
}

static const char *const secret_words[] = {
	"password", "passwords", "passwd", "pwd", "pass", "passphrase", "secret",
	"secrets", "token", "tokens", "key", "keys", "credential", "credentials",
	"auth", "authorization", "dsn", NULL
};

/* Single words that end in a secret: "clientsecret", "apikey". */
static const char *const secret_suffixes[] = {
	"password", "passwd", "passphrase", "secret", "token", "credentials",
	"credential", "apikey", "accesskey", "privatekey", "secretkey", "signingkey",
	"masterkey", "encryptionkey", "sessionkey", "connectionstring", "requirepass",
	"masterauth", NULL
};

/* A word before one of counted_words that makes the name a count or a
 * limit: "max_tokens", "prompt_tokens", "num_keys". */
static const char *const count_words[] = {
	"max", "min", "num", "number", "total", "count", "limit", "input", "output",
	"prompt", "completion", "context", "reserved", NULL
};

static const char *const counted_words[] = {
	"token", "tokens", "keys", "secrets", "credentials", "passwords", NULL
};

/* A last word that says "this is the secret, in another form". */
static const char *const secret_forms[] = {
	"hash", "hashed", "digest", "value", "data", "b64", "base64", "plain",
	"plaintext", "raw", "string", NULL
};

/*
 * Split a key name into lowercase words (at non-alphanumerics and camelCase
 * boundaries: "apiKey", "APIKey", "DB_PASSWORD") and keep the last two.
 */
static void last_words(const char *name, size_t len, char w[2][48], size_t wn[2])
{
	size_t cur = 0;
	char buf[48];
	bool in = false;

	wn[0] = wn[1] = 0;
	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? name[i] : '\0';
		bool split = !is_alnum(c);

		if (!split && in && i > 0 && is_upper(c) &&
		    (!is_upper(name[i - 1]) || (i + 1 < len && !is_upper(name[i + 1]) &&
						is_alnum(name[i + 1]) &&
						!(name[i + 1] >= '0' && name[i + 1] <= '9'))))
			split = true;
		if (split && in) {
			memcpy(w[0], w[1], sizeof(w[1]));
			wn[0] = wn[1];
			memcpy(w[1], buf, cur);
			wn[1] = cur;
			cur = 0;
			in = false;
		}
		if (is_alnum(c)) {
			in = true;
			/* A word longer than buf keeps its tail, which is what
			 * the suffix checks look at. */
			if (cur == sizeof(buf)) {
				memmove(buf, buf + 1, sizeof(buf) - 1);
				cur--;
			}
			buf[cur++] = lower(c);
		}
	}
}

/* S_NONE, S_SCALAR (auth: reaches only its own scalars) or S_ALL. */
static enum secret_level secret_class(const char *name, size_t len)
{
	char w[2][48];
	size_t wn[2];
	const char *last, *prev;

	last_words(name, len, w, wn);
	last = w[1];
	prev = w[0];
	if (!wn[1])
		return S_NONE;
	if ((word_is(last, wn[1], "key") || word_is(last, wn[1], "keys")) &&
	    word_is(prev, wn[0], "public"))
		return S_NONE;
	if (word_in(last, wn[1], counted_words) && word_in(prev, wn[0], count_words))
		return S_NONE;
	if (word_is(last, wn[1], "auth") || word_is(last, wn[1], "authorization"))
		return S_SCALAR;
	if (word_in(last, wn[1], secret_words) || word_ends(last, wn[1], secret_suffixes))
		return S_ALL;
	if (word_is(last, wn[1], "string") && word_is(prev, wn[0], "connection"))
		return S_ALL;
	if (wn[0] && word_in(last, wn[1], secret_forms) &&
	    (word_in(prev, wn[0], secret_words) || word_ends(prev, wn[0], secret_suffixes)) &&
	    !word_is(prev, wn[0], "key") && !word_is(prev, wn[0], "keys"))
		return S_ALL;
	return S_NONE;
}

bool config_is_secret_name(const char *name, size_t len)
{
	return secret_class(name, len) != S_NONE;
}

int config_secret_token(char out[CONFIG_TOKEN_LEN], const uint8_t *secret,
			const char *value, size_t len)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[HEX_LEN(8)];

	if (!HMAC(EVP_sha256(), secret, STORE_SECRET_LEN,
		  (const unsigned char *)(value ? value : ""), len, md, &mdlen) ||
	    mdlen < 8)
		return err_set_openssl(ERR_CRYPTO, "cannot compute a keyed hash");
	hex_encode(hex, md, 8);
	OPENSSL_cleanse(md, sizeof(md));
	snprintf(out, CONFIG_TOKEN_LEN, "<secret:%s>", hex);
	return 0;
}

const char *config_format_name(enum config_format f)
{
	static const char *const names[] = { "json", "yaml", "ini", "env", "text", "binary" };

	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "text";
}

static bool name_is(const char *s, size_t n, const char *lit)
{
	if (strlen(lit) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(s[i]) != lit[i])
			return false;
	return true;
}

enum config_format config_format_of(const char *path, bool *lenient)
{
	const char *base = strrchr(path, '/'), *dot;
	size_t bn, en;

	*lenient = false;
	base = base ? base + 1 : path;
	bn = strlen(base);
	dot = strrchr(base, '.');
	if (dot && dot != base) {
		const char *ext = dot + 1;

		en = strlen(ext);
		if (name_is(ext, en, "json"))
			return CONFIG_JSON;
		if (name_is(ext, en, "yaml") || name_is(ext, en, "yml"))
			return CONFIG_YAML;
		if (name_is(ext, en, "ini") || name_is(ext, en, "toml"))
			return CONFIG_INI;
		if (name_is(ext, en, "cfg") || name_is(ext, en, "conf") ||
		    name_is(ext, en, "cnf")) {
			*lenient = true;
			return CONFIG_INI;
		}
	}
	if ((bn >= 4 && name_is(base + bn - 4, 4, ".env")) ||
	    (bn > 5 && name_is(base, 5, ".env.")))
		return CONFIG_ENV;
	return CONFIG_TEXT;
}

/*
 * Whether buf is UTF-8 text without NUL (strict: no overlongs, surrogates
 * or code points past U+10FFFF).  On failure *line and *col (1-based, col
 * in bytes) locate the first bad byte.
 */
static bool utf8_text(const char *buf, size_t len, int *line, int *col)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0, bol = 0;
	int ln = 1;

	while (i < len) {
		unsigned char c = s[i];
		size_t n = 0;
		uint32_t cp, min;

		if (c == '\n') {
			ln++;
			bol = ++i;
			continue;
		}
		if (c >= 0x01 && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07, min = 0x10000;
		else
			goto bad;
		if (len - i <= n)
			goto bad;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		i += n + 1;
	}
	return true;
bad:
	*line = ln;
	*col = (int)(i - bol) + 1;
	return false;
}

static void strip_bom(const char **buf, size_t *len)
{
	if (*len >= 3 && !memcmp(*buf, "\xef\xbb\xbf", 3)) {
		*buf += 3;
		*len -= 3;
	}
}

/* ---- key paths ---- */

struct walk {
	const struct config_sink *sink;
	const char *name;
	struct buf path;
	struct buf tmp;
	size_t keys;
	size_t bytes;
};

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
static int path_push_key(struct walk *w, const char *k, size_t n)
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
static int path_push_raw(struct walk *w, const char *k, size_t n)
{
	int rc;

	if ((rc = key_text(w, &k, &n)))
		return rc;
	if (w->path.len && (rc = buf_append(&w->path, ".", 1)))
		return rc;
	return buf_append(&w->path, k, n);
}

static int path_push_index(struct walk *w, size_t i)
{
	return buf_printf(&w->path, "[%zu]", i);
}

static void path_pop(struct walk *w, size_t len)
{
	w->path.len = len;
	if (w->path.data)
		w->path.data[len] = '\0';
}

/* "name:line" or just "name" when the line is not known (JSON values). */
static const char *loc(char *out, size_t cap, const char *name, int line)
{
	if (line > 0)
		snprintf(out, cap, "%s:%d", name, line);
	else
		snprintf(out, cap, "%s", name);
	return out;
}

static int walk_emit(struct walk *w, const char *v, size_t n, bool secret, bool literal,
		     int line)
{
	char where[PATH_MAX + 32];

	w->keys++;
	w->bytes += w->path.len + n;
	if (w->keys > CONFIG_MAX_KEYS)
		return err_set(ERR_LIMIT, "%s: more than %d values in one file",
			       loc(where, sizeof(where), w->name, line), CONFIG_MAX_KEYS);
	if (w->bytes > EMIT_MAX_BYTES)
		return err_set(ERR_LIMIT, "%s: key paths and values exceed %zu bytes",
			       loc(where, sizeof(where), w->name, line), EMIT_MAX_BYTES);
	return w->sink->emit(w->sink->arg, w->path.data ? w->path.data : "", w->path.len,
			     v, n, secret, literal, line);
}

/* What a mapping says about its children: a Kubernetes Secret's data is
 * secret, and so is the "value" beside a "name" (or "key") that names a
 * secret, as in a container's env list. */
struct map_hints {
	bool secret_data;
	bool secret_value;
};

static enum secret_level child_level(enum secret_level parent, const struct map_hints *h,
				     const char *k, size_t n)
{
	if (parent == S_ALL)
		return S_ALL;
	if ((h->secret_value && word_is(k, n, "value")) ||
	    (h->secret_data && (word_is(k, n, "data") || word_is(k, n, "stringData"))))
		return S_ALL;
	return secret_class(k, n);
}

static void hint_pair(struct map_hints *h, const char *k, size_t kn, const char *v, size_t vn)
{
	if (word_is(k, kn, "kind") && word_is(v, vn, "Secret"))
		h->secret_data = true;
	if ((word_is(k, kn, "name") || word_is(k, kn, "key")) && secret_class(v, vn) != S_NONE)
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
		return walk_emit(w, "{}", 2, false, true, 0);
	json_object_foreach(v, k, child)
		if (json_is_string(child))
			hint_pair(&h, k, strlen(k), json_string_value(child),
				  json_string_length(child));
	/* An "auth" key's reach stops at its own scalars. */
	if (level != S_ALL)
		level = S_NONE;
	json_object_foreach(v, k, child) {
		size_t kn = strlen(k);

		if ((rc = path_push_key(w, k, kn)) ||
		    (rc = json_walk(w, child, depth + 1, child_level(level, &h, k, kn))))
			break;
		path_pop(w, save);
	}
	path_pop(w, save);
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
			return walk_emit(w, "[]", 2, false, true, 0);
		for (size_t i = 0; !rc && i < json_array_size(v); i++) {
			if (!(rc = path_push_index(w, i)))
				rc = json_walk(w, json_array_get(v, i), depth + 1, level);
			path_pop(w, save);
		}
		return rc;
	case JSON_STRING:
		s = json_string_value(v);
		rc = walk_emit(w, s, json_string_length(v), level != S_NONE, false, 0);
		/* jansson's copy of the raw value is ours to wipe. */
		OPENSSL_cleanse((char *)(uintptr_t)s, json_string_length(v));
		return rc;
	case JSON_INTEGER:
	case JSON_REAL:
		json_number_text(num, v);
		return walk_emit(w, num, strlen(num), level != S_NONE, false, 0);
	case JSON_TRUE:
		return walk_emit(w, "true", 4, false, true, 0);
	case JSON_FALSE:
		return walk_emit(w, "false", 5, false, true, 0);
	case JSON_NULL:
		return walk_emit(w, "null", 4, false, true, 0);
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
		return walk_emit(y->w, "null", 4, false, true, line);
	if (yaml_scalar_is(n, trues))
		return walk_emit(y->w, "true", 4, false, true, line);
	if (yaml_scalar_is(n, falses))
		return walk_emit(y->w, "false", 5, false, true, line);
	return walk_emit(y->w, (const char *)n->data.scalar.value, n->data.scalar.length,
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
	if (!(rc = path_push_key(y->w, kt, kn)))
		rc = yaml_walk(y, v, depth + 1, child_level(level, h, kt, kn));
	path_pop(y->w, save);
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
			hint_pair(&h, (const char *)k->data.scalar.value, k->data.scalar.length,
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
			return walk_emit(y->w, "[]", 2, false, true, (int)n->start_mark.line + 1);
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     !rc && it < n->data.sequence.items.top; it++, i++) {
			yaml_node_t *c = yaml_document_get_node(y->doc, *it);

			if (!c)
				return err_set(ERR_PARSE, "%s: damaged YAML document", y->w->name);
			if (!(rc = path_push_index(y->w, i)))
				rc = yaml_walk(y, c, depth + 1, level);
			path_pop(y->w, save);
		}
		return rc;
	case YAML_MAPPING_NODE:
		if (n->data.mapping.pairs.start == n->data.mapping.pairs.top)
			return walk_emit(y->w, "{}", 2, false, true, (int)n->start_mark.line + 1);
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
		rc = err_set(ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = yaml_measure(&y, 1, 0, &total)))
		goto out;
	if (idx >= 0 && (rc = path_push_index(w, (size_t)idx)))
		goto out;
	rc = yaml_walk(&y, yaml_document_get_root_node(doc), 0, S_NONE);
out:
	path_pop(w, 0);
	free(y.size);
	free(y.state);
	return rc;
}

/* Every document of the stream; when there is more than one, their paths
 * start with the document's index. */
static int parse_yaml(struct walk *w, const char *buf, size_t len)
{
	yaml_document_t cur, next;
	bool have_cur = false, have_next = false;
	yaml_parser_t p;
	long idx = 0;
	int rc;

	if (!yaml_parser_initialize(&p))
		return err_set(ERR_NOMEM, "out of memory");
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

/* ---- INI and .env ---- */

struct lines {
	const char *buf;
	size_t len, pos;
	int no; /* 1-based number of the line last returned */
};

/* The next line without its "\n" (and "\r"). */
static bool lines_next(struct lines *l, const char **s, size_t *n)
{
	const char *nl;
	size_t end;

	if (l->pos >= l->len)
		return false;
	nl = memchr(l->buf + l->pos, '\n', l->len - l->pos);
	end = nl ? (size_t)(nl - l->buf) : l->len;
	*s = l->buf + l->pos;
	*n = end - l->pos;
	if (*n && (*s)[*n - 1] == '\r')
		(*n)--;
	l->pos = nl ? end + 1 : l->len;
	l->no++;
	return true;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (is_blank(**s) || **s == '\r')) {
		(*s)++;
		(*n)--;
	}
	while (*n && (is_blank((*s)[*n - 1]) || (*s)[*n - 1] == '\r'))
		(*n)--;
}

static bool blank_or_comment(const char *s, size_t n)
{
	trim(&s, &n);
	return !n || s[0] == '#' || s[0] == ';';
}

static bool is_bool_word(const char *s, size_t n)
{
	return name_is(s, n, "true") || name_is(s, n, "false");
}

/* An unquoted value ends at a comment that follows whitespace. */
static void cut_comment(const char *s, size_t *n, bool semicolon)
{
	for (size_t i = 1; i < *n; i++)
		if ((s[i] == '#' || (semicolon && s[i] == ';')) && is_blank(s[i - 1])) {
			*n = i;
			break;
		}
	trim(&s, n);
}

/*
 * The text inside quotes, up to the closing quote q (not included), into
 * out; with q == '"' the escapes \n \t \r \" \\ \$ are undone (others are
 * kept).  *used receives the bytes consumed, closing quote included, and
 * *closed whether there was one in s[0..n).
 */
static int quoted_part(const char *s, size_t n, char q, struct buf *out, size_t *used,
		       bool *closed)
{
	size_t i;
	int rc = 0;

	*closed = false;
	for (i = 0; !rc && i < n; i++) {
		char c = s[i];

		if (c == q) {
			*closed = true;
			i++;
			break;
		}
		if (q == '"' && c == '\\' && i + 1 < n) {
			c = s[++i];
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c == 'r')
				c = '\r';
			else if (c != '"' && c != '\\' && c != '$')
				rc = buf_append(out, "\\", 1);
		}
		if (!rc)
			rc = buf_append(out, &c, 1);
	}
	*used = i;
	return rc;
}

struct ini {
	struct walk *w;
	struct lines l;
	struct buf section;
	bool section_secret;
	json_t *arrays;    /* "[[name]]" -> how many so far */
	struct buf key, val;
	bool pending, literal;
	int line;
};

static int ini_flush(struct ini *in)
{
	struct walk *w = in->w;
	int rc;

	if (!in->pending)
		return 0;
	in->pending = false;
	path_pop(w, 0);
	if ((in->section.len && (rc = path_push_raw(w, in->section.data, in->section.len))) ||
	    (rc = path_push_raw(w, in->key.data, in->key.len)))
		return rc;
	rc = walk_emit(w, in->val.data ? in->val.data : "", in->val.len,
		       !in->literal && (in->section_secret ||
					secret_class(in->key.data, in->key.len) != S_NONE),
		       in->literal, in->line);
	path_pop(w, 0);
	if (in->val.data)
		OPENSSL_cleanse(in->val.data, in->val.len);
	buf_reset(&in->val);
	buf_reset(&in->key);
	return rc;
}

static int ini_section(struct ini *in, const char *s, size_t n, int col)
{
	bool arr = n >= 2 && s[1] == '[';
	const char *name = s + (arr ? 2 : 1), *close;
	size_t nn;
	int rc;

	close = arr ? memmem(name, n - 2, "]]", 2) : memchr(name, ']', n - 1);
	if (!close)
		return err_set(ERR_PARSE, "%s:%d:%d: unterminated section header", in->w->name,
			       in->l.no, col);
	nn = (size_t)(close - name);
	trim(&name, &nn);
	if (!nn)
		return err_set(ERR_PARSE, "%s:%d:%d: empty section name", in->w->name, in->l.no, col);
	if (!blank_or_comment(close + (arr ? 2 : 1), n - (size_t)(close - s) - (arr ? 2 : 1)))
		return err_set(ERR_PARSE, "%s:%d:%d: unexpected text after the section header",
			       in->w->name, in->l.no, col);
	if ((rc = ini_flush(in)))
		return rc;
	buf_reset(&in->section);
	if ((rc = buf_append(&in->section, name, nn)))
		return rc;
	if (arr) {
		json_t *cnt = json_object_get(in->arrays, in->section.data);
		json_int_t i = cnt ? json_integer_value(cnt) : 0;

		if (json_object_set_new(in->arrays, in->section.data, json_integer(i + 1)) ||
		    (rc = buf_printf(&in->section, "[%" JSON_INTEGER_FORMAT "]", i)))
			return rc ? rc : err_set(ERR_NOMEM, "out of memory");
	}
	/* "[credentials]", "[secrets.db]": everything in it is secret. */
	in->section_secret = false;
	for (size_t a = 0, b = 0; b <= nn; b++)
		if (b == nn || name[b] == '.') {
			if (secret_class(name + a, b - a) == S_ALL)
				in->section_secret = true;
			a = b + 1;
		}
	return 0;
}

/* TOML's """...""" and '''...''': the value may run over several lines. */
static int ini_multiline(struct ini *in, const char *v, size_t n)
{
	char delim[4] = { v[0], v[0], v[0], '\0' };
	int start = in->l.no, rc;
	const char *end = memmem(v + 3, n - 3, delim, 3), *s;
	size_t sn;

	if (end)
		return buf_append(&in->val, v + 3, (size_t)(end - v - 3));
	/* A newline right after the opening delimiter is not part of it. */
	if (n > 3 && (rc = buf_append(&in->val, v + 3, n - 3)))
		return rc;
	for (bool first = n == 3; lines_next(&in->l, &s, &sn); first = false) {
		end = memmem(s, sn, delim, 3);
		if ((!first && (rc = buf_append(&in->val, "\n", 1))) ||
		    (rc = buf_append(&in->val, s, end ? (size_t)(end - s) : sn)))
			return rc;
		if (end)
			return 0;
	}
	return err_set(ERR_PARSE, "%s:%d:%d: unterminated multi-line string", in->w->name,
		       start, 1);
}

static int ini_value(struct ini *in, const char *v, size_t n)
{
	size_t used;
	bool closed;
	int rc;

	in->literal = false;
	if (n >= 3 && (!memcmp(v, "\"\"\"", 3) || !memcmp(v, "\'\'\'", 3)))
		return ini_multiline(in, v, n);
	if (n && (v[0] == '"' || v[0] == '\'')) {
		if ((rc = quoted_part(v + 1, n - 1, v[0], &in->val, &used, &closed)))
			return rc;
		if (closed && blank_or_comment(v + 1 + used, n - 1 - used))
			return 0;
		/* Not well-formed quotes: the text as it is. */
		buf_reset(&in->val);
	}
	cut_comment(v, &n, true);
	in->literal = is_bool_word(v, n);
	return buf_append(&in->val, v, n);
}

static int ini_line(struct ini *in, const char *s, size_t n)
{
	const char *t = s, *sep, *eq, *colon;
	size_t tn = n, kn;
	int rc;

	trim(&t, &tn);
	if (!tn)
		return ini_flush(in);
	if (t[0] == ';' || t[0] == '#')
		return 0;
	if (t[0] == '[')
		return ini_section(in, t, tn, (int)(t - s) + 1);
	eq = memchr(t, '=', tn);
	colon = memchr(t, ':', tn);
	sep = !eq ? colon : !colon ? eq : eq < colon ? eq : colon;
	if (!sep) {
		/* An indented line under a key continues its value. */
		if (in->pending && is_blank(s[0]))
			return (rc = buf_append(&in->val, "\n", 1)) ? rc :
				buf_append(&in->val, t, tn);
		if (memchr(t, ' ', tn) || memchr(t, '\t', tn))
			return err_set(ERR_PARSE, "%s:%d:%d: expected 'key = value', "
				       "a [section] or a comment", in->w->name, in->l.no,
				       (int)(t - s) + 1);
	}
	if ((rc = ini_flush(in)))
		return rc;
	kn = sep ? (size_t)(sep - t) : tn;
	trim(&t, &kn);
	if (!kn)
		return err_set(ERR_PARSE, "%s:%d:%d: missing key before '%c'", in->w->name,
			       in->l.no, (int)(sep - s) + 1, *sep);
	if ((rc = buf_append(&in->key, t, kn)))
		return rc;
	in->pending = true;
	in->line = in->l.no;
	if (!sep) {
		/* A bare key ("skip-name-resolve" in my.cnf) is a flag. */
		in->literal = true;
		return buf_puts(&in->val, "null");
	}
	t = sep + 1;
	tn = n - (size_t)(t - s);
	trim(&t, &tn);
	return ini_value(in, t, tn);
}

static int parse_ini(struct walk *w, const char *buf, size_t len)
{
	struct ini in;
	const char *s;
	size_t n;
	int rc = 0;

	memset(&in, 0, sizeof(in));
	in.w = w;
	in.l.buf = buf;
	in.l.len = len;
	if (!(in.arrays = json_object()))
		return err_set(ERR_NOMEM, "out of memory");
	while (!rc && lines_next(&in.l, &s, &n))
		rc = ini_line(&in, s, n);
	if (!rc)
		rc = ini_flush(&in);
	if (in.val.data)
		OPENSSL_cleanse(in.val.data, in.val.cap);
	buf_free(&in.val);
	buf_free(&in.key);
	buf_free(&in.section);
	json_decref(in.arrays);
	return rc;
}

/* A quoted .env value may span lines: collect up to the closing quote;
 * *s and *n are left on what follows it on its line. */
static int env_quoted(struct lines *l, const char *name, int col, const char **s,
		      size_t *n, struct buf *out)
{
	const char *p = *s + 1;
	size_t pn = *n - 1, used;
	int start = l->no, rc;
	char q = (*s)[0];
	bool closed;

	for (;;) {
		if ((rc = quoted_part(p, pn, q, out, &used, &closed)))
			return rc;
		if (closed) {
			*s = p + used;
			*n = pn - used;
			return 0;
		}
		if ((rc = buf_append(out, "\n", 1)))
			return rc;
		if (!lines_next(l, &p, &pn))
			return err_set(ERR_PARSE, "%s:%d:%d: unterminated quoted value", name,
				       start, col);
	}
}

static bool env_key_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || is_upper(c) || c == '_' ||
	       (!first && ((c >= '0' && c <= '9') || c == '.' || c == '-'));
}

/* KEY=VALUE, export KEY=VALUE, KEY="multi\nline", KEY='literal' # comment */
static int env_line(struct walk *w, struct lines *l, const char *s, size_t n,
		    struct buf *val)
{
	const char *t = s, *key;
	size_t tn = n, kn = 0;
	bool literal = false;
	int line = l->no, rc;

	trim(&t, &tn);
	if (!tn || t[0] == '#')
		return 0;
	if (tn > 7 && !memcmp(t, "export", 6) && is_blank(t[6])) {
		t += 7;
		tn -= 7;
		trim(&t, &tn);
	}
	key = t;
	while (kn < tn && env_key_char(t[kn], kn == 0))
		kn++;
	t += kn;
	tn -= kn;
	trim(&t, &tn);
	buf_reset(val);
	if (kn && blank_or_comment(t, tn)) {
		/* A bare NAME (docker's env-file: take it from the environment). */
		literal = true;
		if ((rc = buf_puts(val, "null")))
			return rc;
		goto emit;
	}
	if (!kn || t[0] != '=')
		return err_set(ERR_PARSE, "%s:%d:%d: expected NAME=value", w->name, line,
			       (int)((kn ? t : key) - s) + 1);
	t++;
	tn--;
	trim(&t, &tn);
	if (tn && (t[0] == '"' || t[0] == '\'')) {
		if ((rc = env_quoted(l, w->name, (int)(t - s) + 1, &t, &tn, val)))
			return rc;
		if (!blank_or_comment(t, tn))
			return err_set(ERR_PARSE, "%s:%d: unexpected text after the closing quote",
				       w->name, l->no);
	} else {
		cut_comment(t, &tn, false);
		literal = is_bool_word(t, tn);
		if ((rc = buf_append(val, t, tn)))
			return rc;
	}
emit:
	path_pop(w, 0);
	if ((rc = path_push_raw(w, key, kn)))
		return rc;
	rc = walk_emit(w, val->data ? val->data : "", val->len,
		       !literal && secret_class(key, kn) != S_NONE, literal, line);
	path_pop(w, 0);
	if (val->data)
		OPENSSL_cleanse(val->data, val->len);
	return rc;
}

static int parse_env(struct walk *w, const char *buf, size_t len)
{
	struct lines l = { buf, len, 0, 0 };
	struct buf val = BUF_INIT;
	const char *s;
	size_t n;
	int rc = 0;

	while (!rc && lines_next(&l, &s, &n))
		rc = env_line(w, &l, s, n, &val);
	if (val.data)
		OPENSSL_cleanse(val.data, val.cap);
	buf_free(&val);
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
	strip_bom(&buf, &len);
	if (!utf8_text(buf, len, &line, &col))
		return err_set(ERR_PARSE, "%s:%d:%d: not UTF-8 text", name, line, col);
	switch (f) {
	case CONFIG_JSON:
		rc = parse_json(&w, buf, len);
		break;
	case CONFIG_YAML:
		rc = parse_yaml(&w, buf, len);
		break;
	case CONFIG_INI:
		rc = parse_ini(&w, buf, len);
		break;
	case CONFIG_ENV:
		rc = parse_env(&w, buf, len);
		break;
	default:
		rc = err_set(ERR_USAGE, "%s: %s files are not parsed", name, config_format_name(f));
	}
	buf_free(&w.path);
	buf_free(&w.tmp);
	return rc;
}

/* ---- redaction ---- */

struct snap {
	const struct collect_ctx *c;
	struct pii *pii;
	const char *name;  /* the file being read, for messages */
	json_t *keys;      /* its keys */
	json_t *files;     /* absolute path -> {format, sha256, keys|lines|size} */
	json_t *formats;   /* format -> count */
	uint64_t secrets;  /* values replaced by keyed hashes */
	uint64_t bytes;
	struct pii_counts counts;
	struct buf pre, out;
};

static int put_token(struct snap *s, struct buf *out, const char *v, size_t n)
{
	char tok[CONFIG_TOKEN_LEN];
	int rc;

	if ((rc = config_secret_token(tok, s->c->secret, v, n)))
		return rc;
	s->secrets++;
	return buf_puts(out, tok);
}

/* "scheme://user:PASSWORD@host": the span of PASSWORD. */
static bool url_password(const char *t, size_t n, size_t i, size_t *vs, size_t *ve)
{
	size_t a = i + 3, e, at = 0, colon;

	for (e = a; e < n && !strchr("/?#\"'<> \t\r\n", t[e]); e++)
		if (t[e] == '@')
			at = e;
	if (!at)
		return false;
	for (colon = a; colon < at && t[colon] != ':'; colon++)
		;
	if (colon + 1 >= at)
		return false;
	*vs = colon + 1;
	*ve = at;
	return true;
}

static bool starts_line(const char *t, size_t i)
{
	while (i > 0 && is_blank(t[i - 1]))
		i--;
	return i == 0 || t[i - 1] == '\n';
}

static void trim_value(const char *t, size_t vs, size_t *ve)
{
	while (*ve > vs && (is_blank(t[*ve - 1]) || t[*ve - 1] == '\r' || t[*ve - 1] == ';' ||
			    t[*ve - 1] == ','))
		(*ve)--;
}

/*
 * After a secret-looking name t[i..j) inside text: the span of the value
 * assigned to it ("name=v", "--name=v", "name: v", "\"name\": \"v\"", and in
 * whole files "name v" at the start of a line).
 */
static bool assigned_value(const char *t, size_t n, size_t i, size_t j, bool whole_file,
			   size_t *vs, size_t *ve)
{
	size_t k = j, v, eol = j;
	char q = i ? t[i - 1] : '\0', sep;
	bool spaced;

	while (eol < n && t[eol] != '\n')
		eol++;
	if ((q == '"' || q == '\'') && k < eol && t[k] == q)
		k++;
	for (v = k; v < eol && is_blank(t[v]); v++)
		;
	if (v < eol && (t[v] == '=' || t[v] == ':')) {
		sep = t[v++];
		if (v < eol && (t[v] == '=' || (sep == ':' && (t[v] == '/' || t[v] == ':'))))
			return false;
		spaced = v < eol && is_blank(t[v]);
		while (v < eol && is_blank(t[v]))
			v++;
		*vs = *ve = v;
		if (v < eol && (t[v] == '"' || t[v] == '\'')) {
			const char *c = memchr(t + v + 1, t[v], eol - v - 1);

			*vs = v + 1;
			*ve = c ? (size_t)(c - t) : eol;
		} else if (sep == ':' && spaced) {
			*ve = eol;
			trim_value(t, *vs, ve);
		} else {
			while (*ve < eol && !strchr(" \t\r&;,\"'<>)]}", t[*ve]))
				(*ve)++;
		}
	} else if (whole_file && v > k && v < eol && starts_line(t, i)) {
		*vs = v;
		*ve = eol;
		trim_value(t, *vs, ve);
	} else {
		return false;
	}
	return *ve > *vs;
}

/* Keyed hashes for URL passwords and secret-looking assignments. */
static int redact_assignments(struct snap *s, const char *t, size_t n, bool whole_file,
			      struct buf *out)
{
	size_t i = 0, j, nm, vs, ve;
	int rc = 0;

	while (!rc && i < n) {
		if (t[i] == ':' && n - i > 3 && t[i + 1] == '/' && t[i + 2] == '/' &&
		    url_password(t, n, i, &vs, &ve)) {
			if (!(rc = buf_append(out, t + i, vs - i)))
				rc = put_token(s, out, t + vs, ve - vs);
			i = ve;
		} else if (is_name_char(t[i]) && (i == 0 || !is_name_char(t[i - 1]))) {
			for (j = i; j < n && is_name_char(t[j]); j++)
				;
			for (nm = i; nm < j && t[nm] == '-'; nm++)
				;
			if (nm < j && secret_class(t + nm, j - nm) != S_NONE &&
			    assigned_value(t, n, i, j, whole_file, &vs, &ve)) {
				if (!(rc = buf_append(out, t + i, vs - i)))
					rc = put_token(s, out, t + vs, ve - vs);
				i = ve;
			} else {
				rc = buf_append(out, t + i, j - i);
				i = j;
			}
		} else {
			rc = buf_append(out, t + i, 1);
			i++;
		}
	}
	return rc;
}

static int redact(struct snap *s, const char *t, size_t n, bool whole_file, struct buf *out)
{
	int rc;

	buf_reset(&s->pre);
	if (!(rc = redact_assignments(s, t, n, whole_file, &s->pre)))
		rc = pii_scrub(s->pii, PII_PSEUDONYMISE, s->pre.data ? s->pre.data : "",
			       s->pre.len, out, &s->counts);
	if (s->pre.data)
		OPENSSL_cleanse(s->pre.data, s->pre.len);
	return rc;
}

static int snap_emit(void *arg, const char *path, size_t plen, const char *v, size_t vn,
		     bool secret, bool literal, int line)
{
	struct snap *s = arg;
	char where[PATH_MAX + 32];
	json_t *js;
	int rc;

	buf_reset(&s->out);
	if (literal)
		rc = buf_append(&s->out, v, vn);
	else if (secret)
		rc = put_token(s, &s->out, v, vn);
	else
		rc = redact(s, v, vn, false, &s->out);
	if (rc)
		return rc;
	if (!(js = json_stringn(s->out.data ? s->out.data : "", s->out.len)))
		return err_set(ERR_PARSE, "%s: the value of '%s' is not UTF-8 text",
			       loc(where, sizeof(where), s->name, line), path);
	if (json_object_setn_new(s->keys, path, plen, js))
		return err_set(ERR_PARSE, "%s: key '%s' is not UTF-8 text",
			       loc(where, sizeof(where), s->name, line), path);
	return 0;
}

static int digest_json(char hex[HEX_LEN(SHA256_LEN)], const json_t *v)
{
	struct buf b = BUF_INIT;
	uint8_t d[SHA256_LEN];
	int rc;

	if (!(rc = json_stable(&b, v)) && !(rc = sha256(d, b.data ? b.data : "", b.len)))
		hex_encode(hex, d, SHA256_LEN);
	buf_free(&b);
	return rc;
}

/* An unparsed text file: its scrubbed lines. */
static int snap_text(struct snap *s, json_t *fo, const char *t, size_t n)
{
	char hex[HEX_LEN(SHA256_LEN)];
	json_t *lines = json_array();
	size_t a = 0;
	int rc;

	if (!lines)
		return err_set(ERR_NOMEM, "out of memory");
	buf_reset(&s->out);
	if ((rc = redact(s, t, n, true, &s->out)))
		goto out;
	for (size_t b; a < s->out.len; a = b + 1) {
		const char *nl = memchr(s->out.data + a, '\n', s->out.len - a);
		size_t e;

		b = nl ? (size_t)(nl - s->out.data) : s->out.len;
		e = b > a && s->out.data[b - 1] == '\r' ? b - 1 : b;
		if (json_array_append_new(lines, json_stringn(s->out.data + a, e - a))) {
			rc = err_set(ERR_PARSE, "%s: not UTF-8 text after redaction", s->name);
			goto out;
		}
	}
	if ((rc = digest_json(hex, lines)))
		goto out;
	json_object_set_new(fo, "sha256", json_string(hex));
	json_object_set(fo, "lines", lines);
out:
	json_decref(lines);
	return rc;
}

/* A parsed file: its keys.  *fallback is set when a lenient format (.conf)
 * did not parse and should be kept as text instead. */
static int snap_parsed(struct snap *s, json_t *fo, enum config_format f, bool lenient,
		       const char *t, size_t n, bool *fallback)
{
	struct config_sink sink = { snap_emit, s, s->pii };
	struct pii_counts counts = s->counts;
	uint64_t secrets = s->secrets;
	char hex[HEX_LEN(SHA256_LEN)];
	int rc;

	*fallback = false;
	if (!(s->keys = json_object()))
		return err_set(ERR_NOMEM, "out of memory");
	rc = config_parse(f, s->name, t, n, &sink);
	if (rc == ERR_PARSE && lenient) {
		err_clear();
		s->counts = counts;
		s->secrets = secrets;
		*fallback = true;
		rc = 0;
	} else if (!rc && !(rc = digest_json(hex, s->keys))) {
		json_object_set_new(fo, "sha256", json_string(hex));
		json_object_set(fo, "keys", s->keys);
	}
	json_decref(s->keys);
	s->keys = NULL;
	return rc;
}

/* ---- files ---- */

struct fent {
	char *path; /* as walked from the path given */
	char *abs;  /* absolute, for the snapshot */
	dev_t dev;
	ino_t ino;
};

struct flist {
	struct fent *v;
	size_t n, cap;
	uint64_t total;
	json_t *skipped;  /* absolute path -> why */
	struct stat store;
	bool have_store;
};

/* The path made absolute without resolving symlinks: "." and empty
 * components dropped. */
static int make_absolute(char **out, const char *path)
{
	struct buf b = BUF_INIT;
	char cwd[PATH_MAX];
	const char *parts[2] = { cwd, path };
	int rc = 0;

	*out = NULL;
	if (path[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		return err_set(ERR_IO, "cannot get the current directory: %s", strerror(errno));
	for (size_t k = path[0] == '/' ? 1 : 0; !rc && k < 2; k++)
		for (const char *p = parts[k]; !rc && *p;) {
			size_t n = strcspn(p, "/");

			if (n && !(n == 1 && p[0] == '.') &&
			    !(rc = buf_append(&b, "/", 1)))
				rc = buf_append(&b, p, n);
			p += n;
			p += strspn(p, "/");
		}
	if (!rc && !b.len)
		rc = buf_puts(&b, "/");
	if (rc) {
		buf_free(&b);
		return rc;
	}
	*out = buf_detach(&b, NULL);
	return 0;
}

static void skip(struct flist *fl, const char *path, const char *why)
{
	char *abs = NULL;

	if (json_object_size(fl->skipped) < SKIPPED_MAX && !make_absolute(&abs, path))
		json_object_set_new(fl->skipped, abs, json_string(why));
	free(abs);
}

static int add_file(struct flist *fl, const char *path, const struct stat *st)
{
	struct fent *e;

	if ((uint64_t)st->st_size > CONFIG_MAX_FILE_BYTES)
		return err_set(ERR_LIMIT, "'%s' is %lld bytes, over the %zu-byte limit for a "
			       "configuration file", path, (long long)st->st_size,
			       CONFIG_MAX_FILE_BYTES);
	if (fl->n >= CONFIG_MAX_FILES)
		return err_set(ERR_LIMIT, "more than %d configuration files (at '%s')",
			       CONFIG_MAX_FILES, path);
	fl->total += (uint64_t)st->st_size;
	if (fl->total > CONFIG_MAX_RUN_BYTES)
		return err_set(ERR_LIMIT, "configuration files add up to more than %zu bytes "
			       "(at '%s')", CONFIG_MAX_RUN_BYTES, path);
	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? fl->cap * 2 : 32;

		if (!(e = reallocarray(fl->v, cap, sizeof(*e))))
			return err_set(ERR_NOMEM, "out of memory");
		fl->v = e;
		fl->cap = cap;
	}
	e = &fl->v[fl->n];
	memset(e, 0, sizeof(*e));
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	if (!(e->path = strdup(path)))
		return err_set(ERR_NOMEM, "out of memory");
	fl->n++;
	return make_absolute(&e->abs, path);
}

static int join(struct buf *out, const char *dir, const char *name)
{
	size_t n = strlen(dir);

	buf_reset(out);
	return buf_printf(out, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The entries of a directory (without "." and ".."), read and closed
 * before the walk goes deeper, so depth does not cost descriptors. */
static int read_names(const char *dir, char ***out, size_t *n)
{
	size_t cap = 0;
	struct dirent *de;
	char **v = NULL, **grown;
	DIR *d = opendir(dir);
	int rc = 0;

	*n = 0;
	if (!d)
		return err_set(ERR_IO, "cannot open directory '%s': %s", dir, strerror(errno));
	for (errno = 0; !rc && (de = readdir(d)); errno = 0) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			if (!(grown = reallocarray(v, cap, sizeof(*v)))) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			v = grown;
		}
		if (!(v[*n] = strdup(de->d_name)))
			rc = err_set(ERR_NOMEM, "out of memory");
		else
			(*n)++;
	}
	if (!rc && errno)
		rc = err_set(ERR_IO, "cannot read directory '%s': %s", dir, strerror(errno));
	closedir(d);
	if (rc) {
		free_names(v, *n);
		*n = 0;
		return rc;
	}
	*out = v;
	return 0;
}

static int walk_dir(struct flist *fl, const char *dir, int depth)
{
	struct buf child = BUF_INIT;
	char **names = NULL;
	size_t n = 0;
	struct stat st;
	int rc;

	if (depth > CONFIG_MAX_DEPTH)
		return err_set(ERR_LIMIT, "'%s': directories nested deeper than %d levels", dir,
			       CONFIG_MAX_DEPTH);
	if ((rc = read_names(dir, &names, &n)))
		return rc;
	for (size_t i = 0; !rc && i < n; i++) {
		if ((rc = join(&child, dir, names[i])))
			break;
		if (lstat(child.data, &st) < 0) {
			rc = err_set(ERR_IO, "cannot stat '%s': %s", child.data, strerror(errno));
		} else if (S_ISLNK(st.st_mode)) {
			skip(fl, child.data, "symlink");
		} else if (S_ISDIR(st.st_mode)) {
			if (!strcmp(names[i], ".git") || !strcmp(names[i], ".hg") ||
			    !strcmp(names[i], ".svn"))
				skip(fl, child.data, "version control");
			else if (fl->have_store && st.st_dev == fl->store.st_dev &&
				 st.st_ino == fl->store.st_ino)
				skip(fl, child.data, "evidence store");
			else
				rc = walk_dir(fl, child.data, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			rc = add_file(fl, child.data, &st);
		} else {
			skip(fl, child.data, "not a regular file");
		}
	}
	buf_free(&child);
	free_names(names, n);
	return rc;
}

static int fent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fent *)a)->abs, ((const struct fent *)b)->abs);
}

static void flist_free(struct flist *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		free(fl->v[i].path);
		free(fl->v[i].abs);
	}
	free(fl->v);
	json_decref(fl->skipped);
}

/* Every regular file under the paths given, sorted, each once. */
static int list_files(struct flist *fl, struct store *store, char *const *paths, size_t n)
{
	struct stat st;
	size_t k = 0;
	int rc = 0;

	memset(fl, 0, sizeof(*fl));
	if (!(fl->skipped = json_object()))
		return err_set(ERR_NOMEM, "out of memory");
	fl->have_store = store && store_dir(store) && stat(store_dir(store), &fl->store) == 0;
	for (size_t i = 0; !rc && i < n; i++) {
		/* A symlink named on the command line is followed; inside a
		 * tree, none is. */
		if (stat(paths[i], &st) < 0)
			rc = err_set(ERR_IO, "cannot read '%s': %s", paths[i], strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = walk_dir(fl, paths[i], 0);
		else if (S_ISREG(st.st_mode))
			rc = add_file(fl, paths[i], &st);
		else
			rc = err_set(ERR_IO, "'%s' is not a regular file or a directory", paths[i]);
	}
	if (rc)
		return rc;
	if (fl->n)
		qsort(fl->v, fl->n, sizeof(*fl->v), fent_cmp);
	for (size_t i = 0; i < fl->n; i++) {
		if (k && !strcmp(fl->v[k - 1].abs, fl->v[i].abs)) {
			free(fl->v[i].path);
			free(fl->v[i].abs);
			continue;
		}
		fl->v[k++] = fl->v[i];
	}
	fl->n = k;
	return 0;
}

/* ---- the snapshot ---- */

static int snap_file(struct snap *s, const struct fent *fe)
{
	char hex[HEX_LEN(SHA256_LEN)];
	struct buf raw = BUF_INIT;
	bool lenient, fallback = false;
	enum config_format f = config_format_of(fe->path, &lenient);
	uint8_t d[SHA256_LEN];
	json_t *fo = NULL, *cnt;
	const char *t;
	struct stat st;
	int line, col, rc;
	size_t n;

	s->name = fe->path;
	if ((rc = fs_read_file(&raw, fe->path, CONFIG_MAX_FILE_BYTES, &st)))
		goto out;
	if (st.st_dev != fe->dev || st.st_ino != fe->ino) {
		rc = err_set(ERR_IO, "'%s' was replaced while being read", fe->path);
		goto out;
	}
	s->bytes += raw.len;
	t = raw.data ? raw.data : "";
	n = raw.len;
	strip_bom(&t, &n);
	if (!utf8_text(t, n, &line, &col)) {
		if (f != CONFIG_TEXT && !lenient) {
			rc = err_set(ERR_PARSE, "%s:%d:%d: not UTF-8 text", fe->path, line, col);
			goto out;
		}
		f = CONFIG_BINARY;
	}
	if (!(fo = json_object())) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto out;
	}
	if (f == CONFIG_JSON || f == CONFIG_YAML || f == CONFIG_INI || f == CONFIG_ENV) {
		if ((rc = snap_parsed(s, fo, f, lenient, t, n, &fallback)))
			goto out;
		if (fallback)
			f = CONFIG_TEXT;
	}
	if (f == CONFIG_TEXT && (rc = snap_text(s, fo, t, n)))
		goto out;
	if (f == CONFIG_BINARY) {
		/* Not text: only its digest and size are kept. */
		if ((rc = sha256(d, raw.data ? raw.data : "", raw.len)))
			goto out;
		hex_encode(hex, d, SHA256_LEN);
		json_object_set_new(fo, "sha256", json_string(hex));
		json_object_set_new(fo, "size", json_integer((json_int_t)raw.len));
	}
	json_object_set_new(fo, "format", json_string(config_format_name(f)));
	if (json_object_set(s->files, fe->abs, fo)) {
		rc = err_set(ERR_IO, "'%s': the file name is not UTF-8", fe->path);
		goto out;
	}
	cnt = json_object_get(s->formats, config_format_name(f));
	json_object_set_new(s->formats, config_format_name(f),
			    json_integer(cnt ? json_integer_value(cnt) + 1 : 1));
out:
	json_decref(fo);
	if (raw.data)
		OPENSSL_cleanse(raw.data, raw.len);
	buf_free(&raw);
	return rc;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of an object in byte order (pointers into the object). */
static int sorted_keys(const json_t *obj, const char ***out, size_t *n)
{
	const char **v = NULL, *k;
	json_t *val;
	size_t i = 0;

	*out = NULL;
	*n = json_object_size(obj);
	if (!*n)
		return 0;
	if (!(v = calloc(*n, sizeof(*v))))
		return err_set(ERR_NOMEM, "out of memory");
	json_object_foreach((json_t *)obj, k, val)
		v[i++] = k;
	qsort(v, *n, sizeof(*v), key_cmp);
	*out = v;
	return 0;
}

/* "<file>:<key>" -> value for every key of every file; an unparsed file
 * counts as one key, "<file>:*", whose value is its digest. */
static int flatten(const json_t *files, json_t *out)
{
	struct buf b = BUF_INIT;
	const char *f, *k;
	json_t *fo, *v, *keys;
	int rc = 0;

	json_object_foreach((json_t *)files, f, fo) {
		keys = json_object_get(fo, "keys");
		if (!json_is_object(keys)) {
			buf_reset(&b);
			if ((rc = buf_printf(&b, "%s:*", f)) ||
			    json_object_set(out, b.data, json_object_get(fo, "sha256")))
				goto out;
			continue;
		}
		json_object_foreach(keys, k, v) {
			buf_reset(&b);
			if ((rc = buf_printf(&b, "%s:%s", f, k)) || json_object_set(out, b.data, v))
				goto out;
		}
	}
out:
	buf_free(&b);
	return rc ? rc : 0;
}

struct diff {
	json_t *list[3]; /* added, changed, removed */
	json_int_t count[3];
	bool truncated;
};

static void diff_add(struct diff *d, int which, const char *key)
{
	d->count[which]++;
	if (json_array_size(d->list[which]) < CONFIG_MAX_DIFF)
		json_array_append_new(d->list[which], json_string(key));
	else
		d->truncated = true;
}

static int diff_attrs(json_t *a, const json_t *old, const json_t *cur)
{
	static const char *const names[3] = { "added", "changed", "removed" };
	struct diff d = { { json_array(), json_array(), json_array() }, { 0, 0, 0 }, false };
	const char **keys = NULL;
	size_t n;
	int rc;

	if ((rc = sorted_keys(cur, &keys, &n)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		json_t *ov = json_object_get(old, keys[i]);

		if (!ov)
			diff_add(&d, 0, keys[i]);
		else if (!json_equal(ov, json_object_get(cur, keys[i])))
			diff_add(&d, 1, keys[i]);
	}
	free(keys);
	if ((rc = sorted_keys(old, &keys, &n)))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (!json_object_get(cur, keys[i]))
			diff_add(&d, 2, keys[i]);
	json_object_set_new(a, "changes", json_pack("{s:I, s:I, s:I}", "added", d.count[0],
						    "changed", d.count[1], "removed", d.count[2]));
	json_object_set_new(a, "diff_truncated", json_boolean(d.truncated));
	for (int i = 0; i < 3; i++)
		json_object_set(a, names[i], d.list[i]);
out:
	free(keys);
	for (int i = 0; i < 3; i++)
		json_decref(d.list[i]);
	return rc;
}

/* A value for attrs: long ones (certificates, scripts) as their size and
 * digest. */
static json_t *attr_value(json_t *v)
{
	char hex[HEX_LEN(SHA256_LEN)], text[96];
	uint8_t d[SHA256_LEN];
	size_t n = json_string_length(v);

	if (n <= VALUE_ATTR_MAX || sha256(d, json_string_value(v), n))
		return json_incref(v);
	hex_encode(hex, d, SHA256_LEN);
	snprintf(text, sizeof(text), "<%zu bytes sha256:%.16s>", n, hex);
	return json_string(text);
}

/* attrs "values": "<file>:<key>" -> value, files and keys in order, the
 * first CONFIG_MAX_VALUES. */
static int values_attrs(json_t *a, const json_t *files)
{
	const char **fnames = NULL, **knames = NULL;
	json_t *vals = json_object();
	struct buf b = BUF_INIT;
	size_t nf, nk, count = 0;
	bool truncated = false;
	int rc;

	if ((rc = sorted_keys(files, &fnames, &nf)))
		goto out;
	for (size_t i = 0; !rc && !truncated && i < nf; i++) {
		json_t *keys = json_object_get(json_object_get(files, fnames[i]), "keys");

		if (!json_is_object(keys) || (rc = sorted_keys(keys, &knames, &nk)))
			continue;
		for (size_t j = 0; !rc && j < nk; j++) {
			if (count++ == CONFIG_MAX_VALUES) {
				truncated = true;
				break;
			}
			buf_reset(&b);
			if (!(rc = buf_printf(&b, "%s:%s", fnames[i], knames[j])))
				json_object_set_new(vals, b.data,
						    attr_value(json_object_get(keys, knames[j])));
		}
		free(knames);
		knames = NULL;
	}
	json_object_set(a, "values", vals);
	json_object_set_new(a, "values_truncated", json_boolean(truncated));
out:
	free(fnames);
	free(knames);
	buf_free(&b);
	json_decref(vals);
	return rc;
}

static int digest_hex(char hex[HEX_LEN(SHA256_LEN)], const struct buf *b)
{
	uint8_t d[SHA256_LEN];
	int rc = sha256(d, b->data ? b->data : "", b->len);

	if (!rc)
		hex_encode(hex, d, SHA256_LEN);
	return rc;
}

/* The diff against the previous snapshot (the source's cursor). */
static int previous_attrs(json_t *a, const char *source, const json_t *files,
			  const struct buf *prev, bool found)
{
	char hex[HEX_LEN(SHA256_LEN)];
	json_t *old = NULL, *oldflat = json_object(), *curflat = json_object();
	int rc;

	json_object_set_new(a, "previous", json_null());
	if (found) {
		if (!(old = json_loadb(prev->data ? prev->data : "", prev->len, 0, NULL)) ||
		    !json_is_object(json_object_get(old, "files"))) {
			rc = err_set(ERR_DB, "the previous configuration snapshot of source '%s' "
				     "is damaged", source);
			goto out;
		}
		if ((rc = digest_hex(hex, prev)) ||
		    (rc = flatten(json_object_get(old, "files"), oldflat)))
			goto out;
		json_object_set_new(a, "previous", json_string(hex));
	}
	if (!(rc = flatten(files, curflat)))
		rc = diff_attrs(a, oldflat, curflat);
out:
	json_decref(old);
	json_decref(oldflat);
	json_decref(curflat);
	return rc;
}

static json_t *pii_attrs(const struct pii_counts *c)
{
	json_t *o = json_object();

	for (int t = 0; t < PII_NTYPES; t++)
		if (c->n[t])
			json_object_set_new(o, pii_type_name((enum pii_type)t),
					    json_integer((json_int_t)c->n[t]));
	return o;
}

static int build_attrs(struct buf *out, const struct snap *s, const struct flist *fl,
		       char *const *paths, size_t n, const char *tree, const char *source,
		       const struct buf *prev, bool found)
{
	json_t *a = json_object(), *p = json_array();
	int rc;

	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(p, json_string(paths[i]))) {
			rc = err_set(ERR_USAGE, "path '%s' is not UTF-8", paths[i]);
			goto out;
		}
	json_object_set(a, "paths", p);
	json_object_set_new(a, "files", json_integer((json_int_t)json_object_size(s->files)));
	json_object_set_new(a, "bytes", json_integer((json_int_t)s->bytes));
	json_object_set_new(a, "tree_sha256", json_string(tree));
	json_object_set(a, "formats", s->formats);
	json_object_set(a, "skipped", fl->skipped);
	json_object_set_new(a, "secrets", json_integer((json_int_t)s->secrets));
	json_object_set_new(a, "pii", pii_attrs(&s->counts));
	if (!(rc = values_attrs(a, s->files)) &&
	    !(rc = previous_attrs(a, source, s->files, prev, found)))
		rc = json_stable(out, a);
out:
	json_decref(p);
	json_decref(a);
	return rc;
}

static void snap_free(struct snap *s)
{
	json_decref(s->files);
	json_decref(s->formats);
	if (s->pre.data)
		OPENSSL_cleanse(s->pre.data, s->pre.cap);
	buf_free(&s->pre);
	buf_free(&s->out);
}

static int append_snapshot(struct collect_ctx *c, const char *source, const struct buf *payload,
			   const struct buf *attrs, uint64_t *index)
{
	struct entry_input in;
	int rc;

	memset(&in, 0, sizeof(in));
	in.kind = "config-snapshot";
	in.source = source;
	in.subject = NULL;
	/* A snapshot speaks for the moment it was read. */
	in.eff_from = in.eff_to = in.collected = c->now;
	in.attrs = attrs->data;
	in.attrs_len = attrs->len;
	in.payload = payload->data;
	in.payload_len = payload->len;
	if ((rc = store_append(c->store, &in, index)))
		return rc;
	/* The next run diffs against this (redacted) snapshot. */
	return store_cursor_put(c->store, source, "snapshot", payload->data, payload->len);
}

int config_collect(struct collect_ctx *c, const char *source, char *const *paths, size_t n,
		   struct pii *pii, struct collect_result *r)
{
	struct buf payload = BUF_INIT, attrs = BUF_INIT, prev = BUF_INIT;
	char tree[HEX_LEN(SHA256_LEN)];
	json_t *root = NULL;
	struct flist fl;
	struct snap s;
	struct observed ob;
	uint64_t index;
	bool found = false, unchanged;
	int rc;

	memset(&s, 0, sizeof(s));
	memset(&fl, 0, sizeof(fl));
	s.c = c;
	s.pii = pii ? pii : c->pii;
	if (!n || !s.pii) {
		rc = err_set(ERR_USAGE, "source '%s': %s", source,
			     n ? "no PII detectors given" : "no configuration paths given");
		goto out;
	}
	s.files = json_object();
	s.formats = json_object();
	if (!s.files || !s.formats) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = list_files(&fl, c->store, paths, n)))
		goto out;
	for (size_t i = 0; i < fl.n; i++)
		if ((rc = snap_file(&s, &fl.v[i])))
			goto out;
	if (!(root = json_pack("{s:O}", "files", s.files))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = json_stable(&payload, root)) || (rc = digest_hex(tree, &payload)))
		goto out;
	/* The same snapshot as last time: no second copy, one re-observation. */
	ob = (struct observed){ source, "seen", "config-snapshot", "", payload.data,
				payload.len };
	if ((rc = observe_check(c, &ob, &unchanged, NULL)))
		goto out;
	if (unchanged) {
		if (r)
			r->unchanged++;
		goto out;
	}
	if ((rc = store_cursor_get(c->store, source, "snapshot", &prev, &found)) ||
	    (rc = build_attrs(&attrs, &s, &fl, paths, n, tree, source, &prev, found)) ||
	    (rc = append_snapshot(c, source, &payload, &attrs, &index)) ||
	    (rc = observe_recorded(c, &ob, index)))
		goto out;
	if (r)
		r->entries++;
out:
	json_decref(root);
	snap_free(&s);
	flist_free(&fl);
	buf_free(&payload);
	buf_free(&attrs);
	buf_free(&prev);
	return rc;
}
