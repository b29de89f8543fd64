/*
 * csv.h - the CSV reports (RFC 4180: quoted fields, CRLF-free): the
 * control-to-requirement table and the crosswalk of checks to controls.
 * Shared by `assess --csv/--crosswalk` and the audit pack.
 */
#ifndef AUDITPACK_CSV_H
#define AUDITPACK_CSV_H

#include "../common/buf.h"
#include "../mappings/assess.h"
#include "../mappings/checks.h"

/* framework,control,label,title,status,checks,evidence,reason */
int report_controls_csv(struct buf *out, const struct assessment *a);

/* check,framework,control,label,why */
int report_crosswalk_csv(struct buf *out, const struct checkset *ks);

#endif
