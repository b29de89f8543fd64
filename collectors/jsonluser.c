/*
 * jsonluser.c - a jsonl line with its user values replaced (jsonluser.h).
 *
 * Find the user values (and their tokens), then write the line in order:
 * each value replaced, and what lies between scrubbed by the detectors
 * first (an e-mail keeps its own token) and then searched for mentions of
 * the user values in its strings.
 */
#include "jsonluser.h"
#include "jsonpath.h"
#include "../common/err.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct uval {
	size_t off, len;        /* the value in the line (after skip) */
	size_t text, text_len;  /* its unescaped text, in rewrite.texts */
	bool part;              /* the rest of a value begun in the context */
	bool close_quote;       /* ... a string whose closing quote is in len */
	char token[PII_TOKEN_MAX];
};

struct repl {               /* a mention of a user value */
	size_t off, len;
	size_t u;
};

struct rewrite {
	struct pii *pii;
	const char *line;
	size_t len, skip;
	const char *seg;        /* the scrubbed text searched for mentions */
	struct uval *u;
	size_t nu, capu;
	struct repl *r;
	size_t nr, capr;
	struct buf texts;
	size_t needle[JSONLUSER_MENTION_VALUES]; /* the user values searched for */
	size_t nneedles;
};

static int add_repl(struct rewrite *w, size_t off, size_t len, size_t u)
{
	if (w->nr == w->capr) {
		size_t cap = w->capr ? w->capr * 2 : 8;
		struct repl *v = reallocarray(w->r, cap, sizeof(*v));

		if (!v)
			return err_nomem();
		w->r = v;
		w->capr = cap;
	}
	w->r[w->nr++] = (struct repl){ off, len, u };
	return 0;
}

/* A value at the user's path: its text and token; null and "" are kept. */
static int add_value(const struct jsonpath_value *v, void *arg)
{
	struct rewrite *w = arg;
	const char *raw = w->line + v->off;
	struct uval *u;
	size_t start = w->texts.len, off = v->off, end = v->off + v->len;
	bool part = v->off < w->skip, quoted = v->type == JSONPATH_STRING && v->complete;
	int rc;

	if (end <= w->skip)
		return 0; /* all in the context: written before */
	if (part) {
		/* From the cut to the closing quote, or the end. */
		off = w->skip;
		rc = jsonpath_unescape(&w->texts, w->line + off, end - off - (quoted ? 1 : 0));
	} else if (v->type == JSONPATH_STRING) {
		rc = jsonpath_unescape(&w->texts, raw + 1, v->len - (v->complete ? 2 : 1));
	} else {
		rc = v->type == JSONPATH_NULL ? 0 : buf_append(&w->texts, raw, v->len);
	}
	if (rc)
		return rc;
	if (w->texts.len == start)
		return 0;
	if (w->nu == w->capu) {
		size_t cap = w->capu ? w->capu * 2 : 4;

		if (!(u = reallocarray(w->u, cap, sizeof(*u))))
			return err_nomem();
		w->u = u;
		w->capu = cap;
	}
	u = &w->u[w->nu];
	u->off = off;
	u->len = end - off;
	u->part = part;
	u->close_quote = part && quoted;
	u->text = start;
	u->text_len = w->texts.len - start;
	if ((rc = pii_token(w->pii, "user", w->texts.data + start, u->text_len, u->token)))
		return rc;
	w->nu++;
	return 0;
}

static bool is_word(const char *s, size_t from, size_t at)
{
	unsigned char c = (unsigned char)s[at];

	/* "\nalice": the n belongs to an escape. */
	if (at >= from + 1 && s[at - 1] == '\\')
		return false;
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c >= 0x80;
}

/* Whole-word occurrences of needle in the string body seg[from..to). */
static int find_mentions(struct rewrite *w, size_t from, size_t to, const char *needle,
			 size_t n, size_t u)
{
	const char *p;
	size_t at = from;
	int rc;

	if (!n)
		return 0;
	while (at + n <= to && (p = memmem(w->seg + at, to - at, needle, n))) {
		size_t i = (size_t)(p - w->seg);

		if ((i == from || !is_word(w->seg, from, i - 1)) &&
		    (i + n == to || !is_word(w->seg, from, i + n))) {
			if ((rc = add_repl(w, i, n, u)))
				return rc;
			at = i + n;
		} else {
			at = i + 1;
		}
	}
	return 0;
}

