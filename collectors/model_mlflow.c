/*
 * model_mlflow.c - model_collect_mlflow(): the MLflow SQLite registry
 * (read-only) and the MLflow file store (mlruns/models/...).
 */
#include "model.h"
#include "model_internal.h"
#include "pii.h"
#include "../common/buf.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/json.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

/* ------------------------------------------------------------------ */
/* MLflow SQLite registry (read-only)                                  */

enum {
	T_MODELS = 1, T_VERSIONS = 2, T_VTAGS = 4, T_ALIASES = 8, T_MTAGS = 16,
};

struct sql {
	sqlite3 *db;
	const char *path;
	sqlite3_stmt *vtags, *aliases, *mtags, *mdesc;
	char *model;        /* the registered model whose fields are cached */
	json_t *model_tags;
	json_t *model_desc;
};

static int sql_error(const struct sql *q, const char *what)
{
	if (sqlite3_errcode(q->db) == SQLITE_NOTADB)
		return err_set(ERR_PARSE, "'%s' is not an SQLite database", q->path);
	return err_set(ERR_DB, "%s in '%s': %s", what, q->path, sqlite3_errmsg(q->db));
}

/* "file:<percent-encoded path>?mode=ro": SQLite never writes to it. */
static int sql_open(struct sql *q)
{
	struct buf uri = BUF_INIT;
	int rc;

	if ((rc = buf_puts(&uri, "file:")) || (rc = uri_escape(&uri, q->path, "/")) ||
	    (rc = buf_puts(&uri, "?mode=ro")))
		goto out;
	if (sqlite3_open_v2(uri.data, &q->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
			    NULL) != SQLITE_OK) {
		/* SQLite gives no handle only when it cannot allocate one. */
		rc = q->db ? err_set(ERR_IO, "cannot open '%s': %s", q->path, sqlite3_errmsg(q->db))
			   : err_nomem();
		goto out;
	}
	sqlite3_busy_timeout(q->db, 10000);
out:
	buf_free(&uri);
	return rc;
}

/* SQLite would call a short text file an empty database; say what it is. */
static int sql_check_header(const char *path, off_t size)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	size_t got = 0;
	int fd, rc;

	if (size == 0)
		return err_set(ERR_PARSE, "'%s' is empty, not an MLflow registry database", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if ((rc = fs_read_full(fd, head, sizeof(head), &got, path))) {
		close(fd);
		return rc;
	}
	close(fd);
	if (got < sizeof(head) || memcmp(head, magic, sizeof(magic)))
		return err_set(ERR_PARSE, "'%s' is not an SQLite database", path);
	return 0;
}

static int sql_tables(struct sql *q, unsigned *have)
{
	static const struct { const char *name; unsigned bit; } t[] = {
		{ "registered_models", T_MODELS }, { "model_versions", T_VERSIONS },
		{ "model_version_tags", T_VTAGS }, { "registered_model_aliases", T_ALIASES },
		{ "registered_model_tags", T_MTAGS },
	};
	sqlite3_stmt *st = NULL;
	int step, rc = 0;

	*have = 0;
	if (sqlite3_prepare_v2(q->db, "SELECT name FROM sqlite_master WHERE type='table'",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_error(q, "cannot read the schema");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 0);

		for (size_t i = 0; n && i < sizeof(t) / sizeof(t[0]); i++)
			if (!strcmp(n, t[i].name))
				*have |= t[i].bit;
	}
	if (step != SQLITE_DONE)
		rc = sql_error(q, "cannot read the schema");
	sqlite3_finalize(st);
	if (!rc && (*have & (T_MODELS | T_VERSIONS)) != (T_MODELS | T_VERSIONS))
		rc = err_set(ERR_PARSE, "'%s' is not an MLflow registry database (no %s table)",
			     q->path, *have & T_MODELS ? "model_versions" : "registered_models");
	return rc;
}

static int sql_prepare(struct sql *q, bool want, const char *sql, sqlite3_stmt **st)
{
	if (want && sqlite3_prepare_v2(q->db, sql, -1, st, NULL) != SQLITE_OK)
		return sql_error(q, "cannot query the registry");
	return 0;
}

