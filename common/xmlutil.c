#include "xmlutil.h"
#include "buf.h"
#include "datadir.h"
#include "err.h"
#include "fsutil.h"
#include "utf8.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#define MAX_SCHEMAS 4

/* libxml2 reports through a callback: keep the first error, with its line. */
struct xml_errors {
	const char *file;
	char first[512];
	int count;
};

static void on_error(void *ctx, const xmlError *e)
{
	struct xml_errors *x = ctx;
	size_t n;

	if (x->count++)
		return;
	snprintf(x->first, sizeof(x->first), "%s:%d: %s", x->file, e->line,
		 e->message ? e->message : "invalid");
	n = strlen(x->first);
	while (n && (x->first[n - 1] == '\n' || x->first[n - 1] == ' '))
		x->first[--n] = '\0';
}

/* The parsed schema for a data-directory path, parsed on first use. */
static int schema_for(xmlSchemaPtr *out, const char *sub)
{
	static struct {
		char sub[128];
		xmlSchemaPtr schema;
	} cache[MAX_SCHEMAS];
	xmlSchemaParserCtxtPtr pc;
	char xsd[PATH_MAX];
	int i, rc;

	for (i = 0; i < MAX_SCHEMAS && cache[i].schema; i++)
		if (!strcmp(cache[i].sub, sub)) {
			*out = cache[i].schema;
			return 0;
		}
	if (i == MAX_SCHEMAS)
		return err_set(ERR_LIMIT, "too many schemas");
	if ((rc = datadir_path(xsd, sizeof(xsd), sub)))
		return rc;
	if (!(pc = xmlSchemaNewParserCtxt(xsd)))
		return err_set(ERR_IO, "cannot read the schema '%s'", xsd);
	*out = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (!*out)
		return err_set(ERR_PARSE, "the schema '%s' does not parse", xsd);
	snprintf(cache[i].sub, sizeof(cache[i].sub), "%s", sub);
	cache[i].schema = *out;
	return 0;
}

int xml_load_valid(xmlDocPtr *out, const char *path, size_t cap,
		   const char *schema, const char *what)
{
	struct xml_errors xe = { path, "", 0 };
	struct buf b = BUF_INIT;
	xmlSchemaValidCtxtPtr v;
	xmlSchemaPtr xsd;
	int rc;

	*out = NULL;
	if ((rc = schema_for(&xsd, schema)) || (rc = fs_read_file(&b, path, cap, NULL)))
		return rc;
	xmlSetStructuredErrorFunc(&xe, (xmlStructuredErrorFunc)on_error);
	*out = xmlReadMemory(b.data ? b.data : "", (int)b.len, path, NULL,
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(NULL, NULL);
	buf_free(&b);
	if (!*out)
		return err_set(ERR_PARSE, "%s", xe.count ? xe.first : "malformed XML");
	if (!(v = xmlSchemaNewValidCtxt(xsd)))
		return err_nomem();
	xmlSchemaSetValidStructuredErrors(v, (xmlStructuredErrorFunc)on_error, &xe);
	rc = xmlSchemaValidateDoc(v, *out);
	xmlSchemaFreeValidCtxt(v);
	if (rc) {
		xmlFreeDoc(*out);
		*out = NULL;
		return err_set(ERR_PARSE, "%s (not a valid %s)", xe.count ? xe.first : path, what);
	}
	return 0;
}

bool xml_is(const xmlNode *n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST name) &&
	       n->ns && !xmlStrcmp(n->ns->href, BAD_CAST ns);
}

