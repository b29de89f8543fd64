#include "report.h"

const struct pack_entry *report_entry_find(const struct report_ctx *r, uint64_t index)
{
	size_t lo = 0, hi = r->nentries;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t at = r->entries[mid].e ? r->entries[mid].e->index : 0;

		if (at == index)
			return &r->entries[mid];
		if (at < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
