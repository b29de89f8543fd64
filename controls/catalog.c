#include "catalog.h"
#include "../common/array.h"
#include "../common/suggest.h"
#include "../common/datadir.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/fswalk.h"
#include "../common/xmlutil.h"

#include <ctype.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#define OSCAL_NS "http://csrc.nist.gov/ns/oscal/1.0"
#define AUDITPACK_NS "https://auditpack.dev/ns/oscal"
#define CATALOG_SCHEMA "controls/schema/oscal_catalog_schema.xsd"

static bool is(const xmlNode *n, const char *name)
{
	return xml_is(n, OSCAL_NS, name);
}


static const xmlNode *child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (is(c, name))
			return c;
	return NULL;
}

struct walk {
	struct catalog *cat;
	size_t cap;
};

/* A string read from the catalogue against its limit (NULL: out of memory,
 * reported by the caller). */
static int limit(const struct catalog *cat, const xmlNode *n, const char *s, size_t max,
		 const char *what)
{
	size_t len = s ? strlen(s) : 0;

	if (len <= max)
		return 0;
	return err_set(ERR_LIMIT, "%s:%ld: %s is %zu bytes, over the catalogue limit of %zu "
		       "(see docs/configuration.md, \"Catalogue limits\")", cat->path,
		       n ? xmlGetLineNo(n) : 0L, what, len, max);
}

/* Every string of a control against its limit. */
static int control_limits(const struct catalog *cat, const xmlNode *n, const struct control *c)
{
	int rc;

	if ((rc = limit(cat, n, c->id, CATALOG_MAX_ID, "a control id")) ||
	    (rc = limit(cat, n, c->label, CATALOG_MAX_ID, "a control label")) ||
	    (rc = limit(cat, n, c->title, CATALOG_MAX_TITLE, "a control title")) ||
	    (rc = limit(cat, n, c->summary, CATALOG_MAX_PROSE, "a control statement")) ||
	    (rc = limit(cat, n, c->source, CATALOG_MAX_VALUE, "a control link")))
		return rc;
	if (json_object_size(c->props) > CATALOG_MAX_PROPS)
		return err_set(ERR_LIMIT, "%s:%ld: control '%s' has %zu props, over the "
			       "catalogue limit of %d (see docs/configuration.md, \"Catalogue "
			       "limits\")", cat->path, xmlGetLineNo(n), c->id,
			       json_object_size(c->props), CATALOG_MAX_PROPS);
	return 0;
}

static int add_control(struct walk *w, const xmlNode *n, const char *group,
		       const char *group_id, const char *parent)
{
	struct control *c;
	const xmlNode *t;

	if (w->cat->n == CATALOG_MAX_CONTROLS)
		return err_set(ERR_LIMIT, "%s:%ld: more than %d controls, the catalogue limit "
			       "(see docs/configuration.md, \"Catalogue limits\")", w->cat->path,
			       xmlGetLineNo(n), CATALOG_MAX_CONTROLS);
	if (w->cat->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 128;

		if (!(c = realloc(w->cat->v, cap * sizeof(*c))))
			return err_nomem();
		w->cat->v = c;
		w->cap = cap;
	}
	c = &w->cat->v[w->cat->n++];
	memset(c, 0, sizeof(*c));
	c->line = (int)xmlGetLineNo(n);
	c->id = xml_attr(n, "id");
	c->title = (t = child(n, "title")) ? xml_text(t) : strdup("");
	c->group = strdup(group ? group : "");
	c->group_id = strdup(group_id ? group_id : "");
	c->parent = parent ? strdup(parent) : NULL;
	c->props = json_object();
	if (!c->id || !c->title || !c->group || !c->group_id || !c->props)
		return err_nomem();
	for (const xmlNode *k = n->children; k; k = k->next) {
		if (is(k, "prop")) {
			char *name = xml_attr(k, "name"), *value = xml_attr(k, "value");
			int rc;

			if ((rc = limit(w->cat, k, name, CATALOG_MAX_VALUE, "a prop name")) ||
			    (rc = limit(w->cat, k, value, CATALOG_MAX_VALUE, "a prop value"))) {
				free(name);
				free(value);
				return rc;
			}
			if (name && value && !strcmp(name, "label") && !c->label) {
				c->label = value;
				value = NULL;
			} else if (name && value) {
				json_t *old = json_object_get(c->props, name);

				if (!old)
					json_object_set_new(c->props, name, json_string(value));
				else if (json_is_array(old))
					json_array_append_new(old, json_string(value));
				else
					json_object_set_new(c->props, name,
							    json_pack("[O,s]", old, value));
			}
			free(name);
			free(value);
		} else if (is(k, "link") && !c->source) {
			c->source = xml_attr(k, "href");
		} else if (is(k, "part") && !c->summary) {
			char *name = xml_attr(k, "name");

			if (name && !strcmp(name, "statement"))
				c->summary = xml_text(k);
			free(name);
		}
	}
	if (!c->label && !(c->label = strdup(c->id)))
		return err_nomem();
	return control_limits(w->cat, n, c);
}

