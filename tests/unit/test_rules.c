/*
 * mappings/rules.c through the assessment engine: for every check in
 * mappings/core.xml at least a pass, a fail, a missing and a
 * malformed-evidence case, each on evidence appended to a fresh temporary
 * store.  Malformed evidence (attrs that lack what the kind always has, a
 * command that failed or printed something else) must never pass: the
 * checks fail closed, with a finding saying why.  A final test makes sure
 * no check of core.xml lacks any of the four cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../../common/err.h"
#include "../../common/timeutil.h"
#include "../../controls/catalog.h"
#include "../../mappings/assess.h"
#include "../../mappings/checks.h"
#include "../../store/store.h"

#define H 3600
#define D 86400
#define MAXEV 4

struct ev {
	const char *kind, *source, *attrs, *payload;
	int64_t age;   /* effective up to AT - age; collected then */
	int64_t span;  /* effective from AT - age - span */
};

enum tamper { T_NONE, T_ATTRS, T_PAYLOAD };

struct rcase {
	const char *check;
	const char *want;      /* pass, fail, missing, stale, or malformed (not pass) */
	const char *subject;   /* a finding's subject contains this (NULL: any) */
	struct ev ev[MAXEV];
	enum tamper tamper;
};

/* ---- evidence as collectors write it ---- */

#define LOG_ATTRS(first, max_gap, unattr, authf, models, pii, mode) \
	"{\"format\":\"jsonl\",\"path\":\"/var/log/gw.jsonl\",\"lines\":240,\"parsed\":240," \
	"\"malformed\":0,\"first_event\":\"" first "\",\"last_event\":\"2026-11-27T05:54:00Z\"," \
	"\"max_gap_seconds\":" #max_gap ",\"users\":7,\"unattributed\":" #unattr "," \
	"\"auth_failures\":" #authf ",\"models\":" models ",\"pii\":" pii ",\"pii_mode\":\"" mode "\"}"
#define GOODLOG_A LOG_ATTRS("2026-11-26T06:00:00Z", 360, 0, 3, "{\"credit-risk-llm:3\":240}", \
			    "{\"email\":0}", "pseudonymise")
#define GOODLOG { "access-log", "gateway", GOODLOG_A, "lines", 360, D - 360 }
#define LOG(a) { "access-log", "gateway", a, "lines", 360, D - 360 }
#define BADLOG { "access-log", "gateway", "{\"format\":\"jsonl\"}", "lines", 360, D - 360 }

#define MODEL_A "{\"name\":\"credit-risk-llm\",\"version\":\"3\",\"artifacts\":{\"w.bin\":\"ab\"}}"
#define MODEL(a) { "model-version", "registry", a, "", 10 * D, 0 }
#define PROD_A(extra) "{\"name\":\"credit-risk-llm\",\"version\":\"3\",\"stage\":\"Production\"," \
	"\"artifacts\":{\"w.bin\":\"ab\"}" extra "}"
#define BADMODEL MODEL("{\"version\":\"3\"}")

#define CFG(v) { "config-snapshot", "gateway-config", "{\"files\":1,\"values\":{" v "}}", "", H, 0 }
#define BADCFG { "config-snapshot", "gateway-config", "{\"files\":1}", "", H, 0 }

#define DOC(type, age) { "document", "docs", "{\"name\":\"d.pdf\",\"sha256\":\"ab\",\"type\":\"" \
			 type "\"}", "document", age, 0 }
#define BADDOC(type) { "document", "docs", "{\"name\":\"d.pdf\",\"type\":\"" type "\"}", \
		       "document", 5 * D, 0 }

#define CMD_A(st, json, type) "{\"argv\":[\"kubectl\"],\"exit_status\":" #st ",\"timed_out\":false," \
	"\"stdout_truncated\":false,\"stdout_json\":" #json type "}"
