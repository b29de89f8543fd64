/*
 * html_summary.c - the sections of reports/summary.html below its header:
 * findings, the coverage chart, one table per framework, conflicts,
 * release decisions and erasures, and how to verify the pack by hand.
 */
#include "html_internal.h"
#include "../common/encode.h"
#include "../common/err.h"
#include "../common/timeutil.h"

#include <inttypes.h>
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

/* Text drawn on a bar segment of that status. */
static const char *const inks[ST_COUNT] = {
	[ST_PASS] = "#fff", [ST_FAIL] = "#fff", [ST_STALE] = "#24292f",
	[ST_MISSING] = "#24292f", [ST_MANUAL] = "#0a3069", [ST_NA] = "#24292f",
};

/* ---- coverage chart ---- */

static void bar_segments(struct html *h, const struct framework_result *fr, double y)
{
	double x = CH_LABEL, total = (double)fr->n;

	html_putf(h, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#fff\" "
		  "stroke=\"#8c959f\" stroke-width=\"1\"/>\n", CH_LABEL, y, CH_BAR, CH_BAR_H);
	for (int s = 0; s < ST_COUNT && fr->n; s++) {
		double w = CH_BAR * (double)fr->counts[s] / total;

		if (!fr->counts[s])
			continue;
		html_putf(h, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\">"
			  "<title>", x, y, w, CH_BAR_H, html_fills[s]);
		html_esc(h, fr->cat->framework);
		html_putf(h, ": %" PRIu64 " %s</title></rect>\n", fr->counts[s], status_name((enum status)s));
		if (w >= 26)
			html_putf(h, "<text x=\"%.2f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\" "
				  "font-weight=\"600\" fill=\"%s\">%" PRIu64 "</text>\n",
				  x + w / 2, y + 15.5, inks[s], fr->counts[s]);
		x += w;
	}
}

static void chart_row(struct html *h, const struct framework_result *fr, double y)
{
	html_put(h, "<a href=\"#fw-");
	html_anchor_part(h, fr->cat->framework);
	html_putf(h, "\"><text x=\"0\" y=\"%.1f\" font-size=\"14\" font-weight=\"600\" fill=\"#1f2328\">",
		  y + 16);
	html_esc(h, fr->cat->framework);
	html_put(h, "</text></a>\n");
	bar_segments(h, fr, y);
	html_putf(h, "<text x=\"%d\" y=\"%.1f\" font-size=\"15\" font-weight=\"700\" fill=\"#1f2328\">"
		  "%.0f%%</text>\n", CH_LABEL + CH_BAR + 14, y + 16.5, fr->coverage * 100);
	html_putf(h, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#59636e\">%" PRIu64
		  "/%zu</text>\n", CH_LABEL + CH_BAR + 62, y + 16, fr->counts[ST_PASS], fr->n);
}

static void legend(struct html *h)
{
	html_put(h, "<div class=\"legend\">");
	for (int s = 0; s < ST_COUNT; s++)
		html_putf(h, "<span><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" "
			  "height=\"12\" rx=\"2\" fill=\"%s\"/></svg>%s</span>", html_fills[s],
			  status_name((enum status)s));
	html_put(h, "<span>percentage = coverage (controls passing / all controls)</span></div>\n");
}

static void coverage_chart(struct html *h)
{
	const struct assessment *a = h->r->a;
	size_t height = a->nfw * CH_ROW + 6;

	html_putf(h, "<svg class=\"chart\" viewBox=\"0 0 %d %zu\" role=\"img\" "
		  "aria-label=\"Coverage per framework\">\n", CH_WIDTH, height);
	for (size_t f = 0; f < a->nfw; f++)
		chart_row(h, &a->fw[f], 4.0 + (double)(f * CH_ROW));
	html_put(h, "</svg>\n");
	legend(h);
}

