#include "cli.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <getopt.h>
#include <unistd.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

const char help_list[] =
	"usage: auditpack list [--kind K] [--source S] [--since TIME] [--json] [--header]\n"
	"\n"
	"List evidence entries in log order: index, kind, source, subject,\n"
	"collected time, payload size (\"erased\" for erased payloads); with a header\n"
	"row on a terminal.\n"
	"  --kind K       only this kind (access-log, model-version, config-snapshot,\n"
	"                 command-output, document, attestation, gate-decision, tombstone,\n"
	"                 observation)\n"
	"  --source S     only this source\n"
	"  --since TIME   only entries collected at or after TIME (RFC 3339, or a date\n"
	"                 such as 2026-11-30: midnight UTC)\n"
	"  --json         an array of the `show --json` objects, without leaf_data\n"
	"  --header       the header row even when standard output is not a terminal\n";

static int print_row(const struct entry *e, void *arg)
{
	char coll[RFC3339_LEN];

	(void)arg;
	if (e->erased)
		printf("%" PRIu64 "\t%s\t%s\t%s\t%s\terased\n", e->index, e->kind,
		       e->source, e->subject, entry_time_text(coll, e->collected));
	else
		printf("%" PRIu64 "\t%s\t%s\t%s\t%s\t%" PRIu64 "\n", e->index, e->kind,
		       e->source, e->subject, entry_time_text(coll, e->collected),
		       e->payload_size);
	return 0;
}

static int add_json(const struct entry *e, void *arg)
{
	json_t *o = cli_entry_json(e, false);

	if (!o || json_array_append_new(arg, o))
		return err_nomem();
	return 0;
}

int cmd_list(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "source", required_argument, NULL, 's' },
		{ "since", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "header", no_argument, NULL, 'H' },
		{ 0, 0, 0, 0 },
	};
	struct store_filter f = { NULL, NULL, INT64_MIN };
	json_t *arr = NULL;
	bool json = false, header = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': f.kind = optarg; break;
		case 's': f.source = optarg; break;
		case 'j': json = true; break;
		case 'H': header = true; break;
		case 't':
			if (time_parse_arg(&f.since, optarg))
				return cli_usage("list", "--since: %s", err_msg());
			break;
		default: return cli_bad_option("list", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("list", "unexpected argument '%s'", argv[optind]);
	if (f.kind && !entry_kind_valid(f.kind))
		return cli_usage("list", "'%s' is not an evidence kind", f.kind);
	if (!json) {
		/* A header for people; scripts reading the rows get none. */
		if (header || isatty(STDOUT_FILENO))
			printf("index\tkind\tsource\tsubject\tcollected\tbytes\n");
		return (rc = store_each(cli->store, &f, print_row, NULL)) ? cli_fail(rc) : EXIT_OK;
	}
	if (!(arr = json_array()))
		return cli_fail(err_nomem());
	rc = store_each(cli->store, &f, add_json, arr);
	if (!rc)
		rc = cli_print_json(arr);
	json_decref(arr);
	return rc ? cli_fail(rc) : EXIT_OK;
}
