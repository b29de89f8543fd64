#include "cli.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../reports/pack.h"

#include <getopt.h>
#include <inttypes.h>

const char help_verify_pack[] =
	"usage: auditpack verify-pack FILE.zip [--pubkey PEM | --vkey VKEY]\n"
	"\n"
	"Verify an audit pack offline, without the store: the DSSE signature of the\n"
	"manifest, every file's digest, no file missing or extra, no absolute or '..'\n"
	"names and no decompression bombs (refused before anything is written), the\n"
	"checkpoint signature, each entry's inclusion proof and payload commitment,\n"
	"and that every missing payload is recorded as erased.\n"
	"  --pubkey PEM   trust this public key (from 'auditpack key export-public')\n"
	"  --vkey VKEY    trust this verifier key string (from 'auditpack key show')\n"
	"Without either, the key shipped in the pack is used and its fingerprint\n"
	"printed: compare it with the one the organisation gave you.\n"
	"exit status: 0 verified, 1 a problem found (each printed), 3 unreadable\n";

int cmd_verify_pack(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "pubkey", required_argument, NULL, 'p' },
		{ "vkey", required_argument, NULL, 'k' },
		{ 0, 0, 0, 0 },
	};
	const char *pubkey = NULL, *vkey = NULL;
	struct buf pem = BUF_INIT;
	struct pack_report r;
	int c, rc;

	(void)cli;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': pubkey = optarg; break;
		case 'k': vkey = optarg; break;
		default: return cli_bad_option("verify-pack", argc, argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage("verify-pack", "give one pack FILE.zip");
	if (pubkey && vkey)
		return cli_usage("verify-pack", "--pubkey and --vkey exclude each other");
	if (pubkey && ((rc = fs_read_file(&pem, pubkey, 65536, NULL)) || (rc = buf_grow(&pem, 0))))
		return cli_fail(rc);
	rc = pack_verify(argv[optind], pubkey ? pem.data : NULL, vkey, &r);
	buf_free(&pem);
	if (rc) {
		pack_report_free(&r);
		return cli_fail(rc);
	}
	for (size_t i = 0; i < r.n; i++)
		fprintf(stderr, "auditpack: verify-pack: %s\n", r.v[i].what);
	/* Without a usable key in the pack there is no fingerprint to show: the
	 * problem above says so. */
	if (!r.pinned && *r.key_fingerprint)
		fprintf(stderr, "auditpack: verify-pack: no key pinned: used the key shipped in "
			"the pack, %s; check it against the key you were given\n", r.key_fingerprint);
	if (r.dropped)
		fprintf(stderr, "auditpack: verify-pack: %zu more problem%s not listed\n",
			r.dropped, r.dropped == 1 ? "" : "s");
	if (r.n) {
		fprintf(stderr, "auditpack: verify-pack: FAILED: %zu problem%s in '%s'\n",
			r.n + r.dropped, r.n + r.dropped == 1 ? "" : "s", argv[optind]);
		pack_report_free(&r);
		return EXIT_VERDICT;
	}
	if (!cli->quiet)
		printf("verified: %zu files, %zu entries (%zu erased) under checkpoint size %"
		       PRIu64 ", signed by key %s%s\n", r.files, r.entries, r.erased,
		       r.checkpoint_size, r.key_fingerprint, r.pinned ? " (pinned)" : " (NOT pinned)");
	if (!cli->quiet && r.nerased_list) {
		printf("erased (payload removed, recorded by a tombstone): ");
		cli_print_ranges(stdout, r.erased_list, r.nerased_list);
		putchar('\n');
	}
	pack_report_free(&r);
	return EXIT_OK;
}
