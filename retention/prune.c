#include "retention.h"
#include "../common/array.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	const struct retention_rule *rules;
	size_t nrules;
	struct prune_result *out;
	size_t pruned_cap;      /* of out->pruned */
	char blocked_kind[32];
	char blocked_by[1024];  /* every rule that keeps the first protected entry */
	bool blocked;
	uint64_t blocked_entry;
	int64_t blocked_until, allowed;
	struct progress *progress;
	uint64_t total;
};

static int gather_seen(const struct entry *e, void *arg)
{
	struct seen_set *ss = arg;
	json_t *a, *items, *it;
	size_t k;
	int rc;

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
		if ((rc = array_grow(&ss->v, ss->n, &ss->cap, sizeof(*ss->v)))) {
			json_decref(a);
			return rc;
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
	bool kept = false, first = !p->blocked;
	int64_t end;
	int rc;

	progress_update(p->progress, PROGRESS_ITEMS, e->index + 1, p->total);
	/* An unknown time (a leaf of release 0.1.0) is not known to be old;
	 * tombstones and observations carry no payload worth dropping. */
	if (e->erased || !strcmp(e->kind, "tombstone") || !strcmp(e->kind, "observation") ||
	    e->eff_to >= p->before || e->eff_to == TIME_UNKNOWN ||
	    (end = period_end(p, e)) >= p->before)
		return 0;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct retention_rule *rule = &p->rules[i];
		size_t len = strlen(p->blocked_by);

		if (strcmp(rule->kind, e->kind) || end < rule->keep_from)
			continue;
		kept = true;
		if (first)
			snprintf(p->blocked_by + len, sizeof(p->blocked_by) - len, "%s%s",
				 len ? "; and under " : "", rule->why);
		if (rule->keep_from < p->allowed)
			p->allowed = rule->keep_from;
	}
	if (kept) {
		if (first) {
			p->blocked = true;
			p->blocked_entry = e->index;
			p->blocked_until = end;
			snprintf(p->blocked_kind, sizeof(p->blocked_kind), "%s", e->kind);
		}
		return 0;
	}
	if ((rc = array_grow(&p->out->pruned, p->out->npruned, &p->pruned_cap,
			      sizeof(*p->out->pruned))))
		return rc;
	p->out->pruned[p->out->npruned++] = e->index;
	p->out->bytes += e->payload_size;
	return 0;
}

int prune_before(struct store *s, int64_t before, int64_t now, bool dry_run,
		 const struct retention_rule *rules, size_t nrules,
		 struct progress *progress, struct prune_result *out)
{
	struct store_filter all = { NULL, NULL, INT64_MIN };
	struct seen_set seen = { NULL, 0, 0 };
	struct pruner p;
	char t_before[RFC3339_LEN], t_until[RFC3339_LEN], t_allowed[RFC3339_LEN];
	json_t *attrs;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.seen = &seen;
	p.before = before;
	p.now = now;
	p.rules = rules;
	p.nrules = nrules;
	p.out = out;
	p.allowed = INT64_MAX;
	p.progress = progress;
	if (before > now)
		return err_set(ERR_USAGE, "--before is in the future");
	if (progress && (rc = store_size(s, &p.total)))
		goto out;
	if ((rc = store_each(s, &all, gather_seen, &seen)))
		goto out;
	seen_sort(&seen);
	if ((rc = store_each(s, &all, consider, &p)))
		goto out;
	if (p.blocked) {
		time_format(t_until, p.blocked_until);
		time_format(t_allowed, p.allowed);
		rc = err_set(ERR_LIMIT, "refusing to prune: entry %" PRIu64 " (%s, evidence up "
			     "to %s) must be kept under %s; the latest --before this allows "
			     "is %s", p.blocked_entry, p.blocked_kind, t_until,
			     p.blocked_by, t_allowed);
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
		rc = err_nomem();
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
