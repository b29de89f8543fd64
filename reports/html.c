/*
 * html.c - reports/summary.html: one self-contained page for the auditor.
 *
 * Inline CSS and SVG only: no scripts, fonts, images or anything else the
 * browser would fetch, and a Content-Security-Policy that forbids it anyway.
 * Links point at files inside the pack, relative to reports/ ("../evidence/
 * N.payload"), or at anchors in the page.  Every string from the catalogues,
 * checks and evidence is escaped.  The page reads on screen and printed:
 * status is always written as text next to its colour, and each framework
 * starts on a new page.
 */
#include "report.h"
#include "pack.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Evidence links shown per check; the rest are in evidence/index.csv. */
#define MAX_EVIDENCE_LINKS 24

/* Chart geometry (SVG user units). */
#define CH_WIDTH 960
#define CH_LABEL 170
#define CH_BAR 660
#define CH_ROW 36
#define CH_BAR_H 22

/* The writer carries the first error, so the page is a flat list of calls. */
struct html {
	struct buf *b;
	int rc;
	const struct report_ctx *r;
};

static const char *const fills[ST_COUNT] = {
	[ST_PASS] = "#2da44e", [ST_FAIL] = "#cf222e", [ST_STALE] = "#d4a72c",
	[ST_MISSING] = "#fb8f44", [ST_MANUAL] = "#9ec5ef", [ST_NA] = "#d0d7de",
};

/* Text drawn on a bar segment of that status. */
static const char *const inks[ST_COUNT] = {
	[ST_PASS] = "#fff", [ST_FAIL] = "#fff", [ST_STALE] = "#24292f",
	[ST_MISSING] = "#24292f", [ST_MANUAL] = "#0a3069", [ST_NA] = "#24292f",
};

static const char css[] =
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

static void put(struct html *h, const char *s)
{
	if (!h->rc)
		h->rc = buf_puts(h->b, s);
}

static void putf(struct html *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void putf(struct html *h, const char *fmt, ...)
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
static void esc(struct html *h, const char *s)
{
	const char *run = s;

	if (!s)
		return;
	for (; *s && !h->rc; s++) {
		const char *e = entity((unsigned char)*s);

		if (!e)
			continue;
		h->rc = buf_append(h->b, run, (size_t)(s - run));
		put(h, e);
		run = s + 1;
	}
	if (!h->rc)
		h->rc = buf_append(h->b, run, strlen(run));
}

/* An id/fragment: letters, digits, '.', '_' and '-' kept, the rest '-'. */
static void anchor_part(struct html *h, const char *s)
{
	for (; s && *s && !h->rc; s++) {
		char c = *s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';

		h->rc = buf_append(h->b, ok ? &c : "-", 1);
	}
}

static void control_anchor(struct html *h, const struct framework_result *fr,
			   const struct control_result *cr)
{
	put(h, "c-");
	anchor_part(h, fr->cat->framework);
	put(h, "-");
	anchor_part(h, cr->control->id);
}

static void badge(struct html *h, enum status s, bool small)
{
	putf(h, "<span class=\"st%s st-%s\">%s</span>", small ? " sm" : "",
	     status_name(s), status_name(s));
}

static void time_text(struct html *h, int64_t t)
{
	char s[RFC3339_LEN];

	time_format(s, t);
	put(h, s);
}

static const struct checkpoint *ctx_checkpoint(const struct report_ctx *r)
{
	return r->cp ? r->cp : &r->a->cp;
}

static void verdict_line(struct html *h);

/* ---- head and header ---- */

static void page_head(struct html *h)
{
	put(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'; img-src data:\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>Audit pack: ");
	esc(h, h->r->origin);
	put(h, "</title>\n<style>\n");
	put(h, css);
	put(h, "</style>\n</head>\n<body>\n<main>\n");
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
			put(h, "no evidence in the pack");
			return;
		}
		time_text(h, lo);
		put(h, " to ");
		time_text(h, hi);
		put(h, " (all evidence collected up to the as-of time)");
		return;
	}
	if (r->from == INT64_MIN)
		put(h, "the start of the log");
	else
		time_text(h, r->from);
	put(h, " to ");
	if (r->to == INT64_MAX)
		put(h, "the as-of time");
	else
		time_text(h, r->to);
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
	const struct checkpoint *cp = ctx_checkpoint(h->r);
	char root[B64_LEN(MERKLE_HASH)];

	b64_encode(root, cp->root, MERKLE_HASH);
	put(h, "<dl class=\"meta\">\n<dt>Origin (log)</dt><dd>");
	esc(h, h->r->origin);
	put(h, "</dd>\n<dt>Assessed as of</dt><dd>");
	time_text(h, h->r->a->at);
	put(h, "</dd>\n<dt>Period covered</dt><dd>");
	period_text(h);
	putf(h, "</dd>\n<dt>Checkpoint</dt><dd>%" PRIu64 " entries, root <code>%s</code></dd>\n",
	     cp->size, root);
	putf(h, "<dt>Evidence in pack</dt><dd>%zu entries", h->r->nentries);
	if (erased_count(h->r))
		putf(h, " (%zu erased: listed, payload removed)", erased_count(h->r));
	put(h, "</dd>\n<dt>Signing key</dt><dd><code>");
	esc(h, h->r->vkey ? h->r->vkey : "(not given)");
	put(h, "</code></dd>\n<dt>Produced by</dt><dd>auditpack ");
	esc(h, h->r->tool_version);
	put(h, "</dd>\n</dl>\n");
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
	putf(h, "<div class=\"stat\" style=\"--c:%s\"><b>%" PRIu64 "</b><span>%s</span></div>\n",
	     colour, n, what);
}