static void counts_row(struct html *h, const struct framework_result *fr)
{
	html_put(h, "<tr><td><a href=\"#fw-");
	html_anchor_part(h, fr->cat->framework);
	html_put(h, "\"><b>");
	html_esc(h, fr->cat->framework);
	html_put(h, "</b></a><br><span class=\"note\">");
	html_esc(h, fr->cat->title);
	html_putf(h, "</span></td><td class=\"num\">%zu</td>", fr->n);
	for (int s = 0; s < ST_COUNT; s++)
		html_putf(h, "<td class=\"num\">%" PRIu64 "</td>", fr->counts[s]);
	html_putf(h, "<td class=\"num\"><b>%.0f%%</b></td></tr>\n", fr->coverage * 100);
}

void html_coverage_section(struct html *h)
{
	html_put(h, "<section id=\"coverage\">\n<h2>Coverage per framework</h2>\n");
	if (!h->r->a->nfw)
		html_put(h, "<p>No framework was assessed.</p>\n");
	else
		coverage_chart(h);
	html_put(h, "<table class=\"counts\">\n<thead><tr><th>Framework</th>"
		 "<th class=\"num\">Controls</th>");
	for (int s = 0; s < ST_COUNT; s++)
		html_putf(h, "<th class=\"num\">%s</th>", s == ST_NA ? "n/a" : status_name((enum status)s));
	html_put(h, "<th class=\"num\">Coverage</th></tr></thead>\n<tbody>\n");
	for (size_t f = 0; f < h->r->a->nfw; f++)
		counts_row(h, &h->r->a->fw[f]);
	html_put(h, "</tbody>\n</table>\n</section>\n");
}

/* ---- checks and evidence links ---- */

static void evidence_link(struct html *h, uint64_t n)
{
	const struct pack_entry *pe = report_entry_find(h->r, n);

	html_put(h, "<span class=\"e\">");
	if (!pe) {
		html_putf(h, "#%" PRIu64 " (not in this pack)</span> ", n);
		return;
	}
	html_putf(h, "<a class=\"n\" href=\"entries/%" PRIu64 ".html\">#%" PRIu64 "%s</a> ", n, n,
		  pe->e->erased ? " erased" : "");
	html_esc(h, pe->e->kind);
	if (!pe->e->erased)
		html_putf(h, " &middot; <a href=\"../evidence/%" PRIu64 ".payload\">payload</a>", n);
	html_putf(h, " &middot; <a href=\"../evidence/%" PRIu64 ".leaf\">leaf</a> &middot; "
		  "<a href=\"../evidence/%" PRIu64 ".proof\">proof</a></span> ", n, n);
}

static void evidence_links(struct html *h, const json_t *ev, const char *lead)
{
	size_t n = json_array_size(ev);

	if (!n)
		return;
	html_putf(h, "<span class=\"ev\">%s ", lead);
	for (size_t i = 0; i < n && i < MAX_EVIDENCE_LINKS; i++)
		evidence_link(h, (uint64_t)json_integer_value(json_array_get(ev, i)));
	if (n > MAX_EVIDENCE_LINKS)
		html_putf(h, "and %zu more (see ../evidence/index.csv)", n - MAX_EVIDENCE_LINKS);
	html_put(h, "</span>");
}

/* An obligation that binds later says so before its reason. */
static void applies_from_note(struct html *h, const struct control_result *cr)
{
	char from[RFC3339_LEN];

	if (!cr->applies_from)
		return;
	time_format(from, cr->applies_from);
	from[10] = '\0';
	html_putf(h, "<b class=\"applies-from\">applies from %s</b> ", from);
}

static void check_item(struct html *h, const struct check_result *res)
{
	html_put(h, "<li>");
	html_badge(h, res->status, true);
	html_put(h, " <code title=\"");
	html_esc(h, res->check->title);
	html_put(h, "\">");
	html_esc(h, res->check->id);
	html_put(h, "</code>");
	if (res->nfindings && res->status != ST_PASS) {
		html_put(h, " <a href=\"#k-");
		html_anchor_part(h, res->check->id);
		html_putf(h, "\">%zu finding%s</a></li>", res->nfindings, res->nfindings == 1 ? "" : "s");
		return;
	}
	html_put(h, "<span class=\"detail\">");
	html_esc(h, res->detail);
	html_put(h, "</span>");
	evidence_links(h, res->evidence, "evidence:");
	html_put(h, "</li>");
}

