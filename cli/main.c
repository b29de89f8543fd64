/*
 * main.c - global options, then dispatch to cmd_<name>() from a table.
 */
#include "cli.h"
#include "../common/err.h"
#include "../common/suggest.h"
#include "../common/timeutil.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* What run() sets up before calling the command (git's RUN_SETUP). */
enum {
	NO_SETUP = 0,
	NEEDS_STORE = 1, /* cli->store opened read-only; writers open their own */
};

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct cli *cli);
	int flags;
	const char *help;
	const char *summary;
};

/* Sorted by name. */
static const struct command commands[] = {
	{ "assess", cmd_assess, NEEDS_STORE, help_assess, "map evidence to controls: coverage and status per control" },
	{ "attest", cmd_attest, NO_SETUP, help_attest, "record a signed human attestation for a control" },
	{ "checkpoint", cmd_checkpoint, NEEDS_STORE, help_checkpoint, "print the latest signed checkpoint" },
	{ "collect", cmd_collect, NO_SETUP, help_collect, "collect evidence into the store" },
	{ "controls", cmd_controls, NO_SETUP, help_controls, "list, show, import or export a catalogue's controls" },
	{ "diff", cmd_diff, NO_SETUP, help_diff, "compare two assessments: new, resolved and persisting findings" },
	{ "erase", cmd_erase, NO_SETUP, help_erase, "erase a data subject's personal data (GDPR Art. 17)" },
	{ "frameworks", cmd_frameworks, NO_SETUP, help_frameworks, "list the control catalogues" },
	{ "gate", cmd_gate, NO_SETUP, help_gate, "pre-release gate: judge a policy, record the decision, exit 0 or 1" },
	{ "init", cmd_init, NO_SETUP, help_init, "create the store, its signing key and auditpack.yaml" },
	{ "key", cmd_key, NO_SETUP, help_key, "show, export or rotate the signing key" },
	{ "list", cmd_list, NEEDS_STORE, help_list, "list evidence entries" },
	{ "pack", cmd_pack, NO_SETUP, help_pack, "write a signed, reproducible audit pack (zip)" },
	{ "proof", cmd_proof, NEEDS_STORE, help_proof, "print a C2SP tlog-proof for one entry" },
	{ "prune", cmd_prune, NO_SETUP, help_prune, "erase payloads past their retention period" },
	{ "show", cmd_show, NEEDS_STORE, help_show, "show one evidence entry" },
	{ "verify", cmd_verify, NEEDS_STORE, help_verify, "check the whole store for tampering" },
	{ "verify-pack", cmd_verify_pack, NO_SETUP, help_verify_pack, "verify an audit pack offline" },
};

static const char usage_text[] =
	"usage: auditpack [--store DIR] [-q] [--wait DURATION] [--passphrase-file FILE]\n"
	"                 <command> [options]\n"
	"\n"
	"global options (before or after the command, up to a '--'):\n"
	"  --store DIR             the evidence store (else $AUDITPACK_STORE, else ./.auditpack)\n"
	"  -q, --quiet             print nothing on success\n"
	"  --wait DURATION         how long to wait for another run's lock (default 60s)\n"
	"  --passphrase-file FILE  passphrase of the signing key (else $AUDITPACK_KEY_PASSPHRASE)\n"
	"  --json                  JSON output, for the commands that offer it\n"
	"  --version, --help\n"
	"durations carry a unit (30s, 15m, 12h, 90d, 2w); times are RFC 3339 or a date\n"
	"\n"
	"commands:\n";

static const char exit_text[] =
	"\n'auditpack <command> --help' describes one command.\n"
	"\n"
	"exit status, the same rule for every command:\n"
	"  0  ok: done, or nothing to do; a report (assess, list) that shows failing\n"
	"     controls is still 0\n"
	"  1  a negative verdict: verify or verify-pack found a problem, gate failed\n"
	"  2  usage: unknown command or option, missing or malformed argument, or an\n"
	"     irreversible command without --yes at a terminal; nothing was changed\n"
	"  3  runtime or input error: no store, an unreadable or malformed file (named\n"
	"     with its line), a glob that matches nothing; nothing was changed\n"
	"  4  the store is locked by another run past --wait\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fputs(exit_text, f);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* One global option; 0 or a negative exit status. */
static int set_global(struct cli *cli, int c, const char *val)
{
	int64_t secs;

	switch (c) {
	case 's': cli->store_dir = val; break;
	case 'q': cli->quiet = true; break;
	case 'p': cli->passphrase_file = val; break;
	case 'w':
		if (duration_parse(&secs, val)) {
			fprintf(stderr, "auditpack: --wait: %s\n", err_msg());
			return -EXIT_USAGE;
		}
		if (secs > 86400) {
			fprintf(stderr, "auditpack: --wait: '%s' is more than a day (24h)\n", val);
			return -EXIT_USAGE;
		}
		cli->wait_seconds = (int)secs;
		break;
	}
	return 0;
}