static void stats_row(struct html *h)
{
	uint64_t c[ST_COUNT], all;

	total_counts(h->r->a, c, &all);
	put(h, "<div class=\"stats\">\n");
	stat_box(h, "#0b3d91", (uint64_t)h->r->a->nfw, "frameworks");
	stat_box(h, "#59636e", all, "controls assessed");
	stat_box(h, fills[ST_PASS], c[ST_PASS], "pass");
	stat_box(h, fills[ST_FAIL], c[ST_FAIL], "fail");
	stat_box(h, fills[ST_STALE], c[ST_STALE], "stale");
	stat_box(h, fills[ST_MISSING], c[ST_MISSING], "missing evidence");
	stat_box(h, fills[ST_MANUAL], c[ST_MANUAL], "need attestation");
	put(h, "</div>\n");
}

static void nav_bar(struct html *h)
{
	put(h, "<nav>Contents: <a href=\"#findings\">Findings</a><a href=\"#coverage\">"
	    "Coverage</a>");
	for (size_t f = 0; f < h->r->a->nfw; f++) {
		put(h, "<a href=\"#fw-");
		anchor_part(h, h->r->a->fw[f].cat->framework);
		put(h, "\">");
		esc(h, h->r->a->fw[f].cat->framework);
		put(h, "</a>");
	}
	put(h, "<a href=\"#conflicts\">Conflicts</a><a href=\"#record\">Decisions</a>"
	    "<a href=\"#verify\">How to verify</a></nav>\n");
}

static void page_header(struct html *h)
{
	put(h, "<header>\n<div class=\"kicker\">Compliance audit pack &middot; summary</div>\n"
	    "<h1>");
	esc(h, h->r->origin);
	put(h, "</h1>\n<p class=\"sub\">Evidence assessed against ");
	putf(h, "%zu framework%s as of ", h->r->a->nfw, h->r->a->nfw == 1 ? "" : "s");
	time_text(h, h->r->a->at);
	put(h, ". Every figure below can be checked against the signed evidence in this pack.</p>\n");
	verdict_line(h);
	meta_list(h);
	stats_row(h);
	nav_bar(h);
	put(h, "</header>\n");
}

/* ---- coverage chart ---- */

static void bar_segments(struct html *h, const struct framework_result *fr, double y)
{
	double x = CH_LABEL, total = (double)fr->n;

	putf(h, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#fff\" "
	     "stroke=\"#8c959f\" stroke-width=\"1\"/>\n", CH_LABEL, y, CH_BAR, CH_BAR_H);
	for (int s = 0; s < ST_COUNT && fr->n; s++) {
		double w = CH_BAR * (double)fr->counts[s] / total;

		if (!fr->counts[s])
			continue;
		putf(h, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\">"
		     "<title>", x, y, w, CH_BAR_H, fills[s]);
		esc(h, fr->cat->framework);
		putf(h, ": %" PRIu64 " %s</title></rect>\n", fr->counts[s], status_name((enum status)s));
		if (w >= 26)
			putf(h, "<text x=\"%.2f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
			     "font-weight=\"600\" fill=\"%s\">%" PRIu64 "</text>\n",
			     x + w / 2, y + 15.5, inks[s], fr->counts[s]);
		x += w;
	}
}

static void chart_row(struct html *h, const struct framework_result *fr, double y)
{
	put(h, "<a href=\"#fw-");
	anchor_part(h, fr->cat->framework);
	putf(h, "\"><text x=\"0\" y=\"%.1f\" font-size=\"14\" font-weight=\"600\" fill=\"#1f2328\">",
	     y + 16);
	esc(h, fr->cat->framework);
	put(h, "</text></a>\n");
	bar_segments(h, fr, y);
	putf(h, "<text x=\"%d\" y=\"%.1f\" font-size=\"15\" font-weight=\"700\" fill=\"#1f2328\">"
	     "%.0f%%</text>\n", CH_LABEL + CH_BAR + 14, y + 16.5, fr->coverage * 100);
	putf(h, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#59636e\">%" PRIu64 "/%zu</text>\n",
	     CH_LABEL + CH_BAR + 62, y + 16, fr->counts[ST_PASS], fr->n);
}

