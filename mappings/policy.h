/*
 * policy.h - the gate policy (docs/ci.md, examples/gate-policy.yaml): which controls a release
 * is judged on, which are out of scope and why, which statuses fail it,
 * and how fresh evidence must be.
 *
 *   frameworks: [iso27001, eu-ai-act]   every control of these is in scope
 *   require: ["hipaa:164.312(b)"]       and these single controls (FW:LABEL or FW:ID)
 *   exclude:                            out of scope, each with a justification
 *     - {control: "iso27001:A.7.4", justification: "...", expires: 2027-03-31}
 *     - {finding: 3f2a9c1b0d4e5f67, justification: "...", expires: 2026-12-31}
 *                                       one finding (its stable id) accepted as
 *                                       a risk; `expires` (a date or RFC 3339
 *                                       time, optional) ends an exclusion
 *   fail-on: [fail, stale, missing]     the default; manual may be added
 *   max-age: 7d                         evidence older than this is stale
 *   warn-before: 2d                     warn when evidence goes stale within this
 *   upcoming: 90d                       obligations that start within this count
 *                                       (without it, one that binds later never fails)
 *
 * The YAML is checked against the loaded catalogues as it is read: a
 * syntax error, an unknown key, a value of the wrong type, an unknown
 * framework, control or status, a missing justification or a bad duration
 * is ERR_PARSE with "file:line:column: message".  Lists may be written as
 * one string or left empty (null), except fail-on.  The policy keeps its
 * exact bytes, so the decision it leads to can carry and digest them.
 */
#ifndef AUDITPACK_POLICY_H
#define AUDITPACK_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../controls/catalog.h"
#include "assess.h"

#define POLICY_MAX_BYTES ((size_t)1 << 20)

/* One control named by the policy, resolved in its catalogue. */
struct policy_control {
	char *framework;     /* catalogue framework id */
	char *id;            /* the control's OSCAL id */
	char *label;         /* its official label, for people */
	char *ref;           /* "framework:id" */
	char *justification; /* excludes only */
	size_t line;         /* where the policy names it */
	size_t why_line, why_column; /* where the justification is (excludes) */
};

struct gate_policy {
	char *file;                     /* NULL for the default policy */
	char **frameworks;              /* every control of these is in scope */
	size_t nframeworks;
	struct policy_control *require; /* and these */
	size_t nrequire;
	struct policy_control *exclude; /* not judged: status not-applicable */
	size_t nexclude;
	char **exclude_ref;             /* exclude[i].ref and .justification, */
	char **exclude_why;             /* as struct assess_policy wants them */
	int64_t *exclude_expires;       /* exclude[i]'s `expires` (0: none) */
	struct assess_accept *accept;   /* exclude items naming one `finding` */
	size_t naccept;
	bool fail_on[ST_COUNT];
	int64_t max_age;                /* seconds; 0: the checks' own bounds */
	int64_t warn_before;            /* seconds; 0: no warnings */
	int64_t upcoming;               /* seconds; with upcoming_set, a control that
					 * binds within this of `at` is judged */
	bool upcoming_set;
	const struct profile *profile;  /* borrowed: the deployment profile, set by
					 * the caller (NULL: none) */
	struct buf raw;                 /* the policy text exactly as read */
};

/*
 * Parse a policy held in memory; `file` names it in messages and is
 * copied into out->file.  Frameworks and controls are looked up in `cs`.
 * On error *out is empty.  0, ERR_PARSE or ERR_NOMEM.
 */
int policy_parse(struct gate_policy *out, const struct catalogs *cs, const char *file,
		 const char *buf, size_t len);

/* Read (at most POLICY_MAX_BYTES) and parse a file.  ERR_IO, ERR_LIMIT,
 * or what policy_parse() returns. */
int policy_load(struct gate_policy *out, const struct catalogs *cs, const char *path);

/*
 * The default policy for these frameworks: a canonical YAML text (the
 * frameworks sorted, duplicates dropped, fail-on [fail, stale, missing],
 * nothing else) in out->raw, parsed as any policy is; out->file is NULL.
 * An unknown framework is ERR_USAGE.
 */
int policy_default(struct gate_policy *out, const struct catalogs *cs,
		   char *const *frameworks, size_t n);

/* Replace the policy's frameworks (gate --framework).  The raw text is
 * kept as it is.  An unknown framework is ERR_USAGE. */
int policy_set_frameworks(struct gate_policy *p, const struct catalogs *cs,
			  char *const *frameworks, size_t n);

/* Does the policy put any control in scope?  ERR_PARSE ("file:1:1: ...")
 * when neither frameworks nor require gives one. */
int policy_check_scope(const struct gate_policy *p);

void policy_free(struct gate_policy *p);

/* The exclusions and max-age as the assessment engine takes them; `out`
 * points into p. */
struct policy_expired {
	const char *framework;     /* "iso27001", or NULL for a finding */
	const char *what;          /* the control's label ("A.7.4") or the finding id */
	const char *justification;
	int64_t expires;
	size_t line;
};
/* The exclusions that have ended by `at`, in policy order, into out (at
 * most cap); returns how many there are. */
size_t policy_expired(const struct gate_policy *p, int64_t at, struct policy_expired *out,
		      size_t cap);

void policy_assess_view(const struct gate_policy *p, struct assess_policy *out);

#endif
