/*
 * command.h - run a program (argv, no shell) and keep what it said.
 *
 * stdout, stderr, exit status, signal, time-out and duration are the
 * evidence: a command that fails is recorded, not an error of the
 * collector.  Output beyond max_output bytes per stream is cut (and said
 * so in attrs); on time-out the process group gets SIGTERM, then SIGKILL.
 */
#ifndef AUDITPACK_COMMAND_H
#define AUDITPACK_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector.h"
#include "pii.h"

#define COMMAND_OUTPUT_MAX ((size_t)16 << 20)

struct command_opts {
	const char *source;
	char *const *argv;   /* NULL-terminated */
	int64_t timeout;     /* seconds */
	size_t max_output;   /* per stream; 0: COMMAND_OUTPUT_MAX */
	const char *type;    /* what stdout is (e.g. "rbac"), kept as attrs.type
			      * so checks that ask for it read it; NULL: untyped */
};

/* Is `t` a usable output type label (lower-case word: letters, digits, -)? */
bool command_type_valid(const char *t);

int command_collect(struct collect_ctx *c, struct pii *pii,
		    const struct command_opts *o, struct collect_result *r);

#endif
