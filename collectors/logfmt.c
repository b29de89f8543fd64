/*
 * logfmt.c - the access-log line parsers: combined and common (nginx,
 * Apache), JSON lines with a field map, auditd records, and syslog
 * (RFC 3164 and RFC 5424) with sshd, PAM, sudo, su and login
 * authentication events recognised.
 */
#include "logfmt.h"
#include "../common/timeutil.h"
#include "jsonpath.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static const char *const names[] = {
	[LOGFMT_COMBINED] = "combined", [LOGFMT_COMMON] = "common",
	[LOGFMT_JSONL] = "jsonl", [LOGFMT_AUDITD] = "auditd",
	[LOGFMT_SYSLOG] = "syslog",
};

bool logfmt_from_name(const char *name, enum logfmt *out)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i])) {
			*out = (enum logfmt)i;
			return true;
		}
	return false;
}

const char *logfmt_name(enum logfmt f)
{
	return names[f];
}

static const struct {
	const char *name;
	size_t off;
} field_slots[] = {
#define SLOT(n) { #n, offsetof(struct jsonl_fields, n) }
	SLOT(time), SLOT(user), SLOT(model), SLOT(version), SLOT(status), SLOT(route),
	SLOT(decision),
#undef SLOT
};

const char *jsonl_field_name(size_t i)
{
	return i < sizeof(field_slots) / sizeof(field_slots[0]) ? field_slots[i].name : NULL;
}

const char *jsonl_field_value(const struct jsonl_fields *f, size_t i)
{
	return *(const char *const *)((const char *)f + field_slots[i].off);
}

const char **jsonl_field_slot(struct jsonl_fields *f, const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(field_slots) / sizeof(field_slots[0]); i++)
		if (strlen(field_slots[i].name) == len && !memcmp(field_slots[i].name, name, len))
			return (const char **)((char *)f + field_slots[i].off);
	return NULL;
}

/* ---- small scanning helpers over (line, len) ---- */

struct cur {
	const char *s;
	size_t len, pos;
};

static bool at_end(const struct cur *c)
{
	return c->pos >= c->len;
}

static bool eat(struct cur *c, char ch)
{
	if (at_end(c) || c->s[c->pos] != ch)
		return false;
	c->pos++;
	return true;
}

static void skip_spaces(struct cur *c)
{
	while (!at_end(c) && c->s[c->pos] == ' ')
		c->pos++;
}

/* A run of non-space characters. */
static struct span token(struct cur *c)
{
	struct span sp = { c->pos, 0 };

	while (!at_end(c) && c->s[c->pos] != ' ')
		c->pos++;
	sp.len = c->pos - sp.off;
	return sp;
}

static bool span_is(const char *line, struct span sp, const char *word)
{
	return sp.len == strlen(word) && !memcmp(line + sp.off, word, sp.len);
}

/* The value of exactly n decimal digits, n <= 9 (so no overflow), or -1. */
static int digits(const char *s, size_t n)
{
	int v = 0;

	if (n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* A run of decimal digits as a 64-bit count, saturating at UINT64_MAX
 * (a response size of 2^64 bytes or more is still a size); false when
 * empty or not all digits. */
static bool count_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return false;
		v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
	}
	*out = v;
	return true;
}

/* Seconds as a double (an epoch time from JSON or auditd) to a time:
 * false when not finite or outside [TIME_MIN, TIME_MAX], checked before the
 * cast, which would be undefined behaviour beyond int64_t. */
static bool secs_to_time(double secs, int64_t *out)
{
	if (!(secs >= (double)TIME_MIN && secs < (double)TIME_MAX + 1.0))
		return false;
	*out = (int64_t)secs;
	return true;
}

static int month_of(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	for (int m = 0; m < 12; m++)
		if (!memcmp(s, months + 3 * m, 3))
			return m + 1;
	return 0;
}

/* Years 0000..9999 give a time (logfmt_parse() then refuses one before
 * TIME_MIN); impossible fields give INT64_MIN. */
static int64_t civil_to_time(int y, int mo, int d, int h, int mi, int s)
{
	if (y < 0 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || s > 60)
		return INT64_MIN;
	return time_from_civil(y, (unsigned)mo, (unsigned)d, (unsigned)h,
			       (unsigned)mi, (unsigned)(s == 60 ? 59 : s));
}

