/*
 * pack_scan.c - the manifest of an audit pack, read in place (pack_scan.h).
 */
#include "pack_scan.h"
#include "../common/encode.h"

#include <stdlib.h>
#include <string.h>

/*
 * The statement's subject list, read in place.  A pack lists every file in
 * its manifest, hundreds of thousands of small objects that as a JSON tree
 * would take about a kilobyte each; the subject array is scanned instead,
 * each name looked up in the pack and its digest kept beside the file.
 * Every other member of the statement is small and parsed by jansson.
 */
struct scan {
	const char *p, *end;
	struct buf a, b;         /* a subject's name and digest */
	struct buf skip;         /* what \u escapes decode to in skipped strings */
};

#define SCAN_MAX_DEPTH 64

static void scan_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

static bool scan_lit(struct scan *s, char c)
{
	scan_ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return true;
	}
	return false;
}

static bool scan_peek(struct scan *s, char c)
{
	scan_ws(s);
	return s->p < s->end && *s->p == c;
}

static int hex4(const char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v = v << 4 | (c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			      c >= 'A' && c <= 'F' ? c - 'A' + 10 : -256);
		if (v < 0)
			return -1;
	}
	return v;
}

static bool put_utf8(struct buf *out, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return !buf_append(out, u, n);
}

/* A \u escape (s->p after the 'u'), surrogate pairs joined. */
static bool scan_unicode(struct scan *s, struct buf *out)
{
	int hi, lo;

	if (s->end - s->p < 4 || (hi = hex4(s->p)) < 0)
		return false;
	s->p += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return false;
	if (hi < 0xd800 || hi > 0xdbff)
		return put_utf8(out, (unsigned long)hi);
	if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' ||
	    (lo = hex4(s->p + 2)) < 0xdc00 || lo > 0xdfff)
		return false;
	s->p += 6;
	return put_utf8(out, 0x10000 + (((unsigned long)hi - 0xd800) << 10) +
			((unsigned long)lo - 0xdc00));
}

/* A JSON string, decoded into out (NUL-terminated); out may be NULL to skip. */
static bool scan_string(struct scan *s, struct buf *out)
{
	static const char esc[] = "\"\"\\\\//b\bf\fn\nr\rt\t";

	if (out)
		buf_reset(out);
	if (!scan_lit(s, '"'))
		return false;
	for (;;) {
		const char *run = s->p, *e;

		while (s->p < s->end && *s->p != '"' && *s->p != '\\' && (unsigned char)*s->p >= 0x20)
			s->p++;
		if (out && buf_append(out, run, (size_t)(s->p - run)))
			return false;
		if (s->p >= s->end || (unsigned char)*s->p < 0x20)
			return false;
		if (*s->p++ == '"')
			return !out || !buf_grow(out, 0);
		if (s->p >= s->end)
			return false;
		if (*s->p == 'u') {
			s->p++;
			if (!scan_unicode(s, out ? out : &s->skip))
				return false;
			continue;
		}
		for (e = esc; *e && *e != *s->p; e += 2)
			;
		if (!*e || (out && buf_append(out, e + 1, 1)))
			return false;
		s->p++;
	}
}

/* Step over one value of any kind. */
static bool scan_skip(struct scan *s, int depth)
{
	scan_ws(s);
	if (s->p >= s->end || depth > SCAN_MAX_DEPTH)
		return false;
	if (*s->p == '"') {
		buf_reset(&s->skip);
		return scan_string(s, NULL);
	}
	if (*s->p == '{' || *s->p == '[') {
		char close = *s->p++ == '{' ? '}' : ']';

		if (scan_lit(s, close))
			return true;
		do {
			if (close == '}' && (!scan_string(s, NULL) || !scan_lit(s, ':')))
				return false;
			if (!scan_skip(s, depth + 1))
				return false;
		} while (scan_lit(s, ','));
		return scan_lit(s, close);
	}
	if (!strchr("-0123456789tfn", *s->p))
		return false;
	while (s->p < s->end && strchr("+-.0123456789eEtruefalsn", *s->p))
		s->p++;
	return true;
}

/* One subject: mark its file listed and keep the digest it should have. */
static void subject(struct pack *p, const char *name, const char *want, struct pack_report *r)
{
	uint8_t d[SHA256_LEN];
	struct pack_member *m;
	bool bad;

	if (!name || !want) {
		pack_problem(r, "the manifest lists a subject without a name or digest");
		return;
	}
	if (!(m = pack_member(p, name))) {
		pack_problem(r, "%s is listed in the manifest but missing from the pack", name);
		return;
	}
	bad = strlen(want) != 2 * SHA256_LEN || strspn(want, "0123456789abcdef") != 2 * SHA256_LEN ||
	      hex_decode(d, sizeof(d), want, strlen(want));
	m->want_bad |= bad || (m->wanted && memcmp(m->want, d, SHA256_LEN));
	if (!bad)
		memcpy(m->want, d, SHA256_LEN);
	m->listed = m->wanted = true;
}

/* {"sha256": "...", ...}: *want when there is a sha256 string. */
static bool scan_digest(struct scan *s, struct buf *key, bool *want)
{
	if (!scan_lit(s, '{'))
		return false;
	if (scan_lit(s, '}'))
		return true;
	do {
		if (!scan_string(s, key) || !scan_lit(s, ':'))
			return false;
		if (!strcmp(key->data, "sha256") && scan_peek(s, '"')) {
			if (!(*want = scan_string(s, &s->b)))
				return false;
		} else if (!scan_skip(s, 2)) {
			return false;
		}
	} while (scan_lit(s, ','));
	return scan_lit(s, '}');
}

