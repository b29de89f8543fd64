#include "cli.h"
#include "../collectors/pii.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/json.h"
#include "../common/timeutil.h"
#include "../common/utf8.h"
#include "../controls/catalog.h"
#include "../mappings/checks.h"
#include "../mappings/gate.h"
#include "../mappings/policy.h"
#include "../mappings/scope.h"
#include "../reports/junit.h"

#include <getopt.h>
#include <limits.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define EM_DASH "\xe2\x80\x94"

const char help_gate[] =
	"usage: auditpack gate [--policy FILE] [--framework FW,...] [--junit FILE]\n"
	"                      [--at TIME] [--release ID] [--json]\n"
	"\n"
	"Pre-release gate.  Verify the store first (a store that does not verify\n"
	"fails the gate before anything is judged), judge every control the policy\n"
	"puts in scope, print one FAIL line per control whose status the policy\n"
	"fails on and one WARN line per control that would fail within warn-before,\n"
	"record the decision as a signed gate-decision entry (carrying the policy),\n"
	"and exit 0 when the gate passes, 1 when it fails.\n"
	"  --policy FILE       the policy (YAML): frameworks, require, exclude (with a\n"
	"                      justification each), fail-on, max-age, warn-before,\n"
	"                      upcoming; see examples/gate-policy.yaml\n"
	"  --framework FW,...  judge every control of these frameworks; replaces the\n"
	"                      policy's frameworks.  Without --policy the defaults\n"
	"                      apply: fail-on [fail, stale, missing]\n"
	"Without either, the frameworks of profile: in auditpack.yaml are judged with\n"
	"the defaults.  A control the profile puts out of scope is not-applicable; one\n"
	"that binds only later (applies_from) does not fail the gate unless the policy\n"
	"sets upcoming: DURATION and it binds within that; one LATER line names each\n"
	"that would fail.\n"
	"  --junit FILE        also write JUnit XML for CI: one testsuite per framework,\n"
	"                      one testcase per control, a <failure> per failing control\n"
	"  --at TIME           judge as of TIME (RFC 3339): evidence collected later is\n"
	"                      ignored and freshness is judged then; default now\n"
	"  --release ID        what is being released (a commit, a tag): the subject of\n"
	"                      the decision entry\n"
	"  --json              the decision as recorded (verdict, at, release, policy,\n"
	"                      failing, counts, checkpoint, ...) plus entry (its index)\n"
	"                      and warned: [{control, id, text}], instead of the lines\n"
	"With -q nothing is printed when the gate passes.\n"
	"exit status: 0 passed, 1 failed or the store does not verify, 2 usage,\n"
	"3 error (a bad policy is named by file:line:column), 4 store locked\n";

struct gate_args {
	const char *policy;
	char *frameworks;
	const char *junit;
	const char *release;
	int64_t at;
	bool json;
};

