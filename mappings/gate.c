#include "gate.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <stdlib.h>
#include <string.h>

static bool in_list(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* The frameworks to assess: the policy's, then those of required controls
 * (strings borrowed from p). */
static char **assess_list(const struct gate_policy *p, size_t *n)
{
	char **v = calloc(p->nframeworks + p->nrequire + 1, sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < p->nframeworks; i++)
		v[(*n)++] = p->frameworks[i];
	for (size_t i = 0; i < p->nrequire; i++)
		if (!in_list(v, *n, p->require[i].framework))
			v[(*n)++] = p->require[i].framework;
	return v;
}

static bool required(const struct gate_policy *p, const char *fw, const char *id)
{
	for (size_t i = 0; i < p->nrequire; i++)
		if (!strcmp(p->require[i].framework, fw) && !strcmp(p->require[i].id, id))
			return true;
	return false;
}

static void add_item(struct gate_result *g, const struct framework_result *fr, size_t f,
		     size_t i)
{
	const bool *fail_on = g->policy->fail_on;
	struct gate_item *it = &g->v[g->n++];

	it->cat = fr->cat;
	it->now = &fr->v[i];
	it->later = g->later.fw ? &g->later.fw[f].v[i] : NULL;
	/* An obligation that binds later is readiness, not a failure, unless
	 * the policy asks for those starting within `upcoming`. */
	it->deferred = it->now->applies_from &&
		       (!g->policy->upcoming_set ||
			it->now->applies_from > g->at + g->policy->upcoming);
	it->fails = fail_on[it->now->status] && !it->deferred;
	it->warns = !it->fails && !it->deferred && it->later && fail_on[it->later->status];
	g->counts[it->now->status]++;
	g->nexcluded += it->now->status == ST_NA;
	if (it->fails) {
		g->nfail++;
		g->fail_counts[it->now->status]++;
	}
	g->nwarn += it->warns;
	g->ndeferred += it->deferred && fail_on[it->now->status];
}

/* The controls in scope, in framework then catalogue order. */
static int collect_items(struct gate_result *g)
{
	const struct gate_policy *p = g->policy;
	size_t cap = 0;

	for (size_t f = 0; f < g->now.nfw; f++)
		cap += g->now.fw[f].n;
	if (!(g->v = calloc(cap + 1, sizeof(*g->v))))
		return err_nomem();
	for (size_t f = 0; f < g->now.nfw; f++) {
		const struct framework_result *fr = &g->now.fw[f];
		bool whole = in_list(p->frameworks, p->nframeworks, fr->cat->framework);

		for (size_t i = 0; i < fr->n; i++)
			if (whole || required(p, fr->cat->framework, fr->v[i].control->id))
				add_item(g, fr, f, i);
	}
	return 0;
}

int gate_run(struct gate_result *out, struct store *s, const struct catalogs *cs,
	     const struct checkset *ks, const struct gate_policy *p, int64_t at,
	     const struct verify_report *verified)
{
	struct assess_policy ap;
	uint8_t digest[SHA256_LEN];
	char **fws = NULL;
	size_t nfws;
	int rc;

	memset(out, 0, sizeof(*out));
	out->policy = p;
	out->at = out->warn_at = at;
	if ((rc = policy_check_scope(p)) ||
	    (rc = sha256(digest, p->raw.data ? p->raw.data : "", p->raw.len)))
		return rc;
	hex_encode(out->policy_sha256, digest, SHA256_LEN);
	if (!(fws = assess_list(p, &nfws)))
		return err_nomem();
	policy_assess_view(p, &ap);
	ap.verified = verified;
	rc = assess_run(&out->now, s, cs, ks, fws, nfws, at, &ap);
	if (!rc && p->warn_before) {
		/* The same evidence, judged later: what goes stale if nothing new
		 * is collected. */
		out->warn_at = p->warn_before > TIME_MAX - at ? TIME_MAX /* no overflow */
			       : at + p->warn_before;
		ap.evidence_at = at;
		rc = assess_run(&out->later, s, cs, ks, fws, nfws, out->warn_at, &ap);
	}
	if (!rc)
		rc = collect_items(out);
	free(fws);
	if (rc)
		gate_free(out);
	return rc;
}

void gate_free(struct gate_result *g)
{
	assess_free(&g->now);
	assess_free(&g->later);
	free(g->v);
	memset(g, 0, sizeof(*g));
}

/* ---- evidence ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static size_t add_indices(uint64_t *v, size_t n, const json_t *arr)
{
	size_t i;
	json_t *x;

	json_array_foreach(arr, i, x)
		v[n++] = (uint64_t)json_integer_value(x);
	return n;
}

json_t *gate_item_evidence(const struct gate_result *g, const struct gate_item *it)
{
	const struct control_result *cr = it->now;
	size_t cap = json_array_size(cr->evidence), n = 0;
	bool all_pass = true;
	uint64_t *v;
	json_t *out;

	for (size_t k = 0; k < cr->nchecks; k++) {
		const struct check_result *r = &g->now.checks[cr->checks[k]];

		cap += json_array_size(r->evidence);
		all_pass &= r->status == ST_PASS;
	}
	if (!(v = calloc(cap + 1, sizeof(*v))))
		return NULL;
	n = add_indices(v, n, cr->evidence);
	for (size_t k = 0; k < cr->nchecks; k++) {
		const struct check_result *r = &g->now.checks[cr->checks[k]];

		if (all_pass || r->status != ST_PASS)
			n = add_indices(v, n, r->evidence);
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	out = json_array();
	for (size_t i = 0; out && i < n; i++)
		if ((i == 0 || v[i] != v[i - 1]) &&
		    json_array_append_new(out, json_integer((json_int_t)v[i]))) {
			json_decref(out);
			out = NULL;
		}
	free(v);
	return out;
}

int gate_warning_text(struct buf *out, const struct gate_result *g,
		      const struct gate_item *it)
{
	enum status st = it->later ? it->later->status : it->now->status;
	char when[RFC3339_LEN];

	time_format(when, g->warn_at);
	buf_reset(out);
	if (st == ST_STALE)
		return buf_printf(out, "goes stale by %s: %s", when,
				  it->later ? it->later->reason : it->now->reason);
	return buf_printf(out, "would be %s by %s: %s", status_name(st), when,
			  it->later ? it->later->reason : it->now->reason);
}

/* ---- the decision record ---- */

/* Set o[key] = v (stolen); false when v is NULL or memory runs out. */
static bool put(json_t *o, const char *key, json_t *v)
{
	return v && !json_object_set_new(o, key, v);
}

static bool push(json_t *arr, json_t *v)
{
	return v && !json_array_append_new(arr, v);
}

static json_t *seconds_or_null(int64_t secs)
{
	return secs ? json_integer((json_int_t)secs) : json_null();
}

static json_t *policy_lists(const struct gate_policy *p, json_t *o)
{
	json_t *fws = json_array(), *req = json_array(), *fail_on = json_array();
	json_t *exc = json_array();
	/* Every put runs, even after one fails: o takes each array, so none
	 * leaks when another is NULL. */
	bool ok = put(o, "frameworks", fws);

	ok = put(o, "required", req) && ok;
	ok = put(o, "fail_on", fail_on) && ok;
	ok = put(o, "excluded", exc) && ok;

	for (size_t i = 0; ok && i < p->nframeworks; i++)
		ok = push(fws, json_string(p->frameworks[i]));
	for (size_t i = 0; ok && i < p->nrequire; i++)
		ok = push(req, json_sprintf("%s:%s", p->require[i].framework,
					    p->require[i].label));
	for (int s = 0; ok && s < ST_COUNT; s++)
		if (p->fail_on[s])
			ok = push(fail_on, json_string(status_name((enum status)s)));
	for (size_t i = 0; ok && i < p->nexclude; i++) {
		const struct policy_control *c = &p->exclude[i];

		ok = push(exc, json_pack("{s:s++, s:s, s:s}", "control", c->framework, ":",
					 c->label, "id", c->ref, "justification",
					 c->justification));
	}
	return ok ? o : NULL;
}

static json_t *failing(const struct gate_result *g)
{
	json_t *arr = json_array();
	bool ok = arr != NULL;

	for (size_t i = 0; ok && i < g->n; i++) {
		const struct gate_item *it = &g->v[i];
		const struct control *c = it->now->control;

		if (!it->fails)
			continue;
		ok = push(arr, json_pack("{s:s++, s:s++, s:s, s:s, s:s, s:o}",
					 "control", it->cat->framework, ":", c->label,
					 "id", it->cat->framework, ":", c->id, "title", c->title,
					 "status", status_name(it->now->status),
					 "reason", it->now->reason,
					 "evidence", gate_item_evidence(g, it)));
	}
	if (!ok)
		json_decref(arr);
	return ok ? arr : NULL;
}

static json_t *checkpoint_json(const struct checkpoint *cp)
{
	char root[B64_LEN(MERKLE_HASH)];

	b64_encode(root, cp->root, MERKLE_HASH);
	return json_pack("{s:I, s:s}", "size", (json_int_t)cp->size, "root", root);
}

/* Risks the policy accepted in this decision: finding, check, subject, why, until. */
static json_t *accepted(const struct gate_result *g)
{
	json_t *arr = json_array();
	char until[RFC3339_LEN];

	for (size_t i = 0; arr && i < g->now.nchecks; i++) {
		const struct check_result *r = &g->now.checks[i];

		for (size_t j = 0; j < r->nfindings; j++) {
			const struct finding *f = &r->findings[j];
			int64_t exp = 0;

			if (!f->accepted)
				continue;
			for (size_t k = 0; k < g->policy->naccept; k++)
				if (!strcmp(g->policy->accept[k].finding, f->id))
					exp = g->policy->accept[k].expires;
			time_format(until, exp);
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s?}", "finding",
				f->id, "check", r->check->id, "subject", f->subject,
				"justification", f->accepted, "expires", exp ? until : NULL));
		}
	}
	return arr;
}

