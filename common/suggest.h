/*
 * suggest.h - "did you mean": the nearest of some names to what was typed.
 */
#ifndef AUDITPACK_SUGGEST_H
#define AUDITPACK_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

/* Edit distance (Levenshtein, a swap of neighbours counting one) between a and b, ignoring case and treating '_' as
 * '-'; strings longer than 64 bytes compare as far apart (SIZE_MAX). */
size_t suggest_distance(const char *a, const char *b);

/* Keeps the best candidate seen so far: feed every name with
 * suggest_offer(), then read best (NULL when none was close enough: within
 * a third of the typed length, at least 1, at most 3 edits). */
struct suggest {
	const char *typed;
	const char *best;
	size_t dist;
};

void suggest_init(struct suggest *s, const char *typed);
void suggest_offer(struct suggest *s, const char *name);

#endif
