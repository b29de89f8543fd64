/*
 * report.h - what the report writers of an audit pack see, and their
 * contracts.  Each writer appends one document to a buffer; the pack
 * builder (pack.c) decides where it goes in the zip.  Writers never print
 * and must be deterministic: the same inputs give the same bytes (no
 * current time, no random UUIDs, stable ordering), because packs are
 * byte-for-byte reproducible.
 *
 * Files a report may link to, relative to the pack root, for an entry with
 * index N (only for entries listed in `entries`):
 *   evidence/N.leaf        the leaf text
 *   evidence/N.attrs.json  the attrs as committed
 *   evidence/N.payload     the payload as stored (absent when erased)
 *   evidence/N.salt        the salt, hex (absent when erased)
 *   evidence/N.proof       C2SP tlog-proof against the pack's checkpoint
 */
#ifndef AUDITPACK_REPORT_H
#define AUDITPACK_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../mappings/assess.h"
#include "../store/note.h"

struct pack_entry {
	const struct evidence *e;  /* leaf fields and attrs */
	uint8_t payload_sha256[32]; /* plain SHA-256 of the payload (zero when erased) */
	uint8_t commitment[32];    /* C from the leaf */
	uint64_t payload_size;
	const char *leaf, *proof;  /* the pack's evidence/N.leaf and N.proof text
				    * (borrowed; NULL when not known) */
	size_t leaf_len, proof_len;
};

struct report_ctx {
	const struct assessment *a;     /* the assessment the pack reports */
	const struct catalogs *cs;
	const struct checkset *ks;
	const char *origin;             /* the log's name */
	const char *checkpoint_note;    /* the signed checkpoint text in the pack */
	const struct checkpoint *cp;    /* its parsed body */
	const char *vkey;               /* verifier key string of the signing key */
	const struct pack_entry *entries; /* evidence in the pack, in log order */
	size_t nentries;
	int64_t from, to;               /* the period the pack covers */
	const char *tool_version;
};

/* The pack entry with this log index, or NULL when it is not in the pack
 * (entries are in log order, so this is a binary search; report.c). */
const struct pack_entry *report_entry_find(const struct report_ctx *r, uint64_t index);

/* reports/summary.html: one self-contained page (html.c). */
int report_html(struct buf *out, const struct report_ctx *r);

/* reports/entries/N.html: one evidence entry (leaf, attrs, digests, proof,
 * payload link), for the links of summary.html (html.c). */
int report_entry_html(struct buf *out, const struct report_ctx *r, const struct pack_entry *pe);

/* reports/assessment-results.xml: OSCAL 1.2 assessment-results (oscal_ar.c). */
int report_oscal_ar(struct buf *out, const struct report_ctx *r);

/* reports/poam.xml: OSCAL 1.2 plan of action and milestones, one poam-item
 * per open finding (not accepted by a policy), with its subject, controls,
 * evidence and remediation (oscal_ar.c). */
int report_oscal_poam(struct buf *out, const struct report_ctx *r);

/* The OSCAL JSON form of an OSCAL XML document auditpack wrote (a catalog,
 * assessment-results or plan-of-action-and-milestones), appended to out
 * (oscal_json.c).  ERR_PARSE if the XML does not parse. */
int report_oscal_json(struct buf *out, const char *xml, size_t len);

#endif
