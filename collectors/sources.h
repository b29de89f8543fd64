/*
 * sources.h - STORE/auditpack.yaml: the origin, the witness directory and
 * the sources `auditpack collect` runs.  Parsed with libyaml; every error
 * names file:line:column and what was expected.
 */
#ifndef AUDITPACK_SOURCES_H
#define AUDITPACK_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/profile.h"
#include "collector.h"
#include "logfmt.h"

enum source_type {
	SOURCE_ACCESS_LOG,
	SOURCE_MODEL,
	SOURCE_CONFIG,
	SOURCE_COMMAND,
	SOURCE_DOCUMENT,
};

struct source {
	char *name;
	enum source_type type;
	int line;              /* where it is defined, for messages */
	char **paths;          /* access-log, config, document: NULL-terminated */
	enum logfmt format;    /* access-log */
	struct jsonl_fields fields;
	enum pii_mode pii;
	char *mlflow;          /* model: an MLflow DB or mlruns/ */
	char *model_dir;       /* model: a model directory, with model_name/version */
	char *model_name, *model_version;
	char **run;            /* command: argv, NULL-terminated */
	int64_t timeout;       /* command: seconds */
	char *output_type;     /* command: what the output is ("rbac"), or NULL */
	char *kind, *doc_type; /* document */
	bool optional;         /* access-log, config, document: paths may match
				* nothing (else a pattern matching no file is
				* an error: a typo must not disable a source) */
};

struct sources {
	char *origin;
	char *witness;
	struct profile profile; /* profile: and retention: */
	struct source *v;
	size_t n;
};

/* Parse a configuration held in memory; `file` names it in messages. */
int sources_parse(struct sources *out, const char *file, const char *buf, size_t len);
/* Read and parse a file; a missing file is ERR_IO. */
int sources_load(struct sources *out, const char *path);
void sources_free(struct sources *s);

/*
 * Only the top-level `witness:` line of a configuration held in memory,
 * read leniently (the rest may be malformed): what `verify` needs, so an
 * integrity check never depends on the rest of the file.  out (cap bytes)
 * is "" when there is none.  0, or ERR_LIMIT when it does not fit.
 */
int sources_witness_line(const char *buf, size_t len, char *out, size_t cap);

/*
 * Expand the globs among `paths` (n of them) into files, in order, each
 * pattern's matches sorted.  A path without glob characters is kept as
 * given (its collector reports it when missing) unless `optional` and it
 * does not exist.  A pattern matching nothing is ERR_IO naming it, unless
 * `optional`.  *out is NULL-terminated and owned by the caller
 * (sources_free_paths); *nout may be 0 when optional.
 */
int sources_expand_paths(char ***out, size_t *nout, char *const *paths, size_t n,
			 bool optional);
void sources_free_paths(char **v);

/* True when s holds a glob character (* ? [). */
bool sources_is_glob(const char *s);

const struct source *sources_find(const struct sources *s, const char *name);
const char *source_type_name(enum source_type t);

#endif
