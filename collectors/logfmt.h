/*
 * logfmt.h - one access-log line in, one event out.
 *
 * Each parser takes the line without its newline, as (buf, len), and
 * fills a struct log_event whose strings are spans into that line (so the
 * collector can replace the user's span with a token).  A parser returns
 * LOGFMT_EVENT (0) when the line is an event of its format, else why it is
 * not; a malformed line is counted and kept, never fatal.
 */
#ifndef AUDITPACK_LOGFMT_H
#define AUDITPACK_LOGFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum logfmt {
	LOGFMT_COMBINED,
	LOGFMT_COMMON,
	LOGFMT_JSONL,
	LOGFMT_AUDITD,
	LOGFMT_SYSLOG,
};

/* "combined" ... "syslog" -> *out; false when unknown. */
bool logfmt_from_name(const char *name, enum logfmt *out);
const char *logfmt_name(enum logfmt f);

struct span {
	size_t off, len; /* len 0: absent */
};

enum auth_outcome {
	AUTH_NONE = 0,
	AUTH_SUCCESS,
	AUTH_FAILURE,
};

struct log_event {
	int64_t time;
	bool has_time;
	struct span user;
	bool user_quoted;     /* jsonl: the user span is inside a JSON string */
	struct span status;   /* HTTP status, decision or auth outcome word */
	struct span model;
	struct span version;  /* model version, when the log has one */
	struct span route;
	enum auth_outcome auth;
	uint32_t auth_count;  /* failures this line stands for ("repeated 5 times") */
	uint64_t serial;      /* auditd: the event serial its records share */
	bool is_request;      /* an event that should name a user */
};

/* The JSON field names of a jsonl log (NULL: not present).  Dotted names
 * reach into nested objects: "auth.sub". */
struct jsonl_fields {
	const char *time, *user, *model, *version, *status, *route, *decision;
};

/* The slots of struct jsonl_fields by name -- the one list, in this order,
 * for --field, auditpack.yaml's fields: and messages. */
#define JSONL_FIELD_NAMES "time, user, model, version, status, route, decision"
/* The name of slot i, or NULL past the last. */
const char *jsonl_field_name(size_t i);
/* The value of slot i of f (i below the number of names). */
const char *jsonl_field_value(const struct jsonl_fields *f, size_t i);
/* The slot of f named by the len bytes at name, or NULL for no such slot. */
const char **jsonl_field_slot(struct jsonl_fields *f, const char *name, size_t len);

struct logfmt_opts {
	enum logfmt format;
	struct jsonl_fields fields;
	int64_t year_ref; /* RFC 3164 has no year: the latest time a line can be */
};

/*
 * What a line is.  Not an enum err: a malformed line is a counted reject,
 * not a failure, and these values are 0 or positive so that none can be
 * taken for an error code (ERR_IO is -1).
 *   LOGFMT_EVENT: an event; its time, when it has one, is always in
 *     [TIME_MIN, TIME_MAX] (common/timeutil.h).
 *   LOGFMT_MALFORMED: not a line of the format.
 *   LOGFMT_BAD_TIME: malformed because its time is unreadable or out of
 *     that range while the rest of the line has the format's shape: the
 *     other spans of ev (the user, to pseudonymise) are filled as for an
 *     event, has_time is false.
 */
enum logfmt_result {
	LOGFMT_EVENT = 0,
	LOGFMT_MALFORMED = 1,
	LOGFMT_BAD_TIME = 2,
};

enum logfmt_result logfmt_parse(const struct logfmt_opts *o, const char *line, size_t len,
				struct log_event *ev);

#endif
