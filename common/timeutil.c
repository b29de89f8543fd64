#include "timeutil.h"
#include "err.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm: proleptic Gregorian, no timezone state. */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

int64_t time_from_civil(int64_t y, unsigned mo, unsigned d, unsigned h,
			unsigned mi, unsigned s)
{
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

int64_t time_now(void)
{
	const char *env = getenv("AUDITPACK_NOW");
	int64_t t;

	if (env && *env && time_parse_arg(&t, env) == 0)
		return t;
	return (int64_t)time(NULL);
}

struct civil {
	int64_t y;
	unsigned m, d, secs;
};

/* civil_from_days (H. Hinnant), plus the second of the day. */
static void civil_from_time(struct civil *c, int64_t t)
{
	int64_t z = (t >= 0 ? t : t - 86399) / 86400;
	int64_t era;
	unsigned doe, yoe, doy, mp;

	c->secs = (unsigned)(t - z * 86400);
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c->d = doy - (153 * mp + 2) / 5 + 1;
	c->m = mp < 10 ? mp + 3 : mp - 9;
	c->y = (int64_t)yoe + era * 400 + (c->m <= 2);
}

/* v as exactly n decimal digits (v < 10^n). */
static void put_digits(char *out, unsigned v, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

int time_format(char out[RFC3339_LEN], int64_t t)
{
	struct civil c;

	/* Checked before the civil arithmetic, which would overflow near
	 * INT64_MIN (TIME_UNKNOWN). */
	if (t < TIME_FORMAT_MIN || t > TIME_MAX) {
		memcpy(out, "unknown", sizeof("unknown"));
		if (t == TIME_UNKNOWN)
			return err_set(ERR_PARSE, "the time is unknown");
		return err_set(ERR_PARSE, "time %lld seconds since 1970 is outside "
			       "years 0000 to 9999", (long long)t);
	}
	civil_from_time(&c, t);
	/* "YYYY-MM-DDTHH:MM:SSZ" digit by digit: every entry formats several
	 * times, and snprintf's parsing of the format cost more than this. */
	put_digits(out, (unsigned)c.y % 10000, 4);
	out[4] = '-';
	put_digits(out + 5, c.m % 100, 2);
	out[7] = '-';
	put_digits(out + 8, c.d % 100, 2);
	out[10] = 'T';
	put_digits(out + 11, (c.secs / 3600) % 24, 2);
	out[13] = ':';
	put_digits(out + 14, c.secs / 60 % 60, 2);
	out[16] = ':';
	put_digits(out + 17, c.secs % 60, 2);
	out[19] = 'Z';
	out[20] = '\0';
	return 0;
}

int64_t time_minus_months(int64_t t, unsigned months)
{
	static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	struct civil c;
	int64_t total;
	unsigned dim;

	civil_from_time(&c, t);
	total = c.y * 12 + (c.m - 1) - (int64_t)months;
	c.y = (total >= 0 ? total : total - 11) / 12;
	c.m = (unsigned)(total - c.y * 12) + 1;
	dim = mdays[c.m - 1] + (c.m == 2 && ((c.y % 4 == 0 && c.y % 100 != 0) || c.y % 400 == 0));
	if (c.d > dim)
		c.d = dim;
	return time_from_civil(c.y, c.m, c.d, c.secs / 3600, c.secs / 60 % 60, c.secs % 60);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int time_parse(int64_t *out, const char *s)
{
	int y, mo, d, h, mi, se, oh = 0, om = 0;
	const char *p;
	int64_t t;

	if (strlen(s) < 19 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
	    s[16] != ':' || digits(s + 17, 2, &se))
		goto bad;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		goto bad;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) ||
		    oh > 23 || om > 59)
			goto bad;
		if (*p == '-') {
			oh = -oh;
			om = -om;
		}
		p += 6;
	} else {
		goto bad;
	}
	if (*p)
		goto bad;
	t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
	    mi * 60 + (se == 60 ? 59 : se);
	t -= oh * 3600 + om * 60;
	/* What time_format cannot write back is no time: a -23:59 offset on
	 * 9999-12-31 lands in the year 10000. */
	if (t < TIME_FORMAT_MIN || t > TIME_MAX)
		return err_set(ERR_PARSE, "'%s' is outside years 0000 to 9999 in UTC", s);
	*out = t;
	return 0;
bad:
	return err_set(ERR_PARSE, "'%s' is not an RFC 3339 time "
		       "(like 2026-01-31T12:00:00Z)", s);
}

int duration_parse(int64_t *out, const char *s)
{
	char *end;
	long long n;
	int64_t mult;

	if (!isdigit((unsigned char)*s))
		goto bad;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (end == s || n < 0 || errno)
		goto bad;
	/* A bare number is refused: "400" meant as days must not erase
	 * everything older than 400 seconds. */
	if (!*end)
		return err_set(ERR_PARSE, "'%s' has no unit: a duration ends in s, m, h, d "
			       "or w (seconds, minutes, hours, days, weeks: like 30s, 15m, "
			       "12h, 90d, 2w)", s);
	switch (*end) {
	case 's': mult = 1; break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	case 'w': mult = 7 * 86400; break;
	default: goto bad;
	}
	if (end[1])
		goto bad;
	if (n > INT64_MAX / mult)
		goto bad;
	*out = (int64_t)n * mult;
	return 0;
bad:
	return err_set(ERR_PARSE, "'%s' is not a duration: a number and a unit s, m, h, "
		       "d or w (like 30s, 15m, 12h, 90d, 2w)", s);
}

int time_parse_arg(int64_t *out, const char *s)
{
	int y, mo, d;

	if (strlen(s) == 10 && !digits(s, 4, &y) && s[4] == '-' && !digits(s + 5, 2, &mo) &&
	    s[7] == '-' && !digits(s + 8, 2, &d) && mo >= 1 && mo <= 12 && d >= 1 && d <= 31) {
		*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400;
		return 0;
	}
	if (time_parse(out, s) == 0)
		return 0;
	if (strlen(s) >= 19)
		return ERR_PARSE; /* it meant to be RFC 3339: time_parse() said why not */
	return err_set(ERR_PARSE, "'%s' is not a time: give an RFC 3339 time "
		       "(2026-01-31T12:00:00Z) or a date (2026-01-31, midnight UTC)", s);
}
