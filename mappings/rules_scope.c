#include "rules_scope.h"
#include "rules_internal.h"
#include "findings.h"
#include "scope.h"
#include "regions.h"
#include "../common/buf.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A violation: what is at fault (`subject`: "region eu-west-1", "source
 * gateway", stable across assessments), the entry that shows it (may be
 * NULL) and what is wrong.  Fails the check.  (A check run for one control
 * alone is told apart by the engine, not here.)
 */
static int fault(struct check_result *r, const char *subject, const struct evidence *e,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fault(struct check_result *r, const char *subject, const struct evidence *e,
		 const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	int rc;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (e)
		rule_ref(r, e);
	if ((rc = finding_add(r, ST_FAIL, subject, "%s", buf)))
		return rc;
	if (e)
		finding_ref(r, e->index);
	return 0;
}

/* No evidence of what the rule looks for at all: the check is missing. */
static int absent(struct check_result *r, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int absent(struct check_result *r, const char *subject, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return finding_add(r, ST_MISSING, subject, "%s", buf);
}

static void day(char out[RFC3339_LEN], int64_t t)
{
	time_format(out, t);
	out[10] = '\0';
}

/* "sebi-cscrf PR.DS.S2": the control a check is run for, or "". */
static void control_name(char *out, size_t cap, const struct rule_ctx *c)
{
	const struct catalog *cat = NULL;

	out[0] = '\0';
	if (!c->control)
		return;
	for (size_t i = 0; c->catalogs && i < c->catalogs->n; i++)
		if (c->control >= c->catalogs->v[i].v &&
		    c->control < c->catalogs->v[i].v + c->catalogs->v[i].n)
			cat = &c->catalogs->v[i];
	snprintf(out, cap, "%s %s", cat ? cat->framework : "", c->control->label);
}

bool scope_per_control(const struct check *k, const struct control *c)
{
	char name[64];

	if (!strcmp(k->rule, "log-retention")) {
		snprintf(name, sizeof(name), "retention-%s", k->kind);
		return scope_prop(c, name) != NULL;
	}
	if (!strcmp(k->rule, "data-residency"))
		return scope_prop(c, "residency") != NULL;
	return false;
}

/* ---- log-retention ---- */

struct need {
	struct period period;
	char who[200]; /* "sebi-cscrf PR.AA.S9", "the check's minimum", ... */
};

/* What the check must show: the control's own minimum, else the longest of
 * the check's min-age, auditpack.yaml's retention: and every framework in
 * scope (what the organisation must keep overall). */
static int retention_need(const struct rule_ctx *c, const struct check *k, struct need *n)
{
	const struct profile *p = c->profile;
	struct scope_minimum *mins = NULL;
	int kind = profile_retention_kind(k->kind);
	size_t nmins = 0;
	char name[64];
	int rc;

	memset(n, 0, sizeof(*n));
	snprintf(name, sizeof(name), "retention-%s", k->kind);
	if (c->control && scope_prop(c->control, name)) {
		if ((rc = period_parse(&n->period, scope_prop(c->control, name))))
			return rc;
		control_name(n->who, sizeof(n->who), c);
	} else {
		const char *s = check_param(k, "min-age");

		if ((rc = period_parse(&n->period, s ? s : "180d")))
			return rc;
		snprintf(n->who, sizeof(n->who), "the check's minimum");
		if (c->catalogs &&
		    (rc = scope_minimums(&mins, &nmins, p, c->catalogs, k->kind, c->at)))
			return rc;
		for (size_t i = 0; i < nmins; i++)
			if (period_longer(&mins[i].catalogue, &n->period, c->at)) {
				n->period = mins[i].catalogue;
				snprintf(n->who, sizeof(n->who), "%s %s (the longest minimum in "
					 "scope)", mins[i].cat->framework, mins[i].control->label);
			}
		free(mins);
	}
	if (p && kind >= 0 && period_set(&p->retention[kind]) &&
	    period_longer(&p->retention[kind], &n->period, c->at)) {
		n->period = p->retention[kind];
		snprintf(n->who + strlen(n->who), sizeof(n->who) - strlen(n->who),
			 ", lengthened by auditpack.yaml retention:");
	}
	return 0;
}

struct lspan {
	int64_t from, to, inner_gap;
	uint64_t index;
};

static int by_from(const void *a, const void *b)
{
	const struct lspan *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

int scope_log_retention(const struct rule_ctx *c, const struct check *k,
			const struct evidence **sel, size_t n, struct check_result *r)
{
	int64_t max_gap = 2 * 86400, keep_from, reach, worst = 0, wfrom = 0, wto = 0;
	struct lspan *s = calloc(n + 1, sizeof(*s));
	const char *mg = check_param(k, "max-gap");
	struct need need;
	char per[40], a[RFC3339_LEN], b[RFC3339_LEN], f[RFC3339_LEN];
	size_t m = 0;
	int rc;

	if (!s)
		return err_nomem();
	if ((rc = retention_need(c, k, &need))) {
		free(s);
		return rc;
	}
	if (mg && duration_parse(&max_gap, mg))
		max_gap = 2 * 86400;
	for (size_t i = 0; i < n; i++) {
		struct lspan x = { 0, 0, 0, sel[i]->index };
		json_t *g = json_object_get(sel[i]->attrs, "max_gap_seconds");

		if (sel[i]->erased || !rule_attr_time(sel[i], "first_event", &x.from) ||
		    !rule_attr_time(sel[i], "last_event", &x.to))
			continue;
		x.inner_gap = json_is_integer(g) ? (int64_t)json_integer_value(g) : 0;
		s[m++] = x;
	}
	period_str(per, sizeof(per), &need.period);
	keep_from = period_before(c->at, &need.period);
	day(f, keep_from);
	if (!m) {
		free(s);
		return fault(r, "access logs", NULL, "no retained log has any event in it; %s asks "
			     "%s of logs (back to %s)", need.who, per, f);
	}
	qsort(s, m, sizeof(*s), by_from);
	if (s[0].from > keep_from) {
		struct lspan o = s[0];

		const struct evidence *oe = NULL;

		free(s);
		for (size_t i = 0; i < n; i++)
			if (sel[i]->index == o.index)
				oe = sel[i];
		day(a, o.from);
		return fault(r, "access logs", oe, "the oldest retained log (entry %" PRIu64 ") "
			     "starts %s, only %" PRId64 " days back; %s asks %s of logs (back to %s)",
			     o.index, a, (c->at - o.from) / 86400, need.who, per, f);
	}
	/* The oldest log alone proves nothing: walk the window for holes. */
	reach = keep_from;
	for (size_t i = 0; i < m; i++) {
		if (s[i].to < keep_from)
			continue;
		if (s[i].from - reach > worst) {
			worst = s[i].from - reach;
			wfrom = reach;
			wto = s[i].from;
		}
		if (s[i].inner_gap > worst) {
			worst = s[i].inner_gap;
			wfrom = s[i].from;
			wto = s[i].to;
		}
		if (s[i].to > reach)
			reach = s[i].to;
	}
	for (size_t i = 0; i < n; i++)
		if (!sel[i]->erased && sel[i]->eff_to >= keep_from)
			rule_ref(r, sel[i]);
	free(s);
	if (worst > max_gap) {
		time_format(a, wfrom);
		time_format(b, wto);
		return fault(r, "access logs", NULL, "logs reach back to %s, but %" PRId64 " days "
			     "between %s and %s are missing (the check allows gaps up to %" PRId64
			     " h); %s asks %s of logs", f, (worst + 43200) / 86400, a, b,
			     max_gap / 3600, need.who, per);
	}
	result_set(r, ST_PASS, "logs reach back past %s with no gap over %" PRId64 " h; %s asks %s "
	    "of logs", f, max_gap / 3600, need.who, per);
	return 0;
}

/* ---- data-residency, transfer-safeguards ---- */

static const char *jurisdiction_name(const char *id)
{
	if (!strcmp(id, "in"))
		return "India";
	if (!strcmp(id, "eu"))
		return "the EU/EEA";
	if (!strcmp(id, "us"))
		return "the United States";
	if (!strcmp(id, "eu-adequacy"))
		return "a country with an EU adequacy decision";
	return id;
}

/* Where a region is, from any list that has it: "(aws Mumbai, in)". */
static void region_place(char *out, size_t cap, const char *region)
{
	static const char *const lists[] = { "in", "eu", "eu-adequacy", "us" };
	char place[160];
	bool in;

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (!regions_contains(lists[i], region, &in, place, sizeof(place)) && in) {
			snprintf(out, cap, " (%s, %s)", place, jurisdiction_name(lists[i]));
			return;
		}
	snprintf(out, cap, " (in no region list of mappings/regions/)");
}

struct region_seen {
	const struct evidence *e;
	const char *key;
	const char *region;
};

/* Every value of the key in the newest snapshot of each source. */
static size_t regions_of(const struct check *k, const struct evidence **sel, size_t n,
			 struct region_seen *out, size_t cap)
{
	const char *key = check_param(k, "key");
	size_t m = 0;

	if (!key)
		key = "data_region";
	for (size_t i = 0; i < n; i++) {
		json_t *values = json_object_get(sel[i]->attrs, "values"), *v;
		const char *full;

		if (!rule_latest_of_source(sel, n, i))
			continue;
		json_object_foreach(values, full, v)
			if (rule_key_matches(full, key) && json_is_string(v) && m < cap)
				out[m++] = (struct region_seen){ sel[i], full, json_string_value(v) };
	}
	return m;
}

/* The jurisdictions of the control, else of the profile: NULL-terminated
 * pointers into the control's props or the profile, at most cap - 1. */
static size_t jurisdictions(const struct rule_ctx *c, const char **out, size_t cap)
{
	json_t *v = c->control ? json_object_get(c->control->props, "residency") : NULL, *x;
	size_t m = 0, i;

	if (json_is_string(v)) {
		out[m++] = json_string_value(v);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			if (json_is_string(x) && m + 1 < cap)
				out[m++] = json_string_value(x);
	} else {
		for (i = 0; c->profile && c->profile->residency && c->profile->residency[i] &&
			    m + 1 < cap; i++)
			out[m++] = c->profile->residency[i];
	}
	out[m] = NULL;
	return m;
}

int scope_data_residency(const struct rule_ctx *c, const struct check *k,
			 const struct evidence **sel, size_t n, struct check_result *r)
{
	struct region_seen seen[32];
	const char *jur[16];
	size_t m = regions_of(k, sel, n, seen, 32), nj = jurisdictions(c, jur, 16);
	char names[200] = "", place[200];
	int rc;

	for (size_t j = 0; j < nj; j++) {
		size_t len = strlen(names);

		snprintf(names + len, sizeof(names) - len, "%s%s", j ? " or " : "",
			 jurisdiction_name(jur[j]));
	}
	const char *key = check_param(k, "key") ? check_param(k, "key") : "data_region";
	char subject[300];
	bool bad = false;

	if (!m) {
		snprintf(subject, sizeof(subject), "setting %s", key);
		return fault(r, subject, NULL, "no configuration snapshot sets %s, so where the "
			     "data is kept cannot be shown", key);
	}
	for (size_t i = 0; i < m; i++)
		rule_ref(r, seen[i].e);
	if (!nj) {
		result_set(r, ST_PASS, "%s is '%s' in %s; no residency is declared (profile residency: in "
		    "auditpack.yaml), so no jurisdiction is required", seen[0].key, seen[0].region,
		    seen[0].e->source);
		return 0;
	}
	for (size_t i = 0; i < m; i++) {
		bool ok = false, in;

		for (size_t j = 0; j < nj && !ok; j++) {
			if ((rc = regions_contains(jur[j], seen[i].region, &in, NULL, 0)))
				return rc;
			ok = in;
		}
		if (!ok) {
			/* One finding per region at fault. */
			region_place(place, sizeof(place), seen[i].region);
			snprintf(subject, sizeof(subject), "region %s", seen[i].region);
			bad = true;
			if ((rc = fault(r, subject, seen[i].e, "region %s%s, set as %s in %s (entry %"
					PRIu64 "), is outside %s, where this data must stay",
					seen[i].region, place, seen[i].key, seen[i].e->source,
					seen[i].e->index, names)))
				return rc;
		}
	}
	if (bad)
		return 0;
	region_place(place, sizeof(place), seen[0].region);
	result_set(r, ST_PASS, "region %s%s, set as %s in %s, is in %s%s", seen[0].region, place,
	    seen[0].key, seen[0].e->source, names, m > 1 ? ", as are the other sources' regions" : "");
	return 0;
}

/* The newest transfer document on file (type transfer-assessment or scc). */
static const struct evidence *transfer_document(const struct rule_ctx *c)
{
	const struct evidence *best = NULL;

	for (size_t i = 0; i < c->all->n; i++) {
		const struct evidence *e = &c->all->v[i];
		const char *type = json_string_value(json_object_get(e->attrs, "type"));

		if (!strcmp(e->kind, "document") && !e->erased && type &&
		    (!strcmp(type, "transfer-assessment") || !strcmp(type, "scc")))
			best = e;
	}
	return best;
}

int scope_transfer_safeguards(const struct rule_ctx *c, const struct check *k,
			      const struct evidence **sel, size_t n, struct check_result *r)
{
	struct region_seen seen[32];
	size_t m = regions_of(k, sel, n, seen, 32);
	const struct evidence *doc = transfer_document(c), *outside = NULL;
	const char *key = check_param(k, "key") ? check_param(k, "key") : "data_region";
	char place[200], subject[200];
	bool bad = false;
	int rc;

	if (!profile_in_scope(c->profile, "gdpr")) {
		result_set(r, ST_PASS, "GDPR is not in scope (profile frameworks in auditpack.yaml): "
		    "no EU transfer rule applies");
		return 0;
	}
	if (!m) {
		snprintf(subject, sizeof(subject), "setting %s", key);
		return fault(r, subject, NULL, "no configuration snapshot sets %s, so whether "
			     "personal data leaves the EU/EEA cannot be shown", key);
	}
	for (size_t i = 0; i < m; i++) {
		bool eu, adequate;

		rule_ref(r, seen[i].e);
		if ((rc = regions_contains("eu", seen[i].region, &eu, NULL, 0)) ||
		    (rc = regions_contains("eu-adequacy", seen[i].region, &adequate, NULL, 0)))
			return rc;
		if (eu || adequate)
			continue;
		outside = seen[i].e;
		if (doc)
			continue;
		region_place(place, sizeof(place), seen[i].region);
		snprintf(subject, sizeof(subject), "region %s", seen[i].region);
		bad = true;
		if ((rc = fault(r, subject, seen[i].e, "region %s%s, set as %s in %s (entry %" PRIu64
				"), is outside the EU/EEA and the countries with an EU adequacy "
				"decision, and no transfer document (type transfer-assessment or "
				"scc) is on file", seen[i].region, place, seen[i].key,
				seen[i].e->source, seen[i].e->index)))
			return rc;
	}
	if (bad)
		return 0;
	for (size_t i = 0; outside && i < m; i++)
		if (seen[i].e == outside) {
			region_place(place, sizeof(place), seen[i].region);
			rule_ref(r, doc);
			result_set(r, ST_PASS, "region %s%s, set as %s in %s, is outside the EU/EEA and the "
			    "countries with an adequacy decision; a transfer document is on file "
			    "(entry %" PRIu64 ", type %s)", seen[i].region, place, seen[i].key,
			    seen[i].e->source, doc->index,
			    json_string_value(json_object_get(doc->attrs, "type")));
			return 0;
		}
	region_place(place, sizeof(place), seen[0].region);
	result_set(r, ST_PASS, "region %s%s, set as %s in %s, is in the EU/EEA or a country with an EU "
	    "adequacy decision", seen[0].region, place, seen[0].key, seen[0].e->source);
	return 0;
}

/* ---- backup-evidence ---- */

static int64_t param_dur(const struct check *k, const char *name, int64_t dflt)
{
	const char *s = check_param(k, name);
	int64_t d;

	return s && duration_parse(&d, s) == 0 && d > 0 ? d : dflt;
}

static bool has_type(const struct evidence *e, const char *kind, const char *type)
{
	const char *t = json_string_value(json_object_get(e->attrs, "type"));

	return !strcmp(e->kind, kind) && t && !strcmp(t, type);
}

/* Reads the whole store (evidence kind "store"): a backup job's output
 * (command-output of type backup, exit status 0) within backup-within, or a
 * restore test record (document of type restore-test) within
 * restore-within. */
int scope_backup_evidence(const struct rule_ctx *c, const struct check *k,
			  const struct evidence **sel, size_t n, struct check_result *r)
{
	int64_t bw = param_dur(k, "backup-within", 2 * 86400),
		rw = param_dur(k, "restore-within", 365 * 86400);
	const struct evidence *job = NULL, *ok_job = NULL, *restore = NULL;
	bool any_restore = false;
	char why[400] = "";

	(void)sel;
	(void)n;
	for (size_t i = 0; i < c->all->n; i++) {
		const struct evidence *e = &c->all->v[i];
		json_t *st = json_object_get(e->attrs, "exit_status");

		if (has_type(e, "command-output", "backup")) {
			job = e;
			if (json_is_integer(st) && json_integer_value(st) == 0 &&
			    c->at - e->eff_to <= bw)
				ok_job = e;
		} else if (has_type(e, "document", "restore-test") && !e->erased) {
			any_restore = true;
			if (c->at - e->eff_to <= rw)
				restore = e;
		}
	}
	if (ok_job || restore) {
		const struct evidence *e = restore ? restore : ok_job;

		rule_ref(r, e);
		result_set(r, ST_PASS, "%s (entry %" PRIu64 ", from %s, %" PRId64 " days old)",
		    restore ? "a restore test record is on file" :
		    "a backup job ran and exited 0", e->index, e->source,
		    (c->at - e->eff_to) / 86400);
		return 0;
	}
	if (!job && !any_restore)
		return absent(r, "backups", "no backup job output (command-output of type backup) "
			      "and no restore test record (document of type restore-test) has been "
			      "collected");
	if (job) {
		json_t *st = json_object_get(job->attrs, "exit_status");

		snprintf(why, sizeof(why), "; the newest backup job output (entry %" PRIu64 ", "
			 "%" PRId64 " days old) exited %s", job->index, (c->at - job->eff_to) / 86400,
			 json_is_integer(st) && json_integer_value(st) == 0 ? "0" : "with an error");
	}
	return fault(r, "backups", job, "no backup job output (command-output of type backup, "
		     "exit status 0) within %" PRId64 " days and no restore test record "
		     "(document of type restore-test) within %" PRId64 " days%s", bw / 86400,
		     rw / 86400, why);
}

/* ---- clock-synchronised ---- */

/* The value after "key" and a separator (':' or '='), up to the line end. */
static bool field(const char *text, const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		const char *v = p;
		size_t len;

		while (*v == ' ')
			v++;
		if (strncmp(v, key, kl))
			continue;
		v += kl;
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v != ':' && *v != '=')
			continue;
		v++;
		while (*v == ' ')
			v++;
		len = strcspn(v, "\r\n");
		snprintf(out, cap, "%.*s", (int)len, v);
		return true;
	}
	return false;
}

/* "0.000012 seconds fast of NTP time" (chrony), "+1.234ms" / "-56us" /
 * "2.1s" (timesyncd): the absolute offset in microseconds. */
static bool offset_us(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s)
		return false;
	while (*end == ' ')
		end++;
	if (!strncmp(end, "seconds", 7) || !strncmp(end, "s", 1) || !*end)
		v *= 1e6;
	else if (!strncmp(end, "ms", 2))
		v *= 1e3;
	else if (strncmp(end, "us", 2) && strncmp(end, "\xc2\xb5s", 3))
		return false;
	*out = v < 0 ? -v : v;
	return true;
}

