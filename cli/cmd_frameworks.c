#include "cli.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../controls/catalog.h"

#include <getopt.h>
#include <string.h>
#include <unistd.h>

const char help_frameworks[] =
	"usage: auditpack frameworks [--json]\n"
	"\n"
	"List the control catalogues: the built-in ones (GDPR, HIPAA, ISO/IEC 27001,\n"
	"ISO/IEC 42001, EU AI Act, RBI, RBI FREE-AI, SEBI CSCRF) and any imported into\n"
	"the store with 'controls import'.\n"
	"  --json    an array of {id, title, version, source, controls}\n"
	"  --header  a header row even when standard output is not a terminal\n"
	"            (it always has one on a terminal)\n";

void cli_framework_ids(const struct catalogs *cs, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct catalog *c = catalogs_find(cs, v[i]);

		if (c)
			v[i] = c->framework;
	}
}

int cli_load_catalogs(struct cli *cli, struct catalogs *out)
{
	char dir[4096];
	int rc;

	if ((rc = fs_join(dir, sizeof(dir), cli->store_dir, "controls")))
		return rc;
	return catalogs_load(out, dir);
}

int cmd_frameworks(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "header", no_argument, NULL, 'H' },
		{ 0, 0, 0, 0 },
	};
	struct catalogs cs;
	json_t *arr;
	bool json = false, header = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'H')
			header = true;
		else
			return cli_bad_option("frameworks", argc, argv);
	}
	if (optind < argc)
		return cli_usage("frameworks", "unexpected argument '%s'", argv[optind]);
	if ((rc = cli_load_catalogs(cli, &cs)))
		return cli_fail(rc);
	if (json) {
		if (!(arr = json_array())) {
			catalogs_free(&cs);
			return cli_fail(err_nomem());
		}
		for (size_t i = 0; i < cs.n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s?, s:I}",
				"id", cs.v[i].framework, "title", cs.v[i].title,
				"version", cs.v[i].version, "source", cs.v[i].source,
				"controls", (json_int_t)cs.v[i].n));
		rc = cli_print_json(arr);
		json_decref(arr);
	} else {
		/* A header for people; scripts reading the rows get none. */
		if (header || isatty(STDOUT_FILENO))
			printf("%-14s %5s  %s\n", "framework", "ctrls", "title (version)");
		for (size_t i = 0; i < cs.n; i++)
			printf("%-14s %5zu  %s (%s)\n", cs.v[i].framework, cs.v[i].n,
			       cs.v[i].title, cs.v[i].version);
	}
	catalogs_free(&cs);
	return rc ? cli_fail(rc) : EXIT_OK;
}
