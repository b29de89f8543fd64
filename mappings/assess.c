#include "assess.h"
#include "rules.h"
#include "rules_scope.h"
#include "../common/array.h"
#include "scope.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[ST_COUNT] = {
	[ST_PASS] = "pass", [ST_FAIL] = "fail", [ST_STALE] = "stale",
	[ST_MISSING] = "missing", [ST_MANUAL] = "manual", [ST_NA] = "not-applicable",
};

const char *status_name(enum status s)
{
	return status_names[s];
}

bool status_from_name(const char *name, enum status *out)
{
	for (int i = 0; i < ST_COUNT; i++)
		if (!strcmp(name, status_names[i])) {
			*out = (enum status)i;
			return true;
		}
	return false;
}

/* ---- evidence ---- */

struct loader {
	struct evidence_set *es;
	size_t cap;
	int64_t at;
};

/* How old evidence effective to t is at `at`; an unknown time (a leaf of
 * release 0.1.0) is never fresh. */
static int64_t age_at(int64_t at, int64_t t)
{
	return t == TIME_UNKNOWN ? INT64_MAX : at - t;
}

static int take(const struct entry *e, void *arg)
{
	struct loader *l = arg;
	struct evidence *v;

	if (e->collected > l->at)
		return 0;
	if (l->es->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		if (!(v = realloc(l->es->v, l->cap * sizeof(*v))))
			return err_nomem();
		l->es->v = v;
	}
	v = &l->es->v[l->es->n];
	memset(v, 0, sizeof(*v));
	v->index = e->index;
	snprintf(v->kind, sizeof(v->kind), "%s", e->kind);
	v->eff_from = e->eff_from;
	v->eff_to = e->eff_to;
	v->collected = e->collected;
	v->erased = e->erased;
	v->attrs = json_loadb(e->attrs, e->attrs_len, 0, NULL);
	v->source = strdup(e->source);
	v->subject = strdup(e->subject);
	if (!v->attrs)
		v->attrs = json_object();
	if (!v->source || !v->subject || !v->attrs)
		return err_nomem();
	l->es->n++;
	return 0;
}

static int by_index(const void *a, const void *b)
{
	uint64_t x = ((const struct evidence *)a)->index, y = ((const struct evidence *)b)->index;

	return x < y ? -1 : x > y;
}

/* The earlier access-log entry of e's source that attrs value x names. */
static struct evidence *named(struct evidence_set *es, const struct evidence *e, json_t *x)
{
	struct evidence key, *hit;

	if (!json_is_integer(x) || json_integer_value(x) < 0)
		return NULL;
	key.index = (uint64_t)json_integer_value(x);
	hit = bsearch(&key, es->v, es->n, sizeof(*es->v), by_index);
	if (!hit || hit->index >= e->index || strcmp(hit->kind, "access-log") ||
	    strcmp(hit->source, e->source))
		return NULL;
	return hit;
}

/*
 * Count each log line once.  A rescan's entries name the earlier entries
 * whose bytes they hold again ("supersedes"); an erasure's restated entry
 * stands for the entry it restates ("restates"), which is replaced too; and
 * a restated copy of an entry a rescan superseded is superseded with it.
 */
static int mark_superseded(struct evidence_set *es)
{
	bool *rescanned = calloc(es->n + 1, sizeof(*rescanned));
	struct evidence *hit;
	json_t *x;
	size_t k;

	if (!rescanned)
		return err_nomem();
	for (size_t i = 0; i < es->n; i++) {
		if (strcmp(es->v[i].kind, "access-log"))
			continue;
		json_array_foreach(json_object_get(es->v[i].attrs, "supersedes"), k, x)
			if ((hit = named(es, &es->v[i], x)))
				rescanned[hit - es->v] = hit->superseded = true;
		if ((hit = named(es, &es->v[i], json_object_get(es->v[i].attrs, "restates"))))
			hit->superseded = true;
	}
	/* restates point back: one pass in log order follows chains of them */
	for (size_t i = 0; i < es->n; i++) {
		if (strcmp(es->v[i].kind, "access-log"))
			continue;
		hit = named(es, &es->v[i], json_object_get(es->v[i].attrs, "restates"));
		if (hit && rescanned[hit - es->v])
			rescanned[i] = es->v[i].superseded = true;
	}
	free(rescanned);
	return 0;
}

