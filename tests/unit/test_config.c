/*
 * The configuration-snapshot collector: secrets never reach the store, the
 * diff against the previous snapshot, YAML multi-documents and alias
 * bombs, malformed input named by file:line, the demo configuration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "../../collectors/config.h"
#include "../../collectors/observe.h"
#include "../../collectors/pii.h"
#include "../../collectors/sources.h"
#include "../../common/err.h"
#include "../../common/fsutil.h"
#include "../../store/store.h"

#define NOW 1767225600 /* 2026-01-01T00:00:00Z */

struct fixture {
	char root[64];
	char store[96];
	char in[96];
	struct store_opts o;
};

/* The run's clock (NOW + this) and how many re-observations an unchanged
 * snapshot should queue for the run's observation entry. */
static int64_t clock_offset;
static size_t want_queued;

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	clock_offset = 0;
	want_queued = 0;
	snprintf(f->root, sizeof(f->root), "/tmp/auditpack-config-XXXXXX");
	if (!f || !mkdtemp(f->root))
		return -1;
	snprintf(f->store, sizeof(f->store), "%s/s", f->root);
	snprintf(f->in, sizeof(f->in), "%s/in", f->root);
	if (mkdir(f->in, 0700) < 0)
		return -1;
	f->o.dir = f->store;
	f->o.wait_seconds = 1;
	if (store_init(&f->o, "unit.example/config", NULL))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", f->root, f->root);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Write in/<name> (creating in/<dir>/ as needed). */
static void put(struct fixture *f, const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->in, name);
	for (char *p = path + strlen(f->in) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
}

/*
 * One collect run over paths as its own transaction (committed on success,
 * rolled back on error).  *attrs (may be NULL) receives the new entry's
 * attrs; the store's secret goes to secret (may be NULL).
 */
static json_t *last_payload;

static int collect(struct fixture *f, const char *source, char *const *paths, size_t n,
		   json_t **attrs, uint8_t *secret_out)
{
	struct buf pl = BUF_INIT;
	uint8_t secret[STORE_SECRET_LEN];
	struct collect_result r = { 0 };
	struct collect_ctx c = { 0 };
	struct store *s = NULL;
	struct pii *p = NULL;
	struct entry e;
	uint64_t size;
	int rc;

	assert_int_equal(store_open(&s, &f->o, STORE_WRITE), 0);
	assert_int_equal(store_secret(s, secret), 0);
	assert_int_equal(pii_new(&p, secret), 0);
	c.store = s;
	c.now = NOW + clock_offset;
	c.secret = secret;
	c.pii = p;
	assert_int_equal(store_begin(s), 0);
	rc = config_collect(&c, source, paths, n, p, &r);
	if (rc) {
		store_rollback(s);
	} else if (r.unchanged) {
		/* The same snapshot as last time: no entry, one re-observation. */
		assert_int_equal(r.entries, 0);
		assert_int_equal(r.unchanged, 1);
		assert_int_equal(json_array_size(c.reobserved), want_queued);
		observe_discard(&c);
		assert_int_equal(store_commit(s), 0); /* keeps when it was listed */
		if (attrs)
			*attrs = NULL;
	} else {
		assert_int_equal(r.entries, 1);
		assert_int_equal(store_commit(s), 0);
		assert_int_equal(store_size(s, &size), 0);
		assert_int_equal(store_get_entry(s, size - 1, &e), 0);
		assert_string_equal(e.kind, "config-snapshot");
		assert_string_equal(e.subject, "-");
		assert_int_equal(e.eff_from, NOW);
		assert_int_equal(e.eff_to, NOW);
		if (attrs)
			assert_non_null(*attrs = json_loadb(e.attrs, e.attrs_len, 0, NULL));
		/* The payload of the last run, for tests that look inside. */
		assert_int_equal(store_get_payload(s, size - 1, &pl), 0);
		json_decref(last_payload);
		assert_non_null(last_payload = json_loadb(pl.data, pl.len, 0, NULL));
		buf_free(&pl);
		entry_free(&e);
	}
	if (secret_out)
		memcpy(secret_out, secret, STORE_SECRET_LEN);
	OPENSSL_cleanse(secret, sizeof(secret));
	pii_free(p);
	store_close(s);
	return rc;
}

