/*
 * oscal_ar.c - reports/assessment-results.xml: the assessment as an OSCAL
 * 1.2 assessment-results document, valid against the OSCAL v1.2.1 XSD
 * (controls/schema/oscal_assessment-results_schema.xsd).
 *
 * One <result> per framework: reviewed-controls names every control of it,
 * one <observation> per evidence entry its checks (or attestations) cite,
 * pointing at the entry's files in the pack with the payload's SHA-256, and
 * one <finding> per control.  OSCAL only knows satisfied / not-satisfied, so
 * only "pass" is satisfied; our exact status travels in a prop in the
 * https://auditpack.dev/ns/oscal namespace.
 *
 * Reproducible: every UUID is a version 5 (name-based, SHA-1) UUID of a
 * name built from the origin, the checkpoint root, the as-of time and what
 * the object is; every time is the assessment's or the evidence's, in UTC.
 * Links are relative to the document, which sits in reports/.
 */
#include "report.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/hash.h"
#include "../common/timeutil.h"
#include "../common/xmlutil.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#define OSCAL_NS "http://csrc.nist.gov/ns/oscal/1.0"
#define AP_NS "https://auditpack.dev/ns/oscal"
#define OSCAL_VERSION "1.2.1"
#define UUID_STR 37

/* uuid5(NAMESPACE_URL, "https://auditpack.dev/ns/oscal"):
 * 2bdb4dd4-f686-59f9-b008-89c5c3b049b9, the namespace of our names. */
static const uint8_t uuid_ns[16] = {
	0x2b, 0xdb, 0x4d, 0xd4, 0xf6, 0x86, 0x59, 0xf9,
	0xb0, 0x08, 0x89, 0xc5, 0xc3, 0xb0, 0x49, 0xb9,
};

/* The writer carries the first error, so the document is a flat list of
 * calls, as in html.c.  xw.tmp is also the helpers' scratch (cleaned text,
 * UUID names, hrefs). */
struct ar {
	struct xml_writer xw;
	const struct report_ctx *r;
	struct buf base; /* "auditpack:<origin>:<root b64>:<at>" */
	struct buf msg;  /* text being composed for an element */
};

/* A sorted set of entry indices. */
struct idx {
	uint64_t *v;
	size_t n, cap;
};

/* ---- UUIDs ---- */

/* RFC 9562 section 5.5: SHA-1 of namespace || name, version 5, variant 10. */
static int uuid5(char out[UUID_STR], const uint8_t ns[16], const void *name, size_t len)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	int ok;

	ok = c && EVP_DigestInit_ex(c, EVP_sha1(), NULL) == 1 &&
	     EVP_DigestUpdate(c, ns, 16) == 1 && EVP_DigestUpdate(c, name, len) == 1 &&
	     EVP_DigestFinal_ex(c, md, &mdlen) == 1 && mdlen >= 16;
	EVP_MD_CTX_free(c);
	if (!ok)
		return err_set_openssl(ERR_CRYPTO, "cannot compute a UUID (SHA-1)");
	md[6] = (uint8_t)((md[6] & 0x0f) | 0x50);
	md[8] = (uint8_t)((md[8] & 0x3f) | 0x80);
	snprintf(out, UUID_STR,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9],
		 md[10], md[11], md[12], md[13], md[14], md[15]);
	return 0;
}

/* ---- writer helpers ---- */

/* <name>s</name> */
static void elem(struct ar *a, const char *name, const char *s)
{
	xw_start(&a->xw, name);
	xw_text(&a->xw, s);
	xw_end(&a->xw);
}

/* A title: one line. */
static void title(struct ar *a, const char *s)
{
	xw_start(&a->xw, "title");
	xw_text_line(&a->xw, s);
	xw_end(&a->xw);
}

static void elem_time(struct ar *a, const char *name, int64_t t)
{
	char s[RFC3339_LEN];

	time_format(s, t);
	elem(a, name, s);
}

/* <name><p>s</p></name>: OSCAL's multi-line markup. */
static void para(struct ar *a, const char *name, const char *s)
{
	xw_start(&a->xw, name);
	elem(a, "p", s);
	xw_end(&a->xw);
}

/* <prop name= ns= value=/>; skipped when the value folds to nothing
 * (OSCAL values are never empty). */