static int walk_controls(struct walk *w, const xmlNode *n, const char *group,
			 const char *group_id, const char *parent)
{
	int rc;

	for (const xmlNode *c = n->children; c; c = c->next) {
		if (is(c, "group")) {
			const xmlNode *t = child(c, "title");
			char *title = t ? xml_text(t) : NULL, *id = xml_attr(c, "id");

			if (!(rc = limit(w->cat, c, title, CATALOG_MAX_TITLE, "a group title")) &&
			    !(rc = limit(w->cat, c, id, CATALOG_MAX_ID, "a group id")))
				rc = walk_controls(w, c, title ? title : group, id ? id : group_id,
						   NULL);
			free(title);
			free(id);
		} else if (is(c, "control")) {
			char *id = xml_attr(c, "id");

			rc = add_control(w, c, group, group_id, parent);
			if (!rc)
				rc = walk_controls(w, c, group, group_id, id);
			free(id);
		} else {
			continue;
		}
		if (rc)
			return rc;
	}
	return 0;
}

int framework_id_valid(const char *id)
{
	if (!*id || strlen(id) > 64)
		return 0;
	for (const char *p = id; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
			return 0;
	return strcmp(id, "import") && strcmp(id, "export");
}

/* "NIST_SP-800-53_rev5_catalog.xml" -> "nist-sp-800-53-rev5-catalog" */
static char *id_from_path(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *s = strdup(base), *dot, *o;

	if (!s)
		return NULL;
	if ((dot = strrchr(s, '.')))
		*dot = '\0';
	o = s;
	for (char *p = s; *p; p++) {
		char ch = (char)tolower((unsigned char)*p);

		if (!isalnum((unsigned char)ch))
			ch = '-';
		if (ch == '-' && (o == s || o[-1] == '-'))
			continue;
		*o++ = ch;
	}
	while (o > s && o[-1] == '-')
		o--;
	*o = '\0';
	return s;
}

static int read_metadata(struct catalog *c, const xmlNode *root, const char *framework)
{
	const xmlNode *md = child(root, "metadata"), *t;
	int rc;

	if (!md)
		return err_set(ERR_PARSE, "%s: catalog has no metadata", c->path);
	c->title = (t = child(md, "title")) ? xml_text(t) : strdup("");
	c->version = (t = child(md, "version")) ? xml_text(t) : strdup("");
	for (const xmlNode *k = md->children; k; k = k->next) {
		if (is(k, "prop") && !c->framework) {
			xmlChar *ns = xmlGetProp(k, BAD_CAST "ns");
			char *name = xml_attr(k, "name");

			if (ns && !xmlStrcmp(ns, BAD_CAST AUDITPACK_NS) && name &&
			    !strcmp(name, "framework-id"))
				c->framework = xml_attr(k, "value");
			xmlFree(ns);
			free(name);
		} else if (is(k, "link") && !c->source) {
			c->source = xml_attr(k, "href");
		}
	}
	if (!c->framework)
		c->framework = framework ? strdup(framework) : id_from_path(c->path);
	if (!c->title || !c->version || !c->framework)
		return err_nomem();
	if ((rc = limit(c, child(md, "title"), c->title, CATALOG_MAX_TITLE, "the catalogue title")) ||
	    (rc = limit(c, child(md, "version"), c->version, CATALOG_MAX_TITLE,
			"the catalogue version")) ||
	    (rc = limit(c, md, c->source, CATALOG_MAX_VALUE, "the catalogue link")))
		return rc;
	if (!framework_id_valid(c->framework))
		return err_set(ERR_PARSE, "%s: framework id '%s' must be lowercase letters, "
			       "digits and '-'", c->path, c->framework);
	return 0;
}

static int by_id_then_line(const void *a, const void *b)
{
	const struct control *x = *(const struct control *const *)a;
	const struct control *y = *(const struct control *const *)b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Sorted, so that a catalogue of many controls costs n log n, not n^2. */
static int check_unique_ids(const struct catalog *cat)
{
	const struct control **v;
	int rc = 0;

	if (cat->n < 2)
		return 0;
	if (!(v = calloc(cat->n, sizeof(*v))))
		return err_nomem();
	for (size_t i = 0; i < cat->n; i++)
		v[i] = &cat->v[i];
	qsort(v, cat->n, sizeof(*v), by_id_then_line);
	for (size_t i = 1; i < cat->n && !rc; i++)
		if (!strcmp(v[i]->id, v[i - 1]->id))
			rc = err_set(ERR_PARSE, "%s:%d: duplicate control id '%s' (first at line "
				     "%d)", cat->path, v[i]->line, v[i]->id, v[i - 1]->line);
	free(v);
	return rc;
}

int catalog_load(struct catalog *out, const char *path, const char *framework)
{
	struct walk w = { out, 0 };
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!(out->path = strdup(path)))
		return err_nomem();
	if ((rc = xml_load_valid(&doc, path, CATALOG_MAX_BYTES, CATALOG_SCHEMA, "OSCAL catalog"))) {
		if (rc == ERR_LIMIT)
			err_wrap(rc, "catalogue file size");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !is(root, "catalog")) {
		rc = err_set(ERR_PARSE, "%s: not an OSCAL catalog", path);
		goto out;
	}
	if ((rc = read_metadata(out, root, framework)) ||
	    (rc = walk_controls(&w, root, NULL, NULL, NULL)))
		goto out;
	rc = check_unique_ids(out);
out:
	xmlFreeDoc(doc);
	if (rc)
		catalog_free(out);
	return rc;
}

void catalog_free(struct catalog *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct control *k = &c->v[i];

		free(k->id);
		free(k->label);
		free(k->title);
		free(k->group);
		free(k->group_id);
		free(k->parent);
		free(k->summary);
		free(k->source);
		json_decref(k->props);
	}
	free(c->v);
	free(c->framework);
	free(c->title);
	free(c->version);
	free(c->source);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

/* Labels compare without case, spaces or a trailing period: "art 32" = "Art. 32". */
static bool label_eq(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '.')
			a++;
		while (*b == ' ' || *b == '.')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		a++;
		b++;
	}
}

