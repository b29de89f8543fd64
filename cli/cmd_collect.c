#include "cli.h"
#include "progress.h"
#include "../collectors/accesslog.h"
#include "../collectors/command.h"
#include "../collectors/config.h"
#include "../collectors/document.h"
#include "../collectors/model.h"
#include "../collectors/observe.h"
#include "../collectors/pii.h"
#include "../collectors/sources.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/timeutil.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

const char help_collect[] =
	"usage: auditpack collect [--jobs N] [SOURCE...] [--json]\n"
	"       auditpack collect [--jobs N] --rescan SOURCE...\n"
	"       auditpack collect logs --format F [--name N] [--field K=JSONKEY]...\n"
	"                              [--pii MODE] [--complete] [--jobs N] PATH...\n"
	"       auditpack collect model (--mlflow DB_OR_DIR | --dir PATH --name N --version V)\n"
	"                              [--source S] [--pii MODE]\n"
	"       auditpack collect config [--name N] PATH...\n"
	"       auditpack collect cmd --name N [--type T] [--timeout DUR] -- PROG ARGS...\n"
	"       auditpack collect file [--kind document|attestation] [--type T] [--name N]\n"
	"                              [--files-from LIST] PATH...\n"
	"\n"
	"Without a subcommand, run the sources of STORE/auditpack.yaml (all, or those\n"
	"named), in one transaction with one signed checkpoint: a run that fails\n"
	"records nothing, and the next run starts where the last good one stopped.\n"
	"The first run of an access-log source in which not one line parses stores\n"
	"nothing and exits 3, showing the first line (personal data masked) and the\n"
	"format expected: fix the source's format or fields and run again.\n"
	"--rescan SOURCE...  read the named access-log sources' files again from\n"
	"       the start (after fixing their configuration): the new entries record\n"
	"       rescan: true and which earlier entries they supersede (attrs\n"
	"       supersedes); assessments count only the newest, so no line is counted\n"
	"       twice.  Earlier entries stay in the log.\n"
	"\n"
	"logs   access logs, incrementally (a cursor per file; rotation, copy-truncate\n"
	"       and partial last lines handled).  --format combined, common, jsonl,\n"
	"       auditd or syslog; jsonl needs --field time=KEY and may map user, model,\n"
	"       version, status, route and decision.  --pii pseudonymise (default),\n"
	"       redact or keep.  PATH may be a glob: access.log* takes the rotated\n"
	"       generations too, compressed ones (gzip, zstd, xz, bzip2) read\n"
	"       decompressed.  Input that is not text is refused.  A last line without\n"
	"       a newline waits for the next run, unless --complete says the files are\n"
	"       finished.  --jobs N parses and scrubs on N threads (default: the\n"
	"       online cores); the entries are the same, byte for byte, for any N.\n"
	"model  model versions from an MLflow registry (SQLite DB, opened read-only, or\n"
	"       an mlruns/ file store) or a model directory (file digests, config.json,\n"
	"       model card, safetensors headers); an entry only when a version changed\n"
	"config configuration files or trees (JSON, YAML, INI, .env): normalised,\n"
	"       secrets replaced by keyed hashes, changes against the last snapshot\n"
	"cmd    run PROG with ARGS (no shell) and keep stdout, stderr, exit status and\n"
	"       duration; --timeout (default 60s) kills it when exceeded.  --type says\n"
	"       what the output is (rbac: kubectl get clusterroles,roles,... -o json);\n"
	"       only typed output feeds the checks that ask for that type.\n"
	"file   keep documents (policies, DPIAs, model cards, red-team reports) whole:\n"
	"       one entry per file.  --type is a label checks can ask for (dpia,\n"
	"       red-team-report, model-card, policy); --files-from reads paths from a\n"
	"       file (- for stdin).\n"
	"\n"
	"An unchanged document, configuration or command output adds no entry: the\n"
	"run records one observation entry for all such (docs/cron-and-systemd.md).\n"
	"--json (any form): {sources: [{source, entries, unchanged, lines, malformed}],\n"
	"observation, checkpoint: {size, root}} (collect file adds files: [{index,\n"
	"kind, path, unchanged}]).\n";

/* One collect run: the store locked, a transaction open, the detectors. */
struct run {
	struct store *store;
	uint8_t secret[STORE_SECRET_LEN];
	struct collect_ctx ctx;
	bool began;
	struct checkpoint cp;   /* signed by the commit, for --json */
	uint64_t observation;   /* its observation entry, or UINT64_MAX */
	struct cli_progress prog;
	unsigned jobs;          /* access logs: collect --jobs */
};

