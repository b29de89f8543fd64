/*
 * diff.h - what changed between two assessments: findings that are new,
 * resolved (in OLD, not in NEW) and persisting (in both), matched by their
 * stable id (mappings/findings.h).
 */
#ifndef AUDITPACK_DIFF_H
#define AUDITPACK_DIFF_H

#include <jansson.h>

#define DIFF_MAX_BYTES ((size_t)256 << 20)

/*
 * Load an assessment: an `assess --json` file, or an audit pack (zip) whose
 * reports/assessment.json is read (at most DIFF_MAX_BYTES, never more than
 * the member's stated size).  Errors name the file: ERR_IO when it cannot
 * be read, ERR_PARSE when it is neither (or holds no findings list).
 */
int diff_load(json_t **out, const char *path);

/*
 * {"new": [...], "resolved": [...], "persisting": [...]} with the
 * findings as in assess --json (persisting ones as in NEW).  *nnew gets the
 * number of new findings.  NULL when out of memory.
 */
json_t *diff_findings(const json_t *old_doc, const json_t *new_doc, size_t *nnew);

#endif