/* The control's checks; with `open_only`, those a person must act on
 * (the passing ones are counted, and listed in the framework's table). */
static void check_list(struct html *h, const struct control_result *cr, bool open_only)
{
	const struct assessment *a = h->r->a;
	size_t passed = 0;

	if (!cr->nchecks && !json_array_size(cr->evidence)) {
		html_put(h, "<span class=\"note\">no automated check</span>");
		return;
	}
	html_put(h, "<ul class=\"checks\">");
	for (size_t k = 0; k < cr->nchecks; k++) {
		const struct check_result *res = &a->checks[cr->checks[k]];

		if (open_only && res->status == ST_PASS)
			passed++;
		else
			check_item(h, res);
	}
	if (passed)
		html_putf(h, "<li class=\"note\">and %zu passing check%s</li>", passed,
			  passed == 1 ? "" : "s");
	if (json_array_size(cr->evidence)) {
		html_put(h, "<li>");
		evidence_links(h, cr->evidence, "attested by:");
		html_put(h, "</li>");
	}
	html_put(h, "</ul>");
}

/* ---- findings, grouped by check ---- */

static bool needs_action(enum status s)
{
	return s == ST_FAIL || s == ST_STALE || s == ST_MISSING;
}

/* The control's row in its framework's table, by framework and control id. */
static void control_chip(struct html *h, const char *fw, const struct control *c)
{
	html_put(h, "<a class=\"chip\" href=\"#c-");
	html_anchor_part(h, fw);
	html_put(h, "-");
	html_anchor_part(h, c->id);
	html_put(h, "\">");
	html_esc(h, fw);
	html_put(h, " ");
	html_esc(h, c->label);
	html_put(h, "</a>");
}

static void finding_item(struct html *h, const struct finding *f)
{
	html_put(h, "<li>");
	html_badge(h, (enum status)f->status, true);
	html_put(h, " <span class=\"subj\">");
	html_esc(h, f->subject);
	html_put(h, "</span> <span class=\"fid\">");
	html_esc(h, f->id);
	if (f->accepted) {
		html_put(h, " &middot; accepted: ");
		html_esc(h, f->accepted);
	}
	html_put(h, "</span><span class=\"msg\">");
	html_esc(h, f->message);
	html_put(h, "</span>");
	evidence_links(h, f->evidence, "evidence:");
	html_put(h, "</li>\n");
}

static void check_findings(struct html *h, const struct check_result *r)
{
	const struct assessment *a = h->r->a;

	html_putf(h, "<div class=\"item\" style=\"--c:%s\" id=\"k-", html_fills[r->status]);
	html_anchor_part(h, r->check->id);
	html_put(h, "\"><div class=\"head\">");
	html_badge(h, r->status, false);
	html_esc(h, r->check->title);
	html_put(h, " <code>");
	html_esc(h, r->check->id);
	html_putf(h, "</code> &middot; %zu finding%s</div>\n", r->nfindings, r->nfindings == 1 ? "" : "s");
	if (r->check->remediation) {
		html_put(h, "<p class=\"fix\"><b>What to do:</b> ");
		html_esc(h, r->check->remediation);
		html_put(h, "</p>\n");
	}
	html_put(h, "<div class=\"ctls\">Affects: ");
	for (size_t f = 0; f < a->nfw; f++)
		for (size_t m = 0; m < r->check->nmaps; m++)
			if (!strcmp(r->check->maps[m].framework, a->fw[f].cat->framework))
				control_chip(h, a->fw[f].cat->framework, r->check->maps[m].control);
	html_put(h, "</div>\n<ul class=\"findings\">\n");
	for (size_t i = 0; i < r->nfindings; i++)
		finding_item(h, &r->findings[i]);
	html_put(h, "</ul></div>\n");
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

void html_findings_section(struct html *h)
{
	const struct assessment *a = h->r->a;
	static const enum status order[] = { ST_FAIL, ST_MISSING, ST_STALE };
	size_t nfind, nctl;

	finding_totals(a, &nfind, &nctl);
	html_putf(h, "<section id=\"findings\">\n<h2>Findings: %zu</h2>\n", nfind);
	html_put(h, "<p class=\"note\">One per thing at fault, grouped by the check that found it, "
		 "with what to do and every control it affects. The id stays the same in every "
		 "assessment (<code>auditpack diff</code> compares them).</p>\n");
	if (!nfind)
		html_put(h, "<p>Nothing is failing, stale or missing.</p>\n");
	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++)
		for (size_t i = 0; i < a->nchecks; i++)
			if (a->checks[i].status == order[o] && a->checks[i].nfindings &&
			    result_in_scope(a, &a->checks[i]))
				check_findings(h, &a->checks[i]);
	html_put(h, "</section>\n");
}

