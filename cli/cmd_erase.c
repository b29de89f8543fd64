#include "cli.h"
#include "progress.h"
#include "../common/err.h"
#include "../common/timeutil.h"
#include "../retention/retention.h"

#include <getopt.h>
#include <inttypes.h>
#include <openssl/crypto.h>
#include <string.h>
#include <unistd.h>

const char help_erase[] =
	"usage: auditpack erase --subject S [--subject S...] --reason TEXT [--dry-run] [--json]\n"
	"                       [--yes]\n"
	"\n"
	"GDPR Art. 17 erasure of one data subject.  S is the raw value (a user id,\n"
	"e-mail, phone number, IP address, card or account number) or the token\n"
	"that stands for it in the store, e.g. <email:3f9a1c0b2d4e5f60>; repeat\n"
	"--subject for each identifier of the same person (user id and e-mail).  Every\n"
	"entry whose payload mentions S loses its payload and salt (and its attrs\n"
	"when they mention S too); an access-log segment is restated as a new entry\n"
	"without the subject's lines, so the rest of the log stays as evidence.  A\n"
	"tombstone entry records which entries went and why, the store is re-signed,\n"
	"and the erased bytes are overwritten on disk.  The log still verifies.\n"
	"  --reason TEXT  why: a request reference such as DSR-114; kept for ever and\n"
	"                 shown in every pack, so it must not contain personal data\n"
	"                 (refused when the PII detectors find any) nor the subject\n"
	"  --dry-run      show what would be erased; change nothing\n"
	"  --json         {erased (done or not), entries: [{index, attrs_erased,\n"
	"                 lines_removed?, restated_as?}], lines_removed, tombstone,\n"
	"                 in_leaf}\n"
	"  --yes          go ahead without asking: needed when standard input is a\n"
	"                 terminal (without it, erase shows what would go and stops)\n";

static void print_result(const struct erase_result *r, bool dry_run)
{
	const char *verb = dry_run ? "would erase" : "erased";

	for (size_t i = 0, k = 0; i < r->nerased; i++) {
		printf("%s\tentry %" PRIu64 "\t", verb, r->erased[i]);
		if (k < r->nrestated && r->restated[k].from == r->erased[i]) {
			printf("%" PRIu64 " line%s removed, the rest restated as entry %" PRIu64
			       "\n", r->restated[k].lines_removed,
			       r->restated[k].lines_removed == 1 ? "" : "s", r->restated[k].to);
			k++;
		} else {
			printf("payload%s\n", r->attrs_erased[i] ? " and attrs" : "");
		}
	}
}

static int print_json(const struct erase_result *r, bool done)
{
	json_t *o, *entries = json_array();
	int rc;

	for (size_t i = 0, k = 0; entries && i < r->nerased; i++) {
		json_t *e = json_pack("{s:I, s:b}", "index", (json_int_t)r->erased[i],
				      "attrs_erased", r->attrs_erased[i]);

		if (e && k < r->nrestated && r->restated[k].from == r->erased[i]) {
			json_object_set_new(e, "lines_removed",
					    json_integer((json_int_t)r->restated[k].lines_removed));
			json_object_set_new(e, "restated_as",
					    done ? json_integer((json_int_t)r->restated[k].to)
						 : json_null());
			k++;
		}
		json_array_append_new(entries, e);
	}
	o = json_pack("{s:b, s:o, s:I, s:o, s:o}", "erased", done && r->nerased > 0,
		      "entries", entries, "lines_removed", (json_int_t)r->lines_removed,
		      "tombstone", done && r->nerased ? json_integer((json_int_t)r->tombstone)
						      : json_null(),
		      "in_leaf", cli_indices_json(r->in_leaf, r->nin_leaf));
	if (!o)
		return err_nomem();
	rc = cli_print_json(o);
	json_decref(o);
	return rc;
}

int cmd_erase(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "subject", required_argument, NULL, 's' },
		{ "reason", required_argument, NULL, 'r' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "yes", no_argument, NULL, 'y' },
		{ "json", no_argument, NULL, 'j' },
		{ 0, 0, 0, 0 },
	};
	const char *subjects[10], *reason = NULL;
	size_t nsubjects = 0;
	uint8_t secret[STORE_SECRET_LEN];
	struct erase_result r = { 0 };
	struct cli_progress prog;
	struct store *s = NULL;
	struct pii *pii = NULL;
	bool dry_run = false, yes = false, json = false;
	int c, rc, status = EXIT_OK;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (nsubjects == sizeof(subjects) / sizeof(subjects[0]))
				return cli_usage("erase", "at most 10 --subject");
			subjects[nsubjects++] = optarg;
			break;
		case 'r': reason = optarg; break;
		case 'n': dry_run = true; break;
		case 'y': yes = true; break;
		case 'j': json = true; break;
		default: return cli_bad_option("erase", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("erase", "unexpected argument '%s'", argv[optind]);
	if (!nsubjects || !reason || !*reason)
		return cli_usage("erase", "--subject and --reason are required");
	if ((rc = cli_open_store(cli, STORE_WRITE, &s)) || (rc = store_secret(s, secret)) ||
	    (rc = pii_new(&pii, secret)) || (rc = store_begin(s)))
		goto out;
	rc = erase_subject(s, pii, subjects, nsubjects, reason, time_now(),
			   cli_progress_start(&prog, cli, "erase", false), &r);
	cli_progress_end(&prog);
	if (rc)
		goto out;
	for (size_t i = 0; i < r.nin_leaf; i++)
		fprintf(stderr, "auditpack: erase: warning: entry %" PRIu64 " names the subject "
			"in its signed leaf (source or subject field), which cannot be erased "
			"without breaking the log\n", r.in_leaf[i]);
	if (r.nerased == 0 && r.cursors == 0) {
		/* Purge anyway: an earlier erase may have been kept from it. */
		store_rollback(s);
		if ((rc = store_purge(s)))
			goto out;
		if (json)
			rc = print_json(&r, false);
		else if (!cli->quiet)
			printf("no evidence mentions the subject; nothing erased\n");
		goto out;
	}
	/* Irreversible: at a terminal, show what would go and ask for --yes. */
	if (dry_run || (!yes && isatty(STDIN_FILENO))) {
		store_rollback(s);
		if (json && (rc = print_json(&r, false)))
			goto out;
		if (!json)
			print_result(&r, true);
		if (!dry_run) {
			fprintf(stderr, "auditpack: erase: nothing erased: this erases the payloads "
				"listed above for good; run again with --yes to go ahead\n");
			status = EXIT_USAGE;
		}
		goto out;
	}
	if ((rc = store_commit(s)) || (rc = store_purge(s)))
		goto out;
	if (json)
		rc = print_json(&r, true);
	else if (!cli->quiet) {
		print_result(&r, false);
		printf("tombstone\tentry %" PRIu64 "\t%zu entr%s erased, %" PRIu64 " log line%s "
		       "removed; checkpoint re-signed\n", r.tombstone, r.nerased,
		       r.nerased == 1 ? "y" : "ies", r.lines_removed,
		       r.lines_removed == 1 ? "" : "s");
	}
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	pii_free(pii);
	erase_result_free(&r);
	store_close(s);
	return rc ? cli_fail(rc) : status;
}
