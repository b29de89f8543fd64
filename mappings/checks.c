#include "checks.h"
#include "rules.h"
#include "../common/array.h"
#include "../common/datadir.h"
#include "../common/err.h"
#include "../common/fsutil.h"
#include "../common/fswalk.h"
#include "../common/json.h"
#include "../common/xmlutil.h"
#include "../common/timeutil.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#define CHECKS_NS "https://auditpack.dev/ns/checks/1"
#define CHECKS_SCHEMA "mappings/checks.xsd"
#define CHECKS_MAX_BYTES ((size_t)16 << 20)

static bool is(const xmlNode *n, const char *name)
{
	return xml_is(n, CHECKS_NS, name);
}


static char *content(const xmlNode *n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s = strdup(v ? (const char *)v : "");

	xmlFree(v);
	return s;
}

static int add_map(struct check *k, const xmlNode *n, const struct catalogs *cs)
{
	char *fw = xml_attr(n, "framework"), *ctl = xml_attr(n, "control"), *why = xml_attr(n, "why");
	const struct catalog *cat = fw ? catalogs_find(cs, fw) : NULL;
	const struct control *c = cat && ctl ? catalog_find(cat, ctl) : NULL;
	struct check_map *m;
	int rc = 0;

	if (!cat)
		rc = err_set(ERR_PARSE, "%s:%ld: check '%s' maps to framework '%s', which is "
			     "not loaded", k->file, xmlGetLineNo(n), k->id, fw ? fw : "?");
	else if (!c)
		rc = err_set(ERR_PARSE, "%s:%ld: check '%s' maps to %s control '%s', which the "
			     "catalogue does not have", k->file, xmlGetLineNo(n), k->id, fw,
			     ctl ? ctl : "?");
	else
		rc = array_grow(&k->maps, k->nmaps, &k->maps_cap, sizeof(*k->maps));
	if (!rc) {
		m = k->maps;
		m[k->nmaps].framework = fw;
		m[k->nmaps].control = c;
		m[k->nmaps].why = why;
		k->nmaps++;
		fw = why = NULL;
	}
	free(fw);
	free(ctl);
	free(why);
	return rc;
}

