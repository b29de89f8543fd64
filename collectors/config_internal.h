/*
 * config_internal.h - what the pieces of the configuration collector share.
 * Not a public interface: only collectors/config*.c include it.
 *
 * The collector is split along its seams:
 *   config_secret.c  which key names are secrets, keyed secret tokens,
 *                    the format of a file from its name
 *   config_parse.c   config_parse(): key paths, the walk every parser
 *                    feeds, and the JSON parser
 *   config_yaml.c    YAML (on common/yamlutil), with its secret-aware walker
 *   config_ini.c     INI/TOML and .env
 *   config_redact.c  redaction of values and of unparsed text, and the
 *                    per-file snapshot a parse produces
 *   config.c         the files of a run, the snapshot, its diff and
 *                    config_collect()
 */
#ifndef AUDITPACK_CONFIG_INTERNAL_H
#define AUDITPACK_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "pii.h"
#include "../common/buf.h"

#define EMIT_MAX_BYTES ((size_t)128 << 20) /* key paths + values of one file */
#define VALUE_ATTR_MAX 1024               /* longer values are summarised in attrs */
#define SKIPPED_MAX 100

/* How far a secret key reaches: nothing, the scalars right under it (an
 * "auth" key), or everything below it. */
enum secret_level { S_NONE, S_SCALAR, S_ALL };

static inline char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static inline bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static inline bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || is_upper(c) || (c >= '0' && c <= '9');
}

static inline bool is_name_char(char c)
{
	return is_alnum(c) || c == '_' || c == '-' || c == '.';
}

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static inline bool word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && !memcmp(w, s, n);
}

static inline bool word_in(const char *w, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (word_is(w, n, *list))
			return true;
	return false;
}

struct walk {
	const struct config_sink *sink;
	const char *name;
	struct buf path;
	struct buf tmp;
	size_t keys;
	size_t bytes;
};

/* What a mapping says about its children: a Kubernetes Secret's data is
 * secret, and so is the "value" beside a "name" (or "key") that names a
 * secret, as in a container's env list. */
struct map_hints {
	bool secret_data;
	bool secret_value;
};

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

/* ---- config_secret.c ---- */

/* S_NONE, S_SCALAR (auth: reaches only its own scalars) or S_ALL. */
enum secret_level config_secret_class(const char *name, size_t len);

/* Whether s[0..n) equals the lower-case literal lit, ignoring ASCII case. */
bool config_name_is(const char *s, size_t n, const char *lit);

/* Skip a UTF-8 byte order mark at the start of *buf. */
void config_strip_bom(const char **buf, size_t *len);

/* ---- config_parse.c: the walk every parser feeds ---- */

/* Append one key to w->path: "a.b", or a["x.y"] when it needs quotes.
 * 0 or ERR_NOMEM. */
int config_path_push_key(struct walk *w, const char *k, size_t n);
/* Append dotted text as it is ("server.tls" from an INI section). */
int config_path_push_raw(struct walk *w, const char *k, size_t n);
/* Append "[i]". */
int config_path_push_index(struct walk *w, size_t i);
/* Cut w->path back to len bytes (a length it had before a push). */
void config_path_pop(struct walk *w, size_t len);

/* "name:line" into out, or just "name" when line is 0 (not known). */
const char *config_loc(char *out, size_t cap, const char *name, int line);

/* Hand one value at the current path to the sink, counting it against
 * CONFIG_MAX_KEYS and EMIT_MAX_BYTES (ERR_LIMIT past either). */
int config_walk_emit(struct walk *w, const char *v, size_t n, bool secret, bool literal,
		     int line);

/* The secret level of key k under a mapping with these hints. */
enum secret_level config_child_level(enum secret_level parent, const struct map_hints *h,
				     const char *k, size_t n);
/* Note what a key/value pair says about its siblings (kind: Secret, name:). */
void config_hint_pair(struct map_hints *h, const char *k, size_t kn, const char *v,
		      size_t vn);

/* ---- the parsers: each walks buf[0..len) (UTF-8, no BOM) into w ---- */

int config_parse_yaml(struct walk *w, const char *buf, size_t len); /* config_yaml.c */
int config_parse_ini(struct walk *w, const char *buf, size_t len);  /* config_ini.c */
int config_parse_env(struct walk *w, const char *buf, size_t len);  /* config_ini.c */

/* ---- config_redact.c ---- */

/* An unparsed text file: its scrubbed lines into the file object fo. */
int config_snap_text(struct snap *s, json_t *fo, const char *t, size_t n);

/* A parsed file: its keys into fo.  *fallback is set when a lenient format
 * (.conf) did not parse and the caller should keep it as text instead. */
int config_snap_parsed(struct snap *s, json_t *fo, enum config_format f, bool lenient,
		       const char *t, size_t n, bool *fallback);

#endif
