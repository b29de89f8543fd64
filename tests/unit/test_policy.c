/*
 * mappings/policy.c: the gate policy parser.  A good policy in every
 * spelling the format allows, the default policy, --framework, and each
 * kind of error named at its line and column.  Uses the built-in
 * catalogues (run from the source tree, or with AUDITPACK_DATA set).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/err.h"
#include "../../common/timeutil.h"
#include "../../controls/catalog.h"
#include "../../mappings/policy.h"

static struct catalogs cs;

static int load_catalogs(void **state)
{
	(void)state;
	setenv("AUDITPACK_DATA", ".", 0);
	return catalogs_load(&cs, NULL) ? -1 : 0;
}

static int free_catalogs(void **state)
{
	(void)state;
	catalogs_free(&cs);
	return 0;
}

static int parse(struct gate_policy *p, const char *text)
{
	return policy_parse(p, &cs, "p.yaml", text, strlen(text));
}

static const char good[] =
	"# the release gate\n"
	"frameworks: [iso27001, eu-ai-act]\n"
	"require:\n"
	"  - \"hipaa:164.312(b)\"\n"
	"  - gdpr:art-32\n"
	"exclude:\n"
	"  - control: \"iso27001:A.7.4\"\n"
	"    justification: >\n"
	"      no premises of our own;\n"
	"      the provider's SOC 2 report is on file\n"
	"  - {control: eu-ai-act:art-5, justification: \"no prohibited practice\"}\n"
	"fail-on: [fail, stale, missing, manual]\n"
	"max-age: 7d\n"
	"warn-before: 12h\n";

static void test_good_policy(void **state)
{
	struct gate_policy p;
	struct assess_policy ap;

	(void)state;
	assert_int_equal(parse(&p, good), 0);
	assert_string_equal(p.file, "p.yaml");
	assert_int_equal(p.nframeworks, 2);
	assert_string_equal(p.frameworks[0], "iso27001");
	assert_string_equal(p.frameworks[1], "eu-ai-act");
	assert_int_equal(p.nrequire, 2);
	/* Labels resolve to ids; ids stay ids. */
	assert_string_equal(p.require[0].ref, "hipaa:s164.312-b");
	assert_string_equal(p.require[0].label, "164.312(b)");
	assert_int_equal(p.require[0].line, 4);
	assert_string_equal(p.require[1].ref, "gdpr:art-32");
	assert_string_equal(p.require[1].label, "Art. 32");
	assert_int_equal(p.nexclude, 2);
	assert_string_equal(p.exclude[0].ref, "iso27001:a.7.4");
	assert_string_equal(p.exclude[0].justification,
			    "no premises of our own; the provider's SOC 2 report is on file\n");
	assert_string_equal(p.exclude[1].ref, "eu-ai-act:art-5");
	assert_true(p.fail_on[ST_FAIL] && p.fail_on[ST_STALE] && p.fail_on[ST_MISSING] &&
		    p.fail_on[ST_MANUAL]);
	assert_false(p.fail_on[ST_PASS] || p.fail_on[ST_NA]);
	assert_int_equal(p.max_age, 7 * 86400);
	assert_int_equal(p.warn_before, 12 * 3600);
	/* The exact bytes, for the digest and the record. */
	assert_int_equal(p.raw.len, strlen(good));
	assert_memory_equal(p.raw.data, good, p.raw.len);
	assert_int_equal(policy_check_scope(&p), 0);

	policy_assess_view(&p, &ap);
	assert_int_equal(ap.nexclude, 2);
	assert_string_equal(ap.exclude[1], "eu-ai-act:art-5");
	assert_string_equal(ap.justification[1], "no prohibited practice");
	assert_int_equal(ap.max_age, 7 * 86400);
	assert_null(ap.verified);
	policy_free(&p);
}

