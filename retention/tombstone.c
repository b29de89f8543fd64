#include "retention.h"
#include "../common/buf.h"
#include "../common/err.h"
#include "../common/json.h"

#include <string.h>

int tombstone_append(struct store *s, const char *source, int64_t now, json_t *attrs,
		     uint64_t *index)
{
	struct buf text = BUF_INIT;
	struct entry_input in;
	int rc;

	if ((rc = json_stable(&text, attrs)))
		return rc;
	memset(&in, 0, sizeof(in));
	in.kind = "tombstone";
	in.source = source;
	in.eff_from = in.eff_to = in.collected = now;
	in.attrs = text.data;
	in.attrs_len = text.len;
	in.payload = "";
	in.payload_len = 0;
	rc = store_append(s, &in, index);
	buf_free(&text);
	return rc;
}
