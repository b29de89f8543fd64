#include "retention.h"
#include "../common/array.h"
#include "../common/buf.h"
#include "../common/err.h"
#include "../common/json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NEEDLES 128 /* 12 per subject: raw, lowercased, 10 tokens */

/* What to look for: the subject as given, lowercased, and as tokens. */
struct needles {
	char v[MAX_NEEDLES][PII_TOKEN_MAX + 256];
	size_t n;
};

static bool is_token(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t len = strlen(s);

	if (len < 4 || s[0] != '<' || s[len - 1] != '>' || !colon || colon == s + 1)
		return false;
	for (const char *p = s + 1; p < colon; p++)
		if (!islower((unsigned char)*p))
			return false;
	if (s + len - 1 - (colon + 1) != 16)
		return false;
	for (const char *p = colon + 1; p < s + len - 1; p++)
		if (!isxdigit((unsigned char)*p) || isupper((unsigned char)*p))
			return false;
	return true;
}

/* A needle the erasure would silently not look for is an error. */
static int add(struct needles *nd, const char *s)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < nd->n; i++)
		if (!strcmp(nd->v[i], s))
			return 0;
	if (nd->n == MAX_NEEDLES || len >= sizeof(nd->v[0]))
		return err_set(ERR_LIMIT, "too many or too long forms of the subjects to "
			       "search for (%d at most)", MAX_NEEDLES);
	memcpy(nd->v[nd->n++], s, len + 1);
	return 0;
}

static int needles_add(struct needles *nd, struct pii *pii, const char *subject)
{
	static const char *const types[] = { "user", "email", "phone", "ipv4", "ipv6",
					     "card", "ssn", "aadhaar", "pan", "iban" };
	char tok[PII_TOKEN_MAX], lower[256];
	size_t len = strlen(subject);
	int rc;

	if (len < 4)
		return err_set(ERR_USAGE, "the subject '%s' is too short to erase safely "
			       "(it would match unrelated text)", subject);
	if (len >= sizeof(lower))
		return err_set(ERR_USAGE, "the subject is longer than %zu bytes",
			       sizeof(lower) - 1);
	if ((rc = add(nd, subject)) || is_token(subject))
		return rc;
	for (size_t i = 0; i <= len; i++)
		lower[i] = (char)tolower((unsigned char)subject[i]);
	if ((rc = add(nd, lower)))
		return rc;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (pii_token(pii, types[i], subject, len, tok) == 0 && (rc = add(nd, tok)))
			return rc;
	return 0;
}

static bool mentions(const struct needles *nd, const char *p, size_t len)
{
	for (size_t i = 0; i < nd->n; i++)
		if (p && memmem(p, len, nd->v[i], strlen(nd->v[i])))
			return true;
	return false;
}

static bool cursor_mentions(const char *state, size_t len, void *arg)
{
	return mentions(arg, state, len);
}

struct hit {
	uint64_t index;
	bool attrs, restate;
};

struct scan {
	struct store *s;
	const struct needles *nd;
	struct hit *v;
	size_t n, cap;
	struct erase_result *out;
	struct buf payload;
	struct progress *progress;
	uint64_t total;          /* entries, for progress */
	size_t in_leaf_cap;      /* of out->in_leaf */
};

static int push_u64(uint64_t **v, size_t *n, size_t *cap, uint64_t x)
{
	int rc = array_grow(v, *n, cap, sizeof(**v));

	if (!rc)
		(*v)[(*n)++] = x;
	return rc;
}

static int scan_one(const struct entry *e, void *arg)
{
	struct scan *sc = arg;
	bool in_attrs, in_payload;
	int rc;

	progress_update(sc->progress, PROGRESS_ITEMS, e->index + 1, sc->total);
	if (e->erased || !strcmp(e->kind, "tombstone"))
		return 0;
	if ((mentions(sc->nd, e->subject, strlen(e->subject)) ||
	     mentions(sc->nd, e->source, strlen(e->source))) &&
	    (rc = push_u64(&sc->out->in_leaf, &sc->out->nin_leaf, &sc->in_leaf_cap, e->index)))
		return rc;
	buf_reset(&sc->payload);
	if ((rc = store_get_payload(sc->s, e->index, &sc->payload)))
		return rc;
	in_attrs = mentions(sc->nd, e->attrs, e->attrs_len);
	in_payload = mentions(sc->nd, sc->payload.data, sc->payload.len);
	if (!in_attrs && !in_payload)
		return 0;
	if ((rc = array_grow(&sc->v, sc->n, &sc->cap, sizeof(*sc->v))))
		return rc;
	sc->v[sc->n].index = e->index;
	sc->v[sc->n].attrs = in_attrs;
	sc->v[sc->n].restate = !in_attrs && !strcmp(e->kind, "access-log");
	sc->n++;
	return 0;
}

