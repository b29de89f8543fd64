#include "cli.h"
#include "../common/err.h"

#include <getopt.h>

const char help_checkpoint[] =
	"usage: auditpack checkpoint [-o FILE]\n"
	"\n"
	"Print the latest signed checkpoint (C2SP tlog-checkpoint: origin, tree size,\n"
	"base64 root hash, and the Ed25519 signature line).  Keep a copy elsewhere and\n"
	"check the store against it later with 'auditpack verify --against FILE'.\n";

int cmd_checkpoint(int argc, char **argv, struct cli *cli)
{
	struct buf note = BUF_INIT;
	const char *out = NULL;
	FILE *f;
	int c, rc;

	while ((c = getopt(argc, argv, "o:")) != -1) {
		if (c != 'o')
			return cli_bad_option("checkpoint", argc, argv);
		out = optarg;
	}
	if (optind < argc)
		return cli_usage("checkpoint", "unexpected argument '%s'", argv[optind]);
	if ((rc = store_checkpoint(cli->store, &note, NULL)) || !(f = cli_output(out))) {
		buf_free(&note);
		return cli_fail(rc ? rc : ERR_IO);
	}
	fwrite(note.data, 1, note.len, f);
	buf_free(&note);
	return (rc = cli_output_close(f, out)) ? cli_fail(rc) : EXIT_OK;
}
