/*
 * rules.h - the rule interface: the predicates a check names in its `rule`
 * attribute (the check files in mappings/), and the context they run in.  The rules
 * themselves are in rules.c (the table) and rules_*.c (by family).
 */
#ifndef AUDITPACK_RULES_H
#define AUDITPACK_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "assess.h"
#include "checks.h"

/* Context a rule runs in. */
struct rule_ctx {
	struct store *store;
	const struct evidence_set *all;
	int64_t at;
	const struct profile *profile;   /* NULL: none */
	const struct catalogs *catalogs; /* every loaded catalogue */
	const struct control *control;   /* set when a check is run for one
					  * control's own minimum (scope.c) */
	bool store_ok;              /* the store verified */
	const char *store_problem;  /* first problem when it did not */
};

/* A rule: judge `sel` (n entries) for check k into res (see rule_apply). */
typedef int rule_fn(const struct rule_ctx *, const struct check *, const struct evidence **,
		    size_t, struct check_result *);

/* Is there a rule of this name? */
bool rule_known(const char *name);

/*
 * Apply a check's rule to `sel`, the evidence of its kind (fresh or not;
 * the engine has already decided missing and stale).  Sets status (pass or
 * fail), detail and evidence, and adds a finding (finding_add) for each
 * thing at fault.
 */
int rule_apply(const struct rule_ctx *ctx, const struct check *k,
	       const struct evidence **sel, size_t nsel, struct check_result *res);

#endif
