/*
 * model.h - the model collector: one "model-version" entry per model
 * version whose metadata changed since the last run.
 *
 * Sources: an MLflow registry SQLite database (opened read-only), an
 * MLflow file store (mlruns/models/...), or a model directory on disk
 * (Hugging Face layout: config.json, README.md model card, *.safetensors).
 *
 * For each version the collector builds a canonical metadata JSON (the
 * payload; stable key order, tags and aliases sorted, personal data
 * replaced as the pii mode says) and keeps its SHA-256 in the cursor
 * "<name>/<version>" of the source.  An entry is appended only when there
 * is no cursor or the digest differs; every other version counts in
 * r->unchanged.  File digests of local artifacts are cached in the cursor
 * "<name>/<version>#files" (size, mtime, ctime, inode), so an unchanged
 * multi-gigabyte model is not read again on every run.  model_collect_dir
 * uses "dir:<name>/<version>" and "dir:<name>/<version>#files", so a
 * registry and a directory collected under one source name stay apart.
 *
 * attrs (JSON object, keys always present, null when unknown): name,
 * version, stage, aliases, source, run_id, creator, created, updated,
 * status, tags, approval, dataset, model_card, artifacts, registry
 * ("mlflow-sqlite" | "mlflow-file" | "directory"); model_collect_dir adds
 * files, bytes, config, card, safetensors.
 *
 * Both collectors run inside the caller's store transaction
 * (collector.h), never print, and report with err_set(): ERR_IO for a path
 * that cannot be read, ERR_PARSE for input that is not what it should be
 * (naming file:line:column where there is one), ERR_DB when SQLite fails
 * part way through, ERR_LIMIT for input over a size bound.
 */
#ifndef AUDITPACK_MODEL_H
#define AUDITPACK_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "collector.h"

/* A safetensors header (the JSON after the 8-byte length) may not be
 * larger than this. */
#define MODEL_SAFETENSORS_HEADER_MAX ((uint64_t)100 << 20)
/* A model directory may not hold more regular files than this. */
#define MODEL_DIR_MAX_FILES 100000

/*
 * Collect every version of every registered model in `path`: an MLflow
 * SQLite database (also given as "sqlite:///path") or an MLflow file
 * store directory (the one holding models/).  `source` names the entries
 * and the cursors.  The database is opened read-only and never written.
 */
int model_collect_mlflow(struct collect_ctx *c, const char *source,
			 const char *path, enum pii_mode pii,
			 struct collect_result *r);

/*
 * Collect one model directory as version `version` of model `name`:
 * every regular file's SHA-256 (sorted by relative path; symlinks to
 * files are followed; symlinked directories and .git/, .hg/, .svn/ are not:
 * common/fswalk.h), selected
 * config.json fields, the README.md front matter and the safetensors
 * headers.
 */
int model_collect_dir(struct collect_ctx *c, const char *source,
		      const char *dir, const char *name, const char *version,
		      enum pii_mode pii, struct collect_result *r);

/* --- parsers, exposed for tests and fuzz targets --- */

struct model_safetensors {
	uint64_t tensors;
	uint64_t parameters;
	json_t *dtypes;   /* object: dtype -> tensor count (owned) */
	json_t *metadata; /* the __metadata__ object, or NULL (owned) */
};

/*
 * Parse the JSON header of a safetensors file: `hdr` is the `len` bytes
 * after the 8-byte length, `data_len` the size of the data section after
 * them.  Every tensor must have a known-shape dtype, a shape of
 * non-negative integers and data_offsets within the data section that
 * match dtype and shape.  `name` names the file in errors.  On success
 * `out` owns its JSON; release it with model_safetensors_free().
 * 0 or ERR_PARSE.
 */
int model_safetensors_parse(struct model_safetensors *out, const char *hdr,
			    size_t len, uint64_t data_len, const char *name);
void model_safetensors_free(struct model_safetensors *st);

/*
 * Parse the first YAML document of buf[0..len) into JSON: mappings become
 * objects (scalar keys only), sequences arrays, plain scalars null, bools,
 * integers, reals or strings (YAML 1.2 core schema), quoted scalars
 * strings.  Aliases are refused, nesting is capped.  Errors name
 * "<name>:<line>:<column>" with `line_offset` added to the line (for YAML
 * cut out of a larger file).  An empty stream gives JSON null.  *out is
 * owned by the caller (json_decref).  0 or ERR_PARSE.
 */
int model_yaml_parse(json_t **out, const char *buf, size_t len,
		     const char *name, unsigned line_offset);

#endif