struct span {
	size_t start, end; /* a line, with its newline */
};

static int by_start(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/*
 * The lines of `in` that do not mention the subject; counts what stayed.
 * Each needle is searched over the whole segment (one fast memmem pass per
 * needle rather than one call per line and needle), and the lines holding a
 * hit are cut out.
 */
static int keep_lines(const struct needles *nd, const struct buf *in, struct buf *kept,
		      uint64_t *lines_kept, uint64_t *lines_removed)
{
	const char *base = in->data, *end = in->data + in->len, *hit;
	struct span *cut = NULL;
	size_t ncut = 0, cap = 0, at = 0, total = 0;
	int rc = 0;

	*lines_kept = *lines_removed = 0;
	for (size_t i = 0; base && i < nd->n; i++) {
		size_t nlen = strlen(nd->v[i]);

		for (const char *p = base; (hit = memmem(p, (size_t)(end - p), nd->v[i], nlen));) {
			const char *ls = hit, *le = memchr(hit, '\n', (size_t)(end - hit));

			while (ls > base && ls[-1] != '\n')
				ls--;
			le = le ? le + 1 : end;
			if ((rc = array_grow(&cut, ncut, &cap, sizeof(*cut))))
				goto out;
			cut[ncut].start = (size_t)(ls - base);
			cut[ncut++].end = (size_t)(le - base);
			p = le;
		}
	}
	qsort(cut, ncut, sizeof(*cut), by_start);
	for (size_t i = 0; i < ncut; i++) {
		if (cut[i].start < at)
			continue; /* the same line, hit by another needle */
		if ((rc = buf_append(kept, base + at, cut[i].start - at)))
			goto out;
		(*lines_removed)++;
		at = cut[i].end;
	}
	if (base && (rc = buf_append(kept, base + at, in->len - at)))
		goto out;
	for (const char *p = kept->data, *e = kept->data + kept->len; p && p < e; total++) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));

		p = nl ? nl + 1 : e;
	}
	*lines_kept = total;
out:
	free(cut);
	return rc;
}

/* Append the segment without the subject's lines, as a new entry. */
static int restate(struct scan *sc, uint64_t index, struct restated *r)
{
	struct entry e;
	struct buf kept = BUF_INIT, attrs = BUF_INIT;
	struct entry_input in;
	uint64_t lines_kept;
	json_t *a = NULL;
	int rc;

	memset(&e, 0, sizeof(e));
	r->from = index;
	r->to = UINT64_MAX;
	buf_reset(&sc->payload);
	if ((rc = store_get_entry(sc->s, index, &e)) ||
	    (rc = store_get_payload(sc->s, index, &sc->payload)) ||
	    (rc = keep_lines(sc->nd, &sc->payload, &kept, &lines_kept, &r->lines_removed)))
		goto out;
	if (lines_kept == 0)
		goto out; /* every line was the subject's: nothing to restate */
	if (!(a = json_loadb(e.attrs, e.attrs_len, 0, NULL)))
		a = json_object();
	if (!a || json_object_set_new(a, "lines", json_integer((json_int_t)lines_kept)) ||
	    json_object_set_new(a, "bytes", json_integer((json_int_t)kept.len)) ||
	    json_object_set_new(a, "restates", json_integer((json_int_t)index)) ||
	    json_object_set_new(a, "erased_lines", json_integer((json_int_t)r->lines_removed))) {
		rc = err_nomem();
		goto out;
	}
	if ((rc = json_stable(&attrs, a)))
		goto out;
	memset(&in, 0, sizeof(in));
	in.kind = e.kind;
	in.source = e.source;
	in.subject = e.subject;
	in.eff_from = e.eff_from;
	in.eff_to = e.eff_to;
	in.collected = e.collected;
	in.attrs = attrs.data;
	in.attrs_len = attrs.len;
	in.payload = kept.data;
	in.payload_len = kept.len;
	rc = store_append(sc->s, &in, &r->to);
out:
	json_decref(a);
	buf_free(&kept);
	buf_free(&attrs);
	entry_free(&e);
	return rc;
}