static int run_open(struct run *r, struct cli *cli)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->observation = UINT64_MAX;
	if ((rc = cli_open_store(cli, STORE_WRITE, &r->store)) ||
	    (rc = store_secret(r->store, r->secret)) ||
	    (rc = pii_new(&r->ctx.pii, r->secret)) || (rc = store_begin(r->store)))
		return rc;
	r->began = true;
	r->ctx.store = r->store;
	r->ctx.now = time_now();
	r->ctx.secret = r->secret;
	r->ctx.progress = cli_progress_start(&r->prog, cli, "collect", false);
	return 0;
}

static int run_commit(struct run *r)
{
	/* One observation entry for whatever was seen again unchanged. */
	struct buf note = BUF_INIT;
	int rc;

	cli_progress_end(&r->prog);
	rc = observe_finish(&r->ctx, &r->observation);

	if (!rc)
		rc = store_commit(r->store);
	if (!rc)
		rc = store_checkpoint(r->store, &note, &r->cp);
	buf_free(&note);
	r->began = false;
	return rc;
}

static void run_close(struct run *r)
{
	cli_progress_end(&r->prog);
	if (r->began)
		store_rollback(r->store);
	observe_discard(&r->ctx);
	pii_free(r->ctx.pii);
	store_close(r->store);
	OPENSSL_cleanse(r->secret, sizeof(r->secret));
}

static void summary(const struct cli *cli, const char *source,
		    const struct collect_result *res);

/*
 * collect --json: {sources: [{source, entries, unchanged, lines, malformed}],
 * observation: index|null, checkpoint: {size, root}}, plus `extra`'s keys.
 */
static int print_json(const struct run *run, const char *const *names,
		      const struct collect_result *res, size_t n, json_t *extra)
{
	char root[B64_LEN(MERKLE_HASH)];
	json_t *o, *srcs = json_array();
	int rc;

	b64_encode(root, run->cp.root, MERKLE_HASH);
	for (size_t i = 0; srcs && i < n; i++)
		if (names[i])
			json_array_append_new(srcs, json_pack("{s:s, s:I, s:I, s:I, s:I}",
				"source", names[i], "entries", (json_int_t)res[i].entries,
				"unchanged", (json_int_t)res[i].unchanged,
				"lines", (json_int_t)res[i].lines,
				"malformed", (json_int_t)res[i].malformed));
	o = json_pack("{s:o, s:o, s:{s:I, s:s}}", "sources", srcs,
		      "observation", run->observation == UINT64_MAX ? json_null()
				     : json_integer((json_int_t)run->observation),
		      "checkpoint", "size", (json_int_t)run->cp.size, "root", root);
	if (o && extra)
		json_object_update(o, extra);
	json_decref(extra);
	if (!o)
		return err_nomem();
	rc = cli_print_json(o);
	json_decref(o);
	return rc;
}

/* Commit a one-source run that went well (rc == 0), close it, report. */
static int run_finish(struct cli *cli, struct run *run, int rc, const char *source,
		      const struct collect_result *res)
{
	if (!rc)
		rc = run_commit(run);
	run_close(run);
	if (!rc && cli->json)
		rc = print_json(run, &source, res, 1, NULL);
	if (rc)
		return cli_fail(rc);
	if (!cli->json)
		summary(cli, source, res);
	return EXIT_OK;
}

static void summary(const struct cli *cli, const char *source,
		    const struct collect_result *res)
{
	if (cli->quiet)
		return;
	printf("%s: %" PRIu64 " entr%s", source, res->entries, res->entries == 1 ? "y" : "ies");
	if (res->lines || res->malformed)
		printf(", %" PRIu64 " lines (%" PRIu64 " malformed)", res->lines, res->malformed);
	if (res->unchanged)
		printf(", %" PRIu64 " unchanged", res->unchanged);
	if (res->rescanned)
		printf(", %" PRIu64 " file%s rescanned from the start, superseding %" PRIu64
		       " earlier entr%s", res->rescanned, res->rescanned == 1 ? "" : "s",
		       res->superseded, res->superseded == 1 ? "y" : "ies");
	putchar('\n');
}

