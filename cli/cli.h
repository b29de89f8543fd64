/*
 * cli.h - what every command shares: the global options, opening the
 * store, printing errors, and the -o/stdout output rule.
 *
 * Commands have one signature: int cmd_<name>(int argc, char **argv,
 * struct cli *cli), where argv[0] is the command name.  They return the
 * process exit status (docs/architecture.md: 0 ok, 1 negative verdict, 2 usage,
 * 3 runtime or input error, 4 store locked).
 */
#ifndef AUDITPACK_CLI_H
#define AUDITPACK_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "../store/keys.h"
#include "../store/store.h"

#define AUDITPACK_VERSION "0.1.0"

enum {
	EXIT_OK = 0,
	EXIT_VERDICT = 1,
	EXIT_USAGE = 2,
	EXIT_RUNTIME = 3,
	EXIT_LOCKED = 4,
};

struct cli {
	const char *store_dir;
	const char *passphrase_file;
	int wait_seconds;
	bool quiet;
	bool json;             /* --json before the command: passed on to it */
	struct passphrase pass;
	bool pass_loaded;
	struct store *store; /* opened by main for NEEDS_STORE commands */
};

/* Print "auditpack: <err_msg()>" and return the exit status for rc. */
int cli_fail(int rc);

/* Print "auditpack: <cmd>: <message>" and "try 'auditpack <cmd> --help'",
 * return EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* After getopt_long() returned '?': one line naming the option at fault
 * (unknown, or missing its value), then the --help hint; EXIT_USAGE. */
int cli_bad_option(const char *cmd, int argc, char **argv);

/* Load the passphrase (env or --passphrase-file) once. */
int cli_passphrase(struct cli *cli, const struct passphrase **out);

/* The witness directory of STORE/auditpack.yaml ("" when none), relative
 * paths taken from the store directory; out has PATH_MAX bytes. */
int cli_witness(struct cli *cli, char *out);

/*
 * Verify the store (store_verify), against `against` (a checkpoint file or
 * witness directory) or else the configured witness; print each problem and
 * a FAILED line to stderr.  witness_used (PATH_MAX) receives the witness
 * checked, or "".  0 when verification ran: look at r->nproblems.
 */
int cli_verify(struct cli *cli, struct store *s, const char *against, const char *vkey,
	       struct verify_report *r, char *witness_used);

/* Open the store read-only or for writing (locks, and loads the
 * passphrase for signing). */
int cli_open_store(struct cli *cli, enum store_mode mode, struct store **out);

/* stdout, or a new file at path (opened for writing). */
FILE *cli_output(const char *path);
/* Close an output from cli_output(), checking for write errors. */
int cli_output_close(FILE *f, const char *path);

/* Print ascending indices compactly: "3, 5-7, 12". */
void cli_print_ranges(FILE *f, const uint64_t *v, size_t n);

/* True when argv holds -h or --help before any "--". */
bool cli_wants_help(int argc, char **argv);

/* Parse a non-negative decimal index; false if it is not one. */
bool cli_parse_index(const char *s, uint64_t *out);

/* Split "a,b,c" in place into a NULL-terminated array (free() it; the
 * strings point into s; empty items are dropped).  NULL: out of memory. */
char **cli_split_commas(char *s, size_t *n);

#define CMD(name) extern const char help_##name[]; \
	int cmd_##name(int argc, char **argv, struct cli *cli)
CMD(assess);
CMD(attest);
CMD(checkpoint);
CMD(collect);
CMD(controls);
CMD(diff);
CMD(erase);
CMD(frameworks);
CMD(gate);
CMD(init);
CMD(key);
CMD(list);
CMD(pack);
CMD(proof);
CMD(prune);
CMD(show);
CMD(verify);
CMD(verify_pack);


/* The `show --json` object for an entry (docs/architecture.md
 * "Machine-readable output"); `leaf_data` only when with_leaf. */
json_t *cli_entry_json(const struct entry *e, bool with_leaf);

struct catalogs;
/* The built-in catalogues and the store's imported ones (cmd_frameworks.c). */
int cli_load_catalogs(struct cli *cli, struct catalogs *out);

/* Replace each framework name in v (as typed: GDPR, eu_ai_act) by its
 * catalogue's id, so reports and records say "gdpr"; unknown names stay. */
void cli_framework_ids(const struct catalogs *cs, char **v, size_t n);

struct checkset;
/* The built-in check files and the store's own, or only `file` (cmd_assess.c). */
int cli_load_checks(struct cli *cli, const struct catalogs *cs, const char *file,
		    struct checkset *out);

struct profile;
/* The deployment profile of STORE/auditpack.yaml, checked against the
 * catalogues (an empty profile when there is no file); profile_free() it. */
int cli_load_profile(struct cli *cli, const struct catalogs *cs, struct profile *out);
/* A JSON array of indices (NULL: out of memory). */
json_t *cli_indices_json(const uint64_t *v, size_t n);

/* A command as the man page and the completions describe it (docs.c). */
struct cli_doc {
	const char *name, *summary, *help;
};

/* Completion script for shell "bash" or "zsh" from the command table;
 * -1 for another shell. */
int cli_completion(FILE *f, const char *shell, const struct cli_doc *v, size_t n);

/* The man page (roff) from the command table, the global options text and
 * the exit-status rule. */
void cli_manpage(FILE *f, const struct cli_doc *v, size_t n, const char *globals,
		 const char *exits);

/* Print a JSON value to stdout, indented, keys in insertion order. */
int cli_print_json(const json_t *v);

#endif
