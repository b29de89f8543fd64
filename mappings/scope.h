/*
 * scope.h - what the deployment profile (common/profile.h) makes of the
 * catalogues: which frameworks are judged, which controls bind this
 * deployment and from when, and the retention minimums of the frameworks
 * in scope.
 *
 * Applicability comes from the catalogue, as props in the auditpack
 * namespace (https://auditpack.dev/ns/oscal) on each control:
 *   role                          AI Act: provider / deployer bound by it;
 *                                 HIPAA: covered-entity / business-associate
 *   high-risk-obligation true     AI Act: binds high-risk AI systems only
 *   risk                          AI Act: the risk classes it binds (gpai, ...)
 *   applies-from-annex-iii DATE   AI Act: binds Annex III high-risk systems from DATE
 *   applies-from-annex-i DATE     AI Act: binds Annex I (product) high-risk systems from DATE
 *   applies-from DATE             binds everyone from DATE
 *   applies-to                    SEBI CSCRF: the entity categories it binds
 *   retention-access-log PERIOD   access logs must be kept this long (2y, 6mo)
 *   retention-document PERIOD     documentation must be kept this long
 *   residency JURISDICTION        data must stay in this jurisdiction
 * A profile value that is not set puts nothing out of scope.
 */
#ifndef AUDITPACK_SCOPE_H
#define AUDITPACK_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/profile.h"
#include "../controls/catalog.h"

/*
 * Check the profile against the loaded catalogues: every framework it names
 * must exist.  ERR_PARSE naming file:line:column.
 */
int scope_check_profile(const struct profile *p, const struct catalogs *cs);

/* The frameworks judged when the user names none: the profile's, or every
 * loaded one.  *out is a malloc'd array of borrowed strings (free() it). */
int scope_frameworks(char ***out, size_t *n, const struct profile *p,
		     const struct catalogs *cs);

struct applicability {
	bool applies;
	char reason[320];     /* why not, when !applies */
	int64_t applies_from; /* 0: binds now (or the date is not known) */
};

/* Does control c of cat bind the deployment p describes (p may be NULL)? */
void scope_control(struct applicability *out, const struct profile *p,
		   const struct catalog *cat, const struct control *c);

/* A control's prop as a string (the first when repeated), or NULL. */
const char *scope_prop(const struct control *c, const char *name);

/* One retention minimum a framework in scope imposes. */
struct scope_minimum {
	const struct catalog *cat;
	const struct control *control;
	struct period period;   /* the longer of the catalogue's and retention: */
	struct period catalogue;/* as the catalogue says */
	int64_t keep_from;      /* evidence effective at or after this must stay */
	int64_t applies_from;   /* 0: already binding */
};

/*
 * The minimums for evidence of `kind` (access-log, document, attestation)
 * as of `at`: every applicable control of every framework in scope with a
 * retention-<kind> prop (an obligation that starts later counts from its
 * start), lengthened by the profile's retention: entry.  *out is malloc'd
 * (free() it); *n may be 0.
 */
int scope_minimums(struct scope_minimum **out, size_t *n, const struct profile *p,
		   const struct catalogs *cs, const char *kind, int64_t at);

#endif
