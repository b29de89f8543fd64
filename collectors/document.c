#include "document.h"
#include "observe.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/hash.h"
#include "../common/encode.h"
#include "../common/json.h"
#include "../common/timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The path as given, made absolute (symlinks are not resolved: the attrs
 * record where the document was taken from).  0 or ERR_LIMIT. */
static int absolute_path(char *out, size_t cap, const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/')
		return snprintf(out, cap, "%s", path) < (int)cap ? 0 : ERR_LIMIT;
	if (!getcwd(cwd, sizeof(cwd)))
		return ERR_LIMIT;
	return fs_join(out, cap, cwd, path);
}

/* hex: the payload's SHA-256 (observe_check_digest() computed it). */
static int build_attrs(struct buf *out, const struct document_opts *o,
		       const char *path, const struct buf *data, const char *hex,
		       int64_t mtime)
{
	char abs[PATH_MAX], mt[RFC3339_LEN], *base, *copy;
	json_t *a;
	int rc;

	/* A modification time outside the documented range is not written. */
	if (!time_in_range(mtime) || time_format(mt, mtime))
		mt[0] = '\0';
	if (absolute_path(abs, sizeof(abs), path))
		return err_set(ERR_LIMIT, "path too long: '%s'", path);
	if (!(copy = strdup(path)))
		return err_set(ERR_NOMEM, "out of memory");
	base = basename(copy);
	a = json_pack("{s:s, s:s, s:I, s:s, s:o}", "name", base, "path", abs,
		      "size", (json_int_t)data->len, "sha256", hex,
		      "modified", *mt ? json_string(mt) : json_null());
	free(copy);
	if (!a)
		return err_set(ERR_NOMEM, "out of memory");
	if (o->type)
		json_object_set_new(a, "type", json_string(o->type));
	rc = json_stable(out, a);
	json_decref(a);
	return rc;
}

static int collect_one(struct collect_ctx *c, const struct document_opts *o,
		       const char *path, uint64_t *index, bool *unchanged)
{
	struct buf data = BUF_INIT, attrs = BUF_INIT;
	char key[PATH_MAX + 8];
	struct observed ob;
	struct observe_digest d = { .done = false };
	struct entry_input in;
	struct stat st;
	uint64_t idx;
	int rc;

	memcpy(key, "seen:", 5);
	if (absolute_path(key + 5, sizeof(key) - 5, path))
		return err_set(ERR_LIMIT, "path too long: '%s'", path);
	if ((rc = fs_read_file(&data, path, DOCUMENT_MAX_BYTES, &st)))
		goto out;
	/* The same bytes as last time: no second copy, one re-observation. */
	ob = (struct observed){ o->source, key, o->kind, o->type ? o->type : "",
				data.data ? data.data : "", data.len };
	if ((rc = observe_check_digest(c, &ob, &d, unchanged, &idx)))
		goto out;
	if (*unchanged) {
		if (index)
			*index = idx;
		goto out;
	}
	if ((rc = build_attrs(&attrs, o, path, &data, d.sha256_hex, (int64_t)st.st_mtime)))
		goto out;
	memset(&in, 0, sizeof(in));
	in.kind = o->kind;
	in.source = o->source;
	in.subject = NULL;
	/* A document speaks for itself as last modified, up to when we took it. */
	in.eff_from = time_in_range((int64_t)st.st_mtime) && (int64_t)st.st_mtime < c->now
		      ? (int64_t)st.st_mtime : c->now;
	in.eff_to = c->now;
	in.collected = c->now;
	in.attrs = attrs.data;
	in.attrs_len = attrs.len;
	in.payload = data.data ? data.data : "";
	in.payload_len = data.len;
	in.payload_sha256 = d.sha256;
	if (!(rc = store_append(c->store, &in, &idx)) && index)
		*index = idx;
	if (!rc)
		rc = observe_recorded_digest(c, &ob, &d, idx);
out:
	buf_free(&data);
	buf_free(&attrs);
	return rc;
}

int document_collect(struct collect_ctx *c, const struct document_opts *o,
		     char *const *paths, size_t n, uint64_t *indices,
		     struct collect_result *r)
{
	int rc;

	if (strcmp(o->kind, "document") && strcmp(o->kind, "attestation"))
		return err_set(ERR_USAGE, "--kind must be document or attestation, not '%s'",
			       o->kind);
	for (size_t i = 0; i < n; i++) {
		bool unchanged;

		if ((rc = collect_one(c, o, paths[i], indices ? &indices[i] : NULL, &unchanged)))
			return rc;
		if (unchanged)
			r->unchanged++;
		else
			r->entries++;
	}
	return 0;
}