/* Controls that would fail but bind only later: what the release is not
 * judged on yet, so the record shows it was not overlooked. */
static json_t *not_yet_binding(const struct gate_result *g)
{
	json_t *arr = json_array();
	bool ok = arr != NULL;
	char from[RFC3339_LEN];

	for (size_t i = 0; ok && i < g->n; i++) {
		const struct gate_item *it = &g->v[i];
		const struct control *c = it->now->control;

		if (!it->deferred || !g->policy->fail_on[it->now->status])
			continue;
		time_format(from, it->now->applies_from);
		ok = push(arr, json_pack("{s:s++, s:s++, s:s, s:s, s:s}",
					 "control", it->cat->framework, ":", c->label,
					 "id", it->cat->framework, ":", c->id,
					 "status", status_name(it->now->status),
					 "applies_from", from, "reason", it->now->reason));
	}
	if (!ok)
		json_decref(arr);
	return ok ? arr : NULL;
}

json_t *gate_decision_attrs(const struct gate_result *g, const char *release)
{
	const struct gate_policy *p = g->policy;
	char at[RFC3339_LEN];
	json_t *o = json_object(), *counts = json_object();
	bool ok;

	/* Signed attrs: a time time_format cannot write fails the record. */
	ok = time_format(at, g->at) == 0 &&
	     put(o, "verdict", json_string(gate_passed(g) ? "pass" : "fail")) &&
	     put(o, "at", json_string(at)) &&
	     put(o, "release", release ? json_string(release) : json_null()) &&
	     put(o, "policy", p->file ? json_string(p->file) : json_null()) &&
	     put(o, "policy_sha256", json_string(g->policy_sha256)) &&
	     policy_lists(p, o) &&
	     put(o, "max_age_seconds", seconds_or_null(p->max_age)) &&
	     put(o, "warn_before_seconds", seconds_or_null(p->warn_before)) &&
	     put(o, "failing", failing(g)) &&
	     put(o, "accepted", accepted(g)) &&
	     put(o, "not_yet_binding", not_yet_binding(g)) &&
	     put(o, "upcoming_seconds", p->upcoming_set ? json_integer((json_int_t)p->upcoming)
							  : json_null()) &&
	     put(o, "warnings", json_integer((json_int_t)g->nwarn)) &&
	     put(o, "in_scope", json_integer((json_int_t)g->n)) &&
	     put(o, "counts", json_incref(counts)) &&
	     put(o, "checkpoint", checkpoint_json(&g->now.cp));
	for (int s = 0; ok && s < ST_COUNT; s++)
		ok = put(counts, status_name((enum status)s),
			 json_integer((json_int_t)g->counts[s]));
	json_decref(counts);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}
