#include "cli.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/profile.h"
#include "../common/timeutil.h"
#include "../controls/catalog.h"
#include "../mappings/scope.h"
#include "../reports/report.h"

#include <errno.h>
#include <stdlib.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

const char help_controls[] =
	"usage: auditpack controls FW [--json]\n"
	"       auditpack controls FW ID|LABEL [--json]\n"
	"       auditpack controls import OSCAL.xml [--id FW]\n"
	"       auditpack controls export FW [--json] [-o FILE]\n"
	"\n"
	"FW            every control of a framework, in catalogue order: id, label,\n"
	"              title, group (--json: an array of {id, label, title, group})\n"
	"FW ID|LABEL   one control: 'controls iso27001 A.8.15', 'controls gdpr art-32';\n"
	"              with the dates it binds from and whether it binds this\n"
	"              deployment (the profile of auditpack.yaml): --json adds\n"
	"              applicability {status, reason, applies_from}, applies_from and\n"
	"              applies_from_by_class\n"
	"import        validate any OSCAL 1.x catalog (groups and nested controls\n"
	"              included) and add it to the store's catalogues, as FW (default:\n"
	"              its framework-id prop, else its file name)\n"
	"export        write a catalogue's OSCAL XML (--json: OSCAL JSON)\n";

static json_t *control_json(const struct control *k, bool full)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "id", k->id, "label", k->label,
			      "title", k->title, "group", k->group);

	if (o && full) {
		json_object_set_new(o, "group_id", json_string(k->group_id));
		json_object_set_new(o, "parent", k->parent ? json_string(k->parent) : json_null());
		json_object_set_new(o, "summary", k->summary ? json_string(k->summary) : json_null());
		json_object_set_new(o, "source", k->source ? json_string(k->source) : json_null());
		json_object_set(o, "props", k->props);
	}
	return o;
}

static int list_controls(const struct catalog *cat, bool json)
{
	json_t *arr;
	int rc;

	if (!json) {
		for (size_t i = 0; i < cat->n; i++)
			printf("%-22s %-18s %s\n", cat->v[i].label, cat->v[i].id, cat->v[i].title);
		return EXIT_OK;
	}
	if (!(arr = json_array()))
		return cli_fail(err_nomem());
	for (size_t i = 0; i < cat->n; i++)
		json_array_append_new(arr, control_json(&cat->v[i], false));
	rc = cli_print_json(arr);
	json_decref(arr);
	return rc ? cli_fail(rc) : EXIT_OK;
}

/* The dates a control binds from, by AI Act risk class, as the catalogue
 * has them: {"annex-iii": "2027-12-02", ...}; NULL when it has none. */
static json_t *dates_json(const struct control *k)
{
	static const char *const names[][2] = {
		{ "applies-from", "all" }, { "applies-from-annex-iii", "high-risk" },
		{ "applies-from-annex-i", "high-risk-product" },
	};
	json_t *o = NULL;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = scope_prop(k, names[i][0]);

		if (v && (o || (o = json_object())))
			json_object_set_new(o, names[i][1], json_string(v));
	}
	return o;
}

/* Applicability to this deployment (the profile of auditpack.yaml). */
static json_t *applicability_json(const struct applicability *ap)
{
	char from[RFC3339_LEN];

	if (!ap->applies)
		return json_pack("{s:s, s:s}", "status", "not-applicable", "reason", ap->reason);
	if (!ap->applies_from)
		return json_pack("{s:s}", "status", "applies");
	time_format(from, ap->applies_from);
	from[10] = '\0';
	return json_pack("{s:s, s:s}", "status", "applies", "applies_from", from);
}

static int show_control(const struct catalog *cat, const char *want, bool json,
			const struct profile *prof)
{
	const struct control *k = catalog_want(cat, want);
	struct applicability ap;
	json_t *o, *dates, *appl;
	int rc;

	if (!k)
		return cli_fail(ERR_USAGE);
	scope_control(&ap, prof, cat, k);
	dates = dates_json(k);
	appl = applicability_json(&ap);
	if (json) {
		o = control_json(k, true);
		if (o && dates)
			json_object_set(o, "applies_from_by_class", dates);
		if (o && appl) {
			json_object_set(o, "applicability", appl);
			if (json_object_get(appl, "applies_from"))
				json_object_set(o, "applies_from", json_object_get(appl, "applies_from"));
		}
		json_decref(dates);
		json_decref(appl);
		rc = o ? cli_print_json(o) : err_nomem();
		json_decref(o);
		return rc ? cli_fail(rc) : EXIT_OK;
	}
	printf("%s %s: %s\n", cat->framework, k->label, k->title);
	printf("id:      %s\ngroup:   %s\n", k->id, k->group);
	if (k->parent)
		printf("part of: %s\n", k->parent);
	if (k->source)
		printf("source:  %s\n", k->source);
	if (json_object_size(k->props)) {
		char *p = json_dumps(k->props, JSON_COMPACT | JSON_SORT_KEYS);

		printf("props:   %s\n", p ? p : "");
		free(p);
	}
	if (dates) {
		const char *cls;
		json_t *v;

		printf("binds from:");
		json_object_foreach(dates, cls, v)
			printf(" %s (%s)", json_string_value(v), cls);
		putchar('\n');
	}
	if (!ap.applies)
		printf("here:    not-applicable: %s\n", ap.reason);
	else if (json_object_get(appl, "applies_from"))
		printf("here:    applies from %s (auditpack.yaml profile)\n",
		       json_string_value(json_object_get(appl, "applies_from")));
	else
		printf("here:    applies\n");
	json_decref(dates);
	json_decref(appl);
	if (k->summary)
		printf("\n%s\n", k->summary);
	return EXIT_OK;
}

