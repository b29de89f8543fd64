/*
 * config.c - config_collect(): the files of a run (walk, limits, skips),
 * the snapshot of all of them, its diff against the last one, the entry.
 */
#include "config.h"
#include "config_internal.h"
#include "observe.h"
#include "../common/fswalk.h"
#include "../common/utf8.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/hash.h"
#include "../common/json.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

/* ---- files ---- */

struct fent {
	char *path; /* as walked from the path given */
	char *abs;  /* absolute, for the snapshot */
	dev_t dev;
	ino_t ino;
};

struct flist {
	struct fent *v;
	size_t n, cap;
	uint64_t total;
	json_t *skipped;  /* absolute path -> why */
	struct stat store;
	bool have_store;
};

/* The path made absolute without resolving symlinks: "." and empty
 * components dropped. */
static int make_absolute(char **out, const char *path)
{
	struct buf b = BUF_INIT;
	char cwd[PATH_MAX];
	const char *parts[2] = { cwd, path };
	int rc = 0;

	*out = NULL;
	if (path[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		return err_set(ERR_IO, "cannot get the current directory: %s", strerror(errno));
	for (size_t k = path[0] == '/' ? 1 : 0; !rc && k < 2; k++)
		for (const char *p = parts[k]; !rc && *p;) {
			size_t n = strcspn(p, "/");

			if (n && !(n == 1 && p[0] == '.') &&
			    !(rc = buf_append(&b, "/", 1)))
				rc = buf_append(&b, p, n);
			p += n;
			p += strspn(p, "/");
		}
	if (!rc && !b.len)
		rc = buf_puts(&b, "/");
	if (rc) {
		buf_free(&b);
		return rc;
	}
	*out = buf_detach(&b, NULL);
	return 0;
}

/* Note a path the walk left out (the first SKIPPED_MAX; names that are not
 * UTF-8 cannot be JSON keys and are left out of the list). */
static int skip(struct flist *fl, const char *path, const char *why)
{
	char *abs = NULL;
	int rc;

	if (json_object_size(fl->skipped) >= SKIPPED_MAX)
		return 0;
	if (!(rc = make_absolute(&abs, path)) && utf8_valid_str(abs))
		rc = json_set(fl->skipped, abs, json_string(why));
	free(abs);
	return rc;
}

static int add_file(struct flist *fl, const char *path, const struct stat *st)
{
	struct fent *e;

	if ((uint64_t)st->st_size > CONFIG_MAX_FILE_BYTES)
		return err_set(ERR_LIMIT, "'%s' is %lld bytes, over the %zu-byte limit for a "
			       "configuration file", path, (long long)st->st_size,
			       CONFIG_MAX_FILE_BYTES);
	if (fl->n >= CONFIG_MAX_FILES)
		return err_set(ERR_LIMIT, "more than %d configuration files (at '%s')",
			       CONFIG_MAX_FILES, path);
	fl->total += (uint64_t)st->st_size;
	if (fl->total > CONFIG_MAX_RUN_BYTES)
		return err_set(ERR_LIMIT, "configuration files add up to more than %zu bytes "
			       "(at '%s')", CONFIG_MAX_RUN_BYTES, path);
	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? fl->cap * 2 : 32;

		if (!(e = reallocarray(fl->v, cap, sizeof(*e))))
			return err_nomem();
		fl->v = e;
		fl->cap = cap;
	}
	e = &fl->v[fl->n];
	memset(e, 0, sizeof(*e));
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	if (!(e->path = strdup(path)))
		return err_nomem();
	fl->n++;
	return make_absolute(&e->abs, path);
}

/* One entry of a tree (common/fswalk's policy: symlinks and version
 * control are not walked); here symlinks are skipped too, as is the store. */
static int walk_entry(void *arg, const struct fs_walk_entry *e)
{
	struct flist *fl = arg;

	switch (e->kind) {
	case FS_WALK_FILE:
		return add_file(fl, e->path, &e->st);
	case FS_WALK_DIR:
		if (fl->have_store && e->st.st_dev == fl->store.st_dev &&
		    e->st.st_ino == fl->store.st_ino) {
			int rc = skip(fl, e->path, "evidence store");

			return rc ? rc : FS_WALK_PRUNE;
		}
		return 0;
	case FS_WALK_LINK:
		return skip(fl, e->path, "symlink");
	case FS_WALK_VCS:
		return skip(fl, e->path, "version control");
	case FS_WALK_OTHER:
		break;
	}
	return skip(fl, e->path, "not a regular file");
}

static int fent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fent *)a)->abs, ((const struct fent *)b)->abs);
}