/* --- collect file --- */

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
				rc = err_nomem();
				break;
			}
			*paths = np;
		}
		if (!((*paths)[*n] = strdup(line))) {
			rc = err_nomem();
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
	struct collect_result res = { 0 };
	struct run run = { 0 };
	uint64_t *idx = NULL, size_before = 0;
	const char *list = NULL;
	char **paths = NULL;
	size_t n = 0, cap = 0, from_argv;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': o.kind = optarg; break;
		case 't': o.type = optarg; break;
		case 'n': o.source = optarg; break;
		case 'f': list = optarg; break;
		default: return cli_bad_option("collect", argc, argv);
		}
	}
	if (optind >= argc && !list)
		return cli_usage("collect", "collect file needs at least one PATH");
	if (strcmp(o.kind, "document") && strcmp(o.kind, "attestation"))
		return cli_usage("collect", "--kind must be document or attestation");
	if (!o.source)
		o.source = !strcmp(o.kind, "document") ? "documents" : "attestations";
	from_argv = (size_t)(argc - optind);
	if (!(paths = calloc(from_argv + 1, sizeof(*paths))))
		return cli_fail(err_nomem());
	for (int i = optind; i < argc; i++)
		paths[n++] = argv[i];
	cap = from_argv + 1;
	if (list && (rc = read_path_list(list, &paths, &n, &cap))) {
		rc = cli_fail(rc);
		goto out;
	}
	if (n == 0) {
		rc = cli_usage("collect", "no paths in '%s'", list);
		goto out;
	}
	if (!(idx = calloc(n, sizeof(*idx)))) {
		rc = cli_fail(err_nomem());
		goto out;
	}
	if ((rc = run_open(&run, cli)) || (rc = store_size(run.store, &size_before)) ||
	    (rc = document_collect(&run.ctx, &o, paths, n, idx, &res)) ||
	    (rc = run_commit(&run))) {
		rc = cli_fail(rc);
		goto out;
	}
	if (cli->json) {
		json_t *files = json_array();

		for (size_t i = 0; files && i < n; i++)
			json_array_append_new(files, json_pack("{s:I, s:s, s:s, s:b}",
				"index", (json_int_t)idx[i], "kind", o.kind, "path", paths[i],
				"unchanged", idx[i] < size_before));
		if ((rc = print_json(&run, &o.source, &res, 1,
				     json_pack("{s:o}", "files", files)))) {
			rc = cli_fail(rc);
			goto out;
		}
	} else if (!cli->quiet)
		for (size_t i = 0; i < n; i++)
			printf("%" PRIu64 "\t%s\t%s%s\n", idx[i], o.kind, paths[i],
			       idx[i] < size_before ? "\tunchanged (seen again)" : "");
	rc = EXIT_OK;
out:
	run_close(&run);
	for (size_t i = from_argv; i < n; i++)
		free(paths[i]); /* the list's strings are ours, argv's are not */
	free(paths);
	free(idx);
	return rc;
}

/* --- collect logs --- */

static bool set_field(struct jsonl_fields *f, const char *kv)
{
	const char *eq = strchr(kv, '=');
	const char **slot;

	if (!eq || !eq[1] || !(slot = jsonl_field_slot(f, kv, (size_t)(eq - kv))))
		return false;
	*slot = eq + 1;
	return true;
}

#define JOBS_MAX 256u

/* The cores this machine has online: collect's threads by default. */
static unsigned default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > (long)JOBS_MAX ? JOBS_MAX : (unsigned)n;
}

/*
 * AUDITPACK_LOG_ENTRY_BYTES: a smaller access-log entry than 16 MiB, so
 * tests can cut entries inside a file of a few lines (0: the default).
 */
static size_t log_entry_bytes(void)
{
	const char *s = getenv("AUDITPACK_LOG_ENTRY_BYTES");
	unsigned long long v;
	char *end;

	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	return errno || *end || v > ACCESSLOG_ENTRY_BYTES ? 0 : (size_t)v;
}

static bool parse_jobs(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > JOBS_MAX || s[0] == '-')
		return false;
	*out = (unsigned)v;
	return true;
}

