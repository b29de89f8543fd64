/*
 * html.c - reports/summary.html: one self-contained page for the auditor.
 * This file holds the writer every page uses, the style sheet, and the
 * page's head, header and footer; the sections are in html_summary.c, the
 * pages of single entries in html_entry.c.
 *
 * Inline CSS and SVG only: no scripts, fonts, images or anything else the
 * browser would fetch, and a Content-Security-Policy that forbids it anyway.
 * Links point at files inside the pack, relative to reports/ ("../evidence/
 * N.payload"), or at anchors in the page.  Every string from the catalogues,
 * checks and evidence is escaped.  The page reads on screen and printed:
 * status is always written as text next to its colour, and each framework
 * starts on a new page.
 */
#include "html_internal.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *const html_fills[ST_COUNT] = {
	[ST_PASS] = "#2da44e", [ST_FAIL] = "#cf222e", [ST_STALE] = "#d4a72c",
	[ST_MISSING] = "#fb8f44", [ST_MANUAL] = "#9ec5ef", [ST_NA] = "#d0d7de",
};

const char html_css[] =
	":root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--accent:#0b3d91}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;color:var(--ink);background:#fff;font:14px/1.5 system-ui,-apple-system,"
	"'Segoe UI',Roboto,'Helvetica Neue','Liberation Sans',Arial,sans-serif}\n"
	"main{max-width:1180px;margin:0 auto;padding:32px 40px 48px}\n"
	"h1{font-size:26px;margin:0 0 2px;letter-spacing:-.01em}\n"
	"h2{font-size:20px;margin:40px 0 12px;padding-bottom:6px;border-bottom:2px solid var(--ink)}\n"
	"h3{font-size:15px;margin:22px 0 8px}\n"
	"p{margin:6px 0}\n"
	"a{color:#0550ae;text-decoration:none}a:hover{text-decoration:underline}\n"
	"code,pre,.mono{font-family:ui-monospace,'SFMono-Regular','DejaVu Sans Mono',"
	"'Liberation Mono',Menlo,Consolas,monospace;font-size:12px}\n"
	"pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;"
	"padding:10px 12px;white-space:pre-wrap;word-break:break-all;margin:8px 0}\n"
	".kicker{text-transform:uppercase;letter-spacing:.08em;font-size:11px;font-weight:600;"
	"color:var(--accent)}\n"
	"header{border-top:6px solid var(--accent);padding-top:18px}\n"
	".sub{color:var(--muted);margin:0 0 16px}\n"
	"dl.meta{display:grid;grid-template-columns:170px 1fr;gap:4px 16px;margin:0;"
	"border:1px solid var(--line);border-radius:8px;padding:14px 18px}\n"
	"dl.meta dt{color:var(--muted);font-weight:600}dl.meta dd{margin:0;word-break:break-all}\n"
	".stats{display:flex;flex-wrap:wrap;gap:10px;margin:18px 0 0}\n"
	".stat{flex:1 1 110px;border:1px solid var(--line);border-top:4px solid var(--c);"
	"border-radius:6px;padding:8px 12px}\n"
	".stat b{display:block;font-size:24px;line-height:1.2;font-variant-numeric:tabular-nums}\n"
	".stat span{color:var(--muted);font-size:12px}\n"
	"nav{margin:16px 0 0;font-size:13px;color:var(--muted)}nav a{margin-right:12px}\n"
	"svg.chart{width:100%;height:auto;display:block;margin:4px 0 8px}\n"
	"svg text{font-family:inherit}\n"
	"table{border-collapse:collapse;width:100%;margin:8px 0 0;font-size:13px}\n"
	"th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}\n"
	"td.reason,td.ctl,.detail,ul.checks code{overflow-wrap:anywhere}\n"
	"thead th{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);"
	"border-bottom:2px solid var(--ink)}\n"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	"tr.grp th{background:var(--soft);font-size:12px;color:var(--muted);padding:5px 8px}\n"
	"tr.row-fail td:first-child{box-shadow:inset 4px 0 0 #cf222e}\n"
	"tr.row-stale td:first-child{box-shadow:inset 4px 0 0 #d4a72c}\n"
	"tr.row-missing td:first-child{box-shadow:inset 4px 0 0 #fb8f44}\n"
	"tr.row-manual td,tr.row-not-applicable td{color:var(--muted)}\n"
	"td.ctl{width:190px}td.ctl b{display:block;color:var(--ink)}td.ctl .ttl{color:var(--ink)}\n"
	"td.status{width:112px}td.reason{width:28%}\n"
	".st{display:inline-block;min-width:44px;text-align:center;border:1px solid;"
	"border-radius:10px;padding:0 8px;font-size:11px;font-weight:600;line-height:18px;"
	"white-space:nowrap}\n"
	".st.sm{min-width:0;padding:0 6px;font-size:10px;line-height:16px}\n"
	".st-pass{background:#dafbe1;color:#116329;border-color:#4ac26b}\n"
	".st-fail{background:#ffebe9;color:#a40e26;border-color:#ff8182}\n"
	".st-stale{background:#fff8c5;color:#7d4e00;border-color:#d4a72c}\n"
	".st-missing{background:#fff1e5;color:#953800;border-color:#fb8f44}\n"
	".st-manual{background:#ddf4ff;color:#0550ae;border-color:#80ccff}\n"
	".st-not-applicable{background:#f6f8fa;color:#59636e;border-color:#d1d9e0}\n"
	"ul.checks{list-style:none;margin:0;padding:0}\n"
	"ul.checks li{margin:0 0 6px;color:var(--ink)}ul.checks li:last-child{margin:0}\n"
	"ul.checks code{font-weight:600}\n"
	".detail{display:block;color:var(--muted)}\n"
	".ev{display:block;font-size:12px;color:var(--muted)}\n"
	".ev a.n{font-weight:600}.ev .e{white-space:nowrap;margin-right:10px}\n"
	".legend{display:flex;flex-wrap:wrap;gap:4px 18px;font-size:12px;color:var(--muted);"
	"margin:0 0 10px}\n"
	".legend svg{vertical-align:-2px;margin-right:5px}\n"
	".item{border:1px solid var(--line);border-left:4px solid var(--c);border-radius:6px;"
	"padding:10px 14px;margin:0 0 10px;break-inside:avoid}\n"
	".item .head{font-weight:600}.item .head .st{margin-right:8px}\n"
	".item .reason{margin:4px 0 8px}\n"
	".manual{columns:4 170px;column-gap:24px;font-size:12px;margin:6px 0 14px;padding:0;"
	"list-style:none}\n"
	".manual li{break-inside:avoid}\n"
	".chip{display:inline-block;border:1px solid var(--line);border-radius:4px;padding:0 6px;"
	"margin:0 6px 4px 0;font-size:12px;font-weight:600}\n"
	".note{color:var(--muted);font-size:12px}\n"
	"ol.steps li{margin:0 0 10px}\n"
	"footer{margin-top:40px;padding-top:10px;border-top:1px solid var(--line);"
	"color:var(--muted);font-size:12px}\n"
	".verdict{font-size:16px;font-weight:600;margin:10px 0 14px;padding:10px 14px;"
	"border-left:6px solid var(--c);background:var(--soft);border-radius:4px}\n"
	".fix{margin:4px 0 6px}.fix b{color:var(--accent)}\n"
	".ctls{margin:4px 0 8px;font-size:12px}\n"
	"ul.findings{list-style:none;margin:0;padding:0}\n"
	"ul.findings li{border-top:1px solid var(--line);padding:6px 0}\n"
	"ul.findings .subj{font-weight:600;overflow-wrap:anywhere}\n"
	"ul.findings .msg{display:block;overflow-wrap:anywhere}\n"
	".fid{color:var(--muted);font-size:11px}\n"
	"@media (max-width:640px){\n"
	"main{padding:16px 12px 32px}h1{font-size:21px}\n"
	"dl.meta{grid-template-columns:1fr;padding:10px 12px}dl.meta dt{margin-top:4px}\n"
	"table.ctls,table.ctls tbody,table.ctls tr,table.ctls td,table.ctls th{display:block;"
	"width:auto!important}\n"
	"table.ctls thead{display:none}table.ctls tr{border-bottom:1px solid var(--line);"
	"padding:4px 0}table.ctls td{border:0;padding:2px 8px}\n"
	"table.counts{font-size:11px}table.counts td,table.counts th{padding:3px 2px}"
	"table.counts .note{display:none}table.counts thead th.num{writing-mode:vertical-rl;"
	"transform:rotate(180deg);text-align:left}\n"
	"table.rec{font-size:11px}table.rec td,table.rec th{padding:3px 2px}\n"
	".ev .e{white-space:normal}code{overflow-wrap:anywhere}\n"
	"}\n"
	"@media print{\n"
	"@page{size:A4;margin:14mm 12mm}\n"
	"body{font-size:9.5pt}main{max-width:none;padding:0}nav{display:none}\n"
	"a{color:inherit}\n"
	"table.counts{display:none}h2{margin-top:18px}section#coverage{break-before:page}\n"
	".manual{columns:4;column-gap:10px;font-size:7pt;line-height:1.25}\n"
	".manual li{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\n"
	"td.ctl{width:150px}table.ctls .ev,table.ctls .detail{display:none}\n"
	"table.ctls td{padding:3px 6px}\n"
	"h2,h3{break-after:avoid}tr,li,.item{break-inside:avoid}\n"
	"thead{display:table-header-group}\n"
	".st{background:none!important;color:#000!important;border-color:#000!important}\n"
	"pre,tr.grp th{background:none}\n"
	"}\n";