static void prop(struct ar *a, const char *name, const char *value)
{
	if (a->xw.rc || (a->xw.rc = xml_clean(&a->xw.tmp, value, true)) || !a->xw.tmp.len)
		return;
	xw_start(&a->xw, "prop");
	xw_attr_raw(&a->xw, "name", name);
	xw_attr_raw(&a->xw, "ns", AP_NS);
	xw_attr_raw(&a->xw, "value", a->xw.tmp.data);
	xw_end(&a->xw);
}

static void prop_u64(struct ar *a, const char *name, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRIu64, v);
	prop(a, name, s);
}

/*
 * An attribute holding the UUID of "<base>:<kind>[:<fw>][:<id>]", or
 * "#<uuid>" when `ref` (a link to a back-matter resource).
 */
static void uuid_attr(struct ar *a, const char *name, bool ref, const char *kind,
		      const char *fw, const char *id)
{
	char u[UUID_STR + 1];

	if (a->xw.rc)
		return;
	buf_reset(&a->xw.tmp);
	if ((a->xw.rc = buf_printf(&a->xw.tmp, "%s:%s%s%s%s%s", a->base.data, kind,
				   fw ? ":" : "", fw ? fw : "", id ? ":" : "", id ? id : "")) ||
	    (a->xw.rc = uuid5(u + 1, uuid_ns, a->xw.tmp.data, a->xw.tmp.len)))
		return;
	u[0] = '#';
	xw_attr_raw(&a->xw, name, ref ? u : u + 1);
}

static void uuid_attr_u64(struct ar *a, const char *name, const char *kind, const char *fw,
			  uint64_t n)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRIu64, n);
	uuid_attr(a, name, false, kind, fw, s);
}

/* ---- entry indices ---- */

static int idx_add_json(struct idx *x, const json_t *arr)
{
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_int_t v = json_integer_value(json_array_get(arr, i));

		if (v < 0)
			continue;
		if (x->n == x->cap) {
			size_t cap = x->cap ? 2 * x->cap : 16;
			uint64_t *p = reallocarray(x->v, cap, sizeof(*p));

			if (!p)
				return err_nomem();
			x->v = p;
			x->cap = cap;
		}
		x->v[x->n++] = (uint64_t)v;
	}
	return 0;
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t l = *(const uint64_t *)pa, r = *(const uint64_t *)pb;

	return (l > r) - (l < r);
}

static void idx_finish(struct idx *x)
{
	size_t w = 0;

	if (x->n)
		qsort(x->v, x->n, sizeof(*x->v), cmp_u64);
	for (size_t i = 0; i < x->n; i++)
		if (!w || x->v[w - 1] != x->v[i])
			x->v[w++] = x->v[i];
	x->n = w;
}

/* Entries a control cites: those of its checks, and its attestations. */
static int idx_control(struct idx *x, const struct assessment *as,
		       const struct control_result *cr)
{
	int rc = idx_add_json(x, cr->evidence);

	for (size_t k = 0; k < cr->nchecks && !rc; k++)
		rc = idx_add_json(x, as->checks[cr->checks[k]].evidence);
	return rc;
}

static int idx_framework(struct idx *x, const struct assessment *as,
			 const struct framework_result *fr)
{
	int rc = 0;

	for (size_t i = 0; i < fr->n && !rc; i++)
		rc = idx_control(x, as, &fr->v[i]);
	idx_finish(x);
	return rc;
}

/* ---- metadata and the plan ---- */

static const struct checkpoint *ctx_checkpoint(const struct report_ctx *r)
{
	return r->cp ? r->cp : &r->a->cp;
}

static const char *ctx_origin(const struct report_ctx *r)
{
	return r->origin ? r->origin : ctx_checkpoint(r)->origin;
}

