/*
 * config_secret.c - which key names are secrets, keyed secret tokens, and
 * the format of a file from its name (see config_internal.h).
 */
#include "config.h"
#include "config_internal.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/hash.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* ---- names, tokens, formats ---- */

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
enum secret_level config_secret_class(const char *name, size_t len)
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
	return config_secret_class(name, len) != S_NONE;
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

bool config_name_is(const char *s, size_t n, const char *lit)
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
		if (config_name_is(ext, en, "json"))
			return CONFIG_JSON;
		if (config_name_is(ext, en, "yaml") || config_name_is(ext, en, "yml"))
			return CONFIG_YAML;
		if (config_name_is(ext, en, "ini") || config_name_is(ext, en, "toml"))
			return CONFIG_INI;
		if (config_name_is(ext, en, "cfg") || config_name_is(ext, en, "conf") ||
		    config_name_is(ext, en, "cnf")) {
			*lenient = true;
			return CONFIG_INI;
		}
	}
	if ((bn >= 4 && config_name_is(base + bn - 4, 4, ".env")) ||
	    (bn > 5 && config_name_is(base, 5, ".env.")))
		return CONFIG_ENV;
	return CONFIG_TEXT;
}

void config_strip_bom(const char **buf, size_t *len)
{
	if (*len >= 3 && !memcmp(*buf, "\xef\xbb\xbf", 3)) {
		*buf += 3;
		*len -= 3;
	}
}