/* ---- the writer ---- */

void html_put(struct html *h, const char *s)
{
	if (!h->rc)
		h->rc = buf_puts(h->b, s);
}

void html_putf(struct html *h, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	if (h->rc)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		h->rc = err_set(ERR_IO, "formatting failed");
		return;
	}
	if ((size_t)n < sizeof(small)) {
		h->rc = buf_append(h->b, small, (size_t)n);
		return;
	}
	if ((h->rc = buf_grow(h->b, (size_t)n)))
		return;
	va_start(ap, fmt);
	vsnprintf(h->b->data + h->b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	h->b->len += (size_t)n;
}

static const char *entity(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	case '\t': case '\n': case '\r': return NULL;
	default: return c < 0x20 || c == 0x7f ? "\xef\xbf\xbd" : NULL;
	}
}

/* Text or attribute value: the five HTML specials become entities and
 * control characters U+FFFD.  NULL is written as nothing. */
void html_esc(struct html *h, const char *s)
{
	const char *run = s;

	if (!s)
		return;
	for (; *s && !h->rc; s++) {
		const char *e = entity((unsigned char)*s);

		if (!e)
			continue;
		h->rc = buf_append(h->b, run, (size_t)(s - run));
		html_put(h, e);
		run = s + 1;
	}
	if (!h->rc)
		h->rc = buf_append(h->b, run, strlen(run));
}