static void write_metadata(struct ar *a)
{
	const struct checkpoint *cp = ctx_checkpoint(a->r);
	char root[B64_LEN(MERKLE_HASH)], at[RFC3339_LEN];

	b64_encode(root, cp->root, MERKLE_HASH);
	time_format(at, a->r->a->at);
	xw_start(&a->xw, "metadata");
	buf_reset(&a->msg);
	if (!a->xw.rc && !(a->xw.rc = buf_printf(&a->msg, "auditpack assessment results: %s",
						 ctx_origin(a->r))))
		title(a, a->msg.data);
	elem(a, "last-modified", at);
	elem(a, "version", at);
	elem(a, "oscal-version", OSCAL_VERSION);
	prop(a, "origin", ctx_origin(a->r));
	prop_u64(a, "checkpoint-size", cp->size);
	prop(a, "checkpoint-root", root);
	prop(a, "tool-version", a->r->tool_version);
	xw_end(&a->xw);
}

static void write_import_ap(struct ar *a)
{
	xw_start(&a->xw, "import-ap");
	uuid_attr(a, "href", true, "resource", NULL, "checks");
	para(a, "remarks", "auditpack has no separate OSCAL assessment plan: the plan is "
	     "its check files (mappings/ in this pack), which say what evidence each check "
	     "reads, the rule it applies, how fresh the evidence must be and which controls "
	     "it supports; the back-matter resource this import points at lists them.");
	xw_end(&a->xw);
}

/* ---- one result per framework ---- */

static void write_reviewed(struct ar *a, const struct framework_result *fr)
{
	xw_start(&a->xw, "reviewed-controls");
	xw_start(&a->xw, "control-selection");
	if (!a->xw.rc) {
		buf_reset(&a->msg);
		a->xw.rc = buf_printf(&a->msg, "Every control of the %s catalogue in scope of "
				      "this assessment.", fr->cat->framework);
	}
	if (!a->xw.rc)
		para(a, "description", a->msg.data);
	for (size_t i = 0; i < fr->n && !a->xw.rc; i++) {
		xw_start(&a->xw, "include-control");
		xw_attr(&a->xw, "control-id", fr->v[i].control->id);
		xw_end(&a->xw);
	}
	xw_end(&a->xw);
	xw_end(&a->xw);
}

static const char *method_for(const char *kind)
{
	/* Output of a command the collector ran is a test of the system;
	 * everything else is an artefact the checks examine. */
	return !strcmp(kind, "command-output") ? "TEST" : "EXAMINE";
}

static void evidence_file(struct ar *a, uint64_t n, const char *ext, const char *desc)
{
	char href[64];

	snprintf(href, sizeof(href), "../evidence/%" PRIu64 ".%s", n, ext);
	xw_start(&a->xw, "relevant-evidence");
	xw_attr_raw(&a->xw, "href", href);
	para(a, "description", desc);
}

/* The entry's files in the pack: payload (with its digest), leaf, proof. */
static void evidence_files(struct ar *a, const struct pack_entry *pe)
{
	char hex[HEX_LEN(SHA256_LEN)];
	uint64_t n = pe->e->index;

	if (!pe->e->erased) {
		hex_encode(hex, pe->payload_sha256, SHA256_LEN);
		evidence_file(a, n, "payload", "The payload as stored (personal data "
			      "pseudonymised), with its SHA-256.");
		prop(a, "sha256", hex);
		prop_u64(a, "size", pe->payload_size);
		xw_end(&a->xw);
	}
	hex_encode(hex, pe->commitment, SHA256_LEN);
	evidence_file(a, n, "leaf", "The leaf the log signed; it commits to the payload "
		      "as SHA-256(\"auditpack/payload/v1\\n\" || salt || payload).");
	prop(a, "commitment", hex);
	xw_end(&a->xw);
	evidence_file(a, n, "proof", "Inclusion proof of the leaf against the pack's "
		      "checkpoint (C2SP tlog-proof).");
	xw_end(&a->xw);
}

static void entry_description(struct ar *a, uint64_t n, const struct pack_entry *pe)
{
	const struct evidence *e = pe ? pe->e : NULL;
	char from[RFC3339_LEN], to[RFC3339_LEN], got[RFC3339_LEN];

	if (a->xw.rc)
		return;
	buf_reset(&a->msg);
	if (!e) {
		a->xw.rc = buf_printf(&a->msg, "Evidence entry #%" PRIu64 " is cited by a "
				      "check but is not in this pack (outside the period it "
				      "covers).", n);
	} else {
		bool about = e->subject && *e->subject && strcmp(e->subject, "-");

		time_format(from, e->eff_from);
		time_format(to, e->eff_to);
		time_format(got, e->collected);
		a->xw.rc = buf_printf(&a->msg, "Evidence entry #%" PRIu64 " of the log %s: "
				      "%s from %s%s%s, effective %s to %s, collected %s.%s", n,
				      ctx_origin(a->r), e->kind, e->source ? e->source : "-",
				      about ? " about " : "", about ? e->subject : "", from, to,
				      got, e->erased ? " Its payload has been erased; the leaf "
				      "and its inclusion proof remain." : "");
	}
	if (!a->xw.rc)
		para(a, "description", a->msg.data);
}

