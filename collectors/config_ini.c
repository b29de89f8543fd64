/*
 * config_ini.c - INI/TOML ([section], key = value, """multi-line""") and
 * .env (KEY=VALUE, export, quoted values over several lines).
 */
#include "config.h"
#include "config_internal.h"
#include "../common/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

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
	return config_name_is(s, n, "true") || config_name_is(s, n, "false");
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
	config_path_pop(w, 0);
	if ((in->section.len && (rc = config_path_push_raw(w, in->section.data, in->section.len))) ||
	    (rc = config_path_push_raw(w, in->key.data, in->key.len)))
		return rc;
	rc = config_walk_emit(w, in->val.data ? in->val.data : "", in->val.len,
		       !in->literal && (in->section_secret ||
					config_secret_class(in->key.data, in->key.len) != S_NONE),
		       in->literal, in->line);
	config_path_pop(w, 0);
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
			return rc ? rc : err_nomem();
	}
	/* "[credentials]", "[secrets.db]": everything in it is secret. */
	in->section_secret = false;
	for (size_t a = 0, b = 0; b <= nn; b++)
		if (b == nn || name[b] == '.') {
			if (config_secret_class(name + a, b - a) == S_ALL)
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

int config_parse_ini(struct walk *w, const char *buf, size_t len)
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
		return err_nomem();
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
	config_path_pop(w, 0);
	if ((rc = config_path_push_raw(w, key, kn)))
		return rc;
	rc = config_walk_emit(w, val->data ? val->data : "", val->len,
		       !literal && config_secret_class(key, kn) != S_NONE, literal, line);
	config_path_pop(w, 0);
	if (val->data)
		OPENSSL_cleanse(val->data, val->len);
	return rc;
}

int config_parse_env(struct walk *w, const char *buf, size_t len)
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