#define CMD_P(out) "{\"argv\":[\"kubectl\"],\"exit_status\":0,\"stdout\":\"" out "\"}"
#define LIST(items) "{\\\"kind\\\":\\\"List\\\",\\\"items\\\":[" items "]}"
#define ROLE(name, verbs) "{\\\"kind\\\":\\\"ClusterRole\\\",\\\"metadata\\\":{\\\"name\\\":\\\"" \
	name "\\\"},\\\"rules\\\":[{\\\"apiGroups\\\":[\\\"\\\"],\\\"resources\\\":[\\\"pods\\\"]," \
	"\\\"verbs\\\":[" verbs "]}]}"
#define RBAC(attrs, payload) { "command-output", "rbac", attrs, payload, H, 0 }
#define GOODRBAC RBAC(CMD_A(0, true, ",\"type\":\"rbac\""), \
		      CMD_P(LIST(ROLE("reader", "\\\"get\\\""))))
#define UNTYPED { "command-output", "uptime", CMD_A(0, false, ""), CMD_P(""), H, 0 }

static const struct rcase cases[] = {
	/* access logs */
	{ "access-logs-collected", "pass", NULL, { GOODLOG }, 0 },
	{ "access-logs-collected", "fail", "access-log from source gateway", { GOODLOG, BADLOG }, 0 },
	{ "access-logs-collected", "missing", "access-log evidence", { DOC("policy", D) }, 0 },
	{ "access-logs-collected", "malformed", NULL, { BADLOG }, 0 },
	{ "access-logs-collected", "stale", "access-log evidence",
	  { { "access-log", "gateway", GOODLOG_A, "", 3 * D, D } }, 0 },

	{ "access-log-continuity", "pass", NULL,
	  { { "access-log", "gateway", LOG_ATTRS("2026-11-19T06:00:00Z", 360, 0, 3, "{}", "{}",
						 "pseudonymise"), "", 360, 8 * D } }, 0 },
	{ "access-log-continuity", "fail", "access logs", { GOODLOG }, 0 },
	{ "access-log-continuity", "missing", NULL, { { 0 } }, 0 },
	{ "access-log-continuity", "malformed", NULL, { LOG("{}") }, 0 },

	/* No profile: every framework is in scope, so the longest minimum (SEBI
	 * CSCRF PR.AA.S9, two years) holds for the controls without their own. */
	{ "access-log-retention", "pass", NULL,
	  { { "access-log", "gateway", LOG_ATTRS("2024-11-01T00:00:00Z", 360, 0, 3, "{}", "{}",
						 "pseudonymise"), "", 360, 760 * D } }, 0 },
	{ "access-log-retention", "fail", "access logs",
	  { { "access-log", "gateway", LOG_ATTRS("2026-05-01T00:00:00Z", 360, 0, 3, "{}", "{}",
						 "pseudonymise"), "", 360, 200 * D } }, 0 },
	{ "access-log-retention", "fail", "access logs", { GOODLOG }, 0 },
	{ "access-log-retention", "missing", NULL, { { 0 } }, 0 },
	{ "access-log-retention", "malformed", NULL, { BADLOG }, 0 },

	{ "access-log-no-raw-pii", "pass", NULL, { GOODLOG }, 0 },
	{ "access-log-no-raw-pii", "fail", "log source gateway",
	  { LOG(LOG_ATTRS("2026-11-26T06:00:00Z", 360, 0, 3, "{}", "{\"email\":5}", "keep")) }, 0 },
	{ "access-log-no-raw-pii", "missing", NULL, { { 0 } }, 0 },
	{ "access-log-no-raw-pii", "malformed", NULL, { BADLOG }, 0 },

	{ "requests-attributed", "pass", NULL, { GOODLOG }, 0 },
	{ "requests-attributed", "fail", "log source gateway",
	  { LOG(LOG_ATTRS("2026-11-26T06:00:00Z", 360, 4, 3, "{}", "{}", "pseudonymise")) }, 0 },
	{ "requests-attributed", "missing", NULL, { { 0 } }, 0 },
	{ "requests-attributed", "malformed", NULL, { BADLOG }, 0 },

	{ "auth-failures-monitored", "pass", NULL, { GOODLOG }, 0 },
	{ "auth-failures-monitored", "fail", "authentication failures",
	  { LOG(LOG_ATTRS("2026-11-26T06:00:00Z", 360, 0, 5000, "{}", "{}", "pseudonymise")) }, 0 },
	{ "auth-failures-monitored", "missing", NULL, { { 0 } }, 0 },
	{ "auth-failures-monitored", "malformed", NULL, { BADLOG }, 0 },

	/* model registry */
	{ "model-registry-fresh", "pass", NULL, { MODEL(MODEL_A) }, 0 },
	{ "model-registry-fresh", "fail", "model-version from source registry",
	  { MODEL(MODEL_A), BADMODEL }, 0 },
	{ "model-registry-fresh", "missing", "model-version evidence", { GOODLOG }, 0 },
	{ "model-registry-fresh", "malformed", NULL, { BADMODEL }, 0 },

	{ "models-registered", "pass", NULL, { GOODLOG, MODEL(MODEL_A) }, 0 },
	{ "models-registered", "fail", "model shadow-chat v1",
	  { LOG(LOG_ATTRS("2026-11-26T06:00:00Z", 360, 0, 3,
			  "{\"credit-risk-llm:3\":9,\"shadow-chat:1\":40}", "{}", "pseudonymise")),
	    MODEL(MODEL_A) }, 0 },
	{ "models-registered", "missing", NULL, { GOODLOG }, 0 },
	{ "models-registered", "malformed", NULL, { GOODLOG, BADMODEL }, 0 },

	{ "production-models-governed", "pass", NULL,
	  { MODEL(PROD_A(",\"approval\":\"cab-7\",\"dataset\":\"s3://d\",\"model_card\":\"mc.md\"")) }, 0 },
	{ "production-models-governed", "fail", "model credit-risk-llm v3",
	  { MODEL(PROD_A(",\"dataset\":\"s3://d\"")) }, 0 },
	{ "production-models-governed", "missing", NULL, { { 0 } }, 0 },
	{ "production-models-governed", "malformed", NULL, { BADMODEL }, 0 },

	/* configuration */
	{ "config-snapshots-fresh", "pass", NULL, { CFG("\"gw.yaml:a\":\"1\"") }, 0 },
	{ "config-snapshots-fresh", "fail", "config-snapshot from source gateway-config",
	  { CFG("\"gw.yaml:a\":\"1\""), BADCFG }, 0 },
	{ "config-snapshots-fresh", "missing", NULL, { { 0 } }, 0 },
	{ "config-snapshots-fresh", "malformed", NULL, { BADCFG }, 0 },

	{ "tls-min-version", "pass", NULL, { CFG("\"gw.yaml:tls.min_version\":\"TLSv1.3\"") }, 0 },
	{ "tls-min-version", "fail", "gw.yaml: tls.min_version",
	  { CFG("\"gw.yaml:tls.min_version\":\"TLSv1.0\"") }, 0 },
	{ "tls-min-version", "missing", NULL, { { 0 } }, 0 },
	{ "tls-min-version", "malformed", NULL, { BADCFG }, 0 },

	{ "encryption-at-rest", "pass", NULL, { CFG("\"db.yaml:encryption_at_rest\":true") }, 0 },
	{ "encryption-at-rest", "fail", "db.yaml: encryption_at_rest",
	  { CFG("\"db.yaml:encryption_at_rest\":false") }, 0 },
	{ "encryption-at-rest", "missing", NULL, { { 0 } }, 0 },
	{ "encryption-at-rest", "malformed", NULL, { BADCFG }, 0 },

	{ "moderation-enabled", "pass", NULL, { CFG("\"gw.yaml:moderation.enabled\":\"yes\"") }, 0 },
	{ "moderation-enabled", "fail", "gw.yaml: moderation.enabled",
	  { CFG("\"gw.yaml:moderation.enabled\":false") }, 0 },
	{ "moderation-enabled", "missing", NULL, { { 0 } }, 0 },
	{ "moderation-enabled", "malformed", NULL, { BADCFG }, 0 },

	{ "prompt-logging-masked", "pass", NULL, { CFG("\"gw.yaml:prompt_logging.mode\":\"masked\"") }, 0 },
	{ "prompt-logging-masked", "fail", "gw.yaml: prompt_logging.mode",
	  { CFG("\"gw.yaml:prompt_logging.mode\":\"full\"") }, 0 },
	{ "prompt-logging-masked", "missing", NULL, { { 0 } }, 0 },
	{ "prompt-logging-masked", "malformed", NULL, { BADCFG }, 0 },

	/* No residency in the profile: the controls without a jurisdiction of
	 * their own only need the region to be known. */
	{ "data-residency", "pass", NULL, { CFG("\"gw.yaml:data_region\":\"ap-south-1\"") }, 0 },
	{ "data-residency", "fail", "setting data_region", { CFG("\"gw.yaml:listen\":\"8443\"") }, 0 },
	{ "data-residency", "missing", NULL, { { 0 } }, 0 },
	{ "data-residency", "malformed", NULL, { BADCFG }, 0 },

	{ "data-transfer-safeguards", "pass", NULL, { CFG("\"gw.yaml:data_region\":\"eu-west-1\"") }, 0 },
	{ "data-transfer-safeguards", "fail", "region ap-south-1",
	  { CFG("\"gw.yaml:data_region\":\"ap-south-1\"") }, 0 },
	{ "data-transfer-safeguards", "missing", NULL, { { 0 } }, 0 },
	{ "data-transfer-safeguards", "malformed", NULL, { BADCFG }, 0 },

	{ "no-plaintext-secrets", "pass", NULL,
	  { CFG("\"gw.yaml:upstream.api_key\":\"${env:API_KEY}\"") }, 0 },
	{ "no-plaintext-secrets", "fail", "gw.yaml: upstream.api_key",
	  { CFG("\"gw.yaml:upstream.api_key\":\"<secret:9f8e7d6c>\",\"gw.yaml:db.password\":"
		"\"<secret:01020304>\"") }, 0 },
	{ "no-plaintext-secrets", "missing", NULL, { { 0 } }, 0 },
	{ "no-plaintext-secrets", "malformed", NULL, { BADCFG }, 0 },

	{ "config-changes-recorded", "pass", NULL,
	  { { "config-snapshot", "gateway-config", "{\"values\":{},\"changed\":[\"a\"],"
	      "\"previous\":\"ab\",\"tree_sha256\":\"cdef0123456789\"}", "", H, 0 },
	    { "document", "changes", "{\"sha256\":\"ab\",\"type\":\"change-record\"}", "cr", 2 * H, 0 } }, 0 },
	{ "config-changes-recorded", "fail", "configuration gateway-config change to cdef01234567",
	  { { "config-snapshot", "gateway-config", "{\"values\":{},\"changed\":[\"a\"],"
	      "\"previous\":\"ab\",\"tree_sha256\":\"cdef0123456789\"}", "", H, 0 } }, 0 },
	{ "config-changes-recorded", "missing", NULL, { { 0 } }, 0 },
	{ "config-changes-recorded", "malformed", NULL,
	  { { "config-snapshot", "gateway-config", "{\"changed\":[\"a\"],\"previous\":\"ab\"}", "", H, 0 } }, 0 },

	/* RBAC: typed command output only */
	{ "rbac-snapshot-fresh", "pass", NULL, { GOODRBAC }, 0 },
	{ "rbac-snapshot-fresh", "fail", "command-output from source rbac",
	  { RBAC(CMD_A(1, true, ",\"type\":\"rbac\""), CMD_P(LIST(""))) }, 0 },
	{ "rbac-snapshot-fresh", "missing", "command-output evidence of type rbac", { UNTYPED }, 0 },
	{ "rbac-snapshot-fresh", "malformed", "RBAC snapshot rbac",
	  { RBAC(CMD_A(0, true, ",\"type\":\"rbac\""), CMD_P("Unauthorized")) }, 0 },

	{ "rbac-no-wildcard", "pass", NULL, { GOODRBAC }, 0 },
	{ "rbac-no-wildcard", "fail", "role ops",
	  { RBAC(CMD_A(0, true, ",\"type\":\"rbac\""),
		 CMD_P(LIST(ROLE("reader", "\\\"get\\\"") "," ROLE("ops", "\\\"*\\\"")))) }, 0 },
	{ "rbac-no-wildcard", "missing", NULL, { UNTYPED }, 0 },
	{ "rbac-no-wildcard", "malformed", "RBAC snapshot rbac",
	  { RBAC(CMD_A(0, true, ",\"type\":\"rbac\""),
		 CMD_P("{\\\"kind\\\":\\\"Status\\\",\\\"status\\\":\\\"Failure\\\"}")) }, 0 },

	/* documents */
	{ "red-team-report-present", "pass", NULL, { DOC("red-team-report", 30 * D) }, 0 },
	{ "red-team-report-present", "fail", "document from source docs",
	  { DOC("red-team-report", 30 * D), BADDOC("red-team-report") }, 0 },
	{ "red-team-report-present", "missing", "document evidence of type red-team-report",
	  { DOC("dpia", D) }, 0 },
	{ "red-team-report-present", "malformed", NULL, { BADDOC("red-team-report") }, 0 },
	{ "red-team-report-present", "stale", NULL, { DOC("red-team-report", 200 * D) }, 0 },

	{ "dpia-present", "pass", NULL, { DOC("dpia", 30 * D) }, 0 },
	{ "dpia-present", "fail", NULL, { DOC("dpia", 30 * D), BADDOC("dpia") }, 0 },
	{ "dpia-present", "missing", "document evidence of type dpia", { { 0 } }, 0 },
	{ "dpia-present", "malformed", NULL, { BADDOC("dpia") }, 0 },

	{ "model-card-present", "pass", NULL, { DOC("model-card", 30 * D) }, 0 },
	{ "model-card-present", "fail", NULL, { DOC("model-card", 30 * D), BADDOC("model-card") }, 0 },
	{ "model-card-present", "missing", NULL, { { 0 } }, 0 },
	{ "model-card-present", "malformed", NULL, { BADDOC("model-card") }, 0 },

	{ "policy-present", "pass", NULL, { DOC("policy", 30 * D) }, 0 },
	{ "policy-present", "fail", NULL, { DOC("policy", 30 * D), BADDOC("policy") }, 0 },
	{ "policy-present", "missing", NULL, { { 0 } }, 0 },
	{ "policy-present", "malformed", NULL, { BADDOC("policy") }, 0 },

	{ "incident-response-plan-present", "pass", NULL, { DOC("incident-response-plan", 30 * D) }, 0 },
	{ "incident-response-plan-present", "fail", NULL,
	  { DOC("incident-response-plan", 30 * D), BADDOC("incident-response-plan") }, 0 },
	{ "incident-response-plan-present", "missing", NULL, { { 0 } }, 0 },
	{ "incident-response-plan-present", "malformed", NULL, { BADDOC("incident-response-plan") }, 0 },

	{ "ropa-present", "pass", NULL, { DOC("ropa", 30 * D) }, 0 },
	{ "ropa-present", "fail", NULL, { DOC("ropa", 30 * D), BADDOC("ropa") }, 0 },
	{ "ropa-present", "missing", "document evidence of type ropa", { { 0 } }, 0 },
	{ "ropa-present", "malformed", NULL, { BADDOC("ropa") }, 0 },

	/* backups: a backup job's typed output, or a restore test record */
	{ "backup-evidence", "pass", NULL,
	  { { "command-output", "backup", CMD_A(0, false, ",\"type\":\"backup\""), CMD_P("ok"), H, 0 } }, 0 },
	{ "backup-evidence", "pass", NULL, { DOC("restore-test", 30 * D) }, 0 },
	{ "backup-evidence", "fail", "backups",
	  { { "command-output", "backup", CMD_A(3, false, ",\"type\":\"backup\""), CMD_P(""), H, 0 } }, 0 },
	{ "backup-evidence", "missing", "backups", { UNTYPED }, 0 },
	{ "backup-evidence", "malformed", NULL,
	  { { "command-output", "backup", "{\"type\":\"backup\"}", CMD_P("ok"), H, 0 } }, 0 },

	/* clock synchronisation: chronyc tracking or timedatectl show output */
	{ "clock-synchronised", "pass", NULL,
	  { { "command-output", "clock", CMD_A(0, false, ",\"type\":\"clock\""),
	      CMD_P("Leap status     : Normal\\nSystem time     : 0.000020 seconds fast of NTP time\\n"), H, 0 } }, 0 },
	{ "clock-synchronised", "fail", "source clock",
	  { { "command-output", "clock", CMD_A(0, false, ",\"type\":\"clock\""),
	      CMD_P("NTPSynchronized=no\\n"), H, 0 } }, 0 },
	{ "clock-synchronised", "missing", "command-output evidence of type clock", { UNTYPED }, 0 },
	{ "clock-synchronised", "malformed", NULL,
	  { { "command-output", "clock", CMD_A(0, false, ",\"type\":\"clock\""), CMD_P("hello"), H, 0 } }, 0 },

	/* the store itself */
	{ "store-verified", "pass", NULL, { DOC("policy", D) }, 0 },
	{ "store-verified", "fail", "evidence store", { DOC("policy", D), DOC("dpia", D) }, T_ATTRS },
	{ "store-verified", "missing", "evidence store", { { 0 } }, 0 },
	{ "store-verified", "malformed", "evidence store", { DOC("policy", D) }, T_PAYLOAD },
};

