#include "cli.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <getopt.h>
#include <inttypes.h>
#include <string.h>

const char help_show[] =
	"usage: auditpack show INDEX [--json] [--payload]\n"
	"\n"
	"Show one entry: its leaf fields, attrs and commitments.\n"
	"  --json      index, kind, source, subject, effective, collected, attrs,\n"
	"              leaf_data (base64), leaf_hash, payload_sha256 (the salted\n"
	"              commitment C), payload_size, erased\n"
	"  --payload   write the stored payload bytes (as stored: redacted) instead\n";

static int show_text(const struct entry *e)
{
	char lh[HEX_LEN(MERKLE_HASH)];

	hex_encode(lh, e->leaf_hash, MERKLE_HASH);
	fwrite(e->leaf, 1, e->leaf_len, stdout);
	printf("leaf-hash %s\n%s\nattrs %.*s\n", lh,
	       e->erased ? "payload erased" : "payload present",
	       (int)e->attrs_len, e->attrs);
	return 0;
}

int cmd_show(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "payload", no_argument, NULL, 'p' },
		{ 0, 0, 0, 0 },
	};
	bool json = false, payload = false;
	struct buf data = BUF_INIT;
	struct entry e;
	uint64_t index;
	json_t *o;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'p': payload = true; break;
		default: return cli_bad_option("show", argc, argv);
		}
	}
	if (optind + 1 != argc || !cli_parse_index(argv[optind], &index))
		return cli_usage("show", "give one entry INDEX (a number)");
	if (payload) {
		if ((rc = store_get_payload(cli->store, index, &data)))
			return cli_fail(rc);
		fwrite(data.data ? data.data : "", 1, data.len, stdout);
		buf_free(&data);
		return EXIT_OK;
	}
	if ((rc = store_get_entry(cli->store, index, &e)))
		return cli_fail(rc);
	if (json) {
		if (!(o = cli_entry_json(&e, true)))
			rc = err_nomem();
		else
			rc = cli_print_json(o);
		json_decref(o);
	} else {
		rc = show_text(&e);
	}
	entry_free(&e);
	return rc ? cli_fail(rc) : EXIT_OK;
}