static void legend(struct html *h)
{
	put(h, "<div class=\"legend\">");
	for (int s = 0; s < ST_COUNT; s++)
		putf(h, "<span><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" "
		     "height=\"12\" rx=\"2\" fill=\"%s\"/></svg>%s</span>", fills[s],
		     status_name((enum status)s));
	put(h, "<span>percentage = coverage (controls passing / all controls)</span></div>\n");
}

static void coverage_chart(struct html *h)
{
	const struct assessment *a = h->r->a;
	size_t height = a->nfw * CH_ROW + 6;

	putf(h, "<svg class=\"chart\" viewBox=\"0 0 %d %zu\" role=\"img\" "
	     "aria-label=\"Coverage per framework\">\n", CH_WIDTH, height);
	for (size_t f = 0; f < a->nfw; f++)
		chart_row(h, &a->fw[f], 4.0 + (double)(f * CH_ROW));
	put(h, "</svg>\n");
	legend(h);
}

static void counts_row(struct html *h, const struct framework_result *fr)
{
	put(h, "<tr><td><a href=\"#fw-");
	anchor_part(h, fr->cat->framework);
	put(h, "\"><b>");
	esc(h, fr->cat->framework);
	put(h, "</b></a><br><span class=\"note\">");
	esc(h, fr->cat->title);
	putf(h, "</span></td><td class=\"num\">%zu</td>", fr->n);
	for (int s = 0; s < ST_COUNT; s++)
		putf(h, "<td class=\"num\">%" PRIu64 "</td>", fr->counts[s]);
	putf(h, "<td class=\"num\"><b>%.0f%%</b></td></tr>\n", fr->coverage * 100);
}

static void coverage_section(struct html *h)
{
	put(h, "<section id=\"coverage\">\n<h2>Coverage per framework</h2>\n");
	if (!h->r->a->nfw)
		put(h, "<p>No framework was assessed.</p>\n");
	else
		coverage_chart(h);
	put(h, "<table class=\"counts\">\n<thead><tr><th>Framework</th><th class=\"num\">Controls</th>");
	for (int s = 0; s < ST_COUNT; s++)
		putf(h, "<th class=\"num\">%s</th>", s == ST_NA ? "n/a" : status_name((enum status)s));
	put(h, "<th class=\"num\">Coverage</th></tr></thead>\n<tbody>\n");
	for (size_t f = 0; f < h->r->a->nfw; f++)
		counts_row(h, &h->r->a->fw[f]);
	put(h, "</tbody>\n</table>\n</section>\n");
}

/* ---- checks and evidence links ---- */

static void evidence_link(struct html *h, uint64_t n)
{
	const struct pack_entry *pe = report_entry_find(h->r, n);

	put(h, "<span class=\"e\">");
	if (!pe) {
		putf(h, "#%" PRIu64 " (not in this pack)</span> ", n);
		return;
	}
	putf(h, "<a class=\"n\" href=\"entries/%" PRIu64 ".html\">#%" PRIu64 "%s</a> ", n, n,
	     pe->e->erased ? " erased" : "");
	esc(h, pe->e->kind);
	if (!pe->e->erased)
		putf(h, " &middot; <a href=\"../evidence/%" PRIu64 ".payload\">payload</a>", n);
	putf(h, " &middot; <a href=\"../evidence/%" PRIu64 ".leaf\">leaf</a> &middot; "
	     "<a href=\"../evidence/%" PRIu64 ".proof\">proof</a></span> ", n, n);
}

static void evidence_links(struct html *h, const json_t *ev, const char *lead)
{
	size_t n = json_array_size(ev);

	if (!n)
		return;
	putf(h, "<span class=\"ev\">%s ", lead);
	for (size_t i = 0; i < n && i < MAX_EVIDENCE_LINKS; i++)
		evidence_link(h, (uint64_t)json_integer_value(json_array_get(ev, i)));
	if (n > MAX_EVIDENCE_LINKS)
		putf(h, "and %zu more (see ../evidence/index.csv)", n - MAX_EVIDENCE_LINKS);
	put(h, "</span>");
}

/* An obligation that binds later says so before its reason. */
static void applies_from_note(struct html *h, const struct control_result *cr)
{
	char from[RFC3339_LEN];

	if (!cr->applies_from)
		return;
	time_format(from, cr->applies_from);
	from[10] = '\0';
	putf(h, "<b class=\"applies-from\">applies from %s</b> ", from);
}

static void check_item(struct html *h, const struct check_result *res)
{
	put(h, "<li>");
	badge(h, res->status, true);
	put(h, " <code title=\"");
	esc(h, res->check->title);
	put(h, "\">");
	esc(h, res->check->id);
	put(h, "</code>");
	if (res->nfindings && res->status != ST_PASS) {
		put(h, " <a href=\"#k-");
		anchor_part(h, res->check->id);
		putf(h, "\">%zu finding%s</a></li>", res->nfindings, res->nfindings == 1 ? "" : "s");
		return;
	}
	put(h, "<span class=\"detail\">");
	esc(h, res->detail);
	put(h, "</span>");
	evidence_links(h, res->evidence, "evidence:");
	put(h, "</li>");
}

