#include "cli.h"
#include "../common/err.h"
#include "../common/timeutil.h"
#include "../common/profile.h"
#include "../controls/catalog.h"
#include "../mappings/scope.h"
#include "../retention/retention.h"

#include <stdlib.h>
#include <string.h>

#include <getopt.h>
#include <inttypes.h>

const char help_prune[] =
	"usage: auditpack prune --before TIME|AGE [--dry-run]\n"
	"\n"
	"Retention by age: erase the payloads of evidence whose period ended before\n"
	"TIME (RFC 3339) or AGE ago (e.g. 400d), keeping every leaf so the log still\n"
	"verifies; a tombstone entry records what went.  Refuses, naming the\n"
	"framework, control and minimum, when that would drop evidence a framework\n"
	"in scope (profile: in auditpack.yaml; default all) still requires, as its\n"
	"catalogue and the profile say, or that retention: in auditpack.yaml keeps:\n"
	"  access-log            2 years   SEBI CSCRF PR.AA.S9 (guideline PR.AA.G1 1(e))\n"
	"                        6 months  EU AI Act Art. 19(1), 26(6): high-risk only\n"
	"  document, attestation 6 years   HIPAA 45 CFR 164.316(b)(2)(i)\n"
	"Tombstones are never pruned.\n"
	"  --dry-run  list what would go; change nothing\n";

/* The minimums of the frameworks in scope, and auditpack.yaml's own. */
static int load_rules(struct cli *cli, int64_t now, struct retention_rule **out, size_t *n)
{
	struct catalogs cs = { NULL, 0 };
	struct profile prof = { 0 };
	struct scope_minimum *mins = NULL;
	char per[40];
	size_t nmins = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = cli_load_catalogs(cli, &cs)) || (rc = cli_load_profile(cli, &cs, &prof)))
		goto out;
	for (int k = 0; k < PROFILE_RETENTION_KINDS && !rc; k++) {
		const char *kind = profile_retention_kinds[k];
		struct retention_rule *grown;

		if ((rc = scope_minimums(&mins, &nmins, &prof, &cs, kind, now)))
			break;
		if (!(grown = realloc(*out, (*n + nmins + 2) * sizeof(**out)))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		*out = grown;
		for (size_t i = 0; i < nmins; i++) {
			struct retention_rule *r = &(*out)[(*n)++];

			r->kind = kind;
			r->keep_from = mins[i].keep_from;
			period_str(per, sizeof(per), &mins[i].period);
			snprintf(r->why, sizeof(r->why), "%s %s (%s): %s evidence must be kept %s",
				 mins[i].cat->framework, mins[i].control->label, mins[i].cat->title,
				 kind, per);
		}
		if (period_set(&prof.retention[k])) {
			struct retention_rule *r = &(*out)[(*n)++];

			r->kind = kind;
			r->keep_from = period_before(now, &prof.retention[k]);
			period_str(per, sizeof(per), &prof.retention[k]);
			snprintf(r->why, sizeof(r->why), "auditpack.yaml retention: %s evidence "
				 "kept %s", kind, per);
		}
		free(mins);
		mins = NULL;
	}
out:
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	profile_free(&prof);
	catalogs_free(&cs);
	return rc;
}

int cmd_prune(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "before", required_argument, NULL, 'b' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ 0, 0, 0, 0 },
	};
	const char *before_arg = NULL;
	int64_t before, age, now = time_now();
	struct prune_result r = { 0 };
	char t[RFC3339_LEN];
	struct store *s = NULL;
	struct retention_rule *rules = NULL;
	size_t nrules = 0;
	bool dry_run = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b': before_arg = optarg; break;
		case 'n': dry_run = true; break;
		default: return cli_usage("prune", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage("prune", "unexpected argument '%s'", argv[optind]);
	if (!before_arg)
		return cli_usage("prune", "--before is required");
	if (time_parse(&before, before_arg)) {
		if (duration_parse(&age, before_arg))
			return cli_usage("prune", "--before takes an RFC 3339 time or an age "
					 "such as 400d");
		before = now - age;
	}
	if ((rc = load_rules(cli, now, &rules, &nrules)) ||
	    (rc = cli_open_store(cli, STORE_WRITE, &s)) || (rc = store_begin(s)) ||
	    (rc = prune_before(s, before, now, dry_run, rules, nrules, &r)))
		goto out;
	time_format(t, before);
	if (dry_run || r.npruned == 0) {
		store_rollback(s);
		if (!cli->quiet) {
			printf("%s %zu entr%s (%" PRIu64 " payload bytes) ended before %s",
			       dry_run ? "would prune" : "nothing to prune:", r.npruned,
			       r.npruned == 1 ? "y" : "ies", r.bytes, t);
			if (r.npruned) {
				printf(": ");
				cli_print_ranges(stdout, r.pruned, r.npruned);
			}
			putchar('\n');
		}
		goto out;
	}
	if ((rc = store_commit(s)) || (rc = store_purge(s)))
		goto out;
	if (!cli->quiet) {
		printf("pruned %zu entr%s (%" PRIu64 " payload bytes) that ended before %s: ",
		       r.npruned, r.npruned == 1 ? "y" : "ies", r.bytes, t);
		cli_print_ranges(stdout, r.pruned, r.npruned);
		printf("\ntombstone\tentry %" PRIu64 "; checkpoint re-signed\n", r.tombstone);
	}
out:
	prune_result_free(&r);
	free(rules);
	store_close(s);
	return rc ? cli_fail(rc) : EXIT_OK;
}
