#include "cli.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/hash.h"
#include "../common/json.h"
#include "../common/timeutil.h"
#include "../controls/catalog.h"

#include <getopt.h>
#include <inttypes.h>
#include <string.h>

const char help_attest[] =
	"usage: auditpack attest --control FW:ID --file PATH --by WHO\n"
	"                        [--valid-for DURATION] [--note TEXT] [--json]\n"
	"\n"
	"Record a signed human attestation for a control no automated check covers\n"
	"(physical security, training, a board decision): the file (the signed\n"
	"statement, minutes, certificate) is kept whole, with who attested, when, for\n"
	"which control and until when.  Until it expires the control passes; after,\n"
	"it is stale.\n"
	"  --control FW:ID   e.g. iso27001:A.7.4 or gdpr:art-37 (id or label)\n"
	"  --valid-for DUR   a number and a unit: s, m, h, d or w, e.g. 365d\n"
	"                    (default: no expiry)\n"
	"  --json            the attestation's attrs (framework, control, label, by,\n"
	"                    name, sha256, size, valid_from, valid_until, note) and index\n";

#define ATTEST_MAX_BYTES ((size_t)64 << 20)

int cmd_attest(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "by", required_argument, NULL, 'b' },
		{ "valid-for", required_argument, NULL, 'v' },
		{ "note", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	const char *target = NULL, *file = NULL, *by = NULL, *note = NULL, *colon;
	int64_t valid_for = 0, now = time_now();
	struct catalogs cs = { NULL, 0 };
	const struct catalog *cat;
	const struct control *ctl;
	struct buf data = BUF_INIT, attrs = BUF_INIT;
	struct store *s = NULL;
	struct entry_input in;
	char fw[128], hex[HEX_LEN(SHA256_LEN)], t0[RFC3339_LEN], t1[RFC3339_LEN];
	uint8_t digest[SHA256_LEN];
	uint64_t index;
	json_t *a = NULL;
	bool json = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': target = optarg; break;
		case 'f': file = optarg; break;
		case 'b': by = optarg; break;
		case 'n': note = optarg; break;
		case 'j': json = true; break;
		case 'v':
			if (duration_parse(&valid_for, optarg) || valid_for <= 0)
				return cli_usage("attest", "--valid-for: %s", err_msg());
			break;
		default: return cli_bad_option("attest", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("attest", "unexpected argument '%s'", argv[optind]);
	if (!target || !file || !by || !*by)
		return cli_usage("attest", "--control, --file and --by are required");
	if (!(colon = strchr(target, ':')) || colon == target || (size_t)(colon - target) >= sizeof(fw))
		return cli_usage("attest", "--control takes FW:ID, e.g. iso27001:A.7.4");
	snprintf(fw, sizeof(fw), "%.*s", (int)(colon - target), target);
	if ((rc = cli_load_catalogs(cli, &cs)))
		goto out;
	if (!(cat = catalogs_want(&cs, fw)) || !(ctl = catalog_want(cat, colon + 1))) {
		rc = ERR_USAGE;
		goto out;
	}
	if ((rc = fs_read_file(&data, file, ATTEST_MAX_BYTES, NULL)) ||
	    (rc = sha256(digest, data.data ? data.data : "", data.len)))
		goto out;
	hex_encode(hex, digest, SHA256_LEN);
	/* Both times go into signed attrs: in range, or a usage error. */
	if (!time_in_range(now) || valid_for > TIME_MAX - now ||
	    time_format(t0, now) || time_format(t1, now + valid_for)) {
		rc = err_set(ERR_USAGE, "--valid-for reaches past 9999-12-31T23:59:59Z");
		goto out;
	}
	a = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:s?}",
		      "framework", cat->framework, "control", ctl->id, "label", ctl->label,
		      "by", by, "name", strrchr(file, '/') ? strrchr(file, '/') + 1 : file,
		      "sha256", hex, "size", (json_int_t)data.len, "valid_from", t0,
		      "valid_until", valid_for ? json_string(t1) : json_null(), "note", note);
	if (!a || (rc = json_stable(&attrs, a))) {
		rc = rc ? rc : err_nomem();
		goto out;
	}
	memset(&in, 0, sizeof(in));
	in.kind = "attestation";
	in.source = "attestations";
	in.eff_from = now;
	in.eff_to = valid_for ? now + valid_for : now;
	in.collected = now;
	in.attrs = attrs.data;
	in.attrs_len = attrs.len;
	in.payload = data.data ? data.data : "";
	in.payload_len = data.len;
	if ((rc = cli_open_store(cli, STORE_WRITE, &s)) || (rc = store_begin(s)) ||
	    (rc = store_append(s, &in, &index)) || (rc = store_commit(s)))
		goto out;
	if (json) {
		/* The attrs as recorded, and the entry that holds them. */
		json_object_set_new(a, "index", json_integer((json_int_t)index));
		rc = cli_print_json(a);
	} else if (!cli->quiet)
		printf("%" PRIu64 "\tattestation\t%s %s by %s%s%s\n", index, cat->framework,
		       ctl->label, by, valid_for ? ", valid until " : "", valid_for ? t1 : "");
out:
	store_close(s);
	json_decref(a);
	buf_free(&data);
	buf_free(&attrs);
	catalogs_free(&cs);
	return rc ? cli_fail(rc) : EXIT_OK;
}
