#include "retention.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pruner {
	int64_t before, now;
	const struct retention_rule *rules;
	size_t nrules;
	struct prune_result *out;
	char blocked_kind[32];
	char blocked_by[1024];  /* every rule that keeps the first protected entry */
	bool blocked;
	uint64_t blocked_entry;
	int64_t blocked_until, allowed;
};

static int consider(const struct entry *e, void *arg)
{
	struct pruner *p = arg;
	bool kept = false, first = !p->blocked;
	uint64_t *v;

	/* An unknown time (a leaf of release 0.1.0) is not known to be old. */
	if (e->erased || !strcmp(e->kind, "tombstone") || e->eff_to >= p->before ||
	    e->eff_to == TIME_UNKNOWN)
		return 0;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct retention_rule *rule = &p->rules[i];
		size_t len = strlen(p->blocked_by);

		if (strcmp(rule->kind, e->kind) || e->eff_to < rule->keep_from)
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
			p->blocked_until = e->eff_to;
			snprintf(p->blocked_kind, sizeof(p->blocked_kind), "%s", e->kind);
		}
		return 0;
	}
	if (!(v = realloc(p->out->pruned, (p->out->npruned + 1) * sizeof(*v))))
		return err_set(ERR_NOMEM, "out of memory");
	p->out->pruned = v;
	v[p->out->npruned++] = e->index;
	p->out->bytes += e->payload_size;
	return 0;
}

int prune_before(struct store *s, int64_t before, int64_t now, bool dry_run,
		 const struct retention_rule *rules, size_t nrules, struct prune_result *out)
{
	struct store_filter all = { NULL, NULL, INT64_MIN };
	struct pruner p;
	char t_before[RFC3339_LEN], t_until[RFC3339_LEN], t_allowed[RFC3339_LEN];
	json_t *attrs;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	p.before = before;
	p.now = now;
	p.rules = rules;
	p.nrules = nrules;
	p.out = out;
	p.allowed = INT64_MAX;
	if (before > now)
		return err_set(ERR_USAGE, "--before is in the future");
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
		rc = err_set(ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < out->npruned; i++)
		json_array_append_new(json_object_get(attrs, "erased"),
				      json_integer((json_int_t)out->pruned[i]));
	rc = tombstone_append(s, "prune", now, attrs, &out->tombstone);
	json_decref(attrs);
out:
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