/* Find `needle` in line[from..len). */
static const char *find(const char *line, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle);

	if (from > len)
		return NULL;
	for (size_t i = from; i + n <= len; i++)
		if (line[i] == needle[0] && !memcmp(line + i, needle, n))
			return line + i;
	return NULL;
}

/* ---- combined / common ---- */

/* "10/Oct/2000:13:55:36 -0700" */
static bool clf_time(const char *s, size_t n, int64_t *out)
{
	int d, y, h, mi, se, oh, om, mo;
	int64_t t;

	if (n != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' ||
	    s[17] != ':' || s[20] != ' ' || (s[21] != '+' && s[21] != '-'))
		return false;
	d = digits(s, 2);
	mo = month_of(s + 3);
	y = digits(s + 7, 4);
	h = digits(s + 12, 2);
	mi = digits(s + 15, 2);
	se = digits(s + 18, 2);
	oh = digits(s + 22, 2);
	om = digits(s + 24, 2);
	if (d < 1 || !mo || y < 0 || h < 0 || mi < 0 || se < 0 || oh < 0 || om < 0)
		return false;
	if ((t = civil_to_time(y, mo, d, h, mi, se)) == INT64_MIN)
		return false;
	t -= (s[21] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
	*out = t;
	return true;
}

/* A double-quoted field with backslash escapes; the span excludes quotes. */
static bool quoted(struct cur *c, struct span *out)
{
	if (!eat(c, '"'))
		return false;
	out->off = c->pos;
	while (!at_end(c) && c->s[c->pos] != '"') {
		if (c->s[c->pos] == '\\' && c->pos + 1 < c->len)
			c->pos++;
		c->pos++;
	}
	out->len = c->pos - out->off;
	return eat(c, '"');
}

static enum logfmt_result parse_clf(const struct logfmt_opts *o, const char *line, size_t len,
				    struct log_event *ev)
{
	struct cur c = { line, len, 0 };
	struct span host, ident, user, date, req, status, bytes, ref, ua;
	uint64_t size;

	host = token(&c);
	skip_spaces(&c);
	ident = token(&c);
	skip_spaces(&c);
	user = token(&c);
	skip_spaces(&c);
	if (!host.len || !ident.len || !user.len || !eat(&c, '['))
		return LOGFMT_MALFORMED;
	date.off = c.pos;
	while (!at_end(&c) && line[c.pos] != ']')
		c.pos++;
	date.len = c.pos - date.off;
	if (!eat(&c, ']') || !clf_time(line + date.off, date.len, &ev->time))
		return LOGFMT_MALFORMED;
	skip_spaces(&c);
	if (!quoted(&c, &req))
		return LOGFMT_MALFORMED;
	skip_spaces(&c);
	status = token(&c);
	skip_spaces(&c);
	bytes = token(&c);
	if (status.len != 3 || digits(line + status.off, 3) < 100 || !bytes.len ||
	    (!span_is(line, bytes, "-") && !count_u64(line + bytes.off, bytes.len, &size)))
		return LOGFMT_MALFORMED;
	if (o->format == LOGFMT_COMBINED) {
		skip_spaces(&c);
		if (!quoted(&c, &ref))
			return LOGFMT_MALFORMED;
		skip_spaces(&c);
		if (!quoted(&c, &ua))
			return LOGFMT_MALFORMED;
	}
	/* nginx and Apache configurations often append fields: allowed. */
	ev->has_time = true;
	ev->is_request = true;
	ev->status = status;
	if (!span_is(line, user, "-"))
		ev->user = user;
	{
		/* The route is the request's second word: "GET /path HTTP/1.1". */
		struct cur r = { line, req.off + req.len, req.off };

		token(&r);
		skip_spaces(&r);
		ev->route = token(&r);
	}
	if (span_is(line, status, "401") || span_is(line, status, "403")) {
		ev->auth = AUTH_FAILURE;
		ev->auth_count = 1;
	}
	return LOGFMT_EVENT;
}

/* ---- JSON lines ---- */

static json_t *json_path(json_t *root, const char *path)
{
	char key[256];
	const char *dot;
	json_t *v = root;

	while (v && (dot = strchr(path, '.'))) {
		size_t n = (size_t)(dot - path);

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		v = json_object_get(v, key);
		path = dot + 1;
	}
	return v ? json_object_get(v, path) : NULL;
}

struct last_value {
	struct jsonpath_value v;
	bool found;
};

static int keep_last(const struct jsonpath_value *v, void *arg)
{
	struct last_value *lv = arg;

	lv->v = *v;
	lv->found = true;
	return 0;
}

/*
 * The span of the value at a dotted path in the raw line, as a JSON parser
 * reads it (the last of duplicates): the characters of a string (without
 * quotes, escapes as written) or the bytes of any other value.  Absent for
 * null and for an empty string.
 */
static struct span path_value(const char *line, size_t len, const char *path,
			      bool *quoted_out)
{
	struct last_value lv = { .found = false };
	struct span sp = { 0, 0 };
	bool ok;

	*quoted_out = false;
	jsonpath_find(line, len, path, &ok, keep_last, &lv);
	if (!lv.found || lv.v.type == JSONPATH_NULL)
		return sp;
	if (lv.v.type == JSONPATH_STRING && lv.v.complete && lv.v.len >= 2) {
		*quoted_out = true;
		sp.off = lv.v.off + 1;
		sp.len = lv.v.len - 2;
		return sp;
	}
	sp.off = lv.v.off;
	sp.len = lv.v.len;
	return sp;
}

static bool json_time(json_t *v, int64_t *out)
{
	if (json_is_string(v))
		return time_parse(out, json_string_value(v)) == 0;
	if (json_is_integer(v)) {
		json_int_t t = json_integer_value(v);

		*out = t > 100000000000LL ? t / 1000 : t; /* milliseconds */
		return true; /* range-checked in logfmt_parse() */
	}
	if (json_is_real(v)) {
		double t = json_real_value(v);

		return secs_to_time(t > 1e11 ? t / 1000 : t, out);
	}
	return false;
}

static enum logfmt_result parse_jsonl(const struct logfmt_opts *o, const char *line, size_t len,
				      struct log_event *ev)
{
	const struct jsonl_fields *f = &o->fields;
	json_t *root = json_loadb(line, len, 0, NULL), *v; /* duplicates: the last */
	bool q = false;
	enum logfmt_result rc = LOGFMT_MALFORMED;

	if (!json_is_object(root))
		goto out;
	if (f->time) {
		/* No usable time: malformed (LOGFMT_BAD_TIME), but the user
		 * field is still found, to be pseudonymised. */
		if (!json_time(json_path(root, f->time), &ev->time))
			ev->time = INT64_MIN;
		ev->has_time = true;
	}
	ev->is_request = true;
	if (f->user && (v = json_path(root, f->user)) && !json_is_null(v) &&
	    !(json_is_string(v) && !*json_string_value(v))) {
		ev->user = path_value(line, len, f->user, &q);
		ev->user_quoted = q;
	}
	if (f->model && json_path(root, f->model))
		ev->model = path_value(line, len, f->model, &q);
	if (f->version && json_path(root, f->version))
		ev->version = path_value(line, len, f->version, &q);
	if (f->route && json_path(root, f->route))
		ev->route = path_value(line, len, f->route, &q);
	if (f->status && (v = json_path(root, f->status))) {
		ev->status = path_value(line, len, f->status, &q);
		if ((json_is_integer(v) && (json_integer_value(v) == 401 ||
					    json_integer_value(v) == 403)) ||
		    (json_is_string(v) && (!strcmp(json_string_value(v), "401") ||
					   !strcmp(json_string_value(v), "403")))) {
			ev->auth = AUTH_FAILURE;
			ev->auth_count = 1;
		}
	}
	if (f->decision && json_path(root, f->decision) && !ev->status.len)
		ev->status = path_value(line, len, f->decision, &q);
	rc = LOGFMT_EVENT;
out:
	json_decref(root);
	return rc;
}

/* ---- auditd ---- */

/* The value of `key=` among auditd fields, quotes stripped. */
static struct span audit_field(const char *line, size_t len, size_t from, const char *key)
{
	char pat[64];
	const char *p;
	size_t i, from2 = from;
	struct span sp = { 0, 0 };

	snprintf(pat, sizeof(pat), "%s=", key);
	while ((p = find(line, len, from2, pat))) {
		from2 = (size_t)(p - line) + 1;
		if (p != line && p[-1] != ' ' && p[-1] != '\'' && p[-1] != '"')
			continue;
		i = (size_t)(p - line) + strlen(pat);
		if (i < len && (line[i] == '"' || line[i] == '\'')) {
			char qc = line[i++];

			sp.off = i;
			while (i < len && line[i] != qc)
				i++;
		} else {
			sp.off = i;
			while (i < len && line[i] != ' ' && line[i] != '\'')
				i++;
		}
		sp.len = i - sp.off;
		return sp;
	}
	return sp;
}

static enum logfmt_result parse_auditd(const char *line, size_t len, struct log_event *ev)
{
	static const char *const auth_types[] = {
		"USER_AUTH", "USER_LOGIN", "USER_ACCT", "USER_ERR", "ANOM_LOGIN_FAILURES",
	};
	const char *m = find(line, len, 0, "msg=audit(");
	struct span type, res, acct;
	size_t i;
	char *end;
	double secs;
	bool auth_type = false;

	if (len < 5 || memcmp(line, "type=", 5) || !m)
		return LOGFMT_MALFORMED;
	type.off = 5;
	for (i = 5; i < len && line[i] != ' '; i++)
		;
	type.len = i - 5;
	i = (size_t)(m - line) + 10;
	{
		char num[64];
		size_t n = 0;

		while (i + n < len && line[i + n] != ')' && n < sizeof(num) - 1) {
			num[n] = line[i + n];
			n++;
		}
		num[n] = '\0';
		if (i + n >= len || line[i + n] != ')' || !strchr(num, ':'))
			return LOGFMT_MALFORMED;
		secs = strtod(num, &end);
		if (end == num || *end != ':')
			return LOGFMT_MALFORMED;
		if (!secs_to_time(secs, &ev->time))
			ev->time = INT64_MIN; /* LOGFMT_BAD_TIME */
		ev->serial = strtoull(end + 1, &end, 10);
		if (*end)
			return LOGFMT_MALFORMED;
		i += n + 1;
	}
	ev->has_time = true;
	for (size_t k = 0; k < sizeof(auth_types) / sizeof(auth_types[0]); k++)
		if (span_is(line, type, auth_types[k]))
			auth_type = true;
	res = audit_field(line, len, i, "res");
	acct = audit_field(line, len, i, "acct");
	if (acct.len && !(acct.len == 1 && line[acct.off] == '?'))
		ev->user = acct;
	if (auth_type) {
		ev->is_request = true;
		ev->status = res;
		if (span_is(line, res, "failed")) {
			ev->auth = AUTH_FAILURE;
			ev->auth_count = 1;
		} else if (span_is(line, res, "success")) {
			ev->auth = AUTH_SUCCESS;
		}
	}
	return LOGFMT_EVENT;
}

/* ---- syslog ---- */

/* After the header: "prog[pid]: message" / "prog(pam_unix)[pid]: ..." /
 * RFC 5424 APP-NAME.  Recognise the authentication events. */
static void syslog_auth(const char *line, size_t len, size_t prog, size_t prog_len,
			size_t msg, struct log_event *ev)
{
	const char *p;
	size_t n;
	bool pam_tag = find(line, prog + prog_len, prog, "(pam_unix)") != NULL;
	bool is_sshd = prog_len >= 4 && !memcmp(line + prog, "sshd", 4);

	/* "for USER from" after the marker, or "for invalid user USER from". */
#define USER_AFTER(ptr, skip) do { \
		size_t u_ = (size_t)((ptr) - line) + (skip); \
		if (u_ + 13 <= len && !memcmp(line + u_, "invalid user ", 13)) \
			u_ += 13; \
		ev->user.off = u_; \
		while (u_ < len && line[u_] != ' ') \
			u_++; \
		ev->user.len = u_ - ev->user.off; \
	} while (0)

	if (is_sshd && (p = find(line, len, msg, "Accepted ")) && p == line + msg &&
	    (p = find(line, len, msg, " for "))) {
		ev->auth = AUTH_SUCCESS;
		USER_AFTER(p, 5);
	} else if (is_sshd && (p = find(line, len, msg, "Failed ")) &&
		   (p == line + msg || find(line, len, msg, "message repeated ")) &&
		   (p = find(line, len, (size_t)(p - line), " for "))) {
		ev->auth = AUTH_FAILURE;
		ev->auth_count = 1;
		/* "message repeated 5 times: [ Failed password for ...]" */
		if (find(line, len, msg, "message repeated ") == line + msg) {
			char *end;
			unsigned long times = strtoul(line + msg + 17, &end, 10);

			if (times > 0 && times < 1000000)
				ev->auth_count = (uint32_t)times;
		}
		p = find(line, len, msg, " for ");
		USER_AFTER(p, 5);
	} else if (is_sshd && (p = find(line, len, msg, "Invalid user ")) && p == line + msg) {
		USER_AFTER(p, 13);
	} else if ((p = find(line, len, msg, "authentication failure")) &&
		   (pam_tag || (find(line, len, msg, "pam_unix(") == line + msg &&
				!find(line, len, msg, "pam_unix(sshd:")))) {
		/* Modern sshd logs each failure twice (pam_unix, then its own
		 * "Failed password"): only its own line counts. */
		ev->auth = AUTH_FAILURE;
		ev->auth_count = 1;
		if ((p = find(line, len, msg, " user=")))
			USER_AFTER(p, 6);
	} else if ((p = find(line, len, msg, "incorrect password attempt"))) {
		/* sudo: "alice : 3 incorrect password attempts ; TTY=..." */
		const char *num = p - 1;
		unsigned long times = 0;

		while (num > line + msg && num[-1] >= '0' && num[-1] <= '9')
			num--;
		if (num < p - 1)
			times = strtoul(num, NULL, 10);
		ev->auth = AUTH_FAILURE;
		ev->auth_count = times > 0 && times < 1000 ? (uint32_t)times : 1;
		ev->user.off = msg;
		for (n = msg; n < len && line[n] != ' '; n++)
			;
		ev->user.len = n - msg;
	} else if (prog_len == 4 && !memcmp(line + prog, "sudo", 4) &&
		   find(line, len, msg, " : TTY=") && find(line, len, msg, "COMMAND=")) {
		ev->auth = AUTH_SUCCESS;
		ev->user.off = msg;
		for (n = msg; n < len && line[n] != ' '; n++)
			;
		ev->user.len = n - msg;
	} else if ((p = find(line, len, msg, "FAILED SU")) || (p = find(line, len, msg, "FAILED su"))) {
		ev->auth = AUTH_FAILURE;
		ev->auth_count = 1;
		if ((p = find(line, len, msg, " by ")))
			USER_AFTER(p, 4);
	} else if ((p = find(line, len, msg, "FAILED LOGIN"))) {
		ev->auth = AUTH_FAILURE;
		ev->auth_count = 1;
		if ((p = find(line, len, msg, " FOR ")))
			USER_AFTER(p, 5);
		if (ev->user.len && line[ev->user.off + ev->user.len - 1] == ',')
			ev->user.len--;
	} else if (find(line, len, msg, "Authentication failed from ") == line + msg) {
		/* klogind and other Kerberos services: one line per failed attempt
		 * (the "Kerberos authentication failed" line before it is not
		 * counted again). */
		ev->auth = AUTH_FAILURE;
		ev->auth_count = 1;
	} else if ((p = find(line, len, msg, "session opened for user "))) {
		USER_AFTER(p, 24);
	}
#undef USER_AFTER
	if (ev->auth != AUTH_NONE)
		ev->is_request = true;
}