/* The verdict: how many findings, how many controls they touch, and the
 * newest release decision in the pack. */
void html_verdict_line(struct html *h)
{
	const struct pack_entry *gate = NULL;
	size_t nfind, nctl;

	finding_totals(h->r->a, &nfind, &nctl);
	for (size_t i = 0; i < h->r->nentries; i++)
		if (!strcmp(h->r->entries[i].e->kind, "gate-decision"))
			gate = &h->r->entries[i];
	html_putf(h, "<p class=\"verdict\" style=\"--c:%s\">",
		  nfind ? html_fills[ST_FAIL] : html_fills[ST_PASS]);
	if (nfind)
		html_putf(h, "<a href=\"#findings\">%zu finding%s</a> touch%s %zu control%s", nfind,
			  nfind == 1 ? "" : "s", nfind == 1 ? "es" : "", nctl, nctl == 1 ? "" : "s");
	else
		html_put(h, "No findings: every assessed control passes, is attested, excluded or manual");
	if (gate) {
		const char *v = json_string_value(json_object_get(gate->e->attrs, "verdict"));

		html_putf(h, "; the last release gate %s (", v && !strcmp(v, "pass") ? "passed" : "FAILED");
		html_time_text(h, gate->e->collected);
		html_putf(h, ", <a href=\"entries/%" PRIu64 ".html\">entry %" PRIu64 "</a>)",
			  gate->e->index, gate->e->index);
	} else {
		html_put(h, "; no release gate decision is in this pack");
	}
	html_put(h, ".</p>\n");
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
	html_put(h, "<tr class=\"grp\"><th colspan=\"4\">");
	html_esc(h, g);
	html_put(h, "</th></tr>\n");
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
			html_put(h, any ? "; " : "");
			html_esc(h, r->check->title);
			html_put(h, " (<a href=\"#k-");
			html_anchor_part(h, r->check->id);
			html_putf(h, "\">%zu finding%s</a>)", r->nfindings, r->nfindings == 1 ? "" : "s");
			any = true;
		}
	if (!any)
		html_esc(h, cr->reason);
}

static void control_row(struct html *h, const struct framework_result *fr,
			const struct control_result *cr)
{
	html_putf(h, "<tr class=\"row-%s\" id=\"", status_name(cr->status));
	html_control_anchor(h, fr, cr);
	html_put(h, "\"><td class=\"ctl\"><b>");
	html_esc(h, cr->control->label);
	html_put(h, "</b><span class=\"ttl\">");
	html_esc(h, cr->control->title);
	html_put(h, "</span></td><td class=\"status\">");
	html_badge(h, cr->status, false);
	html_put(h, "</td><td class=\"reason\">");
	applies_from_note(h, cr);
	control_reason(h, cr);
	html_put(h, "</td><td>");
	check_list(h, cr, false);
	html_put(h, "</td></tr>\n");
}

static void framework_head(struct html *h, const struct framework_result *fr)
{
	html_put(h, "<section class=\"fw\" id=\"fw-");
	html_anchor_part(h, fr->cat->framework);
	html_put(h, "\">\n<h2>");
	html_esc(h, fr->cat->framework);
	html_put(h, ": ");
	html_esc(h, fr->cat->title);
	html_put(h, "</h2>\n<p class=\"note\">");
	if (fr->cat->version) {
		html_put(h, "Catalogue version ");
		html_esc(h, fr->cat->version);
		html_put(h, " &middot; ");
	}
	html_putf(h, "%zu controls &middot; coverage <b>%.0f%%</b>", fr->n, fr->coverage * 100);
	for (int s = 0; s < ST_COUNT; s++)
		html_putf(h, " &middot; %" PRIu64 " %s", fr->counts[s], status_name((enum status)s));
	html_put(h, "</p>\n");
	if (fr->cat->source) {
		html_put(h, "<p class=\"note\">Source: ");
		html_esc(h, fr->cat->source);
		html_put(h, "</p>\n");
	}
}