static int collect_in(struct fixture *f, json_t **attrs, uint8_t *secret)
{
	char *paths[1] = { f->in };

	return collect(f, "cfg", paths, 1, attrs, secret);
}

/* attrs "values" of in/<file> at key. */
static const char *value_of(struct fixture *f, json_t *attrs, const char *file, const char *key)
{
	char k[512];

	snprintf(k, sizeof(k), "%s/%s:%s", f->in, file, key);
	return json_string_value(json_object_get(json_object_get(attrs, "values"), k));
}

static bool array_has(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (!strcmp(json_string_value(v), s))
			return true;
	return false;
}

/* Like grep -a -r: is `needle` anywhere in the bytes of the files under dir? */
static bool dir_contains(const char *dir, const char *needle)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	bool found = false;

	assert_non_null(d);
	while (!found && (de = readdir(d))) {
		char path[512];
		struct buf b = BUF_INIT;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(lstat(path, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			found = dir_contains(path, needle);
		} else if (S_ISREG(st.st_mode)) {
			assert_int_equal(fs_read_file(&b, path, (size_t)1 << 30, NULL), 0);
			found = b.len && memmem(b.data, b.len, needle, strlen(needle));
			buf_free(&b);
		}
	}
	closedir(d);
	return found;
}

static void test_secrets_never_reach_the_store(void **state)
{
	static const char *const raw[] = {
		"Yaml-Pa55word-raw", "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123", "EnvSecretValue0987",
		"Ini-Secret-Raw-42", "QuotedEnvPw!x", "UrlPassw0rdRaw", "K8sEnvValueRaw77",
		"CliFlagSecret55", "TextFileSecret31", "SecretDataRaw19",
	};
	struct fixture *f = *state;
	uint8_t secret[STORE_SECRET_LEN];
	char tok[CONFIG_TOKEN_LEN];
	json_t *a = NULL;

	put(f, "app.yaml",
	    "database:\n  host: db.internal\n  password: Yaml-Pa55word-raw\n"
	    "upstream:\n  api_key: sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123\n"
	    "  url: postgres://app:UrlPassw0rdRaw@db:5432/app\n"
	    "args: [\"--db-password=CliFlagSecret55\", \"--verbose\"]\n");
	put(f, "secrets.env", "# env\nAPI_KEY=EnvSecretValue0987\nexport DB_PASSWORD=\"QuotedEnvPw!x\"\n"
	    "LOG_LEVEL=debug\n");
	put(f, "app.ini", "[auth]\nsecret = Ini-Secret-Raw-42\nmode = oidc\n");
	put(f, "deploy/pod.yml",
	    "kind: Pod\nspec:\n  containers:\n    - name: app\n      env:\n"
	    "        - name: DB_PASSWORD\n          value: K8sEnvValueRaw77\n"
	    "---\nkind: Secret\ndata:\n  tls.crt: SecretDataRaw19\n");
	put(f, "notes/redis.txt", "port 6379\nrequirepass TextFileSecret31\n");
	assert_int_equal(collect_in(f, &a, secret), 0);
	/* The scan does find what is stored in the clear. */
	assert_true(dir_contains(f->store, "db.internal"));
	assert_true(dir_contains(f->store, "--verbose"));
	for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
		if (dir_contains(f->store, raw[i]))
			fail_msg("'%s' reached the store", raw[i]);
	}
	/* The keyed hash stands in for the value, so a change shows. */
	assert_int_equal(config_secret_token(tok, secret, "Yaml-Pa55word-raw", 17), 0);
	assert_string_equal(value_of(f, a, "app.yaml", "database.password"), tok);
	assert_int_equal(config_secret_token(tok, secret, "Ini-Secret-Raw-42", 17), 0);
	assert_string_equal(value_of(f, a, "app.ini", "auth.secret"), tok);
	assert_int_equal(config_secret_token(tok, secret, "QuotedEnvPw!x", 13), 0);
	assert_string_equal(value_of(f, a, "secrets.env", "DB_PASSWORD"), tok);
	assert_int_equal(strncmp(value_of(f, a, "secrets.env", "API_KEY"), "<secret:", 8), 0);
	assert_int_equal(strncmp(value_of(f, a, "deploy/pod.yml",
					  "[0].spec.containers[0].env[0].value"), "<secret:", 8), 0);
	/* What is not secret stays readable. */
	assert_string_equal(value_of(f, a, "app.yaml", "database.host"), "db.internal");
	assert_string_equal(value_of(f, a, "app.ini", "auth.mode"), "oidc");
	assert_string_equal(value_of(f, a, "secrets.env", "LOG_LEVEL"), "debug");
	assert_string_equal(value_of(f, a, "deploy/pod.yml", "[0].spec.containers[0].env[0].name"),
			    "DB_PASSWORD");
	assert_string_equal(value_of(f, a, "app.yaml", "args[1]"), "--verbose");
	assert_true(json_integer_value(json_object_get(a, "secrets")) >= 8);
	json_decref(a);
	OPENSSL_cleanse(secret, sizeof(secret));
}

