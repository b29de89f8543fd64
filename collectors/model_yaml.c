/*
 * model_yaml.c - MLflow meta.yaml and model card front matter into JSON,
 * through common/yamlutil's yaml_to_json().
 */
#include "model.h"
#include "model_internal.h"
#include "../common/yamlutil.h"
#include "../common/buf.h"
#include "../common/err.h"
#include "../common/fsutil.h"

#include <stdlib.h>

#include <yaml.h>

/* ------------------------------------------------------------------ */
/* YAML -> JSON                                                        */

int model_yaml_parse(json_t **out, const char *buf, size_t len,
		     const char *name, unsigned line_offset)
{
	return yaml_to_json(out, buf, len, name, line_offset);
}

/* A YAML file whose root must be a mapping (MLflow's meta.yaml). */
int model_yaml_read_map(json_t **out, const char *path)
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
