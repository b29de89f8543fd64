#include "cli.h"
#include "progress.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/timeutil.h"
#include "../collectors/sources.h"
#include "../mappings/scope.h"
#include "../store/witness.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_fail(int rc)
{
	cli_progress_clear();
	fprintf(stderr, "auditpack: %s\n", err_msg());
	return err_exit_code(rc);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "auditpack: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'auditpack %s --help'\n", cmd);
	return EXIT_USAGE;
}

int cli_bad_option(const char *cmd, int argc, char **argv)
{
	const char *a = optind > 0 && optind - 1 < argc ? argv[optind - 1] : "?";
	const char *eq = strchr(a, '=');

	if (a[0] == '-' && a[1] == '-') {
		if (!optopt)
			return cli_usage(cmd, "unknown option '%.*s'",
					 eq ? (int)(eq - a) : (int)strlen(a), a);
		if (eq)
			return cli_usage(cmd, "option '%.*s' takes no value", (int)(eq - a), a);
		return cli_usage(cmd, "option '%s' needs a value", a);
	}
	if (optopt && a[0] == '-' && a[1] == optopt && !a[2] && optind >= argc)
		return cli_usage(cmd, "option '%s' needs a value", a);
	return cli_usage(cmd, "unknown option '-%c'", optopt ? optopt : '?');
}

int cli_passphrase(struct cli *cli, const struct passphrase **out)
{
	int rc;

	if (!cli->pass_loaded) {
		if ((rc = passphrase_get(&cli->pass, cli->passphrase_file)))
			return rc;
		cli->pass_loaded = true;
	}
	*out = &cli->pass;
	return 0;
}

/* The witness directory w, relative to the store unless absolute, into
 * out (PATH_MAX bytes); `path` names the file that set it. */
static int witness_path(char *out, const struct cli *cli, const char *w, const char *path)
{
	if (w[0] == '/' ? snprintf(out, PATH_MAX, "%s", w) >= PATH_MAX :
	    fs_join(out, PATH_MAX, cli->store_dir, w) != 0)
		return err_set(ERR_LIMIT, "%s: witness path too long", path);
	return 0;
}

int cli_witness(struct cli *cli, char *out)
{
	struct sources cfg;
	char path[PATH_MAX];
	int rc;

	out[0] = '\0';
	if ((rc = fs_join(path, PATH_MAX, cli->store_dir, "auditpack.yaml")))
		return rc;
	if (access(path, F_OK) < 0)
		return 0;
	if ((rc = sources_load(&cfg, path)))
		return rc;
	if (cfg.witness)
		rc = witness_path(out, cli, cfg.witness, path);
	sources_free(&cfg);
	return rc;
}

int cli_load_profile(struct cli *cli, const struct catalogs *cs, struct profile *out)
{
	struct sources cfg;
	char path[PATH_MAX];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = fs_join(path, PATH_MAX, cli->store_dir, "auditpack.yaml")))
		return rc;
	if (access(path, F_OK) < 0)
		return 0;
	if ((rc = sources_load(&cfg, path)))
		return rc;
	*out = cfg.profile;
	memset(&cfg.profile, 0, sizeof(cfg.profile));
	sources_free(&cfg);
	if ((rc = scope_check_profile(out, cs)))
		profile_free(out);
	return rc;
}

int cli_open_store(struct cli *cli, enum store_mode mode, struct store **out)
{
	struct store_opts o = { cli->store_dir, cli->wait_seconds, NULL, NULL };
	char witness[PATH_MAX];
	int rc;

	if (mode == STORE_WRITE) {
		if ((rc = cli_passphrase(cli, &o.pass)) || (rc = cli_witness(cli, witness)))
			return rc;
		o.witness = *witness ? witness : NULL;
	}
	return store_open(out, &o, mode);
}

FILE *cli_output(const char *path)
{
	FILE *f;

	if (!path || !strcmp(path, "-"))
		return stdout;
	if (!(f = fopen(path, "w")))
		err_set(ERR_IO, "cannot write '%s': %s", path, strerror(errno));
	return f;
}

int cli_output_close(FILE *f, const char *path)
{
	int bad = ferror(f);

	if (f == stdout)
		return fflush(f) || bad ? err_set(ERR_IO, "cannot write to standard output") : 0;
	if (fclose(f) || bad)
		return err_set(ERR_IO, "cannot write '%s'", path);
	return 0;
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	}
	return false;
}

bool cli_parse_index(const char *s, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !*end && !errno;
}

