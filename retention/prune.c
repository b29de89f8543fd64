#include "retention.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Months, not days: "six months" and "six years" are calendar periods. */
const struct retention_rule retention_rules[] = {
	{ "access-log", 6, "EU AI Act Art. 19(1) and Art. 26(6): logs a high-risk AI "
	  "system generates automatically are kept for at least six months" },
	{ "document", 72, "HIPAA 45 CFR 164.316(b)(2)(i): policies, procedures and other "
	  "required documentation are kept for six years from creation or last effective date" },
	{ "attestation", 72, "HIPAA 45 CFR 164.316(b)(2)(i): records of required actions "
	  "and assessments are kept for six years" },
};
const size_t retention_nrules = sizeof(retention_rules) / sizeof(retention_rules[0]);

/* When each entry was last seen again unchanged (observation entries). */
struct seen {
	uint64_t index;
	int64_t at;
};

struct seen_set {
	struct seen *v;
	size_t n, cap;
};

struct pruner {
	const struct seen_set *seen;
	int64_t before, now;
	struct prune_result *out;
	const struct retention_rule *blocked_by;
	uint64_t blocked_entry;
	int64_t blocked_until, allowed;
	struct progress *progress;
	uint64_t total;
};

static const struct retention_rule *rule_for(const char *kind)
{
	for (size_t i = 0; i < retention_nrules; i++)
		if (!strcmp(retention_rules[i].kind, kind))
			return &retention_rules[i];
	return NULL;
}

static int gather_seen(const struct entry *e, void *arg)
{
	struct seen_set *ss = arg;
	json_t *a, *items, *it;
	struct seen *v;
	size_t k;

	if (strcmp(e->kind, "observation"))
		return 0;
	if (!(a = json_loadb(e->attrs, e->attrs_len, 0, NULL)))
		return 0;
	items = json_object_get(a, "reobserved");
	json_array_foreach(items, k, it) {
		json_t *jx = json_object_get(it, "index");

		if (!json_is_integer(jx) || json_integer_value(jx) < 0 ||
		    (uint64_t)json_integer_value(jx) >= e->index)
			continue;
		if (ss->n == ss->cap) {
			ss->cap = ss->cap ? ss->cap * 2 : 64;
			if (!(v = realloc(ss->v, ss->cap * sizeof(*v)))) {
				json_decref(a);
				return err_set(ERR_NOMEM, "out of memory");
			}
			ss->v = v;
		}
		ss->v[ss->n++] = (struct seen){ (uint64_t)json_integer_value(jx), e->eff_to };
	}
	json_decref(a);
	return 0;
}

static int seen_cmp(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->at < y->at ? 1 : x->at > y->at ? -1 : 0; /* latest first */
}

/* Sorted by index, one (the latest) per index. */
static void seen_sort(struct seen_set *ss)
{
	size_t k = 0;

	if (ss->n == 0)
		return;
	qsort(ss->v, ss->n, sizeof(*ss->v), seen_cmp);
	for (size_t i = 1; i < ss->n; i++)
		if (ss->v[i].index != ss->v[k].index)
			ss->v[++k] = ss->v[i];
	ss->n = k + 1;
}

/* The end of e's period, counting the times it was seen again unchanged. */
static int64_t period_end(const struct pruner *p, const struct entry *e)
{
	size_t lo = 0, hi = p->seen->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->seen->v[mid].index == e->index)
			return p->seen->v[mid].at > e->eff_to ? p->seen->v[mid].at : e->eff_to;
		if (p->seen->v[mid].index < e->index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return e->eff_to;
}

static int consider(const struct entry *e, void *arg)
{
	struct pruner *p = arg;
	const struct retention_rule *rule;
	int64_t end;
	uint64_t *v;

	progress_update(p->progress, PROGRESS_ITEMS, e->index + 1, p->total);
	/* An unknown time (a leaf of release 0.1.0) is not known to be old;
	 * tombstones and observations carry no payload worth dropping. */
	if (e->erased || !strcmp(e->kind, "tombstone") || !strcmp(e->kind, "observation") ||
	    e->eff_to >= p->before || e->eff_to == TIME_UNKNOWN ||
	    (end = period_end(p, e)) >= p->before)
		return 0;
	if ((rule = rule_for(e->kind))) {
		int64_t keep_from = time_minus_months(p->now, rule->months);

		if (end >= keep_from) {
			if (!p->blocked_by) {
				p->blocked_by = rule;
				p->blocked_entry = e->index;
				p->blocked_until = end;
			}
			if (keep_from < p->allowed)
				p->allowed = keep_from;
			return 0;
		}
	}
	if (!(v = realloc(p->out->pruned, (p->out->npruned + 1) * sizeof(*v))))
		return err_set(ERR_NOMEM, "out of memory");
	p->out->pruned = v;
	v[p->out->npruned++] = e->index;
	p->out->bytes += e->payload_size;
	return 0;
}

int prune_before(struct store *s, int64_t before, int64_t now, bool dry_run,
		 struct progress *progress, struct prune_result *out)
{
	struct store_filter all = { NULL, NULL, INT64_MIN };
	struct seen_set seen = { NULL, 0, 0 };
	struct pruner p = { &seen, before, now, out, NULL, 0, 0, INT64_MAX, progress, 0 };
	char t_before[RFC3339_LEN], t_until[RFC3339_LEN], t_allowed[RFC3339_LEN];
	json_t *attrs;
	int rc;

	memset(out, 0, sizeof(*out));
	if (before > now)
		return err_set(ERR_USAGE, "--before is in the future");
	if (progress && (rc = store_size(s, &p.total)))
		goto out;
	if ((rc = store_each(s, &all, gather_seen, &seen)))
		goto out;
	seen_sort(&seen);
	if ((rc = store_each(s, &all, consider, &p)))
		goto out;
	if (p.blocked_by) {
		time_format(t_until, p.blocked_until);
		time_format(t_allowed, p.allowed);
		rc = err_set(ERR_LIMIT, "refusing to prune: entry %" PRIu64 " (%s, evidence up "
			     "to %s) must be kept under %s; the latest --before this allows "
			     "is %s", p.blocked_entry, p.blocked_by->kind, t_until,
			     p.blocked_by->citation, t_allowed);
		goto out;
	}
	if (dry_run || out->npruned == 0)
		goto out;
	if ((rc = time_format(t_before, before)))   /* goes into the tombstone */
		goto out;
	if ((rc = store_erase(s, out->pruned, NULL, out->npruned)))
		goto out;
	if (!(attrs = json_pack("{s:s, s:s, s:s, s:o}", "action", "prune", "before", t_before,
				"reason", "retention: evidence that ended before this time",
				"erased", json_array()))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < out->npruned; i++)
		json_array_append_new(json_object_get(attrs, "erased"),
				      json_integer((json_int_t)out->pruned[i]));
	rc = tombstone_append(s, "prune", now, attrs, &out->tombstone);
	json_decref(attrs);
out:
	free(seen.v);
	if (rc) {
		prune_result_free(out);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

void prune_result_free(struct prune_result *r)
{
	free(r->pruned);
}