static void write_observation(struct ar *a, const struct framework_result *fr, uint64_t n)
{
	const struct pack_entry *pe = report_entry_find(a->r, n);
	const struct evidence *e = pe ? pe->e : NULL;
	xw_start(&a->xw, "observation");
	uuid_attr_u64(a, "uuid", "observation", fr->cat->framework, n);
	if (!a->xw.rc) {
		buf_reset(&a->msg);
		a->xw.rc = buf_printf(&a->msg, "Evidence entry #%" PRIu64 "%s%s%s", n,
				      e ? " (" : "", e ? e->kind : "", e ? ")" : "");
	}
	title(a, a->msg.data);
	entry_description(a, n, pe);
	prop_u64(a, "entry-index", n);
	if (e)
		prop(a, "kind", e->kind);
	prop(a, "entry-state", !e ? "not-in-pack" : e->erased ? "erased" : "present");
	elem(a, "method", e ? method_for(e->kind) : "EXAMINE");
	if (e)
		evidence_files(a, pe);
	/* OSCAL needs a time: an unknown one (release 0.1.0) says when assessed. */
	elem_time(a, "collected", e && e->collected != TIME_UNKNOWN ? e->collected
		  : a->r->a->at);
	xw_end(&a->xw);
}

static void related_observations(struct ar *a, const struct framework_result *fr,
				 const struct control_result *cr)
{
	struct idx x = { 0 };

	if (!a->xw.rc && !(a->xw.rc = idx_control(&x, a->r->a, cr)))
		idx_finish(&x);
	for (size_t i = 0; i < x.n && !a->xw.rc; i++) {
		xw_start(&a->xw, "related-observation");
		uuid_attr_u64(a, "observation-uuid", "observation", fr->cat->framework, x.v[i]);
		xw_end(&a->xw);
	}
	free(x.v);
}

/* What each check found, for the reader of the finding. */
static void check_remarks(struct ar *a, const struct control_result *cr)
{
	if (!cr->nchecks)
		return;
	xw_start(&a->xw, "remarks");
	for (size_t k = 0; k < cr->nchecks && !a->xw.rc; k++) {
		const struct check_result *res = &a->r->a->checks[cr->checks[k]];

		buf_reset(&a->msg);
		if (!(a->xw.rc = buf_printf(&a->msg, "Check %s (%s): %s", res->check->id,
					    status_name(res->status),
					    res->detail ? res->detail : "")))
			elem(a, "p", a->msg.data);
	}
	xw_end(&a->xw);
}

static void write_target(struct ar *a, const struct control_result *cr)
{
	static const char *const reasons[ST_COUNT] = {
		[ST_PASS] = "pass", [ST_FAIL] = "fail", [ST_STALE] = "other",
		[ST_MISSING] = "other", [ST_MANUAL] = "other", [ST_NA] = "other",
	};

	xw_start(&a->xw, "target");
	xw_attr_raw(&a->xw, "type", "objective-id");
	xw_attr(&a->xw, "target-id", cr->control->id);
	xw_start(&a->xw, "status");
	xw_attr_raw(&a->xw, "state", cr->status == ST_PASS ? "satisfied" : "not-satisfied");
	xw_attr_raw(&a->xw, "reason", cr->status < ST_COUNT ? reasons[cr->status] : "other");
	xw_end(&a->xw);
	if (cr->status == ST_NA) {
		xw_start(&a->xw, "implementation-status");
		xw_attr_raw(&a->xw, "state", "not-applicable");
		xw_end(&a->xw);
	}
	xw_end(&a->xw);
}

