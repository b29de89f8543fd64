#include "cli.h"
#include "../collectors/document.h"
#include "../common/err.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

const char help_collect[] =
	"usage: auditpack collect file [--kind document|attestation] [--type T]\n"
	"                              [--name SOURCE] PATH...\n"
	"\n"
	"file   keep documents (policies, DPIAs, model cards, red-team reports) as\n"
	"       evidence: each file is hashed and stored whole, one entry per file,\n"
	"       all files of one run in one signed checkpoint, or none of them.\n"
	"  --kind K      document (default) or attestation\n"
	"  --type T      a label kept in attrs that checks can ask for: dpia,\n"
	"                red-team-report, model-card, policy, ...\n"
	"  --name SOURCE the source name of the entries (default: documents)\n";

static int collect_file(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "type", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ 0, 0, 0, 0 },
	};
	struct document_opts o = { "document", NULL, NULL };
	struct store *s = NULL;
	uint64_t *idx = NULL;
	size_t n;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': o.kind = optarg; break;
		case 't': o.type = optarg; break;
		case 'n': o.source = optarg; break;
		default: return cli_usage("collect", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage("collect", "collect file needs at least one PATH");
	if (strcmp(o.kind, "document") && strcmp(o.kind, "attestation"))
		return cli_usage("collect", "--kind must be document or attestation");
	if (!o.source)
		o.source = !strcmp(o.kind, "document") ? "documents" : "attestations";
	n = (size_t)(argc - optind);
	if (!(idx = calloc(n, sizeof(*idx))))
		return cli_fail(err_set(ERR_NOMEM, "out of memory"));
	if ((rc = cli_open_store(cli, STORE_WRITE, &s)) ||
	    (rc = document_collect(s, &o, argv + optind, n, idx))) {
		rc = cli_fail(rc);
		goto out;
	}
	if (!cli->quiet)
		for (size_t i = 0; i < n; i++)
			printf("%" PRIu64 "\t%s\t%s\n", idx[i], o.kind, argv[optind + (int)i]);
	rc = EXIT_OK;
out:
	store_close(s);
	free(idx);
	return rc;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv, struct cli *cli);
} collectors[] = {
	{ "file", collect_file },
};

int cmd_collect(int argc, char **argv, struct cli *cli)
{
	if (argc < 2)
		return cli_usage("collect", "name what to collect (file)");
	for (size_t i = 0; i < sizeof(collectors) / sizeof(collectors[0]); i++)
		if (!strcmp(argv[1], collectors[i].name))
			return collectors[i].fn(argc - 1, argv + 1, cli);
	return cli_usage("collect", "'%s' is not a collector (known: file)", argv[1]);
}
