#include "cli.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/timeutil.h"
#include "../controls/catalog.h"
#include "../mappings/assess.h"
#include "../mappings/checks.h"
#include "../common/profile.h"
#include "../reports/csv.h"
#include "../reports/ocsf.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

const char help_assess[] =
	"usage: auditpack assess [--framework FW,...|all] [--json | --csv | --crosswalk]\n"
	"                        [--status S,...] [--findings-jsonl FILE|-] [--at TIME]\n"
	"                        [--checks FILE]\n"
	"\n"
	"Map the evidence to controls and print, per framework, the coverage and every\n"
	"control that is not passing with the reason (fail, stale, missing; manual ones\n"
	"are counted).  Statuses: pass, fail, stale, missing, manual, not-applicable.\n"
	"  --framework FW,...  these frameworks (default: the profile's in\n"
	"                      auditpack.yaml, else all; 'all': every catalogue)\n"
	"  --at TIME           as of TIME (RFC 3339): evidence collected later is\n"
	"                      ignored and freshness is judged then; default now\n"
	"  --json              the full result (docs/architecture.md shape)\n"
	"  --status S,...      only controls (and findings) of these statuses; the text\n"
	"                      report lists fail, stale and missing ones by default\n"
	"  --csv               framework,control,label,title,status,checks,evidence,reason\n"
	"  --crosswalk         CSV of every check -> control mapping in every framework\n"
	"  --checks FILE       use this check file instead of the built-in ones\n"
	"  --findings-jsonl FILE\n"
	"                      also write every finding as an OCSF Compliance Finding\n"
	"                      (class 2003), one per line, to FILE (- for stdout, in\n"
	"                      place of the report): for Splunk, Elastic, Security Lake\n";

#define TEXT_FINDINGS 40

/* Every finding, one line each; a long list is cut with a pointer to the rest. */
static void print_findings(const struct assessment *a)
{
	size_t total = 0, shown = 0;

	for (size_t i = 0; i < a->nchecks; i++)
		if (result_in_scope(a, &a->checks[i]))
			total += a->checks[i].nfindings;
	if (!total)
		return;
	printf("\n%zu finding%s:\n", total, total == 1 ? "" : "s");
	for (size_t i = 0; i < a->nchecks; i++) {
		const struct check_result *r = &a->checks[i];

		if (!result_in_scope(a, r))
			continue;
		for (size_t j = 0; j < r->nfindings && shown < TEXT_FINDINGS; j++, shown++)
			printf("  %-7s %s  %s: %s\n", status_name((enum status)r->findings[j].status),
			       r->findings[j].id, r->check->id, r->findings[j].subject);
	}
	if (shown < total)
		printf("  ... and %zu more findings, listed in full by 'auditpack assess --json' "
		       "(top-level \"findings\") or --findings-jsonl\n", total - shown);
}

#define TEXT_REASON 200

/* One line per control; a long reason is cut at a character boundary and
 * says where the rest is. */
static void print_reason(const struct control_result *cr, int swidth, int lwidth)
{
	const char *r = cr->reason ? cr->reason : "";
	size_t n = strlen(r);
	char day[RFC3339_LEN], from[RFC3339_LEN + 16] = "";

	/* An obligation that binds later says when before its reason. */
	if (cr->applies_from) {
		time_format(day, cr->applies_from);
		day[10] = '\0';
		snprintf(from, sizeof(from), "(binds from %s) ", day);
	}
	if (n <= TEXT_REASON) {
		printf("  %-*s %-*s %s%s\n", swidth, status_name(cr->status), lwidth,
		       cr->control->label, from, r);
		return;
	}
	n = TEXT_REASON;
	while (n && ((unsigned char)r[n] & 0xc0) == 0x80)
		n--;
	printf("  %-*s %-*s %s%.*s... (every finding is listed below)\n", swidth,
	       status_name(cr->status), lwidth, cr->control->label, from, (int)n, r);
}

