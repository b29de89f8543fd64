/*
 * findings.h - what a check found at fault, one finding per thing: a model
 * version, a role, a configuration file and key, a log source, a missing
 * document type.
 *
 * A finding's id is stable: the first 16 hex digits of
 * SHA-256(check id || "\n" || subject), never derived from times or entry
 * numbers, so the same violation has the same id in every assessment and
 * `diff` can tell new, resolved and persisting ones apart.
 */
#ifndef AUDITPACK_FINDINGS_H
#define AUDITPACK_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define FINDING_ID_LEN 16

struct check_result;
struct check;
struct assessment;

struct finding {
	char id[FINDING_ID_LEN + 1];
	int status;        /* enum status: ST_FAIL, ST_STALE or ST_MISSING */
	char *subject;     /* short human text: "model credit-risk v9" */
	char *message;     /* what is wrong, in a sentence */
	json_t *evidence;  /* array of entry indexes */
	const char *accepted; /* policy justification when accepted as a risk
			       * (borrowed from the policy), else NULL */
};

/* The stable id of (check, subject) into out (FINDING_ID_LEN + 1 bytes). */
void finding_id(char *out, const char *check, const char *subject);

/*
 * Add a finding to r (status st, subject, message from fmt) and make it
 * the one finding_ref() adds evidence to.  A second finding with the same
 * subject is merged into the first (worst status, first message).  The
 * check's status becomes the worst of its findings.  0 or ERR_NOMEM.
 */
int finding_add(struct check_result *r, int st, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Set r's status and its one-line detail (from fmt, cut at 1 KiB).  0, or
 * ERR_NOMEM when the detail could not be kept: r->lost is set then, so that
 * findings_finish() fails even when the caller goes on. */
int result_set(struct check_result *r, int st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Note entry `index` as evidence of the last finding added (and of r). */
void finding_ref(struct check_result *r, uint64_t index);

/*
 * After a rule ran: when r has findings, its detail names them all (one
 * finding: its message; several: "N findings: subject: message; ...").
 * 0 or ERR_NOMEM (also when an earlier result_set() lost its detail).
 */
int findings_finish(struct check_result *r);

void findings_free(struct check_result *r);

/* "fw:label" of every control of the assessed frameworks a check maps to. */
json_t *finding_controls(const struct assessment *a, const struct check *k);

/* The controls a result's findings concern: the one control it was run
 * for, else every mapped control of the assessed frameworks that is not
 * judged by a run of its own. */
json_t *finding_result_controls(const struct assessment *a, const struct check_result *r);

/* The `assess --json` shape of one finding (id, check, status, subject,
 * message, remediation, evidence, controls). */
json_t *finding_json(const struct assessment *a, const struct check_result *r,
		     const struct finding *f);

/* Every finding of checks that touch the assessed frameworks, in check
 * order: the top-level `findings` of `assess --json`. */
json_t *findings_json(const struct assessment *a);

/* Do the findings of this result concern a control being assessed (see
 * finding_result_controls)? */
bool result_in_scope(const struct assessment *a, const struct check_result *r);

/* Does any check of a touch a control of the assessed frameworks? */
bool check_in_scope(const struct assessment *a, const struct check *k);

#endif
