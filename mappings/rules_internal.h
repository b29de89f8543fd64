/*
 * rules_internal.h - what the rule files (rules.c, rules_logs.c,
 * rules_models.c, rules_config.c, rules_rbac.c, rules_scope.c) share:
 * helpers over evidence and check parameters, and the rules the table in
 * rules.c registers.  Not for use outside mappings/rules*.c.
 */
#ifndef AUDITPACK_RULES_INTERNAL_H
#define AUDITPACK_RULES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "findings.h"
#include "rules.h"

/* Note e as evidence the check looked at (the first 50). */
void rule_ref(struct check_result *r, const struct evidence *e);
/* Every entry the check looked at is evidence of its (last) finding. */
void rule_ref_all(struct check_result *r);
/* An integer attr (0 when absent or not an integer). */
int64_t rule_attr_int(const struct evidence *e, const char *key);
/* A time attr (RFC 3339); false when absent or malformed. */
bool rule_attr_time(const struct evidence *e, const char *key, int64_t *out);
/* A check param as an integer or a duration ("7d"); dflt when absent or bad. */
int64_t rule_param_int(const struct check *k, const char *name, int64_t dflt);
int64_t rule_param_dur(const struct check *k, const char *name, int64_t dflt);
/* Evidence whose period reaches into [at - window, at]. */
bool rule_recent(const struct rule_ctx *c, const struct evidence *e, int64_t window);
/* Is sel[i] the last (newest) of its source among sel[0..n)? */
bool rule_latest_of_source(const struct evidence **sel, size_t n, size_t i);
/* Is `word` one of the comma-separated `list` (case-insensitive)? */
bool rule_in_list(const char *list, const char *word);
/* Does the snapshot key `full` ("file:a.b[0].c") end in the dotted path `key`
 * ("b[0].c", "c"), at a component boundary? */
bool rule_key_matches(const char *full, const char *key);
/* "gw.yaml:upstream.api_key" -> "gw.yaml: upstream.api_key" */
void rule_key_subject(char *out, size_t cap, const char *full);

/* rules_rbac.c: the stdout of an rbac command entry as a Kubernetes List
 * document, or NULL with `why` saying what is wrong. */
json_t *rule_rbac_list(const struct rule_ctx *c, const struct evidence *e, char *why,
		       size_t cap);

rule_fn rule_log_continuity;             /* rules_logs.c */
rule_fn rule_no_raw_pii;
rule_fn rule_requests_attributed;
rule_fn rule_auth_failures_monitored;
rule_fn rule_models_registered;          /* rules_models.c */
rule_fn rule_production_models_governed;
rule_fn rule_config_value;               /* rules_config.c */
rule_fn rule_no_plaintext_secrets;
rule_fn rule_changes_have_records;
rule_fn rule_no_wildcard_grants;         /* rules_rbac.c */

#endif
