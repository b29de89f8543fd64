/*
 * rules.c - the predicates checks apply to evidence.  Each rule reads the
 * attrs collectors wrote (docs/configuration.md) and says pass or fail with
 * a reason a person can act on.  Parameters come from the check file.
 */
#include "assess.h"
#include "findings.h"
#include "rules_scope.h"
#include "../common/buf.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REFS 50

static void ref(struct check_result *r, const struct evidence *e)
{
	if (json_array_size(r->evidence) < MAX_REFS)
		json_array_append_new(r->evidence, json_integer((json_int_t)e->index));
}

/* Every entry the check looked at is evidence of its (last) finding. */
static void ref_all(struct check_result *r)
{
	size_t i;
	json_t *v;

	json_array_foreach(r->evidence, i, v)
		finding_ref(r, (uint64_t)json_integer_value(v));
}

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

static int64_t attr_int(const struct evidence *e, const char *key)
{
	json_t *v = json_object_get(e->attrs, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static int64_t param_int(const struct check *k, const char *name, int64_t dflt)
{
	const char *s = check_param(k, name);
	char *end;
	long long v;

	if (!s)
		return dflt;
	v = strtoll(s, &end, 10);
	return *end ? dflt : (int64_t)v;
}

static int64_t param_dur(const struct check *k, const char *name, int64_t dflt)
{
	const char *s = check_param(k, name);
	int64_t d;

	return s && duration_parse(&d, s) == 0 ? d : dflt;
}

static bool attr_time(const struct evidence *e, const char *key, int64_t *out)
{
	const char *s = json_string_value(json_object_get(e->attrs, key));

	return s && time_parse(out, s) == 0;
}

/* Evidence whose period reaches into [at - window, at]. */
static bool recent(const struct rule_ctx *c, const struct evidence *e, int64_t window)
{
	return e->eff_to >= c->at - window;
}

static json_t *rbac_list(const struct rule_ctx *c, const struct evidence *e, char *why,
			 size_t cap);

/* ---- rules ---- */

static bool is_rbac(const struct evidence *e)
{
	const char *t = json_string_value(json_object_get(e->attrs, "type"));

	return !strcmp(e->kind, "command-output") && t && !strcmp(t, "rbac");
}

/* The newest of each source among sel? */
static bool latest_of_source(const struct evidence **sel, size_t n, size_t i);

static int evidence_fresh(const struct rule_ctx *c, const struct check *k,
			  const struct evidence **sel, size_t n, struct check_result *r)
{
	const struct evidence *e = sel[n - 1];
	char when[RFC3339_LEN], why[256], subject[300];
	int rc;

	(void)k;
	time_format(when, e->eff_to);
	ref(r, e);
	/* An RBAC snapshot counts only when its output is a Kubernetes List. */
	for (size_t i = 0; i < n; i++) {
		json_t *doc;

		if (!is_rbac(sel[i]) || !latest_of_source(sel, n, i))
			continue;
		if ((doc = rbac_list(c, sel[i], why, sizeof(why)))) {
			json_decref(doc);
			continue;
		}
		snprintf(subject, sizeof(subject), "RBAC snapshot %s", sel[i]->source);
		if ((rc = finding_add(r, ST_FAIL, subject, "the newest RBAC snapshot from %s "
				      "(entry %" PRIu64 ") cannot be used: %s", sel[i]->source,
				      sel[i]->index, why)))
			return rc;
		finding_ref(r, sel[i]->index);
	}
	if (!r->nfindings)
		result_set(r, ST_PASS, "%zu %s entr%s; the newest (entry %" PRIu64 ", %s) covers up to %s",
		    n, e->kind, n == 1 ? "y" : "ies", e->index, e->source, when);
	return 0;
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

static int log_continuity(const struct rule_ctx *c, const struct check *k,
			  const struct evidence **sel, size_t n, struct check_result *r)
{
	int64_t max_gap = param_dur(k, "max-gap", 3600), window = param_dur(k, "window", 86400);
	int64_t start = c->at - window, reach, worst = 0, wfrom = 0, wto = 0;
	struct span *s = calloc(n + 1, sizeof(*s));
	size_t m = 0;
	char g[32], a[32], f[RFC3339_LEN], t[RFC3339_LEN];

	if (!s)
		return err_set(ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int64_t from, to;

		if (!recent(c, sel[i], window) || !attr_time(sel[i], "first_event", &from) ||
		    !attr_time(sel[i], "last_event", &to))
			continue;
		if (attr_int(sel[i], "max_gap_seconds") > worst) {
			worst = attr_int(sel[i], "max_gap_seconds");
			wfrom = from;
			wto = to;
		}
		s[m++] = (struct span){ from, to, sel[i]->index };
		ref(r, sel[i]);
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

		ref_all(r);
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

static int no_raw_pii(const struct rule_ctx *c, const struct check *k,
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
			return err_set(ERR_NOMEM, "out of memory");
		for (size_t j = i; first_of_source(sel, i) && j < n; j++) {
			const struct evidence *e = sel[j];
			const char *mode = json_string_value(json_object_get(e->attrs, "pii_mode"));
			json_t *v;
			const char *type;
			uint64_t here = 0;

			if (strcmp(e->source, sel[i]->source) || !recent(c, e, window) || e->erased)
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

static int requests_attributed(const struct rule_ctx *c, const struct check *k,
			       const struct evidence **sel, size_t n, struct check_result *r)
{
	int64_t allowed = param_int(k, "max-unattributed", 0);
	int64_t window = k->freshness ? k->freshness : 86400;
	uint64_t un = 0, lines = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (!recent(c, sel[i], window))
			continue;
		un += (uint64_t)attr_int(sel[i], "unattributed");
		lines += (uint64_t)attr_int(sel[i], "parsed");
		if (attr_int(sel[i], "unattributed"))
			ref(r, sel[i]);
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
			if (!strcmp(sel[j]->source, sel[i]->source) && recent(c, sel[j], window)) {
				sun += (uint64_t)attr_int(sel[j], "unattributed");
				slines += (uint64_t)attr_int(sel[j], "parsed");
			}
		if (!sun)
			continue;
		snprintf(subject, sizeof(subject), "log source %s", sel[i]->source);
		if ((rc = finding_add(r, ST_FAIL, subject, "%" PRIu64 " of %" PRIu64 " requests "
				      "logged by %s name no user; the check allows %" PRId64
				      " in all", sun, slines, sel[i]->source, allowed)))
			return rc;
		for (size_t j = i; j < n; j++)
			if (!strcmp(sel[j]->source, sel[i]->source) && recent(c, sel[j], window) &&
			    attr_int(sel[j], "unattributed"))
				finding_ref(r, sel[j]->index);
	}
	return 0;
}

static int auth_failures_monitored(const struct rule_ctx *c, const struct check *k,
				   const struct evidence **sel, size_t n,
				   struct check_result *r)
{
	int64_t per_day = param_int(k, "max-per-day", 1000), window = k->freshness ? k->freshness : 86400;
	uint64_t fails = 0, with = 0;
	int64_t from = INT64_MAX, to = INT64_MIN, t;

	for (size_t i = 0; i < n; i++) {
		if (!recent(c, sel[i], window) || !json_object_get(sel[i]->attrs, "auth_failures"))
			continue;
		with++;
		fails += (uint64_t)attr_int(sel[i], "auth_failures");
		if (attr_time(sel[i], "first_event", &t) && t < from)
			from = t;
		if (attr_time(sel[i], "last_event", &t) && t > to)
			to = t;
		ref(r, sel[i]);
	}
	if (!with)
		return finding_add(r, ST_FAIL, "authentication logs", "no recent log records "
				   "authentication outcomes");
	{
		double days = to > from ? (double)(to - from) / 86400.0 : 1.0;
		double rate = (double)fails / (days < 1.0 ? 1.0 : days);

		if (rate > (double)per_day) {
			int rc = finding_add(r, ST_FAIL, "authentication failures", "%" PRIu64
					     " failed authentications, %.0f a day, above the %"
					     PRId64 " a day that warrants investigation", fails,
					     rate, per_day);

			ref_all(r);
			return rc;
		}
		result_set(r, ST_PASS, "failed authentications are logged: %" PRIu64 " in %" PRIu64
			    " entries, %.0f a day (threshold %" PRId64 ")", fails, with, rate, per_day);
	}
	return 0;
}

/* The latest model-version entry of each name/version, as of at. */
static const struct evidence *registry_entry(const struct rule_ctx *c, const char *name,
					     const char *version)
{
	const struct evidence *found = NULL;

	for (size_t i = 0; i < c->all->n; i++) {
		const struct evidence *e = &c->all->v[i];
		const char *nm, *vs;
		json_t *jv;
		char vbuf[32];

		if (strcmp(e->kind, "model-version"))
			continue;
		nm = json_string_value(json_object_get(e->attrs, "name"));
		jv = json_object_get(e->attrs, "version");
		if (json_is_integer(jv)) {
			snprintf(vbuf, sizeof(vbuf), "%" JSON_INTEGER_FORMAT, json_integer_value(jv));
			vs = vbuf;
		} else {
			vs = json_string_value(jv);
		}
		if (nm && !strcmp(nm, name) && (!version || (vs && !strcmp(vs, version))))
			found = e;
	}
	return found;
}

static bool has_digests(const struct evidence *e)
{
	json_t *a = json_object_get(e->attrs, "artifacts");

	return (json_is_object(a) && json_object_size(a) > 0) ||
	       json_is_string(json_object_get(e->attrs, "artifact_sha256"));
}

static int models_registered(const struct rule_ctx *c, const struct check *k,
			     const struct evidence **sel, size_t n, struct check_result *r)
{
	const char *req = check_param(k, "require-digests");
	bool digests = req && !strcmp(req, "yes");
	json_t *seen = json_object(), *v;
	const char *key;
	size_t total = 0;
	int rc = 0;

	(void)sel;
	(void)n;
	if (!seen)
		return err_set(ERR_NOMEM, "out of memory");
	/* The check's own evidence is the registry; the models in service come
	 * from the access logs of the last day: model -> {n, entries}. */
	for (size_t i = 0; i < c->all->n; i++) {
		const struct evidence *e = &c->all->v[i];
		json_t *models = json_object_get(e->attrs, "models");

		if (strcmp(e->kind, "access-log") || !recent(c, e, 86400))
			continue;
		json_object_foreach(models, key, v) {
			json_t *old = json_object_get(seen, key);

			if (!old) {
				old = json_pack("{s:I, s:[]}", "n", (json_int_t)0, "e");
				json_object_set_new(seen, key, old);
			}
			json_object_set_new(old, "n", json_integer(json_integer_value(v) +
					    json_integer_value(json_object_get(old, "n"))));
			json_array_append_new(json_object_get(old, "e"),
					      json_integer((json_int_t)e->index));
		}
		if (json_object_size(models))
			ref(r, e);
	}
	json_object_foreach(seen, key, v) {
		char name[256], subject[300], *colon;
		const struct evidence *reg;
		const char *why = NULL;
		size_t q;
		json_t *x;

		snprintf(name, sizeof(name), "%s", key);
		colon = strrchr(name, ':');
		if (colon)
			*colon++ = '\0';
		total++;
		reg = registry_entry(c, name, colon);
		if (!reg)
			why = "is not in the registry";
		else if (digests && !has_digests(reg))
			why = "is registered without artifact digests";
		if (reg)
			ref(r, reg);
		if (!why)
			continue;
		snprintf(subject, sizeof(subject), "model %s%s%s", name, colon ? " v" : "",
			 colon ? colon : "");
		if ((rc = finding_add(r, ST_FAIL, subject, "%s served %" JSON_INTEGER_FORMAT
				      " requests but %s", subject,
				      json_integer_value(json_object_get(v, "n")), why)))
			break;
		json_array_foreach(json_object_get(v, "e"), q, x)
			finding_ref(r, (uint64_t)json_integer_value(x));
		if (reg)
			finding_ref(r, reg->index);
	}
	json_decref(seen);
	if (rc || r->nfindings)
		return rc;
	if (!total)
		result_set(r, ST_PASS, "no model traffic in the recent logs");
	else
		result_set(r, ST_PASS, "all %zu models serving in the logs are registered%s", total,
		    digests ? " with artifact digests" : "");
	return 0;
}

static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == n && !strncasecmp(p, word, n))
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

static bool is_directory(const struct evidence *e)
{
	const char *r = json_string_value(json_object_get(e->attrs, "registry"));

	return r && !strcmp(r, "directory");
}

static int production_models_governed(const struct rule_ctx *c, const struct check *k,
				      const struct evidence **sel, size_t n,
				      struct check_result *r)
{
	const char *stages = check_param(k, "stages"), *require = check_param(k, "require");
	size_t prod = 0;

	(void)c;
	if (!stages)
		stages = "Production";
	if (!require)
		require = "approval,dataset,model_card";
	for (size_t i = 0; i < n; i++) {
		const struct evidence *e = sel[i];
		const char *name = json_string_value(json_object_get(e->attrs, "name"));
		const char *stage = json_string_value(json_object_get(e->attrs, "stage"));
		json_t *aliases = json_object_get(e->attrs, "aliases"), *a;
		bool is_prod = stage && in_list(stages, stage), latest = true;
		char missing[200] = "";
		size_t ai;

		/* Only the newest registry entry of each version speaks for it (a
		 * model directory's entry has digests, not a stage). */
		if (is_directory(e))
			continue;
		for (size_t j = i + 1; j < n; j++)
			if (!is_directory(sel[j]) &&
			    json_equal(json_object_get(sel[j]->attrs, "name"), json_object_get(e->attrs, "name")) &&
			    json_equal(json_object_get(sel[j]->attrs, "version"), json_object_get(e->attrs, "version")))
				latest = false;
		if (!latest)
			continue;
		json_array_foreach(aliases, ai, a)
			if (json_is_string(a) && (in_list("champion,production,prod", json_string_value(a)) ||
						 in_list(stages, json_string_value(a))))
				is_prod = true;
		if (!is_prod)
			continue;
		prod++;
		ref(r, e);
		for (const char *p = require; p && *p;) {
			const char *comma = strchr(p, ',');
			char key[64];
			json_t *v;

			snprintf(key, sizeof(key), "%.*s", (int)(comma ? comma - p : (long)strlen(p)), p);
			v = json_object_get(e->attrs, key);
			if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
				snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
					 "%s%s", *missing ? ", " : "", key);
			p = comma ? comma + 1 : NULL;
		}
		if (*missing) {
			json_t *ver = json_object_get(e->attrs, "version");
			char vs[64], subject[400];
			int rc;

			if (json_is_integer(ver))
				snprintf(vs, sizeof(vs), "%" JSON_INTEGER_FORMAT, json_integer_value(ver));
			else
				snprintf(vs, sizeof(vs), "%s", json_is_string(ver) ? json_string_value(ver) : "?");
			snprintf(subject, sizeof(subject), "model %s v%s", name ? name : "?", vs);
			if ((rc = finding_add(r, ST_FAIL, subject, "production %s lacks %s (entry %"
					      PRIu64 ")", subject, missing, e->index)))
				return rc;
			finding_ref(r, e->index);
		}
	}
	if (r->nfindings)
		return 0;
	if (!prod)
		return finding_add(r, ST_FAIL, "production models", "no model version is in "
				   "production (%s) in the registry", stages);
	else
		result_set(r, ST_PASS, "%zu production model version%s carr%s %s", prod,
		    prod == 1 ? "" : "s", prod == 1 ? "ies" : "y", require);
	return 0;
}

/* The latest config snapshot of each source among sel. */
static bool latest_of_source(const struct evidence **sel, size_t n, size_t i)
{
	for (size_t j = i + 1; j < n; j++)
		if (!strcmp(sel[j]->source, sel[i]->source))
			return false;
	return true;
}

/* "TLSv1.2" -> 1.2; "1.10" compares above "1.9" part by part. */
static int version_cmp(const char *a, const char *b)
{
	while (*a && !isdigit((unsigned char)*a))
		a++;
	while (*b && !isdigit((unsigned char)*b))
		b++;
	while (*a || *b) {
		long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
		if ((!*a || !isdigit((unsigned char)*a)) && (!*b || !isdigit((unsigned char)*b)))
			break;
	}
	return 0;
}

static bool key_matches(const char *full, const char *key)
{
	const char *colon = strrchr(full, ':');
	const char *path = colon ? colon + 1 : full;
	size_t lp = strlen(path), lk = strlen(key);

	return lp >= lk && !strcmp(path + lp - lk, key) &&
	       (lp == lk || path[lp - lk - 1] == '.' || path[lp - lk - 1] == ']');
}

static bool truthy(const char *v)
{
	return !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") ||
	       !strcmp(v, "1") || !strcasecmp(v, "enabled");
}

static bool compare(const char *op, const char *have, const char *want)
{
	int cmp = want ? version_cmp(have, want) : 0;

	if (!strcmp(op, "exists"))
		return true;
	if (!strcmp(op, "true"))
		return truthy(have);
	if (!strcmp(op, "false"))
		return !truthy(have);
	if (!want)
		return false;
	if (!strcmp(op, "eq"))
		return !strcasecmp(have, want);
	if (!strcmp(op, "ne"))
		return strcasecmp(have, want) != 0;
	if (!strcmp(op, "in"))
		return in_list(want, have);
	if (!strcmp(op, "ge"))
		return cmp >= 0;
	if (!strcmp(op, "le"))
		return cmp <= 0;
	if (!strcmp(op, "gt"))
		return cmp > 0;
	if (!strcmp(op, "lt"))
		return cmp < 0;
	return false;
}

/* "gw.yaml:upstream.api_key" -> "gw.yaml: upstream.api_key" */
static void key_subject(char *out, size_t cap, const char *full)
{
	const char *colon = strrchr(full, ':');

	if (colon)
		snprintf(out, cap, "%.*s: %s", (int)(colon - full), full, colon + 1);
	else
		snprintf(out, cap, "%s", full);
}

static int config_value(const struct rule_ctx *c, const struct check *k,
			const struct evidence **sel, size_t n, struct check_result *r)
{
	const char *key = check_param(k, "key"), *op = check_param(k, "op"),
		   *want = check_param(k, "value");
	size_t found = 0;
	char good[256] = "", subject[600];
	int rc;

	(void)c;
	if (!key || !op)
		return finding_add(r, ST_FAIL, "check parameters", "check '%s' needs params key "
				   "and op", k->id);
	for (size_t i = 0; i < n; i++) {
		json_t *values = json_object_get(sel[i]->attrs, "values"), *v;
		const char *full;

		if (!latest_of_source(sel, n, i))
			continue;
		json_object_foreach(values, full, v) {
			const char *have = json_string_value(v);
			char buf[64];

			if (!key_matches(full, key))
				continue;
			if (!have) {
				char *d = json_dumps(v, JSON_ENCODE_ANY);

				snprintf(buf, sizeof(buf), "%s", d ? d : "");
				free(d);
				have = buf;
			}
			found++;
			ref(r, sel[i]);
			if (!compare(op, have, want)) {
				key_subject(subject, sizeof(subject), full);
				if ((rc = finding_add(r, ST_FAIL, subject, "%s is '%s' in %s (entry %"
						      PRIu64 "); the check wants %s %s", full, have,
						      sel[i]->source, sel[i]->index, op,
						      want ? want : "")))
					return rc;
				finding_ref(r, sel[i]->index);
			} else if (!*good) {
				snprintf(good, sizeof(good), "%s = '%s'", full, have);
			}
		}
	}
	if (r->nfindings)
		return 0;
	if (!found) {
		snprintf(subject, sizeof(subject), "setting %s", key);
		return finding_add(r, ST_FAIL, subject, "no configuration snapshot sets %s", key);
	}
	result_set(r, ST_PASS, "%s (%zu setting%s checked: %s %s)", good, found,
	    found == 1 ? "" : "s", op, want ? want : "");
	return 0;
}

static int no_plaintext_secrets(const struct rule_ctx *c, const struct check *k,
				const struct evidence **sel, size_t n, struct check_result *r)
{
	char subject[600];
	int rc;

	(void)c;
	(void)k;
	for (size_t i = 0; i < n; i++) {
		json_t *values = json_object_get(sel[i]->attrs, "values"), *v;
		const char *full;

		if (!latest_of_source(sel, n, i))
			continue;
		ref(r, sel[i]);
		/* The collector replaced each plaintext secret it found with a keyed
		 * hash: the file holds the secret itself, not a reference to a vault. */
		json_object_foreach(values, full, v) {
			if (!json_is_string(v) || strncmp(json_string_value(v), "<secret:", 8))
				continue;
			key_subject(subject, sizeof(subject), full);
			if ((rc = finding_add(r, ST_FAIL, subject, "%s holds a secret in plain text "
					      "(source %s, entry %" PRIu64 ")", subject,
					      sel[i]->source, sel[i]->index)))
				return rc;
			finding_ref(r, sel[i]->index);
		}
	}
	if (!r->nfindings)
		result_set(r, ST_PASS, "no plaintext secret in the latest configuration snapshots");
	return 0;
}

/* Does a rule of a Role/ClusterRole grant '*' in verbs, resources or apiGroups?
 * `what` gets the first field that does. */
static bool role_wildcard(json_t *role, const char **what)
{
	static const char *const fields[] = { "verbs", "resources", "apiGroups" };
	json_t *rule, *x;
	size_t j, q;

	json_array_foreach(json_object_get(role, "rules"), j, rule)
		for (size_t f = 0; f < 3; f++)
			json_array_foreach(json_object_get(rule, fields[f]), q, x)
				if (json_is_string(x) && !strcmp(json_string_value(x), "*")) {
					*what = fields[f];
					return true;
				}
	return false;
}

json_t *rbac_list_parse(const char *buf, size_t len, char *why, size_t cap)
{
	json_t *doc = json_loadb(buf ? buf : "", buf ? len : 0, 0, NULL);
	const char *kind = json_string_value(json_object_get(doc, "kind"));

	if (!doc) {
		snprintf(why, cap, "its output is not JSON");
	} else if (!kind || strlen(kind) < 4 || strcmp(kind + strlen(kind) - 4, "List") ||
		   !json_is_array(json_object_get(doc, "items"))) {
		snprintf(why, cap, "its output is not a Kubernetes List (kubectl get ... -o json)");
		json_decref(doc);
		doc = NULL;
	}
	return doc;
}

/*
 * The stdout of an rbac command entry as a Kubernetes List document, or NULL
 * with `why` saying what is wrong (payload unreadable, not JSON, not a List).
 */
static json_t *rbac_list(const struct rule_ctx *c, const struct evidence *e, char *why,
			 size_t cap)
{
	struct buf p = BUF_INIT;
	json_t *payload = NULL, *doc = NULL;

	if (e->erased || store_get_payload(c->store, e->index, &p)) {
		snprintf(why, cap, "its payload cannot be read%s", e->erased ? " (erased)" : "");
		goto out;
	}
	payload = json_loadb(p.data ? p.data : "", p.len, 0, NULL);
	if (!json_is_string(json_object_get(payload, "stdout"))) {
		snprintf(why, cap, "its payload holds no text output");
		goto out;
	}
	doc = rbac_list_parse(json_string_value(json_object_get(payload, "stdout")),
			      json_string_length(json_object_get(payload, "stdout")), why, cap);
out:
	json_decref(payload);
	buf_free(&p);
	return doc;
}

static bool is_role(json_t *item)
{
	const char *kind = json_string_value(json_object_get(item, "kind"));

	return kind && (!strcmp(kind, "Role") || !strcmp(kind, "ClusterRole"));
}

/* "role ml-platform-ops" (ClusterRole), "role ai-prod/deployer" (Role). */
static void role_subject(char *out, size_t cap, json_t *item)
{
	json_t *md = json_object_get(item, "metadata");
	const char *name = json_string_value(json_object_get(md, "name"));
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	const char *kind = json_string_value(json_object_get(item, "kind"));

	if (ns && kind && !strcmp(kind, "Role"))
		snprintf(out, cap, "role %s/%s", ns, name ? name : "?");
	else
		snprintf(out, cap, "role %s", name ? name : "?");
}

static int rbac_roles(const struct rule_ctx *c, const struct evidence *e,
		      struct check_result *r, size_t *roles)
{
	char why[256], subject[600];
	json_t *doc, *it;
	size_t j;
	int rc = 0;

	if (!(doc = rbac_list(c, e, why, sizeof(why)))) {
		snprintf(subject, sizeof(subject), "RBAC snapshot %s", e->source);
		rc = finding_add(r, ST_FAIL, subject, "the RBAC snapshot from %s (entry %" PRIu64
				 ") cannot be used: %s", e->source, e->index, why);
		finding_ref(r, e->index);
		return rc;
	}
	json_array_foreach(json_object_get(doc, "items"), j, it) {
		const char *what = NULL;

		if (!is_role(it))
			continue; /* bindings grant roles; the roles are judged */
		(*roles)++;
		if (!role_wildcard(it, &what))
			continue;
		role_subject(subject, sizeof(subject), it);
		if ((rc = finding_add(r, ST_FAIL, subject, "%s grants %s '*' (%s, entry %" PRIu64
				      ")", subject, what, e->source, e->index)))
			break;
		finding_ref(r, e->index);
	}
	json_decref(doc);
	return rc;
}

static int no_wildcard_grants(const struct rule_ctx *c, const struct check *k,
			      const struct evidence **sel, size_t n, struct check_result *r)
{
	char subject[600];
	size_t roles = 0;
	int rc;

	(void)k;
	for (size_t i = 0; i < n; i++) {
		json_t *v;
		const char *full;

		if (!latest_of_source(sel, n, i))
			continue;
		ref(r, sel[i]);
		if (!strcmp(sel[i]->kind, "command-output")) {
			if ((rc = rbac_roles(c, sel[i], r, &roles)))
				return rc;
			continue;
		}
		roles++;
		json_object_foreach(json_object_get(sel[i]->attrs, "values"), full, v) {
			if (!json_is_string(v) || strcmp(json_string_value(v), "*") ||
			    (!strstr(full, "verbs") && !strstr(full, "resources")))
				continue;
			key_subject(subject, sizeof(subject), full);
			if ((rc = finding_add(r, ST_FAIL, subject, "%s grants '*' (%s, entry %" PRIu64
					      ")", full, sel[i]->source, sel[i]->index)))
				return rc;
			finding_ref(r, sel[i]->index);
		}
	}
	if (r->nfindings)
		return 0;
	if (!roles)
		return finding_add(r, ST_FAIL, "RBAC roles", "the latest access-control snapshots "
				   "hold no Role or ClusterRole");
	result_set(r, ST_PASS, "no wildcard grant in %zu roles of the latest access-control snapshots",
	    roles);
	return 0;
}

static int changes_have_records(const struct rule_ctx *c, const struct check *k,
				const struct evidence **sel, size_t n, struct check_result *r)
{
	int64_t within = param_dur(k, "within", 7 * 86400);
	size_t changes = 0;

	for (size_t i = 0; i < n; i++) {
		size_t nchanged = json_array_size(json_object_get(sel[i]->attrs, "changed")) +
				  json_array_size(json_object_get(sel[i]->attrs, "added")) +
				  json_array_size(json_object_get(sel[i]->attrs, "removed"));
		bool recorded = false;

		if (!nchanged || !json_is_string(json_object_get(sel[i]->attrs, "previous")))
			continue;
		changes++;
		ref(r, sel[i]);
		for (size_t j = 0; j < c->all->n && !recorded; j++) {
			const struct evidence *d = &c->all->v[j];
			const char *type = json_string_value(json_object_get(d->attrs, "type"));

			recorded = !strcmp(d->kind, "document") && type &&
				   !strcmp(type, "change-record") &&
				   sel[i]->collected != TIME_UNKNOWN &&
				   d->collected >= sel[i]->collected - within &&
				   d->collected <= sel[i]->collected + within;
		}
		if (!recorded) {
			char when[RFC3339_LEN], subject[300];
			const char *tree = json_string_value(json_object_get(sel[i]->attrs, "tree_sha256"));
			int rc;

			/* The change is named by what it changed to, not by when. */
			time_format(when, sel[i]->collected);
			snprintf(subject, sizeof(subject), "configuration %s change to %.12s",
				 sel[i]->source, tree ? tree : when);
			if ((rc = finding_add(r, ST_FAIL, subject, "configuration %s changed %zu "
					      "key%s at %s (entry %" PRIu64 ") with no change record "
					      "within %" PRId64 " days", sel[i]->source, nchanged,
					      nchanged == 1 ? "" : "s", when, sel[i]->index,
					      within / 86400)))
				return rc;
			finding_ref(r, sel[i]->index);
		}
	}
	if (!r->nfindings)
		result_set(r, ST_PASS, "%zu configuration change%s, each with a change record", changes,
		    changes == 1 ? "" : "s");
	return 0;
}

static int store_verified(const struct rule_ctx *c, const struct check *k,
			  const struct evidence **sel, size_t n, struct check_result *r)
{
	(void)k;
	(void)sel;
	(void)n;
	if (c->store_ok && !c->all->n)
		return finding_add(r, ST_MISSING, "evidence store", "the evidence store holds no "
				   "evidence yet");
	if (c->store_ok)
		result_set(r, ST_PASS, "the evidence store verifies: every leaf, payload and signed "
		    "checkpoint");
	else
		return finding_add(r, ST_FAIL, "evidence store", "the evidence store does not "
				   "verify: %s", c->store_problem ? c->store_problem : "?");
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(const struct rule_ctx *, const struct check *, const struct evidence **,
		  size_t, struct check_result *);
} rules[] = {
	{ "auth-failures-monitored", auth_failures_monitored },
	{ "backup-evidence", scope_backup_evidence },
	{ "changes-have-records", changes_have_records },
	{ "clock-synchronised", scope_clock_synchronised },
	{ "config-value", config_value },
	{ "data-residency", scope_data_residency },
	{ "document-present", evidence_fresh },
	{ "evidence-fresh", evidence_fresh },
	{ "log-continuity", log_continuity },
	{ "log-retention", scope_log_retention },
	{ "models-registered", models_registered },
	{ "no-plaintext-secrets", no_plaintext_secrets },
	{ "no-raw-pii", no_raw_pii },
	{ "no-wildcard-grants", no_wildcard_grants },
	{ "production-models-governed", production_models_governed },
	{ "requests-attributed", requests_attributed },
	{ "store-verified", store_verified },
	{ "transfer-safeguards", scope_transfer_safeguards },
};

int rule_known(const char *name)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].name, name))
			return 1;
	return 0;
}

