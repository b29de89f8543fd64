/*
 * collectors/logfmt: event times outside [TIME_MIN, TIME_MAX] and numbers
 * past 32 or 64 bits, in every format (issue 10, items 1 and 4).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../collectors/logfmt.h"
#include "../../common/err.h"
#include "../../common/timeutil.h"

struct line_case {
	enum logfmt format;
	const char *line;
	enum logfmt_result want;
	int64_t time;    /* when want == LOGFMT_EVENT */
	const char *user; /* the user span, unless LOGFMT_MALFORMED (NULL: none) */
};

static const struct line_case cases[] = {
	/* combined / common: sizes of 2^31 and more are sizes */
	{ LOGFMT_COMBINED, "10.0.0.1 - alice [28/Nov/2025:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 3000000000 \"-\" \"c\"",
	  0, 1764324000, "alice" },
	{ LOGFMT_COMBINED, "10.0.0.1 - alice [28/Nov/2025:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 2147483648 \"-\" \"c\"",
	  0, 1764324000, "alice" },
	{ LOGFMT_COMMON, "10.0.0.1 - alice [28/Nov/2025:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 99999999999999999999999999",
	  0, 1764324000, "alice" },
	{ LOGFMT_COMMON, "10.0.0.1 - alice [28/Nov/2025:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 12x", LOGFMT_MALFORMED, 0, NULL },
	{ LOGFMT_COMBINED, "10.0.0.1 - eve [31/Dec/9999:23:59:59 -2359] \"GET /a HTTP/1.1\" 200 1 \"-\" \"c\"",
	  LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_COMMON, "10.0.0.1 - eve [01/Jan/1970:00:00:00 +0001] \"GET /a HTTP/1.1\" 200 1",
	  LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_COMMON, "10.0.0.1 - eve [01/Jan/1969:00:00:00 +0000] \"GET /a HTTP/1.1\" 200 1",
	  LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_COMMON, "10.0.0.1 - bob [31/Dec/9999:23:59:59 +0000] \"GET /a HTTP/1.1\" 200 1",
	  0, TIME_MAX, "bob" },
	/* jsonl: epoch seconds, milliseconds, floats, strings */
	{ LOGFMT_JSONL, "{\"ts\":253402300800000,\"user\":\"eve\"}", LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_JSONL, "{\"ts\":253402300799999,\"user\":\"bob\"}", 0, TIME_MAX, "bob" },
	{ LOGFMT_JSONL, "{\"ts\":\"9999-12-31T23:59:59-23:59\",\"user\":\"eve\"}", LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_JSONL, "{\"ts\":1e300,\"user\":\"eve\"}", LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_JSONL, "{\"ts\":-1e300,\"user\":\"eve\"}", LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_JSONL, "{\"ts\":9223372036854775807,\"user\":\"eve\"}", LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_JSONL, "{\"ts\":-9223372036854775808,\"user\":\"eve\"}", LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_JSONL, "{\"ts\":-1,\"user\":\"eve\"}", LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_JSONL, "{\"ts\":1764324000.9,\"user\":\"bob\"}", 0, 1764324000, "bob" },
	{ LOGFMT_JSONL, "{\"ts\":1764324000123,\"user\":\"bob\"}", 0, 1764324000, "bob" },
	{ LOGFMT_JSONL, "{\"user\":\"eve\"}", LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_JSONL, "not json", LOGFMT_MALFORMED, 0, NULL },
	/* auditd: msg=audit(SECONDS:SERIAL) */
	{ LOGFMT_AUDITD, "type=USER_AUTH msg=audit(253402300800.0:1): acct=\"eve\" res=failed",
	  LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_AUDITD, "type=USER_AUTH msg=audit(1e300:1): acct=\"eve\" res=failed", LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_AUDITD, "type=USER_AUTH msg=audit(inf:1): acct=\"eve\" res=failed", LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_AUDITD, "type=USER_AUTH msg=audit(nan:1): acct=\"eve\" res=failed", LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_AUDITD, "type=USER_AUTH msg=audit(-5.0:1): acct=\"eve\" res=failed", LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_AUDITD, "type=USER_AUTH msg=audit(253402300799.9:1): acct=\"bob\" res=failed", 0, TIME_MAX, "bob" },
	{ LOGFMT_AUDITD, "type=USER_AUTH msg=audit(x:1): acct=\"eve\" res=failed", LOGFMT_MALFORMED, 0, NULL },
	/* syslog: RFC 5424, RFC 3164 with an RFC 3339 stamp */
	{ LOGFMT_SYSLOG, "<34>1 9999-12-31T23:59:59-23:59 gw sshd 1 - - Failed password for eve from 10.0.0.1 port 1 ssh2",
	  LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_SYSLOG, "<34>1 1969-12-31T23:59:59Z gw sshd 1 - - Failed password for eve from 10.0.0.1 port 1 ssh2",
	  LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_SYSLOG, "<34>1 9999-12-31T23:59:59Z gw sshd 1 - - Failed password for bob from 10.0.0.1 port 1 ssh2",
	  0, TIME_MAX, "bob" },
	{ LOGFMT_SYSLOG, "9999-12-31T23:59:59-00:01 gw sshd[1]: Failed password for eve from 10.0.0.1 port 1 ssh2",
	  LOGFMT_BAD_TIME, 0, "eve" },
	{ LOGFMT_SYSLOG, "Nov 28 10:00:00 gw sshd[1]: message repeated 99999999999999999999999 times: [ Failed password for bob from 10.0.0.1 port 1 ssh2]",
	  0, 1764324000, "bob" },
};