/* The control's checks; with `open_only`, those a person must act on
 * (the passing ones are counted, and listed in the framework's table). */
static void check_list(struct html *h, const struct control_result *cr, bool open_only)
{
	const struct assessment *a = h->r->a;
	size_t passed = 0;

	if (!cr->nchecks && !json_array_size(cr->evidence)) {
		put(h, "<span class=\"note\">no automated check</span>");
		return;
	}
	put(h, "<ul class=\"checks\">");
	for (size_t k = 0; k < cr->nchecks; k++) {
		const struct check_result *res = &a->checks[cr->checks[k]];

		if (open_only && res->status == ST_PASS)
			passed++;
		else
			check_item(h, res);
	}
	if (passed)
		putf(h, "<li class=\"note\">and %zu passing check%s</li>", passed,
		     passed == 1 ? "" : "s");
	if (json_array_size(cr->evidence)) {
		put(h, "<li>");
		evidence_links(h, cr->evidence, "attested by:");
		put(h, "</li>");
	}
	put(h, "</ul>");
}

/* ---- findings, grouped by check ---- */

static bool needs_action(enum status s)
{
	return s == ST_FAIL || s == ST_STALE || s == ST_MISSING;
}

/* The control's row in its framework's table, by framework and control id. */
static void control_chip(struct html *h, const char *fw, const struct control *c)
{
	put(h, "<a class=\"chip\" href=\"#c-");
	anchor_part(h, fw);
	put(h, "-");
	anchor_part(h, c->id);
	put(h, "\">");
	esc(h, fw);
	put(h, " ");
	esc(h, c->label);
	put(h, "</a>");
}

static void finding_item(struct html *h, const struct finding *f)
{
	put(h, "<li>");
	badge(h, (enum status)f->status, true);
	put(h, " <span class=\"subj\">");
	esc(h, f->subject);
	put(h, "</span> <span class=\"fid\">");
	esc(h, f->id);
	if (f->accepted) {
		put(h, " &middot; accepted: ");
		esc(h, f->accepted);
	}
	put(h, "</span><span class=\"msg\">");
	esc(h, f->message);
	put(h, "</span>");
	evidence_links(h, f->evidence, "evidence:");
	put(h, "</li>\n");
}

static void check_findings(struct html *h, const struct check_result *r)
{
	const struct assessment *a = h->r->a;

	putf(h, "<div class=\"item\" style=\"--c:%s\" id=\"k-", fills[r->status]);
	anchor_part(h, r->check->id);
	put(h, "\"><div class=\"head\">");
	badge(h, r->status, false);
	esc(h, r->check->title);
	put(h, " <code>");
	esc(h, r->check->id);
	putf(h, "</code> &middot; %zu finding%s</div>\n", r->nfindings, r->nfindings == 1 ? "" : "s");
	if (r->check->remediation) {
		put(h, "<p class=\"fix\"><b>What to do:</b> ");
		esc(h, r->check->remediation);
		put(h, "</p>\n");
	}
	put(h, "<div class=\"ctls\">Affects: ");
	for (size_t f = 0; f < a->nfw; f++)
		for (size_t m = 0; m < r->check->nmaps; m++)
			if (!strcmp(r->check->maps[m].framework, a->fw[f].cat->framework))
				control_chip(h, a->fw[f].cat->framework, r->check->maps[m].control);
	put(h, "</div>\n<ul class=\"findings\">\n");
	for (size_t i = 0; i < r->nfindings; i++)
		finding_item(h, &r->findings[i]);
	put(h, "</ul></div>\n");
}

/* Open findings and the controls they touch (each control counted once). */
static void finding_totals(const struct assessment *a, size_t *nfind, size_t *nctl)
{
	*nfind = *nctl = 0;
	for (size_t i = 0; i < a->nchecks; i++)
		if (needs_action(a->checks[i].status) && result_in_scope(a, &a->checks[i]))
			*nfind += a->checks[i].nfindings;
	for (size_t f = 0; f < a->nfw; f++)
		for (size_t i = 0; i < a->fw[f].n; i++)
			*nctl += needs_action(a->fw[f].v[i].status);
}

static void findings_section(struct html *h)
{
	const struct assessment *a = h->r->a;
	static const enum status order[] = { ST_FAIL, ST_MISSING, ST_STALE };
	size_t nfind, nctl;

	finding_totals(a, &nfind, &nctl);
	putf(h, "<section id=\"findings\">\n<h2>Findings: %zu</h2>\n", nfind);
	put(h, "<p class=\"note\">One per thing at fault, grouped by the check that found it, "
	    "with what to do and every control it affects. The id stays the same in every "
	    "assessment (<code>auditpack diff</code> compares them).</p>\n");
	if (!nfind)
		put(h, "<p>Nothing is failing, stale or missing.</p>\n");
	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++)
		for (size_t i = 0; i < a->nchecks; i++)
			if (a->checks[i].status == order[o] && a->checks[i].nfindings &&
			    result_in_scope(a, &a->checks[i]))
				check_findings(h, &a->checks[i]);
	put(h, "</section>\n");
}

