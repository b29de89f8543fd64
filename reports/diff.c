#include "diff.h"
#include "../common/buf.h"
#include "../common/err.h"
#include "../common/fsutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <zip.h>

#define PACK_ASSESSMENT "reports/assessment.json"

static int read_pack(struct buf *out, const char *path)
{
	zip_t *za;
	zip_file_t *zf = NULL;
	zip_stat_t zs;
	zip_int64_t n;
	int zerr, rc = 0;
	char extra;

	if (!(za = zip_open(path, ZIP_RDONLY, &zerr)))
		return err_set(ERR_PARSE, "'%s': not an assess --json file nor a readable pack",
			       path);
	zip_stat_init(&zs);
	if (zip_stat(za, PACK_ASSESSMENT, 0, &zs) < 0 || !(zs.valid & ZIP_STAT_SIZE)) {
		rc = err_set(ERR_PARSE, "'%s': the pack holds no %s", path, PACK_ASSESSMENT);
		goto out;
	}
	if (zs.size > DIFF_MAX_BYTES) {
		rc = err_set(ERR_LIMIT, "'%s': %s is larger than %zu MiB", path, PACK_ASSESSMENT,
			     DIFF_MAX_BYTES >> 20);
		goto out;
	}
	if (!(zf = zip_fopen(za, PACK_ASSESSMENT, 0))) {
		rc = err_set(ERR_PARSE, "'%s': cannot open %s: %s", path, PACK_ASSESSMENT,
			     zip_strerror(za));
		goto out;
	}
	if ((rc = buf_grow(out, (size_t)zs.size)))
		goto out;
	n = zip_fread(zf, out->data, zs.size);
	if (n < 0 || (zip_uint64_t)n != zs.size || zip_fread(zf, &extra, 1) != 0) {
		rc = err_set(ERR_PARSE, "'%s': %s does not decompress to its stated size", path,
			     PACK_ASSESSMENT);
		goto out;
	}
	out->len = (size_t)n;
out:
	if (zf)
		zip_fclose(zf);
	zip_discard(za);
	return rc;
}

/* 1: a zip, 0: not, or ERR_IO. */
static int is_zip(const char *path)
{
	char magic[4];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return err_set(ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	n = fread(magic, 1, sizeof(magic), f);
	fclose(f);
	return n == 4 && !memcmp(magic, "PK\003\004", 4);
}

int diff_load(json_t **out, const char *path)
{
	struct buf b = BUF_INIT;
	json_error_t je;
	int rc;

	*out = NULL;
	if ((rc = is_zip(path)) < 0)
		return rc;
	if ((rc = rc ? read_pack(&b, path) : fs_read_file(&b, path, DIFF_MAX_BYTES, NULL))) {
		buf_free(&b);
		return rc;
	}
	*out = json_loadb(b.data ? b.data : "", b.len, 0, &je);
	buf_free(&b);
	if (!*out)
		return err_set(ERR_PARSE, "%s:%d: not JSON: %s", path, je.line, je.text);
	if (!json_is_array(json_object_get(*out, "findings"))) {
		json_decref(*out);
		*out = NULL;
		return err_set(ERR_PARSE, "%s: no \"findings\" list: not the output of 'assess "
			       "--json' (or made before findings existed)", path);
	}
	return 0;
}

static json_t *find(const json_t *list, const char *id)
{
	size_t i;
	json_t *f;

	json_array_foreach(list, i, f)
		if (json_is_string(json_object_get(f, "id")) &&
		    !strcmp(json_string_value(json_object_get(f, "id")), id))
			return f;
	return NULL;
}

json_t *diff_findings(const json_t *old_doc, const json_t *new_doc, size_t *nnew)
{
	json_t *o = json_object_get(old_doc, "findings"), *n = json_object_get(new_doc, "findings");
	json_t *res = json_pack("{s:[], s:[], s:[]}", "new", "resolved", "persisting"), *f;
	size_t i;

	if (!res)
		return NULL;
	json_array_foreach(n, i, f) {
		const char *id = json_string_value(json_object_get(f, "id"));

		if (id)
			json_array_append(json_object_get(res, find(o, id) ? "persisting" : "new"), f);
	}
	json_array_foreach(o, i, f) {
		const char *id = json_string_value(json_object_get(f, "id"));

		if (id && !find(n, id))
			json_array_append(json_object_get(res, "resolved"), f);
	}
	*nnew = json_array_size(json_object_get(res, "new"));
	return res;
}