/* An id/fragment: letters, digits, '.', '_' and '-' kept, the rest '-'. */
void html_anchor_part(struct html *h, const char *s)
{
	for (; s && *s && !h->rc; s++) {
		char c = *s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';

		h->rc = buf_append(h->b, ok ? &c : "-", 1);
	}
}

void html_control_anchor(struct html *h, const struct framework_result *fr,
				const struct control_result *cr)
{
	html_put(h, "c-");
	html_anchor_part(h, fr->cat->framework);
	html_put(h, "-");
	html_anchor_part(h, cr->control->id);
}

void html_badge(struct html *h, enum status s, bool small)
{
	html_putf(h, "<span class=\"st%s st-%s\">%s</span>", small ? " sm" : "",
		  status_name(s), status_name(s));
}

void html_time_text(struct html *h, int64_t t)
{
	char s[RFC3339_LEN];

	time_format(s, t);
	html_put(h, s);
}

const struct checkpoint *html_checkpoint(const struct report_ctx *r)
{
	return r->cp ? r->cp : &r->a->cp;
}

/* ---- head and header ---- */

static void page_head(struct html *h)
{
	html_put(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		 "style-src 'unsafe-inline'; img-src data:\">\n"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		 "<meta name=\"referrer\" content=\"no-referrer\">\n<title>Audit pack: ");
	html_esc(h, h->r->origin);
	html_put(h, "</title>\n<style>\n");
	html_put(h, html_css);
	html_put(h, "</style>\n</head>\n<body>\n<main>\n");
}

static void period_text(struct html *h)
{
	const struct report_ctx *r = h->r;

	if (r->from == INT64_MIN && r->to == INT64_MAX) {
		int64_t lo = INT64_MAX, hi = INT64_MIN;

		/* no bounds asked for: the dates the evidence in the pack speaks about */
		for (size_t i = 0; i < r->nentries; i++) {
			if (r->entries[i].e->eff_from < lo)
				lo = r->entries[i].e->eff_from;
			if (r->entries[i].e->eff_to > hi)
				hi = r->entries[i].e->eff_to;
		}
		if (lo > hi) {
			html_put(h, "no evidence in the pack");
			return;
		}
		html_time_text(h, lo);
		html_put(h, " to ");
		html_time_text(h, hi);
		html_put(h, " (all evidence collected up to the as-of time)");
		return;
	}
	if (r->from == INT64_MIN)
		html_put(h, "the start of the log");
	else
		html_time_text(h, r->from);
	html_put(h, " to ");
	if (r->to == INT64_MAX)
		html_put(h, "the as-of time");
	else
		html_time_text(h, r->to);
}

static size_t erased_count(const struct report_ctx *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nentries; i++)
		n += r->entries[i].e && r->entries[i].e->erased;
	return n;
}

