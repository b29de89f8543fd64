/*
 * profile.h - the deployment profile of STORE/auditpack.yaml (DESIGN.md
 * "Collectors"): which frameworks are in scope and who this deployment is
 * under each of them.  collectors/sources.c parses it; mappings/scope.c
 * decides from it which controls apply, from when, and which retention
 * minimums hold.
 *
 *   profile:
 *     frameworks: [gdpr, eu-ai-act, sebi-cscrf, iso27001]
 *     ai-act: {role: deployer, risk: high-risk}
 *     sebi: {category: qualified}
 *     hipaa: {role: covered-entity}
 *     residency: [in]
 *   retention:
 *     access-log: 3y
 *     document: 7y
 *
 * Everything is optional.  Unset means "not known": no control is put out
 * of scope on that ground, and retention minimums are taken as the
 * strictest reading.
 */
#ifndef AUDITPACK_PROFILE_H
#define AUDITPACK_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* AI Act roles (bits). */
#define AI_ROLE_PROVIDER 1u
#define AI_ROLE_DEPLOYER 2u

/* AI Act risk classes (bits 1u << value), names in profile_ai_risks[]. */
enum ai_risk {
	AI_RISK_HIGH,          /* Annex III (stand-alone) high-risk */
	AI_RISK_HIGH_PRODUCT,  /* Annex I (safety component of a regulated product) */
	AI_RISK_LIMITED,
	AI_RISK_MINIMAL,
	AI_RISK_GPAI,
	AI_RISK_GPAI_SYSTEMIC,
	AI_RISK_COUNT
};

enum hipaa_role {
	HIPAA_ROLE_UNSET,
	HIPAA_ROLE_COVERED_ENTITY,
	HIPAA_ROLE_BUSINESS_ASSOCIATE,
};

/* A retention period: calendar months, or seconds (a duration). */
struct period {
	unsigned months;
	int64_t seconds;
};

/* The evidence kinds a `retention:` entry may name. */
#define PROFILE_RETENTION_KINDS 3 /* access-log, document, attestation */

struct profile {
	char **frameworks;        /* NULL-terminated; NULL: every shipped one */
	unsigned ai_role;         /* AI_ROLE_* bits; 0: unset */
	unsigned ai_risk;         /* 1u << enum ai_risk bits; 0: unset */
	char *sebi_category;      /* catalogue value (small-size for "small"); NULL: unset */
	enum hipaa_role hipaa_role;
	char **residency;         /* NULL-terminated jurisdiction ids; NULL: none */
	struct period retention[PROFILE_RETENTION_KINDS]; /* 0/0: none */
	int line;                 /* where `profile:` is, 0 when absent */
	/* Where each framework and residency entry is written (line, column;
	 * 1-based), so values only a catalogue or data file can judge are
	 * still reported at file:line:column. */
	char *file;
	int (*fw_pos)[2], (*res_pos)[2];
};

extern const char *const profile_ai_risks[AI_RISK_COUNT];
extern const char *const profile_retention_kinds[PROFILE_RETENTION_KINDS];

void profile_free(struct profile *p);

/* "file:line:column: <fmt>" for a position recorded above; ERR_PARSE. */
int profile_at(const struct profile *p, const int pos[2], const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Is the framework in scope (no list: all are)? */
bool profile_in_scope(const struct profile *p, const char *framework);

/* Index of kind in profile_retention_kinds, or -1. */
int profile_retention_kind(const char *kind);

/* "2y", "6mo", or a duration ("400d"); 0 or ERR_PARSE. */
int period_parse(struct period *out, const char *s);
/* The moment `sp` before t (calendar months are calendar months). */
int64_t period_before(int64_t t, const struct period *sp);
/* Is a longer than b, measured back from t? */
bool period_longer(const struct period *a, const struct period *b, int64_t t);
/* "2 years", "6 months", "400 days". */
void period_str(char *out, size_t cap, const struct period *sp);
static inline bool period_set(const struct period *sp)
{
	return sp->months || sp->seconds;
}

#endif