static int do_import(struct cli *cli, const char *path, const char *id)
{
	char dir[4096], dest[4096], file[80]; /* framework ids are at most 64 bytes */
	struct catalogs cs;
	struct catalog cat;
	struct buf b = BUF_INIT;
	struct stat st;
	int rc;

	if (id && !framework_id_valid(id))
		return cli_usage("controls", "--id must be lowercase letters, digits and '-'");
	if (stat(cli->store_dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return cli_fail(err_set(ERR_IO, "no evidence store at '%s' (run 'auditpack init' "
					"or give --store DIR)", cli->store_dir));
	if ((rc = catalog_load(&cat, path, id)))
		return cli_fail(rc);
	if ((rc = cli_load_catalogs(cli, &cs)))
		goto out;
	if (catalogs_find(&cs, cat.framework)) {
		rc = err_set(ERR_EXISTS, "framework '%s' exists already; import it under "
			     "another name with --id", cat.framework);
		goto out;
	}
	if ((rc = fs_join(dir, sizeof(dir), cli->store_dir, "controls")))
		goto out;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		rc = err_set(ERR_IO, "cannot create '%s': %s", dir, strerror(errno));
		goto out;
	}
	snprintf(file, sizeof(file), "%s.xml", cat.framework);
	if ((rc = fs_join(dest, sizeof(dest), dir, file)))
		goto out;
	/* The framework id travels with the file, so a rename cannot lose it. */
	if ((rc = fs_read_file(&b, path, CATALOG_MAX_BYTES, NULL)) ||
	    (rc = fs_write_new(dest, b.data, b.len, 0600)))
		goto out;
	if (!cli->quiet)
		printf("imported %s: %zu controls from '%s' (%s)\n", cat.framework, cat.n,
		       path, cat.title);
out:
	buf_free(&b);
	catalogs_free(&cs);
	catalog_free(&cat);
	return rc ? cli_fail(rc) : EXIT_OK;
}

static int do_export(struct cli *cli, const char *fw, const char *out, bool json)
{
	struct catalogs cs;
	const struct catalog *cat;
	struct buf b = BUF_INIT, j = BUF_INIT;
	FILE *f = NULL;
	int rc;

	if ((rc = cli_load_catalogs(cli, &cs)))
		return cli_fail(rc);
	if (!(cat = catalogs_want(&cs, fw)))
		rc = ERR_USAGE;
	else if (!(rc = fs_read_file(&b, cat->path, (size_t)64 << 20, NULL)) &&
		 !(json && (rc = report_oscal_json(&j, b.data, b.len))) &&
		 (f = cli_output(out)) == NULL)
		rc = ERR_IO;
	if (f) {
		fwrite(json ? j.data : b.data, 1, json ? j.len : b.len, f);
		rc = cli_output_close(f, out);
	}
	buf_free(&b);
	buf_free(&j);
	catalogs_free(&cs);
	return rc ? cli_fail(rc) : EXIT_OK;
}

int cmd_controls(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "id", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ 0, 0, 0, 0 },
	};
	const char *id = NULL, *out = NULL;
	struct profile prof = { 0 };
	struct catalogs cs;
	const struct catalog *cat;
	bool json = false;
	int c, rc, nargs;
	char **args;

	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'i': id = optarg; break;
		case 'o': out = optarg; break;
		default: return cli_bad_option("controls", argc, argv);
		}
	}
	args = argv + optind;
	nargs = argc - optind;
	if (nargs < 1)
		return cli_usage("controls", "name a framework (see 'auditpack frameworks')");
	if (!strcmp(args[0], "import"))
		return nargs == 2 ? do_import(cli, args[1], id)
				  : cli_usage("controls", "controls import OSCAL.xml [--id FW]");
	if (!strcmp(args[0], "export"))
		return nargs == 2 ? do_export(cli, args[1], out, json)
				  : cli_usage("controls", "controls export FW [--json] [-o FILE]");
	if (nargs > 2)
		return cli_usage("controls", "unexpected argument '%s'", args[2]);
	if ((rc = cli_load_catalogs(cli, &cs)))
		return cli_fail(rc);
	if (!(cat = catalogs_want(&cs, args[0])))
		rc = cli_fail(ERR_USAGE);
	else if (nargs == 2 && (rc = cli_load_profile(cli, &cs, &prof)))
		rc = cli_fail(rc);
	else
		rc = nargs == 2 ? show_control(cat, args[1], json, &prof) : list_controls(cat, json);
	profile_free(&prof);
	catalogs_free(&cs);
	return rc;
}
