/*
 * assess.h - the assessment engine: evidence as of a time, checks applied
 * to it, control statuses per framework.
 *
 * Status of a check: missing (no evidence of its kind), stale (the newest
 * is older than the check allows), else what its rule says: pass or fail,
 * with a reason a person can act on and the entries it looked at.
 * Status of a control: not-applicable when the policy excludes it; fail if
 * any mapped check fails; else a valid attestation makes it pass; else
 * missing, then stale, before pass; manual when nothing covers it (an
 * expired attestation makes it stale).
 */
#ifndef AUDITPACK_ASSESS_H
#define AUDITPACK_ASSESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../controls/catalog.h"
#include "../store/store.h"
#include "checks.h"
#include "findings.h"
#include "../common/profile.h"

enum status {
	ST_PASS,
	ST_FAIL,
	ST_STALE,
	ST_MISSING,
	ST_MANUAL,
	ST_NA,
	ST_COUNT
};

const char *status_name(enum status s);
bool status_from_name(const char *name, enum status *out);

/* One piece of evidence as assessments see it: the leaf fields and attrs. */
struct evidence {
	uint64_t index;
	char kind[32];
	char *source;
	char *subject;
	int64_t eff_from, eff_to, collected;
	json_t *attrs;
	bool erased;
	bool superseded; /* a later access-log entry (a rescan) holds its bytes
			  * again and names it in attrs "supersedes" */
};

struct evidence_set {
	struct evidence *v;
	size_t n;
};

/* Everything collected at or before `at`, in log order; entries named in
 * the "supersedes" attrs of another loaded entry are marked superseded
 * (checks do not count them). */
int evidence_load(struct evidence_set *out, struct store *s, int64_t at);
void evidence_free(struct evidence_set *es);

struct check_result {
	const struct check *check;
	enum status status;
	char *detail;
	json_t *evidence; /* array of entry indices */
	struct finding *findings; /* one per thing at fault (findings.h) */
	size_t nfindings;
	size_t last;      /* the finding finding_ref() adds to */
	char *for_control; /* "fw:label" when run for that control alone (its own
			    * minimum or jurisdiction): its findings' subjects
			    * say so and name only that control; else NULL */
	size_t findings_cap; /* allocated findings */
	bool lost;         /* result_set() could not keep the detail (no memory) */
};

/*
 * Fail closed: is `e` evidence a rule may rely on?  Its attrs read, carry
 * what its kind always has, and command output exited 0, was not cut and
 * (when typed) is JSON.  When not, `why` (may be NULL) says why, for the
 * finding.
 */
bool evidence_usable(const struct evidence *e, char *why, size_t cap);

/*
 * Parse RBAC command output (kubectl get ... -o json): a Kubernetes List
 * (kind "List", "RoleList", ...) with an items array, or NULL with `why`
 * (cap bytes) saying what it is not.  The caller owns the result.
 */
json_t *rbac_list_parse(const char *buf, size_t len, char *why, size_t cap);

/* The rules checks apply, and the context they run in: rules.h. */

struct control_result {
	const struct control *control;
	enum status status;
	char *reason;
	size_t *checks;   /* indices into assessment.checks */
	size_t nchecks;
	json_t *evidence; /* attestation entries, when one decided it */
	int64_t applies_from; /* binds only from this time, after `at` (0: now) */
	bool out_of_profile;  /* not-applicable because the profile says so
			       * (reason says why), not a policy exclusion */
};

struct framework_result {
	const struct catalog *cat;
	struct control_result *v;
	size_t n;
	uint64_t counts[ST_COUNT];
	double coverage;
};

/* One finding accepted as a risk (a policy exclude naming `finding: ID`). */
struct assess_accept {
	char *finding;            /* its stable id */
	char *justification;
	int64_t expires;          /* after this it no longer applies; 0: never */
	size_t line;              /* where the policy names it */
};

/* Exclusions and overrides from a gate policy (all optional). */
struct assess_policy {
	char **exclude;           /* "FW:ID-or-LABEL" */
	char **justification;
	size_t nexclude;
	const int64_t *exclude_expires; /* per exclude, 0: never (NULL: none expire);
					 * after it the control is judged again */
	const struct assess_accept *accept; /* findings accepted as risk: a check
					     * whose findings all are counts as
					     * passing (its JSON says so) */
	size_t naccept;
	int64_t max_age;          /* evidence older than this is stale; 0: none */
	int64_t evidence_at;      /* ignore evidence collected after this (0: at),
				   * to judge today's evidence at a later time */
	const struct verify_report *verified; /* store_verify() already run on
					       * this store: reuse it (NULL: verify) */
	const struct profile *profile; /* the deployment profile (NULL: none):
					* scope, applicability, minimums */
};

struct assessment {
	int64_t at;
	struct checkpoint cp;
	struct check_result *checks;
	size_t nchecks, checks_cap;
	struct framework_result *fw;
	size_t nfw;
	json_t *conflicts;
};

/* Assess `frameworks` (n of them; all loaded ones when n == 0). */
int assess_run(struct assessment *out, struct store *s, const struct catalogs *cs,
	       const struct checkset *ks, char *const *frameworks, size_t n,
	       int64_t at, const struct assess_policy *policy);
void assess_free(struct assessment *a);

/* The `assess --json` document (docs/architecture.md "Machine-readable output"). */
json_t *assess_json(const struct assessment *a);

#endif
