/*
 * config_redact.c - redaction: secret values replaced by keyed tokens,
 * URL passwords and secret-looking assignments in unparsed text, and the
 * per-file part of a snapshot (keys or scrubbed lines).
 */
#include "config.h"
#include "config_internal.h"
#include "../common/utf8.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/hash.h"
#include "../common/json.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

/* ---- redaction ---- */

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
			if (nm < j && config_secret_class(t + nm, j - nm) != S_NONE &&
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
	if (!utf8_valid(s->out.data ? s->out.data : "", s->out.len, NULL))
		return err_set(ERR_PARSE, "%s: the value of '%s' is not UTF-8 text",
			       config_loc(where, sizeof(where), s->name, line), path);
	if (!utf8_valid(path, plen, NULL))
		return err_set(ERR_PARSE, "%s: key '%s' is not UTF-8 text",
			       config_loc(where, sizeof(where), s->name, line), path);
	if (!(js = json_stringn(s->out.data ? s->out.data : "", s->out.len)) ||
	    json_object_setn_new(s->keys, path, plen, js))
		return err_nomem();
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
int config_snap_text(struct snap *s, json_t *fo, const char *t, size_t n)
{
	char hex[HEX_LEN(SHA256_LEN)];
	json_t *lines = json_array();
	size_t a = 0;
	int rc;

	if (!lines)
		return err_nomem();
	buf_reset(&s->out);
	if ((rc = redact(s, t, n, true, &s->out)))
		goto out;
	for (size_t b; a < s->out.len; a = b + 1) {
		const char *nl = memchr(s->out.data + a, '\n', s->out.len - a);
		size_t e;

		b = nl ? (size_t)(nl - s->out.data) : s->out.len;
		e = b > a && s->out.data[b - 1] == '\r' ? b - 1 : b;
		if (!utf8_valid(s->out.data + a, e - a, NULL)) {
			rc = err_set(ERR_PARSE, "%s: not UTF-8 text after redaction", s->name);
			goto out;
		}
		if ((rc = json_push(lines, json_stringn(s->out.data + a, e - a))))
			goto out;
	}
	if (!(rc = digest_json(hex, lines)) && !(rc = json_set(fo, "sha256", json_string(hex))))
		rc = json_set(fo, "lines", json_incref(lines));
out:
	json_decref(lines);
	return rc;
}

/* A parsed file: its keys.  *fallback is set when a lenient format (.conf)
 * did not parse and should be kept as text instead. */
int config_snap_parsed(struct snap *s, json_t *fo, enum config_format f, bool lenient,
		       const char *t, size_t n, bool *fallback)
{
	struct config_sink sink = { snap_emit, s, s->pii };
	struct pii_counts counts = s->counts;
	uint64_t secrets = s->secrets;
	char hex[HEX_LEN(SHA256_LEN)];
	int rc;

	*fallback = false;
	if (!(s->keys = json_object()))
		return err_nomem();
	rc = config_parse(f, s->name, t, n, &sink);
	if (rc == ERR_PARSE && lenient) {
		err_clear();
		s->counts = counts;
		s->secrets = secrets;
		*fallback = true;
		rc = 0;
	} else if (!rc && !(rc = digest_json(hex, s->keys)) &&
		   !(rc = json_set(fo, "sha256", json_string(hex)))) {
		rc = json_set(fo, "keys", json_incref(s->keys));
	}
	json_decref(s->keys);
	s->keys = NULL;
	return rc;
}
