#include "scope.h"
#include "regions.h"
#include "../common/array.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int scope_check_profile(const struct profile *p, const struct catalogs *cs)
{
	for (size_t i = 0; p && p->frameworks && p->frameworks[i]; i++)
		if (!catalogs_find(cs, p->frameworks[i]))
			return profile_at(p, p->fw_pos[i], "profile: unknown framework '%s' "
					  "(see 'auditpack frameworks')", p->frameworks[i]);
	for (size_t i = 0; p && p->residency && p->residency[i]; i++)
		if (!regions_known(p->residency[i])) {
			char known[256];

			regions_list(known, sizeof(known));
			return profile_at(p, p->res_pos[i], "profile: no region list for residency "
					  "'%s' (known: %s; mappings/regions/)", p->residency[i],
					  known);
		}
	return 0;
}

int scope_frameworks(char ***out, size_t *n, const struct profile *p,
		     const struct catalogs *cs)
{
	*n = 0;
	if (!(*out = calloc(cs->n + 1, sizeof(**out))))
		return err_nomem();
	for (size_t i = 0; i < cs->n; i++)
		if (profile_in_scope(p, cs->v[i].framework))
			(*out)[(*n)++] = cs->v[i].framework;
	return 0;
}

const char *scope_prop(const struct control *c, const char *name)
{
	json_t *v = json_object_get(c->props, name);

	return json_is_array(v) ? json_string_value(json_array_get(v, 0)) : json_string_value(v);
}

/* Does prop `name` of c have the value `want`?  *any: it has the prop. */
static bool prop_has(const struct control *c, const char *name, const char *want, bool *any)
{
	json_t *v = json_object_get(c->props, name), *x;
	size_t i;

	*any = v != NULL;
	if (json_is_string(v))
		return !strcmp(json_string_value(v), want);
	json_array_foreach(v, i, x)
		if (json_is_string(x) && !strcmp(json_string_value(x), want))
			return true;
	return false;
}

/* "providers", "providers and deployers": the prop's values, pluralised. */
static void prop_list(char *out, size_t cap, const struct control *c, const char *name,
		      const char *suffix)
{
	json_t *v = json_object_get(c->props, name), *x;
	size_t i, n = json_is_array(v) ? json_array_size(v) : 1, len;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		x = json_is_array(v) ? json_array_get(v, i) : v;
		len = strlen(out);
		snprintf(out + len, cap - len, "%s%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ",
			 json_string_value(x) ? json_string_value(x) : "?", suffix);
	}
}

static void risks_text(char *out, size_t cap, unsigned bits)
{
	out[0] = '\0';
	for (int i = 0; i < AI_RISK_COUNT; i++)
		if (bits & (1u << i)) {
			size_t len = strlen(out);

			snprintf(out + len, cap - len, "%s%s", len ? ", " : "", profile_ai_risks[i]);
		}
}

static void date_prop(const struct control *c, const char *name, int64_t *best)
{
	const char *s = scope_prop(c, name);
	char full[40];
	int64_t t;

	/* Catalogues write plain dates (2027-12-02): midnight UTC. */
	if (s && strlen(s) == 10 && snprintf(full, sizeof(full), "%sT00:00:00Z", s) > 0)
		s = full;
	if (s && !time_parse(&t, s) && (!*best || t < *best))
		*best = t;
}