static void test_diff_against_previous_snapshot(void **state)
{
	struct fixture *f = *state;
	json_t *a1 = NULL, *a2 = NULL, *a3 = NULL;
	char key[256];

	put(f, "gw.yaml", "tls:\n  min_version: \"1.2\"\n  password: one\nport: 8443\nold: x\n");
	assert_int_equal(collect_in(f, &a1, NULL), 0);
	assert_true(json_is_null(json_object_get(a1, "previous")));
	assert_int_equal(json_array_size(json_object_get(a1, "added")), 4);

	put(f, "gw.yaml", "tls:\n  min_version: \"1.3\"\n  password: two\nport: 8443\nnew: y\n");
	assert_int_equal(collect_in(f, &a2, NULL), 0);
	assert_string_equal(json_string_value(json_object_get(a2, "previous")),
			    json_string_value(json_object_get(a1, "tree_sha256")));
	snprintf(key, sizeof(key), "%s/gw.yaml:tls.min_version", f->in);
	assert_true(array_has(json_object_get(a2, "changed"), key));
	/* A changed password shows as a changed key, without its value. */
	snprintf(key, sizeof(key), "%s/gw.yaml:tls.password", f->in);
	assert_true(array_has(json_object_get(a2, "changed"), key));
	assert_int_equal(json_array_size(json_object_get(a2, "changed")), 2);
	snprintf(key, sizeof(key), "%s/gw.yaml:new", f->in);
	assert_true(array_has(json_object_get(a2, "added"), key));
	snprintf(key, sizeof(key), "%s/gw.yaml:old", f->in);
	assert_true(array_has(json_object_get(a2, "removed"), key));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(a2, "changes"),
							    "changed")), 2);

	/* Nothing changed: no second snapshot.  Within the hour nothing is
	 * listed either; later the run's observation entry lists it
	 * (collectors/observe.h). */
	want_queued = 0;
	assert_int_equal(collect_in(f, &a3, NULL), 0);
	assert_null(a3);
	clock_offset = OBSERVE_EVERY;
	want_queued = 1;
	assert_int_equal(collect_in(f, &a3, NULL), 0);
	assert_null(a3);
	want_queued = 0;
	assert_int_equal(collect_in(f, &a3, NULL), 0);
	clock_offset = 0;
	json_decref(a1);
	json_decref(a2);
	json_decref(a3);
}

/* verify reads only the witness: line, whatever the rest of the file. */
static void test_witness_line(void **state)
{
	static const char broken[] = "origin: x\nsources: [\n  - {name: broken\n"
				     "witness: \"/mnt/w w\"  # copies\n";
	char w[64];

	(void)state;
	assert_int_equal(sources_witness_line(broken, strlen(broken), w, sizeof(w)), 0);
	assert_string_equal(w, "/mnt/w w");
	assert_int_equal(sources_witness_line("witness: /a/b # c\r\n", 19, w, sizeof(w)), 0);
	assert_string_equal(w, "/a/b");
	assert_int_equal(sources_witness_line("  witness: /nested\n", 19, w, sizeof(w)), 0);
	assert_string_equal(w, "");
	assert_int_equal(sources_witness_line("witness:", 8, w, sizeof(w)), 0);
	assert_string_equal(w, "");
	assert_int_equal(sources_witness_line("witness: /0123456789012345678901234567890123456789"
					      "0123456789012345678901234567890123456789", 90, w,
					      sizeof(w)), ERR_LIMIT);
}