/* The verdict: how many findings, how many controls they touch, and the
 * newest release decision in the pack. */
static void verdict_line(struct html *h)
{
	const struct pack_entry *gate = NULL;
	size_t nfind, nctl;

	finding_totals(h->r->a, &nfind, &nctl);
	for (size_t i = 0; i < h->r->nentries; i++)
		if (!strcmp(h->r->entries[i].e->kind, "gate-decision"))
			gate = &h->r->entries[i];
	putf(h, "<p class=\"verdict\" style=\"--c:%s\">", nfind ? fills[ST_FAIL] : fills[ST_PASS]);
	if (nfind)
		putf(h, "<a href=\"#findings\">%zu finding%s</a> touch%s %zu control%s", nfind,
		     nfind == 1 ? "" : "s", nfind == 1 ? "es" : "", nctl, nctl == 1 ? "" : "s");
	else
		put(h, "No findings: every assessed control passes, is attested, excluded or manual");
	if (gate) {
		const char *v = json_string_value(json_object_get(gate->e->attrs, "verdict"));

		putf(h, "; the last release gate %s (", v && !strcmp(v, "pass") ? "passed" : "FAILED");
		time_text(h, gate->e->collected);
		putf(h, ", <a href=\"entries/%" PRIu64 ".html\">entry %" PRIu64 "</a>)",
		     gate->e->index, gate->e->index);
	} else {
		put(h, "; no release gate decision is in this pack");
	}
	put(h, ".</p>\n");
}

/* ---- one framework ---- */

static void group_row(struct html *h, const struct control *c, const char **group)
{
	const char *g = c->group ? c->group : "";

	if (*group && !strcmp(*group, g))
		return;
	*group = g;
	if (!*g)
		return;
	put(h, "<tr class=\"grp\"><th colspan=\"4\">");
	esc(h, g);
	put(h, "</th></tr>\n");
}

/* A failing control's reason is its checks' findings: name the checks and
 * link them, rather than repeat every finding in every control. */
static void control_reason(struct html *h, const struct control_result *cr)
{
	const struct assessment *a = h->r->a;
	bool any = false;

	if (needs_action(cr->status))
		for (size_t k = 0; k < cr->nchecks; k++) {
			const struct check_result *r = &a->checks[cr->checks[k]];

			if (!needs_action(r->status) || !r->nfindings)
				continue;
			put(h, any ? "; " : "");
			esc(h, r->check->title);
			put(h, " (<a href=\"#k-");
			anchor_part(h, r->check->id);
			putf(h, "\">%zu finding%s</a>)", r->nfindings, r->nfindings == 1 ? "" : "s");
			any = true;
		}
	if (!any)
		esc(h, cr->reason);
}

static void control_row(struct html *h, const struct framework_result *fr,
			const struct control_result *cr)
{
	putf(h, "<tr class=\"row-%s\" id=\"", status_name(cr->status));
	control_anchor(h, fr, cr);
	put(h, "\"><td class=\"ctl\"><b>");
	esc(h, cr->control->label);
	put(h, "</b><span class=\"ttl\">");
	esc(h, cr->control->title);
	put(h, "</span></td><td class=\"status\">");
	badge(h, cr->status, false);
	put(h, "</td><td class=\"reason\">");
	applies_from_note(h, cr);
	control_reason(h, cr);
	put(h, "</td><td>");
	check_list(h, cr, false);
	put(h, "</td></tr>\n");
}

static void framework_head(struct html *h, const struct framework_result *fr)
{
	put(h, "<section class=\"fw\" id=\"fw-");
	anchor_part(h, fr->cat->framework);
	put(h, "\">\n<h2>");
	esc(h, fr->cat->framework);
	put(h, ": ");
	esc(h, fr->cat->title);
	put(h, "</h2>\n<p class=\"note\">");
	if (fr->cat->version) {
		put(h, "Catalogue version ");
		esc(h, fr->cat->version);
		put(h, " &middot; ");
	}
	putf(h, "%zu controls &middot; coverage <b>%.0f%%</b>", fr->n, fr->coverage * 100);
	for (int s = 0; s < ST_COUNT; s++)
		putf(h, " &middot; %" PRIu64 " %s", fr->counts[s], status_name((enum status)s));
	put(h, "</p>\n");
	if (fr->cat->source) {
		put(h, "<p class=\"note\">Source: ");
		esc(h, fr->cat->source);
		put(h, "</p>\n");
	}
}

