#include "cli.h"
#include "../collectors/document.h"
#include "../common/err.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
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
	"  --name SOURCE the source name of the entries (default: documents)\n"
	"  --files-from LIST  also read paths from LIST, one per line (- for stdin),\n"
	"                for more files than a command line holds\n";

/* Append the lines of `path` (or stdin for "-") to paths. */
static int read_path_list(const char *path, char ***paths, size_t *n, size_t *cap)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL, **np;
	size_t lcap = 0, lineno = 0;
	ssize_t len;
	int rc = 0;

	if (!f)
		return err_set(ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	while ((len = getline(&line, &lcap, f)) >= 0) {
		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 1024;
			if (!(np = realloc(*paths, *cap * sizeof(*np)))) {
				rc = err_set(ERR_NOMEM, "out of memory");
				break;
			}
			*paths = np;
		}
		if (!((*paths)[*n] = strdup(line))) {
			rc = err_set(ERR_NOMEM, "out of memory");
			break;
		}
		(*n)++;
	}
	if (!rc && ferror(f))
		rc = err_set(ERR_IO, "cannot read '%s' at line %zu", path, lineno + 1);
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

static int collect_file(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "type", required_argument, NULL, 't' },
		{ "name", required_argument, NULL, 'n' },
		{ "files-from", required_argument, NULL, 'f' },
		{ 0, 0, 0, 0 },
	};
	struct document_opts o = { "document", NULL, NULL };
	struct store *s = NULL;
	uint64_t *idx = NULL;
	const char *list = NULL;
	char **paths = NULL;
	size_t n = 0, cap = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': o.kind = optarg; break;
		case 't': o.type = optarg; break;
		case 'n': o.source = optarg; break;
		case 'f': list = optarg; break;
		default: return cli_usage("collect", "unknown option");
		}
	}
	if (optind >= argc && !list)
		return cli_usage("collect", "collect file needs at least one PATH");
	if (strcmp(o.kind, "document") && strcmp(o.kind, "attestation"))
		return cli_usage("collect", "--kind must be document or attestation");
	if (!o.source)
		o.source = !strcmp(o.kind, "document") ? "documents" : "attestations";
	for (int i = optind; i < argc; i++) {
		if (n == cap && !(paths = reallocarray(paths, cap = cap * 2 + 16, sizeof(*paths)))) {
			rc = cli_fail(err_set(ERR_NOMEM, "out of memory"));
			goto out;
		}
		paths[n++] = argv[i];
	}
	if (list && (rc = read_path_list(list, &paths, &n, &cap))) {
		rc = cli_fail(rc);
		goto out;
	}
	if (n == 0) {
		rc = cli_usage("collect", "no paths in '%s'", list);
		goto out;
	}
	if (!(idx = calloc(n, sizeof(*idx)))) {
		rc = cli_fail(err_set(ERR_NOMEM, "out of memory"));
		goto out;
	}
	if ((rc = cli_open_store(cli, STORE_WRITE, &s)) ||
	    (rc = document_collect(s, &o, paths, n, idx))) {
		rc = cli_fail(rc);
		goto out;
	}
	if (!cli->quiet)
		for (size_t i = 0; i < n; i++)
			printf("%" PRIu64 "\t%s\t%s\n", idx[i], o.kind, paths[i]);
	rc = EXIT_OK;
out:
	store_close(s);
	/* argv's strings are not ours; the list's are. */
	for (size_t i = (size_t)(argc > optind ? argc - optind : 0); i < n; i++)
		free(paths[i]);
	free(paths);
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