static struct evidence *evidence_by_index(const struct evidence_set *es, uint64_t index)
{
	size_t lo = 0, hi = es->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (es->v[mid].index == index)
			return &es->v[mid];
		if (es->v[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * An observation entry says the entries it names were seen again, unchanged,
 * at its time (collectors/observe.h): their evidence speaks up to then.
 */
static void apply_observations(struct evidence_set *es)
{
	for (size_t i = 0; i < es->n; i++) {
		const struct evidence *o = &es->v[i];
		json_t *items = json_object_get(o->attrs, "reobserved"), *it;
		size_t k;

		if (strcmp(o->kind, "observation") || !json_is_array(items))
			continue;
		json_array_foreach(items, k, it) {
			json_t *jx = json_object_get(it, "index");
			const char *kind = json_string_value(json_object_get(it, "kind"));
			struct evidence *e;

			if (!json_is_integer(jx) || json_integer_value(jx) < 0 ||
			    (uint64_t)json_integer_value(jx) >= o->index ||
			    !(e = evidence_by_index(es, (uint64_t)json_integer_value(jx))) ||
			    e->erased || !kind || strcmp(kind, e->kind))
				continue;
			if (o->eff_to > e->eff_to)
				e->eff_to = o->eff_to;
		}
	}
}

int evidence_load(struct evidence_set *out, struct store *s, int64_t at)
{
	struct store_filter f = { NULL, NULL, INT64_MIN };
	struct loader l = { out, 0, at };
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_each(s, &f, take, &l)) || (rc = mark_superseded(out)))
		evidence_free(out);
	else
		apply_observations(out);
	return rc;
}

void evidence_free(struct evidence_set *es)
{
	for (size_t i = 0; i < es->n; i++) {
		free(es->v[i].source);
		free(es->v[i].subject);
		json_decref(es->v[i].attrs);
	}
	free(es->v);
	memset(es, 0, sizeof(*es));
}

/* ---- checks ---- */

static bool selected(const struct check *k, const struct evidence *e)
{
	const char *type;

	if (e->superseded || strcmp(k->kind, e->kind) || (k->source && strcmp(k->source, e->source)))
		return false;
	if (!k->type)
		return true;
	type = json_string_value(json_object_get(e->attrs, "type"));
	return type && !strcmp(type, k->type);
}

static void age_text(char *out, size_t cap, int64_t secs)
{
	if (secs >= 86400)
		snprintf(out, cap, "%" PRId64 " day%s", secs / 86400, secs / 86400 == 1 ? "" : "s");
	else if (secs >= 3600)
		snprintf(out, cap, "%" PRId64 " h", secs / 3600);
	else
		snprintf(out, cap, "%" PRId64 " min", secs / 60);
}

/* Is sel[i] the newest of its source among sel? */
static bool newest_of_source(const struct evidence **sel, size_t n, size_t i)
{
	for (size_t j = i + 1; j < n; j++)
		if (!strcmp(sel[j]->source, sel[i]->source))
			return false;
	return true;
}

/*
 * Fail closed: the rule sees only usable evidence; the newest entry of a
 * source that is not usable fails the check on its own, whatever the rule
 * makes of older entries.  Returns how many entries of sel are usable
 * (moved to the front of `use`); `bad` gets the first newest-unusable one.
 */
static size_t split_usable(const struct evidence **sel, size_t n, const struct evidence **use)
{
	size_t nu = 0;

	for (size_t i = 0; i < n; i++)
		if (evidence_usable(sel[i], NULL, 0))
			use[nu++] = sel[i];
	return nu;
}

/* "document evidence of type dpia from source docs" */
static void evidence_subject(char *out, size_t cap, const struct check *k)
{
	snprintf(out, cap, "%s evidence%s%s%s%s", k->kind, k->type ? " of type " : "",
		 k->type ? k->type : "", k->source ? " from source " : "",
		 k->source ? k->source : "");
}

/* A finding for the newest entry of each source that cannot be used. */
static int unusable_findings(const struct check *k, const struct evidence **sel, size_t n,
			     struct check_result *r)
{
	char why[256], subject[300];
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (!newest_of_source(sel, n, i) || evidence_usable(sel[i], why, sizeof(why)))
			continue;
		snprintf(subject, sizeof(subject), "%s from source %s", k->kind, sel[i]->source);
		if ((rc = finding_add(r, ST_FAIL, subject, "the newest %s evidence from source %s "
				      "(entry %" PRIu64 ") cannot be relied on: %s", k->kind,
				      sel[i]->source, sel[i]->index, why)))
			return rc;
		finding_ref(r, sel[i]->index);
	}
	return 0;
}

