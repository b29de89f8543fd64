/*
 * Fuzz target: model_yaml_parse(), the YAML-to-JSON reader of MLflow
 * MLmodel and meta.yaml files.  The result, when there is one, must be
 * JSON that jansson can write out.  Seeds and regression inputs:
 * tests/fuzz/corpus/model_yaml/.
 */
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "../../collectors/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = NULL;

	if (model_yaml_parse(&j, (const char *)data, size, "MLmodel", 0) == 0) {
		char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_SORT_KEYS);

		if (!s)
			abort();
		free(s);
		json_decref(j);
	} else if (j) {
		abort(); /* an error leaves nothing to free */
	}
	return 0;
}
