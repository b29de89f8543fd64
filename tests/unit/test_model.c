/*
 * The model collector: an MLflow SQLite registry (built from
 * examples/mlflow/registry.sql), the MLflow file store in
 * tests/data/mlruns/, and a model directory with a hand-built safetensors
 * file.  One entry per version, none when nothing changed, exactly one per
 * change; bad input is an error naming the file; the registry is never
 * written; raw e-mail addresses never reach the store by default.
 *
 * Run from the repository root (tests/run.sh does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include "../../collectors/model.h"
#include "../../collectors/pii.h"
#include "../../common/err.h"
#include "../../common/fsutil.h"
#include "../../store/store.h"
#include "../../collectors/observe.h"

#define REGISTRY_SQL "examples/mlflow/registry.sql"
#define MLRUNS "tests/data/mlruns"
#define NOW 1767225600 /* 2026-01-01T00:00:00Z */

struct fixture {
	char dir[64];
	char path[256];  /* scratch for paths under dir */
	struct store *s;
	uint8_t secret[STORE_SECRET_LEN];
	struct collect_ctx c;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct store_opts o = { 0 };
	char sdir[128];

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/auditpack-model-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(sdir, sizeof(sdir), "%s/store", f->dir);
	o.dir = sdir;
	o.wait_seconds = 1;
	if (store_init(&o, "unit.example/model", NULL) ||
	    store_open(&f->s, &o, STORE_WRITE) || store_secret(f->s, f->secret) ||
	    pii_new(&f->c.pii, f->secret))
		return -1;
	f->c.store = f->s;
	f->c.now = NOW;
	f->c.secret = f->secret;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	observe_discard(&f->c); /* re-observations queued for a run never finished */
	store_close(f->s);
	pii_free(f->c.pii);
	OPENSSL_cleanse(f->secret, sizeof(f->secret));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static const char *at(struct fixture *f, const char *rel)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, rel);
	return f->path;
}

static void sh(const char *fmt, const char *a, const char *b)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), fmt, a, b);
	assert_int_equal(system(cmd), 0);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* One collect run as cli/ does it: begin, collect, commit or roll back. */
static int run_mlflow(struct fixture *f, const char *source, const char *path,
		      enum pii_mode mode, struct collect_result *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	assert_int_equal(store_begin(f->s), 0);
	rc = model_collect_mlflow(&f->c, source, path, mode, r);
	if (rc)
		store_rollback(f->s);
	else
		assert_int_equal(store_commit(f->s), 0);
	return rc;
}

static int run_dir_as(struct fixture *f, const char *source, const char *path,
		      struct collect_result *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	assert_int_equal(store_begin(f->s), 0);
	rc = model_collect_dir(&f->c, source, path, "credit-risk-llm", "3",
			       PII_PSEUDONYMISE, r);
	if (rc)
		store_rollback(f->s);
	else
		assert_int_equal(store_commit(f->s), 0);
	return rc;
}

static int run_dir(struct fixture *f, const char *path, struct collect_result *r)
{
	return run_dir_as(f, "weights", path, r);
}

