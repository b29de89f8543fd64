#include "findings.h"
#include "assess.h"
#include "rules_scope.h"
#include "../common/array.h"
#include "../common/buf.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/hash.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void finding_id(char *out, const char *check, const char *subject)
{
	const void *p[3] = { check, "\n", subject };
	size_t l[3] = { strlen(check), 1, strlen(subject) };
	uint8_t d[SHA256_LEN];
	char hex[HEX_LEN(SHA256_LEN)];

	if (sha256_parts(d, 3, p, l))
		memset(d, 0, sizeof(d));
	hex_encode(hex, d, SHA256_LEN);
	memcpy(out, hex, FINDING_ID_LEN);
	out[FINDING_ID_LEN] = '\0';
}

/* fail is worse than missing, missing than stale, stale than pass. */
static int rank(int st)
{
	return st == ST_FAIL ? 3 : st == ST_MISSING ? 2 : st == ST_STALE ? 1 : 0;
}

static int add_v(struct check_result *r, int st, const char *subject, const char *fmt,
		 va_list ap)
{
	char id[FINDING_ID_LEN + 1], *msg = NULL;
	struct finding *f;
	int n, rc;

	finding_id(id, r->check ? r->check->id : "", subject);
	for (size_t i = 0; i < r->nfindings; i++)
		if (!strcmp(r->findings[i].id, id)) {
			/* the same thing at fault twice: one finding */
			f = &r->findings[i];
			if (rank(st) > rank(f->status))
				f->status = st;
			r->last = i;
			goto status;
		}
	n = vasprintf(&msg, fmt, ap);
	if (n < 0)
		return err_nomem();
	if ((rc = array_grow(&r->findings, r->nfindings, &r->findings_cap,
			      sizeof(*r->findings)))) {
		free(msg);
		return rc;
	}
	f = &r->findings[r->nfindings];
	memset(f, 0, sizeof(*f));
	memcpy(f->id, id, sizeof(id));
	f->status = st;
	f->message = msg;
	f->subject = strdup(subject);
	f->evidence = json_array();
	if (!f->subject || !f->evidence) {
		free(f->subject);
		free(msg);
		json_decref(f->evidence);
		return err_nomem();
	}
	r->last = r->nfindings++;
status:
	if (rank(st) > rank((int)r->status) || r->status == ST_PASS)
		r->status = (enum status)st;
	return 0;
}

int finding_add(struct check_result *r, int st, const char *subject, const char *fmt, ...)
{
	char *own = NULL;
	va_list ap;
	int rc;

	/* A check run for one control alone: the same thing at fault is a
	 * finding of its own there (another minimum, another jurisdiction). */
	if (r->for_control) {
		if (asprintf(&own, "%s (%s)", subject, r->for_control) < 0)
			return err_nomem();
		subject = own;
	}
	va_start(ap, fmt);
	rc = add_v(r, st, subject, fmt, ap);
	va_end(ap);
	free(own);
	return rc;
}

static bool has_index(json_t *arr, uint64_t index)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if ((uint64_t)json_integer_value(v) == index)
			return true;
	return false;
}

int result_set(struct check_result *r, int st, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(r->detail);
	r->status = st;
	if (!(r->detail = strdup(buf))) {
		r->lost = true;
		return err_nomem();
	}
	return 0;
}

void finding_ref(struct check_result *r, uint64_t index)
{
	if (r->evidence && !has_index(r->evidence, index))
		json_array_append_new(r->evidence, json_integer((json_int_t)index));
	if (r->nfindings && r->last < r->nfindings &&
	    !has_index(r->findings[r->last].evidence, index))
		json_array_append_new(r->findings[r->last].evidence, json_integer((json_int_t)index));
}

int findings_finish(struct check_result *r)
{
	struct buf b = BUF_INIT;
	int rc = 0;

	if (r->lost)
		return err_nomem();
	if (!r->nfindings)
		return 0;
	if (r->nfindings == 1) {
		rc = buf_printf(&b, "%s", r->findings[0].message);
	} else {
		rc = buf_printf(&b, "%zu findings: ", r->nfindings);
		for (size_t i = 0; !rc && i < r->nfindings; i++)
			rc = buf_printf(&b, "%s%s", i ? "; " : "", r->findings[i].message);
	}
	if (rc || !b.data) {
		buf_free(&b);
		return err_nomem();
	}
	free(r->detail);
	r->detail = strdup(b.data);
	buf_free(&b);
	return r->detail ? 0 : err_nomem();
}

void findings_free(struct check_result *r)
{
	for (size_t i = 0; i < r->nfindings; i++) {
		free(r->findings[i].subject);
		free(r->findings[i].message);
		json_decref(r->findings[i].evidence);
	}
	free(r->findings);
	r->findings = NULL;
	r->nfindings = r->findings_cap = 0;
}

json_t *finding_controls(const struct assessment *a, const struct check *k)
{
	json_t *arr = json_array();
	char ref[512];

	for (size_t f = 0; arr && f < a->nfw; f++)
		for (size_t m = 0; m < k->nmaps; m++)
			if (!strcmp(k->maps[m].framework, a->fw[f].cat->framework)) {
				snprintf(ref, sizeof(ref), "%s:%s", k->maps[m].framework,
					 k->maps[m].control->label);
				json_array_append_new(arr, json_string(ref));
			}
	return arr;
}

bool result_in_scope(const struct assessment *a, const struct check_result *r)
{
	json_t *c;
	bool any;

	if (r->for_control)
		return true; /* only controls being assessed get a run of their own */
	c = finding_result_controls(a, r);
	any = json_array_size(c) > 0;
	json_decref(c);
	return any;
}

bool check_in_scope(const struct assessment *a, const struct check *k)
{
	for (size_t f = 0; f < a->nfw; f++)
		for (size_t m = 0; m < k->nmaps; m++)
			if (!strcmp(k->maps[m].framework, a->fw[f].cat->framework))
				return true;
	return false;
}

json_t *finding_result_controls(const struct assessment *a, const struct check_result *r)
{
	const struct check *k = r->check;
	json_t *arr;
	char ref[512];

	if (r->for_control)
		return json_pack("[s]", r->for_control);
	if (!(arr = json_array()))
		return NULL;
	/* A control with its own minimum or jurisdiction is judged by its own
	 * run of the check, not by this one. */
	for (size_t f = 0; f < a->nfw; f++)
		for (size_t m = 0; m < k->nmaps; m++)
			if (!strcmp(k->maps[m].framework, a->fw[f].cat->framework) &&
			    !scope_per_control(k, k->maps[m].control)) {
				snprintf(ref, sizeof(ref), "%s:%s", k->maps[m].framework,
					 k->maps[m].control->label);
				json_array_append_new(arr, json_string(ref));
			}
	return arr;
}

json_t *finding_json(const struct assessment *a, const struct check_result *r,
		     const struct finding *f)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:O, s:o}", "id", f->id,
			      "check", r->check->id, "status", status_name((enum status)f->status),
			      "subject", f->subject, "message", f->message,
			      "remediation", r->check->remediation, "evidence", f->evidence,
			      "controls", finding_result_controls(a, r));

	if (o && f->accepted)
		json_object_set_new(o, "accepted", json_string(f->accepted));
	return o;
}

json_t *findings_json(const struct assessment *a)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < a->nchecks; i++) {
		const struct check_result *r = &a->checks[i];

		if (!result_in_scope(a, r))
			continue;
		for (size_t j = 0; j < r->nfindings; j++)
			json_array_append_new(arr, finding_json(a, r, &r->findings[j]));
	}
	return arr;
}
