/*
 * reports/summary.html: a hand-built assessment (one catalogue of three
 * controls: pass, fail, manual) rendered by report_html().  The page is a
 * complete HTML5 document, loads nothing (no scripts, no remote src/href),
 * escapes what the checks say, shows the coverage and the failing control's
 * reason, links the evidence in the pack, and is the same bytes every time.
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

#include <jansson.h>


#define NASTY "<script>alert(1)</script> & \"quotes\""
#define NASTY_ESCAPED "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"
#define FAIL_REASON "access-log-continuity: logs have a gap of 3 days in the last 7 days"

#include "report_fixture.h"

/* The shared fixture, with control groups, check titles (one hostile), a
 * conflict, a verifier key, and a release decision and the erasure of
 * entry 2 as entries 3 and 4. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	fixture_build(f);
	for (int i = 0; i < 3; i++)
		f->controls[i].group = (char *)(i < 2 ? "Operations" : "Governance");
	f->checks[0].title = "Logs are collected";
	f->checks[1].title = "x\" onmouseover=\"alert(2)";
	f->results[0].evidence = json_pack("[i]", 0);
	f->results[1].evidence = json_pack("[i,i,i]", 1, 2, 7);
	f->ev[3].index = 3;
	snprintf(f->ev[3].kind, sizeof(f->ev[3].kind), "gate-decision");
	f->ev[3].source = "gate";
	f->ev[3].subject = "rel-<1>";
	f->ev[3].collected = 1795759200;
	f->ev[3].attrs = json_pack("{s:s, s:s, s:[{s:s}], s:s}", "verdict", "fail",
				   "release", "rel-<1>", "failing", "control", "demo:C.2",
				   "policy_sha256", "5f3c0ffee5f3c0ffee");
	f->ev[4].index = 4;
	snprintf(f->ev[4].kind, sizeof(f->ev[4].kind), "tombstone");
	f->ev[4].source = "erase";
	f->ev[4].subject = "-";
	f->ev[4].attrs = json_pack("{s:s, s:s, s:[i]}", "action", "erase",
				   "reason", "DSR <7> & co", "erased", 2);
	for (int i = 3; i < 5; i++)
		f->entries[i].e = &f->ev[i];
	f->r.nentries = 5;
	f->a.conflicts = json_pack("[{s:[s,s], s:s}]", "controls", "demo:C.2", "other:X.1",
				   "note", "keep logs <six months> & erase personal data");
	f->r.vkey = "unit.example/log+01234567+AQID";
	*state = f;
	return !f->results[0].evidence || !f->results[1].evidence || !f->a.conflicts ||
	       !f->ev[3].attrs || !f->ev[4].attrs ? -1 : 0;
}

static char *render(const struct fixture *f)
{
	return fixture_render(f, report_html);
}

static void test_complete_document(void **state)
{
	char *html = render(*state);
	size_t len = strlen(html);
	static const char *const pairs[][2] = {
		{ "<section", "</section>" }, { "<table", "</table>" }, { "<tr", "</tr>" },
		{ "<svg", "</svg>" }, { "<ul", "</ul>" }, { "<pre", "</pre>" },
	};

	assert_true(!strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n", 39));
	assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(html, "<title>Audit pack: unit.example/log</title>"));
	assert_non_null(strstr(html, "</head>\n<body>"));
	assert_true(len > 8 && !strcmp(html + len - 8, "</html>\n"));
	assert_int_equal(count(html, "<html"), 1);
	assert_int_equal(count(html, "<body"), 1);
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		assert_int_equal(count(html, pairs[i][0]), count(html, pairs[i][1]));
	free(html);
}

/* Every src= and href= is an anchor or a file of the pack. */
static void test_loads_nothing(void **state)
{
	char *html = render(*state);
	regex_t re;
	regmatch_t m[3];
	size_t links = 0;

	assert_null(strcasestr(html, "<script"));
	assert_null(strcasestr(html, "<link"));
	assert_null(strcasestr(html, "<img"));
	assert_null(strcasestr(html, "<iframe"));
	assert_null(strcasestr(html, "url("));
	assert_null(strcasestr(html, "@import"));
	assert_int_equal(regcomp(&re, "(src|href)[[:space:]]*=[[:space:]]*(\"[^\"]*\"|'[^']*'"
				 "|[^[:space:]>]+)", REG_EXTENDED | REG_ICASE), 0);
	for (const char *p = html; !regexec(&re, p, 3, m, 0); p += m[0].rm_eo) {
		const char *v = p + m[2].rm_so;
		size_t n = (size_t)(m[2].rm_eo - m[2].rm_so);

		if (*v == '"' || *v == '\'') {
			v++;
			n -= 2;
		}
		assert_true(n > 0);
		assert_true(*v == '#' || !strncmp(v, "../evidence/", 12) ||
			    !strncmp(v, "entries/", 8));
		assert_null(memchr(v, ':', n));
		links++;
	}
	regfree(&re);
	assert_true(links > 5);
	free(html);
}

