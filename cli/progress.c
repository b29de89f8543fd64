#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Start drawing after this long (AUDITPACK_PROGRESS_AFTER seconds, for
 * tests), and redraw at most this often. */
#define AFTER_NS_DEFAULT 2000000000LL
#define REDRAW_NS 200000000LL

/* The progress on the terminal now, cleared before an error is printed. */
static struct cli_progress *active;

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t after_ns(void)
{
	const char *s = getenv("AUDITPACK_PROGRESS_AFTER");
	char *end;
	double v;

	if (!s || !*s)
		return AFTER_NS_DEFAULT;
	v = strtod(s, &end);
	if (*end || v < 0 || v > 86400)
		return AFTER_NS_DEFAULT;
	return (int64_t)(v * 1e9);
}

/* "12.3 MiB" or "1234" into out. */
static void amount(char *out, size_t cap, enum progress_unit unit, double v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;

	if (unit == PROGRESS_ITEMS) {
		snprintf(out, cap, "%.0f", v);
		return;
	}
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	snprintf(out, cap, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static void draw(struct cli_progress *cp, enum progress_unit unit, uint64_t done,
		 uint64_t total, int64_t now)
{
	char line[160], d[32], t[32], r[32];
	double secs = (double)(now - cp->phase_ns) / 1e9;
	double rate = secs > 0 ? (double)done / secs : 0;
	int n;

	amount(d, sizeof(d), unit, (double)done);
	amount(r, sizeof(r), unit, rate);
	if (total && done <= total) {
		amount(t, sizeof(t), unit, (double)total);
		if (rate > 0)
			n = snprintf(line, sizeof(line), "%s: %s / %s (%.0f%%), %s/s, %.0f s left",
				     cp->what, d, t, 100.0 * (double)done / (double)total, r,
				     (double)(total - done) / rate);
		else
			n = snprintf(line, sizeof(line), "%s: %s / %s (%.0f%%)", cp->what, d, t,
				     100.0 * (double)done / (double)total);
	} else {
		n = snprintf(line, sizeof(line), "%s: %s, %s/s", cp->what, d, r);
	}
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	/* Pad over a longer line drawn before, then return to its start. */
	fprintf(stderr, "\r%s%*s", line, cp->width > n ? cp->width - n : 0, "");
	fflush(stderr);
	if (n > cp->width)
		cp->width = n;
	cp->last_ns = now;
	cp->drawn = true;
}

static void update(struct progress *p, enum progress_unit unit, uint64_t done, uint64_t total)
{
	struct cli_progress *cp = p->arg;
	int64_t now = mono_ns();

	if (unit != cp->unit) {
		cp->unit = unit;
		cp->phase_ns = now;
	}
	if (now - cp->start_ns < cp->after_ns)
		return;
	if (cp->drawn && now - cp->last_ns < REDRAW_NS && !(total && done == total))
		return;
	draw(cp, unit, done, total, now);
}

struct progress *cli_progress_start(struct cli_progress *cp, const struct cli *cli,
				    const char *what, bool json)
{
	memset(cp, 0, sizeof(*cp));
	if (cli->quiet || cli->json || json || !isatty(STDERR_FILENO))
		return NULL;
	cp->what = what;
	cp->start_ns = cp->phase_ns = mono_ns();
	cp->after_ns = after_ns();
	cp->p.update = update;
	cp->p.arg = cp;
	active = cp;
	return &cp->p;
}

void cli_progress_end(struct cli_progress *cp)
{
	if (active == cp)
		active = NULL;
	if (!cp->drawn)
		return;
	fprintf(stderr, "\r%*s\r", cp->width, "");
	fflush(stderr);
	cp->drawn = false;
}

void cli_progress_clear(void)
{
	if (active)
		cli_progress_end(active);
}