static void test_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct line_case *c = &cases[i];
		struct logfmt_opts o;
		struct log_event ev;
		enum logfmt_result rc;

		memset(&o, 0, sizeof(o));
		o.format = c->format;
		o.fields.time = "ts";
		o.fields.user = "user";
		o.year_ref = 1764500000; /* 2025-11-30 */
		rc = logfmt_parse(&o, c->line, strlen(c->line), &ev);
		if (rc != c->want)
			fail_msg("case %zu (%s): got %d, want %d", i, c->line, rc, c->want);
		if (rc == 0) {
			assert_true(ev.has_time);
			assert_int_equal(ev.time, c->time);
		} else if (rc == LOGFMT_BAD_TIME) {
			assert_false(ev.has_time);
		}
		if (rc != LOGFMT_MALFORMED && c->user) {
			assert_int_equal(ev.user.len, strlen(c->user));
			assert_memory_equal(c->line + ev.user.off, c->user, ev.user.len);
		}
	}
}

/* The jsonl field slots: one table, in JSONL_FIELD_NAMES's order, by name
 * (exact, length-bounded), each name reaching its own member. */
static void test_field_slots(void **state)
{
	struct jsonl_fields f = { 0 };
	const char *expect[] = { "time", "user", "model", "version", "status", "route",
				 "decision" };
	const char **all[] = { &f.time, &f.user, &f.model, &f.version, &f.status,
			       &f.route, &f.decision };
	char list[128] = "";
	size_t n = 0, at = 0;

	(void)state;
	for (; jsonl_field_name(n); n++) {
		assert_true(n < 7);
		assert_string_equal(jsonl_field_name(n), expect[n]);
		assert_ptr_equal(jsonl_field_slot(&f, expect[n], strlen(expect[n])), all[n]);
		*all[n] = expect[n];
		assert_ptr_equal(jsonl_field_value(&f, n), expect[n]);
		at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s", n ? ", " : "",
				       expect[n]);
	}
	assert_int_equal(n, 7);
	assert_string_equal(list, JSONL_FIELD_NAMES);
	assert_null(jsonl_field_slot(&f, "userx", 5));
	assert_null(jsonl_field_slot(&f, "use", 3));
	assert_null(jsonl_field_slot(&f, "", 0));
	assert_ptr_equal(jsonl_field_slot(&f, "user=ts", 4), &f.user);
}

/* A line's verdict is never an error code: a malformed line was -1, which
 * is ERR_IO, and a line with a bad time -2, which is ERR_PARSE. */
static void test_results_are_not_errors(void **state)
{
	static const char *const lines[] = { "not a log line", "", "{\"user\":\"eve\"}" };
	struct logfmt_opts o;
	struct log_event ev;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.fields.time = "ts";
	o.fields.user = "user";
	for (int f = LOGFMT_COMBINED; f <= LOGFMT_SYSLOG; f++)
		for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
			enum logfmt_result rc;

			o.format = (enum logfmt)f;
			rc = logfmt_parse(&o, lines[i], strlen(lines[i]), &ev);
			assert_true(rc == LOGFMT_MALFORMED || rc == LOGFMT_BAD_TIME);
			assert_true((int)rc > 0);
			assert_int_not_equal(rc, ERR_IO);
			assert_int_not_equal(rc, ERR_PARSE);
		}
	o.format = LOGFMT_JSONL;
	assert_int_equal(logfmt_parse(&o, lines[2], strlen(lines[2]), &ev), LOGFMT_BAD_TIME);
	assert_int_equal(logfmt_parse(&o, "{\"ts\":1764324000,\"user\":\"eve\"}",
				      strlen("{\"ts\":1764324000,\"user\":\"eve\"}"), &ev),
			 LOGFMT_EVENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_field_slots),
		cmocka_unit_test(test_results_are_not_errors),
	};

	return cmocka_run_group_tests_name("logfmt", tests, NULL, NULL);
}