static int run_check(const struct rule_ctx *ctx, const struct check *k,
		     const struct assess_policy *policy, struct check_result *r)
{
	const struct evidence **sel = NULL, **use;
	int64_t allowed = k->freshness, age;
	size_t n = 0, nu;
	char a[32], b[32], subject[300];
	int rc = 0;

	r->check = k;
	if (!(r->evidence = json_array()))
		return err_nomem();
	if (!strcmp(k->kind, "store"))
		return rule_apply(ctx, k, NULL, 0, r);
	if (!(sel = calloc(2 * (ctx->all->n + 1), sizeof(*sel))))
		return err_nomem();
	use = sel + ctx->all->n + 1;
	for (size_t i = 0; i < ctx->all->n; i++)
		if (selected(k, &ctx->all->v[i]))
			sel[n++] = &ctx->all->v[i];
	evidence_subject(subject, sizeof(subject), k);
	if (n == 0) {
		rc = finding_add(r, ST_MISSING, subject, "no %s has been collected", subject);
		goto out;
	}
	nu = split_usable(sel, n, use);
	if (nu == 0) {
		rc = unusable_findings(k, sel, n, r);
		goto out;
	}
	if (policy && policy->max_age && (!allowed || policy->max_age < allowed))
		allowed = policy->max_age;
	age = age_at(ctx->at, use[nu - 1]->eff_to);
	for (size_t i = 0; i < nu; i++)
		if (age_at(ctx->at, use[i]->eff_to) < age)
			age = age_at(ctx->at, use[i]->eff_to);
	if (allowed && age > allowed) {
		age_text(a, sizeof(a), age);
		age_text(b, sizeof(b), allowed);
		if (!(rc = finding_add(r, ST_STALE, subject, "the newest %s is %s old; the check "
				       "allows %s", subject, a, b)))
			finding_ref(r, use[nu - 1]->index);
		goto out;
	}
	/* Fail closed: the rule sees only usable evidence, and the newest entry
	 * of a source that is not usable is a finding whatever the rule says. */
	if (!(rc = rule_apply(ctx, k, use, nu, r)))
		rc = unusable_findings(k, sel, n, r);
out:
	if (!rc)
		rc = findings_finish(r);
	free(sel);
	return rc;
}

/*
 * Risk acceptance: findings a policy names (and whose acceptance has not
 * ended) are marked; a check whose findings are all accepted passes.
 */
static int accept_findings(const struct assess_policy *p, int64_t at, struct check_result *r)
{
	size_t accepted = 0;

	for (size_t i = 0; p && i < r->nfindings; i++)
		for (size_t j = 0; j < p->naccept; j++)
			if (!strcmp(p->accept[j].finding, r->findings[i].id) &&
			    (!p->accept[j].expires || at <= p->accept[j].expires)) {
				r->findings[i].accepted = p->accept[j].justification;
				accepted++;
				break;
			}
	if (!accepted || accepted < r->nfindings)
		return 0;
	free(r->detail);
	r->status = ST_PASS;
	if (asprintf(&r->detail, "every finding is accepted by the policy: %s",
		     r->findings[0].accepted) < 0)
		r->detail = NULL;
	return r->detail ? 0 : err_nomem();
}

/* ---- controls ---- */

