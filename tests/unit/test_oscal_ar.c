/*
 * reports/assessment-results.xml: a hand-built assessment (one catalogue of
 * three controls: pass, fail, manual; checks citing entries 0, 1, an erased
 * 2 and an absent 7) rendered by report_oscal_ar().  The document validates
 * against the OSCAL v1.2.1 XSD, its UUIDs are v4 or v5 and resolve, its
 * times carry a zone, the evidence digests are in it, text from outside is
 * made safe for XML, and two runs give the same bytes.  Run from the repo
 * root (the schema path is relative).
 *
 * The .c is included, as libssh's torture tests do, to reach uuid5().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#define report_oscal_ar oscal_ar_under_test
#define report_oscal_poam oscal_poam_under_test
#include "../../reports/oscal_ar.c"
#undef report_oscal_ar
#undef report_oscal_poam

#define XSD "controls/schema/oscal_assessment-results_schema.xsd"
#define FAIL_REASON "access-log-continuity: logs have a gap of 3 days in the last 7 days"
/* A control character, a lone continuation byte, a truncated sequence,
 * markup: none of it may break the document. */
#define NASTY "gap \x01 at \xff line <7> & \"q\" \xe2\x82"
#include "report_fixture.h"

#define UUID_RE "^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"

/* The shared fixture, with a label and a detail that need cleaning, a
 * source for the catalogue, and times and digests on every entry. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	fixture_build(f);
	f->controls[1].label = "C.2\n (continuity) ";
	f->cat.source = "Demo Regulation (EU) 2099/1";
	f->results[0].evidence = json_pack("[i,i]", 0, 2);
	f->results[1].evidence = json_pack("[i,i,i,i]", 1, 0, 7, 1);
	snprintf(f->ev[1].kind, sizeof(f->ev[1].kind), "command-output");
	for (int i = 0; i < 3; i++) {
		f->ev[i].eff_from = 1795651200 + i;   /* 2026-11-26T00:00:0iZ */
		f->ev[i].eff_to = 1795737600;
		f->ev[i].collected = 1795740000 + i;
		for (int k = 0; k < 32; k++) {
			f->entries[i].payload_sha256[k] = (uint8_t)(0xa0 + 16 * i + k);
			f->entries[i].commitment[k] = (uint8_t)(0x10 * i + k);
		}
		f->entries[i].payload_size = 100 + (uint64_t)i;
	}
	memset(f->entries[2].payload_sha256, 0, 32); /* erased */
	*state = f;
	return !f->results[0].evidence || !f->results[1].evidence ? -1 : 0;
}

static char *render(const struct fixture *f)
{
	return fixture_render(f, oscal_ar_under_test);
}

/* The document as libxml2 reads it back from a file (NONET: nothing fetched). */
static xmlDocPtr parse_via_file(const char *xml)
{
	char path[] = "/tmp/test_oscal_ar.XXXXXX";
	int fd = mkstemp(path);
	FILE *fp;
	xmlDocPtr doc;

	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(xml, 1, strlen(xml), fp), strlen(xml));
	assert_int_equal(fclose(fp), 0);
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	unlink(path);
	assert_non_null(doc);
	return doc;
}

static void test_schema_valid(void **state)
{
	char *xml = render(*state);
	xmlDocPtr doc = parse_via_file(xml);
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(XSD);
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vc;

	assert_non_null(pc);
	schema = xmlSchemaParse(pc);
	assert_non_null(schema);
	vc = xmlSchemaNewValidCtxt(schema);
	assert_non_null(vc);
	assert_int_equal(xmlSchemaValidateDoc(vc, doc), 0);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	xmlFreeDoc(doc);
	free(xml);
}

/* ---- walking the tree: UUIDs and times ---- */

struct walk {
	regex_t uuid_re, time_re, zone_re;
	char *ids[64];      /* every uuid= value */
	size_t nids;
	char *refs[64];     /* every *-uuid= value and href="#..." */
	size_t nrefs;
	size_t times;
};