/* Judge one source's newest clock output: 1 when at fault (a finding was
 * added), 0 when synchronised (*detail says how), negative on error. */
static int clock_one(const struct rule_ctx *c, const struct evidence *e, double max_us,
		     struct check_result *r, char *detail, size_t cap)
{
	struct buf p = BUF_INIT;
	json_t *payload = NULL, *st = json_object_get(e->attrs, "exit_status");
	const char *out;
	char v[200], subject[200];
	double off = 0;
	bool have_off = false;
	int rc = 1;

	snprintf(subject, sizeof(subject), "source %s", e->source);
	if (!json_is_integer(st) || json_integer_value(st) != 0) {
		fault(r, subject, e, "the clock command (entry %" PRIu64 ", %s) did not exit 0",
		      e->index, e->source);
		return 1;
	}
	if (e->erased || store_get_payload(c->store, e->index, &p) ||
	    !(payload = json_loadb(p.data ? p.data : "", p.len, 0, NULL)) ||
	    !(out = json_string_value(json_object_get(payload, "stdout")))) {
		fault(r, subject, e, "the clock command's output (entry %" PRIu64 ", %s) cannot "
		      "be read", e->index, e->source);
		goto out;
	}
	if (field(out, "Leap status", v, sizeof(v))) {                 /* chronyc tracking */
		if (strcmp(v, "Normal")) {
			fault(r, subject, e, "chrony is not synchronised (Leap status: %s; entry %"
			      PRIu64 ", %s)", v, e->index, e->source);
			goto out;
		}
		have_off = field(out, "System time", v, sizeof(v)) && offset_us(v, &off);
	} else if (field(out, "NTPSynchronized", v, sizeof(v))) {     /* timedatectl show */
		if (strcmp(v, "yes")) {
			fault(r, subject, e, "the system clock is not synchronised (NTPSynchronized=%s; "
			      "entry %" PRIu64 ", %s)", v, e->index, e->source);
			goto out;
		}
		have_off = field(out, "Offset", v, sizeof(v)) && offset_us(v, &off);
	} else {
		fault(r, subject, e, "the output of entry %" PRIu64 " (%s) is neither chronyc "
		      "tracking nor timedatectl show: cannot tell whether the clock is synchronised",
		      e->index, e->source);
		goto out;
	}
	if (have_off && off > max_us) {
		fault(r, subject, e, "the clock is synchronised but %.3f ms off (entry %" PRIu64
		      ", %s); the check allows %.3f ms", off / 1000, e->index, e->source,
		      max_us / 1000);
		goto out;
	}
	rc = 0;
	rule_ref(r, e);
	if (have_off)
		snprintf(detail, cap, "the clock is synchronised, %.3f ms off (allowed %.3f ms; "
			 "entry %" PRIu64 ", %s)", off / 1000, max_us / 1000, e->index, e->source);
	else
		snprintf(detail, cap, "the clock is synchronised (entry %" PRIu64 ", %s); the "
			 "output reports no offset to compare with %.3f ms", e->index, e->source,
			 max_us / 1000);
out:
	json_decref(payload);
	buf_free(&p);
	return rc;
}

/* The newest output of each clock source is judged. */
int scope_clock_synchronised(const struct rule_ctx *c, const struct check *k,
			     const struct evidence **sel, size_t n, struct check_result *r)
{
	const char *mo = check_param(k, "max-offset");
	double max_us = 100000;
	char detail[400] = "";
	size_t good = 0, bad = 0;

	if (mo && !offset_us(mo, &max_us))
		max_us = 100000;
	for (size_t i = 0; i < n; i++) {
		int rc;

		if (!rule_latest_of_source(sel, n, i))
			continue;
		if ((rc = clock_one(c, sel[i], max_us, r, detail, sizeof(detail))) < 0)
			return rc;
		if (rc)
			bad++;
		else
			good++;
	}
	if (!bad)
		result_set(r, ST_PASS, "%s%s", detail, good > 1 ? "; so are the other sources' clocks" : "");
	return 0;
}