static json_t *u64_array(const uint64_t *v, size_t n, const bool *only)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (!only || only[i])
			json_array_append_new(a, json_integer((json_int_t)v[i]));
	return a;
}

/* The reason goes into a tombstone that is never erased and into every
 * pack's summary: it must not itself be personal data. */
static int reason_check(struct pii *pii, const char *reason)
{
	char found[128];
	int n = pii_describe(pii, reason, strlen(reason), found, sizeof(found));

	if (n < 0)
		return n;
	if (n > 0)
		return err_set(ERR_USAGE, "--reason: the reason contains personal data (%s); "
			       "it is kept for ever in the tombstone and shown in every pack, "
			       "so use a ticket number such as DSR-114", found);
	return 0;
}

int erase_subject(struct store *s, struct pii *pii, const char *const *subjects,
		  size_t nsubjects, const char *reason, int64_t now,
		  struct progress *progress, struct erase_result *out)
{
	struct store_filter all = { NULL, NULL, INT64_MIN };
	struct needles nd;
	struct scan sc = { s, &nd, NULL, 0, 0, out, BUF_INIT, progress, 0, 0 };
	json_t *attrs = NULL, *restated;
	int rc;

	memset(out, 0, sizeof(*out));
	nd.n = 0;
	if (nsubjects == 0 || nsubjects > MAX_NEEDLES / 12)
		return err_set(ERR_USAGE, "give 1 to %d subjects", MAX_NEEDLES / 12);
	for (size_t i = 0; i < nsubjects; i++)
		if ((rc = needles_add(&nd, pii, subjects[i])))
			return rc;
	if (mentions(&nd, reason, strlen(reason)))
		return err_set(ERR_USAGE, "--reason names the subject; the tombstone is kept "
			       "for ever, so give the reason without it");
	if ((rc = reason_check(pii, reason)))
		return rc;
	if (progress && (rc = store_size(s, &sc.total)))
		return rc;
	if ((rc = store_each(s, &all, scan_one, &sc)) ||
	    (rc = store_cursor_forget_if(s, cursor_mentions, &nd, &out->cursors)))
		goto out;
	if (sc.n == 0)
		goto out;
	if (!(out->erased = calloc(sc.n, sizeof(*out->erased))) ||
	    !(out->attrs_erased = calloc(sc.n, sizeof(*out->attrs_erased))) ||
	    !(out->restated = calloc(sc.n, sizeof(*out->restated)))) {
		rc = err_nomem();
		goto out;
	}
	for (size_t i = 0; i < sc.n; i++) {
		out->erased[i] = sc.v[i].index;
		out->attrs_erased[i] = sc.v[i].attrs;
		out->nerased++;
		if (sc.v[i].restate) {
			struct restated *r = &out->restated[out->nrestated];

			if ((rc = restate(&sc, sc.v[i].index, r)))
				goto out;
			out->lines_removed += r->lines_removed;
			if (r->to != UINT64_MAX)
				out->nrestated++;
		}
	}
	if ((rc = store_erase(s, out->erased, out->attrs_erased, out->nerased)))
		goto out;
	if (!(restated = json_array()) ||
	    !(attrs = json_pack("{s:s, s:s, s:o, s:o, s:o, s:I}", "action", "erase",
				"reason", reason,
				"erased", u64_array(out->erased, out->nerased, NULL),
				"attrs_erased", u64_array(out->erased, out->nerased,
							  out->attrs_erased),
				"restated", restated, "lines_removed",
				(json_int_t)out->lines_removed))) {
		rc = err_nomem();
		goto out;
	}
	for (size_t i = 0; i < out->nrestated; i++)
		json_array_append_new(restated, json_pack("{s:I, s:I, s:I}",
			"from", (json_int_t)out->restated[i].from,
			"to", (json_int_t)out->restated[i].to,
			"lines_removed", (json_int_t)out->restated[i].lines_removed));
	rc = tombstone_append(s, "erase", now, attrs, &out->tombstone);
out:
	json_decref(attrs);
	free(sc.v);
	buf_free(&sc.payload);
	if (rc) {
		erase_result_free(out);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

void erase_result_free(struct erase_result *r)
{
	free(r->erased);
	free(r->attrs_erased);
	free(r->restated);
	free(r->in_leaf);
}