static int sql_value(const struct sql *q, sqlite3_stmt *st, int col, json_t **out)
{
	const char *text;
	char what[64];
	int rc;

	switch (sqlite3_column_type(st, col)) {
	case SQLITE_NULL:
		*out = json_null();
		break;
	case SQLITE_INTEGER:
		*out = json_integer(sqlite3_column_int64(st, col));
		break;
	case SQLITE_FLOAT:
		*out = json_real(sqlite3_column_double(st, col));
		break;
	default:
		text = (const char *)sqlite3_column_text(st, col);
		snprintf(what, sizeof(what), "column %.40s", sqlite3_column_name(st, col));
		if ((rc = model_json_text(out, text ? text : "", (size_t)sqlite3_column_bytes(st, col),
				    what)))
			return err_wrap(rc, "'%s'", q->path);
	}
	return *out ? 0 : err_nomem();
}

/* Step a bound (key, value) query into obj. */
static int sql_kv(const struct sql *q, sqlite3_stmt *st, json_t *obj)
{
	json_t *v = NULL;
	int step, rc = 0;

	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);

		if (!k)
			continue;
		if ((rc = sql_value(q, st, 1, &v)))
			break;
		if (json_object_set_new(obj, k, v)) {
			rc = err_set(ERR_PARSE, "'%s': tag key '%s' is not valid UTF-8",
				     q->path, k);
			break;
		}
	}
	if (!rc && step != SQLITE_DONE)
		rc = sql_error(q, "cannot read tags");
	sqlite3_reset(st);
	return rc;
}

