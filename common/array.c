#include "array.h"
#include "err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int array_grow(void *vp, size_t n, size_t *cap, size_t size)
{
	size_t want;
	void *v, *nv;

	if (n < *cap)
		return 0;
	want = n < 8 ? 16 : n * 2;
	if (n > SIZE_MAX / 2 || !size || want > SIZE_MAX / size)
		return err_set(ERR_NOMEM, "array size overflow");
	memcpy(&v, vp, sizeof(v));
	if (!(nv = realloc(v, want * size)))
		return err_nomem();
	memcpy(vp, &nv, sizeof(nv));
	*cap = want;
	return 0;
}
