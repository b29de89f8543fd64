/*
 * ocsf.h - findings as OCSF Compliance Finding events (class_uid 2003,
 * OCSF 1.3), one JSON object per line: what Prowler and AWS Security Hub
 * emit and SIEMs (Splunk, Elastic, Security Lake) ingest.
 *
 * Each event: activity_id 1 (Create), category_uid 2 (Findings), type_uid
 * 200301, time (the assessment's "as of", ms), severity_id (fail 4 High,
 * missing 3 Medium, stale 2 Low), status (New, or Suppressed when a policy
 * accepted it), compliance {standards, requirements, control, status,
 * status_id}, finding_info {uid = the finding's stable id, title, desc,
 * types}, resources [{name = subject, type}], remediation {desc},
 * metadata {version, product {name, vendor_name, version}}, and the
 * auditpack fields under unmapped.  Deterministic: the same assessment
 * gives the same bytes.
 */
#ifndef AUDITPACK_OCSF_H
#define AUDITPACK_OCSF_H

#include "../common/buf.h"
#include "../mappings/assess.h"

#define OCSF_VERSION "1.3.0"

/* Append every finding of `a` (checks touching its frameworks), one
 * event per line.  0 or ERR_NOMEM. */
int report_ocsf_findings(struct buf *out, const struct assessment *a, const char *tool_version);

#endif