/* The registered model's description and tags, read once per model. */
static int sql_model(struct sql *q, const char *name)
{
	int step, rc = 0;

	if (q->model && !strcmp(q->model, name))
		return 0;
	free(q->model);
	json_decref(q->model_tags);
	json_decref(q->model_desc);
	q->model_tags = q->model_desc = NULL;
	if (!(q->model = strdup(name)) || !(q->model_tags = json_object()))
		return err_nomem();
	if (q->mtags) {
		sqlite3_bind_text(q->mtags, 1, name, -1, SQLITE_TRANSIENT);
		if ((rc = sql_kv(q, q->mtags, q->model_tags)))
			return rc;
	}
	sqlite3_bind_text(q->mdesc, 1, name, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(q->mdesc);
	if (step == SQLITE_ROW)
		rc = sql_value(q, q->mdesc, 0, &q->model_desc);
	else if (step != SQLITE_DONE)
		rc = sql_error(q, "cannot read registered_models");
	sqlite3_reset(q->mdesc);
	return rc;
}

static int sql_aliases(const struct sql *q, json_t *arr)
{
	int step, rc = 0;

	while ((step = sqlite3_step(q->aliases)) == SQLITE_ROW) {
		json_t *v = NULL;

		if ((rc = sql_value(q, q->aliases, 0, &v)) || json_array_append_new(arr, v)) {
			rc = rc ? rc : err_nomem();
			break;
		}
	}
	if (!rc && step != SQLITE_DONE)
		rc = sql_error(q, "cannot read registered_model_aliases");
	sqlite3_reset(q->aliases);
	return rc;
}

/* The model_versions columns we read, and their meta.yaml names. */
static const char *const version_columns[][2] = {
	{ "name", "name" }, { "version", "version" },
	{ "creation_time", "creation_timestamp" },
	{ "last_updated_time", "last_updated_timestamp" },
	{ "description", "description" }, { "user_id", "user_id" },
	{ "current_stage", "current_stage" }, { "source", "source" },
	{ "run_id", "run_id" }, { "run_link", "run_link" }, { "status", "status" },
	{ "status_message", "status_message" },
	{ "storage_location", "storage_location" },
};

/* Bind name and version (as stored) to a per-version statement. */
static void sql_bind_version(sqlite3_stmt *st, sqlite3_stmt *row, int name_col, int ver_col)
{
	sqlite3_bind_value(st, 1, sqlite3_column_value(row, name_col));
	sqlite3_bind_value(st, 2, sqlite3_column_value(row, ver_col));
}

static int sql_row(const struct emit *e, struct sql *q, sqlite3_stmt *row)
{
	json_t *raw = json_object(), *tags = json_object(), *aliases = json_array(), *v;
	int name_col = -1, ver_col = -1, rc = 0;
	const char *name;

	if (!raw || !tags || !aliases) {
		rc = err_nomem();
		goto out;
	}
	for (int col = 0; col < sqlite3_column_count(row); col++) {
		const char *cn = sqlite3_column_name(row, col);

		for (size_t i = 0; i < sizeof(version_columns) / sizeof(version_columns[0]); i++) {
			if (strcmp(cn, version_columns[i][0]))
				continue;
			name_col = i == 0 ? col : name_col;
			ver_col = i == 1 ? col : ver_col;
			if ((rc = sql_value(q, row, col, &v)) ||
			    (rc = json_set(raw, version_columns[i][1], v)))
				goto out;
		}
	}
	if (!(name = json_string_value(json_object_get(raw, "name"))) || ver_col < 0) {
		rc = err_set(ERR_PARSE, "'%s': a model_versions row without a name or version",
			     q->path);
		goto out;
	}
	if (q->vtags) {
		sql_bind_version(q->vtags, row, name_col, ver_col);
		if ((rc = sql_kv(q, q->vtags, tags)))
			goto out;
	}
	if (q->aliases) {
		sql_bind_version(q->aliases, row, name_col, ver_col);
		if ((rc = sql_aliases(q, aliases)))
			goto out;
	}
	if ((rc = sql_model(q, name)))
		goto out;
	if ((rc = json_set(raw, "tags", json_incref(tags))) ||
	    (rc = json_set(raw, "aliases", json_incref(aliases))) ||
	    (rc = json_set(raw, "model_tags", json_incref(q->model_tags))) ||
	    (rc = json_set(raw, "model_description",
			  q->model_desc ? json_incref(q->model_desc) : json_null())))
		goto out;
	rc = model_mlflow_emit(e, raw, q->path);
out:
	json_decref(raw);
	json_decref(tags);
	json_decref(aliases);
	return rc;
}

static int sql_collect(const struct emit *e, const char *path, off_t size)
{
	struct sql q = { .path = path };
	sqlite3_stmt *rows = NULL;
	unsigned have;
	int step, rc;

	if ((rc = sql_check_header(path, size)) || (rc = sql_open(&q)) ||
	    (rc = sql_tables(&q, &have)))
		goto out;
	/* One read transaction: a consistent snapshot even while MLflow
	 * writes. */
	if (sqlite3_exec(q.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		rc = sql_error(&q, "cannot read");
		goto out;
	}
	if ((rc = sql_prepare(&q, have & T_VTAGS, "SELECT key, value FROM model_version_tags"
			      " WHERE name=?1 AND version=?2 ORDER BY key", &q.vtags)) ||
	    (rc = sql_prepare(&q, have & T_ALIASES, "SELECT alias FROM registered_model_aliases"
			      " WHERE name=?1 AND version=?2 ORDER BY alias", &q.aliases)) ||
	    (rc = sql_prepare(&q, have & T_MTAGS, "SELECT key, value FROM registered_model_tags"
			      " WHERE name=?1 ORDER BY key", &q.mtags)) ||
	    (rc = sql_prepare(&q, true, "SELECT description FROM registered_models"
			      " WHERE name=?1", &q.mdesc)) ||
	    (rc = sql_prepare(&q, true, "SELECT * FROM model_versions ORDER BY name, version",
			      &rows)))
		goto out;
	while ((step = sqlite3_step(rows)) == SQLITE_ROW)
		if ((rc = sql_row(e, &q, rows)))
			break;
	if (!rc && step != SQLITE_DONE)
		rc = sql_error(&q, "cannot read model_versions");
out:
	sqlite3_finalize(rows);
	sqlite3_finalize(q.vtags);
	sqlite3_finalize(q.aliases);
	sqlite3_finalize(q.mtags);
	sqlite3_finalize(q.mdesc);
	sqlite3_close(q.db); /* ends the read transaction */
	free(q.model);
	json_decref(q.model_tags);
	json_decref(q.model_desc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* MLflow file store (mlruns/models/...)                               */

struct name_list {
	char **v;
	long *num; /* version-<n>: n */
	size_t n, cap;
};

static void name_list_free(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->num);
	memset(l, 0, sizeof(*l));
}

static int name_list_add(struct name_list *l, const char *name, long num)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		char **v = reallocarray(l->v, cap, sizeof(*v));
		long *nv;

		if (!v)
			return err_nomem();
		l->v = v;
		if (!(nv = reallocarray(l->num, cap, sizeof(*nv))))
			return err_nomem();
		l->num = nv;
		l->cap = cap;
	}
	if (!(l->v[l->n] = strdup(name)))
		return err_nomem();
	l->num[l->n++] = num;
	return 0;
}

/* "version-<n>" -> n, or -1. */
static long version_dir(const char *name)
{
	char *end;
	long n;

	if (strncmp(name, "version-", 8) || name[8] < '0' || name[8] > '9')
		return -1;
	errno = 0;
	n = strtol(name + 8, &end, 10);
	return errno || *end ? -1 : n;
}

/* The subdirectories of dir (versions only, with `versions`), sorted by
 * name or by version number. */
static int list_subdirs(struct name_list *l, const char *dir, bool versions)
{
	struct dirent *de;
	struct stat st;
	char *p;
	DIR *d;
	int rc = 0;

	if (!(d = opendir(dir)))
		return err_set(ERR_IO, "cannot open '%s': %s", dir, strerror(errno));
	while (!rc && (errno = 0, de = readdir(d))) {
		long num = versions ? version_dir(de->d_name) : 0;

		if (de->d_name[0] == '.' || num < 0)
			continue;
		if ((rc = fs_join_alloc(&p, dir, de->d_name)))
			break;
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rc = name_list_add(l, de->d_name, num);
		free(p);
	}
	if (!rc && errno)
		rc = err_set(ERR_IO, "cannot read '%s': %s", dir, strerror(errno));
	closedir(d);
	/* Insertion sort: a registry holds tens of models, not millions. */
	for (size_t i = 1; !rc && i < l->n; i++)
		for (size_t j = i; j > 0; j--) {
			bool swap = versions ? l->num[j - 1] > l->num[j]
					     : strcmp(l->v[j - 1], l->v[j]) > 0;
			char *t = l->v[j];
			long tn = l->num[j];

			if (!swap)
				break;
			l->v[j] = l->v[j - 1];
			l->num[j] = l->num[j - 1];
			l->v[j - 1] = t;
			l->num[j - 1] = tn;
		}
	return rc;
}

/* tags/ or aliases/: every file under dir is key (relative path) -> its
 * text.  A missing dir is empty. */
static int read_kv_dir(json_t *obj, const char *dir, bool trim)
{
	struct file_list fl = { 0 };
	struct buf b = BUF_INIT;
	struct stat st;
	json_t *v;
	int rc = 0;

	if (stat(dir, &st) < 0 && errno == ENOENT)
		return 0;
	if ((rc = model_list_files(&fl, dir)))
		goto out;
	for (size_t i = 0; i < fl.n && !rc; i++) {
		buf_reset(&b);
		if ((rc = fs_read_file(&b, fl.v[i].abs, TAG_MAX, NULL)))
			break;
		while (trim && b.len && strchr(" \t\r\n", b.data[b.len - 1]))
			b.len--;
		if (!(rc = model_json_text(&v, b.data ? b.data : "", b.len, fl.v[i].abs)))
			rc = json_set(obj, fl.v[i].rel, v);
	}
out:
	model_file_list_free(&fl);
	buf_free(&b);
	return rc;
}

struct fs_model {
	const char *dir;       /* models/<name> */
	const char *dirname;   /* <name> */
	json_t *meta;          /* models/<name>/meta.yaml */
	json_t *tags;          /* registered model tags */
	json_t *aliases;       /* alias -> version text */
};

static int fs_version(const struct emit *e, const struct fs_model *m, const char *vname,
		      long num)
{
	char *vdir = NULL, *meta = NULL, *tdir = NULL, vtmp[64];
	json_t *raw = NULL, *tags = NULL, *aliases = NULL, *v;
	const char *key, *vtext;
	int rc;

	if ((rc = fs_join_alloc(&vdir, m->dir, vname)) ||
	    (rc = fs_join_alloc(&meta, vdir, "meta.yaml")) ||
	    (rc = fs_join_alloc(&tdir, vdir, "tags")))
		goto out;
	if (!(tags = json_object()) || !(aliases = json_array())) {
		rc = err_nomem();
		goto out;
	}
	if ((rc = model_yaml_read_map(&raw, meta)) || (rc = read_kv_dir(tags, tdir, false)))
		goto out;
	if (!json_object_get(raw, "name")) {
		v = json_object_get(m->meta, "name");
		if ((rc = json_set(raw, "name", v ? json_incref(v) : json_string(m->dirname))))
			goto out;
	}
	if (!json_object_get(raw, "version") &&
	    (rc = json_set(raw, "version", json_integer(num))))
		goto out;
	vtext = model_raw_text(json_object_get(raw, "version"), vtmp, sizeof(vtmp));
	json_object_foreach(m->aliases, key, v)
		if (vtext && !strcmp(json_string_value(v), vtext) &&
		    json_array_append_new(aliases, json_string(key))) {
			rc = err_nomem();
			goto out;
		}
	v = json_object_get(m->meta, "description");
	if ((rc = json_set(raw, "tags", json_incref(tags))) ||
	    (rc = json_set(raw, "aliases", json_incref(aliases))) ||
	    (rc = json_set(raw, "model_tags", json_incref(m->tags))) ||
	    (rc = json_set(raw, "model_description", v ? json_incref(v) : json_null())))
		goto out;
	rc = model_mlflow_emit(e, raw, meta);
out:
	json_decref(raw);
	json_decref(tags);
	json_decref(aliases);
	free(vdir);
	free(meta);
	free(tdir);
	return rc;
}

static int fs_model(const struct emit *e, const char *models, const char *dirname)
{
	struct fs_model m = { .dirname = dirname };
	struct name_list versions = { 0 };
	char *dir = NULL, *meta = NULL, *tdir = NULL, *adir = NULL;
	int rc;

	if ((rc = fs_join_alloc(&dir, models, dirname)) ||
	    (rc = fs_join_alloc(&meta, dir, "meta.yaml")) ||
	    (rc = fs_join_alloc(&tdir, dir, "tags")) ||
	    (rc = fs_join_alloc(&adir, dir, "aliases")))
		goto out;
	if (!(m.tags = json_object()) || !(m.aliases = json_object())) {
		rc = err_nomem();
		goto out;
	}
	m.dir = dir;
	if ((rc = model_yaml_read_map(&m.meta, meta)) || (rc = read_kv_dir(m.tags, tdir, false)) ||
	    (rc = read_kv_dir(m.aliases, adir, true)) ||
	    (rc = list_subdirs(&versions, dir, true)))
		goto out;
	for (size_t i = 0; i < versions.n && !rc; i++)
		rc = fs_version(e, &m, versions.v[i], versions.num[i]);
out:
	name_list_free(&versions);
	json_decref(m.meta);
	json_decref(m.tags);
	json_decref(m.aliases);
	free(dir);
	free(meta);
	free(tdir);
	free(adir);
	return rc;
}

static int fs_collect(const struct emit *e, const char *root)
{
	struct name_list models = { 0 };
	char *dir = NULL;
	struct stat st;
	int rc;

	if ((rc = fs_join_alloc(&dir, root, "models")))
		return rc;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		rc = err_set(ERR_PARSE, "'%s' is not an MLflow file store (no models/ directory)"
			     " nor an MLflow SQLite database", root);
		goto out;
	}
	if ((rc = list_subdirs(&models, dir, false)))
		goto out;
	for (size_t i = 0; i < models.n && !rc; i++)
		rc = fs_model(e, dir, models.v[i]);
out:
	name_list_free(&models);
	free(dir);
	return rc;
}

int model_collect_mlflow(struct collect_ctx *c, const char *source,
			 const char *path, enum pii_mode pii,
			 struct collect_result *r)
{
	char local[PATH_MAX];
	struct emit e;
	struct stat st;
	int rc;

	/* MLflow's own spellings: sqlite:///relative or sqlite:////absolute,
	 * file:///path/to/mlruns. */
	if (!strncmp(path, "sqlite:///", 10))
		path += 10;
	else if (!strncmp(path, "file:", 5) && model_local_path(path, local, sizeof(local)))
		path = local;
	if (stat(path, &st) < 0)
		return err_set(ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return err_set(ERR_IO, "'%s' is neither an MLflow SQLite database nor an"
			       " MLflow file store", path);
	if ((rc = model_emit_init(&e, c, source, pii, r,
			    S_ISDIR(st.st_mode) ? "mlflow-file" : "mlflow-sqlite")))
		return rc;
	rc = S_ISDIR(st.st_mode) ? fs_collect(&e, path) : sql_collect(&e, path, st.st_size);
	model_emit_done(&e);
	return rc;
}
