/*
 * rules_config.c - rules over configuration snapshots: a setting's value,
 * plaintext secrets, changes backed by change records.
 */
#include "rules_internal.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "TLSv1.2" -> 1.2; "1.10" compares above "1.9" part by part. */
static int version_cmp(const char *a, const char *b)
{
	while (*a && !isdigit((unsigned char)*a))
		a++;
	while (*b && !isdigit((unsigned char)*b))
		b++;
	while (*a || *b) {
		long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
		if ((!*a || !isdigit((unsigned char)*a)) && (!*b || !isdigit((unsigned char)*b)))
			break;
	}
	return 0;
}

bool rule_key_matches(const char *full, const char *key)
{
	const char *colon = strrchr(full, ':');
	const char *path = colon ? colon + 1 : full;
	size_t lp = strlen(path), lk = strlen(key);

	return lp >= lk && !strcmp(path + lp - lk, key) &&
	       (lp == lk || path[lp - lk - 1] == '.' || path[lp - lk - 1] == ']');
}

static bool truthy(const char *v)
{
	return !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on") ||
	       !strcmp(v, "1") || !strcasecmp(v, "enabled");
}

static bool compare(const char *op, const char *have, const char *want)
{
	int cmp = want ? version_cmp(have, want) : 0;

	if (!strcmp(op, "exists"))
		return true;
	if (!strcmp(op, "true"))
		return truthy(have);
	if (!strcmp(op, "false"))
		return !truthy(have);
	if (!want)
		return false;
	if (!strcmp(op, "eq"))
		return !strcasecmp(have, want);
	if (!strcmp(op, "ne"))
		return strcasecmp(have, want) != 0;
	if (!strcmp(op, "in"))
		return rule_in_list(want, have);
	if (!strcmp(op, "ge"))
		return cmp >= 0;
	if (!strcmp(op, "le"))
		return cmp <= 0;
	if (!strcmp(op, "gt"))
		return cmp > 0;
	if (!strcmp(op, "lt"))
		return cmp < 0;
	return false;
}

int rule_config_value(const struct rule_ctx *c, const struct check *k,
		      const struct evidence **sel, size_t n, struct check_result *r)
{
	const char *key = check_param(k, "key"), *op = check_param(k, "op"),
		   *want = check_param(k, "value");
	size_t found = 0;
	char good[256] = "", subject[600];
	int rc;

	(void)c;
	if (!key || !op)
		return finding_add(r, ST_FAIL, "check parameters", "check '%s' needs params key "
				   "and op", k->id);
	for (size_t i = 0; i < n; i++) {
		json_t *values = json_object_get(sel[i]->attrs, "values"), *v;
		const char *full;

		if (!rule_latest_of_source(sel, n, i))
			continue;
		json_object_foreach(values, full, v) {
			const char *have = json_string_value(v);
			char buf[64];

			if (!rule_key_matches(full, key))
				continue;
			if (!have) {
				char *d = json_dumps(v, JSON_ENCODE_ANY);

				snprintf(buf, sizeof(buf), "%s", d ? d : "");
				free(d);
				have = buf;
			}
			found++;
			rule_ref(r, sel[i]);
			if (!compare(op, have, want)) {
				rule_key_subject(subject, sizeof(subject), full);
				if ((rc = finding_add(r, ST_FAIL, subject, "%s is '%s' in %s (entry %"
						      PRIu64 "); the check wants %s %s", full, have,
						      sel[i]->source, sel[i]->index, op,
						      want ? want : "")))
					return rc;
				finding_ref(r, sel[i]->index);
			} else if (!*good) {
				snprintf(good, sizeof(good), "%s = '%s'", full, have);
			}
		}
	}
	if (r->nfindings)
		return 0;
	if (!found) {
		snprintf(subject, sizeof(subject), "setting %s", key);
		return finding_add(r, ST_FAIL, subject, "no configuration snapshot sets %s", key);
	}
	result_set(r, ST_PASS, "%s (%zu setting%s checked: %s %s)", good, found,
	    found == 1 ? "" : "s", op, want ? want : "");
	return 0;
}

int rule_no_plaintext_secrets(const struct rule_ctx *c, const struct check *k,
			      const struct evidence **sel, size_t n, struct check_result *r)
{
	char subject[600];
	int rc;

	(void)c;
	(void)k;
	for (size_t i = 0; i < n; i++) {
		json_t *values = json_object_get(sel[i]->attrs, "values"), *v;
		const char *full;

		if (!rule_latest_of_source(sel, n, i))
			continue;
		rule_ref(r, sel[i]);
		/* The collector replaced each plaintext secret it found with a keyed
		 * hash: the file holds the secret itself, not a reference to a vault. */
		json_object_foreach(values, full, v) {
			if (!json_is_string(v) || strncmp(json_string_value(v), "<secret:", 8))
				continue;
			rule_key_subject(subject, sizeof(subject), full);
			if ((rc = finding_add(r, ST_FAIL, subject, "%s holds a secret in plain text "
					      "(source %s, entry %" PRIu64 ")", subject,
					      sel[i]->source, sel[i]->index)))
				return rc;
			finding_ref(r, sel[i]->index);
		}
	}
	if (!r->nfindings)
		result_set(r, ST_PASS, "no plaintext secret in the latest configuration snapshots");
	return 0;
}

int rule_changes_have_records(const struct rule_ctx *c, const struct check *k,
			      const struct evidence **sel, size_t n, struct check_result *r)
{
	int64_t within = rule_param_dur(k, "within", 7 * 86400);
	size_t changes = 0;

	for (size_t i = 0; i < n; i++) {
		size_t nchanged = json_array_size(json_object_get(sel[i]->attrs, "changed")) +
				  json_array_size(json_object_get(sel[i]->attrs, "added")) +
				  json_array_size(json_object_get(sel[i]->attrs, "removed"));
		bool recorded = false;

		if (!nchanged || !json_is_string(json_object_get(sel[i]->attrs, "previous")))
			continue;
		changes++;
		rule_ref(r, sel[i]);
		for (size_t j = 0; j < c->all->n && !recorded; j++) {
			const struct evidence *d = &c->all->v[j];
			const char *type = json_string_value(json_object_get(d->attrs, "type"));

			recorded = !strcmp(d->kind, "document") && type &&
				   !strcmp(type, "change-record") &&
				   sel[i]->collected != TIME_UNKNOWN &&
				   d->collected >= sel[i]->collected - within &&
				   d->collected <= sel[i]->collected + within;
		}
		if (!recorded) {
			char when[RFC3339_LEN], subject[300];
			const char *tree = json_string_value(json_object_get(sel[i]->attrs, "tree_sha256"));
			int rc;

			/* The change is named by what it changed to, not by when. */
			time_format(when, sel[i]->collected);
			snprintf(subject, sizeof(subject), "configuration %s change to %.12s",
				 sel[i]->source, tree ? tree : when);
			if ((rc = finding_add(r, ST_FAIL, subject, "configuration %s changed %zu "
					      "key%s at %s (entry %" PRIu64 ") with no change record "
					      "within %" PRId64 " days", sel[i]->source, nchanged,
					      nchanged == 1 ? "" : "s", when, sel[i]->index,
					      within / 86400)))
				return rc;
			finding_ref(r, sel[i]->index);
		}
	}
	if (!r->nfindings)
		result_set(r, ST_PASS, "%zu configuration change%s, each with a change record", changes,
		    changes == 1 ? "" : "s");
	return 0;
}