static void test_escapes(void **state)
{
	char *html = render(*state);

	assert_non_null(strstr(html, NASTY_ESCAPED));
	assert_null(strstr(html, "alert(1)</script>"));
	assert_non_null(strstr(html, "title=\"x&quot; onmouseover=&quot;alert(2)\""));
	assert_null(strstr(html, "\" onmouseover=\""));
	assert_non_null(strstr(html, "Demo framework &lt;for tests&gt;"));
	assert_non_null(strstr(html, "keep logs &lt;six months&gt; &amp; erase personal data"));
	free(html);
}

static void test_content(void **state)
{
	char *html = render(*state);

	/* Coverage in the chart, the table and the framework section. */
	assert_true(count(html, "33%") >= 3);
	assert_non_null(strstr(html, FAIL_REASON));
	assert_non_null(strstr(html, "<span class=\"st st-fail\">fail</span>"));
	assert_non_null(strstr(html, "id=\"c-demo-c-2\""));
	assert_non_null(strstr(html, "href=\"#c-demo-c-2\""));
	assert_non_null(strstr(html, "href=\"../evidence/1.payload\""));
	assert_non_null(strstr(html, "href=\"../evidence/1.leaf\""));
	assert_non_null(strstr(html, "href=\"../evidence/1.proof\""));
	/* Erased: leaf and proof, no payload; outside the pack: no links. */
	assert_non_null(strstr(html, "#2 erased"));
	assert_null(strstr(html, "../evidence/2.payload"));
	assert_non_null(strstr(html, "href=\"../evidence/2.proof\""));
	assert_non_null(strstr(html, "#7 (not in this pack)"));
	assert_null(strstr(html, "evidence/7."));
	assert_non_null(strstr(html, "Manual: 1 control"));
	assert_non_null(strstr(html, "auditpack verify-pack PACK.zip --vkey 'unit.example/log+01234567+AQID'"));
	assert_non_null(strstr(html, "openssl pkeyutl -verify"));
	assert_non_null(strstr(html, "DSSEv1 28 application/vnd.in-toto+json"));
	assert_non_null(strstr(html, "2026-11-27T06:00:00Z"));
	assert_non_null(strstr(html, "break-before:page"));
	free(html);
}

/* Release decisions and erasures are listed, with what people typed escaped. */
static void test_record_section(void **state)
{
	char *html = render(*state);
	const char *sec = strstr(html, "<section id=\"record\">");

	assert_non_null(sec);
	assert_non_null(strstr(html, "href=\"#record\""));
	assert_non_null(strstr(sec, "href=\"entries/3.html\">#3</a> gate-decision"));
	/* the verdict line names the newest release decision */
	assert_non_null(strstr(html, "class=\"verdict\""));
	assert_non_null(strstr(html, "the last release gate FAILED"));
	assert_non_null(strstr(sec, "rel-&lt;1&gt;"));
	assert_non_null(strstr(sec, "<span class=\"st sm st-fail\">fail</span>"));
	assert_non_null(strstr(sec, "<td class=\"num\">1</td><td><code>5f3c0ffee5f3c0ffee</code>"));
	assert_non_null(strstr(sec, "DSR &lt;7&gt; &amp; co"));
	assert_non_null(strstr(sec, "<td>#2</td>"));
	assert_null(strstr(html, "rel-<1>"));
	free(html);
}

static void test_deterministic(void **state)
{
	struct buf a = BUF_INIT, b = BUF_INIT;

	assert_int_equal(report_html(&a, &((struct fixture *)*state)->r), 0);
	assert_int_equal(report_html(&b, &((struct fixture *)*state)->r), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	buf_free(&a);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_complete_document, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_loads_nothing, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_escapes, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_record_section, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_content, setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