static bool excluded(const struct assess_policy *p, const struct catalog *cat,
		     const struct control *c, int64_t at, const char **why)
{
	for (size_t i = 0; p && i < p->nexclude; i++) {
		const char *x = p->exclude[i], *colon = strchr(x, ':');
		const struct control *want;

		if (p->exclude_expires && p->exclude_expires[i] && at > p->exclude_expires[i])
			continue; /* the exclusion has ended: judged again */

		if (!colon || strncmp(x, cat->framework, (size_t)(colon - x)) ||
		    strlen(cat->framework) != (size_t)(colon - x))
			continue;
		want = catalog_find(cat, colon + 1);
		if (want == c) {
			*why = p->justification[i];
			return true;
		}
	}
	return false;
}

/* The newest attestation entry for fw:control as of at, if any. */
static const struct evidence *attestation_for(const struct evidence_set *es,
					      const struct catalog *cat,
					      const struct control *c)
{
	const struct evidence *best = NULL;

	for (size_t i = 0; i < es->n; i++) {
		const char *fw = json_string_value(json_object_get(es->v[i].attrs, "framework"));
		const char *id = json_string_value(json_object_get(es->v[i].attrs, "control"));

		if (!strcmp(es->v[i].kind, "attestation") && fw && id &&
		    !strcmp(fw, cat->framework) && !strcmp(id, c->id))
			best = &es->v[i];
	}
	return best;
}

static int decide_control(struct control_result *cr, const struct assessment *a,
			  const struct catalog *cat, const struct evidence_set *es,
			  const struct assess_policy *policy)
{
	const struct check_result *worst = NULL;
	const struct evidence *att;
	const char *why = NULL;
	static const enum status order[] = { ST_FAIL, ST_MISSING, ST_STALE };
	char until[RFC3339_LEN];
	int64_t valid;
	struct applicability ap;

	if (!(cr->evidence = json_array()))
		return err_nomem();
	scope_control(&ap, policy ? policy->profile : NULL, cat, cr->control);
	if (!ap.applies) {
		cr->status = ST_NA;
		cr->out_of_profile = true;
		cr->reason = strdup(ap.reason);
		return cr->reason ? 0 : err_nomem();
	}
	cr->applies_from = ap.applies_from > a->at ? ap.applies_from : 0;
	if (excluded(policy, cat, cr->control, a->at, &why)) {
		cr->status = ST_NA;
		cr->reason = strdup(why ? why : "excluded by policy");
		return cr->reason ? 0 : err_nomem();
	}
	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]) && !worst; o++)
		for (size_t i = 0; i < cr->nchecks && !worst; i++)
			if (a->checks[cr->checks[i]].status == order[o])
				worst = &a->checks[cr->checks[i]];
	att = attestation_for(es, cat, cr->control);
	if (worst && worst->status == ST_FAIL) {
		cr->status = ST_FAIL;
		if (asprintf(&cr->reason, "%s: %s", worst->check->id, worst->detail) < 0)
			cr->reason = NULL;
	} else if (att && (!json_is_string(json_object_get(att->attrs, "valid_until")) ||
			   (time_parse(&valid, json_string_value(json_object_get(att->attrs,
							"valid_until"))) == 0 && valid >= a->at))) {
		const char *by = json_string_value(json_object_get(att->attrs, "by"));
		const char *file = json_string_value(json_object_get(att->attrs, "name"));
		const char *to = json_string_value(json_object_get(att->attrs, "valid_until"));

		cr->status = ST_PASS;
		json_array_append_new(cr->evidence, json_integer((json_int_t)att->index));
		time_format(until, att->collected);
		/* who, which file, until when: what an auditor asks of an attestation */
		if (asprintf(&cr->reason, "attested by %s on %s in %s (entry %" PRIu64 "), %s%s",
			     by ? by : "?", until, file ? file : "a file", att->index,
			     to ? "valid until " : "with no end date", to ? to : "") < 0)
			cr->reason = NULL;
	} else if (worst) {
		cr->status = worst->status;
		if (asprintf(&cr->reason, "%s: %s", worst->check->id, worst->detail) < 0)
			cr->reason = NULL;
	} else if (cr->nchecks) {
		cr->status = ST_PASS;
		if (asprintf(&cr->reason, "%zu check%s pass", cr->nchecks,
			     cr->nchecks == 1 ? "" : "s") < 0)
			cr->reason = NULL;
	} else if (att) {
		cr->status = ST_STALE;
		json_array_append_new(cr->evidence, json_integer((json_int_t)att->index));
		/* Judged at a later time (gate warn-before): it has not run out yet. */
		bool later = policy && policy->evidence_at &&
			     time_parse(&valid, json_string_value(json_object_get(att->attrs,
					"valid_until"))) == 0 && valid > policy->evidence_at;

		if (asprintf(&cr->reason, "the attestation (entry %" PRIu64 ") %s on %s",
			     att->index, later ? "expires" : "expired",
			     json_string_value(json_object_get(att->attrs, "valid_until"))) < 0)
			cr->reason = NULL;
	} else {
		cr->status = ST_MANUAL;
		cr->reason = strdup("no automated check covers this control and no "
				    "attestation exists: a person must attest it");
	}
	return cr->reason && cr->evidence ? 0 : err_nomem();
}

