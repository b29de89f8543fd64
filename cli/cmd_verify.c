#include "cli.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"

#include <getopt.h>
#include <inttypes.h>

const char help_verify[] =
	"usage: auditpack verify [--against CHECKPOINT_FILE] [--vkey VKEY]\n"
	"\n"
	"Check the whole store: every leaf against its fields, attrs digest and salted\n"
	"payload commitment; every checkpoint's signature, its root against the\n"
	"entries, and its consistency with the checkpoint before it.  Erased payloads\n"
	"pass only when a tombstone records their erasure.\n"
	"  --against FILE  also check against a checkpoint kept elsewhere (a witness\n"
	"                  copy): the store must contain it, so deleting the newest\n"
	"                  entries together with their checkpoints is caught\n"
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
	if (against_path) {
		if ((rc = fs_read_file(&against, against_path, NOTE_MAX_LEN, NULL)) ||
		    (rc = buf_grow(&against, 0)))
			return cli_fail(err_wrap(rc, "--against"));
		o.against = against.data;
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
		       " root %s%s\n", r.entries, r.erased, r.payload_bytes, r.checkpoints,
		       r.latest.size, root, against_path ? "; consistent with the witness "
		       "checkpoint" : "");
	verify_report_free(&r);
	return EXIT_OK;
}