static void print_text(const struct assessment *a, const bool *want)
{
	char at[RFC3339_LEN];

	time_format(at, a->at);
	printf("assessment as of %s, checkpoint size %" PRIu64 "\n", at, a->cp.size);
	for (size_t f = 0; f < a->nfw; f++) {
		const struct framework_result *fr = &a->fw[f];

		printf("\n%-12s coverage %3.0f%%  pass %" PRIu64 ", fail %" PRIu64 ", stale %"
		       PRIu64 ", missing %" PRIu64 ", manual %" PRIu64 ", n/a %" PRIu64 "\n",
		       fr->cat->framework, fr->coverage * 100, fr->counts[ST_PASS],
		       fr->counts[ST_FAIL], fr->counts[ST_STALE], fr->counts[ST_MISSING],
		       fr->counts[ST_MANUAL], fr->counts[ST_NA]);
		/* Columns as wide as the widest status and label listed (up to
		 * 40), so long labels (RBI FREE-AI, SEBI) keep the reasons aligned. */
		int swidth = 7, lwidth = 18;

		for (size_t i = 0; i < fr->n; i++)
			if (want[fr->v[i].status]) {
				int s = (int)strlen(status_name(fr->v[i].status));
				int l = (int)strlen(fr->v[i].control->label);

				swidth = s > swidth ? s : swidth;
				lwidth = l > lwidth ? (l > 40 ? 40 : l) : lwidth;
			}
		for (size_t i = 0; i < fr->n; i++) {
			const struct control_result *cr = &fr->v[i];

			if (want[cr->status])
				print_reason(cr, swidth, lwidth);
		}
	}
	print_findings(a);
	for (size_t i = 0; i < json_array_size(a->conflicts); i++)
		printf("\nconflict: %s\n", json_string_value(json_object_get(
			json_array_get(a->conflicts, i), "note")));
}

/* --status fail,stale: which statuses to show; a usage error names a bad one. */
static int parse_statuses(const char *list, bool *want)
{
	char copy[256];
	enum status st;

	memset(want, 0, sizeof(bool) * ST_COUNT);
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");

		snprintf(copy, sizeof(copy), "%.*s", (int)(n < sizeof(copy) ? n : sizeof(copy) - 1), p);
		if (n && !status_from_name(copy, &st))
			return cli_usage("assess", "--status: unknown status '%s' (pass, fail, stale, "
					 "missing, manual, not-applicable)", copy);
		if (n)
			want[st] = true;
		p += n + (p[n] == ',');
	}
	return 0;
}

static const char *str(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "";
}

/* Keep only controls, and findings, of the wanted statuses. */
static void filter_json(json_t *doc, const bool *want)
{
	json_t *fw, *list, *keep;
	size_t i, j;
	enum status st;

	json_array_foreach(json_object_get(doc, "frameworks"), i, fw) {
		list = json_object_get(fw, "controls");
		keep = json_array();
		for (j = 0; j < json_array_size(list); j++) {
			json_t *c = json_array_get(list, j);

			if (status_from_name(str(json_object_get(c, "status")), &st) && want[st])
				json_array_append(keep, c);
		}
		json_object_set_new(fw, "controls", keep);
	}
	list = json_object_get(doc, "findings");
	keep = json_array();
	for (j = 0; j < json_array_size(list); j++) {
		json_t *f = json_array_get(list, j);

		if (status_from_name(str(json_object_get(f, "status")), &st) && want[st])
			json_array_append(keep, f);
	}
	json_object_set_new(doc, "findings", keep);
}

/* --findings-jsonl: the OCSF events to FILE, or to stdout for "-". */
static int write_jsonl(const char *path, const struct assessment *a)
{
	struct buf b = BUF_INIT;
	FILE *f;
	int rc;

	if ((rc = report_ocsf_findings(&b, a, AUDITPACK_VERSION)))
		goto out;
	if (!(f = cli_output(path))) {
		rc = err_wrap(ERR_IO, "--findings-jsonl");
		goto out;
	}
	if (b.len)
		fwrite(b.data, 1, b.len, f);
	rc = cli_output_close(f, path);
out:
	buf_free(&b);
	return rc;
}