static int parse_args(int argc, char **argv, struct gate_args *a)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "framework", required_argument, NULL, 'f' },
		{ "junit", required_argument, NULL, 'j' },
		{ "at", required_argument, NULL, 'a' },
		{ "release", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'J' },
		{ 0, 0, 0, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->at = time_now();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': a->policy = optarg; break;
		case 'f': a->frameworks = optarg; break;
		case 'j': a->junit = optarg; break;
		case 'r': a->release = optarg; break;
		case 'J': a->json = true; break;
		case 'a':
			if (time_parse_arg(&a->at, optarg))
				return cli_usage("gate", "--at: %s", err_msg());
			break;
		default: return cli_bad_option("gate", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("gate", "unexpected argument '%s'", argv[optind]);
	if (a->release && (!entry_field_valid(a->release) || !utf8_valid_str(a->release)))
		return cli_usage("gate", "--release: an id of 1 to %d bytes of UTF-8 without "
				 "control characters", ENTRY_FIELD_MAX);
	if (a->policy && !utf8_valid_str(a->policy))
		return cli_usage("gate", "--policy: the file name must be UTF-8");
	return EXIT_OK;
}

/*
 * A justification is kept in every gate-decision entry (never erased) and
 * shown in packs: refuse one the PII detectors find personal data in,
 * naming file:line.  The detectors only count here, so any key will do.
 */
static int check_justifications(const struct gate_policy *p)
{
	static const uint8_t key[STORE_SECRET_LEN];
	const char *file = p->file ? p->file : "(policy)";
	struct pii *pii = NULL;
	char found[128];
	int rc, n = 0;

	if (!p->nexclude && !p->naccept)
		return 0;
	if ((rc = pii_new(&pii, key)))
		return rc;
	for (size_t i = 0; i < p->nexclude && n == 0; i++) {
		const struct policy_control *c = &p->exclude[i];

		if ((n = pii_describe(pii, c->justification, strlen(c->justification), found,
				      sizeof(found))) > 0)
			rc = err_set(ERR_PARSE, "%s:%zu:%zu: the justification of %s:%s contains "
				     "personal data (%s); it is kept in every gate decision and "
				     "pack, so use a ticket number such as DSR-114", file,
				     c->why_line, c->why_column, c->framework, c->label, found);
	}
	for (size_t i = 0; i < p->naccept && n == 0; i++) {
		const struct assess_accept *a = &p->accept[i];

		if ((n = pii_describe(pii, a->justification, strlen(a->justification), found,
				      sizeof(found))) > 0)
			rc = err_set(ERR_PARSE, "%s:%zu: the justification of accepted finding %s "
				     "contains personal data (%s); it is kept in every gate decision "
				     "and pack, so use a ticket number such as DSR-114", file,
				     a->line, a->finding, found);
	}
	if (n < 0)
		rc = n;
	pii_free(pii);
	return rc;
}

/* The policy file, or the default one for --framework; --framework
 * replaces a policy's frameworks. */
static int load_policy(const struct gate_args *a, const struct catalogs *cs,
		       const struct profile *prof, struct gate_policy *out)
{
	char **fws = NULL;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!a->policy && !a->frameworks && !prof->frameworks)
		return err_set(ERR_USAGE, "gate: give --policy FILE or --framework FW,..., or "
			       "list the frameworks in scope under profile: in auditpack.yaml");
	if (a->frameworks && !(fws = cli_split_commas(a->frameworks, &n)))
		return err_nomem();
	else if (!a->policy && !a->frameworks &&
		 (rc = scope_frameworks(&fws, &n, prof, cs)))
		return rc;
	cli_framework_ids(cs, fws, n);
	if (!a->policy)
		rc = policy_default(out, cs, fws, n);
	else if (!(rc = policy_load(out, cs, a->policy)) && fws)
		rc = policy_set_frameworks(out, cs, fws, n);
	if (!rc)
		rc = policy_check_scope(out);
	if (!rc)
		rc = check_justifications(out);
	out->profile = prof;
	free(fws);
	return rc;
}

/* Verify the store (and against its witness) before anything is judged.
 * *bad: it did not verify (the problems are printed). */
static int verify_first(struct cli *cli, struct store *s, struct verify_report *r, bool *bad)
{
	char witness[PATH_MAX];
	int rc;

	if ((rc = cli_verify(cli, s, NULL, NULL, r, witness)))
		return rc;
	if ((*bad = r->nproblems > 0))
		printf("gate: FAILED: the evidence store does not verify\n");
	return 0;
}