int rule_apply(const struct rule_ctx *ctx, const struct check *k,
	       const struct evidence **sel, size_t nsel, struct check_result *res)
{
	int rc;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].name, k->rule))
			return (rc = rules[i].fn(ctx, k, sel, nsel, res)) ? rc : findings_finish(res);
	return err_set(ERR_USAGE, "unknown rule '%s'", k->rule);
}

static bool unusable(char *why, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool unusable(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (why && cap) {
		va_start(ap, fmt);
		vsnprintf(why, cap, fmt, ap);
		va_end(ap);
	}
	return false;
}

bool evidence_usable(const struct evidence *e, char *why, size_t cap)
{
	json_t *a = e->attrs, *st;

	if (!json_is_object(a) || !json_object_size(a))
		return unusable(why, cap, "its attrs are missing or are not JSON");
	if (!strcmp(e->kind, "access-log")) {
		if (!json_is_integer(json_object_get(a, "parsed")) ||
		    !json_is_integer(json_object_get(a, "lines")))
			return unusable(why, cap, "its attrs lack the line counts a log collection writes");
	} else if (!strcmp(e->kind, "model-version")) {
		if (!json_is_string(json_object_get(a, "name")))
			return unusable(why, cap, "its attrs name no model");
	} else if (!strcmp(e->kind, "config-snapshot")) {
		if (!json_is_object(json_object_get(a, "values")))
			return unusable(why, cap, "its attrs hold no configuration values");
	} else if (!strcmp(e->kind, "document") || !strcmp(e->kind, "attestation")) {
		if (!json_is_string(json_object_get(a, "sha256")) &&
		    !json_is_string(json_object_get(a, "framework")))
			return unusable(why, cap, "its attrs carry no document digest");
	} else if (!strcmp(e->kind, "command-output")) {
		st = json_object_get(a, "exit_status");
		if (json_is_true(json_object_get(a, "timed_out")))
			return unusable(why, cap, "the command timed out");
		if (!json_is_integer(st))
			return unusable(why, cap, "the command did not exit normally");
		if (json_integer_value(st) != 0)
			return unusable(why, cap, "the command exited with status %" JSON_INTEGER_FORMAT,
					json_integer_value(st));
		if (json_is_true(json_object_get(a, "stdout_truncated")))
			return unusable(why, cap, "its output was cut at the size limit");
		if (json_is_string(json_object_get(a, "type")) &&
		    !strcmp(json_string_value(json_object_get(a, "type")), "rbac") &&
		    !json_is_true(json_object_get(a, "stdout_json")))
			return unusable(why, cap, "its output is not JSON");
	}
	return true;
}
