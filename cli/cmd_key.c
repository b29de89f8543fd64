#include "cli.h"
#include "../common/err.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

const char help_key[] =
	"usage: auditpack key show [--json]\n"
	"       auditpack key export-public [--key KEYID] [-o FILE]\n"
	"       auditpack key rotate\n"
	"\n"
	"show           the verifier key string and key id of every key the store\n"
	"               has signed with (the active one marked)\n"
	"export-public  the SubjectPublicKeyInfo PEM of the active key (or KEYID)\n"
	"rotate         make a new signing key; old public keys are kept so old\n"
	"               checkpoints still verify, the old private key is deleted.\n"
	"               The new key is encrypted with the current passphrase, if any.\n";

static int key_show(struct store *s, bool json)
{
	struct store_key *keys = NULL;
	struct buf vkey = BUF_INIT;
	json_t *arr = NULL;
	size_t n;
	int rc;

	if ((rc = store_keys(s, &keys, &n)))
		return cli_fail(rc);
	if (json && !(arr = json_array())) {
		rc = cli_fail(err_nomem());
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char id[9];

		buf_reset(&vkey);
		if ((rc = note_vkey_format(&vkey, store_origin(s), keys[i].pub))) {
			rc = cli_fail(rc);
			goto out;
		}
		snprintf(id, sizeof(id), "%08" PRIx32, keys[i].key_id);
		if (json)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b, s:s}",
				"key_id", id, "name", store_origin(s), "vkey", vkey.data,
				"active", keys[i].active, "created", keys[i].created));
		else
			printf("%s %s %s\n", id, keys[i].active ? "active " : "retired",
			       vkey.data);
	}
	if (json) {
		char *text = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		if (text)
			puts(text);
		free(text);
	}
	rc = EXIT_OK;
out:
	json_decref(arr);
	free(keys);
	buf_free(&vkey);
	return rc;
}

static int key_export(struct store *s, const char *want, const char *out_path)
{
	struct store_key *keys = NULL;
	struct buf pem = BUF_INIT;
	EVP_PKEY *pk = NULL;
	const struct store_key *k = NULL;
	FILE *f;
	size_t n;
	int rc;

	if ((rc = store_keys(s, &keys, &n)))
		return cli_fail(rc);
	for (size_t i = 0; i < n; i++) {
		char id[9];

		snprintf(id, sizeof(id), "%08" PRIx32, keys[i].key_id);
		if (want ? !strcmp(want, id) : keys[i].active)
			k = &keys[i];
	}
	if (!k) {
		rc = cli_fail(err_set(ERR_NOTFOUND, "no key %s in the store",
				      want ? want : "(active)"));
		goto out;
	}
	if ((rc = ed25519_from_raw_public(&pk, k->pub)) || (rc = keys_public_pem(&pem, pk)) ||
	    !(f = cli_output(out_path)) ||
	    (fwrite(pem.data, 1, pem.len, f), rc = cli_output_close(f, out_path))) {
		rc = cli_fail(rc ? rc : ERR_IO);
		goto out;
	}
	rc = EXIT_OK;
out:
	EVP_PKEY_free(pk);
	buf_free(&pem);
	free(keys);
	return rc;
}

static int key_rotate(struct cli *cli)
{
	const struct passphrase *pass;
	struct store *s = NULL;
	uint32_t id;
	int rc;

	if ((rc = cli_open_store(cli, STORE_WRITE, &s)) || (rc = cli_passphrase(cli, &pass)) ||
	    (rc = store_key_rotate(s, pass, &id))) {
		store_close(s);
		return cli_fail(rc);
	}
	if (!cli->quiet)
		printf("rotated: new signing key %08" PRIx32 "; the old key's public half "
		       "is kept for verifying old checkpoints\n", id);
	store_close(s);
	return EXIT_OK;
}

int cmd_key(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "key", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		{ 0, 0, 0, 0 },
	};
	const char *sub, *out = NULL, *want = NULL;
	struct store *s = NULL;
	bool json = false;
	int c, rc;

	if (argc < 2)
		return cli_usage("key", "name a subcommand: show, export-public or rotate");
	sub = argv[1];
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'k': want = optarg; break;
		case 'o': out = optarg; break;
		default: return cli_bad_option("key", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage("key", "unexpected argument '%s'", argv[optind]);
	if (!strcmp(sub, "rotate"))
		return key_rotate(cli);
	if (strcmp(sub, "show") && strcmp(sub, "export-public"))
		return cli_usage("key", "'%s' is not a key subcommand", sub);
	if ((rc = cli_open_store(cli, STORE_READ, &s)))
		return cli_fail(rc);
	rc = !strcmp(sub, "show") ? key_show(s, json) : key_export(s, want, out);
	store_close(s);
	return rc;
}
