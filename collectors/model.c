#include "model.h"
#include "observe.h"
#include "pii.h"
#include "../common/buf.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/hash.h"
#include "../common/json.h"
#include "../common/timeutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <yaml.h>

#define META_MAX ((size_t)1 << 20)     /* meta.yaml */
#define TAG_MAX ((size_t)1 << 20)      /* one tag or alias file */
#define CONFIG_MAX ((size_t)16 << 20)  /* config.json */
#define CARD_MAX ((size_t)1 << 20)     /* README.md front matter */
#define HASH_CHUNK ((size_t)1 << 20)
#define YAML_DEPTH_MAX 64
#define DIR_DEPTH_MAX 64

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 2);

	if (!p)
		return NULL;
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int nomem(void)
{
	return err_set(ERR_NOMEM, "out of memory");
}

/* A JSON string from bytes that must be UTF-8; `what` names them in the
 * error. */
static int json_text(json_t **out, const char *s, size_t n, const char *what)
{
	*out = json_stringn(s, n);
	if (!*out)
		return err_set(ERR_PARSE, "%s is not valid UTF-8 text", what);
	return 0;
}

static int obj_set(json_t *o, const char *key, json_t *v)
{
	if (!v || json_object_set_new(o, key, v))
		return nomem();
	return 0;
}

/* Text of a scalar read from YAML or SQLite (strings as they are, numbers
 * and booleans formatted into tmp); NULL for null, "" and containers. */
static const char *raw_text(const json_t *v, char *tmp, size_t cap)
{
	if (json_is_string(v))
		return json_string_length(v) ? json_string_value(v) : NULL;
	if (json_is_integer(v)) {
		snprintf(tmp, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return tmp;
	}
	if (json_is_real(v)) {
		snprintf(tmp, cap, "%.17g", json_real_value(v));
		return tmp;
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return NULL;
}

/* Milliseconds since the epoch (MLflow's timestamps) -> seconds. */
static bool raw_ms(const json_t *v, int64_t *out)
{
	long long ms;
	char *end;

	if (json_is_integer(v)) {
		ms = json_integer_value(v);
	} else if (json_is_string(v) && json_string_length(v)) {
		errno = 0;
		ms = strtoll(json_string_value(v), &end, 10);
		if (errno || *end)
			return false;
	} else {
		return false;
	}
	/* Before 1970 or after 9999 is no time (common/timeutil.h); checked
	 * before negating, which overflows for LLONG_MIN. */
	if (ms < 0 || ms / 1000 > TIME_MAX)
		return false;
	*out = ms / 1000;
	return true;
}

static json_t *time_json(bool known, int64_t t)
{
	char s[RFC3339_LEN];

	if (!known || !time_in_range(t) || time_format(s, t))
		return json_null();
	return json_string(s);
}

/* ------------------------------------------------------------------ */
/* YAML -> JSON                                                        */

struct yaml_ctx {
	yaml_parser_t parser;
	const char *name;
	unsigned line_offset;
};

static int yaml_fail(const struct yaml_ctx *y, yaml_mark_t m, const char *what)
{
	return err_set(ERR_PARSE, "%s:%zu:%zu: %s", y->name,
		       m.line + 1 + y->line_offset, m.column + 1, what);
}

static int yaml_next(struct yaml_ctx *y, yaml_event_t *ev)
{
	const yaml_parser_t *p = &y->parser;

	if (yaml_parser_parse(&y->parser, ev))
		return 0;
	if (p->error == YAML_MEMORY_ERROR)
		return nomem();
	if (p->error == YAML_READER_ERROR)
		return err_set(ERR_PARSE, "%s: byte %zu: %s", y->name, p->problem_offset,
			       p->problem ? p->problem : "unreadable input");
	if (p->context)
		return err_set(ERR_PARSE, "%s:%zu:%zu: %s (%s)", y->name,
			       p->problem_mark.line + 1 + y->line_offset,
			       p->problem_mark.column + 1,
			       p->problem ? p->problem : "malformed YAML", p->context);
	return yaml_fail(y, p->problem_mark, p->problem ? p->problem : "malformed YAML");
}

static bool is_word(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == n && memcmp(s, *words, n) == 0)
			return true;
	return false;
}

/* [-+]?[0-9]+ */
static bool looks_int(const char *s, size_t n)
{
	size_t i = (n && (s[0] == '-' || s[0] == '+')) ? 1 : 0;

	if (i == n)
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool looks_real(const char *s, size_t n)
{
	size_t i = (n && (s[0] == '-' || s[0] == '+')) ? 1 : 0, d = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		d++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			d++;
	if (!d)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = 0;

		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			e++;
		if (!e)
			return false;
	}
	return i == n;
}

/* YAML 1.2 core schema for plain scalars; anything quoted or tagged !!str
 * is a string.  NULL only when the text is not UTF-8 (or out of memory). */
static json_t *yaml_scalar(const yaml_event_t *ev)
{
	static const char *const nulls[] = { "~", "null", "Null", "NULL", NULL };
	static const char *const trues[] = { "true", "True", "TRUE", NULL };
	static const char *const falses[] = { "false", "False", "FALSE", NULL };
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	size_t n = ev->data.scalar.length;
	char *end;

	if ((tag && strcmp(tag, YAML_STR_TAG) == 0) ||
	    ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_stringn(s, n);
	if (n == 0 || is_word(s, n, nulls))
		return json_null();
	if (is_word(s, n, trues))
		return json_true();
	if (is_word(s, n, falses))
		return json_false();
	if (looks_int(s, n)) {
		long long v;

		errno = 0;
		v = strtoll(s, &end, 10);
		if (!errno && end == s + n)
			return json_integer(v);
	} else if (looks_real(s, n)) {
		double v;

		errno = 0;
		v = strtod(s, &end);
		if (!errno && end == s + n)
			return json_real(v);
	}
	return json_stringn(s, n);
}

static int yaml_node(struct yaml_ctx *y, const yaml_event_t *start,
		     unsigned depth, json_t **out);

static int yaml_seq(struct yaml_ctx *y, unsigned depth, json_t **out)
{
	json_t *arr = json_array(), *v = NULL;
	yaml_event_t ev;
	int rc;

	if (!arr)
		return nomem();
	for (;;) {
		if ((rc = yaml_next(y, &ev)))
			goto fail;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		rc = yaml_node(y, &ev, depth + 1, &v);
		yaml_event_delete(&ev);
		if (rc)
			goto fail;
		if (json_array_append_new(arr, v)) {
			rc = nomem();
			goto fail;
		}
	}
	*out = arr;
	return 0;
fail:
	json_decref(arr);
	return rc;
}

static int yaml_map(struct yaml_ctx *y, unsigned depth, json_t **out)
{
	json_t *obj = json_object(), *v = NULL;
	yaml_event_t key, ev;
	int rc;

	if (!obj)
		return nomem();
	for (;;) {
		if ((rc = yaml_next(y, &key)))
			goto fail;
		if (key.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&key);
			break;
		}
		if (key.type != YAML_SCALAR_EVENT) {
			rc = yaml_fail(y, key.start_mark, "mapping keys must be scalars");
			yaml_event_delete(&key);
			goto fail;
		}
		if ((rc = yaml_next(y, &ev))) {
			yaml_event_delete(&key);
			goto fail;
		}
		rc = yaml_node(y, &ev, depth + 1, &v);
		yaml_event_delete(&ev);
		if (!rc && json_object_set_new(obj, (const char *)key.data.scalar.value, v))
			rc = yaml_fail(y, key.start_mark, "mapping key is not valid text");
		yaml_event_delete(&key);
		if (rc)
			goto fail;
	}
	*out = obj;
	return 0;
fail:
	json_decref(obj);
	return rc;
}

static int yaml_node(struct yaml_ctx *y, const yaml_event_t *start,
		     unsigned depth, json_t **out)
{
	switch (start->type) {
	case YAML_SCALAR_EVENT:
		*out = yaml_scalar(start);
		return *out ? 0 : yaml_fail(y, start->start_mark, "scalar is not valid text");
	case YAML_ALIAS_EVENT:
		return yaml_fail(y, start->start_mark, "YAML aliases are not supported");
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (depth >= YAML_DEPTH_MAX)
			return yaml_fail(y, start->start_mark, "nested too deeply");
		if (start->type == YAML_SEQUENCE_START_EVENT)
			return yaml_seq(y, depth, out);
		return yaml_map(y, depth, out);
	default:
		return yaml_fail(y, start->start_mark, "unexpected YAML structure");
	}
}

int model_yaml_parse(json_t **out, const char *buf, size_t len,
		     const char *name, unsigned line_offset)
{
	struct yaml_ctx y = { .name = name, .line_offset = line_offset };
	json_t *doc = NULL;
	yaml_event_t ev;
	int rc;

	*out = NULL;
	if (!yaml_parser_initialize(&y.parser))
		return nomem();
	yaml_parser_set_input_string(&y.parser, (const unsigned char *)buf, len);
	/* STREAM-START, then DOCUMENT-START or STREAM-END. */
	do {
		if ((rc = yaml_next(&y, &ev)))
			goto out;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			doc = json_null();
			goto done;
		}
		rc = ev.type == YAML_DOCUMENT_START_EVENT;
		yaml_event_delete(&ev);
	} while (!rc);
	if ((rc = yaml_next(&y, &ev)))
		goto out;
	rc = yaml_node(&y, &ev, 0, &doc);
	yaml_event_delete(&ev);
	if (rc)
		goto out;
	/* DOCUMENT-END: reports anything malformed after the root node. */
	if ((rc = yaml_next(&y, &ev)))
		goto out;
	yaml_event_delete(&ev);
done:
	*out = doc;
	doc = NULL;
out:
	json_decref(doc);
	yaml_parser_delete(&y.parser);
	return rc;
}