/* A sink that keeps what the parser emits: path -> value, secrets marked. */
static int keep(void *arg, const char *path, size_t plen, const char *v, size_t vn,
		bool secret, bool literal, int line)
{
	char text[256];

	(void)line;
	snprintf(text, sizeof(text), "%s%.*s", secret && !literal ? "SECRET:" : "", (int)vn, v);
	return json_object_setn_new(arg, path, plen, json_string(text)) ? ERR_PARSE : 0;
}

static json_t *parse(enum config_format fmt, const char *text, int *rc)
{
	json_t *out = json_object();
	struct config_sink sink = { keep, out, NULL };

	*rc = config_parse(fmt, "t", text, strlen(text), &sink);
	return out;
}

#define KEY(j, k) json_string_value(json_object_get((j), (k)))

static void test_yaml_documents_and_paths(void **state)
{
	json_t *j;
	int rc;

	(void)state;
	j = parse(CONFIG_YAML,
		  "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n"
		  "    - name: app\n      image: app:1.4\n      env:\n"
		  "        - {name: LOG_LEVEL, value: info}\n"
		  "        - {name: API_TOKEN, value: abc}\n"
		  "---\n---\nkind: ConfigMap\nmetadata:\n  annotations:\n"
		  "    kubernetes.io/ingress.class: nginx\ndata: {enabled: True, empty: ~, "
		  "list: [], map: {}}\n", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(KEY(j, "[0].kind"), "Pod");
	assert_string_equal(KEY(j, "[0].spec.containers[0].image"), "app:1.4");
	assert_string_equal(KEY(j, "[0].spec.containers[0].env[0].value"), "info");
	assert_string_equal(KEY(j, "[0].spec.containers[0].env[1].value"), "SECRET:abc");
	/* The empty document between them does not count. */
	assert_string_equal(KEY(j, "[1].kind"), "ConfigMap");
	assert_string_equal(KEY(j, "[1].metadata.annotations[\"kubernetes.io/ingress.class\"]"),
			    "nginx");
	assert_string_equal(KEY(j, "[1].data.enabled"), "true");
	assert_string_equal(KEY(j, "[1].data.empty"), "null");
	assert_string_equal(KEY(j, "[1].data.list"), "[]");
	assert_string_equal(KEY(j, "[1].data.map"), "{}");
	json_decref(j);

	/* One document: no index; merge keys are resolved. */
	j = parse(CONFIG_YAML,
		  "base: &b {rpm: 60, tpm: 1000}\nrole:\n  <<: *b\n  rpm: 600\n", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(KEY(j, "role.rpm"), "600");
	assert_string_equal(KEY(j, "role.tpm"), "1000");
	json_decref(j);
}

static void test_yaml_alias_bomb_refused(void **state)
{
	static const char bomb[] =
		"a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
		"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
		"h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
		"i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	json_t *j;
	int rc;

	(void)state;
	/* 9^9 strings if expanded: refused after measuring ~50 nodes. */
	j = parse(CONFIG_YAML, bomb, &rc);
	assert_int_equal(rc, ERR_LIMIT);
	assert_non_null(strstr(err_msg(), "alias"));
	assert_int_equal(json_object_size(j), 0);
	json_decref(j);
	/* An anchor that contains itself. */
	j = parse(CONFIG_YAML, "a: &x [1, *x]\n", &rc);
	assert_true(rc == ERR_PARSE || rc == ERR_LIMIT);
	json_decref(j);
	/* Deep nesting is bounded too. */
	{
		char deep[256];

		memset(deep, '[', 100);
		deep[100] = '1';
		memset(deep + 101, ']', 100);
		deep[201] = '\0';
		j = parse(CONFIG_YAML, deep, &rc);
		assert_int_equal(rc, ERR_LIMIT);
		json_decref(j);
	}
}

static void expect_parse_error(struct fixture *f, const char *name, const char *text,
			       const char *where)
{
	char path[256], want[300];
	char *paths[1] = { path };
	json_t *a = NULL;
	int rc;

	put(f, name, text);
	snprintf(path, sizeof(path), "%s/%s", f->in, name);
	rc = collect(f, "bad", paths, 1, &a, NULL);
	if (rc != ERR_PARSE)
		fail_msg("%s: got %d (%s), expected ERR_PARSE", name, rc, err_msg());
	snprintf(want, sizeof(want), "%s:%s", path, where);
	if (getenv("SHOW_ERRORS"))
		fprintf(stderr, "  %s\n", err_msg());
	if (strncmp(err_msg(), want, strlen(want)))
		fail_msg("%s: message '%s' does not start with '%s'", name, err_msg(), want);
	assert_null(a);
}

static void test_malformed_files_named_by_line(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;
	uint64_t size;

	expect_parse_error(f, "bad.json", "{\n  \"a\": 1,\n  \"b\": \n}\n", "4:");
	expect_parse_error(f, "bad.yaml", "a: 1\nb: [1, 2\nc: 3\n", "3:");
	expect_parse_error(f, "bad.yml", "a: 1\n  b: 2\n", "2:");
	expect_parse_error(f, "bad.ini", "[ok]\na = 1\n[broken\nb = 2\n", "3:1:");
	expect_parse_error(f, "bad2.ini", "[ok]\nthis line is not a setting\n", "2:1:");
	expect_parse_error(f, "bad.env", "A=1\nNOT A SETTING\n", "2:");
	expect_parse_error(f, "bad2.env", "A=1\nB=\"never closed\nC=3\n", "2:3:");
	expect_parse_error(f, "latin1.json", "{\"a\": \"caf\xe9\"}", "1:11:");
	/* Every run was rolled back: the store is as it was. */
	assert_int_equal(store_open(&s, &f->o, STORE_READ), 0);
	assert_int_equal(store_size(s, &size), 0);
	assert_int_equal(size, 0);
	store_close(s);
}

static void test_unreadable_and_oversized(void **state)
{
	struct fixture *f = *state;
	char path[256], *paths[1] = { path };
	int fd;

	snprintf(path, sizeof(path), "%s/missing.yaml", f->in);
	assert_int_equal(collect(f, "x", paths, 1, NULL, NULL), ERR_IO);
	assert_non_null(strstr(err_msg(), path));

	snprintf(path, sizeof(path), "%s/big.json", f->in);
	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0600)) >= 0);
	assert_int_equal(ftruncate(fd, (off_t)CONFIG_MAX_FILE_BYTES + 1), 0);
	close(fd);
	assert_int_equal(collect(f, "x", paths, 1, NULL, NULL), ERR_LIMIT);
	assert_non_null(strstr(err_msg(), path));
	unlink(path);

	if (geteuid() != 0) {
		put(f, "locked.yaml", "a: 1\n");
		snprintf(path, sizeof(path), "%s/locked.yaml", f->in);
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(collect_in(f, NULL, NULL), ERR_IO);
		assert_non_null(strstr(err_msg(), path));
	}
}

