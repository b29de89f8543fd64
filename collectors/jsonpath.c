/*
 * jsonpath.c - byte spans of the values at a dotted path in one JSON line.
 *
 * One pass, no allocation, no recursion: the open containers are a bit
 * stack (object or array), and `chain` counts how many of them, from the
 * top, lie on the path so far.  Lenient where leniency cannot misplace a
 * span (raw control characters and bad UTF-8 in strings, loose number
 * syntax), strict about structure.
 */
#include "jsonpath.h"
#include "../common/encode.h"
#include "../common/err.h"

#include <stdint.h>
#include <string.h>

/* ---- strings ---- */

/* The code unit of the \uXXXX at s[i..n), or -1 when there is none. */
static long u_escape(const char *s, size_t n, size_t i)
{
	long v = 0;

	if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u')
		return -1;
	for (size_t k = 2; k < 6; k++) {
		int h = hex_digit_value(s[i + k]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static size_t utf8_put(char out[4], unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Decode what starts at s[*i] (i < n): a raw byte, or one escape (a
 * surrogate pair as one).  Writes up to 4 bytes to out, returns how many
 * and moves *i past what it read.
 */
static size_t decode_step(const char *s, size_t n, size_t *i, char out[4])
{
	static const char esc_in[] = "\"\\/bfnrt", esc_out[] = "\"\\/\b\f\n\r\t";
	const char *e;
	size_t p = *i;
	long u, lo;

	if (s[p] != '\\' || p + 1 >= n) {
		out[0] = s[p];
		*i = p + 1;
		return 1;
	}
	if (s[p + 1] && (e = strchr(esc_in, s[p + 1]))) {
		out[0] = esc_out[e - esc_in];
		*i = p + 2;
		return 1;
	}
	if ((u = u_escape(s, n, p)) >= 0) {
		if (u >= 0xD800 && u <= 0xDBFF && (lo = u_escape(s, n, p + 6)) >= 0xDC00 &&
		    lo <= 0xDFFF) {
			*i = p + 12;
			return utf8_put(out, 0x10000 + (((unsigned long)u - 0xD800) << 10) +
						     ((unsigned long)lo - 0xDC00));
		}
		*i = p + 6;
		return utf8_put(out, u >= 0xD800 && u <= 0xDFFF ? 0xFFFD : (unsigned long)u);
	}
	out[0] = '\\'; /* a bad escape: kept as written */
	*i = p + 1;
	return 1;
}

int jsonpath_unescape(struct buf *out, const char *s, size_t n)
{
	size_t i = 0, from = 0;
	char u[4];
	int rc;

	while (i < n) {
		size_t k;

		if (s[i] != '\\') {
			i++;
			continue;
		}
		/* Plain runs are copied whole; escapes one at a time. */
		if ((rc = buf_append(out, s + from, i - from)))
			return rc;
		k = decode_step(s, n, &i, u);
		if ((rc = buf_append(out, u, k)))
			return rc;
		from = i;
	}
	return buf_append(out, s + from, n - from);
}

/* Does the string body s[from..to) decode to exactly word[0..wlen)? */
static bool body_is(const char *s, size_t from, size_t to, const char *word, size_t wlen)
{
	size_t i = from, got = 0;
	char u[4];

	if (!memchr(s + from, '\\', to - from)) /* no escapes: the common case */
		return to - from == wlen && !memcmp(s + from, word, wlen);
	while (i < to) {
		size_t k = decode_step(s, to, &i, u);

		if (got + k > wlen || memcmp(word + got, u, k))
			return false;
		got += k;
	}
	return got == wlen;
}

/* s[*pos] is '"': move past the closing quote; false (and *pos = n) when
 * the string does not end. */
static bool skip_string(const char *s, size_t n, size_t *pos)
{
	size_t i = *pos + 1;
	const char *q;

	/* The next quote not escaped: after an even run of backslashes. */
	while (i < n && (q = memchr(s + i, '"', n - i))) {
		size_t k = (size_t)(q - s), back = 0;

		while (k - back > i && s[k - back - 1] == '\\')
			back++;
		if (back % 2 == 0) {
			*pos = k + 1;
			return true;
		}
		i = k + 1;
	}
	*pos = n;
	return false;
}

/* ---- the path ---- */

static size_t path_ncomp(const char *path)
{
	size_t n = 1;

	for (const char *p = path; *p; p++)
		n += *p == '.';
	return n;
}

/* Component idx (0-based) of a dotted path. */
static void path_comp(const char *path, size_t idx, const char **c, size_t *clen)
{
	const char *p = path, *dot;

	while (idx-- && (dot = strchr(p, '.')))
		p = dot + 1;
	dot = strchr(p, '.');
	*c = p;
	*clen = dot ? (size_t)(dot - p) : strlen(p);
}

/* ---- the walk ---- */

struct walk {
	const char *s;
	size_t len, pos;
	const char *path;
	size_t ncomp;
	const char *comp[8];  /* the first components, found once */
	size_t clen[8];
	unsigned char kind[JSONPATH_MAX_DEPTH / 8]; /* bit set: an object */
	size_t depth;      /* containers open */
	size_t chain;      /* the outermost `chain` of them lie on the path */
	size_t pend_off;   /* where the open container at the path starts */
	size_t pend_depth; /* its depth; 0: none open */
	size_t tok;        /* where the member or value being read starts */
	size_t done;       /* the end of the last value reported */
	jsonpath_fn fn;
	void *arg;
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(struct walk *w)
{
	while (w->pos < w->len && is_ws(w->s[w->pos]))
		w->pos++;
}

static bool top_is_object(const struct walk *w)
{
	size_t d = w->depth - 1;

	return w->kind[d / 8] & (1u << (d % 8));
}

static void push(struct walk *w, bool object)
{
	size_t d = w->depth++;

	if (object)
		w->kind[d / 8] |= (unsigned char)(1u << (d % 8));
	else
		w->kind[d / 8] &= (unsigned char)~(1u << (d % 8));
}

static int report(struct walk *w, size_t off, size_t end, enum jsonpath_type type,
		  bool complete, bool guessed)
{
	struct jsonpath_value v = { off, end - off, type, complete, guessed };
	int rc;

	if (off < w->done || end <= off)
		return 0;
	w->done = end;
	rc = w->fn(&v, w->arg);
	return rc;
}

/* Close the innermost container (its closing bracket just read). */
static int pop(struct walk *w)
{
	int rc = 0;

	if (w->pend_depth == w->depth) {
		rc = report(w, w->pend_off, w->pos, top_is_object(w) ? JSONPATH_OBJECT
								     : JSONPATH_ARRAY, true, false);
		w->pend_depth = 0;
	}
	w->depth--;
	if (w->chain > w->depth)
		w->chain = w->depth;
	return rc;
}

static bool is_delim(char c)
{
	return is_ws(c) || c == ',' || c == '}' || c == ']';
}

/*
 * The bare word at w->pos (up to white space, a comma or a closing
 * bracket), moved past: a number, true, false or null, or else (*type
 * JSONPATH_NUMBER) a word JSON does not allow, for which it returns false.
 * Taking the whole word keeps "1409abc" in one span.
 */
static bool scalar(struct walk *w, enum jsonpath_type *type)
{
	const char *s = w->s + w->pos;
	size_t n = 0;

	while (w->pos + n < w->len && !is_delim(s[n]))
		n++;
	w->pos += n;
	*type = JSONPATH_NUMBER;
	if ((n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5))) {
		*type = JSONPATH_BOOL;
		return true;
	}
	if (n == 4 && !memcmp(s, "null", 4)) {
		*type = JSONPATH_NULL;
		return true;
	}
	if (!n || (*s != '-' && (*s < '0' || *s > '9')))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.' ||
		      s[i] == 'e' || s[i] == 'E'))
			return false;
	return true;
}

/* One member name and its colon; *matched says whether the name is the
 * path's component at this depth, on the path so far.  False on a syntax
 * error. */
static bool member(struct walk *w, bool *matched)
{
	size_t k = w->pos;
	const char *c;
	size_t clen;

	if (k >= w->len || w->s[k] != '"' || !skip_string(w->s, w->len, &w->pos))
		return false;
	*matched = false;
	if (w->chain == w->depth && w->depth <= w->ncomp) {
		if (w->depth <= 8) {
			c = w->comp[w->depth - 1];
			clen = w->clen[w->depth - 1];
		} else {
			path_comp(w->path, w->depth - 1, &c, &clen);
		}
		*matched = w->pos - 1 - (k + 1) >= clen &&
			   body_is(w->s, k + 1, w->pos - 1, c, clen);
	}
	skip_ws(w);
	if (w->pos >= w->len || w->s[w->pos] != ':')
		return false;
	w->pos++;
	skip_ws(w);
	return true;
}

/* What follows a value: 1 another member or element, 0 the end of the
 * object the line is, -1 a syntax error; *rc gets a report's result. */
static int after_value(struct walk *w, int *rc)
{
	for (;;) {
		skip_ws(w);
		if (w->depth == 0)
			return w->pos == w->len ? 0 : -1;
		if (w->pos >= w->len)
			return -1;
		if (w->s[w->pos] == ',') {
			w->pos++;
			return 1;
		}
		if (w->s[w->pos] != (top_is_object(w) ? '}' : ']'))
			return -1;
		w->pos++;
		if ((*rc = pop(w)))
			return 0;
	}
}

/*
 * Walk the line; *ok says whether it is one JSON object.  Returns what a
 * report returned; on a syntax error w->tok is where it was met.
 */
static int walk(struct walk *w, bool *ok)
{
	bool first = true;
	int rc = 0, next;

	*ok = false;
	skip_ws(w);
	w->tok = w->pos;
	if (w->pos >= w->len || w->s[w->pos] != '{')
		return 0;
	w->pos++;
	push(w, true);
	w->chain = 1;
	for (;;) {
		bool matched = false, at_path, object = top_is_object(w);
		enum jsonpath_type type;
		size_t start;
		char c;

		skip_ws(w);
		w->tok = w->pos;
		if (first && w->pos < w->len && w->s[w->pos] == (object ? '}' : ']')) {
			w->pos++;
			if ((rc = pop(w)))
				return rc;
			goto next;
		}
		if (object && !member(w, &matched))
			return 0;
		at_path = matched && w->depth == w->ncomp;
		if (w->pos >= w->len)
			return 0;
		start = w->pos;
		c = w->s[w->pos];
		if (c == '{' || c == '[') {
			if (w->depth >= JSONPATH_MAX_DEPTH)
				return 0;
			if (at_path) {
				w->pend_off = start;
				w->pend_depth = w->depth + 1;
			}
			push(w, c == '{');
			/* A member on the path, short of its last component. */
			if (matched && c == '{' && w->depth <= w->ncomp)
				w->chain = w->depth;
			w->pos++;
			first = true;
			continue;
		}
		if (c == '"') {
			bool closed = skip_string(w->s, w->len, &w->pos);

			if (at_path && (rc = report(w, start, w->pos, JSONPATH_STRING, closed, false)))
				return rc;
			if (!closed)
				return 0;
		} else {
			bool valid = scalar(w, &type);

			if (at_path && (rc = report(w, start, w->pos, type, valid, false)))
				return rc;
			if (!valid)
				return 0;
		}
next:
		next = after_value(w, &rc);
		if (rc)
			return rc;
		if (next <= 0) {
			*ok = next == 0;
			w->tok = w->pos;
			return 0;
		}
		first = false;
	}
}

/* The end of the object or array at s[k]: past its closing bracket, or n
 * (*closed false) when the line ends first. */
static size_t container_end(const char *s, size_t n, size_t k, bool *closed)
{
	size_t depth = 0;

	*closed = true;

	while (k < n) {
		if (s[k] == '"') {
			skip_string(s, n, &k);
			continue;
		}
		if (s[k] == '{' || s[k] == '[')
			depth++;
		else if ((s[k] == '}' || s[k] == ']') && --depth == 0)
			return k + 1;
		k++;
	}
	*closed = false;
	return n;
}

/* After a syntax error: every value of a member named like the last
 * component, from `from` on. */
static int guess(struct walk *w, size_t from)
{
	const char *s = w->s, *last;
	size_t n = w->len, llen;
	int rc;

	path_comp(w->path, w->ncomp - 1, &last, &llen);
	for (size_t i = from; i < n; i++) {
		size_t j = i, k, end;
		enum jsonpath_type type = JSONPATH_NUMBER;
		bool complete = true;

		if (s[i] != '"')
			continue;
		if (!skip_string(s, n, &j))
			break;
		if (!body_is(s, i + 1, j - 1, last, llen))
			continue;
		for (k = j; k < n && is_ws(s[k]); k++)
			;
		if (k >= n || s[k] != ':')
			continue;
		for (k++; k < n && is_ws(s[k]); k++)
			;
		if (k >= n)
			break;
		end = k;
		if (s[k] == '"') {
			type = JSONPATH_STRING;
			complete = skip_string(s, n, &end);
		} else if (s[k] == '{' || s[k] == '[') {
			type = s[k] == '{' ? JSONPATH_OBJECT : JSONPATH_ARRAY;
			end = container_end(s, n, k, &complete);
		} else {
			while (end < n && !is_delim(s[end]))
				end++;
			if ((end - k == 4 && !memcmp(s + k, "null", 4)))
				type = JSONPATH_NULL;
			else if ((end - k == 4 && !memcmp(s + k, "true", 4)) ||
				 (end - k == 5 && !memcmp(s + k, "false", 5)))
				type = JSONPATH_BOOL;
		}
		if ((rc = report(w, k, end, type, complete, true)))
			return rc;
		if (end > i + 1)
			i = end - 1;
	}
	return 0;
}

int jsonpath_find(const char *buf, size_t len, const char *path, bool *well_formed,
		  jsonpath_fn fn, void *arg)
{
	struct walk w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.s = buf ? buf : "";
	w.len = buf ? len : 0;
	w.path = path;
	w.ncomp = path_ncomp(path);
	for (size_t i = 0; i < w.ncomp && i < 8; i++)
		path_comp(path, i, &w.comp[i], &w.clen[i]);
	w.fn = fn;
	w.arg = arg;
	*well_formed = false;
	if ((rc = walk(&w, well_formed)) || *well_formed)
		return rc;
	/* Broken: what was open at the path runs to the end of the line. */
	if (w.pend_depth && (rc = report(&w, w.pend_off, w.len,
					 w.kind[(w.pend_depth - 1) / 8] & (1u << ((w.pend_depth - 1) % 8))
					 ? JSONPATH_OBJECT : JSONPATH_ARRAY, false, false)))
		return rc;
	return guess(&w, w.tok);
}

int jsonpath_strings(const char *buf, size_t len, jsonpath_fn fn, void *arg)
{
	size_t i = 0;
	int rc;

	while (i < len) {
		struct jsonpath_value v = { i, 0, JSONPATH_STRING, true, false };
		size_t k;

		if (buf[i] != '"') {
			i++;
			continue;
		}
		v.complete = skip_string(buf, len, &i);
		v.len = i - v.off;
		for (k = i; k < len && is_ws(buf[k]); k++)
			;
		if ((!v.complete || k >= len || buf[k] != ':') && (rc = fn(&v, arg)))
			return rc;
	}
	return 0;
}
