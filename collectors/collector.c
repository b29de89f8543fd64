/*
 * collector.c - what collectors share beyond collector.h's structs: the
 * names of the PII modes.
 */
#include "collector.h"

#include <string.h>

static const char *const mode_names[] = {
	[PII_PSEUDONYMISE] = "pseudonymise",
	[PII_REDACT] = "redact",
	[PII_KEEP] = "keep",
};

const char *pii_mode_name(enum pii_mode m)
{
	return (unsigned)m < sizeof(mode_names) / sizeof(mode_names[0]) ? mode_names[m] : "unknown";
}

bool pii_mode_from_name(const char *s, enum pii_mode *out)
{
	for (size_t i = 0; s && i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (!strcmp(s, mode_names[i])) {
			*out = (enum pii_mode)i;
			return true;
		}
	return false;
}