const struct control *catalog_find(const struct catalog *c, const char *id_or_label)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].id, id_or_label))
			return &c->v[i];
	for (size_t i = 0; i < c->n; i++)
		if (label_eq(c->v[i].label, id_or_label))
			return &c->v[i];
	for (size_t i = 0; i < c->n; i++)
		if (!strcasecmp(c->v[i].id, id_or_label))
			return &c->v[i];
	return NULL;
}

const struct control *catalog_want(const struct catalog *c, const char *id_or_label)
{
	const struct control *k = catalog_find(c, id_or_label);
	struct suggest sg;

	if (k)
		return k;
	suggest_init(&sg, id_or_label);
	for (size_t i = 0; i < c->n; i++)
		suggest_offer(&sg, c->v[i].label);
	for (size_t i = 0; i < c->n; i++)
		suggest_offer(&sg, c->v[i].id);
	if (sg.best)
		err_set(ERR_USAGE, "%s has no control '%s' (did you mean '%s'? see 'auditpack "
			"controls %s')", c->framework, id_or_label, sg.best, c->framework);
	else
		err_set(ERR_USAGE, "%s has no control '%s' (see 'auditpack controls %s')",
			c->framework, id_or_label, c->framework);
	return NULL;
}

static int by_framework(const void *a, const void *b)
{
	return strcmp(((const struct catalog *)a)->framework,
		      ((const struct catalog *)b)->framework);
}