/* Run check k for control c alone (it has its own parameter: a retention
 * minimum, a jurisdiction); the result is appended to a->checks. */
static int run_for_control(struct assessment *a, const struct rule_ctx *ctx, size_t k,
			   const char *fw, const struct control *c,
			   const struct assess_policy *policy, size_t *idx)
{
	struct rule_ctx one = *ctx;
	struct check_result *v;
	const struct check *ck = a->checks[k].check;
	int rc;

	/* One spare element stays zeroed at the end, as assess_run allocates. */
	if ((rc = array_grow(&a->checks, a->nchecks + 1, &a->checks_cap, sizeof(*a->checks))))
		return rc;
	v = a->checks;
	memset(&v[a->nchecks], 0, 2 * sizeof(*v));
	one.control = c;
	*idx = a->nchecks++;
	if (asprintf(&v[*idx].for_control, "%s:%s", fw, c->label) < 0) {
		v[*idx].for_control = NULL;
		return err_nomem();
	}
	if ((rc = run_check(&one, ck, policy, &v[*idx])))
		return rc;
	return accept_findings(policy, a->at, &v[*idx]);
}

static int assess_framework(struct framework_result *fr, struct assessment *a,
			    const struct catalog *cat, const struct evidence_set *es,
			    const struct assess_policy *policy, const struct rule_ctx *ctx,
			    size_t nbase)
{
	int rc;

	fr->cat = cat;
	fr->n = cat->n;
	if (!(fr->v = calloc(cat->n + 1, sizeof(*fr->v))))
		return err_nomem();
	for (size_t i = 0; i < cat->n; i++) {
		struct control_result *cr = &fr->v[i];

		cr->control = &cat->v[i];
		if (!(cr->checks = calloc(nbase + 1, sizeof(*cr->checks))))
			return err_nomem();
		for (size_t k = 0; k < nbase; k++) {
			const struct check *ck = a->checks[k].check;

			for (size_t m = 0; m < ck->nmaps; m++)
				if (ck->maps[m].control == cr->control) {
					size_t idx = k;

					if (scope_per_control(ck, cr->control) &&
					    (rc = run_for_control(a, ctx, k, cat->framework, cr->control,
								  policy, &idx)))
						return rc;
					cr->checks[cr->nchecks++] = idx;
					break;
				}
		}
		if ((rc = decide_control(cr, a, cat, es, policy)))
			return rc;
		fr->counts[cr->status]++;
	}
	fr->coverage = cat->n ? (double)fr->counts[ST_PASS] / (double)cat->n : 0.0;
	return 0;
}