/* One finding per (control, finding): what is at fault, for this control. */
static void write_subject_finding(struct ar *a, const struct framework_result *fr,
				  const struct control_result *cr, const struct check_result *res,
				  const struct finding *f)
{
	const struct control *c = cr->control;
	char name[256];

	snprintf(name, sizeof(name), "%s:%s", c->id, f->id);
	xw_start(&a->xw, "finding");
	uuid_attr(a, "uuid", false, "finding", fr->cat->framework, name);
	if (!a->xw.rc && !(a->xw.rc = xml_clean(&a->msg, c->label ? c->label : c->id, true)))
		a->xw.rc = buf_printf(&a->msg, ": %s", f->subject);
	if (!a->xw.rc)
		title(a, a->msg.data);
	para(a, "description", f->message);
	prop(a, "status", status_name(cr->status));
	prop(a, "framework", fr->cat->framework);
	prop(a, "label", c->label);
	prop(a, "check", res->check->id);
	prop(a, "finding-id", f->id);
	prop(a, "finding-status", status_name((enum status)f->status));
	prop(a, "subject", f->subject);
	write_target(a, cr);
	for (size_t i = 0; i < json_array_size(f->evidence) && !a->xw.rc; i++) {
		xw_start(&a->xw, "related-observation");
		uuid_attr_u64(a, "observation-uuid", "observation", fr->cat->framework,
			      (uint64_t)json_integer_value(json_array_get(f->evidence, i)));
		xw_end(&a->xw);
	}
	if (res->check->remediation)
		para(a, "remarks", res->check->remediation);
	xw_end(&a->xw);
}

/* Does the control fail through checks that name what is at fault? */
static bool has_findings(const struct assessment *as, const struct control_result *cr)
{
	if (cr->status != ST_FAIL && cr->status != ST_STALE && cr->status != ST_MISSING)
		return false;
	for (size_t k = 0; k < cr->nchecks; k++)
		if (as->checks[cr->checks[k]].status != ST_PASS &&
		    as->checks[cr->checks[k]].nfindings)
			return true;
	return false;
}

static void write_finding(struct ar *a, const struct framework_result *fr,
			  const struct control_result *cr)
{
	const struct control *c = cr->control;

	if (has_findings(a->r->a, cr)) {
		for (size_t k = 0; k < cr->nchecks && !a->xw.rc; k++) {
			const struct check_result *res = &a->r->a->checks[cr->checks[k]];

			for (size_t i = 0; res->status != ST_PASS && i < res->nfindings; i++)
				write_subject_finding(a, fr, cr, res, &res->findings[i]);
		}
		return;
	}
	xw_start(&a->xw, "finding");
	uuid_attr(a, "uuid", false, "finding", fr->cat->framework, c->id);
	if (!a->xw.rc && !(a->xw.rc = xml_clean(&a->msg, c->label ? c->label : c->id, true)))
		a->xw.rc = buf_printf(&a->msg, ": %s", c->title ? c->title : "");
	if (!a->xw.rc)
		title(a, a->msg.data);
	para(a, "description", cr->reason && *cr->reason ? cr->reason : status_name(cr->status));
	prop(a, "status", status_name(cr->status));
	prop(a, "framework", fr->cat->framework);
	prop(a, "label", c->label);
	if (cr->applies_from) {
		char from[RFC3339_LEN];

		time_format(from, cr->applies_from);
		from[10] = '\0';
		prop(a, "applies-from", from);
	}
	for (size_t k = 0; k < cr->nchecks && !a->xw.rc; k++)
		prop(a, "check", a->r->a->checks[cr->checks[k]].check->id);
	write_target(a, cr);
	related_observations(a, fr, cr);
	check_remarks(a, cr);
	xw_end(&a->xw);
}

static void result_description(struct ar *a, const struct framework_result *fr)
{
	const struct checkpoint *cp = ctx_checkpoint(a->r);

	if (a->xw.rc)
		return;
	buf_reset(&a->msg);
	a->xw.rc = buf_printf(&a->msg, "Automated assessment by auditpack of %zu controls of "
			      "%s (%s) against the evidence in the log %s, cut at checkpoint %"
			      PRIu64 ".", fr->n,
			      fr->cat->title ? fr->cat->title : fr->cat->framework,
			      fr->cat->framework, ctx_origin(a->r), cp->size);
	for (int s = 0; s < ST_COUNT && !a->xw.rc; s++)
		a->xw.rc = buf_printf(&a->msg, "%s %" PRIu64 " %s", s ? "," : " Controls:",
				      fr->counts[s], status_name((enum status)s));
	if (!a->xw.rc)
		a->xw.rc = buf_puts(&a->msg, ".");
	if (!a->xw.rc)
		para(a, "description", a->msg.data);
}

