/*
 * main.c - global options, then dispatch to cmd_<name>() from a table.
 */
#include "cli.h"
#include "../common/err.h"
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
	"usage: auditpack [--store DIR] [-q] [--wait SECONDS] [--passphrase-file FILE]\n"
	"                 <command> [options]\n"
	"\n"
	"global options:\n"
	"  --store DIR             the evidence store (else $AUDITPACK_STORE, else ./.auditpack)\n"
	"  -q, --quiet             print nothing on success\n"
	"  --wait SECONDS          how long to wait for another run's lock (default 60)\n"
	"  --passphrase-file FILE  passphrase of the signing key (else $AUDITPACK_KEY_PASSPHRASE)\n"
	"  --version, --help\n"
	"\n"
	"commands:\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'auditpack <command> --help' describes one command.\n"
	      "exit status: 0 ok, 1 verification or gate failed, 2 usage, 3 error, 4 store locked\n", f);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int parse_globals(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "wait", required_argument, NULL, 'w' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	int64_t secs;
	int c;

	/* '+': stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
		switch (c) {
		case 's': cli->store_dir = optarg; break;
		case 'q': cli->quiet = true; break;
		case 'p': cli->passphrase_file = optarg; break;
		case 'w':
			if (duration_parse(&secs, optarg) || secs > 86400) {
				fprintf(stderr, "auditpack: --wait: %s\n", err_msg());
				return -EXIT_USAGE;
			}
			cli->wait_seconds = (int)secs;
			break;
		case 'V':
			printf("auditpack %s\n", AUDITPACK_VERSION);
			return -EXIT_OK - 100;
		case 'h':
			usage(stdout);
			return -EXIT_OK - 100;
		default:
			usage(stderr);
			return -EXIT_USAGE;
		}
	}
	return optind;
}

static int run(int argc, char **argv)
{
	struct cli cli = { 0 };
	const struct command *cmd;
	const char *env;
	int first, status;

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
	if (!strcmp(argv[first], "help")) {
		if (first + 1 < argc && (cmd = find_command(argv[first + 1]))) {
			fputs(cmd->help, stdout);
			return EXIT_OK;
		}
		usage(stdout);
		return EXIT_OK;
	}
	if (!(cmd = find_command(argv[first]))) {
		fprintf(stderr, "auditpack: '%s' is not a command; see 'auditpack --help'\n",
			argv[first]);
		return EXIT_USAGE;
	}
	if (cli_wants_help(argc - first, argv + first)) {
		fputs(cmd->help, stdout);
		return EXIT_OK;
	}
	if ((cmd->flags & NEEDS_STORE) &&
	    (status = cli_open_store(&cli, STORE_READ, &cli.store)))
		return cli_fail(status);
	optind = 0; /* GNU getopt: start afresh for the command's own options */
	status = cmd->fn(argc - first, argv + first, &cli);
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