/* A string value of the segment: mentions of any user value in it. */
static int scan_string(const struct jsonpath_value *v, void *arg)
{
	struct rewrite *w = arg;
	size_t from = v->off + 1, to = v->off + v->len - (v->complete ? 1 : 0);
	int rc;

	for (size_t k = 0; k < w->nneedles; k++) {
		size_t i = w->needle[k];
		const struct uval *u = &w->u[i];
		const char *raw = w->line + u->off;

		if ((rc = find_mentions(w, from, to, w->texts.data + u->text, u->text_len, i)))
			return rc;
		/* As written in the line, when that differs ("bob\u0020jones"). */
		if (!u->part && raw[0] == '"' && u->len >= 2 &&
		    (u->len - 2 != u->text_len || memcmp(raw + 1, w->texts.data + u->text, u->text_len)) &&
		    (rc = find_mentions(w, from, to, raw + 1, u->len - (raw[u->len - 1] == '"' ? 2 : 1), i)))
			return rc;
	}
	return 0;
}

/* The distinct user values long enough to search for, the last first. */
static void pick_needles(struct rewrite *w)
{
	for (size_t i = w->nu; i-- > 0 && w->nneedles < JSONLUSER_MENTION_VALUES;) {
		const struct uval *u = &w->u[i];
		bool dup = false;

		if (u->text_len < JSONLUSER_MENTION_MIN)
			continue;
		for (size_t k = 0; k < w->nneedles && !dup; k++)
			dup = !strcmp(w->u[w->needle[k]].token, u->token);
		if (!dup)
			w->needle[w->nneedles++] = i;
	}
}

static int by_offset(const void *a, const void *b)
{
	const struct repl *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return (x->len < y->len) - (x->len > y->len); /* the longer first */
}

/* The token that stands for user value u: quoted when it is the value. */
static int put_token(const struct rewrite *w, enum pii_mode mode, size_t u, bool quoted,
		     struct buf *out)
{
	const char *tok = mode == PII_REDACT ? "<user:redacted>" : w->u[u].token;

	return quoted ? buf_printf(out, "\"%s\"", tok) : buf_puts(out, tok);
}

/* Text between user values: scrubbed, then rid of mentions of them. */
static int put_between(struct rewrite *w, enum pii_mode mode, const char *s, size_t n,
		       struct buf *tmp, struct buf *out, struct pii_counts *counts)
{
	size_t pos = 0;
	int rc;

	buf_reset(tmp);
	if ((rc = pii_scrub(w->pii, mode, s, n, tmp, counts)) || !tmp->len)
		return rc;
	w->seg = tmp->data;
	w->nr = 0;
	if (w->nneedles && (rc = jsonpath_strings(tmp->data, tmp->len, scan_string, w)))
		return rc;
	if (w->nr > 1)
		qsort(w->r, w->nr, sizeof(*w->r), by_offset);
	for (size_t i = 0; i < w->nr; i++) {
		if (w->r[i].off < pos)
			continue; /* overlaps one written */
		if ((rc = buf_append(out, tmp->data + pos, w->r[i].off - pos)) ||
		    (rc = put_token(w, mode, w->r[i].u, false, out)))
			return rc;
		pos = w->r[i].off + w->r[i].len;
	}
	return buf_append(out, tmp->data + pos, tmp->len - pos);
}

int jsonluser_rewrite(struct pii *pii, enum pii_mode mode, const char *path,
		      const char *line, size_t len, struct buf *out,
		      struct pii_counts *counts, char token[PII_TOKEN_MAX])
{
	return jsonluser_rewrite_from(pii, mode, path, line, len, 0, out, counts, token);
}

int jsonluser_rewrite_from(struct pii *pii, enum pii_mode mode, const char *path,
			   const char *line, size_t len, size_t skip, struct buf *out,
			   struct pii_counts *counts, char token[PII_TOKEN_MAX])
{
	struct rewrite w;
	struct buf tmp = BUF_INIT;
	bool well_formed;
	size_t pos = skip > len ? len : skip;
	int rc;

	memset(&w, 0, sizeof(w));
	w.pii = pii;
	w.line = line;
	w.len = len;
	w.skip = pos;
	token[0] = '\0';
	if ((rc = jsonpath_find(line, len, path, &well_formed, add_value, &w)))
		goto out;
	if (w.nu)
		memcpy(token, w.u[w.nu - 1].token, PII_TOKEN_MAX);
	if (mode == PII_KEEP || !w.nu) {
		rc = pii_scrub(pii, mode, line + pos, len - pos, out, counts);
		goto out;
	}
	pick_needles(&w);
	for (size_t i = 0; i < w.nu; i++) {
		if ((rc = put_between(&w, mode, line + pos, w.u[i].off - pos, &tmp, out, counts)) ||
		    (rc = put_token(&w, mode, i, !w.u[i].part, out)) ||
		    (w.u[i].close_quote && (rc = buf_puts(out, "\""))))
			goto out;
		pos = w.u[i].off + w.u[i].len;
	}
	rc = put_between(&w, mode, line + pos, len - pos, &tmp, out, counts);
out:
	free(w.u);
	free(w.r);
	buf_free(&w.texts);
	buf_free(&tmp);
	return rc;
}
