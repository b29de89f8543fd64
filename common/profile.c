#include "profile.h"
#include "err.h"
#include "timeutil.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const profile_ai_risks[AI_RISK_COUNT] = {
	[AI_RISK_HIGH] = "high-risk", [AI_RISK_HIGH_PRODUCT] = "high-risk-product",
	[AI_RISK_LIMITED] = "limited", [AI_RISK_MINIMAL] = "minimal",
	[AI_RISK_GPAI] = "gpai", [AI_RISK_GPAI_SYSTEMIC] = "gpai-systemic",
};

const char *const profile_retention_kinds[PROFILE_RETENTION_KINDS] = {
	"access-log", "document", "attestation",
};

static void free_list(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void profile_free(struct profile *p)
{
	free_list(p->frameworks);
	free_list(p->residency);
	free(p->sebi_category);
	free(p->file);
	free(p->fw_pos);
	free(p->res_pos);
	memset(p, 0, sizeof(*p));
}

int profile_at(const struct profile *p, const int pos[2], const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(ERR_PARSE, "%s:%d:%d: %s", p->file ? p->file : "auditpack.yaml",
		       pos[0], pos[1], msg);
}

bool profile_in_scope(const struct profile *p, const char *framework)
{
	if (!p || !p->frameworks)
		return true;
	for (size_t i = 0; p->frameworks[i]; i++)
		if (!strcmp(p->frameworks[i], framework))
			return true;
	return false;
}

int profile_retention_kind(const char *kind)
{
	for (int i = 0; i < PROFILE_RETENTION_KINDS; i++)
		if (!strcmp(kind, profile_retention_kinds[i]))
			return i;
	return -1;
}

int period_parse(struct period *out, const char *s)
{
	char *end;
	unsigned long long n;

	memset(out, 0, sizeof(*out));
	if (*s < '0' || *s > '9')
		return err_set(ERR_PARSE, "'%s' is not a period like 2y, 6mo or 400d", s);
	n = strtoull(s, &end, 10);
	if (!strcmp(end, "y") && n > 0 && n <= 100) {
		out->months = (unsigned)n * 12;
		return 0;
	}
	if (!strcmp(end, "mo") && n > 0 && n <= 1200) {
		out->months = (unsigned)n;
		return 0;
	}
	if (!*end || duration_parse(&out->seconds, s) || out->seconds <= 0)
		return err_set(ERR_PARSE, "'%s' is not a period like 2y, 6mo or 400d", s);
	return 0;
}

int64_t period_before(int64_t t, const struct period *sp)
{
	return sp->months ? time_minus_months(t, sp->months) : t - sp->seconds;
}

bool period_longer(const struct period *a, const struct period *b, int64_t t)
{
	return period_before(t, a) < period_before(t, b);
}

void period_str(char *out, size_t cap, const struct period *sp)
{
	if (sp->months && sp->months % 12 == 0)
		snprintf(out, cap, "%u year%s", sp->months / 12, sp->months == 12 ? "" : "s");
	else if (sp->months)
		snprintf(out, cap, "%u month%s", sp->months, sp->months == 1 ? "" : "s");
	else
		snprintf(out, cap, "%" PRId64 " days", sp->seconds / 86400);
}
