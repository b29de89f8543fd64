/*
 * rules.c - the predicates checks apply to evidence.  Each rule reads the
 * attrs collectors wrote (docs/configuration.md) and says pass or fail with
 * a reason a person can act on.  Parameters come from the check file.
 *
 * This file holds the table of rules, the helpers every rule file shares
 * (rules_internal.h) and the rules about the store itself; the rules of
 * each family are in rules_logs.c, rules_models.c, rules_config.c,
 * rules_rbac.c and rules_scope.c.
 */
#include "rules_internal.h"
#include "rules_scope.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REFS 50

void rule_ref(struct check_result *r, const struct evidence *e)
{
	if (json_array_size(r->evidence) < MAX_REFS)
		json_array_append_new(r->evidence, json_integer((json_int_t)e->index));
}

/* Every entry the check looked at is evidence of its (last) finding. */
void rule_ref_all(struct check_result *r)
{
	size_t i;
	json_t *v;

	json_array_foreach(r->evidence, i, v)
		finding_ref(r, (uint64_t)json_integer_value(v));
}

int64_t rule_attr_int(const struct evidence *e, const char *key)
{
	json_t *v = json_object_get(e->attrs, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

int64_t rule_param_int(const struct check *k, const char *name, int64_t dflt)
{
	const char *s = check_param(k, name);
	char *end;
	long long v;

	if (!s)
		return dflt;
	v = strtoll(s, &end, 10);
	return *end ? dflt : (int64_t)v;
}

int64_t rule_param_dur(const struct check *k, const char *name, int64_t dflt)
{
	const char *s = check_param(k, name);
	int64_t d;

	return s && duration_parse(&d, s) == 0 ? d : dflt;
}

bool rule_attr_time(const struct evidence *e, const char *key, int64_t *out)
{
	const char *s = json_string_value(json_object_get(e->attrs, key));

	return s && time_parse(out, s) == 0;
}

/* Evidence whose period reaches into [at - window, at]. */
bool rule_recent(const struct rule_ctx *c, const struct evidence *e, int64_t window)
{
	return e->eff_to >= c->at - window;
}

/* The latest config snapshot of each source among sel. */
bool rule_latest_of_source(const struct evidence **sel, size_t n, size_t i)
{
	for (size_t j = i + 1; j < n; j++)
		if (!strcmp(sel[j]->source, sel[i]->source))
			return false;
	return true;
}

bool rule_in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == n && !strncasecmp(p, word, n))
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

/* "gw.yaml:upstream.api_key" -> "gw.yaml: upstream.api_key" */
void rule_key_subject(char *out, size_t cap, const char *full)
{
	const char *colon = strrchr(full, ':');

	if (colon)
		snprintf(out, cap, "%.*s: %s", (int)(colon - full), full, colon + 1);
	else
		snprintf(out, cap, "%s", full);
}

/* ---- rules ---- */

static bool is_rbac(const struct evidence *e)
{
	const char *t = json_string_value(json_object_get(e->attrs, "type"));

	return !strcmp(e->kind, "command-output") && t && !strcmp(t, "rbac");
}

static int evidence_fresh(const struct rule_ctx *c, const struct check *k,
			  const struct evidence **sel, size_t n, struct check_result *r)
{
	const struct evidence *e = sel[n - 1];
	char when[RFC3339_LEN], why[256], subject[300];
	int rc;

	(void)k;
	time_format(when, e->eff_to);
	rule_ref(r, e);
	/* An RBAC snapshot counts only when its output is a Kubernetes List. */
	for (size_t i = 0; i < n; i++) {
		json_t *doc;

		if (!is_rbac(sel[i]) || !rule_latest_of_source(sel, n, i))
			continue;
		if ((doc = rule_rbac_list(c, sel[i], why, sizeof(why)))) {
			json_decref(doc);
			continue;
		}
		snprintf(subject, sizeof(subject), "RBAC snapshot %s", sel[i]->source);
		if ((rc = finding_add(r, ST_FAIL, subject, "the newest RBAC snapshot from %s "
				      "(entry %" PRIu64 ") cannot be used: %s", sel[i]->source,
				      sel[i]->index, why)))
			return rc;
		finding_ref(r, sel[i]->index);
	}
	if (!r->nfindings)
		result_set(r, ST_PASS, "%zu %s entr%s; the newest (entry %" PRIu64 ", %s) covers up to %s",
		    n, e->kind, n == 1 ? "y" : "ies", e->index, e->source, when);
	return 0;
}

static int store_verified(const struct rule_ctx *c, const struct check *k,
			  const struct evidence **sel, size_t n, struct check_result *r)
{
	(void)k;
	(void)sel;
	(void)n;
	if (c->store_ok && !c->all->n)
		return finding_add(r, ST_MISSING, "evidence store", "the evidence store holds no "
				   "evidence yet");
	if (c->store_ok)
		result_set(r, ST_PASS, "the evidence store verifies: every leaf, payload and signed "
		    "checkpoint");
	else
		return finding_add(r, ST_FAIL, "evidence store", "the evidence store does not "
				   "verify: %s", c->store_problem ? c->store_problem : "?");
	return 0;
}

static const struct {
	const char *name;
	rule_fn *fn;
} rules[] = {
	{ "auth-failures-monitored", rule_auth_failures_monitored },
	{ "backup-evidence", scope_backup_evidence },
	{ "changes-have-records", rule_changes_have_records },
	{ "clock-synchronised", scope_clock_synchronised },
	{ "config-value", rule_config_value },
	{ "data-residency", scope_data_residency },
	{ "document-present", evidence_fresh },
	{ "evidence-fresh", evidence_fresh },
	{ "log-continuity", rule_log_continuity },
	{ "log-retention", scope_log_retention },
	{ "models-registered", rule_models_registered },
	{ "no-plaintext-secrets", rule_no_plaintext_secrets },
	{ "no-raw-pii", rule_no_raw_pii },
	{ "no-wildcard-grants", rule_no_wildcard_grants },
	{ "production-models-governed", rule_production_models_governed },
	{ "requests-attributed", rule_requests_attributed },
	{ "store-verified", store_verified },
	{ "transfer-safeguards", scope_transfer_safeguards },
};

bool rule_known(const char *name)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].name, name))
			return true;
	return false;
}

