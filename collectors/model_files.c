/*
 * model_files.c - the regular files of a model directory and their SHA-256
 * digests, cached per version in a "#files" cursor.
 */
#include "model.h"
#include "model_internal.h"
#include "../common/fswalk.h"
#include "../common/buf.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/hash.h"
#include "../common/json.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ */
/* file trees and their digests                                        */

void model_file_list_free(struct file_list *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		free(fl->v[i].rel);
		free(fl->v[i].abs);
	}
	free(fl->v);
	memset(fl, 0, sizeof(*fl));
}

int model_file_list_add(struct file_list *fl, const char *rel, const char *abs)
{
	struct file_item *v;

	if (fl->n >= MODEL_DIR_MAX_FILES)
		return err_set(ERR_LIMIT, "too many files: '%s' is past the limit of %d",
			       abs, MODEL_DIR_MAX_FILES);
	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? 2 * fl->cap : 64;

		if (!(v = reallocarray(fl->v, cap, sizeof(*v))))
			return err_nomem();
		fl->v = v;
		fl->cap = cap;
	}
	fl->v[fl->n].rel = strdup(rel);
	fl->v[fl->n].abs = strdup(abs);
	if (!fl->v[fl->n].rel || !fl->v[fl->n].abs) {
		free(fl->v[fl->n].rel);
		free(fl->v[fl->n].abs);
		return err_nomem();
	}
	fl->n++;
	return 0;
}

static int file_item_cmp(const void *a, const void *b)
{
	return strcmp(((const struct file_item *)a)->rel, ((const struct file_item *)b)->rel);
}

/* One entry of a model directory (common/fswalk's policy: symlinked
 * directories and version control are not walked): regular files and
 * symlinks to them are listed. */
static int walk_entry(void *arg, const struct fs_walk_entry *e)
{
	if (e->kind == FS_WALK_FILE ||
	    (e->kind == FS_WALK_LINK && e->target == FS_TARGET_FILE))
		return model_file_list_add(arg, e->rel, e->path);
	return 0;
}

/* Every regular file under `dir`, sorted by relative path. */
int model_list_files(struct file_list *fl, const char *dir)
{
	int rc = fs_walk(dir, DIR_DEPTH_MAX, walk_entry, fl);

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
/* The digests of `fl`, reusing the ones in cache cursor `key` for files
 * whose identity has not changed, and writing the cursor back when it
 * did.  The cache is only an optimisation: a damaged one is ignored. */
int model_digest_files(struct digests *d, struct collect_ctx *c, const char *source,
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
		rc = err_nomem();
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
			if ((rc = fs_hash_file(hex, &st, fl->v[i].abs)))
				goto out;
			file_ident(ident, sizeof(ident), &st);
		}
		d->bytes += (uint64_t)st.st_size;
		if ((int64_t)st.st_mtim.tv_sec > d->newest)
			d->newest = (int64_t)st.st_mtim.tv_sec;
		if ((rc = json_set(d->files, fl->v[i].rel, json_string(hex))) ||
		    (rc = json_set(next, fl->v[i].rel, json_pack("[ss]", ident, hex))))
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
