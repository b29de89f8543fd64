/*
 * Fuzz target: model_safetensors_parse(), the JSON header of a safetensors
 * file.  The first 8 bytes (little-endian, as in the file) give the size
 * of the data section the header's offsets must fit in; the rest is the
 * header.  Seeds and regression inputs: tests/fuzz/corpus/safetensors/.
 */
#include <stdint.h>
#include <string.h>

#include "../../collectors/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_safetensors st;
	uint64_t data_len = 0;

	if (size < 8)
		return 0;
	for (int i = 7; i >= 0; i--)
		data_len = data_len << 8 | data[i];
	memset(&st, 0, sizeof(st));
	if (model_safetensors_parse(&st, (const char *)data + 8, size - 8, data_len,
				    "model.safetensors") == 0)
		model_safetensors_free(&st);
	return 0;
}
