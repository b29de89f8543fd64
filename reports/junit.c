#include "junit.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/timeutil.h"
#include "../common/xmlutil.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* xw carries the first error (xmlutil.h), as in oscal_ar.c. */
struct jw {
	struct xml_writer xw;
	const struct gate_result *g;
	struct buf msg; /* text being composed */
};

static void attr_u64(struct jw *j, const char *name, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRIu64, v);
	xw_attr(&j->xw, name, s);
}

/* Compose into j->msg (replacing it). */
static void msg(struct jw *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void msg(struct jw *j, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	if (j->xw.rc)
		return;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	buf_reset(&j->msg);
	if (n < 0 || buf_puts(&j->msg, s))
		j->xw.rc = err_nomem();
	free(s);
}

static void property(struct jw *j, const char *name, const char *value)
{
	xw_start(&j->xw, "property");
	xw_attr(&j->xw, "name", name);
	xw_attr(&j->xw, "value", value);
	xw_end(&j->xw);
}

static void properties(struct jw *j)
{
	const struct gate_result *g = j->g;
	char at[RFC3339_LEN], root[B64_LEN(MERKLE_HASH)], size[24];

	time_format(at, g->at);
	b64_encode(root, g->now.cp.root, MERKLE_HASH);
	snprintf(size, sizeof(size), "%" PRIu64, g->now.cp.size);
	xw_start(&j->xw, "properties");
	property(j, "at", at);
	property(j, "policy", g->policy->file ? g->policy->file : "(default policy)");
	property(j, "policy_sha256", g->policy_sha256);
	property(j, "checkpoint_size", size);
	property(j, "checkpoint_root", root);
	xw_end(&j->xw);
}

/* The failure's text: the reason, each mapped check, the evidence. */
static void failure_body(struct jw *j, const struct gate_item *it)
{
	const struct control_result *cr = it->now;
	json_t *ev = gate_item_evidence(j->g, it), *x;
	size_t i;
	int rc;

	buf_reset(&j->msg);
	rc = ev ? buf_printf(&j->msg, "%s\n", cr->reason) : err_nomem();
	for (size_t k = 0; k < cr->nchecks && !rc; k++) {
		const struct check_result *r = &j->g->now.checks[cr->checks[k]];

		rc = buf_printf(&j->msg, "check %s: %s: %s\n", r->check->id,
				status_name(r->status), r->detail ? r->detail : "");
	}
	if (!rc && json_array_size(ev))
		rc = buf_puts(&j->msg, "evidence entries:");
	json_array_foreach(ev, i, x)
		if (!rc)
			rc = buf_printf(&j->msg, " %" JSON_INTEGER_FORMAT, json_integer_value(x));
	if (!rc && json_array_size(ev))
		rc = buf_puts(&j->msg, " (auditpack show INDEX)\n");
	json_decref(ev);
	if (rc && !j->xw.rc)
		j->xw.rc = rc; /* its message is set */
	xw_text(&j->xw, j->msg.data);
}

static void testcase(struct jw *j, const struct gate_item *it)
{
	const struct control *c = it->now->control;
	const char *st = status_name(it->now->status);

	xw_start(&j->xw, "testcase");
	xw_attr(&j->xw, "classname", it->cat->framework);
	msg(j, "%s %s", c->label, c->title);
	xw_attr(&j->xw, "name", j->msg.data);
	if (it->fails) {
		xw_start(&j->xw, "failure");
		msg(j, "%s: %s", st, it->now->reason);
		xw_attr(&j->xw, "message", j->msg.data);
		xw_attr(&j->xw, "type", st);
		failure_body(j, it);
		xw_end(&j->xw);
	} else if (it->now->status == ST_NA) {
		xw_start(&j->xw, "skipped");
		msg(j, "%s: %s", it->now->out_of_profile ? "not-applicable" : "excluded",
		    it->now->reason);
		xw_attr(&j->xw, "message", j->msg.data);
		xw_end(&j->xw);
	}
	if (it->deferred && j->g->policy->fail_on[it->now->status]) {
		char from[RFC3339_LEN];

		time_format(from, it->now->applies_from);
		from[10] = '\0';
		xw_start(&j->xw, "system-out");
		msg(j, "LATER binds from %s, not judged yet: %s: %s", from, st, it->now->reason);
		xw_text(&j->xw, j->msg.data);
		xw_end(&j->xw);
	}
	if (it->warns) {
		xw_start(&j->xw, "system-out");
		if (!j->xw.rc && gate_warning_text(&j->msg, j->g, it))
			j->xw.rc = err_nomem();
		xw_text(&j->xw, "WARN ");
		xw_text(&j->xw, j->msg.data);
		xw_end(&j->xw);
	}
	xw_end(&j->xw);
}

/* One <testsuite> for the items [from, to) of one framework. */
static void testsuite(struct jw *j, size_t from, size_t to)
{
	const struct gate_item *v = j->g->v;
	uint64_t fails = 0, skipped = 0;

	for (size_t i = from; i < to; i++) {
		fails += v[i].fails;
		skipped += v[i].now->status == ST_NA;
	}
	xw_start(&j->xw, "testsuite");
	xw_attr(&j->xw, "name", v[from].cat->framework);
	attr_u64(j, "tests", to - from);
	attr_u64(j, "failures", fails);
	attr_u64(j, "errors", 0);
	attr_u64(j, "skipped", skipped);
	properties(j);
	for (size_t i = from; i < to; i++)
		testcase(j, &v[i]);
	xw_end(&j->xw);
}

static void write_document(struct jw *j)
{
	const struct gate_result *g = j->g;

	xw_start(&j->xw, "testsuites");
	xw_attr(&j->xw, "name", "auditpack gate");
	attr_u64(j, "tests", g->n);
	attr_u64(j, "failures", g->nfail);
	attr_u64(j, "errors", 0);
	/* No "skipped" here: Jenkins' junit-10.xsd allows it on <testsuite> only. */
	for (size_t i = 0, from = 0; i <= g->n && !j->xw.rc; i++)
		if (i == g->n || g->v[i].cat != g->v[from].cat) {
			if (i > from)
				testsuite(j, from, i);
			from = i;
		}
	xw_end(&j->xw);
}

int report_junit(struct buf *out, const struct gate_result *g)
{
	struct jw j = { .g = g };
	int rc;

	if (!xw_open(&j.xw, "JUnit report"))
		write_document(&j);
	rc = xw_close(&j.xw, out);
	buf_free(&j.msg);
	return rc;
}
