/*
 * html_internal.h - what the files of the HTML report share (html.c: the
 * writer, the page's head, header and footer; html_summary.c: the sections
 * of summary.html; html_entry.c: the entry pages).  Not for use outside
 * reports/html*.c.
 */
#ifndef AUDITPACK_HTML_INTERNAL_H
#define AUDITPACK_HTML_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"
#include "pack.h"

/* The writer carries the first error, so the page is a flat list of calls. */
struct html {
	struct buf *b;
	int rc;
	const struct report_ctx *r;
};

/* The colour of each status (bars, boxes, findings). */
extern const char *const html_fills[ST_COUNT];
/* The style sheet every page carries inline. */
extern const char html_css[];

/* Append s, or printf-formatted text, as markup (nothing once h->rc is set). */
void html_put(struct html *h, const char *s);
void html_putf(struct html *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Text or attribute value: the five HTML specials become entities and
 * control characters U+FFFD.  NULL is written as nothing. */
void html_esc(struct html *h, const char *s);
/* An id/fragment: letters, digits, '.', '_' and '-' kept, the rest '-'. */
void html_anchor_part(struct html *h, const char *s);
/* The anchor of a control's row in its framework's table. */
void html_control_anchor(struct html *h, const struct framework_result *fr,
			 const struct control_result *cr);
/* A status as a coloured label. */
void html_badge(struct html *h, enum status s, bool small);
/* A time as RFC 3339. */
void html_time_text(struct html *h, int64_t t);
/* The checkpoint the pack is cut at. */
const struct checkpoint *html_checkpoint(const struct report_ctx *r);

/* html_summary.c: the page's sections, in the order report_html writes
 * them; html_verdict_line is the header's one-line verdict. */
void html_verdict_line(struct html *h);
void html_findings_section(struct html *h);
void html_coverage_section(struct html *h);
void html_framework_section(struct html *h, const struct framework_result *fr);
void html_conflicts_section(struct html *h);
void html_record_section(struct html *h);
void html_verify_section(struct html *h);

#endif
