/*
 * The deployment profile and what it makes of the catalogues: parsing the
 * profile: and retention: sections, retention periods, region lists, and
 * applicability of controls (role, risk, category, dates).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../collectors/sources.h"
#include "../../common/err.h"
#include "../../common/profile.h"
#include "../../common/timeutil.h"
#include "../../mappings/regions.h"
#include "../../mappings/scope.h"

static int parse(struct sources *s, const char *yaml)
{
	return sources_parse(s, "a.yaml", yaml, strlen(yaml));
}

static void test_profile_parse(void **state)
{
	struct sources s;

	(void)state;
	assert_int_equal(parse(&s, "profile:\n  frameworks: [gdpr, sebi-cscrf]\n"
			       "  ai-act: {role: both, risk: [high-risk, gpai]}\n"
			       "  sebi: {category: small}\n  hipaa: {role: business-associate}\n"
			       "  residency: in\nretention:\n  access-log: 3y\n  document: 400d\n"), 0);
	assert_string_equal(s.profile.frameworks[1], "sebi-cscrf");
	assert_null(s.profile.frameworks[2]);
	assert_int_equal(s.profile.ai_role, AI_ROLE_PROVIDER | AI_ROLE_DEPLOYER);
	assert_int_equal(s.profile.ai_risk, (1u << AI_RISK_HIGH) | (1u << AI_RISK_GPAI));
	assert_string_equal(s.profile.sebi_category, "small-size");
	assert_int_equal(s.profile.hipaa_role, HIPAA_ROLE_BUSINESS_ASSOCIATE);
	assert_string_equal(s.profile.residency[0], "in");
	assert_int_equal(s.profile.retention[0].months, 36);
	assert_int_equal(s.profile.retention[1].seconds, 400 * 86400);
	assert_int_equal(s.profile.fw_pos[1][0], 2);
	assert_int_equal(s.profile.fw_pos[1][1], 22);
	sources_free(&s);
}

static void test_profile_errors(void **state)
{
	static const struct {
		const char *yaml, *msg;
	} bad[] = {
		{ "profile:\n  ai-act: {risk: high}\n", "a.yaml:2:18: ai-act risk must be one of" },
		{ "profile:\n  ai-act: {role: deployer, size: big}\n", "a.yaml:2:28:" },
		{ "profile:\n  sebi: {category: large}\n", "a.yaml:2:20: sebi category" },
		{ "profile:\n  frameworks: [gdpr, gdpr]\n", "a.yaml:2:22: 'gdpr' is listed twice" },
		{ "profile:\n  frameworks: [GDPR]\n", "a.yaml:2:16: 'GDPR' in profile frameworks is not an id" },
		{ "profile: [gdpr]\n", "a.yaml:1:10: 'profile' must be a map" },
		{ "retention:\n  access-log: 0y\n", "a.yaml:2:15: retention: access-log must be a period" },
		{ "retention:\n  access-log: 12\n", "a.yaml:2:15: retention: access-log must be a period" },
	};
	struct sources s;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&s, bad[i].yaml), ERR_PARSE);
		if (!strstr(err_msg(), bad[i].msg))
			fail_msg("%s: got '%s', want '%s'", bad[i].yaml, err_msg(), bad[i].msg);
	}
}

static void test_period(void **state)
{
	struct period p, q;
	int64_t t;
	char text[40];

	(void)state;
	assert_int_equal(time_parse(&t, "2026-08-31T12:00:00Z"), 0);
	assert_int_equal(period_parse(&p, "6mo"), 0);
	assert_int_equal(period_before(t, &p), time_from_civil(2026, 2, 28, 12, 0, 0));
	assert_int_equal(period_parse(&q, "2y"), 0);
	assert_true(period_longer(&q, &p, t));
	period_str(text, sizeof(text), &q);
	assert_string_equal(text, "2 years");
	assert_int_equal(period_parse(&p, "180d"), 0);
	assert_int_equal(period_before(t, &p), t - 180 * 86400);
	assert_int_equal(period_parse(&p, "two years"), ERR_PARSE);
	assert_int_equal(period_parse(&p, "5"), ERR_PARSE);
	assert_int_equal(period_parse(&p, "101y"), ERR_PARSE);
}

static void test_regions_parse(void **state)
{
	static const char list[] = "# India\nap-south-1   aws  Mumbai\r\n"
				   "ap-south-10 aws nowhere\ncentralindia\tazure\tPune  \n";
	char place[40];

	(void)state;
	assert_true(regions_parse_contains(list, sizeof(list) - 1, "ap-south-1", place, sizeof(place)));
	assert_string_equal(place, "aws Mumbai");
	assert_true(regions_parse_contains(list, sizeof(list) - 1, "centralindia", place, sizeof(place)));
	assert_string_equal(place, "azure Pune");
	assert_false(regions_parse_contains(list, sizeof(list) - 1, "ap-south", NULL, 0));
	assert_false(regions_parse_contains(list, sizeof(list) - 1, "India", NULL, 0));
	assert_false(regions_parse_contains(list, 20, "ap-south-10", NULL, 0));
}

/* A control with these props (pairs of name, value; NULL ends). */
static void control_with(struct control *c, const char *label, ...)
{
	va_list ap;
	const char *name;

	memset(c, 0, sizeof(*c));
	c->label = (char *)label;
	c->props = json_object();
	va_start(ap, label);
	while ((name = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);
		json_t *old = json_object_get(c->props, name);

		if (!old)
			json_object_set_new(c->props, name, json_string(value));
		else if (json_is_array(old))
			json_array_append_new(old, json_string(value));
		else
			json_object_set_new(c->props, name, json_pack("[O,s]", old, value));
	}
	va_end(ap);
}

