/*
 * model_internal.h - what the pieces of the model collector share.  Not a
 * public interface: only collectors/model*.c include it (model.h is the
 * public one).
 *
 *   model.c              small helpers and entry building: one version's
 *                        attrs and payload in, at most one entry out
 *   model_yaml.c         model_yaml_parse() (MLflow meta.yaml, card front
 *                        matter) and reading one YAML mapping file
 *   model_safetensors.c  safetensors headers: parse, read, summarise
 *   model_files.c        the regular files of a model directory and their
 *                        SHA-256 digests (with the per-version cache)
 *   model_mlflow.c       MLflow: the SQLite registry and the file store
 *   model_dir.c          model directories: config.json, README.md card
 *
 * Every function returns 0 or a negative enum err with err_set() done;
 * JSON results are new references owned by the caller.
 */
#ifndef AUDITPACK_MODEL_INTERNAL_H
#define AUDITPACK_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model.h"
#include "pii.h"

#define META_MAX ((size_t)1 << 20)     /* meta.yaml */
#define TAG_MAX ((size_t)1 << 20)      /* one tag or alias file */
#define CONFIG_MAX ((size_t)16 << 20)  /* config.json */
#define CARD_MAX ((size_t)1 << 20)     /* README.md front matter */
#define DIR_DEPTH_MAX 64

/* The files of a model directory: path relative to it and absolute. */
struct file_item {
	char *rel, *abs;
};

struct file_list {
	struct file_item *v;
	size_t n, cap;
};

struct digests {
	json_t *files;    /* rel -> hex */
	uint64_t bytes;
	int64_t newest;   /* latest mtime */
};

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

/* ---- model.c: helpers ---- */

/* A JSON string from bytes that must be UTF-8; `what` names them in the
 * error.  0, ERR_PARSE or ERR_NOMEM. */
int model_json_text(json_t **out, const char *s, size_t n, const char *what);

/* Text of a scalar read from YAML or SQLite (strings as they are, numbers
 * and booleans formatted into tmp); NULL for null, "" and containers. */
const char *model_raw_text(const json_t *v, char *tmp, size_t cap);

/* An RFC 3339 string for t (seconds), or JSON null when !known. */
json_t *model_time_json(bool known, int64_t t);

/* "file:///p", "file://localhost/p", "file:/p" or "/p" -> "/p"
 * (percent-decoded); false for anything not on this machine. */
bool model_local_path(const char *src, char *out, size_t cap);

/* ---- model.c: entry building ---- */

/* Set up e for one run (the run's PII detectors, or its own); pair with
 * model_emit_done(). */
int model_emit_init(struct emit *e, struct collect_ctx *c, const char *source,
		    enum pii_mode pii, struct collect_result *r, const char *registry);
void model_emit_done(struct emit *e);

/* The cursor key of a version ("dir:" in front for directories), with
 * suffix ("" or "#files") appended; malloc'd, NULL when out of memory. */
char *model_version_key(const struct emit *e, const char *name, const char *version,
			const char *suffix);

/* Free text as the pii mode says (secrets always go), as a JSON string. */
int model_scrub(const struct emit *e, const char *s, size_t n, const char *what,
		json_t **out);
/* Every string in a JSON tree, scrubbed in place. */
int model_scrub_tree(const struct emit *e, json_t *v, const char *what);

/* Append an entry for version name/version when the payload's digest is
 * not the one in the cursor (else count it in r->unchanged). */
int model_emit_entry(const struct emit *e, const char *name, const char *version,
		     const json_t *attrs, const json_t *payload, int64_t eff_from);

/* One MLflow version from its raw fields (meta.yaml names, "tags",
 * "aliases", "model_description", "model_tags"); `where` names the input
 * in errors. */
int model_mlflow_emit(const struct emit *e, const json_t *raw, const char *where);

/* ---- model_yaml.c ---- */

/* The YAML mapping in file `path` (at most META_MAX bytes) as a JSON
 * object. */
int model_yaml_read_map(json_t **out, const char *path);

/* ---- model_safetensors.c ---- */

/* The summary of every *.safetensors file in fl (files, tensors,
 * parameters, dtypes, metadata), or JSON null when there is none. */
int model_safetensors_json(const struct emit *e, const struct file_list *fl,
			   json_t **out);

/* ---- model_files.c ---- */

void model_file_list_free(struct file_list *fl);
int model_file_list_add(struct file_list *fl, const char *rel, const char *abs);

/* Every regular file under dir, sorted by relative path (symlinks to
 * files followed; symlinked directories and .git/ are not). */
int model_list_files(struct file_list *fl, const char *dir);

/* The digests of fl, reusing the ones in cache cursor `key` for files
 * whose identity has not changed, and writing the cursor back when it
 * did. */
int model_digest_files(struct digests *d, struct collect_ctx *c, const char *source,
		       const char *key, const struct file_list *fl);

#endif
