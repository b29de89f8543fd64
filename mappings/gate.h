/*
 * gate.h - judging a release against a gate policy (docs/ci.md).
 *
 * In scope: every control of the policy's frameworks and each required
 * control (its framework is assessed, only that control is in scope).  A
 * control fails the gate when its status, as of `at`, is in the policy's
 * fail-on set; excluded controls are not-applicable and never fail.  With
 * warn-before, the same evidence (nothing collected after `at`) is judged
 * again at at + warn-before, and a control that does not fail now but
 * would then is a warning.
 *
 * The caller verifies the store first (a store that does not verify must
 * not be judged) and holds the store's write lock, so what is judged,
 * recorded and reported is one state of the log.
 */
#ifndef AUDITPACK_GATE_H
#define AUDITPACK_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../common/encode.h"
#include "../common/hash.h"
#include "assess.h"
#include "policy.h"

struct gate_item {
	const struct catalog *cat;
	const struct control_result *now;   /* in gate_result.now */
	const struct control_result *later; /* in gate_result.later; NULL without warn-before */
	bool fails;                         /* now->status is in fail-on (and it
					     * binds by then: not deferred) */
	bool deferred;                      /* binds only after at (+ upcoming) */
	bool warns;                         /* passes now, later->status is in fail-on */
};

struct gate_result {
	const struct gate_policy *policy;   /* borrowed */
	int64_t at, warn_at;                /* warn_at == at without warn-before */
	struct assessment now, later;       /* later: only with warn-before */
	struct gate_item *v;                /* in scope, frameworks in policy order
					     * (required ones after), controls in
					     * catalogue order */
	size_t n;
	size_t nfail, nwarn, nexcluded;
	size_t ndeferred;                   /* would fail, but bind only later */
	uint64_t counts[ST_COUNT];          /* in-scope controls by status */
	uint64_t fail_counts[ST_COUNT];     /* failing controls by status */
	char policy_sha256[HEX_LEN(SHA256_LEN)]; /* of policy->raw */
};

/*
 * Judge the store as of `at`.  `verified` is the report of store_verify()
 * just run on s (it must have found no problem; assess_run reuses it).
 * On success free *out with gate_free(); `p` must outlive it.
 */
int gate_run(struct gate_result *out, struct store *s, const struct catalogs *cs,
	     const struct checkset *ks, const struct gate_policy *p, int64_t at,
	     const struct verify_report *verified);
void gate_free(struct gate_result *g);

static inline bool gate_passed(const struct gate_result *g)
{
	return g->nfail == 0;
}

/*
 * The entries behind an item's result, ascending and without repeats: the
 * attestation that decided it and the evidence of every mapped check that
 * did not pass (of every mapped check when all passed).  Never NULL unless
 * memory runs out.
 */
json_t *gate_item_evidence(const struct gate_result *g, const struct gate_item *it);

/* Replace out with the text of a warning (it->warns): "goes stale by
 * <warn_at>: <reason then>", or "would be <status> by <warn_at>: ...". */
int gate_warning_text(struct buf *out, const struct gate_result *g,
		      const struct gate_item *it);

/*
 * The attrs of the gate-decision entry: verdict, at, release (or null),
 * policy (file or null), policy_sha256, frameworks, required, fail_on,
 * max_age_seconds, warn_before_seconds, excluded [{control, id,
 * justification}], failing [{control, id, title, status, reason,
 * evidence}], accepted [{finding, check, subject, justification, expires}]
 * (findings the policy accepted as a risk), not_yet_binding [{control, id,
 * status, applies_from, reason}] (would fail but bind only after at +
 * upcoming), upcoming_seconds (or null), warnings, in_scope, counts,
 * checkpoint {size, root}.  Controls
 * are "fw:label" (id: "fw:id").  NULL when memory runs out.
 */
json_t *gate_decision_attrs(const struct gate_result *g, const char *release);

#endif
