#include "csv.h"
#include "../common/err.h"

#include <inttypes.h>
#include <string.h>

static int field(struct buf *out, const char *s, char after)
{
	int rc = buf_puts(out, "\"");

	for (const char *p = s ? s : ""; !rc && *p; p++)
		rc = *p == '"' ? buf_puts(out, "\"\"") : buf_append(out, p, 1);
	if (!rc)
		rc = buf_append(out, "\"", 1);
	return rc ? rc : buf_append(out, &after, 1);
}

int report_controls_csv(struct buf *out, const struct assessment *a)
{
	struct buf list = BUF_INIT, ev = BUF_INIT;
	int rc = buf_puts(out, "framework,control,label,title,status,checks,evidence,reason\n");

	for (size_t f = 0; !rc && f < a->nfw; f++)
		for (size_t i = 0; !rc && i < a->fw[f].n; i++) {
			const struct control_result *cr = &a->fw[f].v[i];

			buf_reset(&list);
			buf_reset(&ev);
			for (size_t k = 0; !rc && k < cr->nchecks; k++) {
				const struct check_result *r = &a->checks[cr->checks[k]];

				rc = buf_printf(&list, "%s%s", k ? " " : "", r->check->id);
				for (size_t e = 0; !rc && e < json_array_size(r->evidence); e++)
					rc = buf_printf(&ev, "%s%" JSON_INTEGER_FORMAT, ev.len ? " " : "",
							json_integer_value(json_array_get(r->evidence, e)));
			}
			if (!rc)
				rc = buf_printf(out, "%s,%s,", a->fw[f].cat->framework, cr->control->id);
			if (!rc)
				rc = field(out, cr->control->label, ',');
			if (!rc)
				rc = field(out, cr->control->title, ',');
			if (!rc)
				rc = buf_printf(out, "%s,", status_name(cr->status));
			if (!rc)
				rc = field(out, list.data, ',');
			if (!rc)
				rc = field(out, ev.data, ',');
			if (!rc)
				rc = field(out, cr->reason, '\n');
		}
	buf_free(&list);
	buf_free(&ev);
	return rc;
}

int report_crosswalk_csv(struct buf *out, const struct checkset *ks)
{
	int rc = buf_puts(out, "check,framework,control,label,why\n");

	for (size_t i = 0; !rc && i < ks->n; i++)
		for (size_t m = 0; !rc && m < ks->v[i].nmaps; m++) {
			rc = buf_printf(out, "%s,%s,%s,", ks->v[i].id, ks->v[i].maps[m].framework,
					ks->v[i].maps[m].control->id);
			if (!rc)
				rc = field(out, ks->v[i].maps[m].control->label, ',');
			if (!rc)
				rc = field(out, ks->v[i].maps[m].why, '\n');
		}
	return rc;
}