static void test_applicability(void **state)
{
	struct catalog ai = { .framework = "eu-ai-act" }, sebi = { .framework = "sebi-cscrf" };
	struct profile p;
	struct control c;
	struct applicability a;
	int64_t dec2027;

	(void)state;
	memset(&p, 0, sizeof(p));
	control_with(&c, "Art. 26", "role", "deployer", "high-risk-obligation", "true",
		     "applies-from-annex-iii", "2027-12-02", "applies-from-annex-i", "2028-08-02",
		     (const char *)NULL);
	scope_control(&a, NULL, &ai, &c);
	assert_true(a.applies);
	assert_int_equal(a.applies_from, 0);
	p.ai_role = AI_ROLE_PROVIDER;
	scope_control(&a, &p, &ai, &c);
	assert_false(a.applies);
	assert_string_equal(a.reason, "Art. 26 binds deployers; this deployment is a provider");
	p.ai_role = AI_ROLE_PROVIDER | AI_ROLE_DEPLOYER;
	p.ai_risk = 1u << AI_RISK_LIMITED;
	scope_control(&a, &p, &ai, &c);
	assert_false(a.applies);
	assert_string_equal(a.reason, "Art. 26 binds high-risk AI systems only; this "
			    "deployment's AI system is limited");
	p.ai_risk = (1u << AI_RISK_HIGH) | (1u << AI_RISK_HIGH_PRODUCT);
	scope_control(&a, &p, &ai, &c);
	dec2027 = time_from_civil(2027, 12, 2, 0, 0, 0);
	assert_true(a.applies);
	assert_int_equal(a.applies_from, dec2027);
	p.ai_risk = 1u << AI_RISK_HIGH_PRODUCT;
	scope_control(&a, &p, &ai, &c);
	assert_int_equal(a.applies_from, time_from_civil(2028, 8, 2, 0, 0, 0));
	json_decref(c.props);

	control_with(&c, "Art. 55", "role", "provider", "risk", "gpai-systemic", (const char *)NULL);
	p.ai_risk = 1u << AI_RISK_GPAI;
	scope_control(&a, &p, &ai, &c);
	assert_false(a.applies);
	assert_string_equal(a.reason, "Art. 55 binds gpai-systemic AI only; this deployment's "
			    "AI system is gpai");
	json_decref(c.props);

	control_with(&c, "PR.DS.S6", "applies-to", "mii", "applies-to", "qualified",
		     (const char *)NULL);
	p.sebi_category = "qualified";
	scope_control(&a, &p, &sebi, &c);
	assert_true(a.applies);
	p.sebi_category = "small-size";
	scope_control(&a, &p, &sebi, &c);
	assert_false(a.applies);
	assert_string_equal(a.reason, "PR.DS.S6 applies to mii and qualified REs; this "
			    "deployment is a small-size RE");
	json_decref(c.props);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_parse),
		cmocka_unit_test(test_profile_errors),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_regions_parse),
		cmocka_unit_test(test_applicability),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