/* Obligations that pull against each other, reported rather than hidden. */
static json_t *conflicts(const struct assessment *a)
{
	bool gdpr = false, aiact = false, hipaa = false;
	json_t *arr = json_array();

	for (size_t i = 0; i < a->nfw; i++) {
		gdpr |= !strcmp(a->fw[i].cat->framework, "gdpr");
		hipaa |= !strcmp(a->fw[i].cat->framework, "hipaa");
		/* The six-month log duty binds high-risk systems only: no
		 * conflict when the profile puts Art. 19 and 26 out of scope. */
		if (!strcmp(a->fw[i].cat->framework, "eu-ai-act"))
			for (size_t c = 0; c < a->fw[i].n; c++)
				aiact |= (!strcmp(a->fw[i].v[c].control->id, "art-19") ||
					  !strcmp(a->fw[i].v[c].control->id, "art-26")) &&
					 a->fw[i].v[c].status != ST_NA;
	}
	if (gdpr && aiact)
		json_array_append_new(arr, json_pack("{s:[s,s,s], s:s}",
			"controls", "gdpr:Art. 5", "eu-ai-act:Art. 19", "eu-ai-act:Art. 26",
			"note", "GDPR storage limitation asks that logs holding personal data be "
			"kept no longer than needed; the AI Act requires providers and deployers "
			"of high-risk systems to keep automatically generated logs for at least "
			"six months. auditpack keeps logs pseudonymised (erasable per subject) and "
			"prune refuses to drop logs a framework in scope still requires."));
	if (gdpr && hipaa)
		json_array_append_new(arr, json_pack("{s:[s,s], s:s}",
			"controls", "gdpr:Art. 5", "hipaa:164.316(b)(2)(i)",
			"note", "HIPAA keeps required documentation for six years; GDPR limits "
			"storage of personal data. Documentation is kept; personal data in it is "
			"pseudonymised and erasable."));
	return arr;
}

int assess_run(struct assessment *out, struct store *s, const struct catalogs *cs,
	       const struct checkset *ks, char *const *frameworks, size_t n,
	       int64_t at, const struct assess_policy *policy)
{
	struct evidence_set es = { NULL, 0 }, counted = { NULL, 0 };
	struct verify_opts vo = { NULL, 0, NULL, NULL };
	struct verify_report vr;
	const struct verify_report *verified = policy ? policy->verified : NULL;
	int64_t evidence_at = policy && policy->evidence_at ? policy->evidence_at : at;
	struct rule_ctx ctx;
	struct buf note = BUF_INIT;
	char **scoped = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&ctx, 0, sizeof(ctx));
	memset(&vr, 0, sizeof(vr));
	out->at = at;
	if (n == 0 && policy && policy->profile && policy->profile->frameworks) {
		if ((rc = scope_frameworks(&scoped, &n, policy->profile, cs)))
			return rc;
		frameworks = scoped;
	}
	for (size_t i = 0; i < n; i++)
		if (!catalogs_want(cs, frameworks[i]))
			return ERR_USAGE;
	/* The checkpoint, the evidence and the verification from one snapshot
	 * (store.h), whatever a concurrent collect commits. */
	if ((rc = store_read_begin(s)))
		return rc;
	if ((rc = store_checkpoint(s, &note, &out->cp)) ||
	    (rc = evidence_load(&es, s, evidence_at)) ||
	    (!verified && (rc = store_verify(s, &vo, &vr))))
		goto out;
	if (!verified)
		verified = &vr;
	/* Rules that look across all evidence see only what is counted: no
	 * superseded entry (a view: the structs are shared with es). */
	if (!(counted.v = calloc(es.n + 1, sizeof(*counted.v)))) {
		rc = err_nomem();
		goto out_vr;
	}
	for (size_t i = 0; i < es.n; i++)
		if (!es.v[i].superseded)
			counted.v[counted.n++] = es.v[i];
	ctx.store = s;
	ctx.all = &counted;
	ctx.profile = policy ? policy->profile : NULL;
	ctx.catalogs = cs;
	ctx.at = at;
	ctx.store_ok = verified->nproblems == 0;
	ctx.store_problem = verified->nproblems ? verified->problems[0].what : NULL;
	out->nchecks = ks->n;
	if (!(out->checks = calloc(ks->n + 1, sizeof(*out->checks))) ||
	    !(out->fw = calloc((n ? n : cs->n) + 1, sizeof(*out->fw)))) {
		rc = err_nomem();
		goto out_vr;
	}
	out->checks_cap = ks->n + 1;
	for (size_t i = 0; i < ks->n && !rc; i++)
		if (!(rc = run_check(&ctx, &ks->v[i], policy, &out->checks[i])))
			rc = accept_findings(policy, at, &out->checks[i]);
	for (size_t i = 0; i < (n ? n : cs->n) && !rc; i++) {
		const struct catalog *cat = n ? catalogs_find(cs, frameworks[i]) : &cs->v[i];

		rc = assess_framework(&out->fw[out->nfw++], out, cat, &es, policy, &ctx, ks->n);
	}
	if (!rc && !(out->conflicts = conflicts(out)))
		rc = err_nomem();
