#include "suggest.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#define SUGGEST_MAX 64

static int fold(char c)
{
	return c == '_' ? '-' : tolower((unsigned char)c);
}

size_t suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[SUGGEST_MAX + 1];

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (fold(a[i - 1]) != fold(b[j - 1]));

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

void suggest_init(struct suggest *s, const char *typed)
{
	size_t n = strlen(typed);

	s->typed = typed;
	s->best = NULL;
	/* The most edits worth suggesting for, plus one. */
	s->dist = (n / 3 < 1 ? 1 : n / 3 > 3 ? 3 : n / 3) + 1;
}

void suggest_offer(struct suggest *s, const char *name)
{
	size_t d;

	if (!name || !*name)
		return;
	d = suggest_distance(s->typed, name);
	if (d < s->dist) {
		s->dist = d;
		s->best = name;
	}
}
