#include "cli.h"
#include "../common/encode.h"
#include "../common/err.h"

#include <getopt.h>
#include <inttypes.h>
#include <limits.h>

const char help_verify[] =
	"usage: auditpack verify [--against CHECKPOINT_FILE|WITNESS_DIR] [--vkey VKEY] [--json]\n"
	"\n"
	"Check the whole store: every leaf against its fields, attrs digest and salted\n"
	"payload commitment; every checkpoint's signature, its root against the\n"
	"entries, and its consistency with the checkpoint before it.  Erased payloads\n"
	"pass only when a tombstone records their erasure.\n"
	"  --against PATH  also check against a checkpoint kept elsewhere: a\n"
	"                  checkpoint file, or a witness directory (its largest\n"
	"                  N.checkpoint).  The store must contain it, so deleting the\n"
	"                  newest entries together with their checkpoints is caught.\n"
	"                  Default: the witness: line of auditpack.yaml, if any (the\n"
	"                  rest of that file is not read)\n"
	"  --vkey VKEY     trust only this verifier key (name+id+key), not the keys\n"
	"                  recorded in the store\n"
	"  --json          {ok, entries, erased, erased_entries, payload_bytes,\n"
	"                  checkpoints, checkpoint: {size, root}, witness, problems}\n"
	"exit status: 0 verified, 1 tampering found (each problem printed), 3 error\n";

static int print_json(const struct verify_report *r, const char *witness)
{
	char root[B64_LEN(MERKLE_HASH)];
	json_t *o, *problems = json_array();
	int rc;

	b64_encode(root, r->latest.root, MERKLE_HASH);
	for (size_t i = 0; problems && i < r->nproblems; i++)
		json_array_append_new(problems, json_string(r->problems[i].what));
	o = json_pack("{s:b, s:I, s:I, s:o, s:I, s:I, s:{s:I, s:s}, s:s?, s:o}",
		      "ok", r->nproblems == 0, "entries", (json_int_t)r->entries,
		      "erased", (json_int_t)r->erased,
		      "erased_entries", cli_indices_json(r->erased_list, r->nerased_list),
		      "payload_bytes", (json_int_t)r->payload_bytes,
		      "checkpoints", (json_int_t)r->checkpoints,
		      "checkpoint", "size", (json_int_t)r->latest.size, "root", root,
		      "witness", *witness ? witness : NULL, "problems", problems);
	if (!o)
		return err_nomem();
	rc = cli_print_json(o);
	json_decref(o);
	return rc;
}

int cmd_verify(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "against", required_argument, NULL, 'a' },
		{ "vkey", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	struct verify_report r;
	char root[B64_LEN(MERKLE_HASH)], witness[PATH_MAX];
	const char *against = NULL, *vkey = NULL;
	bool json = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': against = optarg; break;
		case 'k': vkey = optarg; break;
		case 'j': json = true; break;
		default: return cli_bad_option("verify", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("verify", "unexpected argument '%s'", argv[optind]);
	if ((rc = cli_verify(cli, cli->store, against, vkey, &r, witness)))
		return cli_fail(rc);
	if (json) {
		rc = print_json(&r, witness);
		verify_report_free(&r);
		return rc ? cli_fail(rc) : r.nproblems ? EXIT_VERDICT : EXIT_OK;
	}
	if (r.nproblems) {
		verify_report_free(&r);
		return EXIT_VERDICT;
	}
	b64_encode(root, r.latest.root, MERKLE_HASH);
	if (!cli->quiet)
		printf("verified: %" PRIu64 " entries (%" PRIu64 " erased, %" PRIu64
		       " payload bytes), %" PRIu64 " checkpoints; latest: size %" PRIu64
		       " root %s%s%s\n", r.entries, r.erased, r.payload_bytes, r.checkpoints,
		       r.latest.size, root, *witness ? "; consistent with the witness "
		       "checkpoint in " : "", witness);
	if (!cli->quiet && r.unknown_times)
		printf("note: %" PRIu64 " entr%s an unknown time (written as "
		       TIME_LEGACY_UNKNOWN " by release 0.1.0; see docs/store-format.md)\n",
		       r.unknown_times, r.unknown_times == 1 ? "y has" : "ies have");
	if (!cli->quiet && r.nerased_list) {
		printf("erased (payload removed, recorded by a tombstone): ");
		cli_print_ranges(stdout, r.erased_list, r.nerased_list);
		putchar('\n');
	}
	verify_report_free(&r);
	return EXIT_OK;
}