/* A YAML file whose root must be a mapping (MLflow's meta.yaml). */
static int yaml_read_map(json_t **out, const char *path)
{
	struct buf data = BUF_INIT;
	json_t *doc = NULL;
	int rc;

	*out = NULL;
	if ((rc = fs_read_file(&data, path, META_MAX, NULL)) ||
	    (rc = model_yaml_parse(&doc, data.data ? data.data : "", data.len, path, 0)))
		goto out;
	if (!json_is_object(doc)) {
		rc = err_set(ERR_PARSE, "%s:1:1: expected a mapping of MLflow fields", path);
		goto out;
	}
	*out = doc;
	doc = NULL;
out:
	json_decref(doc);
	buf_free(&data);
	return rc;
}

/* ------------------------------------------------------------------ */
/* safetensors                                                         */

/* Bytes per element; 0 when unknown (newer sub-byte types), which skips
 * the size check but still counts parameters. */
static unsigned dtype_size(const char *d)
{
	static const struct { const char *name; unsigned size; } t[] = {
		{ "BOOL", 1 }, { "U8", 1 }, { "I8", 1 }, { "F8_E4M3", 1 },
		{ "F8_E5M2", 1 }, { "F8_E8M0", 1 }, { "I16", 2 }, { "U16", 2 },
		{ "F16", 2 }, { "BF16", 2 }, { "I32", 4 }, { "U32", 4 },
		{ "F32", 4 }, { "I64", 8 }, { "U64", 8 }, { "F64", 8 },
		{ "C64", 8 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(d, t[i].name) == 0)
			return t[i].size;
	return 0;
}

static bool json_uint(const json_t *v, uint64_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*out = (uint64_t)json_integer_value(v);
	return true;
}

static int st_tensor(struct model_safetensors *st, const char *key,
		     const json_t *t, uint64_t data_len, const char *name)
{
	const json_t *shape = json_object_get(t, "shape");
	const json_t *offs = json_object_get(t, "data_offsets");
	const char *dtype = json_string_value(json_object_get(t, "dtype"));
	uint64_t count = 1, dim, begin, end, n;
	const json_t *d;
	unsigned size;
	size_t i;

	if (!json_is_object(t) || !dtype || !json_is_array(shape) ||
	    !json_is_array(offs) || json_array_size(offs) != 2 ||
	    !json_uint(json_array_get(offs, 0), &begin) ||
	    !json_uint(json_array_get(offs, 1), &end))
		return err_set(ERR_PARSE, "%s: malformed safetensors header: tensor '%s' needs"
			       " dtype, shape and data_offsets", name, key);
	json_array_foreach(shape, i, d) {
		if (!json_uint(d, &dim))
			return err_set(ERR_PARSE, "%s: malformed safetensors header: tensor '%s'"
				       " has a bad shape", name, key);
		if (dim && count > UINT64_MAX / dim)
			return err_set(ERR_PARSE, "%s: malformed safetensors header: tensor '%s'"
				       " is impossibly large", name, key);
		count *= dim;
	}
	if (begin > end || end > data_len)
		return err_set(ERR_PARSE, "%s: malformed safetensors header: tensor '%s' data"
			       " [%" PRIu64 ", %" PRIu64 ") is outside the %" PRIu64 "-byte data"
			       " section", name, key, begin, end, data_len);
	size = dtype_size(dtype);
	if (size && (count > UINT64_MAX / size || count * size != end - begin))
		return err_set(ERR_PARSE, "%s: malformed safetensors header: tensor '%s' has"
			       " %" PRIu64 " bytes, its dtype and shape need more or less", name,
			       key, end - begin);
	if (st->parameters > UINT64_MAX - count)
		return err_set(ERR_PARSE, "%s: malformed safetensors header: parameter count"
			       " overflows", name);
	st->parameters += count;
	st->tensors++;
	n = (uint64_t)json_integer_value(json_object_get(st->dtypes, dtype));
	return obj_set(st->dtypes, dtype, json_integer((json_int_t)(n + 1)));
}

int model_safetensors_parse(struct model_safetensors *out, const char *hdr,
			    size_t len, uint64_t data_len, const char *name)
{
	struct model_safetensors st = { 0 };
	json_error_t jerr;
	const char *key;
	json_t *root, *v;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	root = json_loadb(hdr, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return err_set(ERR_PARSE, "%s: malformed safetensors header: %s at byte %d",
			       name, jerr.text, jerr.position);
	if (!json_is_object(root)) {
		rc = err_set(ERR_PARSE, "%s: malformed safetensors header: not a JSON object",
			     name);
		goto out;
	}
	if (!(st.dtypes = json_object())) {
		rc = nomem();
		goto out;
	}
	json_object_foreach(root, key, v) {
		if (strcmp(key, "__metadata__") == 0) {
			if (!json_is_object(v)) {
				rc = err_set(ERR_PARSE, "%s: malformed safetensors header:"
					     " __metadata__ is not an object", name);
				goto out;
			}
			st.metadata = json_incref(v);
		} else if ((rc = st_tensor(&st, key, v, data_len, name))) {
			goto out;
		}
	}
	*out = st;
	memset(&st, 0, sizeof(st));
out:
	model_safetensors_free(&st);
	json_decref(root);
	return rc;
}

void model_safetensors_free(struct model_safetensors *st)
{
	json_decref(st->dtypes);
	json_decref(st->metadata);
	memset(st, 0, sizeof(*st));
}

static int read_full(int fd, void *p, size_t n, size_t *got)
{
	char *c = p;

	*got = 0;
	while (*got < n) {
		ssize_t k = read(fd, c + *got, n - *got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		*got += (size_t)k;
	}
	return 0;
}

/* Read and parse one file's header; only the header is read. */
static int safetensors_read(struct model_safetensors *st, const char *path)
{
	uint8_t len8[8];
	char *hdr = NULL;
	uint64_t n = 0, size;
	struct stat sb;
	size_t got;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &sb) < 0 || read_full(fd, len8, 8, &got) < 0) {
		rc = err_set(ERR_IO, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	size = (uint64_t)sb.st_size;
	for (int i = 7; i >= 0; i--)
		n = n << 8 | len8[i];
	if (got < 8 || size < 8) {
		rc = err_set(ERR_PARSE, "%s: malformed safetensors file: shorter than its"
			     " 8-byte header length", path);
		goto out;
	}
	if (n > MODEL_SAFETENSORS_HEADER_MAX) {
		rc = err_set(ERR_PARSE, "%s: malformed safetensors header: %" PRIu64 " bytes,"
			     " over the %" PRIu64 "-byte limit", path, n,
			     MODEL_SAFETENSORS_HEADER_MAX);
		goto out;
	}
	if (n > size - 8) {
		rc = err_set(ERR_PARSE, "%s: malformed safetensors header: truncated (%" PRIu64
			     " bytes announced, %" PRIu64 " in the file)", path, n, size - 8);
		goto out;
	}
	if (!(hdr = malloc(n ? (size_t)n : 1))) {
		rc = nomem();
		goto out;
	}
	if (read_full(fd, hdr, (size_t)n, &got) < 0 || got != n) {
		rc = err_set(ERR_PARSE, "%s: malformed safetensors header: truncated", path);
		goto out;
	}
	rc = model_safetensors_parse(st, hdr, (size_t)n, size - 8 - n, path);
out:
	free(hdr);
	close(fd);
	return rc;
}

/* ------------------------------------------------------------------ */
/* file trees and their digests                                        */

struct file_item {
	char *rel, *abs;
};

struct file_list {
	struct file_item *v;
	size_t n, cap;
};

static void file_list_free(struct file_list *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		free(fl->v[i].rel);
		free(fl->v[i].abs);
	}
	free(fl->v);
	memset(fl, 0, sizeof(*fl));
}

static int file_list_add(struct file_list *fl, const char *rel, const char *abs)
{
	struct file_item *v;

	if (fl->n >= MODEL_DIR_MAX_FILES)
		return err_set(ERR_LIMIT, "too many files: '%s' is past the limit of %d",
			       abs, MODEL_DIR_MAX_FILES);
	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? 2 * fl->cap : 64;

		if (!(v = reallocarray(fl->v, cap, sizeof(*v))))
			return nomem();
		fl->v = v;
		fl->cap = cap;
	}
	fl->v[fl->n].rel = strdup(rel);
	fl->v[fl->n].abs = strdup(abs);
	if (!fl->v[fl->n].rel || !fl->v[fl->n].abs) {
		free(fl->v[fl->n].rel);
		free(fl->v[fl->n].abs);
		return nomem();
	}
	fl->n++;
	return 0;
}

static int file_item_cmp(const void *a, const void *b)
{
	return strcmp(((const struct file_item *)a)->rel, ((const struct file_item *)b)->rel);
}

static int walk(struct file_list *fl, const char *abs_dir, const char *rel_dir,
		unsigned depth);

/* One directory entry: regular files (and symlinks to them) are listed,
 * real directories walked; symlinked directories are not followed, so a
 * loop cannot make the walk endless. */
static int walk_entry(struct file_list *fl, const char *abs, const char *rel,
		      unsigned depth)
{
	struct stat st;

	if (lstat(abs, &st) < 0)
		return err_set(ERR_IO, "cannot stat '%s': %s", abs, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return walk(fl, abs, rel, depth + 1);
	if (S_ISLNK(st.st_mode) && (stat(abs, &st) < 0 || !S_ISREG(st.st_mode)))
		return 0;
	if (!S_ISREG(st.st_mode))
		return 0;
	return file_list_add(fl, rel, abs);
}

static int walk(struct file_list *fl, const char *abs_dir, const char *rel_dir,
		unsigned depth)
{
	struct dirent *de;
	char *abs = NULL, *rel = NULL;
	DIR *d;
	int rc = 0;

	if (depth > DIR_DEPTH_MAX)
		return err_set(ERR_LIMIT, "'%s' is nested more than %d directories deep",
			       abs_dir, DIR_DEPTH_MAX);
	if (!(d = opendir(abs_dir)))
		return err_set(ERR_IO, "cannot open '%s': %s", abs_dir, strerror(errno));
	for (;;) {
		errno = 0;
		if (!(de = readdir(d))) {
			if (errno)
				rc = err_set(ERR_IO, "cannot read '%s': %s", abs_dir,
					     strerror(errno));
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, ".git"))
			continue;
		abs = path_join(abs_dir, de->d_name);
		rel = rel_dir ? path_join(rel_dir, de->d_name) : strdup(de->d_name);
		rc = abs && rel ? walk_entry(fl, abs, rel, depth) : nomem();
		free(abs);
		free(rel);
		if (rc)
			break;
	}
	closedir(d);
	return rc;
}

/* Every regular file under `dir`, sorted by relative path. */
static int list_files(struct file_list *fl, const char *dir)
{
	int rc = walk(fl, dir, NULL, 0);

	if (!rc && fl->n)
		qsort(fl->v, fl->n, sizeof(fl->v[0]), file_item_cmp);
	return rc;
}

/* What identifies a file's content without reading it: content changes
 * always move ctime, which no user can set back. */
static void file_ident(char *out, size_t cap, const struct stat *st)
{
	snprintf(out, cap, "%lld %lld.%09ld %lld.%09ld %llu %llu", (long long)st->st_size,
		 (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
		 (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec,
		 (unsigned long long)st->st_dev, (unsigned long long)st->st_ino);
}

/* SHA-256 of a file, streamed in chunks; *st receives its status as
 * opened (before the read, so a change during the read shows next run). */
static int hash_file(const char *path, char hex[HEX_LEN(SHA256_LEN)], struct stat *st)
{
	struct sha256_ctx *h = NULL;
	uint8_t digest[SHA256_LEN];
	char *chunk = NULL;
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return err_set(ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		rc = err_set(ERR_IO, "'%s' is not a readable regular file", path);
		goto out;
	}
	if (!(chunk = malloc(HASH_CHUNK))) {
		rc = nomem();
		goto out;
	}
	if ((rc = sha256_new(&h)))
		goto out;
	for (;;) {
		ssize_t n = read(fd, chunk, HASH_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_set(ERR_IO, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if ((rc = sha256_update(h, chunk, (size_t)n)))
			goto out;
	}
	rc = sha256_final(h, digest);
	h = NULL;
	if (!rc)
		hex_encode(hex, digest, SHA256_LEN);
out:
	sha256_free(h);
	free(chunk);
	close(fd);
	return rc;
}

struct digests {
	json_t *files;    /* rel -> hex */
	uint64_t bytes;
	int64_t newest;   /* latest mtime */
};

/* The digests of `fl`, reusing the ones in cache cursor `key` for files
 * whose identity has not changed, and writing the cursor back when it
 * did.  The cache is only an optimisation: a damaged one is ignored. */
static int digest_files(struct digests *d, struct collect_ctx *c, const char *source,
			const char *key, const struct file_list *fl)
{
	char ident[160], hex[HEX_LEN(SHA256_LEN)];
	struct buf old = BUF_INIT, neu = BUF_INIT;
	json_t *cache = NULL, *next = NULL;
	struct stat st;
	bool found;
	int rc;

	memset(d, 0, sizeof(*d));
	d->newest = INT64_MIN;
	if ((rc = store_cursor_get(c->store, source, key, &old, &found)))
		return rc;
	if (found)
		cache = json_loadb(old.data, old.len, 0, NULL);
	if (!(d->files = json_object()) || !(next = json_object())) {
		rc = nomem();
		goto out;
	}
	for (size_t i = 0; i < fl->n; i++) {
		const char *hit = NULL;
		json_t *e;

		if (stat(fl->v[i].abs, &st) == 0) {
			file_ident(ident, sizeof(ident), &st);
			e = json_object_get(cache, fl->v[i].rel);
			if (json_is_array(e) &&
			    json_is_string(json_array_get(e, 0)) &&
			    !strcmp(ident, json_string_value(json_array_get(e, 0))) &&
			    json_string_length(json_array_get(e, 1)) == 2 * SHA256_LEN)
				hit = json_string_value(json_array_get(e, 1));
		}
		if (hit) {
			memcpy(hex, hit, sizeof(hex));
		} else {
			if ((rc = hash_file(fl->v[i].abs, hex, &st)))
				goto out;
			file_ident(ident, sizeof(ident), &st);
		}
		d->bytes += (uint64_t)st.st_size;
		if ((int64_t)st.st_mtim.tv_sec > d->newest)
			d->newest = (int64_t)st.st_mtim.tv_sec;
		if ((rc = obj_set(d->files, fl->v[i].rel, json_string(hex))) ||
		    (rc = obj_set(next, fl->v[i].rel, json_pack("[ss]", ident, hex))))
			goto out;
	}
	if ((rc = json_stable(&neu, next)))
		goto out;
	if (!found || neu.len != old.len || memcmp(neu.data, old.data, old.len))
		rc = store_cursor_put(c->store, source, key, neu.data, neu.len);
out:
	if (rc) {
		json_decref(d->files);
		d->files = NULL;
	}
	json_decref(cache);
	json_decref(next);
	buf_free(&old);
	buf_free(&neu);
	return rc;
}

/* ------------------------------------------------------------------ */
/* one version in, at most one entry out                               */

struct emit {
	struct collect_ctx *c;
	const char *source;
	struct pii *pii;
	bool own_pii;
	enum pii_mode mode;
	struct collect_result *r;
	const char *registry;
	const char *key_prefix; /* "" for MLflow, "dir:" for directories */
};

/*
 * The cursor key of a version: "<name>/<version>" for MLflow (the digest
 * of its metadata) and "<name>/<version>#files" for its file digest cache.
 * Directories get "dir:" in front, so a registry and a directory collected
 * under the same source name do not take each other's cursors.
 */
static char *version_key(const struct emit *e, const char *name, const char *version,
			 const char *suffix)
{
	size_t n = strlen(e->key_prefix) + strlen(name) + strlen(version) + strlen(suffix) + 2;
	char *key = malloc(n);

	if (key)
		snprintf(key, n, "%s%s/%s%s", e->key_prefix, name, version, suffix);
	return key;
}

/* Free text as the pii mode says (secrets always go). */
static int scrub(const struct emit *e, const char *s, size_t n, const char *what,
		 json_t **out)
{
	struct buf b = BUF_INIT;
	int rc;

	if ((rc = pii_scrub(e->pii, e->mode, s, n, &b, NULL)) == 0)
		rc = json_text(out, b.data ? b.data : "", b.len, what);
	buf_free(&b);
	return rc;
}

static int scrub_raw(const struct emit *e, const json_t *v, const char *what, json_t **out)
{
	char tmp[64];
	const char *s = raw_text(v, tmp, sizeof(tmp));

	if (!s) {
		*out = json_null();
		return 0;
	}
	return scrub(e, s, strlen(s), what, out);
}

/* Every string in a JSON tree, scrubbed in place. */
static int scrub_tree(const struct emit *e, json_t *v, const char *what)
{
	const char *key;
	json_t *x, *s;
	size_t i;
	int rc;

	if (json_is_object(v)) {
		json_object_foreach(v, key, x) {
			if (json_is_string(x)) {
				if ((rc = scrub(e, json_string_value(x), json_string_length(x),
						what, &s)))
					return rc;
				if (json_object_set_new(v, key, s))
					return nomem();
			} else if ((rc = scrub_tree(e, x, what))) {
				return rc;
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (json_is_string(x)) {
				if ((rc = scrub(e, json_string_value(x), json_string_length(x),
						what, &s)))
					return rc;
				if (json_array_set_new(v, i, s))
					return nomem();
			} else if ((rc = scrub_tree(e, x, what))) {
				return rc;
			}
		}
	}
	return 0;
}

/* The creator is a user id: a token (or less) unless keep. */
static int creator_json(const struct emit *e, const json_t *v, json_t **out)
{
	char tmp[64], tok[PII_TOKEN_MAX];
	const char *s = raw_text(v, tmp, sizeof(tmp));
	int rc;

	if (!s)
		*out = json_null();
	else if (e->mode == PII_KEEP)
		return scrub(e, s, strlen(s), "user_id", out);
	else if (e->mode == PII_REDACT)
		*out = json_string("<user:redacted>");
	else if ((rc = pii_token(e->pii, "user", s, strlen(s), tok)))
		return rc;
	else
		*out = json_string(tok);
	return *out ? 0 : nomem();
}

/* The first of `keys` present in tags, else null. */
static json_t *tag_pick(const json_t *tags, const char *const *keys)
{
	for (; *keys; keys++) {
		json_t *v = json_object_get(tags, *keys);

		if (v)
			return json_incref(v);
	}
	return json_null();
}

/* "file:///p", "file://localhost/p", "file:/p" or "/p" -> "/p"
 * (percent-decoded); false for anything not on this machine. */
static bool local_path(const char *src, char *out, size_t cap)
{
	size_t o = 0;

	if (!strncmp(src, "file://localhost/", 17))
		src += 16;
	else if (!strncmp(src, "file://", 7))
		src += 7;
	else if (!strncmp(src, "file:", 5))
		src += 5;
	if (src[0] != '/')
		return false;
	for (; *src; src++) {
		uint8_t c;

		if (o + 1 >= cap)
			return false;
		if (src[0] == '%' && src[1] && src[2] && hex_decode(&c, 1, src + 1, 2) == 0) {
			if (!c)
				return false;
			out[o++] = (char)c;
			src += 2;
			continue;
		}
		out[o++] = *src;
	}
	out[o] = '\0';
	return true;
}

/* The digests of a local artifact path, or null when it is not local or
 * not there. */
static int artifacts_json(const struct emit *e, const char *src, const char *key,
			  json_t **out)
{
	struct file_list fl = { 0 };
	struct digests d = { 0 };
	char path[PATH_MAX], *slash;
	struct stat st;
	int rc = 0;

	*out = NULL;
	if (!src || !local_path(src, path, sizeof(path)) || stat(path, &st) < 0) {
		*out = json_null();
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = list_files(&fl, path);
	} else if (S_ISREG(st.st_mode)) {
		slash = strrchr(path, '/');
		rc = file_list_add(&fl, slash[1] ? slash + 1 : path, path);
	} else {
		*out = json_null();
		return 0;
	}
	if (!rc && !(rc = digest_files(&d, e->c, e->source, key, &fl)))
		*out = d.files;
	file_list_free(&fl);
	return rc;
}

/* Append an entry for version name/version when the payload's digest is
 * not the one in the cursor. */
static int emit_entry(const struct emit *e, const char *name, const char *version,
		      const json_t *attrs, const json_t *payload, int64_t eff_from)
{
	struct buf a = BUF_INIT, p = BUF_INIT, old = BUF_INIT;
	char hex[HEX_LEN(SHA256_LEN)], *key = NULL, *seen = NULL;
	uint8_t digest[SHA256_LEN];
	struct entry_input in;
	struct observed ob;
	uint64_t index;
	bool found, again = false;
	int rc;

	if (!(key = version_key(e, name, version, "")) ||
	    asprintf(&seen, "seen:%s", key) < 0) {
		seen = NULL;
		rc = nomem();
		goto out;
	}
	if ((rc = json_stable(&a, attrs)) || (rc = json_stable(&p, payload)) ||
	    (rc = sha256(digest, p.data, p.len)))
		goto out;
	hex_encode(hex, digest, SHA256_LEN);
	/* Unchanged: no entry; the run's observation entry says it was seen
	 * again, so the registry stays fresh (collectors/observe.h).  A version
	 * recorded before observations existed is recorded once more. */
	ob = (struct observed){ e->source, seen, "model-version", "", p.data, p.len };
	if ((rc = store_cursor_get(e->c->store, e->source, key, &old, &found)))
		goto out;
	if (found && old.len == strlen(hex) && !memcmp(old.data, hex, old.len) &&
	    (rc = observe_check(e->c, &ob, &again, NULL)) == 0 && again) {
		e->r->unchanged++;
		goto out;
	}
	if (rc)
		goto out;
	memset(&in, 0, sizeof(in));
	in.kind = "model-version";
	in.source = e->source;
	in.subject = NULL;
	/* An unknown or out-of-range time (no files, a file dated 1960) is
	 * no period start: the version speaks from when it was read. */
	in.eff_from = time_in_range(eff_from) && eff_from < e->c->now ? eff_from : e->c->now;
	in.eff_to = e->c->now;
	in.collected = e->c->now;
	in.attrs = a.data;
	in.attrs_len = a.len;
	in.payload = p.data;
	in.payload_len = p.len;
	if ((rc = store_append(e->c->store, &in, &index)) ||
	    (rc = store_cursor_put(e->c->store, e->source, key, hex, strlen(hex))) ||
	    (rc = observe_recorded(e->c, &ob, index)))
		goto out;
	e->r->entries++;
out:
	free(seen);
	free(key);
	buf_free(&a);
	buf_free(&p);
	buf_free(&old);
	return rc;
}

static const char *const approval_keys[] = { "approval", "approved_by", "approved", NULL };
static const char *const dataset_keys[] = { "dataset", "training_dataset", "data", NULL };
static const char *const card_keys[] = { "model_card", "model_card_url", NULL };

/* Tags object (key -> string or null), scrubbed. */
static int tags_json(const struct emit *e, const json_t *raw, json_t **out)
{
	const char *key;
	json_t *v, *s;
	int rc;

	if (!(*out = json_object()))
		return nomem();
	json_object_foreach((json_t *)raw, key, v) {
		if ((rc = scrub_raw(e, v, "a tag value", &s)) || (rc = obj_set(*out, key, s))) {
			json_decref(*out);
			*out = NULL;
			return rc;
		}
	}
	return 0;
}

static int aliases_json(const json_t *raw, json_t **out)
{
	const char **v = NULL;
	size_t n = json_array_size(raw), i;
	json_t *x;
	int rc = 0;

	if (!(*out = json_array()))
		return nomem();
	if (n && !(v = calloc(n, sizeof(*v)))) {
		rc = nomem();
		goto out;
	}
	json_array_foreach(raw, i, x)
		v[i] = json_string_value(x) ? json_string_value(x) : "";
	if (n)
		qsort(v, n, sizeof(*v), str_cmp);
	for (i = 0; i < n && !rc; i++)
		if (json_array_append_new(*out, json_string(v[i])))
			rc = nomem();
out:
	free(v);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static json_t *text_or_null(const json_t *raw, const char *key)
{
	char tmp[64];
	const char *s = raw_text(json_object_get(raw, key), tmp, sizeof(tmp));

	return s ? json_string(s) : json_null();
}

/* The artifacts of a version: its source when that is local, else its
 * storage location (MLflow 2.x keeps "models:/..." sources). */
static int version_artifacts(const struct emit *e, const json_t *raw, const char *name,
			     const char *version, json_t **out)
{
	const char *src = json_string_value(json_object_get(raw, "source"));
	char *key = NULL;
	int rc;

	if (!src || (strncmp(src, "file:", 5) && src[0] != '/'))
		src = json_string_value(json_object_get(raw, "storage_location"));
	if (!(key = version_key(e, name, version, "#files")))
		return nomem();
	rc = artifacts_json(e, src, key, out);
	free(key);
	return rc;
}

/* What the payload keeps beyond attrs: the free text of the version and
 * of its registered model. */
static int version_extras(const struct emit *e, const json_t *raw, json_t *payload)
{
	static const char *const fields[] = { "description", "run_link", "status_message",
					      "storage_location", NULL };
	json_t *model = NULL, *v = NULL;
	int rc;

	for (const char *const *f = fields; *f; f++)
		if ((rc = scrub_raw(e, json_object_get(raw, *f), *f, &v)) ||
		    (rc = obj_set(payload, *f, v)))
			return rc;
	if (!(model = json_object()))
		return nomem();
	if ((rc = scrub_raw(e, json_object_get(raw, "model_description"), "description", &v)) ||
	    (rc = obj_set(model, "description", v)) ||
	    (rc = tags_json(e, json_object_get(raw, "model_tags"), &v)) ||
	    (rc = obj_set(model, "tags", v))) {
		json_decref(model);
		return rc;
	}
	return obj_set(payload, "model", model);
}

/* The attrs of an MLflow version; *eff_from is when it speaks from. */
static int version_attrs(const struct emit *e, const json_t *raw, const char *name,
			 const char *version, json_t *attrs, int64_t *eff_from)
{
	int64_t created = 0, updated = 0;
	json_t *tags = NULL, *v = NULL;
	bool has_c, has_u;
	int rc;

	has_c = raw_ms(json_object_get(raw, "creation_timestamp"), &created);
	has_u = raw_ms(json_object_get(raw, "last_updated_timestamp"), &updated);
	*eff_from = has_c ? created : has_u ? updated : e->c->now;
	if ((rc = obj_set(attrs, "name", json_string(name))) ||
	    (rc = obj_set(attrs, "version", json_string(version))) ||
	    (rc = obj_set(attrs, "stage", text_or_null(raw, "current_stage"))) ||
	    (rc = aliases_json(json_object_get(raw, "aliases"), &v)) ||
	    (rc = obj_set(attrs, "aliases", v)) ||
	    (rc = scrub_raw(e, json_object_get(raw, "source"), "source", &v)) ||
	    (rc = obj_set(attrs, "source", v)) ||
	    (rc = obj_set(attrs, "run_id", text_or_null(raw, "run_id"))) ||
	    (rc = creator_json(e, json_object_get(raw, "user_id"), &v)) ||
	    (rc = obj_set(attrs, "creator", v)) ||
	    (rc = obj_set(attrs, "created", time_json(has_c, created))) ||
	    (rc = obj_set(attrs, "updated", time_json(has_u, updated))) ||
	    (rc = obj_set(attrs, "status", text_or_null(raw, "status"))) ||
	    (rc = tags_json(e, json_object_get(raw, "tags"), &tags)) ||
	    (rc = obj_set(attrs, "tags", json_incref(tags))) ||
	    (rc = obj_set(attrs, "approval", tag_pick(tags, approval_keys))) ||
	    (rc = obj_set(attrs, "dataset", tag_pick(tags, dataset_keys))) ||
	    (rc = obj_set(attrs, "model_card", tag_pick(tags, card_keys))) ||
	    (rc = version_artifacts(e, raw, name, version, &v)) ||
	    (rc = obj_set(attrs, "artifacts", v)))
		goto out;
	rc = obj_set(attrs, "registry", json_string(e->registry));
out:
	json_decref(tags);
	return rc;
}

/*
 * One MLflow model version.  raw holds its fields as MLflow stores them
 * (the meta.yaml names: name, version, creation_timestamp, ...) plus
 * "tags" (object), "aliases" (array), "model_description" and
 * "model_tags" (object).  `where` names the input in errors.
 */
static int mlflow_emit(const struct emit *e, const json_t *raw, const char *where)
{
	char ntmp[64], vtmp[64];
	const char *name = raw_text(json_object_get(raw, "name"), ntmp, sizeof(ntmp));
	const char *version = raw_text(json_object_get(raw, "version"), vtmp, sizeof(vtmp));
	json_t *attrs = NULL, *payload = NULL;
	int64_t eff_from;
	int rc;

	if (!name || !version)
		return err_set(ERR_PARSE, "%s: a model version without a name or version", where);
	if (!(attrs = json_object())) {
		rc = nomem();
		goto out;
	}
	if ((rc = version_attrs(e, raw, name, version, attrs, &eff_from)))
		goto out;
	/* The payload adds the free text; its digest decides "changed". */
	if (!(payload = json_copy(attrs))) {
		rc = nomem();
		goto out;
	}
	if ((rc = version_extras(e, raw, payload)))
		goto out;
	rc = emit_entry(e, name, version, attrs, payload, eff_from);
out:
	json_decref(attrs);
	json_decref(payload);
	return rc;
}

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

	rc = buf_puts(&uri, "file:");
	for (const unsigned char *p = (const unsigned char *)q->path; *p && !rc; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p))
			rc = buf_append(&uri, p, 1);
		else
			rc = buf_printf(&uri, "%%%02X", *p);
	}
	if (rc || (rc = buf_puts(&uri, "?mode=ro")))
		goto out;
	if (sqlite3_open_v2(uri.data, &q->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
			    NULL) != SQLITE_OK) {
		rc = err_set(ERR_IO, "cannot open '%s': %s", q->path,
			     q->db ? sqlite3_errmsg(q->db) : "out of memory");
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
	int fd;

	if (size == 0)
		return err_set(ERR_PARSE, "'%s' is empty, not an MLflow registry database", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (read_full(fd, head, sizeof(head), &got) < 0) {
		close(fd);
		return err_set(ERR_IO, "cannot read '%s': %s", path, strerror(errno));
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
		if ((rc = json_text(out, text ? text : "", (size_t)sqlite3_column_bytes(st, col),
				    what)))
			return err_wrap(rc, "'%s'", q->path);
	}
	return *out ? 0 : nomem();
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
		return nomem();
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
			rc = rc ? rc : nomem();
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
		rc = nomem();
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
			    (rc = obj_set(raw, version_columns[i][1], v)))
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
	if ((rc = obj_set(raw, "tags", json_incref(tags))) ||
	    (rc = obj_set(raw, "aliases", json_incref(aliases))) ||
	    (rc = obj_set(raw, "model_tags", json_incref(q->model_tags))) ||
	    (rc = obj_set(raw, "model_description",
			  q->model_desc ? json_incref(q->model_desc) : json_null())))
		goto out;
	rc = mlflow_emit(e, raw, q->path);
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
			return nomem();
		l->v = v;
		if (!(nv = reallocarray(l->num, cap, sizeof(*nv))))
			return nomem();
		l->num = nv;
		l->cap = cap;
	}
	if (!(l->v[l->n] = strdup(name)))
		return nomem();
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
		if (!(p = path_join(dir, de->d_name))) {
			rc = nomem();
			break;
		}
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
	if ((rc = list_files(&fl, dir)))
		goto out;
	for (size_t i = 0; i < fl.n && !rc; i++) {
		buf_reset(&b);
		if ((rc = fs_read_file(&b, fl.v[i].abs, TAG_MAX, NULL)))
			break;
		while (trim && b.len && strchr(" \t\r\n", b.data[b.len - 1]))
			b.len--;
		if (!(rc = json_text(&v, b.data ? b.data : "", b.len, fl.v[i].abs)))
			rc = obj_set(obj, fl.v[i].rel, v);
	}
out:
	file_list_free(&fl);
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

	if (!(vdir = path_join(m->dir, vname)) || !(meta = path_join(vdir, "meta.yaml")) ||
	    !(tdir = path_join(vdir, "tags")) || !(tags = json_object()) ||
	    !(aliases = json_array())) {
		rc = nomem();
		goto out;
	}
	if ((rc = yaml_read_map(&raw, meta)) || (rc = read_kv_dir(tags, tdir, false)))
		goto out;
	if (!json_object_get(raw, "name")) {
		v = json_object_get(m->meta, "name");
		if ((rc = obj_set(raw, "name", v ? json_incref(v) : json_string(m->dirname))))
			goto out;
	}
	if (!json_object_get(raw, "version") &&
	    (rc = obj_set(raw, "version", json_integer(num))))
		goto out;
	vtext = raw_text(json_object_get(raw, "version"), vtmp, sizeof(vtmp));
	json_object_foreach(m->aliases, key, v)
		if (vtext && !strcmp(json_string_value(v), vtext) &&
		    json_array_append_new(aliases, json_string(key))) {
			rc = nomem();
			goto out;
		}
	v = json_object_get(m->meta, "description");
	if ((rc = obj_set(raw, "tags", json_incref(tags))) ||
	    (rc = obj_set(raw, "aliases", json_incref(aliases))) ||
	    (rc = obj_set(raw, "model_tags", json_incref(m->tags))) ||
	    (rc = obj_set(raw, "model_description", v ? json_incref(v) : json_null())))
		goto out;
	rc = mlflow_emit(e, raw, meta);
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

	if (!(dir = path_join(models, dirname)) || !(meta = path_join(dir, "meta.yaml")) ||
	    !(tdir = path_join(dir, "tags")) || !(adir = path_join(dir, "aliases")) ||
	    !(m.tags = json_object()) || !(m.aliases = json_object())) {
		rc = nomem();
		goto out;
	}
	m.dir = dir;
	if ((rc = yaml_read_map(&m.meta, meta)) || (rc = read_kv_dir(m.tags, tdir, false)) ||
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
	char *dir = path_join(root, "models");
	struct stat st;
	int rc = 0;

	if (!dir)
		return nomem();
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

/* ------------------------------------------------------------------ */
/* model directory                                                     */

static const char *const config_fields[] = {
	"model_type", "architectures", "torch_dtype", "transformers_version",
	"hidden_size", "num_hidden_layers", "num_attention_heads",
	"num_key_value_heads", "intermediate_size", "vocab_size",
	"max_position_embeddings", "quantization_config", NULL,
};

/* Selected fields of a Hugging Face config.json. */
static int config_json(const char *path, json_t **out)
{
	struct buf b = BUF_INIT;
	json_t *cfg = NULL, *v;
	json_error_t jerr;
	int rc;

	*out = NULL;
	if ((rc = fs_read_file(&b, path, CONFIG_MAX, NULL)))
		goto out;
	if (!(cfg = json_loadb(b.data ? b.data : "", b.len, 0, &jerr))) {
		rc = err_set(ERR_PARSE, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
		goto out;
	}
	if (!json_is_object(cfg)) {
		rc = err_set(ERR_PARSE, "%s:1:1: expected a JSON object", path);
		goto out;
	}
	if (!(*out = json_object())) {
		rc = nomem();
		goto out;
	}
	for (const char *const *f = config_fields; *f; f++)
		if ((v = json_object_get(cfg, *f)) && (rc = obj_set(*out, *f, json_incref(v))))
			break;
out:
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	json_decref(cfg);
	buf_free(&b);
	return rc;
}

/* Offset just past the line starting at `i`, and that line's length
 * without its end of line. */
static size_t line_end(const char *s, size_t len, size_t i, size_t *text_len)
{
	size_t j = i;

	while (j < len && s[j] != '\n')
		j++;
	*text_len = j - i - (j > i && s[j - 1] == '\r');
	return j < len ? j + 1 : j;
}

/* The YAML front matter of a model card (between a first line "---" and
 * the next "---" or "..."), scrubbed; null when the card has none. */
static int card_json(const struct emit *e, const char *path, json_t **out)
{
	size_t got = 0, i, n, start, next;
	char *s = NULL;
	json_t *doc = NULL;
	int fd, rc = 0;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return err_set(ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (!(s = malloc(CARD_MAX)))
		rc = nomem();
	else if (read_full(fd, s, CARD_MAX, &got) < 0)
		rc = err_set(ERR_IO, "cannot read '%s': %s", path, strerror(errno));
	close(fd);
	if (rc)
		goto out;
	start = line_end(s, got, 0, &n);
	if (n != 3 || memcmp(s, "---", 3)) {
		*out = json_null();
		goto out;
	}
	for (i = start; i < got; i = next) {
		next = line_end(s, got, i, &n);
		if (n == 3 && (!memcmp(s + i, "---", 3) || !memcmp(s + i, "...", 3)))
			break;
	}
	if (i >= got) {
		rc = err_set(ERR_PARSE, "%s:1:1: the front matter has no closing '---' in its"
			     " first %zu bytes", path, CARD_MAX);
		goto out;
	}
	if ((rc = model_yaml_parse(&doc, s + start, i - start, path, 1)))
		goto out;
	if (!json_is_object(doc) && !json_is_null(doc)) {
		rc = err_set(ERR_PARSE, "%s:2:1: the front matter is not a mapping", path);
		goto out;
	}
	if ((rc = scrub_tree(e, doc, path)))
		goto out;
	*out = doc;
	doc = NULL;
out:
	json_decref(doc);
	free(s);
	return rc;
}

/* The dataset a card names: "datasets" (string or list) or "dataset". */
static json_t *card_dataset(const json_t *card)
{
	const json_t *d = json_object_get(card, "datasets"), *x;
	struct buf b = BUF_INIT;
	json_t *out;
	size_t i;

	if (!d)
		d = json_object_get(card, "dataset");
	if (json_is_string(d))
		return json_incref((json_t *)d);
	if (!json_is_array(d) || !json_array_size(d))
		return json_null();
	json_array_foreach(d, i, x)
		if (json_is_string(x) && (buf_puts(&b, b.len ? ", " : "") ||
					  buf_puts(&b, json_string_value(x))))
			break;
	out = b.len ? json_stringn(b.data, b.len) : json_null();
	buf_free(&b);
	return out;
}

struct st_sum {
	uint64_t files, tensors, parameters;
	json_t *dtypes, *metadata;
};

static int st_add(struct st_sum *sum, const struct model_safetensors *st, const char *path)
{
	const char *k;
	json_t *v;

	if (sum->parameters > UINT64_MAX - st->parameters)
		return err_set(ERR_PARSE, "%s: parameter count overflows", path);
	sum->files++;
	sum->tensors += st->tensors;
	sum->parameters += st->parameters;
	json_object_foreach(st->dtypes, k, v) {
		json_int_t n = json_integer_value(json_object_get(sum->dtypes, k));

		if (obj_set(sum->dtypes, k, json_integer(n + json_integer_value(v))))
			return nomem();
	}
	/* Shards repeat the same metadata; the first file's value wins. */
	json_object_foreach(st->metadata, k, v)
		if (!json_object_get(sum->metadata, k) && obj_set(sum->metadata, k, json_incref(v)))
			return nomem();
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int safetensors_json(const struct emit *e, const struct file_list *fl, json_t **out)
{
	struct st_sum sum = { 0 };
	int rc = 0;

	*out = NULL;
	if (!(sum.dtypes = json_object()) || !(sum.metadata = json_object())) {
		rc = nomem();
		goto out;
	}
	for (size_t i = 0; i < fl->n && !rc; i++) {
		struct model_safetensors st = { 0 };

		if (!ends_with(fl->v[i].rel, ".safetensors"))
			continue;
		if (!(rc = safetensors_read(&st, fl->v[i].abs)))
			rc = st_add(&sum, &st, fl->v[i].abs);
		model_safetensors_free(&st);
	}
	if (rc)
		goto out;
	if (!sum.files) {
		*out = json_null();
		goto out;
	}
	if (sum.parameters > INT64_MAX || sum.tensors > INT64_MAX) {
		rc = err_set(ERR_PARSE, "too many parameters to count");
		goto out;
	}
	if ((rc = scrub_tree(e, sum.metadata, "safetensors metadata")))
		goto out;
	*out = json_pack("{sI sI sI sO sO}", "files", (json_int_t)sum.files,
			 "tensors", (json_int_t)sum.tensors,
			 "parameters", (json_int_t)sum.parameters,
			 "dtypes", sum.dtypes, "metadata", sum.metadata);
	if (!*out)
		rc = nomem();
out:
	json_decref(sum.dtypes);
	json_decref(sum.metadata);
	return rc;
}

static const char *file_in(const struct file_list *fl, const char *rel)
{
	for (size_t i = 0; i < fl->n; i++)
		if (!strcmp(fl->v[i].rel, rel))
			return fl->v[i].abs;
	return NULL;
}

/* The attrs of a directory beyond the common ones. */
static int dir_details(const struct emit *e, const struct file_list *fl, json_t *attrs)
{
	const char *cfg = file_in(fl, "config.json"), *readme = file_in(fl, "README.md");
	json_t *v = NULL, *card = NULL;
	int rc;

	if (cfg)
		rc = config_json(cfg, &v);
	else
		rc = (v = json_null()) ? 0 : nomem();
	if (rc || (rc = obj_set(attrs, "config", v)))
		return rc;
	if (readme)
		rc = card_json(e, readme, &card);
	else
		rc = (card = json_null()) ? 0 : nomem();
	if (rc)
		return rc;
	if ((rc = obj_set(attrs, "dataset", card_dataset(card))) ||
	    (rc = obj_set(attrs, "card", card)) ||
	    (rc = obj_set(attrs, "model_card", readme ? json_string("README.md") : json_null())) ||
	    (rc = safetensors_json(e, fl, &v)))
		return rc;
	return obj_set(attrs, "safetensors", v);
}

static int dir_collect(const struct emit *e, const char *dir, const char *name,
		       const char *version)
{
	struct file_list fl = { 0 };
	struct digests d = { 0 };
	char abs[PATH_MAX], *key = NULL;
	json_t *attrs = NULL, *payload = NULL, *v = NULL;
	int rc;

	if (!realpath(dir, abs))
		return err_set(ERR_IO, "cannot open '%s': %s", dir, strerror(errno));
	if ((rc = list_files(&fl, abs)))
		goto out;
	if (!fl.n) {
		rc = err_set(ERR_PARSE, "'%s' holds no files: not a model directory", dir);
		goto out;
	}
	if (!(key = version_key(e, name, version, "#files")) || !(attrs = json_object())) {
		rc = nomem();
		goto out;
	}
	if ((rc = digest_files(&d, e->c, e->source, key, &fl)) ||
	    (rc = obj_set(attrs, "artifacts", d.files)) ||
	    (rc = obj_set(attrs, "name", json_string(name))) ||
	    (rc = obj_set(attrs, "version", json_string(version))) ||
	    (rc = obj_set(attrs, "stage", json_null())) ||
	    (rc = obj_set(attrs, "aliases", json_array())) ||
	    (rc = scrub(e, abs, strlen(abs), "the path", &v)) ||
	    (rc = obj_set(attrs, "source", v)) ||
	    (rc = obj_set(attrs, "run_id", json_null())) ||
	    (rc = obj_set(attrs, "creator", json_null())) ||
	    (rc = obj_set(attrs, "created", json_null())) ||
	    (rc = obj_set(attrs, "updated", time_json(true, d.newest))) ||
	    (rc = obj_set(attrs, "status", json_null())) ||
	    (rc = obj_set(attrs, "tags", json_object())) ||
	    (rc = obj_set(attrs, "approval", json_null())) ||
	    (rc = obj_set(attrs, "registry", json_string(e->registry))) ||
	    (rc = obj_set(attrs, "files", json_integer((json_int_t)fl.n))) ||
	    (rc = obj_set(attrs, "bytes", json_integer((json_int_t)d.bytes))) ||
	    (rc = dir_details(e, &fl, attrs)))
		goto out;
	/* The payload leaves out the newest mtime: touching or copying the
	 * files is not a new version of the model, changing a byte is. */
	if (!(payload = json_copy(attrs)) || json_object_del(payload, "updated")) {
		rc = nomem();
		goto out;
	}
	rc = emit_entry(e, name, version, attrs, payload, d.newest);
out:
	json_decref(payload);
	json_decref(attrs);
	file_list_free(&fl);
	free(key);
	return rc;
}

/* ------------------------------------------------------------------ */
/* entry points                                                        */

static int emit_init(struct emit *e, struct collect_ctx *c, const char *source,
		     enum pii_mode pii, struct collect_result *r, const char *registry)
{
	memset(e, 0, sizeof(*e));
	e->c = c;
	e->source = source;
	e->mode = pii;
	e->r = r;
	e->registry = registry;
	e->key_prefix = strcmp(registry, "directory") ? "" : "dir:";
	/* The run's detectors when it has them; compiling them is not free. */
	if (c->pii) {
		e->pii = c->pii;
		return 0;
	}
	e->own_pii = true;
	return pii_new(&e->pii, c->secret);
}

static void emit_done(struct emit *e)
{
	if (e->own_pii)
		pii_free(e->pii);
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
	else if (!strncmp(path, "file:", 5) && local_path(path, local, sizeof(local)))
		path = local;
	if (stat(path, &st) < 0)
		return err_set(ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return err_set(ERR_IO, "'%s' is neither an MLflow SQLite database nor an"
			       " MLflow file store", path);
	if ((rc = emit_init(&e, c, source, pii, r,
			    S_ISDIR(st.st_mode) ? "mlflow-file" : "mlflow-sqlite")))
		return rc;
	rc = S_ISDIR(st.st_mode) ? fs_collect(&e, path) : sql_collect(&e, path, st.st_size);
	emit_done(&e);
	return rc;
}

int model_collect_dir(struct collect_ctx *c, const char *source,
		      const char *dir, const char *name, const char *version,
		      enum pii_mode pii, struct collect_result *r)
{
	struct emit e;
	struct stat st;
	int rc;

	if (!name || !*name || !version || !*version)
		return err_set(ERR_USAGE, "a model directory needs a name and a version");
	if (stat(dir, &st) < 0)
		return err_set(ERR_IO, "cannot open '%s': %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_set(ERR_IO, "'%s' is not a directory", dir);
	if ((rc = emit_init(&e, c, source, pii, r, "directory")))
		return rc;
	rc = dir_collect(&e, dir, name, version);
	emit_done(&e);
	return rc;
}
