/*
 * html_entry.c - reports/entries/N.html: one page per evidence entry (its
 * leaf, attrs, digests, inclusion proof and a link to its payload), for the
 * links of summary.html.
 */
#include "html_internal.h"
#include "../common/encode.h"
#include "../common/err.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- one page per evidence entry: reports/entries/N.html ---- */

/* A file name and media type the browser can open the payload with. */
static void payload_type(const struct evidence *e, char *name, size_t cap, const char **type)
{
	const char *doc = json_string_value(json_object_get(e->attrs, "name"));
	const char *dot = doc ? strrchr(doc, '.') : NULL;

	*type = "text/plain";
	if (!strcmp(e->kind, "access-log")) {
		snprintf(name, cap, "entry-%" PRIu64 ".log", e->index);
	} else if ((!strcmp(e->kind, "document") || !strcmp(e->kind, "attestation")) && dot &&
		   strlen(dot) < 8) {
		snprintf(name, cap, "entry-%" PRIu64 "%s", e->index, dot);
		if (!strcasecmp(dot, ".pdf"))
			*type = "application/pdf";
		else if (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm"))
			*type = "text/plain"; /* shown as text, never rendered */
		else if (!strcasecmp(dot, ".json"))
			*type = "application/json";
	} else if (!strcmp(e->kind, "gate-decision")) {
		snprintf(name, cap, "entry-%" PRIu64 "-policy.yaml", e->index);
	} else if (!strcmp(e->kind, "document") || !strcmp(e->kind, "attestation") ||
		   !strcmp(e->kind, "tombstone")) {
		snprintf(name, cap, "entry-%" PRIu64 ".txt", e->index);
	} else {
		snprintf(name, cap, "entry-%" PRIu64 ".json", e->index);
		*type = "application/json";
	}
}

static void hex_dd(struct html *h, const char *what, const uint8_t *v)
{
	char hex[65];

	hex_encode(hex, v, 32);
	html_putf(h, "<dt>%s</dt><dd><code>%s</code></dd>\n", what, hex);
}

static void pre_text(struct html *h, const char *s, size_t len)
{
	char *copy = strndup(s ? s : "", s ? len : 0);

	html_put(h, "<pre>");
	if (!copy)
		h->rc = h->rc ? h->rc : err_nomem();
	else
		html_esc(h, copy);
	free(copy);
	html_put(h, "</pre>\n");
}

int report_entry_html(struct buf *out, const struct report_ctx *r, const struct pack_entry *pe)
{
	struct html h = { out, 0, r };
	const struct evidence *e = pe->e;
	char name[96], *attrs = json_dumps(e->attrs, JSON_INDENT(2) | JSON_SORT_KEYS);
	const char *type;
	uint64_t n = e->index;

	payload_type(e, name, sizeof(name), &type);
	html_put(&h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		 "style-src 'unsafe-inline'\">\n"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	html_putf(&h, "<title>Entry %" PRIu64 ": ", n);
	html_esc(&h, e->kind);
	html_put(&h, "</title>\n<style>\n");
	html_put(&h, html_css);
	html_putf(&h, "</style>\n</head>\n<body>\n<main>\n<header>\n<div class=\"kicker\">Evidence "
		  "entry &middot; <a href=\"../summary.html\">back to the summary</a></div>\n"
		  "<h1>Entry %" PRIu64 ": ", n);
	html_esc(&h, e->kind);
	html_put(&h, "</h1>\n<p class=\"sub\">From source <b>");
	html_esc(&h, e->source);
	html_put(&h, "</b> in log ");
	html_esc(&h, r->origin);
	html_put(&h, ".</p>\n</header>\n<dl class=\"meta\">\n<dt>Subject</dt><dd>");
	html_esc(&h, e->subject);
	html_put(&h, "</dd>\n<dt>Effective</dt><dd>");
	html_time_text(&h, e->eff_from);
	html_put(&h, " to ");
	html_time_text(&h, e->eff_to);
	html_put(&h, "</dd>\n<dt>Collected</dt><dd>");
	html_time_text(&h, e->collected);
	html_putf(&h, "</dd>\n<dt>Payload</dt><dd>%" PRIu64 " bytes", pe->payload_size);
	if (e->erased)
		html_put(&h, ", erased (a tombstone entry names it); the leaf still verifies");
	else
		html_putf(&h, ": <a href=\"../../evidence/%" PRIu64 ".payload\" type=\"%s\" "
			  "download=\"%s\">%s</a> (%s)", n, type, name, name, type);
	html_put(&h, "</dd>\n");
	if (!e->erased)
		hex_dd(&h, "Payload SHA-256", pe->payload_sha256);
	hex_dd(&h, "Commitment C", pe->commitment);
	html_putf(&h, "<dt>Files</dt><dd><a href=\"../../evidence/%" PRIu64 ".leaf\">leaf</a> &middot; "
		  "<a href=\"../../evidence/%" PRIu64 ".attrs.json\">attrs.json</a> &middot; "
		  "<a href=\"../../evidence/%" PRIu64 ".proof\">proof</a>", n, n, n);
	html_put(&h, "</dd>\n</dl>\n<h2>Leaf (what the log signed)</h2>\n");
	pre_text(&h, pe->leaf, pe->leaf_len);
	html_put(&h, "<h2>Attrs (what assessments read)</h2>\n");
	pre_text(&h, attrs, attrs ? strlen(attrs) : 0);
	html_put(&h, "<h2>Inclusion proof against the pack's checkpoint</h2>\n");
	pre_text(&h, pe->proof, pe->proof_len);
	html_put(&h, "<p class=\"note\">C = SHA-256(\"auditpack/payload/v1\\n\" || salt || payload); the "
		 "leaf commits to C and to the attrs' SHA-256; the proof ties the leaf to the signed "
		 "checkpoint (see the summary's \"How to verify\").</p>\n</main>\n</body>\n</html>\n");
	free(attrs);
	return h.rc;
}
