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

/* Current time.  AUDITPACK_NOW (RFC 3339) overrides the clock, so tests
 * and reproducible builds can pin "collected" times. */
int64_t time_now(void);

void time_format(char out[RFC3339_LEN], int64_t t);

/* 0 or ERR_PARSE. */
int time_parse(int64_t *out, const char *s);

/* Seconds since the epoch of a UTC civil time; fields are not range-checked
 * beyond what the caller did. */
int64_t time_from_civil(int64_t y, unsigned mo, unsigned d, unsigned h,
			unsigned mi, unsigned s);

/* The same time of day `months` calendar months earlier (the day clamped
 * to the end of a shorter month: 31 Aug minus 6 months is 28/29 Feb). */
int64_t time_minus_months(int64_t t, unsigned months);

/* Durations: "<n>s|m|h|d|w" or a bare number of seconds.  0 or ERR_PARSE. */
int duration_parse(int64_t *out, const char *s);

#endif
