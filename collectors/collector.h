/*
 * collector.h - what every collector gets from the run that calls it.
 *
 * A collect run is one store transaction: the caller (cli/cmd_collect.c)
 * calls store_begin(), then each collector, then store_commit(); any error
 * rolls the whole run back, so a collector may fail at any point without
 * leaving partial evidence.  Collectors append with store_append(), keep
 * their incremental state with store_cursor_get/put(), never print, and
 * report failures with err_set() (naming file and line where input is at
 * fault).
 */
#ifndef AUDITPACK_COLLECTOR_H
#define AUDITPACK_COLLECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/progress.h"
#include "../store/store.h"

enum pii_mode {
	PII_PSEUDONYMISE = 0, /* the default */
	PII_REDACT,
	PII_KEEP,
};

/* The names of enum pii_mode, as users write them ("pseudonymise",
 * "redact", "keep"): the one table, for --pii and auditpack.yaml. */
const char *pii_mode_name(enum pii_mode m);
/* The mode named s (NULL names none); false when s names none. */
bool pii_mode_from_name(const char *s, enum pii_mode *out);

struct pii;

struct collect_ctx {
	struct store *store;   /* inside store_begin() */
	int64_t now;           /* the "collected" time of every entry this run */
	const uint8_t *secret; /* STORE_SECRET_LEN bytes: the HMAC key for tokens */
	struct pii *pii;       /* the detectors (pii.h), keyed with that secret */
	struct json_t *reobserved; /* unchanged evidence seen again this run, for
				    * its one observation entry (observe.h) */
	struct progress *progress; /* how far a long collect has got, or NULL */
};

/* What one collector did, for the run's summary line. */
struct collect_result {
	uint64_t entries;   /* entries appended */
	uint64_t unchanged; /* things looked at that needed no new entry */
	uint64_t lines;     /* access logs: lines read */
	uint64_t malformed; /* access logs: lines that did not parse (kept) */
	uint64_t rescanned; /* access logs: files read again from the start */
	uint64_t superseded; /* access logs: earlier entries a rescan replaced */
};

#endif
