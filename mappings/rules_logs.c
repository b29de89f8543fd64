/*
 * rules_logs.c - rules over access logs: continuity, raw personal data,
 * requests attributed to a user, authentication failures.
 */
#include "rules_internal.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "3 days", "5 h", "40 min" */
static void human_age(char *out, size_t cap, int64_t secs)
{
	if (secs >= 2 * 86400)
		snprintf(out, cap, "%" PRId64 " days", secs / 86400);
	else if (secs >= 2 * 3600)
		snprintf(out, cap, "%" PRId64 " h", secs / 3600);
	else
		snprintf(out, cap, "%" PRId64 " min", secs / 60);
}

struct span {
	int64_t from, to;
	uint64_t index;
};

static int by_from(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

int rule_log_continuity(const struct rule_ctx *c, const struct check *k,
			const struct evidence **sel, size_t n, struct check_result *r)
{
	int64_t max_gap = rule_param_dur(k, "max-gap", 3600), window = rule_param_dur(k, "window", 86400);
	int64_t start = c->at - window, reach, worst = 0, wfrom = 0, wto = 0;
	struct span *s = calloc(n + 1, sizeof(*s));
	size_t m = 0;
	char g[32], a[32], f[RFC3339_LEN], t[RFC3339_LEN];

	if (!s)
		return err_nomem();
	for (size_t i = 0; i < n; i++) {
		int64_t from, to;

		if (!rule_recent(c, sel[i], window) || !rule_attr_time(sel[i], "first_event", &from) ||
		    !rule_attr_time(sel[i], "last_event", &to))
			continue;
		if (rule_attr_int(sel[i], "max_gap_seconds") > worst) {
			worst = rule_attr_int(sel[i], "max_gap_seconds");
			wfrom = from;
			wto = to;
		}
		s[m++] = (struct span){ from, to, sel[i]->index };
		rule_ref(r, sel[i]);
	}
	qsort(s, m, sizeof(*s), by_from);
	reach = start;
	for (size_t i = 0; i < m; i++) {
		if (s[i].from - reach > worst) {
			worst = s[i].from - reach;
			wfrom = reach;
			wto = s[i].from;
		}
		if (s[i].to > reach)
			reach = s[i].to;
	}
	if (c->at - reach > worst) {
		worst = c->at - reach;
		wfrom = reach;
		wto = c->at;
	}
	free(s);
	human_age(g, sizeof(g), worst);
	human_age(a, sizeof(a), max_gap);
	time_format(f, wfrom);
	time_format(t, wto);
	if (worst > max_gap) {
		int rc = finding_add(r, ST_FAIL, "access logs", "logs have a gap of %s from %s to "
				     "%s in the last %" PRId64 " days; the check allows %s", g, f,
				     t, window / 86400, a);

		rule_ref_all(r);
		return rc;
	} else
		result_set(r, ST_PASS, "logs cover the last %" PRId64 " days; the largest gap is %s "
		    "(allowed %s)", window / 86400, g, a);
	return 0;
}

static bool first_of_source(const struct evidence **sel, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(sel[j]->source, sel[i]->source))
			return false;
	return true;
}

int rule_no_raw_pii(const struct rule_ctx *c, const struct check *k,
		    const struct evidence **sel, size_t n, struct check_result *r)
{
	int64_t window = k->freshness ? k->freshness : 86400;
	uint64_t entries = 0;
	int rc;

	/* One finding per log source that stores raw values. */
	for (size_t i = 0; i < n; i++) {
		uint64_t raw = 0;
		char what[256] = "", subject[300];
		json_t *idx = json_array();

		if (!idx)
			return err_nomem();
		for (size_t j = i; first_of_source(sel, i) && j < n; j++) {
			const struct evidence *e = sel[j];
			const char *mode = json_string_value(json_object_get(e->attrs, "pii_mode"));
			json_t *v;
			const char *type;
			uint64_t here = 0;

			if (strcmp(e->source, sel[i]->source) || !rule_recent(c, e, window) || e->erased)
				continue;
			entries++;
			if (!mode || strcmp(mode, "keep"))
				continue;
			json_object_foreach(json_object_get(e->attrs, "pii"), type, v)
				if (json_integer_value(v) > 0 && strcmp(type, "secret")) {
					here += (uint64_t)json_integer_value(v);
					if (!raw && strlen(what) < 200) {
						size_t l = strlen(what);

						snprintf(what + l, sizeof(what) - l, "%s%" JSON_INTEGER_FORMAT
							 " %s", l ? ", " : "", json_integer_value(v), type);
					}
				}
			if (here) {
				raw += here;
				json_array_append_new(idx, json_integer((json_int_t)e->index));
			}
		}
		if (raw) {
			size_t q;
			json_t *x;

			snprintf(subject, sizeof(subject), "log source %s", sel[i]->source);
			rc = finding_add(r, ST_FAIL, subject, "%" PRIu64 " raw personal data values "
					 "are stored in logs of source %s (first entry %"
					 JSON_INTEGER_FORMAT ": %s) because the source keeps raw "
					 "values (pii: keep)", raw, sel[i]->source,
					 json_integer_value(json_array_get(idx, 0)), what);
			json_array_foreach(idx, q, x)
				finding_ref(r, (uint64_t)json_integer_value(x));
			if (rc) {
				json_decref(idx);
				return rc;
			}
		}
		json_decref(idx);
	}
	if (!r->nfindings)
		result_set(r, ST_PASS, "%" PRIu64 " log entries checked; personal data is pseudonymised "
		    "or redacted before storage", entries);
	return 0;
}