static int load_dir(struct catalogs *out, const char *dir, bool must_exist)
{
	char **names = NULL, path[PATH_MAX];
	size_t n, cap = out->n; /* cap: what is known to be allocated */
	int rc;

	if ((rc = fs_scan_suffix(&names, &n, dir, ".xml"))) {
		if (must_exist)
			return rc;
		err_clear(); /* an optional directory that is not there */
		return 0;
	}
	for (size_t i = 0; !rc && i < n; i++) {
		if ((rc = fs_join(path, sizeof(path), dir, names[i])))
			break;
		if ((rc = array_grow(&out->v, out->n, &cap, sizeof(*out->v))))
			break;
		if ((rc = catalog_load(&out->v[out->n], path, NULL)))
			break;
		for (size_t k = 0; k < out->n; k++)
			if (!strcmp(out->v[k].framework, out->v[out->n].framework)) {
				rc = err_set(ERR_PARSE, "framework '%s' is defined twice: %s and %s",
					     out->v[k].framework, out->v[k].path, path);
				catalog_free(&out->v[out->n]);
				break;
			}
		if (!rc)
			out->n++;
	}
	fs_names_free(names);
	return rc;
}

int catalogs_load(struct catalogs *out, const char *extra_dir)
{
	char dir[PATH_MAX];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = datadir_path(dir, sizeof(dir), "controls")) ||
	    (rc = load_dir(out, dir, true)) ||
	    (extra_dir && (rc = load_dir(out, extra_dir, false)))) {
		catalogs_free(out);
		return rc;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), by_framework);
	return 0;
}

void catalogs_free(struct catalogs *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		catalog_free(&cs->v[i]);
	free(cs->v);
	memset(cs, 0, sizeof(*cs));
}

/* Framework ids compare without case, '_' standing for '-'. */
static bool framework_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a == '_' ? '-' : tolower((unsigned char)*a)) !=
		    (*b == '_' ? '-' : tolower((unsigned char)*b)))
			return false;
	return !*a && !*b;
}

const struct catalog *catalogs_find(const struct catalogs *cs, const char *framework)
{
	for (size_t i = 0; i < cs->n; i++)
		if (!strcmp(cs->v[i].framework, framework))
			return &cs->v[i];
	for (size_t i = 0; i < cs->n; i++)
		if (framework_eq(cs->v[i].framework, framework))
			return &cs->v[i];
	return NULL;
}

const struct catalog *catalogs_want(const struct catalogs *cs, const char *framework)
{
	const struct catalog *c = catalogs_find(cs, framework);
	struct suggest sg;

	if (c)
		return c;
	suggest_init(&sg, framework);
	for (size_t i = 0; i < cs->n; i++)
		suggest_offer(&sg, cs->v[i].framework);
	if (sg.best)
		err_set(ERR_USAGE, "no framework '%s' (did you mean '%s'? see 'auditpack "
			"frameworks')", framework, sg.best);
	else
		err_set(ERR_USAGE, "no framework '%s' (see 'auditpack frameworks')", framework);
	return NULL;
}