static void result_props(struct ar *a, const struct framework_result *fr)
{
	prop(a, "framework", fr->cat->framework);
	prop(a, "catalog-version", fr->cat->version);
	for (int s = 0; s < ST_COUNT && !a->xw.rc; s++) {
		buf_reset(&a->msg);
		if (!(a->xw.rc = buf_printf(&a->msg, "%" PRIu64, fr->counts[s]))) {
			xw_start(&a->xw, "prop");
			xw_attr_raw(&a->xw, "name", "controls");
			xw_attr_raw(&a->xw, "ns", AP_NS);
			xw_attr_raw(&a->xw, "class", status_name((enum status)s));
			xw_attr_raw(&a->xw, "value", a->msg.data);
			xw_end(&a->xw);
		}
	}
	xw_start(&a->xw, "link");
	uuid_attr(a, "href", true, "resource", "catalog", fr->cat->framework);
	xw_attr_raw(&a->xw, "rel", "reference");
	xw_end(&a->xw);
}

static void write_result(struct ar *a, const struct framework_result *fr)
{
	struct idx x = { 0 };

	xw_start(&a->xw, "result");
	uuid_attr(a, "uuid", false, "result", fr->cat->framework, NULL);
	title(a, fr->cat->title ? fr->cat->title : fr->cat->framework);
	result_description(a, fr);
	elem_time(a, "start", a->r->a->at);
	elem_time(a, "end", a->r->a->at);
	result_props(a, fr);
	write_reviewed(a, fr);
	if (!a->xw.rc)
		a->xw.rc = idx_framework(&x, a->r->a, fr);
	for (size_t i = 0; i < x.n && !a->xw.rc; i++)
		write_observation(a, fr, x.v[i]);
	free(x.v);
	for (size_t i = 0; i < fr->n && !a->xw.rc; i++)
		write_finding(a, fr, &fr->v[i]);
	para(a, "remarks", "A finding is satisfied only when auditpack's status for the "
	     "control is pass. The exact status (pass, fail, stale, missing, manual, "
	     "not-applicable) is the finding's prop \"status\" in the namespace "
	     AP_NS "; its reason is the description.");
	xw_end(&a->xw);
}

/* ---- back-matter ---- */

/* Opens <rlink href="<prefix><name, escaped><suffix>">; the caller adds
 * any <hash> and ends it. */
