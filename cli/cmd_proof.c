#include "cli.h"
#include "../common/err.h"

#include <getopt.h>

const char help_proof[] =
	"usage: auditpack proof INDEX [-o FILE]\n"
	"\n"
	"Print a C2SP tlog-proof@v1 for entry INDEX against the latest checkpoint:\n"
	"the index, the RFC 6962 inclusion proof (base64 hashes, bottom-up) and the\n"
	"signed checkpoint.  With the entry's leaf text ('show --json', leaf_data)\n"
	"anyone can check it without auditpack.\n";

int cmd_proof(int argc, char **argv, struct cli *cli)
{
	struct buf proof = BUF_INIT;
	const char *out = NULL;
	uint64_t index;
	FILE *f;
	int c, rc;

	while ((c = getopt(argc, argv, "o:")) != -1) {
		if (c != 'o')
			return cli_bad_option("proof", argc, argv);
		out = optarg;
	}
	if (optind + 1 != argc || !cli_parse_index(argv[optind], &index))
		return cli_usage("proof", "give one entry INDEX (a number)");
	if ((rc = store_proof(cli->store, index, &proof)) || !(f = cli_output(out))) {
		buf_free(&proof);
		return cli_fail(rc ? rc : ERR_IO);
	}
	fwrite(proof.data, 1, proof.len, f);
	buf_free(&proof);
	return (rc = cli_output_close(f, out)) ? cli_fail(rc) : EXIT_OK;
}