static void test_defaults_and_short_forms(void **state)
{
	struct gate_policy p;

	(void)state;
	/* One string for a list; empty lists; the default fail-on. */
	assert_int_equal(parse(&p, "frameworks: gdpr\nrequire: []\nexclude:\n"), 0);
	assert_int_equal(p.nframeworks, 1);
	assert_int_equal(p.nrequire, 0);
	assert_int_equal(p.nexclude, 0);
	assert_true(p.fail_on[ST_FAIL] && p.fail_on[ST_STALE] && p.fail_on[ST_MISSING]);
	assert_false(p.fail_on[ST_MANUAL]);
	assert_int_equal(p.max_age, 0);
	assert_int_equal(p.warn_before, 0);
	policy_free(&p);

	assert_int_equal(parse(&p, "require: iso27001:a.5.9\nfail-on: fail\n"), 0);
	assert_int_equal(p.nframeworks, 0);
	assert_int_equal(p.nrequire, 1);
	assert_true(p.fail_on[ST_FAIL]);
	assert_false(p.fail_on[ST_STALE] || p.fail_on[ST_MISSING]);
	assert_int_equal(policy_check_scope(&p), 0);
	policy_free(&p);

	/* Nothing in scope: the parser accepts it (--framework may supply
	 * frameworks), the scope check does not. */
	assert_int_equal(parse(&p, "fail-on: [fail]\n"), 0);
	assert_int_equal(policy_check_scope(&p), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "p.yaml:1:1: the policy puts no control in scope"));
	assert_int_equal(policy_set_frameworks(&p, &cs, (char *[]){ "gdpr", "hipaa", "gdpr" }, 3), 0);
	assert_int_equal(p.nframeworks, 2);
	assert_string_equal(p.frameworks[1], "hipaa");
	assert_int_equal(policy_check_scope(&p), 0);
	assert_int_equal(policy_set_frameworks(&p, &cs, (char *[]){ "nist" }, 1), ERR_USAGE);
	assert_int_equal(p.nframeworks, 2); /* unchanged */
	policy_free(&p);
}

static void test_default_policy(void **state)
{
	static const char want[] =
		"# auditpack gate: the default policy (no --policy given)\n"
		"frameworks: [eu-ai-act, iso27001]\n"
		"fail-on: [fail, stale, missing]\n";
	struct gate_policy p;

	(void)state;
	/* Canonical: sorted, no repeats, so the same set has one digest. */
	assert_int_equal(policy_default(&p, &cs, (char *[]){ "iso27001", "eu-ai-act", "iso27001" },
					3), 0);
	assert_null(p.file);
	assert_int_equal(p.raw.len, strlen(want));
	assert_memory_equal(p.raw.data, want, p.raw.len);
	assert_int_equal(p.nframeworks, 2);
	assert_true(p.fail_on[ST_FAIL] && p.fail_on[ST_STALE] && p.fail_on[ST_MISSING]);
	policy_free(&p);
	assert_int_equal(policy_default(&p, &cs, (char *[]){ "iso9001" }, 1), ERR_USAGE);
	assert_non_null(strstr(err_msg(), "no framework 'iso9001'"));
	assert_int_equal(policy_default(&p, &cs, NULL, 0), ERR_USAGE);
}

struct bad {
	const char *yaml;
	const char *where;  /* "p.yaml:LINE:COLUMN: " */
	const char *what;   /* part of the message */
};

