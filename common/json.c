#include "json.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>

int json_stable(struct buf *out, const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	int rc;

	if (!s)
		return err_set(ERR_NOMEM, "cannot encode JSON");
	rc = buf_puts(out, s);
	free(s);
	return rc;
}

int json_set(json_t *o, const char *key, json_t *v)
{
	if (!v || json_object_set_new(o, key, v))
		return err_nomem();
	return 0;
}

int json_push(json_t *a, json_t *v)
{
	if (!v || json_array_append_new(a, v))
		return err_nomem();
	return 0;
}