static void manual_list(struct html *h, const struct framework_result *fr)
{
	if (!fr->counts[ST_MANUAL])
		return;
	putf(h, "<h3>Manual: %" PRIu64 " control%s to attest</h3>\n<p class=\"note\">No "
	     "automated check covers these and no valid attestation exists: a person assesses "
	     "and attests each (<code>auditpack attest</code>).</p>\n<ul class=\"manual\">",
	     fr->counts[ST_MANUAL], fr->counts[ST_MANUAL] == 1 ? "" : "s");
	for (size_t i = 0; i < fr->n; i++) {
		const struct control_result *cr = &fr->v[i];

		if (cr->status != ST_MANUAL)
			continue;
		put(h, "<li id=\"");
		control_anchor(h, fr, cr);
		put(h, "\"><b>");
		esc(h, cr->control->label);
		put(h, "</b> ");
		esc(h, cr->control->title);
		put(h, "</li>");
	}
	put(h, "</ul>\n");
}

static void framework_section(struct html *h, const struct framework_result *fr)
{
	const char *group = NULL;

	framework_head(h, fr);
	if (fr->counts[ST_MANUAL] < fr->n)
		put(h, "<table class=\"ctls\">\n<thead><tr><th>Control</th><th>Status</th>"
		    "<th>Reason</th><th>Checks and evidence</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < fr->n; i++) {
		if (fr->v[i].status == ST_MANUAL)
			continue;
		group_row(h, fr->v[i].control, &group);
		control_row(h, fr, &fr->v[i]);
	}
	if (fr->counts[ST_MANUAL] < fr->n)
		put(h, "</tbody>\n</table>\n");
	manual_list(h, fr);
	put(h, "</section>\n");
}

/* ---- conflicts, verification ---- */

/* "fw:label" as a link to the control when it is in this assessment. */
static void conflict_chip(struct html *h, const char *ref)
{
	const char *colon = ref ? strchr(ref, ':') : NULL;
	const struct assessment *a = h->r->a;

	for (size_t f = 0; colon && f < a->nfw; f++) {
		const struct framework_result *fr = &a->fw[f];
		const struct control *c;

		if (strlen(fr->cat->framework) != (size_t)(colon - ref) ||
		    strncmp(fr->cat->framework, ref, (size_t)(colon - ref)) ||
		    !(c = catalog_find(fr->cat, colon + 1)))
			continue;
		for (size_t i = 0; i < fr->n; i++) {
			if (fr->v[i].control != c)
				continue;
			put(h, "<a class=\"chip\" href=\"#");
			control_anchor(h, fr, &fr->v[i]);
			put(h, "\">");
			esc(h, ref);
			put(h, "</a>");
			return;
		}
	}
	put(h, "<span class=\"chip\">");
	esc(h, ref);
	put(h, "</span>");
}

static void conflicts_section(struct html *h)
{
	const json_t *all = h->r->a->conflicts, *c;
	size_t i;

	put(h, "<section id=\"conflicts\">\n<h2>Conflicts between obligations</h2>\n");
	if (!json_array_size(all))
		put(h, "<p>No conflicts between the obligations of the frameworks in this pack.</p>\n");
	json_array_foreach(all, i, c) {
		const json_t *ctls = json_object_get(c, "controls"), *v;
		size_t j;

		put(h, "<div class=\"item\" style=\"--c:#8250df\"><div>");
		json_array_foreach(ctls, j, v)
			conflict_chip(h, json_string_value(v));
		put(h, "</div>\n<p>");
		esc(h, json_string_value(json_object_get(c, "note")));
		put(h, "</p></div>\n");
	}
	put(h, "</section>\n");
}

static const char *attr_str(const struct evidence *e, const char *key)
{
	return json_string_value(json_object_get(e->attrs, key));
}

static void decision_row(struct html *h, const struct pack_entry *pe)
{
	const struct evidence *e = pe->e;
	const char *verdict = attr_str(e, "verdict"), *sha = attr_str(e, "policy_sha256");
	size_t nfail = json_array_size(json_object_get(e->attrs, "failing"));

	put(h, "<tr><td>");
	evidence_link(h, e->index);
	put(h, "</td><td>");
	time_text(h, e->collected);
	put(h, "</td><td>");
	esc(h, attr_str(e, "release") ? attr_str(e, "release") : "—");
	put(h, "</td><td>");
	badge(h, verdict && !strcmp(verdict, "pass") ? ST_PASS : ST_FAIL, true);
	putf(h, "</td><td class=\"num\">%zu</td><td><code>", nfail);
	esc(h, sha ? sha : "?");
	put(h, "</code></td></tr>\n");
}

static void tombstone_row(struct html *h, const struct pack_entry *pe)
{
	const struct evidence *e = pe->e;
	const json_t *erased = json_object_get(e->attrs, "erased"), *v;
	size_t i;

	put(h, "<tr><td>");
	evidence_link(h, e->index);
	put(h, "</td><td>");
	time_text(h, e->collected);
	put(h, "</td><td>");
	esc(h, attr_str(e, "action") ? attr_str(e, "action") : "?");
	put(h, "</td><td>");
	esc(h, attr_str(e, "reason") ? attr_str(e, "reason") : "");
	put(h, "</td><td>");
	json_array_foreach(erased, i, v)
		putf(h, "%s#%" JSON_INTEGER_FORMAT, i ? ", " : "", json_integer_value(v));
	put(h, "</td></tr>\n");
}