static void flist_free(struct flist *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		free(fl->v[i].path);
		free(fl->v[i].abs);
	}
	free(fl->v);
	json_decref(fl->skipped);
}

/* Every regular file under the paths given, sorted, each once. */
static int list_files(struct flist *fl, struct store *store, char *const *paths, size_t n)
{
	struct stat st;
	size_t k = 0;
	int rc = 0;

	memset(fl, 0, sizeof(*fl));
	if (!(fl->skipped = json_object()))
		return err_nomem();
	fl->have_store = store && store_dir(store) && stat(store_dir(store), &fl->store) == 0;
	for (size_t i = 0; !rc && i < n; i++) {
		/* A symlink named on the command line is followed; inside a
		 * tree, none is. */
		if (stat(paths[i], &st) < 0)
			rc = err_set(ERR_IO, "cannot read '%s': %s", paths[i], strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = fs_walk(paths[i], CONFIG_MAX_DEPTH, walk_entry, fl);
		else if (S_ISREG(st.st_mode))
			rc = add_file(fl, paths[i], &st);
		else
			rc = err_set(ERR_IO, "'%s' is not a regular file or a directory", paths[i]);
	}
	if (rc)
		return rc;
	if (fl->n)
		qsort(fl->v, fl->n, sizeof(*fl->v), fent_cmp);
	for (size_t i = 0; i < fl->n; i++) {
		if (k && !strcmp(fl->v[k - 1].abs, fl->v[i].abs)) {
			free(fl->v[i].path);
			free(fl->v[i].abs);
			continue;
		}
		fl->v[k++] = fl->v[i];
	}
	fl->n = k;
	return 0;
}

/* ---- the snapshot ---- */

static int snap_file(struct snap *s, const struct fent *fe)
{
	char hex[HEX_LEN(SHA256_LEN)];
	struct buf raw = BUF_INIT;
	bool lenient, fallback = false;
	enum config_format f = config_format_of(fe->path, &lenient);
	uint8_t d[SHA256_LEN];
	json_t *fo = NULL, *cnt;
	const char *t;
	struct stat st;
	int line, col, rc;
	size_t n;

	s->name = fe->path;
	if ((rc = fs_read_file(&raw, fe->path, CONFIG_MAX_FILE_BYTES, &st)))
		goto out;
	if (st.st_dev != fe->dev || st.st_ino != fe->ino) {
		rc = err_set(ERR_IO, "'%s' was replaced while being read", fe->path);
		goto out;
	}
	s->bytes += raw.len;
	t = raw.data ? raw.data : "";
	n = raw.len;
	config_strip_bom(&t, &n);
	if (!utf8_text(t, n, &line, &col)) {
		if (f != CONFIG_TEXT && !lenient) {
			rc = err_set(ERR_PARSE, "%s:%d:%d: not UTF-8 text", fe->path, line, col);
			goto out;
		}
		f = CONFIG_BINARY;
	}
	if (!(fo = json_object())) {
		rc = err_nomem();
		goto out;
	}
	if (f == CONFIG_JSON || f == CONFIG_YAML || f == CONFIG_INI || f == CONFIG_ENV) {
		if ((rc = config_snap_parsed(s, fo, f, lenient, t, n, &fallback)))
			goto out;
		if (fallback)
			f = CONFIG_TEXT;
	}
	if (f == CONFIG_TEXT && (rc = config_snap_text(s, fo, t, n)))
		goto out;
	if (f == CONFIG_BINARY) {
		/* Not text: only its digest and size are kept. */
		if ((rc = sha256(d, raw.data ? raw.data : "", raw.len)))
			goto out;
		hex_encode(hex, d, SHA256_LEN);
		if ((rc = json_set(fo, "sha256", json_string(hex))) ||
		    (rc = json_set(fo, "size", json_integer((json_int_t)raw.len))))
			goto out;
	}
	if ((rc = json_set(fo, "format", json_string(config_format_name(f)))))
		goto out;
	if (!utf8_valid_str(fe->abs)) {
		rc = err_set(ERR_IO, "'%s': the file name is not UTF-8", fe->path);
		goto out;
	}
	if ((rc = json_set(s->files, fe->abs, json_incref(fo))))
		goto out;
	cnt = json_object_get(s->formats, config_format_name(f));
	rc = json_set(s->formats, config_format_name(f),
		      json_integer(cnt ? json_integer_value(cnt) + 1 : 1));
out:
	json_decref(fo);
	if (raw.data)
		OPENSSL_cleanse(raw.data, raw.len);
	buf_free(&raw);
	return rc;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of an object in byte order (pointers into the object). */
static int sorted_keys(const json_t *obj, const char ***out, size_t *n)
{
	const char **v = NULL, *k;
	json_t *val;
	size_t i = 0;

	*out = NULL;
	*n = json_object_size(obj);
	if (!*n)
		return 0;
	if (!(v = calloc(*n, sizeof(*v))))
		return err_nomem();
	json_object_foreach((json_t *)obj, k, val)
		v[i++] = k;
	qsort(v, *n, sizeof(*v), key_cmp);
	*out = v;
	return 0;
}

/* "<file>:<key>" -> value for every key of every file; an unparsed file
 * counts as one key, "<file>:*", whose value is its digest. */
static int flatten(const json_t *files, json_t *out)
{
	struct buf b = BUF_INIT;
	const char *f, *k;
	json_t *fo, *v, *keys;
	int rc = 0;

	json_object_foreach((json_t *)files, f, fo) {
		keys = json_object_get(fo, "keys");
		if (!json_is_object(keys)) {
			buf_reset(&b);
			if ((rc = buf_printf(&b, "%s:*", f)) ||
			    (rc = json_set(out, b.data, json_incref(json_object_get(fo, "sha256")))))
				goto out;
			continue;
		}
		json_object_foreach(keys, k, v) {
			buf_reset(&b);
			if ((rc = buf_printf(&b, "%s:%s", f, k)) ||
			    (rc = json_set(out, b.data, json_incref(v))))
				goto out;
		}
	}
out:
	buf_free(&b);
	return rc;
}

struct diff {
	json_t *list[3]; /* added, changed, removed */
	json_int_t count[3];
	bool truncated;
};

static int diff_add(struct diff *d, int which, const char *key)
{
	d->count[which]++;
	if (json_array_size(d->list[which]) < CONFIG_MAX_DIFF)
		return json_push(d->list[which], json_string(key));
	d->truncated = true;
	return 0;
}

static int diff_attrs(json_t *a, const json_t *old, const json_t *cur)
{
	static const char *const names[3] = { "added", "changed", "removed" };
	struct diff d = { { json_array(), json_array(), json_array() }, { 0, 0, 0 }, false };
	const char **keys = NULL;
	size_t n;
	int rc;

	if (!d.list[0] || !d.list[1] || !d.list[2]) {
		rc = err_nomem();
		goto out;
	}
	if ((rc = sorted_keys(cur, &keys, &n)))
		goto out;
	for (size_t i = 0; !rc && i < n; i++) {
		json_t *ov = json_object_get(old, keys[i]);

		if (!ov)
			rc = diff_add(&d, 0, keys[i]);
		else if (!json_equal(ov, json_object_get(cur, keys[i])))
			rc = diff_add(&d, 1, keys[i]);
	}
	free(keys);
	keys = NULL;
	if (rc || (rc = sorted_keys(old, &keys, &n)))
		goto out;
	for (size_t i = 0; !rc && i < n; i++)
		if (!json_object_get(cur, keys[i]))
			rc = diff_add(&d, 2, keys[i]);
	if (rc ||
	    (rc = json_set(a, "changes", json_pack("{s:I, s:I, s:I}", "added", d.count[0],
						   "changed", d.count[1], "removed", d.count[2]))) ||
	    (rc = json_set(a, "diff_truncated", json_boolean(d.truncated))))
		goto out;
	for (int i = 0; !rc && i < 3; i++)
		rc = json_set(a, names[i], json_incref(d.list[i]));
out:
	free(keys);
	for (int i = 0; i < 3; i++)
		json_decref(d.list[i]);
	return rc;
}

/* A value for attrs: long ones (certificates, scripts) as their size and
 * digest. */
static json_t *attr_value(json_t *v)
{
	char hex[HEX_LEN(SHA256_LEN)], text[96];
	uint8_t d[SHA256_LEN];
	size_t n = json_string_length(v);

	if (n <= VALUE_ATTR_MAX || sha256(d, json_string_value(v), n))
		return json_incref(v);
	hex_encode(hex, d, SHA256_LEN);
	snprintf(text, sizeof(text), "<%zu bytes sha256:%.16s>", n, hex);
	return json_string(text);
}

/* attrs "values": "<file>:<key>" -> value, files and keys in order, the
 * first CONFIG_MAX_VALUES. */
static int values_attrs(json_t *a, const json_t *files)
{
	const char **fnames = NULL, **knames = NULL;
	json_t *vals = json_object();
	struct buf b = BUF_INIT;
	size_t nf, nk, count = 0;
	bool truncated = false;
	int rc;

	if (!vals) {
		rc = err_nomem();
		goto out;
	}
	if ((rc = sorted_keys(files, &fnames, &nf)))
		goto out;
	for (size_t i = 0; !rc && !truncated && i < nf; i++) {
		json_t *keys = json_object_get(json_object_get(files, fnames[i]), "keys");

		if (!json_is_object(keys) || (rc = sorted_keys(keys, &knames, &nk)))
			continue;
		for (size_t j = 0; !rc && j < nk; j++) {
			if (count++ == CONFIG_MAX_VALUES) {
				truncated = true;
				break;
			}
			buf_reset(&b);
			if (!(rc = buf_printf(&b, "%s:%s", fnames[i], knames[j])))
				rc = json_set(vals, b.data,
					      attr_value(json_object_get(keys, knames[j])));
		}
		free(knames);
		knames = NULL;
	}
	if (!rc && !(rc = json_set(a, "values", json_incref(vals))))
		rc = json_set(a, "values_truncated", json_boolean(truncated));
out:
	free(fnames);
	free(knames);
	buf_free(&b);
	json_decref(vals);
	return rc;
}

static int digest_hex(char hex[HEX_LEN(SHA256_LEN)], const struct buf *b)
{
	uint8_t d[SHA256_LEN];
	int rc = sha256(d, b->data ? b->data : "", b->len);

	if (!rc)
		hex_encode(hex, d, SHA256_LEN);
	return rc;
}

/* The diff against the previous snapshot (the source's cursor). */
static int previous_attrs(json_t *a, const char *source, const json_t *files,
			  const struct buf *prev, bool found)
{
	char hex[HEX_LEN(SHA256_LEN)];
	json_t *old = NULL, *oldflat = json_object(), *curflat = json_object();
	int rc;

	if (!oldflat || !curflat) {
		rc = err_nomem();
		goto out;
	}
	if ((rc = json_set(a, "previous", json_null())))
		goto out;
	if (found) {
		if (!(old = json_loadb(prev->data ? prev->data : "", prev->len, 0, NULL)) ||
		    !json_is_object(json_object_get(old, "files"))) {
			rc = err_set(ERR_DB, "the previous configuration snapshot of source '%s' "
				     "is damaged", source);
			goto out;
		}
		if ((rc = digest_hex(hex, prev)) ||
		    (rc = flatten(json_object_get(old, "files"), oldflat)))
			goto out;
		if ((rc = json_set(a, "previous", json_string(hex))))
			goto out;
	}
	if (!(rc = flatten(files, curflat)))
		rc = diff_attrs(a, oldflat, curflat);
out:
	json_decref(old);
	json_decref(oldflat);
	json_decref(curflat);
	return rc;
}

/* The PII counts as an object; NULL when out of memory. */
static json_t *pii_attrs(const struct pii_counts *c)
{
	json_t *o = json_object();

	for (int t = 0; o && t < PII_NTYPES; t++)
		if (c->n[t] && json_set(o, pii_type_name((enum pii_type)t),
					json_integer((json_int_t)c->n[t]))) {
			json_decref(o);
			o = NULL;
		}
	return o;
}

static int build_attrs(struct buf *out, const struct snap *s, const struct flist *fl,
		       char *const *paths, size_t n, const char *tree, const char *source,
		       const struct buf *prev, bool found)
{
	json_t *a = json_object(), *p = json_array();
	int rc = 0;

	if (!a || !p) {
		rc = err_nomem();
		goto out;
	}
	for (size_t i = 0; !rc && i < n; i++) {
		if (!utf8_valid_str(paths[i])) {
			rc = err_set(ERR_USAGE, "path '%s' is not UTF-8", paths[i]);
			goto out;
		}
		rc = json_push(p, json_string(paths[i]));
	}
	if (rc || (rc = json_set(a, "paths", json_incref(p))) ||
	    (rc = json_set(a, "files", json_integer((json_int_t)json_object_size(s->files)))) ||
	    (rc = json_set(a, "bytes", json_integer((json_int_t)s->bytes))) ||
	    (rc = json_set(a, "tree_sha256", json_string(tree))) ||
	    (rc = json_set(a, "formats", json_incref(s->formats))) ||
	    (rc = json_set(a, "skipped", json_incref(fl->skipped))) ||
	    (rc = json_set(a, "secrets", json_integer((json_int_t)s->secrets))) ||
	    (rc = json_set(a, "pii", pii_attrs(&s->counts))))
		goto out;
	if (!(rc = values_attrs(a, s->files)) &&
	    !(rc = previous_attrs(a, source, s->files, prev, found)))
		rc = json_stable(out, a);
out:
	json_decref(p);
	json_decref(a);
	return rc;
}

static void snap_free(struct snap *s)
{
	json_decref(s->files);
	json_decref(s->formats);
	if (s->pre.data)
		OPENSSL_cleanse(s->pre.data, s->pre.cap);
	buf_free(&s->pre);
	buf_free(&s->out);
}

static int append_snapshot(struct collect_ctx *c, const char *source, const struct buf *payload,
			   const struct buf *attrs, uint64_t *index)
{
	struct entry_input in;
	int rc;

	memset(&in, 0, sizeof(in));
	in.kind = "config-snapshot";
	in.source = source;
	in.subject = NULL;
	/* A snapshot speaks for the moment it was read. */
	in.eff_from = in.eff_to = in.collected = c->now;
	in.attrs = attrs->data;
	in.attrs_len = attrs->len;
	in.payload = payload->data;
	in.payload_len = payload->len;
	if ((rc = store_append(c->store, &in, index)))
		return rc;
	/* The next run diffs against this (redacted) snapshot. */
	return store_cursor_put(c->store, source, "snapshot", payload->data, payload->len);
}

int config_collect(struct collect_ctx *c, const char *source, char *const *paths, size_t n,
		   struct pii *pii, struct collect_result *r)
{
	struct buf payload = BUF_INIT, attrs = BUF_INIT, prev = BUF_INIT;
	char tree[HEX_LEN(SHA256_LEN)];
	json_t *root = NULL;
	struct flist fl;
	struct snap s;
	struct observed ob;
	uint64_t index;
	bool found = false, unchanged;
	int rc;

	memset(&s, 0, sizeof(s));
	memset(&fl, 0, sizeof(fl));
	s.c = c;
	s.pii = pii ? pii : c->pii;
	if (!n || !s.pii) {
		rc = err_set(ERR_USAGE, "source '%s': %s", source,
			     n ? "no PII detectors given" : "no configuration paths given");
		goto out;
	}
	s.files = json_object();
	s.formats = json_object();
	if (!s.files || !s.formats) {
		rc = err_nomem();
		goto out;
	}
	if ((rc = list_files(&fl, c->store, paths, n)))
		goto out;
	for (size_t i = 0; i < fl.n; i++)
		if ((rc = snap_file(&s, &fl.v[i])))
			goto out;
	if (!(root = json_pack("{s:O}", "files", s.files))) {
		rc = err_nomem();
		goto out;
	}
	if ((rc = json_stable(&payload, root)) || (rc = digest_hex(tree, &payload)))
		goto out;
	/* The same snapshot as last time: no second copy, one re-observation. */
	ob = (struct observed){ source, "seen", "config-snapshot", "", payload.data,
				payload.len };
	if ((rc = observe_check(c, &ob, &unchanged, NULL)))
		goto out;
	if (unchanged) {
		if (r)
			r->unchanged++;
		goto out;
	}
	if ((rc = store_cursor_get(c->store, source, "snapshot", &prev, &found)) ||
	    (rc = build_attrs(&attrs, &s, &fl, paths, n, tree, source, &prev, found)) ||
	    (rc = append_snapshot(c, source, &payload, &attrs, &index)) ||
	    (rc = observe_recorded(c, &ob, index)))
		goto out;
	if (r)
		r->entries++;
out:
	json_decref(root);
	snap_free(&s);
	flist_free(&fl);
	buf_free(&payload);
	buf_free(&attrs);
	buf_free(&prev);
	return rc;
}
