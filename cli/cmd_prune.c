#include "cli.h"
#include "progress.h"
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
#include <unistd.h>

const char help_prune[] =
	"usage: auditpack prune --before TIME|AGE [--dry-run] [--yes] [--json]\n"
	"\n"
	"Retention by age: erase the payloads of evidence whose period ended before\n"
	"TIME (RFC 3339 or a date, 2026-01-31) or AGE ago (a number and a unit: s, m,\n"
	"h, d or w, e.g. 400d; a bare number is refused), keeping every leaf so the log still\n"
	"verifies; a tombstone entry records what went.  Refuses, naming the\n"
	"framework, control and minimum, when that would drop evidence a framework\n"
	"in scope (profile: in auditpack.yaml; default all) still requires, as its\n"
	"catalogue and the profile say, or that retention: in auditpack.yaml keeps:\n"
	"  access-log            2 years   SEBI CSCRF PR.AA.S9 (guideline PR.AA.G1 1(e))\n"
	"                        6 months  EU AI Act Art. 19(1), 26(6): high-risk only\n"
	"  document, attestation 6 years   HIPAA 45 CFR 164.316(b)(2)(i)\n"
	"Tombstones are never pruned.\n"
	"  --dry-run  list what would go; change nothing\n"
	"  --json     {pruned (done or not), before, entries, bytes, tombstone}\n"
	"  --yes      go ahead without asking: needed when standard input is a\n"
	"             terminal (without it, prune lists what would go and stops);\n"
	"             runs from cron or scripts do not need it\n";

static int print_json(const struct prune_result *r, const char *before, bool done)
{
	json_t *o = json_pack("{s:b, s:s, s:o, s:I, s:o}", "pruned", done, "before", before,
			      "entries", cli_indices_json(r->pruned, r->npruned),
			      "bytes", (json_int_t)r->bytes,
			      "tombstone", done ? json_integer((json_int_t)r->tombstone)
						: json_null());
	int rc;

	if (!o)
		return err_nomem();
	rc = cli_print_json(o);
	json_decref(o);
	return rc;
}

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
			rc = err_nomem();
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
		{ "yes", no_argument, NULL, 'y' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	const char *before_arg = NULL;
	int64_t before, age, now = time_now();
	struct prune_result r = { 0 };
	struct cli_progress prog;
	char t[RFC3339_LEN];
	struct store *s = NULL;
	struct retention_rule *rules = NULL;
	size_t nrules = 0;
	bool dry_run = false, yes = false, json = false, ask;
	int c, rc, status = EXIT_OK;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b': before_arg = optarg; break;
		case 'n': dry_run = true; break;
		case 'y': yes = true; break;
		case 'j': json = true; break;
		default: return cli_bad_option("prune", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("prune", "unexpected argument '%s'", argv[optind]);
	if (!before_arg)
		return cli_usage("prune", "--before is required");
	if (time_parse_arg(&before, before_arg)) {
		if (duration_parse(&age, before_arg))
			return cli_usage("prune", "--before takes a time (2026-01-31 or RFC 3339) "
					 "or an age: %s", err_msg());
		before = now - age;
	}
	/* Irreversible: at a terminal, show what would go and ask for --yes. */
	ask = !dry_run && !yes && isatty(STDIN_FILENO);
	if ((rc = load_rules(cli, now, &rules, &nrules)) ||
	    (rc = cli_open_store(cli, STORE_WRITE, &s)) || (rc = store_begin(s)))
		goto out;
	rc = prune_before(s, before, now, dry_run || ask, rules, nrules,
			  cli_progress_start(&prog, cli, "prune", false), &r);
	cli_progress_end(&prog);
	if (rc)
		goto out;
	time_format(t, before);
	if (dry_run || ask || r.npruned == 0) {
		store_rollback(s);
		if (json && (rc = print_json(&r, t, false)))
			goto out;
		if (!json && (!cli->quiet || (ask && r.npruned))) {
			printf("%s %zu entr%s (%" PRIu64 " payload bytes) ended before %s",
			       dry_run || ask ? "would prune" : "nothing to prune:", r.npruned,
			       r.npruned == 1 ? "y" : "ies", r.bytes, t);
			if (r.npruned) {
				printf(": ");
				cli_print_ranges(stdout, r.pruned, r.npruned);
			}
			putchar('\n');
		}
		if (ask && r.npruned) {
			fprintf(stderr, "auditpack: prune: nothing pruned: this erases the payloads "
				"listed above for good; run again with --yes to go ahead\n");
			status = EXIT_USAGE;
		}
		goto out;
	}
	if ((rc = store_commit(s)) || (rc = store_purge(s)))
		goto out;
	if (json)
		rc = print_json(&r, t, true);
	else if (!cli->quiet) {
		printf("pruned %zu entr%s (%" PRIu64 " payload bytes) that ended before %s: ",
		       r.npruned, r.npruned == 1 ? "y" : "ies", r.bytes, t);
		cli_print_ranges(stdout, r.pruned, r.npruned);
		printf("\ntombstone\tentry %" PRIu64 "; checkpoint re-signed\n", r.tombstone);
	}
out:
	prune_result_free(&r);
	free(rules);
	store_close(s);
	return rc ? cli_fail(rc) : status;
}
