/*
 * report_fixture.h - the hand-built assessment the report writers' unit
 * tests render (test_html.c, test_oscal_ar.c): one catalogue "demo" of three
 * controls (pass, fail, manual), two checks, three evidence entries (the
 * third erased), as of 2026-11-27T06:00:00Z at checkpoint size 3.
 *
 * Include after cmocka.h.  The including test defines FAIL_REASON (the
 * failing control's reason) and NASTY (the failing check's detail) first,
 * then adjusts what it needs after fixture_build(): the checks' evidence
 * lists are its own to set.
 */
#ifndef AUDITPACK_REPORT_FIXTURE_H
#define AUDITPACK_REPORT_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "../../reports/report.h"

#define FIXTURE_MAX_ENTRIES 5

struct fixture {
	struct control controls[3];
	struct catalog cat;
	struct check checks[2];
	struct check_result results[2];
	size_t map_pass[1], map_fail[2];
	struct control_result cr[3];
	struct framework_result fw;
	struct evidence ev[FIXTURE_MAX_ENTRIES];
	struct pack_entry entries[FIXTURE_MAX_ENTRIES];
	struct assessment a;
	struct report_ctx r;
};

static void fixture_catalog(struct fixture *f)
{
	static const char *const ids[3] = { "c-1", "c-2", "c-3" };
	static const char *const labels[3] = { "C.1", "C.2", "C.3" };
	static const char *const titles[3] = { "Logging enabled", "Log continuity",
					       "Board oversight" };

	for (int i = 0; i < 3; i++) {
		f->controls[i].id = (char *)ids[i];
		f->controls[i].label = (char *)labels[i];
		f->controls[i].title = (char *)titles[i];
	}
	f->cat.framework = "demo";
	f->cat.title = "Demo framework <for tests>";
	f->cat.version = "1.0";
	f->cat.v = f->controls;
	f->cat.n = 3;
}

static void fixture_checks(struct fixture *f)
{
	f->checks[0].id = "logs-collected";
	f->checks[1].id = "log-continuity";
	f->results[0].check = &f->checks[0];
	f->results[0].status = ST_PASS;
	f->results[0].detail = "2 access-log entries";
	f->results[1].check = &f->checks[1];
	f->results[1].status = ST_FAIL;
	f->results[1].detail = NASTY;
}

static void fixture_results(struct fixture *f)
{
	static const enum status st[3] = { ST_PASS, ST_FAIL, ST_MANUAL };
	static const char *const reasons[3] = { "1 check pass", FAIL_REASON,
		"no automated check covers this control and no attestation exists" };

	f->map_pass[0] = 0;
	f->map_fail[0] = 0;
	f->map_fail[1] = 1;
	for (int i = 0; i < 3; i++) {
		f->cr[i].control = &f->controls[i];
		f->cr[i].status = st[i];
		f->cr[i].reason = (char *)reasons[i];
		f->fw.counts[st[i]]++;
	}
	f->cr[0].checks = f->map_pass;
	f->cr[0].nchecks = 1;
	f->cr[1].checks = f->map_fail;
	f->cr[1].nchecks = 2;
	f->fw.cat = &f->cat;
	f->fw.v = f->cr;
	f->fw.n = 3;
	f->fw.coverage = 1.0 / 3.0;
}

/* Entries 0..2: two access-log segments and an erased document. */
static void fixture_evidence(struct fixture *f)
{
	static const char *const kinds[3] = { "access-log", "access-log", "document" };

	for (int i = 0; i < 3; i++) {
		f->ev[i].index = (uint64_t)i;
		snprintf(f->ev[i].kind, sizeof(f->ev[i].kind), "%s", kinds[i]);
		f->ev[i].source = "nginx";
		f->ev[i].subject = "gateway";
		f->entries[i].e = &f->ev[i];
	}
	f->ev[2].erased = true;
}

static void fixture_build(struct fixture *f)
{
	fixture_catalog(f);
	fixture_checks(f);
	fixture_results(f);
	fixture_evidence(f);
	f->a.at = 1795759200; /* 2026-11-27T06:00:00Z */
	f->a.cp.size = 3;
	snprintf(f->a.cp.origin, sizeof(f->a.cp.origin), "unit.example/log");
	f->a.checks = f->results;
	f->a.nchecks = 2;
	f->a.fw = &f->fw;
	f->a.nfw = 1;
	f->r.a = &f->a;
	f->r.origin = "unit.example/log";
	f->r.checkpoint_note = "unit.example/log\n3\nAAAA\n\n\xe2\x80\x94 unit.example/log abcd\n";
	f->r.cp = &f->a.cp;
	f->r.entries = f->entries;
	f->r.nentries = 3;
	f->r.from = INT64_MIN;
	f->r.to = INT64_MAX;
	f->r.tool_version = "0.1.0";
}

/* cmocka teardown: release the fixture and what the test put in JSON. */
static int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	json_decref(f->results[0].evidence);
	json_decref(f->results[1].evidence);
	json_decref(f->a.conflicts);
	for (int i = 0; i < FIXTURE_MAX_ENTRIES; i++)
		json_decref(f->ev[i].attrs);
	free(f);
	return 0;
}

/* The document a report writer makes of the fixture (NUL-terminated). */
static char *fixture_render(const struct fixture *f,
			    int (*writer)(struct buf *, const struct report_ctx *))
{
	struct buf b = BUF_INIT;

	assert_int_equal(writer(&b, &f->r), 0);
	assert_non_null(b.data);
	return buf_detach(&b, NULL);
}

/* How many times needle occurs in hay, not overlapping. */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

#endif
