#include "cli.h"
#include "progress.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../reports/pack.h"

#include <getopt.h>
#include <inttypes.h>

const char help_verify_pack[] =
	"usage: auditpack verify-pack FILE.zip [--pubkey PEM | --vkey VKEY] [--json]\n"
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
	"  --json         {ok, files, entries, erased, erased_entries, checkpoint_size,\n"
	"                 key, pinned, problems}\n"
	"exit status: 0 verified, 1 a problem found (each printed), 3 unreadable\n";

static int print_json(const struct pack_report *r)
{
	json_t *o, *problems = json_array();
	int rc;

	for (size_t i = 0; problems && i < r->n; i++)
		json_array_append_new(problems, json_string(r->v[i].what));
	o = json_pack("{s:b, s:I, s:I, s:I, s:o, s:I, s:s?, s:b, s:o}",
		      "ok", r->n == 0, "files", (json_int_t)r->files,
		      "entries", (json_int_t)r->entries, "erased", (json_int_t)r->erased,
		      "erased_entries", cli_indices_json(r->erased_list, r->nerased_list),
		      "checkpoint_size", (json_int_t)r->checkpoint_size,
		      "key", *r->key_fingerprint ? r->key_fingerprint : NULL,
		      "pinned", r->pinned, "problems", problems);
	if (!o)
		return err_nomem();
	rc = cli_print_json(o);
	json_decref(o);
	return rc;
}

int cmd_verify_pack(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "pubkey", required_argument, NULL, 'p' },
		{ "vkey", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	const char *pubkey = NULL, *vkey = NULL;
	struct buf pem = BUF_INIT;
	struct pack_report r;
	struct cli_progress prog;
	struct progress *progress;
	bool json = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': pubkey = optarg; break;
		case 'k': vkey = optarg; break;
		case 'j': json = true; break;
		default: return cli_bad_option("verify-pack", argc, argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage("verify-pack", "give one pack FILE.zip");
	if (pubkey && vkey)
		return cli_usage("verify-pack", "--pubkey and --vkey exclude each other");
	if (pubkey && ((rc = fs_read_file(&pem, pubkey, 65536, NULL)) || (rc = buf_grow(&pem, 0))))
		return cli_fail(rc);
	progress = cli_progress_start(&prog, cli, "verify-pack", json);
	rc = pack_verify(argv[optind], pubkey ? pem.data : NULL, vkey, progress, &r);
	cli_progress_end(&prog);
	buf_free(&pem);
	if (rc) {
		pack_report_free(&r);
		return cli_fail(rc);
	}
	for (size_t i = 0; i < r.n; i++)
		fprintf(stderr, "auditpack: verify-pack: %s\n", r.v[i].what);
	if (json) {
		rc = print_json(&r);
		pack_report_free(&r);
		return rc ? cli_fail(rc) : r.n ? EXIT_VERDICT : EXIT_OK;
	}
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