static void rlink_start(struct ar *a, const char *prefix, const char *name,
			const char *suffix, const char *media)
{
	if (a->xw.rc)
		return;
	buf_reset(&a->xw.tmp);
	if ((a->xw.rc = buf_puts(&a->xw.tmp, prefix)) ||
	    (a->xw.rc = uri_escape(&a->xw.tmp, name, "")) ||
	    (a->xw.rc = buf_puts(&a->xw.tmp, suffix)))
		return;
	xw_start(&a->xw, "rlink");
	xw_attr_raw(&a->xw, "href", a->xw.tmp.data);
	xw_attr_raw(&a->xw, "media-type", media);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void resource_checks(struct ar *a)
{
	const struct checkset *ks = a->r->ks;

	xw_start(&a->xw, "resource");
	uuid_attr(a, "uuid", false, "resource", NULL, "checks");
	title(a, "auditpack checks (mappings/*.xml)");
	para(a, "description", "The assessment plan: auditpack's check files, each naming "
	     "the evidence a check reads, its rule, its freshness and the controls it "
	     "supports in every framework.");
	for (size_t i = 0; ks && i < ks->nfiles && !a->xw.rc; i++) {
		rlink_start(a, "../mappings/", base_name(ks->files[i]), "", "application/xml");
		xw_end(&a->xw);
	}
	xw_end(&a->xw);
}

static void resource_catalog(struct ar *a, const struct catalog *cat)
{
	xw_start(&a->xw, "resource");
	uuid_attr(a, "uuid", false, "resource", "catalog", cat->framework);
	title(a, cat->title ? cat->title : cat->framework);
	prop(a, "framework", cat->framework);
	prop(a, "catalog-version", cat->version);
	if (!a->xw.rc && !(a->xw.rc = xml_clean(&a->xw.tmp, cat->source, true)) && a->xw.tmp.len) {
		xw_start(&a->xw, "citation");
		elem(a, "text", cat->source);
		xw_end(&a->xw);
	}
	rlink_start(a, "../catalogs/", cat->framework, ".xml", "application/xml");
	xw_end(&a->xw);
	xw_end(&a->xw);
}

static void resource_checkpoint(struct ar *a)
{
	const char *note = a->r->checkpoint_note;
	uint8_t md[SHA256_LEN];
	char hex[HEX_LEN(SHA256_LEN)];

	xw_start(&a->xw, "resource");
	uuid_attr(a, "uuid", false, "resource", NULL, "checkpoint");
	title(a, "Signed checkpoint");
	para(a, "description", "The signed tree head (C2SP tlog-checkpoint) the pack is cut "
	     "at; every evidence entry's inclusion proof leads to its root.");
	rlink_start(a, "../", "checkpoint", "", "text/plain");
	if (note && !a->xw.rc && !(a->xw.rc = sha256(md, note, strlen(note)))) {
		hex_encode(hex, md, SHA256_LEN);
		xw_start(&a->xw, "hash");
		xw_attr_raw(&a->xw, "algorithm", "SHA-256");
		xw_text(&a->xw, hex);
		xw_end(&a->xw);
	}
	xw_end(&a->xw);
	xw_end(&a->xw);
}

static void write_back_matter(struct ar *a)
{
	xw_start(&a->xw, "back-matter");
	resource_checks(a);
	for (size_t f = 0; f < a->r->a->nfw && !a->xw.rc; f++)
		resource_catalog(a, a->r->a->fw[f].cat);
	resource_checkpoint(a);
	xw_end(&a->xw);
}

/* ---- the document ---- */

static int make_base(struct ar *a)
{
	const struct checkpoint *cp = ctx_checkpoint(a->r);
	char root[B64_LEN(MERKLE_HASH)], at[RFC3339_LEN];

	b64_encode(root, cp->root, MERKLE_HASH);
	time_format(at, a->r->a->at);
	return buf_printf(&a->base, "auditpack:%s:%s:%s", ctx_origin(a->r), root, at);
}

/* The document's own UUID names everything that decides its content. */
static void document_uuid(struct ar *a)
{
	struct buf fws = BUF_INIT, period = BUF_INIT;
	const struct assessment *as = a->r->a;

	for (size_t f = 0; f < as->nfw && !a->xw.rc; f++)
		a->xw.rc = buf_printf(&fws, "%s%s", f ? "," : "", as->fw[f].cat->framework);
	if (!a->xw.rc)
		a->xw.rc = buf_printf(&period, "%" PRId64 "/%" PRId64, a->r->from, a->r->to);
	uuid_attr(a, "uuid", false, "assessment-results", fws.data ? fws.data : "",
		  period.data);
	buf_free(&fws);
	buf_free(&period);
}

static void write_document(struct ar *a)
{
	xw_start(&a->xw, "assessment-results");
	xw_attr_raw(&a->xw, "xmlns", OSCAL_NS);
	document_uuid(a);
	write_metadata(a);
	write_import_ap(a);
	for (size_t f = 0; f < a->r->a->nfw && !a->xw.rc; f++)
		write_result(a, &a->r->a->fw[f]);
	write_back_matter(a);
	xw_end(&a->xw);
}

int report_oscal_ar(struct buf *out, const struct report_ctx *r)
{
	struct ar a = { .r = r };
	int rc;

	if (!r || !r->a)
		return err_set(ERR_USAGE, "assessment results: no assessment");
	if (!r->a->nfw)
		return err_set(ERR_USAGE, "assessment results: no framework assessed");
	if ((rc = make_base(&a)))
		goto out;
	if (!xw_open(&a.xw, "OSCAL assessment results"))
		write_document(&a);
	rc = xw_close(&a.xw, out);
out:
	buf_free(&a.base);
	buf_free(&a.msg);
	return rc;
}

/* ---- plan of action and milestones ---- */

static bool is_open(const struct check_result *res, const struct finding *f)
{
	return res->status != ST_PASS && !f->accepted;
}

static void write_poam_item(struct ar *a, const struct check_result *res, const struct finding *f)
{
	const struct assessment *as = a->r->a;
	char ref[512];

	xw_start(&a->xw, "poam-item");
	uuid_attr(a, "uuid", false, "poam-item", res->check->id, f->id);
	if (!a->xw.rc && !(a->xw.rc = xml_clean(&a->msg, res->check->title, true)))
		a->xw.rc = buf_printf(&a->msg, ": %s", f->subject);
	if (!a->xw.rc)
		title(a, a->msg.data);
	para(a, "description", f->message);
	prop(a, "finding-id", f->id);
	prop(a, "check", res->check->id);
	prop(a, "status", status_name((enum status)f->status));
	prop(a, "subject", f->subject);
	for (size_t fw = 0; fw < as->nfw && !a->xw.rc; fw++)
		for (size_t m = 0; m < res->check->nmaps && !a->xw.rc; m++)
			if (!strcmp(res->check->maps[m].framework, as->fw[fw].cat->framework)) {
				snprintf(ref, sizeof(ref), "%s:%s", res->check->maps[m].framework,
					 res->check->maps[m].control->label);
				prop(a, "control", ref);
			}
	for (size_t i = 0; i < json_array_size(f->evidence) && !a->xw.rc; i++)
		prop_u64(a, "evidence-entry", (uint64_t)json_integer_value(json_array_get(f->evidence, i)));
	para(a, "remarks", res->check->remediation ? res->check->remediation :
	     "No remediation is given for this check.");
	xw_end(&a->xw);
}

static void write_poam(struct ar *a)
{
	const struct assessment *as = a->r->a;
	char at[RFC3339_LEN];
	size_t n = 0;

	time_format(at, as->at);
	xw_start(&a->xw, "plan-of-action-and-milestones");
	xw_attr_raw(&a->xw, "xmlns", OSCAL_NS);
	uuid_attr(a, "uuid", false, "poam", NULL, NULL);
	xw_start(&a->xw, "metadata");
	buf_reset(&a->msg);
	if (!a->xw.rc && !(a->xw.rc = buf_printf(&a->msg, "auditpack plan of action and "
						 "milestones: %s", ctx_origin(a->r))))
		title(a, a->msg.data);
	elem(a, "last-modified", at);
	elem(a, "version", at);
	elem(a, "oscal-version", OSCAL_VERSION);
	prop(a, "origin", ctx_origin(a->r));
	prop(a, "tool-version", a->r->tool_version);
	xw_end(&a->xw);
	xw_start(&a->xw, "system-id");
	xw_attr_raw(&a->xw, "identifier-type", AP_NS);
	xw_text(&a->xw, ctx_origin(a->r));
	xw_end(&a->xw);
	for (size_t i = 0; i < as->nchecks && !a->xw.rc; i++) {
		const struct check_result *res = &as->checks[i];

		if (!check_in_scope(as, res->check))
			continue;
		for (size_t j = 0; j < res->nfindings && !a->xw.rc; j++)
			if (is_open(res, &res->findings[j])) {
				write_poam_item(a, res, &res->findings[j]);
				n++;
			}
	}
	if (!n) { /* the schema wants at least one item */
		xw_start(&a->xw, "poam-item");
		uuid_attr(a, "uuid", false, "poam-item", NULL, "none");
		title(a, "No open findings");
		para(a, "description", "The assessment found nothing to remediate.");
		prop(a, "status", "none");
		xw_end(&a->xw);
	}
	xw_end(&a->xw);
}

int report_oscal_poam(struct buf *out, const struct report_ctx *r)
{
	struct ar a = { .r = r };
	int rc;

	if (!r || !r->a)
		return err_set(ERR_USAGE, "plan of action: no assessment");
	if ((rc = make_base(&a)))
		goto out;
	if (!xw_open(&a.xw, "OSCAL plan of action and milestones"))
		write_poam(&a);
	rc = xw_close(&a.xw, out);
out:
	buf_free(&a.base);
	buf_free(&a.msg);
	return rc;
}