static void test_tree_walk(void **state)
{
	struct fixture *f = *state;
	char path[256], target[256], key[300];
	json_t *a = NULL, *skipped, *lines, *file;

	put(f, "b/z.conf", "server {\n  listen 443 ssl;\n}\n");
	put(f, "a/app.cfg", "[main]\nworkers = 4\n");
	put(f, "a/blob.bin", "");
	put(f, "README", "admin: ops@bank.example\nrequirepass TextSecret77\n");
	put(f, ".git/config", "[core]\n");
	snprintf(path, sizeof(path), "%s/a/blob.bin", f->in);
	{
		FILE *fp = fopen(path, "wb");

		assert_non_null(fp);
		fwrite("\x00\xff\x01", 1, 3, fp);
		fclose(fp);
	}
	snprintf(target, sizeof(target), "%s/a/app.cfg", f->in);
	snprintf(path, sizeof(path), "%s/link.cfg", f->in);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(collect_in(f, &a, NULL), 0);
	assert_int_equal(json_integer_value(json_object_get(a, "files")), 4);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(a, "formats"),
							    "text")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(a, "formats"),
							    "binary")), 1);
	assert_string_equal(value_of(f, a, "a/app.cfg", "main.workers"), "4");
	skipped = json_object_get(a, "skipped");
	assert_string_equal(json_string_value(json_object_get(skipped, path)), "symlink");
	snprintf(key, sizeof(key), "%s/.git", f->in);
	assert_string_equal(json_string_value(json_object_get(skipped, key)), "version control");
	/* An unparsed file counts as one key in the diff. */
	snprintf(key, sizeof(key), "%s/README:*", f->in);
	assert_true(array_has(json_object_get(a, "added"), key));
	/* ... and is kept as its scrubbed lines. */
	snprintf(key, sizeof(key), "%s/README", f->in);
	lines = json_object_get(json_object_get(json_object_get(last_payload, "files"), key),
				"lines");
	assert_int_equal(json_array_size(lines), 2);
	assert_int_equal(strncmp(json_string_value(json_array_get(lines, 1)),
				 "requirepass <secret:", 20), 0);
	snprintf(key, sizeof(key), "%s/a/blob.bin", f->in);
	file = json_object_get(json_object_get(last_payload, "files"), key);
	assert_string_equal(json_string_value(json_object_get(file, "format")), "binary");
	assert_int_equal(json_integer_value(json_object_get(file, "size")), 3);
	assert_false(dir_contains(f->store, "TextSecret77"));
	assert_false(dir_contains(f->store, "ops@bank.example"));
	json_decref(a);
}