out_vr:
	verify_report_free(&vr);
out:
	store_read_end(s);
	free(counted.v);
	evidence_free(&es);
	buf_free(&note);
	free(scoped);
	if (rc)
		assess_free(out);
	return rc;
}

void assess_free(struct assessment *a)
{
	for (size_t i = 0; a->checks && i < a->nchecks; i++) {
		findings_free(&a->checks[i]);
		free(a->checks[i].for_control);
		free(a->checks[i].detail);
		json_decref(a->checks[i].evidence);
	}
	free(a->checks);
	for (size_t f = 0; f < a->nfw; f++) {
		for (size_t i = 0; a->fw[f].v && i < a->fw[f].n; i++) {
			free(a->fw[f].v[i].reason);
			free(a->fw[f].v[i].checks);
			json_decref(a->fw[f].v[i].evidence);
		}
		free(a->fw[f].v);
	}
	free(a->fw);
	json_decref(a->conflicts);
	memset(a, 0, sizeof(*a));
}

json_t *assess_json(const struct assessment *a)
{
	char at[RFC3339_LEN], root[B64_LEN(MERKLE_HASH)];
	json_t *doc, *fws = json_array();

	time_format(at, a->at);
	b64_encode(root, a->cp.root, MERKLE_HASH);
	doc = json_pack("{s:s, s:{s:I, s:s}, s:o}", "at", at, "checkpoint", "size",
			(json_int_t)a->cp.size, "root", root, "frameworks", fws);
	if (!doc)
		return NULL;
	for (size_t f = 0; f < a->nfw; f++) {
		const struct framework_result *fr = &a->fw[f];
		json_t *counts = json_object(), *controls = json_array();

		for (int s = 0; s < ST_COUNT; s++)
			json_object_set_new(counts, status_name((enum status)s),
					    json_integer((json_int_t)fr->counts[s]));
		for (size_t i = 0; i < fr->n; i++) {
			const struct control_result *cr = &fr->v[i];
			json_t *checks = json_array();

			for (size_t k = 0; k < cr->nchecks; k++) {
				const struct check_result *r = &a->checks[cr->checks[k]];

				json_t *ids = json_array();

				for (size_t x = 0; x < r->nfindings; x++)
					json_array_append_new(ids, json_string(r->findings[x].id));
				json_array_append_new(checks, json_pack("{s:s, s:s, s:s?, s:O, s:o}",
					"id", r->check->id, "status", status_name(r->status),
					"detail", r->detail, "evidence", r->evidence, "findings", ids));
			}
			json_t *cj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:O}",
				"id", cr->control->id, "label", cr->control->label,
				"title", cr->control->title, "status", status_name(cr->status),
				"reason", cr->reason, "checks", checks, "evidence", cr->evidence);

			if (cj && cr->applies_from) {
				char from[RFC3339_LEN];

				time_format(from, cr->applies_from);
				json_object_set_new(cj, "applies_from", json_string(from));
			}
			json_array_append_new(controls, cj);
		}
		json_array_append_new(fws, json_pack("{s:s, s:s, s:o, s:f, s:o}",
			"id", fr->cat->framework, "title", fr->cat->title, "counts", counts,
			"coverage", fr->coverage, "controls", controls));
	}
	json_object_set(doc, "conflicts", a->conflicts);
	json_object_set_new(doc, "findings", findings_json(a));
	return doc;
}