/* Text from evidence on a terminal: no control characters. */
static void put_text(const char *s)
{
	for (; s && *s; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

static void print_line(const char *tag, const struct gate_item *it, const char *status,
		       const char *reason)
{
	printf("%s %s:", tag, it->cat->framework);
	put_text(it->now->control->label);
	putchar(' ');
	put_text(it->now->control->title);
	printf(" " EM_DASH " %s", status);
	if (reason) {
		fputs(": ", stdout);
		put_text(reason);
	}
	putchar('\n');
}

/* Findings the policy accepts as a risk: listed, so acceptance is never silent. */
static void print_accepted(const struct gate_result *g)
{
	for (size_t i = 0; i < g->now.nchecks; i++)
		for (size_t j = 0; j < g->now.checks[i].nfindings; j++) {
			const struct finding *f = &g->now.checks[i].findings[j];

			if (f->accepted)
				printf("ACCEPTED finding %s %s: %s (%s)\n", f->id,
				       g->now.checks[i].check->id, f->subject, f->accepted);
		}
}

/* Exclusions whose `expires` has passed no longer apply: say so, always. */
static void print_expired(const struct gate_result *g)
{
	struct policy_expired x[64];
	size_t n = policy_expired(g->policy, g->at, x, sizeof(x) / sizeof(x[0]));
	char when[RFC3339_LEN];

	for (size_t i = 0; i < n && i < sizeof(x) / sizeof(x[0]); i++) {
		time_format(when, x[i].expires);
		printf("EXPIRED exclusion of %s%s%s (%s:%zu) ended %s: it no longer applies "
		       "(was: %s)\n", x[i].framework ? x[i].framework : "finding",
		       x[i].framework ? ":" : " ", x[i].what,
		       g->policy->file ? g->policy->file : "policy", x[i].line, when,
		       x[i].justification);
	}
}

static int print_items(const struct cli *cli, const struct gate_result *g)
{
	struct buf w = BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].fails)
			print_line("FAIL", &g->v[i], status_name(g->v[i].now->status),
				   g->v[i].now->reason);
	for (size_t i = 0; i < g->n && !cli->quiet && !rc; i++)
		if (g->v[i].warns && !(rc = gate_warning_text(&w, g, &g->v[i])))
			print_line("WARN", &g->v[i], w.data, NULL);
	for (size_t i = 0; i < g->n && !cli->quiet && !rc; i++)
		if (g->v[i].deferred && g->policy->fail_on[g->v[i].now->status]) {
			char from[RFC3339_LEN];

			time_format(from, g->v[i].now->applies_from);
			from[10] = '\0';
			buf_reset(&w);
			if (!(rc = buf_printf(&w, "binds from %s, not judged yet: %s", from,
					      status_name(g->v[i].now->status))))
				print_line("LATER", &g->v[i], w.data, g->v[i].now->reason);
		}
	buf_free(&w);
	if (!cli->quiet)
		print_accepted(g);
	print_expired(g);
	return rc;
}

static int write_junit(const char *path, const struct gate_result *g)
{
	struct buf x = BUF_INIT;
	int rc;

	if (!(rc = report_junit(&x, g)))
		rc = fs_write_replace(path, x.data, x.len, 0644);
	buf_free(&x);
	return rc ? err_wrap(rc, "--junit") : 0;
}

