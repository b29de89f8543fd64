/*
 * Fuzz target for the findings paths that read untrusted bytes: RBAC
 * command output (the Kubernetes List the RBAC checks parse), an assessment
 * given to `diff` (any JSON, compared with itself and with an empty one),
 * and the OSCAL XML-to-JSON mapping.  The first byte picks the parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../mappings/assess.h"
#include "../../reports/diff.h"
#include "../../reports/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[256];
	json_t *doc, *empty, *res;
	struct buf b = BUF_INIT;
	size_t n;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		json_decref(rbac_list_parse((const char *)data + 1, size - 1, why, sizeof(why)));
		break;
	case 1:
		doc = json_loadb((const char *)data + 1, size - 1, 0, NULL);
		empty = json_pack("{s:[]}", "findings");
		if (doc && (res = diff_findings(doc, doc, &n)))
			json_decref(res);
		if (doc && (res = diff_findings(empty, doc, &n)))
			json_decref(res);
		json_decref(doc);
		json_decref(empty);
		break;
	case 2:
		report_oscal_json(&b, (const char *)data + 1, size - 1);
		buf_free(&b);
		break;
	}
	return 0;
}