static int collect_logs(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'n' },
		{ "field", required_argument, NULL, 'F' },
		{ "pii", required_argument, NULL, 'p' },
		{ "complete", no_argument, NULL, 'c' },
		{ "jobs", required_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	struct accesslog_opts o;
	struct collect_result res = { 0 };
	struct run run;
	bool have_format = false;
	int c, rc;

	memset(&o, 0, sizeof(o));
	o.source = "logs";
	o.jobs = default_jobs();
	o.max_entry_bytes = log_entry_bytes();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!logfmt_from_name(optarg, &o.fmt.format))
				return cli_usage("collect", "--format must be combined, common, "
						 "jsonl, auditd or syslog");
			have_format = true;
			break;
		case 'n': o.source = optarg; break;
		case 'c': o.complete = true; break;
		case 'j':
			if (!parse_jobs(optarg, &o.jobs))
				return cli_usage("collect", "--jobs takes a number from 1 to %u",
						 JOBS_MAX);
			break;
		case 'F':
			if (!set_field(&o.fmt.fields, optarg))
				return cli_usage("collect", "--field takes NAME=JSONKEY with NAME one "
						 "of " JSONL_FIELD_NAMES);
			break;
		case 'p':
			if (!pii_mode_from_name(optarg, &o.pii))
				return cli_usage("collect", "--pii must be pseudonymise, redact or keep");
			break;
		default: return cli_bad_option("collect", argc, argv);
		}
	}
	if (!have_format)
		return cli_usage("collect", "collect logs needs --format");
	if (o.fmt.format == LOGFMT_JSONL && !o.fmt.fields.time)
		return cli_usage("collect", "a jsonl log needs --field time=KEY");
	if (optind >= argc)
		return cli_usage("collect", "collect logs needs at least one PATH");
	o.paths = argv + optind;
	o.npaths = (size_t)(argc - optind);
	if (!(rc = run_open(&run, cli)) &&
	    (rc = accesslog_collect(&run.ctx, run.ctx.pii, &o, &res)))
		err_wrap(rc, "source '%s'", o.source);
	return run_finish(cli, &run, rc, o.source, &res);
}

/* --- collect model / config --- */

static int collect_model(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "mlflow", required_argument, NULL, 'm' },
		{ "dir", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "version", required_argument, NULL, 'v' },
		{ "source", required_argument, NULL, 's' },
		{ "pii", required_argument, NULL, 'p' },
		{ 0, 0, 0, 0 },
	};
	const char *mlflow = NULL, *dir = NULL, *name = NULL, *version = NULL;
	const char *source = "models";
	enum pii_mode pii = PII_PSEUDONYMISE;
	struct collect_result res = { 0 };
	struct run run;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm': mlflow = optarg; break;
		case 'd': dir = optarg; break;
		case 'n': name = optarg; break;
		case 'v': version = optarg; break;
		case 's': source = optarg; break;
		case 'p':
			if (!pii_mode_from_name(optarg, &pii))
				return cli_usage("collect", "--pii must be pseudonymise, redact or keep");
			break;
		default: return cli_bad_option("collect", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("collect", "unexpected argument '%s'", argv[optind]);
	if (!mlflow == !dir)
		return cli_usage("collect", "collect model needs --mlflow or --dir");
	if (dir && (!name || !version))
		return cli_usage("collect", "collect model --dir needs --name and --version");
	if (!(rc = run_open(&run, cli)))
		rc = mlflow ? model_collect_mlflow(&run.ctx, source, mlflow, pii, &res)
			    : model_collect_dir(&run.ctx, source, dir, name, version, pii, &res);
	return run_finish(cli, &run, rc, source, &res);
}

static int collect_config(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ 0, 0, 0, 0 },
	};
	const char *source = "config";
	struct collect_result res = { 0 };
	char **files = NULL;
	size_t nfiles;
	struct run run;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'n')
			return cli_bad_option("collect", argc, argv);
		source = optarg;
	}
	if (optind >= argc)
		return cli_usage("collect", "collect config needs at least one PATH");
	if ((rc = sources_expand_paths(&files, &nfiles, argv + optind, (size_t)(argc - optind),
				       false)))
		return cli_fail(err_wrap(rc, "source '%s'", source));
	if (!(rc = run_open(&run, cli)))
		rc = config_collect(&run.ctx, source, files, nfiles, run.ctx.pii, &res);
	sources_free_paths(files);
	return run_finish(cli, &run, rc, source, &res);
}

/* --- collect cmd --- */