/* Append the gate-decision entry and commit (signs a checkpoint). */
static int record(struct store *s, const struct gate_result *g, const char *release,
		  uint64_t *index)
{
	struct buf attrs = BUF_INIT;
	struct entry_input in;
	json_t *a = gate_decision_attrs(g, release);
	int rc;

	if (!a || (rc = json_stable(&attrs, a))) {
		json_decref(a);
		return err_nomem();
	}
	json_decref(a);
	memset(&in, 0, sizeof(in));
	in.kind = "gate-decision";
	in.source = "gate";
	in.subject = release;
	in.eff_from = in.eff_to = in.collected = time_now();
	in.attrs = attrs.data;
	in.attrs_len = attrs.len;
	in.payload = g->policy->raw.data ? g->policy->raw.data : "";
	in.payload_len = g->policy->raw.len;
	if (!(rc = store_begin(s)) && !(rc = store_append(s, &in, index)))
		rc = store_commit(s);
	buf_free(&attrs);
	return rc;
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void print_summary(const struct gate_result *g, uint64_t index)
{
	static const enum status order[] = { ST_FAIL, ST_STALE, ST_MISSING, ST_MANUAL };
	const char *sep = " (";

	if (gate_passed(g)) {
		printf("gate: passed: %zu %s in scope, %zu excluded, %zu %s; ", g->n,
		       plural(g->n, "control", "controls"), g->nexcluded, g->nwarn,
		       plural(g->nwarn, "warning", "warnings"));
	} else {
		printf("gate: FAILED: %zu of %zu %s %s the policy", g->nfail, g->n,
		       plural(g->n, "control", "controls"), plural(g->nfail, "fails", "fail"));
		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
			if (g->fail_counts[order[i]]) {
				printf("%s%" PRIu64 " %s", sep, g->fail_counts[order[i]],
				       status_name(order[i]));
				sep = ", ";
			}
		printf("); ");
		if (g->nwarn)
			printf("%zu %s; ", g->nwarn, plural(g->nwarn, "warning", "warnings"));
	}
	if (g->ndeferred)
		printf("%zu not yet binding (applies_from; see 'upcoming' in the policy); ",
		       g->ndeferred);
	printf("decision recorded as entry %" PRIu64 "\n", index);

}

/* gate --json: the decision record, its entry, and the warnings. */
static int print_json(const struct gate_result *g, const char *release, uint64_t index)
{
	json_t *o = gate_decision_attrs(g, release), *warned = json_array();
	struct buf w = BUF_INIT;
	int rc = 0;

	for (size_t i = 0; o && warned && i < g->n && !rc; i++) {
		const struct gate_item *it = &g->v[i];

		if (it->warns && !(rc = gate_warning_text(&w, g, it)))
			json_array_append_new(warned, json_pack("{s:s++, s:s++, s:s}",
				"control", it->cat->framework, ":", it->now->control->label,
				"id", it->cat->framework, ":", it->now->control->id,
				"text", w.data));
	}
	buf_free(&w);
	if (!rc && (!o || !warned ||
		    json_object_set_new(o, "entry", json_integer((json_int_t)index)) ||
		    json_object_set(o, "warned", warned)))
		rc = err_nomem();
	if (!rc)
		rc = cli_print_json(o);
	json_decref(warned);
	json_decref(o);
	return rc;
}

/* Judge, report, record: under the store's lock, on a verified store. */
static int judge(struct cli *cli, const struct gate_args *a, const struct catalogs *cs,
		 const struct checkset *ks, const struct gate_policy *p, struct store *s,
		 const struct verify_report *vr)
{
	struct gate_result g;
	uint64_t index;
	int rc;

	rc = gate_run(&g, s, cs, ks, p, a->at, vr);
	store_read_end(s); /* begun before verify_first(); recording writes */
	if (rc)
		return cli_fail(rc);
	if ((!a->junit || !(rc = write_junit(a->junit, &g))) &&
	    !(rc = record(s, &g, a->release, &index))) {
		if (a->json)
			rc = print_json(&g, a->release, index);
		else if (!gate_passed(&g) || !cli->quiet)
			rc = print_items(cli, &g);
		if (!rc && !a->json && (!gate_passed(&g) || !cli->quiet))
			print_summary(&g, index);
	}
	if (!rc)
		rc = gate_passed(&g) ? EXIT_OK : EXIT_VERDICT;
	else
		rc = cli_fail(rc);
	gate_free(&g);
	return rc;
}

int cmd_gate(int argc, char **argv, struct cli *cli)
{
	struct gate_args a;
	struct catalogs cs = { NULL, 0 };
	struct checkset ks = { NULL, 0, NULL, 0 };
	struct gate_policy p;
	struct verify_report vr;
	struct profile prof;
	struct store *s = NULL;
	bool bad = false;
	int rc;

	memset(&p, 0, sizeof(p));
	memset(&prof, 0, sizeof(prof));
	memset(&vr, 0, sizeof(vr));
	if ((rc = parse_args(argc, argv, &a)))
		return rc;
	/* Everything that can be wrong with the input first: nothing is
	 * locked or recorded for a bad policy. */
	if ((rc = cli_load_catalogs(cli, &cs)) || (rc = cli_load_profile(cli, &cs, &prof)) ||
	    (rc = load_policy(&a, &cs, &prof, &p)) ||
	    (rc = cli_load_checks(cli, &cs, NULL, &ks)) ||
	    (rc = cli_open_store(cli, STORE_WRITE, &s)) || (rc = store_read_begin(s)) ||
	    (rc = verify_first(cli, s, &vr, &bad))) {
		rc = cli_fail(rc);
		goto out;
	}
	if (bad && a.json) {
		json_t *o = json_pack("{s:s, s:s, s:n}", "verdict", "fail", "reason",
				      "the evidence store does not verify", "entry");

		if (!o || cli_print_json(o))
			fprintf(stderr, "auditpack: cannot write JSON\n");
		json_decref(o);
	}
	rc = bad ? EXIT_VERDICT : judge(cli, &a, &cs, &ks, &p, s, &vr);
out:
	verify_report_free(&vr);
	store_close(s);
	checks_free(&ks);
	policy_free(&p);
	profile_free(&prof);
	catalogs_free(&cs);
	return rc;
}