/* The rule parameters that are durations (rules.c param_dur). */
static bool is_duration_param(const char *name)
{
	static const char *const names[] = { "max-gap", "window", "min-age", "within" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static int read_check(struct check *k, const xmlNode *n, const struct catalogs *cs)
{
	int rc;

	k->line = (int)xmlGetLineNo(n);
	k->id = xml_attr(n, "id");
	k->params = json_object();
	/* The schema requires every attribute read here: NULL is no memory. */
	if (!k->id || !k->params)
		return err_nomem();
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (is(c, "title")) {
			k->title = content(c);
		} else if (is(c, "remediation")) {
			k->remediation = content(c);
		} else if (is(c, "evidence")) {
			k->kind = xml_attr(c, "kind");
			k->source = xml_attr(c, "source");
			k->type = xml_attr(c, "type");
		} else if (is(c, "rule")) {
			if (!(k->rule = xml_attr(c, "name")))
				return err_nomem();
			if (!rule_known(k->rule))
				return err_set(ERR_PARSE, "%s:%ld: check '%s': unknown rule '%s'",
					       k->file, xmlGetLineNo(c), k->id, k->rule);
			for (const xmlNode *p = c->children; p; p = p->next)
				if (is(p, "param")) {
					/* Both are required by the schema: NULL is out of memory. */
					char *name = xml_attr(p, "name"), *value = xml_attr(p, "value");
					int64_t d;
					int prc;

					if (!name || !value) {
						free(name);
						free(value);
						return err_nomem();
					}
					/* A duration parameter without its unit would
					 * silently fall back to the rule's default. */
					if (is_duration_param(name) &&
					    duration_parse(&d, value)) {
						rc = err_set(ERR_PARSE, "%s:%ld: check '%s': param '%s': "
							     "'%s' is not a duration: a number and a "
							     "unit s, m, h, d or w (like 2h or 7d)",
							     k->file, xmlGetLineNo(p), k->id, name, value);
						free(name);
						free(value);
						return rc;
					}
					prc = json_set(k->params, name, json_string(value));
					free(name);
					free(value);
					if (prc)
						return prc;
				}
		} else if (is(c, "freshness")) {
			char *d = content(c);

			if (!d)
				return err_nomem();
			rc = duration_parse(&k->freshness, d);
			free(d);
			if (rc)
				return err_set(ERR_PARSE, "%s:%ld: check '%s': bad freshness: "
					       "a number and a unit s, m, h, d or w (like 7d)",
					       k->file, xmlGetLineNo(c), k->id);
		} else if (is(c, "maps") && (rc = add_map(k, c, cs))) {
			return rc;
		}
	}
	return k->id && k->title && k->kind && k->rule ? 0 : err_nomem();
}

static int load_file(struct checkset *out, const struct catalogs *cs, const char *path)
{
	xmlDocPtr doc = NULL;
	struct check *v;
	size_t cap = out->n, files_cap = out->nfiles; /* known to be allocated */
	int rc;

	if ((rc = xml_load_valid(&doc, path, CHECKS_MAX_BYTES, CHECKS_SCHEMA, "check file")))
		return rc;
	if ((rc = array_grow(&out->files, out->nfiles, &files_cap, sizeof(*out->files))) ||
	    !(out->files[out->nfiles] = strdup(path))) {
		xmlFreeDoc(doc);
		return rc ? rc : err_nomem();
	}
	out->nfiles++;
	for (const xmlNode *n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
		if (!is(n, "check"))
			continue;
		if ((rc = array_grow(&out->v, out->n, &cap, sizeof(*out->v))))
			break;
		v = out->v;
		memset(&v[out->n], 0, sizeof(*v));
		v[out->n].file = out->files[out->nfiles - 1];
		out->n++;
		if ((rc = read_check(&v[out->n - 1], n, cs)))
			break;
		for (size_t i = 0; i + 1 < out->n; i++)
			if (!strcmp(v[i].id, v[out->n - 1].id)) {
				rc = err_set(ERR_PARSE, "%s:%d: check id '%s' is already defined "
					     "(%s:%d)", path, v[out->n - 1].line, v[i].id, v[i].file,
					     v[i].line);
				break;
			}
		if (rc)
			break;
	}
	xmlFreeDoc(doc);
	return rc;
}

static int load_dir(struct checkset *out, const struct catalogs *cs, const char *dir,
		    bool must_exist)
{
	char **names = NULL, path[PATH_MAX];
	size_t n;
	int rc;

	if ((rc = fs_scan_suffix(&names, &n, dir, ".xml"))) {
		if (must_exist)
			return rc;
		err_clear(); /* an optional directory that is not there */
		return 0;
	}
	for (size_t i = 0; !rc && i < n; i++)
		if (!(rc = fs_join(path, sizeof(path), dir, names[i])))
			rc = load_file(out, cs, path);
	fs_names_free(names);
	return rc;
}

int checks_load(struct checkset *out, const struct catalogs *cs, const char *extra_dir)
{
	char dir[PATH_MAX];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = datadir_path(dir, sizeof(dir), "mappings")) ||
	    (rc = load_dir(out, cs, dir, true)) ||
	    (extra_dir && (rc = load_dir(out, cs, extra_dir, false))))
		checks_free(out);
	return rc;
}

int checks_load_file(struct checkset *out, const struct catalogs *cs, const char *path)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = load_file(out, cs, path)))
		checks_free(out);
	return rc;
}

void checks_free(struct checkset *ks)
{
	for (size_t i = 0; i < ks->n; i++) {
		struct check *k = &ks->v[i];

		free(k->id);
		free(k->title);
		free(k->remediation);
		free(k->kind);
		free(k->source);
		free(k->type);
		free(k->rule);
		json_decref(k->params);
		for (size_t m = 0; m < k->nmaps; m++) {
			free(k->maps[m].framework);
			free(k->maps[m].why);
		}
		free(k->maps);
	}
	for (size_t i = 0; i < ks->nfiles; i++)
		free(ks->files[i]);
	free(ks->files);
	free(ks->v);
	memset(ks, 0, sizeof(*ks));
}

const char *check_param(const struct check *k, const char *name)
{
	return json_string_value(json_object_get(k->params, name));
}
