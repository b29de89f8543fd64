/*
 * rules_scope.h - rule predicates that depend on the deployment profile and
 * on the control they are judged for (rules.c registers them):
 *   log-retention      access logs reach back as far as each framework in
 *                      scope asks, with no gap on the way
 *   data-residency     the configured data region lies in the jurisdictions
 *                      the profile (or the control) names
 *   transfer-safeguards a region outside the EU/EEA and the adequacy list
 *                      needs a transfer document on file
 *   backup-evidence    a restore test or backup job output, recent enough
 *   clock-synchronised chronyc tracking / timedatectl show output says the
 *                      clock is synchronised, offset under a bound
 *
 * A check whose rule reads a control's own parameter (scope_per_control) is
 * run once per such control, so each control is judged against its own
 * framework's minimum (SEBI CSCRF PR.AA.S9: two years; AI Act Art. 19: six
 * months).
 */
#ifndef AUDITPACK_RULES_SCOPE_H
#define AUDITPACK_RULES_SCOPE_H

#include <stdbool.h>

#include "rules.h"

rule_fn scope_log_retention;
rule_fn scope_data_residency;
rule_fn scope_transfer_safeguards;
rule_fn scope_backup_evidence;
rule_fn scope_clock_synchronised;

/* Is check k judged separately for control c (c has its own parameter)? */
bool scope_per_control(const struct check *k, const struct control *c);

#endif
