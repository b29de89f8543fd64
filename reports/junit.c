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

#include <libxml/xmlwriter.h>

/* The writer carries the first error, as in oscal_ar.c. */
struct jw {
	xmlTextWriterPtr w;
	int rc;
	const struct gate_result *g;
	struct buf msg; /* text being composed */
	struct buf tmp; /* cleaned text */
};

static void check_xml(struct jw *j, int ret)
{
	if (ret < 0 && !j->rc)
		j->rc = err_set(ERR_NOMEM, "cannot write the JUnit report: libxml2 writer failed");
}

static void start(struct jw *j, const char *name)
{
	if (!j->rc)
		check_xml(j, xmlTextWriterStartElement(j->w, (const xmlChar *)name));
}

static void end(struct jw *j)
{
	if (!j->rc)
		check_xml(j, xmlTextWriterEndElement(j->w));
}

/* An attribute: one line, XML-safe. */
static void attr(struct jw *j, const char *name, const char *value)
{
	if (j->rc || (j->rc = xml_clean(&j->tmp, value, true)))
		return;
	check_xml(j, xmlTextWriterWriteAttribute(j->w, (const xmlChar *)name,
						 (const xmlChar *)j->tmp.data));
}

static void attr_u64(struct jw *j, const char *name, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRIu64, v);
	attr(j, name, s);
}

static void text(struct jw *j, const char *s)
{
	if (j->rc || (j->rc = xml_clean(&j->tmp, s, false)))
		return;
	check_xml(j, xmlTextWriterWriteString(j->w, (const xmlChar *)j->tmp.data));
}

/* Compose into j->msg (replacing it). */
static void msg(struct jw *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void msg(struct jw *j, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	if (j->rc)
		return;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	buf_reset(&j->msg);
	if (n < 0 || buf_puts(&j->msg, s))
		j->rc = err_set(ERR_NOMEM, "out of memory");
	free(s);
}

static void property(struct jw *j, const char *name, const char *value)
{
	start(j, "property");
	attr(j, "name", name);
	attr(j, "value", value);
	end(j);
}

static void properties(struct jw *j)
{
	const struct gate_result *g = j->g;
	char at[RFC3339_LEN], root[B64_LEN(MERKLE_HASH)], size[24];

	time_format(at, g->at);
	b64_encode(root, g->now.cp.root, MERKLE_HASH);
	snprintf(size, sizeof(size), "%" PRIu64, g->now.cp.size);
	start(j, "properties");
	property(j, "at", at);
	property(j, "policy", g->policy->file ? g->policy->file : "(default policy)");
	property(j, "policy_sha256", g->policy_sha256);
	property(j, "checkpoint_size", size);
	property(j, "checkpoint_root", root);
	end(j);
}

/* The failure's text: the reason, each mapped check, the evidence. */
static void failure_body(struct jw *j, const struct gate_item *it)
{
	const struct control_result *cr = it->now;
	json_t *ev = gate_item_evidence(j->g, it), *x;
	size_t i;
	int rc;

	buf_reset(&j->msg);
	rc = ev ? buf_printf(&j->msg, "%s\n", cr->reason) : ERR_NOMEM;
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
	if (rc && !j->rc)
		j->rc = err_set(ERR_NOMEM, "out of memory");
	text(j, j->msg.data);
}

static void testcase(struct jw *j, const struct gate_item *it)
{
	const struct control *c = it->now->control;
	const char *st = status_name(it->now->status);

	start(j, "testcase");
	attr(j, "classname", it->cat->framework);
	msg(j, "%s %s", c->label, c->title);
	attr(j, "name", j->msg.data);
	if (it->fails) {
		start(j, "failure");
		msg(j, "%s: %s", st, it->now->reason);
		attr(j, "message", j->msg.data);
		attr(j, "type", st);
		failure_body(j, it);
		end(j);
	} else if (it->now->status == ST_NA) {
		start(j, "skipped");
		msg(j, "excluded: %s", it->now->reason);
		attr(j, "message", j->msg.data);
		end(j);
	}
	if (it->warns) {
		start(j, "system-out");
		if (!j->rc && gate_warning_text(&j->msg, j->g, it))
			j->rc = err_set(ERR_NOMEM, "out of memory");
		text(j, "WARN ");
		text(j, j->msg.data);
		end(j);
	}
	end(j);
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
	start(j, "testsuite");
	attr(j, "name", v[from].cat->framework);
	attr_u64(j, "tests", to - from);
	attr_u64(j, "failures", fails);
	attr_u64(j, "errors", 0);
	attr_u64(j, "skipped", skipped);
	properties(j);
	for (size_t i = from; i < to; i++)
		testcase(j, &v[i]);
	end(j);
}

static void write_document(struct jw *j)
{
	const struct gate_result *g = j->g;

	check_xml(j, xmlTextWriterSetIndent(j->w, 1));
	check_xml(j, xmlTextWriterSetIndentString(j->w, (const xmlChar *)"  "));
	if (!j->rc)
		check_xml(j, xmlTextWriterStartDocument(j->w, NULL, "UTF-8", NULL));
	start(j, "testsuites");
	attr(j, "name", "auditpack gate");
	attr_u64(j, "tests", g->n);
	attr_u64(j, "failures", g->nfail);
	attr_u64(j, "errors", 0);
	attr_u64(j, "skipped", g->nexcluded);
	for (size_t i = 0, from = 0; i <= g->n && !j->rc; i++)
		if (i == g->n || g->v[i].cat != g->v[from].cat) {
			if (i > from)
				testsuite(j, from, i);
			from = i;
		}
	end(j);
	if (!j->rc)
		check_xml(j, xmlTextWriterEndDocument(j->w));
}

int report_junit(struct buf *out, const struct gate_result *g)
{
	struct jw j = { .g = g };
	xmlBufferPtr xb = NULL;
	int rc;

	if (!(xb = xmlBufferCreate()) || !(j.w = xmlNewTextWriterMemory(xb, 0))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto out;
	}
	write_document(&j);
	xmlFreeTextWriter(j.w); /* flushes into xb */
	rc = j.rc ? j.rc : buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	if (!rc && (out->len == 0 || out->data[out->len - 1] != '\n'))
		rc = buf_append(out, "\n", 1);
out:
	xmlBufferFree(xb);
	buf_free(&j.msg);
	buf_free(&j.tmp);
	return rc;
}