static int collect_cmd(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "type", required_argument, NULL, 'y' },
		{ 0, 0, 0, 0 },
	};
	struct command_opts o = { NULL, NULL, 60, 0, NULL };
	struct collect_result res = { 0 };
	struct run run;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'n': o.source = optarg; break;
		case 'y':
			if (!command_type_valid(optarg))
				return cli_usage("collect", "--type: '%s' is not one lower-case word "
						 "(e.g. rbac)", optarg);
			o.type = optarg;
			break;
		case 't':
			if (duration_parse(&o.timeout, optarg) || o.timeout <= 0)
				return cli_usage("collect", "--timeout: %s", err_msg());
			break;
		default: return cli_bad_option("collect", argc, argv);
		}
	}
	if (!o.source)
		return cli_usage("collect", "collect cmd needs --name");
	if (optind >= argc)
		return cli_usage("collect", "collect cmd needs a program: -- PROG ARGS...");
	o.argv = argv + optind;
	if (!(rc = run_open(&run, cli)))
		rc = command_collect(&run.ctx, run.ctx.pii, &o, &res);
	return run_finish(cli, &run, rc, o.source, &res);
}

/* --- configured sources --- */

/* A config or document source: its globs expanded (a pattern matching
 * nothing is an error unless the source is optional). */
static int run_files(struct run *run, const struct source *s, size_t n,
		     struct collect_result *res)
{
	struct document_opts o = { s->kind ? s->kind : "document", s->doc_type, s->name };
	char **files = NULL;
	size_t nfiles;
	int rc;

	if ((rc = sources_expand_paths(&files, &nfiles, s->paths, n, s->optional)))
		return rc;
	if (nfiles == 0)
		rc = 0; /* optional, and nothing there yet */
	else if (s->type == SOURCE_CONFIG)
		rc = config_collect(&run->ctx, s->name, files, nfiles, run->ctx.pii, res);
	else
		rc = document_collect(&run->ctx, &o, files, nfiles, NULL, res);
	sources_free_paths(files);
	return rc;
}

static int run_source(struct run *run, const struct source *s, bool rescan,
		      struct collect_result *res)
{
	size_t n = 0;

	while (s->paths && s->paths[n])
		n++;
	switch (s->type) {
	case SOURCE_ACCESS_LOG: {
		struct accesslog_opts o;

		memset(&o, 0, sizeof(o));
		o.source = s->name;
		o.fmt.format = s->format;
		o.fmt.fields = s->fields;
		o.pii = s->pii;
		o.paths = s->paths;
		o.npaths = n;
		o.rescan = rescan;
		o.optional = s->optional;
		o.jobs = run->jobs;
		o.max_entry_bytes = log_entry_bytes();
		return accesslog_collect(&run->ctx, run->ctx.pii, &o, res);
	}
	case SOURCE_COMMAND: {
		struct command_opts o = { s->name, s->run, s->timeout, 0, s->output_type };

		return command_collect(&run->ctx, run->ctx.pii, &o, res);
	}
	case SOURCE_DOCUMENT:
	case SOURCE_CONFIG:
		return run_files(run, s, n, res);
	case SOURCE_MODEL:
		return s->mlflow ? model_collect_mlflow(&run->ctx, s->name, s->mlflow, s->pii, res)
				 : model_collect_dir(&run->ctx, s->name, s->model_dir, s->model_name,
						     s->model_version, s->pii, res);
	}
	return err_set(ERR_USAGE, "source '%s': unknown type", s->name);
}

/* `collect [--rescan] SOURCE...`: drop the --rescan flags from argv. */
static bool take_rescan(int *argc, char **argv)
{
	bool rescan = false;
	int k = 1;

	for (int i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--rescan"))
			rescan = true;
		else
			argv[k++] = argv[i];
	}
	*argc = k;
	return rescan;
}

static bool sources_named(int argc, char **argv, const char *name)
{
	for (int k = 1; k < argc; k++)
		if (!strcmp(argv[k], name))
			return true;
	return false;
}

/* `collect [--jobs N] SOURCE...`: take --jobs N (or --jobs=N) out of argv.
 * False when its value is not a number from 1 to JOBS_MAX. */
static bool take_jobs(int *argc, char **argv, unsigned *jobs)
{
	int k = 1;

	for (int i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--jobs")) {
			if (i + 1 >= *argc || !parse_jobs(argv[++i], jobs))
				return false;
		} else if (!strncmp(argv[i], "--jobs=", 7)) {
			if (!parse_jobs(argv[i] + 7, jobs))
				return false;
		} else {
			argv[k++] = argv[i];
		}
	}
	*argc = k;
	return true;
}

