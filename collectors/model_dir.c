/*
 * model_dir.c - model_collect_dir(): one model directory with its
 * config.json fields, README.md card front matter and safetensors headers.
 */
#include "model.h"
#include "model_internal.h"
#include "pii.h"
#include "../common/buf.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/json.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
		rc = err_nomem();
		goto out;
	}
	for (const char *const *f = config_fields; *f; f++)
		if ((v = json_object_get(cfg, *f)) && (rc = json_set(*out, *f, json_incref(v))))
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
		rc = err_nomem();
	else
		rc = fs_read_full(fd, s, CARD_MAX, &got, path);
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
	if ((rc = model_scrub_tree(e, doc, path)))
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
		rc = (v = json_null()) ? 0 : err_nomem();
	if (rc || (rc = json_set(attrs, "config", v)))
		return rc;
	if (readme)
		rc = card_json(e, readme, &card);
	else
		rc = (card = json_null()) ? 0 : err_nomem();
	if (rc)
		return rc;
	if ((rc = json_set(attrs, "dataset", card_dataset(card))) ||
	    (rc = json_set(attrs, "card", card)) ||
	    (rc = json_set(attrs, "model_card", readme ? json_string("README.md") : json_null())) ||
	    (rc = model_safetensors_json(e, fl, &v)))
		return rc;
	return json_set(attrs, "safetensors", v);
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
	if ((rc = model_list_files(&fl, abs)))
		goto out;
	if (!fl.n) {
		rc = err_set(ERR_PARSE, "'%s' holds no files: not a model directory", dir);
		goto out;
	}
	if (!(key = model_version_key(e, name, version, "#files")) || !(attrs = json_object())) {
		rc = err_nomem();
		goto out;
	}
	if ((rc = model_digest_files(&d, e->c, e->source, key, &fl)) ||
	    (rc = json_set(attrs, "artifacts", d.files)) ||
	    (rc = json_set(attrs, "name", json_string(name))) ||
	    (rc = json_set(attrs, "version", json_string(version))) ||
	    (rc = json_set(attrs, "stage", json_null())) ||
	    (rc = json_set(attrs, "aliases", json_array())) ||
	    (rc = model_scrub(e, abs, strlen(abs), "the path", &v)) ||
	    (rc = json_set(attrs, "source", v)) ||
	    (rc = json_set(attrs, "run_id", json_null())) ||
	    (rc = json_set(attrs, "creator", json_null())) ||
	    (rc = json_set(attrs, "created", json_null())) ||
	    (rc = json_set(attrs, "updated", model_time_json(true, d.newest))) ||
	    (rc = json_set(attrs, "status", json_null())) ||
	    (rc = json_set(attrs, "tags", json_object())) ||
	    (rc = json_set(attrs, "approval", json_null())) ||
	    (rc = json_set(attrs, "registry", json_string(e->registry))) ||
	    (rc = json_set(attrs, "files", json_integer((json_int_t)fl.n))) ||
	    (rc = json_set(attrs, "bytes", json_integer((json_int_t)d.bytes))) ||
	    (rc = dir_details(e, &fl, attrs)))
		goto out;
	/* The payload leaves out the newest mtime: touching or copying the
	 * files is not a new version of the model, changing a byte is. */
	if (!(payload = json_copy(attrs)) || json_object_del(payload, "updated")) {
		rc = err_nomem();
		goto out;
	}
	rc = model_emit_entry(e, name, version, attrs, payload, d.newest);
out:
	json_decref(payload);
	json_decref(attrs);
	model_file_list_free(&fl);
	free(key);
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
	if ((rc = model_emit_init(&e, c, source, pii, r, "directory")))
		return rc;
	rc = dir_collect(&e, dir, name, version);
	model_emit_done(&e);
	return rc;
}
