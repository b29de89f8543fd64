#include "cli.h"
#include "progress.h"
#include "../common/err.h"
#include "../common/timeutil.h"
#include "../controls/catalog.h"
#include "../common/profile.h"
#include "../mappings/checks.h"
#include "../mappings/scope.h"
#include "../reports/pack.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char help_pack[] =
	"usage: auditpack pack [--framework FW,...|all] -o FILE.zip [--from TIME --to TIME]\n"
	"                      [--at TIME]\n"
	"\n"
	"Write a signed audit pack: the evidence whose effective period overlaps\n"
	"[--from, --to] (payloads as stored, salts, attrs, leaf texts and a tlog-proof\n"
	"each; erased entries listed), the signed checkpoint, the public key, the\n"
	"reports (summary.html, assessment.json, controls.csv, crosswalk.csv, OSCAL\n"
	"assessment-results.xml), the catalogues and checks used, a README for the\n"
	"auditor, and manifest.dsse.json: the DSSE-signed in-toto statement of every\n"
	"file's SHA-256.  The same store, frameworks and --at give the same bytes.\n"
	"Needs the signing key (and its passphrase, if encrypted).\n"
	"  --framework FW,...  the frameworks assessed (default: the frameworks of\n"
	"                      profile: in auditpack.yaml, else every catalogue, as\n"
	"                      assess does; 'all': every catalogue)\n"
	"  --from, --to, --at  RFC 3339 times or dates (2026-11-30: midnight UTC)\n";

int cmd_pack(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "framework", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "at", required_argument, NULL, 'a' },
		{ 0, 0, 0, 0 },
	};
	struct pack_opts o = { NULL, 0, 0, INT64_MIN, INT64_MAX, AUDITPACK_VERSION, NULL, NULL };
	struct catalogs cs = { NULL, 0 };
	struct checkset ks = { NULL, 0, NULL, 0 };
	struct pack_stats st;
	struct cli_progress prog;
	struct profile prof = { 0 };
	struct store *s = NULL;
	struct store_opts so = { .dir = cli->store_dir, .wait_seconds = cli->wait_seconds };
	char *fwlist = NULL, **fws = NULL, *p, *save = NULL;
	const char *out = NULL;
	int c, rc;

	o.at = time_now();
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'f': fwlist = optarg; break;
		case 'o': out = optarg; break;
		case 'F':
		case 'T':
		case 'a':
			if (time_parse_arg(c == 'F' ? &o.from : c == 'T' ? &o.to : &o.at, optarg))
				return cli_usage("pack", "%s", err_msg());
			break;
		default: return cli_bad_option("pack", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("pack", "unexpected argument '%s'", argv[optind]);
	if (!out)
		return cli_usage("pack", "pack needs -o FILE.zip");
	if (o.from > o.to)
		return cli_usage("pack", "--from is after --to");
	if ((rc = cli_load_catalogs(cli, &cs)) || (rc = cli_load_profile(cli, &cs, &prof)))
		goto out;
	if (!fwlist) {
		/* As assess: the profile's frameworks, else every catalogue. */
		if ((rc = scope_frameworks(&fws, &o.nframeworks, &prof, &cs)))
			goto out;
	} else {
		if (!(fws = calloc(strlen(fwlist) + cs.n + 1, sizeof(*fws)))) {
			rc = err_nomem();
			goto out;
		}
		if (!strcmp(fwlist, "all")) {
			for (size_t i = 0; i < cs.n; i++)
				fws[o.nframeworks++] = cs.v[i].framework;
		} else {
			for (p = strtok_r(fwlist, ",", &save); p; p = strtok_r(NULL, ",", &save))
				fws[o.nframeworks++] = p;
		}
	}
	cli_framework_ids(&cs, fws, o.nframeworks);
	o.frameworks = fws;
	o.profile = &prof;
	/* Read-only (no lock), but with the passphrase: the manifest is signed. */
	if ((rc = cli_passphrase(cli, &so.pass)) || (rc = store_open(&s, &so, STORE_READ)) ||
	    (rc = cli_load_checks(cli, &cs, NULL, &ks)))
		goto out;
	o.progress = cli_progress_start(&prog, cli, "pack", false);
	rc = pack_build(s, &cs, &ks, &o, out, &st);
	cli_progress_end(&prog);
	if (rc)
		goto out;
	if (!cli->quiet)
		printf("wrote %s: %zu files, %zu entries (%zu erased), %" PRIu64 " bytes before "
		       "compression\nverify it with: auditpack verify-pack %s\n", out, st.files,
		       st.entries, st.erased, st.bytes, out);
out:
	store_close(s);
	checks_free(&ks);
	catalogs_free(&cs);
	profile_free(&prof);
	free(fws);
	return rc ? cli_fail(rc) : EXIT_OK;
}