static int collect_configured(int argc, char **argv, struct cli *cli)
{
	struct collect_result *res = NULL;
	struct sources cfg;
	char path[4096];
	struct run run = { 0 };
	bool rescan = take_rescan(&argc, argv);
	unsigned jobs = default_jobs();
	int rc;

	if (!take_jobs(&argc, argv, &jobs))
		return cli_usage("collect", "--jobs takes a number from 1 to %u", JOBS_MAX);

	if ((rc = fs_join(path, sizeof(path), cli->store_dir, "evidence.db")))
		return cli_fail(rc);
	if (access(path, F_OK) < 0)
		return cli_fail(err_set(ERR_IO, "no evidence store at '%s' (run 'auditpack init' "
					"or give --store DIR)", cli->store_dir));
	if ((rc = fs_join(path, sizeof(path), cli->store_dir, "auditpack.yaml")))
		return cli_fail(rc);
	if (access(path, F_OK) < 0)
		return cli_fail(err_set(ERR_IO, "no %s: it names the sources 'collect' runs (see "
					"docs/configuration.md), or collect one-offs with 'collect "
					"logs|model|config|cmd|file'", path));
	if ((rc = sources_load(&cfg, path)))
		return cli_fail(rc);
	for (int i = 1; i < argc; i++) {
		const struct source *s = sources_find(&cfg, argv[i]);

		if (!s || (rescan && s->type != SOURCE_ACCESS_LOG)) {
			if (s)
				err_set(ERR_USAGE, "--rescan: source '%s' is a %s source; only "
					"access logs are read again", argv[i], source_type_name(s->type));
			else
				err_set(ERR_USAGE, "no source '%s' in %s", argv[i], path);
			sources_free(&cfg);
			return cli_fail(ERR_USAGE);
		}
	}
	if (rescan && argc == 1) {
		sources_free(&cfg);
		return cli_usage("collect", "--rescan needs the SOURCE names to read again");
	}
	if (cfg.n == 0) {
		sources_free(&cfg);
		return cli_fail(err_set(ERR_USAGE, "no sources in %s: add some, or use "
					"'collect logs|cmd|file'", path));
	}
	if (!(res = calloc(cfg.n, sizeof(*res)))) {
		sources_free(&cfg);
		return cli_fail(err_nomem());
	}
	if ((rc = run_open(&run, cli)))
		goto fail;
	run.jobs = jobs;
	for (size_t i = 0; i < cfg.n; i++) {
		bool wanted = argc == 1;

		for (int k = 1; k < argc; k++)
			wanted |= !strcmp(argv[k], cfg.v[i].name);
		if (!wanted)
			continue;
		if ((rc = run_source(&run, &cfg.v[i], rescan, &res[i]))) {
			err_wrap(rc, "source '%s' (%s line %d)", cfg.v[i].name, path, cfg.v[i].line);
			goto fail;
		}
	}
	if ((rc = run_commit(&run)))
		goto fail;
	if (cli->json) {
		const char **names = calloc(cfg.n, sizeof(*names));

		for (size_t i = 0; names && i < cfg.n; i++)
			if (argc == 1 || sources_named(argc, argv, cfg.v[i].name))
				names[i] = cfg.v[i].name;
		rc = names ? print_json(&run, names, res, cfg.n, NULL)
			   : err_nomem();
		free(names);
		if (rc)
			goto fail;
	} else {
		for (size_t i = 0; i < cfg.n; i++)
			if (res[i].entries || res[i].unchanged || res[i].lines)
				summary(cli, cfg.v[i].name, &res[i]);
	}
	run_close(&run);
	free(res);
	sources_free(&cfg);
	return EXIT_OK;
fail:
	rc = cli_fail(rc);
	run_close(&run);
	free(res);
	sources_free(&cfg);
	return rc;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv, struct cli *cli);
} subcommands[] = {
	{ "cmd", collect_cmd },
	{ "config", collect_config },
	{ "file", collect_file },
	{ "logs", collect_logs },
	{ "model", collect_model },
};

int cmd_collect(int argc, char **argv, struct cli *cli)
{
	/* --json anywhere (before a "--"), for every form of collect. */
	for (int i = 1, k; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json")) {
			cli->json = true;
			for (k = i; k < argc; k++)
				argv[k] = argv[k + 1];
			argc--;
			i--;
		}
	if (argc >= 2)
		for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
			if (!strcmp(argv[1], subcommands[i].name))
				return subcommands[i].fn(argc - 1, argv + 1, cli);
	if (argc >= 2 && argv[1][0] == '-' && strcmp(argv[1], "--rescan") &&
	    strcmp(argv[1], "--jobs") && strncmp(argv[1], "--jobs=", 7))
		return cli_usage("collect", "unknown option '%s'", argv[1]);
	return collect_configured(argc, argv, cli);
}