static void ai_act(struct applicability *out, const struct profile *p,
		   const struct control *c)
{
	static const char *const role_names[] = { "", "provider", "deployer",
						  "provider and deployer" };
	unsigned have = 0;
	bool any, hr = scope_prop(c, "high-risk-obligation") &&
		       !strcmp(scope_prop(c, "high-risk-obligation"), "true");
	char list[160], risks[160];

	if (prop_has(c, "role", "provider", &any))
		have |= AI_ROLE_PROVIDER;
	if (prop_has(c, "role", "deployer", &any))
		have |= AI_ROLE_DEPLOYER;
	if (p->ai_role && any && !(have & p->ai_role)) {
		prop_list(list, sizeof(list), c, "role", "s");
		snprintf(out->reason, sizeof(out->reason), "%s binds %s; this deployment is a %s",
			 c->label, list, role_names[p->ai_role & 3]);
		out->applies = false;
		return;
	}
	if (!p->ai_risk)
		return;
	risks_text(risks, sizeof(risks), p->ai_risk);
	if (hr && !(p->ai_risk & ((1u << AI_RISK_HIGH) | (1u << AI_RISK_HIGH_PRODUCT)))) {
		snprintf(out->reason, sizeof(out->reason), "%s binds high-risk AI systems only; "
			 "this deployment's AI system is %s", c->label, risks);
		out->applies = false;
		return;
	}
	if (json_object_get(c->props, "risk")) {
		bool match = false;

		for (int i = 0; i < AI_RISK_COUNT; i++)
			if ((p->ai_risk & (1u << i)) && prop_has(c, "risk", profile_ai_risks[i], &any))
				match = true;
		if (!match) {
			prop_list(list, sizeof(list), c, "risk", "");
			snprintf(out->reason, sizeof(out->reason), "%s binds %s AI only; this "
				 "deployment's AI system is %s", c->label, list, risks);
			out->applies = false;
			return;
		}
	}
	if (p->ai_risk & (1u << AI_RISK_HIGH))
		date_prop(c, "applies-from-annex-iii", &out->applies_from);
	if (p->ai_risk & (1u << AI_RISK_HIGH_PRODUCT))
		date_prop(c, "applies-from-annex-i", &out->applies_from);
	/* A high-risk obligation binds from the earlier date of the two
	 * classes; a system of another class as well changes nothing. */
}

void scope_control(struct applicability *out, const struct profile *p,
		   const struct catalog *cat, const struct control *c)
{
	char list[200];
	bool any;

	memset(out, 0, sizeof(*out));
	out->applies = true;
	date_prop(c, "applies-from", &out->applies_from);
	if (!p)
		return;
	if (!strcmp(cat->framework, "eu-ai-act")) {
		ai_act(out, p, c);
	} else if (!strcmp(cat->framework, "sebi-cscrf") && p->sebi_category &&
		   !prop_has(c, "applies-to", p->sebi_category, &any) && any) {
		prop_list(list, sizeof(list), c, "applies-to", "");
		snprintf(out->reason, sizeof(out->reason), "%s applies to %s REs; this deployment "
			 "is a %s RE", c->label, list, p->sebi_category);
		out->applies = false;
	} else if (!strcmp(cat->framework, "hipaa") && p->hipaa_role) {
		const char *role = p->hipaa_role == HIPAA_ROLE_COVERED_ENTITY ? "covered-entity" :
				   "business-associate";

		if (!prop_has(c, "role", role, &any) && any) {
			prop_list(list, sizeof(list), c, "role", "s");
			snprintf(out->reason, sizeof(out->reason), "%s binds %s; this deployment is "
				 "a %s", c->label, list, role);
			out->applies = false;
		}
	}
}

int scope_minimums(struct scope_minimum **out, size_t *n, const struct profile *p,
		   const struct catalogs *cs, const char *kind, int64_t at)
{
	char name[64];
	int k = profile_retention_kind(kind);
	size_t cap = 0;
	int rc;

	*n = 0;
	*out = NULL;
	snprintf(name, sizeof(name), "retention-%s", kind);
	for (size_t f = 0; f < cs->n; f++) {
		const struct catalog *cat = &cs->v[f];

		if (!profile_in_scope(p, cat->framework))
			continue;
		for (size_t i = 0; i < cat->n; i++) {
			const struct control *c = &cat->v[i];
			const char *v = scope_prop(c, name);
			struct scope_minimum m;
			struct applicability ap;

			if (!v)
				continue;
			scope_control(&ap, p, cat, c);
			if (!ap.applies)
				continue;
			memset(&m, 0, sizeof(m));
			if (period_parse(&m.catalogue, v)) {
				free(*out);
				*out = NULL;
				*n = 0;
				return err_set(ERR_PARSE, "%s:%d: %s '%s' is not a period like 2y, "
					       "6mo or 400d", cat->path, c->line, name, v);
			}
			m.cat = cat;
			m.control = c;
			m.period = m.catalogue;
			if (p && k >= 0 && period_set(&p->retention[k]) &&
			    period_longer(&p->retention[k], &m.period, at))
				m.period = p->retention[k];
			m.applies_from = ap.applies_from > at ? ap.applies_from : 0;
			m.keep_from = period_before(m.applies_from ? m.applies_from : at, &m.period);
			if ((rc = array_grow(out, *n, &cap, sizeof(**out)))) {
				free(*out);
				*out = NULL;
				*n = 0;
				return rc;
			}
			(*out)[(*n)++] = m;
		}
	}
	return 0;
}
