#include "cli.h"
#include "../common/err.h"
#include "../reports/diff.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const char help_diff[] =
	"usage: auditpack diff OLD NEW [--json]\n"
	"\n"
	"Compare two assessments, each an 'assess --json' file or an audit pack (its\n"
	"reports/assessment.json), by their findings' stable ids: new (only in NEW),\n"
	"resolved (only in OLD) and persisting (in both).  Exit 1 when there are new\n"
	"findings, 0 otherwise (as diff(1)); 3 when an input cannot be read.\n"
	"  --json   {\"new\": [...], \"resolved\": [...], \"persisting\": [...]}, the\n"
	"           findings as in assess --json\n";

static void print_list(const char *title, const json_t *list)
{
	size_t i;
	json_t *f;

	printf("%s: %zu\n", title, json_array_size(list));
	json_array_foreach(list, i, f)
		printf("  %-7s %s  %s: %s\n      %s\n",
		       json_string_value(json_object_get(f, "status")) ?
		       json_string_value(json_object_get(f, "status")) : "?",
		       json_string_value(json_object_get(f, "id")) ?
		       json_string_value(json_object_get(f, "id")) : "?",
		       json_string_value(json_object_get(f, "check")) ?
		       json_string_value(json_object_get(f, "check")) : "?",
		       json_string_value(json_object_get(f, "subject")) ?
		       json_string_value(json_object_get(f, "subject")) : "?",
		       json_string_value(json_object_get(f, "message")) ?
		       json_string_value(json_object_get(f, "message")) : "");
}

int cmd_diff(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	json_t *a = NULL, *b = NULL, *res = NULL;
	bool as_json = false;
	size_t nnew = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': as_json = true; break;
		default: return cli_usage("diff", "unknown option");
		}
	}
	if (argc - optind != 2)
		return cli_usage("diff", "diff needs two assessments: OLD NEW");
	if ((rc = diff_load(&a, argv[optind])) || (rc = diff_load(&b, argv[optind + 1])))
		goto out;
	if (!(res = diff_findings(a, b, &nnew))) {
		rc = err_nomem();
		goto out;
	}
	if (as_json) {
		rc = cli_print_json(res);
	} else if (!cli->quiet) {
		print_list("new", json_object_get(res, "new"));
		print_list("resolved", json_object_get(res, "resolved"));
		print_list("persisting", json_object_get(res, "persisting"));
	}
out:
	json_decref(a);
	json_decref(b);
	json_decref(res);
	if (rc)
		return cli_fail(rc);
	return nnew ? EXIT_VERDICT : EXIT_OK;
}
