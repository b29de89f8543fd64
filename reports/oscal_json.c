/*
 * oscal_json.c - OSCAL XML (as auditpack writes it) to OSCAL JSON.
 *
 * OSCAL defines one model with an XML and a JSON form; the mapping for the
 * parts of the catalog, assessment-results and POA&M models auditpack uses:
 * attributes become keys; a repeatable element becomes an array under its
 * plural name (prop -> props, control -> controls, relevant-evidence stays);
 * an element with only text becomes a string; markup-multiline (description,
 * remarks, a part's paragraphs as "prose") becomes its paragraphs' text
 * joined by blank lines; text next to attributes is "value" ("id" for
 * system-id).  The result is one object keyed by the root's name, indented
 * by two spaces, keys in document order: the same XML gives the same bytes.
 */
#include "report.h"
#include "../common/err.h"

#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

static const char *const plurals[][2] = {
	{ "prop", "props" }, { "link", "links" }, { "part", "parts" },
	{ "control", "controls" }, { "group", "groups" }, { "param", "params" },
	{ "result", "results" }, { "observation", "observations" }, { "finding", "findings" },
	{ "include-control", "include-controls" }, { "control-selection", "control-selections" },
	{ "relevant-evidence", "relevant-evidence" },
	{ "related-observation", "related-observations" }, { "resource", "resources" },
	{ "rlink", "rlinks" }, { "hash", "hashes" }, { "method", "methods" },
	{ "poam-item", "poam-items" }, { "risk", "risks" }, { "role", "roles" },
	{ "party", "parties" }, { "responsible-party", "responsible-parties" },
};

static const char *const multiline[] = { "description", "remarks", "statement", "guidance" };

static const char *plural(const xmlChar *name)
{
	for (size_t i = 0; i < sizeof(plurals) / sizeof(plurals[0]); i++)
		if (!strcmp((const char *)name, plurals[i][0]))
			return plurals[i][1];
	return NULL;
}

static bool is_multiline(const xmlChar *name)
{
	for (size_t i = 0; i < sizeof(multiline) / sizeof(multiline[0]); i++)
		if (!strcmp((const char *)name, multiline[i]))
			return true;
	return false;
}

static bool has_elements(const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

/* The text of <p> children (or of n itself), paragraphs joined by "\n\n". */
static json_t *prose(const xmlNode *n)
{
	json_t *s = NULL;
	xmlChar *t;

	if (!has_elements(n)) {
		t = xmlNodeGetContent(n);
		s = json_string(t ? (const char *)t : "");
		xmlFree(t);
		return s;
	}
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "p"))
			continue;
		t = xmlNodeGetContent(c);
		if (!s) {
			s = json_string(t ? (const char *)t : "");
		} else {
			char *j = NULL;

			if (asprintf(&j, "%s\n\n%s", json_string_value(s), t ? (const char *)t : "") >= 0) {
				json_decref(s);
				s = json_string(j);
			}
			free(j);
		}
		xmlFree(t);
	}
	return s ? s : json_string("");
}

static json_t *convert(const xmlNode *n);

/* A part's paragraphs are its "prose"; its sub-parts stay parts. */
static void add_child(json_t *obj, const xmlNode *c)
{
	const char *pl = plural(c->name);
	json_t *v;

	if (!strcmp((const char *)c->name, "p")) {
		if (!json_object_get(obj, "prose"))
			json_object_set_new(obj, "prose", prose(c->parent));
		return;
	}
	v = is_multiline(c->name) ? prose(c) : convert(c);
	if (!pl) {
		json_object_set_new(obj, (const char *)c->name, v);
		return;
	}
	if (!json_object_get(obj, pl))
		json_object_set_new(obj, pl, json_array());
	json_array_append_new(json_object_get(obj, pl), v);
}

static json_t *convert(const xmlNode *n)
{
	json_t *obj;
	xmlChar *t;

	if (!n->properties && !has_elements(n)) {
		t = xmlNodeGetContent(n);
		obj = json_string(t ? (const char *)t : "");
		xmlFree(t);
		return obj;
	}
	obj = json_object();
	for (const xmlAttr *at = n->properties; at && obj; at = at->next) {
		t = xmlNodeListGetString(n->doc, at->children, 1);
		json_object_set_new(obj, (const char *)at->name, json_string(t ? (const char *)t : ""));
		xmlFree(t);
	}
	if (!has_elements(n)) {
		t = xmlNodeGetContent(n);
		if (t && *t)
			json_object_set_new(obj, strcmp((const char *)n->name, "system-id") ? "value"
					    : "id", json_string((const char *)t));
		xmlFree(t);
		return obj;
	}
	for (const xmlNode *c = n->children; c && obj; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			add_child(obj, c);
	return obj;
}

int report_oscal_json(struct buf *out, const char *xml, size_t len)
{
	/* libxml2 would print its complaints to stderr: nothing below cli/ prints. */
	xmlDocPtr doc = xmlReadMemory(xml, (int)len, "oscal.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOBLANKS |
				      XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	json_t *top = NULL;
	char *text = NULL;
	int rc = 0;

	if (!root) {
		rc = err_set(ERR_PARSE, "OSCAL JSON: the XML does not parse");
		goto out;
	}
	top = json_object();
	if (!top || json_object_set_new(top, (const char *)root->name, convert(root)) ||
	    !(text = json_dumps(top, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) ||
	    buf_puts(out, text) || buf_puts(out, "\n"))
		rc = err_nomem();
out:
	free(text);
	json_decref(top);
	xmlFreeDoc(doc);
	return rc;
}