char *xml_attr(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	char *s = v ? strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

char *xml_text(const xmlNode *n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s, *o;
	bool space = true;

	if (!v)
		return strdup("");
	if (!(s = malloc(strlen((const char *)v) + 1))) {
		xmlFree(v);
		return NULL;
	}
	o = s;
	for (const xmlChar *p = v; *p; p++) {
		if (isspace(*p)) {
			if (!space)
				*o++ = ' ';
			space = true;
		} else {
			*o++ = (char)*p;
			space = false;
		}
	}
	if (o > s && o[-1] == ' ')
		o--;
	*o = '\0';
	xmlFree(v);
	return s;
}

static bool xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
	       (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

int xml_clean(struct buf *out, const char *s, bool fold)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *end = p + strlen((const char *)p);
	bool space = false;
	int rc = 0;

	buf_reset(out);
	while (*p && !rc) {
		uint32_t c;
		size_t n = utf8_decode(p, (size_t)(end - p), &c);
		bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r';

		if (fold && ws) {
			space = out->len > 0;
		} else {
			if (space)
				rc = buf_append(out, " ", 1);
			space = false;
			if (!rc)
				rc = c != 0xfffd && c != UTF8_INVALID && xml_char(c) ?
					     buf_append(out, p, n) :
								  buf_puts(out, "\xef\xbf\xbd");
		}
		p += n;
	}
	return rc ? rc : buf_append(out, "", 0);
}

/* ---- struct xml_writer ---- */

/* libxml2's writer returns -1 on failure, which is a failed allocation or
 * write into our memory buffer. */
static void xw_check(struct xml_writer *xw, int ret)
{
	if (ret < 0 && !xw->rc)
		xw->rc = err_set(ERR_NOMEM, "cannot write the %s: libxml2 writer failed",
				 xw->what);
}

int xw_open(struct xml_writer *xw, const char *what)
{
	*xw = (struct xml_writer){ .what = what };
	if (!(xw->doc = xmlBufferCreate()) || !(xw->w = xmlNewTextWriterMemory(xw->doc, 0)))
		return xw->rc = err_nomem();
	xw_check(xw, xmlTextWriterSetIndent(xw->w, 1));
	xw_check(xw, xmlTextWriterSetIndentString(xw->w, (const xmlChar *)"  "));
	if (!xw->rc)
		xw_check(xw, xmlTextWriterStartDocument(xw->w, NULL, "UTF-8", NULL));
	return xw->rc;
}

int xw_close(struct xml_writer *xw, struct buf *out)
{
	int rc;

	if (!xw->rc && xw->w)
		xw_check(xw, xmlTextWriterEndDocument(xw->w));
	xmlFreeTextWriter(xw->w); /* flushes into doc */
	xw->w = NULL;
	rc = xw->rc ? xw->rc : buf_append(out, xmlBufferContent(xw->doc),
					  (size_t)xmlBufferLength(xw->doc));
	if (!rc && (out->len == 0 || out->data[out->len - 1] != '\n'))
		rc = buf_append(out, "\n", 1);
	xmlBufferFree(xw->doc);
	xw->doc = NULL;
	buf_free(&xw->tmp);
	return rc;
}

void xw_start(struct xml_writer *xw, const char *name)
{
	if (!xw->rc)
		xw_check(xw, xmlTextWriterStartElement(xw->w, (const xmlChar *)name));
}

void xw_end(struct xml_writer *xw)
{
	if (!xw->rc)
		xw_check(xw, xmlTextWriterEndElement(xw->w));
}

void xw_attr_raw(struct xml_writer *xw, const char *name, const char *value)
{
	if (!xw->rc)
		xw_check(xw, xmlTextWriterWriteAttribute(xw->w, (const xmlChar *)name,
							 (const xmlChar *)value));
}

void xw_attr(struct xml_writer *xw, const char *name, const char *value)
{
	if (xw->rc || (xw->rc = xml_clean(&xw->tmp, value, true)))
		return;
	xw_attr_raw(xw, name, xw->tmp.data);
}

static void xw_text_fold(struct xml_writer *xw, const char *s, bool fold)
{
	if (xw->rc || (xw->rc = xml_clean(&xw->tmp, s, fold)))
		return;
	xw_check(xw, xmlTextWriterWriteString(xw->w, (const xmlChar *)xw->tmp.data));
}

void xw_text(struct xml_writer *xw, const char *s)
{
	xw_text_fold(xw, s, false);
}

void xw_text_line(struct xml_writer *xw, const char *s)
{
	xw_text_fold(xw, s, true);
}
