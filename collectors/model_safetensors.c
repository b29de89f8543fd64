/*
 * model_safetensors.c - safetensors headers: parsed, read from a file,
 * and summed over the files of a model directory.
 */
#include "model.h"
#include "model_internal.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/json.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	return json_set(st->dtypes, dtype, json_integer((json_int_t)(n + 1)));
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
		rc = err_nomem();
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
	if (fstat(fd, &sb) < 0) {
		rc = err_set(ERR_IO, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if ((rc = fs_read_full(fd, len8, 8, &got, path)))
		goto out;
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
		rc = err_nomem();
		goto out;
	}
	if (fs_read_full(fd, hdr, (size_t)n, &got, path) || got != n) {
		rc = err_set(ERR_PARSE, "%s: malformed safetensors header: truncated", path);
		goto out;
	}
	rc = model_safetensors_parse(st, hdr, (size_t)n, size - 8 - n, path);
out:
	free(hdr);
	close(fd);
	return rc;
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

		if (json_set(sum->dtypes, k, json_integer(n + json_integer_value(v))))
			return err_nomem();
	}
	/* Shards repeat the same metadata; the first file's value wins. */
	json_object_foreach(st->metadata, k, v)
		if (!json_object_get(sum->metadata, k) && json_set(sum->metadata, k, json_incref(v)))
			return err_nomem();
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

int model_safetensors_json(const struct emit *e, const struct file_list *fl, json_t **out)
{
	struct st_sum sum = { 0 };
	int rc = 0;

	*out = NULL;
	if (!(sum.dtypes = json_object()) || !(sum.metadata = json_object())) {
		rc = err_nomem();
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
	if ((rc = model_scrub_tree(e, sum.metadata, "safetensors metadata")))
		goto out;
	*out = json_pack("{sI sI sI sO sO}", "files", (json_int_t)sum.files,
			 "tensors", (json_int_t)sum.tensors,
			 "parameters", (json_int_t)sum.parameters,
			 "dtypes", sum.dtypes, "metadata", sum.metadata);
	if (!*out)
		rc = err_nomem();
out:
	json_decref(sum.dtypes);
	json_decref(sum.metadata);
	return rc;
}