static void test_parsers(void **state)
{
	json_t *j;
	int rc;

	(void)state;
	j = parse(CONFIG_INI,
		  "; comment\n# comment\ntop = 1\n[server.tls]\nmin_version: \"1.2\" ; why\n"
		  "ciphers = 'A:B'\nskip-name-resolve\nnote = a # comment\n"
		  "[[peers]]\nhost = a\n[[peers]]\nhost = b\n[multi]\n"
		  "items =\n    one\n    two\ntext = \"\"\"\nline1\nline2\"\"\"\n", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(KEY(j, "top"), "1");
	assert_string_equal(KEY(j, "server.tls.min_version"), "1.2");
	assert_string_equal(KEY(j, "server.tls.ciphers"), "A:B");
	assert_string_equal(KEY(j, "server.tls.skip-name-resolve"), "null");
	assert_string_equal(KEY(j, "server.tls.note"), "a");
	assert_string_equal(KEY(j, "peers[0].host"), "a");
	assert_string_equal(KEY(j, "peers[1].host"), "b");
	assert_string_equal(KEY(j, "multi.items"), "\none\ntwo");
	assert_string_equal(KEY(j, "multi.text"), "line1\nline2");
	json_decref(j);

	j = parse(CONFIG_ENV,
		  "# c\nexport A=1\nB = two # comment\nC=\"x\\ny\"\nD='lit $x'\n"
		  "E=\"multi\nline\"\nAPI_TOKEN=abc\nF=\nFROM_HOST\n", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(KEY(j, "A"), "1");
	assert_string_equal(KEY(j, "B"), "two");
	assert_string_equal(KEY(j, "C"), "x\ny");
	assert_string_equal(KEY(j, "D"), "lit $x");
	assert_string_equal(KEY(j, "E"), "multi\nline");
	assert_string_equal(KEY(j, "API_TOKEN"), "SECRET:abc");
	assert_string_equal(KEY(j, "F"), "");
	assert_string_equal(KEY(j, "FROM_HOST"), "null");
	json_decref(j);

	j = parse(CONFIG_JSON,
		  "{\"a\": {\"b.c\": [1, 2.5, true, null, {}, []]}, \"token\": 7, "
		  "\"auth\": {\"enabled\": false, \"client_secret\": \"s\"}}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(KEY(j, "a[\"b.c\"][0]"), "1");
	assert_string_equal(KEY(j, "a[\"b.c\"][1]"), "2.5");
	assert_string_equal(KEY(j, "a[\"b.c\"][2]"), "true");
	assert_string_equal(KEY(j, "a[\"b.c\"][3]"), "null");
	assert_string_equal(KEY(j, "a[\"b.c\"][4]"), "{}");
	assert_string_equal(KEY(j, "a[\"b.c\"][5]"), "[]");
	assert_string_equal(KEY(j, "token"), "SECRET:7");
	assert_string_equal(KEY(j, "auth.enabled"), "false");
	assert_string_equal(KEY(j, "auth.client_secret"), "SECRET:s");
	json_decref(j);
}

static void test_secret_names(void **state)
{
	static const char *const yes[] = {
		"password", "DB_PASSWORD", "passwd", "pwd", "secret", "client_secret",
		"clientSecret", "token", "auth_token", "accessToken", "api_key", "apikey",
		"api-key", "X-API-KEY", "apiKey", "access_key", "aws_secret_access_key",
		"private_key", "privateKey", "key", "ssh_key", "signing-key", "credential",
		"credentials", "auth", "basic_auth", "Authorization", "connection_string",
		"ConnectionString", "dsn", "SENTRY_DSN", "passphrase", "password_hash", NULL
	};
	static const char *const no[] = {
		"keyboard", "monkey", "keys_count", "key_id", "public_key", "password_file",
		"token_ttl", "secret_name", "secretKeyRef", "max_tokens", "tokens_per_minute",
		"auth_enabled", "author", "hotkey", "passthrough", "bypass", "name", "kms_key_id",
		"", NULL
	};

	(void)state;
	for (const char *const *p = yes; *p; p++)
		if (!config_is_secret_name(*p, strlen(*p)))
			fail_msg("'%s' should look like a secret name", *p);
	for (const char *const *p = no; *p; p++)
		if (config_is_secret_name(*p, strlen(*p)))
			fail_msg("'%s' should not look like a secret name", *p);
}

/* The demo gateway configuration (examples/config, as in /etc/llm-gateway). */
static void test_demo_values(void **state)
{
	struct fixture *f = *state;
	char *paths[1] = { "examples/config" }, cwd[512], k[700];
	json_t *a = NULL, *vals;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(collect(f, "gateway-config", paths, 1, &a, NULL), 0);
	vals = json_object_get(a, "values");
#define DEMO(file, key) (snprintf(k, sizeof(k), "%s/examples/config/%s:%s", cwd, file, key), \
			 json_string_value(json_object_get(vals, k)))
	assert_string_equal(DEMO("gateway.yaml", "tls.min_version"), "1.2");
	assert_string_equal(DEMO("gateway.yaml", "moderation.enabled"), "true");
	assert_string_equal(DEMO("gateway.yaml", "prompt_logging.mode"), "masked");
	assert_string_equal(DEMO("gateway.yaml", "data_region"), "eu-west-1");
	assert_string_equal(DEMO("logging.ini", "storage.encryption_at_rest"), "true");
	assert_string_equal(DEMO("rbac.yaml", "[2].rules[0].verbs[0]"), "*");
	assert_int_equal(strncmp(DEMO("gateway.yaml", "upstream.api_key"), "<secret:", 8), 0);
	assert_int_equal(strncmp(DEMO("logging.ini", "database.password"), "<secret:", 8), 0);
	assert_int_equal(strncmp(DEMO("secrets.env", "API_KEY"), "<secret:", 8), 0);
#undef DEMO
	assert_int_equal(json_integer_value(json_object_get(a, "files")), 4);
	assert_false(json_is_true(json_object_get(a, "values_truncated")));
	assert_false(dir_contains(f->store, "sk-proj-Q3vX8kLm2NpR7sTw4YzA1bCdEfGh5JkL9mNoPqRsTuVwXy"));
	assert_false(dir_contains(f->store, "S3cure-Audit-Pa55"));
	assert_false(dir_contains(f->store, "Tr0ub4dor&3-credit"));
	json_decref(a);
}

/* The one table of PII mode names (collectors/collector.c), for --pii and
 * auditpack.yaml's pii: key. */
static void test_pii_mode_names(void **state)
{
	enum pii_mode m = PII_KEEP;

	(void)state;
	for (int i = PII_PSEUDONYMISE; i <= PII_KEEP; i++) {
		assert_true(pii_mode_from_name(pii_mode_name((enum pii_mode)i), &m));
		assert_int_equal(m, i);
	}
	assert_string_equal(pii_mode_name(PII_PSEUDONYMISE), "pseudonymise");
	assert_string_equal(pii_mode_name(PII_REDACT), "redact");
	assert_string_equal(pii_mode_name(PII_KEEP), "keep");
	assert_false(pii_mode_from_name("Redact", &m));
	assert_false(pii_mode_from_name(NULL, &m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pii_mode_names),
		cmocka_unit_test(test_secret_names),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_yaml_documents_and_paths),
		cmocka_unit_test(test_yaml_alias_bomb_refused),
		cmocka_unit_test_setup_teardown(test_secrets_never_reach_the_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff_against_previous_snapshot, setup, teardown),
		cmocka_unit_test(test_witness_line),
		cmocka_unit_test_setup_teardown(test_malformed_files_named_by_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_and_oversized, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_values, setup, teardown),
	};

	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	json_decref(last_payload);
	return rc;
}
