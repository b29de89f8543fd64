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