static int parse_globals(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "wait", required_argument, NULL, 'w' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	int c, rc;

	/* '+': stop at the command name; its options are its own. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
		switch (c) {
		case 's': case 'q': case 'p': case 'w':
			if ((rc = set_global(cli, c, optarg)))
				return rc;
			break;
		case 'j': cli->json = true; break;
		case 'V':
			printf("auditpack %s\n", AUDITPACK_VERSION);
			return -EXIT_OK - 100;
		case 'h':
			usage(stdout);
			return -EXIT_OK - 100;
		default:
			fprintf(stderr, "auditpack: %s '%s'; see 'auditpack --help'\n",
				optopt && strchr("swp", optopt) ? "missing value for"
								  : "unknown option",
				argv[optind - 1]);
			return -EXIT_USAGE;
		}
	}
	return optind;
}

/*
 * Global options may stand after the command too (DESIGN.md): take
 * --store, -q/--quiet, --wait and --passphrase-file out of the command's
 * arguments, up to a "--", into cli.  --json given before the command is
 * passed to it.  out is a NULL-terminated array (free() it); 0 or a
 * negative exit status.
 */
static int take_globals(int argc, char **argv, struct cli *cli, int *out_argc, char ***out)
{
	static const struct { const char *name; int c; } globals[] = {
		{ "--store", 's' }, { "--quiet", 'q' }, { "-q", 'q' }, { "--wait", 'w' },
		{ "--passphrase-file", 'p' },
	};
	char **v = calloc((size_t)argc + 2, sizeof(*v));
	int n = 0, rc, i;

	if (!v) {
		fprintf(stderr, "auditpack: out of memory\n");
		return -EXIT_RUNTIME;
	}
	v[n++] = argv[0];
	if (cli->json)
		v[n++] = (char *)"--json";
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *a = argv[i], *val = NULL;
		size_t k, len;
		int c = 0;

		for (k = 0; k < sizeof(globals) / sizeof(globals[0]); k++) {
			len = strlen(globals[k].name);
			if (strncmp(a, globals[k].name, len))
				continue;
			if (a[len] == '\0' || (a[len] == '=' && globals[k].c != 'q')) {
				c = globals[k].c;
				val = a[len] == '=' ? a + len + 1 : NULL;
				break;
			}
		}
		if (!c) {
			v[n++] = argv[i];
			continue;
		}
		if (c != 'q' && !val) {
			if (i + 1 >= argc) {
				fprintf(stderr, "auditpack: missing value for '%s'\n", a);
				free(v);
				return -EXIT_USAGE;
			}
			val = argv[++i];
		}
		if ((rc = set_global(cli, c, val))) {
			free(v);
			return rc;
		}
	}
	for (; i < argc; i++)
		v[n++] = argv[i];
	*out_argc = n;
	*out = v;
	return 0;
}

/* auditpack completion bash|zsh, auditpack manpage */
static int docs(int argc, char **argv)
{
	enum { N = sizeof(commands) / sizeof(commands[0]) };
	struct cli_doc v[N];

	for (size_t i = 0; i < N; i++)
		v[i] = (struct cli_doc){ commands[i].name, commands[i].summary, commands[i].help };
	if (!strcmp(argv[0], "manpage") && argc == 1) {
		cli_manpage(stdout, v, N, usage_text, exit_text);
		return EXIT_OK;
	}
	if (!strcmp(argv[0], "completion") && argc == 2 && !cli_completion(stdout, argv[1], v, N))
		return EXIT_OK;
	fprintf(stderr, "auditpack: usage: auditpack completion bash|zsh, or auditpack manpage\n");
	return EXIT_USAGE;
}

static int run(int argc, char **argv)
{
	struct cli cli = { 0 };
	const struct command *cmd;
	const char *env;
	char **cargv = NULL;
	int first, status, cargc;

	/* libzip converts each file's DOS time with mktime(), and with TZ unset
	 * glibc stats /etc/localtime on every call: naming the same zone spares
	 * pack and verify-pack a system call or two per file (auditpack shows
	 * no time in local time). */
	if (!getenv("TZ"))
		setenv("TZ", ":/etc/localtime", 0);
	cli.wait_seconds = 60;
	env = getenv("AUDITPACK_STORE");
	cli.store_dir = env && *env ? env : "./.auditpack";
	first = parse_globals(argc, argv, &cli);
	if (first == -EXIT_OK - 100)
		return EXIT_OK;
	if (first < 0)
		return -first;
	if (first >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* Hidden: generated documentation (make builds auditpack.1 and the
	 * completions with these). */
	if (!strcmp(argv[first], "completion") || !strcmp(argv[first], "manpage"))
		return docs(argc - first, argv + first);
	if (!strcmp(argv[first], "help")) {
		if (first + 1 < argc && (cmd = find_command(argv[first + 1]))) {
			fputs(cmd->help, stdout);
			return EXIT_OK;
		}
		usage(stdout);
		return EXIT_OK;
	}
	if (!(cmd = find_command(argv[first]))) {
		struct suggest sg;

		suggest_init(&sg, argv[first]);
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			suggest_offer(&sg, commands[i].name);
		if (sg.best)
			fprintf(stderr, "auditpack: '%s' is not a command; did you mean '%s'? "
				"(see 'auditpack --help')\n", argv[first], sg.best);
		else
			fprintf(stderr, "auditpack: '%s' is not a command; see 'auditpack --help'\n",
				argv[first]);
		return EXIT_USAGE;
	}
	if (cli_wants_help(argc - first, argv + first)) {
		fputs(cmd->help, stdout);
		return EXIT_OK;
	}
	if ((status = take_globals(argc - first, argv + first, &cli, &cargc, &cargv)))
		return -status;
	if ((cmd->flags & NEEDS_STORE) &&
	    (status = cli_open_store(&cli, STORE_READ, &cli.store))) {
		free(cargv);
		return cli_fail(status);
	}
	optind = 0; /* GNU getopt: start afresh for the command's own options */
	status = cmd->fn(cargc, cargv, &cli);
	free(cargv);
	store_close(cli.store);
	passphrase_free(&cli.pass);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "auditpack: cannot write to standard output\n");
		return EXIT_RUNTIME;
	}
	return status;
}

int main(int argc, char **argv)
{
	return run(argc, argv);
}