static enum logfmt_result parse_syslog(const struct logfmt_opts *o, const char *line, size_t len,
				       struct log_event *ev)
{
	struct cur c = { line, len, 0 };
	size_t prog, prog_len, msg;
	int mo, d, h, mi, se;

	if (eat(&c, '<')) {
		while (!at_end(&c) && isdigit((unsigned char)line[c.pos]))
			c.pos++;
		if (!eat(&c, '>'))
			return LOGFMT_MALFORMED;
		/* RFC 5424: VERSION SP TIMESTAMP SP HOST SP APP SP PROCID SP MSGID SP SD */
		if (!at_end(&c) && isdigit((unsigned char)line[c.pos]) && c.pos + 1 < len &&
		    line[c.pos + 1] == ' ') {
			char ts[64];
			struct span t, host, app, pid, mid;

			c.pos += 2;
			t = token(&c);
			skip_spaces(&c);
			host = token(&c);
			skip_spaces(&c);
			app = token(&c);
			skip_spaces(&c);
			pid = token(&c);
			skip_spaces(&c);
			mid = token(&c);
			skip_spaces(&c);
			if (!t.len || t.len >= sizeof(ts) || !host.len || !app.len || !pid.len || !mid.len)
				return LOGFMT_MALFORMED;
			memcpy(ts, line + t.off, t.len);
			ts[t.len] = '\0';
			if (strcmp(ts, "-") && time_parse(&ev->time, ts))
				ev->time = INT64_MIN; /* LOGFMT_BAD_TIME */
			ev->has_time = strcmp(ts, "-") != 0;
			/* Structured data: "-" or [..][..] */
			if (eat(&c, '-')) {
				;
			} else {
				while (eat(&c, '[')) {
					while (!at_end(&c) && line[c.pos] != ']') {
						if (line[c.pos] == '\\')
							c.pos++;
						c.pos++;
					}
					if (!eat(&c, ']'))
						return LOGFMT_MALFORMED;
				}
			}
			skip_spaces(&c);
			if (c.pos + 3 <= len && !memcmp(line + c.pos, "\xef\xbb\xbf", 3))
				c.pos += 3;
			syslog_auth(line, len, app.off, app.len, c.pos, ev);
			return LOGFMT_EVENT;
		}
	}
	/* RFC 3164: "Mmm dd hh:mm:ss host tag: msg", or an RFC 3339 stamp. */
	if (len - c.pos >= 15 && (mo = month_of(line + c.pos)) && line[c.pos + 3] == ' ') {
		const char *s = line + c.pos;
		int year;

		d = s[4] == ' ' ? digits(s + 5, 1) : digits(s + 4, 2);
		h = digits(s + 7, 2);
		mi = digits(s + 10, 2);
		se = digits(s + 13, 2);
		if (d < 1 || h < 0 || mi < 0 || se < 0 || s[6] != ' ' || s[9] != ':' || s[12] != ':')
			return LOGFMT_MALFORMED;
		{
			char yb[RFC3339_LEN];

			if (time_format(yb, o->year_ref))
				return LOGFMT_MALFORMED;
			year = digits(yb, 4);
		}
		ev->time = civil_to_time(year, mo, d, h, mi, se);
		/* No year in the line: a date after the reference is last year's. */
		if (ev->time != INT64_MIN && ev->time > o->year_ref + 86400)
			ev->time = civil_to_time(year - 1, mo, d, h, mi, se);
		if (ev->time == INT64_MIN)
			return LOGFMT_MALFORMED;
		c.pos += 15;
	} else {
		char ts[64];
		struct span t = token(&c);

		if (!t.len || t.len >= sizeof(ts))
			return LOGFMT_MALFORMED;
		memcpy(ts, line + t.off, t.len);
		ts[t.len] = '\0';
		/* A stamp that is out of range: LOGFMT_BAD_TIME; no stamp: malformed. */
		if (time_parse(&ev->time, ts)) {
			if (!isdigit((unsigned char)ts[0]))
				return LOGFMT_MALFORMED;
			ev->time = INT64_MIN;
		}
	}
	ev->has_time = true;
	if (!eat(&c, ' '))
		return LOGFMT_MALFORMED;
	skip_spaces(&c);
	if (!token(&c).len)   /* host */
		return LOGFMT_MALFORMED;
	skip_spaces(&c);
	prog = c.pos;
	while (!at_end(&c) && line[c.pos] != ':' && line[c.pos] != ' ')
		c.pos++;
	prog_len = c.pos - prog;
	if (!prog_len)
		return LOGFMT_MALFORMED;
	if (eat(&c, ':'))
		skip_spaces(&c);
	msg = c.pos;
	syslog_auth(line, len, prog, prog_len, msg, ev);
	return LOGFMT_EVENT;
}

enum logfmt_result logfmt_parse(const struct logfmt_opts *o, const char *line, size_t len,
				struct log_event *ev)
{
	enum logfmt_result rc = LOGFMT_MALFORMED;

	memset(ev, 0, sizeof(*ev));
	switch (o->format) {
	case LOGFMT_COMBINED:
	case LOGFMT_COMMON:
		rc = parse_clf(o, line, len, ev);
		break;
	case LOGFMT_JSONL:
		rc = parse_jsonl(o, line, len, ev);
		break;
	case LOGFMT_AUDITD:
		rc = parse_auditd(line, len, ev);
		break;
	case LOGFMT_SYSLOG:
		rc = parse_syslog(o, line, len, ev);
		break;
	}
	/* One place for every format: a time outside the documented range is
	 * no entry time (it could not be written into a leaf). */
	if (rc == 0 && ev->has_time && !time_in_range(ev->time)) {
		ev->has_time = false;
		return LOGFMT_BAD_TIME;
	}
	return rc;
}
