#include "cli.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../store/witness.h"

#include <limits.h>
#include <getopt.h>
#include <inttypes.h>

const char help_verify[] =
	"usage: auditpack verify [--against CHECKPOINT_FILE] [--vkey VKEY]\n"
	"\n"
	"Check the whole store: every leaf against its fields, attrs digest and salted\n"
	"payload commitment; every checkpoint's signature, its root against the\n"
	"entries, and its consistency with the checkpoint before it.  Erased payloads\n"
	"pass only when a tombstone records their erasure.\n"
	"  --against PATH  also check against a checkpoint kept elsewhere: a\n"
	"                  checkpoint file, or a witness directory (its largest\n"
	"                  N.checkpoint).  The store must contain it, so deleting the\n"
	"                  newest entries together with their checkpoints is caught.\n"
	"                  Default: the witness directory of auditpack.yaml, if any\n"
	"  --vkey VKEY     trust only this verifier key (name+id+key), not the keys\n"
	"                  recorded in the store\n"
	"exit status: 0 verified, 1 tampering found (each problem printed), 3 error\n";

int cmd_verify(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "against", required_argument, NULL, 'a' },
		{ "vkey", required_argument, NULL, 'k' },
		{ 0, 0, 0, 0 },
	};
	struct verify_opts o = { NULL, 0, NULL };
	struct verify_report r;
	struct buf against = BUF_INIT;
	char root[B64_LEN(MERKLE_HASH)];
	const char *against_path = NULL;
	char witness[PATH_MAX];
	bool found = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': against_path = optarg; break;
		case 'k': o.vkey = optarg; break;
		default: return cli_usage("verify", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage("verify", "unexpected argument '%s'", argv[optind]);
	if (!against_path) {
		if ((rc = cli_witness(cli, witness)))
			return cli_fail(rc);
		against_path = *witness ? witness : NULL;
	}
	if (against_path) {
		if ((rc = witness_latest(against_path, &against, &found)) ||
		    (rc = buf_grow(&against, 0))) {
			buf_free(&against);
			return cli_fail(err_wrap(rc, "--against"));
		}
		o.against = found ? against.data : NULL;
		o.against_len = against.len;
	}
	rc = store_verify(cli->store, &o, &r);
	buf_free(&against);
	if (rc)
		return cli_fail(rc);
	for (size_t i = 0; i < r.nproblems; i++)
		fprintf(stderr, "auditpack: verify: %s\n", r.problems[i].what);
	if (r.nproblems) {
		fprintf(stderr, "auditpack: verify: FAILED: %zu problem%s in '%s'\n",
			r.nproblems, r.nproblems == 1 ? "" : "s", store_dir(cli->store));
		verify_report_free(&r);
		return EXIT_VERDICT;
	}
	b64_encode(root, r.latest.root, MERKLE_HASH);
	if (!cli->quiet)
		printf("verified: %" PRIu64 " entries (%" PRIu64 " erased, %" PRIu64
		       " payload bytes), %" PRIu64 " checkpoints; latest: size %" PRIu64
		       " root %s%s%s\n", r.entries, r.erased, r.payload_bytes, r.checkpoints,
		       r.latest.size, root, o.against ? "; consistent with the witness "
		       "checkpoint in " : "", o.against ? against_path : "");
	if (!cli->quiet && r.nerased_list) {
		printf("erased (payload removed, recorded by a tombstone): ");
		cli_print_ranges(stdout, r.erased_list, r.nerased_list);
		putchar('\n');
	}
	verify_report_free(&r);
	return EXIT_OK;
}