json_t *cli_entry_json(const struct entry *e, bool with_leaf)
{
	char from[RFC3339_LEN], to[RFC3339_LEN], coll[RFC3339_LEN];
	char lh[HEX_LEN(MERKLE_HASH)], ch[HEX_LEN(32)];
	json_t *o, *attrs;
	char *b64;

	hex_encode(lh, e->leaf_hash, MERKLE_HASH);
	hex_encode(ch, e->commitment, 32);
	attrs = json_loadb(e->attrs, e->attrs_len, 0, NULL);
	o = json_pack("{s:I, s:s, s:s, s:s, s:{s:s, s:s}, s:s, s:o}",
		      "index", (json_int_t)e->index, "kind", e->kind,
		      "source", e->source, "subject", e->subject,
		      "effective", "from", entry_time_text(from, e->eff_from),
		      "to", entry_time_text(to, e->eff_to),
		      "collected", entry_time_text(coll, e->collected),
		      "attrs", attrs ? attrs : json_object());
	if (!o)
		return NULL;
	if (with_leaf) {
		if (!(b64 = malloc(B64_LEN(e->leaf_len)))) {
			json_decref(o);
			return NULL;
		}
		b64_encode(b64, (const uint8_t *)e->leaf, e->leaf_len);
		json_object_set_new(o, "leaf_data", json_string(b64));
		free(b64);
	}
	json_object_set_new(o, "leaf_hash", json_string(lh));
	json_object_set_new(o, "payload_sha256", json_string(ch));
	json_object_set_new(o, "payload_size", json_integer((json_int_t)e->payload_size));
	json_object_set_new(o, "erased", json_boolean(e->erased));
	return o;
}

json_t *cli_indices_json(const uint64_t *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_integer((json_int_t)v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int cli_print_json(const json_t *v)
{
	if (json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		return err_set(ERR_IO, "cannot write JSON");
	putchar('\n');
	return 0;
}

void cli_print_ranges(FILE *f, const uint64_t *v, size_t n)
{
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && v[j] == v[j - 1] + 1; j++)
			;
		fprintf(f, "%s%" PRIu64, i ? ", " : "", v[i]);
		if (j - i > 1)
			fprintf(f, "-%" PRIu64, v[j - 1]);
	}
}

char **cli_split_commas(char *s, size_t *n)
{
	char **v = calloc(strlen(s) + 2, sizeof(*v));
	char *p = s;

	*n = 0;
	if (!v)
		return NULL;
	while (p && *p) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		if (*p)
			v[(*n)++] = p;
		p = comma ? comma + 1 : NULL;
	}
	return v;
}

/*
 * The witness directory for verify: only the witness: line of
 * auditpack.yaml, read leniently, so a malformed (or absent, or unreadable)
 * configuration never stops an integrity check.
 */
static int witness_of_config(struct cli *cli, char *out)
{
	struct buf b = BUF_INIT;
	char path[PATH_MAX], w[PATH_MAX];
	int rc;

	out[0] = '\0';
	if ((rc = fs_join(path, PATH_MAX, cli->store_dir, "auditpack.yaml")))
		return rc;
	if (access(path, F_OK) < 0)
		return 0;
	if (fs_read_file(&b, path, (size_t)1 << 20, NULL)) {
		fprintf(stderr, "auditpack: verify: warning: %s; verifying without its "
			"witness: setting\n", err_msg());
		return 0;
	}
	rc = sources_witness_line(b.data ? b.data : "", b.len, w, sizeof(w));
	buf_free(&b);
	if (rc || !*w)
		return rc;
	return witness_path(out, cli, w, path);
}

int cli_verify(struct cli *cli, struct store *s, const char *against, const char *vkey,
	       struct verify_report *r, char *witness_used)
{
	struct verify_opts o = { NULL, 0, vkey, NULL };
	struct cli_progress prog;
	struct buf note = BUF_INIT;
	char witness[PATH_MAX];
	bool found = false;
	int rc;

	memset(r, 0, sizeof(*r));
	*witness_used = '\0';
	if (!against) {
		if ((rc = witness_of_config(cli, witness)))
			return rc;
		against = *witness ? witness : NULL;
	}
	if (against) {
		if ((rc = witness_latest(against, &note, &found)) || (rc = buf_grow(&note, 0))) {
			buf_free(&note);
			return err_wrap(rc, "witness checkpoint");
		}
		o.against = found ? note.data : NULL;
		o.against_len = note.len;
	}
	o.progress = cli_progress_start(&prog, cli, "verify", false);
	rc = store_verify(s, &o, r);
	cli_progress_end(&prog);
	buf_free(&note);
	if (rc)
		return rc;
	if (o.against)
		snprintf(witness_used, PATH_MAX, "%s", against);
	for (size_t i = 0; i < r->nproblems; i++)
		fprintf(stderr, "auditpack: verify: %s\n", r->problems[i].what);
	if (r->nproblems)
		fprintf(stderr, "auditpack: verify: FAILED: %zu problem%s in '%s'\n",
			r->nproblems, r->nproblems == 1 ? "" : "s", store_dir(s));
	return 0;
}