static void walk_attr(struct walk *w, const xmlAttr *at)
{
	const char *name = (const char *)at->name;
	xmlChar *v = xmlNodeGetContent((const xmlNode *)at);
	size_t n = strlen(name);
	bool is_id = !strcmp(name, "uuid");
	bool is_ref = n > 5 && !strcmp(name + n - 5, "-uuid");

	assert_non_null(v);
	if (!strcmp(name, "href") && v[0] == '#') {
		assert_int_equal(regexec(&w->uuid_re, (const char *)v + 1, 0, NULL, 0), 0);
		is_ref = true;
	} else if (is_id || is_ref) {
		assert_int_equal(regexec(&w->uuid_re, (const char *)v, 0, NULL, 0), 0);
	}
	if (is_id && w->nids < 64)
		w->ids[w->nids++] = strdup((const char *)v);
	else if (is_ref && w->nrefs < 64)
		w->refs[w->nrefs++] = strdup((const char *)v + (v[0] == '#'));
	xmlFree(v);
}

static void walk(struct walk *w, const xmlNode *node)
{
	for (const xmlNode *n = node; n; n = n->next) {
		if (n->type == XML_TEXT_NODE &&
		    !regexec(&w->time_re, (const char *)n->content, 0, NULL, 0)) {
			assert_int_equal(regexec(&w->zone_re, (const char *)n->content, 0, NULL, 0), 0);
			w->times++;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (const xmlAttr *at = n->properties; at; at = at->next)
			walk_attr(w, at);
		walk(w, n->children);
	}
}

static bool listed(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static void test_uuids_and_times(void **state)
{
	char *xml = render(*state);
	xmlDocPtr doc = parse_via_file(xml);
	struct walk w;

	memset(&w, 0, sizeof(w));
	assert_int_equal(regcomp(&w.uuid_re, UUID_RE, REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(regcomp(&w.time_re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T", REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(regcomp(&w.zone_re, "(Z|[+-][0-9]{2}:[0-9]{2})$", REG_EXTENDED | REG_NOSUB), 0);
	walk(&w, xmlDocGetRootElement(doc));
	/* document, result, 4 observations, 3 findings, 3 resources */
	assert_int_equal(w.nids, 12);
	assert_true(w.times >= 7);
	for (size_t i = 0; i < w.nids; i++)
		for (size_t k = i + 1; k < w.nids; k++)
			assert_string_not_equal(w.ids[i], w.ids[k]);
	assert_true(w.nrefs >= 5);
	for (size_t i = 0; i < w.nrefs; i++)
		assert_true(listed(w.ids, w.nids, w.refs[i]));
	for (size_t i = 0; i < w.nids; i++)
		free(w.ids[i]);
	for (size_t i = 0; i < w.nrefs; i++)
		free(w.refs[i]);
	regfree(&w.uuid_re);
	regfree(&w.time_re);
	regfree(&w.zone_re);
	xmlFreeDoc(doc);
	free(xml);
}

static void test_evidence(void **state)
{
	struct fixture *f = *state;
	char *xml = render(f);
	char hex[HEX_LEN(32)], want[128];

	for (int i = 0; i < 2; i++) {
		hex_encode(hex, f->entries[i].payload_sha256, 32);
		snprintf(want, sizeof(want), "name=\"sha256\" ns=\"" AP_NS "\" value=\"%s\"", hex);
		assert_int_equal(count(xml, want), 1);
		snprintf(want, sizeof(want), "<relevant-evidence href=\"../evidence/%d.payload\">", i);
		assert_int_equal(count(xml, want), 1);
	}
	/* Erased: no payload, but its leaf and proof; absent: no files. */
	assert_null(strstr(xml, "../evidence/2.payload"));
	assert_non_null(strstr(xml, "href=\"../evidence/2.leaf\""));
	assert_non_null(strstr(xml, "href=\"../evidence/2.proof\""));
	assert_non_null(strstr(xml, "value=\"erased\""));
	assert_non_null(strstr(xml, "Evidence entry #7 is cited by a check but is not in this pack"));
	assert_null(strstr(xml, "evidence/7."));
	assert_int_equal(count(xml, "<observation "), 4);
	assert_int_equal(count(xml, "<method>TEST</method>"), 1);
	assert_int_equal(count(xml, "<method>EXAMINE</method>"), 3);
	assert_non_null(strstr(xml, "<collected>2026-11-27T00:40:01Z</collected>"));
	assert_non_null(strstr(xml, "<rlink href=\"../catalogs/demo.xml\""));
	assert_non_null(strstr(xml, "<rlink href=\"../checkpoint\""));
	free(xml);
}

static void test_findings(void **state)
{
	char *xml = render(*state);

	assert_int_equal(count(xml, "<finding "), 3);
	assert_int_equal(count(xml, "<include-control "), 3);
	assert_int_equal(count(xml, "state=\"satisfied\""), 1);
	assert_int_equal(count(xml, "state=\"not-satisfied\""), 2);
	assert_int_equal(count(xml, "<target type=\"objective-id\" target-id=\"c-2\">"), 1);
	assert_non_null(strstr(xml, "name=\"status\" ns=\"" AP_NS "\" value=\"fail\""));
	assert_non_null(strstr(xml, "name=\"status\" ns=\"" AP_NS "\" value=\"manual\""));
	assert_non_null(strstr(xml, "name=\"status\" ns=\"" AP_NS "\" value=\"pass\""));
	assert_non_null(strstr(xml, FAIL_REASON));
	/* c-1 cites 0 and 2, c-2 cites 0, 1, 2 and 7. */
	assert_int_equal(count(xml, "<related-observation "), 6);
	/* Folded label, escaped and replaced text. */
	assert_non_null(strstr(xml, "value=\"C.2 (continuity)\""));
	assert_non_null(strstr(xml, "<title>C.2 (continuity): Log continuity</title>"));
	assert_non_null(strstr(xml, "gap \xef\xbf\xbd at \xef\xbf\xbd line &lt;7&gt; &amp; &quot;q&quot; \xef\xbf\xbd"));
	assert_null(strchr(xml, '\x01'));
	assert_non_null(strstr(xml, "<last-modified>2026-11-27T06:00:00Z</last-modified>"));
	assert_non_null(strstr(xml, "<oscal-version>1.2.1</oscal-version>"));
	assert_non_null(strstr(xml, "<assessment-results xmlns=\"" OSCAL_NS "\" uuid=\""));
	free(xml);
}

static void validate(const char *xml, const char *xsd)
{
	xmlDocPtr doc = parse_via_file(xml);
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vc;

	assert_non_null(pc);
	schema = xmlSchemaParse(pc);
	assert_non_null(schema);
	vc = xmlSchemaNewValidCtxt(schema);
	assert_non_null(vc);
	assert_int_equal(xmlSchemaValidateDoc(vc, doc), 0);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	xmlFreeDoc(doc);
}

/* With findings on the failing check: one AR finding per (control, finding)
 * naming its subject, and a POA&M with one item per finding; both valid.
 * Without findings the POA&M still validates (one "no open findings" item). */
static void test_findings_and_poam(void **state)
{
	struct fixture *f = *state;
	struct check_map maps[1] = { { "demo", &f->controls[1], "why" } };
	struct finding fs[2];
	char *xml;

	xml = fixture_render(f, oscal_poam_under_test);
	validate(xml, "tests/data/oscal/oscal_poam_schema.xsd");
	assert_int_equal(count(xml, "<poam-item "), 1);
	assert_non_null(strstr(xml, "<title>No open findings</title>"));
	free(xml);

	memset(fs, 0, sizeof(fs));
	for (int i = 0; i < 2; i++) {
		fs[i].status = ST_FAIL;
		fs[i].subject = i ? "log source auth" : "log source nginx";
		fs[i].message = i ? "auth logs stop" : "nginx logs stop <3 h>";
		fs[i].evidence = json_pack("[i]", i);
		finding_id(fs[i].id, "log-continuity", fs[i].subject);
	}
	f->checks[1].maps = maps;
	f->checks[1].nmaps = 1;
	f->checks[1].title = "Log continuity";
	f->checks[1].remediation = "Fix the log shipping";
	f->results[1].findings = fs;
	f->results[1].nfindings = 2;

	xml = render(f);
	validate(xml, XSD);
	/* c-1 and c-3 as before; c-2 once per finding */
	assert_int_equal(count(xml, "<finding "), 4);
	assert_non_null(strstr(xml, "<title>C.2 (continuity): log source nginx</title>"));
	assert_non_null(strstr(xml, "name=\"subject\" ns=\"" AP_NS "\" value=\"log source auth\""));
	assert_non_null(strstr(xml, "nginx logs stop &lt;3 h&gt;"));
	free(xml);

	xml = fixture_render(f, oscal_poam_under_test);
	validate(xml, "tests/data/oscal/oscal_poam_schema.xsd");
	assert_int_equal(count(xml, "<poam-item "), 2);
	assert_non_null(strstr(xml, "<title>Log continuity: log source auth</title>"));
	assert_non_null(strstr(xml, "name=\"control\" ns=\"" AP_NS "\" value=\"demo:C.2 (continuity)\""));
	assert_int_equal(count(xml, "<p>Fix the log shipping</p>"), 2);
	free(xml);

	f->results[1].findings = NULL;
	f->results[1].nfindings = 0;
	f->checks[1].maps = NULL;
	f->checks[1].nmaps = 0;
	for (int i = 0; i < 2; i++)
		json_decref(fs[i].evidence);
}

static void test_deterministic(void **state)
{
	struct fixture *f = *state;
	struct buf a = BUF_INIT, b = BUF_INIT;

	assert_int_equal(oscal_ar_under_test(&a, &f->r), 0);
	assert_int_equal(oscal_ar_under_test(&b, &f->r), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	/* Another as-of time is another document. */
	f->a.at += 60;
	buf_reset(&b);
	assert_int_equal(oscal_ar_under_test(&b, &f->r), 0);
	assert_memory_not_equal(a.data, b.data, a.len < b.len ? a.len : b.len);
	buf_free(&a);
	buf_free(&b);
}

static void test_no_framework(void **state)
{
	struct fixture *f = *state;
	struct buf b = BUF_INIT;

	f->a.nfw = 0;
	assert_int_equal(oscal_ar_under_test(&b, &f->r), ERR_USAGE);
	assert_int_equal(b.len, 0);
}

/* RFC 9562 name-based UUIDs, against Python's uuid.uuid5. */
static void test_uuid5_known_answers(void **state)
{
	static const uint8_t ns_dns[16] = {
		0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
		0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
	};
	static const uint8_t ns_url[16] = {
		0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
		0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
	};
	char u[UUID_STR];

	(void)state;
	assert_int_equal(uuid5(u, ns_dns, "python.org", 10), 0);
	assert_string_equal(u, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
	/* Our namespace is what the comment says it is. */
	assert_int_equal(uuid5(u, ns_url, "https://auditpack.dev/ns/oscal", 30), 0);
	assert_string_equal(u, "2bdb4dd4-f686-59f9-b008-89c5c3b049b9");
	assert_int_equal(uuid5(u, uuid_ns, "", 0), 0);
	assert_int_equal(u[14], '5');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema_valid, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_uuids_and_times, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_evidence, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_findings, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_findings_and_poam, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_no_framework, setup, fixture_teardown),
		cmocka_unit_test(test_uuid5_known_answers),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	xmlCleanupParser();
	return rc;
}
