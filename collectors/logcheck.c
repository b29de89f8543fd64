#include "logcheck.h"
#include "../common/buf.h"
#include "../common/err.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <openssl/crypto.h>

#define MASK "<user:redacted>"

/* ---- the sample line ---- */

/* A key whose value usually names a person. */
static bool personal_key(const char *key, const char *user_key)
{
	static const char *const exact[] = { "sub", "uid", "name", "actor", "customer",
					     "client", "person", "who", "by", NULL };
	static const char *const part[] = { "user", "mail", "login", "principal",
					    "account", "owner", "subject", NULL };
	char low[64];
	size_t n = strlen(key);

	if (user_key && !strcmp(key, user_key))
		return true;
	if (n >= sizeof(low))
		n = sizeof(low) - 1;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)key[i]);
	low[n] = '\0';
	for (size_t i = 0; exact[i]; i++)
		if (!strcmp(low, exact[i]))
			return true;
	for (size_t i = 0; part[i]; i++)
		if (strstr(low, part[i]))
			return true;
	return false;
}

static void mask_json(json_t *v, const char *user_key, int depth)
{
	const char *key;
	json_t *x;
	size_t i;

	if (depth > 32)
		return;
	if (json_is_object(v)) {
		json_object_foreach(v, key, x) {
			if ((json_is_string(x) || json_is_number(x)) && personal_key(key, user_key))
				json_object_set_new(v, key, json_string(MASK));
			else
				mask_json(x, user_key, depth + 1);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			mask_json(x, user_key, depth + 1);
	}
}

/* "host ident user [time] ...": mask ident and user. */
static int mask_clf(struct buf *out, const char *line, size_t len)
{
	size_t f[4] = { 0 }, e[4] = { 0 }, i = 0, k = 0;
	int rc = 0;

	while (k < 4 && i < len) {
		while (i < len && line[i] == ' ')
			i++;
		f[k] = i;
		while (i < len && line[i] != ' ')
			i++;
		e[k++] = i;
	}
	if (k < 4 || f[3] >= len || line[f[3]] != '[')
		return buf_append(out, line, len);
	for (size_t j = 1; j <= 2 && !rc; j++) {
		bool dash = e[j] - f[j] == 1 && line[f[j]] == '-';

		rc = buf_append(out, line + (j == 1 ? 0 : e[1]), j == 1 ? f[1] : f[2] - e[1]);
		if (!rc)
			rc = dash ? buf_append(out, "-", 1) : buf_puts(out, MASK);
	}
	return rc ? rc : buf_append(out, line + e[2], len - e[2]);
}

/* Length of the well-formed UTF-8 sequence at s[0..n), 0 when there is
 * none (a stray or truncated byte). */
static size_t u8len(const unsigned char *s, size_t n)
{
	size_t w = s[0] < 0x80 ? 1 : s[0] >= 0xf8 ? 0 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 :
		   s[0] >= 0xc2 ? 2 : 0;

	if (w == 0 || w > n)
		return 0;
	for (size_t i = 1; i < w; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return w;
}

int logcheck_sample(char **out, struct pii *pii, const struct logfmt_opts *fmt,
		    const char *line, size_t len)
{
	const char *user_key = fmt->fields.user;
	struct buf masked = BUF_INIT, scrubbed = BUF_INIT;
	json_t *root = json_loadb(line, len, 0, NULL);
	char *s = NULL;
	size_t n = 0, i = 0;
	int rc;

	*out = NULL;
	if (user_key && strrchr(user_key, '.'))
		user_key = strrchr(user_key, '.') + 1;
	if (json_is_object(root)) {
		char *text;

		mask_json(root, user_key, 0);
		if (!(text = json_dumps(root, JSON_COMPACT | JSON_ENCODE_ANY))) {
			rc = err_nomem();
			goto out;
		}
		rc = buf_puts(&masked, text);
		free(text);
	} else {
		rc = mask_clf(&masked, line, len);
	}
	if (rc || (rc = pii_scrub(pii, PII_REDACT, masked.data ? masked.data : "", masked.len,
				  &scrubbed, NULL)))
		goto out;
	if (!(s = malloc(LOGCHECK_SAMPLE_MAX + 4))) {
		rc = err_nomem();
		goto out;
	}
	while (i < scrubbed.len) {
		const unsigned char *c = (const unsigned char *)scrubbed.data + i;
		size_t w = u8len(c, scrubbed.len - i);

		if (n + (w ? w : 1) > LOGCHECK_SAMPLE_MAX)
			break;
		if (w == 0 || c[0] < 0x20 || c[0] == 0x7f) {
			s[n++] = '?'; /* control characters and bytes that are not UTF-8 */
			i++;
		} else {
			memcpy(s + n, c, w);
			n += w;
			i += w;
		}
	}
	if (i < scrubbed.len) {
		memcpy(s + n, "...", 3);
		n += 3;
	}
	s[n] = '\0';
	*out = s;
out:
	json_decref(root);
	if (masked.data)
		OPENSSL_cleanse(masked.data, masked.len);
	buf_free(&masked);
	buf_free(&scrubbed);
	return rc;
}

void logcheck_expected(const struct logfmt_opts *fmt, char *out, size_t cap)
{
	const struct jsonl_fields *f = &fmt->fields;
	size_t at;

	switch (fmt->format) {
	case LOGFMT_JSONL:
		at = (size_t)snprintf(out, cap, "one JSON object per line with the event time "
				      "(RFC 3339 text, or epoch seconds or milliseconds) at key "
				      "\"%s\"; the field map is", f->time ? f->time : "?");
		for (size_t i = 0; jsonl_field_name(i); i++)
			if (jsonl_field_value(f, i) && at < cap)
				at += (size_t)snprintf(out + at, cap - at, " %s=%s",
						       jsonl_field_name(i), jsonl_field_value(f, i));
		return;
	case LOGFMT_COMBINED:
		snprintf(out, cap, "a combined (nginx/Apache) line such as: 203.0.113.7 - jdoe "
			 "[27/Nov/2026:06:00:00 +0000] \"GET /v1/chat HTTP/1.1\" 200 512 \"-\" "
			 "\"curl/8.5\"");
		return;
	case LOGFMT_COMMON:
		snprintf(out, cap, "a common (nginx/Apache) line such as: 203.0.113.7 - jdoe "
			 "[27/Nov/2026:06:00:00 +0000] \"GET /v1/chat HTTP/1.1\" 200 512");
		return;
	case LOGFMT_AUDITD:
		snprintf(out, cap, "an auditd record such as: type=USER_AUTH "
			 "msg=audit(1764223200.123:42): pid=4242 uid=0 acct=\"jdoe\" res=failed");
		return;
	case LOGFMT_SYSLOG:
		snprintf(out, cap, "an RFC 3164 or RFC 5424 line such as: Nov 27 06:00:00 host "
			 "sshd[4242]: Failed password for jdoe from 203.0.113.7 port 22 ssh2");
		return;
	}
	snprintf(out, cap, "a line of format %s", logfmt_name(fmt->format));
}

static int found(const struct entry *e, void *arg)
{
	(void)e;
	*(bool *)arg = true;
	return 1; /* stops the walk: one is enough */
}

int logcheck_source_is_new(struct store *s, const char *source, bool *out)
{
	struct store_filter f = { "access-log", source, INT64_MIN };
	bool any = false;
	int rc = store_each(s, &f, found, &any);

	*out = !any;
	return rc == 1 ? 0 : rc;
}

/* ---- rescans ---- */

struct logcheck_index {
	struct seen {
		uint64_t index, start, end;
		char *path;
		bool erased, usable;
	} *v;                /* log order */
	size_t n, cap;
	struct by_end {
		uint64_t end, index;
		size_t pos;      /* in v */
	} *by_end;           /* by end offset, then newest first */
	uint64_t *sup;       /* every index some entry supersedes */
	size_t nsup, capsup;
};

static int add_sup(struct logcheck_index *x, uint64_t index)
{
	if (x->nsup == x->capsup) {
		size_t cap = x->capsup ? x->capsup * 2 : 64;
		uint64_t *v = realloc(x->sup, cap * sizeof(*v));

		if (!v)
			return err_nomem();
		x->sup = v;
		x->capsup = cap;
	}
	x->sup[x->nsup++] = index;
	return 0;
}

static int take(const struct entry *e, void *arg)
{
	struct logcheck_index *x = arg;
	json_t *a = json_loadb(e->attrs, e->attrs_len, 0, NULL), *v;
	const char *path = json_string_value(json_object_get(a, "path"));
	json_t *st = json_object_get(a, "offset_start"), *en = json_object_get(a, "offset_end");
	struct seen *sn;
	size_t i;
	int rc = 0;

	json_array_foreach(json_object_get(a, "supersedes"), i, v)
		if (json_is_integer(v) && (rc = add_sup(x, (uint64_t)json_integer_value(v))))
			goto out;
	if (!path || !json_is_integer(st) || !json_is_integer(en) ||
	    json_integer_value(st) < 0 || json_integer_value(en) < json_integer_value(st))
		goto out;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		struct seen *nv = realloc(x->v, cap * sizeof(*nv));

		if (!nv) {
			rc = err_nomem();
			goto out;
		}
		x->v = nv;
		x->cap = cap;
	}
	sn = &x->v[x->n];
	sn->index = e->index;
	sn->start = (uint64_t)json_integer_value(st);
	sn->end = (uint64_t)json_integer_value(en);
	/* A restated entry stands for an erased one: re-reading its range
	 * would bring the erased lines back. */
	sn->erased = e->erased || json_object_get(a, "restates");
	sn->usable = true;
	if (!(sn->path = strdup(path))) {
		rc = err_nomem();
		goto out;
	}
	x->n++;
out:
	json_decref(a);
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_end(const void *a, const void *b)
{
	const struct by_end *x = a, *y = b;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->index > y->index ? -1 : x->index < y->index; /* newest first */
}

int logcheck_index_load(struct logcheck_index **out, struct store *s, const char *source)
{
	struct store_filter f = { "access-log", source, INT64_MIN };
	struct logcheck_index *x = calloc(1, sizeof(*x));
	int rc;

	*out = NULL;
	if (!x)
		return err_nomem();
	if ((rc = store_each(s, &f, take, x)))
		goto out;
	if (x->nsup)
		qsort(x->sup, x->nsup, sizeof(*x->sup), cmp_u64);
	if (!(x->by_end = calloc(x->n + 1, sizeof(*x->by_end)))) {
		rc = err_nomem();
		goto out;
	}
	for (size_t i = 0; i < x->n; i++) {
		x->v[i].usable = !x->nsup || !bsearch(&x->v[i].index, x->sup, x->nsup,
						      sizeof(*x->sup), cmp_u64);
		x->by_end[i].end = x->v[i].end;
		x->by_end[i].index = x->v[i].index;
		x->by_end[i].pos = i;
	}
	qsort(x->by_end, x->n, sizeof(*x->by_end), cmp_end);
out:
	if (rc)
		logcheck_index_free(x);
	else
		*out = x;
	return rc;
}

void logcheck_index_free(struct logcheck_index *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++)
		free(x->v[i].path);
	free(x->v);
	free(x->by_end);
	free(x->sup);
	free(x);
}

/* The newest usable entry ending at `end`, older than `below`; with
 * `path`, only entries of that path.  -1: none. */
static ssize_t step(const struct logcheck_index *x, uint64_t end, uint64_t below,
		    const char *path)
{
	size_t lo = 0, hi = x->n;

	while (lo < hi) { /* the first position whose end is >= `end` */
		size_t mid = lo + (hi - lo) / 2;

		if (x->by_end[mid].end < end)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < x->n && x->by_end[i].end == end; i++) {
		const struct seen *sn = &x->v[x->by_end[i].pos];

		if (sn->usable && sn->index < below && sn->start < end &&
		    (!path || !strcmp(sn->path, path)))
			return (ssize_t)x->by_end[i].pos;
	}
	return -1;
}

int logcheck_chain(struct logcheck_chain *out, struct logcheck_index *x, const char *source,
		   const char *path, uint64_t offset)
{
	uint64_t need = offset, below = UINT64_MAX;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	while (need > 0) {
		ssize_t k = step(x, need, below, path);
		struct logcheck_covered *v;

		if (k < 0)
			k = step(x, need, below, NULL);
		if (k < 0) {
			rc = err_set(ERR_PARSE, "cannot rescan '%s': no entry of source '%s' holds "
				     "bytes up to %" PRIu64 " of it, so the entries a rescan would "
				     "supersede cannot be told", path, source, need);
			goto out;
		}
		if (x->v[k].erased) {
			rc = err_set(ERR_PARSE, "cannot rescan '%s': entry %" PRIu64 ", which holds "
				     "its bytes %" PRIu64 "-%" PRIu64 ", was erased or pruned, and "
				     "reading them again would bring back what was removed", path,
				     x->v[k].index, x->v[k].start, x->v[k].end);
			goto out;
		}
		if (!(v = realloc(out->v, (out->n + 1) * sizeof(*v)))) {
			rc = err_nomem();
			goto out;
		}
		out->v = v;
		out->v[out->n].index = x->v[k].index;
		out->v[out->n].start = x->v[k].start;
		out->v[out->n].end = x->v[k].end;
		out->n++;
		x->v[k].usable = false; /* one entry is never claimed by two files */
		need = x->v[k].start;
		below = x->v[k].index;
	}
out:
	if (rc)
		logcheck_chain_free(out);
	return rc;
}

void logcheck_chain_free(struct logcheck_chain *c)
{
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

json_t *logcheck_overlap(const struct logcheck_chain *c, uint64_t start, uint64_t end)
{
	json_t *a = json_array();

	/* The chain is newest first: list oldest first. */
	for (size_t i = c->n; a && i-- > 0;)
		if (c->v[i].start < end && c->v[i].end > start &&
		    json_array_append_new(a, json_integer((json_int_t)c->v[i].index))) {
			json_decref(a);
			return NULL;
		}
	return a;
}