static const struct bad bad[] = {
	{ "frameworks: [gdpr]\ncolour: blue\n", "p.yaml:2:1: ",
	  "unknown key 'colour' in the policy (expected frameworks, require" },
	{ "frameworks: [gdpr]\nframeworks: [hipaa]\n", "p.yaml:2:1: ",
	  "'frameworks' is given twice in the policy (first at line 1)" },
	{ "frameworks: [gdpr\n", "p.yaml:2:1: ", "did not find expected" },
	{ "- gdpr\n", "p.yaml:1:1: ", "a policy is a map" },
	{ "", "p.yaml:1:1: ", "the policy is empty" },
	{ "frameworks: [gdpr]\n---\nframeworks: [hipaa]\n", "p.yaml:3:1: ",
	  "a second YAML document" },
	{ "frameworks: {gdpr: 1}\n", "p.yaml:1:13: ", "'frameworks' must be a list" },
	{ "frameworks: [gdpr, [hipaa]]\n", "p.yaml:1:20: ",
	  "'frameworks' must be a list of framework ids" },
	{ "frameworks:\n  - gdpr\n  - nist\n", "p.yaml:3:5: ", "unknown framework 'nist'" },
	{ "frameworks: [gdpr, gdpr]\n", "p.yaml:1:20: ", "framework 'gdpr' is listed twice" },
	{ "require:\n  - iso27001\n", "p.yaml:2:5: ", "'iso27001' is not FW:LABEL or FW:ID" },
	{ "require:\n  - nist:ac-2\n", "p.yaml:2:5: ", "unknown framework 'nist' in 'nist:ac-2'" },
	{ "require:\n  - gdpr:art-5\n  - \"gdpr:Art. 100\"\n", "p.yaml:3:5: ",
	  "unknown control 'gdpr:Art. 100': gdpr has no control 'Art. 100'" },
	{ "require:\n  - gdpr:art-5\n  - gdpr:Art. 5\n", "p.yaml:3:5: ",
	  "gdpr:Art. 5 is required twice (first at line 2)" },
	{ "frameworks: [gdpr]\nexclude: gdpr:art-5\n", "p.yaml:2:10: ",
	  "each exclude must be a map with 'control' and 'justification'" },
	{ "frameworks: [gdpr]\nexclude:\n  - justification: because\n", "p.yaml:3:5: ",
	  "an exclude needs 'control'" },
	{ "frameworks: [gdpr]\nexclude:\n  - control: gdpr:art-5\n", "p.yaml:3:5: ",
	  "the exclude of gdpr:Art. 5 has no 'justification'" },
	{ "frameworks: [gdpr]\nexclude:\n  - control: gdpr:art-5\n    justification:\n",
	  "p.yaml:4:19: ", "the justification of gdpr:Art. 5 must be a non-empty string" },
	{ "frameworks: [gdpr]\nexclude:\n  - control: gdpr:art-5\n    justification: [a]\n",
	  "p.yaml:4:20: ", "the justification of gdpr:Art. 5 must be a non-empty string" },
	{ "frameworks: [gdpr]\nexclude:\n  - {control: gdpr:art-5, why: x}\n", "p.yaml:3:27: ",
	  "unknown key 'why' in an exclude (expected control, justification, expires, finding)" },
	{ "frameworks: [gdpr]\nexclude:\n  - {control: gdpr:art-5, justification: a}\n"
	  "  - {control: \"gdpr:Art. 5\", justification: b}\n", "p.yaml:4:5: ",
	  "gdpr:Art. 5 is excluded twice (first at line 3)" },
	{ "require: [gdpr:art-5]\nexclude:\n  - {control: gdpr:art-5, justification: a}\n",
	  "p.yaml:3:15: ", "gdpr:Art. 5 is both required and excluded" },
	{ "frameworks: [gdpr]\nfail-on: [fail, late]\n", "p.yaml:2:17: ",
	  "unknown status 'late' in fail-on" },
	{ "frameworks: [gdpr]\nfail-on: [pass]\n", "p.yaml:2:11: ", "'pass' cannot fail the gate" },
	{ "frameworks: [gdpr]\nfail-on: [not-applicable]\n", "p.yaml:2:11: ",
	  "'not-applicable' cannot fail the gate" },
	{ "frameworks: [gdpr]\nfail-on: []\n", "p.yaml:2:10: ", "'fail-on' is an empty list" },
	{ "frameworks: [gdpr]\nmax-age: 7 days\n", "p.yaml:2:10: ",
	  "'max-age' must be a duration like 7d, 12h or 30m, more than 0" },
	{ "frameworks: [gdpr]\nmax-age: 0d\n", "p.yaml:2:10: ", "more than 0" },
	{ "frameworks: [gdpr]\nmax-age: 36501d\n", "p.yaml:2:10: ", "more than 100 years" },
	{ "frameworks: [gdpr]\nwarn-before: [2d]\n", "p.yaml:2:14: ",
	  "'warn-before' must be a duration" },
	{ "frameworks: [gdpr]\nwarn-before: -2d\n", "p.yaml:2:14: ",
	  "'warn-before' must be a duration" },
	{ "frameworks: [gdpr]\n? [a]\n: b\n", "p.yaml:2:3: ", "keys of the policy must be strings" },
	{ "frameworks: [gdpr]\nexclude:\n  - {control: gdpr:art-5, justification: a, expires: soon}\n",
	  "p.yaml:3:54: ", "'expires' must be a date (2026-12-31) or an RFC 3339 time" },
	{ "frameworks: [gdpr]\nexclude:\n  - {finding: 0123456789abcdef}\n", "p.yaml:3:5: ",
	  "the exclude of finding 0123456789abcdef needs a non-empty 'justification'" },
	{ "frameworks: [gdpr]\nexclude:\n  - {finding: 0123456789ABCDEF, justification: a}\n",
	  "p.yaml:3:15: ", "'finding' must be a finding id: 16 lower-case hex digits" },
	{ "frameworks: [gdpr]\nexclude:\n  - {finding: 0123456789abcdef, control: gdpr:art-5, "
	  "justification: a}\n", "p.yaml:3:5: ", "names either a 'control' or a 'finding', not both" },
	{ "frameworks: [gdpr]\nexclude:\n  - {finding: 0123456789abcdef, justification: a}\n"
	  "  - {finding: 0123456789abcdef, justification: b}\n", "p.yaml:4:5: ",
	  "finding 0123456789abcdef is excluded twice (first at line 3)" },
};

