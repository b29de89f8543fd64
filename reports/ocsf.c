#include "ocsf.h"
#include "../common/err.h"
#include "../common/json.h"

#include <string.h>

static int severity(int st)
{
	return st == ST_FAIL ? 4 : st == ST_MISSING ? 3 : 2;
}

static const char *severity_name(int id)
{
	return id == 4 ? "High" : id == 3 ? "Medium" : "Low";
}

/* The catalogue titles of the frameworks a check maps to, in assessment order. */
static json_t *standards(const struct assessment *a, const struct check *k)
{
	json_t *arr = json_array();

	for (size_t f = 0; arr && f < a->nfw; f++)
		for (size_t m = 0; m < k->nmaps; m++)
			if (!strcmp(k->maps[m].framework, a->fw[f].cat->framework)) {
				json_array_append_new(arr, json_string(a->fw[f].cat->title));
				break;
			}
	return arr;
}

static json_t *event(const struct assessment *a, const struct check_result *r,
		     const struct finding *f, const char *tool_version)
{
	int sev = severity(f->status);
	bool failed = f->status != ST_STALE;
	char title[1024];
	json_t *ev;

	snprintf(title, sizeof(title), "%s: %s", r->check->title, f->subject);
	ev = json_pack("{s:i, s:s, s:i, s:s, s:i, s:s, s:I, s:s, s:I, s:i, s:s, s:s, s:i,"
		       " s:{s:o, s:o, s:s, s:s, s:i, s:s},"
		       " s:{s:s, s:s, s:s, s:[s], s:I},"
		       " s:[{s:s, s:s}],"
		       " s:{s:s, s:{s:s, s:s, s:s}}}",
		       "activity_id", 1, "activity_name", "Create",
		       "category_uid", 2, "category_name", "Findings",
		       "class_uid", 2003, "class_name", "Compliance Finding",
		       "type_uid", (json_int_t)200301, "type_name", "Compliance Finding: Create",
		       "time", (json_int_t)a->at * 1000,
		       "severity_id", sev, "severity", severity_name(sev),
		       "status", f->accepted ? "Suppressed" : "New",
		       "status_id", f->accepted ? 3 : 1,
		       "compliance",
		       "standards", standards(a, r->check),
		       "requirements", finding_result_controls(a, r),
		       "control", r->check->id,
		       "status", failed ? "Fail" : "Warning",
		       "status_id", failed ? 3 : 2,
		       "status_detail", status_name((enum status)f->status),
		       "finding_info",
		       "uid", f->id, "title", title, "desc", f->message,
		       "types", "auditpack/check", "created_time", (json_int_t)a->at * 1000,
		       "resources", "name", f->subject, "type", r->check->kind,
		       "metadata", "version", OCSF_VERSION,
		       "product", "name", "auditpack", "vendor_name", "auditpack",
		       "version", tool_version);
	if (!ev)
		return NULL;
	if (r->check->remediation)
		json_object_set_new(ev, "remediation", json_pack("{s:s}", "desc",
								 r->check->remediation));
	json_object_set_new(ev, "unmapped", json_pack("{s:{s:s, s:s, s:O}}", "auditpack",
		"check", r->check->id, "status", status_name((enum status)f->status),
		"evidence", f->evidence));
	if (f->accepted)
		json_object_set_new(json_object_get(json_object_get(ev, "unmapped"), "auditpack"),
				    "accepted", json_string(f->accepted));
	return ev;
}

int report_ocsf_findings(struct buf *out, const struct assessment *a, const char *tool_version)
{
	for (size_t i = 0; i < a->nchecks; i++) {
		const struct check_result *r = &a->checks[i];

		if (!result_in_scope(a, r))
			continue;
		for (size_t j = 0; j < r->nfindings; j++) {
			json_t *ev = event(a, r, &r->findings[j], tool_version);
			int rc = ev ? json_stable(out, ev) : ERR_NOMEM;

			json_decref(ev);
			if (rc || buf_append(out, "\n", 1))
				return err_nomem();
		}
	}
	return 0;
}