static void sql(const char *db, const char *stmt)
{
	sqlite3 *h = NULL;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, stmt, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

/* The demo registry, built in the temp dir from examples/. */
static void copy_mlruns(struct fixture *f, char *root, size_t cap)
{
	struct stat st;

	if (stat(MLRUNS, &st) < 0)
		fail_msg("no %s (run the tests from the repository root)", MLRUNS);
	snprintf(root, cap, "%s", at(f, "mlruns"));
	sh("cp -r '%s' '%s'", MLRUNS, root);
}

static const char *make_registry(struct fixture *f)
{
	struct buf ddl = BUF_INIT;

	if (fs_read_file(&ddl, REGISTRY_SQL, 1 << 20, NULL))
		fail_msg("%s (run the tests from the repository root)", err_msg());
	at(f, "mlflow.db");
	sql(f->path, ddl.data);
	buf_free(&ddl);
	return f->path;
}

static uint64_t size_of(struct fixture *f)
{
	uint64_t n;

	assert_int_equal(store_size(f->s, &n), 0);
	return n;
}

/* The attrs of entry idx, parsed. */
static json_t *attrs_of(struct fixture *f, uint64_t idx)
{
	struct entry e;
	json_t *a;

	assert_int_equal(store_get_entry(f->s, idx, &e), 0);
	assert_string_equal(e.kind, "model-version");
	a = json_loadb(e.attrs, e.attrs_len, 0, NULL);
	assert_non_null(a);
	entry_free(&e);
	return a;
}

/* The attrs of the newest entry for name/version. */
static json_t *find_version(struct fixture *f, const char *name, const char *version)
{
	for (uint64_t i = size_of(f); i-- > 0;) {
		json_t *a = attrs_of(f, i);

		if (!strcmp(json_string_value(json_object_get(a, "name")), name) &&
		    !strcmp(json_string_value(json_object_get(a, "version")), version))
			return a;
		json_decref(a);
	}
	fail_msg("no entry for %s/%s", name, version);
	return NULL;
}

static const char *str(const json_t *a, const char *key)
{
	return json_string_value(json_object_get(a, key));
}

static void assert_problem_free(struct fixture *f)
{
	struct verify_opts vo = { 0 };
	struct verify_report rep;

	assert_int_equal(store_verify(f->s, &vo, &rep), 0);
	assert_int_equal(rep.nproblems, 0);
	verify_report_free(&rep);
}

static void test_sqlite_one_entry_per_version(void **state)
{
	static const char *const keys[] = { "name", "version", "stage", "aliases", "source",
		"run_id", "creator", "created", "updated", "status", "tags", "approval",
		"dataset", "model_card", "artifacts", "registry", NULL };
	struct fixture *f = *state;
	struct collect_result r;
	const char *db = make_registry(f);
	json_t *a;

	assert_int_equal(run_mlflow(f, "registry", db, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.entries, 4);
	assert_int_equal(r.unchanged, 0);
	assert_int_equal(size_of(f), 4);

	a = find_version(f, "credit-risk-llm", "3");
	for (const char *const *k = keys; *k; k++)
		assert_non_null(json_object_get(a, *k));
	assert_string_equal(str(a, "stage"), "Production");
	assert_int_equal(json_array_size(json_object_get(a, "aliases")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(a, "aliases"), 0)),
			    "champion");
	assert_string_equal(str(a, "approval"), "approved_by:model-risk-committee");
	assert_string_equal(str(a, "dataset"), "loans-2024q4");
	assert_string_equal(str(a, "model_card"), "https://models.example/credit-risk-llm/v3");
	assert_string_equal(str(a, "created"), "2025-04-10T10:00:00Z");
	assert_string_equal(str(a, "registry"), "mlflow-sqlite");
	assert_string_equal(str(a, "run_id"), "c4d5e6f7a8b94c0d9e1f2a3b4c5d6e7f");
	assert_true(json_is_null(json_object_get(a, "artifacts"))); /* s3:// */
	assert_memory_equal(str(a, "creator"), "<user:", 6);
	json_decref(a);

	a = find_version(f, "credit-risk-llm", "1");
	assert_true(json_is_null(json_object_get(a, "approval")));
	assert_string_equal(str(a, "stage"), "None");
	json_decref(a);
	a = find_version(f, "kyc-embedder", "1");
	assert_string_equal(str(a, "stage"), "Staging");
	assert_true(json_is_null(json_object_get(a, "model_card")));
	json_decref(a);
	assert_problem_free(f);
}

static void test_sqlite_changes(void **state)
{
	struct fixture *f = *state;
	struct collect_result r;
	char db[256];

	snprintf(db, sizeof(db), "%s", make_registry(f));
	assert_int_equal(run_mlflow(f, "registry", db, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.entries, 4);

	/* Nothing changed: nothing added. */
	assert_int_equal(run_mlflow(f, "registry", db, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.entries, 0);
	assert_int_equal(r.unchanged, 4);
	assert_int_equal(size_of(f), 4);

	/* A stage transition is one new entry. */
	sql(db, "UPDATE model_versions SET current_stage='Production'"
		" WHERE name='kyc-embedder' AND version=1");
	assert_int_equal(run_mlflow(f, "registry", db, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.entries, 1);
	assert_int_equal(r.unchanged, 3);
	json_t *a = attrs_of(f, size_of(f) - 1);
	assert_string_equal(str(a, "name"), "kyc-embedder");
	assert_string_equal(str(a, "stage"), "Production");
	json_decref(a);

	/* So is a new tag. */
	sql(db, "INSERT INTO model_version_tags(key, value, name, version) VALUES"
		" ('model_card', 'https://models.example/kyc-embedder/v1', 'kyc-embedder', 1)");
	assert_int_equal(run_mlflow(f, "registry", db, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.entries, 1);
	a = attrs_of(f, size_of(f) - 1);
	assert_string_equal(str(a, "model_card"), "https://models.example/kyc-embedder/v1");
	json_decref(a);

	/* Another source name keeps its own cursors. */
	assert_int_equal(run_mlflow(f, "registry-2", db, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.entries, 4);
	assert_int_equal(size_of(f), 10);
	assert_problem_free(f);
}

static void test_sqlite_opened_read_only(void **state)
{
	struct fixture *f = *state;
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct collect_result r;
	struct stat st;
	char db[256], side[300];

	snprintf(db, sizeof(db), "%s", make_registry(f));
	assert_int_equal(fs_read_file(&before, db, 1 << 24, NULL), 0);
	assert_int_equal(run_mlflow(f, "registry", db, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(run_mlflow(f, "registry", db, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(fs_read_file(&after, db, 1 << 24, NULL), 0);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.data, after.data, before.len);
	snprintf(side, sizeof(side), "%s-journal", db);
	assert_int_not_equal(stat(side, &st), 0);
	snprintf(side, sizeof(side), "%s-wal", db);
	assert_int_not_equal(stat(side, &st), 0);
	/* MLflow's own URI spelling works too. */
	snprintf(side, sizeof(side), "sqlite:///%s", db);
	assert_int_equal(run_mlflow(f, "registry", side, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.unchanged, 4);
	buf_free(&before);
	buf_free(&after);
}

static bool store_contains(struct fixture *f, const char *needle)
{
	static const char *const files[] = { "store/evidence.db", "store/evidence.db-wal", NULL };
	bool found = false;

	for (const char *const *p = files; *p; p++) {
		struct buf b = BUF_INIT;

		if (fs_read_file(&b, at(f, *p), (size_t)1 << 28, NULL) == 0)
			found |= memmem(b.data, b.len, needle, strlen(needle)) != NULL;
		buf_free(&b);
	}
	return found;
}

static void test_sqlite_no_raw_email(void **state)
{
	struct fixture *f = *state;
	struct collect_result r;
	char db[256];
	json_t *a;

	snprintf(db, sizeof(db), "%s", make_registry(f));
	assert_int_equal(run_mlflow(f, "registry", db, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.entries, 4);
	assert_false(store_contains(f, "priya.sharma@bank.example"));
	assert_false(store_contains(f, "rahul.menon@bank.example"));
	assert_false(store_contains(f, "mv-team@bank.example"));
	a = find_version(f, "credit-risk-llm", "3");
	assert_non_null(strstr(str(json_object_get(a, "tags"), "validated_by"), "<email:"));
	json_decref(a);

	/* The search above would find them: keep mode stores them raw. */
	assert_int_equal(run_mlflow(f, "registry-keep", db, PII_KEEP, &r), 0);
	a = find_version(f, "credit-risk-llm", "3");
	assert_string_equal(str(a, "creator"), "rahul.menon@bank.example");
	json_decref(a);
	assert_true(store_contains(f, "rahul.menon@bank.example"));

	/* Redact mode drops the creator altogether. */
	assert_int_equal(run_mlflow(f, "registry-redact", db, PII_REDACT, &r), 0);
	a = find_version(f, "credit-risk-llm", "3");
	assert_string_equal(str(a, "creator"), "<user:redacted>");
	json_decref(a);
}

static void test_sqlite_artifacts(void **state)
{
	struct fixture *f = *state;
	struct collect_result r;
	char db[256], model[256], upd[700];
	json_t *a, *art;

	snprintf(db, sizeof(db), "%s", make_registry(f));
	snprintf(model, sizeof(model), "%s", at(f, "artifacts/model"));
	sh("mkdir -p '%s/sub' && printf 'hello\\n' > '%s/sub/weights.bin'", model, model);
	sh("printf '' > '%s/MLmodel' && ln -s sub/weights.bin '%s/link.bin'", model, model);
	snprintf(upd, sizeof(upd), "UPDATE model_versions SET source='file://%s'"
		 " WHERE name='credit-risk-llm' AND version=1", model);
	sql(db, upd);
	assert_int_equal(run_mlflow(f, "registry", db, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.entries, 4);
	a = find_version(f, "credit-risk-llm", "1");
	art = json_object_get(a, "artifacts");
	assert_true(json_is_object(art));
	assert_int_equal(json_object_size(art), 3);
	assert_string_equal(str(art, "sub/weights.bin"),
			    "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
	assert_string_equal(str(art, "link.bin"), str(art, "sub/weights.bin"));
	assert_string_equal(str(art, "MLmodel"),
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	json_decref(a);

	/* Unchanged files are not read again, and give the same digests. */
	assert_int_equal(run_mlflow(f, "registry", db, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.entries, 0);
	/* A changed weight file is a changed version. */
	sh("printf 'tampered\\n' > '%s/sub/weights.bin'%s", model, "");
	assert_int_equal(run_mlflow(f, "registry", db, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.entries, 1);
	a = attrs_of(f, size_of(f) - 1);
	assert_string_not_equal(str(json_object_get(a, "artifacts"), "sub/weights.bin"),
				"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
	json_decref(a);
}

static void test_mlruns(void **state)
{
	struct fixture *f = *state;
	struct collect_result r;
	char root[256], uri[300];
	json_t *a;

	copy_mlruns(f, root, sizeof(root));
	assert_int_equal(run_mlflow(f, "files", root, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.entries, 3);
	assert_int_equal(r.unchanged, 0);

	a = find_version(f, "credit-risk-llm", "2");
	assert_string_equal(str(a, "registry"), "mlflow-file");
	assert_string_equal(str(a, "stage"), "Production");
	assert_string_equal(json_string_value(json_array_get(json_object_get(a, "aliases"), 0)),
			    "champion");
	assert_string_equal(str(a, "approval"), "approved_by:model-risk-committee");
	assert_string_equal(str(a, "dataset"), "loans-2024q4");
	assert_string_equal(str(a, "created"), "2025-01-20T10:00:00Z");
	assert_string_equal(str(a, "updated"), "2025-01-22T10:00:00Z");
	assert_string_equal(str(a, "status"), "READY");
	assert_memory_equal(str(a, "creator"), "<user:", 6);
	json_decref(a);
	a = find_version(f, "kyc-embedder", "1");
	assert_true(json_is_null(json_object_get(a, "creator")));
	assert_int_equal(json_array_size(json_object_get(a, "aliases")), 0);
	json_decref(a);

	assert_int_equal(run_mlflow(f, "files", root, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.entries, 0);
	assert_int_equal(r.unchanged, 3);
	snprintf(uri, sizeof(uri), "file://%s", root);
	assert_int_equal(run_mlflow(f, "files", uri, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.unchanged, 3);

	/* Someone edits a tag file: one new entry. */
	sh("printf 'loans-2025q1' > '%s/models/credit-risk-llm/version-2/tags/dataset'%s",
	   root, "");
	assert_int_equal(run_mlflow(f, "files", root, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.entries, 1);
	assert_int_equal(r.unchanged, 2);
	a = attrs_of(f, size_of(f) - 1);
	assert_string_equal(str(a, "dataset"), "loans-2025q1");
	json_decref(a);
	assert_false(store_contains(f, "priya.sharma@bank.example"));
	assert_problem_free(f);
}

static void test_mlruns_malformed_meta(void **state)
{
	struct fixture *f = *state;
	struct collect_result r;
	char root[256];

	copy_mlruns(f, root, sizeof(root));
	sh("printf 'name: kyc-embedder\\nversion: [1\\nstatus: READY\\n' >"
	   " '%s/models/kyc-embedder/version-1/meta.yaml'%s", root, "");
	assert_int_equal(run_mlflow(f, "files", root, PII_PSEUDONYMISE, &r), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "models/kyc-embedder/version-1/meta.yaml:3:"));
	/* The run rolled back: nothing from the good models either. */
	assert_int_equal(size_of(f), 0);
}

/* A little-endian 8-byte length, then the header, then the data. */
static void write_safetensors(const char *path, const char *hdr, uint64_t announced,
			      size_t data_len)
{
	size_t n = strlen(hdr);
	unsigned char *b = calloc(1, 8 + n + data_len);

	assert_non_null(b);
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(announced >> (8 * i));
	memcpy(b + 8, hdr, n);
	write_file(path, b, 8 + n + data_len);
	free(b);
}

static const char st_header[] =
	"{\"__metadata__\":{\"format\":\"pt\"},"
	"\"lm_head.weight\":{\"dtype\":\"F16\",\"shape\":[4,3],\"data_offsets\":[0,24]},"
	"\"norm.weight\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[24,40]},"
	"\"embed.weight\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[40,48]}}";

static const char card[] =
	"---\n"
	"license: apache-2.0\n"
	"base_model: mistralai/Mistral-7B-Instruct-v0.3\n"
	"datasets:\n  - loans-2024q4\n"
	"tags: [credit-risk, lora]\n"
	"contact: rahul.menon@bank.example\n"
	"---\n"
	"# credit-risk-llm\n";

static const char config[] =
	"{\"model_type\": \"mistral\", \"architectures\": [\"MistralForCausalLM\"],"
	" \"hidden_size\": 4096, \"num_hidden_layers\": 32, \"_name_or_path\": \"/home/x\"}";

static void make_model_dir(struct fixture *f, char *dir, size_t cap)
{
	char p[300];

	snprintf(dir, cap, "%s", at(f, "model"));
	sh("mkdir -p '%s/tokenizer'%s", dir, "");
	snprintf(p, sizeof(p), "%s/model.safetensors", dir);
	write_safetensors(p, st_header, strlen(st_header), 48);
	snprintf(p, sizeof(p), "%s/README.md", dir);
	write_file(p, card, strlen(card));
	snprintf(p, sizeof(p), "%s/config.json", dir);
	write_file(p, config, strlen(config));
	snprintf(p, sizeof(p), "%s/tokenizer/tokenizer.json", dir);
	write_file(p, "{}", 2);
}

static void test_model_dir(void **state)
{
	struct fixture *f = *state;
	struct collect_result r;
	json_t *a, *st, *card_j, *cfg;
	char dir[256];

	make_model_dir(f, dir, sizeof(dir));
	assert_int_equal(run_dir(f, dir, &r), 0);
	assert_int_equal(r.entries, 1);
	a = attrs_of(f, 0);
	assert_string_equal(str(a, "registry"), "directory");
	assert_string_equal(str(a, "name"), "credit-risk-llm");
	assert_string_equal(str(a, "version"), "3");
	assert_int_equal(json_integer_value(json_object_get(a, "files")), 4);
	assert_int_equal(json_integer_value(json_object_get(a, "bytes")),
			 8 + strlen(st_header) + 48 + strlen(card) + strlen(config) + 2);
	st = json_object_get(a, "safetensors");
	assert_int_equal(json_integer_value(json_object_get(st, "parameters")), 12 + 4 + 4);
	assert_int_equal(json_integer_value(json_object_get(st, "tensors")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(st, "dtypes"),
							    "F16")), 2);
	assert_string_equal(str(json_object_get(st, "metadata"), "format"), "pt");
	card_j = json_object_get(a, "card");
	assert_string_equal(str(card_j, "license"), "apache-2.0");
	assert_memory_equal(str(card_j, "contact"), "<email:", 7);
	assert_string_equal(str(a, "dataset"), "loans-2024q4");
	assert_string_equal(str(a, "model_card"), "README.md");
	cfg = json_object_get(a, "config");
	assert_string_equal(str(cfg, "model_type"), "mistral");
	assert_int_equal(json_integer_value(json_object_get(cfg, "num_hidden_layers")), 32);
	assert_null(json_object_get(cfg, "_name_or_path"));
	assert_true(json_is_string(json_object_get(json_object_get(a, "artifacts"),
						   "tokenizer/tokenizer.json")));
	json_decref(a);

	assert_int_equal(run_dir(f, dir, &r), 0);
	assert_int_equal(r.entries, 0);
	assert_int_equal(r.unchanged, 1);
	/* New times on the same bytes are the same model... */
	sh("touch -d 2027-01-01 '%s/config.json'%s", dir, "");
	assert_int_equal(run_dir(f, dir, &r), 0);
	assert_int_equal(r.entries, 0);
	/* ...a new file is not. */
	sh("printf '{}' > '%s/generation_config.json'%s", dir, "");
	assert_int_equal(run_dir(f, dir, &r), 0);
	assert_int_equal(r.entries, 1);
	a = attrs_of(f, 1);
	assert_int_equal(json_integer_value(json_object_get(a, "files")), 5);
	json_decref(a);
	assert_false(store_contains(f, "rahul.menon@bank.example"));
	assert_problem_free(f);
}

/* The registry's metadata and the weights on disk are different evidence
 * about one version: under one source name they keep their own cursors. */
static void test_dir_and_registry_in_one_source(void **state)
{
	struct fixture *f = *state;
	struct collect_result r;
	char db[256], dir[256];

	snprintf(db, sizeof(db), "%s", make_registry(f));
	make_model_dir(f, dir, sizeof(dir));
	for (int round = 0; round < 2; round++) {
		assert_int_equal(run_mlflow(f, "models", db, PII_PSEUDONYMISE, &r), 0);
		assert_int_equal(r.entries, round ? 0 : 4);
		assert_int_equal(run_dir_as(f, "models", dir, &r), 0);
		assert_int_equal(r.entries, round ? 0 : 1);
	}
	assert_int_equal(size_of(f), 5);
}

static void test_safetensors_errors(void **state)
{
	struct fixture *f = *state;
	struct collect_result r;
	char dir[256], p[300];

	make_model_dir(f, dir, sizeof(dir));
	snprintf(p, sizeof(p), "%s/model.safetensors", dir);

	/* The length announces more header than the file holds. */
	write_safetensors(p, st_header, strlen(st_header) + 1000, 0);
	assert_int_equal(run_dir(f, dir, &r), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "model.safetensors"));
	assert_non_null(strstr(err_msg(), "truncated"));

	/* Shorter than the length itself. */
	write_file(p, "\x10\x00\x00", 3);
	assert_int_equal(run_dir(f, dir, &r), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "model.safetensors"));

	/* Over the cap. */
	write_safetensors(p, "{}", MODEL_SAFETENSORS_HEADER_MAX + 1, 0);
	assert_int_equal(run_dir(f, dir, &r), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "model.safetensors"));

	/* Tensor data outside the data section. */
	write_safetensors(p, st_header, strlen(st_header), 40);
	assert_int_equal(run_dir(f, dir, &r), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "embed.weight"));

	/* Not JSON. */
	write_safetensors(p, "{\"a\":", 5, 0);
	assert_int_equal(run_dir(f, dir, &r), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "model.safetensors"));
	assert_int_equal(size_of(f), 0);
}

static void test_safetensors_parse(void **state)
{
	struct model_safetensors st;
	static const char bad_shape[] =
		"{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}";
	static const char wrong_size[] =
		"{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}";
	static const char huge[] =
		"{\"t\":{\"dtype\":\"X9\",\"shape\":[4294967296,4294967296,2],"
		"\"data_offsets\":[0,0]}}";

	(void)state;
	assert_int_equal(model_safetensors_parse(&st, st_header, strlen(st_header), 48, "m"), 0);
	assert_int_equal(st.parameters, 20);
	model_safetensors_free(&st);
	assert_int_equal(model_safetensors_parse(&st, bad_shape, strlen(bad_shape), 4, "m"),
			 ERR_PARSE);
	assert_int_equal(model_safetensors_parse(&st, wrong_size, strlen(wrong_size), 8, "m"),
			 ERR_PARSE);
	assert_int_equal(model_safetensors_parse(&st, huge, strlen(huge), 0, "m"), ERR_PARSE);
	assert_int_equal(model_safetensors_parse(&st, "[]", 2, 0, "m"), ERR_PARSE);
	assert_int_equal(model_safetensors_parse(&st, "{}", 2, 0, "m"), 0);
	assert_int_equal(st.tensors, 0);
	model_safetensors_free(&st);
}

static void test_yaml(void **state)
{
	static const char doc[] =
		"a: 1\nb: 2.5\nc: null\nd: ~\ne: None\nf: '7'\ng: true\nh: [x, 'y']\n"
		"i: {j: k}\nk:\nl: 00123abc\n";
	json_t *v = NULL;

	(void)state;
	assert_int_equal(model_yaml_parse(&v, doc, strlen(doc), "t.yaml", 0), 0);
	assert_int_equal(json_integer_value(json_object_get(v, "a")), 1);
	assert_true(json_is_real(json_object_get(v, "b")));
	assert_true(json_is_null(json_object_get(v, "c")));
	assert_true(json_is_null(json_object_get(v, "d")));
	assert_string_equal(str(v, "e"), "None");
	assert_string_equal(str(v, "f"), "7");
	assert_true(json_is_true(json_object_get(v, "g")));
	assert_int_equal(json_array_size(json_object_get(v, "h")), 2);
	assert_string_equal(str(json_object_get(v, "i"), "j"), "k");
	assert_true(json_is_null(json_object_get(v, "k")));
	assert_string_equal(str(v, "l"), "00123abc");
	json_decref(v);

	assert_int_equal(model_yaml_parse(&v, "a: &x 1\nb: *x\n", 14, "t.yaml", 0), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "t.yaml:2:4: YAML aliases"));
	assert_int_equal(model_yaml_parse(&v, "a: b: c\n", 8, "t.yaml", 4), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "t.yaml:5:5:"));
	assert_int_equal(model_yaml_parse(&v, "", 0, "t.yaml", 0), 0);
	assert_true(json_is_null(v));
	json_decref(v);
}

static void test_not_a_registry(void **state)
{
	struct fixture *f = *state;
	struct collect_result r;
	char p[256];

	/* Missing path. */
	assert_int_equal(run_mlflow(f, "m", at(f, "nope.db"), PII_PSEUDONYMISE, &r), ERR_IO);
	assert_non_null(strstr(err_msg(), "nope.db"));
	/* A text file. */
	snprintf(p, sizeof(p), "%s", at(f, "notes.txt"));
	write_file(p, "this is not a database, it is a note about one\n", 47);
	assert_int_equal(run_mlflow(f, "m", p, PII_PSEUDONYMISE, &r), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "notes.txt"));
	/* An SQLite database of something else. */
	snprintf(p, sizeof(p), "%s", at(f, "other.db"));
	sql(p, "CREATE TABLE t(x)");
	assert_int_equal(run_mlflow(f, "m", p, PII_PSEUDONYMISE, &r), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "other.db"));
	assert_non_null(strstr(err_msg(), "not an MLflow registry"));
	/* A directory that is not a file store. */
	snprintf(p, sizeof(p), "%s", at(f, "empty"));
	sh("mkdir -p '%s'%s", p, "");
	assert_int_equal(run_mlflow(f, "m", p, PII_PSEUDONYMISE, &r), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "empty"));
	/* ... nor a model directory. */
	assert_int_equal(run_dir(f, p, &r), ERR_PARSE);
	assert_non_null(strstr(err_msg(), "empty"));
	/* A model "directory" that is a file. */
	assert_int_equal(run_dir(f, at(f, "notes.txt"), &r), ERR_IO);
	assert_int_equal(size_of(f), 0);
}

/* Without the run's detectors the collector makes its own. */
static void test_without_run_detectors(void **state)
{
	struct fixture *f = *state;
	struct pii *keep = f->c.pii;
	struct collect_result r;
	char root[256];

	copy_mlruns(f, root, sizeof(root));
	f->c.pii = NULL;
	assert_int_equal(run_mlflow(f, "files", root, PII_PSEUDONYMISE, &r), 0);
	f->c.pii = keep;
	assert_int_equal(r.entries, 3);
	/* Same tokens either way: a second run with the run's detectors adds
	 * nothing. */
	assert_int_equal(run_mlflow(f, "files", root, PII_PSEUDONYMISE, &r), 0);
	assert_int_equal(r.entries, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sqlite_one_entry_per_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_opened_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_no_raw_email, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_artifacts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mlruns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mlruns_malformed_meta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_and_registry_in_one_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_safetensors_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_without_run_detectors, setup, teardown),
		cmocka_unit_test(test_safetensors_parse),
		cmocka_unit_test(test_yaml),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
