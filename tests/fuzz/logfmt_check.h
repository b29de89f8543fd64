/*
 * logfmt_check.h - shared by the log-format fuzz targets: run one line
 * through logfmt_parse() and assert its contract (collectors/logfmt.h):
 * an event's time, when it has one, lies in [TIME_MIN, TIME_MAX] and
 * time_format() writes it; every span lies inside the line; a line refused
 * for its time has no time.  A violation aborts, which libFuzzer and the
 * driver report as a crash.
 */
#ifndef AUDITPACK_FUZZ_LOGFMT_CHECK_H
#define AUDITPACK_FUZZ_LOGFMT_CHECK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../collectors/logfmt.h"
#include "../../common/timeutil.h"

static void span_inside(struct span sp, size_t len)
{
	if (sp.len && (sp.off > len || sp.len > len - sp.off))
		abort();
}

static void logfmt_check(const struct logfmt_opts *o, const char *line, size_t len)
{
	struct log_event ev;
	char t[RFC3339_LEN];
	int rc = logfmt_parse(o, line, len, &ev);

	if (rc != LOGFMT_EVENT && rc != LOGFMT_MALFORMED && rc != LOGFMT_BAD_TIME)
		abort();
	if (rc == LOGFMT_BAD_TIME && ev.has_time)
		abort();
	if (rc == 0 && ev.has_time &&
	    (!time_in_range(ev.time) || time_format(t, ev.time) || strlen(t) != RFC3339_LEN - 1))
		abort();
	if (rc == 0 || rc == LOGFMT_BAD_TIME) {
		span_inside(ev.user, len);
		span_inside(ev.status, len);
		span_inside(ev.model, len);
		span_inside(ev.version, len);
		span_inside(ev.route, len);
	}
}

/*
 * Fuzz bytes into a line template: "%" in tmpl is replaced by the input
 * (with newlines dropped), so the mutations land in the time or number
 * field instead of having to rebuild the whole line.
 */
static char *logfmt_fill(const char *tmpl, const uint8_t *data, size_t size, size_t *len)
{
	const char *pct = strchr(tmpl, '%');
	size_t pre = (size_t)(pct - tmpl), post = strlen(pct + 1), n = pre;
	char *line = malloc(pre + size + post + 1);

	if (!line)
		return NULL;
	memcpy(line, tmpl, pre);
	for (size_t i = 0; i < size; i++)
		if (data[i] != '\n')
			line[n++] = (char)data[i];
	memcpy(line + n, pct + 1, post);
	n += post;
	line[n] = '\0';
	*len = n;
	return line;
}

/* The first byte picks a template (or, past the last, the raw line). */
static void logfmt_fuzz(const struct logfmt_opts *o, const char *const *tmpls, size_t ntmpl,
			const uint8_t *data, size_t size)
{
	size_t pick, len;
	char *line;

	if (size < 1)
		return;
	pick = data[0] % (ntmpl + 1);
	data++;
	size--;
	if (pick == ntmpl) {
		/* A copy, so ASan catches any read past the line. */
		if ((line = malloc(size ? size : 1))) {
			memcpy(line, data, size);
			logfmt_check(o, line, size);
			free(line);
		}
		return;
	}
	if ((line = logfmt_fill(tmpls[pick], data, size, &len))) {
		logfmt_check(o, line, len);
		free(line);
	}
}

#endif