static struct catalogs cs;
static struct checkset ks;
static int64_t AT;

static int load(void **state)
{
	(void)state;
	setenv("AUDITPACK_DATA", ".", 0);
	if (time_parse(&AT, "2026-11-27T06:00:00Z") || catalogs_load(&cs, NULL) ||
	    checks_load(&ks, &cs, NULL))
		return -1;
	return 0;
}

static int unload(void **state)
{
	(void)state;
	checks_free(&ks);
	catalogs_free(&cs);
	return 0;
}

static void tamper(const char *dir, enum tamper t)
{
	char path[256];
	sqlite3 *h;

	snprintf(path, sizeof(path), "%s/evidence.db", dir);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, t == T_ATTRS ?
				      "UPDATE entries SET attrs='{\"type\":\"dpia\"}' WHERE idx=1" :
				      "DELETE FROM payloads", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static const struct check_result *result(const struct assessment *a, const char *id)
{
	for (size_t i = 0; i < a->nchecks; i++)
		if (!strcmp(a->checks[i].check->id, id))
			return &a->checks[i];
	return NULL;
}

static void run_case(const struct rcase *c)
{
	char dir[64], cmd[128];
	struct store_opts o = { 0 };
	struct store *s = NULL;
	struct assessment a;
	const struct check_result *r;
	bool subject_seen = !c->subject;

	snprintf(dir, sizeof(dir), "/tmp/auditpack-rules-XXXXXX");
	assert_non_null(mkdtemp(dir));
	strncat(dir, "/s", sizeof(dir) - strlen(dir) - 1);
	o.dir = dir;
	o.wait_seconds = 1;
	assert_int_equal(store_init(&o, "unit.example/rules", NULL), 0);
	assert_int_equal(store_open(&s, &o, STORE_WRITE), 0);
	assert_int_equal(store_begin(s), 0);
	for (size_t i = 0; i < MAXEV && c->ev[i].kind; i++) {
		struct entry_input in = { 0 };

		in.kind = c->ev[i].kind;
		in.source = c->ev[i].source;
		in.eff_to = in.collected = AT - c->ev[i].age;
		in.eff_from = in.eff_to - c->ev[i].span;
		in.attrs = c->ev[i].attrs;
		in.attrs_len = strlen(c->ev[i].attrs);
		in.payload = c->ev[i].payload;
		in.payload_len = strlen(c->ev[i].payload);
		assert_int_equal(store_append(s, &in, NULL), 0);
	}
	assert_int_equal(store_commit(s), 0);
	if (c->tamper)
		tamper(dir, c->tamper);
	assert_int_equal(assess_run(&a, s, &cs, &ks, NULL, 0, AT, NULL), 0);
	r = result(&a, c->check);
	assert_non_null(r);
	for (size_t i = 0; i < r->nfindings; i++)
		if (c->subject && strstr(r->findings[i].subject, c->subject))
			subject_seen = true;
	if ((strcmp(c->want, status_name(r->status)) &&
	     !(strcmp(c->want, "malformed") == 0 && r->status != ST_PASS)) || !subject_seen)
		fail_msg("%s (%s case): got %s: %s", c->check, c->want, status_name(r->status),
			 r->detail ? r->detail : "");
	if (r->status == ST_PASS) {
		assert_int_equal(r->nfindings, 0);
	} else {
		/* every finding has its own stable id, subject and message */
		assert_true(r->nfindings > 0);
		for (size_t i = 0; i < r->nfindings; i++) {
			char id[FINDING_ID_LEN + 1];

			finding_id(id, c->check, r->findings[i].subject);
			assert_string_equal(id, r->findings[i].id);
			assert_non_null(r->findings[i].message);
			for (size_t j = 0; j < i; j++)
				assert_string_not_equal(r->findings[i].id, r->findings[j].id);
		}
		assert_null(strstr(r->detail, "and others"));
	}
	assess_free(&a);
	store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strlen(dir) - 2), dir);
	assert_int_equal(system(cmd), 0);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/* Every check shipped in core.xml has all four kinds of case above, and a
 * remediation. */
