#include "cli.h"
#include "../common/err.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_init[] =
	"usage: auditpack [--store DIR] init [--origin NAME]\n"
	"\n"
	"Create the evidence store: DIR (mode 0700) with evidence.db, an Ed25519\n"
	"signing key in keys/ (mode 0600; encrypted when AUDITPACK_KEY_PASSPHRASE or\n"
	"--passphrase-file is given), a commented auditpack.yaml, and the signed\n"
	"checkpoint of the empty log.  Refuses to overwrite an existing store.\n"
	"\n"
	"  --origin NAME   the log's name in checkpoints and the key name, e.g.\n"
	"                  bank.example/credit-llm (default: <hostname>/auditpack)\n";

static const char config_template[] =
	"# auditpack configuration.  See docs/configuration.md.\n"
	"#\n"
	"# origin: the name this evidence log signs its checkpoints with.  It is fixed\n"
	"# when the store is created; changing it here has no effect.\n"
	"origin: %s\n"
	"\n"
	"# witness: a directory on storage this host cannot rewrite (another host, a\n"
	"# WORM bucket mount) where every new checkpoint is also written, as\n"
	"# <size>.checkpoint; verify checks against it (docs/operations.md).\n"
	"# witness: /mnt/witness/auditpack\n"
	"\n"
	"# profile: who this deployment is.  It decides which frameworks assess, gate\n"
	"# and pack judge by default, which controls bind it (the others are\n"
	"# not-applicable, with the reason), from when (applies_from), and the\n"
	"# retention minimums prune keeps.  Every key is optional; unset means \"not\n"
	"# known\" and nothing is put out of scope on that ground.  To set a key,\n"
	"# remove the '#' at the start of its line (keep the two spaces).\n"
	"profile:\n"
	"#  frameworks: [gdpr, eu-ai-act, sebi-cscrf, iso27001]  # in scope (default: all)\n"
	"#  ai-act: {role: deployer, risk: high-risk}\n"
	"#    # role: provider | deployer | both\n"
	"#    # risk: high-risk (Annex III) | high-risk-product (Annex I) | limited |\n"
	"#    #       minimal | gpai | gpai-systemic   (or a list of them)\n"
	"#  sebi: {category: qualified}  # mii | qualified | mid-size | small | self-certification\n"
	"#  hipaa: {role: covered-entity}  # covered-entity | business-associate\n"
	"#  residency: [in]  # where logs and personal data must stay: in | eu | us\n"
	"\n"
	"# retention: keep evidence longer than the frameworks in scope require\n"
	"# (a value shorter than a framework's minimum never shortens it).\n"
	"retention:\n"
	"#  access-log: 3y    # periods: 2y, 18mo, 400d\n"
	"#  document: 7y\n"
	"#  attestation: 7y\n"
	"\n"
	"# sources: what `auditpack collect` gathers, every run.  To use an example,\n"
	"# remove the '#' at the start of each of its lines (keep the two spaces\n"
	"# before '- name').  A pattern matching no file is an error unless the\n"
	"# source says 'optional: true'.\n"
	"sources:\n"
	"#  - name: gateway\n"
	"#    type: access-log\n"
	"#    format: jsonl            # combined | common | jsonl | auditd | syslog\n"
	"#    paths: [/var/log/llm-gateway/access.log]\n"
	"#    fields: {time: ts, user: user_id, model: model, status: status}\n"
	"#    pii: pseudonymise        # pseudonymise (default) | redact | keep\n"
	"#  - name: registry\n"
	"#    type: model\n"
	"#    mlflow: /srv/mlflow/mlflow.db\n"
	"#  - name: llm-weights\n"
	"#    type: model\n"
	"#    dir: /srv/models/credit-risk-llm/3   # a model directory\n"
	"#    model: credit-risk-llm\n"
	"#    version: \"3\"\n"
	"#  - name: gateway-config\n"
	"#    type: config\n"
	"#    paths: [/etc/llm-gateway/]\n"
	"#  - name: rbac\n"
	"#    type: command\n"
	"#    output-type: rbac     # what the output is: only typed output feeds the RBAC checks\n"
	"#    run: [kubectl, get, \"clusterroles,roles,clusterrolebindings,rolebindings\", -o, json]\n"
	"#    timeout: 30s          # a number and a unit: s, m, h, d or w\n"
	"#  - name: policies\n"
	"#    type: document\n"
	"#    paths: [/srv/compliance/*.pdf]\n"
	"#    doc-type: policy      # a label checks ask for: policy, dpia,\n"
	"#                          # red-team-report, model-card, ...\n";

int cmd_init(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "origin", required_argument, NULL, 'o' },
		{ 0, 0, 0, 0 },
	};
	char host[200], origin_buf[256], yaml[sizeof(config_template) + 256];
	const char *origin = NULL;
	struct store_opts o = { .dir = cli->store_dir, .wait_seconds = cli->wait_seconds };
	struct store *s = NULL;
	struct buf vkey = BUF_INIT;
	struct store_key *keys = NULL;
	size_t nkeys;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'o')
			return cli_bad_option("init", argc, argv);
		origin = optarg;
	}
	if (optind < argc)
		return cli_usage("init", "unexpected argument '%s'", argv[optind]);
	if (!origin) {
		if (gethostname(host, sizeof(host)) < 0 || !host[0])
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		snprintf(origin_buf, sizeof(origin_buf), "%s/auditpack", host);
		origin = origin_buf;
	}
	if ((rc = cli_passphrase(cli, &o.pass)))
		return cli_fail(rc);
	snprintf(yaml, sizeof(yaml), config_template, origin);
	if ((rc = store_init(&o, origin, yaml)))
		return cli_fail(rc);
	if ((rc = store_open(&s, &o, STORE_READ)) || (rc = store_keys(s, &keys, &nkeys)) ||
	    nkeys == 0 || (rc = note_vkey_format(&vkey, origin, keys[nkeys - 1].pub))) {
		rc = cli_fail(rc ? rc : err_set(ERR_DB, "the new store has no key"));
		goto out;
	}
	if (!cli->quiet)
		printf("initialised evidence store in %s\n"
		       "origin:       %s\n"
		       "verifier key: %s\n"
		       "signing key:  %s/keys/%08x.key (%s)\n"
		       "configure sources in %s/auditpack.yaml\n",
		       cli->store_dir, origin, vkey.data, cli->store_dir,
		       (unsigned)keys[nkeys - 1].key_id,
		       o.pass && o.pass->data ? "encrypted" : "not encrypted",
		       cli->store_dir);
	rc = EXIT_OK;
out:
	free(keys);
	buf_free(&vkey);
	store_close(s);
	return rc;
}