/* Exclusions that end, and one finding accepted instead of a control. */
static void test_risk_acceptance(void **state)
{
	struct gate_policy p;
	struct assess_policy ap;
	struct policy_expired x[4];
	int64_t t;

	(void)state;
	assert_int_equal(parse(&p, "frameworks: [gdpr]\nexclude:\n"
			       "  - {control: gdpr:art-5, justification: a, expires: 2026-12-31}\n"
			       "  - finding: 0123456789abcdef\n    justification: accepted\n"
			       "    expires: 2027-01-15T12:00:00Z\n"
			       "  - {control: gdpr:art-6, justification: b}\n"), 0);
	assert_int_equal(p.nexclude, 2);
	assert_int_equal(p.naccept, 1);
	assert_string_equal(p.accept[0].finding, "0123456789abcdef");
	assert_string_equal(p.accept[0].justification, "accepted");
	assert_int_equal(p.accept[0].line, 4);
	assert_int_equal(time_parse(&t, "2027-01-15T12:00:00Z"), 0);
	assert_int_equal(p.accept[0].expires, t);
	/* a plain date lasts to the end of that day */
	assert_int_equal(time_parse(&t, "2026-12-31T23:59:59Z"), 0);
	assert_int_equal(p.exclude_expires[0], t);
	assert_int_equal(p.exclude_expires[1], 0);
	policy_assess_view(&p, &ap);
	assert_int_equal(ap.naccept, 1);
	assert_ptr_equal(ap.exclude_expires, p.exclude_expires);
	assert_int_equal(policy_expired(&p, t, x, 4), 0);
	assert_int_equal(policy_expired(&p, t + 1, x, 4), 1);
	assert_string_equal(x[0].framework, "gdpr");
	assert_string_equal(x[0].what, "Art. 5");
	assert_int_equal(time_parse(&t, "2027-02-01T00:00:00Z"), 0);
	assert_int_equal(policy_expired(&p, t, x, 4), 2);
	assert_null(x[1].framework);
	assert_string_equal(x[1].what, "0123456789abcdef");
	policy_free(&p);
}

static void test_errors(void **state)
{
	struct gate_policy p;
	char want[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(&p, bad[i].yaml);

		if (rc != ERR_PARSE || strncmp(err_msg(), bad[i].where, strlen(bad[i].where)) ||
		    !strstr(err_msg(), bad[i].what)) {
			snprintf(want, sizeof(want), "%s...%s", bad[i].where, bad[i].what);
			print_error("case %zu: rc %d, message '%s', want '%s'\n", i, rc,
				    err_msg(), want);
			fail();
		}
		/* Nothing is left to free, and the struct is empty. */
		assert_null(p.frameworks);
		assert_int_equal(p.raw.len, 0);
	}
}

/* Every prefix of a good policy parses or fails cleanly (sanitizers). */
static void test_prefixes(void **state)
{
	struct gate_policy p;

	(void)state;
	for (size_t n = 0; n <= strlen(good); n++) {
		int rc = policy_parse(&p, &cs, "p.yaml", good, n);

		assert_true(rc == 0 || rc == ERR_PARSE);
		if (rc == 0)
			policy_free(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_policy),
		cmocka_unit_test(test_defaults_and_short_forms),
		cmocka_unit_test(test_default_policy),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_risk_acceptance),
		cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, load_catalogs, free_catalogs);
}
