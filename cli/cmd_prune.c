#include "cli.h"
#include "../common/err.h"
#include "../common/timeutil.h"
#include "../retention/retention.h"

#include <getopt.h>
#include <inttypes.h>

const char help_prune[] =
	"usage: auditpack prune --before TIME|AGE [--dry-run]\n"
	"\n"
	"Retention by age: erase the payloads of evidence whose period ended before\n"
	"TIME (RFC 3339) or AGE ago (e.g. 400d), keeping every leaf so the log still\n"
	"verifies; a tombstone entry records what went.  Refuses, naming the rule,\n"
	"when that would drop evidence a legal minimum keeps:\n"
	"  access-log            6 months  EU AI Act Art. 19(1) and 26(6)\n"
	"  document, attestation 6 years   HIPAA 45 CFR 164.316(b)(2)(i)\n"
	"Tombstones are never pruned.\n"
	"  --dry-run  list what would go; change nothing\n";

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
	if ((rc = cli_open_store(cli, STORE_WRITE, &s)) || (rc = store_begin(s)) ||
	    (rc = prune_before(s, before, now, dry_run, &r)))
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
	store_close(s);
	return rc ? cli_fail(rc) : EXIT_OK;
}