/* {"name": "...", "digest": {"sha256": "..."}, ...} */
static bool scan_subject(struct scan *s, struct pack *p, struct pack_report *r)
{
	struct buf key = BUF_INIT;
	bool name = false, want = false, ok = false;

	if (!scan_lit(s, '{'))
		return false;
	if (!scan_lit(s, '}')) {
		do {
			if (!scan_string(s, &key) || !scan_lit(s, ':'))
				goto out;
			if (!strcmp(key.data, "name") && scan_peek(s, '"')) {
				if (!(name = scan_string(s, &s->a)))
					goto out;
			} else if (!strcmp(key.data, "digest") && scan_peek(s, '{')) {
				if (!scan_digest(s, &key, &want))
					goto out;
			} else if (!scan_skip(s, 1)) {
				goto out;
			}
		} while (scan_lit(s, ','));
		if (!scan_lit(s, '}'))
			goto out;
	}
	subject(p, name ? s->a.data : NULL, want ? s->b.data : NULL, r);
	ok = true;
out:
	buf_free(&key);
	return ok;
}

/* The statement, its subjects applied to the pack, the rest as JSON
 * (NULL when it is not a JSON object). */
json_t *pack_scan_statement(struct pack *p, const char *body, size_t len,
			    struct pack_report *r)
{
	struct scan s = { body, body + len, BUF_INIT, BUF_INIT, BUF_INIT };
	struct buf key = BUF_INIT;
	json_t *st = json_object(), *v;
	bool ok = false;

	if (!st || !scan_lit(&s, '{'))
		goto out;
	if (!scan_lit(&s, '}')) {
		do {
			const char *start;

			if (!scan_string(&s, &key) || !scan_lit(&s, ':'))
				goto out;
			if (!strcmp(key.data, "subject")) {
				if (!scan_lit(&s, '['))
					goto out;
				if (scan_lit(&s, ']'))
					continue;
				do {
					if (!scan_subject(&s, p, r))
						goto out;
				} while (scan_lit(&s, ','));
				if (!scan_lit(&s, ']'))
					goto out;
				continue;
			}
			scan_ws(&s);
			start = s.p;
			if (!scan_skip(&s, 0) ||
			    !(v = json_loadb(start, (size_t)(s.p - start), JSON_DECODE_ANY, NULL)) ||
			    json_object_set_new(st, key.data, v))
				goto out;
		} while (scan_lit(&s, ','));
		if (!scan_lit(&s, '}'))
			goto out;
	}
	scan_ws(&s);
	ok = s.p == s.end;
out:
	buf_free(&key);
	buf_free(&s.a);
	buf_free(&s.b);
	buf_free(&s.skip);
	if (!ok) {
		json_decref(st);
		st = NULL;
	}
	return st;
}

/* A string value: where it is, decoded into `out` only if it has escapes. */
static bool scan_span(struct scan *s, struct buf *out, const char **at, size_t *len)
{
	const char *start;

	scan_ws(s);
	start = s->p;
	if (!scan_string(s, NULL))
		return false;
	*at = start + 1;
	*len = (size_t)(s->p - start - 2);
	if (!memchr(*at, '\\', *len))
		return true;
	s->p = start;
	if (!scan_string(s, out))
		return false;
	*at = out->data;
	*len = out->len;
	return true;
}

/* signatures: [{"sig": "...", ...}, ...]: the first one's sig. */
static bool scan_signatures(struct scan *s, struct buf *key, struct pack_envelope *e)
{
	bool first = true;

	if (!scan_lit(s, '['))
		return false;
	if (scan_lit(s, ']'))
		return true;
	do {
		if (!first || !scan_peek(s, '{')) {
			if (!scan_skip(s, 1))
				return false;
			continue;
		}
		first = false;
		s->p++;
		if (scan_lit(s, '}'))
			continue;
		do {
			if (!scan_string(s, key) || !scan_lit(s, ':'))
				return false;
			if (!strcmp(key->data, "sig") && scan_peek(s, '"')) {
				if (!scan_string(s, &e->sig))
					return false;
			} else if (!scan_skip(s, 2)) {
				return false;
			}
		} while (scan_lit(s, ','));
		if (!scan_lit(s, '}'))
			return false;
	} while (scan_lit(s, ','));
	return scan_lit(s, ']');
}

bool pack_scan_envelope(const char *text, size_t len, struct pack_envelope *e)
{
	struct scan s = { text, text + len, BUF_INIT, BUF_INIT, BUF_INIT };
	struct buf key = BUF_INIT;
	bool ok = false;

	if (!scan_lit(&s, '{'))
		goto out;
	if (!scan_lit(&s, '}')) {
		do {
			if (!scan_string(&s, &key) || !scan_lit(&s, ':'))
				goto out;
			if (!strcmp(key.data, "payload") && scan_peek(&s, '"')) {
				if (!scan_span(&s, &e->unescaped, &e->payload, &e->payload_len))
					goto out;
			} else if (!strcmp(key.data, "payloadType") && scan_peek(&s, '"')) {
				if (!scan_string(&s, &e->type))
					goto out;
			} else if (!strcmp(key.data, "signatures") && scan_peek(&s, '[')) {
				if (!scan_signatures(&s, &key, e))
					goto out;
			} else if (!scan_skip(&s, 0)) {
				goto out;
			}
		} while (scan_lit(&s, ','));
		if (!scan_lit(&s, '}'))
			goto out;
	}
	scan_ws(&s);
	ok = s.p == s.end && e->payload && e->type.data && e->sig.data;
out:
	buf_free(&key);
	buf_free(&s.skip);
	return ok;
}

void pack_envelope_free(struct pack_envelope *e)
{
	buf_free(&e->unescaped);
	buf_free(&e->type);
	buf_free(&e->sig);
}