int cli_load_checks(struct cli *cli, const struct catalogs *cs, const char *file,
		    struct checkset *out)
{
	char dir[4096];
	int rc;

	if (file)
		return checks_load_file(out, cs, file);
	if ((rc = fs_join(dir, sizeof(dir), cli->store_dir, "mappings")))
		return rc;
	return checks_load(out, cs, dir);
}

int cmd_assess(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "framework", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },
		{ "crosswalk", no_argument, NULL, 'x' },
		{ "at", required_argument, NULL, 'a' },
		{ "checks", required_argument, NULL, 'k' },
		{ "findings-jsonl", required_argument, NULL, 'o' },
		{ "status", required_argument, NULL, 's' },
		{ 0, 0, 0, 0 },
	};
	char *fwlist = NULL, **fws = NULL;
	const char *checks_file = NULL, *jsonl = NULL, *statuses = NULL;
	bool want[ST_COUNT] = { [ST_FAIL] = true, [ST_STALE] = true, [ST_MISSING] = true };
	int mode = 0, c, rc;
	int64_t at = time_now();
	struct catalogs cs = { NULL, 0 };
	struct checkset ks = { NULL, 0, NULL, 0 };
	struct assessment a;
	struct profile prof;
	bool all_fw = false;
	struct assess_policy ap;
	struct buf csv = BUF_INIT;
	size_t nfw = 0;

	memset(&a, 0, sizeof(a));
	memset(&prof, 0, sizeof(prof));
	memset(&ap, 0, sizeof(ap));
	ap.profile = &prof;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': fwlist = optarg; break;
		case 'j': case 'c': case 'x':
			if (mode && mode != c)
				return cli_usage("assess", "--json, --csv and --crosswalk exclude each other");
			mode = c;
			break;
		case 'a':
			if (time_parse_arg(&at, optarg))
				return cli_usage("assess", "--at: %s", err_msg());
			break;
		case 'k': checks_file = optarg; break;
		case 'o': jsonl = optarg; break;
		case 's': statuses = optarg; break;
		default: return cli_bad_option("assess", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("assess", "unexpected argument '%s'", argv[optind]);
	if (statuses && (rc = parse_statuses(statuses, want)))
		return rc;
	/* 'all': every catalogue, whatever the profile says. */
	if (fwlist && !strcmp(fwlist, "all")) {
		fwlist = NULL;
		all_fw = true;
	}
	if (fwlist && !(fws = cli_split_commas(fwlist, &nfw)))
		return cli_fail(err_nomem());
	if ((rc = cli_load_catalogs(cli, &cs)) || (rc = cli_load_checks(cli, &cs, checks_file, &ks)) ||
	    (rc = cli_load_profile(cli, &cs, &prof)))
		goto out;
	if (all_fw) {
		if (!(fws = calloc(cs.n + 1, sizeof(*fws)))) {
			rc = err_nomem();
			goto out;
		}
		for (size_t i = 0; i < cs.n; i++)
			fws[nfw++] = (char *)cs.v[i].framework;
	}
	cli_framework_ids(&cs, fws, nfw);
	if (mode == 'x') {
		rc = report_crosswalk_csv(&csv, &ks);
		goto out;
	}
	if ((rc = assess_run(&a, cli->store, &cs, &ks, fws, nfw, at, &ap)))
		goto out;
	if (jsonl) {
		if ((rc = write_jsonl(jsonl, &a)) || !strcmp(jsonl, "-"))
			goto out;
	}
	if (mode == 'j') {
		json_t *doc = assess_json(&a);

		if (doc && statuses)
			filter_json(doc, want);
		rc = doc ? cli_print_json(doc) : err_nomem();
		json_decref(doc);
	} else if (mode == 'c') {
		rc = report_controls_csv(&csv, &a);
	} else {
		print_text(&a, want);
	}
out:
	if (!rc && csv.len)
		fwrite(csv.data, 1, csv.len, stdout);
	buf_free(&csv);
	assess_free(&a);
	checks_free(&ks);
	catalogs_free(&cs);
	profile_free(&prof);
	free(fws);
	return rc ? cli_fail(rc) : EXIT_OK;
}