static void meta_list(struct html *h)
{
	const struct checkpoint *cp = html_checkpoint(h->r);
	char root[B64_LEN(MERKLE_HASH)];

	b64_encode(root, cp->root, MERKLE_HASH);
	html_put(h, "<dl class=\"meta\">\n<dt>Origin (log)</dt><dd>");
	html_esc(h, h->r->origin);
	html_put(h, "</dd>\n<dt>Assessed as of</dt><dd>");
	html_time_text(h, h->r->a->at);
	html_put(h, "</dd>\n<dt>Period covered</dt><dd>");
	period_text(h);
	html_putf(h, "</dd>\n<dt>Checkpoint</dt><dd>%" PRIu64 " entries, root <code>%s</code></dd>\n",
		  cp->size, root);
	html_putf(h, "<dt>Evidence in pack</dt><dd>%zu entries", h->r->nentries);
	if (erased_count(h->r))
		html_putf(h, " (%zu erased: listed, payload removed)", erased_count(h->r));
	html_put(h, "</dd>\n<dt>Signing key</dt><dd><code>");
	html_esc(h, h->r->vkey ? h->r->vkey : "(not given)");
	html_put(h, "</code></dd>\n<dt>Produced by</dt><dd>auditpack ");
	html_esc(h, h->r->tool_version);
	html_put(h, "</dd>\n</dl>\n");
}

static void total_counts(const struct assessment *a, uint64_t out[ST_COUNT], uint64_t *all)
{
	memset(out, 0, sizeof(uint64_t) * ST_COUNT);
	*all = 0;
	for (size_t f = 0; f < a->nfw; f++)
		for (int s = 0; s < ST_COUNT; s++) {
			out[s] += a->fw[f].counts[s];
			*all += a->fw[f].counts[s];
		}
}

static void stat_box(struct html *h, const char *colour, uint64_t n, const char *what)
{
	html_putf(h, "<div class=\"stat\" style=\"--c:%s\"><b>%" PRIu64 "</b><span>%s</span></div>\n",
		  colour, n, what);
}

static void stats_row(struct html *h)
{
	uint64_t c[ST_COUNT], all;

	total_counts(h->r->a, c, &all);
	html_put(h, "<div class=\"stats\">\n");
	stat_box(h, "#0b3d91", (uint64_t)h->r->a->nfw, "frameworks");
	stat_box(h, "#59636e", all, "controls assessed");
	stat_box(h, html_fills[ST_PASS], c[ST_PASS], "pass");
	stat_box(h, html_fills[ST_FAIL], c[ST_FAIL], "fail");
	stat_box(h, html_fills[ST_STALE], c[ST_STALE], "stale");
	stat_box(h, html_fills[ST_MISSING], c[ST_MISSING], "missing evidence");
	stat_box(h, html_fills[ST_MANUAL], c[ST_MANUAL], "need attestation");
	html_put(h, "</div>\n");
}

static void nav_bar(struct html *h)
{
	html_put(h, "<nav>Contents: <a href=\"#findings\">Findings</a><a href=\"#coverage\">"
		 "Coverage</a>");
	for (size_t f = 0; f < h->r->a->nfw; f++) {
		html_put(h, "<a href=\"#fw-");
		html_anchor_part(h, h->r->a->fw[f].cat->framework);
		html_put(h, "\">");
		html_esc(h, h->r->a->fw[f].cat->framework);
		html_put(h, "</a>");
	}
	html_put(h, "<a href=\"#conflicts\">Conflicts</a><a href=\"#record\">Decisions</a>"
		 "<a href=\"#verify\">How to verify</a></nav>\n");
}

static void page_header(struct html *h)
{
	html_put(h, "<header>\n<div class=\"kicker\">Compliance audit pack &middot; summary</div>\n"
		 "<h1>");
	html_esc(h, h->r->origin);
	html_put(h, "</h1>\n<p class=\"sub\">Evidence assessed against ");
	html_putf(h, "%zu framework%s as of ", h->r->a->nfw, h->r->a->nfw == 1 ? "" : "s");
	html_time_text(h, h->r->a->at);
	html_put(h, ". Every figure below can be checked against the signed evidence in this pack.</p>\n");
	html_verdict_line(h);
	meta_list(h);
	stats_row(h);
	nav_bar(h);
	html_put(h, "</header>\n");
}

static void page_footer(struct html *h)
{
	html_put(h, "<footer>Generated by auditpack ");
	html_esc(h, h->r->tool_version);
	html_put(h, " from log ");
	html_esc(h, h->r->origin);
	html_putf(h, " at checkpoint %" PRIu64 ", as of ", html_checkpoint(h->r)->size);
	html_time_text(h, h->r->a->at);
	html_put(h, ". This page is self-contained: it loads nothing from the network.</footer>\n"
		 "</main>\n</body>\n</html>\n");
}

int report_html(struct buf *out, const struct report_ctx *r)
{
	struct html h = { out, 0, r };

	page_head(&h);
	page_header(&h);
	html_findings_section(&h);
	html_coverage_section(&h);
	for (size_t f = 0; f < r->a->nfw; f++)
		html_framework_section(&h, &r->a->fw[f]);
	html_conflicts_section(&h);
	html_record_section(&h);
	html_verify_section(&h);
	page_footer(&h);
	return h.rc;
}
