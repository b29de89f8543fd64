/*
 * xmlutil.h - reading XML we do not trust, and validating it against one of
 * the schemas shipped in the data directory (libxml2).
 *
 * Parsing never touches the network and never loads external entities or
 * DTDs (no XML_PARSE_NOENT, DTDLOAD or HUGE); every error names file:line.
 */
#ifndef AUDITPACK_XMLUTIL_H
#define AUDITPACK_XMLUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

struct buf;

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

#endif