static void test_every_check_covered(void **state)
{
	static const char *const kinds[] = { "pass", "fail", "missing", "malformed" };

	(void)state;
	for (size_t k = 0; k < ks.n; k++) {
		if (strstr(ks.v[k].file, "core.xml") == NULL)
			continue;
		assert_non_null(ks.v[k].remediation);
		for (size_t w = 0; w < 4; w++) {
			bool found = false;

			for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]) && !found; i++)
				found = !strcmp(cases[i].check, ks.v[k].id) &&
					!strcmp(cases[i].want, kinds[w]);
			if (!found)
				fail_msg("check %s has no %s case", ks.v[k].id, kinds[w]);
		}
	}
}

/* The same check and subject give the same id; another subject another. */
static void test_finding_id(void **state)
{
	char a[FINDING_ID_LEN + 1], b[FINDING_ID_LEN + 1], c[FINDING_ID_LEN + 1];

	(void)state;
	finding_id(a, "rbac-no-wildcard", "role ops");
	finding_id(b, "rbac-no-wildcard", "role ops");
	finding_id(c, "rbac-no-wildcard", "role ops2");
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), FINDING_ID_LEN);
	assert_int_equal(strspn(a, "0123456789abcdef"), FINDING_ID_LEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finding_id),
		cmocka_unit_test(test_every_check_covered),
		cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, load, unload);
}
