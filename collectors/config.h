/*
 * config.h - the configuration-snapshot collector: files and directory
 * trees of JSON, YAML, INI and .env files, flattened to key paths, secrets
 * replaced by keyed hashes, one entry per run with the diff against the
 * previous snapshot of the same source (change-management evidence).
 *
 * Key paths: "server.tls.min_version", "containers[0].env[2].value",
 * "[database] password" -> "database.password".  A key that contains '.',
 * '[', ']', '"', '\' or a control character, or is empty, is written
 * quoted: metadata.annotations["kubernetes.io/ingress.class"].  A YAML file
 * with more than one (non-empty) document has its paths prefixed with the
 * document index: "[1].metadata.name".  INI sections and keys and .env
 * names are used as written, dots and all ("[server.tls]" + "min_version"
 * -> "server.tls.min_version"; TOML "[[peers]]" -> "peers[0]", "peers[1]").
 * Values are strings; a bare INI key or .env NAME is "null"; numbers and
 * booleans keep their text ("8443", "true"); JSON and YAML null is "null";
 * an empty mapping or sequence is "{}" or "[]".
 *
 * Secrets: a scalar whose key (the last named path component) looks like a
 * secret name (config_is_secret_name()), everything below a mapping whose
 * key does (except "auth"), the "value" beside a "name"/"key" that does
 * (Kubernetes env lists), and the data/stringData of a Kubernetes Secret
 * become config_secret_token() of the value; booleans and null are kept.
 * Every other value and every line of an unparsed file goes through: URL
 * credentials ("scheme://user:PASS@") and secret-looking assignments inside
 * text ("--db-password=x", "token: x"; in unparsed files also "requirepass
 * x" at the start of a line) replaced by a keyed hash, then
 * pii_scrub(PII_PSEUDONYMISE).  Key names go through pii_scrub() too.
 */
#ifndef AUDITPACK_CONFIG_H
#define AUDITPACK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector.h"
#include "pii.h"

#define CONFIG_MAX_FILE_BYTES ((size_t)16 << 20)  /* per file */
#define CONFIG_MAX_RUN_BYTES ((size_t)256 << 20)  /* all files of a run */
#define CONFIG_MAX_FILES 50000                    /* files of a run */
#define CONFIG_MAX_DEPTH 64                       /* nesting of a document */
#define CONFIG_MAX_NODES 2000000  /* YAML nodes of a document, aliases expanded */
#define CONFIG_ALIAS_GROWTH 10    /* ... and at most 10x its own nodes (+10000) */
#define CONFIG_MAX_KEYS 1000000   /* key paths per file */
#define CONFIG_MAX_VALUES 5000    /* attrs "values" */
#define CONFIG_MAX_DIFF 1000      /* attrs "changed" / "added" / "removed", each */

enum config_format {
	CONFIG_JSON,
	CONFIG_YAML,
	CONFIG_INI,
	CONFIG_ENV,
	CONFIG_TEXT,   /* not parsed: scrubbed lines */
	CONFIG_BINARY, /* not UTF-8 text: digest only */
};

/* "json", "yaml", "ini", "env", "text", "binary". */
const char *config_format_name(enum config_format f);

/*
 * The format a file is parsed as, by name: .json; .yaml/.yml; .ini/.toml;
 * .cfg/.conf/.cnf (INI when the whole file parses as INI, else text:
 * *lenient is set); .env, *.env and .env.*; anything else text.  Case
 * does not matter.
 */
enum config_format config_format_of(const char *path, bool *lenient);

/*
 * Whether a key name looks like it holds a secret (case does not matter):
 * its last word (split at non-alphanumerics and camelCase) is password(s),
 * passwd, pwd, pass, passphrase, secret(s), token(s), key(s),
 * credential(s), auth, authorization or dsn; or it is one word ending in
 * password, secret, token, apikey, accesskey, privatekey, ...; or
 * "connection_string"; or "<secret word>_hash/_value/_data/...".  Not
 * secrets: "keyboard", "monkey", "keys_count", "key_id", "public_key",
 * "password_file", "token_ttl", and counts such as "max_tokens",
 * "prompt_tokens", "num_keys".
 */
bool config_is_secret_name(const char *name, size_t len);

#define CONFIG_TOKEN_LEN 26 /* "<secret:" 16 hex ">" NUL */

/* "<secret:" + the first 16 hex digits of HMAC-SHA256(secret, value) + ">"
 * (secret: STORE_SECRET_LEN bytes).  0 or ERR_CRYPTO. */
int config_secret_token(char out[CONFIG_TOKEN_LEN], const uint8_t *secret,
			const char *value, size_t len);

/*
 * What a parser hands out, one scalar at a time.  `path` (path_len bytes,
 * NUL-terminated) is the key path with key names already scrubbed when
 * `pii` is set; `value` is the raw value; `secret` says the key makes it a
 * secret; `literal` that it is a boolean or null (kept even when secret).
 * `line` is the 1-based line of the value.  A non-zero return stops the
 * parse and is returned.
 */
struct config_sink {
	int (*emit)(void *arg, const char *path, size_t path_len, const char *value,
		    size_t value_len, bool secret, bool literal, int line);
	void *arg;
	struct pii *pii; /* NULL: key names are kept as they are */
};

/*
 * Parse buf[0..len) (a JSON, YAML, INI or .env document; `name` is used
 * in messages) and emit every scalar.  Errors: ERR_PARSE "name:line:col:
 * why" for malformed input (including text that is not UTF-8), ERR_LIMIT
 * for nesting past CONFIG_MAX_DEPTH, YAML aliases expanding past
 * CONFIG_MAX_NODES, or more than CONFIG_MAX_KEYS values.
 */
int config_parse(enum config_format f, const char *name, const char *buf,
		 size_t len, const struct config_sink *sink);

/*
 * Take a snapshot of `paths` (files, or directory trees walked in path
 * order without following symlinks; a symlink given on the command line
 * is followed; .git/.hg/.svn and the store's own directory are left out)
 * and append one "config-snapshot" entry for `source`, subject "-",
 * effective and collected c->now:
 *   payload  {"files": {"<absolute path>": {"format", "sha256", "keys"
 *            (parsed) | "lines" (text) | "size" (binary)}}}, stable JSON;
 *            "sha256" is the digest of the redacted keys/lines (of the
 *            bytes for binary files);
 *   attrs    paths, files, bytes, formats, tree_sha256 (of the payload),
 *            previous (tree_sha256 of the last snapshot or null), values
 *            ("<file>:<key>" -> value, the first CONFIG_MAX_VALUES, long
 *            values summarised) and values_truncated, changed / added /
 *            removed ("<file>:<key>", sorted, CONFIG_MAX_DIFF each; an
 *            unparsed file is the key "<file>:*"), changes (the full
 *            counts), diff_truncated, secrets (values replaced by keyed
 *            hashes), pii (detector -> count), skipped (symlinks, special
 *            files and VCS directories left out).
 * The payload is kept as the source's "snapshot" cursor for the next diff.
 * `pii` scrubs values and key names (NULL: c->pii).  Adds 1 to
 * r->entries.  Call inside store_begin()/store_commit(); on error the
 * caller rolls back.  ERR_IO names an unreadable path, ERR_PARSE a
 * malformed file (file:line:col; a .cfg/.conf/.cnf file that is not INI
 * is kept as text instead), ERR_LIMIT a size cap (CONFIG_MAX_*).
 */
int config_collect(struct collect_ctx *c, const char *source, char *const *paths,
		   size_t n, struct pii *pii, struct collect_result *r);

#endif