int rule_requests_attributed(const struct rule_ctx *c, const struct check *k,
			     const struct evidence **sel, size_t n, struct check_result *r)
{
	int64_t allowed = rule_param_int(k, "max-unattributed", 0);
	int64_t window = k->freshness ? k->freshness : 86400;
	uint64_t un = 0, lines = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (!rule_recent(c, sel[i], window))
			continue;
		un += (uint64_t)rule_attr_int(sel[i], "unattributed");
		lines += (uint64_t)rule_attr_int(sel[i], "parsed");
		if (rule_attr_int(sel[i], "unattributed"))
			rule_ref(r, sel[i]);
	}
	if ((int64_t)un <= allowed) {
		result_set(r, ST_PASS, "every one of %" PRIu64 " logged requests names a user (%" PRIu64
		    " unattributed, %" PRId64 " allowed)", lines, un, allowed);
		return 0;
	}
	/* Over the limit: one finding per source with unattributed requests. */
	for (size_t i = 0; i < n; i++) {
		uint64_t sun = 0, slines = 0;
		char subject[300];

		if (!first_of_source(sel, i))
			continue;
		for (size_t j = i; j < n; j++)
			if (!strcmp(sel[j]->source, sel[i]->source) && rule_recent(c, sel[j], window)) {
				sun += (uint64_t)rule_attr_int(sel[j], "unattributed");
				slines += (uint64_t)rule_attr_int(sel[j], "parsed");
			}
		if (!sun)
			continue;
		snprintf(subject, sizeof(subject), "log source %s", sel[i]->source);
		if ((rc = finding_add(r, ST_FAIL, subject, "%" PRIu64 " of %" PRIu64 " requests "
				      "logged by %s name no user; the check allows %" PRId64
				      " in all", sun, slines, sel[i]->source, allowed)))
			return rc;
		for (size_t j = i; j < n; j++)
			if (!strcmp(sel[j]->source, sel[i]->source) && rule_recent(c, sel[j], window) &&
			    rule_attr_int(sel[j], "unattributed"))
				finding_ref(r, sel[j]->index);
	}
	return 0;
}

int rule_auth_failures_monitored(const struct rule_ctx *c, const struct check *k,
				 const struct evidence **sel, size_t n,
				 struct check_result *r)
{
	int64_t per_day = rule_param_int(k, "max-per-day", 1000), window = k->freshness ? k->freshness : 86400;
	uint64_t fails = 0, with = 0;
	int64_t from = INT64_MAX, to = INT64_MIN, t;

	for (size_t i = 0; i < n; i++) {
		if (!rule_recent(c, sel[i], window) || !json_object_get(sel[i]->attrs, "auth_failures"))
			continue;
		with++;
		fails += (uint64_t)rule_attr_int(sel[i], "auth_failures");
		if (rule_attr_time(sel[i], "first_event", &t) && t < from)
			from = t;
		if (rule_attr_time(sel[i], "last_event", &t) && t > to)
			to = t;
		rule_ref(r, sel[i]);
	}
	if (!with)
		return finding_add(r, ST_FAIL, "authentication logs", "no rule_recent log records "
				   "authentication outcomes");
	{
		double days = to > from ? (double)(to - from) / 86400.0 : 1.0;
		double rate = (double)fails / (days < 1.0 ? 1.0 : days);

		if (rate > (double)per_day) {
			int rc = finding_add(r, ST_FAIL, "authentication failures", "%" PRIu64
					     " failed authentications, %.0f a day, above the %"
					     PRId64 " a day that warrants investigation", fails,
					     rate, per_day);

			rule_ref_all(r);
			return rc;
		}
		result_set(r, ST_PASS, "failed authentications are logged: %" PRIu64 " in %" PRIu64
			    " entries, %.0f a day (threshold %" PRId64 ")", fails, with, rate, per_day);
	}
	return 0;
}
