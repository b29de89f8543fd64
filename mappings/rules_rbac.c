/*
 * rules_rbac.c - Kubernetes RBAC snapshots (kubectl get ... -o json, or a
 * configuration snapshot of role files): no role grants '*'.
 */
#include "rules_internal.h"
#include "../common/buf.h"
#include "../common/err.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Does a rule of a Role/ClusterRole grant '*' in verbs, resources or apiGroups?
 * `what` gets the first field that does. */
static bool role_wildcard(json_t *role, const char **what)
{
	static const char *const fields[] = { "verbs", "resources", "apiGroups" };
	json_t *rule, *x;
	size_t j, q;

	json_array_foreach(json_object_get(role, "rules"), j, rule)
		for (size_t f = 0; f < 3; f++)
			json_array_foreach(json_object_get(rule, fields[f]), q, x)
				if (json_is_string(x) && !strcmp(json_string_value(x), "*")) {
					*what = fields[f];
					return true;
				}
	return false;
}

json_t *rbac_list_parse(const char *buf, size_t len, char *why, size_t cap)
{
	json_t *doc = json_loadb(buf ? buf : "", buf ? len : 0, 0, NULL);
	const char *kind = json_string_value(json_object_get(doc, "kind"));

	if (!doc) {
		snprintf(why, cap, "its output is not JSON");
	} else if (!kind || strlen(kind) < 4 || strcmp(kind + strlen(kind) - 4, "List") ||
		   !json_is_array(json_object_get(doc, "items"))) {
		snprintf(why, cap, "its output is not a Kubernetes List (kubectl get ... -o json)");
		json_decref(doc);
		doc = NULL;
	}
	return doc;
}

/*
 * The stdout of an rbac command entry as a Kubernetes List document, or NULL
 * with `why` saying what is wrong (payload unreadable, not JSON, not a List).
 */
json_t *rule_rbac_list(const struct rule_ctx *c, const struct evidence *e, char *why,
		       size_t cap)
{
	struct buf p = BUF_INIT;
	json_t *payload = NULL, *doc = NULL;

	if (e->erased || store_get_payload(c->store, e->index, &p)) {
		snprintf(why, cap, "its payload cannot be read%s", e->erased ? " (erased)" : "");
		goto out;
	}
	payload = json_loadb(p.data ? p.data : "", p.len, 0, NULL);
	if (!json_is_string(json_object_get(payload, "stdout"))) {
		snprintf(why, cap, "its payload holds no text output");
		goto out;
	}
	doc = rbac_list_parse(json_string_value(json_object_get(payload, "stdout")),
			      json_string_length(json_object_get(payload, "stdout")), why, cap);
out:
	json_decref(payload);
	buf_free(&p);
	return doc;
}

static bool is_role(json_t *item)
{
	const char *kind = json_string_value(json_object_get(item, "kind"));

	return kind && (!strcmp(kind, "Role") || !strcmp(kind, "ClusterRole"));
}

/* "role ml-platform-ops" (ClusterRole), "role ai-prod/deployer" (Role). */
static void role_subject(char *out, size_t cap, json_t *item)
{
	json_t *md = json_object_get(item, "metadata");
	const char *name = json_string_value(json_object_get(md, "name"));
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	const char *kind = json_string_value(json_object_get(item, "kind"));

	if (ns && kind && !strcmp(kind, "Role"))
		snprintf(out, cap, "role %s/%s", ns, name ? name : "?");
	else
		snprintf(out, cap, "role %s", name ? name : "?");
}

static int rbac_roles(const struct rule_ctx *c, const struct evidence *e,
		      struct check_result *r, size_t *roles)
{
	char why[256], subject[600];
	json_t *doc, *it;
	size_t j;
	int rc = 0;

	if (!(doc = rule_rbac_list(c, e, why, sizeof(why)))) {
		snprintf(subject, sizeof(subject), "RBAC snapshot %s", e->source);
		rc = finding_add(r, ST_FAIL, subject, "the RBAC snapshot from %s (entry %" PRIu64
				 ") cannot be used: %s", e->source, e->index, why);
		finding_ref(r, e->index);
		return rc;
	}
	json_array_foreach(json_object_get(doc, "items"), j, it) {
		const char *what = NULL;

		if (!is_role(it))
			continue; /* bindings grant roles; the roles are judged */
		(*roles)++;
		if (!role_wildcard(it, &what))
			continue;
		role_subject(subject, sizeof(subject), it);
		if ((rc = finding_add(r, ST_FAIL, subject, "%s grants %s '*' (%s, entry %" PRIu64
				      ")", subject, what, e->source, e->index)))
			break;
		finding_ref(r, e->index);
	}
	json_decref(doc);
	return rc;
}

int rule_no_wildcard_grants(const struct rule_ctx *c, const struct check *k,
			    const struct evidence **sel, size_t n, struct check_result *r)
{
	char subject[600];
	size_t roles = 0;
	int rc;

	(void)k;
	for (size_t i = 0; i < n; i++) {
		json_t *v;
		const char *full;

		if (!rule_latest_of_source(sel, n, i))
			continue;
		rule_ref(r, sel[i]);
		if (!strcmp(sel[i]->kind, "command-output")) {
			if ((rc = rbac_roles(c, sel[i], r, &roles)))
				return rc;
			continue;
		}
		roles++;
		json_object_foreach(json_object_get(sel[i]->attrs, "values"), full, v) {
			if (!json_is_string(v) || strcmp(json_string_value(v), "*") ||
			    (!strstr(full, "verbs") && !strstr(full, "resources")))
				continue;
			rule_key_subject(subject, sizeof(subject), full);
			if ((rc = finding_add(r, ST_FAIL, subject, "%s grants '*' (%s, entry %" PRIu64
					      ")", full, sel[i]->source, sel[i]->index)))
				return rc;
			finding_ref(r, sel[i]->index);
		}
	}
	if (r->nfindings)
		return 0;
	if (!roles)
		return finding_add(r, ST_FAIL, "RBAC roles", "the latest access-control snapshots "
				   "hold no Role or ClusterRole");
	result_set(r, ST_PASS, "no wildcard grant in %zu roles of the latest access-control snapshots",
	    roles);
	return 0;
}
