/*
 * timeutil.h - RFC 3339 timestamps and durations, always in UTC seconds.
 *
 * auditpack writes every time as "YYYY-MM-DDTHH:MM:SSZ".  The parser also
 * accepts fractional seconds (dropped) and numeric offsets ("+05:30"),
 * which it converts to UTC.
 */
#ifndef AUDITPACK_TIMEUTIL_H
#define AUDITPACK_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define RFC3339_LEN 21 /* "2026-01-02T03:04:05Z" + NUL */

/*
 * The range of event times auditpack accepts from input it collects (log
 * lines, MLflow registries, file modification times): 1970-01-01T00:00:00Z
 * to 9999-12-31T23:59:59Z, after conversion to UTC.  A log line with a time
 * outside it is malformed (docs/configuration.md), never an entry time.
 */
#define TIME_MIN 0LL
#define TIME_MAX 253402300799LL

/* What time_format can write: 0000-01-01T00:00:00Z to TIME_MAX. */
#define TIME_FORMAT_MIN (-62167219200LL)

/* An entry time that is not known: read from a leaf written by release 0.1.0,
 * which wrote TIME_LEGACY_UNKNOWN for out-of-range event times.
 * time_format() refuses it, so it is never written again. */
#define TIME_UNKNOWN INT64_MIN
#define TIME_LEGACY_UNKNOWN "0000-00-00T00:00:00Z"

/* t lies in [TIME_MIN, TIME_MAX]. */
static inline int time_in_range(int64_t t)
{
	return t >= TIME_MIN && t <= TIME_MAX;
}

/* Current time.  AUDITPACK_NOW (RFC 3339 or a date) overrides the clock, so tests
 * and reproducible builds can pin "collected" times. */
int64_t time_now(void);

/*
 * Write t as "YYYY-MM-DDTHH:MM:SSZ".  Returns 0, or ERR_PARSE (with a
 * message) when t is outside [TIME_FORMAT_MIN, TIME_MAX] or TIME_UNKNOWN:
 * then out holds "unknown", which is for display only and no time.  Every
 * caller that writes a time into a leaf or attrs checks the result, so
 * nothing unparseable is ever signed.
 */
int time_format(char out[RFC3339_LEN], int64_t t);

/* 0 or ERR_PARSE.  Accepts only times time_format can write back (years
 * 0000 to 9999 after conversion to UTC): "9999-12-31T23:59:59-01:00" is
 * refused.  Callers that take event times also check time_in_range(). */
int time_parse(int64_t *out, const char *s);

/* A time given on the command line: RFC 3339, or a plain date YYYY-MM-DD
 * (midnight UTC).  0 or ERR_PARSE naming both forms.  Stored leaves and
 * attrs use time_parse(), which stays strict. */
int time_parse_arg(int64_t *out, const char *s);

/* Seconds since the epoch of a UTC civil time; fields are not range-checked
 * beyond what the caller did. */
int64_t time_from_civil(int64_t y, unsigned mo, unsigned d, unsigned h,
			unsigned mi, unsigned s);

/* The same time of day `months` calendar months earlier (the day clamped
 * to the end of a shorter month: 31 Aug minus 6 months is 28/29 Feb). */
int64_t time_minus_months(int64_t t, unsigned months);

/* Durations: "<n>s|m|h|d|w"; a bare number (no unit) is refused.  0 or
 * ERR_PARSE, the message naming the units. */
int duration_parse(int64_t *out, const char *s);

#endif
