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
	size_t la = strlen(a), lb = strlen(b), d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
		return SIZE_MAX;
	/* Optimal string alignment: a swap of neighbours ("gpdr") is one edit. */
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (fold(a[i - 1]) != fold(b[j - 1]));

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
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
