/*
 * checks.h - check files (mappings/NAME.xml, schema mappings/checks.xsd): what
 * evidence a check reads, the rule it applies, how fresh the evidence must
 * be, and every control it supports in every framework (the crosswalk).
 *
 * Files are validated against the schema, then against the catalogues:
 * an unknown rule, framework or control, or a duplicate check id, is an
 * error naming file:line.
 */
#ifndef AUDITPACK_CHECKS_H
#define AUDITPACK_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../controls/catalog.h"

struct check_map {
	char *framework;
	const struct control *control; /* resolved in the loaded catalogue */
	char *why;
};

struct check {
	char *id;
	char *title;
	char *remediation; /* what to do when it fails (NULL: none given) */
	char *file;
	int line;
	char *kind;      /* evidence kind, or "store" */
	char *source;    /* NULL: any source */
	char *type;      /* NULL: any (documents: attrs.type) */
	char *rule;
	json_t *params;  /* name -> string */
	int64_t freshness;
	struct check_map *maps;
	size_t nmaps;
	size_t maps_cap;
};

struct checkset {
	struct check *v;
	size_t n;
	char **files;    /* every file loaded, for packs */
	size_t nfiles;
};

/* The built-in mappings/ and then `extra_dir` (the store's own check
 * files; may be NULL or missing). */
int checks_load(struct checkset *out, const struct catalogs *cs, const char *extra_dir);
/* One file (tests, and `assess --checks FILE`). */
int checks_load_file(struct checkset *out, const struct catalogs *cs, const char *path);
void checks_free(struct checkset *ks);

/* A param as a string (NULL when absent). */
const char *check_param(const struct check *k, const char *name);

/* Whether a rule of a name exists (rule_known): rules.h. */

#endif
