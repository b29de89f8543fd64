/*
 * rules_models.c - rules over the model registry: models serving traffic
 * are registered, production versions carry their governance records.
 */
#include "rules_internal.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The latest model-version entry of each name/version, as of at. */
static const struct evidence *registry_entry(const struct rule_ctx *c, const char *name,
					     const char *version)
{
	const struct evidence *found = NULL;

	for (size_t i = 0; i < c->all->n; i++) {
		const struct evidence *e = &c->all->v[i];
		const char *nm, *vs;
		json_t *jv;
		char vbuf[32];

		if (strcmp(e->kind, "model-version"))
			continue;
		nm = json_string_value(json_object_get(e->attrs, "name"));
		jv = json_object_get(e->attrs, "version");
		if (json_is_integer(jv)) {
			snprintf(vbuf, sizeof(vbuf), "%" JSON_INTEGER_FORMAT, json_integer_value(jv));
			vs = vbuf;
		} else {
			vs = json_string_value(jv);
		}
		if (nm && !strcmp(nm, name) && (!version || (vs && !strcmp(vs, version))))
			found = e;
	}
	return found;
}

static bool has_digests(const struct evidence *e)
{
	json_t *a = json_object_get(e->attrs, "artifacts");

	return (json_is_object(a) && json_object_size(a) > 0) ||
	       json_is_string(json_object_get(e->attrs, "artifact_sha256"));
}

int rule_models_registered(const struct rule_ctx *c, const struct check *k,
			   const struct evidence **sel, size_t n, struct check_result *r)
{
	const char *req = check_param(k, "require-digests");
	bool digests = req && !strcmp(req, "yes");
	json_t *seen = json_object(), *v;
	const char *key;
	size_t total = 0;
	int rc = 0;

	(void)sel;
	(void)n;
	if (!seen)
		return err_nomem();
	/* The check's own evidence is the registry; the models in service come
	 * from the access logs of the last day: model -> {n, entries}. */
	for (size_t i = 0; i < c->all->n; i++) {
		const struct evidence *e = &c->all->v[i];
		json_t *models = json_object_get(e->attrs, "models");

		if (strcmp(e->kind, "access-log") || !rule_recent(c, e, 86400))
			continue;
		json_object_foreach(models, key, v) {
			json_t *old = json_object_get(seen, key);

			if (!old) {
				old = json_pack("{s:I, s:[]}", "n", (json_int_t)0, "e");
				json_object_set_new(seen, key, old);
			}
			json_object_set_new(old, "n", json_integer(json_integer_value(v) +
					    json_integer_value(json_object_get(old, "n"))));
			json_array_append_new(json_object_get(old, "e"),
					      json_integer((json_int_t)e->index));
		}
		if (json_object_size(models))
			rule_ref(r, e);
	}
	json_object_foreach(seen, key, v) {
		char name[256], subject[300], *colon;
		const struct evidence *reg;
		const char *why = NULL;
		size_t q;
		json_t *x;

		snprintf(name, sizeof(name), "%s", key);
		colon = strrchr(name, ':');
		if (colon)
			*colon++ = '\0';
		total++;
		reg = registry_entry(c, name, colon);
		if (!reg)
			why = "is not in the registry";
		else if (digests && !has_digests(reg))
			why = "is registered without artifact digests";
		if (reg)
			rule_ref(r, reg);
		if (!why)
			continue;
		snprintf(subject, sizeof(subject), "model %s%s%s", name, colon ? " v" : "",
			 colon ? colon : "");
		if ((rc = finding_add(r, ST_FAIL, subject, "%s served %" JSON_INTEGER_FORMAT
				      " requests but %s", subject,
				      json_integer_value(json_object_get(v, "n")), why)))
			break;
		json_array_foreach(json_object_get(v, "e"), q, x)
			finding_ref(r, (uint64_t)json_integer_value(x));
		if (reg)
			finding_ref(r, reg->index);
	}
	json_decref(seen);
	if (rc || r->nfindings)
		return rc;
	if (!total)
		result_set(r, ST_PASS, "no model traffic in the rule_recent logs");
	else
		result_set(r, ST_PASS, "all %zu models serving in the logs are registered%s", total,
		    digests ? " with artifact digests" : "");
	return 0;
}

static bool is_directory(const struct evidence *e)
{
	const char *r = json_string_value(json_object_get(e->attrs, "registry"));

	return r && !strcmp(r, "directory");
}

int rule_production_models_governed(const struct rule_ctx *c, const struct check *k,
				    const struct evidence **sel, size_t n,
				    struct check_result *r)
{
	const char *stages = check_param(k, "stages"), *require = check_param(k, "require");
	size_t prod = 0;

	(void)c;
	if (!stages)
		stages = "Production";
	if (!require)
		require = "approval,dataset,model_card";
	for (size_t i = 0; i < n; i++) {
		const struct evidence *e = sel[i];
		const char *name = json_string_value(json_object_get(e->attrs, "name"));
		const char *stage = json_string_value(json_object_get(e->attrs, "stage"));
		json_t *aliases = json_object_get(e->attrs, "aliases"), *a;
		bool is_prod = stage && rule_in_list(stages, stage), latest = true;
		char missing[200] = "";
		size_t ai;

		/* Only the newest registry entry of each version speaks for it (a
		 * model directory's entry has digests, not a stage). */
		if (is_directory(e))
			continue;
		for (size_t j = i + 1; j < n; j++)
			if (!is_directory(sel[j]) &&
			    json_equal(json_object_get(sel[j]->attrs, "name"), json_object_get(e->attrs, "name")) &&
			    json_equal(json_object_get(sel[j]->attrs, "version"), json_object_get(e->attrs, "version")))
				latest = false;
		if (!latest)
			continue;
		json_array_foreach(aliases, ai, a)
			if (json_is_string(a) && (rule_in_list("champion,production,prod", json_string_value(a)) ||
						 rule_in_list(stages, json_string_value(a))))
				is_prod = true;
		if (!is_prod)
			continue;
		prod++;
		rule_ref(r, e);
		for (const char *p = require; p && *p;) {
			const char *comma = strchr(p, ',');
			char key[64];
			json_t *v;

			snprintf(key, sizeof(key), "%.*s", (int)(comma ? comma - p : (long)strlen(p)), p);
			v = json_object_get(e->attrs, key);
			if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
				snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
					 "%s%s", *missing ? ", " : "", key);
			p = comma ? comma + 1 : NULL;
		}
		if (*missing) {
			json_t *ver = json_object_get(e->attrs, "version");
			char vs[64], subject[400];
			int rc;

			if (json_is_integer(ver))
				snprintf(vs, sizeof(vs), "%" JSON_INTEGER_FORMAT, json_integer_value(ver));
			else
				snprintf(vs, sizeof(vs), "%s", json_is_string(ver) ? json_string_value(ver) : "?");
			snprintf(subject, sizeof(subject), "model %s v%s", name ? name : "?", vs);
			if ((rc = finding_add(r, ST_FAIL, subject, "production %s lacks %s (entry %"
					      PRIu64 ")", subject, missing, e->index)))
				return rc;
			finding_ref(r, e->index);
		}
	}
	if (r->nfindings)
		return 0;
	if (!prod)
		return finding_add(r, ST_FAIL, "production models", "no model version is in "
				   "production (%s) in the registry", stages);
	else
		result_set(r, ST_PASS, "%zu production model version%s carr%s %s", prod,
		    prod == 1 ? "" : "s", prod == 1 ? "ies" : "y", require);
	return 0;
}
