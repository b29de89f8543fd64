/*
 * xmlutil.h - reading XML we do not trust, and validating it against one of
 * the schemas shipped in the data directory (libxml2); and writing the XML
 * reports (struct xml_writer).
 *
 * Parsing never touches the network and never loads external entities or
 * DTDs (no XML_PARSE_NOENT, DTDLOAD or HUGE); every error names file:line.
 */
#ifndef AUDITPACK_XMLUTIL_H
#define AUDITPACK_XMLUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "buf.h"

/*
 * Read `path` (at most `cap` bytes), parse it and validate it against the
 * XSD at datadir()/`schema` (parsed once per process and kept).  On success
 * *out is the document (free with xmlFreeDoc).  `what` names the document
 * kind in the message ("OSCAL catalog").  0, ERR_IO or ERR_PARSE.
 */
int xml_load_valid(xmlDocPtr *out, const char *path, size_t cap,
		   const char *schema, const char *what);

/* Is n the element `name` in namespace `ns`? */
bool xml_is(const xmlNode *n, const char *ns, const char *name);

/* A copy of attribute `name` (malloc'd), or NULL. */
char *xml_attr(const xmlNode *n, const char *name);

/* The element's text, runs of white space folded to one space (malloc'd). */
char *xml_text(const xmlNode *n);

/*
 * Replace `out` with s as XML-safe UTF-8 (for a writer's text or
 * attribute): bad sequences and characters XML 1.0 forbids become U+FFFD.
 * With `fold`, runs of whitespace become one space and the ends are
 * trimmed, for attributes that are one line (OSCAL strings, JUnit
 * messages).  s may be NULL (empty).  0 or ERR_NOMEM.
 */
int xml_clean(struct buf *out, const char *s, bool fold);

/*
 * A document written into memory with libxml2's xmlTextWriter, indented by
 * two spaces, that keeps the first error in `rc`: once rc is set every xw_
 * call does nothing, so a report is a flat list of calls that looks at rc
 * only where it needs to (the OSCAL and JUnit reports).  A caller may set
 * rc itself (a failed buf_printf) to stop the writing.  `what` names the
 * document in the error ("JUnit report": "cannot write the JUnit report:
 * libxml2 writer failed"); it is not copied.
 *
 * `tmp` holds the cleaned text of the last xw_attr, xw_text or
 * xw_text_line; between calls the caller may use it as scratch (xw_start,
 * xw_end and xw_attr_raw leave it alone, so its data may be their
 * argument).  Every field is owned by the writer and freed by xw_close.
 */
struct xml_writer {
	xmlTextWriterPtr w;
	xmlBufferPtr doc;
	int rc;
	struct buf tmp;
	const char *what;
};

/*
 * Set up *xw (any previous content is ignored) and write the XML
 * declaration.  Returns xw->rc: 0, or ERR_NOMEM.  Call xw_close() after
 * it in every case.
 */
int xw_open(struct xml_writer *xw, const char *what);

/*
 * End the document and, unless rc is set, append it to `out`, ending in a
 * newline; free everything xw holds.  Returns rc, or the error appending
 * (0 or a negative enum err).
 */
int xw_close(struct xml_writer *xw, struct buf *out);

/* Open the element `name`; close it with xw_end(). */
void xw_start(struct xml_writer *xw, const char *name);
void xw_end(struct xml_writer *xw);

/* An attribute whose value is ours (a number, a token, a href), as is. */
void xw_attr_raw(struct xml_writer *xw, const char *name, const char *value);

/* An attribute from outside: xml_clean()ed and folded onto one line.
 * value may be NULL (empty). */
void xw_attr(struct xml_writer *xw, const char *name, const char *value);

/* Text from outside, xml_clean()ed: as it is (xw_text), or folded onto
 * one line (xw_text_line).  s may be NULL (empty). */
void xw_text(struct xml_writer *xw, const char *s);
void xw_text_line(struct xml_writer *xw, const char *s);

#endif