/* Release decisions (gate) and erasures (tombstones): the records of what
 * people and pipelines decided about the evidence. */
static void record_section(struct html *h)
{
	size_t ndec = 0, ntomb = 0;

	for (size_t i = 0; i < h->r->nentries; i++) {
		ndec += !strcmp(h->r->entries[i].e->kind, "gate-decision");
		ntomb += !strcmp(h->r->entries[i].e->kind, "tombstone");
	}
	put(h, "<section id=\"record\">\n<h2>Release decisions and erasures</h2>\n");
	if (!ndec)
		put(h, "<p>No release gate decision is in this pack.</p>\n");
	else
		put(h, "<table class=\"rec\">\n<thead><tr><th>Entry</th><th>Decided</th><th>Release</th>"
		    "<th>Verdict</th><th class=\"num\">Failing controls</th><th>Policy SHA-256 "
		    "(the entry's payload)</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < h->r->nentries; i++)
		if (!strcmp(h->r->entries[i].e->kind, "gate-decision"))
			decision_row(h, &h->r->entries[i]);
	if (ndec)
		put(h, "</tbody></table>\n");
	if (!ntomb)
		put(h, "<p>No evidence in this pack has been erased or pruned.</p>\n");
	else
		put(h, "<table class=\"rec\">\n<thead><tr><th>Entry</th><th>Recorded</th><th>Action</th>"
		    "<th>Reason</th><th>Payloads removed</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < h->r->nentries; i++)
		if (!strcmp(h->r->entries[i].e->kind, "tombstone"))
			tombstone_row(h, &h->r->entries[i]);
	if (ntomb)
		put(h, "</tbody></table>\n");
	put(h, "</section>\n");
}

static void verify_by_hand(struct html *h)
{
	putf(h, "<li><b>By hand</b>, with <code>sha256sum</code>, <code>openssl</code> and "
	     "<code>python3</code> (<code>README.txt</code> in the pack has the details):\n<pre>"
	     "unzip -q PACK.zip -d pack &amp;&amp; cd pack\n"
	     "# 1. every file's digest against the signed manifest (none may be missing or extra)\n"
	     "python3 -c 'import json,base64; e=json.load(open(\"manifest.dsse.json\"))\n"
	     "open(\"statement.json\",\"wb\").write(base64.b64decode(e[\"payload\"]))\n"
	     "open(\"sig.bin\",\"wb\").write(base64.b64decode(e[\"signatures\"][0][\"sig\"]))\n"
	     "[print(x[\"digest\"][\"sha256\"]+\"  \"+x[\"name\"]) for x in "
	     "json.load(open(\"statement.json\"))[\"subject\"]]' | sha256sum -c\n"
	     "# 2. the DSSE signature: Ed25519 over PAE(type, statement)\n"
	     "printf 'DSSEv1 %zu %s %%s ' \"$(stat -c %%s statement.json)\" &gt; pae.bin\n"
	     "cat statement.json &gt;&gt; pae.bin\n"
	     "openssl pkeyutl -verify -pubin -inkey YOUR-PINNED-KEY.pem -rawin "
	     "-in pae.bin -sigfile sig.bin</pre>\n",
	     strlen(PACK_PAYLOAD_TYPE), PACK_PAYLOAD_TYPE);
	put(h, "Then the checkpoint's signature, and for each entry N: "
	    "<code>evidence/N.proof</code> is an inclusion proof of <code>evidence/N.leaf</code> "
	    "against the checkpoint, and the leaf commits to <code>N.payload</code>, "
	    "<code>N.salt</code> and <code>N.attrs.json</code>. Erased entries keep their leaf "
	    "and proof; a tombstone entry names them.</li>\n");
}

static void verify_section(struct html *h)
{
	put(h, "<section id=\"verify\">\n<h2>How to verify this pack</h2>\n<p>Do not trust this "
	    "page: it is one of the files the signed manifest covers. Pin the organisation's "
	    "verifier key through a separate channel; the copy in <code>keys/</code> is for "
	    "information.</p>\n<ol class=\"steps\">\n<li><b>With auditpack</b> (checks the "
	    "signature, every digest, no missing or extra file, the checkpoint, every inclusion "
	    "proof and payload commitment, and tombstones):\n<pre>auditpack verify-pack PACK.zip "
	    "--vkey '");
	esc(h, h->r->vkey ? h->r->vkey : "VKEY");
	put(h, "'</pre></li>\n");
	verify_by_hand(h);
	put(h, "</ol>\n<h3>The signed checkpoint this pack is cut at</h3>\n<pre>");
	esc(h, h->r->checkpoint_note ? h->r->checkpoint_note : "(not given)");
	put(h, "</pre>\n</section>\n");
}

static void page_footer(struct html *h)
{
	put(h, "<footer>Generated by auditpack ");
	esc(h, h->r->tool_version);
	put(h, " from log ");
	esc(h, h->r->origin);
	putf(h, " at checkpoint %" PRIu64 ", as of ", ctx_checkpoint(h->r)->size);
	time_text(h, h->r->a->at);
	put(h, ". This page is self-contained: it loads nothing from the network.</footer>\n"
	    "</main>\n</body>\n</html>\n");
}

int report_html(struct buf *out, const struct report_ctx *r)
{
	struct html h = { out, 0, r };

	page_head(&h);
	page_header(&h);
	findings_section(&h);
	coverage_section(&h);
	for (size_t f = 0; f < r->a->nfw; f++)
		framework_section(&h, &r->a->fw[f]);
	conflicts_section(&h);
	record_section(&h);
	verify_section(&h);
	page_footer(&h);
	return h.rc;
}

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
	putf(h, "<dt>%s</dt><dd><code>%s</code></dd>\n", what, hex);
}

static void pre_text(struct html *h, const char *s, size_t len)
{
	char *copy = strndup(s ? s : "", s ? len : 0);

	put(h, "<pre>");
	if (!copy)
		h->rc = h->rc ? h->rc : err_set(ERR_NOMEM, "out of memory");
	else
		esc(h, copy);
	free(copy);
	put(h, "</pre>\n");
}

int report_entry_html(struct buf *out, const struct report_ctx *r, const struct pack_entry *pe)
{
	struct html h = { out, 0, r };
	const struct evidence *e = pe->e;
	char name[96], *attrs = json_dumps(e->attrs, JSON_INDENT(2) | JSON_SORT_KEYS);
	const char *type;
	uint64_t n = e->index;

	payload_type(e, name, sizeof(name), &type);
	put(&h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	putf(&h, "<title>Entry %" PRIu64 ": ", n);
	esc(&h, e->kind);
	put(&h, "</title>\n<style>\n");
	put(&h, css);
	putf(&h, "</style>\n</head>\n<body>\n<main>\n<header>\n<div class=\"kicker\">Evidence "
	     "entry &middot; <a href=\"../summary.html\">back to the summary</a></div>\n"
	     "<h1>Entry %" PRIu64 ": ", n);
	esc(&h, e->kind);
	put(&h, "</h1>\n<p class=\"sub\">From source <b>");
	esc(&h, e->source);
	put(&h, "</b> in log ");
	esc(&h, r->origin);
	put(&h, ".</p>\n</header>\n<dl class=\"meta\">\n<dt>Subject</dt><dd>");
	esc(&h, e->subject);
	put(&h, "</dd>\n<dt>Effective</dt><dd>");
	time_text(&h, e->eff_from);
	put(&h, " to ");
	time_text(&h, e->eff_to);
	put(&h, "</dd>\n<dt>Collected</dt><dd>");
	time_text(&h, e->collected);
	putf(&h, "</dd>\n<dt>Payload</dt><dd>%" PRIu64 " bytes", pe->payload_size);
	if (e->erased)
		put(&h, ", erased (a tombstone entry names it); the leaf still verifies");
	else
		putf(&h, ": <a href=\"../../evidence/%" PRIu64 ".payload\" type=\"%s\" "
		     "download=\"%s\">%s</a> (%s)", n, type, name, name, type);
	put(&h, "</dd>\n");
	if (!e->erased)
		hex_dd(&h, "Payload SHA-256", pe->payload_sha256);
	hex_dd(&h, "Commitment C", pe->commitment);
	putf(&h, "<dt>Files</dt><dd><a href=\"../../evidence/%" PRIu64 ".leaf\">leaf</a> &middot; "
	     "<a href=\"../../evidence/%" PRIu64 ".attrs.json\">attrs.json</a> &middot; "
	     "<a href=\"../../evidence/%" PRIu64 ".proof\">proof</a>", n, n, n);
	put(&h, "</dd>\n</dl>\n<h2>Leaf (what the log signed)</h2>\n");
	pre_text(&h, pe->leaf, pe->leaf_len);
	put(&h, "<h2>Attrs (what assessments read)</h2>\n");
	pre_text(&h, attrs, attrs ? strlen(attrs) : 0);
	put(&h, "<h2>Inclusion proof against the pack's checkpoint</h2>\n");
	pre_text(&h, pe->proof, pe->proof_len);
	put(&h, "<p class=\"note\">C = SHA-256(\"auditpack/payload/v1\\n\" || salt || payload); the "
	    "leaf commits to C and to the attrs' SHA-256; the proof ties the leaf to the signed "
	    "checkpoint (see the summary's \"How to verify\").</p>\n</main>\n</body>\n</html>\n");
	free(attrs);
	return h.rc;
}