int rule_apply(const struct rule_ctx *ctx, const struct check *k,
	       const struct evidence **sel, size_t nsel, struct check_result *res)
{
	int rc;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].name, k->rule))
			return (rc = rules[i].fn(ctx, k, sel, nsel, res)) ? rc : findings_finish(res);
	return err_set(ERR_USAGE, "unknown rule '%s'", k->rule);
}

static bool unusable(char *why, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool unusable(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (why && cap) {
		va_start(ap, fmt);
		vsnprintf(why, cap, fmt, ap);
		va_end(ap);
	}
	return false;
}

bool evidence_usable(const struct evidence *e, char *why, size_t cap)
{
	json_t *a = e->attrs, *st;

	if (!json_is_object(a) || !json_object_size(a))
		return unusable(why, cap, "its attrs are missing or are not JSON");
	if (!strcmp(e->kind, "access-log")) {
		if (!json_is_integer(json_object_get(a, "parsed")) ||
		    !json_is_integer(json_object_get(a, "lines")))
			return unusable(why, cap, "its attrs lack the line counts a log collection writes");
	} else if (!strcmp(e->kind, "model-version")) {
		if (!json_is_string(json_object_get(a, "name")))
			return unusable(why, cap, "its attrs name no model");
	} else if (!strcmp(e->kind, "config-snapshot")) {
		if (!json_is_object(json_object_get(a, "values")))
			return unusable(why, cap, "its attrs hold no configuration values");
	} else if (!strcmp(e->kind, "document") || !strcmp(e->kind, "attestation")) {
		if (!json_is_string(json_object_get(a, "sha256")) &&
		    !json_is_string(json_object_get(a, "framework")))
			return unusable(why, cap, "its attrs carry no document digest");
	} else if (!strcmp(e->kind, "command-output")) {
		st = json_object_get(a, "exit_status");
		if (json_is_true(json_object_get(a, "timed_out")))
			return unusable(why, cap, "the command timed out");
		if (!json_is_integer(st))
			return unusable(why, cap, "the command did not exit normally");
		if (json_integer_value(st) != 0)
			return unusable(why, cap, "the command exited with status %" JSON_INTEGER_FORMAT,
					json_integer_value(st));
		if (json_is_true(json_object_get(a, "stdout_truncated")))
			return unusable(why, cap, "its output was cut at the size limit");
		if (json_is_string(json_object_get(a, "type")) &&
		    !strcmp(json_string_value(json_object_get(a, "type")), "rbac") &&
		    !json_is_true(json_object_get(a, "stdout_json")))
			return unusable(why, cap, "its output is not JSON");
	}
	return true;
}