static void manual_list(struct html *h, const struct framework_result *fr)
{
	if (!fr->counts[ST_MANUAL])
		return;
	html_putf(h, "<h3>Manual: %" PRIu64 " control%s to attest</h3>\n<p class=\"note\">No "
		  "automated check covers these and no valid attestation exists: a person assesses "
		  "and attests each (<code>auditpack attest</code>).</p>\n<ul class=\"manual\">",
		  fr->counts[ST_MANUAL], fr->counts[ST_MANUAL] == 1 ? "" : "s");
	for (size_t i = 0; i < fr->n; i++) {
		const struct control_result *cr = &fr->v[i];

		if (cr->status != ST_MANUAL)
			continue;
		html_put(h, "<li id=\"");
		html_control_anchor(h, fr, cr);
		html_put(h, "\"><b>");
		html_esc(h, cr->control->label);
		html_put(h, "</b> ");
		html_esc(h, cr->control->title);
		html_put(h, "</li>");
	}
	html_put(h, "</ul>\n");
}

void html_framework_section(struct html *h, const struct framework_result *fr)
{
	const char *group = NULL;

	framework_head(h, fr);
	if (fr->counts[ST_MANUAL] < fr->n)
		html_put(h, "<table class=\"ctls\">\n<thead><tr><th>Control</th><th>Status</th>"
			 "<th>Reason</th><th>Checks and evidence</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < fr->n; i++) {
		if (fr->v[i].status == ST_MANUAL)
			continue;
		group_row(h, fr->v[i].control, &group);
		control_row(h, fr, &fr->v[i]);
	}
	if (fr->counts[ST_MANUAL] < fr->n)
		html_put(h, "</tbody>\n</table>\n");
	manual_list(h, fr);
	html_put(h, "</section>\n");
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
			html_put(h, "<a class=\"chip\" href=\"#");
			html_control_anchor(h, fr, &fr->v[i]);
			html_put(h, "\">");
			html_esc(h, ref);
			html_put(h, "</a>");
			return;
		}
	}
	html_put(h, "<span class=\"chip\">");
	html_esc(h, ref);
	html_put(h, "</span>");
}

void html_conflicts_section(struct html *h)
{
	const json_t *all = h->r->a->conflicts, *c;
	size_t i;

	html_put(h, "<section id=\"conflicts\">\n<h2>Conflicts between obligations</h2>\n");
	if (!json_array_size(all))
		html_put(h, "<p>No conflicts between the obligations of the frameworks in this pack.</p>\n");
	json_array_foreach(all, i, c) {
		const json_t *ctls = json_object_get(c, "controls"), *v;
		size_t j;

		html_put(h, "<div class=\"item\" style=\"--c:#8250df\"><div>");
		json_array_foreach(ctls, j, v)
			conflict_chip(h, json_string_value(v));
		html_put(h, "</div>\n<p>");
		html_esc(h, json_string_value(json_object_get(c, "note")));
		html_put(h, "</p></div>\n");
	}
	html_put(h, "</section>\n");
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

	html_put(h, "<tr><td>");
	evidence_link(h, e->index);
	html_put(h, "</td><td>");
	html_time_text(h, e->collected);
	html_put(h, "</td><td>");
	html_esc(h, attr_str(e, "release") ? attr_str(e, "release") : "—");
	html_put(h, "</td><td>");
	html_badge(h, verdict && !strcmp(verdict, "pass") ? ST_PASS : ST_FAIL, true);
	html_putf(h, "</td><td class=\"num\">%zu</td><td><code>", nfail);
	html_esc(h, sha ? sha : "?");
	html_put(h, "</code></td></tr>\n");
}

