/*
 * progress.h (cli) - progress lines on a terminal for long commands.
 *
 * cli_progress_start() gives the struct progress to hand to a module, or
 * NULL (show nothing) with -q, for --json output, or when stderr is not a
 * terminal.  Nothing is drawn in the first two seconds
 * (AUDITPACK_PROGRESS_AFTER=SECONDS changes that, for tests); then
 * "what: done / total (pct), rate/s, N s left" is redrawn in place on
 * stderr with \r a few times a second.  cli_progress_end() clears it.
 * A module whose work has phases (pack: entries, then bytes) changes the
 * unit between them; the rate and time left are then of the new phase.
 */
#ifndef AUDITPACK_CLI_PROGRESS_H
#define AUDITPACK_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "../common/progress.h"

struct cli_progress {
	struct progress p;
	const char *what;
	int64_t start_ns, after_ns, last_ns;
	int64_t phase_ns;           /* when the unit last changed: the rate's start */
	enum progress_unit unit;
	int width;     /* of the longest line drawn */
	bool drawn;    /* something is on the line to clear */
};

struct progress *cli_progress_start(struct cli_progress *cp, const struct cli *cli,
				    const char *what, bool json);
void cli_progress_end(struct cli_progress *cp);
/* Clear the progress being shown, if any (cli_fail() does, before the
 * error): the next line printed starts on a clean line. */
void cli_progress_clear(void);

#endif