static void tombstone_row(struct html *h, const struct pack_entry *pe)
{
	const struct evidence *e = pe->e;
	const json_t *erased = json_object_get(e->attrs, "erased"), *v;
	size_t i;

	html_put(h, "<tr><td>");
	evidence_link(h, e->index);
	html_put(h, "</td><td>");
	html_time_text(h, e->collected);
	html_put(h, "</td><td>");
	html_esc(h, attr_str(e, "action") ? attr_str(e, "action") : "?");
	html_put(h, "</td><td>");
	html_esc(h, attr_str(e, "reason") ? attr_str(e, "reason") : "");
	html_put(h, "</td><td>");
	json_array_foreach(erased, i, v)
		html_putf(h, "%s#%" JSON_INTEGER_FORMAT, i ? ", " : "", json_integer_value(v));
	html_put(h, "</td></tr>\n");
}

/* Release decisions (gate) and erasures (tombstones): the records of what
 * people and pipelines decided about the evidence. */
void html_record_section(struct html *h)
{
	size_t ndec = 0, ntomb = 0;

	for (size_t i = 0; i < h->r->nentries; i++) {
		ndec += !strcmp(h->r->entries[i].e->kind, "gate-decision");
		ntomb += !strcmp(h->r->entries[i].e->kind, "tombstone");
	}
	html_put(h, "<section id=\"record\">\n<h2>Release decisions and erasures</h2>\n");
	if (!ndec)
		html_put(h, "<p>No release gate decision is in this pack.</p>\n");
	else
		html_put(h, "<table class=\"rec\">\n<thead><tr><th>Entry</th><th>Decided</th><th>Release</th>"
			 "<th>Verdict</th><th class=\"num\">Failing controls</th><th>Policy SHA-256 "
			 "(the entry's payload)</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < h->r->nentries; i++)
		if (!strcmp(h->r->entries[i].e->kind, "gate-decision"))
			decision_row(h, &h->r->entries[i]);
	if (ndec)
		html_put(h, "</tbody></table>\n");
	if (!ntomb)
		html_put(h, "<p>No evidence in this pack has been erased or pruned.</p>\n");
	else
		html_put(h, "<table class=\"rec\">\n<thead><tr><th>Entry</th><th>Recorded</th><th>Action</th>"
			 "<th>Reason</th><th>Payloads removed</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < h->r->nentries; i++)
		if (!strcmp(h->r->entries[i].e->kind, "tombstone"))
			tombstone_row(h, &h->r->entries[i]);
	if (ntomb)
		html_put(h, "</tbody></table>\n");
	html_put(h, "</section>\n");
}

static void verify_by_hand(struct html *h)
{
	html_putf(h, "<li><b>By hand</b>, with <code>sha256sum</code>, <code>openssl</code> and "
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
	html_put(h, "Then the checkpoint's signature, and for each entry N: "
		 "<code>evidence/N.proof</code> is an inclusion proof of <code>evidence/N.leaf</code> "
		 "against the checkpoint, and the leaf commits to <code>N.payload</code>, "
		 "<code>N.salt</code> and <code>N.attrs.json</code>. Erased entries keep their leaf "
		 "and proof; a tombstone entry names them.</li>\n");
}

void html_verify_section(struct html *h)
{
	html_put(h, "<section id=\"verify\">\n<h2>How to verify this pack</h2>\n<p>Do not trust this "
		 "page: it is one of the files the signed manifest covers. Pin the organisation's "
		 "verifier key through a separate channel; the copy in <code>keys/</code> is for "
		 "information.</p>\n<ol class=\"steps\">\n<li><b>With auditpack</b> (checks the "
		 "signature, every digest, no missing or extra file, the checkpoint, every inclusion "
		 "proof and payload commitment, and tombstones):\n<pre>auditpack verify-pack PACK.zip "
		 "--vkey '");
	html_esc(h, h->r->vkey ? h->r->vkey : "VKEY");
	html_put(h, "'</pre></li>\n");
	verify_by_hand(h);
	html_put(h, "</ol>\n<h3>The signed checkpoint this pack is cut at</h3>\n<pre>");
	html_esc(h, h->r->checkpoint_note ? h->r->checkpoint_note : "(not given)");
	html_put(h, "</pre>\n</section>\n");
}
